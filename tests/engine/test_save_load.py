"""save_parameters / load_parameters: MXNet 1.x keys, .npz without pickle, bad files."""

from __future__ import annotations

import numpy as onp
import pytest

from engine import init, np, npx
from engine.gluon import nn


def mlp(in_units=20):
    net = nn.Sequential()
    net.add(nn.Dense(8, activation="relu", in_units=in_units), nn.Dense(3, in_units=8))
    return net


class Named(nn.Block):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Dense(4, in_units=2)
        self.output = nn.Dense(1, in_units=4)

    def forward(self, x):
        return self.output(self.hidden(x))


@pytest.fixture
def saved(tmp_path):
    net = mlp()
    net.initialize(init.Normal(1.0))
    path = str(tmp_path / "mlp.params")
    net.save_parameters(path)
    return net, path


def test_keys_are_structural_and_the_file_is_a_plain_npz(saved):
    _, path = saved
    with onp.load(path, allow_pickle=False) as stored:
        assert sorted(stored.files) == ["0.bias", "0.weight", "1.bias", "1.weight"]
    named = Named()
    named.initialize()
    named.save_parameters(path)
    assert sorted(npx.load(path)) == [
        "hidden.bias",
        "hidden.weight",
        "output.bias",
        "output.weight",
    ]


def test_round_trip_restores_values_into_a_fresh_deferred_net(saved):
    net, path = saved
    clone = nn.Sequential()
    clone.add(nn.Dense(8, activation="relu"), nn.Dense(3))
    clone.load_parameters(path)
    x = np.ones((2, 20))
    assert (clone(x) == net(x)).all()


def _state(net):
    return [p.data().asnumpy().copy() for p in net.collect_params().values()]


def _unchanged(net, before):
    return all((a == b).all() for a, b in zip(_state(net), before))


def test_missing_key_names_it_and_changes_nothing(saved, tmp_path):
    _, path = saved
    bigger = nn.Sequential()
    bigger.add(
        nn.Dense(8, activation="relu", in_units=20),
        nn.Dense(3, in_units=8),
        nn.Dense(2, in_units=3),
    )
    bigger.initialize()
    before = _state(bigger)
    with pytest.raises(AssertionError, match="Parameter '2.weight' is missing in file"):
        bigger.load_parameters(path)
    assert _unchanged(bigger, before)
    bigger.load_parameters(path, allow_missing=True)
    assert not _unchanged(bigger, before)


def test_extra_key_names_it_and_changes_nothing(saved):
    _, path = saved
    smaller = nn.Sequential()
    smaller.add(nn.Dense(8, activation="relu", in_units=20))
    smaller.initialize()
    before = _state(smaller)
    with pytest.raises(ValueError, match="Parameter '1.weight' loaded from file .* is not present"):
        smaller.load_parameters(path)
    assert _unchanged(smaller, before)
    smaller.load_parameters(path, ignore_extra=True)
    assert not _unchanged(smaller, before)


def test_wrong_shape_names_both_shapes_and_changes_nothing(saved):
    _, path = saved
    wrong = mlp(in_units=5)
    wrong.initialize()
    before = _state(wrong)
    with pytest.raises(AssertionError, match=r"expected \(8, 5\) vs saved \(8, 20\)"):
        wrong.load_parameters(path)
    assert _unchanged(wrong, before)


@pytest.mark.parametrize("content", [b"", b"not a parameter file at all", b"PK\x03\x04broken"])
def test_corrupt_or_foreign_file_is_refused_with_a_clear_message(tmp_path, content):
    net = mlp()
    net.initialize()
    before = _state(net)
    path = tmp_path / "bad.params"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="Cannot read parameters from"):
        net.load_parameters(str(path))
    assert _unchanged(net, before)


def test_npz_holding_pickled_objects_is_refused(tmp_path):
    path = tmp_path / "pickled.npz"
    onp.savez(path, **{"0.weight": onp.array([object()], dtype=object)})
    net = mlp()
    net.initialize()
    with pytest.raises(ValueError, match="pickle"):
        net.load_parameters(str(path))


def test_missing_file_is_a_clear_error(tmp_path):
    net = mlp()
    net.initialize()
    with pytest.raises(ValueError, match="no such file"):
        net.load_parameters(str(tmp_path / "nowhere.params"))


def test_safetensors_round_trip(saved, tmp_path):
    net, _ = saved
    path = str(tmp_path / "mlp.safetensors")
    net.save_parameters(path)
    clone = mlp()
    clone.load_parameters(path)
    x = np.ones((1, 20))
    assert (clone(x) == net(x)).all()


def test_interrupted_save_leaves_no_partial_file(tmp_path, monkeypatch):
    net = mlp()
    net.initialize()
    path = tmp_path / "mlp.params"

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(onp, "savez", explode)
    with pytest.raises(OSError):
        net.save_parameters(str(path))
    assert list(tmp_path.iterdir()) == []
