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

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 lazy_update=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = _check_number(beta1, "beta1")
        self.beta2 = _check_number(beta2, "beta2")
        self.epsilon = _check_number(epsilon, "epsilon")
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        return (self._zeros_like(weight), self._zeros_like(weight))  # mean, variance

    def update(self, index, weight, grad, state) -> None:
        lr, wd = self._count_and_rates(index)
        t = self._index_update_count[index]
        lr *= math.sqrt(1.0 - self.beta2 ** t) / (1.0 - self.beta1 ** t)
        w = weight._data
        mean_arr, var_arr = state
        mean, var = mean_arr._data, var_arr._data
        g = self._rescaled_grad_with_wd(index, grad._data, w, wd)
        tmp = self._buffer(index, w, slot=1)
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
        mean_arr._bump()
        var_arr._bump()
        weight._bump()
