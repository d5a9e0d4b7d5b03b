"""A vertical colour scale beside a heatmap: the colormap from its low to its high level.

It draws what ``pg.ColorBarItem(interactive=False)`` draws, from one
GraphicsWidget and one AxisItem instead of a whole PlotItem (a ColorBarItem
is one, with four axes and a view box): a quarter of the heatmap panel's
construction time, which counts at start-up. It sits in the grid of the
heatmap's :class:`~explorer.views.light_plot.LightPlot`, right of the view.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter, QPixmap

from .light_plot import LightPlot
from .plot_style import TitledAxisItem

__all__ = ["ColourBar"]


class ColourBar(pg.GraphicsWidget):
    """The colour scale (high values on top) and its axis, placed right of a plot.

    Attributes
    ----------
    axis : TitledAxisItem
        The value axis on the bar's right (no SI prefix), styled by the panel like
        its other axes.
    """

    def __init__(self, colour_map: pg.ColorMap, width: int = 18) -> None:
        super().__init__()
        self.set_colour_map(colour_map)
        self.setMinimumWidth(width)
        self.setMaximumWidth(width)
        self.axis = TitledAxisItem("right")
        # The ticks are the values themselves: a "(x0.001)" on an untitled bar would be lost.
        self.axis.enableAutoSIPrefix(False)
        self.axis.setRange(-1.0, 1.0)
        self._levels = (-1.0, 1.0)
        self._unit = 1.0

    def set_colour_map(self, colour_map: pg.ColorMap) -> None:
        """Show ``colour_map`` (its low end at the bottom)."""
        lookup = colour_map.getLookupTable(nPts=256, alpha=True)  # (256, 4) uint8, low first
        column = np.ascontiguousarray(lookup[::-1, None, :])  # one pixel wide, high on top
        image = pg.functions.ndarray_to_qimage(column, QImage.Format.Format_RGBA8888)
        self._pixmap = QPixmap.fromImage(image)
        self.update()

    def insert_beside(self, plot: LightPlot) -> None:
        """Put the bar and its axis right of ``plot``'s view box, the same height."""
        row, column = plot.VIEW_CELL
        # Column + 1 is the (absent) right axis; then a gap between plot and bar.
        plot.layout.setColumnFixedWidth(column + 2, 5)
        plot.layout.addItem(self, row, column + 3)
        plot.layout.addItem(self.axis, row, column + 4)

    @property
    def levels(self) -> tuple:
        return self._levels

    def set_levels(self, levels: tuple, unit: float = 1.0) -> None:
        """Label the bar's bottom ``levels[0]`` and its top ``levels[1]``.

        With a ``unit`` other than 1 (values near 1e308 or 1e-45) the ticks
        count in that unit and the axis title says so (``×1e+308``).
        """
        levels = (float(levels[0]), float(levels[1]))
        if levels == self._levels and unit == self._unit:
            return  # setRange would lay out the ticks again (a redraw of live training)
        self._levels = levels
        self.axis.setRange(self._levels[0] / unit, self._levels[1] / unit)
        if unit != self._unit:
            self._unit = unit
            self.axis.setLabel(f"×{unit:.0e}" if unit != 1.0 else None)
            self.axis.showLabel(unit != 1.0)

    def paint(self, painter: QPainter, *args) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawPixmap(self.rect(), self._pixmap, QRectF(self._pixmap.rect()))
        painter.setPen(self.axis.pen())
        painter.drawRect(self.rect())
