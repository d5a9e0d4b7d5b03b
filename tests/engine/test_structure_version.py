"""Block.structure_version is per block tree: it moves for this tree's changes only."""

from __future__ import annotations

import copy

from engine import np
from engine.gluon import nn


def _mlp():
    net = nn.Sequential()
    net.add(nn.Dense(8, activation="relu"), nn.Dense(4))
    return net


def test_building_or_changing_an_unrelated_block_leaves_it():
    net = _mlp()
    version = net.structure_version
    other = _mlp()
    other.add(nn.Dense(2))
    other.initialize()
    other(np.ones((1, 3)))
    nn.Dense(5)
    assert net.structure_version == version


def test_adding_and_removing_a_child_moves_it():
    net = _mlp()
    version = net.structure_version
    net.add(nn.Dense(2))
    assert net.structure_version > version
    version = net.structure_version
    del net._children["2"]
    assert net.structure_version > version
    version = net.structure_version
    net._children.pop("1")
    assert net.structure_version > version


def test_writing_children_directly_is_tracked():
    class MySequential(nn.Block):  # D2L's: stores blocks in _children by name
        def add(self, block):
            self._children[block.name] = block

    net = MySequential()
    version = net.structure_version
    net.add(nn.Dense(3))
    assert net.structure_version > version


def test_registering_a_parameter_moves_it():
    class Scale(nn.Block):
        def __init__(self):
            super().__init__()

    block = Scale()
    net = nn.Sequential()
    net.add(block)
    version = net.structure_version
    block.scale = block.params.get("scale", shape=(1,))
    assert net.structure_version > version


def test_a_deferred_shape_becoming_known_moves_it_once():
    net = _mlp()
    net.initialize()
    version = net.structure_version
    net(np.ones((2, 3)))
    assert net.structure_version > version
    settled = net.structure_version
    net(np.ones((2, 3)))
    assert net.structure_version == settled


def test_a_nested_change_reaches_the_root():
    inner = nn.Sequential()
    inner.add(nn.Dense(3))
    middle = nn.Sequential()
    middle.add(inner)
    root = nn.Sequential()
    root.add(middle)
    root_version, middle_version = root.structure_version, middle.structure_version
    inner.add(nn.Dense(2))
    assert root.structure_version > root_version
    assert middle.structure_version > middle_version


def test_a_shared_block_reaches_every_tree_holding_it():
    shared = nn.Sequential()
    first, second = nn.Sequential(), nn.Sequential()
    first.add(shared)
    second.add(shared)
    versions = first.structure_version, second.structure_version
    shared.add(nn.Dense(2))
    assert first.structure_version > versions[0]
    assert second.structure_version > versions[1]


def test_a_removed_child_no_longer_reaches_its_old_parent():
    child = nn.Sequential()
    net = nn.Sequential()
    net.add(child)
    del net._children["0"]
    version = net.structure_version
    child.add(nn.Dense(2))
    assert net.structure_version == version


def test_a_copy_tracks_its_own_tree():
    net = _mlp()
    clone = copy.deepcopy(net)
    version, clone_version = net.structure_version, clone.structure_version
    clone[0].register_child(nn.Dense(1), "extra")
    assert clone.structure_version > clone_version
    assert net.structure_version == version
