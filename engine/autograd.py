"""Tape-based reverse-mode automatic differentiation (MXNet ``autograd`` API).

Recording happens inside ``record()``. Every differentiable op that sees a
tracked input (an array with an attached gradient, or the result of a recorded
op) attaches a :class:`Node` to its result: the node holds the local backward
function and the graph entries of its inputs. ``backward`` walks the nodes in
reverse topological order and always *adds* into the gradient of each entry, so
an array used twice (a tied layer) receives the sum of both uses.

Values a node needs for its backward are checked against the version counter of
their storage: an in-place write after the value was used would silently give
wrong gradients, so it raises instead (PyTorch's saved-tensor check).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import contextmanager

import numpy as _onp

__all__ = [
    "record", "pause", "train_mode", "predict_mode", "is_recording", "is_training",
    "set_recording", "set_training", "backward", "grad", "mark_variables", "Node",
]


class _State(threading.local):
    def __init__(self) -> None:
        self.recording = False
        self.training = False


_state = _State()


def is_recording() -> bool:
    """Whether ops are currently recorded for differentiation."""
    return _state.recording


def is_training() -> bool:
    """Whether layers such as Dropout and BatchNorm run in training mode."""
    return _state.training


def set_recording(is_record: bool) -> bool:
    """Set recording state; returns the previous state (MXNet API)."""
    previous = _state.recording
    _state.recording = bool(is_record)
    return previous


def set_training(train_mode: bool) -> bool:
    """Set training state; returns the previous state (MXNet API)."""
    previous = _state.training
    _state.training = bool(train_mode)
    return previous


@contextmanager
def _scope(recording: bool | None, training: bool | None):
    previous = (_state.recording, _state.training)
    if recording is not None:
        _state.recording = recording
    if training is not None:
        _state.training = training
    try:
        yield
    finally:
        _state.recording, _state.training = previous


def record(train_mode: bool = True):
    """Record ops for ``backward`` (and run layers in training mode by default)."""
    return _scope(True, train_mode)


def pause(train_mode: bool = False):
    """Stop recording inside a ``record()`` block."""
    return _scope(False, train_mode)


def train_mode():
    """Run layers in training mode without changing recording."""
    return _scope(None, True)


def predict_mode():
    """Run layers in prediction mode without changing recording."""
    return _scope(None, False)


class Node:
    """One recorded op: how to send its output gradient back to its inputs.

    Parameters
    ----------
    entries : tuple
        For each input, the input's own ``Node`` (an intermediate result), the
        input array itself (a leaf with an attached gradient) or ``None`` (a
        constant that needs no gradient).
    backward : callable
        ``backward(grad_out) -> sequence`` of NumPy gradients, one per entry
        (``None`` where no gradient flows).
    saved : tuple
        ``(version_counter, version)`` pairs of the storages whose values
        ``backward`` reads.
    """

    __slots__ = ("entries", "backward", "saved", "op_name", "shape", "dtype")

    def __init__(self, entries, backward, saved, op_name, shape, dtype):
        self.entries = entries
        self.backward = backward
        self.saved = saved
        self.op_name = op_name
        self.shape = shape
        self.dtype = dtype


def _entry_of(x):
    """Graph entry of an input: its Node, itself when a tracked leaf, else None."""
    node = getattr(x, "_node", None)
    if node is not None:
        return node
    if getattr(x, "_grad", None) is not None and x._grad_req != "null":
        return x
    return None


def tape_entries(inputs: Sequence) -> tuple | None:
    """Return graph entries of ``inputs`` when the op must be recorded, else None."""
    if not _state.recording:
        return None
    entries = tuple(_entry_of(x) for x in inputs)
    for entry in entries:
        if entry is not None:
            return entries
    return None


def attach(result, entries: tuple, backward: Callable, saved=(), op_name: str = "op"):
    """Attach a Node to ``result`` (an engine ndarray); ``saved`` are arrays read by backward."""
    result._node = Node(
        entries,
        backward,
        tuple((s._vc, s._vc.value) for s in saved),
        op_name,
        result._data.shape,
        result._data.dtype,
    )
    return result


def _topological_order(head_nodes: list[Node]) -> list[Node]:
    order: list[Node] = []
    visited: set[int] = set()
    for head in head_nodes:
        if id(head) in visited:
            continue
        visited.add(id(head))
        stack = [(head, iter(head.entries))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if isinstance(child, Node) and id(child) not in visited:
                    visited.add(id(child))
                    stack.append((child, iter(child.entries)))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def _check_saved(node: Node) -> None:
    for counter, version in node.saved:
        if counter.value != version:
            raise RuntimeError(
                f"Cannot compute the gradient: an array read by the recorded "
                f"'{node.op_name}' op was modified in place after it was used "
                f"(its version is {counter.value}, expected {version}). Write "
                f"out of place (x = x * 2 instead of x *= 2), or change parameters "
                f"with set_data() outside autograd.record()."
            )


def _accumulate(grads: dict, key: int, grad) -> None:
    existing = grads.get(key)
    if existing is None:
        grads[key] = grad
    else:
        grads[key] = existing + grad


def _run_backward(heads, head_grads, retain_graph, train_mode, wanted=()):
    """Propagate head gradients; return (grads by entry id, leaves by id, kept wanted grads)."""
    from .ndarray import ndarray

    if isinstance(heads, ndarray):
        heads = [heads]
        head_grads = [head_grads]
    elif head_grads is None:
        head_grads = [None] * len(heads)
    elif isinstance(head_grads, ndarray):
        head_grads = [head_grads]
    if len(heads) != len(head_grads):
        raise ValueError("heads and head_grads must have the same length")

    grads: dict[int, object] = {}
    leaves: dict[int, object] = {}
    kept: dict[int, object] = {}
    wanted = set(wanted)
    head_nodes: list[Node] = []
    for head, head_grad in zip(heads, head_grads):
        if head_grad is None:
            g = _onp.ones(head.shape, dtype=head.dtype)
        else:
            g = _onp.broadcast_to(_onp.asarray(getattr(head_grad, "_data", head_grad),
                                               dtype=head.dtype), head.shape)
        entry = _entry_of(head)
        if entry is None:
            from .base import MXNetError

            raise MXNetError(
                "Cannot differentiate a value that was not recorded: run the "
                "computation inside `with autograd.record():` and call attach_grad() "
                "on the inputs (parameters are attached by initialize()).")
        if isinstance(entry, Node):
            if entry.backward is None:
                raise RuntimeError(_FREED_MESSAGE)
            head_nodes.append(entry)
        else:
            leaves[id(entry)] = entry
        _accumulate(grads, id(entry), g)

    # One scope around the whole walk (not one per node): the bookkeeping between node
    # backwards records nothing, and entering a context manager per node was a measurable
    # share of a small network's step.
    with _scope(False, train_mode):
        for node in _topological_order(head_nodes):
            if node.backward is None:
                raise RuntimeError(_FREED_MESSAGE)
            g = grads.pop(id(node), None)
            if g is None:
                continue
            if id(node) in wanted:
                kept[id(node)] = g
            if node.saved:
                _check_saved(node)
            input_grads = node.backward(g)
            for entry, grad in zip(node.entries, input_grads):
                if entry is None or grad is None:
                    continue
                if not isinstance(entry, Node):
                    leaves[id(entry)] = entry
                _accumulate(grads, id(entry), grad)
            if not retain_graph:
                node.backward = None
                node.saved = ()
    return grads, leaves, kept


def backward(heads, head_grads=None, retain_graph: bool = False, train_mode: bool = True) -> None:
    """Compute gradients of ``heads`` with respect to every tracked leaf.

    A non-scalar head without a head gradient behaves like its sum. Leaves
    with ``grad_req='write'`` have their gradient overwritten, ``'add'``
    accumulates across calls.
    """
    grads, leaves, _ = _run_backward(heads, head_grads, retain_graph, train_mode)
    for key, leaf in leaves.items():
        g = grads.pop(key, None)
        if g is not None:
            # Only this frame holds `g` (the local name and getrefcount's argument):
            # the leaf may adopt the buffer instead of copying it.
            unshared = sys.getrefcount(g) <= 2
            leaf._receive_grad(g, unshared)


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False,
         train_mode=True):
    """Return the gradients of ``heads`` with respect to ``variables`` (``.grad`` untouched)."""
    from .ndarray import ndarray

    if create_graph:
        raise NotImplementedError("Higher-order gradients (create_graph=True) are not "
                                  "supported by the engine")
    single = isinstance(variables, ndarray)
    if single:
        variables = [variables]
    keys = [id(v._node) if v._node is not None else id(v) for v in variables]
    grads, _, kept = _run_backward(heads, head_grads, bool(retain_graph), train_mode,
                                   wanted=keys)
    out = []
    for var, key in zip(variables, keys):
        g = kept.get(key, grads.get(key))
        value = _onp.zeros(var.shape, var.dtype) if g is None else _onp.array(g, var.dtype)
        out.append(ndarray._wrap(value))
    return out


_FREED_MESSAGE = (
    "Cannot run backward: this graph was already used by a backward pass and "
    "its intermediate values were freed. Run the forward pass again inside "
    "autograd.record(), or call backward(retain_graph=True) the first time."
)


def mark_variables(variables, gradients, grad_reqs="write") -> None:
    """Attach gradient buffers to arrays (MXNet's low-level API)."""
    from .ndarray import ndarray

    if isinstance(variables, ndarray):
        variables, gradients = [variables], [gradients]
    if isinstance(grad_reqs, str):
        grad_reqs = [grad_reqs] * len(variables)
    for var, grad, req in zip(variables, gradients, grad_reqs):
        var._grad = grad
        var._grad_req = req
