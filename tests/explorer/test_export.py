"""Right-click → Export as PNG/SVG on plots and panels writes the file the dialog named."""

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QContextMenuEvent, QImage
from PySide6.QtWidgets import QApplication, QFileDialog

from explorer.views.export import export_widget


def right_click_and_choose(qtbot, target, text):
    """Right-click ``target`` (a widget), then click ``text`` in the menu that opens."""
    chosen = []

    def pick():
        menu = QApplication.activePopupWidget()
        if menu is None:
            QTimer.singleShot(20, pick)
            return
        action = next(a for a in menu.actions() if a.text() == text)
        chosen.append(action)
        menu.close()
        action.trigger()

    QTimer.singleShot(20, pick)
    centre = target.rect().center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre, target.mapToGlobal(centre))
    QApplication.sendEvent(target, event)
    qtbot.waitUntil(lambda: bool(chosen))


@pytest.fixture
def save_to(monkeypatch, tmp_path):
    """The save dialog answers with a file in tmp_path (as if a person typed it)."""
    asked = []

    def answer(name):
        def get_save_file_name(parent, caption, start, filters):
            asked.append((caption, start, filters))
            return str(tmp_path / name), filters

        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(get_save_file_name))
        return tmp_path / name

    answer.asked = asked
    return answer


def test_heatmap_right_click_exports_png(qtbot, window, save_to):
    path = save_to("weights.png")
    heatmap = window.tensor_view.data_panel.heatmap
    right_click_and_choose(qtbot, heatmap.viewport(), "Export as PNG…")
    assert path.exists()
    image = QImage(str(path))
    assert not image.isNull()
    assert (image.width(), image.height()) == (heatmap.width(), heatmap.height())
    assert "PNG" in save_to.asked[0][0]
    # Not a blank image: the heatmap's colours are in it.
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 20


def test_histogram_right_click_exports_svg(qtbot, window, save_to):
    path = save_to("histogram")  # no suffix typed: .svg is added
    plot = window.tensor_view.data_panel.histogram.plot_widget
    right_click_and_choose(qtbot, plot.viewport(), "Export as SVG…")
    written = path.with_suffix(".svg")
    assert written.exists()
    text = written.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text and "<path" in text


def test_values_grid_right_click_exports_png(qtbot, window, save_to):
    assert window.open_example("tied")
    assert window.select("net[1].weight")
    grid = window.inspection.values_grid
    window.tensor_view.pages.setCurrentWidget(grid)
    path = save_to("numbers.png")
    right_click_and_choose(qtbot, grid.table.viewport(), "Export as PNG…")
    assert path.exists() and not QImage(str(path)).isNull()


def test_export_widget_writes_svg_of_a_plain_panel_and_refuses_other_suffixes(window, tmp_path):
    panel = window.tensor_view.data_panel
    svg = export_widget(panel, str(tmp_path / "column.svg"))
    assert "<svg" in open(svg).read()
    with pytest.raises(ValueError, match="png or .svg"):
        export_widget(panel, str(tmp_path / "column.jpg"))


def test_graph_dock_right_click_exports_svg(qtbot, window, save_to):
    assert window.open_example("fancymlp")
    inspection = window.inspection
    inspection.show_dock(inspection.graph_dock)
    qtbot.waitExposed(inspection.graph_view)
    path = save_to("graph.svg")
    right_click_and_choose(qtbot, inspection.graph_view.view.viewport(), "Export as SVG…")
    text = path.read_text()
    assert "<svg" in text and "net.dense" in text  # the boxes' text is in the drawing
