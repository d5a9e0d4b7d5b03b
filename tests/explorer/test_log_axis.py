"""Log axes label powers of ten, or 1-2-5 steps inside one decade, and never pile up."""

import math

import pyqtgraph as pg
import pytest

from explorer.views.log_axis import LogAxisItem, log_tick_values


def values(low, high):
    return [round(10**v, 12) for v in log_tick_values(math.log10(low), math.log10(high))]


def test_two_or_more_decades_are_labelled_by_powers_of_ten_only():
    # pyqtgraph labelled 0.1, 0.09, ... 0.02 here, overprinting each other.
    assert values(0.0008, 0.12) == [0.001, 0.01, 0.1]


def test_many_decades_keep_about_eight_labels():
    assert len(log_tick_values(-30, 30)) <= 9


def test_less_than_a_decade_gets_1_2_5_steps_then_finer_then_its_ends():
    assert values(0.09, 0.6) == [0.1, 0.2, 0.5]
    assert values(0.11, 0.45) == [0.2, 0.3, 0.4]
    low, high = values(0.151, 0.19)
    assert low == pytest.approx(0.151) and high == pytest.approx(0.19)


@pytest.mark.parametrize("bad", [(1.0, 1.0), (2.0, 1.0), (float("nan"), 1.0), (-math.inf, 0.0)])
def test_an_empty_or_broken_range_has_no_ticks(bad):
    assert log_tick_values(*bad) == []


def test_the_axis_item_uses_them_in_log_mode_and_formats_values(qtbot):
    widget = pg.PlotWidget(axisItems={"left": LogAxisItem("left")})
    qtbot.addWidget(widget)
    widget.setLogMode(y=True)
    axis = widget.getAxis("left")
    ((spacing, ticks),) = axis.tickValues(-3.1, -0.9, 200)
    assert ticks == [-3.0, -2.0, -1.0]
    assert axis.tickStrings(ticks, 1.0, spacing) == ["0.001", "0.01", "0.1"]
