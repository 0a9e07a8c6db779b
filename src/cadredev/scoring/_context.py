"""The numeric evaluation context of a score table.

:class:`ScoreContext` holds everything needed to (re)compute attainments,
penalties and veto caps for any rows of a table, vectorised over blocks of
rows. It is built from the table's own fields (scheme, cadres, periods and
the recorded values, one row per table row), so a table read back from JSON
explains itself exactly as the one :func:`~cadredev.scoring.score` returned.
It is a cache: never serialised, rebuilt on demand.

.. versionadded:: 0.2
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from cadredev.model import Line

from ._cadres import ScoredCadres
from ._grade import _grade_seats
from ._normalise import Linear, Target, attain
from ._periods import period_months
from ._pooling import pool_units
from ._scheme import Indicator, Scheme

__all__ = ["Overlay", "ScoreContext"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]

_CHUNK = 4096  # rows per block: a block of 20 indicators stays in a core's cache

# overlay: target id -> share still counted (0 waives), for one table row
Overlay = Mapping[str, float]


class ScoreContext:
    """Everything needed to (re)compute attainments for any rows of a table."""

    def __init__(
        self,
        scheme: Scheme,
        cadres: ScoredCadres,
        periods: tuple[str, ...],
        values: FloatArray,
        value_ids: tuple[str, ...],
        *,
        dense: bool = False,
    ) -> None:
        self.scheme = scheme
        self.cadres = cadres  # table cadre order (sorted by id)
        self.periods = periods
        self.values = values  # one row per table row, one column per value id
        self.value_ids = value_ids
        self.dense = dense  # no value is missing (the folded fast path may apply)
        self.inds: tuple[Indicator, ...] = scheme.all_indicators
        self.k = len(self.inds)
        self.n_c = len(cadres)
        self.n_p = len(periods)
        self.n = self.n_c * self.n_p
        self.w = np.array([i.weight for i in self.inds], dtype=np.float64)
        self.relative_at = [bool(getattr(i.normalise, "relative", False)) for i in self.inds]
        line_labels, line_c = cadres.codes("line")
        lines: list[Line | None] = list(line_labels)
        self.lines = lines
        self.app_line = np.array(
            [[scheme.applies_to(i.id, line) for i in self.inds] for line in lines], dtype=bool
        ).reshape(len(lines), self.k)
        self.line_c = line_c
        self.single_line = len(lines) <= 1
        self.line_den = self.app_line.astype(np.float64) @ self.w
        self.pen = scheme.penalties
        self.pen_app = np.array(
            [[p.lines is None or line in p.lines for p in self.pen] for line in lines], dtype=bool
        ).reshape(len(lines), len(self.pen))
        col = {ind: j for j, ind in enumerate(value_ids)}
        self.col_value = [col.get(i.id) for i in self.inds]
        self.col_num = [col.get(i.id + ".num") for i in self.inds]
        self.col_den = [col.get(i.id + ".den") for i in self.inds]
        self.col_pen = [col.get(p.id) for p in self.pen]
        self.col_veto = [col.get(v.id) for v in scheme.vetoes]
        self.folded = self._fold()
        self.relative: dict[int, FloatArray] = {}
        plen = np.array([_months(p) for p in periods], dtype=np.float64)
        self.scale: list[FloatArray | None] = [
            None if i.per is None else _months_per(i.per) / plen for i in self.inds
        ]
        # grading groups: quotas apply per group (unit, line or zone) and period
        self.unit_code, self.group_labels = _group_codes(scheme, cadres, self.line_c, lines)
        self.unit_code, self.group_labels = pool_units(
            scheme, self.unit_code, self.group_labels, self.line_c, lines
        )
        n_g = len(self.group_labels)
        self.group_rows: IntArray = (
            np.arange(self.n_p, dtype=np.int64)[:, None] * n_g + self.unit_code[None, :]
        ).ravel()
        self._seats: tuple[IntArray, IntArray] | None = None

    @property
    def cadre_of(self) -> Mapping[str, int]:
        """Cadre id -> position in the table's cadres (built on first use)."""
        return self.cadres.index()

    def seats(self) -> tuple[IntArray, IntArray]:
        """Return the graded groups (sorted codes) and the seats each grade's quota gives them.

        ``(groups x grades)``, ``-1`` where a grade has no quota: what
        :func:`~cadredev.scoring.grade` reports as ``Grading.seats``, derived
        from the group sizes alone (seats never depend on the scores).
        """
        if self._seats is None:
            groups, sizes = np.unique(self.group_rows, return_counts=True)
            grades = self.scheme.grades
            seats = np.full((groups.size, len(grades)), -1, dtype=np.int64)
            domain = groups // max(len(self.group_labels), 1)  # the period of each group
            for gi, g in enumerate(grades[:-1]):
                if g.quota is not None:
                    seats[:, gi] = _grade_seats(
                        g,
                        sizes.astype(np.int64),
                        domain.astype(np.int64),
                        self.scheme.quota_rounding,
                        self.scheme.apportionment,
                        min_seats=self.scheme.min_seats,
                    )
            self._seats = (groups.astype(np.int64), seats)
        return self._seats

    def row(self, cadre: int, period: int) -> int:
        """Return the table row of a cadre (position) in a period (position)."""
        return period * self.n_c + cadre

    # ---------------------------------------------------------------- rows

    def block(self, rows: slice | IntArray) -> FloatArray:
        """Return the recorded values (``NaN`` = missing) of some table rows."""
        return self.values[rows]

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
        if self.dense:
            return col, None  # no value is missing
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
            if self.relative_at[j]:
                full = self.relative_column(j)
                s[:, j] = full[rows]
            else:
                if self.scale[j] is not None:
                    v = v * self.factor(j, rows)
                s[:, j] = attain(ind.normalise, v, where=f"indicator {ind.id!r}")
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
            norm: Any = ind.normalise
            if hasattr(norm, "apply_relative"):
                out[use] = norm.apply_relative(v[use], increasing=ind.direction == "max")
            else:  # a user's cohort-relative normaliser scores the cohort at once
                out[use] = attain(norm, v[use], where=f"indicator {ind.id!r}")
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
        """Fold every normaliser into per-record-column clipped linear maps, if possible.

        When no value is missing (records from a dense matrix), every cadre
        is on one line and every indicator is a :class:`Target` or
        :class:`Linear` without period scaling, each weighted attainment is
        ``a * clip(x, lo, hi) + a2 * clip(x, lo2, hi2) + l * x`` plus a
        constant (the second term only for targets with credit beyond them,
        the last only for unclipped scales). A chunk's weighted sum is then
        two clipping passes and a matrix-vector product over the columns,
        and one more over the columns with a stretch. Returns the parameter
        vectors (aligned to the record columns) or ``None``.
        """
        if not self.dense or not self.single_line or not self.k:
            return None
        k_rec = self.values.shape[1]
        lo, hi, a = np.zeros(k_rec), np.zeros(k_rec), np.zeros(k_rec)
        lo2, hi2, a2 = np.zeros(k_rec), np.zeros(k_rec), np.zeros(k_rec)
        lin, const = np.zeros(k_rec), 0.0
        w_all = self.w / self.line_den[0] * 100.0 if self.line_den[0] > 0 else self.w * 0.0
        used = np.zeros(k_rec, dtype=bool)
        for j, ind in enumerate(self.inds):
            col = self.col_value[j]
            norm: Any = ind.normalise
            w = float(w_all[j]) if self.app_line[0, j] else 0.0
            if ind.kind == "rate" or ind.per is not None or (col is None and w):
                return None
            if col is None or w == 0.0:
                continue
            if used[col] or type(norm) not in (Target, Linear):
                return None
            used[col] = True
            if isinstance(norm, Linear) and not norm.clip:
                lin[col] = w / (norm.hi - norm.lo)
                const -= norm.lo * lin[col]
                continue
            zero, one = (
                (norm.floor, norm.target) if isinstance(norm, Target) else (norm.lo, norm.hi)
            )
            a[col] = w / (one - zero)
            lo[col], hi[col] = min(zero, one), max(zero, one)
            const -= zero * a[col]
            if isinstance(norm, Target) and norm.cap > 1.0:
                far = (
                    norm.stretch
                    if norm.stretch is not None
                    else norm.target + (norm.cap - 1.0) * (norm.target - norm.floor)
                )
                a2[col] = w * (norm.cap - 1.0) / (far - norm.target)
                lo2[col], hi2[col] = min(norm.target, far), max(norm.target, far)
                const -= norm.target * a2[col]
        beyond = np.flatnonzero(a2).astype(np.float64)
        return lo, hi, a, lo2, hi2, a2, beyond, lin, np.array([const])

    def folded_totals(self, rows: slice) -> FloatArray:
        """Return base scores of a dense slice with the folded normalisers."""
        assert self.folded is not None  # noqa: S101
        lo, hi, a, lo2, hi2, a2, beyond, lin, const = self.folded
        x = self.values[rows]
        block = np.maximum(x, lo)
        np.minimum(block, hi, out=block)
        base = block @ a
        if beyond.size:
            cols = beyond.astype(np.intp)
            sub = np.take(x, cols, axis=1)
            np.maximum(sub, lo2[cols], out=sub)
            np.minimum(sub, hi2[cols], out=sub)
            base += sub @ a2[cols]
        if lin.any():
            base += x @ lin
        base += const[0]
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
            if self.relative_at[j]:
                sj = self.relative_column(j)[rows]
            else:
                if self.scale[j] is not None:
                    v = v * self.factor(j, rows)
                sj = attain(ind.normalise, v, where=f"indicator {ind.id!r}")
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


def _group_codes(
    scheme: Scheme, cadres: ScoredCadres, line_c: IntArray, lines: Sequence[Line | None]
) -> tuple[IntArray, tuple[str, ...]]:
    """Return each cadre's grading group code and the group labels (by ``group_by``)."""
    if scheme.group_by == "unit":
        units, codes = cadres.codes("unit")
        return codes, tuple(units) or ("zone",)
    if scheme.group_by == "line":
        labels = tuple("none" if ln is None else ln.value for ln in lines)
        return line_c, labels or ("zone",)
    return np.zeros(len(cadres), dtype=np.int64), ("zone",)


def _months(label: str) -> int:
    a, b = period_months(label)
    return b - a + 1


def _months_per(per: str) -> float:
    return {"month": 1.0, "quarter": 3.0, "year": 12.0}[per]
