"""The statistics table under a histogram: mean, std, min, max, norm, zeros, NaN, Inf, shape.

Rich text for a ``QLabel``, as many label/value pairs per row as fit the
label's width (measured), each value under its name when even one pair
does not fit.
"""

from __future__ import annotations

import html

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel

from .array_display import format_value
from .array_statistics import TensorStatistics
from .plot_style import theory_colour

__all__ = ["statistics_rows", "statistics_html"]


def statistics_rows(stats: TensorStatistics) -> list:
    """Label/value pairs in reading order, three rows of up to four pairs."""
    zeros = f"{100.0 * stats.zero_fraction:.1f}%"
    if 0 < stats.zero_fraction < 0.001:
        zeros = "<0.1%"
    shape = (
        "(" + ", ".join(str(d) for d in stats.shape) + ("," if len(stats.shape) == 1 else "") + ")"
    )
    return [
        [
            ("mean", format_value(stats.mean)),
            ("std", format_value(stats.std)),
            ("min", format_value(stats.min)),
            ("max", format_value(stats.max)),
        ],
        [
            ("L2 norm", format_value(stats.l2_norm)),
            ("zeros", zeros),
            ("NaN", f"{stats.nan_count:,}"),
            ("Inf", f"{stats.inf_count:,}"),
        ],
        [("shape", shape), ("dtype", stats.dtype), ("elements", f"{stats.size:,}")],
    ]


def _pairs_per_row(stats: TensorStatistics, label: QLabel, fallback_width: int) -> int:
    """As many label/value pairs per row as fit the table's width (1 to 4), measured."""
    metrics = label.fontMetrics()
    pairs = [pair for row in statistics_rows(stats) for pair in row]
    width = label.width() or fallback_width  # before the first layout
    for per_row in (4, 3, 2):
        rows = (
            statistics_rows(stats)
            if per_row == 4
            else [pairs[i : i + per_row] for i in range(0, len(pairs), per_row)]
        )
        needed = 0
        for column in range(per_row):
            cells = [row[column] for row in rows if column < len(row)]
            # The cells' padding (4 + 14 px) and a margin for bold values.
            needed += (
                max(metrics.horizontalAdvance(n) for n, _ in cells)
                + max(metrics.horizontalAdvance(v) for _, v in cells)
                + 4
                + 14
                + 4
            )
        if needed <= width:
            return per_row
    return 1


def statistics_html(
    stats: TensorStatistics, label: QLabel, palette: QPalette, fallback_width: int
) -> str:
    """The table for ``stats`` in ``label`` (``fallback_width``: its width before a layout)."""
    dim = palette.color(palette.ColorRole.PlaceholderText).name()
    warn = theory_colour(palette).name()
    pairs = [pair for row in statistics_rows(stats) for pair in row]
    per_row = _pairs_per_row(stats, label, fallback_width)
    rows = [pairs[i : i + per_row] for i in range(0, len(pairs), per_row)]
    if per_row == 4:
        rows = statistics_rows(stats)  # the designed grouping: numbers, health, shape
    # Too narrow for a name and its value side by side (large text, a narrow column):
    # each value under its name, rather than cut off at the panel's edge.
    stacked = per_row == 1 and not _pair_fits(pairs, label)
    cells = []
    for row in rows:
        parts = []
        for name, value in row:
            alarming = name in ("NaN", "Inf") and value != "0"
            shown = (
                f"<b style='color:{warn}'>{html.escape(value)}</b>"
                if alarming
                else html.escape(value)
            )
            if stacked:
                parts.append(
                    f"<td style='color:{dim}'>{name}</td></tr><tr>"
                    f"<td style='padding-left:12px'>{shown}</td>"
                )
            else:
                parts.append(
                    f"<td style='color:{dim}; padding-right:4px'>{name}</td>"
                    f"<td style='padding-right:14px'>{shown}</td>"
                )
        cells.append("<tr>" + "".join(parts) + "</tr>")
    return "<table cellspacing='0'>" + "".join(cells) + "</table>"


def _pair_fits(pairs: list, label: QLabel) -> bool:
    metrics = label.fontMetrics()
    name = max(metrics.horizontalAdvance(n) for n, _ in pairs)
    value = max(metrics.horizontalAdvance(v) for _, v in pairs)
    return name + value + 4 + 14 + 8 <= label.width()
