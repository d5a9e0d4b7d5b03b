"""``HistoryView``: the undo history, one row per command; clicking a row goes back to it.

The rows are the session's history (the same list the code log shows): the
commands in effect in the normal colour, the undone ones greyed and in
italics below them, ready to redo. Clicking a row undoes or redoes until that
command is the last one in effect; "Start" goes back before the first.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

__all__ = ["HistoryView"]

START_LABEL = "Start (nothing done yet)"


class HistoryView(QWidget):
    """The history as a list.

    Signals
    -------
    position_requested(int)
        The user clicked a row: this many entries should be in effect.
    """

    position_requested = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setToolTip(
            "Click a step to go back (or forward) to it; Ctrl+Z / Ctrl+Shift+Z "
            "step one change at a time"
        )
        self.list.itemClicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list)
        self._cursor = 0

    def show_history(self, entries, cursor: int, dropped: int = 0) -> None:
        """Show ``entries`` (Commands) with the first ``cursor`` in effect."""
        self.list.clear()
        start = QListWidgetItem(START_LABEL if not dropped else f"… {dropped} older steps dropped")
        start.setData(Qt.ItemDataRole.UserRole, 0)
        self.list.addItem(start)
        undone_brush = QBrush(
            self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        )
        for number, command in enumerate(entries, start=1):
            item = QListWidgetItem(command.label)
            item.setData(Qt.ItemDataRole.UserRole, number)
            item.setToolTip(command.code or command.label)
            if number > cursor:
                item.setForeground(undone_brush)
                font = QFont(item.font())
                font.setItalic(True)
                item.setFont(font)
            self.list.addItem(item)
        self._cursor = cursor
        current = self.list.item(cursor)
        if current is not None:
            self.list.setCurrentItem(current)
            self.list.scrollToItem(current)

    def labels(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _clicked(self, item: QListWidgetItem) -> None:
        position = item.data(Qt.ItemDataRole.UserRole)
        if position is not None and position != self._cursor:
            self.position_requested.emit(int(position))
