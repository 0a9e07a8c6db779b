"""CSV rosters and records: the first table readers, now thin wrappers over :func:`read_table`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from cadredev.model import Cadre

from ._tables import read_table, write_table

if TYPE_CHECKING:
    from cadredev.scoring import Records

__all__ = [
    "RECORD_COLUMNS",
    "ROSTER_COLUMNS",
    "read_records_csv",
    "read_roster_csv",
    "write_records_csv",
    "write_roster_csv",
]

ROSTER_COLUMNS = (
    "id",
    "name",
    "birth_year",
    "rank",
    "unit",
    "line",
    "industries",
    "competencies",
    "grid",
    "gender",
    "joined_year",
)
"""The columns of a roster CSV, in the order :func:`write_roster_csv` writes them."""

RECORD_COLUMNS = ("cadre_id", "period", "indicator", "value")
"""The columns of a records CSV (long format, one value per row)."""


def read_roster_csv(path: str | Path) -> tuple[Cadre, ...]:
    r"""Read cadres from a roster CSV; ``read_table("Cadre", path, format="csv")``.

    Required columns: ``id, name, birth_year, rank, unit``; optional:
    ``line, industries, competencies, grid, gender, joined_year``. Headers may
    also be Chinese (工号, 姓名, 出生年份, 职级, 单位, ...); ranks and lines may
    be written in English or as their Chinese labels. Empty optional cells mean
    "not given"; posting history is not part of a roster. See
    :func:`~cadredev.io.read_table` for every header alias, other encodings and
    Excel files.

    Raises
    ------
    InvalidInputError
        For an empty or non-UTF-8 file, a missing, duplicate or unknown column,
        a malformed cell or duplicate ids; the message names the file, the row
        (its line number) and the column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "roster.csv"
    >>> _ = p.write_text(
    ...     "id,name,birth_year,rank,unit,line\nc1,张伟,1992,科级及以下,招商局,招商引资\n",
    ...     encoding="utf-8",
    ... )
    >>> [(c.name, c.line.value) for c in read_roster_csv(p)]
    [('张伟', 'investment')]

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       Chinese headers and aliases are accepted; cells are stripped at their edges.
    """
    return read_table(Cadre, path, format="csv")


def write_roster_csv(cadres: Iterable[Cadre], path: str | Path) -> None:
    """Write cadres to a UTF-8 roster CSV; ``write_table("Cadre", cadres, path, format="csv")``.

    Ranks and lines are written as their English values. Posting history is
    not written (use JSON for full records); a value with leading or trailing
    whitespace is refused, since cells are stripped when read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cadredev import Cadre
    >>> c = Cadre(
    ...     id="c1",
    ...     name="张伟",
    ...     birth_year=1992,
    ...     rank="section",
    ...     unit="招商局",
    ...     industries={"ai", "logistics"},
    ...     competencies={"judgment": 0.25},
    ... )
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "roster.csv"
    >>> write_roster_csv([c], p)
    >>> read_roster_csv(p) == (c,)
    True

    .. versionadded:: 0.1
    """
    write_table(Cadre, cadres, path, format="csv")


def read_records_csv(path: str | Path) -> Records:
    r"""Read assessment records from a CSV in long format; ``read_table("Records", path)``.

    The columns are ``RECORD_COLUMNS``: ``cadre_id, period, indicator,
    value``, one value per row (or their Chinese headers 工号, 期间, 指标,
    数值). Periods are labels such as ``2025-01``, ``2025Q1`` or ``2025``.

    Raises
    ------
    InvalidInputError
        Naming the file and row: an empty or non-UTF-8 file, a missing or
        unknown column, a value that is not a finite number, an unknown
        period label, a duplicate (cadre, period, indicator) row.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> _ = p.write_text("cadre_id,period,indicator,value\nc1,2025-01,visits,3\n", "utf-8")
    >>> read_records_csv(p).value("c1", "2025-01", "visits")
    3.0

    .. versionadded:: 0.1
    """
    from cadredev.scoring import Records  # noqa: PLC0415

    records: Records = read_table(Records, path, format="csv")
    return records


def write_records_csv(records: Records, path: str | Path) -> None:
    """Write records to a UTF-8 CSV that :func:`read_records_csv` reads back.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from cadredev.scoring import Records
    >>> r = Records.from_rows([("c1", "2025-01", "visits", 3.0)])
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> write_records_csv(r, p)
    >>> read_records_csv(p) == r
    True

    .. versionadded:: 0.1
    """
    write_table("Records", records, path, format="csv")
