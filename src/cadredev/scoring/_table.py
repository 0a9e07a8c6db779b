"""The score table: scores and grades of every (cadre, period), explainable.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from attrs import field, frozen

from cadredev._display import HTML_ROWS, html_table, need_pandas
from cadredev._validate import is_int
from cadredev.errors import InvalidInputError
from cadredev.model import FrozenDict

from . import _table_fields as convert
from ._audit import AuditEntry, audit_entries
from ._cadres import ScoredCadres
from ._compare import same_fields
from ._context import ScoreContext
from ._exempt import AppliedExemption, Exemption
from ._labels import Labels, both, check_labels, grade_labels, grade_text, line_text
from ._override import AppliedOverride
from ._pool import pool_of, tenure_day
from ._records import Records
from ._results import Contribution, Explanation, Leaderboard, LeaderboardRow, ReservePool
from ._scheme import Scheme

__all__ = ["ScoreTable", "attach_context"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]
ObjArray = np.ndarray[Any, np.dtype[np.object_]]


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@frozen(kw_only=True, eq=False)
class ScoreTable:
    """Scores and grades of every (cadre, period), from :func:`score`.

    A table keeps what it was scored from (the scheme, the cadres' ids,
    names, units, lines and tenure starts, the periods and the recorded
    values of every row), so it explains itself, and a table read back with
    :func:`cadredev.io.load` answers :meth:`explain`, :meth:`audit`,
    :meth:`leaderboard`, :meth:`reserve_pool`, :meth:`to_records` and
    :func:`allocate_pay` exactly as the one :func:`score` returned. Everything
    else (attainments, components, grading groups, seats) is derived on
    demand and cached, never stored. Rows are ordered by period, then cadre
    id: :attr:`cadre_ids`, :attr:`periods`, :attr:`groups` and :attr:`grade`
    label them.

    Attributes
    ----------
    scheme
        The :class:`Scheme` scored with.
    cadres
        The cadres scored, as columns (``ScoredCadres``, sorted by id).
    scored_periods
        The periods scored, in order.
    values
        The recorded values: record id (indicator, rate part, penalty or
        veto) -> one value per row, ``NaN`` where nothing was recorded.
    total
        Score: renormalised weighted attainment times 100, less penalties.
    penalties
        Penalty points deducted.
    grade_code, rank
        Grade index (0 is the best, after overrides) and 1-based position in
        the grading group.
    vetoed
        Whether a veto capped the row's grade.
    excluded
        ``(cadre id, reason)`` for cadres not scored.
    exemptions_applied, exemptions_unused
        The exemptions used, and those that matched no scored row (with why).
    overrides
        The grade overrides applied after grading (``AppliedOverride``).

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> table = demo_score_table()
    >>> table
    ScoreTable(2 cadres × 1 period 2025-01, scheme 'demo': 1 优秀/excellent, 1 称职/competent)
    >>> table.cadre_ids.tolist(), table.total.tolist(), table.grade.tolist()
    (['a', 'b'], [90.0, 95.0], ['competent', 'excellent'])
    >>> table.components.tolist()
    [[90.0], [95.0]]

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       The table keeps its inputs as fields (``cadres``, ``scored_periods``,
       ``values``) instead of a live ``context``, and lists its
       ``overrides``; it round-trips through :mod:`cadredev.io`.
    """

    scheme: Scheme
    cadres: ScoredCadres
    scored_periods: tuple[str, ...] = field(converter=convert.periods)
    values: FrozenDict[str, FloatArray] = field(converter=convert.columns)
    total: FloatArray = field(converter=convert.total)
    penalties: FloatArray = field(converter=convert.penalties)
    grade_code: IntArray = field(converter=convert.grade_code)
    rank: IntArray = field(converter=convert.rank)
    vetoed: BoolArray = field(converter=convert.bools)
    excluded: tuple[tuple[str, str], ...] = field(default=(), converter=convert.excluded)
    exemptions_applied: tuple[AppliedExemption, ...] = field(default=(), converter=convert.applied)
    exemptions_unused: tuple[tuple[Exemption, str], ...] = field(
        default=(), converter=convert.unused
    )
    overrides: tuple[AppliedOverride, ...] = field(default=(), converter=convert.overrides)
    _cache: dict[str, Any] = field(init=False, factory=dict, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        for name, kind in (("scheme", Scheme), ("cadres", ScoredCadres)):
            if not isinstance(getattr(self, name), kind):
                raise InvalidInputError(
                    f"ScoreTable: {name} must be a {kind.__name__}, got {getattr(self, name)!r}"
                )
        if len(set(self.scored_periods)) != len(self.scored_periods):
            raise InvalidInputError(
                f"ScoreTable: scored_periods must not repeat, got {list(self.scored_periods)}"
            )
        unknown = sorted(set(self.values) - self.scheme.known_ids())
        if unknown:
            raise InvalidInputError(
                f"ScoreTable: values name ids the scheme does not know: {unknown}"
            )
        n = len(self.cadres) * len(self.scored_periods)
        for key, column in self.values.items():
            if column.shape != (n,):
                raise InvalidInputError(
                    f"ScoreTable: values[{key!r}] must have one entry per row ({n}), "
                    f"got shape {column.shape}"
                )
        for name in ("total", "penalties", "grade_code", "rank", "vetoed"):
            shape = getattr(self, name).shape
            if shape != (n,):
                raise InvalidInputError(
                    f"ScoreTable: {name} must have one entry per row ({n}), got shape {shape}"
                )
        if n and int(self.grade_code.max()) >= len(self.scheme.grades):
            raise InvalidInputError(
                f"ScoreTable: grade_code must index the scheme's {len(self.scheme.grades)} "
                f"grades, got {int(self.grade_code.max())}"
            )

    def __len__(self) -> int:
        return int(self.total.size)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ScoreTable):
            return NotImplemented
        return same_fields(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        n_c, n_p = len(self.cadres), len(self.scored_periods)
        if n_p == 1:
            when = f"1 period {self.scored_periods[0]}"
        elif n_p:
            when = f"{n_p} periods {self.scored_periods[0]}..{self.scored_periods[-1]}"
        else:
            when = "0 periods"
        names = grade_labels(self.scheme.grades)
        counts = np.bincount(self.grade_code, minlength=len(self.scheme.grades))
        grades = ", ".join(
            f"{int(c):,} {both(g.id, names)}"
            for g, c in zip(self.scheme.grades, counts, strict=True)
            if c
        )
        extra = [
            f"{int(np.count_nonzero(self.vetoed)):,} vetoed" if self.vetoed.any() else "",
            _plural(len(self.exemptions_applied), "exemption") if self.exemptions_applied else "",
            _plural(len(self.overrides), "override") if self.overrides else "",
        ]
        flagged = sum(o.over_quota for o in self.overrides)
        if flagged:
            extra.append(f"{flagged} over quota")
        tail = "; " + ", ".join(x for x in extra if x) if any(extra) else ""
        return (
            f"ScoreTable({n_c:,} cadre{'' if n_c == 1 else 's'} × {when}, "
            f"scheme {self.scheme.name!r}: {grades or 'no rows'}{tail})"
        )

    # ---------------------------------------------------------- row labels

    @property
    def value_ids(self) -> tuple[str, ...]:
        """The record ids in :attr:`values`, sorted."""
        return tuple(self.values)

    def _ctx(self) -> ScoreContext:
        ctx = self._cache.get("context")
        if ctx is None:
            ids = self.value_ids
            n = len(self)
            matrix = np.column_stack([self.values[i] for i in ids]) if ids else np.empty((n, 0))
            ctx = ScoreContext(self.scheme, self.cadres, self.scored_periods, matrix, ids)
            self._cache["context"] = ctx
        return ctx

    def _labels(self, name: str, labels: Sequence[str], codes: Any) -> ObjArray:
        if name not in self._cache:
            table = np.empty(len(labels), dtype=object)
            table[:] = list(labels)
            self._cache[name] = table[codes] if len(labels) else np.zeros(0, dtype=object)
        return self._cache[name]  # type: ignore[no-any-return]

    @property
    def cadre_ids(self) -> ObjArray:
        """Each row's cadre id (rows are ordered by period, then cadre id)."""
        n_c, n_p = len(self.cadres), len(self.scored_periods)
        return self._labels("cadre_ids", self.cadres.ids, np.tile(np.arange(n_c), n_p))

    @property
    def periods(self) -> ObjArray:
        """Each row's period label."""
        n_c, n_p = len(self.cadres), len(self.scored_periods)
        return self._labels("periods", self.scored_periods, np.repeat(np.arange(n_p), n_c))

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

    @property
    def attainment(self) -> FloatArray:
        """``(rows x indicators)`` attainment of each indicator, 0 where not applicable."""
        return self._ctx().matrix()[0]

    @property
    def applicable(self) -> BoolArray:
        """``(rows x indicators)``: whether each indicator applies to the row."""
        return self._ctx().matrix()[1]

    @property
    def components(self) -> FloatArray:
        """``(rows x indicators)`` points each indicator adds to :attr:`total`.

        A row's components sum to ``total + penalties`` (exempted rows aside).
        """
        ctx = self._ctx()
        return ctx.points(*ctx.matrix())

    def _row(self, cadre_id: str, period: str | None) -> int:
        return self._ctx().row(
            self._cadre(cadre_id), self.scored_periods.index(self._period(period))
        )

    def _cadre(self, cadre_id: str) -> int:
        c = self._ctx().cadre_of.get(cadre_id)
        if c is None:
            reason = dict(self.excluded).get(cadre_id)
            extra = f" ({reason})" if reason else ""
            raise InvalidInputError(f"ScoreTable: cadre {cadre_id!r} was not scored{extra}")
        return c

    def _period(self, period: str | None) -> str:
        periods = self.scored_periods
        if period is None:
            if len(periods) != 1:
                raise InvalidInputError(
                    f"ScoreTable: {len(periods)} periods scored; pass period= one of "
                    f"{list(periods)}"
                )
            return periods[0]
        if period not in periods:
            raise InvalidInputError(
                f"ScoreTable: period {period!r} not scored; expected one of {list(periods)}"
            )
        return period

    # ------------------------------------------------------------- explain

    def explain(self, cadre_id: str, *, period: str | None = None) -> Explanation:
        """Explain one cadre's score and grade.

        Lists each indicator's raw value, attainment, weight and points (and
        whether it applied), penalties, vetoes, exemptions applied, a grade
        override, and the distance to the next better grade: the points
        missing and, per indicator, the raw change (in the indicator's unit)
        that alone would close the gap (``None`` when that indicator cannot).

        Examples
        --------
        >>> from cadredev.datasets import demo_score_table
        >>> ex = demo_score_table().explain("a")
        >>> ex.grade, ex.next_grade, round(ex.gap, 2)
        ('competent', 'excellent', 5.0)
        >>> ex.contributions[0].to_next  # one more visit
        1.0

        .. versionadded:: 0.1
        .. versionchanged:: 0.2
           ``override``: the grade override applied to the row, if any.
        """
        ctx = self._ctx()
        r = self._row(cadre_id, period)
        rows = np.array([r])
        ov = self._overlay(r)
        overlays = [ov] if ov else None
        x = ctx.block(rows)
        pts, counts = ctx.penalties(rows, x, overlays)
        _, hit = ctx.vetoes(x, overlays)
        code = int(self.grade_code[r])
        grades = self.scheme.grades
        gap: float | None = None
        note = ""
        if code > 0:
            gap, note = self._gap(r, code - 1)
        period_label = self.scored_periods[r // ctx.n_c]
        return Explanation(
            cadre_id=cadre_id,
            period=period_label,
            total=float(self.total[r]),
            grade=grades[code].id,
            rank=int(self.rank[r]),
            group=str(self.groups[r]),
            contributions=self._contributions(r, overlays, gap),
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
            next_grade=grades[code - 1].id if code > 0 else None,
            gap=gap,
            note=note,
            override=next(
                (o for o in self.overrides if o.cadre_id == cadre_id and o.period == period_label),
                None,
            ),
            grade_labels=grade_labels(grades),
        )

    def _contributions(
        self, r: int, overlays: list[dict[str, float]] | None, gap: float | None
    ) -> tuple[Contribution, ...]:
        """Return each indicator's part in row ``r`` and the raw change that closes ``gap``."""
        ctx = self._ctx()
        rows = np.array([r])
        s, app, raw = ctx.attain(rows, overlays)
        den = float(app[0] @ ctx.w)
        out = []
        for j, ind in enumerate(ctx.inds):
            unit_pts = 100.0 * ind.weight / den if den > 0 else 0.0
            to_next = None
            if gap is not None and app[0, j] and unit_pts > 0:
                need = s[0, j] + gap / unit_pts
                inverse = getattr(ind.normalise, "inverse", None)
                value = inverse(need) if callable(inverse) else None
                rv = raw[0, j]
                if value is not None and not np.isnan(rv):
                    to_next = (
                        float(value / ctx.factor(j, rows)[0] - rv)
                        if ctx.scale[j] is not None
                        else float(value - rv)
                    )
            out.append(
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
        return tuple(out)

    def _overlay(self, r: int) -> dict[str, float]:
        ctx = self._ctx()
        cid = self.cadres.ids[r % ctx.n_c]
        label = self.scored_periods[r // ctx.n_c]
        ov: dict[str, float] = {}
        for a in self.exemptions_applied:
            e = a.exemption
            if e.cadre_id == cid and a.period == label and a.gain > 0:
                ov[e.target] = min(ov.get(e.target, 1.0), e.strength)
        return ov

    def _gap(self, r: int, better: int) -> tuple[float | None, str]:
        """Return the points row ``r`` misses for grade ``better``, or ``None`` and why.

        Without a quota the grade's ``min_score`` decides. With one, the row
        must also place within the group's seats among its rivals: the other
        rows of the group not holding a better grade, allowed the grade by
        their veto caps and reaching its ``min_score``. When they fill the
        seats, the row must outscore the last rival that takes one.
        """
        ctx = self._ctx()
        g = self.scheme.grades[better]
        total = float(self.total[r])
        if self.vetoed[r] and int(self._caps(np.array([r]))[0]) > better:
            return None, "capped by a veto"
        need = g.min_score if g.min_score is not None else -np.inf
        if g.quota is not None:
            groups, seats = ctx.seats()
            free = int(seats[int(np.searchsorted(groups, ctx.group_rows[r])), better])
            if free == 0:
                return None, "no seats for this grade in the group"
            members = np.nonzero(ctx.group_rows == ctx.group_rows[r])[0]
            members = members[(members != r) & (self.grade_code[members] >= better)]
            rivals = self.total[members][self._caps(members) <= better]
            if g.min_score is not None:
                rivals = rivals[rivals >= g.min_score]
            if rivals.size >= free:
                need = max(need, float(np.sort(rivals)[::-1][free - 1]))
        if need == -np.inf:
            return 0.0, ""
        return max(0.0, need - total), ""

    def _caps(self, rows: IntArray) -> IntArray:
        """Return the best grade index the vetoes allow each row (0 where not vetoed)."""
        out = np.zeros(rows.size, dtype=np.int64)
        hit = np.nonzero(self.vetoed[rows])[0]
        if hit.size:
            ctx = self._ctx()
            vetoed = rows[hit]
            caps, _ = ctx.vetoes(ctx.block(vetoed), [self._overlay(int(v)) for v in vetoed])
            out[hit] = caps
        return out

    # --------------------------------------------------------------- audit

    def audit(self, cadre_id: str | None = None) -> tuple[AuditEntry, ...]:
        """List every exemption, veto and grade override that touched a row.

        Rows come in table order (period, then cadre id); within a row,
        exemptions (applied while scoring), then vetoes (while grading), then
        the override (after grading). An exemption that would have lowered
        the score is listed with no change; exemptions that matched no scored
        row are in :attr:`exemptions_unused`, not here.

        Parameters
        ----------
        cadre_id
            Only this cadre's entries; ``None`` for every cadre.

        Returns
        -------
        tuple of AuditEntry

        Raises
        ------
        InvalidInputError
            For a cadre that was not scored.

        Examples
        --------
        >>> from cadredev.datasets import sample_zone
        >>> from cadredev.scoring import rollup, score
        >>> zone = sample_zone()
        >>> year = score(zone.scheme, zone.cadres, rollup(zone.records, zone.scheme, to="year"))
        >>> for entry in year.audit():
        ...     print(entry)
        2025 c225 veto: grade capped at incompetent (违纪违法)

        .. versionadded:: 0.2
        """
        ctx = self._ctx()
        wanted = None if cadre_id is None else self._cadre(cadre_id)
        vetoed = np.nonzero(self.vetoed)[0]
        if wanted is not None:
            vetoed = vetoed[vetoed % ctx.n_c == wanted]
        _, hit = ctx.vetoes(ctx.block(vetoed), [self._overlay(int(r)) for r in vetoed])
        return audit_entries(
            ctx,
            exemptions=self.exemptions_applied,
            vetoed=vetoed,
            hit=hit,
            overrides=self.overrides,
            cadre=wanted,
        )

    # --------------------------------------------------------- leaderboard

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
        >>> from cadredev.datasets import demo_score_table
        >>> [r.cadre_id for r in demo_score_table().leaderboard().rows]
        ['b', 'a']

        .. versionadded:: 0.1
        """
        ctx = self._ctx()
        label = self._period(period)
        p = self.scored_periods.index(label)
        rows = np.arange(p * ctx.n_c, (p + 1) * ctx.n_c)
        comps = self.components_of(rows)
        cadres = self.cadres

        def gkey(i: int) -> str:
            if group == "unit":
                return cadres.units[i]
            if group == "line":
                return cadres.line_value(i)
            return "zone"

        order = sorted(range(ctx.n_c), key=lambda i: (gkey(i), -self.total[rows[i]], cadres.ids[i]))
        out: list[LeaderboardRow] = []
        position = 0
        last_group = None
        for i in order:
            gk = gkey(i)
            position = position + 1 if gk == last_group else 1
            last_group = gk
            if top is not None and position > top:
                continue
            r = rows[i]
            applies = self.applicable_row(r)
            out.append(
                LeaderboardRow(
                    position=position,
                    cadre_id=cadres.ids[i],
                    name=cadres.names[i],
                    group=gk,
                    total=float(self.total[r]),
                    grade=self.scheme.grades[int(self.grade_code[r])].id,
                    breakdown=FrozenDict(
                        {
                            ind.id: float(comps[i, j])
                            for j, ind in enumerate(ctx.inds)
                            if comps[i, j] != 0.0 or applies[j]
                        }
                    ),
                )
            )
        return Leaderboard(
            period=label, rows=tuple(out), grade_labels=grade_labels(self.scheme.grades)
        )

    def components_of(self, rows: IntArray) -> FloatArray:
        """Return the components of some rows (see :attr:`components`)."""
        ctx = self._ctx()
        s, app, _ = ctx.attain(rows)
        return ctx.points(s, app)

    def applicable_row(self, r: int) -> BoolArray:
        """Return which indicators apply to table row ``r``."""
        _, app, _ = self._ctx().attain(np.array([r]))
        return np.asarray(app[0], dtype=bool)

    # -------------------------------------------------------- reserve pool

    def reserve_pool(
        self,
        *,
        per_line: int,
        min_tenure: int = 0,
        as_of: int | dt.date | None = None,
        period: str | None = None,
        grades: Sequence[str] | None = None,
    ) -> ReservePool:
        """Return the promotion reserve pool: the top ``per_line`` cadres of each line.

        A cadre enters if not vetoed, holding one of ``grades`` (default: every
        grade but the two lowest) and with at least ``min_tenure`` years in the
        zone. Tenure comes from the cadre's record, not from the period label:
        the whole years from the start of the cadre's time in the zone
        (1 January of ``Cadre.joined_year``, else the start of
        the earliest dated posting in ``Cadre.history``; see
        ``ScoredCadres.joined``) to the **last day of the period scored**
        (or ``as_of``), counting an anniversary reached on that day. A cadre
        whose start is unknown stays out. Ties are broken by id. Top scorers
        kept out are listed in :attr:`ReservePool.excluded` with the reason.

        Parameters
        ----------
        per_line
            Pool places per work line.
        min_tenure
            Minimum whole years in the zone.
        as_of
            The day tenure is counted to: a date, or a year (its 31 December);
            defaults to the last day of the period.
        period
            The period to use (needed when several were scored).
        grades
            Admitted grade ids.

        Raises
        ------
        InvalidInputError
            For a negative ``per_line`` or ``min_tenure``, an ``as_of`` that is
            neither a year nor a date, a period not scored or an unknown grade id.

        Examples
        --------
        >>> from cadredev.datasets import demo_score_table
        >>> pool = demo_score_table().reserve_pool(per_line=1)
        >>> pool.cadre_ids, pool.entries[0].tenure, pool.entries[0].joined
        (('b',), 10, datetime.date(2015, 1, 1))

        .. versionadded:: 0.1
        .. versionchanged:: 0.2
           Tenure is counted from ``joined_year`` or the earliest posting to
           the end of the period; ``as_of`` may be a date.
        """
        for name, value in (("per_line", per_line), ("min_tenure", min_tenure)):
            if not is_int(value) or value < 0:
                raise InvalidInputError(
                    f"reserve_pool: {name} must be an integer >= 0, got {value!r}"
                )
        label = self._period(period)
        allowed = (
            {g.id for g in self.scheme.grades[: max(1, len(self.scheme.grades) - 2)]}
            if grades is None
            else set(grades)
        )
        for gid in allowed:
            self.scheme.grade_index(gid)
        n_c = len(self.cadres)
        rows = slice(
            self.scored_periods.index(label) * n_c, (self.scored_periods.index(label) + 1) * n_c
        )
        return pool_of(
            self.scheme,
            self.cadres,
            period=label,
            total=self.total[rows],
            grade_code=self.grade_code[rows],
            vetoed=self.vetoed[rows],
            per_line=per_line,
            min_tenure=min_tenure,
            end=tenure_day(label, as_of),
            allowed=allowed,
        )

    # -------------------------------------------------------------- export

    def to_records(self) -> Records:
        """Return the table as :class:`Records`.

        Per row: each indicator's points, ``"penalty"`` and ``"total"`` (roll
        them up as stocks with ``kinds=``).

        Examples
        --------
        >>> from cadredev.datasets import demo_score_table
        >>> demo_score_table().to_records().value("b", "2025-01", "total")
        95.0

        .. versionadded:: 0.1
        """
        comps = self.components
        matrix = np.column_stack([comps, self.penalties, self.total])
        ids = [*self.scheme.indicator_ids, "penalty", "total"]
        return Records.from_matrix(
            [str(c) for c in self.cadre_ids], ids, matrix, period=[str(p) for p in self.periods]
        )

    def to_pandas(self, *, labels: Labels = "en") -> Any:
        """Return one row per (cadre, period) as a :class:`pandas.DataFrame`.

        Parameters
        ----------
        labels
            ``"en"``: grades as ids and lines as values; ``"zh"``: their
            Chinese labels where the scheme (or the line) has one. Column
            names stay the same.

        Raises
        ------
        MissingDependencyError
            If pandas is not installed.

        Examples
        --------
        >>> from cadredev.datasets import demo_score_table
        >>> demo_score_table().to_pandas(labels="zh")["grade"].tolist()
        ['称职', '优秀']

        .. versionadded:: 0.1
        .. versionchanged:: 0.2
           ``labels``, and the columns ``name``, ``unit`` and ``line``.
        """
        labels = check_labels(labels, where="ScoreTable.to_pandas")
        pd = need_pandas()
        names = grade_labels(self.scheme.grades)
        n_p = len(self.scored_periods)
        line_of = [None if ln is None else line_text(ln.value, labels) for ln in self.cadres.lines]
        groups = self.groups
        if self.scheme.group_by == "line" and labels == "zh":
            groups = np.array([line_text(str(g), labels) for g in groups], dtype=object)
        return pd.DataFrame(
            {
                "cadre_id": self.cadre_ids,
                "name": list(self.cadres.names) * n_p,
                "unit": list(self.cadres.units) * n_p,
                "line": line_of * n_p,
                "period": self.periods,
                "group": groups,
                "total": self.total,
                "penalties": self.penalties,
                "grade": [grade_text(str(g), names, labels) for g in self.grade],
                "rank": self.rank,
                "vetoed": self.vetoed,
            }
        )

    def _repr_html_(self) -> str:
        names = grade_labels(self.scheme.grades)
        n_c = len(self.cadres)
        rows = [
            (
                self.cadre_ids[r],
                self.cadres.names[r % n_c],
                self.periods[r],
                line_text(str(self.groups[r]), "zh"),
                float(self.total[r]),
                grade_text(str(self.grade[r]), names, "zh"),
                int(self.rank[r]),
            )
            for r in range(min(len(self), HTML_ROWS))
        ]
        return html_table(
            repr(self), ("cadre", "name", "period", "group", "total", "grade", "rank"), rows
        )


def attach_context(table: ScoreTable, ctx: ScoreContext) -> ScoreTable:
    """Give a new table the context it was scored with, so it is not rebuilt."""
    table._cache["context"] = ctx  # noqa: SLF001
    return table
