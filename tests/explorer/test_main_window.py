"""The main window driven as a person would: click, type, run console commands."""

import numpy as onp
import pytest
from PySide6.QtCore import Qt

from explorer.core import examples
from explorer.views.block_tree_model import COL_NAME, COL_SHAPE, COL_SIZE, COL_TIE


def _click_row(qtbot, window, path):
    tree = window.tree_view.tree
    index = window.tree_view.model.index_for_path(path)
    assert index.isValid(), path
    tree.scrollTo(index)
    rect = tree.visualRect(index)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _shown_values(window):
    return onp.asarray(window.tensor_view.data_panel.heatmap.picture.source)


def test_start_up_shows_the_first_weight(window):
    net = window.session.net
    assert window.session.selected_path == "net[0].weight"
    assert window.tree_view.current_path() == "net[0].weight"
    onp.testing.assert_array_equal(_shown_values(window), net[0].weight.data().asnumpy())
    assert "Parameters 7,946" in window.totals_label.text()


def test_clicking_a_tree_row_shows_that_parameters_values(qtbot, window):
    _click_row(qtbot, window, "net[1].weight")
    net = window.session.net
    assert window.session.selected_path == "net[1].weight"
    onp.testing.assert_array_equal(_shown_values(window), net[1].weight.data().asnumpy())
    assert window.code_log_view.text().splitlines()[-1] == "net[1].weight.data()"


def test_arrow_keys_walk_the_tree(qtbot, window):
    tree = window.tree_view.tree
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    assert window.session.selected_path == "net[0].bias"
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    assert window.session.selected_path == "net[1]"
    assert "Dense block" in window.tensor_view.data_panel.message


def test_typing_a_regex_shows_exactly_collect_params(qtbot, window):
    window.open_example("rgnet")
    net = window.session.net
    qtbot.keyClicks(window.tree_view.filter_edit, ".*[02]_weight")
    qtbot.keyClick(window.tree_view.filter_edit, Qt.Key.Key_Return)
    expected = list(net.collect_params(".*[02]_weight").values())
    assert window.tree_view.model.shown_parameters() == expected
    assert "net.collect_params('.*[02]_weight')" in window.code_log_view.text()


def test_invalid_regex_is_red_and_leaves_the_tree(qtbot, window):
    before = window.tree_view.model.shown_parameters()
    qtbot.keyClicks(window.tree_view.filter_edit, "dense[0")
    qtbot.keyClick(window.tree_view.filter_edit, Qt.Key.Key_Return)
    assert window.tree_view.filter_error.isVisible()
    assert "Invalid regular expression" in window.tree_view.filter_error.text()
    assert window.tree_view.model.shown_parameters() == before


def _shown_statistics_text(window):
    from PySide6.QtGui import QTextDocumentFragment

    html = window.tensor_view.data_panel.histogram.stats_label.text()
    return " ".join(QTextDocumentFragment.fromHtml(html).toPlainText().split())


def test_console_write_shows_in_the_heatmap(qtbot, window):
    before = _shown_values(window).copy()
    stats_before = _shown_statistics_text(window)
    window.console_view.run_command("net[0].weight.data()[:] += 1")
    shown = _shown_values(window)
    # The view draws a copy: it moves only when it is redrawn.
    assert not onp.array_equal(shown, before)
    onp.testing.assert_array_equal(shown, window.session.net[0].weight.data().asnumpy())
    assert _shown_statistics_text(window) != stats_before
    assert shown is not window.session.net[0].weight.data().asnumpy_view()


def test_undo_and_redo_from_the_edit_menu_redraw_the_views(qtbot, window):
    before = _shown_values(window).copy()
    window.console_view.run_command("net[0].weight.data()[:] = 3")
    assert window.undo_action.isEnabled()
    assert window.undo_action.text() == "&Undo Console: net[0].weight.data()[:] = 3"
    window.undo_action.trigger()
    onp.testing.assert_array_equal(_shown_values(window), before)
    assert "net[0].weight.data()[:] = 3" not in window.code_log_view.text()
    qtbot.keyClick(
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert (_shown_values(window) == 3).all()
    assert window.code_log_view.text().rstrip().endswith("net[0].weight.data()[:] = 3")


def test_a_weight_write_repaints_no_tree_row(qtbot, window):
    model = window.tree_view.model
    window.refresh_views()
    before = model.repainted_rows
    window.console_view.run_command("net[0].weight.data()[:] *= 0.5")
    assert model.repainted_rows == before  # no column of the tree shows values
    window.console_view.run_command("net[0].weight.grad_req = 'null'")
    assert model.repainted_rows == before + 1  # its grad_req column did change


def test_console_add_layer_shows_a_deferred_row(qtbot, window):
    window.console_view.run_command("net.add(nn.Dense(5))")
    model = window.tree_view.model
    index = model.index_for_path("net[2]")
    assert index.isValid()
    window.console_view.run_command("net[2].initialize()")
    weight = model.index_for_path("net[2].weight")
    shape_text = weight.siblingAtColumn(COL_SHAPE).data()
    assert shape_text == "(5, -1)  deferred until first forward"
    window.forward()
    assert model.index_for_path("net[2].weight").siblingAtColumn(COL_SHAPE).data() == "(5, 10)"


def test_console_errors_are_shown_not_raised(qtbot, window):
    window.console_view.run_command("net[9]")
    assert "IndexError" in window.console_view.console.output.toPlainText()


def test_console_print_goes_to_the_console(qtbot, window):
    window.console_view.run_command("print(net[0].weight.name)")
    assert "dense" in window.console_view.console.output.toPlainText().splitlines()[-1]


def test_console_net_follows_the_open_model(qtbot, window):
    window.open_example("tied")
    assert window.namespace["net"] is window.session.net
    window.console_view.run_command("net = nn.Sequential(); net.add(nn.Dense(3, in_units=2))")
    assert window.session.net is window.namespace["net"]
    assert window.tree_view.model.index_for_path("net[0].weight").isValid()


@pytest.mark.parametrize("example_id", list(examples.EXAMPLES))
def test_every_example_menu_entry(qtbot, window, example_id):
    action = window.example_actions[example_id]
    missing = examples.missing_layers(example_id)
    if missing:
        assert not action.isEnabled() and "needs Conv2D" in action.text()
        return
    action.trigger()
    assert window.session.source == example_id
    assert window.tree_view.model.rowCount() == 1
    assert not window.error_banner.isVisible()


def test_tied_rows_carry_a_badge(window):
    window.open_example("tied")
    model = window.tree_view.model
    text = model.index_for_path("net[2].weight").siblingAtColumn(COL_NAME).data()
    weight = window.session.net[1].weight
    assert text == f"tied → {weight.name}"  # short, so Shape and Size stay in view
    tied = model.index_for_path("net[2].weight").siblingAtColumn(COL_TIE).data()
    assert tied == f"tied → {weight.name} (net[1].weight)"
    tree = window.tree_view
    tree.fit_columns()
    shape_right = sum(tree.tree.columnWidth(c) for c in range(COL_SIZE + 1))
    assert shape_right <= tree.tree.viewport().width() + 1


def test_broken_model_shows_the_error_and_changes_nothing(qtbot, window, tmp_path):
    bad = tmp_path / "broken.py"
    bad.write_text("from engine.gluon import nn\nnet = nn.Sequential()\nnet.add(nn.Dense(3)\n")
    net, path = window.session.net, window.session.selected_path
    assert not window.open_model(str(bad))
    assert window.error_banner.isVisible()
    assert window.error_banner.text().startswith("broken.py, line 3: SyntaxError")
    assert window.session.net is net and window.session.selected_path == path
    assert window.settings.recent_files == []


def test_opened_files_are_remembered(qtbot, window, tmp_path, settings_store):
    good = tmp_path / "mine.py"
    good.write_text(
        "from engine.gluon import nn\nnet = nn.Sequential()\n"
        "net.add(nn.Dense(3, in_units=4))\nnet.initialize()\n"
    )
    assert window.open_model(str(good))
    assert settings_store.load().recent_files == [str(good)]
    assert [a.text() for a in window.recent_menu.actions()] == [str(good)]


def test_copy_access_path(qtbot, window):
    from PySide6.QtGui import QGuiApplication

    window.select("net[1].bias")
    window.tree_view.copy_current_path()
    assert QGuiApplication.clipboard().text() == "net[1].bias.data()"


def _shown_statistics(panel):
    return panel.histogram.statistics


def test_forward_and_backward_menu_fills_the_gradient_column(qtbot, window):
    net = window.session.net
    grad_panel = window.tensor_view.grad_panel
    assert _shown_statistics(grad_panel).max > 0  # opening the example ran the demo batch
    net.collect_params().zero_grad()
    window.refresh_views()
    assert _shown_statistics(grad_panel).max == 0
    model_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Model")
    menu_texts = [a.text() for a in model_menu.actions()]
    assert "Forward + &backward (one batch)" in menu_texts
    assert window.gradients_action.shortcut().toString() == "Ctrl+B"
    window.gradients_action.trigger()
    grad = net[0].weight.grad().asnumpy()
    stats = _shown_statistics(grad_panel)
    assert stats.l2_norm > 0 and stats.zero_fraction < 1
    assert (stats.min, stats.max) == (grad.min(), grad.max())
    assert stats.mean == pytest.approx(grad.mean(dtype=onp.float64), rel=1e-5)
    onp.testing.assert_array_equal(grad_panel.heatmap.picture.source, grad)
    assert window.code_log_view.text().rstrip().endswith("loss.backward()")
    assert not window.error_banner.text()


def test_zero_gradients_and_the_gradient_title_says_which_batch(qtbot, window):
    import html

    title = html.unescape(window.tensor_view.grad_panel.title_label.text())
    assert (
        "Gradient   <span style='font-weight:normal'>of L2Loss on the file's x "
        "(2 examples)" in title
    )
    window.zero_grad_action.trigger()
    assert _shown_statistics(window.tensor_view.grad_panel).max == 0
    assert "zeroed by zero_grad()" in window.tensor_view.grad_panel.title_label.text()
    assert window.code_log_view.text().rstrip().endswith("net.collect_params().zero_grad()")
    window.console_view.run_command(
        "with autograd.record():\n    l = net(np.ones((1, 20))).sum()\n"
    )
    window.console_view.run_command("l.backward()")
    assert (
        "written by the console: l.backward()" in window.tensor_view.grad_panel.title_label.text()
    )


def test_deferred_totals_say_at_least_and_new_blocks_open_expanded(qtbot, window):
    window.console_view.run_command("net.add(nn.Sequential())")
    window.console_view.run_command("net[2].add(nn.Dense(4))")
    window.console_view.run_command("net[2].initialize()")
    assert "Parameters ≥ 7,950, 1 deferred" in window.totals_label.text()  # its bias is known
    tree = window.tree_view.tree
    index = window.tree_view.model.index_for_path("net[2]")
    assert tree.isExpanded(index)
    assert tree.isExpanded(window.tree_view.model.index_for_path("net[2][0]"))


def test_clicking_a_history_row_goes_back_to_it(qtbot, window):
    weight = window.session.net[0].weight
    original = weight.data().asnumpy().copy()
    for value in (1, 2, 3):
        window.console_view.run_command(f"net[0].weight.data()[:] = {value}")
    window.history_dock.raise_()
    history = window.history_view
    labels = history.labels()
    assert labels[-3:] == [f"Console: net[0].weight.data()[:] = {v}" for v in (1, 2, 3)]
    row = labels.index("Console: net[0].weight.data()[:] = 1")
    item = history.list.item(row)
    history.list.scrollToItem(item)
    qtbot.mouseClick(
        history.list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=history.list.visualItemRect(item).center(),
    )
    assert (weight.data().asnumpy() == 1).all()
    assert (_shown_values(window) == 1).all()
    assert history.list.item(row + 1).font().italic()  # undone: ready to redo
    before = labels.index("Console: net[0].weight.data()[:] = 1") - 1
    item = history.list.item(before)
    qtbot.mouseClick(
        history.list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=history.list.visualItemRect(item).center(),
    )
    onp.testing.assert_array_equal(weight.data().asnumpy(), original)


def test_the_header_says_when_values_were_edited_after_initialization(qtbot, window):
    header = window.tensor_view.header_label
    assert "initialized by Uniform(scale=0.07)" in header.text()
    assert "then edited" not in header.text()
    window.console_view.run_command("net[0].weight.data()[:] *= 0")
    assert "initialized by Uniform(scale=0.07), then edited" in header.text()
    window.undo()
    assert "then edited" not in header.text()


def _drag_row_onto(qtbot, window, source_path, target_path):
    """Drag one tree row onto another through Qt's real drag-and-drop path.

    A real QDrag runs a nested event loop that waits for the OS pointer; the
    test posts the same QDragEnter/Move/Drop events the view gets from Qt, to
    the view's own handlers, with the mime data the model made for the row.
    """
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

    tree = window.tree_view.tree
    model = window.tree_view.model
    source = model.index_for_path(source_path)
    target = model.index_for_path(target_path)
    tree.setCurrentIndex(source)
    model.start_drag(source_path)
    data = model.mimeData([source])
    pos = QPointF(tree.visualRect(target).center())
    actions = Qt.DropAction.LinkAction | Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    tree.dragEnterEvent(QDragEnterEvent(pos.toPoint(), actions, data, buttons, mods))
    move = QDragMoveEvent(pos.toPoint(), actions, data, buttons, mods)
    tree.dragMoveEvent(move)
    accepted = move.isAccepted()
    hint = window.statusBar().currentMessage()
    if accepted:
        tree.dropEvent(QDropEvent(pos, actions, data, buttons, mods))
    model.end_drag()
    return accepted, hint


def test_dragging_a_layer_onto_another_ties_them_and_undo_separates_them(qtbot, window):
    window.console_view.run_command("net.add(nn.Dense(10, in_units=10), nn.Dense(10, in_units=10))")
    window.console_view.run_command("net[2].initialize()")
    window.console_view.run_command("net[3].initialize()")
    net = window.session.net
    before = {n: p.data().asnumpy().copy() for n, p in net.collect_params().items()}
    names_before = list(before)
    accepted, hint = _drag_row_onto(qtbot, window, "net[2]", "net[3]")
    assert accepted and hint.startswith("Drop to tie net[3] to net[2]")
    assert net[3].weight is net[2].weight and net[3].bias is net[2].bias
    assert "Parameters 8,056" in window.totals_label.text()  # the shared layer counted once
    tie_row = window.tree_view.model.index_for_path("net[3].weight")
    assert "tied → " in tie_row.siblingAtColumn(COL_NAME).data()
    log = window.code_log_view.text()
    assert "net[3].share_parameters(net[2])" in log and "params=net[2].params" in log
    window.undo()
    assert net[3].weight is not net[2].weight
    assert list(net.collect_params().keys()) == names_before
    for name, p in net.collect_params().items():
        assert p.data().asnumpy().tobytes() == before[name].tobytes()


def test_a_drop_that_cannot_tie_says_why_and_changes_nothing(qtbot, window):
    net = window.session.net
    weights = [p for p in net.collect_params().values()]
    accepted, hint = _drag_row_onto(qtbot, window, "net[0]", "net[1]")
    assert not accepted
    assert "net[1].weight has shape (10, 256) but net[0].weight has (256, 20)" in hint
    assert list(net.collect_params().values()) == weights
    accepted, hint = _drag_row_onto(qtbot, window, "net[0]", "net[0]")
    assert not accepted and "itself" in hint


def test_selecting_a_tied_parameter_highlights_every_user(qtbot, window):
    from PySide6.QtCore import Qt as _Qt

    window.open_example("tied")
    window.select("net[1].weight")
    model = window.tree_view.model
    shaded = [
        path
        for path in ("net[1].weight", "net[2].weight", "net[0].weight")
        if model.index_for_path(path).data(_Qt.ItemDataRole.BackgroundRole) is not None
    ]
    assert shaded == ["net[1].weight", "net[2].weight"]


def test_after_a_tie_the_gradient_view_shows_the_sum_of_both_uses(qtbot, window):
    window.console_view.run_command("net.add(nn.Dense(10, in_units=10), nn.Dense(10, in_units=10))")
    window.console_view.run_command("net[2].initialize(); net[3].initialize()")
    _drag_row_onto(qtbot, window, "net[2]", "net[3]")
    net = window.session.net
    assert net[3].weight is net[2].weight
    window.select("net[3].weight")
    window.gradients_action.trigger()
    shown = window.tensor_view.grad_panel.heatmap.picture.source.copy()
    # The two uses separately: untie (same values), the same batch, one gradient each.
    window.untie("net[3]")
    window.gradients_action.trigger()
    first, second = net[2].weight.grad().asnumpy(), net[3].weight.grad().asnumpy()
    onp.testing.assert_allclose(shown, first + second, rtol=1e-5, atol=1e-7)
    assert onp.abs(first).max() > 0 and onp.abs(second).max() > 0


def test_a_model_a_thousand_blocks_deep_opens_and_its_weight_can_be_selected(
    qtbot, window, tmp_path
):
    deep = tmp_path / "deep.py"
    deep.write_text(
        "from engine.gluon import nn\n"
        "net = nn.Sequential()\n"
        "block = net\n"
        "for _ in range(1000):\n"
        "    inner = nn.Sequential()\n"
        "    block.add(inner)\n"
        "    block = inner\n"
        "block.add(nn.Dense(3, in_units=2))\n"
        "net.initialize()\n"
    )
    assert window.open_model(str(deep))
    path = "net" + "[0]" * 1001 + ".weight"
    assert window.select(path)
    assert window.session.selected_path == path
    assert window.tensor_view.parameter is window.session.selected_parameter()
    assert window.tensor_view.parameter.shape == (3, 2)


def test_adding_a_non_block_in_the_console_is_refused_and_the_tree_stays(qtbot, window):
    rows_before = window.tree_view.model.shown_parameters()
    window.console_view.run_command("net.add(5)")
    assert "Error" in window.console_view.console.output.toPlainText().splitlines()[-1]
    assert window.tree_view.model.shown_parameters() == rows_before
    assert window.select("net[1].weight")


def test_initializing_says_the_gradient_was_reset(qtbot, window):
    import html

    window.session.initialize("net[0].weight", "xavier")
    window.refresh_views()
    title = html.unescape(window.tensor_view.grad_panel.title_label.text())
    assert "reset by: Initialize" in title
    assert _shown_statistics(window.tensor_view.grad_panel).max == 0
