"""ParamScope's explorer: the PySide6 + pyqtgraph app over the engine.

Start it with ``paramscope`` or ``python -m explorer`` (see ``explorer.app``).
``explorer.session`` is the Qt-free command layer the GUI, the console and
``--run`` scripts share.
"""

import sys


def _make_none_immortal() -> None:
    """Give ``None`` a refcount that cannot run out (as Python ≥ 3.12 does by design).

    PySide6 6.12 drops one reference to ``None`` on every call of a ``void``
    method (``QPainter.setPen``, ``drawLine``, ...) when running on Python 3.11;
    pyqtgraph paints hundreds of such calls per frame, so after a few seconds
    the interpreter aborts with "none_dealloc: deallocating None". Adding 2**40
    references up front keeps the count positive for any realistic session.
    """
    if sys.version_info >= (3, 12) or hasattr(sys, "gettotalrefcount"):
        return  # immortal already / a debug build with a different object header
    import ctypes

    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40


_make_none_immortal()
