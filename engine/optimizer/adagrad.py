"""AdaGrad (MXNet 1.9.1's dense update)::

    g = clip(rescale_grad·grad)
    history = history + g²
    weight = weight - lr·(g / sqrt(history + eps) + wd·weight)

``eps`` sits inside the square root; weight decay does not enter the history.
"""

from __future__ import annotations

import numpy as _onp

from .base import Optimizer, _check_number, register

__all__ = ["AdaGrad"]


@register
class AdaGrad(Optimizer):
    """AdaGrad: per-coordinate learning rates from the sum of squared gradients.

    Parameters
    ----------
    eps : float, default 1e-7
    """

    def __init__(self, eps=1e-7, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = _check_number(eps, "eps")

    def create_state(self, index, weight):
        return self._zeros_like(weight)  # history

    def update(self, index, weight, grad, state) -> None:
        lr, wd = self._count_and_rates(index)
        w = weight._data
        history = state._data
        g = self._scaled_grad(index, grad._data, 1.0)
        tmp = self._buffer(index, w, slot=1)
        _onp.square(g, out=tmp)
        history += tmp
        _onp.add(history, self.float_stable_eps, out=tmp)
        _onp.sqrt(tmp, out=tmp)
        _onp.divide(g, tmp, out=tmp)
        if wd:
            _onp.multiply(w, wd, out=g)
            tmp += g
        tmp *= lr
        w -= tmp
        state._bump()
        weight._bump()
