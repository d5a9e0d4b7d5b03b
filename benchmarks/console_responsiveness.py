"""The longest single event while the window takes huge text, against a one-line print.

Huge text used to freeze the window (issue 11.2): a 100 KB error banner, a
``print`` of 10**5 or 10**6 characters, 20,000 printed lines. Each case is
started as a person would (a console command, a selection of a long path)
from the event loop, which runs until the text is in. A 5 ms heartbeat timer
measures how long the window could not answer: the figure is the longest gap
between its beats (events pumped from inside running user code count as
answered), in ms and as a ratio to the same for ``print(1)``. Target: every case under ~100 ms.

    QT_QPA_PLATFORM=offscreen python benchmarks/console_responsiveness.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_MS = 100


def main() -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from explorer.core.session import Session
    from explorer.main_window import MainWindow
    from explorer.settings import SettingsStore

    app = QApplication(sys.argv[:1])
    settings = os.path.join(tempfile.mkdtemp(), "settings.ini")
    store = SettingsStore(QSettings(settings, QSettings.Format.IniFormat))
    window = MainWindow(Session(), store, restore_layout=False)
    window.resize(1280, 800)
    window.open_example("mlp")
    window.show()
    for _ in range(5):
        app.processEvents()
    console = window.console_view

    from PySide6.QtCore import QTimer

    ticks = []
    heartbeat = QTimer(interval=5)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start()

    def longest_event(start, settle_s: float = 0.3, limit_s: float = 400.0):
        """(longest gap between heartbeats in ms, seconds until the text is all in)."""
        done = []
        ticks.clear()
        began = time.perf_counter()
        QTimer.singleShot(0, lambda: (start(), done.append(time.perf_counter())))
        while time.perf_counter() - began < limit_s:
            app.processEvents()
            pending = (
                getattr(console.output, "pending_chars", lambda: 0)()
                if hasattr(console, "output")
                else 0
            )
            if done and not pending:
                break
        finished = time.perf_counter()
        while time.perf_counter() - finished < settle_s:
            app.processEvents()
        gaps = [b - a for a, b in zip(ticks, ticks[1:])] or [0.0]
        first_gap = ticks[0] - began if ticks else 0.0
        return max(max(gaps), first_gap) * 1000, finished - began

    cases = [
        ("print(1) (baseline)", lambda: console.run_command("print(1)")),
        ("error banner, 100 KB message", lambda: window.open_model(long_error_model)),
        ("print('x' * 10**5)", lambda: console.run_command("print('x' * 10**5)")),
        ("print('x' * 10**6)", lambda: console.run_command("print('x' * 10**6)")),
        ("20,000 printed lines", lambda: console.run_command("for i in range(20000): print(i)\n")),
    ]
    # File → Open model… on a file whose error message is 100 KB long.
    long_error_model = os.path.join(os.path.dirname(settings), "long_error.py")
    with open(long_error_model, "w") as f:
        f.write("raise ValueError('a' * 100_000)\n")
    baseline = None
    print(f"{'case':32s} {'longest event':>14s} {'ratio':>7s} {'all in':>8s}")
    for label, start in cases:
        worst_ms, total_s = longest_event(start)
        baseline = baseline or max(worst_ms, 0.1)
        flag = "" if worst_ms <= TARGET_MS else "  (over target)"
        print(
            f"{label:32s} {worst_ms:11.0f} ms {worst_ms / baseline:6.1f}x {total_s:7.2f} s{flag}",
            flush=True,
        )
    output = getattr(console, "output", None)
    if output is not None and hasattr(output, "dropped_lines"):
        doc = output.document()
        print(
            f"console keeps {doc.blockCount():,} lines, {doc.characterCount():,} characters; "
            f"dropped {output.dropped_lines:,} lines"
        )


if __name__ == "__main__":
    main()
