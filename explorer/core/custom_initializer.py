"""A learner's own initializer: compiled, checked in the worker, and its values computed there.

:func:`define_custom_initializer` turns editor source (the chapter's
``class MyInit(init.Initializer)``) into an Initializer instance: a syntax
error is reported with its line at once; the class body then runs first in
the worker (where an endless loop can be killed), and only then in this
process, so the returned object works in the console too.

:class:`CustomRun` computes the values a plan's custom initializer gives,
without touching the model: parameters whose initializer is the learner's go
to the worker; the rest of a plan (a parameter keeping its own initializer)
is computed here from the same random stream, handed over between the two,
so the result equals what the logged code draws after the same seed. The
values are then written as one command (:func:`precomputed`).
"""

from __future__ import annotations

import pickle

import numpy as _onp

from engine import autograd, init
from engine import np as engine_np

from .init_worker import (
    CUSTOM,
    SOURCE_FILENAME,
    CustomInitializerError,
    InitializerWorker,
    defined_initializer_class,
    describe_error,
    wait_pumping,
)
from .initialization import InitPlan, RandomDraw

__all__ = [
    "CustomDefinition",
    "define_custom_initializer",
    "custom_source",
    "CustomRun",
    "Precomputed",
    "check_syntax",
]

_SOURCE_ATTRIBUTE = "__paramscope_source__"


def custom_source(initializer) -> str | None:
    """The editor source a custom initializer was defined from (None for built-ins)."""
    return getattr(type(initializer), _SOURCE_ATTRIBUTE, None)


def check_syntax(source: str):
    """Compile ``source``; a syntax error raises :class:`CustomInitializerError` with its line."""
    try:
        return compile(source, SOURCE_FILENAME, "exec")
    except SyntaxError as exc:
        message, lineno, details = describe_error(exc)
        raise CustomInitializerError(message, lineno, details) from None


class CustomDefinition:
    """Defining a learner's class: its body runs in the worker first, then here.

    :meth:`poll` it (the dialog) or :meth:`wait` (the console), then take
    :meth:`result`. A syntax error is raised at once, by the constructor.
    """

    def __init__(self, source: str, worker: InitializerWorker, timeout_s: float) -> None:
        self.source = source
        self.code = check_syntax(source)
        self.printed: list[str] = []
        self.job = worker.submit(source, [], None, timeout_s, self.printed.append)

    def poll(self, wait_s: float = 0.0) -> bool:
        return self.job.poll(wait_s)

    def wait(self) -> None:
        self.job.wait()

    def cancel(self) -> None:
        self.job.cancel()

    @property
    def error(self) -> CustomInitializerError | None:
        return self.job.error

    def result(self):
        """The instance (the class body ran cleanly in the worker; now it runs here).

        Raises
        ------
        CustomInitializerError
            What went wrong in the worker (or here), with the line.
        """
        self.wait()
        if self.job.error is not None:
            raise self.job.error
        namespace = {"init": init, "np": engine_np, "npx": _npx(), "__name__": "__initializer__"}
        try:
            exec(self.code, namespace)
            klass = defined_initializer_class(namespace, init.Initializer)
            setattr(klass, _SOURCE_ATTRIBUTE, self.source)
            return klass()
        except Exception as exc:  # the learner's code: report with its line
            raise CustomInitializerError(*describe_error(exc)) from None


def define_custom_initializer(
    source: str, worker: InitializerWorker, timeout_s: float, printed=None
):
    """An instance of the Initializer subclass ``source`` defines (blocking).

    Raises
    ------
    CustomInitializerError
        A syntax error, an exception or a timeout while defining the class, or
        no Initializer subclass in the code; the message names the line.
    """
    definition = CustomDefinition(source, worker, timeout_s)
    try:
        return definition.result()
    finally:
        if printed is not None and definition.printed:
            printed("".join(definition.printed))


def _npx():
    from engine import npx

    return npx


class Precomputed(init.Initializer):
    """Writes values computed ahead (by the worker) into a parameter being initialized."""

    def __init__(self, values) -> None:
        super().__init__()
        self.values = values

    def _init_weight(self, _name, arr) -> None:
        arr[:] = self.values


def _worker_spec(initializer, custom):
    """What the worker gets for one initializer, or None if it cannot be sent (run here)."""
    if initializer is custom:
        return CUSTOM
    try:
        pickle.dumps(initializer)
    except Exception:  # a local class (a Constant's copy of its value): computed here
        return None
    return initializer


class CustomRun:
    """Compute the values of a plan whose initializer is a learner's class.

    Attributes
    ----------
    values : dict
        ``id(param) -> numpy array`` once finished.
    end_state : dict
        Where the random stream ends (the apply leaves the engine's stream there).
    printed : list of str
        What the learner's code printed.
    error : CustomInitializerError or None
    """

    def __init__(
        self, plan: InitPlan, worker: InitializerWorker, draw: RandomDraw, timeout_s: float
    ) -> None:
        self.plan, self.worker, self.timeout_s = plan, worker, timeout_s
        self.source = custom_source(plan.initializer)
        self.values: dict = {}
        self.end_state = draw.state
        self.printed: list[str] = []
        self.error: CustomInitializerError | None = None
        self._chunks = self._split(plan)
        self._job = None
        self._done = False

    def _split(self, plan: InitPlan) -> list:
        """Runs of steps for the worker (``'worker'``) or for this process (``'here'``)."""
        chunks = []
        for step in plan.steps:
            if step.skipped or step.deferred:
                continue
            default = _worker_spec(step.default, plan.initializer)
            chosen = _worker_spec(step.chosen, plan.initializer)
            where = "worker" if default is not None and chosen is not None else "here"
            job = (
                step.param.name,
                tuple(step.param.shape),
                _onp.dtype(step.param.dtype).name,
                default,
                chosen,
            )
            if chunks and chunks[-1][0] == where:
                chunks[-1][1].append((step, job))
            else:
                chunks.append((where, [(step, job)]))
        return chunks

    @property
    def finished(self) -> bool:
        return self._done

    def poll(self, wait_s: float = 0.0) -> bool:
        """Advance (never blocking longer than ``wait_s``); True once finished."""
        while not self._done:
            if self._job is not None:
                if not self._job.poll(wait_s):
                    return False
                job, self._job = self._job, None
                if job.error is not None:
                    return self._fail(job.error)
                arrays, self.end_state, _name = job.result
                _, pairs = self._chunks.pop(0)
                for (step, _), values in zip(pairs, arrays):
                    self.values[id(step.param)] = values
                continue
            if not self._chunks:
                self._done = True
                break
            where, pairs = self._chunks[0]
            if where == "worker":
                self._job = self.worker.submit(
                    self.source,
                    [job for _, job in pairs],
                    self.end_state,
                    self.timeout_s,
                    self.printed.append,
                )
            else:
                self._compute_here(pairs)
                self._chunks.pop(0)
        return True

    def _compute_here(self, pairs) -> None:
        before = RandomDraw.now()
        try:
            RandomDraw(self.end_state).restore()
            for step, (name, shape, dtype, _default, _chosen) in pairs:
                data = engine_np.zeros(shape, dtype=dtype)
                with autograd.pause():
                    init.create(step.default)(init.InitDesc(name, {"__init__": step.chosen}), data)
                self.values[id(step.param)] = data.asnumpy().copy()
            self.end_state = RandomDraw.now().state
        finally:
            before.restore()

    def _fail(self, error: CustomInitializerError) -> bool:
        self.error = error
        self.values.clear()
        self._done = True
        return True

    def wait(self) -> None:
        """Block until finished (console, scripts; the window stays alive, Stop works)."""
        wait_pumping(self.poll, self.cancel)

    def cancel(self) -> None:
        """Stop now (Cancel): the worker is killed; nothing changes."""
        if self._done:
            return
        if self._job is not None:
            self._job.cancel()
            self._fail(self._job.error)
        else:
            self._fail(CustomInitializerError("Cancelled; nothing was changed"))

    def apply(self) -> None:
        """Write the computed values, as Gluon's ``initialize`` would (inside a command)."""
        plan = self.plan
        for step in plan.steps:
            values = self.values.get(id(step.param))
            if values is None:
                step.run(plan.force_reinit)  # deferred (pending) or skipped (Gluon warns)
                continue
            step.param.initialize(init=Precomputed(values), force_reinit=plan.force_reinit)
            step.param.last_initializer = init.create(step.chosen)
        RandomDraw(self.end_state).restore()
