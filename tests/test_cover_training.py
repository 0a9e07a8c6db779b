"""Enrolment arguments refused with named errors, its table and explanation,
and the training records' field checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cadredev.errors import InvalidInputError
from cadredev.training import Attendance, Booking, Course, LearningPlan, Lecturer, Session, enrol

PLAN = LearningPlan(id="p", period="2025-03", required={"k0"}, electives={"k1", "k2"})
SESSIONS = [
    Session(id=f"s{i}", course=Course(id=f"k{i}", topic="t"), period="2025-03", capacity=2)
    for i in (0, 1, 2)
]
W = "enrol: "


def _enrol(**changes: Any) -> Any:
    args: dict[str, Any] = {
        "plan": PLAN,
        "cadres": ["a", "b", "c"],
        "choices": {"a": ["k1"], "b": ["k1", "k2"]},
        "sessions": SESSIONS,
    }
    args.update(changes)
    plan, cadres, choices = args.pop("plan"), args.pop("cadres"), args.pop("choices")
    return enrol(plan, cadres, choices, **args)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"plan": "p"}, "plan must be a LearningPlan, got 'p'"),
        ({"method": "fast"}, "method must be 'stable' or 'optimal', got 'fast'"),
        ({"priority": {"a": "high"}}, "priority['a'] must be a finite number, got 'high'"),
        ({"cadres": "abc"}, "cadres must be a collection of Cadre records or ids, got 'abc'"),
        ({"cadres": ["a", ""]}, "cadre ids must be non-empty strings, got ''"),
        ({"cadres": ["a", "b", "a"]}, "cadres repeat the ids ['a']"),
        ({"sessions": [*SESSIONS, "s9"]}, "sessions must hold Session records, got 's9'"),
        ({"sessions": [*SESSIONS, SESSIONS[0]]}, "sessions repeat the id 's0'"),
        (
            {"choices": [("a", "k1")]},
            "choices must map cadre id -> ranked course ids, got [('a', 'k1')]",
        ),
        ({"choices": {"zz": ["k1"]}}, "choices name 'zz', who is not among the cadres"),
        ({"choices": {"a": "k1"}}, "choices['a'] must be a sequence of course ids, got 'k1'"),
        ({"choices": {"a": ["k1", "k1"]}}, "choices['a'] repeats a course: ['k1', 'k1']"),
        ({"choices": {"a": ["k0"]}}, "choices['a'] names ['k0'], not on plan 'p''s elective menu"),
    ],
)
def test_enrol_arguments_are_named(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        _enrol(**changes)
    assert str(info.value) == W + message


def test_enrolment_table_and_explanation() -> None:
    e = _enrol()
    frame = e.to_pandas()
    assert list(frame.columns) == ["cadre", "course", "session", "choice", "note"]
    seats = frame[frame["session"].notna()]
    assert len(seats) == len(e.seats)
    assert sorted(zip(seats["cadre"], seats["course"], strict=True)) == sorted(
        (s.cadre_id, s.course_id) for s in e.seats
    )
    assert len(frame) == len(e.seats) + len(e.shortfalls)
    assert "a" in e.explain("a")
    with pytest.raises(
        InvalidInputError, match=r"^Enrolment.explain: 'zz' is not a cadre of the plan$"
    ):
        e.explain("zz")


def test_session_dates_order_the_sessions_of_a_course() -> None:
    early = Session(
        id="z-early",
        course=Course(id="k0", topic="t"),
        period="2025-03",
        capacity=1,
        date=dt.date(2025, 3, 3),
    )
    e = _enrol(sessions=[*SESSIONS, early], cadres=["a"], choices={})
    # The dated session comes first, so the one cadre takes it.
    assert [s.session_id for s in e.seats if s.course_id == "k0"] == ["z-early"]


K = Course(id="k", topic="t")
NOON = dt.datetime(2025, 3, 1, 12)  # noqa: DTZ001  (a date field given a datetime)


def _any(value: object) -> Any:
    """Return *value* typed as anything: the wrong types these cases pass on purpose."""
    return value


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: Course(id="k", topic="t", hours=0),
            "Course 'k': hours must be a finite number > 0, got 0.0",
        ),
        (
            lambda: Course(id="k", topic="t", line="nowhere"),
            (
                "Course 'k': line must be one of investment, project, service, urban, safety, "
                "factor (or its label), got 'nowhere'"
            ),
        ),
        (
            lambda: Session(id="s", course=K, period="2025-03", date=NOON),
            (
                "Session 's': date must be a datetime.date or None, got "
                "datetime.datetime(2025, 3, 1, 12, 0)"
            ),
        ),
        (
            lambda: Session(id="s", course=K, period="2025-03", lecturers="ab"),
            "Session 's': lecturers must be a collection of lecturer ids, got 'ab'",
        ),
        (
            lambda: Session(id="s", course=K, period="2025-03", lecturers=["a", "a"]),
            "Session 's': lecturers must not repeat an id, got ('a', 'a')",
        ),
        (
            lambda: Session(id="s", course=_any("k"), period="2025-03"),
            "Session 's': course must be a Course, got 'k'",
        ),
        (
            lambda: LearningPlan(id="p", period="2025-03", cadre_lecturers=_any(1)),
            "LearningPlan 'p': cadre_lecturers must be a bool, got 1",
        ),
        (
            lambda: LearningPlan(id="p", period="2025-03", required="k0"),
            "LearningPlan 'p': required must be a collection of ids, got 'k0'",
        ),
        (
            lambda: Lecturer(id="l", kind=_any("guru")),
            "Lecturer 'l': kind must be one of ('cadre', 'expert'), got 'guru'",
        ),
        (
            lambda: Attendance(cadre_id="a", session_id="s", attended=_any(1)),
            "Attendance: attended must be a bool, got 1",
        ),
        (
            lambda: Attendance(cadre_id="a", session_id="s", hours=-1),
            "Attendance: hours must be None or a finite number >= 0, got -1.0",
        ),
        (
            lambda: Booking(id="b", theme="t", size=1, day=_any("2025-03-01")),
            "Booking 'b': day must be a datetime.date, got '2025-03-01'",
        ),
    ],
)
def test_training_record_fields_are_named(build: Any, message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        build()
    assert str(info.value) == message


def test_a_session_off_the_plan_is_named() -> None:
    april = Session(id="s9", course=Course(id="k1", topic="t"), period="2025-04")
    with pytest.raises(InvalidInputError) as info:
        _enrol(sessions=[*SESSIONS, april])
    assert str(info.value) == (
        W + "session 's9' (k1, 2025-04) is not on plan 'p' (2025-03): pass only the plan's sessions"
    )
