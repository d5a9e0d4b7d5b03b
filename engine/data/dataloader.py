"""DataLoader: mini-batches from a data set, as ``gluon.data.DataLoader``."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from ._convert import to_engine, to_numpy
from .dataset import ArrayDataset

LAST_BATCH_MODES = ("keep", "discard", "rollover")


class DataLoader:
    """Iterate over a data set in mini-batches of engine arrays.

    Parameters
    ----------
    dataset : ArrayDataset, array_like or Dataset
        The samples. An array (engine or NumPy) is treated as
        ``ArrayDataset(array)``. Array data sets are batched by indexing each
        array once per batch; any other object with ``__len__`` and
        ``__getitem__`` is batched sample by sample and stacked.
    batch_size : int
        Samples per batch, at least 1.
    shuffle : bool, default False
        Draw a fresh permutation each epoch.
    last_batch : {'keep', 'discard', 'rollover'}, default 'keep'
        What to do with the final incomplete batch: yield it smaller, drop it,
        or carry its samples over to the front of the next epoch. ``None``
        means 'keep', as in Gluon.
    seed : int, optional
        Seed of the shuffling generator, so epochs are reproducible.

    Yields
    ------
    engine.np.ndarray or list of engine.np.ndarray
        One array per batch for a single-array data set, else a list
        ``[data, label, ...]`` (Gluon's batchify returns a list too).

    Raises
    ------
    ValueError
        For a batch size below 1 or an unknown ``last_batch``.
    """

    def __init__(self, dataset, batch_size, shuffle=False, last_batch="keep", seed=None):
        if last_batch is None:
            last_batch = "keep"
        if last_batch not in LAST_BATCH_MODES:
            raise ValueError(
                f"last_batch must be one of 'keep', 'discard' or 'rollover', got {last_batch!r}"
            )
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
        if not hasattr(dataset, "__getitem__") or not hasattr(dataset, "__len__"):
            raise ValueError(f"dataset must be an array or a Dataset, got {type(dataset).__name__}")
        if not isinstance(dataset, ArrayDataset) and _is_array(dataset):
            dataset = ArrayDataset(dataset)
        self._dataset = dataset
        self._batch_size = int(batch_size)
        self._shuffle = bool(shuffle)
        self._last_batch = last_batch
        self._rng = np.random.default_rng(seed)
        # Indices left over by the previous epoch in 'rollover' mode.
        self._pending = np.empty(0, dtype=np.intp)

    @property
    def dataset(self):
        """The data set being batched."""
        return self._dataset

    @property
    def batch_size(self) -> int:
        """Samples per full batch."""
        return self._batch_size

    @property
    def shuffle_state(self) -> dict:
        """The shuffling generator's state (an engine extension, not in Gluon).

        Each epoch draws its permutation when its first batch is taken; setting
        a state saved just before that replays the same epoch, so a caller can
        rewind (the explorer's undo of a training run does).
        """
        return self._rng.bit_generator.state

    @shuffle_state.setter
    def shuffle_state(self, state: dict) -> None:
        self._rng.bit_generator.state = state

    def __len__(self) -> int:
        n = len(self._dataset)
        if self._last_batch == "keep":
            return math.ceil(n / self._batch_size)
        if self._last_batch == "discard":
            return n // self._batch_size
        return (n + len(self._pending)) // self._batch_size

    def __iter__(self) -> Iterator:
        n = len(self._dataset)
        order = self._rng.permutation(n) if self._shuffle else np.arange(n)
        if self._last_batch == "rollover":
            order = np.concatenate([self._pending, order])
        n_full = len(order) // self._batch_size * self._batch_size
        if self._last_batch == "rollover":
            self._pending = order[n_full:]
        end = len(order) if self._last_batch == "keep" else n_full
        if isinstance(self._dataset, ArrayDataset):
            # Convert once per epoch, then one fancy-index per array per batch.
            arrays = self._dataset.numpy_arrays()
            for start in range(0, end, self._batch_size):
                yield _array_batch(arrays, order[start : start + self._batch_size])
        else:
            for start in range(0, end, self._batch_size):
                yield _sample_batch(self._dataset, order[start : start + self._batch_size])

    def __repr__(self) -> str:
        return (
            f"DataLoader(samples={len(self._dataset)}, batch_size={self._batch_size}, "
            f"shuffle={self._shuffle}, last_batch={self._last_batch!r})"
        )


def _is_array(obj) -> bool:
    """True for NumPy arrays and array types that expose ``__array__`` and a shape."""
    return isinstance(obj, np.ndarray) or (hasattr(obj, "__array__") and hasattr(obj, "shape"))


def _array_batch(arrays: tuple, indices: np.ndarray):
    """One batch from NumPy arrays: a single fancy-index per array."""
    # Fancy indexing copies, so a batch never aliases the data set: a user
    # writing into a batch must not change the training data.
    batch = [to_engine(a[indices]) for a in arrays]
    return batch[0] if len(batch) == 1 else batch


def _sample_batch(dataset, indices: np.ndarray):
    """One batch from a generic data set: fetch samples one by one and stack them."""
    samples = [dataset[int(i)] for i in indices]
    if not isinstance(samples[0], tuple | list):
        return to_engine(np.stack([to_numpy(s) for s in samples]))
    fields = zip(*samples, strict=True)
    return [to_engine(np.stack([to_numpy(s) for s in field])) for field in fields]
