"""Activation layers: Activation, LeakyReLU, PReLU, ELU, SELU, Swish, GELU (Gluon 1.x).

Arguments, parameter names and printed forms follow MXNet 1.9.1's
``gluon/nn/activations.py`` (only LeakyReLU has its own repr there; the
others print as a plain Block).
"""

from __future__ import annotations

from ... import initializer
from ...ops import leaky_relu_family as _family
from ...ops import nn as _nn_ops
from ...ops import unary as _unary
from ..block import HybridBlock

__all__ = ["Activation", "LeakyReLU", "PReLU", "ELU", "SELU", "Swish", "GELU"]


class Activation(HybridBlock):
    """An activation: ``'relu'``, ``'sigmoid'``, ``'tanh'``, ``'softrelu'``, ``'softsign'``."""

    def __init__(self, activation, **kwargs):
        if activation not in _nn_ops.ACTIVATIONS:
            raise ValueError(
                f"Unknown activation {activation!r}; choose one of {', '.join(_nn_ops.ACTIVATIONS)}"
            )
        self._act_type = activation
        super().__init__(**kwargs)

    def _alias(self) -> str:
        return self._act_type

    @property
    def act_type(self) -> str:
        """The activation's name, e.g. ``'relu'``."""
        return self._act_type

    def forward(self, x):
        return _nn_ops.activation(x, self._act_type)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._act_type})"


class LeakyReLU(HybridBlock):
    """``x`` for ``x > 0``, else ``alpha · x``."""

    def __init__(self, alpha, **kwargs):
        if alpha < 0:
            raise ValueError("Slope coefficient for LeakyReLU must be no less than 0.")
        super().__init__(**kwargs)
        self._alpha = alpha

    def forward(self, x):
        return _nn_ops.leaky_relu(x, slope=self._alpha)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._alpha})"


class PReLU(HybridBlock):
    """Leaky ReLU whose slope ``alpha`` is learned: one value, or one per channel (axis 1)."""

    def __init__(self, alpha_initializer=None, in_channels=1, **kwargs):
        super().__init__(**kwargs)
        if alpha_initializer is None:  # MXNet's default argument, built per layer
            alpha_initializer = initializer.Constant(0.25)
        with self.name_scope():
            self.alpha = self.params.get("alpha", shape=(in_channels,), init=alpha_initializer)

    def forward(self, x):
        return _family.prelu(x, self.alpha.data())


class ELU(HybridBlock):
    """``x`` for ``x > 0``, else ``alpha · (exp(x) − 1)``."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self._alpha = alpha

    def forward(self, x):
        return _family.elu(x, self._alpha)


class SELU(HybridBlock):
    """Scaled ELU with the self-normalizing constants."""

    def forward(self, x):
        return _family.selu(x)


class Swish(HybridBlock):
    """``x · sigmoid(beta · x)``."""

    def __init__(self, beta=1.0, **kwargs):
        super().__init__(**kwargs)
        self._beta = beta

    def forward(self, x):
        return x * _unary.sigmoid(self._beta * x)


class GELU(HybridBlock):
    """``x · Φ(x)`` (the exact, erf-based GELU of MXNet 1.x)."""

    def forward(self, x):
        return _family.gelu(x)
