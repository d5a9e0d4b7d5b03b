"""Whether a view can be seen, and telling a docked view when it comes into sight.

``QWidget.isVisible()`` is not enough: Qt does not hide the dock widgets
tabbed behind another one, it moves them out of the window, where they stay
"visible" (seen with the training docks: the depth profile ran a forward
pass and redrew three plots twice a second behind the Training tab). A view
that skips its work while unseen asks :func:`is_on_screen`, and the window
calls :func:`catch_up_when_raised` for each dock, so that a view brought to
the front of its tab group gets the show event it would get when shown.

A minimized window is not seen either, though Qt still calls it visible (and
so is a window hidden after it was shown): training with the window
minimized ran at 82 % of headless speed, the views drawing for nobody. Qt
sends every widget a spontaneous show event when the window is restored,
and the views catch up then.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from .dock_scroll_area import view_of

__all__ = ["is_on_screen", "is_unseen", "catch_up_when_raised"]


def is_on_screen(widget: QWidget) -> bool:
    """Whether some part of ``widget`` is shown in its window (not hidden, not tabbed away)."""
    return (
        widget.isVisible()
        and not widget.window().isMinimized()
        and not widget.visibleRegion().isEmpty()
    )


def is_unseen(widget: QWidget) -> bool:
    """Whether ``widget``'s window is shown but ``widget`` cannot be seen in it.

    Views skip their drawing then (and catch up when shown). Before the
    window is shown (tests, start-up) views draw, so that they are ready;
    minimized, or hidden after it was shown, it is unseen.
    """
    window = widget.window()
    if not window.isVisible():
        # Shown or hidden by a call (not merely not shown yet): hidden after being shown.
        return window.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)
    return not is_on_screen(widget)


def catch_up_when_raised(dock: QDockWidget) -> None:
    """Send ``dock``'s widget a show event whenever the dock comes into sight.

    A dock brought to the front of its tab group is not shown again in Qt's
    sense (it never was hidden), so the widget's ``showEvent`` — where views
    redraw what changed while they were unseen — would not run.
    """

    def visibility_changed(visible: bool) -> None:
        widget = view_of(dock.widget())
        if visible and widget is not None and widget.isVisible():
            QApplication.sendEvent(widget, QShowEvent())

    dock.visibilityChanged.connect(visibility_changed)
