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

While training runs a panel redraws 30 times a second, in the GUI thread the
training worker shares the cores (and the GIL) with; there
:func:`live_statistics_and_image` reads each array for what the redraw draws
only: exact min and max, the exact max-|x| display image, and histogram bars
from a sample of at most :data:`LIVE_SAMPLE_LIMIT` values. Its result has no
sums (``has_sums`` False); the words a user reads come from a full pass made
at most twice a second, and everything is exact again when training pauses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..core.strided_sample import sample_step as strided_sample_step
from .array_display import (
    CHUNK,
    DisplayImage,
    MaxAbsPooler,
    as_display_image,
    display_steps,
    display_unit,
    downsample_max_abs,
    map_parts,
)

__all__ = [
    "TensorStatistics",
    "tensor_statistics",
    "statistics_and_image",
    "symmetric_level",
    "histogram_range",
    "sample_step",
    "HISTOGRAM_SAMPLE_LIMIT",
    "LIVE_SAMPLE_LIMIT",
    "live_statistics_and_image",
]

# Above this many values the histogram is drawn from a sample: ~1 M values give bar
# heights within ~1% of the full count for the ≤ 80 bins shown, at 1/16 of the cost.
HISTOGRAM_SAMPLE_LIMIT = 1 << 20
# While training runs (bars redrawn 30 times a second, read by nobody as numbers): a
# sample of 32 k to 64 k values keeps the bars within a few % and costs a quarter of
# the full count for a 256×784 weight.
LIVE_SAMPLE_LIMIT = 1 << 16


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
    positive_inf_count: int = 0
    zero_bin: int = -1  # the histogram bin holding exact zeros (-1: none counted)
    zero_bin_count: float = 0  # how much of that bin's count is exact zeros
    # False for a live redraw's statistics: mean, std, L2 norm and zero fraction are
    # NaN (not computed); min, max, the counts and the histogram are as documented.
    has_sums: bool = True

    @property
    def max_abs(self) -> float:
        return max(abs(self.min), abs(self.max)) if self.finite_count else 0.0

    @property
    def negative_inf_count(self) -> int:
        return self.inf_count - self.positive_inf_count

    def counts_without_zeros(self) -> np.ndarray:
        """The histogram's counts with the exact zeros taken out of their bin."""
        counts = np.asarray(self.counts, dtype=np.float64).copy()
        if 0 <= self.zero_bin < counts.size:
            counts[self.zero_bin] = max(0.0, counts[self.zero_bin] - self.zero_bin_count)
        return counts

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
    # Near the largest float the widened edge would overflow to Inf: stop at the largest.
    return max(low - half, -_FLOAT64_MAX), min(high + half, _FLOAT64_MAX)


_FLOAT64_MAX = float(np.finfo(np.float64).max)
# Chunks whose largest |x| lies in [2**-_SAFE_EXPONENT, 2**_SAFE_EXPONENT] are summed in
# their own dtype (fast: BLAS dot); others in float64 scaled by a power of two, so the
# squares of 65504 in float16, 3e38 in float32 or 1e308 in float64 neither overflow nor
# (for denormals) underflow to 0.
_SAFE_EXPONENT = {np.dtype(np.float32): 40, np.dtype(np.float64): 400}


def sample_step(shape: tuple, limit: int = HISTOGRAM_SAMPLE_LIMIT) -> int:
    """Every how many elements the histogram of an array of ``shape`` samples (1: all):
    at most ``limit`` of them, every column represented (see ``strided_sample``)."""
    return strided_sample_step(shape, limit)


# ------------------------------------------------------------------ the pass
@dataclass(frozen=True)
class _ChunkSums:
    """One chunk's sums, in units of ``2**exponent`` (squares in ``4**exponent``)."""

    low: float
    high: float
    count: int
    total: float
    sum_sq: float
    squared_deviation: float  # around this chunk's own mean
    zeros: int
    exponent: int = 0


def _chunk_sums(chunk: np.ndarray) -> _ChunkSums:
    """One chunk's sums; it is small enough to stay in cache for all of them."""
    count = chunk.size
    low, high = float(chunk.min()), float(chunk.max())
    zeros = int(np.count_nonzero(chunk == 0))  # float ==: -0.0 is a zero
    if not (math.isfinite(low) and math.isfinite(high)):
        # NaN/Inf make the sums meaningless; _finish recomputes them without those values.
        return _ChunkSums(low, high, count, math.nan, math.nan, math.nan, zeros)
    largest = max(abs(low), abs(high))
    exponent = math.frexp(largest)[1] if largest > 0 else 0
    limit = _SAFE_EXPONENT.get(chunk.dtype)
    if limit is not None and -limit <= exponent <= limit:
        exponent = 0
        values = chunk
    else:
        # 2**-exponent is exact: the scaled values keep every bit (tiny ones may round
        # to 0 next to a huge one, where they could not change a sum of squares anyway).
        values = np.ldexp(chunk.astype(np.float64), -exponent)
    total = float(values.sum(dtype=np.float64))
    deviation = values - values.dtype.type(total / count)
    return _ChunkSums(
        low,
        high,
        count,
        total,
        float(np.dot(values, values)),
        float(np.dot(deviation, deviation)),
        zeros,
        exponent,
    )


def _gather_sample(chunk: np.ndarray, start: int, step: int, sample: np.ndarray) -> None:
    """Copy the elements of ``chunk`` (flat offset ``start``) at multiples of ``step``."""
    first = (-start) % step
    picked = chunk[first::step]
    index = (start + first) // step
    sample[index : index + picked.size] = picked


def _combine(parts: list) -> tuple:
    """(low, high, count, mean, std, L2 norm, zeros) of all chunks.

    Every chunk's sums are brought to the largest chunk's power-of-two unit
    before they are added, and only the final mean, std and norm are scaled
    back: a norm beyond the largest float is Inf (it is), never a std or mean.
    """
    count = sum(p.count for p in parts)
    lows, highs = [p.low for p in parts], [p.high for p in parts]
    # Python's min/max skip a NaN depending on where it is; a NaN chunk must mark the whole.
    low = math.nan if any(map(math.isnan, lows)) else min(lows)
    high = math.nan if any(map(math.isnan, highs)) else max(highs)
    zeros = sum(p.zeros for p in parts)
    if not (math.isfinite(low) and math.isfinite(high)):
        return low, high, count, math.nan, math.nan, math.nan, zeros
    unit = max(p.exponent for p in parts)
    shifts = [p.exponent - unit for p in parts]  # ≤ 0: exact scalings down
    totals = [math.ldexp(p.total, k) for p, k in zip(parts, shifts)]
    mean = math.fsum(totals) / count
    # Chan et al.: each chunk's deviations around its own mean, plus its mean's offset.
    squared = math.fsum(
        math.ldexp(p.squared_deviation, 2 * k) + p.count * (t / p.count - mean) ** 2
        for p, k, t in zip(parts, shifts, totals)
    )
    sum_sq = math.fsum(math.ldexp(p.sum_sq, 2 * k) for p, k in zip(parts, shifts))
    # Rounding (1e15 + 0.1 is not exact) must not put the mean outside [min, max] or give a
    # constant a spread.
    mean = min(max(_scaled(mean, unit), low), high)
    std = 0.0 if low == high else _scaled(math.sqrt(squared / count), unit)
    return low, high, count, mean, std, _scaled(math.sqrt(sum_sq), unit), zeros


def _scaled(value: float, exponent: int) -> float:
    """``value * 2**exponent``, Inf where that is beyond the largest float."""
    try:
        return math.ldexp(value, exponent)
    except OverflowError:
        return math.copysign(math.inf, value)


def _flat_pass(flat: np.ndarray, step: int, sample: np.ndarray | None) -> list:
    def part(start):
        chunk = flat[start : start + CHUNK]
        if sample is not None:
            _gather_sample(chunk, start, step, sample)
        return _chunk_sums(chunk)

    return map_parts(part, range(0, flat.size, CHUNK), flat.size)


def _prepare(values: np.ndarray) -> np.ndarray:
    """``values`` as a C-contiguous float32/float64 array (a copy only when it must be).

    float16 is read as float32 (NumPy computes in float16 slowly and would
    overflow at 65504); integers and booleans as float64; complex values as
    their magnitude ``|z|`` (the panel says so).
    """
    array = np.asarray(values)
    if np.iscomplexobj(array):
        array = np.abs(array)
    if array.dtype == np.float16:
        array = array.astype(np.float32)
    elif array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)
    return np.ascontiguousarray(array)  # a parameter's buffer already is: no copy


def tensor_statistics(
    values: np.ndarray, bins: int | None = None, sample_limit: int = HISTOGRAM_SAMPLE_LIMIT
) -> TensorStatistics:
    """Statistics and histogram of ``values`` (any shape), without copying it when finite.

    The histogram covers a sample when there are more than ``sample_limit`` values.
    """
    array = _prepare(values)
    if array.size == 0:
        return _empty(values)
    flat = array.reshape(-1)
    step = sample_step(array.shape, sample_limit)
    sample = np.empty(math.ceil(flat.size / step), flat.dtype) if step > 1 else None
    parts = _flat_pass(flat, step, sample)
    return _finish(values, flat, parts, flat if sample is None else sample, step, bins)


def statistics_and_image(
    values: np.ndarray,
    max_side: int,
    bins: int | None = None,
    max_shape: tuple | None = None,
    sample_limit: int = HISTOGRAM_SAMPLE_LIMIT,
) -> tuple[TensorStatistics, DisplayImage]:
    """Statistics of a 2-D array and its max-|x| display image from one read of memory.

    Equal to ``tensor_statistics(values)`` and
    ``downsample_max_abs(values, max_side, max_shape=max_shape)``; bands of
    whole row groups are pooled while they are in cache for the statistics.
    ``max_shape``: the heatmap's pixels, so that it need not pool again.
    ``sample_limit``: as in :func:`tensor_statistics`.
    """
    array = _prepare(values)
    if array.ndim != 2:
        raise ValueError(f"statistics_and_image needs a 2-D array, not {array.ndim}-D")
    row_step, col_step = display_steps(array.shape, max_side, max_shape)
    if array.size == 0 or (row_step == 1 and col_step == 1):
        stats = tensor_statistics(values, bins, sample_limit)
        unit = display_unit(stats.max_abs)
        return stats, DisplayImage(as_display_image(array, unit), 1, 1, unit)
    rows, cols = array.shape
    flat = array.reshape(-1)
    step = sample_step(array.shape, sample_limit)
    sample = np.empty(math.ceil(flat.size / step), flat.dtype) if step > 1 else None
    pooler = MaxAbsPooler(array.shape, array.dtype, row_step, col_step)
    height = pooler.band_rows(cols, CHUNK)

    def part(start_row):
        band = array[start_row : start_row + height]
        pooler.add_band(start_row, band)
        chunk = band.reshape(-1)
        if sample is not None:
            _gather_sample(chunk, start_row * cols, step, sample)
        return _chunk_sums(chunk)

    parts = map_parts(part, range(0, rows, height), flat.size)
    stats = _finish(values, flat, parts, flat if sample is None else sample, step, bins)
    return stats, pooler.image(display_unit(stats.max_abs))


def live_statistics_and_image(
    values: np.ndarray, max_side: int, bins: int | None = None, max_shape: tuple | None = None
) -> tuple[TensorStatistics, DisplayImage]:
    """What one live redraw of a 2-D array draws (see the module docstring).

    Exact ``min``, ``max`` and display image (as :func:`statistics_and_image`
    gives them), the histogram of a sample of at most
    :data:`LIVE_SAMPLE_LIMIT` values, and no sums (``has_sums`` False). An
    array that small, or one holding NaN or Inf (whose counts the legend
    shows), gets :func:`statistics_and_image` with that sample limit instead.
    """
    array = _prepare(values)
    if array.ndim != 2:
        raise ValueError(f"live_statistics_and_image needs a 2-D array, not {array.ndim}-D")
    if array.size <= LIVE_SAMPLE_LIMIT:
        return statistics_and_image(values, max_side, bins, max_shape, LIVE_SAMPLE_LIMIT)
    low, high = float(array.min()), float(array.max())
    if not (math.isfinite(low) and math.isfinite(high)):
        return statistics_and_image(values, max_side, bins, max_shape, LIVE_SAMPLE_LIMIT)
    size = int(array.size)
    step = sample_step(array.shape, LIVE_SAMPLE_LIMIT)
    sample = array.reshape(-1)[::step]
    bins = bins or _bin_count(size)
    if high == low:
        bins |= 1  # as in _finish
    lo, hi = histogram_range(low, high)
    scale = size / sample.size  # the sample's counts, scaled to all values
    counts = _histogram(sample, lo, hi, bins) * scale
    zero_bin, zero_bin_count = -1, 0.0
    sample_zeros = int(np.count_nonzero(sample == 0))
    if sample_zeros:
        zero_bin = int(np.argmax(_histogram(np.zeros(1, sample.dtype), lo, hi, bins)))
        zero_bin_count = sample_zeros * scale
    display = downsample_max_abs(
        array, max_side, max_shape=max_shape, unit=display_unit(max(abs(low), abs(high)))
    )
    stats = TensorStatistics(
        shape=tuple(values.shape),
        dtype=str(values.dtype),
        size=size,
        mean=math.nan,
        std=math.nan,
        min=low,
        max=high,
        l2_norm=math.nan,
        zero_fraction=math.nan,
        nan_count=0,
        inf_count=0,
        finite_count=size,
        counts=counts,
        edges=_edges(lo, hi, bins),
        sample_step=step,
        zero_bin=zero_bin,
        zero_bin_count=zero_bin_count,
        has_sums=False,
    )
    return stats, display


def _finish(
    values, flat: np.ndarray, parts: list, sample: np.ndarray, step: int, bins: int | None
) -> TensorStatistics:
    shape, dtype, size = tuple(values.shape), str(values.dtype), int(values.size)
    low, high, count, mean, std, l2_norm, zeros = _combine(parts)
    nan_count = inf_count = positive_inf_count = 0
    if not (math.isfinite(low) and math.isfinite(high)):
        # Rare (a diverged model): count the non-finite values, then redo the numbers
        # over a copy of the finite ones.
        finite_mask = np.isfinite(flat)
        nan_count = int(np.count_nonzero(np.isnan(flat)))
        inf_count = size - nan_count - int(np.count_nonzero(finite_mask))
        positive_inf_count = int(np.count_nonzero(flat == np.inf)) if inf_count else 0
        flat = flat[finite_mask]
        sample = sample[np.isfinite(sample)] if step > 1 else flat
        if flat.size == 0 or sample.size == 0:
            return TensorStatistics(
                shape,
                dtype,
                size,
                *([math.nan] * 5),
                0.0,
                nan_count,
                inf_count,
                int(flat.size),
                np.zeros(0, np.int64),
                np.zeros(1),
                step,
                positive_inf_count,
            )
        low, high, count, mean, std, l2_norm, zeros = _combine(_flat_pass(flat, 1, None))
    bins = bins or _bin_count(count)
    if high == low:
        bins |= 1  # an odd count centres the middle bin on the single value
    lo, hi = histogram_range(low, high)
    counts = _histogram(sample, lo, hi, bins)
    zero_bin, zero_bin_count = -1, 0.0
    if zeros:
        zero_bin = int(np.argmax(_histogram(np.zeros(1, sample.dtype), lo, hi, bins)))
        zero_bin_count = float(zeros if step == 1 else np.count_nonzero(sample == 0))
    if step > 1:
        scale = count / sample.size  # the sample's counts, scaled to all values
        counts, zero_bin_count = counts * scale, zero_bin_count * scale
    return TensorStatistics(
        shape=shape,
        dtype=dtype,
        size=size,
        mean=mean,
        std=std,
        min=low,
        max=high,
        l2_norm=l2_norm,
        zero_fraction=zeros / size,
        nan_count=nan_count,
        inf_count=inf_count,
        finite_count=count,
        counts=counts,
        edges=_edges(lo, hi, bins),
        sample_step=step,
        positive_inf_count=positive_inf_count,
        zero_bin=zero_bin,
        zero_bin_count=zero_bin_count,
    )


def _edges(lo: float, hi: float, bins: int) -> np.ndarray:
    """``bins + 1`` equal steps from ``lo`` to ``hi``, finite even when ``hi - lo`` is not."""
    fraction = np.linspace(0.0, 1.0, bins + 1)
    edges = lo * (1.0 - fraction) + hi * fraction
    edges[0], edges[-1] = lo, hi
    return edges


def _histogram(values: np.ndarray, lo: float, hi: float, bins: int) -> np.ndarray:
    """Counts of finite ``values`` in ``bins`` equal bins over ``[lo, hi]``."""
    largest = max(abs(lo), abs(hi))
    exponent = math.frexp(largest)[1] if largest > 0 else 0
    limit = _SAFE_EXPONENT.get(values.dtype, 0)
    width = hi - lo
    typed = -limit <= exponent <= limit and math.isfinite(width) and math.frexp(width)[1] > -limit
    if typed:  # the fast path: the array's own dtype, no copy of a chunk beyond one
        typed_lo, typed_scale = values.dtype.type(lo), values.dtype.type(bins / width)
    else:  # huge or tiny values: float64 in units of 2**exponent, where nothing overflows
        scaled_lo = math.ldexp(lo, -exponent)
        scaled_scale = bins / (math.ldexp(hi, -exponent) - scaled_lo)

    def part(start):
        chunk = values[start : start + CHUNK]
        if typed:
            position = chunk - typed_lo
            position *= typed_scale
        else:
            position = np.ldexp(chunk.astype(np.float64), -exponent)
            position -= scaled_lo
            position *= scaled_scale
        # No clip: every value is >= lo, so no position is below 0 (and truncation
        # would take -0.9 to 0 anyway); rounding can put the maximum a hair past
        # ``bins``, which truncates to ``bins`` and is folded into the last bin below.
        return np.bincount(position.astype(np.intp), minlength=bins + 1)

    counts = np.zeros(bins + 1, np.int64)
    for c in map_parts(part, range(0, values.size, CHUNK), values.size):
        counts[: c.size] += c
    counts[bins - 1] += counts[bins:].sum()
    return counts[:bins]


def _empty(values) -> TensorStatistics:
    return TensorStatistics(
        tuple(values.shape),
        str(values.dtype),
        0,
        *([math.nan] * 5),
        0.0,
        0,
        0,
        0,
        np.zeros(0, np.int64),
        np.zeros(1),
    )
