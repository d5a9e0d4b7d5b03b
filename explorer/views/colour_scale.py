"""Which colour scale a heatmap uses for an array, and how the panel names it.

Pure Python, no Qt. Two scales:

* **diverging** (blue – white – red) centred on 0 at ``±max|x|``: for
  weights, gradients and updates, whose sign matters;
* **sequential** (dark to bright) over ``[min, max]``: for one-signed arrays
  such as BatchNorm's running variance, where a diverging scale would paint
  0.900 and 0.902 the same solid red.

``'auto'`` picks sequential for arrays whose values all have one sign (and
are not all 0), diverging otherwise. An array whose finite values are all
equal gets no scale at all: one colour and the note ``all values = 42``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .array_display import format_value

__all__ = ["ColourScale", "choose_colour_scale", "COLOUR_SCALE_MODES", "format_range"]

COLOUR_SCALE_MODES = ("auto", "diverging", "sequential")


@dataclass(frozen=True)
class ColourScale:
    """A colour scale for one array.

    Attributes
    ----------
    kind : {'diverging', 'sequential', 'constant', 'empty'}
        ``'constant'``: every finite value equals ``low`` (== ``high``);
        ``'empty'``: there is no finite value to colour.
    low, high : float
        The values at the two ends of the colour map.
    mode : {'auto', 'diverging', 'sequential'}
        What the user asked for (``kind`` is what that gave).
    """

    kind: str
    low: float
    high: float
    mode: str = "auto"

    @property
    def levels(self) -> tuple:
        """``(low, high)``: the values at the colour map's ends (see :meth:`image_levels`)."""
        return self.image_levels(1.0)

    def image_levels(self, unit: float = 1.0) -> tuple:
        """The levels of an image holding ``values / unit``.

        A constant sits in the middle of its map (computed in the image's unit,
        so that a constant near the largest float has finite levels).
        """
        if self.kind == "constant":
            centre = self.low / unit
            half = abs(centre) / 2 if centre != 0 else 1.0
            return centre - half, centre + half
        if self.kind == "empty" or not self.high > self.low:
            return -1.0, 1.0
        return self.low / unit, self.high / unit

    @property
    def has_bar(self) -> bool:
        """Whether a colour bar means anything (not for one value or none)."""
        return self.kind in ("diverging", "sequential")

    def describe(self) -> str:
        """What the panel's title says: ``'colours ±0.05 (diverging)'``."""
        if self.kind == "constant":
            return f"all values = {format_value(self.low)}"
        if self.kind == "empty":
            return "no finite values to colour"
        if self.kind == "diverging":
            return f"colours ±{format_value(self.high)} (diverging)"
        return f"colours {format_range(self.low, self.high)} (sequential)"


def format_range(low: float, high: float) -> str:
    """``'0.900 … 0.902'``: enough digits that the two ends differ."""
    if low == high or not (math.isfinite(low) and math.isfinite(high)):
        return f"{format_value(low)} … {format_value(high)}"
    span = abs(high - low)
    magnitude = max(abs(low), abs(high))
    # Digits needed to see the span at the magnitude of the values, 4 at least.
    digits = max(4, min(15, 2 + math.ceil(math.log10(magnitude / span)))) if magnitude else 4
    if 1e-3 <= magnitude < 1e5:
        decimals = max(0, digits - 1 - math.floor(math.log10(magnitude)))
        return f"{low:.{decimals}f} … {high:.{decimals}f}"
    return f"{low:.{digits - 1}e} … {high:.{digits - 1}e}"


def choose_colour_scale(
    low: float, high: float, finite_count: int, mode: str = "auto"
) -> ColourScale:
    """The scale for finite values spanning ``[low, high]`` (``finite_count`` of them).

    Parameters
    ----------
    mode : {'auto', 'diverging', 'sequential'}
        ``'auto'``: sequential when all values have one sign, else diverging.
    """
    if mode not in COLOUR_SCALE_MODES:
        raise ValueError(f"Unknown colour scale {mode!r}; choose one of {COLOUR_SCALE_MODES}")
    if not finite_count or not (math.isfinite(low) and math.isfinite(high)):
        return ColourScale("empty", math.nan, math.nan, mode)
    if low == high:
        return ColourScale("constant", low, high, mode)
    one_signed = low >= 0 or high <= 0
    if mode == "sequential" or (mode == "auto" and one_signed):
        return ColourScale("sequential", low, high, mode)
    largest = max(abs(low), abs(high))
    return ColourScale("diverging", -largest, largest, mode)
