"""The absolute score, then grading, exemptions and overrides: :func:`score`.

:func:`score` aligns the records with the table rows, computes the totals
chunk by chunk with a :class:`~cadredev.scoring._context.ScoreContext`,
applies exemptions, grades the totals and applies grade overrides. The
:class:`~cadredev.scoring.ScoreTable` it returns keeps what it was scored
from, so it explains any row later, also after a round trip through JSON.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from typing import Any

import numpy as np

from cadredev.errors import InvalidInputError
from cadredev.events import GradeOverride
from cadredev.model import Cadre, FrozenDict
from cadredev.roster import Roster

from ._cadres import ScoredCadres
from ._columnar import check_roster_records, roster_columns
from ._context import ScoreContext
from ._exempt import AppliedExemption, Exemption
from ._grade import Grading, grade
from ._inapplicable import drop_cadres, inapplicable_cadres
from ._override import apply_overrides
from ._periods import check_period, contains
from ._records import Records
from ._scheme import Scheme
from ._table import ScoreTable, attach_context

__all__ = ["score"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def _source_rows(
    records: Records, cadre_ids: tuple[str, ...], periods: tuple[str, ...]
) -> IntArray | None:
    """Return the record row of each table row (-1 if none), or ``None`` if they coincide."""
    n_c = len(cadre_ids)
    n = n_c * len(periods)
    if records.cadres == cadre_ids:
        cmap = np.arange(len(records.cadres), dtype=np.int64)
    else:
        cmap = _positions(cadre_ids, records.cadres)
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


def _positions(sorted_ids: tuple[str, ...], wanted: tuple[str, ...]) -> IntArray:
    """Return the position of each wanted id among sorted ids (-1 if absent), by bisection."""
    if not sorted_ids or not wanted:
        return np.full(len(wanted), -1, dtype=np.int64)
    have = np.empty(len(sorted_ids), dtype=object)
    have[:] = sorted_ids
    want = np.empty(len(wanted), dtype=object)
    want[:] = wanted
    pos = np.minimum(np.searchsorted(have, want), len(sorted_ids) - 1)
    return np.where(have[pos] == want, pos, -1).astype(np.int64)


def _aligned_values(
    records: Records, cadres: ScoredCadres, periods: tuple[str, ...]
) -> tuple[FloatArray, bool]:
    """Return the recorded values with one row per table row, and whether none is missing.

    Records already in table order are used as they are (no copy); otherwise
    the rows are gathered, a (cadre, period) without a record row being all
    ``NaN``.
    """
    src = _source_rows(records, cadres.ids, periods)
    m = records.matrix
    if src is None:
        return m, records.dense
    out = np.full((src.size, m.shape[1]), np.nan)
    hit = src >= 0
    out[hit] = m[src[hit]]
    return out, False


def score(
    scheme: Scheme,
    cadres: Iterable[Cadre] | Roster,
    records: Records,
    *,
    period: str | None = None,
    exemptions: Iterable[Exemption] = (),
    overrides: Iterable[GradeOverride] = (),
    allow_over_quota: bool = False,
) -> ScoreTable:
    """Score every cadre in every period against fixed references, then grade.

    Stage one is absolute: each indicator's attainment against its own
    references, weighted and averaged over the indicators that apply to the
    cadre's line (a not-applicable indicator is left out and the weights
    renormalised, it does not count as zero; a rate whose denominator is zero
    or missing is not applicable either), times 100, less penalty points.
    Missing flows, stocks and event counts count as 0. Stage two is
    :func:`grade` with the scheme's grades, quotas, rounding, tie rule and
    grouping, per period, with vetoes as caps. Grade overrides (calibration)
    come last, as an audited overlay on the grades: totals and ranks do not
    move, each override is listed in :attr:`ScoreTable.overrides` with its
    approver and reason, shows in :meth:`ScoreTable.explain` and
    :meth:`ScoreTable.audit`, and one that does not fit is an error, never
    dropped. Rows are (cadre, period) pairs for every cadre given and every
    period in the records (or ``period``), ordered by period, then cadre id.

    Parameters
    ----------
    scheme
        The :class:`Scheme`.
    cadres
        The cadres to score, as :class:`~cadredev.Cadre` records or a
        columnar :class:`~cadredev.Roster` (the same table either way; a
        roster is scored without a Python object per cadre). Every cadre
        in the records must be among them. Cadres whose line has no
        indicator are listed in :attr:`ScoreTable.excluded` with the reason.
    records
        The measured values.
    period
        Score only this period.
    exemptions
        Approved :class:`Exemption` overlays.
    overrides
        ``cadredev.events.GradeOverride`` events applied after grading.
        Each must name a scored cadre and period, grades of the scheme, and,
        as ``from_grade``, the grade computed for the row; it may not lift a
        vetoed row above the veto's cap (waive the veto with an exemption).
        Identical overrides count once; two for one row are an error.
    allow_over_quota
        Apply an override that takes a group past a grade's quota (more
        holders than seats, and more than the computed grades had); it is
        then flagged (``AppliedOverride.over_quota``). By default such an
        override is an error.

    Returns
    -------
    ScoreTable

    Raises
    ------
    InvalidInputError
        For a record of an unknown cadre or indicator, an unknown period, an
        exemption for an unknown cadre or target, duplicate cadre ids, or an
        override that does not fit (see ``overrides``; over a quota without
        ``allow_over_quota``).

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

    A calibrated grade, approved and audited:

    >>> import datetime as dt
    >>> from cadredev.events import GradeOverride
    >>> raised = GradeOverride(
    ...     at=dt.date(2025, 2, 5),
    ...     recorded_by="组织部",
    ...     cadre_id="b",
    ...     period="2025-01",
    ...     from_grade="basic",
    ...     to_grade="competent",
    ...     approved_by="考核委员会",
    ...     reason="on sick leave for half the month",
    ... )
    >>> calibrated = score(scheme, people, rec, overrides=[raised])
    >>> calibrated.grade.tolist(), calibrated.total.tolist()
    (['competent', 'competent'], [90.0, 50.0])
    >>> for entry in calibrated.audit():
    ...     print(entry)
    2025-01 b override: basic -> competent
    (approved by 考核委员会: on sick leave for half the month)

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``overrides`` and ``allow_over_quota``.
    """
    _check_scheme_records(scheme, records)
    known: Container[str]
    if isinstance(cadres, Roster):
        roster, excluded = roster_columns(scheme, cadres)
        check_roster_records(cadres, records, roster.ids)
        known = _RosterIds(cadres)
    else:
        people = _check_people(cadres, records)
        included, excluded = _scored_cadres(scheme, people)
        roster = ScoredCadres.of(included)
        known = people
    periods = _scored_periods(records, period)
    values, dense = _aligned_values(records, roster, periods)
    ctx = ScoreContext(scheme, roster, periods, values, records.indicators, dense=dense)
    void = inapplicable_cadres(ctx)
    if void:  # nothing to score them on: excluded with the reason, not graded on a zero
        roster, excluded = drop_cadres(roster, void, excluded)
        values, dense = _aligned_values(records, roster, periods)
        ctx = ScoreContext(scheme, roster, periods, values, records.indicators, dense=dense)
    # stage one: absolute totals, chunk by chunk, then the exemption overlays
    total = np.empty(ctx.n)
    pen = np.empty(ctx.n)
    caps = np.empty(ctx.n, dtype=np.int64)
    for sl in ctx.chunks():
        total[sl], pen[sl], caps[sl] = ctx.fast_totals(sl)
    applied, unused = _apply_exemptions(
        ctx, exemptions=tuple(exemptions), people=known, total=total, pen=pen, caps=caps
    )
    # stage two: grades per group and period, then the overrides
    graded = _grade_rows(ctx, total, caps)
    codes, overridden = apply_overrides(
        ctx,
        overrides,
        codes=graded.codes,
        caps=caps,
        excluded=dict(excluded),
        allow_over_quota=allow_over_quota,
    )
    table = ScoreTable(
        scheme=scheme,
        cadres=roster,
        scored_periods=periods,
        values=FrozenDict({i: values[:, j] for j, i in enumerate(records.indicators)}),
        total=total,
        penalties=pen,
        grade_code=codes,
        rank=graded.rank,
        vetoed=caps > 0,
        excluded=excluded,
        exemptions_applied=applied,
        exemptions_unused=unused,
        overrides=overridden,
    )
    return attach_context(table, ctx)


class _RosterIds:
    """The ids of a roster, as a container (the set is built on first use only)."""

    def __init__(self, roster: Roster) -> None:
        self.roster = roster
        self.ids: set[str] | None = None

    def __contains__(self, cadre_id: object) -> bool:
        if self.ids is None:
            self.ids = set(self.roster.ids.tolist())
        return cadre_id in self.ids


def _check_scheme_records(scheme: Scheme, records: Records) -> None:
    """Check the types of the scheme and records, and that the scheme knows every record id."""
    if not isinstance(scheme, Scheme):
        raise InvalidInputError(f"score: scheme must be a Scheme, got {type(scheme).__name__}")
    if not isinstance(records, Records):
        raise InvalidInputError(f"score: records must be Records, got {type(records).__name__}")
    known = scheme.known_ids()
    for ind in records.indicators:
        if ind not in known:
            raise InvalidInputError(
                f"score: records hold indicator {ind!r}, unknown to scheme {scheme.name!r}; "
                f"expected one of {sorted(known)}"
            )


def _check_people(cadres: Iterable[Cadre], records: Records) -> dict[str, Cadre]:
    """Return the cadres by id after checking that the records fit them."""
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
    """Grade the totals per group and period (the groups are the context's)."""
    scheme = ctx.scheme
    secondary = None
    if scheme.ties == "secondary_keys" and scheme.secondary_keys:
        cols = [scheme.indicator_ids.index(k) for k in scheme.secondary_keys]
        secondary = np.empty((ctx.n, len(cols)))
        for sl in ctx.chunks():
            s, _, _ = ctx.attain(sl)
            secondary[sl] = s[:, cols]
    return grade(
        total,
        ctx.group_rows,
        grades=scheme.grades,
        quota_rounding=scheme.quota_rounding,
        ties=scheme.ties,
        secondary=secondary,
        caps=caps,
        domains=None
        if scheme.apportionment == "per_group"
        else np.repeat(np.arange(ctx.n_p), ctx.n_c),
        apportionment=scheme.apportionment,
        min_seats=scheme.min_seats,
    )


def _apply_exemptions(
    ctx: ScoreContext,
    *,
    exemptions: tuple[Exemption, ...],
    people: Container[str],
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
    e: Exemption, people: Container[str], targets: set[str], vetoes: set[str]
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
