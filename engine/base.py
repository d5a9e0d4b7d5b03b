"""Errors shared across the engine."""


class MXNetError(RuntimeError):
    """An error MXNet raises from its core (shape inference, autograd state).

    The engine keeps MXNet's exception type so code that catches ``MXNetError``
    (and scripts that print the type) behaves the same; messages explain more.
    """
