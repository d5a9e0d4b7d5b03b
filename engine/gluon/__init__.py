"""``engine.gluon``: blocks, parameters, layers, losses and the Trainer."""

from . import loss, nn
from .block import Block, HybridBlock
from .parameter import Constant, DeferredInitializationError, Parameter, ParameterDict
from .trainer import Trainer

__all__ = ["nn", "loss", "Trainer", "Block", "HybridBlock", "Parameter", "Constant",
           "ParameterDict", "DeferredInitializationError"]
