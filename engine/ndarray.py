"""``engine.np.ndarray``: the engine's array type around a NumPy buffer.

Every write to an array goes through this type, so it keeps an exact change
count (:class:`VersionCounter`, shared by an array and its views). Parameters
report that count as ``Parameter.version`` and autograd uses it to refuse
gradients computed from values that were overwritten after use.

``__array__`` hands NumPy and pyqtgraph the buffer without a copy.
"""

from __future__ import annotations

import numpy as _onp

from . import autograd as _ag

__all__ = ["ndarray", "VersionCounter", "wrap", "data_of"]

DEFAULT_DTYPE = _onp.float32

# NumPy >= 2.2 appends ", shape=(...)" to summarised reprs; MXNet (on NumPy 1.x) does not.
_REPR_OPTIONS = (
    {"legacy": "2.1"} if tuple(int(p) for p in _onp.__version__.split(".")[:2]) >= (2, 2) else {}
)


class VersionCounter:
    """Counts writes to one storage; shared by an array and its views.

    Only ``ndarray._bump`` moves a counter; ``start`` lets an array that takes
    over a new storage (a recorded in-place op) continue its old count.
    """

    __slots__ = ("value",)

    def __init__(self, start: int = 0) -> None:
        self.value = start


class ndarray:  # noqa: N801 - the name users know from mxnet.numpy.ndarray
    """An n-dimensional array that records ops for autograd.

    Attributes of note: ``shape``, ``dtype``, ``grad`` (after ``attach_grad``),
    ``asnumpy()``.
    """

    __slots__ = ("_data", "_vc", "_node", "_grad", "_grad_req", "_fresh_grad", "__weakref__")
    __array_priority__ = 1000.0

    def __init__(self, data=None, dtype=None, copy: bool = True) -> None:
        if data is None:
            data = []
        source = data._data if isinstance(data, ndarray) else data
        if dtype is None and not isinstance(source, _onp.ndarray):
            dtype = _default_dtype_for(source)
        self._data = _onp.array(source, dtype=dtype, copy=copy)
        self._vc = VersionCounter()
        self._node = None
        self._grad = None
        self._grad_req = "null"
        self._fresh_grad = False

    # ----------------------------------------------------------------- basics
    @property
    def shape(self) -> tuple:
        return self._data.shape

    @property
    def dtype(self):
        """A NumPy ``dtype`` (prints ``float32``), as ``mxnet.numpy.ndarray.dtype`` does."""
        return self._data.dtype

    @property
    def size(self) -> int:
        return self._data.size

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def itemsize(self) -> int:
        return self._data.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.nbytes

    @property
    def ctx(self):
        from .context import cpu

        return cpu()

    context = ctx
    device = ctx

    @property
    def version(self) -> int:
        """Number of writes to this array's storage so far."""
        return self._vc.value

    def asnumpy(self) -> _onp.ndarray:
        """A NumPy copy of the values."""
        return self._data.copy()

    def asnumpy_view(self) -> _onp.ndarray:
        """The NumPy buffer itself (read-only use: writes bypass change tracking)."""
        return self._data

    def __array__(self, dtype=None, copy=None):
        if dtype is not None and _onp.dtype(dtype) != self._data.dtype:
            return self._data.astype(dtype)
        if copy:
            return self._data.copy()
        return self._data

    def item(self, *args):
        return self._data.item(*args)

    def tolist(self):
        return self._data.tolist()

    def wait_to_read(self) -> None:
        """No-op: the engine computes eagerly (kept for MXNet scripts)."""

    def as_np_ndarray(self):
        return self

    def as_nd_ndarray(self):
        return self

    def as_in_context(self, context):
        return self

    as_in_ctx = as_in_context
    to_device = as_in_context

    def copyto(self, other):
        if isinstance(other, ndarray):
            other[...] = self
            return other
        return self.copy()

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of unsized object")
        return self._data.shape[0]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __bool__(self) -> bool:
        return bool(self._data)

    def __float__(self) -> float:
        return float(self._data)

    def __int__(self) -> int:
        return int(self._data)

    def __index__(self) -> int:
        return self._data.__index__()

    # Arrays hash by identity (their == is element-wise). object's own hash is that, in C:
    # backward keys its leaves by array, several lookups per parameter per step.
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        with _onp.printoptions(**_REPR_OPTIONS):
            text = repr(self._data)
        if self._data.dtype == _onp.float32 and "dtype=" in text:
            text = text[: text.rindex(",")] + ")"
        elif self._data.dtype not in (_onp.float32, _onp.bool_) and "dtype=" not in text:
            text = text[:-1] + f", dtype={self._data.dtype})"
        return text

    def __str__(self) -> str:
        return str(self._data)

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        return format(str(self), spec)

    def __reduce__(self):
        return (ndarray, (self._data,))

    # --------------------------------------------------------------- autograd
    def attach_grad(self, grad_req: str = "write", stype=None) -> None:
        """Allocate a gradient buffer and make this array a leaf of the graph."""
        if grad_req not in ("write", "add", "null"):
            raise ValueError(f"grad_req must be 'write', 'add' or 'null', got {grad_req!r}")
        self._grad = ndarray._wrap(_onp.zeros_like(self._data))
        self._grad_req = grad_req
        self._node = None

    @property
    def grad(self):
        """The gradient buffer attached by ``attach_grad`` (``None`` before)."""
        return self._grad

    def backward(self, out_grad=None, retain_graph: bool = False, train_mode: bool = True):
        """Compute gradients of this array with respect to the tracked leaves."""
        _ag.backward_of(self, out_grad, retain_graph, train_mode)

    def detach(self):
        """The same values and storage, cut from the graph."""
        out = ndarray._wrap(self._data, self._vc)
        return out

    def _receive_grad(self, g, unshared: bool = False) -> None:
        """Store the gradient ``g`` computed by backward (per ``grad_req``).

        ``unshared`` says nobody else references ``g``; a fresh, owned buffer of
        the right shape and dtype is then adopted instead of copied, which saves
        one pass over every weight per training step. A gradient buffer that is
        a view (packed by the optimizer, ``engine/optimizer/packing.py``) is
        always written in place.
        """
        grad = self._grad
        current = grad._data
        if self._grad_req == "add":
            current += g
        elif (
            unshared
            and current.base is None
            and type(g) is _onp.ndarray
            and g.base is None
            and g.shape == current.shape
            and g.dtype == current.dtype
            and g.flags.c_contiguous
            and g.flags.writeable
        ):
            grad._data = g
        else:
            current[...] = g
        grad._bump()
        self._fresh_grad = True

    # ---------------------------------------------------------- construction
    @staticmethod
    def _wrap(data, vc: VersionCounter | None = None) -> ndarray:
        """Wrap a NumPy array without copying (the engine's internal constructor)."""
        out = object.__new__(ndarray)
        out._data = data if type(data) is _onp.ndarray else _onp.asarray(data)
        out._vc = VersionCounter() if vc is None else vc
        out._node = None
        out._grad = None
        out._grad_req = "null"
        out._fresh_grad = False
        return out

    def _bump(self) -> None:
        """Record one write to this array's storage: the one place a version moves.

        Every engine write path calls it (operators, ``__setitem__``, ``fill``,
        optimizers, ``Parameter.set_data``/``initialize``/load, ``np.copyto``
        and ``out=``). Writes made with NumPy through ``asnumpy_view()`` or
        ``__array__`` bypass it and cannot be seen.
        """
        self._vc.value += 1

    def _take_recorded(self, value: ndarray) -> None:
        """Hold the recorded result ``value`` from now on (a recorded in-place op).

        Inside ``autograd.record()``, ``x /= 2`` and ``x[:] = y`` compute a new
        storage and make ``x`` (the same Python object) hold it, so the old
        storage stays intact for the ops that read it (MXNet's semantics). The
        old storage keeps its counter, so those ops' saved-version checks still
        pass; the new storage gets a counter that continues this array's count
        plus one, so ``version`` (and ``Parameter.version``) never goes back.
        """
        if value._data.dtype != self._data.dtype:
            value._data = value._data.astype(self._data.dtype)
        fresh = value._vc
        counter = VersionCounter(self._vc.value)
        node = value._node
        if node is not None and node.saved:
            # The op may have saved its own result (power, exp): re-point that check.
            node.saved = tuple(
                (counter, counter.value + 1) if c is fresh else (c, v) for c, v in node.saved
            )
        self._data = value._data
        self._vc = value._vc = counter
        self._node = node
        self._bump()

    def _view(self, data) -> ndarray:
        """Wrap ``data``; share the version counter when it views this storage."""
        if data.base is not None and _onp.may_share_memory(data, self._data):
            return ndarray._wrap(data, self._vc)
        return ndarray._wrap(data)


_ag._array_type = ndarray


def _default_dtype_for(obj):
    """MXNet numpy makes float32 from any Python value (numbers, bools, lists).

    NumPy arrays and scalars keep their dtype.
    """
    if isinstance(obj, (_onp.ndarray, _onp.generic)):
        return obj.dtype
    flat = obj
    while isinstance(flat, (list, tuple)) and flat:
        flat = flat[0]
    if isinstance(flat, ndarray):
        return flat._data.dtype
    if isinstance(flat, _onp.ndarray):
        return flat.dtype
    return DEFAULT_DTYPE


def wrap(data) -> ndarray:
    """Wrap a NumPy result (scalars become 0-d arrays) without copying."""
    return ndarray._wrap(data)


def data_of(x):
    """The NumPy buffer of an engine array, or ``x`` itself."""
    return x._data if isinstance(x, ndarray) else x


# Operators and methods are defined next to their backward in engine/ops and
# attached here, so this file stays about the array's storage and identity.
from .ops import install as _install_ops  # noqa: E402

_install_ops(ndarray)
