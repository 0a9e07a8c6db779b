"""Table cells: one parser and one formatter per cell type, shared by every table format.

A parser turns one raw cell (a CSV string, or an Excel or pandas value) into
the value a record field takes, returns :data:`MISSING` for an empty cell, or
raises :class:`BadCell` saying what was expected. Every parser applies the one
whitespace rule of tables: a string cell is stripped at its edges and keeps its
inner spaces. A formatter does the reverse and raises :class:`BadCell` for a
value a table cannot hold faithfully (edge whitespace, a separator inside a set
item), so nothing written is read back different.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import numbers
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, Literal

from cadredev._vocab import LabelledEnum

__all__ = [
    "MISSING",
    "BadCell",
    "Block",
    "Cell",
    "ExcelError",
    "RawTable",
    "is_empty",
    "line_name",
    "row_finder",
]

Labels = Literal["en", "zh"]


class _Missing:
    """The marker of an empty cell."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
"""What a parser returns for an empty cell."""


class BadCell(Exception):  # noqa: N818  (an internal signal, re-raised as InvalidInputError)
    """A cell that does not parse; ``expected`` completes "expected ..."."""

    def __init__(self, expected: str, *, empty: bool = False) -> None:
        super().__init__(expected)
        self.expected = expected
        self.empty = empty


class ExcelError(str):
    """An Excel error value such as ``#N/A`` read from a workbook cell."""

    __slots__ = ()


SEPARATORS = (";", "；", "、")
"""Item separators accepted in set-valued cells; ``;`` is the one written."""
_SPLIT = re.compile("[;；、]")


def is_empty(value: Any) -> bool:
    """Return whether a raw cell is empty: None, NaN, NaT, pandas NA or blank text."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, int):
        return False
    try:
        return bool(value != value)  # noqa: PLR0124  (NaN-like objects)
    except (TypeError, ValueError):
        return True  # pandas.NA refuses bool()


def _describe(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return f"the date {value.isoformat()}"
    return repr(value)


# --------------------------------------------------------------------------
# raw cell -> text


def _text(value: Any) -> str | _Missing:
    """Return a cell as stripped text (numbers written as numbers), or MISSING."""
    if isinstance(value, str):
        if isinstance(value, ExcelError):
            raise BadCell(f"a value, got the Excel error {str(value)!r}")
        text = value.strip()
        return text or MISSING
    if is_empty(value):
        return MISSING
    if isinstance(value, bool):
        raise BadCell(f"text, got the boolean {value!r}")
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    raise BadCell(f"text, got {_describe(value)}")


_INT = re.compile(r"[+-]?\d+(?:\.0*)?")


def _integer(value: Any) -> int | _Missing:
    if isinstance(value, str):
        if isinstance(value, ExcelError):
            raise BadCell(f"an integer, got the Excel error {str(value)!r}")
        text = value.strip()
        if not text:
            return MISSING
        if _INT.fullmatch(text):
            return int(text.partition(".")[0])
        raise BadCell(f"an integer, got {text!r}")
    if is_empty(value):
        return MISSING
    if isinstance(value, bool):
        raise BadCell(f"an integer, got the boolean {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return int(float(value))
    raise BadCell(f"an integer, got {_describe(value)}")


def _number(value: Any) -> float | _Missing:
    if isinstance(value, str):
        if isinstance(value, ExcelError):
            raise BadCell(f"a number, got the Excel error {str(value)!r}")
        text = value.strip()
        if not text:
            return MISSING
        if "_" in text:  # Python reads '1_000' as 1000; no spreadsheet does
            raise BadCell(f"a number, got {text!r}")
        try:
            return float(text)
        except ValueError:
            raise BadCell(f"a number, got {text!r}") from None
    if is_empty(value):
        return MISSING
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise BadCell(f"a number, got {_describe(value)}")
    return float(value)


# Years: 1990, 1990.0, 1990-05, 1990.05, 1990/5/1, 1990年5月, 199005, 19900501, with an
# optional time of day (what a spreadsheet shows for a date cell saved as text).
_YEAR = re.compile(
    r"(?P<y>\d{4})(?:"
    r"\.0+"
    r"|(?P<m6>\d{2})(?P<d8>\d{2})?"
    r"|\s*[-./年]\s*(?P<m>\d{1,2})(?:\s*[-./月]\s*(?P<d>\d{1,2})\s*日?|\s*月)?"
    r"|\s*年"
    r")?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_YEAR_EXPECTED = "an integer year such as 1990 or a date such as 1990-05, 1990年5月 or 1990/5/1"


def _year(value: Any) -> int | _Missing:
    if isinstance(value, dt.date):
        if is_empty(value):
            return MISSING
        return value.year
    if isinstance(value, str) and not isinstance(value, ExcelError):
        text = value.strip()
        if not text:
            return MISSING
        match = _YEAR.fullmatch(text)
        if match is None:
            raise BadCell(f"{_YEAR_EXPECTED}, got {text!r}")
        month = match["m"] or match["m6"]
        day = match["d"] or match["d8"]
        if (month is not None and not 1 <= int(month) <= 12) or (
            day is not None and not 1 <= int(day) <= 31
        ):
            raise BadCell(f"{_YEAR_EXPECTED}, got {text!r}")
        return int(match["y"])
    try:
        return _integer(value)
    except BadCell:
        raise BadCell(f"{_YEAR_EXPECTED}, got {_describe(value)}") from None


_TRUE = frozenset({"true", "t", "yes", "y", "1", "是", "对", "√"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "否", "不", "×"})


def _boolean(value: Any) -> bool | _Missing:
    if isinstance(value, bool):
        return value
    if is_empty(value):
        return MISSING
    if isinstance(value, numbers.Integral) and int(value) in (0, 1):
        return bool(value)
    if isinstance(value, float) and value in (0.0, 1.0):
        return bool(value)
    if isinstance(value, str) and not isinstance(value, ExcelError):
        key = value.strip().casefold()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    raise BadCell(f"true or false (also yes/no, 1/0, 是/否), got {_describe(value)}")


_MONTH_ZH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?")
_QUARTER_ZH = re.compile(r"(\d{4})\s*年?\s*第?\s*([1-4一二三四])\s*季度?")
_YEAR_ZH = re.compile(r"(\d{4})\s*年(?:度)?")
_QUARTER_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}
_PERIOD_EXPECTED = "a period label such as 2025-01 (month), 2025Q1 (quarter) or 2025 (year)"


def _period(value: Any) -> str | _Missing:
    from cadredev.scoring._periods import check_period  # noqa: PLC0415

    if isinstance(value, dt.date):
        if is_empty(value):
            return MISSING
        if isinstance(value, dt.datetime) and (value.day, value.time()) != (1, dt.time()):
            raise BadCell(f"{_PERIOD_EXPECTED}, got {_describe(value)} (not a month's first day)")
        if not isinstance(value, dt.datetime) and value.day != 1:
            raise BadCell(f"{_PERIOD_EXPECTED}, got {_describe(value)} (not a month's first day)")
        return f"{value.year:04d}-{value.month:02d}"
    label = _text(value)
    if label is MISSING:
        return MISSING
    assert isinstance(label, str)  # noqa: S101  (narrowing for the type checker)
    if m := _MONTH_ZH.fullmatch(label):
        label = f"{m[1]}-{int(m[2]):02d}"
    elif m := _QUARTER_ZH.fullmatch(label):
        label = f"{m[1]}Q{_QUARTER_DIGITS.get(m[2], m[2])}"
    elif m := _YEAR_ZH.fullmatch(label):
        label = m[1]
    try:
        return check_period(label)
    except ValueError:
        raise BadCell(f"{_PERIOD_EXPECTED}, got {label!r}") from None


# --------------------------------------------------------------------------
# cell types


class Cell:
    """A cell type: how a raw cell parses and how a field value is written.

    Parameters
    ----------
    name
        What the cell holds, used in messages ("a non-empty string").
    parse
        Raw cell -> value or :data:`MISSING`; raises :class:`BadCell`.
    write
        Field value -> a str, int, float, bool or None (an empty cell);
        raises :class:`BadCell` for a value a table cannot hold.
    numeric
        Whether the written value is a number (kept numeric in Excel and pandas).
    empty_text
        For plain text cells: what an empty cell is (:data:`MISSING` or
        ``""``), which lets a column of strings be parsed in one pass.
    """

    __slots__ = ("empty_text", "name", "numeric", "parse", "write")

    def __init__(
        self,
        name: str,
        parse: Callable[[Any], Any],
        write: Callable[[Any, Labels], Any],
        *,
        numeric: bool = False,
        empty_text: Any = None,
    ) -> None:
        self.name = name
        self.parse = parse
        self.write = write
        self.numeric = numeric
        self.empty_text = empty_text


def check_text(value: str) -> str:
    """Return *value* if a table keeps it as it is; raise :class:`BadCell` if not."""
    if value != value.strip():
        raise BadCell(
            f"{value!r} has leading or trailing whitespace, which a table cannot keep "
            "(cells are stripped when read); strip it first or use JSON"
        )
    return value


def _write_text(value: Any, _labels: Labels) -> str | None:
    if value is None:
        return None
    return check_text(value)


def _write_number(value: Any, _labels: Labels) -> Any:
    return value


def _write_bool(value: Any, labels: Labels) -> Any:
    if labels == "zh":
        return "是" if value else "否"
    return bool(value)


def _write_period(value: Any, _labels: Labels) -> str:
    return str(value)


def _parse_text(value: Any) -> str | _Missing:
    return _text(value)


def _parse_any_text(value: Any) -> str:
    """Text that may be empty: an empty cell is the empty string."""
    text = _text(value)
    return "" if text is MISSING else text  # type: ignore[return-value]


TEXT = Cell("a non-empty string", _parse_text, _write_text, empty_text=MISSING)
"""A string that is either given (non-empty) or not."""
ANY_TEXT = Cell("a string", _parse_any_text, _write_text, empty_text="")
"""A string that may be empty (an empty cell is ``""``)."""
INTEGER = Cell("an integer", _integer, _write_number, numeric=True)
YEAR = Cell(_YEAR_EXPECTED, _year, _write_number, numeric=True)
NUMBER = Cell("a number", _number, _write_number, numeric=True)
BOOLEAN = Cell("true or false", _boolean, _write_bool)
PERIOD = Cell(_PERIOD_EXPECTED, _period, _write_period)


def enum_cell(cls: type[LabelledEnum]) -> Cell:
    """Return the cell type of one member of a labelled enumeration.

    A cell that names no member is passed on as text, so the record's own
    converter reports it with the list of valid values.
    """

    def parse(value: Any) -> Any:
        text = _text(value)
        if text is MISSING:
            return MISSING
        try:
            return cls.parse(text)  # type: ignore[arg-type]
        except ValueError:
            return text

    def write(value: Any, labels: Labels) -> str | None:
        if value is None:
            return None
        member = cls.parse(value)
        return member.label if labels == "zh" else str(member.value)

    choices = ", ".join(f"{m.value!r}/{m.label!r}" for m in cls)
    return Cell(f"one of {choices}", parse, write)


def _split(text: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(text) if part.strip()]


def _check_item(item: str) -> str:
    check_text(item)
    found = _SPLIT.search(item)
    if found is not None:
        raise BadCell(
            f"item {item!r} contains {found[0]!r}, which a table cell cannot hold "
            f"({', '.join(map(repr, SEPARATORS))} separate items); use JSON"
        )
    return item


def _parse_set(value: Any) -> frozenset[str] | _Missing:
    if isinstance(value, frozenset | set | list | tuple):
        return frozenset(value)
    text = _text(value)
    if text is MISSING:
        return MISSING
    return frozenset(_split(text))  # type: ignore[arg-type]


def _write_set(value: Any, labels: Labels) -> str | None:
    if not value:
        return None
    items = [
        (v.label if labels == "zh" else str(v.value)) if isinstance(v, LabelledEnum) else v
        for v in value
    ]
    return ";".join(sorted(_check_item(item) for item in items))


def _write_optional_set(value: Any, labels: Labels) -> str | None:
    if value is not None and not value:
        raise BadCell(
            "an empty set (which admits nobody, unlike an empty cell: 'not restricted') "
            "cannot be written to a table; use JSON"
        )
    return _write_set(value, labels)


STRINGS = Cell("items separated by ';'", _parse_set, _write_set)
"""A set of strings written ``a;b;c`` (``；`` and ``、`` also separate items on reading)."""
OPTIONAL_STRINGS = Cell("items separated by ';'", _parse_set, _write_optional_set)
"""A set or None (not given); an empty set cannot be written."""


def _parse_levels(value: Any) -> dict[str, Any] | _Missing:
    if isinstance(value, Mapping):
        return dict(value)
    text = _text(value)
    if text is MISSING:
        return MISSING
    levels: dict[str, Any] = {}
    for part in _split(text):  # type: ignore[arg-type]
        name, sep, level = part.replace("＝", "=").partition("=")
        try:
            number = math.nan if "_" in level else float(level)
        except ValueError:
            number = math.nan
        if not sep or not name.strip() or math.isnan(number):
            raise BadCell(f"name=level pairs separated by ';', got {part!r}")
        levels[name.strip()] = number
    return levels


def _write_levels(value: Any, _labels: Labels) -> str | None:
    parts = []
    for name, level in value.items():
        _check_item(name)
        if "=" in name:
            raise BadCell(f"name {name!r} contains '=', which a table cell cannot hold; use JSON")
        parts.append(f"{name}={float(level)!r}")
    return ";".join(parts) or None


LEVELS = Cell("name=level pairs separated by ';'", _parse_levels, _write_levels)
"""Competency levels written ``communication=0.5;judgment=0.25``."""

_POLICIES = {"waive": "waive", "免责": "waive", "免除": "waive"}
_POLICIES |= {"mitigate": "mitigate", "减责": "mitigate", "减轻": "mitigate", "从轻": "mitigate"}
_POLICY_LABELS = {"waive": "免责", "mitigate": "减责"}


def _parse_policy(value: Any) -> str | _Missing:
    text = _text(value)
    if text is MISSING:
        return MISSING
    return _POLICIES.get(text.casefold(), text)  # type: ignore[union-attr]


def _write_policy(value: Any, labels: Labels) -> str:
    return _POLICY_LABELS.get(value, value) if labels == "zh" else str(value)


POLICY = Cell("'waive' (免责) or 'mitigate' (减责)", _parse_policy, _write_policy)


def join_items(items: Iterable[str]) -> str:
    """Return set items joined the way tables write them."""
    return ";".join(sorted(items))


# --------------------------------------------------------------------------
# raw tables, as every format reader hands them over


class Block:
    """Some rows of a table, column by column, with each row's label.

    ``columns[j][i]`` is the raw cell of header position ``j`` on row ``i``;
    ``rows[i]`` is that row's label in the source (a line number, an Excel
    row number or a DataFrame index label).
    """

    __slots__ = ("columns", "rows")

    def __init__(self, columns: list[Sequence[Any]], rows: Sequence[Any]) -> None:
        self.columns = columns
        self.rows = rows


class RawTable:
    """A table as read: where it is, its header cells and its rows in blocks.

    Parameters
    ----------
    where
        The source as messages name it (a file name, with the sheet for Excel).
    header
        The header cells, stripped.
    refs
        How messages name each header position ("column 3", "column C").
    blocks
        The rows, in blocks of columns.
    texts
        Whether every cell is a string (CSV and TSV), which allows fast paths.
    row_name
        Turns a row label into words ("row 7").
    """

    __slots__ = ("blocks", "header", "refs", "row_name", "texts", "where")

    def __init__(
        self,
        *,
        where: str,
        header: list[str],
        refs: list[str],
        blocks: Iterator[Block],
        texts: bool,
        row_name: Callable[[Any], str],
    ) -> None:
        self.where = where
        self.header = header
        self.refs = refs
        self.blocks = blocks
        self.texts = texts
        self.row_name = row_name


def line_name(label: Any) -> str:
    """Name a row by its line (or sheet row) number."""
    return f"row {label}"


def row_finder(labels: list[Sequence[Any]]) -> Callable[[int], Any]:
    """Return global row index -> row label, over blocks of labels."""
    starts = list(itertools.accumulate((len(b) for b in labels), initial=0))

    def find(index: int) -> Any:
        b = bisect.bisect_right(starts, index) - 1
        return labels[b][index - starts[b]]

    return find
