"""The rota checker finds each broken rule of a hand-altered rota."""

from __future__ import annotations

import attrs
import pytest

from cadredev.datasets import tiny_rotation_problem
from cadredev.errors import InvalidInputError
from cadredev.rotation import schedule
from cadredev.training import Course, Lecturer, Session, lecturer_rota

AI = Course(id="k", topic="ai")
SESSIONS = [
    Session(id="s1", course=AI, period="2025-01"),
    Session(id="s2", course=AI, period="2025-02"),
]
LECTURERS = [Lecturer(id="a", industries={"ai"}, max_turns=2)]


def test_a_valid_rota_has_no_violations_and_alterations_are_found() -> None:
    rota = lecturer_rota(SESSIONS, LECTURERS)
    assert len(rota.turns) == 2
    assert rota.violations(SESSIONS, LECTURERS) == ()
    # The sessions in another month than the rota's turns say do not clash.
    assert rota.violations(SESSIONS, LECTURERS, busy={}) == ()
    # A session or lecturer the rota names but the input lacks.
    assert rota.violations(SESSIONS[:1], LECTURERS) == ("turn s2/a: unknown session or lecturer",)
    # The same turn twice: over the slot, and listed twice.
    twice = attrs.evolve(rota, turns=(*rota.turns, rota.turns[0]))
    found = twice.violations(SESSIONS, LECTURERS)
    assert "a turn is listed twice" in found
    assert "s1 has 2 lecturers for 1 slot(s)" in found
    assert "a gives 3 turns, over the budget of 2" in found
    # Both sessions in one month, same lecturer: a clash.
    same_month = [SESSIONS[0], attrs.evolve(SESSIONS[1], period="2025-01")]
    assert rota.violations(same_month, LECTURERS) == ("a gives s1 and s2 at the same time",)


def test_a_rotation_plan_as_busy_needs_a_calendar() -> None:
    problem = tiny_rotation_problem()
    plan = schedule(problem, seed=0)
    rota = lecturer_rota(SESSIONS, LECTURERS)
    with pytest.raises(InvalidInputError) as info:
        rota.violations(SESSIONS, LECTURERS, busy=plan)
    assert str(info.value) == ("LecturerRota.violations: calendar is required with a RotationPlan")
