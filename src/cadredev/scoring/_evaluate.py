"""The absolute score: the numeric evaluation context and :func:`score`.

:class:`ScoreContext` holds everything needed to (re)compute attainments,
penalties and veto caps for any rows of a table, vectorised over blocks of
rows; :func:`score` runs it chunk by chunk, applies exemptions and grades the
totals. The :class:`~cadredev.scoring.ScoreTable` it returns keeps the
context to explain any row later.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, Line

from ._exempt import AppliedExemption, Exemption
from ._grade import Grading, grade
from ._normalise import Linear, Target
from ._periods import check_period, contains, period_months
from ._records import Records
from ._scheme import Indicator, Scheme
from ._table import ScoreTable

__all__ = ["ScoreContext", "score"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]

_CHUNK = 16384

# overlay: table row -> target id -> share still counted (0 waives)
Overlay = Mapping[str, float]


class ScoreContext:
    """Everything needed to (re)compute attainments for any rows of a table."""

    def __init__(
        self,
        scheme: Scheme,
        cadres: Sequence[Cadre],
        records: Records,
        periods: tuple[str, ...],
    ) -> None:
        self.scheme = scheme
        self.cadres = tuple(cadres)  # table cadre order (sorted by id)
        self.periods = periods
        self.records = records
        self.inds: tuple[Indicator, ...] = scheme.all_indicators
        self.k = len(self.inds)
        self.n_c = len(self.cadres)
        self.n_p = len(periods)
        self.n = self.n_c * self.n_p
        self.w = np.array([i.weight for i in self.inds], dtype=np.float64)
        lines: list[Line | None] = sorted({c.line for c in self.cadres}, key=_line_key)
        self.lines = lines
        self.app_line = np.array(
            [[scheme.applies_to(i.id, line) for i in self.inds] for line in lines], dtype=bool
        ).reshape(len(lines), self.k)
        lpos = {line: k for k, line in enumerate(lines)}
        self.line_c = np.array([lpos[c.line] for c in self.cadres], dtype=np.int64)
        self.single_line = len(lines) <= 1
        self.line_den = self.app_line.astype(np.float64) @ self.w
        self.pen = scheme.penalties
        self.pen_app = np.array(
            [[p.lines is None or line in p.lines for p in self.pen] for line in lines], dtype=bool
        ).reshape(len(lines), len(self.pen))
        cpos = {c.id: k for k, c in enumerate(self.cadres)}
        self.src = _source_rows(records, self.cadres, cpos, periods)
        rec_index = {ind: j for j, ind in enumerate(records.indicators)}
        self.col_value = [rec_index.get(i.id) for i in self.inds]
        self.col_num = [rec_index.get(i.id + ".num") for i in self.inds]
        self.col_den = [rec_index.get(i.id + ".den") for i in self.inds]
        self.col_pen = [rec_index.get(p.id) for p in self.pen]
        self.col_veto = [rec_index.get(v.id) for v in scheme.vetoes]
        self.folded = self._fold()
        self.relative: dict[int, FloatArray] = {}
        self.cadre_of: dict[str, int] = cpos
        self.group_rows: IntArray = np.zeros(self.n, dtype=np.int64)
        self.graded_groups: IntArray = np.zeros(1, dtype=np.int64)
        self.seats: IntArray = np.zeros((1, len(scheme.grades)), dtype=np.int64)
        self.unit_code: IntArray = np.zeros(self.n_c, dtype=np.int64)
        self.group_labels: tuple[str, ...] = ("zone",)
        self.cache: dict[str, Any] = {}
        plen = np.array([_months(p) for p in periods], dtype=np.float64)
        self.scale: list[FloatArray | None] = [
            None if i.per is None else _months_per(i.per) / plen for i in self.inds
        ]

    # ---------------------------------------------------------------- rows

    def block(self, rows: slice | IntArray) -> FloatArray:
        """Return the record values (``NaN`` = missing) of some table rows."""
        m = self.records.matrix
        if self.src is None:
            return m[rows]
        src = self.src[rows]
        out = m[np.maximum(src, 0)] if m.shape[0] else np.full((src.size, m.shape[1]), np.nan)
        if m.shape[1]:
            out = np.asarray(out, dtype=np.float64).copy()
            out[src < 0] = np.nan
        return out

    def index(self, rows: slice | IntArray) -> IntArray:
        """Return the table row numbers selected by ``rows``."""
        if isinstance(rows, slice):
            start, stop, step = rows.indices(self.n)
            return np.arange(start, stop, step)
        return rows

    def line_rows(self, rows: slice | IntArray) -> IntArray:
        if self.single_line:
            idx = self.index(rows)
            return np.zeros(idx.size, dtype=np.int64)
        return self.line_c[self.index(rows) % max(self.n_c, 1)]

    def factor(self, j: int, rows: slice | IntArray) -> FloatArray:
        """Return the factors turning indicator ``j``'s raw values into reference units."""
        idx = self.index(rows)
        sc = self.scale[j]
        if sc is None:
            return np.ones(idx.size)
        return np.asarray(sc[idx // max(self.n_c, 1)], dtype=np.float64)

    def raw_value(self, j: int, x: FloatArray) -> tuple[FloatArray, BoolArray | None]:
        """Return indicator ``j``'s raw values in a block and its not-available mask."""
        ind = self.inds[j]
        cv = self.col_value[j]
        m = x.shape[0]
        if ind.kind == "rate":
            val = x[:, cv] if cv is not None else np.full(m, np.nan)
            cn, cd = self.col_num[j], self.col_den[j]
            if cn is not None and cd is not None:
                num = x[:, cn]
                den = x[:, cd]
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
                ratio = np.where(np.isnan(num), np.nan, ratio)
                val = np.where(np.isnan(val), ratio, val)
            na = np.isnan(val)
            return np.where(na, 0.0, val), na
        if cv is None:
            return np.zeros(m), None
        col = x[:, cv]
        if self.src is None and self.records.dense:
            return col, None  # from_matrix data holds no missing values
        return np.nan_to_num(col, nan=0.0), None

    def attain(
        self, rows: slice | IntArray, overlays: Sequence[Overlay] | None = None
    ) -> tuple[FloatArray, BoolArray, FloatArray]:
        """Return ``(attainment, applicable, raw)`` blocks for some table rows."""
        x = self.block(rows)
        m = x.shape[0]
        lr = self.line_rows(rows)
        app = np.array(self.app_line[lr], dtype=bool) if self.k else np.zeros((m, 0), bool)
        s = np.empty((m, self.k))
        raw = np.empty((m, self.k))
        for j, ind in enumerate(self.inds):
            v, na = self.raw_value(j, x)
            raw[:, j] = np.where(na, np.nan, v) if na is not None else v
            if na is not None:
                app[:, j] &= ~na
            if ind.normalise.relative:
                full = self.relative_column(j)
                s[:, j] = full[rows]
            else:
                if self.scale[j] is not None:
                    v = v * self.factor(j, rows)
                s[:, j] = ind.normalise.apply(v)  # type: ignore[union-attr]
        if overlays is not None:
            for r, ov in enumerate(overlays):
                for j, ind in enumerate(self.inds):
                    share = ov.get(ind.id)
                    if share is None or not app[r, j]:
                        continue
                    if share == 0.0:
                        app[r, j] = False
                    elif s[r, j] < 1.0:
                        s[r, j] = 1.0 - share * (1.0 - s[r, j])
        s[~app] = 0.0
        return s, app, raw

    def relative_column(self, j: int) -> FloatArray:
        if j in self.relative:
            return self.relative[j]
        ind = self.inds[j]
        x = self.block(slice(None))
        v, na = self.raw_value(j, x)
        app = self.app_line[self.line_rows(slice(None)), j]
        if na is not None:
            app = app & ~na
        out = np.zeros(self.n)
        for p in range(self.n_p):
            rows = np.arange(p * self.n_c, (p + 1) * self.n_c)
            use = rows[app[rows]]
            out[use] = ind.normalise.apply_relative(  # type: ignore[union-attr]
                v[use], increasing=ind.direction == "max"
            )
        self.relative[j] = out
        return out

    def penalties(
        self, rows: slice | IntArray, x: FloatArray, overlays: Sequence[Overlay] | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """Return ``(points per penalty (m x p), event counts (m x p))``."""
        m = x.shape[0]
        lr = self.line_rows(rows)
        pts = np.zeros((m, len(self.pen)))
        counts = np.zeros((m, len(self.pen)))
        for q, pen in enumerate(self.pen):
            c = self.col_pen[q]
            if c is None:
                continue
            cnt = np.nan_to_num(x[:, c], nan=0.0)
            counts[:, q] = cnt
            p = cnt * pen.points
            if pen.cap is not None:
                p = np.minimum(p, pen.cap)
            pts[:, q] = p * self.pen_app[lr, q]
        if overlays is not None:
            for r, ov in enumerate(overlays):
                for q, pen in enumerate(self.pen):
                    share = ov.get(pen.id)
                    if share is not None:
                        pts[r, q] *= share
        return pts, counts

    def vetoes(
        self, x: FloatArray, overlays: Sequence[Overlay] | None = None
    ) -> tuple[IntArray, BoolArray]:
        """Return ``(best grade index allowed, vetoed (m x v))``."""
        m = x.shape[0]
        last = len(self.scheme.grades) - 1
        caps = np.zeros(m, dtype=np.int64)
        hit = np.zeros((m, len(self.scheme.vetoes)), dtype=bool)
        for q, veto in enumerate(self.scheme.vetoes):
            c = self.col_veto[q]
            if c is None:
                continue
            h = np.nan_to_num(x[:, c], nan=0.0) >= veto.threshold
            if overlays is not None:
                for r, ov in enumerate(overlays):
                    if ov.get(veto.id) == 0.0:
                        h[r] = False
            hit[:, q] = h
            cap = last if veto.cap is None else self.scheme.grade_index(veto.cap)
            caps = np.where(h, np.maximum(caps, cap), caps)
        return caps, hit

    def _fold(self) -> tuple[FloatArray, ...] | None:
        """Fold every normaliser into per-record-column affine maps, if possible.

        When the records are a dense matrix (no missing values), every cadre
        is on one line and every indicator is a :class:`Target` or
        :class:`Linear` without period scaling, each attainment is
        ``clip(a*x + b, 0, hi) + e * clip(c*x + d, 0, 1)`` (an unclipped
        ``Linear`` is just ``a*x + b``). The weights fold into ``e`` and into
        the affine parts, so a chunk's weighted sum is a few whole-block
        operations and matrix-vector products. Returns the parameter vectors
        (aligned to the record columns) or ``None``.
        """
        m = self.records.matrix
        if self.src is not None or not self.records.dense or not self.single_line or not self.k:
            return None
        k_rec = m.shape[1]
        a, b, hi = np.zeros(k_rec), np.zeros(k_rec), np.zeros(k_rec)
        c, d, e = np.zeros(k_rec), np.zeros(k_rec), np.zeros(k_rec)
        lin_a, lin_b = np.zeros(k_rec), 0.0
        w_all = self.w / self.line_den[0] * 100.0 if self.line_den[0] > 0 else self.w * 0.0
        used = np.zeros(k_rec, dtype=bool)
        for j, ind in enumerate(self.inds):
            col = self.col_value[j]
            norm = ind.normalise
            w = float(w_all[j]) if self.app_line[0, j] else 0.0
            if ind.kind == "rate" or ind.per is not None or (col is None and w):
                return None
            if col is None or w == 0.0:
                continue
            if used[col]:
                return None
            used[col] = True
            if isinstance(norm, Target):
                span = norm.target - norm.floor
                a[col], b[col], hi[col] = w / span, -norm.floor * w / span, w
                if norm.cap > 1.0:
                    far = (
                        norm.stretch
                        if norm.stretch is not None
                        else (norm.target + (norm.cap - 1.0) * span)
                    )
                    c[col] = 1.0 / (far - norm.target)
                    d[col] = -norm.target / (far - norm.target)
                    e[col] = w * (norm.cap - 1.0)
            elif isinstance(norm, Linear):
                span = norm.hi - norm.lo
                if norm.clip:
                    a[col], b[col], hi[col] = w / span, -norm.lo * w / span, w
                else:
                    lin_a[col] = w / span
                    lin_b += -norm.lo * w / span
            else:
                return None
        return a, b, hi, c, d, e, lin_a, np.array([lin_b])

    def folded_totals(self, rows: slice) -> FloatArray:
        """Return base scores of a dense slice with the folded normalisers."""
        assert self.folded is not None  # noqa: S101
        a, b, hi, c, d, e, lin_a, lin_b = self.folded
        x = self.records.matrix[rows]
        ones = np.ones(a.size)
        block = x * a
        block += b
        np.minimum(block, hi, out=block)
        np.maximum(block, 0.0, out=block)
        base = block @ ones
        if e.any():
            block = np.multiply(x, c, out=block)
            block += d
            np.minimum(block, 1.0, out=block)
            np.maximum(block, 0.0, out=block)
            base += block @ e
        if lin_a.any() or lin_b[0]:
            base += x @ lin_a + lin_b[0]
        return np.asarray(base, dtype=np.float64)

    def fast_totals(self, rows: slice) -> tuple[FloatArray, FloatArray, IntArray]:
        """Return what :meth:`totals` does, for a slice of rows without overlays.

        Attainments go into a ``(indicators x rows)`` block and the weighted
        sums come from one matrix-vector product; not-applicable indicators
        are dropped from the denominator.
        """
        x = self.block(rows)
        m = x.shape[0]
        if self.folded is not None:
            base = self.folded_totals(rows)
            if not self.pen and not self.scheme.vetoes:
                return base, np.zeros(m), np.zeros(m, dtype=np.int64)
            pts, _ = self.penalties(rows, x)
            pen = pts.sum(axis=1)
            caps, _ = self.vetoes(x)
            return base - pen, pen, caps
        block = np.empty((self.k, m))
        lr = None if self.single_line else self.line_rows(rows)
        den: FloatArray | float = float(self.line_den[0]) if lr is None else self.line_den[lr]
        for j, ind in enumerate(self.inds):
            if lr is None and not self.app_line[0, j]:
                block[j] = 0.0
                continue
            v, na = self.raw_value(j, x)
            if ind.normalise.relative:
                sj = self.relative_column(j)[rows]
            else:
                if self.scale[j] is not None:
                    v = v * self.factor(j, rows)
                sj = ind.normalise.apply(v)  # type: ignore[union-attr]
            applies = None if lr is None else self.app_line[lr, j]
            if na is not None:
                applies = ~na if applies is None else applies & ~na
                den = den - self.w[j] * (na if lr is None else na & self.app_line[lr, j])
            block[j] = sj if applies is None else sj * applies
        num = self.w @ block
        den_arr = np.broadcast_to(np.asarray(den, dtype=np.float64), (m,))
        with np.errstate(divide="ignore", invalid="ignore"):
            base = np.where(den_arr > 0, num * (100.0 / np.where(den_arr > 0, den_arr, 1.0)), 0.0)
        if not self.pen and not self.scheme.vetoes:
            return base, np.zeros(m), np.zeros(m, dtype=np.int64)
        pts, _ = self.penalties(rows, x)
        pen = pts.sum(axis=1)
        caps, _ = self.vetoes(x)
        return base - pen, pen, caps

    def totals(
        self, rows: slice | IntArray, overlays: Sequence[Overlay] | None = None
    ) -> tuple[FloatArray, FloatArray, IntArray]:
        """Return ``(total, penalty points, grade caps)`` of some table rows."""
        s, app, _ = self.attain(rows, overlays)
        den = app @ self.w
        num = s @ self.w
        with np.errstate(divide="ignore", invalid="ignore"):
            base = np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1.0), 0.0)
        x = self.block(rows)
        pts, _ = self.penalties(rows, x, overlays)
        pen = pts.sum(axis=1)
        caps, _ = self.vetoes(x, overlays)
        return base - pen, pen, caps

    def chunks(self) -> Iterator[slice]:
        """Yield slices covering every table row, a bounded block at a time."""
        for r0 in range(0, self.n, _CHUNK):
            yield slice(r0, min(self.n, r0 + _CHUNK))

    def matrix(self) -> tuple[FloatArray, BoolArray]:
        """Return ``(attainment, applicable)`` of every table row (rows x indicators)."""
        s = np.empty((self.n, self.k))
        app = np.empty((self.n, self.k), dtype=bool)
        for sl in self.chunks():
            s[sl], app[sl], _ = self.attain(sl)
        return s, app

    def points(self, s: FloatArray, app: BoolArray) -> FloatArray:
        """Return the points each indicator adds to the total, from its attainment."""
        den = app @ self.w
        scale = np.where(den > 0, 100.0 / np.where(den > 0, den, 1.0), 0.0)
        return s * self.w[None, :] * scale[:, None]


def _source_rows(
    records: Records,
    cadres: tuple[Cadre, ...],
    cadre_of: Mapping[str, int],
    periods: tuple[str, ...],
) -> IntArray | None:
    """Return the record row of each table row (-1 if none), or ``None`` if they coincide."""
    n_c = len(cadres)
    n = n_c * len(periods)
    if records.cadres == tuple(c.id for c in cadres):
        cmap = np.arange(len(records.cadres), dtype=np.int64)
    else:
        cmap = np.array([cadre_of.get(c, -1) for c in records.cadres], dtype=np.int64)
    ppos = {p: k for k, p in enumerate(periods)}
    pmap = np.array([ppos.get(p, -1) for p in records.periods], dtype=np.int64)
    rc = cmap[records.cadre_code] if cmap.size else records.cadre_code
    rp = pmap[records.period_code] if pmap.size else records.period_code
    valid = (rc >= 0) & (rp >= 0)
    dest = rp * n_c + rc
    if records.n_rows == n and bool(valid.all()) and np.array_equal(dest, np.arange(n)):
        return None
    src = np.full(n, -1, dtype=np.int64)
    rows = np.nonzero(valid)[0]
    src[dest[rows]] = rows
    return src


def _months(label: str) -> int:
    a, b = period_months(label)
    return b - a + 1


def _months_per(per: str) -> float:
    return {"month": 1.0, "quarter": 3.0, "year": 12.0}[per]


def _line_key(line: Line | None) -> tuple[int, str]:
    return (1, "") if line is None else (0, line.value)


def score(
    scheme: Scheme,
    cadres: Iterable[Cadre],
    records: Records,
    *,
    period: str | None = None,
    exemptions: Iterable[Exemption] = (),
) -> ScoreTable:
    """Score every cadre in every period against fixed references, then grade.

    Stage one is absolute: each indicator's attainment against its own
    references, weighted and averaged over the indicators that apply to the
    cadre's line (a not-applicable indicator is left out and the weights
    renormalised, it does not count as zero; a rate whose denominator is zero
    or missing is not applicable either), times 100, less penalty points.
    Missing flows, stocks and event counts count as 0. Stage two is
    :func:`grade` with the scheme's grades, quotas, rounding, tie rule and
    grouping, per period, with vetoes as caps. Rows are (cadre, period) pairs
    for every cadre given and every period in the records (or ``period``),
    ordered by period, then cadre id.

    Parameters
    ----------
    scheme
        The :class:`Scheme`.
    cadres
        The cadres to score; every cadre in the records must be among them.
        Cadres whose line has no indicator are listed in
        :attr:`ScoreTable.excluded` with the reason.
    records
        The measured values.
    period
        Score only this period.
    exemptions
        Approved :class:`Exemption` overlays.

    Returns
    -------
    ScoreTable

    Raises
    ------
    InvalidInputError
        For a record of an unknown cadre or indicator, an unknown period, an
        exemption for an unknown cadre or target, or duplicate cadre ids.

    Examples
    --------
    >>> from cadredev import Cadre
    >>> from cadredev.scoring import Indicator, Records, Scheme, Target, score
    >>> scheme = Scheme(
    ...     name="demo",
    ...     indicators={"investment": [Indicator(id="visits", normalise=Target(0, 20))]},
    ... )
    >>> people = [
    ...     Cadre(id=i, name=i, birth_year=1990, rank="section", unit="u", line="investment")
    ...     for i in ("a", "b")
    ... ]
    >>> rec = Records.from_rows([("a", "2025-01", "visits", 18), ("b", "2025-01", "visits", 10)])
    >>> table = score(scheme, people, rec)
    >>> table.total.tolist(), table.grade.tolist()
    ([90.0, 50.0], ['competent', 'basic'])

    .. versionadded:: 0.1
    """
    people = _check_inputs(scheme, cadres, records)
    periods = _scored_periods(records, period)
    included, excluded = _scored_cadres(scheme, people)
    ctx = ScoreContext(scheme, included, records, periods)
    # stage one: absolute totals, chunk by chunk, then the exemption overlays
    total = np.empty(ctx.n)
    pen = np.empty(ctx.n)
    caps = np.empty(ctx.n, dtype=np.int64)
    for sl in ctx.chunks():
        total[sl], pen[sl], caps[sl] = ctx.fast_totals(sl)
    applied, unused = _apply_exemptions(
        ctx, exemptions=tuple(exemptions), people=people, total=total, pen=pen, caps=caps
    )
    # stage two: grades per group and period
    graded = _grade_rows(ctx, total, caps)
    return ScoreTable(
        scheme=scheme,
        total=total,
        penalties=pen,
        grade_code=graded.codes,
        rank=graded.rank,
        vetoed=caps > 0,
        excluded=excluded,
        exemptions_applied=applied,
        exemptions_unused=unused,
        context=ctx,
    )


def _check_inputs(scheme: Scheme, cadres: Iterable[Cadre], records: Records) -> dict[str, Cadre]:
    """Return the cadres by id after checking that the records fit them and the scheme."""
    if not isinstance(scheme, Scheme):
        raise InvalidInputError(f"score: scheme must be a Scheme, got {type(scheme).__name__}")
    if not isinstance(records, Records):
        raise InvalidInputError(f"score: records must be Records, got {type(records).__name__}")
    people: dict[str, Cadre] = {}
    for c in cadres:
        if not isinstance(c, Cadre):
            raise InvalidInputError(f"score: cadres must be Cadre records, got {c!r}")
        if c.id in people:
            raise InvalidInputError(f"score: duplicate cadre id {c.id!r}")
        people[c.id] = c
    for cid in records.cadres:
        if cid not in people:
            raise InvalidInputError(
                f"score: records hold cadre {cid!r}, which is not among the cadres given"
            )
    known = scheme.known_ids()
    for ind in records.indicators:
        if ind not in known:
            raise InvalidInputError(
                f"score: records hold indicator {ind!r}, unknown to scheme {scheme.name!r}; "
                f"expected one of {sorted(known)}"
            )
    return people


def _scored_periods(records: Records, period: str | None) -> tuple[str, ...]:
    """Return the periods to score: ``period`` alone, or every period in the records."""
    if period is None:
        return records.periods
    check_period(period, where="score")
    if period not in records.periods:
        raise InvalidInputError(
            f"score: no records for period {period!r}; records hold {list(records.periods)}"
        )
    return (period,)


def _scored_cadres(
    scheme: Scheme, people: Mapping[str, Cadre]
) -> tuple[list[Cadre], tuple[tuple[str, str], ...]]:
    """Split the cadres (sorted by id) into those scored and those excluded, with why."""
    excluded: list[tuple[str, str]] = []
    included: list[Cadre] = []
    has_indicators = {
        line: bool(scheme.for_line(line)) for line in {c.line for c in people.values()}
    }
    for cid in sorted(people):
        c = people[cid]
        if not has_indicators[c.line]:
            line = "none" if c.line is None else c.line.value
            excluded.append((cid, f"scheme {scheme.name!r} has no indicator for line {line}"))
        else:
            included.append(c)
    return included, tuple(excluded)


def _grade_rows(ctx: ScoreContext, total: FloatArray, caps: IntArray) -> Grading:
    """Grade the totals per group and period; record the groups and seats on ``ctx``."""
    scheme = ctx.scheme
    if scheme.group_by == "unit":
        units = sorted({c.unit for c in ctx.cadres})
        upos = {u: k for k, u in enumerate(units)}
        gc = np.array([upos[c.unit] for c in ctx.cadres], dtype=np.int64)
        labels: list[str] = units
    elif scheme.group_by == "line":
        gc = ctx.line_c
        labels = ["none" if ln is None else ln.value for ln in ctx.lines]
    else:
        gc = np.zeros(ctx.n_c, dtype=np.int64)
        labels = ["zone"]
    n_g = max(len(labels), 1)
    groups = (np.arange(ctx.n_p)[:, None] * n_g + gc[None, :]).ravel()
    secondary = None
    if scheme.ties == "secondary_keys" and scheme.secondary_keys:
        cols = [scheme.indicator_ids.index(k) for k in scheme.secondary_keys]
        secondary = np.empty((ctx.n, len(cols)))
        for sl in ctx.chunks():
            s, _, _ = ctx.attain(sl)
            secondary[sl] = s[:, cols]
    graded = grade(
        total,
        groups,
        grades=scheme.grades,
        quota_rounding=scheme.quota_rounding,
        ties=scheme.ties,
        secondary=secondary,
        caps=caps,
        domains=None
        if scheme.apportionment == "per_group"
        else np.repeat(np.arange(ctx.n_p), ctx.n_c),
        apportionment=scheme.apportionment,
    )
    ctx.group_rows = groups
    ctx.graded_groups = np.asarray(graded.groups, dtype=np.int64)
    ctx.seats = graded.seats
    ctx.unit_code = gc
    ctx.group_labels = tuple(labels) or ("zone",)
    return graded


def _apply_exemptions(
    ctx: ScoreContext,
    *,
    exemptions: tuple[Exemption, ...],
    people: Mapping[str, Cadre],
    total: FloatArray,
    pen: FloatArray,
    caps: IntArray,
) -> tuple[tuple[AppliedExemption, ...], tuple[tuple[Exemption, str], ...]]:
    """Rescore the exempted rows with their overlays; keep a total only where it rose."""
    targets = set(ctx.scheme.indicator_ids) | {p.id for p in ctx.pen}
    vetoes = {v.id for v in ctx.scheme.vetoes}
    per_row: dict[int, dict[str, float]] = {}
    sources: dict[int, list[Exemption]] = {}
    unused: list[tuple[Exemption, str]] = []
    for e in exemptions:
        if not isinstance(e, Exemption):
            raise InvalidInputError(f"score: exemptions must be Exemption records, got {e!r}")
    for e in sorted(
        set(exemptions),
        key=lambda e: (e.cadre_id, e.period, e.target, e.policy, e.factor, e.reason, e.approved_by),
    ):
        _check_exemption(e, people, targets, vetoes)
        c = ctx.cadre_of.get(e.cadre_id)
        hits = [p for p, label in enumerate(ctx.periods) if contains(label, e.period)]
        if c is None or not hits:
            why = "cadre not scored" if c is None else f"period {e.period} not scored"
            unused.append((e, why))
            continue
        for p in hits:
            row = p * ctx.n_c + c
            ov = per_row.setdefault(row, {})
            ov[e.target] = min(ov.get(e.target, 1.0), e.strength)
            sources.setdefault(row, []).append(e)
    applied: list[AppliedExemption] = []
    if per_row:
        rows = np.array(sorted(per_row), dtype=np.int64)
        overlays = [per_row[int(r)] for r in rows]
        t_new, p_new, cp = ctx.totals(rows, overlays)
        for k, r in enumerate(rows):
            gain = float(t_new[k] - total[r])
            if gain >= 0:
                total[r], pen[r] = t_new[k], p_new[k]
            caps[r] = min(caps[r], cp[k])
            applied.extend(
                AppliedExemption(
                    exemption=e, period=ctx.periods[int(r) // ctx.n_c], gain=max(gain, 0.0)
                )
                for e in sources[int(r)]
            )
    return tuple(applied), tuple(unused)


def _check_exemption(
    e: Exemption, people: Mapping[str, Cadre], targets: set[str], vetoes: set[str]
) -> None:
    if e.cadre_id not in people:
        raise InvalidInputError(
            f"score: exemption for unknown cadre {e.cadre_id!r} (target {e.target!r})"
        )
    if e.target not in targets | vetoes:
        raise InvalidInputError(
            f"score: exemption for cadre {e.cadre_id!r} names unknown indicator, penalty "
            f"or veto {e.target!r}"
        )
    if e.target in vetoes and e.policy != "waive":
        raise InvalidInputError(
            f"score: exemption for cadre {e.cadre_id!r}: a veto ({e.target!r}) can only "
            "be waived, not mitigated"
        )
