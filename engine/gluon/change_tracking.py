"""The structure counter views poll to notice new blocks, ties and shapes.

It is one process-wide count: any structural change anywhere moves it, so a view
of any block tree redraws when it moves (a cheap integer compare per poll).
"""

_structure_version = 0


def bump_structure() -> None:
    """Record that a block gained children, a tie changed, or a shape became known."""
    global _structure_version
    _structure_version += 1


def structure_version() -> int:
    """How many structural changes happened so far in this process."""
    return _structure_version
