"""Refusing values a real-valued array cannot hold, instead of NumPy's silent casts.

NumPy stores an object array of ``None`` into a float array as NaN and drops
the imaginary part of complex values (with only a warning). For a parameter
that is a silent corruption, so writes of such arrays raise instead.
"""

from __future__ import annotations

import numpy as _onp

_REAL_KINDS = "biuf"


def check_storable(target: _onp.ndarray, value) -> None:
    """Raise ValueError if ``value`` is a complex or object array and ``target`` is real."""
    if not isinstance(value, (_onp.ndarray, _onp.generic)):
        return
    if value.dtype.kind in "cO" and target.dtype.kind in _REAL_KINDS:
        raise ValueError(
            f"Cannot store {value.dtype} values in a {target.dtype} array: complex and object "
            f"values would be silently changed (imaginary parts dropped, None turned to NaN)"
        )
