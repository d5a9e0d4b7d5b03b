"""Tab completion for the console: names, attributes, ``net[0].`` members, dict keys.

Two sources, tried in order:

1. **The live objects.** The text before the cursor ends in a chain of names,
   attributes and literal subscripts (``net[0].we``, ``d['al``,
   ``net.collect_params()`` is *not* one: calls are never made). The chain is
   evaluated on the console's namespace and the candidates are ``dir()`` of the
   result, or its string keys. Only code of the engine, NumPy and C runs for
   that (no property or ``__getitem__`` of the learner's classes: this is a
   worker thread, and a completion must change nothing). This is exact for what learners type most
   (``net[0].`` – jedi's static analysis cannot index a Sequential and spends
   seconds finding nothing).
2. **jedi** (``jedi.Interpreter``) for everything else (``np.zeros(3).sh``,
   keywords, call results). It is imported on the first Tab that needs it, not
   at start-up: it costs ~0.3 s to import, more than half of the app's start-up
   budget, and a session may never press Tab.

Completion runs on a worker thread (:class:`CompletionJob`) under a time
limit, so a pathological object (a ``__dir__`` that loops forever, a slow
property) cannot freeze the window: after the limit the job is abandoned and an
exception is raised asynchronously in its thread.
"""

from __future__ import annotations

import builtins
import ctypes
import inspect
import keyword
import re
import threading
import types
from dataclasses import dataclass, field

from .gui_priority import worker_finished, worker_running

__all__ = ["Completions", "CompletionJob", "CompletionTimeoutError", "common_prefix", "complete"]

TIME_LIMIT_S = 1.5
MAX_SOURCE_CHARS = 2_000  # completing inside a longer line is not worth the risk
MAX_CANDIDATES = 500

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_SUBSCRIPT = r"\[\s*(?:-?\d+|'[^'\\]*'|\"[^\"\\]*\")\s*\]"
_CHAIN = rf"{_IDENT}(?:\s*\.\s*{_IDENT}|\s*{_SUBSCRIPT})*"
_ATTRIBUTE = re.compile(rf"(?<![\w.\])])({_CHAIN})\s*\.\s*({_IDENT})?$")
_KEY = re.compile(rf"(?<![\w.\])])({_CHAIN})\s*\[\s*(['\"]?)([^'\"\[\]]*)$")
_NAME = re.compile(rf"(?<![\w.\])'\"])({_IDENT})$")
_STEP = re.compile(rf"\s*\.\s*({_IDENT})|\s*\[\s*(-?\d+|'[^'\\]*'|\"[^\"\\]*\")\s*\]")


class CompletionTimeoutError(Exception):
    """The completion took longer than its time limit and was abandoned."""


@dataclass
class Completions:
    """What may replace ``text[start:cursor]``; ``candidates`` are whole replacements."""

    start: int
    candidates: list[str] = field(default_factory=list)

    def prefix(self) -> str:
        """The longest text every candidate starts with (what one Tab inserts)."""
        return common_prefix(self.candidates)


def common_prefix(words: list[str]) -> str:
    if not words:
        return ""
    first, last = min(words), max(words)
    n = 0
    while n < len(first) and n < len(last) and first[n] == last[n]:
        n += 1
    return first[:n]


def complete(text: str, cursor: int, namespace: dict) -> Completions:
    """Completions of ``text`` (one console line) at ``cursor`` in ``namespace``.

    Runs in the caller's thread with no time limit: use :class:`CompletionJob`
    from a GUI.
    """
    before = text[:cursor]
    if len(before) > MAX_SOURCE_CHARS or "\0" in before:
        return Completions(cursor)
    found = _complete_live(before, namespace)
    if found is None:
        found = _complete_with_jedi(before, namespace)
    found.candidates = sorted(set(found.candidates), key=_order)[:MAX_CANDIDATES]
    return found


def _order(name: str):
    return (name.lstrip("'\"").startswith("_"), name.lower(), name)


def _complete_live(before: str, namespace: dict) -> Completions | None:
    """Candidates from the live objects, or None when the text is no simple chain."""
    match = _ATTRIBUTE.search(before)
    if match:
        obj = _evaluate(match.group(1), namespace)
        if obj is _FAILED:
            return None
        partial = match.group(2) or ""
        names = [n for n in _dir(obj) if n.startswith(partial)]
        if not partial.startswith("_"):
            names = [n for n in names if not n.startswith("_")]
        return Completions(len(before) - len(partial), names)
    match = _KEY.search(before)
    if match:
        obj = _evaluate(match.group(1), namespace)
        keys = getattr(obj, "keys", None) if obj is not _FAILED else None
        if not callable(keys):
            return None
        quote, partial = match.group(2), match.group(3)
        try:
            strings = [k for k in list(keys())[:10_000] if isinstance(k, str)]
        except Exception:
            return None
        quote = quote or "'"
        words = [f"{quote}{k}{quote}]" for k in strings if k.startswith(partial)]
        return Completions(len(before) - len(partial) - len(match.group(2)), words)
    match = _NAME.search(before)
    if match:
        partial = match.group(1)
        names = list(namespace) + dir(builtins) + keyword.kwlist
        words = [n for n in names if n.startswith(partial)]
        if not partial.startswith("_"):
            words = [n for n in words if not n.startswith("_")]
        return Completions(len(before) - len(partial), words)
    return None


_FAILED = object()


def _trusted(function) -> bool:
    """Code in C, the engine or NumPy: safe to run on the completion's worker thread."""
    if function is None or not isinstance(function, types.FunctionType):
        return function is not None  # a slot of a built-in type (list, dict, ndarray)
    module = function.__module__ or ""
    return module.split(".")[0] in ("engine", "numpy")


def _static_step(obj, attribute: str):
    """``getattr(obj, attribute)``, unless that would run a property of the learner's code."""
    found = inspect.getattr_static(obj, attribute)
    getter = getattr(type(found), "__get__", None)
    if isinstance(found, property):
        getter = found.fget
    if (
        getter is not None
        and not isinstance(found, (staticmethod, classmethod))
        and not callable(found)
        and not _trusted(getter)
    ):
        raise LookupError(f"{attribute} is computed by code that is not run for completion")
    return getattr(obj, attribute)


def _evaluate(chain: str, namespace: dict):
    """The object a ``name.attr[0]['key']`` chain names.

    Nothing of the learner's own is run (this is a worker thread): no calls, no
    properties of their classes, and subscripts only through the engine's,
    NumPy's or the built-in containers' ``__getitem__``.
    """
    head = re.match(_IDENT, chain).group(0)
    if head in namespace:
        obj = namespace[head]
    elif hasattr(builtins, head):
        obj = getattr(builtins, head)
    else:
        return _FAILED
    try:
        for step in _STEP.finditer(chain, len(head)):
            attribute, index = step.groups()
            if attribute is not None:
                obj = _static_step(obj, attribute)
            else:
                if not _trusted(getattr(type(obj), "__getitem__", None)):
                    return _FAILED
                key = int(index) if index[0] not in "'\"" else index[1:-1]
                obj = obj[key]
    except Exception:
        return _FAILED
    return obj


def _dir(obj) -> list[str]:
    try:
        return [n for n in dir(obj) if isinstance(n, str)]
    except Exception:
        return []


def _complete_with_jedi(before: str, namespace: dict) -> Completions:
    try:
        import jedi
    except ImportError:  # completion of simple chains still works without it
        return Completions(len(before))
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1)
    # No properties or __getitem__ of the learner's classes run on this worker thread.
    jedi.settings.allow_unsafe_interpreter_executions = False
    try:
        found = jedi.Interpreter(before, [namespace]).complete(line, column)
    except Exception:  # jedi on odd input: no completion rather than an error
        return Completions(len(before))
    if not found:
        return Completions(len(before))
    typed = len(found[0].name_with_symbols) - len(found[0].complete)
    words = [
        c.name_with_symbols for c in found if len(c.name_with_symbols) - len(c.complete) == typed
    ]
    return Completions(len(before) - typed, words)


class CompletionJob:
    """:func:`complete` on a worker thread, abandoned after ``time_limit_s``.

    ``done(result)`` is called on the worker thread with :class:`Completions`,
    or with an exception (:class:`CompletionTimeoutError` after the limit).
    """

    def __init__(
        self, text: str, cursor: int, namespace: dict, done, time_limit_s: float = TIME_LIMIT_S
    ) -> None:
        self._done = done
        self._finished = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self._work,
            args=(text, cursor, namespace),
            name="paramscope-completion",
            daemon=True,
        )
        self._timer = threading.Timer(time_limit_s, self._give_up)
        self._timer.daemon = True

    def start(self) -> None:
        worker_running()  # a runaway __dir__ must not starve the window's repaints
        self._thread.start()
        self._timer.start()

    def running(self) -> bool:
        return not self._finished.is_set()

    def _work(self, text, cursor, namespace) -> None:
        try:
            try:
                result = complete(text, cursor, namespace)
            except BaseException as exc:  # a user's __dir__ or property may raise anything
                result = exc if isinstance(exc, Exception) else CompletionTimeoutError(str(exc))
            if self._finish():
                self._timer.cancel()
                self._done(result)
        except CompletionTimeoutError:
            pass  # the time limit struck as the work ended: _give_up reported it

    def _finish(self) -> bool:
        """Mark the job finished; True for the one caller that did it first."""
        with self._lock:
            if self._finished.is_set():
                return False
            self._finished.set()
        worker_finished()
        return True

    def _give_up(self) -> None:
        """Raise CompletionTimeoutError in the worker at its next bytecode (a loop in a __dir__)."""
        if not self._finish():
            return
        ident = self._thread.ident
        if ident is not None:
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(ident), ctypes.py_object(CompletionTimeoutError)
            )
        self._done(CompletionTimeoutError("completion took too long and was abandoned"))
