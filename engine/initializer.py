"""``engine.init``: weight initializers with MXNet 1.x names, formulas and registry.

A Gluon parameter always reaches ``_init_weight(name, data)`` of the chosen
initializer (the parameter's own ``init`` first, else the ``default_init`` of
``Block.initialize``); that is why a custom initializer's ``print`` shows only
weights when biases keep their own ``'zeros'``.
"""

from __future__ import annotations

import json
import logging
import math
import re

import numpy as _onp

from . import random_state
from .init_fill import normal_into as _normal_into
from .init_fill import uniform_into as _uniform_into
from .init_spread import Spread, fans, xavier_scale
from .ndarray import ndarray

__all__ = [
    "Initializer",
    "InitDesc",
    "register",
    "alias",
    "create",
    "Zero",
    "One",
    "Constant",
    "Uniform",
    "Normal",
    "Xavier",
    "MSRAPrelu",
    "Orthogonal",
    "Bilinear",
    "LSTMBias",
    "Mixed",
    "Load",
    "Spread",
    "xavier_scale",
    "fills_in_place",
]

_REGISTRY: dict[str, type] = {}


def register(klass):
    """Class decorator: make ``klass`` creatable by its lower-cased name."""
    if not (isinstance(klass, type) and issubclass(klass, Initializer)):
        raise TypeError(f"Can only register subclass of Initializer, got {klass!r}")
    name = klass.__name__.lower()
    _REGISTRY[name] = klass
    return klass


def alias(*aliases):
    """Class decorator: register ``klass`` under extra names."""

    def decorate(klass):
        for name in aliases:
            _REGISTRY[name.lower()] = klass
        return klass

    return decorate


def create(initializer, *args, **kwargs):
    """An Initializer from an instance, a registered name, or a ``dumps()`` string."""
    if isinstance(initializer, Initializer):
        return initializer
    if isinstance(initializer, type) and issubclass(initializer, Initializer):
        return initializer(*args, **kwargs)
    if isinstance(initializer, str):
        text = initializer.strip()
        if text.startswith("["):
            try:
                name, stored = json.loads(text)
            except (ValueError, TypeError) as err:
                raise ValueError(
                    f"Cannot parse initializer description {initializer!r}: {err}"
                ) from err
            return create(name, **stored)
        klass = _REGISTRY.get(text.lower())
        if klass is None:
            # MXNet's exact type and words; known names: sorted(engine.init.registered()).
            raise AssertionError(
                f"{initializer} is not registered. Please register with initializer.register first"
            )
        return klass(*args, **kwargs)
    raise TypeError(
        f"Cannot create an initializer from {initializer!r}: give an Initializer, "
        f"its name (such as 'xavier') or a dumps() string"
    )


def registered() -> list[str]:
    """Names (and aliases) ``create`` accepts."""
    return sorted(_REGISTRY)


class InitDesc(str):
    """A parameter name carrying attributes (``'__init__'``: the chosen initializer)."""

    def __new__(cls, name, attrs=None, global_init=None):
        desc = super().__new__(cls, name)
        desc.attrs = attrs or {}
        desc.global_init = global_init
        return desc


def _fill(arr, values) -> None:
    """Write ``values`` into ``arr`` (an engine or NumPy array) in place."""
    arr[:] = _onp.asarray(values).reshape(arr.shape) if _onp.ndim(values) else values


def _uses_own_rule(initializer, klass) -> bool:
    # A subclass that overrides _init_weight draws something else: its spread is unknown.
    return type(initializer)._init_weight is klass._init_weight


def fills_in_place(initializer) -> bool:
    """Whether ``initializer`` writes a parameter's buffer directly, without temporaries.

    True for the built-in Zero, One, Constant, Uniform, Normal, Xavier and
    MSRAPrelu (not for subclasses that override ``_init_weight``): they cannot
    fail half way, so ``Parameter.initialize`` lets them fill the live buffer.
    """
    return any(
        isinstance(initializer, klass) and _uses_own_rule(initializer, klass)
        for klass in (Zero, One, Constant, Uniform, Normal, Xavier)
    )


class Initializer:
    """Base class: subclasses implement ``_init_weight(name, arr)``.

    ``__call__(desc, arr)`` dispatches on the parameter name: the initializer
    named in ``desc.attrs['__init__']`` gets ``_init_weight``; otherwise names
    ending in ``weight``/``bias``/``gamma``/``beta`` pick their defaults.
    """

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._verbose = False
        self._print_func = None

    def set_verbose(self, verbose=False, print_func=None):
        self._verbose = verbose
        if print_func is None:

            def print_func(x):
                return str(_onp.linalg.norm(_onp.asarray(x)) / math.sqrt(max(x.size, 1)))

        self._print_func = print_func
        return self

    def _verbose_print(self, desc, init, arr):
        if self._verbose and self._print_func:
            # A log record, as MXNet writes it (silent unless logging shows INFO).
            logging.info("Initialized %s as %s: %s", desc, init, self._print_func(arr))

    def dumps(self) -> str:
        """JSON ``[name, kwargs]``, e.g. ``'["normal", {"sigma": 0.5}]'``."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        return f"{self.__class__.__name__}({args})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, Initializer):
            return False
        return type(self) is type(other) and self._kwargs == other._kwargs

    __hash__ = object.__hash__

    def __call__(self, desc, arr) -> None:
        if not isinstance(desc, InitDesc):
            desc = InitDesc(str(desc))
        if desc.global_init is None:
            desc.global_init = self
        chosen = desc.attrs.get("__init__", "")
        if chosen:
            create(chosen)._init_weight(desc, arr)
            self._verbose_print(desc, chosen, arr)
            return
        if desc.endswith("weight"):
            self._init_weight(desc, arr)
        elif desc.endswith("bias"):
            self._init_bias(desc, arr)
        elif desc.endswith("gamma"):
            self._init_gamma(desc, arr)
        elif desc.endswith("beta"):
            self._init_beta(desc, arr)
        elif desc.endswith("running_mean") or desc.endswith("moving_mean"):
            self._init_zero(desc, arr)
        elif desc.endswith("running_var") or desc.endswith("moving_var"):
            self._init_one(desc, arr)
        else:
            self._init_default(desc, arr)

    def _init_weight(self, name, arr):
        # MXNet's words; subclasses implement _init_weight(self, name, data).
        raise NotImplementedError("Must override it")

    def expected_spread(self, shape, name: str = "") -> Spread | None:
        """The distribution this initializer gives a parameter of ``shape``, if known.

        Parameters
        ----------
        shape : tuple of int
            The parameter's (known) shape.
        name : str
            The parameter's name (``Mixed`` picks its initializer by it).

        Returns
        -------
        Spread or None
            None where no closed form exists: custom initializers (by
            default), Bilinear, LSTMBias, Load, an array-valued Constant,
            Xavier on a vector (which Xavier refuses).
        """
        return None

    def _init_bias(self, _, arr):
        arr[:] = 0.0

    def _init_gamma(self, _, arr):
        arr[:] = 1.0

    def _init_beta(self, _, arr):
        arr[:] = 0.0

    def _init_zero(self, _, arr):
        arr[:] = 0.0

    def _init_one(self, _, arr):
        arr[:] = 1.0

    def _init_default(self, name, _):
        raise ValueError(
            f"Unknown initialization pattern for {name}. Default initialization is limited to "
            f'"weight", "bias", "gamma" (1.0), and "beta" (0.0). Give the parameter an init.'
        )


@register
class Load(Initializer):
    """Initialize from a dict of arrays by name, falling back to ``default_init``."""

    def __init__(self, param, default_init=None, verbose=False):
        super().__init__()
        if isinstance(param, str):
            with _onp.load(param, allow_pickle=False) as stored:
                param = {k: stored[k] for k in stored.files}
        self.param = {k[4:] if k.startswith(("arg:", "aux:")) else k: v for k, v in param.items()}
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name, arr):
        if name in self.param:
            value = _onp.asarray(self.param[name])
            if value.shape != tuple(arr.shape):
                raise ValueError(
                    f"Parameter {name} cannot be initialized from loading: "
                    f"shape mismatch, target {arr.shape} vs loaded {value.shape}"
                )
            arr[:] = value
        else:
            if self.default_init is None:
                raise ValueError(
                    f"Cannot Initialize {name}. Not found in loaded param and "
                    f"no default Initializer is provided."
                )
            self.default_init(name, arr)


@alias("zeros")
@register
class Zero(Initializer):
    """All zeros."""

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        arr[:] = 0

    def expected_spread(self, shape, name: str = "") -> Spread | None:
        if not _uses_own_rule(self, Zero):
            return None
        return Spread("constant", f"{type(self).__name__}: 0", value=0.0)


@alias("ones")
@register
class One(Initializer):
    """All ones."""

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        arr[:] = 1

    def expected_spread(self, shape, name: str = "") -> Spread | None:
        if not _uses_own_rule(self, One):
            return None
        return Spread("constant", f"{type(self).__name__}: 1", value=1.0)


@register
class Constant(Initializer):
    """Every element set to ``value`` (a scalar or an array of the parameter's shape)."""

    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _, arr):
        arr[:] = self.value

    def expected_spread(self, shape, name: str = "") -> Spread | None:
        if not _uses_own_rule(self, Constant) or _onp.ndim(self.value) != 0:
            return None
        value = float(_onp.asarray(self.value))
        return Spread("constant", f"{type(self).__name__}: {value:.4g}", value=value)

    def dumps(self) -> str:
        value = self.value
        if isinstance(value, (ndarray, _onp.ndarray)):
            value = _onp.asarray(value).tolist()
        return json.dumps([self.__class__.__name__.lower(), {"value": value}])


@register
class Uniform(Initializer):
    """Uniform on ``[-scale, scale]`` (Gluon's default weight initializer, scale 0.07)."""

    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        _uniform_into(arr, -self.scale, self.scale)

    def expected_spread(self, shape, name: str = "") -> Spread | None:
        if not _uses_own_rule(self, Uniform):
            return None
        scale = float(self.scale)
        return Spread("uniform", f"{type(self).__name__}: U(±{scale:.4g})", -scale, scale)


@register
class Normal(Initializer):
    """Normal with mean 0 and standard deviation ``sigma``."""

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        _normal_into(arr, 0, self.sigma)

    def expected_spread(self, shape, name: str = "") -> Spread | None:
        if not _uses_own_rule(self, Normal):
            return None
        sigma = float(self.sigma)
        return Spread("normal", f"{type(self).__name__}: N(0, {sigma:.4g}²)", sigma=sigma)


@register
class Orthogonal(Initializer):
    """``scale`` times an orthogonal factor of a random (nout, ∏rest) matrix (Saxe et al.)."""

    def __init__(self, scale=1.414, rand_type="uniform"):
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _, arr):
        nout = arr.shape[0]
        nin = int(_onp.prod(arr.shape[1:]))
        if self.rand_type == "uniform":
            tmp = random_state.generator().uniform(-1.0, 1.0, (nout, nin))
        elif self.rand_type == "normal":
            tmp = random_state.generator().normal(0.0, 1.0, (nout, nin))
        else:
            raise ValueError(f"Unknown rand_type {self.rand_type!r}: use 'uniform' or 'normal'")
        u, _, v = _onp.linalg.svd(tmp, full_matrices=False)
        res = u if u.shape == tmp.shape else v
        arr[:] = (self.scale * res.reshape(arr.shape)).astype(_onp.float32)

    def expected_spread(self, shape, name: str = "") -> Spread | None:
        """Approximate: entries of ``scale`` × an orthonormal (nout, nin) factor.

        The orthonormal rows (or columns, whichever are fewer) have unit
        length, so each entry has variance ``1 / max(nout, nin)``; for large
        matrices the entries are close to Gaussian with that variance.
        """
        if not _uses_own_rule(self, Orthogonal) or len(shape) < 1 or shape[0] == 0:
            return None
        nout, nin = shape[0], int(_onp.prod(shape[1:])) if len(shape) > 1 else 1
        sigma = float(self.scale) / math.sqrt(max(nout, nin))
        return Spread(
            "normal",
            f"{type(self).__name__}: ≈N(0, {sigma:.4g}²)",
            sigma=sigma,
            approximate=True,
            fan_in=float(nin),
            fan_out=float(nout),
        )


@register
class Xavier(Initializer):
    """Glorot initialization: scale ``sqrt(magnitude / factor)`` from the fans.

    ``factor`` is the average of fan-in and fan-out (``'avg'``), fan-in
    (``'in'``) or fan-out (``'out'``); the draw is uniform on ``[-s, s]`` or
    normal with std ``s`` (``rnd_type='gaussian'``).
    """

    def __init__(self, rnd_type="uniform", factor_type="avg", magnitude=3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name, arr):
        shape = arr.shape
        if len(shape) < 2:
            raise ValueError(
                f"Xavier initializer cannot be applied to vector {name}. It requires at least 2D."
            )
        fan_in, fan_out = fans(shape)
        if self.factor_type == "avg":
            factor = (fan_in + fan_out) / 2.0
        elif self.factor_type == "in":
            factor = fan_in
        elif self.factor_type == "out":
            factor = fan_out
        else:
            raise ValueError("Incorrect factor type")
        scale = math.sqrt(self.magnitude / factor)
        if self.rnd_type == "uniform":
            _uniform_into(arr, -scale, scale)
        elif self.rnd_type == "gaussian":
            _normal_into(arr, 0, scale)
        else:
            raise ValueError("Unknown random type")

    def expected_spread(self, shape, name: str = "") -> Spread | None:
        if not _uses_own_rule(self, Xavier) or len(shape) < 2:
            return None
        if self.factor_type not in ("avg", "in", "out"):
            return None
        fan_in, fan_out = fans(shape)
        scale = xavier_scale(shape, self.factor_type, self.magnitude)
        label = type(self).__name__
        if self.rnd_type == "uniform":
            return Spread(
                "uniform",
                f"{label}: U(±{scale:.4g})",
                -scale,
                scale,
                fan_in=fan_in,
                fan_out=fan_out,
            )
        if self.rnd_type == "gaussian":
            return Spread(
                "normal",
                f"{label}: N(0, {scale:.4g}²)",
                sigma=scale,
                fan_in=fan_in,
                fan_out=fan_out,
            )
        return None


@register
class MSRAPrelu(Xavier):
    """He initialization for PReLU nets: Gaussian Xavier with magnitude 2/(1+slope²)."""

    def __init__(self, factor_type="avg", slope=0.25):
        magnitude = 2.0 / (1 + slope**2)
        super().__init__("gaussian", factor_type, magnitude)
        self._kwargs = {"factor_type": factor_type, "slope": slope}


@register
class Bilinear(Initializer):
    """Bilinear-upsampling kernels for 4-D deconvolution weights."""

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        shape = arr.shape
        f = math.ceil(shape[3] / 2.0)
        c = (2 * f - 1 - f % 2) / (2.0 * f)
        index = _onp.arange(int(_onp.prod(shape)))
        x = index % shape[3]
        y = (index // shape[3]) % shape[2]
        weight = (1 - _onp.abs(x / f - c)) * (1 - _onp.abs(y / f - c))
        arr[:] = weight.reshape(shape).astype(_onp.float32)


@register
class LSTMBias(Initializer):
    """Zeros, except the forget gate (second quarter) set to ``forget_bias``."""

    def __init__(self, forget_bias=1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name, arr):
        arr[:] = 0.0
        num_hidden = int(arr.shape[0] / 4)
        arr[num_hidden : 2 * num_hidden] = self.forget_bias


class Mixed(Initializer):
    """The first initializer whose regex matches the parameter name wins.

    MXNet 1.9.1's ``Mixed`` is not an ``Initializer`` and Gluon cannot use it
    as a parameter's init; here it is one, dispatching ``_init_weight`` by name.
    """

    def __init__(self, patterns, initializers):
        if len(patterns) != len(initializers):
            raise ValueError("Mixed needs as many patterns as initializers")
        super().__init__()
        self.map = list(zip([re.compile(p) for p in patterns], [create(i) for i in initializers]))

    def _chosen(self, name):
        for prog, init in self.map:
            if prog.match(name):
                return init
        raise ValueError(
            f"Parameter name {name} did not match any pattern. Consider adding "
            f'a ".*" pattern at the end with a default Initializer.'
        )

    def __call__(self, name, arr):
        if isinstance(name, InitDesc) and name.attrs.get("__init__"):
            return super().__call__(name, arr)
        self._chosen(name)(name, arr)

    def _init_weight(self, name, arr):
        self._chosen(name)._init_weight(name, arr)

    def expected_spread(self, shape, name: str = "") -> Spread | None:
        """The spread of the initializer whose pattern matches ``name`` (None if none does)."""
        chosen = next((init for prog, init in self.map if prog.match(name)), None)
        return None if chosen is None else chosen.expected_spread(shape, name)
