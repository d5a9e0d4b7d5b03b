"""Qt-free inspection core: element edits, forward traces, the data-flow graph, gradient split."""

import numpy as np
import pytest

from explorer.core.element_edit import element_code, number_literal, parse_number
from explorer.core.forward_trace import NET_INPUT, TraceError
from explorer.core.session import Session
from explorer.core.traced_graph import NET_OUTPUT


def _session(example: str) -> Session:
    session = Session()
    session.open_example(example)
    return session


def _counters(session):
    return session.net.structure_version, [
        (p.version, p.grad_version) for p in session.parameters()
    ]


# ------------------------------------------------------------------ element edits
def test_parse_number_accepts_numbers_and_refuses_words():
    assert parse_number(" 42 ") == 42.0
    assert parse_number("-1.5e-3") == -1.5e-3
    assert np.isnan(parse_number("nan"))
    with pytest.raises(ValueError, match="not a number"):
        parse_number("forty-two")
    with pytest.raises(ValueError):
        parse_number("")


def test_element_code_is_the_engine_line():
    assert element_code("net[0].weight", (0, 0), 42.0) == "net[0].weight.data()[0, 0] = 42"
    assert element_code("net.dense.bias", (3,), 0.25) == "net.dense.bias.data()[3] = 0.25"
    assert number_literal(float("-inf")) == "-float('inf')"


def test_set_element_is_one_undoable_logged_command():
    session = _session("mlp")
    weight = session.net[0].weight
    before = float(weight.data()[1, 2])
    session.set_element("net[0].weight", (1, 2), "-7.5")
    assert float(weight.data()[1, 2]) == -7.5
    assert session.code_log[-1] == "net[0].weight.data()[1, 2] = -7.5"
    session.undo()
    assert float(weight.data()[1, 2]) == pytest.approx(before)


def test_set_element_refuses_and_changes_nothing():
    session = _session("mlp")
    values = session.net[0].weight.data().asnumpy().copy()
    entries = len(session.commands.entries)
    for index, text in (((0, 0), "abc"), ((999, 0), "1"), ((0,), "1")):
        with pytest.raises(ValueError):
            session.set_element("net[0].weight", index, text)
    assert np.array_equal(session.net[0].weight.data().asnumpy(), values)
    assert len(session.commands.entries) == entries


# ------------------------------------------------------------------ traces and graphs
def test_trace_of_fancymlp_calls_the_reused_block_twice_and_changes_nothing():
    session = _session("fancymlp")
    before = _counters(session)
    graph = session.traced_graph()
    assert _counters(session) == before
    dense_nodes = [n for n in graph.nodes if n.path == "net.dense"]
    assert [n.title for n in dense_nodes] == [
        "net.dense  (call 1 of 2)",
        "net.dense  (call 2 of 2)",
    ]
    first, second = (n.key for n in dense_nodes)
    reuse = graph.edges_of_kind("reuse")
    assert [(e.source, e.target) for e in reuse] == [(first, second)]
    # The batch flows into the first call; forward()'s own code computes the second's input.
    assert any(
        e.source == NET_INPUT and e.target == first and e.label == "(2, 20)"
        for e in graph.edges_of_kind("data")
    )
    assert any(e.target == second for e in graph.edges_of_kind("computed"))
    assert any(e.target == NET_OUTPUT for e in graph.edges)


def test_graph_of_tied_model_links_the_tied_blocks_with_shapes_on_edges():
    session = _session("tied")
    graph = session.traced_graph()
    paths = [n.path for n in graph.nodes]
    assert paths == [None, "net[0]", "net[1]", "net[2]", "net[3]", None]
    key = {n.path: n.key for n in graph.nodes if n.path}
    data = [(e.source, e.target, e.label) for e in graph.edges_of_kind("data")]
    assert (key["net[1]"], key["net[2]"], "(2, 8)") in data
    assert (key["net[3]"], NET_OUTPUT, "(2, 10)") in data
    tied = graph.edges_of_kind("tied")
    assert [(e.source, e.target, e.label) for e in tied] == [
        (key["net[1]"], key["net[2]"], "tied: weight, bias")
    ]


def test_trace_removes_its_hooks_and_refuses_deferred_models():
    session = _session("digits-cnn")
    session.trace_forward(keep_outputs=True)
    for block in [session.net, *session.net._children.values()]:
        assert not block._forward_hooks and not block._forward_pre_hooks
    from engine.gluon import nn

    net = nn.Sequential()
    net.add(nn.Dense(4))
    net.initialize()  # deferred: the first forward pass would fill the shape
    session.use_net(net)
    with pytest.raises(TraceError, match="deferred"):
        session.trace_forward()
    assert net[0].weight.is_deferred


def test_trace_without_a_file_batch_leaves_the_session_random_numbers_alone():
    from engine import np as enp
    from engine.gluon import nn

    session = Session()
    net = nn.Dense(3, in_units=5)
    net.initialize()
    session.use_net(net)
    enp.random.seed(7)
    trace = session.trace_forward()
    drawn = float(enp.random.uniform())
    enp.random.seed(7)
    assert float(enp.random.uniform()) == drawn
    assert trace.input_shape == (2, 5)


def test_trace_keeps_each_layers_output():
    session = _session("digits-cnn")
    trace = session.trace_forward(keep_outputs=True)
    leaves = trace.leaves()
    assert trace.batch.shape == (16, 1, 8, 8)
    assert [c.output.shape for c in leaves][:3] == [(16, 6, 8, 8), (16, 6, 4, 4), (16, 16, 2, 2)]
    expected = session.net(session.demo_input).asnumpy()
    assert np.allclose(leaves[-1].output, expected)


# ------------------------------------------------------------------ gradient split
def test_tied_gradient_split_adds_up_to_the_gradient_and_changes_nothing():
    session = _session("tied")
    session.compute_gradients()
    before = _counters(session)
    grad_before = session.net[1].weight.grad().asnumpy().copy()
    split = session.gradient_split("net[2].weight")
    assert _counters(session) == before
    assert np.array_equal(session.net[1].weight.grad().asnumpy(), grad_before)
    assert [u.label for u in split.uses] == ["net[1]", "net[2]"]
    assert all(np.abs(u.contribution).sum() > 0 for u in split.uses)
    assert np.allclose(split.sum_of_uses, split.total, atol=1e-5)
    # The same batch and loss as Model → Forward + backward: the total is the Gradient column.
    assert np.allclose(split.total, grad_before, atol=1e-5)
    assert not np.allclose(split.uses[0].contribution, split.total)


def test_trace_runs_paused_even_inside_a_recording():
    from engine import autograd

    session = _session("mlp")
    seen = []
    handle = session.net[0].register_forward_hook(
        lambda block, args, out: seen.append((autograd.is_recording(), autograd.is_training()))
    )
    try:
        with autograd.record():
            session.trace_forward()
    finally:
        handle.detach()
    assert seen == [(False, False)]


def test_split_of_a_reused_block_is_each_calls_part_even_after_in_place_ops():
    # FancyMLP calls net.dense twice, then halves X in place until |X|.sum() <= 1:
    # each call's part is checked against finite differences of the loss with the
    # two calls given separate copies of the weight (float64, by hand).
    session = _session("fancymlp")
    split = session.gradient_split("net.dense.weight")
    assert split.loss_name == "L2Loss"
    net = session.net
    x = session.inspection_batch().asnumpy().astype(np.float64)
    w = net.dense.weight.data().asnumpy().astype(np.float64)
    b = net.dense.bias.data().asnumpy().astype(np.float64)
    r = net.rand_weight.data().asnumpy().astype(np.float64)

    def loss(w1, w2):
        h = np.maximum(x @ w1.T + b, 0)
        h = np.maximum(h @ r + 1, 0)
        out = np.maximum(h @ w2.T + b, 0)
        while np.abs(out).sum() > 1:
            out = out / 2
        if np.abs(out).sum() < 0.8:
            out = out * 10
        return 0.5 * out.sum() ** 2  # L2Loss of the scalar output against 0

    def numeric_gradient(which):
        grad, eps = np.zeros_like(w), 1e-6
        for index in np.ndindex(w.shape):
            step = np.zeros_like(w)
            step[index] = eps
            plus = (w + step, w) if which == 0 else (w, w + step)
            minus = (w - step, w) if which == 0 else (w, w - step)
            grad[index] = (loss(*plus) - loss(*minus)) / (2 * eps)
        return grad

    for use, which in zip(split.uses, (0, 1)):
        expected = numeric_gradient(which)
        assert np.allclose(
            use.contribution, expected, rtol=1e-3, atol=1e-4 * np.abs(expected).max()
        )
    assert np.allclose(split.sum_of_uses, split.total, rtol=1e-5, atol=1e-5)
