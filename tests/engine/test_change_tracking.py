"""Parameter.version moves on every write path and never on reads or forward passes."""

from __future__ import annotations

import pytest

from engine import autograd, init, np
from engine.gluon import nn


@pytest.fixture
def layer():
    dense = nn.Dense(3, in_units=4)
    dense.initialize()
    return dense


def test_reads_and_forward_passes_leave_the_version(layer):
    version = layer.weight.version
    layer.weight.data().asnumpy()
    float(layer.weight.data().sum())
    layer(np.ones((2, 4)))
    with autograd.record():
        out = layer(np.ones((2, 4))).sum()
    assert layer.weight.version == version
    out.backward()
    assert layer.weight.version == version
    assert layer.weight.grad_version > 0


@pytest.mark.parametrize(
    "write",
    [
        lambda p: p.set_data(np.ones((3, 4))),
        lambda p: p.initialize(init.One(), force_reinit=True),
        lambda p: p.data().__setitem__(slice(None), 2.0),
        lambda p: p.data().__iadd__(1),
        lambda p: p.data()[0].__setitem__(slice(None), 5.0),
        lambda p: p.data()[1:].__imul__(2),
        lambda p: p.data().reshape(-1).__setitem__(0, 7.0),
    ],
)
def test_every_write_path_moves_the_version(layer, write):
    version = layer.weight.version
    write(layer.weight)
    assert layer.weight.version > version


def test_in_place_multiply_through_a_held_reference(layer):
    version = layer.weight.version
    x = layer.weight.data()
    x *= 2
    assert layer.weight.version == version + 1


def test_loading_moves_the_version(layer, tmp_path):
    path = str(tmp_path / "dense.params")
    layer.save_parameters(path)
    version = layer.weight.version
    layer.load_parameters(path)
    assert layer.weight.version > version


def test_structure_counter_moves_on_add_and_on_deferred_shapes():
    net = nn.Sequential()
    start = net.structure_version
    net.add(nn.Dense(4))
    after_add = net.structure_version
    assert after_add > start
    net.initialize()
    net(np.ones((1, 3)))
    assert net.structure_version > after_add
    settled = net.structure_version
    net(np.ones((1, 3)))
    assert net.structure_version == settled
