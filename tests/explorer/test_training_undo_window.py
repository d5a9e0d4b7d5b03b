"""Undo and redo of training in the window: the curves, counters, message and profile follow."""

import numpy as onp
from PySide6.QtCore import Qt
from training_helpers import open_spiral


def _drawn_losses(panel):
    losses = panel.train_curve.getData()[1]  # (None once set empty)
    return onp.zeros(0) if losses is None else losses


def test_the_loss_curve_and_counter_follow_undo_and_a_new_run_of_the_same_length(window, qtbot):
    session = open_spiral(window, qtbot)
    panel = window.training_docks.training_panel
    session.train(40)
    window.refresh_views()
    assert onp.array_equal(_drawn_losses(panel), session.history["loss"])
    assert window.undo()
    window.refresh_views()
    assert len(_drawn_losses(panel)) == 0
    assert panel.counters_label.text().startswith("step 0 ")
    # The gradients stay those of step 40's batch, and the title says so.
    title = window.tensor_view.grad_panel.title_label.text()
    assert "batch of step 40 (32 examples), a step since undone" in title
    assert window.redo()
    window.refresh_views()
    assert len(_drawn_losses(panel)) == 40
    assert "latest training batch" in window.tensor_view.grad_panel.title_label.text()
    # Undone, then the same number of steps with another optimizer before the window
    # looks again: a curve of the same length, other values.
    old = _drawn_losses(panel).copy()
    session.undo()
    session.set_optimizer("sgd", learning_rate=0.5)
    session.train(40)
    window.refresh_views()
    assert not onp.array_equal(old, session.history["loss"])
    assert onp.array_equal(_drawn_losses(panel), session.history["loss"])
    assert not session.commands.can_redo  # the new run dropped the undone one
    assert panel.counters_label.text().startswith("step 40 ")


def test_undoing_a_divergence_clears_its_message_and_the_curve_goes_back(window, qtbot):
    session = open_spiral(window, qtbot)
    panel = window.training_docks.training_panel
    session.train(15)
    session.set_optimizer("sgd", learning_rate=1e45)  # beyond float32: NaN weights
    qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not session.training.running, timeout=30000)
    window.refresh_views()
    assert "Training paused at step 17" in panel.message_label.text()
    assert window.undo()
    window.refresh_views()
    assert panel.message_label.text() == ""
    assert len(_drawn_losses(panel)) == 15
    assert panel.counters_label.text().startswith("step 15 ")


def test_the_depth_profile_empties_when_undo_leaves_no_training_batch(window, qtbot):
    session = open_spiral(window, qtbot)
    docks = window.training_docks
    docks.depth_profile_dock.raise_()
    qtbot.waitUntil(docks.depth_profile_view.isVisible)
    session.train(30)
    window.refresh_views()
    docks.depth_profile_view.training_changed()
    assert "net[1]" in docks.depth_profile_view.table_label.text()
    assert window.undo()
    window.refresh_views()
    docks.depth_profile_view.training_changed()
    assert docks.depth_profile_view.table_label.text() == ""
    assert docks.depth_profile_view.histogram_plot.listDataItems() == []
    assert "Train at least one step" in docks.depth_profile_view.warnings_label.text()
