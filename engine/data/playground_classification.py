"""The four 2-D classification sets of the TensorFlow Playground.

Each follows ``dataset.ts`` of tensorflow/playground: the same point clouds and
the same use of ``noise`` (0 to 0.5 there), with labels 1/-1 mapped to 1/0 and
the Playground's defaults of 500 points split half and half into train and test.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_count, check_noise
from .split import Split, shuffle_split


def _finish(x, y, labels, test_fraction, rng) -> Split:
    """Stack coordinates as float32 features, labels as int64, and split."""
    X = np.stack([x, y], axis=1).astype(np.float32)
    return shuffle_split(X, labels.astype(np.int64), test_fraction, rng)


def _halves(num_examples) -> tuple[int, int]:
    """Sizes of the two classes; the second takes the odd sample."""
    n = check_count("num_examples", num_examples, minimum=2)
    return n // 2, n - n // 2


def circle(num_examples=500, noise=0.0, test_fraction=0.5, seed=0) -> Split:
    """A disc of class 1 inside a ring of class 0.

    Points of class 1 lie within radius 2.5, class 0 between 3.5 and 5. As in
    the Playground, noise jitters the point used for the label, not the stored
    point, so noisy labels appear near the boundary.

    Parameters
    ----------
    num_examples : int, default 500
    noise : float, default 0.0
        Label noise; the Playground's slider spans 0 to 0.5.
    test_fraction : float, default 0.5
    seed : int or None, default 0

    Returns
    -------
    Split
        X float32 ``(n, 2)``, y int64 ``(n,)`` in {0, 1}.
    """
    noise = check_noise(noise)
    n_in, n_out = _halves(num_examples)
    rng = np.random.default_rng(seed)
    radius = 5.0
    r = np.concatenate(
        [rng.uniform(0, radius * 0.5, n_in), rng.uniform(radius * 0.7, radius, n_out)]
    )
    angle = rng.uniform(0, 2 * np.pi, n_in + n_out)
    x, y = r * np.sin(angle), r * np.cos(angle)
    jitter = rng.uniform(-radius, radius, size=(2, x.size)) * noise
    labels = np.hypot(x + jitter[0], y + jitter[1]) < radius * 0.5
    return _finish(x, y, labels, test_fraction, rng)


def xor(num_examples=500, noise=0.0, test_fraction=0.5, seed=0) -> Split:
    """Four quadrants: class 1 where ``x * y >= 0``, class 0 elsewhere.

    Coordinates are uniform in [-5, 5] pushed 0.3 away from the axes, leaving a
    gap; noise jitters the point used for the label.

    Parameters
    ----------
    num_examples : int, default 500
    noise : float, default 0.0
    test_fraction : float, default 0.5
    seed : int or None, default 0

    Returns
    -------
    Split
        X float32 ``(n, 2)``, y int64 ``(n,)`` in {0, 1}.
    """
    noise = check_noise(noise)
    n = check_count("num_examples", num_examples)
    rng = np.random.default_rng(seed)
    padding = 0.3
    x = rng.uniform(-5, 5, n)
    x += np.where(x > 0, padding, -padding)
    y = rng.uniform(-5, 5, n)
    y += np.where(y > 0, padding, -padding)
    jitter = rng.uniform(-5, 5, size=(2, n)) * noise
    labels = (x + jitter[0]) * (y + jitter[1]) >= 0
    return _finish(x, y, labels, test_fraction, rng)


def two_gaussians(num_examples=500, noise=0.0, test_fraction=0.5, seed=0) -> Split:
    """Two Gaussian blobs, class 1 around (2, 2) and class 0 around (-2, -2).

    The variance grows linearly from 0.5 at noise 0 to 4 at noise 0.5, as in
    the Playground, so the blobs overlap more with more noise.

    Parameters
    ----------
    num_examples : int, default 500
    noise : float, default 0.0
    test_fraction : float, default 0.5
    seed : int or None, default 0

    Returns
    -------
    Split
        X float32 ``(n, 2)``, y int64 ``(n,)`` in {0, 1}.
    """
    noise = check_noise(noise)
    n_pos, n_neg = _halves(num_examples)
    rng = np.random.default_rng(seed)
    variance = 0.5 + noise / 0.5 * (4.0 - 0.5)
    centers = np.repeat([[2.0, 2.0], [-2.0, -2.0]], [n_pos, n_neg], axis=0)
    points = centers + rng.normal(0.0, np.sqrt(variance), size=centers.shape)
    labels = np.repeat([1, 0], [n_pos, n_neg])
    return _finish(points[:, 0], points[:, 1], labels, test_fraction, rng)


def spiral(num_examples=500, noise=0.0, test_fraction=0.5, seed=0) -> Split:
    """Two interleaved spirals, each turning 1.75 times; class 0 is class 1 rotated by pi.

    Noise adds uniform jitter in ``[-noise, noise]`` to both coordinates.

    Parameters
    ----------
    num_examples : int, default 500
    noise : float, default 0.0
    test_fraction : float, default 0.5
    seed : int or None, default 0

    Returns
    -------
    Split
        X float32 ``(n, 2)``, y int64 ``(n,)`` in {0, 1}.
    """
    noise = check_noise(noise)
    n_pos, n_neg = _halves(num_examples)
    rng = np.random.default_rng(seed)
    xs, ys, labels = [], [], []
    for count, delta, label in ((n_pos, 0.0, 1), (n_neg, np.pi, 0)):
        # The Playground divides by the class size, so each arm spans radius 0..5.
        frac = np.arange(count) / count
        r = frac * 5.0
        t = 1.75 * frac * 2 * np.pi + delta
        xs.append(r * np.sin(t) + rng.uniform(-1, 1, count) * noise)
        ys.append(r * np.cos(t) + rng.uniform(-1, 1, count) * noise)
        labels.append(np.full(count, label))
    x, y, labels = np.concatenate(xs), np.concatenate(ys), np.concatenate(labels)
    return _finish(x, y, labels, test_fraction, rng)
