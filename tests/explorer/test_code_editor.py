"""The custom-initializer editor: indentation as a Python editor keeps it, and error marks."""

from PySide6.QtCore import Qt

from explorer.dialogs.code_editor import CodeEditor


def test_return_after_colon_indents_and_keeps_indentation(qtbot):
    editor = CodeEditor()
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor, "class MyInit(init.Initializer):")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "def _init_weight(self, name, data):")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "data[:] = 1")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "data *= 2")
    assert editor.toPlainText().splitlines() == [
        "class MyInit(init.Initializer):",
        "    def _init_weight(self, name, data):",
        "        data[:] = 1",
        "        data *= 2",
    ]


def test_error_mark_shows_the_line_and_clears_on_edit(qtbot):
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.setPlainText("a = 1\nb = (\nc = 3\n")
    editor.mark_error(2)
    assert editor.error_line == 2 and len(editor.extraSelections()) == 1
    assert editor.textCursor().blockNumber() == 1
    qtbot.keyClicks(editor, "x")
    assert editor.error_line is None and editor.extraSelections() == []


def test_monospace_font_and_line_numbers(qtbot):
    editor = CodeEditor()
    qtbot.addWidget(editor)
    metrics = editor.fontMetrics()
    assert metrics.horizontalAdvance("iiii") == metrics.horizontalAdvance("MMMM")
    assert editor.viewportMargins().left() >= editor.line_number_width() > 0
