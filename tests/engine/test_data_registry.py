"""The DATASETS menu and the engine-array layer of every generator."""

import numpy as np
import pytest

import engine.data as data
from engine import np as enp
from engine.data import DATASETS, load_dataset

EXPECTED_IDS = [
    "linear", "circle", "xor", "two-gaussians", "spiral",
    "plane", "multi-gaussian", "teacher", "digits",
]  # fmt: skip


def test_ids_in_menu_order():
    assert list(DATASETS) == EXPECTED_IDS
    assert len(DATASETS) == 9


@pytest.mark.parametrize("dataset_id", EXPECTED_IDS)
def test_description_matches_the_data(dataset_id):
    info = DATASETS[dataset_id]
    assert info.id == dataset_id and info.title and info.description
    assert info.task in ("classification", "regression")
    s = info.load(numpy=True)
    assert s.X_train.shape[1:] == info.input_shape
    assert s.y_train.shape[1:] == info.output_shape
    if info.task == "classification":
        assert s.y_train.dtype == np.int64
        assert 0 <= s.y_train.min() and s.y_train.max() < info.num_classes
        assert len(np.unique(s.y_train)) == info.num_classes
    else:
        assert info.num_classes is None and s.y_train.dtype == np.float32


@pytest.mark.parametrize("dataset_id", EXPECTED_IDS)
def test_factory_returns_engine_arrays(dataset_id):
    s = load_dataset(dataset_id, seed=3)
    reference = load_dataset(dataset_id, numpy=True, seed=3)
    for wrapped, plain in zip(s, reference, strict=True):
        assert isinstance(wrapped, enp.ndarray)
        assert np.dtype(wrapped.dtype) == plain.dtype
        np.testing.assert_array_equal(wrapped.asnumpy(), plain)


def test_public_functions_wrap_the_numpy_generators():
    s = data.synthetic_linear(num_examples=10)
    assert isinstance(s.X_train, enp.ndarray) and s.y_train.shape == (10, 1)
    X_train, y_train, X_test, y_test = data.spiral(num_examples=20)
    assert X_train.shape == (10, 2) and isinstance(y_test, enp.ndarray)
    assert "returns NumPy arrays" in data.circle.__doc__


def test_unknown_id():
    with pytest.raises(ValueError, match="unknown dataset id 'mnist'; choose one of 'linear'"):
        DATASETS["mnist"]
    with pytest.raises(ValueError, match="unknown dataset id"):
        load_dataset("moons")
    # Still a KeyError for Mapping users (``in``, ``get``).
    assert DATASETS.get("mnist") is None and "mnist" not in DATASETS
