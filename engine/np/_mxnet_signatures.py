"""``engine.np`` functions under MXNet 1.9.1's signatures.

The differentiable ops in ``engine.ops`` name their arguments for the engine
(``x``, ``a, b``) and leave out ``out=``; scripts written for ``mxnet.np``
call ``np.round(x, decimals=4)``, ``np.sum(a=x)``, ``np.add(x1, x2, out=y)``
or ``np.mean(x, 0, None, None, True)``. The functions here take exactly
MXNet's parameters (names, order, defaults, checked in
``tests/engine/test_np_mxnet_signatures.py`` against signatures recorded from
MXNet 1.9.1) and call the ops. ``out=`` writes the result into the given
array and returns it, as MXNet does.
"""

from __future__ import annotations

import numpy as _onp

from ..ndarray import ndarray
from ..ops import arithmetic as _arith
from ..ops import linalg as _linalg
from ..ops import reduce as _reduce
from ..ops import shape as _shape
from ..ops import unary as _unary
from ..ops._common import data as _data
from ..ops._common import result as _result


def _into(out, value):
    if out is None:
        return value
    if not isinstance(out, ndarray):
        raise TypeError(f"out must be an engine ndarray, got {type(out).__name__}")
    out[...] = value
    return out


def _no_extra(name: str, kwargs: dict) -> None:
    # MXNet's **kwargs only carries legacy arguments; an unknown one is a mistake.
    if kwargs:
        raise TypeError(f"{name}() got unexpected keyword arguments {sorted(kwargs)}")


def _named(function, name: str, op):
    function.__name__ = function.__qualname__ = name
    function.__doc__ = op.__doc__ or f"MXNet's ``np.{name}``."
    return function


def _unary_function(name: str, op):
    def function(x, out=None, **kwargs):
        _no_extra(name, kwargs)
        return _into(out, op(x))

    return _named(function, name, op)


def _binary_function(name: str, op):
    def function(x1, x2, out=None, **kwargs):
        _no_extra(name, kwargs)
        return _into(out, op(x1, x2))

    return _named(function, name, op)


def _comparison(name: str, op):
    def function(x1, x2, out=None):
        return _into(out, op(x1, x2))

    return _named(function, name, op)


UNARY = {
    name: _unary_function(name, getattr(_unary, op))
    for name, op in {
        "negative": "negative",
        "abs": "absolute",
        "absolute": "absolute",
        "exp": "exp",
        "expm1": "expm1",
        "log": "log",
        "log1p": "log1p",
        "log2": "log2",
        "log10": "log10",
        "sqrt": "sqrt",
        "square": "square",
        "reciprocal": "reciprocal",
        "sin": "sin",
        "cos": "cos",
        "tan": "tan",
        "tanh": "tanh",
        "sinh": "sinh",
        "cosh": "cosh",
        "arctan": "arctan",
        "sign": "sign",
        "floor": "floor",
        "ceil": "ceil",
        "rint": "rint",
        "trunc": "trunc",
        "fix": "trunc",
        "logical_not": "logical_not",
        "isnan": "isnan",
        "isinf": "isinf",
        "isfinite": "isfinite",
    }.items()
}

BINARY = {
    name: _binary_function(name, getattr(_arith, op))
    for name, op in {
        "add": "add",
        "subtract": "subtract",
        "multiply": "multiply",
        "divide": "true_divide",
        "power": "power",
        "maximum": "maximum",
        "minimum": "minimum",
        "mod": "mod",
        "remainder": "mod",
    }.items()
}

COMPARISONS = {
    name: _comparison(name, getattr(_arith, op))
    for name, op in {
        "true_divide": "true_divide",
        "equal": "equal",
        "not_equal": "not_equal",
        "less": "less",
        "less_equal": "less_equal",
        "greater": "greater",
        "greater_equal": "greater_equal",
    }.items()
}


def round(x, decimals=0, out=None, **kwargs):  # noqa: A001 - numpy name
    """Round to ``decimals`` places (no gradient flows through rounding: it is 0)."""
    _no_extra("round", kwargs)
    if decimals == 0:
        return _into(out, _unary.round_(x))
    return _into(out, _result(_onp.round(_data(x), decimals)))


def around(x, decimals=0, out=None, **kwargs):
    """Same as :func:`round`."""
    return round(x, decimals, out, **kwargs)


# ------------------------------------------------------------------ reductions
def sum(a, axis=None, dtype=None, keepdims=False, initial=None, out=None):  # noqa: A001
    res = _reduce.sum(a, axis=axis, dtype=dtype, keepdims=keepdims)
    return _into(out, res if initial is None else res + initial)


def mean(a, axis=None, dtype=None, out=None, keepdims=False):
    return _into(out, _reduce.mean(a, axis=axis, dtype=dtype, keepdims=keepdims))


def _extreme(name: str, op):
    def function(a, axis=None, keepdims=False, out=None):
        return _into(out, op(a, axis=axis, keepdims=keepdims))

    return _named(function, name, op)


max = _extreme("max", _reduce.max)  # noqa: A001 - numpy name
min = _extreme("min", _reduce.min)  # noqa: A001 - numpy name
amax = _extreme("amax", _reduce.max)
amin = _extreme("amin", _reduce.min)
any = _extreme("any", _reduce.any)  # noqa: A001 - numpy name
all = _extreme("all", _reduce.all)  # noqa: A001 - numpy name


def prod(a, axis=None, dtype=None, out=None, keepdims=False):
    return _into(out, _reduce.prod(a, axis=axis, dtype=dtype, keepdims=keepdims))


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    return _into(out, _reduce.var(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims))


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    return _into(out, _reduce.std(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims))


def argmax(a, axis=None, out=None):
    return _into(out, _reduce.argmax(a, axis=axis))


def argmin(a, axis=None, out=None):
    return _into(out, _reduce.argmin(a, axis=axis))


# ----------------------------------------------------------------------- shape
def reshape(a, newshape, order="C", out=None):
    return _into(out, _shape.reshape(a, newshape, order=order))


def transpose(a, axes=None):
    return _shape.transpose(a, axes)


def swapaxes(a, axis1, axis2):
    return _shape.swapaxes(a, axis1, axis2)


def moveaxis(a, source, destination):
    return _shape.moveaxis(a, source, destination)


def expand_dims(a, axis):
    return _shape.expand_dims(a, axis)


def squeeze(a, axis=None, out=None):
    return _into(out, _shape.squeeze(a, axis))


def ravel(x, order="C"):
    if order != "C":
        raise NotImplementedError("ravel supports order='C' only, as MXNet")
    return _shape.ravel(x)


def broadcast_to(array, shape):
    return _shape.broadcast_to(array, shape)


def concatenate(seq, axis=0, out=None):
    return _into(out, _shape.concatenate(seq, axis=axis))


def split(ary, indices_or_sections, axis=0):
    return _shape.split(ary, indices_or_sections, axis=axis)


def where(condition, x=None, y=None):
    if x is None and y is None:
        return tuple(_result(i) for i in _onp.nonzero(_data(condition)))
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    return _shape.where(condition, x, y)


def clip(a, a_min, a_max, out=None):
    return _into(out, _shape.clip(a, a_min, a_max))


def tile(A, reps):  # noqa: N803 - MXNet's name
    return _shape.tile(A, reps)


def repeat(a, repeats, axis=None):
    return _shape.repeat(a, repeats, axis)


def flip(m, axis=None, out=None):
    return _into(out, _shape.flip(m, axis))


def copy(a, out=None):
    return _into(out, _shape.copy(a))


def dot(a, b, out=None):
    return _into(out, _linalg.dot(a, b))


def matmul(a, b, out=None, **kwargs):
    _no_extra("matmul", kwargs)
    return _into(out, _linalg.matmul(a, b))


def vstack(arrays, out=None):
    arrays = [_shape.reshape(a, (1, -1)) if _onp.ndim(_data(a)) == 1 else a for a in arrays]
    return _into(out, _shape.concatenate(arrays, axis=0))


def size(a, axis=None):
    shape = _onp.shape(_data(a))
    if axis is None:
        return int(_onp.prod(shape, dtype=_onp.int64))
    return shape[axis]


def array_equal(a1, a2, equal_nan=False):
    return _onp.array_equal(_data(a1), _data(a2), equal_nan=equal_nan)
