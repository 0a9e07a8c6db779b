"""Roll monthly records up to quarters and years, by indicator kind.

.. versionadded:: 0.1
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
from attrs import frozen

from cadredev.errors import InvalidInputError

from ._periods import LENGTH, parent_period, period_level, period_months
from ._records import Records, period_sort_key
from ._scheme import RATE_PARTS, Indicator, Scheme
from ._table import ScoreTable

__all__ = ["ExposureWarning", "rollup"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@frozen(kw_only=True, auto_exc=False)
class ExposureWarning(UserWarning):
    """Some roll-up periods are only partly covered by the records.

    Flows in those periods are scaled up by exposure (the share of months
    recorded), and for rates the ratio of sums (what :func:`rollup` uses) and
    the mean of monthly ratios may disagree. The warning carries its figures,
    so it can be logged or stored as data.

    Attributes
    ----------
    to
        ``"quarter"`` or ``"year"``.
    partial
        Rows (cadre, period) only partly recorded.
    rows
        Rows rolled up.
    rates
        Rate values whose ratio of sums and mean of monthly ratios differ.

    Examples
    --------
    >>> import warnings
    >>> r = Records.from_rows([("a", "2025-01", "visits", 10)])
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     q = rollup(r, {"visits": "flow"}, to="quarter")
    >>> caught[0].category.__name__, q.value("a", "2025Q1", "visits")
    ('ExposureWarning', 30.0)
    >>> caught[0].message
    ExposureWarning(to='quarter', partial=1, rows=1, rates=0)

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       A record with fields, no longer a bare message.
    """

    to: str = "year"
    partial: int = 0
    rows: int = 0
    rates: int = 0

    def __str__(self) -> str:
        return (
            f"rollup: {self.partial} of {self.rows} (cadre, {self.to}) rows are only partly "
            f"recorded; flows were scaled up by exposure and {self.rates} rate value(s) differ "
            "between the ratio of sums and the mean of monthly ratios"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_exposure_warning, (self.to, self.partial, self.rows, self.rates))


def _exposure_warning(to: str, partial: int, rows: int, rates: int) -> ExposureWarning:
    """Rebuild an :class:`ExposureWarning` (for pickling)."""
    return ExposureWarning(to=to, partial=partial, rows=rows, rates=rates)


def _kinds(spec: Scheme | Sequence[Indicator] | Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(spec, Scheme):
        inds: Sequence[Indicator] = spec.all_indicators
        out.update({p.id: "event" for p in spec.penalties})
        out.update({v.id: "event" for v in spec.vetoes})
    elif isinstance(spec, Mapping):
        for key, kind in spec.items():
            if kind not in ("flow", "stock", "rate", "event"):
                raise InvalidInputError(
                    f"rollup: kind of {key!r} must be 'flow', 'stock', 'rate' or 'event', "
                    f"got {kind!r}"
                )
            out[key] = kind
        for key, kind in spec.items():
            if kind == "rate":
                for part in RATE_PARTS:
                    out.setdefault(key + part, "part")
        return out
    else:
        inds = tuple(spec)
    for ind in inds:
        if not isinstance(ind, Indicator):
            raise InvalidInputError(f"rollup: expected Indicator items, got {ind!r}")
        out[ind.id] = ind.kind
        if ind.kind == "rate":
            for part in RATE_PARTS:
                out[ind.id + part] = "part"
    return out


def rollup(
    records: Records | ScoreTable,
    kinds: Scheme | Sequence[Indicator] | Mapping[str, str] | None = None,
    *,
    to: Literal["quarter", "year"],
    stock: Literal["last", "mean"] = "last",
) -> Records:
    """Roll records up to quarters or years, each indicator by its kind.

    * flows add up; when a period is only partly recorded (a month has no
      row for the cadre) the sum is scaled up by **exposure**, the share of
      the period recorded, and the row keeps that exposure (an
      :class:`ExposureWarning` says how many rows);
    * events (penalty and veto counts, ``kind="event"``) add up, unscaled;
    * stocks take the ``"last"`` recorded value or the exposure-weighted ``"mean"``;
    * rates add numerator (``"<id>.num"``) and denominator (``"<id>.den"``)
      separately (a ratio of sums); a rate recorded only as a ratio takes the
      exposure-weighted mean of ratios.

    Rolling months to a year equals rolling months to quarters and those to
    the year (up to floating-point rounding).

    Parameters
    ----------
    records
        Monthly (or quarterly) records, or a :class:`ScoreTable` (its
        :meth:`~ScoreTable.to_records`: points, penalty and total, rolled up
        as stocks with ``stock``, e.g. ``"mean"`` for the average monthly score).
    kinds
        A :class:`Scheme`, indicators, or a mapping of record id to kind;
        not needed for a table.
    to
        ``"quarter"`` or ``"year"``.
    stock
        ``"last"`` or ``"mean"``.

    Returns
    -------
    Records

    Raises
    ------
    InvalidInputError
        For a record id with no known kind, a period finer than its source
        (a year cannot become quarters), or overlapping periods of one cadre.

    Examples
    --------
    >>> r = Records.from_rows(
    ...     [("a", f"2025-{m:02d}", "visits", 10) for m in (1, 2, 3)]
    ...     + [("a", f"2025-{m:02d}", "staff", m) for m in (1, 2, 3)]
    ... )
    >>> q = rollup(r, {"visits": "flow", "staff": "stock"}, to="quarter")
    >>> q.value("a", "2025Q1", "visits"), q.value("a", "2025Q1", "staff")
    (30.0, 3.0)

    .. versionadded:: 0.1
    """
    records, kind_of = _check_arguments(records, kinds, to=to, stock=stock)
    g = _Groups.of(records, to)
    m = records.matrix[g.order]
    e = records.exposure[g.order]
    weight = e * g.lengths  # months observed per row
    exposure = np.bincount(g.group, weights=weight, minlength=g.n) / float(LENGTH[to])
    out = np.full((g.n, len(records.indicators)), np.nan)
    disagree = 0
    for j, ind in enumerate(records.indicators):
        out[:, j] = _rolled_column(
            m[:, j], kind_of[ind], g, e=e, weight=weight, exposure=exposure, stock=stock
        )
        if kind_of[ind] == "rate" and ind + ".num" in records.indicators:
            disagree += 1  # a rate recorded both as a ratio and as its parts
    partial = int(np.count_nonzero(exposure < 1.0 - 1e-12))
    if partial:
        disagree += _rate_disagreements(records, kind_of, m=m, out=out, g=g, exposure=exposure)
        warnings.warn(
            ExposureWarning(to=to, partial=partial, rows=g.n, rates=disagree), stacklevel=2
        )
    head_rows = g.order[g.heads]
    return Records(
        records.cadres,
        g.labels,
        records.indicators,
        records.cadre_code[head_rows],
        g.parent[records.period_code[head_rows]],
        out,
        np.minimum(exposure, 1.0),
    ).select()


def _check_arguments(
    records: Records | ScoreTable,
    kinds: Scheme | Sequence[Indicator] | Mapping[str, str] | None,
    *,
    to: str,
    stock: str,
) -> tuple[Records, dict[str, str]]:
    """Return the records to roll up and the kind of each record id."""
    if isinstance(records, ScoreTable):
        if kinds is None:
            kinds = dict.fromkeys(records.to_records().indicators, "stock")
        records = records.to_records()
    if kinds is None:
        raise InvalidInputError(
            "rollup: kinds is needed for records (a Scheme, indicators or a mapping)"
        )
    if not isinstance(records, Records):
        raise InvalidInputError(f"rollup: records must be Records, got {type(records).__name__}")
    if to not in ("quarter", "year"):
        raise InvalidInputError(f"rollup: to must be 'quarter' or 'year', got {to!r}")
    if stock not in ("last", "mean"):
        raise InvalidInputError(f"rollup: stock must be 'last' or 'mean', got {stock!r}")
    kind_of = _kinds(kinds)
    for ind in records.indicators:
        if ind not in kind_of:
            raise InvalidInputError(
                f"rollup: no kind known for record id {ind!r}; pass it in kinds"
            )
    return records, kind_of


@frozen
class _Groups:
    """The record rows sorted into (cadre, parent period) groups, months in order."""

    labels: tuple[str, ...]  # the parent periods
    parent: IntArray  # record period code -> parent period code
    order: IntArray  # the record rows, grouped
    group: IntArray  # each sorted row's group
    heads: IntArray  # the first sorted row of each group
    lengths: FloatArray  # months each sorted row's period spans

    @property
    def n(self) -> int:
        return int(self.heads.size)

    @classmethod
    def of(cls, records: Records, to: Literal["quarter", "year"]) -> _Groups:
        parents = [parent_period(p, to) for p in records.periods]
        labels = tuple(sorted(set(parents), key=period_sort_key))
        ppos = {p: k for k, p in enumerate(labels)}
        pmap = np.array([ppos[p] for p in parents], dtype=np.int64)
        starts = np.array([period_months(p)[0] for p in records.periods], dtype=np.int64)
        ends = np.array([period_months(p)[1] for p in records.periods], dtype=np.int64)
        lengths = np.array([LENGTH[period_level(p)] for p in records.periods], dtype=np.float64)
        n_c = max(len(records.cadres), 1)
        key = pmap[records.period_code] * n_c + records.cadre_code
        row_start = starts[records.period_code]
        order = np.lexsort((row_start, key))
        key_s = key[order]
        new = np.ones(key_s.size, dtype=bool)
        new[1:] = key_s[1:] != key_s[:-1]
        overlap = ~new & (row_start[order] <= np.roll(ends[records.period_code][order], 1))
        if overlap.any():
            i = int(np.nonzero(overlap)[0][0])
            a, b = order[i - 1], order[i]
            raise InvalidInputError(
                f"rollup: cadre {records.cadres[records.cadre_code[b]]!r} has overlapping "
                f"periods {records.periods[records.period_code[a]]!r} and "
                f"{records.periods[records.period_code[b]]!r}"
            )
        return cls(
            labels=labels,
            parent=pmap,
            order=order,
            group=np.cumsum(new) - 1,
            heads=np.nonzero(new)[0],
            lengths=lengths[records.period_code][order],
        )


def _rolled_column(
    col: FloatArray,
    kind: str,
    g: _Groups,
    *,
    e: FloatArray,
    weight: FloatArray,
    exposure: FloatArray,
    stock: str,
) -> FloatArray:
    """Roll one record column (rows in group order) up by its kind; NaN where none."""
    ok = ~np.isnan(col)
    has = np.bincount(g.group, weights=ok, minlength=g.n) > 0
    v = np.where(ok, col, 0.0)
    if kind == "flow":
        observed = np.bincount(g.group, weights=v * e, minlength=g.n)
        res = observed / np.where(exposure > 0, exposure, 1.0)
    elif kind in ("event", "part"):
        res = np.bincount(g.group, weights=v, minlength=g.n).astype(np.float64)
    elif kind == "stock" and stock == "last":
        pos = np.where(ok, np.arange(col.size), -1)
        last = np.maximum.reduceat(pos, g.heads) if g.n else np.zeros(0, np.int64)
        res = np.where(last >= 0, col[np.maximum(last, 0)], np.nan)
    else:  # stock mean, or a rate recorded as a ratio
        wsum = np.bincount(g.group, weights=np.where(ok, weight, 0.0), minlength=g.n)
        res = np.bincount(g.group, weights=v * weight, minlength=g.n) / np.where(
            wsum > 0, wsum, 1.0
        )
    return np.asarray(np.where(has, res, np.nan), dtype=np.float64)


def _rate_disagreements(
    records: Records,
    kind_of: Mapping[str, str],
    *,
    m: FloatArray,
    out: FloatArray,
    g: _Groups,
    exposure: FloatArray,
) -> int:
    """Count partly recorded rates whose ratio of sums and mean of monthly ratios differ."""
    count = 0
    for ind in records.indicators:
        if kind_of[ind] == "rate" or not (
            ind.endswith(".num") and ind[:-4] + ".den" in records.indicators
        ):
            continue
        jn = records.indicators.index(ind)
        jd = records.indicators.index(ind[:-4] + ".den")
        num, den = out[:, jn], out[:, jd]
        ratio_of_sums = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            monthly = m[:, jn] / m[:, jd]
        okm = np.isfinite(monthly)
        cnt = np.bincount(g.group, weights=okm, minlength=g.n)
        mean_of_ratios = np.bincount(
            g.group, weights=np.where(okm, monthly, 0.0), minlength=g.n
        ) / np.where(cnt > 0, cnt, 1.0)
        differs = (cnt > 0) & (den > 0) & ~np.isclose(ratio_of_sums, mean_of_ratios)
        count += int(np.count_nonzero(differs & (exposure < 1.0 - 1e-12)))
    return count
