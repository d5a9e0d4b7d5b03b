"""The numbers under a heatmap: exact statistics and a histogram of one array.

Pure NumPy, no Qt. One chunked pass over the values (threads for large
arrays) computes min, max, sum, sum of squares, zero count and each chunk's
squared deviations from its own mean (combined exactly, so the variance has no
cancellation even with a large mean). The same pass gathers the histogram's
sample and, in :func:`statistics_and_image`, pools the heatmap's display
image, so a 4096×4096 weight is read from memory once.

What a user reads stays exact: mean, std, min, max, L2 norm, zeros, NaN and
Inf cover every element. Only the histogram of an array larger than
:data:`HISTOGRAM_SAMPLE_LIMIT` is drawn from a deterministic strided sample
(every ``k``-th element), its counts scaled to the whole population, and its
caption says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .array_display import CHUNK, DisplayImage, MaxAbsPooler, display_steps, map_parts

__all__ = ["TensorStatistics", "tensor_statistics", "statistics_and_image",
           "symmetric_level", "histogram_range", "sample_step", "HISTOGRAM_SAMPLE_LIMIT"]

# Above this many values the histogram is drawn from a sample: ~1 M values give bar
# heights within ~1% of the full count for the ≤ 80 bins shown, at 1/16 of the cost.
HISTOGRAM_SAMPLE_LIMIT = 1 << 20


@dataclass(frozen=True)
class TensorStatistics:
    """Summary numbers and the histogram of one array.

    ``mean``, ``std``, ``min``, ``max``, ``l2_norm`` and the histogram cover the
    finite elements only (``finite_count`` of them); ``nan_count`` and
    ``inf_count`` say how many were left out. ``counts`` are exact integers
    when ``sample_step`` is 1; otherwise they are the counts of every
    ``sample_step``-th element scaled to ``finite_count`` (floats).
    """

    shape: tuple
    dtype: str
    size: int
    mean: float
    std: float
    min: float
    max: float
    l2_norm: float
    zero_fraction: float
    nan_count: int
    inf_count: int
    finite_count: int
    counts: np.ndarray
    edges: np.ndarray
    sample_step: int = 1

    @property
    def max_abs(self) -> float:
        return max(abs(self.min), abs(self.max)) if self.finite_count else 0.0

    @property
    def is_sampled(self) -> bool:
        """Whether the histogram was drawn from a sample (the numbers never are)."""
        return self.sample_step > 1


def symmetric_level(stats: TensorStatistics) -> float:
    """Half-width of colour levels ``±m`` centred on 0 (1 when all values are 0)."""
    m = stats.max_abs
    return m if m > 0 and math.isfinite(m) else 1.0


def _bin_count(size: int) -> int:
    return int(min(80, max(8, round(math.sqrt(size)))))


def histogram_range(low: float, high: float) -> tuple:
    """Bin range: ``[low, high]``, widened around a single repeated value."""
    if high > low:
        return low, high
    half = abs(low) * 0.5 if low != 0 else 0.5
    return low - half, high + half


def sample_step(shape: tuple) -> int:
    """Every how many elements the histogram of an array of ``shape`` samples (1: all).

    The step is made coprime with the size of a row (all axes but the first),
    so successive rows are sampled at shifted positions and every column is
    represented: a step of 16 in 4096-wide rows would only ever see columns
    0, 16, 32, ...
    """
    size = math.prod(shape)
    step = max(1, math.ceil(size / HISTOGRAM_SAMPLE_LIMIT))
    row_length = size // shape[0] if len(shape) >= 2 and shape[0] else 1
    while step > 1 and math.gcd(step, row_length) != 1:
        step += 1
    return step


# ------------------------------------------------------------------ the pass
@dataclass(frozen=True)
class _ChunkSums:
    low: float
    high: float
    count: int
    total: float
    sum_sq: float
    squared_deviation: float  # around this chunk's own mean
    zeros: int


def _chunk_sums(chunk: np.ndarray) -> _ChunkSums:
    """One chunk's sums; it is small enough to stay in cache for all of them."""
    count = chunk.size
    # NaN/Inf make these sums meaningless (inf - inf); _finish recomputes without them.
    with np.errstate(invalid="ignore", over="ignore"):
        total = float(chunk.sum())
        deviation = chunk - chunk.dtype.type(total / count)
        return _ChunkSums(float(chunk.min()), float(chunk.max()), count, total,
                          float(np.dot(chunk, chunk)), float(np.dot(deviation, deviation)),
                          int(np.count_nonzero(chunk == 0)))  # float ==: -0.0 is a zero


def _gather_sample(chunk: np.ndarray, start: int, step: int, sample: np.ndarray) -> None:
    """Copy the elements of ``chunk`` (flat offset ``start``) at multiples of ``step``."""
    first = (-start) % step
    picked = chunk[first::step]
    index = (start + first) // step
    sample[index:index + picked.size] = picked


def _combine(parts: list) -> tuple:
    """(low, high, count, mean, squared deviation, sum of squares, zeros) of all chunks."""
    count = sum(p.count for p in parts)
    mean = math.fsum(p.total for p in parts) / count
    # Chan et al.: each chunk's deviations around its own mean, plus its mean's offset.
    squared = math.fsum(p.squared_deviation + p.count * (p.total / p.count - mean) ** 2
                        for p in parts)
    lows, highs = [p.low for p in parts], [p.high for p in parts]
    # Python's min/max skip a NaN depending on where it is; a NaN chunk must mark the whole.
    low = math.nan if any(map(math.isnan, lows)) else min(lows)
    high = math.nan if any(map(math.isnan, highs)) else max(highs)
    return (low, high, count, mean, squared, math.fsum(p.sum_sq for p in parts),
            sum(p.zeros for p in parts))


def _flat_pass(flat: np.ndarray, step: int, sample: np.ndarray | None) -> list:
    def part(start):
        chunk = flat[start:start + CHUNK]
        if sample is not None:
            _gather_sample(chunk, start, step, sample)
        return _chunk_sums(chunk)

    return map_parts(part, range(0, flat.size, CHUNK), flat.size)


def _prepare(values: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(values)  # a parameter's buffer already is: no copy
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float64)
    return array


def tensor_statistics(values: np.ndarray, bins: int | None = None) -> TensorStatistics:
    """Statistics and histogram of ``values`` (any shape), without copying it when finite."""
    array = _prepare(values)
    if array.size == 0:
        return _empty(values)
    flat = array.reshape(-1)
    step = sample_step(array.shape)
    sample = np.empty(math.ceil(flat.size / step), flat.dtype) if step > 1 else None
    parts = _flat_pass(flat, step, sample)
    return _finish(values, flat, parts, flat if sample is None else sample, step, bins)


def statistics_and_image(values: np.ndarray, max_side: int,
                         bins: int | None = None) -> tuple[TensorStatistics, DisplayImage]:
    """Statistics of a 2-D array and its max-|x| display image from one read of memory.

    Equal to ``tensor_statistics(values)`` and
    ``downsample_max_abs(values, max_side)``; bands of whole row groups are
    pooled while they are in cache for the statistics.
    """
    array = _prepare(values)
    if array.ndim != 2:
        raise ValueError(f"statistics_and_image needs a 2-D array, not {array.ndim}-D")
    row_step, col_step = display_steps(array.shape, max_side)
    if array.size == 0 or (row_step == 1 and col_step == 1):
        return (tensor_statistics(values, bins),
                DisplayImage(np.ascontiguousarray(array, dtype=np.float32), 1, 1))
    rows, cols = array.shape
    flat = array.reshape(-1)
    step = sample_step(array.shape)
    sample = np.empty(math.ceil(flat.size / step), flat.dtype) if step > 1 else None
    pooler = MaxAbsPooler(array.shape, array.dtype, row_step, col_step)
    height = pooler.band_rows(cols, CHUNK)

    def part(start_row):
        band = array[start_row:start_row + height]
        pooler.add_band(start_row, band)
        chunk = band.reshape(-1)
        if sample is not None:
            _gather_sample(chunk, start_row * cols, step, sample)
        return _chunk_sums(chunk)

    parts = map_parts(part, range(0, rows, height), flat.size)
    stats = _finish(values, flat, parts, flat if sample is None else sample, step, bins)
    return stats, pooler.image()


def _finish(values, flat: np.ndarray, parts: list, sample: np.ndarray, step: int,
            bins: int | None) -> TensorStatistics:
    shape, dtype, size = tuple(values.shape), str(values.dtype), int(values.size)
    low, high, count, mean, squared, sum_sq, zeros = _combine(parts)
    nan_count = inf_count = 0
    if not (math.isfinite(low) and math.isfinite(high)):
        # Rare (a diverged model): count the non-finite values, then redo the numbers
        # over a copy of the finite ones.
        finite_mask = np.isfinite(flat)
        nan_count = int(np.count_nonzero(np.isnan(flat)))
        inf_count = size - nan_count - int(np.count_nonzero(finite_mask))
        flat = flat[finite_mask]
        sample = sample[np.isfinite(sample)] if step > 1 else flat
        if flat.size == 0 or sample.size == 0:
            return TensorStatistics(shape, dtype, size, *([math.nan] * 5), 0.0, nan_count,
                                    inf_count, int(flat.size), np.zeros(0, np.int64),
                                    np.zeros(1), step)
        low, high, count, mean, squared, sum_sq, zeros = _combine(_flat_pass(flat, 1, None))
    bins = bins or _bin_count(count)
    if high == low:
        bins |= 1  # an odd count centres the middle bin on the single value
    lo, hi = histogram_range(low, high)
    counts = _histogram(sample, lo, hi, bins)
    if step > 1:
        counts = counts * (count / sample.size)  # the sample's counts, scaled to all values
    return TensorStatistics(
        shape=shape, dtype=dtype, size=size, mean=mean, std=math.sqrt(squared / count),
        min=low, max=high, l2_norm=math.sqrt(sum_sq), zero_fraction=zeros / size,
        nan_count=nan_count, inf_count=inf_count, finite_count=count, counts=counts,
        edges=np.linspace(lo, hi, bins + 1), sample_step=step)


def _histogram(values: np.ndarray, lo: float, hi: float, bins: int) -> np.ndarray:
    """Counts of finite ``values`` in ``bins`` equal bins over ``[lo, hi]``."""
    typed_lo, typed_scale = values.dtype.type(lo), values.dtype.type(bins / (hi - lo))

    def part(start):
        position = values[start:start + CHUNK] - typed_lo
        position *= typed_scale
        # Truncation toward zero keeps tiny negative rounding in bin 0; the maximum
        # lands on index ``bins`` and is folded into the last bin below.
        return np.bincount(position.astype(np.intp), minlength=bins + 1)

    counts = np.zeros(bins + 1, np.int64)
    for c in map_parts(part, range(0, values.size, CHUNK), values.size):
        counts[:c.size] += c
    counts[bins - 1] += counts[bins:].sum()
    return counts[:bins]


def _empty(values) -> TensorStatistics:
    return TensorStatistics(tuple(values.shape), str(values.dtype), 0, *([math.nan] * 5), 0.0,
                            0, 0, 0, np.zeros(0, np.int64), np.zeros(1))
