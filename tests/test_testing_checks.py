"""Tests for cadredev.testing checkers: check_scheme, assert_*, check_matching, AssessmentYear."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test

from cadredev import Cadre, InvalidInputError
from cadredev.datasets import sample_scheme
from cadredev.scoring import (
    Exemption,
    Grade,
    Indicator,
    Linear,
    LookupTable,
    MinMax,
    Records,
    Scheme,
    ScoreTable,
    Target,
    score,
)
from cadredev.testing import (
    ALL,
    AssessmentYear,
    PropertyReport,
    assert_exemption_safe,
    assert_independent,
    assert_matching,
    assert_quota_respected,
    assert_scheme,
    assert_scheme_property,
    assessment_year,
    bipartite_graphs,
    check_matching,
    check_scheme,
)

VISITS = Indicator(id="visits", normalise=Target(0, 20, stretch=30, cap=1.2), weight=2)
SIGNED = Indicator(id="signed", normalise=Target(0, 2), weight=3)


def fixed_scheme(**options: Any) -> Scheme:
    return Scheme(name="fixed", indicators={"investment": [VISITS, SIGNED]}, **options)


# ------------------------------------------------------------------ the battery


def test_the_sample_scheme_has_every_property() -> None:
    report = check_scheme(sample_scheme(), max_examples=30)
    assert report.ok, str(report)
    assert tuple(report.results) == ALL
    assert len(ALL) >= 12
    for name in ALL:
        assert report.results[name].holds
        assert report.results[name].counterexample is None
        assert report.results[name].examples >= 1
    # worst cases are reported: an added cadre moves another's rank by at most one
    independence = report.results["independence"]
    assert independence.worst is not None
    assert independence.worst <= 1
    cliff = report.results["own_monotonicity"]
    assert cliff.worst is not None
    assert cliff.worst_case is not None


def test_a_min_max_scheme_fails_independence_with_a_small_counterexample() -> None:
    relative = Scheme(
        name="relative",
        indicators={"investment": [attrs.evolve(VISITS, normalise=MinMax()), SIGNED]},
    )
    report = check_scheme(relative, properties=["independence", "boundedness"], max_examples=60)
    assert not report.ok
    assert report.failed == ("independence",)
    result = report.results["independence"]
    assert not result.holds
    example = result.counterexample
    assert example is not None
    assert len(example.cadres) <= 2
    text = str(example)
    assert "total" in text
    assert "moved" in text
    assert "independence: FAILS" in str(report)


def _without(scheme: Scheme, indicator_id: str) -> Scheme:
    """The scheme with one indicator's weight set to zero (dropped, weights renormalised)."""
    inds = {
        line: [attrs.evolve(i, weight=0.0) if i.id == indicator_id else i for i in items]
        for line, items in scheme.indicators.items()  # type: ignore[union-attr]
    }
    return attrs.evolve(scheme, indicators=inds)


def drop_and_renormalise(
    scheme: Scheme,
    cadres: Sequence[Cadre],
    records: Records,
    *,
    exemptions: Sequence[Exemption] = (),
) -> ScoreTable:
    """A broken exemption policy: a waived indicator is dropped and the weights renormalised."""
    table = score(scheme, cadres, records)
    total = table.total.copy()
    people = {c.id: c for c in cadres}
    for e in exemptions:
        if e.policy != "waive" or e.target not in scheme.indicator_ids:
            continue
        line = people[e.cadre_id].line
        rest = [i for i in scheme.for_line(line) if i.id != e.target]
        if not rest or all(i.weight == 0 for i in rest) or e.period not in records.periods:
            continue
        if e.cadre_id not in records.cadres:
            continue
        mine = records.select(cadres=[e.cadre_id], periods=[e.period])
        if mine.n_rows == 0:
            continue
        again = score(_without(scheme, e.target), [people[e.cadre_id]], mine)
        rows = np.nonzero((table.cadre_ids == e.cadre_id) & (table.periods == e.period))[0]
        total[rows] = again.total[0]
    return attrs.evolve(table, total=total)


def test_a_broken_exemption_policy_fails_non_penalisation() -> None:
    report = check_scheme(
        sample_scheme(),
        properties=["exemption_safety", "exemption_locality"],
        scorer=drop_and_renormalise,
        max_examples=100,
    )
    result = report.results["exemption_safety"]
    assert not result.holds
    assert result.counterexample is not None
    assert "lowered" in result.counterexample.description
    assert result.worst is not None
    assert result.worst > 0
    assert report.results["exemption_locality"].holds


def test_the_real_policy_passes_where_the_broken_one_fails() -> None:
    assert_exemption_safe(sample_scheme(), max_examples=30)


def test_include_all_ties_break_the_quota() -> None:
    report = check_scheme(
        fixed_scheme(ties="include_all", group_by=None),
        properties=["quota", "equal_treatment"],
        max_examples=50,
    )
    assert report.failed == ("quota",)
    example = report.results["quota"].counterexample
    assert example is not None
    assert "quota" in example.description


def test_an_exact_quota_cannot_treat_ties_equally() -> None:
    report = check_scheme(
        fixed_scheme(ties="secondary_keys", group_by=None),
        properties=["quota", "equal_treatment", "grade_monotonicity"],
        max_examples=50,
    )
    assert report.failed == ("equal_treatment",)
    example = report.results["equal_treatment"].counterexample
    assert example is not None
    assert "both scored" in example.description


def test_an_unclipped_scale_breaks_boundedness() -> None:
    scheme = Scheme(
        name="unbounded",
        indicators={"investment": [Indicator(id="visits", normalise=Linear(0, 20, clip=False))]},
    )
    report = check_scheme(scheme, properties=["boundedness"], max_examples=60)
    assert not report.ok
    example = report.results["boundedness"].counterexample
    assert example is not None
    assert "outside" in example.description


def test_a_score_cliff_breaks_own_monotonicity() -> None:
    def cliff(scheme: Scheme, cadres: Any, records: Records, **kw: Any) -> ScoreTable:
        table = score(scheme, cadres, records, **kw)
        # over-achievement is punished: beyond 100 the score falls again
        total = np.where(table.total > 100, 200 - table.total, table.total)
        return attrs.evolve(table, total=total)

    report = check_scheme(fixed_scheme(), properties=["own_monotonicity"], scorer=cliff)
    result = report.results["own_monotonicity"]
    assert not result.holds
    assert result.counterexample is not None
    assert "lowered" in result.counterexample.description


def test_a_crashing_scorer_breaks_totality() -> None:
    def fragile(scheme: Scheme, cadres: Any, records: Records, **kw: Any) -> ScoreTable:
        if len(records.periods) > 1:
            raise ZeroDivisionError("two periods")
        return score(scheme, cadres, records, **kw)

    report = check_scheme(fixed_scheme(), properties=["totality"], scorer=fragile)
    example = report.results["totality"].counterexample
    assert example is not None
    assert "raised ZeroDivisionError" in example.description


def test_an_order_dependent_scorer_breaks_permutation_invariance() -> None:
    def first_wins(scheme: Scheme, cadres: Any, records: Records, **kw: Any) -> ScoreTable:
        table = score(scheme, cadres, records, **kw)
        first = next(iter(cadres)).id
        return attrs.evolve(table, total=np.where(table.cadre_ids == first, 100.0, table.total))

    report = check_scheme(
        fixed_scheme(),
        properties=["permutation_invariance"],
        scorer=first_wins,
        max_examples=30,
        max_cadres=3,
    )
    assert not report.ok


def test_a_veto_ignoring_scorer_breaks_veto_caps() -> None:
    scheme = fixed_scheme(vetoes=[attrs.evolve(sample_scheme().vetoes[0])])

    def no_caps(sch: Scheme, cadres: Any, records: Records, **kw: Any) -> ScoreTable:
        table = score(sch, cadres, records, **kw)
        return attrs.evolve(table, grade_code=np.zeros_like(table.grade_code))

    report = check_scheme(scheme, properties=["veto_caps"], scorer=no_caps, max_examples=60)
    assert not report.ok
    assert report.results["veto_caps"].note == ""


def test_weights_matter_only_relatively() -> None:
    report = check_scheme(fixed_scheme(), properties=["weight_homogeneity"], max_examples=20)
    assert report.ok


def test_reports_are_deterministic_for_a_seed() -> None:
    relative = Scheme(name="relative", indicators=[Indicator(id="x", normalise=MinMax())])
    a = check_scheme(relative, properties=["independence"], max_examples=30, seed=3, max_cadres=3)
    b = check_scheme(relative, properties=["independence"], max_examples=30, seed=3, max_cadres=3)
    assert str(a) == str(b)
    assert a == b


def test_check_scheme_writes_no_example_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    relative = Scheme(name="relative", indicators=[Indicator(id="x", normalise=MinMax())])
    check_scheme(relative, properties=["independence"], max_examples=20, max_cadres=3)
    assert not (tmp_path / ".hypothesis").exists()


# -------------------------------------------------------------------- rendering


def test_report_renders_as_text_and_escaped_html() -> None:
    scheme = Scheme(name="<b>&", indicators=[Indicator(id="x", normalise=MinMax())])
    report = check_scheme(
        scheme, properties=["independence", "veto_caps"], max_examples=30, max_cadres=3
    )
    text = str(report)
    assert text.startswith("scheme '<b>&': 2 properties checked, 1 fail (independence)")
    assert "vacuous: the scheme has no vetoes" in text
    assert "counterexample:" in text
    page = report._repr_html_()
    assert "&lt;b&gt;&amp;" in page
    assert "<b>&" not in page
    assert "<table>" in page


def test_report_to_pandas() -> None:
    report = check_scheme(fixed_scheme(), properties=["quota"], max_examples=5)
    frame = report.to_pandas()
    assert list(frame["property"]) == ["quota"]
    assert bool(frame["holds"].iloc[0])


@settings(max_examples=2, database=None, suppress_health_check=[HealthCheck.nested_given])
@given(st.sampled_from([0.1, 0.2]))
def test_check_scheme_runs_inside_a_hypothesis_test(quota: float) -> None:
    scheme = fixed_scheme(grades=(Grade("excellent", quota=quota), Grade("competent")))
    assert check_scheme(scheme, properties=["quota"], max_examples=3).ok


# --------------------------------------------------------------------- helpers


def test_assert_helpers_pass_and_fail() -> None:
    scheme = fixed_scheme()
    assert assert_independent(scheme, max_examples=10).holds
    assert assert_quota_respected(scheme, max_examples=10).holds
    assert assert_scheme_property(scheme, "veto_caps", max_examples=5).note.startswith("vacuous")
    assert isinstance(assert_scheme(scheme, properties="quota", max_examples=5), PropertyReport)
    relative = Scheme(name="relative", indicators=[Indicator(id="x", normalise=MinMax())])
    with pytest.raises(AssertionError, match="independence: FAILS"):
        assert_independent(relative, max_examples=30, max_cadres=3)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"properties": ["fairness"]}, "unknown property 'fairness'"),
        ({"properties": []}, "properties must not be empty"),
        ({"max_examples": 0}, "max_examples must be an integer >= 1"),
        ({"max_examples": True}, "max_examples must be an integer >= 1"),
        ({"max_cadres": 1}, "max_cadres must be >= 2"),
        ({"units": []}, "units must be non-empty strings"),
        ({"scorer": "score"}, "scorer must be callable"),
    ],
)
def test_check_scheme_checks_arguments(options: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidInputError, match=fragment):
        check_scheme(fixed_scheme(), **options)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_check_scheme_checks_the_seed(seed: Any) -> None:
    with pytest.raises(InvalidInputError, match="check_scheme: seed must be None, an integer >= 0"):
        check_scheme(fixed_scheme(), properties="quota", max_examples=1, seed=seed)


def test_check_scheme_takes_a_numpy_generator_as_seed() -> None:
    relative = Scheme(name="relative", indicators=[Indicator(id="x", normalise=MinMax())])

    def report(seed: Any) -> str:
        found = check_scheme(relative, properties="independence", max_examples=30, seed=seed)
        return str(found)

    assert report(np.random.default_rng(7)) == report(np.random.default_rng(7))
    assert report(np.int64(3)) == report(3)


def test_check_scheme_rejects_non_schemes() -> None:
    with pytest.raises(InvalidInputError, match="scheme must be a Scheme"):
        check_scheme("scheme")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="name must be a string"):
        assert_scheme_property(fixed_scheme(), 3)  # type: ignore[arg-type]


def test_a_lookup_scheme_passes_the_battery_quickly() -> None:
    scheme = Scheme(
        name="steps",
        indicators={
            "service": [
                Indicator(id="issues", normalise=LookupTable([(1, 0.5), (3, 0.8), (5, 1.0)])),
                Indicator(id="days", direction="min", normalise=Target(10, 5), weight=2),
            ]
        },
        grades=(Grade("excellent", quota=0.3), Grade("competent")),
        quota_rounding="half_up",
    )
    report = check_scheme(scheme, max_examples=15)
    assert report.ok, str(report)


# -------------------------------------------------------------------- matching


def greedy(graph: nx.Graph[str]) -> dict[str, str]:
    """Highest weight first, ties by id (a reference built only for these tests)."""
    room = {n: d.get("capacity", 1) for n, d in graph.nodes(data=True) if d["bipartite"] == 1}
    pairs: dict[str, str] = {}
    edges: list[tuple[float, str, str]] = []
    for u, v in graph.edges():
        e, m = (u, v) if graph.nodes[u]["bipartite"] == 0 else (v, u)
        edges.append((-float(graph.edges[u, v]["weight"]), e, m))
    for _, e, m in sorted(edges):
        if e not in pairs and room[m] > 0:
            pairs[e] = m
            room[m] -= 1
    return pairs


def deferred_acceptance(graph: nx.Graph[str]) -> dict[str, str]:
    """Mentee-proposing deferred acceptance by weight, ties by id."""
    mentees = sorted(n for n, d in graph.nodes(data=True) if d["bipartite"] == 0)

    def rank_of(e: str, m: str) -> tuple[float, str]:
        return (-float(graph.edges[e, m]["weight"]), m)

    def mentor_rank(m: str, e: str) -> tuple[float, str]:
        return (-float(graph.edges[e, m]["weight"]), e)

    prefs = {e: sorted(graph.neighbors(e), key=functools.partial(rank_of, e)) for e in mentees}
    nxt = dict.fromkeys(mentees, 0)
    held: dict[str, list[str]] = {}
    free = list(mentees)
    while free:
        e = free.pop()
        if nxt[e] >= len(prefs[e]):
            continue
        m = prefs[e][nxt[e]]
        nxt[e] += 1
        cap = graph.nodes[m]["capacity"]
        held.setdefault(m, []).append(e)
        held[m].sort(key=functools.partial(mentor_rank, m))
        while len(held[m]) > cap:
            free.append(held[m].pop())
    return {e: m for m, es in held.items() for e in es}


@given(bipartite_graphs())
def test_greedy_matchings_are_valid_and_within_capacity(graph: nx.Graph[str]) -> None:
    report = check_matching(graph, greedy(graph))
    assert report.results["valid"].holds
    assert report.results["within_capacity"].holds
    assert "stable" not in report.results


@given(bipartite_graphs())
def test_deferred_acceptance_is_stable(graph: nx.Graph[str]) -> None:
    assert_matching(graph, deferred_acceptance(graph), stable=True)


@given(bipartite_graphs(max_mentees=4, max_mentors=2), st.data())
def test_stability_agrees_with_brute_force(graph: nx.Graph[str], data: st.DataObject) -> None:
    pairs = greedy(graph)
    report = check_matching(graph, pairs, stable=True)
    load: dict[str, int] = {}
    for m in pairs.values():
        load[m] = load.get(m, 0) + 1
    blocking = False
    for u, v in graph.edges():
        w = float(graph.edges[u, v]["weight"])
        e, m = (u, v) if graph.nodes[u]["bipartite"] == 0 else (v, u)
        if pairs.get(e) == m:
            continue
        mine = pairs.get(e)
        if mine is not None and graph.edges[e, mine]["weight"] >= w:
            continue
        cap = graph.nodes[m]["capacity"]
        held = [x for x, y in pairs.items() if y == m]
        if len(held) < cap or any(graph.edges[x, m]["weight"] < w for x in held):
            blocking = True
    assert report.results["stable"].holds == (not blocking)


def test_check_matching_reports_each_violation() -> None:
    g: nx.Graph[str] = nx.Graph()
    g.add_nodes_from(["a", "b", "c"], bipartite=0)
    g.add_node("m", bipartite=1, capacity=1)
    g.add_node("n", bipartite=1, capacity=1)
    g.add_edge("a", "m", weight=1.0)
    g.add_edge("b", "m", weight=2.0)
    report = check_matching(g, {"a": "m", "b": "m"}, stable=True)
    assert set(report.failed) == {"within_capacity"}
    capacity = report.results["within_capacity"].counterexample
    assert capacity is not None
    assert "m holds 2 mentees but has capacity 1" in str(capacity)
    assert check_matching(g, {"c": "m"}).failed == ("valid",)
    assert check_matching(g, {"a": "zz"}).failed == ("valid", "within_capacity")
    assert check_matching(g, {"m": "a"}).failed[0] == "valid"

    @attrs.frozen
    class Result:
        pairs: dict[str, str]
        unmatched: tuple[str, ...]

    ok = check_matching(g, Result({"b": "m"}, ("a", "c")), stable=True)
    assert ok.ok, str(ok)
    wrong = check_matching(g, Result({"b": "m"}, ("a",)))
    assert wrong.failed == ("unmatched_listed",)
    with pytest.raises(AssertionError, match="within_capacity"):
        assert_matching(g, {"a": "m", "b": "m"})


def test_check_matching_uses_side_scores_for_stability() -> None:
    g: nx.Graph[str] = nx.Graph()
    g.add_nodes_from(["a", "b"], bipartite=0)
    g.add_node("m", bipartite=1, capacity=1)
    g.add_edge("a", "m", weight=5.0, mentee_score=1.0, mentor_score=1.0)
    g.add_edge("b", "m", weight=1.0, mentee_score=1.0, mentor_score=9.0)
    assert check_matching(g, {"a": "m"}, stable=True).failed == ("stable",)
    assert check_matching(g, {"b": "m"}, stable=True).ok


def test_check_matching_rejects_bad_arguments() -> None:
    g: nx.Graph[str] = nx.Graph()
    with pytest.raises(InvalidInputError, match="pairs mapping"):
        check_matching(g, ["a", "m"])
    with pytest.raises(InvalidInputError, match="must be a networkx graph"):
        check_matching("graph", {})  # type: ignore[arg-type]


# ----------------------------------------------------------------- state machine

TestAssessmentYear = AssessmentYear.TestCase
TestAssessmentYear.settings = settings(
    max_examples=8,
    stateful_step_count=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_an_assessment_year_on_a_custom_scheme() -> None:
    year = assessment_year(fixed_scheme(), pool=12345.67, units=("招商局",), max_cadres=6)
    assert year.pool == 12345.67
    run_state_machine_as_test(
        year, settings=settings(max_examples=5, stateful_step_count=30, database=None)
    )


def test_the_invariants_catch_a_broken_year() -> None:
    year = assessment_year(fixed_scheme(ties="include_all", group_by=None))
    machine = year()
    people = [
        Cadre(id=f"c{i}", name="x", birth_year=1990, rank="section", unit="u", line="investment")
        for i in range(5)
    ]
    rows = [(c.id, "2025-01", k, v) for c in people for k, v in (("visits", 20.0), ("signed", 2.0))]
    machine.roster = {c.id: c for c in people}
    machine.rows = rows
    machine.months = 1
    machine._close("2025Q1", ["2025-01"], "quarter")
    with pytest.raises(AssertionError, match="the quota gives 1"):
        machine.quota_never_exceeded()
    machine.exemptions_never_lower_scores()
    machine.pay_out()
    machine.pay_sums_to_pool()
    # a payout that no longer sums to its pool (set past the record's own check)
    object.__setattr__(machine.payouts[0], "cents", machine.payouts[0].cents + 1)
    with pytest.raises(AssertionError, match="sums to"):
        machine.pay_sums_to_pool()


@pytest.mark.parametrize(
    ("args", "options", "fragment"),
    [
        (("scheme",), {}, "scheme must be a Scheme"),
        ((fixed_scheme(),), {"pool": -1.0}, "pool must be a finite number >= 0"),
        ((fixed_scheme(),), {"units": ()}, "units must not be empty"),
        ((fixed_scheme(),), {"max_cadres": 0}, "max_cadres must be >= 1"),
    ],
)
def test_assessment_year_checks_arguments(
    args: tuple[Any, ...], options: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(InvalidInputError, match=fragment):
        assessment_year(*args, **options)
