"""The end-to-end demo pipeline behind ``cadredev demo``.

Each step is a plain function of a zone (and the steps before it), so the
command line, the tests and a notebook all run the same code.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from attrs import frozen

from .errors import InvalidInputError

if TYPE_CHECKING:
    import networkx as nx

    from .datasets import Zone
    from .matching import Matching
    from .rotation import RotationPlan, RotationProblem
    from .scoring import PayAllocation, ReservePool, ScoreTable
    from .teams import EnterpriseSplit, Teams

N_GRIDS = 6
PAY_POOL = 1_000_000.0
PAY_COEFFICIENTS = {"excellent": 1.5, "competent": 1.0, "basic": 0.8, "incompetent": 0.5}


Progress = Callable[[str, float], None]


@frozen(kw_only=True)
class Demo:
    """Everything the demo computed on one zone."""

    zone: Zone
    seed: int
    grids: Teams
    enterprises: EnterpriseSplit
    mentor_graph: nx.Graph[Any]
    mentoring: Matching
    shadowing_problem: RotationProblem
    shadowing: RotationPlan
    frontline_problem: RotationProblem
    frontline: RotationPlan
    year: ScoreTable
    pay: PayAllocation
    pool: ReservePool
    timings: dict[str, float]

    def headline(self) -> dict[str, Any]:
        """Return the headline figures as plain JSON-ready values."""
        report = self.grids.report()
        summary = self.mentoring.summary()
        counts = Counter(str(g) for g in self.year.grade.tolist())
        order = [g.id for g in self.zone.scheme.grades] if self.zone.scheme else sorted(counts)
        grades = {g: counts.get(g, 0) for g in order}
        return {
            "zone": {
                "name": self.zone.name,
                "as_of": self.zone.as_of,
                "cadres": len(self.zone.cadres),
                "units": len(self.zone.units),
                "mentors": len(self.zone.mentors),
                "posts": len(self.zone.posts),
                "enterprises": len(self.zone.enterprises),
            },
            "grids": {
                "sizes": list(self.grids.sizes),
                "leaders": [self.grids.leader_of(t) for t in range(len(self.grids.teams))],
                "worst_cohort_deviation_points": round(report.worst_by_attribute["cohort"], 2),
                "enterprises_per_grid": list(self.enterprises.counts),
            },
            "mentoring": {
                "mentees": summary.n_mentees,
                "matched": summary.n_matched,
                "unmatched": len(self.mentoring.unmatched),
                "cross_unit_share": summary.cross_unit_share,
                "total_weight": round(self.mentoring.total_weight, 3),
            },
            "rotation": {
                name: {
                    "assignments": len(plan.assignments),
                    "cadres": len({a.cadre_id for a in plan.assignments}),
                    "cadre_periods": sum(a.length for a in plan.assignments),
                    "unplaced": len(plan.unplaced),
                    "violations": len(plan.violations(problem)),
                    "objective": [plan.objective.placed, round(plan.objective.value, 3)],
                    "bound": None
                    if plan.bound is None
                    else [plan.bound.placed, round(plan.bound.value, 3)],
                    "method": plan.method,
                }
                for name, plan, problem in (
                    ("cross_shadowing", self.shadowing, self.shadowing_problem),
                    ("frontline", self.frontline, self.frontline_problem),
                )
            },
            "assessment": {
                "period": str(self.year.periods[0]) if len(self.year.periods) else None,
                "grades": grades,
                "vetoed": [str(c) for c in self.year.cadre_ids[self.year.vetoed]],
                "reserve_pool": len(self.pool.entries),
                "pay_pool": self.pay.pool,
                "pay_total": round(float(self.pay.cents.sum()) / 100, 2),
            },
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
        }

    def _grade_label(self, grade_id: str) -> str:
        scheme = self.zone.scheme
        labels = {g.id: g.label for g in scheme.grades} if scheme is not None else {}
        return f"{labels[grade_id]} {grade_id}" if labels.get(grade_id) else grade_id

    def report(self) -> str:
        """Return the readable multi-line report the command line prints."""
        h = self.headline()
        grids, mentoring, assessment = h["grids"], h["mentoring"], h["assessment"]
        share = mentoring["cross_unit_share"]
        lines = [
            self.zone.describe(),
            "",
            (
                f"Grids (S1): {len(grids['sizes'])} grids of {min(grids['sizes'])}-"
                f"{max(grids['sizes'])} cadres, cohort shares within "
                f"{grids['worst_cohort_deviation_points']:.1f} points of the zone's; "
                f"leaders {', '.join(str(x) for x in grids['leaders'])}"
            ),
            f"  enterprises per grid: {grids['enterprises_per_grid']}",
            f"Grid mentoring (S2): {mentoring['matched']} of {mentoring['mentees']} cadres "
            f"matched to a mentor of their grid, {mentoring['unmatched']} unmatched, "
            + ("no unit data" if share is None else f"{share:.0%} cross-unit pairs"),
            *(
                f"{title}: {r['cadres']} cadres, {r['assignments']} placements "
                f"({r['cadre_periods']} cadre-months), {r['unplaced']} unmet minimums, "
                f"{r['violations']} violations; benefit {r['objective'][1]:.1f} "
                + ("(no bound" if r["bound"] is None else f"(bound {r['bound'][1]:.1f}")
                + f", {r['method']})"
                for title, r in (
                    ("Cross shadowing (S4)", h["rotation"]["cross_shadowing"]),
                    ("Frontline postings (S5)", h["rotation"]["frontline"]),
                )
            ),
            f"Assessment {assessment['period']} (S9-S12): "
            + ", ".join(f"{self._grade_label(g)} {n}" for g, n in assessment["grades"].items())
            + f"; vetoed {assessment['vetoed'] or 'none'}; "
            f"reserve pool {assessment['reserve_pool']}",
            (
                f"  pay: {assessment['pay_total']:,.2f} of a {assessment['pay_pool']:,.2f} pool "
                "allocated by grade and score"
            ),
        ]
        return "\n".join(lines)


def _timed(name: str, timings: dict[str, float], progress: Progress | None) -> Callable[..., Any]:
    def wrap(step: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = step()
        timings[name] = time.perf_counter() - start
        if progress is not None:
            progress(name, timings[name])
        return result

    return wrap


def form_grids(zone: Zone, *, seed: int) -> tuple[Teams, EnterpriseSplit]:
    """S1: the zone's cadres into 6 cohort-balanced grids, one mentor-team leader each."""
    from .teams import assign_enterprises, form_teams  # noqa: PLC0415

    by_id = {c.id: c for c in zone.cadres}
    mentor_ids = frozenset(m.id for m in zone.grid_mentors() if m.id in by_id)
    if len(mentor_ids) < N_GRIDS:
        raise InvalidInputError(
            f"demo: the zone needs at least {N_GRIDS} grid mentors who are cadres, "
            f"got {len(mentor_ids)}"
        )
    leaders = sorted(mentor_ids, key=lambda i: (-by_id[i].rank.level, by_id[i].birth_year, i))
    grids = form_teams(
        zone.cadres,
        n_teams=N_GRIDS,
        balance=("cohort", lambda c: c.id in mentor_ids),
        leaders=leaders[:N_GRIDS],
        seed=seed,
        as_of=zone.as_of,
    )
    return grids, assign_enterprises(grids, zone.enterprises, by="area")


def match_grid_mentors(zone: Zone, grids: Teams) -> tuple[nx.Graph[Any], Matching]:
    """S2: every cadre to a grid mentor of the same grid, preferring cross-unit pairs."""
    from .matching import Criteria, compatibility_graph, match  # noqa: PLC0415

    grid_of = {cid: f"grid-{t + 1}" for t, team in enumerate(grids.teams) for cid in team}
    mentors = [attrs.evolve(m, grid=grid_of[m.id]) for m in zone.grid_mentors() if m.id in grid_of]
    mentor_ids = {m.id for m in mentors}
    mentees = [attrs.evolve(c, grid=grid_of[c.id]) for c in zone.cadres if c.id not in mentor_ids]
    criteria = Criteria(
        as_of=zone.as_of, cross_unit=3.0, industries=1.0, gap_cover=1.0, same_grid_only=True
    )
    graph = compatibility_graph(mentees, mentors, criteria=criteria)
    return graph, match(graph)


def plan_rotations(
    zone: Zone, *, seed: int
) -> tuple[RotationProblem, RotationPlan, RotationProblem, RotationPlan]:
    """S4 and S5: a year of cross shadowing and of frontline postings."""
    from .datasets import cross_shadowing_problem, frontline_problem  # noqa: PLC0415
    from .rotation import schedule  # noqa: PLC0415

    shadowing_problem = cross_shadowing_problem(zone)
    frontline = frontline_problem(zone)
    return (
        shadowing_problem,
        schedule(shadowing_problem, seed=seed),
        frontline,
        schedule(frontline, seed=seed),
    )


def assess_year(zone: Zone) -> tuple[ScoreTable, PayAllocation, ReservePool]:
    """S9-S12: months rolled up to the year, graded with quotas, pay and reserve pool."""
    from .scoring import allocate_pay, rollup, score  # noqa: PLC0415

    if zone.scheme is None or zone.records is None:
        raise InvalidInputError("demo: the zone has no scoring scheme or records")
    year = rollup(zone.records, zone.scheme, to="year")
    table = score(zone.scheme, zone.cadres, year)
    pay = allocate_pay(table, pool=PAY_POOL, coefficients=PAY_COEFFICIENTS)
    pool = table.reserve_pool(per_line=5, min_tenure=3)
    return table, pay, pool


def write_ledger(demo: Demo, path: Path) -> None:
    """Record the demo's year in a SQLite ledger at ``path``, replacing it whole.

    The scheme in force, the grid mentorships, the year's shadowing
    placements and the year's assessments: the decisions the demo made, as
    events. The database is built beside ``path`` and moved over it only once
    complete, so a failure leaves an existing file as it was.
    """
    from .calendar import Calendar  # noqa: PLC0415
    from .ledger import Ledger, SchemeAdopted  # noqa: PLC0415

    zone = demo.zone
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    year_start = dt.date(zone.as_of, 1, 1)
    try:
        with Ledger.connect(f"sqlite:///{partial}", zone=zone) as ledger:
            if zone.scheme is not None:
                ledger.append(
                    SchemeAdopted(
                        at=year_start - dt.timedelta(days=10),
                        recorded_by="党工委",
                        scheme=zone.scheme,
                        effective=year_start,
                    )
                )
            ledger.record(demo.mentoring, at=year_start, recorded_by="组织部")
            ledger.record(
                demo.shadowing,
                at=year_start,
                recorded_by="组织部",
                calendar=Calendar(f"{zone.as_of}-01"),
            )
            ledger.record(demo.year, at=dt.date(zone.as_of, 12, 31), recorded_by="考核办")
        for extra in (f"{partial.name}-wal", f"{partial.name}-shm"):
            (partial.parent / extra).unlink(missing_ok=True)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def run_demo(zone: Zone, *, seed: int = 0, progress: Progress | None = None) -> Demo:
    """Run every step of the demo on ``zone``."""
    timings: dict[str, float] = {}
    grids, enterprises = _timed("grids", timings, progress)(lambda: form_grids(zone, seed=seed))
    graph, mentoring = _timed("mentoring", timings, progress)(
        lambda: match_grid_mentors(zone, grids)
    )
    shadowing_problem, shadowing, frontline_problem, frontline = _timed(
        "rotation", timings, progress
    )(lambda: plan_rotations(zone, seed=seed))
    year, pay, pool = _timed("assessment", timings, progress)(lambda: assess_year(zone))
    return Demo(
        zone=zone,
        seed=seed,
        grids=grids,
        enterprises=enterprises,
        mentor_graph=graph,
        mentoring=mentoring,
        shadowing_problem=shadowing_problem,
        shadowing=shadowing,
        frontline_problem=frontline_problem,
        frontline=frontline,
        year=year,
        pay=pay,
        pool=pool,
        timings=timings,
    )
