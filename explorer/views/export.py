"""Export a plot or a panel as a PNG or SVG file, from its context menu.

A PNG is the widget as it looks on screen (``QWidget.grab``, at the
screen's pixel ratio); an SVG is the widget painted into ``QSvgGenerator``,
which keeps a plot's lines and text as vectors. (pyqtgraph's own
``SVGExporter`` raised in ``correctCoordinates`` on this Qt's SVG output,
and hung on the histogram, so it is not used.) :func:`add_export_actions` puts "Export as
PNG…" / "Export as SVG…" into a context menu; :func:`export_widget` does the
work and is what tests call with a path in ``tmp_path``.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

__all__ = ["export_widget", "add_export_actions", "ask_and_export", "EXPORT_FORMATS"]

EXPORT_FORMATS = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}
_last_folder = [os.path.expanduser("~")]


def export_widget(widget: QWidget, path: str) -> str:
    """Write ``widget`` as it looks now to ``path`` (``.png`` or ``.svg``); returns the path.

    Raises
    ------
    ValueError
        The file name ends neither in ``.png`` nor in ``.svg``.
    OSError
        The file could not be written.
    """
    kind = os.path.splitext(path)[1].lower().lstrip(".")
    if kind not in EXPORT_FORMATS:
        raise ValueError(f"Export to .png or .svg, not {os.path.basename(path)!r}")
    if kind == "svg":
        from PySide6.QtSvg import QSvgGenerator

        generator = QSvgGenerator()
        generator.setFileName(path)
        generator.setSize(widget.size())
        generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
        generator.setTitle(widget.windowTitle() or "ParamScope")
        painter = QPainter(generator)
        try:
            # QWidget.render: a QGraphicsView's own render(painter) would draw only the scene.
            QWidget.render(widget, painter, QPoint())
        finally:
            painter.end()
    else:
        pixmap = widget.grab()
        if pixmap.size() == QSize(0, 0) or not pixmap.save(path, "PNG"):
            raise OSError(f"Could not write {path}")
    if not os.path.exists(path):
        raise OSError(f"Could not write {path}")
    return path


def ask_and_export(widget: QWidget, kind: str, name: str = "plot") -> str | None:
    """Ask where to save (a file dialog), then export; returns the path or None if cancelled.

    A failure is shown in a message box, never raised into the menu's slot.
    """
    start = os.path.join(_last_folder[0], f"{_file_stem(name)}.{kind}")
    path, _ = QFileDialog.getSaveFileName(
        widget, f"Export {name} as {kind.upper()}", start, EXPORT_FORMATS[kind]
    )
    if not path:
        return None
    if not path.lower().endswith("." + kind):
        path += "." + kind
    try:
        export_widget(widget, path)
    except (OSError, ValueError) as exc:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(widget, "Export failed", str(exc))
        return None
    _last_folder[0] = os.path.dirname(path)
    return path


def add_export_actions(menu: QMenu, widget: QWidget, name: str = "plot") -> None:
    """Append "Export as PNG…" and "Export as SVG…" (of ``widget``) to ``menu``."""
    menu.addSection("Export")
    for kind in EXPORT_FORMATS:
        action = menu.addAction(f"Export as {kind.upper()}…")
        action.setData(f"export-{kind}")
        action.triggered.connect(lambda _=False, k=kind: ask_and_export(widget, k, name))


def _file_stem(name: str) -> str:
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name).strip("_")
    return stem or "plot"
