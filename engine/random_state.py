"""The engine's global random generator.

Every random draw in the engine (``np.random.*``, initializers, dropout, data
shuffling without an explicit seed) comes from one NumPy ``Generator`` so that
``np.random.seed(n)`` makes a whole script repeatable, as ``mx.random.seed``
does in MXNet.
"""

import numpy as _onp

_generator = _onp.random.default_rng()


def generator() -> _onp.random.Generator:
    """Return the generator all engine random draws use."""
    return _generator


def seed(seed_state: int | None = None) -> None:
    """Re-seed the engine's generator (``None`` draws fresh OS entropy)."""
    global _generator
    _generator = _onp.random.default_rng(seed_state)
