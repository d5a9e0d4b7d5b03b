"""Reading and writing parameter files: ``.npz`` without pickle (and ``.safetensors``).

Reading is two-step so hostile files change nothing and cost little: open a
``ParameterFile`` (only regular files; a FIFO or ``/dev/zero`` is refused
without blocking or reading), look at its index of declared shapes and
dtypes, and read only the arrays wanted, each bounded by its declared size.

Writing is atomic (a temporary file renamed into place), goes through a
symbolic link to its target, refuses to replace anything but a regular file,
and gives a new file the mode the umask allows (a replaced file keeps its mode).
"""

from __future__ import annotations

import os
import secrets
import stat
import zipfile

import numpy as _onp

from . import parameter_file_formats as _formats
from .parameter_file_formats import FormatError, StoredArray

__all__ = [
    "ParameterFileError",
    "ParameterFile",
    "open_parameter_file",
    "load_arrays",
    "save_arrays",
    "StoredArray",
]


class ParameterFileError(ValueError):
    """A parameter file could not be read or written: not a parameter file, damaged,
    or not a regular file."""


def _file_kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


def _open_regular_file(filename: str):
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(filename, flags)
    except FileNotFoundError:
        # ValueError, as MXNet raises for a missing file.
        raise ValueError(f"Cannot open parameter file '{filename}': no such file") from None
    except IsADirectoryError:
        raise ParameterFileError(
            f"Cannot read parameters from '{filename}': it is a directory, not a regular file"
        ) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise ParameterFileError(
            f"Cannot read parameters from '{filename}': it is "
            f"{_file_kind(info.st_mode)}, not a regular file"
        )
    return os.fdopen(fd, "rb"), info.st_size


class ParameterFile:
    """An opened parameter file: ``index`` (name → StoredArray) and ``read(name)``.

    Use as a context manager. Nothing but the headers is read until ``read``.
    """

    def __init__(self, filename) -> None:
        self.filename = os.fspath(filename)
        self._stream, size = _open_regular_file(self.filename)
        self._archive = None
        try:
            head = self._stream.read(4)
            self._stream.seek(0)
            if head in (b"PK\x03\x04", b"PK\x05\x06"):
                self._archive = zipfile.ZipFile(self._stream)
                self.index = _formats.index_npz(self._archive)
            elif size >= 8:
                self.index, self._body_start = _formats.index_safetensors(self._stream, size)
            else:
                raise ParameterFileError(
                    f"Cannot read parameters from '{self.filename}': it is not a parameter "
                    f"file (.npz or .safetensors)"
                )
        except (
            FormatError,
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            EOFError,
            OSError,
            ValueError,
            NotImplementedError,
            RuntimeError,
        ) as err:
            self.close()
            if isinstance(err, ParameterFileError):
                raise
            raise self._error(err) from err

    def _error(self, err) -> ParameterFileError:
        kind = ".npz" if self._archive is not None else ".npz or .safetensors"
        return ParameterFileError(
            f"Cannot read parameters from '{self.filename}': it is not a valid {kind} "
            f"parameter file ({err})"
        )

    def read(self, name: str) -> _onp.ndarray:
        """The values of array ``name``, reading at most its declared size."""
        stored = self.index[name]
        try:
            if self._archive is not None:
                return _formats.read_npz_array(self._archive, stored)
            return _formats.read_safetensors_array(self._stream, self._body_start, stored)
        except (
            FormatError,
            zipfile.BadZipFile,
            EOFError,
            OSError,
            ValueError,
            NotImplementedError,
            RuntimeError,
        ) as err:
            raise self._error(err) from err

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()
        self._stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_parameter_file(filename) -> ParameterFile:
    """Open ``filename`` and index its arrays (ParameterFileError if it is not one)."""
    return ParameterFile(filename)


def load_arrays(filename) -> dict:
    """Load name → NumPy array from ``.npz`` (no pickle) or ``.safetensors``."""
    with open_parameter_file(filename) as stored:
        return {name: stored.read(name) for name in stored.index}


# -------------------------------------------------------------------- writing
def _atomic_write(filename, write) -> None:
    # realpath: saving through a symbolic link writes its target, keeping the link.
    target = os.path.realpath(os.fspath(filename))
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        raise ParameterFileError(
            f"Cannot save parameters to '{os.fspath(filename)}': it is "
            f"{_file_kind(existing.st_mode)}, not a regular file"
        )
    directory, base = os.path.split(target)
    tmp = os.path.join(directory, f".{base}.{secrets.token_hex(4)}.partial")
    # 0o666 filtered by the umask, as open() would create it; a replaced file keeps its mode.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as stream:
            if existing is not None:
                os.fchmod(stream.fileno(), stat.S_IMODE(existing.st_mode))
            write(stream)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save_arrays(filename, arrays: dict) -> None:
    """Save name → array; ``.safetensors`` by extension, otherwise NumPy ``.npz``."""
    arrays = {k: _onp.ascontiguousarray(v) for k, v in arrays.items()}
    if str(filename).endswith(".safetensors"):
        _atomic_write(filename, lambda s: _formats.write_safetensors(s, arrays))
    else:
        _atomic_write(filename, lambda s: _onp.savez(s, **arrays))
