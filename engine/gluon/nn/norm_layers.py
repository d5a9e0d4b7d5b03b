"""Normalization layers: BatchNorm and LayerNorm (Gluon 1.x).

Arguments, parameter names (``gamma``, ``beta``, ``running_mean``,
``running_var``) and printed forms follow MXNet 1.9.1's
``gluon/nn/basic_layers.py``; the computation is :mod:`engine.ops.norm`.
"""

from __future__ import annotations

from ...ops import norm as _norm_ops
from ...ops._common import data
from ..block import HybridBlock

__all__ = ["BatchNorm", "LayerNorm"]


def _channel_count(x, axis, layer: str) -> int:
    shape = data(x).shape
    if not -len(shape) <= axis < len(shape):
        raise ValueError(f"{layer} axis {axis} is out of range for input shape {shape}")
    return shape[axis]


class BatchNorm(HybridBlock):
    """Batch normalization (Ioffe & Szegedy, 2015) over every axis but ``axis``.

    In training mode (inside ``autograd.record()`` or ``autograd.train_mode()``)
    the batch's mean and biased variance normalize the input and the running
    statistics move toward them:
    ``running = momentum · running + (1 − momentum) · batch``. In prediction
    mode, or with ``use_global_stats=True``, the running statistics are used.

    Parameters
    ----------
    axis : int, default 1
        The channel axis (1 for NCHW images and for ``(N, features)`` rows).
    momentum : float, default 0.9
    epsilon : float, default 1e-5
    center : bool, default True
        Add ``beta``; when False, ``beta`` stays 0 and is not trained.
    scale : bool, default True
        Multiply by ``gamma``; when False, ``gamma`` is fixed at 1.
    use_global_stats : bool, default False
    beta_initializer, gamma_initializer, running_mean_initializer,
    running_variance_initializer : Initializer or str
    in_channels : int, default 0
        0 infers the channel count at the first forward pass.

    Notes
    -----
    MXNet's reference CPU kernel moves the running statistics during
    *backward*; the engine moves them in the training-mode forward pass (as
    MXNet's oneDNN kernel, PyTorch and D2L's from-scratch BatchNorm do), so a
    training-mode forward without backward also updates them.
    """

    def __init__(
        self,
        axis=1,
        momentum=0.9,
        epsilon=1e-5,
        center=True,
        scale=True,
        use_global_stats=False,
        beta_initializer="zeros",
        gamma_initializer="ones",
        running_mean_initializer="zeros",
        running_variance_initializer="ones",
        in_channels=0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self._kwargs = {
            "axis": axis,
            "eps": epsilon,
            "momentum": momentum,
            "fix_gamma": not scale,
            "use_global_stats": use_global_stats,
        }
        if in_channels != 0:
            self.in_channels = in_channels
        self.gamma = self.params.get(
            "gamma",
            grad_req="write" if scale else "null",
            shape=(in_channels,),
            init=gamma_initializer,
            allow_deferred_init=True,
            differentiable=scale,
        )
        self.beta = self.params.get(
            "beta",
            grad_req="write" if center else "null",
            shape=(in_channels,),
            init=beta_initializer,
            allow_deferred_init=True,
            differentiable=center,
        )
        self.running_mean = self.params.get(
            "running_mean",
            grad_req="null",
            shape=(in_channels,),
            init=running_mean_initializer,
            allow_deferred_init=True,
            differentiable=False,
        )
        self.running_var = self.params.get(
            "running_var",
            grad_req="null",
            shape=(in_channels,),
            init=running_variance_initializer,
            allow_deferred_init=True,
            differentiable=False,
        )

    def _stat_params(self):
        return (self.gamma, self.beta, self.running_mean, self.running_var)

    def _infer_in_channels(self, x) -> None:
        channels = _channel_count(x, self._kwargs["axis"], "BatchNorm")
        for param in self._stat_params():
            if param._data is None:
                param.shape = (channels,)
                param._finish_deferred_init()

    def cast(self, dtype) -> None:
        # Statistics stay float32 for float16 data, as in MXNet.
        if str(dtype) == "float16":
            dtype = "float32"
        super().cast(dtype)

    def forward(self, x):
        if any(p._data is None for p in self._stat_params()):
            self._infer_in_channels(x)
        return _norm_ops.batch_norm(
            x,
            self.gamma.data(),
            self.beta.data(),
            self.running_mean.data(),
            self.running_var.data(),
            **self._kwargs,
        )

    def __repr__(self) -> str:
        in_channels = self.gamma.shape[0]
        content = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        return (
            f"{self.__class__.__name__}({content}, "
            f"in_channels={in_channels if in_channels else None})"
        )


class LayerNorm(HybridBlock):
    """Layer normalization (Ba et al., 2016): normalize along ``axis``, then scale and shift.

    Parameters
    ----------
    axis : int, default -1
    epsilon : float, default 1e-5
    center, scale : bool, default True
        Whether ``beta``/``gamma`` are trained (they are always applied).
    beta_initializer, gamma_initializer : Initializer or str
    in_channels : int, default 0
        Size of ``axis``; 0 infers it at the first forward pass.
    """

    def __init__(
        self,
        axis=-1,
        epsilon=1e-5,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        in_channels=0,
        prefix=None,
        params=None,
    ):
        super().__init__(prefix=prefix, params=params)
        self._kwargs = {"eps": epsilon, "axis": axis, "center": center, "scale": scale}
        self._axis = axis
        self._epsilon = epsilon
        self._center = center
        self._scale = scale
        self.gamma = self.params.get(
            "gamma",
            grad_req="write" if scale else "null",
            shape=(in_channels,),
            init=gamma_initializer,
            allow_deferred_init=True,
        )
        self.beta = self.params.get(
            "beta",
            grad_req="write" if center else "null",
            shape=(in_channels,),
            init=beta_initializer,
            allow_deferred_init=True,
        )

    def forward(self, x):
        if self.gamma._data is None or self.beta._data is None:
            channels = _channel_count(x, self._axis, "LayerNorm")
            for param in (self.gamma, self.beta):
                if param._data is None:
                    param.shape = (channels,)
                    param._finish_deferred_init()
        return _norm_ops.layer_norm(
            x, self.gamma.data(), self.beta.data(), axis=self._axis, eps=self._epsilon
        )

    def __repr__(self) -> str:
        content = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        return f"{self.__class__.__name__}({content}, in_channels={self.gamma.shape[0]})"
