"""``CodeLogView``: the engine code of every command in effect, ready to copy.

It shows the session's history (the code log and the undo stack are one
list): an undone command's code disappears, a redone one comes back.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.code_script import script_of

__all__ = ["CodeLogView"]


class CodeLogView(QWidget):
    """A read-only, selectable log of engine code with *Copy all* and *Clear*.

    Signals
    -------
    clear_requested()
        The user pressed Clear (the window clears the session's log and history).
    """

    clear_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._entries: list[str] = []
        self._dropped = 0
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setReadOnly(True)
        self.text_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._apply_font()
        self.text_edit.setPlaceholderText("The engine code of each action appears here.")
        self.copy_button = QPushButton("Copy all", self)
        self.copy_button.clicked.connect(self.copy_all)
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setToolTip("Forget the code log, and with it what Undo can take back")
        self.clear_button.clicked.connect(self.clear_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.text_edit)
        layout.addLayout(buttons)

    def _apply_font(self) -> None:
        """A fixed-width font at the application's size (larger text makes it larger)."""
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        size = QApplication.font().pointSizeF()
        if size > 0:
            font.setPointSizeF(size)
        self.text_edit.setFont(font)

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.Type.ApplicationFontChange, QEvent.Type.FontChange) and hasattr(
            self, "text_edit"
        ):
            self._apply_font()
        super().changeEvent(event)

    def show_log(self, entries: list[str], dropped: int = 0) -> None:
        """Show ``entries`` (the session's code log); appends when only new ones came."""
        old = self._entries
        if dropped == self._dropped and entries[: len(old)] == old:
            for code in entries[len(old) :]:
                self._append(code)
        else:
            self.text_edit.setPlainText(
                (f"# {dropped} earlier entries dropped\n" if dropped else "") + "\n".join(entries)
            )
            self._scroll_to_end()
        self._entries, self._dropped = list(entries), dropped

    def _append(self, code: str) -> None:
        self.text_edit.appendPlainText(code)
        self._scroll_to_end()

    def _scroll_to_end(self) -> None:
        bar = self.text_edit.verticalScrollBar()
        bar.setValue(bar.maximum())
        # Appending scrolls sideways to the end of a long line; lines read from the left.
        self.text_edit.horizontalScrollBar().setValue(0)

    def text(self) -> str:
        return self.text_edit.toPlainText()

    def script(self) -> str:
        """The log as a runnable script: the chapter's imports, then every command's code."""
        return script_of(self._entries, self._dropped)

    def copy_all(self) -> None:
        """*Copy all*: the log as a script that runs on its own (``python script.py``)."""
        QGuiApplication.clipboard().setText(self.script())
