"""SGD with optional momentum and weight decay (MXNet's ``sgd_update``/``sgd_mom_update``).

Without momentum::

    weight = (1 - lr·wd)·weight - lr·clip(rescale_grad·grad)

With momentum (note ``lr`` enters the momentum, unlike PyTorch's SGD)::

    mom = momentum·mom - lr·wd·weight - lr·clip(rescale_grad·grad)
    weight = weight + mom

The usual small-network step (one step size, no weight decay, no momentum, no
clipping) updates the packed buffers (packing.py) without looking at each
parameter when the last packing still holds exactly these weights and
gradients: only small arrays are ever packed, and ``holds`` sees any array that
got a buffer of its own since. Counts, learning rates, ``lr_mult``/``wd_mult``
and states are still read at every step, so a change to any of them takes the
general path at once. From the second step on, ``Trainer.step`` hands the whole
update to ``_step_packed``, which does the Trainer's stale-gradient check, the
Updater's state lookup and this update in two loops over the parameters.
"""

from __future__ import annotations

import numpy as _onp

from .axpy import MIN_SIZE as AXPY_MIN_SIZE
from .axpy import axpy
from .base import Optimizer, _check_number, register
from .packing import PACK_MAX_SIZE, largest_group, packed_for

__all__ = ["SGD"]


def sgd_step(optimizer: Optimizer, index, w, g, lr: float, wd: float) -> None:
    """The momentum-free update on NumPy buffers (shared with NAG)."""
    if wd:
        w *= 1.0 - lr * wd
    if optimizer.clip_gradient:
        w -= optimizer._scaled_grad(index, g, lr)
    else:
        # One fused pass over the weights: w += (-lr · rescale) · g. A small array takes
        # NumPy's two passes through a temporary: cheaper than finding its work buffer.
        alpha = -lr * optimizer.rescale_grad
        if w.size < AXPY_MIN_SIZE:
            w += g * alpha  # (inlined in SGD._update_many)
        else:
            axpy(alpha, g, w, optimizer._buffer(index, g))


# (a state no Updater holds: not None, so _step_packed leaves a first step to the Updater)
_MISSING = object()


def _all_none(values) -> bool:
    for value in values:
        if value is not None:
            return False
    return True


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
        lr, wd = self._count_and_rates(index)
        self._step(index, weight._data, grad._data, state, lr, wd)
        weight._bump()

    def _step(self, index, w, g, state, lr: float, wd: float) -> None:
        """The update on NumPy buffers (the version bumps are the caller's)."""
        if state is None:
            sgd_step(self, index, w, g, lr, wd)
            return
        mom = state._data
        step = self._scaled_grad(index, g, lr)
        mom *= self.momentum
        mom -= step
        if wd:
            _onp.multiply(w, lr * wd, out=step)
            mom -= step
        w += mom
        state._bump()

    def _update_many(self, indices, weights, grads, states) -> None:
        # The same arithmetic as ``update`` per parameter, in one loop: a small network's
        # step is mostly this loop's overhead. Small plain updates sharing one step size
        # are applied together, on packed buffers (see packing.py).
        if not self._own_update(SGD):
            super()._update_many(indices, weights, grads, states)
            return
        rates = self._count_and_rates_many(indices)
        if not rates:
            return
        rescale = self.rescale_grad
        plain = not self.clip_gradient
        first = rates[0]
        if plain and not first[1] and rates.count(first) == len(rates) and _all_none(states):
            # The usual case: one step size, no weight decay, no state. When last step's
            # packing still holds these arrays, every one of them is small (only small
            # ones are packed): update them all at once without looking at each.
            pack = self._packed
            if pack is not None and pack.holds((weights, grads)):
                self._update_small(weights, grads, -first[0] * rescale, pack)
                return
        step = self._step
        alphas = []  # per parameter: its step size when updated with the small ones, else None
        for index, (lr, wd), weight, grad, state in zip(indices, rates, weights, grads, states):
            w = weight._data
            if plain and state is None and not wd and w.size < PACK_MAX_SIZE:
                alphas.append(-lr * rescale)  # sgd_step's small-array case
                continue
            alphas.append(None)
            step(index, w, grad._data, state, lr, wd)
            weight._bump()
        alpha = alphas[0]
        if alpha is not None and alphas.count(alpha) == len(alphas):
            self._update_small(weights, grads, alpha)  # all of them
            return
        small = [(a, (w, g)) for a, w, g in zip(alphas, weights, grads) if a is not None]
        if not small:
            return
        alpha, rows, rest = largest_group(small)
        for other_alpha, (weight, grad) in rest:
            weight._data += grad._data * other_alpha
            weight._bump()
        self._update_small([row[0] for row in rows], [row[1] for row in rows], alpha)

    def _step_packed(self, params, states) -> bool:
        # The usual small-network step once the first step has packed every parameter:
        # what Trainer._update, the Updater and _update_many would do, in one check loop
        # and one update loop (their layers cost a 2-8-8-2 network's step more than the
        # update's arithmetic). Any difference from that case returns False before
        # anything changes, and the general path runs (and raises what it raises).
        pack = self._packed
        if (
            pack is None
            or self.clip_gradient
            or self.lr_scheduler is not None
            or self._custom_rates
            or not self._own_update(SGD)
        ):
            return False
        rows = pack.rows
        if len(rows) != len(params) or len(pack.flats) != 2:
            return False
        wd = self.wd
        param_dict = self.param_dict
        missing = _MISSING
        lr_mult = None
        index = 0
        for param, (weight_view, grad_view) in zip(params, rows):
            data = param._data
            if (
                data is None
                or param._grad_req == "null"
                or not data._fresh_grad
                or data._data is not weight_view
                or param._grad._data is not grad_view
                or param_dict.get(index) is not param
                or states.get(index, missing) is not None
                or wd * param.wd_mult
            ):
                return False
            # (equal multipliers give equal rates lr · lr_mult, as _update_many requires)
            if param.lr_mult != lr_mult:
                if index:
                    return False
                lr_mult = param.lr_mult
            index += 1
        updated = index
        if not updated:
            return False
        flat_weights, flat_grads = pack.flats
        flat_weights += flat_grads * self._step_factor(
            -(self.lr * lr_mult) * self.rescale_grad, flat_grads.dtype
        )
        counts = self._index_update_count
        begin = self.begin_num_update
        num_update = self.num_update
        for index in range(updated):
            count = counts.get(index, begin) + 1
            counts[index] = count
            if count > num_update:
                num_update = count
        self.num_update = num_update
        for param in params:
            data = param._data
            data._bump()
            data._fresh_grad = False
        return True

    # (step size, the same as a 0-d array) of the last packed step
    _factor = (None, None)

    def _step_factor(self, alpha: float, dtype):
        """``alpha`` as a 0-d array of ``dtype``, kept while it does not change.

        A Python float as an operand costs NumPy a conversion of about 0.6 us, more
        than the multiplication of a small network's packed gradients; the 0-d array
        holds alpha rounded to ``dtype`` as that conversion would, so the product is
        the same bit for bit. (Zero is rebuilt each time: 0.0 == -0.0, but their
        products differ in sign.)
        """
        value, factor = self._factor
        if value != alpha or not alpha or factor.dtype != dtype:
            factor = _onp.array(alpha, dtype)
            self._factor = (alpha, factor)
        return factor

    def _update_small(self, weights: list, grads: list, alpha: float, pack=None) -> None:
        """``w += alpha · g`` for each pair, as two NumPy calls on packed buffers.

        ``pack``: the packing of exactly these weights and gradients, when the
        caller has just checked it holds them.
        """
        if pack is None:
            pack = packed_for(self, (weights, grads))
        if pack is None:
            for weight, grad in zip(weights, grads):
                weight._data += grad._data * alpha
        else:
            flat_weights, flat_grads = pack.flats
            flat_weights += flat_grads * alpha
        for weight in weights:
            weight._bump()
