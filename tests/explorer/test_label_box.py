"""A label in a LabelBox: new text of the same size lays nothing else out; a taller one does."""

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from explorer.views.label_box import LabelBox


class _LayoutRequests(QObject):
    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def _column(qtbot):
    column = QWidget()
    qtbot.addWidget(column)
    label = QLabel("mean 0.0123")
    label.setWordWrap(True)
    layout = QVBoxLayout(column)
    box = LabelBox(label)
    layout.addWidget(box)
    layout.addWidget(QLabel("below"))
    layout.addStretch(1)  # the box gets the height it asks for, no more
    column.resize(300, 200)
    column.show()
    qtbot.waitExposed(column)
    qtbot.wait(20)  # the first layout is done
    return column, label, box


def test_a_new_text_of_the_same_size_lays_out_nothing_else(qtbot):
    column, label, box = _column(qtbot)
    requests = _LayoutRequests(column)
    for k in range(5):
        label.setText(f"mean 0.012{k}")
        qtbot.wait(10)
    assert requests.count == 0
    assert label.text() == "mean 0.0124" and label.geometry() == box.rect()


def test_a_taller_text_grows_the_box_in_its_layout(qtbot):
    column, label, box = _column(qtbot)
    one_line = box.height()
    label.setText(" ".join(["a long line of statistics"] * 12))  # wraps at 300 px
    qtbot.waitUntil(lambda: box.height() > 2 * one_line)
    assert label.height() == box.height()  # the label fills its box
