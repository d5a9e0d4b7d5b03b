"""The data a training run uses: a registered engine data set or a learner's CSV table.

:class:`TrainingData` holds NumPy copies (the worker cuts batches from them)
plus what the rest of training needs to know: the task (classification or
regression), the number of classes, and the engine code that builds the same
arrays, for the code log. :func:`fit_problems` says in words what does not fit
between the data and the open model (input width, number of outputs).
"""

from __future__ import annotations

import csv
import io
import os
import stat
from dataclasses import dataclass, field

import numpy as onp

from engine import data as engine_data
from engine.data.split import shuffle_split

__all__ = [
    "TrainingData",
    "DataLoadError",
    "load_registered",
    "load_csv",
    "fit_problems",
    "DATASET_IDS",
    "CSV_MAX_BYTES",
]

DATASET_IDS = tuple(engine_data.DATASETS)
CSV_MAX_BYTES = 50 * 2**20  # a learner's table; anything larger is refused before reading


class DataLoadError(ValueError):
    """The data set could not be built or read; nothing changed."""


@dataclass(eq=False)
class TrainingData:
    """Training and test arrays with what training needs to know about them.

    Attributes
    ----------
    name : str
        Registry id (``'spiral'``) or the CSV file's name.
    task : {'classification', 'regression'}
    num_classes : int or None
    X_train, y_train, X_test, y_test : numpy.ndarray
        float32 features; int64 class indices or float32 ``(n, 1)`` targets.
    code : str
        Engine code that builds the same arrays as ``X_train, y_train, X_test, y_test``.
    options : dict
        The options it was built with (noise, test_fraction, seed, ...).
    """

    name: str
    task: str
    num_classes: int | None
    X_train: onp.ndarray
    y_train: onp.ndarray
    X_test: onp.ndarray
    y_test: onp.ndarray
    code: str
    options: dict = field(default_factory=dict)

    def arrays(self) -> tuple:
        """``(X_train, y_train, X_test, y_test)`` as engine arrays, as the code log builds them."""
        from engine import np

        return tuple(np.array(a) for a in (self.X_train, self.y_train, self.X_test, self.y_test))

    @property
    def input_width(self) -> int:
        """Features per example once flattened (what a first Dense layer takes)."""
        return int(onp.prod(self.X_train.shape[1:]))

    @property
    def output_width(self) -> int:
        """Outputs the model needs: one per class, or one for regression."""
        return self.num_classes if self.task == "classification" else 1

    @property
    def is_2d(self) -> bool:
        """Two features per example: the decision boundary can be drawn."""
        return self.X_train.ndim == 2 and self.X_train.shape[1] == 2

    def describe(self) -> str:
        kind = (
            f"classification into {self.num_classes} classes"
            if self.task == "classification"
            else "regression (one number per example)"
        )
        return (
            f"{self.name}: {len(self.X_train)} training and {len(self.X_test)} test examples "
            f"of {self.input_width} features; {kind}"
        )


def load_registered(name: str, **options) -> TrainingData:
    """Build a registered engine data set (``engine.data.DATASETS``) by id.

    ``options`` go to the generator (``noise``, ``test_fraction``, ``seed``,
    ``num_examples``...). Raises :class:`DataLoadError` with the known ids or
    the generator's own complaint.
    """
    try:
        info = engine_data.DATASETS[name]
    except KeyError as exc:
        raise DataLoadError(str(exc)) from None
    try:
        split = info.load(numpy=True, **options)
    except TypeError as exc:
        raise DataLoadError(f"{name}: {exc}") from None
    X_train, y_train, X_test, y_test = (onp.asarray(a) for a in split)
    args = "".join(f", {k}={v!r}" for k, v in options.items())
    code = f"X_train, y_train, X_test, y_test = data.load_dataset({name!r}{args})"
    # The teacher takes num_classes; the registry lists its default.
    num_classes = int(options.get("num_classes", info.num_classes)) if info.num_classes else None
    return TrainingData(
        name,
        info.task,
        num_classes,
        X_train.astype(onp.float32),
        _labels(y_train, info.task),
        X_test.astype(onp.float32),
        _labels(y_test, info.task),
        code,
        dict(options),
    )


def _labels(y: onp.ndarray, task: str) -> onp.ndarray:
    if task == "classification":
        return y.astype(onp.int64).reshape(-1)
    return y.astype(onp.float32).reshape(len(y), 1)


def load_csv(
    path: str,
    target=None,
    test_fraction: float = 0.2,
    seed: int = 0,
    max_bytes: int = CSV_MAX_BYTES,
) -> TrainingData:
    """Read a numeric table (header row, comma separated) as training data.

    Parameters
    ----------
    path : str
        A regular file of at most ``max_bytes``; anything else is refused
        before it is read.
    target : str or int, optional
        The column to predict (name or index); by default the last column.
    test_fraction, seed
        The shuffled train/test split.

    The task is inferred: a target of whole numbers with at most 20 distinct
    values, which are 0..k-1, is classification into k classes; anything else
    is regression. :meth:`TrainingData.describe` says which.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise DataLoadError(f"Cannot read {path!r}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise DataLoadError(f"{path!r} is not a regular file (a table must be a .csv file)")
    if info.st_size > max_bytes:
        raise DataLoadError(
            f"{path!r} is {info.st_size / 2**20:.0f} MB; tables up to "
            f"{max_bytes / 2**20:.0f} MB can be trained on"
        )
    with open(path, encoding="utf-8", errors="replace", newline="") as file:
        text = file.read(max_bytes + 1)
    rows = [r for r in csv.reader(io.StringIO(text)) if r and any(c.strip() for c in r)]
    if len(rows) < 3:
        raise DataLoadError(f"{path!r} needs a header row and at least two rows of numbers")
    header, body = [c.strip() for c in rows[0]], rows[1:]
    if all(_is_number(c) for c in header):
        raise DataLoadError(f"{path!r}: the first row must name the columns")
    width = len(header)
    if width < 2:
        raise DataLoadError(f"{path!r} has one column; it needs features and a target")
    values = onp.empty((len(body), width), dtype=onp.float64)
    for i, row in enumerate(body):
        if len(row) != width:
            raise DataLoadError(f"{path!r} line {i + 2} has {len(row)} fields, the header {width}")
        for j, cell in enumerate(row):
            try:
                values[i, j] = float(cell)
            except ValueError:
                raise DataLoadError(
                    f"{path!r} line {i + 2}, column {header[j]!r}: {cell.strip()!r} is not a number"
                ) from None
    column = _target_column(header, target)
    y_raw = values[:, column]
    X = onp.delete(values, column, axis=1).astype(onp.float32)
    if not onp.isfinite(values).all():
        raise DataLoadError(f"{path!r} holds NaN or infinite values")
    distinct = onp.unique(y_raw)
    classes = (
        len(distinct) <= 20
        and onp.all(distinct == onp.round(distinct))
        and distinct.min() == 0
        and onp.array_equal(distinct, onp.arange(len(distinct)))
    )
    task = "classification" if classes and len(distinct) >= 2 else "regression"
    y = (
        y_raw.astype(onp.int64)
        if task == "classification"
        else y_raw.astype(onp.float32).reshape(-1, 1)
    )
    X_train, y_train, X_test, y_test = shuffle_split(
        X, y, test_fraction, onp.random.default_rng(seed)
    )
    code = (
        "from explorer.core.training_data import load_csv\n"
        f"X_train, y_train, X_test, y_test = load_csv({os.path.abspath(path)!r}, "
        f"target={header[column]!r}, test_fraction={test_fraction!r}, "
        f"seed={seed!r}).arrays()"
    )
    return TrainingData(
        os.path.basename(path),
        task,
        len(distinct) if task == "classification" else None,
        X_train,
        y_train,
        X_test,
        y_test,
        code,
        {"target": header[column], "test_fraction": test_fraction, "seed": seed},
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _target_column(header: list[str], target) -> int:
    if target is None:
        return len(header) - 1
    if isinstance(target, int):
        if not -len(header) <= target < len(header):
            raise DataLoadError(
                f"target column {target} is out of range (the table has {len(header)} columns)"
            )
        return target % len(header)
    if target not in header:
        raise DataLoadError(f"no column named {target!r}; the columns are {', '.join(header)}")
    return header.index(target)


def fit_problems(net, data: TrainingData, loss_name: str | None = None) -> list[tuple[str, str]]:
    """What does not fit between ``net`` and ``data``: ``[(message, fix_code), ...]``.

    Read from the first and last weights whose shapes are known (a deferred
    first layer takes any width). ``fix_code`` is a session call that would
    make it fit, or ``''`` when there is no one-line fix.
    """
    weights = [
        p
        for p in net.collect_params().values()
        if p.shape is not None and len(p.shape) >= 2 and p.grad_req != "null"
    ]
    problems = []
    if not weights:
        return problems
    first, last = weights[0], weights[-1]
    in_width = int(onp.prod(first.shape[1:])) if first.shape[1] > 0 else 0
    if in_width and in_width != data.input_width:
        problems.append(
            (
                f"The data has {data.input_width} features per example, but the first layer "
                f"({first.name}, weight {tuple(first.shape)}) takes {in_width}.",
                "session.new_mlp()",
            )
        )
    out_width = int(last.shape[0])
    wanted = data.output_width
    binary_sigmoid = (
        data.task == "classification"
        and data.num_classes == 2
        and out_width == 1
        and loss_name == "sigmoid_binary_cross_entropy"
    )
    if out_width != wanted and not binary_sigmoid:
        what = (
            f"{data.num_classes} classes (one output per class)"
            if data.task == "classification"
            else "one number per example"
        )
        problems.append(
            (
                f"The model ends in {out_width} outputs ({last.name}, weight "
                f"{tuple(last.shape)}), but {data.name} needs {what}.",
                f"session.add_output_layer({wanted})",
            )
        )
    return problems
