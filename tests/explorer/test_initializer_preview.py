"""The Qt-free preview: histograms, theory in words, notes, and the untouched random stream."""

import numpy as onp

from engine import init, np
from engine.gluon import nn
from explorer.core.initialization import RandomDraw
from explorer.core.initializer_library import DEFAULT_SOURCE, InitializerLibrary, class_name_of
from explorer.core.initializer_preview import (
    HISTOGRAM_SAMPLE_LIMIT,
    kept_own_summary,
    theory_text,
    value_histogram,
)
from explorer.core.session import Session


def mlp_session():
    s = Session()
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu", in_units=20), nn.Dense(10, in_units=256))
    net.initialize()
    s.use_net(net)
    return s


def test_histogram_of_a_large_array_counts_a_strided_sample_with_exact_numbers():
    values = onp.random.default_rng(0).normal(size=3 * HISTOGRAM_SAMPLE_LIMIT).astype("f4")
    histogram = value_histogram(values)
    assert histogram.sample_step == 3
    assert histogram.counts.sum() == HISTOGRAM_SAMPLE_LIMIT
    assert histogram.min == float(values.min()) and histogram.max == float(values.max())
    assert histogram.same_as(value_histogram(values.copy()))
    assert not histogram.same_as(value_histogram(values * 1.001))


def test_constant_values_make_one_bar():
    histogram = value_histogram(onp.full((4, 5), 42.0, dtype="f4"))
    assert histogram.counts.max() == 20 and histogram.edges[0] < 42 < histogram.edges[-1]


def test_xavier_theory_states_the_bound_and_the_fans_used():
    text = theory_text(init.Xavier(), (256, 20))
    assert "±0.1474" in text and "√(6/(fan_in + fan_out))" in text
    assert "fan_in 20, fan_out 256" in text
    conv = theory_text(
        init.Xavier(rnd_type="gaussian", factor_type="in", magnitude=2), (8, 3, 3, 3)
    )
    assert "std σ = 0.2722" in conv and "fan_in 27, fan_out 72" in conv
    assert theory_text(init.Normal(0.5), (3, 3)) == "normal with std 0.5"


def test_preview_leaves_the_random_stream_where_it_was():
    s = mlp_session()
    before = RandomDraw.now()
    job = s.start_initialization("net", init.Normal(1.0))
    previews = job.previews()
    assert RandomDraw.now() == before
    assert [p.path for p in previews] == [
        "net[0].weight",
        "net[0].bias",
        "net[1].weight",
        "net[1].bias",
    ]
    assert previews[1].note.startswith(s.net[0].bias.name + " was created with its own init")
    assert float(onp.abs(previews[1].values).max()) == 0.0  # the bias keeps its zeros


def test_preview_stops_at_the_parameter_shown():
    s = mlp_session()
    previews = s.start_initialization("net", "xavier").previews(upto=0)
    assert len(previews) == 1 and previews[0].proposed is not None


def test_a_refused_shape_is_an_error_in_the_preview_not_a_crash():
    s = mlp_session()
    previews = s.start_initialization("net", init.Xavier(), override_own=True).previews()
    assert "cannot initialize net[0].bias" in previews[1].error


def test_kept_own_summary_names_the_biases_and_why():
    s = mlp_session()
    note = kept_own_summary(s.plan_initialization("net", init.Constant(1)))
    assert "net[0].bias, net[1].bias" in note and "zeros" in note and "default" in note
    assert (
        kept_own_summary(s.plan_initialization("net", init.Constant(1), override_own=True)) is None
    )


def test_deferred_parameters_preview_as_pending():
    s = Session()
    net = nn.Sequential()
    net.add(nn.Dense(3))
    net.initialize()
    s.use_net(net)
    preview = s.start_initialization("net", "normal").previews()[0]
    assert "pending" in preview.note and preview.proposed is None
    np.random.uniform(size=(1,))


def test_library_saves_loads_and_lists_in_its_folder(tmp_path):
    library = InitializerLibrary(str(tmp_path / "lib"))
    assert library.names() == []
    library.save("MyInit", DEFAULT_SOURCE)
    assert InitializerLibrary(str(tmp_path / "lib")).load("MyInit").source == DEFAULT_SOURCE
    assert class_name_of(DEFAULT_SOURCE) == "MyInit"
    library.delete("MyInit")
    assert library.names() == []
