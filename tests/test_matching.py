"""Tests for cadredev.matching: oracles, laws and bad input."""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
import warnings
from collections import Counter
from collections.abc import Hashable
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadredev._validate import id_key
from cadredev.errors import InvalidInputError, MissingDependencyError
from cadredev.io import dump, load
from cadredev.matching import (
    ALL_FULL,
    FORBIDDEN,
    NO_CAPACITY,
    NO_COMPATIBLE,
    Criteria,
    Matching,
    Method,
    _certify,
    _optimal,
    _stable,
    compatibility_graph,
    match,
)
from cadredev.matching._contract import EXCLUDED, pair_key
from cadredev.model import Cadre, Mentor, MentorRole

# --------------------------------------------------------------------------
# helpers


def make_graph(
    n: int,
    m: int,
    edges: list[tuple[int, int, float]],
    caps: list[int],
    mentee_caps: list[int] | None = None,
) -> nx.Graph[Any]:
    g: nx.Graph[Any] = nx.Graph()
    for i in range(n):
        cap = 1 if mentee_caps is None else mentee_caps[i]
        g.add_node(f"a{i:02d}", bipartite=0, capacity=cap)
    for j in range(m):
        g.add_node(f"b{j:02d}", bipartite=1, capacity=caps[j])
    for i, j, w in edges:
        g.add_edge(f"a{i:02d}", f"b{j:02d}", weight=w)
    return g


@st.composite
def graphs(
    draw: st.DrawFn, *, max_n: int = 7, max_m: int = 4, mentee_cap: bool = False
) -> nx.Graph[Any]:
    n = draw(st.integers(0, max_n))
    m = draw(st.integers(0, max_m))
    caps = draw(st.lists(st.integers(0, 3), min_size=m, max_size=m))
    mcaps = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)) if mentee_cap else None
    pairs = [(i, j) for i in range(n) for j in range(m)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    weights = draw(st.lists(st.integers(-3, 9), min_size=len(chosen), max_size=len(chosen)))
    return make_graph(
        n, m, [(i, j, float(w)) for (i, j), w in zip(chosen, weights, strict=True)], caps, mcaps
    )


def check_valid(g: nx.Graph[Any], result: Matching) -> None:
    load: Counter[Hashable] = Counter()
    per_mentee: Counter[Hashable] = Counter()
    for a, b in result.assignments:
        assert g.has_edge(a, b)
        assert g.nodes[a]["bipartite"] == 0
        assert g.nodes[b]["bipartite"] == 1
        load[b] += 1
        per_mentee[a] += 1
    for b, k in load.items():
        assert k <= g.nodes[b].get("capacity", 1)
    for a, k in per_mentee.items():
        assert k <= g.nodes[a].get("capacity", 1)
    mentees = {u for u, d in g.nodes(data=True) if d["bipartite"] == 0}
    assert set(result.unmatched) == mentees - set(per_mentee)
    total = math.fsum(g.edges[a, b]["weight"] for a, b in result.assignments)
    assert result.total_weight == pytest.approx(total)
    assert len(set(result.assignments)) == len(result.assignments)


def brute_force(g: nx.Graph[Any]) -> tuple[float, int]:
    """Best (total weight, pairs) over all subsets of edges respecting capacities."""
    edges = [(a, b, d["weight"]) if g.nodes[a]["bipartite"] == 0 else (b, a, d["weight"])
             for a, b, d in g.edges(data=True)]  # fmt: skip
    best = (0.0, 0)
    for r in range(len(edges) + 1):
        for combo in itertools.combinations(edges, r):
            la = Counter(a for a, _, _ in combo)
            lb = Counter(b for _, b, _ in combo)
            if any(k > g.nodes[a].get("capacity", 1) for a, k in la.items()):
                continue
            if any(k > g.nodes[b].get("capacity", 1) for b, k in lb.items()):
                continue
            best = max(best, (sum(w for _, _, w in combo), len(combo)))
    return best


def ortools_weight(g: nx.Graph[Any]) -> int:
    from ortools.graph.python import min_cost_flow  # noqa: PLC0415  (oracle, loaded on use)

    mentees = sorted(u for u, d in g.nodes(data=True) if d["bipartite"] == 0)
    mentors = sorted(u for u, d in g.nodes(data=True) if d["bipartite"] == 1)
    ids = {u: k for k, u in enumerate(mentees + mentors)}
    src, snk = len(ids), len(ids) + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    for u in mentees:
        flow.add_arc_with_capacity_and_unit_cost(src, ids[u], g.nodes[u].get("capacity", 1), 0)
    for v in mentors:
        flow.add_arc_with_capacity_and_unit_cost(ids[v], snk, g.nodes[v].get("capacity", 1), 0)
    for a, b, d in g.edges(data=True):
        u, v = (a, b) if g.nodes[a]["bipartite"] == 0 else (b, a)
        w = int(d["weight"])
        if w > 0:
            flow.add_arc_with_capacity_and_unit_cost(ids[u], ids[v], 1, -w)
    supply = sum(g.nodes[u].get("capacity", 1) for u in mentees)
    flow.add_arc_with_capacity_and_unit_cost(src, snk, supply, 0)
    flow.set_node_supply(src, supply)
    flow.set_node_supply(snk, -supply)
    for k in range(len(ids)):
        flow.set_node_supply(k, 0)
    assert flow.solve() == flow.OPTIMAL
    return int(-flow.optimal_cost())


def milp_weight(g: nx.Graph[Any]) -> float:
    from scipy.optimize import Bounds, LinearConstraint, milp  # noqa: PLC0415

    edges = [(a, b, d["weight"]) if g.nodes[a]["bipartite"] == 0 else (b, a, d["weight"])
             for a, b, d in g.edges(data=True)]  # fmt: skip
    if not edges:
        return 0.0
    nodes = sorted(g.nodes)
    a_mat = np.zeros((len(nodes), len(edges)))
    pos = {u: k for k, u in enumerate(nodes)}
    for e, (u, v, _) in enumerate(edges):
        a_mat[pos[u], e] = 1
        a_mat[pos[v], e] = 1
    caps = np.array([g.nodes[u].get("capacity", 1) for u in nodes], dtype=float)
    c = -np.array([w for _, _, w in edges])
    res = milp(
        c,
        constraints=LinearConstraint(a_mat, -np.inf, caps),
        integrality=np.ones(len(edges), dtype=np.int64),
        bounds=Bounds(0, 1),
    )
    assert res.fun is not None
    return float(-res.fun)


def hr_oracle(g: nx.Graph[Any]) -> set[tuple[str, str]]:
    from matching.games import HospitalResident  # noqa: PLC0415

    mentees = sorted(u for u, d in g.nodes(data=True) if d["bipartite"] == 0)
    mentors = sorted(u for u, d in g.nodes(data=True) if d["bipartite"] == 1)
    rp = {
        u: sorted(g[u], key=lambda v: (-g.edges[u, v]["mentee_score"], v))
        for u in mentees
        if len(g[u])
    }
    hp = {
        v: sorted(g[v], key=lambda u: (-g.edges[u, v]["mentor_score"], u))
        for v in mentors
        if len(g[v])
    }
    caps = {v: g.nodes[v]["capacity"] for v in hp}
    if not rp:
        return set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(rp, hp, caps)
        solved = game.solve(optimal="resident")
    return {(r.name, h.name) for h, rs in solved.items() for r in rs}


def naive_stable(g: nx.Graph[Any]) -> set[tuple[str, str]]:
    mentees = sorted(u for u, d in g.nodes(data=True) if d["bipartite"] == 0)
    prefs = {u: sorted(g[u], key=lambda v: (-g.edges[u, v]["mentee_score"], v)) for u in mentees}
    held: dict[str, list[str]] = {v: [] for v, d in g.nodes(data=True) if d["bipartite"] == 1}
    nxt = dict.fromkeys(mentees, 0)
    free = list(mentees)
    while free:
        u = free.pop()
        if nxt[u] >= len(prefs[u]):
            continue
        v = prefs[u][nxt[u]]
        nxt[u] += 1
        held[v].append(u)
        held[v].sort(key=lambda x: (-g.edges[x, v]["mentor_score"], x))
        if len(held[v]) > g.nodes[v]["capacity"]:
            free.append(held[v].pop())
    return {(u, v) for v, us in held.items() for u in us}


def naive_greedy(g: nx.Graph[Any]) -> set[tuple[str, str]]:
    edges = sorted(
        ((a, b, d["weight"]) if g.nodes[a]["bipartite"] == 0 else (b, a, d["weight"])
         for a, b, d in g.edges(data=True)),
        key=lambda t: (-t[2], t[0], t[1]),
    )  # fmt: skip
    la: Counter[str] = Counter()
    lb: Counter[str] = Counter()
    out = set()
    for a, b, w in edges:
        if w < 0:  # never acceptable
            continue
        if la[a] < g.nodes[a].get("capacity", 1) and lb[b] < g.nodes[b].get("capacity", 1):
            la[a] += 1
            lb[b] += 1
            out.add((a, b))
    return out


def random_graph(rng: np.random.Generator, n: int, m: int, k: int, cap: int) -> nx.Graph[Any]:
    edges = [
        (i, j, float(rng.integers(1, 101)))
        for i in range(n)
        for j in rng.choice(m, size=min(k, m), replace=False).tolist()
    ]
    return make_graph(n, m, edges, [cap] * m)


def relabel_shuffled(g: nx.Graph[Any], rng: np.random.Generator) -> nx.Graph[Any]:
    h: nx.Graph[Any] = nx.Graph()
    h.graph.update(g.graph)
    nodes = list(g.nodes(data=True))
    for k in rng.permutation(len(nodes)).tolist():
        h.add_node(nodes[k][0], **nodes[k][1])
    edges = list(g.edges(data=True))
    for k in rng.permutation(len(edges)).tolist():
        a, b, d = edges[k]
        if rng.random() < 0.5:
            a, b = b, a
        h.add_edge(a, b, **d)
    return h


# --------------------------------------------------------------------------
# optimal


@settings(max_examples=40)
@given(graphs(max_n=5, max_m=3))
def test_optimal_matches_brute_force(g: nx.Graph[Any]) -> None:
    result = match(g)
    check_valid(g, result)
    weight, pairs = brute_force(g)
    assert result.total_weight == pytest.approx(weight)
    assert len(result.assignments) == pairs


@settings(max_examples=30)
@given(graphs(max_n=5, max_m=3, mentee_cap=True))
def test_optimal_with_mentee_capacity_matches_brute_force(g: nx.Graph[Any]) -> None:
    result = match(g)
    check_valid(g, result)
    weight, pairs = brute_force(g)
    assert result.total_weight == pytest.approx(weight)
    assert len(result.assignments) == pairs


@pytest.mark.parametrize("seed", range(12))
def test_optimal_matches_ortools_and_milp(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(5, 120)), int(rng.integers(2, 25))
    g = random_graph(rng, n, m, int(rng.integers(1, 6)), int(rng.integers(1, 5)))
    result = match(g)
    check_valid(g, result)
    assert result.total_weight == ortools_weight(g)
    assert result.total_weight == pytest.approx(milp_weight(g))


@pytest.mark.parametrize("seed", range(4))
def test_optimal_mentee_capacity_matches_milp(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n, m = 30, 8
    edges = [
        (i, j, float(rng.integers(1, 20)))
        for i in range(n)
        for j in rng.choice(m, size=4, replace=False).tolist()
    ]
    g = make_graph(n, m, edges, rng.integers(0, 6, m).tolist(), rng.integers(0, 3, n).tolist())
    result = match(g)
    check_valid(g, result)
    assert result.total_weight == pytest.approx(milp_weight(g))
    assert result.total_weight == ortools_weight(g)


def test_optimal_float_weights() -> None:
    rng = np.random.default_rng(7)
    g = random_graph(rng, 60, 8, 4, 3)
    for a, b in g.edges:
        g.edges[a, b]["weight"] = float(rng.random())
    assert match(g).total_weight == pytest.approx(milp_weight(g), abs=1e-6)


def test_optimal_prefers_more_pairs_on_ties() -> None:
    # weight 2 either as one pair (a0-b0) or as two pairs (a1-b0 is 1, a0-b1 is 1)
    g = make_graph(2, 2, [(0, 0, 2.0), (0, 1, 1.0), (1, 0, 1.0)], [1, 1])
    result = match(g)
    assert result.total_weight == 2.0
    assert len(result) == 2
    zero = make_graph(1, 1, [(0, 0, 0.0)], [1])
    assert match(zero).pairs == {"a00": "b00"}


def test_negative_weight_pairs_are_left_out_by_optimal() -> None:
    g = make_graph(1, 1, [(0, 0, -1.0)], [1])
    result = match(g)
    assert result.pairs == {}
    assert "negative" in result.unmatched["a00"]
    for method in ("stable", "greedy"):  # the same rule for every method
        assert match(g, method=method).pairs == {}
    assert match(g, method="greedy", objective="max_cardinality_then_weight").pairs == {
        "a00": "b00"
    }


@pytest.fixture
def always_certify(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take the candidate-and-certificate route of the optimal method on any size."""
    monkeypatch.setattr(_optimal, "PRUNE_MIN_SLOT_EDGES", 0)
    monkeypatch.setattr(_optimal, "PRUNE_MAX_SHARE", 1.0)
    monkeypatch.setattr(_optimal, "PRUNE_PER_MENTEE", 1)
    monkeypatch.setattr(_optimal, "PRUNE_PER_SLOT", 1)


@pytest.mark.usefixtures("always_certify")
@pytest.mark.parametrize("seed", range(20))
def test_certified_optimal_matches_ortools(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # one round only for some seeds: a failed certificate falls back to the whole problem
    monkeypatch.setattr(_optimal, "PRUNE_ROUNDS", 1 + seed % 3)
    rng = np.random.default_rng(500 + seed)
    n, m = int(rng.integers(1, 150)), int(rng.integers(1, 30))
    # few distinct weights: many ties; some zero weights and unreachable mentees;
    # on even seeds room for everyone, so matching every mentee is tried first
    roomy = seed % 2 == 0
    top = int(rng.choice([1, 3, 100]))
    edges = [
        (i, j, float(rng.integers(0, top + 1)))
        for i in range(n)
        if roomy or rng.random() < 0.9
        for j in rng.choice(m, size=int(rng.integers(1, min(m, 8) + 1)), replace=False).tolist()
    ]
    caps = rng.integers(n // m + 1, n // m + 4, m) if roomy else rng.integers(0, 7, m)
    g = make_graph(n, m, edges, caps.tolist())
    result = match(g)
    check_valid(g, result)
    assert result.total_weight == ortools_weight(g)
    assert result.total_weight == pytest.approx(milp_weight(g))


@pytest.mark.usefixtures("always_certify")
@settings(max_examples=40)
@given(graphs(max_n=5, max_m=3))
def test_certified_optimal_matches_brute_force(g: nx.Graph[Any]) -> None:
    result = match(g)
    check_valid(g, result)
    weight, pairs = brute_force(g)
    assert result.total_weight == pytest.approx(weight)
    assert len(result.assignments) == pairs


@pytest.mark.usefixtures("always_certify")
def test_certified_optimal_leaves_a_mentee_out_when_that_is_better() -> None:
    # capacity for everyone, but matching everyone costs weight
    g = make_graph(2, 2, [(0, 0, 1.0), (1, 0, 10.0), (1, 1, 1.0)], [1, 1])
    result = match(g)
    assert result.pairs == {"a01": "b00"}
    assert result.total_weight == 10.0
    # and with no loss, everyone is matched
    g = make_graph(2, 2, [(0, 0, 1.0), (1, 0, 10.0), (1, 1, 10.0)], [1, 1])
    assert match(g).pairs == {"a00": "b00", "a01": "b01"}


@pytest.mark.usefixtures("always_certify")
def test_certified_optimal_gives_up_on_long_price_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    # a chain: mentee i likes mentors i and i + 1; prices need many rounds
    monkeypatch.setattr(_certify, "PRICE_ROUNDS", 2)
    n = 30
    edges = [(i, i, 2.0 + i % 3) for i in range(n)] + [(i, i + 1, 3.0) for i in range(n)]
    g = make_graph(n, n + 1, edges, [1] * (n + 1))
    result = match(g)
    check_valid(g, result)
    assert result.total_weight == ortools_weight(g)


@pytest.mark.usefixtures("always_certify")
def test_certified_optimal_is_deterministic_under_permutation() -> None:
    rng = np.random.default_rng(11)
    g = random_graph(rng, 120, 15, 6, 4)
    first = match(g)
    for _ in range(3):
        assert match(relabel_shuffled(g, rng)) == first


@settings(max_examples=100)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0, 1, 5, 70_000]),
            st.sampled_from([0, 3, 9, 2**50]),
            st.integers(0, 3),
        ),
        min_size=1,
        max_size=30,
    ),
    st.integers(0, 4),
    st.booleans(),
)
def test_best_per_group_keeps_the_best_edges(
    edges: list[tuple[int, int, int]], k: int, grouped: bool
) -> None:
    if grouped:  # edges already grouped (as they come by mentee) take a one-key sort
        edges = sorted(edges, key=lambda e: e[0])
    group = np.array([g for g, _, _ in edges], dtype=np.int64)
    q = np.array([x for _, x, _ in edges], dtype=np.int64)
    tag = np.array([t for _, _, t in edges], dtype=np.int64)
    limit = np.full(int(group.max()) + 1, k)
    got = _optimal.best_per_group(group, q, limit, tag)
    expected = np.zeros(len(edges), dtype=bool)
    for g in set(group.tolist()):
        mine = sorted(
            np.flatnonzero(group == g).tolist(), key=lambda e: (-int(q[e]), int(tag[e]), e)
        )
        expected[mine[:k]] = True
    assert got.tolist() == expected.tolist()


@pytest.mark.parametrize("seed", range(6))
def test_mentor_prices_certify_an_optimal_assignment(seed: int) -> None:
    rng = np.random.default_rng(900 + seed)
    n, m = 80, 12
    a = np.repeat(np.arange(n), 5)
    b = np.concatenate([rng.choice(m, 5, replace=False) for _ in range(n)])
    q = rng.integers(0, 10, len(a))
    cap = rng.integers(1, 6, m)
    got = _optimal.assignment(a, b, q, n, cap)
    x = np.zeros(len(a), dtype=bool)
    x[got] = True
    gain = q * (n + 1) + 1
    usable = np.minimum(cap, np.bincount(b, minlength=m))
    prices = _certify.mentor_prices(a, b, gain, x, n, usable)
    assert prices is not None
    assert (prices >= 0).all()
    best = _certify.group_max(a, gain - prices[b], n)
    # a feasible dual whose objective equals the primal gain: both optimal
    assert int(best.sum() + (usable * prices).sum()) == int(gain[got].sum())
    # a non-optimal matching (drop one matched pair that has positive gain) is refused
    x[got[0]] = False
    worse = _certify.mentor_prices(a, b, gain, x, n, usable)
    if worse is not None:
        best = _certify.group_max(a, gain - worse[b], n)
        assert int(best.sum() + (usable * worse).sum()) > int(gain[x].sum())


# --------------------------------------------------------------------------
# stable and greedy


@st.composite
def strict_graphs(draw: st.DrawFn) -> nx.Graph[Any]:
    n = draw(st.integers(1, 8))
    m = draw(st.integers(1, 4))
    pairs = [(i, j) for i in range(n) for j in range(m)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, min_size=1))
    a_scores = draw(st.permutations(range(len(chosen))))
    b_scores = draw(st.permutations(range(len(chosen))))
    g = make_graph(n, m, [], draw(st.lists(st.integers(1, 3), min_size=m, max_size=m)))
    for k, (i, j) in enumerate(chosen):
        g.add_edge(
            f"a{i:02d}",
            f"b{j:02d}",
            weight=1.0,
            mentee_score=float(a_scores[k]),
            mentor_score=float(b_scores[k]),
        )
    return g


@settings(max_examples=40)
@given(strict_graphs())
def test_stable_equals_hospital_resident(g: nx.Graph[Any]) -> None:
    result = match(g, method="stable")
    check_valid(g, result)
    assert set(result.assignments) == hr_oracle(g)
    assert result.blocking_pairs(g) == ()


@pytest.mark.parametrize("seed", range(6))
def test_stable_on_larger_random_instances(seed: int) -> None:
    rng = np.random.default_rng(seed)
    g = random_graph(rng, 200, 20, 5, 4)
    scores = rng.permutation(g.number_of_edges() * 2).astype(float)
    for k, (a, b) in enumerate(sorted(g.edges)):
        g.edges[a, b]["mentee_score"] = scores[2 * k]
        g.edges[a, b]["mentor_score"] = scores[2 * k + 1]
    result = match(g, method="stable")
    assert set(result.assignments) == hr_oracle(g) == naive_stable(g)
    assert result.blocking_pairs(g) == ()


@settings(max_examples=50)
@given(
    st.lists(
        st.one_of(
            st.integers(-5, 5).map(float),
            st.sampled_from([0.5, -0.0, 1e6, 70000.0, -2.25]),
            st.floats(-1e9, 1e9, allow_nan=False),
        ),
        max_size=40,
    )
)
def test_score_order_is_a_stable_descending_sort(values: list[float]) -> None:
    s = np.array(values, dtype=np.float64)
    order, code = _stable.score_order(s)
    assert order.tolist() == np.argsort(-s, kind="stable").tolist()
    # codes: 0 for the best score, ordered opposite to the scores, ties shared
    assert code.tolist() == [] or int(code.min()) == 0
    for i, j in itertools.combinations(range(len(values)), 2):
        assert (code[i] < code[j]) == (s[i] > s[j])
        assert (code[i] == code[j]) == (s[i] == s[j])


@pytest.mark.parametrize("seed", range(6))
def test_stable_with_fractional_and_wide_scores(seed: int) -> None:
    rng = np.random.default_rng(300 + seed)
    g = random_graph(rng, 150, 15, 5, 3)
    # fractional scores with ties, or integers beyond a 16-bit range
    pool = rng.random(20).round(3) if seed % 2 else rng.integers(0, 10**6, 20).astype(float)
    for a, b in sorted(g.edges):
        g.edges[a, b]["mentee_score"] = float(rng.choice(pool))
        g.edges[a, b]["mentor_score"] = float(rng.choice(pool))
    result = match(g, method="stable")
    assert set(result.assignments) == naive_stable(g) == hr_oracle(g)
    assert result.blocking_pairs(g) == ()


@settings(max_examples=30)
@given(graphs(max_n=8, max_m=4))
def test_stable_by_weight_has_no_blocking_pairs(g: nx.Graph[Any]) -> None:
    result = match(g, method="stable")
    check_valid(g, result)
    assert result.blocking_pairs(g) == ()


@settings(max_examples=30)
@given(graphs(max_n=8, max_m=4, mentee_cap=True))
def test_greedy_equals_naive(g: nx.Graph[Any]) -> None:
    result = match(g, method="greedy")
    check_valid(g, result)
    assert set(result.assignments) == naive_greedy(g)


def test_optimal_has_blocking_pairs_when_not_stable() -> None:
    g = make_graph(2, 2, [(0, 0, 3.0), (0, 1, 2.0), (1, 0, 2.0)], [1, 1])
    opt = match(g)
    assert opt.pairs == {"a00": "b01", "a01": "b00"}
    assert opt.blocking_pairs(g) == (("a00", "b00"),)
    assert match(g, method="stable").blocking_pairs(g) == ()


# --------------------------------------------------------------------------
# determinism, pins, roles


@settings(max_examples=30)
@given(graphs(max_n=7, max_m=4), st.sampled_from(["optimal", "stable", "greedy"]), st.randoms())
def test_permutation_invariance(g: nx.Graph[Any], method: str, rnd: object) -> None:
    rng = np.random.default_rng(abs(hash(str(rnd))) % 2**32)
    h = relabel_shuffled(g, rng)
    assert match(g, method=method) == match(h, method=method)  # type: ignore[arg-type]


def test_determinism_on_ties_larger() -> None:
    rng = np.random.default_rng(3)
    g = random_graph(rng, 300, 30, 6, 5)
    for a, b in g.edges:
        g.edges[a, b]["weight"] = float(rng.integers(1, 4))
    for method in ("optimal", "stable", "greedy"):
        first = match(g, method=method)
        second = match(relabel_shuffled(g, rng), method=method)
        assert first == second


@settings(max_examples=30)
@given(graphs(max_n=6, max_m=3), st.data())
def test_pins_are_kept(g: nx.Graph[Any], data: st.DataObject) -> None:
    base = match(g)
    if not base.assignments:
        return
    keep = data.draw(st.lists(st.sampled_from(list(base.assignments)), unique=True))
    for method in ("optimal", "stable", "greedy"):
        result = match(g, method=method, pinned=keep)
        check_valid(g, result)
        assert set(keep) <= set(result.assignments)
    # pinning part of an optimal matching keeps it optimal
    assert match(g, pinned=keep).total_weight == pytest.approx(base.total_weight)


def test_rematch_after_a_mentor_leaves() -> None:
    rng = np.random.default_rng(11)
    g = random_graph(rng, 40, 8, 4, 6)
    before = match(g)
    leaving = "b03"
    h = g.copy()
    h.remove_node(leaving)
    keep = [(a, b) for a, b in before.assignments if b != leaving]
    after = match(h, pinned=keep)
    diff = before.diff(after)
    assert set(diff.removed) == {(a, b) for a, b in before.assignments if b == leaving}
    assert diff.kept == len(keep)
    assert all(a in before.mentees_of(leaving) for a in diff.moved)


def test_pinned_bad_inputs() -> None:
    g = make_graph(2, 1, [(0, 0, 1.0), (1, 0, 1.0)], [1])
    with pytest.raises(InvalidInputError, match="no such edge"):
        match(g, pinned={"a00": "zz"})
    g.add_node("b01", bipartite=1, capacity=1)
    with pytest.raises(InvalidInputError, match="no such edge in the graph"):
        match(g, pinned={"a00": "b01"})
    with pytest.raises(InvalidInputError, match="exceed mentor 'b00' capacity 1"):
        match(g, pinned=[("a00", "b00"), ("a01", "b00")])
    g.add_edge("a00", "b01", weight=1.0)
    g.nodes["b01"]["capacity"] = 2
    with pytest.raises(InvalidInputError, match="exceed mentee 'a00' capacity 1"):
        match(g, pinned=[("a00", "b00"), ("a00", "b01")])
    with pytest.raises(InvalidInputError, match="pinned pair must be"):
        match(g, pinned=[("a00",)])  # type: ignore[list-item]


def people() -> tuple[list[Cadre], list[Mentor]]:
    cadres = [
        Cadre(
            id=f"c{i}",
            name=f"n{i}",
            birth_year=1990 + i,
            rank="section",
            unit=f"u{i % 3}",
            industries={"ai"} if i % 2 else {"logistics", "ai"},
            competencies={"communication": 0.1 * i, "judgment": 0.9 - 0.1 * i},
            grid=f"g{i % 2}",
        )
        for i in range(6)
    ]
    mentors = [
        Mentor(
            id=f"m{j}",
            unit=f"u{j}",
            capacity=2,
            role=("growth", "political", "practice")[j % 3],
            industries={"ai"},
            competencies={"communication": 0.8, "judgment": 0.15 * j},
            birth_year=1970 + 5 * j,
            grid=f"g{j % 2}",
        )
        for j in range(6)
    ]
    return cadres, mentors


def test_roles_give_one_mentor_per_role() -> None:
    cadres, mentors = people()
    g = compatibility_graph(cadres, mentors, roles=["growth", "political", MentorRole.PRACTICE])
    result = match(g)
    assert set(result.by_role) == {"growth", "political", "practice"}
    for role, sub in result.by_role.items():
        assert sub.role == role
        assert all(g.nodes[b]["role"] == role for _, b in sub.assignments)
        assert len({a for a, _ in sub.assignments}) == len(sub.assignments)
    assert sum(len(s) for s in result.by_role.values()) == len(result.assignments)
    assert result.total_weight == pytest.approx(
        sum(s.total_weight for s in result.by_role.values())
    )
    assert len(result.assignments) == 12  # 2 mentors of capacity 2 per role, 6 mentees
    for method in ("stable", "greedy"):
        other = match(g, method=method)
        for sub in other.by_role.values():
            assert len({a for a, _ in sub.assignments}) == len(sub.assignments)
        assert other.blocking_pairs(g) == () or method == "greedy"


def test_roles_bad_mentor_role() -> None:
    cadres, mentors = people()
    with pytest.raises(InvalidInputError, match="is not one of the roles"):
        compatibility_graph(cadres, mentors, roles=["growth"])
    g = compatibility_graph(cadres, mentors, roles=["growth", "political", "practice"])
    g.nodes["m0"]["role"] = "lecturer"
    with pytest.raises(InvalidInputError, match="node 'm0': role must be one of"):
        match(g)


# --------------------------------------------------------------------------
# compatibility graph


def test_compatibility_graph_components_and_criteria() -> None:
    cadres, mentors = people()
    crit = Criteria(as_of=2025, weakest=2.0)
    g = compatibility_graph(cadres, mentors, criteria=crit)
    assert g.number_of_edges() == 36
    for _, _, d in g.edges(data=True):
        assert d["weight"] == sum(d["components"].values())
        assert set(d["components"]) == set(crit.weights())
    c0, m0 = cadres[0], mentors[0]
    parts = g.edges[c0.id, m0.id]["components"]
    assert parts["cross_unit"] == 0.0  # both in u0
    assert parts["same_grid"] == 1.0
    assert parts["industries"] == 0.5  # shares ai, not logistics
    # c0: communication 0.0, judgment 0.9; m0 communication 0.8, judgment 0.0
    assert parts["gap_cover"] == pytest.approx(0.4)
    assert parts["weakest"] == pytest.approx(1.6)
    # old mentor (born 1970), middle-aged mentee (35 in 2025): 0.5 * (2 - 1) / 2
    assert parts["cohort_gap"] == pytest.approx(0.25)
    assert g.nodes[c0.id]["cohort"] == "middle"
    assert g.edges["c5", m0.id]["components"]["cohort_gap"] == pytest.approx(0.5)
    assert g.nodes[m0.id]["capacity"] == 2


def test_compatibility_graph_cuts_and_filters() -> None:
    cadres, mentors = people()
    g = compatibility_graph(cadres, mentors, criteria=Criteria(top_k=2))
    assert all(g.degree(c.id) == 2 for c in cadres)
    full = compatibility_graph(cadres, mentors)
    for c in cadres:
        best = sorted(full[c.id], key=lambda v: (-full.edges[c.id, v]["weight"], v))[:2]
        assert set(g[c.id]) == set(best)
    g = compatibility_graph(cadres, mentors, criteria=Criteria(min_weight=2.5))
    assert all(d["weight"] >= 2.5 for _, _, d in g.edges(data=True))
    g = compatibility_graph(cadres, mentors, criteria=Criteria(same_grid_only=True))
    assert all(g.nodes[a]["grid"] == g.nodes[b]["grid"] for a, b in g.edges)
    g = compatibility_graph(cadres, mentors, criteria=Criteria(same_unit_only=True))
    assert all(g.nodes[a]["unit"] == g.nodes[b]["unit"] for a, b in g.edges)
    g = compatibility_graph(cadres, mentors, criteria=Criteria(cover_weakest=0.1))
    for a, b in g.edges:
        c = next(x for x in cadres if x.id in (a, b))
        m = next(x for x in mentors if x.id in (a, b))
        weak = min(sorted(c.competencies), key=lambda k: c.competencies[k])
        assert m.competencies.get(weak, 0.0) >= c.competencies[weak] + 0.1 - 1e-9


def test_compatibility_graph_forbid_and_require() -> None:
    cadres, mentors = people()
    forbid = [("c0", f"m{j}") for j in range(6)] + [("c1", "m1")]
    g = compatibility_graph(
        cadres, mentors, criteria=Criteria(top_k=1), forbid=forbid, require={"c2": "m5"}
    )
    assert not g.has_edge("c1", "m1")
    assert g.degree("c0") == 0
    assert g.has_edge("c2", "m5")
    result = match(g)
    assert result.pairs["c2"] == "m5"
    assert result.unmatched["c0"] == FORBIDDEN
    assert set(result.explain("c0").forbidden) == {(f"m{j}", EXCLUDED) for j in range(6)}
    with pytest.raises(InvalidInputError, match="both forbidden and required"):
        compatibility_graph(cadres, mentors, forbid=[("c1", "m1")], require=[("c1", "m1")])
    with pytest.raises(InvalidInputError, match="'zz' is not a mentor"):
        compatibility_graph(cadres, mentors, forbid=[("c1", "zz")])
    with pytest.raises(InvalidInputError, match="'zz' is not a mentee"):
        compatibility_graph(cadres, mentors, require=[("zz", "m1")])
    with pytest.raises(InvalidInputError, match="require gives mentor 'm1' 3 mentees"):
        compatibility_graph(cadres, mentors, require=[("c0", "m1"), ("c2", "m1"), ("c3", "m1")])
    with pytest.raises(InvalidInputError, match="require gives mentee 'c0' 2 mentors"):
        compatibility_graph(cadres, mentors, require=[("c0", "m1"), ("c0", "m2")])


def test_compatibility_graph_bad_records() -> None:
    cadres, mentors = people()
    with pytest.raises(InvalidInputError, match="must hold Cadre records"):
        compatibility_graph([*cadres, "x"], mentors)  # type: ignore[list-item]
    with pytest.raises(InvalidInputError, match="duplicate id 'c1'"):
        compatibility_graph([*cadres, cadres[1]], mentors)
    twin = Mentor(id="c1", unit="u0")
    with pytest.raises(InvalidInputError, match="'c1' is both a mentee and a mentor"):
        compatibility_graph(cadres, [*mentors, twin])
    with pytest.raises(InvalidInputError, match="criteria must be a Criteria"):
        compatibility_graph(cadres, mentors, criteria="x")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="cross_unit must be a finite number"):
        Criteria(cross_unit=math.nan)
    with pytest.raises(InvalidInputError, match="top_k must be an integer"):
        Criteria(top_k=1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["industries", "gap_cover", "weakest", "cross_unit", "cohort_gap"])
def test_criterion_weights_are_numbers(name: str) -> None:
    with pytest.raises(InvalidInputError, match=f"^Criteria: {name} must be a finite number, got"):
        Criteria(**{name: None})  # type: ignore[arg-type]


def test_compatibility_graph_empty_sides() -> None:
    cadres, mentors = people()
    g = compatibility_graph(cadres, [])
    result = match(g)
    assert result.pairs == {}
    assert all(r == NO_COMPATIBLE for r in result.unmatched.values())
    assert match(compatibility_graph([], mentors)).assignments == ()


@settings(max_examples=20)
@given(st.permutations(range(6)), st.permutations(range(6)))
def test_compatibility_graph_order_invariant(p: list[int], q: list[int]) -> None:
    cadres, mentors = people()
    crit = Criteria(as_of=2025, top_k=3)
    g1 = compatibility_graph(cadres, mentors, criteria=crit)
    g2 = compatibility_graph([cadres[i] for i in p], [mentors[j] for j in q], criteria=crit)
    assert nx.utils.edges_equal(g1.edges(data=True), g2.edges(data=True))
    assert match(g1) == match(g2)


# --------------------------------------------------------------------------
# results: explain, summary, diff, repr, pandas


def test_explain_and_summary() -> None:
    cadres, mentors = people()
    g = compatibility_graph(cadres, [*mentors[:2]], criteria=Criteria(as_of=2025))
    result = match(g)
    assert len(result) == 4
    matched = next(iter(result.pairs))
    ex = result.explain(matched)
    assert ex.mentors == (result.pairs[matched],)
    assert ex.weight == pytest.approx(sum(ex.components[ex.mentors[0]].values()))
    assert "->" in str(ex)
    lonely = next(iter(result.unmatched))
    ex = result.explain(lonely)
    assert ex.mentors == ()
    assert ex.reason == ALL_FULL
    assert all("full" in why or "lower" in why for _, _, why in ex.alternatives)
    with pytest.raises(InvalidInputError, match="is not a mentee"):
        result.explain("nobody")
    summary = result.summary()
    assert summary.n_mentees == 6
    assert summary.n_matched == 4
    assert summary.loads["m0"] == (2, 2)
    assert summary.cross_unit_share is not None
    assert 0.0 <= summary.cross_unit_share <= 1.0
    assert sum(summary.rank_profile.values()) == 4
    assert summary.worst_off in result.pairs
    assert sum(summary.cohorts["m0"].values()) == 2
    assert "mentees matched" in str(summary)


def test_repr_html_and_pandas() -> None:
    g = make_graph(2, 1, [(0, 0, 1.0), (1, 0, 2.0)], [1])
    g.add_node("<x>", bipartite=0)
    result = match(g)
    text = result._repr_html_()
    assert "<table>" in text
    assert "&lt;x&gt;" in text
    frame = result.to_pandas()
    assert list(frame.columns) == ["mentee", "mentor", "weight", "reason"]
    assert len(frame) == 3
    assert frame.loc[frame.mentee == "a01", "weight"].item() == 2.0


def test_diff() -> None:
    g = make_graph(2, 2, [(0, 0, 1.0), (1, 1, 1.0), (0, 1, 5.0)], [1, 1])
    a = match(g)
    b = match(g, pinned={"a00": "b00"})
    d = a.diff(b)
    assert d.added == (("a00", "b00"), ("a01", "b01"))
    assert d.removed == (("a00", "b01"),)
    assert d.moved == ("a00", "a01")
    assert d
    assert not a.diff(a)
    with pytest.raises(InvalidInputError, match="must be a Matching"):
        a.diff("x")  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# degenerate and bad input


def test_degenerate_inputs() -> None:
    assert match(nx.Graph()).assignments == ()
    g = make_graph(3, 1, [(0, 0, 1.0), (1, 0, 1.0)], [0], [1, 0, 1])
    result = match(g)
    assert result.pairs == {}
    assert result.unmatched == {"a00": ALL_FULL, "a01": NO_CAPACITY, "a02": NO_COMPATIBLE}
    for method in ("stable", "greedy"):
        assert match(g, method=method).unmatched == result.unmatched


def test_default_weight_and_capacity() -> None:
    g = nx.Graph([("ana", "wang")])
    nx.set_node_attributes(g, {"ana": 0, "wang": 1}, "bipartite")
    result = match(g)
    assert result.pairs == {"ana": "wang"}
    assert result.total_weight == 1.0


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (nx.DiGraph, "directed"),
        (nx.MultiGraph, "multigraph"),
        (lambda g: g.add_edge("a00", "a00"), "edge ('a00', 'a00'): self loop"),
        (lambda g: g.add_edge("b00", "b00"), "edge ('b00', 'b00'): self loop"),
        (lambda g: g.add_node("x"), "node 'x': missing 'bipartite'"),
        (lambda g: g.add_node("x", bipartite=2), "node 'x': bipartite must be 0"),
        (lambda g: g.add_node("x", bipartite=True), "node 'x': bipartite must be 0"),
        (lambda g: g.add_node("x", bipartite=0.0), "node 'x': bipartite must be 0"),
        (
            lambda g: g.nodes["b00"].update(capacity=-1),
            "node 'b00': capacity must be an integer >= 0",
        ),
        (
            lambda g: g.nodes["b00"].update(capacity=1.5),
            "capacity must be an integer >= 0, got 1.5",
        ),
        (lambda g: g.nodes["a00"].update(capacity="2"), "node 'a00': capacity"),
        (lambda g: g.edges["a00", "b00"].update(weight=math.nan), "edge ('a00', 'b00'): weight"),
        (lambda g: g.edges["a00", "b00"].update(weight=math.inf), "weight must be a finite number"),
        (
            lambda g: g.edges["a00", "b00"].update(weight="3"),
            "weight must be a finite number, got '3'",
        ),
        (lambda g: g.edges["a00", "b00"].update(mentee_score=math.nan), "mentee_score"),
        (lambda g: g.add_edge("a00", "a01"), "joins two mentees"),
        (lambda g: g.add_edge("b00", "b01"), "joins two mentors"),
    ],
)
def test_bad_graphs(mutate: object, fragment: str) -> None:
    g = make_graph(2, 2, [(0, 0, 1.0), (1, 1, 1.0)], [1, 1])
    out = mutate(g)  # type: ignore[operator]
    if isinstance(out, nx.Graph):
        g = out
    with pytest.raises(InvalidInputError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        match(g)


def test_bad_arguments() -> None:
    g = make_graph(1, 1, [(0, 0, 1.0)], [1])
    with pytest.raises(InvalidInputError, match="method must be one of"):
        match(g, method="best")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"graph must be a networkx\.Graph"):
        match({"a": "b"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="pinned must be a mapping"):
        match(g, pinned=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="seed"):
        match(g, seed=5)  # type: ignore[call-arg]  # every method is deterministic


def test_import_is_light() -> None:
    code = "import sys, cadredev.matching; print('scipy' in sys.modules)"
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_pairs_is_cached_and_mentors_of() -> None:
    g = make_graph(2, 1, [(0, 0, 1.0), (1, 0, 2.0)], [2])
    result = match(g)
    assert result.pairs is result.pairs
    assert result.mentors_of("a00") == ("b00",)
    assert result.mentees_of("b00") == ("a00", "a01")


@st.composite
def rosters(draw: st.DrawFn) -> tuple[list[Cadre], list[Mentor]]:
    skills = ["communication", "judgment", "coordination"]
    trades = ["ai", "logistics", "stone"]
    level = st.floats(0, 1).map(lambda x: round(x, 2))
    n = draw(st.integers(0, 6))
    m = draw(st.integers(0, 4))
    cadres = [
        Cadre(
            id=f"c{i}",
            name="x",
            birth_year=draw(st.integers(1965, 2000)),
            rank="section",
            unit=draw(st.sampled_from(["u0", "u1", "u2"])),
            industries=draw(st.frozensets(st.sampled_from(trades))),
            competencies=draw(st.dictionaries(st.sampled_from(skills), level)),
            grid=draw(st.sampled_from([None, "g0", "g1"])),
        )
        for i in range(n)
    ]
    mentors = [
        Mentor(
            id=f"m{j}",
            unit=draw(st.sampled_from(["u0", "u1", "u2"])),
            capacity=draw(st.integers(0, 3)),
            industries=draw(st.frozensets(st.sampled_from(trades))),
            competencies=draw(st.dictionaries(st.sampled_from(skills), level)),
            birth_year=draw(st.one_of(st.none(), st.integers(1960, 1995))),
            grid=draw(st.sampled_from([None, "g0", "g1"])),
        )
        for j in range(m)
    ]
    return cadres, mentors


@settings(max_examples=40)
@given(rosters(), st.data())
def test_compatibility_graph_laws(
    roster: tuple[list[Cadre], list[Mentor]], data: st.DataObject
) -> None:
    cadres, mentors = roster
    pairs = [(c.id, x.id) for c in cadres for x in mentors]
    forbid = data.draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    rest = [p for p in pairs if p not in forbid]
    require = data.draw(st.lists(st.sampled_from(rest), unique=True, max_size=2)) if rest else []
    load = Counter(b for _, b in require)
    over = any(load[x.id] > x.capacity for x in mentors) or any(
        k > 1 for k in Counter(a for a, _ in require).values()
    )
    if over:
        with pytest.raises(InvalidInputError, match="require gives"):
            compatibility_graph(cadres, mentors, forbid=forbid, require=require)
        return
    top_k = data.draw(st.one_of(st.none(), st.integers(1, 3)))
    crit = Criteria(as_of=2025, top_k=top_k, weakest=1.0)
    g = compatibility_graph(cadres, mentors, criteria=crit, forbid=forbid, require=require)
    assert set(g.nodes) == {c.id for c in cadres} | {x.id for x in mentors}
    for a, b, d in g.edges(data=True):
        assert d["weight"] == sum(d["components"].values())
        assert all(
            0.0 <= v <= w
            for v, w in zip(d["components"].values(), crit.weights().values(), strict=True)
        )
        assert (a, b) not in forbid
        assert (b, a) not in forbid
    for a, b in require:
        assert g.has_edge(a, b)
    if top_k is not None:
        for c in cadres:
            extra = sum(1 for a, _ in require if a == c.id)
            assert g.degree(c.id) <= top_k + extra
    result = match(g)
    check_valid(g, result)
    assert set(require) <= set(result.assignments)


def test_explain_per_role() -> None:
    cadres, mentors = people()
    g = compatibility_graph(cadres, mentors, roles=["growth", "political", "practice"])
    result = match(g)
    for role, sub in result.by_role.items():
        ex = sub.explain("c0")
        assert all(g.nodes[v]["role"] == role for v, _, _ in ex.alternatives)
        assert all(g.nodes[v]["role"] == role for v in ex.mentors)
    assert len(result.explain("c0").mentors) == len(result.mentors_of("c0"))


def test_criteria_json_round_trip() -> None:
    crit = Criteria(as_of=2025, top_k=3, min_weight=0.5, same_grid_only=True)
    assert load(Criteria, dump(crit)) == crit


def test_to_pandas_without_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    g = make_graph(1, 1, [(0, 0, 1.0)], [1])
    result = match(g)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'cadredev\[pandas\]'"):
        result.to_pandas()


def test_html_of_explanation_and_summary() -> None:
    g = make_graph(1, 1, [(0, 0, 1.0)], [1])
    g.add_node("<b>", bipartite=0)
    result = match(g)
    assert "&lt;b&gt;" in result.explain("<b>")._repr_html_()
    summary = result.summary()._repr_html_()
    assert summary.startswith("<p>1/2 mentees matched")
    assert "<td>b00</td><td>1</td><td>1</td>" in summary


# --------------------------------------------------------------------------
# ids of mixed types: 1 and "1" are different nodes that plain sorted() cannot order


def mixed_id_graph() -> nx.Graph[Any]:
    g: nx.Graph[Any] = nx.Graph()
    g.add_nodes_from([1, "1", (2,)], bipartite=0, unit="u0")
    g.add_nodes_from([("m", {"capacity": 2, "unit": "u1"}), (3, {"unit": "u0"})], bipartite=1)
    g.add_nodes_from([("3", {"capacity": 1, "unit": "u1"})], bipartite=1)
    g.add_weighted_edges_from(
        [(1, "m", 2.0), ("1", "m", 2.0), ("1", 3, 1.0), ((2,), "m", 3.0), ((2,), "3", 1.0)]
    )
    g.graph["forbidden"] = frozenset({(1, 3)})
    return g


@pytest.mark.parametrize("method", ["optimal", "stable", "greedy"])
def test_mixed_type_ids(method: Method) -> None:
    g = mixed_id_graph()
    result = match(g, method=method)
    check_valid(g, result)
    assert list(result.assignments) == sorted(result.assignments, key=pair_key)
    assert list(result.pairs) == sorted(result.pairs, key=id_key)
    assert list(result.unmatched) == sorted(result.unmatched, key=id_key)
    for mentee in (1, "1", (2,)):
        assert result.explain(mentee).mentee == mentee
    assert result.explain(1).forbidden == ((3, EXCLUDED),)
    summary = result.summary()
    assert list(summary.loads) == ["3", 3, "m"]
    assert summary.n_mentees == 3
    # pins of mixed ids; a diff orders what moved by id_key
    pinned = match(g, method=method, pinned={"1": 3, 1: "m"})
    assert {("1", 3), (1, "m")} <= set(pinned.assignments)
    diff = result.diff(pinned)
    assert list(diff.moved) == sorted(diff.moved, key=id_key)
    assert diff.added == tuple(
        sorted(set(pinned.assignments) - set(result.assignments), key=pair_key)
    )
    assert not pinned.diff(pinned)
    assert result.blocking_pairs(g) == tuple(sorted(result.blocking_pairs(g), key=pair_key))
    assert "<table>" in result._repr_html_()
    pd = pytest.importorskip("pandas")
    frame = result.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["mentee"]) == [a for a, _ in result.assignments] + list(result.unmatched)


@settings(max_examples=40)
@given(
    st.lists(
        st.sampled_from([0, 1, 2, "0", "1", "2", 1.5, (1,)]), min_size=1, max_size=6, unique=True
    ),
    st.lists(st.sampled_from([7, "7", 8, "8", ("m",)]), min_size=1, max_size=4, unique=True),
    st.data(),
)
def test_mixed_type_ids_any_insertion_order(
    mentees: list[Hashable], mentors: list[Hashable], data: st.DataObject
) -> None:
    pairs = [(a, b) for a in mentees for b in mentors]
    edges = data.draw(st.lists(st.sampled_from(pairs), unique=True))
    weights = data.draw(st.lists(st.integers(0, 3), min_size=len(edges), max_size=len(edges)))
    caps = data.draw(st.lists(st.integers(0, 2), min_size=len(mentors), max_size=len(mentors)))

    def build(order_a: list[Hashable], order_e: list[int]) -> nx.Graph[Any]:
        g: nx.Graph[Any] = nx.Graph()
        g.add_nodes_from(order_a, bipartite=0)
        g.add_nodes_from(
            ((b, {"capacity": c}) for b, c in zip(mentors, caps, strict=True)), bipartite=1
        )
        g.add_weighted_edges_from((*edges[k], float(weights[k])) for k in order_e)
        return g

    g = build(mentees, list(range(len(edges))))
    h = build(data.draw(st.permutations(mentees)), data.draw(st.permutations(range(len(edges)))))
    methods: list[Method] = ["optimal", "stable", "greedy"]
    method = data.draw(st.sampled_from(methods))
    result = match(g, method=method)
    check_valid(g, result)
    assert match(h, method=method) == result
    assert list(result.unmatched) == sorted(result.unmatched, key=id_key)
    for mentee in mentees:
        result.explain(mentee)
    result.summary()
    assert match(g, method=method, pinned=result).diff(result).kept == len(result)
