"""Models that fit the training data: a fresh MLP for it, or an output layer added to the open one.

These are the fixes :func:`~explorer.core.training_data.fit_problems` offers.
Each returns the engine code that does the same, for the code log.
"""

from __future__ import annotations

from engine import init as engine_init
from engine.gluon import Block, nn

__all__ = ["build_mlp", "output_layer_work", "initializer_code"]


def initializer_code(initializer) -> str:
    """``init.Xavier(...)`` for an engine initializer (its repr), else a comment."""
    if initializer is None:
        return ""
    if type(initializer).__module__.startswith("engine"):
        return f"init.{initializer!r}"
    return f"{type(initializer).__name__}()"


def build_mlp(
    input_width: int, output_width: int, hidden=(16, 16), activation: str = "tanh", initializer=None
) -> tuple[Block, str]:
    """A Sequential of Dense layers sized for the data, initialized; ``(net, code)``."""
    initializer = engine_init.Xavier() if initializer is None else initializer
    net = nn.Sequential()
    widths = [input_width, *hidden]
    layers, lines = [], []
    for units, fan_in in zip(hidden, widths):
        layers.append(nn.Dense(units, activation=activation, in_units=fan_in))
        lines.append(f"        nn.Dense({units}, activation={activation!r}, in_units={fan_in}),")
    layers.append(nn.Dense(output_width, in_units=widths[-1]))
    lines.append(f"        nn.Dense({output_width}, in_units={widths[-1]}))")
    net.add(*layers)
    net.initialize(initializer)
    code = "\n".join(
        [
            "from engine import init",
            "from engine.gluon import nn",
            "net = nn.Sequential()",
            "net.add(" + lines[0].strip(),
            *lines[1:],
            f"net.initialize({initializer_code(initializer)})",
        ]
    )
    return net, code


def output_layer_work(net: Block, units: int):
    """``(work, code)`` adding ``Dense(units)`` after the last layer of a Sequential."""
    if not isinstance(net, nn.Sequential):
        raise TypeError(
            f"Only a Sequential can get another layer added ({type(net).__name__} "
            f"defines its own forward); build one for the data with "
            f"session.new_mlp()."
        )
    weights = [p for p in net.collect_params().values() if p.shape and len(p.shape) == 2]
    fan_in = int(weights[-1].shape[0]) if weights else 0
    index = len(net)

    def work():
        net.add(nn.Dense(units, in_units=fan_in))
        net[index].initialize(engine_init.Xavier())

    code = f"net.add(nn.Dense({units}, in_units={fan_in}))\nnet[{index}].initialize(init.Xavier())"
    return work, code
