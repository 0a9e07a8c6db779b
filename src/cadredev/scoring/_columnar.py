"""The columnar path into scoring: a :class:`~cadredev.Roster` as the table's cadres.

Everything here works on whole columns (codes, bincounts, fancy indexing),
so scoring a million cadres builds no Python object per cadre beyond the
id, name, unit, line and start-day tuples the table keeps.

.. versionadded:: 0.3
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from cadredev.errors import InvalidInputError
from cadredev.model import MAX_BIRTH_YEAR, MIN_BIRTH_YEAR
from cadredev.roster import Roster

from ._cadres import ScoredCadres, line_key
from ._records import Records
from ._scheme import Scheme

__all__ = ["check_roster_records", "roster_columns"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]
ObjArray = np.ndarray[Any, np.dtype[np.object_]]


def _objects(items: Sequence[Any]) -> ObjArray:
    out = np.empty(len(items), dtype=object)
    out[:] = list(items)
    return out


def check_roster_records(roster: Roster, records: Records, scored: tuple[str, ...]) -> None:
    """Raise if the records hold a cadre the roster does not (the first such, by id).

    ``scored`` are the ids scored (sorted); records of exactly those cadres,
    the usual case, are recognised by one comparison of the two id tuples.
    """
    if not records.cadres or records.cadres == scored:
        return
    ids = roster.ids[roster.order()]
    want = _objects(records.cadres)
    pos = np.minimum(np.searchsorted(ids, want), max(ids.size - 1, 0))
    found = (ids[pos] == want) if ids.size else np.zeros(want.size, dtype=bool)
    if not found.all():
        cid = records.cadres[int(np.argmin(found))]
        raise InvalidInputError(
            f"score: records hold cadre {cid!r}, which is not among the cadres given"
        )


def _recode(
    labels: Sequence[Any], codes: IntArray, key: Callable[[Any], Any] | None
) -> tuple[tuple[Any, ...], IntArray]:
    """Return the labels present in ``codes``, sorted by ``key``, and codes into them."""
    present = np.flatnonzero(np.bincount(codes, minlength=len(labels)))
    ordered = sorted(present.tolist(), key=lambda k: key(labels[k]) if key else labels[k])
    remap = np.full(max(len(labels), 1), -1, dtype=np.int64)
    remap[ordered] = np.arange(len(ordered), dtype=np.int64)
    return tuple(labels[k] for k in ordered), remap[codes]


def _joined(roster: Roster, rows: IntArray) -> tuple[dt.date | None, ...]:
    """Return 1 January of each cadre's ``joined_year`` (``None`` when unknown)."""
    years = np.ma.getdata(roster.joined_years)[rows]
    unknown = np.ma.getmaskarray(roster.joined_years)[rows]
    span = MAX_BIRTH_YEAR - MIN_BIRTH_YEAR + 1
    table = np.empty(span + 1, dtype=object)  # the last slot is "unknown"
    used = np.flatnonzero(np.bincount(years[~unknown] - MIN_BIRTH_YEAR, minlength=span))
    table[used] = [dt.date(MIN_BIRTH_YEAR + int(k), 1, 1) for k in used]
    index = np.where(unknown, span, years - MIN_BIRTH_YEAR)
    return tuple(table[index].tolist())


def roster_columns(
    scheme: Scheme, roster: Roster
) -> tuple[ScoredCadres, tuple[tuple[str, str], ...]]:
    """Return the scored cadres (sorted by id) of a roster, and the excluded ones with why.

    A cadre is excluded when the scheme has no indicator for its line, as
    for :class:`~cadredev.Cadre` records.
    """
    line_labels, line_codes = roster.codes("line")
    scored = np.array([bool(scheme.for_line(line)) for line in line_labels], dtype=bool)
    order = roster.order()
    keep = scored[line_codes[order]] if order.size else np.zeros(0, dtype=bool)
    rows = order[keep]
    in_place = bool(keep.all()) and bool(np.array_equal(order, np.arange(order.size)))

    def column(values: ObjArray) -> tuple[Any, ...]:
        return tuple((values if in_place else values[rows]).tolist())

    excluded = tuple(
        (
            str(roster.ids[r]),
            (
                f"scheme {scheme.name!r} has no indicator for line "
                f"{'none' if roster.lines[r] is None else roster.lines[r].value}"
            ),
        )
        for r in order[~keep].tolist()
    )
    unit_labels, unit_codes = roster.codes("unit")
    units, ucode = _recode(unit_labels, unit_codes[rows], None)
    lines, lcode = _recode(line_labels, line_codes[rows], line_key)
    cadres = ScoredCadres._trusted(  # noqa: SLF001  (the roster checked every column)
        ids=column(roster.ids),
        names=column(roster.names),
        units=tuple(_objects(units)[ucode].tolist()) if rows.size else (),
        lines=tuple(_objects(lines)[lcode].tolist()) if rows.size else (),
        joined=_joined(roster, rows),
        codes={"unit": (units, ucode), "line": (lines, lcode)},
    )
    return cadres, excluded
