"""Redraws while training: once per poll, nothing out of sight, the latest step after Pause."""

import numpy as onp
import pytest
from PySide6.QtGui import QResizeEvent

from engine import np
from explorer.core.histogram_history import snapshot_counts


def _spiral(window, qtbot):
    session = window.session
    session.set_dataset("spiral", noise=0.1)
    np.random.seed(0)
    session.new_mlp(hidden=(16, 16), activation="tanh")
    qtbot.waitUntil(lambda: not window._demo_timer.isActive())  # the opened model's demo ran
    assert window.select("net[0].weight")
    window.refresh_views()
    return session


def test_a_step_redraws_data_and_gradient_once_per_poll(window, qtbot):
    session = _spiral(window, qtbot)
    view = window.tensor_view
    data_draws, grad_draws = view.data_panel.redraw_count, view.grad_panel.redraw_count
    session.train(3)  # data and gradient both move
    window.watcher.poll()
    assert view.data_panel.redraw_count == data_draws + 1
    assert view.grad_panel.redraw_count == grad_draws + 1
    window.watcher.poll()  # nothing moved since
    assert view.data_panel.redraw_count == data_draws + 1
    assert view.grad_panel.redraw_count == grad_draws + 1


def test_the_watcher_reports_data_and_gradients_in_one_event(window, qtbot):
    session = _spiral(window, qtbot)
    seen = []
    window.watcher.parameters_changed.connect(lambda values, grads: seen.append((values, grads)))
    session.train(1)
    window.watcher.poll()
    assert len(seen) == 1
    values, grads = seen[0]
    weight = session.net[0].weight
    assert any(p is weight for p in values) and any(p is weight for p in grads)


def test_a_dock_tabbed_behind_another_draws_nothing_until_raised(window, qtbot):
    session = _spiral(window, qtbot)
    docks = window.training_docks
    docks.training_dock.raise_()
    qtbot.waitUntil(lambda: docks.training_panel.isVisible())
    view = docks.depth_profile_view
    # Qt moves a tabbed-away dock out of the window instead of hiding it.
    assert view.isVisible() and view.visibleRegion().isEmpty()
    session.train(5)
    window.watcher.poll()
    assert view.rows == []  # no forward pass for a view nobody sees
    docks.depth_profile_dock.raise_()
    qtbot.waitUntil(lambda: not view.visibleRegion().isEmpty())
    qtbot.waitUntil(lambda: view.rows != [])  # raised: it caught up by itself
    assert view.rows[0]["path"] == "net[0]"


def test_a_live_panel_keeps_its_words_until_the_interval_then_pause_shows_the_latest(window, qtbot):
    _spiral(window, qtbot)
    panel = window.tensor_view.data_panel
    rng = onp.random.default_rng(0)
    first = rng.normal(0, 1, (16, 2)).astype(onp.float32)
    panel.set_live(True)
    panel.show_array(first, None)  # the first live redraw draws everything
    table = panel.histogram.stats_label.text()
    scale = panel.colour_scale
    assert scale.high == pytest.approx(1.1 * onp.abs(first).max(), rel=1e-6)  # headroom
    second = first * 0.5
    panel.show_array(second, None)
    assert panel.statistics.max == pytest.approx(second.max())  # computed every redraw
    assert panel.histogram.stats_label.text() == table  # words wait for the interval
    assert panel.colour_scale == scale
    panel.set_live(False)  # Pause: the latest numbers and the exact scale at once
    assert panel.histogram.stats_label.text() != table
    assert panel.colour_scale.high == pytest.approx(onp.abs(second).max(), rel=1e-6)
    assert panel.heatmap.colour_scale == panel.colour_scale


def test_a_live_panel_catches_up_by_itself_within_the_interval(window, qtbot):
    _spiral(window, qtbot)
    panel = window.tensor_view.data_panel
    values = onp.linspace(-1, 1, 32, dtype=onp.float32).reshape(4, 8)
    panel.set_live(True)
    panel.show_array(values, None)
    table = panel.histogram.stats_label.text()
    panel.show_array(values * 3, None)
    assert panel.histogram.stats_label.text() == table
    qtbot.waitUntil(lambda: panel.histogram.stats_label.text() != table, timeout=2000)
    assert "3" in panel.histogram.stats_label.text()  # max 3 now in the table


def test_pause_after_live_training_shows_the_last_step(window, qtbot):
    session = _spiral(window, qtbot)
    session.start_training()
    qtbot.waitUntil(lambda: session.training.step_count >= 40, timeout=30000)
    assert window.tensor_view.data_panel.live
    session.pause_training()
    window.watcher.poll()
    panel = window.tensor_view.data_panel
    assert not panel.live
    weight = session.net[0].weight.data().asnumpy()
    assert onp.array_equal(panel.values, weight)
    assert panel.colour_scale.high == pytest.approx(onp.abs(weight).max(), rel=1e-6)
    assert f"{weight.mean():.4g}" in panel.histogram.stats_label.text()


def test_histogram_snapshot_counts_match_numpy_and_skip_non_finite_values():
    rng = onp.random.default_rng(1)
    values = rng.standard_normal((64, 50)).astype(onp.float32)
    counts, lo, hi = snapshot_counts(values)
    reference, _ = onp.histogram(values, bins=64, range=(lo, hi))
    assert counts.sum() == values.size and (lo, hi) == (values.min(), values.max())
    assert onp.abs(counts - reference).sum() <= 2  # at most a value on an edge moved
    with_bad = onp.array([1.0, onp.nan, onp.inf, -onp.inf, 2.0, 3.0])
    counts, lo, hi = snapshot_counts(with_bad)
    assert counts.sum() == 3 and (lo, hi) == (1.0, 3.0) and counts[-1] == 1
    assert snapshot_counts(onp.array([onp.nan]))[0] is None
    counts, lo, hi = snapshot_counts(onp.array([3e38, -3e38, 0.0], onp.float32))
    assert counts.sum() == 3 and counts[0] == counts[-1] == 1


def test_a_large_live_array_draws_sampled_bars_and_exact_numbers_return_on_pause(window, qtbot):
    from explorer.views.array_statistics import tensor_statistics

    _spiral(window, qtbot)
    panel = window.tensor_view.data_panel
    rng = onp.random.default_rng(3)
    values = rng.normal(0, 0.05, (256, 784)).astype(onp.float32)
    values[7, 9] = 1.5  # one outlier: the image and the maximum must still show it
    exact = tensor_statistics(values)
    panel.set_live(True)
    panel.show_array(values, None)  # the first live redraw: words, from a full pass
    caption = panel.histogram.caption_label.text()
    assert caption.startswith("while training: a 1/")
    assert "sample of 200,704 values" in caption
    table = panel.histogram.stats_label.text()
    assert f"{exact.mean:.4g}" in table  # the numbers are exact, only the bars sampled
    moved = values * 0.9
    panel.show_array(moved, None)  # a picture-only redraw
    assert panel.histogram.statistics.has_sums is False
    assert panel.histogram.stats_label.text() == table  # the words wait
    size = panel.histogram.size()
    panel.histogram.resizeEvent(QResizeEvent(size, size))  # re-lays the table out
    assert f"{exact.mean:.4g}" in panel.histogram.stats_label.text()  # not "nan"
    assert panel.heatmap.display_image.image.max() == pytest.approx(1.35, rel=1e-6)
    bars = panel.histogram.statistics.counts
    assert bars.sum() == pytest.approx(values.size, rel=1e-9)  # scaled to all the values
    # The numbers a caller asks for are computed when asked, not left out.
    assert panel.statistics.mean == pytest.approx(float(moved.mean(dtype=onp.float64)))
    panel.set_live(False)  # Pause: every value counted again
    caption = panel.histogram.caption_label.text()
    assert "sample" not in caption and "histogram of 200,704 values" in caption
    full = tensor_statistics(moved)
    assert onp.array_equal(panel.histogram.statistics.counts, full.counts)
    assert f"{full.mean:.4g}" in panel.histogram.stats_label.text()


def test_live_statistics_agree_with_the_full_pass_on_what_they_compute():
    from explorer.views.array_statistics import (
        live_statistics_and_image,
        statistics_and_image,
    )

    rng = onp.random.default_rng(4)
    values = rng.standard_normal((300, 1000)).astype(onp.float32)
    full, full_image = statistics_and_image(values, 1024, max_shape=(120, 90))
    live, live_image = live_statistics_and_image(values, 1024, max_shape=(120, 90))
    assert (live.min, live.max, live.finite_count) == (full.min, full.max, full.finite_count)
    assert onp.array_equal(live_image.image, full_image.image)
    assert onp.array_equal(live.edges, full.edges) and live.is_sampled
    shares = live.counts / live.counts.sum() - full.counts / full.counts.sum()
    assert onp.abs(shares).max() < 0.005  # bars within half a per cent of the whole
    assert onp.isnan(live.mean) and not live.has_sums
    # NaN or Inf: the legend counts them, so the live pass counts every value.
    values[0, 0] = onp.nan
    live, _ = live_statistics_and_image(values, 1024, max_shape=(120, 90))
    assert live.has_sums and live.nan_count == 1


def test_snapshots_of_a_large_weight_count_a_sample_over_the_exact_range():
    rng = onp.random.default_rng(2)
    values = rng.standard_normal((300, 1000)).astype(onp.float32)
    counts, lo, hi = snapshot_counts(values)
    assert (lo, hi) == (values.min(), values.max())  # the range sees every value
    assert counts.sum() < values.size  # ... the counts a sample
    exact, _, _ = snapshot_counts(values, sample_limit=values.size)
    assert exact.sum() == values.size
    assert onp.abs(counts / counts.sum() - exact / exact.sum()).max() < 0.005


def test_a_minimized_window_draws_nothing_and_catches_up_when_restored(window, qtbot):
    session = _spiral(window, qtbot)
    panel = window.tensor_view.data_panel
    draws = panel.redraw_count
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    session.train(3)
    window.watcher.poll()
    assert panel.redraw_count == draws  # nobody sees it: training keeps the cores
    window.showNormal()
    qtbot.waitUntil(lambda: panel.redraw_count == draws + 1)  # restored: caught up
    assert onp.array_equal(panel.values, session.net[0].weight.data().asnumpy())


def test_a_live_histogram_axis_has_room_past_the_values_and_fits_them_on_pause(window, qtbot):
    _spiral(window, qtbot)
    panel = window.tensor_view.grad_panel
    values = onp.linspace(-1.0, 1.0, 64, dtype=onp.float32).reshape(8, 8)
    panel.set_live(True)
    panel.show_array(values, None)  # a live redraw that lays the axes out
    low, high = panel.histogram.plot.getViewBox().viewRange()[0]
    assert low < -1.15 and high > 1.15  # 10 % of the span past each end, then padding
    panel.show_array(values * 1.08, None)  # the next update's values still fit: same axis
    assert panel.histogram.plot.getViewBox().viewRange()[0] == [low, high]
    panel.set_live(False)  # Pause: the values' own range (±1.08) and the usual 4 % padding
    low, high = panel.histogram.plot.getViewBox().viewRange()[0]
    assert low == pytest.approx(-1.08 - 0.04 * 2.16, rel=1e-3)
    assert high == pytest.approx(1.08 + 0.04 * 2.16, rel=1e-3)


def test_a_long_name_in_a_column_title_can_wrap_instead_of_being_cut(window, qtbot):
    from PySide6.QtGui import QFontMetrics

    panel = window.tensor_view.grad_panel
    panel.set_title("Gradient", "of SoftmaxCrossEntropyLoss on the latest training batch")
    word = QFontMetrics(panel.title_label.font()).horizontalAdvance("SoftmaxCrossEntropyLoss")
    # The narrowest the title can be is set by its longest unbreakable run.
    assert panel.title_label.minimumSizeHint().width() < word * 0.6
    assert "SoftmaxCrossEntropyLoss" in panel.title_label.text().replace("\u200b", "")
