"""Soft sequence terms: unit changes and waiting periods between a cadre's placements.

The terms are checked against an independent CP-SAT model written here from
the documented definitions, in a different form from the solver's: a change
is a pair of one cadre's placements in different units with none starting
between them, a waiting period is a period with a placement ended before it,
one starting after it and none on it. Pinned placements exercise the
solver's constants, the heuristic path its per-cadre accounting.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _rotation_oracle import heuristic_only
from cadredev import Cadre, InvalidInputError, Post, io
from cadredev.rotation import Assignment, Program, RotationProblem, replan, schedule
from cadredev.rotation._compile import compile_problem
from cadredev.rotation._construct import State
from cadredev.rotation._plan import evaluate
from cadredev.rotation._sequence import score, sequence_counts
from test_rotation_rules import Oracle, rule_problems

cp_model = pytest.importorskip("ortools.sat.python.cp_model")


class SequenceOracle(Oracle):
    """The rules' CP-SAT model with the sequence terms and more of the problem.

    Period bonuses, unavailable periods and pinned placements are added to
    the rules' model.
    """

    def __init__(self, problem: RotationProblem) -> None:
        super().__init__(problem)
        bonus: Any = problem.period_bonus or {}
        for key in self.value:
            self.value[key] += int(sum(bonus.get((key[2], t), 0) for t in self.periods(key)))
        for cid, periods in problem.unavailable.items():
            for t in periods:
                self.model.Add(self.where(cadre=cid, period=t) == 0)

    def sequence_terms(self) -> Any:
        """Return the sequence terms' total cost as a linear expression."""
        problem = self.problem
        unit = {p.id: p.unit for p in problem.posts}
        cost: Any = 0
        for c in problem.cadres:
            mine = {k: v for k, v in self.x.items() if k[0] == c.id}
            if problem.unit_change_cost:
                for a, xa in mine.items():
                    for b, xb in mine.items():
                        if unit[a[2]] == unit[b[2]] or self.periods(a)[-1] >= b[3]:
                            continue
                        between = sum(v for k, v in mine.items() if a[3] < k[3] < b[3])
                        pair = self.model.NewBoolVar(f"chg{a}{b}")
                        self.model.Add(pair >= xa + xb - 1 - between)
                        cost += int(problem.unit_change_cost) * pair
            if problem.waiting_cost:
                for t in range(problem.horizon):
                    before = [v for k, v in mine.items() if self.periods(k)[-1] < t]
                    after = [v for k, v in mine.items() if k[3] > t]
                    if not before or not after:
                        continue
                    b, a = self.model.NewBoolVar(f"b{t}"), self.model.NewBoolVar(f"a{t}")
                    self.model.AddMaxEquality(b, before)
                    self.model.AddMaxEquality(a, after)
                    idle = self.model.NewBoolVar(f"idle{c.id}{t}")
                    self.model.Add(idle >= a + b - 1 - self.where(cadre=c.id, period=t))
                    cost += int(problem.waiting_cost) * idle
        return cost

    def solve(self) -> tuple[int, float]:
        problem = self.problem
        for a in problem.pinned:
            self.model.Add(self.x[a.cadre_id, a.program, a.post_id, a.start] == 1)
        self.period_rules()
        self.order_rules()
        placed = sum(self.cadre_rules())
        value = sum(self.value[k] * v for k, v in self.x.items()) - self.sequence_terms()
        spread = problem.unit_change_cost * len(self.x) + (
            problem.waiting_cost * problem.horizon * len(problem.cadres)
        )
        weight = 1 + sum(abs(v) for v in self.value.values()) + int(spread)
        self.model.Maximize(weight * placed + value)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        assert solver.Solve(self.model) == cp_model.OPTIMAL
        return int(solver.Value(placed)), float(solver.Value(value))


def oracle_optimum(problem: RotationProblem) -> tuple[int, float]:
    """Return the best (placed, value) by the independent CP-SAT model."""
    return SequenceOracle(problem).solve()


WEIGHTS = st.tuples(st.sampled_from((0, 1, 3)), st.sampled_from((0, 1, 2)))


@st.composite
def long_problems(draw: st.DrawFn) -> RotationProblem:
    """Problems with room for several placements per cadre in three units."""
    n = draw(st.integers(1, 3))
    cadres = [
        Cadre(id=f"c{i}", name="x", birth_year=1990, rank="section", unit="h") for i in range(n)
    ]
    posts = [
        Post(id=f"p{j}", unit=draw(st.sampled_from(("u1", "u2", "u3"))), category="a")
        for j in range(draw(st.integers(2, 4)))
    ]
    horizon = draw(st.integers(2, 7))
    lo = draw(st.integers(0, 2))
    program = Program(
        name="g",
        length=draw(st.integers(1, min(2, horizon))),
        placements=(lo, draw(st.integers(max(lo, 1), 3))),
        categories="a",
        no_repeat=draw(st.booleans()),
    )
    change, wait = draw(WEIGHTS)
    return RotationProblem(
        cadres=cadres,
        posts=posts,
        horizon=horizon,
        programs=[program],
        benefit={(c.id, p.id): draw(st.integers(0, 4)) for c in cadres for p in posts},
        unavailable={c.id: draw(st.sets(st.integers(0, horizon - 1), max_size=1)) for c in cadres},
        unit_change_cost=change,
        waiting_cost=wait,
    )


@st.composite
def weighted_rule_problems(draw: st.DrawFn) -> RotationProblem:
    change, wait = draw(WEIGHTS)
    return attrs.evolve(draw(rule_problems()), unit_change_cost=change, waiting_cost=wait)


@st.composite
def pinned_problems(draw: st.DrawFn) -> RotationProblem:
    """A problem with some placements of an earlier plan pinned."""
    problem = draw(st.one_of(long_problems(), weighted_rule_problems()))
    plan = schedule(attrs.evolve(problem, unit_change_cost=0, waiting_cost=0), seed=0)
    if not plan.assignments:
        return problem
    keep = draw(st.lists(st.sampled_from(plan.assignments), unique=True, max_size=2))
    return attrs.evolve(problem, pinned=keep)


ANY_PROBLEM = st.one_of(long_problems(), weighted_rule_problems(), pinned_problems())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_PROBLEM)
def test_exact_plan_matches_the_oracle(problem: RotationProblem) -> None:
    plan = schedule(problem, seed=0)
    assert plan.violations(problem) == ()
    assert plan.objective == evaluate(problem, plan.assignments)
    if plan.method == "exact":
        placed, value = oracle_optimum(problem)
        assert plan.objective.placed == placed
        assert plan.objective.value == pytest.approx(value, abs=1e-6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_PROBLEM, st.sampled_from(("default", "thorough")))
def test_heuristic_plans_count_the_terms(problem: RotationProblem, effort: str) -> None:
    with heuristic_only():
        plan = schedule(problem, seed=3, effort=effort)
    assert plan.violations(problem) == ()
    assert plan.objective == evaluate(problem, plan.assignments)
    placed, value = oracle_optimum(problem)
    assert (plan.objective.placed, plan.objective.value) <= (placed, value + 1e-6)
    assert plan.bound is not None
    assert plan.objective.value <= plan.bound.value + 1e-6


@settings(max_examples=40, deadline=None)
@given(ANY_PROBLEM, st.randoms(use_true_random=False))
def test_solver_score_equals_the_problem_count(problem: RotationProblem, rnd: Any) -> None:
    """The solver's per-key count agrees with the problem's, on any set of options."""
    comp = compile_problem(problem)
    state = State(comp)
    for o in rnd.sample(range(comp.n_options), min(comp.n_options, 6)):
        key = comp.key(o)
        if state.feasible(*key):
            state.add(*key)
    chosen = tuple(comp.assignment(o) for o in range(comp.n_options) if comp.key(o) in state.chosen)
    assert score(comp, state)[1] == pytest.approx(evaluate(problem, chosen).value, abs=1e-9)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(long_problems(), st.permutations(range(3)))
def test_same_plan_whatever_the_input_order(problem: RotationProblem, perm: list[int]) -> None:
    shuffled = attrs.evolve(
        problem,
        cadres=[problem.cadres[i] for i in perm if i < len(problem.cadres)],
        posts=list(reversed(problem.posts)),
    )
    assert schedule(problem, seed=5).assignments == schedule(shuffled, seed=5).assignments


@settings(max_examples=20, deadline=None)
@given(ANY_PROBLEM)
def test_weights_round_trip(problem: RotationProblem) -> None:
    assert io.load(RotationProblem, io.dump(problem)) == problem


def _two_units(**changes: Any) -> RotationProblem:
    cadre = Cadre(id="a", name="甲", birth_year=1990, rank="section", unit="h")
    posts = [
        Post(id="p", unit="u1", category="x"),
        Post(id="q", unit="u2", category="x"),
        Post(id="r", unit="u1", category="x"),
    ]
    fields: dict[str, Any] = {
        "cadres": [cadre],
        "posts": posts,
        "horizon": 5,
        "programs": [Program(name="g", length=1, placements=(3, 3), categories="x")],
        "benefit": {("a", "p"): 3, ("a", "q"): 4, ("a", "r"): 3},
    }
    return RotationProblem(**{**fields, **changes})


def test_unit_change_cost_keeps_a_cadre_in_one_unit() -> None:
    free = schedule(_two_units(), seed=0)
    assert {a.post_id for a in free.assignments} == {"p", "q", "r"}
    costly = _two_units(unit_change_cost=2.0)
    plan = schedule(costly, seed=0)
    # p, q, r in any order has a change; q between p and r has two: the plan keeps q at an end
    units = ["u1" if a.post_id in "pr" else "u2" for a in sorted(plan.assignments, key=_start)]
    assert sum(x != y for x, y in itertools.pairwise(units)) == 1
    assert plan.objective.value == 10 - 2
    assert plan.method == "exact"


def _start(a: Assignment) -> int:
    return a.start


def test_waiting_cost_closes_the_gaps() -> None:
    problem = _two_units(
        waiting_cost=1.0, period_bonus={("p", 0): 5.0, ("q", 4): 5.0}, unit_change_cost=0.0
    )
    plan = schedule(problem, seed=0)
    # the bonuses at both ends outweigh the one waiting period between three placements
    starts = sorted(a.start for a in plan.assignments)
    assert starts[0] == 0
    assert starts[-1] == 4
    assert problem.sequence_terms(plan.assignments)["a"][1] == 2
    assert plan.objective.value == 10 + 10 - 2


def test_terms_count_pinned_and_replanned_placements() -> None:
    problem = _two_units(
        unit_change_cost=5.0,
        pinned=[Assignment(cadre_id="a", post_id="q", program="g", start=0, length=1)],
    )
    plan = schedule(problem, seed=0)
    assert plan.violations(problem) == ()
    # q (unit u2) is pinned first: p and r (u1) follow it, with one change
    assert problem.sequence_terms(plan.assignments)["a"][0] == 1
    again = replan(problem, plan, released=["a"], now=2, seed=0)
    assert again.violations(problem) == ()
    assert again.objective == evaluate(problem, again.assignments)


def test_sequence_counts() -> None:
    assert sequence_counts([(0, 1, "u"), (3, 2, "v"), (1, 1, "u")]) == (1, 1)
    assert sequence_counts([(2, 1, "u")]) == (0, 0)
    assert sequence_counts([(0, 1, "u"), (1, 1, "v"), (2, 1, "u")]) == (2, 0)


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, True, "1", None])
@pytest.mark.parametrize("name", ["unit_change_cost", "waiting_cost"])
def test_bad_sequence_weights(name: str, bad: Any) -> None:
    with pytest.raises(InvalidInputError, match=f"{name} must be a finite number >= 0"):
        _two_units(**{name: bad})


def test_weights_are_floats() -> None:
    assert _two_units(unit_change_cost=2).unit_change_cost == 2.0
    assert isinstance(_two_units(waiting_cost=1).waiting_cost, float)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_PROBLEM, st.randoms(use_true_random=False))
def test_linear_form_prices_any_plan_exactly(problem: RotationProblem, rnd: Any) -> None:
    """With the options fixed to any valid set, the model's terms equal the problem's count.

    Some placements are constants of the model (in the state), the others
    options fixed by their bounds; the continuous variables must then settle
    on exactly the cost ``sequence_cost`` gives the cadres with options.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp  # noqa: PLC0415

    from cadredev.rotation._mip import _matrix, build_model  # noqa: PLC0415

    comp = compile_problem(problem)
    state = State(comp)
    picked: list[int] = []
    for o in rnd.sample(range(comp.n_options), comp.n_options):
        if len(picked) < 5 and state.feasible(*comp.key(o)):
            state.add(*comp.key(o))
            picked.append(o)
    constant = picked[: rnd.randint(min(1, len(picked)), len(picked))]
    for o in picked:
        if o not in constant:
            state.remove(*comp.key(o))
    cand = np.array(
        sorted(o for o in range(comp.n_options) if state.feasible(*comp.key(o))), dtype=np.int64
    )
    if len(cand) == 0:
        return
    model = build_model(comp, state, cand, np.unique(comp.oc[cand]))
    on = np.isin(cand, picked)
    lower, upper = model.lower(), model.upper()
    lower[: len(cand)] = upper[: len(cand)] = on
    n_int = len(cand) + model.n_counters
    cost = np.concatenate([np.zeros(n_int), model.seq_cost])
    res = milp(
        cost,
        integrality=model.integrality(),
        bounds=Bounds(lower, upper),
        constraints=[LinearConstraint(_matrix(model), model.lhs, model.rhs)]
        if len(model.rhs)
        else [],
    )
    assert res.status == 0
    cadres = {comp.cadre_ids[int(c)] for c in np.unique(comp.oc[cand])}
    chosen = [comp.assignment(o) for o in picked]
    expected = problem.sequence_cost(a for a in chosen if a.cadre_id in cadres)
    assert res.fun == pytest.approx(expected, abs=1e-6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_PROBLEM)
def test_fair_objective_keeps_its_share_with_the_terms(problem: RotationProblem) -> None:
    """The terms enter the fair objective's last level only: the share stays, value is exact."""
    plan = schedule(problem, seed=0, objective="fair")
    assert plan.violations(problem) == ()
    assert plan.objective == evaluate(problem, plan.assignments)
    plain = schedule(
        attrs.evolve(problem, unit_change_cost=0, waiting_cost=0), seed=0, objective="fair"
    )
    if plan.method == "exact" and plain.method == "exact":
        assert plan.objective.placed == plain.objective.placed
        assert plan.min_share == pytest.approx(plain.min_share, abs=1e-6)
        # the plain plan keeps the share, so the terms' plan is worth at least as much
        priced = evaluate(problem, plain.assignments)
        assert plan.objective.value >= priced.value - 1e-6


def test_fair_objective_solves_the_terms_when_others_hold_the_smallest_share() -> None:
    """Cadres outside the model hold the smallest share: the value level still weighs the terms.

    Cadre ``b`` is pinned in full, so only ``a`` is solved; ``a`` reaches
    ``b``'s share with any order of posts; a bonus draws ``q`` between ``p``
    and ``r`` (two changes of unit), which the terms make the worse plan.
    """
    base = _two_units(unit_change_cost=2.0)
    other = Cadre(id="b", name="乙", birth_year=1990, rank="section", unit="h")
    problem = attrs.evolve(
        base,
        cadres=[*base.cadres, other],
        horizon=6,
        posts=[attrs.evolve(p, capacity=2) for p in base.posts],
        benefit={**dict(base.benefit or {}), ("b", "p"): 1, ("b", "q"): 9, ("b", "r"): 1},
        period_bonus={("q", 1): 1},
        pinned=[
            Assignment(cadre_id="b", post_id=p, program="g", start=t, length=1)
            for p, t in (("p", 0), ("q", 1), ("r", 2))
        ],
    )
    plan = schedule(problem, seed=0, objective="fair")
    assert plan.violations(problem) == ()
    placed, value = oracle_optimum(problem)
    assert plan.objective.placed == placed
    assert plan.objective.value == pytest.approx(value)


def test_explain_tells_changes_and_waiting() -> None:
    problem = _two_units(period_bonus={("q", 2): 1.0})
    plan = schedule(problem, seed=0)
    assert problem.sequence_terms(plan.assignments) == {"a": (2, 2)}
    assert "  sequence: 2 change(s) of unit, 2 waiting period(s)" in plan.explain("a").splitlines()
    assert io.load(type(plan), io.dump(plan)) == plan
    # a plan stored before posts carried their unit says nothing of the sequence
    old = attrs.evolve(
        plan,
        labels={k: v[:1] if k.startswith("post:") else v for k, v in plan.labels.items()},
    )
    assert "sequence" not in old.explain("a")
    # one placement: nothing to tell
    single = schedule(
        _two_units(programs=[Program(name="g", length=1, placements=1, categories="x")])
    )
    assert "sequence" not in single.explain("a")
