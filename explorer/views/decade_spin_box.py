"""``DecadeSpinBox``: a number box for settings that span decades (learning rate, weight decay).

A fixed-decimals ``QDoubleSpinBox`` showed a learning rate of 1e-6 as
``0.00000`` and one of 1e45 set from the console as ``100000.00000`` (its
maximum): both untrue. This box shows the value as Python prints it
(``1e-06``, ``0.003``, ``1e+45``), keeps every digit typed, and its arrows
step along 1, 2, 5, 10, 20, 50, ... as learning rates are usually tried.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSize
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox

__all__ = ["DecadeSpinBox", "next_125", "short_text"]

MANTISSAS = (1.0, 2.0, 5.0)
# QDoubleSpinBox rounds every value to its decimals; this many keeps any double as it is.
ALL_DECIMALS = 323
MAX_TEXT = 64  # characters: a longer text is no number a learner means
USUAL_TEXT = "0.00001"  # what the box is sized for (a longer value scrolls in it)


def short_text(value: float) -> str:
    """The shortest text that reads back as ``value`` (``repr``), without a bare ``.0``."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def next_125(value: float, steps: int, smallest: float) -> float:
    """``value`` moved ``steps`` places along 1-2-5 per decade (from 0: ``smallest``)."""
    for _ in range(abs(steps)):
        up = steps > 0
        if value <= 0:
            value = smallest if up else 0.0
            continue
        exponent = math.floor(math.log10(value))
        decades = (exponent - 1, exponent, exponent + 1)
        candidates = [m * 10.0**e for e in decades for m in MANTISSAS]
        if up:
            value = min(c for c in candidates if c > value * (1 + 1e-9))
        else:
            lower = [c for c in candidates if c < value * (1 - 1e-9)]
            value = max(lower) if lower and value > smallest * (1 + 1e-9) else 0.0
    return value


class DecadeSpinBox(QDoubleSpinBox):
    """A ``QDoubleSpinBox`` showing values as Python prints them (see the module docstring)."""

    def __init__(
        self,
        minimum: float,
        maximum: float,
        value: float,
        smallest: float = 1e-6,
        linear_step: float | None = None,
    ) -> None:
        """``smallest``: where the arrows go from 0; ``linear_step``: step evenly by it
        instead of 1-2-5 (momentum: 0.85, 0.9, 0.95)."""
        super().__init__()
        self._smallest = smallest
        self._linear_step = linear_step
        self.setDecimals(ALL_DECIMALS)
        self.setRange(minimum, maximum)
        self.setValue(value)
        self.setToolTip(
            "Type any number (1e-4, 0.003, 3e-5) or step along 1, 2, 5 per decade with the arrows."
        )

    # Qt sizes a spin box for the text of its maximum ("1.7976931348623157e+308"):
    # sized instead for a usual value, so the box fits a narrow dock.
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self._usual_size(super().sizeHint())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self._usual_size(super().minimumSizeHint())

    def _usual_size(self, hint: QSize) -> QSize:
        metrics = self.fontMetrics()
        longest = max(  # (Qt measures the first 18 characters of each)
            metrics.horizontalAdvance(self.textFromValue(v)[:18])
            for v in (self.minimum(), self.maximum())
        )
        return QSize(hint.width() - longest + metrics.horizontalAdvance(USUAL_TEXT), hint.height())

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt's name
        return short_text(value)

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt's name
        try:
            return float(text.strip())
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        stripped = text.strip()
        if len(stripped) > MAX_TEXT:
            return QValidator.State.Invalid, text, pos
        try:
            value = float(stripped)
        except ValueError:
            # A number being typed ("", "1e", "1e-", "."): wait; anything else: refuse.
            plausible = all(c in "0123456789.eE+-" for c in stripped)
            return (
                QValidator.State.Intermediate if plausible else QValidator.State.Invalid,
                text,
                pos,
            )
        if not math.isfinite(value) or not self.minimum() <= value <= self.maximum():
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Acceptable, text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt's name
        if self._linear_step is None:
            value = next_125(self.value(), steps, self._smallest)
        else:  # (rounded: 0.9 + 0.05 is 0.9500000000000001 in binary)
            value = round(self.value() + steps * self._linear_step, 10)
        self.setValue(min(max(value, self.minimum()), self.maximum()))
        self.selectAll()
