"""The command line: --help, --size, no display, --screenshot, --run, --select."""

import os
import subprocess
import sys
import tempfile

import pytest

from explorer.app import build_parser, display_available, parse_size


def _run(args, env_changes=None, timeout=120, config_home=None):
    env = dict(os.environ)
    # The app's own settings (theme, text size, layout), not the user's: a 32 pt text
    # size saved by hand made the window taller than the size asked for.
    env["XDG_CONFIG_HOME"] = str(config_home or tempfile.mkdtemp(prefix="paramscope-config-"))
    env.update(env_changes or {})
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, "-m", "explorer", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def test_help_explains_every_option():
    text = build_parser().format_help()
    for option in (
        "MODEL.py",
        "--example",
        "--select",
        "--run",
        "--screenshot",
        "--size",
        "--quit",
        "rgnet",
        "digits-cnn",
        "build()",
    ):
        assert option in text


def test_size_parsing():
    assert parse_size("1280x800") == (1280, 800)
    with pytest.raises(Exception, match="1280x800"):
        parse_size("big")


def test_no_display_is_one_clear_line(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    assert not display_available()
    out = _run([], {"QT_QPA_PLATFORM": None, "DISPLAY": None, "WAYLAND_DISPLAY": None})
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "--screenshot" in lines[0] and "QT_QPA_PLATFORM=offscreen" in lines[0]


def test_screenshot_of_rgnet_with_selection_and_script(tmp_path):
    from PySide6.QtGui import QImage

    script = tmp_path / "demo.py"
    script.write_text("print('demo ran on', net[0][1][0].weight.name)\nnet.no_such_thing()\n")
    png = tmp_path / "out.png"
    out = _run(
        [
            "--example",
            "rgnet",
            "--select",
            "net[0][1][0].weight",
            "--run",
            str(script),
            "--screenshot",
            str(png),
            "--size",
            "1000x700",
        ],
        {"QT_QPA_PLATFORM": None, "DISPLAY": None, "WAYLAND_DISPLAY": None},
    )
    # The failing script is reported outside the window too; the screenshot is still written.
    assert out.returncode == 1, out.stderr
    assert "demo.py, line 2: AttributeError" in out.stderr
    assert "net.no_such_thing()" in out.stderr
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1000, 700)


def test_default_demo_shows_data_and_a_real_gradient(qtbot, settings_store):
    from explorer.app import start_window

    window = start_window(build_parser().parse_args([]), settings_store, restore_layout=False)
    qtbot.addWidget(window)
    weight = window.session.net[0].weight
    assert window.session.selected_path == "net[0].weight"
    data_stats = window.tensor_view.data_panel.histogram.statistics
    grad_stats = window.tensor_view.grad_panel.histogram.statistics
    assert data_stats.l2_norm > 0
    grad = weight.grad().asnumpy()
    assert grad_stats.l2_norm > 0 and (grad_stats.min, grad_stats.max) == (grad.min(), grad.max())
    log = window.code_log_view.text()
    assert log.index("net.add(nn.Dense(256, activation='relu'))") < log.index("loss.backward()")
    assert not window.error_banner.text()
