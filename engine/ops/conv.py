"""2-D convolution and pooling with hand-written backward (MXNet ``npx.convolution``/``pooling``).

Convolution is im2col + one batched matmul per group: the input windows are
copied once into a ``(groups, Cg*kh*kw, N*Ho*Wo)`` matrix, which backward
reuses for the weight gradient. The input gradient is scattered back
(col2im) with one strided add per kernel position, never per pixel.

Pooling also walks the kernel positions (``kh*kw`` strided passes over the
whole batch): max pooling remembers which position won (ties: the first, as
MXNet and PyTorch do) and backward routes the gradient there.
"""

from __future__ import annotations

import numpy as _onp
from numpy.lib.stride_tricks import sliding_window_view

from ._common import attach, result, tape_entries
from ._common import data as _buffer
from .nn import _activate_inplace, _activation_grad

POOL_TYPES = ("max", "avg", "sum")


def _pair(value, name: str) -> tuple:
    if isinstance(value, (int, _onp.integer)):
        return (int(value), int(value))
    pair = tuple(int(v) for v in value)
    if len(pair) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints for 2-D data, got {value!r}")
    return pair


def _to_nchw(x, layout):
    return x if layout == "NCHW" else x.transpose(0, 3, 1, 2)


def _from_nchw(x, layout):
    return x if layout == "NCHW" else x.transpose(0, 2, 3, 1)


def _check_layout(layout, xd, op: str) -> str:
    layout = layout or "NCHW"
    if layout not in ("NCHW", "NHWC"):
        raise ValueError(f"{op} supports layout 'NCHW' or 'NHWC', got {layout!r}")
    if xd.ndim != 4:
        raise ValueError(f"{op} expects 4-D input ({layout}), got shape {xd.shape}")
    return layout


def _window_slice(start: int, count: int, step: int) -> slice:
    """Rows ``start, start+step, ...`` (``count`` of them) as a slice."""
    return slice(start, start + step * (count - 1) + 1, step)


# ------------------------------------------------------------------ convolution
def _conv_output_size(size, kernel, stride, pad, dilate, axis_name, in_shape, op="Convolution"):
    span = dilate * (kernel - 1) + 1
    if size + 2 * pad < span:
        raise ValueError(
            f"{op}: the kernel spans {span} {axis_name} positions (kernel {kernel}, dilation "
            f"{dilate}) but the padded input has only {size + 2 * pad} (input shape {in_shape}, "
            f"padding {pad}); use a smaller kernel or more padding"
        )
    return (size + 2 * pad - span) // stride + 1


def _pad_hw(x, ph, pw, value=0.0, extra_h=0, extra_w=0):
    if not (ph or pw or extra_h or extra_w):
        return x
    return _onp.pad(
        x, ((0, 0), (0, 0), (ph, ph + extra_h), (pw, pw + extra_w)), constant_values=value
    )


def _im2col(xp, kernel, stride, dilate, out_hw, groups):
    """Windows of padded ``xp`` (N, C, Hp, Wp) as a ``(G, Cg*kh*kw, N*Ho*Wo)`` matrix."""
    n, c = xp.shape[:2]
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilate, out_hw
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    windows = sliding_window_view(xp, span, axis=(2, 3))[:, :, ::sh, ::sw, ::dh, ::dw]
    windows = windows[:, :, :ho, :wo].reshape(n, groups, c // groups, ho, wo, kh, kw)
    cols = _onp.ascontiguousarray(windows.transpose(1, 2, 5, 6, 0, 3, 4))
    return cols.reshape(groups, (c // groups) * kh * kw, n * ho * wo)


def _col2im(gcols, xp_shape, kernel, stride, dilate, out_hw, groups, dtype):
    """Sum the window gradients ``(G, Cg, kh, kw, N, Ho, Wo)`` back onto the padded input."""
    n, c, hp, wp = xp_shape
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilate, out_hw
    # Accumulate in the windows' own axis order, so each add reads contiguous memory,
    # and reorder to (N, C, Hp, Wp) once at the end.
    gxp = _onp.zeros((groups, c // groups, n, hp, wp), dtype=dtype)
    for p in range(kh):
        rows = _window_slice(p * dh, ho, sh)
        for q in range(kw):
            gxp[:, :, :, rows, _window_slice(q * dw, wo, sw)] += gcols[:, :, p, q]
    return gxp.transpose(2, 0, 1, 3, 4).reshape(n, c, hp, wp)


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
    act_type=None,
):
    """2-D convolution ``act(conv(data, weight) + bias)`` (MXNet ``npx.convolution``).

    Parameters
    ----------
    data : ndarray
        ``(N, C, H, W)`` (``layout='NCHW'``) or ``(N, H, W, C)`` (``'NHWC'``).
    weight : ndarray
        ``(num_filter, C/num_group, kh, kw)``; ``(num_filter, kh, kw, C/num_group)`` for NHWC.
    bias : ndarray, optional
        ``(num_filter,)``; ignored when ``no_bias``.
    kernel, stride, dilate, pad : int or pair of ints
        ``kernel`` defaults to the weight's spatial size; stride and dilation to 1,
        padding (zeros on both sides) to 0.
    act_type : str, optional
        Activation fused into the same node (an engine extension used by Conv2D).
    """
    xd, wd = data_of(data), data_of(weight)
    layout = _check_layout(layout, xd, "Convolution")
    bd = None if (no_bias or bias is None) else data_of(bias)
    x = _to_nchw(xd, layout)
    w = wd if layout == "NCHW" else wd.transpose(0, 3, 1, 2)
    n, c, h, wdt = x.shape
    groups = int(num_group)
    if w.ndim != 4:
        raise ValueError(f"Convolution weight must be 4-D, got shape {wd.shape}")
    out_channels, cg, kh, kw = w.shape
    if kernel is not None and _pair(kernel, "kernel") != (kh, kw):
        raise ValueError(
            f"Convolution kernel {tuple(_pair(kernel, 'kernel'))} does not match "
            f"the weight shape {wd.shape}"
        )
    if num_filter is not None and int(num_filter) != out_channels:
        raise ValueError(
            f"Convolution num_filter={num_filter} does not match the weight shape {wd.shape}"
        )
    if c != cg * groups or out_channels % groups:
        raise ValueError(
            f"Convolution input has {c} channels (input shape {xd.shape}) but the weight "
            f"shape {wd.shape} with groups={groups} expects {cg * groups}"
        )
    if bd is not None and bd.shape != (out_channels,):
        raise ValueError(f"Convolution bias shape {bd.shape} does not match {out_channels} filters")
    sh, sw = _pair(stride if stride is not None else 1, "stride")
    dh, dw = _pair(dilate if dilate is not None else 1, "dilate")
    ph, pw = _pair(pad if pad is not None else 0, "pad")
    ho = _conv_output_size(h, kh, sh, ph, dh, "rows", xd.shape)
    wo = _conv_output_size(wdt, kw, sw, pw, dw, "columns", xd.shape)

    xp = _pad_hw(x, ph, pw)
    cols = _im2col(xp, (kh, kw), (sh, sw), (dh, dw), (ho, wo), groups)
    og = out_channels // groups
    w_mat = w.reshape(groups, og, cg * kh * kw)
    z = w_mat @ cols  # (G, Og, N*Ho*Wo)
    if bd is not None:
        z += bd.reshape(groups, og, 1)
    y = _onp.ascontiguousarray(z.reshape(groups, og, n, ho, wo).transpose(2, 0, 1, 3, 4)).reshape(
        n, out_channels, ho, wo
    )
    kept = _activate_inplace(y, act_type) if act_type else None
    out = result(_from_nchw(y, layout))

    inputs = (data, weight) if bd is None else (data, weight, bias)
    entries = tape_entries(inputs)
    if entries is not None:

        def backward(g):
            g = _to_nchw(g, layout)
            if act_type:
                g = _activation_grad(g, act_type, y, kept)
            g_mat = _onp.ascontiguousarray(
                g.reshape(n, groups, og, ho, wo).transpose(1, 2, 0, 3, 4)
            ).reshape(groups, og, n * ho * wo)
            gx = gw = gb = None
            if entries[0] is not None:
                gcols = (w_mat.transpose(0, 2, 1) @ g_mat).reshape(groups, cg, kh, kw, n, ho, wo)
                gxp = _col2im(
                    gcols, xp.shape, (kh, kw), (sh, sw), (dh, dw), (ho, wo), groups, gcols.dtype
                )
                gx = _from_nchw(gxp[:, :, ph : ph + h, pw : pw + wdt], layout)
            if entries[1] is not None:
                gw = (g_mat @ cols.transpose(0, 2, 1)).reshape(out_channels, cg, kh, kw)
                if layout != "NCHW":
                    gw = gw.transpose(0, 2, 3, 1)
            if bd is not None and entries[2] is not None:
                gb = g_mat.sum(axis=2).reshape(out_channels)
            return (gx, gw) if bd is None else (gx, gw, gb)

        attach(
            out,
            entries,
            backward,
            [a for a in (data, weight, out) if hasattr(a, "_vc")],
            "convolution",
        )
    return out


def data_of(x):
    """NumPy buffer of ``x``; non-float inputs become float32 (convolution needs floats)."""
    values = _buffer(x)
    if not isinstance(values, _onp.ndarray):
        values = _onp.asarray(values, dtype=_onp.float32)
    elif values.dtype.kind != "f":
        values = values.astype(_onp.float32)
    return values


# ---------------------------------------------------------------------- pooling
def _pool_output_size(size, kernel, stride, pad, convention, axis_name, in_shape):
    if size + 2 * pad < kernel:
        raise ValueError(
            f"Pooling: the window spans {kernel} {axis_name} positions but the padded input "
            f"has only {size + 2 * pad} (input shape {in_shape}, padding {pad}); use a smaller "
            f"pool_size or more padding"
        )
    span = size + 2 * pad - kernel
    if convention == "valid":
        return span // stride + 1
    out = -(-span // stride) + 1
    # Rounding up can add a window that starts past the input and its padding: MXNet
    # then emits -FLT_MAX (max) or divides by a non-positive count (avg). Drop that
    # window, as PyTorch's ceil_mode does.
    if (out - 1) * stride >= size + pad:
        out -= 1
    return out


def _window_counts(out_size, size, kernel, stride, pad, include_pad):
    """How many cells of each 1-D window lie inside the (padded, if included) input."""
    starts = _onp.arange(out_size) * stride - pad
    lo, hi = (-pad, size + pad) if include_pad else (0, size)
    return _onp.minimum(starts + kernel, hi) - _onp.maximum(starts, lo)


def pooling(
    data=None,
    kernel=None,
    stride=None,
    pad=None,
    pool_type="max",
    pooling_convention="valid",
    global_pool=False,
    cudnn_off=False,
    p_value=None,
    count_include_pad=None,
    layout=None,
):
    """Max, average or sum pooling over the spatial axes (MXNet ``npx.pooling``).

    ``pooling_convention='full'`` rounds the output size up (Gluon's
    ``ceil_mode=True``); ``count_include_pad`` (default True) counts padding
    cells in the average's divisor. ``global_pool`` pools each channel to 1×1.
    """
    xd = data_of(data)
    layout = _check_layout(layout, xd, "Pooling")
    if pool_type not in POOL_TYPES:
        raise ValueError(
            f"Pooling pool_type must be one of {', '.join(POOL_TYPES)}, got {pool_type!r}"
        )
    if pooling_convention not in ("valid", "full"):
        raise ValueError(
            f"pooling_convention must be 'valid' or 'full', got {pooling_convention!r}"
        )
    x = _to_nchw(xd, layout)
    if global_pool:
        return _global_pooling(data, x, pool_type, layout)
    if kernel is None:
        raise ValueError("Pooling needs a kernel size unless global_pool=True")
    n, c, h, w = x.shape
    kh, kw = _pair(kernel, "kernel")
    sh, sw = _pair(stride if stride is not None else 1, "stride")
    ph, pw = _pair(pad if pad is not None else 0, "pad")
    ho = _pool_output_size(h, kh, sh, ph, pooling_convention, "rows", xd.shape)
    wo = _pool_output_size(w, kw, sw, pw, pooling_convention, "columns", xd.shape)
    extra_h = max(0, (ho - 1) * sh + kh - (h + 2 * ph))
    extra_w = max(0, (wo - 1) * sw + kw - (w + 2 * pw))
    fill = -_onp.inf if pool_type == "max" else 0.0
    xp = _pad_hw(x, ph, pw, fill, extra_h, extra_w)
    slices = [
        (p, q, _window_slice(p, ho, sh), _window_slice(q, wo, sw))
        for p in range(kh)
        for q in range(kw)
    ]

    if pool_type == "max":
        y = xp[:, :, slices[0][2], slices[0][3]].copy()
        winner = _onp.zeros(y.shape, dtype=_onp.int32)
        for k, (_, _, rows, cols) in enumerate(slices[1:], start=1):
            candidate = xp[:, :, rows, cols]
            better = candidate > y  # strict: on ties the first position keeps the win
            _onp.copyto(y, candidate, where=better)
            winner[better] = k
        divisor = None
    else:
        y = _onp.zeros((n, c, ho, wo), dtype=x.dtype)
        for _, _, rows, cols in slices:
            y += xp[:, :, rows, cols]
        if pool_type == "avg":
            include = True if count_include_pad is None else bool(count_include_pad)
            divisor = (
                _window_counts(ho, h, kh, sh, ph, include)[:, None]
                * _window_counts(wo, w, kw, sw, pw, include)[None, :]
            ).astype(x.dtype)
            y /= _onp.maximum(divisor, 1)
        else:
            divisor = None
    out = result(_from_nchw(y, layout))

    entries = tape_entries((data,))
    if entries is not None:

        def backward(g):
            g = _to_nchw(g, layout)
            gxp = _onp.zeros(xp.shape, dtype=g.dtype)
            if pool_type == "max":
                for k, (_, _, rows, cols) in enumerate(slices):
                    gxp[:, :, rows, cols] += _onp.where(winner == k, g, 0)
            else:
                share = g / _onp.maximum(divisor, 1) if divisor is not None else g
                for _, _, rows, cols in slices:
                    gxp[:, :, rows, cols] += share
            return (_from_nchw(gxp[:, :, ph : ph + h, pw : pw + w], layout),)

        attach(out, entries, backward, (), f"pooling_{pool_type}")
    return out


def _global_pooling(data, x, pool_type, layout):
    n, c, h, w = x.shape
    if pool_type == "max":
        flat = x.reshape(n, c, h * w)
        winner = flat.argmax(axis=2)  # first maximum on ties
        y = _onp.take_along_axis(flat, winner[:, :, None], axis=2).reshape(n, c, 1, 1)
    elif pool_type == "avg":
        y = x.mean(axis=(2, 3), keepdims=True, dtype=x.dtype)
    else:
        y = x.sum(axis=(2, 3), keepdims=True, dtype=x.dtype)
    out = result(_from_nchw(_onp.ascontiguousarray(y), layout))
    entries = tape_entries((data,))
    if entries is not None:

        def backward(g):
            g = _to_nchw(g, layout)
            if pool_type == "max":
                gx = _onp.zeros((n, c, h * w), dtype=g.dtype)
                _onp.put_along_axis(gx, winner[:, :, None], g.reshape(n, c, 1), axis=2)
                gx = gx.reshape(n, c, h, w)
            else:
                scale = 1.0 / (h * w) if pool_type == "avg" else 1.0
                gx = _onp.broadcast_to(g * _onp.asarray(scale, g.dtype), (n, c, h, w)).copy()
            return (_from_nchw(gx, layout),)

        attach(out, entries, backward, (), f"global_pooling_{pool_type}")
    return out
