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
import types

from engine import autograd, np
from engine.gluon import Block, Parameter

from . import examples
from .block_tree import TreeNode, build_tree, find_node
from .commands import Change, Command, CommandHistory, record_change, resolved
from .demo_batch import default_input_shape, labelled_batch, loss_and_code
from .events import Event
from .model_loading import LoadedModel, ModelLoadError, load_model_file
from .param_filter import match_parameters
from .session_initialization import InitializationCommands
from .session_inspection import InspectionCommands
from .session_ties import TieCommands
from .session_training import TrainingCommands
from .training import TrainingController
from .user_code import RUNNER

__all__ = ["Session", "ModelLoadError", "console_namespace"]


def console_namespace(session: Session) -> dict:
    """What the console starts with: the chapter's imports, ``net`` and ``session``."""
    from engine import gluon, init, npx
    from engine.gluon import nn

    return {
        "np": np,
        "npx": npx,
        "nn": nn,
        "init": init,
        "autograd": autograd,
        "gluon": gluon,
        "session": session,
        "net": session.net,
        "__name__": "__console__",
    }


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


class Session(TieCommands, InitializationCommands, TrainingCommands, InspectionCommands):
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
        self._file_names: dict = {}
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
        # The console's own names: a model file's names never replace them.
        self._console_names = frozenset(self.namespace)
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
        if (
            self.selected_path is not None
            and self.net is not None
            and find_node(self.tree(), self.selected_path) is None
        ):
            self.selected_path = None

    def run_command(
        self,
        label: str,
        code: str,
        work,
        params: list | None = None,
        atomic: bool = True,
        gradient_note: str | None = None,
        progress=None,
    ):
        """Run ``work()`` as a command: record what it changed, log ``code``, make it undoable.

        ``params`` limits the undo copies to the parameters ``work`` can touch.
        With ``atomic`` (GUI actions), an exception puts back everything
        ``work`` changed before it raised, so a failed action changes nothing;
        otherwise (console code) what ran stays done and is undoable. If the
        work wrote gradients, :attr:`gradient_note` says so (``gradient_note``,
        else "reset by <label>": initializing zeroes them, as in Gluon).
        ``progress``: the training progress before the work, when the work moves it
        too (reset training); undo then puts it back with the parameters.
        """
        self.about_to_change.emit()
        grads_before = self._gradient_versions()
        try:
            return self._run_recorded(label, code, work, params, atomic, progress)
        finally:
            after = self._gradient_versions()
            if any(after.get(key, version) != version for key, version in grads_before.items()):
                self.gradient_note = gradient_note or f"reset by: {label}"

    def _run_recorded(self, label, code, work, params, atomic, progress=None):
        with self.lock:
            try:
                result, change = record_change(self.net, work, label, code, params)
            except BaseException as exc:
                change = _with_progress(getattr(exc, "change", None), progress, self, label, code)
                if change is not None:
                    if atomic and change.undoable:
                        change.undo()
                    else:
                        self.commands.push(change)
                raise
            change = _with_progress(change, progress, self, label, code)
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
            self.run_command(
                f"Console: {first_line}",
                text.rstrip("\n"),
                lambda: RUNNER.run(exec, code, self.namespace),
                atomic=False,
                gradient_note=f"written by the console: {first_line[:40]}",
            )
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
            self.printed.emit(
                "`net` must stay a Block: it is the open model again "
                "(open another one with net = <a Block>).\n"
            )

    # ------------------------------------------------------------------ models
    def open_example(self, name: str) -> Block:
        """Open a shipped example by id (``'mlp'``, ``'rgnet'``, ...; see ``examples.EXAMPLES``).

        Raises KeyError for an unknown id and ``examples.ExampleUnavailableError``
        when the engine lacks a layer it needs; the open model stays as it was.
        """
        path = examples.example_path(name)
        self._seed_once()
        loaded = load_model_file(path)
        self._adopt(
            loaded,
            name,
            f"# Examples → {name}: the code of {_shown_path(path)}\n"
            f"{_code_without_docstring(path)}{_build_call(loaded)}",
        )
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
        self._adopt(
            loaded,
            os.path.abspath(path),
            f"exec(open({os.path.abspath(path)!r}).read()){_build_call(loaded)}",
        )
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
        self.log(
            f"np.random.seed({self.seed})  # the session's seed: the same numbers follow",
            "Seed the random numbers",
        )

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
        after = (
            loaded.net,
            source,
            loaded.demo_input,
            loaded.demo_labels,
            loaded.demo_names,
            _file_names(loaded.namespace),
        )
        self.about_to_change.emit()
        with self.lock:
            self._set_model(*after)
            label = f"Open {os.path.basename(source) if os.sep in source else source}"
            self.commands.push(_ModelSwitch(self, before, after, label, code or ""))
        if loaded.output:
            self.printed.emit(loaded.output)
        self.model_opened.emit(source)

    def _model_state(self) -> tuple:
        return (
            self.net,
            self.source,
            self.demo_input,
            self.demo_labels,
            self.demo_names,
            self._file_names,
        )

    def _set_model(self, net, source, demo_input, demo_labels, demo_names, file_names=None) -> None:
        self.net, self.source = net, source
        self.demo_input, self.demo_labels, self.demo_names = demo_input, demo_labels, demo_names
        self.selected_path = None
        self._tree = None
        # The previous file's names leave the console unless the learner rebound them.
        for name, value in self._file_names.items():
            if self.namespace.get(name) is value:
                del self.namespace[name]
        self._file_names = {
            k: v for k, v in (file_names or {}).items() if k not in self._console_names
        }
        self.namespace.update(self._file_names)
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
            self._params_cache = (
                tree,
                [n.obj for n in tree.walk() if n.is_param and n.tied_to is None],
            )
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
            raise KeyError(
                f"Nothing in net is reached by {shown!r}; use an access path such "
                f"as 'net[0].weight' or a parameter name such as "
                f"'{self._any_param_name()}'"
            )
        if node.path != self.selected_path:
            self.selected_path = node.path
            self.log(f"{node.path}.data()" if node.is_param else node.path, f"Select {node.path}")
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
            x, y, setup, described = labelled_batch(
                self.net, self.demo_input, self.demo_labels, self.demo_names
            )
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
        loss = self.run_command(
            "Forward + backward (one batch)",
            lambda: "\n".join(setup + lines + ["loss.backward()"]),
            forward_backward,
        )
        loss_name = next(
            (line.split("gluon.loss.")[1].split("(")[0] for line in lines if "gluon.loss." in line),
            "a loss",
        )
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

    def collect_params(self, select: str | None = None):
        """``net.collect_params(select)``, logged (what the tree's filter box shows)."""
        params = self.net.collect_params(select)
        self.log(
            f"net.collect_params({select!r})" if select else "net.collect_params()",
            "Filter parameters",
        )
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


def _file_names(namespace: dict) -> dict:
    """The names a model file defines (``x``, ``X``, ``rgnet``, ``block1``), for the console.

    So the chapter's lines (``rgnet[0][1][0].bias.data()``) work as typed after
    opening the file. Modules and private names stay out: the console has its own
    imports, and a file's ``import numpy as np`` must not replace ``engine.np``.
    (The console's own names, ``session`` and ``net`` among them, are kept by
    ``Session._set_model``.)
    """
    return {
        name: value
        for name, value in namespace.items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }


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
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        lines = lines[body[0].end_lineno :]
    return "\n".join(lines).strip()


def _is_below(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath(
            [os.path.abspath(path), os.path.abspath(folder)]
        ) == os.path.abspath(folder)
    except ValueError:
        return False


def _with_progress(change, progress, session, label, code):
    """``change`` also putting the training progress back (when ``progress`` is given)."""
    if progress is None:
        return change
    now = session.training.progress()
    if change is None:
        change = Change(label, resolved(code), [], [])
    change.before.append(progress)
    change.after.append(now)
    return change
