"""Training: records, the lecturer rota against brute force, enrolment, indicators."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadredev import Cadre, InvalidInputError, io
from cadredev.calendar import Calendar
from cadredev.rotation import Assignment, RotationPlan
from cadredev.training import (
    Attendance,
    Course,
    Enrolment,
    LearningPlan,
    Lecturer,
    LecturerRota,
    QuizResult,
    Seat,
    Session,
    Shortfall,
    Turn,
    Unfilled,
    enrol,
    lecturer_rota,
    training_records,
)

TOPICS = ("ai", "law", "port")
MONTHS = ("2025-01", "2025-02")


# ---------------------------------------------------------------- records


def test_records_reject_bad_fields() -> None:
    k = Course(id="k1", topic="ai")
    with pytest.raises(InvalidInputError, match=r"Session 's0': capacity must be an integer >= 1"):
        Session(id="s0", course=k, period="2025-01", capacity=0)
    with pytest.raises(InvalidInputError, match="Course 'k2': format"):
        Course(id="k2", topic="ai", format="webinar")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="Session 's1': period"):
        Session(id="s1", course=k, period="2025-13")
    with pytest.raises(InvalidInputError, match="not in period"):
        Session(id="s1", course=k, period="2025-01", date=dt.date(2025, 2, 1))
    with pytest.raises(InvalidInputError, match="more than its 1 slot"):
        Session(id="s1", course=k, period="2025-01", lecturers=("a", "b"))
    with pytest.raises(InvalidInputError, match="both required and elective"):
        LearningPlan(id="p", period="2025-01", required={"k1"}, electives={"k1"})
    with pytest.raises(InvalidInputError, match="Lecturer 'x': competencies"):
        Lecturer(id="x", competencies={"ai": 2})
    with pytest.raises(InvalidInputError, match="QuizResult: score"):
        QuizResult(cadre_id="c", quiz="q", period="2025-01", score=101)
    assert Course(id="k", topic="ai", line="招商引资").line is not None


# ---------------------------------------------------------------- the rota

Busy = dict[str, frozenset[str]]


@st.composite
def rota_instances(
    draw: st.DrawFn,
) -> tuple[list[Session], list[Lecturer], Busy, list[LearningPlan]]:
    courses = [Course(id=f"k{t}", topic=t) for t in TOPICS]
    n_s = draw(st.integers(0, 4))
    sessions = []
    for i in range(n_s):
        month = draw(st.sampled_from(MONTHS))
        day = draw(st.sampled_from([None, 3, 5]))
        sessions.append(
            Session(
                id=f"s{i}",
                course=draw(st.sampled_from(courses)),
                period=month,
                date=None if day is None else dt.date(2025, int(month[-1]), day),
                slots=draw(st.integers(1, 2)),
            )
        )
    n_l = draw(st.integers(0, 3))
    lecturers = [
        Lecturer(
            id=f"l{j}",
            kind=draw(st.sampled_from(["cadre", "expert"])),
            industries=draw(st.frozensets(st.sampled_from(TOPICS), max_size=2)),
            competencies=draw(
                st.dictionaries(st.sampled_from(TOPICS), st.sampled_from([0.3, 0.7]), max_size=1)
            ),
            max_turns=draw(st.integers(0, 2)),
        )
        for j in range(n_l)
    ]
    busy = {lec.id: draw(st.frozensets(st.sampled_from(MONTHS), max_size=1)) for lec in lecturers}
    plans = [
        LearningPlan(
            id=f"p{m}",
            period=m,
            required={f"k{t}" for t in TOPICS},
            cadre_lecturers=draw(st.booleans()),
        )
        for m in MONTHS
    ]
    return sessions, lecturers, busy, plans


def clashes(a: Session, b: Session) -> bool:
    return a.period == b.period and (a.date is None or b.date is None or a.date == b.date)


def qualified(lec: Lecturer, topic: str) -> bool:
    return topic in lec.industries or lec.competencies.get(topic, 0) >= 0.6


def violations(
    rota: LecturerRota, sessions: Sequence[Session], lecturers: Sequence[Lecturer], busy: Busy
) -> list[str]:
    """An independent check of every hard rule of a rota."""
    by_s = {s.id: s for s in sessions}
    by_l = {x.id: x for x in lecturers}
    found = []
    per_s = Counter(t.session_id for t in rota.turns)
    per_l = Counter(t.lecturer_id for t in rota.turns)
    for t in rota.turns:
        s, lec = by_s[t.session_id], by_l[t.lecturer_id]
        if not qualified(lec, s.course.topic):
            found.append(f"{t} unqualified")
        if s.period in busy.get(lec.id, ()):
            found.append(f"{t} busy")
    for sid, n in per_s.items():
        if n > by_s[sid].slots:
            found.append(f"{sid} over slots")
    for lid, n in per_l.items():
        if n > by_l[lid].max_turns:
            found.append(f"{lid} over budget")
    for a, b in itertools.combinations(rota.turns, 2):
        same = a.lecturer_id == b.lecturer_id and a.session_id != b.session_id
        if same and clashes(by_s[a.session_id], by_s[b.session_id]):
            found.append(f"{a} clashes with {b}")
    if len(set(rota.turns)) != len(rota.turns):
        found.append("a turn repeated")
    missing = {u.session_id: u.missing for u in rota.unfilled}
    found += [f"{s.id} unfilled" for s in sessions if missing.get(s.id, 0) != s.slots - per_s[s.id]]
    return found


def brute_force(
    sessions: Sequence[Session], lecturers: Sequence[Lecturer], busy: Busy, preferred: set[str]
) -> tuple[int, int, int, int]:
    """The best (filled, -max turns, preferred cadre turns, lecturers used) over every rota."""
    options = []
    for s in sessions:
        ok = [
            x.id
            for x in lecturers
            if qualified(x, s.course.topic) and s.period not in busy.get(x.id, ())
        ]
        options.append(
            [c for r in range(min(s.slots, len(ok)) + 1) for c in itertools.combinations(ok, r)]
        )
    by_l = {x.id: x for x in lecturers}
    best = (0, 0, 0, 0)
    for choice in itertools.product(*options):
        load = Counter(lid for group in choice for lid in group)
        if any(load[lid] > by_l[lid].max_turns for lid in load):
            continue
        if any(
            clashes(sessions[a], sessions[b]) and set(choice[a]) & set(choice[b])
            for a, b in itertools.combinations(range(len(sessions)), 2)
        ):
            continue
        pref = sum(
            1
            for s, group in zip(sessions, choice, strict=True)
            for lid in group
            if s.id in preferred and by_l[lid].kind == "cadre"
        )
        used = sum(1 for n in load.values() if n > 0)
        key = (sum(load.values()), -max(load.values(), default=0), pref, used)
        best = max(best, key)
    return best


def preferred_sessions(sessions: Sequence[Session], plans: Sequence[LearningPlan]) -> set[str]:
    return {s.id for s in sessions for p in plans if p.cadre_lecturers and p.period == s.period}


@given(rota_instances())
def test_rota_is_valid_and_optimal_against_brute_force(
    case: tuple[list[Session], list[Lecturer], Busy, list[LearningPlan]],
) -> None:
    sessions, lecturers, busy, plans = case
    rota = lecturer_rota(sessions, lecturers, busy=busy, plans=plans)
    assert violations(rota, sessions, lecturers, busy) == []
    assert rota.violations(sessions, lecturers, busy=busy) == ()
    assert rota.optimal
    got = (rota.filled, -rota.max_turns, rota.preferred_cadre_turns, rota.lecturers_used)
    assert got == brute_force(sessions, lecturers, busy, preferred_sessions(sessions, plans))
    for s in sessions:
        assert rota.explain(s.id).startswith(s.id)


@given(rota_instances(), st.randoms(use_true_random=False))
def test_rota_does_not_depend_on_input_order(
    case: tuple[list[Session], list[Lecturer], Busy, list[LearningPlan]], rnd: object
) -> None:
    sessions, lecturers, busy, plans = case
    first = lecturer_rota(sessions, lecturers, busy=busy, plans=plans)
    rnd.shuffle(sessions)  # type: ignore[attr-defined]
    rnd.shuffle(lecturers)  # type: ignore[attr-defined]
    assert lecturer_rota(sessions, lecturers, busy=busy, plans=plans[::-1]) == first


def test_pin_to_an_unqualified_lecturer_is_rejected() -> None:
    s = Session(id="s1", course=Course(id="k", topic="law"), period="2025-01")
    lec = Lecturer(id="a", industries={"ai"})
    with pytest.raises(
        InvalidInputError, match=r"'a' is pinned to session 's1' but is not qualified"
    ):
        lecturer_rota([s], [lec], pinned=[("s1", "a")])
    fixed = Session(id="s2", course=Course(id="k", topic="law"), period="2025-01", lecturers=("a",))
    with pytest.raises(InvalidInputError, match="not qualified for its topic 'law'"):
        lecturer_rota([fixed], [lec])


def test_pins_are_kept_and_bad_pins_named() -> None:
    k = Course(id="k", topic="ai")
    s = [Session(id=f"s{i}", course=k, period="2025-01", date=dt.date(2025, 1, i)) for i in (1, 2)]
    a, b = Lecturer(id="a", industries={"ai"}, max_turns=1), Lecturer(id="b", industries={"ai"})
    rota = lecturer_rota(s, [a, b], pinned={"s2": "b"})
    assert rota.lecturers_of("s2") == ("b",)
    assert [t.pinned for t in rota.turns if t.session_id == "s2"] == [True]
    with pytest.raises(InvalidInputError, match="budget of 1"):
        lecturer_rota(s, [a, b], pinned=[("s1", "a"), ("s2", "a")])
    with pytest.raises(InvalidInputError, match="not among the lecturers"):
        lecturer_rota(s, [a, b], pinned=[("s1", "zz")])
    same_day = [Session(id=f"t{i}", course=k, period="2025-01") for i in (1, 2)]
    with pytest.raises(InvalidInputError, match="which clash"):
        lecturer_rota(same_day, [b], pinned=[("t1", "b"), ("t2", "b")])
    with pytest.raises(InvalidInputError, match="away on rotation"):
        lecturer_rota(s, [a, b], pinned=[("s1", "a")], busy={"a": ["2025-01"]})


def test_rotation_plan_blocks_its_months_and_reasons_are_given() -> None:
    k = Course(id="k", topic="ai")
    sessions = [Session(id=f"s{m}", course=k, period=f"2025-0{m}") for m in (1, 2, 3)]
    cadre = Lecturer(id="c1", industries={"ai"})
    plan = RotationPlan(
        assignments=[Assignment(cadre_id="c1", post_id="p", program="x", start=1, length=2)]
    )
    rota = lecturer_rota(sessions, [cadre], busy=plan, calendar=Calendar("2025-01"))
    assert rota.sessions_of("c1") == ("s1",)
    assert "away on rotation in 2025-02" in rota.explain("s2")
    with pytest.raises(InvalidInputError, match="calendar is required"):
        lecturer_rota(sessions, [cadre], busy=plan)


def test_rota_prefers_cadres_where_a_plan_asks() -> None:
    k = Course(id="k", topic="ai")
    s = Session(id="s1", course=k, period="2025-01")
    lecturers = [
        Lecturer(id="a", kind="expert", industries={"ai"}),
        Lecturer(id="z", industries={"ai"}),
    ]
    plan = LearningPlan(id="p", period="2025-01", required={"k"}, cadre_lecturers=True)
    assert lecturer_rota([s], lecturers, plans=[plan]).lecturers_of("s1") == ("z",)


def test_rota_display() -> None:
    pytest.importorskip("pandas")
    s = Session(id="s1", course=Course(id="k", topic="law"), period="2025-01", slots=2)
    rota = lecturer_rota([s], [Lecturer(id="a", industries={"law"}), Lecturer(id="b")])
    assert "1 of 2 turns filled" in rota._repr_html_()
    frame = rota.to_pandas()
    assert frame["lecturer"].iloc[0] == "a"
    assert frame["lecturer"].isna().iloc[1]
    assert (
        Lecturer.from_cadre(
            Cadre(id="c", name="n", birth_year=1990, rank="section", unit="u"), max_turns=1
        ).max_turns
        == 1
    )


# ---------------------------------------------------------------- enrolment


@st.composite
def enrol_instances(
    draw: st.DrawFn,
) -> tuple[LearningPlan, list[str], dict[str, list[str]], list[Session]]:
    n_k = draw(st.integers(1, 3))
    courses = [f"k{i}" for i in range(n_k)]
    plan = LearningPlan(
        id="p", period="2025-03", electives=set(courses), picks=draw(st.integers(0, 2))
    )
    sessions = [
        Session(
            id=f"s{i}",
            course=Course(id=k, topic="t"),
            period="2025-03",
            capacity=draw(st.integers(1, 2)),
        )
        for i, k in enumerate(courses)
        if draw(st.booleans())
    ]
    cadres = [f"c{i}" for i in range(draw(st.integers(0, 4)))]
    choices = {
        c: draw(st.permutations(courses).map(lambda p: list(p[: draw(st.integers(0, len(p)))])))
        for c in cadres
    }
    return plan, cadres, choices, sessions


def _seats(sessions: Sequence[Session]) -> Counter[str]:
    return Counter({s.course.id: s.capacity for s in sessions})


@given(enrol_instances())
def test_stable_enrolment_has_no_blocking_pair(
    case: tuple[LearningPlan, list[str], dict[str, list[str]], list[Session]],
) -> None:
    plan, cadres, choices, sessions = case
    e = enrol(plan, cadres, choices, sessions=sessions)
    seats = _seats(sessions)
    taken = Counter(s.course_id for s in e.seats)
    assert all(taken[k] <= seats[k] for k in taken)
    session_load = Counter(s.session_id for s in e.seats)
    assert all(session_load[s.id] <= s.capacity for s in sessions)
    for c in cadres:
        mine = {s.course_id: s.choice for s in e.seats_of(c)}
        assert len(mine) <= plan.picks
        assert len(mine) + sum(g.cadre_id == c for g in e.shortfalls) == plan.picks
        if plan.picks == 0:
            continue
        ranks = [r for r in mine.values() if r is not None]
        worst = max(ranks) if len(mine) == plan.picks else None
        for r, k in enumerate(choices[c], start=1):
            if k in mine or (worst is not None and r > worst):
                continue
            # c would rather have k: k must be full of cadres it ranks higher (smaller id)
            holders = [s.cadre_id for s in e.seats if s.course_id == k]
            assert len(holders) == seats[k]
            assert all(h < c for h in holders)


def brute_force_enrol(
    plan: LearningPlan, cadres: list[str], choices: dict[str, list[str]], seats: Counter[str]
) -> int:
    options = [
        [
            sub
            for n in range(min(plan.picks, len(choices[c])) + 1)
            for sub in itertools.combinations(choices[c], n)
        ]
        for c in cadres
    ]
    best = 0
    for pick in itertools.product(*options):
        load = Counter(k for sub in pick for k in sub)
        if all(load[k] <= seats[k] for k in load):
            value = sum(
                1000 - (choices[c].index(k) + 1)
                for c, sub in zip(cadres, pick, strict=True)
                for k in sub
            )
            best = max(best, value)
    return best


@given(enrol_instances())
def test_optimal_enrolment_matches_brute_force(
    case: tuple[LearningPlan, list[str], dict[str, list[str]], list[Session]],
) -> None:
    plan, cadres, choices, sessions = case
    e = enrol(plan, cadres, choices, sessions=sessions, method="optimal")
    value = sum(1000 - s.choice for s in e.seats if s.choice is not None)
    assert value == brute_force_enrol(plan, cadres, choices, _seats(sessions))
    assert (
        enrol(
            plan,
            cadres[::-1],
            dict(reversed(choices.items())),
            sessions=sessions[::-1],
            method="optimal",
        )
        == e
    )


def test_enrolment_required_courses_and_reasons() -> None:
    plan = LearningPlan(id="p", period="2025-03", required={"k0", "k9"}, electives={"k1", "k2"})
    ss = [
        Session(id="s0", course=Course(id="k0", topic="t"), period="2025-03", capacity=2),
        Session(id="s1", course=Course(id="k1", topic="t"), period="2025-03", capacity=1),
    ]
    e = enrol(
        plan, ["a", "b", "c"], {"a": ["k1"], "b": ["k1", "k2"]}, sessions=ss, priority={"b": 1}
    )
    assert [(s.cadre_id, s.course_id) for s in e.seats] == [("a", "k0"), ("b", "k0"), ("b", "k1")]
    text = e.explain("c")
    assert "required k0 not filled: required course k0's 2 seats are taken" in text
    assert "required course k9 has no session" in text
    assert "made no choice" in text
    assert "k2 (no session)" in e.explain("a") or "k1 (1 seat(s))" in e.explain("a")
    assert e.choice_counts() == {1: 1}
    one = LearningPlan(id="q", period="2025-03", electives={"k1"})
    ranked = {"a": ["k1"], "b": ["k1"]}
    assert [s.cadre_id for s in enrol(one, ["a", "b"], ranked, sessions=ss[1:]).seats] == ["a"]
    first = enrol(one, ["a", "b"], ranked, sessions=ss[1:], priority={"b": 1})
    assert [s.cadre_id for s in first.seats] == ["b"]
    with pytest.raises(InvalidInputError, match="not on plan 'p''s elective menu"):
        enrol(plan, ["a"], {"a": ["k0"]}, sessions=ss)
    with pytest.raises(InvalidInputError, match="is not on plan"):
        enrol(
            plan,
            ["a"],
            {},
            sessions=[Session(id="x", course=Course(id="k7", topic="t"), period="2025-03")],
        )


# ---------------------------------------------------------------- indicators


def test_training_records_and_rollup() -> None:
    k = Course(id="k", topic="ai", hours=3)
    s1 = Session(id="s1", course=k, period="2025-01")
    s2 = Session(id="s2", course=k, period="2025-02")
    att = [
        Attendance(cadre_id="c1", session_id="s1"),
        Attendance(cadre_id="c1", session_id="s2", attended=False),
        Attendance(cadre_id="c2", session_id="s2", hours=1.5),
    ]
    quizzes = [QuizResult(cadre_id="c1", quiz="q1", period="2025-01", score=50)]
    rota = lecturer_rota([s1, s2], [Lecturer(id="c2", industries={"ai"}, max_turns=1)])
    r = training_records([s1, s2], att, quizzes=quizzes, rota=rota)
    assert r.value("c1", "2025-01", "training_hours") == 3.0
    assert r.value("c1", "2025-02", "attendance_rate.num") == 0.0
    assert r.value("c1", "2025-01", "quiz_pass_rate.den") == 1.0
    assert r.value("c2", "2025-02", "training_hours") == 1.5
    assert [r.value("c2", p, "lecturer_turns") for p in ("2025-01", "2025-02")] in (
        [1.0, 0.0],
        [0.0, 1.0],
    )
    with pytest.raises(InvalidInputError, match="recorded twice"):
        training_records([s1], [att[0], att[0]])
    with pytest.raises(InvalidInputError, match="unknown session"):
        training_records([s1], [att[1]])
    # collections that are not collections, or hold something else: named
    with pytest.raises(InvalidInputError, match="sessions must be a collection of Session"):
        training_records(None, att)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="attendance must be a collection, got None"):
        training_records([s1], None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="sessions repeat the id 's1'"):
        training_records([s1, s1], [])
    with pytest.raises(InvalidInputError, match="quizzes must hold QuizResult items, got 7"):
        training_records([s1], [], quizzes=[7])  # type: ignore[list-item]


# ---------------------------------------------------------------- documents


def _through_json(obj: object) -> object:
    return io.load(type(obj), json.loads(json.dumps(io.dump(obj))))


@given(rota_instances())
def test_rota_and_records_round_trip_through_json(
    case: tuple[list[Session], list[Lecturer], Busy, list[LearningPlan]],
) -> None:
    sessions, lecturers, busy, plans = case
    rota = lecturer_rota(sessions, lecturers, busy=busy, plans=plans)
    for obj in [rota, *sessions, *lecturers, *plans]:
        assert _through_json(obj) == obj


@given(enrol_instances())
def test_enrolment_round_trips_through_json(
    case: tuple[LearningPlan, list[str], dict[str, list[str]], list[Session]],
) -> None:
    plan, cadres, choices, sessions = case
    e = enrol(plan, cadres, choices, sessions=sessions)
    assert _through_json(e) == e


def test_attendance_and_quiz_round_trip() -> None:
    for obj in (
        Attendance(cadre_id="c", session_id="s", attended=False, hours=1.5),
        QuizResult(cadre_id="c", quiz="q", period="2025-01", score=70),
    ):
        assert _through_json(obj) == obj


# ---------------------------------------------------------------- CP-SAT oracle


@st.composite
def larger_rota_instances(
    draw: st.DrawFn,
) -> tuple[list[Session], list[Lecturer], Busy, list[LearningPlan]]:
    topics = ("ai", "law", "port", "stats")
    months = ("2025-01", "2025-02", "2025-03")
    courses = [Course(id=f"k{t}", topic=t) for t in topics]
    sessions = []
    for i in range(draw(st.integers(4, 12))):
        month = draw(st.sampled_from(months))
        day = draw(st.sampled_from([None, 3, 5, 7]))
        sessions.append(
            Session(
                id=f"s{i:02d}",
                course=draw(st.sampled_from(courses)),
                period=month,
                date=None if day is None else dt.date(2025, int(month[-1]), day),
                slots=draw(st.integers(1, 3)),
            )
        )
    lecturers = [
        Lecturer(
            id=f"l{j:02d}",
            kind=draw(st.sampled_from(["cadre", "expert"])),
            industries=draw(st.frozensets(st.sampled_from(topics), max_size=2)),
            max_turns=draw(st.integers(0, 4)),
        )
        for j in range(draw(st.integers(2, 10)))
    ]
    busy = {lec.id: draw(st.frozensets(st.sampled_from(months), max_size=2)) for lec in lecturers}
    plans = [
        LearningPlan(
            id=f"p{m}",
            period=m,
            required={k.id for k in courses},
            cadre_lecturers=draw(st.booleans()),
        )
        for m in months
    ]
    return sessions, lecturers, busy, plans


def cp_sat_rota(
    sessions: Sequence[Session], lecturers: Sequence[Lecturer], busy: Busy, preferred: set[str]
) -> tuple[int, int, int, int]:
    """The lexicographic optimum by an independent CP-SAT model, one stage at a time."""
    from ortools.sat.python import cp_model  # noqa: PLC0415  (oracle, loaded on use)

    model = cp_model.CpModel()
    x = {
        (s.id, lec.id): model.new_bool_var(f"{s.id}-{lec.id}")
        for s in sessions
        for lec in lecturers
        if qualified(lec, s.course.topic) and s.period not in busy.get(lec.id, ())
    }
    for s in sessions:
        model.add(sum(v for (sid, _), v in x.items() if sid == s.id) <= s.slots)
    top = model.new_int_var(0, len(sessions), "top")
    used = {lec.id: model.new_bool_var(f"used-{lec.id}") for lec in lecturers}
    for lec in lecturers:
        mine = [v for (_, lid), v in x.items() if lid == lec.id]
        model.add(sum(mine) <= lec.max_turns)
        model.add(sum(mine) <= top)
        model.add(used[lec.id] <= sum(mine))
    for a, b in itertools.combinations(sessions, 2):
        if clashes(a, b):
            for lec in lecturers:
                if (a.id, lec.id) in x and (b.id, lec.id) in x:
                    model.add_bool_or([x[a.id, lec.id].negated(), x[b.id, lec.id].negated()])
    kind = {lec.id: lec.kind for lec in lecturers}
    stages = [
        (sum(x.values()), True),
        (top, False),
        (sum(v for (sid, lid), v in x.items() if sid in preferred and kind[lid] == "cadre"), True),
        (sum(used.values()), True),
    ]
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    values = []
    for expr, maximise in stages:
        if maximise:
            model.maximize(expr)
        else:
            model.minimize(expr)
        assert solver.solve(model) == cp_model.OPTIMAL
        best = round(solver.objective_value)
        values.append(best)
        model.add(expr == best)
    return values[0], -values[1], values[2], values[3]


@settings(max_examples=20, deadline=None)
@given(larger_rota_instances())
def test_rota_agrees_with_cp_sat(
    case: tuple[list[Session], list[Lecturer], Busy, list[LearningPlan]],
) -> None:
    pytest.importorskip("ortools")
    sessions, lecturers, busy, plans = case
    rota = lecturer_rota(sessions, lecturers, busy=busy, plans=plans)
    assert violations(rota, sessions, lecturers, busy) == []
    got = (rota.filled, -rota.max_turns, rota.preferred_cadre_turns, rota.lecturers_used)
    assert got == cp_sat_rota(sessions, lecturers, busy, preferred_sessions(sessions, plans))


def test_attended_events_from_a_ledger_feed_the_indicators() -> None:
    from cadredev.events import Attended, Lectured  # noqa: PLC0415
    from cadredev.ledger import Ledger  # noqa: PLC0415

    s = Session(id="s1", course=Course(id="k", topic="ai", hours=3), period="2025-03")
    ledger = Ledger()
    day = dt.date(2025, 3, 12)
    ledger.extend(
        [
            Attended(at=day, recorded_by="组织部", cadre_id="c1", session_id="s1"),
            Attended(at=day, recorded_by="组织部", cadre_id="c2", session_id="s1", attended=False),
            Lectured(at=day, recorded_by="组织部", lecturer_id="c3", session_id="s1"),
        ]
    )
    events = [e for e in ledger.events(kind=Attended) if isinstance(e, Attended)]
    assert len(events) == 2
    r = training_records([s], events)
    assert r.value("c1", "2025-03", "training_hours") == 3.0
    assert r.value("c2", "2025-03", "attendance_rate.num") == 0.0
    assert [e.subjects for e in ledger.events(kind=Lectured)] == [("c3",)]
    with pytest.raises(InvalidInputError, match="Attendance records or Attended events"):
        training_records([s], ["c1"])  # type: ignore[list-item]


@st.composite
def attendance_cases(draw: st.DrawFn) -> tuple[list[Session], list[Attendance], list[QuizResult]]:
    sessions = [
        Session(
            id=f"s{i}",
            course=Course(id=f"k{i}", topic="ai", hours=draw(st.sampled_from([1.0, 2.0, 3.5]))),
            period=draw(st.sampled_from(MONTHS)),
        )
        for i in range(draw(st.integers(1, 4)))
    ]
    pairs = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["c1", "c2", "c3"]), st.sampled_from([s.id for s in sessions])
            ),
            unique=True,
            max_size=8,
        )
    )
    attendance = [
        Attendance(
            cadre_id=c,
            session_id=s,
            attended=draw(st.booleans()),
            hours=draw(st.sampled_from([None, 0.5])),
        )
        for c, s in pairs
    ]
    quizzes = [
        QuizResult(
            cadre_id=draw(st.sampled_from(["c1", "c2", "c4"])),
            quiz=f"q{i}",
            period=draw(st.sampled_from(MONTHS)),
            score=draw(st.integers(0, 100)),
        )
        for i in range(draw(st.integers(0, 4)))
    ]
    return sessions, attendance, quizzes


@given(attendance_cases())
def test_training_records_match_a_naive_count(
    case: tuple[list[Session], list[Attendance], list[QuizResult]],
) -> None:
    sessions, attendance, quizzes = case
    records = training_records(sessions, attendance, quizzes=quizzes)
    by_id = {s.id: s for s in sessions}
    cells = {(a.cadre_id, by_id[a.session_id].period) for a in attendance}
    cells |= {(q.cadre_id, q.period) for q in quizzes}
    rows = {
        (c, p)
        for c in records.cadres
        for p in records.periods
        if records.value(c, p, "training_hours") is not None
    }
    assert rows == cells
    for cadre, period in cells:
        mine = [
            a for a in attendance if a.cadre_id == cadre and by_id[a.session_id].period == period
        ]
        hours = sum(
            (by_id[a.session_id].course.hours if a.hours is None else a.hours)
            for a in mine
            if a.attended
        )
        assert records.value(cadre, period, "training_hours") == pytest.approx(hours)
        if mine:
            assert records.value(cadre, period, "attendance_rate.den") == len(mine)
            assert records.value(cadre, period, "attendance_rate.num") == sum(
                a.attended for a in mine
            )
        taken = [q for q in quizzes if q.cadre_id == cadre and q.period == period]
        if taken:
            assert records.value(cadre, period, "quiz_pass_rate.num") == sum(
                q.score >= 60 for q in taken
            )
    shuffled = training_records(sessions[::-1], attendance[::-1], quizzes=quizzes[::-1])
    assert shuffled == records


def test_the_rota_checker_finds_broken_rules() -> None:
    k = Course(id="k", topic="ai")
    s = [Session(id=f"s{i}", course=k, period="2025-01") for i in (1, 2)]
    lec = [Lecturer(id="a", industries={"ai"}, max_turns=1), Lecturer(id="b")]
    rota = lecturer_rota(s, lec)
    bad = attrs.evolve(
        rota,
        turns=(
            Turn(session_id="s1", lecturer_id="a", period="2025-01", topic="ai", kind="cadre"),
            Turn(session_id="s2", lecturer_id="a", period="2025-01", topic="ai", kind="cadre"),
            Turn(session_id="s2", lecturer_id="b", period="2025-01", topic="ai", kind="cadre"),
        ),
    )
    found = bad.violations(s, lec, busy={"b": ["2025-01"]})
    assert "b gives s2 but is not qualified for 'ai'" in found
    assert "b gives s2 while away in 2025-01" in found
    assert "s2 has 2 lecturers for 1 slot(s)" in found
    assert "a gives 2 turns, over the budget of 1" in found
    assert "a gives s1 and s2 at the same time" in found


def test_results_refuse_hostile_fields_by_name() -> None:
    turn = Turn(session_id="s1", lecturer_id="c1", period="2025-01", topic="ai", kind="cadre")
    gap = Unfilled(session_id="s1", missing=1, reason="nobody qualified")
    seat = Seat(cadre_id="c1", course_id="k1", session_id="s1", choice=None)
    short = Shortfall(cadre_id="c2", course_id=None, reason="every chosen course is full")
    rota = LecturerRota(
        turns=[turn], unfilled=[gap], load={"c1": 1}, slots=2, max_turns=1,
        preferred_cadre_turns=0, optimal=True,
    )  # fmt: skip
    enrolment = Enrolment(
        plan_id="p1", period="2025-01", method="stable", seats=[seat], shortfalls=[short],
        cadres=["c1", "c2"],
    )  # fmt: skip
    assert rota.turns == (turn,)  # lists become tuples
    assert enrolment.cadres == ("c1", "c2")
    for obj in (turn, gap, seat, short, rota, enrolment):
        assert io.load(type(obj), json.loads(json.dumps(io.dump(obj)))) == obj
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (turn, {"lecturer_id": " c1 "}, "Turn: lecturer_id must be a non-empty string"),
        (turn, {"kind": "guest"}, "Turn: kind must be one of cadre, expert, got 'guest'"),
        (turn, {"pinned": 1}, "Turn: pinned must be True or False, got 1"),
        (gap, {"missing": 0}, "Unfilled: missing must be an integer >= 1, got 0"),
        (gap, {"reason": b"x"}, "Unfilled: reason must be a string, got b'x'"),
        (seat, {"choice": 1.5}, "Seat: choice must be an integer >= 1, got 1.5"),
        (seat, {"session_id": None}, "Seat: session_id must be a non-empty string"),
        (short, {"course_id": "\ud800"}, "Shortfall: course_id must be a non-empty string"),
        (rota, {"turns": [gap]}, "LecturerRota: turns must hold Turn records, got Unfilled"),
        (rota, {"turns": None}, "LecturerRota: turns must be a collection, got None"),
        (rota, {"load": [1]}, "LecturerRota: load must be a mapping id -> count, got"),
        (rota, {"load": {"c1": -1}}, r"LecturerRota: load\['c1'\] must be an integer >= 0"),
        (rota, {"load": {None: 1}}, "LecturerRota: load must have ids"),
        (rota, {"slots": True}, "LecturerRota: slots must be an integer >= 0, got True"),
        (rota, {"optimal": "yes"}, "LecturerRota: optimal must be True or False"),
        (enrolment, {"method": "best"}, "Enrolment: method must be one of stable, optimal"),
        (enrolment, {"seats": "s1"}, "Enrolment: seats must be a collection, got 's1'"),
        (enrolment, {"shortfalls": [seat]}, "Enrolment: shortfalls must hold Shortfall"),
        (enrolment, {"cadres": [1]}, r"Enrolment: cadres must hold ids \(a non-empty string"),
        (enrolment, {"period": ""}, "Enrolment: period must be a non-empty string"),
    ]
    for record, change, message in cases:
        with pytest.raises(InvalidInputError, match=message):
            attrs.evolve(record, **change)
