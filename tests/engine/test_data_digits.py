"""The shipped 8x8 digits: the file, the loader and the split."""

import numpy as np
import pytest

from engine import np as enp
from engine.data import digits, flatten_images
from engine.data.optdigits import DIGITS_FILE, read_digits
from engine.data.optdigits import digits as digits_numpy


def test_file_loads_without_pickle():
    with np.load(DIGITS_FILE, allow_pickle=False) as data:
        assert set(data.files) == {"images", "labels"}
        assert data["images"].dtype == np.uint8 and data["images"].shape == (1797, 8, 8)
        assert data["labels"].shape == (1797,)


def test_attribution_ships_with_the_data():
    folder = DIGITS_FILE.parent
    text = (folder / "LICENSE.txt").read_text() + (folder / "README.md").read_text()
    for needed in ("Alpaydin", "Kaynak", "CC BY 4.0", "UCI", "scikit-learn"):
        assert needed in text


def test_raw_values():
    images, labels = read_digits()
    assert images.shape == (1797, 8, 8) and labels.dtype == np.int64
    assert images.min() == 0 and images.max() == 16
    assert sorted(np.unique(labels).tolist()) == list(range(10))
    # scikit-learn's copy: 178 zeros, 182 ones, ... and the first image is a 0.
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert labels[0] == 0 and images[0, 0].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


def test_split_shapes_dtypes_and_range():
    s = digits_numpy(test_fraction=0.2, seed=0)
    assert s.X_train.shape[1:] == (1, 8, 8) and s.X_test.shape[1:] == (1, 8, 8)
    assert len(s.X_train) + len(s.X_test) == 1797
    assert s.X_train.dtype == np.float32 and s.y_train.dtype == np.int64
    X = np.concatenate([s.X_train, s.X_test])
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.bincount(s.y_test, minlength=10).min() >= 34  # stratified: ~36 each


def test_split_covers_every_image_once():
    s = digits_numpy(test_fraction=0.3, seed=4)
    images, _ = read_digits()
    X = np.concatenate([s.X_train, s.X_test])[:, 0] * 16
    ordered = np.round(X).astype(np.uint8)
    assert sorted(map(bytes, ordered)) == sorted(map(bytes, images))


def test_split_is_seeded():
    a, b, c = digits_numpy(seed=1), digits_numpy(seed=1), digits_numpy(seed=2)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.y_train, c.y_train)


def test_flattened():
    s = digits_numpy(flatten=True, test_fraction=0.0)
    assert s.X_train.shape == (1797, 64) and s.X_test.shape == (0, 64)
    np.testing.assert_array_equal(
        flatten_images(digits_numpy().X_train), digits_numpy(flatten=True).X_train
    )


def test_engine_arrays():
    s = digits()
    assert isinstance(s.X_train, enp.ndarray) and isinstance(s.y_test, enp.ndarray)
    assert s.X_train.shape[1:] == (1, 8, 8)
    assert flatten_images(s.X_train).shape == (len(s.X_train), 64)


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(FileNotFoundError, match="digits data not found"):
        read_digits(tmp_path / "nope.npz")
