"""``engine.np``: the NumPy-like namespace (MXNet's ``mxnet.np``).

Creation functions default to float32, as MXNet's do with ``npx.set_np()``.
Differentiable functions come from ``engine.ops``; any other NumPy function is
reached through ``__getattr__`` and computed on the values, without gradient.
"""

from __future__ import annotations

import numpy as _onp

from .. import autograd as _ag
from ..ndarray import DEFAULT_DTYPE, ndarray
from ..ops import arithmetic as _arith
from ..ops import linalg as _linalg
from ..ops import shape as _shape
from ..ops._common import data as _data
from ..ops._common import result as _result
from ..ops._common import write_out as _write_out
from . import _mxnet_signatures as _mx
from . import linalg, random  # noqa: F401 - np.linalg, np.random

float16 = _onp.float16
float32 = _onp.float32
float64 = _onp.float64
int8 = _onp.int8
int16 = _onp.int16
int32 = _onp.int32
int64 = _onp.int64
uint8 = _onp.uint8
bool_ = _onp.bool_
bool = _onp.bool_  # noqa: A001 - mxnet.np exports it under this name
dtype = _onp.dtype
pi = _onp.pi
e = _onp.e
inf = _onp.inf
nan = _onp.nan
newaxis = None


def _dtype(dtype, default=DEFAULT_DTYPE):
    return default if dtype is None else dtype


# ------------------------------------------------------------------ creation
def array(object, dtype=None, ctx=None, device=None, copy=True):  # noqa: A002 - numpy name
    """A new array holding a copy of ``object`` (lists of numbers become float32)."""
    return ndarray(object, dtype=dtype, copy=True)


def asarray(obj, dtype=None, ctx=None, device=None):
    if isinstance(obj, ndarray) and (dtype is None or _onp.dtype(dtype) == obj._data.dtype):
        return obj
    return ndarray(obj, dtype=dtype)


def zeros(shape, dtype=None, order="C", ctx=None, device=None):
    return ndarray._wrap(_onp.zeros(shape, dtype=_dtype(dtype), order=order))


def ones(shape, dtype=None, order="C", ctx=None, device=None):
    return ndarray._wrap(_onp.ones(shape, dtype=_dtype(dtype), order=order))


def empty(shape, dtype=None, order="C", ctx=None, device=None):
    return ndarray._wrap(_onp.empty(shape, dtype=_dtype(dtype), order=order))


def full(shape, fill_value, dtype=None, order="C", ctx=None, out=None, device=None):
    res = ndarray._wrap(_onp.full(shape, _data(fill_value), dtype=_dtype(dtype), order=order))
    return _write_out(res, out)


def _into(out, value):
    if out is None:
        return value
    out[...] = value
    return out


def zeros_like(a, dtype=None, order="C", ctx=None, out=None):
    return _into(out, ndarray._wrap(_onp.zeros_like(_data(a), dtype=dtype, order=order)))


def ones_like(a, dtype=None, order="C", ctx=None, out=None):
    return _into(out, ndarray._wrap(_onp.ones_like(_data(a), dtype=dtype, order=order)))


def full_like(a, fill_value, dtype=None, order="C", ctx=None, out=None):
    values = _onp.full_like(_data(a), _data(fill_value), dtype=dtype, order=order)
    return _into(out, ndarray._wrap(values))


def empty_like(prototype, dtype=None, order="C", subok=False, shape=None):
    return ndarray._wrap(_onp.empty_like(_data(prototype), dtype=dtype, order=order, shape=shape))


def arange(start, stop=None, step=1, dtype=None, ctx=None, device=None):
    return ndarray._wrap(_onp.arange(start, stop, step, dtype=_dtype(dtype)))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, ctx=None):
    values = _onp.linspace(
        start, stop, num, endpoint=endpoint, retstep=retstep, dtype=_dtype(dtype), axis=axis
    )
    if retstep:
        return ndarray._wrap(values[0]), values[1]
    return ndarray._wrap(values)


def eye(N, M=None, k=0, dtype=None, ctx=None, device=None):
    return ndarray._wrap(_onp.eye(N, M, k, dtype=_dtype(dtype)))


def identity(n, dtype=None, ctx=None):
    return eye(n, dtype=dtype)


def meshgrid(*xi, **kwargs):
    return [ndarray._wrap(m) for m in _onp.meshgrid(*[_data(x) for x in xi], **kwargs)]


# ------------------------------------------------------------------ operators
# Under MXNet 1.9.1's signatures (argument names, order, ``out=``, ``decimals``).
globals().update(_mx.UNARY)
globals().update(_mx.BINARY)
globals().update(_mx.COMPARISONS)
floor_divide = _arith.floor_divide
logical_and = _arith.logical_and
logical_or = _arith.logical_or
logical_xor = _arith.logical_xor
round = _mx.round  # noqa: A001 - numpy name
around = _mx.around

# --------------------------------------------------------------- reductions
sum = _mx.sum  # noqa: A001 - numpy name
mean = _mx.mean
max = _mx.max  # noqa: A001 - numpy name
min = _mx.min  # noqa: A001 - numpy name
amax = _mx.amax
amin = _mx.amin
prod = _mx.prod
var = _mx.var
std = _mx.std
argmax = _mx.argmax
argmin = _mx.argmin
any = _mx.any  # noqa: A001 - numpy name
all = _mx.all  # noqa: A001 - numpy name

# -------------------------------------------------------------------- shape
reshape = _mx.reshape
transpose = _mx.transpose
swapaxes = _mx.swapaxes
moveaxis = _mx.moveaxis
expand_dims = _mx.expand_dims
squeeze = _mx.squeeze
ravel = _mx.ravel
broadcast_to = _mx.broadcast_to
concatenate = _mx.concatenate
concat = _mx.concatenate
stack = _shape.stack
split = _mx.split
where = _mx.where
clip = _mx.clip
tile = _mx.tile
repeat = _mx.repeat
flip = _mx.flip
copy = _mx.copy

dot = _mx.dot
matmul = _mx.matmul
outer = _linalg.outer
inner = _linalg.inner
vstack = _mx.vstack
size = _mx.size
array_equal = _mx.array_equal


def shape(a):
    return _onp.shape(_data(a))


def ndim(a):
    return _onp.ndim(_data(a))


def hstack(arrays):
    axis = 0 if _onp.ndim(_data(arrays[0])) == 1 else 1
    return concatenate(arrays, axis=axis)


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _onp.allclose(_data(a), _data(b), rtol=rtol, atol=atol, equal_nan=equal_nan)


def _unwrap_args(value):
    if isinstance(value, ndarray):
        return value._data
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap_args(v) for v in value)
    return value


def _wrap_results(value):
    if isinstance(value, (_onp.ndarray, _onp.generic)):
        return _result(value)
    if isinstance(value, tuple):
        return tuple(_wrap_results(v) for v in value)
    if isinstance(value, list):
        return [_wrap_results(v) for v in value]
    return value


# NumPy functions that write into their first argument instead of returning a result.
_WRITES_FIRST_ARGUMENT = frozenset(
    {"copyto", "put", "place", "putmask", "put_along_axis", "fill_diagonal"}
)


def _written_arrays(name: str, args, kwargs) -> list:
    """The engine arrays a NumPy call writes into: ``out=`` and in-place functions' targets."""
    written = []
    out = kwargs.get("out")
    for target in out if isinstance(out, tuple) else (out,):
        if isinstance(target, ndarray):
            written.append(target)
    if name in _WRITES_FIRST_ARGUMENT:
        target = args[0] if args else kwargs.get("dst", kwargs.get("a", kwargs.get("arr")))
        if isinstance(target, ndarray):
            written.append(target)
    return written


def __getattr__(name: str):
    """Any other NumPy function: computed on values, results wrapped, no gradient.

    An engine array given as ``out=``, or as the target of ``copyto``, ``put``,
    ``place``, ``putmask``, ``put_along_axis`` or ``fill_diagonal``, is written
    in place and its version moves (``Parameter.version`` sees it). Writes made
    with plain NumPy on ``asnumpy_view()`` bypass the engine and are not seen.
    """
    target = getattr(_onp, name, None)
    if target is None or not callable(target) or name.startswith("_"):
        raise AttributeError(f"module 'engine.np' has no attribute {name!r}")

    def numpy_function(*args, **kwargs):
        if _ag.is_recording() and any(
            getattr(a, "_node", None) is not None or getattr(a, "_grad", None) is not None
            for a in args
        ):
            raise NotImplementedError(
                f"np.{name} has no gradient in the engine; compute it outside "
                f"autograd.record() or build it from differentiable ops"
            )
        written = _written_arrays(name, args, kwargs)
        values = target(*_unwrap_args(args), **{k: _unwrap_args(v) for k, v in kwargs.items()})
        for array in written:
            array._bump()
        if written and isinstance(kwargs.get("out"), ndarray) and values is kwargs["out"]._data:
            return kwargs["out"]
        return _wrap_results(values)

    numpy_function.__name__ = name
    numpy_function.__doc__ = f"NumPy's ``{name}`` on engine arrays (no gradient)."
    return numpy_function
