"""The tensor view: Data | Gradient of one engine Parameter.

Each column is an :class:`ArrayPanel` (heatmap above, histogram and
statistics below). The view polls nothing: the window forwards the watcher's
``values_changed`` / ``grads_changed`` events, and the view redraws only the
columns whose array changed — and only while it is visible (a hidden view
marks itself stale and catches up when shown). It draws copies taken by its
snapshot source (``Session.snapshot``, under the session's lock), never the
live buffer a training step writes.

While training, the data and the gradient of the shown parameter move
together: the view copies both under one hold of the snapshot lock (each
hold makes the training worker wait for a hand-over) and redraws each array
only when its version moved since it was drawn, so two events for the same
step draw once.
"""

from __future__ import annotations

import html
from contextlib import nullcontext

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.block_tree import shape_text
from ..theory import TheoreticalSpread, theoretical_spread
from .array_display import (
    ViewChoice,
    format_index,
    format_value,
)
from .array_panel import ArrayPanel
from .axis_controls import AxisControls
from .header_area import HeaderArea
from .on_screen import is_unseen
from .plot_style import plot_font

__all__ = ["TensorView", "ArrayPanel", "AxisControls"]


def _copy_of(param, grad: bool):
    """A copy of the parameter's data or gradient (the default snapshot source)."""
    if not param.is_initialized or (grad and param.grad_req == "null"):
        return None
    return (param.grad() if grad else param.data()).asnumpy()


class TensorView(QWidget):
    """Data | Gradient panels for one engine Parameter.

    Signals
    -------
    hovered(str)
        ``"net[0].weight[3, 17] = -0.0123"`` for the element under the pointer
        (``""`` when the pointer leaves a heatmap), for the status bar.
    """

    hovered = Signal(str)

    def __init__(self, parent=None, snapshot=None, snapshot_lock=None):
        super().__init__(parent)
        self._snapshot = snapshot or _copy_of
        self._snapshot_lock = snapshot_lock
        self._drawn_versions = (None, None)  # (data, grad) versions of the arrays drawn
        self._param = None
        self._access_path = ""
        self._state = None
        self._data_stale = self._grad_stale = False
        self._tie_text = ""
        self._past = None  # (step, values) shown instead of the live values (a scrub)
        self.pages: QTabWidget | None = None  # made by add_page
        self.header_label = QLabel()
        self.header_label.setFont(plot_font(1.1))
        self.header_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.header_label.setWordWrap(True)
        self.axis_controls = AxisControls()
        self.axis_controls.hide()
        self.data_panel = ArrayPanel("Data")
        self.grad_panel = ArrayPanel("Gradient")
        self._gradient_note = ""
        # The right column shows the gradient or the last update (after - before) the
        # optimizer made: ``update_source(param) -> (step, update) | None``, set by the window.
        self.update_source = None
        self._right = "gradient"
        # Offered once a training step has run (before, there is no update to show), as a
        # link at the end of the column's title: a row of buttons above the columns cost
        # the statistics table's first line at 1024x768, and at 32 pt a row set the
        # window's minimum width past the screen.
        self._update_offered = False
        self.grad_panel.title_label.linkActivated.connect(
            lambda target: self.show_last_update(target == "update")
        )
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
        self.header_area = HeaderArea(self.header_label)
        layout.addWidget(self.header_area, 0)
        layout.addWidget(self.axis_controls, 0)
        layout.addWidget(self.scroll_area, 1)
        self.axis_controls.choice_changed.connect(self._on_choice_changed)
        self.data_panel.heatmap.element_hovered.connect(
            lambda element: self._report_hover(element, "")
        )
        self.grad_panel.heatmap.element_hovered.connect(
            lambda element: self._report_hover(element, ".grad()")
        )
        self.clear()

    # --------------------------------------------------------------------- API
    @property
    def parameter(self):
        """The shown Parameter, or None."""
        return self._param

    def add_page(self, title: str, widget: QWidget) -> None:
        """Put ``widget`` in a tab beside the heatmaps (the values grid, for one)."""
        if self.pages is None:
            self.pages = QTabWidget()
            # Tabs on the side: the heatmaps keep every pixel of height at 1024×768.
            self.pages.setTabPosition(QTabWidget.TabPosition.West)
            self.pages.setDocumentMode(True)
            self.layout().replaceWidget(self.scroll_area, self.pages)
            self.pages.addTab(self.scroll_area, "Heatmaps")
        self.pages.addTab(widget, title)

    def set_snapshot_source(self, snapshot, lock=None) -> None:
        """``snapshot(param, grad)`` returns the NumPy copy to draw (``Session.snapshot``).

        ``lock`` (re-entrant, the one ``snapshot`` takes) is held around the two
        copies of one redraw, so data and gradient come from the same step.
        """
        self._snapshot = snapshot
        self._snapshot_lock = lock

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.Type.ApplicationFontChange, QEvent.Type.FontChange) and hasattr(
            self, "header_label"
        ):
            self.header_label.setFont(plot_font(1.1))
            self.header_area.fit()
        super().changeEvent(event)

    def show_parameter(self, param, access_path: str = "", tie_text: str = "") -> None:
        """Show ``param`` (an ``engine.gluon.Parameter``), named ``access_path`` on screen.

        ``tie_text`` (``'tied: the same Parameter as net[1].weight'``) joins the header.
        """
        self._tie_text = tie_text
        self._param = param
        self._past = None
        self._access_path = access_path or param.name
        self._state = None
        self._drawn_versions = (None, None)
        self._data_stale = self._grad_stale = True
        for panel in (self.data_panel, self.grad_panel):
            panel.decorate_next_redraw()  # another array: its own scale at once
        self._catch_up()

    def clear(self, message: str = "") -> None:
        """Show nothing but ``message`` (e.g. 'Select a parameter in the tree')."""
        self._param = None
        self._past = None
        self._state = None
        self._data_stale = self._grad_stale = False
        self.header_label.setText(message or "No parameter selected")
        self.header_area.fit()
        self.axis_controls.hide()
        self.data_panel.show_message(message or "Select a parameter to see its values.")
        self.grad_panel.show_message("")

    def show_past(self, scrub) -> None:
        """Show the values a histogram snapshot kept, ``(param, step, values)``, until
        ``None`` comes (the slider back at the newest snapshot): then live again."""
        if scrub is None:
            if self._past is not None:
                self._past = None
                if self._right == "gradient":
                    self.grad_panel.set_title("Gradient", self._gradient_note)
                self._show_right_link()
                self._data_stale = self._grad_stale = True
                self._catch_up()
            return
        param, step, values = scrub
        if param is not self._param or not param.is_initialized:
            return
        self._past = (step, values)
        self._show_values(values)
        # (no batch, and no link: neither the gradient nor the update of that step is kept)
        self.grad_panel.set_title("Gradient" if self._right == "gradient" else "Last update")
        self.grad_panel.set_title_link()
        self.grad_panel.show_message(
            "Gradients are not kept for past steps. Drag the Histograms slider to its "
            "end to see the latest."
        )

    def set_live(self, on: bool) -> None:
        """Training runs (redraws come many a second) or not: see ``ArrayPanel.set_live``."""
        for panel in (self.data_panel, self.grad_panel):
            panel.set_live(on)

    def set_gradient_note(self, note: str) -> None:
        """Say in the Gradient column's title which batch produced the gradient."""
        if note != self._gradient_note:  # (called at every poll while training)
            self._gradient_note = note
            if self._right == "gradient" and self._past is None:
                self.grad_panel.set_title("Gradient", note)

    def offer_last_update(self, on: bool) -> None:
        """Offer the last update in the right column (once training ran), or withdraw it
        and show the gradient (a reset run has no update)."""
        if on == self._update_offered:  # (asked at every poll)
            return
        self._update_offered = on
        if not on and self._right == "update":
            self.show_last_update(False)
        self._show_right_link()

    @property
    def showing_last_update(self) -> bool:
        return self._right == "update"

    def show_last_update(self, on: bool) -> None:
        """The right column shows the last update (``True``) or the gradient."""
        right = "update" if on else "gradient"
        if right == self._right:
            return
        self._right = right
        if right == "gradient":
            self.grad_panel.set_title("Gradient", self._gradient_note)
        self._show_right_link()
        self._grad_stale = True
        if self._past is None:
            self._catch_up()

    def _show_right_link(self) -> None:
        if not self._update_offered or self._past is not None:
            self.grad_panel.set_title_link()
        elif self._right == "update":
            self.grad_panel.set_title_link("show the gradient", "gradient")
        else:
            self.grad_panel.set_title_link("show the last update", "update")

    def values_changed(self, params) -> None:
        """The watcher saw these parameters' data written: redraw if one is shown."""
        if self._param is not None and any(p is self._param for p in params):
            self._catch_up()  # redraws what moved since it was drawn (see _catch_up)

    def grads_changed(self, params) -> None:
        """The watcher saw these parameters' gradients written: redraw if one is shown."""
        if self._param is not None and any(p is self._param for p in params):
            self._catch_up()

    def parameters_changed(self, values, grads) -> None:
        """The watcher's poll saw data and/or gradients written: one redraw for both."""
        if self._param is not None and any(p is self._param for p in (*values, *grads)):
            self._catch_up()

    def structure_changed(self) -> None:
        """Shapes may have become known, grad_req may have changed: check the shown one."""
        if self._param is not None:
            self._data_stale = self._grad_stale = True
            self._catch_up()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._catch_up()

    # ---------------------------------------------------------------- internals
    def _catch_up(self) -> None:
        """Redraw what is stale, if anyone can see it (hidden views wait until shown)."""
        param = self._param
        if param is None or is_unseen(self) or self._past is not None:
            return  # (a scrubbed view keeps its past step until it is made live again)
        if not (self._data_stale or self._grad_stale) and self._drawn_versions == (
            param.version,
            param.grad_version,
        ):
            return
        state = (
            param.is_initialized,
            param.is_deferred,
            param.shape,
            param.grad_req,
            str(param.dtype),
        )
        if state != self._state:
            self._state = state
            self._data_stale = self._grad_stale = True
            self._show_state()
        if not param.is_initialized:
            self._data_stale = self._grad_stale = False
            return
        values = grad = None
        with self._snapshot_lock or nullcontext():
            # One event says the data moved, the other the gradient: a step moves both,
            # so both are copied now (one hold of the lock) when both versions moved.
            data_version, grad_version = param.version, param.grad_version
            drawn_data, drawn_grad = self._drawn_versions
            draw_data = self._data_stale or data_version != drawn_data
            draw_grad = self._grad_stale or grad_version != drawn_grad
            self._data_stale = self._grad_stale = False
            if draw_data:
                values = self._snapshot(param, False)
            showing_update = self._right == "update"
            if showing_update:
                if draw_data or draw_grad:
                    update = self.update_source(param) if self.update_source else None
            elif draw_grad and param.grad_req != "null":
                grad = self._snapshot(param, True)
            self._drawn_versions = (data_version, grad_version)
        if values is not None:
            self._show_values(values)
        if grad is not None:
            self.grad_panel.show_array(grad, self._choice())
        if showing_update and (draw_data or draw_grad):
            self._show_update(update)

    def _show_values(self, values) -> None:
        """Draw ``values`` of the shown parameter in the Data column, and the header."""
        param = self._param
        self._prepare_axis_controls(values.shape)
        spread = theoretical_spread(param.last_initializer, values.shape, param.name)
        self.data_panel.show_array(values, self._choice(), spread)
        self._show_header(spread)

    def _show_update(self, update) -> None:
        if update is None:
            self.grad_panel.set_title("Last update", "")
            self.grad_panel.show_message(
                "No update kept yet: train a step (Play or Step) with this parameter "
                "selected to see how the optimizer moved its values."
            )
            return
        step, values = update
        self.grad_panel.set_title("Last update", f"of step {step:,}: after − before")
        self.grad_panel.show_array(values, self._choice())

    # ---------------------------------------------------------------- internals
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
        name, shape = param.name, shape_text(param.shape)
        self._show_header(None)
        if param.is_initialized:
            if param.grad_req == "null":
                self.grad_panel.show_message(f"grad_req='null': no gradient for {name}")
            return
        self.axis_controls.hide()
        if param.is_deferred:
            text = f"{name}: deferred until the first forward pass (shape {shape})"
        else:
            text = (
                f"{name}: not initialized (shape {shape}). Call initialize() on it or on its block."
            )
        self.data_panel.show_message(text)
        self.grad_panel.show_message("No gradient before the data exists.")

    # ``describe_write(param) -> 'trained' | 'edited'``, set by the window: how the
    # values moved since their initializer ran ("then trained" after a run).
    describe_write = None

    def _show_header(self, spread: TheoreticalSpread | None) -> None:
        param = self._param
        parts = [f"<b>{html.escape(self._access_path)}</b>"]
        if self._past is not None:  # (second: a long header scrolls, this must be seen)
            parts.append(
                f"<span style='color:#d9822b'>as it was at step {self._past[0]:,} "
                f"(Histograms slider)</span>"
            )
        if self._access_path != param.name:
            parts.append(html.escape(param.name))
        parts.append(f"shape {shape_text(param.shape)}")
        parts.append(str(np.dtype(param.dtype)) if param.dtype is not None else "")
        if param.grad_req != "write":
            parts.append(f"grad_req='{param.grad_req}'")
        if self._tie_text:
            parts.append(f"<span style='color:#d9822b'>{html.escape(self._tie_text)}</span>")
        if param.is_initialized:
            initializer = param.last_initializer
            if initializer is None:
                parts.append("values set directly")
            else:
                edited = ""
                if param.edited_since_init:
                    how = self.describe_write(param) if self.describe_write else "edited"
                    edited = f", then {how}"
                parts.append(html.escape(f"initialized by {initializer!r}{edited}"))
        text = "  ·  ".join(p for p in parts if p)
        if text != self.header_label.text():  # redrawn 30 times a second while training
            self.header_label.setText(text)
            self.header_area.fit()

    def _on_choice_changed(self) -> None:
        choice = self.axis_controls.choice()
        for panel in (self.data_panel, self.grad_panel):
            panel.redraw_picture(choice)

    def _report_hover(self, element, suffix: str) -> None:
        if element is None:
            self.hovered.emit("")
            return
        index, value, (row_step, col_step) = element
        name = self._access_path or "value"
        text = f"{name}{suffix}{format_index(index)} = {format_value(value)}"
        if row_step > 1 or col_step > 1:
            text += f"  (largest |x| of its {row_step}×{col_step} block)"
        self.hovered.emit(text)
