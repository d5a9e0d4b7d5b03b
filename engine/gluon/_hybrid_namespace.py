"""The ``F`` handed to ``hybrid_forward``: npx operators first, then np functions."""

from __future__ import annotations


class _EngineF:
    def __getattr__(self, name: str):
        from .. import np, npx

        if name == "np":
            return np
        if name == "npx":
            return npx
        if hasattr(npx, name):
            return getattr(npx, name)
        return getattr(np, name)


F = _EngineF()
