"""Small parameters packed into one contiguous buffer, so one NumPy call updates them all.

Updating a small layer costs mostly NumPy's fixed overhead per call, paid once per
parameter: a 2-8-8-2 network spends more time entering ``w += alpha · g`` six times
than computing it. When the weights of several small parameters are views into one
flat buffer, and their gradients views into another, ``flat_w += alpha · flat_g``
updates them all in two calls, with the same values element by element.

Packing swaps each array's NumPy buffer for a view of the flat buffer (the values
are copied; the engine ``ndarray`` objects, and so every reference to them, stay
the same, and no version counter moves: no value changed). Anything that later
gives one of them a buffer of its own (a re-initialization with another shape,
``cast``, ``attach_grad``) shows up in :meth:`PackedParams.holds`, and the caller
packs again. Backward copies a gradient into a packed buffer instead of adopting
a fresh one (``ndarray._receive_grad`` never swaps out a view).

Optimizers with state (momentum, Adam's moments) pack their state arrays the same
way, one more flat buffer each, and run their usual arithmetic on the flat buffers.
"""

from __future__ import annotations

import numpy as _onp

from .axpy import MIN_SIZE as AXPY_MIN_SIZE

__all__ = ["PackedParams", "can_pack", "packed_for", "largest_group", "PACK_MAX_SIZE"]

# Arrays this large are updated on their own: per-call overhead no longer matters there,
# a packed gradient is copied by backward where a fresh one would be adopted, and SGD
# updates them through the BLAS axpy (which rounds its own way) from the same size on.
PACK_MAX_SIZE = AXPY_MIN_SIZE


class PackedParams:
    """Same-shaped arrays of several parameters as views into one flat buffer per kind.

    Parameters
    ----------
    columns : sequence of lists of engine ndarray
        One list per kind of array (weights, gradients, then any optimizer
        states), each with one array per parameter; the arrays of one
        parameter share a shape, and all share one dtype (see ``can_pack``).

    Attributes
    ----------
    flats : list of numpy.ndarray
        One 1-D buffer per column; every packed array is a view of its column's.
    rows : tuple of tuple
        Per parameter, the views its arrays hold (one per column).
    """

    __slots__ = ("_views", "flats", "rows")

    def __init__(self, columns) -> None:
        first = columns[0]
        dtype = first[0]._data.dtype
        total = sum(array._data.size for array in first)
        self.flats = [_onp.empty(total, dtype) for _ in columns]
        self._views = []
        rows = []
        offset = 0
        for row in zip(*columns):
            shape = row[0]._data.shape
            end = offset + row[0]._data.size
            views = []
            for array, flat in zip(row, self.flats):
                view = flat[offset:end].reshape(shape)
                view[...] = array._data
                array._data = view
                views.append(view)
            self._views.extend(views)
            rows.append(tuple(views))
            offset = end
        self.rows = tuple(rows)

    def holds(self, columns) -> bool:
        """Whether exactly these arrays, in this order, still use the packed buffers."""
        views = self._views
        if len(columns[0]) * len(columns) != len(views):
            return False
        k = 0
        for row in zip(*columns):
            for array in row:
                if array._data is not views[k]:
                    return False
                k += 1
        return True


def can_pack(columns) -> bool:
    """Whether the arrays share one dtype, and each parameter's arrays one shape."""
    dtype = columns[0][0]._data.dtype
    for row in zip(*columns):
        shape = row[0]._data.shape
        for array in row:
            values = array._data
            if values.dtype != dtype or values.shape != shape:
                return False
    return True


def packed_for(optimizer, columns) -> PackedParams | None:
    """``optimizer._packed`` when it holds ``columns``, else a new packing of them.

    None when they cannot be packed (fewer than two parameters, mixed dtypes).
    """
    pack = optimizer._packed
    if pack is not None and pack.holds(columns):
        return pack
    if len(columns[0]) > 1 and can_pack(columns):
        pack = optimizer._packed = PackedParams(columns)
        return pack
    return None


def largest_group(keyed_rows: list) -> tuple:
    """Split ``(key, row)`` pairs: ``(key, rows)`` of the most common key, and the rest.

    The key is what must be equal for parameters to be updated together (their
    step size, weight decay); the rest are updated one by one.
    """
    first = keyed_rows[0][0]
    for key, _ in keyed_rows:
        if key != first:
            break
    else:  # the usual case: one group
        return first, [row for _, row in keyed_rows], []
    groups: dict = {}
    for key, row in keyed_rows:
        groups.setdefault(key, []).append(row)
    best = max(groups, key=lambda key: len(groups[key]))
    rest = [(key, row) for key, rows in groups.items() if key != best for row in rows]
    return best, groups[best], rest
