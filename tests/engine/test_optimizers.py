"""Optimizers: MXNet 1.9.1 update formulas (hand-written references), registry, errors."""

from __future__ import annotations

import math

import numpy as onp
import pytest

from engine import np, optimizer
from engine.gluon import Parameter

RNG = onp.random.default_rng(1)


def _weight_and_grads(steps=3, shape=(4, 3)):
    w = RNG.normal(size=shape).astype(onp.float32)
    grads = [RNG.normal(size=shape).astype(onp.float32) * 5 for _ in range(steps)]
    return w, grads


def _run(opt, w0, grads):
    """Apply ``opt`` for each gradient through an Updater; return the weight after each step."""
    weight = np.array(w0)
    updater = optimizer.get_updater(opt)
    history = []
    for g in grads:
        updater(0, np.array(g), weight)
        history.append(weight.asnumpy())
    return history


def _check(history, reference):
    for got, want in zip(history, reference):
        onp.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6)


def _clip(x, c):
    return x if c is None else onp.clip(x, -c, c)


RESCALE, WD, CLIP = 0.5, 0.1, 1.5


@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize("clip", [None, CLIP])
def test_sgd_formula(momentum, clip):
    w0, grads = _weight_and_grads()
    lr = 0.2
    opt = optimizer.SGD(
        learning_rate=lr, momentum=momentum, wd=WD, rescale_grad=RESCALE, clip_gradient=clip
    )
    w, mom, ref = w0.astype(onp.float64), 0.0, []
    for g in grads:
        g = _clip(RESCALE * g, clip)
        if momentum:
            mom = momentum * mom - lr * WD * w - lr * g
            w = w + mom
        else:
            w = (1 - lr * WD) * w - lr * g
        ref.append(w)
    _check(_run(opt, w0, grads), ref)


@pytest.mark.parametrize("momentum", [0.0, 0.8])
def test_nag_formula(momentum):
    w0, grads = _weight_and_grads()
    lr = 0.1
    opt = optimizer.NAG(
        learning_rate=lr, momentum=momentum, wd=WD, rescale_grad=RESCALE, clip_gradient=CLIP
    )
    w, mom, ref = w0.astype(onp.float64), 0.0, []
    for g in grads:
        g = _clip(RESCALE * g, CLIP)
        if momentum:
            g = g + WD * w
            mom = momentum * mom + g
            w = w - lr * (g + momentum * mom)
        else:
            w = (1 - lr * WD) * w - lr * g
        ref.append(w)
    _check(_run(opt, w0, grads), ref)


@pytest.mark.parametrize("clip", [None, CLIP])
def test_adam_formula_bias_correction_in_lr(clip):
    w0, grads = _weight_and_grads()
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    opt = optimizer.Adam(learning_rate=lr, wd=WD, rescale_grad=RESCALE, clip_gradient=clip)
    w, m, v, ref = w0.astype(onp.float64), 0.0, 0.0, []
    for t, g in enumerate(grads, start=1):
        g = _clip(RESCALE * g + WD * w, clip)  # weight decay before clipping, as MXNet
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        lr_t = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        w = w - lr_t * m / (onp.sqrt(v) + eps)
        ref.append(w)
    _check(_run(opt, w0, grads), ref)


def test_adam_defaults_are_mxnet_defaults():
    opt = optimizer.create("adam")
    assert (opt.learning_rate, opt.beta1, opt.beta2, opt.epsilon) == (0.001, 0.9, 0.999, 1e-8)


@pytest.mark.parametrize("centered", [False, True])
def test_rmsprop_formula_epsilon_inside_sqrt(centered):
    w0, grads = _weight_and_grads()
    lr, g1, g2, eps = 0.01, 0.9, 0.9, 1e-8
    opt = optimizer.RMSProp(
        learning_rate=lr, centered=centered, wd=WD, rescale_grad=RESCALE, clip_weights=2.0
    )
    w, n, mg, delta, ref = w0.astype(onp.float64), 0.0, 0.0, 0.0, []
    for g in grads:
        g = RESCALE * g + WD * w
        n = (1 - g1) * g * g + g1 * n
        if centered:
            mg = (1 - g1) * g + g1 * mg
            delta = g2 * delta - lr * g / onp.sqrt(n - mg * mg + eps)
            w = w + delta
        else:
            w = w - lr * g / onp.sqrt(n + eps)
        w = onp.clip(w, -2.0, 2.0)
        ref.append(w)
    _check(_run(opt, w0, grads), ref)


def test_adagrad_formula():
    w0, grads = _weight_and_grads()
    lr, eps = 0.1, 1e-7
    opt = optimizer.AdaGrad(learning_rate=lr, wd=WD, rescale_grad=RESCALE, clip_gradient=CLIP)
    w, hist, ref = w0.astype(onp.float64), 0.0, []
    for g in grads:
        g = _clip(RESCALE * g, CLIP)
        hist = hist + g * g
        w = w - lr * (g / onp.sqrt(hist + eps) + WD * w)
        ref.append(w)
    _check(_run(opt, w0, grads), ref)


# ------------------------------------------------------- in place, versions
def test_update_writes_in_place_bumps_version_and_reuses_buffers():
    weight = np.array(RNG.normal(size=(3, 3)).astype(onp.float32))
    buffer_before = weight.asnumpy_view()
    grad = np.array(onp.ones((3, 3), onp.float32))
    grad_before = grad.asnumpy()
    opt = optimizer.Adam(learning_rate=0.1)
    updater = optimizer.get_updater(opt)
    version = weight.version
    updater(0, grad, weight)
    state = updater.states[0]
    scratch = dict(opt._scratch)
    updater(0, grad, weight)
    assert weight.asnumpy_view() is buffer_before
    assert weight.version == version + 2
    assert updater.states[0] is state  # state kept between steps
    assert all(opt._scratch[k] is v for k, v in scratch.items())  # no new work buffers
    onp.testing.assert_array_equal(grad.asnumpy(), grad_before)  # gradient left untouched


def test_lr_mult_and_wd_mult_come_from_param_dict():
    p = Parameter("w", shape=(2,), lr_mult=0.5, wd_mult=0.0)
    opt = optimizer.SGD(learning_rate=0.4, wd=1.0, param_dict={0: p})
    assert opt._get_lr(0) == pytest.approx(0.2)
    assert opt._get_wd(0) == 0.0
    p.lr_mult = 2.0  # read live, not copied
    assert opt._get_lr(0) == pytest.approx(0.8)


# ------------------------------------------------------- registry and errors
def test_create_is_case_insensitive_and_lists_valid_names_on_error():
    assert isinstance(optimizer.create("SGD", learning_rate=0.1), optimizer.SGD)
    with pytest.raises(ValueError, match="^Cannot find optimizer adamw$"):
        optimizer.create("adamw")


def test_register_a_custom_optimizer():
    @optimizer.register
    class HalfStep(optimizer.Optimizer):
        def update(self, index, weight, grad, state):
            weight[:] = weight - 0.5 * grad

    try:
        opt = optimizer.create("halfstep")
        weight = np.array([1.0])
        optimizer.get_updater(opt)(0, np.array([1.0]), weight)
        assert weight.asnumpy().tolist() == [0.5]
    finally:
        del optimizer.Optimizer.opt_registry["halfstep"]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "0.1", None])
def test_learning_rate_must_be_a_finite_number(bad):
    with pytest.raises(ValueError, match="learning rate must be a finite number"):
        optimizer.SGD(learning_rate=bad)
    opt = optimizer.SGD(learning_rate=0.1)
    with pytest.raises(ValueError, match="learning rate must be a finite number"):
        opt.set_learning_rate(bad)
    assert opt.learning_rate == 0.1


def test_lr_scheduler_drives_learning_rate_and_blocks_set_learning_rate():
    opt = optimizer.SGD(learning_rate=1.0, lr_scheduler=lambda n: 1.0 / (n + 1))
    weight = np.array([0.0])
    updater = optimizer.get_updater(opt)
    updater(0, np.array([1.0]), weight)  # num_update is 1 when the rate is read
    onp.testing.assert_allclose(weight.asnumpy(), [-0.5])
    with pytest.raises(UserWarning, match="LRScheduler"):
        opt.set_learning_rate(0.1)
