"""``HandoffRLock``: a re-entrant lock a busy thread hands over to a waiting one.

A plain ``threading.RLock`` is unfair: the training worker releases it after
a step and takes it again before the woken GUI thread has even got the GIL
back, so a view waiting to copy an array can wait for many steps (seen: half
a second). This lock counts the threads waiting for it; the worker calls
:meth:`yield_to_waiters` between steps and lets them in first.
"""

from __future__ import annotations

import threading
import time

__all__ = ["HandoffRLock"]


class HandoffRLock:
    """An ``RLock`` (same interface) that knows whether another thread is waiting for it."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._count_lock = threading.Lock()
        self._waiting = 0

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if self._lock.acquire(False):
            return True
        if not blocking:
            return False
        with self._count_lock:
            self._waiting += 1
        try:
            return self._lock.acquire(True, timeout)
        finally:
            with self._count_lock:
                self._waiting -= 1

    def release(self) -> None:
        self._lock.release()

    __enter__ = acquire

    def __exit__(self, *exc) -> None:
        self.release()

    @property
    def contended(self) -> bool:
        """Whether some thread is blocked waiting for the lock."""
        return self._waiting > 0

    def yield_to_waiters(self, limit_s: float = 0.05) -> None:
        """Called without holding the lock: wait (up to ``limit_s``) until waiters got it."""
        deadline = time.monotonic() + limit_s
        while self._waiting and time.monotonic() < deadline:
            time.sleep(0.0002)
