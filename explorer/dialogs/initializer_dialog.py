"""``InitializerDialog``: pick an initializer, see what it would give, apply it (undoable).

Left: the built-ins of ``engine.init`` and the learner's saved initializers;
middle: the chosen one's arguments (Gluon's defaults), or the code editor for
a custom one; right: for each target parameter, the histogram now and the one
the initializer would give on that shape, with the theoretical bound drawn
and stated, and a note where Gluon keeps a parameter's own initializer.

The preview and the apply start from the same point of the engine's random
stream (:class:`~explorer.core.initialization.RandomDraw`), so what is
previewed is what is applied. A custom initializer runs in the session's
worker process; the dialog polls it on a timer (the window keeps answering)
and Cancel kills it.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.init_worker import CustomInitializerError
from ..core.initialization import TargetError, initializer_code
from ..core.initializer_library import DEFAULT_SOURCE, InitializerLibrary, class_name_of
from ..core.initializer_preview import current_histogram
from .custom_initializer_page import CustomInitializerPage
from .initializer_forms import BUILTINS, InitializerForm
from .preview_panel import PreviewPanel

__all__ = ["InitializerDialog", "default_library_folder"]

PREVIEW_DELAY_MS = 120
POLL_MS = 30
NEW_CUSTOM = "New custom initializer…"
CUSTOM_PREFIX = "✎ "


def default_library_folder() -> str:
    """``<user config>/initializers`` (QStandardPaths.AppConfigLocation)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation)
    return os.path.join(base or os.path.expanduser("~/.config/ParamScope"), "initializers")


class InitializerDialog(QDialog):
    """Initialize a parameter, a block, the whole net or a pattern's parameters.

    Signals
    -------
    applied()
        An initialization was applied (the window refreshes its views).
    timeout_changed(seconds)
        The learner changed the custom initializers' time limit (a preference).
    """

    applied = Signal()
    timeout_changed = Signal(float)

    def __init__(
        self,
        session,
        target: str = "net",
        library_folder: str | None = None,
        choices: tuple = (),
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Initialize parameters")
        self.session = session
        self.library = InitializerLibrary(library_folder or default_library_folder())
        self._draw = session.random_draw()
        self._pending = None  # ('define' | 'run', job, then_apply)
        self._custom_job = None  # a finished custom run matching the editor's code
        self._previews: list = []
        self._build(target, choices)
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.refresh_preview)
        self._poll_timer = QTimer(self, interval=POLL_MS)
        self._poll_timer.timeout.connect(self._poll)
        self.choose("Xavier")
        session.initializer_worker.start()  # warm: the first custom run costs no start-up
        self.refresh_preview()

    # ------------------------------------------------------------ construction
    def _build(self, target: str, choices: tuple) -> None:
        self.target_box = QComboBox(self)
        self.target_box.setEditable(True)
        for choice in dict.fromkeys((target, *choices, "net")):
            self.target_box.addItem(choice)
        self.target_box.setCurrentText(target)
        self.target_box.setToolTip(
            "An access path (net[0].weight, net[1]), net, or a regex "
            "as in net.collect_params('.*weight')"
        )
        self.target_box.currentTextChanged.connect(self._target_changed)
        self.target_label = QLabel(self)
        self.override_box = QCheckBox("Override parameters' own init too", self)
        self.override_box.setToolTip(
            "Gluon's Block.initialize passes your initializer as the default only: a parameter "
            "created with its own init= (a Dense bias's 'zeros') keeps it. Tick to give those "
            "your initializer too (param.initialize(init=...) on each)."
        )
        self.override_box.toggled.connect(self._target_changed)
        self.own_note_label = QLabel(self)
        self.own_note_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Apply to:", self))
        top.addWidget(self.target_box, 1)
        top.addWidget(self.target_label, 1)

        # A drop-down, not a list: at the largest text a list would leave the form no room.
        self.choice_box = QComboBox(self)
        self.choice_box.setMaxVisibleItems(20)
        self.choice_box.currentIndexChanged.connect(self._choice_changed)
        self.form = InitializerForm(self)
        self.form.changed.connect(self._schedule_preview)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.form)
        self.stack.addWidget(self._build_editor_page())
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        choice_row = QHBoxLayout()
        choice_row.addWidget(QLabel("Initializer:", self))
        choice_row.addWidget(self.choice_box, 1)
        left_layout.addLayout(choice_row)
        left_layout.addWidget(self.stack, 1)
        left_layout.addWidget(self.own_note_label)
        left_layout.addWidget(self.override_box)

        self.preview_panel = right = PreviewPanel(self)
        # The panel's widgets, by the names tests and scripted demos use.
        self.param_box = right.param_box
        self.current_plot, self.proposed_plot = right.current_plot, right.proposed_plot
        self.theory_label, self.note_label = right.theory_label, right.note_label
        self.same_scale_box = right.same_scale_box
        self.param_box.currentIndexChanged.connect(self._schedule_preview)

        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)

        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Wraps within the width the buttons leave; never widens the dialog.
        self.message_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.apply_button = QPushButton("&Apply", self)
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.apply)
        self.stop_button = QPushButton("&Cancel", self)
        self.stop_button.setToolTip("Stop the running initializer (nothing changes)")
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message_label, 1)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(close)

        # The body scrolls rather than clip or outgrow the screen at the largest text.
        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(top)
        body_layout.addWidget(splitter, 1)
        scroll = QScrollArea(self)
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self._fill_choices()
        self.resize(980, 660)

    def _build_editor_page(self) -> QWidget:
        page = CustomInitializerPage(self.session.initializer_timeout_s, self)
        # The page's widgets, by the names tests and scripted demos use.
        self.editor, self.name_edit, self.timeout_box = (
            page.editor,
            page.name_edit,
            page.timeout_box,
        )
        self.save_button, self.delete_button = page.save_button, page.delete_button
        self.run_button = page.run_button
        self.editor.textChanged.connect(self._source_changed)
        self.save_button.clicked.connect(self.save_custom)
        self.delete_button.clicked.connect(self.delete_custom)
        self.run_button.clicked.connect(lambda: self.run_custom())
        QShortcut(QKeySequence("F5"), self, activated=lambda: self.run_custom())
        self.timeout_box.valueChanged.connect(self._timeout_changed)
        return page

    def _timeout_changed(self, seconds: float) -> None:
        self.session.initializer_timeout_s = float(seconds)
        self.timeout_changed.emit(float(seconds))

    def _fill_choices(self, select: str | None = None) -> None:
        box = self.choice_box
        box.blockSignals(True)
        box.clear()
        for builtin in BUILTINS:
            box.addItem(builtin.name)
        box.insertSeparator(box.count())
        for saved in self.library.names():
            box.addItem(CUSTOM_PREFIX + saved, saved)
        box.addItem(NEW_CUSTOM)
        box.setCurrentIndex(-1)
        box.blockSignals(False)
        if select is not None and box.findText(select) >= 0:
            box.setCurrentIndex(box.findText(select))

    # ------------------------------------------------------------------ state
    @property
    def is_custom(self) -> bool:
        return self.stack.currentIndex() == 1

    def choose(self, name: str) -> None:
        """Pick a built-in (``'Xavier'``) or a saved initializer by name, as a click would."""
        for text in (name, CUSTOM_PREFIX + name):
            index = self.choice_box.findText(text)
            if index >= 0:
                self.choice_box.setCurrentIndex(index)
                return
        raise KeyError(name)

    def set_target(self, target: str) -> None:
        self.target_box.setCurrentText(target)

    def target(self) -> str:
        return self.target_box.currentText().strip() or "net"

    def _choice_changed(self, index: int) -> None:
        text = self.choice_box.itemText(index)
        if index < 0 or not text:
            return
        saved = self.choice_box.itemData(index)
        if text == NEW_CUSTOM or saved:
            source = self.library.load(saved).source if saved else DEFAULT_SOURCE
            self.name_edit.setText(saved or class_name_of(source) or "MyInit")
            self.editor.setPlainText(source)
            self.stack.setCurrentIndex(1)
            self.delete_button.setEnabled(bool(saved))
            self._share_width(0.55)
        else:
            self.form.show_builtin(next(b for b in BUILTINS if b.name == text))
            self.choice_box.setToolTip(self.form.summary)
            self.stack.setCurrentIndex(0)
            self._share_width(0.42)
        self._custom_job = None
        self._schedule_preview()

    def _share_width(self, left: float) -> None:
        """The code editor gets more of the width than a form of two or three fields."""
        total = max(2, sum(self.splitter.sizes()) or self.width())
        self.splitter.setSizes([int(total * left), total - int(total * left)])

    def _target_changed(self, *_args) -> None:
        self._custom_job = None
        self._schedule_preview()

    def _source_changed(self) -> None:
        self._custom_job = None
        if self.is_custom:
            self._schedule_preview()

    def _schedule_preview(self, *_args) -> None:
        self._preview_timer.start()

    def show_message(self, text: str, error: bool = False) -> None:
        colour = (
            "#e0413a" if error else self.palette().color(self.palette().ColorRole.WindowText).name()
        )
        self.message_label.setStyleSheet(f"color: {colour};")
        self.message_label.setText(text)

    # ---------------------------------------------------------------- preview
    def _plan_target(self):
        """The target, with the parameter list kept in step; None (and a message) if unusable."""
        try:
            target = self.session.initialization_target(self.target())
        except (TargetError, RuntimeError) as exc:
            self.target_label.setText("")
            self.show_message(str(exc), error=True)
            self.apply_button.setEnabled(False)
            return None
        self.target_label.setText(target.describe())
        self.preview_panel.set_paths(target.paths)
        return target

    def refresh_preview(self) -> None:
        """Recompute the preview of the parameter shown (built-ins at once, custom on F5)."""
        if self._pending is not None:
            return
        target = self._plan_target()
        if target is None:
            return
        self.apply_button.setEnabled(True)
        index = max(0, self.param_box.currentIndex())
        if self.is_custom:
            job = self._custom_job
            self._previews = job.previews() if job is not None else []
            if job is not None:
                self._show_own_note(job.plan)
            else:
                self.own_note_label.setVisible(False)
            if not self._previews:
                self._show_preview(
                    None,
                    index,
                    hint=f"Press Preview (F5) to run "
                    f"{self.name_edit.text() or 'your initializer'} in a "
                    f"separate process and see what it gives",
                )
                return
            self._show_preview(
                self._previews[index] if index < len(self._previews) else None, index
            )
            return
        try:
            initializer = self.form.initializer()
            job = self.session.start_initialization(
                self.target(),
                initializer,
                override_own=self.override_box.isChecked(),
                draw=self._draw,
            )
            self._previews = job.previews(upto=index)
        except (ValueError, TypeError, TargetError) as exc:
            self.show_message(f"Cannot use these arguments: {exc}", error=True)
            self.apply_button.setEnabled(False)
            return
        self._show_own_note(job.plan)
        self.show_message(f"Code: {initializer_code(initializer)}")
        self._show_preview(self._previews[index] if index < len(self._previews) else None, index)

    def _show_own_note(self, plan) -> None:
        from ..core.initializer_preview import kept_own_summary

        note = kept_own_summary(plan)
        self.own_note_label.setText(note or "")
        self.own_note_label.setVisible(bool(note))

    def _show_preview(self, preview, index: int, hint: str = "") -> None:
        current = None
        if preview is None:
            try:
                param = self.session.initialization_target(self.target()).params[index]
                current = current_histogram(param, self.session.snapshot)
            except (TargetError, IndexError, RuntimeError):
                current = None
        self.preview_panel.show_preview(preview, hint, current)

    # ----------------------------------------------------------------- custom
    def run_custom(self, then_apply: bool = False) -> None:
        """Run the editor's initializer in the worker (F5); ``then_apply`` applies after."""
        self.stop()
        self.editor.mark_error(None)
        self._draw = self.session.random_draw()
        try:
            definition = self.session.start_custom_initializer(self.editor.toPlainText())
        except (CustomInitializerError, RuntimeError) as exc:  # RuntimeError: worker busy
            self._custom_failed(exc)
            return
        self._set_busy(("define", definition, then_apply))

    def _set_busy(self, pending) -> None:
        self._pending = pending
        running = pending is not None
        self.stop_button.setEnabled(running)
        self.apply_button.setEnabled(not running)
        self.run_button.setEnabled(not running)
        if running:
            self.show_message(
                f"Running {self.name_edit.text() or 'the initializer'} in a "
                f"separate process… (Cancel stops it)"
            )
            self._poll_timer.start()
        else:
            self._poll_timer.stop()

    def _poll(self) -> None:
        if self._pending is None:
            self._poll_timer.stop()
            return
        stage, job, then_apply = self._pending
        if not job.poll():
            return
        if job.error is not None:
            self._set_busy(None)
            self._custom_failed(job.error)
            return
        if stage == "define":
            try:
                instance = job.result()
                run = self.session.start_initialization(
                    self.target(),
                    instance,
                    override_own=self.override_box.isChecked(),
                    draw=self._draw,
                )
            except (CustomInitializerError, TargetError, RuntimeError) as exc:
                self._set_busy(None)
                self._custom_failed(exc)
                return
            self._pending = ("run", run, then_apply)
            return
        self._set_busy(None)
        self._custom_job = job
        self.show_message("Preview ready: these are the values Apply writes.")
        self.refresh_preview()
        if then_apply:
            self._apply_job(job)

    def _custom_failed(self, exc) -> None:
        line = getattr(exc, "lineno", None)
        self.editor.mark_error(line)
        self.show_message(str(exc), error=True)
        details = getattr(exc, "details", "")
        if details:
            self.session.printed.emit(details if details.endswith("\n") else details + "\n")

    def stop(self) -> None:
        """Stop a running custom initializer (the worker is killed; nothing changes)."""
        if self._pending is None:
            return
        _stage, job, _then = self._pending
        job.cancel()
        self._set_busy(None)
        self.show_message(
            "Cancelled: the initializer was stopped; nothing was changed.", error=True
        )

    def save_custom(self) -> None:
        name = self.name_edit.text().strip()
        try:
            self.library.save(name, self.editor.toPlainText())
        except (ValueError, OSError) as exc:
            self.show_message(f"Not saved: {exc}", error=True)
            return
        self._fill_choices(select=CUSTOM_PREFIX + name)
        self.show_message(f"Saved {name} to your initializers ({self.library.folder})")

    def delete_custom(self) -> None:
        saved = self.choice_box.currentData()
        if saved:
            self.library.delete(saved)
            self._fill_choices(select=NEW_CUSTOM)

    # ------------------------------------------------------------------ apply
    def apply(self) -> None:
        """Apply what is previewed, as one undoable command."""
        if self._pending is not None:
            return
        if self.session.random_draw() != self._draw:
            # Something drew random numbers since the preview (console code): applying from
            # the preview's point would rewind the stream, and the code log would no longer
            # reproduce the model. Preview again from where the stream is; the next Apply
            # applies that.
            self._draw = self.session.random_draw()
            self._custom_job = None
            self.refresh_preview()
            self.show_message(
                "The random stream moved since this preview (other code drew "
                "numbers): the preview was drawn again. Apply applies it.",
                error=True,
            )
            return
        if self.is_custom:
            job = self._custom_job
            if job is None or job.applied:
                self.run_custom(then_apply=True)
                return
            self._apply_job(job)
            return
        try:
            job = self.session.start_initialization(
                self.target(),
                self.form.initializer(),
                override_own=self.override_box.isChecked(),
                draw=self._draw,
            )
        except (ValueError, TypeError, TargetError) as exc:
            self.show_message(str(exc), error=True)
            return
        self._apply_job(job)

    def _apply_job(self, job) -> None:
        try:
            job.apply()
        except Exception as exc:  # an initializer refusing a shape, a learner's error
            self.show_message(f"Nothing was changed: {exc}", error=True)
            if isinstance(exc, CustomInitializerError):
                self.editor.mark_error(exc.lineno)
            return
        self._draw = self.session.random_draw()  # the stream moved on: next preview from here
        self._custom_job = None
        self.applied.emit()
        self.refresh_preview()
        self.show_message(f"Applied: {job.plan.label}. Undo with Ctrl+Z.")

    def closeEvent(self, event) -> None:
        self.stop()
        super().closeEvent(event)
