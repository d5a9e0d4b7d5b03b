"""The session: the open model and the commands that act on it.

The GUI's menus, the console and ``--run`` scripts all call the same methods,
and every command appends the engine code that does the same to the code log.
No Qt here: the window observes a session through the plain callbacks of its
events and by polling the engine's change counters.

Events
------
model_opened(label)
    A new ``net`` is open (an example id, a file path or ``"console"``).
selection_changed(path)
    The selected access path (``net[0].weight``), or None.
code_logged(code)
    A command ran; ``code`` is the engine code that does the same.
printed(text)
    Text the model's own code printed (shown in the console).
"""

from __future__ import annotations

import ast
import os

from engine import autograd, np
from engine.gluon import Block, Parameter

from . import examples
from .block_tree import TreeNode, build_tree, find_node
from .model_loading import LoadedModel, ModelLoadError, load_model_file

__all__ = ["Session", "Event", "ModelLoadError"]


class Event:
    """A list of callbacks; ``emit`` calls each with the event's arguments."""

    def __init__(self) -> None:
        self._callbacks: list = []

    def connect(self, callback) -> None:
        self._callbacks.append(callback)

    def disconnect(self, callback) -> None:
        self._callbacks.remove(callback)

    def emit(self, *args) -> None:
        for callback in list(self._callbacks):
            callback(*args)


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
    code_log : list of str
        Engine code of every command so far.
    """

    def __init__(self) -> None:
        self.net: Block | None = None
        self.source: str | None = None
        self.demo_input = None
        self.demo_labels = None
        self.selected_path: str | None = None
        self.code_log: list[str] = []
        self.model_opened = Event()
        self.selection_changed = Event()
        self.code_logged = Event()
        self.printed = Event()
        self._tree: TreeNode | None = None
        self._tree_key = None

    # ------------------------------------------------------------------ models
    def open_example(self, name: str) -> Block:
        """Open a shipped example by id (``'mlp'``, ``'rgnet'``, ...; see ``examples.EXAMPLES``).

        Raises KeyError for an unknown id and ``examples.ExampleUnavailableError``
        when the engine lacks a layer it needs; the open model stays as it was.
        """
        path = examples.example_path(name)
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
        loaded = load_model_file(path)
        self._adopt(loaded, os.path.abspath(path),
                    f"exec(open({os.path.abspath(path)!r}).read()){_build_call(loaded)}")
        return self.net

    def use_net(self, net: Block, source: str = "console") -> None:
        """Make ``net`` (built elsewhere, e.g. typed in the console) the open model."""
        if not isinstance(net, Block):
            raise TypeError(f"net must be a Block, not {type(net).__name__}")
        if net is self.net:
            return
        self._adopt(LoadedModel(net, source), source, None)

    def _adopt(self, loaded: LoadedModel, source: str, code: str | None) -> None:
        self.net = loaded.net
        self.source = source
        self.demo_input = loaded.demo_input
        self.demo_labels = loaded.demo_labels
        self.selected_path = None
        self._tree = None
        if loaded.output:
            self.printed.emit(loaded.output)
        if code:
            self.log(code)
        self.model_opened.emit(source)
        self.selection_changed.emit(None)

    # ---------------------------------------------------------------- the tree
    def tree(self) -> TreeNode:
        """The block tree of ``net`` (rebuilt only after a structural change)."""
        key = (id(self.net), self.net.structure_version if self.net is not None else None)
        if self._tree is None or key != self._tree_key:
            if self.net is None:
                raise RuntimeError("No model is open")
            self._tree = build_tree(self.net)
            self._tree_key = key
        return self._tree

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
            self.selection_changed.emit(None)
            return None
        node = find_node(self.tree(), path)
        if node is None:
            raise KeyError(f"Nothing in net is reached by {path!r}; use an access path such "
                           f"as 'net[0].weight' or a parameter name such as "
                           f"'{self._any_param_name()}'")
        if node.path != self.selected_path:
            self.selected_path = node.path
            self.log(f"{node.path}.data()" if node.is_param else node.path)
            self.selection_changed.emit(node.path)
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
        because every network of the chapter takes 20 features.
        """
        if self.net is None:
            raise RuntimeError("No model is open")
        if x is None:
            x = self.demo_input
        if x is None:
            shape = self.default_input_shape()
            x = np.random.uniform(size=shape)
            self.demo_input = x
            self.demo_labels = None
            self.log(f"x = np.random.uniform(size={shape})")
        out = self.net(x)
        self.log("net(x)")
        return out

    def default_input_shape(self, batch: int = 2) -> tuple:
        """The shape of a batch ``net`` can take when the model file left none.

        Read from the first layer's weight when its shape is known: a Dense
        weight ``(units, in_units)`` takes ``(batch, in_units)``, a Conv2D
        weight ``(out, in, kh, kw)`` takes 28×28 images (or larger, for large
        kernels) with ``in`` channels. Otherwise the chapter's 20 features.
        """
        params = list(self.net.collect_params().values()) if self.net is not None else []
        weight = next((p for p in params if p.shape is not None and len(p.shape) >= 2), None)
        shape = tuple(weight.shape) if weight is not None else ()
        if len(shape) == 2 and shape[1] > 0:
            return (batch, int(shape[1]))
        if len(shape) == 4 and shape[1] > 0:
            side = max(28, 4 * max(int(shape[2]), int(shape[3])))
            return (batch, int(shape[1]), side, side)
        return (batch, 20)

    def compute_gradients(self, batch=None):
        """Run one batch forward and backward through a loss, filling every ``grad()``.

        Model → Forward + backward (one batch). The logged code is what a
        learner would type: ``with autograd.record(): loss = loss_fn(net(x), y)``
        then ``loss.backward()``.

        Parameters
        ----------
        batch : (x, y) or x, optional
            The batch. By default, when the model takes feature vectors (its
            demo batch is 2-D, or it has none: the chapter's 20 features),
            16 labelled examples of ``engine.data.teacher(num_inputs=width,
            num_classes=10)``, a task a network of that width can learn;
            otherwise the model file's demo batch, without labels.

        The loss: ``SoftmaxCrossEntropyLoss`` when the labels are class indices
        and the output has a column per class (the chapter's MLP: 10 outputs,
        10 classes); ``L2Loss`` against float labels of the output's shape;
        otherwise ``L2Loss`` against zeros, i.e. "every output should be 0",
        whose gradient at the output is the output itself.

        Returns
        -------
        ndarray
            The loss of each example.
        """
        if self.net is None:
            raise RuntimeError("No model is open")
        setup = []
        if batch is None:
            x, y, setup = self._default_labelled_batch()
        elif isinstance(batch, (tuple, list)) and len(batch) == 2:
            (x, y), setup = batch, ["# x, y: the batch given to session.compute_gradients"]
        else:
            x, y, setup = batch, None, ["# x: the batch given to session.compute_gradients"]
        from engine.gluon import loss as gluon_loss

        with autograd.record():
            out = self.net(x)
            if _is_class_labels(y, out):
                loss_fn, loss_code = gluon_loss.SoftmaxCrossEntropyLoss(), \
                    "gluon.loss.SoftmaxCrossEntropyLoss()"
                loss, call = loss_fn(out, y), "loss = loss_fn(net(x), y)"
            elif y is not None and getattr(y, "shape", None) == out.shape:
                loss_fn, loss_code = gluon_loss.L2Loss(), "gluon.loss.L2Loss()"
                loss, call = loss_fn(out, y), "loss = loss_fn(net(x), y)"
            else:
                loss_fn, loss_code = gluon_loss.L2Loss(), \
                    "gluon.loss.L2Loss()  # no labels: pull every output towards 0"
                loss = loss_fn(out, np.zeros_like(out))
                call = "out = net(x)\n    loss = loss_fn(out, np.zeros_like(out))"
        loss.backward()
        self.log("\n".join(setup + [f"loss_fn = {loss_code}", "with autograd.record():",
                                     f"    {call}", "loss.backward()"]))
        return loss

    def _default_labelled_batch(self):
        """``(x, y, code)``: teacher data for feature-vector models, else the demo batch."""
        demo = self.demo_input
        if demo is not None and self.demo_labels is not None:
            return demo, self.demo_labels, ["# x, y: the labelled batch the model file left"]
        if demo is not None and len(getattr(demo, "shape", ())) != 2:
            return demo, None, ["# x: the batch the model file left in `x`"]
        if demo is None and len(self.default_input_shape()) == 4:
            shape = self.default_input_shape()
            x = np.random.uniform(size=shape)
            return x, None, [f"x = np.random.uniform(size={shape})"]
        from engine import data

        width = int(demo.shape[1]) if demo is not None else self.default_input_shape()[1]
        x, y, _, _ = data.teacher(num_inputs=width, num_classes=10, num_examples=16,
                                  test_fraction=0)
        return x, y, ["from engine import data",
                      f"x, y, _, _ = data.teacher(num_inputs={width}, num_classes=10, "
                      f"num_examples=16, test_fraction=0)"]

    def collect_params(self, select: str | None = None):
        """``net.collect_params(select)``, logged (what the tree's filter box shows)."""
        params = self.net.collect_params(select)
        self.log(f"net.collect_params({select!r})" if select else "net.collect_params()")
        return params

    # ------------------------------------------------------------------- logging
    def log(self, code: str) -> None:
        """Append ``code`` to the code log."""
        self.code_log.append(code)
        self.code_logged.emit(code)


def _is_class_labels(y, out) -> bool:
    """Whether ``y`` holds one class index per example, each a column of ``out``."""
    if y is None or len(out.shape) != 2 or tuple(y.shape) != (out.shape[0],):
        return False
    values = y.asnumpy() if hasattr(y, "asnumpy") else y
    return (values.dtype.kind in "iu" and values.size > 0 and int(values.min()) >= 0
            and int(values.max()) < out.shape[1])


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
