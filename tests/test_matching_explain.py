"""explain() never contradicts the result: groups, objectives, balance and mentee capacities.

Every reason an explanation gives for an alternative is checked here against
the result and the graph alone (loads counted from the pairs, capacities read
from the nodes and the groups), never against the candidates table the
explanation reads.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Hashable
from typing import Any

import attrs
import jsonschema
import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadredev import io
from cadredev.errors import InvalidInputError
from cadredev.matching import (
    ALL_FULL,
    GROUP_FULL,
    NO_CAPACITY,
    NO_COMPATIBLE,
    NOT_WORTH,
    OBJECTIVES,
    Candidates,
    GroupLoad,
    MatchExplanation,
    Matching,
    match,
)
from cadredev.matching._table import OBJECTIVES as TABLE_OBJECTIVES

FULL = re.compile(r"(?:^|; )full \(capacity (\d+)\)")
GROUP = re.compile(r"(?:^|; )group (.+?) full \(capacity (\d+)\)")
WORSE = re.compile(r"^(?:lower (\S+) \((\S+) < (\S+)\)|higher cost \((\S+) > (\S+)\))(?:;|$)")


@attrs.frozen
class Case:
    """A graph and the options of one call of ``match``."""

    graph: nx.Graph[Any] = attrs.field(eq=False)
    groups: dict[Hashable, tuple[int, list[str]]] | None
    options: dict[str, Any]

    def run(self, graph: nx.Graph[Any] | None = None, groups: Any = None) -> Matching:
        return match(
            self.graph if graph is None else graph,
            groups=self.groups if groups is None else groups,
            **self.options,
        )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A small graph with mentee capacities, forbidden pairs, groups and any objective."""
    n, m = draw(st.integers(0, 6)), draw(st.integers(1, 5))
    name = draw(st.sampled_from(["weight", "cost", "score"]))
    scores = draw(st.booleans())
    g: nx.Graph[Any] = nx.Graph()
    for i in range(n):
        g.add_node(f"a{i}", bipartite=0, capacity=draw(st.sampled_from([1, 1, 2, 0])))
    for j in range(m):
        g.add_node(f"b{j}", bipartite=1, capacity=draw(st.integers(0, 3)))
    pairs = [(f"a{i}", f"b{j}") for i in range(n) for j in range(m)]
    for a, b in draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []:
        g.add_edge(a, b, **{name: float(draw(st.integers(-1, 3)))})  # ties are common
        if scores:
            g.edges[a, b]["mentee_score"] = float(draw(st.integers(0, 3)))
    edges = sorted(tuple(sorted(e)) for e in g.edges)
    dropped = draw(st.lists(st.sampled_from(edges), unique=True, max_size=2)) if edges else []
    g.remove_edges_from(dropped)
    g.graph["forbidden"] = dict.fromkeys(dropped, "previous mentor")
    kind = draw(st.sampled_from(["groups", "groups", "none", "roles"]))
    groups: dict[Hashable, tuple[int, list[str]]] | None = None
    if kind == "groups":  # "east" and 7 (ids of two types); {} when neither has a member
        label = draw(st.lists(st.sampled_from(["east", 7, None]), min_size=m, max_size=m))
        groups = {}
        for group in ("east", 7):
            members = [f"b{j}" for j in range(m) if label[j] == group]
            if members:
                groups[group] = (draw(st.integers(0, 4)), members)
    elif kind == "roles":  # a role-typed graph: one mentor per role per mentee
        roles = draw(st.lists(st.sampled_from(["growth", "practice"]), min_size=m, max_size=m))
        nx.set_node_attributes(g, {f"b{j}": r for j, r in enumerate(roles)}, "role")
        g.graph["roles"] = ("growth", "practice")
    method = draw(st.sampled_from(["optimal", "stable", "greedy"]))
    options: dict[str, Any] = {
        "method": method,
        "weight": name,
        "objective": draw(st.sampled_from(OBJECTIVES)),
    }
    if method == "optimal":
        options["balance"] = draw(st.sampled_from([None, "load"]))
    if method == "stable" and groups is None:
        options["proposing"] = draw(st.sampled_from(["mentee", "mentor"]))
    return Case(graph=g, groups=groups, options=options)


# ------------------------------------------------------------ the facts


@attrs.frozen
class Facts:
    """What the result and the graph say, counted without the candidates table."""

    case: Case
    result: Matching
    role: str | None = None
    """The role of ``result`` (one of a role-typed matching's parts), else ``None``."""

    def weight(self, a: Hashable, b: Hashable) -> float:
        """The pair's weight as the matching holds it: a cost negated for ``"min_cost"``."""
        value = float(self.case.graph.edges[a, b][self.case.options["weight"]])
        return -value if self.case.options["objective"] == "min_cost" else value

    def score(self, a: Hashable, b: Hashable) -> float:
        """How the mentee ranks the pair in the stable method."""
        data = self.case.graph.edges[a, b]
        return float(data["mentee_score"]) if "mentee_score" in data else self.weight(a, b)

    def capacity(self, node: Hashable) -> int:
        return int(self.case.graph.nodes[node].get("capacity", 1))

    def load(self, mentor: Hashable) -> int:
        return len(self.result.mentees_of(mentor))

    def mentor_full(self, mentor: Hashable) -> bool:
        return self.load(mentor) == self.capacity(mentor)

    def group_of(self, mentor: Hashable) -> Hashable | None:
        for group, (_, members) in (self.case.groups or {}).items():
            if mentor in members:
                return group
        return None

    def group_full(self, mentor: Hashable) -> bool:
        group = self.group_of(mentor)
        if group is None or self.case.groups is None:
            return False
        cap, members = self.case.groups[group]
        return sum(self.load(b) for b in members) == cap

    def own(self, mentee: Hashable, mentor: Hashable) -> tuple[Hashable, ...]:
        """The mentee's mentors that take a slot ``mentor`` would take (of its role)."""
        role = self.case.graph.nodes[mentor].get("role")
        return tuple(
            b
            for b in self.result.mentors_of(mentee)
            if self.case.graph.nodes[b].get("role") == role
        )

    def mentee_full(self, mentee: Hashable, mentor: Hashable) -> bool:
        slots = self.capacity(mentee)
        if "roles" in self.case.graph.graph:
            slots = min(slots, 1)  # one per role
        return len(self.own(mentee, mentor)) >= slots

    def candidates(self, mentee: Hashable) -> set[Hashable]:
        nodes = self.case.graph.nodes
        return {b for b in self.case.graph[mentee] if self.role in (None, nodes[b].get("role"))}


def check_alternative(facts: Facts, mentee: Hashable, mentor: Hashable, why: str) -> None:
    """Every fact the reason states holds, and each of the three facts is stated iff it holds."""
    objective = facts.case.options["objective"]
    w = facts.weight(mentee, mentor)
    own = facts.own(mentee, mentor)
    worst = min((facts.weight(mentee, b) for b in own), default=None)
    full = FULL.search(why)
    assert (full is not None) == facts.mentor_full(mentor), why
    if full is not None:
        assert int(full[1]) == facts.capacity(mentor)
    group = GROUP.search(why)
    assert (group is not None) == facts.group_full(mentor), why
    if group is not None and facts.case.groups is not None:
        name = facts.group_of(mentor)
        assert group[1] == str(name)
        assert int(group[2]) == facts.case.groups[name][0]
    worse = WORSE.search(why)
    is_worse = facts.mentee_full(mentee, mentor) and worst is not None and w < worst
    assert (worse is not None) == is_worse, why
    if worse is not None and worst is not None:
        if objective == "min_cost":  # costs, positive where the costs are
            assert (float(worse[4]), float(worse[5])) == (-w, -worst)
        else:
            assert worse[1] == facts.case.options["weight"]
            assert (float(worse[2]), float(worse[3])) == (w, worst)
    if full or group or worse:
        return
    check_other_cause(facts, mentee, mentor, why, worst)


def check_other_cause(
    facts: Facts, mentee: Hashable, mentor: Hashable, why: str, worst: float | None
) -> None:
    """The one cause given when neither mentor nor group is full nor the pair worse."""
    method, objective = facts.case.options["method"], facts.case.options["objective"]
    w = facts.weight(mentee, mentor)
    own = facts.own(mentee, mentor)
    full = facts.mentee_full(mentee, mentor)
    if why.startswith("equal "):
        assert full, why
        assert w == worst, why
        if "scores" in why:
            assert method == "stable"
            assert facts.score(mentee, mentor) <= min(facts.score(mentee, b) for b in own)
    elif why.startswith("negative "):
        assert objective == "max_weight", why
        assert w < 0, why
    elif why == "ranked lower by the mentee's own scores":
        assert method == "stable", why
        assert full, why
        assert facts.score(mentee, mentor) <= min(facts.score(mentee, b) for b in own)
    elif why.startswith(("the mentee's slots are taken", "the mentee takes no mentor")):
        assert full, why
    else:
        raise AssertionError(f"{mentee} -> {mentor}: {why}")


def check_unmatched(facts: Facts, mentee: Hashable, reason: str) -> None:
    """The reason of an unmatched mentee holds of the result."""
    others = facts.candidates(mentee)
    if reason == NO_CAPACITY:
        assert facts.capacity(mentee) == 0
    elif reason == NO_COMPATIBLE:
        assert not others
    elif reason.startswith("forbidden"):
        assert not others
        assert any(a == mentee for a, _ in facts.case.graph.graph["forbidden"])
    elif reason == ALL_FULL:
        assert others
        assert all(facts.mentor_full(b) for b in others)
    elif reason == GROUP_FULL:
        assert all(facts.mentor_full(b) or facts.group_full(b) for b in others)
    elif reason == NOT_WORTH:
        assert facts.case.options["objective"] == "max_weight"
        open_ = [b for b in others if not (facts.mentor_full(b) or facts.group_full(b))]
        assert open_
        assert all(facts.weight(mentee, b) < 0 for b in open_)
    else:
        raise AssertionError(f"{mentee}: {reason}")


def check_explanations(case: Case, result: Matching, role: str | None = None) -> None:
    """Check every mentee's explanation, in ``result`` and in each of its roles' parts."""
    for part_role, part in result.by_role.items():
        check_explanations(case, part, part_role)
    facts = Facts(case, result, role)
    graph, options = case.graph, case.options
    mentees = [u for u, d in graph.nodes(data=True) if d["bipartite"] == 0]
    for mentee in mentees:
        ex = result.explain(mentee, alternatives=len(graph))
        assert ex.mentors == result.mentors_of(mentee)
        assert ex.objective == options["objective"]
        assert ex.weight_name == options["weight"]
        assert options["weight"] in ex.rule
        assert {b for b, _, _ in ex.alternatives} | set(ex.mentors) == facts.candidates(mentee)
        for mentor, weight, why in ex.alternatives:
            assert weight == facts.weight(mentee, mentor)
            check_alternative(facts, mentee, mentor, why)
        if ex.reason:
            assert not ex.mentors
            check_unmatched(facts, mentee, ex.reason)
        headline = str(ex).splitlines()[0]
        total = sum(float(graph.edges[mentee, b][options["weight"]]) for b in ex.mentors)
        if ex.mentors and options["objective"] == "min_cost":
            assert headline.endswith(f"(cost {total + 0.0:g})"), headline
        elif ex.mentors:
            assert headline.endswith(f"({options['weight']} {total + 0.0:g})"), headline
        if options["method"] == "optimal" and options["objective"] != "max_weight":
            assert "the most pairs first" in ex.rule


def explanations(result: Matching, graph: nx.Graph[Any]) -> dict[Hashable, MatchExplanation]:
    return {
        u: result.explain(u, alternatives=len(graph))
        for u, d in graph.nodes(data=True)
        if d["bipartite"] == 0
    }


# ------------------------------------------------------------ properties


@settings(max_examples=150, deadline=None)
@given(cases())
def test_every_reason_holds_of_the_result(case: Case) -> None:
    check_explanations(case, case.run())


@settings(max_examples=60, deadline=None)
@given(cases())
def test_the_summary_counts_each_group_against_its_capacity(case: Case) -> None:
    result = case.run()
    loads = result.summary().group_loads
    if not case.groups:
        assert loads == ()
        return
    assert [x.group for x in loads] == sorted(case.groups, key=str)
    for x in loads:
        capacity, members = case.groups[x.group]
        assert x.mentors == tuple(sorted(members))
        assert x.capacity == capacity
        assert x.mentees == sum(len(result.mentees_of(b)) for b in members) <= capacity


@settings(max_examples=40, deadline=None)
@given(cases())
def test_a_loaded_matching_explains_as_the_fresh_one(case: Case) -> None:
    result = case.run()
    doc = json.loads(json.dumps(io.dump(result), allow_nan=False))
    jsonschema.validate(doc, io.schema("Matching"))
    back = io.load(Matching, doc)
    assert back == result
    assert back.candidates == result.candidates
    assert explanations(back, case.graph) == explanations(result, case.graph)
    assert back.summary() == result.summary()
    for ex in explanations(result, case.graph).values():
        assert io.load(MatchExplanation, io.dump(ex)) == ex


@settings(max_examples=40, deadline=None)
@given(cases(), st.randoms(use_true_random=False))
def test_explanations_do_not_depend_on_insertion_order(case: Case, rnd: random.Random) -> None:
    g = case.graph
    nodes = list(g.nodes(data=True))
    edges = list(g.edges(data=True))
    rnd.shuffle(nodes)
    rnd.shuffle(edges)
    h: nx.Graph[Any] = nx.Graph()
    h.add_nodes_from(nodes)
    h.add_edges_from((b, a, d) if rnd.random() < 0.5 else (a, b, d) for a, b, d in edges)
    h.graph.update(g.graph)
    groups = None
    if case.groups is not None:
        items = list(case.groups.items())
        rnd.shuffle(items)
        groups = {k: (cap, rnd.sample(members, len(members))) for k, (cap, members) in items}
    result, again = case.run(), case.run(h, groups)
    assert again == result
    assert explanations(again, h) == explanations(result, g)


# ------------------------------------------------------------ examples


def grouped_graph() -> tuple[nx.Graph[Any], dict[str, tuple[int, list[str]]]]:
    """wang and li share a team of capacity 1; zhao is on his own."""
    g: nx.Graph[Any] = nx.Graph()
    g.add_nodes_from(["ana", "bo"], bipartite=0)
    g.add_nodes_from(["wang", "li", "zhao"], bipartite=1, capacity=2)
    g.add_edge("ana", "wang", weight=5.0, cost=1.0)
    g.add_edge("ana", "li", weight=4.0, cost=2.0)
    g.add_edge("bo", "li", weight=3.0, cost=4.0)
    g.add_edge("bo", "zhao", weight=1.0, cost=9.0)
    return g, {"team": (1, ["wang", "li"])}


@pytest.mark.parametrize("method", ["optimal", "stable", "greedy"])
def test_a_full_group_is_named_where_the_mentor_has_room(method: Any) -> None:
    g, groups = grouped_graph()
    result = match(g, method=method, groups=groups)
    assert result.pairs == {"ana": "wang", "bo": "zhao"}
    assert result.explain("bo").alternatives == (("li", 3.0, "group team full (capacity 1)"),)
    assert result.explain("ana").alternatives == (
        ("li", 4.0, "lower weight (4 < 5); group team full (capacity 1)"),
    )
    table = result.candidates
    assert table.group_loads.tolist() == [1]
    assert table.loads.tolist() == [0, 1, 1]  # li, wang, zhao: li has room


def test_costs_are_explained_as_costs() -> None:
    g, _ = grouped_graph()
    g.nodes["wang"]["capacity"] = 1
    g.add_edge("bo", "wang", weight=0.0, cost=3.0)
    result = match(g, weight="cost", objective="min_cost")
    assert result.pairs == {"ana": "wang", "bo": "li"}
    ex = result.explain("bo")
    assert ex.weight == -4.0  # the weight field keeps its meaning: a negated cost
    assert ex.alternatives == (
        ("wang", -3.0, "full (capacity 1)"),
        ("zhao", -9.0, "higher cost (9 > 4)"),
    )
    text = str(ex)
    assert text.splitlines()[0] == "bo -> li (cost 4)"
    assert "  li: cost 4" in text
    assert "  not zhao (9): higher cost (9 > 4)" in text
    assert "the least total cost" in ex.rule
    assert "negative" not in text
    html = ex._repr_html_()
    assert "<th>cost</th>" in html or ">cost<" in html


def test_another_weight_attribute_is_named() -> None:
    g, _ = grouped_graph()
    for u, v in g.edges:
        g.edges[u, v]["score"] = g.edges[u, v]["weight"] * 10
    ex = match(g, weight="score").explain("bo")
    assert str(ex).splitlines()[0] == "bo -> li (score 30)"
    assert ex.alternatives == (("zhao", 10.0, "lower score (10 < 30)"),)
    assert ex.rule.startswith("optimal: the highest total score")
    kilometres = match(g, weight="weight", objective="min_cost").explain("bo")
    assert "cost ('weight')" in kilometres.rule


def test_cardinality_first_is_said() -> None:
    g: nx.Graph[Any] = nx.Graph()
    g.add_nodes_from(["ana", "bo"], bipartite=0)
    g.add_nodes_from(["wang", "li"], bipartite=1)
    g.add_weighted_edges_from([("ana", "wang", 5.0), ("ana", "li", 1.0), ("bo", "wang", 1.0)])
    assert match(g).pairs == {"ana": "wang"}
    both = match(g, objective="max_cardinality_then_weight")
    assert both.pairs == {"ana": "li", "bo": "wang"}
    ex = both.explain("ana")
    assert ex.alternatives == (("wang", 5.0, "full (capacity 1)"),)
    assert ex.rule.startswith("optimal: the most pairs first, then the highest total weight")
    assert str(ex).splitlines()[1] == f"  {ex.rule}"


def test_a_mentee_with_room_is_not_told_lower_weight() -> None:
    g: nx.Graph[Any] = nx.Graph()
    g.add_node("ana", bipartite=0, capacity=2)
    g.add_nodes_from(["wang", "li", "zhao"], bipartite=1)
    g.add_node("bo", bipartite=0)
    g.add_weighted_edges_from(
        [("ana", "wang", 5.0), ("ana", "li", 1.0), ("bo", "li", 3.0), ("ana", "zhao", -1.0)]
    )
    result = match(g)
    assert result.mentors_of("ana") == ("wang",)
    assert result.explain("ana").alternatives == (
        ("li", 1.0, "full (capacity 1)"),
        ("zhao", -1.0, "negative weight (-1)"),
    )
    one = match(g, pinned={"ana": "zhao"}, objective="max_cardinality_then_weight")
    assert set(one.mentors_of("ana")) == {"wang", "zhao"}
    # ana is full now; li (1) is no worse than zhao (-1), which was pinned
    assert one.explain("ana").alternatives == (("li", 1.0, "full (capacity 1)"),)


def test_balanced_ties_are_said_to_be_balanced() -> None:
    g: nx.Graph[Any] = nx.Graph()
    g.add_nodes_from(["a0", "a1"], bipartite=0)
    g.add_node("wang", bipartite=1, capacity=2)
    g.add_node("li", bipartite=1, capacity=2)
    g.add_weighted_edges_from([(a, b, 1.0) for a in ("a0", "a1") for b in ("wang", "li")])
    result = match(g, balance="load")
    assert sorted(result.pairs.values()) == ["li", "wang"]
    for mentee in ("a0", "a1"):
        ((_, _, why),) = result.explain(mentee).alternatives
        assert why == "equal weight; tie broken by balancing the mentors' loads, then by id"
    assert "the most even mentor loads" in result.explain("a0").rule


def test_a_role_slot_is_compared_with_its_own_role_only() -> None:
    g: nx.Graph[Any] = nx.Graph(roles=("growth", "practice"))
    g.add_nodes_from(["ana", "bo"], bipartite=0)
    g.add_nodes_from([("wang", {"role": "growth"}), ("li", {"role": "practice"})], bipartite=1)
    g.add_weighted_edges_from([("ana", "wang", 5.0), ("ana", "li", 1.0), ("bo", "li", 4.0)])
    result = match(g)
    assert result.mentors_of("ana") == ("wang",)
    assert result.candidates.mentor_roles == ("practice", "growth")
    # li is worse than wang, but wang holds the growth slot and ana's practice slot is
    # free: li is full, nothing else
    assert result.explain("ana").alternatives == (("li", 1.0, "full (capacity 1)"),)
    assert result.by_role["practice"].explain("ana").alternatives == (
        ("li", 1.0, "full (capacity 1)"),
    )


# ------------------------------------------------------------ documents


OLD_DOCUMENT = {
    "schema_version": 1,
    "kind": "Matching",
    "data": {
        "method": "optimal",
        "assignments": [["a", "m2"], ["b", "m1"], ["c", "m3"]],
        "total_weight": 8.0,
        "role": None,
        "by_role": {},
        "candidates": {
            "mentees": ["a", "b", "c", "d"],
            "mentee_units": [None, None, None, None],
            "mentee_cohorts": [None, None, None, None],
            "reasons": ["", "", "", "all compatible mentors full"],
            "mentors": ["m1", "m2", "m3"],
            "mentor_units": [None, None, None],
            "capacities": [1, 1, 2],
            "offsets": [0, 2, 4, 6, 7],
            "pair_mentors": [0, 1, 0, 2, 1, 2, 0],
            "pair_weights": [3.0, 2.0, 4.0, 1.0, 2.0, 2.0, 1.0],
            "chosen": [1, 2, 5],
            "criteria": ["cross_unit", "weight"],
            "components": [2.0, None, None, 4.0, None, 2.0],
            "forbidden": [["d", "m2", "previous mentor"]],
        },
    },
}
"""A matching document as written before the optional columns existed."""

OLD_EXPLANATIONS = {
    "a": {"mentee": "a", "mentors": ["m2"], "weight": 2.0, "contributions": [{"cross_unit": 2.0}],
          "alternatives": [["m1", 3.0, "full (capacity 1)"]], "forbidden": [], "reason": ""},
    "b": {"mentee": "b", "mentors": ["m1"], "weight": 4.0, "contributions": [{"weight": 4.0}],
          "alternatives": [["m3", 1.0, "lower weight (1 < 4)"]], "forbidden": [], "reason": ""},
    "c": {"mentee": "c", "mentors": ["m3"], "weight": 2.0, "contributions": [{"weight": 2.0}],
          "alternatives": [["m2", 2.0, "full (capacity 1)"]], "forbidden": [], "reason": ""},
    "d": {"mentee": "d", "mentors": [], "weight": 0.0, "contributions": [],
          "alternatives": [["m1", 1.0, "full (capacity 1)"]],
          "forbidden": [["m2", "previous mentor"]], "reason": "all compatible mentors full"},
}  # fmt: skip
"""The explanations of that matching as they were written then."""


def old_graph() -> nx.Graph[Any]:
    g: nx.Graph[Any] = nx.Graph()
    g.add_nodes_from(["a", "b", "c", "d"], bipartite=0)
    g.add_nodes_from([("m1", {"capacity": 1}), ("m2", {"capacity": 1}),
                      ("m3", {"capacity": 2})], bipartite=1)  # fmt: skip
    g.add_edge("a", "m1", weight=3.0, components={"cross_unit": 2.0, "cohort_gap": 1.0})
    g.add_edge("a", "m2", weight=2.0, components={"cross_unit": 2.0})
    g.add_weighted_edges_from([("b", "m1", 4.0), ("b", "m3", 1.0), ("c", "m2", 2.0),
                               ("c", "m3", 2.0), ("d", "m1", 1.0), ("d", "m2", 5.0)])  # fmt: skip
    g.graph["forbidden"] = {("d", "m2"): "previous mentor"}
    return g


def test_a_document_without_the_new_columns_loads_and_explains_as_before() -> None:
    back = io.load(Matching, OLD_DOCUMENT)
    table = back.candidates
    assert table.mentee_capacities is None
    assert table.groups is None
    assert (table.objective, table.weight_name, table.balance) == ("max_weight", "weight", None)
    fresh = match(old_graph())
    assert fresh.assignments == back.assignments
    for mentee, old in OLD_EXPLANATIONS.items():
        before = io.load(MatchExplanation, {"schema_version": 1, "kind": "MatchExplanation",
                                            "data": old})  # fmt: skip
        assert (before.objective, before.weight_name, before.rule) == ("max_weight", "weight", "")
        now = back.explain(mentee)
        assert attrs.evolve(now, rule="") == before
        assert now == fresh.explain(mentee)
    again = io.load(Matching, io.dump(back))
    assert again == back
    assert again.candidates.mentee_capacities is None


# ------------------------------------------------------------ the table's new columns


def unhashable_ids() -> np.ndarray:
    ids = np.empty(1, dtype=object)
    ids[0] = ([],)  # a tuple is Hashable by type, yet cannot be hashed
    return ids


def table_fields() -> dict[str, Any]:
    g, groups = grouped_graph()
    table = match(g, groups=groups).candidates
    return {a.name: getattr(table, a.name) for a in attrs.fields(Candidates)}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"objective": "max"}, r"objective must be one of .*, got 'max'"),
        ({"weight_name": ""}, "weight_name must be the name of an edge attribute"),
        ({"balance": "even"}, "balance must be None or 'load', got 'even'"),
        ({"mentee_scores": 1}, "mentee_scores must be True or False, got 1"),
        ({"mentee_capacities": np.array([1], dtype=np.int64)},
         r"mentee_capacities must have one entry per mentee \(2\), got 1"),
        ({"mentee_capacities": np.array([1, -1], dtype=np.int64)},
         "mentee_capacities must be >= 0"),
        ({"mentee_capacities": [1, 1]}, "mentee_capacities must be None or a one-dimensional"),
        ({"groups": None}, "groups, group_capacities and mentor_groups must be given together"),
        ({"groups": np.array(["team", "team"], dtype=object),
          "group_capacities": np.array([1, 1], dtype=np.int64)}, "groups must be unique"),
        ({"group_capacities": np.array([1, 2], dtype=np.int64)},
         r"group_capacities must have one entry per group \(1\), got 2"),
        ({"group_capacities": np.array([-1], dtype=np.int64)}, "group_capacities must be >= 0"),
        ({"mentor_groups": np.array([0, 0], dtype=np.int64)},
         r"mentor_groups must have one entry per mentor \(3\), got 2"),
        ({"mentor_groups": np.array([0, 1, -1], dtype=np.int64)},
         "mentor_groups must be positions in groups"),
        ({"mentor_groups": np.array([0.0, 0.0, -1.0])},
         "mentor_groups must be None or a one-dimensional int64 array"),
        ({"groups": np.array([["team"]], dtype=object)},
         "groups must be None or a one-dimensional object array"),
        ({"groups": unhashable_ids()}, "groups must be ids"),
        ({"mentor_roles": ("growth",)},
         r"mentor_roles must have one entry per mentor \(3\), got 1"),
        ({"mentor_roles": ["a", "b", "c"]}, "mentor_roles must be None or a tuple of strings"),
    ],
)  # fmt: skip
def test_the_new_columns_are_checked(change: dict[str, Any], message: str) -> None:
    fields = table_fields() | change
    with pytest.raises(InvalidInputError, match=f"^Candidates: {message}"):
        Candidates(**fields)


def test_group_ids_that_a_document_cannot_hold_are_refused_on_writing() -> None:
    g, _ = grouped_graph()
    result = match(g, groups={("t", 1): (1, ["wang", "li"])})
    assert result.explain("bo").alternatives[0][2] == "group ('t', 1) full (capacity 1)"
    with pytest.raises(InvalidInputError, match=r"group id \('t', 1\) \(tuple\) cannot be written"):
        io.dump(result)


def test_group_loads_in_the_summary_and_in_documents() -> None:
    g, groups = grouped_graph()
    summary = match(g, groups=groups).summary()
    assert summary.group_loads == (GroupLoad(group="team", mentees=1, capacity=1,
                                             mentors=("li", "wang")),)  # fmt: skip
    assert "  group team: 1/1  li, wang" in str(summary).splitlines()
    assert io.load(type(summary), io.dump(summary)) == summary
    jsonschema.Draft202012Validator.check_schema(io.schema("GroupLoad"))
    assert io.kind("GroupLoad") is GroupLoad
    assert match(g).summary().group_loads == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"group": []}, "group must hold ids"),
        ({"mentees": -1}, "mentees must be an integer >= 0, got -1"),
        ({"capacity": 1.5}, "capacity must be an integer >= 0, got 1.5"),
        ({"mentors": "li"}, "mentors must be a collection"),
    ],
)
def test_a_hand_built_group_load_names_the_field(change: dict[str, Any], message: str) -> None:
    fields: dict[str, Any] = {"group": "team", "mentees": 1, "capacity": 1, "mentors": ("li",)}
    fields |= change
    with pytest.raises(InvalidInputError, match=f"^GroupLoad: {message}"):
        GroupLoad(**fields)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"objective": "cheapest"}, r"objective must be one of .*, got 'cheapest'"),
        ({"weight_name": ""}, "weight_name must be the name of an edge attribute, got ''"),
        ({"weight_name": 3}, "weight_name must be the name of an edge attribute, got 3"),
        ({"rule": None}, "rule must be text, got None"),
    ],
)
def test_a_hand_built_explanation_names_the_new_fields(
    change: dict[str, Any], message: str
) -> None:
    fields: dict[str, Any] = {"mentee": "ana", "mentors": (), "weight": 0.0,
                              "contributions": (), "alternatives": ()}  # fmt: skip
    with pytest.raises(InvalidInputError, match=f"^MatchExplanation: {message}"):
        MatchExplanation(**(fields | change))


def test_the_objectives_are_one_list() -> None:
    assert TABLE_OBJECTIVES == OBJECTIVES
