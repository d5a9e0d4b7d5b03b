"""``ConsoleOutput``: the console's output pane, bounded and always following new text.

Huge output used to freeze the window for seconds to minutes (one ``print`` of
a megabyte, twenty thousand printed lines): a text widget lays out everything
it holds, and one call inserting it all is one event the window cannot answer
during. So this pane

* inserts at most :data:`CHUNK_CHARS` per event; the rest waits in a queue that
  a zero-delay timer drains, one chunk per event loop turn (while user code
  runs, the runner's event pumping drains it);
* keeps the last :data:`MAX_LINES` lines and at most :data:`MAX_CHARS`
  characters; what it drops is counted in a note on its first line;
* cuts a line longer than :data:`MAX_LINE_CHARS` with a note saying how much of
  it is not shown;
* follows the end of the text: a resize that re-wraps lines, or new text,
  keeps the last line in view, unless the user scrolled up on purpose (then
  it stays put until they scroll back to the bottom);
* echoes commands in colours taken from the theme (:func:`explorer.theme.console_colours`),
  restyled when the theme changes.
"""

from __future__ import annotations

import collections
import contextlib

from PySide6.QtCore import QEvent, Qt, QThread, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QPlainTextEdit

from ..theme import console_colours

__all__ = ["ConsoleOutput", "MAX_LINES", "MAX_CHARS", "MAX_LINE_CHARS", "CHUNK_CHARS"]

MAX_LINES = 2000
MAX_CHARS = 1_000_000
MAX_LINE_CHARS = 10_000
CHUNK_CHARS = 32_000  # what one event inserts: well under 100 ms of layout

COMMAND_STATE = 1  # QTextBlock.userState of an echoed command
NOTE_STATE = 2  # ... of the "earlier lines dropped" note


class ConsoleOutput(QPlainTextEdit):
    """Read-only, bounded console output; :meth:`write` is cheap whatever it is given.

    :meth:`write` may be called from any thread (user code that prints from a
    thread of its own): text from another thread is queued to the GUI thread.
    """

    _written_elsewhere = Signal(str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.TypeWriter)
        self.setFont(font)
        self._pending: collections.deque[tuple[str, str]] = collections.deque()
        self._pending_chars = 0
        self._batching = 0
        self._inserted_this_turn = 0
        self._line_length = 0  # characters already written on the current (open) line
        self._line_cut = 0  # characters of the current line not shown
        self.dropped_lines = 0
        self.dropped_chars = 0
        self._follow = True
        self._moving_to_end = False
        self._turn_timer = QTimer(self, singleShot=True, interval=0)
        self._turn_timer.timeout.connect(self._next_turn)
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._range_changed)
        bar.valueChanged.connect(self._value_changed)
        self._colours = None
        self._restyle()
        self._written_elsewhere.connect(self.write, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------ writing
    def write(self, text: str, style: str = "output") -> None:
        """Append ``text`` (``style`` ``'output'`` or ``'command'``); long text goes in chunks."""
        if not text:
            return
        if QThread.currentThread() is not self.thread():
            self._written_elsewhere.emit(text, style)
            return
        text = self._cut_long_lines(_printable(text))
        if (
            not self._pending
            and not self._batching
            and self._inserted_this_turn + len(text) <= CHUNK_CHARS
        ):
            self._insert(text, style)
        else:
            self._pending.append((text, style))
            self._pending_chars += len(text)
            self._drop_pending_beyond_cap()
        self._turn_timer.start()

    def pending_chars(self) -> int:
        """Characters written but not shown yet (waiting for the next event loop turns)."""
        return self._pending_chars

    def at_line_start(self) -> bool:
        """Whether the next text starts a line (nothing written is left open)."""
        return self._line_length == 0

    def flush(self) -> None:
        """Insert everything still pending now (tests; normal use lets the timer do it)."""
        while self._pending:
            self._next_turn()

    @contextlib.contextmanager
    def batched(self):
        """Queue every write made inside (a running command's prints) and insert them
        in chunks: one insert per chunk, not one per ``print``."""
        self._batching += 1
        try:
            yield
        finally:
            self._batching -= 1
            if not self._batching:
                self._next_turn()

    def _next_turn(self) -> None:
        """Insert up to CHUNK_CHARS of the queue, joining writes of the same style."""
        self._inserted_this_turn = 0
        while self._pending and self._inserted_this_turn < CHUNK_CHARS:
            room = CHUNK_CHARS - self._inserted_this_turn
            style = self._pending[0][1]
            pieces = []
            while self._pending and room > 0 and self._pending[0][1] == style:
                text, _ = self._pending.popleft()
                if len(text) > room:
                    self._pending.appendleft((text[room:], style))
                    text = text[:room]
                pieces.append(text)
                room -= len(text)
            joined = "".join(pieces)
            self._pending_chars -= len(joined)
            self._insert(joined, style)
        if self._pending:
            self._turn_timer.start()

    def _cut_long_lines(self, text: str) -> str:
        """Keep at most MAX_LINE_CHARS of each line, noting the rest when the line ends."""
        if (
            self._line_cut == 0
            and self._line_length + len(text) <= MAX_LINE_CHARS
            and "\n" not in text
        ):
            self._line_length += len(text)
            return text
        pieces = []
        lines = text.split("\n")
        for i, line in enumerate(lines):
            room = max(0, MAX_LINE_CHARS - self._line_length)
            if len(line) > room:
                self._line_cut += len(line) - room
                line = line[:room]
            self._line_length += len(line)
            pieces.append(line)
            if i < len(lines) - 1:
                if self._line_cut:
                    pieces.append(
                        f"  … [{self._line_cut:,} more characters on this line not shown]"
                    )
                pieces.append("\n")
                self._line_length = self._line_cut = 0
        return "".join(pieces)

    def _drop_pending_beyond_cap(self) -> None:
        while self._pending_chars > MAX_CHARS and len(self._pending) > 1:
            text, _ = self._pending.popleft()
            self._pending_chars -= len(text)
            self.dropped_lines += text.count("\n")
            self.dropped_chars += len(text)

    def _insert(self, text: str, style: str) -> None:
        self._inserted_this_turn += len(text)
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        colours = self._colours
        if style == "command":
            lines = text.split("\n")
            for i, line in enumerate(lines):
                if line or i < len(lines) - 1:
                    cursor.setBlockFormat(colours.command_block)
                    cursor.block().setUserState(COMMAND_STATE)
                    cursor.insertText(line, colours.command_char)
                if i < len(lines) - 1:
                    cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        else:
            cursor.insertText(text, QTextCharFormat())
        self._trim()
        if self._follow:
            self._scroll_to_end()

    def _trim(self) -> None:
        """Drop the oldest lines beyond MAX_LINES / MAX_CHARS; the first line says how many."""
        doc = self.document()
        has_note = doc.firstBlock().userState() == NOTE_STATE
        extra_blocks = doc.blockCount() - has_note - MAX_LINES
        extra_chars = doc.characterCount() - MAX_CHARS
        if extra_blocks <= 0 and extra_chars <= 0:
            return
        block = doc.firstBlock().next() if has_note else doc.firstBlock()
        start = block.position()
        lines = chars = 0
        while (
            block.isValid()
            and block != doc.lastBlock()
            and (lines < extra_blocks or chars < extra_chars)
        ):
            lines += 1
            chars += block.length()
            block = block.next()
        if lines == 0:
            return
        self.dropped_lines += lines
        self.dropped_chars += chars
        cursor = QTextCursor(doc)
        cursor.setPosition(start)
        cursor.setPosition(block.position(), QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        self._write_note(has_note)

    def _write_note(self, has_note: bool) -> None:
        note = (
            f"[… {self.dropped_lines:,} earlier lines ({_size(self.dropped_chars)}) dropped: "
            f"the console keeps the last {MAX_LINES:,} lines, at most {_size(MAX_CHARS)}]"
        )
        cursor = QTextCursor(self.document())
        if has_note:
            cursor.movePosition(
                QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor
            )
            cursor.insertText(note, self._colours.note_char)
        else:
            cursor.insertText(note, self._colours.note_char)
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            self.document().firstBlock().setUserState(NOTE_STATE)

    # ---------------------------------------------------------- following
    def following(self) -> bool:
        """Whether new text scrolls into view (False once the user scrolled up)."""
        return self._follow

    def _scroll_to_end(self) -> None:
        bar = self.verticalScrollBar()
        self._moving_to_end = True
        try:
            bar.setValue(bar.maximum())
        finally:
            self._moving_to_end = False

    def _range_changed(self, _minimum: int, _maximum: int) -> None:
        # A resize re-wraps the lines and moves the maximum: stay at the end.
        if self._follow:
            QTimer.singleShot(0, self._scroll_to_end_if_following)
            self._scroll_to_end()

    def _scroll_to_end_if_following(self) -> None:
        if self._follow:
            self._scroll_to_end()

    def _value_changed(self, value: int) -> None:
        if not self._moving_to_end:
            self._follow = value >= self.verticalScrollBar().maximum()

    # ------------------------------------------------------------- theme
    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()

    def _restyle(self) -> None:
        """Colour echoed commands (old and new) for the current palette."""
        base = self.palette().color(QPalette.ColorRole.Base)
        colours = _Formats(console_colours(base.lightnessF() < 0.5))
        if self._colours is not None and colours.key == self._colours.key:
            return
        self._colours = colours
        block = self.document().firstBlock()
        cursor = QTextCursor(self.document())
        while block.isValid():
            state = block.userState()
            if state in (COMMAND_STATE, NOTE_STATE):
                cursor.setPosition(block.position())
                cursor.movePosition(
                    QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor
                )
                if state == COMMAND_STATE:
                    cursor.setBlockFormat(colours.command_block)
                    cursor.setCharFormat(colours.command_char)
                else:
                    cursor.setCharFormat(colours.note_char)
            block = block.next()


class _Formats:
    """Text formats made from the theme's console colours."""

    def __init__(self, colours) -> None:
        self.key = tuple(colours)
        self.command_block = QTextBlockFormat()
        self.command_block.setBackground(QBrush(QColor(colours.command_background)))
        self.command_char = QTextCharFormat()
        self.command_char.setForeground(QBrush(QColor(colours.command_text)))
        self.command_char.setFontWeight(QFont.Weight.Bold)
        self.note_char = QTextCharFormat()
        self.note_char.setForeground(QBrush(QColor(colours.note_text)))
        self.note_char.setFontItalic(True)


def _printable(text: str) -> str:
    """Text Qt can hold: NUL shown as ␀, lone surrogates as U+FFFD."""
    if "\0" in text:
        text = text.replace("\0", "␀")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _size(chars: int) -> str:
    if chars >= 1_000_000:
        return f"{chars / 1_000_000:.1f} M characters"
    if chars >= 1_000:
        return f"{chars / 1_000:.0f} k characters"
    return f"{chars} characters"
