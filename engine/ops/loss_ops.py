"""Fused loss ops with hand-written backward: the last node of every training step.

``softmax_cross_entropy`` does log-softmax and the pick of the label's entry in
one recorded node whose backward is ``(softmax - onehot) · g``, so the loss
costs one exp and one log per row instead of a chain of small ops.
``sigmoid_binary_cross_entropy`` is fused the same way, in the numerically
stable form ``max(x, 0) - x·z + log(1 + exp(-|x|))``.
"""

from __future__ import annotations

import numpy as _onp

from ..base import MXNetError
from ._common import attach, data, ndarray, result, tape_entries

__all__ = ["softmax_cross_entropy", "sigmoid_binary_cross_entropy"]


def _float_buffer(x) -> _onp.ndarray:
    xd = data(x)
    if not isinstance(xd, _onp.ndarray):
        xd = _onp.asarray(xd, dtype=_onp.float32)
    if xd.dtype.kind != "f":
        xd = xd.astype(_onp.float32)
    return xd


def _class_indices(label, pred_shape: tuple, axis: int) -> _onp.ndarray:
    """Integer class indices shaped like ``pred`` without ``axis`` (checked, clear errors)."""
    ld = _onp.asarray(data(label))
    reduced = pred_shape[:axis] + pred_shape[axis + 1:]
    if ld.shape != reduced:
        kept = pred_shape[:axis] + (1,) + pred_shape[axis + 1:]
        if ld.shape == kept:
            ld = ld.reshape(reduced)
        else:
            raise MXNetError(
                f"SoftmaxCrossEntropyLoss: label shape {ld.shape} does not match prediction "
                f"shape {pred_shape}; with sparse_label=True the label holds one class index "
                f"per sample, shape {reduced} (the prediction's shape without axis {axis}).")
    if ld.dtype.kind == "f":
        idx = ld.astype(_onp.intp)
        if ld.size and not _onp.array_equal(idx, ld):
            raise ValueError("SoftmaxCrossEntropyLoss: sparse labels must be whole numbers "
                             "(class indices); got fractional values.")
    elif ld.dtype.kind in "iub":
        idx = ld.astype(_onp.intp, copy=False)
    else:
        raise TypeError(f"SoftmaxCrossEntropyLoss: label dtype {ld.dtype} is not numeric")
    # MXNet's pick clips out-of-range labels silently; a wrong label is always a bug in the
    # caller's data. Too-large labels make the pick raise IndexError (see _bad_label_error);
    # negative ones would wrap around, so they are checked here.
    if idx.size and idx.min() < 0:
        raise _bad_label_error(idx, pred_shape[axis])
    return idx


def _bad_label_error(idx, num_classes: int) -> ValueError:
    return ValueError(
        f"SoftmaxCrossEntropyLoss: labels must be class indices in [0, {num_classes - 1}]; "
        f"got values from {idx.min()} to {idx.max()}.")


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
    pd = _float_buffer(pred)
    if pd.ndim == 0:
        raise ValueError("SoftmaxCrossEntropyLoss needs predictions with a class axis, "
                         "got a scalar")
    axis = axis % pd.ndim
    fast_2d = pd.ndim == 2 and axis == 1
    if from_logits:
        logp = pd
        e = s = None
    else:
        shifted = pd - pd.max(axis=axis, keepdims=True)
        e = _onp.exp(shifted)
        s = e.sum(axis=axis, keepdims=True)
        shifted -= _onp.log(s)
        logp = shifted
    label_entry_needed = False
    if sparse_label:
        idx = _class_indices(label, pd.shape, axis)
        rows = _onp.arange(pd.shape[0]) if fast_2d else None
        try:
            if fast_2d:
                loss = -logp[rows, idx]
            else:
                loss = -_onp.take_along_axis(logp, _onp.expand_dims(idx, axis),
                                             axis).squeeze(axis)
        except IndexError:
            raise _bad_label_error(idx, pd.shape[axis]) from None
        ld = None
    else:
        ld = _float_buffer(label)
        if ld.size != pd.size:
            raise MXNetError(
                f"SoftmaxCrossEntropyLoss: with sparse_label=False the label must have the "
                f"prediction's shape {pd.shape}; got {ld.shape}.")
        ld = ld.reshape(pd.shape)
        loss = -(logp * ld).sum(axis=axis)
        label_entry_needed = True
    out = result(loss.astype(pd.dtype, copy=False))

    inputs = (pred, label) if label_entry_needed else (pred,)
    entries = tape_entries(inputs)
    if entries is None:
        return out

    def backward(g):
        ge = g[:, None] if fast_2d else _onp.expand_dims(g, axis)
        gp = gl = None
        if entries[0] is not None:
            if sparse_label:
                if from_logits:
                    gp = _onp.zeros_like(pd)
                else:
                    gp = e / s
                if fast_2d:
                    gp[rows, idx] -= 1
                else:
                    picked = _onp.expand_dims(idx, axis)
                    _onp.put_along_axis(gp, picked,
                                        _onp.take_along_axis(gp, picked, axis) - 1, axis)
            elif from_logits:
                gp = -ld
            else:
                gp = (e / s) * ld.sum(axis=axis, keepdims=True) - ld
            gp *= ge
        if label_entry_needed and entries[1] is not None:
            gl = -(logp * ge)
            gl = gl.reshape(_onp.shape(data(label)))
        return (gp,) if not label_entry_needed else (gp, gl)

    saved = [x for x in inputs if isinstance(x, ndarray)]
    attach(out, entries, backward, saved, "softmax_cross_entropy")
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
            f"but the prediction shape {pd.shape} has {pd.size}; they must match.")
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
