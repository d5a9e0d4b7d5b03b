"""Nesterov accelerated gradient (MXNet's ``nag_mom_update``)::

    g = clip(rescale_grad·grad) + wd·weight
    mom = momentum·mom + g
    weight = weight - lr·(g + momentum·mom)

Without momentum it is plain SGD. This matches ``torch.optim.SGD(nesterov=True)``.
"""

from __future__ import annotations

import numpy as _onp

from .base import Optimizer, _check_number, register
from .sgd import sgd_step

__all__ = ["NAG"]


@register
class NAG(Optimizer):
    """Nesterov momentum SGD.

    Parameters
    ----------
    momentum : float, default 0.0
    """

    def __init__(self, momentum=0.0, **kwargs):
        super().__init__(**kwargs)
        self.momentum = _check_number(momentum, "momentum")

    def create_state(self, index, weight):
        if self.momentum != 0.0:
            return self._zeros_like(weight)
        return None

    def update(self, index, weight, grad, state) -> None:
        lr, wd = self._count_and_rates(index)
        w = weight._data
        if state is None:
            sgd_step(self, index, w, grad._data, lr, wd)
        else:
            mom = state._data
            g = self._scaled_grad(index, grad._data, 1.0)
            tmp = self._buffer(index, w, slot=1)
            if wd:
                _onp.multiply(w, wd, out=tmp)
                g += tmp
            mom *= self.momentum
            mom += g
            _onp.multiply(mom, self.momentum, out=tmp)
            tmp += g
            tmp *= lr
            w -= tmp
            state._bump()
        weight._bump()
