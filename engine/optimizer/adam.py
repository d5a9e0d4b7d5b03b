"""Adam (MXNet's ``adam_update`` with the bias correction folded into the learning rate)::

    g = clip(rescale_grad·grad + wd·weight)
    mean = beta1·mean + (1 - beta1)·g
    var = beta2·var + (1 - beta2)·g²
    lr_t = lr·sqrt(1 - beta2^t) / (1 - beta1^t)
    weight = weight - lr_t·mean / (sqrt(var) + epsilon)

``epsilon`` is added to ``sqrt(var)`` *before* the bias correction: it acts
like PyTorch's ``eps = epsilon / sqrt(1 - beta2^t)``, larger in early steps.
"""

from __future__ import annotations

import math

import numpy as _onp

from .base import Optimizer, _check_number, register
from .packing import PACK_MAX_SIZE, largest_group, packed_for

__all__ = ["Adam"]


@register
class Adam(Optimizer):
    """Adam: adaptive moment estimation.

    Parameters
    ----------
    learning_rate : float, default 0.001
    beta1 : float, default 0.9
    beta2 : float, default 0.999
    epsilon : float, default 1e-8
    lazy_update : bool, default True
        Accepted for MXNet compatibility (the engine has no sparse arrays).
    """

    def __init__(
        self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, lazy_update=True, **kwargs
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = _check_number(beta1, "beta1")
        self.beta2 = _check_number(beta2, "beta2")
        self.epsilon = _check_number(epsilon, "epsilon")
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        return (self._zeros_like(weight), self._zeros_like(weight))  # mean, variance

    def update(self, index, weight, grad, state) -> None:
        lr, wd = self._step_rates(index)
        mean, var = state
        self._step(index, weight._data, grad._data, mean._data, var._data, lr, wd)
        mean._bump()
        var._bump()
        weight._bump()

    def _step_rates(self, index) -> tuple[float, float]:
        """Count the update; ``(lr_t, wd)`` with the bias correction folded into ``lr_t``."""
        lr, wd = self._count_and_rates(index)
        t = self._index_update_count[index]
        return lr * (math.sqrt(1.0 - self.beta2**t) / (1.0 - self.beta1**t)), wd

    def _step(self, key, w, grad, mean, var, lr: float, wd: float) -> None:
        """The update on NumPy buffers; ``key`` names the work buffers."""
        g = self._rescaled_grad_with_wd(key, grad, w, wd)
        tmp = self._buffer(key, w, slot=1)
        mean *= self.beta1
        _onp.multiply(g, 1.0 - self.beta1, out=tmp)
        mean += tmp
        var *= self.beta2
        _onp.square(g, out=g)
        g *= 1.0 - self.beta2
        var += g
        _onp.sqrt(var, out=tmp)
        tmp += self.epsilon
        _onp.divide(mean, tmp, out=tmp)
        tmp *= lr
        w -= tmp

    def _update_many(self, indices, weights, grads, states) -> None:
        # Small parameters sharing (lr_t, wd) are updated together on packed buffers
        # (packing.py): the same arithmetic, once instead of once per parameter.
        if not self._own_update(Adam):
            super()._update_many(indices, weights, grads, states)
            return
        small = []  # ((lr_t, wd), (index, weight, grad, mean, variance))
        for index, weight, grad, state in zip(indices, weights, grads, states):
            rates = self._step_rates(index)
            if weight._data.size < PACK_MAX_SIZE:
                small.append((rates, (index, weight, grad, *state)))
                continue
            self._update_one(index, weight, grad, state, rates)
        if not small:
            return
        rates, rows, rest = largest_group(small)
        for other_rates, (index, weight, grad, mean, var) in rest:
            self._update_one(index, weight, grad, (mean, var), other_rates)
        _, *columns = (list(column) for column in zip(*rows))
        pack = packed_for(self, columns)
        if pack is None:
            for index, weight, grad, mean, var in rows:
                self._update_one(index, weight, grad, (mean, var), rates)
            return
        flat_w, flat_g, flat_mean, flat_var = pack.flats
        self._step("packed", flat_w, flat_g, flat_mean, flat_var, *rates)
        for column in (columns[0], columns[2], columns[3]):
            for array in column:
                array._bump()

    def _update_one(self, index, weight, grad, state, rates) -> None:
        mean, var = state
        self._step(index, weight._data, grad._data, mean._data, var._data, *rates)
        for array in (mean, var, weight):
            array._bump()
