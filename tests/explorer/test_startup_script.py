"""``--run`` at start-up: the Running bar goes away, Stop reaches the script, --timeout
stops it, a scripted run that fails says so on stderr, and only regular files are read."""

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QTimer

from explorer.app import build_parser, start_window


def _explorer(args, timeout=90):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "explorer", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def _start(qtbot, settings_store, *args):
    failures = []
    window = start_window(
        build_parser().parse_args(list(args)),
        settings_store,
        restore_layout=False,
        failures=failures,
    )
    qtbot.addWidget(window)
    return window, failures


def test_a_slow_run_script_leaves_the_prompt_not_the_running_bar(qtbot, settings_store, tmp_path):
    script = tmp_path / "demo.py"
    script.write_text("import time\nfor _ in range(10):\n    time.sleep(0.05)\nprint('done')\n")
    window, failures = _start(qtbot, settings_store, "--run", str(script))
    view = window.console_view
    assert not failures
    assert view.running_bar.isHidden()
    assert view.console.repl.inputWidget.isVisible()
    view.run_command("print(6 * 7)")  # the prompt answers
    assert view.console.output.toPlainText().splitlines()[-1] == "42"


def test_stop_reaches_a_run_script_while_the_window_shows(qtbot, settings_store, tmp_path):
    script = tmp_path / "loop.py"
    script.write_text("n = 0\nwhile True:\n    n += 1\n")
    seen = []

    def press_stop():
        # As a person would: wait until the window and its Running bar show, then
        # press Stop (a loaded machine can take longer than any fixed delay to start).
        bar = window_bar()
        if bar is None or not bar.isVisible():
            QTimer.singleShot(100, press_stop)
            return
        seen.append(True)
        bar.stop_button.click()

    def window_bar():
        from PySide6.QtWidgets import QApplication

        for widget in QApplication.topLevelWidgets():
            view = getattr(widget, "console_view", None)
            if view is not None and widget.isVisible():
                return view.running_bar
        return None

    QTimer.singleShot(300, press_stop)
    # The timeout only guards the suite: a Stop that never arrives fails, not hangs.
    window, failures = _start(qtbot, settings_store, "--run", str(script), "--timeout", "60")
    assert seen == [True]  # the person saw the bar and pressed its Stop
    assert len(failures) == 1 and "stopped by the Stop button" in failures[0].message
    assert window.console_view.running_bar.isHidden()
    assert window.session.namespace["n"] > 0


def test_timeout_stops_an_endless_script_and_fails_the_scripted_run(tmp_path):
    script = tmp_path / "loop.py"
    script.write_text("while True:\n    pass\n")
    png = tmp_path / "out.png"
    out = _explorer(["--run", str(script), "--timeout", "1", "--screenshot", str(png)])
    assert out.returncode == 1, out.stderr
    assert "time limit of 1 s (--timeout)" in out.stderr
    assert png.exists()


def test_a_failing_script_under_quit_prints_its_traceback_and_exits_nonzero(tmp_path):
    script = tmp_path / "bad.py"
    script.write_text("x = 1\nraise ValueError('the demo is broken')\n")
    out = _explorer(["--run", str(script), "--quit"])
    assert out.returncode == 1
    assert "bad.py, line 2: ValueError: the demo is broken" in out.stderr
    assert "Traceback" in out.stderr and "raise ValueError" in out.stderr
    good = tmp_path / "good.py"
    good.write_text("print('fine')\n")
    assert _explorer(["--run", str(good), "--quit"]).returncode == 0


@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "directory"])
def test_run_refuses_what_is_not_a_regular_file(tmp_path, special):
    if special == "fifo":
        path = str(tmp_path / "pipe")
        os.mkfifo(path)  # nobody writes: reading it would block for ever
    elif special == "directory":
        path = str(tmp_path)
    else:
        path = special
    out = _explorer(["--run", path, "--quit"], timeout=60)
    assert out.returncode == 1
    assert "not a Python file" in out.stderr or "Is a directory" in out.stderr


def test_a_model_that_fails_at_start_up_keeps_its_banner(qtbot, settings_store, tmp_path):
    model = tmp_path / "broken.py"
    model.write_text("raise ValueError('a' * 100_000)\n")
    script = tmp_path / "demo.py"
    script.write_text("import time\nfor _ in range(4):\n    time.sleep(0.05)\n")
    window, _ = _start(qtbot, settings_store, str(model), "--run", str(script))
    qtbot.wait(100)  # the window's deferred start-up work has run
    banner = window.error_banner
    assert banner.isVisible() and "broken.py, line 1: ValueError" in banner.label.text()
    assert banner.show_all_button.isVisible()
