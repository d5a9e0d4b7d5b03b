"""Nesterov accelerated gradient (MXNet's ``nag_mom_update``)::

    g = clip(rescale_grad·grad) + wd·weight
    mom = momentum·mom + g
    weight = weight - lr·(g + momentum·mom)

Without momentum it is plain SGD. This matches ``torch.optim.SGD(nesterov=True)``.
"""

from __future__ import annotations

import numpy as _onp

from .base import Optimizer, _check_number, register
from .packing import PACK_MAX_SIZE, largest_group, packed_for
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
            self._momentum_step(index, w, grad._data, state._data, lr, wd)
            state._bump()
        weight._bump()

    def _momentum_step(self, key, w, grad, mom, lr: float, wd: float) -> None:
        """The momentum update on NumPy buffers; ``key`` names the work buffers."""
        g = self._scaled_grad(key, grad, 1.0)
        tmp = self._buffer(key, w, slot=1)
        if wd:
            _onp.multiply(w, wd, out=tmp)
            g += tmp
        mom *= self.momentum
        mom += g
        _onp.multiply(mom, self.momentum, out=tmp)
        tmp += g
        tmp *= lr
        w -= tmp

    def _update_many(self, indices, weights, grads, states) -> None:
        # Small parameters with momentum sharing (lr, wd) are updated together on packed
        # buffers (packing.py): the same arithmetic, once instead of once per parameter.
        if not self._own_update(NAG):
            super()._update_many(indices, weights, grads, states)
            return
        small = []  # ((lr, wd), (index, weight, grad, momentum))
        for index, weight, grad, state in zip(indices, weights, grads, states):
            rates = self._count_and_rates(index)
            w = weight._data
            if state is None:
                sgd_step(self, index, w, grad._data, *rates)
                weight._bump()
            elif w.size < PACK_MAX_SIZE:
                small.append((rates, (index, weight, grad, state)))
            else:
                self._update_one(index, weight, grad, state, rates)
        if not small:
            return
        rates, rows, rest = largest_group(small)
        for other_rates, (index, weight, grad, mom) in rest:
            self._update_one(index, weight, grad, mom, other_rates)
        _, *columns = (list(column) for column in zip(*rows))
        pack = packed_for(self, columns)
        if pack is None:
            for index, weight, grad, mom in rows:
                self._update_one(index, weight, grad, mom, rates)
            return
        flat_w, flat_g, flat_mom = pack.flats
        self._momentum_step("packed", flat_w, flat_g, flat_mom, *rates)
        for column in (columns[0], columns[2]):
            for array in column:
                array._bump()

    def _update_one(self, index, weight, grad, mom, rates) -> None:
        self._momentum_step(index, weight._data, grad._data, mom._data, *rates)
        mom._bump()
        weight._bump()
