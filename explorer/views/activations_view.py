"""The activations view: the input batch and every layer's output, as small pictures.

Like TensorFlow Playground's neuron thumbnails: one row per layer (in call
order) with a picture per channel of the chosen example for image-shaped
outputs, or one ``examples × units`` picture for feature vectors, plus a
histogram of all the layer's values. The first row is the input batch itself
(the digit images of ``digits-cnn``). Pictures of one row share a colour
scale (grey for the input, viridis for one-signed outputs such as ReLU's,
blue–white–red around 0 otherwise). The outputs come from one traced forward
pass (``Session.trace_forward(keep_outputs=True)``, under ``autograd.pause()``),
taken again — at most a few times a second — when parameters change.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.activations import LayerActivation, input_pictures, layer_activations
from ..core.forward_trace import TraceError
from .export import add_export_actions
from .flow_layout import FlowLayout
from .heatmap_panel import diverging_colormap, sequential_colormap
from .on_screen import is_unseen

__all__ = ["ActivationsView", "picture_pixmap"]

THUMBNAIL_SIDE = 56
REFRESH_DELAY_MS = 250


def _lookup_table(kind: str) -> np.ndarray:
    if kind == "grey":
        ramp = np.arange(256, dtype=np.uint8)
        return np.stack([ramp, ramp, ramp], axis=1)
    cmap = sequential_colormap() if kind == "sequential" else diverging_colormap()
    return cmap.getLookupTable(0.0, 1.0, 256, alpha=False).astype(np.uint8)


def picture_pixmap(
    picture: np.ndarray, low: float, high: float, kind: str, side: int = THUMBNAIL_SIDE
) -> QPixmap:
    """``picture`` (2-D) coloured over ``[low, high]`` and scaled to about ``side`` pixels."""
    span = high - low if high > low else 1.0
    with np.errstate(invalid="ignore"):
        scaled = np.clip((np.nan_to_num(picture, nan=low) - low) / span * 255, 0, 255)
    rgb = np.ascontiguousarray(_lookup_table(kind)[scaled.astype(np.uint8)])
    rows, cols = picture.shape
    image = QImage(rgb.data, cols, rows, 3 * cols, QImage.Format.Format_RGB888).copy()
    if rows >= cols:
        height, width = side, max(2, round(side * cols / rows))
    else:  # a wide examples × units table: wider, each row at least 3 pixels tall
        width = min(6 * side, max(side, cols * 3))
        height = max(min(side, rows * 8), min(2 * side, rows * 3))
    return QPixmap.fromImage(
        image.scaled(
            width,
            height,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.FastTransformation,
        )
    )


def histogram_pixmap(
    values: np.ndarray, colour: QColor, width: int = 120, height: int = THUMBNAIL_SIDE
) -> QPixmap:
    """A small bar histogram of ``values`` (30 bins between min and max).

    Bar heights follow the square root of the counts, so a spike of exact zeros
    (ReLU) leaves the rest of the shape visible; a baseline marks the axis.
    """
    pixmap = QPixmap(width, height)
    pixmap.fill(Qt.GlobalColor.transparent)
    finite = values[np.isfinite(values)]
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        counts, _ = np.histogram(finite, bins=30, range=(low, high if high > low else low + 1))
        painter = QPainter(pixmap)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        bar = width / len(counts)
        heights = np.sqrt(counts)
        top = heights.max() or 1
        painter.drawRect(0, height - 1, width, 1)
        for i, count in enumerate(heights):
            h = (height - 2) * count / top
            painter.drawRect(int(i * bar), int(height - h), max(1, int(bar) - 1), int(h))
        painter.end()
    return pixmap


class ActivationsView(QWidget):
    """Input batch and layer outputs of the open model, one row each.

    Attributes
    ----------
    layers : list of LayerActivation
        What is drawn, input batch first.
    """

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self._session = session
        self._stale = True
        self.layers: list[LayerActivation] = []
        self.rows: list[QWidget] = []
        self.example_box = QSpinBox()
        self.example_box.setPrefix("example ")
        self.example_box.setToolTip("Which example of the batch the channel pictures show")
        self.example_box.valueChanged.connect(lambda _=0: self.refresh())
        retrace = QPushButton("Run again")
        retrace.setToolTip("Run the batch through the model again (nothing in it changes)")
        retrace.clicked.connect(self.refresh)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        top = QHBoxLayout()
        intro = QLabel("Each layer's output for the model's batch")
        intro.setWordWrap(True)
        top.addWidget(intro, 1)
        top.addWidget(self.example_box)
        top.addWidget(retrace)
        self.rows_widget = QWidget()
        self.rows_layout = QVBoxLayout(self.rows_widget)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(self.rows_widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.message_label)
        layout.addWidget(self.scroll_area, 1)
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._timer.timeout.connect(self._catch_up)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(
            lambda pos: self.context_menu().exec(self.mapToGlobal(pos))
        )

    # --------------------------------------------------------------------- API
    def structure_changed(self) -> None:
        self._stale = True
        self._catch_up()

    def values_changed(self, _params) -> None:
        """Parameters moved: the outputs did too (redrawn after a short pause, if visible)."""
        self._stale = True
        self._timer.start()

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        add_export_actions(menu, self.rows_widget, "activations")
        return menu

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._catch_up()

    def refresh(self) -> None:
        """Trace the batch through the model and draw every layer's output."""
        self._stale = False
        self._clear_rows()
        if self._session.net is None:
            self._show_message("No model is open.")
            return
        try:
            trace = self._session.trace_forward(keep_outputs=True)
        except TraceError as exc:
            self._show_message(str(exc))
            return
        self.message_label.hide()
        self.example_box.blockSignals(True)
        self.example_box.setRange(0, max(0, trace.input_shape[0] - 1) if trace.input_shape else 0)
        self.example_box.blockSignals(False)
        self.layers = [input_pictures(trace.batch)]
        self.layers += layer_activations(trace, self.example_box.value())
        for index, layer in enumerate(self.layers):
            row = self._row(layer, grey=index == 0)
            self.rows.append(row)
            self.rows_layout.insertWidget(self.rows_layout.count() - 1, row)

    # ---------------------------------------------------------------- internals
    def _catch_up(self) -> None:
        if self._stale and not is_unseen(self):
            self.refresh()

    def _show_message(self, text: str) -> None:
        self.layers = []
        self.message_label.setText(text)
        self.message_label.show()

    def _clear_rows(self) -> None:
        for row in self.rows:
            self.rows_layout.removeWidget(row)
            row.deleteLater()
        self.rows = []

    def _row(self, layer: LayerActivation, grey: bool) -> QWidget:
        row = QFrame()
        row.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(row)
        layout.setContentsMargins(6, 4, 6, 4)
        title = QLabel(layer.title)
        font = QFont(self.font())
        font.setBold(True)
        title.setFont(font)
        caption = QLabel(layer.caption)
        caption.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(caption)
        pictures = QWidget()
        flow = FlowLayout(pictures, spacing=3)
        if grey:
            kind, low, high = "grey", layer.low, layer.high
        elif layer.low >= 0:
            kind, low, high = "sequential", layer.low, layer.high
        else:  # signed: symmetric around 0, as the heatmaps
            bound = max(abs(layer.low), abs(layer.high))
            kind, low, high = "diverging", -bound, bound
        for number, picture in enumerate(layer.pictures):
            label = QLabel()
            label.setPixmap(picture_pixmap(picture, low, high, kind))
            label.setToolTip(
                f"{layer.title}: picture {number}, {picture.shape[0]} × {picture.shape[1]}"
            )
            flow.addWidget(label)
        palette = self.palette()
        histogram = QLabel()
        histogram.setPixmap(
            histogram_pixmap(layer.values, palette.color(palette.ColorRole.Highlight))
        )
        histogram.setToolTip(f"Histogram of all {layer.values.size:,} values")
        flow.addWidget(histogram)
        layout.addWidget(pictures)
        return row
