"""Peak memory of initializing one large parameter (default 400M float32 elements, 1.6 GB).

Each measurement runs in a fresh process and reports its peak resident set
(``ru_maxrss``) above the process's size before the work, as a ratio to the
parameter's own size:

* ``baseline``: what initialization did before it wrote in place (a zeros
  buffer, one float64 draw of every value, a float32 cast, a copy into the
  parameter), replayed with NumPy;
* ``engine, new``: ``Parameter.initialize(init.Uniform())`` on a new parameter;
* ``engine, re-init``: the same again with ``force_reinit=True``.

    python benchmarks/init_memory.py [ELEMENTS]
"""

from __future__ import annotations

import subprocess
import sys

BASELINE = """
import numpy as onp
rng = onp.random.default_rng(0)
zeros = onp.zeros(shape, dtype=onp.float32)
zeros[:] = rng.uniform(-0.07, 0.07, shape).astype(onp.float32)
data = onp.array(zeros, copy=True)
"""

ENGINE_NEW = """
from engine import init
from engine.gluon import Parameter
param = Parameter("big_weight", shape=shape, grad_req="null")
param.initialize(init=init.Uniform())
"""

ENGINE_REINIT = (
    ENGINE_NEW
    + """
start = peak()
param.initialize(init=init.Uniform(), force_reinit=True)
"""
)

HARNESS = """
import resource, sys
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
import numpy  # imported before the start mark, as the engine imports it
shape = ({rows}, {cols})
start = peak()
{body}
print(peak() - start)
"""


def measure(body: str, rows: int, cols: int) -> int:
    code = HARNESS.format(rows=rows, cols=cols, body=body)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


def main() -> None:
    elements = int(sys.argv[1]) if len(sys.argv) > 1 else 400_000_000
    cols = 10_000
    rows = elements // cols
    size = rows * cols * 4
    print(f"parameter: ({rows}, {cols}) float32 = {size / 1e9:.2f} GB")
    for label, body in (
        ("baseline (old path)", BASELINE),
        ("engine, new", ENGINE_NEW),
        ("engine, re-init", ENGINE_REINIT),
    ):
        used = measure(body, rows, cols)
        print(f"{label:22s} peak +{used / 1e9:6.2f} GB   {used / size:5.2f}x the parameter")


if __name__ == "__main__":
    main()
