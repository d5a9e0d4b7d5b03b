"""Initializers draw from the distributions their formulas promise."""

from __future__ import annotations

import math

import numpy as onp
import pytest

from engine import gluon, init


def draw(initializer, shape, name="test_weight"):
    param = gluon.Parameter(name, shape=shape, init=initializer)
    param.initialize()
    return param.data().asnumpy()


def test_uniform_bounds_and_std():
    values = draw(init.Uniform(0.07), (400, 500))
    assert values.min() >= -0.07 and values.max() <= 0.07
    assert values.std() == pytest.approx(0.07 / math.sqrt(3), rel=0.02)
    assert abs(values.mean()) < 0.001


def test_normal_std():
    values = draw(init.Normal(0.5), (400, 500))
    assert values.std() == pytest.approx(0.5, rel=0.02)
    assert abs(values.mean()) < 0.01


@pytest.mark.parametrize("shape", [(300, 200), (64, 32, 3, 3)])
@pytest.mark.parametrize("factor_type", ["avg", "in", "out"])
@pytest.mark.parametrize("rnd_type", ["uniform", "gaussian"])
@pytest.mark.parametrize("magnitude", [3, 2.0])
def test_xavier_scale_for_every_factor_and_random_type(shape, factor_type, rnd_type, magnitude):
    values = draw(
        init.Xavier(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude), shape
    )
    hw = int(onp.prod(shape[2:])) if len(shape) > 2 else 1
    fan_in, fan_out = shape[1] * hw, shape[0] * hw
    factor = {"avg": (fan_in + fan_out) / 2, "in": fan_in, "out": fan_out}[factor_type]
    scale = math.sqrt(magnitude / factor)
    if rnd_type == "uniform":
        assert onp.abs(values).max() <= scale
        assert values.std() == pytest.approx(scale / math.sqrt(3), rel=0.03)
    else:
        assert values.std() == pytest.approx(scale, rel=0.03)


@pytest.mark.parametrize("slope", [0.25, 0.0])
def test_msra_prelu_is_gaussian_xavier_with_he_magnitude(slope):
    values = draw(init.MSRAPrelu(slope=slope), (400, 300))
    expected = math.sqrt(2.0 / (1 + slope**2) / 350)
    assert values.std() == pytest.approx(expected, rel=0.03)


@pytest.mark.parametrize("shape", [(20, 50), (50, 20), (8, 4, 3, 3)])
def test_orthogonal_rows_or_columns_are_orthonormal_times_scale(shape):
    values = draw(init.Orthogonal(scale=1.414), shape).reshape(shape[0], -1)
    gram = values @ values.T if values.shape[0] <= values.shape[1] else values.T @ values
    onp.testing.assert_allclose(gram, 1.414**2 * onp.eye(gram.shape[0]), atol=1e-4)


def test_constant_zero_one_lstmbias_bilinear():
    assert (draw(init.Constant(42), (3, 3)) == 42).all()
    assert (draw(init.Zero(), (3, 3)) == 0).all()
    assert (draw(init.One(), (3, 3)) == 1).all()
    bias = draw(init.LSTMBias(forget_bias=2.0), (8,), name="lstm_bias")
    assert bias.tolist() == [0, 0, 2, 2, 0, 0, 0, 0]
    kernel = draw(init.Bilinear(), (1, 1, 4, 4))
    onp.testing.assert_allclose(kernel[0, 0, 0], [0.0625, 0.1875, 0.1875, 0.0625])


def test_registry_aliases_create_and_dumps():
    assert isinstance(init.create("zeros"), init.Zero)
    assert isinstance(init.create("xavier"), init.Xavier)
    assert init.Normal(0.5).dumps() == '["normal", {"sigma": 0.5}]'
    assert isinstance(init.create(init.Normal(0.5).dumps()), init.Normal)

    @init.register
    class HalfInit(init.Initializer):
        def _init_weight(self, name, arr):
            arr[:] = 0.5

    assert (draw("halfinit", (2, 2)) == 0.5).all()


def test_mixed_picks_the_first_matching_pattern():
    mixed = init.Mixed([".*bias", ".*"], [init.Constant(3), init.Constant(7)])
    assert (draw(mixed, (2,), name="dense0_bias") == 3).all()
    assert (draw(mixed, (2, 2), name="dense0_weight") == 7).all()


def test_base_initializer_needs_init_weight():
    with pytest.raises(NotImplementedError):
        draw(init.Initializer(), (2, 2))
