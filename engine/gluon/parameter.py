"""Gluon ``Parameter`` and ``Constant`` (MXNet 1.x semantics).

A Parameter owns one engine array for its data and one for its gradient.
``data()`` returns the stored array itself, so ``data()[:] += 1`` changes the
parameter. ``version`` counts every write to the data (``set_data``,
``initialize``, in-place writes through ``data()``, optimizer updates,
loading); views poll it to redraw only what changed.
"""

from __future__ import annotations

import warnings
import weakref
from numbers import Integral

import numpy as _onp

from .. import autograd
from .. import initializer as _init
from ..ndarray import ndarray
from .change_tracking import structure_changed

_REAL_KINDS = "biuf"

__all__ = ["Parameter", "Constant", "DeferredInitializationError"]


class DeferredInitializationError(Exception):
    """Parameter data was requested before its deferred initialization ran."""


def _shape_is_known(shape) -> bool:
    return shape is not None and all(d > 0 for d in shape)


def _indent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


def _dtype_name(dtype) -> str:
    return str(dtype)


def _checked_shape(shape):
    """``shape`` as a tuple of ints ≥ -1 (0 and -1: unknown yet), else a clear error.

    MXNet accepts ``Dense(-5)`` and fails at ``initialize``; the engine refuses
    when the parameter is made, with MXNet's message.
    """
    if shape is None:
        return None
    if isinstance(shape, Integral):
        shape = (shape,)
    shape = tuple(shape)
    for dim in shape:
        if not isinstance(dim, Integral) or isinstance(dim, bool):
            raise TypeError(f"shape dimensions must be integers, got {dim!r} in {shape}")
        if dim < -1:
            raise AssertionError(
                f"shape dimension size cannot be less than -1, while received {dim}"
            )
    return tuple(int(d) for d in shape)


def _checked_dtype(dtype, name: str):
    """``dtype`` unchanged if it is a real number type (bool, int, float), else an error."""
    try:
        kind = _onp.dtype(dtype).kind
    except TypeError:
        raise TypeError(f"Parameter '{name}': {dtype!r} is not a dtype") from None
    if kind not in _REAL_KINDS:
        raise TypeError(
            f"Parameter '{name}' cannot hold {_onp.dtype(dtype)} values: "
            f"parameters hold real numbers (float, int or bool)"
        )
    return dtype


def _real_values(data, name: str) -> _onp.ndarray:
    """NumPy values of ``data`` for a parameter, refusing complex, object and text arrays."""
    values = data._data if isinstance(data, ndarray) else _onp.asarray(data)
    if values.dtype.kind not in _REAL_KINDS:
        raise ValueError(
            f"Cannot set Parameter '{name}' from {values.dtype} values: a parameter holds "
            f"real numbers (complex, object and text arrays are refused)"
        )
    return values


class Parameter:
    """A weight of a Block, with its gradient and how to initialize it.

    Parameters
    ----------
    name : str
        Full name, e.g. ``dense0_weight``.
    grad_req : {'write', 'add', 'null'}
    shape : tuple of int, optional
        ``0`` or ``-1`` mark dimensions unknown until the first forward pass.
    init : Initializer or str, optional
        This parameter's own initializer; it wins over ``Block.initialize``'s.
    """

    def __init__(
        self,
        name,
        grad_req="write",
        shape=None,
        dtype=_onp.float32,
        lr_mult=1.0,
        wd_mult=1.0,
        init=None,
        allow_deferred_init=False,
        differentiable=True,
        stype="default",
        grad_stype="default",
    ):
        self._data: ndarray | None = None
        self._grad: ndarray | None = None
        self._deferred_init = ()
        self._differentiable = differentiable
        self._allow_deferred_init = allow_deferred_init
        self._grad_req = None
        self._shape = _checked_shape(shape)
        self.name = name
        self._dtype = _checked_dtype(dtype, name)
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.grad_req = grad_req
        self.init = init
        self._stype = stype
        self._grad_stype = grad_stype
        self._version_offset = 0
        self._trainer = None
        # Blocks that registered this parameter as an attribute: their trees'
        # structure_version moves when its deferred shape becomes known.
        self._owners = weakref.WeakSet()
        # The Initializer that produced the current values (None after set_data/load);
        # the explorer draws its theoretical spread over the histogram.
        self.last_initializer = None
        # ``version`` right after the last initializer ran (None: never ran one).
        self._version_at_init = None

    def __getstate__(self) -> dict:
        # The owning blocks re-register themselves when they are copied or unpickled.
        state = self.__dict__.copy()
        state.pop("_owners", None)
        return state

    def __setstate__(self, state) -> None:
        self.__dict__.update(state)
        self._owners = weakref.WeakSet()

    def __repr__(self) -> str:
        return f"Parameter {self.name} (shape={self.shape}, dtype={_dtype_name(self.dtype)})"

    # --------------------------------------------------------------- attributes
    @property
    def grad_req(self) -> str:
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req: str) -> None:
        if req not in ("write", "add", "null"):
            raise AssertionError(
                f"grad_req must be one of 'write', 'add', or 'null', but got '{req}'"
            )
        if not self._differentiable:
            req = "null"
        if self._grad_req == req:
            return
        self._grad_req = req
        if req == "null" and self._grad is not None:
            self._grad = None
            if self._data is not None:
                self._data._grad = None
                self._data._grad_req = "null"
        elif self._data is not None:
            self._init_grad()

    @property
    def dtype(self):
        return self._dtype

    @dtype.setter
    def dtype(self, dtype) -> None:
        self.cast(dtype)

    @property
    def shape(self):
        """The shape, with ``-1`` for dimensions not known yet (NumPy semantics)."""
        if self._shape is None:
            return None
        return tuple(i if i != 0 else -1 for i in self._shape)

    @shape.setter
    def shape(self, new_shape) -> None:
        new_shape = _checked_shape(new_shape)
        if self._shape is None:
            self._shape = new_shape
            return
        if not (
            len(self._shape) == len(new_shape)
            and all(j in (-1, 0, i) for i, j in zip(new_shape, self._shape))
        ):
            raise AssertionError(
                f"Expected shape {new_shape} is incompatible with given shape {self.shape}."
            )
        if new_shape != self._shape:
            known_before = _shape_is_known(self._shape)
            self._shape = new_shape
            if not known_before:
                self._structure_changed()

    def _structure_changed(self) -> None:
        """Tell the trees holding this parameter that its (deferred) shape changed."""
        for block in list(self._owners):
            structure_changed(block)

    @property
    def stype(self) -> str:
        return self._stype

    @property
    def version(self) -> int:
        """How many times the data was written; unchanged by reads and forward passes."""
        if self._data is None:
            return self._version_offset
        return self._version_offset + self._data._vc.value

    @property
    def grad_version(self) -> int:
        """How many times the gradient was written (backward, ``zero_grad``)."""
        return -1 if self._grad is None else self._grad._vc.value

    @property
    def edited_since_init(self) -> bool:
        """Whether the data was written after the last ``initialize`` ran an initializer.

        True after ``data()[:] += 1``, ``set_data``, an optimizer step or a load
        that followed the initializer (the explorer says "initialized by
        Xavier(), then edited"); False before any initializer ran and right
        after one did. Raw NumPy writes through ``asnumpy_view()`` are not seen.
        """
        return self._version_at_init is not None and self.version != self._version_at_init

    @property
    def is_initialized(self) -> bool:
        """Whether the data exists (False while deferred)."""
        return self._data is not None

    @property
    def is_deferred(self) -> bool:
        """Whether initialization waits for the first forward pass to know the shape."""
        return self._data is None and bool(self._deferred_init)

    # ------------------------------------------------------------------- access
    def _check_and_get(self, arr):
        if arr is not None:
            return arr
        if self._deferred_init:
            raise DeferredInitializationError(
                f"Parameter '{self.name}' has not been initialized yet because initialization "
                f"was deferred. Actual initialization happens during the first forward pass. "
                f"Please pass one batch of data through the network before accessing "
                f"Parameters. You can also avoid deferred initialization by specifying "
                f"in_units, num_features, etc., for network layers."
            )
        raise RuntimeError(
            f"Parameter '{self.name}' has not been initialized. Note that you should "
            f"initialize parameters and create Trainer with Block.collect_params() instead "
            f"of Block.params because the later does not include Parameters of nested child "
            f"Blocks"
        )

    def data(self, ctx=None) -> ndarray:
        """The stored array itself (writes to it change the parameter)."""
        data = self._data
        return data if data is not None else self._check_and_get(None)

    def list_data(self) -> list:
        return [self._check_and_get(self._data)]

    def grad(self, ctx=None) -> ndarray:
        if self._data is not None and self._grad is None:
            raise RuntimeError(
                f"Cannot get gradient array for Parameter '{self.name}' because grad_req='null'"
            )
        return self._check_and_get(self._grad)

    def list_grad(self) -> list:
        return [self.grad()]

    def list_ctx(self) -> list:
        from ..context import cpu

        if self._data is None and not self._deferred_init:
            raise RuntimeError(f"Parameter '{self.name}' has not been initialized")
        return [cpu()]

    def reset_ctx(self, ctx) -> None:
        """No-op: the engine has one device."""

    def zero_grad(self) -> None:
        if self._grad is None:
            return
        self._grad._data[...] = 0
        self._grad._bump()

    # ---------------------------------------------------------- initialization
    def initialize(self, init=None, ctx=None, default_init=None, force_reinit=False) -> None:
        """Initialize now, or at the first forward pass if the shape is not known yet.

        Precedence: ``init`` argument, then this parameter's own ``init``,
        then ``default_init`` (``Uniform()`` unless given).
        """
        if default_init is None:
            default_init = _init.Uniform()
        if self._data is not None and not force_reinit:
            warnings.warn(
                f"Parameter '{self.name}' is already initialized, ignoring. Set "
                f"force_reinit=True to re-initialize.",
                stacklevel=2,
            )
            return
        if init is None:
            init = default_init if self.init is None else self.init
        # Resolve names now so a typo fails here, with nothing changed.
        _init.create(default_init)
        _init.create(init)
        if not _shape_is_known(self._shape):
            if self._allow_deferred_init:
                self._deferred_init = (init, ctx, default_init, None)
                return
            raise ValueError(
                f"Cannot initialize Parameter '{self.name}' because it has invalid shape: "
                f"{self.shape}."
            )
        self._deferred_init = (init, ctx, default_init, None)
        self._finish_deferred_init()

    def _finish_deferred_init(self) -> None:
        """Run the remembered initialization now that the shape is known."""
        if not self._deferred_init:
            return
        init, _ctx, default_init, data = self._deferred_init
        if not _shape_is_known(self._shape):
            raise RuntimeError(
                f"Cannot initialize Parameter '{self.name}' because it has invalid shape: "
                f"{self.shape}. Please specify in_units, in_channels, etc for `Block`s."
            )
        with autograd.pause():
            if data is None:
                self._run_initializer(init, default_init)
            else:
                self.last_initializer = None
                self._init_impl(data)
        self._version_at_init = self.version if self.last_initializer is not None else None
        self._deferred_init = ()

    def _run_initializer(self, init, default_init) -> None:
        """Fill the data with ``init`` (through ``default_init``'s dispatch, as MXNet does).

        The built-in Zero/One/Constant/Uniform/Normal/Xavier/MSRAPrelu write
        straight into the existing buffer when its shape and dtype fit (in
        chunks, see ``engine.initializer``), so a re-initialization needs no
        second full-size array. Otherwise the initializer fills a fresh buffer,
        which is adopted without a copy; the live data is only touched once the
        initializer has succeeded, so a failing custom initializer changes
        nothing. The same seed gives the same values on every path.
        """
        chosen = _init.create(init)
        desc = _init.InitDesc(self.name, {"__init__": init})
        dtype = _onp.dtype(self.dtype)
        live = self._data
        if (
            live is not None
            and live._data.shape == self._shape
            and live._data.dtype == dtype
            and live._data.flags.c_contiguous
            and _init.fills_in_place(chosen)
        ):
            _init.create(default_init)(desc, live)
            self.last_initializer = chosen
            self._init_grad()
            return
        fresh = ndarray._wrap(_onp.zeros(self._shape, dtype=dtype))
        _init.create(default_init)(desc, fresh)
        self.last_initializer = chosen
        self._init_impl(fresh, owned=True)

    def _init_impl(self, data, owned: bool = False) -> None:
        values = data._data if isinstance(data, ndarray) else _onp.asarray(data)
        values = values.astype(_onp.dtype(self.dtype), copy=False)
        if self._data is not None and self._data._data.shape == values.shape:
            self._data._data[...] = values
            self._data._bump()
        else:
            previous = self.version
            if owned and isinstance(data, ndarray) and values is data._data:
                # A buffer made for this parameter: adopt it (no second full-size copy).
                self._data = ndarray._wrap(values)
            else:
                self._data = ndarray._wrap(_onp.array(values, copy=True))
            self._version_offset = previous + 1
        self._init_grad()

    def _init_grad(self) -> None:
        if self._grad_req == "null":
            self._grad = None
            self._data._grad = None
            self._data._grad_req = "null"
            return
        if self._grad is None or self._grad._data.shape != self._data._data.shape:
            self._grad = ndarray._wrap(_onp.zeros_like(self._data._data))
        else:
            self._grad._data[...] = 0
            self._grad._bump()
        self._data._grad = self._grad
        self._data._grad_req = self._grad_req

    def set_data(self, data) -> None:
        """Set the values (shape must agree); before initialization they become the init."""
        values = _real_values(data, self.name)
        self.shape = values.shape
        if self._data is None:
            if not self._deferred_init:
                raise AssertionError(f"Parameter '{self.name}' has not been initialized")
            self._deferred_init = self._deferred_init[:3] + (values,)
            return
        with autograd.pause():
            self._data._data[...] = values
        self._data._bump()
        self.last_initializer = None

    def _load_init(self, data, ctx=None) -> None:
        values = data._data if isinstance(data, ndarray) else _onp.asarray(data)
        if self.shape:
            self.shape = tuple(i if i != -1 else j for i, j in zip(self.shape, values.shape))
        if self._data is None:
            self._init_impl(values)
        else:
            self.set_data(values)
        self._deferred_init = ()
        self.last_initializer = None

    def cast(self, dtype) -> None:
        """Convert data and gradient to ``dtype``."""
        self._dtype = _checked_dtype(dtype, self.name)
        if self._data is None:
            return
        self._data._data = self._data._data.astype(_onp.dtype(dtype))
        self._data._bump()
        if self._grad is not None:
            self._grad._data = self._grad._data.astype(_onp.dtype(dtype))

    def var(self):
        raise NotImplementedError("Symbolic variables are not part of the NumPy engine")

    def row_sparse_data(self, row_id):
        return self.data()


class Constant(Parameter):
    """A parameter that is never trained (``grad_req='null'``) holding ``value``."""

    def __init__(self, name, value):
        if not isinstance(value, ndarray):
            value = ndarray(value)
        self.value = value
        captured = value

        class _CopyValue(_init.Initializer):
            def _init_weight(self, _, arr):
                arr[:] = captured

            def __repr__(self) -> str:
                return "the constant's value"

        super().__init__(
            name, grad_req="null", shape=value.shape, dtype=value.dtype, init=_CopyValue()
        )

    def __repr__(self) -> str:
        return f"Constant {self.name} (shape={self.shape}, dtype={_dtype_name(self.dtype)})"

    @property
    def grad_req(self) -> str:
        return "null"

    @grad_req.setter
    def grad_req(self, req: str) -> None:
        if req != "null":
            warnings.warn(
                f'Constant parameter "{self.name}" does not support grad_req other than '
                f'"null", and new value "{req}" is ignored.',
                stacklevel=2,
            )
        self._grad_req = "null"


def __getattr__(name: str):
    # ParameterDict lives in its own module; ``engine.gluon.parameter.ParameterDict``
    # still works, as in MXNet (resolved lazily: parameter_dict imports this module).
    if name == "ParameterDict":
        from .parameter_dict import ParameterDict

        return ParameterDict
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
