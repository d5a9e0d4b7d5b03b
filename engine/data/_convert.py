"""The thin layer that turns NumPy arrays into engine arrays.

Every generator in ``engine.data`` works on plain NumPy so it can be tested and
plotted on its own; only the public functions and the DataLoader hand arrays to
users, and they all go through :func:`to_engine`.
"""

from __future__ import annotations

import numpy as np


def to_engine(array: np.ndarray):
    """Wrap a NumPy array as an ``engine.np.ndarray``, keeping its dtype.

    Parameters
    ----------
    array : numpy.ndarray
        The array to wrap.

    Returns
    -------
    engine.np.ndarray
        The same values as an engine array.
    """
    # Pass the dtype explicitly: labels must stay int64 and user data keeps its
    # precision, as MXNet's default_batchify_fn does.
    return _engine_array()(array, dtype=array.dtype)


def _engine_array():
    """``engine.np.array``, looked up on first use and kept.

    Not imported at module level: engine/__init__ may import engine.data, and a
    top-level import would make the two packages import each other. Not imported
    in :func:`to_engine` either: the DataLoader calls it twice a batch, and an
    import statement goes through any ``__import__`` hook (PySide6 installs one).
    """
    global _ARRAY
    if _ARRAY is None:
        from engine import np as enp

        _ARRAY = enp.array
    return _ARRAY


_ARRAY = None


def to_numpy(array) -> np.ndarray:
    """View an engine array, NumPy array or nested list as a NumPy array.

    Parameters
    ----------
    array : array_like
        An ``engine.np.ndarray`` (through its ``__array__``), a NumPy array, or
        anything :func:`numpy.asarray` accepts.

    Returns
    -------
    numpy.ndarray
        The values, without a copy where possible.
    """
    # engine arrays hand over their buffer through __array__, so no copy is made.
    return np.asarray(array)
