"""``Watcher``: the one place that notices what changed in the model, and says so.

The engine calls nothing of the GUI; it keeps counters (each parameter's
``version`` and ``grad_version``, the block tree's ``structure_version``).
The window calls :meth:`Watcher.poll` once per frame tick (≤ 30 Hz) and right
after every action; the watcher compares the counters with the ones it saw
last and emits one event per kind of change. Views subscribe to these events
and never poll the engine themselves.

Events
------
structure_changed()
    Another model was opened, or the open one's tree changed (children added
    or removed, a tie changed, a deferred shape became known).
values_changed(params)
    These parameters' data were written (list of Parameter).
grads_changed(params)
    These parameters' gradients were written.
parameters_changed(values, grads)
    Both of the above in one event (after them), for a view that draws data
    and gradient together and so redraws once per poll, not twice.
selection_changed(path)
    The selected access path changed (str or None).
training_changed()
    Training moved: steps taken, settings changed, a run started, paused or
    was recorded (polled from ``session.training.version``).
"""

from __future__ import annotations

from .events import Event

__all__ = ["Watcher"]


class Watcher:
    """Polls a :class:`~explorer.core.session.Session`'s model counters and emits changes."""

    def __init__(self, session) -> None:
        self.session = session
        self.structure_changed = Event()
        self.values_changed = Event()
        self.grads_changed = Event()
        self.parameters_changed = Event()
        self.selection_changed = Event()
        self.training_changed = Event()
        self._training_seen = None
        self.polls = 0
        self._net = None
        self._structure_seen = None
        self._params: list = []
        self._versions: dict[int, int] = {}
        self._grad_versions: dict[int, int] = {}
        self._selection_seen = None

    def poll(self) -> bool:
        """Compare the counters with the last poll's and emit what moved; True if anything did.

        Reading the counters is cheap (an integer per parameter); nothing is
        copied here: views copy what they show when they hear of a change.
        """
        self.polls += 1
        session = self.session
        net = session.net
        structure, values, grads = False, [], []
        if net is not self._net or (
            net is not None and net.structure_version != self._structure_seen
        ):
            # The tree is walked under the lock; the events go out after it is released,
            # so a view drawing its copy never holds up a training step.
            with session.lock:
                self._net = net
                self._structure_seen = net.structure_version if net is not None else None
                self._params = session.parameters() if net is not None else []
                self._versions = {id(p): p.version for p in self._params}
                self._grad_versions = {id(p): p.grad_version for p in self._params}
            structure = True
        else:
            # Without the lock: a step in progress only moves counters (integers, read
            # whole), and views copy what they draw under the lock. Taking it here cost
            # the worker a hand-over every frame while training (the worker waits for a
            # waiting thread between steps).
            values, grads = self._moved()
        if structure:
            self.structure_changed.emit()
        if values:
            self.values_changed.emit(values)
        if grads:
            self.grads_changed.emit(grads)
        if values or grads:
            self.parameters_changed.emit(values, grads)
        changed = structure or bool(values) or bool(grads)
        training = getattr(session, "training", None)
        if training is not None:
            training.collect()  # a run the worker finished goes on the history here (GUI thread)
            if training.version != self._training_seen:
                self._training_seen = training.version
                self.training_changed.emit()
                changed = True
        path = session.selected_path
        if path != self._selection_seen:
            self._selection_seen = path
            self.selection_changed.emit(path)
            changed = True
        return changed

    def _moved(self) -> tuple[list, list]:
        values, grads = [], []
        versions, grad_versions = self._versions, self._grad_versions
        for param in self._params:
            key = id(param)
            version = param.version
            if version != versions[key]:
                versions[key] = version
                values.append(param)
            grad_version = param.grad_version
            if grad_version != grad_versions[key]:
                grad_versions[key] = grad_version
                grads.append(param)
        return values, grads
