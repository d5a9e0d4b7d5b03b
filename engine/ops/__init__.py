"""The engine's differentiable ops, grouped by kind, and their binding to ``ndarray``.

``install`` gives ``ndarray`` its operators and methods. In-place operators
follow MXNet: inside ``autograd.record()`` an in-place update of a recorded
value (FancyMLP's ``x /= 2``) is itself recorded; the old value stays
available to the ops that read it. Outside recording, or on leaves, the write
goes into the buffer and bumps its version counter.
"""

from __future__ import annotations

import numpy as _onp

from .. import autograd as _ag
from . import arithmetic, linalg, reduce, shape, unary
from ._common import data
from .value_checks import check_storable


def _tracked(x) -> bool:
    return getattr(x, "_node", None) is not None or (
        getattr(x, "_grad", None) is not None and x._grad_req != "null"
    )


def _inplace(op, numpy_ufunc):
    def method(self, other):
        if _ag._state.recording and (self._node is not None or _tracked(other)):
            self._take_recorded(op(self, other))
            return self
        numpy_ufunc(self._data, data(other), out=self._data)
        self._bump()
        return self

    method.__name__ = f"__i{numpy_ufunc.__name__}__"
    return method


def _reflected(op):
    def method(self, other):
        return op(other, self)

    return method


def _setitem(self, key, value):
    if self._data.ndim == 0 and isinstance(key, slice) and key == slice(None):
        key = ()  # ``x[:] = v`` on a 0-d array (an initializer filling a scalar parameter)
    if _ag._state.recording and (self._node is not None or _tracked(value)):
        self._take_recorded(shape.setitem_recorded(self, key, value))
        return
    check_storable(self._data, data(value))
    self._data[shape._index_key(key)] = data(value)
    self._bump()


def _reshape_method(self, *shape_args, **kwargs):
    if len(shape_args) == 1:
        shape_args = shape_args[0]
    return shape.reshape(self, shape_args, order=kwargs.get("order", "C"))


def _transpose_method(self, *axes):
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        axes = axes[0]
    return shape.transpose(self, axes or None)


def _flatten_method(self, order="C"):
    return shape.reshape(shape.copy(self), (-1,))


def install(cls) -> None:
    """Attach operators and array methods to ``cls`` (the engine ndarray)."""
    binary = {
        "add": (arithmetic.add, _onp.add),
        "sub": (arithmetic.subtract, _onp.subtract),
        "mul": (arithmetic.multiply, _onp.multiply),
        "truediv": (arithmetic.true_divide, _onp.true_divide),
        "floordiv": (arithmetic.floor_divide, _onp.floor_divide),
        "mod": (arithmetic.mod, _onp.mod),
        "pow": (arithmetic.power, _onp.power),
    }
    for name, (op, ufunc) in binary.items():
        setattr(cls, f"__{name}__", op)
        setattr(cls, f"__r{name}__", _reflected(op))
        setattr(cls, f"__i{name}__", _inplace(op, ufunc))
    cls.__matmul__ = linalg.matmul
    cls.__rmatmul__ = _reflected(linalg.matmul)
    cls.__neg__ = unary.negative
    cls.__pos__ = lambda self: self
    cls.__abs__ = unary.absolute
    cls.__invert__ = lambda self: arithmetic.result(_onp.invert(self._data))
    cls.__eq__ = arithmetic.equal
    cls.__ne__ = arithmetic.not_equal
    cls.__lt__ = arithmetic.less
    cls.__le__ = arithmetic.less_equal
    cls.__gt__ = arithmetic.greater
    cls.__ge__ = arithmetic.greater_equal
    cls.__and__ = arithmetic.logical_and
    cls.__or__ = arithmetic.logical_or
    cls.__xor__ = arithmetic.logical_xor
    cls.__getitem__ = shape.getitem
    cls.__setitem__ = _setitem

    cls.reshape = _reshape_method
    cls.transpose = _transpose_method
    cls.T = property(lambda self: shape.transpose(self))
    cls.flatten = _flatten_method
    cls.squeeze = shape.squeeze
    cls.expand_dims = shape.expand_dims
    cls.swapaxes = shape.swapaxes
    cls.repeat = shape.repeat
    cls.tile = shape.tile
    cls.clip = shape.clip
    cls.copy = shape.copy
    cls.astype = shape.astype
    cls.sum = reduce.sum
    cls.mean = reduce.mean
    cls.max = reduce.max
    cls.min = reduce.min
    cls.prod = reduce.prod
    cls.var = reduce.var
    cls.std = reduce.std
    cls.argmax = reduce.argmax
    cls.argmin = reduce.argmin
    cls.any = reduce.any
    cls.all = reduce.all
    cls.dot = linalg.dot
    cls.round = lambda self, decimals=0: arithmetic.result(_onp.round(self._data, decimals))
    cls.abs = unary.absolute
    cls.exp = unary.exp
    cls.log = unary.log
    cls.sqrt = unary.sqrt
    cls.square = unary.square
    cls.sign = unary.sign
    cls.tanh = unary.tanh
    cls.sigmoid = unary.sigmoid
    cls.relu = unary.relu
    cls.fill = _fill


def _fill(self, value) -> None:
    self._data.fill(value)
    self._bump()
