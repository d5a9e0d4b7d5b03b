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


# The operators below take MXNet 1.9.1's parameters (``data``, ``out``, ``name``);
# ``name`` is for symbolic graphs and is ignored.
def _into(out, value):
    if out is None:
        return value
    out[...] = value
    return out


def _no_extra(name: str, kwargs: dict) -> None:
    if kwargs:
        raise TypeError(f"npx.{name}() got unexpected keyword arguments {sorted(kwargs)}")


def relu(data=None, out=None, name=None, **kwargs):
    """``max(data, 0)``."""
    _no_extra("relu", kwargs)
    return _into(out, _unary.relu(data))


def sigmoid(data=None, out=None, name=None, **kwargs):
    """``1 / (1 + exp(-data))``."""
    _no_extra("sigmoid", kwargs)
    return _into(out, _unary.sigmoid(data))


def _cast(value, dtype):
    return value if dtype is None else value.astype(dtype)


def softmax(
    data=None,
    length=None,
    axis=-1,
    temperature=None,
    dtype=None,
    use_length=False,
    out=None,
    name=None,
    **kwargs,
):
    """Softmax along ``axis`` (``length``/``use_length`` masking is not supported)."""
    _no_extra("softmax", kwargs)
    if use_length or length is not None:
        raise NotImplementedError("npx.softmax with length/use_length is not supported")
    return _into(out, _cast(_nn.softmax(data, axis=axis, temperature=temperature), dtype))


def log_softmax(
    data=None,
    axis=-1,
    temperature=None,
    dtype=None,
    use_length=False,
    out=None,
    name=None,
    **kwargs,
):
    """Log-softmax along ``axis``."""
    _no_extra("log_softmax", kwargs)
    if use_length:
        raise NotImplementedError("npx.log_softmax with use_length is not supported")
    return _into(out, _cast(_nn.log_softmax(data, axis=axis, temperature=temperature), dtype))


def fully_connected(
    data=None,
    weight=None,
    bias=None,
    num_hidden=None,
    no_bias=False,
    flatten=True,
    out=None,
    name=None,
    **kwargs,
):
    """``data · weightᵀ + bias``; the engine also takes ``act_type=`` to fuse an activation."""
    act_type = kwargs.pop("act_type", None)
    _no_extra("fully_connected", kwargs)
    return _into(
        out,
        _nn.fully_connected(
            data,
            weight,
            bias,
            num_hidden=num_hidden,
            no_bias=no_bias,
            flatten=flatten,
            act_type=act_type,
        ),
    )


def batch_flatten(data=None, out=None, name=None, **kwargs):
    """Fold all axes but the first."""
    _no_extra("batch_flatten", kwargs)
    return _into(out, _nn.batch_flatten(data))


def leaky_relu(
    data=None,
    gamma=None,
    act_type="leaky",
    slope=0.25,
    lower_bound=0.125,
    upper_bound=0.334,
    out=None,
    name=None,
    **kwargs,
):
    """``data`` where positive, ``slope · data`` elsewhere (``act_type='leaky'`` only)."""
    _no_extra("leaky_relu", kwargs)
    if act_type != "leaky":
        raise NotImplementedError(
            f"npx.leaky_relu supports act_type='leaky' only (use the "
            f"gluon.nn layers for {act_type!r})"
        )
    return _into(out, _nn.leaky_relu(data, slope))


def activation(data=None, act_type="relu", out=None, name=None, **kwargs):
    """``npx.activation(x, act_type='relu'|'sigmoid'|'tanh'|'softrelu'|'softsign')``."""
    _no_extra("activation", kwargs)
    return _into(out, _nn.activation(data, act_type))


def one_hot(
    indices=None,
    depth=None,
    on_value=1.0,
    off_value=0.0,
    dtype="float32",
    out=None,
    name=None,
    **kwargs,
):
    """One-hot rows of length ``depth`` (out-of-range indices give all ``off_value``)."""
    _no_extra("one_hot", kwargs)
    indices = _onp.asarray(_data(indices)).astype(_onp.int64)
    values = _onp.full(indices.shape + (depth,), off_value, dtype=dtype)
    valid = (indices >= 0) & (indices < depth)
    _onp.put_along_axis(
        values,
        _onp.where(valid, indices, 0)[..., None],
        _onp.where(valid, on_value, off_value)[..., None].astype(dtype),
        -1,
    )
    return _into(out, _result(values))


def pick(
    data=None, index=None, axis=-1, keepdims=False, mode="clip", out=None, name=None, **kwargs
):
    """``data[..., index]`` along ``axis`` (differentiable with respect to ``data``).

    ``mode='clip'`` clips indices into range, ``'wrap'`` wraps them, as MXNet.
    """
    from .ops.shape import expand_dims, getitem

    _no_extra("pick", kwargs)
    xd = _data(data)
    axis = axis % xd.ndim
    idx = _onp.asarray(_data(index)).astype(_onp.int64)
    size = xd.shape[axis]
    if mode == "wrap":
        idx = idx % size
    elif mode == "clip":
        idx = _onp.clip(idx, 0, size - 1)
    else:
        raise ValueError(f"pick mode must be 'clip' or 'wrap', got {mode!r}")
    grids = _onp.indices(idx.shape, sparse=True)
    key = tuple(list(grids[:axis]) + [idx] + list(grids[axis:]))
    picked = getitem(data if isinstance(data, ndarray) else ndarray(data), key)
    if keepdims:
        picked = expand_dims(picked, axis)
    return _into(out, picked)


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


def convolution(
    data=None,
    weight=None,
    bias=None,
    kernel=None,
    stride=None,
    dilate=None,
    pad=None,
    num_filter=None,
    num_group=1,
    workspace=1024,
    no_bias=False,
    cudnn_tune=None,
    cudnn_off=False,
    layout=None,
    out=None,
    name=None,
    **kwargs,
):
    """Convolution (MXNet's parameters); the engine also takes ``act_type=`` to fuse one."""
    act_type = kwargs.pop("act_type", None)
    _no_extra("convolution", kwargs)
    return _into(
        out,
        _conv_ops.convolution(
            data,
            weight,
            bias,
            kernel=kernel,
            stride=stride,
            dilate=dilate,
            pad=pad,
            num_filter=num_filter,
            num_group=num_group,
            workspace=workspace,
            no_bias=no_bias,
            cudnn_tune=cudnn_tune,
            cudnn_off=cudnn_off,
            layout=layout,
            act_type=act_type,
        ),
    )


def pooling(
    data=None,
    kernel=None,
    pool_type="max",
    global_pool=False,
    cudnn_off=False,
    pooling_convention="valid",
    stride=None,
    pad=None,
    p_value=None,
    count_include_pad=None,
    layout=None,
    out=None,
    name=None,
    **kwargs,
):
    """Max or average pooling (MXNet's parameters, in MXNet's order)."""
    _no_extra("pooling", kwargs)
    return _into(
        out,
        _conv_ops.pooling(
            data,
            kernel=kernel,
            stride=stride,
            pad=pad,
            pool_type=pool_type,
            pooling_convention=pooling_convention,
            global_pool=global_pool,
            cudnn_off=cudnn_off,
            p_value=p_value,
            count_include_pad=count_include_pad,
            layout=layout,
        ),
    )


def batch_norm(
    data=None,
    gamma=None,
    beta=None,
    moving_mean=None,
    moving_var=None,
    eps=1e-3,
    momentum=0.9,
    fix_gamma=True,
    use_global_stats=False,
    output_mean_var=False,
    axis=1,
    cudnn_off=False,
    min_calib_range=None,
    max_calib_range=None,
    out=None,
    name=None,
    **kwargs,
):
    """Batch normalization over every axis but ``axis`` (MXNet's parameters)."""
    _no_extra("batch_norm", kwargs)
    return _into(
        out,
        _norm_ops.batch_norm(
            data,
            gamma,
            beta,
            moving_mean,
            moving_var,
            eps=eps,
            momentum=momentum,
            fix_gamma=fix_gamma,
            use_global_stats=use_global_stats,
            output_mean_var=output_mean_var,
            axis=axis,
            cudnn_off=cudnn_off,
            min_calib_range=min_calib_range,
            max_calib_range=max_calib_range,
        ),
    )


def layer_norm(
    data=None,
    gamma=None,
    beta=None,
    axis=-1,
    eps=1e-5,
    output_mean_var=False,
    out=None,
    name=None,
    **kwargs,
):
    """Layer normalization along ``axis`` (MXNet's parameters)."""
    _no_extra("layer_norm", kwargs)
    return _into(
        out,
        _norm_ops.layer_norm(
            data, gamma, beta, axis=axis, eps=eps, output_mean_var=output_mean_var
        ),
    )


def embedding(
    data=None,
    weight=None,
    input_dim=None,
    output_dim=None,
    dtype="float32",
    sparse_grad=False,
    out=None,
    name=None,
    **kwargs,
):
    """Rows of ``weight`` picked by the indices in ``data`` (MXNet's parameters)."""
    _no_extra("embedding", kwargs)
    return _into(
        out,
        _embedding_ops.embedding(
            data,
            weight,
            input_dim=input_dim,
            output_dim=output_dim,
            dtype=dtype,
            sparse_grad=sparse_grad,
        ),
    )
