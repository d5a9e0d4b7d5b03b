"""The initializer's spread as the histogram draws it: expected counts over the data's bins.

Pure NumPy (no Qt), so the shape of the dashed curve is tested on its own.
"""

from __future__ import annotations

import math

import numpy as np

from ..theory import TheoreticalSpread
from .array_statistics import TensorStatistics

__all__ = ["spread_curve"]


def spread_curve(stats: TensorStatistics, spread: TheoreticalSpread, x_range: tuple) -> tuple:
    """``(x, expected count)`` of ``spread`` over the bins of ``stats``; ``(None, None)``
    when the bins give no width to scale by. ``x_range``: the histogram's value range."""
    bin_width = float(stats.edges[1] - stats.edges[0])
    top = float(np.max(stats.counts)) if stats.counts.size else 1.0
    if spread.kind == "constant":
        return (np.array([spread.value, spread.value]), np.array([0.0, max(top, 1.0) * 1.04]))
    if not math.isfinite(bin_width) or bin_width <= 0:
        return None, None
    if _bins_coarser_than(spread, bin_width):
        # The histogram's bins are wide next to the spread (an outlier stretched the
        # range): draw the expected count of each bin, n × P(bin), as steps, since
        # a density scaled by the bin width would tower over the n values there are.
        edges = np.asarray(stats.edges, dtype=np.float64)
        expected = stats.finite_count * np.diff(spread.cdf(edges))
        return (np.repeat(edges, 2), np.concatenate([[0.0], np.repeat(expected, 2), [0.0]]))
    if spread.kind == "uniform":
        # Expected count per bin: n × P(bin) = n × width / (high - low).
        height = stats.finite_count * bin_width / (spread.high - spread.low)
        # A hair inside the bounds: the vertical sides survive clipping to the range.
        return (
            np.array([spread.low, spread.low, spread.high, spread.high]),
            np.array([0.0, height, height, 0.0]),
        )
    low, high = x_range
    x = np.linspace(low, high, 241)
    return x, stats.finite_count * bin_width * spread.density(x)


def _bins_coarser_than(spread: TheoreticalSpread, bin_width: float) -> bool:
    """Whether a bin is wider than a quarter of the spread's visible extent."""
    low, high = spread.extent()
    return bin_width > (high - low) / 4.0
