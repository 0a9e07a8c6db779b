"""A year of the enterprise service loop on the sample zone's grids (scenario S19).

.. versionadded:: 0.3
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from attrs import field, frozen

from cadredev._frozendict import FrozenDict
from cadredev._validate import is_int, rng_from
from cadredev.errors import InvalidInputError
from cadredev.events import EnterpriseVisited
from cadredev.service import Case, ServicePolicy, advance, escalate_overdue, open_case
from cadredev.teams import Teams, assign_enterprises, form_teams, grid_names

from ._rotation import _check_zone

if TYPE_CHECKING:
    from ._zone import Zone

__all__ = ["CATEGORIES", "ServiceYear", "sample_service_year"]

CATEGORIES: FrozenDict[str, str] = FrozenDict(
    {
        "用地": "建设管理局",
        "审批": "行政审批局",
        "用工": "企业服务局",
        "融资": "经济发展局",
        "安全生产": "应急管理局",
        "政策": "企业服务局",
        "配套": "新城街道",
    }
)
"""Demand categories of the sample loop and the unit owning each at level 2."""

# share of each category among demands, and its handling time (days: low, high)
_MIX = {
    "用地": (0.12, (8, 25)),
    "审批": (0.22, (2, 9)),
    "用工": (0.18, (3, 12)),
    "融资": (0.12, (5, 16)),
    "安全生产": (0.10, (1, 6)),
    "政策": (0.16, (1, 7)),
    "配套": (0.10, (4, 14)),
}
VISITS_PER_ENTERPRISE = 3
"""Every enterprise is visited this many times a year, a quarter once more."""
DEMANDS = 196
"""Visits that raise a demand (a case), drawn among all visits."""
WHISTLES = 8
"""Risk warnings raised by grid whistle-blowers (吹哨人), each a case."""


def _frozen(value: Mapping[str, str]) -> FrozenDict[str, str]:
    return FrozenDict(value)


@frozen(kw_only=True)
class ServiceYear:
    """A year of the service loop: grids, visits, cases and the policy they ran under.

    Parameters
    ----------
    year
        The calendar year.
    policy
        The :class:`~cadredev.service.ServicePolicy` (SLAs, units, leaders).
    grids
        The grids, from :func:`~cadredev.teams.form_teams` (balanced by cohort,
        led by the six most senior grid mentors).
    grid_of
        Cadre id and enterprise id to grid name.
    visits
        Every visit (走访), in date order.
    cases
        Every case, by id, as of the last day of the year (deadlines passed by
        then have escalated).

    Examples
    --------
    >>> from cadredev.datasets import sample_service_year, sample_zone
    >>> year = sample_service_year(sample_zone())
    >>> len(year.visits) >= 5000, len(year.cases) > 180
    (True, True)

    .. versionadded:: 0.3
    """

    year: int
    policy: ServicePolicy
    grids: Teams
    grid_of: FrozenDict[str, str] = field(converter=_frozen)
    visits: tuple[EnterpriseVisited, ...]
    cases: tuple[Case, ...]

    @property
    def resolved(self) -> tuple[Case, ...]:
        """The cases resolved by the end of the year."""
        return tuple(c for c in self.cases if c.resolved_at is not None)


def _grids(zone: Zone, seed: int | np.random.Generator | None) -> Teams:
    by_id = {c.id: c for c in zone.cadres}
    mentors = sorted(m.id for m in zone.grid_mentors() if m.id in by_id)
    leaders = sorted(mentors, key=lambda i: (-by_id[i].rank.level, by_id[i].birth_year, i))[:6]
    return form_teams(
        zone.cadres, n_teams=6, balance=("cohort",), leaders=leaders, seed=seed, as_of=zone.as_of
    )


def _days(rng: np.random.Generator, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=int(rng.integers(low, high + 1)))


def _run_case(
    case: Case,
    category: str,
    rng: np.random.Generator,
    policy: ServicePolicy,
    end: dt.date,
) -> Case:
    """Take a case through the loop with drawn step times, stopping at the year's end."""
    low, high = _MIX[category][1]
    plan: list[tuple[str, dt.timedelta]] = []
    if case.source == "visit":
        plan.append(("collect", _days(rng, 0, 2)))
    if rng.random() < 0.02:
        plan.append(("withdraw", _days(rng, 1, 5)))
    else:
        plan += [("register", _days(rng, 0, 3)), ("analyse", _days(rng, 1, 4))]
        plan.append(("handle", _days(rng, low, high)))
        if rng.random() < 0.08:
            plan += [("reopen", _days(rng, 3, 12)), ("handle", _days(rng, low, high))]
        plan.append(("revisit", _days(rng, 3, 18)))
    day = case.opened
    for event, wait in plan:
        day += wait
        if day > end:
            break
        case = advance(case, event, at=day, policy=policy, by=case.cadre_id)
    return case


def sample_service_year(
    zone: Zone, *, seed: int | np.random.Generator | None = 0, year: int = 2025
) -> ServiceYear:
    """Return a year of the service loop on ``zone``'s grids, shaped on the seed's figures.

    The zone's cadres are shuffled into 6 grids balanced by cohort and led by
    the six most senior grid mentors (as in scenario S1); the enterprises are
    split across the grids by area. Every enterprise is visited three times
    in the year and a quarter of them once more (over 5,000 visits, 走访服务企业
    5000余家次), each time by a cadre of its grid on a random day. About 200
    visits raise a demand and a few risk warnings come from grid
    whistle-blowers (吹哨人): each opens a case that runs through the loop
    with drawn step times per demand category under the default SLAs, with
    automatic escalation when a deadline passes (over 180 resolved,
    解决问题180余个). The result is as of 31 December.

    Parameters
    ----------
    zone
        The zone, e.g. ``sample_zone()``.
    seed
        Seed for :func:`numpy.random.default_rng`.
    year
        The calendar year of the visits.

    Raises
    ------
    InvalidInputError
        For a zone with no enterprises or fewer than six cadres, a bad seed or
        year.

    Examples
    --------
    >>> from cadredev.datasets import sample_service_year, sample_zone
    >>> year = sample_service_year(sample_zone(), seed=0)
    >>> len(year.resolved) >= 180, len(year.grids)
    (True, 6)

    .. versionadded:: 0.3
    """
    _check_zone(zone, "sample_service_year")
    rng = rng_from(seed, where="sample_service_year")
    if not is_int(year) or not 1900 <= year <= 2200:
        raise InvalidInputError(f"sample_service_year: year must be an integer year, got {year!r}")
    if not zone.enterprises or len(zone.cadres) < 6:
        raise InvalidInputError(
            "sample_service_year: the zone needs enterprises and at least six cadres"
        )
    grids = _grids(zone, rng)
    names = grid_names(grids)
    split = assign_enterprises(grids, zone.enterprises, by="area")
    grid_of = {cid: names[k] for k, members in enumerate(grids.teams) for cid in members}
    grid_of |= {eid: names[k] for k, ids in split.assignment.items() for eid in ids}
    leaders = {names[k]: lead for k, lead in enumerate(grids.leaders) if lead is not None}
    policy = ServicePolicy(grids=names, units=CATEGORIES, leaders=leaders)
    visits = _visits(zone, grids, grid_of, rng, year)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    categories = list(_MIX)
    shares = np.array([_MIX[c][0] for c in categories])
    raising = sorted(
        int(i) for i in rng.choice(len(visits), size=min(DEMANDS, len(visits)), replace=False)
    )
    sources: list[tuple[EnterpriseVisited, str]] = [(visits[i], "visit") for i in raising]
    for _ in range(WHISTLES):
        visit = visits[int(rng.integers(len(visits)))]
        warned = start + dt.timedelta(days=int(rng.integers(0, 330)))
        sources.append(
            (
                EnterpriseVisited(
                    at=warned,
                    recorded_by=visit.cadre_id,
                    cadre_id=visit.cadre_id,
                    enterprise_id=visit.enterprise_id,
                    grid=visit.grid,
                ),
                "whistle",
            )
        )
    cases: list[Case] = []
    for n, (visit, source) in enumerate(sources):
        category = categories[int(rng.choice(len(categories), p=shares / shares.sum()))]
        case = open_case(
            f"k{year}-{n + 1:04d}",
            enterprise_id=visit.enterprise_id,
            grid=visit.grid,
            cadre_id=visit.cadre_id,
            at=visit.at,
            source=source,  # type: ignore[arg-type]
            category=category,
            policy=policy,
            by=visit.cadre_id,
        )
        cases.append(_run_case(case, category, rng, policy, end))
    swept = escalate_overdue(cases, policy, as_of=end)
    return ServiceYear(
        year=year, policy=policy, grids=grids, grid_of=grid_of, visits=visits, cases=swept.cases
    )


def _visits(
    zone: Zone,
    grids: Teams,
    grid_of: dict[str, str],
    rng: np.random.Generator,
    year: int,
) -> tuple[EnterpriseVisited, ...]:
    members = {grid_of[t[0]]: t for t in grids.teams if t}
    enterprises = sorted(zone.enterprises, key=lambda e: e.id)
    extra = rng.random(len(enterprises)) < 0.25
    start = dt.date(year, 1, 1)
    span = (dt.date(year, 12, 31) - start).days + 1
    rows: list[EnterpriseVisited] = []
    for e, more in zip(enterprises, extra, strict=True):
        grid = grid_of[e.id]
        team = members[grid]
        count = VISITS_PER_ENTERPRISE + int(more)
        days = np.sort(rng.integers(0, span, size=count))
        who = rng.integers(len(team), size=count)
        rows += [
            EnterpriseVisited(
                at=start + dt.timedelta(days=int(d)),
                recorded_by=team[int(w)],
                cadre_id=team[int(w)],
                enterprise_id=e.id,
                grid=grid,
            )
            for d, w in zip(days, who, strict=True)
        ]
    rows.sort(key=lambda v: (v.at, v.enterprise_id, v.cadre_id))
    return tuple(rows)
