"""The tensor view: Data | Gradient (| Last update) of one engine Parameter.

Each column is an :class:`ArrayPanel` (heatmap above, histogram and
statistics below). The view polls the parameter's change counters in
:meth:`TensorView.refresh` (the main window calls it from its ≤ 30 Hz timer
and after actions) and redraws only the columns whose array changed, so an
idle view costs a few integer compares per tick, and statistics of a large
array are computed once per change.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..theory import TheoreticalSpread, theoretical_spread
from .array_display import (
    ViewChoice,
    format_index,
    format_value,
)
from .array_panel import ArrayPanel
from .axis_controls import AxisControls
from .plot_style import plot_font

__all__ = ["TensorView", "ArrayPanel", "AxisControls"]



def _shape_text(shape) -> str:
    if shape is None:
        return "unknown"
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


class TensorView(QWidget):
    """Data | Gradient (| Last update) panels for one engine Parameter.

    Signals
    -------
    hovered(str)
        ``"net[0].weight[3, 17] = -0.0123"`` for the element under the pointer
        (``""`` when the pointer leaves a heatmap), for the status bar.
    """

    hovered = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._param = None
        self._access_path = ""
        self._state = None
        self._data_key = None
        self._grad_key = None
        self._update_values: np.ndarray | None = None
        self._tie_text = ""
        self.header_label = QLabel()
        self.header_label.setFont(plot_font(1.1))
        self.header_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.header_label.setWordWrap(True)
        self.axis_controls = AxisControls()
        self.axis_controls.hide()
        self.data_panel = ArrayPanel("Data")
        self.grad_panel = ArrayPanel("Gradient")
        # Built by the first set_update() with values: most sessions never train, and
        # each column's three plots cost ~50 ms of start-up.
        self.update_panel: ArrayPanel | None = None
        self._columns = columns = QHBoxLayout()
        columns.setSpacing(6)
        for panel in (self.data_panel, self.grad_panel):
            columns.addWidget(panel, 1)
        # The plots keep a readable minimum size (large text on a projector, a small
        # window): below it the columns scroll instead of squashing the heatmap to nothing.
        columns_widget = QWidget()
        columns_widget.setLayout(columns)
        columns.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(columns_widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.header_label, 0)
        layout.addWidget(self.axis_controls, 0)
        layout.addWidget(self.scroll_area, 1)
        self.axis_controls.choice_changed.connect(self._on_choice_changed)
        self.data_panel.heatmap.element_hovered.connect(
            lambda element: self._report_hover(element, ""))
        self.grad_panel.heatmap.element_hovered.connect(
            lambda element: self._report_hover(element, ".grad()"))
        self.clear()

    # --------------------------------------------------------------------- API
    @property
    def parameter(self):
        """The shown Parameter, or None."""
        return self._param

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.Type.ApplicationFontChange, QEvent.Type.FontChange) \
                and hasattr(self, "header_label"):
            self.header_label.setFont(plot_font(1.1))
        super().changeEvent(event)

    def show_parameter(self, param, access_path: str = "", tie_text: str = "") -> None:
        """Show ``param`` (an ``engine.gluon.Parameter``), named ``access_path`` on screen.

        ``tie_text`` (``'tied: the same Parameter as net[1].weight'``) joins the header.
        """
        self._tie_text = tie_text
        self._param = param
        self._access_path = access_path or param.name
        self._state = self._data_key = self._grad_key = None
        self._hide_update()
        self.refresh()

    def clear(self, message: str = "") -> None:
        """Show nothing but ``message`` (e.g. 'Select a parameter in the tree')."""
        self._param = None
        self._state = self._data_key = self._grad_key = None
        self._update_values = None
        self.header_label.setText(message or "No parameter selected")
        self.axis_controls.hide()
        self.data_panel.show_message(message or "Select a parameter to see its values.")
        self.grad_panel.show_message("")
        self._hide_update()

    def refresh(self) -> bool:
        """Redraw only the panels whose array changed; True if anything redrew."""
        param = self._param
        if param is None:
            return False
        redrew = False
        state = (param.is_initialized, param.is_deferred, param.shape, param.grad_req,
                 str(param.dtype))
        if state != self._state:
            self._state = state
            self._data_key = self._grad_key = None
            self._show_state()
            redrew = True
        if not param.is_initialized:
            return redrew
        values = param.data().asnumpy_view()
        data_key = (id(values), values.shape, values.dtype, param.version)
        if data_key != self._data_key or values is not self.data_panel.values:
            self._data_key = data_key
            self._prepare_axis_controls(values.shape)
            spread = theoretical_spread(param.last_initializer, values.shape, param.name)
            self.data_panel.show_array(values, self._choice(), spread)
            self._show_header(spread)
            redrew = True
        if param.grad_req == "null":
            return redrew
        grad = param.grad().asnumpy_view()
        grad_key = (id(grad), grad.shape, grad.dtype, param.grad_version)
        if grad_key != self._grad_key or grad is not self.grad_panel.values:
            self._grad_key = grad_key
            self.grad_panel.show_array(grad, self._choice())
            redrew = True
        return redrew

    def set_update(self, values) -> None:
        """Show the last optimizer update of this parameter, or hide the column (None)."""
        if values is None:
            self._hide_update()
            return
        values = np.asarray(values)
        param = self._param
        if param is not None and param.is_initialized and tuple(values.shape) != tuple(
                param.shape):
            raise ValueError(f"The update has shape {tuple(values.shape)} but "
                             f"{self._access_path} has shape {tuple(param.shape)}")
        self._update_values = values
        panel = self._update_column()
        panel.show()
        panel.show_array(values, self._choice())

    # ---------------------------------------------------------------- internals
    def _update_column(self) -> ArrayPanel:
        if self.update_panel is None:
            self.update_panel = ArrayPanel("Last update")
            self.update_panel.heatmap.element_hovered.connect(
                lambda element: self._report_hover(element, " update"))
            self._columns.addWidget(self.update_panel, 1)
        return self.update_panel

    def _hide_update(self) -> None:
        self._update_values = None
        if self.update_panel is not None:
            self.update_panel.show_message("")
            self.update_panel.hide()

    def _choice(self) -> ViewChoice | None:
        shape = self.axis_controls.shape
        return self.axis_controls.choice() if len(shape) >= 3 else None

    def _prepare_axis_controls(self, shape: tuple) -> None:
        if len(shape) >= 3:
            self.axis_controls.set_shape(shape)
            self.axis_controls.show()
        else:
            self.axis_controls.hide()

    def _show_state(self) -> None:
        param = self._param
        name, shape = param.name, _shape_text(param.shape)
        self._show_header(None)
        if param.is_initialized:
            if param.grad_req == "null":
                self.grad_panel.show_message(f"grad_req='null': no gradient for {name}")
            return
        self.axis_controls.hide()
        if param.is_deferred:
            text = f"{name}: deferred until the first forward pass (shape {shape})"
        else:
            text = (f"{name}: not initialized (shape {shape}). Call initialize() on it or "
                    f"on its block.")
        self.data_panel.show_message(text)
        self.grad_panel.show_message("No gradient before the data exists.")

    def _show_header(self, spread: TheoreticalSpread | None) -> None:
        param = self._param
        parts = [f"<b>{html.escape(self._access_path)}</b>"]
        if self._access_path != param.name:
            parts.append(html.escape(param.name))
        parts.append(f"shape {_shape_text(param.shape)}")
        parts.append(str(np.dtype(param.dtype)) if param.dtype is not None else "")
        if param.grad_req != "write":
            parts.append(f"grad_req='{param.grad_req}'")
        if self._tie_text:
            parts.append(f"<span style='color:#d9822b'>{html.escape(self._tie_text)}</span>")
        if param.is_initialized:
            initializer = param.last_initializer
            parts.append(html.escape(f"initialized by {initializer!r}") if initializer
                         is not None else "values set directly")
        self.header_label.setText("  ·  ".join(p for p in parts if p))

    def _on_choice_changed(self) -> None:
        choice = self.axis_controls.choice()
        for panel in (self.data_panel, self.grad_panel, self.update_panel):
            if panel is not None:
                panel.redraw_picture(choice)

    def _report_hover(self, element, suffix: str) -> None:
        if element is None:
            self.hovered.emit("")
            return
        index, value, (row_step, col_step) = element
        name = self._access_path or "value"
        if suffix == " update":
            text = f"update of {name}{format_index(index)} = {format_value(value)}"
        else:
            text = f"{name}{suffix}{format_index(index)} = {format_value(value)}"
        if row_step > 1 or col_step > 1:
            text += f"  (largest |x| of its {row_step}×{col_step} block)"
        self.hovered.emit(text)
