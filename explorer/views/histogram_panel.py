"""Histogram of one array's values, the initializer's theoretical spread, and statistics.

The histogram and numbers come precomputed in a
:class:`~explorer.views.array_display.TensorStatistics` (computed once per
change of the array); this panel only draws them, updating its plot items in
place.
"""

from __future__ import annotations

import html
import math
import time
from collections import deque

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..theory import TheoreticalSpread
from .array_display import display_unit, format_value
from .array_statistics import TensorStatistics, sample_step
from .export import add_export_actions
from .flow_layout import FlowLayout
from .histogram_bars import HistogramBars
from .label_box import LabelBox
from .light_plot import CompactGraphicsView, LightPlot
from .plot_style import (
    CountAxisItem,
    TitledAxisItem,
    fill_colour,
    plot_font,
    style_axis,
    style_plot_widget,
    theory_colour,
)
from .spread_curve import spread_curve
from .statistics_table import statistics_html, statistics_rows

__all__ = ["HistogramPanel", "statistics_rows"]  # statistics_rows: from statistics_table

X_PADDING = 0.04  # of the x range, each side
COUNT_HEADROOM = 1.05  # the count axis reaches this far above the tallest bar
LIVE_COUNT_HEADROOM = 1.25  # ... while training redraws it many times a second
KEEP_AXES_FILLED = 0.75  # live: the axes stay while the data fill this much of them
# Live: the value axis reaches this share of the values' span past each end, so that
# the next updates' values (a gradient's extremes jump from step to step) stay inside
# it and its ticks need not be laid out again (they were, at 3 of 4 updates).
LIVE_X_HEADROOM = 0.1
ROLLING_SECONDS = 5.0  # a rolling x range covers the values drawn this long ago


class HistogramPanel(QWidget):
    """Histogram bars, the theoretical spread (when known) and a statistics table.

    The x range is the data's (or the range the user fixed); the
    initializer's spread is drawn where it lies inside it, and named at the
    edge with an arrow (``One: 1 →``) when it lies wholly outside. Options,
    kept per panel across redraws, from the context menu or the toggle
    buttons: a log count axis, a fixed x range (for watching training move
    the values), a rolling one (the values of the last few seconds: it grows
    at once and shrinks as old extremes age out, so a run's axis neither
    jumps at every step nor stays wide forever), and hiding the exact zeros.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._stats: TensorStatistics | None = None
        # The last statistics with sums (a live redraw's have none): the table's numbers.
        self._numbers: TensorStatistics | None = None
        self._spread: TheoreticalSpread | None = None
        self._log_counts = False
        self._hide_zeros = False
        self._fixed_range: tuple | None = None  # (low, high) in values, when fixed
        self._rolling = False
        self._recent_ranges: deque = deque()  # (time, low, high) of recent redraws
        self._x_unit = 1.0
        self._y_top: float | None = None  # top of the count axis shown (in its units)
        self._headroom = COUNT_HEADROOM
        # A view box and two axes, not a PlotWidget's PlotItem: no context menus or option
        # forms built that this plot never offers, which counts at start-up.
        count_axis, value_axis = CountAxisItem("left"), TitledAxisItem("bottom")
        for axis in (count_axis, value_axis):
            # Values and counts as they are: no "(x0.001)" in the title.
            axis.enableAutoSIPrefix(False)
        self.plot_widget = CompactGraphicsView()
        self.plot_widget.setMinimumHeight(120)
        self.plot_widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.plot_widget.customContextMenuRequested.connect(
            lambda pos: self.context_menu().exec(self.plot_widget.mapToGlobal(pos))
        )
        self.plot = LightPlot({"left": count_axis, "bottom": value_axis}, mouse_enabled=False)
        self.plot_widget.setCentralItem(self.plot)
        # One Qt path item: redrawn 30 times a second while training (see histogram_bars).
        self.bars = HistogramBars(fill_level=0.0)
        self.theory_curve = pg.PlotDataItem()
        self.plot.addItem(self.bars)
        self.plot.addItem(self.theory_curve)
        # Where the spread lies outside the x range: its name and an arrow at that edge.
        self.theory_marker = pg.TextItem(anchor=(1, 0))
        self.theory_marker.setZValue(2)
        self.theory_marker.hide()
        self.plot.addItem(self.theory_marker, ignoreBounds=True)
        # The theory's legend is a label above the plot: a legend inside the plot would
        # cover the bars in short plots. Caption and legend wrap on lines of their own,
        # so neither runs into the other at large text sizes.
        self.caption_label = QLabel()
        self.caption_label.setWordWrap(True)
        self.caption_label.setContentsMargins(4, 0, 4, 0)
        self.caption_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.theory_label = QLabel()
        self.theory_label.setWordWrap(True)
        self.theory_label.setContentsMargins(4, 0, 4, 0)
        self.theory_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.theory_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.log_button = self._toggle("log", "Count axis on a log scale", self.set_log_counts)
        self.fix_button = self._toggle(
            "fix x",
            "Keep the current x range across redraws (e.g. while training)",
            self.set_fixed_range,
        )
        self.rolling_button = self._toggle(
            "rolling",
            f"x range covering the values of the last {ROLLING_SECONDS:g} seconds: "
            "steady while training, yet following the values",
            self.set_rolling_range,
        )
        self.zeros_button = self._toggle(
            "no 0",
            "Hide the exact zeros (their spike can hide everything else)",
            self.set_hide_zeros,
        )
        # The toggles on lines of their own, wrapping: beside the caption they squeezed it
        # to a sliver, and in one row they were cut off in a narrow column at 32 pt.
        options_row = FlowLayout()
        options_row.setContentsMargins(4, 0, 4, 0)
        for button in (self.log_button, self.fix_button, self.rolling_button, self.zeros_button):
            options_row.addWidget(button)
        self.stats_label = QLabel()
        self.stats_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Ignored width: the table reflows to fewer columns instead of widening the panel.
        self.stats_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.stats_label.setWordWrap(False)
        # Below the table, wrapped: a note as wide as the table would be clipped.
        self.stats_note_label = QLabel()
        self.stats_note_label.setWordWrap(True)
        self.stats_note_label.setSizePolicy(
            QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred
        )
        self.stats_note_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.caption_label, 0)
        layout.addLayout(options_row, 0)
        layout.addWidget(self.theory_label, 0)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(LabelBox(self.stats_label), 0)  # a new table: no relayout
        layout.addWidget(self.stats_note_label, 0)
        self._apply_palette()

    def _toggle(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        button.setAutoRaise(True)
        button.toggled.connect(slot)
        return button

    # ---------------------------------------------------------------- the API
    @property
    def statistics(self) -> TensorStatistics | None:
        return self._stats

    @property
    def spread(self) -> TheoreticalSpread | None:
        return self._spread

    @property
    def log_counts(self) -> bool:
        """Whether the count axis is logarithmic."""
        return self._log_counts

    @property
    def hide_zeros(self) -> bool:
        """Whether the exact zeros are left out of the bars."""
        return self._hide_zeros

    @property
    def fixed_range(self) -> tuple | None:
        """The x range kept across redraws, or None when it follows the data."""
        return self._fixed_range

    @property
    def x_range(self) -> tuple:
        """The x range shown, in values (before the plot's padding)."""
        return self._x_range

    def set_log_counts(self, on: bool) -> None:
        self._log_counts = bool(on)
        axis = self.plot.getAxis("left")
        axis.log_counts = self._log_counts
        axis.picture = None  # its ticks are cached in a picture
        axis.update()
        self._sync_buttons()
        self._redraw()

    def set_hide_zeros(self, on: bool) -> None:
        self._hide_zeros = bool(on)
        self._sync_buttons()
        self._redraw()

    def set_fixed_range(self, on: bool | tuple) -> None:
        """Keep the x range: ``True`` keeps the one shown now, a ``(low, high)`` that one."""
        if isinstance(on, tuple):
            self._fixed_range = (float(on[0]), float(on[1]))
        elif on:
            self._fixed_range = self._fixed_range or getattr(self, "_x_range", None)
        else:
            self._fixed_range = None
        if self._fixed_range is not None:
            self._rolling = False
        self._sync_buttons()
        self._redraw()

    @property
    def rolling_range(self) -> bool:
        """Whether the x range covers the values of the last ROLLING_SECONDS."""
        return self._rolling

    def set_rolling_range(self, on: bool) -> None:
        self._rolling = bool(on)
        self._recent_ranges.clear()
        if self._rolling:
            self._fixed_range = None
        self._sync_buttons()
        self._redraw()

    def context_menu(self) -> QMenu:
        """The right-click menu: log counts, fixed x range, hide zeros; export."""
        menu = QMenu(self)
        menu.addSection("Histogram")
        for text, checked, slot in (
            ("Log count axis", self._log_counts, self.set_log_counts),
            (
                "Fixed x range (keep across redraws)",
                self._fixed_range is not None,
                self.set_fixed_range,
            ),
            ("Rolling x range (the last seconds' values)", self._rolling, self.set_rolling_range),
            ("Hide exact zeros", self._hide_zeros, self.set_hide_zeros),
        ):
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(checked)
            action.toggled.connect(slot)
        add_export_actions(menu, self.plot_widget, "histogram")
        return menu

    def show_statistics(
        self,
        stats: TensorStatistics,
        spread: TheoreticalSpread | None = None,
        decorate: bool = True,
        live: bool = False,
    ) -> None:
        """Draw the histogram of ``stats`` and, when given, the theoretical ``spread``.

        ``decorate=False`` (a live redraw, many a second) draws the bars only,
        in the axes' current range (a bar outside it is cut), and leaves the
        range, the spread's curve, the caption and the statistics table to
        the next :meth:`decorate`: re-laying out the table and recomputing
        the axes' ticks cost more than the bars, and nobody reads numbers
        that change 30 times a second. ``live``: training runs (see :meth:`decorate`).
        """
        self._stats, self._spread = stats, spread
        if stats.has_sums:
            self._numbers = stats
        if not decorate and self._has_range_for(stats):
            self._draw_bars()
            return
        self.decorate(live=live or not decorate)

    def decorate(self, live: bool = False) -> None:
        """Draw everything for the statistics shown: bars, spread, range, caption, table.

        ``live``: counts jitter from step to step, so the count axis gets
        :data:`LIVE_COUNT_HEADROOM` above the tallest bar, and the next
        redraws can keep it.
        """
        stats = self._stats
        if stats is None:
            return
        self._headroom = LIVE_COUNT_HEADROOM if live else COUNT_HEADROOM
        if live and self._axes_still_fit(stats):
            # The axes stay (their ticks are laid out again only when they change).
            self._draw_bars()
            self._draw_spread()
            self.caption_label.setText(self._caption())
        else:
            self._redraw()
        self.stats_label.setText(self._statistics_html())
        self.stats_note_label.setVisible(bool(stats.nan_count or stats.inf_count))

    def clear(self) -> None:
        self._stats = self._spread = self._numbers = None
        self._y_top = None
        self.bars.set_bars([], [])
        self.theory_curve.setData([], [])
        self.theory_marker.hide()
        self.theory_label.clear()
        self.caption_label.clear()
        self.stats_label.clear()
        self.stats_note_label.hide()

    # ---------------------------------------------------------------- drawing
    def _sync_buttons(self) -> None:
        for button, on in (
            (self.log_button, self._log_counts),
            (self.fix_button, self._fixed_range is not None),
            (self.rolling_button, self._rolling),
            (self.zeros_button, self._hide_zeros),
        ):
            button.blockSignals(True)
            button.setChecked(on)
            button.blockSignals(False)

    def _redraw(self) -> None:
        stats = self._stats
        if stats is None:
            return
        if self._fixed_range is not None and stats.finite_count:
            low, high = self._fixed_range
        elif stats.finite_count:
            low, high = float(stats.edges[0]), float(stats.edges[-1])
            if self._headroom == LIVE_COUNT_HEADROOM:  # a live redraw (see decorate)
                margin = (high - low) * LIVE_X_HEADROOM
                low, high = low - margin, high + margin
            if self._rolling:
                low, high = self._rolled(low, high)
        else:
            low, high = -1.0, 1.0
        self._x_range = (low, high)
        self._x_unit = display_unit(max(abs(low), abs(high)))
        self._set_value_title()
        counts = self._draw_bars()
        self.bars.set_fill_level(self._count_floor())
        self._draw_spread()
        self._fit_range(counts)
        self.caption_label.setText(self._caption())

    def _rolled(self, low: float, high: float) -> tuple:
        """``(low, high)`` widened to every range drawn in the last ROLLING_SECONDS."""
        now = time.monotonic()
        recent = self._recent_ranges
        recent.append((now, low, high))
        while recent and recent[0][0] < now - ROLLING_SECONDS:
            recent.popleft()
        return min(r[1] for r in recent), max(r[2] for r in recent)

    def _draw_bars(self) -> np.ndarray:
        """Set the bars to the statistics' counts (in the current x unit); the counts."""
        stats = self._stats
        if not stats.finite_count:
            self.bars.set_bars([], [])
            return np.zeros(0)
        counts = (
            stats.counts_without_zeros()
            if self._hide_zeros
            else np.asarray(stats.counts, dtype=np.float64)
        )
        self.bars.set_bars(stats.edges / self._x_unit, self._count_y(counts))
        return counts

    def _axes_still_fit(self, stats: TensorStatistics) -> bool:
        """Whether the x and count axes shown still frame ``stats`` well (live redraws).

        They do while the bars lie inside them and fill most of them: weights move
        little between two live updates, and new ticks would cost more than bars.
        """
        if (
            self._y_top is None
            or not stats.finite_count
            or self._fixed_range is not None
            or self._rolling  # (the range follows the recent values: redraw it)
            or self._log_counts
        ):
            return False
        low, high = self._x_range
        first, last = float(stats.edges[0]), float(stats.edges[-1])
        span = high - low
        if not (low - X_PADDING * span <= first and last <= high + X_PADDING * span):
            return False
        if last - first < KEEP_AXES_FILLED * span:
            return False
        if display_unit(max(abs(first), abs(last))) != self._x_unit:
            return False
        counts = stats.counts_without_zeros() if self._hide_zeros else stats.counts
        top = float(np.max(counts)) if len(counts) else 0.0
        return KEEP_AXES_FILLED * self._y_top <= top * LIVE_COUNT_HEADROOM <= self._y_top * 1.1

    def _has_range_for(self, stats: TensorStatistics) -> bool:
        """Whether the axes shown can take ``stats``'s bars (fitted once, same x unit)."""
        if not stats.finite_count or self._y_top is None:
            return False
        first, last = float(stats.edges[0]), float(stats.edges[-1])
        return display_unit(max(abs(first), abs(last))) == self._x_unit

    def _count_floor(self) -> float:
        """Where the bars start: 0, or on a log axis half a count (below a single one)."""
        return math.log10(0.5) if self._log_counts else 0.0

    def _count_y(self, counts: np.ndarray) -> np.ndarray:
        if not self._log_counts:
            return counts
        floor = self._count_floor()
        with np.errstate(divide="ignore"):
            return np.where(counts > 0.5, np.log10(np.maximum(counts, 0.5)), floor)

    def _set_value_title(self) -> None:
        title = "value" if self._x_unit == 1.0 else f"value (×{self._x_unit:.0e})"
        if title != getattr(self, "_value_title", None):
            self._value_title = title
            style_axis(self.plot.getAxis("bottom"), self.palette(), title)

    def _draw_spread(self) -> None:
        stats, spread = self._stats, self._spread
        self.theory_marker.hide()
        if spread is None or not stats.finite_count:
            self.theory_curve.setData([], [])
            self.theory_label.clear()
            return
        low, high = self._x_range
        x, y = spread_curve(stats, spread, self._x_range)
        t_low, t_high = spread.extent()
        outside = t_high < low or t_low > high
        if outside or x is None:
            self.theory_curve.setData([], [])
        else:
            inside = (x >= low) & (x <= high)
            # Clip to the range: keep the points inside plus the edges' interpolated values.
            x_in = np.concatenate([[low], x[inside], [high]])
            y_in = np.interp(x_in, x, y, left=0.0, right=0.0)
            if spread.kind == "constant":
                x_in, y_in = x, y
            self.theory_curve.setData(x_in / self._x_unit, self._count_y(y_in))
        colour = theory_colour(self.palette())
        name = html.escape(spread.label)
        self.theory_label.setText(
            f"<span style='color:{colour.name()}'><b>- - -</b> "
            f"{name}{' (outside the x range)' if outside else ''}"
            f"</span>"
        )
        self.theory_label.setToolTip(
            "The spread the initializer gives this shape"
            + (" (approximate)" if spread.approximate else "")
            + ", scaled to the histogram's counts"
        )
        if outside:
            right = t_low > high
            self.theory_marker.setColor(colour)
            self.theory_marker.fill = pg.mkBrush(
                self.palette().color(self.palette().ColorRole.Window)
            )
            self.theory_marker.setText(f"{spread.label} →" if right else f"← {spread.label}")
            self.theory_marker.setAnchor((1, 0) if right else (0, 0))
            self._marker_at_right = right
            self.theory_marker.show()

    def _fit_range(self, counts: np.ndarray) -> None:
        low, high = self._x_range
        unit = self._x_unit
        top = float(np.max(counts)) if counts.size else 1.0
        _, curve_y = self.theory_curve.getData()
        curve_top = float(np.max(curve_y)) if curve_y is not None and len(curve_y) else None
        self.plot.setXRange(low / unit, high / unit, padding=X_PADDING)
        if self._log_counts:
            y_top = math.log10(max(top, 1.0))
            if curve_top is not None:
                y_top = max(y_top, curve_top)
            self._y_top = y_top + 0.15 + math.log10(self._headroom / COUNT_HEADROOM)
            self.plot.setYRange(self._count_floor(), self._y_top, padding=0)
        else:
            if curve_top is not None:
                top = max(top, curve_top)
            y_top = max(top, 1.0) * self._headroom
            self.plot.setYRange(0, y_top, padding=0)
            self._y_top = y_top
        if self.theory_marker.isVisible():
            margin = 0.04 * (high - low) / unit
            x = high / unit + margin if self._marker_at_right else low / unit - margin
            self.theory_marker.setPos(x, y_top)

    def _statistics_html(self) -> str:
        return statistics_html(self._numbers, self.stats_label, self.palette(), self.width())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._numbers is not None:
            text = self._statistics_html()
            if text != self.stats_label.text():
                self.stats_label.setText(text)

    def _caption(self) -> str:
        stats = self._stats
        bins = len(stats.counts)
        if stats.is_sampled:
            # Sampled more finely than any array is outside a run: live bars (see
            # LIVE_SAMPLE_LIMIT); Pause brings the exact ones back.
            live = stats.sample_step > sample_step(stats.shape)
            text = (
                "while training: a" if live else "histogram of a"
            ) + f" 1/{stats.sample_step} sample of {stats.finite_count:,} values, {bins} bins"
        else:
            text = f"histogram of {stats.finite_count:,} values, {bins} bins"
        numbers = self._numbers if self._numbers is not None else stats
        if self._hide_zeros and numbers.has_sums and numbers.zero_fraction:
            text += f"; zeros hidden ({100.0 * numbers.zero_fraction:.1f}%)"
        if self._log_counts:
            text += "; log counts"
        if self._fixed_range is not None:
            low, high = self._fixed_range
            text += "; x range fixed"
            if stats.finite_count and (stats.min < low or stats.max > high):
                text += f" (values reach {format_value(stats.min)} … {format_value(stats.max)})"
        return text

    # ------------------------------------------------------------------- theming
    def changeEvent(self, event) -> None:
        # Qt sends palette events while the base class is still being built.
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange) and hasattr(
            self, "stats_label"
        ):
            self._apply_palette()
        super().changeEvent(event)

    def _apply_palette(self) -> None:
        palette = self.palette()
        style_plot_widget(self.plot_widget, palette)
        # The titles are set here only, once per palette or font.
        style_axis(self.plot.getAxis("left"), palette, "count")
        self._value_title = None
        self._x_unit = getattr(self, "_x_unit", 1.0)
        self._set_value_title()
        fill = fill_colour(palette)
        self.bars.setPen(pg.mkPen(palette.color(palette.ColorRole.Highlight), width=1))
        self.bars.setBrush(pg.mkBrush(fill))
        self.theory_curve.setPen(
            pg.mkPen(theory_colour(palette), width=2, style=Qt.PenStyle.DashLine)
        )
        self.theory_marker.setFont(plot_font())
        self.stats_note_label.setText("mean, std, min, max, norm and histogram: finite values only")
        for label in (
            self.stats_label,
            self.stats_note_label,
            self.caption_label,
            self.theory_label,
        ):
            label.setFont(plot_font())
        for button in (self.log_button, self.fix_button, self.zeros_button):
            button.setFont(plot_font(0.9))
        if self._stats is not None:
            if self._numbers is not None:
                self.stats_label.setText(self._statistics_html())
            self._redraw()
