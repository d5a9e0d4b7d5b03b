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
from ..ops import reduce as _reduce
from ..ops import shape as _shape
from ..ops import unary as _unary
from ..ops._common import data as _data
from ..ops._common import result as _result
from ..ops._common import write_out as _write_out
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


def full(shape, fill_value, dtype=None, order="C", ctx=None, device=None, out=None):
    res = ndarray._wrap(_onp.full(shape, _data(fill_value), dtype=_dtype(dtype), order=order))
    return _write_out(res, out)


def zeros_like(a, dtype=None, ctx=None, device=None):
    return ndarray._wrap(_onp.zeros_like(_data(a), dtype=dtype))


def ones_like(a, dtype=None, ctx=None, device=None):
    return ndarray._wrap(_onp.ones_like(_data(a), dtype=dtype))


def full_like(a, fill_value, dtype=None, ctx=None, device=None):
    return ndarray._wrap(_onp.full_like(_data(a), fill_value, dtype=dtype))


def empty_like(a, dtype=None, ctx=None, device=None):
    return ndarray._wrap(_onp.empty_like(_data(a), dtype=dtype))


def arange(start, stop=None, step=1, dtype=None, ctx=None, device=None):
    return ndarray._wrap(_onp.arange(start, stop, step, dtype=_dtype(dtype)))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, ctx=None):
    values = _onp.linspace(start, stop, num, endpoint=endpoint, retstep=retstep,
                           dtype=_dtype(dtype), axis=axis)
    if retstep:
        return ndarray._wrap(values[0]), values[1]
    return ndarray._wrap(values)


def eye(N, M=None, k=0, dtype=None, ctx=None, device=None):
    return ndarray._wrap(_onp.eye(N, M, k, dtype=_dtype(dtype)))


def identity(n, dtype=None, ctx=None):
    return eye(n, dtype=dtype)


def meshgrid(*xi, **kwargs):
    return [ndarray._wrap(m) for m in _onp.meshgrid(*[_data(x) for x in xi], **kwargs)]


# -------------------------------------------------------------- arithmetic
add = _arith.add
subtract = _arith.subtract
multiply = _arith.multiply
divide = _arith.true_divide
true_divide = _arith.true_divide
power = _arith.power
maximum = _arith.maximum
minimum = _arith.minimum
mod = _arith.mod
remainder = _arith.mod
floor_divide = _arith.floor_divide
equal = _arith.equal
not_equal = _arith.not_equal
less = _arith.less
less_equal = _arith.less_equal
greater = _arith.greater
greater_equal = _arith.greater_equal
logical_and = _arith.logical_and
logical_or = _arith.logical_or
logical_xor = _arith.logical_xor

negative = _unary.negative
abs = _unary.absolute  # noqa: A001 - numpy name
absolute = _unary.absolute
exp = _unary.exp
expm1 = _unary.expm1
log = _unary.log
log1p = _unary.log1p
log2 = _unary.log2
log10 = _unary.log10
sqrt = _unary.sqrt
square = _unary.square
reciprocal = _unary.reciprocal
sin = _unary.sin
cos = _unary.cos
tan = _unary.tan
tanh = _unary.tanh
sinh = _unary.sinh
cosh = _unary.cosh
arctan = _unary.arctan
sign = _unary.sign
floor = _unary.floor
ceil = _unary.ceil
rint = _unary.rint
round = _unary.round_  # noqa: A001 - numpy name
around = _unary.round_
trunc = _unary.trunc
fix = _unary.trunc
logical_not = _unary.logical_not
isnan = _unary.isnan
isinf = _unary.isinf
isfinite = _unary.isfinite

# --------------------------------------------------------------- reductions
sum = _reduce.sum  # noqa: A001 - numpy name
mean = _reduce.mean
max = _reduce.max  # noqa: A001 - numpy name
min = _reduce.min  # noqa: A001 - numpy name
amax = _reduce.max
amin = _reduce.min
prod = _reduce.prod
var = _reduce.var
std = _reduce.std
argmax = _reduce.argmax
argmin = _reduce.argmin
any = _reduce.any  # noqa: A001 - numpy name
all = _reduce.all  # noqa: A001 - numpy name

# -------------------------------------------------------------------- shape
reshape = _shape.reshape
transpose = _shape.transpose
swapaxes = _shape.swapaxes
moveaxis = _shape.moveaxis
expand_dims = _shape.expand_dims
squeeze = _shape.squeeze
ravel = _shape.ravel
broadcast_to = _shape.broadcast_to
concatenate = _shape.concatenate
concat = _shape.concatenate
stack = _shape.stack
split = _shape.split
where = _shape.where
clip = _shape.clip
tile = _shape.tile
repeat = _shape.repeat
flip = _shape.flip
copy = _shape.copy

dot = _linalg.dot
matmul = _linalg.matmul
outer = _linalg.outer
inner = _linalg.inner


def shape(a):
    return _onp.shape(_data(a))


def size(a):
    return _onp.size(_data(a))


def ndim(a):
    return _onp.ndim(_data(a))


def vstack(arrays):
    return concatenate([_shape.reshape(a, (1, -1)) if _onp.ndim(_data(a)) == 1 else a
                        for a in arrays], axis=0)


def hstack(arrays):
    axis = 0 if _onp.ndim(_data(arrays[0])) == 1 else 1
    return concatenate(arrays, axis=axis)


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _onp.allclose(_data(a), _data(b), rtol=rtol, atol=atol, equal_nan=equal_nan)


def array_equal(a, b):
    return _onp.array_equal(_data(a), _data(b))


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
    {"copyto", "put", "place", "putmask", "put_along_axis", "fill_diagonal"})


def _written_arrays(name: str, args, kwargs) -> list:
    """The engine arrays a NumPy call writes into: ``out=`` and in-place functions' targets."""
    written = []
    out = kwargs.get("out")
    for target in (out if isinstance(out, tuple) else (out,)):
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
                for a in args):
            raise NotImplementedError(
                f"np.{name} has no gradient in the engine; compute it outside "
                f"autograd.record() or build it from differentiable ops")
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
