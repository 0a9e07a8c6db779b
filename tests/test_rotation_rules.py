"""Rotation rules: allowed posts, capacity per period, placements per unit, precedence.

Every rule is checked three ways: bad input raises a named error, the
independent checker catches the rule broken on purpose, and on random small
problems the exact plan's objective equals the optimum of an independent
CP-SAT model of the same problem written here (every plan, exact or
heuristic, has no violation).
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _rotation_oracle import heuristic_only
from cadredev import Cadre, InvalidInputError, Post, io
from cadredev.rotation import (
    Assignment,
    Program,
    RotationPlan,
    RotationProblem,
    diagnose,
    replan,
    schedule,
)
from test_rotation import problems

cp_model = pytest.importorskip("ortools.sat.python.cp_model")

UNITS = ("u1", "u2")
CATS = ("a", "b")


@st.composite
def rule_problems(draw: st.DrawFn) -> RotationProblem:
    """Small problems using the new rules (and the plain old ones)."""
    n = draw(st.integers(1, 4))
    cadres = [
        Cadre(
            id=f"c{i}", name="x", birth_year=1990, rank="section", unit=draw(st.sampled_from(UNITS))
        )
        for i in range(n)
    ]
    m = draw(st.integers(1, 3))
    posts = [
        Post(
            id=f"p{j}",
            unit=draw(st.sampled_from(UNITS)),
            category=draw(st.sampled_from(CATS)),
            capacity=draw(st.integers(0, 2)),
        )
        for j in range(m)
    ]
    horizon = draw(st.integers(1, 4))
    cats_present = sorted({p.category for p in posts})
    programs = []
    for k in range(draw(st.integers(1, 2))):
        lo = draw(st.integers(0, 2))
        hi = draw(st.integers(lo, 2))
        programs.append(
            Program(
                name=f"g{k}",
                length=draw(st.integers(1, min(2, horizon))),
                placements=(lo, hi),
                categories=draw(st.sets(st.sampled_from(cats_present), min_size=1)),
                no_repeat=draw(st.booleans()),
                max_per_unit=draw(st.sampled_from((None, 1, 2))),
            )
        )
    post_ids = [p.id for p in posts]
    allowed = {
        c.id: draw(st.sets(st.sampled_from(post_ids))) for c in cadres if draw(st.booleans())
    }
    capacity = {
        (p.id, t): draw(st.integers(0, 2))
        for p in posts
        for t in range(horizon)
        if draw(st.integers(0, 3)) == 0
    }
    benefit = {(c.id, p.id): draw(st.integers(0, 3)) for c in cadres for p in posts}
    names = [p.name for p in programs]
    precedence = []
    if len(names) == 2 and draw(st.booleans()):
        precedence.append(tuple(draw(st.permutations(names))))
    return RotationProblem(
        cadres=cadres,
        posts=posts,
        horizon=horizon,
        programs=programs,
        benefit=benefit,
        allowed=allowed,
        capacity=capacity,
        precedence=precedence,
    )


Key = tuple[str, str, str, int]  # cadre, program, post, start


class Oracle:
    """An independent CP-SAT model of a rotation problem, from the documented rules.

    One binary per (cadre, program, post, start); the lexicographic objective
    (placements toward minimums, then value) as one weighted sum.
    """

    def __init__(self, problem: RotationProblem) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        self.x: dict[Key, Any] = {}
        self.value: dict[Key, int] = {}
        benefit: Any = problem.benefit or {}
        for prog in problem.programs:
            for c in problem.cadres:
                for p in problem.posts:
                    if p.category not in prog.categories:
                        continue
                    if c.id in problem.allowed and p.id not in problem.allowed[c.id]:
                        continue
                    for s in range(problem.horizon - prog.length + 1):
                        key = (c.id, prog.name, p.id, s)
                        self.x[key] = self.model.NewBoolVar(str(key))
                        self.value[key] = int(benefit.get((c.id, p.id), 0))

    def periods(self, key: Key) -> range:
        return range(key[3], key[3] + self.problem.program(key[1]).length)

    def where(
        self,
        cadre: str | None = None,
        program: str | None = None,
        post: str | None = None,
        period: int | None = None,
    ) -> Any:
        """Return the sum of the placements matching every filter given."""
        return sum(
            v
            for k, v in self.x.items()
            if cadre in {None, k[0]}
            and program in {None, k[1]}
            and post in {None, k[2]}
            and (period is None or period in self.periods(k))
        )

    def period_rules(self) -> None:
        """One placement per cadre per period; post capacity per period."""
        for c in self.problem.cadres:
            for t in range(self.problem.horizon):
                self.model.Add(self.where(cadre=c.id, period=t) <= 1)
        for p in self.problem.posts:
            for t in range(self.problem.horizon):
                caps: Any = self.problem.capacity or {}
                cap = caps.get((p.id, t), p.capacity)
                self.model.Add(self.where(post=p.id, period=t) <= cap)

    def cadre_rules(self) -> list[Any]:
        """Maximum placements, no repeat; return the counters toward minimums."""
        placed = []
        for prog in self.problem.programs:
            for c in self.problem.cadres:
                mine = self.where(cadre=c.id, program=prog.name)
                self.model.Add(mine <= prog.placements[1])
                z = self.model.NewIntVar(0, prog.placements[0], f"z{c.id}{prog.name}")
                self.model.Add(z <= mine)
                placed.append(z)
                if prog.max_per_unit is not None:
                    for unit in {p.unit for p in self.problem.posts}:
                        here = sum(
                            self.where(cadre=c.id, program=prog.name, post=p.id)
                            for p in self.problem.posts
                            if p.unit == unit
                        )
                        self.model.Add(here <= prog.max_per_unit)
                if prog.no_repeat:
                    for p in self.problem.posts:
                        self.model.Add(self.where(cadre=c.id, program=prog.name, post=p.id) <= 1)
        return placed

    def order_rules(self) -> None:
        """No placement of a second program starts before one of the first ends."""
        for first, then in self.problem.precedence:
            for a, xa in self.x.items():
                if a[1] != first:
                    continue
                end = self.periods(a)[-1]
                for b, xb in self.x.items():
                    if b[1] == then and b[0] == a[0] and b[3] <= end:
                        self.model.Add(xa + xb <= 1)

    def solve(self) -> tuple[int, float]:
        self.period_rules()
        self.order_rules()
        placed = self.cadre_rules()
        weight = 1 + sum(abs(v) for v in self.value.values())
        self.model.Maximize(
            weight * sum(placed) + sum(self.value[k] * v for k, v in self.x.items())
        )
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        assert solver.Solve(self.model) == cp_model.OPTIMAL
        total = round(solver.ObjectiveValue())
        return total // weight, float(total % weight)


def cp_sat_optimum(problem: RotationProblem) -> tuple[int, float]:
    """Return the best (placed, value) of ``problem`` by the independent CP-SAT model."""
    return Oracle(problem).solve()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_problems())
def test_exact_plan_matches_cp_sat(problem: RotationProblem) -> None:
    plan = schedule(problem, seed=0)
    assert plan.violations(problem) == ()
    if plan.method == "exact":
        placed, value = cp_sat_optimum(problem)
        assert plan.objective.placed == placed
        assert plan.objective.value == pytest.approx(value, abs=1e-6)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_problems())
def test_heuristic_plans_break_no_rule(problem: RotationProblem) -> None:
    with heuristic_only():
        plan = schedule(problem, seed=2)
    assert plan.violations(problem) == ()
    placed, value = cp_sat_optimum(problem)
    assert (plan.objective.placed, plan.objective.value) <= (placed, value + 1e-6)
    assert plan.bound is not None
    assert plan.objective.placed <= plan.bound.placed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_problems())
def test_diagnose_rule_conflicts_are_real(problem: RotationProblem) -> None:
    found = [c for c in diagnose(problem) if c.kind in {"max_per_unit", "precedence"}]
    if not found:
        return
    plan = schedule(problem, seed=0)
    short = {(u.cadre_id, u.program) for u in plan.unplaced}
    for conflict in found:
        names = (
            {conflict.program} if conflict.kind == "max_per_unit" else set(problem.precedence[0])
        )
        for cid in conflict.cadres:
            assert any((cid, name) in short for name in names), (conflict, plan.unplaced)


@settings(max_examples=15, deadline=None)
@given(rule_problems())
def test_rules_round_trip(problem: RotationProblem) -> None:
    assert io.load(RotationProblem, io.dump(problem)) == problem


@st.composite
def mixed_problems(draw: st.DrawFn) -> RotationProblem:
    """The general problems of the rotation tests (every older rule), with the new rules."""
    problem = draw(problems(max_cadres=4, max_posts=3))
    post_ids = [p.id for p in problem.posts]
    allowed = {
        c.id: draw(st.sets(st.sampled_from(post_ids), min_size=1))
        for c in problem.cadres
        if draw(st.booleans())
    }
    capacity = {
        (pid, t): draw(st.integers(0, 2))
        for pid in post_ids
        for t in range(problem.horizon)
        if draw(st.integers(0, 3)) == 0
    }
    programs = [
        attrs.evolve(p, max_per_unit=draw(st.sampled_from((None, 1)))) for p in problem.programs
    ]
    names = [p.name for p in programs]
    precedence = [tuple(draw(st.permutations(names)))] if len(names) == 2 else []
    return attrs.evolve(
        problem, allowed=allowed, capacity=capacity, programs=programs, precedence=precedence
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_problems(), st.randoms(use_true_random=False))
def test_mixed_rules_valid_and_deterministic(problem: RotationProblem, rnd: Any) -> None:
    plan = schedule(problem, seed=0)
    assert plan.violations(problem) == ()
    with heuristic_only():
        heuristic = schedule(problem, seed=0)
    assert heuristic.violations(problem) == ()
    assert (heuristic.objective.placed, heuristic.objective.value) <= (
        plan.objective.placed,
        plan.objective.value + 1e-6,
    ) or plan.method != "exact"
    shuffled = attrs.evolve(
        problem,
        cadres=rnd.sample(problem.cadres, len(problem.cadres)),
        posts=rnd.sample(problem.posts, len(problem.posts)),
        precedence=list(reversed(problem.precedence)),
    )
    assert shuffled == problem
    assert schedule(shuffled, seed=0) == plan
    if problem.cadres:
        now = rnd.randrange(problem.horizon + 1)
        again = replan(problem, plan, released=[problem.cadres[0].id], now=now, seed=0)
        assert again.violations(problem) == ()


def test_pinned_must_respect_the_new_rules() -> None:
    with pytest.raises(InvalidInputError, match="pinned assignments break a rule"):
        _ordered(pinned=[_a("a", "r", "f", 2), _a("a", "p", "s", 0, 2)])
    with pytest.raises(InvalidInputError, match="not among the cadre's allowed posts"):
        _problem(allowed={"a": ["q"]}, pinned=[_a("a", "p", "s", 0)])


# ------------------------------------------------------------ fixed examples


def _a(cadre: str, post: str, program: str, start: int, length: int = 1) -> Assignment:
    return Assignment(cadre_id=cadre, post_id=post, program=program, start=start, length=length)


def _problem(**changes: Any) -> RotationProblem:
    cadres = [
        Cadre(id="a", name="甲", birth_year=1990, rank="section", unit="u1"),
        Cadre(id="b", name="乙", birth_year=1990, rank="section", unit="u1"),
    ]
    posts = [
        Post(id="p", unit="u2", category="host", capacity=1),
        Post(id="q", unit="u2", category="host", capacity=1),
        Post(id="r", unit="u3", category="front", capacity=1),
    ]
    programs = changes.pop(
        "programs",
        [
            Program(name="s", length=1, placements=(0, 2), categories="host"),
            Program(name="f", length=1, placements=(0, 1), categories="front"),
        ],
    )
    return RotationProblem(cadres=cadres, posts=posts, horizon=4, programs=programs, **changes)


def test_allowed_limits_the_posts() -> None:
    prob = _problem(allowed={"a": ["q"]})
    plan = schedule(prob)
    assert {a.post_id for a in plan.assignments if a.cadre_id == "a"} <= {"q"}
    found = RotationPlan(assignments=[_a("a", "p", "s", 0)]).violations(prob)
    assert [v.kind for v in found] == ["allowed"]


def test_allowed_empty_means_no_placement() -> None:
    prob = _problem(
        allowed={"a": []},
        programs=[Program(name="s", length=1, placements=(1, 1), categories="host")],
    )
    plan = schedule(prob)
    assert [u.cadre_id for u in plan.unplaced] == ["a"]
    assert "no_eligible_post" in {c.kind for c in diagnose(prob)}


@pytest.mark.parametrize(
    ("allowed", "match"),
    [
        ({"zz": ["p"]}, "allowed names unknown cadre id 'zz'"),
        ({"a": ["zz"]}, r"allowed\['a'\] names unknown post id 'zz'"),
        ({"a": 3}, r"allowed\['a'\] must be a collection of post ids"),
        (["a"], "allowed must map cadre id to post ids"),
    ],
)
def test_bad_allowed(allowed: Any, match: str) -> None:
    with pytest.raises(InvalidInputError, match=match):
        _problem(allowed=allowed)


def test_capacity_per_period_overrides() -> None:
    prob = _problem(capacity={("p", 1): 2, ("q", 0): 0, ("r", 2): 0})
    assert prob.capacity_of("p", 1) == 2
    assert prob.capacity_of("p", 0) == 1
    plan = schedule(prob)
    assert plan.violations(prob) == ()
    assert not any(a.post_id == "q" and a.start == 0 for a in plan.assignments)
    two = RotationPlan(assignments=[_a("a", "p", "s", 1), _a("b", "p", "s", 1)])
    assert two.violations(prob) == ()
    closed = RotationPlan(assignments=[_a("a", "q", "s", 0)]).violations(prob)
    assert [v.kind for v in closed] == ["capacity"]


def test_capacity_per_period_in_diagnose() -> None:
    prob = _problem(
        programs=[Program(name="f", length=1, placements=(1, 1), categories="front")],
        capacity={("r", t): 0 for t in range(3)},
    )
    assert "supply" in {c.kind for c in diagnose(prob)}
    assert len(schedule(prob).unplaced) == 1


@pytest.mark.parametrize(
    ("capacity", "match"),
    [
        ({("p", 4): 1}, r"names period 4, expected 0..3"),
        ({("p", -1): 1}, r"names period -1"),
        ({("zz", 0): 1}, "capacity names unknown post id 'zz'"),
        ({("p", 0): -1}, r"must be an integer >= 0, got -1"),
        ({("p", 0): 1.5}, r"must be an integer >= 0, got 1.5"),
        ({"p": 1}, r"keys must be \(post id, period\) pairs"),
    ],
)
def test_bad_capacity(capacity: Any, match: str) -> None:
    with pytest.raises(InvalidInputError, match=match):
        _problem(capacity=capacity)


def test_max_per_unit_spreads_placements() -> None:
    prog = Program(name="s", length=1, placements=(0, 3), categories="host", max_per_unit=1)
    worth = {(c, p): 1 for c in "ab" for p in "pq"}
    prob = _problem(programs=[prog], benefit=worth)
    plan = schedule(prob)
    assert plan.violations(prob) == ()
    # p and q are both in unit u2: one placement there per cadre
    assert len(plan.assignments) == 2
    two = RotationPlan(assignments=[_a("a", "p", "s", 0), _a("a", "q", "s", 2)])
    found = two.violations(prob)
    assert [(v.kind, v.unit) for v in found] == [("max_per_unit", "u2")]


def test_max_per_unit_in_diagnose() -> None:
    prog = Program(name="s", length=1, placements=(2, 2), categories="host", max_per_unit=1)
    prob = _problem(programs=[prog])
    found = [c for c in diagnose(prob) if c.kind == "max_per_unit"]
    assert len(found) == 1
    assert found[0].cadres == ("a", "b")
    assert (found[0].needed, found[0].available) == (4, 2)
    assert {u.cadre_id for u in schedule(prob).unplaced} == {"a", "b"}


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_bad_max_per_unit(bad: Any) -> None:
    with pytest.raises(
        InvalidInputError, match=r"Program 's': max_per_unit must be an integer >= 1"
    ):
        Program(name="s", length=1, categories="host", max_per_unit=bad)


def _ordered(**changes: Any) -> RotationProblem:
    programs = [
        Program(name="f", length=1, placements=(1, 1), categories="front"),
        Program(name="s", length=2, placements=(1, 1), categories="host"),
    ]
    changes.setdefault("precedence", [("f", "s")])
    return _problem(programs=programs, **changes)


def test_precedence_orders_each_cadre() -> None:
    prob = _ordered()
    plan = schedule(prob)
    assert plan.violations(prob) == ()
    assert plan.unplaced == ()
    for cid in ("a", "b"):
        (f,) = [a for a in plan.assignments if a.cadre_id == cid and a.program == "f"]
        (s,) = [a for a in plan.assignments if a.cadre_id == cid and a.program == "s"]
        assert f.end < s.start
    wrong = RotationPlan(assignments=[_a("a", "r", "f", 2), _a("a", "p", "s", 0, 2)])
    found = wrong.violations(prob)
    assert [(v.kind, v.cadre_id, v.period) for v in found] == [("precedence", "a", 0)]
    touching = RotationPlan(assignments=[_a("a", "r", "f", 1), _a("a", "p", "s", 1, 2)])
    assert [v.kind for v in touching.violations(prob)] == ["overlap", "precedence"]


def test_precedence_in_diagnose() -> None:
    # f can only be taken in the last two periods: s cannot follow it
    prob = _ordered(unavailable={"a": {0, 1}})
    found = [c for c in diagnose(prob) if c.kind == "precedence"]
    assert len(found) == 1
    assert found[0].cadres == ("a",)
    assert (found[0].needed, found[0].available) == (3, 2)
    plan = schedule(prob)
    assert [u.cadre_id for u in plan.unplaced] == ["a"]
    assert plan.violations(prob) == ()


def test_precedence_is_stored_sorted() -> None:
    one = _ordered()
    two = _problem(programs=one.programs, precedence=[["f", "s"], ("f", "s")])
    assert one == two
    assert one.precedence == (("f", "s"),)


@pytest.mark.parametrize(
    ("precedence", "match"),
    [
        ([("f", "zz")], "precedence names unknown program 'zz'"),
        ([("f", "s"), ("s", "f")], "precedence has a cycle f -> s -> f"),
        ([("f", "f")], "precedence has a cycle f -> f"),
        (["fs"], r"must hold \(first, then\) pairs"),
        ([("f", "s", "x")], r"must hold \(first, then\) pairs"),
        (3, "precedence must be a sequence"),
    ],
)
def test_bad_precedence(precedence: Any, match: str) -> None:
    with pytest.raises(InvalidInputError, match=match):
        _ordered(precedence=precedence)


def test_precedence_cycle_over_three_programs() -> None:
    programs = [
        Program(name=n, length=1, placements=(0, 1), categories="host") for n in ("x", "y", "z")
    ]
    with pytest.raises(InvalidInputError, match="cycle x -> y -> z -> x"):
        _problem(programs=programs, precedence=[("x", "y"), ("y", "z"), ("z", "x")])
