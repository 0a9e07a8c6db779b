"""A zone as it stood on a day: histories, mentorships, enrolments and the scheme in force."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import attrs

from cadredev import events as ev
from cadredev.model import Cadre, Mentorship, Posting

from ._scheme import SchemeAdopted

__all__ = ["SNAPSHOT_KINDS", "apply_snapshot"]

SNAPSHOT_KINDS = frozenset(
    {
        "Enrolled",
        "Completed",
        "Withdrawn",
        "Placed",
        "PlacementEnded",
        "MentorshipStarted",
        "MentorshipEnded",
        "Left",
        "Promoted",
        "SchemeAdopted",
    }
)
"""The event kinds a snapshot reads; meetings, feedback and the like do not change a zone."""


def _postings(found: list[ev.Event], as_of: dt.date) -> dict[str, list[Posting]]:
    out: dict[str, list[Posting]] = defaultdict(list)
    open_: dict[str, ev.Placed] = {}
    for e in found:
        if isinstance(e, ev.Placed):
            open_[e.cadre_id] = e
        elif isinstance(e, ev.PlacementEnded) and e.cadre_id in open_:
            placed = open_.pop(e.cadre_id)
            out[e.cadre_id].append(_posting(placed, e.at))
    for cadre_id, placed in open_.items():
        end = placed.until if placed.until is not None and placed.until <= as_of else None
        out[cadre_id].append(_posting(placed, end))
    return out


def _posting(placed: ev.Placed, end: dt.date | None) -> Posting:
    return Posting(
        post_id=placed.post_id,
        start=placed.at,
        end=end,
        unit=placed.unit,
        program=placed.programme,
        category=placed.category,
    )


def _mentorships(found: list[ev.Event]) -> dict[str, list[Mentorship]]:
    out: dict[str, list[Mentorship]] = defaultdict(list)
    open_: dict[tuple[str, str], ev.MentorshipStarted] = {}
    for e in found:
        if isinstance(e, ev.MentorshipStarted):
            open_[(e.mentee_id, e.mentor_id)] = e
        elif isinstance(e, ev.MentorshipEnded):
            started = open_.pop((e.mentee_id, e.mentor_id), None)
            if started is not None:
                out[e.mentee_id].append(
                    Mentorship(mentor_id=e.mentor_id, role=started.role, start=started.at, end=e.at)
                )
    for (mentee, mentor), started in open_.items():
        out[mentee].append(Mentorship(mentor_id=mentor, role=started.role, start=started.at))
    return out


def _enrolments(found: list[ev.Event]) -> dict[str, set[str]]:
    touched: dict[str, set[str]] = defaultdict(set)
    for e in found:
        if isinstance(e, ev.Enrolled):
            touched[e.programme].add(e.cadre_id)
        elif isinstance(e, ev.Completed | ev.Withdrawn):
            touched[e.programme].discard(e.cadre_id)
    return touched


def apply_snapshot(zone: Any, found: list[ev.Event], as_of: dt.date) -> Any:
    """Return ``zone`` with the in-force events up to ``as_of`` applied."""
    postings = _postings(found, as_of)
    mentorships = _mentorships(found)
    gone = {e.cadre_id for e in found if isinstance(e, ev.Left)}
    ranks = {e.cadre_id: (e.rank, e.at.year) for e in found if isinstance(e, ev.Promoted)}

    def updated(cadre: Cadre) -> Cadre:
        changes: dict[str, Any] = {}
        if cadre.id in postings:
            changes["history"] = (*cadre.history, *postings[cadre.id])
        if cadre.id in mentorships:
            changes["mentorships"] = (*cadre.mentorships, *mentorships[cadre.id])
        if cadre.id in ranks:
            changes["rank"], changes["rank_since"] = ranks[cadre.id]
        return attrs.evolve(cadre, **changes) if changes else cadre

    cadres = [updated(c) for c in zone.cadres if c.id not in gone]
    mentors = [m for m in zone.mentors if m.id not in gone]
    enrolled = _enrolments(found)
    programs = [
        attrs.evolve(p, cadres=frozenset(enrolled[p.name])) if p.name in enrolled else p
        for p in zone.programs
    ]
    changes: dict[str, Any] = {
        "cadres": cadres,
        "mentors": mentors,
        "programs": programs,
        "as_of": as_of.year,
    }
    adopted = [e for e in found if isinstance(e, SchemeAdopted) and e.effective <= as_of]
    if adopted:
        changes["scheme"] = max(adopted, key=lambda e: e.effective).scheme
    return attrs.evolve(zone, **changes)
