"""Whether a view can be seen, and telling a docked view when it comes into sight.

``QWidget.isVisible()`` is not enough: Qt does not hide the dock widgets
tabbed behind another one, it moves them out of the window, where they stay
"visible" (seen with the training docks: the depth profile ran a forward
pass and redrew three plots twice a second behind the Training tab). A view
that skips its work while unseen asks :func:`is_on_screen`, and the window
calls :func:`catch_up_when_raised` for each dock, so that a view brought to
the front of its tab group gets the show event it would get when shown.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

__all__ = ["is_on_screen", "is_unseen", "catch_up_when_raised"]


def is_on_screen(widget: QWidget) -> bool:
    """Whether some part of ``widget`` is shown in its window (not hidden, not tabbed away)."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def is_unseen(widget: QWidget) -> bool:
    """Whether ``widget``'s window is shown but ``widget`` cannot be seen in it.

    Views skip their drawing then (and catch up when shown). Before the
    window is shown (tests, start-up) views draw, so that they are ready.
    """
    return widget.window().isVisible() and not is_on_screen(widget)


def catch_up_when_raised(dock: QDockWidget) -> None:
    """Send ``dock``'s widget a show event whenever the dock comes into sight.

    A dock brought to the front of its tab group is not shown again in Qt's
    sense (it never was hidden), so the widget's ``showEvent`` — where views
    redraw what changed while they were unseen — would not run.
    """

    def visibility_changed(visible: bool) -> None:
        widget = dock.widget()
        if visible and widget is not None and widget.isVisible():
            QApplication.sendEvent(widget, QShowEvent())

    dock.visibilityChanged.connect(visibility_changed)
