"""JSON documents: the envelope, a schema version, size and depth limits, errors that say where."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs

from cadredev._validate import is_int
from cadredev.errors import InvalidInputError

from ._atomic import write_bytes
from ._convert import _converter, _unstructure
from ._read import MAX_FILE_BYTES, read_input

__all__ = ["SCHEMA_VERSION", "dump", "load", "load_json", "load_many", "save_json"]

SCHEMA_VERSION = 1
"""The version written into every JSON document; newer documents are refused."""

MAX_JSON_DEPTH = 64
"""The deepest nesting of JSON arrays and objects read by default."""

T = TypeVar("T")


def dump(obj: Any) -> dict[str, Any]:
    """Return a JSON-ready document for a record or a sequence of records.

    Parameters
    ----------
    obj
        An attrs record (``Cadre``, ``Mentor``, ``Post``, ...) or a non-empty
        sequence of records of one type.

    Returns
    -------
    dict
        ``{"schema_version", "kind", "data"}`` or ``{..., "items"}``.

    Examples
    --------
    >>> from cadredev import Mentor
    >>> dump(Mentor(id="m1", unit="招商局", capacity=3))["data"]["capacity"]
    3
    >>> load(Mentor, dump(Mentor(id="m1", unit="招商局"))) == Mentor(id="m1", unit="招商局")
    True

    .. versionadded:: 0.1
    """
    if attrs.has(type(obj)):
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": type(obj).__name__,
            "data": _unstructure(obj),
        }
    if isinstance(obj, Sequence) and not isinstance(obj, str):
        kinds = {type(item) for item in obj}
        if len(kinds) != 1 or not attrs.has(next(iter(kinds))):
            raise InvalidInputError(
                "dump: expected a non-empty sequence of records of one type, "
                f"got {sorted(k.__name__ for k in kinds)}"
            )
        kind = next(iter(kinds)).__name__
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": kind,
            "items": [_unstructure(item) for item in obj],
        }
    raise InvalidInputError(
        f"dump: expected an attrs record or a sequence of them, got {type(obj).__name__}"
    )


def _check_header(cls: type[Any], data: object, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidInputError(f"{where}$: expected a JSON object, got {type(data).__name__}")
    if "schema_version" not in data:
        raise InvalidInputError(f"{where}$.schema_version: missing; expected {SCHEMA_VERSION}")
    version = data["schema_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InvalidInputError(
            f"{where}$.schema_version: expected a positive integer, got {version!r}"
        )
    if version > SCHEMA_VERSION:
        raise InvalidInputError(
            f"{where}$.schema_version: {version} is newer than this cadredev reads "
            f"({SCHEMA_VERSION}); upgrade cadredev"
        )
    kind = data.get("kind")
    if kind != cls.__name__:
        raise InvalidInputError(f"{where}$.kind: expected {cls.__name__!r}, got {kind!r}")
    return data


def _structure(cls: type[T], value: Any, path: str) -> T:
    from cattrs.errors import BaseValidationError, StructureHandlerNotFoundError  # noqa: PLC0415
    from cattrs.v import format_exception, transform_error  # noqa: PLC0415

    def fmt(exc: BaseException, typ: type | None) -> str:
        if isinstance(exc, InvalidInputError):
            return str(exc)
        return format_exception(exc, typ)

    with contextlib.suppress(Exception):  # any failure: structure again, to say where
        fast: T = _converter(detailed=False).structure(value, cls)
        return fast
    try:
        return _converter().structure(value, cls)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{path}: {exc}") from None
    except BaseValidationError as exc:
        messages = []
        for message in transform_error(exc, path=path, format_exception=fmt):
            text, _, where = message.rpartition(" @ ")
            messages.append(f"{where}: {text}" if text else message)
        raise InvalidInputError("; ".join(messages)) from None
    except (TypeError, AttributeError) as exc:
        raise InvalidInputError(f"{path}: expected a {cls.__name__} object ({exc})") from None
    except RecursionError:
        raise InvalidInputError(f"{path}: nested too deeply to be a {cls.__name__}") from None
    except StructureHandlerNotFoundError as exc:  # a registered class with no structure hook
        raise InvalidInputError(
            f"{path}: a {cls.__name__} cannot be loaded ({exc}); "
            "pass structure= to cadredev.io.register"
        ) from None
    except (ValueError, OverflowError) as exc:
        raise InvalidInputError(f"{path}: not a valid {cls.__name__} ({exc})") from None


def load(cls: type[T], data: Any, *, source: str = "") -> T:
    """Rebuild one record from a document made by :func:`dump`.

    Parameters
    ----------
    cls
        The record type expected.
    data
        The document (a parsed JSON object).
    source
        A file name to put in error messages.

    Raises
    ------
    InvalidInputError
        For a missing or newer ``schema_version``, another kind, an unknown,
        missing or mistyped field; the message gives the JSON path.

    Examples
    --------
    >>> from cadredev import Post
    >>> doc = {
    ...     "schema_version": 1,
    ...     "kind": "Post",
    ...     "data": {"id": "p1", "unit": "街道", "category": "frontline", "capacity": "2"},
    ... }
    >>> load(Post, doc)
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: $.data: Post 'p1': capacity must be an integer >= 0, got '2'

    .. versionadded:: 0.1
    """
    where = f"{source}: " if source else ""
    doc = _check_header(cls, data, where)
    if "data" not in doc:
        raise InvalidInputError(f"{where}$.data: missing; expected one {cls.__name__} object")
    return _structure(cls, doc["data"], f"{where}$.data")


def load_many(cls: type[T], data: Any, *, source: str = "") -> tuple[T, ...]:
    """Rebuild a collection of records from a document made by :func:`dump`.

    Records with an ``id`` must have unique ids.

    Examples
    --------
    >>> from cadredev import Mentor
    >>> ms = (Mentor(id="a", unit="u"), Mentor(id="b", unit="u", capacity=2))
    >>> load_many(Mentor, dump(ms)) == ms
    True

    .. versionadded:: 0.1
    """
    where = f"{source}: " if source else ""
    doc = _check_header(cls, data, where)
    items = doc.get("items")
    if not isinstance(items, list):
        raise InvalidInputError(
            f"{where}$.items: expected a list of {cls.__name__} objects, got {items!r}"
        )
    out = tuple(_structure(cls, item, f"{where}$.items[{i}]") for i, item in enumerate(items))
    seen: dict[str, int] = {}
    for i, record in enumerate(out):
        ident = getattr(record, "id", None)
        if ident is None:
            continue
        if ident in seen:
            raise InvalidInputError(
                f"{where}$.items[{i}].id: duplicate id {ident!r} (first at $.items[{seen[ident]}])"
            )
        seen[ident] = i
    return out


def save_json(obj: Any, path: str | Path) -> None:
    """Write ``dump(obj)`` to ``path`` as UTF-8 JSON (Chinese kept readable).

    The write is atomic: the document is encoded in full first, then written
    to a temporary file beside ``path`` and moved over it, so a failed save
    leaves an existing file untouched.

    Raises
    ------
    InvalidInputError
        If a value cannot be written (text that is not valid Unicode, such as
        a lone surrogate): the message gives its JSON path, e.g.
        ``$.items[3].name``. Nothing is written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cadredev import Mentor
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.json"
    >>> save_json(Mentor(id="m1", unit="招商局"), p)
    >>> load_json(Mentor, p).unit
    '招商局'

    .. versionadded:: 0.1
    """
    doc = dump(obj)
    text = json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        where = _unencodable(doc, "$") or "a value"
        raise InvalidInputError(
            f"{path}: {where} cannot be written as UTF-8 ({exc.reason}: "
            f"{text[exc.start : exc.end]!r}); nothing was written"
        ) from None
    write_bytes(path, data)


def _unencodable(value: Any, path: str) -> str | None:
    """Return the JSON path of the first text in *value* that UTF-8 cannot encode."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _unencodable(key, f"{path} (a key)") or _unencodable(item, f"{path}.{key}")
            if found:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _unencodable(item, f"{path}[{i}]")
            if found:
                return found
    return None


def _read_text(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 file (a byte-order mark is allowed) with errors that name it."""
    raw = read_input(path, where=str(path), max_bytes=max_bytes)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidInputError(
            f"{path}, line {line}: not UTF-8 (byte {raw[exc.start : exc.start + 1]!r}); "
            "save the file as UTF-8"
        ) from None


def _depth(value: Any) -> int:
    """Return the nesting depth of a parsed JSON value (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        depth += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in item if isinstance(child, dict | list))
    return deepest


def parse_json_text(text: str, *, where: str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON text strictly (no NaN or Infinity) within a nesting depth.

    Raises
    ------
    InvalidInputError
        For malformed JSON, a number too long to read, or nesting deeper
        than *max_depth*.
    """
    too_deep = InvalidInputError(
        f"{where}: JSON nested more than {max_depth} levels deep (max_depth={max_depth})"
    )
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"{where}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise too_deep from None
    except ValueError as exc:  # an integer beyond the interpreter's digit limit
        raise InvalidInputError(f"{where}: a number in the JSON cannot be read ({exc})") from None
    if _depth(data) > max_depth:
        raise too_deep
    return data


def _read_json(
    path: str | Path, *, max_bytes: int = MAX_FILE_BYTES, max_depth: int = MAX_JSON_DEPTH
) -> Any:
    return parse_json_text(
        _read_text(path, max_bytes=max_bytes), where=str(path), max_depth=max_depth
    )


def _reject_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not valid JSON", name, 0)


def _check_limit(value: Any, name: str) -> int:
    if not is_int(value) or value < 1:
        raise InvalidInputError(f"load_json: {name} must be an integer >= 1, got {value!r}")
    return int(value)


def load_json(
    cls: type[T],
    path: str | Path,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    max_depth: int = MAX_JSON_DEPTH,
) -> T | tuple[T, ...]:
    """Read a JSON file written by :func:`save_json`.

    Returns one record for a ``data`` document and a tuple for an ``items``
    document.

    Parameters
    ----------
    cls
        The record type expected.
    path
        A regular file (a FIFO, a device or a directory is refused).
    max_bytes
        The largest file read, 256 MiB by default; a larger one is refused
        before it is read.
    max_depth
        The deepest nesting of arrays and objects accepted, 64 by default
        (cadredev's own documents nest less than 10 deep).

    Raises
    ------
    InvalidInputError
        For a file that cannot be read, is not a regular file, is larger than
        *max_bytes*, is not UTF-8 or not JSON, nests deeper than *max_depth*,
        or is not a valid document of *cls*.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from cadredev import Post
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "deep.json"
    >>> _ = p.write_text("[" * 100 + "]" * 100, encoding="utf-8")
    >>> load_json(Post, p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: ...: JSON nested more than 64 levels deep (max_depth=64)

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``max_bytes`` and ``max_depth``; only regular files are read.
    """
    max_bytes = _check_limit(max_bytes, "max_bytes")
    max_depth = _check_limit(max_depth, "max_depth")
    data = _read_json(path, max_bytes=max_bytes, max_depth=max_depth)
    if isinstance(data, dict) and "items" in data:
        return load_many(cls, data, source=str(path))
    return load(cls, data, source=str(path))
