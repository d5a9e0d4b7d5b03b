"""Batch and layer normalization with hand-written backward (``npx.batch_norm``, ``layer_norm``).

Both keep the normalized input ``x̂`` from the forward pass, so backward is a
few fused reductions: ``dx = invstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂))`` with
``ĝ = dy · γ``, the means taken over the normalized axes.

Batch statistics follow MXNet: the variance is the biased one (divide by the
number of values), and the running statistics move as
``running = momentum · running + (1 − momentum) · batch``.
"""

from __future__ import annotations

import numpy as _onp

from .. import autograd
from ._common import attach, result, tape_entries
from ._common import data as _buffer


def _float_buffer(x):
    values = _buffer(x)
    if not isinstance(values, _onp.ndarray):
        values = _onp.asarray(values, dtype=_onp.float32)
    elif values.dtype.kind != "f":
        values = values.astype(_onp.float32)
    return values


def _check_vector(value, size: int, what: str, op: str, in_shape) -> _onp.ndarray:
    vector = _float_buffer(value)
    if vector.shape != (size,):
        raise ValueError(
            f"{op}: {what} has shape {vector.shape} but the input shape {in_shape} "
            f"has {size} entries along the normalized axis, so it must be "
            f"({size},)"
        )
    return vector


def _update_running(running, batch_value, momentum: float) -> None:
    """Move a running statistic toward the batch value in place (bumps its version)."""
    buffer = running._data
    buffer *= momentum
    buffer += (1.0 - momentum) * batch_value.astype(buffer.dtype, copy=False)
    running._bump()


def batch_norm(
    x,
    gamma,
    beta,
    running_mean,
    running_var,
    eps=1e-3,
    momentum=0.9,
    fix_gamma=True,
    use_global_stats=False,
    output_mean_var=False,
    axis=1,
    cudnn_off=False,
    min_calib_range=None,
    max_calib_range=None,
):
    """Batch normalization over every axis but ``axis`` (MXNet ``npx.batch_norm``).

    In training mode (``autograd.is_training()``) and without
    ``use_global_stats`` the batch's mean and biased variance normalize the
    input and ``running_mean``/``running_var`` are updated in place; otherwise
    the running statistics are used. ``fix_gamma=True`` treats ``gamma`` as 1
    (its gradient is 0). With ``output_mean_var`` the batch mean and variance
    are returned too (not differentiable).
    """
    xd = _float_buffer(x)
    if xd.ndim < 1:
        raise ValueError("BatchNorm needs an input with at least one axis")
    if not -xd.ndim <= axis < xd.ndim:
        raise ValueError(f"BatchNorm axis {axis} is out of range for input shape {xd.shape}")
    axis = axis % xd.ndim
    channels = xd.shape[axis]
    gd = _check_vector(gamma, channels, "gamma", "BatchNorm", xd.shape)
    bd = _check_vector(beta, channels, "beta", "BatchNorm", xd.shape)
    mean_d = _check_vector(running_mean, channels, "running_mean", "BatchNorm", xd.shape)
    var_d = _check_vector(running_var, channels, "running_var", "BatchNorm", xd.shape)
    reduce_axes = tuple(i for i in range(xd.ndim) if i != axis)
    bshape = tuple(channels if i == axis else 1 for i in range(xd.ndim))
    dtype = xd.dtype

    use_batch = autograd.is_training() and not use_global_stats
    if use_batch:
        mean = xd.mean(axis=reduce_axes, dtype=dtype)
        centered = xd - mean.reshape(bshape)
        var = _onp.mean(_onp.square(centered), axis=reduce_axes, dtype=dtype)
    else:
        mean, var = mean_d.astype(dtype, copy=False), var_d.astype(dtype, copy=False)
        centered = xd - mean.reshape(bshape)
    invstd = (1.0 / _onp.sqrt(var + dtype.type(eps))).astype(dtype, copy=False)
    x_hat = centered
    x_hat *= invstd.reshape(bshape)
    scale = _onp.ones(channels, dtype=dtype) if fix_gamma else gd.astype(dtype, copy=False)
    y = x_hat * scale.reshape(bshape)
    y += bd.reshape(bshape)
    out = result(y)

    def update_running_statistics():
        for running, batch_value in ((running_mean, mean), (running_var, var)):
            if hasattr(running, "_vc"):
                _update_running(running, batch_value, momentum)

    entries = tape_entries((x, gamma, beta))
    if use_batch and entries is None:
        update_running_statistics()
    if entries is not None:

        def backward(g):
            # MXNet 1.9.1 (its reference CPU kernel) moves the running statistics in
            # the backward pass of a recorded forward, so printing them between
            # forward and backward shows the old values; we follow it.
            if use_batch:
                update_running_statistics()
            gx = ggamma = gbeta = None
            if entries[0] is not None:
                g_hat = g * scale.reshape(bshape)
                if use_batch:
                    mean_g = g_hat.mean(axis=reduce_axes, keepdims=True)
                    mean_gx = (g_hat * x_hat).mean(axis=reduce_axes, keepdims=True)
                    gx = (g_hat - mean_g - x_hat * mean_gx) * invstd.reshape(bshape)
                else:
                    gx = g_hat * invstd.reshape(bshape)
            if entries[1] is not None:
                ggamma = (
                    _onp.zeros(channels, dtype=g.dtype)
                    if fix_gamma
                    else (g * x_hat).sum(axis=reduce_axes)
                )
            if entries[2] is not None:
                gbeta = g.sum(axis=reduce_axes)
            return gx, ggamma, gbeta

        attach(out, entries, backward, [a for a in (gamma,) if hasattr(a, "_vc")], "batch_norm")
    if output_mean_var:
        return out, result(mean.copy()), result(var.copy())
    return out


def layer_norm(data, gamma, beta, axis=-1, eps=1e-5, output_mean_var=False):
    """Normalize along ``axis``, then scale by ``gamma`` and shift by ``beta`` (npx.layer_norm)."""
    xd = _float_buffer(data)
    if not -xd.ndim <= axis < xd.ndim:
        raise ValueError(f"LayerNorm axis {axis} is out of range for input shape {xd.shape}")
    axis = axis % xd.ndim
    size = xd.shape[axis]
    gd = _check_vector(gamma, size, "gamma", "LayerNorm", xd.shape)
    bd = _check_vector(beta, size, "beta", "LayerNorm", xd.shape)
    bshape = tuple(size if i == axis else 1 for i in range(xd.ndim))
    other_axes = tuple(i for i in range(xd.ndim) if i != axis)
    dtype = xd.dtype

    mean = xd.mean(axis=axis, keepdims=True, dtype=dtype)
    x_hat = xd - mean
    var = _onp.mean(_onp.square(x_hat), axis=axis, keepdims=True, dtype=dtype)
    invstd = (1.0 / _onp.sqrt(var + dtype.type(eps))).astype(dtype, copy=False)
    x_hat *= invstd
    scale = gd.astype(dtype, copy=False).reshape(bshape)
    y = x_hat * scale
    y += bd.reshape(bshape)
    out = result(y)

    entries = tape_entries((data, gamma, beta))
    if entries is not None:

        def backward(g):
            gx = ggamma = gbeta = None
            if entries[0] is not None:
                g_hat = g * scale
                mean_g = g_hat.mean(axis=axis, keepdims=True)
                mean_gx = (g_hat * x_hat).mean(axis=axis, keepdims=True)
                gx = (g_hat - mean_g - x_hat * mean_gx) * invstd
            if entries[1] is not None:
                ggamma = (g * x_hat).sum(axis=other_axes)
            if entries[2] is not None:
                gbeta = g.sum(axis=other_axes)
            return gx, ggamma, gbeta

        attach(out, entries, backward, [a for a in (gamma,) if hasattr(a, "_vc")], "layer_norm")
    if output_mean_var:
        return out, result(mean.squeeze(axis)), result(_onp.sqrt(var + eps).squeeze(axis))
    return out
