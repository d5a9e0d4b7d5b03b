"""The train/test split that every generator returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np


class Split(NamedTuple):
    """Training and test arrays of one data set.

    A named tuple, so ``X_train, y_train, X_test, y_test = circle()`` works.

    Attributes
    ----------
    X_train, y_train : array
        Training features and targets.
    X_test, y_test : array
        Test features and targets; empty (zero rows) when the test fraction is 0.
    """

    X_train: Any
    y_train: Any
    X_test: Any
    y_test: Any

    def map(self, fn: Callable[[Any], Any]) -> Split:
        """Return a new split with ``fn`` applied to each of the four arrays."""
        return Split(*(fn(a) for a in self))


def check_fraction(test_fraction: float) -> float:
    """Validate a test fraction in [0, 1) and return it as a float."""
    fraction = float(test_fraction)
    if not 0.0 <= fraction < 1.0:
        raise ValueError(f"test_fraction must be in [0, 1), got {test_fraction!r}")
    return fraction


def shuffle_split(
    X: np.ndarray, y: np.ndarray, test_fraction: float, rng: np.random.Generator
) -> Split:
    """Shuffle ``X`` and ``y`` together and cut off the last part as the test set.

    Parameters
    ----------
    X, y : numpy.ndarray
        Features and targets with the same first dimension.
    test_fraction : float
        Share of the samples in the test set, in [0, 1); rounded to a whole count.
    rng : numpy.random.Generator
        Source of the permutation, so the split follows the generator's seed.

    Returns
    -------
    Split
        NumPy arrays.
    """
    fraction = check_fraction(test_fraction)
    n = len(X)
    n_test = int(round(n * fraction))
    # Generators emit samples grouped by class (the Playground does too), so the
    # split must shuffle or the test set would hold a single class.
    order = rng.permutation(n)
    train, test = order[: n - n_test], order[n - n_test :]
    return Split(X[train], y[train], X[test], y[test])
