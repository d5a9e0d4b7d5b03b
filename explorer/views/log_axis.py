"""A log-scale axis whose labels never pile up and never vanish.

pyqtgraph labels a log axis's minor ticks (0.09, 0.08, ... 0.02) once a range
spans about one decade, and they squeeze into the top of each decade until
they overprint; over less than a decade it may label nothing at all (the
depth profile's "Gradient std" had a bare axis). This axis labels powers of
ten when the view spans two or more, else the 1-2-5 steps inside it, and
always at least two values.
"""

from __future__ import annotations

import math

import pyqtgraph as pg

__all__ = ["LogAxisItem", "log_tick_values"]

STEPS = (1.0, 2.0, 5.0)
FINE_STEPS = tuple(float(step) for step in range(1, 10))


def log_tick_values(low: float, high: float) -> list[float]:
    """Tick positions (log10 of the values) for a view from ``low`` to ``high`` (log10).

    Powers of ten when two or more lie in view, else the 1-2-5 values in view,
    else 1, 2, ... 9 in view, else the two ends of the view.
    """
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return []
    decades = [float(k) for k in range(math.ceil(low), math.floor(high) + 1)]
    if len(decades) >= 2:
        stride = max(1, math.ceil(len(decades) / 8))  # at most about eight labels
        return decades[::stride]
    for steps in (STEPS, FINE_STEPS):
        values = [
            math.log10(step) + k
            for k in range(math.floor(low) - 1, math.ceil(high) + 1)
            for step in steps
        ]
        inside = [v for v in values if low <= v <= high]
        if len(inside) >= 2:
            return inside
    return [low, high]


class LogAxisItem(pg.AxisItem):
    """An axis for a plot in log mode (``setLogMode(y=True)``), labelled by
    :func:`log_tick_values`."""

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 - pyqtgraph's name
        if not self.logMode:
            return super().tickValues(minVal, maxVal, size)
        low, high = sorted((minVal, maxVal))
        return [(1.0, log_tick_values(low, high))]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph's name
        if not self.logMode:
            return super().tickStrings(values, scale, spacing)
        return [f"{10.0**v:.3g}" for v in values]
