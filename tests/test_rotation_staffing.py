"""Minimum staffing per post and period: a soft rule counted in the first objective level.

On random small problems the exact plan's (placed, value) equals the optimum
of an independent CP-SAT model written here (the rules of
``test_rotation_rules.Oracle`` plus one staffing counter per post-period);
heuristic plans never beat it, break no rule and report the same shortfall
as a recomputation from their assignments; bounds stay above the optimum.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _rotation_oracle import heuristic_only
from cadredev import Cadre, InfeasibleError, InvalidInputError, Post, io
from cadredev.rotation import (
    Assignment,
    Program,
    RotationPlan,
    RotationProblem,
    Understaffed,
    diagnose,
    replan,
    schedule,
)
from cadredev.rotation._compile import compile_problem
from cadredev.rotation._counting import counting_bound
from test_rotation_rules import Oracle, rule_problems

cp_model = pytest.importorskip("ortools.sat.python.cp_model")


@st.composite
def staffed_problems(draw: st.DrawFn) -> RotationProblem:
    """The rule problems of ``test_rotation_rules`` with staffing minimums."""
    problem = draw(rule_problems())
    minimums: dict[Any, int] = {}
    for post in problem.posts:
        lowest = min(problem.capacity_of(post.id, t) for t in range(problem.horizon))
        if draw(st.booleans()) and lowest > 0:
            minimums[post.id] = draw(st.integers(1, lowest))
        for t in range(problem.horizon):
            if draw(st.integers(0, 3)) == 0:
                minimums[post.id, t] = draw(st.integers(0, problem.capacity_of(post.id, t)))
    return attrs.evolve(problem, min_staffing=minimums)


class StaffedOracle(Oracle):
    """The independent CP-SAT model, with a counter per post-period toward its minimum."""

    def cadre_rules(self) -> list[Any]:
        placed = super().cadre_rules()
        for (pid, t), n in (self.problem.min_staffing or {}).items():
            w = self.model.NewIntVar(0, n, f"w{pid}{t}")
            self.model.Add(w <= self.where(post=pid, period=t))
            placed.append(w)
        return placed


def optimum(problem: RotationProblem) -> tuple[int, float]:
    return StaffedOracle(problem).solve()


def recount(problem: RotationProblem, plan: RotationPlan) -> tuple[tuple[str, int, int], ...]:
    """The shortfall recomputed from the assignments alone."""
    load: Counter[tuple[str, int]] = Counter()
    for a in plan.assignments:
        for t in range(a.start, a.start + a.length):
            load[a.post_id, t] += 1
    return tuple(
        sorted(
            (pid, t, n - load[pid, t])
            for (pid, t), n in (problem.min_staffing or {}).items()
            if load[pid, t] < n
        )
    )


def _records(plan: RotationPlan) -> tuple[tuple[str, int, int], ...]:
    return tuple((u.post_id, u.period, u.missing) for u in plan.understaffed)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(staffed_problems())
def test_exact_plan_matches_cp_sat(problem: RotationProblem) -> None:
    plan = schedule(problem, seed=0)
    assert plan.violations(problem) == ()
    assert _records(plan) == recount(problem, plan)
    best = optimum(problem)
    assert plan.bound is not None
    assert plan.bound.placed >= best[0]
    if plan.method == "exact":
        assert (plan.objective.placed, plan.objective.value) == pytest.approx(best, abs=1e-6)
    comp = compile_problem(problem)
    assert counting_bound(problem, comp).placed >= best[0]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(staffed_problems())
def test_heuristic_plans_never_beat_the_optimum(problem: RotationProblem) -> None:
    with heuristic_only():
        plan = schedule(problem, seed=2)
    assert plan.violations(problem) == ()
    assert _records(plan) == recount(problem, plan)
    placed, value = optimum(problem)
    assert (plan.objective.placed, plan.objective.value) <= (placed, value + 1e-6)
    assert plan.bound is not None
    assert plan.bound.placed >= placed
    if plan.bound.placed == placed and plan.objective.placed == placed:
        assert plan.bound.value >= value - 1e-6


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(staffed_problems(), st.randoms(use_true_random=False))
def test_same_plan_under_permutation_and_round_trip(problem: RotationProblem, rnd: Any) -> None:
    plan = schedule(problem, seed=0)
    minimums = dict(problem.min_staffing or {})
    shuffled = RotationProblem(
        cadres=rnd.sample(problem.cadres, len(problem.cadres)),
        posts=rnd.sample(problem.posts, len(problem.posts)),
        horizon=problem.horizon,
        programs=rnd.sample(problem.programs, len(problem.programs)),
        benefit=problem.benefit,
        allowed=problem.allowed,
        capacity=problem.capacity,
        precedence=problem.precedence,
        min_staffing=dict(rnd.sample(sorted(minimums.items()), len(minimums))),
    )
    assert shuffled == problem
    assert schedule(shuffled, seed=0) == plan
    for obj in (problem, plan, *plan.understaffed):
        doc = json.loads(json.dumps(io.dump(obj)))
        jsonschema.validate(doc, io.schema(doc["kind"]))
        assert io.load(type(obj), doc) == obj


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(staffed_problems())
def test_staffing_conflicts_are_real(problem: RotationProblem) -> None:
    found = [c for c in diagnose(problem) if c.kind == "min_staffing"]
    plan = schedule(problem, seed=0)
    short = {(u.post_id, u.period): u.missing for u in plan.understaffed}
    for conflict in found:
        assert conflict.needed > conflict.available
        for t in conflict.periods:
            assert (conflict.posts[0], t) in short
    # a replan reports the shortfall too
    again = replan(problem, plan, seed=0)
    assert _records(again) == recount(problem, again)


# ------------------------------------------------------------ fixed examples


def _cadre(cid: str) -> Cadre:
    return Cadre(id=cid, name="甲", birth_year=1990, rank="section", unit="u1")


def _problem(**changes: Any) -> RotationProblem:
    base: dict[str, Any] = {
        "cadres": [_cadre("a"), _cadre("b")],
        "posts": [
            Post(id="p", unit="u2", category="host", capacity=2),
            Post(id="q", unit="u2", category="host", capacity=1),
        ],
        "horizon": 3,
        "programs": [
            Program(name="s", length=1, placements=(0, 3), categories="host", no_repeat=False)
        ],
        "benefit": {("a", "p"): 2, ("b", "p"): 2},
    }
    base.update(changes)
    return RotationProblem(**base)


def test_staffing_outranks_value() -> None:
    plan = schedule(_problem(min_staffing={("q", 1): 1}), seed=0)
    assert [(a.post_id, a.start) for a in plan.assignments if a.post_id == "q"] == [("q", 1)]
    assert plan.understaffed == ()
    without = schedule(_problem(), seed=0)
    assert all(a.post_id == "p" for a in without.assignments)
    assert plan.objective.placed == without.objective.placed + 1


def test_per_period_entries_override_the_posts() -> None:
    prob = _problem(min_staffing={"p": 2, ("p", 0): 0, ("q", 2): 1})
    expected: dict[tuple[str, int], int] = {("p", 0): 0, ("p", 1): 2, ("p", 2): 2, ("q", 2): 1}
    assert prob.min_staffing is not None
    assert dict(prob.min_staffing) == expected
    assert prob == _problem(min_staffing=dict(prob.min_staffing or {}))


def test_unmet_staffing_is_reported_not_a_violation() -> None:
    prob = _problem(cadres=[_cadre("a")], benefit={("a", "p"): 2}, min_staffing={"p": 2})
    plan = schedule(prob, seed=0)
    assert plan.violations(prob) == ()
    assert plan.understaffed == tuple(
        Understaffed(post_id="p", period=t, missing=1) for t in range(3)
    )
    (conflict,) = [c for c in diagnose(prob) if c.kind == "min_staffing"]
    assert conflict.posts == ("p",)
    assert conflict.periods == (0, 1, 2)
    assert (conflict.needed, conflict.available) == (6, 3)
    assert "岗位“p”" in conflict.message_zh


def test_no_minimums_change_nothing() -> None:
    prob = _problem()
    assert attrs.evolve(prob, min_staffing={}) == prob
    assert prob.min_staffing is None
    assert schedule(prob, seed=0).understaffed == ()
    assert diagnose(prob) == ()


def test_a_hand_made_plan_keeps_its_understaffed() -> None:
    a = Assignment(cadre_id="a", post_id="p", program="s", start=0, length=1)
    plan = RotationPlan(
        assignments=[a], understaffed=[Understaffed(post_id="q", period=1, missing=1)]
    )
    assert io.load(RotationPlan, io.dump(plan)) == plan


@pytest.mark.parametrize(
    ("minimums", "match"),
    [
        ({"x": 1}, "min_staffing names unknown post id 'x'"),
        ({("x", 0): 1}, "min_staffing names unknown post id 'x'"),
        ({("p", 3): 1}, r"min_staffing\[\('p', 3\)\] names period 3, expected 0..2"),
        ({("p", -1): 1}, "names period -1"),
        ({"p": -1}, r"min_staffing\['p'\] must be an integer >= 0, got -1"),
        ({"p": 1.5}, "must be an integer >= 0, got 1.5"),
        ({"p": True}, "must be an integer >= 0, got True"),
        ({"q": 2}, r"min_staffing\['q'\] = 2 is above the capacity 1 of post 'q' in period 0"),
        ({("p", 1): 3}, "is above the capacity 2 of post 'p' in period 1"),
        ({("p", 1, 2): 1}, "keys must be post ids or"),
        ([("p", 1)], "min_staffing must map"),
    ],
)
def test_bad_min_staffing(minimums: Any, match: str) -> None:
    with pytest.raises(InvalidInputError, match=match):
        _problem(min_staffing=minimums)


def test_minimum_checked_against_capacity_per_period() -> None:
    with pytest.raises(InvalidInputError, match="capacity 0 of post 'p' in period 2"):
        _problem(capacity={("p", 2): 0}, min_staffing={"p": 1})
    # the period's own entry overrides the post's, so it is checked instead
    prob = _problem(capacity={("p", 2): 0}, min_staffing={"p": 1, ("p", 2): 0})
    assert prob.min_staffing is not None
    assert prob.min_staffing["p", 2] == 0


def test_bad_understaffed_records() -> None:
    with pytest.raises(InvalidInputError, match="Understaffed: missing must be an integer >= 1"):
        Understaffed(post_id="p", period=0, missing=0)
    with pytest.raises(InvalidInputError, match="Understaffed: period must be an integer >= 0"):
        Understaffed(post_id="p", period=-1)


def test_search_reaches_staffing_on_the_sample_zone() -> None:
    # options on short posts enter each neighbourhood whatever their value
    from cadredev import Eligibility, sample_zone  # noqa: PLC0415

    zone = sample_zone()
    program = Program(
        name="cross-shadowing",
        length=3,
        placements=(1, 1),
        categories="host",
        eligibility=Eligibility(born_after=1990),
        cadres=[c.id for c in zone.cadres if c.birth_year >= 1990][:27],
        other_unit=True,
    )
    posts = [p for p in zone.posts if p.category == "host"]
    problem = RotationProblem(
        cadres=zone.cadres,
        posts=posts,
        horizon=12,
        programs=[program],
        min_home_staffing=dict.fromkeys(zone.units, 1),
        as_of=zone.as_of,
        min_staffing={p.id: 1 for p in posts[:6]},
    )
    exact = schedule(problem, seed=0)
    with heuristic_only():
        plan = schedule(problem, seed=0)
    assert exact.method == "exact"
    assert exact.objective.placed == 27 + 6 * 12
    assert plan.objective.placed == exact.objective.placed
    assert plan.understaffed == ()
    assert plan.violations(problem) == ()


def test_strict_and_html_with_staffing() -> None:
    prob = _problem(
        cadres=[_cadre("a")],
        benefit={("a", "p"): 2},
        programs=[Program(name="s", length=1, placements=(4, 4), categories="host")],
        min_staffing={"p": 2},
    )
    with pytest.raises(InfeasibleError) as info:
        schedule(prob, strict=True)
    assert all(c.kind != "min_staffing" for c in info.value.conflicts)
    plan = schedule(prob, seed=0)
    assert "3 post-period(s) understaffed" in plan._repr_html_()
