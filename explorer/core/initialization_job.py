"""One initialization from start to apply: compute (maybe in the worker), then one command.

A built-in initializer is computed by the engine itself when applied, from the
given point of the random stream. A learner's own initializer is first run in
the worker process (:class:`~explorer.core.custom_initializer.CustomRun`),
which the dialog polls without blocking and can cancel; the values are then
written in one command. Either way the apply is one undoable, logged command
and all-or-nothing: if anything fails, no parameter changes and the random
stream is put back.
"""

from __future__ import annotations

from .custom_initializer import CustomRun, custom_source
from .init_worker import CustomInitializerError
from .initialization import InitPlan, RandomDraw
from .initializer_preview import preview_plan, preview_values

__all__ = ["InitializationJob"]


class InitializationJob:
    """Compute, then :meth:`apply`, one :class:`InitPlan` from one :class:`RandomDraw`.

    Attributes
    ----------
    plan : InitPlan
    draw : RandomDraw
        Where the random stream starts for this job (its preview and its apply).
    """

    def __init__(
        self, session, plan: InitPlan, draw: RandomDraw, timeout_s: float, code_prefix: str = ""
    ) -> None:
        self.session, self.plan, self.draw = session, plan, draw
        self.code_prefix = code_prefix
        self.run = None
        if custom_source(plan.initializer) is not None:
            self.run = CustomRun(plan, session.initializer_worker, draw, timeout_s)
        self.applied = False

    @property
    def is_custom(self) -> bool:
        return self.run is not None

    @property
    def finished(self) -> bool:
        return self.run is None or self.run.finished

    @property
    def error(self) -> CustomInitializerError | None:
        return None if self.run is None else self.run.error

    def poll(self, wait_s: float = 0.0) -> bool:
        """Advance the worker's part; True once the values are known (or it failed)."""
        return True if self.run is None else self.run.poll(wait_s)

    def wait(self) -> None:
        if self.run is not None:
            self.run.wait()

    def cancel(self) -> None:
        if self.run is not None:
            self.run.cancel()

    def previews(self, upto: int | None = None) -> list:
        """What each target parameter would get (see :mod:`initializer_preview`)."""
        if self.run is None:
            return preview_plan(self.plan, self.draw, upto, self.session.snapshot)
        if not self.run.finished or self.run.error is not None:
            return []
        return preview_values(self.plan, self.run.values, self.session.snapshot)

    def apply(self) -> None:
        """Write the initialization as one undoable command (waits for the worker first).

        Raises
        ------
        CustomInitializerError
            The learner's initializer failed (its printed text is shown first).
        Exception
            A built-in initializer refused a parameter (Xavier on a vector);
            nothing changed.
        """
        if self.applied:
            raise RuntimeError("This initialization was already applied")
        session, plan = self.session, self.plan
        self.wait()
        if self.run is not None:
            printed = "".join(self.run.printed)
            if printed:
                session.printed.emit(printed)
            if self.run.error is not None:
                raise self.run.error
            work = self.run.apply
        else:
            work = self._run_builtin
        before = RandomDraw.now()
        try:
            session.run_command(
                plan.label, self.code_prefix + plan.code, work, params=list(plan.params)
            )
        except BaseException:
            before.restore()
            raise
        self.applied = True

    def _run_builtin(self) -> None:
        self.draw.restore()
        self.plan.run()
