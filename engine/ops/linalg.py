"""Matrix products. ``dot`` follows NumPy: 1-D·1-D inner, 2-D matmul, N-D·1-D/2-D
contracts the last axis of the first operand; all of these are differentiable.
"""

from __future__ import annotations

import numpy as _onp

from ._common import attach, data, result, tape_entries, unbroadcast


def _matmul_backward(ad, bd, g):
    """Gradients of ``a @ b`` for operands of rank >= 1 (NumPy matmul rules)."""
    if ad.ndim == 1 and bd.ndim == 1:
        return g * bd, g * ad
    a2 = ad[None, :] if ad.ndim == 1 else ad
    b2 = bd[:, None] if bd.ndim == 1 else bd
    g2 = g
    if ad.ndim == 1:
        g2 = _onp.expand_dims(g2, -2)
    if bd.ndim == 1:
        g2 = _onp.expand_dims(g2, -1)
    ga = g2 @ _onp.swapaxes(b2, -1, -2)
    gb = _onp.swapaxes(a2, -1, -2) @ g2
    ga = unbroadcast(ga, a2.shape)
    gb = unbroadcast(gb, b2.shape)
    return ga.reshape(ad.shape), gb.reshape(bd.shape)


def matmul(a, b):
    ad, bd = data(a), data(b)
    out = result(_onp.matmul(ad, bd))
    entries = tape_entries((a, b))
    if entries is not None:

        def backward(g):
            ga, gb = _matmul_backward(ad, bd, g)
            return (ga if entries[0] is not None else None, gb if entries[1] is not None else None)

        attach(out, entries, backward, [v for v in (a, b) if hasattr(v, "_vc")], "matmul")
    return out


def dot(a, b):
    ad, bd = data(a), data(b)
    if _onp.ndim(ad) == 0 or _onp.ndim(bd) == 0:
        from .arithmetic import multiply

        return multiply(a, b)
    if bd.ndim <= 2:
        # With a 1-D or 2-D second operand, dot and matmul agree.
        return matmul(a, b)
    if tape_entries((a, b)) is not None:
        raise NotImplementedError(
            "np.dot with a 3-D or higher second operand has no gradient in the engine; "
            "reshape to 2-D or use np.matmul inside autograd.record()"
        )
    return result(_onp.dot(ad, bd))


def outer(a, b):
    from .shape import reshape

    return matmul(reshape(a, (-1, 1)), reshape(b, (1, -1)))


def inner(a, b):
    from .shape import swapaxes

    bd = data(b)
    if bd.ndim <= 1:
        return matmul(a, b)
    return matmul(a, swapaxes(b, -1, -2))
