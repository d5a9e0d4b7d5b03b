"""Block.share_parameters / unshare_parameters: tying after construction, as params= does."""

from __future__ import annotations

import numpy as onp
import pytest

from engine import autograd, init, np
from engine.gluon import Parameter, nn


def _net(tied_at_construction: bool = False, third_in_units: int = 8):
    """Four Dense layers with fixed prefixes, so two builds have the same names."""
    net = nn.Sequential(prefix="net_")
    first = nn.Dense(8, in_units=4, prefix="l0_")
    second = nn.Dense(8, in_units=8, activation="relu", prefix="l1_")
    if tied_at_construction:
        third = nn.Dense(
            8, in_units=third_in_units, activation="relu", prefix="l2_", params=second.params
        )
    else:
        third = nn.Dense(8, in_units=third_in_units, activation="relu", prefix="l2_")
    net.add(first, second, third, nn.Dense(1, in_units=8, prefix="l3_"))
    net.initialize(init.Xavier())
    return net


def _state(net):
    """Everything a tie changes: which objects, names, dicts, and values."""
    return (
        [
            (key, p, p.name, p.data().asnumpy().tobytes(), p.version)
            for key, p in net._collect_params_with_prefix().items()
        ],
        [(block.params, list(block.params.items())) for block in net._children.values()],
        list(net.collect_params().keys()),
        repr(net),
    )


def _grads(net, x):
    with autograd.record():
        loss = (net(x) ** 2).sum()
    loss.backward()
    return {key: p.grad().asnumpy().copy() for key, p in net._collect_params_with_prefix().items()}


def test_share_makes_the_same_objects_as_params_at_construction():
    net = _net()
    net[2].share_parameters(net[1])
    assert net[2].weight is net[1].weight and net[2].bias is net[1].bias
    built = _net(tied_at_construction=True)
    assert list(net.collect_params().keys()) == list(built.collect_params().keys())
    assert repr(net.collect_params()) == repr(built.collect_params())
    assert repr(net[2].params) == repr(built[2].params)
    assert repr(net) == repr(built)
    assert list(net._collect_params_with_prefix()) == list(built._collect_params_with_prefix())
    assert len(net.collect_params()) == 6  # the tied pair once


def test_save_parameters_keys_as_mxnet_does(tmp_path):
    net = _net()
    net[2].share_parameters(net[1])
    built = _net(tied_at_construction=True)
    net.save_parameters(str(tmp_path / "a.params"))
    built.save_parameters(str(tmp_path / "b.params"))
    with onp.load(tmp_path / "a.params") as a, onp.load(tmp_path / "b.params") as b:
        assert sorted(a.files) == sorted(b.files)
        assert "2.weight" in a.files and "1.weight" in a.files
        onp.testing.assert_array_equal(a["2.weight"], a["1.weight"])


def test_the_shared_parameter_gets_the_sum_of_both_uses_gradients():
    x = np.random.uniform(size=(5, 4))
    separate = _net()
    separate[2].weight.set_data(separate[1].weight.data().copy())
    separate[2].bias.set_data(separate[1].bias.data().copy())
    expected = _grads(separate, x)
    tied = _net()
    for key, param in tied._collect_params_with_prefix().items():
        param.set_data(separate._collect_params_with_prefix()[key].data().copy())
    tied[2].share_parameters(tied[1])
    got = _grads(tied, x)
    for name in ("weight", "bias"):
        onp.testing.assert_allclose(
            got[f"1.{name}"], expected[f"1.{name}"] + expected[f"2.{name}"], rtol=1e-5, atol=1e-6
        )
    onp.testing.assert_allclose(got["0.weight"], expected["0.weight"], rtol=1e-5, atol=1e-6)


def test_share_moves_the_structure_version_and_undo_restores_bit_for_bit():
    net = _net()
    before = _state(net)
    version = net.structure_version
    swap = net[2].share_parameters(net[1])
    assert net.structure_version > version
    assert swap.previous[(net[2], "weight")] is before[0][4][1]
    net[1].weight.data()[:] += 1  # the tied weight trains on
    version = net.structure_version
    swap.undo()
    assert net.structure_version > version
    after = _state(net)
    assert after[0][4:6] == before[0][4:6]  # 2.weight / 2.bias: same objects, names, values
    assert after[1][2][0] is before[1][2][0]  # the exact previous ParameterDict
    assert after[2:] == before[2:]


@pytest.mark.parametrize(
    "make_pair, message",
    [
        (
            lambda net: (net[2], net[0]),
            r"net\[2\]\.weight has shape \(8, 8\) but net\[0\]\.weight "
            r"has \(8, 4\)",
        ),
        (lambda net: (net[2], net[2]), "to itself"),
        (lambda net: (net[2], net), "is a Dense but net is a Sequential"),
    ],
)
def test_refusals_change_nothing(make_pair, message):
    net = _net()
    target, source = make_pair(net)
    before = _state(net)
    version = net.structure_version
    with pytest.raises(ValueError, match=message):
        target.share_parameters(source, label=_label(net, target), source_label=_label(net, source))
    assert _state(net) == before
    assert net.structure_version == version


def _label(net, block):
    if block is net:
        return "net"
    return f"net[{list(net._children.values()).index(block)}]"


def test_refuses_a_pair_already_tied():
    net = _net(tied_at_construction=True)
    with pytest.raises(ValueError, match="already"):
        net[2].share_parameters(net[1])


def test_refuses_another_dtype_and_changes_nothing():
    net = _net()
    other = nn.Dense(8, in_units=8, dtype="float64")
    other.initialize()
    before = _state(net)
    with pytest.raises(ValueError, match="dtype float32 but .* has float64"):
        net[2].share_parameters(other)
    assert _state(net) == before


def test_a_deferred_dimension_is_filled_by_the_other_side():
    deferred = nn.Dense(8)
    known = nn.Dense(8, in_units=5)
    known.initialize()
    deferred.share_parameters(known)
    assert deferred.weight is known.weight and deferred.weight.shape == (8, 5)
    source = nn.Dense(8)
    target = nn.Dense(8, in_units=3)
    swap = target.share_parameters(source)
    assert source.weight.shape == (8, 3)  # the deferred source learned the shape
    swap.undo()
    assert source.weight.shape == (8, -1)


def test_sub_blocks_are_matched_by_structure():
    def block():
        seq = nn.Sequential()
        seq.add(nn.Dense(3, in_units=2), nn.Dense(2, in_units=3))
        seq.initialize()
        return seq

    source, target = block(), block()
    target.share_parameters(source)
    assert target[0].weight is source[0].weight and target[1].bias is source[1].bias
    assert len(target.collect_params()) == 4
    assert repr(target.params) == repr(source.params)


def test_unshare_gives_own_copies_under_the_blocks_own_names():
    net = _net()
    net[1].weight.lr_mult = 0.5
    net[1].weight.grad_req = "add"
    tied_version = net.structure_version
    net[2].share_parameters(net[1])
    shared = net[1].weight
    values = shared.data().asnumpy()
    version = net.structure_version
    assert version > tied_version
    swap = net[2].unshare_parameters()
    assert net.structure_version > version
    assert net[2].weight is not shared and net[1].weight is shared
    assert net[2].weight.name == "l2_weight" and net[2].params.prefix == "l2_"
    assert list(net[2].params.keys()) == ["l2_weight", "l2_bias"]
    onp.testing.assert_array_equal(net[2].weight.data().asnumpy(), values)
    assert net[2].weight.lr_mult == 0.5 and net[2].weight.grad_req == "add"
    assert net[2].weight.last_initializer == shared.last_initializer
    assert net[2].weight.version >= shared.version
    net[2].weight.data()[:] = 0
    onp.testing.assert_array_equal(shared.data().asnumpy(), values)  # nothing else changed
    swap.undo()
    assert net[2].weight is shared and net[2].bias is net[1].bias


def test_unshare_of_a_block_built_with_params():
    net = _net(tied_at_construction=True)
    net[2].unshare_parameters()
    assert net[2].weight is not net[1].weight
    assert net[2].weight.name == "l2_weight"
    assert len(net.collect_params()) == 8


def test_unshare_of_an_untied_block_changes_nothing():
    net = _net()
    before = _state(net)
    version = net.structure_version
    assert not net[2].unshare_parameters()
    assert _state(net) == before and net.structure_version == version


def test_unshare_on_the_source_changes_nothing():
    net = _net()
    net[2].share_parameters(net[1])
    before = _state(net)
    assert not net[1].unshare_parameters()
    assert _state(net) == before


def test_a_parameter_of_its_own_with_another_name_is_not_copied():
    class Scaled(nn.Block):
        def __init__(self):
            super().__init__()
            self.scale = Parameter("scale", shape=(1,))

    block = Scaled()
    assert not block.unshare_parameters()
    assert block.scale.name == "scale"


def test_refuses_blocks_that_contain_the_same_sub_block():
    common = nn.Dense(2, in_units=2)
    first, second = nn.Sequential(), nn.Sequential()
    first.add(common)
    second.add(common)
    with pytest.raises(ValueError, match=r"Cannot tie second\[0\] to itself"):
        second.share_parameters(first, label="second", source_label="first")
