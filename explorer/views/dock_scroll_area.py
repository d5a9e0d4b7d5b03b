"""A dock's contents, scrolled when the dock is smaller than they can be squeezed.

Every dock's view has a minimum size, and Qt never makes a dock smaller than
its view's: at the largest text size the Training dock alone wanted 424 px of
height and the three columns of docks 1,033 px of width, so the window grew
past a 1024×768 screen (a classroom projector) with its status bar and the
bottom of every dock off screen. In this area a view keeps its own layout and
minimum; a dock smaller than that scrolls instead, down to a few lines and
characters. With room to spare it behaves as the bare view (no scroll bars,
the same size hint).

The area sizes the view itself (not ``widgetResizable``): Qt's resizable scroll
area holds a view whose layout has a height-for-width (a word-wrapped label)
at its preferred height, so the Histograms dock scrolled at 1024×768 where a
plain dock squeezed its plots to fit. Here the view gets the viewport's size,
never less than its minimum, as a dock would give it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

__all__ = ["DockScrollArea", "view_of"]

MINIMUM_LINES = 4  # what a dock keeps visible (and scrolls) when the window is short
MINIMUM_CHARACTERS = 12  # ... and when it is narrow


class DockScrollArea(QScrollArea):
    """Holds ``view``: as large as the dock while the dock is large enough for it,
    scrolled inside a smaller one."""

    def __init__(self, view: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{view.objectName() or type(view).__name__}_scroll")
        self.setWidget(view)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._hints = None  # the view's (size hint, minimum) last passed on
        view.installEventFilter(self)

    @property
    def view(self) -> QWidget:
        return self.widget()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.widget().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        own = self.widget().minimumSizeHint()
        metrics = self.fontMetrics()
        return QSize(
            min(own.width(), MINIMUM_CHARACTERS * metrics.averageCharWidth()),
            min(own.height(), MINIMUM_LINES * metrics.lineSpacing()),
        )

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        # The view's minimum or hint changed (larger text, a row shown): pass it on. Only
        # then: a label's new text (the step counter, 5 times a second while training)
        # re-lays the view out too, and passing each one on re-laid out the main window.
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            view = self.widget()
            hints = (view.sizeHint(), view.minimumSizeHint())
            if hints != self._hints:
                self._hints = hints
                self.updateGeometry()
            self._fit_view()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_view()

    def viewportEvent(self, event) -> bool:  # noqa: N802 - Qt's name
        # A scroll bar appearing or going changes the viewport, not the area.
        if event.type() == QEvent.Type.Resize:
            self._fit_view()
        return super().viewportEvent(event)

    def _fit_view(self) -> None:
        view = self.widget()
        if view is None:
            return
        minimum = view.minimumSizeHint().expandedTo(view.minimumSize())
        size = self.viewport().size().expandedTo(minimum)
        if view.size() != size:
            view.resize(size)


def view_of(widget: QWidget | None) -> QWidget | None:
    """The view a dock shows: ``widget`` itself, or the one a DockScrollArea holds."""
    if isinstance(widget, DockScrollArea):
        return widget.view
    return widget
