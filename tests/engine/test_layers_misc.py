"""Embedding and the extra activation layers: values, gradients, printed forms."""

from __future__ import annotations

import math

import numpy as onp
import pytest

from engine import autograd, init, np, npx
from engine.gluon import nn
from engine.ops import leaky_relu_family
from tests.engine.gradcheck import assert_gradients_match


def _random(shape, seed=0):
    return onp.random.default_rng(seed).normal(size=shape)


# ---------------------------------------------------------------- Embedding
def test_embedding_looks_up_rows_and_adds_gradients_of_repeated_indices():
    layer = nn.Embedding(5, 3)
    layer.initialize()
    table = layer.weight.data().asnumpy()
    indices = np.array([[4, 1], [1, 1]])
    with autograd.record():
        y = layer(indices)
    assert y.shape == (2, 2, 3)
    onp.testing.assert_array_equal(y.asnumpy(), table[[[4, 1], [1, 1]]])
    head = _random((2, 2, 3)).astype(onp.float32)
    y.backward(np.array(head))
    expected = onp.zeros((5, 3), dtype=onp.float32)
    expected[4] = head[0, 0]
    expected[1] = head[0, 1] + head[1, 0] + head[1, 1]
    onp.testing.assert_allclose(layer.weight.grad().asnumpy(), expected, rtol=1e-6)


def test_embedding_gradient_matches_finite_differences():
    indices = np.array([0, 2, 2, 1])
    assert_gradients_match(
        lambda w: npx.embedding(indices, w, input_dim=3, output_dim=2), _random((3, 2))
    )


def test_embedding_rejects_indices_outside_the_vocabulary():
    layer = nn.Embedding(4, 2)
    layer.initialize()
    with pytest.raises(IndexError, match="index 4 is out of range for input_dim=4"):
        layer(np.array([0, 4]))


def test_embedding_repr_and_parameter():
    layer = nn.Embedding(10, 4)
    assert repr(layer) == "Embedding(10 -> 4, float32)"
    assert layer.weight.shape == (10, 4)
    assert layer.name.startswith("embedding")


# --------------------------------------------------------------- activations
def test_leaky_relu_values_gradient_and_repr():
    layer = nn.LeakyReLU(0.1)
    assert repr(layer) == "LeakyReLU(0.1)"
    onp.testing.assert_allclose(layer(np.array([-2.0, 3.0])).asnumpy(), [-0.2, 3.0], rtol=1e-6)
    assert_gradients_match(layer, _random((3, 4)))
    with pytest.raises(ValueError, match="no less than 0"):
        nn.LeakyReLU(-1)


@pytest.mark.parametrize(
    "layer_factory", [lambda: nn.ELU(0.7), nn.SELU, nn.GELU, lambda: nn.Swish(1.5)]
)
def test_activation_gradients_match_finite_differences(layer_factory):
    assert_gradients_match(layer_factory(), _random((3, 5)), rtol=1e-4, atol=1e-6)


def test_activation_values():
    x = onp.array([-1.5, -0.2, 0.0, 0.4, 2.0])
    gelu = [v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x]
    onp.testing.assert_allclose(nn.GELU()(np.array(x)).asnumpy(), gelu, atol=1e-6)
    onp.testing.assert_allclose(
        nn.ELU()(np.array(x)).asnumpy(), onp.where(x > 0, x, onp.expm1(x)), rtol=1e-6
    )
    selu = onp.where(
        x > 0,
        leaky_relu_family.SELU_LAMBDA * x,
        leaky_relu_family.SELU_LAMBDA * leaky_relu_family.SELU_ALPHA * onp.expm1(x),
    )
    onp.testing.assert_allclose(nn.SELU()(np.array(x)).asnumpy(), selu, rtol=1e-6)
    onp.testing.assert_allclose(nn.Swish()(np.array(x)).asnumpy(), x / (1 + onp.exp(-x)), rtol=1e-6)


def test_prelu_learns_one_slope_or_one_per_channel():
    shared = nn.PReLU()
    shared.initialize()
    assert shared.alpha.data().asnumpy().tolist() == [0.25]
    onp.testing.assert_allclose(shared(np.array([-4.0, 2.0])).asnumpy(), [-1.0, 2.0])
    per_channel = nn.PReLU(init.Constant(0.5), in_channels=3)
    per_channel.initialize()
    assert per_channel.alpha.shape == (3,)
    assert_gradients_match(
        lambda x, a: leaky_relu_family.prelu(x, a), _random((2, 3, 2)), onp.array([0.1, 0.2, 0.3])
    )
    assert_gradients_match(
        lambda x, a: leaky_relu_family.prelu(x, a), _random((4, 2)), onp.array([0.3])
    )


def test_erf_is_accurate_to_float32_resolution():
    grid = onp.linspace(-5, 5, 201)
    exact = onp.array([math.erf(v) for v in grid])
    assert onp.abs(leaky_relu_family.erf(grid) - exact).max() < 2e-7


# ----------------------------------------------------------------- npx names
def test_npx_exposes_the_layer_ops():
    for name in ("convolution", "pooling", "batch_norm", "layer_norm", "embedding"):
        assert callable(getattr(npx, name))
    y = npx.pooling(np.ones((1, 2, 4, 4)), kernel=(2, 2), stride=(2, 2), pool_type="avg")
    assert y.shape == (1, 2, 2, 2)
