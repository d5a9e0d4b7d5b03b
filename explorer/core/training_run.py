"""A training run as a history entry: before/after copies of the parameters and its loop as code.

:func:`run_entries` turns a finished run into one entry — or two when the run
diverged after a finite checkpoint, so that one undo returns to the last
finite values. Each entry also holds the training progress (step counter,
curves, optimizer state, batch order: see training_progress.py) at its two
ends, so undo and redo move training as a whole, not only the weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine import gluon
from engine.gluon.snapshot import ParameterState

from .commands import Change
from .training_code import SETUP_IMPORT, loop_code
from .training_progress import TrainingProgress

__all__ = ["TrainingRun", "RunState", "run_entries", "make_loss"]


@dataclass(eq=False)
class TrainingRun(Change):
    """A training run on the history: parameters before and after, and its loop as code."""

    setup_keys: dict = field(default_factory=dict)  # set-up part -> what it was made from
    first_step: int = 0
    last_step: int = 0


@dataclass
class RunState:
    """A run in progress: where it started, the copies it keeps, its set-up code."""

    first_step: int
    before: list
    params: list
    setup_keys: dict
    setup: dict  # set-up part -> its code (training_code.setup_code)
    before_progress: TrainingProgress | None = None
    checkpoint: list | None = None
    checkpoint_step: int = 0
    checkpoint_batches: tuple = ()
    checkpoint_progress: TrainingProgress | None = None
    finished_by: str = ""
    nonfinite: dict = field(default_factory=dict)


def run_entries(
    run: RunState, step_count: int, data_name: str, in_effect: list, progress: TrainingProgress
) -> list:
    """The history entries for ``run`` ended at ``step_count`` with ``progress``
    (``in_effect``: the entries before it)."""
    entries = []
    steps = step_count - run.first_step
    if run.nonfinite and run.checkpoint is not None and run.checkpoint_step > run.first_step:
        first = _entry(
            run,
            (run.before, run.before_progress),
            (run.checkpoint, run.checkpoint_progress),
            run.first_step,
            run.checkpoint_step,
            data_name,
            "",
            in_effect,
        )
        entries.append(first)
        entries.append(
            _entry(
                run,
                (run.checkpoint, run.checkpoint_progress),
                (None, progress),
                run.checkpoint_step,
                step_count,
                data_name,
                " (diverged: NaN/Inf)",
                [*in_effect, first],
            )
        )
    elif steps > 0 or run.nonfinite:
        suffix = " (diverged: NaN/Inf)" if run.nonfinite else ""
        entries.append(
            _entry(
                run,
                (run.before, run.before_progress),
                (None, progress),
                run.first_step,
                step_count,
                data_name,
                suffix,
                in_effect,
            )
        )
    return [e for e in entries if e is not None]


def _entry(run, start, end, first, last, data_name, suffix, in_effect):
    """The entry from ``start`` to ``end``, each ``(parameter states, progress)``;
    a parameter state of None means "as they are now". None when nothing happened."""
    (before_states, before_progress), (after_states, after_progress) = start, end
    changed = [s for s in before_states if _differs(s, after_states)]
    if not changed and last <= first:
        return None
    if after_states is None:
        after = [ParameterState(s.param) for s in changed]
    else:
        by_param = {id(s.param): s for s in after_states}
        after = [by_param[id(s.param)] for s in changed]
    steps = last - first
    label = (
        f"Train {steps} step{'s' if steps != 1 else ''} ({first + 1}–{last}) on {data_name}{suffix}"
    )
    code_lines = [f"# {label}"]
    runs = [c for c in in_effect if isinstance(c, TrainingRun)]
    previous = runs[-1].setup_keys if runs else {}
    changed_parts = [part for part, key in run.setup_keys.items() if previous.get(part) != key]
    if changed_parts:
        code_lines.append(SETUP_IMPORT)
        code_lines.extend(run.setup[part] for part in changed_parts)
    code_lines.append(loop_code(steps))
    progress = [before_progress, after_progress] if before_progress and after_progress else []
    return TrainingRun(
        label,
        "\n".join(code_lines),
        [*changed, *progress[:1]],
        [*after, *progress[1:]],
        True,
        setup_keys=run.setup_keys,
        first_step=first,
        last_step=last,
    )


def _differs(state, after_states) -> bool:
    if after_states is None:
        return state.changed()
    other = next((s for s in after_states if s.param is state.param), None)
    return other is None or not state.same_values(other)


def make_loss(name: str):
    return {
        "softmax_cross_entropy": gluon.loss.SoftmaxCrossEntropyLoss,
        "l2": gluon.loss.L2Loss,
        "l1": gluon.loss.L1Loss,
        "sigmoid_binary_cross_entropy": gluon.loss.SigmoidBinaryCrossEntropyLoss,
    }[name]()
