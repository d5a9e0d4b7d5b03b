"""Compare: pin a parameter, change it, see current − pinned; compare two parameters."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from explorer.core.tensor_compare import difference


def _compare(window, qtbot):
    view = window.inspection.compare_view
    window.inspection.compare_dock.show()
    window.inspection.compare_dock.raise_()
    qtbot.waitExposed(view)
    return view


def test_pin_then_edit_shows_the_one_changed_element(qtbot, window):
    assert window.open_example("tied")
    assert window.select("net[0].weight")
    view = _compare(window, qtbot)
    qtbot.mouseClick(view.pin_button, Qt.MouseButton.LeftButton)
    assert view.difference is not None and view.difference.changed == 0
    old = float(window.session.net[0].weight.data()[2, 5])
    window.session.set_element("net[0].weight", (2, 5), "3")
    window.refresh_views()
    diff = view.difference
    assert diff.changed == 1
    assert diff.values[2, 5] == pytest.approx(3 - old)
    assert diff.max_abs == pytest.approx(abs(3 - old))
    assert "1 of 160 elements changed" in view.status_label.text()
    assert view.panel.values is not None and view.panel.values[2, 5] == pytest.approx(3 - old)


def test_pin_then_reinitialize_and_train_step_change_everything(qtbot, window):
    assert window.open_example("tied")
    assert window.select("net[1].weight")
    view = _compare(window, qtbot)
    qtbot.mouseClick(view.pin_button, Qt.MouseButton.LeftButton)
    pinned = window.session.net[1].weight.data().asnumpy().copy()
    window.session.execute("net[1].weight.initialize(init=init.Normal(1.0), force_reinit=True)")
    window.refresh_views()
    now = window.session.net[1].weight.data().asnumpy()
    assert view.difference.changed == now.size
    assert np.allclose(view.difference.values, now - pinned)
    window.session.undo()
    window.refresh_views()
    assert view.difference.changed == 0
    # One SGD step (as the training loop does): every element of the tied weight moves.
    window.session.compute_gradients()
    window.session.execute(
        "trainer = gluon.Trainer(net.collect_params(), 'sgd', "
        "{'learning_rate': 0.5})\ntrainer.step(2)"
    )
    window.refresh_views()
    step = pinned - 0.5 / 2 * window.session.net[1].weight.grad().asnumpy()
    assert view.difference.changed > 0
    assert np.allclose(view.difference.values + pinned, step, atol=1e-6)


def test_compare_with_another_parameter_of_the_same_shape(qtbot, window):
    assert window.open_example("rgnet")
    assert window.select("net[0][1][0].weight")
    view = _compare(window, qtbot)
    paths = [view.other_combo.itemData(i) for i in range(view.other_combo.count())]
    assert "net[0][2][0].weight" in paths and "net[0][0][0].weight" not in paths  # (32, 20)
    view.compare_with("net[0][2][0].weight")
    net = window.session.net
    expected = net[0][1][0].weight.data().asnumpy() - net[0][2][0].weight.data().asnumpy()
    assert np.allclose(view.difference.values, expected)
    assert "net[0][1][0].weight − net[0][2][0].weight" in view.status_label.text()


def test_difference_refuses_other_shapes_and_counts_nan_as_unchanged():
    with pytest.raises(ValueError, match="differ"):
        difference(np.zeros((2, 3)), np.zeros((3, 2)))
    d = difference(np.array([np.nan, 1.0, 2.0]), np.array([np.nan, 1.0, 0.0]))
    assert d.changed == 1 and d.max_abs == 2.0
