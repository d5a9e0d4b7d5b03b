"""Re-make the README's training screenshots (offscreen, light theme).

    QT_QPA_PLATFORM=offscreen python docs/make_training_screenshots.py [OUT_DIR]

Each picture is the window after a scripted session, through the same session
commands the panel's buttons run: training on the spiral with its decision
boundary (1024x768 and 1920x1080), the depth profile after a bad (Normal(1))
and a good (Xavier) initialization of a tanh MLP, and the comparison of
initializers.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from engine import init, np  # noqa: E402
from explorer.core.session import Session  # noqa: E402
from explorer.main_window import MainWindow  # noqa: E402
from explorer.settings import SettingsStore  # noqa: E402
from explorer.theme import apply_theme  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "screenshots")


def settle(app, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()


def window_on_spiral(app, size, initializer, hidden=(16, 16, 16)):
    store = SettingsStore(QSettings("/tmp/paramscope-shots.ini", QSettings.Format.IniFormat))
    window = MainWindow(Session(), store, restore_layout=False)
    window.resize(*size)
    window.show()
    window.open_example("mlp")
    settle(app)
    session = window.session
    session.set_dataset("spiral", noise=0.1, test_fraction=0.5, seed=0)
    np.random.seed(0)
    session.new_mlp(hidden=hidden, activation="tanh", init=initializer)
    session.set_optimizer("adam", learning_rate=0.02)
    settle(app)
    return window, session


def shoot(app, window, name: str) -> None:
    settle(app)
    window.grab().save(os.path.join(OUT, name))
    print("wrote", name)


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    apply_theme(app, "light")
    for size, name in (
        ((1024, 768), "training-spiral-1024.png"),
        ((1920, 1080), "training-spiral-1920.png"),
    ):
        window, session = window_on_spiral(app, size, init.Xavier(), hidden=(16, 16))
        session.train(400)
        window.refresh_views()
        shoot(app, window, name)
        window.close()

    for initializer, name in (
        (init.Normal(1), "depth-profile-normal1-tanh.png"),
        (init.Xavier(), "depth-profile-xavier.png"),
    ):
        window, session = window_on_spiral(app, (1920, 1080), initializer)
        session.train(400)
        docks = window.training_docks
        docks.depth_profile_dock.show()
        docks.depth_profile_dock.raise_()
        settle(app)
        docks.depth_profile_view.refresh()
        shoot(app, window, name)
        window.close()

    window, session = window_on_spiral(app, (1920, 1080), init.Xavier())
    docks = window.training_docks
    docks.comparison_dock.show()
    docks.comparison_dock.raise_()
    view = docks.comparison_view
    for label, box in view.choice_boxes.items():
        box.setChecked(label in ("Xavier", "Uniform(0.07)", "Normal(1)"))
    view.steps_box.setValue(300)
    view.run_button.click()
    while view._thread is not None:  # the view's poll collects the results, then forgets it
        settle(app, 5)
        time.sleep(0.02)
    settle(app, 60)
    shoot(app, window, "compare-initializations.png")
    window.close()


if __name__ == "__main__":
    main()
