"""CSV rosters and records: UTF-8, a fixed header, errors that name the file, row and column."""

from __future__ import annotations

import csv
import io as _stdio
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cadredev.errors import InvalidInputError
from cadredev.model import Cadre

from ._atomic import write_text
from ._json import _read_text

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

_REQUIRED_ROSTER_COLUMNS = ("id", "name", "birth_year", "rank", "unit")

RECORD_COLUMNS = ("cadre_id", "period", "indicator", "value")
"""The columns of a records CSV (long format, one value per row)."""

# --------------------------------------------------------------------------
# CSV rosters

_INT = re.compile(r"^-?\d+$")


def _read_csv_rows(path: str | Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    text = _read_text(path)
    if not text.strip():
        raise InvalidInputError(f"{path}: empty file; expected a header row")
    reader = csv.reader(_stdio.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
    rows: list[tuple[int, dict[str, str]]] = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise InvalidInputError(
                f"{path}, row {line}: expected {len(header)} cells, got {len(values)}"
            )
        rows.append((line, dict(zip(header, values, strict=True))))
    return header, rows


def _check_columns(
    path: str | Path, header: list[str], known: Sequence[str], required: Sequence[str]
) -> None:
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise InvalidInputError(f"{path}: duplicate column(s) {duplicates}")
    unknown = [h for h in header if h not in known]
    if unknown:
        raise InvalidInputError(
            f"{path}: unknown column(s) {unknown}; expected columns from {list(known)}"
        )
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidInputError(f"{path}: missing required column(s) {missing}")


def _cell_int(path: str | Path, line: int, column: str, text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not _INT.match(text):
        raise InvalidInputError(
            f"{path}, row {line}, column {column!r}: expected an integer, got {text!r}"
        )
    return int(text)


def _cell_set(text: str) -> frozenset[str]:
    return frozenset(part.strip() for part in text.split(";") if part.strip())


def _cell_levels(path: str | Path, line: int, column: str, text: str) -> dict[str, float]:
    levels: dict[str, float] = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not sep or not name.strip() or math.isnan(number):
            raise InvalidInputError(
                f"{path}, row {line}, column {column!r}: expected name=level pairs, got {part!r}"
            )
        levels[name.strip()] = number
    return levels


def read_roster_csv(path: str | Path) -> tuple[Cadre, ...]:
    r"""Read cadres from a UTF-8 roster CSV.

    Required columns: ``id, name, birth_year, rank, unit``; optional:
    ``line, industries, competencies, grid, gender, joined_year``. Ranks and
    lines may be written in English or as their Chinese labels. Empty optional
    cells mean "not given"; posting history is not part of a roster.

    Raises
    ------
    InvalidInputError
        For an empty or non-UTF-8 file, a missing, duplicate or unknown column,
        a malformed cell or duplicate ids; the message names the file, the row
        and the column.

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
    """
    header, rows = _read_csv_rows(path)
    _check_columns(path, header, ROSTER_COLUMNS, _REQUIRED_ROSTER_COLUMNS)
    cadres: list[Cadre] = []
    first_row: dict[str, int] = {}
    for line, row in rows:
        kwargs: dict[str, Any] = {
            "id": row["id"],
            "name": row["name"],
            "birth_year": _cell_int(path, line, "birth_year", row["birth_year"]),
            "rank": row["rank"].strip(),
            "unit": row["unit"],
        }
        if row.get("line", "").strip():
            kwargs["line"] = row["line"].strip()
        if "industries" in row:
            kwargs["industries"] = _cell_set(row["industries"])
        if "competencies" in row:
            kwargs["competencies"] = _cell_levels(path, line, "competencies", row["competencies"])
        for column in ("grid", "gender"):
            if row.get(column, ""):
                kwargs[column] = row[column]
        if "joined_year" in row:
            kwargs["joined_year"] = _cell_int(path, line, "joined_year", row["joined_year"])
        try:
            cadre = Cadre(**kwargs)
        except InvalidInputError as exc:
            raise InvalidInputError(f"{path}, row {line}: {exc}") from None
        if cadre.id in first_row:
            raise InvalidInputError(
                f"{path}, row {line}, column 'id': duplicate id {cadre.id!r} "
                f"(first on row {first_row[cadre.id]})"
            )
        first_row[cadre.id] = line
        cadres.append(cadre)
    return tuple(cadres)


def _format_level(value: float) -> str:
    return repr(float(value))


def write_roster_csv(cadres: Iterable[Cadre], path: str | Path) -> None:
    """Write cadres to a UTF-8 roster CSV that :func:`read_roster_csv` reads back.

    Ranks and lines are written as their English values. Posting history is
    not written (use JSON for full records).

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
    buffer = _stdio.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ROSTER_COLUMNS)
    for c in cadres:
        for item in (*c.industries, *c.competencies):
            if ";" in item or "=" in item:
                raise InvalidInputError(
                    f"Cadre {c.id!r}: {item!r} contains ';' or '=', "
                    "which a roster CSV cannot hold; use JSON"
                )
        writer.writerow(
            [
                c.id,
                c.name,
                c.birth_year,
                c.rank.value,
                c.unit,
                c.line.value if c.line is not None else "",
                ";".join(sorted(c.industries)),
                ";".join(f"{k}={_format_level(v)}" for k, v in c.competencies.items()),
                c.grid or "",
                c.gender or "",
                "" if c.joined_year is None else c.joined_year,
            ]
        )
    write_text(path, buffer.getvalue(), what="CSV")


# --------------------------------------------------------------------------
# CSV records (long format)


def read_records_csv(path: str | Path) -> Records:
    r"""Read assessment records from a UTF-8 CSV in long format.

    The columns are ``RECORD_COLUMNS``: ``cadre_id, period, indicator,
    value``, one value per row. Periods are labels such as ``2025-01``,
    ``2025Q1`` or ``2025``.

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

    header, rows = _read_csv_rows(path)
    _check_columns(path, header, RECORD_COLUMNS, RECORD_COLUMNS)
    parsed = []
    for line, row in rows:
        text = row["value"].strip()
        try:
            number = float(text)
        except ValueError:
            raise InvalidInputError(
                f"{path}, row {line}, column 'value': expected a number, got {text!r}"
            ) from None
        parsed.append(
            (row["cadre_id"].strip(), row["period"].strip(), row["indicator"].strip(), number)
        )
    try:
        return Records.from_rows(parsed)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{path}: {exc}") from None


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
    buffer = _stdio.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(RECORD_COLUMNS)
    for cadre_id, period, indicator, value in records.to_rows():
        writer.writerow([cadre_id, period, indicator, repr(float(value))])
    write_text(path, buffer.getvalue(), what="CSV")
