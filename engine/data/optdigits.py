"""The 8x8 handwritten digits shipped in ``resources/digits`` (UCI optdigits, test set)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .split import Split, check_fraction

# engine/data/optdigits.py -> parents[2] is the repository (or install) root.
RESOURCES = Path(__file__).resolve().parents[2] / "resources"
DIGITS_FILE = RESOURCES / "digits" / "optdigits_8x8.npz"

# Pixel values count set pixels in a 4x4 block of the original 32x32 bitmap.
_MAX_VALUE = 16.0


def read_digits(path: Path | str = DIGITS_FILE) -> tuple[np.ndarray, np.ndarray]:
    """Read the raw digits file.

    Parameters
    ----------
    path : path-like, optional
        The ``.npz`` file; defaults to the shipped ``optdigits_8x8.npz``.

    Returns
    -------
    images : numpy.ndarray
        uint8 ``(1797, 8, 8)``, values 0..16.
    labels : numpy.ndarray
        int64 ``(1797,)``, values 0..9.

    Raises
    ------
    FileNotFoundError
        If the file is missing (ParamScope never downloads it).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"digits data not found at {path}; it ships with ParamScope in resources/digits"
        )
    # allow_pickle=False: the file holds plain arrays, and refusing pickles means
    # a tampered file cannot run code.
    with np.load(path, allow_pickle=False) as data:
        return data["images"].astype(np.uint8), data["labels"].astype(np.int64)


def digits(test_fraction=0.2, flatten=False, seed=0) -> Split:
    """The 1,797 digit images scaled to [0, 1], split into train and test sets.

    Parameters
    ----------
    test_fraction : float, default 0.2
        Share of the images held out. The split is stratified, so each digit
        appears in both sets in about the same proportion.
    flatten : bool, default False
        Return images as rows of 64 values (for Dense) instead of
        ``(1, 8, 8)`` channel-first images (for Conv2D).
    seed : int or None, default 0
        Seed of the split's shuffle.

    Returns
    -------
    Split
        X float32 ``(n, 1, 8, 8)`` or ``(n, 64)``, y int64 ``(n,)`` in 0..9.
    """
    fraction = check_fraction(test_fraction)
    images, labels = read_digits()
    X = images.astype(np.float32) / np.float32(_MAX_VALUE)
    X = X.reshape(len(X), 64) if flatten else X[:, None, :, :]
    rng = np.random.default_rng(seed)
    train, test = [], []
    # Stratify: with ~180 images per class a plain shuffle could still leave a
    # visibly uneven test set, which confuses per-class accuracy plots.
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        n_test = int(round(len(members) * fraction))
        test.append(members[:n_test])
        train.append(members[n_test:])
    train = rng.permutation(np.concatenate(train))
    test = rng.permutation(np.concatenate(test))
    return Split(X[train], labels[train], X[test], labels[test])


def flatten_images(X):
    """Reshape ``(n, 1, 8, 8)`` images to ``(n, 64)`` rows, e.g. to feed a Dense layer.

    Works on NumPy and engine arrays alike and returns the same kind.
    """
    return X.reshape(X.shape[0], -1)
