"""``Event``: a plain list of callbacks, the Qt-free core's way of saying something happened.

Views connect Qt slots or plain functions; ``emit`` calls each in the order
they connected. A callback that disconnects itself (or another) while an
event is being emitted does not disturb the loop.
"""

from __future__ import annotations

__all__ = ["Event"]


class Event:
    """A list of callbacks; ``emit`` calls each with the event's arguments."""

    def __init__(self) -> None:
        self._callbacks: list = []

    def connect(self, callback) -> None:
        self._callbacks.append(callback)

    def disconnect(self, callback) -> None:
        """Remove ``callback`` (no error when it was not connected)."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, *args) -> None:
        for callback in list(self._callbacks):
            callback(*args)
