"""``engine.optimizer``: weight-update rules (MXNet 1.9.1 ``mxnet.optimizer``).

``create('sgd', learning_rate=0.1)`` builds a registered optimizer by name
(case-insensitive); ``@register`` adds a new one. Each optimizer writes its
update into the weight's buffer in place and bumps the weight's version.
"""

from .adagrad import AdaGrad
from .adam import Adam
from .base import Optimizer, Updater, create, get_updater, register
from .nag import NAG
from .rmsprop import RMSProp
from .sgd import SGD

__all__ = [
    "Optimizer",
    "Updater",
    "create",
    "get_updater",
    "register",
    "SGD",
    "NAG",
    "Adam",
    "RMSProp",
    "AdaGrad",
]
