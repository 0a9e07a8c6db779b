"""The promotion reserve pool (后备库): the top of each line, with tenure from the record.

.. versionadded:: 0.2
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from cadredev._validate import require_as_of
from cadredev.calendar import period_span
from cadredev.errors import InvalidInputError

from ._cadres import ScoredCadres, years_between
from ._labels import grade_labels
from ._results import PoolEntry, ReservePool
from ._scheme import Scheme

__all__ = ["pool_of", "tenure_day"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]


def tenure_day(label: str, as_of: int | dt.date | None) -> dt.date:
    """Return the day tenure is counted to: ``as_of`` (a year: 31 December) or the period end."""
    if as_of is None:
        return period_span(label)[1]
    if isinstance(as_of, dt.datetime):
        raise InvalidInputError(f"reserve_pool: as_of must be a date or a year, got {as_of!r}")
    if isinstance(as_of, dt.date):
        return as_of
    return dt.date(require_as_of(as_of, where="reserve_pool", why="tenure"), 12, 31)


def pool_of(
    scheme: Scheme,
    cadres: ScoredCadres,
    *,
    period: str,
    total: FloatArray,
    grade_code: IntArray,
    vetoed: BoolArray,
    per_line: int,
    min_tenure: int,
    end: dt.date,
    allowed: set[str],
) -> ReservePool:
    """Return the top ``per_line`` cadres of each line who may enter, and who was passed over.

    ``total``, ``grade_code`` and ``vetoed`` are one period's rows, in the
    order of ``cadres``; ties are broken by id.
    """
    by_line: dict[str, list[int]] = {}
    for i in range(len(cadres)):
        by_line.setdefault(cadres.line_value(i), []).append(i)
    entries: list[PoolEntry] = []
    excluded: list[tuple[str, str]] = []
    for line in sorted(by_line):
        members = sorted(by_line[line], key=lambda i: (-total[i], cadres.ids[i]))
        taken = 0
        for i in members:
            if taken >= per_line:
                break
            gid = scheme.grades[int(grade_code[i])].id
            joined = cadres.joined[i]
            tenure = None if joined is None else years_between(joined, end)
            why = _kept_out(
                vetoed=bool(vetoed[i]),
                grade=gid,
                allowed=allowed,
                joined=joined,
                end=end,
                min_tenure=min_tenure,
            )
            if why or joined is None or tenure is None:
                excluded.append((cadres.ids[i], why))
                continue
            entries.append(
                PoolEntry(
                    cadre_id=cadres.ids[i],
                    line=line,
                    total=float(total[i]),
                    grade=gid,
                    tenure=tenure,
                    joined=joined,
                )
            )
            taken += 1
    return ReservePool(
        period=period,
        entries=tuple(entries),
        excluded=tuple(excluded),
        grade_labels=grade_labels(scheme.grades),
    )


def _kept_out(
    *,
    vetoed: bool,
    grade: str,
    allowed: set[str],
    joined: dt.date | None,
    end: dt.date,
    min_tenure: int,
) -> str:
    """Return why a top scorer stays out of the reserve pool (``""`` if it enters)."""
    if vetoed:
        return "vetoed"
    if grade not in allowed:
        return f"grade {grade} not admitted"
    if joined is None:
        return "start in the zone unknown (no joined_year, no dated posting)"
    if joined > end:
        return f"joined {joined.isoformat()}, after {end.isoformat()}"
    tenure = years_between(joined, end)
    if tenure < min_tenure:
        return f"tenure {tenure} < {min_tenure} years"
    return ""
