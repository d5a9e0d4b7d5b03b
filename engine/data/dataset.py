"""Datasets: anything with a length and integer indexing, as in ``gluon.data``."""

from __future__ import annotations

from ._convert import to_numpy


class Dataset:
    """Abstract data set: subclasses implement ``__getitem__`` and ``__len__``."""

    def __getitem__(self, idx):
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError


class ArrayDataset(Dataset):
    """A data set that pairs up several arrays along their first axis.

    Like ``gluon.data.ArrayDataset``: ``dataset[i]`` is ``(a[i], b[i], ...)``, or
    just ``a[i]`` when there is one array.

    Parameters
    ----------
    *arrays : array_like
        Engine arrays, NumPy arrays or lists, all of the same length.

    Raises
    ------
    ValueError
        If no array is given or the lengths differ.
    """

    def __init__(self, *arrays):
        if not arrays:
            raise ValueError("ArrayDataset needs at least one array")
        self._length = len(arrays[0])
        for i, array in enumerate(arrays[1:], start=1):
            if len(array) != self._length:
                # Same wording as MXNet, so users recognise the error.
                raise ValueError(
                    f"All arrays must have the same length; array[0] has length "
                    f"{self._length} while array[{i}] has {len(array)}."
                )
        self._data = list(arrays)

    @property
    def arrays(self) -> tuple:
        """The arrays as given to the constructor."""
        return tuple(self._data)

    def numpy_arrays(self) -> tuple:
        """The arrays as NumPy arrays (views where possible), for fast batching."""
        return tuple(to_numpy(a) for a in self._data)

    def __getitem__(self, idx):
        if len(self._data) == 1:
            return self._data[0][idx]
        return tuple(a[idx] for a in self._data)

    def __len__(self) -> int:
        return self._length

    def __repr__(self) -> str:
        return f"ArrayDataset(arrays={len(self._data)}, length={self._length})"
