"""Ops that move values around without arithmetic: reshape, transpose,
indexing, joining, broadcasting. Basic indexing and reshapes return views that
share the version counter of their base, as NumPy views share memory.
"""

from __future__ import annotations

import numpy as _onp

from ._common import attach, data, ndarray, result, tape_entries, unbroadcast, write_out


def _view_result(x, value):
    if isinstance(x, ndarray):
        return x._view(value)
    return result(value)


def _normalize_shape(shape, args):
    if args:
        return (shape, *args)
    return shape


def reshape(x, newshape, *more, order="C"):
    xd = data(x)
    shape = _normalize_shape(newshape, more)
    try:
        value = xd.reshape(shape, order=order)
    except ValueError as err:
        raise ValueError(
            f"cannot reshape array of shape {xd.shape} (size {xd.size}) into shape {shape}"
        ) from err
    out = _view_result(x, value)
    entries = tape_entries((x,))
    if entries is not None:
        in_shape = xd.shape
        attach(out, entries, lambda g: (g.reshape(in_shape),), (), "reshape")
    return out


def transpose(x, axes=None, *more):
    xd = data(x)
    if more:
        axes = (axes, *more)
    value = _onp.transpose(xd, axes)
    out = _view_result(x, value)
    entries = tape_entries((x,))
    if entries is not None:
        inverse = None if axes is None else tuple(_onp.argsort(axes))
        attach(out, entries, lambda g: (_onp.transpose(g, inverse),), (), "transpose")
    return out


def swapaxes(x, axis1, axis2):
    axes = list(range(data(x).ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return transpose(x, tuple(axes))


def moveaxis(x, source, destination):
    order = _onp.moveaxis(_onp.arange(data(x).ndim), destination, source)
    return transpose(x, tuple(int(i) for i in order))


def expand_dims(x, axis):
    xd = data(x)
    return reshape(x, _onp.expand_dims(xd, axis).shape)


def squeeze(x, axis=None):
    xd = data(x)
    return reshape(x, _onp.squeeze(xd, axis).shape)


def ravel(x):
    return reshape(x, (-1,))


def broadcast_to(x, shape):
    xd = data(x)
    out = result(_onp.broadcast_to(xd, shape))
    entries = tape_entries((x,))
    if entries is not None:
        in_shape = xd.shape
        attach(out, entries, lambda g: (unbroadcast(g, in_shape),), (), "broadcast_to")
    return out


def _index_part(part):
    value = data(part)
    # MXNet makes float32 arrays by default and accepts them as integer indices.
    if isinstance(value, _onp.ndarray) and value.dtype.kind == "f":
        return value.astype(_onp.int64)
    return value


def _index_key(key):
    """Unwrap engine arrays inside an index (masks, integer arrays)."""
    if isinstance(key, tuple):
        return tuple(_index_part(k) for k in key)
    return _index_part(key)


def _is_basic(key) -> bool:
    parts = key if isinstance(key, tuple) else (key,)
    for part in parts:
        if part is None or part is Ellipsis or isinstance(part, (int, _onp.integer, slice)):
            continue
        return False
    return True


def getitem(x, key):
    xd = x._data
    key = _index_key(key)
    basic = _is_basic(key)
    value = xd[key]
    out = x._view(value) if basic and isinstance(value, _onp.ndarray) else result(value)
    entries = tape_entries((x,))
    if entries is not None:
        shape, dtype = xd.shape, xd.dtype

        def backward(g):
            full = _onp.zeros(shape, dtype=dtype)
            if basic:
                full[key] = g
            else:
                _onp.add.at(full, key, g)
            return (full,)

        attach(out, entries, backward, (), "getitem")
    return out


def setitem_recorded(x, key, value):
    """``x[key] = value`` as a new recorded value (the old one stays for backward)."""
    xd = x._data
    key = _index_key(key)
    vd = data(value)
    new = xd.copy()
    new[key] = vd
    out = result(new)
    entries = tape_entries((x, value))
    if entries is not None:
        v_shape = _onp.shape(vd)

        def backward(g):
            gx = None
            if entries[0] is not None:
                gx = g.copy()
                gx[key] = 0
            gv = None
            if entries[1] is not None:
                gv = unbroadcast(_onp.asarray(g[key]), v_shape)
            return gx, gv

        attach(out, entries, backward, (), "setitem")
    return out


def concatenate(arrays, axis=0, out=None):
    arrays = list(arrays)
    datas = [data(a) for a in arrays]
    res = result(_onp.concatenate(datas, axis=axis))
    entries = tape_entries(arrays)
    if entries is not None:
        bounds = _onp.cumsum([d.shape[axis] for d in datas])[:-1]

        def backward(g):
            return _onp.split(g, bounds, axis=axis)

        attach(res, entries, backward, (), "concatenate")
    return write_out(res, out)


def stack(arrays, axis=0, out=None):
    arrays = list(arrays)
    datas = [data(a) for a in arrays]
    res = result(_onp.stack(datas, axis=axis))
    entries = tape_entries(arrays)
    if entries is not None:
        count = len(datas)

        def backward(g):
            return [_onp.take(g, i, axis=axis) for i in range(count)]

        attach(res, entries, backward, (), "stack")
    return write_out(res, out)


def split(x, indices_or_sections, axis=0):
    xd = data(x)
    size = xd.shape[axis]
    if isinstance(indices_or_sections, int):
        step = size // indices_or_sections
        bounds = list(range(step, size, step))[: indices_or_sections - 1]
    else:
        bounds = list(indices_or_sections)
    starts = [0, *bounds]
    stops = [*bounds, size]
    pieces = []
    for start, stop in zip(starts, stops):
        index = [slice(None)] * xd.ndim
        index[axis] = slice(start, stop)
        pieces.append(
            getitem(x, tuple(index)) if isinstance(x, ndarray) else result(xd[tuple(index)])
        )
    return pieces


def where(condition, x, y):
    cd, xd, yd = data(condition), data(x), data(y)
    value = _onp.where(cd, xd, yd)
    if not isinstance(xd, _onp.ndarray) and not isinstance(yd, _onp.ndarray):
        value = value.astype(_onp.float32)  # Python scalars make float32, as in MXNet
    out = result(value)
    entries = tape_entries((x, y))
    if entries is not None:
        shape_x, shape_y = _onp.shape(xd), _onp.shape(yd)
        mask = _onp.asarray(cd, dtype=bool)

        def backward(g):
            gx = unbroadcast(_onp.where(mask, g, 0), shape_x) if entries[0] is not None else None
            gy = unbroadcast(_onp.where(mask, 0, g), shape_y) if entries[1] is not None else None
            return gx, gy

        attach(out, entries, backward, (), "where")
    return out


def clip(x, a_min, a_max):
    xd = data(x)
    out = result(_onp.clip(xd, a_min, a_max))
    entries = tape_entries((x,))
    if entries is not None:
        lo = -_onp.inf if a_min is None else a_min
        hi = _onp.inf if a_max is None else a_max
        inside = (xd >= lo) & (xd <= hi)
        attach(out, entries, lambda g: (g * inside,), (), "clip")
    return out


def tile(x, reps):
    xd = data(x)
    out = result(_onp.tile(xd, reps))
    entries = tape_entries((x,))
    if entries is not None:
        in_shape = xd.shape
        reps_t = (reps,) if isinstance(reps, int) else tuple(reps)
        ndim = max(len(in_shape), len(reps_t))
        padded_shape = (1,) * (ndim - len(in_shape)) + in_shape
        padded_reps = (1,) * (ndim - len(reps_t)) + reps_t

        def backward(g):
            split_shape = []
            for r, s in zip(padded_reps, padded_shape):
                split_shape += [r, s]
            g = g.reshape(split_shape).sum(axis=tuple(range(0, 2 * ndim, 2)))
            return (g.reshape(in_shape),)

        attach(out, entries, backward, (), "tile")
    return out


def repeat(x, repeats, axis=None):
    xd = data(x)
    out = result(_onp.repeat(xd, repeats, axis=axis))
    entries = tape_entries((x,))
    if entries is not None:
        in_shape = xd.shape

        def backward(g):
            if axis is None:
                return (g.reshape(-1, repeats).sum(axis=1).reshape(in_shape),)
            moved = _onp.moveaxis(g, axis, 0)
            moved = moved.reshape((in_shape[axis], repeats) + moved.shape[1:]).sum(axis=1)
            return (_onp.moveaxis(moved, 0, axis),)

        attach(out, entries, backward, (), "repeat")
    return out


def flip(x, axis=None):
    xd = data(x)
    out = result(_onp.flip(xd, axis))
    entries = tape_entries((x,))
    if entries is not None:
        attach(out, entries, lambda g: (_onp.flip(g, axis),), (), "flip")
    return out


def copy(x):
    xd = data(x)
    out = result(_onp.array(xd, copy=True))
    entries = tape_entries((x,))
    if entries is not None:
        attach(out, entries, lambda g: (g,), (), "copy")
    return out


def astype(x, dtype, copy=True):
    xd = data(x)
    target = _onp.dtype(dtype)
    if target == xd.dtype and not copy:
        return x
    out = result(xd.astype(target))
    entries = tape_entries((x,))
    if entries is not None and target.kind == "f":
        src = xd.dtype
        attach(out, entries, lambda g: (g.astype(src),), (), "astype")
    return out
