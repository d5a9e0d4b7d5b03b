"""Trainer.load_states refuses states that do not fit the Trainer, changing nothing."""

from __future__ import annotations

import json

import numpy as onp
import pytest

from engine import autograd, init, np
from engine.gluon import Trainer, nn


def trained(optimizer="sgd", params=None, units=(4, 2)):
    net = nn.Sequential()
    net.add(nn.Dense(units[0], in_units=3), nn.Dense(units[1], in_units=units[0]))
    net.initialize(init.Normal(0.5))
    trainer = Trainer(
        net.collect_params(), optimizer, params or {"learning_rate": 0.1, "momentum": 0.9}
    )
    with autograd.record():
        loss = (net(np.ones((2, 3))) ** 2).sum()
    loss.backward()
    trainer.step(2)
    return net, trainer


def snapshot(trainer):
    updater = trainer._updaters[0]
    states = {i: (None if s is None else onp.array(s.asnumpy())) for i, s in updater.states.items()}
    opt = trainer.optimizer
    return states, opt.num_update, dict(opt._index_update_count), opt.lr


def same(a, b):
    states_a, *rest_a = a
    states_b, *rest_b = b
    return (
        rest_a == rest_b
        and states_a.keys() == states_b.keys()
        and all(
            (x is None and y is None) or (x == y).all()
            for x, y in ((states_a[k], states_b[k]) for k in states_a)
        )
    )


def rewrite(path, change):
    arrays = dict(onp.load(path))
    meta = json.loads(str(arrays["__meta__"].reshape(-1)[0]))
    change(arrays, meta)
    arrays["__meta__"] = onp.array(json.dumps(meta))
    with open(path, "wb") as stream:
        onp.savez(stream, **arrays)


@pytest.fixture
def states_file(tmp_path):
    _net, trainer = trained()
    path = tmp_path / "trainer.states"
    trainer.save_states(str(path))
    return trainer, path


def refused(trainer, path, match):
    before = snapshot(trainer)
    with pytest.raises(ValueError, match=match):
        trainer.load_states(str(path))
    assert same(snapshot(trainer), before)


def test_states_of_another_model_are_refused(states_file):
    _trainer, path = states_file
    _net, other = trained(units=(5, 2))
    refused(other, path, r"state_0' has shape \(4,\), but parameter #0")


def test_states_of_a_smaller_model_are_refused(tmp_path):
    net = nn.Dense(2, in_units=3)
    net.initialize()
    small = Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9})
    _net, big = trained()
    path = tmp_path / "big.states"
    big.save_states(str(path))
    refused(small, path, "parameter #2, but this Trainer has 2 parameters")


def test_state_of_shape_one_is_refused(states_file):
    trainer, path = states_file
    rewrite(path, lambda arrays, meta: arrays.update(state_1=onp.zeros(1, "f4")))
    refused(trainer, path, r"state_1' has shape \(1,\)")


@pytest.mark.parametrize(
    "key, value, match",
    [
        ("learning_rate", "fast", "learning rate must be a finite number"),
        ("learning_rate", None, "learning rate must be a finite number"),
        ("num_update", -3, "num_update"),
        ("num_update", "7", "num_update"),
        ("index_update_count", {"0": "x"}, "update count"),
        ("index_update_count", [1], "index_update_count is not a JSON object"),
        ("layout", {"0": 2}, "layout 2"),
        ("layout", "everything", "layout is not a JSON object"),
    ],
)
def test_bad_metadata_is_refused(states_file, key, value, match):
    trainer, path = states_file
    rewrite(path, lambda arrays, meta: meta.__setitem__(key, value))
    refused(trainer, path, match)


def test_momentum_file_for_plain_sgd_is_refused(states_file):
    _trainer, path = states_file
    _net, plain = trained(params={"learning_rate": 0.1})
    refused(plain, path, r"keeps None")


def test_meta_that_is_not_json_is_refused(states_file):
    trainer, path = states_file
    arrays = dict(onp.load(path))
    arrays["__meta__"] = onp.array("{not json")
    with open(path, "wb") as stream:
        onp.savez(stream, **arrays)
    refused(trainer, path, "not a JSON object")


def test_valid_states_still_load(states_file):
    trainer, path = states_file
    momentum = trainer._updaters[0].states[1].asnumpy().copy()
    trainer._updaters[0].states = {}
    trainer.load_states(str(path))
    assert (trainer._updaters[0].states[1].asnumpy() == momentum).all()
    assert trainer.optimizer.num_update == 1


def test_state_values_beyond_float32_are_refused(states_file):
    trainer, path = states_file
    rewrite(path, lambda arrays, meta: arrays.update(state_1=onp.full((4, 3), 1e300)))
    refused(trainer, path, "values up to 1e.300 do not fit in float32")
