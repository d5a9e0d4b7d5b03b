"""One write path: every write moves ``version`` forward, inside and outside ``record()``."""

from __future__ import annotations

import subprocess

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import autograd, gluon, init, np
from engine.gluon import nn


def _layer():
    dense = nn.Dense(3, in_units=4)
    dense.initialize(init.Xavier())
    return dense


def test_only_one_place_moves_a_counter():
    pattern = "_vc.value " + "+="  # split, so this file is not a match itself
    found = subprocess.run(
        ["git", "grep", "-n", pattern],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    assert len(found) == 1 and found[0].startswith("engine/ndarray.py"), found


def test_recorded_setitem_through_data_moves_the_version():
    layer = _layer()
    weight = layer.weight
    w = weight.data()
    x = np.ones((3, 4))
    x.attach_grad()
    before = weight.version
    with autograd.record():
        w[:] = x * 2
    assert weight.version > before
    assert onp.allclose(weight.data().asnumpy(), 2.0)


def test_recorded_in_place_ops_never_move_the_version_back():
    layer = _layer()
    weight = layer.weight
    for _ in range(3):
        weight.data()[:] += 1
    x = np.ones((3, 4))
    x.attach_grad()
    seen = weight.version
    w = weight.data()
    with autograd.record():
        w *= 2
        assert weight.version > seen
        seen = weight.version
        w += x
        assert weight.version > seen
        seen = weight.version
    w[:] = 0
    assert weight.version > seen


def test_in_place_after_use_still_raises_at_backward():
    a = np.ones(3)
    a.attach_grad()
    with autograd.record():
        b = a * 1
        c = b * b
    b *= 2
    with pytest.raises(RuntimeError, match="modified in place"):
        c.backward()


def test_recorded_in_place_keeps_the_old_value_for_backward():
    a = np.array([1.0, 2.0, 3.0])
    a.attach_grad()
    with autograd.record():
        b = a * 1
        c = b**2
        b **= 2  # power saves its own output: its check must follow the take-over
        total = (b * c).sum()
    total.backward()
    assert onp.allclose(a.grad.asnumpy(), 4 * a.asnumpy() ** 3)


def test_fancymlp_style_halving_still_differentiates():
    x = np.array([3.0, -4.0])
    x.attach_grad()
    with autograd.record():
        y = x * 1
        while np.abs(y).sum() > 1:
            y /= 2
        out = y.sum()
    out.backward()
    assert onp.allclose(x.grad.asnumpy(), 1 / 8)


def test_copyto_and_out_write_through_the_write_path():
    dst = np.zeros((2, 2))
    version = dst.version
    np.copyto(dst, np.ones((2, 2)))
    assert dst.version > version and float(dst.sum()) == 4
    version = dst.version
    assert np.fmax(np.ones((2, 2)), 3, out=dst) is dst
    assert dst.version > version and float(dst.sum()) == 12
    total = np.zeros(())
    version = total.version
    assert np.sum(np.ones(3), out=total) is total
    assert total.version > version and float(total) == 3
    rows = np.zeros((2, 2))
    np.concatenate([np.ones((1, 2)), np.ones((1, 2))], out=rows)
    assert rows.version == 1 and float(rows.sum()) == 4


def test_parameter_copyto_moves_the_parameter_version():
    layer = _layer()
    version = layer.weight.version
    np.copyto(layer.weight.data(), np.zeros((3, 4)))
    assert layer.weight.version > version


def test_edited_since_init():
    layer = nn.Dense(3)
    assert not layer.weight.edited_since_init
    layer.initialize(init.Xavier())
    layer(np.ones((1, 4)))  # deferred initialization runs here
    assert not layer.weight.edited_since_init
    layer.weight.data()[:] += 1
    assert layer.weight.edited_since_init
    layer.weight.initialize(init.Normal(), force_reinit=True)
    assert not layer.weight.edited_since_init
    layer.weight.set_data(np.zeros((3, 4)))
    assert layer.weight.edited_since_init
    assert layer.weight.last_initializer is None


# ------------------------------------------------------------ property test
def _set_data(net, _):
    net.weight.set_data(np.ones((3, 4)))


def _setitem(net, recording):
    w = net.weight.data()
    if recording:
        x = np.ones((3, 4))
        x.attach_grad()
        with autograd.record():
            w[:] = x * 3
    else:
        w[:] = 3


def _iadd(net, recording):
    w = net.weight.data()
    if recording:
        x = np.ones((3, 4))
        x.attach_grad()
        with autograd.record():
            w += x
    else:
        w += 1


def _imul(net, recording):
    w = net.weight.data()
    if recording:
        with autograd.record():
            w *= net.weight.data()  # w tracked (a leaf with a gradient): recorded
    else:
        w *= 0.5


def _reinit(net, _):
    net.initialize(init.Normal(), force_reinit=True)


def _step(net, _):
    for param in net.collect_params().values():
        # After a recorded write the weight's array is the output of a finished graph;
        # training through it is another matter: make it a leaf again for this step.
        param.data()._node = None
    with autograd.record():
        loss = net(np.ones((2, 4))).sum()
    loss.backward()
    gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1}).step(2)


def _load(net, path):
    net.save_parameters(path)
    net.load_parameters(path)


_WRITES = [_set_data, _setitem, _iadd, _imul, _reinit, _step]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_WRITES)), st.booleans()), min_size=1, max_size=12))
def test_every_write_increases_the_version(tmp_path_factory, writes):
    net = _layer()
    path = str(tmp_path_factory.mktemp("load") / "dense.params")
    seen = net.weight.version
    for index, recording in writes:
        if index == len(_WRITES):
            _load(net, path)
        else:
            _WRITES[index](net, recording)
        assert net.weight.version > seen
        seen = net.weight.version
