"""SGD with optional momentum and weight decay (MXNet's ``sgd_update``/``sgd_mom_update``).

Without momentum::

    weight = (1 - lr·wd)·weight - lr·clip(rescale_grad·grad)

With momentum (note ``lr`` enters the momentum, unlike PyTorch's SGD)::

    mom = momentum·mom - lr·wd·weight - lr·clip(rescale_grad·grad)
    weight = weight + mom
"""

from __future__ import annotations

import numpy as _onp

from .axpy import axpy
from .base import Optimizer, _check_number, register

__all__ = ["SGD"]


def sgd_step(optimizer: Optimizer, index, w, g, lr: float, wd: float) -> None:
    """The momentum-free update on NumPy buffers (shared with NAG)."""
    if wd:
        w *= 1.0 - lr * wd
    if optimizer.clip_gradient:
        w -= optimizer._scaled_grad(index, g, lr)
    else:
        # One fused pass over the weights: w += (-lr · rescale) · g.
        axpy(-lr * optimizer.rescale_grad, g, w, optimizer._buffer(index, g))


@register
class SGD(Optimizer):
    """Stochastic gradient descent, with momentum when ``momentum > 0``.

    Parameters
    ----------
    momentum : float, default 0.0
    lazy_update : bool, default True
        Accepted for MXNet compatibility (the engine has no sparse arrays).
    """

    def __init__(self, momentum=0.0, lazy_update=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = _check_number(momentum, "momentum")
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        if self.momentum != 0.0:
            return self._zeros_like(weight)
        return None

    def update(self, index, weight, grad, state) -> None:
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        w = weight._data
        if state is None:
            sgd_step(self, index, w, grad._data, lr, wd)
        else:
            mom = state._data
            step = self._scaled_grad(index, grad._data, lr)
            mom *= self.momentum
            mom -= step
            if wd:
                _onp.multiply(w, lr * wd, out=step)
                mom -= step
            w += mom
            state._bump()
        weight._bump()

