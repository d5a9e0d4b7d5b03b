"""The compare view: what changed since a pinned snapshot, or how two parameters differ.

"Pin" copies the selected parameter's values (``Session.snapshot``). From then
on the view shows ``current − pinned`` as a heatmap, histogram and
statistics (an :class:`ArrayPanel`) with a summary line, redrawn when the
watcher reports the parameter written: after an edit, an initialization or
a training step. "Compare with…" lists the other parameters of the same
shape and shows ``selected − other`` instead.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..core.block_tree import shape_text
from ..core.tensor_compare import Difference, difference
from .array_panel import ArrayPanel
from .export import add_export_actions
from .on_screen import is_unseen

__all__ = ["CompareView"]

PINNED = "pinned"


class CompareView(QWidget):
    """Difference of the selected parameter against a pinned copy or another parameter.

    Parameters
    ----------
    session : Session
        Gives the selection, the tree (same-shape parameters) and snapshots.
    """

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self._session = session
        self._param = None
        self._path = ""
        self._pinned = None  # (param, path, copy, what came before)
        self._other = None  # (param, path) compared with, or None: the pinned copy
        self.difference: Difference | None = None
        self.pin_button = QPushButton("Pin")
        self.pin_button.setToolTip(
            "Keep a copy of the selected parameter's values; the view "
            "then shows what changes (current − pinned)"
        )
        self.pin_button.clicked.connect(self.pin)
        self.other_combo = QComboBox()
        self.other_combo.setToolTip(
            "Compare with the pinned copy, or with another parameter of the same shape"
        )
        self.other_combo.activated.connect(self._other_chosen)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.panel = ArrayPanel("Difference")
        self.panel.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.panel.customContextMenuRequested.connect(
            lambda pos: self.context_menu().exec(self.panel.mapToGlobal(pos))
        )
        # The panel keeps its readable minimum size and scrolls in a short dock.
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(self.panel)
        row = QHBoxLayout()
        row.addWidget(self.pin_button)
        row.addWidget(QLabel("Compare with"))
        row.addWidget(self.other_combo, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.status_label)
        layout.addWidget(self.scroll_area, 1)
        self._refresh()

    # --------------------------------------------------------------------- API
    def show_parameter(self, param, path: str) -> None:
        """The selected parameter changed (None: a block or nothing is selected)."""
        if param is not self._param:
            self._other = None
        self._param, self._path = param, path or ""
        self._fill_others()
        self._refresh()

    def pin(self) -> bool:
        """Pin a copy of the selected parameter's values (the "Pin" button)."""
        param = self._param
        values = self._session.snapshot(param) if param is not None else None
        if values is None:
            self.status_label.setText("Select an initialized parameter to pin its values.")
            return False
        changes = [c for c in self._session.commands.in_effect() if c.changes_model]
        after = changes[-1].label if changes else "the start"
        self._pinned = (param, self._path, values, after)
        self._other = None
        self._fill_others()
        self._refresh()
        return True

    def compare_with(self, path: str) -> None:
        """Show ``selected − path`` (a parameter of the same shape)."""
        index = self.other_combo.findData(path)
        if index < 0:
            raise KeyError(f"{path} is not a parameter of the same shape as {self._path}")
        self.other_combo.setCurrentIndex(index)
        self._other_chosen(index)

    def values_changed(self, params) -> None:
        watched = [
            self._param,
            self._pinned[0] if self._pinned else None,
            self._other[0] if self._other else None,
        ]
        if any(p is w for p in params for w in watched if w is not None):
            # Out of sight (a closed or tabbed-away dock) nothing is copied: training
            # writes these arrays many times a second. Shown again, it catches up.
            if is_unseen(self):
                self._stale = True
            else:
                self._refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if getattr(self, "_stale", False):
            self._refresh()

    def structure_changed(self) -> None:
        self._fill_others()
        self._refresh()

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        add_export_actions(menu, self, "difference")
        return menu

    # ---------------------------------------------------------------- internals
    def _fill_others(self) -> None:
        self.other_combo.clear()
        pinned = self._pinned
        if pinned is not None:
            self.other_combo.addItem(f"the pinned copy of {pinned[1]}", PINNED)
        param = self._param
        if param is None or self._session.net is None or not param.is_initialized:
            return
        for node in self._session.tree().walk():
            other = node.obj
            if (
                node.is_param
                and node.path != self._path
                and other.is_initialized
                and tuple(other.shape) == tuple(param.shape)
            ):
                same = " (the same Parameter: tied)" if other is param else ""
                self.other_combo.addItem(node.path + same, node.path)
        if self._other is not None:
            self.other_combo.setCurrentIndex(max(0, self.other_combo.findData(self._other[1])))

    def _other_chosen(self, index: int) -> None:
        path = self.other_combo.itemData(index)
        if path in (None, PINNED):
            self._other = None
        else:
            from ..core.block_tree import find_node

            self._other = (find_node(self._session.tree(), path).obj, path)
        self._refresh()

    def _refresh(self) -> None:
        self._stale = False
        self.difference = None
        if self._other is not None and self._param is not None:
            other, other_path = self._other
            current, against = self._session.snapshot(self._param), self._session.snapshot(other)
            title, short = f"{self._path} − {other_path}", "selected − other"
        elif self._pinned is not None:
            param, path, against, after = self._pinned
            current = self._session.snapshot(param)
            title, short = f"{path} now − pinned (after “{after}”)", "current − pinned"
        else:
            self.status_label.setText(
                "Select a parameter and press Pin to see what an edit, "
                "an initialization or a training step changes; or "
                "compare it with another parameter of its shape."
            )
            self.panel.show_message("Nothing pinned yet.")
            return
        if current is None or against is None or current.shape != against.shape:
            shape = shape_text(current.shape) if current is not None else "no values"
            self.status_label.setText(f"{title}: cannot compare ({shape} now)")
            self.panel.show_message("The shapes differ or a side has no values.")
            return
        self.difference = difference(current, against)
        self.panel.set_title("Difference", short)
        self.status_label.setText(f"<b>{title}</b>: {self.difference.describe()}")
        self.panel.show_array(self.difference.values, None)
