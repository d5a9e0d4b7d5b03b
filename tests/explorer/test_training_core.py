"""Training from the session (Qt-free): runs as history entries, code, NaN, diagnostics, data."""

import math
import time

import numpy as onp
import pytest
from tied_reference import layer_weights, uses_of_the_shared_weight
from training_helpers import run_script

from engine import init, np
from explorer.core.session import Session
from explorer.core.training import TrainingSetupError
from explorer.core.training_data import DataLoadError


@pytest.fixture
def spiral():
    session = Session()
    session.set_dataset("spiral", noise=0.1, seed=1)
    np.random.seed(0)
    session.new_mlp(hidden=(16, 16), activation="tanh")
    session.set_optimizer("adam", learning_rate=0.03)
    return session


def values(session):
    return [p.data().asnumpy().copy() for p in session.parameters()]


def test_loss_falls_on_spiral_and_run_is_one_undoable_entry(spiral):
    start = values(spiral)
    losses = spiral.train(600)
    assert len(spiral.history["loss"]) == 600 and losses == spiral.history["loss"]
    assert sum(losses[-20:]) / 20 < 0.75 * sum(losses[:20]) / 20
    assert spiral.history["test_step"][:2] == [10, 20]
    assert spiral.history["accuracy"][-1] > 0.6
    runs = [c for c in spiral.commands.in_effect() if c.label.startswith("Train")]
    assert [r.label for r in runs] == ["Train 600 steps (1–600) on spiral"]
    spiral.undo()
    assert all(onp.array_equal(a, b) for a, b in zip(start, values(spiral)))


def test_code_log_runs_as_a_script(spiral, tmp_path):
    spiral.train(20)
    spiral.set_optimizer("sgd", learning_rate=0.1, momentum=0.9, wd=1e-4)
    spiral.train(5)
    script = spiral.code_script()
    assert (
        "trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1, "
        "'momentum': 0.9, 'wd': 0.0001})" in script
    )
    assert "with autograd.record():" in script and "trainer.step(batch_size)" in script
    path = tmp_path / "run.py"
    path.write_text(script + "\nprint('final loss', float(loss.mean()))\n")
    done = run_script(path)
    assert done.returncode == 0, done.stderr
    assert "final loss" in done.stdout


def test_data_and_model_that_do_not_fit_say_what_and_offer_the_fix():
    session = Session()
    session.open_example("mlp")
    session.set_dataset("spiral")
    with pytest.raises(TrainingSetupError) as caught:
        session.train(1)
    assert "2 features per example" in str(caught.value)
    assert "10 outputs" in str(caught.value) and "2 classes" in str(caught.value)
    assert "session.add_output_layer(2)" in caught.value.fixes
    session.set_dataset("teacher")  # 20 inputs, 10 classes: the chapter's MLP fits
    session.train(2)
    session.set_dataset("two-gaussians")
    session.new_mlp()  # the offered fix opens a model that fits
    session.train(2)


def test_nan_pauses_names_step_and_parameter_and_undo_returns_to_finite(spiral):
    spiral.new_mlp(hidden=(16, 16), activation="relu")
    spiral.set_optimizer("sgd", learning_rate=1e4)
    start = values(spiral)
    spiral.train(200)
    message = spiral.training.message
    assert "Training paused at step" in message and "net[" in message, message
    assert len(spiral.history["loss"]) < 200
    # The step whose loss was not finite applied no update: no NaN spread into the weights.
    assert all(onp.isfinite(v).all() for v in values(spiral))
    spiral.undo()
    assert all(onp.array_equal(a, b) for a, b in zip(start, values(spiral)))


def test_diagnostics_equal_a_forward_pass_done_by_hand(spiral):
    spiral.train(9)
    before = values(spiral)
    spiral.train(1)
    after = values(spiral)
    rows = spiral.diagnostics()
    net = spiral.net
    X, y = (a.asnumpy() for a in spiral.training.last_batch)
    W = [net[i].weight.data().asnumpy() for i in range(3)]
    b = [net[i].bias.data().asnumpy() for i in range(3)]
    h0 = onp.tanh(X @ W[0].T + b[0])
    h1 = onp.tanh(h0 @ W[1].T + b[1])
    out = h1 @ W[2].T + b[2]
    p = onp.exp(out - out.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    d_out = p - onp.eye(2)[y]
    d_h1 = d_out @ W[2]
    d_h0 = (d_h1 * (1 - h1**2)) @ W[1]
    assert [r["path"] for r in rows] == ["net[0]", "net[1]", "net[2]"]
    for row, h, g in zip(rows, (h0, h1, out), (d_h0, d_h1, d_out)):
        assert row["act_mean"] == pytest.approx(h.mean(), abs=1e-5)
        assert row["act_std"] == pytest.approx(h.std(), rel=1e-4)
        assert row["grad_std"] == pytest.approx(g.std(), rel=1e-3)
    assert rows[0]["saturated"] == pytest.approx((onp.abs(h0) > 0.97).mean())
    assert rows[2]["saturated"] is None and rows[0]["dead"] is None
    weight_index = [id(p) for p in spiral.parameters()].index(id(net[1].weight))
    w0, w1 = before[weight_index], after[weight_index]
    assert rows[1]["update_ratio"] == pytest.approx((w1 - w0).std() / w1.std(), rel=1e-4)


def test_dead_relu_fraction():
    session = Session()
    session.set_dataset("two-gaussians")
    session.new_mlp(hidden=(8,), activation="relu")
    session.net[0].bias.set_data(np.full((8,), -100.0))
    session.net[0].bias.data()[:4] = 0.0
    session.train(1)
    row = session.diagnostics()[0]
    X = session.training.last_batch[0].asnumpy()
    h = onp.maximum(
        X @ session.net[0].weight.data().asnumpy().T + session.net[0].bias.data().asnumpy(), 0
    )
    assert row["dead"] == pytest.approx((h <= 0).all(axis=0).mean())
    assert row["dead"] >= 0.5


def test_tied_exercise_shared_gradient_is_the_sum_of_both_uses():
    session = Session()
    session.open_example("tied")
    session.set_dataset("teacher")
    session.set_optimizer("sgd", learning_rate=0.05)
    net = session.net
    for _ in range(5):
        weights = layer_weights(net)
        session.step()
        first, second = uses_of_the_shared_weight(weights, *session.training.last_batch)
        assert net[1].weight is net[2].weight
        onp.testing.assert_allclose(
            net[1].weight.grad().asnumpy(), first + second, rtol=1e-4, atol=1e-6
        )
        assert not onp.allclose(first, 0) and not onp.allclose(second, 0)


def test_worker_pauses_within_a_step_and_a_command_pauses_without_resuming(spiral):
    spiral.start_training()
    deadline = time.monotonic() + 30
    while len(spiral.history["loss"]) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    spiral.pause_training()
    taken = len(spiral.history["loss"])
    time.sleep(0.05)
    assert len(spiral.history["loss"]) == taken and not spiral.training.running
    assert spiral.commands.in_effect()[-1].label.startswith("Train ")
    spiral.start_training()
    while len(spiral.history["loss"]) < taken + 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    spiral.execute("net[0].weight.data()[:] *= 0.5")  # a console edit during training
    assert not spiral.training.running
    labels = [c.label for c in spiral.commands.in_effect()]
    assert labels[-2].startswith("Train ") and labels[-1].startswith("Console:")
    time.sleep(0.05)
    assert not spiral.training.running


def test_reset_training_reinitializes_and_is_undoable(spiral):
    spiral.train(30)
    trained = values(spiral)
    spiral.reset_training()
    assert spiral.history["loss"] == []
    assert not onp.array_equal(trained[0], values(spiral)[0])
    spiral.undo()
    assert onp.array_equal(trained[0], values(spiral)[0])


def test_load_csv_infers_the_task_and_refuses_what_is_not_a_table(tmp_path):
    rng = onp.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    table = tmp_path / "t.csv"
    table.write_text(
        "a,b,c,kind,price\n"
        + "\n".join(f"{a:.3f},{b:.3f},{c:.3f},{int(a > 0)},{a * 2 + c:.3f}" for a, b, c in X)
    )
    session = Session()
    shown = []
    session.printed.connect(shown.append)
    data = session.load_csv(str(table), target="kind")
    assert data.task == "classification" and data.num_classes == 2 and data.input_width == 4
    assert "classification into 2 classes" in shown[-1]
    data = session.load_csv(str(table))
    assert data.task == "regression" and "regression" in shown[-1]
    session.new_mlp(hidden=(8,))
    assert math.isfinite(session.train(3)[-1])
    with pytest.raises(DataLoadError, match="not a regular file"):
        session.load_csv(str(tmp_path))
    with pytest.raises(DataLoadError, match="MB"):
        session.training.load_csv(str(table), max_bytes=100)
    (tmp_path / "bad.csv").write_text("a,b\n1,2\nx,3\n")
    with pytest.raises(DataLoadError, match="not a number"):
        session.load_csv(str(tmp_path / "bad.csv"))


def test_compare_initializers_trains_copies_with_the_same_batches(spiral):
    before = values(spiral)
    history_length = len(spiral.commands.entries)
    results = spiral.compare_initializers(
        {"a": init.Xavier(), "b": init.Xavier(), "zero": init.Zero()}, steps=30
    )
    a, b, zero = results
    assert a.losses == b.losses and len(a.losses) == 30  # same seed, same batches
    assert [r["path"] for r in a.diagnostics] == ["net[0]", "net[1]", "net[2]"]
    assert zero.diagnostics[0]["act_std"] == 0.0  # every unit computes the same thing
    assert all(onp.array_equal(x, y) for x, y in zip(before, values(spiral)))
    assert len(spiral.commands.entries) == history_length


def test_histograms_over_time_of_the_selected_parameter(spiral):
    spiral.select("net[1].weight")
    spiral.set_histogram_interval(5)
    spiral.train(50)
    history = spiral.training.histograms
    assert history.path == "net[1].weight"
    assert [s.step for s in history.snapshots] == list(range(0, 51, 5))
    image, steps, edges = history.strip()
    assert image.shape == (11, 64) and onp.allclose(image.sum(axis=1), 1.0)
    final = spiral.net[1].weight.data().asnumpy()
    assert history.snapshots[-1].counts.sum() == final.size
    assert history.snapshots[-1].lo == pytest.approx(final.min())


def test_a_script_that_selects_nothing_records_the_first_weights_histograms():
    session = Session()
    session.set_dataset("spiral", seed=1)
    session.new_mlp(hidden=(8,))  # a script: nothing selected until a window selects
    assert session.selected_path is None
    session.train(30)
    history = session.training.histograms
    assert history.path == "net[0].weight"
    assert [s.step for s in history.snapshots] == [0, 10, 20, 30]
    session.select("net[1].weight")  # a choice of the learner's wins from then on
    session.train(10)
    assert history.path == "net[1].weight"
