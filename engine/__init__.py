"""ParamScope's engine: a NumPy re-implementation of MXNet 1.x Gluon (``npx.set_np()``).

``from engine import np, npx, init, autograd, gluon`` and ``from engine.gluon import nn``
run D2L's Gluon code with ``mxnet`` replaced by ``engine``.
"""

import sys as _sys

from . import autograd, gluon, initializer, np, npx, optimizer
from . import initializer as init
from . import random_state as random
from .context import Context, cpu, gpu, num_gpus

# ``mxnet.np`` is another name of the module ``mxnet.numpy``; so is ``engine.numpy``,
# and the array type reports it as its home, as ``type(x)`` does in MXNet.
numpy = np
_sys.modules[__name__ + ".numpy"] = np
np.ndarray.__module__ = __name__ + ".numpy"

__all__ = [
    "np",
    "numpy",
    "npx",
    "init",
    "initializer",
    "autograd",
    "gluon",
    "optimizer",
    "cpu",
    "gpu",
    "num_gpus",
    "Context",
    "random",
]
__version__ = "0.1.0"
