"""The cattrs converters behind every JSON document, and the hooks users register."""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from cadredev._frozendict import FrozenDict, id_key
from cadredev._vocab import LabelledEnum
from cadredev.errors import InvalidInputError

from ._kinds import _HOOKS, _KINDS

if TYPE_CHECKING:
    import cattrs

    from cadredev.scoring import Records

__all__ = ["register"]

T = TypeVar("T")


def register(
    cls: type[T],
    *,
    structure: Callable[[Any], T] | None = None,
    unstructure: Callable[[T], Any] | None = None,
    schema: Mapping[str, Any] | None = None,
) -> type[T]:
    """Make a class of your own loadable by its name in JSON documents.

    cadredev's own record types are known already. Attrs classes need no
    hooks: their fields are (un)structured one by one and validated by the
    class. A class that is not a plain attrs record (columnar data, say)
    passes ``structure`` (JSON value to object) and ``unstructure`` (object
    to JSON value) and, for :func:`schema`, the JSON Schema of that value.

    Examples
    --------
    >>> import attrs
    >>> from cadredev.io import kind, register
    >>> @attrs.frozen
    ... class Visit:
    ...     enterprise: str
    >>> register(Visit) is Visit
    True
    >>> kind("Visit") is Visit
    True

    .. versionadded:: 0.1
    """
    _KINDS[cls.__name__] = cls
    if schema is not None:
        _SCHEMAS[cls] = dict(schema)
    if structure is not None or unstructure is not None:
        _HOOKS.append((cls, structure, unstructure))
        for detailed in _BUILT:
            _apply_hook(_converter(detailed=detailed), cls, structure, unstructure)
    return cls


_SCHEMAS: dict[type[Any], dict[str, Any]] = {}
_BUILT: set[bool] = set()  # which converters exist already (hooks registered later join them)

_RECORDS_SCHEMA = {
    "type": "object",
    "description": "Assessment records in long form: one value per (cadre, period, indicator).",
    "properties": {
        "rows": {
            "type": "array",
            "items": {
                "type": "array",
                "prefixItems": [
                    {"type": "string"},
                    {"type": "string"},
                    {"type": "string"},
                    {"type": "number"},
                ],
                "items": False,
                "minItems": 4,
            },
        },
        "exposure": {
            "type": "array",
            "items": {
                "type": "array",
                "prefixItems": [{"type": "string"}, {"type": "string"}, {"type": "number"}],
                "items": False,
                "minItems": 3,
            },
        },
    },
    "required": ["rows"],
    "additionalProperties": False,
}


def _roster_schema() -> dict[str, Any]:
    from cadredev.roster import ROSTER_COLUMNS  # noqa: PLC0415 - numpy only when asked

    return {
        "type": "object",
        "description": "A columnar roster: one list per Cadre field, one entry per cadre.",
        "properties": {name: {"type": "array"} for name in ROSTER_COLUMNS},
        "required": ["id", "birth_year", "rank", "unit"],
        "additionalProperties": False,
    }


def _custom_schemas() -> dict[type[Any], dict[str, Any]]:
    """Return the JSON Schema of every type written by a hook, by type."""
    from cadredev.roster import Roster  # noqa: PLC0415
    from cadredev.scoring import Records  # noqa: PLC0415

    return {Records: _RECORDS_SCHEMA, Roster: _roster_schema(), **_SCHEMAS}


def _records_to_json(records: Records) -> dict[str, Any]:
    out: dict[str, Any] = {"rows": [list(row) for row in records.to_rows()]}
    partial = [
        [records.cadres[int(c)], records.periods[int(p)], float(e)]
        for c, p, e in zip(records.cadre_code, records.period_code, records.exposure, strict=True)
        if e != 1.0
    ]
    if partial:
        # months covered only in part (a rolled-up quarter of a late joiner)
        out["exposure"] = partial
    return out


def _records_from_json(value: Any) -> Records:
    import attrs as _attrs  # noqa: PLC0415
    import numpy as np  # noqa: PLC0415

    from cadredev.scoring import Records  # noqa: PLC0415

    if not isinstance(value, dict) or not isinstance(value.get("rows"), list):
        raise InvalidInputError(
            "Records: expected {'rows': [[cadre_id, period, indicator, value], ...]}, "
            f"got {value!r}"
        )
    records: Records = Records.from_rows([tuple(row) for row in value["rows"]])
    partial = value.get("exposure", [])
    if not isinstance(partial, list) or not all(
        isinstance(item, list) and len(item) == 3 for item in partial
    ):
        raise InvalidInputError(
            f"Records: expected exposure as [[cadre_id, period, share], ...], got {partial!r}"
        )
    if partial:
        share = {(str(c), str(p)): float(e) for c, p, e in partial}
        exposure = np.array(
            [
                share.get((records.cadres[int(c)], records.periods[int(p)]), 1.0)
                for c, p in zip(records.cadre_code, records.period_code, strict=True)
            ],
            dtype=np.float64,
        )
        records = _attrs.evolve(records, exposure=exposure)
    return records


def _apply_hook(conv: cattrs.Converter, cls: type[Any], structure: Any, unstructure: Any) -> None:
    if structure is not None:
        conv.register_structure_hook(cls, lambda value, _: structure(value))
    if unstructure is not None:
        conv.register_unstructure_hook(cls, unstructure)


def _passthrough(value: Any, _: Any) -> Any:
    return value


def _origin_or_self(t: Any) -> Any:
    """Return the class of a parametrised generic (``FrozenDict[str, int]``), or ``t``."""
    return typing.get_origin(t) or t


def _pair_keys(key_type: Any) -> bool:
    """Return whether a mapping's keys are tuples, written as ``[key, value]`` pairs."""
    return typing.get_origin(key_type) is tuple


def _int_key(key: Any) -> Any:
    if isinstance(key, str) and key.lstrip("-").isdigit():
        return int(key)
    return key


def _date_from_json(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise InvalidInputError(f"expected an ISO date such as '2025-03-01', got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(
            f"expected an ISO date such as '2025-03-01', got {value!r}"
        ) from None


def _array_dtype(t: Any) -> Any:
    """Return the dtype named by an ``NDArray[...]`` annotation, or None for another type."""
    import numpy as np  # noqa: PLC0415

    if (typing.get_origin(t) or t) is not np.ndarray:
        return None
    args = typing.get_args(t)
    if len(args) == 2:
        inner = typing.get_args(args[1])
        if inner and isinstance(inner[0], type) and issubclass(inner[0], np.generic):
            return np.dtype(inner[0])
    return np.dtype(object)


def _array_to_json(array: Any) -> Any:
    """Return an array as nested JSON lists; NaN is written as ``null``."""
    if array.dtype.kind == "f":
        return (
            [_array_to_json(row) for row in array]
            if array.ndim > 1
            else [
                None if v != v else v  # noqa: PLR0124  (NaN)
                for v in array.tolist()
            ]
        )
    return array.tolist()


def _array_from_json(value: Any, t: Any) -> Any:
    import numpy as np  # noqa: PLC0415

    dtype = _array_dtype(t)
    if not isinstance(value, list):
        raise InvalidInputError(f"expected a list for an array of {dtype}, got {value!r}")
    if dtype.kind == "O":  # ids and labels: always one-dimensional
        out = np.empty(len(value), dtype=object)
        for i, item in enumerate(value):
            out[i] = item
        return out
    if dtype.kind == "f":
        value = _nulls_to_nan(value)
    try:
        return np.array(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"expected a list of {dtype} values ({exc})") from None


def _nulls_to_nan(value: Any) -> Any:
    if isinstance(value, list):
        return [_nulls_to_nan(v) for v in value]
    return float("nan") if value is None else value


def _origin_is(t: Any, base: type) -> bool:
    origin = typing.get_origin(t) or t
    return isinstance(origin, type) and issubclass(origin, base) and origin is not str


def _attrs_union_members(t: Any) -> tuple[type[Any], ...] | None:
    """Return the attrs classes of a union such as ``Target | Linear``, else None."""
    if typing.get_origin(t) not in (typing.Union, types.UnionType):
        return None
    members = tuple(m for m in typing.get_args(t) if m is not type(None))
    if len(members) < 2 or not all(isinstance(m, type) and attrs.has(m) for m in members):
        return None
    return members


def _converter(*, detailed: bool = True) -> cattrs.Converter:
    """Return the converter; ``detailed=False`` is the fast one, without error paths.

    Loading tries the fast converter first and, only when it fails, structures
    again with the detailed one to say where the document is wrong. There is
    one converter of each kind however it is asked for, so hooks registered
    later reach the converter every caller uses.
    """
    return _build_converter(bool(detailed))


@cache
def _build_converter(detailed: bool) -> cattrs.Converter:
    import cattrs  # noqa: PLC0415  (deferred: keeps `import cadredev` fast)

    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=detailed)
    # Leaves are handed to the records as they are: the records' own
    # validators check them strictly, so nothing is coerced on the way in.
    for leaf in _LEAVES:
        conv.register_structure_hook(leaf, _passthrough)
    conv.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, LabelledEnum), _passthrough
    )

    def structure_frozenset(value: Any, t: Any) -> Any:
        args = typing.get_args(t)
        if not args or not isinstance(value, list):
            return value  # the record's own converter and validator decide
        if args[0] in _LEAVES:  # leaves are handed on as they are
            return frozenset(value)
        return frozenset(conv.structure(item, args[0]) for item in value)

    conv.register_structure_hook_func(
        lambda t: getattr(t, "__origin__", t) is frozenset, structure_frozenset
    )
    conv.register_structure_hook_func(
        lambda t: t in (typing.Any, Hashable, typing.Hashable), _passthrough
    )

    def structure_frozendict(value: Any, t: Any) -> Any:
        args = typing.get_args(t)
        if args and _pair_keys(args[0]) and isinstance(value, list):
            # tuple keys are written as [key, value] pairs (JSON keys are text)
            return FrozenDict(
                {
                    conv.structure(item[0], args[0]): conv.structure(item[1], args[1])
                    for item in value
                    if isinstance(item, list) and len(item) == 2
                }
            )
        if not args or not isinstance(value, dict):
            return value  # the record's own validator names what is wrong
        if args[0] is int:  # JSON object keys are text; integer keys come back as integers
            value = {_int_key(k): v for k, v in value.items()}
        if args[0] in _LEAVES and args[1] in _LEAVES:  # leaves are handed on as they are
            return FrozenDict(value)
        return FrozenDict(conv.structure(value, dict[args[0], args[1]]))  # type: ignore[valid-type]

    conv.register_structure_hook_func(
        lambda t: getattr(t, "__origin__", t) is FrozenDict, structure_frozendict
    )
    conv.register_structure_hook(dt.date, lambda value, _: _date_from_json(value))

    def is_when(t: Any) -> bool:  # ``int | date`` and the like: a date is written as text
        args = typing.get_args(t)
        return typing.get_origin(t) in (typing.Union, types.UnionType) and dt.date in args

    def structure_when(value: Any, _: Any) -> Any:
        return _date_from_json(value) if isinstance(value, str) else value

    conv.register_structure_hook_func(is_when, structure_when)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_structure_hook_func(lambda t: _array_dtype(t) is not None, _array_from_json)
    conv.register_unstructure_hook_func(lambda t: _array_dtype(t) is not None, _array_to_json)

    def unstructure_frozendict(d: FrozenDict[Any, Any]) -> Any:
        if any(isinstance(k, tuple) for k in d):
            return [[list(k), conv.unstructure(v)] for k, v in d.items()]
        return {conv.unstructure(k): conv.unstructure(v) for k, v in d.items()}

    conv.register_unstructure_hook_func(
        lambda t: _origin_or_self(t) is FrozenDict, unstructure_frozendict
    )
    conv.register_unstructure_hook_func(
        lambda t: getattr(t, "__origin__", t) in (frozenset, set),
        sorted,
    )
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, LabelledEnum), lambda value: value.value
    )

    # A union of attrs classes is written with a "type" tag naming the class.
    def unstructure_tagged(value: Any) -> Any:
        if value is None:
            return None
        return {"type": type(value).__name__, **conv.unstructure(value, type(value))}

    def structure_tagged(value: Any, t: Any) -> Any:
        if value is None and type(None) in typing.get_args(t):
            return None
        members = {m.__name__: m for m in _attrs_union_members(t) or ()}
        if not isinstance(value, dict) or value.get("type") not in members:
            raise InvalidInputError(
                f"expected an object with a 'type' of {sorted(members)}, got {value!r}"
            )
        data = {k: v for k, v in value.items() if k != "type"}
        return conv.structure(data, members[value["type"]])

    conv.register_unstructure_hook_func(
        lambda t: _attrs_union_members(t) is not None, unstructure_tagged
    )
    conv.register_structure_hook_func(
        lambda t: _attrs_union_members(t) is not None, structure_tagged
    )

    # A union of a mapping and a sequence type (such as a scheme's indicators,
    # given per line or flat) is read by the shape of the JSON value.
    def shape_members(t: Any) -> tuple[Any, Any] | None:
        if typing.get_origin(t) not in (typing.Union, types.UnionType):
            return None
        mapping = [m for m in typing.get_args(t) if _origin_is(m, Mapping)]
        sequence = [m for m in typing.get_args(t) if _origin_is(m, Sequence)]
        if len(mapping) == 1 and len(sequence) == 1 and len(typing.get_args(t)) == 2:
            return mapping[0], sequence[0]
        return None

    def structure_by_shape(value: Any, t: Any) -> Any:
        members = shape_members(t)
        assert members is not None  # guaranteed by the predicate  # noqa: S101
        mapping, sequence = members
        return conv.structure(value, mapping if isinstance(value, dict) else sequence)

    conv.register_structure_hook_func(lambda t: shape_members(t) is not None, structure_by_shape)
    from cadredev.roster import Roster, roster_from_json, roster_to_json  # noqa: PLC0415
    from cadredev.scoring import Records  # noqa: PLC0415

    _normaliser_hooks(conv)
    _apply_hook(conv, Records, _records_from_json, _records_to_json)
    _apply_hook(conv, Roster, roster_from_json, roster_to_json)
    for cls, structure, unstructure in _HOOKS:
        _apply_hook(conv, cls, structure, unstructure)
    _BUILT.add(detailed)
    return conv


def normaliser_classes() -> dict[str, type[Any]]:
    """Return the normaliser classes a document may name: the built-in and the registered ones."""
    from cadredev.scoring._normalise import BUILTIN_NORMALISERS  # noqa: PLC0415

    out = {cls.__name__: cls for cls in BUILTIN_NORMALISERS}
    for name, cls in _KINDS.items():
        calls = any("__call__" in vars(k) for k in cls.__mro__[:-1])
        if calls and callable(getattr(cls, "describe", None)):
            out.setdefault(name, cls)
    return out


def _normaliser_hooks(conv: cattrs.Converter) -> None:
    """Write any normaliser with a ``"type"`` tag naming its class; read it back by that name."""
    from cadredev.scoring import Normaliser  # noqa: PLC0415

    def unstructure(value: Any) -> Any:
        return {"type": type(value).__name__, **conv.unstructure(value, type(value))}

    def structure(value: Any, _: Any) -> Any:
        classes = normaliser_classes()
        if not isinstance(value, dict) or value.get("type") not in classes:
            raise InvalidInputError(
                f"expected a normaliser object with a 'type' of {sorted(classes)} "
                f"(register your own class with cadredev.io.register), got {value!r}"
            )
        data = {k: v for k, v in value.items() if k != "type"}
        return conv.structure(data, classes[value["type"]])

    conv.register_unstructure_hook_func(lambda t: t is Normaliser, unstructure)
    conv.register_structure_hook_func(lambda t: t is Normaliser, structure)


def _unstructure(obj: Any) -> Any:
    data = _converter().unstructure(obj)
    return _jsonable(data)


def _json_default(value: Any) -> Any:
    if isinstance(value, frozenset | set):
        return sorted(value)
    msg = f"{type(value).__name__} is not JSON serialisable"
    raise TypeError(msg)


def to_json_text(obj: Any) -> str:
    """Return the compact JSON text of a record's data (no envelope), quickly.

    The same content as ``dump(obj)["data"]``, written without building the
    intermediate plain-JSON tree: for stores that write many small records.
    """
    return json.dumps(
        _converter().unstructure(obj),
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
        default=_json_default,
    )


_SCALARS = frozenset({str, int, float, bool, type(None)})
_LEAVES = frozenset({str, int, float, bool})
"""Types the converter hands to the records unchanged (their validators check them)."""


def _jsonable(value: Any) -> Any:
    """Turn what cattrs left as sets, enums or tuples into plain JSON values."""
    kind = type(value)
    if kind in _SCALARS:  # most values: no abstract-class checks
        return value
    if kind is dict:
        return {
            k if type(k) is str else str(k): v if type(v) in _SCALARS else _jsonable(v)
            for k, v in value.items()
        }
    if kind is list or kind is tuple:
        return [v if type(v) in _SCALARS else _jsonable(v) for v in value]
    if isinstance(value, LabelledEnum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        items = [_jsonable(v) for v in value]
        try:
            return sorted(items)
        except TypeError:  # values of several kinds: a total order by their text
            return sorted(items, key=id_key)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
