"""One forward pass watched by hooks: which block ran when, on what, giving what.

Qt-free. :func:`trace_forward` runs ``net`` once on a batch under
``autograd.pause()`` with a forward pre-hook and hook on every block of the
block tree, and records each call in order (a block called twice, like
FancyMLP's ``self.dense``, gives two calls). The hooks are removed afterwards
and the parameters' versions and the tree's structure counter are checked:
a trace that changed the model is an error, never a silent edit. The data-flow
graph (:mod:`traced_graph`) and the activations (:mod:`activations`) are
read from the trace.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as onp

from engine import autograd
from engine.gluon import Block
from engine.ndarray import ndarray

from .block_tree import TreeNode

__all__ = ["TracedCall", "ForwardTrace", "TraceError", "trace_forward", "NET_INPUT"]

NET_INPUT = -1  # the producer of an array that is the batch itself


class TraceError(RuntimeError):
    """The model cannot be traced as it is (deferred shapes, a failing forward)."""


@dataclass(eq=False)
class TracedCall:
    """One call of one block during the traced forward pass.

    Attributes
    ----------
    index : int
        Position in call order (0 = the first block entered, usually ``net``).
    path : str
        Access path of the block (``net[0]``, ``net.dense``).
    kind : str
        The block's class name (``Dense``).
    parent : int or None
        Index of the call this one ran inside (None for the outermost).
    is_leaf : bool
        No other traced block ran inside this call: a node of the data-flow graph.
    use, uses : int
        This is call ``use`` (1-based) of ``uses`` calls of the same block.
    input_shapes, output_shapes : tuple of tuple
        Shapes of the array arguments and of the arrays returned.
    producers : list of int or None
        For each array argument: the leaf call that returned it, :data:`NET_INPUT`
        for the batch, None when it was computed by code between blocks.
    output : numpy.ndarray or None
        A copy of the first returned array (only with ``keep_outputs``).
    param_names : dict
        ``id(Parameter) → attribute name`` of the parameters the block itself
        owns (not its children's).
    """

    index: int
    path: str
    kind: str
    parent: int | None
    block: Block
    param_names: dict
    input_shapes: tuple = ()
    output_shapes: tuple = ()
    producers: list = field(default_factory=list)
    is_leaf: bool = True
    use: int = 1
    uses: int = 1
    output: onp.ndarray | None = None

    @property
    def output_shape(self) -> tuple | None:
        return self.output_shapes[0] if self.output_shapes else None


@dataclass
class ForwardTrace:
    """The calls of one forward pass, in order, with the batch and the result."""

    calls: list[TracedCall]
    input_shape: tuple
    output_shapes: tuple
    output_producer: int | None
    batch: onp.ndarray | None = None

    def leaves(self) -> list[TracedCall]:
        """The calls that are graph nodes (no traced block inside), in call order."""
        return [c for c in self.calls if c.is_leaf]


def _value_now(value):
    """A detached copy of an argument as it is now (the model may change it in place later)."""
    return ndarray._wrap(value.asnumpy().copy()) if isinstance(value, ndarray) else value


def _node_now(array: ndarray) -> ndarray:
    """A stand-in for ``array``'s result as it is now, for ``autograd.grad``.

    An in-place op later in forward (FancyMLP's ``X /= 2``) rebinds the array to
    the op's result, so a gradient taken "with respect to the array" afterwards
    is with respect to ``X / 2``, not the block's output: the split of a tied
    gradient came out twice too large per halving. ``autograd.grad`` finds a
    recorded result by its tape node, so an array holding the node the block's
    output had when the block returned stands for that output exactly.
    """
    stand_in = ndarray._wrap(onp.zeros(array.shape, array.dtype))
    stand_in._node = array._node
    return stand_in


def _arrays(value) -> list:
    if isinstance(value, ndarray):
        return [value]
    if isinstance(value, (tuple, list)):
        return [a for item in value for a in _arrays(item)]
    return []


def _blocks_with_paths(tree: TreeNode) -> dict[int, tuple]:
    """``id(block) → (block, path, own parameter ids)`` for every block row of the tree."""
    found = {}
    for node in tree.walk():
        if node.is_block and id(node.obj) not in found:
            own = {
                id(child.obj): child.path.rsplit(".", 1)[-1]
                for child in node.children
                if child.is_param
            }
            found[id(node.obj)] = (node.obj, node.path, own)
    return found


def model_counters(net: Block, tree: TreeNode) -> tuple:
    """What a trace must leave as it was: the structure counter and every version."""
    params = [n.obj for n in tree.walk() if n.is_param]
    return (net.structure_version, tuple((id(p), p.version, p.grad_version) for p in params))


def trace_forward(
    net: Block, tree: TreeNode, batch, keep_outputs: bool = False, record: bool = False, loss=None
) -> ForwardTrace:
    """Run ``net(batch)`` once, watching every block of ``tree``.

    Parameters
    ----------
    net : Block
    tree : TreeNode
        ``net``'s block tree (gives the access paths).
    batch : engine ndarray
    keep_outputs : bool
        Keep a NumPy copy of each call's first output (for the activations view).
    record : bool
        Run inside ``autograd.record(train_mode=False)`` instead of ``pause()``,
        so the caller can take gradients (the tied-gradient split); the calls'
        calls' arguments and results are then kept in ``trace.live_inputs`` and
        ``trace.live_outputs`` (by call index).
    loss : callable, optional
        With ``record``: ``loss(output)`` is computed inside the recording and
        kept in ``trace.loss``.

    Raises
    ------
    TraceError
        A parameter is still deferred or uninitialized, or the forward pass raised.
    """
    waiting = [n for n in tree.walk() if n.is_param and not n.obj.is_initialized]
    if waiting:
        node = waiting[0]
        if node.obj.is_deferred:
            raise TraceError(
                f"{node.path} is deferred until the first forward pass (its shape "
                f"is not known yet): run Model → Forward once, then trace"
            )
        raise TraceError(
            f"{node.path} is not initialized: call initialize() on it or on its block, then trace"
        )
    blocks = _blocks_with_paths(tree)
    calls: list[TracedCall] = []
    stack: list[TracedCall] = []
    produced: dict[int, int] = {id(batch): NET_INPUT}
    keep_alive: list = [batch]
    live_outputs: dict[int, object] = {}
    live_inputs: dict[int, tuple] = {}
    counts: dict[int, int] = {}

    def before(block, args):
        _, path, own = blocks[id(block)]
        if stack:
            stack[-1].is_leaf = False
        counts[id(block)] = counts.get(id(block), 0) + 1
        arrays = _arrays(args)
        call = TracedCall(
            len(calls),
            path,
            type(block).__name__,
            stack[-1].index if stack else None,
            block,
            own,
            input_shapes=tuple(tuple(a.shape) for a in arrays),
            producers=[produced.get(id(a)) for a in arrays],
            use=counts[id(block)],
        )
        calls.append(call)
        stack.append(call)
        keep_alive.extend(arrays)
        if record:
            live_inputs[call.index] = tuple(_value_now(a) for a in args)

    def after(block, args, out):
        call = stack.pop()
        arrays = _arrays(out)
        keep_alive.extend(arrays)
        call.output_shapes = tuple(tuple(a.shape) for a in arrays)
        if call.is_leaf:
            for array in arrays:
                produced.setdefault(id(array), call.index)
        if keep_outputs and arrays:
            call.output = arrays[0].asnumpy().copy()
        if record:
            live_outputs[call.index] = [_node_now(a) for a in arrays]

    handles = []
    before_counters = model_counters(net, tree)
    try:
        for block, _, _ in blocks.values():
            handles.append(block.register_forward_pre_hook(before))
            handles.append(block.register_forward_hook(after))
        scope = autograd.record(train_mode=False) if record else autograd.pause()
        try:
            with scope:
                out = net(batch)
                head = loss(out) if record and loss is not None else None
        except Exception as exc:  # the model's own code: report, do not crash the app
            raise TraceError(f"The forward pass failed: {type(exc).__name__}: {exc}") from exc
    finally:
        for handle in handles:
            handle.detach()
    if model_counters(net, tree) != before_counters:
        raise TraceError(
            "Tracing changed the model (a block writes during forward); the trace is not shown"
        )
    for call in calls:
        call.uses = counts[id(call.block)]
    outputs = _arrays(out)
    trace = ForwardTrace(
        calls,
        tuple(batch.shape),
        tuple(tuple(a.shape) for a in outputs),
        produced.get(id(outputs[0])) if outputs else None,
        batch.asnumpy().copy() if keep_outputs else None,
    )
    if record:
        trace.live_outputs, trace.live_inputs, trace.loss = live_outputs, live_inputs, head
    return trace
