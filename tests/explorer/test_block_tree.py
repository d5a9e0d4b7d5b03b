"""Access paths, ties, totals and the regex filter of the Qt-free block tree."""

import re

import pytest

from engine import np
from engine.gluon import nn
from explorer.core.block_tree import build_tree, filter_tree, find_node, totals
from explorer.core.session import Session


def _open(example_id):
    s = Session()
    s.open_example(example_id)
    return s.net, build_tree(s.net)


def _param_paths(root):
    return [n.path for n in root.walk() if n.is_param]


def test_rgnet_paths_follow_the_chapter_listing():
    net, root = _open("rgnet")
    paths = _param_paths(root)
    assert paths[:4] == [
        "net[0][0][0].weight",
        "net[0][0][0].bias",
        "net[0][0][1].weight",
        "net[0][0][1].bias",
    ]
    assert "net[0][1][0].bias" in paths and paths[-1] == "net[1].bias"
    # Every path evaluates to the parameter it names.
    for node in root.walk():
        assert eval(node.path, {"net": net}) is node.obj


@pytest.mark.parametrize(
    "example_id", ["mlp-class", "nestmlp", "mysequential", "fancymlp", "chimera", "tied"]
)
def test_every_access_path_evaluates_to_its_object(example_id):
    net, root = _open(example_id)
    for node in root.walk():
        assert eval(node.path, {"net": net}) is node.obj, node.path


def test_mysequential_children_are_reached_through_children_dict():
    net, root = _open("mysequential")
    first_key = list(net._children)[0]
    assert first_key.startswith("dense")
    assert root.children[0].path == f"net._children[{first_key!r}]"
    assert root.children[0].children[0].path == f"net._children[{first_key!r}].weight"


def test_parameter_order_is_collect_params_order():
    for example_id in ("rgnet", "chimera", "tied", "fancymlp"):
        net, root = _open(example_id)
        firsts = [n.obj for n in root.walk() if n.is_param and n.tied_to is None]
        assert firsts == list(net.collect_params().values())


def test_tied_layer_is_marked_with_its_first_occurrence():
    net, root = _open("tied")
    tied = [n for n in root.walk() if n.tied_to is not None]
    assert [(n.path, n.tied_to.path) for n in tied] == [
        ("net[2].weight", "net[1].weight"),
        ("net[2].bias", "net[1].bias"),
    ]
    t = totals(root)
    assert t.shared == 8 * 8 + 8
    assert t.parameters == sum(p.data().size for p in net.collect_params().values())


def test_constant_is_not_trainable():
    net, root = _open("fancymlp")
    t = totals(root)
    assert t.parameters - t.trainable == 20 * 20


@pytest.mark.parametrize(
    "pattern", [".*weight", "dense.*_bias", ".*0_.*|.*1_weight", "nothing", "sequential"]
)
def test_filter_shows_exactly_what_collect_params_returns(pattern):
    for example_id in ("rgnet", "tied", "chimera"):
        net, root = _open(example_id)
        shown = [
            n.obj
            for n in filter_tree(root, net.collect_params(pattern).values()).walk()
            if n.is_param
        ]
        assert shown == list(net.collect_params(pattern).values())
        assert all(re.match(pattern, p.name) for p in shown)


def test_deferred_parameters_show_unknown_shape():
    net = nn.Sequential()
    net.add(nn.Dense(4))
    net.initialize()
    root = build_tree(net)
    weight = find_node(root, "net[0].weight")
    assert weight.obj.shape == (4, -1) and weight.obj.is_deferred
    # The bias's shape is known, so only the weight waits for the first forward.
    assert totals(root).deferred == 1
    net(np.ones((1, 3)))
    assert totals(build_tree(net)).deferred == 0


def test_dense_activation_is_folded_into_the_dense_row():
    _, root = _open("mlp")
    dense = root.children[0]
    assert dense.activation == "relu"
    assert [c.label for c in dense.children] == ["weight", "bias"]


def test_a_model_a_thousand_blocks_deep_is_walked_without_recursion():
    net = nn.Sequential()
    block = net
    for _ in range(1000):
        inner = nn.Sequential()
        block.add(inner)
        block = inner
    block.add(nn.Dense(3, in_units=2))
    block[0].initialize()
    root = build_tree(net)
    rows = list(root.walk())
    assert len(rows) == 1 + 1000 + 1 + 2
    assert rows[-1].path == "net" + "[0]" * 1001 + ".bias"
    from explorer.core.block_tree import subtree_sizes

    assert subtree_sizes(root)[id(root)] == 3 * 2 + 3
    kept = filter_tree(root, [block[0].bias])
    assert [n.path for n in kept.walk() if n.is_param] == [rows[-1].path]
