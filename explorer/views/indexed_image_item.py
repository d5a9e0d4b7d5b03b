"""``IndexedImageItem``: pyqtgraph's ImageItem, its colour table made once per colour map.

A heatmap is a float image, a pair of levels and a 256-colour lookup table.
pyqtgraph draws that as an 8-bit indexed QImage, and builds the QImage's
colour table anew at every render with 256 calls of ``QtGui.qRgb``: 0.15 ms,
60 times a second while a live tensor view redraws data and gradient (in the
GUI thread, which shares the cores and the GIL with the training worker).
Here the table is built with NumPy when the lookup table changes and reused;
the indices are computed by pyqtgraph's own ``rescaleData`` with the
arguments its renderer passes, so the pixels are the same. Anything else
(NaN pixels, which pyqtgraph makes transparent; colour images; downsampling)
goes to pyqtgraph's render.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QImage

__all__ = ["IndexedImageItem", "colour_table"]


def colour_table(lut: np.ndarray) -> list:
    """QImage colours (``qRgb``/``qRgba`` values) of an (n, 3) or (n, 4) uint8 table."""
    lut = lut.astype(np.uint32)
    alpha = lut[:, 3] if lut.shape[1] == 4 else np.uint32(255)
    return ((alpha << 24) | (lut[:, 0] << 16) | (lut[:, 1] << 8) | lut[:, 2]).tolist()


class IndexedImageItem(pg.ImageItem):
    """An ImageItem that reuses its colour table (see the module docstring)."""

    def __init__(self, *args, **kwargs) -> None:
        self._table_key: bytes | None = None
        self._table: list = []
        super().__init__(*args, **kwargs)

    def render(self) -> None:
        image, lut, levels = self.image, self.lut, self.levels
        if not self._indexed(image, lut, levels):
            super().render()
            return
        if np.isnan(image.min()):  # pyqtgraph makes NaN pixels transparent
            super().render()
            return
        # pyqtgraph's _rescale_and_lookup_float for a LUT of <= 256 colours, verbatim.
        num_colors = lut.shape[0]
        min_value, max_value = levels
        span = max_value - min_value
        span = 1 if span == 0 else span
        index = pg.functions.rescaleData(
            image, num_colors / span, min_value, dtype=np.uint8, clip=(0, num_colors - 1)
        )
        qimage = pg.functions.ndarray_to_qimage(
            np.ascontiguousarray(index), QImage.Format.Format_Indexed8
        )
        key = lut.tobytes()
        if key != self._table_key:
            self._table_key, self._table = key, colour_table(lut)
        qimage.setColorTable(self._table)
        self.qimage = qimage
        # What ImageItem.render sets when it made its image (paint re-renders otherwise).
        self._renderRequired = False
        self._unrenderable = False

    def _indexed(self, image, lut, levels) -> bool:
        return (
            image is not None
            and image.ndim == 2
            and image.size > 0
            and image.dtype.kind == "f"
            and isinstance(lut, np.ndarray)
            and lut.dtype == np.uint8
            and lut.ndim == 2
            and lut.shape[1] in (3, 4)
            and 0 < lut.shape[0] <= 256
            and levels is not None
            and np.ndim(levels) == 1
            and not self.autoDownsample
            and self.axisOrder == "row-major"
        )
