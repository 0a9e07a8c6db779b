"""The cadres a score table scored, kept as columns inside the table.

.. versionadded:: 0.2
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from operator import attrgetter
from typing import Any

import numpy as np
from attrs import field, frozen

from cadredev._validate import MAX_YEAR, MIN_YEAR, check_ids, check_items, is_int
from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, Line, When

__all__ = ["ScoredCadres", "line_key", "tenure_start", "years_between"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]


_NONE = type(None)


def _ids(value: Any) -> tuple[str, ...]:
    return check_ids(value, where="ScoredCadres", name="ids")


def _names(value: Any) -> tuple[str, ...]:
    return check_ids(value, where="ScoredCadres", name="names", ids=False)


def _units(value: Any) -> tuple[str, ...]:
    return check_ids(value, where="ScoredCadres", name="units")


def _joined(value: Any) -> tuple[dt.date | None, ...]:
    items = check_items(value, where="ScoredCadres", name="joined")
    if not set(map(type, items)) <= {dt.date, _NONE}:
        bad = next(d for d in items if d is not None and type(d) is not dt.date)
        raise InvalidInputError(f"ScoredCadres: joined must hold dates or None, got {bad!r}")
    return items


def _lines(value: Any) -> tuple[Line | None, ...]:
    items = check_items(value, where="ScoredCadres", name="lines")
    kinds = set(map(type, items))
    if kinds <= {Line, _NONE}:
        return items
    if not kinds <= {Line, _NONE, str}:
        bad = next(v for v in items if v is not None and not isinstance(v, Line | str))
        raise InvalidInputError(f"ScoredCadres: lines must hold work lines or None, got {bad!r}")
    try:
        return tuple(None if v is None else Line.parse(v) for v in items)
    except InvalidInputError as exc:
        raise InvalidInputError(f"ScoredCadres: lines: {exc}") from None


def _start_day(when: When) -> dt.date | None:
    """Return the first day of a posting start, or ``None`` when it is a plan's period number."""
    if isinstance(when, dt.date):
        return when
    if is_int(when) and MIN_YEAR <= when <= MAX_YEAR:
        return dt.date(int(when), 1, 1)
    return None


def tenure_start(cadre: Cadre) -> dt.date | None:
    """Return the day a cadre's time in the zone starts, if the record tells.

    1 January of ``Cadre.joined_year`` when it is known; else
    the start of the earliest posting in ``Cadre.history``
    (a date as given, an integer year as its 1 January; a small integer is a
    plan's period number, with no date, and is skipped); else ``None``.

    Examples
    --------
    >>> import datetime as dt
    >>> import attrs
    >>> from cadredev import Cadre, Posting
    >>> c = Cadre(id="a", name="a", birth_year=1990, rank="section", unit="u")
    >>> tenure_start(c) is None
    True
    >>> postings = (
    ...     Posting(post_id="p1", start=-2),
    ...     Posting(post_id="p2", start=dt.date(2021, 9, 1)),
    ... )
    >>> tenure_start(attrs.evolve(c, history=postings))
    datetime.date(2021, 9, 1)
    >>> tenure_start(attrs.evolve(c, history=postings, joined_year=2019))
    datetime.date(2019, 1, 1)
    """
    if cadre.joined_year is not None:
        return dt.date(cadre.joined_year, 1, 1)
    days = [d for d in (_start_day(p.start) for p in cadre.history) if d is not None]
    return min(days) if days else None


def years_between(start: dt.date, end: dt.date) -> int:
    """Return the whole years from ``start`` to ``end`` (anniversaries reached by ``end``).

    Examples
    --------
    >>> import datetime as dt
    >>> years_between(dt.date(2022, 1, 1), dt.date(2025, 12, 31))
    3
    >>> years_between(dt.date(2022, 6, 1), dt.date(2025, 3, 31))
    2
    """
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


@frozen(kw_only=True)
class ScoredCadres:
    """The cadres a :class:`~cadredev.scoring.ScoreTable` scored, as columns.

    What grading groups, leaderboards, explanations and the reserve pool need
    of each cadre, in table order (sorted by id), so a table read back from
    JSON answers like the one :func:`~cadredev.scoring.score` returned.

    Attributes
    ----------
    ids, names, units, lines
        As on :class:`~cadredev.Cadre`.
    joined
        The day each cadre's time in the zone starts, or ``None`` if unknown:
        1 January of ``joined_year`` when known, else the start of the
        earliest dated posting in ``history`` (see ``ScoredCadres.of``).

    Examples
    --------
    >>> from cadredev import Cadre
    >>> people = [
    ...     Cadre(id="b", name="王", birth_year=1990, rank="section", unit="u", joined_year=2020),
    ...     Cadre(id="a", name="李", birth_year=1991, rank="section", unit="v", line="service"),
    ... ]
    >>> roster = ScoredCadres.of(sorted(people, key=lambda c: c.id))
    >>> roster.ids, roster.joined
    (('a', 'b'), (None, datetime.date(2020, 1, 1)))
    >>> roster
    ScoredCadres(2 cadres in 2 units)

    .. versionadded:: 0.2
    """

    ids: tuple[str, ...] = field(converter=_ids)
    names: tuple[str, ...] = field(converter=_names)
    units: tuple[str, ...] = field(converter=_units)
    lines: tuple[Line | None, ...] = field(converter=_lines)
    joined: tuple[dt.date | None, ...] = field(converter=_joined)
    _cache: dict[str, Any] = field(init=False, factory=dict, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        n = len(self.ids)
        for name in ("names", "units", "lines", "joined"):
            if len(getattr(self, name)) != n:
                raise InvalidInputError(
                    f"ScoredCadres: {name} must have one entry per id ({n}), "
                    f"got {len(getattr(self, name))}"
                )
        if len(set(self.ids)) != n:
            dup = sorted(i for i, count in Counter(self.ids).items() if count > 1)
            raise InvalidInputError(f"ScoredCadres: duplicate cadre id(s) {dup}")

    @classmethod
    def of(cls, cadres: Iterable[Cadre]) -> ScoredCadres:
        """Return the columns of some cadre records, in the order given.

        ``joined`` is 1 January of ``joined_year``
        if known, else the start of the earliest posting in ``history`` whose
        start is a date or a year (a small integer is a plan's period number
        and has no date), else ``None``.
        """
        people: Sequence[Cadre] = tuple(cadres)
        first_days: dict[int, dt.date] = {}

        def start(c: Cadre) -> dt.date | None:
            year = c.joined_year
            if year is None:
                return tenure_start(c) if c.history else None
            day = first_days.get(year)
            if day is None:
                day = first_days[year] = dt.date(year, 1, 1)
            return day

        return cls(
            ids=tuple(map(attrgetter("id"), people)),
            names=tuple(map(attrgetter("name"), people)),
            units=tuple(map(attrgetter("unit"), people)),
            lines=tuple(map(attrgetter("line"), people)),
            joined=tuple(map(start, people)),
        )

    @classmethod
    def _trusted(
        cls,
        *,
        ids: tuple[str, ...],
        names: tuple[str, ...],
        units: tuple[str, ...],
        lines: tuple[Line | None, ...],
        joined: tuple[dt.date | None, ...],
        codes: dict[str, tuple[tuple[Any, ...], IntArray]],
    ) -> ScoredCadres:
        """Return columns already checked (by a :class:`~cadredev.Roster`), with their codes.

        Skips the per-cadre checks of the constructor: the roster made them,
        column by column. ``codes`` maps ``"unit"`` and ``"line"`` to the
        sorted distinct values and each cadre's code (see :meth:`codes`).
        """
        out: ScoredCadres = object.__new__(cls)
        for name, value in (
            ("ids", ids),
            ("names", names),
            ("units", units),
            ("lines", lines),
            ("joined", joined),
            ("_cache", dict(codes)),
        ):
            object.__setattr__(out, name, value)
        return out

    def codes(self, name: str) -> tuple[tuple[Any, ...], IntArray]:
        """Return the sorted distinct units (``name="unit"``) or lines and each cadre's code.

        Units sort as text; lines by value with ``None`` (no line) last.
        Computed once per table, in C loops, never per cadre in Python.
        """
        if name not in self._cache:
            values = self.units if name == "unit" else self.lines
            seen: dict[Any, Any] = dict.fromkeys(values)
            key = line_key if name == "line" else None
            labels = tuple(sorted(seen, key=key))
            seen.update(zip(labels, range(len(labels)), strict=True))
            codes = np.fromiter(map(seen.__getitem__, values), dtype=np.int64, count=len(values))
            self._cache[name] = (labels, codes)
        out: tuple[tuple[Any, ...], IntArray] = self._cache[name]
        return out

    def index(self) -> Mapping[str, int]:
        """Return cadre id -> position in the columns (built on first use, then kept).

        Ids in order (as every table keeps them) are looked up by bisection,
        so asking for one cadre of a million builds no million-entry mapping.
        """
        index: Mapping[str, int] | None = self._cache.get("index")
        if index is None:
            ids = self.ids
            if all(map(operator.lt, ids, ids[1:])):
                index = _SortedIds(ids)
            else:
                index = {cid: k for k, cid in enumerate(ids)}
            self._cache["index"] = index
        return index

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        n = len(self.ids)
        units = len(set(self.units))
        return (
            f"ScoredCadres({n} cadre{'' if n == 1 else 's'} in {units} "
            f"unit{'' if units == 1 else 's'})"
        )

    def line_value(self, i: int) -> str:
        """Return cadre ``i``'s line as text (``"none"`` for no line)."""
        line = self.lines[i]
        return "none" if line is None else line.value


def line_key(line: Line | None) -> tuple[int, str]:
    """Order lines by value, with ``None`` (no line) last."""
    return (1, "") if line is None else (0, line.value)


class _SortedIds(Mapping[str, int]):
    """Id -> position over ids in strictly increasing order, by bisection."""

    def __init__(self, ids: tuple[str, ...]) -> None:
        self.ids = ids

    def __getitem__(self, cadre_id: str) -> int:
        k = bisect.bisect_left(self.ids, cadre_id) if isinstance(cadre_id, str) else len(self.ids)
        if k < len(self.ids) and self.ids[k] == cadre_id:
            return k
        raise KeyError(cadre_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)
