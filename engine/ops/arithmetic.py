"""Element-wise binary arithmetic with broadcasting, and comparisons.

Each op: the forward in NumPy and, next to it, the local gradient with
respect to each input (summed back over broadcast axes).
"""

from __future__ import annotations

import numpy as _onp

from ._common import (
    attach,
    data,
    mxnet_float,
    ndarray,
    result,
    shape_of,
    tape_entries,
    unbroadcast,
)


# MXNet returns inf/nan for 1/0, 0**-1, ... without a word; so does the engine.
def _quiet():
    return _onp.errstate(divide="ignore", invalid="ignore", over="ignore")


def _record(out, a, b, entries, grad_a, grad_b, saved, name):
    shape_a, shape_b = shape_of(a), shape_of(b)

    def backward(g):
        ga = unbroadcast(grad_a(g), shape_a) if entries[0] is not None else None
        gb = unbroadcast(grad_b(g), shape_b) if entries[1] is not None else None
        return ga, gb

    return attach(out, entries, backward, [s for s in saved if isinstance(s, ndarray)], name)


def add(a, b):
    ad, bd = data(a), data(b)
    out = result(mxnet_float(ad + bd, ad, bd))
    entries = tape_entries((a, b))
    if entries is not None:
        _record(out, a, b, entries, lambda g: g, lambda g: g, (), "add")
    return out


def subtract(a, b):
    ad, bd = data(a), data(b)
    out = result(mxnet_float(ad - bd, ad, bd))
    entries = tape_entries((a, b))
    if entries is not None:
        _record(out, a, b, entries, lambda g: g, lambda g: -g, (), "subtract")
    return out


def multiply(a, b):
    ad, bd = data(a), data(b)
    out = result(mxnet_float(ad * bd, ad, bd))
    entries = tape_entries((a, b))
    if entries is not None:
        _record(out, a, b, entries, lambda g: g * bd, lambda g: g * ad, (a, b), "multiply")
    return out


def true_divide(a, b):
    ad, bd = data(a), data(b)
    with _quiet():
        out = result(mxnet_float(ad / bd, ad, bd))
    entries = tape_entries((a, b))
    if entries is not None:
        _record(
            out, a, b, entries, lambda g: g / bd, lambda g: -g * ad / (bd * bd), (a, b), "divide"
        )
    return out


def power(a, b):
    ad, bd = data(a), data(b)
    with _quiet():
        out = result(mxnet_float(_onp.power(ad, bd), ad, bd))
    entries = tape_entries((a, b))
    if entries is not None:
        od = out._data

        def grad_b(g):
            safe = _onp.where(ad > 0, ad, 1)
            return g * od * _onp.log(safe)

        _record(out, a, b, entries, lambda g: g * bd * ad ** (bd - 1), grad_b, (a, b, out), "power")
    return out


def maximum(a, b):
    ad, bd = data(a), data(b)
    out = result(mxnet_float(_onp.maximum(ad, bd), ad, bd))
    entries = tape_entries((a, b))
    if entries is not None:
        # Ties send the gradient to the first argument, as MXNet does.
        _record(
            out, a, b, entries, lambda g: g * (ad >= bd), lambda g: g * (ad < bd), (a, b), "maximum"
        )
    return out


def minimum(a, b):
    ad, bd = data(a), data(b)
    out = result(mxnet_float(_onp.minimum(ad, bd), ad, bd))
    entries = tape_entries((a, b))
    if entries is not None:
        _record(
            out, a, b, entries, lambda g: g * (ad <= bd), lambda g: g * (ad > bd), (a, b), "minimum"
        )
    return out


def floor_divide(a, b):
    with _quiet():
        return result(data(a) // data(b))


def mod(a, b):
    ad, bd = data(a), data(b)
    with _quiet():
        out = result(_onp.mod(ad, bd))
    entries = tape_entries((a, b))
    if entries is not None:
        _record(out, a, b, entries, lambda g: g, lambda g: -g * _onp.floor(ad / bd), (a, b), "mod")
    return out


def _comparison(numpy_op):
    def compare(a, b):
        return result(numpy_op(data(a), data(b)))

    compare.__name__ = numpy_op.__name__
    return compare


equal = _comparison(_onp.equal)
not_equal = _comparison(_onp.not_equal)
less = _comparison(_onp.less)
less_equal = _comparison(_onp.less_equal)
greater = _comparison(_onp.greater)
greater_equal = _comparison(_onp.greater_equal)
logical_and = _comparison(_onp.logical_and)
logical_or = _comparison(_onp.logical_or)
logical_xor = _comparison(_onp.logical_xor)
