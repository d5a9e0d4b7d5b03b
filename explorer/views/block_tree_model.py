"""``BlockTreeModel``: the block tree of a model as a ``QAbstractItemModel``.

An adapter over :mod:`explorer.core.block_tree` nodes: one row per block and per
parameter, with columns for the Gluon name, shape, size, dtype, initializer,
grad_req, access path and the tie badge. The model holds no values and polls
nothing: the window hands it the session's tree after a structural change
(:meth:`BlockTreeModel.set_tree`) and the parameters the watcher saw written
(:meth:`BlockTreeModel.parameters_changed`), and it repaints only the rows
whose shown text changed (no column shows values, so a training step repaints
nothing).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QAbstractItemModel, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from ..core.block_tree import (
    TreeNode,
    TreeTotals,
    filter_tree,
    shape_text,
    subtree_sizes,
    totals,
)

__all__ = ["BlockTreeModel", "COLUMNS", "PATH_ROLE", "NODE_ROLE"]

COLUMNS = (
    "Block / parameter",
    "Gluon name",
    "Shape",
    "Size",
    "dtype",
    "Init",
    "grad_req",
    "Access path",
    "Tied",
)
COL_LABEL, COL_NAME, COL_SHAPE, COL_SIZE, COL_DTYPE, COL_INIT, COL_GRAD, COL_PATH, COL_TIE = range(
    len(COLUMNS)
)
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
NODE_ROLE = Qt.ItemDataRole.UserRole + 2
PATH_MIME = "application/x-paramscope-access-path"
# One colour per group of tied parameter rows (cycled): the rows of a tie read as a set.
TIE_COLOURS = ("#d9822b", "#8e44ad", "#16a085", "#c0392b", "#2980b9", "#7f8c8d")
VALID_DROP = QColor(46, 204, 113, 70)
HIGHLIGHT = QColor(241, 196, 15, 80)
DEFERRED = "deferred until first forward"
_ROOT = QModelIndex()  # the invalid index: "no parent"


def _state(param) -> str:
    """'' when the data exists, else why not."""
    if param.is_initialized:
        return ""
    return DEFERRED if param.is_deferred else "not initialized"


def _init_text(param) -> str:
    initializer = param.last_initializer if param.is_initialized else None
    if initializer is None:
        initializer = param.init
    if initializer is None:
        return "set" if param.is_initialized else "default"
    if isinstance(initializer, str):
        # 'zeros' (a Dense bias before initialize) reads as the Zero() it becomes.
        from engine import init

        try:
            return repr(init.create(initializer))
        except (AssertionError, TypeError, ValueError):
            return initializer
    return repr(initializer)


def _shown_state(param) -> tuple:
    """Everything a parameter's row shows that can change without a structural change."""
    return (param.is_initialized, param.grad_req, str(param.dtype), _init_text(param))


def _block_kind(node: TreeNode) -> str:
    kind = type(node.obj).__name__
    return f"{kind}({node.activation})" if node.activation else kind


def _count(n: int | None) -> str:
    return "?" if n is None else f"{n:,}"


class BlockTreeModel(QAbstractItemModel):
    """Rows for the blocks and parameters of one model, optionally filtered.

    Signals
    -------
    totals_changed(object)
        A new :class:`~explorer.core.block_tree.TreeTotals` after a rebuild.
    filter_failed(str)
        ``set_filter`` got an invalid regular expression (the tree is unchanged).
    tie_dropped(str, str)
        A row was dropped on a block it may be tied to: ``(target_path, source_path)``.

    Drag and drop: blocks and parameters can be dragged; blocks accept a drop
    when ``tie_checker(target_path, source_path)`` returns None (it returns the
    reason otherwise). While a drag runs, :meth:`start_drag` has marked every
    block that would accept it.
    """

    totals_changed = Signal(object)
    filter_failed = Signal(str)
    tie_dropped = Signal(str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._full: TreeNode | None = None
        self._root: TreeNode | None = None  # what is shown (filtered or full)
        self._filter = ""
        self._by_path: dict[str, TreeNode] = {}
        self._rows_of: dict[int, list[TreeNode]] = {}
        self._shown_text: dict[int, tuple] = {}
        self._sizes: dict[int, int | None] = {}
        self.repainted_rows = 0  # rows repainted by parameters_changed (tests, benchmarks)
        self.tie_checker = None
        self._drop_problems: dict[str, str | None] = {}
        self._tie_colour: dict[int, QColor] = {}
        self._highlighted = None

    # -------------------------------------------------------------- the model
    def set_tree(self, tree: TreeNode | None) -> None:
        """Show ``tree`` (the session's, after a new model or a structural change)."""
        self._full = tree
        self._rebuild()

    def net(self):
        """The Block at the root, or None."""
        return None if self._full is None else self._full.obj

    def set_filter(self, pattern: str, selected_params=None) -> bool:
        """Show only parameters ``net.collect_params(pattern)`` returns (and their blocks).

        ``selected_params`` is that result when the caller already matched the
        pattern (with a time limit); otherwise it is computed here. Returns
        False, emits ``filter_failed`` and keeps the tree as it was when
        ``pattern`` is not a valid regular expression.
        """
        if pattern and selected_params is None:
            try:
                re.compile(pattern)
            except (re.error, OverflowError, RecursionError) as exc:
                self.filter_failed.emit(f"Invalid regular expression: {exc}")
                return False
        self._filter = pattern
        self._rebuild(selected_params)
        return True

    def root(self) -> TreeNode | None:
        """The root of the rows shown (filtered or not)."""
        return self._root

    def filter(self) -> str:
        return self._filter

    def totals(self) -> TreeTotals | None:
        return None if self._full is None else totals(self._full)

    def shown_parameters(self) -> list:
        """The distinct parameters that have a row (not counting tie rows)."""
        if self._root is None:
            return []
        return [n.obj for n in self._root.walk() if n.is_param and n.tied_to is None]

    def parameters_changed(self, params) -> int:
        """Repaint the rows of ``params`` whose shown text changed; returns how many did.

        A weight written by a training step keeps its shape, dtype,
        initializer and grad_req: nothing to repaint, at any model size.
        """
        repainted = 0
        last = self.columnCount() - 1
        for param in params:
            rows = self._rows_of.get(id(param))
            if not rows:
                continue
            text = _shown_state(param)
            if self._shown_text.get(id(param)) == text:
                continue
            self._shown_text[id(param)] = text
            for node in rows:
                self.dataChanged.emit(self._index_of(node, 0), self._index_of(node, last))
                repainted += 1
        self.repainted_rows += repainted
        if repainted:
            self.totals_changed.emit(totals(self._full))
        return repainted

    def _rebuild(self, selected_params=None) -> None:
        self.beginResetModel()
        try:
            if self._full is None:
                self._root = None
            elif self._filter:
                if selected_params is None:
                    selected_params = self._full.obj.collect_params(self._filter).values()
                self._root = filter_tree(self._full, selected_params)
            else:
                self._root = self._full
        finally:
            # Exception-safe: Qt must always see the reset end, or the view is left broken.
            self._index_rows()
            self.endResetModel()
        if self._full is not None:
            self.totals_changed.emit(totals(self._full))

    def _index_rows(self) -> None:
        self._by_path, self._rows_of, self._shown_text = {}, {}, {}
        self._sizes = {} if self._root is None else subtree_sizes(self._root)
        if self._root is None:
            return
        for node in self._root.walk():
            self._by_path[node.path] = node
            if node.is_param:
                self._rows_of.setdefault(id(node.obj), []).append(node)
                self._shown_text[id(node.obj)] = _shown_state(node.obj)
        self._tie_colour = {}
        for key, rows in self._rows_of.items():
            if len(rows) > 1:
                colour = TIE_COLOURS[len(self._tie_colour) % len(TIE_COLOURS)]
                self._tie_colour[key] = QColor(colour)

    # ------------------------------------------------------------ ties, drag
    def highlight(self, param) -> None:
        """Shade every row that uses ``param`` (a tied parameter's users), or none."""
        before, self._highlighted = self._highlighted, param
        last = self.columnCount() - 1
        for obj in (before, param):
            for node in self._rows_of.get(id(obj), []) if obj is not None else []:
                self.dataChanged.emit(self._index_of(node, 0), self._index_of(node, last))

    def start_drag(self, source_path: str) -> None:
        """Work out which blocks accept ``source_path`` (and why the others do not)."""
        check = self.tie_checker
        self._drop_problems = {
            n.path: (check(n.path, source_path) if check else "dropping is not available")
            for n in (self._root.walk() if self._root is not None else ())
            if n.is_block
        }
        self._repaint_blocks()

    def end_drag(self) -> None:
        self._drop_problems = {}
        self._repaint_blocks()

    def drop_problem(self, target_path: str) -> str | None:
        """Why a drop on ``target_path`` is refused (None: it is accepted)."""
        if target_path not in self._drop_problems:
            return "drop on a block"
        return self._drop_problems[target_path]

    def _repaint_blocks(self) -> None:
        last = self.columnCount() - 1
        for node in self._root.walk() if self._root is not None else ():
            if node.is_block:
                self.dataChanged.emit(self._index_of(node, 0), self._index_of(node, last))

    def supportedDropActions(self):
        return Qt.DropAction.LinkAction | Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def supportedDragActions(self):
        return Qt.DropAction.LinkAction | Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [PATH_MIME]

    def mimeData(self, indexes) -> QMimeData:
        data = QMimeData()
        node = next((self.node(i) for i in indexes if i.isValid()), None)
        if node is not None:
            data.setData(PATH_MIME, node.path.encode("utf-8"))
            data.setText(node.path)
        return data

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        node = self.node(parent)
        if node is None or not node.is_block or not data.hasFormat(PATH_MIME):
            return False
        source = bytes(data.data(PATH_MIME)).decode("utf-8")
        if self._drop_problems:
            return self.drop_problem(node.path) is None
        return self.tie_checker is not None and self.tie_checker(node.path, source) is None

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        source = bytes(data.data(PATH_MIME)).decode("utf-8")
        # The tie happens through the session; the rows are rebuilt from the watcher.
        self.tie_dropped.emit(self.node(parent).path, source)
        return False  # nothing for Qt to move or remove

    # ------------------------------------------------------------- look-ups
    def index_for_path(self, path: str) -> QModelIndex:
        """The index of the row whose access path is ``path`` (invalid if not shown)."""
        node = self._by_path.get(path)
        return QModelIndex() if node is None else self._index_of(node)

    def node(self, index: QModelIndex) -> TreeNode | None:
        return index.internalPointer() if index.isValid() else None

    def _index_of(self, node: TreeNode, column: int = 0) -> QModelIndex:
        if node.parent is None:
            return self.createIndex(0, column, node)
        return self.createIndex(node.row, column, node)

    # ------------------------------------------------ QAbstractItemModel API
    def index(self, row, column, parent=_ROOT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, self._root)
        node = parent.internalPointer()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index=_ROOT) -> QModelIndex:
        if not index.isValid():
            return QModelIndex()
        node = index.internalPointer()
        if node.parent is None:
            return QModelIndex()
        return self._index_of(node.parent)

    def rowCount(self, parent=_ROOT) -> int:
        if parent.column() > 0:
            return 0
        if not parent.isValid():
            return 0 if self._root is None else 1
        return len(parent.internalPointer().children)

    def columnCount(self, parent=_ROOT) -> int:
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def flags(self, index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        node = index.internalPointer()
        if node.parent is not None:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        if node.is_block:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        node: TreeNode = index.internalPointer()
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                self._param_text(node, column) if node.is_param else self._block_text(node, column)
            )
        if role == PATH_ROLE:
            return node.path
        if role == NODE_ROLE:
            return node
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(node)
        if role == Qt.ItemDataRole.FontRole:
            if node.is_block and column == COL_LABEL:
                font = QFont()
                font.setBold(True)
                return font
            if node.is_param and not node.obj.is_initialized:
                font = QFont()
                font.setItalic(True)
                return font
        if role == Qt.ItemDataRole.BackgroundRole:
            if node.is_block and self._drop_problems.get(node.path, "") is None:
                return QBrush(VALID_DROP)
            if node.is_param and self._highlighted is not None and node.obj is self._highlighted:
                return QBrush(HIGHLIGHT)
        if role == Qt.ItemDataRole.ForegroundRole:
            tie_colour = self._tie_colour.get(id(node.obj)) if node.is_param else None
            if tie_colour is not None and column in (COL_LABEL, COL_NAME, COL_TIE):
                return QBrush(tie_colour)
            if node.is_param and column == COL_SHAPE and not node.obj.is_initialized:
                return QBrush(QColor("#c0392b"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _block_text(self, node: TreeNode, column: int):
        block = node.obj
        if column == COL_LABEL:
            return f"{node.label}  {_block_kind(node)}"
        if column == COL_NAME:
            return block.name
        if column == COL_SIZE:
            return _count(self._sizes.get(id(node)))
        if column == COL_PATH:
            return node.path
        return None

    def _param_text(self, node: TreeNode, column: int):
        param = node.obj
        if column == COL_LABEL:
            return node.label
        if column == COL_NAME:
            if node.tied_to is not None:  # short: the Tied column and tooltip say where
                return f"tied → {node.tied_to.obj.name}"
            return param.name
        if column == COL_SHAPE:
            state = _state(param)
            return f"{shape_text(param.shape)}  {state}" if state else shape_text(param.shape)
        if column == COL_SIZE:
            return _count(self._sizes.get(id(node)))
        if column == COL_DTYPE:
            return getattr(param.dtype, "__name__", str(param.dtype))
        if column == COL_INIT:
            return _init_text(param)
        if column == COL_GRAD:
            return param.grad_req
        if column == COL_PATH:
            return node.path
        if column == COL_TIE and node.tied_to is not None:
            return f"tied → {node.tied_to.obj.name} ({node.tied_to.path})"
        return None

    def _tooltip(self, node: TreeNode) -> str:
        if node.is_block:
            return (
                f"{_block_kind(node)} {node.obj.name}\n{node.path}\n"
                f"{_count(self._sizes.get(id(node)))} parameter values"
            )
        param = node.obj
        lines = [
            f"{param.name}  {node.path}",
            f"shape {shape_text(param.shape)}, {self._param_text(node, COL_DTYPE)}, "
            f"grad_req {param.grad_req}, init {_init_text(param)}",
        ]
        if _state(param):
            lines.append(_state(param).capitalize() + ": run one batch (Model → Forward).")
        if node.tied_to is not None:
            lines.append(f"Tied: the same Parameter as {node.tied_to.path}")
        return "\n".join(lines)
