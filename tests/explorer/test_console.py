"""The console as a learner uses it: output that stays bounded and in view, readable
colours in both themes, Tab completion and indentation, hostile input, Ctrl+=."""

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette


def _output(window):
    return window.console_view.console.output


def _text(window):
    return _output(window).toPlainText()


def _drain(qtbot, window):
    output = _output(window)
    qtbot.waitUntil(lambda: getattr(output, "pending_chars", lambda: 0)() == 0, timeout=20000)


def _type(qtbot, window, text, enter=True):
    box = window.console_view.console.input
    box.setFocus()
    qtbot.keyClicks(box, text)
    if enter:
        qtbot.keyClick(box, Qt.Key.Key_Return)


# ------------------------------------------------------------------ B: huge output
def test_twenty_thousand_lines_keep_the_last_ones_and_say_how_many_were_dropped(qtbot, window):
    from explorer.views.console_output import MAX_LINES

    window.console_view.run_command("for i in range(20000): print(i)\n")
    _drain(qtbot, window)
    doc = _output(window).document()
    assert doc.blockCount() <= MAX_LINES + 2
    lines = _text(window).splitlines()
    assert "earlier lines" in lines[0] and "dropped" in lines[0]
    assert "19999" in lines[-3:]


def test_a_megabyte_line_is_cut_with_a_note(qtbot, window):
    from explorer.views.console_output import MAX_CHARS, MAX_LINE_CHARS

    window.console_view.run_command("print('x' * 10**6)")
    _drain(qtbot, window)
    assert _output(window).document().characterCount() <= MAX_CHARS
    cut = [line for line in _text(window).splitlines() if line.startswith("xxx")]
    assert len(cut) == 1 and len(cut[0]) < MAX_LINE_CHARS + 100
    assert f"{10**6 - MAX_LINE_CHARS:,} more characters on this line not shown" in cut[0]
    window.console_view.run_command("print('after')")
    assert _text(window).splitlines()[-1] == "after"


def test_a_long_error_message_is_cut_in_the_banner_with_show_all(qtbot, window, tmp_path):
    model = tmp_path / "long_error.py"
    model.write_text("raise ValueError('a' * 100_000)\n")
    assert not window.open_model(str(model))  # File → Open model… on a file that fails
    banner = window.error_banner
    assert banner.isVisible() and len(banner.label.text()) < 2_000
    assert banner.show_all_button.isVisible()
    qtbot.mouseClick(banner.show_all_button, Qt.MouseButton.LeftButton)
    view = banner.dialog.findChild(__import__("PySide6.QtWidgets").QtWidgets.QPlainTextEdit)
    assert "".join(view.toPlainText().split("\n")).count("a") >= 100_000
    assert window.error_banner.text().count("a") >= 100_000  # start-up re-shows the whole text


# ------------------------------------------------------------------ D: follows output
def test_output_follows_new_text_after_the_dock_is_resized(qtbot, window):
    window.console_view.run_command("print(' '.join(str(i) for i in range(600)))")
    qtbot.wait(50)
    # Dragging the splitter between the Blocks dock and the centre by 200 px:
    window.resizeDocks(
        [window.tree_dock], [window.tree_dock.width() + 200], Qt.Orientation.Horizontal
    )
    qtbot.wait(100)
    window.console_view.run_command("print('AFTER')")
    qtbot.wait(50)
    output = _output(window)
    bar = output.verticalScrollBar()
    assert bar.value() == bar.maximum()
    last = output.document().lastBlock().previous()
    assert last.text() == "AFTER"
    bottom = output.viewport().rect().bottom()
    assert (
        output.cursorForPosition(output.viewport().rect().bottomLeft()).block().blockNumber()
        >= last.blockNumber() - 1
    ), bottom


def test_output_stays_put_when_the_user_scrolled_up(qtbot, window):
    window.console_view.run_command("for i in range(300): print(i)\n")
    _drain(qtbot, window)
    bar = _output(window).verticalScrollBar()
    bar.triggerAction(bar.SliderAction.SliderToMinimum)  # the user scrolls to the top
    window.console_view.run_command("print('more')")
    assert bar.value() == bar.minimum()
    bar.triggerAction(bar.SliderAction.SliderToMaximum)  # ... and back down: follows again
    window.console_view.run_command("print('again')")
    assert bar.value() == bar.maximum()


# ------------------------------------------------------------------ E: colours
def _command_contrasts(window):
    from explorer.theme import contrast_ratio

    output = _output(window)
    base = output.palette().color(QPalette.ColorRole.Base)
    text = output.palette().color(QPalette.ColorRole.Text)
    ratios = []
    block = output.document().firstBlock()
    while block.isValid():
        if block.text().startswith(">>> "):
            background = block.blockFormat().background()
            back = background.color() if background.style() != Qt.BrushStyle.NoBrush else base
            it = block.begin()
            while not it.atEnd():
                fmt = it.fragment().charFormat()
                fore = fmt.foreground()
                colour = fore.color() if fore.style() != Qt.BrushStyle.NoBrush else text
                ratios.append(contrast_ratio(QColor(colour), QColor(back)))
                it += 1
        block = block.next()
    return ratios


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_echoed_commands_are_readable_in_both_themes(qtbot, window, theme):
    window.console_view.run_command("x = 1")  # echoed before the theme changes
    window.set_theme(theme)
    qtbot.wait(10)
    window.console_view.run_command("x + 1")  # and after
    ratios = _command_contrasts(window)
    assert len(ratios) >= 2
    assert min(ratios) >= 4.5
    window.set_theme("light")


# ------------------------------------------------------------------ F: Ctrl+=, Exceptions
def test_ctrl_equals_enlarges_text_like_ctrl_plus(qtbot, window):
    app = QGuiApplication.instance()
    before = app.font().pointSize()
    window.activateWindow()
    qtbot.keyClick(
        window.console_view.console.input, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier
    )
    try:
        assert app.font().pointSize() == before + 2
    finally:
        window.change_font_size(before - app.font().pointSize())


def test_an_error_does_not_open_the_exception_inspector(qtbot, window):
    console = window.console_view.console
    window.console_view.run_command("1 / 0")
    qtbot.wait(20)
    assert "ZeroDivisionError" in _text(window)
    assert not console.exceptionBtn.isVisible() and not console.excHandler.isVisible()
    window.console_view.inspector_action.setChecked(True)  # asked for: there it is
    assert console.exceptionBtn.isVisible() and console.excHandler.isVisible()


# ------------------------------------------------------------------ G: completion, indent
def _tab(qtbot, window):
    view = window.console_view
    results = []
    view.completion.finished.connect(results.append)
    qtbot.keyClick(view.console.input, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    view.completion.finished.disconnect(results.append)
    return results[0]


def test_tab_completes_members_of_an_indexed_block(qtbot, window):
    _type(qtbot, window, "net[0].we", enter=False)
    _tab(qtbot, window)
    assert window.console_view.console.input.text() == "net[0].weight"


def test_tab_with_several_choices_completes_the_common_prefix_and_lists_them(qtbot, window):
    _type(qtbot, window, "net.coll", enter=False)
    _tab(qtbot, window)
    assert window.console_view.console.input.text() == "net.collect_params"
    window.console_view.console.input.clear()
    _type(qtbot, window, "np", enter=False)
    _tab(qtbot, window)
    items = window.console_view.completion.popup_items()
    assert {"np", "npx"} <= set(items)
    assert window.console_view.console.input.text() == "np"


def test_tab_completes_dict_keys(qtbot, window):
    window.console_view.run_command("d = {'alpha': 1, 'beta': 2}")
    _type(qtbot, window, "d['al", enter=False)
    _tab(qtbot, window)
    assert window.console_view.console.input.text() == "d['alpha']"


def test_a_pathological_object_cannot_freeze_completion(qtbot, window):
    from explorer.core.completion import CompletionTimeoutError

    window.console_view.run_command(
        "class Evil:\n    def __dir__(self):\n        while True: pass\n"
    )
    window.console_view.run_command("evil = Evil()")
    window.console_view.completion.time_limit_s = 0.3
    beats = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: beats.append(1))
    timer.start()
    _type(qtbot, window, "evil.", enter=False)
    result = _tab(qtbot, window)
    timer.stop()
    assert isinstance(result, CompletionTimeoutError)
    # The window kept answering while it ran (how fast is benchmarks' business:
    # benchmarks/console_responsiveness.py; a loaded machine must not fail this).
    assert beats
    window.console_view.console.input.clear()
    _type(qtbot, window, "net[0].bi", enter=False)
    _tab(qtbot, window)  # and completion still works afterwards
    assert window.console_view.console.input.text() == "net[0].bias"


def test_block_lines_are_indented_and_keep_their_indentation(qtbot, window):
    box = window.console_view.console.input
    _type(qtbot, window, "for i in range(2):")
    assert box.text() == "    "
    _type(qtbot, window, "j = i * 10")
    assert box.text() == "    "
    _type(qtbot, window, "print(j)")
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the blank line ends the block
    assert box.text() == ""
    assert _text(window).splitlines()[-2:] == ["0", "10"]


def test_tab_at_line_start_indents(qtbot, window):
    box = window.console_view.console.input
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert box.text() == "    " and box.hasFocus()
    qtbot.keyClick(box, Qt.Key.Key_Backspace)
    assert box.text() == ""


# ------------------------------------------------------------------ H: hostile input
def _paste(qtbot, window, text):
    QGuiApplication.clipboard().setText(text)
    box = window.console_view.console.input
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_pasting_a_megabyte_is_refused_and_said(qtbot, window):
    _paste(qtbot, window, "x" * 10**6)
    assert window.console_view.console.input.text() == ""
    assert "paste refused: 1,000,000 characters" in _text(window)
    window.console_view.run_command("print(6 * 7)")
    assert _text(window).splitlines()[-1] == "42"


def test_deep_nesting_is_reported_not_fatal(qtbot, window):
    window.console_view.run_command("-" * 99_000 + "1")
    assert "MemoryError" in _text(window) or "RecursionError" in _text(window)
    failure = window.console_view.run_source("x = " + "(" * 100_000 + ")" * 100_000, "deep.py")
    assert failure is not None and "nested" in failure.message
    _paste(qtbot, window, "[" * 50_000 + "]" * 50_000)
    qtbot.keyClick(window.console_view.console.input, Qt.Key.Key_Return)
    _drain(qtbot, window)
    assert "too many nested parentheses" in _text(window)
    window.console_view.run_command("print(6 * 7)")
    assert _text(window).splitlines()[-1] == "42"


def test_nul_bytes_and_lone_surrogates_are_reported_or_shown(qtbot, window):
    window.console_view.run_command("print('a\0b')")
    assert "null bytes" in _text(window)
    _paste(qtbot, window, "print('a\0b')")
    assert window.console_view.console.input.text() == "print('a␀b')"
    window.console_view.console.input.clear()
    window.console_view.run_command("print(chr(0xD800) + 'ok')")  # a lone surrogate printed
    assert _text(window).splitlines()[-1].endswith("ok")
    failure = window.console_view.run_source("print('\ud800')\n", "surrogate.py")
    assert failure is not None and "surrogate" in failure.message
    window.console_view.run_command("print(6 * 7)")
    assert _text(window).splitlines()[-1] == "42"


def test_a_pasted_block_leaves_an_empty_prompt(qtbot, window):
    _paste(qtbot, window, "def f():\n    return 41\n\nprint(f() + 1)")
    qtbot.keyClick(window.console_view.console.input, Qt.Key.Key_Return)
    assert _text(window).splitlines()[-1] == "42"
    assert window.console_view.console.input.text() == ""


def test_printing_from_a_thread_of_the_users_own_reaches_the_console(qtbot, window):
    window.console_view.run_command(
        "import threading; t = threading.Thread(target=print, args=('from a thread',))"
    )
    window.console_view.run_command("t.start(); t.join()")
    qtbot.waitUntil(lambda: "from a thread" in _text(window), timeout=5000)


def test_numpy_warnings_from_the_model_show_in_the_console_not_the_terminal(qtbot, window, capfd):
    window.console_view.run_source("net[0].weight.data()[:] = 3e38\ny = net(x)")
    qtbot.waitUntil(lambda: "overflow" in window.console_view.output.toPlainText())
    text = window.console_view.output.toPlainText()
    assert "RuntimeWarning: overflow encountered" in text
    assert "overflow" not in capfd.readouterr().err


def test_a_warning_on_a_worker_thread_reaches_the_console(qtbot, window):
    import threading
    import warnings

    def work():
        warnings.warn("from the training thread", RuntimeWarning, stacklevel=1)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: "from the training thread" in window.console_view.output.toPlainText())
    assert "from the training thread" in window.statusBar().currentMessage()
