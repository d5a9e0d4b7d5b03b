"""How an N-D parameter becomes a 2-D picture, a smaller picture, and a few numbers.

Pure NumPy, no Qt: the tensor view's heatmap and histogram panels draw what
this module computes, and tests check it without a display.

* :func:`picture_of` chooses the 2-D *source* of the heatmap: the matrix
  itself, a 1-row strip for a vector, a tiled mosaic of a conv kernel, or a
  2-D slice through an N-D array; :meth:`Picture.index_of` maps a source
  pixel back to the index in the original array.
* :func:`downsample_max_abs` shrinks a large source for display.
* :func:`tensor_statistics` computes the statistics and the histogram in two
  chunked passes over the values (threads for large arrays).
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "ViewChoice", "Picture", "picture_of", "mosaic_is_possible", "DisplayImage",
    "downsample_max_abs", "TensorStatistics", "tensor_statistics", "symmetric_level",
    "format_index", "format_value",
]

# Above this many pixels a mosaic (with its 1-px gaps) is not offered by default.
MOSAIC_MAX_PIXELS = 4096 * 4096
# Chunk of a flat array processed at once: 256 K float32 (1 MiB) stays in cache.
_CHUNK = 1 << 18
# Arrays smaller than this are processed in one call (threads cost more than they save).
_PARALLEL_MIN_SIZE = 1 << 21

_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    """A small shared pool: NumPy releases the GIL inside reductions and ufuncs."""
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)),
                                       thread_name_prefix="tensor-stats")
    return _executor


def _map_chunks(function, flat: np.ndarray, chunk: int = _CHUNK) -> list:
    chunks = [flat[i:i + chunk] for i in range(0, flat.size, chunk)]
    if flat.size < _PARALLEL_MIN_SIZE:
        return [function(c) for c in chunks]
    return list(_pool().map(function, chunks))


# ----------------------------------------------------------------- the picture
@dataclass(frozen=True)
class ViewChoice:
    """How the user wants an N-D (≥ 3-D) array laid out.

    Parameters
    ----------
    mode : {'mosaic', 'slice'}
        ``'mosaic'``: tiles of the last two axes (3-D ``(a, b, k)`` as ``a × b``
        tiles of ``1 × k``; 4-D ``(out, in, kh, kw)`` as ``out × in`` tiles of
        ``kh × kw``). ``'slice'``: ``row_axis`` × ``col_axis`` with the other
        axes fixed at ``fixed[axis]``.
    """

    mode: str = "mosaic"
    row_axis: int = 0
    col_axis: int = 1
    fixed: tuple = ()


@dataclass
class Picture:
    """The 2-D source of a heatmap and how its pixels map back to the array.

    Attributes
    ----------
    source : ndarray
        2-D; rows top to bottom, columns left to right on screen. May be a
        view of the parameter's buffer (never written to).
    mode : {'scalar', 'strip', 'matrix', 'mosaic', 'slice'}
    shape : tuple
        The original array's shape.
    row_title, col_title : str
        Axis titles for the heatmap.
    tile : tuple of int or None
        ``(tile_rows, tile_cols)`` of a mosaic, gaps excluded.
    """

    source: np.ndarray
    mode: str
    shape: tuple
    row_title: str
    col_title: str
    tile: tuple | None = None
    row_axis: int = 0
    col_axis: int = 1
    fixed: tuple = field(default_factory=tuple)

    def index_of(self, row: int, col: int) -> tuple | None:
        """The index in the original array shown at source pixel ``(row, col)``.

        ``None`` outside the picture or on a mosaic's gap.
        """
        rows, cols = self.source.shape
        if not (0 <= row < rows and 0 <= col < cols):
            return None
        if self.mode == "strip":
            return (col,)
        if self.mode == "matrix":
            return (row, col)
        if self.mode == "slice":
            index = list(self.fixed)
            index[self.row_axis] = row
            index[self.col_axis] = col
            return tuple(index)
        if self.mode == "mosaic":
            tile_rows, tile_cols = self.tile
            out, within_row = divmod(row, tile_rows + 1)
            inp, within_col = divmod(col, tile_cols + 1)
            if within_row == tile_rows or within_col == tile_cols:
                return None
            if len(self.shape) == 3:
                return (out, inp, within_col)
            return (out, inp, within_row, within_col)
        return ()


def mosaic_is_possible(shape: tuple) -> bool:
    """Whether a 3-D or 4-D array of ``shape`` fits in a mosaic of reasonable size."""
    if len(shape) not in (3, 4):
        return False
    tile_rows, tile_cols = (1, shape[2]) if len(shape) == 3 else shape[2:]
    rows = shape[0] * (tile_rows + 1) - 1
    cols = shape[1] * (tile_cols + 1) - 1
    return rows * cols <= MOSAIC_MAX_PIXELS


def default_view_choice(shape: tuple) -> ViewChoice:
    """Mosaic when possible, else a slice through the first two axes at index 0."""
    mode = "mosaic" if mosaic_is_possible(shape) else "slice"
    return ViewChoice(mode, 0, 1, (0,) * len(shape))


def picture_of(values: np.ndarray, choice: ViewChoice | None = None) -> Picture:
    """The 2-D picture of ``values`` (any number of dimensions) for a heatmap."""
    shape = values.shape
    if values.ndim == 0:
        return Picture(values.reshape(1, 1), "scalar", shape, "", "")
    if values.ndim == 1:
        return Picture(values.reshape(1, -1), "strip", shape, "", "index")
    if values.ndim == 2:
        return Picture(values, "matrix", shape, "row", "column")
    choice = choice or default_view_choice(shape)
    if choice.mode == "mosaic" and mosaic_is_possible(shape):
        return _mosaic(values)
    return _slice(values, choice)


def _mosaic(values: np.ndarray) -> Picture:
    kernel = values if values.ndim == 4 else values[:, :, None, :]
    out, inp, tile_rows, tile_cols = kernel.shape
    # NaN gaps draw as transparent, so the tiles stand apart on the background.
    canvas = np.full((out * (tile_rows + 1), inp * (tile_cols + 1)), np.nan, np.float32)
    tiles = canvas.reshape(out, tile_rows + 1, inp, tile_cols + 1)
    tiles[:, :tile_rows, :, :tile_cols] = kernel.transpose(0, 2, 1, 3)
    source = canvas[:-1, :-1]
    return Picture(source, "mosaic", values.shape, f"axis 0 ({out} tiles)",
                   f"axis 1 ({inp} tiles)", tile=(tile_rows, tile_cols))


def _slice(values: np.ndarray, choice: ViewChoice) -> Picture:
    ndim = values.ndim
    row_axis, col_axis = choice.row_axis, choice.col_axis
    if not (0 <= row_axis < ndim and 0 <= col_axis < ndim) or row_axis == col_axis:
        raise ValueError(f"Slice axes must be two different axes of a {ndim}-D array, "
                         f"got rows={row_axis}, columns={col_axis}")
    fixed = tuple(choice.fixed) + (0,) * (ndim - len(choice.fixed))
    fixed = tuple(min(max(int(i), 0), n - 1) for i, n in zip(fixed[:ndim], values.shape))
    index = tuple(slice(None) if axis in (row_axis, col_axis) else fixed[axis]
                  for axis in range(ndim))
    source = values[index]
    if row_axis > col_axis:
        source = source.T
    return Picture(source, "slice", values.shape, f"axis {row_axis}", f"axis {col_axis}",
                   row_axis=row_axis, col_axis=col_axis, fixed=fixed)


# ------------------------------------------------------------- downsampling
@dataclass
class DisplayImage:
    """A picture ready for ``ImageItem.setImage``: float32, C-contiguous, small enough.

    Display pixel ``(r, c)`` covers source rows ``r*row_step ... (r+1)*row_step``
    and columns ``c*col_step ...``, and shows the element of largest ``|x|`` there.
    """

    image: np.ndarray
    row_step: int
    col_step: int

    @property
    def is_downsampled(self) -> bool:
        return self.row_step > 1 or self.col_step > 1


def downsample_max_abs(source: np.ndarray, max_side: int = 1024,
                       skip_nan: bool = False) -> DisplayImage:
    """Shrink ``source`` to at most ``max_side`` pixels per side by max-|x| pooling.

    Each display pixel shows the signed value of largest magnitude in its
    block. Max-|x| rather than the block mean because the heatmap is for
    spotting what went wrong: a single exploding weight stays visible, whereas
    a mean of many zero-centred random weights fades towards 0 and hides both
    the spread and the outliers. A block holding a NaN shows as NaN, unless
    ``skip_nan`` (a mosaic, whose gaps are NaN by design).
    """
    rows, cols = source.shape
    row_step = max(1, math.ceil(rows / max_side))
    col_step = max(1, math.ceil(cols / max_side))
    if row_step == 1 and col_step == 1:
        image = np.ascontiguousarray(source, dtype=np.float32)
        return DisplayImage(image, 1, 1)
    largest, smallest = (np.fmax, np.fmin) if skip_nan else (np.maximum, np.minimum)
    high = _pool_columns(_pool_rows(source, row_step, largest), col_step, largest)
    low = _pool_columns(_pool_rows(source, row_step, smallest), col_step, smallest)
    with np.errstate(invalid="ignore"):
        image = np.where(high >= -low, high, low).astype(np.float32, copy=False)
    return DisplayImage(np.ascontiguousarray(image), row_step, col_step)


def _pool_rows(source: np.ndarray, step: int, ufunc) -> np.ndarray:
    """Reduce each band of ``step`` rows; the inner (contiguous) axis stays vectorised."""
    if step == 1:
        return source
    rows, cols = source.shape
    whole = rows // step
    out = np.empty((math.ceil(rows / step), cols), dtype=source.dtype)

    def band(start_stop):
        start, stop = start_stop
        block = source[start * step:stop * step].reshape(stop - start, step, cols)
        ufunc.reduce(block, axis=1, out=out[start:stop])

    bands = _bands(whole)
    if source.size >= _PARALLEL_MIN_SIZE and len(bands) > 1:
        list(_pool().map(band, bands))
    else:
        for b in bands:
            band(b)
    if whole * step < rows:
        ufunc.reduce(source[whole * step:], axis=0, out=out[-1])
    return out


def _bands(count: int, parts: int = 8) -> list:
    size = max(1, math.ceil(count / parts))
    return [(s, min(count, s + size)) for s in range(0, count, size)]


def _pool_columns(source: np.ndarray, step: int, ufunc) -> np.ndarray:
    """Reduce each group of ``step`` columns with strided element-wise passes."""
    if step == 1:
        return source
    out = np.array(source[:, 0::step])
    for k in range(1, step):
        part = source[:, k::step]
        width = part.shape[1]
        ufunc(out[:, :width], part, out=out[:, :width])
    return out


def block_extreme(source: np.ndarray, image: DisplayImage, row: int, col: int,
                  skip_nan: bool = False) -> tuple | None:
    """The source ``(row, col)`` of the element that display pixel ``(row, col)`` shows.

    Uses the same rule as :func:`downsample_max_abs`, so the value reported on
    hover is the value whose colour is under the pointer. ``None`` for a block
    of a mosaic that holds only gap.
    """
    r0, c0 = row * image.row_step, col * image.col_step
    block = source[r0:r0 + image.row_step, c0:c0 + image.col_step]
    if block.size == 0:
        return None
    if block.size == 1:
        return (None if skip_nan and np.isnan(block[0, 0]) else (r0, c0))
    nan = np.isnan(block)
    if nan.any():
        if nan.all():
            return None if skip_nan else (r0, c0)
        if not skip_nan:
            r, c = np.argwhere(nan)[0]
            return r0 + int(r), c0 + int(c)
    high, low = np.nanmax(block), np.nanmin(block)
    shown = high if high >= -low else low
    r, c = np.argwhere(block == shown)[0]
    return r0 + int(r), c0 + int(c)


# ----------------------------------------------------------------- statistics
@dataclass(frozen=True)
class TensorStatistics:
    """Summary numbers and the histogram of one array.

    ``mean``, ``std``, ``min``, ``max``, ``l2_norm`` and the histogram cover the
    finite elements only (``finite_count`` of them); ``nan_count`` and
    ``inf_count`` say how many were left out.
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

    @property
    def max_abs(self) -> float:
        return max(abs(self.min), abs(self.max)) if self.finite_count else 0.0


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


def tensor_statistics(values: np.ndarray, bins: int | None = None) -> TensorStatistics:
    """Statistics and histogram of ``values`` (any shape), without copying it when finite.

    Two chunked passes (threaded for large arrays): min, max, sum, sum of
    squares and zero count, then squared deviations from the mean (an exact
    two-pass variance, no cancellation) and the histogram counts.
    """
    shape, dtype, size = tuple(values.shape), str(values.dtype), int(values.size)
    flat = np.ascontiguousarray(values).reshape(-1)
    if not np.issubdtype(flat.dtype, np.floating):
        flat = flat.astype(np.float64)
    if size == 0:
        return TensorStatistics(shape, dtype, 0, *([math.nan] * 5), 0.0, 0, 0, 0,
                                np.zeros(0, np.int64), np.zeros(1))
    low, high, total, sum_sq, nonzero = _first_pass(flat)
    nan_count = inf_count = 0
    if not (math.isfinite(low) and math.isfinite(high)):
        finite_mask = np.isfinite(flat)
        nan_count = int(np.count_nonzero(np.isnan(flat)))
        inf_count = size - nan_count - int(np.count_nonzero(finite_mask))
        flat = flat[finite_mask]
        if flat.size == 0:
            return TensorStatistics(shape, dtype, size, *([math.nan] * 5), 0.0, nan_count,
                                    inf_count, 0, np.zeros(0, np.int64), np.zeros(1))
        low, high, total, sum_sq, nonzero = _first_pass(flat)
    count = flat.size
    mean = total / count
    bins = bins or _bin_count(count)
    if high == low:
        bins |= 1  # an odd count centres the middle bin on the single value
    lo, hi = histogram_range(low, high)
    squared_deviation, counts = _second_pass(flat, mean, lo, hi, bins)
    return TensorStatistics(
        shape=shape, dtype=dtype, size=size, mean=mean,
        std=math.sqrt(squared_deviation / count), min=low, max=high,
        l2_norm=math.sqrt(sum_sq), zero_fraction=(size - nan_count - inf_count - nonzero) / size,
        nan_count=nan_count, inf_count=inf_count, finite_count=count, counts=counts,
        edges=np.linspace(lo, hi, bins + 1))


def _first_pass(flat: np.ndarray) -> tuple:
    def part(chunk):
        return (float(chunk.min()), float(chunk.max()), float(chunk.sum()),
                float(np.dot(chunk, chunk)), int(np.count_nonzero(chunk)))

    parts = _map_chunks(part, flat)
    return (min(p[0] for p in parts), max(p[1] for p in parts), math.fsum(p[2] for p in parts),
            math.fsum(p[3] for p in parts), sum(p[4] for p in parts))


def _second_pass(flat: np.ndarray, mean: float, lo: float, hi: float, bins: int) -> tuple:
    scale = bins / (hi - lo)
    typed_mean = flat.dtype.type(mean)
    typed_lo, typed_scale = flat.dtype.type(lo), flat.dtype.type(scale)

    def part(chunk):
        deviation = chunk - typed_mean
        squared = float(np.dot(deviation, deviation))
        position = chunk - typed_lo
        position *= typed_scale
        # Truncation toward zero keeps tiny negative rounding in bin 0; the maximum
        # lands on index ``bins`` and is folded into the last bin below.
        counts = np.bincount(position.astype(np.intp), minlength=bins + 1)
        return squared, counts

    parts = _map_chunks(part, flat)
    counts = np.zeros(bins + 1, np.int64)
    for _, c in parts:
        counts[:c.size] += c
    counts[bins - 1] += counts[bins:].sum()
    return math.fsum(p[0] for p in parts), counts[:bins]


# ------------------------------------------------------------------- formatting
def format_value(value: float) -> str:
    """A value as a person reads it: 4 significant digits, no noise."""
    if value is None or not isinstance(value, (int, float, np.floating, np.integer)):
        return str(value)
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    return f"{value:.4g}"


def format_index(index: tuple) -> str:
    """``(3, 17)`` → ``'[3, 17]'``."""
    return "[" + ", ".join(str(i) for i in index) + "]"
