"""``BlockTreeView``: the block tree with its regex filter box and context menu."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .block_tree_model import (
    COL_DTYPE,
    COL_GRAD,
    COL_INIT,
    COL_LABEL,
    COL_NAME,
    COL_PATH,
    COL_SHAPE,
    COL_SIZE,
    COL_TIE,
    COLUMNS,
    NODE_ROLE,
    PATH_ROLE,
    BlockTreeModel,
)
from .tie_drag_tree import TieDragTree

__all__ = ["BlockTreeView"]

# Hidden until the user picks them (header context menu): the rest fits the default
# tree width. Their values are in each row's tooltip.
OPTIONAL_COLUMNS = (COL_DTYPE, COL_INIT, COL_GRAD, COL_PATH, COL_TIE)

# Above this many rows a new model opens expanded two levels deep, not fully.
EXPAND_ALL_LIMIT = 400


class BlockTreeView(QWidget):
    """A filter box over a tree of blocks and parameters.

    Signals
    -------
    path_selected(str)
        The user selected the row with this access path.
    totals_changed(object)
        New element counts (``TreeTotals``) after a change.
    tie_requested(str, str)
        A row was dropped on a block: ``(target_path, source_path)``.
    untie_requested(str)
        Untie, from a block's or a tied parameter's context menu.
    initialize_requested(str)
        Initialize…, from the context menu: a parameter's or block's path.
    filter_requested(str)
        The user typed a filter (``''`` when cleared); the window matches it
        (``session.filter_parameters``) and answers with :meth:`show_filter`
        or :meth:`show_filter_error`.
    """

    path_selected = Signal(str)
    filter_requested = Signal(str)
    totals_changed = Signal(object)
    tie_requested = Signal(str, str)
    untie_requested = Signal(str)
    initialize_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = BlockTreeModel(self)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter: regex, as in net.collect_params('.*weight')")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip(
            "A regular expression matched at the start of each full parameter name, "
            "exactly like net.collect_params(select). Example: .*weight|dense0_.*"
        )
        self.filter_error = QLabel(self)
        self.filter_error.setWordWrap(True)
        self.filter_error.hide()
        self.tree = TieDragTree(self)
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        for column in OPTIONAL_COLUMNS:
            self.tree.setColumnHidden(column, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self._filter_row = QHBoxLayout()
        self._filter_row.setSpacing(4)
        self._filter_row.addWidget(self.filter_edit, 1)
        layout.addLayout(self._filter_row)
        layout.addWidget(self.filter_error)
        layout.addWidget(self.tree)

        # Typing waits a moment so a half-typed regex does not flash errors.
        self._filter_timer = QTimer(self, singleShot=True, interval=250)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda _: self._filter_timer.start())
        self.filter_edit.returnPressed.connect(self.apply_filter)
        self.model.filter_failed.connect(self._show_filter_error)
        self.model.totals_changed.connect(self.totals_changed)
        self.model.tie_dropped.connect(self.tie_requested)
        # Shown by the window (status bar): a label here would shift the rows mid-drag.
        self.drop_hint = self.tree.drop_hint
        self.model.modelAboutToBeReset.connect(self._remember_view_state)
        self.model.modelReset.connect(self._restore_view_state)
        self.tree.selectionModel().currentRowChanged.connect(self._current_changed)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        copy = QAction("Copy access path", self, shortcut=QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        copy.triggered.connect(self.copy_current_path)
        self.tree.addAction(copy)
        self._expanded: set[str] | None = None
        self._known_paths: set[str] = set()
        self._current_path: str | None = None
        self._net_id = None

    # ----------------------------------------------------------------- public
    def set_tree(self, tree) -> None:
        """Show the session's tree (a new model, or the open one after a structural change)."""
        self.model.set_tree(tree)

    def parameters_changed(self, params) -> None:
        """The watcher saw these parameters written: repaint the rows whose text changed."""
        self.model.parameters_changed(params)

    def totals(self):
        """Element counts of the shown model (``TreeTotals``), or None."""
        return self.model.totals()

    def add_tool_button(self, action) -> QToolButton:
        """A button for ``action`` beside the filter box (acts on the selection or filter)."""
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._filter_row.addWidget(button)
        return button

    def set_tie_checker(self, checker) -> None:
        """``checker(target_path, source_path)`` says why a tie would fail (None: it works)."""
        self.model.tie_checker = checker

    def highlight(self, param) -> None:
        """Shade every row that uses ``param`` (all users of a tied parameter)."""
        self.model.highlight(param)

    def focus_tree(self) -> None:
        self.tree.setFocus()

    def focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def filter_text(self) -> str:
        return self.filter_edit.text().strip()

    def apply_filter(self) -> None:
        """Ask for the filter box's text to be applied (see ``filter_requested``)."""
        self._filter_timer.stop()
        text = self.filter_text()
        if text == self.model.filter() and self.filter_error.isHidden():
            return
        self.filter_requested.emit(text)

    def show_filter(self, text: str, selected_params=None) -> None:
        """Show the rows of ``selected_params`` (what ``collect_params(text)`` returns)."""
        self.model.set_filter(text, selected_params if text else None)
        self.filter_error.hide()
        self.filter_edit.setStyleSheet("")
        self.tree.expandAll()
        if text and self.model.net() is not None and not self.model.shown_parameters():
            self._show_no_match_hint(text)

    def show_filter_error(self, message: str) -> None:
        """The filter could not be applied (invalid or too slow): red message, tree unchanged."""
        self._show_filter_error(message)

    def select_path(self, path: str | None) -> None:
        """Select (and scroll to) the row of ``path`` without emitting ``path_selected``."""
        self._current_path = path
        index = self.model.index_for_path(path) if path else QModelIndex()
        selection = self.tree.selectionModel()
        if not index.isValid():
            selection.clearSelection()
            return
        parent = index.parent()
        while parent.isValid():
            self.tree.expand(parent)
            parent = parent.parent()
        # After a model reset the current index can still compare equal (same row and
        # id) while the selection is gone: the row showed only its "in use" shading.
        if self.tree.currentIndex() != index or not selection.isSelected(index):
            self.blockSignals(True)
            try:
                selection.setCurrentIndex(
                    index, selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows
                )
            finally:
                self.blockSignals(False)
        self.tree.scrollTo(index)

    def current_path(self) -> str | None:
        index = self.tree.currentIndex()
        return index.data(PATH_ROLE) if index.isValid() else None

    def copy_current_path(self) -> None:
        node = self.tree.currentIndex().data(NODE_ROLE)
        if node is not None:
            QGuiApplication.clipboard().setText(self._code_path(node))

    # ---------------------------------------------------------------- private
    @staticmethod
    def _code_path(node) -> str:
        return f"{node.path}.data()" if node.is_param else node.path

    def _show_no_match_hint(self, text: str) -> None:
        shown = text if len(text) <= 60 else text[:57] + "…"
        names = list(self.model.net().collect_params().keys())
        example = names[0] if names else "dense0_weight"
        self.filter_error.setStyleSheet("")
        self.filter_error.setText(
            f"No parameter name matches re.match({shown!r}) — names start with the block "
            f"prefix ({example}); try {'.*' + shown!r}"
        )
        self.filter_error.show()

    def visible_columns(self) -> list[str]:
        """Titles of the columns shown, left to right."""
        return [
            COLUMNS[c] for c in range(self.model.columnCount()) if not self.tree.isColumnHidden(c)
        ]

    def set_column_visible(self, column: int, visible: bool) -> None:
        """Show or hide a column (also the header's context menu)."""
        self.tree.setColumnHidden(column, not visible)
        if visible:
            self.tree.resizeColumnToContents(column)

    def _header_menu(self, pos) -> None:
        menu = QMenu(self)
        for column, title in enumerate(COLUMNS):
            if column == COL_LABEL:
                continue
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not self.tree.isColumnHidden(column))
            action.toggled.connect(lambda on, c=column: self.set_column_visible(c, on))
        menu.exec(self.tree.header().viewport().mapToGlobal(pos))

    def fitted_width(self) -> int:
        """Pixels the tree needs to show its visible columns without a scroll bar."""
        columns = sum(
            self.tree.columnWidth(c)
            for c in range(self.model.columnCount())
            if not self.tree.isColumnHidden(c)
        )
        return columns + self.tree.verticalScrollBar().sizeHint().width() + 16

    def _show_filter_error(self, message: str) -> None:
        self.filter_error.setStyleSheet("color: #e0413a;")
        self.filter_error.setText(message)
        self.filter_error.show()
        self.filter_edit.setStyleSheet("QLineEdit { color: #e0413a; border: 1px solid #e0413a; }")

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        path = current.data(PATH_ROLE) if current.isValid() else None
        if path and path != self._current_path:
            self._current_path = path
            self.path_selected.emit(path)

    def _remember_view_state(self) -> None:
        same_net = self._net_id == id(self.model.net())
        self._expanded = set() if same_net else None
        root = self.model.root()
        self._known_paths = {n.path for n in root.walk()} if same_net and root else set()
        if same_net:
            for path in self._expanded_paths(QModelIndex()):
                self._expanded.add(path)

    def _expanded_paths(self, parent: QModelIndex):
        for row in range(self.model.rowCount(parent)):
            index = self.model.index(row, 0, parent)
            if self.tree.isExpanded(index):
                yield index.data(PATH_ROLE)
                yield from self._expanded_paths(index)

    def _restore_view_state(self) -> None:
        self._net_id = id(self.model.net())
        if self._expanded is None or self.model.filter():
            rows = sum(1 for n in self.model.root().walk()) if self.model.root() else 0
            if rows <= EXPAND_ALL_LIMIT:
                self.tree.expandAll()
            else:
                # Measuring thousands of rows would take longer than building them.
                self.tree.expandToDepth(1)
                for column, width in zip(
                    (COL_LABEL, COL_NAME, COL_SHAPE, COL_SIZE), (230, 130, 90, 70)
                ):
                    self.tree.setColumnWidth(column, width)
        else:
            for path in self._expanded:
                self.tree.expand(self.model.index_for_path(path))
            # Blocks that just appeared (net.add in the console) open, so their rows show.
            for node in self.model.root().walk() if self.model.root() else ():
                if node.is_block and node.path not in self._known_paths:
                    index = self.model.index_for_path(node.path)
                    self.tree.expand(index)
                    parent = index.parent()
                    while parent.isValid():
                        self.tree.expand(parent)
                        parent = parent.parent()
        # Every structural change: a deferred shape just became known, a layer was added.
        rows = sum(1 for n in self.model.root().walk()) if self.model.root() else 0
        if rows <= EXPAND_ALL_LIMIT:
            self.fit_columns()
        if self._current_path:
            self.select_path(self._current_path)

    def fit_columns(self) -> None:
        """Each visible column as wide as its widest cell (header included)."""
        for column in range(self.model.columnCount()):
            if not self.tree.isColumnHidden(column):
                self.tree.resizeColumnToContents(column)

    def _context_menu(self, pos) -> None:
        index = self.tree.indexAt(pos)
        node = index.data(NODE_ROLE) if index.isValid() else None
        if node is None:
            return
        menu = QMenu(self)
        code = self._code_path(node)
        menu.addAction(
            f"Copy access path   {code}", lambda: QGuiApplication.clipboard().setText(code)
        )
        name = node.obj.name
        menu.addAction(f"Copy name   {name}", lambda: QGuiApplication.clipboard().setText(name))
        menu.addSeparator()
        what = "parameter" if node.is_param else ("net" if node.parent is None else "block")
        menu.addAction(
            f"Initialize {what}…   {node.path}", lambda: self.initialize_requested.emit(node.path)
        )
        block = node if node.is_block else node.parent
        tied = any(
            n.tied_to is not None or _is_shared_name(n, block) for n in block.children if n.is_param
        )
        if tied and block.parent is not None:
            menu.addAction(
                f"Untie {block.path} (own copies of the values)",
                lambda: self.untie_requested.emit(block.path),
            )
        menu.exec(self.tree.viewport().mapToGlobal(pos))


def _is_shared_name(node, block) -> bool:
    """A parameter whose name is not its block's own (it came from ``params=`` or a tie)."""
    return not node.obj.name.startswith(block.obj.prefix)
