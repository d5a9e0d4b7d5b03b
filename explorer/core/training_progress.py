"""Where training stands, as a state an undo can put back.

A training run's history entry copies the parameters before and after; that
alone would leave the step counter, the curves, the optimizer's momentum and
the batch order where the undone run left them: the next run would be
labelled "steps 51–100" over weights at step 0, continue with momentum from
steps that no longer happened, and no longer match its own code in the log.
:class:`TrainingProgress` holds the rest, and restoring it with the
parameters returns training as a whole.

Cheap to take: the curves only ever grow by appending (a cleared or restored
curve is a new :class:`~explorer.core.curve_log.CurveLog`), so a progress
keeps a reference to each curve and its length, and copies only when it is
restored. The progress at a run's last finite step (for the undo of a
divergence) is derived from the one at its end (:meth:`rewound_to`), not
taken at every step.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace

import numpy as onp

from engine.gluon.trainer_snapshot import TrainerState

from .batch_order import BatchPosition
from .commands import UNDO_COPY_LIMIT_BYTES

__all__ = ["TrainingProgress"]


@dataclass(frozen=True, eq=False)
class TrainingProgress:
    """The training state besides the parameters (see the module docstring)."""

    controller: object
    step_count: int
    curves: dict  # history key -> (CurveLog, length)
    ratios: dict  # parameter path -> (StepCurve, length)
    last_ratios: dict
    histograms: tuple  # (param, path, snapshots list, length, interval)
    last_batch: object
    message: str
    trainer: TrainerState | None
    trainer_key: object
    batches: BatchPosition | None

    @classmethod
    def of(cls, controller) -> TrainingProgress:
        """The controller's progress now."""
        trainer, trainer_state = controller._trainer, None
        if trainer is not None:
            # As for any command, no copy of a state too large to copy at every Play:
            # undo then starts the optimizer afresh (and the code log a new trainer).
            if TrainerState.nbytes_of(trainer) <= UNDO_COPY_LIMIT_BYTES:
                trainer_state = TrainerState(trainer)
        histograms = controller.histograms
        return cls(
            controller,
            controller.step_count,
            {key: (values, len(values)) for key, values in controller.history.items()},
            {path: (values, len(values)) for path, values in controller.update_ratios.items()},
            dict(controller.last_ratios),
            (
                histograms.param,
                histograms.path,
                histograms.snapshots,
                len(histograms.snapshots),
                histograms.interval,
            ),
            controller.last_batch,
            controller.message,
            trainer_state,
            controller._trainer_key,
            controller.batches.position(),
        )

    def rewound_to(self, step: int, last_batch, batches: BatchPosition) -> TrainingProgress:
        """This progress as it was at ``step`` of the same run, without an optimizer state
        (a fresh one then), given the batch and the batch order there."""
        curves = {}
        for key, (values, n) in self.curves.items():
            steps_key = _STEPS_OF.get(key)
            if steps_key is None:  # one value per step
                curves[key] = (values, max(0, n - (self.step_count - step)))
            else:
                steps, m = self.curves[steps_key]
                kept = onp.searchsorted(steps.view()[:m], step, side="right")
                curves[key] = (values, int(kept))
        ratios = {
            path: (values, values.count_up_to(step, n)) for path, (values, n) in self.ratios.items()
        }
        param, path, snapshots, n, interval = self.histograms
        kept = bisect_right(snapshots, step, 0, n, key=lambda snapshot: snapshot.step)
        return replace(
            self,
            step_count=step,
            curves=curves,
            ratios=ratios,
            histograms=(param, path, snapshots, kept, interval),
            last_batch=last_batch,
            message="",
            trainer=None,
            trainer_key=None,
            batches=batches,
        )

    @property
    def nbytes(self) -> int:
        # (the curves are shared with the live lists until restored: not counted twice)
        return self.trainer.nbytes if self.trainer is not None else 0

    def restore(self) -> None:
        controller = self.controller  # (paused by now: undo and redo pause training first)
        session = controller.session
        # Undo does not touch gradients: if training wrote them last, say which step's
        # batch they are of when that step is undone (or current again, after a redo).
        trained_last = controller._gradient_source is not None and session.gradient_note in (
            controller.gradient_note(),
            controller.gradient_note(undone=True),
        )
        if trained_last:
            undone = controller.gradient_step != self.step_count
            session.gradient_note = controller.gradient_note(undone=undone)
        controller.step_count = self.step_count
        controller.history = {key: values.prefix(n) for key, (values, n) in self.curves.items()}
        controller.update_ratios = {
            path: values.prefix(n) for path, (values, n) in self.ratios.items()
        }
        controller.last_ratios = dict(self.last_ratios)
        param, path, snapshots, n, interval = self.histograms
        histograms = controller.histograms
        if histograms.param is param:
            histograms.snapshots, histograms.interval = snapshots[:n], interval
        else:  # another parameter is watched now: keep its strip up to this step
            histograms.snapshots = [s for s in histograms.snapshots if s.step <= self.step_count]
        controller.last_batch = self.last_batch
        controller.message = self.message
        if self.trainer is not None:
            self.trainer.restore()
        controller._trainer = self.trainer.trainer if self.trainer is not None else None
        controller._trainer_key = self.trainer_key
        controller.batches.restore(self.batches, controller.data)
        controller.history_generation += 1
        controller._touch()


# A curve recorded at its own interval -> the list of the steps it was recorded at.
_STEPS_OF = {
    "test_loss": "test_step",
    "test_step": "test_step",
    "accuracy": "accuracy_step",
    "accuracy_step": "accuracy_step",
}
