"""Optimizers on small parameters: packed into flat buffers, updated together, same values."""

from __future__ import annotations

import numpy as onp
import pytest

from engine import autograd, gluon, init, np, optimizer
from engine.gluon import nn

LR = 0.1
BATCH = 4


def _mlp(big_layer: bool = False):
    net = nn.Sequential()
    # 70 * 64 = 4480 weights: at or above the size updated through the BLAS axpy path.
    net.add(
        nn.Dense(64 if big_layer else 5, activation="tanh", in_units=70 if big_layer else 3),
        nn.Dense(4, activation="relu"),
        nn.Dense(2),
    )
    net.initialize(init.Xavier())
    rng = onp.random.default_rng(0)
    x = rng.normal(size=(BATCH, 70 if big_layer else 3)).astype(onp.float32)
    net(np.array(x))
    for param in net.collect_params().values():
        param.set_data(rng.normal(size=param.shape).astype(onp.float32))
    return net, x


def _params(net):
    return [p for layer in net for p in (layer.weight, layer.bias)]


def _backward(net, x, seed):
    labels = onp.random.default_rng(seed).integers(0, 2, size=BATCH)
    with autograd.record():
        loss = gluon.loss.SoftmaxCrossEntropyLoss()(net(np.array(x)), np.array(labels))
    loss.backward()


def _expected_after_step(params, lr_mults=None):
    """w - lr · lr_mult · g / batch, computed the way SGD does (w + g · (-lr / batch))."""
    lr_mults = lr_mults or [1.0] * len(params)
    return [
        p.data().asnumpy() + p.grad().asnumpy() * (-LR * m * (1.0 / BATCH))
        for p, m in zip(params, lr_mults)
    ]


@pytest.mark.parametrize("big_layer", [False, True])
def test_sgd_step_matches_the_per_parameter_formula_bit_for_bit(big_layer):
    net, x = _mlp(big_layer)
    params = _params(net)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})
    for step in range(3):
        _backward(net, x, step)
        expected = _expected_after_step(params)
        versions = [p.version for p in params]
        trainer.step(BATCH)
        for p, want, version in zip(params, expected, versions):
            if big_layer and p.data().size >= 4096:
                # the BLAS axpy rounds its own way
                onp.testing.assert_allclose(p.data().asnumpy(), want, rtol=1e-6, atol=1e-7)
            else:
                onp.testing.assert_array_equal(p.data().asnumpy(), want)
            assert p.version == version + 1


def test_small_parameters_share_one_buffer_and_keep_their_own_gradients():
    net, x = _mlp()
    params = _params(net)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})
    _backward(net, x, 0)
    trainer.step(BATCH)
    bases = {p.data().asnumpy_view().base.ctypes.data for p in params}
    assert len(bases) == 1  # packed
    # A later backward still shows each parameter its own gradient, through grad().
    _backward(net, x, 1)
    fresh, _ = _mlp()
    for p_fresh, p in zip(_params(fresh), params):
        p_fresh.set_data(p.data())
    _backward(fresh, x, 1)
    for p_fresh, p in zip(_params(fresh), params):
        onp.testing.assert_array_equal(p.grad().asnumpy(), p_fresh.grad().asnumpy())


def test_different_lr_mult_and_later_writes_are_honoured():
    net, x = _mlp()
    params = _params(net)
    params[1].lr_mult = 3.0
    lr_mults = [3.0 if i == 1 else 1.0 for i in range(len(params))]
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})
    _backward(net, x, 0)
    trainer.step(BATCH)
    # Writes after packing (set_data, in place through data(), re-initialization) land in
    # the buffers the next step updates.
    params[0].set_data(onp.full(params[0].shape, 0.5, onp.float32))
    params[2].data()[:] += 1
    params[3].initialize(init.One(), force_reinit=True)
    _backward(net, x, 1)
    expected = _expected_after_step(params, lr_mults)
    trainer.step(BATCH)
    for p, want in zip(params, expected):
        onp.testing.assert_array_equal(p.data().asnumpy(), want)


def test_cast_after_packing_is_picked_up():
    net, x = _mlp()
    params = _params(net)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})
    _backward(net, x, 0)
    trainer.step(BATCH)
    net.cast("float64")
    _backward(net, x.astype(onp.float64), 1)
    expected = _expected_after_step(params)
    trainer.step(BATCH)
    for p, want in zip(params, expected):
        assert p.data().dtype == onp.float64
        onp.testing.assert_array_equal(p.data().asnumpy(), want)


def _per_parameter(cls):
    """``cls`` with an ``update`` of its own: the Updater then calls it parameter by parameter."""

    class PerParameter(cls):
        def update(self, index, weight, grad, state):
            super().update(index, weight, grad, state)

    return PerParameter


@pytest.mark.parametrize(
    "name, cls, kwargs",
    [
        ("sgd", optimizer.SGD, {}),
        ("sgd", optimizer.SGD, {"momentum": 0.9, "wd": 0.01}),
        ("nag", optimizer.NAG, {"momentum": 0.9}),
        ("nag", optimizer.NAG, {"momentum": 0.9, "wd": 0.01, "clip_gradient": 0.05}),
        ("adam", optimizer.Adam, {}),
        ("adam", optimizer.Adam, {"wd": 0.01, "clip_gradient": 0.05}),
    ],
)
def test_packed_updates_equal_per_parameter_updates_bit_for_bit(name, cls, kwargs):
    nets = [_mlp()[0] for _ in range(2)]
    x = _mlp()[1]
    for p_a, p_b in zip(_params(nets[0]), _params(nets[1])):
        p_b.set_data(p_a.data())
    kwargs = {"learning_rate": LR, **kwargs}
    # Parameter lists in layer order: states are compared by index, and the sorted names
    # of two nets differ once the name counters pass a power of ten (dense9 < dense10).
    trainers = [
        gluon.Trainer(_params(nets[0]), name, dict(kwargs)),
        gluon.Trainer(_params(nets[1]), _per_parameter(cls)(**kwargs)),
    ]
    _params(nets[0])[1].lr_mult = 2.0  # one parameter on its own step size
    _params(nets[1])[1].lr_mult = 2.0
    start = [[p.version for p in _params(net)] for net in nets]
    for step in range(3):
        for net, trainer in zip(nets, trainers):
            _backward(net, x, step)
            trainer.step(BATCH)
        for p_a, p_b, start_a, start_b in zip(_params(nets[0]), _params(nets[1]), *start):
            onp.testing.assert_array_equal(p_a.data().asnumpy(), p_b.data().asnumpy())
            assert p_a.version - start_a == p_b.version - start_b == step + 1
    states = [trainer._updaters[0].states for trainer in trainers]
    for index, state in states[1].items():
        parts = () if state is None else (state,) if not isinstance(state, tuple) else state
        packed = states[0][index]
        packed = () if packed is None else (packed,) if not isinstance(packed, tuple) else packed
        for a, b in zip(packed, parts):
            onp.testing.assert_array_equal(a.asnumpy(), b.asnumpy())
            assert a.version == b.version


@pytest.mark.parametrize("name", ["nag", "adam"])
def test_saved_and_loaded_states_of_packed_parameters_resume_identically(name, tmp_path):
    kwargs = {"learning_rate": LR, "momentum": 0.9} if name == "nag" else {"learning_rate": LR}
    net_a, x = _mlp()
    # Parameter lists in layer order: states are saved by position, and the sorted names of
    # two nets differ once the name counters pass a power of ten (dense9 < dense10 fails).
    trainer_a = gluon.Trainer(_params(net_a), name, dict(kwargs))
    for step in range(2):
        _backward(net_a, x, step)
        trainer_a.step(BATCH)
    path = tmp_path / "states.npz"
    trainer_a.save_states(str(path))
    net_b, _ = _mlp()
    for p_a, p_b in zip(_params(net_a), _params(net_b)):
        p_b.set_data(p_a.data())
    trainer_b = gluon.Trainer(_params(net_b), name, dict(kwargs))
    trainer_b.load_states(str(path))
    for net, trainer in ((net_a, trainer_a), (net_b, trainer_b)):
        _backward(net, x, 2)
        trainer.step(BATCH)
    for p_a, p_b in zip(_params(net_a), _params(net_b)):
        onp.testing.assert_array_equal(p_a.data().asnumpy(), p_b.data().asnumpy())
