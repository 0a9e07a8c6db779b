"""Hard constraints are hard: forbidden pairs, negative weights and bad input, for every method."""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadredev.errors import InvalidInputError
from cadredev.matching import (
    FORBIDDEN,
    NOT_WORTH,
    Criteria,
    Matching,
    compatibility_graph,
    match,
)
from cadredev.matching._contract import EXCLUDED
from cadredev.model import Cadre, Mentor

METHODS = ("optimal", "stable", "greedy")
OBJECTIVES = ("max_weight", "min_cost", "max_cardinality_then_weight")


def make_graph(
    n: int, m: int, edges: list[tuple[int, int, float]], caps: list[int]
) -> nx.Graph[Any]:
    g: nx.Graph[Any] = nx.Graph()
    g.add_nodes_from((f"a{i}" for i in range(n)), bipartite=0)
    for j in range(m):
        g.add_node(f"b{j}", bipartite=1, capacity=caps[j])
    g.add_weighted_edges_from((f"a{i}", f"b{j}", w) for i, j, w in edges)
    return g


@st.composite
def graphs_with_forbidden(draw: st.DrawFn) -> nx.Graph[Any]:
    """A graph whose ``forbidden`` pairs are (mostly) edges of the graph."""
    n = draw(st.integers(1, 6))
    m = draw(st.integers(1, 4))
    pairs = [(i, j) for i in range(n) for j in range(m)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, min_size=1))
    weights = draw(st.lists(st.integers(-3, 9), min_size=len(chosen), max_size=len(chosen)))
    caps = draw(st.lists(st.integers(0, 3), min_size=m, max_size=m))
    g = make_graph(
        n, m, [(i, j, float(w)) for (i, j), w in zip(chosen, weights, strict=True)], caps
    )
    banned = draw(st.lists(st.sampled_from(pairs), unique=True))
    as_mapping = draw(st.booleans())
    forbidden = [(f"a{i}", f"b{j}") for i, j in banned]
    g.graph["forbidden"] = dict.fromkeys(forbidden, "reporting line") if as_mapping else forbidden
    return g


def without_forbidden(g: nx.Graph[Any]) -> nx.Graph[Any]:
    h = g.copy()
    h.remove_edges_from(list(g.graph["forbidden"]))
    h.graph["forbidden"] = ()
    return h


def check_explanations(g: nx.Graph[Any], result: Matching) -> None:
    """explain() never contradicts the result: no chosen mentor is forbidden or an alternative."""
    for u, d in g.nodes(data=True):
        if d["bipartite"] != 0:
            continue
        ex = result.explain(u, alternatives=10)
        assert ex.mentors == result.mentors_of(u)
        banned = {b for b, _ in ex.forbidden}
        assert not banned & set(ex.mentors)
        assert not banned & {b for b, _, _ in ex.alternatives}
        assert bool(ex.reason) == (not ex.mentors)


@settings(max_examples=60, deadline=None)
@given(
    graphs_with_forbidden(),
    st.sampled_from(METHODS),
    st.sampled_from(OBJECTIVES),
    st.sampled_from(("mentee", "mentor")),
)
def test_a_forbidden_edge_is_never_matched(
    g: nx.Graph[Any], method: Any, objective: Any, proposing: Any
) -> None:
    result = match(g, method=method, objective=objective, proposing=proposing)
    assert not set(result.assignments) & set(g.graph["forbidden"])
    # the same as the graph without those edges
    plain = match(without_forbidden(g), method=method, objective=objective, proposing=proposing)
    assert result.assignments == plain.assignments
    assert result.total_weight == plain.total_weight
    check_explanations(g, result)


@settings(max_examples=40, deadline=None)
@given(graphs_with_forbidden(), st.sampled_from(METHODS), st.booleans(), st.data())
def test_forbidden_with_groups_pins_and_balance(
    g: nx.Graph[Any], method: Any, balance: bool, data: st.DataObject
) -> None:
    mentors = sorted(v for v, d in g.nodes(data=True) if d["bipartite"] == 1)
    groups = {"team": (data.draw(st.integers(0, 4)), mentors[: len(mentors) // 2 + 1])}
    allowed = [
        (a, b) if g.nodes[a]["bipartite"] == 0 else (b, a)
        for a, b in g.edges
        if (a, b) not in g.graph["forbidden"] and (b, a) not in g.graph["forbidden"]
    ]
    pins = data.draw(st.lists(st.sampled_from(allowed), max_size=1)) if allowed else []
    extra: dict[str, Any] = {"balance": "load"} if balance and method == "optimal" else {}
    try:
        result = match(g, method=method, groups=groups, pinned=pins, **extra)
    except InvalidInputError as exc:  # a pin over a capacity
        if "exceed" not in str(exc):
            raise
        return
    assert not set(result.assignments) & set(g.graph["forbidden"])
    check_explanations(g, result)


@settings(max_examples=30, deadline=None)
@given(graphs_with_forbidden(), st.sampled_from(METHODS))
def test_forbidden_with_roles(g: nx.Graph[Any], method: Any) -> None:
    g.graph["roles"] = ("a", "b")
    for k, v in enumerate(sorted(v for v, d in g.nodes(data=True) if d["bipartite"] == 1)):
        g.nodes[v]["role"] = "ab"[k % 2]
    result = match(g, method=method)
    assert not set(result.assignments) & set(g.graph["forbidden"])
    for part in result.by_role.values():
        assert not set(part.assignments) & set(g.graph["forbidden"])


def test_forbidden_edge_explained_as_forbidden() -> None:
    g = make_graph(2, 1, [(0, 0, 5.0), (1, 0, 1.0)], [1])
    g.graph["forbidden"] = [("a0", "b0")]
    for method in METHODS:
        result = match(g, method=method)  # type: ignore[arg-type]
        assert result.pairs == {"a1": "b0"}
        ex = result.explain("a0")
        assert ex.mentors == ()
        assert ex.forbidden == (("b0", EXCLUDED),)
        assert ex.alternatives == ()
        assert result.unmatched["a0"] == FORBIDDEN
        assert result.blocking_pairs(g) == ()


def test_forbidden_and_required_is_an_error() -> None:
    g = make_graph(1, 1, [(0, 0, 1.0)], [1])
    g.graph["forbidden"] = [("a0", "b0")]
    g.graph["required"] = [("a0", "b0")]
    for method in METHODS:
        with pytest.raises(InvalidInputError, match="both forbidden and required"):
            match(g, method=method)  # type: ignore[arg-type]


def test_pinning_a_forbidden_pair_is_an_error() -> None:
    g = make_graph(1, 1, [(0, 0, 1.0)], [1])
    g.graph["forbidden"] = {("a0", "b0"): "kinship"}
    with pytest.raises(
        InvalidInputError, match=r"pinned pair \('a0', 'b0'\) is forbidden: kinship"
    ):
        match(g, pinned={"a0": "b0"})


@pytest.mark.parametrize(
    ("pairs", "fragment"),
    [
        ([("zz", "b0")], "'zz' is not a mentee"),
        ([("a0", "zz")], "'zz' is not a mentor"),
        ([("b0", "a0")], "'b0' is not a mentee"),
        ([([1], "b0")], r"\[1\] is not a mentee"),
        ([("a0",)], "expected \\(mentee, mentor\\) pairs"),
    ],
)
def test_forbidden_pairs_naming_unknown_nodes(pairs: Any, fragment: str) -> None:
    g = make_graph(1, 1, [(0, 0, 1.0)], [1])
    g.graph["forbidden"] = pairs
    with pytest.raises(InvalidInputError, match=fragment):
        match(g)


@settings(max_examples=40, deadline=None)
@given(graphs_with_forbidden(), st.sampled_from(METHODS))
def test_negative_weights_are_never_matched_by_default(g: nx.Graph[Any], method: Any) -> None:
    result = match(g, method=method)
    assert all(g.edges[a, b]["weight"] >= 0 for a, b in result.assignments)

    def full(v: Any) -> bool:  # a mentor of capacity 0 is full without any mentee
        return len(result.mentees_of(v)) >= int(g.nodes[v].get("capacity", 1))

    for u, why in result.unmatched.items():
        if why == NOT_WORTH:  # every pair it could still join is negative
            assert all(
                g.edges[u, v]["weight"] < 0 or (u, v) in g.graph["forbidden"] or full(v)
                for v in g[u]
            )
    check_explanations(g, result)


def test_negative_weights_the_same_rule_for_every_method() -> None:
    g = make_graph(2, 2, [(0, 0, -1.0), (0, 1, 2.0), (1, 1, 3.0)], [1, 1])
    for method in METHODS:
        result = match(g, method=method)  # type: ignore[arg-type]
        assert result.pairs == {"a1": "b1"}
        assert result.unmatched["a0"] == NOT_WORTH
        assert "negative weight (-1)" in str(result.explain("a0"))
        # every pair is acceptable when the cardinality comes first
        both = match(g, method=method, objective="max_cardinality_then_weight")  # type: ignore[arg-type]
        assert len(both.pairs) == 2 or method != "optimal"


# --------------------------------------------------------------------------
# bad input: capacities, weights, criteria


def test_capacity_beyond_int64_is_rejected() -> None:
    g = make_graph(1, 1, [(0, 0, 1.0)], [1])
    g.nodes["b0"]["capacity"] = 10**30
    with pytest.raises(InvalidInputError, match=r"node 'b0': capacity must be at most 2\*\*63 - 1"):
        match(g)
    g.nodes["b0"]["capacity"] = 2**63 - 1
    for method in METHODS:
        assert match(g, method=method).pairs == {"a0": "b0"}  # type: ignore[arg-type]
    g.nodes["a0"]["capacity"] = 2**63
    with pytest.raises(InvalidInputError, match="node 'a0': capacity"):
        match(g)


@pytest.mark.parametrize("value", [1e308, -1e308, 1e13, math.inf, math.nan])
def test_criteria_weights_beyond_the_bound_are_rejected(value: float) -> None:
    with pytest.raises(InvalidInputError, match=r"^Criteria: industries must be"):
        Criteria(industries=value)
    with pytest.raises(InvalidInputError, match=r"^Criteria: previous_weight must be"):
        Criteria(previous_weight=abs(value))


def test_largest_criteria_weights_give_finite_edge_weights() -> None:
    big = 1e12
    criteria = Criteria(
        industries=big, gap_cover=big, weakest=big, cross_unit=big, cohort_gap=big, same_grid=big
    )
    ana = Cadre(
        id="ana",
        name="安",
        birth_year=1998,
        rank="section",
        unit="u1",
        competencies={"law": 0.1},
        industries=("it",),
    )
    wang = Mentor(id="wang", unit="u2", competencies={"law": 0.9}, industries=("it",))
    g = compatibility_graph([ana], [wang], criteria=criteria)
    w = g.edges["ana", "wang"]["weight"]
    assert math.isfinite(w)
    assert match(g).pairs == {"ana": "wang"}


def test_weight_attribute_missing_on_some_edges() -> None:
    g = make_graph(2, 1, [(0, 0, 1.0), (1, 0, 1.0)], [1])
    g.edges["a0", "b0"]["cost"] = 2.0
    with pytest.raises(
        InvalidInputError, match=r"edge \('a1', 'b0'\): missing weight attribute 'cost'"
    ):
        match(g, weight="cost")
    g.edges["a1", "b0"]["cost"] = "x"
    with pytest.raises(InvalidInputError, match="cost must be a finite number, got 'x'"):
        match(g, weight="cost")


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"proposing": "both"}, "proposing must be one of"),
        ({"objective": "max"}, "objective must be one of"),
        ({"weight": ""}, "weight must be the name"),
        ({"weight": 3}, "weight must be the name"),
    ],
)
def test_bad_options(options: dict[str, Any], fragment: str) -> None:
    g = make_graph(1, 1, [(0, 0, 1.0)], [1])
    with pytest.raises(InvalidInputError, match=fragment):
        match(g, **options)


def test_large_capacities_do_not_overflow_the_solvers() -> None:
    rng = np.random.default_rng(0)
    edges = [(i, j, float(rng.integers(0, 9))) for i in range(30) for j in range(3)]
    g = make_graph(30, 3, edges, [2**62, 2**63 - 1, 1])
    for method in METHODS:
        result = match(g, method=method)  # type: ignore[arg-type]
        assert len(result.pairs) == 30
