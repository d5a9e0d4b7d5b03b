"""``TieDragTree``: the block tree's ``QTreeView`` with drag-to-tie.

Dragging a block (or a parameter, standing for its block) marks every block
that would accept it (the model shades them); hovering over a block says why
a drop there would be refused, before the button is released; dropping asks
the window to tie (``BlockTreeModel.tie_dropped``). Qt's own drag machinery
is used throughout, so the mouse, the keyboard modifiers and the drag pixmap
behave as in any Qt tree.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QToolTip, QTreeView

from .block_tree_model import NODE_ROLE, PATH_MIME

__all__ = ["TieDragTree"]


class TieDragTree(QTreeView):
    """A tree view whose rows can be dropped on blocks to tie them.

    Signals
    -------
    drop_hint(str)
        While dragging: what a drop on the block under the pointer would do,
        or why it is refused (``''`` when the drag ends).
    """

    drop_hint = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.LinkAction)
        self._source_path: str | None = None

    def startDrag(self, supported_actions) -> None:
        node = self.currentIndex().data(NODE_ROLE)
        if node is None or node.parent is None:
            return
        self._source_path = node.path
        self.model().start_drag(node.path)
        try:
            super().startDrag(supported_actions)
        finally:
            self._source_path = None
            self.model().end_drag()
            self.drop_hint.emit("")

    def dragMoveEvent(self, event) -> None:
        super().dragMoveEvent(event)
        self._explain(event)

    def dragEnterEvent(self, event) -> None:
        super().dragEnterEvent(event)
        if event.mimeData().hasFormat(PATH_MIME):
            event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:
        super().dragLeaveEvent(event)
        self.drop_hint.emit("")

    def _explain(self, event) -> None:
        """Say what a drop here would do, and refuse it visibly when it would fail."""
        data = event.mimeData()
        if not data.hasFormat(PATH_MIME):
            return
        source = bytes(data.data(PATH_MIME)).decode("utf-8")
        node = self.indexAt(event.position().toPoint()).data(NODE_ROLE)
        if node is None:
            self.drop_hint.emit(f"Drop {source} on a block to tie that block to it")
            event.ignore()
            return
        target = node.path if node.is_block else node.parent.path
        problem = self.model().drop_problem(target)
        if problem is None and node.is_block:
            text = f"Drop to tie {target} to {source}: it will use {source}'s parameters"
            event.accept()
        else:
            text = f"Can't tie {target} to {source}: {problem or 'drop on a block row'}"
            event.ignore()
        self.drop_hint.emit(text)
        QToolTip.showText(self.viewport().mapToGlobal(event.position().toPoint()), text, self)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.Leave:
            QToolTip.hideText()
        return super().event(event)
