"""Tying and untying blocks as session commands (drag-to-tie in the tree uses these)."""

from __future__ import annotations

from .block_tree import find_node


class TieCommands:
    """The session's tie commands (mixed into :class:`~explorer.core.session.Session`)."""

    def _block_for_tie(self, path: str):
        """The block at ``path``; a parameter's path stands for the block holding it."""
        if self.net is None:
            raise RuntimeError("No model is open")
        node = find_node(self.tree(), path)
        if node is None:
            raise KeyError(f"Nothing in net is reached by {path!r}")
        if node.is_param:
            node = node.parent
        return node

    def tie_problem(self, target_path: str, source_path: str) -> str | None:
        """Why ``tie(target_path, source_path)`` would be refused, or None if it would work.

        Asked while a drag hovers over a block: nothing changes.
        """
        try:
            target, source = self._block_for_tie(target_path), self._block_for_tie(source_path)
            target.obj.check_share_parameters(
                source.obj, label=target.path, source_label=source.path
            )
        except (KeyError, ValueError, RuntimeError) as exc:
            return str(exc).strip("'\"")
        return None

    def tie(self, target_path: str, source_path: str) -> None:
        """The target block uses the source block's parameters from now on.

        What ``params=shared.params`` does at construction, done after the
        fact (``Block.share_parameters``). A parameter's path stands for its
        block. Refused (ValueError naming both shapes, nothing changed) when
        the blocks do not match. One undoable command; the code log shows the
        engine call and the construction-time form.
        """
        target, source = self._block_for_tie(target_path), self._block_for_tie(source_path)
        code = (
            f"{target.path}.share_parameters({source.path})\n"
            f"# the same as building {target.path} with params={source.path}.params, "
            f"e.g. {_construction(target.obj, source.path)}"
        )
        self.run_command(
            f"Tie {target.path} to {source.path}",
            code,
            lambda: target.obj.share_parameters(
                source.obj, label=target.path, source_label=source.path
            ),
        )

    def untie(self, path: str) -> None:
        """The block at ``path`` gets its own copy of the values it shares, under fresh names."""
        node = self._block_for_tie(path)

        def untie():
            if not node.obj.unshare_parameters():
                raise ValueError(
                    f"{node.path} shares no parameters it could untie (a tie is "
                    f"undone on the block that was tied, not on its source)"
                )

        self.run_command(f"Untie {node.path}", f"{node.path}.unshare_parameters()", untie)


def _construction(block, source_path: str) -> str:
    """How the block would be built sharing ``source_path``'s parameters (``params=``)."""
    kind = type(block).__name__
    weight = getattr(block, "weight", None)
    if kind == "Dense" and weight is not None and weight.shape:
        act = getattr(getattr(block, "act", None), "act_type", None)
        activation = f", activation={act!r}" if act else ""
        return f"nn.Dense({weight.shape[0]}{activation}, params={source_path}.params)"
    return f"nn.{kind}(..., params={source_path}.params)"
