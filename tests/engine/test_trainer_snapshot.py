"""TrainerState: a Trainer's optimizer state copied in memory and put back exactly."""

import numpy as onp
import pytest

from engine import autograd, data, gluon, init
from engine import np as enp
from engine.gluon import nn
from engine.gluon.trainer_snapshot import TrainerState


def _net_and_trainer(optimizer, **hyperparameters):
    onp.random.seed(0)
    net = nn.Sequential()
    net.add(nn.Dense(8, activation="tanh", in_units=3), nn.Dense(2, in_units=8))
    net.initialize(init.Xavier())
    trainer = gluon.Trainer(net.collect_params(), optimizer, hyperparameters)
    return net, trainer


def _steps(net, trainer, n, seed=1):
    rng = onp.random.default_rng(seed)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    losses = []
    for _ in range(n):
        X = enp.array(rng.normal(size=(6, 3)).astype(onp.float32))
        y = enp.array(rng.integers(0, 2, 6))
        with autograd.record():
            loss = loss_fn(net(X), y)
        loss.backward()
        trainer.step(6)
        losses.append(float(loss.mean()))
    return losses


def _weights(net):
    return [p.data().asnumpy().copy() for p in net.collect_params().values()]


@pytest.mark.parametrize(
    "optimizer, hyperparameters",
    [
        ("sgd", {"learning_rate": 0.1, "momentum": 0.9}),
        ("nag", {"learning_rate": 0.1, "momentum": 0.9}),
        ("adam", {"learning_rate": 0.05}),
        ("rmsprop", {"learning_rate": 0.01}),
        ("adagrad", {"learning_rate": 0.1}),
    ],
)
def test_restoring_the_state_and_the_weights_repeats_the_same_steps(optimizer, hyperparameters):
    net, trainer = _net_and_trainer(optimizer, **hyperparameters)
    _steps(net, trainer, 5)
    saved, weights = TrainerState(trainer), _weights(net)
    first = _steps(net, trainer, 4, seed=2)
    after = _weights(net)
    saved.restore()
    for param, value in zip(net.collect_params().values(), weights):
        param.set_data(value)
    assert _steps(net, trainer, 4, seed=2) == first
    assert all(onp.array_equal(a, b) for a, b in zip(after, _weights(net)))


def test_states_made_after_the_copy_are_dropped_and_made_afresh():
    net, trainer = _net_and_trainer("adam", learning_rate=0.05)
    fresh, initial = TrainerState(trainer), _weights(net)  # before any step: no state yet
    first = _steps(net, trainer, 3)
    weights_after = _weights(net)
    fresh.restore()
    assert trainer._updaters[0].states == {}
    assert trainer.optimizer.num_update == 0
    for param, value in zip(net.collect_params().values(), initial):
        param.set_data(value)
    assert _steps(net, trainer, 3) == first
    assert all(onp.array_equal(a, b) for a, b in zip(weights_after, _weights(net)))


def test_restore_writes_into_the_arrays_the_optimizer_packed():
    net, trainer = _net_and_trainer("adam", learning_rate=0.05)
    _steps(net, trainer, 2)
    states = trainer._updaters[0].states
    arrays = {i: tuple(s) for i, s in states.items()}
    saved = TrainerState(trainer)
    _steps(net, trainer, 2)
    saved.restore()
    assert all(tuple(states[i]) == arrays[i] for i in arrays)  # the same objects
    assert all(
        onp.array_equal(a._data, b) for i in arrays for a, b in zip(states[i], saved.states[i])
    )


def test_is_finite_sees_an_overflowed_moment():
    net, trainer = _net_and_trainer("adam", learning_rate=0.05)
    _steps(net, trainer, 1)
    assert TrainerState(trainer).is_finite()
    moment = next(iter(trainer._updaters[0].states.values()))[1]
    moment._data.flat[0] = onp.inf
    assert not TrainerState(trainer).is_finite()


def test_a_loader_rewound_to_its_shuffle_state_replays_the_epoch():
    X = onp.arange(40, dtype=onp.float32).reshape(20, 2)
    loader = data.DataLoader(X, 3, shuffle=True, seed=5)
    next(iter(loader))  # one epoch drawn
    state = loader.shuffle_state
    epoch = [b.asnumpy() for b in loader]
    loader.shuffle_state = state
    assert all(onp.array_equal(a, b.asnumpy()) for a, b in zip(epoch, loader))
