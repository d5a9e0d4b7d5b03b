"""Initialization writes in place, in chunks, and gives the same values for the same seed."""

from __future__ import annotations

import math

import numpy as onp
import pytest

from engine import init, np
from engine import init_fill as initializer_module
from engine.gluon import Parameter, nn


def _one_shot(seed, draw, shape):
    """What the whole-array path drew: one float64 draw of every value, cast to float32."""
    return draw(onp.random.default_rng(seed), shape).astype(onp.float32)


CASES = [
    (init.Uniform(0.3), lambda g, s: g.uniform(-0.3, 0.3, s)),
    (init.Normal(0.2), lambda g, s: g.normal(0, 0.2, s)),
    (init.Xavier(), lambda g, s: g.uniform(-math.sqrt(3 / 40), math.sqrt(3 / 40), s)),
    (init.MSRAPrelu(), lambda g, s: g.normal(0, math.sqrt(2 / 1.0625 / 40), s)),
]


@pytest.mark.parametrize("chunk", [7, 1 << 22])
@pytest.mark.parametrize("initializer, draw", CASES)
def test_same_seed_same_values_on_every_path(monkeypatch, chunk, initializer, draw):
    monkeypatch.setattr(initializer_module, "_CHUNK", chunk)
    shape = (40, 40)
    expected = _one_shot(11, draw, shape)

    np.random.seed(11)
    param = Parameter("p_weight", shape=shape)
    param.initialize(init=initializer)
    onp.testing.assert_array_equal(param.data().asnumpy(), expected)

    np.random.seed(11)
    param.initialize(init=initializer, force_reinit=True)  # in place, into the live buffer
    onp.testing.assert_array_equal(param.data().asnumpy(), expected)

    np.random.seed(11)
    dense = nn.Dense(40, in_units=40, use_bias=False)
    dense.initialize(initializer)
    onp.testing.assert_array_equal(dense.weight.data().asnumpy(), expected)

    np.random.seed(11)
    deferred = nn.Dense(40, use_bias=False)
    deferred.initialize(initializer)
    deferred(np.ones((1, 40)))
    onp.testing.assert_array_equal(deferred.weight.data().asnumpy(), expected)


@pytest.mark.parametrize(
    "initializer",
    [
        init.Uniform(),
        init.Normal(),
        init.Xavier(),
        init.MSRAPrelu(),
        init.Zero(),
        init.One(),
        init.Constant(0.5),
    ],
)
def test_reinitializing_writes_into_the_existing_buffer(initializer):
    param = Parameter("p_weight", shape=(30, 20))
    param.initialize()
    buffer = param.data().asnumpy_view()
    version = param.version
    param.initialize(init=initializer, force_reinit=True)
    assert param.data().asnumpy_view() is buffer
    assert param.version > version
    assert param.last_initializer is initializer and not param.edited_since_init


def test_a_failing_custom_initializer_changes_nothing():
    class Broken(init.Initializer):
        def _init_weight(self, name, arr):
            arr[0] = 5.0
            raise RuntimeError("half way")

    param = Parameter("p_weight", shape=(3, 4))
    param.initialize(init=init.One())
    version = param.version
    with pytest.raises(RuntimeError, match="half way"):
        param.initialize(init=Broken(), force_reinit=True)
    assert (param.data().asnumpy() == 1).all() and param.version == version


def test_a_float64_parameter_gets_the_same_float32_rounded_draws():
    np.random.seed(4)
    param = Parameter("p_weight", shape=(5, 6), dtype="float64")
    param.initialize(init=init.Uniform(0.5))
    expected = _one_shot(4, lambda g, s: g.uniform(-0.5, 0.5, s), (5, 6)).astype(onp.float64)
    onp.testing.assert_array_equal(param.data().asnumpy(), expected)


def _peak_bytes(fn) -> int:
    import tracemalloc

    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    "initializer",
    [
        init.Uniform(),
        init.Normal(),
        init.Xavier(),
        init.MSRAPrelu(),
        init.Zero(),
        init.Constant(2.0),
    ],
)
def test_no_full_size_temporaries(monkeypatch, initializer):
    monkeypatch.setattr(initializer_module, "_CHUNK", 1 << 12)
    shape = (1000, 500)
    nbytes = 1000 * 500 * 4
    param = Parameter("p_weight", shape=shape, grad_req="null")
    # A new parameter: its own buffer and nothing else of that size.
    assert _peak_bytes(lambda: param.initialize(init=initializer)) < 1.2 * nbytes
    # Re-initializing: into the live buffer, with chunk-sized temporaries only.
    assert _peak_bytes(lambda: param.initialize(init=initializer, force_reinit=True)) < 0.2 * nbytes
