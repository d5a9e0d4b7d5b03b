"""Initializing a parameter, a block, the whole net or a regex selection, as Gluon does.

:func:`resolve_target` turns what the learner picked (an access path such as
``net[0].weight`` or ``net[1]``, ``net``, or a ``collect_params`` regex) into
an :class:`InitTarget`; :func:`plan_initialization` decides, parameter by
parameter, which initializer Gluon would run there and writes the engine code
a learner would type. Gluon's precedence is kept exactly: an explicit
``param.initialize(init=X)`` wins; ``Block.initialize(init=X)`` and
``ParameterDict.initialize`` pass ``X`` as the *default*, so a parameter created
with its own ``init=`` (a Dense bias's ``'zeros'``) keeps it. ``override_own``
is the learner's choice to give those the chosen initializer too (logged as a
loop of explicit ``param.initialize(init=X)`` calls, which is how Gluon code
does it).

The random stream: every draw comes from the engine's one generator
(``np.random.seed`` seeds it). :class:`RandomDraw` is a snapshot of that stream;
a preview drawn from a snapshot and an apply started from the same snapshot
give the same values, bit for bit, and so does the logged code run after the
same ``np.random.seed``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from engine import init, random_state
from engine.gluon import Block, Parameter

from .block_tree import find_node
from .param_filter import FilterError, match_parameters

__all__ = [
    "InitTarget",
    "InitStep",
    "InitPlan",
    "RandomDraw",
    "resolve_target",
    "plan_initialization",
    "initializer_code",
    "as_initializer",
    "own_init_note",
    "TargetError",
]


class TargetError(ValueError):
    """Nothing to initialize: the path or pattern reaches no parameter (the message says why)."""


# ------------------------------------------------------------------ random stream
@dataclass(frozen=True, eq=False)
class RandomDraw:
    """A point in the engine's random stream: a preview and its apply start here.

    Attributes
    ----------
    state : dict
        ``numpy.random.Generator.bit_generator.state`` at that point.
    """

    state: dict

    @classmethod
    def now(cls) -> RandomDraw:
        """The engine's random stream as it stands (the next draw starts here)."""
        return cls(_copy_state(random_state.generator().bit_generator.state))

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomDraw) and _same_state(self.state, other.state)

    __hash__ = None

    def restore(self) -> None:
        """Make the engine's next draw start at this point."""
        random_state.generator().bit_generator.state = _copy_state(self.state)


def _copy_state(state: dict) -> dict:
    return json.loads(json.dumps(state))


def _same_state(a: dict, b: dict) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


# ------------------------------------------------------------------------ targets
@dataclass
class InitTarget:
    """What to initialize.

    Attributes
    ----------
    kind : {'net', 'block', 'param', 'pattern'}
    expression : str
        ``'net'``, ``'net[1]'``, ``'net[0].weight'``, or the regex itself.
    params : list of Parameter
        The distinct parameters reached, in ``collect_params`` order.
    paths : list of str
        The access path of each parameter (its first occurrence in the tree).
    """

    kind: str
    expression: str
    params: list
    paths: list

    def describe(self) -> str:
        """``'net[1] (2 parameters)'`` — for titles and labels."""
        what = (
            f"the pattern {self.expression!r}"
            if self.kind == "pattern"
            else ("the whole net" if self.kind == "net" else self.expression)
        )
        count = len(self.params)
        return f"{what} ({count} parameter{'s' if count != 1 else ''})"


def resolve_target(net: Block, tree, path_or_pattern: str) -> InitTarget:
    """The :class:`InitTarget` for an access path, a name, ``'net'`` or a regex.

    A path (or a parameter's or block's name) is tried first, as the tree's
    ``find_node`` resolves it; otherwise the text is a regex with
    ``net.collect_params(select)`` semantics (matched with a time limit).

    Raises
    ------
    TargetError
        The text is neither a path nor a valid pattern, or the pattern matches
        no parameter.
    """
    text = (path_or_pattern or "net").strip()
    first_paths = {}
    for node in tree.walk():
        if node.is_param and node.tied_to is None:
            first_paths.setdefault(id(node.obj), node.path)
    node = find_node(tree, text)
    if node is not None:
        if node.is_param:
            param = node.tied_to.obj if node.tied_to is not None else node.obj
            path = node.tied_to.path if node.tied_to is not None else node.path
            return InitTarget("param", path, [param], [path])
        params = list(node.obj.collect_params().values())
        kind = "net" if node.parent is None else "block"
        return InitTarget(kind, node.path, params, [first_paths.get(id(p), p.name) for p in params])
    try:
        params = match_parameters(net, text)
    except FilterError as exc:
        raise TargetError(
            f"{text!r} is no access path in net (such as 'net[0].weight' or "
            f"'net[1]'), nor a usable pattern: {exc}"
        ) from None
    if not params:
        raise TargetError(
            f"The pattern {text!r} matches no parameter name "
            f"(net.collect_params({text!r}) is empty)"
        )
    return InitTarget("pattern", text, params, [first_paths.get(id(p), p.name) for p in params])


# ------------------------------------------------------------------- initializers
def as_initializer(initializer) -> init.Initializer:
    """An Initializer from an instance or a registered name (``'xavier'``)."""
    return init.create(initializer)


def initializer_code(initializer) -> str:
    """Python that rebuilds ``initializer``: ``init.Xavier(rnd_type='gaussian', magnitude=2)``.

    Built from its public ``dumps()`` description (``Mixed`` from its ``map``),
    so the code is valid Python whatever the repr says; a learner's own class
    appears by its name (``MyInit()``), defined by the code logged with it.
    """
    initializer = as_initializer(initializer)
    klass = type(initializer)
    if isinstance(initializer, init.Mixed) and klass is init.Mixed:
        patterns = [pattern.pattern for pattern, _ in initializer.map]
        inits = ", ".join(initializer_code(i) for _, i in initializer.map)
        return f"init.Mixed({patterns!r}, [{inits}])"
    prefix = "init." if getattr(init, klass.__name__, None) is klass else ""
    try:
        _name, kwargs = json.loads(initializer.dumps())
    except (TypeError, ValueError):  # an argument JSON cannot hold (a NumPy scalar)
        return prefix + repr(initializer)
    args = ", ".join(f"{key}={value!r}" for key, value in kwargs.items())
    return f"{prefix}{klass.__name__}({args})"


def own_init_note(param: Parameter) -> str | None:
    """Why Gluon keeps ``param``'s own initializer (``'zeros'`` for a Dense bias), or None."""
    own = param.init
    if own is None:
        return None
    shown = own if isinstance(own, str) else repr(own)
    return (
        f"{param.name} was created with its own init ({shown}); "
        f"Block.initialize passes your initializer only as the default, so Gluon keeps it"
    )


# -------------------------------------------------------------------------- plans
@dataclass
class InitStep:
    """What Gluon does to one parameter: ``param.initialize(init=explicit, default_init=default)``.

    Attributes
    ----------
    chosen : Initializer or str
        The initializer whose ``_init_weight`` runs (explicit, else own, else default).
    keeps_own : bool
        The parameter keeps its own initializer (``override_own`` was False).
    deferred : bool
        The shape is not known yet: the parameter becomes pending until the next forward.
    skipped : bool
        Already initialized and ``force_reinit`` is False (Gluon warns and leaves it).
    """

    param: Parameter
    path: str
    explicit: object
    default: object
    chosen: object
    keeps_own: bool
    deferred: bool
    skipped: bool

    def run(self, force_reinit: bool) -> None:
        """Do it through the engine's own ``Parameter.initialize``."""
        self.param.initialize(
            init=self.explicit, default_init=self.default, force_reinit=force_reinit
        )


@dataclass
class InitPlan:
    """A whole initialization: target, steps in order, the code to log.

    Attributes
    ----------
    initializer : Initializer
        The learner's choice (one instance, as ``Block.initialize`` uses one).
    code : str
        Engine code doing the same (``net.initialize(init=..., force_reinit=True)``).
    label : str
        What the undo history shows.
    """

    target: InitTarget
    initializer: object
    force_reinit: bool
    override_own: bool
    steps: list = field(default_factory=list)
    code: str = ""
    label: str = ""

    @property
    def params(self) -> list:
        return self.target.params

    def kept_own(self) -> list:
        """Steps where Gluon keeps the parameter's own initializer."""
        return [s for s in self.steps if s.keeps_own]

    def run(self) -> None:
        """Initialize every target through the engine (the built-in path)."""
        for step in self.steps:
            step.run(self.force_reinit)


def plan_initialization(
    target: InitTarget,
    initializer,
    force_reinit: bool = True,
    override_own: bool = False,
    class_source: str | None = None,
) -> InitPlan:
    """Which initializer reaches each target parameter, and the code a learner would type.

    ``class_source`` (a learner's ``class MyInit(init.Initializer): ...``) is
    logged before the call so the logged code runs on its own.
    """
    initializer = as_initializer(initializer)
    plan = InitPlan(target, initializer, force_reinit, override_own)
    explicit_everywhere = target.kind == "param" or override_own
    uniform = init.Uniform()
    for param, path in zip(target.params, target.paths):
        if explicit_everywhere:
            explicit, default = initializer, uniform
        else:
            explicit, default = None, initializer
        keeps_own = explicit is None and param.init is not None
        chosen = (
            explicit
            if explicit is not None
            else (param.init if param.init is not None else default)
        )
        shape = param.shape
        deferred = shape is None or not all(d > 0 for d in shape)
        skipped = param.is_initialized and not force_reinit
        plan.steps.append(
            InitStep(param, path, explicit, default, chosen, keeps_own, deferred, skipped)
        )
    # Overriding changes nothing when no target has an init of its own: log the plain call.
    loop = (
        target.kind != "param" and override_own and any(p.init is not None for p in target.params)
    )
    plan.code = _code(target, initializer_code(initializer), force_reinit, loop, class_source)
    plan.label = f"Initialize {target.describe()} with {initializer_code(initializer)}"
    return plan


def _code(
    target: InitTarget, init_code: str, force_reinit: bool, loop: bool, class_source: str | None
) -> str:
    force = ", force_reinit=True" if force_reinit else ""
    if target.kind == "pattern":
        collection = f"net.collect_params({target.expression!r})"
    else:
        collection = f"{target.expression}.collect_params()"
    lines = [class_source.rstrip("\n")] if class_source else []
    if loop:
        lines += [
            f"initializer = {init_code}",
            f"for param in {collection}.values():",
            f"    param.initialize(init=initializer{force})",
        ]
    elif target.kind == "pattern":
        lines.append(f"{collection}.initialize(init={init_code}{force})")
    else:
        lines.append(f"{target.expression}.initialize(init={init_code}{force})")
    return "\n".join(lines)
