"""A columnar roster: many cadres as numpy columns, validated without a loop per cadre.

:class:`Roster` holds the scalar fields of :class:`~cadredev.Cadre` (id,
name, birth year, rank, unit, line, grid, gender, year joined, rank since)
as one numpy array each. It is what a personnel system exports, and what
:func:`cadredev.scoring.score` scores at national scale: a million cadres
are checked and scored without building a million records.

.. versionadded:: 0.3
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from attrs import field, frozen

from ._display import HTML_ROWS, html_table, need_pandas
from ._vocab import Line, Rank
from .errors import InvalidInputError
from .model import MAX_BIRTH_YEAR, MIN_BIRTH_YEAR, Cadre

__all__ = ["ROSTER_COLUMNS", "Roster"]

ObjArray = np.ndarray[Any, np.dtype[np.object_]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]

ROSTER_COLUMNS = (
    "id",
    "name",
    "birth_year",
    "rank",
    "unit",
    "line",
    "grid",
    "gender",
    "joined_year",
    "rank_since",
)
"""The columns of a roster, named like the fields of :class:`~cadredev.Cadre`."""

_REQUIRED = ("id", "birth_year", "rank", "unit")
_NESTED = ("industries", "competencies", "history", "mentorships")
_OPTIONAL = ("line", "grid", "gender")
_FEW = 8  # distinct values up to which codes come from comparisons, not lookups


def _is_missing(value: Any) -> bool:
    """Return whether a cell of an optional column means "unknown" (None, NaN, pandas NA)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")


def _array(value: Any, name: str, n: int | None) -> np.ndarray[Any, Any]:
    if isinstance(value, str) or not isinstance(value, Iterable | np.ndarray):
        raise InvalidInputError(
            f"Roster: column {name!r} must be a sequence or array, got {value!r}"
        )
    arr = np.asarray(value) if isinstance(value, np.ndarray) else _objects(value)
    if arr.ndim != 1:
        raise InvalidInputError(f"Roster: column {name!r} must be one-dimensional, got {arr.shape}")
    if n is not None and arr.size != n:
        raise InvalidInputError(
            f"Roster: column {name!r} must have one entry per cadre ({n}), got {arr.size}"
        )
    return arr


def _objects(items: Iterable[Any]) -> ObjArray:
    values = list(items)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def factorize(arr: np.ndarray[Any, Any]) -> tuple[list[Any], IntArray]:
    """Return the distinct values of a column (first-seen order) and each row's code.

    The work per row runs inside C (``dict.fromkeys`` and ``map``), not in
    Python bytecode; the values themselves are checked once per distinct value.
    """
    items = arr.tolist()
    seen: dict[Any, Any] = dict.fromkeys(items)
    labels = list(seen)
    if len(labels) <= 1:
        return labels, np.zeros(len(items), dtype=np.int64)
    if len(labels) <= _FEW and arr.dtype == object and set(map(type, labels)) == {str}:
        # a few strings: a comparison pass each (NaN, which equals nothing, never gets here)
        codes = np.zeros(len(items), dtype=np.int64)
        for k, label in enumerate(labels[1:], start=1):
            codes[arr == label] = k
        return labels, codes
    seen.update(zip(labels, range(len(labels)), strict=True))
    codes = np.fromiter(map(seen.__getitem__, items), dtype=np.int64, count=len(items))
    return labels, codes


def _year_kind(kind: type, *, optional: bool) -> bool:
    """Return whether cells of this type may hold a year (integers; floats and None if optional)."""
    if kind is bool:
        return False
    if issubclass(kind, int | np.integer):
        return True
    return optional and (kind is type(None) or issubclass(kind, float | np.floating))


def _where(ids: ObjArray, row: int) -> str:
    return f"Roster row {row} (cadre {ids[row]!r})" if 0 <= row < ids.size else f"Roster row {row}"


class _Columns:
    """Checks and canonicalises raw columns, naming the row and field of the first bad value."""

    def __init__(self, ids: ObjArray) -> None:
        self.ids = ids

    def fail(self, row: int, name: str, message: str) -> InvalidInputError:
        return InvalidInputError(f"{_where(self.ids, row)}: {name} {message}")

    def categorical(
        self,
        arr: np.ndarray[Any, Any],
        name: str,
        parse: Any,
    ) -> tuple[ObjArray, IntArray, list[Any]]:
        """Return the canonical column, its codes and labels, parsing each distinct value once."""
        raw, codes = factorize(arr)
        labels: list[Any] = []
        for k, value in enumerate(raw):
            try:
                labels.append(parse(value))
            except InvalidInputError as exc:
                row = int(np.argmax(codes == k))
                raise self.fail(row, name, str(exc)) from None
        # two spellings of one value (a label and its English value) share one code
        canon: dict[Any, int] = {}
        remap = np.array([canon.setdefault(v, len(canon)) for v in labels], dtype=np.int64)
        distinct = list(canon)
        table = _objects(distinct)
        codes = remap[codes] if codes.size else codes
        return table[codes] if codes.size else np.empty(0, dtype=object), codes, distinct

    def years(self, arr: np.ndarray[Any, Any], name: str, *, optional: bool) -> np.ma.MaskedArray:
        """Return integer years in the accepted range, masked where unknown (optional columns).

        Optional columns also take whole-number floats (pandas stores an
        integer column with missing values as floats).
        """
        expected = f"a year from {MIN_BIRTH_YEAR} to {MAX_BIRTH_YEAR}"
        if optional:
            expected += " or None"
        if arr.dtype.kind in "iu":
            values = arr.astype(np.int64)
            mask = np.zeros(arr.size, dtype=bool)
        else:
            values, mask = self._year_values(arr, name, expected, optional=optional)
        bad = ~mask & ((values < MIN_BIRTH_YEAR) | (values > MAX_BIRTH_YEAR))
        if bad.any():
            row = int(np.argmax(bad))
            raise self.fail(row, name, f"must be {expected}, got {arr[row]!r}")
        return np.ma.MaskedArray(values, mask=mask)

    def _year_values(
        self, arr: np.ndarray[Any, Any], name: str, expected: str, *, optional: bool
    ) -> tuple[IntArray, np.ndarray[Any, np.dtype[np.bool_]]]:
        """Return the years of a column that is not of an integer dtype, and the unknown ones."""
        if arr.dtype.kind == "f" and optional:
            floats = arr.astype(np.float64)
        else:
            items = arr.tolist() if arr.dtype.kind == "O" else list(arr)
            if not all(_year_kind(k, optional=optional) for k in set(map(type, items))):
                row = next(
                    i for i, v in enumerate(items) if not _year_kind(type(v), optional=optional)
                )
                raise self.fail(row, name, f"must be {expected}, got {items[row]!r}")
            floats = np.array(items, dtype=np.float64) if items else np.zeros(0)
        mask = np.isnan(floats)
        whole = mask | (np.floor(np.where(mask, 0.0, floats)) == floats)
        if not whole.all():
            row = int(np.argmax(~whole))
            raise self.fail(row, name, f"must be {expected}, got {arr[row]!r}")
        values = np.where(mask, 0.0, floats)
        values = np.where((values < MIN_BIRTH_YEAR) | (values > MAX_BIRTH_YEAR), -1.0, values)
        return values.astype(np.int64), mask

    def strings(self, arr: np.ndarray[Any, Any], name: str, *, empty: bool) -> ObjArray:
        """Return a column of strings (non-empty unless ``empty``) as an object array."""
        out = arr if arr.dtype == object else arr.astype(object)
        items = out.tolist()
        if not set(map(type, items)) <= {str} or (not empty and not all(map(str.strip, items))):
            for row, v in enumerate(items):
                if not isinstance(v, str) or (not empty and not v.strip()):
                    need = "a string" if empty else "a non-empty string"
                    raise self.fail(row, name, f"must be {need}, got {v!r}")
        return out


def _parse_rank(value: Any) -> Rank:
    try:
        return Rank.parse(value)
    except (InvalidInputError, TypeError):
        choices = ", ".join(f"{m.value!r}/{m.label!r}" for m in Rank)
        raise InvalidInputError(f"must be one of {choices}, got {value!r}") from None


def _parse_line(value: Any) -> Line | None:
    if _is_missing(value):
        return None
    try:
        return Line.parse(value)
    except (InvalidInputError, TypeError):
        choices = ", ".join(f"{m.value!r}/{m.label!r}" for m in Line)
        raise InvalidInputError(f"must be one of {choices} or None, got {value!r}") from None


def _parse_optional_str(value: Any) -> str | None:
    if _is_missing(value):
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"must be a non-empty string or None, got {value!r}")
    return value


def _parse_unit(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"must be a non-empty string, got {value!r}")
    return value


@frozen(eq=False)
class Roster:
    """Cadres as columns: one numpy array per field of :class:`~cadredev.Cadre`.

    Build it with :meth:`from_arrays`, :meth:`from_pandas` or
    :meth:`from_cadres`. Every column is checked as :class:`~cadredev.Cadre`
    checks its field, column by column, and a bad value is reported with its
    row, the cadre's id, the field and what was expected. Ids are unique.
    :func:`cadredev.scoring.score` accepts a roster wherever it accepts
    cadres and gives the same :class:`~cadredev.scoring.ScoreTable`.

    The nested fields of a cadre (industries, competencies, posting history,
    mentorships) are not columns.

    Attributes
    ----------
    ids, names, units
        Object arrays of strings.
    birth_years
        ``int64`` years.
    ranks, lines
        Object arrays of :class:`~cadredev.Rank` and
        :class:`~cadredev.Line` (or ``None``: on no line).
    grids, genders
        Object arrays of strings or ``None``.
    joined_years, rank_since
        Masked ``int64`` arrays (masked: unknown).

    Examples
    --------
    >>> from cadredev import Roster
    >>> roster = Roster.from_arrays(
    ...     id=["c2", "c1"],
    ...     birth_year=[1990, 1985],
    ...     rank=["section", "处级"],
    ...     unit=["招商局", "街道"],
    ...     line=["investment", None],
    ... )
    >>> roster
    Roster(2 cadres in 2 units)
    >>> roster.ranks.tolist()
    [<Rank.SECTION: 'section'>, <Rank.DIVISION: 'division'>]
    >>> roster.to_cadres()[1].line is None
    True

    .. versionadded:: 0.3
    """

    ids: ObjArray
    names: ObjArray
    birth_years: IntArray
    ranks: ObjArray
    units: ObjArray
    lines: ObjArray
    grids: ObjArray
    genders: ObjArray
    joined_years: np.ma.MaskedArray
    rank_since: np.ma.MaskedArray
    _codes: dict[str, tuple[list[Any], IntArray]] = field(init=False, factory=dict, repr=False)

    def __attrs_post_init__(self) -> None:
        ids = _array(self.ids, "id", None)
        n = ids.size
        ids = _Columns(np.empty(0, dtype=object)).strings(ids, "id", empty=False)
        cols = _Columns(ids)
        self._set("ids", ids)
        self._set("names", cols.strings(_array(self.names, "name", n), "name", empty=True))
        self._set(
            "birth_years",
            cols.years(
                _array(self.birth_years, "birth_year", n), "birth_year", optional=False
            ).data.astype(np.int64),
        )
        for name, attr, parse in (
            ("rank", "ranks", _parse_rank),
            ("unit", "units", _parse_unit),
            ("line", "lines", _parse_line),
            ("grid", "grids", _parse_optional_str),
            ("gender", "genders", _parse_optional_str),
        ):
            raw = getattr(self, attr)
            if raw is None and name in _OPTIONAL:
                column = np.full(n, None, dtype=object)
                codes, labels = np.zeros(n, dtype=np.int64), [None] if n else []
            else:
                column, codes, labels = cols.categorical(_array(raw, name, n), name, parse)
            self._set(attr, column)
            self._codes[name] = (labels, codes)
        for name, attr in (("joined_year", "joined_years"), ("rank_since", "rank_since")):
            raw = getattr(self, attr)
            if raw is None:
                years = np.ma.MaskedArray(np.zeros(n, dtype=np.int64), mask=np.ones(n, dtype=bool))
            else:
                years = cols.years(_array(raw, name, n), name, optional=True)
            self._set(attr, years)
        self._check_unique()

    def _set(self, name: str, value: Any) -> None:
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
        object.__setattr__(self, name, value)

    def _check_unique(self) -> None:
        order = self.order()
        if self._codes["order"][0]:  # ids strictly increasing as given: distinct
            return
        ordered = self.ids[order]
        same = ordered[1:] == ordered[:-1] if ordered.size > 1 else np.zeros(0, dtype=bool)
        if same.any():
            k = int(np.argmax(same))
            first, second = sorted((int(order[k]), int(order[k + 1])))
            raise InvalidInputError(
                f"Roster row {second}: duplicate cadre id {self.ids[second]!r} "
                f"(first at row {first})"
            )

    # ------------------------------------------------------------------ build

    @classmethod
    def from_arrays(cls, **columns: Any) -> Roster:
        """Build a roster from columns named like the fields of :class:`~cadredev.Cadre`.

        ``id``, ``birth_year``, ``rank`` and ``unit`` are required; ``name``
        defaults to ``""``, the others to ``None`` (unknown). Columns are
        sequences or numpy arrays of equal length. ``None``, ``NaN`` and
        pandas' missing values mean "unknown" in the optional columns.

        Raises
        ------
        InvalidInputError
            For a missing or unknown column, columns of unequal length, or a
            bad value (naming its row, the cadre's id and the field).

        Examples
        --------
        >>> import numpy as np
        >>> from cadredev import Roster
        >>> r = Roster.from_arrays(
        ...     id=np.array(["a", "b"]),
        ...     birth_year=np.array([1990, 1991]),
        ...     rank="section section".split(),
        ...     unit=["u", "u"],
        ...     joined_year=[2020, None],
        ... )
        >>> r.joined_years.tolist()
        [2020, None]
        >>> Roster.from_arrays(
        ...     id=["a"], birth_year=[1800], rank=["section"], unit=["u"]
        ... )  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        cadredev.errors.InvalidInputError: Roster row 0 (cadre 'a'): birth_year must be ...

        .. versionadded:: 0.3
        """
        unknown = sorted(set(columns) - set(ROSTER_COLUMNS))
        if unknown:
            extra = " (nested fields are not roster columns)" if set(unknown) & set(_NESTED) else ""
            raise InvalidInputError(
                f"Roster.from_arrays: unknown column(s) {unknown}{extra}; "
                f"expected {list(ROSTER_COLUMNS)}"
            )
        missing = [c for c in _REQUIRED if c not in columns]
        if missing:
            raise InvalidInputError(f"Roster.from_arrays: missing required column(s) {missing}")
        ids = _array(columns["id"], "id", None)
        n = ids.size

        def optional(name: str, fill: Any) -> Any:
            if name in columns and columns[name] is not None:
                return columns[name]
            return None if fill is None else np.full(n, fill, dtype=object)

        return cls(
            ids=ids,
            names=optional("name", ""),
            birth_years=columns["birth_year"],
            ranks=columns["rank"],
            units=columns["unit"],
            lines=optional("line", None),
            grids=optional("grid", None),
            genders=optional("gender", None),
            joined_years=optional("joined_year", None),
            rank_since=optional("rank_since", None),
        )

    @classmethod
    def from_pandas(cls, frame: Any) -> Roster:
        """Build a roster from a :class:`pandas.DataFrame` whose columns are ``Cadre``'s fields.

        Categorical columns are used as they are; missing values (``NaN``,
        ``None``, ``pd.NA``) mean "unknown" in the optional columns.

        Raises
        ------
        InvalidInputError
            As :meth:`from_arrays`; also for an object that is not a DataFrame.

        Examples
        --------
        >>> import pandas as pd
        >>> from cadredev import Roster
        >>> df = pd.DataFrame(
        ...     {
        ...         "id": ["a", "b"],
        ...         "birth_year": [1990, 1991],
        ...         "rank": ["section"] * 2,
        ...         "unit": ["u", "v"],
        ...         "joined_year": [2019, None],
        ...     }
        ... )
        >>> Roster.from_pandas(df).to_pandas()["joined_year"].tolist()
        [2019, <NA>]

        .. versionadded:: 0.3
        """
        pd = need_pandas("Roster.from_pandas")
        if not isinstance(frame, pd.DataFrame):
            raise InvalidInputError(
                f"Roster.from_pandas: expected a pandas DataFrame, got {type(frame).__name__}"
            )
        columns: dict[str, Any] = {}
        for name in frame.columns:
            col = frame[name]
            if isinstance(col.dtype, pd.CategoricalDtype):
                # categories once, then codes: no per-row conversion
                cats = _objects([*col.cat.categories.tolist(), None])
                columns[str(name)] = cats[col.cat.codes.to_numpy()]
            elif col.dtype.kind in "iu":
                columns[str(name)] = col.to_numpy()
            else:
                columns[str(name)] = col.to_numpy(dtype=object)
        return cls.from_arrays(**columns)

    @classmethod
    def from_cadres(cls, cadres: Iterable[Cadre], *, drop_nested: bool = False) -> Roster:
        """Build a roster from :class:`~cadredev.Cadre` records, in the order given.

        Parameters
        ----------
        cadres
            The records.
        drop_nested
            Leave out industries, competencies, history and mentorships,
            which are not roster columns. By default a cadre that has any of
            them is an error, so nothing is dropped unseen.

        Raises
        ------
        InvalidInputError
            For an object that is not a ``Cadre``, duplicate ids, or nested
            data without ``drop_nested``.

        Examples
        --------
        >>> from cadredev import Cadre, Roster
        >>> people = [Cadre(id="a", name="李", birth_year=1990, rank="section", unit="u")]
        >>> Roster.from_cadres(people).to_cadres() == tuple(people)
        True

        .. versionadded:: 0.3
        """
        people = tuple(cadres)
        for row, c in enumerate(people):
            if not isinstance(c, Cadre):
                raise InvalidInputError(f"Roster row {row}: expected a Cadre, got {c!r}")
            if not drop_nested:
                for name in _NESTED:
                    if getattr(c, name):
                        raise InvalidInputError(
                            f"{_where(_objects([x.id for x in people]), row)}: {name} is not a "
                            "roster column; pass drop_nested=True to leave it out"
                        )
        return cls.from_arrays(
            **{name: _objects([getattr(c, name) for c in people]) for name in ROSTER_COLUMNS}
        )

    # ----------------------------------------------------------------- access

    def __len__(self) -> int:
        return int(self.ids.size)

    def __repr__(self) -> str:
        n = len(self)
        units = len(self.codes("unit")[0])
        return (
            f"Roster({n:,} cadre{'' if n == 1 else 's'} in {units:,} "
            f"unit{'' if units == 1 else 's'})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Roster):
            return NotImplemented
        return all(np.array_equal(self.column(c), other.column(c)) for c in ROSTER_COLUMNS)

    __hash__ = None  # type: ignore[assignment]

    def codes(self, name: str) -> tuple[list[Any], IntArray]:
        """Return the distinct values of a categorical column and each cadre's code.

        ``name`` is ``"rank"``, ``"unit"``, ``"line"``, ``"grid"`` or
        ``"gender"``; the values come in first-seen order.

        Examples
        --------
        >>> from cadredev import Roster
        >>> r = Roster.from_arrays(
        ...     id=["a", "b", "c"],
        ...     birth_year=[1990] * 3,
        ...     rank=["section"] * 3,
        ...     unit=["v", "u", "v"],
        ... )
        >>> labels, codes = r.codes("unit")
        >>> labels, codes.tolist()
        (['v', 'u'], [0, 1, 0])
        """
        if name not in self._codes:
            raise InvalidInputError(
                f"Roster.codes: {name!r} is not a categorical column; expected one of "
                f"{sorted(self._codes)}"
            )
        return self._codes[name]

    def order(self) -> IntArray:
        """Return the row positions that sort the roster by id (cached).

        Examples
        --------
        >>> from cadredev import Roster
        >>> Roster.from_arrays(
        ...     id=["b", "a"], birth_year=[1990] * 2, rank=["section"] * 2, unit=["u"] * 2
        ... ).order().tolist()
        [1, 0]
        """
        if "order" not in self._codes:
            ids = self.ids
            if ids.size < 2 or bool(np.all(ids[1:] > ids[:-1])):
                order, increasing = np.arange(ids.size, dtype=np.int64), [True]
            else:
                order, increasing = np.argsort(ids, kind="stable").astype(np.int64), []
            self._codes["order"] = (increasing, order)
        return self._codes["order"][1]

    def column(self, name: str) -> np.ndarray[Any, Any]:
        """Return one column by its ``Cadre`` field name (unknown years as ``None``).

        Examples
        --------
        >>> from cadredev import Roster
        >>> r = Roster.from_arrays(id=["a"], birth_year=[1990], rank=["section"], unit=["u"])
        >>> r.column("line").tolist(), r.column("rank_since").tolist()
        ([None], [None])
        """
        attr = {
            "id": "ids",
            "name": "names",
            "birth_year": "birth_years",
            "rank": "ranks",
            "unit": "units",
            "line": "lines",
            "grid": "grids",
            "gender": "genders",
            "joined_year": "joined_years",
            "rank_since": "rank_since",
        }.get(name)
        if attr is None:
            raise InvalidInputError(
                f"Roster.column: unknown column {name!r}; expected one of {list(ROSTER_COLUMNS)}"
            )
        value = getattr(self, attr)
        if isinstance(value, np.ma.MaskedArray):
            return _objects(value.tolist())
        return np.asarray(value)

    def to_cadres(self) -> tuple[Cadre, ...]:
        """Return one :class:`~cadredev.Cadre` per row, in roster order.

        Examples
        --------
        >>> from cadredev import Roster
        >>> r = Roster.from_arrays(id=["a"], birth_year=[1990], rank=["科级及以下"], unit=["u"])
        >>> r.to_cadres()[0].rank
        <Rank.SECTION: 'section'>
        """
        cols = {name: self.column(name).tolist() for name in ROSTER_COLUMNS}
        return tuple(
            Cadre(**dict(zip(ROSTER_COLUMNS, row, strict=True)))
            for row in zip(*(cols[c] for c in ROSTER_COLUMNS), strict=True)
        )

    def to_pandas(self) -> Any:
        """Return the roster as a :class:`pandas.DataFrame`, one column per field.

        Ranks and lines are their English values; unknown years are ``pd.NA``
        in nullable integer columns.

        Raises
        ------
        MissingDependencyError
            If pandas is not installed.
        """
        pd = need_pandas()
        data: dict[str, Any] = {}
        for name in ROSTER_COLUMNS:
            if name in ("joined_year", "rank_since"):
                masked = self.joined_years if name == "joined_year" else self.rank_since
                data[name] = pd.array(np.ma.getdata(masked), dtype="Int64").copy()
                data[name][np.ma.getmaskarray(masked)] = pd.NA
            elif name in ("rank", "line"):
                labels, codes = self.codes(name)
                values = _objects([None if v is None else v.value for v in labels])
                data[name] = values[codes] if codes.size else np.empty(0, dtype=object)
            else:
                data[name] = self.column(name)
        return pd.DataFrame(data)

    def _repr_html_(self) -> str:
        n = min(len(self), HTML_ROWS)
        cols = ("id", "name", "unit", "line", "rank", "birth_year")
        values = [self.column(c)[:n].tolist() for c in cols]
        rows = [tuple(getattr(v, "label", v) for v in row) for row in zip(*values, strict=True)]
        return html_table(repr(self), cols, rows)


def roster_to_json(roster: Roster) -> dict[str, list[Any]]:
    """Return a roster's columns as JSON lists (ranks and lines by English value)."""
    out: dict[str, list[Any]] = {}
    for name in ROSTER_COLUMNS:
        values = roster.column(name).tolist()
        if name in ("rank", "line"):
            values = [None if v is None else v.value for v in values]
        out[name] = values
    return out


def roster_from_json(value: Any) -> Roster:
    """Return the roster of a JSON object of columns."""
    if not isinstance(value, Mapping) or not all(isinstance(v, list) for v in value.values()):
        raise InvalidInputError(
            f"Roster: expected {{column: [values, ...]}}, got {type(value).__name__}"
        )
    return Roster.from_arrays(**{str(k): _objects(v) for k, v in value.items()})
