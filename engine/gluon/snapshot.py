"""Copies of a model's parameters and structure that can be put back bit for bit.

The explorer's undo keeps, for each command, the state of exactly what the
command changed: :class:`ParameterState` for a parameter (its values and
attributes: name, shape, dtype, grad_req, initializer, deferred
initialization) and :class:`StructureState` for the blocks of a tree (their
children, registered parameters and parameter dicts, which is where ties
live). Restoring writes through the engine's write path, so versions and
structure counters move forward, never back: a view that drew the state
before the undo redraws.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as _onp

from ..ndarray import ndarray
from .block import Block
from .change_tracking import structure_changed
from .parameter import Parameter

__all__ = ["ParameterState", "StructureState", "blocks_of", "parameters_of"]

# Attributes whose values are arrays (copied separately) or owned elsewhere.
_ARRAY_FIELDS = ("_data", "_grad", "_version_offset", "_trainer")


class ParameterState:
    """The values and attributes of one Parameter at one moment.

    Attributes
    ----------
    param : Parameter
        The parameter this state belongs to (restored in place: same object).
    values : numpy.ndarray or None
        A copy of the data (None while deferred or uninitialized).
    nbytes : int
        Memory the copy holds.
    """

    __slots__ = ("param", "values", "version", "edited", "_fields", "nbytes")

    def __init__(self, param: Parameter) -> None:
        self.param = param
        data = param._data
        self.values = None if data is None else data._data.copy()
        self.version = param.version
        self.edited = param.edited_since_init
        self._fields = _fields_of(param)
        self.nbytes = 0 if self.values is None else self.values.nbytes

    def changed(self) -> bool:
        """Whether the parameter was written, or an attribute of it changed, since."""
        if self.param.version != self.version:
            return True
        now = _fields_of(self.param)
        return now.keys() != self._fields.keys() or not all(
            _same(now[k], v) for k, v in self._fields.items()
        )

    def same_values(self, other: ParameterState) -> bool:
        """Whether both states hold bit-identical values (NaN payloads included)."""
        if (self.values is None) != (other.values is None):
            return False
        if self.values is None:
            return True
        return (
            self.values.shape == other.values.shape
            and self.values.dtype == other.values.dtype
            and self.values.tobytes() == other.values.tobytes()
        )

    def restore(self) -> None:
        """Put the values and attributes back; the parameter's version moves forward."""
        param = self.param
        vars(param).update(self._fields)
        current = param._data
        if self.values is None:
            if current is not None:
                param._version_offset = param.version + 1
            param._data = None
            param._grad = None
            return
        if (
            current is not None
            and current._data.shape == self.values.shape
            and current._data.dtype == self.values.dtype
        ):
            current._data[...] = self.values
            current._bump()
        else:
            previous = param.version
            param._data = ndarray._wrap(self.values.copy())
            param._version_offset = previous + 1 - param._data.version
        _reattach_gradient(param)
        if param._version_at_init is not None and not self.edited:
            # The values are again the initializer's own: not "then edited".
            param._version_at_init = param.version


def _fields_of(param: Parameter) -> dict:
    return {k: v for k, v in vars(param).items() if k not in _ARRAY_FIELDS}


def _same(a, b) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:  # arrays and other values without a plain truth value
        return False


def _reattach_gradient(param: Parameter) -> None:
    """Keep the gradient buffer when it still fits the data, else a fresh zero one."""
    data = param._data
    if param._grad_req == "null":
        param._grad = None
        data._grad, data._grad_req = None, "null"
        return
    if (
        param._grad is None
        or param._grad._data.shape != data._data.shape
        or param._grad._data.dtype != data._data.dtype
    ):
        param._grad = ndarray._wrap(_onp.zeros_like(data._data))
    data._grad, data._grad_req = param._grad, param._grad_req


class _BlockState:
    __slots__ = ("block", "children", "reg_params", "params_dict", "params", "shared", "attributes")

    def __init__(self, block: Block) -> None:
        self.block = block
        self.params_dict = block._params  # a tie replaces the dict object itself
        self.children = OrderedDict(block._children)
        self.reg_params = dict(block._reg_params)
        self.params = OrderedDict(block._params._params)
        self.shared = block._params._shared
        self.attributes = {
            k: v for k, v in vars(block).items() if isinstance(v, (Block, Parameter))
        }

    def same_as_now(self) -> bool:
        block = self.block
        return (
            list(self.children.items()) == list(block._children.items())
            and self.reg_params == block._reg_params
            and self.params_dict is block._params
            and list(self.params.items()) == list(block._params._params.items())
            and self.shared is block._params._shared
            and self.attributes
            == {k: v for k, v in vars(block).items() if isinstance(v, (Block, Parameter))}
        )

    def restore(self) -> None:
        block = self.block
        for param in block._reg_params.values():
            if not any(p is param for p in self.reg_params.values()):
                param._owners.discard(block)
        for param in self.reg_params.values():
            param._owners.add(block)
        block._children.clear()
        block._children.update(self.children)
        block._reg_params.clear()
        block._reg_params.update(self.reg_params)
        object.__setattr__(block, "_params", self.params_dict)
        block._params._params.clear()
        block._params._params.update(self.params)
        block._params._shared = self.shared
        for key in [k for k, v in vars(block).items() if isinstance(v, (Block, Parameter))]:
            if key not in self.attributes:
                del vars(block)[key]
        vars(block).update(self.attributes)


class StructureState:
    """Which children and parameters every block of a tree holds at one moment."""

    def __init__(self, root: Block) -> None:
        self.root = root
        self._blocks = [_BlockState(b) for b in blocks_of(root)]

    def same_as_now(self) -> bool:
        """Whether every block still holds exactly the children and parameters it held."""
        return all(state.same_as_now() for state in self._blocks) and [
            s.block for s in self._blocks
        ] == blocks_of(self.root)

    def restore(self) -> None:
        """Re-attach exactly the children and parameter objects the tree held (ties too)."""
        for state in self._blocks:
            state.restore()
        for state in self._blocks:  # parameter dicts and attributes are not tracked by the dict
            structure_changed(state.block)


def blocks_of(root: Block) -> list:
    """``root`` and every block below it, each once, depth first (no recursion)."""
    seen: set[int] = set()
    order: list = []
    stack = [root]
    while stack:
        block = stack.pop()
        if id(block) in seen:
            continue
        seen.add(id(block))
        order.append(block)
        stack.extend(reversed(list(block._children.values())))
    return order


def parameters_of(root: Block) -> list:
    """Every distinct Parameter of the tree, in ``collect_params`` order (no recursion)."""
    seen: set[int] = set()
    params: list = []
    for block in blocks_of(root):
        for param in block._params._params.values():
            if id(param) not in seen:
                seen.add(id(param))
                params.append(param)
        for param in block._reg_params.values():
            if id(param) not in seen:
                seen.add(id(param))
                params.append(param)
    return params
