"""BatchNorm and LayerNorm: gradients, running statistics, modes, printed forms."""

from __future__ import annotations

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import autograd, np, npx
from engine.gluon import nn
from tests.engine.gradcheck import assert_gradients_match


def _random(shape, seed=0):
    return onp.random.default_rng(seed).normal(size=shape)


def _stats(channels):
    return np.zeros(channels), np.ones(channels)


# ----------------------------------------------------------------- gradients
@settings(max_examples=25, deadline=None)
@given(
    shape=st.sampled_from([(4, 3), (3, 2, 4), (2, 3, 3, 2)]),
    axis=st.sampled_from([1, -1]),
    fix_gamma=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_batch_norm_training_gradients_match_finite_differences(shape, axis, fix_gamma, seed):
    channels = shape[axis]
    running_mean, running_var = _stats(channels)

    def bn(x, gamma, beta):
        with autograd.train_mode():
            return npx.batch_norm(
                x, gamma, beta, running_mean, running_var, eps=1e-5, fix_gamma=fix_gamma, axis=axis
            )

    assert_gradients_match(
        bn,
        _random(shape, seed),
        _random((channels,), seed + 1),
        _random((channels,), seed + 2),
        rtol=1e-4,
        atol=1e-6,
    )


def test_batch_norm_prediction_gradients_match_finite_differences():
    running_mean = np.array(_random((3,), 5))
    running_var = np.array(onp.abs(_random((3,), 6)) + 0.5)

    def bn(x, gamma, beta):
        with autograd.predict_mode():
            return npx.batch_norm(x, gamma, beta, running_mean, running_var, fix_gamma=False)

    assert_gradients_match(bn, _random((4, 3, 2)), _random((3,), 1), _random((3,), 2))


@settings(max_examples=25, deadline=None)
@given(
    shape=st.sampled_from([(4, 3), (2, 3, 5), (2, 2, 2, 3)]),
    axis=st.sampled_from([-1, 1, 0]),
    seed=st.integers(0, 1000),
)
def test_layer_norm_gradients_match_finite_differences(shape, axis, seed):
    size = shape[axis]
    assert_gradients_match(
        lambda x, g, b: npx.layer_norm(x, g, b, axis=axis),
        _random(shape, seed),
        _random((size,), seed + 1),
        _random((size,), seed + 2),
        rtol=1e-4,
        atol=1e-6,
    )


def test_batch_norm_layer_used_twice_gets_the_sum_of_both_gradients():
    running_mean, running_var = _stats(3)

    def twice(x, gamma, beta):
        with autograd.train_mode():
            h = npx.batch_norm(x, gamma, beta, running_mean, running_var, fix_gamma=False)
            return npx.batch_norm(h * h, gamma, beta, running_mean, running_var, fix_gamma=False)

    assert_gradients_match(
        twice, _random((4, 3)), _random((3,), 1), _random((3,), 2), rtol=1e-4, atol=1e-6
    )


# --------------------------------------------------------------- BatchNorm
def test_training_normalizes_with_batch_statistics_and_updates_running_ones():
    layer = nn.BatchNorm()
    layer.initialize()
    x = _random((8, 3, 2, 2)).astype(onp.float32) * 3 + 1
    with autograd.record():
        y = layer(np.array(x))
    # As in MXNet, a recorded forward moves the running statistics in backward.
    assert float(layer.running_mean.data().sum()) == 0
    y.backward()
    out = y.asnumpy()
    onp.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-5)
    onp.testing.assert_allclose(out.var(axis=(0, 2, 3)), 1, atol=1e-3)
    batch_mean, batch_var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))  # biased variance
    onp.testing.assert_allclose(
        layer.running_mean.data().asnumpy(), 0.1 * batch_mean, rtol=1e-5, atol=1e-6
    )
    onp.testing.assert_allclose(
        layer.running_var.data().asnumpy(), 0.9 + 0.1 * batch_var, rtol=1e-5
    )


def test_prediction_uses_running_statistics_and_changes_nothing():
    layer = nn.BatchNorm(in_channels=2)
    layer.initialize()
    layer.running_mean.set_data(onp.array([1.0, -1.0]))
    layer.running_var.set_data(onp.array([4.0, 0.25]))
    versions = (layer.running_mean.version, layer.running_var.version)
    y = layer(np.array([[3.0, 0.0]]))
    onp.testing.assert_allclose(
        y.asnumpy(), [[2 / onp.sqrt(4 + 1e-5), 1 / onp.sqrt(0.25 + 1e-5)]], rtol=1e-5
    )
    assert (layer.running_mean.version, layer.running_var.version) == versions


def test_running_statistic_updates_bump_the_parameter_versions():
    layer = nn.BatchNorm()
    layer.initialize()
    layer(np.ones((2, 3)))  # prediction mode: shapes, no update
    before = (layer.running_mean.version, layer.running_var.version)
    with autograd.train_mode():
        layer(np.array(_random((4, 3))))
    after = (layer.running_mean.version, layer.running_var.version)
    assert after[0] > before[0] and after[1] > before[1]


def test_use_global_stats_ignores_the_batch_even_in_training():
    layer = nn.BatchNorm(use_global_stats=True, in_channels=2)
    layer.initialize()
    with autograd.record():
        y = layer(np.array([[3.0, -2.0], [5.0, 0.0]]))
    onp.testing.assert_allclose(y.asnumpy(), [[3.0, -2.0], [5.0, 0.0]], rtol=1e-4)
    assert layer.running_mean.data().asnumpy().tolist() == [0.0, 0.0]


def test_scale_and_center_false_freeze_gamma_and_beta():
    layer = nn.BatchNorm(scale=False, center=False)
    layer.initialize()
    layer(np.ones((2, 3)))
    assert layer.gamma.grad_req == "null" and layer.beta.grad_req == "null"
    layer.gamma.set_data(onp.full(3, 5.0))  # fix_gamma: gamma is treated as 1
    with autograd.record():
        y = layer(np.array(_random((4, 3))))
    onp.testing.assert_allclose(y.asnumpy().std(axis=0), 1, rtol=1e-3)


def test_batch_norm_parameters_and_repr_follow_gluon():
    layer = nn.BatchNorm()
    assert repr(layer) == (
        "BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, "
        "use_global_stats=False, in_channels=-1)"
    )
    names = list(layer.collect_params().keys())
    assert [n[len(layer.prefix) :] for n in names] == [
        "gamma",
        "beta",
        "running_mean",
        "running_var",
    ]
    assert layer.running_mean.grad_req == "null" and layer.running_var.grad_req == "null"
    layer.initialize()
    layer(np.zeros((2, 5, 3)))
    assert repr(layer).endswith("in_channels=5)")
    assert layer.gamma.data().asnumpy().tolist() == [1.0] * 5
    assert layer.running_var.data().asnumpy().tolist() == [1.0] * 5


def test_batch_norm_rejects_a_different_channel_count():
    layer = nn.BatchNorm(in_channels=3)
    layer.initialize()
    with pytest.raises(ValueError, match=r"gamma has shape \(3,\).*\(2, 4\)"):
        layer(np.zeros((2, 4)))


# --------------------------------------------------------------- LayerNorm
def test_layer_norm_normalizes_each_row():
    layer = nn.LayerNorm()
    layer.initialize()
    y = layer(np.array([[1.0, 2, 3, 4, 5], [1, 1, 2, 2, 2]]))
    onp.testing.assert_allclose(
        y.asnumpy(),
        [
            [-1.41421, -0.707105, 0.0, 0.707105, 1.41421],
            [-1.2247195, -1.2247195, 0.81647956, 0.81647956, 0.81647956],
        ],
        rtol=1e-4,
        atol=1e-5,
    )


def test_layer_norm_repr_and_deferred_shape():
    layer = nn.LayerNorm()
    assert repr(layer) == "LayerNorm(eps=1e-05, axis=-1, center=True, scale=True, in_channels=-1)"
    layer.initialize()
    layer(np.zeros((2, 7)))
    assert layer.gamma.shape == (7,) and layer.beta.shape == (7,)
    assert repr(layer).endswith("in_channels=7)")
