"""Activations dock: the digit batch and each layer's output as pictures, following edits."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


def _activations(window, qtbot):
    inspection = window.inspection
    inspection.show_dock(inspection.activations_dock)
    qtbot.waitExposed(inspection.activations_view)
    return inspection.activations_view


def test_digits_batch_and_layer_outputs_are_shown(qtbot, window):
    assert window.open_example("digits-cnn")
    window.refresh_views()
    view = _activations(window, qtbot)
    batch = window.session.demo_input.asnumpy()
    first = view.layers[0]
    assert len(first.pictures) == 16
    assert np.array_equal(first.pictures[3], batch[3, 0])
    titles = [layer.title.split()[0] for layer in view.layers]
    assert titles == ["input", "net[0]", "net[1]", "net[2]", "net[3]", "net[4]", "net[5]"]
    conv = view.layers[1]
    assert len(conv.pictures) == 6 and conv.pictures[0].shape == (8, 8)
    expected = window.session.net[0](window.session.demo_input).asnumpy()
    assert np.allclose(conv.pictures[2], expected[0, 2])
    # Drawn: a thumbnail per picture plus a histogram in each row.
    thumbnails = [
        label
        for label in view.rows[1].findChildren(QLabel)
        if label.pixmap() is not None and not label.pixmap().isNull()
    ]
    assert len(thumbnails) == 6 + 1


def test_example_box_and_edits_redraw_the_outputs(qtbot, window):
    assert window.open_example("digits-cnn")
    view = _activations(window, qtbot)
    view.example_box.setFocus()
    qtbot.keyClick(view.example_box, Qt.Key.Key_Up)
    assert view.example_box.value() == 1
    expected = window.session.net[0](window.session.demo_input).asnumpy()
    assert np.allclose(view.layers[1].pictures[0], expected[1, 0])
    before = view.layers[1].pictures[0].copy()
    window.session.set_element("net[0].bias", (0,), "5")
    window.refresh_views()
    qtbot.waitUntil(lambda: not np.allclose(view.layers[1].pictures[0], before))
    # ReLU(x + 5): every pixel of channel 0 moved up.
    assert (view.layers[1].pictures[0] >= before).all()
