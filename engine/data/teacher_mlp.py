"""Data labelled by a fixed random network (a "teacher"), so a student MLP can learn it.

D2L's parameter-management chapter builds ``Dense(256) -> Dense(10)`` on 20
inputs but never trains it on anything; a teacher of the same input width gives
it a task that is learnable by construction.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_count, check_noise
from .split import Split, shuffle_split

TASKS = ("classification", "regression")

# Samples used to fix the teacher's output scaling and class balance.
_REFERENCE_SIZE = 2048  # enough to even out 10 classes; small enough for start-up


class _Teacher:
    """A random one-hidden-layer tanh network with outputs scaled to unit variance.

    Everything, including the output scaling, is fixed from ``rng`` alone, so
    the teacher is the same function whatever samples it is later applied to.
    """

    def __init__(self, num_inputs: int, hidden: int, outputs: int, rng: np.random.Generator):
        # 1/sqrt(fan_in) weights keep pre-activations O(1), so tanh is neither
        # saturated nor linear and the decision boundaries are genuinely curved.
        self.w1 = rng.normal(0.0, 1.0 / np.sqrt(num_inputs), size=(num_inputs, hidden))
        self.b1 = rng.normal(0.0, 0.5, size=hidden)
        self.w2 = rng.normal(0.0, 1.0 / np.sqrt(hidden), size=(hidden, outputs))
        raw = self._raw(rng.normal(0.0, 1.0, size=(_REFERENCE_SIZE, num_inputs)))
        self.shift, self.scale = raw.mean(axis=0), raw.std(axis=0) + 1e-12
        self.offsets = _balancing_offsets((raw - self.shift) / self.scale)

    def _raw(self, X: np.ndarray) -> np.ndarray:
        return np.tanh(X @ self.w1 + self.b1) @ self.w2

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return (self._raw(X) - self.shift) / self.scale


def _balancing_offsets(logits: np.ndarray, steps: int = 200) -> np.ndarray:
    """Per-class offsets that make ``argmax(logits + offsets)`` about equally common.

    A random network's argmax often favours a few classes; accuracy is then
    meaningless (always guessing the big class scores well). Nudging each
    class's offset by the log of its over-representation evens the counts.
    """
    n, k = logits.shape
    offsets = np.zeros(k)
    for _ in range(steps):
        counts = np.bincount((logits + offsets).argmax(axis=1), minlength=k)
        share = (counts + 1.0) / (n + k)
        if np.all(np.abs(share * k - 1.0) < 0.05):
            break
        offsets -= 0.5 * np.log(share * k)
    return offsets


def teacher(
    num_inputs=20,
    num_classes=10,
    num_examples=2000,
    hidden=32,
    noise=0.0,
    task="classification",
    test_fraction=0.2,
    seed=0,
) -> Split:
    """Samples labelled by a fixed random MLP.

    Inputs are standard normal. For classification the label is the argmax of
    the teacher's ``num_classes`` outputs (with per-class offsets chosen so the
    classes are about equally common); for regression the target is the
    teacher's single output, scaled to unit variance.

    Parameters
    ----------
    num_inputs : int, default 20
        Input width (20 matches D2L's ``X = np.random.uniform(size=(2, 20))``).
    num_classes : int, default 10
        Number of classes; ignored for regression.
    num_examples : int, default 2000
    hidden : int, default 32
        Width of the teacher's hidden layer.
    noise : float, default 0.0
        Classification: probability of replacing a label by a uniformly random
        class (at most 1). Regression: standard deviation of Gaussian noise
        added to the target.
    task : {'classification', 'regression'}, default 'classification'
    test_fraction : float, default 0.2
    seed : int or None, default 0
        Seeds both the teacher's weights and the samples.

    Returns
    -------
    Split
        X float32 ``(n, num_inputs)``; y int64 ``(n,)`` in ``[0, num_classes)``,
        or float32 ``(n, 1)`` for regression.
    """
    if task not in TASKS:
        raise ValueError(f"task must be 'classification' or 'regression', got {task!r}")
    n_in = check_count("num_inputs", num_inputs)
    n = check_count("num_examples", num_examples)
    width = check_count("hidden", hidden)
    noise = check_noise(noise)
    # Independent streams, so the teacher does not depend on num_examples and
    # changing the noise changes neither the inputs nor the split.
    teacher_rng, data_rng, noise_rng, split_rng = (
        np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(4)
    )
    outputs = 1 if task == "regression" else check_count("num_classes", num_classes, minimum=2)
    net = _Teacher(n_in, width, outputs, teacher_rng)
    X = data_rng.normal(0.0, 1.0, size=(n, n_in))
    if task == "regression":
        y = net(X) + noise_rng.normal(0.0, noise, size=(n, 1))
        return shuffle_split(X.astype(np.float32), y.astype(np.float32), test_fraction, split_rng)
    if noise > 1.0:
        raise ValueError(f"noise is a label-flip probability for classification, got {noise}")
    y = (net(X) + net.offsets).argmax(axis=1)
    # Draw both arrays in full whatever the noise, for the same reason as above.
    flip = noise_rng.random(n) < noise
    y = np.where(flip, noise_rng.integers(0, outputs, size=n), y)
    return shuffle_split(X.astype(np.float32), y.astype(np.int64), test_fraction, split_rng)
