"""``BatchOrder``: the training's mini-batches, and where their order stands.

The batches come from an engine ``DataLoader`` (shuffled, a new permutation
each epoch), taken one by one as the code log's loop takes them
(``next(batches)``, a new ``iter(train_iter)`` when the epoch runs out). A
:class:`BatchPosition` says where that order stands — the shuffle state the
epoch began from and how many batches it gave — so that undo can rewind it
and training again sees the same batches.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BatchOrder", "BatchPosition"]


@dataclass(frozen=True)
class BatchPosition:
    """Where the batch order stands: the loader, its epoch's shuffle state, batches taken."""

    loader: object
    data: object
    shuffle_state: dict  # before the current epoch's permutation (or now, before any epoch)
    taken: int | None  # batches taken in the current epoch; None: no epoch begun


class BatchOrder:
    """Mini-batches of one loader, epoch after epoch (see the module docstring)."""

    def __init__(self) -> None:
        self.loader = None
        self.data = None  # the TrainingData the loader batches
        self._batches = iter(())
        self._epoch_start: dict | None = None
        self._taken = 0

    def forget(self) -> None:
        """No loader: the next run makes a new one (new data, batch size or labels)."""
        self.loader, self.data = None, None
        self._batches, self._epoch_start = iter(()), None

    def use(self, loader, data) -> None:
        """Batch with ``loader`` from its first epoch."""
        self.loader, self.data = loader, data
        self._batches, self._epoch_start = iter(()), None

    def next(self):
        """The next batch (a new epoch, freshly shuffled, when this one ran out)."""
        batch = next(self._batches, None)
        if batch is None:
            # (the loader draws the epoch's permutation when its first batch is taken)
            self._epoch_start = self.loader.shuffle_state
            self._taken = 0
            self._batches = iter(self.loader)
            batch = next(self._batches)
        self._taken += 1
        return batch

    def mark(self) -> tuple:
        """Where the order stands, cheaply (for :meth:`position_at`): no copy is made."""
        return self._epoch_start, self._taken

    def position_at(self, mark: tuple) -> BatchPosition:
        """The position a :meth:`mark` of the same loader stands for."""
        epoch_start, taken = mark
        return BatchPosition(self.loader, self.data, epoch_start, taken)

    def position(self) -> BatchPosition | None:
        """Where the order stands now (None without a loader)."""
        loader = self.loader
        if loader is None:
            return None
        if self._epoch_start is None:
            return BatchPosition(loader, self.data, loader.shuffle_state, None)
        return BatchPosition(loader, self.data, self._epoch_start, self._taken)

    def restore(self, position: BatchPosition | None, data) -> None:
        """Rewind (or wind) to ``position``; a position for other data than ``data`` (the
        set in use now) leaves no loader."""
        if position is None or position.data is not data:
            self.forget()
            return
        self.use(position.loader, data)
        self.loader.shuffle_state = position.shuffle_state
        if position.taken is not None:
            self._epoch_start, self._taken = position.shuffle_state, position.taken
            self._batches = iter(self.loader)
            for _ in range(position.taken):  # the same permutation: skip what was taken
                next(self._batches, None)
