"""Gradient split dock: selecting a tied parameter shows each use's part and their sum."""

import numpy as np


def test_selecting_a_tied_parameter_shows_its_parts(qtbot, window):
    assert window.open_example("tied")
    dock = window.inspection.gradient_split_dock
    view = window.inspection.gradient_split_view
    assert not dock.isVisible()
    assert window.select("net[2].weight")  # the tree's tied row
    qtbot.waitUntil(dock.isVisible)
    split = view.split
    assert [u.label for u in split.uses] == ["net[1]", "net[2]"]
    assert len(view.part_labels) == 3  # two parts and their sum
    assert "add up" in view.check_label.text()
    assert np.allclose(split.sum_of_uses, split.total, atol=1e-5)
    # The sum is what one backward pass writes into the Gradient column.
    window.session.compute_gradients()
    assert np.allclose(split.total, window.session.net[1].weight.grad().asnumpy(), atol=1e-5)


def test_single_use_parameter_says_so_and_edits_redraw(qtbot, window):
    assert window.open_example("tied")
    inspection = window.inspection
    inspection.show_dock(inspection.gradient_split_dock)
    view = inspection.gradient_split_view
    assert window.select("net[0].weight")
    assert "used once" in view.header_label.text() and view.split is not None
    assert window.select("net[1].weight")
    before = view.split.uses[0].contribution.copy()
    window.session.set_element("net[1].weight", (0, 0), "0")
    window.refresh_views()
    assert not np.allclose(view.split.uses[0].contribution, before)
