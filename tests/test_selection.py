"""Selection: squads against brute force and an independent CP-SAT model; the funnel; decisions."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import random
from collections.abc import Sequence
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadredev import Cadre, InfeasibleError, io
from cadredev.errors import InvalidInputError
from cadredev.events import Demoted, Left, Promoted
from cadredev.ledger import Ledger
from cadredev.scoring import Grade, Indicator, Records, Scheme, Target, score
from cadredev.selection import (
    Decision,
    Decisions,
    Diversity,
    Funnel,
    Nominee,
    Quota,
    QuotaConflict,
    Rejection,
    RuleCount,
    Stage,
    StageOutcome,
    decide,
    funnel,
    select_squad,
)
from cadredev.selection._squad import _optimum

LINES = ("investment", "project", "service")
UNITS = ("u1", "u2", "u3")
INDUSTRIES = ("stone", "logistics", "furniture", "plating")


def _cadre(k: int, line: str, unit: str, industries: Sequence[str], rank: str = "section") -> Cadre:
    return Cadre(
        id=f"c{k:02d}",
        name="",
        birth_year=1980 + k % 15,
        rank=rank,
        unit=unit,
        line=line,
        industries=frozenset(industries),
    )


@st.composite
def instances(draw: Any, max_n: int = 7) -> tuple[list[Cadre], int, list[Any], dict[str, float]]:
    n = draw(st.integers(0, max_n))
    cadres = [
        _cadre(
            k,
            draw(st.sampled_from(LINES)),
            draw(st.sampled_from(UNITS)),
            draw(st.lists(st.sampled_from(INDUSTRIES), max_size=2, unique=True)),
        )
        for k in range(n)
    ]
    size = draw(st.integers(0, n))
    rules: list[Any] = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["line", "unit", "industry", "each", "diversity"]))
        lo = draw(st.integers(0, 3))
        hi = draw(st.one_of(st.none(), st.integers(lo, 4)))
        if kind == "each":
            rules.append(Quota(by="unit", at_least=lo, at_most=hi))
        elif kind == "diversity":
            rules.append(Diversity(by="industry", at_least=lo))
        else:
            pool = {"line": LINES, "unit": UNITS, "industry": INDUSTRIES}[kind]
            rules.append(Quota(by=kind, value=draw(st.sampled_from(pool)), at_least=lo, at_most=hi))
    # whole fits take the one-solve path, halves the two-solve path
    half = draw(st.booleans())
    fit = {c.id: draw(st.integers(-10, 40)) / (2 if half else 1) for c in cadres}
    return cadres, size, rules, fit


def _values(c: Cadre, by: str) -> set[str]:
    if by == "industry":
        return set(c.industries)
    if by == "line":
        return {c.line.value} if c.line else set()
    if by == "rank":
        return {c.rank.value}
    return {getattr(c, by)}


def _violation(members: Sequence[Cadre], rules: Sequence[Any], everyone: Sequence[Cadre]) -> int:
    """Total people by which the rules are missed (independent of the library's compiler)."""
    total = 0
    for rule in rules:
        if isinstance(rule, Diversity):
            covered = set().union(*(_values(c, rule.by) for c in members)) if members else set()
            total += max(0, rule.at_least - len(covered))
            continue
        values = (
            [rule.value]
            if rule.value is not None
            else sorted(set().union(*(_values(c, rule.by) for c in everyone)))
        )
        for v in values:
            count = sum(v in _values(c, rule.by) for c in members)
            total += max(0, rule.at_least - count)
            if rule.at_most is not None:
                total += max(0, count - rule.at_most)
    return total


def _brute(
    cadres: list[Cadre], size: int, rules: list[Any], fit: dict[str, int]
) -> tuple[Any, int]:
    """Return (best total or None, least violation) over every subset of the size."""
    best: float | None = None
    least = 10**9
    for combo in itertools.combinations(cadres, size):
        v = _violation(combo, rules, cadres)
        least = min(least, v)
        if v == 0:
            total = sum(fit[c.id] for c in combo)
            best = total if best is None else max(best, total)
    return best, least


@settings(max_examples=60)
@given(instance=instances())
def test_squads_match_brute_force(instance: Any) -> None:
    cadres, size, rules, fit = instance
    squad = select_squad(cadres, size, composition=rules, fit=fit)
    best, least = _brute(cadres, size, rules, fit)
    assert squad.feasible == (best is not None)
    if best is None:
        assert squad.members == ()
        assert squad.conflicts
        assert sum(c.short_by for c in squad.conflicts) <= least
        assert squad.conflicts[0].short_by >= 1
        return
    chosen = [c for c in cadres if c.id in squad.members]
    assert len(chosen) == size
    assert _violation(chosen, rules, cadres) == 0
    assert squad.total_fit == best
    assert all(count.met for count in squad.counts)
    # ties: the earliest ids (least sum of positions) among the optimal squads
    positions = {c.id: k for k, c in enumerate(cadres)}
    optimal = [
        sum(positions[c.id] for c in combo)
        for combo in itertools.combinations(cadres, size)
        if _violation(combo, rules, cadres) == 0 and sum(fit[c.id] for c in combo) == best
    ]
    assert sum(positions[m] for m in squad.members) == min(optimal)


@settings(max_examples=25)
@given(instance=instances(), seed=st.integers(0, 10**6))
def test_input_order_does_not_change_the_squad(instance: Any, seed: int) -> None:
    cadres, size, rules, fit = instance
    shuffled = list(cadres)
    random.Random(seed).shuffle(shuffled)  # noqa: S311 (test data)
    assert select_squad(shuffled, size, composition=rules, fit=fit) == select_squad(
        cadres, size, composition=rules, fit=fit
    )


def _cp_sat(cadres: list[Cadre], size: int, rules: list[Any], fit: dict[str, int]) -> int | None:
    cp_model = pytest.importorskip("ortools.sat.python.cp_model")
    model = cp_model.CpModel()
    x = {c.id: model.NewBoolVar(c.id) for c in cadres}
    model.Add(sum(x.values()) == size)
    for rule in rules:
        if isinstance(rule, Diversity):
            values = sorted(set().union(*(_values(c, rule.by) for c in cadres)))
            covered = []
            for v in values:
                y = model.NewBoolVar(v)
                model.AddBoolOr(
                    [x[c.id] for c in cadres if v in _values(c, rule.by)]
                ).OnlyEnforceIf(y)
                covered.append(y)
            model.Add(sum(covered) >= rule.at_least)
            continue
        values = (
            [rule.value]
            if rule.value is not None
            else sorted(set().union(*(_values(c, rule.by) for c in cadres)))
        )
        for v in values:
            count = sum(x[c.id] for c in cadres if v in _values(c, rule.by))
            model.Add(count >= rule.at_least)
            if rule.at_most is not None:
                model.Add(count <= rule.at_most)
    model.Maximize(sum(fit[c.id] * x[c.id] for c in cadres))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    status = solver.Solve(model)
    if status == cp_model.INFEASIBLE:
        return None
    assert status == cp_model.OPTIMAL
    value: float = solver.ObjectiveValue()
    return round(value)


@pytest.mark.parametrize("seed", range(12))
def test_medium_squads_match_cp_sat(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 (test data)
    cadres = [
        _cadre(
            k,
            rng.choice(LINES),
            rng.choice(UNITS),
            rng.sample(INDUSTRIES, rng.randint(0, 2)),
            rank=rng.choice(["section", "division"]),
        )
        for k in range(40)
    ]
    fit = {c.id: rng.randint(0, 100) for c in cadres}
    rules: list[Any] = [
        Quota(by="line", value="investment", at_least=rng.randint(3, 9)),
        Quota(by="unit", at_most=rng.randint(4, 7)),
        Quota(by="rank", value="division", at_least=rng.randint(1, 6), at_most=8),
        Diversity(by="industry", at_least=rng.randint(2, 4)),
        Quota(by="industry", value=rng.choice(INDUSTRIES), at_least=rng.randint(0, 3)),
    ]
    size = rng.randint(8, 16)
    squad = select_squad(cadres, size, composition=rules, fit=fit)
    expected = _cp_sat(cadres, size, rules, fit)
    assert squad.feasible == (expected is not None)
    if expected is not None:
        assert squad.total_fit == expected
        # the one-solve lexicographic objective agrees with the two-solve reference
        problem = squad._problem
        one, two = _optimum(problem), _optimum(problem, two_pass=True)
        assert one is not None
        assert two is not None
        assert one[0].tolist() == two[0].tolist()


def test_quotas_summing_past_the_size_are_explained() -> None:
    cadres = [_cadre(k, LINES[k % 3], "u1", ()) for k in range(12)]
    squad = select_squad(
        cadres,
        5,
        composition=[
            Quota(by="line", value="investment", at_least=3),
            Quota(by="line", value="project", at_least=3),
            Quota(by="unit", value="u1", at_most=5),
        ],
    )
    assert not squad.feasible
    (conflict,) = squad.conflicts
    assert conflict.rules == ("line=investment: at least 3", "line=project: at least 3")
    assert conflict.short_by == 1
    assert "missed by 1 person" in str(conflict)
    with pytest.raises(InfeasibleError) as info:
        select_squad(
            cadres, 5, composition=[Quota(by="line", value="service", at_least=6)], strict=True
        )
    assert info.value.conflicts[0].short_by == 2  # only 4 service cadres


def test_named_errors() -> None:
    cadres = [_cadre(k, "investment", "u1", ()) for k in range(3)]
    with pytest.raises(InvalidInputError, match="size 4 is larger than the candidate pool"):
        select_squad(cadres, 4)
    with pytest.raises(InvalidInputError, match="fit has no value for candidate 'c02'"):
        select_squad(cadres, 1, fit={"c00": 1, "c01": 1})
    with pytest.raises(InvalidInputError, match="unknown attribute 'title'"):
        select_squad(cadres, 1, composition=[Quota(by="title", value="副局长", at_least=1)])
    with pytest.raises(InvalidInputError, match="as_of is required"):
        select_squad(cadres, 1, composition=[Quota(by="cohort", value="young", at_least=1)])
    with pytest.raises(InvalidInputError, match="Quota: at_most must be >= at_least"):
        Quota(by="line", at_least=3, at_most=2)
    with pytest.raises(InvalidInputError, match="listed twice"):
        select_squad([*cadres, cadres[0]], 1)


def test_labels_cohorts_and_explanations() -> None:
    cadres = [_cadre(k, "investment", UNITS[k % 3], ()) for k in range(6)]
    fit = {c.id: float(10 - k) for k, c in enumerate(cadres)}
    titles = {"c04": "副局长", "c05": "副局长"}
    squad = select_squad(
        cadres,
        3,
        fit=fit,
        labels={"title": titles},
        composition=[Quota(by="title", value="副局长", at_least=1), Quota(by="cohort", at_least=0)],
        as_of=2025,
    )
    assert squad.members == ("c00", "c01", "c04")
    assert squad.total_fit == 25.0
    assert squad.explain("c02") == (
        "c02 is not in the squad: fit 8; the best squad with c02 has total fit 24, 1 less than 25"
    )
    assert squad.explain("c04").startswith("c04 is in the squad: fit 6")
    events = squad.events(at=dt.date(2025, 3, 1), recorded_by="组织部", programme="驻深招商")
    assert [e.cadre_id for e in events] == list(squad.members)
    assert "Squad of 3" in squad._repr_html_()


@st.composite
def nominees_and_stages(draw: Any) -> tuple[list[Nominee], list[Stage]]:
    ids = draw(st.lists(st.sampled_from([f"n{k}" for k in range(12)]), unique=True, max_size=12))
    people = []
    for i in ids:
        route = draw(st.sampled_from(["self", "recommended", "organisational"]))
        people.append(
            Nominee(id=i, route=route, recommended_by="招商局" if route == "recommended" else None)
        )
    stages = []
    for k in range(draw(st.integers(0, 3))):
        scored = draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []
        stages.append(
            Stage(
                id=f"s{k}",
                scores={i: draw(st.integers(0, 100)) for i in scored},
                pass_mark=draw(st.one_of(st.none(), st.integers(0, 100))),
                top=draw(st.one_of(st.none(), st.integers(0, 6))),
                routes=draw(st.one_of(st.none(), st.just(["self", "recommended"]))),
            )
        )
    return people, stages


@given(case=nominees_and_stages(), seed=st.integers(0, 1000))
def test_funnel_accounts_for_every_nominee(case: Any, seed: int) -> None:
    people, stages = case
    result = funnel(people, stages)
    rejected = [r.nominee_id for r in result.rejections]
    assert len(rejected) == len(set(rejected))
    assert sorted(rejected + list(result.passed)) == sorted(p.id for p in people)
    for s, nxt in itertools.pairwise(result.stages):
        assert nxt.entered == s.passed
    for stage, outcome in zip(stages, result.stages, strict=True):
        if stage.top is not None:
            assert outcome.passed <= stage.top
    shuffled = list(people)
    random.Random(seed).shuffle(shuffled)  # noqa: S311 (test data)
    assert funnel(shuffled, stages) == result


def test_funnel_open_recruitment_15_shortlisted_5_hired() -> None:
    people = [Nominee(id=f"a{k:02d}", route="self") for k in range(40)]
    written = {p.id: 100 - 2 * k for k, p in enumerate(people)}
    interview = {f"a{k:02d}": 60 + (k * 7) % 40 for k in range(15)}
    result = funnel(
        people,
        [
            Stage(id="written", label="笔试", scores=written, top=15),
            Stage(id="interview", label="面试", scores=interview, top=5),
        ],
    )
    assert [(s.entered, s.passed) for s in result.stages] == [(40, 15), (15, 5)]
    assert len(result.passed) == 5
    assert "only the top 15 go on" in result.explain("a20")


def test_bad_nominees_and_stages() -> None:
    with pytest.raises(InvalidInputError, match="Nominee 'a': recommended_by must name"):
        Nominee(id="a", route="recommended")
    with pytest.raises(InvalidInputError, match="only for route 'recommended'"):
        Nominee(id="a", route="self", recommended_by="x")
    with pytest.raises(InvalidInputError, match="Stage 's': pass_mark and top need scores"):
        Stage(id="s", top=3)
    with pytest.raises(InvalidInputError, match="names people not nominated: zz"):
        funnel([Nominee(id="a", route="self")], [Stage(id="s", reject={"zz": "absent"})])


def _table() -> Any:
    scheme = Scheme(
        name="t",
        indicators={"investment": [Indicator(id="visits", normalise=Target(0, 100))]},
        grades=(
            Grade("excellent", "优秀", quota=0.5, min_score=85.0),
            Grade("competent", "称职", min_score=60.0),
            Grade("basic", "基本称职", min_score=40.0),
            Grade("incompetent", "不称职"),
        ),
    )
    ranks = ["section", "division", "leadership", "section", "section", "researcher"]
    values = [95, 90, 88, 70, 45, 10]
    people = [
        Cadre(
            id=f"c{k}",
            name="",
            birth_year=1985,
            rank=r,
            unit="u",
            line="investment",
            joined_year=2010,
        )
        for k, r in enumerate(ranks)
    ]
    records = Records.from_rows((f"c{k}", "2025", "visits", v) for k, v in enumerate(values))
    return score(scheme, people, records), people


def test_decisions_follow_grades_and_the_pool() -> None:
    table, people = _table()
    pool = table.reserve_pool(per_line=3)
    result = decide(table, people, pool=pool, promotions=2)
    actions = {d.cadre_id: (d.action, d.rank) for d in result.rows}
    assert actions["c0"] == ("promote", "researcher")
    assert actions["c1"][0] in ("promote", "keep")
    assert actions["c4"] == ("demote", None)  # 基本称职 at section level: steps down from the post
    assert actions["c5"] == ("exit", None)
    events = result.events(at=dt.date(2026, 1, 10), recorded_by="组织部")
    kinds = sorted(type(e).__name__ for e in events)
    assert kinds.count("Promoted") == len(result.of("promote"))
    assert {Demoted, Left, Promoted} >= {type(e) for e in events}
    ledger = Ledger()
    for e in events:
        ledger.append(e)
    assert [type(e).__name__ for e in ledger.history("c4")] == ["Demoted"]
    with pytest.raises(InvalidInputError, match="no cadre record"):
        decide(table, people[:2], pool=pool)
    with pytest.raises(InvalidInputError, match="promotions"):
        decide(table, people, pool=pool, promotions=-1)


@given(
    values=st.lists(st.integers(0, 100), min_size=1, max_size=10),
    promotions=st.one_of(st.none(), st.integers(0, 5)),
    seed=st.integers(0, 1000),
)
def test_decide_laws(values: list[int], promotions: int | None, seed: int) -> None:
    scheme = _table()[0].scheme
    ranks = ["section", "researcher", "division", "leadership"]
    people = [
        Cadre(
            id=f"c{k}",
            name="",
            birth_year=1985,
            rank=ranks[k % 4],
            unit="u",
            line="investment",
            joined_year=2010,
        )
        for k in range(len(values))
    ]
    records = Records.from_rows((f"c{k}", "2025", "visits", v) for k, v in enumerate(values))
    table = score(scheme, people, records)
    pool = table.reserve_pool(per_line=3)
    result = decide(table, people, pool=pool, promotions=promotions)
    assert sorted(d.cadre_id for d in result.rows) == sorted(c.id for c in people)
    promoted = result.of("promote")
    assert set(promoted) <= set(pool.cadre_ids)
    assert promotions is None or len(promoted) <= promotions
    grade = {d.cadre_id: d.grade for d in result.rows}
    assert all(grade[c] == "incompetent" for c in result.of("exit"))
    assert all(grade[c] == "basic" for c in result.of("demote"))
    shuffled = list(people)
    random.Random(seed).shuffle(shuffled)  # noqa: S311 (test data)
    assert decide(table, shuffled, pool=pool, promotions=promotions) == result
    events = result.events(at=dt.date(2026, 1, 5), recorded_by="hr")
    assert len(events) == len(promoted) + len(result.of("demote")) + len(result.of("exit"))


def test_demoted_round_trips_through_io() -> None:
    event = Demoted(at=dt.date(2026, 1, 5), recorded_by="组织部", cadre_id="c1", reason="基本称职")
    assert io.load(Demoted, io.dump(event)) == event
    assert io.kind("Demoted") is Demoted


def test_results_display_as_tables() -> None:
    pytest.importorskip("pandas")
    cadres = [_cadre(k, LINES[k % 3], UNITS[k % 3], ("stone",)) for k in range(6)]
    squad = select_squad(cadres, 3, composition=[Quota(by="unit", at_most=1, name="per unit")])
    assert list(squad.to_pandas()["rule"]) == [f"per unit ({u}): at most 1" for u in UNITS]
    flow = funnel([Nominee(id="a", route="self")], [Stage(id="s", reject={"a": "absent"})])
    assert flow.to_pandas().iloc[0]["reason"] == "absent"
    assert "absent" in flow._repr_html_()
    table, people = _table()
    decisions = decide(table, people, pool=table.reserve_pool(per_line=3))
    assert len(decisions.to_pandas()) == len(people)
    assert "劣者汰" in decisions._repr_html_()


def test_selection_records_and_results_refuse_hostile_fields_by_name() -> None:
    cadres = [_cadre(k, LINES[k % 3], "u1", ("ai",)) for k in range(4)]
    squad = select_squad(cadres, 2, composition=[Quota(by="unit", at_most=2)])
    conflict = QuotaConflict(rules=["line=service: at least 3"], short_by=1, size=3, pool=5)
    count = RuleCount(rule="each unit: at most 2", count=2, at_least=0, at_most=2)
    kept = Decision(cadre_id="c1", action="keep", grade="competent", total=70, rank=None, reason="")
    decisions = Decisions(period="2025", rows=[kept])
    nominee = Nominee(id="n1", route="self")
    stage = Stage(id="s", scores={"n1": 70}, pass_mark=60, routes=["self"], reject={"n2": "absent"})
    outcome = StageOutcome(stage="s", label="", entered=2, passed=1)
    rejection = Rejection(nominee_id="n2", stage="s", reason="absent")
    flow = Funnel(nominees=[nominee], stages=[outcome], passed=["n1"], rejections=[rejection])
    assert conflict.rules == ("line=service: at least 3",)
    assert type(kept.total) is float
    assert flow.passed == ("n1",)
    assert attrs.evolve(stage, reject=None).reject == {}
    for obj in (squad, conflict, count, kept, decisions, nominee, stage, outcome, rejection, flow):
        assert io.load(type(obj), json.loads(json.dumps(io.dump(obj)))) == obj
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (squad, {"members": [None]}, "Squad: members must hold ids"),
        (squad, {"total_fit": math.nan}, "Squad: total_fit must be a finite real number"),
        (squad, {"feasible": 1}, "Squad: feasible must be True or False, got 1"),
        (squad, {"conflicts": [count]}, "Squad: conflicts must hold QuotaConflict records"),
        (squad, {"counts": None}, "Squad: counts must be a collection, got None"),
        (squad, {"fit": {"c00": "1"}}, r"Squad: fit\['c00'\] must be a finite number"),
        (squad, {"problem": None}, "Squad: problem must be the problem select_squad solved"),
        (conflict, {"rules": [1]}, "QuotaConflict: rules must hold rules in words"),
        (conflict, {"short_by": -1}, "QuotaConflict: short_by must be an integer >= 0"),
        (count, {"at_most": 1.5}, "RuleCount: at_most must be an integer >= 0, got 1.5"),
        (count, {"rule": b"x"}, "RuleCount: rule must be a string"),
        (kept, {"action": "fire"}, "Decision: action must be one of promote, keep, demote, exit"),
        (kept, {"rank": " division"}, "Decision: rank must be a non-empty string"),
        (kept, {"total": "70"}, "Decision: total must be a finite real number"),
        (decisions, {"rows": [kept, None]}, "Decisions: rows must hold Decision records"),
        (nominee, {"route": ["self"]}, "Nominee 'n1': route must be one of self, recommended"),
        (nominee, {"name": "\ud800"}, "Nominee 'n1': name must be a string without control"),
        (stage, {"scores": [1]}, "Stage 's': scores must be a mapping id -> number"),
        (stage, {"scores": {None: 1}}, "Stage 's': scores must have ids"),
        (stage, {"reject": b"x"}, "Stage 's': reject must be a mapping nominee id -> reason"),
        (stage, {"reject": {"n2": "\x00"}}, r"Stage 's': reject\['n2'\] must be a reason"),
        (stage, {"reject": {1: "absent"}}, "Stage 's': reject must have nominee ids"),
        (stage, {"routes": 0}, "Stage 's': routes must be a collection, got 0"),
        (stage, {"routes": [[1]]}, r"Stage 's': routes must be among .*, got \[\[1\]\]"),
        (Quota(by="unit"), {"at_least": None}, "Quota: at_least must be an integer >= 0"),
        (Quota(by="unit"), {"name": 1}, "Quota: name must be a string, got 1"),
        (Diversity(by="unit", at_least=1), {"name": "\ud800"}, "Diversity: name must be a"),
        (outcome, {"entered": True}, "StageOutcome: entered must be an integer >= 0"),
        (rejection, {"reason": None}, "Rejection: reason must be a string, got None"),
        (flow, {"nominees": [rejection]}, "Funnel: nominees must hold Nominee records"),
        (flow, {"rejections": "n2"}, "Funnel: rejections must be a collection"),
    ]
    for record, change, message in cases:
        with pytest.raises(InvalidInputError, match=message):
            attrs.evolve(record, **change)
