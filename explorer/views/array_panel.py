"""One column of the tensor view: a title, then a message or heatmap + histogram of one array.

:class:`ArrayPanel` draws whatever array it is given (a snapshot, never
written to); the tensor view decides which arrays and when.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from ..theory import TheoreticalSpread
from .array_display import ViewChoice, format_value, picture_of
from .array_statistics import statistics_and_image, symmetric_level, tensor_statistics
from .heatmap_panel import MAX_DISPLAY_SIDE, HeatmapPanel
from .histogram_panel import HistogramPanel
from .plot_style import plot_font

__all__ = ["ArrayPanel"]


class ArrayPanel(QWidget):
    """One column: a title, then either a message or heatmap + histogram of an array.

    Attributes
    ----------
    redraw_count : int
        How many times an array was drawn (statistics computed): lets tests
        and benchmarks see that an unchanged array is not redrawn.
    """

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.redraw_count = 0
        self._title = title
        self._values: np.ndarray | None = None
        self.title_label = QLabel(title)
        self.message_label = QLabel()
        # At the top: the page is as tall as the plots it replaces, often taller than
        # the visible part of the scroll area, so a centred message can sit out of view.
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.message_label.setContentsMargins(8, 24, 8, 8)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.heatmap = HeatmapPanel()
        self.histogram = HistogramPanel()
        plots = QWidget()
        plots_layout = QVBoxLayout(plots)
        plots_layout.setContentsMargins(0, 0, 0, 0)
        plots_layout.addWidget(self.heatmap, 4)
        plots_layout.addWidget(self.histogram, 5)  # it also holds the statistics table
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message_label)
        self.stack.addWidget(plots)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title_label, 0)
        layout.addWidget(self.stack, 1)
        # Ignored width: the columns share the view equally, whatever their tables hold.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._apply_font()

    def _apply_font(self) -> None:
        """Title and message at 1.1× the application font; plots keep a readable size."""
        title_font = plot_font(1.1)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.title_label.setFont(title_font)
        self.message_label.setFont(plot_font(1.1))
        line = self.fontMetrics().height()
        # Below this the heatmap's axis labels and colour bar ticks collide.
        self.heatmap.setMinimumHeight(7 * line + 40)
        self.histogram.plot_widget.setMinimumHeight(5 * line + 40)

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.Type.ApplicationFontChange, QEvent.Type.FontChange) \
                and hasattr(self, "histogram"):
            self._apply_font()
        super().changeEvent(event)

    @property
    def values(self) -> np.ndarray | None:
        """The array last drawn (the parameter's live buffer: read only)."""
        return self._values

    @property
    def message(self) -> str:
        """The message shown instead of plots ('' when plots are shown)."""
        return self.message_label.text() if self.stack.currentIndex() == 0 else ""

    def show_message(self, text: str) -> None:
        self._values = None
        self.title_label.setText(self._title)
        self.message_label.setText(text)
        self.stack.setCurrentIndex(0)
        self.heatmap.clear_picture()
        self.histogram.clear()

    def show_array(self, values: np.ndarray, choice: ViewChoice | None,
                   spread: TheoreticalSpread | None = None) -> None:
        """Compute statistics of ``values`` once and draw heatmap and histogram."""
        self.redraw_count += 1
        self._values = values
        if values.ndim == 0:
            self.message_label.setText(f"value = {format_value(float(values))}\n"
                                       f"(a scalar, dtype {values.dtype})")
            self.stack.setCurrentIndex(0)
            return
        picture = picture_of(values, choice)
        if picture.mode == "matrix":  # one read of a large weight for numbers and image
            stats, display = statistics_and_image(values, MAX_DISPLAY_SIDE)
        else:
            stats, display = tensor_statistics(values), None
        self._level = symmetric_level(stats)
        # The colour range lives in the title: a label on the thin colour bar would
        # collide with its tick labels.
        self.title_label.setText(f"{self._title}   <span style='font-weight:normal'>"
                                 f"colours ±{format_value(self._level)}</span>")
        self.heatmap.show_picture(picture, self._level, display)
        self.histogram.show_statistics(stats, spread)
        self.stack.setCurrentIndex(1)

    def redraw_picture(self, choice: ViewChoice) -> None:
        """Show another slice/layout of the same array (statistics unchanged)."""
        if self._values is not None and self._values.ndim >= 3:
            self.heatmap.show_picture(picture_of(self._values, choice), self._level)
