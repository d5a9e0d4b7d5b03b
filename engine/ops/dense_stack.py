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

from ..autograd import Node, _entry_of
from ..autograd import _state as _autograd_state
from ..ndarray import VersionCounter, ndarray
from .nn import _activate_inplace, _activation_grad, _dot, _shape_error, zero_and_one

__all__ = ["dense_stack"]

_new_array = object.__new__
_plain = _onp.ndarray
_add_reduce = _onp.add.reduce


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
    h = x._data
    recording = _autograd_state.recording
    if recording:
        x_entry = _entry_of(x)
        below = x_entry is not None  # whether anything below the current layer is tracked
        layer_entries = []  # bias, weight per layer, first layer first
        saved = [(x._vc, x._vc.value)]
        # per layer: its input, weight buffer, output, what its activation's gradient
        # needs, the activation, whether weight and bias are tracked, and whether the
        # gradient of its input is needed (as fully_connected computes it only for a
        # tracked input); (_entry_of inlined for the weights and biases)
        steps = []
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
        if recording:
            w_entry = weight._node
            if w_entry is None and weight._grad is not None and weight._grad_req != "null":
                w_entry = weight
            if bias is None:
                b_entry = None
            else:
                b_entry = bias._node
                if b_entry is None and bias._grad is not None and bias._grad_req != "null":
                    b_entry = bias
            layer_entries.append(b_entry)
            layer_entries.append(w_entry)
            has_weight, has_bias = w_entry is not None, b_entry is not None
            steps.append((h, wd, z, kept, act_type, has_weight, has_bias, below))
            below = below or has_weight or has_bias
            vc = weight._vc
            saved.append((vc, vc.value))
        h = z
    out = _new_array(ndarray)
    out._data = h
    out._vc = out_vc = VersionCounter()
    out._node = out._grad = None
    out._grad_req = "null"
    out._fresh_grad = False
    if not recording or not below:
        return out  # (nothing in the run tracked: no node, as for a single layer)
    layer_entries.reverse()
    entries = (x_entry, *layer_entries)  # last layer first (see the module's docstring)
    steps.reverse()
    size = len(entries)

    def backward(g):
        grads = [None]  # the input's, set below when it is needed
        for h_in, wd, z, kept, act_type, has_weight, has_bias, needs_input in steps:
            gz = _activation_grad(g, act_type, z, kept) if act_type else g
            dot = _dot if type(gz) is _plain else _onp.dot
            grads.append(dot(gz.T, h_in) if has_weight else None)
            # (add.reduce is what gz.sum(axis=0) calls)
            grads.append(_add_reduce(gz, axis=0) if has_bias else None)
            if not needs_input:
                break  # nothing below is tracked
            g = dot(gz, wd)
        else:
            grads[0] = g
        if len(grads) < size:
            grads.extend([None] * (size - len(grads)))
        return grads

    saved.append((out_vc, 0))
    out._node = Node(entries, backward, tuple(saved), "fully_connected")
    return out
