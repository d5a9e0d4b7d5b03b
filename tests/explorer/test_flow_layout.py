"""FlowLayout wraps its items at the width it gets, and measures again when they change."""

from PySide6.QtWidgets import QPushButton, QWidget

from explorer.views.flow_layout import FlowLayout


def _layout_with_buttons(qtbot, texts):
    host = QWidget()
    qtbot.addWidget(host)
    layout = FlowLayout(host, spacing=4)
    buttons = [QPushButton(text) for text in texts]
    for button in buttons:
        layout.addWidget(button)
    return host, layout, buttons


def test_items_wrap_onto_more_lines_in_a_narrower_width(qtbot):
    _, layout, buttons = _layout_with_buttons(qtbot, ["log counts", "fix range", "hide zeros"])
    widest = sum(b.sizeHint().width() for b in buttons) + 8
    one_line = layout.heightForWidth(widest)
    assert one_line == max(b.sizeHint().height() for b in buttons)
    narrow = max(b.sizeHint().width() for b in buttons)
    assert layout.heightForWidth(narrow) >= 3 * one_line  # one button per line


def test_a_changed_item_is_measured_again(qtbot):
    host, layout, buttons = _layout_with_buttons(qtbot, ["a", "b"])
    host.show()
    width = sum(b.sizeHint().width() for b in buttons) + 4
    one_line = layout.heightForWidth(width)
    calls = []
    arrange = layout._arrange
    layout._arrange = lambda rect, move: calls.append(rect.width()) or arrange(rect, move)
    layout.heightForWidth(width)
    assert calls == []  # the same width again: measured once
    buttons[0].setText("a much longer label than before")  # its size hint grows
    qtbot.waitUntil(lambda: layout.heightForWidth(width) > one_line)  # now on two lines
