"""The JSON converters on the field types cadredev's own records rarely use.

A class of one's own registered with :func:`cadredev.io.register` may hold
integer-keyed mappings, dates, arrays, unions of records or mappings that are
not dicts; each is written and read back here, and each malformed value is
refused with a message naming the path and what was expected.
"""

from __future__ import annotations

import datetime as dt
import json
import types
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, NamedTuple

import attrs
import numpy as np
import numpy.typing as npt
import pytest

from cadredev import Cadre, InvalidInputError, Rank, io
from cadredev._frozendict import FrozenDict
from cadredev.io import _convert
from cadredev.io._kinds import _KINDS
from cadredev.scoring import Records


@attrs.frozen
class _CoverCircle:
    radius: float


@attrs.frozen
class _CoverSquare:
    side: float


@attrs.frozen
class _CoverDrawing:
    shape: _CoverCircle | _CoverSquare | None
    layers: FrozenDict[int, str] = attrs.field(factory=FrozenDict)
    day: dt.date = dt.date(2025, 1, 1)


@attrs.frozen(eq=False)
class _CoverGrid:
    cells: npt.NDArray[np.int64]
    raw: npt.NDArray[Any]


class _CoverPoint:
    """A plain class, written by its hooks, with a schema of its own."""

    def __init__(self, x: int) -> None:
        self.x = x

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _CoverPoint) and other.x == self.x

    __hash__ = None  # type: ignore[assignment]


@attrs.frozen
class _CoverHoldsPoint:
    point: _CoverPoint


_POINT_SCHEMA = {"type": "integer", "description": "x"}


def _through_text(value: Any) -> Any:
    return io.load(type(value), json.loads(json.dumps(io.dump(value), allow_nan=False)))


@pytest.mark.parametrize(
    "drawing",
    [
        _CoverDrawing(_CoverCircle(1.5), FrozenDict({3: "ink", -1: "pencil"})),
        _CoverDrawing(_CoverSquare(2.0), day=dt.date(2024, 2, 29)),
        _CoverDrawing(None),
    ],
)
def test_tagged_unions_integer_keys_and_dates_round_trip(drawing: _CoverDrawing) -> None:
    doc = io.dump(drawing)
    shape = doc["data"]["shape"]
    assert shape is None or shape["type"] == type(drawing.shape).__name__
    assert doc["data"]["day"] == drawing.day.isoformat()
    assert doc["data"]["layers"] == {str(k): v for k, v in drawing.layers.items()}
    assert _through_text(drawing) == drawing


def test_records_already_holding_dates_pass() -> None:
    doc = io.dump(_CoverDrawing(None))
    doc["data"]["day"] = dt.date(2023, 5, 6)  # a document built in Python, not parsed
    assert io.load(_CoverDrawing, doc).day == dt.date(2023, 5, 6)


def test_text_keys_stay_text_under_integer_keys() -> None:
    doc = io.dump(_CoverDrawing(None))
    doc["data"]["layers"] = {"-2": "a", "top": "b"}
    # '-2' names an integer layer; 'top' is no integer and is handed on as written.
    assert io.load(_CoverDrawing, doc).layers == FrozenDict({-2: "a", "top": "b"})


_SHAPES = "$.data.shape: expected an object with a 'type' of ['_CoverCircle', '_CoverSquare'], "


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "shape",
            {"type": "Triangle", "side": 1.0},
            (f"{_SHAPES}got {{'type': 'Triangle', 'side': 1.0}}"),
        ),
        (
            "shape",
            [1.0],
            (f"{_SHAPES}got [1.0]"),
        ),
        ("day", 20250101, "$.data.day: expected an ISO date such as '2025-03-01', got 20250101"),
        (
            "day",
            "2025-02-30",
            "$.data.day: expected an ISO date such as '2025-03-01', got '2025-02-30'",
        ),
    ],
)
def test_malformed_fields_are_named(field: str, value: Any, message: str) -> None:
    doc = io.dump(_CoverDrawing(_CoverCircle(1.0)))
    doc["data"][field] = value
    with pytest.raises(InvalidInputError) as info:
        io.load(_CoverDrawing, doc)
    assert str(info.value) == message


def test_arrays_of_integers_and_objects_round_trip() -> None:
    grid = _CoverGrid(np.array([[1, 2], [3, 4]], dtype=np.int64), np.array(["a", 1], dtype=object))
    back = _through_text(grid)
    assert back.cells.dtype == np.int64
    assert back.cells.tolist() == [[1, 2], [3, 4]]
    assert back.raw.dtype == object
    assert back.raw.tolist() == ["a", 1]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("1 2", "$.data.cells: expected a list for an array of int64, got '1 2'"),
        ([[1, 2], [3]], "$.data.cells: expected a list of int64 values ("),
        (["x"], "$.data.cells: expected a list of int64 values ("),
    ],
)
def test_malformed_arrays_are_named(cells: Any, message: str) -> None:
    doc = io.dump(_CoverGrid(np.array([1]), np.array([], dtype=object)))
    doc["data"]["cells"] = cells
    with pytest.raises(InvalidInputError) as info:
        io.load(_CoverGrid, doc)
    assert str(info.value).startswith(message)


def test_array_dtype_of_annotations() -> None:
    assert _convert._array_dtype(npt.NDArray[np.float64]) == np.dtype(np.float64)
    assert _convert._array_dtype(npt.NDArray[Any]) == np.dtype(object)
    assert _convert._array_dtype(np.ndarray) == np.dtype(object)
    assert _convert._array_dtype(list[int]) is None


def test_a_hook_for_one_direction_and_the_registered_schema() -> None:
    holder = _CoverHoldsPoint(_CoverPoint(4))
    # Only a structure hook was registered: reading uses it.
    doc = {"schema_version": io.SCHEMA_VERSION, "kind": "_CoverHoldsPoint", "data": {"point": 4}}
    assert io.load(_CoverHoldsPoint, doc) == holder
    defs = io.schema(_CoverHoldsPoint)["$defs"]
    assert defs["_CoverHoldsPoint"]["properties"]["point"] == {"$ref": "#/$defs/_CoverPoint"}
    assert defs["_CoverPoint"] == _POINT_SCHEMA
    assert _convert._custom_schemas()[_CoverPoint] == _POINT_SCHEMA


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            [["c1", "2025-01", "kpi", 1.0]],
            (
                "$.data: Records: expected {'rows': [[cadre_id, period, indicator, value], ...]}, "
                "got [['c1', '2025-01', 'kpi', 1.0]]"
            ),
        ),
        (
            {"rows": [["c1", "2025-01", "kpi", 1.0]], "exposure": [["c1", "2025-01"]]},
            (
                "$.data: Records: expected exposure as [[cadre_id, period, share], ...], "
                "got [['c1', '2025-01']]"
            ),
        ),
        (
            {"rows": [], "exposure": {"c1": 0.5}},
            (
                "$.data: Records: expected exposure as [[cadre_id, period, share], ...], "
                "got {'c1': 0.5}"
            ),
        ),
    ],
)
def test_malformed_records_documents(data: Any, message: str) -> None:
    doc = {"schema_version": io.SCHEMA_VERSION, "kind": "Records", "data": data}
    with pytest.raises(InvalidInputError) as info:
        io.load(Records, doc)
    assert str(info.value) == message


class _Labels(Mapping[str, Any]):
    """A read-only mapping that is not a dict."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Any:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def test_jsonable_turns_every_container_into_plain_json() -> None:
    value = {
        1: types.MappingProxyType({"b": frozenset({3, 1})}),
        "m": _Labels({"k": (1, {2})}),
        "s": {"y", "x"},
        "t": (1.5, None, [frozenset({"q"})]),
    }
    expected = {
        "1": {"b": [1, 3]},
        "m": {"k": [1, [2]]},
        "s": ["x", "y"],
        "t": [1.5, None, [["q"]]],
    }
    got = _convert._jsonable(value)
    assert got == expected
    assert json.loads(json.dumps(got)) == expected


def test_json_default_sorts_sets_and_refuses_the_rest() -> None:
    assert json.dumps({"s": frozenset({"b", "a"})}, default=_convert._json_default) == (
        '{"s": ["a", "b"]}'
    )
    with pytest.raises(TypeError, match=r"^complex is not JSON serialisable$"):
        _convert._json_default(1j)


@pytest.mark.parametrize("value", [[["a", 0.5]], "a=0.5"])
def test_a_mapping_field_given_no_object_is_named_by_the_record(value: Any) -> None:
    cadre = Cadre(id="c1", name="王", birth_year=1980, rank="division", unit="u")
    doc = io.dump(cadre)
    doc["data"]["competencies"] = value
    with pytest.raises(InvalidInputError) as info:
        io.load(Cadre, doc)
    assert str(info.value) == (
        f"$.data: Cadre 'c1': competencies must be a mapping of name to level, got {value!r}"
    )


class _CoverStamp:
    """A plain class with only an unstructure hook: it can be written, not read."""

    def __init__(self, text: str) -> None:
        self.text = text


@attrs.frozen
class _CoverHoldsStamp:
    stamp: _CoverStamp


def test_an_unstructure_only_hook_writes() -> None:
    assert io.dump(_CoverHoldsStamp(_CoverStamp("ok")))["data"] == {"stamp": "OK"}


class _Pair(NamedTuple):
    left: Any
    right: Any


def test_jsonable_tuple_subclasses_enums_and_other_leaves() -> None:
    value = [_Pair(Rank.DIVISION, {"a"}), Decimal("1.5")]
    assert _convert._jsonable(value) == [["division", ["a"]], Decimal("1.5")]


class _CoverFussy:
    """A plain class whose structure hook fails in the ways a user's hook may."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _fussy(value: Any) -> _CoverFussy:
    if value == "type":
        raise TypeError("wants a number")
    if value == "value":
        raise ValueError("out of range")
    if value == "deep":
        raise RecursionError
    return _CoverFussy(value)


@attrs.frozen
class _CoverHoldsFussy:
    fussy: _CoverFussy


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("type", "$.data: expected a _CoverFussy object (wants a number)"),
        ("value", "$.data: not a valid _CoverFussy (out of range)"),
        ("deep", "$.data: nested too deeply to be a _CoverFussy"),
    ],
)
def test_a_hook_that_fails_is_named(value: str, message: str) -> None:
    # The document holds the hooked class itself, so the hook's error is its own.
    doc = {"schema_version": io.SCHEMA_VERSION, "kind": "_CoverFussy", "data": value}
    with pytest.raises(InvalidInputError) as info:
        io.load(_CoverFussy, doc)
    assert str(info.value) == message
    doc["data"] = 3
    assert io.load(_CoverFussy, doc).value == 3
    nested = {
        "schema_version": io.SCHEMA_VERSION,
        "kind": "_CoverHoldsFussy",
        "data": {"fussy": value},
    }
    with pytest.raises(InvalidInputError, match=r"^\$\.data\.fussy: "):
        io.load(_CoverHoldsFussy, nested)


def test_load_many_needs_a_list_of_items() -> None:
    doc = {"schema_version": io.SCHEMA_VERSION, "kind": "Records", "items": {"a": 1}}
    with pytest.raises(InvalidInputError) as info:
        io.load_many(Records, doc)
    assert str(info.value) == "$.items: expected a list of Records objects, got {'a': 1}"


def test_frozendict_equals_mappings_only() -> None:
    d = FrozenDict({"a": 1})
    assert d == {"a": 1}
    assert d != [("a", 1)]
    assert d.__eq__(3) is NotImplemented


@pytest.fixture(autouse=True, scope="module")
def _registered() -> Iterator[None]:
    """Register this module's classes while its tests run, and forget them afterwards.

    Other tests enumerate the registered kinds; these exist only for this module.
    """
    classes = [
        _CoverDrawing,
        _CoverGrid,
        _CoverHoldsPoint,
        _CoverHoldsStamp,
        _CoverHoldsFussy,
    ]
    for cls in classes:
        io.register(cls)
    io.register(_CoverPoint, structure=_CoverPoint, schema=_POINT_SCHEMA)
    io.register(_CoverStamp, unstructure=_shout)
    io.register(_CoverFussy, structure=_fussy, unstructure=_value_of)
    yield
    for cls in (*classes, _CoverPoint, _CoverStamp, _CoverFussy):
        _KINDS.pop(cls.__name__, None)


def _shout(stamp: _CoverStamp) -> str:
    return stamp.text.upper()


def _value_of(fussy: _CoverFussy) -> Any:
    return fussy.value


def test_a_class_without_a_structure_hook_cannot_be_loaded() -> None:
    doc = {"schema_version": io.SCHEMA_VERSION, "kind": "_CoverHoldsStamp", "data": {"stamp": "ok"}}
    with pytest.raises(InvalidInputError) as info:
        io.load(_CoverHoldsStamp, doc)
    message = str(info.value)
    assert message.startswith("$.data: a _CoverHoldsStamp cannot be loaded (")
    assert "_CoverStamp" in message
    assert message.endswith("; pass structure= to cadredev.io.register")
