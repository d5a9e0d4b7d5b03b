"""The learning-rate and weight-decay boxes show every value truthfully and step 1-2-5."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator

from explorer.views.decade_spin_box import DecadeSpinBox, next_125, short_text


@pytest.mark.parametrize(
    "value, text",
    [
        (1e-6, "1e-06"),
        (3e-5, "3e-05"),
        (0.003, "0.003"),
        (0.1, "0.1"),
        (1e5, "100000"),
        (1e45, "1e+45"),
        (0.12345678, "0.12345678"),
    ],
)
def test_a_value_shows_as_python_prints_it(qtbot, value, text):
    box = DecadeSpinBox(0.0, 1e308, 0.1, smallest=1e-6)
    qtbot.addWidget(box)
    box.setValue(value)
    assert box.text() == text == short_text(value)
    assert box.value() == value  # not rounded to a few decimals


def test_arrows_step_along_1_2_5_per_decade(qtbot):
    box = DecadeSpinBox(0.0, 1e308, 0.1, smallest=1e-6)
    qtbot.addWidget(box)
    seen = []
    for _ in range(4):
        box.stepBy(1)
        seen.append(box.text())
    assert seen == ["0.2", "0.5", "1", "2"]
    box.setValue(0.01)
    box.stepBy(-2)
    assert box.text() == "0.002"
    assert next_125(0.0, 1, 1e-6) == 1e-6 and next_125(1e-6, -1, 1e-6) == 0.0
    assert next_125(0.0031, -1, 1e-6) == 0.002 and next_125(0.0031, 1, 1e-6) == 0.005


def test_momentum_steps_evenly_and_shows_short_text(qtbot):
    box = DecadeSpinBox(0.0, 1.0, 0.85, linear_step=0.05)
    qtbot.addWidget(box)
    box.stepBy(1)
    assert box.text() == "0.9" and box.value() == 0.9
    box.stepBy(3)
    assert box.text() == "1"  # held at the maximum
    box.setValue(0.0)
    assert box.text() == "0"


@pytest.mark.parametrize("text", ["abc", "1" * 100, "0x10", "1e5; import os"])
def test_text_that_is_no_number_is_refused(qtbot, text):
    box = DecadeSpinBox(0.0, 1e308, 0.1, smallest=1e-6)
    qtbot.addWidget(box)
    assert box.validate(text, 0)[0] == QValidator.State.Invalid


@pytest.mark.parametrize("text", ["", "1e", "1e-", ".", "nan", "inf", "-1"])
def test_half_typed_or_out_of_range_text_waits_and_is_not_taken(qtbot, text):
    box = DecadeSpinBox(0.0, 1e308, 0.1, smallest=1e-6)
    qtbot.addWidget(box)
    assert box.validate(text, 0)[0] == QValidator.State.Intermediate


def test_typed_learning_rate_reaches_the_optimizer_exactly_and_console_values_show(window, qtbot):
    panel = window.training_docks.training_panel
    window.training_docks.training_dock.show()
    window.training_docks.training_dock.raise_()
    qtbot.waitUntil(panel.isVisible)
    box = panel.lr_box
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "3e-05")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert window.session.training.hyperparameters["learning_rate"] == 3e-05
    window.session.set_optimizer("sgd", learning_rate=1e45, wd=1e-7)
    panel.training_changed()
    assert panel.lr_box.text() == "1e+45" and panel.wd_box.text() == "1e-07"
