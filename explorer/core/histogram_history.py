"""Histograms of one parameter over a run: snapshots taken every N steps.

The training worker calls :meth:`HistogramHistory.record` after each step; a
snapshot (counts over the values' own range) is kept every ``interval``
steps. :meth:`HistogramHistory.strip` puts them on one common value axis, a
(snapshots × bins) array the view draws as a heat strip (TensorBoard's
"offset" histograms, seen from above). Past ``MAX_SNAPSHOTS`` every other
snapshot is dropped and the interval doubles, so memory stays bounded.

The strip shows each snapshot's *shares* of values per bin, so a large array
is counted from a strided sample of at most :data:`SAMPLE_LIMIT` values (its
range is still the exact min and max): a 256×784 weight snapshotted every
10 steps cost the training worker 3 % of its time counted whole, under 1 %
sampled, and the shares differ by less than the strip's colours show.

A snapshot also keeps the values it was counted from (the copy ``record``
reads them into anyway), so the view's time slider can show the parameter as
it was at that step. Those copies are held within :data:`VALUES_BUDGET_BYTES`:
past it, every other older copy is given up (its histogram stays), and
:meth:`HistogramHistory.values_near` finds the nearest snapshot that has one.
A copy sits in a box shared by every list of snapshots that holds it (the
undo history keeps earlier lists): giving it up frees it for all of them, so
the budget bounds what the run holds, not only the current list.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as onp

from .strided_sample import sample_step

__all__ = ["HistogramHistory", "HistogramSnapshot", "snapshot_counts"]

BINS = 64
MAX_SNAPSHOTS = 1000
SAMPLE_LIMIT = 1 << 16  # values counted per snapshot (a strided sample beyond)
VALUES_BUDGET_BYTES = 32 << 20  # the snapshots' copies of the values, all together


class KeptValues:
    """A snapshot's copy of the values, in a box every copy of the snapshot shares."""

    __slots__ = ("array",)

    def __init__(self, array: onp.ndarray) -> None:
        self.array: onp.ndarray | None = array


@dataclass(frozen=True)
class HistogramSnapshot:
    step: int
    counts: onp.ndarray
    lo: float
    hi: float
    kept: KeptValues | None = None

    @property
    def values(self) -> onp.ndarray | None:
        """The parameter's values at ``step`` (None: not kept, or given up)."""
        return None if self.kept is None else self.kept.array


def snapshot_counts(
    values: onp.ndarray, bins: int = BINS, sample_limit: int = SAMPLE_LIMIT
) -> tuple:
    """``(counts, lo, hi)``: ``bins`` equal bins over the finite values' own range,
    counting at most ``sample_limit`` of them (every ``k``-th: see the module docstring).

    Runs on the training worker, inside a step (under the session's lock), so
    it is kept to a few passes over the array: the common case (every value
    finite, seen from min and max alone) skips the mask-and-copy, and the bin
    of each value is computed directly instead of by ``onp.histogram``, which
    took 1.6 ms for a 256×784 weight against 0.4 ms here. A value within a
    rounding error of an inner edge may land in the neighbouring bin; for a
    64-bin picture that is invisible. ``(None, 0, 0)`` when nothing is finite.
    """
    values = onp.asarray(values)
    shape = values.shape
    values = values.ravel()
    if not values.size:
        return None, 0.0, 0.0
    lo, hi = values.min(), values.max()
    if not (onp.isfinite(lo) and onp.isfinite(hi)):
        values = values[onp.isfinite(values)]
        if not values.size:
            return None, 0.0, 0.0
        lo, hi = values.min(), values.max()
        shape = values.shape
    values = values[:: sample_step(shape, sample_limit)]
    lo, hi = float(lo), float(hi)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    dtype = values.dtype if values.dtype.kind == "f" else onp.dtype(onp.float64)
    with onp.errstate(over="ignore"):
        if not onp.isfinite(dtype.type(hi - lo)):  # ±3e38 in float32: the span overflows
            dtype = onp.dtype(onp.float64)
    scale = onp.asarray(bins / (hi - lo), dtype)
    with onp.errstate(over="ignore", invalid="ignore"):
        shifted = onp.subtract(values, onp.asarray(lo, dtype), dtype=dtype)
        shifted *= scale
    # Every value is >= lo, so no index is negative; the maximum (and a value rounded
    # up to it) lands on index ``bins`` and is folded into the last bin, as in
    # onp.histogram. Folding the counts costs nothing; clipping the indices took a
    # fifth of the time.
    counts = onp.bincount(shifted.astype(onp.intp), minlength=bins + 1)
    counts[bins - 1] += counts[bins:].sum()
    return counts[:bins], lo, hi


class HistogramHistory:
    """Snapshots of one parameter's histogram (see the module docstring)."""

    def __init__(self, interval: int = 10) -> None:
        self.interval = max(1, int(interval))
        self.param = None
        self.path: str | None = None
        self.snapshots: list[HistogramSnapshot] = []
        self._held: list[KeptValues] = []  # every box still holding values, oldest first

    def watch(self, param, path: str | None) -> None:
        """Follow ``param`` from now on (a new parameter starts a new history)."""
        if param is not self.param:
            self.param, self.path = param, path
            self.snapshots = []

    def set_interval(self, steps: int) -> None:
        self.interval = max(1, int(steps))

    def record(self, step: int, force: bool = False) -> bool:
        """Take a snapshot at ``step`` if it is due (call under the session's lock)."""
        param = self.param
        if param is None or not param.is_initialized or (step % self.interval and not force):
            return False
        values = param.data().asnumpy()  # (a copy: the snapshot may keep it)
        counts, lo, hi = snapshot_counts(values)
        if counts is None:
            return False
        kept = None
        if values.nbytes <= VALUES_BUDGET_BYTES:
            kept = KeptValues(values)
            self._held.append(kept)
        self.snapshots.append(HistogramSnapshot(step, counts, lo, hi, kept))
        if len(self.snapshots) > MAX_SNAPSHOTS:
            dropped = self.snapshots[1::2]
            self.snapshots = self.snapshots[::2]
            self.interval *= 2
            for snap in dropped:
                if snap.kept is not None:
                    snap.kept.array = None
        self._keep_values_within_budget()
        return True

    def _keep_values_within_budget(self) -> None:
        held = [box for box in self._held if box.array is not None]
        total = sum(box.array.nbytes for box in held)
        while total > VALUES_BUDGET_BYTES and len(held) > 1:
            # every other older copy is given up; the newest always stays
            for box in held[:-1][::2]:
                total -= box.array.nbytes
                box.array = None
            held = [box for box in held if box.array is not None]
        self._held = held

    def values_near(self, index: int) -> tuple[int, onp.ndarray] | None:
        """``(step, values)`` of the snapshot nearest ``index`` that kept its values
        (the earlier one on a tie), or None when none did."""
        snapshots = list(self.snapshots)
        best = None
        for i, snap in enumerate(snapshots):
            if snap.values is not None and (best is None or abs(i - index) < abs(best - index)):
                best = i
        return None if best is None else (snapshots[best].step, snapshots[best].values)

    def strip(self, bins: int = BINS) -> tuple[onp.ndarray, onp.ndarray, onp.ndarray]:
        """``(image, steps, edges)``: densities per snapshot on a common value axis."""
        snaps = list(self.snapshots)
        if not snaps:
            return onp.zeros((0, bins)), onp.zeros(0, int), onp.linspace(-1, 1, bins + 1)
        lo = min(s.lo for s in snaps)
        hi = max(s.hi for s in snaps)
        edges = onp.linspace(lo, hi, bins + 1)
        image = onp.zeros((len(snaps), bins))
        for row, snap in enumerate(snaps):
            centres = onp.linspace(snap.lo, snap.hi, BINS * 2 + 1)[1::2]
            index = onp.clip(onp.searchsorted(edges, centres, side="right") - 1, 0, bins - 1)
            onp.add.at(image[row], index, snap.counts)
            image[row] /= max(1, image[row].sum())
        return image, onp.array([s.step for s in snaps]), edges
