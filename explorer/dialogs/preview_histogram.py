"""One small histogram of the initializer preview, with the theoretical spread drawn over it."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..core.initializer_preview import ValueHistogram
from ..theory import TheoreticalSpread
from ..views.light_plot import LightPlot
from ..views.plot_style import (
    CountAxisItem,
    TitledAxisItem,
    fill_colour,
    plot_font,
    style_axis,
    style_plot_widget,
    theory_colour,
)

__all__ = ["PreviewHistogram"]


class PreviewHistogram(QWidget):
    """A title, the bars of a :class:`ValueHistogram` and, optionally, a spread's bounds."""

    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent)
        self.title = QLabel(title, self)
        # Equal halves whatever the captions say: the layout's stretch decides the width.
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.histogram: ValueHistogram | None = None
        # The value range of what was drawn (bars and spread), None when empty.
        self.drawn_x_range: tuple[float, float] | None = None
        self.spread: TheoreticalSpread | None = None
        count_axis, value_axis = CountAxisItem("left"), TitledAxisItem("bottom")
        for axis in (count_axis, value_axis):
            axis.enableAutoSIPrefix(False)
        self.view = pg.GraphicsView(self)
        self.view.setMinimumHeight(max(110, 6 * self.fontMetrics().height()))
        self.plot = LightPlot({"left": count_axis, "bottom": value_axis}, mouse_enabled=False)
        self.view.setCentralItem(self.plot)
        self.bars = pg.PlotDataItem(stepMode="center", fillLevel=0, fillOutline=True)
        self.theory = pg.PlotDataItem()
        self.plot.addItem(self.bars)
        self.plot.addItem(self.theory)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        self._apply_palette()

    def show_histogram(
        self,
        histogram: ValueHistogram | None,
        caption: str,
        spread: TheoreticalSpread | None = None,
    ) -> None:
        """Draw ``histogram`` (None: empty, ``caption`` says why) and ``spread``'s outline."""
        self.histogram, self.spread = histogram, spread
        self.title.setText(caption)
        self.drawn_x_range = None
        if histogram is None or histogram.size == 0:
            self.bars.setData([], [])
            self.theory.setData([], [])
            return
        counts = histogram.counts.astype(np.float64) * histogram.sample_step
        self.bars.setData(histogram.edges, counts)
        low, high = float(histogram.edges[0]), float(histogram.edges[-1])
        top = max(1.0, float(counts.max()))
        x, y = self._spread_outline(histogram, spread, top)
        self.theory.setData(x, y)
        if len(x):
            low, high = min(low, float(np.min(x))), max(high, float(np.max(x)))
            top = max(top, float(np.max(y)))
        self.drawn_x_range = (low, high)
        self.plot.setXRange(low, high, padding=0.05)
        self.plot.setYRange(0, top * 1.08, padding=0)

    def set_x_range(self, low: float, high: float) -> None:
        """Show ``[low, high]`` (the preview's shared scale) instead of this plot's own."""
        self.plot.setXRange(low, high, padding=0.05)

    @staticmethod
    def _spread_outline(histogram: ValueHistogram, spread, top: float):
        if spread is None:
            return np.array([]), np.array([])
        width = float(histogram.edges[1] - histogram.edges[0])
        n = histogram.size
        if spread.kind == "constant":
            return np.array([spread.value] * 2), np.array([0.0, top * 1.04])
        if spread.kind == "uniform":
            height = n * width / (spread.high - spread.low)
            return (
                np.array([spread.low, spread.low, spread.high, spread.high]),
                np.array([0.0, height, height, 0.0]),
            )
        x = np.linspace(-4 * spread.sigma, 4 * spread.sigma, 161)
        return x, n * width * spread.density(x)

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange) and hasattr(
            self, "theory"
        ):
            self._apply_palette()
        super().changeEvent(event)

    def _apply_palette(self) -> None:
        palette = self.palette()
        style_plot_widget(self.view, palette)
        style_axis(self.plot.getAxis("left"), palette, "count")
        style_axis(self.plot.getAxis("bottom"), palette, "value")
        self.bars.setPen(pg.mkPen(palette.color(palette.ColorRole.Highlight), width=1))
        self.bars.setBrush(pg.mkBrush(fill_colour(palette)))
        self.theory.setPen(pg.mkPen(theory_colour(palette), width=2, style=Qt.PenStyle.DashLine))
        self.title.setFont(plot_font())
        self.view.setMinimumHeight(max(110, 6 * self.fontMetrics().height()))
