"""Fused neural-network ops with hand-written backward: the hot path of training.

``fully_connected`` computes ``act(x · Wᵀ + b)`` in one node, so a Dense layer
costs one matmul forward and two in backward, like hand-written NumPy.

How a small layer stays cheap (on a 2-8-8-2 network Python's per-call costs,
not the arithmetic, are most of a step):

* ``np.dot`` is called through ``np.dot._implementation``, skipping NumPy's
  ``__array_function__`` dispatch, only when both operands are plain
  ``numpy.ndarray`` (the buffers engine arrays hold): for those the dispatch
  would call this very implementation, so nothing can differ.
* A 2-D input's width is not compared up front: ``np.dot`` refuses a mismatch
  itself, and the ``MXNetError`` explaining it is built only then.
* The result array and the graph entries of input, weight and bias are made
  inline, by the rules of ``ndarray._wrap`` and ``autograd.tape_entries``.
"""

from __future__ import annotations

import numpy as _onp

from ..autograd import Node
from ..autograd import _state as _autograd_state
from ..base import MXNetError
from ..ndarray import VersionCounter
from ._common import attach, data, ndarray, result, tape_entries
from .unary import _sigmoid

ACTIVATIONS = ("relu", "sigmoid", "tanh", "softrelu", "softsign")

_new_array = object.__new__
_ndarray = _onp.ndarray
# np.dot without NumPy's __array_function__ dispatch (a Python-level step costing about
# 0.2 us per call, a quarter of a small product): used where both operands are plain
# NumPy arrays, for which that dispatch would pick this very implementation.
_dot = getattr(_onp.dot, "_implementation", _onp.dot)


# 0 and 1 as read-only 0-d arrays of each float dtype. A Python number as an operand costs
# NumPy a conversion of about 0.3 us, as much as the operation itself on a small layer's
# array; a 0-d array of the other operand's own dtype gives the same values, bit for bit.
_CONSTANTS: dict = {}
for _dtype in (_onp.float16, _onp.float32, _onp.float64):
    _zero, _one = _onp.zeros((), _dtype), _onp.ones((), _dtype)
    _zero.flags.writeable = _one.flags.writeable = False
    _CONSTANTS[_onp.dtype(_dtype)] = (_zero, _one)
_PYTHON_CONSTANTS = (0, 1)


def zero_and_one(dtype) -> tuple:
    """``(0, 1)`` to compute with arrays of ``dtype``: 0-d arrays of it, if it is a float."""
    return _CONSTANTS.get(dtype, _PYTHON_CONSTANTS)


def _activate_inplace(z, act):
    """Apply ``act`` to the fresh buffer ``z`` in place; return what backward needs."""
    if act == "relu":
        _onp.maximum(z, zero_and_one(z.dtype)[0], out=z)
        return z
    if act == "tanh":
        _onp.tanh(z, out=z)
        return z
    if act == "sigmoid":
        z[...] = _sigmoid(z)
        return z
    if act == "softrelu":
        pre = z.copy()
        z[...] = _onp.logaddexp(0, pre)
        return pre
    if act == "softsign":
        pre = z.copy()
        z /= 1 + _onp.abs(z)
        return pre
    raise ValueError(f"unknown activation {act!r}; choose one of {', '.join(ACTIVATIONS)}")


def _activation_grad(g, act, y, kept):
    """dL/dz for ``y = act(z)``; ``kept`` is what ``_activate_inplace`` returned."""
    if act == "relu":
        return g * (y > zero_and_one(y.dtype)[0])
    if act == "tanh":
        # g · (1 - y²), written into one temporary: the same roundings, fewer allocations.
        gz = y * y
        _onp.subtract(zero_and_one(gz.dtype)[1], gz, out=gz)
        _onp.multiply(g, gz, out=gz)
        return gz
    if act == "sigmoid":
        return g * y * (1 - y)
    if act == "softrelu":
        return g * _sigmoid(kept)
    if act == "softsign":
        return g / (1 + _onp.abs(kept)) ** 2
    raise ValueError(act)


def _shape_error(wd, x2, in_shape) -> MXNetError:
    return MXNetError(
        f"Shape inconsistent, Provided = [{wd.shape[0]},{wd.shape[1]}], inferred "
        f"shape=({wd.shape[0]},{x2.shape[-1]}): the weight of shape {wd.shape} expects "
        f"{wd.shape[1]} input features, but the input of shape {in_shape} has "
        f"{x2.shape[-1]}"
    )


def fully_connected(
    x, weight, bias=None, num_hidden=None, no_bias=False, flatten=True, act_type=None
):
    """``act(x · weightᵀ + bias)``; ``flatten`` folds all but the first axis of ``x``."""
    # The hot path of every training step: plain attribute reads instead of helper calls
    # (an ndarray's fields are read directly, the result is built as ndarray._wrap does,
    # the graph entries are found as tape_entries finds them).
    x_is_array = type(x) is ndarray or isinstance(x, ndarray)
    weight_is_array = type(weight) is ndarray or isinstance(weight, ndarray)
    xd = x._data if x_is_array else x
    wd = weight._data if weight_is_array else weight
    if no_bias or bias is None:
        bd = None
    else:
        bd = bias._data if isinstance(bias, ndarray) else bias
    in_shape = xd.shape
    plain = type(xd) is _ndarray and type(wd) is _ndarray
    if plain and len(in_shape) == 2 and wd.ndim == 2:
        # The usual (batch, features) input: np.dot checks the inner sizes itself
        # (ValueError), and only then is the mismatch explained.
        x2 = xd
        try:
            z = _dot(xd, wd.T)
        except ValueError:
            if in_shape[1] != wd.shape[1]:
                raise _shape_error(wd, x2, in_shape) from None
            raise
    else:
        x2 = xd.reshape(in_shape[0], -1) if flatten and len(in_shape) != 2 else xd
        if x2.shape[-1] != wd.shape[1]:
            raise _shape_error(wd, x2, in_shape)
        # np.dot: for 2-D operands the same BLAS product as @, with less per-call overhead.
        z = _onp.dot(x2, wd.T) if x2.ndim == 2 else x2 @ wd.T
    if bd is not None:
        z += bd
    if not act_type:
        kept = None
    elif act_type == "tanh":  # (_activate_inplace's two usual cases, inlined)
        kept = _onp.tanh(z, out=z)
    elif act_type == "relu":
        kept = _onp.maximum(z, zero_and_one(z.dtype)[0], out=z)
    else:
        kept = _activate_inplace(z, act_type)
    out = _new_array(ndarray)
    out._data = z
    out._vc = out_vc = VersionCounter()
    out._node = out._grad = None
    out._grad_req = "null"
    out._fresh_grad = False
    if not _autograd_state.recording:
        return out
    if x_is_array and weight_is_array and bd is not None and type(bias) is ndarray:
        # tape_entries((x, weight, bias)), inlined for the usual Dense layer
        ex, ew, eb = x._node, weight._node, bias._node
        if ex is None and x._grad is not None and x._grad_req != "null":
            ex = x
        if ew is None and weight._grad is not None and weight._grad_req != "null":
            ew = weight
        if eb is None and bias._grad is not None and bias._grad_req != "null":
            eb = bias
        entries = None if ex is None and ew is None and eb is None else (ex, ew, eb)
    else:
        entries = tape_entries((x, weight) if bd is None else (x, weight, bias))
    if entries is not None:
        y = z
        reshape_gx = x2 is not xd

        def backward(g):
            gz = _activation_grad(g, act_type, y, kept) if act_type else g
            gx = gw = gb = None
            if gz.ndim == 2:
                if entries[0] is not None:
                    gx = (_dot if plain and type(gz) is _ndarray else _onp.dot)(gz, wd)
                    if reshape_gx:
                        gx = gx.reshape(in_shape)
                if entries[1] is not None:
                    gw = (_dot if plain and type(gz) is _ndarray else _onp.dot)(gz.T, x2)
                if bd is not None and entries[2] is not None:
                    gb = _onp.add.reduce(gz, axis=0)  # what gz.sum(axis=0) calls
            else:
                if entries[0] is not None:
                    gx = gz @ wd
                gz2 = gz.reshape(-1, gz.shape[-1])
                if entries[1] is not None:
                    gw = gz2.T @ x2.reshape(-1, x2.shape[-1])
                if bd is not None and entries[2] is not None:
                    gb = gz2.sum(axis=0)
            return (gx, gw) if bd is None else (gx, gw, gb)

        if x_is_array and weight_is_array:
            x_vc, w_vc = x._vc, weight._vc
            saved = ((x_vc, x_vc.value), (w_vc, w_vc.value), (out_vc, 0))
        else:
            saved = tuple(
                [(s._vc, s._vc.value) for s in (x, weight, out) if isinstance(s, ndarray)]
            )
        out._node = Node(entries, backward, saved, "fully_connected")
    return out


def activation(x, act_type="relu"):
    """Apply a named activation as one recorded op."""
    xd = data(x)
    z = _onp.array(xd, dtype=xd.dtype if xd.dtype.kind == "f" else _onp.float32)
    kept = _activate_inplace(z, act_type)
    out = result(z)
    entries = tape_entries((x,))
    if entries is not None:
        attach(out, entries, lambda g: (_activation_grad(g, act_type, z, kept),), (out,), act_type)
    return out


def leaky_relu(x, slope=0.25):
    xd = data(x)
    out = result(_onp.where(xd > 0, xd, xd * slope).astype(xd.dtype, copy=False))
    entries = tape_entries((x,))
    if entries is not None:
        positive = xd > 0
        attach(out, entries, lambda g: (_onp.where(positive, g, g * slope),), (), "leaky_relu")
    return out


def softmax(x, axis=-1, temperature=None):
    xd = data(x)
    if temperature is not None and temperature != 1:
        xd = xd / temperature
    shifted = xd - xd.max(axis=axis, keepdims=True)
    e = _onp.exp(shifted)
    e /= e.sum(axis=axis, keepdims=True)
    out = result(e)
    entries = tape_entries((x,))
    if entries is not None:
        scale = 1.0 if temperature is None else 1.0 / temperature

        def backward(g):
            return ((g - (g * e).sum(axis=axis, keepdims=True)) * e * scale,)

        attach(out, entries, backward, (out,), "softmax")
    return out


def log_softmax(x, axis=-1, temperature=None):
    xd = data(x)
    if temperature is not None and temperature != 1:
        xd = xd / temperature
    shifted = xd - xd.max(axis=axis, keepdims=True)
    lse = _onp.log(_onp.exp(shifted).sum(axis=axis, keepdims=True))
    logp = shifted - lse
    out = result(logp)
    entries = tape_entries((x,))
    if entries is not None:
        scale = 1.0 if temperature is None else 1.0 / temperature

        def backward(g):
            return ((g - _onp.exp(logp) * g.sum(axis=axis, keepdims=True)) * scale,)

        attach(out, entries, backward, (out,), "log_softmax")
    return out


def batch_flatten(x):
    from .shape import reshape

    xd = data(x)
    return reshape(x, (xd.shape[0], -1) if xd.ndim else (1, 1))
