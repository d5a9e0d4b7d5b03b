"""The core's commands: every change is one undoable entry of the history (the code log).

Qt-free: the session and watcher are driven the way the console and scripts
drive them, and values are compared bit for bit.
"""

import threading

import numpy as onp
import pytest

from engine import np
from engine.gluon import nn
from explorer.core.commands import CommandHistory
from explorer.core.session import Session
from explorer.core.watcher import Watcher


@pytest.fixture
def session():
    s = Session()
    s.open_example("mlp")
    return s


def values(net):
    return {
        name: p.data().asnumpy().copy()
        for name, p in net.collect_params().items()
        if p.is_initialized
    }


def assert_same(a, b):
    assert a.keys() == b.keys()
    for name in a:
        assert a[name].tobytes() == b[name].tobytes(), name


def test_console_edits_undo_and_redo_bit_for_bit(session):
    original = values(session.net)
    session.execute("net[0].weight.data()[:] += 1")
    session.execute("net[1].bias.set_data(np.arange(10) * 0.5)")
    session.execute("net[0].weight.data()[3, 4] = np.nan")
    edited = values(session.net)
    assert onp.isnan(edited[session.net[0].weight.name][3, 4])
    for _ in range(3):
        session.undo()
    assert_same(values(session.net), original)
    for _ in range(3):
        session.redo()
    assert_same(values(session.net), edited)  # NaN payloads included


def test_versions_only_move_forward_through_undo_and_redo(session):
    weight = session.net[0].weight
    seen = [weight.version]
    for step in (
        lambda: session.execute("net[0].weight.data()[:] *= 2"),
        session.undo,
        session.redo,
        session.undo,
    ):
        step()
        seen.append(weight.version)
    assert seen == sorted(seen) and len(set(seen)) == len(seen)


def test_a_line_that_changes_nothing_is_logged_but_not_undoable(session):
    undoable_before = session.commands.can_undo
    entries = len(session.commands.entries)
    session.execute("print(net[0].weight.shape)")
    assert session.code_log[-1] == "print(net[0].weight.shape)"
    assert len(session.commands.entries) == entries + 1
    assert session.commands.entries[-1].changes_model is False
    assert session.commands.can_undo == undoable_before


def test_structure_edits_undo_and_redo(session):
    net = session.net
    session.execute("net.add(nn.Dense(5))\nnet[2].initialize()")
    session.execute("net(np.ones((2, 20)))")  # the new layer's deferred shape becomes known
    added = net[2]
    assert net[2].weight.shape == (5, 10)
    session.undo()
    assert net[2].weight.shape == (5, -1) and not net[2].weight.is_initialized
    session.undo()
    assert len(net) == 2
    session.redo()
    session.redo()
    assert net[2] is added and net[2].weight.shape == (5, 10) and net[2].weight.is_initialized


def test_undo_restores_sharing_and_names():
    s = Session()
    s.open_example("tied")
    net = s.net
    shared = net[1].weight
    names = list(net.collect_params().keys())
    # Untie by hand in the console: a fresh Dense takes net[2]'s place.
    s.execute(
        "net._children['2'] = nn.Dense(8, activation='relu', in_units=8)\n"
        "net._children['2'].initialize()"
    )
    assert net[2].weight is not shared
    s.undo()
    assert net[2].weight is shared
    assert list(net.collect_params().keys()) == names


def test_a_failed_line_keeps_what_ran_and_undo_takes_it_back(session):
    before = values(session.net)
    with pytest.raises(ZeroDivisionError):
        session.execute("net[0].weight.data()[:] = 7\n1 / 0")
    assert float(session.net[0].weight.data()[0, 0]) == 7
    session.undo()
    assert_same(values(session.net), before)


def test_an_atomic_command_that_fails_changes_nothing(session):
    before = values(session.net)
    entries = len(session.commands.entries)

    def half_then_fail():
        session.net[0].weight.data()[:] = 0
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        session.run_command("Half", "net[0].weight.data()[:] = 0", half_then_fail)
    assert_same(values(session.net), before)
    assert len(session.commands.entries) == entries


def test_rebinding_net_in_the_console_opens_that_block_and_undo_goes_back(session):
    old = session.net
    session.execute("net = nn.Sequential()\nnet.add(nn.Dense(3, in_units=2))\nnet.initialize()")
    assert session.net is not old and session.namespace["net"] is session.net
    assert isinstance(session.net[0], nn.Dense)
    session.undo()  # the line changed nothing of the old net: one step back opens it again
    assert session.net is old and session.namespace["net"] is old


def test_net_rebound_to_a_non_block_is_refused(session):
    old = session.net
    said = []
    session.printed.connect(said.append)
    session.execute("net = 5")
    assert session.net is old and session.namespace["net"] is old
    assert "must stay a Block" in said[-1]


def test_the_code_log_holds_what_is_in_effect(session):
    session.execute("net[0].weight.data()[:] = 1")
    assert session.code_log[-1] == "net[0].weight.data()[:] = 1"
    session.undo()
    assert "net[0].weight.data()[:] = 1" not in session.code_log
    session.redo()
    assert session.code_log[-1] == "net[0].weight.data()[:] = 1"
    session.undo()
    session.execute("net[0].weight.data()[:] = 2")  # a new command drops the redo tail
    assert not session.can_redo
    assert session.code_log[-1] == "net[0].weight.data()[:] = 2"


def test_history_is_bounded_and_says_how_much_it_dropped():
    history = CommandHistory(max_entries=5)
    s = Session()
    s.commands = history
    s.open_example("mlp")
    for i in range(12):
        s.execute(f"net[0].weight.data()[0, 0] = {i}")
    # 14 entries: the seed, the example, 12 edits
    assert len(history.entries) == 5 and history.dropped == 9
    assert "9 earlier entries" in s.code_script()
    s.clear_log()
    assert history.entries == [] and not s.can_undo


def test_go_to_walks_the_history(session):
    marks = []
    for i in range(3):
        session.execute(f"net[0].weight.data()[0, 0] = {i + 10}")
        marks.append(session.commands.cursor)
    session.go_to(marks[0])
    assert float(session.net[0].weight.data()[0, 0]) == 10
    session.go_to(marks[2])
    assert float(session.net[0].weight.data()[0, 0]) == 12


def test_watcher_reports_exactly_what_moved(session):
    watcher = Watcher(session)
    events = []
    watcher.structure_changed.connect(lambda: events.append("structure"))
    watcher.values_changed.connect(lambda ps: events.append(("values", [p.name for p in ps])))
    watcher.grads_changed.connect(lambda ps: events.append(("grads", len(ps))))
    watcher.poll()
    assert events == ["structure"]
    events.clear()
    assert watcher.poll() is False and events == []
    session.execute("net[1].weight.data()[:] = 0")
    watcher.poll()
    assert events == [("values", [session.net[1].weight.name])]
    events.clear()
    session.compute_gradients()
    watcher.poll()
    assert events == [("grads", 4)]


def test_snapshots_never_see_a_half_written_array(session):
    """A training-like writer thread fills the weight with one value per step, under the
    session's lock; every snapshot a view takes meanwhile holds one value only."""
    weight = session.net[0].weight
    stop = threading.Event()

    def writer():
        k = 0
        while not stop.is_set():
            k += 1
            with session.lock:
                data = weight.data().asnumpy_view()
                for row in range(data.shape[0]):  # row by row: a torn read would show
                    data[row] = k
                weight.data()._bump()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        torn = 0
        for _ in range(300):
            copy = session.snapshot(weight)
            torn += int(copy.min() != copy.max())
    finally:
        stop.set()
        thread.join()
    assert torn == 0


def test_forward_of_a_deferred_net_is_an_undoable_command():
    s = Session()
    net = nn.Sequential()
    net.add(nn.Dense(4))
    net.initialize()
    s.use_net(net)
    s.forward(np.ones((2, 3)))
    assert net[0].weight.shape == (4, 3)
    s.undo()
    assert not net[0].weight.is_initialized and net[0].weight.shape == (4, -1)


def test_building_an_unrelated_block_moves_nothing_the_watcher_sees(session):
    watcher = Watcher(session)
    watcher.poll()
    events = []
    watcher.structure_changed.connect(lambda: events.append("structure"))
    session.execute("other = nn.Sequential()\nother.add(nn.Dense(3), nn.Dense(4))")
    assert watcher.poll() is False and events == []
    session.execute("net.add(other)")
    watcher.poll()
    assert events == ["structure"]
