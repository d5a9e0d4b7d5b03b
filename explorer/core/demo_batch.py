"""The one batch Model → Forward + backward runs, and the loss it goes through.

Kept apart from the session: which data a model can take (read from its first
layer), which labels to use (the model file's, else a teacher task a network
of that width can learn) and which loss fits them.
"""

from __future__ import annotations

from engine import np

__all__ = ["default_input_shape", "labelled_batch", "is_class_labels"]


def default_input_shape(net, batch: int = 2) -> tuple:
    """The shape of a batch ``net`` can take when the model file left none.

    Read from the first layer's weight when its shape is known: a Dense
    weight ``(units, in_units)`` takes ``(batch, in_units)``, a Conv2D weight
    ``(out, in, kh, kw)`` takes 28×28 images (or larger, for large kernels)
    with ``in`` channels. Otherwise the chapter's 20 features.
    """
    params = list(net.collect_params().values()) if net is not None else []
    weight = next((p for p in params if p.shape is not None and len(p.shape) >= 2), None)
    shape = tuple(weight.shape) if weight is not None else ()
    if len(shape) == 2 and shape[1] > 0:
        return (batch, int(shape[1]))
    if len(shape) == 4 and shape[1] > 0:
        side = max(28, 4 * max(int(shape[2]), int(shape[3])))
        return (batch, int(shape[1]), side, side)
    return (batch, 20)


def labelled_batch(net, demo_input, demo_labels, names=("x", "y")):
    """``(x, y, code_lines, description)``: the model file's batch (and labels), else a
    teacher task.

    The file's own batch is used whenever it left one, so forward and
    backward see the same data (an Embedding's integer indices included);
    ``y`` is None when it left no labels. Without a batch, a model taking
    feature vectors gets 16 labelled examples of a teacher task of its width,
    an image model U(0, 1) images. ``code_lines`` make the same batch in a
    script: they always bind ``x`` (and ``y``), so the log never leans on an
    earlier, unrelated ``x``. ``description`` says where the batch came from.
    """
    x_name, y_name = names
    if demo_input is not None and not x_name.isidentifier():
        # An expression over the training data (session.new_mlp: ``X_train[:16]``),
        # whose code the model's own logged code defines.
        code = [f"x = {x_name}  # the first training examples"]
        described = "the first training examples"
        if demo_labels is not None:
            code.append(f"y = {y_name}")
            described += " and their labels"
        return demo_input, demo_labels, code, described
    if demo_input is not None:
        code = [
            f"x = {x_name}  # the batch the model file left in `{x_name}`"
            if x_name != "x"
            else "# x: the batch the model file left in `x`"
        ]
        described = f"the file's {x_name}"
        if demo_labels is not None:
            code.append(f"y = {y_name}" if y_name != "y" else "# y: the model file's labels")
            described += f" and {y_name}"
        return demo_input, demo_labels, code, described
    if len(default_input_shape(net)) == 4:
        shape = default_input_shape(net)
        x = np.random.uniform(size=shape)
        return x, None, [f"x = np.random.uniform(size={shape})"], "random images"
    from engine import data

    width = default_input_shape(net)[1]
    x, y, _, _ = data.teacher(num_inputs=width, num_classes=10, num_examples=16, test_fraction=0)
    return (
        x,
        y,
        [
            "from engine import data",
            f"x, y, _, _ = data.teacher(num_inputs={width}, num_classes=10, "
            f"num_examples=16, test_fraction=0)",
        ],
        f"a teacher task of width {width}",
    )


def is_class_labels(y, out) -> bool:
    """Whether ``y`` holds one class index per example, each a column of ``out``."""
    if y is None or len(out.shape) != 2 or tuple(y.shape) != (out.shape[0],):
        return False
    values = y.asnumpy() if hasattr(y, "asnumpy") else y
    return (
        values.dtype.kind in "iu"
        and values.size > 0
        and int(values.min()) >= 0
        and int(values.max()) < out.shape[1]
    )


def loss_and_code(x, y, net):
    """Run ``net`` on ``x`` and a fitting loss (inside ``record()``); ``(loss, code_lines)``."""
    from engine.gluon import loss as gluon_loss

    out = net(x)
    if is_class_labels(y, out):
        return gluon_loss.SoftmaxCrossEntropyLoss()(out, y), [
            "loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()",
            "with autograd.record():",
            "    loss = loss_fn(net(x), y)",
        ]
    if y is not None and getattr(y, "shape", None) == out.shape:
        return gluon_loss.L2Loss()(out, y), [
            "loss_fn = gluon.loss.L2Loss()",
            "with autograd.record():",
            "    loss = loss_fn(net(x), y)",
        ]
    return gluon_loss.L2Loss()(out, np.zeros_like(out)), [
        "loss_fn = gluon.loss.L2Loss()  # no labels: pull every output towards 0",
        "with autograd.record():",
        "    out = net(x)",
        "    loss = loss_fn(out, np.zeros_like(out))",
    ]
