"""Light and dark themes; ``'system'`` follows the desktop's colour scheme.

Fusion style with an explicit palette looks the same on every platform and
keeps contrast high enough for a projector.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

__all__ = ["resolve_theme", "apply_theme", "console_colours", "contrast_ratio", "ConsoleColours"]


def system_is_dark() -> bool:
    """Whether the desktop asks for a dark colour scheme (False when it cannot tell)."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


def resolve_theme(choice: str) -> str:
    """``'light'`` or ``'dark'`` for a setting of ``'system'``, ``'light'`` or ``'dark'``."""
    if choice in ("light", "dark"):
        return choice
    return "dark" if system_is_dark() else "light"


def _palette(dark: bool) -> QPalette:
    p = QPalette()
    if dark:
        colors = {
            QPalette.ColorRole.Window: "#23262b",
            QPalette.ColorRole.WindowText: "#e6e6e6",
            QPalette.ColorRole.Base: "#1b1d21",
            QPalette.ColorRole.AlternateBase: "#262a30",
            QPalette.ColorRole.Text: "#e6e6e6",
            QPalette.ColorRole.Button: "#2d3137",
            QPalette.ColorRole.ButtonText: "#e6e6e6",
            QPalette.ColorRole.Highlight: "#2f6db5",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#2d3137",
            QPalette.ColorRole.ToolTipText: "#e6e6e6",
            QPalette.ColorRole.PlaceholderText: "#8a8f98",
            QPalette.ColorRole.Link: "#6aa9ff",
        }
    else:
        colors = {
            QPalette.ColorRole.Window: "#f3f4f6",
            QPalette.ColorRole.WindowText: "#1d1f23",
            QPalette.ColorRole.Base: "#ffffff",
            QPalette.ColorRole.AlternateBase: "#f1f4f8",
            QPalette.ColorRole.Text: "#1d1f23",
            QPalette.ColorRole.Button: "#e9ebef",
            QPalette.ColorRole.ButtonText: "#1d1f23",
            QPalette.ColorRole.Highlight: "#2f6db5",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#ffffe6",
            QPalette.ColorRole.ToolTipText: "#1d1f23",
            QPalette.ColorRole.PlaceholderText: "#7a7f88",
            QPalette.ColorRole.Link: "#1f5fbf",
        }
    for role, color in colors.items():
        p.setColor(role, QColor(color))
    disabled = QColor("#6b7079" if dark else "#a0a4ab")
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def apply_theme(app: QApplication, choice: str = "system") -> str:
    """Style ``app`` (and pyqtgraph's defaults) light or dark; returns which."""
    import pyqtgraph as pg

    theme = resolve_theme(choice)
    dark = theme == "dark"
    app.setStyle("Fusion")
    app.setPalette(_palette(dark))
    pg.setConfigOptions(
        background="#1b1d21" if dark else "w",
        foreground="#d0d0d0" if dark else "#303030",
        antialias=True,
    )
    return theme


class ConsoleColours(NamedTuple):
    """Colours of the console's echoed commands and notes (``'#rrggbb'``)."""

    command_background: str
    command_text: str
    note_text: str


def console_colours(dark: bool) -> ConsoleColours:
    """The console's colours on a dark or light output background.

    Each text colour keeps a contrast ratio of at least 4.5 (WCAG AA) against
    the background it is drawn on: the echoed command against its band, the
    note against the output's Base colour.
    """
    if dark:
        return ConsoleColours("#2b3350", "#e8ecf8", "#a9b0bc")
    return ConsoleColours("#dde3f6", "#1a2040", "#5d6470")


def contrast_ratio(first: str | QColor, second: str | QColor) -> float:
    """WCAG 2 contrast ratio of two colours: 1 (none) to 21 (black on white)."""

    def luminance(color) -> float:
        c = QColor(color)
        channels = []
        for v in (c.redF(), c.greenF(), c.blueF()):
            channels.append(v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4)
        r, g, b = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)
