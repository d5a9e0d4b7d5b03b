"""One column of the tensor view: a title, then a message or heatmap + histogram of one array.

:class:`ArrayPanel` draws whatever array it is given (a snapshot, never
written to); the tensor view decides which arrays and when.

Live redraws
------------
While training runs the panel is *live* (:meth:`ArrayPanel.set_live`) and
redraws up to 30 times a second. The picture — heatmap and histogram bars —
follows every redraw. The words and ticks — the title's colour range, the
colour bar's ticks, the statistics table, the histogram's caption, axes and
the initializer's curve — follow at most every
:data:`LIVE_DECORATION_INTERVAL_S`: laying them out again cost more than
the picture (in the GUI thread, holding the GIL the training worker needs),
and nobody reads numbers that change 30 times a second. Between two such
updates the heatmap keeps its colour scale, so colours, colour bar and title
always agree; a value that moved past the scale shows in the end colour (and
a bar past the histogram's range is cut) until the next update, at most
:data:`LIVE_DECORATION_INTERVAL_S` later. To make that rare, a live panel's
colour scale and count axis reach a little past the values
(:data:`LIVE_SCALE_HEADROOM`); the exact ones come back when it stops being
live. The latest numbers follow within the interval (a timer), and at once
when the panel stops being live (Pause).

A live redraw that keeps the words reads its array for the picture only
(:func:`~explorer.views.array_statistics.live_statistics_and_image`: exact
min, max and image, bars from a sample of a large array, no sums), which
halves its cost; the redraws that update the words make the full pass. Live
histograms of arrays over
:data:`~explorer.views.array_statistics.LIVE_SAMPLE_LIMIT` values are drawn
from a sample (the caption says so); Pause brings the exact ones back.
"""

from __future__ import annotations

import html
import math
import time
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from ..theory import TheoreticalSpread
from .array_display import ViewChoice, display_unit, format_value, picture_of
from .array_statistics import (
    HISTOGRAM_SAMPLE_LIMIT,
    LIVE_SAMPLE_LIMIT,
    TensorStatistics,
    live_statistics_and_image,
    statistics_and_image,
    tensor_statistics,
)
from .breakable import breakable
from .colour_scale import COLOUR_SCALE_MODES, ColourScale, choose_colour_scale
from .heatmap_panel import (
    MAX_DISPLAY_SIDE,
    NEGATIVE_INF_COLOUR,
    POSITIVE_INF_COLOUR,
    HeatmapPanel,
)
from .histogram_panel import HistogramPanel
from .label_box import LabelBox
from .plot_style import plot_font

__all__ = ["ArrayPanel", "LIVE_DECORATION_INTERVAL_S"]

LIVE_DECORATION_INTERVAL_S = 0.5  # words and ticks of a live panel: twice a second
LIVE_SCALE_HEADROOM = 1.1  # a live panel's colour scale reaches 10 % past the values


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
        self._shown: np.ndarray | None = None  # _values as drawn (|z|, 0/1)
        self._stats: TensorStatistics | None = None
        self._stats_live = False  # whether _stats were computed live (sampled bars)
        self._scale: ColourScale | None = None
        self._colour_mode = "auto"
        self._unit = 1.0
        self._note = ""
        self._subtitle = ""
        self._title_link = ("", "")
        self._live = False
        self._decorated_at = 0.0
        # Brings the words and ticks up to date after live redraws that left them.
        self._decoration_timer = QTimer(self, singleShot=True)
        self._decoration_timer.timeout.connect(self.decorate)
        self.title_label = QLabel(title)
        # Wrapped, never clipped: "colours 0.900 … 0.902 (sequential)" at 32 pt.
        self.title_label.setWordWrap(True)
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.title_label.setTextFormat(Qt.TextFormat.RichText)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.legend_label = QLabel()
        self.legend_label.setWordWrap(True)
        self.legend_label.setToolTip("Colours of values outside the colour scale")
        self.legend_label.hide()
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
        layout.addWidget(LabelBox(self.title_label), 0)  # a new colour range: no relayout
        layout.addWidget(self.legend_label, 0)
        layout.addWidget(self.stack, 1)
        self.heatmap.colour_mode_chosen.connect(self.set_colour_mode)
        # Ignored width: the columns share the view equally, whatever their tables hold.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._apply_font()

    def _apply_font(self) -> None:
        """Title and message at 1.1× the application font; plots keep a readable size."""
        title_font = plot_font(1.1)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.title_label.setFont(title_font)
        # Two lines for every column's title, so side-by-side plots stay aligned when one
        # title wraps (the gradient's batch, a long colour range).
        self.title_label.setMinimumHeight(2 * QFontMetrics(title_font).lineSpacing() + 2)
        self.message_label.setFont(plot_font(1.1))
        self.legend_label.setFont(plot_font())
        line = self.fontMetrics().height()
        # Below this the heatmap's axis labels and colour bar ticks collide.
        self.heatmap.setMinimumHeight(7 * line + 40)
        self.histogram.plot_widget.setMinimumHeight(5 * line + 40)

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.Type.ApplicationFontChange, QEvent.Type.FontChange) and hasattr(
            self, "histogram"
        ):
            self._apply_font()
        super().changeEvent(event)

    @property
    def values(self) -> np.ndarray | None:
        """The array last drawn (a snapshot: read only)."""
        return self._values

    @property
    def message(self) -> str:
        """The message shown instead of plots ('' when plots are shown)."""
        return self.message_label.text() if self.stack.currentIndex() == 0 else ""

    @property
    def statistics(self) -> TensorStatistics | None:
        """The statistics of the array drawn (None while a message is shown), with sums."""
        if self._stats is not None and not self._stats.has_sums:
            self._complete_statistics()
        return self._stats

    @property
    def colour_mode(self) -> str:
        """``'auto'``, ``'diverging'`` or ``'sequential'``: what the user chose."""
        return self._colour_mode

    @property
    def colour_scale(self) -> ColourScale | None:
        """The scale the heatmap uses now (None while a message is shown)."""
        return self._scale

    def set_colour_mode(self, mode: str) -> None:
        """Use colour scale ``mode`` for this column from now on (and redraw)."""
        if mode not in COLOUR_SCALE_MODES:
            raise ValueError(f"Unknown colour scale {mode!r}; choose one of {COLOUR_SCALE_MODES}")
        self._colour_mode = mode
        if self._stats is not None and self.stack.currentIndex() == 1:
            self._scale = self._scale_for(self._stats)
            self.heatmap.set_colour_scale(self._scale)
            self._show_title()

    def show_message(self, text: str) -> None:
        self._decoration_timer.stop()
        self._values = self._shown = self._stats = self._scale = None
        self._note = ""
        self._show_title()
        self.legend_label.hide()
        self.message_label.setText(text)
        self.stack.setCurrentIndex(0)
        self.heatmap.clear_picture()
        self.histogram.clear()

    def show_array(
        self, values: np.ndarray, choice: ViewChoice | None, spread: TheoreticalSpread | None = None
    ) -> None:
        """Compute statistics of ``values`` once and draw heatmap and histogram.

        Any array is accepted: float, integer, boolean (drawn as 0/1) or
        complex (drawn as ``|z|``, and the title says so); an empty or 0-d one
        is described in words.
        """
        self.redraw_count += 1
        values = np.asarray(values)
        self._values = values
        shown, self._note = _drawable(values)
        self._shown = shown
        if values.ndim == 0 or values.size == 0:
            self.show_message(_describe_without_plot(values, shown))
            self._values = values
            return
        picture = picture_of(shown, choice)
        now = time.monotonic()
        may_keep_words = (
            self._live
            and self.stack.currentIndex() == 1
            and self._scale is not None
            and now - self._decorated_at < LIVE_DECORATION_INTERVAL_S
        )
        # The picture only while the words stay (see "Live redraws" in the module docstring).
        stats, display = self._compute_statistics(shown, picture, sums=not may_keep_words)
        unit = display.unit if display is not None else display_unit(stats.max_abs)
        scale = self._scale_for(stats, live=self._live)
        keep_words = may_keep_words and unit == self._unit and _alike(self._scale, scale)
        if not keep_words and not stats.has_sums:  # the words change after all
            stats, display = self._compute_statistics(shown, picture, sums=True)
        self._stats = stats
        self._unit = unit
        if keep_words:
            self.heatmap.show_picture(picture, self._scale, display, unit=unit)
            self.histogram.show_statistics(stats, spread, decorate=False)
            if not self._decoration_timer.isActive():
                wait = LIVE_DECORATION_INTERVAL_S - (now - self._decorated_at)
                self._decoration_timer.start(max(1, int(wait * 1000)))
            return
        self._decoration_timer.stop()
        self._decorated_at = now
        self._scale = scale
        self._show_title()
        self._show_legend(stats)
        self.heatmap.show_picture(picture, self._scale, display, unit=unit)
        self.histogram.show_statistics(stats, spread, live=self._live)
        self.stack.setCurrentIndex(1)

    @property
    def live(self) -> bool:
        """Whether redraws come many a second (training runs): see the module docstring."""
        return self._live

    def set_live(self, on: bool) -> None:
        """Live (training runs) or not; leaving live mode shows the latest numbers at once."""
        was_live, self._live = self._live, bool(on)
        if was_live and not self._live:
            self.decorate()  # exact colour scale and axes again, the latest numbers
        elif self._live and not was_live:
            self.decorate_next_redraw()

    def decorate_next_redraw(self) -> None:
        """Let the next redraw update everything, live or not (another array comes)."""
        self._decorated_at = -math.inf

    def _compute_statistics(self, shown: np.ndarray, picture, sums: bool) -> tuple:
        """``(statistics, display image or None)`` of ``shown`` as drawn in ``picture``.

        Live, the bars of a large array come from a sample, and ``sums=False``
        leaves out what only the words need (see the module docstring).
        """
        self._stats_live = self._live
        limit = LIVE_SAMPLE_LIMIT if self._live else HISTOGRAM_SAMPLE_LIMIT
        display = None
        if picture.mode == "matrix":  # one read of a large weight for numbers and image
            # Pooled to the heatmap's pixels at once: else it pools the image again.
            pixels = self.heatmap.panel_pixels()
            if self._live and not sums:
                stats, display = live_statistics_and_image(
                    shown, MAX_DISPLAY_SIDE, max_shape=pixels
                )
            else:
                stats, display = statistics_and_image(
                    shown, MAX_DISPLAY_SIDE, max_shape=pixels, sample_limit=limit
                )
        else:
            stats = tensor_statistics(shown, sample_limit=limit)
        # The table names the array's own dtype (complex128, bool), not the one drawn.
        return replace(stats, dtype=str(self._values.dtype)), display

    def _complete_statistics(self) -> None:
        """Statistics of the array shown with sums, and bars as live or not calls for."""
        limit = LIVE_SAMPLE_LIMIT if self._live else HISTOGRAM_SAMPLE_LIMIT
        self._stats_live = self._live
        stats = tensor_statistics(self._shown, sample_limit=limit)
        self._stats = replace(stats, dtype=str(self._values.dtype))
        self.histogram.show_statistics(self._stats, self.histogram.spread, decorate=False)

    def decorate(self) -> None:
        """Bring the colour scale, title, legend and histogram's words up to the last array."""
        stats = self._stats
        if stats is None or self.stack.currentIndex() != 1:
            return
        if not stats.has_sums or self._stats_live != self._live:
            self._complete_statistics()  # numbers for the words; exact bars after a run
            stats = self._stats
        self._decoration_timer.stop()
        self._decorated_at = time.monotonic()
        scale = self._scale_for(stats, live=self._live)
        if self._live and _still_fits(self._scale, self._scale_for(stats)):
            scale = self._scale  # the colour bar's ticks stay: laying them out costs
        if scale != self._scale:
            self._scale = scale
            self.heatmap.set_colour_scale(scale)
        self._show_title()
        self._show_legend(stats)
        self.histogram.decorate(live=self._live)

    def redraw_picture(self, choice: ViewChoice) -> None:
        """Show another slice/layout of the same array (statistics unchanged)."""
        values = self._values
        if values is not None and values.ndim >= 3 and self._scale is not None:
            shown, _ = _drawable(values)
            self.heatmap.show_picture(picture_of(shown, choice), self._scale, unit=self._unit)

    # ---------------------------------------------------------------- internals
    def _scale_for(self, stats: TensorStatistics, live: bool = False) -> ColourScale:
        scale = choose_colour_scale(stats.min, stats.max, stats.finite_count, self._colour_mode)
        return _with_headroom(scale) if live else scale

    def set_title(self, title: str, subtitle: str = "") -> None:
        """The column's name, and what it shows (e.g. which batch made a gradient)."""
        self._title, self._subtitle = title, subtitle
        self._show_title()

    def set_title_link(self, text: str = "", target: str = "") -> None:
        """A link at the end of the title (``title_label.linkActivated`` gives ``target``);
        none when ``text`` is empty. (In the title, not on a row of its own: at 1024×768
        a row's height was the statistics table's first line.)"""
        if (text, target) != self._title_link:
            self._title_link = (text, target)
            self._show_title()

    def _show_title(self) -> None:
        """The column's name, then what its colours mean (and what is drawn, if not x)."""
        parts = [self._subtitle] if self._subtitle else []
        if self._scale is not None:
            parts.append(self._scale.describe())
        if self._note:
            parts.append(self._note)
        # Long words may break (a narrow column at a large text size cut them off).
        parts = [html.escape(breakable(part)) for part in parts]
        # The colour range lives in the title: a label on the thin colour bar would
        # collide with its tick labels.
        text, target = self._title_link
        if text:
            parts.append(f"<a href='{html.escape(target)}'>{html.escape(text)}</a>")
        detail = "   ·   ".join(parts)
        self.title_label.setText(
            html.escape(self._title)
            + (f"   <span style='font-weight:normal'>{detail}</span>" if detail else "")
        )

    def _show_legend(self, stats: TensorStatistics) -> None:
        """Swatches for the values the colour scale does not cover: NaN, +Inf, -Inf."""
        palette = self.palette()
        entries = [
            (palette.color(palette.ColorRole.Mid), "NaN", stats.nan_count),
            (POSITIVE_INF_COLOUR, "+Inf", stats.positive_inf_count),
            (NEGATIVE_INF_COLOUR, "−Inf", stats.negative_inf_count),
        ]
        # Non-breaking inside an entry: a narrow column wraps between entries only.
        shown = [
            f"<span style='color:{colour.name()}'>■</span>&nbsp;{name}&nbsp;{count:,}"
            for colour, name, count in entries
            if count
        ]
        self.legend_label.setText("&nbsp;&nbsp; ".join(shown))
        self.legend_label.setVisible(bool(shown))


def _with_headroom(scale: ColourScale) -> ColourScale:
    """``scale`` widened by :data:`LIVE_SCALE_HEADROOM` (diverging ±m: ±1.1 m), so that
    the next live redraws, whose values move a little, still fit in it."""
    if scale.kind == "diverging":
        high = scale.high * LIVE_SCALE_HEADROOM
        return replace(scale, low=-high, high=high)
    if scale.kind == "sequential":
        margin = (scale.high - scale.low) * (LIVE_SCALE_HEADROOM - 1) / 2
        return replace(scale, low=scale.low - margin, high=scale.high + margin)
    return scale


def _still_fits(shown: ColourScale | None, exact: ColourScale) -> bool:
    """Whether a live panel can keep the ``shown`` scale for values whose own is ``exact``:
    alike, covering them, and not much wider (three quarters of it used)."""
    return (
        shown is not None
        and _alike(shown, exact)
        and shown.low <= exact.low
        and exact.high <= shown.high
        and exact.high - exact.low >= 0.75 * (shown.high - shown.low)
    )


def _alike(shown: ColourScale, scale: ColourScale) -> bool:
    """Whether ``scale`` is of the ``shown`` one's kind (only its range differs)."""
    return (
        shown.kind == scale.kind
        and shown.mode == scale.mode
        and shown.kind in ("diverging", "sequential")
    )


def _drawable(values: np.ndarray) -> tuple:
    """``(array to draw, note for the title)``: complex as ``|z|``, booleans as 0/1."""
    if np.iscomplexobj(values):
        return np.abs(values), "|z| of complex values"
    if values.dtype == np.bool_:
        return values.view(np.uint8), ""
    return values, ""


def _describe_without_plot(values: np.ndarray, shown: np.ndarray) -> str:
    if values.size == 0:
        shape = (
            "(" + ", ".join(str(d) for d in values.shape) + ("," if values.ndim == 1 else "") + ")"
        )
        return f"An empty array: shape {shape}, dtype {values.dtype}, no values to draw."
    with np.errstate(all="ignore"):
        value = format_value(float(shown))
    if np.iscomplexobj(values):
        return f"value = {complex(values)}\n(a scalar, dtype {values.dtype})"
    return f"value = {value}\n(a scalar, dtype {values.dtype})"
