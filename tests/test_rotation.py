"""Rotation scheduling: validity, optimality on tiny problems, determinism, bad input."""

from __future__ import annotations

import random
from typing import Any
from unittest import mock

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _rotation_oracle import best_over, heuristic_only
from cadredev import Cadre, InfeasibleError, InvalidInputError, Post, io
from cadredev.calendar import Calendar
from cadredev.datasets import tiny_rotation_problem
from cadredev.rotation import (
    Assignment,
    Bound,
    Conflict,
    Eligibility,
    Objective,
    Program,
    RotationPlan,
    RotationProblem,
    Unplaced,
    Violation,
    diagnose,
    replan,
    schedule,
)
from cadredev.rotation import _solve as solve_module
from cadredev.rotation._check import check_assignments
from cadredev.rotation._compile import compile_problem
from cadredev.rotation._effort import effort_of
from cadredev.rotation._plan import evaluate
from hostile import (
    hostile_values,
    init_fields,
    named_or_round_trips,
    outcome,
    rebuilt_with_hostile_field,
)

UNITS = ("u1", "u2", "u3")
CATS = ("a", "b")


@st.composite
def problems(draw: st.DrawFn, *, max_cadres: int = 5, max_posts: int = 3) -> RotationProblem:
    n = draw(st.integers(1, max_cadres))
    cadres = [
        Cadre(
            id=f"c{i}",
            name="x",
            birth_year=draw(st.sampled_from((1970, 1985, 1995))),
            rank=draw(st.sampled_from(("section", "division"))),
            unit=draw(st.sampled_from(UNITS)),
            competencies={"s": draw(st.sampled_from((0.0, 0.3, 0.6)))},
        )
        for i in range(n)
    ]
    m = draw(st.integers(1, max_posts))
    posts = [
        Post(
            id=f"p{j}",
            unit=draw(st.sampled_from(UNITS)),
            category=draw(st.sampled_from(CATS)),
            capacity=draw(st.integers(0, 2)),
            requirements={"s": draw(st.sampled_from((0.2, 0.5, 0.9)))},
            eligibility=draw(st.sampled_from((Eligibility(), Eligibility(born_after=1980)))),
        )
        for j in range(m)
    ]
    horizon = draw(st.integers(1, 5))
    cats_present = sorted({p.category for p in posts})
    programs = []
    for k in range(draw(st.integers(1, 2))):
        lo = draw(st.integers(0, 2))
        hi = draw(st.integers(lo, 2))
        programs.append(
            Program(
                name=f"g{k}",
                length=draw(st.integers(1, min(3, horizon))),
                placements=(lo, hi),
                categories=draw(st.sets(st.sampled_from(cats_present), min_size=1)),
                eligibility=draw(st.sampled_from((Eligibility(), Eligibility(ranks={"section"})))),
                other_unit=draw(st.booleans()),
                no_repeat=draw(st.booleans()),
                one_per_category=draw(st.booleans()),
                gap=draw(st.integers(0, 1)),
            )
        )
    units = sorted({c.unit for c in cadres})
    sizes = {u: sum(c.unit == u for c in cadres) for u in units}
    home = {u: draw(st.integers(0, sizes[u])) for u in draw(st.sets(st.sampled_from(units)))}
    unavailable = {
        c.id: draw(st.sets(st.integers(0, horizon - 1), max_size=2))
        for c in cadres
        if draw(st.booleans())
    }
    benefit = None
    if draw(st.booleans()):
        benefit = {(c.id, p.id): draw(st.integers(-1, 3)) for c in cadres for p in posts}
    bonus = None
    if draw(st.booleans()):
        bonus = {(p.id, t): draw(st.integers(0, 2)) for p in posts for t in range(horizon)}
    return RotationProblem(
        cadres=draw(st.permutations(cadres)),
        posts=draw(st.permutations(posts)),
        horizon=horizon,
        programs=programs,
        min_home_staffing=home,
        unavailable=unavailable,
        benefit=benefit,
        period_bonus=bonus,
    )


def all_options(problem: RotationProblem) -> list[Assignment]:
    """Naive reference enumeration of individually valid placements."""
    out = []
    for prog in problem.programs:
        for c in problem.cadres:
            if problem.is_eligible(c, prog):
                continue
            for p in problem.posts:
                if problem.post_reasons(c, prog, p):
                    continue
                for s in range(problem.horizon - prog.length + 1):
                    a = Assignment(
                        cadre_id=c.id, post_id=p.id, program=prog.name, start=s, length=prog.length
                    )
                    if not set(a.periods) & problem.unavailable.get(c.id, frozenset()):
                        out.append(a)
    return sorted(out)


def shuffled(problem: RotationProblem, rnd: random.Random) -> RotationProblem:
    """The same problem with cadres, posts, programs and home staffing in another order."""
    cadres, posts, progs = list(problem.cadres), list(problem.posts), list(problem.programs)
    rnd.shuffle(cadres)
    rnd.shuffle(posts)
    rnd.shuffle(progs)
    return RotationProblem(
        cadres=cadres,
        posts=posts,
        horizon=problem.horizon,
        programs=progs,
        min_home_staffing=dict(reversed(list(problem.min_home_staffing.items()))),
        unavailable=problem.unavailable,
        benefit=problem.benefit,
        period_bonus=problem.period_bonus,
    )


def brute_force(problem: RotationProblem) -> tuple[int, float]:
    """Best (placed, value) over every valid set of options, by depth-first search."""
    return best_over(problem, all_options(problem))


# ---------------------------------------------------------------- properties


@settings(max_examples=40)
@given(problems())
def test_schedule_is_valid(problem: RotationProblem) -> None:
    plan = schedule(problem, seed=0)
    assert plan.violations(problem) == ()
    assert plan.objective == evaluate(problem, plan.assignments)
    if plan.bound is not None:
        assert plan.objective.placed <= plan.bound.placed
        assert plan.objective.value <= plan.bound.value + 1e-6


@settings(max_examples=40)
@given(problems())
def test_heuristic_is_valid_and_bounded(problem: RotationProblem) -> None:
    with heuristic_only():
        plan = schedule(problem, seed=3)
    assert plan.violations(problem) == ()
    assert plan.bound is not None
    assert plan.objective.placed <= plan.bound.placed
    assert plan.objective.value <= plan.bound.value + 1e-6


@settings(max_examples=30)
@given(problems(max_cadres=3, max_posts=2))
def test_exact_matches_brute_force(problem: RotationProblem) -> None:
    if len(all_options(problem)) > 14:
        problem = RotationProblem(
            cadres=problem.cadres[:2],
            posts=problem.posts[:1],
            horizon=min(problem.horizon, 3),
            programs=[
                Program(
                    name=p.name,
                    length=min(p.length, 3),
                    placements=p.placements,
                    categories={problem.posts[0].category},
                    other_unit=p.other_unit,
                    gap=p.gap,
                )
                for p in problem.programs
            ],
        )
    plan = schedule(problem)
    assert plan.method == "exact"
    placed, value = brute_force(problem)
    assert plan.objective.placed == placed
    assert plan.objective.value == pytest.approx(value, abs=1e-6)


@settings(max_examples=25)
@given(problems(max_cadres=3, max_posts=2))
def test_heuristic_never_beats_brute_force(problem: RotationProblem) -> None:
    if len(all_options(problem)) > 14:
        return
    with heuristic_only():
        plan = schedule(problem, seed=1)
    placed, value = brute_force(problem)
    assert (plan.objective.placed, plan.objective.value) <= (placed, value + 1e-6)


@settings(max_examples=30)
@given(problems(), st.randoms(use_true_random=False))
def test_deterministic_under_permutation(problem: RotationProblem, rnd: random.Random) -> None:
    other = shuffled(problem, rnd)
    assert other == problem
    with heuristic_only():
        assert schedule(problem, seed=7) == schedule(other, seed=7)
    assert schedule(problem, seed=2) == schedule(other, seed=2)


@settings(max_examples=30)
@given(problems(), st.data())
def test_pinned_are_kept(problem: RotationProblem, data: st.DataObject) -> None:
    first = schedule(problem, seed=0)
    if not first.assignments:
        return
    pins = data.draw(st.sets(st.sampled_from(first.assignments), max_size=3))
    pinned = attrs.evolve(problem, pinned=pins)
    with heuristic_only():
        heuristic = schedule(pinned, seed=1)
    for plan in (schedule(pinned, seed=1), heuristic):
        assert set(pins) <= set(plan.assignments)
        assert plan.violations(pinned) == ()


@settings(max_examples=30)
@given(problems(), st.data())
def test_replan_keeps_valid_unreleased(problem: RotationProblem, data: st.DataObject) -> None:
    plan = schedule(problem, seed=0)
    leaver = data.draw(st.sampled_from([c.id for c in problem.cadres]))
    rest = [c for c in problem.cadres if c.id != leaver]
    if not rest:
        return
    changed = RotationProblem(
        cadres=rest,
        posts=problem.posts,
        horizon=problem.horizon,
        programs=[attrs.evolve(p, cadres=None) for p in problem.programs],
        min_home_staffing={
            u: min(v, sum(c.unit == u for c in rest))
            for u, v in problem.min_home_staffing.items()
            if any(c.unit == u for c in rest)
        },
        unavailable={k: v for k, v in problem.unavailable.items() if k != leaver},
    )
    now = data.draw(st.integers(0, problem.horizon))
    again = replan(changed, plan, released=[leaver], now=now, seed=0)
    assert again.violations(changed) == ()
    kept = [a for a in plan.assignments if a.cadre_id != leaver]
    # When the unreleased assignments are still valid together, every one of
    # them is kept. (Each may be valid alone while a set of them is not: the
    # leaver's unit may now be too small to let all of them be away at once.)
    if not check_assignments(changed, kept, pinned_check=False):
        assert all(a in again.assignments for a in kept)
    lost = [a for a in plan.assignments if a not in again.assignments]
    assert again.moved == len(lost)
    assert all(a.start >= now for a in again.assignments if a not in plan.assignments)


@settings(max_examples=25)
@given(problems())
def test_compiled_options_match_naive(problem: RotationProblem) -> None:
    comp = compile_problem(problem)
    fast = sorted(comp.assignment(o) for o in range(comp.n_options))
    assert fast == all_options(problem)
    for o in range(comp.n_options):
        assert comp.ov[o] == pytest.approx(problem.value_of(comp.assignment(o)))


@settings(max_examples=25)
@given(problems())
def test_diagnose_conflicts_are_real(problem: RotationProblem) -> None:
    conflicts = diagnose(problem)
    plan = schedule(problem)
    if conflicts:
        assert plan.unplaced, conflicts
        with pytest.raises(InfeasibleError) as info:
            schedule(problem, strict=True)
        assert info.value.conflicts
    for c in conflicts:
        assert c.message
        assert c.message_zh
    if plan.method == "exact" and not plan.unplaced:
        assert schedule(problem, strict=True) == plan


# ---------------------------------------------------------------- examples


def test_tiny_problem() -> None:
    prob = tiny_rotation_problem()
    plan = schedule(prob, seed=0)
    assert plan.method == "exact"
    assert plan.gap == 0.0
    assert plan.occupancy().shape == (2, 4)
    assert plan.breakdown()["category"] == {"host": 3}
    assert "<table>" in plan._repr_html_()
    frame = plan.to_pandas()
    assert list(frame["cadre_id"]) == ["a", "b", "c"]
    assert "c:" not in plan.explain("a")


def test_unplaced_reason_when_capacity_zero() -> None:
    prob = tiny_rotation_problem(capacity=0)
    plan = schedule(prob)
    assert plan.assignments == ()
    assert {u.cadre_id for u in plan.unplaced} == {"a", "b", "c"}
    assert all("post capacity" in u.reason for u in plan.unplaced)
    with pytest.raises(InfeasibleError) as info:
        schedule(prob, strict=True)
    assert "6 post-periods in category 'host'" in str(info.value.conflicts[0])


def _medium_problem(order: int | None = None) -> RotationProblem:
    """120 cadres, 14 posts: too many options for the exact path.

    With ``order``, the same problem with cadres, posts and staffing shuffled.
    """
    rng = np.random.default_rng(5)
    cadres = [
        Cadre(
            id=f"c{i:03d}",
            name="x",
            birth_year=1990,
            rank="section",
            unit=f"u{i % 6}",
            competencies={"s": float(rng.uniform(0, 1))},
        )
        for i in range(120)
    ]
    posts = [
        Post(
            id=f"p{j:02d}",
            unit=f"u{j % 6}",
            category=("a", "b")[j % 2],
            capacity=int(rng.integers(1, 3)),
            requirements={"s": float(rng.uniform(0.5, 1))},
        )
        for j in range(14)
    ]
    prob = RotationProblem(
        cadres=cadres,
        posts=posts,
        horizon=12,
        programs=[
            Program(
                name="r",
                length=3,
                placements=(1, 2),
                categories={"a", "b"},
                other_unit=True,
                one_per_category=True,
                gap=1,
            )
        ],
        min_home_staffing={f"u{u}": 15 for u in range(6)},
        unavailable={f"c{i:03d}": {i % 12} for i in range(0, 120, 7)},
    )
    if order is None:
        return prob
    shuffle = random.Random(order).shuffle  # noqa: S311
    cadres = list(prob.cadres)
    posts = list(prob.posts)
    staffing = list(prob.min_home_staffing.items())
    shuffle(cadres)
    shuffle(posts)
    shuffle(staffing)
    other = RotationProblem(
        cadres=cadres,
        posts=posts,
        horizon=prob.horizon,
        programs=prob.programs,
        min_home_staffing=dict(staffing),
        unavailable=prob.unavailable,
    )
    assert [c.id for c in cadres] != [c.id for c in prob.cadres]
    assert other == prob
    return other


@pytest.fixture(scope="module")
def medium_plan() -> RotationPlan:
    return schedule(_medium_problem(), seed=0)


def test_medium_problem_heuristic_path(medium_plan: RotationPlan) -> None:
    prob = _medium_problem()
    plan = medium_plan
    assert plan.method == "heuristic"
    assert plan.violations(prob) == ()
    assert plan.bound is not None
    assert plan.objective.placed <= plan.bound.placed
    assert 0.0 <= plan.gap < 1.0


def test_medium_problem_is_deterministic(medium_plan: RotationPlan) -> None:
    # the search ends on its work budget, not the clock: equal plans on every
    # call and for any input order (the time cap is far away)
    assert medium_plan.method == "heuristic"
    assert schedule(_medium_problem(), seed=0) == medium_plan
    assert schedule(_medium_problem(order=3), seed=0) == medium_plan


def test_time_cap_is_reported(medium_plan: RotationPlan) -> None:
    # a cap far below the work budget: still a valid plan, and the plan says
    # the cap ended the search (so it may depend on machine speed)
    prob = _medium_problem()
    plan = schedule(prob, seed=0, time_limit=1e-3)
    assert plan.method == "heuristic, time limit"
    assert plan.violations(prob) == ()
    again = replan(prob, medium_plan, released=["c000"], time_limit=1e-3)
    assert again.method == "replan, time limit"
    assert again.violations(prob) == ()


def test_search_budget_grows_with_size() -> None:
    budgets = [solve_module.search_budget(n) for n in (0, 10, 100, 1_000, 10_000, 100_000)]
    moves = [m for m, _ in budgets]
    patience = [p for _, p in budgets]
    assert moves == sorted(moves)
    assert patience == sorted(patience)
    assert moves[0] >= 20
    assert moves[-1] == solve_module.MAX_MOVES
    assert patience[0] == solve_module.PATIENCE


@settings(max_examples=25)
@given(problems(), st.sampled_from(["fast", "thorough", 3]))
def test_every_effort_gives_a_valid_deterministic_plan(
    problem: RotationProblem, effort: str | int
) -> None:
    with heuristic_only():
        plan = schedule(problem, seed=5, effort=effort)
        assert schedule(problem, seed=5, effort=effort) == plan
    assert plan.violations(problem) == ()
    assert plan.stopped_because in {"no progress", "work budget", "nothing to place"}
    exact = schedule(problem, effort=effort)
    assert exact.stopped_because in {"proved optimal", "nothing to place"}
    assert exact.work == 0


@settings(max_examples=20)
@given(problems(max_cadres=3, max_posts=2))
def test_thorough_search_reaches_brute_force(problem: RotationProblem) -> None:
    # the whole neighbourhood of a tiny problem is every option: the search must find the best
    if len(all_options(problem)) > 14:
        return
    with heuristic_only():
        plan = schedule(problem, seed=1, effort="thorough")
    placed, value = brute_force(problem)
    assert plan.objective.placed == placed
    assert plan.objective.value == pytest.approx(value, abs=1e-6)


def test_effort_scales_the_work_budget() -> None:
    levels = [effort_of(e, "t") for e in ("fast", "default", "thorough", 2)]
    budgets = [solve_module.search_budget(1_000, level) for level in levels]
    assert budgets[0] < budgets[1] < budgets[2]
    assert budgets[3] == tuple(2 * b for b in budgets[1])
    assert solve_module.search_budget(1_000) == budgets[1]


def test_medium_problem_reports_its_work() -> None:
    medium_problem = _medium_problem()
    with heuristic_only():
        plan = schedule(medium_problem, seed=0, effort="fast")
    assert plan.work > 0
    assert plan.stopped_because in {"no progress", "work budget"}
    assert io.load(RotationPlan, io.dump(plan)) == plan


@pytest.mark.parametrize("effort", ["nope", "", 0, -1, 1.5, True, None, 10**6])
def test_bad_effort(effort: object) -> None:
    prob = tiny_rotation_problem()
    with pytest.raises(InvalidInputError, match=r"schedule: effort must be 'fast'.*got"):
        schedule(prob, effort=effort)  # type: ignore[arg-type]
    plan = schedule(prob)
    with pytest.raises(InvalidInputError, match=r"replan: effort must be"):
        replan(prob, plan, effort=effort)  # type: ignore[arg-type]


# ---------------------------------------------------------------- violations, one per kind


def _base() -> RotationProblem:
    cadres = [
        Cadre(id="a", name="甲", birth_year=1994, rank="section", unit="u1"),
        Cadre(id="b", name="乙", birth_year=1980, rank="section", unit="u1"),
        Cadre(id="c", name="丙", birth_year=1995, rank="division", unit="u2"),
    ]
    posts = [
        Post(id="p1", unit="u2", category="host", capacity=1),
        Post(id="p2", unit="u1", category="host", capacity=1),
        Post(
            id="f1",
            unit="u3",
            category="front",
            capacity=2,
            eligibility=Eligibility(born_after=1990),
        ),
    ]
    return RotationProblem(
        cadres=cadres,
        posts=posts,
        horizon=8,
        programs=[
            Program(
                name="s",
                length=2,
                placements=(0, 1),
                categories="host",
                other_unit=True,
                eligibility=Eligibility(ranks={"section"}),
            ),
            Program(
                name="f",
                length=1,
                placements=(0, 3),
                categories={"front", "host"},
                one_per_category=True,
                gap=2,
            ),
        ],
        min_home_staffing={"u1": 1},
        unavailable={"a": {7}},
    )


def _a(cadre: str, post: str, program: str, start: int, length: int) -> Assignment:
    return Assignment(cadre_id=cadre, post_id=post, program=program, start=start, length=length)


@pytest.mark.parametrize(
    ("kind", "assignments"),
    [
        ("unknown", [_a("zz", "p1", "s", 0, 2)]),
        ("horizon", [_a("a", "p1", "s", 7, 2)]),
        ("length", [_a("a", "p1", "s", 0, 3)]),
        ("overlap", [_a("a", "p1", "s", 0, 2), _a("a", "f1", "f", 1, 1)]),
        ("capacity", [_a("a", "p1", "s", 0, 2), _a("c", "p1", "f", 1, 1)]),
        ("category", [_a("a", "f1", "s", 0, 2)]),
        ("eligibility", [_a("c", "p1", "s", 0, 2)]),
        ("post_eligibility", [_a("b", "f1", "f", 0, 1)]),
        ("other_unit", [_a("a", "p2", "s", 0, 2)]),
        ("max_placements", [_a("a", "p1", "s", 0, 2), _a("a", "p1", "s", 4, 2)]),
        ("repeat", [_a("c", "p1", "f", 0, 1), _a("c", "p1", "f", 4, 1)]),
        ("one_per_category", [_a("c", "p1", "f", 0, 1), _a("c", "p2", "f", 4, 1)]),
        ("gap", [_a("c", "f1", "f", 0, 1), _a("c", "p1", "f", 2, 1)]),
        (
            "home_staffing",
            [_a("a", "p1", "s", 0, 2), _a("b", "p1", "s", 4, 2), _a("b", "f1", "f", 1, 1)],
        ),
        ("unavailable", [_a("a", "f1", "f", 7, 1)]),
    ],
)
def test_violations_catch_each_kind(kind: str, assignments: list[Assignment]) -> None:
    prob = _base()
    found = RotationPlan(assignments=assignments).violations(prob)
    assert kind in {v.kind for v in found}, found


def test_violations_catch_missing_pinned() -> None:
    base = _base()
    pin = _a("a", "p1", "s", 0, 2)
    prob = RotationProblem(
        cadres=base.cadres,
        posts=base.posts,
        horizon=base.horizon,
        programs=base.programs,
        pinned=[pin],
    )
    assert [v.kind for v in RotationPlan(assignments=[]).violations(prob)] == ["pinned"]
    assert RotationPlan(assignments=[pin]).violations(prob) == ()


def test_home_staffing_counts_each_cadre_once() -> None:
    prob = _base()
    ok = [_a("a", "p1", "s", 0, 2)]
    assert RotationPlan(assignments=ok).violations(prob) == ()


# ---------------------------------------------------------------- bad input


def _problem(**changes: object) -> RotationProblem:
    base = _base()
    args: dict[str, Any] = {
        "cadres": base.cadres,
        "posts": base.posts,
        "horizon": base.horizon,
        "programs": base.programs,
    }
    args.update(changes)
    return RotationProblem(**args)


def test_bad_horizon() -> None:
    with pytest.raises(InvalidInputError, match="horizon must be an integer >= 1, got 0"):
        _problem(horizon=0)


def test_bad_program_longer_than_horizon() -> None:
    with pytest.raises(InvalidInputError, match="length 9 is longer than the horizon 8"):
        _problem(programs=[Program(name="x", length=9, categories="host")])


def test_bad_min_above_max() -> None:
    with pytest.raises(InvalidInputError, match="min 2 is greater than max 1"):
        Program(name="x", length=1, placements=(2, 1), categories="host")


def test_bad_unknown_category() -> None:
    with pytest.raises(InvalidInputError, match="unknown post category 'nope'"):
        _problem(programs=[Program(name="x", length=1, categories="nope")])


def test_bad_unknown_post_id() -> None:
    with pytest.raises(InvalidInputError, match="unknown post id 'p9'"):
        _problem(pinned=[_a("a", "p9", "s", 0, 2)])
    with pytest.raises(InvalidInputError, match="benefit names unknown post id 'p9'"):
        _problem(benefit={("a", "p9"): 1.0})


def test_bad_program_flags_must_be_booleans() -> None:
    flags: dict[str, Any] = {"other_unit": "no", "no_repeat": 1, "one_per_category": None}
    for flag, value in flags.items():
        with pytest.raises(InvalidInputError, match=f"{flag} must be True or False, got {value!r}"):
            Program(name="x", length=1, categories="host", **{flag: value})


def test_bad_period_bonus_outside_the_horizon() -> None:
    with pytest.raises(InvalidInputError, match=r"period_bonus\[\('p1', 8\)\] names period 8"):
        _problem(period_bonus={("p1", 8): 1.0})
    with pytest.raises(InvalidInputError, match="names period -1"):
        _problem(period_bonus={("p1", -1): 1.0})
    assert _problem(period_bonus={("p1", 7): 1.0}).period_bonus == {("p1", 7): 1.0}


def test_bad_pinned_capacity() -> None:
    with pytest.raises(InvalidInputError, match=r"pinned assignments break a rule.*capacity"):
        _problem(pinned=[_a("a", "p1", "s", 0, 2), _a("c", "p1", "f", 1, 1)])


def test_bad_pinned_eligibility() -> None:
    with pytest.raises(InvalidInputError, match=r"pinned.*not eligible for program 's'"):
        _problem(pinned=[_a("c", "p1", "s", 0, 2)])


def test_bad_negative_capacity() -> None:
    with pytest.raises(InvalidInputError, match="capacity must be an integer >= 0, got -1"):
        Post(id="p", unit="u", category="host", capacity=-1)


def test_bad_staffing_above_size() -> None:
    with pytest.raises(InvalidInputError, match=r"min_home_staffing\['u1'\] = 3 is above"):
        _problem(min_home_staffing={"u1": 3})
    with pytest.raises(InvalidInputError, match="unknown unit 'u9'"):
        _problem(min_home_staffing={"u9": 1})


def test_bad_duplicate_ids() -> None:
    base = _base()
    with pytest.raises(InvalidInputError, match=r"cadres has duplicate id\(s\) \['a'\]"):
        _problem(cadres=[*base.cadres, base.cadres[0]])
    with pytest.raises(InvalidInputError, match="programs has duplicate"):
        _problem(programs=[*base.programs, base.programs[0]])


def test_bad_unavailable_and_options() -> None:
    with pytest.raises(InvalidInputError, match="unavailable names unknown cadre id 'zz'"):
        _problem(unavailable={"zz": {1}})
    with pytest.raises(InvalidInputError, match=r"unavailable\['a'\] has period 8"):
        _problem(unavailable={"a": {8}})
    with pytest.raises(InvalidInputError, match="seed must be None, an integer"):
        schedule(_base(), seed=-1)
    with pytest.raises(InvalidInputError, match="time_limit must be a positive"):
        schedule(_base(), time_limit=0)
    with pytest.raises(InvalidInputError, match="problem must be a RotationProblem"):
        schedule("x")  # type: ignore[arg-type]


def test_over_constrained_is_not_an_error() -> None:
    prob = _problem(programs=[Program(name="x", length=8, placements=(1, 1), categories="host")])
    plan = schedule(prob)
    assert plan.violations(prob) == ()
    assert len(plan.unplaced) == 1  # two host posts of capacity 1, three cadres


def test_all_options_iterates() -> None:
    # guard for the naive reference itself
    assert len(all_options(tiny_rotation_problem())) == 2 * 3 * 3
    assert all_options(tiny_rotation_problem())[0].start == 0


# ---------------------------------------------------------------- diagnose, one per kind


def _kinds(prob: RotationProblem) -> set[str]:
    return {c.kind for c in diagnose(prob)}


def test_diagnose_no_eligible_post() -> None:
    prob = _problem(
        programs=[
            Program(
                name="x",
                length=1,
                placements=1,
                categories="front",
                eligibility=Eligibility(ranks={"section"}),
            )
        ]
    )
    found = diagnose(prob)
    assert found[0].kind == "no_eligible_post"
    assert found[0].cadres == ("b",)
    assert "program x" in found[0].message
    assert "项目" in found[0].message_zh
    assert schedule(prob).unplaced[0].reason.startswith("no eligible post")


def test_diagnose_home_staffing() -> None:
    prob = _problem(
        programs=[Program(name="x", length=4, placements=2, categories={"host", "front"})],
        min_home_staffing={"u1": 1},
    )
    found = [c for c in diagnose(prob) if c.kind == "home_staffing"]
    assert found
    assert found[0].unit == "u1"
    assert "unit u1 keeps 1 of 2 at home, so at most 1 can be away" in found[0].message
    assert schedule(prob).unplaced


def test_diagnose_cadre_time() -> None:
    prob = _problem(
        programs=[Program(name="x", length=3, placements=3, categories={"host", "front"})]
    )
    assert "cadre_time" in _kinds(prob)


def test_diagnose_flow() -> None:
    cadres = [
        Cadre(id=f"c{i}", name="x", birth_year=1990, rank="section", unit="u1") for i in range(3)
    ]
    posts = [
        Post(
            id="p1", unit="u2", category="h", capacity=1, eligibility=Eligibility(born_after=1995)
        ),
        Post(id="p2", unit="u2", category="h", capacity=1),
    ]
    prob = RotationProblem(
        cadres=cadres,
        posts=posts,
        horizon=2,
        programs=[Program(name="x", length=1, placements=1, categories="h")],
    )
    found = diagnose(prob)
    assert [c.kind for c in found] == ["flow"]
    assert found[0].needed == 3
    assert found[0].available == 2
    assert len(schedule(prob).unplaced) == 1


@settings(max_examples=30)
@given(problems())
def test_programs_and_assignments_round_trip(problem: RotationProblem) -> None:
    for prog in problem.programs:
        assert io.load(Program, io.dump(prog)) == prog
    for a in schedule(problem).assignments:
        assert io.load(Assignment, io.dump(a)) == a


@settings(max_examples=30)
@given(problems())
def test_counting_bound_holds(problem: RotationProblem) -> None:
    with heuristic_only(), mock.patch.object(solve_module, "AGGREGATE_PAIRS", -1):
        plan = schedule(problem, seed=0)
    assert plan.bound is not None
    assert plan.bound.method in {"counting", "lagrangian", "optimal"}
    exact = schedule(problem)
    assert exact.method == "exact"
    assert exact.objective.placed <= plan.bound.placed
    assert exact.objective.value <= plan.bound.value + 1e-6


def test_replan_releases_by_assignment_and_post() -> None:
    prob = tiny_rotation_problem()
    plan = schedule(prob, seed=0)
    first = plan.assignments[0]
    again = replan(prob, plan, released=[first], seed=0)
    assert again.violations(prob) == ()
    assert all(a in again.assignments for a in plan.assignments[1:])
    by_post = replan(prob, plan, released=["p1"], now=4)
    assert by_post.assignments == plan.assignments  # nothing may start after the horizon
    assert by_post.moved == 0
    diff = plan.diff(again)
    assert diff.moved == len({a.cadre_id for a in (*diff.added, *diff.removed)})
    with pytest.raises(InvalidInputError, match="now must be a period"):
        replan(prob, plan, now=9)
    with pytest.raises(InvalidInputError, match="released must hold"):
        replan(prob, plan, released=[3])  # type: ignore[list-item]


def test_max_away_limits_like_home_staffing() -> None:
    prob = _problem(
        programs=[Program(name="x", length=2, placements=(1, 1), categories={"host", "front"})],
        max_away={"u1": 1},
        min_home_staffing={"u1": 0},
    )
    assert prob.away_limit("u1") == 1
    plan = schedule(prob, seed=0)
    assert plan.violations(prob) == ()
    occupied = [set(a.periods) for a in plan.assignments if a.cadre_id in {"a", "b"}]
    assert len(occupied) == 2
    assert not occupied[0] & occupied[1]
    broken = RotationPlan(
        assignments=[_a("a", "p1", "x", 0, 2), _a("b", "f1", "x", 1, 2)]
    ).violations(prob)
    assert {v.kind for v in broken} >= {"home_staffing"}
    with pytest.raises(InvalidInputError, match=r"max_away\['u1'\] must be an integer >= 0"):
        _problem(max_away={"u1": -1})


# ------------------------------------------------------------ hostile input

hostile = hostile_values(" a ")


def _sample_plan() -> RotationPlan:
    problem = attrs.evolve(tiny_rotation_problem(), calendar=Calendar("2025Q1"))
    return replan(problem, schedule(problem, seed=0), now=1, seed=0)


def _sample_records() -> list[Any]:
    plan = _sample_plan()
    other = RotationPlan(assignments=plan.assignments[1:])
    violation = Violation(kind="capacity", message="over", post_id="p1", period=2)
    conflict = Conflict(
        kind="supply",
        message="too few",
        message_zh="岗位不足",
        program="s",
        posts=("p1",),
        periods=(0, 1),
        cadres=("a",),
        needed=3,
        available=2,
    )
    return [plan, *tiny_rotation_problem().programs, plan.diff(other), violation, conflict]


HOSTILE_TARGETS: list[Any] = _sample_records()


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(HOSTILE_TARGETS), st.data())
def test_plans_and_programs_from_hostile_fields_are_named_errors_or_round_trip(
    record: Any, data: st.DataObject
) -> None:
    named_or_round_trips(*rebuilt_with_hostile_field(record, data, hostile))


@settings(max_examples=20, deadline=None)
@given(problems())
def test_a_plan_rebuilt_from_its_fields_is_equal_valid_and_round_trips(
    problem: RotationProblem,
) -> None:
    plan = schedule(problem, seed=0)
    rebuilt = RotationPlan(**init_fields(plan))
    assert rebuilt == plan
    assert rebuilt.violations(problem) == ()
    assert io.load(RotationPlan, io.dump(rebuilt)) == rebuilt


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"assignments": None}, "assignments must be a collection"),
        ({"assignments": [("a", "p1")]}, "assignments must hold Assignment records"),
        ({"unplaced": [1]}, "unplaced must hold Unplaced records"),
        ({"understaffed": "p1"}, "understaffed must be a collection"),
        ({"objective": (3, 1.0, 2)}, "objective must be a Objective"),
        ({"bound": 1}, "bound must be a Bound or None"),
        ({"calendar": "2025Q1"}, "calendar must be a Calendar or None"),
        ({"method": None}, "method must be a string"),
        ({"stopped_because": "a\x00b"}, "stopped_because must be a string without control"),
        ({"horizon": -1}, "horizon must be an integer from 0"),
        ({"moved": 1.0}, "moved must be an integer from 0"),
        ({"work": 10**30}, "work must be an integer from 0"),
        ({"post_ids": [" p1 "]}, "post_ids must hold ids"),
        ({"labels": {"a": "u1"}}, "labels must map ids to tuples of text"),
        ({"labels": [("a", ("u1",))]}, "labels must map ids to tuples of text"),
    ],
)
def test_a_hand_built_plan_names_the_field(change: dict[str, Any], message: str) -> None:
    fields = init_fields(HOSTILE_TARGETS[0]) | change
    with pytest.raises(InvalidInputError, match=f"^RotationPlan: {message}"):
        RotationPlan(**fields)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"categories": [["host"]]}, r"categories must hold ids .*, got \['host'\]"),
        ({"categories": {"host": 1}}, "categories must be a collection of post categories"),
        ({"categories": [" host "]}, "categories must hold ids"),
        ({"cadres": [{"a"}]}, r"cadres must hold ids .*, got \{'a'\}"),
        ({"cadres": [1]}, "cadres must hold ids"),
        ({"cadres": 1}, "cadres must be a collection of cadre ids"),
    ],
)
def test_a_program_names_unhashable_or_malformed_categories_and_cadres(
    change: dict[str, Any], message: str
) -> None:
    base: dict[str, Any] = {"name": "s", "length": 1, "placements": 1, "categories": "host"}
    with pytest.raises(InvalidInputError, match=f"^Program 's': {message}"):
        Program(**(base | change))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Objective(placed=-1), r"^Objective: placed must be an integer >= 0"),
        (lambda: Objective(value=float("nan")), r"^Objective: value must be a finite number"),
        (lambda: Objective(fairness=_any("2")), r"^Objective: fairness must be an integer"),
        (lambda: Bound(placed=1, value=_any(None), method="lp"), r"^Bound: value must be"),
        (lambda: Bound(placed=1, value=1.0, method=""), r"^Bound: method must be a non-empty"),
        (
            lambda: Unplaced(cadre_id=_any(0), program="s", reason="r"),
            r"^Unplaced \(0, 's'\): cadre_id must be a non-empty string",
        ),
        (
            lambda: Unplaced(cadre_id="a", program="s", reason=_any(None)),
            r"^Unplaced \('a', 's'\): reason must be text",
        ),
        (
            lambda: Unplaced(cadre_id="a", program="s", reason="r", missing=0),
            r"^Unplaced \('a', 's'\): missing must be an integer >= 1",
        ),
    ],
)
def test_the_records_a_plan_holds_name_their_bad_fields(build: Any, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        build()


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["objective", "bound", "unplaced"]), st.data())
def test_a_plan_with_hostile_inner_records_is_a_named_error_or_round_trips(
    which: str, data: st.DataObject
) -> None:
    value = data.draw(hostile)
    make = {
        "objective": lambda: Objective(placed=value, value=1.0, fairness=0),
        "bound": lambda: Bound(placed=0, value=value, method="lp"),
        "unplaced": lambda: Unplaced(cadre_id="a", program="s", reason=value),
    }[which]
    inner = outcome(make)
    if isinstance(inner, InvalidInputError):
        return
    fields: dict[str, Any] = {which: [inner] if which == "unplaced" else inner}
    plan = RotationPlan(assignments=(), **fields)
    assert io.load(RotationPlan, io.dump(plan)) == plan


def _any(value: Any) -> Any:
    """Return *value* typed as ``Any``: a wrong value passed on purpose."""
    return value
