"""``y += alpha · x`` in one pass, through the BLAS that NumPy already loaded.

NumPy has no fused multiply-add between arrays, so ``w -= lr · g`` costs two
passes over the weights (a scaled temporary, then the subtraction). For large
layers that second pass is a measurable share of an SGD step, so when NumPy's
OpenBLAS exports ``saxpy``/``daxpy`` we call it directly with ctypes; anywhere
else the NumPy two-pass form is used. Both give the same values.
"""

from __future__ import annotations

import ctypes
import glob
import os

import numpy as _onp

# (symbol, integer type) pairs, most specific first: NumPy ≥ 2 wheels ship
# scipy-openblas with an ILP64 interface and prefixed, suffixed symbols.
_CANDIDATES = {
    _onp.float32: (
        ("scipy_cblas_saxpy64_", ctypes.c_int64),
        ("cblas_saxpy64_", ctypes.c_int64),
        ("cblas_saxpy", ctypes.c_int),
    ),
    _onp.float64: (
        ("scipy_cblas_daxpy64_", ctypes.c_int64),
        ("cblas_daxpy64_", ctypes.c_int64),
        ("cblas_daxpy", ctypes.c_int),
    ),
}
_SCALAR = {_onp.float32: ctypes.c_float, _onp.float64: ctypes.c_double}
# Below this many elements the ctypes call costs more than the pass it saves.
MIN_SIZE = 4096


def _blas_libraries():
    folder = os.path.join(os.path.dirname(os.path.dirname(_onp.__file__)), "numpy.libs")
    for path in sorted(glob.glob(os.path.join(folder, "*openblas*.so*"))):
        try:
            # PyDLL: the call keeps the GIL. An axpy takes tens of microseconds; letting
            # go of the GIL for it (CDLL) let another thread (the window, while training
            # runs on a worker) take it for a whole repaint, a millisecond or more.
            yield ctypes.PyDLL(path)
        except OSError:
            continue


def _find_kernels() -> dict:
    kernels = {}
    for library in _blas_libraries():
        for dtype, candidates in _CANDIDATES.items():
            if dtype in kernels:
                continue
            for symbol, int_type in candidates:
                function = getattr(library, symbol, None)
                if function is None:
                    continue
                function.restype = None
                function.argtypes = [
                    int_type,
                    _SCALAR[dtype],
                    ctypes.c_void_p,
                    int_type,
                    ctypes.c_void_p,
                    int_type,
                ]
                kernels[dtype] = function
                break
    return kernels


_KERNELS = _find_kernels() if os.environ.get("ENGINE_NO_BLAS_AXPY") is None else {}


def has_blas() -> bool:
    """Whether the one-pass BLAS kernel is in use (float32)."""
    return _onp.float32 in _KERNELS


def _address(array: _onp.ndarray) -> int:
    return array.__array_interface__["data"][0]


def axpy(alpha: float, x: _onp.ndarray, y: _onp.ndarray, scratch: _onp.ndarray | None = None):
    """``y += alpha · x`` in place; ``scratch`` (shaped like ``x``) serves the NumPy path."""
    kernel = _KERNELS.get(y.dtype.type)
    if (
        kernel is not None
        and y.size >= MIN_SIZE
        and x.dtype == y.dtype
        and x.shape == y.shape
        and x.flags.c_contiguous
        and y.flags.c_contiguous
        and y.flags.writeable
    ):
        # ``__array_interface__``, not ``.ctypes.data``: the latter imports a module on
        # every call, which goes through any ``__import__`` hook (PySide6 installs one).
        kernel(y.size, alpha, _address(x), 1, _address(y), 1)
        return y
    if scratch is None:
        y += alpha * x
    else:
        _onp.multiply(x, alpha, out=scratch)
        y += scratch
    return y
