"""Autograd behaviour beyond single ops: modes, grad_req, in-place writes, freed graphs."""

from __future__ import annotations

import numpy as onp
import pytest

from engine import autograd, init, np, npx
from engine.base import MXNetError
from engine.gluon import nn


def test_recording_and_training_modes_nest_and_restore():
    assert not autograd.is_recording() and not autograd.is_training()
    with autograd.record():
        assert autograd.is_recording() and autograd.is_training()
        with autograd.pause():
            assert not autograd.is_recording() and not autograd.is_training()
            with autograd.train_mode():
                assert autograd.is_training()
        with autograd.predict_mode():
            assert autograd.is_recording() and not autograd.is_training()
    assert not autograd.is_recording() and not autograd.is_training()


def test_ops_outside_record_build_no_tape():
    x = np.ones((2, 2))
    x.attach_grad()
    y = (x * 2 + 1).sum()
    assert y._node is None
    with autograd.record():
        z = (x * 2 + 1).sum()
        with autograd.pause():
            w = x * 3
    assert z._node is not None and w._node is None


def test_backward_outside_record_says_to_use_record():
    x = np.ones((2,))
    x.attach_grad()
    y = (x * 2).sum()
    with pytest.raises(MXNetError, match=r"autograd\.record\(\)"):
        y.backward()


def test_second_backward_on_a_freed_graph_is_refused_unless_retained():
    x = np.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.asnumpy().tolist() == [2.0, 4.0]
    with pytest.raises(RuntimeError, match="already used by a backward pass"):
        y.backward()


def test_grad_req_write_overwrites_and_add_accumulates():
    x = np.array([1.0, 2.0])
    x.attach_grad()
    for _ in range(2):
        with autograd.record():
            y = (x * 3).sum()
        y.backward()
    assert x.grad.asnumpy().tolist() == [3.0, 3.0]
    x.attach_grad(grad_req="add")
    for _ in range(2):
        with autograd.record():
            y = (x * 3).sum()
        y.backward()
    assert x.grad.asnumpy().tolist() == [6.0, 6.0]


def test_switching_a_parameter_to_grad_req_null_and_back():
    layer = nn.Dense(2, in_units=3)
    layer.initialize(init.One())
    layer.weight.grad_req = "null"
    with autograd.record():
        out = layer(np.ones((1, 3))).sum()
    out.backward()
    assert float(layer.bias.grad().sum()) == 2
    layer.weight.grad_req = "add"
    for _ in range(2):
        with autograd.record():
            out = layer(np.ones((1, 3))).sum()
        out.backward()
    assert layer.weight.grad().asnumpy().tolist() == [[2.0] * 3] * 2


def test_tied_dense_layers_receive_the_sum_of_both_gradients():
    shared = nn.Dense(3, in_units=3, use_bias=False)
    net = nn.Sequential()
    net.add(shared, nn.Dense(3, in_units=3, use_bias=False, params=shared.params))
    net.initialize(init.Constant(0.5))
    x = np.array([[1.0, 2.0, 3.0]])
    with autograd.record():
        y = net(x).sum()
    y.backward()
    w = 0.5 * onp.ones((3, 3))
    h = x.asnumpy() @ w.T
    g = onp.ones((1, 3))
    expected = (g @ w).T @ x.asnumpy() + g.T @ h  # first use + second use
    onp.testing.assert_allclose(net[0].weight.grad().asnumpy(), expected, rtol=1e-6)


def fancy_forward(x, rand_weight, weight, bias):
    """FancyMLP's forward with explicit arrays: in-place updates inside record."""
    x = npx.fully_connected(x, weight, bias, act_type="relu")
    x = npx.relu(np.dot(x, rand_weight) + 1)
    x = npx.fully_connected(x, weight, bias, act_type="relu")
    while np.abs(x).sum() > 1:
        x /= 2
    if np.abs(x).sum() < 0.8:
        x *= 10
    return x.sum()


def test_fancymlp_in_place_updates_are_recorded_with_correct_gradients():
    rng = onp.random.default_rng(0)
    x = np.array(rng.uniform(size=(2, 4)))
    rand_weight = np.array(rng.uniform(size=(4, 4)))
    weight = np.array(rng.uniform(-0.5, 0.5, size=(4, 4)))
    bias = np.array(rng.uniform(size=(4,)))
    weight.attach_grad()
    with autograd.record():
        y = fancy_forward(x, rand_weight, weight, bias)
    y.backward()
    eps = 1e-3
    numeric = onp.zeros((4, 4))
    for i in range(4):
        for j in range(4):
            for sign in (1, -1):
                w = weight.asnumpy().astype(onp.float64)
                w[i, j] += sign * eps
                numeric[i, j] += sign * float(
                    fancy_forward(
                        np.array(x.asnumpy().astype(onp.float64)),
                        np.array(rand_weight.asnumpy().astype(onp.float64)),
                        np.array(w),
                        np.array(bias.asnumpy().astype(onp.float64)),
                    )
                )
    numeric /= 2 * eps
    onp.testing.assert_allclose(weight.grad.asnumpy(), numeric, rtol=2e-2, atol=2e-3)


def test_overwriting_a_value_backward_needs_is_a_clear_error():
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    w.attach_grad()
    x = np.array([[1.0, 1.0]])
    with autograd.record():
        y = (np.dot(x, w) * w[0]).sum()
    w[:] = 0  # the product read w's old values
    with pytest.raises(RuntimeError, match="modified in place after it was used"):
        y.backward()


def test_in_place_write_to_a_view_of_a_saved_value_is_detected():
    x = np.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with autograd.record():
        y = np.exp(x)
        z = (y * 2).sum()
    view = y[1:]
    view += 1
    with pytest.raises(RuntimeError, match="modified in place"):
        z.backward()


def test_autograd_grad_returns_gradients_without_touching_grad_buffers():
    x = np.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = (x**3).sum()
    (g,) = autograd.grad(y, [x])
    assert g.asnumpy().tolist() == [3.0, 12.0]
    assert x.grad.asnumpy().tolist() == [0.0, 0.0]


def test_head_gradient_scales_the_result():
    x = np.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
    y.backward(np.array([10.0, 1.0]))
    assert x.grad.asnumpy().tolist() == [20.0, 4.0]


def test_gradients_of_two_leaves_never_share_a_buffer():
    a, b = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = a + b
    y.backward()
    a.grad[:] = 7
    assert b.grad.asnumpy().tolist() == [1.0, 1.0]
    assert a.grad.asnumpy().tolist() == [7.0, 7.0]


def test_parameter_gradient_array_stays_the_same_object_across_steps():
    layer = nn.Dense(2, in_units=3)
    layer.initialize()
    grad = layer.weight.grad()
    for scale in (1.0, 2.0):
        with autograd.record():
            out = (layer(np.ones((1, 3))) * scale).sum()
        out.backward()
    assert layer.weight.grad() is grad
    assert grad.asnumpy().tolist() == [[2.0] * 3] * 2
