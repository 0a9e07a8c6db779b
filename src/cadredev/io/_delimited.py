"""CSV and TSV text: decoding, rows in blocks with their line numbers, and writing.

Row labels are the file's own line numbers (1-based, the header is line 1), a
quoted cell that spans lines counting every physical line, so an error points
at the line an editor shows.
"""

from __future__ import annotations

import contextlib
import csv
import io as _stdio
import itertools
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from cadredev.errors import InvalidInputError

from ._cells import Block, RawTable, line_name

__all__ = ["FieldTooLargeError", "decode", "larger_fields", "read_delimited", "write_delimited"]

CHUNK = 65_536
"""Rows handed over per block: large enough to be fast, small enough to stay light."""

_BARE_CR = re.compile(r"\r(?!\n)")
_FIELD_LIMIT_LOCK = threading.Lock()


class FieldTooLargeError(Exception):
    """A cell is longer than the csv module's field-size limit; read again with a larger one."""


@contextlib.contextmanager
def larger_fields(size: int) -> Iterator[None]:
    """Raise the csv module's field-size limit to *size* while a read runs, then restore it.

    Only reads that meet a cell longer than the default limit (128 KiB) come
    here; the limit is process-wide, so it is held under a lock and restored.
    """
    with _FIELD_LIMIT_LOCK:
        old = csv.field_size_limit()
        csv.field_size_limit(max(old, size))
        try:
            yield
        finally:
            csv.field_size_limit(old)


def _encoding_name(encoding: str) -> str:
    key = encoding.lower().replace("_", "-")
    if key in ("utf-8", "utf8", "utf-8-sig", "utf8-sig"):
        return "UTF-8"
    return encoding.upper()


def decode(raw: bytes, *, encoding: str, where: str) -> str:
    """Return the text of a CSV file; a byte-order mark is dropped.

    Raises
    ------
    InvalidInputError
        For bytes that are not in *encoding* (naming the line and suggesting
        ``encoding="gb18030"`` for UTF-8), an unknown encoding or an Excel
        workbook read as text.
    """
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise InvalidInputError(
            f"{where}: this is an Excel workbook, not CSV text; save it as .xlsx and "
            "read it with format='xlsx'"
        )
    name = _encoding_name(encoding)
    codec = "utf-8-sig" if name == "UTF-8" else encoding
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = (
            "files saved by Excel or WPS on Chinese Windows are usually GB18030: "
            "pass encoding='gb18030'"
            if name == "UTF-8"
            else "pass the file's encoding, such as encoding='utf-8'"
        )
        raise InvalidInputError(
            f"{where}, line {line}: not {name} (byte {raw[exc.start : exc.start + 1]!r}); {hint}"
        ) from None
    except LookupError:
        raise InvalidInputError(f"{where}: unknown encoding {encoding!r}") from None
    return text.removeprefix("\ufeff")


def _breaks(row: Sequence[str]) -> int:
    """Return the line breaks inside a row's cells (CRLF counts once)."""
    return sum(f.count("\n") + f.count("\r") - f.count("\r\n") for f in row)


def read_delimited(text: str, *, delimiter: str, where: str) -> RawTable:
    r"""Return the header and the rows of CSV (``","``) or TSV (``"\t"``) text.

    Text without any quote character (most machine-written files) is split
    block by block with string methods, which is several times faster than
    the csv module; a block whose lines do not all hold the header's number
    of cells, and any text with quotes, goes through :mod:`csv`.

    Raises
    ------
    InvalidInputError
        For an empty file or malformed quoting, naming the line.
    FieldTooLargeError
        For a cell longer than the csv module's field-size limit.
    """
    if not text.strip():
        raise InvalidInputError(f"{where}: empty file; expected a header row")
    reader = csv.reader(_stdio.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    bare_cr = _BARE_CR.search(text) is not None

    def fail(exc: csv.Error, line: int) -> InvalidInputError | FieldTooLargeError:
        if "field larger than field limit" in str(exc):
            return FieldTooLargeError(str(exc))
        return InvalidInputError(f"{where}, line {line}: malformed {_kind(delimiter)} ({exc})")

    try:
        header_row: list[str] = []
        while not any(h.strip() for h in header_row):
            header_row = next(reader)
    except csv.Error as exc:
        raise fail(exc, reader.line_num) from None
    except StopIteration:  # only separators and blank cells: no header at all
        raise InvalidInputError(f"{where}: no header row; every line is blank") from None
    header = [h.strip() for h in header_row]
    n = len(header)

    def csv_blocks(rows: Any, offset: int) -> Iterator[Block]:
        """Blocks read by a csv reader whose physical line k is file line offset + k."""
        end = offset + rows.line_num
        while True:
            start = end + 1
            try:
                chunk = list(itertools.islice(rows, CHUNK))
            except csv.Error as exc:
                raise fail(exc, offset + rows.line_num) from None
            if not chunk:
                return
            end = offset + rows.line_num
            lines: Sequence[int]
            if len(chunk) == end - start + 1:
                lines = range(start, end + 1)
            else:  # a quoted cell spans lines: count them
                starts = []
                at = start
                for row in chunk:
                    starts.append(at)
                    at += 1 + _breaks(row)
                lines = starts
            yield _block(chunk, lines, n, where=where, bare_cr=bare_cr)

    if '"' in text or n < 2:
        blocks = csv_blocks(reader, 0)
    else:
        blocks = _split_blocks(
            text,
            pos=_offset_after_lines(text, reader.line_num),
            line=reader.line_num + 1,
            n=n,
            delimiter=delimiter,
            csv_blocks=csv_blocks,
        )
    return RawTable(
        where=where,
        header=header,
        refs=[f"column {i + 1}" for i in range(n)],
        blocks=blocks,
        texts=True,
        row_name=line_name,
    )


_LINE_END = re.compile(r"\r\n|\r|\n")


def _offset_after_lines(text: str, count: int) -> int:
    """Return the offset just after the first *count* physical lines."""
    for seen, match in enumerate(_LINE_END.finditer(text), start=1):
        if seen == count:
            return match.end()
    return len(text)


def _line_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _split_blocks(
    text: str,
    *,
    pos: int,
    line: int,
    n: int,
    delimiter: str,
    csv_blocks: Callable[[Any, int], Iterator[Block]],
) -> Iterator[Block]:
    """Blocks of quote-free text, split with string methods where every line is regular."""
    size = CHUNK * 32  # characters per block: about CHUNK short rows
    while pos < len(text):
        end = text.find("\n", pos + size)
        end = len(text) if end < 0 else end + 1
        chunk = text[pos:end]
        pos = end
        plain = chunk.replace("\r\n", "\n") if "\r" in chunk else chunk
        lines = plain.split("\n")
        if lines[-1] == "":
            lines.pop()
        if "\r" not in plain and set(map(str.count, lines, itertools.repeat(delimiter))) == {n - 1}:
            cells = plain.removesuffix("\n").replace("\n", delimiter).split(delimiter)
            columns: list[Sequence[Any]] = [cells[j::n] for j in range(n)]
            yield Block(columns, range(line, line + len(lines)))
            line += len(lines)
            continue
        rows = csv.reader(_stdio.StringIO(chunk, newline=""), delimiter=delimiter, strict=True)
        yield from csv_blocks(rows, line - 1)
        line += _line_breaks(chunk)


def _block(
    chunk: list[list[str]], lines: Sequence[int], n: int, *, where: str, bare_cr: bool
) -> Block:
    if not all(map(n.__eq__, map(len, chunk))):
        chunk, lines = _drop_blank(chunk, lines, n, where=where, bare_cr=bare_cr)
    columns: list[Sequence[Any]] = (
        list(zip(*chunk, strict=True)) if chunk else [() for _ in range(n)]
    )
    return Block(columns, lines)


def _kind(delimiter: str) -> str:
    return "TSV" if delimiter == "\t" else "CSV"


def _drop_blank(
    chunk: list[list[str]], lines: Sequence[int], n: int, *, where: str, bare_cr: bool
) -> tuple[list[list[str]], list[int]]:
    rows: list[list[str]] = []
    kept: list[int] = []
    for row, line in zip(chunk, lines, strict=True):
        if len(row) != n:
            if not any(v.strip() for v in row):
                continue
            hint = (
                "; the file holds a bare carriage return (\\r), which ends a row: a line "
                "break inside a cell must be quoted"
                if bare_cr
                else ""
            )
            raise InvalidInputError(
                f"{where}, row {line}: expected {n} cells, got {len(row)}{hint}"
            )
        rows.append(row)
        kept.append(line)
    return rows, kept


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_delimited(header: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str) -> str:
    r"""Return CSV or TSV text with CRLF line ends.

    A cell holding the delimiter, a quote, a CR or an LF is quoted (a bare
    ``\r`` too, which Python's writer leaves bare under a ``\n`` terminator).
    """
    buffer = _stdio.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_text(v) for v in row] for row in rows)
    return buffer.getvalue()
