"""Colours and fonts of pyqtgraph plots taken from the application's QPalette and font.

pyqtgraph has its own global colours (black background, grey axes); the
explorer follows the system theme instead, so plots read well in a light or
dark desktop and on a projector (axis text at the application's font size).
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QGraphicsItem

__all__ = [
    "plot_font",
    "style_plot_widget",
    "style_axis",
    "theory_colour",
    "fill_colour",
    "TitledAxisItem",
    "IndexAxisItem",
    "CountAxisItem",
]


def plot_font(scale: float = 1.0) -> QFont:
    """The application font, at least 9 pt, optionally scaled."""
    font = QFont(QApplication.font())
    size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    font.setPointSizeF(max(9.0, size) * scale)
    return font


def text_colour(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.WindowText)


def style_axis(
    axis: pg.AxisItem, palette: QPalette, title: str | None = None, tick_scale: float = 1.0
) -> None:
    """Axis line and tick labels in the palette's text colour and the app font.

    ``title`` (when given) is set in the same colour at the font's size;
    ``tick_scale`` scales the tick labels' font.
    """
    colour = text_colour(palette)
    font = plot_font()
    pen = pg.mkPen(colour)
    axis.setPen(pen)
    axis.setTextPen(pen)
    axis.setStyle(tickFont=font if tick_scale == 1.0 else plot_font(tick_scale), tickTextOffset=4)
    if title is not None:
        axis.setLabel(title, color=colour.name(), **{"font-size": f"{font.pointSizeF():.0f}pt"})


def plain_number_axes(widget: pg.PlotWidget) -> pg.PlotWidget:
    """Tick labels of ``widget``'s axes show the values themselves; returns ``widget``.

    pyqtgraph scales a titled axis without units whose values stay below 1 by an SI
    factor: a loss of 0.65 read "650" beside a title "loss (x0.001)", cut off in a
    narrow dock. Losses, weights, shares and activations live below 1 here.
    """
    item = widget.getPlotItem()
    for name in ("left", "bottom", "right", "top"):
        item.getAxis(name).enableAutoSIPrefix(False)
    return widget


def style_plot_widget(widget: pg.GraphicsView, palette: QPalette) -> None:
    """Background of a plot widget in the window colour, so it blends with the panel."""
    widget.setBackground(palette.color(QPalette.ColorRole.Window))


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def fill_colour(palette: QPalette) -> QColor:
    """Histogram bars: the palette's highlight, a little transparent."""
    colour = QColor(palette.color(QPalette.ColorRole.Highlight))
    colour.setAlpha(170)
    return colour


def theory_colour(palette: QPalette) -> QColor:
    """A warm colour that stands out from the (usually blue) highlight in both themes."""
    return QColor("#ffa348") if is_dark(palette) else QColor("#c64600")


class TitledAxisItem(pg.AxisItem):
    """An AxisItem that lays out its title's rich text only when it is shown and has changed.

    pyqtgraph re-renders the title (``QGraphicsTextItem.setHtml``, ~0.15 ms)
    on every pen change, SI-prefix check and range change, shown or hidden,
    mostly with the same HTML: over 200 times before the first window was
    painted. Only a new title of a shown label is passed on.
    """

    _label_html: str | None = None  # class default: pyqtgraph's __init__ sets labels first

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Painted once into a pixmap, then copied: a heatmap or histogram redrawn 30 times a
        # second repaints the axes beside it too, and pyqtgraph paints them in Python (with
        # the GIL the training worker needs). The pixmap is redrawn when the axis changes
        # (new range, ticks, font or size). Exports paint directly (no cache off screen).
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def tickSpacing(self, minVal, maxVal, size):
        """pyqtgraph's spacing, widened on a horizontal axis until the labels fit.

        pyqtgraph spaces ticks for its default font: at large text sizes
        ``0.9005``, ``0.9010``, ``0.9015`` ran into each other.
        """
        levels = super().tickSpacing(minVal, maxVal, size)
        if (
            self.orientation not in ("bottom", "top")
            or not levels
            or size <= 0
            or not maxVal > minVal
            or not math.isfinite(maxVal - minVal)
        ):
            return levels
        metrics = QFontMetrics(self.style.get("tickFont") or plot_font())
        spacing = levels[0][0]
        for _ in range(24):
            first = math.ceil(minVal / spacing) * spacing
            count = int((maxVal - first) / spacing) + 1
            if count <= 2:
                break
            ticks = [first + k * spacing for k in range(count)]
            widest = max(
                metrics.horizontalAdvance(t) for t in self.tickStrings(ticks, self.scale, spacing)
            )
            if spacing * size / (maxVal - minVal) >= widest + metrics.horizontalAdvance("  "):
                break
            spacing = _next_nice(spacing)
        return [(spacing, 0.0)] if spacing != levels[0][0] else levels

    def _updateLabel(self) -> None:
        html = self.labelString()
        # A hidden title is neither drawn nor measured (showLabel brings it up to date);
        # a label never given text is blank already.
        blank = self._label_html is None and not (self.labelText or self.labelUnits)
        if html != self._label_html and self.label.isVisibleTo(self) and not blank:
            self._label_html = html
            self.label.setHtml(html)
        self._adjustSize()
        self.picture = None
        self.update()

    def showLabel(self, show: bool = True) -> None:
        super().showLabel(show)
        if show:
            self._updateLabel()

    def resizeEvent(self, event=None) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        # pyqtgraph drops its tick picture here, but Qt kept the pixmap cache (above) of
        # the old size: a plot that grew showed its old ticks squeezed over the new ones
        # (in the window; grab() renders afresh). Switching the cache off and on drops it.
        self.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


class IndexAxisItem(TitledAxisItem):
    """An axis counting rows/columns: ticks only at whole indices, never 0.5, no SI prefix."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An index is an index: "axis 1 (x0.001)" would be nonsense.
        self.enableAutoSIPrefix(False)

    def tickSpacing(self, minVal, maxVal, size):
        # No closer than a label's size: pyqtgraph spaces ticks for its default font,
        # and at large text sizes "5", "10", "15" ran together.
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return [(1.0, 0.0)]
        metrics = QFontMetrics(self.style.get("tickFont") or plot_font())
        if self.orientation in ("bottom", "top"):
            label = metrics.horizontalAdvance(str(int(max(abs(minVal), abs(maxVal))))) * 1.6
        else:
            label = metrics.height() * 1.3
        needed = max(1.0, label * span / size)
        nice = next(
            n
            for m in (1, 10, 100, 1000, 10**4, 10**5, 10**6, 10**9)
            for n in (m, 2 * m, 5 * m)
            if n >= needed
        )
        return [(float(nice), 0.0)]


class StepAxisItem(TitledAxisItem):
    """An axis of counts (training steps): labels spaced to fit (see
    :class:`TitledAxisItem`) and short (``20k``, ``1.5M``): pyqtgraph's
    ``20000 40000 60000`` ran together in a narrow dock."""

    def tickStrings(self, values, scale, spacing):
        return [_short_count(v * scale) for v in values]


class CountAxisItem(StepAxisItem):
    """A histogram's count axis with short labels (``250k``, ``1.5M``), no ``1e+06``.

    With ``log_counts`` set, the plotted values are ``log10(count)``: ticks sit
    at whole powers of ten and read as counts (``1``, ``10``, ``1k``).
    """

    log_counts = False

    def tickValues(self, minVal, maxVal, size):
        if not self.log_counts:
            return super().tickValues(minVal, maxVal, size)
        first, last = math.ceil(minVal), math.floor(maxVal)
        powers = [float(k) for k in range(max(first, 0), last + 1)]
        step = max(1, math.ceil(len(powers) / max(1, size / 40)))
        return [(float(step), powers[::step])]

    def tickStrings(self, values, scale, spacing):
        if self.log_counts:
            return [_short_count(10.0**v) for v in values]
        return super().tickStrings(values, scale, spacing)


def _next_nice(spacing: float) -> float:
    """The next of 1, 2, 5, 10, 20, 50, ... (times a power of ten) above ``spacing``."""
    power = 10.0 ** math.floor(math.log10(spacing))
    mantissa = spacing / power
    return power * (2.0 if mantissa < 1.5 else 5.0 if mantissa < 3.5 else 10.0)


def _short_count(value: float) -> str:
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.4g}"


def style_legend(legend: pg.LegendItem, palette: QPalette) -> None:
    """A curve key readable over the curves it names (in a narrow dock it sits on top
    of them): the window's colour, two-thirds opaque so the lines still show through,
    behind the theme's text colour."""
    background = QColor(palette.color(QPalette.ColorRole.Window))
    background.setAlpha(170)
    legend.setBrush(pg.mkBrush(background))
    legend.setLabelTextColor(text_colour(palette))


def restyle_plot_widgets(root, palette: QPalette) -> None:
    """Every ``pg.PlotWidget`` below ``root`` in ``palette``'s colours (a theme switch).

    pyqtgraph takes its background and axis colours when a plot is made, so after
    View → Theme the training, depth-profile and comparison plots stayed white on
    the dark theme. Background, axis lines, tick labels, axis titles and the plot
    title follow; curves keep their own colours.
    """
    colour = text_colour(palette)
    pen = pg.mkPen(colour)
    for widget in root.findChildren(pg.PlotWidget):
        widget.setBackground(palette.color(QPalette.ColorRole.Window))
        item = widget.getPlotItem()
        for name in ("left", "bottom", "right", "top"):
            axis = item.getAxis(name)
            axis.setPen(pen)
            axis.setTextPen(pen)
            if axis.labelText:
                axis.labelStyle = {**axis.labelStyle, "color": colour.name()}
                axis.label.setHtml(axis.labelString())
        title = item.titleLabel
        if title.text:
            title.setText(title.text, color=colour.name())
        legend = item.legend
        if legend is not None:
            style_legend(legend, palette)
