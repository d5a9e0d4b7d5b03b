"""Gluon ``Block`` and ``HybridBlock``: containers of parameters and child blocks.

Assigning a Block or Parameter to an attribute registers it (``__setattr__``),
which is how ``collect_params`` and ``save_parameters`` find nested weights.
"""

from __future__ import annotations

import re
import warnings
from collections import OrderedDict, defaultdict

import numpy as _onp

from .. import initializer as _init
from ..ndarray import ndarray
from .block_walk import block_repr, check_can_nest, walk
from .change_tracking import ChildDict, init_tracking, structure_changed
from .naming import BlockScope
from .parameter import Parameter
from .parameter_dict import ParameterDict, _brief_print_list

__all__ = ["Block", "HybridBlock", "HookHandle"]

# What a HybridBlock takes as input: engine arrays, and NumPy arrays for convenience.
_ARRAY_TYPES = (ndarray, _onp.ndarray, _onp.generic)


def _brief_repr(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _refuse_non_array_input(block, args, err) -> None:
    """MXNet's error for a HybridBlock called without any array, checked only after a
    failure (free on the normal path); ``Dense(3)('abc')`` otherwise surfaced as
    "AttributeError: 'str' object has no attribute 'shape'" from deep inside."""
    if isinstance(block, HybridBlock) and not any(isinstance(a, _ARRAY_TYPES) for a in args):
        got = ", ".join(f"{type(a).__name__} {_brief_repr(a)}" for a in args)
        raise ValueError(
            f"In HybridBlock, there must be one NDArray or one Symbol in the input. Please "
            f"check the type of the args.\n(got {got})"
        ) from err


class HookHandle:
    """Returned by ``register_forward_hook``; ``detach()`` removes the hook."""

    _next_id = 0

    def __init__(self) -> None:
        self._hooks_dict = None
        self.id = HookHandle._next_id
        HookHandle._next_id += 1

    def attach(self, hooks_dict, hook) -> None:
        self._hooks_dict = hooks_dict
        hooks_dict[self.id] = hook

    def detach(self) -> None:
        if self._hooks_dict is not None:
            self._hooks_dict.pop(self.id, None)
            self._hooks_dict = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.detach()


class Block:
    """Base class of all layers and models.

    Subclasses create children and parameters in ``__init__`` (after calling
    ``super().__init__()``) and compute in ``forward``.
    """

    def __init__(self, prefix=None, params=None):
        init_tracking(self)
        self._empty_prefix = prefix == ""
        self._prefix, self._params = BlockScope.create(prefix, params, self._alias())
        self._name = self._prefix[:-1] if self._prefix.endswith("_") else self._prefix
        self._scope = BlockScope(self)
        self._children: OrderedDict[str, Block] = ChildDict(self)
        self._reg_params: dict[str, Parameter] = {}
        self._forward_hooks: OrderedDict = OrderedDict()
        self._forward_pre_hooks: OrderedDict = OrderedDict()

    def __getstate__(self) -> dict:
        # Weak back-references do not copy; __setstate__ rebuilds them for the copy.
        state = self.__dict__.copy()
        state.pop("_parents", None)
        return state

    def __setstate__(self, state) -> None:
        # copy.deepcopy / pickle: link the copy to its children and parameters (whose
        # own state was restored first), so changes move the copy's counters.
        self.__dict__.update(state)
        init_tracking(self)
        object.__setattr__(self, "_structure_count", state.get("_structure_count", 0))
        children = state.get("_children")
        if isinstance(children, ChildDict):
            if children._owner() is None:  # a deep copy's own dict (a shallow copy shares it)
                children.set_owner(self)
            for child in children.values():
                child._parents.add(self)
        for param in state.get("_reg_params", {}).values():
            param._owners.add(self)

    def __repr__(self) -> str:
        # Built with a stack, not recursion: a model nested 1,000 deep still prints.
        return block_repr(self)

    def __setattr__(self, name, value) -> None:
        if hasattr(self, name):
            existing = getattr(self, name)
            if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
                raise TypeError(
                    f"Changing attribute type for {name} from {type(existing)} to "
                    f"{type(value)}is not allowed."
                )
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            if name in self._reg_params:
                raise AssertionError(
                    "Overriding Parameter attribute %s is not allowed. If you want to share "
                    "parameters between blocks, please set 'params' at Block construction "
                    "instead."
                )
            self._reg_params[name] = value
            value._owners.add(self)
            structure_changed(self)
        super().__setattr__(name, value)

    def _check_container_with_block(self) -> None:
        children = set(self._children.values())

        def holds_unregistered_block(data):
            if isinstance(data, (list, tuple)):
                return any(holds_unregistered_block(e) for e in data)
            if isinstance(data, dict):
                return any(holds_unregistered_block(v) for v in data.values())
            return isinstance(data, Block) and data not in children

        for key, value in self.__dict__.items():
            if isinstance(value, (list, tuple, dict)) and not (
                key.startswith("__") or key == "_children"
            ):
                if holds_unregistered_block(value):
                    warnings.warn(
                        f'"{key}" is an unregistered container with Blocks. Note that Blocks '
                        f"inside the list, tuple or dict will not be registered automatically. "
                        f"Make sure to register them using register_child() or switching to "
                        f"nn.Sequential/nn.HybridSequential instead. ",
                        stacklevel=3,
                    )

    def _alias(self) -> str:
        return self.__class__.__name__.lower()

    # ----------------------------------------------------------------- naming
    @property
    def prefix(self) -> str:
        """Prefix of this block's parameter names, e.g. ``dense0_``."""
        return self._prefix

    @property
    def name(self) -> str:
        """The prefix without its trailing underscore, e.g. ``dense0``."""
        return self._name

    def name_scope(self):
        """Children created inside ``with self.name_scope():`` get this block's prefix."""
        return self._scope

    @property
    def params(self) -> ParameterDict:
        """This block's own ParameterDict (not its children's)."""
        return self._params

    @property
    def structure_version(self) -> int:
        """A counter of structural changes in this block's tree (cheap to poll).

        It moves when this block or any descendant gains, replaces or loses a
        child, registers or replaces a parameter, ties or unties parameters, or
        learns a deferred shape. Changes to unrelated blocks leave it alone.
        """
        return self._structure_count

    # -------------------------------------------------------------- structure
    def named_children(self) -> list:
        """``(key, block)`` of the registered children, in registration order."""
        return list(self._children.items())

    def named_own_params(self) -> list:
        """``(attribute, Parameter)`` of the parameters this block registered itself."""
        return list(self._reg_params.items())

    def register_child(self, block, name=None) -> None:
        """Register ``block`` as a child (named ``0``, ``1``, ... when no name is given)."""
        if not isinstance(block, Block):
            raise ValueError(
                f"Children of {type(self).__name__} must be Blocks, but {block!r} "
                f"has type {type(block)}."
            )
        check_can_nest(self, block)
        if name is None:
            name = str(len(self._children))
        self._children[name] = block  # a ChildDict: links the parent, moves the counters

    def share_parameters(self, source, *, label=None, source_label=None):
        """Use ``source``'s parameters from now on, as if built with ``params=source.params``.

        Parameters are matched by attribute name (``weight``, ``bias``), and
        sub-blocks by child key, recursively: afterwards ``self.weight is
        source.weight``, ``self.params`` has the source's prefix and entries,
        ``collect_params()`` lists each shared parameter once, and backward
        gives a shared parameter the sum of its uses' gradients. A dimension
        still unknown (``-1``) on the source is filled in from this block's.

        Everything is checked first (same block type, parameter names and
        child keys, compatible shapes, same dtype; no parameter tied to
        itself); on any mismatch a ValueError names both sides (``label`` and
        ``source_label``, default the block names, e.g. "net[2].weight has
        shape (8, 20) but net[1].weight has (8, 8)") and nothing changes.
        ``structure_version`` moves. A Trainer made before keeps the old list.

        Returns
        -------
        ParameterSwap
            The replaced Parameter objects and dicts; ``swap.undo()`` re-attaches
            the previous ones exactly (names, values, versions untouched).
        """
        from .parameter_sharing import share_parameters

        return share_parameters(self, source, label, source_label)

    def check_share_parameters(self, source, *, label=None, source_label=None) -> None:
        """Raise the ValueError :meth:`share_parameters` would raise; change nothing."""
        from .parameter_sharing import plan_sharing

        plan_sharing(self, source, label, source_label)

    def unshare_parameters(self):
        """Give this block (recursively) its own copies of the parameters it shares.

        A parameter counts as shared when another block registers it too and
        its name is not the one this block would give it (``self.prefix`` +
        the suffix, e.g. ``dense2_weight``): the case after
        ``share_parameters`` or ``params=`` at construction, on the block that
        was tied (calling it on the source changes nothing). Each becomes a
        new Parameter with that name, holding copies of the values and
        gradient and the same ``grad_req``, ``init``,
        ``lr_mult``, ``wd_mult``, dtype and ``last_initializer``; its
        ``version`` continues the shared one's. The other users of the shared
        parameter keep it unchanged. A block that shares nothing is left as
        it is (the returned swap is empty and falsy).

        Returns
        -------
        ParameterSwap
            ``swap.undo()`` re-ties the block to the exact previous Parameters.
        """
        from .parameter_sharing import unshare_parameters

        return unshare_parameters(self)

    def _replace_parameters(self, mapping) -> None:
        """Re-point ``{attribute: Parameter}`` of this block (no checks; see share)."""
        from .parameter_sharing import replace_parameters

        replace_parameters({(self, attr): param for attr, param in mapping.items()})

    def collect_params(self, select=None) -> ParameterDict:
        """This block's and all descendants' parameters, optionally filtered by a regex.

        ``select`` is matched with ``re.match`` (anchored at the start) against
        each full parameter name; a shared parameter appears once.
        """
        ret = ParameterDict(self._params.prefix)
        pattern = re.compile(select) if select else None
        for _path, block in walk(self):  # a stack, not recursion: deep models work
            block._check_container_with_block()
            if pattern is None:
                ret.update(block.params)
            else:
                ret.update(
                    {name: value for name, value in block.params.items() if pattern.match(name)}
                )
        return ret

    def _collect_params_with_prefix(self, prefix: str = "") -> dict:
        ret = {}
        for path, block in walk(self):
            base = ".".join((prefix, *path) if prefix else path)
            for key, value in block._reg_params.items():
                ret[f"{base}.{key}" if base else key] = value
        return ret

    def initialize(self, init=None, ctx=None, verbose=False, force_reinit=False) -> None:
        """Initialize all parameters; ``init`` is the default for those without their own."""
        if init is None:
            init = _init.Uniform()
        self.collect_params().initialize(init, ctx, verbose, force_reinit)

    def zero_grad(self) -> None:
        self.collect_params().zero_grad()

    def reset_ctx(self, ctx) -> None:
        """No-op: the engine has one device."""

    def cast(self, dtype) -> None:
        for _path, block in walk(self, "post"):
            if block is self or type(block).cast is Block.cast:
                for param in block.params.values():
                    param.cast(dtype)
            else:
                block.cast(dtype)  # its own rule (BatchNorm keeps float32 statistics)

    def hybridize(self, active=True, **kwargs) -> None:
        """Accepted for compatibility; the engine always runs imperatively."""
        for _path, block in walk(self):
            if block is not self and type(block).hybridize is not Block.hybridize:
                block.hybridize(active, **kwargs)

    def apply(self, fn):
        """Call ``fn(block)`` on every descendant (children first), then on this block."""
        for _path, block in walk(self, "post"):
            fn(block)
        return self

    # ------------------------------------------------------------------- files
    def save_parameters(self, filename, deduplicate: bool = False) -> None:
        """Save with structural keys (``0.weight``, ``hidden.bias``) as ``.npz``."""
        from .serialization import save_arrays

        params = self._collect_params_with_prefix()
        if deduplicate:
            seen = {}
            for name, param in params.items():
                seen.setdefault(param, name)
            params = {name: param for param, name in seen.items()}
        save_arrays(filename, {key: p.data()._data for key, p in params.items()})

    def load_parameters(
        self,
        filename,
        ctx=None,
        allow_missing=False,
        ignore_extra=False,
        cast_dtype=False,
        dtype_source="current",
    ) -> None:
        """Load a file written by ``save_parameters``.

        Every check (missing keys, extra keys, shapes, dtypes, whether the values
        fit) runs before any value is written, so a failed load changes nothing
        (MXNet checks shapes while loading and can leave a model half loaded).
        Only regular files are read, and an array's data is read only after its
        declared shape matched (``ParameterFileError`` for anything else).
        """
        from .parameter_loading import load_checked
        from .serialization import open_parameter_file

        with open_parameter_file(filename) as stored:
            loaded = stored.index
            params = self._collect_params_with_prefix()
            if not loaded and not params:
                return
            if not any("." in key for key in loaded):
                # Files saved by ParameterDict.save carry full names instead of structural keys.
                self.collect_params()._load_from(
                    stored, filename, ctx, allow_missing, ignore_extra, self.prefix
                )
                return
            if not allow_missing:
                names_of = defaultdict(list)
                for key, param in params.items():
                    names_of[param].append(key)
                for key, param in params.items():
                    if not any(k in loaded for k in names_of[param]):
                        raise AssertionError(
                            f"Parameter '{key}' is missing in file '{filename}', which "
                            f"contains parameters: {_brief_print_list(loaded.keys())}. Set "
                            f"allow_missing=True to ignore missing parameters."
                        )
            for key in loaded:
                if not ignore_extra and key not in params:
                    raise ValueError(
                        f"Parameter '{key}' loaded from file '{filename}' is not present in "
                        f"ParameterDict, which contains parameters "
                        f"{_brief_print_list(self._params.keys())}. Set ignore_extra=True to "
                        f"ignore. "
                    )
            load_checked(stored, [(key, params[key]) for key in loaded if key in params], ctx)

    save_params = save_parameters
    load_params = load_parameters

    # ------------------------------------------------------------------ hooks
    def register_forward_pre_hook(self, hook) -> HookHandle:
        """``hook(block, inputs)`` runs before ``forward``."""
        handle = HookHandle()
        handle.attach(self._forward_pre_hooks, hook)
        return handle

    def register_forward_hook(self, hook) -> HookHandle:
        """``hook(block, inputs, output)`` runs after ``forward``."""
        handle = HookHandle()
        handle.attach(self._forward_hooks, hook)
        return handle

    # ----------------------------------------------------------------- calling
    def __call__(self, *args):
        if self._forward_pre_hooks:
            for hook in list(self._forward_pre_hooks.values()):
                hook(self, args)
        try:
            out = self.forward(*args)
        except (AttributeError, TypeError) as err:
            _refuse_non_array_input(self, args, err)
            raise
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):
                hook(self, args, out)
        return out

    def forward(self, *args):
        raise NotImplementedError(f"{self.__class__.__name__} must define forward()")

    def summary(self, *inputs) -> None:
        """Print each layer's output shape and parameter count for one forward pass."""
        from .summary import print_summary

        print_summary(self, inputs)


class HybridBlock(Block):
    """A Block that may define ``hybrid_forward(F, x, **params)``; runs imperatively.

    ``F`` is the engine namespace with ``np``/``npx`` functions, and each
    registered parameter arrives as a keyword argument holding its data.
    """

    def forward(self, x, *args):
        from . import _hybrid_namespace

        params = {name: p.data() for name, p in self._reg_params.items()}
        return self.hybrid_forward(_hybrid_namespace.F, x, *args, **params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise NotImplementedError(
            f"{self.__class__.__name__} must define forward() or hybrid_forward()"
        )

    def export(self, path, epoch=0, remove_amp_cast=True):
        raise NotImplementedError("Exporting symbolic graphs is not part of the NumPy engine")

    def infer_shape(self, *args) -> None:
        """Run one forward pass so deferred shapes become known."""
        self(*args)
