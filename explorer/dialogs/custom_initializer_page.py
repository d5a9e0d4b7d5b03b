"""The initializer dialog's page for a learner's own initializer: the editor and its buttons.

The code editor (pre-filled with the chapter's ``MyInit``), the name it is
saved under, the time limit (a preference), and Save, Delete and Preview. The
dialog connects the buttons; this page only lays them out.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.initializer_library import DEFAULT_SOURCE
from .code_editor import CodeEditor

__all__ = ["CustomInitializerPage"]


class CustomInitializerPage(QWidget):
    """Editor, name, time limit, Save / Delete / Preview (F5)."""

    def __init__(self, timeout_s: float, parent=None) -> None:
        super().__init__(parent)
        self.editor = CodeEditor(self)
        self.editor.setPlainText(DEFAULT_SOURCE)
        self.name_edit = QLineEdit("MyInit", self)
        self.name_edit.setToolTip("The name it is saved under in your library")
        self.timeout_box = QDoubleSpinBox(self)
        self.timeout_box.setRange(0.5, 3600.0)
        self.timeout_box.setDecimals(1)
        self.timeout_box.setSuffix(" s")
        self.timeout_box.setValue(timeout_s)
        self.timeout_box.setToolTip(
            "Time limit: a custom initializer still running after this is stopped (a preference)"
        )
        self.save_button = QPushButton("Save", self)
        self.delete_button = QPushButton("Delete", self)
        self.run_button = QPushButton("Preview (F5)", self)
        # Two short rows, not one long one: at the largest text one row would widen the page.
        names = QHBoxLayout()
        names.addWidget(self.name_edit, 1)
        names.addWidget(self.save_button)
        names.addWidget(self.delete_button)
        runs = QHBoxLayout()
        runs.addWidget(QLabel("Time limit:", self))
        runs.addWidget(self.timeout_box)
        runs.addStretch(1)
        runs.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor, 1)
        layout.addLayout(names)
        layout.addLayout(runs)
