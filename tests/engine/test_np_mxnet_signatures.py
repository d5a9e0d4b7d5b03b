"""``engine.np``/``engine.npx`` functions take MXNet 1.9.1's parameters.

``fixtures/mxnet_1.9.1_np_signatures.json`` holds ``str(inspect.signature(f))``
of every public function of ``mxnet.np``, ``mxnet.npx``, ``mxnet.np.random``
and ``mxnet.np.linalg``, recorded from MXNet 1.9.1 (pip ``mxnet==1.9.1``).
"""

from __future__ import annotations

import inspect
import json
import pathlib

import numpy as onp
import pytest

from engine import autograd, np, npx

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "mxnet_1.9.1_np_signatures.json"
MXNET = json.loads(FIXTURE.read_text())
NAMESPACES = {"np": np, "npx": npx, "np.random": np.random, "np.linalg": np.linalg}
# MXNet passes ctx/dtype through **kwargs here; the engine names them.
NAMED_INSTEAD_OF_KWARGS = {"np.eye", "np.random.rand", "np.random.randn"}
# Engine additions after MXNet's parameters (MXNet 2.x's ``device``, NumPy's ``copy``).
ENGINE_EXTRAS = {"device", "copy", "full_matrices", "dtype", "ctx"}


def _parameter_names(text: str) -> list:
    params, depth, current = [], 0, ""
    for char in text[text.index("(") + 1 : text.rindex(")")]:
        depth += char in "([{<"
        depth -= char in ")]}>"
        if char == "," and depth == 0:
            params.append(current)
            current = ""
        else:
            current += char
    params.append(current)
    return [p.split("=")[0].split(":")[0].strip() for p in params if p.strip()]


def _engine_functions():
    for qualified in sorted(MXNET):
        namespace, _, name = qualified.rpartition(".")
        module = NAMESPACES[namespace]
        if name in vars(module) and callable(vars(module)[name]):
            yield qualified, vars(module)[name]


ENGINE_FUNCTIONS = dict(_engine_functions())


def test_the_fixture_covers_the_functions_learners_use():
    for name in (
        "np.round",
        "np.sum",
        "np.add",
        "np.mean",
        "np.clip",
        "npx.softmax",
        "npx.relu",
        "npx.pick",
        "npx.batch_norm",
        "npx.waitall",
        "npx.one_hot",
        "npx.activation",
        "npx.convolution",
        "npx.pooling",
        "npx.embedding",
    ):
        assert name in ENGINE_FUNCTIONS


@pytest.mark.parametrize("qualified", sorted(ENGINE_FUNCTIONS))
def test_parameters_are_mxnets_in_mxnets_order(qualified):
    mxnet = _parameter_names(MXNET[qualified])
    engine = _parameter_names(str(inspect.signature(ENGINE_FUNCTIONS[qualified])))
    if qualified in NAMED_INSTEAD_OF_KWARGS:
        mxnet = [p for p in mxnet if p != "**kwargs"]
    assert engine[: len(mxnet)] == mxnet
    assert set(engine[len(mxnet) :]) <= ENGINE_EXTRAS


X = [[1.23456, -2.5], [3.0, 0.5]]


def test_round_takes_decimals_like_mxnet():
    x = np.array(X)
    assert onp.allclose(np.round(x, 4).asnumpy(), onp.round(onp.array(X, "f4"), 4))
    assert onp.allclose(np.around(x, decimals=2).asnumpy(), onp.round(onp.array(X, "f4"), 2))
    assert np.round(x).asnumpy().tolist() == [[1.0, -2.0], [3.0, 0.0]]


def test_mxnet_keyword_names_work():
    x = np.array(X)
    y = np.ones((2, 2))
    out = np.zeros((2, 2))
    assert np.add(x1=x, x2=y, out=out) is out
    assert (out.asnumpy() == onp.array(X, "f4") + 1).all()
    assert np.sum(a=x, axis=0, keepdims=True).shape == (1, 2)
    assert float(np.sum(x, initial=10)) == pytest.approx(10 + onp.sum(X), rel=1e-6)
    assert np.mean(x, 0, None, None, True).shape == (1, 2)  # MXNet's positional order
    assert np.max(a=x, axis=1).shape == (2,)
    assert np.std(a=x, ddof=1).shape == ()
    assert np.argmax(a=x, axis=1).asnumpy().tolist() == [0, 0]
    assert np.clip(a=x, a_min=0, a_max=1).asnumpy().max() == 1
    assert np.exp(x=x, out=out) is out
    assert np.reshape(a=x, newshape=(4,)).shape == (4,)
    assert np.transpose(a=x, axes=(1, 0)).shape == (2, 2)
    assert np.expand_dims(a=x, axis=0).shape == (1, 2, 2)
    assert np.concatenate(seq=[x, y], axis=0).shape == (4, 2)
    assert np.split(ary=x, indices_or_sections=2)[0].shape == (1, 2)
    assert np.tile(A=x, reps=2).shape == (2, 4)
    assert np.broadcast_to(array=np.ones(2), shape=(3, 2)).shape == (3, 2)
    assert np.flip(m=x, axis=0).asnumpy()[0].tolist() == [3.0, 0.5]
    assert np.dot(a=x, b=y, out=out) is out
    assert np.size(a=x, axis=1) == 2
    assert bool(np.array_equal(a1=x, a2=x))
    assert len(np.where(np.array([0, 1, 1]))[0]) == 2
    assert np.zeros_like(a=x, out=out) is out and out.asnumpy().sum() == 0
    assert npx.relu(data=x).asnumpy().min() == 0
    assert npx.softmax(data=x, axis=-1).shape == (2, 2)
    assert npx.log_softmax(data=x, axis=0).shape == (2, 2)
    assert npx.pick(data=x, index=np.array([1, 0]), axis=1).asnumpy().tolist() == [-2.5, 3.0]
    assert npx.one_hot(indices=np.array([0, 1]), depth=3).shape == (2, 3)
    assert npx.batch_flatten(data=np.ones((2, 3, 4))).shape == (2, 12)
    assert npx.fully_connected(data=x, weight=y, bias=np.zeros(2), num_hidden=2).shape == (2, 2)


def test_unknown_keyword_is_a_clear_type_error():
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['decimal'\]"):
        np.round(np.array(X), decimal=2)


def test_wrappers_keep_gradients():
    x = np.array(X)
    x.attach_grad()
    with autograd.record():
        y = np.sum(a=np.multiply(x1=x, x2=x))
    y.backward()
    assert onp.allclose(x.grad.asnumpy(), 2 * onp.array(X, "f4"))
