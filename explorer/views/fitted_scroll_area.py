"""A scroll area as tall as its contents when there is room, and able to shrink below that.

The training panel's settings sit above its plots: when a long message or a
short dock leaves too little height, a plain layout squeezed the rows until
they clipped ("batch size" vanished under "the data and the model do not
fit"). In this area the settings keep their height and scroll instead; its
size hint asks for their whole height, so nothing scrolls while there is room.
In a dock narrower than the settings' rows (the largest text size at 1024 px)
they scroll sideways too, rather than widening the window past the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

__all__ = ["FittedScrollArea"]

MINIMUM_LINES = 3  # what stays visible (and scrolls) when the dock is very short
MINIMUM_CHARACTERS = 14  # ... and when it is very narrow


class FittedScrollArea(QScrollArea):
    """Shows ``contents`` whole when there is room, scrolled vertically when not."""

    def __init__(self, contents: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(contents)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        contents.installEventFilter(self)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        margins = self.contentsMargins()
        hint = self.widget().sizeHint()
        return QSize(hint.width(), hint.height() + margins.top() + margins.bottom())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        lines = MINIMUM_LINES * self.fontMetrics().lineSpacing()
        narrowest = MINIMUM_CHARACTERS * self.fontMetrics().averageCharWidth()
        return QSize(min(self.widget().minimumSizeHint().width(), narrowest), lines)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        # The contents changed size (larger text, a row shown): ask for the new height.
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)
