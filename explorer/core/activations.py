"""Each layer's output for the current batch, cut into the pictures a person looks at.

Qt-free. From a trace kept with outputs (``Session.trace_forward(keep_outputs=True)``)
:func:`layer_activations` makes one :class:`LayerActivation` per leaf call:
for an image-shaped output ``(N, C, H, W)`` one ``H × W`` picture per channel
of the chosen example (TensorFlow Playground's neuron thumbnails); for a
``(N, D)`` output one ``N × D`` picture (a row per example, a column per
unit); anything else is described by its numbers. :func:`input_pictures`
does the same for the batch itself (the digits of ``digits-cnn``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .block_tree import shape_text
from .forward_trace import ForwardTrace

__all__ = ["LayerActivation", "layer_activations", "input_pictures", "MAX_PICTURES"]

MAX_PICTURES = 32  # channels or examples shown per row; the title says how many more


@dataclass
class LayerActivation:
    """What one layer returned, ready to draw.

    Attributes
    ----------
    title : str
        ``'net[0] Conv2D → (16, 6, 8, 8)'``.
    pictures : list of 2-D numpy arrays
        The thumbnails (share one colour scale: ``low`` … ``high``).
    values : numpy.ndarray
        Every value of the output (for the histogram and the numbers).
    caption : str
        What the pictures are (``'6 channels of example 0'``) and a summary
        (``'min 0 · max 1.9 · 41 % exactly 0'``).
    """

    path: str | None
    title: str
    pictures: list
    values: np.ndarray
    low: float
    high: float
    caption: str


def _summary(values: np.ndarray) -> tuple[float, float, str]:
    finite = values[np.isfinite(values)]
    if not finite.size:
        return 0.0, 0.0, "no finite values"
    low, high = float(finite.min()), float(finite.max())
    zeros = float(np.mean(finite == 0)) * 100
    text = f"min {low:.3g} · max {high:.3g} · mean {float(finite.mean()):.3g}"
    if zeros >= 1:
        text += f" · {zeros:.0f} % exactly 0"
    return low, high, text


def _pictures(output: np.ndarray, example: int) -> tuple[list, str]:
    if output.ndim == 4:
        channels = output.shape[1]
        shown = min(channels, MAX_PICTURES)
        more = f" (first {shown})" if shown < channels else ""
        return (
            [output[example, c] for c in range(shown)],
            f"{channels} channels of example {example}{more}",
        )
    if output.ndim == 3:
        return [output[example]], f"example {example}"
    if output.ndim == 2:
        return [output], f"{output.shape[0]} examples (rows) × {output.shape[1]} units (columns)"
    return [], "no picture for this shape"


def layer_activations(trace: ForwardTrace, example: int = 0) -> list[LayerActivation]:
    """One entry per leaf call of ``trace`` (which must have kept its outputs)."""
    layers = []
    for call in trace.leaves():
        output = call.output
        if output is None:
            continue
        output = np.asarray(output, dtype=np.float64) if output.dtype != np.float64 else output
        index = min(example, output.shape[0] - 1) if output.ndim >= 3 else 0
        pictures, what = _pictures(output, index)
        low, high, numbers = _summary(output)
        use = f" (call {call.use} of {call.uses})" if call.uses > 1 else ""
        layers.append(
            LayerActivation(
                call.path,
                f"{call.path}{use}  {call.kind} → {shape_text(output.shape)}",
                pictures,
                output,
                low,
                high,
                f"{what} · {numbers}",
            )
        )
    return layers


def input_pictures(batch: np.ndarray, limit: int = 16) -> LayerActivation:
    """The batch itself: one picture per example for images, else the ``N × D`` table."""
    batch = np.asarray(batch, dtype=np.float64)
    low, high, numbers = _summary(batch)
    if batch.ndim == 4:
        count = min(limit, batch.shape[0])
        # One channel is drawn as grey levels; several (RGB-like) are averaged.
        pictures = [
            batch[i, 0] if batch.shape[1] == 1 else batch[i].mean(axis=0) for i in range(count)
        ]
        what = f"first {count} of {batch.shape[0]} examples"
    else:
        pictures, what = _pictures(batch, 0)
    return LayerActivation(
        None,
        f"input batch  {shape_text(batch.shape)}",
        pictures,
        batch,
        low,
        high,
        f"{what} · {numbers}",
    )
