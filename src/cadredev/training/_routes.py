"""Teaching routes (教学路线): per theme, sites that cover its topics, in the shortest order."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from attrs import field, frozen
from scipy.optimize import Bounds, LinearConstraint, milp

from cadredev._display import html_table, need_pandas
from cadredev._frozendict import FrozenDict, id_key
from cadredev._validate import (
    as_float,
    check_records,
    date_field,
    field_ids,
    field_records,
    id_field,
    int_field,
    is_int,
    is_real,
    named_errors,
    real_field,
    text_field,
)
from cadredev.errors import InvalidInputError

from ._records import Booking, Site, Theme

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Route", "RoutePlan", "SiteLoad", "Unrouted", "plan_routes"]

_WHERE = "plan_routes"
MAX_SITES_PER_ROUTE = 7
"""Routes are ordered by trying every order, so they are at most this long."""


def _sites(value: object) -> tuple[str, ...]:
    return field_ids(value, name="sites")


def _covered(value: object) -> frozenset[str]:
    return frozenset(field_ids(value, name="covered"))


def _missing(value: object) -> frozenset[str]:
    return frozenset(field_ids(value, name="missing"))


@named_errors
@frozen(kw_only=True)
class Route:
    """A theme's route: its sites in visiting order.

    ``missing`` lists the theme's topics no site on the route covers (a
    coverage gap); ``travel`` is the route's length by the distance matrix.

    Examples
    --------
    >>> from cadredev.training import Site, Theme, plan_routes
    >>> sites = [Site(id="a", topics={"x"}), Site(id="b", topics={"x"})]
    >>> route = plan_routes(
    ...     sites, [Theme(id="t", topics={"x", "y"})], distance=[[0, 3], [3, 0]]
    ... ).routes[0]
    >>> route.sites, route.travel, route.missing
    (('a', 'b'), 3.0, frozenset({'y'}))

    .. versionadded:: 0.3
    """

    theme_id: str = field(validator=id_field)
    sites: tuple[str, ...] = field(converter=_sites)
    travel: float = field(converter=as_float, validator=real_field)
    covered: frozenset[str] = field(converter=_covered)
    missing: frozenset[str] = field(converter=_missing)


@named_errors
@frozen(kw_only=True)
class SiteLoad:
    """Visitors at a site on a day, from the cohorts booked onto the routes.

    Examples
    --------
    >>> import datetime as dt
    >>> from cadredev.training import Booking, Site, Theme, plan_routes
    >>> b = Booking(id="b1", theme="t", size=30, day=dt.date(2025, 5, 6))
    >>> sites, themes = [Site(id="a", topics={"x"})], [Theme(id="t", topics={"x"})]
    >>> plan = plan_routes(sites, themes, distance=[[0]], bookings=[b])
    >>> plan.load[0].people, plan.load[0].capacity
    (30, 50)

    .. versionadded:: 0.3
    """

    site_id: str = field(validator=id_field)
    day: dt.date = field(validator=date_field)
    people: int = field(validator=int_field())
    capacity: int = field(validator=int_field())


@named_errors
@frozen(kw_only=True)
class Unrouted:
    """A theme that got no route, and why.

    Examples
    --------
    >>> from cadredev.training import Site, Theme, plan_routes
    >>> sites, themes = [Site(id="a", topics={"x"})], [Theme(id="t", topics={"y"})]
    >>> plan_routes(sites, themes, distance=[[0]]).unrouted[0].theme_id
    't'

    .. versionadded:: 0.3
    """

    theme_id: str = field(validator=id_field)
    reason: str = field(validator=text_field)


def _routes(value: object) -> tuple[Route, ...]:
    return field_records(value, Route, name="routes")


def _unrouted(value: object) -> tuple[Unrouted, ...]:
    return field_records(value, Unrouted, name="unrouted")


def _site_loads(value: object) -> tuple[SiteLoad, ...]:
    return field_records(value, SiteLoad, name="load")


@named_errors
@frozen(kw_only=True)
class RoutePlan:
    """The result of :func:`plan_routes`.

    Attributes
    ----------
    routes
        One route per routed theme, by theme id.
    unrouted
        Themes without a route, each with the reason.
    load
        Visitors at each site on each day of a booking (empty without bookings),
        by site then day.
    sites_per_route
        The route length asked for.

    Examples
    --------
    >>> from cadredev.training import Site, Theme, plan_routes
    >>> sites = [Site(id="a", topics={"x"}), Site(id="b", topics={"y"}), Site(id="c", topics={"x"})]
    >>> d = [[0, 5, 1], [5, 0, 2], [1, 2, 0]]
    >>> plan = plan_routes(sites, [Theme(id="t", topics={"x", "y"})], sites_per_route=2, distance=d)
    >>> plan.routes[0].sites, plan.routes[0].travel
    (('b', 'c'), 2.0)

    .. versionadded:: 0.3
    """

    routes: tuple[Route, ...] = field(converter=_routes)
    unrouted: tuple[Unrouted, ...] = field(converter=_unrouted)
    load: tuple[SiteLoad, ...] = field(converter=_site_loads)
    sites_per_route: int = field(validator=int_field(1))

    @property
    def total_travel(self) -> float:
        """The routes' total length."""
        return math.fsum(r.travel for r in self.routes)

    @property
    def gaps(self) -> FrozenDict[str, frozenset[str]]:
        """The required topics each routed theme's route leaves uncovered, by theme id."""
        out = {r.theme_id: r.missing for r in self.routes if r.missing}
        return FrozenDict(dict(sorted(out.items())))

    def people_at(self, site_id: str, day: dt.date) -> int:
        """Return the visitors booked at a site on a day."""
        return sum(x.people for x in self.load if x.site_id == site_id and x.day == day)

    def route(self, theme_id: str) -> Route:
        """Return a theme's route."""
        for r in self.routes:
            if r.theme_id == theme_id:
                return r
        raise InvalidInputError(f"RoutePlan.route: theme {theme_id!r} has no route")

    def explain(self, theme_id: str) -> str:
        """Say which sites a theme visits, in what order, and what is missing."""
        for u in self.unrouted:
            if u.theme_id == theme_id:
                return f"{theme_id}: no route: {u.reason}"
        r = self.route(theme_id)
        covers = ", ".join(sorted(r.covered))
        text = f"{theme_id}: {' -> '.join(r.sites)} (travel {r.travel:g}), covers {covers}"
        if r.missing:
            text += f"; gap: no site covers {', '.join(sorted(r.missing))}"
        return text

    def _headline(self) -> str:
        return (
            f"Teaching routes: {len(self.routes)} route(s) of up to {self.sites_per_route} sites, "
            f"total travel {self.total_travel:g}, {len(self.gaps)} with coverage gaps, "
            f"{len(self.unrouted)} theme(s) unrouted"
        )

    def __str__(self) -> str:
        return self._headline()

    def _rows(self) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = [
            (r.theme_id, " → ".join(r.sites), r.travel, ", ".join(sorted(r.missing)))
            for r in self.routes
        ]
        rows += [(u.theme_id, "", None, u.reason) for u in self.unrouted]
        return rows

    def _repr_html_(self) -> str:
        return html_table(self._headline(), ("theme", "route", "travel", "gap"), self._rows())

    def to_pandas(self) -> pd.DataFrame:
        """Return one row per theme: ``theme``, ``route``, ``travel``, ``gap``."""
        pandas = need_pandas()
        frame: pd.DataFrame = pandas.DataFrame(
            self._rows(), columns=["theme", "route", "travel", "gap"]
        )
        return frame


def _matrix(sites: Sequence[Site], distance: Any) -> np.ndarray:
    n = len(sites)
    if isinstance(distance, Mapping):
        pos = {s.id: k for k, s in enumerate(sites)}
        d = np.full((n, n), np.nan)
        np.fill_diagonal(d, 0.0)
        for key, value in distance.items():
            if (
                not isinstance(key, tuple)
                or len(key) != 2
                or key[0] not in pos
                or key[1] not in pos
            ):
                raise InvalidInputError(
                    f"{_WHERE}: distance keys must be (site id, site id), got {key!r}"
                )
            a, b = pos[key[0]], pos[key[1]]
            d[a, b] = value if is_real(value) else np.nan
            if (key[1], key[0]) not in distance:
                d[b, a] = d[a, b]
    else:
        try:
            d = np.array(distance, dtype=float)
        except (TypeError, ValueError):
            raise InvalidInputError(
                f"{_WHERE}: distance must be a square matrix or a mapping, got {distance!r}"
            ) from None
        if d.shape != (n, n):
            raise InvalidInputError(
                f"{_WHERE}: distance must be {n} x {n} (one row per site), got shape {d.shape}"
            )
    bad = np.argwhere(~np.isfinite(d) | (d < 0))
    if len(bad):
        a, b = bad[0]
        raise InvalidInputError(
            f"{_WHERE}: distance from {sites[a].id!r} to {sites[b].id!r} "
            f"must be a finite number >= 0, got {d[a, b]!r}"
        )
    return d


def _best_order(
    members: Sequence[int], d: np.ndarray, ids: Sequence[str]
) -> tuple[float, tuple[int, ...]]:
    """Return the shortest open path through *members*; ties to the smallest id sequence."""
    best: tuple[float, tuple[tuple[str, str], ...]] | None = None
    best_order: tuple[int, ...] = ()
    for order in itertools.permutations(members):
        key = (
            math.fsum(d[a, b] for a, b in itertools.pairwise(order)),
            tuple(id_key(ids[k]) for k in order),
        )
        if best is None or key < best:
            best, best_order = key, order
    return (best[0] if best else 0.0), best_order


def _candidates(
    theme: Theme, sites: Sequence[Site], d: np.ndarray, k: int
) -> list[tuple[int, float, tuple[int, ...]]]:
    """Every route of up to *k* relevant sites: (topics covered, travel, order)."""
    relevant = [i for i, s in enumerate(sites) if s.topics & theme.topics]
    if not relevant:
        return []
    size = min(k, len(relevant))
    ids = [s.id for s in sites]
    out = []
    for combo in itertools.combinations(relevant, size):
        covered = len(theme.topics & frozenset().union(*(sites[i].topics for i in combo)))
        travel, order = _best_order(combo, d, ids)
        out.append((covered, travel, order))
    out.sort(key=lambda c: (-c[0], c[1], [id_key(ids[i]) for i in c[2]]))
    return out


def plan_routes(
    sites: Iterable[Site],
    themes: Iterable[Theme],
    *,
    distance: Any,
    sites_per_route: int = 3,
    bookings: Iterable[Booking] = (),
) -> RoutePlan:
    """Choose, for each theme, a route of teaching sites in the shortest visiting order.

    A route holds ``sites_per_route`` sites that each teach at least one of
    the theme's topics (fewer when fewer sites do). Lexicographically, and
    exactly:

    1. the routes cover as many of the themes' required topics as possible
       (summed over themes); topics left uncovered are reported as gaps;
    2. then the total travel is as short as possible: each route is an open
       path through its sites by the ``distance`` matrix (every order is
       tried), and when bookings are given the routes are chosen together by a
       small HiGHS program so that on each day the people visiting each
       site stay within its capacity.

    Without bookings, ties go to the route whose sites, in order, have the
    smallest ids; with bookings, remaining ties are resolved by the solver over
    themes and candidate routes in that order, so the result never depends on
    input order.

    Parameters
    ----------
    sites
        The teaching sites (教学点).
    themes
        The themes (教学主题), each with the topics its route must cover.
    distance
        Travel between sites: a square matrix in the order of ``sites``, or
        a mapping ``(site id, site id) -> distance`` (a pair given one way
        is read both ways).
    sites_per_route
        Sites on each route, from 1 to 7.
    bookings
        Cohorts scheduled onto the themes' routes, each on a day.

    Returns
    -------
    RoutePlan
        The routes; a theme that no site covers, or whose bookings no route can
        take within the sites' capacities, is in ``unrouted`` with the reason.

    Raises
    ------
    InvalidInputError
        For malformed input (a bad distance, a booking of an unknown theme).

    Examples
    --------
    >>> from cadredev.training import Site, Theme, plan_routes
    >>> sites = [Site(id="a", topics={"x"}), Site(id="b", topics={"y"})]
    >>> plan = plan_routes(sites, [Theme(id="t", topics={"z"})], distance=[[0, 1], [1, 0]])
    >>> plan.explain("t")
    "t: no route: no site covers any of the theme's topics (z)"

    .. versionadded:: 0.3
    """
    given = check_records(sites, Site, where=_WHERE, name="sites")
    ts = sorted(
        check_records(themes, Theme, where=_WHERE, name="themes"), key=lambda t: id_key(t.id)
    )
    vs = sorted(
        check_records(bookings, Booking, where=_WHERE, name="bookings"), key=lambda v: id_key(v.id)
    )
    if not is_int(sites_per_route) or not 1 <= sites_per_route <= MAX_SITES_PER_ROUTE:
        raise InvalidInputError(
            f"{_WHERE}: sites_per_route must be an integer from 1 to {MAX_SITES_PER_ROUTE}, "
            f"got {sites_per_route!r}"
        )
    theme_ids = {t.id for t in ts}
    for v in vs:
        if v.theme not in theme_ids:
            raise InvalidInputError(f"{_WHERE}: booking {v.id!r} names unknown theme {v.theme!r}")
    d = _matrix(given, distance)
    perm = sorted(range(len(given)), key=lambda k: id_key(given[k].id))
    ss = [given[k] for k in perm]
    return _plan(ss, ts, vs, d[np.ix_(perm, perm)], int(sites_per_route))


def _plan(ss: list[Site], ts: list[Theme], vs: list[Booking], d: np.ndarray, k: int) -> RoutePlan:
    cands = {t.id: _candidates(t, ss, d, k) for t in ts}
    unrouted = [
        Unrouted(
            theme_id=t.id,
            reason=f"no site covers any of the theme's topics ({', '.join(sorted(t.topics))})",
        )
        for t in ts
        if not cands[t.id]
    ]
    routable = [t for t in ts if cands[t.id]]
    if vs:
        chosen, capacity_out = _choose_with_visits(routable, cands, ss, vs)
        unrouted += capacity_out
    else:
        chosen = {t.id: cands[t.id][0] for t in routable}
    routes = []
    for t in routable:
        if t.id not in chosen:
            continue
        _, travel, order = chosen[t.id]
        covered = t.topics & frozenset().union(*(ss[i].topics for i in order))
        routes.append(
            Route(
                theme_id=t.id,
                sites=tuple(ss[i].id for i in order),
                travel=float(travel),
                covered=frozenset(covered),
                missing=t.topics - covered,
            )
        )
    load: defaultdict[tuple[str, dt.date], int] = defaultdict(int)
    by_theme = {r.theme_id: r for r in routes}
    capacity = {s.id: s.capacity for s in ss}
    for v in vs:
        if v.theme in by_theme:
            for s in by_theme[v.theme].sites:
                load[s, v.day] += v.size
    return RoutePlan(
        routes=tuple(routes),
        unrouted=tuple(sorted(unrouted, key=lambda u: id_key(u.theme_id))),
        load=tuple(
            SiteLoad(site_id=s, day=day, people=n, capacity=capacity[s])
            for (s, day), n in sorted(load.items(), key=lambda kv: (id_key(kv[0][0]), kv[0][1]))
        ),
        sites_per_route=k,
    )


def _choose_with_visits(
    themes: list[Theme],
    cands: Mapping[str, list[tuple[int, float, tuple[int, ...]]]],
    sites: list[Site],
    bookings: list[Booking],
) -> tuple[dict[str, tuple[int, float, tuple[int, ...]]], list[Unrouted]]:
    """Choose one candidate (or none) per theme: most coverage, then least travel."""
    if not themes:
        return {}, []
    people: defaultdict[tuple[str, dt.date], int] = defaultdict(int)
    for v in bookings:
        people[v.theme, v.day] += v.size
    cols: list[tuple[int, int]] = []  # (theme index, candidate index); candidate -1 = no route
    for a, t in enumerate(themes):
        cols.append((a, -1))
        cols += [
            (a, c)
            for c, (_, _, order) in enumerate(cands[t.id])
            if _fits_alone(t, order, sites, people)
        ]
    n = len(cols)
    rows: list[np.ndarray] = []
    lo: list[float] = []
    hi: list[float] = []
    for a in range(len(themes)):
        rows.append(np.array([1.0 if col[0] == a else 0.0 for col in cols]))
        lo.append(1.0)
        hi.append(1.0)
    days = sorted({v.day for v in bookings})
    for i, site in enumerate(sites):
        for day in days:
            row = np.zeros(n)
            for e, (a, c) in enumerate(cols):
                if c >= 0 and i in cands[themes[a].id][c][2]:
                    row[e] = people[themes[a].id, day]
            if row.any():
                rows.append(row)
                lo.append(-np.inf)
                hi.append(float(site.capacity))
    cover = np.array([0.0 if c < 0 else float(cands[themes[a].id][c][0]) for a, c in cols])
    travel = np.array([0.0 if c < 0 else cands[themes[a].id][c][1] for a, c in cols])
    base = [LinearConstraint(np.array(rows), lo, hi)]
    first = milp(-cover, constraints=base, integrality=np.ones(n, np.int64), bounds=Bounds(0, 1))
    best = -float(first.fun if first.fun is not None else 0.0)
    keep = LinearConstraint(cover.reshape(1, -1), best - 0.5, np.inf)
    second = milp(
        travel, constraints=[*base, keep], integrality=np.ones(n, np.int64), bounds=Bounds(0, 1)
    )
    if second.x is None:  # pragma: no cover - "no route" for every theme is always feasible
        raise InvalidInputError(f"{_WHERE}: HiGHS found no plan ({second.message})")
    x = np.round(second.x)
    chosen: dict[str, tuple[int, float, tuple[int, ...]]] = {}
    out: list[Unrouted] = []
    for e, (a, c) in enumerate(cols):
        if x[e] > 0:
            t = themes[a]
            if c >= 0:
                chosen[t.id] = cands[t.id][c]
            else:
                out.append(Unrouted(theme_id=t.id, reason=_why_not(t, cands[t.id], sites, people)))
    return chosen, out


def _fits_alone(
    theme: Theme, order: Sequence[int], sites: Sequence[Site], people: Mapping[tuple[str, Any], int]
) -> bool:
    peak = max((n for (tid, _), n in people.items() if tid == theme.id), default=0)
    return all(sites[i].capacity >= peak for i in order)


def _why_not(
    theme: Theme,
    cands: Sequence[tuple[int, float, tuple[int, ...]]],
    sites: Sequence[Site],
    people: Mapping[tuple[str, Any], int],
) -> str:
    peak = max((n for (tid, _), n in people.items() if tid == theme.id), default=0)
    if not any(_fits_alone(theme, order, sites, people) for _, _, order in cands):
        return f"every route has a site taking fewer than the {peak} people of its busiest day"
    return "the sites it could use are full on its days with other themes' bookings"
