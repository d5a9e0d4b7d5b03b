"""Gluon Trainer: rescaling, multipliers, skipped and stale parameters, learning rate, states."""

from __future__ import annotations

import numpy as onp
import pytest

from engine import autograd, init, np, optimizer
from engine.gluon import Parameter, Trainer, nn


def _param(name, values, **kwargs):
    p = Parameter(name, shape=onp.shape(values), **kwargs)
    p.initialize(init=init.Constant(0))
    p.set_data(np.array(values))
    return p


def _backward(params, coefficients):
    """loss = Σ c·p  →  grad of each p is its coefficient array."""
    with autograd.record():
        total = None
        for p, c in zip(params, coefficients):
            term = (p.data() * np.array(c)).sum()
            total = term if total is None else total + term
    total.backward()


def test_step_rescales_gradient_by_batch_size():
    p = _param("w", [1.0, 2.0])
    trainer = Trainer([p], "sgd", {"learning_rate": 0.5})
    _backward([p], [[4.0, 8.0]])
    trainer.step(4)
    onp.testing.assert_allclose(p.data().asnumpy(), [1.0 - 0.5 * 1.0, 2.0 - 0.5 * 2.0])


def test_lr_mult_and_wd_mult_are_honoured():
    a = _param("a", [1.0], lr_mult=2.0)
    b = _param("b", [1.0], wd_mult=0.0)
    trainer = Trainer([a, b], "sgd", {"learning_rate": 0.1, "wd": 0.5})
    _backward([a, b], [[1.0], [1.0]])
    trainer.step(1)
    # a: (1 - 0.2·0.5)·1 - 0.2·1 = 0.7 ; b: 1 - 0.1·1 = 0.9 (no decay)
    onp.testing.assert_allclose(a.data().asnumpy(), [0.7], rtol=1e-6)
    onp.testing.assert_allclose(b.data().asnumpy(), [0.9], rtol=1e-6)


def test_grad_req_null_is_skipped_and_not_stale():
    trained = _param("t", [1.0])
    frozen = _param("f", [5.0])
    frozen.grad_req = "null"
    trainer = Trainer([trained, frozen], "sgd", {"learning_rate": 1.0})
    _backward([trained, frozen], [[1.0], [1.0]])
    version = frozen.version
    trainer.step(1)
    assert frozen.data().asnumpy().tolist() == [5.0]
    assert frozen.version == version
    assert trained.data().asnumpy().tolist() == [0.0]


def test_stale_gradient_raises_gluon_user_warning_and_changes_nothing():
    used = _param("used", [1.0])
    unused = _param("net0_unused", [1.0])
    trainer = Trainer([used, unused], "sgd", {"learning_rate": 1.0})
    _backward([used], [[1.0]])
    with pytest.raises(UserWarning) as info:
        trainer.step(1)
    assert str(info.value).startswith(
        "Gradient of Parameter `net0_unused` on context cpu(0) has not been updated by "
        "backward since last `step`. This could mean a bug in your model that made it only "
        "use a subset of the Parameters (Blocks) for this iteration."
    )
    assert used.data().asnumpy().tolist() == [1.0]  # checked before anything was updated
    trainer.step(1, ignore_stale_grad=True)
    assert used.data().asnumpy().tolist() == [0.0]
    assert unused.data().asnumpy().tolist() == [1.0]


def test_second_step_without_backward_is_stale():
    p = _param("w", [1.0])
    trainer = Trainer([p], "sgd", {"learning_rate": 1.0})
    _backward([p], [[1.0]])
    trainer.step(1)
    with pytest.raises(UserWarning, match="has not been updated by backward"):
        trainer.step(1)


def test_step_bumps_parameter_version_once():
    p = _param("w", [1.0, 1.0])
    trainer = Trainer([p], "sgd", {"learning_rate": 0.1, "momentum": 0.9})
    _backward([p], [[1.0, 1.0]])
    version = p.version
    trainer.step(1)
    assert p.version == version + 1


def test_learning_rate_property_and_set_learning_rate():
    p = _param("w", [1.0])
    trainer = Trainer([p], "sgd", {"learning_rate": 0.1})
    assert trainer.learning_rate == 0.1
    trainer.set_learning_rate(0.01)
    assert trainer.learning_rate == 0.01
    _backward([p], [[1.0]])
    trainer.step(1)
    onp.testing.assert_allclose(p.data().asnumpy(), [0.99])


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "fast"])
def test_invalid_learning_rate_is_a_clear_error(bad):
    p = _param("w", [1.0])
    with pytest.raises(ValueError, match="learning rate must be a finite number"):
        Trainer([p], "sgd", {"learning_rate": bad})
    trainer = Trainer([p], "sgd", {"learning_rate": 0.1})
    with pytest.raises(ValueError, match="learning rate must be a finite number"):
        trainer.set_learning_rate(bad)
    assert trainer.learning_rate == 0.1


def test_unknown_optimizer_lists_valid_names():
    with pytest.raises(ValueError, match="^Cannot find optimizer sdg$"):
        Trainer([_param("w", [1.0])], "sdg")


def test_bad_params_argument_and_batch_size():
    with pytest.raises(ValueError, match="list or dict of Parameters"):
        Trainer("weights", "sgd")
    with pytest.raises(ValueError, match="got list of"):
        Trainer([1, 2], "sgd")
    trainer = Trainer([_param("w", [1.0])], "sgd")
    with pytest.raises(ValueError, match="batch_size must be a positive number"):
        trainer.step(0)


def test_optimizer_instance_with_optimizer_params_is_an_error():
    with pytest.raises(ValueError, match="optimizer_params must be None"):
        Trainer([_param("w", [1.0])], optimizer.SGD(), {"learning_rate": 0.1})


def test_shared_parameter_is_updated_once():
    shared = nn.Dense(2, in_units=2)
    net = nn.Sequential()
    net.add(shared, nn.Dense(2, in_units=2, params=shared.params))
    net.initialize(init.One())
    trainer = Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    assert len(trainer._params) == 2
    with autograd.record():
        out = net(np.ones((1, 2))).sum()
    out.backward()
    grad = shared.weight.grad().asnumpy()
    trainer.step(1)
    onp.testing.assert_allclose(shared.weight.data().asnumpy(), 1.0 - 0.1 * grad, rtol=1e-6)


def test_trainer_created_before_deferred_initialization_finishes():
    net = nn.Sequential()
    # No relu: a randomly dead layer would give a zero gradient and no update.
    net.add(nn.Dense(3), nn.Dense(2))
    net.initialize()
    trainer = Trainer(net.collect_params(), "adam", {"learning_rate": 0.01})
    with autograd.record():
        out = net(np.ones((4, 5))).sum()
    out.backward()
    before = net[0].weight.data().asnumpy()
    trainer.step(4)
    assert not onp.allclose(net[0].weight.data().asnumpy(), before)


def test_uninitialized_parameter_is_rejected_at_construction():
    with pytest.raises(RuntimeError, match="has not been initialized"):
        Trainer([Parameter("w", shape=(2,))], "sgd")


def test_allreduce_grads_then_update_equals_step():
    a, b = _param("a", [1.0, 2.0]), _param("b", [1.0, 2.0])
    ta = Trainer([a], "sgd", {"learning_rate": 0.3, "momentum": 0.5})
    tb = Trainer([b], "sgd", {"learning_rate": 0.3, "momentum": 0.5})
    for _ in range(2):
        _backward([a], [[1.0, -2.0]])
        ta.step(2)
        _backward([b], [[1.0, -2.0]])
        tb.allreduce_grads()
        tb.update(2)
    onp.testing.assert_array_equal(a.data().asnumpy(), b.data().asnumpy())


def test_save_and_load_states_resume_identically(tmp_path):
    def make():
        p = _param("w", [1.0, -1.0])
        return p, Trainer([p], "adam", {"learning_rate": 0.1})

    p1, t1 = make()
    for _ in range(2):
        _backward([p1], [[1.0, 3.0]])
        t1.step(1)
    path = tmp_path / "states.npz"
    t1.save_states(str(path))
    p2, t2 = make()
    p2.set_data(p1.data())
    t2.load_states(str(path))
    _backward([p1], [[0.5, -1.0]])
    t1.step(1)
    _backward([p2], [[0.5, -1.0]])
    t2.step(1)
    onp.testing.assert_array_equal(p1.data().asnumpy(), p2.data().asnumpy())
    sgd_trainer = Trainer([_param("v", [1.0])], "sgd")
    with pytest.raises(ValueError, match="states of optimizer 'adam'"):
        sgd_trainer.load_states(str(path))
