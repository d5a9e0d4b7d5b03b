"""Per-tree structure counters: what the explorer polls to notice new blocks, ties and shapes.

Every Block keeps its own ``structure_version``. A structural change at a block
(a child added, replaced or removed, a parameter registered or replaced, a tie
made or undone, a deferred shape of one of its parameters becoming known)
moves the counter of that block and of every block that contains it: parents
are remembered through weak back-references, and a block shared by several
parents reaches all of them. Reading the counter is one attribute access, so a
view can poll a 1,000-block model at 30 Hz; building or changing an unrelated
block moves nothing here.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict

__all__ = ["ChildDict", "init_tracking", "structure_changed"]


def init_tracking(block) -> None:
    """Give ``block`` its counter and its (weak) set of parents."""
    object.__setattr__(block, "_structure_count", 0)
    object.__setattr__(block, "_parents", weakref.WeakSet())


def structure_changed(block) -> None:
    """Move the counter of ``block`` and of every block that contains it."""
    pending = [block]
    seen = set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        object.__setattr__(current, "_structure_count", current._structure_count + 1)
        pending.extend(getattr(current, "_parents", ()))


class ChildDict(OrderedDict):
    """A block's ``_children``: every change links or unlinks the parent and moves counters.

    Code that writes the dict directly (D2L's ``MySequential`` does
    ``self._children[block.name] = block``) is tracked like ``register_child``.
    """

    def __init__(self, owner=None) -> None:
        super().__init__()
        self.set_owner(owner)

    def set_owner(self, owner) -> None:
        """Link to the block whose children these are (weakly; ``None``: unlinked)."""
        self._owner_ref = None if owner is None else weakref.ref(owner)

    def _owner(self):
        return None if self._owner_ref is None else self._owner_ref()

    def _unlink(self, child) -> None:
        owner = self._owner()
        if owner is None or not hasattr(child, "_parents"):
            return
        if not any(other is child for other in self.values()):
            child._parents.discard(owner)

    def _changed(self) -> None:
        owner = self._owner()
        if owner is not None:
            structure_changed(owner)

    def __setitem__(self, key, child) -> None:
        previous = self.get(key)
        super().__setitem__(key, child)
        owner = self._owner()
        if owner is not None and hasattr(child, "_parents"):
            child._parents.add(owner)
        if previous is not None and previous is not child:
            self._unlink(previous)
        self._changed()

    def __delitem__(self, key) -> None:
        child = self[key]
        super().__delitem__(key)
        self._unlink(child)
        self._changed()

    def pop(self, key, *default):
        if key not in self:
            return super().pop(key, *default)
        child = super().pop(key)
        self._unlink(child)
        self._changed()
        return child

    def popitem(self, last: bool = True):
        key, child = super().popitem(last)
        self._unlink(child)
        self._changed()
        return key, child

    def clear(self) -> None:
        children = list(self.values())
        super().clear()
        for child in children:
            self._unlink(child)
        self._changed()

    def move_to_end(self, key, last: bool = True) -> None:
        super().move_to_end(key, last)
        self._changed()

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def __reduce__(self):
        # Copies are unlinked; Block.__setstate__ links a copied block's dict to the copy.
        return (ChildDict, (), None, None, iter(list(self.items())))
