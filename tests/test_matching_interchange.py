"""Matching results leave the process as documents and come back equal, still explaining."""

from __future__ import annotations

import json
import pickle
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadredev import io
from cadredev.datasets import sample_zone
from cadredev.errors import InvalidInputError
from cadredev.matching import (
    Candidates,
    Criteria,
    MatchDiff,
    MatchExplanation,
    Matching,
    MatchSummary,
    MentorLoad,
    Method,
    compatibility_graph,
    match,
)
from cadredev.testing import bipartite_graphs
from hostile import hostile_values, init_fields, outcome, rebuilt_with_hostile_field

METHODS: tuple[Method, ...] = ("optimal", "stable", "greedy")


def through_text(obj: Any) -> Any:
    """Dump, write as JSON text, read, validate against the kind's schema and load."""
    doc = json.loads(json.dumps(io.dump(obj), allow_nan=False))
    jsonschema.validate(doc, io.schema(doc["kind"]))
    return io.load(type(obj), doc)


def assert_explains_alike(back: Matching, result: Matching, graph: nx.Graph[Any]) -> None:
    """A loaded matching answers every question as the one made from the graph."""
    assert back == result
    assert back.pairs == result.pairs
    assert back.unmatched == result.unmatched
    assert back.summary() == result.summary()
    assert back._rows() == result._rows()
    assert back.blocking_pairs(graph) == result.blocking_pairs(graph)
    assert not back.diff(result)
    mentees = [u for u, d in graph.nodes(data=True) if d["bipartite"] == 0]
    for mentee in mentees:
        assert back.explain(mentee, alternatives=5) == result.explain(mentee, alternatives=5)
    for role, part in result.by_role.items():
        assert_explains_alike(back.by_role[role], part, graph)


def sample_matching() -> tuple[nx.Graph[Any], Matching]:
    zone = sample_zone()
    mentor_ids = {m.id for m in zone.mentors}
    mentees = [c for c in zone.cadres if c.id not in mentor_ids]
    graph = compatibility_graph(
        mentees,
        zone.grid_mentors(),
        criteria=Criteria(as_of=zone.as_of, cross_unit=3.0),
        forbid=[(mentees[0].id, zone.grid_mentors()[0].id)],
    )
    return graph, match(graph)


@st.composite
def role_graphs(draw: st.DrawFn) -> nx.Graph[Any]:
    """A bipartite graph whose mentors each have one of two roles, with forbidden pairs."""
    graph = draw(bipartite_graphs(max_mentees=6, max_mentors=4))
    mentors = sorted(u for u, d in graph.nodes(data=True) if d["bipartite"] == 1)
    roles = draw(st.lists(st.sampled_from(["growth", "practice"]), min_size=len(mentors),
                          max_size=len(mentors)))  # fmt: skip
    nx.set_node_attributes(graph, dict(zip(mentors, roles, strict=True)), "role")
    graph.graph["roles"] = ("growth", "practice")
    return graph


@st.composite
def with_forbidden(draw: st.DrawFn, graphs: st.SearchStrategy[nx.Graph[Any]]) -> nx.Graph[Any]:
    """Drop some edges and record them as forbidden, with a reason each."""
    graph = draw(graphs)
    edges = sorted(tuple(sorted(e)) for e in graph.edges)
    dropped = draw(st.lists(st.sampled_from(edges), unique=True, max_size=3)) if edges else []
    reasons = {}
    for mentee, mentor in dropped:
        graph.remove_edge(mentee, mentor)
        reasons[mentee, mentor] = draw(st.sampled_from(["excluded (回避)", "previous mentor"]))
    graph.graph["forbidden"] = reasons
    return graph


# ---------------------------------------------------------------- round trips


@settings(max_examples=40)
@given(
    with_forbidden(
        st.one_of(
            bipartite_graphs(),
            bipartite_graphs(scores=True),
            bipartite_graphs(mentee_capacity=True, integer_weights=False),
        )
    ),
    st.sampled_from(METHODS),
)
def test_matchings_round_trip_and_explain_alike(graph: nx.Graph[Any], method: Method) -> None:
    result = match(graph, method=method)
    back = through_text(result)
    assert io.load(Matching, io.dump(result)) == result
    assert_explains_alike(back, result, graph)
    assert back.candidates == result.candidates


@settings(max_examples=30)
@given(with_forbidden(role_graphs()), st.sampled_from(METHODS))
def test_role_typed_matchings_round_trip(graph: nx.Graph[Any], method: Method) -> None:
    result = match(graph, method=method)
    assert set(result.by_role) == {"growth", "practice"}
    back = through_text(result)
    assert_explains_alike(back, result, graph)


@settings(max_examples=30)
@given(bipartite_graphs(max_mentees=5, max_mentors=3), st.sampled_from(METHODS), st.data())
def test_explanations_summaries_and_diffs_round_trip(
    graph: nx.Graph[Any], method: Method, data: st.DataObject
) -> None:
    result = match(graph, method=method)
    other = match(graph, method=data.draw(st.sampled_from(METHODS)))
    records: list[Any] = [result.summary(), result.diff(other), *result.summary().mentor_loads]
    records += [result.explain(u) for u, d in graph.nodes(data=True) if d["bipartite"] == 0]
    for record in records:
        assert through_text(record) == record
        assert io.load(type(record), io.dump(record)) == record


def test_the_sample_zone_matching_round_trips_through_a_file(tmp_path: Path) -> None:
    graph, result = sample_matching()
    path = tmp_path / "mentoring.json"
    io.save_json(result, path)
    back = io.load_json(Matching, path)
    assert isinstance(back, Matching)
    assert_explains_alike(back, result, graph)
    assert through_text(result.summary()) == result.summary()
    forbidden = back.explain(next(iter(graph.graph["forbidden"]))[0]).forbidden
    assert forbidden[0][1] == "excluded (回避)"


def test_integer_ids_come_back_as_integers() -> None:
    graph: nx.Graph[Any] = nx.Graph()
    graph.add_nodes_from([1, 2, 3], bipartite=0)
    graph.add_nodes_from([10, 11], bipartite=1, capacity=1)
    graph.add_weighted_edges_from([(1, 10, 2.0), (2, 10, 3.0), (2, 11, 1.0), (3, 10, 1.0)])
    graph.graph["forbidden"] = {(3, 11): "previous mentor"}
    result = match(graph)
    back = through_text(result)
    assert_explains_alike(back, result, graph)
    assert dict(back.unmatched) == {3: "all compatible mentors full"}
    assert back.explain(3).forbidden == ((11, "previous mentor"),)
    summary = through_text(result.summary())
    assert list(summary.loads) == [10, 11]


@pytest.mark.parametrize(
    ("ident", "kind"), [((1, 2), "tuple"), (1.5, "float"), (np.int64(4), "int64"), (True, "bool")]
)
def test_ids_a_document_cannot_hold_are_refused_on_dump(ident: Hashable, kind: str) -> None:
    graph: nx.Graph[Any] = nx.Graph()
    graph.add_nodes_from(["a", ident], bipartite=0)
    graph.add_node("m", bipartite=1, capacity=2)
    graph.add_weighted_edges_from([("a", "m", 1.0), (ident, "m", 2.0)])
    result = match(graph)
    assert result.explain(ident).mentors == ("m",)  # fine in this process
    with pytest.raises(InvalidInputError, match=rf"mentee id .* \({kind}\) cannot be written"):
        io.dump(result)
    again = pickle.loads(pickle.dumps(result))  # noqa: S301  (our own bytes)
    assert again == result
    with pytest.raises(InvalidInputError, match="cannot be written"):
        io.dump(again)


def test_equal_results_whatever_the_graph_object() -> None:
    graph, result = sample_matching()
    assert match(graph.copy()) == result
    assert match(nx.Graph(graph)) == result
    assert hash(match(graph.copy())) == hash(result)
    assert match(graph, method="stable") != result
    assert result != "not a matching"
    for again in (pickle.loads(pickle.dumps(result)), through_text(result)):  # noqa: S301
        assert again == result
        assert pickle.loads(pickle.dumps(again)) == result  # noqa: S301


# ---------------------------------------------------------------- documents


def test_matching_documents_hold_no_private_state() -> None:
    _, result = sample_matching()
    doc = io.dump(result)
    assert set(doc["data"]) == {
        "method",
        "assignments",
        "total_weight",
        "role",
        "by_role",
        "candidates",
    }
    assert not any(key.startswith("_") for key in doc["data"]["candidates"])
    schema = io.schema("Matching")
    assert schema["$defs"]["Candidates"]["properties"]["mentees"]["items"] == {
        "type": ["string", "integer"]
    }


def test_every_matching_kind_has_a_valid_schema() -> None:
    for name in ("Candidates", "MatchDiff", "MatchExplanation", "MatchSummary", "Matching",
                 "MentorLoad", "Criteria"):  # fmt: skip
        assert io.kind(name).__module__.startswith("cadredev.matching")
        jsonschema.Draft202012Validator.check_schema(io.schema(name))


def broken(change: Any) -> dict[str, Any]:
    graph: nx.Graph[Any] = nx.Graph([("a", "m", {"weight": 2.0}), ("b", "m", {"weight": 1.0})])
    nx.set_node_attributes(graph, {"a": 0, "b": 0, "m": 1}, "bipartite")
    doc: dict[str, Any] = json.loads(json.dumps(io.dump(match(graph))))
    change(doc["data"])
    return doc


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(assignments=[["b", "m"]]), "assignments must be the chosen"),
        (lambda d: d.update(total_weight=3.0), "total_weight must be the sum"),
        (lambda d: d.update(method="best"), "method must be one of"),
        (lambda d: d["candidates"].update(offsets=[0, 2, 1]), "offsets must rise"),
        (lambda d: d["candidates"].update(pair_mentors=[0, 1]), "pair_mentors must be"),
        (lambda d: d["candidates"].update(chosen=[5]), "chosen must be ascending"),
        (lambda d: d["candidates"].update(reasons=[""]), "reasons must have one entry"),
        (lambda d: d["candidates"].update(components=[]), "components must hold"),
        (lambda d: d["candidates"].update(criteria=["z", "a"]), "criteria must be sorted"),
        (lambda d: d["candidates"].update(capacities=[-1]), "capacities must be >= 0"),
    ],
)
def test_a_malformed_matching_document_is_an_error(change: Any, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        io.load(Matching, broken(change))


def test_a_total_weight_summed_another_way_is_accepted() -> None:
    back = io.load(Matching, broken(lambda d: d.update(total_weight=2.0 + 1e-12)))
    assert back.total_weight == 2.0 + 1e-12


def test_a_schema_rejects_unknown_fields() -> None:
    doc = broken(lambda d: d.update(_context={}))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, io.schema("Matching"))
    with pytest.raises(InvalidInputError, match="_context"):
        io.load(Matching, doc)


# ---------------------------------------------------------------- reprs


def test_reprs_are_one_line_with_key_figures() -> None:
    graph, result = sample_matching()
    mentee = next(iter(result.pairs))
    other = match(graph, method="greedy")
    reprs = {
        "Matching": repr(result),
        "MatchExplanation": repr(result.explain(mentee)),
        "MatchSummary": repr(result.summary()),
        "MatchDiff": repr(result.diff(other)),
        "Candidates": repr(result.candidates),
        "MentorLoad": repr(result.summary().mentor_loads[0]),
        "Criteria": repr(graph.graph.get("criteria")),
    }
    for name, text in reprs.items():
        assert text.startswith(f"{name}("), text
        assert "\n" not in text
        assert len(text) < 160, text
    assert reprs["Matching"].startswith("Matching(optimal: 194 of 194 mentees matched, ")
    assert reprs["Matching"].endswith(", 16 mentors)")
    assert reprs["Candidates"].startswith("Candidates(194 mentees, 16 mentors, ")
    assert reprs["Criteria"] == "Criteria(cross_unit=3.0, as_of=2025)"


def test_reprs_of_role_typed_and_loaded_matchings() -> None:
    graph: nx.Graph[Any] = nx.Graph()
    graph.add_nodes_from(["a", "b"], bipartite=0)
    graph.add_nodes_from(
        [("g", {"role": "growth", "capacity": 2}), ("p", {"role": "practice"})], bipartite=1
    )
    graph.add_weighted_edges_from([("a", "g", 1.0), ("a", "p", 2.5), ("b", "g", 2.0)])
    graph.graph["roles"] = ("growth", "practice")
    result = match(graph)
    assert repr(result) == (
        "Matching(optimal, roles growth/practice: "
        "2 of 2 mentees matched, 3 pairs, total weight 5.5, 2 mentors)"
    )
    assert repr(result.by_role["growth"]) == (
        "Matching(optimal, role growth: 2 of 2 mentees matched, total weight 3, 1 mentors)"
    )
    back = through_text(result)
    assert repr(back) == repr(result)
    assert repr(back.by_role["growth"]) == repr(result.by_role["growth"])


def test_records_can_be_built_by_hand() -> None:
    ex = MatchExplanation(
        mentee="a", mentors=["m"], weight=1.0, contributions=[{"x": 1.0}], alternatives=[]
    )
    assert ex.components == {"m": {"x": 1.0}}
    assert through_text(ex) == ex
    with pytest.raises(InvalidInputError, match="one entry per mentor"):
        MatchExplanation(mentee="a", mentors=["m"], weight=1.0, contributions=[], alternatives=[])
    load = MentorLoad(mentor="m", mentees=1, capacity=2, units={"u": 1})
    summary = MatchSummary(
        n_mentees=1,
        n_matched=1,
        n_pairs=1,
        total_weight=1.0,
        cross_unit_share=None,
        mentor_loads=[load],
        rank_profile={1: 1},
        worst_off="a",
    )
    assert summary.units == {"m": {"u": 1}}
    assert summary.cohorts == {"m": {}}
    assert through_text(summary) == summary
    diff = MatchDiff(added=[["a", "m"]], removed=[], moved=["a"], kept=0)
    assert diff.added == (("a", "m"),)
    assert through_text(diff) == diff


def test_candidates_check_their_columns() -> None:
    _, result = sample_matching()
    table = result.candidates
    assert isinstance(table, Candidates)
    assert table == through_text(table)
    assert table != "a table"
    with pytest.raises(InvalidInputError, match="mentees must be a one-dimensional object array"):
        attrs.evolve(table, mentees=("a",))  # type: ignore[arg-type]


def test_records_with_ids_a_document_cannot_hold_fail_to_load() -> None:
    graph: nx.Graph[Any] = nx.Graph([((1, 2), "m", {"weight": 1.0}), ("a", "m", {"weight": 2.0})])
    nx.set_node_attributes(graph, {(1, 2): 0, "a": 0, "m": 1}, "bipartite")
    result = match(graph)
    records: list[Any] = [result.explain((1, 2)), result.diff(match(graph, pinned={(1, 2): "m"}))]
    summary = match(graph, pinned={(1, 2): "m"}).summary()
    records.append(summary)
    assert summary.worst_off == (1, 2)
    for record in records:
        doc = json.loads(json.dumps(io.dump(record)))  # a tuple id is written as a list
        with pytest.raises(InvalidInputError, match=r"must hold ids \(text or integers\)"):
            io.load(type(record), doc)


def test_candidates_need_unique_ids() -> None:
    doc = broken(lambda d: d["candidates"].update(mentees=["a", "a"]))
    with pytest.raises(InvalidInputError, match="mentees must be unique"):
        io.load(Matching, doc)
    doc = broken(lambda d: d["candidates"].update(mentors=[["m"]]))
    with pytest.raises(InvalidInputError, match="mentors must be ids"):
        io.load(Matching, doc)


# ------------------------------------------------------------ hostile input

hostile = hostile_values(" m ")


class _Bad:
    """``BAD[x]`` is ``x`` typed as ``Any``: a wrong value passed on purpose."""

    def __getitem__(self, value: Any) -> Any:
        return value


BAD = _Bad()


def _results() -> list[Any]:
    graph, result = sample_matching()
    other = match(graph, method="greedy")
    mentee = next(u for u, d in graph.nodes(data=True) if d["bipartite"] == 0)
    summary = result.summary()
    return [
        result,
        result.candidates,
        result.diff(other),
        result.explain(mentee),
        summary,
        summary.mentor_loads[0],
    ]


RESULTS = _results()


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(RESULTS), st.data())
def test_results_built_from_hostile_fields_are_named_errors_or_round_trip(
    record: Any, data: st.DataObject
) -> None:
    cls, _, built = rebuilt_with_hostile_field(record, data, hostile)
    if isinstance(built, InvalidInputError):  # named: the record, then what must hold
        assert str(built).startswith(cls.__name__)
        assert " must " in str(built)
        return
    back = outcome(lambda: io.load(cls, io.dump(built)))
    if isinstance(back, InvalidInputError):  # an id a document cannot hold, such as a tuple
        assert "ids (text or integers)" in str(back)
        return
    assert back == built


@pytest.mark.parametrize("record", RESULTS, ids=lambda r: type(r).__name__)
def test_results_built_by_hand_from_their_fields_are_equal(record: Any) -> None:
    built = type(record)(**init_fields(record))
    assert built == record
    assert io.load(type(built), io.dump(built)) == built


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: MatchDiff(added=None, removed=[], moved=[], kept=0), "added must be a collection"),
        (lambda: MatchDiff(added=["am"], removed=[], moved=[], kept=0), r"\(mentee, mentor\)"),
        (lambda: MatchDiff(added=[([], "m")], removed=[], moved=[], kept=0), "must hold ids"),
        (lambda: MatchDiff(added=[], removed=[], moved=[[1]], kept=0), "moved must hold ids"),
        (lambda: MatchDiff(added=[], removed=[], moved=[], kept=-1), "kept must be an integer"),
        (
            lambda: MatchDiff(added=[], removed=[], moved=[], kept=BAD["1"]),
            "kept must be an integer",
        ),
        (
            lambda: MatchExplanation(
                mentee="a", mentors=[], weight=float("nan"), contributions=[], alternatives=[]
            ),
            "weight must be a finite number",
        ),
        (
            lambda: MatchExplanation(
                mentee="a", mentors=["m"], weight=1, contributions=[{"x": "1"}], alternatives=[]
            ),
            "contributions must hold mappings",
        ),
        (
            lambda: MatchExplanation(
                mentee="a", mentors=[], weight=1, contributions=[], alternatives=[("m", 1.0)]
            ),
            r"alternatives must hold \(mentor, weight, why not\)",
        ),
        (
            lambda: MatchExplanation(
                mentee="a", mentors=[], weight=1, contributions=[], alternatives=None
            ),
            "alternatives must be a collection",
        ),
        (
            lambda: MatchExplanation(
                mentee="a", mentors=[], weight=1, contributions=[], alternatives=[], forbidden=[1]
            ),
            r"forbidden must hold \(mentor, why\)",
        ),
        (
            lambda: MatchExplanation(
                mentee="a",
                mentors=[],
                weight=1,
                contributions=[],
                alternatives=[],
                reason=BAD[None],
            ),
            "reason must be text",
        ),
        (
            lambda: MentorLoad(mentor="m", mentees=1, capacity=BAD[1.5]),
            "capacity must be an integer",
        ),
        (lambda: MentorLoad(mentor="m", mentees=1, capacity=1, units={"u": -1}), "units must map"),
        (lambda: MentorLoad(mentor="m", mentees=1, capacity=1, units=None), "units must map"),
        (
            lambda: MatchSummary(
                n_mentees=1,
                n_matched=1,
                n_pairs=1,
                total_weight=1.0,
                cross_unit_share=2.0,
                mentor_loads=[],
                rank_profile={},
            ),
            r"cross_unit_share must be None or a number in \[0, 1\]",
        ),
        (
            lambda: MatchSummary(
                n_mentees=BAD[None],
                n_matched=1,
                n_pairs=1,
                total_weight=1.0,
                cross_unit_share=None,
                mentor_loads=[],
                rank_profile={},
            ),
            "n_mentees must be an integer",
        ),
        (
            lambda: MatchSummary(
                n_mentees=1,
                n_matched=1,
                n_pairs=1,
                total_weight=1.0,
                cross_unit_share=None,
                mentor_loads=[1],
                rank_profile={},
            ),
            "mentor_loads must hold MentorLoad records",
        ),
        (
            lambda: MatchSummary(
                n_mentees=1,
                n_matched=1,
                n_pairs=1,
                total_weight=1.0,
                cross_unit_share=None,
                mentor_loads=[],
                rank_profile={0: 1},
            ),
            "rank_profile must map ranks",
        ),
    ],
)
def test_hand_built_results_name_the_record_and_the_field(build: Any, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as info:
        build()
    assert str(info.value).split(":")[0] in {"MatchDiff", "MatchExplanation", "MentorLoad",
                                            "MatchSummary"}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"method": ["optimal"]}, "method must be one of"),
        ({"total_weight": "2"}, "total_weight must be a finite number"),
        ({"total_weight": 10**400}, "total_weight must be a finite number"),
        ({"assignments": None}, "assignments must be a collection"),
        ({"assignments": [("a", "m", "x")]}, r"assignments must hold \(mentee, mentor\) pairs"),
        ({"role": 1}, "role must be None or text"),
        ({"by_role": None}, "by_role must map roles"),
        ({"by_role": {"growth": 1}}, r"by_role must map roles \(text\) to Matching"),
    ],
)
def test_a_hand_built_matching_names_the_field(change: dict[str, Any], message: str) -> None:
    fields = init_fields(RESULTS[0]) | change
    with pytest.raises(InvalidInputError, match=f"^Matching: {message}"):
        Matching(**fields)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mentee_units": None}, "mentee_units must be a tuple of strings or None"),
        ({"reasons": [""]}, "reasons must be a tuple of strings"),
        ({"criteria": (1,)}, "criteria must be a tuple of strings"),
        ({"forbidden": (("a", "m"),)}, r"forbidden must be a tuple of \(mentee, mentor, why\)"),
        ({"forbidden": (([], "m", "why"),)}, "forbidden must hold ids"),
        ({"mentees": np.array([[1], [2]], dtype=object)}, "mentees must be a one-dimensional"),
        ({"pair_weights": None}, "pair_weights must be a one-dimensional float64 array"),
    ],
)
def test_a_hand_built_candidates_table_names_the_column(
    change: dict[str, Any], message: str
) -> None:
    fields = init_fields(RESULTS[1]) | change
    with pytest.raises(InvalidInputError, match=f"^Candidates: {message}"):
        Candidates(**fields)


def test_candidates_with_unhashable_ids_are_named_errors() -> None:
    table = RESULTS[1]
    mentees = table.mentees.copy()
    mentees[0] = ([],)  # a tuple is Hashable by type, yet cannot be hashed
    with pytest.raises(InvalidInputError, match=r"^Candidates: mentees must be ids"):
        attrs.evolve(table, mentees=mentees)
