"""What an initialization would give, before it is applied: histograms, theory, notes.

The preview draws from a :class:`~explorer.core.initialization.RandomDraw`
(a snapshot of the engine's random stream) and puts the stream back
afterwards, so applying from the same snapshot writes exactly the values
previewed. Parameters are drawn in the plan's order (each one's draw starts
where the previous one's ended), stopping at the one shown: a 4096×4096 weight
is drawn on its real shape, but its histogram is counted on a strided sample
of about a million values (the statistics stay exact).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine import autograd, init
from engine import np as engine_np

from ..theory import TheoreticalSpread, theoretical_spread
from .initialization import InitPlan, InitStep, RandomDraw, initializer_code, own_init_note

__all__ = [
    "ValueHistogram",
    "ParameterPreview",
    "value_histogram",
    "preview_plan",
    "preview_values",
    "theory_text",
    "HISTOGRAM_SAMPLE_LIMIT",
    "BINS",
]

HISTOGRAM_SAMPLE_LIMIT = 1 << 20
BINS = 60
KEEP_VALUES_LIMIT = 1 << 18  # elements: smaller previews keep their values (tests compare)


@dataclass(frozen=True)
class ValueHistogram:
    """Counts of one array's values in equal bins, with exact summary numbers.

    ``counts`` cover every ``sample_step``-th value (all when it is 1).
    """

    edges: np.ndarray
    counts: np.ndarray
    size: int
    mean: float
    std: float
    min: float
    max: float
    sample_step: int = 1

    def same_as(self, other: ValueHistogram) -> bool:
        """Equal bins, counts and numbers (what "the preview matches the values" means)."""
        return (
            np.array_equal(self.edges, other.edges)
            and np.array_equal(self.counts, other.counts)
            and (self.size, self.mean, self.std, self.min, self.max, self.sample_step)
            == (other.size, other.mean, other.std, other.min, other.max, other.sample_step)
        )


def value_histogram(values: np.ndarray, bins: int = BINS) -> ValueHistogram:
    """The histogram of ``values`` (finite ones), cheap on large arrays.

    ``min`` and ``max`` cover every value (they set the bins); the counts,
    ``mean`` and ``std`` cover every ``sample_step``-th value: a preview does
    not need more, and a 4096×4096 weight then costs milliseconds, not 0.1 s.
    """
    flat = np.asarray(values).reshape(-1)
    size = flat.size
    if size == 0:
        return ValueHistogram(np.array([0.0, 1.0]), np.zeros(1), 0, 0.0, 0.0, 0.0, 0.0)
    low, high = float(flat.min()), float(flat.max())
    step = max(1, math.ceil(size / HISTOGRAM_SAMPLE_LIMIT))
    sample = flat[::step]
    if not (math.isfinite(low) and math.isfinite(high)):
        sample = sample[np.isfinite(sample)]
        low, high = (float(sample.min()), float(sample.max())) if sample.size else (0.0, 1.0)
    exact_low, exact_high = low, high
    if high - low < 1e-12 * max(1.0, abs(low)):
        low, high = low - 0.5, high + 0.5  # a constant: one bar in the middle
    counts, edges = np.histogram(sample, bins=bins, range=(low, high))
    mean = float(sample.mean(dtype=np.float64)) if sample.size else 0.0
    std = float(sample.std(dtype=np.float64)) if sample.size else 0.0
    return ValueHistogram(edges, counts, size, mean, std, exact_low, exact_high, step)


_current_cache: dict = {}


def current_histogram(param, snapshot=None) -> ValueHistogram | None:
    """The histogram of ``param``'s values now (remembered until its version moves)."""
    key = (id(param), param.version, param.is_initialized)
    cached = _current_cache.get(id(param))
    if cached is not None and cached[0] == key:
        return cached[1]
    values = (
        snapshot(param)
        if snapshot is not None
        else (param.data().asnumpy() if param.is_initialized else None)
    )
    histogram = None if values is None else value_histogram(values)
    if len(_current_cache) > 256:
        _current_cache.clear()
    _current_cache[id(param)] = (key, histogram)
    return histogram


@dataclass
class ParameterPreview:
    """One target parameter: its histogram now and after, the theory, and notes.

    Attributes
    ----------
    proposed, current : ValueHistogram or None
        After the initialization; now (None while deferred).
    spread : TheoreticalSpread or None
        What the chosen initializer promises for this shape.
    theory : str
        The bound or std in words, with the fans used (Xavier).
    note : str or None
        Why Gluon keeps this parameter's own initializer, or why nothing is drawn.
    error : str or None
        The initializer refuses this parameter (Xavier on a vector).
    values : numpy array or None
        The proposed values, kept for parameters up to ``KEEP_VALUES_LIMIT`` elements
        and for the one shown.
    """

    path: str
    name: str
    shape: tuple
    chosen: object
    proposed: ValueHistogram | None = None
    current: ValueHistogram | None = None
    spread: TheoreticalSpread | None = None
    theory: str = ""
    note: str | None = None
    error: str | None = None
    values: np.ndarray | None = None


def _fans(shape: tuple) -> tuple:
    receptive = float(np.prod(shape[2:])) if len(shape) > 2 else 1.0
    return shape[1] * receptive, shape[0] * receptive


def theory_text(initializer, shape: tuple, name: str = "") -> str:
    """The spread ``initializer`` promises for ``shape``, in words, with the fans it uses."""
    initializer = init.create(initializer)
    if isinstance(initializer, init.Mixed):
        chosen = next((i for pattern, i in initializer.map if pattern.match(name)), None)
        return theory_text(chosen, shape, name) if chosen is not None else ""
    spread = theoretical_spread(initializer, shape, name)
    if isinstance(initializer, init.Xavier) and spread is not None and len(shape) >= 2:
        fan_in, fan_out = _fans(shape)
        factor_type, magnitude = initializer.factor_type, initializer.magnitude
        factor = {"avg": (fan_in + fan_out) / 2, "in": fan_in, "out": fan_out}[factor_type]
        uniform = spread.kind == "uniform"
        value = spread.high if uniform else spread.sigma
        if factor_type == "avg" and magnitude == 3 and uniform:
            formula = f"√(6/(fan_in + fan_out)) = √(6/{fan_in + fan_out:g})"
        else:
            words = {"avg": "(fan_in + fan_out)/2", "in": "fan_in", "out": "fan_out"}
            formula = (
                f"√(magnitude/factor) = √({magnitude:g}/{factor:g}), factor = {words[factor_type]}"
            )
        what = "bound ±" if uniform else "std σ = "
        return f"{what}{value:.4g} = {formula}; fan_in {fan_in:g}, fan_out {fan_out:g}"
    if spread is None:
        return ""
    if spread.kind == "uniform":
        return f"uniform on ±{spread.high:.4g}"
    if spread.kind == "normal":
        return f"{'about ' if spread.approximate else ''}normal with std {spread.sigma:.4g}"
    return f"every value {spread.value:g}"


def kept_own_summary(plan: InitPlan) -> str | None:
    """The note for parameters that keep their own initializer, or None if none does."""
    kept = plan.kept_own()
    if not kept:
        return None
    owns = sorted(
        {s.param.init if isinstance(s.param.init, str) else repr(s.param.init) for s in kept}
    )
    paths = ", ".join(s.path for s in kept[:4]) + (
        f" and {len(kept) - 4} more" if len(kept) > 4 else ""
    )
    name = type(plan.initializer).__name__
    return (
        f"{name} leaves {paths} at their own init ({', '.join(owns)}) unless you override "
        f"them: Block.initialize passes {name} only as the default."
    )


def _step_preview(step: InitStep, snapshot) -> ParameterPreview:
    shape = tuple(step.param.shape or ())
    preview = ParameterPreview(step.path, step.param.name, shape, step.chosen)
    preview.current = current_histogram(step.param, snapshot)
    if step.keeps_own:
        preview.note = own_init_note(step.param)
    if step.deferred:
        preview.note = (
            "shape not known yet: the parameter becomes pending and is "
            "initialized at the next forward pass"
        )
    elif step.skipped:
        preview.note = "already initialized and force_reinit is off: Gluon warns and leaves it"
    if not step.deferred:
        preview.spread = theoretical_spread(step.chosen, shape, step.param.name)
        preview.theory = theory_text(step.chosen, shape, step.param.name)
    return preview


def _draw(step: InitStep) -> np.ndarray:
    """What Gluon's ``Parameter.initialize`` writes for this step (on a scratch array)."""
    data = engine_np.zeros(tuple(step.param.shape), dtype=np.dtype(step.param.dtype).name)
    with autograd.pause():
        init.create(step.default)(init.InitDesc(step.param.name, {"__init__": step.chosen}), data)
    values = np.asarray(data)  # the engine array's own buffer: no copy
    return values.astype(np.dtype(step.param.dtype), copy=False)


def preview_plan(
    plan: InitPlan, draw: RandomDraw, upto: int | None = None, snapshot=None
) -> list[ParameterPreview]:
    """Preview the steps of ``plan`` (a built-in initializer) up to index ``upto``.

    ``snapshot(param)`` returns the current values (the session's copy under
    its lock); the engine's random stream is left where it was.
    """
    last = len(plan.steps) - 1 if upto is None else min(upto, len(plan.steps) - 1)
    previews = []
    saved = RandomDraw.now()
    try:
        draw.restore()
        for index, step in enumerate(plan.steps[: last + 1]):
            preview = _step_preview(step, snapshot)
            if not (step.deferred or step.skipped):
                try:
                    values = _draw(step)
                except Exception as exc:  # the initializer refuses this shape
                    preview.error = (
                        f"{initializer_code(step.chosen)} cannot initialize "
                        f"{step.path} {preview.shape}: {exc}"
                    )
                else:
                    preview.proposed = value_histogram(values)
                    if values.size <= KEEP_VALUES_LIMIT or index == last:
                        preview.values = values
            previews.append(preview)
    finally:
        saved.restore()
    return previews


def preview_values(plan: InitPlan, values: dict, snapshot=None) -> list[ParameterPreview]:
    """Previews from values computed elsewhere (a custom initializer's worker run)."""
    previews = []
    for step in plan.steps:
        preview = _step_preview(step, snapshot)
        computed = values.get(id(step.param))
        if computed is not None:
            preview.proposed = value_histogram(computed)
            preview.values = computed
        previews.append(preview)
    return previews
