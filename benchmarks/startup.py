"""Time from start to the first painted main window, against a bare Qt + pyqtgraph import.

Both are fresh processes (interpreter start included), N runs each (default 7,
at least 5) alternating baseline and app in the same run so machine load hits
both alike. The figure is the ratio of the medians (target ≤ 1.5x) of the time
from spawning the process to its mark: the bare import finished, or the
window's first paint. The whole-process times (exit and teardown included,
~0.1 s of Qt and interpreter shutdown) are printed too.

* baseline: ``python -c "import PySide6.QtWidgets, pyqtgraph"``
* ours: ``python benchmarks/startup.py --child``: the default demo (the chapter's
  MLP run on one batch, first weight selected) until the window's first paint.

    QT_QPA_PLATFORM=offscreen python benchmarks/startup.py [runs] [--no-compile]
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time

TARGET_RATIO = 1.5
MARK = "startup-mark "


def child() -> None:
    """Start the app as ``paramscope`` does and exit at the first paint of the window."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from explorer.app import build_parser, start_window
    from explorer.settings import SettingsStore
    from explorer.theme import apply_theme

    app = QApplication(sys.argv[:1])
    apply_theme(app, "system")

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                print(f"{MARK}{time.time()!r}", flush=True)
                app.exit(0)
            return False

    from PySide6.QtCore import QSettings

    store = SettingsStore(QSettings(os.devnull, QSettings.Format.IniFormat))
    window = start_window(build_parser().parse_args([]), store, restore_layout=False)
    watcher = FirstPaint()
    window.tensor_view.installEventFilter(watcher)
    app.exec()


def compile_sources() -> None:
    """Write the ``.pyc`` files of engine/ and explorer/, as ``pip install`` does.

    Python reads existing ``.pyc`` files even under PYTHONDONTWRITEBYTECODE (which
    only stops it writing them), so ParamScope does not compile its sources on
    every timed run while site-packages (the baseline) uses its compiled files.
    """
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for package in ("engine", "explorer"):
        compileall.compile_dir(os.path.join(root, package), quiet=1)


def run(cmd: list[str]) -> tuple[float, float]:
    """``(seconds to the process's mark, seconds to its exit)`` of one fresh process."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    start_wall, start = time.time(), time.perf_counter()
    out = subprocess.run(cmd, check=True, env=env, capture_output=True, text=True)
    total = time.perf_counter() - start
    marks = [line[len(MARK) :] for line in out.stdout.splitlines() if line.startswith(MARK)]
    return float(marks[-1]) - start_wall, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=7, help="runs of each (>= 5)")
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="do not write engine/explorer .pyc files first (then, under "
        "PYTHONDONTWRITEBYTECODE, ParamScope compiles its sources each run)",
    )
    args = parser.parse_args()
    runs = max(5, args.runs)
    if not args.no_compile:
        compile_sources()
    baseline_cmd = [
        sys.executable,
        "-c",
        f"import PySide6.QtWidgets, pyqtgraph, time; print('{MARK}' + repr(time.time()))",
    ]
    ours_cmd = [sys.executable, os.path.abspath(__file__), "--child"]
    run(baseline_cmd), run(ours_cmd)  # warm the file cache
    baseline_times, ours_times = [], []
    for _ in range(runs):
        baseline_times.append(run(baseline_cmd))
        ours_times.append(run(ours_cmd))
    compiled = "not compiled first" if args.no_compile else "compiled (.pyc) as installed"
    print(f"median of {runs} runs each, alternating; ParamScope sources {compiled}")
    for which, label in (
        (0, "to the mark (import done / first paint)"),
        (1, "whole process, exit included"),
    ):
        baseline = statistics.median(t[which] for t in baseline_times)
        ours = statistics.median(t[which] for t in ours_times)
        ratio = ours / baseline
        print(f"{label}:")
        print(f"  bare import PySide6.QtWidgets, pyqtgraph  {baseline:6.3f} s")
        print(f"  paramscope, default demo, first paint     {ours:6.3f} s")
        print(
            f"  ratio {ratio:.2f}x (target <= {TARGET_RATIO}x: "
            f"{'met' if ratio <= TARGET_RATIO else 'NOT met'})"
        )


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        main()
