"""Gluon ``ParameterDict``: an ordered, prefixed name → Parameter mapping (MXNet 1.x).

``get`` looks in the dict, then in its ``shared`` dict, then creates: that is how
``Dense(8, params=shared.params)`` ends up with the very same Parameter objects.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as _onp

from .. import initializer as _init
from ..ndarray import ndarray
from .parameter import Constant, Parameter, _indent

__all__ = ["ParameterDict"]


def _brief_print_list(items, limit: int = 7) -> str:
    items = list(items)
    if len(items) > limit:
        return (
            _brief_print_list(items[: limit // 2], limit)
            + ", ..., "
            + _brief_print_list(items[-limit // 2 :], limit)
        )
    return ", ".join(f"'{i}'" for i in items)


class ParameterDict:
    """An ordered name → Parameter mapping with a name prefix and an optional shared dict.

    ``get`` looks in this dict, then in ``shared`` (that is how
    ``Dense(8, params=shared.params)`` ends up with the same Parameter objects).
    """

    def __init__(self, prefix: str = "", shared: ParameterDict | None = None):
        self._prefix = prefix
        self._params: OrderedDict[str, Parameter] = OrderedDict()
        self._shared = shared

    def __repr__(self) -> str:
        name = self._prefix + " " if self._prefix else ""
        content = "\n".join(_indent(f"  {v}", 2) for v in self.values())
        return f"{name}(\n{content}\n)"

    def __getitem__(self, key: str) -> Parameter:
        return self._params[key]

    def __iter__(self):
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def items(self):
        return self._params.items()

    def keys(self):
        return self._params.keys()

    def values(self):
        return self._params.values()

    @property
    def prefix(self) -> str:
        return self._prefix

    def _get_impl(self, name: str):
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._shared._params[name]
        return None

    def get(self, name: str, **kwargs) -> Parameter:
        """The parameter ``prefix + name``: existing (own or shared) or new."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            param = Parameter(name, **kwargs)
            self._params[name] = param
            return param
        for key, value in kwargs.items():
            if hasattr(param, key) and getattr(param, key) is not None:
                existing = getattr(param, key)
                if key == "shape" and len(value) == len(existing):
                    inferred, matched = [], True
                    for dim1, dim2 in zip(value, existing):
                        if dim1 != dim2 and dim1 > 0 and dim2 > 0:
                            matched = False
                            break
                        if dim1 == dim2:
                            inferred.append(dim1)
                        elif dim1 in (0, -1):
                            inferred.append(dim2)
                        else:
                            inferred.append(dim1)
                    if matched:
                        if tuple(inferred) != param._shape:
                            param._shape = tuple(inferred)
                            param._structure_changed()
                        continue
                elif key == "dtype" and _onp.dtype(value) == _onp.dtype(existing):
                    continue
                if not (value is None or value == existing):
                    raise AssertionError(
                        f"Cannot retrieve Parameter '{name}' because desired attribute does "
                        f"not match with stored for attribute '{key}': desired '{value}' vs "
                        f"stored '{getattr(param, key)}'."
                    )
            else:
                setattr(param, key, value)
        return param

    def get_constant(self, name: str, value=None) -> Constant:
        """The constant ``prefix + name``, created from ``value`` the first time."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                raise KeyError(
                    f"No constant named '{name}'. Please specify value if you want "
                    f"to create a new constant."
                )
            param = Constant(name, value)
            self._params[name] = param
        elif value is not None:
            if not isinstance(param, Constant):
                raise AssertionError(f"Parameter '{name}' already exists but it is not a constant.")
            values = value._data if isinstance(value, ndarray) else _onp.asarray(value)
            if not (param.shape == values.shape and (param.value._data == values).all()):
                raise AssertionError(
                    f"Constant '{name}' already exists but it's value doesn't match new value"
                )
        return param

    def update(self, other) -> None:
        """Add ``other``'s entries; the same name must mean the same Parameter."""
        for key, value in other.items():
            if key in self._params and self._params[key] is not value:
                raise AssertionError(
                    f"Cannot update self with other because they have different Parameters "
                    f"with the same name '{key}'"
                )
        for key, value in other.items():
            self._params[key] = value

    def initialize(self, init=None, ctx=None, verbose=False, force_reinit=False) -> None:
        """Initialize every entry; ``init`` is each one's default initializer."""
        if init is None:
            init = _init.Uniform()
        init = _init.create(init)
        if verbose:
            init.set_verbose(verbose=verbose)
        for value in self.values():
            value.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self) -> None:
        for value in self.values():
            value.zero_grad()

    def reset_ctx(self, ctx) -> None:
        """No-op: the engine has one device."""

    def list_ctx(self) -> list:
        from ..context import cpu

        return [cpu()]

    def setattr(self, name: str, value) -> None:
        """Set an attribute (``grad_req``, ``lr_mult``, ...) on every entry."""
        for param in self.values():
            setattr(param, name, value)

    def save(self, filename: str, strip_prefix: str = "") -> None:
        from .serialization import save_arrays

        arrays = {}
        for param in self.values():
            name = param.name
            if strip_prefix and name.startswith(strip_prefix):
                name = name[len(strip_prefix) :]
            arrays[name] = param.data()._data
        save_arrays(filename, arrays)

    def load(
        self,
        filename: str,
        ctx=None,
        allow_missing=False,
        ignore_extra=False,
        restore_prefix="",
        cast_dtype=False,
        dtype_source="current",
    ) -> None:
        """Load a file written by ``save``; every check runs before anything is written."""
        from .serialization import open_parameter_file

        with open_parameter_file(filename) as stored:
            self._load_from(stored, filename, ctx, allow_missing, ignore_extra, restore_prefix)

    def _load_from(
        self, stored, filename, ctx, allow_missing, ignore_extra, restore_prefix
    ) -> None:
        from .parameter_loading import load_checked

        loaded = {restore_prefix + k: k for k in stored.index}
        if not allow_missing:
            for name in self.keys():
                if name not in loaded:
                    raise AssertionError(
                        f"Parameter '{name[len(restore_prefix) :]}' is missing in file "
                        f"'{filename}', which contains parameters: "
                        f"{_brief_print_list(loaded.keys())}. Please make sure source and "
                        f"target networks have the same prefix."
                    )
        for name in loaded:
            if name not in self._params and not ignore_extra:
                raise ValueError(
                    f"Parameter '{name[len(restore_prefix) :]}' loaded from file '{filename}' "
                    f"is not present in ParameterDict, choices are: "
                    f"{_brief_print_list(self.keys())}. Set ignore_extra to True to ignore. "
                    f"Please make sure source and target networks have the same prefix."
                )
        load_checked(
            stored,
            [(key, self._params[name]) for name, key in loaded.items() if name in self._params],
            ctx,
        )


# MXNet defines ParameterDict in gluon/parameter.py, and type() names it so.
ParameterDict.__module__ = "engine.gluon.parameter"
