"""Histogram bars as one closed step outline, filled and outlined by Qt itself.

While training runs, the tensor view redraws each histogram 30 times a
second. pyqtgraph's ``PlotDataItem(stepMode="center", fillLevel=...)`` drew
the same picture, but each ``setData`` recomputed bounds and display data,
and each paint built fill paths in Python chunks, holding the GIL the
training worker needs. :class:`HistogramBars` builds one
``QPainterPath`` from NumPy (``pg.arrayToQPath``, C-speed) per new set of
bars; painting it is Qt's ``QGraphicsPathItem`` (no Python per paint).

The picture is pyqtgraph's: the area between the steps and the fill level
in the brush, and its outline (steps, the two outer sides and the base line)
in the pen.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QPainter, QPainterPath
from PySide6.QtWidgets import QGraphicsPathItem

__all__ = ["HistogramBars"]


class HistogramBars(QGraphicsPathItem):
    """Bars over ``edges`` (n + 1) with heights ``heights`` (n), from a fill level up."""

    def __init__(self, fill_level: float = 0.0, parent=None):
        super().__init__(parent)
        self._edges = np.zeros(0)
        self._heights = np.zeros(0)
        self._fill_level = float(fill_level)
        # As pyqtgraph's items: smooth edges when its configuration asks (the app does).
        self._antialias = bool(pg.getConfigOption("antialias"))

    def bar_data(self) -> tuple:
        """``(edges, heights)`` of the bars drawn (two empty arrays when none)."""
        return self._edges, self._heights

    @property
    def fill_level(self) -> float:
        """Where the bars start (0, or below a single count on a log axis)."""
        return self._fill_level

    def set_bars(self, edges, heights) -> None:
        """Draw bars over ``edges`` (n + 1 values) with ``heights`` (n values)."""
        self._edges = np.asarray(edges, dtype=np.float64)
        self._heights = np.asarray(heights, dtype=np.float64)
        self._rebuild()

    def set_fill_level(self, level: float) -> None:
        if float(level) != self._fill_level:
            self._fill_level = float(level)
            self._rebuild()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self._antialias)
        super().paint(painter, option, widget)

    def _rebuild(self) -> None:
        edges, heights = self._edges, self._heights
        if len(edges) < 2 or len(heights) != len(edges) - 1:
            self.setPath(QPainterPath())
            return
        # (e0, base) up to (e0, h0), across to (e1, h0), ... down to (en, base) and back
        # along the base to (e0, base): pyqtgraph's outline for fillOutline=True, left
        # open there as its is (a closed path would join the corner differently).
        x = np.empty(2 * len(edges) + 1)
        x[:-1] = np.repeat(edges, 2)
        x[-1] = edges[0]
        y = np.empty_like(x)
        y[0] = y[-2] = y[-1] = self._fill_level
        y[1:-2] = np.repeat(heights, 2)
        finite = np.isfinite(x) & np.isfinite(y)
        if not finite.all():
            x, y = x[finite], y[finite]
        self.setPath(pg.arrayToQPath(x, y, connect="all", finiteCheck=False))
