"""Gluon losses: values, shapes, weighting, errors, reprs and finite-difference gradients."""

from __future__ import annotations

import numpy as onp
import pytest

from engine import autograd, np
from engine.base import MXNetError
from engine.gluon import HybridBlock, loss
from tests.engine.gradcheck import assert_gradients_match

RNG = onp.random.default_rng(0)


def _log_softmax(z, axis=-1):
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - onp.log(onp.exp(shifted).sum(axis=axis, keepdims=True))


# ------------------------------------------------------------------- reprs
def test_losses_are_hybrid_blocks_with_gluon_reprs():
    ce = loss.SoftmaxCrossEntropyLoss()
    assert isinstance(ce, HybridBlock)
    assert repr(ce) == "SoftmaxCrossEntropyLoss(batch_axis=0, w=None)"
    assert repr(loss.L2Loss()) == "L2Loss(batch_axis=0, w=1.0)"
    assert repr(loss.L1Loss(weight=2)) == "L1Loss(batch_axis=0, w=2)"
    assert repr(loss.SigmoidBCELoss()) == "SigmoidBinaryCrossEntropyLoss(batch_axis=0, w=None)"
    assert loss.SoftmaxCELoss is loss.SoftmaxCrossEntropyLoss
    assert ce.name.startswith("softmaxcrossentropyloss")


def test_weight_must_be_a_number():
    with pytest.raises(TypeError, match="weight must be a number"):
        loss.L2Loss(weight="big")


# --------------------------------------------------------------------- L2/L1
def test_l2_loss_is_half_squared_error_averaged_per_sample():
    pred = RNG.normal(size=(4, 3)).astype(onp.float32)
    label = RNG.normal(size=(4, 3)).astype(onp.float32)
    out = loss.L2Loss()(np.array(pred), np.array(label))
    assert out.shape == (4,)
    onp.testing.assert_allclose(out.asnumpy(), ((label - pred) ** 2 / 2).mean(axis=1), rtol=1e-6)


def test_l2_loss_reshapes_a_flat_label_like_gluon():
    pred = np.array([[1.0], [2.0], [3.0]])
    out = loss.L2Loss()(pred, np.array([1.0, 0.0, 5.0]))
    onp.testing.assert_allclose(out.asnumpy(), [0.0, 2.0, 2.0])


def test_l2_loss_with_weight_and_sample_weight():
    pred = np.array([[1.0, 2.0], [3.0, 4.0]])
    label = np.zeros((2, 2))
    out = loss.L2Loss(weight=4.0)(pred, label, np.array([[1.0], [0.5]]))
    # weight/2 = 2; row means of squares: 2.5 and 12.5; sample weights 1 and 0.5.
    onp.testing.assert_allclose(out.asnumpy(), [5.0, 12.5])


def test_l1_loss_is_mean_absolute_error():
    pred = np.array([[1.0, -2.0], [0.5, 0.5]])
    out = loss.L1Loss()(pred, np.array([[0.0, 0.0], [1.0, 1.0]]))
    onp.testing.assert_allclose(out.asnumpy(), [1.5, 0.5])


def test_label_with_other_size_is_a_clear_error():
    with pytest.raises(MXNetError, match=r"label shape \(5,\).*prediction shape \(4, 1\)"):
        loss.L2Loss()(np.zeros((4, 1)), np.zeros(5))


# ----------------------------------------------------------- softmax CE
def test_softmax_ce_matches_log_softmax_pick():
    pred = RNG.normal(size=(6, 5)).astype(onp.float32)
    label = RNG.integers(0, 5, size=6)
    out = loss.SoftmaxCrossEntropyLoss()(np.array(pred), np.array(label))
    expected = -_log_softmax(pred)[onp.arange(6), label]
    assert out.shape == (6,)
    assert out.dtype == onp.float32
    onp.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-5)


def test_softmax_ce_accepts_float_labels_and_column_labels():
    pred = RNG.normal(size=(4, 3)).astype(onp.float32)
    ce = loss.SoftmaxCrossEntropyLoss()
    a = ce(np.array(pred), np.array([0.0, 2.0, 1.0, 1.0])).asnumpy()
    b = ce(np.array(pred), np.array([[0], [2], [1], [1]], dtype="int32")).asnumpy()
    onp.testing.assert_allclose(a, b)


def test_softmax_ce_is_stable_for_huge_logits():
    out = loss.SoftmaxCrossEntropyLoss()(np.array([[1000.0, 0.0], [0.0, 1000.0]]), np.array([0, 0]))
    onp.testing.assert_allclose(out.asnumpy(), [0.0, 1000.0])


def test_softmax_ce_dense_labels_and_from_logits():
    pred = RNG.normal(size=(3, 4)).astype(onp.float32)
    dist = RNG.dirichlet(onp.ones(4), size=3).astype(onp.float32)
    dense = loss.SoftmaxCrossEntropyLoss(sparse_label=False)(np.array(pred), np.array(dist))
    onp.testing.assert_allclose(
        dense.asnumpy(), -(_log_softmax(pred) * dist).sum(axis=1), rtol=1e-5
    )
    logp = _log_softmax(pred)
    from_logits = loss.SoftmaxCrossEntropyLoss(from_logits=True)(
        np.array(logp), np.array([1, 0, 3])
    )
    onp.testing.assert_allclose(from_logits.asnumpy(), -logp[[0, 1, 2], [1, 0, 3]], rtol=1e-6)


def test_softmax_ce_class_axis_and_extra_axes_average_per_sample():
    pred = RNG.normal(size=(2, 3, 4)).astype(onp.float32)  # class axis 1
    label = RNG.integers(0, 3, size=(2, 4))
    out = loss.SoftmaxCrossEntropyLoss(axis=1)(np.array(pred), np.array(label))
    per_pos = -onp.take_along_axis(_log_softmax(pred, axis=1), label[:, None, :], 1)[:, 0]
    onp.testing.assert_allclose(out.asnumpy(), per_pos.mean(axis=1), rtol=1e-5)


def test_softmax_ce_sample_weight_and_weight():
    pred = RNG.normal(size=(3, 4)).astype(onp.float32)
    label = onp.array([0, 1, 2])
    plain = loss.SoftmaxCrossEntropyLoss()(np.array(pred), np.array(label)).asnumpy()
    weighted = loss.SoftmaxCrossEntropyLoss(weight=2.0)(
        np.array(pred), np.array(label), np.array([[1.0], [0.0], [3.0]])
    ).asnumpy()
    onp.testing.assert_allclose(weighted, plain * [2.0, 0.0, 6.0], rtol=1e-6)


@pytest.mark.parametrize("bad", [[0, 3], [-1, 0]])
def test_softmax_ce_out_of_range_label_is_a_clear_error(bad):
    with pytest.raises(ValueError, match=r"class indices in \[0, 2\]"):
        loss.SoftmaxCrossEntropyLoss()(np.zeros((2, 3)), np.array(bad))


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8", "uint32", "uint64"])
@pytest.mark.parametrize("bad", [[0, 3], [-1, 0], [1, 200]])
def test_softmax_ce_out_of_range_integer_label_is_a_clear_error(bad, dtype):
    labels = onp.array(bad).astype(dtype)  # (-1 wraps around in the unsigned types)
    with pytest.raises(ValueError, match=r"class indices in \[0, 2\]"):
        loss.SoftmaxCrossEntropyLoss()(np.zeros((2, 3)), np.array(labels))


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8", "uint64", "bool"])
def test_softmax_ce_integer_labels_of_any_dtype_pick_the_same_entries(dtype):
    pred = RNG.normal(size=(4, 3)).astype(onp.float32)
    labels = onp.array([1, 0, 1, 1])
    want = loss.SoftmaxCrossEntropyLoss()(np.array(pred), np.array(labels.astype(onp.float32)))
    got = loss.SoftmaxCrossEntropyLoss()(np.array(pred), np.array(labels.astype(dtype)))
    onp.testing.assert_array_equal(got.asnumpy(), want.asnumpy())


def test_softmax_ce_label_shape_mismatch_is_a_clear_error():
    with pytest.raises(MXNetError, match=r"label shape \(3,\).*prediction shape \(2, 3\)"):
        loss.SoftmaxCrossEntropyLoss()(np.zeros((2, 3)), np.array([0, 1, 2]))


def test_softmax_ce_backward_is_softmax_minus_onehot():
    pred = np.array(RNG.normal(size=(4, 3)).astype(onp.float32))
    pred.attach_grad()
    label = onp.array([2, 0, 1, 1])
    with autograd.record():
        out = loss.SoftmaxCrossEntropyLoss()(pred, np.array(label))
    out.backward()
    probs = onp.exp(_log_softmax(pred.asnumpy()))
    probs[onp.arange(4), label] -= 1
    onp.testing.assert_allclose(pred.grad.asnumpy(), probs, rtol=1e-5, atol=1e-7)


# -------------------------------------------------------------- sigmoid BCE
def test_sigmoid_bce_matches_formula_and_is_stable():
    x = onp.array([[-50.0, -1.0, 0.0, 2.0, 60.0]], dtype=onp.float32)
    z = onp.array([[1.0, 0.0, 1.0, 1.0, 0.0]], dtype=onp.float32)
    out = loss.SigmoidBinaryCrossEntropyLoss()(np.array(x), np.array(z))
    x64 = x.astype(onp.float64)
    expected = (onp.maximum(x64, 0) - x64 * z + onp.log1p(onp.exp(-abs(x64)))).mean(axis=1)
    assert onp.isfinite(out.asnumpy()).all()
    onp.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-6)


def test_sigmoid_bce_from_sigmoid_and_pos_weight():
    p = onp.array([[0.2, 0.9]], dtype=onp.float32)
    z = onp.array([[1.0, 0.0]], dtype=onp.float32)
    out = loss.SigmoidBCELoss(from_sigmoid=True)(np.array(p), np.array(z))
    expected = -(onp.log(p + 1e-12) * z + onp.log(1 - p + 1e-12) * (1 - z)).mean()
    onp.testing.assert_allclose(out.asnumpy(), [expected], rtol=1e-6)
    logits = onp.array([[0.3, -1.2]], dtype=onp.float32)
    weighted = loss.SigmoidBCELoss()(np.array(logits), np.array(z), None, np.array([[3.0, 3.0]]))
    sp = onp.log1p(onp.exp(-logits))  # softplus(-x)
    expected = (logits - logits * z + (1 + 2 * z) * sp).mean()
    onp.testing.assert_allclose(weighted.asnumpy(), [expected], rtol=1e-5)


# ---------------------------------------------------- finite differences
def _pred_label(shape, classes=None):
    pred = RNG.normal(size=shape)
    if classes is None:
        return pred, RNG.normal(size=shape)
    return pred, RNG.integers(0, classes, size=shape[:-1])


def test_gradcheck_softmax_ce_sparse():
    pred, label = _pred_label((4, 5), classes=5)
    assert_gradients_match(lambda p: loss.SoftmaxCrossEntropyLoss()(p, np.array(label)), pred)


def test_gradcheck_softmax_ce_axis1_with_sample_weight():
    pred = RNG.normal(size=(2, 3, 2))
    label = RNG.integers(0, 3, size=(2, 2))
    sw = RNG.uniform(size=(2, 1, 1))
    ce = loss.SoftmaxCrossEntropyLoss(axis=1, weight=0.7)
    assert_gradients_match(lambda p: ce(p, np.array(label), np.array(sw)), pred)


def test_gradcheck_softmax_ce_dense_label_wrt_both():
    pred = RNG.normal(size=(3, 4))
    dist = RNG.dirichlet(onp.ones(4), size=3)
    ce = loss.SoftmaxCrossEntropyLoss(sparse_label=False)
    assert_gradients_match(ce, pred, dist)
    assert_gradients_match(
        loss.SoftmaxCrossEntropyLoss(sparse_label=False, from_logits=True), pred, dist
    )


def test_gradcheck_softmax_ce_from_logits_sparse():
    pred, label = _pred_label((3, 4), classes=4)
    ce = loss.SoftmaxCrossEntropyLoss(from_logits=True)
    assert_gradients_match(lambda p: ce(p, np.array(label)), pred)


def test_gradcheck_sigmoid_bce_all_forms():
    pred = RNG.normal(size=(3, 4))
    label = RNG.uniform(size=(3, 4))
    assert_gradients_match(loss.SigmoidBCELoss(), pred, label)
    pw = np.array(RNG.uniform(0.5, 3, size=(1, 4)))
    assert_gradients_match(lambda p, z: loss.SigmoidBCELoss()(p, z, None, pw), pred, label)
    probs = RNG.uniform(0.1, 0.9, size=(3, 4))
    assert_gradients_match(loss.SigmoidBCELoss(from_sigmoid=True), probs, label, rtol=1e-4)


def test_gradcheck_l2_and_l1():
    pred, label = _pred_label((3, 4))
    assert_gradients_match(loss.L2Loss(weight=3.0), pred, label)
    assert_gradients_match(
        lambda p, z: loss.L1Loss()(p, z, np.array([[1.0], [2.0], [0.5]])), pred, label
    )


# ---------------------------------------------------------------- NaN check
def test_is_finite_detects_nan_and_inf():
    assert loss.is_finite(np.array([0.5, 2.0]))
    assert not loss.is_finite(np.array([0.5, onp.nan]))
    assert not loss.is_finite(np.array([onp.inf]))
