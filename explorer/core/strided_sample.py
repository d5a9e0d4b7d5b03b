"""Which values a histogram of a large array counts: every ``k``-th, every column seen."""

from __future__ import annotations

import math

__all__ = ["sample_step"]


def sample_step(shape: tuple, limit: int) -> int:
    """Every how many elements to count so that at most ``limit`` are (1: all).

    The step is made coprime with the size of a row (all axes but the first),
    so successive rows are sampled at shifted positions and every column is
    represented: a step of 16 in 4096-wide rows would only ever see columns
    0, 16, 32, ...
    """
    size = math.prod(shape)
    step = max(1, math.ceil(size / limit))
    row_length = size // shape[0] if len(shape) >= 2 and shape[0] else 1
    while step > 1 and math.gcd(step, row_length) != 1:
        step += 1
    return step
