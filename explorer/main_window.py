"""``MainWindow``: block tree (left), tensor view (centre), console and code log (bottom).

The window owns no model state and knows no view's insides. Actions call the
session's commands; a ≤ 30 Hz timer (and one call after every action) polls the
:class:`~explorer.core.watcher.Watcher`, whose events go to the views that
subscribed: command → engine → watcher → views.
"""

from __future__ import annotations

import contextlib
import os
import re

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .core import examples
from .core.model_loading import ModelLoadError
from .core.param_filter import FilterError
from .core.session import Session
from .core.watcher import Watcher
from .settings import Settings, SettingsStore
from .theme import apply_theme
from .views.block_tree_view import BlockTreeView
from .views.code_log_view import CodeLogView
from .views.console_view import ConsoleView
from .views.dock_scroll_area import DockScrollArea
from .views.dock_title_bar import scaled_dock
from .views.history_view import HistoryView
from .views.on_screen import catch_up_when_raised
from .views.plot_style import restyle_plot_widgets
from .views.tensor_view import TensorView
from .views.training_docks import TrainingDocks
from .views.warning_relay import warning_relay

__all__ = ["MainWindow"]

POLL_INTERVAL_MS = 33  # ≤ 30 Hz
DEFAULT_CONSOLE_HEIGHT = 230  # px: about 13 lines at the usual 9 pt
# At large text the console and code log keep about this many lines, and at most this
# share of the window's height: at 32 pt on 1920x1080 ten lines took 36 % and left the
# training plots a strip.
CONSOLE_LINES = 8
CONSOLE_MAX_SHARE = 0.28


class ErrorBanner(QWidget):
    """A red line above the tensor view with the last error; closable.

    A long message (a 100 KB path in an error) is shown cut to a few short lines,
    with a "Show all" button opening it whole in a scrollable dialog: a word-wrapped
    label lays out all of its text, which froze the window for seconds.
    """

    MAX_LINES = 3
    MAX_LINE_CHARS = 240

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._message = ""
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        self.show_all_button = QToolButton(self)
        self.show_all_button.setText("Show all…")
        self.show_all_button.setAutoRaise(True)  # white on the banner's red, like ✕
        self.show_all_button.setToolTip("The whole message in a window you can scroll and copy")
        self.show_all_button.clicked.connect(self.show_all)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.show_all_button)
        layout.addWidget(close)
        self.setStyleSheet(
            "ErrorBanner { background: #c0392b; } QLabel, QToolButton "
            "{ color: white; font-weight: bold; }"
        )
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.hide()

    def show_message(self, message: str) -> None:
        self._message = message
        lines = message.splitlines() or [""]
        shown = [
            line
            if len(line) <= self.MAX_LINE_CHARS
            else line[: self.MAX_LINE_CHARS] + f" … [{len(line):,} characters]"
            for line in lines[: self.MAX_LINES]
        ]
        if len(lines) > self.MAX_LINES:
            shown.append(f"… [{len(lines) - self.MAX_LINES:,} more lines]")
        text = "\n".join(shown)
        # A zero-width space every 60 characters lets a long word (a path, 'aaaa…') wrap
        # instead of widening the window past the screen.
        self.label.setText(
            "".join(
                word
                if len(word) <= 60
                else "\u200b".join(word[i : i + 60] for i in range(0, len(word), 60))
                for word in re.split(r"(\s+)", text)
            )
        )
        self.show_all_button.setVisible(text != message)
        self.show()

    def text(self) -> str:
        """The whole message while the banner is up (not only the visible part).

        isHidden, not isVisible: start-up reads it back before the window is shown.
        """
        return self._message if not self.isHidden() else ""

    def show_all(self) -> None:
        """The whole message, read-only, in a scrollable dialog."""
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit

        dialog = QDialog(self, windowTitle="ParamScope — the whole message")
        view = QPlainTextEdit(dialog, readOnly=True)
        # Wrapped at a fixed width in pieces: one giant line would be laid out whole.
        view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        view.setPlainText(
            "\n".join(
                line[i : i + 200]
                for line in self._message.splitlines()
                for i in range(0, max(len(line), 1), 200)
            )
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(view)
        layout.addWidget(buttons)
        dialog.resize(800, 500)
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()


class MainWindow(QMainWindow):
    """The ParamScope main window over one :class:`Session`."""

    def __init__(
        self,
        session: Session | None = None,
        settings_store: SettingsStore | None = None,
        parent=None,
        restore_layout: bool = True,
    ) -> None:
        super().__init__(parent)
        self.session = session if session is not None else Session()
        self.settings_store = settings_store if settings_store is not None else SettingsStore()
        self.settings: Settings = self.settings_store.load()
        self.setWindowTitle("ParamScope")

        self.watcher = Watcher(self.session)
        self.tensor_view = TensorView(
            self, snapshot=self.session.snapshot, snapshot_lock=self.session.lock
        )
        self.tensor_view.describe_write = self.session.last_write_kind
        self.tensor_view.update_source = self.session.training.update_of
        self.error_banner = ErrorBanner(self)
        central = QWidget(self)
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.error_banner)
        central_layout.addWidget(self.tensor_view, 1)
        self.setCentralWidget(central)

        self.tree_view = BlockTreeView(self)
        self.namespace = self.session.namespace
        self.console_view = ConsoleView(self.session, self)
        self.code_log_view = CodeLogView(self)
        self.tree_dock = self._dock("Blocks", self.tree_view, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.console_dock = self._dock(
            "Console", self.console_view, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.code_log_dock = self._dock(
            "Code log", self.code_log_view, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.splitDockWidget(self.console_dock, self.code_log_dock, Qt.Orientation.Horizontal)
        self.history_view = HistoryView(self)
        self.history_dock = self._dock(
            "History", self.history_view, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.tabifyDockWidget(self.code_log_dock, self.history_dock)
        self.code_log_dock.raise_()
        # ---- training: docks on the right, hidden; made after the bottom docks' tab group
        # (made before it, Qt left a second "Code log | History" tab bar over the tensor view).
        self.training_docks = TrainingDocks(self)
        self.resizeDocks([self.tree_dock], [470], Qt.Orientation.Horizontal)
        self.resizeDocks(
            [self.console_dock, self.code_log_dock], [470, 330], Qt.Orientation.Horizontal
        )
        self.resizeDocks([self.console_dock], [DEFAULT_CONSOLE_HEIGHT], Qt.Orientation.Vertical)

        self.totals_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.totals_label)
        # A long error would run under the totals: show it elided (the banner has it all).
        self.statusBar().messageChanged.connect(self._elide_status_message)
        self._build_menus()
        self._connect()
        self._build_inspection_views()
        self._keep_layout = restore_layout
        # Without a saved layout the console gets lines for the text size on first show.
        self._fit_console_on_show = True
        if restore_layout and self.settings.window_state:
            self.restoreState(QByteArray(self.settings.window_state))
            self._fit_console_on_show = False

        self._shown = (None, None)
        self._net_shown = None
        # After a model opens: select its first weight and run the one-batch demo
        # (deferred, so a caller that does either itself, like start-up, goes first).
        self._demo_pending = False
        self._demo_step = 0
        self._select_pending = False
        self._demo_timer = QTimer(self, singleShot=True, interval=0)
        self._demo_timer.timeout.connect(self._run_open_demo)
        self._poll_timer = QTimer(self, interval=POLL_INTERVAL_MS)
        # Precise: the next tick is due one interval after the last one was due, not after
        # it ran, so a late frame does not pull the rate under 30 Hz (a coarse timer may
        # also stretch each interval by 5 %).
        self._poll_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._poll_timer.timeout.connect(self.watcher.poll)
        self._poll_timer.start()
        self.watcher.poll()
        if self.session.net is not None:
            self._model_opened(self.session.source or "")

    # ------------------------------------------------------------ construction
    def _dock(self, title: str, widget: QWidget, area) -> QDockWidget:
        dock = scaled_dock(title, self)
        dock.setObjectName(title.replace(" ", "_"))
        dock.setWidget(DockScrollArea(widget))
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        catch_up_when_raised(dock)
        return dock

    # ------------------------------------------------------------ inspection
    def _build_inspection_views(self) -> None:
        """Values grid, compare, data-flow graph, activations, gradient split (their docks,
        View-menu toggles and watcher connections live in ``inspection_docks.py``)."""
        from .inspection_docks import build_inspection_views

        self.inspection = build_inspection_views(self)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.open_action = file_menu.addAction(
            "&Open model…", self.open_model_dialog, QKeySequence.StandardKey.Open
        )
        self.recent_menu = file_menu.addMenu("Open &recent")
        file_menu.addSeparator()
        file_menu.addAction("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self._fill_recent_menu()

        self.examples_menu = bar.addMenu("&Examples")
        self.example_actions: dict[str, QAction] = {}
        for example in examples.EXAMPLES.values():
            action = self.examples_menu.addAction(example.title)
            action.setStatusTip(example.description)
            missing = examples.missing_layers(example.id)
            if missing:
                action.setText(f"{example.title}  (needs {', '.join(missing)})")
                action.setEnabled(False)
            action.triggered.connect(lambda _=False, i=example.id: self.open_example(i))
            self.example_actions[example.id] = action

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = edit_menu.addAction("&Undo", self.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = edit_menu.addAction("&Redo", self.redo, QKeySequence("Ctrl+Shift+Z"))
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self._update_undo_actions()

        model_menu = bar.addMenu("&Model")
        model_menu.addAction("Run &forward on one batch", self.forward, QKeySequence("F5"))
        self.gradients_action = model_menu.addAction(
            "Forward + &backward (one batch)", self.compute_gradients, QKeySequence("Ctrl+B")
        )
        self.gradients_action.setStatusTip(
            "Run one batch through the model and a loss inside "
            "autograd.record(), then loss.backward(): every "
            "parameter's gradient is filled"
        )
        self.zero_grad_action = model_menu.addAction(
            "&Zero gradients", lambda: self._guarded(self.session.zero_gradients)
        )
        self.zero_grad_action.setStatusTip(
            "Every gradient back to 0, as before any batch: net.collect_params().zero_grad()"
        )
        # ---- initialization: the dialog (Ctrl+I), also a button beside the tree's filter
        self.initialize_action = model_menu.addAction(
            "&Initialize…", self.open_initializer_dialog, QKeySequence("Ctrl+I")
        )
        self.initialize_action.setStatusTip(
            "Initialize the selected parameter or block, the "
            "filtered parameters or the whole net, with a preview"
        )
        # Beside the filter (whose selection or pattern it targets): a toolbar row would
        # cost the tensor view its statistics at 1024×768.
        self.initialize_button = self.tree_view.add_tool_button(self.initialize_action)
        model_menu.addAction(
            "&Filter parameters…", self._focus_filter, QKeySequence.StandardKey.Find
        )
        model_menu.addAction("Focus block &tree", self.tree_view.focus_tree, QKeySequence("Ctrl+T"))
        model_menu.addAction(
            "Focus &console", self.console_view.focus_input, QKeySequence("Ctrl+L")
        )

        view_menu = bar.addMenu("&View")
        for dock in (
            self.tree_dock,
            self.console_dock,
            self.code_log_dock,
            self.history_dock,
            *self.training_docks.docks,
        ):  # ---- training: its four docks
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        larger = view_menu.addAction(
            "&Larger text", lambda: self.change_font_size(+2), QKeySequence.StandardKey.ZoomIn
        )
        larger.setShortcuts([QKeySequence.StandardKey.ZoomIn, QKeySequence("Ctrl+=")])
        view_menu.addAction(
            "&Smaller text", lambda: self.change_font_size(-2), QKeySequence.StandardKey.ZoomOut
        )
        theme_menu = view_menu.addMenu("&Theme")
        group = QActionGroup(self)
        for choice in ("system", "light", "dark"):
            action = theme_menu.addAction(choice.capitalize())
            action.setCheckable(True)
            action.setChecked(choice == self.settings.theme)
            action.triggered.connect(lambda _=False, c=choice: self.set_theme(c))
            group.addAction(action)

    def _connect(self) -> None:
        s = self.session
        s.model_opened.connect(self._model_opened)
        s.printed.connect(self.console_view.write)
        warning_relay().arrived.connect(self._show_warning)
        s.commands.changed.connect(self._history_changed)
        self.code_log_view.clear_requested.connect(s.clear_log)
        self.history_view.position_requested.connect(
            lambda position: self._guarded(lambda: self.session.go_to(position))
        )
        w = self.watcher
        w.structure_changed.connect(self._structure_changed)
        w.values_changed.connect(self.tree_view.parameters_changed)
        w.grads_changed.connect(self.tree_view.parameters_changed)
        # One event per poll for both: a training step moves data and gradient together.
        w.parameters_changed.connect(self.tensor_view.parameters_changed)
        w.training_changed.connect(lambda: self.tensor_view.set_live(self.session.training.running))
        # (an undone training step leaves its gradients: the note says so)
        w.training_changed.connect(
            lambda: self.tensor_view.set_gradient_note(self.session.gradient_note)
        )
        w.grads_changed.connect(
            lambda _: self.tensor_view.set_gradient_note(self.session.gradient_note)
        )
        w.structure_changed.connect(
            lambda: self.tensor_view.set_gradient_note(self.session.gradient_note)
        )
        w.selection_changed.connect(self._selection_changed)
        self.tree_view.path_selected.connect(self._tree_path_selected)
        self.tree_view.set_tie_checker(self.session.tie_problem)
        self.tree_view.tie_requested.connect(self.tie)
        self.tree_view.untie_requested.connect(self.untie)
        self.tree_view.initialize_requested.connect(self.open_initializer_dialog)
        self.tree_view.drop_hint.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.tree_view.filter_requested.connect(self._filter_requested)
        self.tree_view.totals_changed.connect(self._show_totals)
        self.console_view.command_executed.connect(self._console_command_executed)
        hovered = getattr(self.tensor_view, "hovered", None)
        if hovered is not None:
            hovered.connect(lambda text: self.statusBar().showMessage(text, 4000))

    # ------------------------------------------------------------------ actions
    def open_example(self, example_id: str) -> bool:
        """Examples → ``example_id``; on failure the banner says why and nothing changes."""
        return self._guarded(lambda: self.session.open_example(example_id))

    def open_model(self, path: str) -> bool:
        """Open a user's model file; remembered in the recent files when it loads."""
        ok = self._guarded(lambda: self.session.open_model(path))
        if ok:
            self.settings.add_recent_file(path)
            self.settings_store.save(self.settings)
            self._fill_recent_menu()
        return ok

    def open_model_dialog(self) -> None:
        start = (
            os.path.dirname(self.settings.recent_files[0])
            if self.settings.recent_files
            else os.getcwd()
        )
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a model file", start, "Python model files (*.py)"
        )
        if path:
            self.open_model(path)

    def forward(self) -> bool:
        """Model → Run forward on one batch."""
        return self._guarded(self.session.forward)

    def compute_gradients(self) -> bool:
        """Model → Forward + backward (one batch): the Gradient column fills in."""
        self._demo_pending = False
        return self._guarded(self.session.compute_gradients)

    def select(self, path: str) -> bool:
        self._select_pending = False
        return self._guarded(lambda: self.session.select(path))

    def _run_open_demo(self) -> None:
        """What start-up does for its model, for every model opened later."""
        self.tree_view.fit_columns()
        self._fit_tree_dock(narrow=True)
        if self._select_pending and self.session.selected_path is None:
            path = self.session.first_weight_path()
            if path:
                self.select(path)
        self._select_pending = False
        training = self.session.training
        if self._demo_pending and not training.running and training.step_count == self._demo_step:
            self.compute_gradients()
        # A script that opened a model and started training before this ran (the demo
        # waits for the event loop) keeps its run: the demo's batch paused it after
        # a fraction of a second, and its gradients were not the run's.

    def _guarded(self, command) -> bool:
        """Run a session command; an error goes to the banner and the console, not up.

        The command runs as user code (it may run a model file or a user's block):
        any ``BaseException`` from it (``sys.exit()``, ``KeyboardInterrupt``, Stop)
        is reported, never raised, and a runaway loop can be stopped. A menu action
        taken while console code is running runs at once if it only looks (select,
        filter); one that would run a model file is refused, and nothing changes.
        """
        from .core.user_code import RUNNER, UserCodeBusyError, format_user_traceback, summary

        try:
            # Already inside user code (its own call, or a click while it pumps events):
            # run directly; the runner refuses to start a model file from a click.
            RUNNER.run(command) if not RUNNER.running else command()
        except BaseException as exc:  # user code and user input: report, never crash
            busy = isinstance(exc, UserCodeBusyError)
            if busy:
                self.tree_view.select_path(self.session.selected_path)  # undo the click
            message = str(exc) if busy or isinstance(exc, ModelLoadError) else summary(exc)
            details = getattr(exc, "details", None) or (
                message if busy else format_user_traceback(exc)
            )
            self.error_banner.show_message(message)
            self.console_view.write(details if details.endswith("\n") else details + "\n")
            self.statusBar().showMessage(message, 10000)
            return False
        self.error_banner.hide()
        self.refresh_views()
        return True

    def change_font_size(self, step: int) -> None:
        """View → Larger/Smaller text: every label, plot axis and table follows."""
        app = QApplication.instance()
        font = app.font()
        old = font.pointSize()
        size = max(8, min(32, old + step))
        font.setPointSize(size)
        app.setFont(font)
        self.settings.font_size = size
        self.settings_store.save(self.settings)
        # The docks keep their pixel height: give the console and code log the same
        # number of lines at the new size, leaving the tensor view at least half.
        if old > 0 and size != old and self.console_dock.isVisible():
            height = int(self.console_dock.height() * size / old)
            height = min(height, max(150, int(self.height() * CONSOLE_MAX_SHARE)))
            self.resizeDocks([self.console_dock], [height], Qt.Orientation.Vertical)
        # The tree's columns were fitted to the old text; refit once the fonts arrived.
        QTimer.singleShot(0, self._refit_tree)

    def _refit_tree(self) -> None:
        self.tree_view.fit_columns()
        self._fit_tree_dock()

    def set_theme(self, choice: str) -> None:
        self.settings.theme = choice
        apply_theme(QApplication.instance(), choice)
        restyle_plot_widgets(self, QApplication.instance().palette())
        self.settings_store.save(self.settings)

    def _focus_filter(self) -> None:
        self.tree_view.focus_filter()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_files:
            self.recent_menu.addAction(path, lambda p=path: self.open_model(p))
        self.recent_menu.setEnabled(bool(self.settings.recent_files))

    # -------------------------------------------------------- session events
    def _model_opened(self, source: str) -> None:
        """A command opened a model: select its first weight and run the one-batch demo."""
        self._select_pending = True
        # A model typed in the console is left as typed (its deferred shapes stay).
        self._demo_pending = self.session.source != "console"
        self._demo_step = self.session.training.step_count  # trained since: no demo
        self._demo_timer.start()

    def _structure_changed(self) -> None:
        """The watcher saw another model, or the open one's tree change."""
        net = self.session.net
        self.tree_view.set_tree(self.session.tree() if net is not None else None)
        if net is not self._net_shown:
            self._net_shown = net
            source = self.session.source or ""
            label = os.path.basename(source) if os.path.sep in source else source
            self.setWindowTitle(f"ParamScope — {label}" if label else "ParamScope")
        self._show_totals(self.tree_view.totals())
        # A structural change may have removed or replaced the selected node.
        obj = self.session.selected()
        if obj is None and self.session.selected_path is not None:
            self.session.select(None)
        elif (self.session.selected_path, id(obj)) != self._shown:
            self._show_selected()
        else:
            self.tensor_view.structure_changed()
        self.tree_view.select_path(self.session.selected_path)

    def _selection_changed(self, path: str | None) -> None:
        self.tree_view.select_path(path)
        self._show_selected()
        self.tree_view.highlight(self.session.selected_parameter())

    def _history_changed(self) -> None:
        history = self.session.commands
        self.code_log_view.show_log(self.session.code_log, history.dropped)
        self.history_view.show_history(history.entries, history.cursor, history.dropped)
        self._update_undo_actions()

    def _update_undo_actions(self) -> None:
        history = self.session.commands
        for action, command, able in (
            (self.undo_action, _last_change(history.in_effect()), history.can_undo),
            (self.redo_action, _first_change(history.undone()), history.can_redo),
        ):
            verb = "Undo" if action is self.undo_action else "Redo"
            action.setEnabled(able)
            action.setText(f"&{verb} {command.label}" if able and command else f"&{verb}")

    def undo(self) -> bool:
        """Edit → Undo: the last change to the model is taken back."""
        return self._step_history(self.session.undo, "Undid", "Nothing to undo")

    def redo(self) -> bool:
        return self._step_history(self.session.redo, "Redid", "Nothing to redo")

    def tie(self, target_path: str, source_path: str) -> bool:
        """Drag-to-tie: ``target_path`` uses ``source_path``'s parameters from now on."""
        ok = self._guarded(lambda: self.session.tie(target_path, source_path))
        if ok:
            self.statusBar().showMessage(
                f"Tied {target_path} to {source_path} — Ctrl+Z undoes it", 6000
            )
        return ok

    def untie(self, path: str) -> bool:
        return self._guarded(lambda: self.session.untie(path))

    def _step_history(self, step, verb: str, nothing: str) -> bool:
        done = []
        ok = self._guarded(lambda: done.append(step()))
        if ok:
            command = done[0] if done else None
            self.statusBar().showMessage(f"{verb}: {command.label}" if command else nothing, 4000)
        return ok

    def _show_selected(self) -> None:
        obj = self.session.selected()
        path = self.session.selected_path
        self._shown = (path, id(obj))
        if obj is None:
            self.tensor_view.clear("Select a parameter in the block tree to see its values.")
        elif self.session.selected_parameter() is not None:
            self.tensor_view.show_parameter(obj, path, self._tie_text(path))
        else:
            names = ", ".join(obj.params.keys()) or "none of its own"
            self.tensor_view.clear(
                f"{path} is a {type(obj).__name__} block "
                f"({obj.name}); its parameters: {names}. "
                f"Select one to see its values."
            )

    def _fit_tree_dock(self, narrow: bool = False) -> None:
        """Widen the tree so its columns show, up to 40 % of the width the right-hand docks
        leave; with ``narrow`` (a model just opened), also give back what its columns do
        not need."""
        if self.tree_dock.isFloating() or not self.tree_dock.isVisible():
            return
        # The training docks beside a 1024-pixel window: the tensor view keeps its room.
        right = max(
            (
                dock.width()
                for dock in self.findChildren(QDockWidget)
                if dock.isVisible()
                and not dock.isFloating()
                and self.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
            ),
            default=0,
        )
        wanted = min(self.tree_view.fitted_width(), int((self.width() - right) * 0.4))
        if wanted > self.tree_dock.width() or (narrow and wanted < self.tree_dock.width()):
            self.resizeDocks([self.tree_dock], [wanted], Qt.Orientation.Horizontal)

    def _tie_text(self, path: str) -> str:
        """``'tied: the same Parameter as net[1].weight'`` when another row shares it."""
        from .core.block_tree import find_node

        node = find_node(self.session.tree(), path)
        if node is None:
            return ""
        if node.tied_to is not None:
            return f"tied: the same Parameter as {node.tied_to.path}"
        shared = [n.path for n in self.session.tree().walk() if n.is_param and n.tied_to is node]
        return f"tied: also used as {', '.join(shared)}" if shared else ""

    def _elide_status_message(self, message: str) -> None:
        bar = self.statusBar()
        room = bar.width() - self.totals_label.width() - 40
        if message and room > 0:
            elided = bar.fontMetrics().elidedText(message, Qt.TextElideMode.ElideRight, room)
            if elided != message:
                bar.showMessage(elided, 10000)

    def _tree_path_selected(self, path: str) -> None:
        self.select(path)

    def _filter_requested(self, pattern: str) -> None:
        try:
            params = self.session.filter_parameters(pattern)
        except FilterError as exc:
            self.tree_view.show_filter_error(str(exc))
            return
        self.tree_view.show_filter(pattern, params)
        self.refresh_views()

    def _console_command_executed(self, _command: str) -> None:
        self.refresh_views()

    def _show_totals(self, totals) -> None:
        if totals is None:
            self.totals_label.setText("")
            return
        if totals.deferred:
            text = (
                f"Parameters ≥ {totals.parameters:,}, {totals.deferred} deferred   "
                f"trainable ≥ {totals.trainable:,}"
            )
        else:
            text = f"Parameters {totals.parameters:,}   trainable {totals.trainable:,}"
        text += f"   shared {totals.shared:,}"
        self.totals_label.setText(text)

    # ---- initialization
    def open_initializer_dialog(
        self, target_path_or_pattern: str | None = None, library_folder: str | None = None
    ):
        """Model → Initialize… (Ctrl+I): for ``target_path_or_pattern``, else the selection,
        else the filter's pattern, else ``'net'``. Returns the (non-modal) dialog."""
        from .dialogs.initializer_dialog import InitializerDialog

        if self.session.net is None:
            return None
        pattern = self.tree_view.filter_text()
        selected = self.session.selected_path
        target = target_path_or_pattern or selected or pattern or "net"
        choices = tuple(c for c in (selected, pattern) if c)
        for dialog in self.findChildren(InitializerDialog):  # one dialog: it shares one worker
            if dialog.isVisible():
                dialog.set_target(target)
                dialog.raise_()
                dialog.activateWindow()
                return dialog
        dialog = InitializerDialog(self.session, target, library_folder, choices, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.session.initializer_timeout_s = self.settings.initializer_timeout_s
        dialog.applied.connect(self.refresh_views)
        dialog.timeout_changed.connect(self._initializer_timeout_changed)
        dialog.show()
        return dialog

    def _initializer_timeout_changed(self, seconds: float) -> None:
        self.settings.initializer_timeout_s = seconds
        self.settings_store.save(self.settings)

    # ---------------------------------------------------------------- polling
    def refresh_views(self) -> None:
        """Let the watcher report what changed since the last poll (cheap when nothing did)."""
        self.watcher.poll()

    # ---------------------------------------------------------------- settings
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._fit_console_on_show:
            self._fit_console_on_show = False
            self._fit_console_to_text()

    def _fit_console_to_text(self) -> None:
        """A few lines of console at the current text size (a 230 px console held one
        line and the prompt at 32 pt), leaving the tensor view most of the height."""
        line = self.console_view.fontMetrics().lineSpacing()
        height = min(CONSOLE_LINES * line, int(self.height() * CONSOLE_MAX_SHARE))
        if height > DEFAULT_CONSOLE_HEIGHT:  # at the usual text size the built layout stands
            self.resizeDocks([self.console_dock], [height], Qt.Orientation.Vertical)

    def _show_warning(self, text: str) -> None:
        """A Python warning (NumPy's overflow in the model...): the console and status bar."""
        self.console_view.write(f"⚠ {text}\n")
        self.statusBar().showMessage(f"⚠ {text}", 10000)

    def closeEvent(self, event) -> None:
        self._poll_timer.stop()
        with contextlib.suppress(RuntimeError, TypeError):  # not connected (a second close)
            warning_relay().arrived.disconnect(self._show_warning)
        self.training_docks.stop()  # ---- training: stop the workers before the window goes
        if not self._keep_layout:  # a scripted run (screenshot) leaves the user's layout alone
            super().closeEvent(event)
            return
        self.settings.window_state = bytes(self.saveState().data())
        self.settings.window_geometry = bytes(self.saveGeometry().data())
        self.settings_store.save(self.settings)
        super().closeEvent(event)


def _last_change(commands):
    return next((c for c in reversed(commands) if c.changes_model), None)


def _first_change(commands):
    return next((c for c in commands if c.changes_model), None)
