"""A live curve's x axis that grows in round steps instead of with every point.

Fitting the x range to the last step moved it at every redraw of a loss
curve, and pyqtgraph laid the axis's ticks out again each time (in the GUI
thread, which shares the cores and the GIL with the training worker). The
range here ends at the next round number past the data (1, 1.5, 2, 3, 4, 5,
6 or 8 times a power of ten), so the curve fills two thirds of the plot or
more and the axis changes a few times per decade. Zooming or panning by
hand stops the following; the plot's "A" (auto range) button resumes it.
"""

from __future__ import annotations

import math

__all__ = ["GrowingXRange", "round_end"]

ROUND_STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
SMALLEST_END = 10.0


def round_end(x: float) -> float:
    """The smallest round number (see the module docstring) ≥ ``x``, at least 10."""
    if not math.isfinite(x) or x <= SMALLEST_END:
        return SMALLEST_END
    scale = 10.0 ** math.floor(math.log10(x))
    for step in ROUND_STEPS:
        if step * scale >= x:
            return step * scale
    return 10.0 * scale


class GrowingXRange:
    """Keeps a pyqtgraph plot's x range at ``[0, round_end(last x)]`` while it follows."""

    def __init__(self, plot_item) -> None:
        self.view = plot_item.getViewBox()
        self.following = True
        self._end: float | None = None
        self.view.sigRangeChangedManually.connect(self._moved_by_hand)

    @property
    def end(self) -> float | None:
        """Where the x range ends now (None before the first point)."""
        return self._end

    def follow(self, last_x: float) -> None:
        """Show ``[0, last_x]`` (and a little room) unless the user has moved the plot."""
        view = self.view
        if view.state["autoRange"][0]:  # the "A" button: follow again (and not pyqtgraph)
            self.following, self._end = True, None
        if not self.following:
            return
        end = round_end(last_x)
        if end != self._end:
            self._end = end
            view.enableAutoRange(x=False)
            view.setXRange(0.0, end, padding=0.02)

    def _moved_by_hand(self, mask) -> None:
        if mask[0]:
            self.following = False
