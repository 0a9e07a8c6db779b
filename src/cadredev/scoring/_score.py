"""The absolute score and the score table.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
from attrs import field, frozen

from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, FrozenDict, Line

from ._exempt import AppliedExemption, Exemption
from ._grade import grade
from ._normalise import Linear, Target
from ._periods import check_period, contains, period_months
from ._records import Records
from ._scheme import Indicator, Scheme
from ._util import html_table, need_pandas

__all__ = [
    "Contribution",
    "Explanation",
    "Leaderboard",
    "LeaderboardRow",
    "PoolEntry",
    "ReservePool",
    "ScoreTable",
    "score",
]

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]
ObjArray = np.ndarray[Any, np.dtype[np.object_]]

_CHUNK = 16384

# overlay: table row -> target id -> share still counted (0 waives)
Overlay = Mapping[str, float]


class _Context:
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
        # record rows -> table rows
        cpos = {c.id: k for k, c in enumerate(self.cadres)}
        if records.cadres == tuple(c.id for c in self.cadres):
            cmap = np.arange(len(records.cadres), dtype=np.int64)
        else:
            cmap = np.array([cpos.get(c, -1) for c in records.cadres], dtype=np.int64)
        ppos = {p: k for k, p in enumerate(periods)}
        pmap = np.array([ppos.get(p, -1) for p in records.periods], dtype=np.int64)
        rc = cmap[records.cadre_code] if cmap.size else records.cadre_code
        rp = pmap[records.period_code] if pmap.size else records.period_code
        valid = (rc >= 0) & (rp >= 0)
        dest = rp * self.n_c + rc
        self.src: IntArray | None
        if (
            records.n_rows == self.n
            and bool(valid.all())
            and np.array_equal(dest, np.arange(self.n))
        ):
            self.src = None
        else:
            src = np.full(self.n, -1, dtype=np.int64)
            rows = np.nonzero(valid)[0]
            src[dest[rows]] = rows
            self.src = src
        rec_index = {ind: j for j, ind in enumerate(records.indicators)}
        self.col_value = [rec_index.get(i.id) for i in self.inds]
        self.col_num = [rec_index.get(i.id + ".num") for i in self.inds]
        self.col_den = [rec_index.get(i.id + ".den") for i in self.inds]
        self.col_pen = [rec_index.get(p.id) for p in self.pen]
        self.col_veto = [rec_index.get(v.id) for v in scheme.vetoes]
        self.folded = self._fold()
        self.relative: dict[int, FloatArray] = {}
        self._raw_cache: dict[int, FloatArray] = {}
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
    if period is not None:
        check_period(period, where="score")
        if period not in records.periods:
            raise InvalidInputError(
                f"score: no records for period {period!r}; records hold {list(records.periods)}"
            )
        periods: tuple[str, ...] = (period,)
    else:
        periods = records.periods
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
    ctx = _Context(scheme, included, records, periods)

    # ---------------------------------------------------------- stage one
    n = ctx.n
    total = np.empty(n)
    pen = np.empty(n)
    caps = np.empty(n, dtype=np.int64)
    for r0 in range(0, n, _CHUNK):
        sl = slice(r0, min(n, r0 + _CHUNK))
        total[sl], pen[sl], caps[sl] = ctx.fast_totals(sl)

    applied, unused = _apply_exemptions(
        ctx, exemptions=tuple(exemptions), people=people, total=total, pen=pen, caps=caps
    )

    # ---------------------------------------------------------- stage two
    if scheme.group_by == "unit":
        units = sorted({c.unit for c in included})
        upos = {u: k for k, u in enumerate(units)}
        gc = np.array([upos[c.unit] for c in included], dtype=np.int64)
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
        secondary = np.empty((n, len(cols)))
        for r0 in range(0, n, _CHUNK):
            sl = slice(r0, min(n, r0 + _CHUNK))
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
    return ScoreTable(
        scheme=scheme,
        total=total,
        penalties=pen,
        grade_code=graded.codes,
        rank=graded.rank,
        vetoed=caps > 0,
        excluded=tuple(excluded),
        exemptions_applied=applied,
        exemptions_unused=unused,
        context=ctx,
    )


def _apply_exemptions(
    ctx: _Context,
    *,
    exemptions: tuple[Exemption, ...],
    people: Mapping[str, Cadre],
    total: FloatArray,
    pen: FloatArray,
    caps: IntArray,
) -> tuple[tuple[AppliedExemption, ...], tuple[tuple[Exemption, str], ...]]:
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
        if not isinstance(e, Exemption):
            raise InvalidInputError(f"score: exemptions must be Exemption records, got {e!r}")
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


@frozen(kw_only=True)
class Contribution:
    """One indicator's part in a cadre's total.

    Examples
    --------
    >>> from cadredev.scoring._samples import demo_table
    >>> c = demo_table().explain("a").contributions[0]
    >>> c.indicator, c.raw, c.attainment, c.points
    ('visits', 18.0, 0.9, 90.0)

    .. versionadded:: 0.1
    """

    indicator: str
    label: str
    unit: str
    raw: float | None
    attainment: float
    weight: float
    points: float
    applicable: bool
    to_next: float | None = None
    """Raw change (in ``unit``) that alone would reach the next grade, if any."""


@frozen(kw_only=True)
class Explanation:
    """Why a cadre got its score and grade (see :meth:`ScoreTable.explain`).

    Examples
    --------
    >>> from cadredev.scoring._samples import demo_table
    >>> print(demo_table().explain("a"))
    a 2025-01: total 90.00, grade competent, rank 2 in u
      visits: raw 18.0 -> 0.900 x w1 = 90.00
      to excellent: 5.00 points

    .. versionadded:: 0.1
    """

    cadre_id: str
    period: str
    total: float
    grade: str
    rank: int
    group: str
    contributions: tuple[Contribution, ...]
    penalties: tuple[tuple[str, float, float], ...]
    """``(penalty id, events, points deducted)``."""
    vetoes: tuple[str, ...]
    exemptions: tuple[AppliedExemption, ...]
    next_grade: str | None
    gap: float | None
    """Points missing to reach :attr:`next_grade`; ``None`` if it cannot be reached."""
    note: str = ""

    def __str__(self) -> str:
        head = (
            f"{self.cadre_id} {self.period}: total {self.total:.2f}, grade {self.grade}, "
            f"rank {self.rank} in {self.group}"
        )
        out = [head]
        for c in self.contributions:
            if c.applicable:
                out.append(
                    f"  {c.indicator}: raw {c.raw} -> {c.attainment:.3f} x w{c.weight:g} = "
                    f"{c.points:.2f}"
                )
            else:
                out.append(f"  {c.indicator}: not applicable")
        out.extend(f"  penalty {pid}: {n:g} events, -{pts:.2f}" for pid, n, pts in self.penalties)
        out.extend(f"  veto {v}" for v in self.vetoes)
        out.extend(
            f"  exemption {a.exemption.target} ({a.exemption.policy}): +{a.gain:.2f}"
            for a in self.exemptions
        )
        if self.next_grade is not None:
            gap = "unreachable" if self.gap is None else f"{self.gap:.2f} points"
            out.append(
                f"  to {self.next_grade}: {gap}{' (' + self.note + ')' if self.note else ''}"
            )
        return "\n".join(out)

    def _repr_html_(self) -> str:
        rows = [
            (c.indicator, c.label, c.raw, c.attainment, c.weight, c.points, c.to_next)
            for c in self.contributions
        ]
        return html_table(
            f"{self.cadre_id} {self.period}: {self.total:.2f} ({self.grade})",
            ("indicator", "label", "raw", "attainment", "weight", "points", "to next grade"),
            rows,
        )


@frozen(kw_only=True)
class LeaderboardRow:
    """One row of a :class:`Leaderboard`.

    Examples
    --------
    >>> from cadredev.scoring._samples import demo_table
    >>> row = demo_table().leaderboard().rows[0]
    >>> row.position, row.cadre_id, dict(row.breakdown)
    (1, 'b', {'visits': 95.0})

    .. versionadded:: 0.1
    """

    position: int
    cadre_id: str
    name: str
    group: str
    total: float
    grade: str
    breakdown: FrozenDict[str, float]


@frozen(kw_only=True)
class Leaderboard:
    """Cadres ranked by total within groups (see :meth:`ScoreTable.leaderboard`).

    Examples
    --------
    >>> from cadredev.scoring._samples import demo_table
    >>> demo_table().leaderboard(top=1).period
    '2025-01'

    .. versionadded:: 0.1
    """

    period: str
    rows: tuple[LeaderboardRow, ...]

    def _repr_html_(self) -> str:
        return html_table(
            f"Leaderboard {self.period}",
            ("#", "cadre", "name", "group", "total", "grade"),
            [(r.position, r.cadre_id, r.name, r.group, r.total, r.grade) for r in self.rows],
        )


@frozen(kw_only=True)
class PoolEntry:
    """A cadre in the promotion reserve pool.

    Examples
    --------
    >>> from cadredev.scoring._samples import demo_table
    >>> demo_table().reserve_pool(per_line=1).entries[0].tenure
    10

    .. versionadded:: 0.1
    """

    cadre_id: str
    line: str
    total: float
    grade: str
    tenure: int


@frozen(kw_only=True)
class ReservePool:
    """The promotion reserve pool (后备库), see :meth:`ScoreTable.reserve_pool`.

    Examples
    --------
    >>> from cadredev.scoring._samples import demo_table
    >>> demo_table().reserve_pool(per_line=1, min_tenure=20).excluded
    (('b', 'tenure 10 < 20 years'), ('a', 'grade competent not admitted'))

    .. versionadded:: 0.1
    """

    period: str
    entries: tuple[PoolEntry, ...]
    excluded: tuple[tuple[str, str], ...]
    """``(cadre id, reason)`` for top scorers kept out (tenure, veto, grade)."""

    @property
    def cadre_ids(self) -> tuple[str, ...]:
        """The ids of the cadres in the pool."""
        return tuple(e.cadre_id for e in self.entries)

    def _repr_html_(self) -> str:
        return html_table(
            f"Reserve pool {self.period}",
            ("cadre", "line", "total", "grade", "tenure"),
            [(e.cadre_id, e.line, e.total, e.grade, e.tenure) for e in self.entries],
        )


@frozen(kw_only=True, eq=False)
class ScoreTable:
    """Scores and grades of every (cadre, period), from :func:`score`.

    Attributes
    ----------
    cadre_ids, periods
        Row labels (ordered by period, then cadre id).
    total
        Score: renormalised weighted attainment times 100, less penalties.
    penalties
        Penalty points deducted.
    grade_code, rank
        Grade index (0 is the best) and 1-based position in the grading group.
    vetoed
        Whether a veto capped the row's grade.
    groups
        The grading group of each row (within its period).
    excluded
        ``(cadre id, reason)`` for cadres not scored.
    exemptions_applied, exemptions_unused
        The exemptions used, and those that matched no scored row (with why).

    Examples
    --------
    >>> from cadredev.scoring._samples import demo_table
    >>> table = demo_table()
    >>> table.cadre_ids.tolist(), table.total.tolist(), table.grade.tolist()
    (['a', 'b'], [90.0, 95.0], ['competent', 'excellent'])
    >>> table.components.tolist()
    [[90.0], [95.0]]

    .. versionadded:: 0.1
    """

    scheme: Scheme
    total: FloatArray = field(repr=False)
    penalties: FloatArray = field(repr=False)
    grade_code: IntArray = field(repr=False)
    rank: IntArray = field(repr=False)
    vetoed: BoolArray = field(repr=False)
    excluded: tuple[tuple[str, str], ...] = ()
    exemptions_applied: tuple[AppliedExemption, ...] = ()
    exemptions_unused: tuple[tuple[Exemption, str], ...] = ()
    context: Any = field(repr=False, default=None)

    def __len__(self) -> int:
        return int(self.total.size)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ScoreTable):
            return NotImplemented
        return (
            self.scheme == other.scheme
            and [c.id for c in self._ctx().cadres] == [c.id for c in other._ctx().cadres]
            and self._ctx().periods == other._ctx().periods
            and np.array_equal(self.total, other.total)
            and np.array_equal(self.penalties, other.penalties)
            and np.array_equal(self.grade_code, other.grade_code)
            and np.array_equal(self.rank, other.rank)
            and np.array_equal(self.vetoed, other.vetoed)
            and self.excluded == other.excluded
            and self.exemptions_applied == other.exemptions_applied
            and self.exemptions_unused == other.exemptions_unused
        )

    __hash__ = None  # type: ignore[assignment]

    def _labels(self, name: str, labels: tuple[str, ...], codes: Any) -> ObjArray:
        ctx = self._ctx()
        if name not in ctx.cache:
            table = np.empty(len(labels), dtype=object)
            table[:] = list(labels)
            ctx.cache[name] = table[codes] if len(labels) else np.zeros(0, dtype=object)
        return ctx.cache[name]  # type: ignore[no-any-return]

    @property
    def cadre_ids(self) -> ObjArray:
        """Each row's cadre id (rows are ordered by period, then cadre id)."""
        ctx = self._ctx()
        codes = np.tile(np.arange(ctx.n_c), ctx.n_p)
        return self._labels("cadre_ids", tuple(c.id for c in ctx.cadres), codes)

    @property
    def periods(self) -> ObjArray:
        """Each row's period label."""
        ctx = self._ctx()
        return self._labels("periods", ctx.periods, np.repeat(np.arange(ctx.n_p), ctx.n_c))

    @property
    def groups(self) -> ObjArray:
        """Each row's grading group (unit, line or ``"zone"``; quotas apply per period)."""
        ctx = self._ctx()
        codes = np.tile(ctx.unit_code, ctx.n_p)
        return self._labels("groups", ctx.group_labels, codes)

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        """The column labels of :attr:`components`."""
        return self.scheme.indicator_ids

    @property
    def grade(self) -> ObjArray:
        """Each row's grade id."""
        ids = np.empty(len(self.scheme.grades), dtype=object)
        ids[:] = [g.id for g in self.scheme.grades]
        return ids[self.grade_code]

    def _ctx(self) -> _Context:
        if self.context is None:
            raise InvalidInputError("ScoreTable: this table carries no scoring context")
        return self.context  # type: ignore[no-any-return]

    @property
    def attainment(self) -> FloatArray:
        """``(rows x indicators)`` attainment of each indicator, 0 where not applicable."""
        return self._matrix()[0]

    @property
    def applicable(self) -> BoolArray:
        """``(rows x indicators)``: whether each indicator applies to the row."""
        return self._matrix()[1]

    @property
    def components(self) -> FloatArray:
        """``(rows x indicators)`` points each indicator adds to :attr:`total`.

        A row's components sum to ``total + penalties`` (exempted rows aside).
        """
        s, app = self._matrix()
        ctx = self._ctx()
        den = app @ ctx.w
        scale = np.where(den > 0, 100.0 / np.where(den > 0, den, 1.0), 0.0)
        return s * ctx.w[None, :] * scale[:, None]

    def _matrix(self) -> tuple[FloatArray, BoolArray]:
        ctx = self._ctx()
        s = np.empty((ctx.n, ctx.k))
        app = np.empty((ctx.n, ctx.k), dtype=bool)
        for r0 in range(0, ctx.n, _CHUNK):
            sl = slice(r0, min(ctx.n, r0 + _CHUNK))
            s[sl], app[sl], _ = ctx.attain(sl)
        return s, app

    def _row(self, cadre_id: str, period: str | None) -> int:
        ctx = self._ctx()
        c = ctx.cadre_of.get(cadre_id)
        if c is None:
            reason = dict(self.excluded).get(cadre_id)
            extra = f" ({reason})" if reason else ""
            raise InvalidInputError(f"ScoreTable: cadre {cadre_id!r} was not scored{extra}")
        if period is None:
            if ctx.n_p != 1:
                raise InvalidInputError(
                    f"ScoreTable: {ctx.n_p} periods scored; pass period= one of {list(ctx.periods)}"
                )
            p = 0
        else:
            if period not in ctx.periods:
                raise InvalidInputError(
                    f"ScoreTable: period {period!r} not scored; expected one of {list(ctx.periods)}"
                )
            p = ctx.periods.index(period)
        return p * ctx.n_c + c

    def _period(self, period: str | None) -> str:
        ctx = self._ctx()
        if period is None:
            if ctx.n_p != 1:
                raise InvalidInputError(
                    f"ScoreTable: {ctx.n_p} periods scored; pass period= one of {list(ctx.periods)}"
                )
            return ctx.periods[0]
        if period not in ctx.periods:
            raise InvalidInputError(
                f"ScoreTable: period {period!r} not scored; expected one of {list(ctx.periods)}"
            )
        return period

    def explain(self, cadre_id: str, *, period: str | None = None) -> Explanation:
        """Explain one cadre's score and grade.

        Lists each indicator's raw value, attainment, weight and points (and
        whether it applied), penalties, vetoes, exemptions applied, and the
        distance to the next better grade: the points missing and, per
        indicator, the raw change (in the indicator's unit) that alone would
        close the gap (``None`` when that indicator cannot).

        Examples
        --------
        >>> from cadredev.scoring._samples import demo_table
        >>> ex = demo_table().explain("a")
        >>> ex.grade, ex.next_grade, round(ex.gap, 2)
        ('competent', 'excellent', 5.0)
        >>> ex.contributions[0].to_next  # one more visit
        1.0

        .. versionadded:: 0.1
        """
        ctx = self._ctx()
        r = self._row(cadre_id, period)
        rows = np.array([r])
        ov = self._overlay(r)
        s, app, raw = ctx.attain(rows, [ov] if ov else None)
        x = ctx.block(rows)
        pts, counts = ctx.penalties(rows, x, [ov] if ov else None)
        _, hit = ctx.vetoes(x, [ov] if ov else None)
        den = float(app[0] @ ctx.w)
        code = int(self.grade_code[r])
        grades = self.scheme.grades
        total = float(self.total[r])
        next_grade = grades[code - 1].id if code > 0 else None
        gap: float | None = None
        note = ""
        if code > 0:
            gap, note = self._gap(r, code - 1)
        contribs = []
        for j, ind in enumerate(ctx.inds):
            unit_pts = 100.0 * ind.weight / den if den > 0 else 0.0
            to_next = None
            if gap is not None and app[0, j] and unit_pts > 0:
                need = s[0, j] + gap / unit_pts
                value = ind.normalise.inverse(need)
                rv = raw[0, j]
                if value is not None and not np.isnan(rv):
                    to_next = (
                        float(value / ctx.factor(j, rows)[0] - rv)
                        if ctx.scale[j] is not None
                        else float(value - rv)
                    )
            contribs.append(
                Contribution(
                    indicator=ind.id,
                    label=ind.label,
                    unit=ind.unit,
                    raw=None if np.isnan(raw[0, j]) else float(raw[0, j]),
                    attainment=float(s[0, j]),
                    weight=ind.weight,
                    points=float(s[0, j] * unit_pts),
                    applicable=bool(app[0, j]),
                    to_next=to_next,
                )
            )
        period_label = ctx.periods[r // ctx.n_c]
        return Explanation(
            cadre_id=cadre_id,
            period=period_label,
            total=total,
            grade=grades[code].id,
            rank=int(self.rank[r]),
            group=str(self.groups[r]),
            contributions=tuple(contribs),
            penalties=tuple(
                (p.id, float(counts[0, q]), float(pts[0, q]))
                for q, p in enumerate(ctx.pen)
                if counts[0, q] > 0
            ),
            vetoes=tuple(v.id for q, v in enumerate(self.scheme.vetoes) if hit[0, q]),
            exemptions=tuple(
                a
                for a in self.exemptions_applied
                if a.exemption.cadre_id == cadre_id and a.period == period_label
            ),
            next_grade=next_grade,
            gap=gap,
            note=note,
        )

    def _overlay(self, r: int) -> dict[str, float]:
        ctx = self._ctx()
        cid = ctx.cadres[r % ctx.n_c].id
        label = ctx.periods[r // ctx.n_c]
        ov: dict[str, float] = {}
        for a in self.exemptions_applied:
            e = a.exemption
            if e.cadre_id == cid and a.period == label and a.gain > 0:
                ov[e.target] = min(ov.get(e.target, 1.0), e.strength)
        return ov

    def _gap(self, r: int, better: int) -> tuple[float | None, str]:
        ctx = self._ctx()
        g = self.scheme.grades[better]
        total = float(self.total[r])
        if self.vetoed[r]:
            caps, _ = ctx.vetoes(ctx.block(np.array([r])), [self._overlay(r)])
            if int(caps[0]) > better:
                return None, "capped by a veto"
        need = g.min_score if g.min_score is not None else -np.inf
        gpos = int(np.searchsorted(ctx.graded_groups, ctx.group_rows[r]))
        if g.quota is not None and ctx.seats[gpos, better] == 0:
            return None, "no seats for this grade in the group"
        if g.quota is not None:
            same = ctx.group_rows == ctx.group_rows[r]
            holders = same & (self.grade_code <= better)
            if holders.any():
                need = max(need, float(self.total[holders].min()))
            elif need == -np.inf:
                return None, "no seats for this grade in the group"
        if need == -np.inf:
            return 0.0, ""
        return max(0.0, need - total), ""

    def leaderboard(
        self,
        *,
        group: Literal["unit", "line"] | None = None,
        period: str | None = None,
        top: int | None = None,
    ) -> Leaderboard:
        """Rank cadres by total (ties by id), zone-wide or within units or lines.

        Examples
        --------
        >>> from cadredev.scoring._samples import demo_table
        >>> [r.cadre_id for r in demo_table().leaderboard().rows]
        ['b', 'a']

        .. versionadded:: 0.1
        """
        ctx = self._ctx()
        label = self._period(period)
        p = ctx.periods.index(label)
        rows = np.arange(p * ctx.n_c, (p + 1) * ctx.n_c)
        comps = self.components_of(rows)

        def gkey(c: Cadre) -> str:
            if group == "unit":
                return c.unit
            if group == "line":
                return "none" if c.line is None else c.line.value
            return "zone"

        order = sorted(
            range(ctx.n_c),
            key=lambda i: (gkey(ctx.cadres[i]), -self.total[rows[i]], ctx.cadres[i].id),
        )
        out: list[LeaderboardRow] = []
        position = 0
        last_group = None
        for i in order:
            c = ctx.cadres[i]
            gk = gkey(c)
            position = position + 1 if gk == last_group else 1
            last_group = gk
            if top is not None and position > top:
                continue
            r = rows[i]
            out.append(
                LeaderboardRow(
                    position=position,
                    cadre_id=c.id,
                    name=c.name,
                    group=gk,
                    total=float(self.total[r]),
                    grade=self.scheme.grades[int(self.grade_code[r])].id,
                    breakdown=FrozenDict(
                        {
                            ind.id: float(comps[i, j])
                            for j, ind in enumerate(ctx.inds)
                            if comps[i, j] != 0.0 or self.applicable_row(r)[j]
                        }
                    ),
                )
            )
        return Leaderboard(period=label, rows=tuple(out))

    def components_of(self, rows: IntArray) -> FloatArray:
        """Return the components of some rows (see :attr:`components`)."""
        ctx = self._ctx()
        s, app, _ = ctx.attain(rows)
        den = app @ ctx.w
        scale = np.where(den > 0, 100.0 / np.where(den > 0, den, 1.0), 0.0)
        return s * ctx.w[None, :] * scale[:, None]

    def applicable_row(self, r: int) -> BoolArray:
        """Return which indicators apply to table row ``r``."""
        _, app, _ = self._ctx().attain(np.array([r]))
        return np.asarray(app[0], dtype=bool)

    def reserve_pool(
        self,
        *,
        per_line: int,
        min_tenure: int = 0,
        as_of: int | None = None,
        period: str | None = None,
        grades: Sequence[str] | None = None,
    ) -> ReservePool:
        """Return the promotion reserve pool: the top ``per_line`` cadres of each line.

        A cadre enters if not vetoed, holding one of ``grades`` (default: every
        grade but the two lowest) and with at least ``min_tenure`` years in the
        zone (``as_of - Cadre.joined_year``; an unknown ``joined_year`` keeps the
        cadre out). Ties are broken by id. Top scorers kept out are listed in
        :attr:`ReservePool.excluded` with the reason.

        Parameters
        ----------
        per_line
            Pool places per work line.
        min_tenure
            Minimum years since joining.
        as_of
            The reference year; defaults to the year of the scored period.
        period
            The period to use (needed when several were scored).
        grades
            Admitted grade ids.

        Examples
        --------
        >>> from cadredev.scoring._samples import demo_table
        >>> demo_table().reserve_pool(per_line=1).cadre_ids
        ('b',)

        .. versionadded:: 0.1
        """
        if isinstance(per_line, bool) or not isinstance(per_line, int) or per_line < 0:
            raise InvalidInputError(
                f"reserve_pool: per_line must be an integer >= 0, got {per_line!r}"
            )
        if isinstance(min_tenure, bool) or not isinstance(min_tenure, int) or min_tenure < 0:
            raise InvalidInputError(
                f"reserve_pool: min_tenure must be an integer >= 0, got {min_tenure!r}"
            )
        ctx = self._ctx()
        label = self._period(period)
        year = int(label[:4]) if as_of is None else as_of
        allowed = (
            {g.id for g in self.scheme.grades[: max(1, len(self.scheme.grades) - 2)]}
            if grades is None
            else set(grades)
        )
        for gid in allowed:
            self.scheme.grade_index(gid)
        p = ctx.periods.index(label)
        by_line: dict[str, list[int]] = {}
        for i, c in enumerate(ctx.cadres):
            by_line.setdefault("none" if c.line is None else c.line.value, []).append(i)
        entries: list[PoolEntry] = []
        excluded: list[tuple[str, str]] = []
        for line in sorted(by_line):
            members = sorted(
                by_line[line], key=lambda i: (-self.total[p * ctx.n_c + i], ctx.cadres[i].id)
            )
            taken = 0
            for i in members:
                if taken >= per_line:
                    break
                c = ctx.cadres[i]
                r = p * ctx.n_c + i
                gid = self.scheme.grades[int(self.grade_code[r])].id
                if self.vetoed[r]:
                    excluded.append((c.id, "vetoed"))
                    continue
                if gid not in allowed:
                    excluded.append((c.id, f"grade {gid} not admitted"))
                    continue
                if c.joined_year is None:
                    excluded.append((c.id, "joined_year unknown"))
                    continue
                tenure = year - c.joined_year
                if tenure < min_tenure:
                    excluded.append((c.id, f"tenure {tenure} < {min_tenure} years"))
                    continue
                entries.append(
                    PoolEntry(
                        cadre_id=c.id,
                        line=line,
                        total=float(self.total[r]),
                        grade=gid,
                        tenure=tenure,
                    )
                )
                taken += 1
        return ReservePool(period=label, entries=tuple(entries), excluded=tuple(excluded))

    def to_records(self) -> Records:
        """Return the table as :class:`Records`.

        Per row: each indicator's points, ``"penalty"`` and ``"total"`` (roll
        them up as stocks with ``kinds=``).

        Examples
        --------
        >>> from cadredev.scoring._samples import demo_table
        >>> demo_table().to_records().value("b", "2025-01", "total")
        95.0

        .. versionadded:: 0.1
        """
        ctx = self._ctx()
        comps = self.components
        matrix = np.column_stack([comps, self.penalties, self.total])
        ids = [*ctx.scheme.indicator_ids, "penalty", "total"]
        return Records.from_matrix(
            [str(c) for c in self.cadre_ids], ids, matrix, period=[str(p) for p in self.periods]
        )

    def to_pandas(self) -> Any:
        """Return one row per (cadre, period) as a :class:`pandas.DataFrame`.

        Raises
        ------
        MissingDependencyError
            If pandas is not installed.
        """
        pd = need_pandas()
        return pd.DataFrame(
            {
                "cadre_id": self.cadre_ids,
                "period": self.periods,
                "group": self.groups,
                "total": self.total,
                "penalties": self.penalties,
                "grade": self.grade,
                "rank": self.rank,
                "vetoed": self.vetoed,
            }
        )

    def _repr_html_(self) -> str:
        rows = [
            (
                self.cadre_ids[r],
                self.periods[r],
                self.groups[r],
                float(self.total[r]),
                self.grade[r],
                int(self.rank[r]),
            )
            for r in range(min(len(self), 30))
        ]
        return html_table(
            f"ScoreTable {self.scheme.name}: {len(self)} rows",
            ("cadre", "period", "group", "total", "grade", "rank"),
            rows,
        )
