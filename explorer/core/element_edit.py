"""Editing one element of a parameter: what the user typed, and the code that does it.

Qt-free. The values grid hands the session a cell's index and the text typed
into it; :func:`parse_number` turns the text into a number or says why not,
and :func:`element_code` writes the line the code log shows
(``net[0].weight.data()[0, 0] = 42``).
"""

from __future__ import annotations

import math

__all__ = ["parse_number", "element_code", "number_literal", "index_text"]


def parse_number(text: str) -> float:
    """The number in ``text`` (``42``, ``-1.5e-3``, ``nan``, ``-inf``).

    Raises
    ------
    ValueError
        ``text`` is not one number; the message says what was typed.
    """
    stripped = text.strip()
    try:
        return float(stripped)
    except ValueError:
        shown = stripped if len(stripped) <= 40 else stripped[:37] + "…"
        raise ValueError(
            f"{shown!r} is not a number: type one such as 42, -0.5 or 1e-3 (nothing was changed)"
        ) from None


def number_literal(value: float) -> str:
    """``value`` as Python code that gives it back: ``42``, ``0.5``, ``float('nan')``."""
    if math.isnan(value):
        return "float('nan')"
    if math.isinf(value):
        return "float('inf')" if value > 0 else "-float('inf')"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def index_text(index: tuple) -> str:
    """``[0, 3]`` for the index ``(0, 3)``."""
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def element_code(path: str, index: tuple, value: float) -> str:
    """The engine line that writes ``value`` at ``index``: ``net[0].weight.data()[0, 0] = 42``."""
    return f"{path}.data(){index_text(index)} = {number_literal(value)}"
