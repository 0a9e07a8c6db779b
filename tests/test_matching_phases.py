"""The shortest-path phases of the optimal method: small integer weights, and cost scaling.

The phases are checked against the assignment on mentor slots (the naive
reference kept beside them), against OR-Tools' min-cost flow, HiGHS and
the independent optimality certificate, on arrays and through ``match``.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadredev.matching import _optimal, _phases, match
from cadredev.matching._certify import certify
from cadredev.matching._optimal import assignment
from cadredev.matching._phases import PHASE_WEIGHT_MAX, shortest_path_phases
from cadredev.matching._scaling import scaled_phases
from test_matching import check_valid, make_graph, ortools_weight


@st.composite
def problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, np.ndarray]:
    """Edges (sorted by mentee, then mentor), integer weights, mentees and mentor capacities."""
    n = draw(st.integers(1, 12))
    m = draw(st.integers(1, 5))
    top = draw(st.sampled_from([0, 1, 3, 20, PHASE_WEIGHT_MAX]))
    pairs = draw(
        st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, m - 1)), min_size=1, max_size=40)
    )
    ordered = sorted(pairs)
    a = np.array([i for i, _ in ordered], dtype=np.int64)
    b = np.array([j for _, j in ordered], dtype=np.int64)
    q = np.array(draw(st.lists(st.integers(0, top), min_size=len(a), max_size=len(a))))
    cap = np.array(draw(st.lists(st.integers(0, 4), min_size=m, max_size=m)), dtype=np.int64)
    return a, b, q.astype(np.int64), n, cap


def _value(q: np.ndarray, chosen: np.ndarray) -> tuple[int, int]:
    return int(q[chosen].sum()), len(chosen)


def _check_valid(a: np.ndarray, b: np.ndarray, chosen: np.ndarray, n: int, cap: np.ndarray) -> None:
    assert len(np.unique(chosen)) == len(chosen)
    assert np.bincount(a[chosen], minlength=n).max(initial=0) <= 1
    assert np.all(np.bincount(b[chosen], minlength=len(cap)) <= cap)


@settings(max_examples=150, deadline=None)
@given(problems())
def test_phases_equal_the_slot_assignment(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray, int, np.ndarray],
) -> None:
    a, b, q, n, cap = problem
    use = cap[b] > 0  # as the optimal method calls them: no edge to a full mentor
    a, b, q = a[use], b[use], q[use]
    got = shortest_path_phases(a, b, q, n, cap)
    assert got is not None
    _check_valid(a, b, got, n, cap)
    reference = assignment(a, b, q, n, cap) if len(a) else np.zeros(0, dtype=np.int64)
    # maximum weight first, then the most pairs
    assert _value(q, got) == _value(q, reference)
    # and the independent certificate agrees, on the same gains the method uses
    gain = q * (n + 1) + 1
    usable = np.minimum(cap, np.bincount(b, minlength=len(cap)))
    proof = certify(a, b, gain, np.arange(len(a)), got, n, usable)
    assert proof is None or proof.optimal


@settings(max_examples=60, deadline=None)
@given(problems(), st.randoms(use_true_random=False))
def test_phases_do_not_depend_on_the_edge_order(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray, int, np.ndarray], rnd: Any
) -> None:
    a, b, q, n, cap = problem
    order = list(range(len(a)))
    rnd.shuffle(order)
    p = np.array(order, dtype=np.int64)
    sorted_got = shortest_path_phases(a, b, q, n, cap)
    shuffled_got = shortest_path_phases(a[p], b[p], q[p], n, cap)
    assert sorted_got is not None
    assert shuffled_got is not None
    _check_valid(a[p], b[p], shuffled_got, n, cap)
    assert _value(q, sorted_got) == _value(q[p], shuffled_got)


def test_phases_on_nothing() -> None:
    empty = np.zeros(0, dtype=np.int64)
    got = shortest_path_phases(empty, empty, empty, 3, np.array([2]))
    assert got is not None
    assert len(got) == 0


def _large_graph(seed: int, weights: str) -> nx.Graph[Any]:
    """3,000 mentees, 300 mentors: large enough for the candidate route."""
    rng = np.random.default_rng(seed)
    n, m, k = 3000, 300, 12
    edges = []
    for i in range(n):
        for j in rng.choice(m, size=k, replace=False).tolist():
            w = float(rng.integers(1, 101)) if weights == "integer" else float(rng.random())
            edges.append((i, j, w))
    caps = rng.integers(5, 15, m) if seed % 2 else np.full(m, n // m)
    return make_graph(n, m, edges, caps.tolist())


@pytest.mark.parametrize("seed", range(3))
def test_large_integer_weights_take_the_phases(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = shortest_path_phases

    def spy(*args: Any) -> Any:
        calls.append(len(args[0]))
        return real(*args)

    monkeypatch.setattr(_optimal, "shortest_path_phases", spy)
    monkeypatch.setattr(_optimal, "PHASE_MIN_MENTEES", 1000)  # the route of 10,000 and more
    g = _large_graph(seed, "integer")
    result = match(g)
    assert calls  # the route taken
    check_valid(g, result)
    assert result.total_weight == ortools_weight(g)


def test_float_weights_keep_the_slot_assignment(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: Any) -> Any:
        raise AssertionError("float weights are not on a small integer scale")

    monkeypatch.setattr(_optimal, "shortest_path_phases", never)
    monkeypatch.setattr(_optimal, "PHASE_MIN_MENTEES", 1000)
    g = _large_graph(1, "float")
    check_valid(g, match(g))


@pytest.mark.parametrize("seed", range(6))
def test_whole_problem_by_phases_is_certified(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # no rounds of candidates: the whole problem goes to the phases, then the certificate
    monkeypatch.setattr(_optimal, "PRUNE_MIN_SLOT_EDGES", 0)
    monkeypatch.setattr(_optimal, "PRUNE_MAX_SHARE", 1.0)
    monkeypatch.setattr(_optimal, "PRUNE_ROUNDS", 0)
    monkeypatch.setattr(_optimal, "PHASE_MIN_MENTEES", 0)
    rng = np.random.default_rng(900 + seed)
    n, m = int(rng.integers(1, 120)), int(rng.integers(1, 25))
    edges = [
        (i, j, float(rng.integers(0, 6)))
        for i in range(n)
        for j in rng.choice(m, size=int(rng.integers(1, min(m, 6) + 1)), replace=False).tolist()
    ]
    g = make_graph(n, m, edges, rng.integers(0, 6, m).tolist())
    result = match(g)
    check_valid(g, result)
    assert result.total_weight == ortools_weight(g)


def test_an_inconsistent_phase_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    # a phase that reports failure hands the problem back to the slot assignment
    monkeypatch.setattr(_optimal, "PRUNE_MIN_SLOT_EDGES", 0)
    monkeypatch.setattr(_optimal, "PRUNE_MAX_SHARE", 1.0)
    monkeypatch.setattr(_optimal, "PHASE_MIN_MENTEES", 0)
    monkeypatch.setattr(_optimal, "shortest_path_phases", lambda *args: None)
    g = make_graph(3, 2, [(0, 0, 3.0), (1, 0, 2.0), (1, 1, 1.0), (2, 1, 4.0)], [1, 1])
    result = match(g)
    assert result.total_weight == ortools_weight(g) == 7
    assert _phases.PHASE_WEIGHT_MAX >= 100  # points on a 0..100 scale take the phases


@settings(max_examples=150, deadline=None)
@given(problems(), st.data())
def test_phases_with_groups_equal_the_linear_program(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray, int, np.ndarray], data: st.DataObject
) -> None:
    # a group layer between mentors and the sink: the same optimum as HiGHS on the
    # totally unimodular program with a row per group
    a, b, q, n, cap = problem
    m = len(cap)
    group_of = np.array(data.draw(st.lists(st.integers(-1, 2), min_size=m, max_size=m)))
    group_cap = np.array(data.draw(st.lists(st.integers(0, 5), min_size=3, max_size=3)))
    use = cap[b] > 0
    a, b, q = a[use], b[use], q[use]
    got = shortest_path_phases(a, b, q, n, cap, group_of, group_cap)
    assert got is not None
    _check_valid(a, b, got, n, cap)
    load = np.bincount(b[got], minlength=m)
    for g in range(3):
        assert load[group_of == g].sum() <= group_cap[g]
    if not len(a):
        assert len(got) == 0
        return
    ones = np.ones(n, dtype=np.int64)
    reference = _optimal._flow_lp(a, b, q, ones, cap, group_of=group_of, group_cap=group_cap)
    assert _value(q, got) == _value(q, reference)


def test_groups_at_scale_take_the_phases(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("small integer weights with groups take the phases")

    monkeypatch.setattr(_optimal, "_flow_lp", never)
    g = _large_graph(2, "integer")
    mentors = sorted(v for v, d in g.nodes(data=True) if d["bipartite"] == 1)
    groups = {f"g{k}": (40, mentors[k::30]) for k in range(30)}
    result = match(g, groups=groups)
    check_valid(g, result)
    for cap, members in groups.values():
        assert sum(len(result.mentees_of(v)) for v in members) <= cap


@settings(max_examples=150, deadline=None)
@given(problems(), st.data())
def test_phases_with_mentee_capacities_equal_the_linear_program(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray, int, np.ndarray], data: st.DataObject
) -> None:
    # mentees that take several mentors (and groups on top, sometimes)
    a, b, q, n, cap = problem
    m = len(cap)
    mentee_cap = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    grouped = data.draw(st.booleans())
    group_of = np.array(data.draw(st.lists(st.integers(-1, 1), min_size=m, max_size=m)))
    group_cap = np.array(data.draw(st.lists(st.integers(0, 6), min_size=2, max_size=2)))
    use = (cap[b] > 0) & (mentee_cap[a] > 0)
    a, b, q = a[use], b[use], q[use]
    groups = (group_of, group_cap) if grouped else (None, None)
    got = shortest_path_phases(a, b, q, n, cap, groups[0], groups[1], mentee_cap)
    assert got is not None
    assert np.all(np.bincount(a[got], minlength=n) <= mentee_cap)
    assert np.all(np.bincount(b[got], minlength=m) <= cap)
    if not len(a):
        assert len(got) == 0
        return
    reference = _optimal._flow_lp(a, b, q, mentee_cap, cap, group_of=groups[0], group_cap=groups[1])
    assert _value(q, got) == _value(q, reference)


# ------------------------------------------------------- cost scaling (any weights)


Problem = tuple[np.ndarray, np.ndarray, np.ndarray, int, np.ndarray]


@st.composite
def fine_problems(draw: st.DrawFn) -> Problem:
    """A problem of :func:`problems` with weights on a fine grid (up to 2**40), and capacities."""
    a, b, _, n, cap = draw(problems())
    top = draw(st.sampled_from([0, 1, 7, 1000, 10**6, 2**40]))
    q = np.array(draw(st.lists(st.integers(0, top), min_size=len(a), max_size=len(a))))
    return a, b, q.astype(np.int64), n, cap


@settings(max_examples=150, deadline=None)
@given(fine_problems(), st.data())
def test_cost_scaling_equals_the_linear_program(problem: Problem, data: st.DataObject) -> None:
    # any non-negative integer weights, with mentee capacities and groups
    # sometimes: the same optimum (weight, then pairs) as HiGHS, whatever the
    # order of the edges
    a, b, q, n, cap = problem
    m = len(cap)
    mentee_cap = np.array(data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    grouped = data.draw(st.booleans())
    group_of = np.array(data.draw(st.lists(st.integers(-1, 1), min_size=m, max_size=m)))
    group_cap = np.array(data.draw(st.lists(st.integers(0, 4), min_size=2, max_size=2)))
    groups = (group_of, group_cap) if grouped else (None, None)
    use = (cap[b] > 0) & (mentee_cap[a] > 0)
    a, b, q = a[use], b[use], q[use]
    got = scaled_phases(a, b, q, n, cap, groups[0], groups[1], mentee_cap)
    assert got is not None
    assert np.all(np.bincount(a[got], minlength=n) <= mentee_cap)
    assert np.all(np.bincount(b[got], minlength=m) <= cap)
    if grouped:
        load = np.bincount(b[got], minlength=m)
        assert all(load[group_of == g].sum() <= group_cap[g] for g in range(2))
    perm = np.random.default_rng(len(a)).permutation(len(a))
    again = scaled_phases(a[perm], b[perm], q[perm], n, cap, groups[0], groups[1], mentee_cap)
    assert again is not None
    assert _value(q[perm], again) == _value(q, got)
    if not len(a):
        assert len(got) == 0
        return
    reference = _optimal._flow_lp(a, b, q, mentee_cap, cap, group_of=groups[0], group_cap=groups[1])
    assert _value(q, got) == _value(q, reference)


@settings(max_examples=100, deadline=None)
@given(fine_problems())
def test_cost_scaling_equals_the_slot_assignment(problem: Problem) -> None:
    a, b, q, n, cap = problem
    use = cap[b] > 0
    a, b, q = a[use], b[use], q[use]
    got = scaled_phases(a, b, q, n, cap)
    assert got is not None
    _check_valid(a, b, got, n, cap)
    if len(a):
        assert _value(q, got) == _value(q, assignment(a, b, q, n, cap))
    else:
        assert len(got) == 0


@pytest.mark.parametrize("seed", range(3))
def test_large_float_weights_take_cost_scaling(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # the route of 50,000 mentees and more, on a 3,000-mentee graph: candidates
    # solved by cost scaling, then the certificate; the same weight as OR-Tools
    calls: list[int] = []

    def spy(*args: Any) -> Any:
        calls.append(len(args[0]))
        return scaled_phases(*args)

    monkeypatch.setattr(_optimal, "scaled_phases", spy)
    monkeypatch.setattr(_optimal, "SCALING_MIN_MENTEES", 1000)
    g = _large_graph(seed, "float")
    result = match(g)
    assert calls
    check_valid(g, result)
    monkeypatch.setattr(_optimal, "SCALING_MIN_MENTEES", 10**9)
    plain = match(g)
    assert result.total_weight == pytest.approx(plain.total_weight, abs=1e-6)
    assert len(result) == len(plain)


def test_whole_problem_by_cost_scaling_is_certified(monkeypatch: pytest.MonkeyPatch) -> None:
    # no rounds of candidates: the whole problem, then the certificate
    monkeypatch.setattr(_optimal, "PRUNE_MIN_SLOT_EDGES", 0)
    monkeypatch.setattr(_optimal, "PRUNE_MAX_SHARE", 0.0)
    monkeypatch.setattr(_optimal, "SCALING_MIN_MENTEES", 0)
    rng = np.random.default_rng(77)
    n, m = 200, 30
    edges = [
        (i, j, float(rng.random()))
        for i in range(n)
        for j in rng.choice(m, size=5, replace=False).tolist()
    ]
    g = make_graph(n, m, edges, rng.integers(0, 9, m).tolist())
    result = match(g)
    check_valid(g, result)
    monkeypatch.setattr(_optimal, "SCALING_MIN_MENTEES", 10**9)
    plain = match(g)
    assert result.total_weight == pytest.approx(plain.total_weight, abs=1e-9)
    assert len(result) == len(plain)


def test_a_failing_cost_scaling_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_optimal, "PRUNE_MIN_SLOT_EDGES", 0)
    monkeypatch.setattr(_optimal, "PRUNE_MAX_SHARE", 0.0)
    monkeypatch.setattr(_optimal, "SCALING_MIN_MENTEES", 0)
    monkeypatch.setattr(_optimal, "scaled_phases", lambda *args: None)
    g = make_graph(3, 2, [(0, 0, 3.5), (1, 0, 2.5), (1, 1, 1.5), (2, 1, 4.5)], [1, 1])
    assert match(g).total_weight == 8.0  # (0, 0) and (2, 1): the optimum by hand
