"""Central finite differences for checking an op's backward (float64 throughout)."""

from __future__ import annotations

import numpy as onp

from engine import autograd, np


def numeric_and_analytic(fn, *inputs, seed: int = 0, eps: float = 1e-6):
    """Return [(numeric, analytic)] gradients of ``sum(fn(*inputs) * w)`` per input.

    ``w`` is a fixed random weighting, so every output element matters and a
    backward that mixes up positions is caught.
    """
    rng = onp.random.default_rng(seed)
    values = [onp.array(v, dtype=onp.float64, order="C") for v in inputs]
    probe = fn(*[np.array(v) for v in values])
    weights = rng.normal(size=probe.shape)

    def objective(arrays):
        return float((fn(*[np.array(a) for a in arrays]).asnumpy() * weights).sum())

    numeric = []
    for value in values:
        grad = onp.zeros_like(value)
        flat = value.reshape(-1)
        for k in range(flat.size):
            saved = flat[k]
            flat[k] = saved + eps
            plus = objective(values)
            flat[k] = saved - eps
            minus = objective(values)
            flat[k] = saved
            grad.reshape(-1)[k] = (plus - minus) / (2 * eps)
        numeric.append(grad)

    arrays = [np.array(v) for v in values]
    for a in arrays:
        a.attach_grad()
    with autograd.record():
        out = fn(*arrays)
        total = (out * np.array(weights)).sum()
    total.backward()
    return [(n, a.grad.asnumpy()) for n, a in zip(numeric, arrays)]


def assert_gradients_match(fn, *inputs, rtol=1e-5, atol=1e-6, seed=0):
    for i, (numeric, analytic) in enumerate(numeric_and_analytic(fn, *inputs, seed=seed)):
        onp.testing.assert_allclose(
            analytic,
            numeric,
            rtol=rtol,
            atol=atol,
            err_msg=f"gradient of input {i} differs from finite differences",
        )
