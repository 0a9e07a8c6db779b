"""JSON Schema (2020-12) for every document kind, derived from the record types.

The schema is built from the same attrs fields and type annotations that the
converter reads and writes, so a document :func:`~cadredev.io.dump` writes
validates against :func:`schema` of its kind, and a backend in another
language can check what it sends before cadredev sees it. A schema describes
the shape of a document (types, required fields, enumerations); the value
rules a record checks when it is built (ranges, unique ids) are reported by
:func:`~cadredev.io.load` as usual.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import attrs

from cadredev._frozendict import FrozenDict
from cadredev._vocab import LabelledEnum

from ._convert import _array_dtype, _custom_schemas, _pair_keys, normaliser_classes
from ._json import SCHEMA_VERSION
from ._kinds import kind

__all__ = ["schema"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_SCALARS: dict[Any, dict[str, Any]] = {
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
    str: {"type": "string"},
    type(None): {"type": "null"},
    dt.date: {"type": "string", "format": "date"},
}
_ID = {"type": ["string", "integer"]}


def schema(name: str | type[Any]) -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of the documents of one kind.

    Parameters
    ----------
    name
        A document kind such as ``"Cadre"`` or ``"RotationPlan"`` (see
        :func:`kinds`), or the class itself.

    Returns
    -------
    dict
        A schema for ``{"schema_version", "kind", "data"}`` documents holding
        one record and ``{..., "items"}`` documents holding several; each
        record type it needs is under ``$defs``.

    Raises
    ------
    InvalidInputError
        For an unknown kind; the message lists the known ones.

    Examples
    --------
    >>> from cadredev.io import schema
    >>> s = schema("Mentor")
    >>> s["properties"]["kind"], s["$defs"]["Mentor"]["required"]
    ({'const': 'Mentor'}, ['id', 'unit'])
    >>> s["$defs"]["Mentor"]["properties"]["capacity"]
    {'type': 'integer'}

    .. versionadded:: 0.2
    """
    cls = kind(name.__name__ if isinstance(name, type) else name)
    builder = _Builder()
    ref = builder.of(cls)
    return {
        "$schema": DIALECT,
        "$id": f"urn:cadredev:{cls.__name__}",
        "title": f"cadredev {cls.__name__} document",
        "type": "object",
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "kind": {"const": cls.__name__},
            "data": ref,
            "items": {"type": "array", "items": ref},
        },
        "required": ["schema_version", "kind"],
        "oneOf": [{"required": ["data"]}, {"required": ["items"]}],
        "additionalProperties": False,
        "$defs": dict(sorted(builder.defs.items())),
    }


class _Builder:
    """Walks type annotations, collecting one ``$defs`` entry per record type."""

    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}

    def of(self, t: Any) -> dict[str, Any]:
        if t in _SCALARS:
            return dict(_SCALARS[t])
        if t in (Any, Hashable, typing.Hashable, object):
            return {}
        if t is _normaliser_protocol():
            # any normaliser class, tagged by name (your own ones once registered)
            classes = normaliser_classes().values()
            return self._named(
                "Normaliser",
                lambda: {"anyOf": [self._tagged(c) for c in classes if attrs.has(c)]},
            )
        custom = _custom_schemas().get(t)
        if custom is not None:
            return self._named(t.__name__, lambda: custom)
        if isinstance(t, type) and issubclass(t, LabelledEnum):
            values = [m.value for m in t] + [m.label for m in t if m.label]
            return {"type": "string", "enum": values}
        if attrs.has(t):
            return self._named(t.__name__, lambda: self._record(t))
        dtype = _array_dtype(t)
        if dtype is not None:
            return {"type": "array", "items": _array_items(dtype.kind)}
        return self._generic(t)

    def _named(self, name: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        if name not in self.defs:
            self.defs[name] = {}  # a placeholder stops recursion through itself
            self.defs[name] = build()
        return {"$ref": f"#/$defs/{name}"}

    def _record(self, cls: type[Any]) -> dict[str, Any]:
        hints = typing.get_type_hints(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for a in attrs.fields(cls):
            if not a.init:
                continue
            properties[a.name] = self.of(hints.get(a.name, Any))
            if a.default is attrs.NOTHING:
                required.append(a.name)
        out: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            out["required"] = required
        out["additionalProperties"] = False
        doc = (cls.__doc__ or "").strip().splitlines()
        if doc:
            out["description"] = doc[0]
        return out

    def _generic(self, t: Any) -> dict[str, Any]:
        origin = typing.get_origin(t)
        args = typing.get_args(t)
        if origin in (typing.Union, types.UnionType):
            return self._union(args)
        if origin is typing.Literal:
            return {"enum": list(args)}
        if (isinstance(origin, type) and issubclass(origin, Mapping)) or origin is FrozenDict:
            values = self.of(args[1]) if len(args) == 2 else {}
            if args and _pair_keys(args[0]):  # tuple keys: a list of [key, value] pairs
                pair = [self.of(args[0]), values]
                return {
                    "type": "array",
                    "items": {"type": "array", "prefixItems": pair, "items": False, "minItems": 2},
                }
            return {"type": "object", "additionalProperties": values}
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return {"type": "array", "items": self.of(args[0])}
            items = [self.of(a) for a in args]
            return {
                "type": "array",
                "prefixItems": items,
                "items": False,
                "minItems": len(items),
            }
        if origin in (frozenset, set):
            return {"type": "array", "uniqueItems": True, "items": self.of(args[0]) if args else {}}
        if isinstance(origin, type) and issubclass(origin, Sequence):
            return {"type": "array", "items": self.of(args[0]) if args else {}}
        return {}

    def _union(self, args: tuple[Any, ...]) -> dict[str, Any]:
        members = [a for a in args if a is not type(None)]
        nullable = len(members) < len(args)
        if len(members) > 1 and all(isinstance(m, type) and attrs.has(m) for m in members):
            # written with a "type" tag naming the class
            choices: list[dict[str, Any]] = [self._tagged(m) for m in members]
        else:
            choices = [self.of(m) for m in members]
        if nullable:
            choices.append({"type": "null"})
        return choices[0] if len(choices) == 1 else {"anyOf": choices}

    def _tagged(self, cls: type[Any]) -> dict[str, Any]:
        name = f"{cls.__name__}Tagged"

        def build() -> dict[str, Any]:
            self.of(cls)
            plain = self.defs[cls.__name__]
            return {
                **plain,
                "properties": {"type": {"const": cls.__name__}, **plain["properties"]},
                "required": ["type", *plain.get("required", [])],
            }

        return self._named(name, build)


def _normaliser_protocol() -> Any:
    from cadredev.scoring import Normaliser  # noqa: PLC0415  (the domain loads on use)

    return Normaliser


def _array_items(dtype_kind: str) -> dict[str, Any]:
    if dtype_kind == "f":
        return {"type": ["number", "null"]}
    if dtype_kind in "iu":
        return {"type": "integer"}
    if dtype_kind == "b":
        return {"type": "boolean"}
    if dtype_kind in "OUS":
        return _ID
    return {}
