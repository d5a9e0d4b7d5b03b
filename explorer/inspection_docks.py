"""The inspection views in the main window: values grid, compare, graph, activations.

Kept out of ``main_window.py`` (which calls :func:`build_inspection_views`
once): it makes the views, puts them in docks (and the grid in a tab beside
the heatmaps), adds their toggles to the View menu and connects them to the
watcher's events. Like the window, it knows the views' public methods only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget

from .views.activations_view import ActivationsView
from .views.compare_view import CompareView
from .views.dock_title_bar import scaled_dock
from .views.gradient_split_view import GradientSplitView
from .views.graph_view import GraphView
from .views.on_screen import catch_up_when_raised
from .views.values_grid import ValuesGrid

__all__ = ["InspectionViews", "build_inspection_views"]


class InspectionViews:
    """The inspection views of one window, and how they hear of changes.

    Attributes
    ----------
    values_grid : ValuesGrid
        A "Numbers" tab beside the tensor view's heatmaps.
    compare_view : CompareView
        Pin / compare with…, in the "Compare" dock.
    graph_view : GraphView
        The traced data-flow graph, in the "Graph" dock; a click selects a block.
    activations_view : ActivationsView
        The input batch and each layer's output, in the "Activations" dock.
    gradient_split_view : GradientSplitView
        Each use's part of a shared parameter's gradient ("Gradient split" dock,
        brought forward the first time a tied parameter is selected).
    """

    def __init__(self, window) -> None:
        self.window = window
        session, watcher = window.session, window.watcher
        self.session = session
        self.values_grid = ValuesGrid(session, window)
        window.tensor_view.add_page("Numbers", self.values_grid)
        self.values_grid.set_command_runner(window._guarded)
        self.values_grid.edit_refused.connect(
            lambda text: window.statusBar().showMessage(text, 8000)
        )
        self.values_grid.edited.connect(lambda _code: window.refresh_views())
        watcher.values_changed.connect(self.values_grid.values_changed)
        watcher.structure_changed.connect(self._structure_changed)
        watcher.selection_changed.connect(self._selection_changed)
        self.docks = []
        self.actions = {}
        self._placed = []
        self.compare_view = CompareView(session, window)
        self.compare_dock = self._dock("Compare", self.compare_view)
        watcher.values_changed.connect(self.compare_view.values_changed)
        self.graph_view = GraphView(session, window)
        self.graph_dock = self._dock("Graph", self.graph_view)
        self.graph_view.node_clicked.connect(window.select)
        watcher.structure_changed.connect(self.graph_view.structure_changed)
        watcher.values_changed.connect(self.graph_view.values_changed)
        self.activations_view = ActivationsView(session, window)
        self.activations_dock = self._dock("Activations", self.activations_view)
        watcher.structure_changed.connect(self.activations_view.structure_changed)
        watcher.values_changed.connect(self.activations_view.values_changed)
        self.gradient_split_view = GradientSplitView(session, window)
        self.gradient_split_dock = self._dock("Gradient split", self.gradient_split_view)
        watcher.values_changed.connect(self.gradient_split_view.values_changed)
        self._split_shown_once = False

    def _dock(self, title: str, widget) -> QDockWidget:
        """A dock for the right side, placed there only when first shown.

        Docks added hidden at start-up changed how the window shares its width
        (``resizeDocks`` no longer widened the tree), so a dock joins the layout
        the first time View → ``title`` (or :meth:`show_dock`) asks for it, tabbed
        with the inspection docks already placed.
        """
        window = self.window
        dock = scaled_dock(title, window)
        dock.setObjectName(title.replace(" ", "_"))
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        dock.hide()
        catch_up_when_raised(dock)
        action = QAction(title, window)
        action.setCheckable(True)
        action.toggled.connect(lambda on, d=dock: self.show_dock(d) if on else d.hide())
        # Checked while the dock is open (also when tabbed behind another); closing it
        # with its ✕ unchecks it.
        dock.visibilityChanged.connect(lambda _v, d=dock, a=action: a.setChecked(not d.isHidden()))
        self.docks.append(dock)
        self.actions[title] = action
        # In the View menu, in the order built, in a group of their own between the
        # panels (Blocks ... Histograms) and the text-size entries.
        view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
        actions = view_menu.actions()
        larger_text = next(i for i, a in enumerate(actions) if a.text() == "&Larger text")
        text_size_separator = actions[larger_text - 1]
        if len(self.docks) == 1:
            view_menu.insertSeparator(text_size_separator)
        view_menu.insertAction(text_size_separator, action)
        return dock

    def show_dock(self, dock) -> None:
        """Show ``dock`` in front of its tab group (what its View-menu toggle does)."""
        window = self.window
        if dock not in self._placed:
            window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            shown = [d for d in self._placed if not d.isHidden() and not d.isFloating()]
            if shown:
                window.tabifyDockWidget(shown[0], dock)
            self._placed.append(dock)
        dock.show()
        dock.raise_()
        self._widen(dock)

    def _widen(self, dock) -> None:
        """A dock shown at its narrow default gets up to 40 % of the window (≥ 340 px),
        leaving the tensor view what it can."""
        window = self.window
        if dock.isFloating() or dock.width() >= 330:
            return
        room = window.width() - window.tree_dock.width() - 480
        wanted = max(340, min(int(window.width() * 0.4), room))
        window.resizeDocks([dock], [wanted], Qt.Orientation.Horizontal)

    # ------------------------------------------------------------------ events
    def _selection_changed(self, _path) -> None:
        self._show_selected()

    def _structure_changed(self) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        param = self.session.selected_parameter()
        if param is None:
            self.values_grid.clear()
        else:
            self.values_grid.show_parameter(param, self.session.selected_path)
        self.compare_view.show_parameter(param, self.session.selected_path)
        self.compare_view.structure_changed()
        self.graph_view.show_selection(self.session.selected_path)
        self.gradient_split_view.show_parameter(param, self.session.selected_path)
        if param is not None and self._is_tied(param) and not self._split_shown_once:
            # The first tied parameter selected brings the split forward; after that the
            # dock stays where the user put it (closed included).
            self._split_shown_once = True
            self.show_dock(self.gradient_split_dock)

    def _is_tied(self, param) -> bool:
        return sum(1 for n in self.session.tree().walk() if n.is_param and n.obj is param) > 1


def build_inspection_views(window) -> InspectionViews:
    """Make the inspection views of ``window`` (a MainWindow) and connect them."""
    return InspectionViews(window)
