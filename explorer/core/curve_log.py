"""Curves that grow by one number per step, kept in NumPy buffers.

A Python list of floats costs 32 bytes a value (the pointer and the float
object); ten minutes of a small net's training at 1,100 steps a second put
20 MB of loss values alone on the heap, and with the test curves and update
ratios the window's memory grew by a third. A :class:`CurveLog` keeps the
values in a buffer that grows by half when full, hands views to the plots
without a copy, and a plain list to the console (``session.history``).

A float log starts in float32, 4 bytes a value: a float32 model's losses
are float32 means, stored exactly. The first value that float32 cannot hold
exactly (a float64 model's loss, an accuracy such as 0.1) widens the log to
float64 for good, so every value reads back as it was appended.

Only appended to: a cleared or restored curve is a new object, so a
reference and a length (training_progress.py) pin down a curve's prefix.
"""

from __future__ import annotations

import math

import numpy as onp

__all__ = ["CurveLog", "StepCurve"]

FIRST_CAPACITY = 256
_FLOAT32 = onp.dtype(onp.float32)
_FLOAT32_MAX = float(onp.finfo(onp.float32).max)


class CurveLog:
    """A growing sequence of numbers: floats (float32, widened when needed) or int64 steps."""

    __slots__ = ("_buffer", "_size")

    def __init__(self, dtype=onp.float32, values=()) -> None:
        values = onp.asarray(values).ravel()
        if len(values) and values.dtype.kind == "f" and onp.dtype(dtype).kind == "f":
            dtype = onp.result_type(dtype, values.dtype)  # (a prefix keeps its width)
        self._buffer = onp.empty(max(FIRST_CAPACITY, len(values)), dtype)
        self._buffer[: len(values)] = values
        self._size = len(values)

    def append(self, value) -> None:
        size, buffer = self._size, self._buffer
        if size == len(buffer):
            self._buffer = buffer = self._resized(buffer.dtype, size + size // 2)
        if buffer.dtype is _FLOAT32:
            if _FLOAT32_MAX < abs(value) < math.inf:  # (would overflow to inf in float32)
                self._buffer = buffer = self._resized(onp.float64, len(buffer))
            else:
                buffer[size] = value
                # float32 holds it exactly, or the log widens (NaN: kept as it is)
                if float(buffer[size]) != value and value == value:
                    self._buffer = buffer = self._resized(onp.float64, len(buffer))
        buffer[size] = value
        self._size = size + 1

    def _resized(self, dtype, capacity: int) -> onp.ndarray:
        grown = onp.empty(capacity, dtype)
        grown[: self._size] = self._buffer[: self._size]
        return grown

    def __len__(self) -> int:
        return self._size

    def view(self) -> onp.ndarray:
        """The values so far, without a copy (read-only)."""
        values = self._buffer[: self._size]
        values.flags.writeable = False
        return values

    def tolist(self) -> list:
        """The values as plain Python numbers."""
        return self._buffer[: self._size].tolist()

    def prefix(self, n: int) -> CurveLog:
        """A new log holding the first ``n`` values."""
        return CurveLog(self._buffer.dtype, self._buffer[: min(n, self._size)])

    def __getitem__(self, index):
        return self.view()[index]

    def __repr__(self) -> str:
        return f"CurveLog({self.tolist()!r})"


class StepCurve:
    """``(step, value)`` pairs recorded at their own interval (update ratios)."""

    __slots__ = ("steps", "values")

    def __init__(self, steps: CurveLog | None = None, values: CurveLog | None = None) -> None:
        self.steps = steps if steps is not None else CurveLog(onp.int64)
        self.values = values if values is not None else CurveLog()

    def append(self, step: int, value: float) -> None:
        self.steps.append(step)
        self.values.append(value)

    def __len__(self) -> int:
        return len(self.steps)

    def prefix(self, n: int) -> StepCurve:
        return StepCurve(self.steps.prefix(n), self.values.prefix(n))

    def count_up_to(self, step: int, n: int) -> int:
        """How many of the first ``n`` pairs were recorded at ``step`` or before."""
        return int(onp.searchsorted(self.steps.view()[:n], step, side="right"))
