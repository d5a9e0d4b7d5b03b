"""Convolution and pooling layers: Conv2D, MaxPool2D, AvgPool2D, global pooling (Gluon 1.x).

Arguments, parameter shapes, name prefixes (``conv0_``, ``pool0_``) and
printed forms follow MXNet 1.9.1's ``gluon/nn/conv_layers.py``; the
computation is :mod:`engine.ops.conv`.
"""

from __future__ import annotations

from numbers import Integral

from ...base import MXNetError
from ...ops import conv as _conv_ops
from ...ops._common import data
from ..block import HybridBlock
from .activations import Activation

__all__ = ["Conv2D", "MaxPool2D", "AvgPool2D", "GlobalMaxPool2D", "GlobalAvgPool2D"]


def _is_int(value) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _check_window(op: str, **sizes) -> None:
    """MXNetError, as MXNet's operator checks raise, for sizes that cannot work.

    Without this, ``Conv2D(strides=0)`` was accepted and failed later with a
    ZeroDivisionError from inside the op.
    """
    for name, values in sizes.items():
        if values is None:
            continue
        minimum = 0 if name == "pad" else 1
        if not all(_is_int(v) for v in values) or any(v < minimum for v in values):
            shown = "[" + ",".join(str(v) for v in values) + "]"
            kind = "non-negative" if name == "pad" else "positive"
            raise MXNetError(
                f"Error in operator {op}: incorrect {name} size: {shown} (each "
                f"must be a {kind} integer)"
            )


class _Conv(HybridBlock):
    """Shared machinery of convolution layers (weight, bias, fused activation, repr)."""

    def __init__(
        self,
        channels,
        kernel_size,
        strides,
        padding,
        dilation,
        groups,
        layout,
        in_channels=0,
        activation=None,
        use_bias=True,
        weight_initializer=None,
        bias_initializer="zeros",
        op_name="Convolution",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not _is_int(groups) or groups < 1:
            raise MXNetError(
                f"Error in operator {op_name}: num_group must be a positive integer, got {groups!r}"
            )
        for what, count in (("channels", channels), ("in_channels", in_channels)):
            if not _is_int(count) or count < 0:
                raise MXNetError(
                    f"Error in operator {op_name}: {what} must be a "
                    f"non-negative integer, got {count!r}"
                )
        if channels % groups:
            raise ValueError(f"channels ({channels}) must be divisible by groups ({groups})")
        if in_channels and in_channels % groups:
            raise ValueError(f"in_channels ({in_channels}) must be divisible by groups ({groups})")
        with self.name_scope():
            self._channels = channels
            self._in_channels = in_channels
            if _is_int(strides):
                strides = (strides,) * len(kernel_size)
            if _is_int(padding):
                padding = (padding,) * len(kernel_size)
            if _is_int(dilation):
                dilation = (dilation,) * len(kernel_size)
            _check_window(op_name, kernel=kernel_size, stride=strides, dilate=dilation, pad=padding)
            self._op_name = op_name
            self._kwargs = {
                "kernel": kernel_size,
                "stride": strides,
                "dilate": dilation,
                "pad": padding,
                "num_filter": channels,
                "num_group": groups,
                "no_bias": not use_bias,
                "layout": layout,
            }
            self.weight = self.params.get(
                "weight",
                shape=self._weight_shape(in_channels),
                init=weight_initializer,
                allow_deferred_init=True,
            )
            if use_bias:
                self.bias = self.params.get(
                    "bias", shape=(channels,), init=bias_initializer, allow_deferred_init=True
                )
            else:
                self.bias = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + "_")
            else:
                self.act = None

    def _weight_shape(self, in_channels) -> tuple:
        per_group = in_channels // self._kwargs["num_group"]
        kernel = tuple(self._kwargs["kernel"])
        if self._kwargs["layout"].endswith("C"):  # channels-last: (O, kh, kw, C/g)
            return (self._channels,) + kernel + (per_group,)
        return (self._channels, per_group) + kernel

    def _infer_in_channels(self, x) -> None:
        shape = data(x).shape
        layout = self._kwargs["layout"]
        if len(shape) != len(layout):
            raise ValueError(
                f"{self.__class__.__name__} expects {len(layout)}-D input "
                f"({layout}), got shape {shape}"
            )
        in_channels = shape[layout.find("C")]
        groups = self._kwargs["num_group"]
        if in_channels % groups:
            raise ValueError(
                f"{self.__class__.__name__}: input shape {shape} has {in_channels} "
                f"channels, not divisible by groups={groups}"
            )
        if self.weight._data is None:
            self.weight.shape = self._weight_shape(in_channels)
            self.weight._finish_deferred_init()
        if self.bias is not None:
            self.bias._finish_deferred_init()

    def forward(self, x):
        if self.weight._data is None:
            self._infer_in_channels(x)
        kwargs = self._kwargs
        bias = None if self.bias is None else self.bias.data()
        act = self.act
        watched = act is not None and (act._forward_hooks or act._forward_pre_hooks)
        out = _conv_ops.convolution(
            x,
            self.weight.data(),
            bias,
            kernel=kwargs["kernel"],
            stride=kwargs["stride"],
            dilate=kwargs["dilate"],
            pad=kwargs["pad"],
            num_filter=kwargs["num_filter"],
            num_group=kwargs["num_group"],
            no_bias=kwargs["no_bias"],
            layout=kwargs["layout"],
            act_type=None if (act is None or watched) else act._act_type,
        )
        # A hooked activation (summary, a user hook) runs as its own block.
        return act(out) if watched else out

    def _alias(self) -> str:
        return "conv"

    def __repr__(self) -> str:
        s = "{name}({mapping}, kernel_size={kernel}, stride={stride}"
        len_kernel_size = len(self._kwargs["kernel"])
        if self._kwargs["pad"] != (0,) * len_kernel_size:
            s += ", padding={pad}"
        if self._kwargs["dilate"] != (1,) * len_kernel_size:
            s += ", dilation={dilate}"
        if self._kwargs["num_group"] != 1:
            s += ", groups={num_group}"
        if self.bias is None:
            s += ", bias=False"
        if self.act:
            s += f", {self.act}"
        s += ")"
        shape = self.weight.shape
        # MXNet prints weight.shape[1] (in_channels/groups); for NHWC that is the kernel
        # height, a plain bug, so channels-last prints the weight's channel axis instead.
        in_channels = shape[-1] if self._kwargs["layout"].endswith("C") else shape[1]
        mapping = f"{in_channels if in_channels else None} -> {shape[0]}"
        return s.format(name=self.__class__.__name__, mapping=mapping, **self._kwargs)


class Conv2D(_Conv):
    """2-D convolution over ``(N, C, H, W)`` images: ``act(conv(x, weight) + bias)``.

    Parameters
    ----------
    channels : int
        Number of output channels (filters).
    kernel_size : int or tuple of 2 ints
    strides, padding, dilation : int or tuple of 2 ints
        Padding adds zeros on both sides.
    groups : int
        Split input and output channels into this many independent groups.
    layout : {'NCHW', 'NHWC'}
    activation : str, optional
        ``'relu'``, ``'sigmoid'``, ``'tanh'``, ``'softrelu'`` or ``'softsign'``.
    use_bias : bool
    weight_initializer, bias_initializer : Initializer or str
    in_channels : int
        0 (default) infers it at the first forward pass, deferring initialization.

    The weight has shape ``(channels, in_channels/groups, kh, kw)``; the output
    size is ``floor((H + 2·pad − dilation·(k − 1) − 1)/stride) + 1``.
    """

    def __init__(
        self,
        channels,
        kernel_size,
        strides=(1, 1),
        padding=(0, 0),
        dilation=(1, 1),
        groups=1,
        layout="NCHW",
        activation=None,
        use_bias=True,
        weight_initializer=None,
        bias_initializer="zeros",
        in_channels=0,
        **kwargs,
    ):
        if layout not in ("NCHW", "NHWC"):
            raise ValueError("Only supports 'NCHW' and 'NHWC' layout for now")
        if _is_int(kernel_size):
            kernel_size = (kernel_size,) * 2
        if len(kernel_size) != 2:
            raise ValueError("kernel_size must be a number or a list of 2 ints")
        super().__init__(
            channels,
            kernel_size,
            strides,
            padding,
            dilation,
            groups,
            layout,
            in_channels,
            activation,
            use_bias,
            weight_initializer,
            bias_initializer,
            **kwargs,
        )


class _Pooling(HybridBlock):
    """Shared machinery of the pooling layers (MXNet's ``_Pooling``)."""

    def __init__(
        self,
        pool_size,
        strides,
        padding,
        ceil_mode,
        global_pool,
        pool_type,
        layout,
        count_include_pad=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if strides is None:
            strides = pool_size
        if _is_int(strides):
            strides = (strides,) * len(pool_size)
        if _is_int(padding):
            padding = (padding,) * len(pool_size)
        if not global_pool:
            _check_window("Pooling", kernel=pool_size, stride=strides, pad=padding)
        self._kwargs = {
            "kernel": pool_size,
            "stride": strides,
            "pad": padding,
            "global_pool": global_pool,
            "pool_type": pool_type,
            "layout": layout,
            "pooling_convention": "full" if ceil_mode else "valid",
        }
        if count_include_pad is not None:
            self._kwargs["count_include_pad"] = count_include_pad

    def _alias(self) -> str:
        return "pool"

    def forward(self, x):
        return _conv_ops.pooling(x, **self._kwargs)

    def __repr__(self) -> str:
        s = "{name}(size={kernel}, stride={stride}, padding={pad}, ceil_mode={ceil_mode}"
        s += ", global_pool={global_pool}, pool_type={pool_type}, layout={layout})"
        return s.format(
            name=self.__class__.__name__,
            ceil_mode=self._kwargs["pooling_convention"] == "full",
            **self._kwargs,
        )


def _pool_size_2d(pool_size, layout):
    if layout not in ("NCHW", "NHWC"):
        raise ValueError("Only NCHW and NHWC layouts are valid for 2D Pooling")
    if _is_int(pool_size):
        pool_size = (pool_size,) * 2
    if len(pool_size) != 2:
        raise ValueError("pool_size must be a number or a list of 2 ints")
    return pool_size


class MaxPool2D(_Pooling):
    """Max pooling over ``pool_size`` windows; ``strides`` defaults to ``pool_size``.

    ``padding`` pads with −∞ (padding never wins); ``ceil_mode`` rounds the
    output size up instead of down.
    """

    def __init__(
        self, pool_size=(2, 2), strides=None, padding=0, layout="NCHW", ceil_mode=False, **kwargs
    ):
        pool_size = _pool_size_2d(pool_size, layout)
        super().__init__(pool_size, strides, padding, ceil_mode, False, "max", layout, **kwargs)


class AvgPool2D(_Pooling):
    """Average pooling; ``count_include_pad`` counts zero padding in each window's divisor."""

    def __init__(
        self,
        pool_size=(2, 2),
        strides=None,
        padding=0,
        ceil_mode=False,
        layout="NCHW",
        count_include_pad=True,
        **kwargs,
    ):
        pool_size = _pool_size_2d(pool_size, layout)
        super().__init__(
            pool_size,
            strides,
            padding,
            ceil_mode,
            False,
            "avg",
            layout,
            count_include_pad,
            **kwargs,
        )


class GlobalMaxPool2D(_Pooling):
    """Maximum of each channel: ``(N, C, H, W) -> (N, C, 1, 1)``."""

    def __init__(self, layout="NCHW", **kwargs):
        _pool_size_2d(1, layout)
        super().__init__((1, 1), None, 0, True, True, "max", layout, **kwargs)


class GlobalAvgPool2D(_Pooling):
    """Mean of each channel: ``(N, C, H, W) -> (N, C, 1, 1)``."""

    def __init__(self, layout="NCHW", **kwargs):
        _pool_size_2d(1, layout)
        super().__init__((1, 1), None, 0, True, True, "avg", layout, **kwargs)
