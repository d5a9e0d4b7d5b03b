"""A dock title bar whose text follows View → Larger/Smaller text.

QDockWidget paints its own title with a font it reads once, when the dock is
built (``QDockWidgetPrivate::font``), so after View → Larger text every panel
grew but "Blocks", "Console" and "Code log" stayed at the start-up size —
unreadable from the back of a classroom. This title bar is ordinary widgets
(a label and the float and close buttons) that follow the application font.
Mouse presses on it are left to the dock, which moves, floats (double-click)
and docks it as usual.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyle,
    QToolButton,
    QWidget,
)

__all__ = ["DockTitleBar", "scaled_dock"]


class DockTitleBar(QWidget):
    """The dock's title, then its float and close buttons, sized to the text."""

    def __init__(self, dock: QDockWidget) -> None:
        super().__init__(dock)
        self.dock = dock
        self.label = QLabel(dock.windowTitle(), self)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        # The title yields (elided "Compare i…") rather than set the dock's minimum
        # width: at the largest text size the titles pushed the window past 1024 px.
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(self.fontMetrics().averageCharWidth() * 3)
        self.float_button = self._button(
            QStyle.StandardPixmap.SP_TitleBarNormalButton, "Float or dock this panel"
        )
        self.close_button = self._button(
            QStyle.StandardPixmap.SP_TitleBarCloseButton, "Close this panel (View menu reopens it)"
        )
        self.float_button.clicked.connect(lambda: dock.setFloating(not dock.isFloating()))
        self.close_button.clicked.connect(dock.close)
        dock.windowTitleChanged.connect(self._show_title)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 1, 2, 1)
        layout.setSpacing(2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.float_button)
        layout.addWidget(self.close_button)
        self._fit_icons()

    def _button(self, pixmap: QStyle.StandardPixmap, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(self.style().standardIcon(pixmap))
        button.setAutoRaise(True)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.FontChange:
            self._fit_icons()
            self.label.setMinimumWidth(self.fontMetrics().averageCharWidth() * 3)
            self._show_title()
        super().changeEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._show_title()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # The whole title when there is room (the label's own hint is its elided text).
        hint = super().sizeHint()
        whole = self.fontMetrics().horizontalAdvance(self.dock.windowTitle())
        return QSize(max(hint.width(), whole + 2 * self.fontMetrics().height() + 12), hint.height())

    def _show_title(self, _title: str | None = None) -> None:
        title = self.dock.windowTitle()
        width = self.label.width()
        shown = self.label.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, width)
        self.label.setText(shown)
        self.label.setToolTip(title if shown != title else "")

    def _fit_icons(self) -> None:
        # Buttons as tall as a line of text (Qt's own bar is that compact, so the panels
        # keep their room) and scaled with it, easy to hit at 32 pt.
        line = self.fontMetrics().height()
        icon = max(8, line - 5)
        for button in (self.float_button, self.close_button):
            button.setIconSize(QSize(icon, icon))
            button.setFixedSize(line, line)


def scaled_dock(title: str, parent: QWidget) -> QDockWidget:
    """A QDockWidget with a :class:`DockTitleBar`."""
    dock = QDockWidget(title, parent)
    dock.setTitleBarWidget(DockTitleBar(dock))
    return dock
