"""The initializer dialog's preview column: a target parameter's histogram now and after.

Shows one :class:`~explorer.core.initializer_preview.ParameterPreview`: the
values now, the values the initializer would give (with its theoretical
spread drawn over them), the spread in words with the fans used, and the
notes (the parameter keeps its own initializer, is pending, or is refused).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from .preview_histogram import PreviewHistogram

__all__ = ["PreviewPanel"]


class PreviewPanel(QWidget):
    """A parameter picker, the two histograms side by side, the theory and the notes."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.param_box = QComboBox(self)
        self.current_plot = PreviewHistogram("now", self)
        self.proposed_plot = PreviewHistogram("after", self)
        self.theory_label = QLabel(self)
        self.theory_label.setWordWrap(True)
        self.note_label = QLabel(self)
        self.note_label.setWordWrap(True)
        # On one value scale "now" and "after" compare at a glance (Normal(1) after
        # U(±0.07) is twenty times wider); unticked, each fills its own plot.
        self.same_scale_box = QCheckBox("same scale", self)
        self.same_scale_box.setChecked(True)
        self.same_scale_box.setToolTip("Draw 'now' and 'after' over the same value range")
        self.same_scale_box.toggled.connect(lambda _on: self._share_x_range())
        row = QHBoxLayout()
        row.addWidget(QLabel("Parameter:", self))
        row.addWidget(self.param_box, 1)
        row.addWidget(self.same_scale_box)
        plots = QHBoxLayout()
        plots.addWidget(self.current_plot, 1)
        plots.addWidget(self.proposed_plot, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(plots, 1)
        layout.addWidget(self.theory_label)
        layout.addWidget(self.note_label)

    def set_paths(self, paths: list) -> None:
        """List the target parameters, keeping the one shown when it is still a target."""
        if [self.param_box.itemText(i) for i in range(self.param_box.count())] == paths:
            return
        self.param_box.blockSignals(True)
        selected = self.param_box.currentText()
        self.param_box.clear()
        self.param_box.addItems(paths)
        if selected in paths:
            self.param_box.setCurrentText(selected)
        self.param_box.blockSignals(False)

    def show_preview(self, preview, hint: str = "", current=None) -> None:
        """Draw ``preview``; None shows ``current`` (a histogram) and ``hint`` instead."""
        if preview is None:
            self.current_plot.show_histogram(current, "now")
            self.proposed_plot.show_histogram(None, "after (F5)" if hint else "after")
            self.theory_label.setText("")
            self.note_label.setText(hint)
            self.note_label.setStyleSheet("")
            self._share_x_range()
            return
        shape = "×".join(str(d) for d in preview.shape)
        self.current_plot.show_histogram(
            preview.current, "now" if preview.current else "now: no values yet"
        )
        proposed = preview.proposed
        sampled = (
            f" (1/{proposed.sample_step} sample)" if proposed and (proposed.sample_step > 1) else ""
        )
        chosen = (
            preview.chosen if isinstance(preview.chosen, str) else type(preview.chosen).__name__
        )
        self.proposed_plot.show_histogram(
            proposed, f"after: {chosen}{sampled}" if proposed else "after: —", preview.spread
        )
        self.theory_label.setText(
            f"{shape}: {preview.theory}"
            if preview.theory
            else "No formula known for this initializer"
        )
        notes = [n for n in (preview.error, preview.note) if n]
        self.note_label.setText("\n".join(notes))
        self.note_label.setStyleSheet("color: #e0413a;" if preview.error else "")
        self._share_x_range()

    def _share_x_range(self) -> None:
        plots = (self.current_plot, self.proposed_plot)
        ranges = [p.drawn_x_range for p in plots if p.drawn_x_range is not None]
        for plot in plots:
            if plot.drawn_x_range is None:
                continue
            if self.same_scale_box.isChecked():
                plot.set_x_range(min(r[0] for r in ranges), max(r[1] for r in ranges))
            else:
                plot.set_x_range(*plot.drawn_x_range)
