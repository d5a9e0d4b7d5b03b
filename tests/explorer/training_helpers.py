"""Set-ups the training tests share: a window on the spiral, running a logged script."""

import os
import subprocess
import sys

from engine import np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def open_spiral(window, qtbot):
    """The window's session on the spiral with a 16-16 tanh MLP and Adam, its demo done."""
    session = window.session
    session.set_dataset("spiral", noise=0.1)
    np.random.seed(0)
    session.new_mlp(hidden=(16, 16), activation="tanh")
    session.set_optimizer("adam", learning_rate=0.03)
    qtbot.waitUntil(lambda: not window._demo_timer.isActive())  # the opened model's demo ran
    window.refresh_views()
    return session


def run_script(path) -> subprocess.CompletedProcess:
    """Run a Python file (a code log) in a fresh interpreter that imports the engine."""
    return subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": REPO},
        timeout=120,
    )
