"""``TrainingDocks``: the training panel and the diagnostics views, docked as tabs on the right.

Kept out of the main window so that the window only creates this object,
lists its docks in the View menu and stops it on close. The docks stay
hidden until a data set is chosen (then they appear once, with the training
panel in front); View → Training shows them at any time.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer

from .comparison_view import ComparisonView
from .depth_profile_view import DepthProfileView
from .histogram_strip_view import HistogramStripView
from .training_panel import TrainingPanel

__all__ = ["TrainingDocks"]

AREA = Qt.DockWidgetArea.RightDockWidgetArea
SHARE_OF_WIDTH = 0.42  # of a wide window; less of a small one
SMALL_WINDOW_SHARE = 0.36
SMALL_WINDOW = 1400
TREE_SHARE = 0.2


class TrainingDocks:
    """Builds the training views in ``window``'s right dock area and connects them.

    ``window`` provides ``session``, ``watcher``, ``_dock(title, widget, area)``
    and a status bar.
    """

    def __init__(self, window) -> None:
        self.window = window
        session = window.session
        self.training_panel = TrainingPanel(session, window)
        self.depth_profile_view = DepthProfileView(session, window)
        self.comparison_view = ComparisonView(session, window)
        self.histogram_strip_view = HistogramStripView(session, window)
        self.training_dock = window._dock("Training", self.training_panel, AREA)
        self.depth_profile_dock = window._dock("Depth profile", self.depth_profile_view, AREA)
        self.comparison_dock = window._dock("Compare inits", self.comparison_view, AREA)
        self.histogram_strip_dock = window._dock("Histograms", self.histogram_strip_view, AREA)
        self.docks = [
            self.training_dock,
            self.depth_profile_dock,
            self.comparison_dock,
            self.histogram_strip_dock,
        ]
        # Hidden first, then tabbed: tabbing them while shown made a tab bar that Qt
        # later left visible over the tensor view, relabelled "Code log | History".
        for dock in self.docks:
            dock.hide()
        for dock in self.docks[1:]:
            window.tabifyDockWidget(self.training_dock, dock)
        self._shown_once = False
        # Each time the training docks open (View → Training too, not only the first
        # data set) they take their share of the width, not the loss plot's wide hint
        # (750 of 1024 px, the tree and tensor view squeezed to slivers).
        self._width_fitted = False
        self.training_dock.visibilityChanged.connect(self._fit_width_when_opened)
        w = window.watcher
        w.training_changed.connect(self._show_once)
        w.training_changed.connect(self.training_panel.training_changed)
        w.training_changed.connect(self.depth_profile_view.training_changed)
        w.training_changed.connect(self.histogram_strip_view.training_changed)
        w.selection_changed.connect(self.histogram_strip_view.selection_changed)
        self.histogram_strip_view.scrubbed.connect(window.tensor_view.show_past)
        w.training_changed.connect(
            lambda: window.tensor_view.offer_last_update(session.training.step_count > 0)
        )
        self.histogram_strip_dock.visibilityChanged.connect(
            self.histogram_strip_view.dock_visibility_changed
        )
        self.training_panel.error_shown.connect(self._show_error_in_status_bar)

    def _show_error_in_status_bar(self, text: str) -> None:
        first = text.strip().splitlines()[0] if text.strip() else ""
        if first.endswith(":"):  # the details follow in the panel, not here
            first = f"{first[:-1]}: see the Training panel"
        self.window.statusBar().showMessage(first, 10000)

    def _show_once(self) -> None:
        """The first data set chosen shows the docks, the training panel in front."""
        window = self.window
        if self._shown_once or window.session.training.data is None:
            return
        self._shown_once = True
        for dock in self.docks:
            dock.show()
        self.training_dock.raise_()  # showing it fits the width (_fit_width_when_opened)

    def _fit_width_when_opened(self, visible: bool) -> None:
        if visible and not self._width_fitted:
            self._width_fitted = True
            QTimer.singleShot(0, self._fit_width)
        elif not visible and self.training_dock.isHidden():  # closed, not tabbed away
            self._width_fitted = False

    def _fit_width(self) -> None:
        window = self.window
        width = window.width()
        share = SHARE_OF_WIDTH if width >= SMALL_WINDOW else SMALL_WINDOW_SHARE
        # The tree keeps a fifth of the width: the new dock's room comes out of the
        # tensor view too, not only out of the tree (squeezed to 100 px at 1024).
        tree = max(window.tree_dock.width(), int(width * TREE_SHARE))
        window.resizeDocks(
            [window.tree_dock, self.training_dock],
            [tree, int(width * share)],
            Qt.Orientation.Horizontal,
        )

    def stop(self) -> None:
        """Stop training and a running comparison (the window is closing)."""
        self.window.session.pause_training()
        self.comparison_view.stop()
