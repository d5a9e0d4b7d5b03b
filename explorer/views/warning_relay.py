"""Python warnings (NumPy's "overflow encountered in dot" from the model) shown in the window.

Without this, a RuntimeWarning from a forward pass, a training step or the
console went to the terminal the app was started from — where a learner in
front of the window never looks. The relay takes Python's
``warnings.showwarning`` while the window is open and hands each warning to
the GUI thread through a queued signal (training steps warn on a worker
thread). Python's filters still decide what is shown: by default each
warning once per place in the code, so a diverging run does not flood the
console.
"""

from __future__ import annotations

import os
import warnings

from PySide6.QtCore import QObject, Signal

__all__ = ["WarningRelay", "warning_relay", "warning_text"]


def warning_text(message, category, filename: str, lineno: int) -> str:
    """``'RuntimeWarning: overflow encountered in dot (nn.py, line 98)'``."""
    return f"{category.__name__}: {message} ({os.path.basename(filename)}, line {lineno})"


class WarningRelay(QObject):
    """Emits :attr:`arrived` (on the GUI thread) with each warning's one-line text.

    One per process (:func:`warning_relay`), made on the GUI thread by the first
    window; windows connect to it (a closed window's slot is dropped by Qt).
    """

    arrived = Signal(str)

    def install(self) -> None:
        """Take ``warnings.showwarning`` (again, if something took it meanwhile)."""
        if warnings.showwarning != self._show:
            warnings.showwarning = self._show

    def _show(self, message, category, filename, lineno, file=None, line=None) -> None:
        self.arrived.emit(warning_text(message, category, filename, lineno))


_relay: WarningRelay | None = None


def warning_relay() -> WarningRelay:
    """The process's relay, installed (call on the GUI thread)."""
    global _relay
    if _relay is None:
        _relay = WarningRelay()
    _relay.install()
    return _relay
