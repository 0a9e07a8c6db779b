"""How far the weights may move before grades change: :func:`sensitivity` and :func:`acceptability`.

A total is ``100 * sum_j s_j w_j / sum_j w_j - penalties`` over the
applicable indicators (``s_j`` the attainment), so as a function of one
weight ``w`` it is ``100 * (A + s w) / (B + w) - p``: monotone, and the
weight at which it reaches a given total has a closed form. Both functions
work on every row at once with numpy.

.. versionadded:: 0.3
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from attrs import field, frozen

from cadredev._arrays import real_array
from cadredev._display import HTML_ROWS, html_table, need_pandas
from cadredev._validate import (
    MAX_COUNT,
    Seed,
    check_ids,
    check_items,
    id_problem,
    is_int,
    is_real,
    rng_from,
)
from cadredev.errors import InvalidInputError

from ._compare import same_fields
from ._grade import grade
from ._periods import check_periods
from ._table import ScoreTable

__all__ = ["Acceptability", "Sensitivity", "acceptability", "sensitivity"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]


def _check_rows(result: Any, where: str, columns: str) -> tuple[int, int]:
    """Check a result's row and column labels; return the numbers of rows and columns."""
    put = object.__setattr__
    put(result, "cadre_ids", check_ids(result.cadre_ids, where=where, name="cadre_ids"))
    put(result, "periods", check_periods(result.periods, where=where, name="periods"))
    put(result, columns, check_ids(getattr(result, columns), where=where, name=columns))
    n, k = len(result.cadre_ids), len(getattr(result, columns))
    if len(result.periods) != n:
        raise InvalidInputError(
            f"{where}: periods must have one entry per row ({n}), got {len(result.periods)}"
        )
    if len(set(getattr(result, columns))) != k:
        raise InvalidInputError(f"{where}: {columns} must not repeat")
    return n, k


def _bound_triples(value: Any) -> tuple[tuple[str, float, float], ...]:
    """Return ``(indicator id, low, high)`` triples with ``0 <= low <= high``, all finite."""
    out = []
    for item in check_items(value, where="Acceptability", name="bounds"):
        ok = (
            isinstance(item, tuple)
            and len(item) == 3
            and id_problem(item[0]) is None
            and is_real(item[1])
            and is_real(item[2])
            and 0 <= item[1] <= item[2]
        )
        if not ok:
            raise InvalidInputError(
                "Acceptability: bounds must hold (indicator id, low, high) with "
                f"0 <= low <= high, got {item!r}"
            )
        out.append((item[0], float(item[1]), float(item[2])))
    return tuple(out)


def _matrix(where: str, name: str, value: Any, shape: tuple[int, int], **bounds: Any) -> Any:
    return real_array(value, where=where, name=name, shape=shape, **bounds)


def _weights(table: ScoreTable) -> FloatArray:
    scheme = table.scheme
    return np.array([scheme.indicator(i).weight for i in table.indicator_ids], dtype=np.float64)


def _bands(table: ScoreTable) -> tuple[FloatArray, FloatArray]:
    """Return per row the totals between which its grade holds, others' totals fixed.

    Below: the grade's ``min_score`` and, for a quota grade, the best total
    in the group that did not get it (the cut-off). Above: the next better
    grade's ``min_score`` and, for a quota grade, the lowest total holding
    it (``inf`` when none holds it, or the row is vetoed at its grade).
    """
    grades = table.scheme.grades
    n = len(table)
    code = table.grade_code
    total = table.total
    keys = np.char.add(np.asarray(table.periods, dtype=str), np.asarray(table.groups, dtype=str))
    _, gkey = np.unique(keys, return_inverse=True)
    n_g = int(gkey.max()) + 1 if n else 0
    lower = np.full(n, -np.inf)
    upper = np.full(n, np.inf)
    for k, g in enumerate(grades):
        rows = code == k
        if not rows.any():
            continue
        lo = -np.inf if g.min_score is None else g.min_score
        lower[rows] = np.maximum(lower[rows], lo)
        if g.quota is not None:
            # the best total in the group graded worse, not vetoed: to keep the seat, stay above
            worse = (code > k) & ~table.vetoed
            best_worse = np.full(n_g, -np.inf)
            np.maximum.at(best_worse, gkey[worse], total[worse])
            lower[rows] = np.maximum(lower[rows], best_worse[gkey[rows]])
        if k == 0:
            continue
        better = grades[k - 1]
        up = np.inf if better.min_score is None else better.min_score
        upper[rows] = np.minimum(upper[rows], up)
        if better.quota is not None:
            holders = code == k - 1
            low_holder = np.full(n_g, np.inf)
            np.minimum.at(low_holder, gkey[holders], total[holders])
            upper[rows] = np.maximum(upper[rows], low_holder[gkey[rows]])
    upper[table.vetoed] = np.inf
    return lower, upper


def weight_at(
    a: FloatArray, b: FloatArray, s: FloatArray, pen: FloatArray, target: FloatArray
) -> FloatArray:
    """Return the weight ``w`` at which ``100 (a + s w) / (b + w) - pen`` equals ``target``.

    ``NaN`` where the total never reaches it (a constant total).
    """
    t = target + pen
    den = 100.0 * s - t
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, (t * b - 100.0 * a) / den, np.nan)


@frozen(kw_only=True, eq=False)
class Sensitivity:
    """Per row and indicator, the weights between which the row's grade holds.

    Attributes
    ----------
    cadre_ids, periods
        The rows, as in the score table.
    indicator_ids
        The columns.
    weights
        The scheme's weight of each indicator.
    low, high
        ``(rows x indicators)``: the row keeps its grade while the
        indicator's weight stays in ``[low, high]`` and every other weight
        is unchanged (``high`` may be ``inf``; an indicator that does not
        apply to the row gives ``[0, inf]``).

    Notes
    -----
    Exact when grades follow fixed ``min_score`` thresholds: a total is a
    monotone function of one weight, solved in closed form. For a quota
    grade the cut-off totals of the current grading (the best total below
    the quota, the lowest total in it) are held fixed, while in truth the
    other cadres' totals move with the weight too; exemption overlays are
    not taken into account.

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> s = sensitivity(demo_score_table())
    >>> s.indicator_ids, s.weights.tolist()
    (('visits',), [1.0])
    >>> print(s.explain("a"))  # one indicator: its weight cannot move the total
    a 2025-01: the grade holds while each weight stays in
      visits: weight 1 in [0, inf]

    .. versionadded:: 0.3
    """

    cadre_ids: tuple[str, ...]
    periods: tuple[str, ...]
    indicator_ids: tuple[str, ...]
    weights: FloatArray = field(repr=False)
    low: FloatArray = field(repr=False)
    high: FloatArray = field(repr=False)

    def __attrs_post_init__(self) -> None:
        where = "Sensitivity"
        n, k = _check_rows(self, where, "indicator_ids")
        weights = real_array(self.weights, where=where, name="weights", shape=(k,), minimum=0.0)
        low = _matrix(where, "low", self.low, (n, k), minimum=0.0)
        high = _matrix(where, "high", self.high, (n, k), allow_inf=True)
        if (high < low).any():
            raise InvalidInputError(f"{where}: every interval must have low <= high")
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sensitivity):
            return NotImplemented
        return same_fields(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fragile = int((np.isfinite(self.high) | (self.low > 0)).any(axis=1).sum())
        return (
            f"Sensitivity({len(self.cadre_ids):,} rows x {len(self.indicator_ids)} weights; "
            f"{fragile:,} rows change grade within a finite weight range)"
        )

    def _row(self, cadre_id: str, period: str | None) -> int:
        hits = [
            r
            for r, (c, p) in enumerate(zip(self.cadre_ids, self.periods, strict=True))
            if c == cadre_id and (period is None or p == period)
        ]
        if len(hits) != 1:
            raise InvalidInputError(
                f"Sensitivity: {len(hits)} rows for cadre {cadre_id!r}"
                f"{'' if period is None else f' in {period}'}; pass one scored cadre and period"
            )
        return hits[0]

    def interval(
        self, cadre_id: str, indicator: str, *, period: str | None = None
    ) -> tuple[float, float]:
        """Return the weights of ``indicator`` between which the cadre keeps its grade."""
        if indicator not in self.indicator_ids:
            raise InvalidInputError(f"Sensitivity: unknown indicator {indicator!r}")
        r, j = self._row(cadre_id, period), self.indicator_ids.index(indicator)
        return float(self.low[r, j]), float(self.high[r, j])

    def explain(self, cadre_id: str, *, period: str | None = None) -> str:
        """Return one line per indicator: its weight and the interval that keeps the grade."""
        r = self._row(cadre_id, period)
        lines = [f"{cadre_id} {self.periods[r]}: the grade holds while each weight stays in"]
        for j, ind in enumerate(self.indicator_ids):
            lines.append(
                f"  {ind}: weight {self.weights[j]:g} in [{self.low[r, j]:.4g}, "
                f"{self.high[r, j]:.4g}]"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [
            (self.cadre_ids[r], self.periods[r], ind, float(self.low[r, j]), float(self.high[r, j]))
            for r in range(min(len(self.cadre_ids), HTML_ROWS))
            for j, ind in enumerate(self.indicator_ids)
        ][:HTML_ROWS]
        return html_table(repr(self), ("cadre", "period", "indicator", "low", "high"), rows)

    def to_pandas(self) -> Any:
        """Return one row per (cadre, period, indicator) with ``weight``, ``low`` and ``high``."""
        pd = need_pandas()
        n, k = self.low.shape
        return pd.DataFrame(
            {
                "cadre_id": np.repeat(np.asarray(self.cadre_ids, dtype=object), k),
                "period": np.repeat(np.asarray(self.periods, dtype=object), k),
                "indicator": np.tile(np.asarray(self.indicator_ids, dtype=object), n),
                "weight": np.tile(self.weights, n),
                "low": self.low.ravel(),
                "high": self.high.ravel(),
            }
        )


def _intervals(  # noqa: PLR0917 - one block's columns, all positional
    s: FloatArray,
    applies: Any,
    w: FloatArray,
    penalties: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Return the weight intervals of a block of rows (see :func:`sensitivity`)."""
    app = np.asarray(applies, dtype=np.float64)
    sw = s * app * w
    aw = app * w
    total_a = sw.sum(axis=1, keepdims=True) - sw  # A: the other indicators' weighted attainment
    total_b = aw.sum(axis=1, keepdims=True) - aw  # B: the other indicators' weights
    pen = penalties[:, None]
    w_lo_t = weight_at(total_a, total_b, s, pen, lower[:, None])
    w_hi_t = weight_at(total_a, total_b, s, pen, upper[:, None])
    # the total rises with w iff the indicator's attainment beats the others' mean
    slope = s * total_b - total_a
    rising = slope > 0
    low = np.where(rising, w_lo_t, w_hi_t)
    high = np.where(rising, w_hi_t, w_lo_t)
    tiny = 1e-12 * float(w.max(initial=1.0))  # rounding noise around a zero weight
    low = np.where(np.isfinite(low) & (low > tiny), low, 0.0)
    high = np.where(np.isfinite(high) & (high >= 0), high, np.inf)
    # an unreachable bound (the total's limit as w grows never crosses it) leaves the end open
    limit = 100.0 * s - pen
    reach_hi = np.where(rising, limit > upper[:, None], limit < lower[:, None])
    high = np.where(reach_hi, high, np.inf)
    none = (app == 0) | (slope == 0)
    return np.where(none, 0.0, low), np.where(none, np.inf, high)


def sensitivity(table: ScoreTable) -> Sensitivity:
    """Return, per row and indicator, the weight interval over which the row's grade holds.

    For each indicator, every other weight fixed, the row's total is a
    monotone function of that weight; the interval is where it stays
    between the totals that bound the row's grade (see
    :class:`Sensitivity`). Vectorised: ``rows x indicators`` closed forms.

    Parameters
    ----------
    table
        A :class:`ScoreTable`.

    Returns
    -------
    Sensitivity

    Examples
    --------
    >>> from cadredev import Cadre
    >>> from cadredev.scoring import Grade, Indicator, Records, Scheme, Target, score
    >>> grades = (Grade("good", min_score=60), Grade("weak"))
    >>> inds = [
    ...     Indicator(id="visits", normalise=Target(0, 20)),
    ...     Indicator(id="signed", normalise=Target(0, 2)),
    ... ]
    >>> scheme = Scheme(name="s", indicators={"investment": inds}, grades=grades)
    >>> ana = Cadre(
    ...     id="ana", name="ana", birth_year=1990, rank="section", unit="u", line="investment"
    ... )
    >>> rec = Records.from_rows([("ana", "2025-01", "visits", 20), ("ana", "2025-01", "signed", 0)])
    >>> s = sensitivity(score(scheme, [ana], rec))
    >>> score(scheme, [ana], rec).grade.tolist()  # 100 w / (w + 1) = 50 at w = 1
    ['weak']
    >>> s.interval("ana", "visits")  # still below 60 while w < 1.5
    (0.0, 1.5)
    >>> s.interval("ana", "signed")  # 100 / (1 + w) < 60 while w > 2/3
    (0.6666666666666666, inf)

    .. versionadded:: 0.3
    """
    if not isinstance(table, ScoreTable):
        raise InvalidInputError(f"sensitivity: table must be a ScoreTable, got {table!r}")
    w = _weights(table)
    lower, upper = _bands(table)
    n = len(table)
    low = np.empty((n, w.size))
    high = np.empty((n, w.size))
    ctx = table._ctx()  # noqa: SLF001 - the rows' attainment, a bounded block at a time
    for sl in ctx.chunks():
        s, app, _ = ctx.attain(sl)
        low[sl], high[sl] = _intervals(
            np.where(app, s, 0.0), app, w, table.penalties[sl], lower[sl], upper[sl]
        )
    return Sensitivity(
        cadre_ids=tuple(str(c) for c in table.cadre_ids),
        periods=tuple(str(p) for p in table.periods),
        indicator_ids=table.indicator_ids,
        weights=w,
        low=low,
        high=high,
    )


@frozen(kw_only=True, eq=False)
class Acceptability:
    """The probability of each grade per row when the weights vary within bounds.

    Attributes
    ----------
    cadre_ids, periods
        The rows.
    grade_ids
        The columns of :attr:`probability`, best first.
    probability
        ``(rows x grades)``: the share of weight draws that gave the row
        each grade.
    samples
        The number of weight draws.
    bounds
        Indicator id -> the (low, high) range its weight was drawn from.

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> a = acceptability(demo_score_table(), bounds=0.1, samples=10, seed=0)
    >>> a
    Acceptability(2 rows, 10 weight draws; 2 rows keep one grade in every draw)
    >>> print(a.explain("b"))
    b: excellent 100.0% over 10 weight draws

    .. versionadded:: 0.3
    """

    cadre_ids: tuple[str, ...]
    periods: tuple[str, ...]
    grade_ids: tuple[str, ...]
    probability: FloatArray = field(repr=False)
    samples: int
    bounds: tuple[tuple[str, float, float], ...] = field(converter=_bound_triples)

    def __attrs_post_init__(self) -> None:
        where = "Acceptability"
        n, k = _check_rows(self, where, "grade_ids")
        probability = _matrix(
            where, "probability", self.probability, (n, k), minimum=0.0, maximum=1.0
        )
        object.__setattr__(self, "probability", probability)
        samples: Any = self.samples
        if not is_int(samples) or not 1 <= samples <= MAX_COUNT:
            raise InvalidInputError(
                f"{where}: samples must be an integer in [1, {MAX_COUNT:,}], got {samples!r}"
            )
        object.__setattr__(self, "samples", int(samples))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Acceptability):
            return NotImplemented
        return same_fields(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        sure = int((self.probability.max(axis=1) >= 1.0).sum()) if self.probability.size else 0
        return (
            f"Acceptability({len(self.cadre_ids):,} rows, {self.samples:,} weight draws; "
            f"{sure:,} rows keep one grade in every draw)"
        )

    def of(self, cadre_id: str, *, period: str | None = None) -> dict[str, float]:
        """Return grade id -> probability for one cadre (and period)."""
        hits = [
            r
            for r, (c, p) in enumerate(zip(self.cadre_ids, self.periods, strict=True))
            if c == cadre_id and (period is None or p == period)
        ]
        if len(hits) != 1:
            raise InvalidInputError(
                f"Acceptability: {len(hits)} rows for cadre {cadre_id!r}; pass one cadre and period"
            )
        return {g: float(self.probability[hits[0], k]) for k, g in enumerate(self.grade_ids)}

    def explain(self, cadre_id: str, *, period: str | None = None) -> str:
        """Return the grade probabilities of one cadre as text."""
        shown = ", ".join(f"{g} {p:.1%}" for g, p in self.of(cadre_id, period=period).items() if p)
        return f"{cadre_id}: {shown} over {self.samples:,} weight draws"

    def _repr_html_(self) -> str:
        rows = [
            (self.cadre_ids[r], self.periods[r], *(float(x) for x in self.probability[r]))
            for r in range(min(len(self.cadre_ids), HTML_ROWS))
        ]
        return html_table(repr(self), ("cadre", "period", *self.grade_ids), rows)

    def to_pandas(self) -> Any:
        """Return one row per (cadre, period) with a probability column per grade."""
        pd = need_pandas()
        data: dict[str, Any] = {"cadre_id": list(self.cadre_ids), "period": list(self.periods)}
        data.update({g: self.probability[:, k] for k, g in enumerate(self.grade_ids)})
        return pd.DataFrame(data)


def _check_bounds(
    table: ScoreTable, bounds: Mapping[str, tuple[float, float]] | float
) -> tuple[FloatArray, FloatArray]:
    w = _weights(table)
    ids = table.indicator_ids
    if is_real(bounds):
        r = float(bounds)  # type: ignore[arg-type]
        if not 0 <= r < 1:
            raise InvalidInputError(f"acceptability: a relative bound must be in [0, 1), got {r}")
        return w * (1 - r), w * (1 + r)
    if not isinstance(bounds, Mapping):
        raise InvalidInputError(
            f"acceptability: bounds must be a share in [0, 1) or indicator -> (low, high), "
            f"got {bounds!r}"
        )
    lo, hi = w.copy(), w.copy()
    for key, pair in bounds.items():
        if key not in ids:
            raise InvalidInputError(f"acceptability: bounds name unknown indicator {key!r}")
        ok = isinstance(pair, Sequence) and len(pair) == 2 and all(is_real(x) for x in pair)
        if not ok or not 0 <= float(pair[0]) <= float(pair[1]):
            raise InvalidInputError(
                f"acceptability: bounds of {key!r} must be (low, high) with 0 <= low <= high, "
                f"got {pair!r}"
            )
        j = ids.index(key)
        lo[j], hi[j] = float(pair[0]), float(pair[1])
    return lo, hi


def acceptability(
    table: ScoreTable,
    *,
    bounds: Mapping[str, tuple[float, float]] | float = 0.2,
    samples: int = 1000,
    seed: Seed = 0,
) -> Acceptability:
    """Return each row's probability of each grade when the weights vary within bounds.

    A stochastic multicriteria acceptability view: weights are drawn
    uniformly and independently within their bounds, the totals of every
    row recomputed at once (a matrix product per batch of draws) and graded
    with the scheme's grades, quotas, rounding, tie rule and the table's
    veto caps, per group and period.

    Parameters
    ----------
    table
        A :class:`ScoreTable`.
    bounds
        A share ``r`` in ``[0, 1)`` (each weight in ``[w (1 - r), w (1 + r)]``)
        or indicator id -> ``(low, high)`` (others fixed).
    samples
        Weight draws, an integer >= 1.
    seed
        ``None``, an integer >= 0 or a numpy ``Generator``.

    Returns
    -------
    Acceptability

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> a = acceptability(demo_score_table(), bounds=0.5, samples=200, seed=1)
    >>> a.of("a")["competent"] + a.of("a")["excellent"]
    1.0

    .. versionadded:: 0.3
    """
    if not isinstance(table, ScoreTable):
        raise InvalidInputError(f"acceptability: table must be a ScoreTable, got {table!r}")
    if not is_int(samples) or samples < 1:
        raise InvalidInputError(f"acceptability: samples must be an integer >= 1, got {samples!r}")
    lo, hi = _check_bounds(table, bounds)
    rng = rng_from(seed, where="acceptability")
    draws = lo[None, :] + (hi - lo)[None, :] * rng.random((int(samples), lo.size))
    scheme = table.scheme
    s = np.nan_to_num(table.attainment)
    app = table.applicable.astype(np.float64)
    sw, n = s * app, len(table)
    keys = np.char.add(np.asarray(table.periods, dtype=str), np.asarray(table.groups, dtype=str))
    groups = np.unique(keys, return_inverse=True)[1].astype(np.int64)
    domains = np.unique(np.asarray(table.periods, dtype=str), return_inverse=True)[1]
    caps = table._caps(np.arange(n, dtype=np.int64))  # noqa: SLF001
    counts = np.zeros((n, len(scheme.grades)), dtype=np.int64)
    for w in draws:
        den = app @ w
        total = np.where(den > 0, 100.0 * (sw @ w) / np.where(den > 0, den, 1.0), 0.0)
        total -= table.penalties
        g = grade(
            total,
            groups,
            grades=scheme.grades,
            quota_rounding=scheme.quota_rounding,
            ties="exclude_block" if scheme.ties == "secondary_keys" else scheme.ties,
            caps=caps,
            # rows are in (period, cadre id) order, so row order breaks ties by id
            domains=domains,
            apportionment=scheme.apportionment,
            min_seats=scheme.min_seats,
        )
        counts[np.arange(n), g.codes] += 1
    return Acceptability(
        cadre_ids=tuple(str(c) for c in table.cadre_ids),
        periods=tuple(str(p) for p in table.periods),
        grade_ids=tuple(g.id for g in scheme.grades),
        probability=counts / float(samples),
        samples=int(samples),
        bounds=tuple((i, float(lo[j]), float(hi[j])) for j, i in enumerate(table.indicator_ids)),
    )
