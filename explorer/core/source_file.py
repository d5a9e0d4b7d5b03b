"""Reading a learner's Python file (``--run`` scripts, File → Open model) safely.

``open(path).read()`` on ``/dev/zero`` reads until memory runs out, and on a
FIFO blocks until a writer comes: the window freezes for good. Only a regular
file of at most :data:`MAX_SOURCE_BYTES` is read; anything else is refused with
a message saying why.
"""

from __future__ import annotations

import os
import stat

__all__ = ["MAX_SOURCE_BYTES", "SourceFileError", "read_source_file"]

MAX_SOURCE_BYTES = 10 * 1024 * 1024  # far beyond any model or demo script


class SourceFileError(OSError):
    """The path is not a regular file, or is too large to be a Python script."""


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def read_source_file(path: str, max_bytes: int = MAX_SOURCE_BYTES) -> str:
    """The UTF-8 text of the regular file at ``path``.

    Raises
    ------
    SourceFileError
        ``path`` is a directory, FIFO, device or socket, or larger than ``max_bytes``.
    OSError, UnicodeDecodeError
        It cannot be opened or read, or is not UTF-8.
    """
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceFileError(f"{path} is {_kind(info.st_mode)}, not a Python file")
        if info.st_size > max_bytes:
            raise SourceFileError(
                f"{path} is {info.st_size / 2**20:.1f} MB; a Python file "
                f"here may be at most {max_bytes / 2**20:g} MB"
            )
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew while we read
        raise SourceFileError(
            f"{path} is larger than {max_bytes / 2**20:g} MB; a Python "
            f"file here may be at most that"
        )
    return data.decode("utf-8")
