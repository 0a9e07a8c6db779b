"""Reading input files: regular files only, and never more than a limit.

Every reader in :mod:`cadredev.io` opens files through :func:`read_input`,
so a FIFO, a device or a directory is refused at once (instead of blocking
or failing late) and a file larger than the limit is refused before it is
read into memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cadredev.errors import InvalidInputError

__all__ = ["MAX_FILE_BYTES", "check_regular_file", "read_input"]

MAX_FILE_BYTES = 256 * 2**20
"""The largest input file read by default: 256 MiB."""


def check_regular_file(path: str | os.PathLike[str], *, where: str) -> os.stat_result:
    """Return the status of *path* after checking it names a regular file.

    Raises
    ------
    InvalidInputError
        For a missing file, a directory, a FIFO, a device or a socket.
    """
    if not isinstance(path, str | os.PathLike):
        raise InvalidInputError(f"{where}: expected a file path, got {type(path).__name__}")
    try:
        info = Path(path).stat()
    except OSError as exc:
        raise InvalidInputError(f"{where}: cannot read file ({exc.strerror or exc})") from None
    except ValueError as exc:  # an embedded NUL in the path
        raise InvalidInputError(f"{where}: not a usable file name ({exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InvalidInputError(f"{where}: is a directory; expected a file")
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInputError(
            f"{where}: not a regular file (a FIFO, a device or a socket); expected a file"
        )
    return info


def _too_large(where: str, size: int, max_bytes: int) -> InvalidInputError:
    return InvalidInputError(
        f"{where}: the file is {size:,} bytes, more than the limit of {max_bytes:,} bytes "
        "(pass a larger max_bytes to read it)"
    )


def read_input(
    path: str | os.PathLike[str], *, where: str, max_bytes: int = MAX_FILE_BYTES
) -> bytes:
    """Return the bytes of the regular file *path*, at most *max_bytes* of them.

    Raises
    ------
    InvalidInputError
        For a file that is not a regular file, cannot be read or is larger
        than *max_bytes*.
    """
    info = check_regular_file(path, where=where)
    if info.st_size > max_bytes:
        raise _too_large(where, info.st_size, max_bytes)
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InvalidInputError(f"{where}: cannot read file ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:
        raise _too_large(where, len(raw), max_bytes)
    return raw
