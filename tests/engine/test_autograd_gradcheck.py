"""Every differentiable op's backward against central finite differences."""

from __future__ import annotations

import numpy as onp
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from engine import np, npx
from tests.engine.gradcheck import assert_gradients_match

FLOATS = st.floats(-2.0, 2.0, allow_nan=False, width=64)
SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


def arrays(shape, elements=FLOATS):
    return hnp.arrays(onp.float64, shape, elements=elements)


def broadcast_pair():
    """Two shapes that broadcast together (one may have size-1 or missing axes)."""
    return SHAPES.flatmap(
        lambda shape: st.tuples(
            st.just(shape),
            st.lists(st.booleans(), min_size=len(shape), max_size=len(shape)).map(
                lambda ones: tuple(1 if o else n for o, n in zip(ones, shape))
            ),
            st.integers(0, len(shape) - 1),
        )
    ).map(lambda t: (t[0], t[1][t[2] :]))


SETTINGS = settings(max_examples=30, deadline=None)


@SETTINGS
@given(
    broadcast_pair().flatmap(lambda s: st.tuples(arrays(s[0]), arrays(s[1]))),
    st.sampled_from(["add", "subtract", "multiply", "maximum", "minimum"]),
)
def test_binary_ops_with_broadcasting(pair, name):
    a, b = pair
    if name in ("maximum", "minimum"):
        b = b + 0.37  # keep values apart: the derivative jumps where they tie
    op = getattr(np, name)
    assert_gradients_match(op, a, b)
    assert_gradients_match(lambda x, y: op(y, x), a, b)


@SETTINGS
@given(
    broadcast_pair().flatmap(
        lambda s: st.tuples(arrays(s[0]), arrays(s[1], elements=st.floats(0.5, 2.0)))
    )
)
def test_divide_and_power_with_broadcasting(pair):
    a, b = pair
    assert_gradients_match(lambda x, y: x / y, a, b)
    assert_gradients_match(lambda x, y: y**x, a, b)
    assert_gradients_match(lambda x, y: (x * x + 1) ** y, a, b)


UNARY = {
    "exp": (np.exp, FLOATS),
    "log": (np.log, st.floats(0.2, 3.0)),
    "sqrt": (np.sqrt, st.floats(0.2, 3.0)),
    "square": (np.square, FLOATS),
    "tanh": (np.tanh, FLOATS),
    "sin": (np.sin, FLOATS),
    "cos": (np.cos, FLOATS),
    "negative": (np.negative, FLOATS),
    "abs": (np.abs, st.floats(0.1, 2.0).flatmap(lambda v: st.sampled_from([v, -v]))),
    "sigmoid": (npx.sigmoid, FLOATS),
    "relu": (npx.relu, st.floats(0.05, 2.0).flatmap(lambda v: st.sampled_from([v, -v]))),
    "log1p": (np.log1p, st.floats(-0.5, 2.0)),
    "expm1": (np.expm1, FLOATS),
    "reciprocal": (np.reciprocal, st.floats(0.3, 2.0)),
}


@SETTINGS
@given(st.sampled_from(sorted(UNARY)), SHAPES, st.data())
def test_unary_ops(name, shape, data):
    fn, elements = UNARY[name]
    x = data.draw(arrays(shape, elements))
    assert_gradients_match(fn, x)


@pytest.mark.parametrize("act", ["relu", "sigmoid", "tanh", "softrelu", "softsign"])
def test_activation_op(act):
    x = onp.random.default_rng(1).normal(size=(3, 5))
    x[onp.abs(x) < 0.05] = 0.3
    assert_gradients_match(lambda v: npx.activation(v, act_type=act), x)


@SETTINGS
@given(
    SHAPES.flatmap(
        lambda s: st.tuples(
            arrays(s),
            st.sampled_from([None] + list(range(len(s))) + [tuple(range(len(s)))]),
            st.booleans(),
        )
    ),
    st.sampled_from(["sum", "mean", "max", "min", "prod", "var", "std"]),
)
def test_reductions(args, name):
    x, axis, keepdims = args
    if name in ("max", "min"):
        # distinct values: the derivative of max jumps where two elements tie
        x = x + onp.arange(x.size).reshape(x.shape) * 0.01
        # ... and stays put within the finite-difference step (the offsets above can bring
        # two values within 1e-8 of each other, e.g. 0.01 + 0.01 and 0 + 0.02)
        assume(x.size < 2 or onp.diff(onp.sort(x, axis=None)).min() > 1e-4)
    if name == "std":
        # std is not differentiable where it is 0 (a group of one element)
        assume(x.size // max(onp.std(x, axis=axis).size, 1) > 1)
        x = x + onp.arange(x.size).reshape(x.shape) * 0.1
    fn = getattr(np, name)
    assert_gradients_match(lambda v: fn(v, axis=axis, keepdims=keepdims), x, rtol=1e-4, atol=1e-5)


@SETTINGS
@given(
    hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=5).flatmap(
        lambda s: st.tuples(arrays(s), arrays((s[1], 3)))
    )
)
def test_dot_and_matmul(pair):
    a, b = pair
    assert_gradients_match(np.dot, a, b)
    assert_gradients_match(lambda x, y: x @ y, a, b)


def test_dot_vector_cases():
    rng = onp.random.default_rng(2)
    v, w, m = rng.normal(size=4), rng.normal(size=4), rng.normal(size=(4, 3))
    assert_gradients_match(np.dot, v, w)
    assert_gradients_match(np.dot, v, m)
    assert_gradients_match(np.dot, m.T, v)
    assert_gradients_match(np.matmul, rng.normal(size=(2, 3, 4)), rng.normal(size=(4, 2)))


@SETTINGS
@given(
    arrays((2, 3, 4)),
    st.sampled_from(
        [
            (0,),
            (slice(1, 3),),
            (Ellipsis, 1),
            (slice(None), slice(None, None, -1)),
            (onp.array([0, 1, 1]),),
            (onp.array([[True, False, True], [False, True, True]]),),
            (1, onp.array([2, 0, 2])),
        ]
    ),
)
def test_indexing_including_repeated_indices(x, key):
    assert_gradients_match(lambda v: v[key], x)


def test_setitem_inside_record_sends_gradients_to_both_sides():
    rng = onp.random.default_rng(3)
    base, patch = rng.normal(size=(3, 4)), rng.normal(size=(4,))

    def fn(b, p):
        out = b * 1.0
        out[1] = p * 2
        return out

    assert_gradients_match(fn, base, patch)


@SETTINGS
@given(
    arrays((2, 3, 4)),
    st.sampled_from(
        [
            ("reshape", (4, 6)),
            ("reshape", (-1,)),
            ("transpose", None),
            ("transpose", (1, 0, 2)),
            ("swapaxes", (0, 2)),
            ("expand_dims", 1),
            ("flip", 1),
            ("tile", (2, 1, 1)),
            ("repeat", 2),
            ("broadcast_to", (3, 2, 3, 4)),
            ("clip", (-0.5, 0.5)),
        ]
    ),
)
def test_shape_ops(x, case):
    name, arg = case
    if name == "clip":
        x = onp.where(onp.abs(onp.abs(x) - 0.5) < 0.02, 0.1, x)
        fn = lambda v: np.clip(v, *arg)  # noqa: E731
    elif name == "repeat":
        fn = lambda v: np.repeat(v, arg, axis=1)  # noqa: E731
    elif name == "swapaxes":
        fn = lambda v: np.swapaxes(v, *arg)  # noqa: E731
    elif arg is None:
        fn = getattr(np, name)
    else:
        fn = lambda v: getattr(np, name)(v, arg)  # noqa: E731
    assert_gradients_match(fn, x)


def test_concatenate_stack_split_where():
    rng = onp.random.default_rng(4)
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    assert_gradients_match(lambda x, y: np.concatenate([x, y, x], axis=1), a, b)
    assert_gradients_match(lambda x, y: np.stack([x, y], axis=0), a, b)
    assert_gradients_match(lambda x: np.split(x, 3, axis=1)[1] * 3, a)
    cond = np.array(a > 0)
    assert_gradients_match(lambda x, y: np.where(cond, x, y), a, b)


def test_softmax_log_softmax_and_fully_connected():
    rng = onp.random.default_rng(5)
    x = rng.normal(size=(3, 5))
    assert_gradients_match(lambda v: npx.softmax(v, axis=-1), x)
    assert_gradients_match(lambda v: npx.softmax(v, axis=0), x)
    assert_gradients_match(lambda v: npx.log_softmax(v), x)
    w, b = rng.normal(size=(4, 5)), rng.normal(size=(4,))
    for act in (None, "relu", "tanh", "sigmoid", "softrelu", "softsign"):
        assert_gradients_match(
            lambda v, ww, bb, act=act: npx.fully_connected(v, ww, bb, act_type=act), x, w, b
        )
    x4 = rng.normal(size=(2, 1, 2, 5))
    w10 = rng.normal(size=(3, 10))
    assert_gradients_match(lambda v, ww: npx.fully_connected(v, ww, no_bias=True), x4, w10)


def test_parameter_used_twice_gets_the_sum_of_both_uses():
    rng = onp.random.default_rng(6)
    x, w = rng.normal(size=(2, 3)), rng.normal(size=(3, 3))

    def twice(v, ww):
        h = npx.fully_connected(v, ww, no_bias=True, act_type="tanh")
        return npx.fully_connected(h, ww, no_bias=True) * np.dot(v, ww)

    assert_gradients_match(twice, x, w)
