"""Every cell parser and formatter on the raw values each table format hands over.

A CSV cell is a string; an Excel cell is also a bool, an int, a float, a
datetime or an error; a pandas cell may be a numpy scalar, NaN or NaT. Each
case states what the parser must return or the "expected ..." it must raise.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cadredev.io import _cells as cells
from cadredev.io._cells import MISSING, BadCell, ExcelError


def test_missing_is_named() -> None:
    assert repr(MISSING) == "MISSING"


NA = ExcelError("#N/A")
DAY = dt.date(2025, 3, 2)
NOON = dt.datetime(2025, 3, 1, 12)  # noqa: DTZ001  (a spreadsheet cell has no time zone)
FIRST = dt.datetime(2025, 3, 1)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("cell", "raw", "expected"),
    [
        (cells.TEXT, "  王 明 ", "王 明"),
        (cells.TEXT, " ", MISSING),
        (cells.TEXT, math.nan, MISSING),
        (cells.TEXT, 7, "7"),
        (cells.TEXT, np.int64(7), "7"),
        (cells.TEXT, 3.0, "3"),
        (cells.TEXT, np.float32(2.5), "2.5"),
        (cells.TEXT, 0.1, "0.1"),
        (cells.ANY_TEXT, None, ""),
        (cells.INTEGER, " 12 ", 12),
        (cells.INTEGER, "-3.00", -3),
        (cells.INTEGER, "  ", MISSING),
        (cells.INTEGER, None, MISSING),
        (cells.INTEGER, np.int32(5), 5),
        (cells.INTEGER, 4.0, 4),
        (cells.NUMBER, " 2.5 ", 2.5),
        (cells.NUMBER, "", MISSING),
        (cells.NUMBER, None, MISSING),
        (cells.NUMBER, pd.NA, MISSING),
        (cells.NUMBER, 3, 3.0),
        (cells.NUMBER, np.float64(0.25), 0.25),
        (cells.YEAR, DAY, 2025),
        (cells.YEAR, pd.NaT, MISSING),
        (cells.YEAR, "1990年", 1990),
        (cells.YEAR, "1990年5月", 1990),
        (cells.YEAR, "19900501", 1990),
        (cells.YEAR, 1990.0, 1990),
        (cells.BOOLEAN, None, MISSING),
        (cells.BOOLEAN, 1, True),
        (cells.BOOLEAN, np.int64(0), False),
        (cells.BOOLEAN, 1.0, True),
        (cells.BOOLEAN, 0.0, False),
        (cells.BOOLEAN, " 是 ", True),
        (cells.BOOLEAN, "No", False),
        (cells.PERIOD, FIRST, "2025-03"),
        (cells.PERIOD, dt.date(2025, 3, 1), "2025-03"),
        (cells.PERIOD, pd.NaT, MISSING),
        (cells.PERIOD, None, MISSING),
        (cells.PERIOD, "2025年3月份", "2025-03"),
        (cells.PERIOD, "2025年第二季度", "2025Q2"),
        (cells.PERIOD, "2025年度", "2025"),
        (cells.PERIOD, "2025年", "2025"),
        (cells.POLICY, "免责", "waive"),
        (cells.POLICY, " 从轻 ", "mitigate"),
        (cells.POLICY, "", MISSING),
        (cells.STRINGS, "a；b、c; ;", frozenset({"a", "b", "c"})),
        (cells.STRINGS, ["x", "y"], frozenset({"x", "y"})),
        (cells.STRINGS, None, MISSING),
        (cells.LEVELS, "a=0.5；b＝1", {"a": 0.5, "b": 1.0}),
        (cells.LEVELS, {"a": 1}, {"a": 1}),
        (cells.LEVELS, " ", MISSING),
    ],
)
def test_parsers_accept(cell: cells.Cell, raw: Any, expected: Any) -> None:
    got = cell.parse(raw)
    assert got == expected
    assert type(got) is type(expected)


@pytest.mark.parametrize(
    ("cell", "raw", "expected"),
    [
        (cells.TEXT, NA, "a value, got the Excel error '#N/A'"),
        (cells.TEXT, True, "text, got the boolean True"),
        (cells.TEXT, DAY, "text, got the date 2025-03-02"),
        (cells.TEXT, 1j, "text, got 1j"),
        (cells.INTEGER, NA, "an integer, got the Excel error '#N/A'"),
        (cells.INTEGER, "1_000", "an integer, got '1_000'"),
        (cells.INTEGER, "12a", "an integer, got '12a'"),
        (cells.INTEGER, False, "an integer, got the boolean False"),
        (cells.INTEGER, 2.5, "an integer, got 2.5"),
        (cells.INTEGER, NOON, "an integer, got the date 2025-03-01T12:00:00"),
        (cells.NUMBER, NA, "a number, got the Excel error '#N/A'"),
        (cells.NUMBER, "1_000", "a number, got '1_000'"),
        (cells.NUMBER, "abc", "a number, got 'abc'"),
        (cells.NUMBER, True, "a number, got True"),
        (cells.NUMBER, DAY, "a number, got the date 2025-03-02"),
        (cells.YEAR, "1990-13", f"{cells._YEAR_EXPECTED}, got '1990-13'"),
        (cells.YEAR, "1990/5/32", f"{cells._YEAR_EXPECTED}, got '1990/5/32'"),
        (cells.YEAR, "MCMXC", f"{cells._YEAR_EXPECTED}, got 'MCMXC'"),
        (cells.YEAR, NA, f"{cells._YEAR_EXPECTED}, got '#N/A'"),
        (cells.YEAR, 1990.5, f"{cells._YEAR_EXPECTED}, got 1990.5"),
        (cells.BOOLEAN, 2, "true or false (also yes/no, 1/0, 是/否), got 2"),
        (cells.BOOLEAN, 0.5, "true or false (also yes/no, 1/0, 是/否), got 0.5"),
        (cells.BOOLEAN, "maybe", "true or false (also yes/no, 1/0, 是/否), got 'maybe'"),
        (cells.BOOLEAN, ExcelError("TRUE"), "true or false (also yes/no, 1/0, 是/否), got 'TRUE'"),
        (
            cells.PERIOD,
            NOON,
            f"{cells._PERIOD_EXPECTED}, got the date 2025-03-01T12:00:00 (not a month's first day)",
        ),
        (
            cells.PERIOD,
            DAY,
            f"{cells._PERIOD_EXPECTED}, got the date 2025-03-02 (not a month's first day)",
        ),
        (cells.PERIOD, "2025年13月", f"{cells._PERIOD_EXPECTED}, got '2025-13'"),
        (cells.PERIOD, "someday", f"{cells._PERIOD_EXPECTED}, got 'someday'"),
        (cells.LEVELS, "a=1;b", "name=level pairs separated by ';', got 'b'"),
        (cells.LEVELS, "a=1_0", "name=level pairs separated by ';', got 'a=1_0'"),
        (cells.LEVELS, "=1", "name=level pairs separated by ';', got '=1'"),
        (cells.LEVELS, "a=high", "name=level pairs separated by ';', got 'a=high'"),
    ],
)
def test_parsers_refuse(cell: cells.Cell, raw: Any, expected: str) -> None:
    with pytest.raises(BadCell) as info:
        cell.parse(raw)
    assert info.value.expected == expected


@pytest.mark.parametrize(
    ("cell", "value", "labels", "expected"),
    [
        (cells.TEXT, None, "en", None),
        (cells.TEXT, "a b", "en", "a b"),
        (cells.BOOLEAN, True, "zh", "是"),
        (cells.BOOLEAN, 0, "zh", "否"),
        (cells.BOOLEAN, 1, "en", True),
        (cells.PERIOD, "2025Q1", "en", "2025Q1"),
        (cells.POLICY, "waive", "zh", "免责"),
        (cells.POLICY, "mitigate", "en", "mitigate"),
        (cells.STRINGS, frozenset(), "en", None),
        (cells.STRINGS, frozenset({"b", "a"}), "en", "a;b"),
        (cells.OPTIONAL_STRINGS, None, "en", None),
        (cells.LEVELS, {"a": 1, "b": 0.5}, "en", "a=1.0;b=0.5"),
        (cells.LEVELS, {}, "en", None),
    ],
)
def test_formatters(cell: cells.Cell, value: Any, labels: Any, expected: Any) -> None:
    assert cell.write(value, labels) == expected


@pytest.mark.parametrize(
    ("cell", "value", "fragment"),
    [
        (cells.TEXT, " a", "' a' has leading or trailing whitespace"),
        (cells.STRINGS, frozenset({"a;b"}), "item 'a;b' contains ';'"),
        (cells.STRINGS, frozenset({"a、b"}), "item 'a、b' contains '、'"),
        (cells.OPTIONAL_STRINGS, frozenset(), "an empty set (which admits nobody"),
        (cells.LEVELS, {"a=b": 1.0}, "name 'a=b' contains '=', which a table cell cannot hold"),
        (cells.LEVELS, {"a;b": 1.0}, "item 'a;b' contains ';'"),
        (cells.LEVELS, {"a ": 1.0}, "'a ' has leading or trailing whitespace"),
    ],
)
def test_formatters_refuse(cell: cells.Cell, value: Any, fragment: str) -> None:
    with pytest.raises(BadCell, match=re.escape(fragment)):
        cell.write(value, "en")


def test_written_cells_read_back() -> None:
    levels = {"communication": 0.5, "judgment": 0.25}
    assert cells.LEVELS.parse(cells.LEVELS.write(levels, "en")) == levels
    items = frozenset({"招商", "host", "a b"})
    assert cells.STRINGS.parse(cells.STRINGS.write(items, "zh")) == items
    for labels in ("en", "zh"):
        for policy in ("waive", "mitigate"):
            assert cells.POLICY.parse(cells.POLICY.write(policy, labels)) == policy
        for flag in (True, False):
            assert cells.BOOLEAN.parse(cells.BOOLEAN.write(flag, labels)) is flag


def test_join_items_sorts_like_the_writer() -> None:
    items = {"b", "a", "招商"}
    assert cells.join_items(items) == "a;b;招商"
    assert cells.join_items(items) == cells.STRINGS.write(frozenset(items), "en")


def test_is_empty_on_values_that_refuse_comparison() -> None:
    class Refuses:
        def __ne__(self, other: object) -> bool:
            raise TypeError("no comparison")

    assert cells.is_empty(Refuses())
    assert cells.is_empty(pd.NA)
    assert not cells.is_empty(0)
    assert not cells.is_empty(DAY)


def test_row_finder_maps_global_indices_across_blocks() -> None:
    labels: list[Sequence[Any]] = [[2, 3], [], [7, 8, 9]]
    find = cells.row_finder(labels)
    flat = [label for block in labels for label in block]
    assert [find(i) for i in range(len(flat))] == flat
