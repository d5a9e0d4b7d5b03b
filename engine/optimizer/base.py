"""The ``Optimizer`` base class, its registry and ``create`` (MXNet 1.9.1 semantics).

An optimizer updates one weight at a time: ``update(index, weight, grad,
state)`` writes the new values into ``weight``'s buffer in place and bumps its
version counter, so ``Parameter.version`` moves and views redraw. Updates use
NumPy ``out=`` arithmetic on preallocated state and scratch buffers: a step
allocates nothing once the first one has run.

Hyper-parameters common to all optimizers follow MXNet: ``rescale_grad``
(the Trainer sets it to ``1/batch_size``), ``wd`` (weight decay),
``clip_gradient`` (clip ``rescale_grad · grad`` to ``[-c, c]``; ``None`` or 0
means no clipping), ``learning_rate``, ``lr_scheduler`` (a callable of the
update count), and per-parameter ``lr_mult``/``wd_mult`` read from the
``param_dict`` the Trainer passes.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as _onp

from ..ndarray import ndarray

__all__ = ["Optimizer", "register", "create", "Updater", "get_updater", "check_learning_rate"]


def check_learning_rate(lr, what: str = "learning rate") -> float:
    """``lr`` as a float; a ValueError when it is not a finite real number."""
    if isinstance(lr, bool) or not isinstance(lr, (numbers.Real, _onp.floating, _onp.integer)):
        raise ValueError(
            f"The {what} must be a finite number, got {lr!r} (type {type(lr).__name__})."
        )
    value = float(lr)
    if not math.isfinite(value):
        raise ValueError(f"The {what} must be a finite number, got {value}.")
    return value


def _check_number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(
        value, (numbers.Real, _onp.floating, _onp.integer)
    ):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    return value


class Optimizer:
    """Base class of all optimizers.

    Parameters
    ----------
    rescale_grad : float, default 1.0
        Gradients are multiplied by this before use (the Trainer sets
        ``1/batch_size``).
    param_idx2name : dict of int to str, optional
    wd : float, default 0.0
        Weight decay (L2 penalty) coefficient.
    clip_gradient : float, optional
        Clip the rescaled gradient to ``[-clip_gradient, clip_gradient]``.
    learning_rate : float, default 0.01
    lr_scheduler : callable, optional
        ``lr_scheduler(num_update)`` gives the learning rate; it wins over
        ``learning_rate``.
    param_dict : dict of int to Parameter, optional
        Where ``lr_mult`` and ``wd_mult`` are read from.
    """

    opt_registry: dict = {}
    # Whether this class overrides _update_count, _get_lr or _get_wd (see _count_and_rates).
    _custom_rates = False
    # Small parameters packed for updating together (packing.py); set by _update_many.
    _packed = None

    def __init__(
        self,
        rescale_grad=1.0,
        param_idx2name=None,
        wd=0.0,
        clip_gradient=None,
        learning_rate=0.01,
        lr_scheduler=None,
        sym=None,
        begin_num_update=0,
        multi_precision=False,
        param_dict=None,
        aggregate_num=0,
    ):
        self.rescale_grad = _check_number(rescale_grad, "rescale_grad")
        self.lr = check_learning_rate(learning_rate)
        self.lr_scheduler = lr_scheduler
        if lr_scheduler is not None:
            if not callable(lr_scheduler):
                raise ValueError(
                    f"lr_scheduler must be callable as lr_scheduler(num_update), "
                    f"got {lr_scheduler!r}"
                )
            if hasattr(lr_scheduler, "base_lr"):
                lr_scheduler.base_lr = self.lr
        self.wd = _check_number(wd, "wd")
        if clip_gradient is not None:
            clip_gradient = _check_number(clip_gradient, "clip_gradient")
        self.clip_gradient = clip_gradient
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._index_update_count: dict = {}
        self.multi_precision = multi_precision
        self.aggregate_num = aggregate_num
        if param_idx2name is None:
            param_idx2name = {}
        if not isinstance(param_idx2name, dict):
            raise ValueError("param_idx2name should be a dict of param indexes to names.")
        self.idx2name = param_idx2name.copy()
        self.param_dict = param_dict if param_dict else {}
        self.lr_mult: dict = {}
        self.wd_mult: dict = {}
        self.set_lr_mult({})
        self.set_wd_mult({})
        # Preallocated work buffers, keyed by (index, slot); reused every step.
        self._scratch: dict = {}

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(learning_rate={self.learning_rate}, wd={self.wd})"

    # --------------------------------------------------------------- registry
    @staticmethod
    def register(klass):
        """Register an optimizer class under its lower-cased class name."""
        if not isinstance(klass, type):
            raise TypeError(f"register expects an Optimizer class, got {klass!r}")
        name = klass.__name__.lower()
        if name in Optimizer.opt_registry:
            previous = Optimizer.opt_registry[name]
            warnings.warn(
                f"WARNING: New optimizer {klass.__module__}.{klass.__name__} is overriding "
                f"existing optimizer {previous.__module__}.{previous.__name__}",
                stacklevel=2,
            )
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name, **kwargs):
        """An optimizer instance from its (case-insensitive) registered name."""
        if not isinstance(name, str):
            raise ValueError(f"Optimizer name must be a string, got {name!r}")
        klass = Optimizer.opt_registry.get(name.lower())
        if klass is None:
            # MXNet's exact words; the valid names are sorted(Optimizer.opt_registry).
            raise ValueError(f"Cannot find optimizer {name}")
        return klass(**kwargs)

    # ---------------------------------------------------------- learning rate
    @property
    def learning_rate(self) -> float:
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def set_learning_rate(self, lr) -> None:
        """Set a new learning rate (not allowed when an ``lr_scheduler`` drives it)."""
        if self.lr_scheduler is not None:
            raise UserWarning(
                "LRScheduler of the optimizer has already been defined. Note "
                "that set_learning_rate can mutate the value of the learning "
                "rate of the optimizer only when the LRScheduler of the "
                "optimizer is undefined."
            )
        self.lr = check_learning_rate(lr)

    def set_lr_mult(self, args_lr_mult: dict) -> None:
        """Per-index (or per-name) learning-rate multipliers, used without a param_dict."""
        self.lr_mult = dict(args_lr_mult)

    def set_wd_mult(self, args_wd_mult: dict) -> None:
        """Per-index (or per-name) weight-decay multipliers; names not ending in
        ``_weight``/``_gamma`` get 0 (MXNet's convention)."""
        self.wd_mult = {}
        for name in self.idx2name.values():
            if not (name.endswith("_weight") or name.endswith("_gamma")):
                self.wd_mult[name] = 0.0
        self.wd_mult.update(args_wd_mult)

    def _update_count(self, index) -> None:
        count = self._index_update_count.get(index, self.begin_num_update) + 1
        self._index_update_count[index] = count
        if count > self.num_update:
            self.num_update = count

    def _count_and_rates(self, index) -> tuple[float, float]:
        """Count one update of ``index`` and return its ``(lr, wd)``.

        The same as ``_update_count``, ``_get_lr`` and ``_get_wd`` in a row (it
        calls them when a subclass overrides any of them), in one call: the
        built-in ``update`` methods run it for every parameter at every step.
        """
        if self._custom_rates:
            self._update_count(index)
            return self._get_lr(index), self._get_wd(index)
        counts = self._index_update_count
        count = counts.get(index, self.begin_num_update) + 1
        counts[index] = count
        if count > self.num_update:
            self.num_update = count
        param = self.param_dict.get(index)
        if param is None:
            return self._get_lr(index), self._get_wd(index)
        lr = self.lr if self.lr_scheduler is None else self.lr_scheduler(self.num_update)
        return lr * param.lr_mult, self.wd * param.wd_mult

    def _count_and_rates_many(self, indices) -> list:
        """``[_count_and_rates(i) for i in indices]``, in one loop over local names.

        Counts and rates come out exactly as from the per-index calls, in the
        same order: without an ``lr_scheduler`` the base rate does not depend
        on the count, so only the counting has to run per index.
        """
        if self._custom_rates or self.lr_scheduler is not None:
            return [self._count_and_rates(index) for index in indices]
        counts = self._index_update_count
        begin = self.begin_num_update
        params = self.param_dict
        lr, wd = self.lr, self.wd
        # (num_update is read again only by an lr_scheduler, and there is none here)
        num_update = self.num_update
        rates = []
        append = rates.append
        for index in indices:
            count = counts.get(index, begin) + 1
            counts[index] = count
            if count > num_update:
                num_update = count
            param = params.get(index)
            if param is None:
                append((self._get_lr(index), self._get_wd(index)))
            else:
                append((lr * param.lr_mult, wd * param.wd_mult))
        self.num_update = num_update
        return rates

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._custom_rates = any(
            getattr(cls, name) is not getattr(Optimizer, name)
            for name in ("_update_count", "_get_lr", "_get_wd")
        )

    def _get_lr(self, index) -> float:
        lr = self.lr if self.lr_scheduler is None else self.lr_scheduler(self.num_update)
        param = self.param_dict.get(index)
        if param is not None:
            return lr * param.lr_mult
        if index in self.lr_mult:
            return lr * self.lr_mult[index]
        if index in self.idx2name:
            return lr * self.lr_mult.get(self.idx2name[index], 1.0)
        return lr

    def _get_wd(self, index) -> float:
        wd = self.wd
        param = self.param_dict.get(index)
        if param is not None:
            return wd * param.wd_mult
        if index in self.wd_mult:
            return wd * self.wd_mult[index]
        if index in self.idx2name:
            return wd * self.wd_mult.get(self.idx2name[index], 1.0)
        return wd

    # ------------------------------------------------------------------ state
    def create_state(self, index, weight):
        """Auxiliary state (momentum, moments, ...) for ``weight``; ``None`` if not needed."""
        return None

    def create_state_multi_precision(self, index, weight):
        return self.create_state(index, weight)

    def update(self, index, weight, grad, state) -> None:
        """Write the updated values into ``weight`` (in place) using ``grad`` and ``state``."""
        raise NotImplementedError(f"{self.__class__.__name__} must define update()")

    def update_multi_precision(self, index, weight, grad, state) -> None:
        self.update(index, weight, grad, state)

    def _step_packed(self, params, states) -> bool:
        """Update all of a Trainer's ``params`` at once, if this optimizer has such a step.

        Called by ``Trainer.step`` before its general path; returns False (and changes
        nothing) whenever the general path must run. ``states`` is the Updater's.
        """
        return False

    def _update_many(self, indices, weights, grads, states) -> None:
        """``update`` each parameter in turn (the Updater's one call per step).

        An optimizer may override it with a leaner loop that gives the same
        results as calling ``update`` one parameter at a time (SGD does).
        """
        update = self.update_multi_precision if self.multi_precision else self.update
        for index, weight, grad, state in zip(indices, weights, grads, states):
            update(index, weight, grad, state)

    def _own_update(self, cls) -> bool:
        """Whether ``update`` is ``cls``'s own, so a leaner ``_update_many`` of ``cls``
        computes exactly what it would (a subclass that overrides it gets the plain loop)."""
        own = type(self)
        return (
            own.update is cls.update
            and own.update_multi_precision is Optimizer.update_multi_precision
        )

    @staticmethod
    def _zeros_like(weight) -> ndarray:
        return ndarray._wrap(_onp.zeros_like(weight._data))

    def _buffer(self, index, like: _onp.ndarray, slot: int = 0) -> _onp.ndarray:
        """A reusable work buffer shaped like ``like`` (reallocated only if the shape changes)."""
        key = (index, slot)
        buf = self._scratch.get(key)
        if buf is None or buf.shape != like.shape or buf.dtype != like.dtype:
            buf = _onp.empty_like(like)
            self._scratch[key] = buf
        return buf

    def _scaled_grad(self, index, grad: _onp.ndarray, scale: float) -> _onp.ndarray:
        """``scale · clip(rescale_grad · grad)`` in work buffer 0; ``grad`` stays untouched."""
        buf = self._buffer(index, grad)
        clip = self.clip_gradient
        if clip:
            _onp.multiply(grad, self.rescale_grad, out=buf)
            _onp.clip(buf, -clip, clip, out=buf)
            if scale != 1.0:
                buf *= scale
        else:
            _onp.multiply(grad, self.rescale_grad * scale, out=buf)
        return buf

    def _rescaled_grad_with_wd(self, index, grad, weight, wd) -> _onp.ndarray:
        """``clip(rescale_grad · grad + wd · weight)`` in slot 0, as MXNet's Adam/RMSProp
        kernels compute it (weight decay before clipping)."""
        buf = self._buffer(index, grad)
        _onp.multiply(grad, self.rescale_grad, out=buf)
        if wd:
            tmp = self._buffer(index, grad, slot=1)
            _onp.multiply(weight, wd, out=tmp)
            buf += tmp
        clip = self.clip_gradient
        if clip:
            _onp.clip(buf, -clip, clip, out=buf)
        return buf


register = Optimizer.register
create = Optimizer.create_optimizer


class Updater:
    """Keeps per-index optimizer state and applies ``optimizer.update`` (MXNet's ``Updater``).

    ``updater(index, grad, weight)`` accepts one index or lists of them.
    """

    def __init__(self, optimizer: Optimizer):
        self.optimizer = optimizer
        self.states: dict = {}
        self.states_synced: dict = {}

    def __call__(self, index, grad, weight) -> None:
        if not isinstance(index, (list, tuple)):
            index, grad, weight = [index], [grad], [weight]
        optimizer = self.optimizer
        states = self.states
        step_states = [states.get(i, _MISSING) for i in index]
        for state in step_states:
            if state is not None:
                break
        else:
            # Every state exists and is None (a stateless optimizer such as plain SGD,
            # after its first step): nothing to create or to check against the weights.
            optimizer._update_many(index, weight, grad, step_states)
            return
        step_states = []
        for i, w in zip(index, weight):
            state = states.get(i, _MISSING)
            if state is _MISSING or (state is not None and not _state_matches(state, w)):
                state = states[i] = optimizer.create_state_multi_precision(i, w)
                self.states_synced[i] = True
            step_states.append(state)
        optimizer._update_many(index, weight, grad, step_states)


_MISSING = object()


def _state_matches(state, weight) -> bool:
    """False when the weight changed shape (re-initialized) since its state was made."""
    if state is None:
        return True
    if isinstance(state, ndarray):
        return state._data.shape == weight._data.shape
    if isinstance(state, (tuple, list)):
        return all(_state_matches(s, weight) for s in state)
    return True


def get_updater(optimizer: Optimizer) -> Updater:
    return Updater(optimizer)
