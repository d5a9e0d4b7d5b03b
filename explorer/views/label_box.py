"""``LabelBox``: a QLabel's place in a layout, so that a new text lays out only the label.

``QLabel.setText`` always asks the parent layout to lay everything out again
(Qt cannot know the new text fits the old size). Beside a live tensor view
the statistics table and the column title change twice a second, and each
time the whole column was laid out and repainted, its rich-text table
measured again: 20 ms of the GUI thread a second, holding the GIL the
training worker needs. In a box that has no layout of its own, the label's
request ends at the box; the box measures the label and asks its own layout
to lay out again only when the label's size hints changed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QLabel, QWidget

__all__ = ["LabelBox"]


class LabelBox(QWidget):
    """Holds ``label`` and stands in for it in a layout (see the module docstring)."""

    def __init__(self, label: QLabel, parent=None) -> None:
        super().__init__(parent)
        self.label = label
        label.setParent(self)
        self.setSizePolicy(label.sizePolicy())
        self._hints = self._measure()

    def _measure(self) -> tuple:
        label = self.label
        hints = (label.sizeHint(), label.minimumSizeHint(), label.minimumSize())
        if label.hasHeightForWidth() and self.width() > 0:
            hints += (label.heightForWidth(self.width()),)
        return hints

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # the label's text or font changed
            hints = self._measure()
            if hints != self._hints:
                self._hints = hints
                self.updateGeometry()  # a new size: now the layout must know
            return True
        return super().event(event)

    def sizeHint(self) -> QSize:
        return self.label.sizeHint()

    def minimumSizeHint(self) -> QSize:
        hint = self.label.minimumSizeHint()
        return hint.expandedTo(self.label.minimumSize())

    def hasHeightForWidth(self) -> bool:
        return self.label.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:
        return max(self.label.heightForWidth(width), self.label.minimumHeight())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.label.setGeometry(self.rect())
        self._hints = self._measure()
