"""``DepthProfileView``: why an initialization trains or fails, layer by layer.

Overlaid histograms of each layer's outputs on the last training batch, the
output-gradient spread by depth (log scale), a table of mean / std /
% saturated / % dead, each weight's update-to-data ratio over time (log
scale, with the healthy 1e-3 line), and warnings a learner can act on.
Redrawn from ``session.diagnostics()`` at most twice a second, and only
while visible.
"""

from __future__ import annotations

import time

import numpy as onp
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QGridLayout, QLabel, QScrollArea, QWidget

from ..core.diagnostics import warnings_for
from .log_axis import LogAxisItem
from .on_screen import is_on_screen
from .plot_style import StepAxisItem, plain_number_axes, style_legend

__all__ = ["DepthProfileView"]

REDRAW_INTERVAL_S = 0.5
COLOURS = ["#2980b9", "#e67e22", "#27ae60", "#8e44ad", "#c0392b", "#16a085", "#d35400", "#2c3e50"]


class DepthProfileView(QWidget):
    """Per-layer diagnostics of the session's model (see the module docstring)."""

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.rows: list[dict] = []
        self.notes: list[str] = []
        self._drawn_at = 0.0
        self._drawn_version = None
        self.histogram_plot = plain_number_axes(pg.PlotWidget(title="Outputs per layer"))
        self.histogram_plot.setLabel("bottom", "output value")
        style_legend(self.histogram_plot.addLegend(offset=(-10, 10)), self.palette())
        self.gradient_plot = plain_number_axes(
            pg.PlotWidget(title="Gradient std (log)", axisItems={"left": LogAxisItem("left")})
        )
        self.gradient_plot.setLogMode(y=True)
        self.gradient_plot.setLabel("bottom", "layer (forward order)")
        self.ratio_plot = plain_number_axes(
            pg.PlotWidget(
                title="Update / weight",
                axisItems={"left": LogAxisItem("left"), "bottom": StepAxisItem("bottom")},
            )
        )
        self.ratio_plot.setLogMode(y=True)
        self.ratio_plot.setLabel("bottom", "step")
        style_legend(self.ratio_plot.addLegend(offset=(-10, 10)), self.palette())
        self.table_label = QLabel("")
        self.table_label.setTextFormat(Qt.TextFormat.RichText)
        self.warnings_label = QLabel("Train a few steps to see the depth profile.")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        warnings_area = QScrollArea()
        warnings_area.setWidgetResizable(True)
        warnings_area.setWidget(self.warnings_label)
        warnings_area.setFrameShape(QScrollArea.Shape.NoFrame)
        warnings_area.setMinimumHeight(60)
        layout = QGridLayout(self)
        layout.addWidget(self.histogram_plot, 0, 0)
        layout.addWidget(self.gradient_plot, 0, 1)
        layout.addWidget(self.ratio_plot, 1, 0)
        # Scrolled, so a long layer list never widens the dock past a small window.
        table_area = QScrollArea()
        table_area.setWidgetResizable(True)
        table_area.setWidget(self.table_label)
        table_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.table_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(table_area, 1, 1)
        layout.addWidget(warnings_area, 2, 0, 1, 2)
        for column in range(2):
            layout.setColumnStretch(column, 1)
        layout.setRowStretch(0, 3)
        layout.setRowStretch(1, 3)
        layout.setRowStretch(2, 1)
        for plot in (self.histogram_plot, self.gradient_plot, self.ratio_plot):
            plot.setMinimumWidth(140)

    def training_changed(self) -> None:
        """The watcher saw training move: redraw if visible and not drawn just now."""
        training = self.session.training
        if not is_on_screen(self) or (training.last_batch is None and not self.rows):
            return
        now = time.monotonic()
        if training.running and now - self._drawn_at < REDRAW_INTERVAL_S:
            return
        if training.version == self._drawn_version:
            return
        self._drawn_at, self._drawn_version = now, training.version
        self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.training_changed()  # what training did while the view was out of sight

    def refresh(self) -> None:
        """Recompute the diagnostics and draw them."""
        try:
            self.rows = self.session.diagnostics(histograms=True)
        except Exception as exc:  # no batch yet (or undone), or a model that cannot run
            self.rows = []
            for plot in (self.histogram_plot, self.gradient_plot, self.ratio_plot):
                plot.clear()  # no profile of a batch that is no longer the last one
            self.table_label.setText("")
            self.warnings_label.setText(str(exc))
            return
        message = self.session.training.message
        self.notes = warnings_for(
            self.rows, message if message.startswith("Training paused") else None
        )
        self._draw()

    def _draw(self) -> None:
        rows = self.rows
        self.histogram_plot.clear()
        for i, row in enumerate(rows):
            centres = (row["edges"][:-1] + row["edges"][1:]) / 2
            density = row["hist"] / max(1, row["hist"].sum())
            self.histogram_plot.plot(
                centres, density, name=_name(row), pen=pg.mkPen(COLOURS[i % len(COLOURS)], width=2)
            )
        grads = onp.array([max(r["grad_std"], 1e-30) for r in rows])
        self.gradient_plot.clear()
        self.gradient_plot.plot(
            onp.arange(len(rows)),
            grads,
            symbol="o",
            # The text colour: readable on the light and the dark theme alike.
            pen=pg.mkPen(self.palette().color(QPalette.ColorRole.WindowText), width=2),
            symbolBrush=COLOURS[0],
        )
        axis = self.gradient_plot.getAxis("bottom")
        axis.setTicks([[(i, r["path"]) for i, r in enumerate(rows)]])
        self.ratio_plot.clear()
        # The healthy size of an update: about a thousandth of the weight's spread.
        self.ratio_plot.addItem(
            pg.InfiniteLine(pos=-3, angle=0, label="1e-3", pen=pg.mkPen("#7f8c8d", width=1))
        )
        ratios = self.session.training.update_ratios
        weights = [p for p in ratios if p.endswith(".weight")]
        for i, path in enumerate(weights):
            steps, values = ratios[path].steps.view(), ratios[path].values.view()
            shown = (values > 0) & onp.isfinite(values)  # (a log scale)
            if shown.any():
                steps, values = steps[shown], values[shown]
                # Not antialiased: a wide noisy line costs Qt 10 ms and more to smooth
                # (see training_panel.py); this one grows with the run.
                self.ratio_plot.plot(
                    steps,
                    values,
                    name=path,
                    pen=pg.mkPen(COLOURS[i % len(COLOURS)], width=2),
                    antialias=False,
                )
        for plot in (self.histogram_plot, self.gradient_plot, self.ratio_plot):
            plot.enableAutoRange()
        # Half a layer of room at each end: the first and last layer names stay on the axis.
        self.gradient_plot.setXRange(-0.5, len(rows) - 0.5, padding=0)
        self.table_label.setText(_table(rows))
        self.warnings_label.setText(
            "<br>".join(f"⚠ {n}" for n in self.notes)
            or "No problems seen: activations spread, gradients "
            "steady across depth, updates near 1e-3."
        )


def _name(row: dict) -> str:
    act = f" ({row['activation']})" if row["activation"] else ""
    use = f" use {row['use']}" if row["use"] > 1 else ""
    return f"{row['path']}{act}{use}"


def _percent(value) -> str:
    return "–" if value is None else f"{value:.0%}"


def _table(rows: list[dict]) -> str:
    head = (
        "<tr><th align=left>layer</th><th>mean</th><th>std</th><th>saturated</th>"
        "<th>dead</th><th>grad std</th><th>update ratio</th></tr>"
    )
    body = "".join(
        f"<tr><td>{_name(r)}</td><td>{r['act_mean']:+.3f}</td><td>{r['act_std']:.3f}</td>"
        f"<td>{_percent(r['saturated'])}</td><td>{_percent(r['dead'])}</td>"
        f"<td>{r['grad_std']:.2e}</td><td>"
        f"{'–' if r['update_ratio'] is None else format(r['update_ratio'], '.1e')}</td></tr>"
        for r in rows
    )
    return f"<table cellspacing=6>{head}{body}</table>"
