"""D2L's synthetic linear-regression data (``synthetic_data`` in chapter 3)."""

from __future__ import annotations

import numpy as np

from ._checks import check_count, check_noise
from .split import Split, shuffle_split


def synthetic_linear(
    w=(2.0, -3.4), b=4.2, num_examples=1000, noise=0.01, test_fraction=0.0, seed=0
) -> Split:
    """Generate ``y = Xw + b + noise`` as in D2L's ``synthetic_data``.

    Parameters
    ----------
    w : sequence of float, default (2, -3.4)
        True weights; their count is the number of features.
    b : float, default 4.2
        True bias.
    num_examples : int, default 1000
        Number of samples.
    noise : float, default 0.01
        Standard deviation of the Gaussian noise added to ``y``.
    test_fraction : float, default 0.0
        Share held out as a test set. D2L trains on all samples, hence 0.
    seed : int or None, default 0
        Seed of ``numpy.random.default_rng``; ``None`` for fresh randomness.

    Returns
    -------
    Split
        NumPy arrays: X float32 ``(n, len(w))``, y float32 ``(n, 1)``.
    """
    n = check_count("num_examples", num_examples)
    sigma = check_noise(noise)
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    if w.size == 0:
        raise ValueError("w must hold at least one weight")
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 1.0, size=(n, w.size))
    y = X @ w + float(b) + rng.normal(0.0, sigma, size=n)
    # Compute in float64, store float32: the engine's default dtype.
    return shuffle_split(
        X.astype(np.float32), y.reshape(-1, 1).astype(np.float32), test_fraction, rng
    )
