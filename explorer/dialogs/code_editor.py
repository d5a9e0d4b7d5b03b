"""A small Python editor: monospace, line numbers, highlighting, auto-indent, error marks.

Enough for a custom initializer of a dozen lines: Return keeps the line's
indentation and adds four spaces after a ``:``; Tab inserts four spaces;
:meth:`CodeEditor.mark_error` tints the failing line and shows it. The
highlighter is a ``QSyntaxHighlighter`` over Python's own keyword list (no
extra dependency).
"""

from __future__ import annotations

import builtins
import keyword
import re

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QPainter,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit, QWidget

__all__ = ["CodeEditor", "PythonHighlighter"]

INDENT = "    "


def _is_dark(palette) -> bool:
    return palette.color(palette.ColorRole.Base).lightness() < 128


class PythonHighlighter(QSyntaxHighlighter):
    """Keywords, builtins, strings, numbers, comments and ``def``/``class`` names."""

    def __init__(self, document, dark: bool = False) -> None:
        super().__init__(document)
        self.set_dark(dark)

    def set_dark(self, dark: bool) -> None:
        colours = (
            {
                "keyword": "#c792ea",
                "builtin": "#82aaff",
                "string": "#c3e88d",
                "number": "#f78c6c",
                "comment": "#8a8f98",
                "name": "#ffcb6b",
            }
            if dark
            else {
                "keyword": "#7a1fa2",
                "builtin": "#1f5fbf",
                "string": "#2e7d32",
                "number": "#b35900",
                "comment": "#6a737d",
                "name": "#795e26",
            }
        )
        formats = {}
        for role, colour in colours.items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(colour))
            if role in ("keyword", "name"):
                fmt.setFontWeight(QFont.Weight.Bold)
            if role == "comment":
                fmt.setFontItalic(True)
            formats[role] = fmt
        words = "|".join(keyword.kwlist)
        names = "|".join(n for n in dir(builtins) if not n.startswith("_"))
        self.rules = [
            (re.compile(rf"\b(?:{words})\b"), formats["keyword"]),
            (re.compile(rf"\b(?:{names})\b"), formats["builtin"]),
            (re.compile(r"\b\d+(?:\.\d*)?(?:[eE][-+]?\d+)?\b"), formats["number"]),
            (re.compile(r"(?<=\bdef\s)\w+|(?<=\bclass\s)\w+"), formats["name"]),
            (
                re.compile(r"'[^'\\\n]*(?:\\.[^'\\\n]*)*'|\"[^\"\\\n]*(?:\\.[^\"\\\n]*)*\""),
                formats["string"],
            ),
            (re.compile(r"#[^\n]*"), formats["comment"]),
        ]
        self.string_format = formats["string"]
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        for pattern, fmt in self.rules:
            for match in pattern.finditer(text):
                self.setFormat(match.start(), match.end() - match.start(), fmt)
        self._triple_quotes(text)

    def _triple_quotes(self, text: str) -> None:
        """Docstrings spanning lines (block state 1 = inside one)."""
        start = 0
        inside = self.previousBlockState() == 1
        self.setCurrentBlockState(0)
        while True:
            if not inside:
                start = text.find('"""', start)
                if start < 0:
                    return
                search_from = start + 3
            else:
                search_from = start
            end = text.find('"""', search_from)
            if end < 0:
                self.setFormat(start, len(text) - start, self.string_format)
                self.setCurrentBlockState(1)
                return
            self.setFormat(start, end + 3 - start, self.string_format)
            start, inside = end + 3, False


class _LineNumbers(QWidget):
    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.line_number_width(), 0)

    def paintEvent(self, event) -> None:
        self.editor.paint_line_numbers(event)


class CodeEditor(QPlainTextEdit):
    """Plain-text Python editor with line numbers and an error line mark."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._apply_font()
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabChangesFocus(False)
        self.error_line: int | None = None
        self.highlighter = PythonHighlighter(self.document(), _is_dark(self.palette()))
        self.numbers = _LineNumbers(self)
        self.blockCountChanged.connect(self._update_margin)
        self.updateRequest.connect(self._scroll_numbers)
        self.textChanged.connect(self._text_edited)
        self._update_margin()

    def _apply_font(self) -> None:
        # Monospace at the app's text size (View → Larger text applies here too).
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setFixedPitch(True)
        size = QApplication.font().pointSizeF()
        if size > 0:
            font.setPointSizeF(size)
        if font.family() != self.font().family() or font.pointSizeF() != self.font().pointSizeF():
            self.setFont(font)

    # ----------------------------------------------------------------- margins
    def line_number_width(self) -> int:
        digits = max(2, len(str(self.blockCount())))
        return 10 + self.fontMetrics().horizontalAdvance("9") * digits

    def _update_margin(self, *_args) -> None:
        self.setViewportMargins(self.line_number_width(), 0, 0, 0)

    def _scroll_numbers(self, rect, dy) -> None:
        if dy:
            self.numbers.scroll(0, dy)
        else:
            self.numbers.update(0, rect.y(), self.numbers.width(), rect.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self.numbers.setGeometry(
            QRect(area.left(), area.top(), self.line_number_width(), area.height())
        )

    def paint_line_numbers(self, event) -> None:
        painter = QPainter(self.numbers)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(palette.ColorRole.AlternateBase))
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible():
                error = self.error_line == number + 1
                painter.setPen(
                    QColor("#e53935") if error else palette.color(palette.ColorRole.PlaceholderText)
                )
                painter.drawText(
                    0,
                    top,
                    self.numbers.width() - 5,
                    height,
                    Qt.AlignmentFlag.AlignRight,
                    str(number + 1),
                )
            block = block.next()
            top += round(self.blockBoundingRect(block).height()) if block.isValid() else 0
            number += 1

    # ------------------------------------------------------------------ errors
    def mark_error(self, line: int | None) -> None:
        """Tint ``line`` (1-based) and move the cursor there; None clears the mark."""
        self.error_line = line
        selections = []
        if line is not None and 1 <= line <= self.blockCount():
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(QColor(229, 57, 53, 70))
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            cursor = QTextCursor(self.document().findBlockByNumber(line - 1))
            selection.cursor = cursor
            selections.append(selection)
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
        self.setExtraSelections(selections)
        self.numbers.update()

    def _text_edited(self) -> None:
        if self.error_line is not None:
            self.mark_error(None)

    # ------------------------------------------------------------------ typing
    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier
        ):
            line = self.textCursor().block().text()[: self.textCursor().positionInBlock()]
            indent = line[: len(line) - len(line.lstrip())]
            if line.rstrip().endswith(":"):
                indent += INDENT
            self.textCursor().insertText("\n" + indent)
            self.ensureCursorVisible()
            return
        if key == Qt.Key.Key_Tab and not event.modifiers():
            self.textCursor().insertText(INDENT)
            return
        if key == Qt.Key.Key_Backspace and not self.textCursor().hasSelection():
            cursor = self.textCursor()
            before = cursor.block().text()[: cursor.positionInBlock()]
            if before and not before.strip() and len(before) % len(INDENT) == 0:
                for _ in INDENT:
                    cursor.deletePreviousChar()
                return
        super().keyPressEvent(event)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange and hasattr(self, "highlighter"):
            self.highlighter.set_dark(_is_dark(self.palette()))
        elif event.type() == event.Type.FontChange and hasattr(self, "numbers"):
            self._apply_font()
            self._update_margin()
