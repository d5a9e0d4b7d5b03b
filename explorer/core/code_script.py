"""The code log as a script that runs on its own (the code log's *Copy all*)."""

from __future__ import annotations

__all__ = ["SCRIPT_HEADER", "script_of"]

# What the console's namespace holds, so the copied log runs outside the app too.
SCRIPT_HEADER = "from engine import np, npx, init, autograd, gluon\nfrom engine.gluon import nn\n\n"


def script_of(code_log: list[str], dropped: int = 0) -> str:
    """The chapter's imports, then the code of every command in effect."""
    note = (
        f"# {dropped} earlier entries of the log were dropped (the log keeps the newest)\n"
        if dropped
        else ""
    )
    return SCRIPT_HEADER + note + "\n".join(code_log) + "\n"
