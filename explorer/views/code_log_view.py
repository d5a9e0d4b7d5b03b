"""``CodeLogView``: the engine code of every GUI action, ready to copy."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

__all__ = ["CodeLogView"]


class CodeLogView(QWidget):
    """A read-only, selectable log of engine code with a *Copy all* button."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setReadOnly(True)
        self.text_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
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

    def append(self, code: str) -> None:
        """Add one line (or block) of code at the end and scroll to it."""
        self.text_edit.appendPlainText(code)
        bar = self.text_edit.verticalScrollBar()
        bar.setValue(bar.maximum())

    def text(self) -> str:
        return self.text_edit.toPlainText()

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
