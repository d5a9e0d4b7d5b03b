"""The fast paths of a training step give exactly what the general paths give.

A small network's step takes shortcuts (engine/ops/loss_ops.py ``_sparse_rows``,
Dense's inline graph entries, Sequential calling a hook-free child's ``forward``,
the Trainer/SGD update of a still-valid packing). Each test here compares a
shortcut with the general code on the same numbers, or changes what a cached
shortcut relies on and checks the change is honoured.
"""

from __future__ import annotations

import numpy as onp
import pytest

from engine import autograd, gluon, init, np, optimizer
from engine.base import MXNetError
from engine.gluon import nn

RNG = onp.random.default_rng(7)


# ------------------------------------------------------- softmax cross-entropy
def _loss_and_grad(pred, label, axis, head_grad=None):
    x = np.array(pred)
    x.attach_grad()
    with autograd.record():
        value = gluon.loss.SoftmaxCrossEntropyLoss(axis=axis)(x, np.array(label))
    value.backward(None if head_grad is None else np.array(head_grad))
    return value.asnumpy(), x.grad.asnumpy()


@pytest.mark.parametrize("label_dtype", ["int32", "int64", "uint8", "float32"])
@pytest.mark.parametrize("weighted_head", [False, True])
def test_rows_by_classes_loss_equals_the_general_path_bit_for_bit(label_dtype, weighted_head):
    pred = RNG.normal(scale=3.0, size=(9, 4)).astype(onp.float32)
    label = RNG.integers(0, 4, size=9).astype(label_dtype)
    head = RNG.uniform(0.5, 2.0, size=9).astype(onp.float32) if weighted_head else None
    fast_value, fast_grad = _loss_and_grad(pred, label, axis=-1, head_grad=head)
    # The class axis first: the general code (take_along_axis, put_along_axis) runs.
    general_value, general_grad = _loss_and_grad(
        onp.ascontiguousarray(pred.T), label, axis=0, head_grad=head
    )
    onp.testing.assert_array_equal(fast_value, general_value)
    onp.testing.assert_array_equal(fast_grad, general_grad.T)


@pytest.mark.parametrize("label_dtype", ["int32", "int64"])
@pytest.mark.parametrize("bad", [[0, 4], [-1, 0]])
def test_rows_by_classes_loss_refuses_out_of_range_labels(label_dtype, bad):
    with pytest.raises(ValueError, match=r"class indices in \[0, 3\]"):
        gluon.loss.SoftmaxCrossEntropyLoss()(
            np.zeros((2, 4)), np.array(onp.array(bad, label_dtype))
        )


# ------------------------------------------------------------- dense, sequential
def _chain(seed: int = 0):
    net = nn.Sequential()
    net.add(nn.Dense(5, activation="tanh", in_units=3), nn.Dense(2, in_units=5))
    net.initialize(init.Xavier())
    rng = onp.random.default_rng(seed)
    for param in net.collect_params().values():
        param.set_data(rng.normal(size=param.shape).astype(onp.float32))
    return net


def test_dense_gradients_equal_the_general_op_bit_for_bit():
    x = RNG.normal(size=(6, 3)).astype(onp.float32)
    label = RNG.integers(0, 2, size=6).astype(onp.int32)
    net = _chain()
    with autograd.record():
        gluon.loss.SoftmaxCrossEntropyLoss()(net(np.array(x)), np.array(label)).backward()
    # The same layers through npx.fully_connected on a 3-D input: its general branch.
    from engine import npx

    twin = _chain()
    xt = np.array(x.reshape(6, 3, 1))
    with autograd.record():
        h = npx.fully_connected(
            xt, twin[0].weight.data(), twin[0].bias.data(), num_hidden=5, flatten=True
        )
        h = npx.activation(h, act_type="tanh")
        out = npx.fully_connected(h, twin[1].weight.data(), twin[1].bias.data(), num_hidden=2)
        gluon.loss.SoftmaxCrossEntropyLoss()(out, np.array(label)).backward()
    for mine, theirs in zip(net.collect_params().values(), twin.collect_params().values()):
        onp.testing.assert_array_equal(mine.grad().asnumpy(), theirs.grad().asnumpy())


def test_dense_input_of_the_wrong_width_is_explained():
    net = _chain()
    with pytest.raises(MXNetError, match=r"Shape inconsistent, Provided = \[5,3\]"):
        net(np.zeros((2, 4)))


def test_hooks_added_after_fast_forward_passes_still_run():
    net = _chain()
    x = np.array(RNG.normal(size=(2, 3)).astype(onp.float32))
    before = net(x).asnumpy()
    seen = []
    net[1].register_forward_pre_hook(lambda block, inputs: seen.append("pre"))
    net[1].register_forward_hook(lambda block, inputs, out: seen.append(out.shape))
    onp.testing.assert_array_equal(net(x).asnumpy(), before)
    assert seen == ["pre", (2, 2)]


def test_a_string_fed_through_a_sequential_is_mxnets_value_error():
    net = _chain()
    with pytest.raises(ValueError, match="there must be one NDArray or one Symbol"):
        net("abc")


# --------------------------------------------------------------- trainer and sgd
BATCH = 4


def _backward(net, seed):
    rng = onp.random.default_rng(seed)
    x = rng.normal(size=(BATCH, 3)).astype(onp.float32)
    label = rng.integers(0, 2, size=BATCH).astype(onp.int32)
    with autograd.record():
        gluon.loss.SoftmaxCrossEntropyLoss()(net(np.array(x)), np.array(label)).backward()


def _sgd_formula(param, lr, wd=0.0):
    """What SGD writes for a small parameter: (1 - lr·wd)·w, then w + g·(-lr/batch)."""
    w = param.data().asnumpy()
    if wd:
        w *= 1.0 - lr * wd
    return w + param.grad().asnumpy() * (-lr * (1.0 / BATCH))


CHANGES = {
    "lr_mult": lambda trainer, params: setattr(params[0], "lr_mult", 2.0),
    "wd": lambda trainer, params: setattr(trainer.optimizer, "wd", 0.01),
    "learning_rate": lambda trainer, params: trainer.set_learning_rate(0.05),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_changes_after_packing_are_honoured_by_the_packed_update(change):
    net = _chain()
    params = list(net.collect_params().values())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    for step in range(2):  # the second step takes the packed shortcut
        _backward(net, step)
        trainer.step(BATCH)
    CHANGES[change](trainer, params)
    for step in range(2, 4):
        _backward(net, step)
        lr, wd = trainer.learning_rate, trainer.optimizer.wd
        expected = [_sgd_formula(p, lr * p.lr_mult, wd * p.wd_mult) for p in params]
        versions = [p.version for p in params]
        trainer.step(BATCH)
        for p, want, version in zip(params, expected, versions):
            onp.testing.assert_array_equal(p.data().asnumpy(), want)
            assert p.version == version + 1


def test_a_parameter_frozen_after_packing_is_left_alone():
    net = _chain()
    params = list(net.collect_params().values())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    for step in range(2):
        _backward(net, step)
        trainer.step(BATCH)
    params[0].grad_req = "null"
    _backward(net, 2)
    frozen, version = params[0].data().asnumpy(), params[0].version
    expected = [_sgd_formula(p, 0.1) for p in params[1:]]
    trainer.step(BATCH)
    onp.testing.assert_array_equal(params[0].data().asnumpy(), frozen)
    assert params[0].version == version
    for p, want in zip(params[1:], expected):
        onp.testing.assert_array_equal(p.data().asnumpy(), want)


@pytest.mark.parametrize("scheduled", [False, True])
def test_update_counts_match_counting_one_index_at_a_time(scheduled):
    def make():
        kwargs = {"learning_rate": 0.1}
        if scheduled:
            kwargs["lr_scheduler"] = lambda n: 0.1 / n
        return optimizer.SGD(**kwargs)

    net = _chain()
    trainer = gluon.Trainer(net.collect_params(), make())
    reference = make()
    reference.param_dict = trainer.optimizer.param_dict
    for step in range(3):
        _backward(net, step)
        trainer.step(BATCH)
        for i in range(4):
            reference._count_and_rates(i)
    assert trainer.optimizer.num_update == reference.num_update == 3
    assert trainer.optimizer._index_update_count == reference._index_update_count
    assert trainer.optimizer._count_and_rates_many(range(4)) == [
        reference._count_and_rates(i) for i in range(4)
    ]


def test_backward_into_packed_gradients_moves_their_versions():
    net = _chain()
    params = list(net.collect_params().values())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    _backward(net, 0)
    trainer.step(BATCH)  # packs the small gradients into one buffer
    assert params[0].grad().asnumpy_view().base is not None
    grad_versions = [p.grad_version for p in params]
    versions = [p.version for p in params]
    _backward(net, 1)
    assert [p.grad_version for p in params] == [v + 1 for v in grad_versions]
    assert [p.version for p in params] == versions


def _packed_trainer(**optimizer_params):
    net = _chain()
    params = list(net.collect_params().values())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, **optimizer_params})
    for step in range(2):  # the first step packs; the second takes _step_packed
        _backward(net, step)
        trainer.step(BATCH)
    return net, params, trainer


def test_the_packed_step_is_taken_and_writes_what_the_general_step_writes(monkeypatch):
    net, params, trainer = _packed_trainer()
    general_calls = []
    monkeypatch.setattr(optimizer.SGD, "_update_many", lambda *args: general_calls.append(args))
    _backward(net, 2)
    expected = [_sgd_formula(p, 0.1) for p in params]
    versions = [p.version for p in params]
    trainer.step(BATCH)
    assert general_calls == []  # the shortcut did it all
    for p, want, version in zip(params, expected, versions):
        onp.testing.assert_array_equal(p.data().asnumpy(), want)
        assert p.version == version + 1
    assert trainer.optimizer.num_update == 3
    assert trainer.optimizer._index_update_count == {i: 3 for i in range(4)}


def test_a_stale_gradient_after_packing_raises_and_changes_nothing():
    net, params, trainer = _packed_trainer()
    before = [p.data().asnumpy().copy() for p in params]
    counts = dict(trainer.optimizer._index_update_count)
    with pytest.raises(UserWarning, match="has not been updated by backward"):
        trainer.step(BATCH)  # no backward since the last step
    for p, values in zip(params, before):
        onp.testing.assert_array_equal(p.data().asnumpy(), values)
    assert trainer.optimizer._index_update_count == counts
    trainer.step(BATCH, ignore_stale_grad=True)  # every gradient stale: nothing to update
    for p, values in zip(params, before):
        onp.testing.assert_array_equal(p.data().asnumpy(), values)


def test_clipping_turned_on_after_packing_is_honoured():
    net, params, trainer = _packed_trainer()
    trainer.optimizer.clip_gradient = 1e-3
    _backward(net, 2)
    expected = [
        p.data().asnumpy() - 0.1 * onp.clip(p.grad().asnumpy() / BATCH, -1e-3, 1e-3) for p in params
    ]
    trainer.step(BATCH)
    for p, want in zip(params, expected):
        onp.testing.assert_allclose(p.data().asnumpy(), want, rtol=1e-6, atol=1e-7)


def test_a_momentum_optimizer_never_takes_the_plain_packed_step():
    net, params, trainer = _packed_trainer(momentum=0.9)
    _backward(net, 2)
    before = [p.data().asnumpy().copy() for p in params]
    states = trainer._updaters[0].states
    assert not trainer.optimizer._step_packed(trainer._params, states)
    for p, values in zip(params, before):
        onp.testing.assert_array_equal(p.data().asnumpy(), values)
    moms = [states[i].asnumpy().copy() for i in range(4)]
    expected = [
        p.data().asnumpy() + (0.9 * mom - 0.1 * p.grad().asnumpy() / BATCH)
        for p, mom in zip(trainer._params, moms)
    ]
    trainer.step(BATCH)
    for p, want in zip(trainer._params, expected):
        onp.testing.assert_allclose(p.data().asnumpy(), want, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_activation_gradients_with_array_constants_equal_the_textbook_formulas(dtype):
    # The hot path writes 0 and 1 as 0-d arrays of the operand's dtype (a Python number
    # costs NumPy a conversion); the values must be those of the plain formulas.
    from engine.ops.nn import _activate_inplace, _activation_grad

    rng = onp.random.default_rng(3)
    z = rng.normal(scale=2.0, size=(7, 5)).astype(dtype)
    z[0, :3] = [0.0, -0.0, onp.nan]
    g = rng.normal(size=(7, 5)).astype(dtype)
    with onp.errstate(invalid="ignore"):
        y = z.copy()
        kept = _activate_inplace(y, "tanh")
        onp.testing.assert_array_equal(_activation_grad(g, "tanh", y, kept), g * (1 - y * y))
        r = z.copy()
        kept = _activate_inplace(r, "relu")
        onp.testing.assert_array_equal(r, onp.maximum(z, 0))
        onp.testing.assert_array_equal(_activation_grad(g, "relu", r, kept), g * (r > 0))
        assert _activation_grad(g, "tanh", y, kept).dtype == onp.dtype(dtype)
