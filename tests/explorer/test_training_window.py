"""The training panel and the depth profile in the window, driven as a person would."""

import numpy as onp
from PySide6.QtCore import Qt
from training_helpers import open_spiral

from engine import np


def _wait_for_steps(qtbot, session, n):
    qtbot.waitUntil(lambda: len(session.history["loss"]) >= n, timeout=30000)


def test_play_trains_loss_falls_window_answers_then_pause(window, qtbot):
    session = open_spiral(window, qtbot)
    panel = window.training_docks.training_panel
    assert window.training_docks.training_dock.isVisible()
    qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
    assert session.training.running
    _wait_for_steps(qtbot, session, 300)
    # The window answers while training: a click on the tree and a console command.
    tree = window.tree_view.tree
    index = window.tree_view.model.index_for_path("net[1].weight")
    tree.scrollTo(index)
    qtbot.mouseClick(
        tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(index).center()
    )
    assert session.selected_path == "net[1].weight" and session.training.running
    window.refresh_views()
    assert "net[1].weight" in window.tensor_view.header_label.text()
    window.console_view.run_source("answer = 6 * 7")
    assert session.namespace["answer"] == 42
    assert not session.training.running  # the console edit paused training, and it stays paused
    qtbot.wait(100)
    assert not session.training.running
    losses = session.history["loss"]
    assert sum(losses[-30:]) / 30 < sum(losses[:30]) / 30
    window.refresh_views()
    assert panel.play_button.text().endswith("Play")
    assert "step" in panel.counters_label.text()
    assert panel.train_curve.getData()[0] is not None
    assert panel.boundary_plot.isVisible()


def test_pause_button_stops_within_one_step(window, qtbot):
    session = open_spiral(window, qtbot)
    panel = window.training_docks.training_panel
    qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
    _wait_for_steps(qtbot, session, 10)
    window.refresh_views()
    qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
    taken = len(session.history["loss"])
    qtbot.wait(100)
    assert len(session.history["loss"]) == taken
    assert window.undo_action.text().startswith("&Undo Train ")


def test_undo_during_training_pauses_and_applies(window, qtbot):
    session = open_spiral(window, qtbot)
    before = session.net[0].weight.data().asnumpy().copy()
    session.start_training()
    _wait_for_steps(qtbot, session, 20)
    assert window.undo()
    assert not session.training.running
    assert (session.net[0].weight.data().asnumpy() == before).all()


def test_nan_message_shown_and_undo_to_finite(window, qtbot):
    session = window.session
    session.set_dataset("spiral")
    np.random.seed(0)
    session.new_mlp(hidden=(16, 16), activation="relu")
    qtbot.waitUntil(lambda: not window._demo_timer.isActive())
    window.refresh_views()
    panel = window.training_docks.training_panel
    panel.lr_box.setValue(10000.0)
    panel.optimizer_box.setCurrentText("sgd")
    panel._apply_optimizer()
    qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not session.training.running, timeout=30000)
    window.refresh_views()
    assert "Training paused at step" in panel.message_label.text()
    assert window.undo()


def test_depth_profile_shows_rows_and_warnings_for_a_bad_init(window, qtbot):
    from engine import init

    session = window.session
    session.set_dataset("spiral")
    session.new_mlp(hidden=(32, 32, 32), activation="tanh", init=init.Normal(3))
    session.train(30)
    window.refresh_views()
    window.training_docks.depth_profile_dock.raise_()
    qtbot.waitUntil(window.training_docks.depth_profile_view.isVisible)
    window.training_docks.depth_profile_view.refresh()
    text = window.training_docks.depth_profile_view.warnings_label.text()
    assert "saturated" in text
    assert "net[1]" in window.training_docks.depth_profile_view.table_label.text()


def test_comparison_view_overlays_runs_without_touching_the_model(window, qtbot):
    session = open_spiral(window, qtbot)
    before = session.net[0].weight.data().asnumpy().copy()
    view = window.training_docks.comparison_view
    window.training_docks.comparison_dock.raise_()
    view.steps_box.setValue(20)
    qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.busy, timeout=30000)
    assert [r.label for r in view.results] == ["Xavier", "Normal(1)"]
    assert "final loss" in view.status_label.text()
    assert len(view.loss_plot.listDataItems()) == 2
    assert (session.net[0].weight.data().asnumpy() == before).all()


def test_histogram_strip_scrubs_back_through_the_run(window, qtbot):
    session = open_spiral(window, qtbot)
    assert window.select("net[1].weight")
    session.set_histogram_interval(10)
    session.train(100)
    window.refresh_views()
    window.training_docks.histogram_strip_dock.raise_()
    view = window.training_docks.histogram_strip_view
    qtbot.waitUntil(view.isVisible)
    view.refresh()
    assert view.slider.maximum() == 10 and "net[1].weight" in view.title_label.text()
    view.slider.setValue(3)
    assert view.cursor.value() == 30 and view.slice_label.text().startswith("step 30")


def test_the_histogram_slider_takes_the_tensor_view_back_and_forth(window, qtbot):
    session = open_spiral(window, qtbot)
    assert window.select("net[1].weight")
    session.set_histogram_interval(10)
    weights = {}
    for step in range(10, 101, 10):
        session.train(10)
        weights[step] = session.net[1].weight.data().asnumpy()
    window.refresh_views()
    window.training_docks.histogram_strip_dock.raise_()
    view, tensor = window.training_docks.histogram_strip_view, window.tensor_view
    qtbot.waitUntil(view.isVisible)
    view.refresh()
    onp.testing.assert_array_equal(tensor.data_panel.values, weights[100])
    view.slider.setValue(3)  # the user drags the slider back to step 30
    onp.testing.assert_array_equal(tensor.data_panel.values, weights[30])
    assert "as it was at step 30" in tensor.header_label.text()
    assert "not kept for past steps" in tensor.grad_panel.message
    title = tensor.grad_panel.title_label.text()
    assert "latest" not in title and "<a " not in title  # no batch, no link for a past step
    session.train(5)  # new steps do not pull a scrubbed view forward
    window.refresh_views()
    onp.testing.assert_array_equal(tensor.data_panel.values, weights[30])
    view.slider.setValue(view.slider.maximum())  # back at the newest snapshot: live
    onp.testing.assert_array_equal(tensor.data_panel.values, session.net[1].weight.data().asnumpy())
    assert "as it was" not in tensor.header_label.text()
    assert tensor.grad_panel.values is not None
    assert "show the last update</a>" in tensor.grad_panel.title_label.text()  # back
    view.slider.setValue(2)
    assert "as it was at step 20" in tensor.header_label.text()
    window.training_docks.training_dock.raise_()  # the slider out of sight: live
    qtbot.waitUntil(lambda: "as it was" not in tensor.header_label.text())
    window.training_docks.histogram_strip_dock.raise_()  # back: the slider's step again
    qtbot.waitUntil(lambda: "as it was at step 20" in tensor.header_label.text())
    session.reset_training()  # the run is gone: live
    window.refresh_views()
    assert "as it was" not in tensor.header_label.text()
    view.slider.setValue(0)
    assert window.select("net[0].weight")  # another parameter: live, and its own strip
    window.refresh_views()
    onp.testing.assert_array_equal(tensor.data_panel.values, session.net[0].weight.data().asnumpy())
    assert "as it was" not in tensor.header_label.text()


def test_loss_curve_envelope_keeps_spikes_of_a_long_run():
    from explorer.views.training_panel import LOSS_CURVE_MAX_POINTS, loss_envelope

    losses = onp.ones(50_000)
    losses[12_345] = 9.0
    steps, values = loss_envelope(losses)
    assert len(values) <= LOSS_CURVE_MAX_POINTS + 100 and values.max() == 9.0
    assert steps[0] >= 1 and 49_900 < steps[-1] <= 50_000
    steps, values = loss_envelope(losses[:10])
    assert list(steps) == list(range(1, 11)) and len(values) == 10


def test_a_misfit_says_what_does_not_fit_and_its_fix_button_fixes_it(window, qtbot):
    session = window.session  # the chapter's MLP: 20 inputs, 10 outputs
    session.set_dataset("teacher", num_classes=3)
    window.refresh_views()
    panel = window.training_docks.training_panel
    qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    assert "10 outputs" in panel.message_label.text() and "3 classes" in panel.message_label.text()
    assert panel.apply_fix_button.isVisible()
    assert panel.apply_fix_button.text() == "Fix: session.add_output_layer(3)"
    qtbot.mouseClick(panel.apply_fix_button, Qt.MouseButton.LeftButton)
    assert session.net[2].weight.shape == (3, 10)
    qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    assert len(session.history["loss"]) == 1 and not panel.apply_fix_button.isVisible()
    assert window.undo_action.text().startswith("&Undo Train 1 step")


def test_a_table_is_loaded_and_its_task_reported(window, qtbot, tmp_path):
    table = tmp_path / "houses.csv"
    table.write_text(
        "rooms,area,price\n"
        + "\n".join(f"{r},{a},{r * 10 + a * 0.5}" for r in range(1, 6) for a in range(50, 60))
    )
    panel = window.training_docks.training_panel
    assert panel.load_table(str(table), "price")
    assert "regression" in panel.message_label.text()
    assert panel.load_table(str(tmp_path), "price") is False
    assert "not a regular file" in panel.message_label.text()


def _inside(widget, ancestor) -> bool:
    """``widget``'s whole rectangle lies inside ``ancestor``'s (nothing of it clipped)."""
    from PySide6.QtCore import QRect

    top_left = widget.mapTo(ancestor, widget.rect().topLeft())
    return ancestor.rect().contains(QRect(top_left, widget.size()))


def test_training_docks_at_1024_leave_the_tree_and_tensor_view_readable(window, qtbot):
    # View → Training at 1024×768 once gave the dock 750 px and the tree and the
    # tensor view 100 px each; a misfit message then clipped the settings.
    window.resize(1024, 768)
    qtbot.wait(50)
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    action = next(a for a in view.actions() if a.text() == "Training")
    action.trigger()
    window.session.set_dataset("spiral")
    qtbot.wait(100)
    docks = window.training_docks
    panel = docks.training_panel
    assert docks.training_dock.width() <= 0.42 * window.width()
    assert window.tree_dock.width() >= 0.15 * window.width()
    assert window.tensor_view.width() >= 0.35 * window.width()
    qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)  # 20 inputs, spiral has 2
    qtbot.waitUntil(lambda: panel.message_label.isVisible())
    qtbot.wait(50)
    assert "do not fit" in panel.message_label.text()
    for widget in (panel.message_label, panel.apply_fix_button):
        assert _inside(widget, panel), widget
    assert "see the Training panel" in window.statusBar().currentMessage()
    # Every setting is still there, shown whole or scrolled to, never cut by the message.
    area = panel.settings_area
    assert area.widget().height() >= area.widget().heightForWidth(area.viewport().width())
    qtbot.mouseClick(panel.apply_fix_button, Qt.MouseButton.LeftButton)
    qtbot.wait(100)
    assert window.tensor_view.width() >= 0.35 * window.width()  # the new model's tree refit


def test_the_header_says_trained_after_training_and_edited_after_an_edit(window, qtbot):
    session = open_spiral(window, qtbot)
    window.select("net[0].weight")
    header = window.tensor_view.header_label
    assert "then" not in header.text()
    session.train(3)
    window.refresh_views()
    assert "then trained" in header.text()
    window.console_view.run_source("net[0].weight.data()[0, 0] = 1")
    window.refresh_views()
    assert "then edited" in header.text()


def test_chapter_exercise_4_by_mouse_tied_layers_train_on_the_teacher(window, qtbot):
    """Examples → Tied layers, Teacher network data, Step × 3: each step the shared
    layer's gradient shown is the sum of its two uses, computed separately."""
    import numpy as onp
    from tied_reference import layer_weights, uses_of_the_shared_weight

    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    next(a for a in menus["Examples"].actions() if a.text().startswith("Tied")).trigger()
    qtbot.waitUntil(lambda: window.session.source == "tied")
    next(a for a in menus["View"].actions() if a.text() == "Training").trigger()
    panel = window.training_docks.training_panel
    box = panel.dataset_box
    box.setFocus()
    while box.currentText() != "Teacher network":  # the arrow key, as a person would
        qtbot.keyClick(box, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.session.training.data is not None)
    assert window.session.training.data.name.lower().startswith("teacher")
    net = window.session.net
    tree = window.tree_view.tree
    index = window.tree_view.model.index_for_path("net[2].weight")
    tree.scrollTo(index)
    qtbot.mouseClick(
        tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(index).center()
    )
    assert window.session.selected_path == "net[2].weight"
    for _ in range(3):
        weights = layer_weights(net)
        qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not window.session.training.running)
        window.refresh_views()
        first, second = uses_of_the_shared_weight(weights, *window.session.training.last_batch)
        shown = onp.asarray(window.tensor_view.grad_panel.heatmap.picture.source)
        onp.testing.assert_allclose(shown, first + second, rtol=1e-4, atol=1e-6)
        assert not onp.allclose(first, 0) and not onp.allclose(second, 0)
        # The data column shows the weights after the step, the same array as net[1]'s.
        shown_data = onp.asarray(window.tensor_view.data_panel.heatmap.picture.source)
        onp.testing.assert_array_equal(shown_data, net[1].weight.data().asnumpy())


def test_a_new_model_with_the_same_first_path_shows_it_selected_in_the_tree(window, qtbot):
    # New MLP for this data: net[0].weight again; the reset tree kept the current
    # index but lost the selection, so the row showed only its "in use" shading.
    window.session.set_dataset("spiral")
    window.session.new_mlp()
    qtbot.waitUntil(lambda: not window._demo_timer.isActive())
    window.refresh_views()
    index = window.tree_view.model.index_for_path("net[0].weight")
    assert window.session.selected_path == "net[0].weight"
    assert window.tree_view.tree.selectionModel().isSelected(index)


def test_training_plots_follow_a_theme_switch(window, qtbot):
    # pyqtgraph fixes a plot's colours when it is made: the loss curves stayed white
    # on the dark theme after View → Theme → Dark.
    from PySide6.QtWidgets import QApplication

    docks = window.training_docks
    plots = [
        docks.training_panel.loss_plot,
        docks.depth_profile_view.ratio_plot,
        docks.comparison_view.loss_plot,
    ]
    before = window.settings.theme
    try:
        for theme in ("dark", "light"):
            window.set_theme(theme)
            window_colour = (
                QApplication.instance()
                .palette()
                .color(QApplication.instance().palette().ColorRole.Window)
            )
            text = (
                QApplication.instance()
                .palette()
                .color(QApplication.instance().palette().ColorRole.WindowText)
            )
            for plot in plots:
                assert plot.backgroundBrush().color() == window_colour
                assert plot.getPlotItem().getAxis("left").textPen().color() == text
            # The curve keys sit over the lines in a narrow dock: a mostly opaque
            # background in the theme's colours keeps them readable.
            for plot in plots[1:]:
                legend = plot.getPlotItem().legend
                assert legend.brush().color().rgb() == window_colour.rgb()
                assert 128 < legend.brush().color().alpha() < 255
                assert legend.labelTextColor().rgb() == text.rgb()
    finally:
        window.set_theme(before)


def test_wide_curves_that_grow_with_a_run_are_drawn_without_antialiasing(window, qtbot):
    # Qt's antialiased stroke of a 2-px noisy line took 8 ms a paint at 600 points and
    # 60 ms at 4,000, in the GUI thread, holding the GIL the training worker needs.
    import pyqtgraph as pg

    session = open_spiral(window, qtbot)
    session.train(400)
    docks = window.training_docks
    window.refresh_views()
    docks.depth_profile_dock.raise_()
    qtbot.waitUntil(docks.depth_profile_view.isVisible)
    docks.depth_profile_view.refresh()
    plots = [docks.training_panel.loss_plot, docks.depth_profile_view.ratio_plot]
    wide = [
        item
        for plot in plots
        for item in plot.listDataItems()
        if pg.mkPen(item.opts["pen"]).widthF() > 1
    ]
    assert len(wide) >= 3  # test loss, accuracy, and an update-ratio curve per weight
    assert all(item.opts["antialias"] is False for item in wide)
    assert docks.training_panel.train_curve.opts["antialias"]  # 1 px: smooth and cheap


def test_a_script_that_opens_a_model_and_starts_training_keeps_training(window, qtbot):
    # The window's one-batch demo for a newly opened model waits for the event loop;
    # it ran after such a script had started training, and paused the run.
    session = window.session
    failure = window.console_view.run_source(
        "session.set_dataset('spiral')\n"
        "session.new_mlp(hidden=(16, 16), activation='tanh')\n"
        "session.start_training()\n",
        "demo.py",
    )
    assert failure is None
    steps = session.training.step_count
    qtbot.wait(600)  # the demo timer has long fired
    assert session.training.running and session.training.step_count > steps
    session.pause_training()
    window.watcher.poll()
    title = window.tensor_view.grad_panel.title_label.text()
    batch = session.training.batch_size
    assert f"on the latest training batch ({batch} examples)" in title


def test_the_data_box_says_which_data_set_is_in_use_or_that_none_is(window, qtbot, tmp_path):
    panel = window.training_docks.training_panel
    box = panel.dataset_box
    window.session.training.data = None
    panel.show_settings()
    assert box.currentIndex() == -1 and box.placeholderText() == "Choose a data set"
    panel.noise_box.setValue(0.3)
    panel._apply_dataset()  # noise edited with no data set: nothing to change, no error
    assert window.session.training.data is None and panel.message_label.text() == ""
    window.session.set_dataset("spiral")
    panel.show_settings()
    assert box.currentText() == "Spiral"
    table = tmp_path / "points.csv"
    table.write_text("a,b,label\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(40)))
    window.session.load_csv(str(table), target="label")
    panel.show_settings()
    assert box.currentIndex() == -1 and box.placeholderText() == "points.csv"


def test_plots_of_values_below_one_label_their_ticks_with_the_values(window, qtbot):
    # pyqtgraph's default showed a loss of 0.65 as "650" under "loss (x0.001)".
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    session = open_spiral(window, qtbot)
    session.train(30)
    window.refresh_views()
    panel = window.training_docks.training_panel
    panel.loss_plot.setYRange(0.5, 0.8, padding=0)
    QApplication.processEvents()
    axis = panel.loss_plot.getPlotItem().getAxis("left")
    assert "(x" not in axis.labelString()
    assert axis.tickStrings([0.5, 0.6], 1.0, 0.1) == ["0.5", "0.6"]
    for plot in window.findChildren(pg.PlotWidget):
        for name in ("left", "bottom"):
            assert not plot.getPlotItem().getAxis(name).autoSIPrefix, plot


def test_the_right_column_shows_the_last_update_the_optimizer_made(window, qtbot):
    session = open_spiral(window, qtbot)
    tensor = window.tensor_view
    assert window.select("net[1].weight")
    weight = session.net[1].weight
    title = tensor.grad_panel.title_label
    assert "last update" not in title.text()  # nothing trained: nothing to offer
    session.train(1)
    window.refresh_views()
    assert "show the last update</a>" in title.text()  # a link at the end of the title
    session.training.last_update = None  # (as before any step with this one selected)
    title.linkActivated.emit("update")  # what a click on the link sends
    assert tensor.showing_last_update
    assert "No update kept yet" in tensor.grad_panel.message
    for _ in range(3):
        before = weight.data().asnumpy()
        session.train(1)
        window.refresh_views()
        onp.testing.assert_array_equal(tensor.grad_panel.values, weight.data().asnumpy() - before)
    assert "Last update" in tensor.grad_panel.title_label.text()
    assert "of step 4" in tensor.grad_panel.title_label.text()
    window.undo()  # the step that made it is undone: no update to show
    window.refresh_views()
    assert "No update kept yet" in tensor.grad_panel.message
    assert "show the gradient</a>" in title.text()
    title.linkActivated.emit("gradient")
    onp.testing.assert_array_equal(tensor.grad_panel.values, weight.grad().asnumpy())
    assert "Gradient" in tensor.grad_panel.title_label.text()


def test_a_large_parameter_keeps_its_update_at_the_measured_steps(window, qtbot, monkeypatch):
    from explorer.core import training

    monkeypatch.setattr(training, "UPDATE_EVERY_STEP_LIMIT", 4)  # net[1].weight is 16x16
    session = open_spiral(window, qtbot)
    assert window.select("net[1].weight")
    weight = session.net[1].weight
    session.train(3)  # the last step of a train() call is measured
    assert session.training.update_of(weight)[0] == 3
    before = weight.data().asnumpy()
    session.step()  # so is a single step (the Step button)
    step, update = session.training.update_of(weight)
    assert step == 4
    onp.testing.assert_array_equal(update, weight.data().asnumpy() - before)
