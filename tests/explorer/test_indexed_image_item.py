"""The heatmap's image item draws the pixels pyqtgraph's does, without rebuilding its colours."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage

from explorer.views.heatmap_panel import diverging_colormap, sequential_colormap
from explorer.views.indexed_image_item import IndexedImageItem


def _pixels(item) -> np.ndarray:
    item.render()
    image = item.qimage.convertToFormat(QImage.Format.Format_ARGB32)
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1).copy()


@pytest.mark.parametrize("colour_map", [diverging_colormap, sequential_colormap])
@pytest.mark.parametrize("levels", [(-1.0, 1.0), (0.25, 0.5), (2.0, 2.0), (-3e-8, 3e-8)])
def test_the_pixels_are_pyqtgraphs(qtbot, colour_map, levels):
    rng = np.random.default_rng(0)
    image = (rng.standard_normal((37, 53)) * max(abs(levels[0]), abs(levels[1]), 1)).astype(
        np.float32
    )
    image[0, :3] = [levels[0], levels[1], np.inf]  # on the ends, and past them
    ours, theirs = IndexedImageItem(axisOrder="row-major"), pg.ImageItem(axisOrder="row-major")
    for item in (ours, theirs):
        item.setColorMap(colour_map())
        item.setImage(image, autoLevels=False, levels=levels)
    assert np.array_equal(_pixels(ours), _pixels(theirs))
    assert ours.qimage.format() == QImage.Format.Format_Indexed8


def test_nan_pixels_stay_transparent_as_in_pyqtgraph(qtbot):
    image = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
    image[1, 2] = np.nan
    ours, theirs = IndexedImageItem(axisOrder="row-major"), pg.ImageItem(axisOrder="row-major")
    for item in (ours, theirs):
        item.setColorMap(diverging_colormap())
        item.setImage(image, autoLevels=False, levels=(-1, 1))
    pixels = _pixels(ours)
    assert np.array_equal(pixels, _pixels(theirs))
    assert pixels.reshape(3, 4, 4)[1, 2, 3] == 0  # alpha 0 (ARGB32 is BGRA in memory)


def test_paint_renders_once_per_image_and_the_table_is_built_once(qtbot):
    view = pg.GraphicsLayoutWidget()
    qtbot.addWidget(view)
    box = view.addViewBox()
    item = IndexedImageItem(axisOrder="row-major")
    item.setColorMap(diverging_colormap())
    box.addItem(item)
    view.show()
    qtbot.waitExposed(view)
    renders = []
    render = item.render
    item.render = lambda: renders.append(1) or render()
    for k in range(3):
        item.setImage(np.full((4, 4), k / 3, np.float32), autoLevels=False, levels=(-1, 1))
        view.grab()  # paint
        view.grab()  # paint again, same image
    assert len(renders) == 3
    table = item._table
    item.setImage(np.zeros((4, 4), np.float32), autoLevels=False, levels=(-1, 1))
    view.grab()
    assert item._table is table  # same colour map: the same table object
