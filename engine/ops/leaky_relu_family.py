"""The rest of MXNet's ``LeakyReLU`` operator family: PReLU, ELU, SELU and GELU.

(The plain leaky ReLU lives in :mod:`engine.ops.nn`.) GELU is the exact,
erf-based form MXNet 1.x uses; NumPy has no ``erf``, so it is computed with
a rational approximation accurate to about 1e-7, below float32 resolution.
"""

from __future__ import annotations

import numpy as _onp

from ._common import attach, result, tape_entries
from ._common import data as _buffer

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_LAMBDA = 1.0507009873554804934193349852946


def _float_buffer(x):
    values = _buffer(x)
    if not isinstance(values, _onp.ndarray) or values.dtype.kind != "f":
        values = _onp.asarray(values, dtype=_onp.float32)
    return values


def _unary(x, forward, derivative, name):
    """Record ``y = forward(x)`` with ``dy/dx = derivative(x, y)``."""
    xd = _float_buffer(x)
    y = forward(xd).astype(xd.dtype, copy=False)
    out = result(y)
    entries = tape_entries((x,))
    if entries is not None:
        attach(out, entries, lambda g: (g * derivative(xd, y),), (), name)
    return out


def elu(x, alpha=1.0):
    """``x`` for ``x > 0``, else ``alpha · (exp(x) − 1)``."""
    return _unary(
        x,
        lambda v: _onp.where(v > 0, v, alpha * _onp.expm1(_onp.minimum(v, 0))),
        lambda v, y: _onp.where(v > 0, 1.0, y + alpha).astype(v.dtype, copy=False),
        "elu",
    )


def selu(x):
    """Scaled ELU with the self-normalizing constants λ≈1.0507, α≈1.6733."""
    scale = SELU_LAMBDA * SELU_ALPHA
    return _unary(
        x,
        lambda v: _onp.where(v > 0, SELU_LAMBDA * v, scale * _onp.expm1(_onp.minimum(v, 0))),
        lambda v, y: _onp.where(v > 0, SELU_LAMBDA, y + scale).astype(v.dtype, copy=False),
        "selu",
    )


def erf(v):
    """Error function (Abramowitz & Stegun 7.1.26 refined; |error| < 1.5e-7)."""
    v = _onp.asarray(v)
    sign = _onp.sign(v)
    a = _onp.abs(v).astype(_onp.float64)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return (sign * (1.0 - poly * _onp.exp(-a * a))).astype(
        v.dtype if v.dtype.kind == "f" else _onp.float32, copy=False
    )


def gelu(x):
    """``x · Φ(x)`` with Φ the standard normal CDF (exact erf form, as MXNet 1.x)."""

    def cdf(v):
        return 0.5 * (1.0 + erf(v / _onp.sqrt(2.0)))

    def derivative(v, _y):
        return cdf(v) + v * _onp.exp(-0.5 * v * v) / _onp.sqrt(2.0 * _onp.pi)

    return _unary(x, lambda v: v * cdf(v), derivative, "gelu")


def prelu(x, alpha):
    """Leaky ReLU with a learned slope ``alpha``: one value, or one per channel (axis 1)."""
    xd = _float_buffer(x)
    ad = _float_buffer(alpha)
    if ad.ndim != 1 or (ad.shape[0] != 1 and (xd.ndim < 2 or xd.shape[1] != ad.shape[0])):
        raise ValueError(
            f"PReLU alpha has shape {ad.shape}; it must be (1,) or one slope per "
            f"channel (axis 1) of the input, whose shape is {xd.shape}"
        )
    slope = ad.reshape((1, -1) + (1,) * (xd.ndim - 2)) if ad.shape[0] != 1 else ad[0]
    negative = xd <= 0
    out = result(_onp.where(negative, xd * slope, xd).astype(xd.dtype, copy=False))
    entries = tape_entries((x, alpha))
    if entries is not None:

        def backward(g):
            gx = galpha = None
            if entries[0] is not None:
                gx = _onp.where(negative, g * slope, g)
            if entries[1] is not None:
                contrib = _onp.where(negative, g * xd, 0)
                if ad.shape[0] == 1:
                    galpha = contrib.sum().reshape(1)
                else:
                    galpha = contrib.sum(axis=tuple(i for i in range(xd.ndim) if i != 1))
            return gx, galpha

        attach(out, entries, backward, [a for a in (alpha,) if hasattr(a, "_vc")], "prelu")
    return out
