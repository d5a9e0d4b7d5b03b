"""Gluon ``Trainer``: applies an optimizer to a set of Parameters (MXNet 1.9.1).

``trainer.step(batch_size)`` after ``loss.backward()`` rescales the gradients
by ``1/batch_size`` and updates every parameter whose ``grad_req`` is not
``'null'``, honouring each parameter's ``lr_mult`` and ``wd_mult``. The
engine has a single device, so there is no kvstore: ``kvstore``,
``compression_params`` and ``update_on_kvstore`` are accepted and ignored,
and ``allreduce_grads`` has nothing to reduce.

A gradient that ``backward`` did not refresh since the last step is stale;
``step`` then raises ``UserWarning`` with MXNet's message (MXNet raises it,
it does not merely warn), before changing anything. ``ignore_stale_grad=True``
skips those parameters instead.

The Trainer does not scan gradients for NaN (that would cost a pass over every
gradient per step); check the loss with ``engine.gluon.loss.is_finite``.
"""

from __future__ import annotations

import json

import numpy as _onp

from .. import optimizer as opt
from ..context import cpu
from ..ndarray import ndarray
from .parameter import Parameter
from .parameter_dict import ParameterDict

__all__ = ["Trainer"]

_STALE_MESSAGE = (
    "Gradient of Parameter `{name}` on context {ctx} has not been updated by backward since "
    "last `step`. This could mean a bug in your model that made it only use a subset of the "
    "Parameters (Blocks) for this iteration. If you are intentionally only using a subset, "
    "call step with ignore_stale_grad=True to suppress this warning and skip updating of "
    "Parameters with stale gradient"
)


class Trainer:
    """Applies an optimizer to a set of Parameters; use with ``autograd``.

    Parameters
    ----------
    params : ParameterDict, dict, list or tuple of Parameter
        The parameters to optimize (a dict is taken in sorted-key order, as
        MXNet does; a parameter listed twice is updated once).
    optimizer : str or Optimizer
        A registered name (``'sgd'``, ``'nag'``, ``'adam'``, ``'rmsprop'``,
        ``'adagrad'``) or an Optimizer instance.
    optimizer_params : dict, optional
        Keyword arguments of the optimizer, e.g. ``{'learning_rate': 0.1}``.
    kvstore, compression_params, update_on_kvstore
        Accepted for MXNet compatibility; the engine has one device.
    """

    def __init__(
        self,
        params,
        optimizer,
        optimizer_params=None,
        kvstore="device",
        compression_params=None,
        update_on_kvstore=None,
    ):
        if isinstance(params, (dict, ParameterDict)):
            params = [params[key] for key in sorted(params.keys())]
        if not isinstance(params, (list, tuple)):
            raise ValueError(
                f"First argument must be a list or dict of Parameters, got {type(params)}."
            )
        self._params: list[Parameter] = []
        seen: set[int] = set()
        for param in params:
            if not isinstance(param, Parameter):
                raise ValueError(
                    f"First argument must be a list or dict of Parameters, got "
                    f"list of {type(param)}."
                )
            if id(param) in seen:
                continue
            seen.add(id(param))
            self._params.append(param)
        self._contexts = self._check_contexts()
        self._compression_params = compression_params
        self._kvstore_params = {"kvstore": kvstore, "update_on_kvstore": update_on_kvstore}
        self._kvstore = None
        self._update_on_kvstore = False
        self._init_optimizer(optimizer, optimizer_params or {})
        self._scale = self._optimizer.rescale_grad
        for param in self._params:
            param._trainer = self

    def _check_contexts(self) -> list:
        for param in self._params:
            param.list_ctx()  # raises for a parameter that was never initialized
        return [cpu()]

    def _init_optimizer(self, optimizer, optimizer_params: dict) -> None:
        param_dict = dict(enumerate(self._params))
        if isinstance(optimizer, opt.Optimizer):
            if optimizer_params:
                raise ValueError(
                    "optimizer_params must be None if optimizer is an instance of "
                    "Optimizer instead of str"
                )
            self._optimizer = optimizer
            # Not a copy: a later change of a parameter's lr_mult/wd_mult takes effect.
            self._optimizer.param_dict = param_dict
        elif isinstance(optimizer, str):
            if not isinstance(optimizer_params, dict):
                raise ValueError(
                    f"optimizer_params must be a dict such as "
                    f"{{'learning_rate': 0.1}}, got {optimizer_params!r}"
                )
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)
        else:
            raise ValueError(
                f"optimizer must be an optimizer name such as 'sgd' or an "
                f"Optimizer instance, got {optimizer!r}"
            )
        self._updaters = [opt.get_updater(self._optimizer)]

    # ---------------------------------------------------------------- settings
    @property
    def learning_rate(self) -> float:
        """The optimizer's current learning rate."""
        return self._optimizer.learning_rate

    @property
    def optimizer(self) -> opt.Optimizer:
        return self._optimizer

    def set_learning_rate(self, lr) -> None:
        """Set the optimizer's learning rate (a finite number, else ValueError)."""
        self._optimizer.set_learning_rate(lr)

    # ------------------------------------------------------------------ steps
    def step(self, batch_size, ignore_stale_grad: bool = False) -> None:
        """One update of every parameter from its gradient, rescaled by ``1/batch_size``.

        Call after ``backward()`` and outside ``autograd.record()``. Use
        ``batch_size=1`` when the loss was already averaged over the batch.
        """
        if type(batch_size) is int and batch_size > 0:  # (the usual x.shape[0], checked inline)
            self._optimizer.rescale_grad = self._scale / batch_size
        else:
            self._optimizer.rescale_grad = self._scale / _check_batch_size(batch_size)
        self._update(ignore_stale_grad)

    def allreduce_grads(self) -> None:
        """Sum gradients across devices: nothing to do on the engine's single device."""

    def update(self, batch_size, ignore_stale_grad: bool = False) -> None:
        """The update half of ``step`` (after ``allreduce_grads``)."""
        self._optimizer.rescale_grad = self._scale / _check_batch_size(batch_size)
        self._update(ignore_stale_grad)

    def _update(self, ignore_stale_grad: bool = False) -> None:
        if self._optimizer._step_packed(self._params, self._updaters[0].states):
            return
        # Check every parameter before changing any, so a stale gradient changes nothing.
        indices, grads, weights = [], [], []
        for i, param in enumerate(self._params):
            if param._grad_req == "null":
                continue
            data = param._data
            if data is None:
                param._check_and_get(None)  # raises the deferred / not-initialized error
            if not data._fresh_grad:
                if ignore_stale_grad:
                    continue
                raise UserWarning(_STALE_MESSAGE.format(name=param.name, ctx=cpu()))
            indices.append(i)
            grads.append(param._grad)
            weights.append(data)
        if indices:
            self._updaters[0](indices, grads, weights)
        for data in weights:
            data._fresh_grad = False

    # ------------------------------------------------------------------ files
    def save_states(self, fname) -> None:
        """Save optimizer states (momentum, moments, update counts) to an ``.npz`` file.

        Parameter settings (``lr_mult``, ``wd_mult``) are not saved, as in MXNet.
        """
        from .serialization import save_arrays

        updater = self._updaters[0]
        optimizer = self._optimizer
        arrays, layout = {}, {}
        for index, state in updater.states.items():
            if state is None:
                layout[str(index)] = None
            elif isinstance(state, ndarray):
                layout[str(index)] = -1
                arrays[f"state_{index}"] = state._data
            else:
                layout[str(index)] = len(state)
                for k, part in enumerate(state):
                    arrays[f"state_{index}_{k}"] = part._data
        meta = {
            "optimizer": type(optimizer).__name__.lower(),
            "num_update": optimizer.num_update,
            "index_update_count": {str(k): v for k, v in optimizer._index_update_count.items()},
            "learning_rate": optimizer.lr,
            "layout": layout,
        }
        arrays["__meta__"] = _onp.array(json.dumps(meta))
        save_arrays(fname, arrays)

    def load_states(self, fname) -> None:
        """Load optimizer states written by :meth:`save_states`.

        The file is checked against this Trainer first (optimizer, number of
        parameters, each state's layout, shape and dtype, the metadata's
        types); a file that does not fit raises ``ValueError`` and changes
        nothing.
        """
        from .trainer_states import read_trainer_states

        optimizer = self._optimizer
        states, meta = read_trainer_states(fname, self._params, optimizer)
        updater = self._updaters[0]
        updater.states = states
        optimizer.num_update = meta["num_update"]
        optimizer._index_update_count = {int(k): v for k, v in meta["index_update_count"].items()}
        optimizer.lr = float(meta["learning_rate"])


def _check_batch_size(batch_size) -> float:
    if type(batch_size) is int and batch_size > 0:
        return float(batch_size)  # the usual argument (x.shape[0]); float() cannot fail
    try:
        value = float(batch_size)
    except (TypeError, ValueError):
        raise ValueError(f"batch_size must be a positive number, got {batch_size!r}") from None
    if not value > 0 or value == float("inf"):
        raise ValueError(f"batch_size must be a positive number, got {batch_size!r}")
    return value
