"""Commands: every change to the model, as an undoable step with the engine code it stands for.

A command is built by *recording* what a piece of work changed
(:func:`record_change`): the state of the model's parameters (and, when it
moved, its structure) is captured before the work runs; afterwards only the
parameters whose version or attributes moved are kept, before and after. Undo
restores the "before" copies, redo the "after" ones, bit for bit, so a redo
never draws new random numbers. Initializing, tying, console edits, loading
and training runs are all recorded the same way.

:class:`CommandHistory` is the one list the code log and the undo stack share:
entries up to the cursor are in effect (their code reproduces the model),
entries after it were undone and can be redone until a new command drops them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.gluon import Block
from engine.gluon.snapshot import ParameterState, StructureState, parameters_of

from .events import Event

__all__ = ["Command", "Change", "CommandHistory", "record_change", "UNDO_COPY_LIMIT_BYTES"]

# Above this many bytes of parameters, a console line is run without a copy for undo:
# copying a 2 GB model before every line would cost more than the line.
UNDO_COPY_LIMIT_BYTES = 512 * 2**20
MAX_ENTRIES = 1000
MAX_UNDO_BYTES = 1024 * 2**20


@dataclass(eq=False)
class Command:
    """One entry of the history: what the learner did, as engine code.

    Attributes
    ----------
    label : str
        What the undo history shows ("Initialize net with Xavier()").
    code : str
        Engine code doing the same; the code log shows it.
    """

    label: str
    code: str

    @property
    def changes_model(self) -> bool:
        """False for entries that only looked (a selection, a filter)."""
        return False

    @property
    def nbytes(self) -> int:
        return 0

    def apply(self) -> None:
        """Do it again (redo). Looking changes nothing."""

    def undo(self) -> None:
        """Take it back. Looking changes nothing."""


@dataclass(eq=False)
class Change(Command):
    """A recorded change: the states of what changed, before and after.

    ``undoable`` is False when the model was too large to copy before the work
    ran; the entry then only logs its code.
    """

    before: list = field(default_factory=list)
    after: list = field(default_factory=list)
    undoable: bool = True

    @property
    def changes_model(self) -> bool:
        return True

    @property
    def nbytes(self) -> int:
        return sum(getattr(s, "nbytes", 0) for s in self.before + self.after)

    def apply(self) -> None:
        for state in self.after:
            state.restore()

    def undo(self) -> None:
        for state in reversed(self.before):
            state.restore()


class _Recording:
    """The model's state before some work ran (see :func:`record_change`)."""

    def __init__(self, net: Block | None, params: list | None) -> None:
        self.net = net
        self.structure = StructureState(net) if net is not None else None
        candidates = (
            params if params is not None else (parameters_of(net) if net is not None else [])
        )
        self.complete = sum(_nbytes(p) for p in candidates) <= UNDO_COPY_LIMIT_BYTES
        self.params = [ParameterState(p) for p in candidates] if self.complete else []
        self.structure_version = net.structure_version if net is not None else None

    def finish(self, label: str, code: str) -> Change | None:
        """The :class:`Change` the work made, or None if it changed nothing."""
        code = code() if callable(code) else code
        net = self.net
        before, after = [], []
        structure_moved = net is not None and (
            net.structure_version != self.structure_version or not self.structure.same_as_now()
        )
        if structure_moved:
            before.append(self.structure)
        for state in self.params:
            if state.changed():
                before.append(state)
                after.append(ParameterState(state.param))
        if structure_moved:
            known = {id(s.param) for s in self.params}
            after.extend(ParameterState(p) for p in parameters_of(net) if id(p) not in known)
            after.insert(0, StructureState(net))
        if not before and self.complete:
            return None
        return Change(label, code, before, after, undoable=self.complete)


def _nbytes(param) -> int:
    return param.data().nbytes if param.is_initialized else 0


def record_change(net: Block | None, work, label: str, code: str, params: list | None = None):
    """Run ``work()`` and return ``(result, change)``; ``change`` is None if nothing changed.

    ``code`` may be a function returning the code once the work has run (when
    the work decides it, e.g. which loss fits the output). ``params`` limits
    the copies to the parameters the work can touch (an initializer's
    targets); by default every parameter of ``net`` is copied.
    If ``work`` raises, the exception propagates with ``change`` attached as
    ``exc.change`` (what ran before the error stays done and stays undoable).
    """
    recording = _Recording(net, params)
    try:
        result = work()
    except BaseException as exc:
        exc.change = recording.finish(label, code)
        raise
    return result, recording.finish(label, code)


def resolved(code) -> str:
    """``code``, or what it returns when it is a function (see :func:`record_change`)."""
    return code() if callable(code) else code


class CommandHistory:
    """The code log and the undo stack: one list and a cursor.

    Events
    ------
    changed()
        An entry was added, undone, redone or dropped.
    """

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_UNDO_BYTES) -> None:
        self.entries: list[Command] = []
        self.cursor = 0
        self.dropped = 0
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.changed = Event()

    # ------------------------------------------------------------- reading
    def in_effect(self) -> list[Command]:
        """The entries whose effect the model shows (the code log)."""
        return self.entries[: self.cursor]

    def undone(self) -> list[Command]:
        return self.entries[self.cursor :]

    @property
    def can_undo(self) -> bool:
        return any(c.changes_model and getattr(c, "undoable", True) for c in self.in_effect())

    @property
    def can_redo(self) -> bool:
        return any(c.changes_model for c in self.undone())

    # ------------------------------------------------------------- writing
    def push(self, command: Command) -> None:
        """Add ``command`` (already applied); undone entries are dropped for good."""
        del self.entries[self.cursor :]
        self.entries.append(command)
        self.cursor = len(self.entries)
        self._trim()
        self.changed.emit()

    def undo(self) -> Command | None:
        """Undo the last change in effect (and step back over the looks after it)."""
        for i in range(self.cursor - 1, -1, -1):
            command = self.entries[i]
            if command.changes_model:
                if not getattr(command, "undoable", True):
                    return None
                command.undo()
                self.cursor = i
                self.changed.emit()
                return command
        return None

    def redo(self) -> Command | None:
        """Redo the next undone change (and the looks before it)."""
        for i in range(self.cursor, len(self.entries)):
            command = self.entries[i]
            if command.changes_model:
                command.apply()
                self.cursor = i + 1
                self.changed.emit()
                return command
        return None

    def go_to(self, cursor: int) -> None:
        """Undo or redo until ``cursor`` entries are in effect (the history panel's click)."""
        cursor = max(0, min(cursor, len(self.entries)))
        while self.cursor > cursor:
            before = self.cursor
            if self.undo() is None or self.cursor == before:
                break
        while self.cursor < cursor:
            if self.redo() is None:
                break
        if self.cursor < cursor and not any(c.changes_model for c in self.undone()):
            self.cursor = cursor
            self.changed.emit()

    def clear(self) -> None:
        """Forget everything (Clear in the code log): nothing left to undo either."""
        self.dropped += len(self.entries)
        self.entries.clear()
        self.cursor = 0
        self.changed.emit()

    def _trim(self) -> None:
        """Drop the oldest entries beyond the count and memory limits."""
        total = sum(c.nbytes for c in self.entries)
        while self.entries and (
            len(self.entries) > self.max_entries
            or (total > self.max_bytes and len(self.entries) > 1)
        ):
            oldest = self.entries.pop(0)
            total -= oldest.nbytes
            self.cursor -= 1
            self.dropped += 1
