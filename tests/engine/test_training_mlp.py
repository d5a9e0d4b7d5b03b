"""Training works end to end: the chapter MLP and a Playground MLP learn; NaN loss is caught."""

from __future__ import annotations

import time

import numpy as onp

from engine import autograd, data, gluon, init, np, random_state
from engine.gluon import nn


def _accuracy(net, X, y) -> float:
    return float((net(X).asnumpy().argmax(axis=1) == onp.asarray(y)).mean())


def _train(net, split, trainer, epochs, batch_size, loss_fn):
    X, y = split.X_train.asnumpy(), split.y_train.asnumpy()
    rng = onp.random.default_rng(0)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            idx = order[start : start + batch_size]
            xb, yb = np.array(X[idx]), np.array(y[idx])
            with autograd.record():
                value = loss_fn(net(xb), yb)
            value.backward()
            trainer.step(len(idx))


def test_chapter_mlp_learns_teacher_data_well_above_chance():
    # Dense(256, relu), Dense(10) from "Parameter Management"; 10 classes, chance = 10 %.
    random_state.seed(0)
    split = data.teacher(num_inputs=20, num_classes=10, num_examples=2000, seed=0)
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    net.initialize(init.Xavier())
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.003})
    start = time.perf_counter()
    _train(
        net, split, trainer, epochs=30, batch_size=64, loss_fn=gluon.loss.SoftmaxCrossEntropyLoss()
    )
    elapsed = time.perf_counter() - start
    test_acc = _accuracy(net, split.X_test, split.y_test)
    # Measured ≈0.73 on held-out data (train 1.0) in about a second; 0.5 is 5× chance.
    assert test_acc >= 0.5, test_acc
    assert elapsed < 30


def test_playground_tanh_mlp_separates_spiral():
    random_state.seed(0)
    split = data.spiral(num_examples=500, noise=0.0, seed=0)
    net = nn.Sequential()
    net.add(nn.Dense(16, activation="tanh"), nn.Dense(16, activation="tanh"), nn.Dense(2))
    net.initialize(init.Xavier())
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.02})
    start = time.perf_counter()
    _train(
        net, split, trainer, epochs=300, batch_size=25, loss_fn=gluon.loss.SoftmaxCrossEntropyLoss()
    )
    elapsed = time.perf_counter() - start
    assert _accuracy(net, split.X_test, split.y_test) >= 0.95
    assert elapsed < 60


def test_diverging_run_is_detected_by_is_finite():
    split = data.teacher(num_inputs=20, num_classes=10, num_examples=256, seed=1)
    net = nn.Sequential()
    net.add(nn.Dense(64, activation="relu"), nn.Dense(10))
    net.initialize(init.Normal(1.0))
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 1e6})
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    X, y = split.X_train, split.y_train
    diverged_at = None
    for step in range(20):
        with autograd.record():
            value = loss_fn(net(X), y)
        if not gluon.loss.is_finite(value):
            diverged_at = step
            break
        value.backward()
        trainer.step(X.shape[0])
    assert diverged_at is not None
    assert not onp.isfinite(value.asnumpy()).all()
