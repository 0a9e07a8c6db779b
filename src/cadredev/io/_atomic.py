"""Atomic writes: a save either replaces the whole file or leaves the old one untouched.

The content is encoded in memory first, written to a temporary file in the
target's directory, flushed to disk (``fsync``) and moved over the target with
:func:`os.replace`, which is atomic on POSIX and Windows. An error at any step
leaves the old file byte for byte as it was and removes the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from cadredev.errors import InvalidInputError

__all__ = ["encode", "write_bytes", "write_text"]

_NEW_FILE_MODE = 0o644


def encode(text: str, *, encoding: str, where: str) -> bytes:
    """Return *text* encoded, or raise naming the line and the character that cannot be."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        bad = text[exc.start : exc.end]
        raise InvalidInputError(
            f"{where}, line {line}: {bad!r} cannot be written as {encoding} "
            f"({exc.reason}); nothing was written"
        ) from None
    except LookupError:
        raise InvalidInputError(f"{where}: unknown encoding {encoding!r}") from None


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace the file at *path* by *data* atomically (temporary file, fsync, rename)."""
    target = Path(path)
    directory = target.parent
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = _NEW_FILE_MODE
    except OSError as exc:
        raise InvalidInputError(f"{target}: cannot write file ({exc.strerror})") from None
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise InvalidInputError(f"{target}: cannot write file ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).chmod(mode)
        Path(tmp).replace(target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        if isinstance(exc, OSError):
            raise InvalidInputError(f"{target}: cannot write file ({exc.strerror})") from None
        raise
    _sync_directory(directory)


def _sync_directory(directory: Path) -> None:
    """Flush the directory entry of a renamed file where the platform allows it."""
    if os.name != "posix":  # pragma: no cover - Windows has no directory fsync
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_text(
    path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8", what: str = "file"
) -> None:
    """Encode *text* fully, then write it atomically; see :func:`write_bytes`."""
    write_bytes(path, encode(text, encoding=encoding, where=f"{path} ({what})"))
