"""explorer.theory adapts Initializer.expected_spread (its formulas are tested in tests/engine)."""

from engine import init
from engine.initializer import Spread
from explorer.theory import TheoreticalSpread, theoretical_spread


def test_the_adapter_returns_the_engines_spread():
    assert TheoreticalSpread is Spread
    assert theoretical_spread(init.Xavier(), (256, 20)) == init.Xavier().expected_spread((256, 20))
    assert theoretical_spread("uniform", [4, 3]).high == 0.07
    mixed = init.Mixed([".*bias", ".*"], [init.Zero(), init.Uniform(0.3)])
    assert theoretical_spread(mixed, (4,), "dense0_bias").value == 0.0
    assert theoretical_spread(None, (2, 2)) is None
    assert theoretical_spread(init.Bilinear(), (1, 1, 4, 4)) is None
