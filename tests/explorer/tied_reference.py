"""The tied example's two uses of its shared layer, computed separately (a reference).

The ``tied`` example is Dense(8, relu) → shared Dense(8, relu) used twice →
Dense(10). :func:`uses_of_the_shared_weight` rebuilds it with four separate
layers holding the given weights, runs one softmax cross-entropy backward pass,
and returns the gradients of the second and third layers: the shared weight's
two uses, whose sum the tied model's gradient must equal.
"""

from engine import autograd, init, np
from engine.gluon import loss as gloss
from engine.gluon import nn


def layer_weights(net) -> list:
    """Copies of ``net[i].weight`` and ``net[i].bias`` for the four layers, before a step."""
    return [
        (net[i].weight.data().asnumpy().copy(), net[i].bias.data().asnumpy().copy())
        for i in range(4)
    ]


def uses_of_the_shared_weight(weights, X, y):
    """``(first use, second use)`` of the shared weight's gradient on the batch ``X, y``."""
    untied = nn.Sequential()
    untied.add(
        nn.Dense(8, activation="relu", in_units=20),
        nn.Dense(8, activation="relu", in_units=8),
        nn.Dense(8, activation="relu", in_units=8),
        nn.Dense(10, in_units=8),
    )
    untied.initialize(init.Zero())
    for i, (w, bias) in enumerate(weights):
        untied[i].weight.set_data(np.array(w))
        untied[i].bias.set_data(np.array(bias))
    with autograd.record():
        loss = gloss.SoftmaxCrossEntropyLoss()(untied(X), y)
    loss.backward()
    return tuple(untied[i].weight.grad().asnumpy() for i in (1, 2))
