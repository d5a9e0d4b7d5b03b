"""The data-flow graph dock: traced boxes, shapes on arrows, reuse/tie links, click selects."""

from PySide6.QtCore import Qt

from explorer.core.forward_trace import NET_INPUT
from explorer.core.traced_graph import NET_OUTPUT


def _graph(window, qtbot):
    inspection = window.inspection
    inspection.show_dock(inspection.graph_dock)
    qtbot.waitExposed(inspection.graph_view)
    return inspection.graph_view


def _click_box(qtbot, view, item):
    point = view.view.mapFromScene(item.sceneBoundingRect().center())
    qtbot.mouseClick(view.view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def _versions(session):
    return session.net.structure_version, [p.version for p in session.parameters()]


def test_fancymlp_graph_draws_the_reused_block_twice_and_click_selects(qtbot, window):
    assert window.open_example("fancymlp")
    window.refresh_views()
    before = _versions(window.session)
    view = _graph(window, qtbot)
    assert _versions(window.session) == before  # tracing changed nothing
    titles = [item.node.title for item in view.node_items.values()]
    assert titles == ["input", "net.dense  (call 1 of 2)", "net.dense  (call 2 of 2)", "output"]
    assert [item.data(0) for item in view.link_items] == ["reuse"]
    labels = {item.text() for item in view.scene.items() if hasattr(item, "text")}
    assert "(2, 20)" in labels and "same block, call 1 → 2" in labels
    second = next(i for i in view.node_items.values() if "call 2" in i.node.title)
    assert window.select("net.rand_weight")
    _click_box(qtbot, view, second)
    assert window.session.selected_path == "net.dense"
    # The selected block's boxes are outlined.
    assert second.pen().widthF() > 2


def test_tied_graph_links_tied_blocks_and_clicking_input_selects_nothing(qtbot, window):
    assert window.open_example("tied")
    view = _graph(window, qtbot)
    assert [item.data(0) for item in view.link_items] == ["tied"]
    assert NET_INPUT in view.node_items and NET_OUTPUT in view.node_items
    assert window.select("net[3].weight")
    _click_box(qtbot, view, view.node_items[NET_INPUT])
    assert window.session.selected_path == "net[3].weight"
    _click_box(qtbot, view, next(i for i in view.node_items.values() if i.node.path == "net[2]"))
    assert window.session.selected_path == "net[2]"


def test_graph_follows_structure_changes(qtbot, window):
    assert window.open_example("mlp")
    view = _graph(window, qtbot)
    assert len(view.node_items) == 4
    window.session.execute("net.add(nn.Dense(5))")
    window.refresh_views()
    assert "not initialized" in view.message_label.text()
    window.session.execute("net[2].initialize()")
    window.refresh_views()
    # The new layer is deferred: the graph says so instead of tracing (which would fill it).
    assert "deferred" in view.message_label.text()
    assert window.session.net[2].weight.is_deferred
    window.forward()
    window.refresh_views()
    qtbot.waitUntil(lambda: len(view.node_items) == 5)


def test_view_menu_toggle_opens_and_closes_the_dock(qtbot, window):
    action = window.inspection.actions["Graph"]
    dock = window.inspection.graph_dock
    assert not action.isChecked() and dock.isHidden()
    action.trigger()
    assert action.isChecked() and dock.isVisible() and not dock.isFloating()
    assert window.inspection.graph_view.node_items  # traced when shown
    dock.close()  # its ✕
    assert not action.isChecked()
