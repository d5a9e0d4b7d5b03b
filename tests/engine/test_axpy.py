"""The one-pass ``y += alpha·x`` gives NumPy's values, with or without BLAS."""

import numpy as onp
import pytest

from engine.optimizer.axpy import axpy


@pytest.mark.parametrize("dtype", [onp.float32, onp.float64])
@pytest.mark.parametrize("size", [10, 5000, 70000])
def test_axpy_matches_numpy(dtype, size):
    rng = onp.random.default_rng(size)
    x = rng.normal(size=size).astype(dtype)
    y = rng.normal(size=size).astype(dtype)
    expected = y + dtype(-0.37) * x
    axpy(-0.37, x, y, onp.empty_like(x))
    onp.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-6)


def test_axpy_on_a_non_contiguous_view_falls_back_to_numpy():
    y = onp.zeros((200, 100), onp.float32)
    x = onp.ones((100, 200), onp.float32).T
    axpy(2.0, x, y)
    assert (y == 2).all()
