"""Rotation at scale: which placement options a large problem keeps, and its value bound.

A problem with more options than ``prune_above`` keeps, per program, some
posts per cadre and some cadres per post. What it keeps must not lose the
first level (placements toward minimums) to crowding: when every cadre
prefers the same few posts, keeping only each cadre's favourites leaves
the other posts without candidates. Where there is no LP bound, the value
bound prices post capacities and unit away limits (``_lagrange``); it must
hold against every plan.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from _rotation_oracle import accepted_sets, heuristic_only
from cadredev import Cadre, Post
from cadredev.rotation import Eligibility, Program, RotationProblem, schedule
from cadredev.rotation import _solve as solve_module
from cadredev.rotation._compile import _best_of, _prune, compile_problem
from cadredev.rotation._construct import State, greedy
from cadredev.rotation._counting import counting_bound
from cadredev.rotation._lagrange import lagrangian_bound
from cadredev.rotation._plan import evaluate
from test_rotation import all_options, problems


def _crowded(n: int = 240, m: int = 80, seed: int = 0) -> RotationProblem:
    """``n`` cadres, ``m`` posts of capacity 1 with room for all, the same favourites for all.

    The first eight posts ask for far more than anyone has (everybody's
    best benefit), the others for little; each post holds four placements
    of length 3 over 12 periods, so everyone fits when the posts are spread.
    """
    rng = np.random.default_rng(seed)
    cadres = [
        Cadre(
            id=f"c{i:04d}",
            name="x",
            birth_year=1990,
            rank="section",
            unit=f"u{i % 4}",
            competencies={"s": float(rng.uniform(0.0, 0.3))},
        )
        for i in range(n)
    ]
    posts = [
        Post(
            id=f"p{j:03d}",
            unit="host",
            category="a",
            capacity=1,
            requirements={"s": 1.0 if j < 8 else float(rng.uniform(0.3, 0.4))},
            eligibility=Eligibility(),
        )
        for j in range(m)
    ]
    program = Program(name="turn", length=3, placements=(1, 1), categories={"a"})
    return RotationProblem(cadres=cadres, posts=posts, horizon=12, programs=[program])


def test_pruning_keeps_the_first_level_when_everyone_wants_the_same_posts() -> None:
    prob = _crowded()
    whole = compile_problem(prob)
    assert not whole.pruned
    state = State(whole)
    greedy(whole, state)
    assert state.placed() == len(prob.cadres)  # room for all
    # a budget of about 15 posts per cadre: a fifth of the options
    small = compile_problem(prob, prune_above=whole.n_options // 5)
    assert small.pruned
    assert small.n_options <= whole.n_options // 4
    # every post keeps candidates, not only everybody's favourites (keeping
    # each cadre's best posts alone placed 64 of the 240)
    assert set(small.op.tolist()) == set(range(len(prob.posts)))
    state = State(small)
    greedy(small, state)
    assert state.placed() >= 0.98 * len(prob.cadres)


def test_a_pruned_schedule_places_nearly_everyone() -> None:
    prob = _crowded(n=160, m=60, seed=1)
    full = schedule(prob, seed=0)
    assert full.objective.placed == len(prob.cadres)
    setattr(solve_module, "MAX_OPTIONS", compile_problem(prob).n_options // 5)  # noqa: B010
    try:
        pruned = schedule(prob, seed=0)
    finally:
        setattr(solve_module, "MAX_OPTIONS", 2_500_000)  # noqa: B010
    assert pruned.violations(prob) == ()
    assert pruned.objective.placed >= 0.98 * len(prob.cadres)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 30),
    st.integers(1, 12),
    st.integers(0, 400),
    st.integers(1, 6),
    st.integers(0, 10**6),
)
def test_prune_keeps_a_subset_with_each_cadres_best_and_each_posts_best(
    n: int, m: int, budget: int, n_starts: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    allowed = rng.random((n, m)) < 0.7
    ci, pj = np.nonzero(allowed)
    score = np.round(rng.random(len(ci)), 2)  # ties happen
    places = rng.integers(0, 5, size=m)
    kc, kp = _prune(ci, pj, score, n, budget, n_starts, 1, places)
    pairs = set(zip(ci.tolist(), pj.tolist(), strict=True))
    kept = list(zip(kc.tolist(), kp.tolist(), strict=True))
    assert set(kept) <= pairs
    assert kept == sorted(set(kept))  # sorted by cadre, then post, no repeats
    value = dict(zip(zip(ci.tolist(), pj.tolist(), strict=True), score.tolist(), strict=True))
    # each cadre keeps at least its six best posts (ties by post index)
    for c in range(n):
        mine = sorted((p for cc, p in pairs if cc == c), key=lambda p: (-value[c, p], p))
        assert set(mine[:6]) <= {p for cc, p in kept if cc == c}
    # a permutation of the pairs keeps the same pairs
    perm = rng.permutation(len(ci))
    again = _prune(ci[perm], pj[perm], score[perm], n, budget, n_starts, 1, places)
    assert again[0].tolist() == kc.tolist()
    assert again[1].tolist() == kp.tolist()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), max_size=40), st.integers(0, 3))
def test_best_of_is_the_top_k_of_each_group(rows: list[tuple[int, int]], k: int) -> None:
    group = np.array([g for g, _ in rows], dtype=np.int64)
    s = np.array([v for _, v in rows], dtype=np.float64)
    other = np.arange(len(rows), dtype=np.int64)
    got = _best_of(group, s, other, np.full(len(rows), k))
    for g in set(group.tolist()):
        members = sorted((i for i in range(len(rows)) if group[i] == g), key=lambda i: (-s[i], i))
        assert {i for i in members if got[i]} == set(members[:k])


@settings(max_examples=80, deadline=None)
@given(problems(max_cadres=4, max_posts=3), st.floats(0, 10))
def test_the_priced_value_bound_holds_against_every_plan(
    problem: RotationProblem, reached: float
) -> None:
    options = all_options(problem)
    if len(options) > 14:
        options = options[:14]  # the bound holds for the whole problem, so for a part too
    comp = compile_problem(problem, max_options=0)
    bound = lagrangian_bound(problem, comp, reached=reached)
    best = max(evaluate(problem, plan).value for plan in accepted_sets(problem, options))
    assert bound >= best - 1e-9
    assert bound <= counting_bound(problem, comp).value + 1e-9


def test_a_plan_without_the_lp_bound_reports_the_priced_bound() -> None:
    prob = _crowded(n=160, m=60, seed=2)
    setattr(solve_module, "AGGREGATE_PAIRS", 0)  # noqa: B010  (as on a large problem)
    try:
        with heuristic_only():
            plan = schedule(prob, seed=0)
    finally:
        setattr(solve_module, "AGGREGATE_PAIRS", 250_000)  # noqa: B010
    comp = compile_problem(prob, max_options=0)
    counted = counting_bound(prob, comp)
    assert plan.bound is not None
    assert plan.bound.method == "lagrangian"
    assert plan.bound.placed == counted.placed
    assert plan.objective.value <= plan.bound.value < counted.value
