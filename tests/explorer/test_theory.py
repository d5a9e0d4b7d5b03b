"""Theoretical spread of initializers, checked against formulas and real initializations."""

import math

import numpy as np
import pytest

from engine import init
from engine.gluon import Parameter
from explorer.theory import theoretical_spread, xavier_scale


def initialized(shape, initializer):
    param = Parameter("test_weight", shape=shape)
    param.initialize(init=initializer)
    return param.data().asnumpy()


def test_uniform_is_plus_minus_scale():
    spread = theoretical_spread(init.Uniform(0.07), (4, 3))
    assert spread.kind == "uniform"
    assert (spread.low, spread.high) == (-0.07, 0.07)
    assert "±0.07" in spread.label


def test_xavier_on_dense_weight_uses_the_average_fan():
    spread = theoretical_spread(init.Xavier(), (256, 20))
    assert spread.high == pytest.approx(math.sqrt(3 / ((256 + 20) / 2)))
    assert spread.low == -spread.high


@pytest.mark.parametrize("initializer, shape", [
    (init.Xavier(rnd_type="gaussian", factor_type="in", magnitude=2), (64, 3, 3, 3)),
    (init.Xavier(factor_type="out"), (50, 30)),
    (init.MSRAPrelu(), (64, 16, 3, 3)),
    (init.Normal(0.5), (200, 100)),
    (init.Uniform(), (300, 40)),
    (init.Orthogonal(), (300, 200)),
])
def test_spread_matches_what_the_engine_draws(initializer, shape):
    values = initialized(shape, initializer)
    spread = theoretical_spread(initializer, shape)
    assert values.std() == pytest.approx(spread.std, rel=0.05)
    if spread.kind == "uniform":
        assert spread.low <= values.min() and values.max() <= spread.high


def test_msra_prelu_is_gaussian_xavier_with_its_magnitude():
    spread = theoretical_spread(init.MSRAPrelu(slope=0.0), (10, 20))
    assert spread.kind == "normal"
    assert spread.sigma == pytest.approx(xavier_scale((10, 20), "avg", 2.0))


def test_constants_are_a_single_value():
    assert theoretical_spread("zeros", (3,)).value == 0.0
    assert theoretical_spread(init.One(), (3, 3)).value == 1.0
    constant = theoretical_spread(init.Constant(0.25), (2, 2))
    assert (constant.kind, constant.value) == ("constant", 0.25)
    assert theoretical_spread(init.Constant(np.ones((2, 2))), (2, 2)) is None


def test_orthogonal_is_marked_approximate():
    assert theoretical_spread(init.Orthogonal(), (10, 20)).approximate


def test_unknown_or_inapplicable_initializers_have_no_spread():
    class MyInit(init.Initializer):
        def _init_weight(self, name, data):
            data[:] = 3

    class TweakedUniform(init.Uniform):
        def _init_weight(self, name, data):
            data[:] = 0.5

    assert theoretical_spread(None, (2, 2)) is None
    assert theoretical_spread(MyInit(), (2, 2)) is None
    assert theoretical_spread(TweakedUniform(), (2, 2)) is None
    assert theoretical_spread(init.Xavier(), (5,)) is None  # Xavier refuses vectors
    assert theoretical_spread(init.Bilinear(), (1, 1, 4, 4)) is None


def test_mixed_uses_the_initializer_matching_the_name():
    mixed = init.Mixed([".*bias", ".*"], [init.Zero(), init.Uniform(0.3)])
    assert theoretical_spread(mixed, (4, 5), "dense0_weight").high == 0.3
    assert theoretical_spread(mixed, (4,), "dense0_bias").value == 0.0


def test_cdf_of_uniform_and_normal():
    import numpy as onp

    from explorer.theory import TheoreticalSpread

    uniform = TheoreticalSpread("uniform", "U", low=-1.0, high=1.0)
    assert uniform.cdf(onp.array([-2.0, 0.0, 2.0])).tolist() == [0.0, 0.5, 1.0]
    normal = TheoreticalSpread("normal", "N", sigma=2.0)
    onp.testing.assert_allclose(normal.cdf(onp.array([0.0, 2.0])), [0.5, 0.841344746], rtol=1e-6)
