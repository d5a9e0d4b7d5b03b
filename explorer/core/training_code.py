"""The engine code a training run stands for, as the code log shows it.

A run's code is a plain Gluon training loop (``trainer = gluon.Trainer(...)``,
``with autograd.record(): ...``, ``trainer.step(batch_size)``) that runs as
it is after the code before it in the log. The set-up comes in three parts
(data and batches, loss, trainer), each written again only when it differs
from the last run in effect, so consecutive runs read as one script that
keeps its optimizer state and its batch order as the app does: a new
optimizer starts a new trainer but continues the epoch.
"""

from __future__ import annotations

__all__ = ["LOSSES", "OPTIMIZERS", "SETUP_IMPORT", "loss_code", "setup_code", "loop_code"]

# Registry name -> the constructor a learner types.
LOSSES = {
    "softmax_cross_entropy": "gluon.loss.SoftmaxCrossEntropyLoss()",
    "l2": "gluon.loss.L2Loss()",
    "l1": "gluon.loss.L1Loss()",
    "sigmoid_binary_cross_entropy": "gluon.loss.SigmoidBinaryCrossEntropyLoss()",
}
OPTIMIZERS = ("sgd", "nag", "adam", "rmsprop", "adagrad")


def loss_code(name: str) -> str:
    return LOSSES[name]


def setup_code(
    data_code: str,
    loss_name: str,
    optimizer: str,
    hyperparameters: dict,
    batch_size: int,
    seed: int,
    label_cast: str = "",
) -> dict:
    """What a run needs defined before its loop, by part: ``{"data": ..., "loss": ...,
    "trainer": ...}`` (each part's lines; see :data:`SETUP_IMPORT` for their import)."""
    params = ", ".join(f"{k!r}: {v!r}" for k, v in hyperparameters.items())
    data_lines = [data_code]
    if label_cast:
        data_lines.append(label_cast)
    data_lines += [
        f"batch_size = {batch_size}",
        "train_iter = data.DataLoader(data.ArrayDataset(X_train, y_train), batch_size,",
        f"                             shuffle=True, last_batch='discard', seed={seed})",
        "batches = iter(())",
    ]
    return {
        "data": "\n".join(data_lines),
        "loss": f"loss_fn = {loss_code(loss_name)}",
        "trainer": f"trainer = gluon.Trainer(net.collect_params(), {optimizer!r}, {{{params}}})",
    }


SETUP_IMPORT = "from engine import autograd, data, gluon"


def loop_code(steps: int) -> str:
    """``steps`` training steps, each on the next batch (a new epoch when the batches run out)."""
    return "\n".join(
        [
            f"for step in range({steps}):",
            "    X, y = next(batches, (None, None))",
            "    if X is None:  # a new epoch: reshuffle",
            "        batches = iter(train_iter)",
            "        X, y = next(batches)",
            "    with autograd.record():",
            "        loss = loss_fn(net(X), y)",
            "    loss.backward()",
            "    trainer.step(batch_size)",
        ]
    )
