"""``HistogramStripView``: the selected parameter's histogram over a run, as a heat strip.

Each column is one snapshot (every N steps, N set here), coloured by the
share of values in each bin; a time slider scrubs back through the run and
shows that snapshot's histogram below the strip. Redrawn at most twice a
second while training, and only while visible.

Scrubbing also takes the tensor view back: :attr:`HistogramStripView.scrubbed`
carries the parameter's values at the slider's step (kept by the snapshot,
see ``core/histogram_history.py``), and ``None`` when the slider is back at
the newest snapshot (the tensor view is live again).
"""

from __future__ import annotations

import time

import numpy as onp
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSlider, QSpinBox, QVBoxLayout, QWidget

from .flow_layout import FlowLayout
from .on_screen import is_on_screen
from .plot_style import StepAxisItem, plain_number_axes

__all__ = ["HistogramStripView"]

REDRAW_INTERVAL_S = 0.5


class HistogramStripView(QWidget):
    """Histograms over time of the selected parameter (see the module docstring).

    Signals
    -------
    scrubbed(object)
        ``(param, step, values)`` when the slider leaves the newest snapshot,
        ``None`` when it comes back to it (or there is nothing to show).
    """

    scrubbed = Signal(object)

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self._scrubbed_to = None  # the step the tensor view was sent back to
        self._drawn_at = 0.0
        self._drawn_count = None
        self._image = onp.zeros((0, 1))
        self._steps = onp.zeros(0, int)
        self._edges = onp.linspace(-1, 1, 2)
        self.title_label = QLabel("Select a parameter, then train.")
        # Long paths wrap rather than set the dock's minimum width.
        self.title_label.setWordWrap(True)
        self.title_label.setMinimumWidth(80)
        self.interval_box = QSpinBox()
        self.interval_box.setRange(1, 100_000)
        self.interval_box.setValue(session.training.histograms.interval)
        self.interval_box.setSuffix(" steps")
        # The title, then "snapshot every [n steps]", wrapping in a narrow dock: in one
        # row they made the tabbed training docks 800 px wide at the largest text size.
        interval_row = QWidget()
        interval_layout = FlowLayout(interval_row, spacing=6)
        every = QLabel("snapshot every")
        every.setWordWrap(True)
        interval_layout.addWidget(every)
        interval_layout.addWidget(self.interval_box)
        controls = QVBoxLayout()
        controls.addWidget(self.title_label)
        controls.addWidget(interval_row)
        self.strip_plot = plain_number_axes(
            pg.PlotWidget(axisItems={"bottom": StepAxisItem("bottom")})
        )
        self.strip_plot.setLabel("bottom", "step")
        self.strip_plot.setLabel("left", "value")
        self.strip_image = pg.ImageItem()
        self.strip_image.setLookupTable(pg.colormap.get("viridis").getLookupTable(nPts=256))
        self.strip_plot.addItem(self.strip_image)
        self.cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen("#e74c3c", width=2))
        self.strip_plot.addItem(self.cursor)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slice_plot = plain_number_axes(pg.PlotWidget())
        self.slice_plot.setLabel("bottom", "value")
        self.slice_plot.setLabel("left", "share")
        self.slice_plot.setMaximumHeight(180)
        self.slice_curve = self.slice_plot.plot(
            stepMode="center", fillLevel=0, brush=pg.mkBrush("#2980b9")
        )
        self.slice_label = QLabel("")
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.strip_plot, 2)
        layout.addWidget(self.slider)
        layout.addWidget(self.slice_label)
        layout.addWidget(self.slice_plot, 1)
        self.interval_box.valueChanged.connect(session.training.histograms.set_interval)
        self.slider.valueChanged.connect(self._show_snapshot)

    def selection_changed(self, _path=None) -> None:
        """Follow the selected parameter (a new one starts its own strip)."""
        session = self.session
        param = session.selected_parameter()
        if param is not None:
            with session.lock:
                session.training.histograms.watch(param, session.selected_path)
        # Another parameter's strip starts at its newest snapshot (the tensor view is live).
        self.slider.blockSignals(True)
        self.slider.setRange(0, 0)
        self.slider.blockSignals(False)
        self._go_live()
        self._drawn_count = None
        self.training_changed()

    def training_changed(self) -> None:
        history = self.session.training.histograms
        if self._scrubbed_to is not None and not any(
            s.step == self._scrubbed_to and s.values is not None for s in list(history.snapshots)
        ):
            self._go_live()  # the run was reset or undone past the step shown
        if not is_on_screen(self):
            return
        now = time.monotonic()
        count = (
            len(history.snapshots),
            id(history.param),
            self.session.training.history_generation,  # undo/redo may swap the snapshots
        )
        if count == self._drawn_count or (
            self.session.training.running and now - self._drawn_at < REDRAW_INTERVAL_S
        ):
            return
        self._drawn_at, self._drawn_count = now, count
        self.refresh()

    def refresh(self) -> None:
        history = self.session.training.histograms
        self.title_label.setText(
            f"{history.path}: {len(history.snapshots)} snapshots"
            if history.path
            else "Select a parameter, then train."
        )
        if self.interval_box.value() != history.interval:  # set elsewhere, or doubled
            self.interval_box.blockSignals(True)
            self.interval_box.setValue(history.interval)
            self.interval_box.blockSignals(False)
        image, steps, edges = history.strip()
        self._image, self._steps, self._edges = image, steps, edges
        if not len(steps):
            self.strip_image.clear()
            self.slider.setRange(0, 0)
            self._go_live()
            return
        # sqrt keeps the tails visible next to the peak
        shown = onp.sqrt(image).astype(onp.float32)
        self.strip_image.setImage(shown, autoLevels=False, levels=(0, float(shown.max()) or 1))
        width = float(steps[-1] - steps[0]) or 1.0
        self.strip_image.setRect(
            float(steps[0]), float(edges[0]), width, float(edges[-1] - edges[0])
        )
        at_end = self.slider.value() == self.slider.maximum()
        self.slider.setRange(0, len(steps) - 1)
        if at_end:
            self.slider.setValue(len(steps) - 1)
        self._show_snapshot(self.slider.value())

    def _show_snapshot(self, index: int) -> None:
        if not len(self._steps):
            return
        index = max(0, min(index, len(self._steps) - 1))
        step = int(self._steps[index])
        self.cursor.setValue(float(step))
        self.slice_curve.setData(self._edges, self._image[index])
        if index == len(self._steps) - 1:
            self.slice_label.setText(f"step {step:,}")
            self._go_live()
            return
        history = self.session.training.histograms
        found = history.values_near(index)
        if found is None:
            self.slice_label.setText(f"step {step:,} (its values were not kept)")
            self._go_live()
            return
        shown_step, values = found
        note = "" if shown_step == step else f"; nearest kept values: step {shown_step:,}"
        self.slice_label.setText(f"step {step:,} · shown in the tensor view{note}")
        if shown_step != self._scrubbed_to:
            self._scrubbed_to = shown_step
            self.scrubbed.emit((history.param, shown_step, values))

    def dock_visibility_changed(self, visible: bool) -> None:
        """The tensor view shows a past step only while this view can be seen: behind
        another tab it is live again, and back in front it returns to the slider's step."""
        if not visible:
            self._go_live()
        elif len(self._steps):
            self._show_snapshot(self.slider.value())

    def _go_live(self) -> None:
        if self._scrubbed_to is not None:
            self._scrubbed_to = None
            self.scrubbed.emit(None)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._drawn_count = None
        self.training_changed()
