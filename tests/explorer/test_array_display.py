"""The NumPy side of the tensor view: pictures of N-D arrays, downsampling, statistics."""

import math

import numpy as np
import pytest

from explorer.views import array_display
from explorer.views.array_display import (
    ViewChoice,
    block_extreme,
    downsample_max_abs,
    format_index,
    format_value,
    picture_of,
)
from explorer.views.array_statistics import (
    sample_step,
    statistics_and_image,
    symmetric_level,
    tensor_statistics,
)

rng = np.random.default_rng(7)


def every_pixel_maps_back(picture, values):
    """Each non-gap source pixel shows the element its index_of names; gaps are NaN."""
    rows, cols = picture.source.shape
    shown = 0
    for r in range(rows):
        for c in range(cols):
            index = picture.index_of(r, c)
            if index is None:
                assert np.isnan(picture.source[r, c])
            else:
                assert picture.source[r, c] == values[index]
                shown += 1
    return shown


# ----------------------------------------------------------------- pictures
def test_matrix_picture_is_the_array_itself_in_print_order():
    values = np.arange(12, dtype=np.float32).reshape(4, 3)
    picture = picture_of(values)
    assert picture.source is values
    assert picture.index_of(3, 1) == (3, 1)
    assert picture.index_of(4, 0) is None


def test_vector_is_a_one_row_strip():
    values = np.arange(5, dtype=np.float32)
    picture = picture_of(values)
    assert picture.source.shape == (1, 5)
    assert picture.index_of(0, 4) == (4,)
    assert every_pixel_maps_back(picture, values) == 5


def test_conv_kernel_mosaic_has_one_tile_per_filter_pair_with_one_pixel_gaps():
    values = rng.standard_normal((4, 3, 2, 5)).astype(np.float32)
    picture = picture_of(values)
    assert picture.mode == "mosaic"
    assert picture.source.shape == (4 * 3 - 1, 3 * 6 - 1)
    assert picture.index_of(2, 0) is None  # the gap row between out channels 0 and 1
    assert picture.index_of(3, 7) == (1, 1, 0, 1)
    assert every_pixel_maps_back(picture, values) == values.size


def test_single_input_channel_kernels_sit_side_by_side():
    values = rng.standard_normal((6, 1, 3, 3)).astype(np.float32)
    picture = picture_of(values)
    assert picture.across
    assert picture.source.shape == (3, 6 * 4 - 1)  # one row of six 3x3 tiles
    assert picture.index_of(1, 9) == (2, 0, 1, 1)  # third kernel, centre pixel
    assert picture.row_title.startswith("axis 1") and picture.col_title.startswith("axis 0")
    assert every_pixel_maps_back(picture, values) == values.size


def test_3d_kernel_mosaic_uses_one_row_tiles():
    values = rng.standard_normal((2, 3, 4)).astype(np.float32)
    picture = picture_of(values)
    assert picture.source.shape == (2 * 2 - 1, 3 * 5 - 1)
    assert every_pixel_maps_back(picture, values) == values.size


@pytest.mark.parametrize("rows, cols", [(2, 3), (3, 2), (0, 3), (3, 1)])
def test_slice_shows_chosen_axes_and_fixed_indices(rows, cols):
    values = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
    fixed = (1, 2, 3, 4)
    picture = picture_of(values, ViewChoice("slice", rows, cols, fixed))
    assert picture.source.shape == (values.shape[rows], values.shape[cols])
    assert every_pixel_maps_back(picture, values) == picture.source.size
    index = picture.index_of(1, 0)
    assert [index[a] for a in range(4) if a not in (rows, cols)] == [
        fixed[a] for a in range(4) if a not in (rows, cols)
    ]


def test_slice_with_the_same_axis_twice_is_refused():
    with pytest.raises(ValueError, match="two different axes"):
        picture_of(np.zeros((2, 3, 4)), ViewChoice("slice", 1, 1, (0, 0, 0)))


def test_huge_kernel_falls_back_to_slices():
    shape = (4096, 4096, 3, 3)
    assert not array_display.mosaic_is_possible(shape)
    assert array_display.default_view_choice(shape).mode == "slice"


# -------------------------------------------------------------- downsampling
@pytest.mark.parametrize("shape", [(4096, 4096), (1030, 7), (3000, 2049)])
def test_downsampled_pixel_is_the_largest_magnitude_element_of_its_block(shape):
    values = rng.standard_normal(shape).astype(np.float32)
    display = downsample_max_abs(values, max_side=1024)
    rows, cols = display.image.shape
    assert rows <= 1024 and cols <= 1024
    assert rows == math.ceil(shape[0] / display.row_step)
    assert cols == math.ceil(shape[1] / display.col_step)
    assert display.image.dtype == np.float32 and display.image.flags.c_contiguous
    for r, c in [(0, 0), (rows - 1, cols - 1), (rows // 2, cols // 3)]:
        block = values[
            r * display.row_step : (r + 1) * display.row_step,
            c * display.col_step : (c + 1) * display.col_step,
        ]
        assert abs(display.image[r, c]) == np.abs(block).max()
        where = block_extreme(values, display, r, c)
        assert values[where] == display.image[r, c]


def test_a_single_outlier_stays_visible_after_downsampling():
    values = np.zeros((4096, 4096), np.float32)
    values[1234, 3210] = -50.0
    display = downsample_max_abs(values)
    assert display.image.min() == -50.0
    assert block_extreme(values, display, 1234 // 4, 3210 // 4) == (1234, 3210)


def test_nan_stays_visible_but_mosaic_gaps_do_not_swallow_values():
    values = np.ones((2048, 2048), np.float32)
    values[5, 5] = np.nan
    display = downsample_max_abs(values)
    assert np.isnan(display.image[2, 2]) and not np.isnan(display.image[2, 3])
    kernel = np.full((600, 600, 2, 2), 0.5, np.float32)
    picture = picture_of(kernel)
    display = downsample_max_abs(picture.source, skip_nan=True)
    assert display.is_downsampled
    assert not np.isnan(display.image).any()


def test_small_arrays_are_not_downsampled():
    values = np.arange(6, dtype=np.float64).reshape(2, 3)
    display = downsample_max_abs(values)
    assert not display.is_downsampled
    np.testing.assert_array_equal(display.image, values)
    assert display.image.dtype == np.float32


# ----------------------------------------------------------------- statistics
def test_statistics_match_numpy():
    values = rng.uniform(-0.07, 0.07, (256, 20)).astype(np.float32)
    values[0, :5] = 0
    stats = tensor_statistics(values)
    assert stats.mean == pytest.approx(values.mean(dtype=np.float64), abs=1e-7)
    assert stats.std == pytest.approx(values.std(dtype=np.float64), rel=1e-5)
    assert (stats.min, stats.max) == (values.min(), values.max())
    assert stats.l2_norm == pytest.approx(np.linalg.norm(values.astype(np.float64)), rel=1e-6)
    assert stats.zero_fraction == pytest.approx(5 / values.size)
    assert stats.counts.sum() == values.size
    expected, _ = np.histogram(values, bins=stats.edges)
    assert np.abs(stats.counts - expected).max() <= 1  # edge rounding only
    assert (stats.shape, stats.dtype, stats.size) == ((256, 20), "float32", 5120)


def test_large_arrays_use_threads_and_give_the_same_answer(monkeypatch):
    values = rng.standard_normal((1500, 1500)).astype(np.float32) + 3
    threaded = tensor_statistics(values)
    monkeypatch.setattr(array_display, "_PARALLEL_MIN_SIZE", 1 << 40)  # used by map_parts
    single = tensor_statistics(values)
    np.testing.assert_array_equal(threaded.counts, single.counts)
    assert threaded.std == pytest.approx(single.std, rel=1e-9)
    # The two-pass variance has no cancellation even with a large mean.
    assert threaded.std == pytest.approx(values.astype(np.float64).std(), rel=1e-5)


def test_constant_values_have_zero_std_and_one_centred_bar():
    stats = tensor_statistics(np.ones((300, 300), np.float32))
    assert stats.std == 0.0 and stats.mean == 1.0
    middle = len(stats.counts) // 2
    assert stats.counts[middle] == 90000
    assert stats.edges[middle] < 1.0 < stats.edges[middle + 1]
    assert symmetric_level(stats) == 1.0
    assert symmetric_level(tensor_statistics(np.zeros(4, np.float32))) == 1.0


def test_nan_and_inf_are_counted_and_left_out_of_the_numbers():
    values = np.array([1.0, 2.0, np.nan, np.inf, -np.inf, 3.0, np.nan], np.float32)
    stats = tensor_statistics(values)
    assert (stats.nan_count, stats.inf_count, stats.finite_count) == (2, 2, 3)
    assert (stats.mean, stats.min, stats.max) == (2.0, 1.0, 3.0)
    assert stats.counts.sum() == 3
    all_nan = tensor_statistics(np.full(3, np.nan, np.float32))
    assert all_nan.nan_count == 3 and all_nan.finite_count == 0


def test_formatting():
    assert format_value(-0.012345678) == "-0.01235"
    assert format_value(float("nan")) == "NaN"
    assert format_value(float("-inf")) == "-Inf"
    assert format_index((3, 17)) == "[3, 17]"


# ------------------------------------------- large arrays: one pass, sampled histogram
def test_histogram_of_a_large_array_is_a_scaled_sample_but_the_numbers_are_exact():
    values = rng.standard_normal((1500, 1000)).astype(np.float32) * 0.1 + 2
    values[7, 11] = 0.0
    values[900, 3] = -0.0
    stats = tensor_statistics(values)
    assert stats.is_sampled and stats.sample_step == sample_step(values.shape) == 3
    exact = values.astype(np.float64)
    assert stats.mean == pytest.approx(exact.mean(), rel=1e-7)
    assert stats.std == pytest.approx(exact.std(), rel=1e-5)
    assert (stats.min, stats.max) == (values.min(), values.max())
    assert stats.l2_norm == pytest.approx(np.linalg.norm(exact), rel=1e-6)
    assert stats.zero_fraction * values.size == pytest.approx(2)  # -0.0 is a zero too
    # The bars are the sample's counts scaled to the population: close to the full counts.
    full, _ = np.histogram(values, bins=stats.edges)
    assert stats.counts.sum() == pytest.approx(values.size)
    assert np.abs(stats.counts - full).max() < 0.05 * full.max()
    sampled, _ = np.histogram(values.reshape(-1)[::3], bins=stats.edges)
    scale = values.size / sampled.sum()
    assert np.abs(stats.counts - sampled * scale).max() <= 2 * scale  # edge rounding only


def test_sample_step_is_coprime_with_the_row_so_every_column_is_sampled():
    assert sample_step((4096, 4096)) == 17  # 16 would see only every 16th column
    assert sample_step((1000, 1000)) == 1
    assert sample_step((64, 64, 3, 3)) == 1
    step = sample_step((2048, 1024))
    assert step == 3 and len({k % 1024 for k in range(0, 2048 * 1024, step)}) == 1024


@pytest.mark.parametrize("shape", [(4096, 4096), (3000, 2049), (2, 300000)])
def test_one_pass_statistics_and_image_equal_the_separate_computations(shape):
    values = rng.standard_normal(shape).astype(np.float32)
    values[shape[0] - 1, shape[1] - 1] = 40.0  # a single huge weight in the last block
    stats, display = statistics_and_image(values, 1024)
    separate = downsample_max_abs(values, 1024)
    np.testing.assert_array_equal(display.image, separate.image)
    assert (display.row_step, display.col_step) == (separate.row_step, separate.col_step)
    assert display.image[-1, -1] == 40.0
    alone = tensor_statistics(values)
    assert (stats.min, stats.max, stats.zero_fraction) == (
        alone.min,
        alone.max,
        alone.zero_fraction,
    )
    # Bands and flat chunks sum in another order: equal up to float rounding.
    assert stats.mean == pytest.approx(alone.mean, rel=1e-5, abs=1e-9)
    assert stats.std == pytest.approx(alone.std, rel=1e-6)
    np.testing.assert_array_equal(stats.counts, alone.counts)


@pytest.mark.parametrize("max_shape", [(300, 500), (100, 2000), (1000, 1000)])
def test_one_pass_pools_to_the_heatmaps_pixels_as_the_separate_pooling(max_shape):
    values = rng.standard_normal((256, 784)).astype(np.float32)
    values[255, 783] = -40.0
    stats, display = statistics_and_image(values, 1024, max_shape=max_shape)
    separate = downsample_max_abs(values, 1024, max_shape=max_shape, unit=display.unit)
    np.testing.assert_array_equal(display.image, separate.image)
    assert (display.row_step, display.col_step) == (separate.row_step, separate.col_step)
    assert display.image.shape[0] <= max_shape[0] and display.image.shape[1] <= max_shape[1]
    alone = tensor_statistics(values)
    assert (stats.min, stats.max) == (alone.min, alone.max)
    np.testing.assert_array_equal(stats.counts, alone.counts)


@pytest.mark.parametrize("nan_at", [(5, 5), (1500, 9)])  # in the first chunk, in a later one
def test_one_pass_keeps_nan_visible_and_counts_it_exactly(nan_at):
    values = rng.standard_normal((2048, 2048)).astype(np.float32)
    values[nan_at] = np.nan
    values[2000, 7] = np.inf
    stats, display = statistics_and_image(values, 1024)
    nan_pixel = (nan_at[0] // 2, nan_at[1] // 2)
    assert np.isnan(display.image[nan_pixel]) and display.image[1000, 3] == np.inf
    assert np.isfinite(display.image).sum() == display.image.size - 2
    assert (stats.nan_count, stats.inf_count) == (1, 1)
    finite = values[np.isfinite(values)].astype(np.float64)
    assert stats.finite_count == finite.size
    assert stats.mean == pytest.approx(finite.mean(), rel=1e-6)
    assert stats.max == finite.max()


def test_larger_magnitude_picks_as_np_where_does_on_every_edge_case():
    from explorer.views.array_display import _larger_magnitude

    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((2, 64, 48)).astype(np.float32)
    high, low = np.maximum(a, b), np.minimum(a, b)
    assert np.array_equal(_larger_magnitude(high, low), np.where(high >= -low, high, low))
    # Ties go to high; NaN blocks (NaN in both) stay NaN; infinities and huge values keep sign.
    high = np.array([2, 0, np.nan, np.inf, -np.inf, 3e38, -1, -0.0], np.float32)
    low = np.array([-2, 0, np.nan, -np.inf, -np.inf, -3e38, -5, -0.0], np.float32)
    expected = np.array([2, 0, np.nan, np.inf, -np.inf, 3e38, -5, 0], np.float32)
    with np.errstate(invalid="ignore"):
        picked = _larger_magnitude(high, low)
    assert np.array_equal(picked, expected, equal_nan=True)
    assert not np.signbit(picked[[1, 7]]).any()  # a zero block reads "0", never "-0"
