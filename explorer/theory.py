"""The spread an engine initializer promises, for the tensor view's histogram.

A thin adapter: the formulas live on the initializers themselves
(``Initializer.expected_spread(shape, name)`` returning an
``engine.initializer.Spread``); this module keeps the names the views use.
"""

from __future__ import annotations

from engine import init
from engine.initializer import Spread as TheoreticalSpread
from engine.initializer import xavier_scale

__all__ = ["TheoreticalSpread", "theoretical_spread", "xavier_scale"]


def theoretical_spread(initializer, shape, name: str = "") -> TheoreticalSpread | None:
    """The spread ``initializer`` gives a parameter of ``shape``, or None if unknown.

    Parameters
    ----------
    initializer : engine.init.Initializer or str or None
        Usually ``param.last_initializer``.
    shape : tuple of int
        The parameter's (known) shape.
    name : str
        The parameter's name, used by ``init.Mixed`` to pick its initializer.
    """
    if initializer is None:
        return None
    try:
        initializer = init.create(initializer)
    except (TypeError, ValueError):
        return None
    return initializer.expected_spread(tuple(int(d) for d in shape), name)
