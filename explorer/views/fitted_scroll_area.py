"""A scroll area as tall as its contents need at its width, and able to shrink below that.

Rows that wrap (:class:`~explorer.views.flow_layout.FlowLayout`) report one
line as their minimum height, so a panel squeezed by a long message clipped
its wrapped rows (the training panel lost "batch size" under "the data and
the model do not fit"). In this area the contents keep the height their
width needs and scroll when the dock is shorter; its size hint asks for that
height, so nothing scrolls while there is room.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

__all__ = ["FittedScrollArea"]

MINIMUM_LINES = 4  # what stays visible (and scrolls) when the dock is very short


class FittedScrollArea(QScrollArea):
    """Shows ``contents`` whole when there is room, scrolled vertically when not."""

    def __init__(self, contents: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(contents)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        contents.installEventFilter(self)

    def _contents_height(self) -> int:
        contents = self.widget()
        width = self.viewport().width()
        if contents.hasHeightForWidth() and width > 0:
            return contents.heightForWidth(width)
        return contents.sizeHint().height()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        margins = self.contentsMargins()
        return QSize(
            self.widget().sizeHint().width(),
            self._contents_height() + margins.top() + margins.bottom(),
        )

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(
            self.widget().minimumSizeHint().width(),
            MINIMUM_LINES * self.fontMetrics().lineSpacing(),
        )

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        # A row wrapped or a message appeared: ask the parent layout for the new height.
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()  # another width wraps the rows differently
