"""``ComparisonView``: train copies of the model from several initializers and overlay the results.

Checked initializers are compared over N steps on the session's data (same
batches, same seed) on a worker thread; the open model is not touched. The
view overlays the loss curves, and per layer the output spread, the output
gradient's spread (log scale) and the share of saturated or dead units.
"""

from __future__ import annotations

import threading

import numpy as onp
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ..core.init_comparison import DEFAULT_CHOICES, compare_initializers
from .flow_layout import FlowLayout
from .log_axis import LogAxisItem
from .plot_style import StepAxisItem, plain_number_axes, style_legend

__all__ = ["ComparisonView"]

COLOURS = ["#2980b9", "#e67e22", "#27ae60", "#8e44ad", "#c0392b"]


class ComparisonView(QWidget):
    """Compare initializations side by side (see the module docstring)."""

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.results = []
        self._thread = None
        self._outcome = None
        self._stop = False
        # The initializers wrap onto more lines in a narrow dock (a 1024-pixel window).
        controls = FlowLayout(spacing=8)
        self.choice_boxes = {}
        for i, label in enumerate(DEFAULT_CHOICES):
            box = QCheckBox(label)
            box.setChecked(i in (0, 3))
            self.choice_boxes[label] = box
            controls.addWidget(box)
        # Steps and the button on a row of their own: the dock fits a 1024-pixel window;
        # it wraps too, at the largest text size.
        run_row = FlowLayout(spacing=8)
        controls_rows = (controls, run_row)
        run_row.addWidget(QLabel("steps"))
        self.steps_box = QSpinBox()
        self.steps_box.setRange(1, 100_000)
        self.steps_box.setValue(300)
        run_row.addWidget(self.steps_box)
        self.run_button = QPushButton("Compare")
        self.run_button.setToolTip(
            "Train a copy of the model from each checked initializer "
            "(same data, same seed); the open model is not changed"
        )
        run_row.addWidget(self.run_button)
        self.status_label = QLabel("Uses the training panel's data, loss and optimizer.")
        self.status_label.setWordWrap(True)
        self.loss_plot = plain_number_axes(
            pg.PlotWidget(title="Loss", axisItems={"bottom": StepAxisItem("bottom")})
        )
        self.loss_plot.setLabel("bottom", "step")
        style_legend(self.loss_plot.addLegend(offset=(-10, 10)), self.palette())
        self.act_plot = plain_number_axes(pg.PlotWidget(title="Output std"))
        self.grad_plot = plain_number_axes(
            pg.PlotWidget(title="Gradient std (log)", axisItems={"left": LogAxisItem("left")})
        )
        self.grad_plot.setLogMode(y=True)
        self.bad_plot = plain_number_axes(pg.PlotWidget(title="Saturated / dead"))
        self.bad_plot.setYRange(0, 1)
        for plot in (self.loss_plot, self.act_plot, self.grad_plot, self.bad_plot):
            plot.setMinimumWidth(140)
        layout = QGridLayout(self)
        layout.addLayout(controls_rows[0], 0, 0, 1, 2)
        layout.addLayout(controls_rows[1], 1, 0, 1, 2)
        layout.addWidget(self.status_label, 2, 0, 1, 2)
        layout.addWidget(self.loss_plot, 3, 0)
        layout.addWidget(self.act_plot, 3, 1)
        layout.addWidget(self.grad_plot, 4, 0)
        layout.addWidget(self.bad_plot, 4, 1)
        layout.setRowStretch(3, 1)
        layout.setRowStretch(4, 1)
        self.run_button.clicked.connect(self.run)
        self._poll = QTimer(self, interval=50)
        self._poll.timeout.connect(self._check_done)

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def run(self) -> None:
        """Start the comparison on a worker thread (the window stays usable)."""
        if self.busy:
            return
        chosen = {
            label: DEFAULT_CHOICES[label]()
            for label, box in self.choice_boxes.items()
            if box.isChecked()
        }
        if not chosen:
            self.status_label.setText("Check at least one initializer.")
            return
        steps = self.steps_box.value()
        self._outcome, self._stop = None, False

        def work():
            try:
                self._outcome = compare_initializers(
                    self.session, chosen, steps, should_stop=lambda: self._stop
                )
            except Exception as exc:  # shown in the view
                self._outcome = exc

        self.status_label.setText(f"Training {len(chosen)} copies for {steps} steps…")
        self.run_button.setEnabled(False)
        self._thread = threading.Thread(target=work, name="InitComparison", daemon=True)
        self._thread.start()
        self._poll.start()

    def wait(self) -> None:
        """Block until a running comparison is done (tests, screenshots)."""
        if self._thread is not None:
            self._thread.join()
        self._check_done()

    def stop(self) -> None:
        self._stop = True
        self.wait()

    def _check_done(self) -> None:
        if self._thread is None or self._thread.is_alive():
            return
        self._thread = None
        self._poll.stop()
        self.run_button.setEnabled(True)
        if isinstance(self._outcome, Exception):
            self.status_label.setText(str(self._outcome))
            return
        self.results = self._outcome or []
        self._draw()

    def _draw(self) -> None:
        for plot in (self.loss_plot, self.act_plot, self.grad_plot, self.bad_plot):
            plot.clear()
        notes = []
        for i, result in enumerate(self.results):
            pen = pg.mkPen(COLOURS[i % len(COLOURS)], width=2)
            curve = self.loss_plot.plot(
                onp.arange(1, len(result.losses) + 1),
                onp.asarray(result.losses),
                name=result.label,
                pen=pen,
                antialias=False,  # a wide noisy line: see training_panel.py
            )
            curve.setDownsampling(auto=True, method="peak")
            rows = result.diagnostics
            depth = onp.arange(len(rows))
            self.act_plot.plot(
                depth,
                [r["act_std"] for r in rows],
                pen=pen,
                symbol="o",
                symbolBrush=COLOURS[i % len(COLOURS)],
            )
            self.grad_plot.plot(
                depth,
                [max(r["grad_std"], 1e-30) for r in rows],
                pen=pen,
                symbol="o",
                symbolBrush=COLOURS[i % len(COLOURS)],
            )
            self.bad_plot.plot(
                depth,
                [
                    r["saturated"] if r["saturated"] is not None else (r["dead"] or 0.0)
                    for r in rows
                ],
                pen=pen,
                symbol="o",
                symbolBrush=COLOURS[i % len(COLOURS)],
            )
            end = f"{result.losses[-1]:.3f}" if result.losses else "–"
            notes.append(
                f"{result.label}: final loss {end}"
                + (f" (diverged at step {result.diverged_at})" if result.diverged_at else "")
            )
        if self.results and self.results[0].diagnostics:
            ticks = [[(j, r["path"]) for j, r in enumerate(self.results[0].diagnostics)]]
            for plot in (self.act_plot, self.grad_plot, self.bad_plot):
                plot.getAxis("bottom").setTicks(ticks)
        for plot in (self.loss_plot, self.act_plot, self.grad_plot):
            plot.enableAutoRange()
        self.bad_plot.enableAutoRange(axis="x")
        self.status_label.setText("   ".join(notes))
