"""Reductions (sum, mean, max, min, prod, var, std, norm) and their backward."""

from __future__ import annotations

import builtins

import numpy as _onp

from ._common import attach, data, result, tape_entries, write_out


def _axes(axis, ndim: int) -> tuple:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(a % ndim if ndim else a for a in axis)


def _expand(g, in_shape: tuple, axis, keepdims: bool):
    """Give a reduced gradient back the reduced axes so it broadcasts to the input."""
    if not keepdims and in_shape:
        for a in sorted(_axes(axis, len(in_shape))):
            g = _onp.expand_dims(g, a)
    return g


def sum(x, axis=None, dtype=None, keepdims=False, out=None):  # noqa: A001 - numpy name
    xd = data(x)
    if dtype is None and xd.dtype.kind in "iu":
        dtype = xd.dtype  # MXNet keeps the integer type (NumPy widens int32 to int64)
    res = result(_onp.sum(xd, axis=axis, dtype=dtype, keepdims=keepdims))
    entries = tape_entries((x,))
    if entries is not None:
        shape, dt = xd.shape, xd.dtype

        def backward(g):
            return (_onp.broadcast_to(_expand(g, shape, axis, keepdims), shape).astype(dt),)

        attach(res, entries, backward, (), "sum")
    return write_out(res, out)


def mean(x, axis=None, dtype=None, keepdims=False, out=None):
    xd = data(x)
    if dtype is None and xd.dtype.kind in "iub":
        dtype = _onp.float32  # MXNet's mean of integers is float32
    res = result(_onp.mean(xd, axis=axis, dtype=dtype, keepdims=keepdims))
    if res._data.dtype != xd.dtype and dtype is None and xd.dtype.kind == "f":
        res = result(res._data.astype(xd.dtype))
    entries = tape_entries((x,))
    if entries is not None:
        shape, dt = xd.shape, xd.dtype
        count = builtins.max(xd.size, 1) // builtins.max(res._data.size, 1)

        def backward(g):
            g = _expand(g, shape, axis, keepdims) / count
            return (_onp.broadcast_to(g, shape).astype(dt),)

        attach(res, entries, backward, (), "mean")
    return write_out(res, out)


def _extreme(name, numpy_op):
    def op(x, axis=None, keepdims=False, out=None):
        xd = data(x)
        res = result(numpy_op(xd, axis=axis, keepdims=keepdims))
        entries = tape_entries((x,))
        if entries is not None:
            shape = xd.shape
            rd = res._data

            def backward(g):
                hit = xd == _expand(rd, shape, axis, keepdims)
                # Ties share the gradient equally.
                ties = hit.sum(axis=axis, keepdims=True)
                g = _expand(g, shape, axis, keepdims)
                return ((hit * (g / ties)).astype(xd.dtype),)

            attach(res, entries, backward, (x,), name)
        return write_out(res, out)

    op.__name__ = name
    return op


max = _extreme("max", _onp.max)  # noqa: A001 - numpy name
min = _extreme("min", _onp.min)  # noqa: A001 - numpy name
amax = max
amin = min


def prod(x, axis=None, dtype=None, keepdims=False):
    xd = data(x)
    res = result(_onp.prod(xd, axis=axis, dtype=dtype, keepdims=keepdims))
    entries = tape_entries((x,))
    if entries is not None:
        shape = xd.shape

        def backward(g):
            # d prod / d x_i = prod of the others; computed without dividing by zero.
            axes = _axes(axis, len(shape))
            moved = _onp.moveaxis(xd, axes, range(-len(axes), 0))
            flat = moved.reshape(moved.shape[: moved.ndim - len(axes)] + (-1,))
            left = _onp.cumprod(
                _onp.concatenate([_onp.ones_like(flat[..., :1]), flat[..., :-1]], -1), -1
            )
            right = _onp.flip(
                _onp.cumprod(
                    _onp.concatenate(
                        [_onp.ones_like(flat[..., :1]), _onp.flip(flat, -1)[..., :-1]], -1
                    ),
                    -1,
                ),
                -1,
            )
            others = (left * right).reshape(moved.shape)
            others = _onp.moveaxis(others, range(-len(axes), 0), axes)
            return (_expand(g, shape, axis, keepdims) * others,)

        attach(res, entries, backward, (x,), "prod")
    return res


def var(x, axis=None, dtype=None, ddof=0, keepdims=False):
    from . import arithmetic, unary

    mu = mean(x, axis=axis, keepdims=True)
    centered = arithmetic.subtract(x, mu)
    sq = unary.square(centered)
    total = sum(sq, axis=axis, keepdims=keepdims)
    xd = data(x)
    count = xd.size // builtins.max(total._data.size, 1) - ddof
    return arithmetic.true_divide(total, count)


def std(x, axis=None, dtype=None, ddof=0, keepdims=False):
    from . import unary

    return unary.sqrt(var(x, axis=axis, ddof=ddof, keepdims=keepdims))


def argmax(x, axis=None, keepdims=False):
    return result(_onp.argmax(data(x), axis=axis, keepdims=keepdims))


def argmin(x, axis=None, keepdims=False):
    return result(_onp.argmin(data(x), axis=axis, keepdims=keepdims))


def any(x, axis=None, keepdims=False):  # noqa: A001 - numpy name
    return result(_onp.any(data(x), axis=axis, keepdims=keepdims))


def all(x, axis=None, keepdims=False):  # noqa: A001 - numpy name
    return result(_onp.all(data(x), axis=axis, keepdims=keepdims))


def norm(x, ord=None, axis=None, keepdims=False):
    """Frobenius / L2 norm (differentiable); other orders are computed without gradient."""
    from . import unary

    if ord in (None, 2, "fro") and (axis is None or isinstance(axis, int) or ord != 2):
        return unary.sqrt(sum(unary.square(x), axis=axis, keepdims=keepdims))
    return result(_onp.linalg.norm(data(x), ord=ord, axis=axis, keepdims=keepdims))
