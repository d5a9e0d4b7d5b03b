"""Typed settings with defaults; ``QSettings`` is only where they are stored.

Tests pass a ``QSettings`` on a file in ``tmp_path`` so they never touch the
user's real settings.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from PySide6.QtCore import QByteArray, QSettings

__all__ = ["Settings", "SettingsStore", "MAX_RECENT_FILES"]

MAX_RECENT_FILES = 8
THEMES = ("system", "light", "dark")


@dataclass
class Settings:
    """What the explorer remembers between runs."""

    recent_files: list[str] = field(default_factory=list)
    theme: str = "system"
    font_size: int = 0  # 0: the platform's default point size
    window_geometry: bytes = b""
    window_state: bytes = b""
    initializer_timeout_s: float = 10.0  # a custom initializer is stopped after this

    def add_recent_file(self, path: str) -> None:
        """Put ``path`` first in the recent files, without duplicates, at most MAX_RECENT_FILES."""
        path = os.path.abspath(path)
        self.recent_files = [path] + [p for p in self.recent_files if p != path]
        del self.recent_files[MAX_RECENT_FILES:]


class SettingsStore:
    """Loads and saves :class:`Settings` in a ``QSettings`` (the app's, or one given)."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.qsettings = (
            qsettings if qsettings is not None else QSettings("ParamScope", "ParamScope")
        )

    def load(self) -> Settings:
        s = self.qsettings
        settings = Settings()
        # Lists are stored as JSON: QSettings' own list encoding differs between formats.
        try:
            recent = json.loads(str(s.value("recent_files", "[]")))
        except ValueError:
            recent = []
        if not isinstance(recent, list):
            recent = []
        settings.recent_files = [str(p) for p in recent][:MAX_RECENT_FILES]
        theme = str(s.value("theme", "system"))
        settings.theme = theme if theme in THEMES else "system"
        try:
            settings.font_size = max(0, int(s.value("font_size", 0)))
        except (TypeError, ValueError):
            settings.font_size = 0
        try:
            settings.initializer_timeout_s = max(0.1, float(s.value("initializer_timeout_s", 10.0)))
        except (TypeError, ValueError):
            settings.initializer_timeout_s = 10.0
        settings.window_geometry = _bytes(s.value("window_geometry"))
        settings.window_state = _bytes(s.value("window_state"))
        return settings

    def save(self, settings: Settings) -> None:
        s = self.qsettings
        s.setValue("recent_files", json.dumps(list(settings.recent_files)))
        s.setValue("theme", settings.theme)
        s.setValue("font_size", settings.font_size)
        s.setValue("initializer_timeout_s", settings.initializer_timeout_s)
        s.setValue("window_geometry", QByteArray(settings.window_geometry))
        s.setValue("window_state", QByteArray(settings.window_state))
        s.sync()


def _bytes(value) -> bytes:
    if isinstance(value, QByteArray):
        return bytes(value.data())
    return value if isinstance(value, bytes) else b""
