"""Undo and redo of training move training as a whole: steps, curves, optimizer, batch order."""

import numpy as onp
import pytest
from training_helpers import run_script

from engine import np
from explorer.core.session import Session


def _spiral(optimizer="adam", activation="tanh", **hyperparameters):
    session = Session()
    session.set_dataset("spiral", noise=0.1, seed=1)
    np.random.seed(0)
    session.new_mlp(hidden=(16, 16), activation=activation)
    session.set_optimizer(optimizer, **(hyperparameters or {"learning_rate": 0.03}))
    session.set_batch_size(24)  # not a divisor of the training set: runs cross epochs
    return session


def _values(session):
    return [p.data().asnumpy().copy() for p in session.parameters()]


def test_training_again_after_undo_repeats_the_undone_run_exactly():
    session = _spiral()
    session.train(50)
    first = session.train(37)
    weights = _values(session)
    session.undo()
    assert session.training.step_count == 50
    assert len(session.history["loss"]) == 50 and session.history["test_step"][-1] == 50
    # Adam's moments and counts and the batch order are those of step 50 again.
    assert session.train(37) == first
    assert all(onp.array_equal(a, b) for a, b in zip(weights, _values(session)))
    assert session.commands.in_effect()[-1].label == "Train 37 steps (51–87) on spiral"


def _losses_after(first: int, then: int) -> list:
    """The losses of ``then`` steps after ``first`` on a session nothing was undone in."""
    reference = _spiral()
    reference.train(first)
    return reference.train(then)


def test_redo_returns_the_curves_and_training_goes_on_as_if_never_undone():
    expected = _losses_after(40, 15)
    session = _spiral()
    losses = session.train(40)
    session.undo()
    assert session.history["loss"] == [] and session.training.step_count == 0
    session.redo()
    assert session.history["loss"] == losses and session.training.step_count == 40
    assert session.train(15) == expected


def test_undo_of_reset_training_brings_back_the_curves_and_the_optimizer():
    expected = _losses_after(30, 10)
    session = _spiral()
    losses = session.train(30)
    session.reset_training()
    assert session.history["loss"] == [] and session.training.step_count == 0
    session.undo()
    assert session.history["loss"] == losses and session.training.step_count == 30
    assert session.train(10) == expected


def test_the_code_log_after_undo_and_new_settings_reproduces_the_model(tmp_path):
    session = _spiral()
    session.train(25)
    session.train(10)
    session.undo()
    session.set_optimizer("sgd", learning_rate=0.1, momentum=0.9)  # same batches, new trainer
    session.train(12)
    session.set_batch_size(7)  # a new batch order
    session.train(9)
    path = tmp_path / "run.py"
    path.write_text(
        # (the log does not seed the opened model's random draws: the test did)
        "from engine import np\nnp.random.seed(0)\n"
        + session.code_script()
        + "\nimport numpy\n"
        + "numpy.savez(r'%s', *[p.data().asnumpy() for p in net.collect_params().values()])\n"
        % (tmp_path / "weights.npz")
    )
    done = run_script(path)
    assert done.returncode == 0, done.stderr
    saved = onp.load(tmp_path / "weights.npz")
    replayed = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    assert all(onp.array_equal(a, b) for a, b in zip(replayed, _values(session)))


def test_undo_of_a_divergence_returns_to_the_last_finite_step_and_forgets_the_message():
    session = _spiral("adam", learning_rate=0.01)
    session.train(20)
    session.set_optimizer("sgd", learning_rate=0.05)
    session.train(5)
    # A step size beyond float32: the next update writes Inf/NaN into the weights.
    session.set_optimizer("sgd", learning_rate=1e45)
    session.train(300)
    training = session.training
    assert training.message.startswith("Training paused at step 27")
    assert "first held NaN/Inf after the update of step 26" in training.message
    assert training.message.endswith("Undo returns to the last finite values (step 25).")
    assert session.commands.in_effect()[-1].label.endswith("(diverged: NaN/Inf)")
    session.undo()
    assert training.step_count == 25 and training.message == ""
    assert len(session.history["loss"]) == 25
    assert session.history["test_step"] == [10, 20]
    assert all(onp.isfinite(v).all() for v in _values(session))
    session.set_optimizer("sgd", learning_rate=0.05)
    assert all(onp.isfinite(session.train(20)))


def test_a_forward_overflow_with_finite_weights_keeps_them_and_says_so():
    session = _spiral("adam", activation="relu", learning_rate=0.01)
    session.train(20)
    session.set_optimizer("sgd", learning_rate=1e6)
    session.train(300)
    message = session.training.message
    step = session.training.step_count
    assert "the weights were still finite: the forward pass overflowed" in message
    assert message.endswith(
        f"The weights of step {step} are kept: lower the learning rate and train on, "
        "or undo the run."
    )
    assert all(onp.isfinite(v).all() for v in _values(session))


@pytest.mark.parametrize("optimizer", ["sgd", "nag", "adam", "rmsprop", "adagrad"])
def test_every_optimizer_repeats_a_run_after_undo(optimizer):
    hyperparameters = {"learning_rate": 0.01}
    if optimizer in ("sgd", "nag"):
        hyperparameters["momentum"] = 0.9
    session = _spiral(optimizer, **hyperparameters)
    session.train(12)
    first = session.train(8)
    session.undo()
    assert session.train(8) == first


def test_an_optimizer_state_too_large_to_copy_starts_afresh_after_undo(monkeypatch):
    from explorer.core import training_progress

    monkeypatch.setattr(training_progress, "UNDO_COPY_LIMIT_BYTES", 0)
    session = _spiral()
    session.train(10)
    session.train(5)
    session.undo()
    assert session.training.step_count == 10 and session.training._trainer is None
    session.train(5)
    # The app made a new trainer, and the code log says so before the loop.
    code = session.commands.in_effect()[-1].code
    assert "trainer = gluon.Trainer(net.collect_params(), 'adam'" in code
    assert "train_iter = " not in code  # the batch order goes on
