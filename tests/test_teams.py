"""Tests for cadredev.teams: validity, balance, exact cohesion, enterprises."""

from __future__ import annotations

import itertools
import sys
from collections import Counter
from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadredev import Cadre, Enterprise, InvalidInputError, MissingDependencyError, io
from cadredev._validate import id_problem
from cadredev.datasets import sample_zone
from cadredev.teams import (
    EnterpriseSplit,
    Teams,
    TeamsReport,
    assign_enterprises,
    form_teams,
    grid_names,
)
from cadredev.teams._form import build_teams
from hostile import hostile_values, init_fields, rebuilt_with_hostile_field

AS_OF = 2025
INDUSTRIES = ("ai", "bio", "stone", "logistics", "textiles")
UNITS = ("u1", "u2", "u3", "u4")


def cadre(
    i: int,
    *,
    birth_year: int = 1990,
    unit: str = "u1",
    industries: Sequence[str] = (),
    gender: str | None = None,
    rank: str = "section",
    line: str | None = None,
) -> Cadre:
    return Cadre(
        id=f"c{i:03d}",
        name=f"n{i}",
        birth_year=birth_year,
        rank=rank,
        unit=unit,
        line=line,
        industries=frozenset(industries),
        gender=gender,
    )


@st.composite
def rosters(draw: st.DrawFn, *, min_size: int = 1, max_size: int = 40) -> list[Cadre]:
    n = draw(st.integers(min_size, max_size))
    return [
        cadre(
            i,
            birth_year=draw(st.integers(1965, 2000)),
            unit=draw(st.sampled_from(UNITS)),
            industries=draw(st.lists(st.sampled_from(INDUSTRIES), max_size=3, unique=True)),
            gender=draw(st.sampled_from(["F", "M", None])),
            rank=draw(st.sampled_from(["section", "division", "researcher", "leadership"])),
            line=draw(st.sampled_from(["investment", "project", "service", None])),
        )
        for i in range(n)
    ]


@st.composite
def problems(draw: st.DrawFn) -> tuple[list[Cadre], int, tuple[str, ...]]:
    roster = draw(rosters(min_size=2, max_size=40))
    k = draw(st.integers(1, max(1, len(roster) // 2)))
    balance = tuple(
        draw(
            st.lists(
                st.sampled_from(["cohort", "unit", "gender", "rank", "line"]),
                min_size=0,
                max_size=3,
                unique=True,
            )
        )
    )
    return roster, k, balance


# --------------------------------------------------------------------------
# naive references


def naive_deviations(
    teams: Teams, roster: Sequence[Cadre], balance: Sequence[str]
) -> dict[str, float]:
    """Worst absolute deviation per attribute, in points, by plain counting."""
    by_id = {c.id: c for c in roster}

    def value(c: Cadre, attr: str) -> Any:
        return c.cohort(as_of=AS_OF) if attr == "cohort" else getattr(c, attr)

    out: dict[str, float] = {}
    for attr in balance:
        total = Counter(value(c, attr) for c in roster)
        worst = 0.0
        for members in teams.teams:
            here = Counter(value(by_id[m], attr) for m in members)
            for cat, cnt in total.items():
                dev = abs(here[cat] / len(members) - cnt / len(roster))
                worst = max(worst, 100 * dev)
        out[attr] = worst
    return out


def sumsq_and_max(
    assignment: dict[str, int], roster: Sequence[Cadre], balance: Sequence[str], k: int
) -> tuple[float, float]:
    by_team: dict[int, list[Cadre]] = {t: [] for t in range(k)}
    for c in roster:
        by_team[assignment[c.id]].append(c)
    total_sq = 0.0
    worst = 0.0
    for attr in balance:
        vals = {
            c.id: (c.cohort(as_of=AS_OF) if attr == "cohort" else getattr(c, attr)) for c in roster
        }
        overall = Counter(vals.values())
        for members in by_team.values():
            here = Counter(vals[c.id] for c in members)
            for cat, cnt in overall.items():
                d = here[cat] / len(members) - cnt / len(roster)
                total_sq += d * d
                worst = max(worst, abs(d))
    return total_sq, worst


def max_cohesive_teams(roster: Sequence[Cadre], sizes: Sequence[int]) -> int:
    """Brute force: the most teams of the given sizes whose members share an industry."""
    ids = list(range(len(roster)))
    best = 0

    def rec(remaining: list[int], sizes_left: list[int], count: int) -> None:
        nonlocal best
        if not sizes_left:
            best = max(best, count)
            return
        if count + len(sizes_left) <= best:
            return
        first = remaining[0]
        rest = remaining[1:]
        for s in sorted(set(sizes_left)):
            left = list(sizes_left)
            left.remove(s)
            for combo in itertools.combinations(rest, s - 1):
                members = [first, *combo]
                shared = frozenset.intersection(*(roster[i].industries for i in members))
                remain = [i for i in rest if i not in combo]
                rec(remain, left, count + (1 if shared else 0))

    rec(ids, list(sizes), 0)
    return best


def check_valid(teams: Teams, roster: Sequence[Cadre], k: int) -> None:
    ids = [m for t in teams.teams for m in t]
    assert sorted(ids) == sorted(c.id for c in roster)
    assert len(teams) == k
    sizes = teams.sizes
    assert max(sizes) - min(sizes) <= 1
    assert all(list(t) == sorted(t) for t in teams.teams)


# --------------------------------------------------------------------------
# properties


@given(problems(), st.integers(0, 3))
@settings(max_examples=40)
def test_every_cadre_in_exactly_one_team_and_even_sizes(
    problem: tuple[list[Cadre], int, tuple[str, ...]], seed: int
) -> None:
    roster, k, balance = problem
    teams = form_teams(roster, n_teams=k, balance=balance, seed=seed, as_of=AS_OF)
    check_valid(teams, roster, k)
    for c in roster:
        assert c.id in teams.teams[teams.team_of(c.id)]


@given(problems(), st.integers(0, 3))
@settings(max_examples=40)
def test_balance_never_worse_than_the_stratified_deal(
    problem: tuple[list[Cadre], int, tuple[str, ...]], seed: int
) -> None:
    roster, k, balance = problem
    kwargs: dict[str, Any] = {
        "n_teams": k,
        "size": None,
        "balance": balance,
        "cohesion": (),
        "leaders": None,
        "seed": seed,
        "as_of": AS_OF,
    }
    deal = build_teams(roster, improve=False, **kwargs)
    best = build_teams(roster, improve=True, **kwargs)
    assert best == form_teams(roster, **kwargs)
    deal_worst = max(naive_deviations(deal, roster, balance).values(), default=0.0)
    best_naive = naive_deviations(best, roster, balance)
    report = best.report()
    assert report.initial_worst_deviation == pytest.approx(deal_worst, abs=1e-9)
    assert report.worst_deviation <= deal_worst + 1e-9
    # the vectorised report agrees with plain counting
    for attr in balance:
        assert report.worst_by_attribute[attr] == pytest.approx(best_naive[attr], abs=1e-9)


@given(problems(), st.integers(0, 3))
@settings(max_examples=25)
def test_result_is_a_local_optimum_for_single_swaps(
    problem: tuple[list[Cadre], int, tuple[str, ...]], seed: int
) -> None:
    roster, k, balance = problem
    teams = form_teams(roster, n_teams=k, balance=balance, seed=seed, as_of=AS_OF)
    assignment = {m: t for t, members in enumerate(teams.teams) for m in members}
    sq, worst = sumsq_and_max(assignment, roster, balance, k)
    for a, b in itertools.combinations(roster, 2):
        if assignment[a.id] == assignment[b.id]:
            continue
        swapped = dict(assignment)
        swapped[a.id], swapped[b.id] = assignment[b.id], assignment[a.id]
        sq2, worst2 = sumsq_and_max(swapped, roster, balance, k)
        assert not (sq2 < sq - 1e-9 and worst2 <= worst + 1e-9), (a.id, b.id)


@given(problems(), st.integers(0, 3), st.randoms(use_true_random=False))
@settings(max_examples=30)
def test_equal_seed_and_permuted_input_give_equal_teams(
    problem: tuple[list[Cadre], int, tuple[str, ...]], seed: int, shuffler: Any
) -> None:
    roster, k, balance = problem
    shuffled = list(roster)
    shuffler.shuffle(shuffled)
    a = form_teams(roster, n_teams=k, balance=balance, seed=seed, as_of=AS_OF)
    b = form_teams(shuffled, n_teams=k, balance=balance, seed=seed, as_of=AS_OF)
    assert a == b
    assert a.report() == b.report()


@given(rosters(min_size=2, max_size=30), st.data())
@settings(max_examples=30)
def test_leaders_lead_distinct_teams(roster: list[Cadre], data: st.DataObject) -> None:
    k = data.draw(st.integers(1, len(roster) // 2 if len(roster) >= 2 else 1))
    leaders = data.draw(st.lists(st.sampled_from([c.id for c in roster]), max_size=k, unique=True))
    teams = form_teams(roster, n_teams=k, leaders=leaders, seed=0, as_of=AS_OF)
    check_valid(teams, roster, k)
    assert sorted(x for x in teams.leaders if x is not None) == sorted(leaders)
    for t, lead in enumerate(teams.leaders):
        assert teams.leader_of(t) == lead
        if lead is not None:
            assert lead in teams.teams[t]
            assert teams.leader_of(lead) == lead
    # deal and improvement keep leaders put and never worsen balance
    assert teams.report().worst_deviation <= teams.report().initial_worst_deviation + 1e-9


@st.composite
def pair_rosters(draw: st.DrawFn) -> list[Cadre]:
    n = 2 * draw(st.integers(1, 9))
    return [
        cadre(
            i,
            birth_year=draw(st.integers(1970, 2000)),
            industries=draw(st.lists(st.sampled_from(INDUSTRIES), max_size=2, unique=True)),
        )
        for i in range(n)
    ]


@given(pair_rosters(), st.booleans())
@settings(max_examples=50)
def test_pairs_cohesion_equals_maximum_matching(roster: list[Cadre], balanced: bool) -> None:
    balance = ("cohort",) if balanced else ()
    teams = form_teams(
        roster, size=2, cohesion=("industries",), balance=balance, seed=0, as_of=AS_OF
    )
    check_valid(teams, roster, len(roster) // 2)
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(c.id for c in roster)
    for a, b in itertools.combinations(roster, 2):
        if a.industries & b.industries:
            graph.add_edge(a.id, b.id, weight=1)
    optimum = len(nx.max_weight_matching(graph, maxcardinality=True))
    report = teams.report()
    assert report.cohesive_teams == optimum
    assert report.cohesion_share == pytest.approx(optimum / len(teams))
    for members, shared in zip(teams.teams, report.shared, strict=True):
        by_id = {c.id: c for c in roster}
        assert shared == frozenset.intersection(*(by_id[m].industries for m in members))


@st.composite
def small_mixed(draw: st.DrawFn) -> tuple[list[Cadre], int]:
    n = draw(st.integers(2, 8))
    roster = [
        cadre(
            i,
            birth_year=draw(st.integers(1970, 2000)),
            industries=draw(st.lists(st.sampled_from(INDUSTRIES[:4]), max_size=2, unique=True)),
        )
        for i in range(n)
    ]
    k = draw(st.integers(max(1, -(-n // 3)), n // 2))
    return roster, k


@given(small_mixed())
@settings(max_examples=40)
def test_teams_of_two_or_three_reach_the_brute_force_optimum(
    problem: tuple[list[Cadre], int],
) -> None:
    roster, k = problem
    teams = form_teams(roster, n_teams=k, size=(2, 3), cohesion="industries", seed=1, as_of=AS_OF)
    check_valid(teams, roster, k)
    assert all(2 <= s <= 3 for s in teams.sizes)
    assert teams.report().cohesive_teams == max_cohesive_teams(roster, teams.sizes)


@given(small_mixed(), st.data())
@settings(max_examples=30)
def test_cohesion_with_a_leader_is_optimal_for_that_leader(
    problem: tuple[list[Cadre], int], data: st.DataObject
) -> None:
    roster, k = problem
    leader = data.draw(st.sampled_from(roster))
    teams = form_teams(
        roster,
        n_teams=k,
        size=(2, 3),
        cohesion="industries",
        leaders=[leader.id],
        seed=0,
        as_of=AS_OF,
    )
    assert teams.leader_of(leader.id) == leader.id
    # brute force with the leader pinned: enumerate the leader's team mates
    size = teams.sizes[teams.team_of(leader.id)]
    others = [c for c in roster if c.id != leader.id]
    best = 0
    sizes = list(teams.sizes)
    sizes.remove(size)
    for mates in itertools.combinations(range(len(others)), size - 1):
        members = [leader, *(others[i] for i in mates)]
        shared = frozenset.intersection(*(c.industries for c in members))
        rest = [c for i, c in enumerate(others) if i not in mates]
        best = max(best, (1 if shared else 0) + max_cohesive_teams(rest, sizes))
    assert teams.report().cohesive_teams == best


@given(small_mixed(), st.integers(0, 3), st.randoms(use_true_random=False), st.booleans())
@settings(max_examples=30)
def test_cohesive_teams_are_deterministic_under_permutation(
    problem: tuple[list[Cadre], int], seed: int, shuffler: Any, balanced: bool
) -> None:
    roster, k = problem
    shuffled = list(roster)
    shuffler.shuffle(shuffled)
    balance = ("cohort",) if balanced else ()
    kwargs: dict[str, Any] = {
        "n_teams": k,
        "size": (2, 3),
        "cohesion": "industries",
        "balance": balance,
        "seed": seed,
        "as_of": AS_OF,
    }
    a = form_teams(roster, **kwargs)
    assert a == form_teams(shuffled, **kwargs)
    # balancing never costs cohesion
    plain = form_teams(roster, **{**kwargs, "balance": ()})
    assert a.report().cohesive_teams == plain.report().cohesive_teams
    assert a.report().worst_deviation <= a.report().initial_worst_deviation + 1e-9


@given(small_mixed())
@settings(max_examples=30)
def test_cohesive_balance_is_a_local_optimum_for_equal_key_swaps(
    problem: tuple[list[Cadre], int],
) -> None:
    roster, k = problem
    teams = form_teams(roster, n_teams=k, size=(2, 3), cohesion="industries", seed=0, as_of=AS_OF)
    assignment = {m: t for t, members in enumerate(teams.teams) for m in members}
    sq, worst = sumsq_and_max(assignment, roster, ("cohort",), k)
    for a, b in itertools.combinations(roster, 2):
        if assignment[a.id] == assignment[b.id] or a.industries != b.industries:
            continue
        swapped = dict(assignment)
        swapped[a.id], swapped[b.id] = assignment[b.id], assignment[a.id]
        sq2, worst2 = sumsq_and_max(swapped, roster, ("cohort",), k)
        assert not (sq2 < sq - 1e-9 and worst2 <= worst + 1e-9), (a.id, b.id)


def test_balance_keeps_cohesion() -> None:
    zone = sample_zone()
    roster = [c for c in zone.cadres if c.line is not None and c.line.value == "investment"]
    plain = form_teams(roster, size=(2, 3), n_teams=30, cohesion=["industries"], balance=())
    mixed = form_teams(
        roster, size=(2, 3), n_teams=30, cohesion=["industries"], seed=0, as_of=zone.as_of
    )
    assert plain.report().cohesive_teams == mixed.report().cohesive_teams == 30
    assert mixed.report().worst_deviation <= mixed.report().initial_worst_deviation


def test_several_cohesion_attributes_and_functions() -> None:
    roster = [
        cadre(0, unit="u1", industries=["ai"]),
        cadre(1, unit="u1", industries=["bio"]),
        cadre(2, unit="u2", industries=["ai"]),
        cadre(3, unit="u3", industries=["stone"]),
    ]
    teams = form_teams(roster, size=2, cohesion=["industries", "unit"], balance=(), seed=0)
    assert teams.report().cohesive_teams == 1  # c003 shares nothing with anyone

    def first_letter(c: Cadre) -> set[str]:
        return {i[0] for i in c.industries}

    teams = form_teams(roster, size=2, cohesion=first_letter, balance=(), seed=0)
    assert teams.report().cohesion == ("first_letter",)
    assert teams.report().cohesive_teams == 1


def test_balance_function_and_unit_spread() -> None:
    roster = [cadre(i, unit=UNITS[i % 4], birth_year=1970 + i) for i in range(24)]
    teams = form_teams(
        roster, n_teams=4, balance=["unit", lambda c: c.birth_year < 1980], seed=3, as_of=AS_OF
    )
    report = teams.report()
    assert report.attributes == ("unit", "<lambda>")
    for members in teams.teams:
        assert sorted(Counter(roster[int(m[1:])].unit for m in members).values()) == [1, 1, 2, 2]
    assert report.worst_by_attribute["unit"] == pytest.approx(100 * (2 / 6 - 1 / 4))


def test_four_distinct_groups_when_possible() -> None:
    roster = [cadre(i, industries=[INDUSTRIES[1 + i % 4], "hub"]) for i in range(16)]
    teams = form_teams(roster, n_teams=4, cohesion="industries", balance=(), seed=0)
    shared = teams.report().shared
    # any split shares "hub"; the tie-break still gives each team its own industry
    assert {min(s - {"hub"}) for s in shared} == set(INDUSTRIES[1:])


# --------------------------------------------------------------------------
# degenerate inputs


def test_degenerate_inputs() -> None:
    empty = form_teams([], size=3, as_of=AS_OF)
    assert empty.teams == ()
    assert empty.report().worst_deviation == 0.0
    one = form_teams([cadre(0)], n_teams=1, as_of=AS_OF)
    assert one.teams == (("c000",),)
    assert one.report().worst_deviation == 0.0
    alone = form_teams([cadre(0, industries=["ai"])], n_teams=1, cohesion="industries", as_of=AS_OF)
    assert alone.report().cohesion_share == 1.0
    nothing = form_teams([cadre(i) for i in range(4)], n_teams=2, balance=())
    assert nothing.report().cohesion_share is None
    assert nothing.report().attributes == ()
    empty_coh = form_teams([], size=2, cohesion="industries", as_of=AS_OF)
    assert empty_coh.report().cohesion_share == 0.0
    single = form_teams([cadre(i) for i in range(5)], size=1, as_of=AS_OF)
    assert single.sizes == (1, 1, 1, 1, 1)


def test_size_only_uses_fewest_teams_and_both_must_agree() -> None:
    roster = [cadre(i) for i in range(10)]
    assert sorted(form_teams(roster, size=(2, 3), as_of=AS_OF).sizes) == [2, 2, 3, 3]
    assert form_teams(roster, n_teams=5, size=(2, 3), as_of=AS_OF).sizes == (2,) * 5
    assert sorted(form_teams(roster, n_teams=3, as_of=AS_OF).sizes) == [3, 3, 4]


def test_cohorts_need_as_of_and_never_read_the_clock() -> None:
    zone = sample_zone()
    with pytest.raises(InvalidInputError, match=r"form_teams: as_of is required for balance on"):
        form_teams(zone.cadres, n_teams=6, balance=("cohort",))
    with pytest.raises(InvalidInputError, match="cohesion on 'cohort'"):
        form_teams(zone.cadres, n_teams=6, balance=(), cohesion="cohort")
    grids = form_teams(zone.cadres, n_teams=6, balance=("cohort",), seed=0, as_of=zone.as_of)
    assert grids.as_of == zone.as_of
    assert grids.report().worst_by_attribute["cohort"] < 3
    # nothing depends on age: no year needed, none recorded
    plain = form_teams(zone.cadres, n_teams=6, balance=("unit",), cohesion="industries", seed=0)
    assert plain.as_of is None
    # a year given where none is needed is still checked
    with pytest.raises(InvalidInputError, match="as_of must be an integer year"):
        form_teams(zone.cadres, n_teams=6, balance=(), as_of="2025")  # type: ignore[arg-type]


def test_generator_seeds() -> None:
    roster = [cadre(i, birth_year=1970 + i % 30, unit=UNITS[i % 4]) for i in range(40)]
    kwargs: dict[str, Any] = {"n_teams": 4, "balance": ("cohort", "unit"), "as_of": AS_OF}
    by_int = form_teams(roster, seed=7, **kwargs)
    gen = np.random.default_rng(7)
    by_gen = form_teams(roster, seed=gen, **kwargs)
    assert by_gen.teams == by_int.teams
    assert by_gen.seed is None
    assert by_int.seed == 7
    assert by_gen.report() == by_int.report()
    # the generator is used as it is, so it has moved on
    assert gen.bit_generator.state != np.random.default_rng(7).bit_generator.state
    twin = form_teams(roster, seed=np.random.default_rng(7), **kwargs)
    assert twin == by_gen
    assert form_teams(roster, seed=np.int64(7), **kwargs) == by_int  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [-1, 1.5, True, "x", np.random.default_rng])
def test_bad_seeds(seed: Any) -> None:
    with pytest.raises(InvalidInputError, match=r"form_teams: seed must be None, an integer >= 0"):
        form_teams([cadre(i) for i in range(4)], n_teams=2, seed=seed, as_of=AS_OF)


# --------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"n_teams": 7}, "n_teams=7 is more teams than the 5 cadres"),
        ({"n_teams": 0}, "n_teams must be an integer >= 1"),
        ({"size": (3, 2)}, "impossible size range"),
        ({"size": 0}, "impossible size range"),
        ({"size": "2"}, "size must be an integer or a (min, max)"),
        ({"size": (3, 3)}, "5 cadres cannot be split into teams of 3 to 3"),
        ({"n_teams": 2, "size": (1, 2)}, "inconsistent for 5 cadres"),
        ({}, "give n_teams, size or both"),
        ({"n_teams": 2, "balance": ("age",)}, "unknown balance attribute 'age'"),
        ({"n_teams": 2, "cohesion": ("skills",)}, "unknown cohesion attribute 'skills'"),
        ({"n_teams": 2, "balance": ("unit", "unit")}, "balance names ['unit'] more than once"),
        ({"n_teams": 2, "balance": (3,)}, "must be a name or a function"),
        ({"n_teams": 2, "leaders": ["zz"]}, "leader 'zz' is not among the cadres"),
        ({"n_teams": 2, "leaders": ["c000", "c000"]}, "given more than once"),
        ({"n_teams": 2, "leaders": ["c000", "c001", "c002"]}, "3 leaders for 2 teams"),
        ({"n_teams": 2, "leaders": "c000"}, "leaders must be a collection"),
        ({"n_teams": 2, "seed": -1}, "seed must be None, an integer >= 0"),
        ({"n_teams": 2, "as_of": "2025"}, "as_of must be an integer year"),
        ({"n_teams": 2, "as_of": 1980}, "cadre 'c000'"),
    ],
)
def test_bad_input(kwargs: dict[str, Any], fragment: str) -> None:
    roster = [cadre(i) for i in range(5)]
    with pytest.raises(InvalidInputError) as info:
        form_teams(roster, **kwargs)
    assert fragment in str(info.value)


def test_bad_roster() -> None:
    with pytest.raises(InvalidInputError, match=r"duplicate cadre id\(s\) \['c000'\]"):
        form_teams([cadre(0), cadre(1), cadre(0)], n_teams=1)
    with pytest.raises(InvalidInputError, match=r"cadres\[1\] must be a Cadre"):
        form_teams([cadre(0), "c1"], n_teams=1)  # type: ignore[list-item]
    with pytest.raises(InvalidInputError, match="iterable of Cadre"):
        form_teams("c000", n_teams=1)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="more teams than the 1 cadres"):
        form_teams([cadre(0)], n_teams=2, as_of=AS_OF)
    with pytest.raises(InvalidInputError, match="cohesion function returned"):
        form_teams([cadre(0)], n_teams=1, cohesion=lambda c: "ai", as_of=AS_OF)


def test_team_lookups_reject_unknowns() -> None:
    teams = form_teams([cadre(i) for i in range(4)], n_teams=2, as_of=AS_OF)
    with pytest.raises(InvalidInputError, match="cadre 'zz' is in no team"):
        teams.team_of("zz")
    with pytest.raises(InvalidInputError, match=r"team index must be in 0\.\.1"):
        teams.leader_of(2)


# --------------------------------------------------------------------------
# result objects


def test_report_rows_html_and_pandas() -> None:
    zone = sample_zone()
    teams = form_teams(
        zone.cadres[:30],
        n_teams=3,
        balance=("cohort", "line"),
        cohesion="industries",
        seed=0,
        as_of=zone.as_of,
    )
    report = teams.report()
    assert isinstance(report, TeamsReport)
    rows = report.rows()
    assert len(rows) == 3 * sum(len(v) for v in report.categories.values())
    frame = report.to_pandas()
    assert list(frame.columns) == ["team", "attribute", "category", "share", "overall", "deviation"]
    assert frame["deviation"].abs().max() == pytest.approx(report.worst_deviation)
    people = teams.to_pandas()
    assert len(people) == 30
    assert int(people["leader"].sum()) == 0
    assert "<table>" in report._repr_html_()
    assert "<table>" in teams._repr_html_()
    assert "shared industries" in teams.explain(teams.teams[0][0])


def test_html_is_escaped() -> None:
    roster = [cadre(i, unit="<b>", industries=["<i>"]) for i in range(4)]
    teams = form_teams(roster, n_teams=2, balance="unit", cohesion="industries")
    for text in (teams._repr_html_(), teams.report()._repr_html_()):
        assert "<b>" not in text
        assert "<i>" not in text
        assert "&lt;b&gt;" in text or "&lt;i&gt;" in text


def test_explain_names_leader() -> None:
    teams = form_teams([cadre(i) for i in range(4)], n_teams=2, leaders=["c002"], as_of=AS_OF)
    assert "its leader" in teams.explain("c002")
    other = next(m for m in teams.teams[0] if m != "c002")
    assert "led by c002" in teams.explain(other)


# --------------------------------------------------------------------------
# enterprises


@st.composite
def enterprise_lists(draw: st.DrawFn) -> list[Enterprise]:
    n = draw(st.integers(0, 60))
    return [
        Enterprise(
            id=f"e{i:03d}",
            industry=draw(st.sampled_from(INDUSTRIES)),
            area=draw(st.sampled_from(["east", "west", "north", "", "south"])),
        )
        for i in range(n)
    ]


@given(
    enterprise_lists(),
    st.integers(1, 9),
    st.sampled_from([None, "area", "industry"]),
    st.randoms(use_true_random=False),
)
@settings(max_examples=50)
def test_assign_enterprises_counts_differ_by_at_most_one(
    items: list[Enterprise], k: int, by: Any, shuffler: Any
) -> None:
    split = assign_enterprises(k, items, by=by)
    assert isinstance(split, EnterpriseSplit)
    counts = split.counts
    assert len(counts) == k
    assert max(counts) - min(counts) <= 1
    assigned = [e for t in range(k) for e in split[t]]
    assert sorted(assigned) == sorted(e.id for e in items)
    shuffled = list(items)
    shuffler.shuffle(shuffled)
    assert assign_enterprises(k, shuffled, by=by) == split
    if by is None:
        assert split.split_groups == {}
        return
    # groups: at most k - 1 cuts, so at most k - 1 split groups and few pieces
    key = {e.id: getattr(e, by) for e in items}
    pieces = {(key[e], t) for t in range(k) for e in split[t]}
    groups = {key[e.id] for e in items}
    assert len(split.split_groups) <= k - 1
    assert len(pieces) <= len(groups) + k - 1
    for g, ts in split.split_groups.items():
        assert len(ts) == len({t for (gg, t) in pieces if gg == g}) >= 2


def test_assign_enterprises_keeps_fitting_groups_whole() -> None:
    items = [Enterprise(id=f"e{i:02d}", area="ab"[i % 2]) for i in range(12)]
    split = assign_enterprises(2, items, by="area")
    assert split.split_groups == {}
    assert set(split[0]) == {f"e{i:02d}" for i in range(0, 12, 2)}
    assert split.team_of("e01") == 1
    frame = split.to_pandas()
    assert len(frame) == 12
    assert "<table>" in split._repr_html_()


def test_assign_enterprises_over_teams_and_functions() -> None:
    zone = sample_zone()
    grids = form_teams(zone.cadres, n_teams=6, seed=0, as_of=zone.as_of)
    split = assign_enterprises(grids, zone.enterprises, by=lambda e: e.industry[:3])
    assert sum(split.counts) == 1600
    assert max(split.counts) - min(split.counts) == 1
    assert split.by == "<lambda>"
    assert assign_enterprises(0, []).counts == ()


@pytest.mark.parametrize(
    ("args", "kwargs", "fragment"),
    [
        ((2, [Enterprise(id="e1"), Enterprise(id="e1")]), {}, "duplicate enterprise id(s)"),
        ((2, [Enterprise(id="e1")]), {"by": "street"}, "unknown by='street'"),
        ((0, [Enterprise(id="e1")]), {}, "no teams to assign them to"),
        ((2, ["e1"]), {}, "enterprises[0] must be an Enterprise"),
        ((2, "e1"), {}, "iterable of Enterprise"),
        ((-1, []), {}, "teams must be Teams or a number"),
        ((2, [Enterprise(id="e1")]), {"by": lambda e: 3}, "expected a string"),
    ],
)
def test_assign_enterprises_bad_input(
    args: tuple[Any, ...], kwargs: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(InvalidInputError) as info:
        assign_enterprises(*args, **kwargs)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_sample_zone_grid_shuffle() -> None:
    zone = sample_zone()
    mentors = sorted(m.id for m in zone.grid_mentors())[:6]
    grids = form_teams(zone.cadres, n_teams=6, leaders=mentors, seed=0, as_of=zone.as_of)
    report = grids.report()
    assert report.worst_deviation < 3
    assert sorted(x for x in grids.leaders if x) == mentors
    assert report.worst_deviation <= report.initial_worst_deviation


def test_to_pandas_without_pandas_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    teams = form_teams([cadre(i) for i in range(4)], n_teams=2, as_of=AS_OF)
    split = assign_enterprises(teams, [Enterprise(id="e1")])
    monkeypatch.setitem(sys.modules, "pandas", None)
    for obj in (teams, teams.report(), split):
        with pytest.raises(MissingDependencyError, match=r"pip install 'cadredev\[pandas\]'"):
            obj.to_pandas()


# ------------------------------------------------------------ grid names


@pytest.mark.parametrize("teams", [None, [["c001"]], "grid-1", ("c001", "c002")])
def test_grid_names_need_a_teams_result(teams: Any) -> None:
    with pytest.raises(InvalidInputError, match=r"^grid_names: teams must be a Teams result"):
        grid_names(teams)


@pytest.mark.parametrize("prefix", [None, 1, "\x00", "网格\ud800", " grid-"])
def test_grid_names_need_a_prefix_that_can_start_an_id(prefix: Any) -> None:
    teams = form_teams(sample_zone().cadres[:4], n_teams=2, seed=0, as_of=AS_OF)
    with pytest.raises(InvalidInputError, match=r"^grid_names: prefix must"):
        grid_names(teams, prefix=prefix)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.text(min_size=1, max_size=5))
def test_grid_names_are_distinct_ids_one_per_team(n_teams: int, prefix: str) -> None:
    teams = form_teams(sample_zone().cadres[:8], n_teams=n_teams, seed=0, as_of=AS_OF)
    try:
        names = grid_names(teams, prefix=prefix)
    except InvalidInputError:  # a prefix that cannot start an id
        assert prefix != prefix.lstrip() or any(not c.isprintable() for c in prefix)
        return
    assert len(names) == len(set(names)) == n_teams
    assert all(id_problem(name) is None for name in names)


# ------------------------------------------------------------ hostile results

hostile = hostile_values(" c1 ")


def _team_results() -> list[Any]:
    zone = sample_zone()
    teams = form_teams(zone.cadres[:12], n_teams=3, seed=0, as_of=AS_OF, cohesion=["industries"])
    split = assign_enterprises(teams, zone.enterprises[:20], by="area")
    return [teams, teams.report(), split]


TEAM_RESULTS = _team_results()


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(TEAM_RESULTS), st.data())
def test_team_results_from_hostile_fields_are_named_errors_or_round_trip(
    record: Any, data: st.DataObject
) -> None:
    cls, name, built = rebuilt_with_hostile_field(record, data, hostile)
    if isinstance(built, InvalidInputError):
        assert str(built).startswith(f"{cls.__name__}: {name} must")
        return
    assert io.load(cls, io.dump(built)) == built


@pytest.mark.parametrize("record", TEAM_RESULTS, ids=lambda r: type(r).__name__)
def test_team_results_rebuilt_from_their_fields_are_equal(record: Any) -> None:
    rebuilt = type(record)(**init_fields(record))
    assert rebuilt == record
    assert io.load(type(record), io.dump(rebuilt)) == rebuilt
