"""The session: the open model, and the only way to change it — commands.

The GUI's menus, the console (:meth:`Session.execute`) and ``--run`` scripts
all call the same methods. Each change runs as a recorded command
(:mod:`explorer.core.commands`): it is pushed on the one history that is both
the code log and the undo stack. No Qt here; views learn of changes from the
:class:`~explorer.core.watcher.Watcher`, never from the session directly.

Events
------
model_opened(label)
    A new ``net`` was opened by a command (an example id, a file path or
    ``"console"``); not emitted by undo/redo.
about_to_change()
    A command, undo or redo is about to change the model (training pauses
    first, and stays paused).
printed(text)
    Text the model's own code printed (shown in the console).
"""

from __future__ import annotations

import ast
import os
import threading

from engine import autograd, np
from engine.gluon import Block, Parameter

from . import examples
from .block_tree import TreeNode, build_tree, find_node
from .commands import Command, CommandHistory, record_change, resolved
from .demo_batch import default_input_shape, labelled_batch, loss_and_code
from .events import Event
from .model_loading import LoadedModel, ModelLoadError, load_model_file
from .param_filter import match_parameters
from .training import TrainingController
from .user_code import RUNNER

__all__ = ["Session", "ModelLoadError", "console_namespace"]


def console_namespace(session: Session) -> dict:
    """What the console starts with: the chapter's imports, ``net`` and ``session``."""
    from engine import gluon, init, npx
    from engine.gluon import nn

    return {"np": np, "npx": npx, "nn": nn, "init": init, "autograd": autograd,
            "gluon": gluon, "session": session, "net": session.net,
            "__name__": "__console__"}


class _ModelSwitch(Command):
    """Opening another model: undo goes back to the one before, with its batch."""

    def __init__(self, session: Session, before: tuple, after: tuple, label: str, code: str):
        super().__init__(label, code)
        self._session, self._before, self._after = session, before, after

    @property
    def changes_model(self) -> bool:
        return True

    def apply(self) -> None:
        self._session._set_model(*self._after)

    def undo(self) -> None:
        self._session._set_model(*self._before)


class Session:
    """The open model and its commands.

    Attributes
    ----------
    net : Block or None
        The model every view shows; the console's ``net`` is always this.
    source : str or None
        Where ``net`` came from: an example id, a file path, or ``"console"``.
    selected_path : str or None
        Access path of the selected parameter or block.
    commands : CommandHistory
        The code log and the undo stack (one list).
    namespace : dict
        The console's and ``--run`` scripts' globals.
    lock : threading.RLock
        Held while a command or a training step writes the model, and while a
        view copies an array: a copy never sees a half-written array.
    """

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._seeded = False
        self.net: Block | None = None
        self.source: str | None = None
        self.demo_input = None
        self.demo_labels = None
        self.demo_names = ("x", "y")
        # What last wrote the gradients, for the Gradient column's title.
        self.gradient_note = "no batch yet: it starts at 0"
        self.selected_path: str | None = None
        self.commands = CommandHistory()
        self.lock = threading.RLock()
        self.model_opened = Event()
        self.printed = Event()
        # Emitted before any command changes the model: a running training loop pauses.
        self.about_to_change = Event()
        self.namespace = console_namespace(self)
        self._tree: TreeNode | None = None
        self._tree_key = None
        self._params_cache: tuple = (None, [])
        self.training = TrainingController(self)

    # ----------------------------------------------------------------- history
    @property
    def code_log(self) -> list[str]:
        """Engine code of every command in effect, oldest first."""
        return [c.code for c in self.commands.in_effect() if c.code]

    def log(self, code: str, label: str | None = None) -> None:
        """Log ``code`` for something that changed nothing (a selection, a filter)."""
        self.commands.push(Command(label or code.splitlines()[0], code))

    def code_script(self) -> str:
        """The code log as a script that runs on its own and rebuilds the model."""
        from .code_script import script_of

        return script_of(self.code_log, self.commands.dropped)

    def clear_log(self) -> None:
        """Forget the code log, and with it the undo history."""
        self.commands.clear()

    @property
    def can_undo(self) -> bool:
        return self.commands.can_undo

    @property
    def can_redo(self) -> bool:
        return self.commands.can_redo

    def undo(self) -> Command | None:
        """Take back the last change (values, names, ties, structure, model opened)."""
        self.about_to_change.emit()
        with self.lock:
            command = self.commands.undo()
        self._after_history_move()
        return command

    def redo(self) -> Command | None:
        """Do again the last change undone (the same values, no new random draws)."""
        self.about_to_change.emit()
        with self.lock:
            command = self.commands.redo()
        self._after_history_move()
        return command

    def go_to(self, cursor: int) -> None:
        """Undo or redo until ``cursor`` history entries are in effect."""
        self.about_to_change.emit()
        with self.lock:
            self.commands.go_to(cursor)
        self._after_history_move()

    def _after_history_move(self) -> None:
        if self.selected_path is not None and self.net is not None \
                and find_node(self.tree(), self.selected_path) is None:
            self.selected_path = None

    def run_command(self, label: str, code: str, work, params: list | None = None,
                    atomic: bool = True, gradient_note: str | None = None):
        """Run ``work()`` as a command: record what it changed, log ``code``, make it undoable.

        ``params`` limits the undo copies to the parameters ``work`` can touch.
        With ``atomic`` (GUI actions), an exception puts back everything
        ``work`` changed before it raised, so a failed action changes nothing;
        otherwise (console code) what ran stays done and is undoable. If the
        work wrote gradients, :attr:`gradient_note` says so (``gradient_note``,
        else "reset by <label>": initializing zeroes them, as in Gluon).
        """
        self.about_to_change.emit()
        grads_before = self._gradient_versions()
        try:
            return self._run_recorded(label, code, work, params, atomic)
        finally:
            after = self._gradient_versions()
            if any(after.get(key, version) != version for key, version in grads_before.items()):
                self.gradient_note = gradient_note or f"reset by: {label}"

    def _run_recorded(self, label, code, work, params, atomic):
        with self.lock:
            try:
                result, change = record_change(self.net, work, label, code, params)
            except BaseException as exc:
                change = getattr(exc, "change", None)
                if change is not None:
                    if atomic and change.undoable:
                        change.undo()
                    else:
                        self.commands.push(change)
                raise
            if change is not None:
                self.commands.push(change)
            elif resolved(code):
                self.log(resolved(code), label)
        return result

    # ---------------------------------------------------------------- console
    def execute(self, source: str, filename: str = "<session>", mode: str = "exec"):
        """Run ``source`` in the console's namespace as one undoable "edit" command.

        Parameters whose versions moved (and the structure, if children or
        ties changed) are copied before and after, so :meth:`undo` takes the
        edit back. Rebinding ``net`` to another Block opens that Block.
        Exceptions propagate (what ran before them stays done, and undoable).
        """
        text = source if mode != "single" or source.endswith("\n") else source + "\n"
        code = compile(text, filename, mode)
        RUNNER.add_filename(filename)
        first_line = text.strip().splitlines()[0] if text.strip() else filename
        try:
            self.run_command(f"Console: {first_line}", text.rstrip("\n"),
                             lambda: RUNNER.run(exec, code, self.namespace), atomic=False,
                             gradient_note=f"written by the console: {first_line[:40]}")
        finally:
            self._adopt_console_net()

    def _gradient_versions(self) -> dict:
        return {id(p): p.grad_version for p in self.parameters()}

    def _adopt_console_net(self) -> None:
        net = self.namespace.get("net")
        if net is self.net:
            return
        if isinstance(net, Block):
            self.use_net(net)
        else:
            self.namespace["net"] = self.net
            self.printed.emit("`net` must stay a Block: it is the open model again "
                              "(open another one with net = <a Block>).\n")

    # ------------------------------------------------------------------ models
    def open_example(self, name: str) -> Block:
        """Open a shipped example by id (``'mlp'``, ``'rgnet'``, ...; see ``examples.EXAMPLES``).

        Raises KeyError for an unknown id and ``examples.ExampleUnavailableError``
        when the engine lacks a layer it needs; the open model stays as it was.
        """
        path = examples.example_path(name)
        self._seed_once()
        loaded = load_model_file(path)
        self._adopt(loaded, name, f"# Examples → {name}: the code of {_shown_path(path)}\n"
                                  f"{_code_without_docstring(path)}{_build_call(loaded)}")
        return self.net

    def open_model(self, path: str) -> Block:
        """Run a model file that defines ``net`` (a Block) or ``build()`` and open its Block.

        Raises
        ------
        ModelLoadError
            The file failed or defines no Block; the open model stays as it was.
        """
        self._seed_once()
        loaded = load_model_file(path)
        self._adopt(loaded, os.path.abspath(path),
                    f"exec(open({os.path.abspath(path)!r}).read()){_build_call(loaded)}")
        return self.net

    def _seed_once(self) -> None:
        """Seed the engine's random numbers before the first model, and log it.

        Every later draw (initializers, dropout, demo batches) happens in a
        command whose code is logged, so the copied log, which starts with the
        same seed, draws the same numbers and rebuilds the same values.
        """
        if self._seeded:
            return
        self._seeded = True
        np.random.seed(self.seed)
        self.log(f"np.random.seed({self.seed})  # the session's seed: the same numbers follow",
                 "Seed the random numbers")

    def use_net(self, net: Block, source: str = "console") -> None:
        """Make ``net`` (built elsewhere, e.g. typed in the console) the open model."""
        if not isinstance(net, Block):
            raise TypeError(f"net must be a Block, not {type(net).__name__}")
        if net is self.net:
            return
        self._adopt(LoadedModel(net, source), source, None)

    def _adopt(self, loaded: LoadedModel, source: str, code: str | None) -> None:
        # Walk the new model before adopting it: a model the tree cannot show is refused
        # with the open one left as it was.
        build_tree(loaded.net)
        before = self._model_state()
        after = (loaded.net, source, loaded.demo_input, loaded.demo_labels, loaded.demo_names)
        self.about_to_change.emit()
        with self.lock:
            self._set_model(*after)
            label = f"Open {os.path.basename(source) if os.sep in source else source}"
            self.commands.push(_ModelSwitch(self, before, after, label, code or ""))
        if loaded.output:
            self.printed.emit(loaded.output)
        self.model_opened.emit(source)

    def _model_state(self) -> tuple:
        return (self.net, self.source, self.demo_input, self.demo_labels, self.demo_names)

    def _set_model(self, net, source, demo_input, demo_labels, demo_names) -> None:
        self.net, self.source = net, source
        self.demo_input, self.demo_labels, self.demo_names = demo_input, demo_labels, demo_names
        self.selected_path = None
        self._tree = None
        self.namespace["net"] = net

    # ---------------------------------------------------------------- the tree
    def tree(self) -> TreeNode:
        """The block tree of ``net`` (rebuilt only after a structural change)."""
        if self.net is None:
            raise RuntimeError("No model is open")
        key = (id(self.net), self.net.structure_version)
        if self._tree is None or key != self._tree_key:
            self._tree = build_tree(self.net)
            self._tree_key = key
        return self._tree

    def parameters(self) -> list:
        """The distinct parameters of ``net``, in ``collect_params`` order."""
        if self.net is None:
            return []
        tree = self.tree()
        if self._params_cache[0] is not tree:
            self._params_cache = (tree, [n.obj for n in tree.walk()
                                         if n.is_param and n.tied_to is None])
        return self._params_cache[1]

    def snapshot(self, param: Parameter, grad: bool = False):
        """A NumPy copy of ``param``'s data (or gradient), taken under :attr:`lock`.

        Views draw these copies, never the live buffer a training step writes.
        Returns None when the array does not exist (deferred, ``grad_req='null'``).
        """
        with self.lock:
            if not param.is_initialized or (grad and param.grad_req == "null"):
                return None
            array = param.grad() if grad else param.data()
            return array.asnumpy()

    # --------------------------------------------------------------- selection
    def select(self, path: str | None):
        """Select a parameter or block by access path (``net[0].weight``) or name.

        Returns the Parameter or Block selected (None when ``path`` is None).

        Raises
        ------
        KeyError
            Nothing in ``net`` has that path or name; the selection is unchanged.
        """
        if path is None:
            self.selected_path = None
            return None
        node = find_node(self.tree(), path)
        if node is None:
            shown = path if len(path) <= 80 else path[:77] + "…"
            raise KeyError(f"Nothing in net is reached by {shown!r}; use an access path such "
                           f"as 'net[0].weight' or a parameter name such as "
                           f"'{self._any_param_name()}'")
        if node.path != self.selected_path:
            self.selected_path = node.path
            self.log(f"{node.path}.data()" if node.is_param else node.path,
                     f"Select {node.path}")
        return node.obj

    def first_weight_path(self) -> str | None:
        """Access path of the first trained weight (two or more dimensions, with a gradient),
        else the first weight, else the first parameter."""
        if self.net is None:
            return None
        params = [n for n in self.tree().walk() if n.is_param and n.tied_to is None]
        weights = [n for n in params if len(n.obj.shape or ()) >= 2]
        for node in weights:
            if node.obj.grad_req != "null":  # FancyMLP's constant has no gradient to show
                return node.path
        if weights:
            return weights[0].path
        return params[0].path if params else None

    def selected(self):
        """The selected Parameter or Block, or None."""
        if self.selected_path is None or self.net is None:
            return None
        node = find_node(self.tree(), self.selected_path)
        return None if node is None else node.obj

    def selected_parameter(self) -> Parameter | None:
        obj = self.selected()
        return obj if isinstance(obj, Parameter) else None

    def _any_param_name(self) -> str:
        params = list(self.net.collect_params().keys()) if self.net is not None else []
        return params[0] if params else "dense0_weight"

    # ------------------------------------------------------------------ compute
    def forward(self, x=None):
        """Run ``net`` on one batch: ``x``, else the model file's batch, else U(0, 1) of (2, 20).

        The chapter's ``x = np.random.uniform(size=(2, 20))`` is the default
        because every network of the chapter takes 20 features. A first
        forward pass fills deferred shapes: a command, undoable.
        """
        if self.net is None:
            raise RuntimeError("No model is open")
        code = []
        if x is not None:
            code.append("# x: the batch given to session.forward")
        elif self.demo_input is not None:
            x = self.demo_input
            if self.demo_names[0] != "x":
                code.append(f"x = {self.demo_names[0]}")
        else:
            shape = self.default_input_shape()
            x = np.random.uniform(size=shape)
            self.demo_input, self.demo_labels, self.demo_names = x, None, ("x", "y")
            code.append(f"x = np.random.uniform(size={shape})")
        code.append("net(x)")
        return self.run_command("Forward one batch", "\n".join(code), lambda: self.net(x))

    def default_input_shape(self, batch: int = 2) -> tuple:
        """The shape of a batch ``net`` can take (see ``demo_batch.default_input_shape``)."""
        return default_input_shape(self.net, batch)

    def compute_gradients(self, batch=None):
        """Run one batch forward and backward through a loss, filling every ``grad()``.

        Model → Forward + backward (one batch). The logged code is what a
        learner would type: ``with autograd.record(): loss = loss_fn(net(x), y)``
        then ``loss.backward()``.

        Parameters
        ----------
        batch : (x, y) or x, optional
            The batch. By default the model file's labelled batch; else, when
            the model takes feature vectors, 16 labelled examples of
            ``engine.data.teacher(num_inputs=width, num_classes=10)``;
            otherwise the model file's batch without labels.

        The loss: ``SoftmaxCrossEntropyLoss`` when the labels are class indices
        and the output has a column per class; ``L2Loss`` against float labels
        of the output's shape; otherwise ``L2Loss`` against zeros ("every
        output should be 0", whose gradient at the output is the output).

        Returns
        -------
        ndarray
            The loss of each example.
        """
        if self.net is None:
            raise RuntimeError("No model is open")
        if batch is None:
            x, y, setup, described = labelled_batch(self.net, self.demo_input,
                                                    self.demo_labels, self.demo_names)
        elif isinstance(batch, (tuple, list)) and len(batch) == 2:
            (x, y), setup = batch, ["# x, y: the batch given to session.compute_gradients"]
            described = "a given batch"
        else:
            x, y, setup = batch, None, ["# x: the batch given to session.compute_gradients"]
            described = "a given batch"
        lines = []

        def forward_backward():
            with autograd.record():
                loss, code = loss_and_code(x, y, self.net)
            loss.backward()
            lines.extend(code)
            return loss

        # The code is known once the output's shape has chosen the loss.
        loss = self.run_command("Forward + backward (one batch)",
                                lambda: "\n".join(setup + lines + ["loss.backward()"]),
                                forward_backward)
        loss_name = next((line.split("gluon.loss.")[1].split("(")[0] for line in lines
                          if "gluon.loss." in line), "a loss")
        self.gradient_note = f"of {loss_name} on {described} ({x.shape[0]} examples)"
        return loss

    def zero_gradients(self) -> None:
        """Model → Zero gradients: every gradient back to 0, as before any batch ran.

        Logged as ``net.collect_params().zero_grad()``. Gradients are not part
        of undo (they belong to the batch that made them).
        """
        if self.net is None:
            raise RuntimeError("No model is open")
        with self.lock:
            self.net.collect_params().zero_grad()
        self.gradient_note = "zeroed by zero_grad()"
        self.log("net.collect_params().zero_grad()", "Zero gradients")

    # -------------------------------------------------------------------- ties
    def _block_for_tie(self, path: str):
        """The block at ``path``; a parameter's path stands for the block holding it."""
        if self.net is None:
            raise RuntimeError("No model is open")
        node = find_node(self.tree(), path)
        if node is None:
            raise KeyError(f"Nothing in net is reached by {path!r}")
        if node.is_param:
            node = node.parent
        return node

    def tie_problem(self, target_path: str, source_path: str) -> str | None:
        """Why ``tie(target_path, source_path)`` would be refused, or None if it would work.

        Asked while a drag hovers over a block: nothing changes.
        """
        try:
            target, source = self._block_for_tie(target_path), self._block_for_tie(source_path)
            target.obj.check_share_parameters(source.obj, label=target.path,
                                              source_label=source.path)
        except (KeyError, ValueError, RuntimeError) as exc:
            return str(exc).strip("'\"")
        return None

    def tie(self, target_path: str, source_path: str) -> None:
        """The target block uses the source block's parameters from now on.

        What ``params=shared.params`` does at construction, done after the
        fact (``Block.share_parameters``). A parameter's path stands for its
        block. Refused (ValueError naming both shapes, nothing changed) when
        the blocks do not match. One undoable command; the code log shows the
        engine call and the construction-time form.
        """
        target, source = self._block_for_tie(target_path), self._block_for_tie(source_path)
        code = (f"{target.path}.share_parameters({source.path})\n"
                f"# the same as building {target.path} with params={source.path}.params, "
                f"e.g. {_construction(target.obj, source.path)}")
        self.run_command(f"Tie {target.path} to {source.path}", code,
                         lambda: target.obj.share_parameters(source.obj, label=target.path,
                                                             source_label=source.path))

    def untie(self, path: str) -> None:
        """The block at ``path`` gets its own copy of the values it shares, under fresh names."""
        node = self._block_for_tie(path)

        def untie():
            if not node.obj.unshare_parameters():
                raise ValueError(f"{node.path} shares no parameters it could untie (a tie is "
                                 f"undone on the block that was tied, not on its source)")

        self.run_command(f"Untie {node.path}", f"{node.path}.unshare_parameters()", untie)

    def collect_params(self, select: str | None = None):
        """``net.collect_params(select)``, logged (what the tree's filter box shows)."""
        params = self.net.collect_params(select)
        self.log(f"net.collect_params({select!r})" if select else "net.collect_params()",
                 "Filter parameters")
        return params

    def filter_parameters(self, pattern: str) -> list:
        """The parameters ``net.collect_params(pattern)`` returns, matched with a time limit.

        What the tree's filter box shows; logged as the ``collect_params`` call.

        Raises
        ------
        FilterError
            The pattern is invalid or too slow to match; nothing is logged.
        """
        if self.net is None:
            return []
        if not pattern:
            return list(self.net.collect_params().values())
        params = match_parameters(self.net, pattern)
        self.log(f"net.collect_params({pattern!r})", "Filter parameters")
        return params

    # ---- initialization
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

    def plan_initialization(self, path: str, initializer, force_reinit: bool = True,
                            override_own: bool = False):
        """Which initializer Gluon would run on each target parameter, and the code."""
        from .custom_initializer import custom_source
        from .initialization import plan_initialization

        initializer = self._as_initializer(initializer)
        return plan_initialization(self.initialization_target(path), initializer,
                                   force_reinit, override_own, custom_source(initializer))

    def random_draw(self):
        """The engine's random stream as it stands: preview and apply from it alike."""
        from .initialization import RandomDraw

        return RandomDraw.now()

    def start_initialization(self, path: str, initializer, force_reinit: bool = True,
                             timeout: float | None = None, *, override_own: bool = False,
                             seed: int | None = None, draw=None):
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

    def initialize(self, path: str, initializer, force_reinit: bool = True,
                   timeout: float | None = None, *, override_own: bool = False,
                   seed: int | None = None, draw=None):
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
        job = self.start_initialization(path, initializer, force_reinit, timeout,
                                        override_own=override_own, seed=seed, draw=draw)
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
            return define_custom_initializer(source, self.initializer_worker, timeout_s,
                                             printed.append)
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

    # ---- training
    # Thin delegations to explorer/core/training*.py (see TrainingController).
    def set_dataset(self, name: str, **options):
        """Train on a registered engine data set (``'spiral'``, ``'teacher'``, ...).

        ``options`` go to its generator: ``noise``, ``test_fraction``, ``seed``,
        ``num_examples``. Returns the :class:`TrainingData`.
        """
        return self.training.set_dataset(name, **options)

    def load_csv(self, path: str, target=None, **options):
        """Train on a numeric CSV table (header row); the task is inferred and reported."""
        data = self.training.load_csv(path, target=target, **options)
        self.printed.emit(data.describe() + "\n")
        return data

    def set_loss(self, name: str | None = None) -> None:
        """``'softmax_cross_entropy'``, ``'l2'``, ``'l1'``, ``'sigmoid_binary_cross_entropy'``;
        None matches the data's task."""
        self.training.set_loss(name)

    def set_optimizer(self, name: str, **hyperparameters) -> None:
        """``'sgd'``, ``'nag'``, ``'adam'``, ``'rmsprop'``, ``'adagrad'`` with
        ``learning_rate``, ``momentum``, ``wd``, ..."""
        self.training.set_optimizer(name, **hyperparameters)

    def set_batch_size(self, n: int) -> None:
        self.training.set_batch_size(n)

    def train(self, steps: int) -> list:
        """Train ``steps`` steps now (blocking; one undoable entry). Returns their losses."""
        return self.training.train(steps)

    def start_training(self) -> None:
        """Train on a worker thread until :meth:`pause_training` (or a change to the model)."""
        self.training.start()

    def pause_training(self) -> None:
        """Pause after the step in progress; the run so far is one undoable entry."""
        self.training.pause()

    def step(self):
        """One training step; its loss."""
        return self.training.step()

    def reset_training(self) -> None:
        """Re-initialize every parameter with its current initializer and forget the curves."""
        from .training_reset import reset_work

        self.training.pause()
        work, code, params = reset_work(self)
        self.run_command("Reset training (re-initialize)", code, work, params)
        self.training.reset()

    @property
    def history(self) -> dict:
        """Per-step ``loss``; ``test_loss``/``test_step``, ``accuracy``/``accuracy_step``."""
        self.training.collect()
        return self.training.history

    def diagnostics(self, histograms: bool = False) -> list[dict]:
        """One row per layer in forward order, on the last training batch (see diagnostics.py)."""
        return self.training.diagnostics(histograms)

    def set_histogram_interval(self, steps: int) -> None:
        """Snapshot the selected parameter's histogram every ``steps`` training steps."""
        self.training.histograms.set_interval(steps)

    def compare_initializers(self, initializers: dict | None = None, steps: int = 200,
                             seed: int = 0) -> list:
        """Train copies of ``net`` from each initializer (``{label: init}``) on the same data
        and batches; the open model is not touched. Returns ``ComparisonResult`` per label."""
        from .init_comparison import DEFAULT_CHOICES, compare_initializers

        chosen = initializers or {k: DEFAULT_CHOICES[k]() for k in ("Xavier", "Normal(1)")}
        return compare_initializers(self, chosen, steps, seed)

    def new_mlp(self, hidden=(16, 16), activation: str = "tanh", init=None):
        """Open a fresh MLP sized for the training data (the fix for an input mismatch)."""
        from .training_model import build_mlp

        data = self.training.data
        if data is None:
            raise RuntimeError("Choose a data set first (session.set_dataset('spiral')).")
        net, code = build_mlp(data.input_width, data.output_width, tuple(hidden), activation,
                              init)
        sample = [np.array(a[:16]) for a in (data.X_train, data.y_train)]
        self._adopt(LoadedModel(net, f"MLP for {data.name}", demo_input=sample[0],
                                demo_labels=sample[1]), f"MLP for {data.name}", code)
        return net

    def add_output_layer(self, units: int | None = None) -> None:
        """Add ``Dense(units)`` (default: what the data needs) after the last layer."""
        from .training_model import output_layer_work

        data = self.training.data
        units = units if units is not None else (data.output_width if data else 1)
        work, code = output_layer_work(self.net, int(units))
        self.run_command(f"Add an output layer Dense({units})", code, work)

    # ---- inspection
    # Thin entry points for the values grid, the data-flow graph, the activations and
    # the tied-gradient split; the work lives in element_edit, forward_trace,
    # traced_graph and tied_gradients.
    def set_element(self, path: str, index: tuple, text: str) -> float:
        """Write the number typed in ``text`` at ``index`` of the parameter at ``path``.

        One undoable command, logged as ``net[0].weight.data()[0, 0] = 42``.
        Returns the number written.

        Raises
        ------
        ValueError
            ``text`` is not a number, or ``index`` is outside the array; nothing changed.
        KeyError
            No parameter at ``path``.
        """
        from .element_edit import element_code, index_text, parse_number

        value = parse_number(text)
        node = find_node(self.tree(), path) if self.net is not None else None
        if node is None or not node.is_param:
            raise KeyError(f"No parameter is reached by {path!r}")
        param = node.obj
        shape = tuple(param.shape or ())
        index = tuple(int(i) for i in index)
        if not param.is_initialized or len(index) != len(shape) or \
                any(not 0 <= i < n for i, n in zip(index, shape)):
            raise ValueError(f"{node.path}{index_text(index)} is not an element of "
                             f"{node.path} (shape {shape}); nothing was changed")

        def write():
            param.data()[index] = value

        self.run_command(f"Set {node.path}{index_text(index)}",
                         element_code(node.path, index, value), write, params=[param])
        return value

    def inspection_batch(self):
        """The batch traces run on: the model file's, else U(0, 1) from a private generator.

        The private generator leaves the session's random numbers alone, so a
        trace does not change what the code log's later draws give.
        """
        if self.demo_input is not None:
            return self.demo_input
        import numpy

        shape = self.default_input_shape()
        return np.array(numpy.random.default_rng(0).uniform(size=shape).astype("float32"))

    def trace_forward(self, keep_outputs: bool = False):
        """One forward pass of ``net`` on :meth:`inspection_batch`, watched by hooks.

        Runs under ``autograd.pause()`` and the session's lock; the model is left
        as it was (checked). See :func:`explorer.core.forward_trace.trace_forward`.
        """
        from .forward_trace import trace_forward

        if self.net is None:
            raise RuntimeError("No model is open")
        with self.lock:
            return trace_forward(self.net, self.tree(), self.inspection_batch(), keep_outputs)

    def traced_graph(self):
        """The data-flow graph of ``net`` from :meth:`trace_forward`."""
        from .traced_graph import build_graph

        return build_graph(self.trace_forward())

    def gradient_split(self, path: str):
        """Each use's part of the gradient of the parameter at ``path`` (a tied or reused one).

        See :func:`explorer.core.tied_gradients.split_gradient`; nothing changes.
        """
        from .tied_gradients import split_gradient

        node = find_node(self.tree(), path) if self.net is not None else None
        if node is None or not node.is_param:
            raise KeyError(f"No parameter is reached by {path!r}")
        labels = self.demo_labels if self.demo_input is not None else None
        with self.lock:
            return split_gradient(self.net, self.tree(), node.obj, self.inspection_batch(),
                                  labels)


def _construction(block, source_path: str) -> str:
    """How the block would be built sharing ``source_path``'s parameters (``params=``)."""
    kind = type(block).__name__
    weight = getattr(block, "weight", None)
    if kind == "Dense" and weight is not None and weight.shape:
        act = getattr(getattr(block, "act", None), "act_type", None)
        activation = f", activation={act!r}" if act else ""
        return f"nn.Dense({weight.shape[0]}{activation}, params={source_path}.params)"
    return f"nn.{kind}(..., params={source_path}.params)"

def _build_call(loaded: LoadedModel) -> str:
    """``'\\nnet = build()'`` when the file's Block came from ``build()``, not from ``net``."""
    net = loaded.namespace.get("net")
    return "" if isinstance(net, Block) else "\nnet = build()"


def _shown_path(path: str) -> str:
    """``path`` relative to the repository (``resources/examples/mlp.py``) when below it."""
    repository = os.path.dirname(os.path.dirname(examples.EXAMPLES_DIR))
    return os.path.relpath(path, repository) if _is_below(path, repository) else path


def _code_without_docstring(path: str) -> str:
    """A model file's code as a learner would type it: its module docstring left out."""
    with open(path, encoding="utf-8") as file:
        source = file.read()
    body = ast.parse(source).body
    lines = source.splitlines()
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        lines = lines[body[0].end_lineno:]
    return "\n".join(lines).strip()


def _is_below(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([os.path.abspath(path), os.path.abspath(folder)]) == \
            os.path.abspath(folder)
    except ValueError:
        return False
