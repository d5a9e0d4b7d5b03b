"""Hostile parameter files and Trainer states for fuzzing, and how to judge one load.

Used by ``tests/engine/test_fuzz_inputs.py`` (a short hypothesis run) and
``benchmarks/fuzz_inputs.py`` (a longer run that prints counts). Each case is
the bytes of a file; ``run_case`` loads it into a small model (or its
Trainer) under a time limit and classifies what happened:

``loaded``      the file fit and was loaded;
``clean``       refused with one of the engine's documented error types;
``hang``        the time limit ran out;
``changed``     refused, but the model or Trainer changed anyway;
``unexpected``  some other exception type leaked out (a bug).
"""

from __future__ import annotations

import copy
import io
import json
import signal
import struct
import zipfile

import numpy as onp

from engine import autograd, init, np
from engine.base import MXNetError
from engine.gluon import Trainer, nn
from engine.gluon.serialization import ParameterFileError

CLEAN_ERRORS = (ParameterFileError, ValueError, AssertionError, MXNetError)
OUTCOMES = ("loaded", "clean", "hang", "changed", "unexpected")
KEYS = ["0.weight", "0.bias", "1.weight", "1.bias"]
DTYPES = ["<f4", "<f8", "<f2", "<i4", "<i8", "|u1", "|b1", "<c8", "<U3", "|S2", ">f4", "<m8"]


class CaseTimeoutError(Exception):
    """The per-case time limit ran out."""


def make_model():
    """A 3-8-2 MLP and a momentum-SGD Trainer that has taken one step."""
    net = nn.Sequential()
    net.add(nn.Dense(8, activation="relu", in_units=3), nn.Dense(2, in_units=8))
    net.initialize(init.Normal(0.5))
    trainer = Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9})
    with autograd.record():
        loss = (net(np.ones((4, 3))) ** 2).sum()
    loss.backward()
    trainer.step(4)
    return net, trainer


def _state_bytes(state):
    if isinstance(state, (tuple, list)):
        return tuple(_state_bytes(s) for s in state)
    if hasattr(state, "asnumpy"):
        return state.asnumpy().tobytes()
    return repr(state)


def snapshot(net, trainer) -> tuple:
    params = tuple((p.version, p.data().asnumpy().tobytes()) for p in net.collect_params().values())
    states = tuple(
        sorted((repr(i), _state_bytes(s)) for i, s in trainer._updaters[0].states.items())
    )
    opt = trainer.optimizer
    counts = tuple(sorted((repr(k), repr(v)) for k, v in opt._index_update_count.items()))
    return params, states, repr(opt.num_update), counts, repr(opt.lr)


def _bytes_of(save, suffix: str, tmp_path) -> bytes:
    path = tmp_path / f"valid{suffix}"
    save(str(path))
    return path.read_bytes()


def valid_files(net, trainer, tmp_path) -> dict:
    """The bytes of a valid ``.params`` (npz), ``.safetensors`` and Trainer states file."""
    return {
        "npz": _bytes_of(net.save_parameters, ".params", tmp_path),
        "safetensors": _bytes_of(net.save_parameters, ".safetensors", tmp_path),
        "states": _bytes_of(trainer.save_states, ".states", tmp_path),
    }


# ------------------------------------------------------------------- generators
def mutate(rng: onp.random.Generator, blob: bytes) -> bytes:
    """``blob`` with a few random byte edits: flips, cuts, inserts, copies."""
    data = bytearray(blob)
    for _ in range(int(rng.integers(1, 4))):
        choice = int(rng.integers(0, 5))
        at = int(rng.integers(0, max(len(data), 1)))
        if choice == 0 and data:
            data[at % len(data)] = int(rng.integers(0, 256))
        elif choice == 1:
            del data[at:]
        elif choice == 2:
            data[at:at] = rng.bytes(int(rng.integers(1, 16)))
        elif choice == 3 and data:
            start = int(rng.integers(0, len(data)))
            data[at:at] = data[start : start + int(rng.integers(1, 64))]
        else:
            data[at : at + 8] = struct.pack("<Q", int(rng.integers(0, 2**63)))
    return bytes(data)


def _random_array(rng: onp.random.Generator) -> onp.ndarray:
    shape = tuple(int(d) for d in rng.choice([0, 1, 2, 3, 8], size=int(rng.integers(0, 4))))
    dtype = onp.dtype(str(rng.choice(DTYPES)))
    count = int(onp.prod(shape))
    values = rng.normal(size=count) * float(rng.choice([1.0, 1e6, 1e40]))
    if dtype.kind in "US":
        return onp.array(["ab"] * count, dtype=dtype).reshape(shape)
    with onp.errstate(all="ignore"):
        return values.astype(dtype).reshape(shape)


def _random_key(rng: onp.random.Generator) -> str:
    return str(rng.choice(KEYS + ["2.weight", "weight", "0.weight.extra", "", "__meta__"]))


def structured_npz(rng: onp.random.Generator, valid_arrays: dict) -> bytes:
    """An .npz holding the valid arrays with some replaced, dropped or added."""
    arrays = dict(valid_arrays)
    for _ in range(int(rng.integers(1, 3))):
        arrays[_random_key(rng)] = _random_array(rng)
    if rng.random() < 0.3:
        arrays.pop(str(rng.choice(KEYS)), None)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for key, value in arrays.items():
            member = io.BytesIO()
            onp.save(member, value, allow_pickle=False)
            name = (key + (".npy" if rng.random() > 0.05 else "")) or "_"
            archive.writestr(name, member.getvalue())
    return buffer.getvalue()


_JSON_VALUES = [
    None,
    True,
    -1,
    0,
    3,
    2**70,
    1.5,
    "F32",
    "x",
    [],
    [0, 8],
    ["0", "4"],
    {},
    [8, 3],
    {"dtype": "F32"},
]


def _json_value(rng: onp.random.Generator):
    # A fresh copy: the values are lists and dicts that the generators insert and mutate.
    return copy.deepcopy(_JSON_VALUES[int(rng.integers(0, len(_JSON_VALUES)))])


def structured_safetensors(rng: onp.random.Generator) -> bytes:
    """A .safetensors file whose JSON header has random structure and values."""
    header = {}
    for key in rng.choice(KEYS + ["__metadata__", "z"], size=int(rng.integers(0, 5))):
        entry = {
            "dtype": str(rng.choice(["F32", "F64", "I8", "BOOL", "C64", "F32"])),
            "shape": [int(d) for d in rng.choice([0, 2, 3, 8], size=int(rng.integers(0, 3)))],
            "data_offsets": sorted(int(o) for o in rng.integers(0, 300, size=2)),
        }
        for field in list(entry):
            if rng.random() < 0.2:
                entry[field] = _json_value(rng)
        header[str(key)] = entry if rng.random() > 0.1 else _json_value(rng)
    encoded = json.dumps(header if rng.random() > 0.05 else list(header)).encode()
    return struct.pack("<Q", len(encoded)) + encoded + rng.bytes(int(rng.integers(0, 300)))


def structured_states(rng: onp.random.Generator, valid_arrays: dict) -> bytes:
    """A Trainer states .npz whose metadata and state arrays are randomly changed."""
    arrays = dict(valid_arrays)
    meta = json.loads(str(arrays["__meta__"].reshape(-1)[0]))
    for _ in range(int(rng.integers(1, 3))):
        target = int(rng.integers(0, 3))
        if target == 0:
            meta[str(rng.choice(list(meta) + ["extra"]))] = _json_value(rng)
        elif target == 1 and isinstance(meta.get("layout"), dict):
            meta["layout"][str(rng.integers(0, 6))] = _json_value(rng)
        else:
            name = str(rng.choice([k for k in arrays if k != "__meta__"] + ["state_9"]))
            arrays[name] = _random_array(rng)
    arrays["__meta__"] = onp.array(json.dumps(meta))
    buffer = io.BytesIO()
    onp.savez(buffer, **arrays)
    return buffer.getvalue()


# ----------------------------------------------------------------------- judging
def _on_alarm(signum, frame):
    raise CaseTimeoutError()


def run_case(kind: str, blob: bytes, net, trainer, tmp_path, time_limit: float = 2.0):
    """Load ``blob`` as a parameter file (``kind='params'``) or states; return (outcome, err)."""
    path = tmp_path / ("case.states" if kind == "states" else "case.params")
    path.write_bytes(blob)
    before = snapshot(net, trainer)
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        if kind == "states":
            trainer.load_states(str(path))
        else:
            net.load_parameters(str(path))
    except CaseTimeoutError as err:
        return "hang", err
    except CLEAN_ERRORS as err:
        if type(err) not in CLEAN_ERRORS and not isinstance(err, (ParameterFileError, MXNetError)):
            return "unexpected", err  # e.g. JSONDecodeError, UnicodeDecodeError leaking out
        if snapshot(net, trainer) != before:
            return "changed", err
        return "clean", err
    except Exception as err:  # noqa: BLE001 - classifying every other type is the point
        return "unexpected", err
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return "loaded", None
