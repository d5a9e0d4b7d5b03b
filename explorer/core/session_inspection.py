"""Inspecting the model (values grid edits, traced graph, activations, gradient split)."""

from __future__ import annotations

from engine import np

from .block_tree import find_node
from .training_run import TrainingRun

LOOK_BACK_ENTRIES = 200


class InspectionCommands:
    """The session's inspection commands (mixed into ``Session``)."""

    # Thin entry points for the values grid, the data-flow graph, the activations and
    # the tied-gradient split; the work lives in element_edit, forward_trace,
    # traced_graph and tied_gradients.
    def set_element(self, path: str, index: tuple, text: str) -> float:
        """Write the number typed in ``text`` at ``index`` of the parameter at ``path``.

        One undoable command, logged as ``net[0].weight.data()[0, 0] = 42``.
        Returns the number written.

        Raises
        ------
        ValueError
            ``text`` is not a number, or ``index`` is outside the array; nothing changed.
        KeyError
            No parameter at ``path``.
        """
        from .element_edit import element_code, index_text, parse_number

        value = parse_number(text)
        node = find_node(self.tree(), path) if self.net is not None else None
        if node is None or not node.is_param:
            raise KeyError(f"No parameter is reached by {path!r}")
        param = node.obj
        shape = tuple(param.shape or ())
        index = tuple(int(i) for i in index)
        if (
            not param.is_initialized
            or len(index) != len(shape)
            or any(not 0 <= i < n for i, n in zip(index, shape))
        ):
            raise ValueError(
                f"{node.path}{index_text(index)} is not an element of "
                f"{node.path} (shape {shape}); nothing was changed"
            )

        def write():
            param.data()[index] = value

        self.run_command(
            f"Set {node.path}{index_text(index)}",
            element_code(node.path, index, value),
            write,
            params=[param],
        )
        return value

    def last_write_kind(self, param) -> str:
        """``'trained'`` when the last write to ``param``'s values was training (the run in
        progress, or the latest history entry that changed it), else ``'edited'``.

        The tensor view's header says "initialized by Xavier(), then trained".
        """
        training = self.training
        run = training._run
        if training.running and run is not None and any(p is param for p in run.params):
            return "trained"
        # The latest entries are enough: an older write would have been overwritten.
        for entry in reversed(self.commands.in_effect()[-LOOK_BACK_ENTRIES:]):
            if any(getattr(s, "param", None) is param for s in getattr(entry, "before", ())):
                return "trained" if isinstance(entry, TrainingRun) else "edited"
        return "edited"

    def inspection_batch(self):
        """The batch traces run on: the model file's, else U(0, 1) from a private generator.

        The private generator leaves the session's random numbers alone, so a
        trace does not change what the code log's later draws give.
        """
        if self.demo_input is not None:
            return self.demo_input
        import numpy

        shape = self.default_input_shape()
        return np.array(numpy.random.default_rng(0).uniform(size=shape).astype("float32"))

    def trace_forward(self, keep_outputs: bool = False):
        """One forward pass of ``net`` on :meth:`inspection_batch`, watched by hooks.

        Runs under ``autograd.pause()`` and the session's lock; the model is left
        as it was (checked). See :func:`explorer.core.forward_trace.trace_forward`.
        """
        from .forward_trace import trace_forward

        if self.net is None:
            raise RuntimeError("No model is open")
        with self.lock:
            return trace_forward(self.net, self.tree(), self.inspection_batch(), keep_outputs)

    def traced_graph(self):
        """The data-flow graph of ``net`` from :meth:`trace_forward`."""
        from .traced_graph import build_graph

        return build_graph(self.trace_forward())

    def gradient_split(self, path: str):
        """Each use's part of the gradient of the parameter at ``path`` (a tied or reused one).

        See :func:`explorer.core.tied_gradients.split_gradient`; nothing changes.
        """
        from .tied_gradients import split_gradient

        node = find_node(self.tree(), path) if self.net is not None else None
        if node is None or not node.is_param:
            raise KeyError(f"No parameter is reached by {path!r}")
        labels = self.demo_labels if self.demo_input is not None else None
        with self.lock:
            return split_gradient(self.net, self.tree(), node.obj, self.inspection_batch(), labels)
