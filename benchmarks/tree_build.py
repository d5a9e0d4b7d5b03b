"""Time to build the block tree of a generated 1,000-block model (target ≤ 0.5 s).

Prints seconds and ratios: against the 0.5 s target, and against the engine's
own walk of the same model (``net.collect_params()``) measured in the same run.

    QT_QPA_PLATFORM=offscreen python benchmarks/tree_build.py
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_SECONDS = 0.5


def generated_model(groups: int = 111, layers: int = 8):
    """A Sequential of ``groups`` Sequentials of ``layers`` Dense layers: 1 + 111·9 = 1,000."""
    from engine import np
    from engine.gluon import nn

    net = nn.Sequential()
    for _ in range(groups):
        group = nn.Sequential()
        for _ in range(layers):
            group.add(nn.Dense(16))
        net.add(group)
    net.initialize()
    net(np.ones((1, 16)))
    return net


def count_blocks(net) -> int:
    blocks = 0

    def visit(block):
        nonlocal blocks
        blocks += 1

    net.apply(visit)
    return blocks


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    from PySide6.QtWidgets import QApplication

    import explorer  # noqa: F401  (applies the PySide6 refcount guard)
    from explorer.block_tree import build_tree
    from explorer.views.block_tree_view import BlockTreeView

    app = QApplication.instance() or QApplication([])
    net = generated_model()
    # Dense's act blocks are folded into their rows; count the blocks a user sees.
    shown_blocks = sum(1 for n in build_tree(net).walk() if n.is_block)
    print(f"model: {count_blocks(net)} blocks in the engine, {shown_blocks} block rows, "
          f"{len(net.collect_params())} parameters")

    baseline = best_of(lambda: net.collect_params())
    walk = best_of(lambda: build_tree(net))
    view = BlockTreeView()
    view.resize(500, 700)
    view.show()

    def build_view():
        view.set_net(None)
        view.set_net(net)
        app.processEvents()

    shown = best_of(build_view)
    print(f"net.collect_params() (baseline)      {baseline * 1000:8.1f} ms")
    print(f"build_tree (Qt-free nodes)           {walk * 1000:8.1f} ms   "
          f"{walk / baseline:5.2f}x baseline")
    print(f"BlockTreeView.set_net + first paint  {shown * 1000:8.1f} ms   "
          f"{shown / baseline:5.2f}x baseline   {shown / TARGET_SECONDS:5.2f}x the 0.5 s target")

    # The watcher polls net.structure_version at 30 Hz: one read must stay far below 20 µs.
    reads = 100_000
    start = time.perf_counter()
    for _ in range(reads):
        net.structure_version  # noqa: B018 - the read is what is timed
    per_read = (time.perf_counter() - start) / reads
    print(f"net.structure_version (one read)     {per_read * 1e6:8.3f} µs   "
          f"{per_read / 20e-6:5.3f}x the 20 µs target")


if __name__ == "__main__":
    main()
