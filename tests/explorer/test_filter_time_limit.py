"""The filter box never freezes the window: patterns are matched with a time limit.

Python's ``re`` backtracks exponentially on ``(\\w+)*_bias$`` against a name
that does not end in ``_bias`` (2.3 s at 26 characters, doubling per
character). The names below are chosen so that ``re`` would take about ten
seconds on them in all: long enough to fail these tests, short enough not to
hang the suite if the time limit were ever lost.
"""

import time

import hostile_patterns
import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from engine import np
from engine.gluon import nn
from explorer.core.param_filter import FilterError, match_parameters

# The slowest pattern of the reliability report (item 1), and a plausible one.
SLOW_PATTERNS = [r"(\w+)*_bias$", r"(\w+)+!"]
NESTED_NET = hostile_patterns.nested_net()


def long_named_net():
    """Four Dense layers whose weights are named ``aaaaaaaaaaaaaaaaaaa0_weight``...``3_weight``."""
    net = nn.Sequential()
    for i in range(4):
        net.add(nn.Dense(2, in_units=2, prefix="a" * 19 + f"{i}_"))
    net.initialize()
    net(np.zeros((1, 2)))
    return net


@pytest.mark.parametrize("pattern", SLOW_PATTERNS)
def test_slow_patterns_keep_collect_params_semantics(pattern):
    net = long_named_net()
    expected = [p for name, p in net.collect_params().items() if name.endswith("_bias")]
    got = match_parameters(net, pattern)
    assert got == (expected if pattern.endswith("_bias$") else [])


def test_a_pattern_over_budget_is_refused_with_a_message():
    net = long_named_net()
    with pytest.raises(FilterError, match="Pattern too slow"):
        match_parameters(net, r"(\w+)*_bias$", budget_s=0.0)


@pytest.mark.parametrize("pattern", ["a{99999999999}", "(" * 5000, "[", "(?P<", "\\"])
def test_patterns_regex_cannot_compile_are_a_filter_error(pattern):
    with pytest.raises(FilterError, match="Invalid regular expression"):
        match_parameters(long_named_net(), pattern)


def test_a_refused_pattern_in_the_box_changes_and_logs_nothing(qtbot, window):
    before = window.tree_view.model.shown_parameters()
    log_before = window.code_log_view.text()
    qtbot.keyClicks(window.tree_view.filter_edit, "a{99999999999}")
    qtbot.keyClick(window.tree_view.filter_edit, Qt.Key.Key_Return)
    assert window.tree_view.filter_error.isVisible()
    assert window.tree_view.model.shown_parameters() == before
    assert window.code_log_view.text() == log_before


class _PressClock(QObject):
    """Records when a mouse press reaches the watched widget."""

    def __init__(self):
        super().__init__()
        self.pressed_at = None

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.MouseButtonPress and self.pressed_at is None:
            self.pressed_at = time.perf_counter()
        return False


def test_the_window_answers_a_click_within_200_ms_while_the_slowest_pattern_is_applied(
    qtbot, window
):
    # The issue asks for this time-limited check: the filter runs on the GUI thread,
    # so a click waits for at most the filter's budget (0.15 s), never for the regex.
    window.session.use_net(long_named_net())
    tree = window.tree_view.tree
    clock = _PressClock()
    tree.viewport().installEventFilter(clock)
    window.tree_view.filter_edit.setText(SLOW_PATTERNS[0])  # starts the 250 ms debounce
    point = tree.visualRect(tree.model().index(0, 0)).center()

    posted = {}

    def click_while_filtering():
        # Queued behind the filter's apply, which the debounce timer starts now.
        posted["at"] = time.perf_counter()
        for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            QApplication.postEvent(
                tree.viewport(),
                QMouseEvent(
                    kind,
                    QPointF(point),
                    QPointF(tree.viewport().mapToGlobal(point)),
                    Qt.MouseButton.LeftButton,
                    Qt.MouseButton.LeftButton,
                    Qt.KeyboardModifier.NoModifier,
                ),
            )

    # The click is posted just before the debounced apply starts: it arrives while
    # the pattern is being matched, as a learner's click would.
    timer = window.tree_view._filter_timer
    timer.timeout.disconnect()
    timer.timeout.connect(click_while_filtering)
    timer.timeout.connect(window.tree_view.apply_filter)
    qtbot.waitUntil(lambda: clock.pressed_at is not None, timeout=30_000)
    tree.viewport().removeEventFilter(clock)
    assert not window.tree_view.filter_error.isVisible()
    shown = window.tree_view.model.shown_parameters()
    assert shown == list(window.session.net.collect_params(".*_bias$").values())
    assert clock.pressed_at - posted["at"] < 0.200


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_fuzzed_patterns_match_or_are_refused_within_the_budget(seed):
    pattern = hostile_patterns.random_pattern(onp.random.default_rng(seed))
    # A hang is hours (re on these names): 5 s finds one without failing on a busy
    # machine's hiccup (a refused pattern once took 0.7 s in a loaded CI run).
    outcome, error = hostile_patterns.run_pattern(NESTED_NET, pattern, hang_after_s=5.0)
    assert outcome in ("matched", "clean"), f"{outcome} for {pattern!r}: {error!r}"
