"""A heatmap of one array: a diverging or sequential colour scale, colour bar, hover readout.

The panel draws a :class:`~explorer.views.array_display.Picture` (the 2-D
source chosen for an N-D array), downsampled for display when large. Row
``i`` of the source is drawn at the top-to-bottom position ``i``, column ``j``
left to right, exactly as the parameter prints; the axes count in source
rows/columns even when the image is downsampled. +Inf and -Inf have colours
of their own (:data:`POSITIVE_INF_COLOUR`, :data:`NEGATIVE_INF_COLOUR`),
drawn over the image; NaN is transparent (the grey background).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QEvent, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QActionGroup, QColor, QFontMetrics
from PySide6.QtWidgets import QMenu

from .array_display import DisplayImage, Picture, block_extreme, downsample_max_abs
from .colour_bar import ColourBar
from .colour_scale import COLOUR_SCALE_MODES, ColourScale
from .export import add_export_actions
from .indexed_image_item import IndexedImageItem
from .light_plot import LightPlot
from .plot_style import IndexAxisItem, plot_font, style_axis, style_plot_widget

__all__ = [
    "HeatmapPanel",
    "diverging_colormap",
    "sequential_colormap",
    "POSITIVE_INF_COLOUR",
    "NEGATIVE_INF_COLOUR",
]

# Longest side of the displayed image: finer than any panel this sits in at
# 1280×800 or on a 4K screen's half, small enough to render in a few ms.
MAX_DISPLAY_SIDE = 1024
QWIDGETSIZE_MAX = (1 << 24) - 1


# Neither is on either colour map (blue-white-red, or viridis's purple-green-yellow).
POSITIVE_INF_COLOUR = QColor("#ff00ff")  # magenta
NEGATIVE_INF_COLOUR = QColor("#00ffff")  # cyan

_SCALE_MENU_TEXT = {
    "auto": "Automatic (sequential for one-signed values)",
    "diverging": "Diverging, centred on 0",
    "sequential": "Sequential, min to max",
}


def diverging_colormap() -> pg.ColorMap:
    """Blue (negative) – white (0) – red (positive): CET-D1, perceptually uniform."""
    return pg.colormap.get("CET-D1")


def sequential_colormap() -> pg.ColorMap:
    """Dark purple (min) to yellow (max): viridis, perceptually uniform, readable in grey."""
    return pg.colormap.get("viridis")


class HeatmapPanel(pg.GraphicsLayoutWidget):
    """Heatmap with a colour bar; symmetric levels ``±m`` keep 0 at the colormap's centre.

    Signals
    -------
    element_hovered(object)
        ``(index, value, block_shape)`` of the element under the pointer
        (``index`` in the original array, ``block_shape`` ``(1, 1)`` unless
        downsampled), or ``None`` when the pointer leaves the image or is on
        a mosaic gap.
    colour_mode_chosen(str)
        The user picked ``'auto'``, ``'diverging'`` or ``'sequential'`` in the
        context menu (the owner recomputes the scale and calls
        :meth:`set_colour_scale`).
    """

    element_hovered = Signal(object)
    colour_mode_chosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._picture: Picture | None = None
        self._display: DisplayImage | None = None
        self._scale = ColourScale("diverging", -1.0, 1.0)
        self._colour_maps = {"diverging": diverging_colormap()}
        self._axis_titles: tuple | None = None  # (row, column) titles shown on the axes
        # A view box and two axes, not a PlotItem: no context menus or option forms
        # built that this view never offers, which counts at start-up.
        self.plot = LightPlot({"left": IndexAxisItem("left"), "bottom": IndexAxisItem("bottom")})
        self.addItem(self.plot, row=0, col=0)
        self.view = self.plot.getViewBox()
        self.view.invertY(True)
        self.view.setDefaultPadding(0.0)
        # Row-major on the item only (not the global option): array[i, j] → row i, column j.
        self.image_item = IndexedImageItem(axisOrder="row-major")
        self.plot.addItem(self.image_item)
        colour_map = self._colour_maps["diverging"]
        self._map_kind = "diverging"
        # No setLevels here: before the first image pyqtgraph defers it and then lets it
        # override the levels given to that image's setImage.
        self.image_item.setColorMap(colour_map)
        # ±Inf in colours of their own, over the image; built only for an image holding one.
        self.infinity_item: pg.ImageItem | None = None
        self.colour_bar = ColourBar(colour_map, width=18)
        self.colour_bar.insert_beside(self.plot)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(
            lambda pos: self.context_menu().exec(self.mapToGlobal(pos))
        )
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        # After a resize (debounced): pool the image to the panel's own pixel size, so
        # Qt's nearest-pixel scaling never has to drop a pixel (and with it an outlier),
        # and thin the tick labels to what fits.
        self._resize_timer = QTimer(self, singleShot=True, interval=120)
        self._resize_timer.timeout.connect(self._fit_to_panel)
        self._apply_palette()

    # ------------------------------------------------------------------- drawing
    @property
    def picture(self) -> Picture | None:
        return self._picture

    @property
    def display_image(self) -> DisplayImage | None:
        return self._display

    @property
    def levels(self) -> tuple:
        """The values at the colour map's two ends (as the colour bar labels them)."""
        unit = self._display.unit if self._display is not None else 1.0
        return tuple(float(v) * unit for v in self.image_item.getLevels())

    @property
    def colour_scale(self) -> ColourScale:
        """The scale the image is drawn with."""
        return self._scale

    def context_menu(self) -> QMenu:
        """The right-click menu: the colour scale (auto, diverging, sequential); export."""
        menu = QMenu(self)
        menu.addSection("Colour scale")
        group = QActionGroup(menu)
        for mode in COLOUR_SCALE_MODES:
            action = menu.addAction(_SCALE_MENU_TEXT[mode])
            action.setCheckable(True)
            action.setChecked(mode == self._scale.mode)
            action.setData(mode)
            group.addAction(action)
            action.triggered.connect(lambda _=False, m=mode: self.colour_mode_chosen.emit(m))
        add_export_actions(menu, self, "heatmap")
        return menu

    def set_colour_scale(self, scale: ColourScale) -> None:
        """Redraw the current picture with ``scale``."""
        self._scale = scale
        if self._picture is not None and self._display is not None:
            self._apply_scale()

    def show_picture(
        self,
        picture: Picture,
        scale: ColourScale | float,
        display: DisplayImage | None = None,
        unit: float | None = None,
    ) -> None:
        """Draw ``picture`` with colour ``scale`` (a number ``m``: diverging ``±m``).

        ``display`` is its display image when already pooled (by
        ``statistics_and_image``, during the statistics pass) and fixes the
        unit the image is held in; else ``unit`` does (see ``display_unit``;
        default: the unit of the picture shown before, or 1).
        """
        if not isinstance(scale, ColourScale):
            scale = ColourScale("diverging", -float(scale), float(scale))
        if display is not None:
            unit = display.unit
        elif unit is None:
            unit = self._display.unit if self._display is not None else 1.0
        panel_pixels = self.panel_pixels()
        if display is None or (
            panel_pixels is not None and _needs_coarser(picture.source.shape, display, panel_pixels)
        ):
            display = downsample_max_abs(
                picture.source,
                MAX_DISPLAY_SIDE,
                skip_nan=picture.mode == "mosaic",
                max_shape=panel_pixels,
                unit=unit,
            )
        geometry_changed = (
            self._display is None
            or self._display.image.shape != display.image.shape
            or (self._display.row_step, self._display.col_step)
            != (display.row_step, display.col_step)
            or self._picture is None
            or self._picture.mode != picture.mode
            or self._picture.tile != picture.tile
            or self._picture.source.shape != picture.source.shape
        )
        self._picture, self._display, self._scale = picture, display, scale
        self._apply_scale()
        self._draw_infinities()
        if geometry_changed:
            self._fit_geometry()

    def _apply_scale(self) -> None:
        scale, unit = self._scale, self._display.unit
        kind = "sequential" if scale.kind in ("sequential", "constant") else "diverging"
        if kind != self._map_kind:
            self._map_kind = kind
            if kind not in self._colour_maps:
                self._colour_maps[kind] = sequential_colormap()
            self.image_item.setColorMap(self._colour_maps[kind])
            self.colour_bar.set_colour_map(self._colour_maps[kind])
        low, high = scale.image_levels(unit)
        self.image_item.setImage(self._display.image, autoLevels=False, levels=(low, high))
        if scale.has_bar:
            self.colour_bar.set_levels((low * unit, high * unit), unit)
        # One value, or none: a colour bar would claim a range that is not there.
        self.colour_bar.setVisible(scale.has_bar)
        self.colour_bar.axis.setVisible(scale.has_bar)

    def _draw_infinities(self) -> None:
        """Paint +Inf and -Inf pixels in their own colours, above the image."""
        image = self._display.image
        with np.errstate(invalid="ignore"):
            infinite = np.isinf(image)
        if not infinite.any():
            if self.infinity_item is not None:
                self.infinity_item.hide()
            return
        if self.infinity_item is None:
            self.infinity_item = pg.ImageItem(axisOrder="row-major")
            self.infinity_item.setZValue(self.image_item.zValue() + 0.1)
            self.plot.addItem(self.infinity_item, ignoreBounds=True)
        rgba = np.zeros(image.shape + (4,), np.uint8)
        rgba[image == np.inf] = POSITIVE_INF_COLOUR.getRgb()
        rgba[image == -np.inf] = NEGATIVE_INF_COLOUR.getRgb()
        self.infinity_item.setImage(rgba, autoLevels=False, levels=(0, 255))
        self.infinity_item.setRect(self._image_rect())
        self.infinity_item.show()

    def _image_rect(self) -> QRectF:
        display = self._display
        rows, cols = display.image.shape
        # Cell centres at integer coordinates: tick "3" sits on row 3, not on its edge.
        return QRectF(-0.5, -0.5, cols * display.col_step, rows * display.row_step)

    def panel_pixels(self) -> tuple | None:
        """``(rows, cols)`` of device pixels the image area has (None before layout)."""
        rect = self.view.sceneBoundingRect()
        if rect.width() < 8 or rect.height() < 8:
            return None
        ratio = self.devicePixelRatioF()
        return max(1, int(rect.height() * ratio)), max(1, int(rect.width() * ratio))

    def sizeHint(self) -> QSize:
        # Preferred = minimum height: a scroll area sizes its content to the columns'
        # preferred heights, and the default (GraphicsView's) made a column twice the
        # window's height, its statistics out of view. Stretch gives any height left.
        hint = super().sizeHint()
        return QSize(hint.width(), max(self.minimumHeight(), 1))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # pyqtgraph calls this from its own __init__, before ours has run.
        if getattr(self, "_picture", None) is not None:
            self._resize_timer.start()

    def _fit_to_panel(self) -> None:
        """Re-pool the picture for the panel's current size (when that changes the steps)."""
        picture, display = self._picture, self._display
        # The timer can fire while the window is being torn down, its items already gone.
        if picture is None or display is None or not shiboken6.isValid(self.view):
            return
        panel_pixels = self.panel_pixels()
        if panel_pixels is None:
            return
        steps = _steps_for(picture.source.shape, panel_pixels)
        if steps != (display.row_step, display.col_step):
            self.show_picture(
                picture,
                self._scale,
                downsample_max_abs(
                    picture.source,
                    MAX_DISPLAY_SIDE,
                    skip_nan=picture.mode == "mosaic",
                    max_shape=panel_pixels,
                    unit=display.unit,
                ),
            )
        else:
            self._set_ticks()

    def clear_picture(self) -> None:
        self._picture = self._display = None
        self.image_item.clear()
        if self.infinity_item is not None:
            self.infinity_item.hide()

    def _fit_geometry(self) -> None:
        picture = self._picture
        self.image_item.setRect(self._image_rect())
        if self.infinity_item is not None:
            self.infinity_item.setRect(self._image_rect())
        # Matrix cells are stretched to fill the panel (no aspect lock): a (256, 20) weight
        # in a wide panel would otherwise be a thin sliver. Kernel tiles stay square, as
        # the small images they are. A 1-D strip gets a short panel.
        self.view.setAspectLocked(picture.mode == "mosaic", ratio=1.0)
        strip_height = 6 * self.fontMetrics().height() + 40
        self.setMaximumHeight(strip_height if picture.mode == "strip" else QWIDGETSIZE_MAX)
        # Auto range keeps the whole image fitted when the panel is resized (until the
        # user pans or zooms; the next picture of another shape fits again).
        self.view.enableAutoRange()
        self.view.autoRange(padding=0.0)
        self._set_ticks()

    def _set_ticks(self) -> None:
        picture = self._picture
        left, bottom = self.plot.getAxis("left"), self.plot.getAxis("bottom")
        if picture.mode == "mosaic":
            tile_rows, tile_cols = picture.tile
            grid_rows, grid_cols = picture.shape[:2]
            if picture.across:
                grid_rows, grid_cols = grid_cols, grid_rows
            (x0, x1), (y0, y1) = self.view.viewRange()
            rect = self.view.sceneBoundingRect()
            metrics = QFontMetrics(plot_font())
            across_px = rect.width() * (tile_cols + 1) / max(1e-9, x1 - x0)
            down_px = rect.height() * (tile_rows + 1) / max(1e-9, y1 - y0)
            left.setTicks([_tile_ticks(grid_rows, tile_rows, down_px, metrics.height())])
            bottom.setTicks(
                [
                    _tile_ticks(
                        grid_cols,
                        tile_cols,
                        across_px,
                        metrics.horizontalAdvance(str(grid_cols - 1)),
                    )
                ]
            )
        elif picture.mode == "strip":
            left.setTicks([[]])
            bottom.setTicks(None)
        else:
            left.setTicks(None)
            bottom.setTicks(None)
        titles = (picture.row_title, picture.col_title)
        if titles != self._axis_titles:  # the style stays; _apply_palette restyles both
            self._axis_titles = titles
            style_axis(left, self.palette(), titles[0])
            style_axis(bottom, self.palette(), titles[1])

    # --------------------------------------------------------------------- hover
    def element_at(self, row: int, col: int):
        """``(index, value, block_shape)`` shown at display pixel ``(row, col)``, or None."""
        picture, display = self._picture, self._display
        if picture is None or display is None:
            return None
        rows, cols = display.image.shape
        if not (0 <= row < rows and 0 <= col < cols):
            return None
        where = block_extreme(picture.source, display, row, col, skip_nan=picture.mode == "mosaic")
        if where is None:
            return None
        index = picture.index_of(*where)
        if index is None:
            return None
        value = float(picture.source[where])
        return index, value, (display.row_step, display.col_step)

    def hover_display_pixel(self, row: int, col: int) -> None:
        """Report the element at display pixel ``(row, col)`` as if the pointer were there."""
        self.element_hovered.emit(self.element_at(row, col))

    def _on_mouse_moved(self, scene_pos) -> None:
        if self._display is None:
            return
        local = self.image_item.mapFromScene(scene_pos)
        x, y = local.x(), local.y()
        if not (math.isfinite(x) and math.isfinite(y)):
            return
        self.hover_display_pixel(int(math.floor(y)), int(math.floor(x)))

    # ------------------------------------------------------------------- theming
    def changeEvent(self, event) -> None:
        # Qt sends palette events while the base class is still being built.
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange) and hasattr(
            self, "colour_bar"
        ):
            self._apply_palette()
        super().changeEvent(event)

    def leaveEvent(self, event) -> None:
        self.element_hovered.emit(None)
        super().leaveEvent(event)

    def _apply_palette(self) -> None:
        palette = self.palette()
        style_plot_widget(self, palette)
        # Mosaic gaps (NaN, drawn transparent) show this darker grey, which stands out
        # from the white of values near 0.
        self.view.setBackgroundColor(palette.color(palette.ColorRole.Mid))
        titles = self._axis_titles or (None, None)
        style_axis(self.plot.getAxis("left"), palette, titles[0])
        style_axis(self.plot.getAxis("bottom"), palette, titles[1])
        style_axis(self.colour_bar.axis, palette, tick_scale=0.9)
        if self._picture is not None:
            self._set_ticks()  # tick spacing follows the (possibly larger) font


def _steps_for(shape: tuple, panel_pixels: tuple) -> tuple:
    """The ``(row_step, col_step)`` that fit ``shape`` into the panel (and MAX_DISPLAY_SIDE)."""
    rows, cols = shape
    return (
        max(1, math.ceil(rows / MAX_DISPLAY_SIDE), math.ceil(rows / panel_pixels[0])),
        max(1, math.ceil(cols / MAX_DISPLAY_SIDE), math.ceil(cols / panel_pixels[1])),
    )


def _needs_coarser(shape: tuple, display: DisplayImage, panel_pixels: tuple) -> bool:
    row_step, col_step = _steps_for(shape, panel_pixels)
    return row_step > display.row_step or col_step > display.col_step


def _tile_ticks(
    count: int, tile: int, pixels_per_tile: float | None = None, label_pixels: float = 0.0
) -> list:
    """Ticks at tile centres labelled with the tile's channel.

    At most ~10 of them, and never closer than a label's width: with
    ``pixels_per_tile`` known, every ``step``-th tile (1, 2, 5, 10, 20, ...).
    """
    step = max(1, int(np.ceil(count / 10)))
    if pixels_per_tile:
        needed = (label_pixels + 6.0) / pixels_per_tile
        nice = next(n for m in (1, 10, 100, 1000, 10**6) for n in (m, 2 * m, 5 * m) if n >= needed)
        step = max(step, nice)
    return [(k * (tile + 1) + (tile - 1) / 2.0, str(k)) for k in range(0, count, step)]
