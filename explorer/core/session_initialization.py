"""Initializing from the dialog, the console and ``--run`` scripts, as session commands.

Thin delegations to ``initialization*.py``, ``custom_initializer.py`` and
``init_worker.py``."""

from __future__ import annotations


class InitializationCommands:
    """The session's initialization commands (mixed into ``Session``)."""

    # Initializing from the dialog, the console and --run scripts (explorer/core/
    # initialization*.py, custom_initializer.py, init_worker.py); thin delegations.
    initializer_timeout_s = 10.0  # a custom initializer is stopped after this (a preference)
    _initializer_worker = None

    @property
    def initializer_worker(self):
        """The process that runs custom initializers (started on first use)."""
        from .init_worker import InitializerWorker

        if self._initializer_worker is None:
            self._initializer_worker = InitializerWorker()
        return self._initializer_worker

    def initialization_target(self, path: str):
        """The :class:`~.initialization.InitTarget` of an access path, ``'net'`` or a regex."""
        from .initialization import resolve_target

        if self.net is None:
            raise RuntimeError("No model is open")
        return resolve_target(self.net, self.tree(), path)

    def plan_initialization(
        self, path: str, initializer, force_reinit: bool = True, override_own: bool = False
    ):
        """Which initializer Gluon would run on each target parameter, and the code."""
        from .custom_initializer import custom_source
        from .initialization import plan_initialization

        initializer = self._as_initializer(initializer)
        return plan_initialization(
            self.initialization_target(path),
            initializer,
            force_reinit,
            override_own,
            custom_source(initializer),
        )

    def random_draw(self):
        """The engine's random stream as it stands: preview and apply from it alike."""
        from .initialization import RandomDraw

        return RandomDraw.now()

    def start_initialization(
        self,
        path: str,
        initializer,
        force_reinit: bool = True,
        timeout: float | None = None,
        *,
        override_own: bool = False,
        seed: int | None = None,
        draw=None,
    ):
        """An :class:`~.initialization_job.InitializationJob`: poll it, preview it, apply it.

        The dialog's way in (a custom initializer's worker run is polled, never
        waited for); :meth:`initialize` is this plus ``apply()``.
        """
        import numpy

        from .initialization import RandomDraw
        from .initialization_job import InitializationJob

        plan = self.plan_initialization(path, initializer, force_reinit, override_own)
        prefix = ""
        if seed is not None:
            draw = RandomDraw(numpy.random.default_rng(seed).bit_generator.state)
            prefix = f"np.random.seed({seed!r})\n"
        timeout_s = self.initializer_timeout_s if timeout is None else timeout
        return InitializationJob(self, plan, draw or RandomDraw.now(), timeout_s, prefix)

    def initialize(
        self,
        path: str,
        initializer,
        force_reinit: bool = True,
        timeout: float | None = None,
        *,
        override_own: bool = False,
        seed: int | None = None,
        draw=None,
    ):
        """Initialize a parameter, a block's subtree, ``'net'`` or a regex selection.

        One undoable command, logged as the engine code a learner would type
        (``net.initialize(init=init.Xavier(), force_reinit=True)``); Gluon's
        precedence exactly (a parameter's own ``init=`` is kept unless
        ``override_own``); deferred parameters become pending. All or nothing.

        Parameters
        ----------
        path : str
            ``'net[0].weight'``, ``'net[1]'``, ``'net'``, a name, or a regex.
        initializer : Initializer or str
            ``init.Xavier()``, ``'xavier'``, or :meth:`custom_initializer`'s result
            (run in the worker process, stopped after ``timeout`` seconds).
        seed : int, optional
            Seed the engine's random stream first (logged as ``np.random.seed``).
        draw : RandomDraw, optional
            Start at this point of the stream (the dialog's preview).

        Returns
        -------
        list of Parameter
            The targets.
        """
        job = self.start_initialization(
            path,
            initializer,
            force_reinit,
            timeout,
            override_own=override_own,
            seed=seed,
            draw=draw,
        )
        job.apply()
        return list(job.plan.params)

    def custom_initializer(self, source: str, timeout: float | None = None):
        """The Initializer that editor ``source`` defines (``class MyInit(init.Initializer)``).

        Raises
        ------
        CustomInitializerError
            A syntax error or exception (``lineno`` says where), or a timeout.
        """
        from .custom_initializer import define_custom_initializer

        timeout_s = self.initializer_timeout_s if timeout is None else timeout
        printed: list[str] = []
        try:
            return define_custom_initializer(
                source, self.initializer_worker, timeout_s, printed.append
            )
        finally:
            if printed:
                self.printed.emit("".join(printed))

    def start_custom_initializer(self, source: str, timeout: float | None = None):
        """:meth:`custom_initializer` without blocking: poll it, then ``result()`` (the dialog)."""
        from .custom_initializer import CustomDefinition

        timeout_s = self.initializer_timeout_s if timeout is None else timeout
        return CustomDefinition(source, self.initializer_worker, timeout_s)

    def _as_initializer(self, initializer):
        from .initialization import as_initializer

        return as_initializer(initializer)
