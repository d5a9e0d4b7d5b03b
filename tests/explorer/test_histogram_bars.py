"""HistogramBars draws the picture pyqtgraph's step-mode PlotDataItem drew, in one Qt path."""

import numpy as onp
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor

from explorer.views.histogram_bars import HistogramBars

PEN, BRUSH = QColor("#3070c0"), QColor("#a0c0ff")


def rendered(item, x_range, y_range, qtbot):
    """What a 400×240 plot showing ``item`` over ``x_range`` × ``y_range`` looks like."""
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 240)
    widget.hideAxis("left")
    widget.hideAxis("bottom")
    widget.addItem(item)
    widget.setXRange(*x_range, padding=0.04)
    widget.setYRange(*y_range, padding=0)
    widget.show()
    qtbot.waitExposed(widget)
    return widget.grab().toImage()


def pyqtgraph_bars(edges, heights, level):
    item = pg.PlotDataItem(edges, heights, stepMode="center", fillLevel=level, fillOutline=True)
    item.setPen(pg.mkPen(PEN, width=1))
    item.setBrush(pg.mkBrush(BRUSH))
    return item


def our_bars(edges, heights, level):
    item = HistogramBars(fill_level=level)
    item.set_bars(edges, heights)
    item.setPen(pg.mkPen(PEN, width=1))
    item.setBrush(pg.mkBrush(BRUSH))
    return item


@pytest.fixture(params=[False, True], ids=["aliased", "antialiased"])
def antialias(request):
    """pyqtgraph's antialias option (the app turns it on), restored afterwards."""
    before = pg.getConfigOption("antialias")
    pg.setConfigOption("antialias", request.param)
    yield request.param
    pg.setConfigOption("antialias", before)


@pytest.mark.parametrize("log_counts", [False, True])
def test_the_picture_is_pyqtgraphs(qtbot, log_counts, antialias):
    rng = onp.random.default_rng(3)
    # Antialiased, pyqtgraph fills 25 bars at a time and leaves a faint seam between two
    # such chunks (ours has none): compare at most 25 bars there.
    bins = 25 if antialias else 61
    counts, edges = onp.histogram(rng.normal(0, 0.05, 20_000), bins=bins)
    heights = counts.astype(float)
    level = 0.0
    if log_counts:
        level = onp.log10(0.5)
        heights = onp.where(counts > 0.5, onp.log10(onp.maximum(counts, 0.5)), level)
    x_range = (edges[0], edges[-1])
    y_range = (level, heights.max() * 1.05)
    expected = rendered(pyqtgraph_bars(edges, heights, level), x_range, y_range, qtbot)
    drawn = rendered(our_bars(edges, heights, level), x_range, y_range, qtbot)
    assert drawn.size() == expected.size()
    if not antialias:
        assert drawn == expected
    else:  # smoothed, pyqtgraph's fill covers the first bar's left side a shade differently
        assert len(differing_columns(drawn, expected)) <= 2


def differing_columns(image, other) -> set:
    """The x of every pixel column where ``image`` and ``other`` differ."""

    def pixels(img):
        img = img.convertToFormat(img.Format.Format_RGB32)
        raw = onp.frombuffer(bytes(img.constBits()), onp.uint8)
        return raw.reshape(img.height(), img.width(), 4)

    return set(onp.nonzero((pixels(image) != pixels(other)).any(axis=(0, 2)))[0].tolist())


def test_new_bars_replace_the_old_and_data_reads_back(qtbot):
    edges, heights = onp.linspace(-1, 1, 5), onp.array([1.0, 4.0, 2.0, 0.0])
    item = our_bars(edges, heights, 0.0)
    assert onp.array_equal(item.bar_data()[1], heights)
    rect = item.path().boundingRect()
    assert (rect.left(), rect.right(), rect.top(), rect.bottom()) == (-1, 1, 0, 4)
    item.set_bars(edges, heights * 2)
    assert item.path().boundingRect().bottom() == 8
    item.set_fill_level(-0.3)
    assert item.path().boundingRect().top() == pytest.approx(-0.3)
    item.set_bars([], [])
    assert item.path().isEmpty() and len(item.bar_data()[0]) == 0
