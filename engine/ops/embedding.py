"""Embedding lookup with a scatter-add backward (MXNet ``npx.embedding``)."""

from __future__ import annotations

import numpy as _onp

from ._common import attach, result, tape_entries
from ._common import data as _buffer


def embedding(data, weight, input_dim=None, output_dim=None, dtype="float32", sparse_grad=False):
    """Rows of ``weight`` picked by the integer indices in ``data``.

    The output has shape ``data.shape + (output_dim,)``. The gradient of
    ``weight`` adds the output gradients of every occurrence of an index, so
    an index used twice gets the sum. ``sparse_grad`` is accepted; the
    gradient is always dense.

    Raises
    ------
    IndexError
        An index is negative or not below ``input_dim`` (MXNet clips such
        indices silently; the engine reports them).
    """
    wd = _buffer(weight)
    if wd.ndim != 2:
        raise ValueError(
            f"Embedding weight must be 2-D (input_dim, output_dim), got shape {wd.shape}"
        )
    vocab, width = wd.shape
    if input_dim is not None and int(input_dim) != vocab:
        raise ValueError(
            f"Embedding input_dim={input_dim} does not match the weight shape {wd.shape}"
        )
    if output_dim is not None and int(output_dim) != width:
        raise ValueError(
            f"Embedding output_dim={output_dim} does not match the weight shape {wd.shape}"
        )
    raw = _onp.asarray(_buffer(data))
    indices = raw.astype(_onp.int64)
    if indices.size and (indices.min() < 0 or indices.max() >= vocab):
        bad = indices[(indices < 0) | (indices >= vocab)].ravel()[0]
        raise IndexError(
            f"Embedding index {bad} is out of range for input_dim={vocab} "
            f"(valid indices are 0..{vocab - 1})"
        )
    out = result(wd[indices])

    entries = tape_entries((data, weight))
    if entries is not None:

        def backward(g):
            gw = _onp.zeros(wd.shape, dtype=g.dtype)
            _onp.add.at(gw, indices.ravel(), g.reshape(-1, width))
            return None, gw

        attach(out, entries, backward, (), "embedding")
    return out
