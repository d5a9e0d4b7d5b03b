"""The NumPy-level generators: shapes, dtypes, seeds, labels and balance."""

import numpy as np
import pytest

from engine.data import linear, playground_classification, playground_regression, teacher_mlp

CLASSIFIERS = [
    playground_classification.circle,
    playground_classification.xor,
    playground_classification.two_gaussians,
    playground_classification.spiral,
]
REGRESSORS = [playground_regression.plane, playground_regression.multi_gaussian]
ALL_2D = CLASSIFIERS + REGRESSORS


def assert_same(a, b):
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("make", CLASSIFIERS, ids=lambda f: f.__name__)
def test_classification_shapes_dtypes_labels(make):
    s = make(num_examples=500, noise=0.1, test_fraction=0.5, seed=1)
    assert s.X_train.shape == (250, 2) and s.X_test.shape == (250, 2)
    assert s.X_train.dtype == np.float32 and s.y_train.dtype == np.int64
    assert s.y_train.shape == (250,) and s.y_test.shape == (250,)
    labels = np.concatenate([s.y_train, s.y_test])
    assert set(np.unique(labels)) == {0, 1}
    # Half of each class by construction; label noise may move a few.
    assert 0.4 < labels.mean() < 0.6
    assert 0.35 < s.y_test.mean() < 0.65


@pytest.mark.parametrize("make", REGRESSORS, ids=lambda f: f.__name__)
def test_regression_shapes_and_range(make):
    s = make(num_examples=300, test_fraction=0.5, seed=1)
    assert s.X_train.shape == (150, 2) and s.y_train.shape == (150, 1)
    assert s.X_train.dtype == np.float32 and s.y_train.dtype == np.float32
    assert np.abs(s.X_train).max() <= 6.0
    # The Playground leaves the plane unclamped: (6 + 6) / 10 at the corners.
    assert np.abs(s.y_train).max() <= 1.2 + 1e-6


@pytest.mark.parametrize("make", ALL_2D, ids=lambda f: f.__name__)
def test_seed_reproducible_and_distinct(make):
    assert_same(make(seed=3, noise=0.2), make(seed=3, noise=0.2))
    assert not np.array_equal(make(seed=3).X_train, make(seed=4).X_train)


@pytest.mark.parametrize("make", ALL_2D, ids=lambda f: f.__name__)
def test_odd_count_and_test_fraction(make):
    s = make(num_examples=101, test_fraction=0.2, seed=0)
    assert len(s.X_train) + len(s.X_test) == 101
    assert len(s.X_test) == 20


def test_circle_without_noise_is_separated_by_radius():
    s = playground_classification.circle(noise=0.0)
    r = np.hypot(*s.X_train.T)
    assert np.all(r[s.y_train == 1] < 2.5) and np.all(r[s.y_train == 0] >= 3.5)


def test_xor_without_noise_follows_quadrants():
    s = playground_classification.xor(noise=0.0)
    x, y = s.X_train.T
    np.testing.assert_array_equal(s.y_train, (x * y >= 0).astype(np.int64))
    assert np.abs(s.X_train).min() >= 0.3 - 1e-6


def test_two_gaussians_centres():
    s = playground_classification.two_gaussians(num_examples=2000, test_fraction=0.0)
    np.testing.assert_allclose(s.X_train[s.y_train == 1].mean(0), [2, 2], atol=0.15)
    np.testing.assert_allclose(s.X_train[s.y_train == 0].mean(0), [-2, -2], atol=0.15)


def _linear_fit_accuracy(X, y):
    # Least squares on [x, 1] as a linear classifier: enough for a sanity check.
    A = np.hstack([X, np.ones((len(X), 1), np.float32)])
    w, *_ = np.linalg.lstsq(A, 2.0 * y - 1.0, rcond=None)
    return np.mean((A @ w > 0) == (y == 1))


def test_spiral_is_not_linearly_separable_but_gaussians_are():
    s = playground_classification.spiral(test_fraction=0.0)
    assert _linear_fit_accuracy(s.X_train, s.y_train) < 0.75
    s = playground_classification.two_gaussians(test_fraction=0.0)
    assert _linear_fit_accuracy(s.X_train, s.y_train) > 0.95


def test_plane_target_is_linear_without_noise():
    s = playground_regression.plane(noise=0.0)
    np.testing.assert_allclose(s.y_train[:, 0], s.X_train.sum(1) / 10, atol=1e-6)


def test_multi_gaussian_peaks_have_the_right_sign():
    s = playground_regression.multi_gaussian(num_examples=4000, test_fraction=0.0)
    near = np.hypot(s.X_train[:, 0] + 4, s.X_train[:, 1] - 2.5) < 0.5
    assert np.all(s.y_train[near] > 0.7)
    near = np.hypot(s.X_train[:, 0], s.X_train[:, 1] - 2.5) < 0.5
    assert np.all(s.y_train[near] < -0.7)


def test_synthetic_linear_matches_d2l():
    s = linear.synthetic_linear(num_examples=1000, seed=0)
    assert s.X_train.shape == (1000, 2) and s.y_train.shape == (1000, 1)
    assert s.X_test.shape == (0, 2) and s.y_test.shape == (0, 1)
    assert s.X_train.dtype == np.float32 and s.y_train.dtype == np.float32
    A = np.hstack([s.X_train, np.ones((1000, 1), np.float32)])
    coef, *_ = np.linalg.lstsq(A, s.y_train[:, 0], rcond=None)
    np.testing.assert_allclose(coef, [2, -3.4, 4.2], atol=5e-3)
    assert_same(linear.synthetic_linear(seed=7), linear.synthetic_linear(seed=7))


def test_synthetic_linear_custom_weights_and_split():
    s = linear.synthetic_linear(w=[1, 2, 3], b=0, num_examples=100, test_fraction=0.25)
    assert s.X_train.shape == (75, 3) and s.X_test.shape == (25, 3)


def test_teacher_classification():
    s = teacher_mlp.teacher(num_inputs=20, num_classes=10, num_examples=2000, seed=0)
    assert s.X_train.shape == (1600, 20) and s.X_train.dtype == np.float32
    assert s.y_train.shape == (1600,) and s.y_train.dtype == np.int64
    labels = np.concatenate([s.y_train, s.y_test])
    assert labels.min() >= 0 and labels.max() < 10
    counts = np.bincount(labels, minlength=10)
    assert counts.min() > 0.6 * 200 and counts.max() < 1.4 * 200
    assert_same(teacher_mlp.teacher(seed=5), teacher_mlp.teacher(seed=5))
    assert not np.array_equal(teacher_mlp.teacher(seed=5).y_train, teacher_mlp.teacher().y_train)


def test_teacher_labels_are_a_function_of_the_input():
    # Same seed, more samples: the teacher is the same network, so inputs that
    # occur in both sets get the same label (labels do not depend on the sample).
    small = teacher_mlp.teacher(num_examples=300, test_fraction=0.0, seed=2)
    large = teacher_mlp.teacher(num_examples=900, test_fraction=0.0, seed=2)
    label_of = {x.tobytes(): y for x, y in zip(large.X_train, large.y_train, strict=True)}
    shared = [(label_of[x.tobytes()], y) for x, y in zip(small.X_train, small.y_train, strict=True)]
    assert len(shared) == 300
    assert all(a == b for a, b in shared)


def test_teacher_regression():
    s = teacher_mlp.teacher(task="regression", num_inputs=5, num_examples=400, seed=0)
    assert s.X_train.shape == (320, 5) and s.y_train.shape == (320, 1)
    assert s.y_train.dtype == np.float32
    assert 0.5 < np.concatenate([s.y_train, s.y_test]).std() < 1.5


def test_teacher_label_noise_changes_some_labels():
    clean = teacher_mlp.teacher(seed=0, noise=0.0)
    noisy = teacher_mlp.teacher(seed=0, noise=0.3)
    np.testing.assert_array_equal(clean.X_train, noisy.X_train)
    changed = np.mean(clean.y_train != noisy.y_train)
    assert 0.15 < changed < 0.4


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: playground_classification.circle(num_examples=0), "num_examples"),
        (lambda: playground_classification.xor(noise=-1), "noise"),
        (lambda: playground_regression.plane(test_fraction=1.0), "test_fraction"),
        (lambda: linear.synthetic_linear(w=[]), "w must"),
        (lambda: teacher_mlp.teacher(task="ranking"), "task"),
        (lambda: teacher_mlp.teacher(num_classes=1), "num_classes"),
        (lambda: teacher_mlp.teacher(noise=2.0), "noise"),
    ],
)
def test_bad_arguments_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()
