"""A Trainer's optimizer state held in memory, to be put back later.

What ``Trainer.save_states``/``load_states`` do through a file (each
parameter's state arrays, the update counts, the learning rate), as a copy
in memory: the explorer takes one when a training run begins and ends, so
undoing the run also returns the momentum and Adam's moments and counts to
where they were, and training again repeats the same steps.
"""

from __future__ import annotations

import numpy as _onp

from ..ndarray import ndarray

__all__ = ["TrainerState"]


class TrainerState:
    """A copy of ``trainer``'s optimizer state now; :meth:`restore` puts it back."""

    __slots__ = ("trainer", "states", "num_update", "counts", "lr")

    def __init__(self, trainer) -> None:
        optimizer = trainer._optimizer
        self.trainer = trainer
        self.states = {i: _copy(s) for i, s in trainer._updaters[0].states.items()}
        self.num_update = optimizer.num_update
        self.counts = dict(optimizer._index_update_count)
        self.lr = optimizer.lr

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in _arrays(self.states.values()))

    @staticmethod
    def nbytes_of(trainer) -> int:
        """What a copy of ``trainer``'s state would take, without making it."""
        states = trainer._updaters[0].states.values()
        return sum(buffer.nbytes for state in states for buffer in _buffers(state))

    def is_finite(self) -> bool:
        """Whether every state value is finite (Adam's moments overflow before the weights)."""
        return all(_onp.isfinite(a).all() for a in _arrays(self.states.values()))

    def restore(self) -> None:
        """Put the copied state back, in place where the arrays still fit."""
        optimizer = self.trainer._optimizer
        states = self.trainer._updaters[0].states
        for index in [i for i in states if i not in self.states]:
            del states[index]  # made after the copy: made afresh (zeros) at the next step
        for index, saved in self.states.items():
            if not _write_into(states.get(index), saved):
                states[index] = _wrap(saved)
        optimizer.num_update = self.num_update
        optimizer._index_update_count = dict(self.counts)
        optimizer.lr = self.lr


def _copy(state):
    if state is None:
        return None
    if isinstance(state, ndarray):
        return state._data.copy()
    return tuple(_copy(s) for s in state)


def _buffers(state):
    """The NumPy buffers of an optimizer state (None, an array or a tuple of them)."""
    if isinstance(state, ndarray):
        yield state._data
    elif state is not None:
        for part in state:
            yield from _buffers(part)


def _wrap(saved):
    if saved is None:
        return None
    if isinstance(saved, _onp.ndarray):
        return ndarray._wrap(saved.copy())
    return tuple(_wrap(s) for s in saved)


def _write_into(current, saved) -> bool:
    """Copy ``saved`` into ``current`` (optimizers may have packed it: keep its buffers)."""
    if saved is None:
        return current is None
    if isinstance(saved, _onp.ndarray):
        if not isinstance(current, ndarray) or current._data.shape != saved.shape:
            return False
        current._data[...] = saved
        current._bump()
        return True
    if not isinstance(current, tuple | list) or len(current) != len(saved):
        return False
    fits = all(
        isinstance(c, ndarray) and c._data.shape == s.shape
        for c, s in zip(current, saved)
        if s is not None
    )
    return fits and all(_write_into(c, s) for c, s in zip(current, saved))


def _arrays(states):
    for state in states:
        if isinstance(state, _onp.ndarray):
            yield state
        elif state is not None:
            yield from _arrays(state)
