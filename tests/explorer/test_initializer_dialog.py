"""The initializer dialog, driven as a person would: pick, fill in, click Apply."""

import warnings

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer

from engine import init, np, npx
from engine.gluon import nn
from explorer.core.initializer_preview import value_histogram

WAIT_MS = 20_000


def values_of(net) -> list:
    return [p.data().asnumpy().tobytes() for p in net.collect_params().values()]


def chapter_net():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"))
    net.add(nn.Dense(10))
    net.initialize()
    net(np.random.uniform(size=(2, 20)))
    return net


@pytest.fixture
def dialog(window, qtbot, tmp_path):
    d = window.open_initializer_dialog("net", library_folder=str(tmp_path / "initializers"))
    yield d
    if shiboken6.isValid(d):  # closing deletes it (WA_DeleteOnClose)
        d.close()
    window.session.initializer_worker.close()


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_idle(qtbot, dialog):
    qtbot.waitUntil(lambda: dialog._pending is None, timeout=WAIT_MS)


def test_ctrl_i_opens_the_dialog_for_the_selected_parameter(window, qtbot):
    from explorer.dialogs.initializer_dialog import InitializerDialog

    window.initialize_action.trigger()
    dialogs = window.findChildren(InitializerDialog)
    assert dialogs and dialogs[-1].target() == "net[0].weight"
    assert window.initialize_action.shortcut().toString() == "Ctrl+I"
    assert window.open_initializer_dialog("net[1]") is dialogs[-1]  # one dialog, retargeted
    assert dialogs[-1].target() == "net[1]"
    dialogs[-1].close()
    window.session.initializer_worker.close()


def test_preview_histogram_is_what_apply_writes(window, dialog, qtbot):
    dialog.choose("Normal")
    dialog.form.set_value("sigma", 0.05)
    dialog.param_box.setCurrentText("net[1].weight")
    dialog.refresh_preview()
    shown = dialog.proposed_plot.histogram
    previewed = dialog._previews[dialog.param_box.currentIndex()].values
    click(qtbot, dialog.apply_button)
    applied = window.session.net[1].weight.data().asnumpy()
    assert applied.tobytes() == previewed.tobytes()
    assert value_histogram(applied).same_as(shown)
    assert "Applied" in dialog.message_label.text()
    assert (
        window.session.code_log[-1]
        == "net.initialize(init=init.Normal(sigma=0.05), force_reinit=True)"
    )


def test_now_and_after_share_one_value_scale_unless_unticked(window, dialog, qtbot):
    # U(±0.07) now, Normal(1) after: on separate scales both looked alike.
    dialog.choose("Normal")
    dialog.form.set_value("sigma", 1.0)
    dialog.param_box.setCurrentText("net[0].weight")
    dialog.refresh_preview()
    now, after = dialog.current_plot, dialog.proposed_plot

    def shown(plot):
        return plot.plot.getViewBox().viewRange()[0]

    assert dialog.same_scale_box.isChecked()
    assert shown(now) == pytest.approx(shown(after))
    assert shown(now)[1] - shown(now)[0] > 10 * 0.14  # the wide one decides
    dialog.same_scale_box.setChecked(False)
    assert shown(now)[1] - shown(now)[0] < 0.2  # U(±0.07) fills its own plot again
    assert shown(after)[1] - shown(after)[0] > 3


def test_a_draw_between_preview_and_apply_redraws_the_preview_first(window, dialog, qtbot):
    dialog.choose("Uniform")
    dialog.refresh_preview()
    stale = dialog._previews[0].values
    log = list(window.session.code_log)
    np.random.uniform(size=(5,))  # console code draws meanwhile
    click(qtbot, dialog.apply_button)
    assert window.session.code_log == log and "moved" in dialog.message_label.text()
    fresh = dialog._previews[0].values
    assert fresh.tobytes() != stale.tobytes()
    click(qtbot, dialog.apply_button)
    assert window.session.net[0].weight.data().asnumpy().tobytes() == fresh.tobytes()


def test_own_init_note_and_override(window, dialog, qtbot):
    dialog.choose("Constant")
    dialog.refresh_preview()
    assert "net[0].bias, net[1].bias" in dialog.own_note_label.text()
    click(qtbot, dialog.apply_button)
    assert float(window.session.net[0].bias.data().max()) == 0.0
    dialog.override_box.setChecked(True)
    dialog.refresh_preview()
    click(qtbot, dialog.apply_button)
    assert float(window.session.net[0].bias.data().min()) == 1.0


def test_undo_after_apply_restores_bit_for_bit_and_redo_reapplies(window, dialog, qtbot):
    before = values_of(window.session.net)
    dialog.choose("Xavier")
    dialog.form.set_value("rnd_type", "gaussian")
    click(qtbot, dialog.apply_button)
    after = values_of(window.session.net)
    assert after != before
    window.undo_action.trigger()
    assert values_of(window.session.net) == before
    window.redo_action.trigger()
    assert values_of(window.session.net) == after


def _custom(dialog, source):
    dialog.choose("New custom initializer…")
    dialog.editor.setPlainText(source)


BROKEN = {
    "syntax": (
        "class MyInit(init.Initializer):\n    def _init_weight(self, name, data)\n"
        "        data[:] = 1\n",
        2,
    ),
    "raise": (
        "class MyInit(init.Initializer):\n    def _init_weight(self, name, data):\n"
        "        raise RuntimeError('no luck')\n",
        3,
    ),
    "wrong shape": (
        "class MyInit(init.Initializer):\n    def _init_weight(self, name, data):\n"
        "        data[:] = np.ones((3, 3))\n",
        3,
    ),
    "nan": (
        "class MyInit(init.Initializer):\n    def _init_weight(self, name, data):\n"
        "        data[:] = np.log(np.zeros(data.shape) - 1)\n",
        None,
    ),
    "endless loop": (
        "class MyInit(init.Initializer):\n"
        "    def _init_weight(self, name, data):\n"
        "        while True:\n            pass\n",
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_custom_initializer_says_why_window_answers_model_unchanged(
    window, dialog, qtbot, case
):
    source, line = BROKEN[case]
    window.session.initializer_timeout_s = 1.0
    before = values_of(window.session.net)
    ticks = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    _custom(dialog, source)
    click(qtbot, dialog.apply_button)
    if case == "endless loop":
        assert dialog._pending is not None  # running in the worker, the window answers:
        clicked = []
        probe = dialog.save_button
        probe.clicked.connect(lambda: clicked.append(1))
        qtbot.wait(200)
        click(qtbot, probe)
        assert clicked and ticks
    wait_idle(qtbot, dialog)
    timer.stop()
    text = dialog.message_label.text()
    assert text and "Applied" not in text
    if case == "endless loop":
        assert "Stopped after 1 s" in text
    assert dialog.editor.error_line == line
    assert values_of(window.session.net) == before


def test_cancel_button_ends_a_running_initializer(window, dialog, qtbot):
    window.session.initializer_timeout_s = 60.0
    before = values_of(window.session.net)
    _custom(dialog, BROKEN["endless loop"][0])
    click(qtbot, dialog.apply_button)
    qtbot.wait(300)
    assert dialog.stop_button.isEnabled()
    click(qtbot, dialog.stop_button)
    assert dialog._pending is None and "Cancelled" in dialog.message_label.text()
    assert values_of(window.session.net) == before


def test_saved_initializers_are_listed_after_a_restart(window, dialog, qtbot, tmp_path):
    _custom(
        dialog,
        "class Halves(init.Initializer):\n"
        "    def _init_weight(self, name, data):\n        data[:] = 0.5\n",
    )
    dialog.name_edit.setText("Halves")
    click(qtbot, dialog.save_button)
    dialog.close()
    again = window.open_initializer_dialog(
        "net[0].weight", library_folder=str(tmp_path / "initializers")
    )
    again.choose("Halves")
    assert "data[:] = 0.5" in again.editor.toPlainText()
    click(qtbot, again.apply_button)
    qtbot.waitUntil(
        lambda: float(window.session.net[0].weight.data().min()) == 0.5, timeout=WAIT_MS
    )
    again.close()


CHAPTER_STEPS = [
    (
        "net",
        "Normal",
        {"sigma": 0.01},
        "net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)",
    ),
    ("net", "Constant", {"value": 1}, "net.initialize(init=init.Constant(1), force_reinit=True)"),
    (
        "net[0].weight",
        "Xavier",
        {},
        "net[0].weight.initialize(init=init.Xavier(), force_reinit=True)",
    ),
    (
        "net[1]",
        "Constant",
        {"value": 42},
        "net[1].initialize(init=init.Constant(42), force_reinit=True)",
    ),
    (
        "net",
        "New custom initializer…",
        None,
        "class MyInit(init.Initializer):\n"
        "    def _init_weight(self, name, data):\n"
        "        print('Init', name, data.shape)\n"
        "        data[:] = np.random.uniform(-10, 10, data.shape)\n"
        "        data *= np.abs(data) >= 5\n\n"
        "net.initialize(MyInit(), force_reinit=True)",
    ),
]


def test_the_chapters_initialization_cells_by_mouse_equal_the_chapter_code(window, qtbot, tmp_path):
    session = window.session
    np.random.seed(2024)
    session.use_net(chapter_net())
    qtbot.wait(50)  # the window selects the new model's first weight
    np.random.seed(2024)
    reference = chapter_net()
    namespace = {"np": np, "npx": npx, "init": init, "nn": nn, "net": reference}
    printed = []
    session.printed.connect(printed.append)

    np.random.seed(7)
    dialog = window.open_initializer_dialog("net", library_folder=str(tmp_path / "lib"))
    results = []
    for target, choice, fields, _code in CHAPTER_STEPS:
        dialog.set_target(target)
        dialog.choose(choice)
        for name, value in (fields or {}).items():
            dialog.form.set_value(name, value)
        click(qtbot, dialog.apply_button)
        wait_idle(qtbot, dialog)
        assert "Applied" in dialog.message_label.text(), dialog.message_label.text()
        results.append(values_of(session.net))
    dialog.close()
    session.initializer_worker.close()

    np.random.seed(7)
    for (_t, _c, _f, code), gui_values in zip(CHAPTER_STEPS, results):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(code, namespace)
        assert values_of(reference) == gui_values, code
    names = [p.name for p in session.net.collect_params().values()]
    assert f"Init {names[0]} (256, 20)\nInit {names[2]} (10, 256)\n" in "".join(printed)
    assert float(session.net[0].bias.data().max()) == 0.0


def test_the_filter_boxs_pattern_is_a_target(window, qtbot, tmp_path):
    window.tree_view.filter_edit.setText(".*bias")
    window.tree_view.apply_filter()
    dialog = window.open_initializer_dialog(library_folder=str(tmp_path / "lib"))
    targets = [dialog.target_box.itemText(i) for i in range(dialog.target_box.count())]
    assert ".*bias" in targets
    dialog.set_target(".*bias")
    dialog.choose("One")
    dialog.refresh_preview()
    assert [dialog.param_box.itemText(i) for i in range(dialog.param_box.count())] == [
        "net[0].bias",
        "net[1].bias",
    ]
    click(qtbot, dialog.apply_button)
    assert (
        window.session.code_log[-1]
        == "net.collect_params('.*bias').initialize(init=init.One(), force_reinit=True)"
    )
    # ParameterDict.initialize passes One() as the default: the biases keep their zeros.
    assert float(window.session.net[1].bias.data().max()) == 0.0
    assert "net[0].bias, net[1].bias" in dialog.own_note_label.text()
    dialog.override_box.setChecked(True)
    click(qtbot, dialog.apply_button)
    assert float(window.session.net[1].bias.data().min()) == 1.0
    dialog.close()
    window.session.initializer_worker.close()
