"""``ConsoleInput``: the console's input line with Tab completion, indentation and safe paste.

pyqtgraph's ``CmdInput`` (history on Up/Down, Enter runs) plus:

* **Tab** completes the word before the cursor (:mod:`explorer.views.console_completion`);
  at the start of a line (only spaces before the cursor) it indents by four.
  Shift+Tab or Backspace in the indentation removes one level.
* **Indentation**: after a line that opens a block (``for i in range(3):``) the
  next line starts indented one level deeper; inside a block it keeps the
  previous line's indentation (:meth:`indent_after`).
* **Paste**: text longer than :data:`MAX_INPUT_CHARS` is refused with a note in
  the console (a line edit lays out its whole text on every keystroke: a
  megabyte would freeze the window; a long script belongs in ``--run`` or a
  model file). NUL characters are shown as ``␀`` and lone surrogates replaced,
  so what is shown is what runs.
"""

from __future__ import annotations

from pyqtgraph.console.CmdInput import CmdInput
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLineEdit

__all__ = ["ConsoleInput", "MAX_INPUT_CHARS", "INDENT"]

MAX_INPUT_CHARS = 100_000
INDENT = "    "


class ConsoleInput(CmdInput):
    """The console's input line.

    Signals
    -------
    completion_requested()
        Tab pressed after a word: complete it.
    refused(str)
        A paste was refused; the text says why.
    """

    completion_requested = Signal()
    refused = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMaxLength(MAX_INPUT_CHARS)

    # -------------------------------------------------------------- keys
    def event(self, event) -> bool:
        # Tab would move the focus to the next widget before keyPressEvent sees it.
        if event.type() == QEvent.Type.KeyPress and event.key() in (
            Qt.Key.Key_Tab,
            Qt.Key.Key_Backtab,
        ):
            if event.key() == Qt.Key.Key_Backtab:
                self._dedent()
            elif self.text()[: self.cursorPosition()].strip() == "":
                self.insert(INDENT)
            else:
                self.completion_requested.emit()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_text(QGuiApplication.clipboard().text())
            return
        if (
            event.key() == Qt.Key.Key_Backspace
            and not self.hasSelectedText()
            and self.cursorPosition() > 0
            and self.text()[: self.cursorPosition()].strip(" ") == ""
        ):
            self._dedent()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event) -> None:
        menu = self.createStandardContextMenu()
        paste = next((a for a in menu.actions() if a.objectName() == "edit-paste"), None)
        if paste is not None:
            paste.triggered.disconnect()
            paste.triggered.connect(lambda: self.paste_text(QGuiApplication.clipboard().text()))
        menu.exec(event.globalPos())
        menu.deleteLater()

    # ------------------------------------------------------------- paste
    def paste_text(self, text: str) -> None:
        """Insert ``text`` at the cursor as a paste would, refusing what is too long."""
        room = MAX_INPUT_CHARS - len(self.text()) + len(self.selectedText())
        if len(text) > room:
            self.refused.emit(
                f"# paste refused: {len(text):,} characters; the input takes at "
                f"most {MAX_INPUT_CHARS:,}. Run a long script with "
                f"exec(open('script.py').read()) or paramscope --run script.py"
            )
            return
        self.insert(printable(text))
        self.history[0] = self.text()

    # -------------------------------------------------------- indentation
    def _dedent(self) -> None:
        before = self.text()[: self.cursorPosition()]
        spaces = len(before) - len(before.lstrip(" "))
        if spaces and before.strip(" ") == "":
            remove = (spaces - 1) % len(INDENT) + 1
            self.setSelection(self.cursorPosition() - remove, remove)
            self.del_()

    def indent_after(self, line: str) -> None:
        """Start the next continuation line with ``line``'s indentation (+1 after a ``:``)."""
        indent = line[: len(line) - len(line.lstrip(" \t"))].replace("\t", INDENT)
        if line.split("#", 1)[0].rstrip().endswith(":"):
            indent += INDENT
        QLineEdit.setText(self, indent)
        self.history[0] = indent


def printable(text: str) -> str:
    """Text a line edit can hold and show as it is: NUL as ␀, lone surrogates replaced."""
    if "\0" in text:
        text = text.replace("\0", "␀")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text
