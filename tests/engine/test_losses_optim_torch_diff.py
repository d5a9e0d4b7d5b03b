"""Losses and one optimizer step against PyTorch, from the same weights.

Where Gluon's formula differs from PyTorch's, hyper-parameters are mapped so
both compute the same thing (noted at each test); exact Gluon formulas are
checked by hand-written references in test_optimizers.py.
"""

from __future__ import annotations

import math

import numpy as onp
import pytest

from engine import autograd, np
from engine.gluon import Parameter, Trainer, loss

torch = pytest.importorskip("torch")

RNG = onp.random.default_rng(7)
F32 = {"rtol": 1e-5, "atol": 1e-6}


def _engine_value_and_grad(loss_fn, pred, *rest):
    x = np.array(pred)
    x.attach_grad()
    with autograd.record():
        out = loss_fn(x, *[np.array(r) for r in rest])
    out.backward()
    return out.asnumpy(), x.grad.asnumpy()


def _torch_value_and_grad(torch_fn, pred, *rest):
    x = torch.tensor(pred, requires_grad=True)
    out = torch_fn(x, *[torch.tensor(r) for r in rest])
    out.sum().backward()
    return out.detach().numpy(), x.grad.numpy()


def _compare(engine_pair, torch_pair):
    for got, want in zip(engine_pair, torch_pair):
        onp.testing.assert_allclose(got, want, **F32)


def test_softmax_cross_entropy_matches_torch():
    pred = RNG.normal(size=(8, 5)).astype(onp.float32) * 3
    label = RNG.integers(0, 5, size=8)
    _compare(
        _engine_value_and_grad(loss.SoftmaxCrossEntropyLoss(), pred, label),
        _torch_value_and_grad(
            lambda x, y: torch.nn.functional.cross_entropy(x, y, reduction="none"), pred, label
        ),
    )


def test_softmax_cross_entropy_dense_labels_match_torch():
    pred = RNG.normal(size=(4, 3)).astype(onp.float32)
    dist = RNG.dirichlet(onp.ones(3), size=4).astype(onp.float32)
    _compare(
        _engine_value_and_grad(loss.SoftmaxCrossEntropyLoss(sparse_label=False), pred, dist),
        _torch_value_and_grad(
            lambda x, y: torch.nn.functional.cross_entropy(x, y, reduction="none"), pred, dist
        ),
    )


def test_sigmoid_bce_matches_torch_per_sample_mean():
    pred = RNG.normal(size=(6, 4)).astype(onp.float32) * 4
    label = RNG.uniform(size=(6, 4)).astype(onp.float32)
    _compare(
        _engine_value_and_grad(loss.SigmoidBinaryCrossEntropyLoss(), pred, label),
        _torch_value_and_grad(
            lambda x, y: torch.nn.functional.binary_cross_entropy_with_logits(
                x, y, reduction="none"
            ).mean(dim=1),
            pred,
            label,
        ),
    )


def test_l2_and_l1_match_torch():
    pred = RNG.normal(size=(5, 3)).astype(onp.float32)
    label = RNG.normal(size=(5, 3)).astype(onp.float32)
    _compare(
        _engine_value_and_grad(loss.L2Loss(), pred, label),
        _torch_value_and_grad(lambda x, y: ((x - y) ** 2 / 2).mean(dim=1), pred, label),
    )
    _compare(
        _engine_value_and_grad(loss.L1Loss(), pred, label),
        _torch_value_and_grad(lambda x, y: (x - y).abs().mean(dim=1), pred, label),
    )


# -------------------------------------------------------------- optimizers
BATCH = 4


def _engine_steps(name, params, w0, grads):
    """Steps of a Trainer on one parameter whose summed gradient is ``g·BATCH``."""
    p = Parameter("w", shape=w0.shape)
    p.initialize()
    p.set_data(np.array(w0))
    trainer = Trainer([p], name, params)
    for g in grads:
        with autograd.record():
            out = (p.data() * np.array(g * BATCH)).sum()
        out.backward()
        trainer.step(BATCH)
    return p.data().asnumpy()


def _torch_steps(make_optimizer, w0, grads):
    w = torch.tensor(w0, requires_grad=True)
    opt = make_optimizer([w])
    for g in grads:
        opt.zero_grad()
        (w * torch.tensor(g)).sum().backward()
        opt.step()
    return w.detach().numpy()


def _case(steps=3):
    w0 = RNG.normal(size=(5, 4)).astype(onp.float32)
    return w0, [RNG.normal(size=(5, 4)).astype(onp.float32) for _ in range(steps)]


def test_sgd_matches_torch():
    w0, grads = _case()
    got = _engine_steps("sgd", {"learning_rate": 0.1, "wd": 0.01}, w0, grads)
    want = _torch_steps(lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.01), w0, grads)
    onp.testing.assert_allclose(got, want, **F32)


def test_sgd_momentum_matches_torch_with_constant_lr():
    # Gluon: v = m·v - lr·g, w += v; torch: b = m·b + g, w -= lr·b. Equal while lr is constant.
    w0, grads = _case()
    got = _engine_steps("sgd", {"learning_rate": 0.1, "momentum": 0.9}, w0, grads)
    want = _torch_steps(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), w0, grads)
    onp.testing.assert_allclose(got, want, **F32)


def test_nag_matches_torch_nesterov():
    w0, grads = _case()
    got = _engine_steps("nag", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}, w0, grads)
    want = _torch_steps(
        lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
        w0,
        grads,
    )
    onp.testing.assert_allclose(got, want, **F32)


def test_adam_one_step_matches_torch_with_mapped_epsilon():
    # Gluon adds epsilon to sqrt(v) before bias correction: torch's eps = ε / sqrt(1 - β2^t).
    w0, grads = _case(steps=1)
    eps = 1e-3
    got = _engine_steps("adam", {"learning_rate": 0.01, "epsilon": eps}, w0, grads)
    want = _torch_steps(
        lambda p: torch.optim.Adam(p, lr=0.01, eps=eps / math.sqrt(1 - 0.999)), w0, grads
    )
    onp.testing.assert_allclose(got, want, **F32)


def test_rmsprop_matches_torch_with_negligible_epsilon():
    # Gluon puts epsilon inside the square root, torch outside; with ε → 0 they agree.
    w0, grads = _case()
    got = _engine_steps(
        "rmsprop", {"learning_rate": 0.01, "gamma1": 0.9, "epsilon": 1e-20}, w0, grads
    )
    want = _torch_steps(lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-20), w0, grads)
    onp.testing.assert_allclose(got, want, **F32)


def test_centered_rmsprop_matches_torch_centered_momentum():
    # Gluon's gamma2 is torch's momentum (delta = gamma2·delta - lr·g/sqrt(...)).
    w0, grads = _case()
    got = _engine_steps(
        "rmsprop",
        {"learning_rate": 0.01, "centered": True, "gamma1": 0.9, "gamma2": 0.5, "epsilon": 1e-20},
        w0,
        grads,
    )
    want = _torch_steps(
        lambda p: torch.optim.RMSprop(
            p, lr=0.01, alpha=0.9, eps=1e-20, centered=True, momentum=0.5
        ),
        w0,
        grads,
    )
    onp.testing.assert_allclose(got, want, **F32)


def test_adagrad_matches_torch_with_negligible_epsilon():
    w0, grads = _case()
    got = _engine_steps("adagrad", {"learning_rate": 0.1, "eps": 1e-20}, w0, grads)
    want = _torch_steps(lambda p: torch.optim.Adagrad(p, lr=0.1, eps=1e-20), w0, grads)
    onp.testing.assert_allclose(got, want, **F32)


def test_training_step_of_an_mlp_matches_torch():
    from engine.gluon import nn

    sizes = (6, 5, 3)
    ws = [
        (RNG.normal(size=(o, i)).astype(onp.float32), RNG.normal(size=o).astype(onp.float32))
        for i, o in zip(sizes[:-1], sizes[1:])
    ]
    X = RNG.normal(size=(8, 6)).astype(onp.float32)
    y = RNG.integers(0, 3, size=8)
    net = nn.Sequential()
    net.add(nn.Dense(5, activation="tanh", in_units=6), nn.Dense(3, in_units=5))
    net.initialize()
    for layer, (w, b) in zip(net, ws):
        layer.weight.set_data(w)
        layer.bias.set_data(b)
    trainer = Trainer(net.collect_params(), "sgd", {"learning_rate": 0.5, "momentum": 0.9})
    model = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3))
    with torch.no_grad():
        for layer, (w, b) in zip([model[0], model[2]], ws):
            layer.weight.copy_(torch.tensor(w))
            layer.bias.copy_(torch.tensor(b))
    opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    ce = loss.SoftmaxCrossEntropyLoss()
    for _ in range(3):
        with autograd.record():
            value = ce(net(np.array(X)), np.array(y))
        value.backward()
        trainer.step(8)
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(torch.tensor(X)), torch.tensor(y)).backward()
        opt.step()
    for layer, torch_layer in zip(net, [model[0], model[2]]):
        onp.testing.assert_allclose(
            layer.weight.data().asnumpy(), torch_layer.weight.detach().numpy(), rtol=1e-4, atol=1e-5
        )
        onp.testing.assert_allclose(
            layer.bias.data().asnumpy(), torch_layer.bias.detach().numpy(), rtol=1e-4, atol=1e-5
        )
