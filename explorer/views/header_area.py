"""The tensor view's header: as many lines as it needs, up to a few; then it scrolls.

At the largest text size in a 1024×768 window the header ("net[0].weight ·
dense0_weight · shape (256, 20) · float32 · initialized by ...") wraps to five
lines; squeezed by the layout, its last lines were cut off. Here it keeps its
whole height up to :data:`MAX_LINES` lines and scrolls past that, leaving the
heatmaps their room.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QWidget

__all__ = ["HeaderArea", "MAX_LINES"]

MAX_LINES = 3


class HeaderArea(QScrollArea):
    """Holds ``label`` (word-wrapped); call :meth:`fit` after its text or font changes."""

    def __init__(self, label: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.setWidget(label)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def fit(self) -> None:
        """The text or font changed: ask the layout for the height it now needs."""
        self.updateGeometry()

    def _height(self) -> int:
        width = max(1, self.viewport().width())
        needed = self.label.heightForWidth(width)
        if needed < 0:
            needed = self.label.sizeHint().height()
        most = MAX_LINES * self.label.fontMetrics().lineSpacing() + 4
        return min(needed, most)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(self.label.sizeHint().width(), self._height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, self._height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()  # another width wraps the header differently
