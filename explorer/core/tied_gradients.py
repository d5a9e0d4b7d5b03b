"""How much each use of a shared parameter adds to its gradient.

Qt-free. A parameter used twice (a block reused in ``forward``, or two blocks
tied with ``params=shared.params``) gets the *sum* of two gradients. To show
the parts: one forward pass is recorded with hooks
(:func:`~explorer.core.forward_trace.trace_forward`), the loss's gradient with
respect to each use's output ``dL/dy_k`` is taken with ``autograd.grad``,
and the using block is run again on that use's (detached) input:
``autograd.grad(y_k, W, head_grads=dL/dy_k)`` is exactly that use's part.
``autograd.grad`` leaves every ``.grad()`` untouched and the pass runs in
predict mode, so the model is not changed (checked by the trace).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as onp

from engine import autograd
from engine.gluon import Parameter

from .demo_batch import loss_and_code
from .forward_trace import TraceError, _arrays, model_counters, trace_forward

__all__ = ["GradientUse", "GradientSplit", "split_gradient"]


@dataclass
class GradientUse:
    """One use of the parameter: the call, and the gradient it contributes."""

    path: str
    use: int
    uses: int
    contribution: onp.ndarray

    @property
    def label(self) -> str:
        return self.path if self.uses == 1 else f"{self.path} (call {self.use} of {self.uses})"


@dataclass
class GradientSplit:
    """The parts of one parameter's gradient and their sum (``total``, one backward pass)."""

    uses: list[GradientUse]
    total: onp.ndarray
    loss_name: str

    @property
    def sum_of_uses(self) -> onp.ndarray:
        return onp.sum([u.contribution for u in self.uses], axis=0)


def split_gradient(net, tree, param: Parameter, batch, labels=None) -> GradientSplit:
    """Each use's part of ``param``'s gradient for one batch (see the module docstring).

    Raises
    ------
    TraceError
        The model cannot be traced, the parameter has no gradient, or no
        traced block uses it.
    """
    if param.grad_req == "null":
        raise TraceError(f"{param.name} has grad_req='null': it has no gradient to split")
    names = []

    def loss_of(out):
        loss, code = loss_and_code(batch, labels, lambda _x: out)
        names.extend(code)
        return loss

    counters = model_counters(net, tree)
    trace = trace_forward(net, tree, batch, record=True, loss=loss_of)
    using = [c for c in trace.calls if id(param) in c.param_names]
    if not using:
        raise TraceError(f"No block called in forward uses {param.name}")
    weight = param.data()
    total = autograd.grad(trace.loss, [weight], retain_graph=True)[0].asnumpy()
    uses = []
    for call in using:
        output = trace.live_outputs[call.index][0]
        head_grad = autograd.grad(trace.loss, [output], retain_graph=True)[0]
        inputs = trace.live_inputs[call.index]
        with autograd.record(train_mode=False):
            again = _arrays(call.block(*inputs))[0]
        part = autograd.grad(again, [weight], head_grads=head_grad)[0].asnumpy()
        uses.append(GradientUse(call.path, call.use, call.uses, part))
    if model_counters(net, tree) != counters:
        raise TraceError("Splitting the gradient changed the model; nothing is shown")
    loss_name = next(
        (line.split("gluon.loss.")[1].split("(")[0] for line in names if "gluon.loss." in line),
        "the loss",
    )
    return GradientSplit(uses, total, loss_name)
