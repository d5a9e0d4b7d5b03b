"""Reset training: every parameter re-initialized with the initializer it was last given.

A parameter remembers its initializer (``Parameter.last_initializer``); one
set with ``set_data`` or loaded from a file has none and gets its own
``init`` or the default, as ``initialize(force_reinit=True)`` would.
"""

from __future__ import annotations

from .training_model import initializer_code

__all__ = ["reset_work"]


def reset_work(session) -> tuple:
    """``(work, code, params)`` re-initializing every initialized parameter of ``session.net``."""
    nodes = [
        n
        for n in session.tree().walk()
        if n.is_param and n.tied_to is None and n.obj.is_initialized
    ]
    plan = [(n.path, n.obj, n.obj.last_initializer) for n in nodes]

    def work():
        for _path, param, initializer in plan:
            param.initialize(init=initializer, force_reinit=True)

    lines = ["from engine import init"]
    for path, _param, initializer in plan:
        argument = f"init={initializer_code(initializer)}, " if initializer is not None else ""
        lines.append(f"{path}.initialize({argument}force_reinit=True)")
    return work, "\n".join(lines), [p for _, p, _ in plan]
