"""Measured values: a columnar table of (cadre, period, indicator, value).

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from attrs import field, frozen

from cadredev._arrays import int_array, real_array
from cadredev._display import HTML_ROWS, html_table, need_pandas
from cadredev._validate import check_ids, id_problem, is_real
from cadredev.errors import InvalidInputError

from ._periods import check_period, check_periods, period_months

__all__ = ["Records"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]

RECORD_COLUMNS = ("cadre_id", "period", "indicator", "value")
"""The columns of a records CSV file (long format, one value per row)."""


def period_sort_key(label: str) -> tuple[int, int]:
    """Order periods by first month, then by length (months before quarters)."""
    start, end = period_months(label)
    return start, end


def _encode(items: Iterable[str], what: str) -> tuple[tuple[str, ...], IntArray]:
    """Return the sorted distinct items and each item's code in that order.

    The work per item runs in C (``dict.fromkeys``, ``map``, numpy
    comparisons and sorts), never in Python bytecode: a million ids are
    encoded without a loop per row. Items already sorted and distinct (one
    row per cadre, in id order) are recognised and cost one comparison pass.
    """
    values = items.tolist() if isinstance(items, np.ndarray) else list(items)
    n = len(values)
    if not set(map(type, values)) <= {str} or not all(map(str.strip, values)):
        bad = next(k for k in values if not isinstance(k, str) or not k.strip())
        raise InvalidInputError(f"Records: {what} must be non-empty strings, got {bad!r}")
    obj = np.empty(n, dtype=object)
    obj[:] = values
    if n < 2 or bool(np.all(obj[1:] > obj[:-1])):  # sorted and distinct: nothing to look up
        return tuple(values), np.arange(n, dtype=np.int64)
    seen: dict[Any, Any] = dict.fromkeys(values)
    if len(seen) == n:  # distinct: a sort, not a dictionary lookup per row
        order = np.argsort(obj, kind="stable")
        codes = np.empty(n, dtype=np.int64)
        codes[order] = np.arange(n, dtype=np.int64)
        return tuple(obj[order].tolist()), codes
    ordered = sorted(seen)
    seen.update(zip(ordered, range(len(ordered)), strict=True))
    return tuple(ordered), np.fromiter(map(seen.__getitem__, values), dtype=np.int64, count=n)


@frozen(eq=False)
class Records:
    """Measured values, one per (cadre, period, indicator).

    Stored wide and columnar: one row per (cadre, period), one numpy column
    per indicator (``NaN`` marks a value not recorded), and an ``exposure``
    per row: the share of the period the row covers (1 unless a roll-up
    found months missing). ``cadre_code`` and ``period_code`` index
    :attr:`cadres` and :attr:`periods`; ``dense`` is true for
    :meth:`from_matrix` data (no missing values). Build it with
    :meth:`from_rows` (long data), :meth:`from_matrix` (a dense matrix, the
    fast path) or :func:`cadredev.io.read_records_csv`. Periods are labels: months
    ``"2025-01"``, quarters ``"2025Q1"``, years ``"2025"``.

    Examples
    --------
    >>> r = Records.from_rows([("c1", "2025-01", "visits", 4), ("c2", "2025-01", "visits", 7)])
    >>> r.cadres, r.periods, r.indicators
    (('c1', 'c2'), ('2025-01',), ('visits',))
    >>> r.value("c2", "2025-01", "visits")
    7.0

    .. versionadded:: 0.1
    """

    cadres: tuple[str, ...]
    periods: tuple[str, ...]
    indicators: tuple[str, ...]
    cadre_code: IntArray = field(repr=False)
    period_code: IntArray = field(repr=False)
    matrix: FloatArray = field(repr=False)
    exposure: FloatArray = field(repr=False)
    dense: bool = field(default=False, kw_only=True, repr=False)

    def __attrs_post_init__(self) -> None:
        # the low-level constructor checks what the builders guarantee: ids,
        # labels, codes in range and values finite or NaN (not recorded)
        where = "Records"
        put = object.__setattr__
        put(self, "cadres", check_ids(self.cadres, where=where, name="cadres"))
        put(self, "indicators", check_ids(self.indicators, where=where, name="indicators"))
        put(self, "periods", check_periods(self.periods, where=where, name="periods"))
        for name, labels in (("cadre_code", self.cadres), ("period_code", self.periods)):
            codes = int_array(
                getattr(self, name), where=where, name=name, minimum=0, maximum=len(labels) - 1
            )
            put(self, name, codes)
        rows = len(self.cadre_code)
        if len(self.period_code) != rows:
            raise InvalidInputError(
                f"{where}: period_code must have one code per row ({rows}), "
                f"got {len(self.period_code)}"
            )
        shape = (rows, len(self.indicators))
        matrix = real_array(self.matrix, where=where, name="matrix", shape=shape, allow_nan=True)
        put(self, "matrix", matrix)
        share = real_array(self.exposure, where=where, name="exposure", shape=(rows,), minimum=0)
        if len(share) and float(share.max()) > 1:
            raise InvalidInputError(f"{where}: exposure must be at most 1, got {share.max()!r}")
        put(self, "exposure", share)
        if not isinstance(self.dense, bool):
            raise InvalidInputError(f"{where}: dense must be True or False, got {self.dense!r}")

    # ------------------------------------------------------------------ build

    @classmethod
    def from_rows(cls, rows: Iterable[Any]) -> Records:
        """Build records from ``(cadre_id, period, indicator, value)`` rows.

        Rows may also be mappings with those keys.

        Raises
        ------
        InvalidInputError
            For a malformed row, a NaN or infinite value, an unknown period
            label or a duplicate (cadre, period, indicator).

        Examples
        --------
        >>> Records.from_rows([{"cadre_id": "a", "period": "2025Q1", "indicator": "x", "value": 1}])
        Records(cadres=('a',), periods=('2025Q1',), indicators=('x',))

        .. versionadded:: 0.1
        """
        cells: dict[tuple[str, str], dict[str, float]] = {}
        for n, row in enumerate(rows):
            if isinstance(row, Mapping):
                try:
                    cadre, period, ind, value = (row[k] for k in RECORD_COLUMNS)
                except KeyError as exc:
                    raise InvalidInputError(f"Records row {n}: missing key {exc}") from None
            else:
                try:
                    cadre, period, ind, value = row
                except (TypeError, ValueError):
                    raise InvalidInputError(
                        f"Records row {n}: expected (cadre_id, period, indicator, value), "
                        f"got {row!r}"
                    ) from None
            where = f"Records row {n} ({cadre!r}, {period!r}, {ind!r})"
            for name, text in (("cadre_id", cadre), ("indicator", ind)):
                if (problem := id_problem(text)) is not None:
                    raise InvalidInputError(f"{where}: {name} must be {problem}, got {text!r}")
            check_period(period, where=where)
            number = _check_value(where, value)
            slot = cells.setdefault((cadre, period), {})
            if ind in slot:
                raise InvalidInputError(
                    f"{where}: duplicate row for (cadre {cadre!r}, period {period!r}, "
                    f"indicator {ind!r})"
                )
            slot[ind] = number
        return cls._from_cells(cells)

    @classmethod
    def _from_cells(
        cls,
        cells: Mapping[tuple[str, str], Mapping[str, float]],
        exposure: Mapping[tuple[str, str], float] | None = None,
    ) -> Records:
        keys = list(cells)
        cadres = tuple(sorted({c for c, _ in keys}))
        periods = tuple(sorted({p for _, p in keys}, key=period_sort_key))
        inds = tuple(sorted({i for v in cells.values() for i in v}))
        cpos = {c: k for k, c in enumerate(cadres)}
        ppos = {p: k for k, p in enumerate(periods)}
        ipos = {i: k for k, i in enumerate(inds)}
        keys.sort(key=lambda cp: (ppos[cp[1]], cpos[cp[0]]))
        matrix = np.full((len(keys), len(inds)), np.nan)
        for r, key in enumerate(keys):
            for ind, v in cells[key].items():
                matrix[r, ipos[ind]] = v
        exp = np.ones(len(keys))
        if exposure is not None:
            exp = np.array([exposure.get(k, 1.0) for k in keys], dtype=np.float64)
        return cls(
            cadres,
            periods,
            inds,
            np.array([cpos[c] for c, _ in keys], dtype=np.int64),
            np.array([ppos[p] for _, p in keys], dtype=np.int64),
            matrix,
            exp,
        )

    @classmethod
    def from_matrix(
        cls,
        cadre_ids: Sequence[str] | np.ndarray[Any, Any],
        indicator_ids: Sequence[str],
        values: Any,
        *,
        period: str | Sequence[str] | np.ndarray[Any, Any],
    ) -> Records:
        """Build records from a dense ``(rows x indicators)`` matrix (the fast path).

        The matrix is used as it is (no copy when it is a C-contiguous float64
        array, only a read-only view), so scoring it costs no pivoting.

        Parameters
        ----------
        cadre_ids
            One cadre id per row (a sequence or a numpy array of strings;
            ids already in order are recognised without a lookup per row).
        indicator_ids
            One indicator id per column.
        values
            The values, finite numbers.
        period
            One period label for every row, or one label per row.

        Raises
        ------
        InvalidInputError
            For a shape mismatch, a NaN or infinite value (naming the cell),
            duplicate indicator ids, an unknown period label or a duplicate
            (cadre, period) row.

        Examples
        --------
        >>> import numpy as np
        >>> r = Records.from_matrix(["a", "b"], ["x", "y"], np.eye(2), period="2025-03")
        >>> r.value("b", "2025-03", "y")
        1.0

        .. versionadded:: 0.1
        """
        matrix = np.asarray(values, dtype=np.float64)
        if matrix.ndim != 2:
            raise InvalidInputError(f"Records.from_matrix: values must be 2-D, got {matrix.shape}")
        n, k = matrix.shape
        ids = list(indicator_ids)
        if len(ids) != k:
            raise InvalidInputError(
                f"Records.from_matrix: {k} columns but {len(ids)} indicator ids"
            )
        if len(set(ids)) != k:
            dup = sorted({i for i in ids if ids.count(i) > 1})
            raise InvalidInputError(f"Records.from_matrix: duplicate indicator id(s) {dup}")
        if len(cadre_ids) != n:
            raise InvalidInputError(f"Records.from_matrix: {n} rows but {len(cadre_ids)} cadre ids")
        cadres, ccode = _encode(cadre_ids, "cadre ids")
        if isinstance(period, str):
            periods: tuple[str, ...] = (check_period(period, where="Records.from_matrix"),)
            pcode = np.zeros(n, dtype=np.int64)
        else:
            if len(period) != n:
                raise InvalidInputError(
                    f"Records.from_matrix: {n} rows but {len(period)} period labels"
                )
            plabels, pcode = _encode(period, "periods")
            for p in plabels:
                check_period(p, where="Records.from_matrix")
            periods = tuple(sorted(plabels, key=period_sort_key))
            if periods != plabels:
                remap = np.array([periods.index(p) for p in plabels], dtype=np.int64)
                pcode = remap[pcode]
        if not np.isfinite(matrix).all():
            r, c = (int(v[0]) for v in np.nonzero(~np.isfinite(matrix)))
            raise InvalidInputError(
                f"Records.from_matrix: cadre {cadres[ccode[r]]!r}, indicator {ids[c]!r} "
                f"(row {r}): value must be finite, got {matrix[r, c]}"
            )
        order = sorted(range(k), key=ids.__getitem__)
        if order != list(range(k)):
            matrix = matrix[:, order]
            ids = [ids[j] for j in order]
        view = matrix.view()
        view.flags.writeable = False
        out = cls(tuple(cadres), periods, tuple(ids), ccode, pcode, view, np.ones(n), dense=True)
        out._check_unique_rows("Records.from_matrix")
        return out

    def _keys(self) -> IntArray:
        return self.period_code * max(len(self.cadres), 1) + self.cadre_code

    def _check_unique_rows(self, where: str) -> None:
        keys = self._keys()
        if keys.size < 2 or bool(np.all(keys[1:] > keys[:-1])):
            return
        ordered = np.sort(keys)
        dup = np.nonzero(ordered[1:] == ordered[:-1])[0]
        if dup.size:
            key = int(ordered[dup[0]])
            cadre = self.cadres[key % max(len(self.cadres), 1)]
            period = self.periods[key // max(len(self.cadres), 1)]
            raise InvalidInputError(
                f"{where}: duplicate rows for (cadre {cadre!r}, period {period!r})"
            )

    # ----------------------------------------------------------------- access

    @property
    def n_rows(self) -> int:
        """Number of (cadre, period) rows."""
        return int(self.cadre_code.size)

    def __len__(self) -> int:
        """Return the number of recorded values (cells that are not missing)."""
        return int(np.count_nonzero(~np.isnan(self.matrix)))

    def column(self, indicator_id: str) -> FloatArray | None:
        """Return the wide column of one indicator (``NaN`` = missing), or ``None``."""
        try:
            j = self.indicators.index(indicator_id)
        except ValueError:
            return None
        return self.matrix[:, j]

    def value(self, cadre_id: str, period: str, indicator_id: str) -> float | None:
        """Return one recorded value, or ``None`` if it was not recorded.

        Examples
        --------
        >>> Records.from_rows([("a", "2025", "x", 2.5)]).value("a", "2025", "y") is None
        True
        """
        if cadre_id not in self.cadres or period not in self.periods:
            return None
        col = self.column(indicator_id)
        if col is None:
            return None
        c = self.cadres.index(cadre_id)
        p = self.periods.index(period)
        hit = np.nonzero((self.cadre_code == c) & (self.period_code == p))[0]
        if hit.size == 0 or math.isnan(col[hit[0]]):
            return None
        return float(col[hit[0]])

    def columns(self) -> dict[str, np.ndarray[Any, Any]]:
        """Return the long columns ``cadre_id``, ``period``, ``indicator``, ``value``.

        Rows come in canonical order: period, cadre id, indicator id.

        Examples
        --------
        >>> Records.from_rows([("a", "2025", "x", 2.5)]).columns()["value"]
        array([2.5])
        """
        order = np.argsort(self._keys(), kind="stable")
        m = self.matrix[order]
        r, j = np.nonzero(~np.isnan(m))
        rows = order[r]
        return {
            "cadre_id": np.asarray(self.cadres, dtype=object)[self.cadre_code[rows]]
            if self.cadres
            else np.zeros(0, dtype=object),
            "period": np.asarray(self.periods, dtype=object)[self.period_code[rows]]
            if self.periods
            else np.zeros(0, dtype=object),
            "indicator": np.asarray(self.indicators, dtype=object)[j]
            if self.indicators
            else np.zeros(0, dtype=object),
            "value": m[r, j],
        }

    def to_rows(self) -> list[tuple[str, str, str, float]]:
        """Return the long rows ``(cadre_id, period, indicator, value)``, canonical order."""
        cols = self.columns()
        return [
            (str(c), str(p), str(i), float(v))
            for c, p, i, v in zip(
                cols["cadre_id"], cols["period"], cols["indicator"], cols["value"], strict=True
            )
        ]

    def select(
        self,
        *,
        cadres: Iterable[str] | None = None,
        periods: Iterable[str] | None = None,
    ) -> Records:
        """Return the rows of some cadres and/or periods.

        Examples
        --------
        >>> r = Records.from_rows([("a", "2025", "x", 1), ("b", "2025", "x", 2)])
        >>> r.select(cadres=["b"]).cadres
        ('b',)
        """
        keep = np.ones(self.n_rows, dtype=bool)
        if cadres is not None:
            wanted = np.zeros(len(self.cadres), dtype=bool)
            pos = {c: k for k, c in enumerate(self.cadres)}
            for c in cadres:
                if c in pos:
                    wanted[pos[c]] = True
            keep &= wanted[self.cadre_code]
        if periods is not None:
            wanted = np.zeros(len(self.periods), dtype=bool)
            for p in periods:
                check_period(p, where="Records.select")
                if p in self.periods:
                    wanted[self.periods.index(p)] = True
            keep &= wanted[self.period_code]
        rows = np.nonzero(keep)[0]
        cset = np.unique(self.cadre_code[rows])
        pset = np.unique(self.period_code[rows])
        cmap = np.full(len(self.cadres), -1, dtype=np.int64)
        cmap[cset] = np.arange(cset.size)
        pmap = np.full(len(self.periods), -1, dtype=np.int64)
        pmap[pset] = np.arange(pset.size)
        return Records(
            tuple(self.cadres[i] for i in cset),
            tuple(self.periods[i] for i in pset),
            self.indicators,
            cmap[self.cadre_code[rows]],
            pmap[self.period_code[rows]],
            self.matrix[rows],
            self.exposure[rows],
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Records):
            return NotImplemented
        if (self.cadres, self.periods, self.indicators) != (
            other.cadres,
            other.periods,
            other.indicators,
        ):
            return False
        a = np.argsort(self._keys(), kind="stable")
        b = np.argsort(other._keys(), kind="stable")
        return (
            np.array_equal(self._keys()[a], other._keys()[b])
            and np.array_equal(self.matrix[a], other.matrix[b], equal_nan=True)
            and np.array_equal(self.exposure[a], other.exposure[b])
        )

    __hash__ = None  # type: ignore[assignment]

    def _repr_html_(self) -> str:
        cols = self.columns()
        rows = [
            tuple(cols[c][r] for c in RECORD_COLUMNS)
            for r in range(min(HTML_ROWS, len(cols["value"])))
        ]
        return html_table(
            f"Records: {self.n_rows} rows, {len(self.cadres)} cadres, "
            f"{len(self.periods)} periods, {len(self.indicators)} indicators",
            RECORD_COLUMNS,
            rows,
        )

    def to_pandas(self) -> Any:
        """Return the long columns as a :class:`pandas.DataFrame`.

        Raises
        ------
        MissingDependencyError
            If pandas is not installed.
        """
        return need_pandas().DataFrame(self.columns())


def _check_value(where: str, value: Any) -> float:
    if not is_real(value):
        # a float that is not a real number here is NaN or infinite
        need = "finite" if isinstance(value, float | np.floating) else "a number"
        raise InvalidInputError(f"{where}: value must be {need}, got {value!r}")
    return float(value)
