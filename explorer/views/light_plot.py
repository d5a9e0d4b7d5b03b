"""A view box and its axes in a grid: the part of ``pg.PlotItem`` the explorer's panels use.

A PlotItem also builds a context menu with a whole options form (about 70
widgets), four axes where the panels show two, a title and an auto-range
button, all of which the panels hide or never show. Four of them were a
tenth of the time to the first painted window. This composition is the one
pyqtgraph documents for custom layouts: a :class:`pg.ViewBox` in a grid
layout, each :class:`pg.AxisItem` linked to it with ``linkToView``.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QGraphicsGridLayout, QGraphicsItem, QSizePolicy

__all__ = ["LightPlot", "CompactGraphicsView"]

# (row, column) of each side's axis; the view box sits in the middle cell.
_AXIS_CELLS = {"top": (0, 1), "left": (1, 0), "right": (1, 2), "bottom": (2, 1)}


class LightPlot(pg.GraphicsWidget):
    """A view box with axes on the sides given, laid out as a PlotItem lays out its own.

    Parameters
    ----------
    axes : dict of str to pg.AxisItem
        The axes to show, keyed by side (``'left'``, ``'bottom'``, ``'right'``,
        ``'top'``); each is linked to the view box and follows its range.
    mouse_enabled : bool
        Whether dragging and the wheel pan and zoom the view.

    Attributes
    ----------
    layout : QGraphicsGridLayout
        The grid: view box at :attr:`VIEW_CELL`, axes around it. Columns right
        of the view's right axis (3 and on) are free for items beside the view.
    vb : pg.ViewBox
        The view box drawing the plot's items (also :meth:`getViewBox`).
    """

    VIEW_CELL = (1, 1)

    def __init__(self, axes: dict, mouse_enabled: bool = True, parent=None) -> None:
        super().__init__(parent)
        unknown = set(axes) - set(_AXIS_CELLS)
        if unknown:
            raise ValueError(
                f"unknown axis side(s) {sorted(unknown)}; expected some of {sorted(_AXIS_CELLS)}"
            )
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.layout = QGraphicsGridLayout()
        self.layout.setContentsMargins(1, 1, 1, 1)
        self.layout.setHorizontalSpacing(0)
        self.layout.setVerticalSpacing(0)
        self.setLayout(self.layout)
        # enableMenu=False: the view box never builds its context menu either.
        self.vb = pg.ViewBox(parent=self, enableMenu=False, enableMouse=mouse_enabled)
        self.layout.addItem(self.vb, *self.VIEW_CELL)
        # PlotItem's proportions: the view takes what the axes leave.
        for index in range(3):
            for set_size in (
                self.layout.setRowPreferredHeight,
                self.layout.setRowMinimumHeight,
                self.layout.setColumnPreferredWidth,
                self.layout.setColumnMinimumWidth,
            ):
                set_size(index, 0)
            self.layout.setRowStretchFactor(index, 1)
            self.layout.setColumnStretchFactor(index, 1)
        self.layout.setRowStretchFactor(self.VIEW_CELL[0], 100)
        self.layout.setColumnStretchFactor(self.VIEW_CELL[1], 100)
        self._axes = dict(axes)
        for side, axis in self._axes.items():
            axis.linkToView(self.vb)
            self.layout.addItem(axis, *_AXIS_CELLS[side])
            # As in a PlotItem: axes above images (z 0), below items placed at z >= 1.
            axis.setZValue(0.5)
            axis.setFlag(QGraphicsItem.GraphicsItemFlag.ItemNegativeZStacksBehindParent)

    def getViewBox(self) -> pg.ViewBox:  # pyqtgraph's name, as on PlotItem
        return self.vb

    def getAxis(self, name: str) -> pg.AxisItem:
        """The axis on side ``name``; KeyError names the sides this plot has."""
        try:
            return self._axes[name]
        except KeyError:
            raise KeyError(f"this plot has no {name!r} axis, only {sorted(self._axes)}") from None

    def addItem(self, item, ignoreBounds: bool = False) -> None:
        """Add ``item`` to the view box (its bounds count for auto-range unless ignored)."""
        self.vb.addItem(item, ignoreBounds=ignoreBounds)

    def setXRange(self, low: float, high: float, padding=None) -> None:
        self.vb.setXRange(low, high, padding=padding)

    def setYRange(self, low: float, high: float, padding=None) -> None:
        self.vb.setYRange(low, high, padding=padding)


class CompactGraphicsView(pg.GraphicsView):
    """A GraphicsView that prefers its minimum height (the layout's stretch adds the rest).

    A scroll area sizes its content to the preferred heights; GraphicsView's own
    preference made a column far taller than the window, its statistics out of view.
    """

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(super().sizeHint().width(), max(self.minimumHeight(), 1))
