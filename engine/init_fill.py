"""Filling a parameter's buffer with random draws in place, a chunk at a time.

Initializing a 1.6 GB parameter used to need a float64 draw of every value
(3.2 GB) and a float32 copy on top of the buffer; drawing in chunks needs only
the buffer plus one chunk, and gives exactly the same values for the same seed.
"""

from __future__ import annotations

import numpy as _onp

from . import autograd as _ag
from . import random_state
from .ndarray import ndarray

__all__ = ["uniform_into", "normal_into"]

# Elements drawn per chunk: a float64 temporary of 32 MB however large the parameter.
_CHUNK = 1 << 22


def _fill_random(arr, draw) -> None:
    """Write ``draw(n)`` (float64 values) into ``arr`` in place, a chunk at a time.

    The generator yields the same sequence whether asked for n values at once
    or in pieces, so the values equal one big ``draw(size)`` cast to ``arr``'s
    dtype, without a full-size float64 temporary. An engine array records one
    write (its version moves once); a recorded or non-contiguous target takes
    the plain ``arr[:] = ...`` path.
    """
    engine_array = isinstance(arr, ndarray)
    buffer = arr._data if engine_array else arr
    tracked = (
        engine_array
        and _ag.is_recording()
        and (arr._node is not None or (arr._grad is not None and arr._grad_req != "null"))
    )
    if tracked or not isinstance(buffer, _onp.ndarray) or not buffer.flags.c_contiguous:
        arr[:] = draw(int(_onp.prod(arr.shape))).reshape(arr.shape).astype(_onp.float32)
        return
    flat = buffer.reshape(-1)
    for start in range(0, flat.size, _CHUNK):
        stop = min(start + _CHUNK, flat.size)
        # Through float32, as the whole-array path always did (a float64 parameter too).
        flat[start:stop] = draw(stop - start).astype(_onp.float32)
    if engine_array:
        arr._bump()


def uniform_into(arr, low, high) -> None:
    _fill_random(arr, lambda n: random_state.generator().uniform(low, high, n))


def normal_into(arr, loc, scale) -> None:
    _fill_random(arr, lambda n: random_state.generator().normal(loc, scale, n))
