"""Assessment records as a long table, read column-wise into numpy arrays.

A records file may hold millions of rows, so it is never turned into one
Python object per row: each text column is encoded to integer codes through
its distinct values (stripped and checked once per distinct value), values
are parsed by numpy, and the wide matrix of :class:`~cadredev.scoring.Records`
is filled with one scatter. The row-by-row reference reader in the tests must
give equal results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from cadredev.errors import InvalidInputError

from ._cells import MISSING, BadCell, Block, RawTable, check_text, is_empty, row_finder
from ._columns import spec

if TYPE_CHECKING:
    from cadredev.scoring import Records

__all__ = ["build_records", "records_rows"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
_TEXT_COLUMNS = ("cadre_id", "period", "indicator")


class _Encoder:
    """Integer codes for the cells of one text column, parsed once per distinct cell."""

    def __init__(self, parse: Callable[[Any], Any], *, texts: bool) -> None:
        self.parse = parse
        self.texts = texts
        self.index: dict[Any, int] = {}
        self.parsed: list[Any] = []
        self.empty: list[int] = []

    def codes(self, raw: Sequence[Any]) -> tuple[IntArray, int | None, BadCell | None]:
        """Return the codes, or the first row whose cell does not parse and why."""
        keys: Sequence[Any] = raw if self.texts else list(zip(map(type, raw), raw, strict=True))
        index = self.index
        try:
            return np.fromiter(map(index.__getitem__, keys), np.int64, len(keys)), None, None
        except KeyError:  # cells not seen before: parse each distinct one once
            for key in dict.fromkeys(keys):
                if key in index:
                    continue
                try:
                    value = self.parse(key if self.texts else key[1])
                except BadCell as exc:
                    return np.zeros(0, dtype=np.int64), keys.index(key), exc
                if value is MISSING:
                    self.empty.append(len(self.parsed))
                index[key] = len(self.parsed)
                self.parsed.append(value)
        return np.fromiter(map(index.__getitem__, keys), np.int64, len(keys)), None, None

    def missing(self) -> IntArray:
        """Return the codes whose cell was empty."""
        return np.array(self.empty, dtype=np.int64)


def _values(
    raw: Sequence[Any], *, texts: bool
) -> tuple[FloatArray, Any, int | None, BadCell | None]:
    """Parse the value column: the values, a mask of empty cells, or the first bad row."""
    if texts and "_" not in "".join(raw):  # numpy, like Python, reads '1_000' as 1000
        try:
            return np.array(raw, dtype=np.float64), None, None, None
        except ValueError:
            pass
    out = np.empty(len(raw), dtype=np.float64)
    empty = np.zeros(len(raw), dtype=bool)
    parse = spec("Records").by_key["value"].cell.parse
    for i, cell in enumerate(raw):
        try:
            value = parse(cell)
        except BadCell as exc:
            return out, None, i, exc
        if value is MISSING:
            empty[i] = True
            out[i] = 0.0
        else:
            out[i] = value
    return out, empty if empty.any() else None, None, None


def build_records(table: RawTable, keys: Sequence[str | None]) -> Records:
    """Return the records of a long table whose header maps to ``keys``."""
    from cadredev.scoring import Records  # noqa: PLC0415
    from cadredev.scoring._records import period_sort_key  # noqa: PLC0415

    s = spec("Records")
    pos = {k: j for j, k in enumerate(keys) if k is not None}
    encoders = {k: _Encoder(s.by_key[k].cell.parse, texts=table.texts) for k in _TEXT_COLUMNS}
    codes: dict[str, list[IntArray]] = {k: [] for k in _TEXT_COLUMNS}
    values: list[FloatArray] = []
    labels: list[Sequence[Any]] = []

    def fail(label: Any, key: str, message: str) -> InvalidInputError:
        return InvalidInputError(
            f"{table.where}, {table.row_name(label)}, column {table.header[pos[key]]!r}: {message}"
        )

    for block in table.blocks:
        if not block.rows:
            continue
        block_codes = {}
        for key in _TEXT_COLUMNS:
            got, bad, exc = encoders[key].codes(block.columns[pos[key]])
            if bad is not None and exc is not None:
                raise fail(block.rows[bad], key, f"expected {exc.expected}")
            block_codes[key] = got
        vals, empty, bad, exc = _values(block.columns[pos["value"]], texts=table.texts)
        if bad is not None and exc is not None:
            raise fail(block.rows[bad], "value", f"expected {exc.expected}")
        keep = _drop_blank(block, block_codes, empty, encoders, fail)
        rows: Sequence[Any] = block.rows
        if keep is not None:
            block_codes = {k: v[keep] for k, v in block_codes.items()}
            vals = vals[keep]
            rows = [rows[i] for i in keep.tolist()]
        finite = np.isfinite(vals)
        if not finite.all():
            i = int(np.argmin(finite))
            raise fail(rows[i], "value", f"value must be finite, got {vals[i]}")
        for key in _TEXT_COLUMNS:
            codes[key].append(block_codes[key])
        values.append(vals)
        labels.append(rows)
    if not values or not sum(v.size for v in values):
        return Records.from_rows([])
    find = row_finder(labels)

    def final(
        key: str, order: Callable[[str], Any] | None = None
    ) -> tuple[tuple[str, ...], IntArray]:
        enc = encoders[key]
        distinct = sorted({v for v in enc.parsed if v is not MISSING}, key=order)
        at = {v: k for k, v in enumerate(distinct)}
        remap = np.array([at.get(v, -1) for v in enc.parsed], dtype=np.int64)
        return tuple(distinct), remap[np.concatenate(codes[key])]

    cadres, ccode = final("cadre_id")
    periods, pcode = final("period", period_sort_key)
    indicators, icode = final("indicator")
    value = np.concatenate(values)
    row_key = pcode * len(cadres) + ccode
    unique_rows, row = np.unique(row_key, return_inverse=True)
    cell = row * len(indicators) + icode
    order = np.argsort(cell, kind="stable")
    same = np.nonzero(cell[order][1:] == cell[order][:-1])[0]
    if same.size:
        later = order[same + 1]
        k = int(np.argmin(later))
        second, first = int(later[k]), int(order[same[k]])
        raise InvalidInputError(
            f"{table.where}, {table.row_name(find(second))}: duplicate row for (cadre "
            f"{cadres[ccode[second]]!r}, period {periods[pcode[second]]!r}, indicator "
            f"{indicators[icode[second]]!r}) (first on {table.row_name(find(first))})"
        )
    matrix = np.full(unique_rows.size * len(indicators), np.nan)
    matrix[cell] = value
    n_cadres = max(len(cadres), 1)
    return Records(
        cadres,
        periods,
        indicators,
        unique_rows % n_cadres,
        unique_rows // n_cadres,
        matrix.reshape(unique_rows.size, len(indicators)),
        np.ones(unique_rows.size),
    )


def _drop_blank(
    block: Block,
    block_codes: dict[str, IntArray],
    empty_values: Any,
    encoders: dict[str, _Encoder],
    fail: Callable[[Any, str, str], InvalidInputError],
) -> IntArray | None:
    """Return the rows to keep when some are empty, raising for a row only partly empty."""
    n = len(block.rows)
    holes: dict[str, Any] = {}
    for key in _TEXT_COLUMNS:
        missing = encoders[key].missing()
        if missing.size:
            holes[key] = np.isin(block_codes[key], missing)
    if empty_values is not None:
        holes["value"] = empty_values
    if not holes:
        return None
    any_hole = np.logical_or.reduce(list(holes.values()))
    blank = np.zeros(n, dtype=bool)
    for i in np.nonzero(any_hole)[0].tolist():
        if all(is_empty(col[i]) for col in block.columns):
            blank[i] = True
            continue
        key = next(k for k in (*_TEXT_COLUMNS, "value") if k in holes and holes[k][i])
        expected = spec("Records").by_key[key].cell.name
        raise fail(block.rows[i], key, f"{key} must be {expected}, got an empty cell")
    return np.nonzero(~blank)[0]


def records_rows(items: Any, where: str) -> tuple[list[Any], list[list[Any]]]:
    """Return the long rows of records (and their labels) for a writer."""
    from cadredev.scoring import Records  # noqa: PLC0415

    if not isinstance(items, Records):
        raise InvalidInputError(
            f"{where}: records are written from a cadredev.scoring.Records, "
            f"got {type(items).__name__}"
        )
    if not np.all(items.exposure == 1.0):
        raise InvalidInputError(
            f"{where}: these records were rolled up with months missing (exposure < 1), "
            "which a long table cannot hold; save them with io.save_json; nothing was written"
        )
    for what, texts in (
        ("cadre id", items.cadres),
        ("period", items.periods),
        ("indicator", items.indicators),
    ):
        for text in texts:
            try:
                check_text(text)
            except BadCell as exc:
                raise InvalidInputError(
                    f"{where}: Records {what} {exc.expected}; nothing was written"
                ) from None
    cols = items.columns()
    rows = [
        list(row)
        for row in zip(
            cols["cadre_id"].tolist(),
            cols["period"].tolist(),
            cols["indicator"].tolist(),
            cols["value"].tolist(),
            strict=True,
        )
    ]
    labels = [row[:3] for row in rows]
    return labels, rows
