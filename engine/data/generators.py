"""The public data-set functions: the NumPy generators with engine arrays as output.

``engine.data.circle(...)`` returns ``engine.np.ndarray`` arrays; the same
function in ``engine.data.playground_classification`` returns NumPy arrays,
which is what tests and plotting code use.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from . import linear as _linear
from . import optdigits as _digits
from . import playground_classification as _cls
from . import playground_regression as _reg
from . import teacher_mlp as _teacher
from ._convert import to_engine
from .split import Split


def _engine_arrays(numpy_fn: Callable[..., Split]) -> Callable[..., Split]:
    """Wrap a NumPy-level generator so its Split holds engine arrays."""

    @functools.wraps(numpy_fn)
    def wrapper(*args, **kwargs) -> Split:
        return numpy_fn(*args, **kwargs).map(to_engine)

    # Say where the NumPy version lives, for plotting code and tests.
    wrapper.__doc__ = (numpy_fn.__doc__ or "").rstrip() + (
        f"\n\n    The arrays are ``engine.np.ndarray``; "
        f"``{numpy_fn.__module__}.{numpy_fn.__name__}`` returns NumPy arrays.\n"
    )
    return wrapper


synthetic_linear = _engine_arrays(_linear.synthetic_linear)
circle = _engine_arrays(_cls.circle)
xor = _engine_arrays(_cls.xor)
two_gaussians = _engine_arrays(_cls.two_gaussians)
spiral = _engine_arrays(_cls.spiral)
plane = _engine_arrays(_reg.plane)
multi_gaussian = _engine_arrays(_reg.multi_gaussian)
teacher = _engine_arrays(_teacher.teacher)
digits = _engine_arrays(_digits.digits)
