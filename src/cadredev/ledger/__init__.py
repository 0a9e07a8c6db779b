"""The ledger: an append-only record of a programme, and who decided what.

A cadre development programme is a year, and a career, of decisions: who was
enrolled in what, who mentored whom and how it went, who was posted where,
how each month was scored, which penalty was excused and which grade was
changed, by whom and why. The :class:`Ledger` keeps them as typed events
(:mod:`cadredev.events`), in memory or in a database, and gives them back:
a person's history, the zone as it stood on a day (:meth:`Ledger.snapshot`),
the scoring scheme in force for a period.

.. versionadded:: 0.2
"""

from __future__ import annotations

from cadredev.events import (
    Assessed,
    Completed,
    Enrolled,
    Event,
    Exempted,
    Feedback,
    Goal,
    GoalReached,
    GradeOverride,
    Left,
    Meeting,
    MentorshipEnded,
    MentorshipStarted,
    Placed,
    PlacementEnded,
    PostClosed,
    Promoted,
    Retracted,
    Withdrawn,
)

from ._codec import register_event
from ._ledger import Ledger
from ._scheme import SchemeAdopted
from ._sql import SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "Assessed",
    "Completed",
    "Enrolled",
    "Event",
    "Exempted",
    "Feedback",
    "Goal",
    "GoalReached",
    "GradeOverride",
    "Ledger",
    "Left",
    "Meeting",
    "MentorshipEnded",
    "MentorshipStarted",
    "Placed",
    "PlacementEnded",
    "PostClosed",
    "Promoted",
    "Retracted",
    "SchemeAdopted",
    "Withdrawn",
    "register_event",
]
