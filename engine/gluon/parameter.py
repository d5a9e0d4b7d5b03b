"""Gluon ``Parameter`` and ``Constant`` (MXNet 1.x semantics).

A Parameter owns one engine array for its data and one for its gradient.
``data()`` returns the stored array itself, so ``data()[:] += 1`` changes the
parameter. ``version`` counts every write to the data (``set_data``,
``initialize``, in-place writes through ``data()``, optimizer updates,
loading); views poll it to redraw only what changed.
"""

from __future__ import annotations

import warnings

import numpy as _onp

from .. import autograd
from .. import initializer as _init
from ..ndarray import ndarray
from .change_tracking import bump_structure

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

    def __init__(self, name, grad_req="write", shape=None, dtype=_onp.float32, lr_mult=1.0,
                 wd_mult=1.0, init=None, allow_deferred_init=False, differentiable=True,
                 stype="default", grad_stype="default"):
        self._data: ndarray | None = None
        self._grad: ndarray | None = None
        self._deferred_init = ()
        self._differentiable = differentiable
        self._allow_deferred_init = allow_deferred_init
        self._grad_req = None
        if isinstance(shape, int):
            shape = (shape,)
        self._shape = tuple(shape) if shape is not None else None
        self.name = name
        self._dtype = dtype
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.grad_req = grad_req
        self.init = init
        self._stype = stype
        self._grad_stype = grad_stype
        self._version_offset = 0
        self._trainer = None
        # The Initializer that produced the current values (None after set_data/load);
        # the explorer draws its theoretical spread over the histogram.
        self.last_initializer = None

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
                f"grad_req must be one of 'write', 'add', or 'null', but got '{req}'")
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
        new_shape = tuple(new_shape)
        if self._shape is None:
            self._shape = new_shape
            return
        if not (len(self._shape) == len(new_shape)
                and all(j in (-1, 0, i) for i, j in zip(new_shape, self._shape))):
            raise AssertionError(
                f"Expected shape {new_shape} is incompatible with given shape "
                f"{self.shape}.")
        if new_shape != self._shape:
            known_before = _shape_is_known(self._shape)
            self._shape = new_shape
            if not known_before:
                bump_structure()

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
                f"in_units, num_features, etc., for network layers.")
        raise RuntimeError(
            f"Parameter '{self.name}' has not been initialized. Note that you should "
            f"initialize parameters and create Trainer with Block.collect_params() instead "
            f"of Block.params because the later does not include Parameters of nested child "
            f"Blocks")

    def data(self, ctx=None) -> ndarray:
        """The stored array itself (writes to it change the parameter)."""
        data = self._data
        return data if data is not None else self._check_and_get(None)

    def list_data(self) -> list:
        return [self._check_and_get(self._data)]

    def grad(self, ctx=None) -> ndarray:
        if self._data is not None and self._grad is None:
            raise RuntimeError(
                f"Cannot get gradient array for Parameter '{self.name}' because "
                f"grad_req='null'")
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
        self._grad._vc.value += 1

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
                f"force_reinit=True to re-initialize.", stacklevel=2)
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
                f"{self.shape}.")
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
                f"{self.shape}. Please specify in_units, in_channels, etc for `Block`s.")
        with autograd.pause():
            if data is None:
                data = ndarray._wrap(_onp.zeros(self._shape, dtype=_onp.dtype(self.dtype)))
                _init.create(default_init)(_init.InitDesc(self.name, {"__init__": init}), data)
                self.last_initializer = _init.create(init)
            else:
                self.last_initializer = None
            self._init_impl(data)
        self._deferred_init = ()

    def _init_impl(self, data) -> None:
        values = data._data if isinstance(data, ndarray) else _onp.asarray(data)
        values = values.astype(_onp.dtype(self.dtype), copy=False)
        if self._data is not None and self._data._data.shape == values.shape:
            self._data._data[...] = values
            self._data._vc.value += 1
        else:
            previous = self.version
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
            self._grad._vc.value += 1
        self._data._grad = self._grad
        self._data._grad_req = self._grad_req

    def set_data(self, data) -> None:
        """Set the values (shape must agree); before initialization they become the init."""
        values = data._data if isinstance(data, ndarray) else _onp.asarray(data)
        self.shape = values.shape
        if self._data is None:
            if not self._deferred_init:
                raise AssertionError(f"Parameter '{self.name}' has not been initialized")
            self._deferred_init = self._deferred_init[:3] + (values,)
            return
        with autograd.pause():
            self._data._data[...] = values
        self._data._vc.value += 1
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
        self._dtype = dtype
        if self._data is None:
            return
        self._data._data = self._data._data.astype(_onp.dtype(dtype))
        self._data._vc.value += 1
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

        super().__init__(name, grad_req="null", shape=value.shape, dtype=value.dtype,
                         init=_CopyValue())

    def __repr__(self) -> str:
        return f"Constant {self.name} (shape={self.shape}, dtype={_dtype_name(self.dtype)})"

    @property
    def grad_req(self) -> str:
        return "null"

    @grad_req.setter
    def grad_req(self, req: str) -> None:
        if req != "null":
            warnings.warn(
                f"Constant parameter \"{self.name}\" does not support grad_req other than "
                f"\"null\", and new value \"{req}\" is ignored.", stacklevel=2)
        self._grad_req = "null"


def __getattr__(name: str):
    # ParameterDict lives in its own module; ``engine.gluon.parameter.ParameterDict``
    # still works, as in MXNet (resolved lazily: parameter_dict imports this module).
    if name == "ParameterDict":
        from .parameter_dict import ParameterDict

        return ParameterDict
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
