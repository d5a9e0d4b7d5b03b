"""TensorView: what a user sees for a parameter's data and gradient.

Each test builds a bare model and the view, connected through a real Session
and Watcher (the app's flow); ``watch(block)`` returns the poll a frame tick
would run.
"""

import numpy as onp
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPalette, QTextDocumentFragment
from PySide6.QtWidgets import QApplication

from engine import autograd, init
from engine import np as enp
from engine.gluon import Parameter, nn
from explorer.core.session import Session
from explorer.core.watcher import Watcher
from explorer.views.array_display import ViewChoice
from explorer.views.tensor_view import TensorView

KNOWN = onp.array(
    [[-6.0, 0.0, 6.0], [1.0, 2.0, 3.0], [0.5, -0.5, 0.0], [-3.0, 0.0, 0.0]], onp.float32
)


@pytest.fixture
def view(qtbot):
    widget = TensorView()
    qtbot.addWidget(widget)
    widget.resize(1100, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def watch(view):
    """``watch(block_or_param)`` → a ``poll()`` that tells the view what changed."""

    def start(obj):
        if isinstance(obj, Parameter):
            holder = nn.Block()
            holder.param = obj
            obj = holder
        session = Session()
        session.use_net(obj)
        watcher = Watcher(session)
        watcher.values_changed.connect(view.values_changed)
        watcher.grads_changed.connect(view.grads_changed)
        watcher.structure_changed.connect(view.structure_changed)
        view.set_snapshot_source(session.snapshot)
        watcher.poll()
        return watcher.poll

    return start


@pytest.fixture
def dense():
    net = nn.Dense(4, in_units=3)
    net.initialize()
    net.weight.set_data(KNOWN)
    return net


def shown_image(panel):
    return panel.heatmap.image_item.image


def stats_text(panel):
    html = panel.histogram.stats_label.text()
    return " ".join(QTextDocumentFragment.fromHtml(html).toPlainText().split())


def colour_on_screen(panel, row, col):
    """The colour drawn at the centre of cell (row, col) of the panel's heatmap."""
    heatmap = panel.heatmap
    QApplication.processEvents()  # let the view fit the image to the panel's size
    scene_point = heatmap.image_item.mapToScene(QPointF(col + 0.5, row + 0.5))
    widget_point = heatmap.mapFromScene(scene_point)
    return QColor(heatmap.grab().toImage().pixel(widget_point))


def test_heatmap_shows_the_weight_row_by_row_as_it_prints(view, dense):
    view.show_parameter(dense.weight, "net.weight")
    onp.testing.assert_array_equal(shown_image(view.data_panel), KNOWN)
    # Row 0 is on top, column 2 on the right: W[0, 2] = +6 is red, W[0, 0] = -6 blue,
    # W[3, 1] = 0 near white.
    red, blue, white = (
        colour_on_screen(view.data_panel, 0, 2),
        colour_on_screen(view.data_panel, 0, 0),
        colour_on_screen(view.data_panel, 3, 1),
    )
    assert red.red() > 150 and red.blue() < 100
    assert blue.blue() > 150 and blue.red() < 100
    assert min(white.red(), white.green(), white.blue()) > 200
    top = view.data_panel.heatmap.image_item.mapToScene(QPointF(0.5, 0.5)).y()
    bottom = view.data_panel.heatmap.image_item.mapToScene(QPointF(0.5, 3.5)).y()
    assert top < bottom


def test_levels_are_symmetric_about_zero(view, dense, watch):
    poll = watch(dense)
    view.show_parameter(dense.weight, "net.weight")
    heatmap = view.data_panel.heatmap
    assert heatmap.levels == heatmap.colour_bar.levels == (-6.0, 6.0)
    dense.weight.set_data(KNOWN / 24)  # mixed signs: still diverging
    poll()
    assert heatmap.levels == heatmap.colour_bar.levels == (-0.25, 0.25)
    # The bar shows the same colours: red on top (+level), blue at the bottom (-level).
    QApplication.processEvents()
    bar = heatmap.colour_bar.mapRectToScene(heatmap.colour_bar.rect())
    picture = heatmap.grab().toImage()
    top = QColor(picture.pixel(heatmap.mapFromScene(bar.center().x(), bar.top() + 3)))
    bottom = QColor(picture.pixel(heatmap.mapFromScene(bar.center().x(), bar.bottom() - 3)))
    assert top.red() > 150 > top.blue() and bottom.blue() > 150 > bottom.red()


def test_statistics_text(view, dense):
    view.show_parameter(dense.weight, "net.weight")
    text = stats_text(view.data_panel)
    assert f"mean {KNOWN.mean():.4g}" in text
    assert "min -6 max 6" in text
    assert f"L2 norm {onp.linalg.norm(KNOWN):.4g}" in text
    assert "zeros 33.3%" in text  # 4 of 12
    assert "NaN 0 Inf 0" in text
    assert "shape (4, 3) dtype float32 elements 12" in text


def test_nan_and_inf_are_counted(view, dense):
    values = KNOWN.copy()
    values[1, 1] = onp.nan
    values[2, 2] = onp.inf
    dense.weight.set_data(values)
    view.show_parameter(dense.weight, "net.weight")
    text = stats_text(view.data_panel)
    assert "NaN 1 Inf 1" in text
    assert "finite values only" in view.data_panel.histogram.stats_note_label.text()
    assert view.data_panel.histogram.stats_note_label.isVisible()


def test_write_through_data_redraws_only_the_data_panel(view, dense, watch):
    poll = watch(dense)
    view.show_parameter(dense.weight, "net.weight")
    data_draws, grad_draws = view.data_panel.redraw_count, view.grad_panel.redraw_count
    assert poll() is False  # nothing changed: nothing redraws
    assert view.data_panel.redraw_count == data_draws

    dense.weight.data()[:] += 1
    assert poll() is True
    onp.testing.assert_array_equal(shown_image(view.data_panel), KNOWN + 1)
    assert view.data_panel.redraw_count == data_draws + 1
    assert view.grad_panel.redraw_count == grad_draws
    assert poll() is False
    assert view.data_panel.redraw_count == data_draws + 1


def test_backward_redraws_only_the_gradient_panel(view, dense, watch):
    poll = watch(dense)
    view.show_parameter(dense.weight, "net.weight")
    data_draws = view.data_panel.redraw_count
    x = enp.array([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]])
    with autograd.record():
        y = dense(x).sum()
    y.backward()
    assert poll() is True
    expected = onp.tile(x.asnumpy().sum(axis=0), (4, 1))  # d(sum(Wx))/dW[i, j] = Σ_b x[b, j]
    onp.testing.assert_allclose(shown_image(view.grad_panel), expected)
    assert view.data_panel.redraw_count == data_draws


def test_hover_reports_index_and_value(view, dense, qtbot):
    view.show_parameter(dense.weight, "net.weight")
    with qtbot.waitSignal(view.hovered) as signal:
        view.data_panel.heatmap.hover_display_pixel(1, 2)
    assert signal.args == ["net.weight[1, 2] = 3"]
    with qtbot.waitSignal(view.hovered) as signal:
        view.grad_panel.heatmap.hover_display_pixel(0, 0)
    assert signal.args == ["net.weight.grad()[0, 0] = 0"]


def test_moving_the_mouse_over_the_heatmap_reports_the_cell(view, dense, qtbot):
    view.show_parameter(dense.weight, "net.weight")
    heatmap = view.data_panel.heatmap
    QApplication.processEvents()
    scene_point = heatmap.image_item.mapToScene(QPointF(0.5, 3.5))
    with qtbot.waitSignal(view.hovered) as signal:
        qtbot.mouseMove(heatmap.viewport(), heatmap.mapFromScene(scene_point))
    assert signal.args == ["net.weight[3, 0] = -3"]


def test_large_parameter_is_downsampled_but_hover_reports_original_indices(view, qtbot):
    param = Parameter("big_weight", shape=(4096, 4096))
    param.initialize(init=init.Normal(0.02))
    values = param.data().asnumpy()
    view.show_parameter(param, "big.weight")
    # Pooled to the panel's own pixels (never more than 1024), not left for Qt to thin out
    # (re-pooled a moment after the layout settles).
    heatmap = view.data_panel.heatmap

    def fits():
        rows, cols = heatmap.panel_pixels()
        image = shown_image(view.data_panel)
        return image.shape[0] <= min(1024, rows) and image.shape[1] <= min(1024, cols)

    qtbot.waitUntil(fits, timeout=2000)
    row_step, col_step = heatmap.display_image.row_step, heatmap.display_image.col_step
    # The histogram of 16.8 M values is drawn from a sample and says so; the numbers are exact.
    histogram = view.data_panel.histogram
    assert histogram.caption_label.text().startswith(
        "histogram of a 1/17 sample of 16,777,216 values"
    )
    assert f"max {values.max():.4g}" in stats_text(view.data_panel)
    assert histogram.statistics.counts.sum() == pytest.approx(values.size)
    with qtbot.waitSignal(view.hovered) as signal:
        view.data_panel.heatmap.hover_display_pixel(70, 3)
    text = signal.args[0]
    index_text, value_text = text.split(" = ")
    row, col = (int(i) for i in index_text[len("big.weight[") : -1].split(", "))
    assert 70 * row_step <= row < 71 * row_step and 3 * col_step <= col < 4 * col_step
    assert value_text.split()[0] == f"{values[row, col]:.4g}"
    block = values[70 * row_step : 71 * row_step, 3 * col_step : 4 * col_step]
    assert abs(values[row, col]) == onp.abs(block).max()
    assert f"{row_step}×{col_step} block" in text


def test_deferred_parameter_shows_why_there_is_nothing_yet(view, watch):
    net = nn.Dense(256)
    net.initialize()
    poll = watch(net)
    view.show_parameter(net.weight, "net.weight")
    assert view.data_panel.message == (
        f"{net.weight.name}: deferred until the first forward pass (shape (256, -1))"
    )
    net(enp.ones((2, 20)))
    assert poll() is True
    assert view.data_panel.message == ""
    assert shown_image(view.data_panel).shape == (256, 20)


def test_uninitialized_and_gradient_free_parameters(view, watch):
    param = Parameter("lonely_weight", shape=(3, 3))
    view.show_parameter(param, "lonely")
    assert "lonely_weight: not initialized" in view.data_panel.message
    frozen = Parameter("frozen_weight", shape=(3, 3), grad_req="null")
    frozen.initialize()
    poll = watch(frozen)
    view.show_parameter(frozen, "frozen")
    assert view.data_panel.message == ""
    assert view.grad_panel.message.startswith("grad_req='null': no gradient")
    frozen.grad_req = "write"
    assert poll() is True
    assert view.grad_panel.message == ""


def test_conv_kernel_mosaic_and_slice_mode(view, qtbot):
    param = Parameter("conv0_weight", shape=(4, 3, 2, 5))
    param.initialize(init=init.Xavier())
    values = param.data().asnumpy()
    view.show_parameter(param, "conv.weight")
    assert view.axis_controls.isVisible()
    image = shown_image(view.data_panel)
    assert image.shape == (4 * 3 - 1, 3 * 6 - 1)
    assert image[3, 7] == values[1, 1, 0, 1]
    assert onp.isnan(image[2, 0])  # a gap

    controls = view.axis_controls
    controls.mode_box.setCurrentIndex(controls.mode_box.findData("slice"))
    assert controls.row_box.isVisible() and controls.col_box.isVisible()
    # The default slice is the kernel image (kh × kw), sliders for out and in channel.
    onp.testing.assert_array_equal(shown_image(view.data_panel), values[0, 0])
    assert sorted(controls.sliders) == [0, 1]
    controls.row_box.setCurrentIndex(1)  # rows: axis 1, columns: axis 3
    controls.sliders[0].setValue(2)
    controls.sliders[2].setValue(1)
    onp.testing.assert_array_equal(shown_image(view.data_panel), values[2, :, 1, :])
    onp.testing.assert_array_equal(shown_image(view.grad_panel), onp.zeros((3, 5)))
    with qtbot.waitSignal(view.hovered) as signal:
        view.data_panel.heatmap.hover_display_pixel(1, 4)
    assert signal.args[0].startswith("conv.weight[2, 1, 1, 4] = ")


def test_choosing_the_row_axis_as_column_swaps_them(view):
    param = Parameter("conv1_weight", shape=(2, 3, 4))
    param.initialize()
    view.show_parameter(param, "w")
    controls = view.axis_controls
    controls.set_choice(ViewChoice("slice", 0, 1, (0, 0, 0)))
    controls.col_box.setCurrentIndex(0)
    assert (controls.choice().row_axis, controls.choice().col_axis) == (1, 0)


def test_bias_is_a_strip_and_scalar_is_text(view, dense):
    view.show_parameter(dense.bias, "net.bias")
    assert shown_image(view.data_panel).shape == (1, 4)
    # A 0-d array (engine initializers cannot fill 0-d parameters yet) reads as text.
    view.data_panel.show_array(onp.array(0.5, onp.float32), None)
    assert "value = 0.5" in view.data_panel.message


def test_initializer_spread_is_drawn_over_the_histogram(view, watch):
    param = Parameter("dense9_weight", shape=(300, 200))
    param.initialize(init=init.Uniform(0.07))
    poll = watch(param)
    view.show_parameter(param, "w")
    histogram = view.data_panel.histogram
    x, y = histogram.theory_curve.getData()
    # Drawn over the data's range, which the 60,000 values all but fill.
    stats = histogram.statistics
    assert stats.min <= x.min() and x.max() <= stats.max
    assert (x.min(), x.max()) == pytest.approx((-0.07, 0.07), rel=1e-3)
    assert y.max() == pytest.approx(histogram.statistics.counts.mean(), rel=0.05)
    assert "Uniform: U(±0.07)" in histogram.theory_label.text()
    param.set_data(onp.zeros((300, 200)))  # no longer what the initializer made
    poll()
    x, _ = histogram.theory_curve.getData()
    assert x is None or len(x) == 0
    assert histogram.theory_label.text() == ""


def test_clear_and_parameter_property(view, dense, watch):
    poll = watch(dense)
    view.show_parameter(dense.weight, "net.weight")
    assert view.parameter is dense.weight
    view.clear("Select a parameter")
    assert view.parameter is None
    assert view.data_panel.message == "Select a parameter"
    draws = view.data_panel.redraw_count
    dense.weight.data()[:] += 1
    poll()
    assert view.data_panel.redraw_count == draws and view.parameter is None


def test_plots_follow_the_palette(view, dense):
    view.show_parameter(dense.weight, "net.weight")
    dark = QPalette(view.palette())
    dark.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#eeeeee"))
    view.setPalette(dark)
    heatmap = view.data_panel.heatmap
    assert heatmap.backgroundBrush().color() == QColor("#202020")
    assert heatmap.plot.getAxis("left").textPen().color() == QColor("#eeeeee")


def test_mouse_leaving_clears_the_status(view, dense, qtbot):
    view.show_parameter(dense.weight, "net.weight")
    with qtbot.waitSignal(view.hovered) as signal:
        view.data_panel.heatmap.hover_display_pixel(99, 99)
    assert signal.args == [""]


def test_theory_never_towers_over_the_values_when_an_outlier_widens_the_bins(view):
    param = Parameter("dense8_weight", shape=(8, 8))
    param.initialize(init=init.Uniform(0.07))
    param.data()[0, 0] = 100  # a learner's write: the bins now span 0..100
    view.show_parameter(param, "w")
    histogram = view.data_panel.histogram
    _, y = histogram.theory_curve.getData()
    # expected counts per bin can never exceed the number of values
    assert 0 < y.max() <= 64
