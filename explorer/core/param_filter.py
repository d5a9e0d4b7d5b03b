"""The tree's filter: ``net.collect_params(pattern)`` semantics, with a time limit.

``collect_params`` matches with Python's ``re``, whose backtracking can take
hours on a pattern like ``(\\w+)*_bias$`` against nested names. The filter box
runs on the GUI thread, so it matches with the ``regex`` package instead
(the same syntax and ``match`` semantics for these patterns, plus a
``timeout``), giving up with :class:`FilterError` after a budget well under a
second instead of freezing the window.
"""

from __future__ import annotations

import time

import regex

__all__ = ["FilterError", "match_parameters", "FILTER_BUDGET_S"]

FILTER_BUDGET_S = 0.15


class FilterError(ValueError):
    """The pattern is invalid or too slow; the message says which, for the filter box."""


def match_parameters(net, pattern: str, budget_s: float = FILTER_BUDGET_S) -> list:
    """The parameters ``net.collect_params(pattern)`` would return, in its order.

    Raises
    ------
    FilterError
        ``pattern`` is not a valid regular expression, or matching it against
        the names takes longer than ``budget_s`` in all.
    """
    try:
        compiled = regex.compile(pattern)
    except (regex.error, OverflowError, RecursionError, ValueError) as exc:
        raise FilterError(f"Invalid regular expression: {exc}") from None
    deadline = time.monotonic() + budget_s
    selected = []
    for name, param in net.collect_params().items():
        remaining = deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise TimeoutError
            if compiled.match(name, timeout=remaining):
                selected.append(param)
        except TimeoutError:
            raise FilterError(
                f"Pattern too slow: matching it against the parameter names took over "
                f"{budget_s:.2f} s (nested repeats such as (\\w+)* backtrack); "
                f"simplify it, e.g. .*_bias$"
            ) from None
    return selected
