"""``engine.gluon``: blocks, parameters, layers, losses and the Trainer."""

from . import nn
from .block import Block, HybridBlock
from .parameter import Constant, DeferredInitializationError, Parameter, ParameterDict

__all__ = ["nn", "Block", "HybridBlock", "Parameter", "Constant", "ParameterDict",
           "DeferredInitializationError"]
