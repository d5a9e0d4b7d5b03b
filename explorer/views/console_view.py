"""``ConsoleView``: pyqtgraph's Python console on the session's namespace.

Commands run on the GUI thread with their exceptions caught and printed; after
each one ``command_executed`` fires so the window can refresh the views at once.
``run_source`` runs a whole script (``--run``) the same way.
"""

from __future__ import annotations

import contextlib
import os
import traceback

from pyqtgraph.console import ConsoleWidget
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

__all__ = ["ConsoleView"]

WELCOME = (
    "# `net` is the open model; np, npx, nn, init, autograd, gluon, session are here.\n"
    "# Try:  net[0].weight.data()[:] += 1\n"
    "#       net.add(nn.Dense(5))\n"
)


class _ConsoleStream:
    """A file-like object that writes into the console's output."""

    def __init__(self, write) -> None:
        self._write = write

    def write(self, text: str) -> int:
        self._write(text)
        return len(text)

    def flush(self) -> None:
        pass


class ConsoleView(QWidget):
    """The console widget plus script running.

    Signals
    -------
    command_executed(str)
        A command or script finished (successfully or not).
    """

    command_executed = Signal(str)

    def __init__(self, namespace: dict, parent=None) -> None:
        super().__init__(parent)
        self.namespace = namespace
        self.console = ConsoleWidget(self, namespace=namespace, text=WELCOME)
        self.console.historyBtn.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.console)
        # Connected after the console's own handler, so it runs once the command has run.
        self.console.input.sigExecuteCmd.connect(self.command_executed.emit)

    def run_command(self, command: str) -> None:
        """Type ``command`` and press Enter, as a user would."""
        self.console.input.setText(command)
        self.console.input.execCmd()

    def write(self, text: str) -> None:
        """Append ``text`` to the console's output."""
        # Written directly: the repl's own write() fails before the first command.
        output = self.console.output
        cursor = output.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        output.setTextCursor(cursor)
        output.insertPlainText(text)
        bar = output.verticalScrollBar()
        bar.setValue(bar.maximum())

    def run_source(self, source: str, filename: str = "<script>") -> str | None:
        """Execute ``source`` in the console's namespace; its prints go to the console.

        Returns None on success, else the one-line error (the full traceback is
        printed in the console). Errors never propagate.
        """
        stream = _ConsoleStream(self.write)
        self.write(f"# running {os.path.basename(filename)}\n")
        error = None
        try:
            code = compile(source, filename, "exec")
            with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
                exec(code, self.namespace)
        except Exception as exc:  # a user's script: show the error, keep the app
            self.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
            frames = [f for f in traceback.extract_tb(exc.__traceback__)
                      if f.filename == filename]
            where = f"{os.path.basename(filename)}, line {frames[-1].lineno}: " if frames else \
                f"{os.path.basename(filename)}: "
            if isinstance(exc, SyntaxError) and exc.lineno:
                where = f"{os.path.basename(filename)}, line {exc.lineno}: "
            error = where + traceback.format_exception_only(type(exc), exc)[-1].strip()
        self.command_executed.emit(source)
        return error

    def run_script(self, path: str) -> str | None:
        """Run the Python file at ``path`` (see :meth:`run_source`)."""
        try:
            with open(path, encoding="utf-8") as f:
                source = f.read()
        except OSError as exc:
            message = f"{os.path.basename(path)}: cannot read the script: {exc}"
            self.write(message + "\n")
            return message
        return self.run_source(source, os.path.abspath(path))
