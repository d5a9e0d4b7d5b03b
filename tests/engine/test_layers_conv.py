"""Conv2D and the pooling layers: gradients, shapes, printed forms, bad input."""

from __future__ import annotations

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import autograd, init, np, npx
from engine.gluon import nn
from tests.engine.gradcheck import assert_gradients_match


def _random(shape, seed=0):
    return onp.random.default_rng(seed).normal(size=shape)


# ----------------------------------------------------------------- gradients
@st.composite
def conv_cases(draw):
    groups = draw(st.sampled_from([1, 2]))
    in_per_group = draw(st.integers(1, 2))
    out_per_group = draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    pad = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
    dilate = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    span = [d * (k - 1) + 1 for d, k in zip(dilate, kernel)]
    size = [draw(st.integers(max(1, s - 2 * p), max(1, s - 2 * p) + 3)) for s, p in zip(span, pad)]
    return dict(
        batch=draw(st.integers(1, 2)),
        groups=groups,
        in_channels=groups * in_per_group,
        out_channels=groups * out_per_group,
        kernel=kernel,
        stride=stride,
        pad=pad,
        dilate=dilate,
        size=tuple(size),
        seed=draw(st.integers(0, 1000)),
    )


@settings(max_examples=25, deadline=None)
@given(conv_cases())
def test_convolution_gradients_match_finite_differences(case):
    x = _random((case["batch"], case["in_channels"]) + case["size"], case["seed"])
    w = _random(
        (case["out_channels"], case["in_channels"] // case["groups"]) + case["kernel"],
        case["seed"] + 1,
    )
    b = _random((case["out_channels"],), case["seed"] + 2)

    def conv(x, w, b):
        return npx.convolution(
            x,
            w,
            b,
            kernel=case["kernel"],
            stride=case["stride"],
            pad=case["pad"],
            dilate=case["dilate"],
            num_filter=case["out_channels"],
            num_group=case["groups"],
        )

    assert_gradients_match(conv, x, w, b)


@pytest.mark.parametrize("act", ["tanh", "sigmoid", "softrelu", "softsign"])
def test_fused_activation_gradients_match_finite_differences(act):
    from engine.ops.conv import convolution

    def conv(x, w, b):
        return convolution(x, w, b, pad=1, act_type=act)

    assert_gradients_match(conv, _random((2, 2, 4, 3)), _random((3, 2, 3, 3), 1), _random((3,), 2))


def test_channels_last_layout_matches_channels_first():
    x, w = _random((2, 3, 5, 4)), _random((4, 3, 3, 2), 1)
    first = npx.convolution(np.array(x), np.array(w), no_bias=True, kernel=(3, 2), pad=1)
    last = npx.convolution(
        np.array(x.transpose(0, 2, 3, 1)),
        np.array(w.transpose(0, 2, 3, 1)),
        no_bias=True,
        kernel=(3, 2),
        pad=1,
        layout="NHWC",
    )
    onp.testing.assert_allclose(last.asnumpy().transpose(0, 3, 1, 2), first.asnumpy(), rtol=1e-10)
    assert_gradients_match(
        lambda x, w: npx.convolution(x, w, no_bias=True, stride=2, pad=1, layout="NHWC"),
        x.transpose(0, 2, 3, 1)[:1],
        w.transpose(0, 2, 3, 1),
    )


@st.composite
def pool_cases(draw):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    pad = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    size = tuple(draw(st.integers(k, k + 4)) for k in kernel)
    return dict(
        kernel=kernel,
        stride=stride,
        pad=pad,
        size=size,
        pool_type=draw(st.sampled_from(["max", "avg", "sum"])),
        convention=draw(st.sampled_from(["valid", "full"])),
        include_pad=draw(st.booleans()),
        seed=draw(st.integers(0, 1000)),
    )


@settings(max_examples=25, deadline=None)
@given(pool_cases())
def test_pooling_gradients_match_finite_differences(case):
    # A permutation keeps values apart, so no finite-difference step changes a max's winner.
    x = (
        onp.random.default_rng(case["seed"])
        .permutation(2 * 2 * case["size"][0] * case["size"][1])
        .reshape((2, 2) + case["size"])
        * 0.1
    )

    def pool(x):
        return npx.pooling(
            x,
            kernel=case["kernel"],
            stride=case["stride"],
            pad=case["pad"],
            pool_type=case["pool_type"],
            pooling_convention=case["convention"],
            count_include_pad=case["include_pad"],
        )

    assert_gradients_match(pool, x)


@pytest.mark.parametrize("pool_type", ["max", "avg", "sum"])
def test_global_pooling_gradients_match_finite_differences(pool_type):
    x = onp.random.default_rng(3).permutation(2 * 3 * 4 * 5).reshape(2, 3, 4, 5) * 0.1
    assert_gradients_match(lambda x: npx.pooling(x, pool_type=pool_type, global_pool=True), x)


def test_max_pool_sends_a_tied_gradient_to_the_first_maximum():
    x = np.array(onp.ones((1, 1, 2, 2), dtype=onp.float32))
    x.attach_grad()
    with autograd.record():
        y = nn.MaxPool2D()(x)
    y.backward()
    assert x.grad.asnumpy().ravel().tolist() == [1.0, 0.0, 0.0, 0.0]


def test_avg_pool_divides_by_the_window_and_counts_padding_by_default():
    x = np.array(onp.ones((1, 1, 2, 2), dtype=onp.float32))
    with_pad = nn.AvgPool2D(2, 1, padding=1)(x).asnumpy()[0, 0]
    without = nn.AvgPool2D(2, 1, padding=1, count_include_pad=False)(x).asnumpy()[0, 0]
    onp.testing.assert_allclose(with_pad, [[0.25, 0.5, 0.25], [0.5, 1, 0.5], [0.25, 0.5, 0.25]])
    onp.testing.assert_allclose(without, onp.ones((3, 3)))


def test_conv_layer_used_twice_gets_the_sum_of_both_gradients():
    layer = nn.Conv2D(2, 3, padding=1, in_channels=2)
    layer.initialize(init.Normal(0.5))
    x = _random((1, 2, 4, 4))
    w0 = layer.weight.data().asnumpy().astype(onp.float64)
    b0 = layer.bias.data().asnumpy().astype(onp.float64)

    def twice(x, w, b):
        h = npx.convolution(x, w, b, pad=1)
        return npx.convolution(h, w, b, pad=1)

    assert_gradients_match(twice, x, w0, b0)
    head = _random((1, 2, 4, 4), 7)
    with autograd.record():
        y = layer(layer(np.array(x.astype(onp.float32))))
    y.backward(np.array(head.astype(onp.float32)))
    xs = [np.array(v) for v in (x, w0, b0)]
    for a in xs:
        a.attach_grad()
    with autograd.record():
        ref = twice(*xs)
    ref.backward(np.array(head))
    onp.testing.assert_allclose(
        layer.weight.grad().asnumpy(), xs[1].grad.asnumpy(), rtol=1e-4, atol=1e-5
    )


# ---------------------------------------------------------- layers and shapes
def test_conv2d_defers_weight_shape_until_the_first_batch():
    layer = nn.Conv2D(8, (3, 2), groups=2)
    layer.initialize()
    assert layer.weight.shape == (8, -1, 3, 2)
    y = layer(np.zeros((5, 4, 6, 6)))
    assert layer.weight.shape == (8, 2, 3, 2)
    assert layer.bias.shape == (8,)
    assert y.shape == (5, 8, 4, 5)


def test_output_sizes_follow_the_mxnet_formulas():
    x = np.zeros((1, 1, 9, 9))
    conv = nn.Conv2D(1, 3, strides=2, padding=1, dilation=2)
    conv.initialize()
    assert conv(x).shape == (1, 1, 4, 4)
    assert nn.MaxPool2D(3, 2)(x).shape == (1, 1, 4, 4)
    assert nn.MaxPool2D(2, 2, ceil_mode=True)(x).shape == (1, 1, 5, 5)
    assert nn.GlobalAvgPool2D()(x).shape == (1, 1, 1, 1)


def test_conv2d_relu_is_applied():
    conv = nn.Conv2D(1, 1, activation="relu", use_bias=False, in_channels=1)
    conv.initialize(init.Constant(1))
    out = conv(np.array([[[[-1.0, 2.0]]]]))
    assert out.asnumpy().ravel().tolist() == [0.0, 2.0]


def test_reprs_match_gluon():
    assert (
        repr(nn.Conv2D(6, 5, in_channels=1)) == "Conv2D(1 -> 6, kernel_size=(5, 5), stride=(1, 1))"
    )
    assert (
        repr(nn.Conv2D(16, 3, padding=1, activation="relu"))
        == "Conv2D(-1 -> 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), Activation(relu))"
    )
    assert repr(
        nn.Conv2D(4, 3, strides=2, dilation=2, groups=2, use_bias=False, in_channels=4)
    ) == (
        "Conv2D(2 -> 4, kernel_size=(3, 3), stride=(2, 2), dilation=(2, 2), groups=2, bias=False)"
    )
    assert repr(nn.MaxPool2D()) == (
        "MaxPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), "
        "ceil_mode=False, global_pool=False, pool_type=max, "
        "layout=NCHW)"
    )
    assert repr(nn.AvgPool2D(3, 1, 1, ceil_mode=True)) == (
        "AvgPool2D(size=(3, 3), stride=(1, 1), padding=(1, 1), ceil_mode=True, "
        "global_pool=False, pool_type=avg, layout=NCHW)"
    )
    assert repr(nn.GlobalAvgPool2D()) == (
        "GlobalAvgPool2D(size=(1, 1), stride=(1, 1), padding=(0, 0), ceil_mode=True, "
        "global_pool=True, pool_type=avg, layout=NCHW)"
    )
    assert repr(nn.GlobalMaxPool2D()).startswith("GlobalMaxPool2D(size=(1, 1)")


def test_block_names_use_the_conv_and_pool_aliases():
    conv, pool = nn.Conv2D(2, 1), nn.MaxPool2D()
    assert conv.name.startswith("conv") and pool.name.startswith("pool")
    assert conv.weight.name == conv.prefix + "weight"


# ----------------------------------------------------------------- bad input
def test_wrong_channel_count_names_both_shapes_and_changes_nothing():
    conv = nn.Conv2D(6, 5, in_channels=1)
    conv.initialize()
    version = conv.weight.version
    with pytest.raises(ValueError, match=r"\(2, 3, 8, 8\).*\(6, 1, 5, 5\)"):
        conv(np.zeros((2, 3, 8, 8)))
    assert conv.weight.version == version
    assert conv.weight.shape == (6, 1, 5, 5)


def test_kernel_larger_than_padded_input_is_a_clear_error():
    conv = nn.Conv2D(2, 5, padding=1)
    conv.initialize()
    with pytest.raises(ValueError, match=r"kernel spans 5 .* padded input has only 4"):
        conv(np.zeros((1, 1, 2, 8)))
    with pytest.raises(ValueError, match=r"window spans 3 .* padded input has only 2"):
        nn.MaxPool2D(3)(np.zeros((1, 1, 2, 8)))


def test_non_image_input_is_rejected():
    with pytest.raises(ValueError, match="4-D input"):
        nn.MaxPool2D()(np.zeros((2, 8)))
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2D(3, 1, groups=2)
