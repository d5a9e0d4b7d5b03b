"""LightPlot and TitledAxisItem: the plots' axes follow the view and show current titles."""

import numpy as onp
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor, QFont, QPalette, QTextDocumentFragment
from PySide6.QtWidgets import QApplication

from explorer.views.array_display import picture_of
from explorer.views.heatmap_panel import HeatmapPanel
from explorer.views.histogram_panel import HistogramPanel
from explorer.views.light_plot import LightPlot
from explorer.views.plot_style import TitledAxisItem, plot_font


def shown_title(axis):
    """The axis title as drawn (plain text), or None when hidden."""
    if not axis.label.isVisible():
        return None
    return QTextDocumentFragment.fromHtml(axis.label.toHtml()).toPlainText().strip()


def title_colour(axis):
    return QColor(
        axis.label.document().firstBlock().begin().fragment().charFormat().foreground().color()
    )


@pytest.fixture
def plot(qtbot):
    view = pg.GraphicsView()
    qtbot.addWidget(view)
    left, bottom = TitledAxisItem("left"), TitledAxisItem("bottom")
    light = LightPlot({"left": left, "bottom": bottom})
    view.setCentralItem(light)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    yield light  # (a generator fixture keeps the view alive: qtbot holds only a weak one)


def test_axes_follow_the_view_box(plot):
    plot.setXRange(-2.0, 3.0, padding=0)
    plot.setYRange(10.0, 20.0, padding=0)
    assert plot.getAxis("bottom").range == pytest.approx([-2.0, 3.0])
    assert plot.getAxis("left").range == pytest.approx([10.0, 20.0])
    # The view sits right of the left axis and above the bottom one, filling the rest.
    view_rect = plot.vb.geometry()
    assert plot.getAxis("left").geometry().right() == pytest.approx(view_rect.left())
    assert plot.getAxis("bottom").geometry().top() == pytest.approx(view_rect.bottom())
    assert view_rect.width() > 0.7 * plot.width()


def test_items_are_drawn_in_the_view(plot):
    curve = pg.PlotDataItem([0.0, 1.0, 2.0], [5.0, 7.0, 6.0])
    plot.addItem(curve)
    plot.vb.autoRange(padding=0)
    (x0, x1), (y0, y1) = plot.vb.viewRange()
    # (within the curve's pen width: pyqtgraph pads the data by it)
    assert (x0, x1, y0, y1) == pytest.approx((0.0, 2.0, 5.0, 7.0), abs=0.02)


def test_bad_sides_are_named(plot):
    with pytest.raises(ValueError, match="'middle'"):
        LightPlot({"middle": TitledAxisItem("left")})
    with pytest.raises(KeyError, match="no 'top' axis, only \\['bottom', 'left'\\]"):
        plot.getAxis("top")


def test_titles_show_their_latest_text_and_colour(plot):
    axis = plot.getAxis("left")
    axis.enableAutoSIPrefix(False)  # as on the panels' axes (it would refresh the title)
    assert shown_title(axis) is None
    axis.setLabel("row", color="#112233")
    assert shown_title(axis) == "row"
    assert title_colour(axis) == QColor("#112233")
    axis.setPen(pg.mkPen("#aa0000"))  # a new palette recolours the title too
    assert title_colour(axis) == QColor("#aa0000")
    axis.setLabel("column")
    assert shown_title(axis) == "column"
    # Changed while hidden, right when shown again.
    axis.showLabel(False)
    axis.setPen(pg.mkPen("#00aa00"))
    axis.labelText = "axis 2"
    axis.showLabel(True)
    assert shown_title(axis) == "axis 2"
    assert title_colour(axis) == QColor("#00aa00")
    axis.setLabel("")
    assert shown_title(axis) is None


def test_heatmap_titles_follow_palette_and_font(qtbot):
    panel = HeatmapPanel()
    qtbot.addWidget(panel)
    panel.resize(500, 400)
    panel.show()
    values = onp.arange(12, dtype=onp.float32).reshape(3, 4)
    panel.show_picture(picture_of(values), 12.0)
    left, bottom = panel.plot.getAxis("left"), panel.plot.getAxis("bottom")
    assert (shown_title(left), shown_title(bottom)) == ("row", "column")
    dark = QPalette(panel.palette())
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#eeeeee"))
    panel.setPalette(dark)
    assert title_colour(left) == title_colour(bottom) == QColor("#eeeeee")
    assert shown_title(left) == "row"
    app = QApplication.instance()
    old_font = QFont(app.font())
    try:
        bigger = QFont(old_font)
        bigger.setPointSizeF(old_font.pointSizeF() + 6)
        app.setFont(bigger)
        QApplication.processEvents()
        size = f"{plot_font().pointSizeF():.0f}pt"
        assert f"font-size: {size}" in left.labelString()
        assert left.label.boundingRect().width() > 0
        assert shown_title(bottom) == "column"
    finally:
        app.setFont(old_font)


def test_histogram_axes_titled_without_si_prefix(qtbot):
    panel = HistogramPanel()
    qtbot.addWidget(panel)
    panel.show()
    left, bottom = panel.plot.getAxis("left"), panel.plot.getAxis("bottom")
    assert (shown_title(left), shown_title(bottom)) == ("count", "value")
    panel.plot.setXRange(-0.001, 0.001)
    assert shown_title(bottom) == "value"  # not "value (x0.001)": ticks show the values


def test_a_resized_axis_drops_its_pixmap_cache(qtbot, monkeypatch):
    """The axes are painted once into a pixmap (DeviceCoordinateCache). On a real display
    a plot that grew kept its old ticks squeezed over the new ones (grab() and the
    offscreen platform repaint afresh, so the symptom cannot be seen here): a resize
    must drop the cache."""
    from PySide6.QtWidgets import QGraphicsItem

    panel = HistogramPanel()
    qtbot.addWidget(panel)
    panel.show()
    left = panel.plot.getAxis("left")
    modes = []
    original = type(left).setCacheMode
    monkeypatch.setattr(
        type(left), "setCacheMode", lambda self, mode: (modes.append(mode), original(self, mode))
    )
    left.resize(left.size().width(), left.size().height() + 50)
    assert QGraphicsItem.CacheMode.NoCache in modes  # dropped ...
    assert left.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache  # ... and back


def test_step_axes_label_short_and_spaced_to_fit_a_narrow_dock(qtbot):
    from PySide6.QtGui import QFontMetrics

    from explorer.views.plot_style import StepAxisItem, plot_font

    axis = StepAxisItem("bottom")
    assert axis.tickStrings([0, 20000, 40000, 1_500_000], 1.0, 20000) == ["0", "20k", "40k", "1.5M"]
    # 0 to 80,000 steps on 160 pixels: ticks far enough apart for their labels.
    spacing = axis.tickSpacing(0, 80_000, 160)[0][0]
    labels = axis.tickStrings([spacing * k for k in range(5)], 1.0, spacing)
    widest = max(QFontMetrics(plot_font()).horizontalAdvance(t) for t in labels)
    assert spacing * 160 / 80_000 >= widest
