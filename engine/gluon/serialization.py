"""Reading and writing parameter files: ``.npz`` without pickle (and ``.safetensors``).

Files are written atomically (a temporary file renamed into place), so an
interrupted save never leaves a half-written file under the real name.
"""

from __future__ import annotations

import json
import os
import struct
import tempfile
import zipfile

import numpy as _onp

_SAFETENSORS_DTYPES = {
    "F32": _onp.float32, "F64": _onp.float64, "F16": _onp.float16, "I64": _onp.int64,
    "I32": _onp.int32, "I16": _onp.int16, "I8": _onp.int8, "U8": _onp.uint8, "BOOL": _onp.bool_,
}
_SAFETENSORS_NAMES = {_onp.dtype(v): k for k, v in _SAFETENSORS_DTYPES.items()}


class ParameterFileError(ValueError):
    """A parameter file could not be read: not a parameter file, or damaged."""


def _atomic_write(filename: str, write) -> None:
    directory = os.path.dirname(os.path.abspath(filename))
    handle, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.replace(tmp, filename)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save_arrays(filename: str, arrays: dict) -> None:
    """Save name → array; ``.safetensors`` by extension, otherwise NumPy ``.npz``."""
    arrays = {k: _onp.ascontiguousarray(v) for k, v in arrays.items()}
    if str(filename).endswith(".safetensors"):
        _atomic_write(filename, lambda s: _write_safetensors(s, arrays))
    else:
        _atomic_write(filename, lambda s: _onp.savez(s, **arrays))


def load_arrays(filename: str) -> dict:
    """Load name → NumPy array from ``.npz`` (no pickle) or ``.safetensors``."""
    filename = os.fspath(filename)
    if not os.path.exists(filename):
        # ValueError, as MXNet raises for a missing file.
        raise ValueError(f"Cannot open parameter file '{filename}': no such file")
    with open(filename, "rb") as stream:
        head = stream.read(8)
    if head[:4] == b"PK\x03\x04" or head[:4] == b"PK\x05\x06":
        try:
            with _onp.load(filename, allow_pickle=False) as stored:
                return {k: stored[k] for k in stored.files}
        except (ValueError, OSError, zipfile.BadZipFile, EOFError) as err:
            raise ParameterFileError(
                f"Cannot read parameters from '{filename}': the .npz file is damaged or holds "
                f"objects that need pickle ({err})") from err
    if len(head) == 8:
        try:
            return _read_safetensors(filename)
        except (ValueError, KeyError, struct.error, json.JSONDecodeError) as err:
            raise ParameterFileError(
                f"Cannot read parameters from '{filename}': it is neither a NumPy .npz file "
                f"nor a valid .safetensors file ({err})") from err
    raise ParameterFileError(
        f"Cannot read parameters from '{filename}': it is not a parameter file (.npz or "
        f".safetensors)")


def _write_safetensors(stream, arrays: dict) -> None:
    header, offset = {}, 0
    for name, value in arrays.items():
        if value.dtype not in _SAFETENSORS_NAMES:
            raise ValueError(f"Cannot store dtype {value.dtype} of '{name}' in safetensors")
        header[name] = {"dtype": _SAFETENSORS_NAMES[value.dtype], "shape": list(value.shape),
                        "data_offsets": [offset, offset + value.nbytes]}
        offset += value.nbytes
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    stream.write(struct.pack("<Q", len(encoded)))
    stream.write(encoded)
    for value in arrays.values():
        stream.write(value.astype(value.dtype.newbyteorder("<"), copy=False).tobytes())


def _read_safetensors(filename: str) -> dict:
    with open(filename, "rb") as stream:
        blob = stream.read()
    (size,) = struct.unpack("<Q", blob[:8])
    if size > len(blob) - 8:
        raise ValueError("header longer than the file")
    header = json.loads(blob[8:8 + size])
    body = memoryview(blob)[8 + size:]
    arrays = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _onp.dtype(_SAFETENSORS_DTYPES[info["dtype"]]).newbyteorder("<")
        start, stop = info["data_offsets"]
        if not 0 <= start <= stop <= len(body):
            raise ValueError(f"tensor '{name}' lies outside the file")
        value = _onp.frombuffer(body[start:stop], dtype=dtype)
        arrays[name] = value.reshape(info["shape"]).astype(dtype.newbyteorder("="))
    return arrays
