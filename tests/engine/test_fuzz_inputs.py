"""A short, deterministic fuzz run over parameter files and Trainer states.

Every load of a damaged or hostile file must either succeed or raise one of
the engine's documented errors, without hanging and without changing the
model. ``benchmarks/fuzz_inputs.py`` runs the same generators much longer.
"""

from __future__ import annotations

import numpy as onp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine import hostile_inputs as hostile

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("fuzz")
    net, trainer = hostile.make_model()
    files = hostile.valid_files(net, trainer, tmp_path)
    arrays = dict(onp.load(tmp_path / "valid.params"))
    states = dict(onp.load(tmp_path / "valid.states"))
    return net, trainer, files, arrays, states, tmp_path


def check(kind, blob, world):
    net, trainer, *_rest, tmp_path = world
    outcome, err = hostile.run_case(kind, blob, net, trainer, tmp_path)
    assert outcome in ("loaded", "clean"), f"{outcome}: {type(err).__name__}: {err}"


@FUZZ
@given(seed=st.integers(0, 2**32 - 1), source=st.sampled_from(["npz", "safetensors", "states"]))
def test_byte_mutations_of_valid_files(world, seed, source):
    blob = hostile.mutate(onp.random.default_rng(seed), world[2][source])
    check("states" if source == "states" else "params", blob, world)


@FUZZ
@given(seed=st.integers(0, 2**32 - 1), form=st.sampled_from(["npz", "safetensors"]))
def test_structured_parameter_files(world, seed, form):
    rng = onp.random.default_rng(seed)
    if form == "npz":
        blob = hostile.structured_npz(rng, world[3])
    else:
        blob = hostile.structured_safetensors(rng)
    check("params", blob, world)


@FUZZ
@given(seed=st.integers(0, 2**32 - 1))
def test_structured_trainer_states(world, seed):
    check("states", hostile.structured_states(onp.random.default_rng(seed), world[4]), world)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(blob=st.binary(max_size=256))
def test_arbitrary_bytes(world, blob):
    check("params", blob, world)
    check("states", blob, world)
