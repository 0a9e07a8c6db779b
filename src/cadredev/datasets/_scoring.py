"""Sample scoring data for the sample zone: a scheme and a year of monthly records.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cadredev._validate import rng_from
from cadredev.model import Cadre, Line
from cadredev.scoring import Grade, Indicator, Penalty, Records, Scheme, Target, Veto

from ._rotation import _check_zone

if TYPE_CHECKING:
    from cadredev.scoring import ScoreTable

    from ._zone import Zone

__all__ = ["MONTHS", "demo_score_table", "sample_records", "sample_scheme"]

MONTHS = tuple(f"2025-{m:02d}" for m in range(1, 13))
"""The months of the sample records."""


def sample_scheme() -> Scheme:
    """Return the sample zone's differentiated scheme (差异化考核), one indicator set per line.

    * investment (招商引资): enterprises visited (家/month), projects signed
      (个/quarter), contracted amount and funds in place (万元/quarter);
    * project (项目建设): on-time completion rate (a rate: ``on_time.num``
      milestones met over ``on_time.den`` milestones due) and the penalty
      ``safety_incidents`` (10 points per incident, at most 30);
    * service (园区服务): issues resolved, revisits (per month) and approval
      days saved (per month);
    * vetoes: ``discipline`` (违纪, caps at 不称职) and ``safety_violation``
      (重大安全责任事故, caps at 基本称职);
    * grades 优秀 (quota 20 % per unit, at least 85), 称职 (60+), 基本称职 (40+),
      不称职; quotas rounded down, tied blocks excluded.

    Examples
    --------
    >>> scheme = sample_scheme()
    >>> [i.id for i in scheme.for_line("project")]
    ['on_time']

    .. versionadded:: 0.1
    """
    cap = 1.2
    investment = [
        Indicator(
            id="visits",
            label="走访企业",
            unit="家",
            kind="flow",
            per="month",
            normalise=Target(0, 20, stretch=35, cap=cap),
            weight=2,
        ),
        Indicator(
            id="projects_signed",
            label="签约项目",
            unit="个",
            kind="flow",
            per="quarter",
            normalise=Target(0, 2, stretch=4, cap=cap),
            weight=3,
        ),
        Indicator(
            id="contracted",
            label="合同金额",
            unit="万元",
            kind="flow",
            per="quarter",
            normalise=Target(0, 5000, stretch=10000, cap=cap),
            weight=3,
        ),
        Indicator(
            id="funds_in_place",
            label="到位资金",
            unit="万元",
            kind="flow",
            per="quarter",
            normalise=Target(0, 1500, stretch=3000, cap=cap),
            weight=2,
        ),
    ]
    project = [
        Indicator(
            id="on_time",
            label="按期完工率",
            unit="",
            kind="rate",
            normalise=Target(0.5, 0.95, stretch=1.0, cap=1.1),
            weight=1,
        ),
    ]
    service = [
        Indicator(
            id="issues_resolved",
            label="解决问题",
            unit="件",
            kind="flow",
            per="month",
            normalise=Target(0, 4, stretch=8, cap=cap),
            weight=3,
        ),
        Indicator(
            id="revisits",
            label="回访企业",
            unit="家",
            kind="flow",
            per="month",
            normalise=Target(0, 10, stretch=16, cap=cap),
            weight=2,
        ),
        Indicator(
            id="approval_days_saved",
            label="压缩审批时限",
            unit="天",
            kind="flow",
            per="month",
            normalise=Target(0, 5, stretch=10, cap=cap),
            weight=2,
        ),
    ]
    return Scheme(
        name="sample zone 2025",
        indicators={Line.INVESTMENT: investment, Line.PROJECT: project, Line.SERVICE: service},
        penalties=(
            Penalty(
                id="safety_incidents", label="安全事故", points=10, cap=30, lines=(Line.PROJECT,)
            ),
        ),
        vetoes=(
            Veto(id="discipline", label="违纪违法", cap="incompetent"),
            Veto(id="safety_violation", label="重大安全责任事故", cap="basic"),
        ),
        grades=(
            Grade("excellent", "优秀", quota=0.2, min_score=85.0),
            Grade("competent", "称职", min_score=60.0),
            Grade("basic", "基本称职", min_score=40.0),
            Grade("incompetent", "不称职"),
        ),
        quota_rounding="floor",
        ties="exclude_block",
        group_by="unit",
    )


def _ability(c: Cadre) -> float:
    skill = {Line.INVESTMENT: "investment", Line.PROJECT: "construction", Line.SERVICE: "service"}
    comps = c.competencies
    base = comps.get(skill.get(c.line, ""), 0.5) if c.line is not None else 0.5
    five = [comps.get(k, 0.5) for k in ("communication", "judgment", "coordination")]
    return float(0.6 * base + 0.4 * sum(five) / len(five))


def sample_records(zone: Zone, seed: int | np.random.Generator | None = 0) -> Records:
    """Return a year of monthly records (2025-01 .. 2025-12) for the zone's cadres.

    Values follow each cadre's line and competencies with noise. The data
    holds a few safety incidents for project cadres (record id
    ``safety_incidents``) and one discipline veto event (``discipline``);
    find them with ``records.column("safety_incidents")``. Some months have
    no milestones due (``on_time.den == 0``), so the rate is not applicable
    there.

    Parameters
    ----------
    zone
        The zone, e.g. ``sample_zone()``.
    seed
        Seed for :func:`numpy.random.default_rng`.

    Examples
    --------
    >>> from cadredev.datasets import sample_records, sample_zone
    >>> rec = sample_records(sample_zone())
    >>> len(rec.cadres), rec.periods[0], rec.periods[-1]
    (246, '2025-01', '2025-12')

    .. versionadded:: 0.1
    """
    _check_zone(zone, "sample_records")
    rng = rng_from(seed, where="sample_records")
    rows: list[tuple[str, str, str, float]] = []
    cadres = sorted(zone.cadres, key=lambda c: c.id)
    project_ids = [c.id for c in cadres if c.line is Line.PROJECT]
    incidents = {
        (project_ids[int(i)], MONTHS[int(m)])
        for i, m in zip(
            rng.choice(len(project_ids), size=4, replace=False),
            rng.choice(12, size=4),
            strict=True,
        )
    }
    veto_cadre = cadres[int(rng.integers(len(cadres)))].id
    veto_month = MONTHS[int(rng.integers(12))]
    for c in cadres:
        a = float(np.clip(_ability(c) + rng.normal(0, 0.12), 0.1, 1.2))
        for month in MONTHS:
            if c.line is Line.INVESTMENT:
                signed = int(rng.poisson(0.75 * a))
                amount = float(np.round(signed * rng.lognormal(np.log(2000), 0.5), 1))
                rows += [
                    (c.id, month, "visits", float(rng.poisson(22 * a))),
                    (c.id, month, "projects_signed", float(signed)),
                    (c.id, month, "contracted", amount),
                    (
                        c.id,
                        month,
                        "funds_in_place",
                        float(np.round(amount * rng.uniform(0.15, 0.45), 1)),
                    ),
                ]
            elif c.line is Line.PROJECT:
                due = int(rng.integers(0, 5))
                met = int(rng.binomial(due, min(0.98, 0.55 + 0.4 * a))) if due else 0
                rows += [
                    (c.id, month, "on_time.num", float(met)),
                    (c.id, month, "on_time.den", float(due)),
                ]
                if (c.id, month) in incidents:
                    rows.append((c.id, month, "safety_incidents", 1.0))
            elif c.line is Line.SERVICE:
                rows += [
                    (c.id, month, "issues_resolved", float(rng.poisson(4.5 * a))),
                    (c.id, month, "revisits", float(rng.poisson(11 * a))),
                    (c.id, month, "approval_days_saved", float(rng.poisson(5 * a))),
                ]
            if c.id == veto_cadre and month == veto_month:
                rows.append((c.id, month, "discipline", 1.0))
    return Records.from_rows(rows)


def demo_score_table() -> ScoreTable:
    """Return a two-cadre score table, small enough to read whole.

    Cadres ``a`` (18 visits) and ``b`` (19 visits) are scored against a
    target of 20 visits; a 50 % quota makes ``b`` excellent.

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> table = demo_score_table()
    >>> table.cadre_ids.tolist(), table.grade.tolist()
    (['a', 'b'], ['competent', 'excellent'])

    .. versionadded:: 0.2
    """
    from cadredev.scoring import score  # noqa: PLC0415

    scheme = Scheme(
        name="demo",
        indicators={"investment": [Indicator(id="visits", normalise=Target(0, 20))]},
        grades=(Grade("excellent", "优秀", quota=0.5), Grade("competent", "称职")),
    )
    people = [
        Cadre(
            id=i,
            name=i,
            birth_year=1990,
            rank="section",
            unit="u",
            line="investment",
            joined_year=2015,
        )
        for i in ("a", "b")
    ]
    rec = Records.from_rows([("a", "2025-01", "visits", 18), ("b", "2025-01", "visits", 19)])
    return score(scheme, people, rec)
