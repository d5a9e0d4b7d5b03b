"""The menu of data sets: ids, descriptions and factories, for the app and the console."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from . import generators
from . import linear as _linear
from . import optdigits as _digits
from . import playground_classification as _cls
from . import playground_regression as _reg
from . import teacher_mlp as _teacher
from .split import Split


@dataclass(frozen=True)
class DatasetInfo:
    """What the app needs to list a data set and build it.

    Attributes
    ----------
    id : str
        Registry key, e.g. ``'two-gaussians'``.
    title : str
        Short human-readable name for a menu.
    description : str
        One sentence for a tooltip.
    task : str
        ``'classification'`` or ``'regression'``.
    input_shape : tuple of int
        Shape of one sample with the default arguments.
    num_classes : int or None
        Number of classes, ``None`` for regression.
    output_shape : tuple of int
        Shape of one target: ``()`` for class indices, ``(1,)`` for regression.
    factory : callable
        ``factory(**kwargs) -> Split`` of engine arrays.
    numpy_factory : callable
        The same with NumPy arrays.
    """

    id: str
    title: str
    description: str
    task: str
    input_shape: tuple[int, ...]
    num_classes: int | None
    output_shape: tuple[int, ...]
    factory: Callable[..., Split]
    numpy_factory: Callable[..., Split]

    def load(self, **kwargs) -> Split:
        """Build the data set with engine arrays (``numpy=True`` for NumPy arrays)."""
        numpy = kwargs.pop("numpy", False)
        return (self.numpy_factory if numpy else self.factory)(**kwargs)


class UnknownDatasetError(ValueError, KeyError):
    """An id that is not in the registry; both a ValueError and a KeyError."""

    def __str__(self) -> str:
        # KeyError would quote the whole message; show it as written.
        return str(self.args[0])


class _Registry(Mapping):
    """A read-only mapping from id to :class:`DatasetInfo` in menu order."""

    def __init__(self, infos):
        self._infos = {info.id: info for info in infos}

    def __getitem__(self, dataset_id: str) -> DatasetInfo:
        try:
            return self._infos[dataset_id]
        except KeyError:
            choices = ", ".join(repr(k) for k in self._infos)
            raise UnknownDatasetError(
                f"unknown dataset id {dataset_id!r}; choose one of {choices}"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)

    def __repr__(self) -> str:
        return f"DATASETS({', '.join(self._infos)})"


DATASETS = _Registry(
    [
        DatasetInfo(
            "linear", "Synthetic linear", "y = 2 x1 - 3.4 x2 + 4.2 + noise (D2L chapter 3).",
            "regression", (2,), None, (1,),
            generators.synthetic_linear, _linear.synthetic_linear,
        ),
        DatasetInfo(
            "circle", "Circle", "A disc of one class inside a ring of the other.",
            "classification", (2,), 2, (),
            generators.circle, _cls.circle,
        ),
        DatasetInfo(
            "xor", "Exclusive or", "Opposite quadrants share a class.",
            "classification", (2,), 2, (),
            generators.xor, _cls.xor,
        ),
        DatasetInfo(
            "two-gaussians", "Two Gaussians", "Two Gaussian blobs, one per class.",
            "classification", (2,), 2, (),
            generators.two_gaussians, _cls.two_gaussians,
        ),
        DatasetInfo(
            "spiral", "Spiral", "Two interleaved spiral arms.",
            "classification", (2,), 2, (),
            generators.spiral, _cls.spiral,
        ),
        DatasetInfo(
            "plane", "Plane", "A tilted plane, y = (x1 + x2) / 10.",
            "regression", (2,), None, (1,),
            generators.plane, _reg.plane,
        ),
        DatasetInfo(
            "multi-gaussian", "Multi Gaussian", "Six bumps of alternating sign.",
            "regression", (2,), None, (1,),
            generators.multi_gaussian, _reg.multi_gaussian,
        ),
        DatasetInfo(
            "teacher", "Teacher network",
            "20 inputs labelled by a fixed random MLP into 10 classes.",
            "classification", (20,), 10, (),
            generators.teacher, _teacher.teacher,
        ),
        DatasetInfo(
            "digits", "Handwritten digits",
            "1,797 8x8 images of digits 0-9 (UCI optdigits, CC BY 4.0).",
            "classification", (1, 8, 8), 10, (),
            generators.digits, _digits.digits,
        ),
    ]
)  # fmt: skip


def load_dataset(dataset_id: str, numpy: bool = False, **kwargs) -> Split:
    """Build a registered data set by id.

    Parameters
    ----------
    dataset_id : str
        A key of :data:`DATASETS`.
    numpy : bool, default False
        Return NumPy arrays instead of engine arrays.
    **kwargs
        Passed to the factory (``seed``, ``noise``, ``test_fraction``, ...).

    Returns
    -------
    Split

    Raises
    ------
    ValueError
        For an unknown id (the message lists the known ones).
    """
    return DATASETS[dataset_id].load(numpy=numpy, **kwargs)
