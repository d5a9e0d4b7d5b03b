"""Argument checks shared by the generators, with messages that name the argument."""

from __future__ import annotations


def check_count(name: str, value, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise ValueError if it is not an integer >= minimum."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_noise(noise) -> float:
    """Return ``noise`` as a float, or raise ValueError if it is negative."""
    value = float(noise)
    if not value >= 0.0:  # also rejects NaN
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    return value
