"""Group capacities and load balance, against an independent HiGHS model."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from cadredev.errors import InvalidInputError
from cadredev.matching import GROUP_FULL, match

METHODS = ("optimal", "stable", "greedy")


@st.composite
def grouped(draw: st.DrawFn, *, mentee_cap: bool = False) -> tuple[nx.Graph[Any], dict[str, Any]]:
    """A small weighted graph and groups over some of its mentors."""
    n = draw(st.integers(0, 7))
    m = draw(st.integers(1, 5))
    g: nx.Graph[Any] = nx.Graph()
    for i in range(n):
        g.add_node(f"a{i}", bipartite=0, capacity=draw(st.integers(0, 2)) if mentee_cap else 1)
    for j in range(m):
        g.add_node(f"b{j}", bipartite=1, capacity=draw(st.integers(0, 3)))
    pairs = [(i, j) for i in range(n) for j in range(m)]
    for i, j in draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []:
        g.add_edge(f"a{i}", f"b{j}", weight=float(draw(st.integers(-2, 9))))
    label = draw(st.lists(st.sampled_from(["x", "y", None]), min_size=m, max_size=m))
    groups: dict[str, Any] = {}
    for name in ("x", "y"):
        members = [f"b{j}" for j in range(m) if label[j] == name]
        if members:
            groups[name] = (draw(st.integers(0, 4)), members)
    return g, groups


def edge_list(g: nx.Graph[Any]) -> list[tuple[str, str]]:
    return sorted((a, b) if g.nodes[a]["bipartite"] == 0 else (b, a) for a, b in g.edges)


def constraints(
    g: nx.Graph[Any], edges: list[tuple[str, str]], groups: dict[str, Any]
) -> LinearConstraint:
    nodes = sorted(g.nodes)
    rows = len(nodes) + len(groups)
    a_mat = np.zeros((rows, len(edges)))
    pos = {u: k for k, u in enumerate(nodes)}
    caps = [g.nodes[u].get("capacity", 1) for u in nodes]
    for k, (_, (cap, members)) in enumerate(sorted(groups.items())):
        caps.append(cap)
        for e, (_, v) in enumerate(edges):
            if v in members:
                a_mat[len(nodes) + k, e] = 1
    for e, (u, v) in enumerate(edges):
        a_mat[pos[u], e] = a_mat[pos[v], e] = 1
    return LinearConstraint(a_mat, -np.inf, np.array(caps, dtype=float))


def milp_optimum(g: nx.Graph[Any], groups: dict[str, Any]) -> tuple[float, int]:
    """Maximum weight, then most pairs, under the group capacities (pairs of weight >= 0)."""
    edges = [(u, v) for u, v in edge_list(g) if g.edges[u, v]["weight"] >= 0]
    if not edges:
        return 0.0, 0
    sub = g.edge_subgraph(edges)
    h = g.copy()
    h.remove_edges_from([e for e in g.edges if not sub.has_edge(*e)])
    w = np.array([g.edges[u, v]["weight"] for u, v in edges])
    gain = w * (len(edges) + 1) + 1
    ones = np.ones(len(edges), dtype=np.int64)
    res = milp(
        -gain, constraints=constraints(h, edges, groups), integrality=ones, bounds=Bounds(0, 1)
    )
    assert res.x is not None
    x = res.x > 0.5
    return float(w[x].sum()), int(x.sum())


def milp_balanced_share(g: nx.Graph[Any], groups: dict[str, Any]) -> float:
    """The smallest largest load share among the optimal solutions (a HiGHS MIP in two steps)."""
    edges = [(u, v) for u, v in edge_list(g) if g.edges[u, v]["weight"] >= 0]
    mentors = sorted(v for v, d in g.nodes(data=True) if d["bipartite"] == 1)
    if not edges:
        return 0.0
    h = g.copy()
    h.remove_edges_from([e for e in g.edges if (e if e in edges else e[::-1]) not in edges])
    w = np.array([g.edges[u, v]["weight"] for u, v in edges])
    gain = np.round(w * (len(edges) + 1) + 1)
    base = constraints(h, edges, groups)
    ones = np.ones(len(edges), dtype=np.int64)
    first = milp(-gain, constraints=base, integrality=ones, bounds=Bounds(0, 1))
    assert first.fun is not None
    best = -first.fun
    # variables: the edges, then t; minimise t with load_v - t * cap_v <= 0
    k = len(edges)
    rows = []
    for v in mentors:
        row = np.zeros(k + 1)
        for e, (_, b) in enumerate(edges):
            if b == v:
                row[e] = 1
        row[k] = -g.nodes[v]["capacity"]
        rows.append(row)
    dense = np.asarray(base.A, dtype=float)
    a_base = np.hstack((dense, np.zeros((dense.shape[0], 1))))
    cons = [
        LinearConstraint(a_base, -np.inf, base.ub),
        LinearConstraint(np.array(rows), -np.inf, 0),
        LinearConstraint(np.append(gain, 0.0), best - 0.5, np.inf),
    ]
    c = np.zeros(k + 1)
    c[k] = 1
    res = milp(
        c,
        constraints=cons,
        integrality=np.append(ones, 0),
        bounds=Bounds(np.zeros(k + 1), np.append(np.ones(k), np.inf)),
    )
    assert res.fun is not None
    return float(res.fun)


def largest_share(g: nx.Graph[Any], pairs: tuple[tuple[Any, Any], ...]) -> Fraction:
    load = Counter(b for _, b in pairs)
    shares = [Fraction(k, g.nodes[b]["capacity"]) for b, k in load.items()]
    return max(shares, default=Fraction(0))


def check_groups(g: nx.Graph[Any], groups: dict[str, Any], pairs: tuple[Any, ...]) -> None:
    load = Counter(b for _, b in pairs)
    per_mentee = Counter(a for a, _ in pairs)
    for b, k in load.items():
        assert k <= g.nodes[b]["capacity"]
    for a, k in per_mentee.items():
        assert k <= g.nodes[a]["capacity"]
    for cap, members in groups.values():
        assert sum(load[b] for b in members) <= cap


@settings(max_examples=60, deadline=None)
@given(grouped(), st.booleans())
def test_group_capacities_optimal_equals_milp(case: Any, mentee_cap: bool) -> None:
    g, groups = case
    result = match(g, groups=groups)
    check_groups(g, groups, result.assignments)
    weight, count = milp_optimum(g, groups)
    assert result.total_weight == pytest.approx(weight)
    assert len(result.assignments) == count


@settings(max_examples=40, deadline=None)
@given(grouped(mentee_cap=True))
def test_group_capacities_with_mentee_capacities_equal_milp(case: Any) -> None:
    g, groups = case
    result = match(g, groups=groups)
    check_groups(g, groups, result.assignments)
    weight, count = milp_optimum(g, groups)
    assert result.total_weight == pytest.approx(weight)
    assert len(result.assignments) == count


@settings(max_examples=60, deadline=None)
@given(grouped(), st.booleans())
def test_balance_equals_milp(case: Any, with_groups: bool) -> None:
    g, groups = case
    groups = groups if with_groups else {}
    plain = match(g, groups=groups or None)
    result = match(g, groups=groups or None, balance="load")
    check_groups(g, groups, result.assignments)
    # still optimal, and no optimal solution has a smaller largest share
    assert result.total_weight == pytest.approx(plain.total_weight)
    assert len(result.assignments) == len(plain.assignments)
    assert largest_share(g, result.assignments) <= largest_share(g, plain.assignments)
    assert float(largest_share(g, result.assignments)) == pytest.approx(
        milp_balanced_share(g, groups), abs=1e-6
    )


@pytest.mark.parametrize("seed", range(4))
def test_balance_spreads_equal_weights(seed: int) -> None:
    rng = np.random.default_rng(seed)
    g: nx.Graph[Any] = nx.Graph()
    g.add_nodes_from((f"a{i:02d}" for i in range(40)), bipartite=0)
    caps = rng.integers(1, 30, 6).tolist()
    g.add_nodes_from(((f"b{j}", {"capacity": c}) for j, c in enumerate(caps)), bipartite=1)
    g.add_edges_from(
        (f"a{i:02d}", f"b{j}", {"weight": float(rng.integers(1, 3))})
        for i in range(40)
        for j in range(6)
    )
    result = match(g, balance="load")
    assert float(largest_share(g, result.assignments)) == pytest.approx(
        milp_balanced_share(g, {}), abs=1e-6
    )


def test_balance_example() -> None:
    g: nx.Graph[Any] = nx.Graph()
    g.add_nodes_from(["a1", "a2", "a3", "a4"], bipartite=0)
    g.add_nodes_from([("wang", {"capacity": 4}), ("li", {"capacity": 4})], bipartite=1)
    g.add_edges_from(
        (a, b, {"weight": 1.0}) for a in ["a1", "a2", "a3", "a4"] for b in ["wang", "li"]
    )
    loads = Counter(match(g, balance="load").pairs.values())
    assert loads == {"wang": 2, "li": 2}


# --------------------------------------------------------------------------
# stable and greedy with groups


def group_choice(
    g: nx.Graph[Any], groups: dict[str, Any], offers: list[tuple[Any, Any]]
) -> set[tuple[Any, Any]]:
    """A group's choice: offers by the mentor's score (weight), ties by ids, while there is room."""
    group_cap = None
    for cap, members in groups.values():
        if offers and offers[0][1] in members:
            group_cap = cap
    kept: list[tuple[Any, Any]] = []
    load: Counter[str] = Counter()
    for a, b in sorted(offers, key=lambda p: (-g.edges[p]["weight"], p[0], p[1])):
        room = group_cap is None or len(kept) < group_cap
        if room and load[b] < g.nodes[b]["capacity"]:
            kept.append((a, b))
            load[b] += 1
    return set(kept)


@settings(max_examples=60, deadline=None)
@given(grouped())
def test_stable_with_groups_has_no_blocking_pair(case: Any) -> None:
    g, groups = case
    result = match(g, method="stable", groups=groups)
    check_groups(g, groups, result.assignments)
    held = set(result.assignments)
    group_of = {b: name for name, (_, members) in groups.items() for b in members}
    for a, b in edge_list(g):
        w = g.edges[a, b]["weight"]
        if (a, b) in held or w < 0 or g.nodes[a]["capacity"] == 0:
            continue
        mine = sorted((x for x in held if x[0] == a), key=lambda x: (-g.edges[x]["weight"], x[1]))
        # a mentee ranks by weight, ties by mentor id; at capacity it drops its worst
        if len(mine) >= g.nodes[a]["capacity"]:
            if (-w, b) > (-g.edges[mine[-1]]["weight"], mine[-1][1]):
                continue
            rest = held - {mine[-1]}
        else:
            rest = held
        name = group_of.get(b)
        offers: list[tuple[Any, Any]] = [
            x for x in rest if (group_of.get(x[1]) == name if name else x[1] == b)
        ]
        assert (a, b) not in group_choice(g, groups, [*offers, (a, b)]), (a, b)


@settings(max_examples=40, deadline=None)
@given(grouped(), st.sampled_from(["stable", "greedy"]))
def test_loose_groups_change_nothing(case: Any, method: Any) -> None:
    g, groups = case
    loose = {
        k: (sum(g.nodes[b]["capacity"] for b in members), members)
        for k, (_, members) in groups.items()
    }
    grouped_result, plain = match(g, method=method, groups=loose), match(g, method=method)
    # the same pairs and reasons; the grouped table records its groups too
    assert grouped_result.assignments == plain.assignments
    assert grouped_result.unmatched == plain.unmatched
    assert grouped_result.candidates.groups is not None
    assert plain.candidates.groups is None


@settings(max_examples=40, deadline=None)
@given(grouped())
def test_greedy_with_groups_equals_naive(case: Any) -> None:
    g, groups = case
    room = {u: d["capacity"] for u, d in g.nodes(data=True)}
    group_room = {k: cap for k, (cap, _) in groups.items()}
    group_of = {b: name for name, (_, members) in groups.items() for b in members}
    expected = set()
    for a, b in sorted(edge_list(g), key=lambda p: (-g.edges[p]["weight"], p[0], p[1])):
        k = group_of.get(b)
        if g.edges[a, b]["weight"] < 0 or room[a] < 1 or room[b] < 1:
            continue
        if k is not None and group_room[k] < 1:
            continue
        expected.add((a, b))
        room[a] -= 1
        room[b] -= 1
        if k is not None:
            group_room[k] -= 1
    assert set(match(g, method="greedy", groups=groups).assignments) == expected


@settings(max_examples=30, deadline=None)
@given(grouped(), st.sampled_from(METHODS), st.randoms())
def test_groups_and_balance_do_not_depend_on_order(case: Any, method: Any, rnd: Any) -> None:
    g, groups = case
    h: nx.Graph[Any] = nx.Graph()
    nodes = list(g.nodes(data=True))
    rnd.shuffle(nodes)
    h.add_nodes_from(nodes)
    edges = list(g.edges(data=True))
    rnd.shuffle(edges)
    h.add_edges_from(edges)
    shuffled = {
        k: (c, list(reversed(list(members)))) for k, (c, members) in reversed(groups.items())
    }
    kw: dict[str, Any] = {"method": method}
    if method == "optimal":
        kw["balance"] = "load"
    assert match(g, groups=groups, **kw) == match(h, groups=shuffled, **kw)


# --------------------------------------------------------------------------
# bad input


def small() -> nx.Graph[Any]:
    g: nx.Graph[Any] = nx.Graph()
    g.add_nodes_from(["a0", "a1"], bipartite=0)
    g.add_nodes_from(["b0", "b1"], bipartite=1, capacity=2)
    g.add_edges_from([("a0", "b0"), ("a1", "b0"), ("a1", "b1")])
    return g


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (
            {"groups": {"x": (1, ["b0"]), "y": (2, ["b1", "b0"])}},
            "'b0' is in two groups: 'x' and 'y'",
        ),
        ({"groups": {"x": (1, ["zz"])}}, "group 'x': 'zz' is not a mentor"),
        ({"groups": {"x": (1, ["a0"])}}, "group 'x': 'a0' is not a mentor"),
        ({"groups": {"x": (-1, ["b0"])}}, "group 'x': capacity must be an integer"),
        ({"groups": {"x": (2**63, ["b0"])}}, "group 'x': capacity must be an integer"),
        ({"groups": {"x": 3}}, "group 'x' must be \\(capacity, mentors\\)"),
        ({"groups": {"x": (1, "b0")}}, "mentors must be a collection"),
        ({"groups": [("x", 1)]}, "groups must be a mapping"),
        (
            {"groups": {"x": (1, ["b0"])}, "method": "stable", "proposing": "mentor"},
            "need proposing",
        ),
        ({"balance": "load", "method": "stable"}, "balance='load' needs method='optimal'"),
        ({"balance": "fair"}, "balance must be None or 'load'"),
        ({"groups": {"x": (1, ["b0"])}, "pinned": {"a0": "b0", "a1": "b0"}}, "exceed a group"),
    ],
)
def test_bad_group_and_balance_options(options: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidInputError, match=fragment):
        match(small(), **options)


def test_groups_with_roles_are_rejected() -> None:
    g = small()
    g.graph["roles"] = ("business",)
    nx.set_node_attributes(g, {"b0": "business", "b1": "business"}, "role")
    with pytest.raises(InvalidInputError, match="role-typed"):
        match(g, groups={"x": (1, ["b0"])})


def test_pinned_pairs_count_against_their_group() -> None:
    result = match(small(), groups={"x": (1, ["b0", "b1"])}, pinned={"a0": "b0"})
    assert result.pairs == {"a0": "b0"}
    assert result.unmatched["a1"] == GROUP_FULL


@settings(max_examples=40, deadline=None)
@given(grouped(), st.sampled_from(METHODS))
def test_unmatched_reasons_name_full_groups(case: Any, method: Any) -> None:
    g, groups = case
    result = match(g, method=method, groups=groups)
    load = Counter(result.pairs.values())
    group_of = {b: name for name, (_, members) in groups.items() for b in members}
    group_load = Counter(group_of[b] for _, b in result.assignments if b in group_of)
    for u, why in result.unmatched.items():
        if why == GROUP_FULL:
            for v in g[u]:
                if load[v] < g.nodes[v]["capacity"]:
                    k = group_of[v]
                    assert group_load[k] >= groups[k][0]
