"""The gradient split: for a parameter used more than once, each use's part of its gradient.

A tied parameter (``params=shared.params``) or a block reused in ``forward``
gets the *sum* of one gradient per use. This view shows each part as a small
heatmap (one diverging colour scale for all, so they compare), with its norm
and share, then their sum and the gradient of one ordinary backward pass,
which must match. The parts come from ``Session.gradient_split`` (the
model's batch, predict mode; ``.grad()`` and the values are left alone).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QMenu, QVBoxLayout, QWidget

from ..core.forward_trace import TraceError
from ..core.tied_gradients import GradientSplit
from .activations_view import picture_pixmap
from .export import add_export_actions
from .flow_layout import FlowLayout
from .on_screen import is_unseen

__all__ = ["GradientSplitView"]

PART_SIDE = 96


def _as_picture(values: np.ndarray) -> np.ndarray:
    if values.ndim == 1:
        return values[None, :]
    if values.ndim == 2:
        return values
    return values.reshape(values.shape[0], -1)


class GradientSplitView(QWidget):
    """Each use's contribution to a shared parameter's gradient, and their sum."""

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self._session = session
        self._param = None
        self._path = ""
        self._stale = False
        self.split: GradientSplit | None = None
        self.part_labels: list[QLabel] = []
        self.header_label = QLabel()
        self.header_label.setWordWrap(True)
        self.header_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.parts_widget = QWidget()
        self.parts_layout = FlowLayout(self.parts_widget, spacing=8)
        self.check_label = QLabel()
        self.check_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.header_label)
        layout.addWidget(self.parts_widget)
        layout.addWidget(self.check_label)
        layout.addStretch(1)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(
            lambda pos: self.context_menu().exec(self.mapToGlobal(pos))
        )
        self.show_parameter(None, "")

    # --------------------------------------------------------------------- API
    def show_parameter(self, param, path: str) -> None:
        self._param, self._path = param, path or ""
        self._stale = param is not None
        if param is None:
            self._clear_parts()
            self.header_label.setText(
                "Select a parameter used more than once (a tied "
                "layer's, or a block reused in forward) to see what "
                "each use adds to its gradient."
            )
            self.check_label.setText("")
        self._catch_up()

    def values_changed(self, params) -> None:
        if self._param is not None:
            self._stale = True
            self._catch_up()

    def structure_changed(self) -> None:
        self.values_changed(())

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        add_export_actions(menu, self, "gradient split")
        return menu

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._catch_up()

    # ---------------------------------------------------------------- internals
    def _catch_up(self) -> None:
        if not self._stale or is_unseen(self):
            return
        self._stale = False
        self._clear_parts()
        self.split = None
        self.check_label.setText("")
        try:
            split = self._session.gradient_split(self._path)
        except (TraceError, KeyError) as exc:
            self.header_label.setText(f"{self._path}: {str(exc).strip(chr(39))}")
            return
        self.split = split
        if len(split.uses) == 1:
            self.header_label.setText(
                f"<b>{self._path}</b> is used once, by "
                f"{split.uses[0].label}: all of its gradient comes "
                f"from that use."
            )
            return
        self.header_label.setText(
            f"<b>{self._path}</b> is used {len(split.uses)} times; its gradient is the sum of "
            f"one part per use ({split.loss_name} on the model's batch, predict mode)."
        )
        bound = max(float(np.abs(u.contribution).max()) for u in split.uses)
        bound = max(bound, float(np.abs(split.total).max())) or 1.0
        total_norm = sum(float(np.linalg.norm(u.contribution)) for u in split.uses) or 1.0
        for number, use in enumerate(split.uses):
            if number:
                self._add_operator("+")
            norm = float(np.linalg.norm(use.contribution))
            self._add_part(
                use.contribution,
                bound,
                use.label,
                f"‖part‖ {norm:.3g} ({100 * norm / total_norm:.0f} %)",
            )
        self._add_operator("=")
        self._add_part(
            split.sum_of_uses,
            bound,
            "sum of the parts",
            f"‖sum‖ {float(np.linalg.norm(split.sum_of_uses)):.3g}",
        )
        gap = float(np.abs(split.sum_of_uses - split.total).max())
        scale = float(np.abs(split.total).max()) or 1.0
        if gap <= 1e-4 * scale:
            self.check_label.setText(
                f"The parts add up to the gradient of one backward pass "
                f"(largest difference {gap:.2g}). Colours ±{bound:.3g}."
            )
        else:
            self.check_label.setText(
                f"<span style='color:#c0392b'>The parts differ from one backward pass by up "
                f"to {gap:.3g}: forward() changes a block's output in place after the block "
                f"returns (FancyMLP's X /= 2), which this split cannot follow.</span>"
            )

    def _clear_parts(self) -> None:
        while self.parts_layout.count():
            item = self.parts_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.part_labels = []

    def _add_operator(self, text: str) -> None:
        label = QLabel(text)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 2)
        label.setFont(font)
        label.setMinimumHeight(PART_SIDE)
        label.setAlignment(Qt.AlignmentFlag.AlignVCenter)
        self.parts_layout.addWidget(label)

    def _add_part(self, values: np.ndarray, bound: float, title: str, caption: str) -> None:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        picture = QLabel()
        picture.setPixmap(
            picture_pixmap(_as_picture(values), -bound, bound, "diverging", PART_SIDE)
        )
        column.addWidget(QLabel(f"<b>{title}</b>"))
        column.addWidget(picture)
        column.addWidget(QLabel(caption))
        self.part_labels.append(picture)
        self.parts_layout.addWidget(box)
