"""Element-wise unary math: each forward with its derivative beside it."""

from __future__ import annotations

import math

import numpy as _onp

from ._common import attach, data, mxnet_float, result, tape_entries

_LN2 = math.log(2.0)


def _quiet():
    return _onp.errstate(divide="ignore", invalid="ignore", over="ignore")


_LN10 = math.log(10.0)


def _unary(name, forward, derivative, saves_output=False):
    """Build an op from ``forward(x)`` and ``derivative(x, y) -> dy/dx``."""

    def op(x):
        xd = data(x)
        if not isinstance(xd, _onp.ndarray):
            xd = _onp.asarray(xd, dtype=_onp.float32)
        with _quiet():  # log(0) = -inf, sqrt(-1) = nan, as MXNet: silently
            out = result(mxnet_float(forward(xd), xd, None))
        entries = tape_entries((x,))
        if entries is not None:
            yd = out._data

            def backward(g):
                return (g * derivative(xd, yd),)

            attach(out, entries, backward, (out,) if saves_output else (x,), name)
        return out

    op.__name__ = name
    return op


def _sigmoid(x):
    # Split by sign so exp never overflows.
    out = _onp.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + _onp.exp(-x[pos]))
    e = _onp.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def _softrelu(x):
    return _onp.logaddexp(0, x).astype(x.dtype, copy=False)


negative = _unary("negative", _onp.negative, lambda x, y: -1.0)
absolute = _unary("absolute", _onp.abs, lambda x, y: _onp.sign(x))
exp = _unary("exp", _onp.exp, lambda x, y: y, saves_output=True)
expm1 = _unary("expm1", _onp.expm1, lambda x, y: y + 1, saves_output=True)
log = _unary("log", _onp.log, lambda x, y: 1.0 / x)
log1p = _unary("log1p", _onp.log1p, lambda x, y: 1.0 / (1.0 + x))
log2 = _unary("log2", _onp.log2, lambda x, y: 1.0 / (x * _LN2))
log10 = _unary("log10", _onp.log10, lambda x, y: 1.0 / (x * _LN10))
sqrt = _unary("sqrt", _onp.sqrt, lambda x, y: 0.5 / y, saves_output=True)
square = _unary("square", _onp.square, lambda x, y: 2.0 * x)
reciprocal = _unary("reciprocal", _onp.reciprocal, lambda x, y: -y * y, saves_output=True)
sin = _unary("sin", _onp.sin, lambda x, y: _onp.cos(x))
cos = _unary("cos", _onp.cos, lambda x, y: -_onp.sin(x))
tan = _unary("tan", _onp.tan, lambda x, y: 1.0 + y * y, saves_output=True)
tanh = _unary("tanh", _onp.tanh, lambda x, y: 1.0 - y * y, saves_output=True)
sinh = _unary("sinh", _onp.sinh, lambda x, y: _onp.cosh(x))
cosh = _unary("cosh", _onp.cosh, lambda x, y: _onp.sinh(x))
arctan = _unary("arctan", _onp.arctan, lambda x, y: 1.0 / (1.0 + x * x))
sigmoid = _unary("sigmoid", _sigmoid, lambda x, y: y * (1.0 - y), saves_output=True)
relu = _unary("relu", lambda x: _onp.maximum(x, 0), lambda x, y: x > 0)
softrelu = _unary("softrelu", _softrelu, lambda x, y: _sigmoid(x))
softsign = _unary(
    "softsign", lambda x: x / (1 + _onp.abs(x)), lambda x, y: 1.0 / (1 + _onp.abs(x)) ** 2
)
sign = _unary("sign", _onp.sign, lambda x, y: 0.0)
floor = _unary("floor", _onp.floor, lambda x, y: 0.0)
ceil = _unary("ceil", _onp.ceil, lambda x, y: 0.0)
rint = _unary("rint", _onp.rint, lambda x, y: 0.0)
round_ = _unary("round", _onp.round, lambda x, y: 0.0)
trunc = _unary("trunc", _onp.trunc, lambda x, y: 0.0)


def logical_not(x):
    return result(_onp.logical_not(data(x)))


def isnan(x):
    return result(_onp.isnan(data(x)))


def isinf(x):
    return result(_onp.isinf(data(x)))


def isfinite(x):
    return result(_onp.isfinite(data(x)))
