"""Run a model file (a learner's ``.py`` or a shipped example) and take its Block.

A model file defines ``net`` (a Block) or a function ``build()`` returning one.
If it also leaves a batch in ``x`` or ``X`` (as the D2L code does), that batch
is the model's demo input for :meth:`Session.forward`. What the file prints is
captured and handed back, so the console can show it.
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass, field

from engine.gluon import Block
from engine.ndarray import ndarray

from .source_file import read_source_file
from .user_code import RUNNER, UserCodeBusyError, format_user_traceback, summary, user_line

__all__ = [
    "LoadedModel",
    "ModelLoadError",
    "UserCodeBusyError",
    "load_model_file",
    "load_model_source",
]


@dataclass
class LoadedModel:
    """A Block taken from a model file, with what came with it."""

    net: Block
    path: str
    demo_input: ndarray | None = None
    output: str = ""
    # Labels of the demo batch (``y``/``Y`` in the file), one per example, when given.
    demo_labels: ndarray | None = None
    namespace: dict = field(default_factory=dict, repr=False)
    # The file's names for them (``x`` or ``X``; ``y`` or ``Y``), for the logged code.
    demo_names: tuple = ("x", "y")


class ModelLoadError(Exception):
    """A model file failed to run or defines no Block.

    ``str(error)`` is one line naming the file and line (``model.py, line 3:
    NameError: ...``); ``details`` is the full traceback and captured output.
    """

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details or message


def _user_frame_line(exc: BaseException, filename: str) -> str:
    """``name.py, line N: ExcType: message`` for the deepest frame in the user's file."""
    short = os.path.basename(filename)
    lineno = user_line(exc, filename)
    where = f"{short}, line {lineno}" if lineno is not None else short
    return f"{where}: {summary(exc)}"


def _run_model_code(source: str, filename: str, namespace: dict):
    """Compile and run the file, then call ``build()`` if it defines no Block ``net``."""
    code = compile(source, filename, "exec")
    exec(code, namespace)
    net = namespace.get("net")
    if not isinstance(net, Block) and callable(namespace.get("build")):
        net = namespace["build"]()
    return net


def load_model_source(source: str, filename: str) -> LoadedModel:
    """Execute ``source`` as the file ``filename`` and return its Block.

    The code runs under :data:`explorer.core.user_code.RUNNER`: a runaway loop can be
    stopped, and ``sys.exit()`` or ``KeyboardInterrupt`` in it is an error like
    any other.

    Raises
    ------
    ModelLoadError
        If the code raises (any ``BaseException``), or defines neither a Block
        ``net`` nor ``build()``.
    UserCodeBusyError
        Other user code is running (a menu click while a console loop runs);
        nothing was run.
    """
    namespace = {"__name__": "__paramscope_model__", "__file__": filename}
    captured = io.StringIO()
    RUNNER.add_filename(filename)
    try:
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            net = RUNNER.run(_run_model_code, source, filename, namespace)
    except UserCodeBusyError:
        raise
    except BaseException as exc:  # user code: any error, SystemExit included, is reported
        details = captured.getvalue() + format_user_traceback(exc)
        raise ModelLoadError(_user_frame_line(exc, filename), details) from exc
    if not isinstance(net, Block):
        found = type(namespace.get("net")).__name__ if "net" in namespace else "nothing"
        raise ModelLoadError(
            f"{os.path.basename(filename)}: defines no Block: expected a variable `net` "
            f"(a Block) or a function `build()` returning one; `net` is {found}.",
            captured.getvalue(),
        )
    x_name = next((k for k in ("x", "X") if isinstance(namespace.get(k), ndarray)), None)
    y_name = next((k for k in ("y", "Y") if isinstance(namespace.get(k), ndarray)), None)
    demo = namespace[x_name] if x_name else None
    labels = namespace[y_name] if y_name else None
    if demo is None or labels is None or labels.shape[:1] != demo.shape[:1]:
        labels = None
    return LoadedModel(
        net,
        filename,
        demo,
        captured.getvalue(),
        namespace=namespace,
        demo_labels=labels,
        demo_names=(x_name or "x", y_name or "y"),
    )


def load_model_file(path: str) -> LoadedModel:
    """Read and run the model file at ``path`` (see :func:`load_model_source`)."""
    try:
        source = read_source_file(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelLoadError(f"{os.path.basename(path)}: cannot read the file: {exc}") from exc
    return load_model_source(source, os.path.abspath(path))
