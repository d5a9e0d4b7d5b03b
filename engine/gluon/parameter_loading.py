"""Loading a parameter file into Parameters: check everything, then write.

Used by ``Block.load_parameters`` and ``ParameterDict.load``. The declared
shape and dtype of every array are checked against its Parameter before any
data is read (so an oversized or foreign array costs nothing), then the values
are read and checked to fit the Parameter's dtype, and only then is anything
written: a load that fails changes nothing.
"""

from __future__ import annotations

import numpy as _onp

from .parameter import Parameter
from .serialization import ParameterFile, StoredArray

# Real numbers: bool, signed and unsigned integers, floats.
_REAL_KINDS = "biuf"


def _check_declared(param: Parameter, stored: StoredArray) -> None:
    if stored.dtype.kind not in _REAL_KINDS:
        raise AssertionError(
            f"Failed loading Parameter '{param.name}' from saved params: dtype incompatible: "
            f"saved {stored.dtype} is not a real number type"
        )
    shape = param.shape
    if shape is not None and (
        len(shape) != len(stored.shape)
        or any(own not in (-1, saved) for own, saved in zip(shape, stored.shape))
    ):
        raise AssertionError(
            f"Failed loading Parameter '{param.name}' from saved params: shape incompatible "
            f"expected {shape} vs saved {stored.shape}"
        )
    if 0 in stored.shape:
        raise AssertionError(
            f"Failed loading Parameter '{param.name}' from saved params: saved shape "
            f"{stored.shape} is empty, and a parameter has no empty dimension"
        )


def values_misfit(values: _onp.ndarray, target) -> str | None:
    """Why ``values`` cannot be stored as ``target`` without changing, or None if they can.

    Float values beyond the target's range would become inf; fractional,
    infinite or out-of-range values would be cut into an integer type.
    """
    target = _onp.dtype(target)
    if values.size == 0 or values.dtype.kind == "b":
        return None
    if target.kind == "f":
        if values.dtype.kind == "f" and values.dtype.itemsize <= target.itemsize:
            return None
        wide = values.astype(_onp.float64)
        finite = _onp.abs(wide[_onp.isfinite(wide)])
        if finite.size and finite.max() > _onp.finfo(target).max:
            return f"values up to {finite.max():g} do not fit in {target}"
    elif target.kind in "iu":
        if values.dtype.kind == "f" and not (
            _onp.isfinite(values).all() and (values == _onp.round(values)).all()
        ):
            return f"saved values are not whole numbers, but the parameter holds {target}"
        limits = _onp.iinfo(target)
        if values.min() < limits.min or values.max() > limits.max:
            return f"values do not fit in {target}"
    return None


def _check_values(param: Parameter, values: _onp.ndarray) -> None:
    problem = values_misfit(values, param.dtype)
    if problem:
        raise AssertionError(
            f"Failed loading Parameter '{param.name}' from saved params: {problem}"
        )


def load_checked(stored: ParameterFile, targets: list, ctx=None) -> None:
    """Load ``[(name in file, Parameter), ...]`` from ``stored``, all or nothing."""
    for key, param in targets:
        _check_declared(param, stored.index[key])
    values = [stored.read(key) for key, _param in targets]
    for (_key, param), value in zip(targets, values):
        _check_values(param, value)
    for (_key, param), value in zip(targets, values):
        param._load_init(value, ctx)
