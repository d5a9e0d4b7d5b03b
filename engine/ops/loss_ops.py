"""Fused loss ops with hand-written backward: the last node of every training step.

``softmax_cross_entropy`` does log-softmax and the pick of the label's entry in
one recorded node whose backward is ``(softmax - onehot) · g``, so the loss
costs one exp and one log per row instead of a chain of small ops.
``sigmoid_binary_cross_entropy`` is fused the same way, in the numerically
stable form ``max(x, 0) - x·z + log(1 + exp(-|x|))``.

Every classifier's case, ``(rows, classes)`` scores with one class index per
row, runs ``_sparse_rows``: the general arithmetic line for line (the
same bits; tests/engine/test_step_fast_paths.py compares the two), without the
general function's branches.
"""

from __future__ import annotations

import numpy as _onp

from ..autograd import Node, is_default_head_grad
from ..autograd import _state as _autograd_state
from ..base import MXNetError
from ..ndarray import VersionCounter
from ._common import attach, data, ndarray, result, tape_entries
from .nn import zero_and_one

_new_array = object.__new__

__all__ = ["softmax_cross_entropy", "sigmoid_binary_cross_entropy"]


def _float_buffer(x) -> _onp.ndarray:
    xd = data(x)
    if not isinstance(xd, _onp.ndarray):
        xd = _onp.asarray(xd, dtype=_onp.float32)
    if xd.dtype.kind != "f":
        xd = xd.astype(_onp.float32)
    return xd


# Signed integer dtype -> the unsigned one of the same size (for the one-pass label check).
_UNSIGNED = {1: _onp.uint8, 2: _onp.uint16, 4: _onp.uint32, 8: _onp.uint64}
# The same by dtype, for the label dtypes data sets use (their indices need no copy).
_UNSIGNED_OF = {_onp.dtype(_onp.int32): _onp.uint32, _onp.dtype(_onp.int64): _onp.uint64}


def _class_indices(label, pred_shape: tuple, axis: int) -> _onp.ndarray:
    """Integer class indices shaped like ``pred`` without ``axis`` (checked, clear errors)."""
    ld = label._data if isinstance(label, ndarray) else _onp.asarray(label)
    if axis == 1 and len(pred_shape) == 2 and ld.shape == pred_shape[:1]:
        # The usual labels (one int32/int64 class index per row): only the range check.
        unsigned_dtype = _UNSIGNED_OF.get(ld.dtype)
        if unsigned_dtype is not None:
            if ld.size:
                unsigned = ld.view(unsigned_dtype)
                if unsigned.item(unsigned.argmax()) >= pred_shape[1]:
                    raise _bad_label_error(ld, pred_shape[1])
            return ld
    reduced = pred_shape[:axis] + pred_shape[axis + 1 :]
    if ld.shape != reduced:
        kept = pred_shape[:axis] + (1,) + pred_shape[axis + 1 :]
        if ld.shape == kept:
            ld = ld.reshape(reduced)
        else:
            raise MXNetError(
                f"SoftmaxCrossEntropyLoss: label shape {ld.shape} does not match prediction "
                f"shape {pred_shape}; with sparse_label=True the label holds one class index "
                f"per sample, shape {reduced} (the prediction's shape without axis {axis})."
            )
    kind = ld.dtype.kind
    if kind == "f":
        idx = ld.astype(_onp.intp)
        if ld.size and not _onp.array_equal(idx, ld):
            raise ValueError(
                "SoftmaxCrossEntropyLoss: sparse labels must be whole numbers "
                "(class indices); got fractional values."
            )
    elif kind in "iu":
        # NumPy indexes with any integer type: no copy, except for uint64, which NumPy
        # would promote to float64 in the flat-index arithmetic (the check below still
        # sees a value beyond the intp range, now negative).
        idx = ld.astype(_onp.intp) if ld.dtype == _onp.uint64 else ld
    elif kind == "b":
        idx = ld.astype(_onp.intp)
    else:
        raise TypeError(f"SoftmaxCrossEntropyLoss: label dtype {ld.dtype} is not numeric")
    # MXNet's pick clips out-of-range labels silently; a wrong label is always a bug in the
    # caller's data, and a negative one would even wrap around. One reduction checks both
    # ends: read as unsigned, a negative label is larger than any class index.
    # (argmax, then the value there: on a small array several times cheaper than max.)
    if idx.size:
        unsigned = idx.view(_UNSIGNED[idx.dtype.itemsize]) if idx.dtype.kind == "i" else idx
        if unsigned.item(unsigned.argmax()) >= pred_shape[axis]:
            raise _bad_label_error(idx, pred_shape[axis])
    return idx


def _bad_label_error(idx, num_classes: int) -> ValueError:
    return ValueError(
        f"SoftmaxCrossEntropyLoss: labels must be class indices in [0, {num_classes - 1}]; "
        f"got values from {idx.min()} to {idx.max()}."
    )


# ``r * num_classes`` for each row r, by (rows, classes, dtype): with it the label entries
# of a (rows, classes) array are one flat ``take``, cheaper than a two-array fancy index.
# Made in the labels' own dtype when that holds every offset: a same-dtype sum is cheaper.
_ROW_OFFSETS: dict = {}
_OFFSET_DTYPES = (_onp.dtype(_onp.int32), _onp.dtype(_onp.int64))


def _row_offsets(rows: int, classes: int, label_dtype) -> _onp.ndarray:
    key = (rows, classes, label_dtype)
    offsets = _ROW_OFFSETS.get(key)
    if offsets is None:
        dtype = _onp.intp
        if label_dtype in _OFFSET_DTYPES and rows * classes <= _onp.iinfo(label_dtype).max:
            dtype = label_dtype
        offsets = (_onp.arange(rows, dtype=_onp.intp) * classes).astype(dtype)
        offsets.flags.writeable = False
        if len(_ROW_OFFSETS) < 64:
            _ROW_OFFSETS[key] = offsets
    return offsets


def softmax_cross_entropy(pred, label, axis=-1, sparse_label=True, from_logits=False):
    """``-log softmax(pred)[label]`` along ``axis``; the result drops ``axis``.

    Parameters
    ----------
    pred : ndarray
        Scores (or log-probabilities when ``from_logits``).
    label : ndarray
        Class indices shaped like ``pred`` without ``axis`` (``sparse_label``),
        or a distribution shaped like ``pred``.
    """
    pd = pred._data if type(pred) is ndarray else None
    if pd is None or pd.dtype.kind != "f":
        pd = _float_buffer(pred)
    if pd.ndim == 0:
        raise ValueError(
            "SoftmaxCrossEntropyLoss needs predictions with a class axis, got a scalar"
        )
    axis = axis % pd.ndim
    fast_2d = pd.ndim == 2 and axis == 1
    if fast_2d and sparse_label and not from_logits:
        return _sparse_rows(pred, pd, label)
    logp = e = s = None
    if from_logits:
        logp = pd
    else:
        # (ufunc.reduce is what ndarray.max/.sum call, without their Python wrapper.)
        shifted = pd - _onp.maximum.reduce(pd, axis=axis, keepdims=True)
        e = _onp.exp(shifted)
        s = _onp.add.reduce(e, axis=axis, keepdims=True)
        log_s = _onp.log(s)
    label_entry_needed = False
    if sparse_label:
        idx = _class_indices(label, pd.shape, axis)
        if fast_2d:
            # the flat position of each row's label entry
            flat = _row_offsets(*pd.shape, idx.dtype) + idx
            if from_logits:
                loss = logp.reshape(-1).take(flat)
                _onp.negative(loss, out=loss)
            else:
                # log s - shifted[label], only where the label points: exactly
                # -(shifted - log s)[label] (IEEE subtraction is antisymmetric).
                loss = log_s.reshape(-1) - shifted.reshape(-1).take(flat)
        else:
            if logp is None:
                shifted -= log_s
                logp = shifted
            loss = -_onp.take_along_axis(logp, _onp.expand_dims(idx, axis), axis).squeeze(axis)
        ld = None
    else:
        if logp is None:
            shifted -= log_s
            logp = shifted
        ld = _float_buffer(label)
        if ld.size != pd.size:
            raise MXNetError(
                f"SoftmaxCrossEntropyLoss: with sparse_label=False the label must have the "
                f"prediction's shape {pd.shape}; got {ld.shape}."
            )
        ld = ld.reshape(pd.shape)
        loss = -(logp * ld).sum(axis=axis)
        label_entry_needed = True
    if loss.dtype != pd.dtype:
        loss = loss.astype(pd.dtype)
    out = result(loss)
    if not _autograd_state.recording:
        return out
    inputs = (pred, label) if label_entry_needed else (pred,)
    entries = tape_entries(inputs)
    if entries is None:
        return out

    def backward(g):
        ge = g[:, None] if fast_2d else _onp.expand_dims(g, axis)
        gp = gl = None
        if entries[0] is not None:
            if sparse_label:
                # A fresh C-contiguous buffer, so reshape(-1) below is a view of it.
                gp = _onp.zeros_like(pd, order="C") if from_logits else e / s
                if fast_2d:
                    # gp[label entries] -= 1 (one entry per row, no repeats): take and put
                    # cost less than a fancy-indexed in-place subtract, same roundings.
                    gp_flat = gp.reshape(-1)
                    picked = gp_flat.take(flat)
                    _onp.subtract(picked, zero_and_one(picked.dtype)[1], out=picked)
                    gp_flat.put(flat, picked)
                else:
                    picked = _onp.expand_dims(idx, axis)
                    _onp.put_along_axis(
                        gp, picked, _onp.take_along_axis(gp, picked, axis) - 1, axis
                    )
            elif from_logits:
                gp = -ld
            else:
                gp = (e / s) * ld.sum(axis=axis, keepdims=True) - ld
            if not is_default_head_grad(g):  # (x · 1 is x: skipping it changes no bit)
                gp *= ge
        if label_entry_needed and entries[1] is not None:
            gl = -(logp * ge)
            gl = gl.reshape(_onp.shape(data(label)))
        return (gp,) if not label_entry_needed else (gp, gl)

    saved = [x for x in inputs if isinstance(x, ndarray)]
    attach(out, entries, backward, saved, "softmax_cross_entropy")
    return out


def _sparse_rows(pred, pd: _onp.ndarray, label) -> ndarray:
    """``softmax_cross_entropy`` of ``(rows, classes)`` scores and one class index per row.

    Every classifier's loss: the general function's arithmetic on this case, line
    for line (the same values and gradients, bit for bit), without its branches.
    """
    shifted = pd - _onp.maximum.reduce(pd, axis=1, keepdims=True)
    e = _onp.exp(shifted)
    s = _onp.add.reduce(e, axis=1, keepdims=True)
    log_s = _onp.log(s)
    idx = _class_indices(label, pd.shape, 1)
    # the flat position of each row's label entry
    flat = _row_offsets(*pd.shape, idx.dtype) + idx
    # log s - shifted[label], only where the label points: exactly
    # -(shifted - log s)[label] (IEEE subtraction is antisymmetric).
    # (take without an axis reads the flattened array)
    loss = log_s.reshape(-1) - shifted.take(flat)
    if loss.dtype != pd.dtype:
        loss = loss.astype(pd.dtype)
    out = _new_array(ndarray)
    out._data = loss
    out._vc = VersionCounter()
    out._node = out._grad = None
    out._grad_req = "null"
    out._fresh_grad = False
    if not _autograd_state.recording:
        return out
    if type(pred) is ndarray:  # tape_entries((pred,)), inlined
        entry = pred._node
        if entry is None and pred._grad is not None and pred._grad_req != "null":
            entry = pred
        entries = None if entry is None else (entry,)
    else:
        entries = tape_entries((pred,))
    if entries is None:
        return out

    def backward(g):
        gp = e / s
        # gp[label entries] -= 1 (one entry per row, no repeats): take and put (both on
        # the flattened array) cost less than a fancy-indexed in-place subtract, with the
        # same roundings.
        picked = gp.take(flat)
        _onp.subtract(picked, zero_and_one(picked.dtype)[1], out=picked)
        gp.put(flat, picked)
        if not is_default_head_grad(g):  # (x · 1 is x: skipping it changes no bit)
            gp *= g[:, None]
        return (gp,)

    saved = ((pred._vc, pred._vc.value),) if isinstance(pred, ndarray) else ()
    out._node = Node(entries, backward, saved, "softmax_cross_entropy")
    return out


def sigmoid_binary_cross_entropy(pred, label, from_sigmoid=False, pos_weight=None):
    """Element-wise binary cross-entropy of ``pred`` against targets ``label`` in [0, 1].

    ``label`` must have as many elements as ``pred`` (it is reshaped to
    ``pred``'s shape). ``pos_weight`` (broadcastable, no gradient) weighs the
    positive term.
    """
    pd = _float_buffer(pred)
    ld = _float_buffer(label)
    if ld.size != pd.size:
        raise MXNetError(
            f"SigmoidBinaryCrossEntropyLoss: label shape {ld.shape} has {ld.size} elements "
            f"but the prediction shape {pd.shape} has {pd.size}; they must match."
        )
    ld = ld.reshape(pd.shape)
    pw = None if pos_weight is None else _float_buffer(pos_weight)
    eps = 1e-12
    if not from_sigmoid:
        # softplus(-x) = log(1 + exp(-|x|)) + max(-x, 0), computed without overflow.
        softplus_neg = _onp.log1p(_onp.exp(-_onp.abs(pd))) + _onp.maximum(-pd, 0)
        if pw is None:
            loss = pd - pd * ld + softplus_neg
        else:
            log_weight = 1 + (pw - 1) * ld
            loss = pd - pd * ld + log_weight * softplus_neg
    else:
        log_p = _onp.log(pd + eps)
        log_q = _onp.log(1.0 - pd + eps)
        pos = log_p * ld if pw is None else log_p * ld * pw
        loss = -(pos + log_q * (1.0 - ld))
    out = result(_onp.asarray(loss, dtype=pd.dtype))
    entries = tape_entries((pred, label))
    if entries is None:
        return out

    def backward(g):
        gp = gl = None
        if not from_sigmoid:
            if entries[0] is not None:
                sig = 0.5 * (1.0 + _onp.tanh(0.5 * pd))
                if pw is None:
                    gp = (sig - ld) * g
                else:
                    gp = (1.0 - ld + (1 + (pw - 1) * ld) * (sig - 1.0)) * g
            if entries[1] is not None:
                gl = -pd if pw is None else -pd + (pw - 1) * softplus_neg
                gl = gl * g
        else:
            w_pos = 1.0 if pw is None else pw
            if entries[0] is not None:
                gp = -(w_pos * ld / (pd + eps) - (1.0 - ld) / (1.0 - pd + eps)) * g
            if entries[1] is not None:
                gl = -(w_pos * log_p - log_q) * g
        if gp is not None:
            gp = _onp.asarray(gp, dtype=pd.dtype)
        if gl is not None:
            gl = _onp.asarray(gl, dtype=pd.dtype).reshape(_onp.shape(data(label)))
        return gp, gl

    saved = [x for x in (pred, label) if isinstance(x, ndarray)]
    attach(out, entries, backward, saved, "sigmoid_binary_cross_entropy")
    return out
