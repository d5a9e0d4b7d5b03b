"""While Python work runs on a worker thread, the GUI thread gets the GIL back sooner.

A CPU-bound worker (a training loop, a runaway ``__dir__`` under Tab
completion) holds the GIL for the interpreter's whole switch interval (5 ms by
default). Every Python call a repaint makes (pyqtgraph's items paint in
Python) then waits up to that long, and one repaint can take 100 ms or more.
Lowering the interval to 1 ms while such work runs keeps frames short; the
count lets overlapping users (a completion during training) share it.

Measured again with live training (``benchmarks/live_training.py``, 256×784
weight shown, three alternating rounds of 3 s each): 0.5, 1, 2 and 5 ms gave
634, 607, 628 and 591 steps/s, within the runs' spread (±60), all at 30
redraws/s and UI p99 20–34 ms. What slowed training was the drawing itself
(see ``views/array_panel.py``, "Live redraws"), not this interval, so it stays.
"""

from __future__ import annotations

import sys
import threading

__all__ = ["GUI_SWITCH_INTERVAL_S", "worker_running", "worker_finished"]

GUI_SWITCH_INTERVAL_S = 0.001

_lock = threading.Lock()
_users = 0
_saved = None


def worker_running() -> None:
    """A worker thread starts CPU-bound Python work: shorten the switch interval."""
    global _users, _saved
    with _lock:
        if _users == 0:
            _saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_saved, GUI_SWITCH_INTERVAL_S))
        _users += 1


def worker_finished() -> None:
    """The work ended (call once per :func:`worker_running`): the last one restores it."""
    global _users
    with _lock:
        if _users == 0:
            return
        _users -= 1
        if _users == 0 and _saved is not None:
            sys.setswitchinterval(_saved)
