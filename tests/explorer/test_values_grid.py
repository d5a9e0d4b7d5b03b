"""The values grid: numbers of a small parameter, coloured like the heatmap, edited by typing."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

from explorer.views.heatmap_panel import diverging_colormap
from explorer.views.values_grid import ValuesTableModel


@pytest.fixture
def tied_window(window):
    assert window.open_example("tied")
    assert window.select("net[1].weight")
    grid = window.inspection.values_grid
    pages = window.tensor_view.pages
    # Click the "Numbers" tab as a person would.
    bar = pages.tabBar()
    index = next(i for i in range(pages.count()) if pages.tabText(i) == "Numbers")
    return window, grid, bar, index


def _open_grid(qtbot, window, bar, index):
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert window.tensor_view.pages.currentIndex() == index


def _type_into_cell(qtbot, grid, row, col, text):
    cell = grid.model.index(row, col)
    grid.table.scrollTo(cell)
    centre = grid.table.visualRect(cell).center()
    qtbot.mouseClick(grid.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(grid.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    editors = [e for e in grid.table.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1, "double-click should open an editor in the cell"
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on the next turn of the event loop.
    qtbot.waitUntil(lambda: grid.table.state() != QAbstractItemView.State.EditingState)


def test_double_click_and_type_writes_logs_and_undoes(qtbot, tied_window):
    window, grid, bar, index = tied_window
    _open_grid(qtbot, window, bar, index)
    weight = window.session.net[1].weight
    before = float(weight.data()[0, 1])
    assert grid.model.rowCount() == 8 and grid.model.columnCount() == 8
    _type_into_cell(qtbot, grid, 0, 1, "42")
    assert float(weight.data()[0, 1]) == 42.0
    # net[2] is tied to net[1]: the same Parameter, so it changed too.
    assert float(window.session.net[2].weight.data()[0, 1]) == 42.0
    assert window.session.code_log[-1] == "net[1].weight.data()[0, 1] = 42"
    assert grid.model.index(0, 1).data() == "42"
    assert window.undo()
    window.refresh_views()
    assert float(weight.data()[0, 1]) == pytest.approx(before)
    assert grid.model.value_at(0, 1) == pytest.approx(before)


def test_text_that_is_not_a_number_is_refused(qtbot, tied_window):
    window, grid, bar, index = tied_window
    _open_grid(qtbot, window, bar, index)
    weight = window.session.net[1].weight
    values = weight.data().asnumpy().copy()
    log_length = len(window.session.code_log)
    _type_into_cell(qtbot, grid, 2, 3, "forty-two")
    assert np.array_equal(weight.data().asnumpy(), values)
    assert len(window.session.code_log) == log_length
    assert grid.error_label.isVisible()
    assert "not a number" in grid.error_label.text()


def test_colours_follow_the_heatmap_scale(qtbot, tied_window):
    window, grid, bar, index = tied_window
    _open_grid(qtbot, window, bar, index)
    values = window.session.net[1].weight.data().asnumpy()
    scale = window.tensor_view.data_panel.colour_scale
    assert scale is not None and scale.kind == "diverging"
    row, col = np.unravel_index(np.argmax(values), values.shape)
    top = grid.model.index(int(row), int(col)).data(Qt.ItemDataRole.BackgroundRole)
    low_row, low_col = np.unravel_index(np.argmin(values), values.shape)
    bottom = grid.model.index(int(low_row), int(low_col)).data(Qt.ItemDataRole.BackgroundRole)
    # Diverging scale ±max|x| as the heatmap's: the largest magnitude sits at an end of
    # blue–white–red, the colour the heatmap's own colour map gives that end.
    low, high = window.tensor_view.data_panel.heatmap.levels
    assert high == pytest.approx(np.abs(values).max(), rel=1e-5) and low == pytest.approx(-high)
    table = diverging_colormap().getLookupTable(0.0, 1.0, 256, alpha=False)
    if abs(values.max()) >= abs(values.min()):
        assert (top.red(), top.green(), top.blue()) == tuple(int(c) for c in table[255])
    else:
        assert (bottom.red(), bottom.green(), bottom.blue()) == tuple(int(c) for c in table[0])


def test_large_tensor_gets_a_message_and_1d_is_one_row(qtbot, window):
    grid = window.inspection.values_grid
    window.tensor_view.pages.setCurrentWidget(grid)
    assert window.select("net[0].weight")  # 256 × 20
    assert "64 × 64" in grid.message
    assert window.select("net[0].bias")  # 256 numbers: too wide for one row
    assert "64 × 64" in grid.message
    assert window.open_example("tied")
    assert window.select("net[0].bias")
    assert grid.message == ""
    assert grid.model.rowCount() == 1 and grid.model.columnCount() == 8


def test_nd_rows_are_labelled_by_leading_index():
    model = ValuesTableModel()
    from PySide6.QtGui import QColor

    from explorer.views.colour_scale import choose_colour_scale

    values = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)
    model.set_values(values, choose_colour_scale(0.0, 23.0, 24), QColor("grey"))
    assert (model.rowCount(), model.columnCount()) == (6, 4)
    assert model.array_index(4, 2) == (1, 1, 2)
    assert model.headerData(4, Qt.Orientation.Vertical) == "[1, 1]"
    assert model.value_at(4, 2) == values[1, 1, 2]
