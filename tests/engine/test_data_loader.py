"""ArrayDataset and DataLoader: batch counts, shuffling, dtypes and errors."""

import numpy as np
import pytest

from engine import np as enp
from engine.data import ArrayDataset, DataLoader, Dataset


def _np(a):
    return np.asarray(a.asnumpy())


def make_data(n=10):
    X = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n, dtype=np.int64)
    return X, y


def test_array_dataset_indexing():
    X, y = make_data()
    ds = ArrayDataset(X, y)
    assert len(ds) == 10
    xi, yi = ds[4]
    np.testing.assert_array_equal(xi, X[4])
    assert yi == 4
    single = ArrayDataset(X)
    np.testing.assert_array_equal(single[2], X[2])


def test_array_dataset_length_mismatch():
    with pytest.raises(ValueError, match="same length"):
        ArrayDataset(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="at least one"):
        ArrayDataset()


@pytest.mark.parametrize(
    ("mode", "sizes"),
    [("keep", [4, 4, 2]), ("discard", [4, 4]), ("rollover", [4, 4])],
)
def test_batch_counts(mode, sizes):
    X, y = make_data(10)
    loader = DataLoader(ArrayDataset(X, y), batch_size=4, last_batch=mode)
    assert len(loader) == len(sizes)
    batches = list(loader)
    assert [len(_np(xb)) for xb, _ in batches] == sizes
    assert all(_np(xb).shape[1:] == (3,) for xb, _ in batches)


def test_rollover_carries_leftover_into_next_epoch():
    X, y = make_data(10)
    loader = DataLoader(ArrayDataset(X, y), batch_size=4, last_batch="rollover")
    first = [_np(yb) for _, yb in loader]
    assert np.concatenate(first).tolist() == list(range(8))
    # Samples 8 and 9 come first in the next epoch, which now has 12 samples.
    assert len(loader) == 3
    second = [_np(yb) for _, yb in loader]
    assert np.concatenate(second).tolist() == [8, 9, *range(10)]
    # 12 samples made 3 full batches, nothing is left over for the third epoch.
    assert len(loader) == 2
    assert len(list(loader)) == 2


def test_keep_without_shuffle_preserves_order():
    X, y = make_data(10)
    labels = np.concatenate([_np(yb) for _, yb in DataLoader(ArrayDataset(X, y), 3)])
    np.testing.assert_array_equal(labels, y)


@pytest.mark.parametrize("batch_size", [1, 3, 7, 10, 64])
def test_shuffle_covers_every_sample_once(batch_size):
    X, y = make_data(50)
    loader = DataLoader(ArrayDataset(X, y), batch_size, shuffle=True, seed=0)
    for _ in range(3):
        batches = list(loader)
        labels = np.concatenate([_np(yb) for _, yb in batches])
        assert sorted(labels.tolist()) == list(range(50))
        # Features travel with their labels.
        for xb, yb in batches:
            np.testing.assert_array_equal(_np(xb), X[_np(yb)])


def test_shuffle_is_seeded_and_changes_between_epochs():
    X, y = make_data(100)

    def epochs(seed):
        loader = DataLoader(ArrayDataset(X, y), 10, shuffle=True, seed=seed)
        return [np.concatenate([_np(yb) for _, yb in loader]).tolist() for _ in range(2)]

    a, b = epochs(1), epochs(1)
    assert a == b
    assert a[0] != a[1]
    assert epochs(2)[0] != a[0]
    assert a[0] != list(range(100))


def test_batches_are_engine_arrays_with_dataset_dtypes():
    X, y = make_data(8)
    xb, yb = next(iter(DataLoader(ArrayDataset(X, y), 4)))
    assert isinstance(xb, enp.ndarray) and isinstance(yb, enp.ndarray)
    assert np.dtype(xb.dtype) == np.float32 and np.dtype(yb.dtype) == np.int64


def test_batches_do_not_alias_the_dataset():
    X, y = make_data(8)
    xb, _ = next(iter(DataLoader(ArrayDataset(X, y), 4)))
    xb[:] = -1
    assert X.min() >= 0


def test_plain_array_and_engine_array_inputs():
    X, _ = make_data(10)
    batches = list(DataLoader(X, batch_size=5))
    assert len(batches) == 2 and isinstance(batches[0], enp.ndarray)
    np.testing.assert_array_equal(_np(batches[1]), X[5:])
    engine_X = enp.array(X)
    batches = list(DataLoader(ArrayDataset(engine_X, np.arange(10)), batch_size=5))
    np.testing.assert_array_equal(_np(batches[0][0]), X[:5])


def test_generic_dataset_is_stacked():
    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.full(2, i * i, dtype=np.float32), i

    batches = list(DataLoader(Squares(), batch_size=2))
    assert len(batches) == 3
    np.testing.assert_array_equal(_np(batches[0][0]), [[0, 0], [1, 1]])
    np.testing.assert_array_equal(_np(batches[2][1]), [4])


def test_empty_dataset_yields_nothing():
    loader = DataLoader(np.zeros((0, 2), np.float32), batch_size=4)
    assert len(loader) == 0 and list(loader) == []


@pytest.mark.parametrize("batch_size", [0, -3, 2.5, None, True])
def test_bad_batch_size(batch_size):
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        DataLoader(np.zeros((4, 2)), batch_size)


def test_bad_last_batch():
    with pytest.raises(ValueError, match="last_batch must be one of"):
        DataLoader(np.zeros((4, 2)), 2, last_batch="pad")


def test_bad_dataset():
    with pytest.raises(ValueError, match="dataset must be"):
        DataLoader(42, 2)


def test_array_dataset_batches_without_a_per_sample_loop():
    # 100k samples in batches of 1000 must take well under a second; a per-sample
    # Python loop would not.
    import time

    X = np.zeros((100_000, 20), np.float32)
    y = np.zeros(100_000, np.int64)
    loader = DataLoader(ArrayDataset(X, y), 1000, shuffle=True, seed=0)
    start = time.perf_counter()
    assert sum(1 for _ in loader) == 100
    assert time.perf_counter() - start < 1.0
