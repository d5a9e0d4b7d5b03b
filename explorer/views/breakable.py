"""Break opportunities (zero-width spaces) inside long words, for labels that wrap.

A QLabel wraps only between words, so in a narrow column at a large text size a
long word is cut off at the column's edge: "SoftmaxCrossEntropyLo" in the
Gradient title at 32 pt. Here such a word may break where a reader would
(between the parts of a CamelCase name, after ``_`` or ``(``), and a part
still longer than :data:`LONGEST_PART` anywhere; where it fits, nothing
changes.
"""

from __future__ import annotations

import re

__all__ = ["breakable", "LONGEST_PART"]

ZERO_WIDTH_SPACE = "\u200b"
LONGEST_PART = 12

_PART_END = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[_(/.])(?=\w)")


def breakable(text: str, longest: int = LONGEST_PART) -> str:
    """``text`` with break opportunities inside its words longer than ``longest``."""
    return "".join(
        _break_word(word, longest) if len(word) > longest else word
        for word in re.split(r"(\s+)", text)
    )


def _break_word(word: str, longest: int) -> str:
    parts = []
    for part in _PART_END.split(word):
        chunks = [part[i : i + longest] for i in range(0, len(part), longest)]
        if len(chunks) > 1 and len(chunks[-1]) < 4:  # no line of its own for "m',"
            chunks[-2:] = [chunks[-2] + chunks[-1]]
        parts.extend(chunks)
    return ZERO_WIDTH_SPACE.join(parts)
