"""Running a learner's code on the GUI thread without letting it take the app down.

User code (console input, ``--run`` scripts, model files, the blocks and
initializers they define) runs on the GUI thread, because it changes the model
the views draw. :class:`UserCodeRunner` makes that safe:

* **Interruptible.** While user code runs, a trace hook (``sys.settrace``) sees
  the *line* events of frames whose code came from a user file (the console's
  pseudo-files, scripts, model files: :meth:`UserCodeRunner.add_filename`).
  Every ~50 ms of wall time it pumps the GUI's events, so the window repaints
  and its Stop button works; after Stop it raises :class:`StopRequested` (a
  ``KeyboardInterrupt``) in the user's frame. Library and engine frames are not
  traced (the global hook returns None for them), so the cost is one cheap
  check per user line plus one per Python call. A single long C call (a huge
  matmul, ``time.sleep``) cannot be interrupted mid-call; the stop lands on the
  next user line.
* **Never fatal.** Callers catch ``BaseException`` around :meth:`run`:
  ``SystemExit`` and ``KeyboardInterrupt`` from user code are errors like any
  other; :func:`summary` and :func:`format_user_traceback` describe them with
  the user's own frames first.
* **Not re-entrant from the GUI.** While events are pumped from inside user
  code, a menu action that would start more user code gets
  :class:`UserCodeBusyError` (nothing runs, nothing changes). Code that user code
  calls synchronously (``session.open_model(...)`` typed in the console) runs
  nested, under the same hook.

No Qt import here: the GUI sets :attr:`UserCodeRunner.pump_events`, and views
follow :attr:`UserCodeRunner.state_changed`.
"""

from __future__ import annotations

import _thread
import contextlib
import os
import signal
import sys
import threading
import time
import traceback

from .events import Event

__all__ = [
    "RUNNER",
    "StopRequested",
    "UserCodeBusyError",
    "UserCodeRunner",
    "format_user_traceback",
    "summary",
    "user_line",
]

PUMP_INTERVAL_S = 0.05  # the window repaints and the Stop button answers within this
# Simulated (never sent by the OS) to run a Python handler on the main thread.
TICK_SIGNAL = getattr(signal, "SIGUSR2", None)
_THIS_FILE = os.path.abspath(__file__)
_EXPLORER_DIR = os.path.dirname(os.path.dirname(_THIS_FILE)) + os.sep

STOP_BUTTON = "stopped by the Stop button"
QUIT_HINT = "the app keeps running; close the window to quit"


class StopRequested(KeyboardInterrupt):
    """Raised in the user's frame after Stop (button, Esc, Ctrl+C in the console)."""


class UserCodeBusyError(RuntimeError):
    """Refused: other user code is still running (its events are being pumped)."""

    def __init__(self) -> None:
        super().__init__(
            "Python code is still running in the console: press Stop (Esc) to "
            "interrupt it, or wait for it to finish, then try again."
        )


class UserCodeRunner:
    """Runs user code with a Stop button's trace hook; one per process (:data:`RUNNER`).

    Attributes
    ----------
    pump_events : callable or None
        Called every ~50 ms while user code runs (the GUI processes its events).
    state_changed : callbacks
        ``callback(state, elapsed_s)`` with state ``'started'``, ``'running'``
        (every pump) or ``'finished'``.
    """

    def __init__(self) -> None:
        self.pump_events = None
        self.state_changed = Event()
        self._user_filenames: set[str] = set()
        self._running = False
        self._pumping = False
        self._stop = False
        self._stop_reason = STOP_BUTTON
        self._deadline: float | None = None
        self._time_limit_s: float | None = None
        self._started_at = 0.0
        self._ticks_wanted = threading.Event()
        self._ticker: threading.Thread | None = None
        self._handler_installed = False
        self._armed_frame = None

    # -------------------------------------------------------------- state
    @property
    def running(self) -> bool:
        """User code is on the stack (possibly pumping events)."""
        return self._running

    @property
    def pumping(self) -> bool:
        """The hook is processing GUI events from inside user code right now."""
        return self._pumping

    def elapsed(self) -> float:
        return time.monotonic() - self._started_at if self._running else 0.0

    def add_filename(self, filename: str) -> None:
        """Trace code compiled with this filename (a console pseudo-file, a script, a model)."""
        self._user_filenames.add(filename)

    def is_user_filename(self, filename: str) -> bool:
        return filename in self._user_filenames

    def request_stop(self, reason: str = "") -> None:
        """Interrupt the running code at its next user line (no-op when nothing runs).

        ``reason`` ends up in the :class:`StopRequested` message (default: the Stop button).
        """
        if self._running:
            self._stop = True
            self._stop_reason = reason or STOP_BUTTON

    @contextlib.contextmanager
    def time_limit(self, seconds: float | None):
        """Stop the user code started inside this block after ``seconds`` of wall time.

        Used by ``--timeout``: the stop lands like Stop's, at the next user line,
        with a message naming the limit. ``None`` means no limit.
        """
        previous, self._time_limit_s = self._time_limit_s, seconds
        try:
            yield
        finally:
            self._time_limit_s = previous

    # ---------------------------------------------------------------- run
    def run(self, function, *args):
        """Call ``function(*args)`` as user code and return its result.

        Exceptions (any ``BaseException``) propagate to the caller, which shows
        them. Called while events are pumped from running user code (a menu
        click), raises :class:`UserCodeBusyError` without calling ``function``.
        """
        if self._running:
            if self._pumping:
                raise UserCodeBusyError()
            return function(*args)  # called by the running user code itself
        self._running, self._stop = True, False
        self._started_at = time.monotonic()
        limit = self._time_limit_s
        self._deadline = None if limit is None else self._started_at + limit
        self.state_changed.emit("started", 0.0)
        self._start_ticks()
        try:
            return function(*args)
        finally:
            self._ticks_wanted.clear()
            self._disarm()
            self._running = self._stop = False
            self._deadline = None
            self.state_changed.emit("finished", time.monotonic() - self._started_at)

    # ------------------------------------------------------------- ticks
    def _start_ticks(self) -> None:
        """Have the ticker interrupt this (the main) thread every ~50 ms from now on."""
        if TICK_SIGNAL is None or threading.current_thread() is not threading.main_thread():
            return  # signal handlers run on the main thread only: not interruptible
        if not self._handler_installed:
            # Installed once and kept: a tick still pending after a run finds it, not
            # the default action (which would kill the process).
            signal.signal(TICK_SIGNAL, self._on_tick)
            self._handler_installed = True
        if self._ticker is None:
            self._ticker = threading.Thread(
                target=self._tick_forever, daemon=True, name="paramscope-user-code-ticker"
            )
            self._ticker.start()
        self._ticks_wanted.set()

    def _tick_forever(self) -> None:
        while True:
            self._ticks_wanted.wait()
            time.sleep(PUMP_INTERVAL_S)
            if self._ticks_wanted.is_set():
                # No OS signal: trips the handler at the main thread's next bytecode
                # boundary, even inside `while True: pass`.
                _thread.interrupt_main(TICK_SIGNAL)

    def _on_tick(self, _signum, frame) -> None:
        """The tick's handler, on the main thread, in whatever frame was running."""
        if not self._running or self._pumping or self._armed_frame is not None:
            return
        files = self._user_filenames
        if frame is not None and frame.f_code.co_filename in files:
            self._pump()  # in the user's own frame: safe to repaint, and to raise there
            return
        # Library, engine or app code is running: pump at the user's next line instead,
        # so the views never repaint in the middle of an engine or app operation.
        user_frame = frame.f_back if frame is not None else None
        while user_frame is not None and user_frame.f_code.co_filename not in files:
            user_frame = user_frame.f_back
        if user_frame is None or sys.gettrace() is not None:
            return  # no user frame, or a debugger/coverage owns the trace hook
        self._armed_frame = user_frame
        user_frame.f_trace_lines = True
        user_frame.f_trace = self._on_user_line
        sys.settrace(_untraced_call)  # local hooks only fire while a global one is set

    def _on_user_line(self, frame, event, arg):
        """Local trace hook of the armed user frame: its next line (or return) pumps."""
        self._disarm()
        self._pump()
        return None

    def _disarm(self) -> None:
        frame, self._armed_frame = self._armed_frame, None
        if frame is not None:
            frame.f_trace = None
            sys.settrace(None)

    def _pump(self) -> None:
        """Process GUI events, then raise in the user's frame if Stop was pressed."""
        self._pumping = True
        try:
            self.state_changed.emit("running", time.monotonic() - self._started_at)
            if self.pump_events is not None:
                self.pump_events()
        finally:
            self._pumping = False
        if self._deadline is not None and time.monotonic() >= self._deadline:
            self._deadline = None
            self._stop, self._stop_reason = (
                True,
                f"stopped after the time limit of {self._time_limit_s:g} s (--timeout)",
            )
        if self._stop:
            self._stop = False  # one interrupt per press; pressing again interrupts again
            reason, self._stop_reason = self._stop_reason, STOP_BUTTON
            raise StopRequested(reason)


def _untraced_call(frame, event, arg):
    return None


RUNNER = UserCodeRunner()


# ------------------------------------------------------------------ describing
def summary(exc: BaseException) -> str:
    """One line for the banner and the last line of the console's report."""
    if isinstance(exc, StopRequested):
        return (
            f"Interrupted: {exc or STOP_BUTTON} (KeyboardInterrupt); "
            "what ran before the stop stays done"
        )
    text = traceback.format_exception_only(type(exc), exc)[-1].strip()
    if isinstance(exc, SystemExit):
        return f"{text} — {QUIT_HINT}"
    if isinstance(exc, KeyboardInterrupt):
        return f"{text} — interrupted; the app keeps running"
    return text


def _leading_frame(tb, runner: UserCodeRunner):
    """The traceback from the user's first frame (else the first frame outside the app)."""
    first_outside_app = None
    last = None
    entry = tb
    while entry is not None:
        filename = entry.tb_frame.f_code.co_filename
        if runner.is_user_filename(filename):
            return entry
        if first_outside_app is None and not filename.startswith(_EXPLORER_DIR):
            first_outside_app = entry
        last = entry
        entry = entry.tb_next
    return first_outside_app or last


def format_user_traceback(exc: BaseException, runner: UserCodeRunner | None = None) -> str:
    """The traceback with the app's own leading frames trimmed; ends with :func:`summary`.

    The user's frames lead; engine frames after them stay (they show how user
    code misused the engine). A SyntaxError shows only its file, line and caret.
    """
    runner = runner or RUNNER
    tb = None if isinstance(exc, SyntaxError) else _leading_frame(exc.__traceback__, runner)
    report = traceback.TracebackException(type(exc), exc, tb, compact=True)
    # A Stop is raised by this module's tick handler inside the user's frame: hide it.
    report.stack = traceback.StackSummary.from_list(
        [frame for frame in report.stack if frame.filename != _THIS_FILE]
    )
    text = "".join(report.format()).rstrip("\n")
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    if text.endswith(last):
        text = text[: len(text) - len(last)] + summary(exc)
    return text + "\n"


def user_line(exc: BaseException, filename: str) -> int | None:
    """The line of the deepest frame in ``filename`` (or a SyntaxError's line)."""
    lineno = None
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        lineno = exc.lineno
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            lineno = frame.lineno
    return lineno
