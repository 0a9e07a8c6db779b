"""Tables in and out: CSV, TSV, Excel and pandas, with Chinese headers.

One reader and one writer serve every table kind (rosters of cadres, mentors,
posts, programmes, assessment records and exemptions) and every format, so the
same header aliases, whitespace rule and error messages apply everywhere.
"""

from __future__ import annotations

import io as _stdio
import itertools
import math
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, TypeAlias, TypeVar, cast, overload

from cadredev._display import need_pandas
from cadredev.errors import InvalidInputError

from ._atomic import encode, write_bytes
from ._cells import (
    MISSING,
    BadCell,
    Block,
    Cell,
    RawTable,
    is_empty,
)
from ._columns import TABLE_KINDS, Column, Spec, map_header, spec, write_cells
from ._delimited import FieldTooLargeError, decode, larger_fields, read_delimited, write_delimited
from ._kinds import kind as _kind_class
from ._read import check_regular_file, read_input
from ._xlsx import read_xlsx, sheet_source, write_xlsx

if TYPE_CHECKING:
    import pandas as pd

    from cadredev.scoring import Records

__all__ = ["from_pandas", "read_table", "to_pandas", "write_table"]

T = TypeVar("T")
Format: TypeAlias = Literal["csv", "tsv", "xlsx"]
Labels: TypeAlias = Literal["en", "zh"]

_SUFFIXES: dict[str, Format] = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".xlsx": "xlsx"}
_SUFFIXES[".xlsm"] = "xlsx"
_DELIMITERS = {"csv": ",", "tsv": "\t"}


# --------------------------------------------------------------------------
# arguments


def _kind_name(kind: Any, where: str) -> str:
    name = kind.__name__ if isinstance(kind, type) else kind
    if not isinstance(name, str) or name not in TABLE_KINDS:
        raise InvalidInputError(
            f"{where}: tables hold the kinds {list(TABLE_KINDS)}, got {kind!r}; use JSON "
            "(io.save_json) for the others"
        )
    if isinstance(kind, type) and _kind_class(name) is not kind:
        raise InvalidInputError(f"{where}: {kind!r} is not cadredev's {name}")
    return name


def _choice(value: Any, options: tuple[str, ...], name: str, where: str) -> None:
    if value not in options:
        raise InvalidInputError(f"{where}: {name} must be one of {list(options)}, got {value!r}")


def _is_frame(value: Any) -> bool:
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(value, pd.DataFrame)


def _describe_source(source: Any) -> str:
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else f"<{type(source).__name__}>"


def _format(fmt: Any, where: str, what: str) -> Format:
    if fmt is not None:
        _choice(fmt, ("csv", "tsv", "xlsx"), "format", what)
        return fmt  # type: ignore[no-any-return]
    suffix = Path(where).suffix.lower() if where and not where.startswith("<") else ""
    if suffix == ".xls":
        raise InvalidInputError(
            f"{where}: the old binary .xls format is not read; save the workbook as .xlsx"
        )
    if suffix not in _SUFFIXES:
        raise InvalidInputError(
            f"{what}: cannot tell the format of {where!r} from its name; pass "
            "format='csv', 'tsv' or 'xlsx'"
        )
    return _SUFFIXES[suffix]


# --------------------------------------------------------------------------
# reading


@overload
def read_table(  # type: ignore[overload-overlap]
    kind: type[Records] | Literal["Records"],
    source: str | os.PathLike[str] | IO[bytes] | IO[str] | pd.DataFrame,
    *,
    columns: Mapping[str, str | None] | None = ...,
    sheet: str | int | None = ...,
    encoding: str = ...,
    format: Format | None = ...,
    extra: Literal["error", "ignore"] = ...,
) -> Records: ...
@overload
def read_table(
    kind: type[T],
    source: str | os.PathLike[str] | IO[bytes] | IO[str] | pd.DataFrame,
    *,
    columns: Mapping[str, str | None] | None = ...,
    sheet: str | int | None = ...,
    encoding: str = ...,
    format: Format | None = ...,
    extra: Literal["error", "ignore"] = ...,
) -> tuple[T, ...]: ...
@overload
def read_table(
    kind: str,
    source: str | os.PathLike[str] | IO[bytes] | IO[str] | pd.DataFrame,
    *,
    columns: Mapping[str, str | None] | None = ...,
    sheet: str | int | None = ...,
    encoding: str = ...,
    format: Format | None = ...,
    extra: Literal["error", "ignore"] = ...,
) -> Any: ...
def read_table(
    kind: Any,
    source: str | os.PathLike[str] | IO[bytes] | IO[str] | pd.DataFrame,
    *,
    columns: Mapping[str, str | None] | None = None,
    sheet: str | int | None = None,
    encoding: str = "utf-8",
    format: Literal["csv", "tsv", "xlsx"] | None = None,  # noqa: A002
    extra: Literal["error", "ignore"] = "error",
) -> Any:
    r"""Read records from a CSV, TSV or Excel table, or from a pandas DataFrame.

    Headers may be the English column names, their Chinese headers or common
    aliases (工号, 编号 or 人员编号 for ``id``; 出生年月 for ``birth_year``;
    ...), matched ignoring case, spaces, ``_`` and ``-``. Every string cell is
    stripped at its edges (inner spaces are kept); an empty cell means "not
    given" and takes the field's default. Enumerations (rank, line, role)
    parse from their English value or Chinese label; set-valued cells separate
    items with ``;`` (``；`` and ``、`` too); levels are ``name=level;...``;
    birth years may be written ``1990``, ``1990-05``, ``1990.05``,
    ``1990年5月``, ``1990/5/1`` or be Excel date cells. Rows that are wholly
    empty are skipped.

    Parameters
    ----------
    kind
        ``"Cadre"`` (a roster), ``"Mentor"``, ``"Post"``, ``"Program"``,
        ``"Records"`` or ``"Exemption"``, or the class itself.
    source
        A path, a binary or text file object, or a :class:`pandas.DataFrame`.
    columns
        Your own headers: ``{"their header": "column"}``; ``None`` as the
        column ignores that header.
    sheet
        The sheet of a workbook, by name or 0-based number; required when the
        workbook has several sheets.
    encoding
        The text encoding of CSV and TSV files: ``"gb18030"`` (or ``"gbk"``)
        for files saved by Excel or WPS on Chinese Windows. A UTF-8 byte-order
        mark is accepted.
    format
        ``"csv"``, ``"tsv"`` or ``"xlsx"``; by default taken from the file
        name's suffix.
    extra
        ``"error"`` (unknown headers are an error) or ``"ignore"``.

    Returns
    -------
    tuple or Records
        The records in file order; a :class:`~cadredev.scoring.Records` for
        ``"Records"``.

    Raises
    ------
    InvalidInputError
        For anything that does not read, naming the file (and sheet), the row
        (its line number in a text file, the sheet row in Excel, the index
        label of a DataFrame) and the column as written in the file: unknown,
        duplicate or missing headers, two headers meaning one column, a cell
        that does not parse, a record that does not validate, a duplicate id,
        a file that is not in ``encoding``, merged cells in a workbook, a
        workbook with several sheets and no ``sheet``, an empty sheet.
    MissingDependencyError
        Never for reading: ``.xlsx`` files are read with the standard library.

    Notes
    -----
    Text without quote characters is split with string methods; quoted text
    goes through ``csv``. A cell longer than the csv module's field-size
    limit (128 KiB) makes the reader raise that process-wide limit for the
    rest of the read, under a lock, and restore it afterwards, so whatever
    :func:`write_table` wrote is read back.

    Examples
    --------
    >>> import io
    >>> from cadredev.io import read_table
    >>> text = "工号,姓名,出生年月,职级,单位,条线\n c1 ,张 伟,1990.05,科级及以下,招商局,招商引资\n"
    >>> (c,) = read_table("Cadre", io.StringIO(text), format="csv")
    >>> c.id, c.name, c.birth_year, c.rank.value, c.line.value
    ('c1', '张 伟', 1990, 'section', 'investment')
    >>> rows = "cadre_id,period,indicator,value\nc1,2025年1月,visits,3\n"
    >>> read_table("Records", io.StringIO(rows), format="csv").to_rows()
    [('c1', '2025-01', 'visits', 3.0)]

    .. versionadded:: 0.2
    """
    name = _kind_name(kind, "read_table")
    _choice(extra, ("error", "ignore"), "extra", "read_table")
    s = spec(name)
    if _is_frame(source):
        return _build(s, _frame_table(source), columns=columns, extra=extra)
    where = _describe_source(source)
    fmt = _format(format, where, "read_table")
    if fmt == "xlsx":
        reader = getattr(source, "read", None)
        if reader is not None and isinstance(reader(0), str):
            raise InvalidInputError(f"{where}: a workbook must be opened in binary mode ('rb')")
        if not hasattr(source, "read"):
            check_regular_file(source, where=where)
        table = read_xlsx(sheet_source(source), sheet=sheet, where=where)
        return _build(s, table, columns=columns, extra=extra)
    if sheet is not None:
        raise InvalidInputError(
            f"read_table: sheet={sheet!r} applies to .xlsx workbooks, not {fmt}"
        )
    text = _read_text(source, encoding=encoding, where=where)
    delimiter = _DELIMITERS[fmt]
    try:
        return _build(
            s, read_delimited(text, delimiter=delimiter, where=where), columns=columns, extra=extra
        )
    except FieldTooLargeError:
        with larger_fields(len(text) + 1):
            table = read_delimited(text, delimiter=delimiter, where=where)
            return _build(s, table, columns=columns, extra=extra)


def from_pandas(
    kind: Any,
    frame: pd.DataFrame,
    *,
    columns: Mapping[str, str | None] | None = None,
    extra: Literal["error", "ignore"] = "error",
) -> Any:
    """Read records from a :class:`pandas.DataFrame`, as :func:`read_table` reads a file.

    Cells may be numbers, strings, dates, or (for set and level columns)
    Python collections; ``NaN``, ``None`` and ``NaT`` mean "not given", so a
    NaN in a required column is an error naming the row's index label and the
    column, and a NaN in an optional column takes the default.

    Parameters
    ----------
    kind
        As for :func:`read_table`.
    frame
        The frame; its column labels are the headers.
    columns, extra
        As for :func:`read_table`.

    Returns
    -------
    tuple or Records
        The records in row order.

    Raises
    ------
    InvalidInputError
        As for :func:`read_table`; rows are named by their index label.

    Examples
    --------
    >>> import pandas as pd
    >>> from cadredev.io import from_pandas
    >>> frame = pd.DataFrame(
    ...     {
    ...         "工号": ["c1"],
    ...         "姓名": ["王芳"],
    ...         "出生年份": [1991.0],
    ...         "职级": ["处级"],
    ...         "单位": ["建设局"],
    ...     }
    ... )
    >>> [(c.id, c.birth_year, c.rank.value) for c in from_pandas("Cadre", frame)]
    [('c1', 1991, 'division')]

    .. versionadded:: 0.2
    """
    if not _is_frame(frame):
        raise InvalidInputError(
            f"from_pandas: expected a pandas.DataFrame, got {type(frame).__name__}"
        )
    return read_table(kind, frame, columns=columns, extra=extra)


def _read_text(source: Any, *, encoding: str, where: str) -> str:
    if hasattr(source, "read"):
        data = source.read()
        if isinstance(data, str):
            return data.removeprefix("\ufeff")
        return decode(bytes(data), encoding=encoding, where=where)
    raw = read_input(source, where=where)
    return decode(raw, encoding=encoding, where=where)


def _frame_table(frame: Any) -> RawTable:
    pd = need_pandas("reading a DataFrame")
    if isinstance(frame.columns, pd.MultiIndex):
        raise InvalidInputError(
            "DataFrame: the columns have several header levels; flatten them to one"
        )
    header = ["" if is_empty(c) else str(c).strip() for c in frame.columns]
    columns = [frame.iloc[:, j].tolist() for j in range(frame.shape[1])]
    return RawTable(
        where="DataFrame",
        header=header,
        refs=[f"column {j + 1}" for j in range(len(header))],
        blocks=iter([Block(list(columns), list(frame.index))]),
        texts=False,
        row_name=lambda label: f"index {label!r}",
    )


class _RowError(Exception):
    def __init__(self, index: int, cause: BadCell) -> None:
        super().__init__(cause.expected)
        self.index = index
        self.cause = cause


def _convert(cell: Cell, raw: Sequence[Any], *, texts: bool) -> tuple[list[Any], bool]:
    """Parse a column through its distinct cells; return the values and whether any is empty.

    A cell that does not parse raises ``_RowError`` with its row. A column of
    plain strings from a text file is stripped in one pass instead.
    """
    if cell.empty_text is not None and (texts or set(map(type, raw)) == {str}):
        values = list(map(str.strip, raw))
        if "" not in values:
            return values, False
        if cell.empty_text == "":
            return values, False
        return [v or MISSING for v in values], True
    parse = cell.parse
    try:
        keys: Sequence[Any] = raw if texts else list(zip(map(type, raw), raw, strict=True))
        memo = dict.fromkeys(keys)
    except TypeError:  # unhashable cells (a list in a DataFrame): one by one
        out = []
        for i, value in enumerate(raw):
            try:
                out.append(parse(value))
            except BadCell as exc:
                raise _RowError(i, exc) from None
        return out, any(v is MISSING for v in out)
    empty = False
    for key in memo:
        try:
            value = memo[key] = parse(key if texts else key[1])
        except BadCell as exc:
            raise _RowError(keys.index(key), exc) from None
        empty = empty or value is MISSING
    return list(map(memo.__getitem__, keys)), empty


def _cell_error(
    table: RawTable, label: Any, header: str, column: Column, exc: BadCell
) -> InvalidInputError:
    where = f"{table.where}, {table.row_name(label)}, column {header!r}"
    if exc.empty:
        return InvalidInputError(
            f"{where}: {column.key} must be {column.cell.name}, got an empty cell"
        )
    return InvalidInputError(f"{where}: expected {exc.expected}")


def _blank_rows(block: Block, rows: Iterable[int]) -> set[int]:
    return {i for i in rows if all(is_empty(col[i]) for col in block.columns)}


def _check_headerless(table: RawTable, block: Block) -> None:
    for j, h in enumerate(table.header):
        if h:
            continue
        for i, value in enumerate(block.columns[j]):
            if not is_empty(value):
                raise InvalidInputError(
                    f"{table.where}, {table.row_name(block.rows[i])}: {table.refs[j]} has no "
                    f"header but holds {value!r}"
                )


def _parse_block(
    table: RawTable, block: Block, used: list[tuple[int, Column]]
) -> tuple[list[list[Any]], list[Any]]:
    """Return the parsed columns of a block (defaults filled) and the labels of kept rows."""
    _check_headerless(table, block)
    parsed: list[list[Any]] = []
    empty_required: dict[int, int] = {}  # row -> header position of its first empty required cell
    for j, col in used:
        try:
            values, has_empty = _convert(col.cell, block.columns[j], texts=table.texts)
        except _RowError as exc:
            label = block.rows[exc.index]
            raise _cell_error(table, label, table.header[j], col, exc.cause) from None
        if has_empty:
            if col.required:
                for i, v in enumerate(values):
                    if v is MISSING:
                        empty_required.setdefault(i, j)
            else:
                values = [col.default if v is MISSING else v for v in values]
        parsed.append(values)
    labels = list(block.rows)
    if empty_required:
        blank = _blank_rows(block, empty_required)
        for i in sorted(empty_required):
            if i not in blank:
                j = empty_required[i]
                col = next(c for k, c in used if k == j)
                raise _cell_error(
                    table, labels[i], table.header[j], col, BadCell("", empty=True)
                ) from None
        keep = [i for i in range(len(labels)) if i not in blank]
        parsed = [[values[i] for i in keep] for values in parsed]
        labels = [labels[i] for i in keep]
    return parsed, labels


def _field_headers(message: str, names: dict[str, str]) -> str:
    """Return ' (column ...)' for the first field a record's error message names."""
    hits = []
    for key, header in names.items():
        field = "placements" if key in ("min_placements", "max_placements") else key
        m = re.search(rf"(?<![\w']){re.escape(field)}(?![\w'])", message)
        if m:
            hits.append((m.start(), header))
    if not hits:
        return ""
    first = min(hits)[0]
    headers = [h for at, h in hits if at == first]
    word = "columns" if len(headers) > 1 else "column"
    return f" ({word} {' and '.join(repr(h) for h in headers)})"


def _raise_duplicate(
    table: RawTable, records: Sequence[Any], labels: Sequence[Any], key: str, header: str
) -> None:
    """Raise for the first record whose key repeats an earlier one's."""
    first: dict[Any, Any] = {}
    for record, label in zip(records, labels, strict=False):
        ident = getattr(record, key)
        if ident in first:
            raise InvalidInputError(
                f"{table.where}, {table.row_name(label)}, column {header!r}: duplicate "
                f"{key} {ident!r} (first on {table.row_name(first[ident])})"
            )
        first[ident] = label
    raise AssertionError  # pragma: no cover - the caller saw a duplicate


def _build(
    s: Spec, table: RawTable, *, columns: Mapping[str, str | None] | None, extra: str
) -> Any:
    keys = map_header(s, table.header, table.refs, where=table.where, columns=columns, extra=extra)
    if s.kind == "Records":
        from ._records_table import build_records  # noqa: PLC0415  (numpy, on demand)

        return build_records(table, keys)
    used = [(j, s.by_key[k]) for j, k in enumerate(keys) if k is not None]
    present = {k for k in keys if k is not None}
    absent = [c for c in s.columns if c.key not in present]
    names = [c.key for _, c in used] + [c.key for c in absent]
    headers = {c.key: table.header[j] for j, c in used}
    unique = s.unique
    unique_at = names.index(unique) if unique is not None else None
    make = s.make
    seen: dict[Any, Any] = {}
    out: list[Any] = []
    all_labels: list[Any] = []
    for block in table.blocks:
        if not block.rows:
            continue
        parsed, labels = _parse_block(table, block, used)
        rows = list(zip(*parsed, *(itertools.repeat(c.default) for c in absent), strict=False))
        try:
            out.extend([make(**dict(zip(names, values, strict=True))) for values in rows])
        except (InvalidInputError, TypeError, ValueError):
            for label, values in zip(labels, rows, strict=True):
                try:
                    make(**dict(zip(names, values, strict=True)))
                except (InvalidInputError, TypeError, ValueError) as exc:
                    message = str(exc)
                    raise InvalidInputError(
                        f"{table.where}, {table.row_name(label)}: {message}"
                        f"{_field_headers(message, headers)}"
                    ) from None
            raise
        all_labels.extend(labels)
        if unique is not None and unique_at is not None:
            before = len(seen)
            seen.update(zip(parsed[unique_at], labels, strict=True))
            if len(seen) != before + len(labels):
                _raise_duplicate(table, out, all_labels, unique, headers[unique])
    return tuple(out)


# --------------------------------------------------------------------------
# writing


def _rows(s: Spec, items: Any, labels: Labels, where: str) -> tuple[list[Any], list[list[Any]]]:
    """Return the records and their cells, checking that every value can be kept."""
    if s.kind == "Records":
        from ._records_table import records_rows  # noqa: PLC0415  (numpy, on demand)

        return records_rows(items, where)
    if isinstance(items, str | bytes) or not isinstance(items, Iterable):
        raise InvalidInputError(
            f"{where}: expected a collection of {s.kind} records, got {type(items).__name__}"
        )
    cls = _kind_class(s.kind)
    records = list(items)
    rows = []
    for n, record in enumerate(records):
        if not isinstance(record, cls):
            raise InvalidInputError(
                f"{where}: item {n} is a {type(record).__name__}, expected {s.kind}"
            )
        try:
            rows.append(write_cells(s, record, labels))
        except BadCell as exc:
            raise InvalidInputError(
                f"{where}: {s.label(record)}: {exc.expected}; nothing was written"
            ) from None
    return records, rows


def _culprit(
    s: Spec, records: Sequence[Any], rows: Sequence[Sequence[Any]], encoding: str
) -> str | None:
    """Name the record and column of the first string that cannot be encoded."""
    names = [c.key for c in s.columns]
    for record, row in zip(records, rows, strict=True):
        for name, value in zip(names, row, strict=True):
            if isinstance(value, str):
                try:
                    value.encode(encoding)
                except UnicodeEncodeError as exc:
                    bad = value[exc.start : exc.end]
                    shown = f"{value[:40]!r}{'...' if len(value) > 40 else ''}"
                    return (
                        f"{s.label(record)}: {name} {shown}: {bad!r} cannot be written as "
                        f"{encoding} ({exc.reason})"
                    )
                except LookupError:
                    return None
    return None


def write_table(
    kind: Any,
    items: Any,
    target: str | os.PathLike[str] | IO[bytes] | IO[str],
    *,
    format: Literal["csv", "tsv", "xlsx"] | None = None,  # noqa: A002
    labels: Labels = "en",
    encoding: str = "utf-8",
) -> None:
    r"""Write records to a CSV, TSV or Excel table that :func:`read_table` reads back.

    Columns come in a fixed order with English headers (``labels="en"``) or
    Chinese ones (``labels="zh"``, which also writes ranks, lines, roles,
    cohorts and yes/no cells by their Chinese labels). CSV and TSV cells that
    hold the delimiter, a quote, a carriage return or a line feed are quoted;
    lines end with CRLF. The file is replaced atomically: a failed write
    leaves the old file as it was.

    What a table cannot hold is refused rather than changed: a string with
    leading or trailing whitespace (cells are stripped when read), a set item
    containing ``;``, ``；`` or ``、``, an empty eligibility set (which admits
    nobody, unlike an empty cell), records rolled up with missing months, a
    character the encoding lacks. A cadre's posting ``history`` is not part of
    a roster and is not written; use JSON (:func:`~cadredev.io.save_json`) for
    full records.

    Parameters
    ----------
    kind
        As for :func:`read_table`.
    items
        The records (a :class:`~cadredev.scoring.Records` for ``"Records"``).
    target
        A path, or a binary or text file object (written in one piece, but
        not atomically).
    format
        ``"csv"``, ``"tsv"`` or ``"xlsx"``; by default from the file name. Excel
        files need openpyxl (``pip install 'cadredev[excel]'``).
    labels
        ``"en"`` or ``"zh"``.
    encoding
        For CSV and TSV: ``"utf-8"`` (the default), ``"utf-8-sig"`` (a
        byte-order mark, which Excel on Windows needs to show UTF-8) or
        ``"gb18030"``.

    Raises
    ------
    InvalidInputError
        Naming the record and the field, for a value the table cannot hold;
        nothing is written.
    MissingDependencyError
        For ``.xlsx`` without openpyxl.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from cadredev import Mentor
    >>> from cadredev.io import read_table, write_table
    >>> mentors = (Mentor(id="m1", unit="经发局", capacity=3, role="成长导师", name="刘强"),)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mentors.csv"
    >>> write_table("Mentor", mentors, path, labels="zh")
    >>> path.read_text("utf-8").splitlines()[0]
    '工号,单位,带教人数,导师类型,姓名,产业,能力,出生年份,网格'
    >>> read_table("Mentor", path) == mentors
    True

    .. versionadded:: 0.2
    """
    name = _kind_name(kind, "write_table")
    _choice(labels, ("en", "zh"), "labels", "write_table")
    s = spec(name)
    where = _describe_source(target)
    fmt = _format(format, where, "write_table")
    records, rows = _rows(s, items, labels, where)
    header = s.headers(labels)
    if fmt == "xlsx":
        data = _xlsx_bytes(s, records, rows=rows, header=header, labels=labels, where=where)
    else:
        text = write_delimited(header, rows, delimiter=_DELIMITERS[fmt])
        if hasattr(target, "write") and not _is_binary(target):
            cast("IO[str]", target).write(text)
            return
        try:
            data = encode(text, encoding=encoding, where=f"{where} ({fmt.upper()})")
        except InvalidInputError as exc:
            culprit = _culprit(s, records, rows, encoding)
            if culprit is None:
                raise
            raise InvalidInputError(f"{where}: {culprit}; nothing was written") from exc
    if hasattr(target, "write"):
        if not _is_binary(target):
            raise InvalidInputError(f"{where}: a workbook must be written to a binary file ('wb')")
        cast("IO[bytes]", target).write(data)
        return
    write_bytes(target, data)


def _is_binary(target: Any) -> bool:
    mode = getattr(target, "mode", None)
    if isinstance(mode, str):
        return "b" in mode
    return not isinstance(target, _stdio.TextIOBase)


def _xlsx_bytes(
    s: Spec,
    records: Sequence[Any],
    *,
    rows: list[list[Any]],
    header: list[str],
    labels: Labels,
    where: str,
) -> bytes:
    def refuse(i: int, j: int, message: str) -> None:
        owner = s.label(records[i]) if i < len(records) else s.kind
        value = rows[i][j] if i < len(rows) else None
        shown = (
            f" {value[:40]!r}{'...' if len(value) > 40 else ''}" if isinstance(value, str) else ""
        )
        raise InvalidInputError(
            f"{where}: {owner}: {s.columns[j].key}{shown}: {message}; nothing was written"
        )

    return write_xlsx(header, rows, title=s.title_zh if labels == "zh" else s.kind, check=refuse)


def to_pandas(kind: Any, items: Any, *, labels: Labels = "en") -> pd.DataFrame:
    """Return records as a :class:`pandas.DataFrame` with the columns of a table.

    The frame holds what :func:`write_table` writes, with integer columns as
    nullable ``Int64`` and numbers as floats; :func:`from_pandas` reads it back.

    Parameters
    ----------
    kind
        As for :func:`read_table`.
    items
        The records (a :class:`~cadredev.scoring.Records` for ``"Records"``).
    labels
        ``"en"`` (English headers and values) or ``"zh"`` (Chinese headers,
        ranks, lines, roles and yes/no cells by their Chinese labels).

    Returns
    -------
    pandas.DataFrame
        One row per record (per value for records), the columns of the kind.

    Raises
    ------
    InvalidInputError
        For a value a table cannot hold, as :func:`write_table` does.
    MissingDependencyError
        If pandas is not installed.

    Examples
    --------
    >>> from cadredev import Cadre
    >>> from cadredev.io import from_pandas, to_pandas
    >>> roster = (
    ...     Cadre(
    ...         id="c1",
    ...         name="李娜",
    ...         birth_year=1994,
    ...         rank="section",
    ...         unit="招商局",
    ...         line="investment",
    ...     ),
    ... )
    >>> frame = to_pandas("Cadre", roster, labels="zh")
    >>> frame[["工号", "职级", "条线"]].values.tolist()
    [['c1', '科级及以下', '招商引资']]
    >>> from_pandas("Cadre", frame) == roster
    True

    .. versionadded:: 0.2
    """
    pandas = need_pandas("io.to_pandas()")
    name = _kind_name(kind, "to_pandas")
    _choice(labels, ("en", "zh"), "labels", "to_pandas")
    s = spec(name)
    _, rows = _rows(s, items, labels, "to_pandas")
    header = s.headers(labels)
    data: dict[str, Any] = {}
    for j, (h, col) in enumerate(zip(header, s.columns, strict=True)):
        values = [row[j] for row in rows]
        if col.cell.numeric and all(v is None or isinstance(v, int) for v in values):
            data[h] = pandas.array(values, dtype="Int64")
        elif col.cell.numeric:
            data[h] = pandas.array([math.nan if v is None else v for v in values], dtype="float64")
        else:
            data[h] = pandas.array(values, dtype=object)
    frame: pd.DataFrame = pandas.DataFrame(data, columns=header)
    return frame
