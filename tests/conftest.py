"""Test-wide settings, applied before NumPy is imported.

One BLAS thread: the engine's matrices in tests are small, and on a 2-core CI
machine competing OpenBLAS threads make them several times slower.
"""

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
