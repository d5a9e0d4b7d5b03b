"""Shared pieces of every op: unwrapping inputs, wrapping results, broadcasting."""

from __future__ import annotations

import numpy as _onp

from ..autograd import attach, tape_entries
from ..ndarray import ndarray

__all__ = [
    "ndarray",
    "attach",
    "tape_entries",
    "data",
    "result",
    "unbroadcast",
    "as_array",
    "write_out",
]


def data(x):
    """NumPy buffer of an engine array; other values are returned unchanged."""
    return x._data if isinstance(x, ndarray) else x


def result(value) -> ndarray:
    """Wrap a NumPy result (NumPy scalars from 0-d ops become 0-d arrays)."""
    if type(value) is not _onp.ndarray:
        value = _onp.asarray(value)
    return ndarray._wrap(value)


def write_out(res, out):
    """``res``, or ``res`` written into ``out`` through the array's write path.

    An ``out=`` engine array is written with ``out[...] = res`` so its version
    moves (and, inside ``record()``, the write is recorded like any other).
    """
    if out is None:
        return res
    out[...] = res
    return out


_FLOAT64 = _onp.dtype(_onp.float64)


def mxnet_float(value, a, b):
    """MXNet's promotion: float32 unless an operand array is already float64.

    NumPy makes float64 from ``int32 / 2`` or ``int32 + float32``; MXNet keeps
    float32 there, and the engine follows it.
    """
    if value.dtype != _FLOAT64:
        return value
    for operand in (a, b):
        # (``dtype == None`` is True for float64 in NumPy: test the type first.)
        if isinstance(operand, (_onp.ndarray, _onp.generic)) and operand.dtype == _FLOAT64:
            return value
    return value.astype(_onp.float32)


def as_array(x) -> ndarray:
    """``x`` as an engine array (Python scalars and lists become float32 arrays)."""
    if isinstance(x, ndarray):
        return x
    return ndarray(x)


def unbroadcast(grad, shape: tuple):
    """Sum ``grad`` over the axes that broadcasting expanded to reach ``shape``."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


def shape_of(x) -> tuple:
    return x.shape if isinstance(x, (_onp.ndarray, ndarray)) else ()
