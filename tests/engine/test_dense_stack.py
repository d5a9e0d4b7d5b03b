"""Consecutive Dense layers of a Sequential run as one node (engine/ops/dense_stack.py).

Each test runs the same layers twice: through the Sequential (the gathered run)
and one by one through each layer's own ``__call__`` (``fully_connected`` per
layer, the general path), and asks for the same values and gradients, bit for
bit, or for the same error.
"""

from __future__ import annotations

import numpy as onp
import pytest

from engine import autograd, gluon, init, np
from engine.base import MXNetError
from engine.gluon import nn

ACTIVATIONS = [None, "relu", "tanh", "sigmoid", "softrelu", "softsign"]


def _net(widths, activations, use_bias=True, seed=0):
    net = nn.Sequential()
    for k, (units, act) in enumerate(zip(widths[1:], activations)):
        net.add(nn.Dense(units, activation=act, use_bias=use_bias, in_units=widths[k]))
    net.initialize(init.Zero())
    rng = onp.random.default_rng(seed)
    for param in net.collect_params().values():
        param.set_data(rng.normal(size=param.shape).astype(onp.float32))
    return net


def _layer_by_layer(net, x):
    for layer in net:
        x = layer(x)
    return x


def _run(net, forward, x_values, labels, track_input=True):
    x = np.array(x_values)
    if track_input:
        x.attach_grad()
    with autograd.record():
        out = forward(net, x)
        loss = gluon.loss.SoftmaxCrossEntropyLoss()(out, np.array(labels))
    loss.backward()
    grads = {
        name: p.grad().asnumpy().copy()
        for name, p in net.collect_params().items()
        if p.grad_req != "null"
    }
    return out, grads, (x.grad.asnumpy().copy() if track_input else None)


def _assert_same(net, x_values, labels, track_input=True):
    fused, fused_grads, fused_x = _run(
        net, lambda n, x: n(x), x_values, labels, track_input=track_input
    )
    general, general_grads, general_x = _run(
        net, _layer_by_layer, x_values, labels, track_input=track_input
    )
    onp.testing.assert_array_equal(fused.asnumpy(), general.asnumpy())
    assert fused_grads.keys() == general_grads.keys()
    for name in fused_grads:
        onp.testing.assert_array_equal(fused_grads[name], general_grads[name], err_msg=name)
    if track_input:
        onp.testing.assert_array_equal(fused_x, general_x)
    return fused


def _data(rows, width, classes, seed=1):
    rng = onp.random.default_rng(seed)
    x = rng.normal(size=(rows, width)).astype(onp.float32)
    return x, rng.integers(0, classes, size=rows).astype(onp.int32)


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_a_run_gives_the_layer_by_layer_values_and_gradients(act):
    net = _net((3, 6, 5, 4), [act, act, None])
    x, labels = _data(7, 3, 4)
    _assert_same(net, x, labels)


def test_the_output_of_a_run_is_recorded_as_one_node():
    net = _net((3, 6, 5, 4), ["tanh", "tanh", None])
    x = np.array(_data(2, 3, 4)[0])
    with autograd.record():
        out = net(x)
    assert len(out._node.entries) == 1 + 2 * 3  # the input, then weight and bias per layer


def test_layers_without_bias_and_mixed_activations():
    net = _net((4, 8, 8, 8, 3), ["relu", "sigmoid", "tanh", None], use_bias=False)
    x, labels = _data(9, 4, 3)
    _assert_same(net, x, labels)


def test_an_untracked_input_gets_no_gradient_and_the_weights_the_same():
    net = _net((3, 6, 4), ["tanh", None])
    x, labels = _data(5, 3, 4)
    _assert_same(net, x, labels, track_input=False)


@pytest.mark.parametrize("frozen", [0, 1, 2])
def test_a_frozen_layer_anywhere_in_the_run(frozen):
    net = _net((3, 6, 5, 4), ["tanh", "relu", None])
    net[frozen].weight.grad_req = "null"
    net[frozen].bias.grad_req = "null"
    x, labels = _data(6, 3, 4)
    _assert_same(net, x, labels, track_input=False)
    _assert_same(net, x, labels, track_input=True)


def test_a_layer_used_three_times_sums_its_uses_in_the_same_order():
    shared = nn.Dense(5, activation="tanh", in_units=5)
    net = nn.Sequential()
    net.add(nn.Dense(5, activation="tanh", in_units=3), shared, shared, shared, nn.Dense(4))
    net.initialize(init.Normal(1.0))
    x, labels = _data(8, 3, 4)
    net(np.array(x))  # finishes the last layer's deferred initialization
    _assert_same(net, x, labels)


def test_parameters_shared_between_two_layers_sum_both_uses():
    first = nn.Dense(6, activation="relu", in_units=6)
    net = nn.Sequential()
    net.add(
        nn.Dense(6, activation="relu", in_units=2),
        first,
        nn.Dense(6, activation="relu", in_units=6, params=first.params),
        nn.Dense(3, in_units=6),
    )
    net.initialize(init.Normal(0.5))
    x, labels = _data(10, 2, 3)
    _assert_same(net, x, labels)


def test_not_recording_gives_the_same_values():
    net = _net((3, 6, 5, 4), ["tanh", "tanh", None])
    x = np.array(_data(4, 3, 4)[0])
    onp.testing.assert_array_equal(net(x).asnumpy(), _layer_by_layer(net, x).asnumpy())


def test_a_weight_changed_in_place_after_the_forward_pass_is_refused():
    net = _net((3, 6, 4), ["tanh", None])
    x, labels = _data(4, 3, 4)
    with autograd.record():
        loss = gluon.loss.SoftmaxCrossEntropyLoss()(net(np.array(x)), np.array(labels))
    net[0].weight.data()[:] += 1
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_a_width_mismatch_inside_the_run_is_explained_as_for_one_layer():
    net = nn.Sequential()
    net.add(nn.Dense(5, activation="tanh", in_units=3), nn.Dense(2, in_units=4))
    net.initialize(init.Xavier())
    with pytest.raises(MXNetError) as fused:
        net(np.zeros((2, 3)))
    with pytest.raises(MXNetError) as general:
        _layer_by_layer(net, np.zeros((2, 3)))
    assert str(fused.value) == str(general.value)
    assert "Provided = [2,4]" in str(fused.value)


def test_an_image_shaped_input_is_flattened_as_by_the_layers():
    net = _net((12, 6, 4), ["relu", None])
    x = _data(5, 12, 4)[0].reshape(5, 3, 2, 2)
    onp.testing.assert_array_equal(
        net(np.array(x)).asnumpy(), _layer_by_layer(net, np.array(x)).asnumpy()
    )


def test_a_hook_on_an_activation_in_the_middle_still_runs():
    net = _net((3, 6, 5, 4), ["tanh", "tanh", None])
    seen = []
    net[1].act.register_forward_hook(lambda block, inputs, out: seen.append(out.shape))
    x, labels = _data(3, 3, 4)
    _assert_same(net, x, labels)
    assert seen == [(3, 5), (3, 5)]  # once per pass: the fused one and the general one


def test_deferred_layers_initialize_on_the_first_pass_and_run_gathered_after():
    net = nn.Sequential()
    net.add(nn.Dense(6, activation="relu"), nn.Dense(3))
    net.initialize(init.Normal(0.3))
    x, labels = _data(4, 5, 3)
    first = net(np.array(x)).asnumpy()
    assert net[0].weight.shape == (6, 5)
    onp.testing.assert_array_equal(net(np.array(x)).asnumpy(), first)
    _assert_same(net, x, labels)


def test_an_output_changed_in_place_before_backward_is_refused():
    # The activation's gradient reads the output: writing over it must not go unseen.
    net = _net((3, 6, 4), ["tanh", "tanh"])
    with autograd.record():
        out = net(np.array(_data(4, 3, 4)[0]))
    out[:] = 0
    with pytest.raises(RuntimeError, match="modified in place"):
        out.backward()
