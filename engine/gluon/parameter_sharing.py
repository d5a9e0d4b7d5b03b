"""Tying a block's parameters to another block's after construction, and untying them.

``target.share_parameters(source)`` makes ``target`` (and, matched by child
key, each of its descendants) use ``source``'s Parameter objects, exactly as if
``target`` had been built with ``params=source.params``: its ParameterDict gets
the source's prefix and entries, ``collect_params()`` lists each shared
parameter once, ``save_parameters`` writes one key per use, and backward gives
the shared parameter the sum of both uses' gradients.
``target.unshare_parameters()`` gives it fresh Parameters holding copies.

Both check everything before changing anything, and both return a
:class:`ParameterSwap` whose ``undo()`` restores the previous state exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as _onp

from ..ndarray import ndarray
from .change_tracking import structure_changed
from .parameter import Constant, Parameter
from .parameter_dict import ParameterDict

__all__ = ["ParameterSwap", "share_parameters", "unshare_parameters", "replace_parameters"]


@dataclass
class ParameterSwap:
    """What ``share_parameters``/``unshare_parameters`` changed, to undo it bit for bit.

    Attributes
    ----------
    replaced : list of (Block, str, Parameter, Parameter)
        ``(block, attribute, previous, new)`` for every parameter attribute that
        now holds another Parameter object.
    dicts : list of (Block, ParameterDict, ParameterDict)
        ``(block, previous, new)`` for every block whose ``params`` changed.
    shapes : list of (Parameter, tuple, tuple)
        ``(parameter, previous, new)`` internal shapes of a deferred source
        parameter that learned dimensions from its partner.
    """

    replaced: list = field(default_factory=list)
    dicts: list = field(default_factory=list)
    shapes: list = field(default_factory=list)

    @property
    def previous(self) -> dict:
        """``{(block, attribute): previous Parameter}``."""
        return {(block, attr): old for block, attr, old, _new in self.replaced}

    def __bool__(self) -> bool:
        return bool(self.replaced or self.dicts or self.shapes)

    def undo(self) -> None:
        """Re-attach the previous Parameter objects and dicts, and restore learned shapes.

        The previous Parameters come back as they are (their names, values and
        versions were never touched); ``structure_version`` moves forward.
        """
        replace_parameters({(block, attr): old for block, attr, old, _new in self.replaced})
        for block, old_dict, _new_dict in self.dicts:
            object.__setattr__(block, "_params", old_dict)
            structure_changed(block)
        for param, old_shape, _new_shape in self.shapes:
            if param._data is None:
                param._shape = old_shape
                param._structure_changed()


def replace_parameters(mapping: dict) -> None:
    """Make each ``(block, attribute)`` of ``mapping`` hold the given Parameter.

    Updates the attribute, the block's registered parameters and the
    parameters' owner links, and moves the structure counters of every tree
    holding a changed block. Nothing is checked: callers check first.
    """
    changed = []
    for (block, attr), param in mapping.items():
        old = block._reg_params.get(attr)
        if old is param:
            continue
        block._reg_params[attr] = param
        object.__setattr__(block, attr, param)
        if old is not None and not any(p is old for p in block._reg_params.values()):
            old._owners.discard(block)
        param._owners.add(block)
        changed.append(block)
    for block in changed:
        structure_changed(block)


def _child_label(label: str, key: str) -> str:
    if key.isdigit():
        return f"{label}[{key}]"
    if key.isidentifier():
        return f"{label}.{key}"
    return f"{label}._children[{key!r}]"


def _holds_parameters(block) -> bool:
    return bool(block._reg_params) or any(_holds_parameters(c) for c in block._children.values())


def _keys_with_parameters(block) -> list:
    """Child keys whose subtree has parameters (an ``act`` Activation does not count)."""
    return [key for key, child in block._children.items() if _holds_parameters(child)]


def _pairs(target, source, target_label, source_label) -> list:
    """``(target_block, source_block, target_label, source_label)`` matched by structure."""
    if target is source:
        raise ValueError(f"Cannot tie {target_label} to itself")
    if type(target) is not type(source):
        raise ValueError(
            f"{target_label} is a {type(target).__name__} but {source_label} is "
            f"a {type(source).__name__}: only blocks of one type can be tied"
        )
    own_t, own_s = list(target._reg_params), list(source._reg_params)
    if sorted(own_t) != sorted(own_s):
        raise ValueError(f"{target_label} has parameters {own_t} but {source_label} has {own_s}")
    keys_t, keys_s = _keys_with_parameters(target), _keys_with_parameters(source)
    if keys_t != keys_s:
        raise ValueError(
            f"{target_label} has children with parameters {keys_t} but {source_label} has {keys_s}"
        )
    pairs = [(target, source, target_label, source_label)]
    for key in keys_t:
        pairs += _pairs(
            target._children[key],
            source._children[key],
            _child_label(target_label, key),
            _child_label(source_label, key),
        )
    return pairs


def _merged_shape(t_param, s_param, t_name, s_name):
    """The source's shape with unknown dimensions filled from the target's, or an error."""
    if t_param._shape is None or s_param._shape is None:
        return s_param._shape if s_param._shape is not None else t_param._shape
    mismatch = ValueError(f"{t_name} has shape {t_param.shape} but {s_name} has {s_param.shape}")
    if len(t_param._shape) != len(s_param._shape):
        raise mismatch
    merged = []
    for t_dim, s_dim in zip(t_param._shape, s_param._shape):
        if s_dim in (0, -1):
            merged.append(t_dim)
        elif t_dim in (0, -1) or t_dim == s_dim:
            merged.append(s_dim)
        else:
            raise mismatch
    return tuple(merged)


def share_parameters(target, source, label=None, source_label=None) -> ParameterSwap:
    """Tie ``target``'s parameters (recursively) to ``source``'s; see ``Block.share_parameters``."""
    swap = plan_sharing(target, source, label, source_label)
    _apply(swap)
    return swap


def plan_sharing(target, source, label=None, source_label=None) -> ParameterSwap:
    """Check a tie and return what it would change, changing nothing.

    Raises the ValueError ``share_parameters`` would raise; a GUI asks this
    while a drag hovers over a block, to say why a drop would be refused.
    """
    target_label = target.name if label is None else label
    source_label = source.name if source_label is None else source_label
    pairs = _pairs(target, source, target_label, source_label)
    if not any(t._reg_params for t, _s, _tl, _sl in pairs):
        raise ValueError(f"{target_label} has no parameters to tie")
    mapping, shapes, seen_targets = {}, [], {}
    sources = {id(p) for _t, s, _tl, _sl in pairs for p in s._reg_params.values()}
    for t_block, s_block, t_label, s_label in pairs:
        for attr, t_param in t_block._reg_params.items():
            s_param = s_block._reg_params[attr]
            t_name, s_name = f"{t_label}.{attr}", f"{s_label}.{attr}"
            if t_param is s_param:
                raise ValueError(
                    f"{t_name} is already {s_name} ({s_param.name}): tying it "
                    f"would tie a parameter to itself"
                )
            if id(t_param) in sources:
                raise ValueError(
                    f"{t_name} ({t_param.name}) is also a source parameter: the "
                    f"blocks overlap, so tying them would tie a parameter to itself"
                )
            if isinstance(t_param, Constant) != isinstance(s_param, Constant):
                raise ValueError(f"{t_name} and {s_name} are not both Constants")
            if _onp.dtype(t_param.dtype) != _onp.dtype(s_param.dtype):
                raise ValueError(
                    f"{t_name} has dtype {_onp.dtype(t_param.dtype)} but {s_name} "
                    f"has {_onp.dtype(s_param.dtype)}"
                )
            merged = _merged_shape(t_param, s_param, t_name, s_name)
            if merged != s_param._shape:
                shapes.append((s_param, s_param._shape, merged))
            seen_targets[id(t_param)] = t_name
            mapping[(t_block, attr)] = s_param
    swap = ParameterSwap(shapes=shapes)
    for t_block, s_block, _tl, _sl in pairs:
        if t_block._reg_params or t_block is target:
            swap.dicts.append((t_block, t_block._params, _dict_sharing(t_block, s_block, mapping)))
    for (block, attr), param in mapping.items():
        swap.replaced.append((block, attr, block._reg_params[attr], param))
    return swap


def _dict_sharing(t_block, s_block, mapping) -> ParameterDict:
    """``t_block``'s dict as ``params=s_block.params`` would have made it."""
    new = ParameterDict(s_block.params.prefix, s_block.params)
    replaced = {
        id(t_block._reg_params[attr]): param
        for (block, attr), param in mapping.items()
        if block is t_block
    }
    for name, param in t_block.params.items():
        if id(param) in replaced:
            param = replaced[id(param)]
            name = param.name
        new._params[name] = param
    return new


def _apply(swap: ParameterSwap) -> None:
    for param, _old_shape, new_shape in swap.shapes:
        param.shape = new_shape  # the deferred side learns the other's dimensions
    replace_parameters({(block, attr): new for block, attr, _old, new in swap.replaced})
    for block, _old_dict, new_dict in swap.dicts:
        object.__setattr__(block, "_params", new_dict)
        structure_changed(block)


def _own_name(block, attr: str, param) -> str:
    """The name ``block`` gives this parameter when it owns it: its prefix + the suffix."""
    prefix = block.params.prefix
    suffix = param.name[len(prefix) :] if prefix and param.name.startswith(prefix) else attr
    return block.prefix + suffix


def _copy_parameter(param, name: str):
    """A new Parameter named ``name`` with ``param``'s settings and copies of its arrays."""
    if isinstance(param, Constant):
        copy = Constant(name, param.value.copy())
    else:
        copy = Parameter(
            name,
            grad_req=param.grad_req,
            shape=param._shape,
            dtype=param.dtype,
            lr_mult=param.lr_mult,
            wd_mult=param.wd_mult,
            init=param.init,
            allow_deferred_init=param._allow_deferred_init,
            differentiable=param._differentiable,
        )
    copy._deferred_init = param._deferred_init
    copy.last_initializer = param.last_initializer
    if param._data is not None:
        copy._data = ndarray._wrap(param._data._data.copy())
        copy._init_grad()
        if param._grad is not None and copy._grad is not None:
            copy._grad._data[...] = param._grad._data
    # The copy continues the original's count, so "edited since init" reads the same.
    copy._version_offset = param.version - copy.version
    copy._version_at_init = param._version_at_init
    return copy


def unshare_parameters(block) -> ParameterSwap:
    """Give ``block`` (recursively) its own copies of tied parameters; see ``Block``."""
    swap = ParameterSwap()
    pending = [block]
    visited = set()
    while pending:
        current = pending.pop(0)
        if id(current) in visited:
            continue
        visited.add(id(current))
        pending.extend(current._children.values())
        copies = {}
        for attr, param in current._reg_params.items():
            name = _own_name(current, attr, param)
            if name != param.name and any(owner is not current for owner in param._owners):
                copies[attr] = _copy_parameter(param, name)
        if not copies and current.params.prefix == current.prefix:
            continue
        new_dict = ParameterDict(current.prefix)
        by_id = {id(current._reg_params[attr]): copy for attr, copy in copies.items()}
        for name, param in current.params.items():
            if id(param) in by_id:
                param = by_id[id(param)]
                name = param.name
            new_dict._params[name] = param
        for attr, copy in copies.items():
            swap.replaced.append((current, attr, current._reg_params[attr], copy))
        swap.dicts.append((current, current._params, new_dict))
    _apply(swap)
    return swap
