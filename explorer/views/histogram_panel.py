"""Histogram of one array's values, the initializer's theoretical spread, and statistics.

The histogram and numbers come precomputed in a
:class:`~explorer.views.array_display.TensorStatistics` (computed once per
change of the array); this panel only draws them, updating its plot items in
place.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..theory import TheoreticalSpread
from .array_display import format_value
from .array_statistics import TensorStatistics
from .light_plot import LightPlot
from .plot_style import (
    CountAxisItem,
    TitledAxisItem,
    fill_colour,
    plot_font,
    style_axis,
    style_plot_widget,
    theory_colour,
)

__all__ = ["HistogramPanel", "statistics_rows"]


def statistics_rows(stats: TensorStatistics) -> list:
    """Label/value pairs in reading order, three rows of up to four pairs."""
    zeros = f"{100.0 * stats.zero_fraction:.1f}%"
    if 0 < stats.zero_fraction < 0.001:
        zeros = "<0.1%"
    shape = "(" + ", ".join(str(d) for d in stats.shape) + ("," if len(stats.shape) == 1
                                                            else "") + ")"
    return [
        [("mean", format_value(stats.mean)), ("std", format_value(stats.std)),
         ("min", format_value(stats.min)), ("max", format_value(stats.max))],
        [("L2 norm", format_value(stats.l2_norm)), ("zeros", zeros),
         ("NaN", f"{stats.nan_count:,}"), ("Inf", f"{stats.inf_count:,}")],
        [("shape", shape), ("dtype", stats.dtype), ("elements", f"{stats.size:,}")],
    ]


class HistogramPanel(QWidget):
    """Histogram bars, the theoretical spread (when known) and a statistics table."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._stats: TensorStatistics | None = None
        self._spread: TheoreticalSpread | None = None
        # A view box and two axes, not a PlotWidget's PlotItem: no context menus or option
        # forms built that this plot never offers, which counts at start-up.
        count_axis, value_axis = CountAxisItem("left"), TitledAxisItem("bottom")
        for axis in (count_axis, value_axis):
            # Values and counts as they are: no "(x0.001)" in the title.
            axis.enableAutoSIPrefix(False)
        self.plot_widget = pg.GraphicsView()
        self.plot_widget.setMinimumHeight(120)
        self.plot = LightPlot({"left": count_axis, "bottom": value_axis}, mouse_enabled=False)
        self.plot_widget.setCentralItem(self.plot)
        self.bars = pg.PlotDataItem(stepMode="center", fillLevel=0, fillOutline=True)
        self.theory_curve = pg.PlotDataItem()
        self.plot.addItem(self.bars)
        self.plot.addItem(self.theory_curve)
        # The theory's legend is a label above the plot: a legend inside the plot would
        # cover the bars in the short plots of a 1280×800 window.
        self.caption_label = QLabel()
        self.theory_label = QLabel()
        self.theory_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        caption_row = QHBoxLayout()
        caption_row.setContentsMargins(4, 0, 4, 0)
        caption_row.addWidget(self.caption_label, 1)
        caption_row.addWidget(self.theory_label, 0)
        self.stats_label = QLabel()
        self.stats_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Ignored width: the table reflows to fewer columns instead of widening the panel.
        self.stats_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.stats_label.setWordWrap(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(caption_row, 0)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.stats_label, 0)
        self._apply_palette()

    @property
    def statistics(self) -> TensorStatistics | None:
        return self._stats

    @property
    def spread(self) -> TheoreticalSpread | None:
        return self._spread

    def show_statistics(self, stats: TensorStatistics,
                        spread: TheoreticalSpread | None = None) -> None:
        """Draw the histogram of ``stats`` and, when given, the theoretical ``spread``."""
        self._stats, self._spread = stats, spread
        if stats.finite_count:
            self.bars.setData(stats.edges, stats.counts.astype(np.float64, copy=False))
        else:
            self.bars.setData([], [])
        self._draw_spread()
        self._fit_range()
        self.stats_label.setText(self._statistics_html())
        self.caption_label.setText(self._caption())

    def clear(self) -> None:
        self._stats = self._spread = None
        self.bars.setData([], [])
        self.theory_curve.setData([], [])
        self.theory_label.clear()
        self.caption_label.clear()
        self.stats_label.clear()

    def _draw_spread(self) -> None:
        stats, spread = self._stats, self._spread
        if spread is None or not stats.finite_count:
            self.theory_curve.setData([], [])
            self.theory_label.clear()
            return
        bin_width = float(stats.edges[1] - stats.edges[0])
        top = float(stats.counts.max()) if stats.counts.size else 1.0
        if spread.kind == "constant":
            x = np.array([spread.value, spread.value])
            y = np.array([0.0, max(top, 1.0) * 1.04])
        elif _bins_coarser_than(spread, bin_width):
            # The histogram's bins are wide next to the spread (an outlier stretched the
            # range): draw the expected count of each bin, n × P(bin), as steps, since
            # a density scaled by the bin width would tower over the n values there are.
            edges = np.asarray(stats.edges, dtype=np.float64)
            expected = stats.finite_count * np.diff(spread.cdf(edges))
            x = np.repeat(edges, 2)
            y = np.concatenate([[0.0], np.repeat(expected, 2), [0.0]])
        elif spread.kind == "uniform":
            # Expected count per bin: n × P(bin) = n × width / (high - low).
            height = stats.finite_count * bin_width / (spread.high - spread.low)
            x = np.array([spread.low, spread.low, spread.high, spread.high])
            y = np.array([0.0, height, height, 0.0])
        else:
            low, high = spread.extent()
            x = np.linspace(min(low, stats.edges[0]) * 1.1, max(high, stats.edges[-1]) * 1.1,
                            241)
            y = stats.finite_count * bin_width * spread.density(x)
        self.theory_curve.setData(x, y)
        colour = theory_colour(self.palette()).name()
        self.theory_label.setText(f"<span style='color:{colour}'><b>- - -</b> "
                                  f"{html.escape(spread.label)}</span>")
        self.theory_label.setToolTip("The spread the initializer gives this shape"
                                     + (" (approximate)" if spread.approximate else "")
                                     + ", scaled to the histogram's counts")

    def _fit_range(self) -> None:
        stats, spread = self._stats, self._spread
        if not stats.finite_count:
            return
        low, high = float(stats.edges[0]), float(stats.edges[-1])
        top = float(stats.counts.max())
        if spread is not None:
            t_low, t_high = spread.extent()
            low, high = min(low, t_low), max(high, t_high)
            _, curve_y = self.theory_curve.getData()
            if curve_y is not None and len(curve_y):
                top = max(top, float(np.max(curve_y)))
        self.plot.setXRange(low, high, padding=0.04)
        self.plot.setYRange(0, max(top, 1.0) * 1.05, padding=0)

    def _pairs_per_row(self) -> int:
        """As many label/value pairs per row as fit the panel's width (1 to 4)."""
        metrics = self.stats_label.fontMetrics()
        pair = metrics.horizontalAdvance("L2 norm  -0.0001234  ") + 10
        return max(1, min(4, self.width() // pair))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._stats is not None:
            text = self._statistics_html()
            if text != self.stats_label.text():
                self.stats_label.setText(text)

    def _caption(self) -> str:
        stats = self._stats
        bins = len(stats.counts)
        if stats.is_sampled:
            return (f"histogram of a 1/{stats.sample_step} sample of {stats.finite_count:,} "
                    f"values, {bins} bins")
        return f"histogram of {stats.finite_count:,} values, {bins} bins"

    def _statistics_html(self) -> str:
        stats = self._stats
        palette = self.palette()
        dim = palette.color(palette.ColorRole.PlaceholderText).name()
        warn = theory_colour(palette).name()
        pairs = [pair for row in statistics_rows(stats) for pair in row]
        per_row = self._pairs_per_row()
        rows = [pairs[i:i + per_row] for i in range(0, len(pairs), per_row)]
        if per_row == 4:
            rows = statistics_rows(stats)  # the designed grouping: numbers, health, shape
        cells = []
        for row in rows:
            parts = []
            for name, value in row:
                alarming = name in ("NaN", "Inf") and value != "0"
                shown = (f"<b style='color:{warn}'>{html.escape(value)}</b>" if alarming
                         else html.escape(value))
                parts.append(f"<td style='color:{dim}; padding-right:4px'>{name}</td>"
                             f"<td style='padding-right:14px'>{shown}</td>")
            cells.append("<tr>" + "".join(parts) + "</tr>")
        note = ""
        if stats.nan_count or stats.inf_count:
            note = "<div>mean, std, min, max, norm and histogram: finite values only</div>"
        return "<table cellspacing='0'>" + "".join(cells) + "</table>" + note

    # ------------------------------------------------------------------- theming
    def changeEvent(self, event) -> None:
        # Qt sends palette events while the base class is still being built.
        if (event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange)
                and hasattr(self, "stats_label")):
            self._apply_palette()
        super().changeEvent(event)

    def _apply_palette(self) -> None:
        palette = self.palette()
        style_plot_widget(self.plot_widget, palette)
        # The titles are set here only, once per palette or font.
        style_axis(self.plot.getAxis("left"), palette, "count")
        style_axis(self.plot.getAxis("bottom"), palette, "value")
        fill = fill_colour(palette)
        self.bars.setPen(pg.mkPen(palette.color(palette.ColorRole.Highlight), width=1))
        self.bars.setBrush(pg.mkBrush(fill))
        self.theory_curve.setPen(pg.mkPen(theory_colour(palette), width=2,
                                          style=Qt.PenStyle.DashLine))
        for label in (self.stats_label, self.caption_label, self.theory_label):
            label.setFont(plot_font())
        if self._stats is not None:
            self.stats_label.setText(self._statistics_html())
            if self._spread is not None:
                self._draw_spread()


def _bins_coarser_than(spread: TheoreticalSpread, bin_width: float) -> bool:
    """Whether a bin is wider than a quarter of the spread's visible extent."""
    low, high = spread.extent()
    return bin_width > (high - low) / 4.0
