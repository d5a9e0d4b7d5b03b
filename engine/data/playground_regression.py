"""The two 2-D regression sets of the TensorFlow Playground.

Points are uniform in the square [-6, 6]^2; the target, in [-1, 1], is computed
at the point jittered by ``noise`` times a uniform offset in [-6, 6], as in
``dataset.ts`` of tensorflow/playground.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_count, check_noise
from .split import Split, shuffle_split

_RADIUS = 6.0

# (center x, center y, sign) of the six bumps of the Playground's "multi gaussian".
_BUMPS = np.array(
    [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]],
    dtype=np.float64,
)


def _sample(num_examples, noise, seed):
    """Uniform points, their jittered copies used for the target, and the generator."""
    n = check_count("num_examples", num_examples)
    noise = check_noise(noise)
    rng = np.random.default_rng(seed)
    points = rng.uniform(-_RADIUS, _RADIUS, size=(n, 2))
    jittered = points + rng.uniform(-_RADIUS, _RADIUS, size=(n, 2)) * noise
    return points, jittered, rng


def _finish(points, target, test_fraction, rng) -> Split:
    """Cast to float32, make the target a column, and split."""
    X = points.astype(np.float32)
    y = target.reshape(-1, 1).astype(np.float32)
    return shuffle_split(X, y, test_fraction, rng)


def plane(num_examples=500, noise=0.0, test_fraction=0.5, seed=0) -> Split:
    """A tilted plane: ``y = (x1 + x2) / 10``.

    Parameters
    ----------
    num_examples : int, default 500
    noise : float, default 0.0
        Jitter of the point at which the target is taken (Playground: 0 to 0.5).
    test_fraction : float, default 0.5
    seed : int or None, default 0

    Returns
    -------
    Split
        X float32 ``(n, 2)``, y float32 ``(n, 1)``.
    """
    points, jittered, rng = _sample(num_examples, noise, seed)
    # The Playground maps x + y from [-10, 10] linearly onto [-1, 1], unclamped.
    target = jittered.sum(axis=1) / 10.0
    return _finish(points, target, test_fraction, rng)


def multi_gaussian(num_examples=500, noise=0.0, test_fraction=0.5, seed=0) -> Split:
    """Six bumps of alternating sign on a 3 x 2 grid.

    Each bump is ``sign * max(0, 1 - distance / 2)``; the target is the bump of
    largest magnitude at that point.

    Parameters
    ----------
    num_examples : int, default 500
    noise : float, default 0.0
    test_fraction : float, default 0.5
    seed : int or None, default 0

    Returns
    -------
    Split
        X float32 ``(n, 2)``, y float32 ``(n, 1)``.
    """
    points, jittered, rng = _sample(num_examples, noise, seed)
    dist = np.hypot(
        jittered[:, None, 0] - _BUMPS[None, :, 0], jittered[:, None, 1] - _BUMPS[None, :, 1]
    )
    bumps = _BUMPS[None, :, 2] * np.clip(1.0 - dist / 2.0, 0.0, 1.0)
    # Strongest bump wins; argmax takes the first on ties, like the Playground's
    # strict ">" scan over the list.
    strongest = np.abs(bumps).argmax(axis=1)
    target = bumps[np.arange(len(bumps)), strongest]
    return _finish(points, target, test_fraction, rng)
