"""Form fields for every built-in initializer of ``engine.init``, with Gluon's defaults.

:data:`BUILTINS` lists each initializer with its arguments;
:class:`InitializerForm` shows the fields of one and builds the Initializer.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from engine import init

__all__ = ["Field", "Builtin", "BUILTINS", "InitializerForm"]


@dataclass(frozen=True)
class Field:
    """One argument: a number (``choices`` None) or one of ``choices``; ``text`` for lists."""

    name: str
    default: object
    choices: tuple | None = None
    low: float = -1e6
    high: float = 1e6
    decimals: int = 4
    text: bool = False
    tip: str = ""


@dataclass(frozen=True)
class Builtin:
    name: str
    fields: tuple
    summary: str


BUILTINS = (
    Builtin("Zero", (), "every value 0"),
    Builtin("One", (), "every value 1"),
    Builtin("Constant", (Field("value", 1),), "every value the same"),
    Builtin("Uniform", (Field("scale", 0.07, low=0.0),), "U(−scale, scale); Gluon's default"),
    Builtin("Normal", (Field("sigma", 0.01, low=0.0),), "N(0, sigma²)"),
    Builtin(
        "Xavier",
        (
            Field("rnd_type", "uniform", ("uniform", "gaussian")),
            Field("factor_type", "avg", ("avg", "in", "out")),
            Field("magnitude", 3, low=0.0),
        ),
        "scale √(magnitude/factor) from the fans (Glorot)",
    ),
    Builtin(
        "MSRAPrelu",
        (Field("factor_type", "avg", ("avg", "in", "out")), Field("slope", 0.25, low=0.0)),
        "He: Gaussian Xavier with magnitude 2/(1+slope²)",
    ),
    Builtin(
        "Orthogonal",
        (Field("scale", 1.414, low=0.0), Field("rand_type", "uniform", ("uniform", "normal"))),
        "scale × an orthogonal matrix (Saxe et al.)",
    ),
    Builtin("Bilinear", (), "bilinear upsampling kernels (4-D weights only)"),
    Builtin(
        "LSTMBias", (Field("forget_bias", 1.0),), "zeros, forget gate (2nd quarter) = forget_bias"
    ),
    Builtin(
        "Mixed",
        (
            Field(
                "patterns",
                ".*bias, .*",
                text=True,
                tip="regular expressions, comma separated; the first match wins",
            ),
            Field(
                "initializers", "zeros, xavier", text=True, tip="registered names, one per pattern"
            ),
        ),
        "the first pattern matching a parameter's name picks its initializer",
    ),
)


class InitializerForm(QWidget):
    """The fields of one built-in initializer.

    Signals
    -------
    changed()
        A field was edited.
    """

    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.summary = ""
        self.builtin: Builtin | None = None
        self.editors: dict[str, QWidget] = {}

    def show_builtin(self, builtin: Builtin) -> None:
        """Show ``builtin``'s fields at Gluon's defaults."""
        while self.layout_.rowCount():
            self.layout_.removeRow(0)  # deletes the row's widgets too
        self.editors = {}
        self.builtin = builtin
        self.summary = f"init.{builtin.name}: {builtin.summary}"  # the choice's tooltip
        for field in builtin.fields:
            editor = self._editor(field)
            editor.setToolTip(field.tip)
            editor.setObjectName(f"field_{field.name}")
            self.editors[field.name] = editor
            self.layout_.addRow(field.name, editor)
        if not builtin.fields:
            note = QLabel("no arguments", self)
            self.layout_.addRow(note)
            self.editors["_note"] = note

    def _editor(self, field: Field) -> QWidget:
        if field.choices:
            box = QComboBox(self)
            box.addItems(list(field.choices))
            box.setCurrentText(field.default)
            box.currentTextChanged.connect(self.changed)
            return box
        if field.text:
            line = QLineEdit(str(field.default), self)
            line.textChanged.connect(self.changed)
            return line
        spin = QDoubleSpinBox(self)
        spin.setDecimals(field.decimals)
        spin.setRange(field.low, field.high)
        spin.setSingleStep(0.01 if abs(field.default) < 1 else 0.5)
        spin.setValue(float(field.default))
        spin.valueChanged.connect(self.changed)
        return spin

    def set_value(self, name: str, value) -> None:
        """Set a field as a person would type it (tests, scripted demos)."""
        editor = self.editors[name]
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(value))
        elif isinstance(editor, QLineEdit):
            editor.setText(str(value))
        else:
            editor.setValue(float(value))

    def values(self) -> dict:
        """The arguments as typed (numbers as Python floats, or ints when whole)."""
        result = {}
        for field in self.builtin.fields:
            editor = self.editors[field.name]
            if isinstance(editor, QComboBox):
                result[field.name] = editor.currentText()
            elif isinstance(editor, QLineEdit):
                result[field.name] = editor.text()
            else:
                value = editor.value()
                result[field.name] = (
                    int(value) if value == int(value) and isinstance(field.default, int) else value
                )
        return result

    def initializer(self) -> init.Initializer:
        """The Initializer these fields describe (ValueError for an unusable Mixed)."""
        builtin = self.builtin
        values = self.values()
        if builtin.name == "Mixed":
            patterns = [p.strip() for p in values["patterns"].split(",") if p.strip()]
            names = [n.strip() for n in values["initializers"].split(",") if n.strip()]
            try:
                return init.Mixed(patterns, [init.create(n) for n in names])
            except AssertionError as exc:  # an unregistered name (MXNet's exception type)
                raise ValueError(str(exc)) from None
        return getattr(init, builtin.name)(**values)
