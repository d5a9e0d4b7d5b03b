"""``Spread``: the distribution an initializer promises for a parameter of a given shape.

``Initializer.expected_spread(shape, name)`` returns one (or None where no
closed form exists); the explorer draws it over a histogram of the values, so a
learner sees whether they look like what the initializer promises. Pure Python
and NumPy, re-exported as ``engine.initializer.Spread``.

Fans of an N-D shape follow MXNet 1.9.1: ``fan_in = shape[1] * ∏shape[2:]``,
``fan_out = shape[0] * ∏shape[2:]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as _onp

__all__ = ["Spread", "fans", "xavier_scale"]


@dataclass(frozen=True)
class Spread:
    """A distribution to compare values with.

    Attributes
    ----------
    kind : {'uniform', 'normal', 'constant'}
    label : str
        What a legend says, e.g. ``'Xavier: U(±0.147)'``.
    low, high : float
        Bounds of a uniform distribution (``kind='uniform'``).
    sigma : float
        Standard deviation of a zero-mean normal (``kind='normal'``).
    value : float
        The single value of a constant initializer (``kind='constant'``).
    approximate : bool
        True when the values only roughly follow this curve (Orthogonal).
    fan_in, fan_out : float or None
        The fans the formula used (Xavier, MSRAPrelu, Orthogonal), else None.
    """

    kind: str
    label: str
    low: float = 0.0
    high: float = 0.0
    sigma: float = 0.0
    value: float = 0.0
    approximate: bool = False
    fan_in: float | None = None
    fan_out: float | None = None

    @property
    def std(self) -> float:
        """Standard deviation of the distribution."""
        if self.kind == "uniform":
            return (self.high - self.low) / math.sqrt(12.0)
        if self.kind == "normal":
            return self.sigma
        return 0.0

    def extent(self) -> tuple:
        """The x range worth showing: the bounds, ±3σ, or the value."""
        if self.kind == "uniform":
            return self.low, self.high
        if self.kind == "normal":
            return -3.0 * self.sigma, 3.0 * self.sigma
        return self.value, self.value

    def cdf(self, x) -> _onp.ndarray:
        """Probability that a draw is ≤ ``x``."""
        x = _onp.asarray(x, dtype=_onp.float64)
        if self.kind == "uniform":
            return _onp.clip((x - self.low) / (self.high - self.low), 0.0, 1.0)
        if self.kind == "normal":
            scaled = x / (self.sigma * math.sqrt(2.0))
            return 0.5 * (1.0 + _onp.vectorize(math.erf, otypes=[float])(scaled))
        return (x >= self.value).astype(_onp.float64)

    def density(self, x) -> _onp.ndarray:
        """Probability density at ``x`` (not defined for a constant)."""
        x = _onp.asarray(x, dtype=_onp.float64)
        if self.kind == "uniform":
            width = self.high - self.low
            return _onp.where((x >= self.low) & (x <= self.high), 1.0 / width, 0.0)
        if self.kind == "normal":
            return _onp.exp(-0.5 * (x / self.sigma) ** 2) / (self.sigma * math.sqrt(2 * math.pi))
        raise ValueError("A constant has no density; draw a line at its value instead")


def fans(shape: tuple) -> tuple:
    """``(fan_in, fan_out)`` of a shape of at least 2 dimensions, as Xavier computes them."""
    receptive = float(_onp.prod(shape[2:])) if len(shape) > 2 else 1.0
    return shape[1] * receptive, shape[0] * receptive


def xavier_scale(shape: tuple, factor_type: str = "avg", magnitude: float = 3.0) -> float:
    """``sqrt(magnitude / factor)`` as Xavier computes it for ``shape`` (at least 2-D)."""
    fan_in, fan_out = fans(shape)
    factor = {"avg": (fan_in + fan_out) / 2.0, "in": fan_in, "out": fan_out}.get(factor_type)
    if factor is None:
        raise ValueError(f"Incorrect factor type {factor_type!r}: use 'avg', 'in' or 'out'")
    return math.sqrt(float(magnitude) / factor)
