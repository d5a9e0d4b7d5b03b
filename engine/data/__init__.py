"""Data sets and mini-batching, in the spirit of ``mxnet.gluon.data``.

* :class:`ArrayDataset` and :class:`DataLoader` batch arrays for training.
* Generators return a :class:`Split` ``(X_train, y_train, X_test, y_test)`` of
  engine arrays: :func:`synthetic_linear`, the TensorFlow Playground sets
  (:func:`circle`, :func:`xor`, :func:`two_gaussians`, :func:`spiral`,
  :func:`plane`, :func:`multi_gaussian`), :func:`teacher` and :func:`digits`.
  Their NumPy versions live in the modules ``linear``,
  ``playground_classification``, ``playground_regression``, ``teacher_mlp`` and
  ``optdigits``.
* :data:`DATASETS` lists them all by id for menus; :func:`load_dataset` builds one.

Nothing here downloads: the digits ship in ``resources/digits``.
"""

from .dataloader import DataLoader
from .dataset import ArrayDataset, Dataset
from .generators import (
    circle,
    digits,
    multi_gaussian,
    plane,
    spiral,
    synthetic_linear,
    teacher,
    two_gaussians,
    xor,
)
from .optdigits import flatten_images
from .registry import DATASETS, DatasetInfo, UnknownDatasetError, load_dataset
from .split import Split

__all__ = [
    "DATASETS",
    "ArrayDataset",
    "DataLoader",
    "Dataset",
    "DatasetInfo",
    "Split",
    "UnknownDatasetError",
    "circle",
    "digits",
    "flatten_images",
    "load_dataset",
    "multi_gaussian",
    "plane",
    "spiral",
    "synthetic_linear",
    "teacher",
    "two_gaussians",
    "xor",
]
