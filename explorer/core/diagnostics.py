"""Per-layer diagnostics: why an initialization trains or fails.

:func:`layer_diagnostics` runs the net once on a batch inside
``autograd.record()`` with forward hooks on its layers, then asks autograd
for the loss's gradient with respect to each layer's output
(``autograd.grad``, which leaves every parameter's ``.grad`` untouched). A
row per layer call, in forward order: the output's mean and spread, the share
of saturated tanh/sigmoid units, of dead ReLU units, the output gradient's
spread and the last update's size relative to the weight.

:func:`warnings_for` turns the rows into advice a learner can act on.
"""

from __future__ import annotations

import math

import numpy as onp

from engine import autograd
from engine.gluon import Block
from engine.gluon.nn import Activation

__all__ = [
    "layer_diagnostics",
    "layer_blocks",
    "warnings_for",
    "SATURATION_TANH",
    "SATURATION_SIGMOID",
    "update_ratio",
]

SATURATION_TANH = 0.97  # |tanh| above this: the slope is below 0.06, the unit barely learns
SATURATION_SIGMOID = 0.03  # sigmoid within this of 0 or 1
HISTOGRAM_BINS = 40


def activation_of(block: Block) -> str | None:
    """The activation a layer's output went through (``'relu'``, ``'tanh'``...), or None."""
    if isinstance(block, Activation):
        return block.act_type
    act = getattr(block, "act", None)
    return act.act_type if isinstance(act, Activation) else None


def layer_blocks(net: Block, paths: dict[int, str]) -> list[Block]:
    """The blocks that count as layers: those with parameters of their own, and activations.

    An Activation inside a Dense (``Dense(8, activation='relu')``) is part of
    that Dense's row, not a row of its own.
    """
    layers, seen = [], set()

    def visit(block, inside_dense):
        if id(block) in seen:
            return
        seen.add(id(block))
        own = bool(block.named_own_params()) or len(block.params.keys()) > 0
        if own or (isinstance(block, Activation) and not inside_dense):
            layers.append(block)
        for _key, child in block.named_children():
            visit(child, own)

    visit(net, False)
    return [b for b in layers if b is not net or not net.named_children()]


def first_nonfinite_layer(net: Block, paths: dict[int, str], x) -> str | None:
    """Access path of the first layer whose output on ``x`` holds NaN or Inf (None if none)."""
    found = []

    def hook(block, _inputs, out):
        if not found and not onp.isfinite(out.asnumpy()).all():
            found.append(paths.get(id(block), block.name))

    handles = [b.register_forward_hook(hook) for b in layer_blocks(net, paths)]
    try:
        with autograd.predict_mode(), onp.errstate(all="ignore"):
            net(x)
    finally:
        for handle in handles:
            handle.detach()
    return found[0] if found else None


def update_ratio(before: onp.ndarray, after: onp.ndarray) -> float:
    """std(after − before) / std(after): how big the last update was next to the weight.

    NaN once the weight is not finite (a diverged step: training reports it itself).
    """
    with onp.errstate(all="ignore"):
        return _update_ratio(before, after)


def _update_ratio(before: onp.ndarray, after: onp.ndarray) -> float:
    spread = float(onp.std(after))
    if spread == 0.0 or not math.isfinite(spread):
        return math.nan if spread != 0.0 else (math.inf if onp.any(after != before) else 0.0)
    return float(onp.std(after - before)) / spread


def layer_diagnostics(
    net: Block,
    x,
    y,
    loss_fn,
    paths: dict[int, str],
    update_ratios: dict[int, float] | None = None,
    histograms: bool = False,
) -> list[dict]:
    """One dict per layer call, in forward order (see the module docstring).

    Parameters
    ----------
    net, x, y, loss_fn
        The model, one batch (engine arrays) and the loss block.
    paths : dict
        ``id(block) -> access path`` (from the block tree).
    update_ratios : dict, optional
        ``id(weight parameter) -> ratio`` of the last update, reported per layer.
    histograms : bool
        Also give each row ``hist`` (counts) and ``edges`` of its outputs.

    Returns
    -------
    list of dict
        ``path, layer, activation, act_mean, act_std, saturated, dead,
        grad_std, update_ratio, weight`` (the weight's path) and ``use`` (1 for
        the first call of a block, 2 for its second, ...).
    """
    layers = layer_blocks(net, paths)
    calls: list[tuple[Block, object]] = []
    handles = [
        b.register_forward_hook(lambda block, _inputs, out: calls.append((block, out)))
        for b in layers
    ]
    try:
        with autograd.record():
            loss = loss_fn(net(x), y)
    finally:
        for handle in handles:
            handle.detach()
    outputs = [out for _, out in calls]
    grads = autograd.grad(loss, outputs) if outputs else []
    update_ratios = update_ratios or {}
    rows, uses = [], {}
    for (block, out), grad in zip(calls, grads):
        values = out.asnumpy()
        act = activation_of(block)
        uses[id(block)] = uses.get(id(block), 0) + 1
        weight = getattr(block, "weight", None)
        row = {
            "path": paths.get(id(block), block.name),
            "layer": type(block).__name__,
            "activation": act,
            "use": uses[id(block)],
            "act_mean": float(values.mean()),
            "act_std": float(values.std()),
            "saturated": saturated_fraction(values, act),
            "dead": dead_fraction(values, act),
            "grad_std": float(grad.asnumpy().std()),
            "update_ratio": update_ratios.get(id(weight)) if weight is not None else None,
            "weight": (paths.get(id(block), block.name) + ".weight")
            if weight is not None
            else None,
        }
        if histograms:
            finite = values[onp.isfinite(values)]
            row["hist"], row["edges"] = (
                onp.histogram(finite, bins=HISTOGRAM_BINS)
                if finite.size
                else (onp.zeros(HISTOGRAM_BINS), onp.linspace(-1, 1, 41))
            )
        rows.append(row)
    return rows


def saturated_fraction(values: onp.ndarray, act: str | None) -> float | None:
    """Share of tanh outputs with |y| > 0.97, or sigmoid outputs within 0.03 of 0 or 1."""
    if act == "tanh":
        return float((onp.abs(values) > SATURATION_TANH).mean())
    if act == "sigmoid":
        return float(((values < SATURATION_SIGMOID) | (values > 1 - SATURATION_SIGMOID)).mean())
    return None


def dead_fraction(values: onp.ndarray, act: str | None) -> float | None:
    """Share of ReLU units that are zero for every example of the batch."""
    if act != "relu":
        return None
    units = values.reshape(values.shape[0], -1)
    return float((units <= 0).all(axis=0).mean())


def warnings_for(rows: list[dict], nonfinite: str | None = None) -> list[str]:
    """Advice a learner can act on, from :func:`layer_diagnostics` rows."""
    notes = []
    if nonfinite:
        notes.append(
            f"{nonfinite} Lower the learning rate, or re-initialize with smaller "
            f"weights (Xavier), then undo back to finite values."
        )
    grads = [(r["path"], r["grad_std"]) for r in rows if r["grad_std"] > 0]
    if len(grads) >= 2:
        first, last = grads[0][1], grads[-1][1]
        if math.isfinite(first) and math.isfinite(last) and last > 0:
            ratio = first / last
            if ratio < 1e-2:
                notes.append(
                    f"Vanishing gradients: the first layer ({grads[0][0]}) gets "
                    f"{ratio:.1e}× the gradient of the last; early layers barely "
                    f"learn. Try Xavier/MSRA initialization or ReLU."
                )
            elif ratio > 1e2:
                notes.append(
                    f"Exploding gradients: the first layer ({grads[0][0]}) gets "
                    f"{ratio:.1e}× the gradient of the last. Use smaller initial "
                    f"weights (Xavier) or a lower learning rate."
                )
    saturated = [r for r in rows if r["saturated"] is not None and r["saturated"] > 0.5]
    if saturated:
        notes.append(
            f"{_listed(saturated, 'saturated')} of the {saturated[0]['activation']} "
            f"units are saturated (slope almost 0, so they barely learn): the weights "
            f"are too large for this activation — try Xavier."
        )
    dead = [r for r in rows if r["dead"] is not None and r["dead"] > 0.5]
    if dead:
        notes.append(
            f"{_listed(dead, 'dead')} of the ReLU units are dead (zero for every "
            f"example, so no gradient): try MSRAPrelu or a lower learning rate."
        )
    for r in rows:
        ratio = r["update_ratio"]
        if ratio is not None and math.isfinite(ratio) and ratio > 0:
            if ratio > 1e-1:
                notes.append(
                    f"{r['weight']}: each update changes the weight by {ratio:.1e} of "
                    f"its spread (about 1e-3 is healthy): lower the learning rate."
                )
            elif ratio < 1e-5:
                notes.append(
                    f"{r['weight']}: each update changes the weight by only "
                    f"{ratio:.1e} of its spread (about 1e-3 is healthy): raise the "
                    f"learning rate."
                )
        if r["act_std"] == 0.0 and r["use"] == 1:
            notes.append(
                f"{r['path']}: every output is the same value — all-equal (e.g. zero) "
                f"weights make every unit compute the same thing; re-initialize."
            )
    return notes


def _listed(rows: list[dict], key: str) -> str:
    """``'net[1] 61 %, net[2] 71 %'``: which layers, and how much."""
    return ", ".join(f"{r['path']}: {r[key]:.0%}" for r in rows)
