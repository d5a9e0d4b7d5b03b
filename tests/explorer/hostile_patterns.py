"""Hostile filter patterns for the tree's filter box, and how one is judged.

Patterns are built from the pieces that make regular expressions slow or
invalid (nested repeats, huge counts, unbalanced groups, backreferences,
lookarounds) around the names' own fragments. A pattern's outcome is
``matched`` (it ran within the budget), ``clean`` (refused with a
``FilterError`` message), ``hang`` (it took longer than the budget allows) or
``unexpected`` (any other exception escaped).
"""

from __future__ import annotations

import time

import numpy as onp

from engine import np
from engine.gluon import nn
from explorer.core.param_filter import FILTER_BUDGET_S, FilterError, match_parameters

OUTCOMES = ("matched", "clean", "hang", "unexpected")

PIECES = [
    "(", ")", "(?:", "(?=", "(?!", "(?<=", "(?P<g>", "(?P=g)", "\\1", "[", "]", "[^", "-",
    "\\w", "\\d", "\\W", ".", "+", "*", "?", "+?", "*+", "|", "^", "$", "{2}", "{1,}",
    "{99999999999}", "{,4294967296}", "\\", "_", "bias", "weight", "dense", "0",
    "sequential", "\\p{L}", "(?i)", "(?x)", "#", "\x00", "\u00e9", "\ud800", "{e<=2}",
]  # fmt: skip
# Slack over the budget for a pattern to still count as answered in time: one
# name's match may overrun the deadline by a little before the timeout fires.
HANG_AFTER_S = FILTER_BUDGET_S + 0.5


def nested_net():
    """Names like ``sequential1_sequential0_dense1_weight``: long, shared prefixes."""
    net = nn.Sequential()
    with net.name_scope():
        for _ in range(3):
            inner = nn.Sequential()
            with inner.name_scope():
                inner.add(nn.Dense(2, in_units=2), nn.Dense(2, in_units=2))
            net.add(inner)
    net.initialize()
    net(np.zeros((1, 2)))
    return net


def random_pattern(rng: onp.random.Generator) -> str:
    """A pattern of 1-30 pieces; now and then a whole pattern repeated or wrapped."""
    pattern = "".join(rng.choice(PIECES) for _ in range(int(rng.integers(1, 31))))
    roll = rng.random()
    if roll < 0.1:
        pattern = f"({pattern})*" * int(rng.integers(1, 4)) + "!"
    elif roll < 0.15:
        pattern = "(" * int(rng.integers(100, 5000)) + pattern
    return pattern


def run_pattern(
    net, pattern: str, hang_after_s: float = HANG_AFTER_S
) -> tuple[str, BaseException | None]:
    """Match ``pattern`` as the filter box does and judge the outcome (``hang``: it took
    longer than ``hang_after_s``)."""
    start = time.perf_counter()
    try:
        match_parameters(net, pattern)
        outcome, error = "matched", None
    except FilterError as exc:
        outcome, error = "clean", exc
    except Exception as exc:  # noqa: BLE001 - anything else is the finding
        return "unexpected", exc
    if time.perf_counter() - start > hang_after_s:
        return "hang", error
    return outcome, error
