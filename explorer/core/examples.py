"""The example models of the Examples menu: the chapter's networks and D2L's blocks.

Each example is a readable model file under ``resources/examples/`` that a
learner can also open and edit; this module only lists them by id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = [
    "Example",
    "EXAMPLES",
    "DEFAULT_EXAMPLE",
    "ExampleUnavailableError",
    "example_path",
    "missing_layers",
    "get_example",
]

_REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES_DIR = os.path.join(_REPOSITORY, "resources", "examples")


class ExampleUnavailableError(Exception):
    """The example needs engine layers that do not exist (yet)."""


@dataclass(frozen=True)
class Example:
    """One entry of the Examples menu.

    Attributes
    ----------
    id : str
        What ``--example`` and ``session.open_example`` take.
    title : str
        The menu text.
    file : str
        The model file's name under ``resources/examples``.
    needs : tuple of str
        ``engine.gluon.nn`` layers the example uses beyond Dense.
    """

    id: str
    title: str
    file: str
    description: str
    needs: tuple[str, ...] = ()


EXAMPLES: dict[str, Example] = {
    e.id: e
    for e in [
        Example(
            "mlp",
            "MLP: Dense(256, relu), Dense(10)",
            "mlp.py",
            "The chapter's MLP, run on one batch.",
        ),
        Example(
            "rgnet",
            "rgnet: nested blocks",
            "rgnet.py",
            "Sequential of Sequentials from two block factories (5.2.1).",
        ),
        Example(
            "tied",
            "Tied layers: params=shared.params",
            "tied.py",
            "Two hidden layers sharing one weight (5.2.3).",
        ),
        Example(
            "mlp-class",
            "MLP as a Block subclass",
            "mlp_class.py",
            "Children as attributes: net.hidden, net.output (5.1).",
        ),
        Example(
            "mysequential",
            "MySequential: children by name",
            "mysequential.py",
            "A hand-written Sequential keyed by block name (5.1.2).",
        ),
        Example(
            "nestmlp", "NestMLP", "nestmlp.py", "A Block holding a Sequential and a Dense (5.1.3)."
        ),
        Example(
            "fancymlp",
            "FancyMLP: a constant and a reused layer",
            "fancymlp.py",
            "get_constant and one Dense used twice (5.1.3).",
        ),
        Example(
            "chimera",
            "chimera: NestMLP, Dense, FancyMLP",
            "chimera.py",
            "Blocks of every kind mixed in one Sequential (5.1.3).",
        ),
        Example(
            "digits-cnn",
            "Digits CNN: Conv2D, MaxPool2D",
            "digits_cnn.py",
            "A small conv net on the shipped 8x8 digits.",
            ("Conv2D", "MaxPool2D"),
        ),
    ]
}

DEFAULT_EXAMPLE = "mlp"


def get_example(example_id: str) -> Example:
    """The example called ``example_id``; KeyError listing the valid ids otherwise."""
    try:
        return EXAMPLES[example_id]
    except KeyError:
        raise KeyError(f"No example {example_id!r}; choose one of {', '.join(EXAMPLES)}") from None


def missing_layers(example_id: str) -> list[str]:
    """The layers this example needs that ``engine.gluon.nn`` does not have."""
    from engine.gluon import nn

    return [name for name in get_example(example_id).needs if not hasattr(nn, name)]


def example_path(example_id: str) -> str:
    """The model file of an example.

    Raises
    ------
    KeyError
        Unknown id.
    ExampleUnavailableError
        The engine lacks a layer the example needs (e.g. "needs Conv2D").
    """
    example = get_example(example_id)
    missing = missing_layers(example_id)
    if missing:
        raise ExampleUnavailableError(
            f"The {example_id} example needs {', '.join(missing)}, which engine.gluon.nn "
            f"does not have yet."
        )
    return os.path.join(EXAMPLES_DIR, example.file)
