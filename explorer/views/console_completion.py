"""``ConsoleCompletion``: Tab in the console input completes, with a popup for several choices.

The work happens on a worker thread (:class:`explorer.core.completion.CompletionJob`)
with a time limit, so the window never waits for it. One candidate is inserted;
several insert their common prefix and open a popup list (Enter or a click
picks one, Esc closes it). The result is dropped if the input changed
meanwhile.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter

from ..core.completion import TIME_LIMIT_S, CompletionJob, Completions
from ..core.user_code import RUNNER

__all__ = ["ConsoleCompletion"]


class ConsoleCompletion(QObject):
    """Completes the text of a :class:`~explorer.views.console_input.ConsoleInput`.

    Signals
    -------
    finished(object)
        A completion ended: its :class:`Completions`, or the exception that ended it.
    """

    finished = Signal(object)
    _job_done = Signal(object, object)  # (the input's text and cursor, result) across threads

    def __init__(self, line_edit, namespace: dict, parent=None) -> None:
        super().__init__(parent)
        self.line_edit = line_edit
        self.namespace = namespace
        self._job: CompletionJob | None = None
        self.time_limit_s = TIME_LIMIT_S
        self._start = 0
        self.popup_model = QStringListModel(self)
        self.completer = QCompleter(self.popup_model, self)
        self.completer.setWidget(line_edit)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)
        self.completer.activated.connect(self._chosen)
        self._job_done.connect(self._apply, Qt.ConnectionType.QueuedConnection)
        line_edit.completion_requested.connect(self.request)

    def busy(self) -> bool:
        return self._job is not None and self._job.running()

    def request(self) -> None:
        """Complete at the cursor (Tab). Ignored while code runs or a completion is under way."""
        if RUNNER.running or self.busy():
            return
        state = (self.line_edit.text(), self.line_edit.cursorPosition())

        def done(result):  # on the worker (or timer) thread
            try:
                self._job_done.emit(state, result)
            except RuntimeError:  # the console was closed meanwhile: nobody to tell
                pass

        self._job = CompletionJob(state[0], state[1], self.namespace, done, self.time_limit_s)
        self._job.start()

    def popup_items(self) -> list[str]:
        """The candidates the popup shows (empty when it is closed)."""
        return self.popup_model.stringList() if self.completer.popup().isVisible() else []

    def _apply(self, state, result) -> None:
        text, cursor = state
        if (self.line_edit.text(), self.line_edit.cursorPosition()) != (text, cursor):
            self.finished.emit(result)
            return  # the user typed on meanwhile
        if isinstance(result, Completions) and result.candidates:
            self._start = result.start
            self._replace(result.prefix())
            if len(result.candidates) > 1:
                self.popup_model.setStringList(result.candidates)
                rect = self.line_edit.cursorRect()
                rect.setWidth(min(400, self.completer.popup().sizeHintForColumn(0) + 30))
                self.completer.complete(rect)
        self.finished.emit(result)

    def _replace(self, word: str) -> None:
        """Replace the text from the completion's start to the cursor by ``word``."""
        edit = self.line_edit
        cursor = edit.cursorPosition()
        if len(word) < cursor - self._start:
            return  # never shorten what was typed
        edit.setSelection(self._start, cursor - self._start)
        edit.insert(word)

    def _chosen(self, word: str) -> None:
        self._replace(word)
