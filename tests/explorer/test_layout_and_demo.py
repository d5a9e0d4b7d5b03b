"""What a user sees after resizing, larger text, switching models, filtering, copying the log."""

import subprocess
import sys
from pathlib import Path

import numpy as onp
import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from engine import init
from engine.gluon import Parameter, nn
from explorer.views.array_display import ViewChoice
from explorer.views.block_tree_model import COLUMNS
from explorer.views.plot_style import plot_font

REPOSITORY = Path(__file__).resolve().parents[2]


def _menu_action(window, menu_title, text):
    for menu_action in window.menuBar().actions():
        if menu_action.text().replace("&", "") == menu_title:
            for action in menu_action.menu().actions():
                if action.text().replace("&", "").startswith(text):
                    return action
    raise AssertionError(f"no {menu_title} → {text}")


@pytest.fixture
def restore_font():
    app = QApplication.instance()
    font = app.font()
    yield
    app.setFont(font)


def test_larger_text_keeps_plots_readable_and_fonts_follow(qtbot, window, restore_font):
    header = window.tensor_view.header_label
    before = header.font().pointSizeF(), window.code_log_view.text_edit.font().pointSizeF()
    larger = _menu_action(window, "View", "Larger text")
    larger.trigger()
    larger.trigger()
    qtbot.wait(50)
    assert header.font().pointSizeF() >= before[0] + 3
    assert window.code_log_view.text_edit.font().pointSizeF() >= before[1] + 3
    panel = window.tensor_view.data_panel
    line = panel.fontMetrics().height()
    for column in (panel, window.tensor_view.grad_panel):
        assert column.heatmap.height() >= 7 * line  # never squashed to a sliver
        assert column.histogram.plot_widget.height() >= 5 * line
    # The tree was refitted to the larger text: no visible column is cut.
    tree = window.tree_view.tree
    for column in range(len(COLUMNS)):
        if not tree.isColumnHidden(column):
            assert tree.columnWidth(column) >= tree.sizeHintForColumn(column)


def test_dock_titles_grow_with_the_text_and_keep_their_buttons(qtbot, window, restore_font):
    # Qt's own dock title keeps its start-up font: at 32 pt "Console" stayed 9 pt.
    from PySide6.QtWidgets import QDockWidget

    docks = [d for d in window.findChildren(QDockWidget) if d.isVisible()]
    assert {d.windowTitle() for d in docks} >= {"Blocks", "Console", "Code log"}
    window.change_font_size(+8)
    qtbot.wait(50)
    size = QApplication.instance().font().pointSize()
    for dock in docks:
        bar = dock.titleBarWidget()
        if dock.visibleRegion().isEmpty():  # tabbed away: laid out when brought forward
            assert bar.label.text() == dock.windowTitle() or bar.label.text().endswith("…")
        else:
            assert bar.label.text() == dock.windowTitle()  # room for the whole title
        assert bar.label.font().pointSize() == size
        assert bar.height() >= QFontMetrics(bar.label.font()).height()
    console = window.console_dock
    console.titleBarWidget().float_button.click()
    assert console.isFloating()
    console.titleBarWidget().float_button.click()
    assert not console.isFloating()
    console.titleBarWidget().close_button.click()
    assert not console.isVisible()


def test_small_window_gives_data_and_gradient_equal_room(qtbot, window):
    window.resize(1024, 768)
    qtbot.wait(50)
    data, grad = window.tensor_view.data_panel, window.tensor_view.grad_panel
    assert abs(data.width() - grad.width()) <= 2
    tree = window.tree_view.tree
    visible = window.tree_view.visible_columns()
    assert visible == ["Block / parameter", "Gluon name", "Shape", "Size"]
    shown = sum(tree.columnWidth(c) for c in range(len(COLUMNS)) if not tree.isColumnHidden(c))
    assert shown <= tree.viewport().width()  # name, shape and size all readable
    # The others are one header click away, and every row's tooltip has them all.
    window.tree_view.set_column_visible(COLUMNS.index("Access path"), True)
    assert "Access path" in window.tree_view.visible_columns()
    index = window.tree_view.model.index_for_path("net[0].weight")
    assert "init Uniform" in index.data(3)  # ToolTipRole


def test_switching_example_selects_first_weight_with_a_gradient(qtbot, window):
    _menu_action(window, "Examples", "").trigger()  # any example: the first in the menu
    for example in ("nestmlp", "tied"):
        window.example_actions[example].trigger()
        qtbot.waitUntil(lambda: window.session.selected_path is not None, timeout=2000)
        assert window.session.selected_path == window.session.first_weight_path()
        qtbot.waitUntil(
            lambda: (
                window.tensor_view.grad_panel.histogram.statistics is not None
                and window.tensor_view.grad_panel.histogram.statistics.max > 0
            ),
            timeout=2000,
        )
        assert "Select a parameter" not in window.tensor_view.data_panel.message


def test_copied_code_log_runs_as_a_script(qtbot, window, tmp_path):
    window.example_actions["tied"].trigger()
    qtbot.waitUntil(
        lambda: "loss.backward()" in window.code_log_view.text().split("Examples → tied")[-1],
        timeout=2000,
    )
    window.select("net[3].weight")
    window.compute_gradients()
    window.code_log_view.copy_all()
    script = QApplication.clipboard().text()
    assert script.startswith("from engine import np, npx, init, autograd, gluon\n")
    path = tmp_path / "log.py"
    path.write_text(script)
    result = subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(tmp_path),
        env={"PYTHONPATH": str(REPOSITORY), "PATH": ""},
    )
    assert result.returncode == 0, result.stderr


def test_build_function_model_logs_net_equals_build(window, tmp_path):
    model = tmp_path / "built.py"
    model.write_text(
        "from engine.gluon import nn\n\ndef build():\n    net = nn.Sequential()\n"
        "    net.add(nn.Dense(4, in_units=6))\n    net.initialize()\n"
        "    return net\n"
    )
    assert window.open_model(str(model))
    assert "read())\nnet = build()" in window.code_log_view.text()


def test_filter_matching_nothing_says_why(qtbot, window):
    qtbot.keyClicks(window.tree_view.filter_edit, "weight")
    window.tree_view.apply_filter()
    hint = window.tree_view.filter_error
    assert hint.isVisible()
    assert "re.match('weight')" in hint.text() and "'.*weight'" in hint.text()
    window.tree_view.filter_edit.setText(".*weight")
    window.tree_view.apply_filter()
    assert not hint.isVisible()


def test_forward_takes_the_first_layers_input_width(window):
    net = nn.Sequential()
    net.add(nn.Dense(8, in_units=300), nn.Dense(3))
    net.initialize()
    window.session.use_net(net)
    assert window.forward() and window.compute_gradients()
    assert "size=(2, 300)" in window.code_log_view.text()
    assert not window.error_banner.text()


def test_conv_views_mosaic_across_and_slice_of_the_kernel_image(qtbot):
    from explorer.views.tensor_view import TensorView

    view = TensorView()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    param = Parameter("conv1_weight", shape=(16, 6, 3, 3))
    param.initialize(init=init.Normal())
    view.show_parameter(param, "net[2].weight")
    picture = view.data_panel.heatmap.picture
    assert picture.across and picture.source.shape == (6 * 4 - 1, 16 * 4 - 1)  # wide
    controls = view.axis_controls
    controls.mode_box.setCurrentIndex(controls.mode_box.findData("slice"))
    assert view.data_panel.heatmap.picture.source.shape == (3, 3)  # kh × kw
    assert all(s.isVisible() for s in controls.sliders.values())
    controls.mode_box.setCurrentIndex(controls.mode_box.findData("mosaic"))
    assert not any(s.isVisible() for s in controls.sliders.values())
    bottom = view.data_panel.heatmap.plot.getAxis("bottom")
    qtbot.wait(200)  # the debounced fit after layout
    ticks = [x for x, _ in bottom._tickLevels[0]]
    per_tile = view.data_panel.heatmap.view.sceneBoundingRect().width() / 64 * 4
    gap = min(b - a for a, b in zip(ticks, ticks[1:])) / 4 * per_tile
    assert gap >= QFontMetrics(plot_font()).horizontalAdvance("15")  # labels never overlap
    controls.set_choice(ViewChoice("slice", 2, 3, (0, 0, 0, 0)))
    assert not bottom.autoSIPrefix


def test_single_outlier_survives_downsampling_to_the_panel(qtbot):
    from explorer.views.tensor_view import TensorView

    view = TensorView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    param = Parameter("big", shape=(2048, 2048))
    param.initialize(init=init.Zero())
    param.data()[1234, 777] = 1e6
    view.show_parameter(param, "big")
    qtbot.wait(200)
    image = view.data_panel.heatmap.display_image.image
    rows, cols = view.data_panel.heatmap.panel_pixels()
    assert image.shape[0] <= rows and image.shape[1] <= cols
    assert onp.count_nonzero(image == 1e6) == 1


def test_view_menu_lists_panels_in_groups_in_the_order_built(window):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    entries = ["---" if a.isSeparator() else a.text().replace("&", "") for a in menu.actions()]
    assert entries[:4] == ["Blocks", "Console", "Code log", "History"]
    first, second = (i for i, e in enumerate(entries) if e == "---")
    assert entries[first + 1 : second] == ["Compare", "Graph", "Activations", "Gradient split"]
    assert entries[second + 1 :] == ["Larger text", "Smaller text", "Theme"]


def test_no_dock_tab_bar_lies_over_the_tensor_view(window):
    # A hidden tab group made before the "Code log | History" group left Qt with a
    # second, stale tab bar drawn over the tensor view's left edge.
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QTabBar

    central = window.centralWidget()
    central_rect = QRect(central.mapTo(window, QPoint(0, 0)), central.size())
    for bar in window.findChildren(QTabBar):
        if bar.parentWidget() is window and bar.isVisible() and bar.count():
            rect = QRect(bar.mapTo(window, QPoint(0, 0)), bar.size())
            assert not rect.intersects(central_rect), [bar.tabText(i) for i in range(bar.count())]


def test_a_long_header_at_the_largest_text_scrolls_and_is_never_cut(qtbot, window, restore_font):
    # At 32 pt in a 1024×768 window the header wraps to five lines; the layout cut
    # off the last two ("initialized by Uniform(scale=0.07)").
    from explorer.views.header_area import MAX_LINES

    window.resize(1024, 768)
    window.change_font_size(32 - QApplication.instance().font().pointSize())
    qtbot.wait(100)
    label, area = window.tensor_view.header_label, window.tensor_view.header_area
    assert "initialized by" in label.text()
    assert label.height() >= label.heightForWidth(label.width())  # whole, in its area
    assert area.height() <= MAX_LINES * label.fontMetrics().lineSpacing() + 8
    if label.height() > area.viewport().height():
        assert area.verticalScrollBar().isVisible()  # the rest is a scroll away
    assert window.height() <= 768


def test_at_the_largest_text_the_training_docks_yield_their_width(qtbot, window, restore_font):
    # At 32 pt a dock title, the curve key and one-row controls each set the tabbed
    # training docks' minimum width (965 px): the window needed 1,621 px.
    window.session.set_dataset("digits")
    qtbot.waitUntil(window.training_docks.training_dock.isVisible)
    window.change_font_size(32 - QApplication.instance().font().pointSize())
    qtbot.wait(50)
    docks = window.training_docks.docks
    assert max(d.minimumSizeHint().width() for d in docks) < 400
    assert all(isinstance(d.titleBarWidget().label.text(), str) for d in docks)
    assert window.minimumSizeHint().width() < 1150  # was 1,621


def test_at_the_largest_text_the_window_fits_a_1024_by_768_screen(qtbot, window, restore_font):
    # The Training dock alone wanted 424 px of height at 32 pt, and the three columns
    # 1,033 px of width: the window grew past a projector's screen, its status bar and
    # the foot of every dock off screen. Docks now scroll what they cannot squeeze.
    window.session.set_dataset("spiral")
    window.session.new_mlp(hidden=(16, 16), activation="tanh")
    window.session.train(2)  # (the tensor view then offers Gradient / Last update too)
    qtbot.waitUntil(window.training_docks.training_dock.isVisible)
    window.refresh_views()
    window.change_font_size(32 - QApplication.instance().font().pointSize())
    window.resize(1024, 768)
    qtbot.wait(100)
    assert "show the last update" in window.tensor_view.grad_panel.title_label.text()
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 768, hint
    assert window.width() <= 1024 and window.height() <= 768
    panel_area = window.training_docks.training_dock.widget()
    assert panel_area.widget() is window.training_docks.training_panel
    if panel_area.height() < window.training_docks.training_panel.minimumSizeHint().height():
        assert panel_area.verticalScrollBar().isVisible()  # the rest is a scroll away


def test_at_the_usual_text_size_no_dock_scrolls(qtbot, window):
    # (Qt's resizable scroll area held the histogram strip, whose layout has a
    # height-for-width, at its preferred height: that dock scrolled at 1024x768.)
    window.resize(1024, 768)
    session = window.session
    session.set_dataset("spiral")
    session.new_mlp(hidden=(16, 16), activation="tanh")
    session.train(30)
    qtbot.waitUntil(window.training_docks.training_dock.isVisible)
    fronts = [window.tree_dock, window.console_dock, window.code_log_dock]
    for dock in window.training_docks.docks:
        dock.raise_()  # each in front in turn (the others are parked out of sight)
        window.refresh_views()
        qtbot.wait(50)
        for area in [d.widget() for d in [*fronts, dock]]:
            assert not area.verticalScrollBar().isVisible(), area.objectName()
            assert not area.horizontalScrollBar().isVisible(), area.objectName()


def test_at_the_largest_text_the_training_plots_keep_lines_and_the_console_yields(
    qtbot, window, restore_font
):
    # At 32 pt on 1920x1080 the console took 36 % of the height and the loss plot kept
    # a fixed 90 px: its axis labels and no curve.
    from explorer.main_window import CONSOLE_MAX_SHARE

    window.resize(1920, 1080)
    window.session.set_dataset("spiral")
    qtbot.waitUntil(window.training_docks.training_dock.isVisible)
    window.change_font_size(32 - QApplication.instance().font().pointSize())
    qtbot.wait(100)
    panel = window.training_docks.training_panel
    lines = panel.fontMetrics().lineSpacing()
    assert panel.loss_plot.minimumHeight() >= 6 * lines
    assert panel.boundary_plot.minimumHeight() >= 6 * lines
    assert window.console_dock.height() <= CONSOLE_MAX_SHARE * window.height() + lines
