"""Deep block trees: 1,000 nested Sequentials work; deeper ones and cycles are refused
at ``add`` with a message; ``add`` refuses what is not a Block."""

from __future__ import annotations

import pytest

from engine import init, np
from engine.gluon import nn
from engine.gluon.block_walk import MAX_NESTING_DEPTH, NestingError

DEPTH = 1000


def nested(depth, leaf=None):
    net = leaf if leaf is not None else nn.Dense(2, in_units=2)
    for _ in range(depth):
        outer = nn.Sequential()
        outer.add(net)
        net = outer
    return net


@pytest.fixture(scope="module")
def deep():
    return nested(DEPTH)


def test_deep_repr_prints_every_level(deep):
    text = repr(deep)
    lines = text.split("\n")
    assert lines[0] == "Sequential("
    assert lines[1] == "  (0): Sequential("
    assert lines[DEPTH] == " " * (2 * DEPTH) + "(0): Dense(2 -> 2, linear)"
    assert lines[-1] == ")"
    assert len(lines) == 2 * DEPTH + 1


def test_repr_matches_the_recursive_form_on_a_shallow_tree():
    net = nn.Sequential()
    inner = nn.Sequential()
    inner.add(nn.Dense(3, in_units=2), nn.Sequential())
    net.add(inner, nn.Dense(1, activation="relu"))
    assert repr(net) == (
        "Sequential(\n"
        "  (0): Sequential(\n"
        "    (0): Dense(2 -> 3, linear)\n"
        "    (1): Sequential(\n"
        "    \n"
        "    )\n"
        "  )\n"
        "  (1): Dense(-1 -> 1, Activation(relu))\n"
        ")"
    )


def test_deep_collect_initialize_forward_save_load(deep, tmp_path):
    params = deep.collect_params()
    assert len(params) == 2
    deep.initialize(init.One(), force_reinit=True)
    out = deep(np.ones((1, 2)))
    assert out.asnumpy().tolist() == [[2.0, 2.0]]
    path = str(tmp_path / "deep.params")
    deep.save_parameters(path)
    clone = nested(DEPTH)
    clone.load_parameters(path)
    assert (clone(np.ones((1, 2))) == out).all()


def test_deep_apply_hybridize_and_cast(deep):
    visited = []
    deep.apply(visited.append)
    assert len(visited) == DEPTH + 1  # every Sequential and the Dense
    assert visited[-1] is deep  # children first, as Gluon
    deep.hybridize()
    deep.cast("float64")
    assert all(p.dtype == "float64" for p in deep.collect_params().values())
    deep.cast("float32")


def test_hooks_of_nested_sequentials_still_run(deep):
    seen = []
    middle = deep
    for _ in range(DEPTH // 2):
        middle = middle[0]
    middle.register_forward_pre_hook(lambda block, inputs: seen.append(("pre", block)))
    middle.register_forward_hook(lambda block, inputs, out: seen.append(("post", out.shape)))
    deep.initialize(force_reinit=True)
    deep(np.ones((3, 2)))
    assert seen == [("pre", middle), ("post", (3, 2))]


def test_nesting_beyond_the_limit_is_refused_at_add_with_the_depth():
    net = nn.Dense(2, in_units=2)
    for _ in range(MAX_NESTING_DEPTH - 1):  # built directly: add() would check each level
        outer = nn.Sequential()
        outer._children["0"] = net
        net = outer
    outer = nn.Sequential()
    with pytest.raises(
        NestingError, match=f"{MAX_NESTING_DEPTH + 1} levels deep.*at most {MAX_NESTING_DEPTH}"
    ):
        outer.add(net)
    assert len(outer) == 0


def test_a_block_cannot_contain_itself():
    net = nn.Sequential()
    with pytest.raises(NestingError, match="contains itself"):
        net.add(net)
    inner = nn.Sequential()
    net.add(inner)
    with pytest.raises(NestingError, match="contains itself"):
        inner.add(net)
    assert len(inner) == 0


@pytest.mark.parametrize("kind", [nn.Sequential, nn.HybridSequential])
def test_add_refuses_what_is_not_a_block_and_adds_nothing(kind):
    net = kind()
    with pytest.raises(ValueError, match="5 has type <class 'int'>"):
        net.add(nn.Dense(2), 5)
    assert len(net) == 0


def test_hybrid_sequential_uses_mxnets_message():
    with pytest.raises(ValueError, match="Children of HybridBlock must also be HybridBlock"):
        nn.HybridSequential().add("relu")
