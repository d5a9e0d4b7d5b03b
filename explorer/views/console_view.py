"""``ConsoleView``: pyqtgraph's Python console on the session's namespace.

Commands run on the GUI thread through ``session.execute`` (each one an
undoable command of the session, run by :data:`explorer.core.user_code.RUNNER`), so
nothing a learner types takes the app down: errors (``sys.exit()`` and
``KeyboardInterrupt`` included) are printed with the learner's own lines first,
and a command that runs longer than ~0.3 s shows a "Running… Stop (Esc)" bar
whose Stop interrupts it at its next line. After each command
``command_executed`` fires so the window can refresh the views at once.
``run_source`` runs a whole script (``--run``) the same way.

The output pane (:class:`~explorer.views.console_output.ConsoleOutput`) is
bounded and follows new text; the input line
(:class:`~explorer.views.console_input.ConsoleInput`) completes on Tab and
indents blocks. pyqtgraph's "Exceptions.." frame inspector is hidden (it
squeezed the console to three lines) until asked for from the output's
context menu.
"""

from __future__ import annotations

import codeop
import contextlib
import linecache
import os
from dataclasses import dataclass

from pyqtgraph.console import ConsoleWidget
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.source_file import read_source_file
from ..core.user_code import RUNNER, format_user_traceback, summary, user_line
from .console_completion import ConsoleCompletion
from .console_input import ConsoleInput
from .console_output import ConsoleOutput

__all__ = ["ConsoleView", "RunningBar", "ScriptFailure"]

WELCOME = (
    "# `net` is the open model; np, npx, nn, init, autograd, gluon, session are here.\n"
    "# Try:  net[0].weight.data()[:] += 1\n"
    "#       net.add(nn.Dense(5))\n"
)

SHOW_RUNNING_AFTER_S = 0.3  # quick commands never flash the bar


@dataclass
class ScriptFailure:
    """How a script failed: ``message`` in one line (file, line, error); ``details`` in full."""

    message: str
    details: str

    def __str__(self) -> str:
        return self.message


class _ConsoleStream:
    """A file-like object that writes into the console's output."""

    def __init__(self, write) -> None:
        self._write = write

    def write(self, text: str) -> int:
        self._write(text)
        return len(text)

    def flush(self) -> None:
        """Nothing to flush: every write goes straight to the console."""


class RunningBar(QFrame):
    """ "Running… 2.4 s  [Stop (Esc)]": shown in place of the prompt while code runs."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.stop_button = QPushButton("■  Stop (Esc)", self)
        self.stop_button.setToolTip(
            "Interrupt the running code at its next line "
            "(KeyboardInterrupt). Esc or Ctrl+C do the same."
        )
        self.stop_button.clicked.connect(RUNNER.request_stop)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 4, 3)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.stop_button)
        self.setStyleSheet(
            "RunningBar { background: #f0b429; } "
            "RunningBar QLabel { color: #1d1d1d; font-weight: bold; }"
        )
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.hide()

    def set_elapsed(self, seconds: float) -> None:
        self.label.setText(
            f"Running your code… {seconds:.1f} s — the window stays live; "
            f"Stop interrupts it at its next line"
        )


class ConsoleView(QWidget):
    """The console widget plus script running.

    Signals
    -------
    command_executed(str)
        A command or script finished (successfully or not).
    """

    command_executed = Signal(str)

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.namespace = session.namespace
        self.console = ConsoleWidget(self, namespace=self.namespace)
        self.console.historyBtn.hide()
        repl = self.console.repl
        self._replace_output_and_input(repl)
        self.output.write(WELCOME)
        self._hide_exception_inspector()
        self.completion = ConsoleCompletion(self.input, self.namespace, self)
        self._pending_lines: list[str] = []
        self._commands_run = 0

        self.running_bar = RunningBar(self)
        repl.layout.insertWidget(repl.layout.indexOf(repl.inputWidget), self.running_bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.console)

        self._stop_shortcuts = [QShortcut(QKeySequence("Esc"), self, RUNNER.request_stop)]
        self._stop_shortcuts.append(
            QShortcut(
                QKeySequence("Ctrl+C"),
                self,
                RUNNER.request_stop,
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
        )
        for shortcut in self._stop_shortcuts:
            shortcut.setEnabled(False)
        self._input_had_focus = False

        _connect_runner_to_qt()
        RUNNER.state_changed.connect(self._runner_state_changed)
        callback = self._runner_state_changed
        self.destroyed.connect(lambda *_: RUNNER.state_changed.disconnect(callback))

    def _replace_output_and_input(self, repl) -> None:
        """Put our bounded output pane and completing input line in pyqtgraph's places."""
        self.output = ConsoleOutput(repl)
        repl.layout.replaceWidget(repl.output, self.output)
        repl.output.setParent(None)
        repl.output.deleteLater()
        repl.output = self.console.output = self.output
        repl.write = lambda text, style="output", scrollToBottom="auto": self.output.write(
            text, "command" if style == "command" else "output"
        )
        old = repl.input
        self.input = ConsoleInput(repl)
        self.input.setFont(old.font())
        self.input.ps1, self.input.ps2 = old.ps1, old.ps2
        self.input.setMultiline(False)
        repl.inputLayout.replaceWidget(old, self.input)
        old.setParent(None)
        old.deleteLater()
        repl.input = self.console.input = self.input
        # Our runner replaces pyqtgraph's (which catches only Exception and can't stop).
        self.input.sigExecuteCmd.connect(self._execute_input)
        self.input.refused.connect(lambda message: self.write(message + "\n"))

    def _hide_exception_inspector(self) -> None:
        """pyqtgraph's frame inspector, hidden; the output's context menu shows it."""
        console = self.console
        console.exceptionBtn.setChecked(False)
        console.exceptionBtn.hide()
        console.excHandler.hide()
        self.inspector_action = QAction("Show the exception inspector", self, checkable=True)
        self.inspector_action.toggled.connect(console.exceptionBtn.setVisible)
        self.inspector_action.toggled.connect(console.exceptionBtn.setChecked)
        self.output.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.output.customContextMenuRequested.connect(self._output_menu)

    def _output_menu(self, pos) -> None:
        menu = self.output.createStandardContextMenu()
        menu.addSeparator()
        menu.addAction(self.inspector_action)
        menu.exec(self.output.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # ------------------------------------------------------------ input
    def run_command(self, command: str) -> None:
        """Type ``command`` and press Enter, as a user would."""
        self.console.input.setText(command)
        self.console.input.execCmd()

    def write(self, text: str) -> None:
        """Append ``text`` to the console's output (bounded; see ConsoleOutput)."""
        self.output.write(text)

    def focus_input(self) -> None:
        self.console.input.setFocus()

    def _execute_input(self, text: str) -> None:
        if RUNNER.running:  # Enter pressed while code runs (before the input is disabled)
            self.write("# still running: press Stop (Esc) first\n")
            return
        for line in text.split("\n"):
            self._execute_line(line)
        self.command_executed.emit(text)

    def _execute_line(self, line: str) -> None:
        """One line typed at the prompt, as Python's own REPL takes it."""
        repl = self.console.repl
        if self._pending_lines and not line.strip():
            line = ""  # the auto-indent left alone: a blank line, which ends the block
        prompt = self.input.ps2 if self._pending_lines else self.input.ps1
        if not self.output.at_line_start():
            self.write("\n")
        self.output.write(f"{prompt}{line}\n", "command")
        repl.sigCommandEntered.emit(repl, line)  # the history list
        self._pending_lines.append(line)
        source = "\n".join(self._pending_lines)
        filename = f"<console {self._commands_run + 1}>"
        try:
            code = codeop.compile_command(source, filename, "single")
        except Exception as exc:  # noqa: BLE001  SyntaxError, ValueError (NUL), RecursionError,
            # MemoryError (100k-deep nesting), UnicodeEncodeError (lone surrogates): reported
            self._pending_lines = []
            self.console.input.setMultiline(False)
            self._clear_auto_indent()
            self._report(exc)
            return
        if code is None:  # an open block: wait for more lines
            self.console.input.setMultiline(True)
            self.input.indent_after(line)
            return
        self._pending_lines = []
        self.console.input.setMultiline(False)
        self._clear_auto_indent()
        self._commands_run += 1
        # Tracebacks show the typed lines, and functions defined here stay traced.
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        stream = _ConsoleStream(self.write)
        try:
            with (
                self.output.batched(),
                contextlib.redirect_stdout(stream),
                contextlib.redirect_stderr(stream),
            ):
                self.session.execute(source, filename, "single")
        except BaseException as exc:  # user code: SystemExit and Stop included, never fatal
            self._report(exc)
        if not self.output.at_line_start():
            self.write("\n")

    def _clear_auto_indent(self) -> None:
        """A block ended: the indentation put in for its next line goes (typed text stays)."""
        if not self.input.text().strip():
            self.input.setText("")

    def _report(self, exc: BaseException) -> None:
        if not self.output.at_line_start():
            self.write("\n")
        self.write(format_user_traceback(exc))
        if isinstance(exc, Exception):  # pyqtgraph's "Exceptions.." panel
            self.console.repl.sigCommandRaisedException.emit(self.console.repl, exc)

    # ------------------------------------------------------------ scripts
    def run_source(self, source: str, filename: str = "<script>") -> ScriptFailure | None:
        """Execute ``source`` in the console's namespace; its prints go to the console.

        Returns None on success, else a :class:`ScriptFailure` (its one-line
        message; the full traceback is also printed in the console). Errors never
        propagate, ``SystemExit`` and ``KeyboardInterrupt`` included; a runaway
        loop can be stopped.
        """
        stream = _ConsoleStream(self.write)
        short = os.path.basename(filename)
        self.write(f"# running {short}\n")
        if not os.path.isfile(filename):
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        error = None
        try:
            with (
                self.output.batched(),
                contextlib.redirect_stdout(stream),
                contextlib.redirect_stderr(stream),
            ):
                self.session.execute(source, filename)
        except BaseException as exc:  # a user's script: show the error, keep the app
            details = format_user_traceback(exc)
            self.write(details)
            lineno = user_line(exc, filename)
            where = f"{short}, line {lineno}" if lineno else short
            error = ScriptFailure(f"{where}: {summary(exc)}", details)
        self.command_executed.emit(source)
        return error

    def run_script(self, path: str) -> ScriptFailure | None:
        """Run the Python file at ``path`` (see :meth:`run_source`).

        Only a regular file of at most 10 MB is read (not ``/dev/zero``, not a FIFO).
        """
        try:
            source = read_source_file(path)
        except (OSError, UnicodeDecodeError) as exc:
            message = f"{os.path.basename(path)}: cannot read the script: {exc}"
            self.write(message + "\n")
            return ScriptFailure(message, message + "\n")
        return self.run_source(source, os.path.abspath(path))

    # ---------------------------------------------------------- running
    def _runner_state_changed(self, state: str, elapsed: float) -> None:
        # isHidden, not isVisible: code run before the window is shown (--run at
        # start-up) must still take the bar down when it finishes.
        bar = self.running_bar
        if state == "running" and elapsed >= SHOW_RUNNING_AFTER_S:
            if bar.isHidden():
                self._show_running()
            bar.set_elapsed(elapsed)
        elif state == "finished" and not bar.isHidden():
            self._hide_running()

    def _show_running(self) -> None:
        self._input_had_focus = self.console.input.hasFocus()
        self.console.repl.inputWidget.hide()
        self.running_bar.show()
        self.running_bar.stop_button.setFocus()
        for shortcut in self._stop_shortcuts:
            shortcut.setEnabled(True)

    def _hide_running(self) -> None:
        for shortcut in self._stop_shortcuts:
            shortcut.setEnabled(False)
        had_focus = self.running_bar.stop_button.hasFocus() or self._input_had_focus
        self.running_bar.hide()
        self.console.repl.inputWidget.show()
        if had_focus:
            self.console.input.setFocus()

    def keyPressEvent(self, event) -> None:
        # Esc on the focused Stop button reaches here when the window shortcut can't fire.
        if RUNNER.running and (
            event.key() == Qt.Key.Key_Escape or event.matches(QKeySequence.StandardKey.Copy)
        ):
            RUNNER.request_stop()
            return
        super().keyPressEvent(event)


_qt_connected = False


def _connect_runner_to_qt() -> None:
    """The runner pumps Qt's events; closing the last window stops running code."""
    global _qt_connected
    if _qt_connected:
        return
    app = QApplication.instance()
    RUNNER.pump_events = QApplication.processEvents
    app.lastWindowClosed.connect(RUNNER.request_stop)
    _qt_connected = True
