"""Drawing a 4096×4096 parameter's heatmap + histogram + statistics in the tensor view.

Prints the time of the tensor view's redraw of one column (statistics,
histogram, max-|x| downsampling, ImageItem update and a rendered frame) and
its ratio against a baseline measured in the same run: a bare pyqtgraph
``ImageItem.setImage`` of the full array (explicit levels) rendered in a plot
of the same size, plus ``np.histogram`` of the values. Also prints the ratio
against the 150 ms budget and the cost of an idle ``refresh()``.

Run: ``QT_QPA_PLATFORM=offscreen python benchmarks/heatmap_draw.py [--size N]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as onp  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine import init  # noqa: E402
from engine.gluon import Parameter  # noqa: E402
from explorer.views.tensor_view import TensorView  # noqa: E402

BUDGET_MS = 150.0


def median_ms(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])

    param = Parameter("big_weight", shape=(args.size, args.size))
    param.initialize(init=init.Normal(0.02))
    values = param.data().asnumpy_view()

    # Baseline: the naive way, full-resolution image and NumPy's histogram.
    plot = pg.GraphicsLayoutWidget()
    plot.resize(540, 240)
    image_item = pg.ImageItem(axisOrder="row-major")
    plot.addPlot().addItem(image_item)
    plot.show()
    level = float(onp.abs(values).max())

    def baseline() -> None:
        image_item.setImage(values, autoLevels=False, levels=(-level, level))
        onp.histogram(values, bins=80)
        plot.grab()

    # Ours: one column of the tensor view (the data panel) redrawn after a write.
    view = TensorView()
    view.resize(1100, 500)
    view.show_parameter(param, "big.weight")
    view.show()
    app.processEvents()

    def ours() -> None:
        param.data()[0, 0] += 0  # an in-place write: the data's version moves
        assert view.refresh()
        view.data_panel.grab()

    def idle() -> None:
        view.refresh()

    def first_show() -> None:
        view.show_parameter(param, "big.weight")  # data and gradient columns
        view.grab()

    baseline()
    ours()  # warm caches, thread pool
    baseline_ms = median_ms(baseline, args.repeats)
    ours_ms = median_ms(ours, args.repeats)
    first_ms = median_ms(first_show, max(3, args.repeats // 2))
    idle_ms = median_ms(idle, 200)
    print(f"{args.size}×{args.size} float32, {os.cpu_count()} CPUs, median of {args.repeats}")
    print(f"baseline (setImage full array + np.histogram + render): {baseline_ms:8.1f} ms")
    print(
        f"tensor view data column redraw (stats + histogram + heatmap + render): {ours_ms:8.1f} ms"
    )
    print(f"  ratio ours / baseline: {ours_ms / baseline_ms:.2f}")
    print(f"  ratio ours / {BUDGET_MS:.0f} ms budget: {ours_ms / BUDGET_MS:.2f}")
    print(f"show_parameter (data + gradient columns + whole view render): {first_ms:8.1f} ms")
    print(f"idle refresh() (nothing changed): {idle_ms * 1e3:8.1f} µs")


if __name__ == "__main__":
    main()
