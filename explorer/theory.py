"""The spread an engine initializer is expected to give a parameter of a given shape.

The tensor view draws it over the histogram of the values, so a learner sees
whether the values look like what the initializer promises (and how training
moves them away from it). Pure Python + NumPy: no Qt, testable on its own.

The formulas mirror ``engine/initializer.py`` (MXNet 1.9.1): fans of an N-D
shape are ``shape[1] * ∏shape[2:]`` (in) and ``shape[0] * ∏shape[2:]`` (out).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine import init

__all__ = ["TheoreticalSpread", "theoretical_spread", "xavier_scale"]


@dataclass(frozen=True)
class TheoreticalSpread:
    """A distribution to draw over a histogram.

    Attributes
    ----------
    kind : {'uniform', 'normal', 'constant'}
    low, high : float
        Bounds of a uniform distribution (``kind='uniform'``).
    sigma : float
        Standard deviation of a zero-mean normal (``kind='normal'``).
    value : float
        The single value of a constant initializer (``kind='constant'``).
    label : str
        What the legend says, e.g. ``'Xavier: U(±0.147)'``.
    approximate : bool
        True when the values only roughly follow this curve (Orthogonal).
    """

    kind: str
    label: str
    low: float = 0.0
    high: float = 0.0
    sigma: float = 0.0
    value: float = 0.0
    approximate: bool = False

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

    def cdf(self, x: np.ndarray) -> np.ndarray:
        """Probability that a draw is ≤ ``x``."""
        x = np.asarray(x, dtype=np.float64)
        if self.kind == "uniform":
            return np.clip((x - self.low) / (self.high - self.low), 0.0, 1.0)
        if self.kind == "normal":
            scaled = x / (self.sigma * math.sqrt(2.0))
            return 0.5 * (1.0 + np.vectorize(math.erf, otypes=[float])(scaled))
        return (x >= self.value).astype(np.float64)

    def density(self, x: np.ndarray) -> np.ndarray:
        """Probability density at ``x`` (not defined for a constant)."""
        x = np.asarray(x, dtype=np.float64)
        if self.kind == "uniform":
            width = self.high - self.low
            return np.where((x >= self.low) & (x <= self.high), 1.0 / width, 0.0)
        if self.kind == "normal":
            return np.exp(-0.5 * (x / self.sigma) ** 2) / (self.sigma * math.sqrt(2 * math.pi))
        raise ValueError("A constant has no density; draw a line at its value instead")


def _fans(shape: tuple) -> tuple:
    receptive = float(np.prod(shape[2:])) if len(shape) > 2 else 1.0
    return shape[1] * receptive, shape[0] * receptive


def xavier_scale(shape: tuple, factor_type: str = "avg", magnitude: float = 3.0) -> float:
    """``sqrt(magnitude / factor)`` as Xavier computes it for ``shape`` (at least 2-D)."""
    fan_in, fan_out = _fans(shape)
    factor = {"avg": (fan_in + fan_out) / 2.0, "in": fan_in, "out": fan_out}.get(factor_type)
    if factor is None:
        raise ValueError(f"Incorrect factor type {factor_type!r}: use 'avg', 'in' or 'out'")
    return math.sqrt(float(magnitude) / factor)


def _uses_own_rule(initializer, klass) -> bool:
    # A subclass that overrides _init_weight draws something else: its spread is unknown.
    return type(initializer)._init_weight is klass._init_weight


def theoretical_spread(initializer, shape, name: str = "") -> TheoreticalSpread | None:
    """The spread ``initializer`` gives a parameter of ``shape``, or None if unknown.

    Parameters
    ----------
    initializer : engine.init.Initializer or str or None
        Usually ``param.last_initializer``.
    shape : tuple of int
        The parameter's (known) shape.
    name : str
        The parameter's name, used by ``init.Mixed`` to pick its initializer.

    Returns
    -------
    TheoreticalSpread or None
        None for custom initializers, Bilinear, LSTMBias, Load, array-valued
        Constant, and Xavier on a vector (which Xavier refuses).
    """
    if initializer is None:
        return None
    try:
        initializer = init.create(initializer)
    except (TypeError, ValueError):
        return None
    shape = tuple(int(d) for d in shape)
    if isinstance(initializer, init.Mixed):
        chosen = next((i for pattern, i in initializer.map if pattern.match(name)), None)
        return theoretical_spread(chosen, shape, name)
    if isinstance(initializer, init.Xavier) and _uses_own_rule(initializer, init.Xavier):
        return _xavier(initializer, shape)
    if isinstance(initializer, init.Uniform) and _uses_own_rule(initializer, init.Uniform):
        scale = float(initializer.scale)
        return TheoreticalSpread("uniform", f"Uniform: U(±{scale:.4g})", -scale, scale)
    if isinstance(initializer, init.Normal) and _uses_own_rule(initializer, init.Normal):
        sigma = float(initializer.sigma)
        return TheoreticalSpread("normal", f"Normal: N(0, {sigma:.4g}²)", sigma=sigma)
    if isinstance(initializer, init.Orthogonal) and _uses_own_rule(initializer,
                                                                  init.Orthogonal):
        return _orthogonal(initializer, shape)
    constant = _constant_value(initializer)
    if constant is not None:
        name = type(initializer).__name__
        return TheoreticalSpread("constant", f"{name}: {constant:.4g}", value=constant)
    return None


def _xavier(initializer, shape: tuple) -> TheoreticalSpread | None:
    if len(shape) < 2:
        return None
    scale = xavier_scale(shape, initializer.factor_type, initializer.magnitude)
    name = type(initializer).__name__
    if initializer.rnd_type == "uniform":
        return TheoreticalSpread("uniform", f"{name}: U(±{scale:.4g})", -scale, scale)
    if initializer.rnd_type == "gaussian":
        return TheoreticalSpread("normal", f"{name}: N(0, {scale:.4g}²)", sigma=scale)
    return None


def _orthogonal(initializer, shape: tuple) -> TheoreticalSpread | None:
    """Approximate: entries of ``scale`` × an orthonormal (nout, nin) factor.

    The orthonormal rows (or columns, whichever are fewer) have unit length, so
    each entry has variance ``1 / max(nout, nin)``; for large matrices the
    entries are close to Gaussian with that variance.
    """
    if len(shape) < 1 or shape[0] == 0:
        return None
    nout, nin = shape[0], int(np.prod(shape[1:])) if len(shape) > 1 else 1
    sigma = float(initializer.scale) / math.sqrt(max(nout, nin))
    return TheoreticalSpread("normal", f"Orthogonal: ≈N(0, {sigma:.4g}²)", sigma=sigma,
                             approximate=True)


def _constant_value(initializer) -> float | None:
    if isinstance(initializer, init.Zero) and _uses_own_rule(initializer, init.Zero):
        return 0.0
    if isinstance(initializer, init.One) and _uses_own_rule(initializer, init.One):
        return 1.0
    if isinstance(initializer, init.Constant) and _uses_own_rule(initializer, init.Constant):
        value = initializer.value
        if np.ndim(value) == 0:
            return float(np.asarray(value))
    return None
