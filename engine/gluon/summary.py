"""``Block.summary``: MXNet's layer table for one forward pass."""

from __future__ import annotations

from collections import OrderedDict


def _shape_text(args) -> str:
    def flatten(value):
        if not isinstance(value, (list, tuple)):
            return [value], 0
        flat, formats = [], []
        for item in value:
            sub, fmt = flatten(item)
            flat.extend(sub)
            formats.append(fmt)
        return flat, formats

    def regroup(values, fmt):
        if isinstance(fmt, int):
            if fmt == 0:
                return values[0], values[1:]
            return values[:fmt], values[fmt:]
        ret = []
        for item in fmt:
            res, values = regroup(values, item)
            ret.append(res)
        return ret, values

    flat, formats = flatten(args)
    shapes = [getattr(x, "shape", x) for x in flat]
    grouped = regroup(shapes, formats)[0]
    text = str(grouped)[1:-1] if isinstance(grouped, list) else str(grouped)
    return text.replace("L", "")


def print_summary(block, inputs) -> None:
    from .nn.basic_layers import Sequential

    summary: OrderedDict[str, dict] = OrderedDict()
    seen: set = set()
    hooks = []

    def summary_hook(layer, _, outputs):
        key = f"{layer.__class__.__name__}-{len(summary)}"
        row = {"output_shape": _shape_text(outputs), "trainable": 0, "shared": 0}
        params = 0
        for p in layer._reg_params.values():
            size = p.data().size
            params += size
            row["trainable"] += 0 if p.grad_req == "null" else size
            if p in seen:
                row["shared"] += size
            else:
                seen.add(p)
        row["n_params"] = params
        summary[key] = row

    def register(layer):
        if not isinstance(layer, Sequential):
            hooks.append(layer.register_forward_hook(summary_hook))

    summary["Input"] = {
        "output_shape": _shape_text(inputs),
        "n_params": 0,
        "trainable": 0,
        "shared": 0,
    }
    try:
        block.apply(register)
        block(*inputs)
        line = "{:>20}  {:>42} {:>15}"
        print("-" * 80)
        print(line.format("Layer (type)", "Output Shape", "Param #"))
        print("=" * 80)
        total = trainable = shared = 0
        for name, row in summary.items():
            print(line.format(name, str(row["output_shape"]), row["n_params"]))
            total += row["n_params"]
            trainable += row["trainable"]
            shared += row["shared"]
        print("=" * 80)
        print("Parameters in forward computation graph, duplicate included")
        print("   Total params: " + str(total))
        print("   Trainable params: " + str(trainable))
        print("   Non-trainable params: " + str(total - trainable))
        print("Shared params in forward computation graph: " + str(shared))
        print("Unique parameters in model: " + str(total - shared))
        print("-" * 80)
    finally:
        for handle in hooks:
            handle.detach()
