"""RMSProp, plain and centered (MXNet's ``rmsprop_update``/``rmspropalex_update``).

Plain (Tieleman & Hinton)::

    g = clip(rescale_grad·grad + wd·weight)
    n = (1 - gamma1)·g² + gamma1·n
    weight = weight - lr·g / sqrt(n + epsilon)

Centered (Graves 2013)::

    n = (1 - gamma1)·g² + gamma1·n
    m = (1 - gamma1)·g + gamma1·m
    delta = gamma2·delta - lr·g / sqrt(n - m² + epsilon)
    weight = weight + delta

``epsilon`` sits *inside* the square root (PyTorch adds it outside).
``clip_weights`` clips the new weights to ``[-clip_weights, clip_weights]``.
"""

from __future__ import annotations

import numpy as _onp

from .base import Optimizer, _check_number, register

__all__ = ["RMSProp"]


@register
class RMSProp(Optimizer):
    """RMSProp.

    Parameters
    ----------
    learning_rate : float, default 0.001
    gamma1 : float, default 0.9
        Decay of the squared-gradient (and, centered, gradient) averages.
    gamma2 : float, default 0.9
        Momentum of the centered variant.
    epsilon : float, default 1e-8
    centered : bool, default False
    clip_weights : float, optional
    """

    def __init__(
        self,
        learning_rate=0.001,
        gamma1=0.9,
        gamma2=0.9,
        epsilon=1e-8,
        centered=False,
        clip_weights=None,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1 = _check_number(gamma1, "gamma1")
        self.gamma2 = _check_number(gamma2, "gamma2")
        self.epsilon = _check_number(epsilon, "epsilon")
        self.centered = bool(centered)
        self.clip_weights = (
            None if clip_weights is None else _check_number(clip_weights, "clip_weights")
        )

    def create_state(self, index, weight):
        if self.centered:
            return (
                self._zeros_like(weight),
                self._zeros_like(weight),
                self._zeros_like(weight),
            )  # n, g, delta
        return (self._zeros_like(weight),)  # n

    def update(self, index, weight, grad, state) -> None:
        lr, wd = self._count_and_rates(index)
        w = weight._data
        g = self._rescaled_grad_with_wd(index, grad._data, w, wd)
        tmp = self._buffer(index, w, slot=1)
        gamma1 = self.gamma1
        n = state[0]._data
        n *= gamma1
        _onp.square(g, out=tmp)
        tmp *= 1.0 - gamma1
        n += tmp
        if not self.centered:
            _onp.add(n, self.epsilon, out=tmp)
            _onp.sqrt(tmp, out=tmp)
            _onp.divide(g, tmp, out=tmp)
            tmp *= lr
            w -= tmp
        else:
            m, delta = state[1]._data, state[2]._data
            m *= gamma1
            _onp.multiply(g, 1.0 - gamma1, out=tmp)
            m += tmp
            _onp.square(m, out=tmp)
            _onp.subtract(n, tmp, out=tmp)
            tmp += self.epsilon
            _onp.sqrt(tmp, out=tmp)
            _onp.divide(g, tmp, out=tmp)
            tmp *= lr
            delta *= self.gamma2
            delta -= tmp
            w += delta
        if self.clip_weights:
            _onp.clip(w, -self.clip_weights, self.clip_weights, out=w)
        for s in state:
            s._bump()
        weight._bump()
