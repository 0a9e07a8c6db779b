"""The events a decision makes: mentorships from a matching, placements from a plan..."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cadredev import events as ev
from cadredev.calendar import Calendar
from cadredev.errors import InvalidInputError
from cadredev.matching import Matching
from cadredev.rotation import RotationPlan
from cadredev.scoring import ScoreTable

__all__ = ["events_of"]


def events_of(
    result: Any, *, at: dt.date, recorded_by: str, reason: str, calendar: Calendar | None
) -> list[ev.Event]:
    """Return the events that record ``result`` (see :meth:`Ledger.record`)."""
    common: dict[str, Any] = {"at": at, "recorded_by": recorded_by, "reason": reason}
    if isinstance(result, Matching):
        return _mentorships(result, common)
    if isinstance(result, RotationPlan):
        return _placements(result, common, calendar)
    if isinstance(result, ScoreTable):
        return [
            ev.Assessed(
                **common,
                cadre_id=str(cadre),
                period=str(period),
                total=float(total),
                grade=str(grade),
                scheme=result.scheme.name,
            )
            for cadre, period, total, grade in zip(
                result.cadre_ids, result.periods, result.total, result.grade, strict=True
            )
        ]
    raise InvalidInputError(
        "Ledger.record: expected a Matching, a RotationPlan or a ScoreTable, "
        f"got {type(result).__name__}"
    )


def _mentorships(result: Matching, common: dict[str, Any]) -> list[ev.Event]:
    parts = list(result.by_role.values()) if result.by_role else [result]
    out: list[ev.Event] = []
    for part in parts:
        role = part.role or "growth"
        for mentee, mentor in part.pairs.items():
            mentors = mentor if isinstance(mentor, tuple) else (mentor,)
            out.extend(
                ev.MentorshipStarted(
                    **common, mentee_id=str(mentee), mentor_id=str(m), role=str(role)
                )
                for m in mentors
            )
    return out


def _placements(
    plan: RotationPlan, common: dict[str, Any], calendar: Calendar | None
) -> list[ev.Event]:
    if not isinstance(calendar, Calendar):
        raise InvalidInputError(
            "Ledger.record: a RotationPlan needs calendar=Calendar(...) to date its periods"
        )
    out: list[ev.Event] = []
    for a in plan.assignments:
        category = plan.labels.get(f"post:{a.post_id}", ("",))[0]
        out.append(
            ev.Placed(
                **{**common, "at": calendar.span(a.start)[0]},
                cadre_id=a.cadre_id,
                post_id=a.post_id,
                programme=a.program,
                category=category,
                until=calendar.span(a.end)[1],
            )
        )
    return out
