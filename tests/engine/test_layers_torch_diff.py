"""Differential tests: the engine's layers against PyTorch with the same weights and input."""

from __future__ import annotations

import numpy as onp
import pytest

from engine import autograd, np
from engine.gluon import nn

torch = pytest.importorskip("torch")
F = torch.nn.functional

RTOL, ATOL = 1e-4, 1e-5


def _random(shape, seed=0):
    return onp.random.default_rng(seed).normal(size=shape).astype(onp.float32)


def _run_engine(layer, x, head):
    """Output and input gradient of ``layer`` for ``x``, with ``head`` as output gradient."""
    xe = np.array(x)
    xe.attach_grad()
    with autograd.record():
        y = layer(xe)
    y.backward(np.array(head))
    return y.asnumpy(), xe.grad.asnumpy()


def _run_torch(fn, x, head, *params):
    xt = torch.tensor(x, requires_grad=True)
    y = fn(xt, *params)
    y.backward(torch.tensor(head))
    return y.detach().numpy(), xt.grad.numpy()


def _close(a, b):
    onp.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(
    "channels, kernel, strides, padding, dilation, groups, act",
    [
        (6, 5, 1, 0, 1, 1, None),
        (4, 3, 2, 1, 1, 1, "relu"),
        (6, (3, 2), (1, 2), (2, 0), 1, 3, None),
        (4, 3, 1, 2, 2, 2, "tanh"),
    ],
)
def test_conv2d_matches_torch(channels, kernel, strides, padding, dilation, groups, act):
    x = _random((4, 6, 9, 8))
    layer = nn.Conv2D(
        channels,
        kernel,
        strides=strides,
        padding=padding,
        dilation=dilation,
        groups=groups,
        activation=act,
    )
    layer.initialize()
    layer(np.array(x))  # infer in_channels
    w = _random(layer.weight.shape, 1)
    b = _random(layer.bias.shape, 2)
    layer.weight.set_data(w)
    layer.bias.set_data(b)
    head = _random(layer(np.array(x)).shape, 3)
    y, gx = _run_engine(layer, x, head)

    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, requires_grad=True)
    activation = {None: lambda z: z, "relu": torch.relu, "tanh": torch.tanh}[act]
    yt, gxt = _run_torch(
        lambda xt, wt, bt: activation(
            F.conv2d(xt, wt, bt, stride=strides, padding=padding, dilation=dilation, groups=groups)
        ),
        x,
        head,
        wt,
        bt,
    )
    _close(y, yt)
    _close(gx, gxt)
    _close(layer.weight.grad().asnumpy(), wt.grad.numpy())
    _close(layer.bias.grad().asnumpy(), bt.grad.numpy())


@pytest.mark.parametrize(
    "pool_size, strides, padding, ceil_mode",
    [
        (2, None, 0, False),
        (3, 2, 1, False),
        (3, 2, 1, True),
        ((2, 3), (1, 2), (1, 1), True),
    ],
)
def test_max_and_avg_pooling_match_torch(pool_size, strides, padding, ceil_mode):
    x = _random((3, 2, 9, 7))
    for layer, torch_fn in (
        (nn.MaxPool2D(pool_size, strides, padding, ceil_mode=ceil_mode), F.max_pool2d),
        (nn.AvgPool2D(pool_size, strides, padding, ceil_mode=ceil_mode), F.avg_pool2d),
    ):
        out_shape = layer(np.array(x)).shape
        head = _random(out_shape, 4)
        y, gx = _run_engine(layer, x, head)
        yt, gxt = _run_torch(
            lambda xt: torch_fn(xt, pool_size, strides or pool_size, padding, ceil_mode=ceil_mode),
            x,
            head,
        )
        _close(y, yt)
        _close(gx, gxt)


def test_global_pooling_matches_torch():
    x = _random((3, 4, 5, 6))
    head = _random((3, 4, 1, 1), 1)
    y, gx = _run_engine(nn.GlobalAvgPool2D(), x, head)
    yt, gxt = _run_torch(lambda xt: F.adaptive_avg_pool2d(xt, 1), x, head)
    _close(y, yt)
    _close(gx, gxt)
    y, gx = _run_engine(nn.GlobalMaxPool2D(), x, head)
    yt, gxt = _run_torch(lambda xt: F.adaptive_max_pool2d(xt, 1), x, head)
    _close(y, yt)
    _close(gx, gxt)


def _batch_norm_pair(channels):
    layer = nn.BatchNorm(in_channels=channels)
    layer.initialize()
    gamma, beta = _random((channels,), 5), _random((channels,), 6)
    layer.gamma.set_data(gamma)
    layer.beta.set_data(beta)
    # MXNet's momentum weighs the old value; PyTorch's weighs the new one.
    reference = torch.nn.BatchNorm2d(channels, eps=1e-5, momentum=0.1)
    with torch.no_grad():
        reference.weight.copy_(torch.tensor(gamma))
        reference.bias.copy_(torch.tensor(beta))
    return layer, reference


def test_batch_norm_training_step_matches_torch():
    x = _random((6, 3, 4, 5)) * 2 + 1
    head = _random(x.shape, 7)
    layer, reference = _batch_norm_pair(3)
    y, gx = _run_engine(layer, x, head)
    reference.train()
    yt, gxt = _run_torch(reference, x, head)
    _close(y, yt)
    _close(gx, gxt)
    _close(layer.gamma.grad().asnumpy(), reference.weight.grad.numpy())
    _close(layer.beta.grad().asnumpy(), reference.bias.grad.numpy())
    _close(layer.running_mean.data().asnumpy(), reference.running_mean.numpy())
    # PyTorch's running variance uses the unbiased batch variance, MXNet's the biased one.
    n = x.size // 3
    batch_var = x.var(axis=(0, 2, 3))
    _close(reference.running_var.numpy(), 0.9 + 0.1 * batch_var * n / (n - 1))
    _close(layer.running_var.data().asnumpy(), 0.9 + 0.1 * batch_var)


def test_batch_norm_prediction_matches_torch_with_the_same_running_statistics():
    x = _random((5, 3, 2, 2))
    head = _random(x.shape, 8)
    layer, reference = _batch_norm_pair(3)
    mean, var = _random((3,), 9), onp.abs(_random((3,), 10)) + 0.5
    layer.running_mean.set_data(mean)
    layer.running_var.set_data(var)
    with torch.no_grad():
        reference.running_mean.copy_(torch.tensor(mean))
        reference.running_var.copy_(torch.tensor(var))
    reference.eval()
    xe = np.array(x)
    xe.attach_grad()
    with autograd.record(train_mode=False):
        y = layer(xe)
    y.backward(np.array(head))
    yt, gxt = _run_torch(reference, x, head)
    _close(y.asnumpy(), yt)
    _close(xe.grad.asnumpy(), gxt)
    _close(layer.gamma.grad().asnumpy(), reference.weight.grad.numpy())


def test_layer_norm_matches_torch():
    x = _random((4, 3, 6))
    head = _random(x.shape, 1)
    layer = nn.LayerNorm(in_channels=6)
    layer.initialize()
    gamma, beta = _random((6,), 2), _random((6,), 3)
    layer.gamma.set_data(gamma)
    layer.beta.set_data(beta)
    y, gx = _run_engine(layer, x, head)
    gt = torch.tensor(gamma, requires_grad=True)
    bt = torch.tensor(beta, requires_grad=True)
    yt, gxt = _run_torch(lambda xt, g, b: F.layer_norm(xt, (6,), g, b, eps=1e-5), x, head, gt, bt)
    _close(y, yt)
    _close(gx, gxt)
    _close(layer.gamma.grad().asnumpy(), gt.grad.numpy())
    _close(layer.beta.grad().asnumpy(), bt.grad.numpy())


def test_embedding_matches_torch():
    layer = nn.Embedding(7, 3)
    layer.initialize()
    table = layer.weight.data().asnumpy()
    indices = onp.array([[1, 6, 1], [0, 1, 3]])
    head = _random((2, 3, 3), 1)
    with autograd.record():
        y = layer(np.array(indices))
    y.backward(np.array(head))
    weight = torch.tensor(table, requires_grad=True)
    yt = F.embedding(torch.tensor(indices), weight)
    yt.backward(torch.tensor(head))
    _close(y.asnumpy(), yt.detach().numpy())
    _close(layer.weight.grad().asnumpy(), weight.grad.numpy())


def test_leaky_relu_matches_torch():
    x = _random((3, 4))
    head = _random(x.shape, 1)
    y, gx = _run_engine(nn.LeakyReLU(0.1), x, head)
    yt, gxt = _run_torch(lambda xt: F.leaky_relu(xt, 0.1), x, head)
    _close(y, yt)
    _close(gx, gxt)


@pytest.mark.parametrize(
    "layer, torch_fn",
    [
        (nn.ELU(0.5), lambda xt: F.elu(xt, 0.5)),
        (nn.SELU(), F.selu),
        (nn.GELU(), F.gelu),
        (nn.Swish(), F.silu),
    ],
)
def test_other_activations_match_torch(layer, torch_fn):
    x = _random((3, 5)) * 2
    head = _random(x.shape, 1)
    y, gx = _run_engine(layer, x, head)
    yt, gxt = _run_torch(torch_fn, x, head)
    _close(y, yt)
    _close(gx, gxt)
