"""CurveLog: training curves in compact buffers that read back exactly what was appended."""

import math

import numpy as onp
import pytest

from explorer.core.curve_log import CurveLog, StepCurve


def test_float32_losses_are_kept_in_4_bytes_and_read_back_exactly():
    log = CurveLog()
    values = [float(onp.float32(v)) for v in onp.linspace(0.01, 3, 1000)]
    for v in values:
        log.append(v)
    assert log.tolist() == values
    assert log.view().dtype == onp.float32


@pytest.mark.parametrize("value", [0.1, 1 / 3, 1e-40, 3.4e39])
def test_a_value_float32_cannot_hold_widens_the_log_and_nothing_is_rounded(value):
    log = CurveLog()
    log.append(0.5)
    log.append(value)
    log.append(0.25)
    assert log.tolist() == [0.5, value, 0.25]
    assert log.view().dtype == onp.float64


def test_nan_and_inf_are_kept_without_widening():
    log = CurveLog()
    for v in (1.0, math.nan, math.inf, -math.inf):
        log.append(v)
    got = log.tolist()
    assert got[0] == 1.0 and math.isnan(got[1]) and got[2:] == [math.inf, -math.inf]
    assert log.view().dtype == onp.float32


def test_growth_prefix_and_read_only_views():
    log = CurveLog(onp.int64)
    for step in range(10_000):
        log.append(step)
    assert len(log) == 10_000 and log[-1] == 9_999 and log.tolist() == list(range(10_000))
    view = log.view()
    with pytest.raises(ValueError):
        view[0] = 5
    head = log.prefix(3)
    head.append(42)
    assert head.tolist() == [0, 1, 2, 42] and log[3] == 3  # a prefix is a copy
    wide = CurveLog()
    wide.append(0.1)
    assert wide.prefix(1).tolist() == [0.1]  # keeps its width


def test_step_curve_counts_the_pairs_up_to_a_step():
    curve = StepCurve()
    for step in (25, 50, 75, 100):
        curve.append(step, step / 1000)
    assert curve.count_up_to(50, len(curve)) == 2
    assert curve.count_up_to(49, len(curve)) == 1
    assert curve.count_up_to(100, 3) == 3
    assert curve.prefix(2).values.tolist() == [0.025, 0.05]
