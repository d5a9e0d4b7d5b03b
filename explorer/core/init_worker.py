"""A worker process that runs a learner's initializer code, so a runaway can be killed.

A custom initializer (``class MyInit(init.Initializer)`` typed in the editor)
may loop forever, allocate without end or take minutes. Running it in the
window's process would freeze the window (a thread cannot be stopped), so it
runs in a separate process started with the ``'spawn'`` context (the same on
Linux, macOS and Windows; no copy of the GUI's state): the parent sends the
source, the parameters' names, shapes and dtypes and the point in the random
stream to start from; the worker sends back what the code printed (as it
prints), then the arrays and where the random stream ended, or the error with
its line. The parent writes the arrays into the parameters as one command.
Past the time limit, or on Cancel, the parent kills the process; the next job
starts a fresh one. The worker stays up between jobs (it is started ahead,
when the dialog opens), so a job costs a round trip, not a start.

Protocol (tuples over a duplex ``multiprocessing`` pipe)
-------------------------------------------------------
worker → parent: ``('ready',)`` once imports are done; per job ``('print', text)``
any number of times, then ``('done', arrays, random_state, class_name)`` or
``('error', message, lineno, details)``.
parent → worker: ``('run', source, jobs, random_state)``; ``('quit',)``.
A job is ``(name, shape, dtype, default, chosen)``; ``default``/``chosen`` is
:data:`CUSTOM` (the learner's class) or a built-in initializer (or its name).
"""

from __future__ import annotations

import multiprocessing
import sys
import time
import traceback
import types

__all__ = [
    "CUSTOM",
    "SOURCE_FILENAME",
    "InitializerWorker",
    "WorkerJob",
    "CustomInitializerError",
    "InitializerTimeoutError",
    "InitializerCancelledError",
    "MAX_PRINTED_CHARS",
]

CUSTOM = "<custom>"
SOURCE_FILENAME = "<initializer>"
MAX_PRINTED_CHARS = 100_000
START_LIMIT_S = 60.0  # a cold start on a loaded machine; the user's time limit starts after


class CustomInitializerError(Exception):
    """The learner's initializer failed; nothing was changed.

    Attributes
    ----------
    lineno : int or None
        The line of the learner's source where it failed (the editor marks it).
    details : str
        The traceback from the learner's own lines (for the console).
    """

    def __init__(self, message: str, lineno: int | None = None, details: str = "") -> None:
        super().__init__(message)
        self.lineno = lineno
        self.details = details or message


class InitializerTimeoutError(CustomInitializerError):
    """The initializer ran past its time limit and was stopped."""


class InitializerCancelledError(CustomInitializerError):
    """The learner pressed Cancel; the worker was stopped."""


# --------------------------------------------------------------------- the worker
def serve(conn) -> None:
    """The worker process's main loop (runs in the child)."""
    import numpy as onp

    from engine import init, np, npx, random_state

    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request[0] != "run":
            return
        _, source, jobs, state = request
        try:
            arrays, state_after, class_name = _run(
                conn, source, jobs, state, init, np, npx, random_state, onp
            )
        except BaseException as exc:  # the learner's code: report anything, keep serving
            message, lineno, details = describe_error(exc)
            conn.send(("error", message, lineno, details))
        else:
            conn.send(("done", arrays, state_after, class_name))


class _PipeWriter:
    """``sys.stdout`` in the worker: each write goes to the parent as it happens."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.sent = 0

    def write(self, text: str) -> int:
        if text and self.sent < MAX_PRINTED_CHARS:
            room = MAX_PRINTED_CHARS - self.sent
            shown = text if len(text) <= room else text[:room] + "\n… (output cut)\n"
            self.sent += len(text)
            self.conn.send(("print", shown))
        return len(text)

    def flush(self) -> None:
        """Nothing buffered: each write was sent."""


def _run(conn, source, jobs, state, init, np, npx, random_state, onp):
    import contextlib

    namespace = {"init": init, "np": np, "npx": npx, "__name__": "__initializer__"}
    writer = _PipeWriter(conn)
    with contextlib.redirect_stdout(writer):
        exec(compile(source, SOURCE_FILENAME, "exec"), namespace)
        klass = defined_initializer_class(namespace, init.Initializer)
        instance = klass()
        if state is not None:
            random_state.generator().bit_generator.state = state
        arrays = []
        for name, shape, dtype, default, chosen in jobs:
            data = np.zeros(shape, dtype=dtype)
            caller = instance if default == CUSTOM else init.create(default)
            picked = instance if chosen == CUSTOM else chosen
            caller(init.InitDesc(name, {"__init__": picked}), data)
            values = onp.array(data.asnumpy(), copy=True)
            check_values(values, name, tuple(shape), klass.__name__, onp)
            arrays.append(values)
    return arrays, random_state.generator().bit_generator.state, klass.__name__


def defined_initializer_class(namespace: dict, base: type) -> type:
    """The ``init.Initializer`` subclass the source defines (the last one not used as a base)."""
    classes = [
        v
        for v in namespace.values()
        if isinstance(v, type) and issubclass(v, base) and v.__module__ == namespace.get("__name__")
    ]
    leaves = [
        c for c in classes if not any(other is not c and issubclass(other, c) for other in classes)
    ]
    if not leaves:
        raise TypeError(
            "The code defines no initializer: write a class such as "
            "'class MyInit(init.Initializer):' with a method "
            "'_init_weight(self, name, data)'"
        )
    return leaves[-1]


def check_values(values, name: str, shape: tuple, class_name: str, onp) -> None:
    """Refuse values of the wrong shape, not numbers, NaN or Inf (the model stays unchanged)."""
    if values.shape != shape:
        raise ValueError(
            f"{class_name} left {name} with shape {values.shape}, not {shape}: refused"
        )
    if not onp.issubdtype(values.dtype, onp.number):
        raise TypeError(f"{class_name} wrote non-numbers ({values.dtype}) into {name}: refused")
    finite = onp.isfinite(values)
    if not finite.all():
        nans = int(onp.isnan(values).sum())
        infs = int(values.size - finite.sum()) - nans
        raise ValueError(
            f"{class_name} wrote {nans:,} NaN and {infs:,} Inf values into "
            f"{name} {shape}: refused, nothing was changed"
        )


def describe_error(exc: BaseException) -> tuple:
    """``(message, lineno, details)``: the last line, the learner's line, the traceback."""
    lineno = None
    if isinstance(exc, SyntaxError) and exc.filename == SOURCE_FILENAME:
        lineno = exc.lineno
    tb = exc.__traceback__
    first_user = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == SOURCE_FILENAME:
            first_user = first_user or tb
            lineno = tb.tb_lineno
        tb = tb.tb_next
    report = traceback.TracebackException(type(exc), exc, first_user, compact=True)
    details = "".join(report.format()).rstrip("\n")
    message = traceback.format_exception_only(type(exc), exc)[-1].strip()
    if "broadcast" in message:
        message += " (write values of the parameter's shape: data[:] = ... of data.shape)"
    if lineno is not None:
        message = f"line {lineno}: {message}"
    return message, lineno, details + "\n"


# --------------------------------------------------------------------- the parent
class InitializerWorker:
    """The parent's handle on the worker process: started ahead, killed when stuck.

    Attributes
    ----------
    start_seconds : float or None
        How long the last start took, until the worker said it was ready.
    """

    def __init__(self, context: str = "spawn") -> None:
        self._context = multiprocessing.get_context(context)
        self._process = None
        self._conn = None
        self._ready = False
        self._started_at = 0.0
        self.start_seconds: float | None = None
        self.busy = False

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def start(self) -> None:
        """Start the worker process unless it runs (returns at once; it gets ready meanwhile)."""
        if self.alive:
            return
        self.kill()
        parent_conn, child_conn = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=serve, args=(child_conn,), daemon=True, name="paramscope-initializer"
        )
        self._started_at = time.monotonic()
        _start_without_main(process)
        child_conn.close()
        self._process, self._conn, self._ready = process, parent_conn, False

    def wait_ready(self, limit_s: float = START_LIMIT_S) -> None:
        """Block until the worker has started (used by tests and measurements)."""
        self.start()
        deadline = time.monotonic() + limit_s
        while not self._ready:
            if not self._conn.poll(max(0.0, deadline - time.monotonic())):
                raise RuntimeError("The initializer worker did not start")
            self._take_ready(self._conn.recv())

    def _take_ready(self, message) -> bool:
        if message and message[0] == "ready":
            self._ready = True
            self.start_seconds = time.monotonic() - self._started_at
            return True
        return False

    def submit(self, source: str, jobs: list, state, timeout_s: float, on_print=None) -> WorkerJob:
        """Send a job; poll the returned :class:`WorkerJob` until it is finished."""
        if self.busy:
            raise RuntimeError("The initializer worker is busy with another job")
        self.start()
        job = WorkerJob(self, timeout_s, on_print)
        try:
            self._conn.send(("run", source, jobs, state))
        except (OSError, ValueError):  # a dead worker: start afresh once
            self.kill()
            self.start()
            self._conn.send(("run", source, jobs, state))
        self.busy = True
        return job

    def kill(self) -> None:
        """Stop the worker at once (a runaway job); the next job starts a new one."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        self._ready = False
        self.busy = False
        if conn is not None:
            conn.close()
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(timeout=5)

    def close(self) -> None:
        """Ask the worker to quit (the app closes); kill it if it does not."""
        if self.alive and not self.busy:
            try:
                self._conn.send(("quit",))
                self._process.join(timeout=1)
            except (OSError, ValueError):
                pass
        self.kill()


def wait_pumping(poll, cancel) -> None:
    """Call ``poll(0.05)`` until it returns True; inside console code, keep the window alive.

    A custom initializer called from the console (``session.initialize(...,
    my_init)``) waits here on the GUI thread: the user-code runner's pump
    repaints the window and answers its Stop button every ~50 ms, as it does
    for the console's own loops. Stop (``StopRequested``) cancels the job, so
    the worker is killed and nothing changes.
    """
    from .user_code import RUNNER

    while not poll(0.05):
        if RUNNER.running and not RUNNER.pumping:
            try:
                RUNNER._pump()  # repaint + Stop, as between the console's own lines
            except BaseException:
                cancel()
                raise


def _start_without_main(process) -> None:
    """``process.start()`` without the child re-running the parent's ``__main__`` script.

    'spawn' normally re-imports the parent's main script in the child so that
    functions defined there can be unpickled; ``serve`` lives in this module, and
    a learner's unguarded script (or a test runner's) must not run twice. The
    child learns what to import from ``sys.modules['__main__']`` during ``start``.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        process.start()
    finally:
        if main is not None:
            sys.modules["__main__"] = main


class WorkerJob:
    """One run of the learner's code in the worker; :meth:`poll` it, or :meth:`wait`.

    After it finishes, :attr:`result` is ``(arrays, random_state, class_name)``
    or :attr:`error` a :class:`CustomInitializerError`.
    """

    def __init__(self, worker: InitializerWorker, timeout_s: float, on_print) -> None:
        self.worker = worker
        self.timeout_s = timeout_s
        self.on_print = on_print
        self.result = None
        self.error: CustomInitializerError | None = None
        self._deadline = None if worker._ready else time.monotonic() + START_LIMIT_S
        if worker._ready:
            self._deadline = time.monotonic() + timeout_s

    @property
    def finished(self) -> bool:
        return self.result is not None or self.error is not None

    def poll(self, wait_s: float = 0.0) -> bool:
        """Take what the worker sent (waiting up to ``wait_s``); True once finished."""
        if self.finished:
            return True
        conn = self.worker._conn
        try:
            while conn is not None and conn.poll(wait_s):
                wait_s = 0.0
                message = conn.recv()
                if self.worker._take_ready(message):
                    self._deadline = time.monotonic() + self.timeout_s
                elif message[0] == "print":
                    if self.on_print is not None:
                        self.on_print(message[1])
                elif message[0] == "done":
                    self.result = message[1:]
                    self.worker.busy = False
                    return True
                elif message[0] == "error":
                    self.error = CustomInitializerError(*message[1:])
                    self.worker.busy = False
                    return True
        except (EOFError, OSError):
            self.worker.kill()
            self.error = CustomInitializerError(
                "The initializer's process ended unexpectedly (out of memory?); nothing was changed"
            )
            return True
        if self._deadline is not None and time.monotonic() > self._deadline:
            started = self.worker._ready
            self.worker.kill()
            if started:
                self.error = InitializerTimeoutError(
                    f"Stopped after {self.timeout_s:g} s: the initializer did not finish "
                    f"(an endless loop?); nothing was changed. The time limit is a preference."
                )
            else:
                self.error = InitializerTimeoutError("The initializer's process did not start")
            return True
        return False

    def wait(self) -> None:
        """Block until finished (the console and scripts; the dialog polls instead)."""
        wait_pumping(self.poll, self.cancel)

    def cancel(self) -> None:
        """Stop the job now (Cancel): the worker is killed; nothing changes."""
        if self.finished:
            return
        self.worker.kill()
        self.error = InitializerCancelledError(
            "Cancelled: the initializer was stopped; nothing was changed"
        )
