"""The data-flow graph of a model, read from one traced forward pass.

Qt-free. Nodes are the batch, every leaf call (a block reused in ``forward``
gives one node per call) and the result; edges carry the shape of the array
that flows along them. Two kinds of links join nodes that share weights: a
block called twice (``reuse``) and two blocks holding the same Parameter
(``tied``). The graph view draws this; tests read it directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from .block_tree import shape_text
from .forward_trace import NET_INPUT, ForwardTrace, TracedCall

__all__ = ["GraphNode", "GraphEdge", "TracedGraph", "build_graph", "NET_OUTPUT"]

NET_OUTPUT = -2


@dataclass
class GraphNode:
    """A box of the graph: the batch (key -1), a call (its index) or the result (key -2)."""

    key: int
    title: str
    detail: str
    path: str | None = None


@dataclass
class GraphEdge:
    """A line from ``source`` to ``target`` (node keys).

    ``kind`` is ``'data'`` (an array a block returned goes into the next),
    ``'computed'`` (the array was computed by code in ``forward`` between
    the two), ``'reuse'`` (the same block, called again) or ``'tied'``
    (different blocks, the same Parameter).
    """

    source: int
    target: int
    label: str
    kind: str = "data"


@dataclass
class TracedGraph:
    nodes: list[GraphNode]
    edges: list[GraphEdge]

    def node(self, key: int) -> GraphNode:
        return next(n for n in self.nodes if n.key == key)

    def edges_of_kind(self, kind: str) -> list[GraphEdge]:
        return [e for e in self.edges if e.kind == kind]


def _shapes(shapes: tuple) -> str:
    return ", ".join(shape_text(s) for s in shapes) or "(nothing)"


def _detail(call: TracedCall) -> str:
    text = repr(call.block).splitlines()[0]
    if len(text) > 44:
        text = text[:43] + "…"
    return text


def build_graph(trace: ForwardTrace) -> TracedGraph:
    """Nodes and edges of ``trace``, in call order."""
    leaves = trace.leaves()
    nodes = [GraphNode(NET_INPUT, "input", f"batch {shape_text(trace.input_shape)}")]
    for call in leaves:
        title = call.path if call.uses == 1 else f"{call.path}  (call {call.use} of {call.uses})"
        nodes.append(GraphNode(call.index, title, _detail(call), call.path))
    nodes.append(GraphNode(NET_OUTPUT, "output", _shapes(trace.output_shapes)))
    leaf_keys = {c.index for c in leaves}
    edges: list[GraphEdge] = []
    previous = NET_INPUT
    for call in leaves:
        joined = False
        for producer, shape in zip(call.producers, call.input_shapes):
            if producer is not None and (producer == NET_INPUT or producer in leaf_keys):
                edges.append(GraphEdge(producer, call.index, shape_text(shape)))
                joined = True
        if not joined:  # computed by forward()'s own code from what ran before
            shape = call.input_shapes[0] if call.input_shapes else ()
            edges.append(
                GraphEdge(previous, call.index, f"{shape_text(shape)} (computed)", "computed")
            )
        previous = call.index
    if trace.output_producer is not None:
        edges.append(GraphEdge(trace.output_producer, NET_OUTPUT, _shapes(trace.output_shapes)))
    else:
        edges.append(
            GraphEdge(
                previous, NET_OUTPUT, f"{_shapes(trace.output_shapes)} (computed)", "computed"
            )
        )
    edges.extend(_weight_links(leaves))
    return TracedGraph(nodes, edges)


def _weight_links(leaves: list[TracedCall]) -> list[GraphEdge]:
    """``reuse`` links between calls of one block; ``tied`` links between blocks sharing."""
    links = []
    last_call_of: dict[int, TracedCall] = {}
    first_owner: dict[int, TracedCall] = {}
    for call in leaves:
        earlier = last_call_of.get(id(call.block))
        if earlier is not None:
            links.append(
                GraphEdge(
                    earlier.index,
                    call.index,
                    f"same block, call {earlier.use} → {call.use}",
                    "reuse",
                )
            )
        last_call_of[id(call.block)] = call
        shared: dict[int, list[str]] = {}
        for param_id, name in call.param_names.items():
            owner = first_owner.setdefault(param_id, call)
            if owner.block is not call.block:
                shared.setdefault(owner.index, []).append(name)
        for owner_index, names in shared.items():
            links.append(GraphEdge(owner_index, call.index, "tied: " + ", ".join(names), "tied"))
    return links
