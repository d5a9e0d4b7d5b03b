"""``engine.gluon``: blocks, parameters, layers, losses and the Trainer.

``loss`` and ``Trainer`` (with the optimizers behind it) load on first use
(``gluon.loss``, ``from engine.gluon import loss, Trainer``): a program that only
builds and inspects models, such as the explorer at start-up, does not pay for them.
"""

import importlib

from . import nn
from .block import Block, HybridBlock
from .parameter import Constant, DeferredInitializationError, Parameter
from .parameter_dict import ParameterDict

__all__ = [
    "nn",
    "loss",
    "Trainer",
    "Block",
    "HybridBlock",
    "Parameter",
    "Constant",
    "ParameterDict",
    "DeferredInitializationError",
]

_LAZY = {"loss": (".loss", None), "Trainer": (".trainer", "Trainer")}


def __getattr__(name):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module_name, attribute = _LAZY[name]
    module = importlib.import_module(module_name, __name__)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
