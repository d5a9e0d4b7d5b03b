"""``engine.gluon.nn``: Block, Sequential and the layers."""

from ..block import Block, HybridBlock
from .activations import ELU, GELU, SELU, Activation, LeakyReLU, PReLU, Swish
from .basic_layers import (
    Dense,
    Dropout,
    Flatten,
    HybridLambda,
    HybridSequential,
    Identity,
    Lambda,
    Sequential,
)
from .conv_layers import AvgPool2D, Conv2D, GlobalAvgPool2D, GlobalMaxPool2D, MaxPool2D
from .embedding_layers import Embedding
from .norm_layers import BatchNorm, LayerNorm

__all__ = [
    "Block",
    "HybridBlock",
    "Sequential",
    "HybridSequential",
    "Dense",
    "Activation",
    "Flatten",
    "Dropout",
    "Lambda",
    "HybridLambda",
    "Identity",
    "Conv2D",
    "MaxPool2D",
    "AvgPool2D",
    "GlobalMaxPool2D",
    "GlobalAvgPool2D",
    "BatchNorm",
    "LayerNorm",
    "Embedding",
    "LeakyReLU",
    "PReLU",
    "ELU",
    "SELU",
    "Swish",
    "GELU",
]
