"""Gluon losses (``mxnet.gluon.loss``, MXNet 1.9.1 with ``npx.set_np()``).

Every loss is a :class:`HybridBlock` called as ``loss(pred, label)`` (or
``loss(pred, label, sample_weight)``) and returns one value per sample: the
element-wise loss, weighted, then averaged over every axis but the batch axis.

The cross-entropies are single fused ops (``engine.ops.loss_ops``); L2 and L1
are compositions of differentiable engine ops.

A diverged run shows up as a NaN or infinite loss: test it with
:func:`is_finite` (``if not loss.is_finite(l): ...``) before calling
``trainer.step``.
"""

from __future__ import annotations

import numbers

import numpy as _onp

from ..base import MXNetError
from ..ndarray import ndarray
from ..ops import arithmetic as _arith
from ..ops import loss_ops as _loss_ops
from ..ops import reduce as _reduce
from ..ops import shape as _shape
from ..ops import unary as _unary
from .block import HybridBlock

__all__ = [
    "Loss",
    "L2Loss",
    "L1Loss",
    "SigmoidBinaryCrossEntropyLoss",
    "SigmoidBCELoss",
    "SoftmaxCrossEntropyLoss",
    "SoftmaxCELoss",
    "is_finite",
]


def is_finite(loss) -> bool:
    """Whether every value of ``loss`` is a finite number (no NaN, no ±inf).

    A cheap check for a training loop: a learning rate that is too large
    makes the loss overflow to ``inf`` and then ``nan``, after which every
    further step only spreads NaN into the parameters.
    """
    values = loss._data if isinstance(loss, ndarray) else _onp.asarray(loss)
    return bool(_onp.isfinite(values).all())


def _as_array(x):
    return x if isinstance(x, ndarray) else ndarray(x)


def _reshape_like(x, like, loss_name: str):
    """``x`` reshaped to ``like``'s shape (Gluon's ``_reshape_like``), with a clear error."""
    x = _as_array(x)
    if x.shape == like.shape:
        return x
    if x.size != like.size:
        # MXNetError, the type MXNet raises for inconsistent shapes.
        raise MXNetError(
            f"{loss_name}: label shape {x.shape} has {x.size} elements but the prediction "
            f"shape {like.shape} has {like.size}; label and prediction must have the same "
            f"number of elements."
        )
    return _shape.reshape(x, like.shape)


def _apply_weighting(loss, weight=None, sample_weight=None):
    """Multiply by ``sample_weight`` (broadcast) and by the scalar ``weight``."""
    if sample_weight is not None:
        loss = _arith.multiply(loss, _as_array(sample_weight))
    if weight is not None:
        loss = _arith.multiply(loss, weight)
    return loss


def _mean_over_non_batch(loss, batch_axis: int):
    ndim = loss.ndim
    if ndim <= 1:
        return loss
    # MXNet 1.9.1 in NumPy mode averages axes 1.. whatever batch_axis says (a bug for
    # batch_axis != 0); the engine keeps the batch axis the user named.
    batch_axis = batch_axis % ndim
    return _reduce.mean(loss, axis=tuple(a for a in range(ndim) if a != batch_axis))


class Loss(HybridBlock):
    """Base class of losses.

    Parameters
    ----------
    weight : float or None
        Global scalar weight for the loss.
    batch_axis : int, default 0
        The axis that represents the mini-batch.
    """

    def __init__(self, weight, batch_axis, **kwargs):
        super().__init__(**kwargs)
        if weight is not None and (
            isinstance(weight, bool) or not isinstance(weight, numbers.Number)
        ):
            raise TypeError(f"weight must be a number or None, got {weight!r}")
        self._weight = weight
        self._batch_axis = batch_axis

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(batch_axis={self._batch_axis}, w={self._weight})"

    def forward(self, pred, label, *args):
        raise NotImplementedError(f"{self.__class__.__name__} must define forward()")


class L2Loss(Loss):
    r"""Squared error: :math:`L = \frac{1}{2} \sum_i \vert label_i - pred_i \vert^2`.

    Averaged over the non-batch axes; ``label`` must have as many elements as
    ``pred`` (it is reshaped to ``pred``'s shape).
    """

    def __init__(self, weight=1.0, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)

    def forward(self, pred, label, sample_weight=None):
        pred = _as_array(pred)
        label = _reshape_like(label, pred, "L2Loss")
        loss = _unary.square(_arith.subtract(label, pred))
        half = None if self._weight is None else self._weight / 2
        loss = _apply_weighting(loss, half, sample_weight)
        return _mean_over_non_batch(loss, self._batch_axis)


class L1Loss(Loss):
    r"""Absolute error: :math:`L = \sum_i \vert label_i - pred_i \vert`, averaged per sample."""

    def __init__(self, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)

    def forward(self, pred, label, sample_weight=None):
        pred = _as_array(pred)
        label = _reshape_like(label, pred, "L1Loss")
        loss = _unary.absolute(_arith.subtract(label, pred))
        loss = _apply_weighting(loss, self._weight, sample_weight)
        return _mean_over_non_batch(loss, self._batch_axis)


class SigmoidBinaryCrossEntropyLoss(Loss):
    r"""Binary cross-entropy; with ``from_sigmoid=False`` ``pred`` holds logits.

    Computed as ``max(x, 0) - x·z + log(1 + exp(-|x|))``, which never
    overflows. ``forward(pred, label, sample_weight=None, pos_weight=None)``.
    """

    def __init__(self, from_sigmoid=False, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._from_sigmoid = from_sigmoid

    def forward(self, pred, label, sample_weight=None, pos_weight=None):
        pred = _as_array(pred)
        label = _reshape_like(label, pred, "SigmoidBinaryCrossEntropyLoss")
        loss = _loss_ops.sigmoid_binary_cross_entropy(pred, label, self._from_sigmoid, pos_weight)
        loss = _apply_weighting(loss, self._weight, sample_weight)
        return _mean_over_non_batch(loss, self._batch_axis)


SigmoidBCELoss = SigmoidBinaryCrossEntropyLoss


class SoftmaxCrossEntropyLoss(Loss):
    r"""Softmax cross-entropy: :math:`L = -\sum_i \log \mathrm{softmax}(pred)_{i, label_i}`.

    Parameters
    ----------
    axis : int, default -1
        The class axis.
    sparse_label : bool, default True
        ``label`` holds class indices shaped like ``pred`` without ``axis``;
        otherwise a probability distribution shaped like ``pred``.
    from_logits : bool, default False
        ``pred`` already holds log-probabilities (from ``log_softmax``).
    weight : float or None
    batch_axis : int, default 0
    """

    def __init__(
        self, axis=-1, sparse_label=True, from_logits=False, weight=None, batch_axis=0, **kwargs
    ):
        super().__init__(weight, batch_axis, **kwargs)
        self._axis = axis
        self._sparse_label = sparse_label
        self._from_logits = from_logits

    def forward(self, pred, label, sample_weight=None):
        loss = _loss_ops.softmax_cross_entropy(
            pred, label, self._axis, self._sparse_label, self._from_logits
        )
        if sample_weight is None and self._weight is None and loss.ndim <= 1:
            return loss
        if sample_weight is not None:
            # Gluon's loss keeps the class axis (keepdims) when sample_weight is applied.
            axis = self._axis % (loss.ndim + 1)
            loss = _shape.expand_dims(loss, axis)
        loss = _apply_weighting(loss, self._weight, sample_weight)
        return _mean_over_non_batch(loss, self._batch_axis)


SoftmaxCELoss = SoftmaxCrossEntropyLoss
