"""Re-make the README's graph and activations screenshots (offscreen, light theme).

    QT_QPA_PLATFORM=offscreen python docs/make_inspection_screenshots.py [OUT_DIR]

FancyMLP's data-flow graph (its dense layer called twice) and the digits CNN's
activations (the input batch and each layer's output), each in a 1280x800
window as View → Graph / View → Activations shows them.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from explorer.core.session import Session  # noqa: E402
from explorer.main_window import MainWindow  # noqa: E402
from explorer.settings import SettingsStore  # noqa: E402
from explorer.theme import apply_theme  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "screenshots")


def settle(app, rounds: int = 60) -> None:
    for _ in range(rounds):
        app.processEvents()


def shoot(app, example: str, select: str, dock_name: str, name: str) -> None:
    store = SettingsStore(QSettings("/tmp/paramscope-shots.ini", QSettings.Format.IniFormat))
    window = MainWindow(Session(), store, restore_layout=False)
    window.resize(1280, 800)
    window.show()
    window.open_example(example)
    settle(app)
    window.select(select)
    inspection = window.inspection
    inspection.show_dock(getattr(inspection, dock_name))
    settle(app)
    window.grab().save(os.path.join(OUT, name))
    print("wrote", name)
    window.close()


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    apply_theme(app, "light")
    shoot(app, "fancymlp", "net.dense.weight", "graph_dock", "graph-fancymlp.png")
    shoot(app, "digits-cnn", "net[0].weight", "activations_dock", "activations-digits-cnn.png")


if __name__ == "__main__":
    main()
