"""Teaching routes against brute force over every route of every theme."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadredev import InvalidInputError, io
from cadredev.training import (
    Booking,
    Route,
    RoutePlan,
    Site,
    SiteLoad,
    Theme,
    Unrouted,
    plan_routes,
)

TOPICS = ("a", "b", "c", "d")
DAYS = (dt.date(2025, 5, 6), dt.date(2025, 5, 7))

Case = tuple[list[Site], list[Theme], np.ndarray, int, list[Booking]]


@st.composite
def route_instances(draw: st.DrawFn, *, with_visits: bool) -> Case:
    n = draw(st.integers(1, 5))
    sites = [
        Site(
            id=f"s{i}",
            topics=draw(st.frozensets(st.sampled_from(TOPICS), max_size=2)),
            capacity=draw(st.integers(1, 4)),
        )
        for i in range(n)
    ]
    themes = [
        Theme(
            id=f"t{j}", topics=draw(st.frozensets(st.sampled_from(TOPICS), min_size=1, max_size=3))
        )
        for j in range(draw(st.integers(1, 3)))
    ]
    d = np.array(
        draw(st.lists(st.integers(0, 9), min_size=n * n, max_size=n * n)), dtype=float
    ).reshape(n, n)
    np.fill_diagonal(d, 0.0)
    k = draw(st.integers(1, 3))
    bookings = []
    if with_visits:
        bookings = [
            Booking(
                id=f"v{i}",
                theme=draw(st.sampled_from(themes)).id,
                size=draw(st.integers(1, 3)),
                day=draw(st.sampled_from(DAYS)),
            )
            for i in range(draw(st.integers(0, 4)))
        ]
    return sites, themes, d, k, bookings


def travel(order: Sequence[int], d: np.ndarray) -> float:
    return math.fsum(d[a, b] for a, b in itertools.pairwise(order))


def brute_force(case: Case) -> tuple[int, float]:
    """Most covered topics, then least travel, over every choice of ordered routes (or none)."""
    sites, themes, d, k, bookings = case
    options = []
    for t in themes:
        relevant = [i for i, s in enumerate(sites) if s.topics & t.topics]
        routes: list[tuple[int, ...] | None] = (
            list(itertools.permutations(relevant, min(k, len(relevant)))) if relevant else []
        )
        options.append([*routes, None] if bookings else routes or [None])
    people: Counter[tuple[str, dt.date]] = Counter()
    for v in bookings:
        people[v.theme, v.day] += v.size
    best: tuple[int, float] | None = None
    for pick in itertools.product(*options):
        load: Counter[tuple[int, dt.date]] = Counter()
        for t, route in zip(themes, pick, strict=True):
            for i in route or ():
                for day in DAYS:
                    load[i, day] += people[t.id, day]
        if any(n > sites[i].capacity for (i, _), n in load.items()):
            continue
        cover = sum(
            len(t.topics & frozenset().union(*(sites[i].topics for i in route)))
            for t, route in zip(themes, pick, strict=True)
            if route
        )
        length = sum(travel(route, d) for route in pick if route)
        if best is None or (cover, -length) > (best[0], -best[1]):
            best = (cover, length)
    assert best is not None
    return best


def check(plan: RoutePlan, case: Case) -> None:
    sites, themes, _, k, bookings = case
    by_id = {s.id: s for s in sites}
    for r in plan.routes:
        theme = next(t for t in themes if t.id == r.theme_id)
        assert len(set(r.sites)) == len(r.sites) <= k
        assert all(by_id[s].topics & theme.topics for s in r.sites)
        assert r.covered | r.missing == theme.topics
    assert {r.theme_id for r in plan.routes} | {u.theme_id for u in plan.unrouted} == {
        t.id for t in themes
    }
    for x in plan.load:
        assert x.people <= by_id[x.site_id].capacity == x.capacity
        assert plan.people_at(x.site_id, x.day) == x.people
    assert sum(x.people for x in plan.load) == sum(
        v.size * len(plan.route(v.theme).sites)
        for v in bookings
        if v.theme in {r.theme_id for r in plan.routes}
    )


def covered(plan: RoutePlan) -> int:
    return sum(len(r.covered) for r in plan.routes)


@given(route_instances(with_visits=False))
def test_routes_without_visits_match_brute_force(case: Case) -> None:
    sites, themes, d, k, _ = case
    plan = plan_routes(sites, themes, distance=d, sites_per_route=k)
    check(plan, case)
    cover, length = brute_force(case)
    assert covered(plan) == cover
    assert plan.total_travel == pytest.approx(length)


@given(route_instances(with_visits=True))
def test_routes_with_visits_match_brute_force(case: Case) -> None:
    sites, themes, d, k, bookings = case
    plan = plan_routes(sites, themes, distance=d, sites_per_route=k, bookings=bookings)
    check(plan, case)
    cover, length = brute_force(case)
    assert covered(plan) == cover
    assert plan.total_travel == pytest.approx(length)


@given(route_instances(with_visits=False), st.randoms(use_true_random=False))
def test_routes_do_not_depend_on_input_order(case: Case, rnd: object) -> None:
    sites, themes, d, k, _ = case
    first = plan_routes(sites, themes, distance=d, sites_per_route=k)
    perm = list(range(len(sites)))
    rnd.shuffle(perm)  # type: ignore[attr-defined]
    again = plan_routes(
        [sites[p] for p in perm], themes[::-1], distance=d[np.ix_(perm, perm)], sites_per_route=k
    )
    assert again == first


@given(route_instances(with_visits=True))
def test_route_plans_round_trip_through_json(case: Case) -> None:
    sites, themes, d, k, bookings = case
    plan = plan_routes(sites, themes, distance=d, sites_per_route=k, bookings=bookings)
    for obj in [plan, *sites, *themes, *bookings]:
        assert io.load(type(obj), json.loads(json.dumps(io.dump(obj)))) == obj


def test_a_theme_no_site_covers_is_explained() -> None:
    sites = [Site(id="port", topics={"trade"}), Site(id="lab", topics={"science"})]
    themes = [
        Theme(id="ecology", topics={"wetlands"}),
        Theme(id="open", topics={"trade", "finance"}),
    ]
    plan = plan_routes(sites, themes, distance={("port", "lab"): 4})
    assert plan.unrouted[0].theme_id == "ecology"
    assert "no site covers any of the theme's topics (wetlands)" in plan.explain("ecology")
    assert plan.gaps == {"open": frozenset({"finance"})}
    assert "gap: no site covers finance" in plan.explain("open")


def test_visits_beyond_capacity_are_explained() -> None:
    sites = [Site(id="port", topics={"trade"}, capacity=30)]
    themes = [Theme(id="open", topics={"trade"})]
    visit = Booking(id="v1", theme="open", size=40, day=DAYS[0])
    plan = plan_routes(sites, themes, distance=[[0]], bookings=[visit])
    assert plan.routes == ()
    assert "fewer than the 40 people" in plan.unrouted[0].reason


def test_bad_route_input_is_named() -> None:
    sites = [Site(id="a", topics={"x"}), Site(id="b", topics={"x"})]
    theme = Theme(id="t", topics={"x"})
    with pytest.raises(InvalidInputError, match="distance must be 2 x 2"):
        plan_routes(sites, [theme], distance=[[0]])
    with pytest.raises(InvalidInputError, match="from 'a' to 'b' must be a finite number >= 0"):
        plan_routes(sites, [theme], distance=[[0, -1], [1, 0]])
    with pytest.raises(InvalidInputError, match="sites_per_route"):
        plan_routes(sites, [theme], distance=[[0, 1], [1, 0]], sites_per_route=0)
    with pytest.raises(InvalidInputError, match="unknown theme 'zz'"):
        plan_routes(
            sites,
            [theme],
            distance=[[0, 1], [1, 0]],
            bookings=[Booking(id="v", theme="zz", size=1, day=DAYS[0])],
        )
    with pytest.raises(InvalidInputError, match="Theme 'u': topics must name at least one topic"):
        Theme(id="u", topics=())


def test_route_plan_display() -> None:
    pytest.importorskip("pandas")
    sites = [Site(id="a", topics={"x"}), Site(id="b", topics={"y"})]
    plan = plan_routes(sites, [Theme(id="t", topics={"x", "y"})], distance=[[0, 2], [2, 0]])
    assert "a → b" in plan._repr_html_()
    assert list(plan.to_pandas()["travel"]) == [2.0]


def test_route_results_refuse_hostile_fields_by_name() -> None:
    route = Route(theme_id="t", sites=["a", "b"], travel=3, covered={"x"}, missing=())
    load = SiteLoad(site_id="a", day=DAYS[0], people=10, capacity=30)
    gap = Unrouted(theme_id="u", reason="no site covers z")
    plan = RoutePlan(routes=[route], unrouted=[gap], load=[load], sites_per_route=2)
    assert route.sites == ("a", "b")
    assert type(route.travel) is float
    assert route.missing == frozenset()
    assert plan.routes == (route,)
    for obj in (route, load, gap, plan):
        assert io.load(type(obj), json.loads(json.dumps(io.dump(obj)))) == obj
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (route, {"theme_id": 1}, "Route: theme_id must be a non-empty string"),
        (route, {"sites": "ab"}, "Route: sites must be a collection, got 'ab'"),
        (route, {"travel": math.nan}, "Route: travel must be a finite real number, got nan"),
        (route, {"travel": "3"}, "Route: travel must be a finite real number, got '3'"),
        (route, {"covered": [None]}, "Route: covered must hold ids"),
        (route, {"missing": 5}, "Route: missing must be a collection, got 5"),
        (load, {"day": "2025-05-06"}, "SiteLoad: day must be a datetime.date, got '2025-05-06'"),
        (load, {"day": dt.datetime(2025, 5, 6, tzinfo=dt.UTC)}, "SiteLoad: day must be a date"),
        (load, {"people": -1}, "SiteLoad: people must be an integer >= 0, got -1"),
        (load, {"capacity": 2.5}, "SiteLoad: capacity must be an integer >= 0, got 2.5"),
        (gap, {"reason": None}, "Unrouted: reason must be a string, got None"),
        (plan, {"routes": [gap]}, "RoutePlan: routes must hold Route records"),
        (plan, {"unrouted": None}, "RoutePlan: unrouted must be a collection, got None"),
        (plan, {"load": [route]}, "RoutePlan: load must hold SiteLoad records"),
        (plan, {"sites_per_route": 0}, "RoutePlan: sites_per_route must be an integer >= 1"),
    ]
    for record, change, message in cases:
        with pytest.raises(InvalidInputError, match=message):
            attrs.evolve(record, **change)
