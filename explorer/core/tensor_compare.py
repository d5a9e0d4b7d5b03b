"""Comparing two arrays of one shape: the difference and what it amounts to.

Qt-free. The compare view pins a snapshot of a parameter and shows
``current − pinned`` after an edit, an initialization or a training step, or
the difference between two parameters of the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Difference", "difference"]


@dataclass(frozen=True)
class Difference:
    """``a − b`` and its summary numbers.

    Attributes
    ----------
    values : numpy.ndarray
        ``a − b`` (float64; NaN where either side is NaN).
    changed : int
        Elements that differ (NaN against NaN counts as unchanged).
    size : int
    max_abs : float
        Largest ``|a − b|`` over finite differences (0 when none).
    norm : float
        ``‖a − b‖₂`` over finite differences.
    relative : float
        ``‖a − b‖ / ‖b‖`` (inf when ``b`` is all 0 and something changed).
    """

    values: np.ndarray
    changed: int
    size: int
    max_abs: float
    norm: float
    relative: float

    def describe(self) -> str:
        """``'3 of 64 elements changed · max |Δ| 42 · ‖Δ‖ 42.01 (12.5 % of ‖pinned‖)'``."""
        if self.changed == 0:
            return f"No element changed (all {self.size:,} equal)"
        relative = "" if not np.isfinite(self.relative) else f" ({self.relative:.3g}× of ‖b‖)"
        return (
            f"{self.changed:,} of {self.size:,} elements changed · max |Δ| "
            f"{self.max_abs:.4g} · ‖Δ‖ {self.norm:.4g}{relative}"
        )


def difference(a: np.ndarray, b: np.ndarray) -> Difference:
    """``a − b`` for two arrays of the same shape.

    Raises
    ------
    ValueError
        The shapes differ.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"Cannot compare shapes {a.shape} and {b.shape}: they differ")
    with np.errstate(invalid="ignore", over="ignore"):
        values = a - b
        both_nan = np.isnan(a) & np.isnan(b)
        same = (a == b) | both_nan
        finite = values[np.isfinite(values)]
        base = b[np.isfinite(b)]
    changed = int(values.size - np.count_nonzero(same))
    max_abs = float(np.abs(finite).max()) if finite.size else 0.0
    norm = float(np.linalg.norm(finite)) if finite.size else 0.0
    base_norm = float(np.linalg.norm(base)) if base.size else 0.0
    relative = norm / base_norm if base_norm else (float("inf") if norm else 0.0)
    return Difference(values, changed, int(values.size), max_abs, norm, relative)
