"""Excel workbooks (.xlsx): a streaming reader on the standard library, a writer on openpyxl.

The reader parses the workbook's XML parts with :mod:`xml.parsers.expat`,
row by row, so a 200,000-row roster reads in a few seconds and in little
memory; it needs no extra package. Date cells (by their number format,
including the Chinese built-in formats) come back as :class:`datetime.datetime`,
whole numbers as :class:`int`, Excel errors such as ``#N/A`` as
:class:`~cadredev.io._cells.ExcelError`. Writing needs openpyxl (the
``excel`` extra).
"""

from __future__ import annotations

import datetime as dt
import io as _stdio
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any
from xml.parsers import expat

from cadredev.errors import InvalidInputError, MissingDependencyError

from ._cells import Block, ExcelError, RawTable, line_name

__all__ = ["column_letter", "read_xlsx", "write_xlsx"]

MAX_ROWS = 1_048_576
MAX_CELL = 32_767
_CHUNK_BYTES = 1 << 20
_ROWS_PER_BLOCK = 65_536
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_NEEDS_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_|[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")
# Built-in number formats that show dates or times, the Chinese (27-36, 50-58) included.
_DATE_FORMATS = frozenset(range(14, 23)) | frozenset(range(27, 37)) | frozenset(range(45, 48))
_DATE_FORMATS |= frozenset(range(50, 59))
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_DATE_CODE = re.compile(r"[dmyhs]", re.IGNORECASE)
_SURROGATE = re.compile("[\ud800-\udfff]")


def column_letter(index: int) -> str:
    """Return the Excel letters of a 0-based column index (0 -> ``A``, 26 -> ``AA``)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        if not "A" <= ch <= "Z":
            raise ValueError(f"cell reference column {letters!r} is not in capital letters")
        index = index * 26 + ord(ch) - 64
    if not index:
        raise ValueError("a cell reference without a column")
    return index - 1


def _unescape(text: str) -> str:
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m[1], 16)), text)


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _parse_small(data: bytes, start: Callable[[str, dict[str, str]], None]) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = lambda name, attrs: start(_local(name), attrs)
    parser.Parse(data, True)  # noqa: FBT003  (positional-only isfinal)


class _Book:
    """The parts of a workbook needed to read one sheet's values."""

    def __init__(self, archive: zipfile.ZipFile, where: str) -> None:
        self.archive = archive
        self.where = where
        root = self._relations("_rels/.rels", "")
        book = next((t for kind, t in root.values() if kind.endswith("/officeDocument")), None)
        self.book_path = book or "xl/workbook.xml"
        self.sheets: list[tuple[str, str]] = []
        self.date1904 = False

        def on_book(name: str, attrs: dict[str, str]) -> None:
            if name == "sheet":
                self.sheets.append((attrs.get("name", ""), attrs.get(f"{_REL} id", "")))
            elif name == "workbookPr":
                self.date1904 = attrs.get("date1904", "0").lower() in ("1", "true")

        _parse_small(self._read(self.book_path), on_book)
        base = posixpath.dirname(self.book_path)
        rels_path = posixpath.join(base, "_rels", posixpath.basename(self.book_path) + ".rels")
        self.parts = self._relations(rels_path, base)

    def _read(self, path: str) -> bytes:
        try:
            return self.archive.read(path)
        except KeyError:
            raise InvalidInputError(
                f"{self.where}: not a readable .xlsx workbook (no part {path!r})"
            ) from None

    def _relations(self, path: str, base: str) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        if path not in self.archive.namelist():
            return out

        def on_rel(name: str, attrs: dict[str, str]) -> None:
            if name == "Relationship":
                target = attrs.get("Target", "")
                target = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(base, target))
                )
                out[attrs.get("Id", "")] = (attrs.get("Type", ""), target)

        _parse_small(self._read(path), on_rel)
        return out

    def part(self, kind: str) -> str | None:
        return next((t for k, t in self.parts.values() if k.endswith("/" + kind)), None)

    def shared_strings(self) -> list[str]:
        path = self.part("sharedStrings")
        if path is None:
            return []
        strings: list[str] = []
        texts: list[str] = []
        depth = {"t": 0, "rPh": 0}
        parser = expat.ParserCreate(namespace_separator=" ")

        def start(name: str, _attrs: dict[str, str]) -> None:
            local = _local(name)
            if local in depth:
                depth[local] += 1
            elif local == "si":
                texts.clear()

        def end(name: str) -> None:
            local = _local(name)
            if local in depth:
                depth[local] -= 1
            elif local == "si":
                strings.append(_unescape("".join(texts)))

        def chars(data: str) -> None:
            if depth["t"] and not depth["rPh"]:
                texts.append(data)

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = chars
        parser.buffer_text = True
        parser.Parse(self._read(path), True)  # noqa: FBT003
        return strings

    def date_styles(self) -> list[bool]:
        path = self.part("styles")
        if path is None:
            return []
        custom: dict[int, str] = {}
        formats: list[int] = []
        state = {"xfs": False}

        def start(name: str, attrs: dict[str, str]) -> None:
            if name == "numFmt":
                custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
            elif name == "cellXfs":
                state["xfs"] = True
            elif name == "xf" and state["xfs"]:
                formats.append(int(attrs.get("numFmtId", "0")))
            elif name in ("cellStyleXfs", "cellStyles", "dxfs"):
                state["xfs"] = False

        _parse_small(self._read(path), start)

        def is_date(fmt: int) -> bool:
            if fmt in custom:
                code = _FORMAT_NOISE.sub("", custom[fmt].split(";")[0])
                return code.lower() != "general" and _DATE_CODE.search(code) is not None
            return fmt in _DATE_FORMATS

        return [is_date(f) for f in formats]


def _pick_sheet(book: _Book, sheet: str | int | None, where: str) -> tuple[str, str]:
    names = [name for name, _ in book.sheets]
    if sheet is None:
        if len(book.sheets) != 1:
            raise InvalidInputError(
                f"{where}: the workbook has {len(names)} sheets {names}; "
                "choose one with sheet='name'"
            )
        chosen = book.sheets[0]
    elif isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise InvalidInputError(f"{where}: no sheet number {sheet}; the sheets are {names}")
        chosen = book.sheets[sheet]
    elif isinstance(sheet, str) and sheet in names:
        chosen = book.sheets[names.index(sheet)]
    else:
        raise InvalidInputError(f"{where}: no sheet {sheet!r}; the sheets are {names}")
    kind, target = book.parts.get(chosen[1], ("", ""))
    if not kind.endswith("/worksheet"):
        raise InvalidInputError(f"{where}: sheet {chosen[0]!r} is not a worksheet (a chart?)")
    return chosen[0], target


_LOCAL_NAMES = ("c", "v", "t", "row", "f", "rPh", "is", "mergeCell")


class _SheetParser:
    """Expat handlers that turn ``<row>``/``<c>`` elements into lists of values.

    The handlers are the hot path of reading a workbook (several calls per
    cell), so element names are looked up in a small cache (any namespace
    prefix dropped) and column letters are decoded once per column.
    """

    def __init__(self, strings: list[str], dates: list[bool], date1904: bool) -> None:
        self.strings = strings
        self.dates = dates
        # Excel dates have no time zone: naive datetimes are what the cells mean.
        self.epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)  # noqa: DTZ001
        self.date1904 = date1904
        self.rows: list[tuple[int, list[Any]]] = []
        self.row: list[Any] = []
        self.row_number = 0
        self.column = -1
        self.type = "n"
        self.style = 0
        self.text: str | None = None
        self.capture = False
        self.formula = False
        self.phonetic = 0
        self.names: dict[str, str] = {}
        self.letters: dict[str, int] = {}

    def _local(self, name: str) -> str:
        local = name.rpartition(":")[2]
        local = next((known for known in _LOCAL_NAMES if known == local), "")
        self.names[name] = local
        return local

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = self.names.get(name)
        if local is None:
            local = self._local(name)
        if local == "c":
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                column = self.letters.get(letters)
                if column is None:
                    column = self.letters[letters] = _column_index(letters)
                self.column = column
            else:
                self.column += 1
            self.type = attrs.get("t", "n")
            style = attrs.get("s")
            self.style = int(style) if style else 0
            self.formula = False
            self.text = None
        elif local == "v" or (local == "t" and not self.phonetic):
            self.capture = True
        elif local == "row":
            r = attrs.get("r")
            self.row_number = int(r) if r else self.row_number + 1
            self.row = []
            self.column = -1
        elif local == "f":
            self.formula = True
        elif local == "rPh":
            self.phonetic += 1

    def end(self, name: str) -> None:
        local = self.names[name]  # start() saw the element first and named it
        if local == "v" or local == "t":  # noqa: PLR1714  (faster than a tuple here)
            self.capture = False
        elif local == "c":
            value = self._value()
            if value is not None:
                row = self.row
                if len(row) <= self.column:
                    row.extend([None] * (self.column + 1 - len(row)))
                row[self.column] = value
        elif local == "row":
            if self.row:
                self.rows.append((self.row_number, self.row))
        elif local == "rPh":
            self.phonetic -= 1

    def chars(self, data: str) -> None:
        if self.capture:
            self.text = data if self.text is None else self.text + data

    def _value(self) -> Any:
        text = self.text
        kind = self.type
        if text is None:
            if self.formula:
                return ExcelError("a formula with no saved value (open and save it in Excel)")
            return None
        if kind == "s":
            return self.strings[int(text)]
        if kind == "n":
            number: int | float
            try:
                number = int(text)
            except ValueError:
                number = float(text)
            if self.style and self.style < len(self.dates) and self.dates[self.style]:
                return self._date(float(number))
            return number
        if kind in ("inlineStr", "str"):
            return _unescape(text)
        if kind == "b":
            return text.strip() == "1"
        if kind == "e":
            return ExcelError(text)
        if kind == "d":
            return dt.datetime.fromisoformat(text.strip())
        return _unescape(text)

    def _date(self, serial: float) -> dt.datetime:
        if not self.date1904 and serial < 61:
            serial += 1
        days, fraction = divmod(serial, 1)
        # Excel keeps times to the millisecond; rounding undoes the float's error.
        return self.epoch + dt.timedelta(days=days, milliseconds=round(fraction * 86_400_000))


def _open(source: Any, where: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        raise InvalidInputError(
            f"{where}: not an .xlsx workbook (an old .xls or a CSV file? save it as .xlsx, "
            "or read CSV with format='csv')"
        ) from None
    except OSError as exc:
        raise InvalidInputError(f"{where}: cannot read file ({exc.strerror or exc})") from None


def _merged_cells(archive: zipfile.ZipFile, path: str) -> list[str]:
    """Return the merged ranges of a sheet, found by a quick scan before parsing."""
    pattern = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([^\"]+)\"")
    found: list[bytes] = []
    tail = b""
    with archive.open(path) as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            data = tail + chunk
            if b"mergeCell" in data:
                found.extend(pattern.findall(data))
            tail = data[-256:]
    return [ref.decode() for ref in dict.fromkeys(found)]


def _read_book(archive: zipfile.ZipFile, where: str) -> tuple[_Book, list[str], list[bool]]:
    """Return the workbook's parts, its shared strings and which styles show dates."""
    try:
        book = _Book(archive, where)
        return book, book.shared_strings(), book.date_styles()
    except InvalidInputError:
        raise
    except (expat.ExpatError, ValueError) as exc:  # damaged XML, a malformed style number
        raise InvalidInputError(f"{where}: damaged workbook XML ({exc})") from None


def read_xlsx(source: Any, *, sheet: str | int | None, where: str) -> RawTable:
    """Return the header and rows of one sheet of an .xlsx workbook.

    Raises
    ------
    InvalidInputError
        For a file that is not a workbook, several sheets and no ``sheet``, an
        unknown sheet, an empty sheet or merged cells.
    """
    archive = _open(source, where)
    book, strings, dates = _read_book(archive, where)
    name, path = _pick_sheet(book, sheet, where)
    where = f"{where}, sheet {name!r}"
    merged = _merged_cells(archive, path)
    state = _SheetParser(strings, dates, book.date1904)
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    parser.StartElementHandler = state.start
    parser.EndElementHandler = state.end
    parser.CharacterDataHandler = state.chars
    handle = archive.open(path)

    def pull() -> bool:
        chunk = handle.read(_CHUNK_BYTES)
        try:
            parser.Parse(chunk, not chunk)
        except (expat.ExpatError, ValueError, IndexError) as exc:
            # A malformed reference, style, number, date or shared-string index.
            raise InvalidInputError(f"{where}: damaged sheet XML ({exc})") from None
        return bool(chunk)

    more = True
    while more and not state.rows:
        more = pull()
    header_row = next(((n, r) for n, r in state.rows if any(_filled(v) for v in r)), None)
    while header_row is None and more:
        state.rows.clear()
        more = pull()
        header_row = next(((n, r) for n, r in state.rows if any(_filled(v) for v in r)), None)
    if header_row is None:
        raise InvalidInputError(f"{where}: the sheet is empty; expected a header row")
    header_number, cells = header_row
    if merged:
        _refuse_merged(merged, header_number, where)
    del state.rows[: state.rows.index(header_row) + 1]
    header = [_header_text(v) for v in cells]
    while header and not header[-1]:
        header.pop()
    n = len(header)

    def blocks() -> Iterator[Block]:
        nonlocal more
        while True:
            while more and len(state.rows) < _ROWS_PER_BLOCK:
                more = pull()
            if not state.rows:
                handle.close()
                return
            rows = state.rows[:_ROWS_PER_BLOCK]
            del state.rows[:_ROWS_PER_BLOCK]
            yield _block(rows, n, where)

    return RawTable(
        where=where,
        header=header,
        refs=[f"column {column_letter(i)}" for i in range(n)],
        blocks=blocks(),
        texts=False,
        row_name=line_name,
    )


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).strip()


def _refuse_merged(merged: Sequence[str], header_number: int, where: str) -> None:
    def rows_of(ref: str) -> tuple[int, int]:
        first, _, last = ref.partition(":")
        numbers = [int(re.sub(r"[A-Z$]", "", part) or 0) for part in (first, last or first)]
        return numbers[0], numbers[1]

    in_header = [ref for ref in merged if rows_of(ref)[0] <= header_number <= rows_of(ref)[1]]
    if in_header:
        raise InvalidInputError(
            f"{where}: merged header cells {in_header} (row {header_number}); a table needs "
            "one header cell per column on one row: unmerge them and delete any title rows "
            "above the header"
        )
    raise InvalidInputError(
        f"{where}: merged cells {list(merged)[:5]}; a merged cell keeps its value only in its "
        "first cell, so the other rows would read as empty: unmerge them and fill every cell"
    )


def _block(rows: list[tuple[int, list[Any]]], n: int, where: str) -> Block:
    labels: list[int] = []
    columns: list[list[Any]] = [[] for _ in range(n)]
    for number, row in rows:
        if len(row) > n:
            extra = next((j for j in range(n, len(row)) if _filled(row[j])), None)
            if extra is not None:
                raise InvalidInputError(
                    f"{where}, row {number}: cell {column_letter(extra)}{number} holds "
                    f"{row[extra]!r} but column {column_letter(extra)} has no header"
                )
        if not any(_filled(v) for v in row):
            continue
        labels.append(number)
        width = len(row)
        for j in range(n):
            columns[j].append(row[j] if j < width else None)
    return Block(list(columns), labels)


# --------------------------------------------------------------------------
# writing


def _escape(text: str) -> str:
    """Escape what XML cannot hold or would alter (CR, control characters, ``_xHHHH_``)."""
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return _NEEDS_ESCAPE.sub(
        lambda m: "_x005F_" + m[0][1:] if len(m[0]) > 1 else f"_x{ord(m[0]):04X}_", text
    )


def need_openpyxl() -> Any:
    """Import openpyxl or raise :class:`MissingDependencyError` saying how to get it."""
    try:
        import openpyxl  # noqa: PLC0415
    except ImportError as exc:
        raise MissingDependencyError(
            "writing .xlsx needs openpyxl: pip install 'cadredev[excel]'"
        ) from exc
    return openpyxl


def write_xlsx(
    header: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str, check: Callable[..., Any]
) -> bytes:
    """Return the bytes of a one-sheet workbook.

    Strings are written as text (never as formulas), with ``_xHHHH_`` escapes
    for characters XML cannot hold, so every string reads back as written.
    *check* is called with ``(row_index, column_index, message)`` for a
    value Excel cannot hold and must raise; every value is checked before
    the workbook is begun.
    """
    openpyxl = need_openpyxl()
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

    if len(rows) + 1 > MAX_ROWS:
        check(MAX_ROWS - 1, 0, f"Excel holds at most {MAX_ROWS:,} rows, got {len(rows) + 1:,}")
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if isinstance(value, str):
                if len(value) > MAX_CELL:
                    check(
                        i, j, f"{len(value):,} characters; an Excel cell holds at most {MAX_CELL:,}"
                    )
                if (bad := _SURROGATE.search(value)) is not None:
                    check(i, j, f"{bad[0]!r} (a lone surrogate) cannot be written as UTF-8")
            elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**53:
                check(i, j, f"{value} is too large for an Excel number")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for row in rows:
        out: list[Any] = []
        for value in row:
            if isinstance(value, str):
                value = _escape(value)  # noqa: PLW2901
                if value.startswith("="):  # text, not a formula
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    value = cell  # noqa: PLW2901
            elif isinstance(value, float) and float(f"{value:.16g}") != value:
                # openpyxl writes 16 significant digits; a float that needs 17 is
                # written by its shortest repr, typed as a number.
                cell = WriteOnlyCell(sheet, value=repr(value))
                cell.data_type = "n"
                value = cell  # noqa: PLW2901
            out.append(value)
        sheet.append(out)
    buffer = _stdio.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_source(source: Any) -> IO[bytes] | str | Any:
    """Return something :class:`zipfile.ZipFile` opens: a path, or a seekable binary file."""
    if hasattr(source, "read") and not hasattr(source, "seek"):
        return _stdio.BytesIO(source.read())
    return source
