"""Initializer.expected_spread: the promised distribution, checked against real draws."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import init
from engine import np as enp
from engine.gluon import Parameter
from engine.initializer import Spread, xavier_scale


def initialized(shape, initializer, name="test_weight"):
    enp.random.seed(7)  # statistical checks on fixed draws: no flaky failures
    param = Parameter(name, shape=shape)
    param.initialize(init=initializer)
    return param.data().asnumpy()


def test_uniform_is_plus_minus_scale():
    spread = init.Uniform(0.07).expected_spread((4, 3))
    assert isinstance(spread, Spread) and spread.kind == "uniform"
    assert (spread.low, spread.high) == (-0.07, 0.07)
    assert "±0.07" in spread.label


def test_xavier_on_dense_weight_uses_the_average_fan():
    spread = init.Xavier().expected_spread((256, 20))
    assert spread.high == pytest.approx(math.sqrt(3 / ((256 + 20) / 2)))
    assert spread.low == -spread.high
    assert (spread.fan_in, spread.fan_out) == (20, 256)


def test_xavier_fans_of_a_conv_kernel():
    spread = init.Xavier(factor_type="in").expected_spread((64, 3, 5, 5))
    assert (spread.fan_in, spread.fan_out) == (75, 1600)
    assert spread.high == pytest.approx(math.sqrt(3 / 75))


@pytest.mark.parametrize(
    "initializer, shape",
    [
        (init.Xavier(rnd_type="gaussian", factor_type="in", magnitude=2), (256, 3, 5, 5)),
        (init.Xavier(factor_type="out"), (50, 30)),
        (init.Xavier(), (120, 80)),
        (init.MSRAPrelu(), (64, 16, 3, 3)),
        (init.MSRAPrelu(factor_type="in", slope=0.0), (200, 100)),
        (init.Normal(0.5), (200, 100)),
        (init.Uniform(), (300, 40)),
        (init.Orthogonal(), (300, 200)),
        (init.Orthogonal(scale=2.0, rand_type="normal"), (100, 400)),
    ],
)
def test_spread_matches_what_the_engine_draws(initializer, shape):
    values = initialized(shape, initializer).ravel()
    spread = initializer.expected_spread(shape)
    assert values.std() == pytest.approx(spread.std, rel=0.05)
    assert abs(values.mean()) < 0.05 * spread.std
    if spread.kind == "uniform":
        assert spread.low <= values.min() and values.max() <= spread.high
    # The empirical distribution follows the promised cdf (Kolmogorov-Smirnov distance).
    ordered = np.sort(values)
    empirical = np.arange(1, ordered.size + 1) / ordered.size
    assert np.abs(spread.cdf(ordered) - empirical).max() < 0.03


def test_msra_prelu_is_gaussian_xavier_with_its_magnitude():
    spread = init.MSRAPrelu(slope=0.0).expected_spread((10, 20))
    assert spread.kind == "normal" and spread.label.startswith("MSRAPrelu")
    assert spread.sigma == pytest.approx(xavier_scale((10, 20), "avg", 2.0))


def test_constants_are_a_single_value():
    assert init.create("zeros").expected_spread((3,)).value == 0.0
    assert init.One().expected_spread((3, 3)).value == 1.0
    constant = init.Constant(0.25).expected_spread((2, 2))
    assert (constant.kind, constant.value) == ("constant", 0.25)
    assert init.Constant(np.ones((2, 2))).expected_spread((2, 2)) is None
    assert (initialized((2, 2), init.Constant(0.25)) == 0.25).all()


def test_orthogonal_is_marked_approximate():
    assert init.Orthogonal().expected_spread((10, 20)).approximate


def test_no_closed_form_gives_none():
    class MyInit(init.Initializer):
        def _init_weight(self, name, data):
            data[:] = 3

    class TweakedUniform(init.Uniform):
        def _init_weight(self, name, data):
            data[:] = 0.5

    assert MyInit().expected_spread((2, 2)) is None
    assert TweakedUniform().expected_spread((2, 2)) is None
    assert init.Xavier().expected_spread((5,)) is None  # Xavier refuses vectors
    assert init.Bilinear().expected_spread((1, 1, 4, 4)) is None
    assert init.LSTMBias().expected_spread((8,)) is None


def test_mixed_uses_the_initializer_matching_the_name():
    mixed = init.Mixed([".*bias", ".*"], [init.Zero(), init.Uniform(0.3)])
    assert mixed.expected_spread((4, 5), "dense0_weight").high == 0.3
    assert mixed.expected_spread((4,), "dense0_bias").value == 0.0
    assert init.Mixed(["x.*"], [init.One()]).expected_spread((2,), "dense0_weight") is None


def test_cdf_density_and_extent():
    uniform = Spread("uniform", "U", low=-1.0, high=1.0)
    assert uniform.cdf(np.array([-2.0, 0.0, 2.0])).tolist() == [0.0, 0.5, 1.0]
    assert uniform.density(np.array([0.0, 3.0])).tolist() == [0.5, 0.0]
    assert uniform.extent() == (-1.0, 1.0) and uniform.std == pytest.approx(1 / math.sqrt(3))
    normal = Spread("normal", "N", sigma=2.0)
    np.testing.assert_allclose(normal.cdf(np.array([0.0, 2.0])), [0.5, 0.841344746], rtol=1e-6)
    assert normal.density(np.array([0.0]))[0] == pytest.approx(1 / (2 * math.sqrt(2 * math.pi)))
    assert normal.extent() == (-6.0, 6.0)
    constant = Spread("constant", "C", value=0.5)
    assert constant.cdf(np.array([0.0, 0.5])).tolist() == [0.0, 1.0]
    with pytest.raises(ValueError):
        constant.density(np.array([0.5]))
