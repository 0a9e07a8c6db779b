"""Previous mentors: ignored, avoided, forbidden or preferred, and the optimum stays exact."""

from __future__ import annotations

import itertools
from typing import Any

import attrs
import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadredev import Cadre, Mentor, io
from cadredev.errors import InvalidInputError
from cadredev.matching import Criteria, Matching, Method, compatibility_graph, match
from cadredev.model import Mentorship
from test_matching import brute_force, check_valid

METHODS: tuple[Method, ...] = ("optimal", "stable", "greedy")
PREVIOUS = "previous mentor"

Roster = tuple[list[Cadre], list[Mentor]]


@st.composite
def histories(draw: st.DrawFn, *, max_n: int = 6, max_m: int = 4, max_capacity: int = 3) -> Roster:
    """Mentees with mentoring histories naming some of the mentors (and strangers)."""
    skills = ["communication", "judgment", "coordination"]
    trades = ["ai", "logistics", "stone"]
    level = st.floats(0, 1).map(lambda x: round(x, 2))
    units = st.sampled_from(["u0", "u1", "u2"])
    m = draw(st.integers(0, max_m))
    mentors = [
        Mentor(
            id=f"m{j}",
            unit=draw(units),
            capacity=draw(st.integers(0, max_capacity)),
            industries=draw(st.frozensets(st.sampled_from(trades))),
            competencies=draw(st.dictionaries(st.sampled_from(skills), level)),
            birth_year=draw(st.one_of(st.none(), st.integers(1960, 1990))),
        )
        for j in range(m)
    ]
    known = [x.id for x in mentors] + ["stranger"]
    cadres = []
    for i in range(draw(st.integers(0, max_n))):
        was = draw(st.lists(st.sampled_from(known), unique=True, max_size=len(known)))
        cadres.append(
            Cadre(
                id=f"c{i}",
                name="x",
                birth_year=draw(st.integers(1965, 2000)),
                rank="section",
                unit=draw(units),
                industries=draw(st.frozensets(st.sampled_from(trades))),
                competencies=draw(st.dictionaries(st.sampled_from(skills), level)),
                mentorships=[
                    Mentorship(mentor_id=b, start=2018 + k, end=draw(st.none() | st.just(2024)))
                    for k, b in enumerate(was)
                ],
            )
        )
    return cadres, mentors


def previous_pairs(cadres: list[Cadre], mentors: list[Mentor]) -> set[tuple[str, str]]:
    ids = {x.id for x in mentors}
    return {(c.id, s.mentor_id) for c in cadres for s in c.mentorships if s.mentor_id in ids}


def ample(mentors: list[Mentor], n: int) -> list[Mentor]:
    """The mentors with room for every mentee."""
    return [attrs.evolve(x, capacity=max(1, n)) for x in mentors]


def graph_of(roster: Roster, **options: Any) -> nx.Graph[Any]:
    return compatibility_graph(*roster, criteria=Criteria(as_of=2025, **options))


# ---------------------------------------------------------------- forbid


@settings(max_examples=50)
@given(histories(), st.sampled_from(METHODS))
def test_forbid_never_matches_a_previous_mentor(roster: Roster, method: Method) -> None:
    cadres, mentors = roster
    previous = previous_pairs(cadres, mentors)
    graph = graph_of(roster, previous_mentor="forbid")
    assert not any(graph.has_edge(a, b) for a, b in previous)
    result = match(graph, method=method)
    check_valid(graph, result)
    assert not set(result.assignments) & previous
    back = io.load(Matching, io.dump(result))
    for c in cadres:
        mine = {(b, PREVIOUS) for a, b in previous if a == c.id}
        assert set(result.explain(c.id).forbidden) == mine
        assert back.explain(c.id) == result.explain(c.id)
        if mine and graph.degree(c.id) == 0:
            assert result.unmatched[c.id] == (
                "forbidden: every candidate mentor is kept out (previous mentor)"
            )


def test_forbid_says_why_in_the_explanation() -> None:
    ana = Cadre(
        id="ana",
        name="安",
        birth_year=1995,
        rank="section",
        unit="u1",
        mentorships=[Mentorship(mentor_id="wang", start=2023, end=2024)],
    )
    bo = attrs.evolve(ana, id="bo", mentorships=())
    mentors = [Mentor(id="wang", unit="u2"), Mentor(id="li", unit="u2")]
    criteria = Criteria(previous_mentor="forbid")
    graph = compatibility_graph([ana, bo], mentors, criteria=criteria, forbid=[("bo", "li")])
    assert graph.graph["forbidden"] == {
        ("ana", "wang"): PREVIOUS,
        ("bo", "li"): "excluded (回避)",
    }
    result = match(graph)
    assert result.pairs == {"ana": "li", "bo": "wang"}
    text = str(result.explain("ana"))
    assert "not wang: forbidden: previous mentor" in text
    assert "not li: forbidden: excluded (回避)" in str(result.explain("bo"))
    assert repr(result.explain("ana")).endswith("; 0 alternatives, 1 forbidden)")
    # a required pair outranks the rule: it keeps its edge and its pair
    kept = compatibility_graph(
        [ana, bo], mentors, criteria=criteria, require=[("ana", "wang")], forbid=[("bo", "li")]
    )
    assert kept.has_edge("ana", "wang")
    assert ("ana", "wang") not in kept.graph["forbidden"]
    assert match(kept).pairs["ana"] == "wang"


def test_unmatched_reason_lists_every_kind_of_exclusion() -> None:
    ana = Cadre(
        id="ana",
        name="安",
        birth_year=1995,
        rank="section",
        unit="u1",
        mentorships=[Mentorship(mentor_id="wang", start=2023)],
    )
    mentors = [Mentor(id="wang", unit="u2"), Mentor(id="li", unit="u2")]
    graph = compatibility_graph(
        [ana], mentors, criteria=Criteria(previous_mentor="forbid"), forbid=[("ana", "li")]
    )
    assert match(graph).unmatched["ana"] == (
        "forbidden: every candidate mentor is kept out (excluded (回避); previous mentor)"
    )


# ---------------------------------------------------------------- avoid


@settings(max_examples=50)
@given(histories(), st.sampled_from(METHODS))
def test_avoid_with_a_large_penalty_gives_the_pairs_of_forbid(
    roster: Roster, method: Method
) -> None:
    cadres, mentors = roster
    roster = (cadres, ample(mentors, len(cadres)))
    previous = previous_pairs(*roster)
    forbid = match(graph_of(roster, previous_mentor="forbid"), method=method)
    avoid_graph = graph_of(roster, previous_mentor="avoid", previous_weight=100.0)
    avoid = match(avoid_graph, method=method)
    check_valid(avoid_graph, avoid)
    # mentees with a mentor who is not a previous one get the same pair
    others = {c.id for c in cadres if any((c.id, x.id) not in previous for x in mentors)}
    assert {p for p in avoid.assignments if p[0] in others} == {
        p for p in forbid.assignments if p[0] in others
    }
    assert not {p for p in avoid.assignments if p[0] in others} & previous
    if method == "optimal":  # a pair of negative weight is never worth taking
        assert avoid.assignments == forbid.assignments
        assert avoid.total_weight == pytest.approx(forbid.total_weight)


def test_avoid_shows_the_penalty_in_the_explanation() -> None:
    ana = Cadre(
        id="ana",
        name="安",
        birth_year=1995,
        rank="section",
        unit="u1",
        mentorships=[Mentorship(mentor_id="wang", start=2023)],
    )
    mentors = [Mentor(id="wang", unit="u2")]
    graph = compatibility_graph(
        [ana], mentors, criteria=Criteria(previous_mentor="avoid", previous_weight=0.5)
    )
    assert graph.edges["ana", "wang"]["components"]["previous_mentor"] == -0.5
    ex = match(graph).explain("ana")
    assert ex.components["wang"]["previous_mentor"] == -0.5
    assert "previous_mentor -0.5" in str(ex)


# ---------------------------------------------------------------- prefer


@pytest.mark.parametrize("method", METHODS)
def test_prefer_keeps_continuity_when_weights_tie(method: Method) -> None:
    ana = Cadre(
        id="ana",
        name="安",
        birth_year=1995,
        rank="section",
        unit="u1",
        mentorships=[Mentorship(mentor_id="zhao", start=2022, end=2024)],
    )
    twins = [Mentor(id="li", unit="u2"), Mentor(id="zhao", unit="u2")]
    ignore = match(compatibility_graph([ana], twins), method=method)
    assert ignore.pairs == {"ana": "li"}  # a tie, broken by id
    assert ignore.explain("ana").alternatives[0][2] == "equal weight; tie broken by id"
    criteria = Criteria(previous_mentor="prefer", previous_weight=0.25)
    prefer = match(compatibility_graph([ana], twins, criteria=criteria), method=method)
    assert prefer.pairs == {"ana": "zhao"}
    assert prefer.explain("ana").components["zhao"]["previous_mentor"] == 0.25


@settings(max_examples=50)
@given(histories(max_m=3), st.sampled_from(METHODS), st.data())
def test_prefer_never_leaves_a_previous_mentor_for_an_equal_one(
    roster: Roster, method: Method, data: st.DataObject
) -> None:
    mentors = roster[1]
    # each mentor gets a twin equal in all but id; a mentee's history names at most one
    twins = [attrs.evolve(x, id=f"{x.id}t") for x in mentors]
    everyone = ample(mentors + twins, len(roster[0]))
    pair_of = {x.id: f"{x.id}t" for x in mentors} | {f"{x.id}t": x.id for x in mentors}
    chosen = st.none() | st.sampled_from(sorted(pair_of)) if pair_of else st.none()
    cadres = []
    for c in roster[0]:
        was = data.draw(chosen)
        ships = [Mentorship(mentor_id=was, start=2020)] if was is not None else []
        cadres.append(attrs.evolve(c, mentorships=ships))
    previous = previous_pairs(cadres, everyone)
    graph = compatibility_graph(
        cadres, everyone, criteria=Criteria(as_of=2025, previous_mentor="prefer")
    )
    result = match(graph, method=method)
    check_valid(graph, result)
    for a, b in result.assignments:
        assert (str(a), pair_of[str(b)]) not in previous, (a, b)


# ---------------------------------------------------------------- exactness


@settings(max_examples=60)
@given(
    histories(max_n=4, max_m=3),
    st.sampled_from(["ignore", "avoid", "forbid", "prefer"]),
    st.sampled_from([0.0, 0.3, 1.0, 2.5]),
)
def test_optimal_with_history_matches_brute_force(roster: Roster, mode: Any, weight: float) -> None:
    graph = graph_of(roster, previous_mentor=mode, previous_weight=weight)
    result = match(graph)
    check_valid(graph, result)
    best, pairs = brute_force(graph)
    assert result.total_weight == pytest.approx(best)
    assert len(result.assignments) == pairs


@settings(max_examples=40)
@given(histories(), st.sampled_from(["avoid", "prefer"]), st.sampled_from([0.5, 2.0]))
def test_the_previous_component_is_the_signed_weight(
    roster: Roster, mode: Any, weight: float
) -> None:
    cadres, mentors = roster
    previous = previous_pairs(cadres, mentors)
    graph = graph_of(roster, previous_mentor=mode, previous_weight=weight)
    sign = -1.0 if mode == "avoid" else 1.0
    for a, b, d in graph.edges(data=True):
        mentee, mentor = (a, b) if graph.nodes[a]["bipartite"] == 0 else (b, a)
        expected = sign * weight if (mentee, mentor) in previous else 0.0
        assert d["components"]["previous_mentor"] == expected
        assert d["weight"] == sum(d["components"].values())
    plain = graph_of(roster)
    for a, b, d in plain.edges(data=True):
        assert "previous_mentor" not in d["components"]
        assert graph.edges[a, b]["weight"] == pytest.approx(
            d["weight"] + graph.edges[a, b]["components"]["previous_mentor"]
        )


# ---------------------------------------------------------------- options


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"previous_mentor": "never"}, "previous_mentor must be one of"),
        ({"previous_mentor": None}, "previous_mentor must be one of"),
        ({"previous_weight": -1}, "previous_weight must be a finite number >= 0"),
        ({"previous_weight": float("inf")}, "previous_weight must be a finite number >= 0"),
        ({"previous_weight": "1"}, "previous_weight must be a finite number >= 0"),
        ({"previous_weight": True}, "previous_weight must be a finite number >= 0"),
    ],
)
def test_bad_previous_options(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError, match=f"Criteria: {message}"):
        Criteria(**options)


def test_previous_options_round_trip_and_weights() -> None:
    for mode, sign in (("ignore", 0.0), ("avoid", -1.0), ("forbid", 0.0), ("prefer", 1.0)):
        criteria = Criteria(previous_mentor=mode, previous_weight=2)  # type: ignore[arg-type]
        assert io.load(Criteria, io.dump(criteria)) == criteria
        assert criteria.weights().get("previous_mentor", 0.0) == sign * 2.0
    doc = io.dump(Criteria())
    doc["data"]["previous_mentor"] = "sometimes"
    with pytest.raises(InvalidInputError, match="previous_mentor"):
        io.load(Criteria, doc)


def test_history_is_read_from_every_mentorship() -> None:
    ships = [
        Mentorship(mentor_id="li", start=2019, end=2020, role="growth"),
        Mentorship(mentor_id="wang", start=2024, role="grid"),  # current, another role
    ]
    ana = Cadre(id="ana", name="安", birth_year=1995, rank="section", unit="u", mentorships=ships)
    mentors = [Mentor(id=b, unit="v") for b in ("li", "wang", "zhao")]
    graph = compatibility_graph([ana], mentors, criteria=Criteria(previous_mentor="forbid"))
    assert graph.graph["previous"] == {("ana", "li"), ("ana", "wang")}
    assert [b for _, b in graph.edges("ana")] == ["zhao"]
    assert list(itertools.chain(graph.graph["forbidden"])) == [("ana", "li"), ("ana", "wang")]
