"""Block prefixes: global per-name counters and ``name_scope()`` (MXNet 1.x rules).

Outside any scope a block is named ``<alias><n>_`` with a process-wide counter
per alias (``dense0_``, ``dense1_``); inside ``with parent.name_scope():`` the
counter is the parent's own and the prefix is prepended (``model0_dense0_``).
"""

from __future__ import annotations

import threading
from collections import defaultdict

from .parameter_dict import ParameterDict


class _Current(threading.local):
    def __init__(self) -> None:
        self.scope = None


_current = _Current()
_global_counter: defaultdict[str, int] = defaultdict(int)


class BlockScope:
    """The naming scope of one block, entered by ``block.name_scope()``."""

    def __init__(self, block) -> None:
        self._block = block
        self._counter: dict[str, int] = {}
        self._old_scope = None

    @staticmethod
    def create(prefix, params, hint):
        """Return ``(prefix, ParameterDict)`` for a new block with alias ``hint``."""
        current = _current.scope
        if current is None:
            if prefix is None:
                prefix = f"{hint}{_global_counter[hint]}_"
                _global_counter[hint] += 1
            if params is None:
                params = ParameterDict(prefix)
            else:
                params = ParameterDict(params.prefix, params)
            return prefix, params
        if prefix is None:
            count = current._counter.get(hint, 0)
            prefix = f"{hint}{count}_"
            current._counter[hint] = count + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self):
        if self._block._empty_prefix:
            return self
        self._old_scope = _current.scope
        _current.scope = self
        return self

    def __exit__(self, *exc) -> None:
        if self._block._empty_prefix:
            return
        _current.scope = self._old_scope
