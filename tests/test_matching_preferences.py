"""People's preferences and objectives: ranked lists, either side proposing, costs, cardinality."""

from __future__ import annotations

import warnings
from collections.abc import Hashable
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadredev._validate import id_key
from cadredev.errors import InvalidInputError
from cadredev.io import dump, load
from cadredev.matching import Matching, match, preferences_graph

METHODS = ("optimal", "stable", "greedy")


def sides(g: nx.Graph[Any]) -> tuple[list[Hashable], list[Hashable]]:
    mentees = sorted((u for u, d in g.nodes(data=True) if d["bipartite"] == 0), key=id_key)
    mentors = sorted((u for u, d in g.nodes(data=True) if d["bipartite"] == 1), key=id_key)
    return mentees, mentors


def hr_oracle(g: nx.Graph[Any], optimal: str) -> set[tuple[Any, Any]]:
    """The ``matching`` package's hospital / resident solution, by the edges' scores."""
    from matching.games import HospitalResident  # noqa: PLC0415

    mentees, mentors = sides(g)
    g = g.copy()  # the package needs capacities >= 1: a full mentor is no partner
    g.remove_nodes_from([v for v in mentors if g.nodes[v]["capacity"] == 0])
    rp = {
        u: sorted(g[u], key=lambda v: (-g.edges[u, v]["mentee_score"], id_key(v)))
        for u in mentees
        if len(g[u])
    }
    hp = {
        v: sorted(g[v], key=lambda u: (-g.edges[u, v]["mentor_score"], id_key(u)))
        for v in mentors
        if v in g and len(g[v])
    }
    if not rp:
        return set()
    caps = {v: g.nodes[v]["capacity"] for v in hp}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(rp, hp, caps)
        solved = game.solve(optimal=optimal)
    return {(r.name, h.name) for h, rs in solved.items() for r in rs}


@st.composite
def preference_lists(
    draw: st.DrawFn, *, ties: bool = False
) -> tuple[dict[str, list[Any]], dict[str, list[Any]], dict[str, int]]:
    n = draw(st.integers(1, 8))
    m = draw(st.integers(1, 4))
    mentees = [f"r{i}" for i in range(n)]
    mentors = [f"h{j}" for j in range(m)]

    def ranked(pool: list[str]) -> list[Any]:
        chosen = draw(st.permutations(pool))
        chosen = chosen[: draw(st.integers(0, len(chosen)))]
        if not ties:
            return list(chosen)
        out: list[Any] = []
        k = 0
        while k < len(chosen):
            size = draw(st.integers(1, 3))
            group = chosen[k : k + size]
            out.append(set(group) if len(group) > 1 else group[0])
            k += size
        return out

    a_prefs = {u: ranked(mentors) for u in mentees}
    b_prefs = {v: ranked(mentees) for v in mentors}
    caps = {v: draw(st.integers(0, 3)) for v in mentors}
    return a_prefs, b_prefs, caps


@settings(max_examples=60, deadline=None)
@given(preference_lists())
def test_both_sides_proposing_equal_the_matching_package(
    lists: tuple[dict[str, list[Any]], dict[str, list[Any]], dict[str, int]],
) -> None:
    g = preferences_graph(*lists)
    mentee_side = match(g, method="stable")
    mentor_side = match(g, method="stable", proposing="mentor")
    assert set(mentee_side.assignments) == hr_oracle(g, "resident")
    assert set(mentor_side.assignments) == hr_oracle(g, "hospital")
    assert mentor_side.blocking_pairs(g) == ()
    # the mentee-optimal matching is at least as good for every mentee
    for u in mentee_side.pairs.keys() | mentor_side.pairs.keys():
        mine = mentee_side.pairs.get(u)
        theirs = mentor_side.pairs.get(u)
        if theirs is not None:
            assert mine is not None
            assert g.edges[u, mine]["mentee_rank"] <= g.edges[u, theirs]["mentee_rank"]


@pytest.mark.parametrize("seed", range(6))
def test_mentor_optimal_on_larger_random_instances(seed: int) -> None:
    rng = np.random.default_rng(seed)
    mentees = [f"r{i:03d}" for i in range(150)]
    mentors = [f"h{j:02d}" for j in range(15)]
    a_prefs = {u: [mentors[j] for j in rng.choice(15, size=5, replace=False)] for u in mentees}
    b_prefs = {v: list(rng.permutation(mentees)) for v in mentors}
    caps = {v: int(rng.integers(1, 8)) for v in mentors}
    g = preferences_graph(a_prefs, b_prefs, caps)
    got = match(g, method="stable", proposing="mentor")
    assert set(got.assignments) == hr_oracle(g, "hospital")
    assert got.blocking_pairs(g) == ()


def strict(prefs: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Break the ties of ranked lists by id."""
    return {
        k: [x for e in v for x in (sorted(e) if isinstance(e, set) else [e])]
        for k, v in prefs.items()
    }


@settings(max_examples=50, deadline=None)
@given(preference_lists(ties=True), st.sampled_from(["mentee", "mentor"]))
def test_ties_are_broken_by_id(
    lists: tuple[dict[str, list[Any]], dict[str, list[Any]], dict[str, int]], proposing: Any
) -> None:
    a_prefs, b_prefs, caps = lists
    tied = match(preferences_graph(a_prefs, b_prefs, caps), method="stable", proposing=proposing)
    broken = preferences_graph(strict(a_prefs), strict(b_prefs), caps)
    assert set(tied.assignments) == set(
        match(broken, method="stable", proposing=proposing).assignments
    )
    assert set(tied.assignments) == hr_oracle(
        broken, "resident" if proposing == "mentee" else "hospital"
    )


def test_ranks_scores_and_rank_sum() -> None:
    g = preferences_graph(
        {"ana": [["li", "wang"], "zhao"], "bo": []},
        {"wang": ["ana"], "li": ["bo", "ana"], "zhao": ["ana"]},
        {"wang": 1, "li": 2, "zhao": 0},
        mentee_capacities={"ana": 2},
    )
    assert g.nodes["ana"]["capacity"] == 2
    assert g.nodes["bo"]["capacity"] == 1
    assert not g.has_edge("bo", "li")  # li accepts bo, bo does not accept li
    e = g.edges["ana", "li"]
    assert (e["mentee_rank"], e["mentor_rank"], e["rank_sum"]) == (1, 2, 3.0)
    assert (e["mentee_score"], e["mentor_score"], e["weight"]) == (-1.0, -2.0, 1.0)
    assert g.edges["ana", "zhao"]["mentee_rank"] == 2
    result = match(g, weight="rank_sum", objective="min_cost")
    assert set(result.assignments) == {("ana", "li"), ("ana", "wang")}
    assert result.total_weight == -5.0


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (({"a": ["x", "x"]}, {"x": ["a"]}, {"x": 1}), "mentee 'a' lists 'x' twice"),
        (({"a": ["x", {"x", "y"}]}, {"x": [], "y": []}, {"x": 1, "y": 1}), "lists 'x' twice"),
        (({"a": ["y"]}, {"x": ["a"]}, {"x": 1}), "mentee 'a' lists 'y', which is not a mentor"),
        (({"a": ["x"]}, {"x": ["b"]}, {"x": 1}), "mentor 'x' lists 'b', which is not a mentee"),
        (({"a": ["x"]}, {"x": ["a", "a"]}, {"x": 1}), "mentor 'x' lists 'a' twice"),
        (({"a": ["x"]}, {"x": ["a"], "y": []}, {"x": 1}), "mentor 'y' is in mentor_prefs only"),
        (({"a": ["x"]}, {"x": ["a"]}, {"x": 1, "y": 1}), "mentor 'y' is in capacities only"),
        (({"x": []}, {"x": []}, {"x": 1}), "id 'x' is both a mentee and a mentor"),
        (({"a": ["x"]}, {"x": ["a"]}, {"x": -1}), "mentor 'x': capacity must be an integer"),
        (({"a": ["x"]}, {"x": ["a"]}, {"x": 2**63}), "capacity must be an integer in"),
        (({"a": ["x"]}, {"x": ["a"]}, {"x": 1.5}), "capacity must be an integer in"),
        (({"a": "x"}, {"x": ["a"]}, {"x": 1}), "preferences must be a list of ids"),
        (({"a": [["x"]]}, {"x": [[[1]]]}, {"x": 1}), r"lists \[1\], which is not a mentee"),
        ((["a"], {"x": ["a"]}, {"x": 1}), "mentee_prefs must be a mapping"),
    ],
)
def test_bad_preference_lists(args: tuple[Any, ...], fragment: str) -> None:
    with pytest.raises(InvalidInputError, match=fragment):
        preferences_graph(*args)
    with pytest.raises(InvalidInputError, match="mentee_capacities names 'z'"):
        preferences_graph({"a": []}, {}, {}, mentee_capacities={"z": 1})


# --------------------------------------------------------------------------
# objectives and the weight attribute


@st.composite
def weighted_graphs(draw: st.DrawFn, *, mentee_cap: bool = False) -> nx.Graph[Any]:
    n = draw(st.integers(0, 7))
    m = draw(st.integers(0, 4))
    g: nx.Graph[Any] = nx.Graph()
    for i in range(n):
        g.add_node(f"a{i}", bipartite=0, capacity=draw(st.integers(0, 2)) if mentee_cap else 1)
    for j in range(m):
        g.add_node(f"b{j}", bipartite=1, capacity=draw(st.integers(0, 3)))
    pairs = [(i, j) for i in range(n) for j in range(m)]
    for i, j in draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []:
        w = draw(st.integers(-5, 9) | st.sampled_from([0.25, -1.5, 1e6]))
        g.add_edge(f"a{i}", f"b{j}", weight=float(w), cost=float(draw(st.integers(0, 20))))
    return g


def milp_best(g: nx.Graph[Any], attr: str, *, sign: float) -> tuple[int, float]:
    """Largest matching, then the best total ``sign * attr``: HiGHS MIP, lexicographic."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # noqa: PLC0415

    edges = [(a, b) if g.nodes[a]["bipartite"] == 0 else (b, a) for a, b in g.edges]
    if not edges:
        return 0, 0.0
    nodes = sorted(g.nodes)
    pos = {u: k for k, u in enumerate(nodes)}
    a_mat = np.zeros((len(nodes), len(edges)))
    for e, (u, v) in enumerate(edges):
        a_mat[pos[u], e] = a_mat[pos[v], e] = 1
    caps = np.array([g.nodes[u].get("capacity", 1) for u in nodes], dtype=float)
    ones = np.ones(len(edges))
    integral = np.ones(len(edges), dtype=np.int64)
    capacity = LinearConstraint(a_mat, -np.inf, caps)
    first = milp(-ones, constraints=capacity, integrality=integral, bounds=Bounds(0, 1))
    assert first.fun is not None
    size = round(-first.fun)
    values = np.array([sign * g.edges[u, v][attr] for u, v in edges])
    second = milp(
        -values,
        constraints=[capacity, LinearConstraint(ones, size, size)],
        integrality=integral,
        bounds=Bounds(0, 1),
    )
    assert second.fun is not None
    return size, float(-second.fun)


def hopcroft_karp_size(g: nx.Graph[Any]) -> int:
    """Maximum matching size by networkx, mentors expanded into capacity slots."""
    h: nx.Graph[Any] = nx.Graph()
    mentees, mentors = sides(g)
    h.add_nodes_from(("L", u) for u in mentees)
    for v in mentors:
        for k in range(g.nodes[v]["capacity"]):
            h.add_node(("R", v, k))
            h.add_edges_from((("L", u), ("R", v, k)) for u in g[v])
    left = {("L", u) for u in mentees}
    return len(nx.bipartite.hopcroft_karp_matching(h, top_nodes=left)) // 2


@settings(max_examples=60, deadline=None)
@given(weighted_graphs())
def test_max_cardinality_equals_hopcroft_karp_and_milp(g: nx.Graph[Any]) -> None:
    result = match(g, objective="max_cardinality_then_weight")
    size, best = milp_best(g, "weight", sign=1.0)
    assert len(result.assignments) == hopcroft_karp_size(g) == size
    assert result.total_weight == pytest.approx(best)


@settings(max_examples=40, deadline=None)
@given(weighted_graphs(mentee_cap=True))
def test_max_cardinality_with_mentee_capacities_equals_milp(g: nx.Graph[Any]) -> None:
    result = match(g, objective="max_cardinality_then_weight")
    size, best = milp_best(g, "weight", sign=1.0)
    assert len(result.assignments) == size
    assert result.total_weight == pytest.approx(best)


@settings(max_examples=60, deadline=None)
@given(weighted_graphs(mentee_cap=True))
def test_min_cost_equals_milp(g: nx.Graph[Any]) -> None:
    result = match(g, weight="cost", objective="min_cost")
    size, best = milp_best(g, "cost", sign=-1.0)
    assert len(result.assignments) == size
    assert result.total_weight == pytest.approx(best)
    assert -result.total_weight == pytest.approx(
        sum(g.edges[a, b]["cost"] for a, b in result.assignments)
    )


@pytest.mark.parametrize("seed", range(3))
def test_max_cardinality_on_certified_sizes(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from cadredev.matching import _optimal  # noqa: PLC0415

    monkeypatch.setattr(_optimal, "PRUNE_MIN_SLOT_EDGES", 0)  # take the certified path
    monkeypatch.setattr(_optimal, "PRUNE_MAX_SHARE", 1.0)
    rng = np.random.default_rng(seed)
    g: nx.Graph[Any] = nx.Graph()
    g.add_nodes_from((f"a{i:03d}" for i in range(120)), bipartite=0)
    for j in range(12):
        g.add_node(f"b{j:02d}", bipartite=1, capacity=int(rng.integers(1, 9)))
    for i in range(120):
        for j in rng.choice(12, size=4, replace=False).tolist():
            g.add_edge(f"a{i:03d}", f"b{j:02d}", weight=float(rng.integers(-20, 100)))
    result = match(g, objective="max_cardinality_then_weight")
    size, best = milp_best(g, "weight", sign=1.0)
    assert len(result.assignments) == hopcroft_karp_size(g) == size
    assert result.total_weight == pytest.approx(best)


@settings(max_examples=40, deadline=None)
@given(weighted_graphs(mentee_cap=True), st.sampled_from(METHODS))
def test_weight_attribute_equals_renaming_it(g: nx.Graph[Any], method: Any) -> None:
    h = g.copy()
    for a, b, d in h.edges(data=True):
        h.edges[a, b]["weight"] = d["cost"]
    by_name = match(g, method=method, weight="cost")
    renamed = match(h, method=method)
    assert by_name.assignments == renamed.assignments
    assert by_name.total_weight == renamed.total_weight


@settings(max_examples=30, deadline=None)
@given(
    weighted_graphs(),
    st.sampled_from(METHODS),
    st.sampled_from(["min_cost", "max_cardinality_then_weight"]),
    st.sampled_from(["mentee", "mentor"]),
    st.randoms(),
)
def test_new_options_do_not_depend_on_insertion_order(
    g: nx.Graph[Any], method: Any, objective: Any, proposing: Any, rnd: Any
) -> None:
    h: nx.Graph[Any] = nx.Graph()
    nodes = list(g.nodes(data=True))
    rnd.shuffle(nodes)
    h.add_nodes_from(nodes)
    edges = list(g.edges(data=True))
    rnd.shuffle(edges)
    h.add_edges_from((b, a, d) if rnd.random() < 0.5 else (a, b, d) for a, b, d in edges)
    kw = {"method": method, "objective": objective, "proposing": proposing, "weight": "cost"}
    assert match(g, **kw) == match(h, **kw)


def test_stable_and_greedy_rank_cheaper_pairs_first_under_min_cost() -> None:
    g: nx.Graph[Any] = nx.Graph()
    g.add_nodes_from(["ana", "bo"], bipartite=0)
    g.add_node("wang", bipartite=1, capacity=1)
    g.add_edge("ana", "wang", cost=5.0)
    g.add_edge("bo", "wang", cost=2.0)
    for method in METHODS:
        result = match(g, method=method, weight="cost", objective="min_cost")  # type: ignore[arg-type]
        assert result.pairs == {"bo": "wang"}
        assert result.total_weight == -2.0
        assert result.explain("bo").components["wang"] == {"-cost": -2.0}


@settings(max_examples=25, deadline=None)
@given(weighted_graphs(), st.sampled_from(METHODS))
def test_documents_round_trip_with_other_weights(g: nx.Graph[Any], method: Any) -> None:
    result = match(g, method=method, weight="cost", objective="min_cost")
    back = load(Matching, dump(result))
    assert back == result
    for u in result.unmatched:
        assert back.explain(u) == result.explain(u)
