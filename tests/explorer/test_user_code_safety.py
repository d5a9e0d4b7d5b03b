"""User code never takes the app down: exits are shown, runaway loops stop, tracebacks lead
with the user's own lines."""

import os
import subprocess
import sys
import time

from PySide6.QtCore import Qt, QTimer


def _output(window) -> str:
    return window.console_view.console.output.toPlainText()


def _stop_after(window, ms: int = 400) -> None:
    QTimer.singleShot(ms, window.console_view.running_bar.stop_button.click)


def test_sys_exit_in_the_console_is_shown_and_the_app_stays(window):
    window.console_view.run_command("import sys; sys.exit(3)")
    assert "SystemExit: 3 — the app keeps running; close the window to quit" in _output(window)
    window.console_view.run_command("exit()")
    window.console_view.run_command("raise KeyboardInterrupt")
    assert "KeyboardInterrupt — interrupted; the app keeps running" in _output(window)
    window.console_view.run_command("print(6 * 7)")
    assert window.isVisible()
    assert _output(window).rstrip().endswith("42")


def test_model_file_that_exits_changes_nothing(window, tmp_path):
    before = window.session.net
    for body in ("import sys\nsys.exit()\n", "raise KeyboardInterrupt\n"):
        model = tmp_path / "exits.py"
        model.write_text("from engine.gluon import nn\nnet = nn.Dense(3)\n" + body)
        assert not window.open_model(str(model))
        assert window.session.net is before
        assert window.error_banner.isVisible()
    window.open_model(str(tmp_path / "exits.py"))
    assert "exits.py, line 3: KeyboardInterrupt" in window.error_banner.text()
    model.write_text("import sys\nsys.exit(4)\n")
    assert not window.open_model(str(model))
    banner = window.error_banner.text()
    assert "exits.py, line 2: SystemExit: 4" in banner and "close the window to quit" in banner
    # The traceback in the console starts at the model file, not in the app's loader.
    report = _output(window)
    tail = report[report.rindex("Traceback") :]
    assert tail.splitlines()[1].startswith(f'  File "{model}", line 2')


def test_runaway_console_loop_is_stopped(window, qtbot):
    _stop_after(window)
    started = time.monotonic()
    window.console_view.run_command("n = 0\nwhile True: pass\n")
    assert time.monotonic() - started < 2.5
    assert "Interrupted: stopped by the Stop button" in _output(window)
    assert not window.console_view.running_bar.isVisible()
    window.console_view.run_command("n + 1")
    assert _output(window).rstrip().endswith("1")


def test_runaway_loop_in_a_user_function_is_stopped_with_esc(window, qtbot):
    bar = window.console_view.running_bar
    window.console_view.run_command("def spin():\n    k = 0\n    while True:\n        k += 1\n")
    seen = {}

    def press_esc():
        seen["bar"] = bar.isVisible() and "Running your code…" in bar.label.text()
        qtbot.keyClick(bar.stop_button, Qt.Key.Key_Escape)

    QTimer.singleShot(500, press_esc)
    window.console_view.run_command("spin()")
    assert seen["bar"]
    report = _output(window)
    tail = report[report.rindex("Traceback") :]
    assert "in spin" in tail and "user_code.py" not in tail
    assert "Interrupted" in tail


def test_a_long_finite_loop_completes_with_the_right_result(window):
    window.console_view.run_command("total = 0\nfor i in range(400000):\n    total += i % 7\n")
    assert window.namespace["total"] == sum(i % 7 for i in range(400000))
    window.console_view.run_command("def fib(n):\n    return n if n < 2 else fib(n-1) + fib(n-2)\n")
    window.console_view.run_command("fib(20)")
    assert _output(window).rstrip().endswith("6765")


def test_menu_action_while_code_runs_is_refused_politely(window, tmp_path):
    model = tmp_path / "other.py"
    model.write_text("from engine.gluon import nn\nnet = nn.Dense(2)\n")
    before = window.session.net
    results = {}

    def open_then_stop():
        results["opened"] = window.open_model(str(model))
        results["banner"] = window.error_banner.text()
        results["selected"] = window.select("net[0].weight")  # looking is allowed
        window.console_view.running_bar.stop_button.click()

    QTimer.singleShot(400, open_then_stop)
    window.console_view.run_command("while True: pass\n")
    assert results["opened"] is False and "still running" in results["banner"]
    assert results["selected"] is True
    assert window.session.net is before


def test_console_traceback_starts_at_the_users_line(window):
    window.console_view.run_command("net(np.ones((2, 3, 4, 5, 6, 7)))")
    report = _output(window)
    tail = report[report.rindex("Traceback") :].splitlines()
    assert tail[1].startswith('  File "<console')
    assert tail[2].strip() == "net(np.ones((2, 3, 4, 5, 6, 7)))"
    assert "repl_widget.py" not in report and "user_code.py" not in report


def test_run_script_that_exits_still_writes_the_screenshot(tmp_path):
    script = tmp_path / "demo.py"
    script.write_text("print('before')\nimport sys\nsys.exit(5)\n")
    png = tmp_path / "out.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "explorer",
            "--run",
            str(script),
            "--screenshot",
            str(png),
            "--size",
            "800x600",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    # The script's exit is no crash (the screenshot is written) but a failure of the run.
    assert out.returncode == 1, out.stderr
    assert "demo.py, line 3: SystemExit: 5" in out.stderr
    assert png.exists()
