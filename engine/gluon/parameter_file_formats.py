"""The two on-disk formats of parameter files, read as an index before any data.

Each reader first lists every stored array with its declared shape and dtype
(the ``.npy`` header of an ``.npz`` member, or the JSON header of a
``.safetensors`` file) and checks that the declared sizes agree with the
bytes actually present. Callers compare that index with what the model needs,
and only then read the arrays they want, each read bounded by its declared
size. So a zip bomb, a header that lies, or an array of the wrong shape is
refused before its data is decompressed or read.
"""

from __future__ import annotations

import json
import math
import struct
import zipfile
from dataclasses import dataclass

import numpy as _onp
from numpy.lib import format as _npy_format

SAFETENSORS_DTYPES = {
    "F32": _onp.float32,
    "F64": _onp.float64,
    "F16": _onp.float16,
    "I64": _onp.int64,
    "I32": _onp.int32,
    "I16": _onp.int16,
    "I8": _onp.int8,
    "U8": _onp.uint8,
    "BOOL": _onp.bool_,
}
SAFETENSORS_NAMES = {_onp.dtype(v): k for k, v in SAFETENSORS_DTYPES.items()}

# The safetensors specification caps the JSON header at 100 MB.
_SAFETENSORS_MAX_HEADER = 100 * 1024 * 1024


class FormatError(Exception):
    """The file's structure is wrong; the caller turns it into a ParameterFileError."""


@dataclass(frozen=True)
class StoredArray:
    """One array as its file declares it: shape, dtype and where its bytes are."""

    shape: tuple
    dtype: _onp.dtype
    nbytes: int
    location: object  # zip member name, or (start, stop) in a safetensors body


def _declared_nbytes(shape, dtype) -> int:
    # Python integers: a declared shape such as (2**40, 2**40) must not overflow.
    return math.prod(shape) * dtype.itemsize


# ----------------------------------------------------------------------- .npz
def index_npz(archive: zipfile.ZipFile) -> dict:
    """Name → StoredArray for every member of an ``.npz`` archive (headers only)."""
    index = {}
    for info in archive.infolist():
        if not info.filename.endswith(".npy"):
            raise FormatError(f"member '{info.filename}' is not a .npy array")
        name = info.filename[:-4]
        if name in index:
            raise FormatError(f"array '{name}' is stored twice")
        with archive.open(info) as member:
            try:
                version = _npy_format.read_magic(member)
                if version == (1, 0):
                    shape, fortran, dtype = _npy_format.read_array_header_1_0(member)
                elif version in ((2, 0), (3, 0)):
                    shape, fortran, dtype = _npy_format.read_array_header_2_0(member)
                else:
                    raise FormatError(f"array '{name}' has .npy format version {version}")
            except (ValueError, SyntaxError, TypeError, OverflowError) as err:
                raise FormatError(f"array '{name}' has a damaged .npy header ({err})") from err
            header_size = member.tell()
        if dtype.hasobject:
            raise FormatError(f"array '{name}' holds Python objects, which need pickle")
        if fortran and len(shape) > 1:
            raise FormatError(f"array '{name}' is stored in Fortran order")
        nbytes = _declared_nbytes(shape, dtype)
        if info.file_size != header_size + nbytes:
            raise FormatError(
                f"array '{name}' declares shape {shape} of {dtype} ({nbytes} bytes), but its "
                f"member holds {info.file_size - header_size} bytes of data"
            )
        index[name] = StoredArray(tuple(shape), dtype, nbytes, info.filename)
    return index


def read_npz_array(archive: zipfile.ZipFile, stored: StoredArray) -> _onp.ndarray:
    """The array's values, reading no more than its declared size."""
    with archive.open(stored.location) as member:
        version = _npy_format.read_magic(member)
        if version == (1, 0):
            _npy_format.read_array_header_1_0(member)
        else:
            _npy_format.read_array_header_2_0(member)
        blob = member.read(stored.nbytes)
    if len(blob) != stored.nbytes:
        raise FormatError(f"array '{stored.location[:-4]}' is truncated")
    return _onp.frombuffer(blob, dtype=stored.dtype).reshape(stored.shape).copy()


# --------------------------------------------------------------- .safetensors
def index_safetensors(stream, file_size: int) -> tuple[dict, int]:
    """Name → StoredArray of a ``.safetensors`` file, and where its body starts."""
    head = stream.read(8)
    if len(head) != 8:
        raise FormatError("the file is shorter than a safetensors header")
    (size,) = struct.unpack("<Q", head)
    if size > min(file_size - 8, _SAFETENSORS_MAX_HEADER):
        raise FormatError(f"its header declares {size} bytes, more than the file holds")
    raw = stream.read(size)
    try:
        header = json.loads(raw)
    except RecursionError:
        raise FormatError("its JSON header is nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as err:
        raise FormatError(f"its header is not valid JSON ({err})") from err
    if not isinstance(header, dict):
        raise FormatError(f"its header is a JSON {type(header).__name__}, not an object")
    body_size = file_size - 8 - size
    index = {}
    for name, info in header.items():
        if name == "__metadata__":
            if not isinstance(info, dict):
                raise FormatError("its __metadata__ entry is not an object")
            continue
        index[name] = _safetensors_entry(name, info, body_size)
    return index, 8 + size


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _safetensors_entry(name: str, info, body_size: int) -> StoredArray:
    if not isinstance(info, dict):
        raise FormatError(f"entry '{name}' is a JSON {type(info).__name__}, not an object")
    dtype_name, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if not isinstance(dtype_name, str) or dtype_name not in SAFETENSORS_DTYPES:
        raise FormatError(f"entry '{name}' has unsupported dtype {dtype_name!r}")
    if not isinstance(shape, list) or not all(_is_count(d) for d in shape):
        raise FormatError(f"entry '{name}' has shape {shape!r}, not a list of sizes")
    if not isinstance(offsets, list) or len(offsets) != 2 or not all(_is_count(o) for o in offsets):
        raise FormatError(f"entry '{name}' has data_offsets {offsets!r}, not two byte offsets")
    start, stop = offsets
    if not start <= stop <= body_size:
        raise FormatError(f"tensor '{name}' lies outside the file")
    dtype = _onp.dtype(SAFETENSORS_DTYPES[dtype_name]).newbyteorder("<")
    nbytes = _declared_nbytes(shape, dtype)
    if stop - start != nbytes:
        raise FormatError(
            f"tensor '{name}' declares shape {tuple(shape)} of {dtype_name} "
            f"({nbytes} bytes) but spans {stop - start} bytes"
        )
    return StoredArray(tuple(shape), dtype, nbytes, (start, stop))


def read_safetensors_array(stream, body_start: int, stored: StoredArray) -> _onp.ndarray:
    """The tensor's values in native byte order, reading exactly its declared bytes."""
    start, _stop = stored.location
    stream.seek(body_start + start)
    blob = stream.read(stored.nbytes)
    if len(blob) != stored.nbytes:
        raise FormatError("a tensor is truncated")
    values = _onp.frombuffer(blob, dtype=stored.dtype).reshape(stored.shape)
    return values.astype(stored.dtype.newbyteorder("="))


def write_safetensors(stream, arrays: dict) -> None:
    """Write name → C-contiguous array as a ``.safetensors`` file."""
    header, offset = {}, 0
    for name, value in arrays.items():
        if value.dtype not in SAFETENSORS_NAMES:
            raise ValueError(f"Cannot store dtype {value.dtype} of '{name}' in safetensors")
        header[name] = {
            "dtype": SAFETENSORS_NAMES[value.dtype],
            "shape": list(value.shape),
            "data_offsets": [offset, offset + value.nbytes],
        }
        offset += value.nbytes
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    stream.write(struct.pack("<Q", len(encoded)))
    stream.write(encoded)
    for value in arrays.values():
        stream.write(value.astype(value.dtype.newbyteorder("<"), copy=False).tobytes())
