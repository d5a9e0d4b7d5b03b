"""Core layers: Sequential, Dense, Activation, Flatten, Dropout, Lambda (Gluon 1.x)."""

from __future__ import annotations

import numpy as _onp

from ... import autograd, random_state
from ...ops import nn as _nn_ops
from ...ops._common import attach, data, result, tape_entries
from ..block import Block, HybridBlock
from ..block_walk import block_repr, check_can_nest, run_sequential
from .activations import Activation

_fully_connected = _nn_ops.fully_connected

__all__ = [
    "Sequential",
    "HybridSequential",
    "Dense",
    "Flatten",
    "Dropout",
    "Lambda",
    "HybridLambda",
    "Identity",
]


class Sequential(Block):
    """Runs its children in the order they were added; ``net[i]`` and ``net[a:b]`` index them."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._layers = []

    # MXNet 1.9.1's Sequential accepts add(5) and fails later (AttributeError in
    # collect_params); the engine refuses at once, with HybridSequential's message.
    _NOT_A_BLOCK = (
        "Children of Sequential must be Blocks, but {block} has type {kind}. "
        "Add layers such as nn.Dense(10), not their arguments."
    )

    def add(self, *blocks) -> None:
        """Append blocks; each is registered as child ``'0'``, ``'1'``, ...

        Every block is checked first (a Block, no cycle, not too deep), so a
        failed ``add`` adds nothing.
        """
        for block in blocks:
            if not isinstance(block, Block):
                raise ValueError(self._NOT_A_BLOCK.format(block=block, kind=type(block)))
            check_can_nest(self, block)
        for block in blocks:
            self._layers.append(block)
            self.register_child(block)

    def forward(self, x, *args):
        # Nested plain Sequentials run in one loop (block_walk), so depth costs no stack.
        return run_sequential(self, x, args)

    def __repr__(self) -> str:
        return block_repr(self)

    def __getitem__(self, key):
        layers = list(self._children.values())[key]
        if isinstance(layers, list):
            net = type(self)(prefix=self._prefix)
            with net.name_scope():
                net.add(*layers)
            return net
        return layers

    def __len__(self) -> int:
        return len(self._children)


class HybridSequential(Sequential):
    """Sequential (hybridization is a no-op in the engine)."""

    _NOT_A_BLOCK = (
        "Children of HybridBlock must also be HybridBlock, but {block} has type "
        "{kind}. If you are using Sequential, please try HybridSequential instead."
    )


class Dense(HybridBlock):
    """A fully connected layer: ``act(x · weightᵀ + bias)``.

    ``weight`` has shape ``(units, in_units)``; with ``in_units=0`` it is
    inferred at the first forward pass (initialization is deferred until
    then). ``flatten=True`` folds all input axes but the first.
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        flatten=True,
        dtype="float32",
        weight_initializer=None,
        bias_initializer="zeros",
        in_units=0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self._flatten = flatten
        with self.name_scope():
            self._units = units
            self._in_units = in_units
            self.weight = self.params.get(
                "weight",
                shape=(units, in_units),
                init=weight_initializer,
                dtype=dtype,
                allow_deferred_init=True,
            )
            if use_bias:
                self.bias = self.params.get(
                    "bias",
                    shape=(units,),
                    init=bias_initializer,
                    dtype=dtype,
                    allow_deferred_init=True,
                )
            else:
                self.bias = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + "_")
            else:
                self.act = None

    def _infer_in_units(self, x) -> None:
        shape = data(x).shape
        in_units = int(_onp.prod(shape[1:])) if self._flatten else shape[-1]
        weight = self.weight
        if weight._shape[1] in (0, -1):
            weight.shape = (self._units, in_units)
        weight._finish_deferred_init()
        if self.bias is not None:
            self.bias._finish_deferred_init()

    def forward(self, x):
        weight = self.weight
        if weight._data is None:
            if not weight._deferred_init:
                weight.data()  # never initialized: raise before inferring any shape, as MXNet
            self._infer_in_units(x)
        weight_data = weight._data  # set by now (the branch above raises otherwise)
        bias = self.bias
        bias_data = None
        if bias is not None:
            bias_data = bias._data
            if bias_data is None:
                bias_data = bias.data()  # raises the not-initialized error
        act = self.act
        # (positional arguments: fully_connected's num_hidden, no_bias, flatten, act_type)
        if act is None:
            return _fully_connected(x, weight_data, bias_data, None, False, self._flatten)
        if act._forward_hooks or act._forward_pre_hooks:
            # Someone watches the activation (summary, a user hook): run it as its own block.
            return act(_fully_connected(x, weight_data, bias_data, None, False, self._flatten))
        return _fully_connected(
            x, weight_data, bias_data, None, False, self._flatten, act._act_type
        )

    def __repr__(self) -> str:
        shape = self.weight.shape
        act = self.act if self.act else "linear"
        return f"{self.__class__.__name__}({shape[1] if shape[1] else None} -> {shape[0]}, {act})"


class Flatten(HybridBlock):
    """Flattens every axis but the first: ``(N, C, H, W) -> (N, C*H*W)``."""

    def forward(self, x):
        return _nn_ops.batch_flatten(x)

    def __repr__(self) -> str:
        return self.__class__.__name__


class Identity(HybridBlock):
    """Returns its input unchanged."""

    def forward(self, x):
        return x

    def __repr__(self) -> str:
        return self.__class__.__name__


def _dropout(x, rate: float, axes=()):
    xd = data(x)
    keep = 1.0 - rate
    mask_shape = tuple(1 if i in axes else n for i, n in enumerate(xd.shape))
    mask = (random_state.generator().random(mask_shape) < keep).astype(xd.dtype) / keep
    out = result(xd * mask)
    entries = tape_entries((x,))
    if entries is not None:
        attach(out, entries, lambda g: (g * mask,), (), "dropout")
    return out


class Dropout(HybridBlock):
    """Zeroes a fraction ``rate`` of the inputs in training mode and rescales the rest."""

    def __init__(self, rate, axes=(), **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout rate must be in [0, 1), got {rate}")
        self._rate = rate
        self._axes = axes

    def forward(self, x):
        if self._rate > 0 and autograd.is_training():
            return _dropout(x, self._rate, self._axes)
        return x

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(p = {self._rate}, axes={self._axes})"


class Lambda(Block):
    """Wraps a function (or the name of an ``np``/``npx`` function) as a Block."""

    def __init__(self, function, prefix=None):
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            from ... import np, npx

            source = npx if hasattr(npx, function) else np
            if not hasattr(source, function):
                raise ValueError(f"Function name {function} is not found in np/npx.")
            self._func_impl = getattr(source, function)
        elif callable(function):
            self._func_impl = function
        else:
            raise ValueError(
                f"Unrecognized function in lambda: {function} of type {type(function)}"
            )

    def forward(self, *args):
        return self._func_impl(*args)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._func_impl.__name__})"


class HybridLambda(HybridBlock):
    """Wraps ``function(F, x, ...)`` (or an op name) as a Block."""

    def __init__(self, function, prefix=None):
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            name = function

            def function(F, *args):
                return getattr(F, name)(*args)

            function.__name__ = name
        elif not callable(function):
            raise ValueError(
                f"Unrecognized function in lambda: {function} of type {type(function)}"
            )
        self._func = function
        self._func_name = getattr(function, "__name__", "function")

    def forward(self, *args):
        from .._hybrid_namespace import F

        return self._func(F, *args)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._func_name})"


# MXNet defines these in gluon/nn/basic_layers.py; they live in their own modules
# here, and are exported (and named in type() output) as MXNet has them.
from .embedding_layers import Embedding  # noqa: E402
from .norm_layers import BatchNorm, LayerNorm  # noqa: E402

for _layer in (BatchNorm, LayerNorm, Embedding):
    _layer.__module__ = __name__
