"""Controls for an N-D parameter's picture: mosaic or 2-D slice, axes, and sliders."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QWidget,
)

from .array_display import ViewChoice, default_view_choice, mosaic_is_possible

__all__ = ["AxisControls"]


class AxisControls(QWidget):
    """Mosaic/slice switch, row and column axis choice, and a slider per other axis.

    Signals
    -------
    choice_changed()
        The user picked another layout, axis or slice index.
    """

    choice_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._shape: tuple = ()
        self._updating = False
        self.mode_box = QComboBox()
        self.mode_box.addItem("Mosaic of tiles", "mosaic")
        self.mode_box.addItem("2-D slice", "slice")
        self.row_box = QComboBox()
        self.col_box = QComboBox()
        self.rows_label = QLabel("rows")
        self.cols_label = QLabel("columns")
        self.sliders: dict[int, QSlider] = {}
        self._slider_labels: dict[int, QLabel] = {}
        self._slider_row = QHBoxLayout()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel("Show"))
        layout.addWidget(self.mode_box)
        layout.addSpacing(12)
        for widget in (self.rows_label, self.row_box, self.cols_label, self.col_box):
            layout.addWidget(widget)
        layout.addSpacing(12)
        layout.addLayout(self._slider_row, 1)
        layout.addStretch(0)
        self.mode_box.currentIndexChanged.connect(self._on_mode)
        self.row_box.currentIndexChanged.connect(lambda _: self._on_axis(self.row_box))
        self.col_box.currentIndexChanged.connect(lambda _: self._on_axis(self.col_box))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_shape(self, shape: tuple) -> None:
        """Controls for an array of ``shape``; keeps the user's choice when only values change."""
        shape = tuple(shape)
        if shape == self._shape:
            return
        self._shape = shape
        self._updating = True
        default = default_view_choice(shape)
        self.mode_box.model().item(0).setEnabled(mosaic_is_possible(shape))
        self.mode_box.setCurrentIndex(0 if default.mode == "mosaic" else 1)
        for box in (self.row_box, self.col_box):
            box.clear()
            for axis, size in enumerate(shape):
                box.addItem(f"axis {axis} ({size})", axis)
        # The slice shows the last two axes (a conv kernel's kh × kw image), with
        # sliders for the others (output and input channel).
        self.row_box.setCurrentIndex(default.row_axis)
        self.col_box.setCurrentIndex(default.col_axis)
        self._rebuild_sliders()
        self._updating = False
        self._show_relevant()

    @property
    def shape(self) -> tuple:
        """The shape the controls were built for."""
        return self._shape

    def choice(self) -> ViewChoice:
        fixed = [0] * len(self._shape)
        for axis, slider in self.sliders.items():
            fixed[axis] = slider.value()
        return ViewChoice(
            self.mode_box.currentData() or "slice",
            self.row_box.currentData() or 0,
            1 if self.col_box.currentData() is None else self.col_box.currentData(),
            tuple(fixed),
        )

    def set_choice(self, choice: ViewChoice) -> None:
        """Select ``choice`` as if the user had (used by tests and the session)."""
        self._updating = True
        self.mode_box.setCurrentIndex(self.mode_box.findData(choice.mode))
        self.row_box.setCurrentIndex(choice.row_axis)
        self.col_box.setCurrentIndex(choice.col_axis)
        self._rebuild_sliders()
        for axis, slider in self.sliders.items():
            if axis < len(choice.fixed):
                slider.setValue(choice.fixed[axis])
        self._updating = False
        self._show_relevant()
        self.choice_changed.emit()

    # ----------------------------------------------------------------- internals
    def _on_mode(self, _index: int) -> None:
        if self._updating:
            return
        self._show_relevant()
        self.choice_changed.emit()

    def _on_axis(self, changed: QComboBox) -> None:
        if self._updating:
            return
        other = self.col_box if changed is self.row_box else self.row_box
        if changed.currentData() == other.currentData():
            # Rows and columns must differ: give the other box the axis this one left.
            used = {self.row_box.currentData(), self.col_box.currentData()}
            free = [a for a in range(len(self._shape)) if a not in used]
            self._updating = True
            other.setCurrentIndex(
                changed.property("previous_axis")
                if changed.property("previous_axis") is not None
                else free[0]
            )
            self._updating = False
        for box in (self.row_box, self.col_box):
            box.setProperty("previous_axis", box.currentData())
        self._rebuild_sliders()
        self._show_relevant()
        self.choice_changed.emit()

    def _rebuild_sliders(self) -> None:
        previous = {axis: slider.value() for axis, slider in self.sliders.items()}
        while self._slider_row.count():
            item = self._slider_row.takeAt(0)
            if item.widget() is not None:
                # Hidden now: deleteLater waits for the event loop, and until then an
                # old slider would still paint (in mosaic mode too).
                item.widget().hide()
                item.widget().deleteLater()
        self.sliders.clear()
        self._slider_labels.clear()
        for box in (self.row_box, self.col_box):
            box.setProperty("previous_axis", box.currentData())
        shown = {self.row_box.currentData(), self.col_box.currentData()}
        for axis, size in enumerate(self._shape):
            if axis in shown:
                continue
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(0, size - 1)
            slider.setValue(min(previous.get(axis, 0), size - 1))
            slider.setMinimumWidth(80)
            label = QLabel()
            widest = f"axis {axis}: {size}/{size}"
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance(widest))
            slider.valueChanged.connect(self._on_slider)
            self.sliders[axis] = slider
            self._slider_labels[axis] = label
            self._slider_row.addWidget(label)
            self._slider_row.addWidget(slider, 1)
        self._update_slider_labels()

    def _on_slider(self, _value: int) -> None:
        self._update_slider_labels()
        if not self._updating:
            self.choice_changed.emit()

    def _update_slider_labels(self) -> None:
        for axis, slider in self.sliders.items():
            self._slider_labels[axis].setText(
                f"axis {axis}: {slider.value()}/{self._shape[axis] - 1}"
            )

    def _show_relevant(self) -> None:
        slicing = self.mode_box.currentData() == "slice"
        for widget in (self.rows_label, self.row_box, self.cols_label, self.col_box):
            widget.setVisible(slicing)
        for axis, slider in self.sliders.items():
            slider.setVisible(slicing)
            self._slider_labels[axis].setVisible(slicing)
