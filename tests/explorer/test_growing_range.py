"""The loss curve's x axis grows in round steps, and leaves a plot the user moved alone."""

import pyqtgraph as pg
import pytest

from explorer.views.growing_range import GrowingXRange, round_end


@pytest.mark.parametrize(
    "x, end",
    [
        (0, 10),
        (7, 10),
        (11, 15),
        (15, 15),
        (16, 20),
        (201, 300),
        (650, 800),
        (801, 1000),
        (1001, 1500),
        (123_456, 150_000),
    ],
)
def test_round_end_is_the_next_round_number(x, end):
    assert round_end(x) == end


def test_the_axis_moves_only_when_the_data_passes_its_end(qtbot):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    x_range = GrowingXRange(plot.getPlotItem())
    moves = []
    plot.getViewBox().sigXRangeChanged.connect(lambda *_: moves.append(1))
    for step in range(1, 1001):
        x_range.follow(step)
    assert x_range.end == 1000
    low, high = plot.getViewBox().viewRange()[0]
    assert low <= 0 and 1000 <= high <= 1030  # the whole run, a little room
    assert len(moves) <= 17  # 10, 15, 20, 30, ... 800, 1000: not once per step


def test_panning_by_hand_stops_following_and_auto_range_resumes_it(qtbot):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    x_range = GrowingXRange(plot.getPlotItem())
    x_range.follow(50)
    view = plot.getViewBox()
    # What a drag or the wheel does in pyqtgraph's ViewBox: move, then say it was by hand.
    view.translateBy(x=20)
    view.sigRangeChangedManually.emit([True, True])
    x_range.follow(900)
    assert not x_range.following and view.viewRange()[0][1] < 900
    view.enableAutoRange()  # the "A" button
    x_range.follow(900)
    assert x_range.following and x_range.end == 1000
    assert view.viewRange()[0][1] >= 1000
