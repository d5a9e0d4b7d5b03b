"""Histogram snapshots over a run, and the values they keep for the time slider."""

import numpy as onp
import pytest

from engine import init
from engine.gluon import Parameter
from explorer.core import histogram_history
from explorer.core.histogram_history import HistogramHistory


def _param(shape=(4, 3)):
    param = Parameter("w", shape=shape)
    param.initialize(init.Normal(1.0))
    return param


def test_each_snapshot_keeps_the_values_of_its_step():
    param, history = _param(), HistogramHistory(interval=2)
    history.watch(param, "net[0].weight")
    seen = {}
    for step in range(1, 7):
        param.set_data(param.data() + 1)
        if history.record(step):
            seen[step] = param.data().asnumpy()
    assert [s.step for s in history.snapshots] == [2, 4, 6]
    for snap in history.snapshots:
        onp.testing.assert_array_equal(snap.values, seen[snap.step])
    step, values = history.values_near(1)
    assert step == 4
    onp.testing.assert_array_equal(values, seen[4])
    param.set_data(param.data() * 0)  # later writes do not reach a kept copy
    onp.testing.assert_array_equal(history.snapshots[0].values, seen[2])


def test_past_the_budget_older_snapshots_give_their_values_up(monkeypatch):
    param, history = _param((10, 10)), HistogramHistory(interval=1)
    history.watch(param, "w")
    monkeypatch.setattr(histogram_history, "VALUES_BUDGET_BYTES", 5 * 400)  # five copies
    for step in range(1, 13):
        history.record(step)
    kept = [s.step for s in history.snapshots if s.values is not None]
    assert len(history.snapshots) == 12  # every histogram stays
    assert kept[-1] == 12 and len(kept) <= 5
    assert sum(s.values.nbytes for s in history.snapshots if s.values is not None) <= 2000
    # a snapshot without values is shown from its nearest neighbour that has them
    first_without = next(i for i, s in enumerate(history.snapshots) if s.values is None)
    step, _values = history.values_near(first_without)
    assert step in kept


def test_a_parameter_larger_than_the_budget_keeps_histograms_only(monkeypatch):
    param, history = _param((10, 10)), HistogramHistory(interval=1)
    history.watch(param, "w")
    monkeypatch.setattr(histogram_history, "VALUES_BUDGET_BYTES", 100)
    assert history.record(1)
    assert history.snapshots[0].values is None
    assert history.values_near(0) is None


@pytest.mark.parametrize("index", [-5, 0, 99])
def test_values_near_an_index_out_of_range_is_the_nearest_end(index):
    param, history = _param(), HistogramHistory(interval=1)
    history.watch(param, "w")
    for step in (1, 2, 3):
        history.record(step)
    step, _ = history.values_near(index)
    assert step == (1 if index <= 0 else 3)


def test_copies_of_the_list_kept_for_undo_do_not_keep_values_given_up(monkeypatch):
    # The undo history keeps earlier lists of snapshots: a copy given up must be freed
    # for them too, or the budget bounds nothing (a live run's memory grew 15 % a minute).
    param, history = _param((10, 10)), HistogramHistory(interval=1)
    history.watch(param, "w")
    monkeypatch.setattr(histogram_history, "VALUES_BUDGET_BYTES", 4 * 400)
    earlier_lists = []
    for step in range(1, 21):
        history.record(step)
        earlier_lists.append(list(history.snapshots))
    arrays = {id(s.values): s.values for lst in earlier_lists for s in lst if s.values is not None}
    assert sum(a.nbytes for a in arrays.values()) <= 4 * 400
