"""The values grid: a small parameter's numbers in a table, coloured like its heatmap.

Double-click a cell, type a number, press Enter: the session writes it as one
undoable command (``net[0].weight.data()[0, 0] = 42`` in the code log). Text
that is not a number is refused with a message and changes nothing. Tensors
of more than 64 × 64 numbers get a message instead of a table; a 1-D one is
one row; an N-D one has a row per index of its leading axes (``[2, 0, 1]``).
The grid draws snapshots (``Session.snapshot``) and redraws from the
watcher's events, which the window forwards.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMenu,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.element_edit import parse_number
from .array_display import format_index, format_value
from .colour_scale import ColourScale, choose_colour_scale
from .export import add_export_actions
from .heatmap_panel import (
    NEGATIVE_INF_COLOUR,
    POSITIVE_INF_COLOUR,
    diverging_colormap,
    sequential_colormap,
)
from .on_screen import is_unseen

__all__ = ["ValuesGrid", "ValuesTableModel", "MAX_GRID_SIDE", "grid_layout"]

MAX_GRID_SIDE = 64


def grid_layout(shape: tuple) -> tuple | None:
    """``(rows, cols)`` of the table for an array of ``shape``; None when too large."""
    if len(shape) == 0:
        rows, cols = 1, 1
    elif len(shape) == 1:
        rows, cols = 1, shape[0]
    else:
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
    return (rows, cols) if rows <= MAX_GRID_SIDE and cols <= MAX_GRID_SIDE else None


class _Colours:
    """Cell colours from the heatmap's colour scale and colour maps (256-entry tables)."""

    def __init__(self) -> None:
        self._tables = {}

    def table(self, kind: str) -> np.ndarray:
        if kind not in self._tables:
            cmap = sequential_colormap() if kind == "sequential" else diverging_colormap()
            self._tables[kind] = cmap.getLookupTable(0.0, 1.0, 256, alpha=False)
        return self._tables[kind]

    def colours(self, values: np.ndarray, scale: ColourScale, missing: QColor) -> list:
        kind = "sequential" if scale.kind in ("sequential", "constant") else "diverging"
        table = self.table(kind)
        low, high = scale.image_levels(1.0)
        span = high - low if high > low else 1.0
        out = []
        for value in values.ravel().tolist():
            if math.isnan(value):
                out.append(missing)
            elif math.isinf(value):
                out.append(POSITIVE_INF_COLOUR if value > 0 else NEGATIVE_INF_COLOUR)
            else:
                position = min(255, max(0, int((value - low) / span * 255 + 0.5)))
                r, g, b = (int(c) for c in table[position][:3])
                out.append(QColor(r, g, b))
        return out


class ValuesTableModel(QAbstractTableModel):
    """The numbers of one array as rows × columns, editable through ``editor``.

    ``editor(index, text)`` writes the element at the array ``index`` (a tuple)
    or raises ValueError; the model itself never writes the array it shows.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._values = np.zeros((0, 0))
        self._shape: tuple = ()
        self._colours: list = []
        self._text_colours: list = []
        self.editor = None
        self._palette_colours = _Colours()

    def set_values(self, values: np.ndarray, scale: ColourScale, missing: QColor) -> None:
        rows_cols = grid_layout(values.shape)
        same_layout = values.shape == self._shape
        if not same_layout:
            self.beginResetModel()
        self._shape = values.shape
        self._values = values.reshape(rows_cols).astype(np.float64, copy=False)
        self._colours = self._palette_colours.colours(self._values, scale, missing)
        # Black on light cells, white on dark ones (relative luminance).
        self._text_colours = [
            QColor("black")
            if 0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue() > 140
            else QColor("white")
            for c in self._colours
        ]
        if same_layout:
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )
        else:
            self.endResetModel()

    def array_index(self, row: int, col: int) -> tuple:
        """The index in the original array of cell ``(row, col)``."""
        if len(self._shape) <= 1:
            return (col,) if self._shape else ()
        return tuple(int(i) for i in np.unravel_index(row, self._shape[:-1])) + (col,)

    def value_at(self, row: int, col: int) -> float:
        return float(self._values[row, col])

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._values.shape[0]

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._values.shape[1]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return format_value(self._values[row, col])
        if role == Qt.ItemDataRole.EditRole:
            return repr(float(self._values[row, col]))
        flat = row * self._values.shape[1] + col
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._colours[flat]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._text_colours[flat]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{format_index(self.array_index(row, col))} = {float(self._values[row, col])!r}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return str(section)
        if len(self._shape) <= 2:
            return str(section) if len(self._shape) == 2 else ""
        return format_index(self.array_index(section, 0)[:-1])

    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if self.editor is not None else base

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.editor is None:
            return False
        return bool(self.editor(self.array_index(index.row(), index.column()), str(value)))


class ValuesGrid(QWidget):
    """The numbers of the selected parameter's data, editable by double-click.

    Parameters
    ----------
    session : Session
        Gives the snapshots (``snapshot``) and writes the edits (``set_element``).

    Signals
    -------
    edited(str)
        The code of an edit that was applied (``net[0].weight.data()[0, 0] = 42``).
    edit_refused(str)
        Why typed text was not written (it is also shown under the table).
    """

    edited = Signal(str)
    edit_refused = Signal(str)

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self._session = session
        self._param = None
        self._path = ""
        self._stale = False
        self._run = None
        self.model = ValuesTableModel(self)
        self.model.editor = self._edit
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.horizontalHeader().setDefaultSectionSize(74)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(
            lambda pos: self.context_menu().exec(self.table.viewport().mapToGlobal(pos))
        )
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.message_label.setContentsMargins(8, 24, 8, 8)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message_label)
        self.stack.addWidget(self.table)
        self.hint_label = QLabel("Double-click a number to change it (Ctrl+Z undoes it).")
        self.hint_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c0392b; font-weight: bold")
        self.error_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error_label)
        self.clear()

    # --------------------------------------------------------------------- API
    @property
    def message(self) -> str:
        """The message shown instead of the table ('' when the table is shown)."""
        return self.message_label.text() if self.stack.currentIndex() == 0 else ""

    def show_parameter(self, param, path: str) -> None:
        """Show ``param``'s numbers (reached by ``path``)."""
        self._param, self._path = param, path
        self.error_label.hide()
        self._stale = True
        self._catch_up()

    def clear(self, message: str = "Select a parameter to see its numbers.") -> None:
        self._param = None
        self._stale = False
        self.message_label.setText(message)
        self.stack.setCurrentIndex(0)

    def values_changed(self, params) -> None:
        if self._param is not None and any(p is self._param for p in params):
            self._stale = True
            self._catch_up()

    def structure_changed(self) -> None:
        if self._param is not None:
            self._stale = True
            self._catch_up()

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        add_export_actions(menu, self, f"{self._path or 'values'} numbers")
        return menu

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._catch_up()

    # ---------------------------------------------------------------- internals
    def _catch_up(self) -> None:
        """Redraw if stale and visible (a hidden tab copies nothing until shown)."""
        if not self._stale or is_unseen(self):
            return
        self._stale = False
        param = self._param
        values = self._session.snapshot(param) if param.is_initialized else None
        if values is None:
            self._show_message(
                f"{self._path} has no values yet (deferred until the first forward pass)."
            )
            return
        if grid_layout(values.shape) is None or np.iscomplexobj(values):
            shape = " × ".join(str(n) for n in values.shape)
            self._show_message(
                f"{self._path} is {shape} ({values.size:,} numbers): the grid "
                f"shows tensors of up to {MAX_GRID_SIDE} × {MAX_GRID_SIDE} "
                f"numbers. Hover over the heatmap to read one value."
            )
            return
        finite = values[np.isfinite(values)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
        scale = choose_colour_scale(low, high, int(finite.size))
        self.model.set_values(values, scale, self.palette().color(self.palette().ColorRole.Mid))
        self.hint_label.setText(
            f"{self._path}: double-click a number to change it "
            f"(Ctrl+Z undoes it). Colours as in the heatmap: "
            f"{scale.describe()}."
        )
        self.stack.setCurrentIndex(1)

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.stack.setCurrentIndex(0)

    def set_command_runner(self, run) -> None:
        """``run(action) -> bool`` runs an edit; the window passes its guarded runner, which
        refuses while console code is running and shows an error in its banner."""
        self._run = run

    def _edit(self, index: tuple, text: str) -> bool:
        try:
            parse_number(text)  # refused here, beside the table, before anything runs
        except ValueError as exc:
            return self._refuse(str(exc))
        errors = []

        def write():
            try:
                self._session.set_element(self._path, index, text)
            except (ValueError, KeyError) as exc:
                errors.append(str(exc).strip("'\""))

        ran = self._run(write) if self._run is not None else (write() or True)
        if errors or not ran:
            return self._refuse(errors[0] if errors else "The edit was not made (see above)")
        self.error_label.hide()
        self._stale = True
        self._catch_up()
        self.edited.emit(self._session.code_log[-1] if self._session.code_log else "")
        return True

    def _refuse(self, message: str) -> bool:
        self.error_label.setText(message)
        self.error_label.show()
        self.edit_refused.emit(message)
        return False
