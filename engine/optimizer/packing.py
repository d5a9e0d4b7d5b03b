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
"""

from __future__ import annotations

import numpy as _onp

__all__ = ["PackedParams"]


class PackedParams:
    """Weights and gradients of several parameters as views into two flat buffers.

    Parameters
    ----------
    weights, grads : list of engine ndarray
        The arrays to pack, pairwise of one shape and all of one dtype.

    Attributes
    ----------
    flat_weights, flat_grads : numpy.ndarray
        The 1-D buffers every packed array is a view of.
    """

    __slots__ = ("_weight_views", "_grad_views", "flat_weights", "flat_grads")

    def __init__(self, weights: list, grads: list) -> None:
        dtype = weights[0]._data.dtype
        total = sum(w._data.size for w in weights)
        self.flat_weights = _onp.empty(total, dtype)
        self.flat_grads = _onp.empty(total, dtype)
        self._weight_views = []
        self._grad_views = []
        offset = 0
        for weight, grad in zip(weights, grads):
            shape = weight._data.shape
            end = offset + weight._data.size
            for array, flat, views in (
                (weight, self.flat_weights, self._weight_views),
                (grad, self.flat_grads, self._grad_views),
            ):
                view = flat[offset:end].reshape(shape)
                view[...] = array._data
                array._data = view
                views.append(view)
            offset = end

    def holds(self, weights: list, grads: list) -> bool:
        """Whether exactly these arrays, in this order, still use the packed buffers."""
        if len(weights) != len(self._weight_views):
            return False
        for weight, grad, weight_view, grad_view in zip(
            weights, grads, self._weight_views, self._grad_views
        ):
            if weight._data is not weight_view or grad._data is not grad_view:
                return False
        return True


def can_pack(weights: list, grads: list) -> bool:
    """Whether the arrays share one dtype, each gradient shaped like its weight."""
    dtype = weights[0]._data.dtype
    for weight, grad in zip(weights, grads):
        w, g = weight._data, grad._data
        if w.dtype != dtype or g.dtype != dtype or w.shape != g.shape:
            return False
    return True
