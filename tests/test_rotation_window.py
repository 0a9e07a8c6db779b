"""Window neighbourhoods (a run of periods on all or some posts) in the rotation search.

Checked three ways: each window move keeps the plan valid under the
independent checker and never makes it worse, and fixed placements stay;
``effort="thorough"`` gives equal plans for equal seeds whatever the input
order; and on small random tight problems (every student's required blocks
fill the horizon, capacity barely above demand) the search alone reaches the
optimum of the whole-problem HiGHS MIP and of an independent CP-SAT model.
"""

from __future__ import annotations

import random
from typing import Any
from unittest import mock

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _rotation_oracle import heuristic_only
from cadredev import Cadre, Post
from cadredev.rotation import Program, RotationProblem, replan, schedule
from cadredev.rotation import _window as window_module
from cadredev.rotation._check import check_assignments
from cadredev.rotation._compile import compile_problem
from cadredev.rotation._construct import Key, State, greedy
from cadredev.rotation._effort import EFFORTS
from cadredev.rotation._sequence import score
from cadredev.rotation._solve import _to_assignment, search_budget
from cadredev.rotation._window import Windows
from test_rotation import problems
from test_rotation_rules import cp_sat_optimum, mixed_problems

DISCIPLINES = ("med", "surg", "paed")


@st.composite
def tight_problems(draw: st.DrawFn) -> RotationProblem:
    """Students x wards x periods: each student's required blocks fill every period.

    Wards admit students through ``allowed``; each discipline's ward capacity
    is its demand per period times a slack of 1 to 1.3, rounded up.
    """
    n_disc = draw(st.integers(2, 3))
    lengths = [draw(st.integers(1, 2)) for _ in range(n_disc)]
    need = [draw(st.integers(1, 2)) for _ in range(n_disc)]
    horizon = sum(a * b for a, b in zip(lengths, need, strict=True))
    n = draw(st.integers(2, 7))
    slack = draw(st.sampled_from((1.0, 1.15, 1.3)))
    cadres = [
        Cadre(id=f"s{i}", name=f"student {i}", birth_year=2000, rank="section", unit="school")
        for i in range(n)
    ]
    posts: list[Post] = []
    programs: list[Program] = []
    for d in range(n_disc):
        name = DISCIPLINES[d]
        programs.append(
            Program(
                name=name,
                length=lengths[d],
                placements=(need[d], need[d]),
                categories={name},
                no_repeat=False,
            )
        )
        supply = -(-int(100 * slack) * n * lengths[d] * need[d] // (100 * horizon))
        wards = draw(st.integers(1, 2))
        for w in range(wards):
            cap = supply // wards + (1 if w < supply % wards else 0)
            posts.append(
                Post(id=f"{name}-{w}", unit=f"ward-{name}", category=name, capacity=max(1, cap))
            )
    ward_ids = [p.id for p in posts]
    allowed = {}
    for c in cadres:
        if draw(st.booleans()):
            # every discipline keeps at least one ward for this student
            keep = {f"{name}-0" for name in DISCIPLINES[:n_disc]}
            allowed[c.id] = keep | draw(st.sets(st.sampled_from(ward_ids)))
    benefit = {(c.id, p.id): draw(st.integers(0, 3)) for c in cadres for p in posts}
    return RotationProblem(
        cadres=cadres,
        posts=posts,
        horizon=horizon,
        programs=programs,
        allowed=allowed,
        benefit=benefit,
    )


def _moves(problem: RotationProblem, target: int, seed: int, fixed_share: float) -> None:
    """Run window moves on a greedy plan; check validity, progress and fixed placements."""
    comp = compile_problem(problem)
    state = State(comp)
    greedy(comp, state)
    rng = np.random.default_rng(seed)
    chosen = sorted(state.chosen)
    fixed: set[Key] = {key for key in chosen if rng.random() < fixed_share}
    windows = Windows(comp, state, fixed, target=target, node_limit=200, rel_tol=1e-4)
    windows.target = windows.most = target  # below the usual floor: small windows
    last = score(comp, state)
    for _ in range(8):
        lacking = [
            c
            for c in range(len(comp.cadre_ids))
            if any(
                comp.prog_elig[k, c] and state.count[c, k] < comp.pmin[k]
                for k in range(len(comp.prog_names))
            )
        ]
        windows.move(state, np.array(lacking, dtype=np.int64), rng, total_value=1.0, deadline=None)
        plan = tuple(sorted(_to_assignment(comp, key) for key in state.chosen))
        assert check_assignments(problem, plan, pinned_check=False) == ()
        now = score(comp, state)
        assert (now[0], now[1] + 1e-9) >= last
        last = now
        assert fixed <= state.chosen
        assert 1 <= windows.target <= max(target, 1)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_cadres=6, max_posts=4), st.integers(1, 6), st.integers(0, 3))
def test_window_moves_keep_plans_valid(problem: RotationProblem, target: int, seed: int) -> None:
    _moves(problem, target, seed, fixed_share=0.3)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_cadres=6, max_posts=4), st.integers(1, 6))
def test_windows_cut_to_their_option_cap_keep_plans_valid(
    problem: RotationProblem, target: int
) -> None:
    # one option per freed placement: other cadres enter a window only while they fit
    with mock.patch.object(window_module, "OPTIONS_PER_PLACEMENT", 1):
        _moves(problem, target, 3, fixed_share=0.2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_problems(), st.integers(1, 6))
def test_window_moves_keep_new_rules(problem: RotationProblem, target: int) -> None:
    # allowed posts, capacity by period, placements per unit, precedence
    _moves(problem, target, 1, fixed_share=0.0)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tight_problems(), st.integers(1, 12))
def test_window_moves_on_tight_problems(problem: RotationProblem, target: int) -> None:
    _moves(problem, target, 2, fixed_share=0.2)


def _shuffled(problem: RotationProblem, rnd: random.Random) -> RotationProblem:
    other = attrs.evolve(
        problem,
        cadres=rnd.sample(problem.cadres, len(problem.cadres)),
        posts=rnd.sample(problem.posts, len(problem.posts)),
        programs=rnd.sample(problem.programs, len(problem.programs)),
    )
    assert other == problem
    return other


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tight_problems(), st.randoms(use_true_random=False), st.integers(0, 2**16))
def test_thorough_is_deterministic_under_permutation(
    problem: RotationProblem, rnd: Any, seed: int
) -> None:
    other = _shuffled(problem, rnd)
    with heuristic_only():
        plan = schedule(problem, seed=seed, effort="thorough")
        assert schedule(other, seed=seed, effort="thorough") == plan
        assert schedule(problem, seed=seed, effort="thorough") == plan
    assert plan.violations(problem) == ()
    assert plan.stopped_because in {"no progress", "work budget"}
    assert 0 < plan.work <= search_budget(len(problem.cadres), EFFORTS["thorough"])[0]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_problems(), st.randoms(use_true_random=False))
def test_thorough_with_every_rule_is_valid_and_deterministic(
    problem: RotationProblem, rnd: Any
) -> None:
    other = _shuffled(problem, rnd)
    other = attrs.evolve(other, precedence=list(reversed(problem.precedence)))
    with heuristic_only():
        plan = schedule(problem, seed=3, effort="thorough")
        assert schedule(other, seed=3, effort="thorough") == plan
        assert plan.violations(problem) == ()
        if problem.cadres:
            released = [problem.cadres[0].id]
            again = replan(problem, plan, released=released, seed=3, effort="thorough")
            assert again.violations(problem) == ()


def _highs_optimum(problem: RotationProblem) -> tuple[int, float]:
    plan = schedule(problem, effort="thorough")
    assert plan.method == "exact"
    return plan.objective.placed, plan.objective.value


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tight_problems(), st.integers(0, 3))
def test_thorough_search_reaches_the_optimum_on_tight_problems(
    problem: RotationProblem, seed: int
) -> None:
    with heuristic_only():
        plan = schedule(problem, seed=seed, effort="thorough")
    assert plan.violations(problem) == ()
    placed, value = _highs_optimum(problem)
    assert plan.objective.placed == placed
    assert plan.objective.value == pytest.approx(value, abs=1e-6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tight_problems())
def test_the_highs_optimum_of_tight_problems_matches_cp_sat(problem: RotationProblem) -> None:
    placed, value = cp_sat_optimum(problem)
    highs = _highs_optimum(problem)
    assert highs[0] == placed
    assert highs[1] == pytest.approx(value, abs=1e-6)


def test_only_thorough_uses_windows() -> None:
    assert EFFORTS["fast"].window == 0
    assert EFFORTS["default"].window == 0
    assert EFFORTS["thorough"].window > 0
