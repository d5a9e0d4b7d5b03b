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

For small networks the walk's own costs matter: leaves are keyed by the array
itself (arrays hash by identity, in C), and a gradient buffer that is a view
(packed by the optimizer) is written in place right in ``_write_leaf_grads``,
bumping its version as ``ndarray._receive_grad`` would.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import ContextDecorator
from heapq import heappop, heappush
from itertools import count

import numpy as _onp

__all__ = [
    "record",
    "pause",
    "train_mode",
    "predict_mode",
    "is_recording",
    "is_training",
    "set_recording",
    "set_training",
    "backward",
    "grad",
    "mark_variables",
    "Node",
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


class _Scope(ContextDecorator):
    """Set the recording/training state for a ``with`` block, then restore the previous one.

    A plain class rather than ``@contextmanager``: ``record()`` opens every training step,
    and a generator-based manager costs several times more to enter and leave.
    """

    __slots__ = ("_recording", "_training", "_previous")

    def __init__(self, recording: bool | None, training: bool | None) -> None:
        self._recording = recording
        self._training = training

    def __enter__(self):
        state = _state
        self._previous = (state.recording, state.training)
        if self._recording is not None:
            state.recording = self._recording
        if self._training is not None:
            state.training = self._training
        return self

    def __exit__(self, *exc) -> None:
        _state.recording, _state.training = self._previous


_scope = _Scope


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


_next_sequence = count().__next__


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
    op_name : str
        Named in the error raised when a saved value was overwritten.

    Attributes
    ----------
    seq : int
        Creation order. A node is always created after the nodes of its inputs,
        so taking nodes from the highest ``seq`` down is a topological order:
        ``backward`` needs no separate sort of the graph.
    """

    __slots__ = ("entries", "backward", "saved", "op_name", "seq")

    def __init__(self, entries, backward, saved, op_name):
        self.entries = entries
        self.backward = backward
        self.saved = saved
        self.op_name = op_name
        self.seq = _next_sequence()


def _entry_of(x):
    """Graph entry of an input: its Node, itself when a tracked leaf, else None."""
    node = getattr(x, "_node", None)
    if node is not None:
        return node
    if getattr(x, "_grad", None) is not None and x._grad_req != "null":
        return x
    return None


# The engine's array type, set by engine/ndarray.py once it is defined (it imports this
# module): tape_entries reads an array's fields directly instead of through getattr.
_array_type = None


def tape_entries(inputs: Sequence) -> tuple | None:
    """Return graph entries of ``inputs`` when the op must be recorded, else None."""
    if not _state.recording:
        return None
    # _entry_of inlined: every recorded op runs this.
    entries = []
    append = entries.append
    tracked = False
    array_type = _array_type
    for x in inputs:
        if type(x) is array_type:
            node = x._node
            if node is not None:
                append(node)
                tracked = True
            elif x._grad is not None and x._grad_req != "null":
                append(x)
                tracked = True
            else:
                append(None)
            continue
        node = getattr(x, "_node", None)
        if node is not None:
            append(node)
            tracked = True
        elif getattr(x, "_grad", None) is not None and x._grad_req != "null":
            append(x)
            tracked = True
        else:
            append(None)
    return tuple(entries) if tracked else None


def attach(result, entries: tuple, backward: Callable, saved=(), op_name: str = "op"):
    """Attach a Node to ``result`` (an engine ndarray); ``saved`` are arrays read by backward."""
    result._node = Node(entries, backward, tuple([(s._vc, s._vc.value) for s in saved]), op_name)
    return result


def _modified_error(node: Node, current: int, expected: int) -> RuntimeError:
    return RuntimeError(
        f"Cannot compute the gradient: an array read by the recorded "
        f"'{node.op_name}' op was modified in place after it was used "
        f"(its version is {current}, expected {expected}). Write "
        f"out of place (x = x * 2 instead of x *= 2), or change parameters "
        f"with set_data() outside autograd.record()."
    )


# Read-only arrays of ones, the default head gradient of small heads (a loss per sample):
# allocating one costs as much as a small op. Read-only, so a backward that tried to write
# into its incoming gradient would fail loudly instead of corrupting the next call's.
_ONES: dict = {}
_ONES_MAX_SIZE = 4096


def _ones(shape: tuple, dtype) -> _onp.ndarray:
    key = (shape, dtype)
    ones = _ONES.get(key)
    if ones is None:
        ones = _onp.ones(shape, dtype=dtype)
        if ones.size <= _ONES_MAX_SIZE and len(_ONES) < 256:
            ones.flags.writeable = False
            _ONES[key] = ones
    return ones


def is_default_head_grad(g) -> bool:
    """Whether ``g`` is the all-ones head gradient ``backward()`` starts from by default.

    An op may then skip multiplying by its incoming gradient (``x · 1`` is ``x``).
    """
    return _ONES.get((g.shape, g.dtype)) is g


def _head_lists(heads, head_grads) -> tuple:
    """``heads`` and ``head_grads`` as two sequences of equal length."""
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
    return heads, head_grads


def _run_backward(heads, head_grads, retain_graph, train_mode, wanted=frozenset()):
    """Propagate head gradients through the recorded graph.

    ``heads`` and ``head_grads`` are sequences of equal length (see ``_head_lists``).
    Returns ``(leaf_grads, kept)``: the summed gradient of each leaf reached, keyed
    by the leaf array itself (arrays hash by identity), and the gradients arriving
    at the ``wanted`` nodes.

    Nodes are taken from a heap ordered by creation (latest first), which is a
    topological order: when a node is taken, every node that consumed its value
    has already sent its gradient.
    """
    # node -> its summed output gradient so far (None: reached, but no gradient yet)
    node_grads: dict[Node, object] = {}
    heap: list = []
    leaf_grads: dict = {}
    kept: dict[Node, object] = {}
    for head, head_grad in zip(heads, head_grads):
        values = head._data
        if head_grad is None:
            g = _ones(values.shape, values.dtype)
        else:
            g = _onp.broadcast_to(
                _onp.asarray(getattr(head_grad, "_data", head_grad), dtype=values.dtype),
                values.shape,
            )
        entry = _entry_of(head)
        if entry is None:
            from .base import MXNetError

            raise MXNetError(
                "Cannot differentiate a value that was not recorded: run the "
                "computation inside `with autograd.record():` and call attach_grad() "
                "on the inputs (parameters are attached by initialize())."
            )
        if type(entry) is Node:
            if entry in node_grads:
                node_grads[entry] = node_grads[entry] + g
            else:
                if entry.backward is None:
                    raise RuntimeError(_FREED_MESSAGE)
                node_grads[entry] = g
                heappush(heap, (-entry.seq, entry))
        else:
            existing = leaf_grads.get(entry)
            leaf_grads[entry] = g if existing is None else existing + g

    # The walk records nothing; the state is switched once around it, not per node.
    state = _state
    previous = (state.recording, state.training)
    state.recording = False
    state.training = train_mode
    take_node_grad = node_grads.pop
    leaf_grad_of = leaf_grads.get
    try:
        while heap:
            node = heappop(heap)[1]
            g = take_node_grad(node)
            entries = node.entries
            if g is None:
                # No gradient flows through this node; still visit its inputs, so a freed
                # graph below it is refused all the same.
                for entry in entries:
                    if type(entry) is Node and entry not in node_grads:
                        if entry.backward is None:
                            raise RuntimeError(_FREED_MESSAGE)
                        node_grads[entry] = None
                        heappush(heap, (-entry.seq, entry))
                continue
            if wanted and node in wanted:
                kept[node] = g
            for counter, version in node.saved:
                if counter.value != version:
                    raise _modified_error(node, counter.value, version)
            for entry, grad in zip(entries, node.backward(g)):
                if entry is None:
                    continue
                if type(entry) is Node:
                    if entry in node_grads:
                        if grad is not None:
                            existing = node_grads[entry]
                            node_grads[entry] = grad if existing is None else existing + grad
                    else:
                        if entry.backward is None:
                            raise RuntimeError(_FREED_MESSAGE)
                        node_grads[entry] = grad
                        heappush(heap, (-entry.seq, entry))
                elif grad is not None:
                    existing = leaf_grad_of(entry)
                    leaf_grads[entry] = grad if existing is None else existing + grad
            if not retain_graph:
                node.backward = None
                node.saved = ()
    finally:
        state.recording, state.training = previous
    return leaf_grads, kept


def backward(heads, head_grads=None, retain_graph: bool = False, train_mode: bool = True) -> None:
    """Compute gradients of ``heads`` with respect to every tracked leaf.

    A non-scalar head without a head gradient behaves like its sum. Leaves
    with ``grad_req='write'`` have their gradient overwritten, ``'add'``
    accumulates across calls.
    """
    heads, head_grads = _head_lists(heads, head_grads)
    _write_leaf_grads(_run_backward(heads, head_grads, retain_graph, train_mode)[0])


def backward_of(head, head_grad=None, retain_graph: bool = False, train_mode: bool = True) -> None:
    """``backward`` of one head array (``ndarray.backward``), without normalizing lists."""
    _write_leaf_grads(_run_backward((head,), (head_grad,), retain_graph, train_mode)[0])


def _write_leaf_grads(leaf_grads: dict) -> None:
    take = leaf_grads.popitem
    while leaf_grads:
        leaf, g = take()
        grad = leaf._grad
        current = grad._data
        if current.base is not None and leaf._grad_req == "write":
            # A packed gradient (a view, see optimizer/packing.py): always written in
            # place, as ndarray._receive_grad would; inlined for small networks, whose
            # every parameter takes this path at every step.
            current[...] = g
            grad._bump()
            leaf._fresh_grad = True
            continue
        # Only this frame holds `g` now (the local name and getrefcount's argument): the
        # leaf may adopt the buffer instead of copying it. (On a line of its own: inside
        # the call's argument list, the pending first argument would be one more reference.)
        unshared = sys.getrefcount(g) <= 2
        leaf._receive_grad(g, unshared)


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False, train_mode=True):
    """Return the gradients of ``heads`` with respect to ``variables`` (``.grad`` untouched)."""
    from .ndarray import ndarray

    if create_graph:
        raise NotImplementedError(
            "Higher-order gradients (create_graph=True) are not supported by the engine"
        )
    single = isinstance(variables, ndarray)
    if single:
        variables = [variables]
    # A recorded intermediate is found by its node, a leaf by its identity.
    keys = [v._node if v._node is not None else v for v in variables]
    wanted = frozenset(k for k in keys if type(k) is Node)
    heads, head_grads = _head_lists(heads, head_grads)
    leaf_grads, kept = _run_backward(
        heads, head_grads, bool(retain_graph), train_mode, wanted=wanted
    )
    out = []
    for var, key in zip(variables, keys):
        g = kept.get(key) if type(key) is Node else leaf_grads.get(key)
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
