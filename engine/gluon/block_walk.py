"""Walking a block tree without recursion, so deep models work.

A Sequential nested 1,000 deep used to fail in ``repr`` at 200 levels, in
``forward`` at 500 and in ``collect_params``/``save_parameters`` at 1,000
(RecursionError). The walks here use explicit stacks instead: their depth is
bounded by ``MAX_NESTING_DEPTH``, checked when a child is registered
(``check_can_nest``) and again by every walk (a tree can also grow from its
bottom, or a block can put itself into ``_children`` directly). A block that
contains itself is refused at registration; a walk that meets one raises
instead of looping forever.

``run_sequential`` calls the ``forward`` of a child that has no hooks and does
not override ``Block.__call__`` directly (the same call and error handling as
``Block.__call__``, one Python frame less per layer); hooks are looked at on
every pass, so one registered later runs at once.
"""

from __future__ import annotations

import numpy as _onp

from ..base import MXNetError

# Printing a tree costs depth² characters (its indentation); 2,000 levels print
# in a few MB. Deeper trees are refused with this number in the message.
MAX_NESTING_DEPTH = 2000


class NestingError(MXNetError):
    """A block tree nests deeper than MAX_NESTING_DEPTH, or contains itself."""


def _too_deep(block, depth: int) -> NestingError:
    return NestingError(
        f"{type(block).__name__} '{block.name}' would nest blocks {depth} levels deep; the "
        f"engine supports at most {MAX_NESTING_DEPTH} levels of nested blocks"
    )


def _cycle(block) -> NestingError:
    return NestingError(
        f"{type(block).__name__} '{block.name}' contains itself; a block "
        f"cannot be its own descendant"
    )


def check_can_nest(parent, child) -> None:
    """Refuse ``parent.register_child(child)`` if it makes a cycle or a too-deep tree."""
    if child is parent:
        raise _cycle(parent)
    height = 0
    stack = [(child, 1)]
    while stack:
        block, depth = stack.pop()
        if block is parent:
            raise _cycle(parent)
        height = max(height, depth)
        if height >= MAX_NESTING_DEPTH:
            raise _too_deep(parent, height + 1)
        stack.extend((c, depth + 1) for c in block._children.values())


def walk(root, order: str = "pre"):
    """Yield ``(path, block)`` for ``root`` and every descendant, depth-first.

    ``path`` is the tuple of child keys from ``root``. ``order='pre'`` yields a
    block before its children (registration order), ``'post'`` after them.
    A block reachable along two paths is yielded for each.
    """
    on_path = {id(root)}
    stack = [(root, (), iter(list(root._children.items())))]
    if order == "pre":
        yield (), root
    while stack:
        block, path, children = stack[-1]
        entry = next(children, None)
        if entry is None:
            stack.pop()
            on_path.discard(id(block))
            if order == "post":
                yield path, block
            continue
        key, child = entry
        if id(child) in on_path:
            raise _cycle(child)
        if len(stack) >= MAX_NESTING_DEPTH:
            raise _too_deep(root, len(stack) + 1)
        child_path = path + (key,)
        on_path.add(id(child))
        stack.append((child, child_path, iter(list(child._children.items()))))
        if order == "pre":
            yield child_path, child


# ------------------------------------------------------------------------ repr
def _repr_children(block):
    """The ``(key, child)`` pairs a generic Block/Sequential repr lists, or None for a leaf."""
    from .block import Block
    from .nn.basic_layers import Sequential

    method = type(block).__repr__
    if method is Block.__repr__:
        return [(k, v) for k, v in block.__dict__.items() if isinstance(v, Block)]
    if method is Sequential.__repr__:
        return list(block._children.items())
    return None


def _indent_rest(text: str, spaces: int) -> list:
    lines = text.split("\n")
    return [lines[0]] + [" " * spaces + line for line in lines[1:]]


def block_repr(root) -> str:
    """``repr(root)`` as the recursive Gluon repr prints it, built with a stack."""
    lines: list[str] = []
    stack = [("open", root, "", 0)]
    on_path: set[int] = set()
    while stack:
        action, block, lead, indent = stack.pop()
        if action == "close":
            on_path.discard(id(block))
            lines.append(" " * indent + ")")
            continue
        children = _repr_children(block)
        if children is None:
            text = _indent_rest(repr(block), indent)
            lines.append(lead + text[0])
            lines.extend(text[1:])
            continue
        if id(block) in on_path:
            raise _cycle(block)
        if len(on_path) >= MAX_NESTING_DEPTH:
            raise _too_deep(root, len(on_path) + 1)
        on_path.add(id(block))
        lines.append(f"{lead}{type(block).__name__}(")
        if not children:
            lines.append(" " * indent)
        stack.append(("close", block, "", indent))
        for key, child in reversed(children):
            stack.append(("open", child, f"{' ' * indent}  ({key}): ", indent + 2))
    return "\n".join(lines)


# --------------------------------------------------------------------- forward
# Block.__call__ and Sequential.forward, looked up once (block.py and nn/basic_layers.py
# import this module, so they cannot be imported at its top): run_sequential asks
# _runs_inline about every child at every forward pass, and a function-level import
# costs more than the whole test.
_plain_call = None
_sequential_forward = None
_refuse_non_array_input = None


_dense_type = None
_dense_stack = None
_array_type = None
_plain_buffer = _onp.ndarray


def _runs_inline(block) -> bool:
    global _plain_call, _sequential_forward, _refuse_non_array_input
    global _dense_type, _dense_stack, _array_type
    if _plain_call is None:
        from ..ndarray import ndarray
        from ..ops.dense_stack import dense_stack
        from .block import Block, _refuse_non_array_input
        from .nn.basic_layers import Dense, Sequential

        _plain_call, _sequential_forward = Block.__call__, Sequential.forward
        _dense_type, _dense_stack, _array_type = Dense, dense_stack, ndarray
    cls = type(block)
    return cls.forward is _sequential_forward and cls.__call__ is _plain_call


def _split(out):
    if isinstance(out, (tuple, list)):
        return out[0], tuple(out[1:])
    return out, ()


def _join(x, args):
    return (x, *args) if args else x


def _run_dense_layers(x, blocks: list, layers: list):
    """Run consecutive plain Dense ``blocks`` on ``x``; empty both lists.

    Two or more on a 2-D array run as one node (ops/dense_stack.py); otherwise
    each runs its own ``forward``, as ``run_sequential`` runs any child.
    """
    xd = getattr(x, "_data", None)
    if len(blocks) > 1 and type(x) is _array_type and type(xd) is _plain_buffer and xd.ndim == 2:
        x = _dense_stack(x, layers)
    else:
        for block in blocks:
            try:
                x = block.forward(x)
            except (AttributeError, TypeError) as err:
                _refuse_non_array_input(block, (x,), err)
                raise
    blocks.clear()
    layers.clear()
    return x


def run_sequential(seq, x, args):
    """``Sequential.forward``: each child's output feeds the next.

    A child that is itself a plain Sequential is entered in place rather than
    called, with its hooks run around it as ``Block.__call__`` would, so
    nesting depth costs no Python stack. Consecutive Dense children with no
    hooks (on them or their activation) and initialized parameters are
    gathered and run together by ``_run_dense_layers``.
    """
    if _plain_call is None:
        _runs_inline(seq)  # looks Block.__call__ and Sequential.forward up
    plain_call, sequential_forward = _plain_call, _sequential_forward
    refuse_non_array_input = _refuse_non_array_input
    dense_type, plain_buffer = _dense_type, _plain_buffer
    dense_blocks, dense_layers = [], []  # the gathered Dense children, not run yet
    args = tuple(args)
    frames = [(seq, iter(list(seq._children.values())), None)]
    while frames:
        block, children, inputs = frames[-1]
        for child in children:  # (resumes where the frame's iterator stopped)
            cls = type(child)
            if cls is dense_type and not (args or child._forward_pre_hooks or child._forward_hooks):
                # A Dense joins the run when nothing watches it or its activation and its
                # parameters are initialized (a deferred one infers its shape in forward).
                weight = child.weight._data
                bias = child.bias
                if bias is not None:
                    bias = bias._data
                act = child.act
                if act is not None:
                    if act._forward_hooks or act._forward_pre_hooks:
                        act = False
                    else:
                        act = act._act_type
                if (
                    weight is not None
                    and type(weight._data) is plain_buffer
                    and (bias is not None or child.bias is None)
                    and act is not False
                ):
                    dense_blocks.append(child)
                    dense_layers.append((weight, bias, act))
                    continue
            if dense_blocks:
                x = _run_dense_layers(x, dense_blocks, dense_layers)
            if cls.forward is sequential_forward and cls.__call__ is plain_call:
                # (_runs_inline, inlined)
                if len(frames) >= MAX_NESTING_DEPTH:
                    raise _too_deep(seq, len(frames) + 1)
                child_inputs = (x, *args)
                for hook in list(child._forward_pre_hooks.values()):
                    hook(child, child_inputs)
                frames.append((child, iter(list(child._children.values())), child_inputs))
                break
            if cls.__call__ is plain_call and not (
                child._forward_pre_hooks or child._forward_hooks
            ):
                # Block.__call__ of a block without hooks, inlined: one Python call less
                # per layer.
                try:
                    out = child.forward(x, *args)
                except (AttributeError, TypeError) as err:
                    refuse_non_array_input(child, (x, *args), err)
                    raise
            else:
                out = child(x, *args)
            if isinstance(out, (tuple, list)):
                x, args = out[0], tuple(out[1:])
            else:
                x, args = out, ()
        else:
            if dense_blocks:
                x = _run_dense_layers(x, dense_blocks, dense_layers)
            frames.pop()
            out = _join(x, args)
            if inputs is not None and block._forward_hooks:
                for hook in list(block._forward_hooks.values()):
                    hook(block, inputs, out)
            if not frames:
                return out
            x, args = _split(out)
    return x
