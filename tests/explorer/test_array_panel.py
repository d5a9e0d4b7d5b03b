"""ArrayPanel: what a user sees for one array — colour scale, histogram options, odd values."""

import math
import warnings

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as onp
import pytest
from hypothesis import HealthCheck, given, settings
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QFont, QTextDocumentFragment
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QWidget,
)

from engine import init
from explorer.theory import theoretical_spread
from explorer.views.array_panel import ArrayPanel
from explorer.views.heatmap_panel import NEGATIVE_INF_COLOUR, POSITIVE_INF_COLOUR


@pytest.fixture
def panel(qtbot):
    widget = ArrayPanel("Data")
    qtbot.addWidget(widget)
    widget.resize(520, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def plain(label):
    return " ".join(QTextDocumentFragment.fromHtml(label.text()).toPlainText().split())


def colour_at(panel, row, col):
    """The colour on screen at the centre of cell (row, col) of the heatmap."""
    heatmap = panel.heatmap
    QApplication.processEvents()
    scene_point = heatmap.image_item.mapToScene(QPointF(col + 0.5, row + 0.5))
    return QColor(heatmap.grab().toImage().pixel(heatmap.mapFromScene(scene_point)))


def distance(a, b):
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


def menu_action(menu, text):
    for action in menu.actions():
        if action.text().startswith(text):
            return action
    raise AssertionError(f"no menu entry {text!r} in {[a.text() for a in menu.actions()]}")


# ------------------------------------------------------------ A. colour scale
def test_a_one_signed_array_gets_a_sequential_scale_that_tells_values_apart(panel):
    running_var = onp.array([[0.900, 0.9005], [0.9015, 0.902]], onp.float32)
    panel.show_array(running_var, None)
    title = plain(panel.title_label)
    assert "colours 0.900" in title and "0.902" in title and "(sequential)" in title
    assert panel.heatmap.levels == pytest.approx((0.900, 0.902))
    # The smallest and the largest value are far apart in colour (not the same red).
    assert distance(colour_at(panel, 0, 0), colour_at(panel, 1, 1)) > 200


def test_a_mixed_signs_stay_diverging_and_centred_on_zero(panel):
    panel.show_array(onp.array([[-1.0, 0.5], [2.0, 0.0]], onp.float32), None)
    assert "colours ±2 (diverging)" in plain(panel.title_label)
    assert panel.heatmap.levels == (-2.0, 2.0)


@pytest.mark.parametrize("value", [1.0, 42.0])
def test_a_a_constant_is_one_colour_with_a_note_and_no_scale(panel, value):
    panel.show_array(
        onp.full((5, 6), value, onp.float32), None, theoretical_spread(init.Constant(value), (5, 6))
    )
    assert f"all values = {value:g}" in plain(panel.title_label)
    assert "colours" not in plain(panel.title_label)
    assert not panel.heatmap.colour_bar.isVisible()  # no range to claim
    corner, middle = colour_at(panel, 0, 0), colour_at(panel, 2, 3)
    assert distance(corner, middle) < 6
    # Not the strongest colour of a scale: the middle of the sequential map.
    assert not (corner.red() > 150 and corner.blue() < 100)


def test_a_the_user_chooses_the_scale_from_the_heatmaps_context_menu(panel):
    values = onp.array([[0.900, 0.901], [0.9015, 0.902]], onp.float32)
    panel.show_array(values, None)
    menu_action(panel.heatmap.context_menu(), "Diverging").trigger()
    assert panel.colour_mode == "diverging"
    assert "colours ±0.902 (diverging)" in plain(panel.title_label)
    assert panel.heatmap.levels == pytest.approx((-0.902, 0.902))
    # The choice holds for the next array drawn in this column.
    panel.show_array(values + 1, None)
    assert "(diverging)" in plain(panel.title_label)
    menu_action(panel.heatmap.context_menu(), "Sequential").trigger()
    panel.show_array(onp.array([[-1.0, 3.0]], onp.float32), None)
    assert "colours -1.000 … 3.000 (sequential)" in plain(panel.title_label)
    menu = panel.heatmap.context_menu()
    assert menu_action(menu, "Sequential").isChecked()
    menu_action(menu, "Automatic").trigger()
    assert "(diverging)" in plain(panel.title_label)


# ---------------------------------------------------------- B. histogram range
def test_b_x_range_follows_the_data_and_an_outside_theory_is_marked_at_the_edge(panel):
    values = onp.linspace(0.900, 0.902, 16, dtype=onp.float32)
    panel.show_array(values, None, theoretical_spread(init.One(), (16,)))
    histogram = panel.histogram
    (x_low, x_high), _ = histogram.plot.vb.viewRange()
    assert 0.899 < x_low and x_high < 0.903  # not stretched out to the theory's 1.0
    x, _ = histogram.theory_curve.getData()
    assert x is None or len(x) == 0  # nothing drawn outside the range
    assert histogram.theory_marker.isVisible()
    assert histogram.theory_marker.textItem.toPlainText() == "One: 1 →"
    assert "outside the x range" in plain(histogram.theory_label)
    # The marker hangs from the plot's top right corner (anchor: its own top right).
    view = histogram.plot.vb.sceneBoundingRect()
    corner = histogram.plot.vb.mapViewToScene(histogram.theory_marker.pos())
    assert abs(corner.x() - view.right()) < 2 and abs(corner.y() - view.top()) < 2
    assert histogram.theory_marker.anchor.x() == 1


def test_b_a_theory_inside_the_range_is_drawn_only_within_it(panel):
    values = onp.random.default_rng(1).uniform(-0.03, 0.03, (40, 40)).astype(onp.float32)
    panel.show_array(values, None, theoretical_spread(init.Uniform(0.07), (40, 40)))
    histogram = panel.histogram
    x, y = histogram.theory_curve.getData()
    assert len(x) and values.min() <= x.min() and x.max() <= values.max()
    (x_low, x_high), _ = histogram.plot.vb.viewRange()
    assert x_low > -0.04 and x_high < 0.04
    assert not histogram.theory_marker.isVisible()


# -------------------------------------------------------- C. histogram options
def my_init_values():
    """MyInit of D2L: half exact zeros, the rest U(±[5, 10])."""
    rng = onp.random.default_rng(0)
    magnitude = rng.uniform(5, 10, (60, 60)) * rng.choice([-1, 1], (60, 60))
    return onp.where(rng.random((60, 60)) < 0.5, 0.0, magnitude).astype(onp.float32)


def test_c_hide_zeros_lets_the_uniform_parts_fill_the_plot(panel, qtbot):
    values = my_init_values()
    panel.show_array(values, None)
    histogram = panel.histogram
    _, tall = histogram.plot.vb.viewRange()
    qtbot.mouseClick(histogram.zeros_button, qtbot_left())
    assert histogram.hide_zeros and histogram.zeros_button.isChecked()
    _, short = histogram.plot.vb.viewRange()
    nonzero = onp.count_nonzero(values)
    _, bars = histogram.bars.bar_data()
    assert bars.sum() == pytest.approx(nonzero)
    assert short[1] < tall[1] / 5  # the spike of ~1,800 zeros is gone
    assert "zeros hidden" in histogram.caption_label.text()
    panel.show_array(values * 2, None)  # kept for the next array
    assert histogram.hide_zeros and "zeros hidden" in histogram.caption_label.text()


def test_c_log_count_axis_from_the_context_menu(panel):
    panel.show_array(my_init_values(), None)
    histogram = panel.histogram
    _, counts = histogram.bars.bar_data()
    menu_action(histogram.context_menu(), "Log count axis").trigger()
    assert histogram.log_counts and histogram.log_button.isChecked()
    _, logged = histogram.bars.bar_data()
    assert logged.max() == pytest.approx(math.log10(counts.max()))
    axis = histogram.plot.getAxis("left")
    assert axis.tickStrings([0.0, 1.0, 3.0], 1.0, 1.0) == ["1", "10", "1k"]
    assert "log counts" in histogram.caption_label.text()
    menu_action(histogram.context_menu(), "Log count axis").trigger()
    assert not histogram.log_counts


def test_c_fixed_x_range_is_kept_while_the_values_move(panel, qtbot):
    rng = onp.random.default_rng(2)
    values = rng.normal(0, 1, (30, 30)).astype(onp.float32)
    panel.show_array(values, None)
    histogram = panel.histogram
    before = histogram.plot.vb.viewRange()[0]
    qtbot.mouseClick(histogram.fix_button, qtbot_left())
    assert histogram.fixed_range is not None
    panel.show_array(values * 0.5 + 0.3, None)  # a training step moved them
    assert histogram.plot.vb.viewRange()[0] == pytest.approx(before)
    panel.show_array(values * 3, None)
    assert histogram.plot.vb.viewRange()[0] == pytest.approx(before)
    assert "x range fixed (values reach" in histogram.caption_label.text()
    qtbot.mouseClick(histogram.fix_button, qtbot_left())
    assert histogram.fixed_range is None
    assert histogram.plot.vb.viewRange()[0][1] > before[1] * 2  # follows the data again


def test_a_rolling_x_range_keeps_the_last_seconds_values_then_follows(panel, qtbot, monkeypatch):
    from explorer.views import histogram_panel

    clock = [1000.0]
    monkeypatch.setattr(histogram_panel.time, "monotonic", lambda: clock[0])
    values = onp.random.default_rng(4).normal(0, 1, (30, 30)).astype(onp.float32)
    histogram = panel.histogram
    panel.show_array(values, None)
    qtbot.mouseClick(histogram.rolling_button, qtbot_left())
    assert histogram.rolling_range and histogram.fixed_range is None
    wide = histogram.x_range
    clock[0] += 2
    panel.show_array(values * 0.1, None)  # the values shrank: the range waits
    assert histogram.x_range == pytest.approx(wide)
    panel.show_array(values * 3, None)  # they grew: the range follows at once
    assert histogram.x_range[1] >= float(values.max()) * 3
    clock[0] += histogram_panel.ROLLING_SECONDS + 1  # the wide ones aged out
    panel.show_array(values * 0.1, None)
    assert histogram.x_range[1] < wide[1] / 2
    qtbot.mouseClick(histogram.fix_button, qtbot_left())  # fixed and rolling exclude each other
    assert histogram.fixed_range is not None and not histogram.rolling_range
    assert not histogram.rolling_button.isChecked()


def qtbot_left():
    return Qt.MouseButton.LeftButton


# ------------------------------------------------------------------ D. ±Inf
def test_d_plus_and_minus_inf_have_their_own_colours_and_legend(panel):
    values = onp.array([[onp.inf, -onp.inf, 1.0], [-1.0, onp.nan, 0.5]], onp.float32)
    panel.show_array(values, None)
    assert distance(colour_at(panel, 0, 0), POSITIVE_INF_COLOUR) < 10
    assert distance(colour_at(panel, 0, 1), NEGATIVE_INF_COLOUR) < 10
    strongest = colour_at(panel, 0, 2)  # +1, the largest finite value
    assert distance(strongest, POSITIVE_INF_COLOUR) > 100
    legend = plain(panel.legend_label)
    assert "NaN 1" in legend and "+Inf 1" in legend and "−Inf 1" in legend
    assert panel.legend_label.isVisible()
    panel.show_array(onp.ones((2, 2), onp.float32), None)
    assert not panel.legend_label.isVisible()


# ---------------------------------------------------- E. statistics overflow
@pytest.mark.parametrize(
    "values, mean, std",
    [
        (onp.full((8, 8), 65504, onp.float16), 65504.0, 0.0),
        (onp.full((8, 8), 3e38, onp.float32), float(onp.float32(3e38)), 0.0),
        (
            onp.array([1e30, -1e30, 1e30], onp.float32),
            float(onp.float32(1e30)) / 3,
            float(onp.float32(1e30)) * math.sqrt(8 / 9),
        ),
        (onp.array([[1e308, -1e308], [1e308, 0.0]]), 1e308 / 4, 1e308 / 4 * math.sqrt(11)),
    ],
)
def test_e_statistics_of_huge_values_are_exact(panel, values, mean, std):
    panel.show_array(values, None)
    stats = panel.statistics
    assert stats.mean == pytest.approx(mean, rel=1e-6)
    assert stats.std == pytest.approx(std, rel=1e-6, abs=1e-300)
    assert (stats.nan_count, stats.inf_count) == (0, 0)


def test_e_complex_values_are_shown_as_magnitudes_with_a_note(panel):
    panel.show_array(onp.array([[3 + 4j, -1j], [0, 2]]), None)
    assert "|z| of complex values" in plain(panel.title_label)
    assert panel.statistics.max == 5.0 and panel.statistics.dtype == "complex128"


# --------------------------------------------------------- F. no exceptions
@pytest.mark.parametrize(
    "values",
    [
        onp.zeros((4, 0), onp.float32),
        onp.zeros((2, 0, 3, 1, 2), onp.float32),
    ],
)
def test_f_an_empty_array_is_described_not_drawn(panel, values):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        panel.show_array(values, None)
    assert "empty array" in panel.message and str(values.shape[0]) in panel.message
    assert panel.values is values


@pytest.mark.parametrize(
    "values",
    [
        onp.array([[1e308, -1e308], [0.0, 1.0]]),
        onp.full((3, 3), 1e-45, onp.float32),
        onp.array([1e-45, 3e-45, 0.0], onp.float32),
        onp.array([[onp.finfo(onp.float64).max, onp.finfo(onp.float64).max]]),
    ],
)
def test_f_extreme_values_draw_without_errors_or_warnings(panel, values):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        panel.show_array(values, None)
        QApplication.processEvents()
    assert panel.message == ""
    assert all(math.isfinite(v) for v in panel.heatmap.image_item.getLevels())
    (x_low, x_high), _ = panel.histogram.plot.vb.viewRange()
    assert math.isfinite(x_low) and math.isfinite(x_high) and x_high > x_low


# ------------------------------------------------ F. any array, no surprises
DTYPES = [onp.float16, onp.float32, onp.float64, onp.int8, onp.int32, onp.int64, onp.bool_]


@st.composite
def any_array(draw):
    dtype = onp.dtype(draw(st.sampled_from(DTYPES)))
    shape = tuple(draw(st.lists(st.integers(0, 6), min_size=0, max_size=5)))
    if math.prod(shape) > 400:
        shape = shape[:2]
    if dtype.kind == "f":
        # Every kind of float: NaN, ±Inf, denormals, the largest and smallest.
        elements = st.floats(
            width=8 * dtype.itemsize, allow_nan=True, allow_infinity=True, allow_subnormal=True
        )
    else:
        elements = None
    return draw(hnp.arrays(dtype, shape, elements=elements))


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=any_array())
def test_f_any_array_draws_without_exceptions_or_warnings(panel, values):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        panel.show_array(values, None)
    title = plain(panel.title_label)
    assert title.startswith("Data")
    assert "nan" not in title.lower() and "inf" not in title.lower()
    stats = panel.statistics
    if values.ndim == 0 or values.size == 0:
        assert panel.message and stats is None
        return
    assert panel.message == ""
    assert stats.finite_count + stats.nan_count + stats.inf_count == values.size
    if stats.finite_count:
        for number in (stats.mean, stats.std, stats.min, stats.max):
            assert math.isfinite(number)
        assert stats.std >= 0 and stats.min <= stats.mean <= stats.max
        # Inf only where the true norm is beyond the largest float.
        assert math.isfinite(stats.l2_norm) or stats.max_abs * math.sqrt(stats.finite_count) > 1e307
        assert all(math.isfinite(v) for v in panel.heatmap.image_item.getLevels())
        (x_low, x_high), _ = panel.histogram.plot.vb.viewRange()
        assert math.isfinite(x_low) and math.isfinite(x_high) and x_high > x_low
    else:
        assert "no finite values" in title
    legend = plain(panel.legend_label)
    for name, count in (
        ("NaN", stats.nan_count),
        ("+Inf", stats.positive_inf_count),
        ("−Inf", stats.negative_inf_count),
    ):
        assert (f"{name} {count:,}" in legend) == bool(count)


# -------------------------------------------- G. a column without a gradient
def test_g_statistics_are_in_view_at_1024x768_when_the_gradient_column_is_a_message(
    qtbot, settings_store
):
    from explorer.core.session import Session
    from explorer.main_window import MainWindow

    window = MainWindow(Session(), settings_store, restore_layout=False)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    assert window.open_example("fancymlp")
    assert window.select("net.rand_weight")  # a constant: grad_req='null'
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(200)
    view = window.tensor_view
    assert view.grad_panel.message  # "no gradient ..."
    viewport = view.scroll_area.viewport()
    assert view.scroll_area.widget().height() <= viewport.height() + 1  # no scrolling
    stats = view.data_panel.histogram.stats_label
    bottom = stats.mapTo(viewport, stats.rect().bottomLeft())
    assert stats.isVisible() and 0 < bottom.y() <= viewport.height()


# ------------------------------------------------ H. large text, small window
@pytest.fixture
def app_font():
    app = QApplication.instance()
    font = app.font()
    yield app
    app.setFont(font)


def _visible_texts(panel):
    """Every label and button a user reads in ``panel``, with its rectangle in the panel."""
    widgets = [
        w
        for w in panel.findChildren(QLabel) + panel.findChildren(QToolButton)
        if w.isVisible() and (not isinstance(w, QLabel) or w.text())
    ]
    return [(w, QRect(w.mapTo(panel, QPoint(0, 0)), w.size())) for w in widgets]


@pytest.mark.parametrize("points", [18, 32])
def test_h_labels_fit_their_panel_and_never_overlap_at_large_text(qtbot, app_font, points):
    font = QFont(app_font.font())
    font.setPointSize(points)
    app_font.setFont(font)
    # The tensor view's centre at 1024×768: two columns in a vertical scroll area.
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    columns = QWidget()
    row = QHBoxLayout(columns)
    panels = [ArrayPanel("Data"), ArrayPanel("Gradient")]
    for panel in panels:
        row.addWidget(panel, 1)
    scroll.setWidget(columns)
    qtbot.addWidget(scroll)
    scroll.resize(600, 450)
    scroll.show()
    qtbot.waitExposed(scroll)
    running_var = onp.linspace(0.900, 0.902, 16, dtype=onp.float32)
    panels[0].show_array(running_var, None, theoretical_spread(init.One(), (16,)))
    weight = onp.random.default_rng(3).uniform(-0.07, 0.07, (64, 32)).astype(onp.float32)
    weight[0, :3] = [onp.nan, onp.inf, -onp.inf]
    panels[1].show_array(weight, None, theoretical_spread(init.Uniform(0.07), (64, 32)))
    qtbot.wait(200)  # the heatmaps' debounced fit to their new size
    for panel in panels:
        texts = _visible_texts(panel)
        assert len(texts) >= 4
        for widget, rect in texts:
            assert panel.rect().contains(rect), (points, widget.objectName(), widget.text())
            if isinstance(widget, QLabel) and widget.wordWrap():
                assert widget.heightForWidth(widget.width()) <= widget.height() + 1, (
                    points,
                    widget.text(),
                )
            else:  # one line, or a table: all of it within the widget
                hint = widget.sizeHint()
                assert hint.width() <= widget.width() + 1, (points, widget.text())
                assert hint.height() <= widget.height() + 1, (points, widget.text())
        for i, (first, a) in enumerate(texts):
            for second, b in texts[i + 1 :]:
                assert not a.intersects(b), (points, first.text(), second.text())
        # The plots keep a readable height: the column scrolls instead of squashing them.
        line = panel.fontMetrics().height()
        assert panel.histogram.plot_widget.height() >= 5 * line
        assert panel.heatmap.height() >= min(panel.heatmap.maximumHeight(), 7 * line)


def test_a_matrix_is_pooled_once_to_the_heatmaps_pixels(panel, monkeypatch):
    """The statistics pass pools the image for the heatmap's size: no second pass per redraw."""
    import explorer.views.heatmap_panel as heatmap_module
    from explorer.views.array_display import downsample_max_abs

    values = onp.random.default_rng(1).standard_normal((256, 3000)).astype(onp.float32)
    panel.show_array(values, None)  # lays out; the next redraws know the panel's pixels
    pixels = panel.heatmap.panel_pixels()
    assert pixels is not None and pixels[1] < 3000
    pooled = []
    monkeypatch.setattr(
        heatmap_module,
        "downsample_max_abs",
        lambda *a, **k: pooled.append(a) or downsample_max_abs(*a, **k),
    )
    panel.show_array(values * 2, None)
    assert pooled == []
    display = panel.heatmap.display_image
    full = downsample_max_abs(values * 2, 1024, max_shape=pixels, unit=display.unit)
    onp.testing.assert_array_equal(display.image, full.image)
    assert (display.row_step, display.col_step) == (full.row_step, full.col_step)
