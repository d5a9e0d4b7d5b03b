"""``engine.gluon.nn``: Block, Sequential and the layers."""

from ..block import Block, HybridBlock
from .basic_layers import (
    Activation,
    Dense,
    Dropout,
    Flatten,
    HybridLambda,
    HybridSequential,
    Identity,
    Lambda,
    Sequential,
)

__all__ = ["Block", "HybridBlock", "Sequential", "HybridSequential", "Dense", "Activation",
           "Flatten", "Dropout", "Lambda", "HybridLambda", "Identity"]
