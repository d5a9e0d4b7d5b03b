"""``TrainingPanel``: data set, loss, optimizer and batch settings, Play/Pause/Step/Reset,
live loss curves and, for 2-D data, the decision boundary behind the points.

The panel only calls session commands and redraws when the watcher says
training moved (``training_changed``); hidden, it draws nothing. Curves use
pyqtgraph's downsampling and clip-to-view so a long run stays cheap; the
boundary is recomputed at most a few times a second.
"""

from __future__ import annotations

import sys
import time

import numpy as onp
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from engine import autograd, np
from engine.data import DATASETS

from ..core.training_code import LOSSES, OPTIMIZERS
from .decade_spin_box import DecadeSpinBox
from .fitted_scroll_area import FittedScrollArea
from .growing_range import GrowingXRange
from .on_screen import is_on_screen
from .plot_style import StepAxisItem, plain_number_axes

__all__ = ["TrainingPanel"]

BOUNDARY_INTERVAL_S = 0.2  # the boundary costs a forward pass over a grid: ≤ 5 per second
# Curves and counters 5 times a second: a learning curve still moves smoothly, and each
# replot re-lays the plot's axes out in Python (at 10 per second, ~40 ms of GUI time
# per second that the training thread lost through the GIL).
CURVE_INTERVAL_S = 0.2
GRID = 64
PLOT_MIN_LINES = 6  # the loss and boundary plots keep this many lines of text in height


class TrainingPanel(QWidget):
    """The training dock's contents over one session.

    Signals
    -------
    error_shown(str)
        A command failed; the message is also shown in the panel.
    """

    error_shown = Signal(str)

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self._last_boundary = 0.0
        self._last_curves = 0.0
        self._curve_lengths = None
        self._message_seen = ""  # the training message the label last took
        self._points_for = None
        self._settings_shown = None
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.dataset_box = QComboBox()
        for info in DATASETS.values():
            self.dataset_box.addItem(info.title, info.id)
        # No data chosen yet: the box says so (its first item looked chosen, while Play
        # answered "Choose a data set first").
        self.dataset_box.setPlaceholderText("Choose a data set")
        self.dataset_box.setCurrentIndex(-1)
        self.noise_box = _spin(0.0, 1.0, 0.05, 0.1)
        self.split_box = _spin(0.0, 0.9, 0.1, 0.5)
        data_row = QHBoxLayout()
        data_row.addWidget(self.dataset_box, 1)
        self.table_button = QPushButton("Table…")
        self.table_button.setToolTip(
            "Train on a numeric CSV table (header row); you choose the column to predict"
        )
        data_row.addWidget(self.table_button)
        form.addRow("Data", data_row)
        # Short rows of their own: the dock fits beside the tree and the tensor view
        # of a 1024-pixel window (about 320 px).
        form.addRow("", _row([("noise", self.noise_box), ("test", self.split_box)]))
        self.loss_box = QComboBox()
        self.loss_box.addItem("matched to the task", None)
        for name in LOSSES:
            self.loss_box.addItem(name, name)
        form.addRow("Loss", self.loss_box)
        self.optimizer_box = QComboBox()
        self.optimizer_box.addItems(OPTIMIZERS)
        # (any finite value the engine accepts, so one set from the console shows as it is)
        self.lr_box = DecadeSpinBox(0.0, sys.float_info.max, 0.1, smallest=1e-6)
        self.momentum_box = DecadeSpinBox(0.0, 1.0, 0.0, linear_step=0.05)
        self.wd_box = DecadeSpinBox(0.0, sys.float_info.max, 0.0, smallest=1e-6)
        opt_row = QHBoxLayout()
        opt_row.addWidget(self.optimizer_box, 1)
        opt_row.addWidget(QLabel("lr"))
        opt_row.addWidget(self.lr_box)
        form.addRow("Optimizer", opt_row)
        self.batch_box = QSpinBox()
        self.batch_box.setRange(1, 4096)
        self.batch_box.setValue(32)
        form.addRow("", _row([("momentum", self.momentum_box), ("wd", self.wd_box)]))
        form.addRow("", _row([("batch size", self.batch_box)]))

        # The style's media icons, not "▶"/"⏸" in the text: the pause sign is missing from
        # common fonts (DejaVu Sans drew an empty box).
        self.play_button = QPushButton("Play")
        pixmaps = QStyle.StandardPixmap
        self._play_icons = {
            False: self.style().standardIcon(pixmaps.SP_MediaPlay),
            True: self.style().standardIcon(pixmaps.SP_MediaPause),
        }
        self.play_button.setIcon(self._play_icons[False])
        self.step_button = QPushButton("Step")
        self.reset_button = QPushButton("Reset")
        self.fit_button = QPushButton("New MLP for this data")
        self.apply_fix_button = QPushButton("")
        self.apply_fix_button.setToolTip("Make the model fit the data (undoable)")
        self.apply_fix_button.hide()
        self._fix = None
        self.play_button.setToolTip("Train on a worker thread; the window stays usable")
        self.reset_button.setToolTip(
            "Re-initialize every parameter with its initializer (undoable) and clear the curves"
        )
        buttons = QHBoxLayout()
        for button in (self.play_button, self.step_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        fit_row = QHBoxLayout()
        fit_row.addWidget(self.fit_button)
        fit_row.addStretch(1)
        fix_row = QHBoxLayout()
        fix_row.addWidget(self.apply_fix_button)
        fix_row.addStretch(1)
        self.counters_label = QLabel("step 0")
        self.message_label = QLabel("")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setStyleSheet("color: #c0392b;")

        self.loss_plot = plain_number_axes(
            pg.PlotWidget(axisItems={"bottom": StepAxisItem("bottom")})
        )
        self.loss_plot.setLabel("bottom", "step")
        self.loss_plot.setLabel("left", "loss · accuracy")
        curves = (
            ("train loss", "#2980b9", 1),
            ("test loss", "#e67e22", 2),
            ("test accuracy", "#27ae60", 2),
        )
        # The 2-px curves are not antialiased: Qt's antialiased stroke of a wide noisy
        # line took 8 ms for 600 points and 60 ms for 4,000 (holding the GIL the training
        # worker needs, and the window's events); without it, 1-3 ms, and 2-px lines
        # show no stairs worth that. 1-px lines keep it (their fast path: 0.4-0.8 ms).
        self.train_curve, self.test_curve, self.accuracy_curve = (
            self.loss_plot.plot(name=name, pen=pg.mkPen(colour, width=width), antialias=width == 1)
            for name, colour, width in curves
        )
        # The key sits above the plot: inside it, it covered the curves of a small dock.
        # Short words, one line, cut at the dock's edge if it must be (the tooltip has it
        # all): wrapped, it grew the panel's height by lines; unbounded, it set the
        # training docks' width (620 px at the largest text size).
        short = {"train loss": "train", "test loss": "test", "test accuracy": "test accuracy"}
        self.curve_key = QLabel(
            "  ".join(
                f"<span style='color:{colour}'>━</span> {short[name]}" for name, colour, _ in curves
            )
        )
        self.curve_key.setTextFormat(Qt.TextFormat.RichText)
        self.curve_key.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.curve_key.setToolTip("train loss, test loss (left axis), test accuracy (0 to 1)")
        for curve in (self.train_curve, self.test_curve, self.accuracy_curve):
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
        self.x_range = GrowingXRange(self.loss_plot.getPlotItem())

        self.boundary_plot = plain_number_axes(pg.PlotWidget())
        self.boundary_plot.setAspectLocked(True)
        self.boundary_image = pg.ImageItem()
        self.boundary_image.setLookupTable(pg.colormap.get("CET-D1").getLookupTable(nPts=256))
        self.boundary_plot.addItem(self.boundary_image)
        self.points = pg.ScatterPlotItem(size=5, pen=pg.mkPen("k", width=0.5))
        self.boundary_plot.addItem(self.points)
        loss_column = QVBoxLayout()
        loss_column.setSpacing(0)
        loss_column.addWidget(self.curve_key)
        loss_column.addWidget(self.loss_plot, 1)
        plots = QHBoxLayout()
        plots.addLayout(loss_column, 3)
        plots.addWidget(self.boundary_plot, 2)

        settings = QWidget()
        settings_layout = QVBoxLayout(settings)
        settings_layout.setContentsMargins(0, 0, 0, 0)
        settings_layout.addLayout(form)
        settings_layout.addLayout(buttons)
        settings_layout.addLayout(fit_row)
        settings_layout.addWidget(self.counters_label)
        # The settings scroll in a short dock; what went wrong and its fix stay in view.
        self.settings_area = FittedScrollArea(settings)
        layout = QVBoxLayout(self)
        layout.addWidget(self.settings_area)
        layout.addWidget(self.message_label)
        layout.addLayout(fix_row)
        layout.addLayout(plots, 1)

        self.dataset_box.activated.connect(self._apply_dataset)
        self.noise_box.editingFinished.connect(self._apply_dataset)
        self.split_box.editingFinished.connect(self._apply_dataset)
        self.loss_box.activated.connect(self._apply_loss)
        self.optimizer_box.activated.connect(self._apply_optimizer)
        for box in (self.lr_box, self.momentum_box, self.wd_box):
            box.editingFinished.connect(self._apply_optimizer)
        self.batch_box.editingFinished.connect(
            lambda: self._call(lambda: session.set_batch_size(self.batch_box.value()))
        )
        # Narrow docks (a 1024-pixel window) keep room for the tensor view: combos shrink.
        for box in (self.dataset_box, self.loss_box, self.optimizer_box):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(6)
        self.play_button.clicked.connect(self.toggle_play)
        self.step_button.clicked.connect(lambda: self._call(session.step))
        self.reset_button.clicked.connect(lambda: self._call(session.reset_training))
        self.fit_button.clicked.connect(lambda: self._call(session.new_mlp))
        self.apply_fix_button.clicked.connect(self.apply_fix)
        self.table_button.clicked.connect(self.choose_table)
        self.show_settings()
        self._fit_plot_heights()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.ApplicationFontChange, QEvent.Type.FontChange):
            self._fit_plot_heights()
        super().changeEvent(event)

    def _fit_plot_heights(self) -> None:
        """The plots keep about six lines of the current text: at 32 pt a fixed 90 px
        held the axis labels and no curve, the settings above taking all the rest
        (they scroll instead; a dock shorter still scrolls as a whole)."""
        height = max(90, PLOT_MIN_LINES * self.fontMetrics().lineSpacing())
        for plot in (self.loss_plot, self.boundary_plot):
            plot.setMinimumHeight(height)

    # -------------------------------------------------------------- commands
    def _call(self, command) -> bool:
        try:
            command()
        except Exception as exc:  # a learner's setting or a misfit: say it, change nothing
            text = str(exc)
            self._offer_fix(getattr(exc, "fixes", []))
            self.message_label.setText(text)
            self.error_shown.emit(text)
            return False
        self.message_label.setText(self.session.training.message)
        self._offer_fix([])
        self.training_changed()
        return True

    def _offer_fix(self, fixes: list[str]) -> None:
        """Show the first fix a misfit offers as a button (it runs as a console line)."""
        self._fix = fixes[0] if fixes else None
        self.apply_fix_button.setVisible(self._fix is not None)
        if self._fix:
            self.apply_fix_button.setText(f"Fix: {self._fix}")

    def apply_fix(self) -> None:
        """Run the offered fix, as the console would (undoable, logged)."""
        fix = self._fix
        if fix:
            self._call(lambda: self.session.execute(fix))

    def toggle_play(self) -> None:
        """Play ↔ Pause."""
        training = self.session.training
        if training.running:
            self._call(self.session.pause_training)
        else:
            self._call(self.session.start_training)

    def _apply_dataset(self) -> None:
        name = self.dataset_box.currentData()
        if name is None:  # (noise or split edited with no data set, or a table, chosen)
            return
        options = {"seed": 0}
        if name not in ("digits",):
            options["noise"] = round(self.noise_box.value(), 4)
        if name != "linear":
            options["test_fraction"] = round(self.split_box.value(), 4)
        self._call(lambda: self.session.set_dataset(name, **options))
        self._curve_lengths = None
        self._last_boundary = 0.0

    def choose_table(self) -> None:
        """Data → Table…: pick a CSV file, then the column to predict."""
        path, _ = QFileDialog.getOpenFileName(
            self, "Train on a table", "", "CSV tables (*.csv);;All files (*)"
        )
        if not path:
            return
        try:
            with open(path, encoding="utf-8", errors="replace") as file:
                header = [c.strip() for c in file.readline().split(",")]
        except OSError as exc:
            self.message_label.setText(f"Cannot read {path}: {exc.strerror}")
            return
        target, ok = QInputDialog.getItem(
            self, "Column to predict", "Predict:", header, len(header) - 1, False
        )
        if ok:
            self.load_table(path, target)

    def load_table(self, path: str, target: str | None = None) -> bool:
        """Train on the table at ``path`` predicting ``target``; the panel says what it found."""
        ok = self._call(lambda: self.session.load_csv(path, target=target))
        if ok:
            self.message_label.setText(self.session.training.data.describe())
        return ok

    def _apply_loss(self) -> None:
        self._call(lambda: self.session.set_loss(self.loss_box.currentData()))

    def _apply_optimizer(self) -> None:
        name = self.optimizer_box.currentText()
        params = {"learning_rate": self.lr_box.value()}
        if name in ("sgd", "nag") and self.momentum_box.value():
            params["momentum"] = self.momentum_box.value()
        if self.wd_box.value():
            params["wd"] = self.wd_box.value()
        self._call(lambda: self.session.set_optimizer(name, **params))

    def show_settings(self) -> None:
        """Set the controls from the session's training settings."""
        t = self.session.training
        # A table (not in the list) shows its own name; no data, the prompt.
        self.dataset_box.setPlaceholderText(t.data.name if t.data else "Choose a data set")
        self.dataset_box.setCurrentIndex(self.dataset_box.findData(t.data.name) if t.data else -1)
        if t.data is not None:
            if "noise" in t.data.options:
                self.noise_box.setValue(float(t.data.options["noise"]))
            if "test_fraction" in t.data.options:
                self.split_box.setValue(float(t.data.options["test_fraction"]))
        self.optimizer_box.setCurrentText(t.optimizer_name)
        self.lr_box.setValue(float(t.hyperparameters.get("learning_rate", 0.1)))
        self.momentum_box.setValue(float(t.hyperparameters.get("momentum", 0.0)))
        self.wd_box.setValue(float(t.hyperparameters.get("wd", 0.0)))
        self.batch_box.setValue(t.batch_size)
        self.loss_box.setCurrentIndex(max(0, self.loss_box.findData(t.loss_name)))

    # -------------------------------------------------------------- drawing
    def training_changed(self) -> None:
        """The watcher saw training move: update what is visible."""
        training = self.session.training
        if self.play_button.text() != ("Pause" if training.running else "Play"):
            self.play_button.setText("Pause" if training.running else "Play")
            self.play_button.setIcon(self._play_icons[training.running])
        if not is_on_screen(self):
            return
        settings = (
            id(training.data),
            training.loss_name,
            training.optimizer_name,
            tuple(training.hyperparameters.items()),
            training.batch_size,
        )
        if settings != self._settings_shown:  # set from the console or a script
            self._settings_shown = settings
            self.show_settings()
        now = time.monotonic()
        if training.running and now - self._last_curves < CURVE_INTERVAL_S:
            return
        self._last_curves = now
        message = training.message
        if message != self._message_seen:
            # A message training cleared (undo of a diverged run) leaves the label too,
            # unless the label has said something else since.
            if message or self.message_label.text() == self._message_seen:
                self.message_label.setText(message)
            self._message_seen = message
        rate = f"   {training.steps_per_second:,.0f} steps/s" if training.running else ""
        self.counters_label.setText(
            f"step {training.step_count:,}   epoch {training.epoch:.2f}{rate}"
        )
        history = training.history
        # (the generation moves when the curves are cleared or restored by undo/redo: a
        # curve of the same length may then hold other values)
        lengths = (
            len(history["loss"]),
            len(history["test_loss"]),
            id(training.data),
            training.history_generation,
        )
        if lengths != self._curve_lengths:
            self._curve_lengths = lengths
            steps, losses = loss_envelope(history["loss"].view())
            self.train_curve.setData(steps, losses)
            self.x_range.follow(float(steps[-1]) if len(steps) else 0.0)
            self.test_curve.setData(history["test_step"].view(), history["test_loss"].view())
            self.accuracy_curve.setData(history["accuracy_step"].view(), history["accuracy"].view())
        if now - self._last_boundary >= BOUNDARY_INTERVAL_S or not training.running:
            self._last_boundary = now
            self.draw_boundary()

    def draw_boundary(self) -> None:
        """Colour the plane by the model's prediction (2-D data only), points on top."""
        data = self.session.training.data
        net = self.session.net
        visible = data is not None and data.is_2d and net is not None
        self.boundary_plot.setVisible(visible)
        if not visible:
            return
        X, y = data.X_train, data.y_train
        lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
        xs, ys = onp.linspace(lo[0], hi[0], GRID), onp.linspace(lo[1], hi[1], GRID)
        grid = onp.stack(onp.meshgrid(xs, ys, indexing="ij"), -1).reshape(-1, 2)
        try:
            with self.session.lock, autograd.predict_mode(), onp.errstate(all="ignore"):
                out = net(np.array(grid.astype(onp.float32))).asnumpy()
        except Exception:  # a model that does not take 2 features: no boundary to show
            self.boundary_image.clear()
            return
        if data.task == "classification" and out.shape[1] >= 2:
            e = onp.exp(out - out.max(axis=1, keepdims=True))
            surface = (e[:, 1] / e.sum(axis=1)) * 2 - 1
            levels = (-1, 1)
            colours = onp.where(y == 1, "#e67e22", "#2980b9")
        else:
            surface = out[:, 0]
            bound = float(onp.nanmax(onp.abs(y))) or 1.0
            levels = (-bound, bound)
            colours = [
                pg.mkBrush(pg.colormap.get("CET-D1").map((v + bound) / (2 * bound)))
                for v in y[:, 0]
            ]
        image = onp.nan_to_num(surface.reshape(GRID, GRID)).astype(onp.float32)
        self.boundary_image.setImage(image, autoLevels=False, levels=levels)
        self.boundary_image.setRect(
            float(lo[0]), float(lo[1]), float(hi[0] - lo[0]), float(hi[1] - lo[1])
        )
        if self._points_for is not data:  # the points only change with the data
            self._points_for = data
            brushes = (
                [pg.mkBrush(c) for c in colours] if isinstance(colours, onp.ndarray) else colours
            )
            self.points.setData(X[:, 0], X[:, 1], brush=brushes)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._curve_lengths = None
        self.training_changed()


LOSS_CURVE_MAX_POINTS = 4000


def loss_envelope(values: onp.ndarray) -> tuple[onp.ndarray, onp.ndarray]:
    """``(steps, values)`` to draw for the per-step ``values`` (steps 1, 2, ...).

    Handing pyqtgraph every point would cost more with every step; past
    ``LOSS_CURVE_MAX_POINTS`` the curve is the minimum and maximum of each block
    of steps, so spikes stay visible.
    """
    n = len(values)
    if n <= LOSS_CURVE_MAX_POINTS:
        return onp.arange(1, n + 1), values
    block = -(-n // (LOSS_CURVE_MAX_POINTS // 2))
    full = n // block * block
    blocks = values[:full].reshape(-1, block)
    envelope = onp.empty(2 * len(blocks))
    envelope[0::2], envelope[1::2] = blocks.min(axis=1), blocks.max(axis=1)
    steps = onp.repeat(onp.arange(len(blocks)) * block + 1 + block // 2, 2)
    return onp.concatenate([steps, onp.arange(full + 1, n + 1)]), onp.concatenate(
        [envelope, values[full:]]
    )


def _spin(lo: float, hi: float, step: float, value: float, decimals: int = 2) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setValue(value)
    return box


def _row(pairs: list[tuple[str, QWidget]]) -> QHBoxLayout:
    """``label box  label box``, left-aligned."""
    row = QHBoxLayout()
    for text, box in pairs:
        row.addWidget(QLabel(text))
        row.addWidget(box)
    row.addStretch(1)
    return row
