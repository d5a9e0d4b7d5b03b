"""The initializer dialog's preview of a 4096×4096 weight, and the custom-initializer worker.

Prints (1) the time to preview ``Normal(0.01)`` and ``Xavier()`` on one
4096×4096 weight (the draw on the real shape, statistics, the histogram of a
strided sample, and the current values' histogram) against a baseline measured
in the same run: the bare draw ``Generator.normal(size=...)``/``uniform`` cast
to float32, which any exact preview must pay; (2) the worker process's start
(spawn, imports, until it says ready) against a bare ``python -c pass``; and
(3) a round trip of the chapter's ``MyInit`` on the chapter's MLP through the
warm worker.

Run: ``python benchmarks/initializer_preview.py [--size N]``
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import numpy as onp

from engine import init
from engine.gluon import nn
from explorer.core.init_worker import InitializerWorker
from explorer.core.initializer_library import DEFAULT_SOURCE
from explorer.core.session import Session


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
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    n = args.size
    session = Session()
    net = nn.Sequential()
    net.add(nn.Dense(n, in_units=n))
    net.initialize()
    session.use_net(net)
    rng = onp.random.default_rng(0)
    for label, initializer, bare in (
        (
            "Normal(0.01)",
            init.Normal(0.01),
            lambda: rng.normal(0, 0.01, (n, n)).astype(onp.float32),
        ),
        ("Xavier()", init.Xavier(), lambda: rng.uniform(-0.03, 0.03, (n, n)).astype(onp.float32)),
    ):

        def preview(initializer=initializer):
            session.start_initialization("net[0].weight", initializer).previews()

        ours, base = median_ms(preview, args.repeats), median_ms(bare, args.repeats)
        print(
            f"preview {label} on {n}x{n}: {ours:.0f} ms; bare draw {base:.0f} ms; "
            f"ratio {ours / base:.2f}"
        )

    python_start = median_ms(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), 3)
    starts = []
    for _ in range(3):
        worker = InitializerWorker()
        worker.wait_ready()
        starts.append(worker.start_seconds * 1e3)
        worker.close()
    start = statistics.median(starts)
    print(
        f"worker start (spawn + imports until ready): {start:.0f} ms; bare python "
        f"{python_start:.0f} ms; ratio {start / python_start:.2f}"
    )

    chapter = Session()
    mlp = nn.Sequential()
    mlp.add(nn.Dense(256, activation="relu", in_units=20), nn.Dense(10, in_units=256))
    mlp.initialize()
    chapter.use_net(mlp)
    chapter.initializer_worker.wait_ready()
    my_init = chapter.custom_initializer(DEFAULT_SOURCE)
    trip = median_ms(lambda: chapter.initialize("net", my_init), args.repeats)
    print(
        f"MyInit on the chapter's MLP through the warm worker (apply, one command): {trip:.1f} ms"
    )
    chapter.initializer_worker.close()


if __name__ == "__main__":
    main()
