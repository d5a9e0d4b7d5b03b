"""Reading a Trainer states file, checked against the Trainer before anything changes.

``Trainer.save_states`` writes one ``.npz`` holding ``__meta__`` (JSON: the
optimizer's name, update counts, learning rate and the layout of each
parameter's state) and the state arrays ``state_<i>`` or ``state_<i>_<k>``.
A file from another model, another optimizer, a hand-edited one or a damaged
one must not be applied: a state of the wrong shape would be silently replaced
by zeros at the next step (momentum lost), and a learning rate of ``'fast'``
would fail every step. So everything is checked first, against the Trainer's
parameters and its optimizer's state layout, and the arrays are read only
after their declared shapes matched.
"""

from __future__ import annotations

import json

import numpy as _onp

from ..ndarray import ndarray
from ..optimizer.base import check_learning_rate
from .parameter_loading import values_misfit
from .serialization import ParameterFileError, open_parameter_file

# The JSON metadata of even a large model is a few kilobytes.
_MAX_META_BYTES = 16 * 1024 * 1024


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _parts_expected(optimizer, index: int, param) -> int | None:
    """How the optimizer lays out ``param``'s state: None, -1 (one array) or k arrays."""
    probe = ndarray._wrap(_onp.zeros((0,), dtype=_onp.dtype(param.dtype)))
    state = optimizer.create_state(index, probe)
    if state is None:
        return None
    if isinstance(state, ndarray):
        return -1
    return len(state)


def _read_meta(stored, fname) -> dict:
    entry = stored.index.get("__meta__")
    if entry is None:
        raise ValueError(f"'{fname}' is not a Trainer states file (no __meta__ entry)")
    if entry.dtype.kind != "U" or entry.nbytes > _MAX_META_BYTES or len(entry.shape) > 1:
        raise ParameterFileError(
            f"'{fname}': its __meta__ entry is not the JSON text a Trainer writes"
        )
    text = stored.read("__meta__").reshape(-1)
    try:
        meta = json.loads(str(text[0])) if text.size == 1 else None
    except (ValueError, RecursionError):
        meta = None
    if not isinstance(meta, dict):
        raise ParameterFileError(f"'{fname}': its __meta__ entry is not a JSON object")
    return meta


def _check_meta(meta: dict, fname, optimizer, count: int) -> None:
    expected_keys = {"optimizer", "num_update", "index_update_count", "learning_rate", "layout"}
    missing = expected_keys - set(meta)
    if missing:
        raise ParameterFileError(f"'{fname}': its metadata lacks {sorted(missing)}")
    name = type(optimizer).__name__.lower()
    if meta["optimizer"] != name:
        raise ValueError(
            f"'{fname}' holds states of optimizer '{meta['optimizer']}', but "
            f"this Trainer uses '{name}'"
        )
    if not _is_count(meta["num_update"]):
        raise ParameterFileError(f"'{fname}': num_update is {meta['num_update']!r}, not a count")
    try:
        check_learning_rate(meta["learning_rate"])
    except ValueError as err:
        raise ParameterFileError(f"'{fname}': {err}") from None
    for what in ("index_update_count", "layout"):
        table = meta[what]
        if not isinstance(table, dict):
            raise ParameterFileError(f"'{fname}': {what} is not a JSON object")
        for key in table:
            if not (key.isdigit() and int(key) < count):
                raise ValueError(
                    f"'{fname}' holds a state for parameter #{key}, but this "
                    f"Trainer has {count} parameters"
                )
    for key, value in meta["index_update_count"].items():
        if not _is_count(value):
            raise ParameterFileError(
                f"'{fname}': update count {value!r} of parameter #{key} is not a count"
            )


def _check_arrays(stored, fname, layout: dict, params, optimizer) -> list:
    """The array names to read, in order, after checking each declared shape and dtype."""
    names = []
    for key, parts in layout.items():
        index = int(key)
        param = params[index]
        expected = _parts_expected(optimizer, index, param)
        if parts != expected:
            raise ValueError(
                f"'{fname}': the state of parameter #{index} ('{param.name}') has layout "
                f"{parts!r}, but this Trainer's {type(optimizer).__name__} keeps "
                f"{expected!r} (None: no state, -1: one array, k: k arrays)"
            )
        part_names = (
            []
            if parts is None
            else (
                [f"state_{index}"] if parts == -1 else [f"state_{index}_{k}" for k in range(parts)]
            )
        )
        for part in part_names:
            entry = stored.index.get(part)
            if entry is None:
                raise ParameterFileError(f"'{fname}': the state array '{part}' is missing")
            if entry.dtype.kind not in "biuf":
                raise ParameterFileError(
                    f"'{fname}': the state array '{part}' holds {entry.dtype}, not real numbers"
                )
            shape = param.shape
            if (
                shape is None
                or len(shape) != len(entry.shape)
                or any(own not in (-1, saved) for own, saved in zip(shape, entry.shape))
            ):
                raise ValueError(
                    f"'{fname}': the state array '{part}' has shape {entry.shape}, but "
                    f"parameter #{index} ('{param.name}') has shape {shape}"
                )
            names.append((index, part))
    extra = set(stored.index) - {"__meta__"} - {part for _i, part in names}
    if extra:
        raise ParameterFileError(f"'{fname}': unexpected arrays {sorted(extra)[:5]}")
    return names


def read_trainer_states(fname, params: list, optimizer):
    """Checked ``(states, meta)`` from a states file; nothing is applied here."""
    with open_parameter_file(fname) as stored:
        meta = _read_meta(stored, fname)
        _check_meta(meta, fname, optimizer, len(params))
        names = _check_arrays(stored, fname, meta["layout"], params, optimizer)
        values = {part: stored.read(part) for _index, part in names}
    for index, part in names:
        problem = values_misfit(values[part], params[index].dtype)
        if problem:
            raise ParameterFileError(f"'{fname}': the state array '{part}': {problem}")
    states = {}
    for key, parts in meta["layout"].items():
        index = int(key)
        dtype = _onp.dtype(params[index].dtype)
        if parts is None:
            states[index] = None
        elif parts == -1:
            states[index] = ndarray._wrap(values[f"state_{index}"].astype(dtype))
        else:
            states[index] = tuple(
                ndarray._wrap(values[f"state_{index}_{k}"].astype(dtype)) for k in range(parts)
            )
    return states, meta
