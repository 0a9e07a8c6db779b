"""The score table: scores and grades of every (cadre, period), explainable.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from attrs import field, frozen

from cadredev._display import HTML_ROWS, html_table, need_pandas
from cadredev._validate import is_int, require_as_of
from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, FrozenDict

from ._exempt import AppliedExemption, Exemption
from ._records import Records
from ._results import Contribution, Explanation, Leaderboard, LeaderboardRow, PoolEntry, ReservePool
from ._scheme import Scheme

if TYPE_CHECKING:
    from ._evaluate import ScoreContext

__all__ = ["ScoreTable"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]
ObjArray = np.ndarray[Any, np.dtype[np.object_]]


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
    >>> from cadredev.datasets import demo_score_table
    >>> table = demo_score_table()
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

    def _ctx(self) -> ScoreContext:
        if self.context is None:
            raise InvalidInputError("ScoreTable: this table carries no scoring context")
        return self.context  # type: ignore[no-any-return]

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
        ctx = self._ctx()
        c = ctx.cadre_of.get(cadre_id)
        if c is None:
            reason = dict(self.excluded).get(cadre_id)
            extra = f" ({reason})" if reason else ""
            raise InvalidInputError(f"ScoreTable: cadre {cadre_id!r} was not scored{extra}")
        return ctx.periods.index(self._period(period)) * ctx.n_c + c

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
        >>> from cadredev.datasets import demo_score_table
        >>> ex = demo_score_table().explain("a")
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
        period_label = ctx.periods[r // ctx.n_c]
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
                value = ind.normalise.inverse(need)
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
        >>> from cadredev.datasets import demo_score_table
        >>> [r.cadre_id for r in demo_score_table().leaderboard().rows]
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
        return ctx.points(s, app)

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

        Raises
        ------
        InvalidInputError
            For a negative ``per_line`` or ``min_tenure``, an ``as_of`` that is
            not a year, a period not scored or an unknown grade id.

        Examples
        --------
        >>> from cadredev.datasets import demo_score_table
        >>> demo_score_table().reserve_pool(per_line=1).cadre_ids
        ('b',)

        .. versionadded:: 0.1
        """
        for name, value in (("per_line", per_line), ("min_tenure", min_tenure)):
            if not is_int(value) or value < 0:
                raise InvalidInputError(
                    f"reserve_pool: {name} must be an integer >= 0, got {value!r}"
                )
        ctx = self._ctx()
        label = self._period(period)
        year = (
            int(label[:4])
            if as_of is None
            else require_as_of(as_of, where="reserve_pool", why="tenure")
        )
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
                tenure = None if c.joined_year is None else year - c.joined_year
                why = _kept_out(
                    vetoed=bool(self.vetoed[r]),
                    grade=gid,
                    allowed=allowed,
                    tenure=tenure,
                    min_tenure=min_tenure,
                )
                if why or tenure is None:
                    excluded.append((c.id, why))
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
        >>> from cadredev.datasets import demo_score_table
        >>> demo_score_table().to_records().value("b", "2025-01", "total")
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
            for r in range(min(len(self), HTML_ROWS))
        ]
        return html_table(
            f"ScoreTable {self.scheme.name}: {len(self)} rows",
            ("cadre", "period", "group", "total", "grade", "rank"),
            rows,
        )


def _kept_out(
    *, vetoed: bool, grade: str, allowed: set[str], tenure: int | None, min_tenure: int
) -> str:
    """Return why a top scorer stays out of the reserve pool (``""`` if it enters)."""
    if vetoed:
        return "vetoed"
    if grade not in allowed:
        return f"grade {grade} not admitted"
    if tenure is None:
        return "joined_year unknown"
    if tenure < min_tenure:
        return f"tenure {tenure} < {min_tenure} years"
    return ""
