"""Consecutive Dense layers of a Sequential, run and recorded as one node.

A multilayer perceptron is most of what learners train, and on a small one
Python's per-layer costs (the block call, the result array, its graph node, the
backward closure, the walk visiting each node) outweigh the arithmetic. Inside a
Sequential, a run of plain Dense layers (no hooks, parameters initialized, a
2-D input) has outputs no one else can see, so the run can be one node: the
same NumPy calls in the same order as ``fully_connected`` layer by layer, the
same values and gradients bit for bit (tests/engine/test_dense_stack.py
compares the two), with one array, one node and one closure for the whole run.

The node lists its inputs' entries as ``(x, weight_n, bias_n, …, weight_1,
bias_1)``, last layer first: the order in which the layer-by-layer walk sends
gradients, so a parameter used by several layers of the run (tied layers)
gets its contributions summed in the same order, with the same roundings.
"""

from __future__ import annotations

import numpy as _onp

from ..autograd import Node
from ..autograd import _state as _autograd_state
from ..ndarray import VersionCounter, ndarray
from .nn import _activate_inplace, _activation_grad, _dot, _shape_error, zero_and_one

__all__ = ["dense_stack"]

_new_array = object.__new__
_plain = _onp.ndarray
_add_reduce = _onp.add.reduce


def _entry(array):
    """Graph entry of an engine array (see ``autograd.tape_entries``)."""
    node = array._node
    if node is not None:
        return node
    if array._grad is not None and array._grad_req != "null":
        return array
    return None


def dense_stack(x, layers: list) -> ndarray:
    """``act_n(… act_1(x · W_1ᵀ + b_1) …)`` as one recorded node.

    Parameters
    ----------
    x : ndarray
        An engine array holding a 2-D ``numpy.ndarray`` (checked by the caller).
    layers : list of tuple
        ``(weight, bias, act_type)`` per layer, in forward order: the engine
        arrays of a Dense layer's parameters (``bias`` None without one; every
        weight holds a 2-D ``numpy.ndarray``) and its activation name or None.
    """
    layers = tuple(layers)  # (the caller may reuse its list)
    h = x._data
    inputs = []  # each layer's input buffer (its weight gradient reads it)
    weights = []  # each layer's weight buffer as the forward pass read it
    outputs = []  # each layer's output buffer and what its activation's gradient needs
    for weight, bias, act_type in layers:
        wd = weight._data
        try:
            z = _dot(h, wd.T)
        except ValueError:
            if h.shape[1] != wd.shape[1]:
                raise _shape_error(wd, h, h.shape) from None
            raise
        if bias is not None:
            z += bias._data
        if not act_type:
            kept = None
        elif act_type == "tanh":  # (as in fully_connected)
            kept = _onp.tanh(z, out=z)
        elif act_type == "relu":
            kept = _onp.maximum(z, zero_and_one(z.dtype)[0], out=z)
        else:
            kept = _activate_inplace(z, act_type)
        inputs.append(h)
        weights.append(wd)
        outputs.append((z, kept))
        h = z
    out = _new_array(ndarray)
    out._data = h
    out._vc = out_vc = VersionCounter()
    out._node = out._grad = None
    out._grad_req = "null"
    out._fresh_grad = False
    if not _autograd_state.recording:
        return out

    # Entries, last layer first (see the module's docstring), and for each layer
    # whether anything at or below its input needs a gradient: only then is the
    # gradient of its input computed, as fully_connected computes it only for a
    # tracked input.
    # (_entry inlined for the weights and biases: it would be called twice per layer)
    x_entry = _entry(x)
    entries = [x_entry]
    needs_input_grad = []
    below = x_entry is not None
    for weight, bias, _act in layers:
        needs_input_grad.append(below)
        w_entry = weight._node
        if w_entry is None and weight._grad is not None and weight._grad_req != "null":
            w_entry = weight
        if bias is None:
            b_entry = None
        else:
            b_entry = bias._node
            if b_entry is None and bias._grad is not None and bias._grad_req != "null":
                b_entry = bias
        entries.append(b_entry)
        entries.append(w_entry)
        if w_entry is not None or b_entry is not None:
            below = True
    if not below:
        return out  # nothing in the run is tracked: no node, as for a single layer
    entries.reverse()  # (x last after reversing: moved to the front below)
    entries.insert(0, entries.pop())
    entries = tuple(entries)

    def backward(g):
        grads = [None] * len(entries)
        slot = 1
        for k in range(len(layers) - 1, -1, -1):
            _weight, bias, act_type = layers[k]
            z, kept = outputs[k]
            gz = _activation_grad(g, act_type, z, kept) if act_type else g
            dot = _dot if type(gz) is _plain else _onp.dot
            if entries[slot] is not None:
                grads[slot] = dot(gz.T, inputs[k])
            if bias is not None and entries[slot + 1] is not None:
                grads[slot + 1] = _add_reduce(gz, axis=0)  # what gz.sum(axis=0) calls
            slot += 2
            if not needs_input_grad[k]:
                break
            g = dot(gz, weights[k])
        else:
            grads[0] = g
        return grads

    saved = [(x._vc, x._vc.value)]
    for weight, _bias, _act in layers:
        vc = weight._vc
        saved.append((vc, vc.value))
    saved.append((out_vc, 0))
    out._node = Node(entries, backward, tuple(saved), "fully_connected")
    return out
