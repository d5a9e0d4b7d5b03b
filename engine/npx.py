"""``engine.npx``: MXNet's operator extensions (activations, fused layers, modes)."""

from __future__ import annotations

import logging

import numpy as _onp

from .context import cpu, current_context, gpu, num_gpus  # noqa: F401 - mxnet names
from .ndarray import ndarray
from .ops import nn as _nn
from .ops import unary as _unary
from .ops._common import data as _data
from .ops._common import result as _result

_np_semantics = True


_ACTIVATION_NOTES = (
    "NumPy array semantics has been activated in your code. This allows you to use "
    "operators from MXNet NumPy and NumPy Extension modules as well as MXNet NumPy "
    "`ndarray`s.",
    "NumPy-shape semantics has been activated in your code. This is required for creating "
    "and manipulating scalar and zero-size tensors, which were not supported in MXNet "
    "before, as in the official NumPy library. Please DO NOT manually deactivate this "
    "semantics while using `mxnet.numpy` and `mxnet.numpy_extension` modules.",
)
_notes_logged = False


def set_np(shape: bool = True, array: bool = True, dtype: bool = False) -> None:
    """Accepted for MXNet compatibility: the engine always has NumPy semantics.

    The first call logs MXNet's two INFO notes (seen only when logging shows INFO).
    """
    global _np_semantics, _notes_logged
    _np_semantics = True
    if not _notes_logged:
        _notes_logged = True
        for note in _ACTIVATION_NOTES:
            logging.info(note)


def reset_np() -> None:
    """Accepted for MXNet compatibility; NumPy semantics stay on."""


def is_np_array() -> bool:
    return _np_semantics


def is_np_shape() -> bool:
    return _np_semantics


relu = _unary.relu
sigmoid = _unary.sigmoid
softmax = _nn.softmax
log_softmax = _nn.log_softmax
fully_connected = _nn.fully_connected
batch_flatten = _nn.batch_flatten
leaky_relu = _nn.leaky_relu


def activation(data, act_type="relu"):
    """``npx.activation(x, act_type='relu'|'sigmoid'|'tanh'|'softrelu'|'softsign')``."""
    return _nn.activation(data, act_type)


def one_hot(data, depth, on_value=1.0, off_value=0.0, dtype="float32"):
    indices = _onp.asarray(_data(data)).astype(_onp.int64)
    out = _onp.full(indices.shape + (depth,), off_value, dtype=dtype)
    valid = (indices >= 0) & (indices < depth)
    _onp.put_along_axis(out, _onp.where(valid, indices, 0)[..., None],
                        _onp.where(valid, on_value, off_value)[..., None].astype(dtype), -1)
    return _result(out)


def pick(data, index, axis=-1, keepdims=False):
    """``data[..., index]`` along ``axis`` (differentiable with respect to ``data``)."""
    from .ops.shape import getitem

    xd = _data(data)
    axis = axis % xd.ndim
    idx = _onp.asarray(_data(index)).astype(_onp.int64)
    grids = _onp.indices(idx.shape, sparse=True)
    key = tuple(list(grids[:axis]) + [idx] + list(grids[axis:]))
    out = getitem(data if isinstance(data, ndarray) else ndarray(data), key)
    if keepdims:
        from .ops.shape import expand_dims

        out = expand_dims(out, axis)
    return out


def waitall() -> None:
    """No-op: the engine computes eagerly."""


def save(file, arr) -> None:
    """Save an array, a list of arrays or a dict of arrays (``.npz``, no pickle)."""
    from .gluon.serialization import save_arrays

    if isinstance(arr, ndarray):
        arrays = {"__list_0__": arr._data}  # MXNet loads a single array back as [array]
    elif isinstance(arr, (list, tuple)):
        arrays = {f"__list_{i}__": _data(a) for i, a in enumerate(arr)}
    elif isinstance(arr, dict):
        arrays = {k: _data(v) for k, v in arr.items()}
    else:
        raise TypeError("npx.save takes an ndarray, a list of ndarrays or a dict of ndarrays")
    save_arrays(file, arrays)


def load(file):
    """Load what ``npx.save`` wrote: a dict, or a list (also for a single array, as MXNet)."""
    from .gluon.serialization import load_arrays

    arrays = load_arrays(file)
    if arrays and all(k.startswith("__list_") for k in arrays):
        return [ndarray._wrap(arrays[f"__list_{i}__"]) for i in range(len(arrays))]
    return {k: ndarray._wrap(v) for k, v in arrays.items()}


# Convolution, pooling, normalization and embedding ops (engine/ops/conv.py, norm.py,
# embedding.py), under their MXNet npx names.
from .ops import conv as _conv_ops  # noqa: E402
from .ops import embedding as _embedding_ops  # noqa: E402
from .ops import norm as _norm_ops  # noqa: E402

convolution = _conv_ops.convolution
pooling = _conv_ops.pooling
batch_norm = _norm_ops.batch_norm
layer_norm = _norm_ops.layer_norm
embedding = _embedding_ops.embedding
