"""The data-flow graph of the open model, drawn from one traced forward pass.

Boxes top to bottom in call order: the batch, each block call (a block
reused in ``forward``, like FancyMLP's ``self.dense``, is drawn once per
call), the result. Arrows carry the shape of the array that flows; a dashed
arrow means ``forward``'s own code computed the array between two blocks.
Arcs right of the boxes join the calls of one reused block (purple) and blocks
tied to the same Parameter (orange). Clicking a box selects its block in the
tree. The graph is traced by the session (``Session.traced_graph``, under
``autograd.pause()``; the model is left as it was) again after every
structural change, while the view is visible.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.forward_trace import TraceError
from ..core.traced_graph import TracedGraph
from .export import add_export_actions
from .on_screen import is_unseen
from .plot_style import is_dark

__all__ = ["GraphView", "GraphNodeItem"]

LINK_COLOURS = {"reuse": "#8e44ad", "tied": "#d9822b"}
_PAD = 8


class GraphNodeItem(QGraphicsRectItem):
    """One box: a block call (clickable: selects ``path``), the batch or the result."""

    def __init__(self, node, rect: QRectF, view: GraphView) -> None:
        super().__init__(rect)
        self.node = node
        self._view = view
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        if node.path:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setToolTip(f"{node.path}: {node.detail}\nClick to select it in the tree")

    def mousePressEvent(self, event) -> None:
        if self.node.path:
            self._view.node_clicked.emit(self.node.path)
        event.accept()


class GraphView(QWidget):
    """The traced data-flow graph in a scene.

    Signals
    -------
    node_clicked(str)
        The access path of the block whose box was clicked.
    """

    node_clicked = Signal(str)

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self._session = session
        self._stale = True
        self._selected_path = None
        self.graph: TracedGraph | None = None
        self.node_items: dict[int, GraphNodeItem] = {}
        self.link_items: list[QGraphicsPathItem] = []
        self.scene = QGraphicsScene(self)
        self.view = QGraphicsView(self.scene)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(
            lambda pos: self.context_menu().exec(self.view.viewport().mapToGlobal(pos))
        )
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.legend_label = QLabel(
            "Shapes flow down in call order (dashed: computed in forward()). "
            f"<span style='color:{LINK_COLOURS['reuse']}'>╌ same block again</span> · "
            f"<span style='color:{LINK_COLOURS['tied']}'>╌ tied Parameter</span>. "
            "Click a box to select it."
        )
        self.legend_label.setWordWrap(True)
        retrace = QPushButton("Trace again")
        retrace.setToolTip("Run the model once more on its batch (nothing in it changes)")
        retrace.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.legend_label, 1)
        top.addWidget(retrace, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.message_label)
        layout.addWidget(self.view, 1)
        self.message_label.hide()

    # --------------------------------------------------------------------- API
    def structure_changed(self) -> None:
        """Another model, or the tree changed: trace again (now if visible, else when shown)."""
        self._stale = True
        self._catch_up()

    def values_changed(self, _params) -> None:
        """Values do not change the graph, but they may make an untraceable model traceable
        (a parameter initialized)."""
        if self.graph is None:
            self.structure_changed()

    def show_selection(self, path: str | None) -> None:
        """Outline the boxes of the selected block (a parameter's path: of its block)."""
        self._selected_path = path
        for item in self.node_items.values():
            self._style_node(item)

    def refresh(self) -> None:
        """Trace the model and draw the graph (or say why it cannot be traced)."""
        self._stale = False
        self.scene.clear()
        self.node_items, self.link_items = {}, []
        if self._session.net is None:
            self._show_message("No model is open.")
            return
        try:
            self.graph = self._session.traced_graph()
        except TraceError as exc:
            self.graph = None
            self._show_message(str(exc))
            return
        self.message_label.hide()
        self._draw(self.graph)

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        add_export_actions(menu, self.view, "graph")
        return menu

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._catch_up()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange and self.graph is not None:
            self._draw(self.graph)

    # ---------------------------------------------------------------- drawing
    def _catch_up(self) -> None:
        if self._stale and not is_unseen(self):
            self.refresh()

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.show()

    def _draw(self, graph: TracedGraph) -> None:
        self.scene.clear()
        self.node_items, self.link_items = {}, []
        palette = self.palette()
        text_colour = palette.color(palette.ColorRole.Text)
        title_font = QFont(self.font())
        title_font.setBold(True)
        title_metrics, metrics = QFontMetrics(title_font), QFontMetrics(self.font())
        line = metrics.lineSpacing()
        height = 2 * line + 3 * _PAD
        # One column of equal boxes, top to bottom in call order: it fits a side dock.
        width = (
            max(
                max(title_metrics.horizontalAdvance(n.title), metrics.horizontalAdvance(n.detail))
                for n in graph.nodes
            )
            + 2 * _PAD
        )
        gap = 2 * line + 8
        y = 0.0
        for node in graph.nodes:
            item = GraphNodeItem(node, QRectF(0, y, width, height), self)
            self.scene.addItem(item)
            title = QGraphicsSimpleTextItem(node.title, item)
            title.setFont(title_font)
            title.setBrush(text_colour)
            title.setPos(_PAD, y + _PAD)
            detail = QGraphicsSimpleTextItem(node.detail, item)
            detail.setFont(self.font())
            detail.setBrush(text_colour)
            detail.setPos(_PAD, y + _PAD + line + _PAD / 2)
            self.node_items[node.key] = item
            self._style_node(item)
            y += height + gap
        order = {node.key: i for i, node in enumerate(graph.nodes)}
        for edge in graph.edges:
            self._draw_edge(edge, order, metrics, text_colour)
        rect = self.scene.itemsBoundingRect().adjusted(-10, -10, 10, 10)
        self.scene.setSceneRect(rect)
        self._fit_width()

    def _fit_width(self) -> None:
        """Shrink (never enlarge, never below 60 %) so the graph's width fits the dock."""
        rect = self.scene.sceneRect()
        room = self.view.viewport().width() - 4
        scale = 1.0 if rect.width() <= 0 or room <= 0 else max(0.6, min(1.0, room / rect.width()))
        self.view.resetTransform()
        self.view.scale(scale, scale)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.graph is not None:
            self._fit_width()

    def _style_node(self, item: GraphNodeItem) -> None:
        palette = self.palette()
        dark = is_dark(palette)
        node = item.node
        if node.path is None:
            fill = QColor("#34495e" if dark else "#dfe6ee")
        else:
            fill = palette.color(palette.ColorRole.Base)
        selected = (
            node.path is not None
            and self._selected_path is not None
            and (
                self._selected_path == node.path or self._selected_path.startswith(node.path + ".")
            )
        )
        pen = QPen(
            palette.color(palette.ColorRole.Highlight)
            if selected
            else palette.color(palette.ColorRole.Mid)
        )
        pen.setWidthF(3.0 if selected else 1.2)
        item.setPen(pen)
        item.setBrush(QBrush(fill))

    def _draw_edge(self, edge, order: dict, metrics, text_colour: QColor) -> None:
        source, target = self.node_items[edge.source], self.node_items[edge.target]
        a, b = source.rect(), target.rect()
        path = QPainterPath()
        span = abs(order[edge.target] - order[edge.source])
        label_width = metrics.horizontalAdvance(edge.label)
        if edge.kind in ("reuse", "tied"):
            # An arc right of the boxes, wider the further apart the boxes are.
            start = QPointF(a.right(), a.center().y())
            end = QPointF(b.right(), b.center().y())
            reach = a.right() + 28 + 22 * (span - 1)
            path.moveTo(start)
            path.cubicTo(QPointF(reach, start.y()), QPointF(reach, end.y()), end)
            colour = QColor(LINK_COLOURS[edge.kind])
            pen = QPen(colour, 2.0, Qt.PenStyle.DashLine)
            label_pos = QPointF(reach - 4, (start.y() + end.y()) / 2 - metrics.height() / 2)
        else:
            colour = QColor(text_colour)
            style = Qt.PenStyle.DashLine if edge.kind == "computed" else Qt.PenStyle.SolidLine
            pen = QPen(colour, 1.6, style)
            if span == 1:
                x = a.center().x()
                start, end = QPointF(x, a.bottom()), QPointF(x, b.top())
                path.moveTo(start)
                path.lineTo(end)
                label_pos = QPointF(x + 8, (start.y() + end.y() - metrics.height()) / 2)
                self._arrow_head(end, colour)
            else:  # skips boxes: an arc left of them
                start = QPointF(a.left(), a.center().y())
                end = QPointF(b.left(), b.center().y())
                reach = a.left() - 28 - 22 * (span - 2)
                path.moveTo(start)
                path.cubicTo(QPointF(reach, start.y()), QPointF(reach, end.y()), end)
                label_pos = QPointF(
                    reach - label_width - 4, (start.y() + end.y() - metrics.height()) / 2
                )
        item = QGraphicsPathItem(path)
        item.setPen(pen)
        item.setData(0, edge.kind)
        item.setZValue(-1)
        self.scene.addItem(item)
        if edge.kind in ("reuse", "tied"):
            self.link_items.append(item)
        label = QGraphicsSimpleTextItem(edge.label)
        label.setBrush(colour)
        label.setFont(self.font())
        label.setPos(label_pos)
        self.scene.addItem(label)

    def _arrow_head(self, tip: QPointF, colour: QColor) -> None:
        """A head pointing down onto ``tip`` (the top of the next box)."""
        path = QPainterPath()
        path.moveTo(tip)
        path.lineTo(tip + QPointF(-5, -9))
        path.lineTo(tip + QPointF(5, -9))
        path.closeSubpath()
        head = QGraphicsPathItem(path)
        head.setBrush(QBrush(colour))
        head.setPen(QPen(colour))
        self.scene.addItem(head)
