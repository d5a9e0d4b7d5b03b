"""Compare initializations: the same net trained from several initializers, side by side.

Each initializer gets its own deep copy of the open model (the open model is
never touched), is re-initialized with the same random seed, and is trained
for the same number of steps on the same batches (one DataLoader seed) with
the session's loss and optimizer. The result holds each copy's loss curve
and its depth profile (:func:`~explorer.core.diagnostics.layer_diagnostics`)
on its last batch.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

from engine import autograd, gluon, random_state
from engine import data as engine_data
from engine import init as engine_init

from .block_tree import build_tree
from .diagnostics import layer_diagnostics, update_ratio

__all__ = ["ComparisonResult", "compare_initializers", "DEFAULT_CHOICES"]

DEFAULT_CHOICES = {
    "Xavier": engine_init.Xavier,
    "MSRAPrelu": engine_init.MSRAPrelu,
    "Uniform(0.07)": engine_init.Uniform,
    "Normal(1)": lambda: engine_init.Normal(1.0),
    "Zero": engine_init.Zero,
}


@dataclass
class ComparisonResult:
    """One initializer's run: its per-step losses and its depth profile at the end."""

    label: str
    losses: list = field(default_factory=list)
    diagnostics: list = field(default_factory=list)
    diverged_at: int | None = None


def compare_initializers(
    session, initializers: dict, steps: int = 200, seed: int = 0, should_stop=lambda: False
) -> list[ComparisonResult]:
    """Train a copy of ``session.net`` per initializer (``{label: Initializer}``).

    Uses the session's training data, loss, optimizer and batch size. Safe to
    call from a worker thread: only copies are trained; the open model is read
    once, under the session's lock.
    """
    from .training_run import make_loss

    training = session.training
    if training.data is None or session.net is None:
        raise RuntimeError("Choose a data set and open a model first.")
    with session.lock:
        original = copy.deepcopy(session.net)
    loss_fn = make_loss(training.loss)
    X_train, y_train = training.data.arrays()[:2]
    batch = max(1, min(training.batch_size, len(training.data.X_train)))
    saved_state = random_state.generator().bit_generator.state
    results = []
    try:
        for label, initializer in initializers.items():
            net = copy.deepcopy(original)
            random_state.seed(seed)
            net.initialize(initializer, force_reinit=True)
            paths = {id(n.obj): n.path for n in build_tree(net).walk()}
            trainer = gluon.Trainer(
                net.collect_params(), training.optimizer_name, dict(training.hyperparameters)
            )
            loader = engine_data.DataLoader(
                engine_data.ArrayDataset(X_train, y_train),
                batch,
                shuffle=True,
                last_batch="discard",
                seed=seed,
            )
            result = ComparisonResult(label)
            batches = iter(())
            ratios = {}
            params = list(net.collect_params().values())
            for step in range(steps):
                if should_stop():
                    break
                X, y = next(batches, (None, None))
                if X is None:
                    batches = iter(loader)
                    X, y = next(batches)
                with autograd.record():
                    loss = loss_fn(net(X), y)
                value = float(loss.asnumpy().mean())
                if not math.isfinite(value):
                    result.diverged_at = step + 1
                    break
                loss.backward()
                last = step == steps - 1
                before = [p.data().asnumpy() for p in params] if last else None
                trainer.step(X.shape[0])
                if last:
                    ratios = {
                        id(p): update_ratio(b, p.data().asnumpy()) for p, b in zip(params, before)
                    }
                result.losses.append(value)
            if result.losses:
                result.diagnostics = layer_diagnostics(
                    net, X, y, loss_fn, paths, ratios, histograms=True
                )
            results.append(result)
    finally:
        random_state.seed()
        random_state.generator().bit_generator.state = saved_state
    return results
