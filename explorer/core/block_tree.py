"""The block tree of a model as plain Python nodes, with access paths and ties.

This is the Qt-free half of the block tree: :func:`build_tree` walks a Block
(own parameters first, then children in registration order, which is the order
of ``collect_params``) and gives every node the Python expression that reaches
it (``net[0][1][0].weight``, ``net.hidden``, ``net._children['dense0']``).
The session resolves paths with it and ``views/block_tree_model.py`` shows it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from engine.gluon import Block, Parameter

__all__ = [
    "TreeNode",
    "TreeTotals",
    "build_tree",
    "filter_tree",
    "totals",
    "child_path",
    "shape_text",
]

BLOCK = "block"
PARAM = "param"


@dataclass(eq=False)
class TreeNode:
    """One row of the block tree: a block or a parameter.

    Attributes
    ----------
    kind : {'block', 'param'}
    obj : Block or Parameter
    path : str
        Python expression reaching ``obj`` from the root (``net[0].weight``).
    label : str
        What the tree's first column shows (``net``, ``[0]``, ``.hidden``, ``weight``).
    tied_to : TreeNode or None
        For a parameter reached a second time (a tied layer), its first occurrence.
    activation : str or None
        A Dense layer's activation, folded into the Dense row instead of its own row.
    """

    kind: str
    obj: object
    path: str
    label: str
    parent: TreeNode | None = None
    children: list[TreeNode] = field(default_factory=list)
    row: int = 0
    tied_to: TreeNode | None = None
    activation: str | None = None

    @property
    def is_block(self) -> bool:
        return self.kind == BLOCK

    @property
    def is_param(self) -> bool:
        return self.kind == PARAM

    def add(self, child: TreeNode) -> TreeNode:
        child.parent = self
        child.row = len(self.children)
        self.children.append(child)
        return child

    def walk(self):
        """This node and all its descendants, depth first (no recursion: any depth)."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


@dataclass(frozen=True)
class TreeTotals:
    """Element counts over the distinct parameters of a model."""

    parameters: int
    trainable: int
    shared: int
    deferred: int


def child_path(parent_path: str, key: str, parent: Block) -> str:
    """The expression reaching child ``key`` of ``parent``.

    A Sequential numbers its children (``[i]``); other blocks register them by
    attribute (``.hidden``); D2L's ``MySequential`` keys them by block name,
    which is not an attribute, so it is reached through ``_children``.
    """
    if key.isdigit() and hasattr(parent, "__getitem__"):
        return f"{parent_path}[{key}]"
    if key.isidentifier() and getattr(parent, key, None) is dict(parent.named_children())[key]:
        return f"{parent_path}.{key}"
    return f"{parent_path}._children[{key!r}]"


def _child_label(key: str, path: str) -> str:
    return (
        f"[{key}]"
        if path.endswith(f"[{key}]")
        else (f".{key}" if path.endswith(f".{key}") else f"[{key!r}]")
    )


def _own_params(block: Block, path: str):
    """``(path, parameter)`` for each parameter ``block`` holds itself."""
    seen = set()
    for attr, param in block.named_own_params():
        if param is not None:
            seen.add(id(param))
            yield f"{path}.{attr}", attr, param
    for full_name, param in block.params.items():
        if id(param) not in seen:
            yield f"{path}.params[{full_name!r}]", full_name, param


def _folded_activation(block: Block, key: str, child: Block) -> str | None:
    """A layer's parameter-free ``act`` child (Dense, Conv2D) is shown in the layer's row."""
    act_type = getattr(child, "act_type", None)
    if (
        key == "act"
        and isinstance(act_type, str)
        and not child.named_children()
        and not child.params.keys()
    ):
        return act_type
    return None


def build_tree(net: Block, root_path: str = "net") -> TreeNode:
    """Walk ``net`` into :class:`TreeNode` rows; the root's path is ``root_path``.

    Own parameters first, then each child's subtree in turn: the order of
    ``collect_params``, so the first occurrence of a tied parameter is the one
    it lists. An explicit stack instead of recursion: a model 1,000 blocks
    deep is walked like any other.
    """
    first_seen: dict[int, TreeNode] = {}
    root = TreeNode(BLOCK, net, root_path, root_path)
    ancestors: set[int] = set()
    stack = [(root, _enter(root, first_seen, ancestors))]
    while stack:
        node, children = stack[-1]
        entry = next(children, None)
        if entry is None:
            stack.pop()
            ancestors.discard(id(node.obj))
            continue
        key, child = entry
        path = child_path(node.path, key, node.obj)
        child_node = node.add(TreeNode(BLOCK, child, path, _child_label(key, path)))
        stack.append((child_node, _enter(child_node, first_seen, ancestors)))
    return root


def _enter(node: TreeNode, first_seen: dict, ancestors: set):
    """Add ``node``'s own parameter rows; return an iterator over the children to visit."""
    block = node.obj
    for path, label, param in _own_params(block, node.path):
        pnode = node.add(TreeNode(PARAM, param, path, label))
        earlier = first_seen.get(id(param))
        if earlier is None:
            first_seen[id(param)] = pnode
        else:
            pnode.tied_to = earlier
    if id(block) in ancestors:  # a block that contains itself: list it, do not recurse
        return iter(())
    ancestors.add(id(block))
    children = []
    for key, child in block.named_children():
        act = _folded_activation(block, key, child)
        if act is not None:
            node.activation = act
        else:
            children.append((key, child))
    return iter(children)


def shape_text(shape) -> str:
    """A shape as Python prints the tuple (``(256, 20)``, ``(10,)``; -1 where deferred)."""
    if shape is None:
        return "unknown"
    return str(tuple(int(d) for d in shape))


def _size(param: Parameter) -> int:
    shape = param.shape or ()
    return math.prod(shape) if all(d > 0 for d in shape) else 0


def subtree_sizes(root: TreeNode) -> dict[int, int | None]:
    """Elements of the distinct parameters below each node (keyed by ``id(node)``; None
    where a shape is unknown), in one pass, children before parents."""
    sizes: dict[int, int | None] = {}
    below: dict[int, tuple[dict, bool]] = {}
    for node in reversed(list(root.walk())):
        if node.is_param:
            shape = node.obj.shape or ()
            known = all(d > 0 for d in shape)
            params = {id(node.obj): math.prod(shape) if known else 0}
        else:
            params, known = {}, True
            for child in node.children:
                child_params, child_known = below.pop(id(child))
                params.update(child_params)
                known = known and child_known
        below[id(node)] = (params, known)
        sizes[id(node)] = sum(params.values()) if known else None
    return sizes


def totals(root: TreeNode) -> TreeTotals:
    """Counts for the status bar: all, trainable, shared (tied) elements, deferred params."""
    parameters = trainable = shared = deferred = 0
    for n in root.walk():
        if not n.is_param:
            continue
        size = _size(n.obj)
        if n.tied_to is not None:
            shared += size
            continue
        parameters += size
        trainable += 0 if n.obj.grad_req == "null" else size
        deferred += 0 if n.obj.is_initialized else 1
    return TreeTotals(parameters, trainable, shared, deferred)


def filter_tree(root: TreeNode, selected_params) -> TreeNode:
    """A copy of ``root`` keeping only rows that lead to a parameter in ``selected_params``.

    ``selected_params`` is what ``net.collect_params(regex)`` returned; as there,
    a tied parameter appears once (at its first occurrence).
    """
    wanted = {id(p) for p in selected_params}
    kept: dict[int, TreeNode | None] = {}
    for node in reversed(list(root.walk())):  # children before parents, no recursion
        if node.is_param:
            keep = id(node.obj) in wanted and node.tied_to is None
            kept[id(node)] = TreeNode(PARAM, node.obj, node.path, node.label) if keep else None
            continue
        new = TreeNode(BLOCK, node.obj, node.path, node.label, activation=node.activation)
        for child in node.children:
            copy = kept.pop(id(child))
            if copy is not None:
                new.add(copy)
        kept[id(node)] = new if new.children or node.parent is None else None
    result = kept[id(root)]
    # Tie badges still name the first occurrence in the full tree.
    ties = {n.path: n.tied_to for n in root.walk() if n.tied_to is not None}
    for n in result.walk():
        n.tied_to = ties.get(n.path)
    return result


def find_node(root: TreeNode, path_or_name: str) -> TreeNode | None:
    """The node whose access path (``net[0].weight``, ``.data()`` allowed) or name matches."""
    text = path_or_name.strip()
    for suffix in (".data()", ".grad()"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    by_name = None
    for n in root.walk():
        if n.path == text:
            return n
        if by_name is None and n.is_param and n.obj.name == text and n.tied_to is None:
            by_name = n
        if by_name is None and n.is_block and n.obj.name == text:
            by_name = n
    return by_name
