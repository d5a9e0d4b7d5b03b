"""Time from start to the first painted main window, against a bare Qt + pyqtgraph import.

Both are measured as whole processes (interpreter start included), best of N
runs each, in the same run; the ratio is the figure (target ≤ 1.5x):

* baseline: ``python -c "import PySide6.QtWidgets, pyqtgraph"``
* ours: ``python benchmarks/startup.py --child``: the default demo (the chapter's
  MLP run on one batch, first weight selected) until the window's first paint.

    QT_QPA_PLATFORM=offscreen python benchmarks/startup.py [runs]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

TARGET_RATIO = 1.5


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
                app.exit(0)
            return False

    from PySide6.QtCore import QSettings

    store = SettingsStore(QSettings(os.devnull, QSettings.Format.IniFormat))
    window = start_window(build_parser().parse_args([]), store, restore_layout=False)
    watcher = FirstPaint()
    window.tensor_view.installEventFilter(watcher)
    app.exec()


def run(cmd: list[str]) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    baseline_cmd = [sys.executable, "-c", "import PySide6.QtWidgets, pyqtgraph"]
    ours_cmd = [sys.executable, os.path.abspath(__file__), "--child"]
    run(baseline_cmd), run(ours_cmd)  # warm the file cache
    baseline = min(run(baseline_cmd) for _ in range(runs))
    ours = min(run(ours_cmd) for _ in range(runs))
    ratio = ours / baseline
    print(f"bare import PySide6.QtWidgets, pyqtgraph  {baseline:6.3f} s")
    print(f"paramscope to first painted window       {ours:6.3f} s")
    print(f"ratio {ratio:.2f}x (target <= {TARGET_RATIO}x: "
          f"{'met' if ratio <= TARGET_RATIO else 'NOT met'})")


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        main()
