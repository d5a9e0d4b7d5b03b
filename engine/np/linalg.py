"""``engine.np.linalg``: ``norm`` is differentiable; the rest computes values only."""

from __future__ import annotations

import numpy as _onp

from ..ops import reduce as _reduce
from ..ops._common import data as _data
from ..ops._common import result as _result

norm = _reduce.norm


def svd(a, full_matrices=False):
    return tuple(_result(m) for m in _onp.linalg.svd(_data(a), full_matrices=full_matrices))


def inv(a):
    return _result(_onp.linalg.inv(_data(a)))


def det(a):
    return _result(_onp.linalg.det(_data(a)))


def eigh(a, UPLO="L"):  # noqa: N803 - MXNet's name
    return tuple(_result(m) for m in _onp.linalg.eigh(_data(a), UPLO=UPLO))


def qr(a, mode="reduced"):
    return tuple(_result(m) for m in _onp.linalg.qr(_data(a), mode=mode))
