"""``engine.np.random``: draws from the engine's global generator, float32 by default."""

from __future__ import annotations

import numpy as _onp

from .. import random_state
from ..ndarray import DEFAULT_DTYPE, ndarray


def _out(values, dtype, out=None):
    values = _onp.asarray(values, dtype=DEFAULT_DTYPE if dtype is None else dtype)
    if out is not None:
        out[...] = values
        return out
    return ndarray._wrap(values)


def _value(x):
    return x._data if isinstance(x, ndarray) else x


def seed(seed=None, ctx="all") -> None:
    """Seed every engine random draw (initializers, dropout, data shuffling)."""
    random_state.seed(seed)


def uniform(low=0.0, high=1.0, size=None, dtype=None, ctx=None, out=None, device=None):
    values = random_state.generator().uniform(_value(low), _value(high), size)
    return _out(values, dtype, out)


def normal(loc=0.0, scale=1.0, size=None, dtype=None, ctx=None, out=None, device=None):
    values = random_state.generator().normal(_value(loc), _value(scale), size)
    return _out(values, dtype, out)


def randn(*size):
    return _out(random_state.generator().standard_normal(size), None)


def rand(*size):
    return _out(random_state.generator().random(size), None)


def randint(low, high=None, size=None, dtype=None, ctx=None, out=None, device=None):
    values = random_state.generator().integers(low, high, size)
    return _out(values, _onp.int64 if dtype is None else dtype, out)


def choice(a, size=None, replace=True, p=None, ctx=None, out=None):
    values = random_state.generator().choice(_value(a), size=size, replace=replace, p=_value(p))
    return _out(values, _onp.asarray(values).dtype, out)


def permutation(x):
    return ndarray._wrap(random_state.generator().permutation(_value(x)))


def shuffle(x) -> None:
    """Shuffle ``x`` in place along its first axis."""
    random_state.generator().shuffle(x._data)
    x._bump()


def gamma(shape=1.0, scale=1.0, size=None, dtype=None, ctx=None, out=None):
    return _out(random_state.generator().gamma(shape, scale, size), dtype, out)


def exponential(scale=1.0, size=None, ctx=None, out=None):
    return _out(random_state.generator().exponential(scale, size), None, out)


def bernoulli(prob=0.5, size=None, dtype=None, ctx=None, out=None):
    return _out(random_state.generator().random(size) < prob, dtype, out)
