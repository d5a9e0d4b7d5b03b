"""How an N-D parameter becomes a 2-D picture and a smaller picture, and how it reads as text.

Pure NumPy, no Qt: the tensor view's heatmap and histogram panels draw what
this module computes, and tests check it without a display.

* :func:`picture_of` chooses the 2-D *source* of the heatmap: the matrix
  itself, a 1-row strip for a vector, a tiled mosaic of a conv kernel, or a
  2-D slice through an N-D array; :meth:`Picture.index_of` maps a source
  pixel back to the index in the original array.
* :func:`downsample_max_abs` (a :class:`MaxAbsPooler` fed band by band)
  shrinks a large source for display.

The statistics and the histogram are in :mod:`.array_statistics`; both
modules process large arrays in cache-sized chunks on a small thread pool
(:func:`map_parts`).
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "ViewChoice",
    "Picture",
    "picture_of",
    "mosaic_is_possible",
    "DisplayImage",
    "MaxAbsPooler",
    "display_steps",
    "downsample_max_abs",
    "block_extreme",
    "map_parts",
    "CHUNK",
    "format_index",
    "format_value",
    "display_unit",
    "as_display_image",
]

# Above this many pixels a mosaic (with its 1-px gaps) is not offered by default.
MOSAIC_MAX_PIXELS = 4096 * 4096
# Chunk of a flat array processed at once: 256 K float32 (1 MiB) stays in cache.
CHUNK = 1 << 18
# Arrays smaller than this are processed in one call (threads cost more than they save).
_PARALLEL_MIN_SIZE = 1 << 21

_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    """A small shared pool: NumPy releases the GIL inside reductions and ufuncs."""
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(
            max_workers=max(1, min(4, os.cpu_count() or 1)), thread_name_prefix="tensor-stats"
        )
    return _executor


def map_parts(function, parts, total_size: int) -> list:
    """``[function(p) for p in parts]``, on the thread pool when ``total_size`` is large."""
    parts = list(parts)
    if total_size < _PARALLEL_MIN_SIZE or len(parts) < 2:
        return [function(p) for p in parts]
    return list(_pool().map(function, parts))


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
    across : bool
        A mosaic laid out with output channels left to right (one input channel).
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
    # A mosaic whose output channels run left to right (one input channel).
    across: bool = False

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
            grid_row, within_row = divmod(row, tile_rows + 1)
            grid_col, within_col = divmod(col, tile_cols + 1)
            if within_row == tile_rows or within_col == tile_cols:
                return None
            out, inp = (grid_col, grid_row) if self.across else (grid_row, grid_col)
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
    """Mosaic when possible, else a slice through the last two axes at index 0.

    The last two axes of a conv kernel ``(out, in, kh, kw)`` are its image; the
    first two would give a thin ``out × in`` strip of one kernel pixel each.
    """
    mode = "mosaic" if mosaic_is_possible(shape) else "slice"
    ndim = len(shape)
    return ViewChoice(mode, max(0, ndim - 2), max(1, ndim - 1), (0,) * ndim)


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
    # With one input channel (a first conv layer) the kernels sit side by side, so
    # they read as a row of small square images instead of a thin column.
    # More generally, output channels run left to right whenever the usual layout
    # (output channels down) would be taller than wide: heatmap panels are wide, and
    # a tall mosaic of square tiles would be a narrow strip in a grey field.
    across = out * (tile_rows + 1) > inp * (tile_cols + 1)
    grid = kernel.transpose(1, 0, 2, 3) if across else kernel
    grid_rows, grid_cols = grid.shape[:2]
    # NaN gaps draw as transparent, so the tiles stand apart on the background.
    # float32 unless the values need more (float64 weights of 1e300 would overflow it).
    canvas = np.full(
        (grid_rows * (tile_rows + 1), grid_cols * (tile_cols + 1)),
        np.nan,
        np.result_type(values.dtype, np.float32),
    )
    tiles = canvas.reshape(grid_rows, tile_rows + 1, grid_cols, tile_cols + 1)
    tiles[:, :tile_rows, :, :tile_cols] = grid.transpose(0, 2, 1, 3)
    source = canvas[:-1, :-1]
    out_title, in_title = f"axis 0 ({out} tiles)", f"axis 1 ({inp} tiles)"
    row_title, col_title = (in_title, out_title) if across else (out_title, in_title)
    return Picture(
        source,
        "mosaic",
        values.shape,
        row_title,
        col_title,
        tile=(tile_rows, tile_cols),
        across=across,
    )


def _slice(values: np.ndarray, choice: ViewChoice) -> Picture:
    ndim = values.ndim
    row_axis, col_axis = choice.row_axis, choice.col_axis
    if not (0 <= row_axis < ndim and 0 <= col_axis < ndim) or row_axis == col_axis:
        raise ValueError(
            f"Slice axes must be two different axes of a {ndim}-D array, "
            f"got rows={row_axis}, columns={col_axis}"
        )
    fixed = tuple(choice.fixed) + (0,) * (ndim - len(choice.fixed))
    fixed = tuple(min(max(int(i), 0), n - 1) for i, n in zip(fixed[:ndim], values.shape))
    index = tuple(
        slice(None) if axis in (row_axis, col_axis) else fixed[axis] for axis in range(ndim)
    )
    source = values[index]
    if row_axis > col_axis:
        source = source.T
    return Picture(
        source,
        "slice",
        values.shape,
        f"axis {row_axis}",
        f"axis {col_axis}",
        row_axis=row_axis,
        col_axis=col_axis,
        fixed=fixed,
    )


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
    unit: float = 1.0  # the image holds values / unit (a power of ten; see display_unit)

    @property
    def is_downsampled(self) -> bool:
        return self.row_step > 1 or self.col_step > 1


def display_unit(largest: float) -> float:
    """The power of ten a display image's values are divided by (1 for ordinary values).

    Images are float32, and pyqtgraph scales them to colours in float32 too:
    values beyond ~1e30 (float64 weights of 1e308 would even become Inf) or
    below ~1e-30 (denormals) are shown in units of ``10**k`` instead.
    """
    if not math.isfinite(largest) or largest == 0 or 1e-30 <= largest <= 1e30:
        return 1.0
    return 10.0 ** math.floor(math.log10(largest))


def as_display_image(values: np.ndarray, unit: float) -> np.ndarray:
    """``values / unit`` as a C-contiguous float32 image."""
    if unit == 1.0:
        return np.ascontiguousarray(values, dtype=np.float32)
    return np.ascontiguousarray(np.asarray(values, dtype=np.float64) / unit, dtype=np.float32)


def display_steps(shape: tuple, max_side: int, max_shape: tuple | None = None) -> tuple:
    """``(row_step, col_step)`` that bring a 2-D ``shape`` to at most ``max_side`` per side
    (and, when given, at most ``max_shape`` ``(rows, cols)``)."""
    rows, cols = shape
    row_step, col_step = max(1, math.ceil(rows / max_side)), max(1, math.ceil(cols / max_side))
    if max_shape is not None:
        row_step = max(row_step, math.ceil(rows / max(1, max_shape[0])))
        col_step = max(col_step, math.ceil(cols / max(1, max_shape[1])))
    return row_step, col_step


class MaxAbsPooler:
    """Max-|x| pooling of a 2-D source, fed one band of whole row groups at a time.

    Each display pixel shows the signed value of largest magnitude in its
    block. Max-|x| rather than the block mean because the heatmap is for
    spotting what went wrong: a single exploding weight stays visible, whereas
    a mean of many zero-centred random weights fades towards 0 and hides both
    the spread and the outliers. A block holding a NaN shows as NaN
    (``np.maximum``/``np.minimum`` propagate it, where ``np.nanmax`` would drop
    it), unless ``skip_nan`` (a mosaic, whose gaps are NaN by design).

    The statistics pass feeds the bands it is reading anyway
    (:func:`~explorer.views.array_statistics.statistics_and_image`), so a large
    matrix is read from memory once for both.
    """

    def __init__(
        self, shape: tuple, dtype, row_step: int, col_step: int, skip_nan: bool = False
    ) -> None:
        rows, cols = shape
        self.row_step, self.col_step = row_step, col_step
        self._largest, self._smallest = (np.fmax, np.fmin) if skip_nan else (np.maximum, np.minimum)
        out_shape = (math.ceil(rows / row_step), math.ceil(cols / col_step))
        self._high = np.empty(out_shape, dtype)
        self._low = np.empty(out_shape, dtype)

    def band_rows(self, cols: int, chunk: int) -> int:
        """Rows per band: a multiple of ``row_step`` holding about ``chunk`` elements."""
        groups = max(1, chunk // max(1, cols * self.row_step))
        return groups * self.row_step

    def add_band(self, start_row: int, band: np.ndarray) -> None:
        """Pool source rows ``start_row ...`` (``start_row`` a multiple of ``row_step``)."""
        first = start_row // self.row_step
        stop = first + math.ceil(band.shape[0] / self.row_step)
        for ufunc, out in ((self._largest, self._high), (self._smallest, self._low)):
            _pool_columns(
                _pool_rows(band, self.row_step, ufunc), self.col_step, ufunc, out[first:stop]
            )

    def image(self, unit: float = 1.0) -> DisplayImage:
        """The pooled image, in units of ``unit`` (see :func:`display_unit`)."""
        with np.errstate(invalid="ignore"):
            image = _larger_magnitude(self._high, self._low)
        return DisplayImage(as_display_image(image, unit), self.row_step, self.col_step, unit)


def _larger_magnitude(high: np.ndarray, low: np.ndarray) -> np.ndarray:
    """Per pixel, whichever of ``high`` and ``low`` is larger in magnitude (ties: ``high``).

    ``np.where(high >= -low, high, low)`` in branch-free passes: with random
    signs ``np.where`` mispredicts every other element and took 340 µs for a
    256×392 image (a live heatmap pools two of those 30 times a second); this
    takes 65 µs. A NaN block has NaN in both and stays NaN; a zero block shows +0.
    """
    negated = np.negative(low)
    sign = np.greater_equal(high, negated).view(np.int8).astype(high.dtype)
    sign *= 2
    sign -= 1  # +1 where high wins, -1 where low does
    magnitude = np.maximum(high, negated, out=negated)
    magnitude *= sign
    magnitude += 0  # -0.0 (from a zero block's negated low) reads "0", not "-0"
    return magnitude


def downsample_max_abs(
    source: np.ndarray,
    max_side: int = 1024,
    skip_nan: bool = False,
    max_shape: tuple | None = None,
    unit: float = 1.0,
) -> DisplayImage:
    """Shrink ``source`` to at most ``max_side`` pixels per side by max-|x| pooling.

    ``max_shape`` ``(rows, cols)``, when given, bounds each side separately
    (the screen pixels a heatmap panel has). See :class:`MaxAbsPooler` for why
    max-|x| and how NaN is kept. The image holds ``source / unit``.
    """
    row_step, col_step = display_steps(source.shape, max_side, max_shape)
    if row_step == 1 and col_step == 1:
        return DisplayImage(as_display_image(source, unit), 1, 1, unit)
    pooler = MaxAbsPooler(source.shape, source.dtype, row_step, col_step, skip_nan)
    rows, cols = source.shape
    height = pooler.band_rows(cols, CHUNK)
    starts = range(0, rows, height)

    def band(start):
        pooler.add_band(start, source[start : start + height])

    map_parts(band, starts, source.size)
    return pooler.image(unit)


def _pool_rows(band: np.ndarray, step: int, ufunc) -> np.ndarray:
    """Reduce each group of ``step`` rows; the inner (contiguous) axis stays vectorised."""
    if step == 1:
        return band
    rows, cols = band.shape
    whole = rows // step
    out = np.empty((math.ceil(rows / step), cols), dtype=band.dtype)
    if whole:
        ufunc.reduce(band[: whole * step].reshape(whole, step, cols), axis=1, out=out[:whole])
    if whole * step < rows:  # the last, shorter group of the source
        ufunc.reduce(band[whole * step :], axis=0, out=out[-1])
    return out


def _pool_columns(band: np.ndarray, step: int, ufunc, out: np.ndarray) -> None:
    """Reduce each group of ``step`` columns into ``out`` with strided element-wise passes."""
    if step == 1:
        out[...] = band
        return
    out[...] = band[:, 0::step]
    for k in range(1, step):
        part = band[:, k::step]
        width = part.shape[1]
        ufunc(out[:, :width], part, out=out[:, :width])


def block_extreme(
    source: np.ndarray, image: DisplayImage, row: int, col: int, skip_nan: bool = False
) -> tuple | None:
    """The source ``(row, col)`` of the element that display pixel ``(row, col)`` shows.

    Uses the same rule as :func:`downsample_max_abs`, so the value reported on
    hover is the value whose colour is under the pointer. ``None`` for a block
    of a mosaic that holds only gap.
    """
    r0, c0 = row * image.row_step, col * image.col_step
    block = source[r0 : r0 + image.row_step, c0 : c0 + image.col_step]
    if block.size == 0:
        return None
    if block.size == 1:
        return None if skip_nan and np.isnan(block[0, 0]) else (r0, c0)
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
