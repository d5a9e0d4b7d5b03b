"""``CodeLogView``: the engine code of every GUI action, ready to copy."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["CodeLogView", "SCRIPT_HEADER"]

# What the console's namespace holds, so the copied log runs outside the app too.
SCRIPT_HEADER = ("from engine import np, npx, init, autograd, gluon\n"
                 "from engine.gluon import nn\n\n")


class CodeLogView(QWidget):
    """A read-only, selectable log of engine code with a *Copy all* button."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setReadOnly(True)
        self.text_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._apply_font()
        self.text_edit.setPlaceholderText("The engine code of each action appears here.")
        self.copy_button = QPushButton("Copy all", self)
        self.copy_button.clicked.connect(self.copy_all)
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.clicked.connect(self.text_edit.clear)
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
        if event.type() in (QEvent.Type.ApplicationFontChange, QEvent.Type.FontChange) \
                and hasattr(self, "text_edit"):
            self._apply_font()
        super().changeEvent(event)

    def append(self, code: str) -> None:
        """Add one line (or block) of code at the end and scroll to it."""
        self.text_edit.appendPlainText(code)
        bar = self.text_edit.verticalScrollBar()
        bar.setValue(bar.maximum())
        # Appending scrolls sideways to the end of a long line; lines read from the left.
        self.text_edit.horizontalScrollBar().setValue(0)

    def text(self) -> str:
        return self.text_edit.toPlainText()

    def script(self) -> str:
        """The log as a runnable script: the chapter's imports, then every action's code."""
        return SCRIPT_HEADER + self.text() + "\n"

    def copy_all(self) -> None:
        """*Copy all*: the log as a script that runs on its own (``python script.py``)."""
        QGuiApplication.clipboard().setText(self.script())
