"""The table of document kinds: every cadredev record type by name, resolved lazily."""

from __future__ import annotations

import importlib
from typing import Any

from cadredev.errors import InvalidInputError

__all__ = ["kind", "kinds"]

# Every public record type, by document kind, with the module that defines it.
# Resolved on first use, so ``io.kind(name)`` works in a fresh interpreter and
# the domain packages never import io.
_BUILTIN_KINDS: dict[str, str] = {
    "Cadre": "cadredev.model",
    "Eligibility": "cadredev.model",
    "Enterprise": "cadredev.model",
    "Mentor": "cadredev.model",
    "Mentorship": "cadredev.model",
    "Calendar": "cadredev.calendar",
    "Post": "cadredev.model",
    "Posting": "cadredev.model",
    "Candidates": "cadredev.matching",
    "Criteria": "cadredev.matching",
    "GroupLoad": "cadredev.matching",
    "MatchDiff": "cadredev.matching",
    "MatchExplanation": "cadredev.matching",
    "MatchSummary": "cadredev.matching",
    "Matching": "cadredev.matching",
    "MentorLoad": "cadredev.matching",
    "Assessed": "cadredev.events",
    "Attended": "cadredev.events",
    "Lectured": "cadredev.events",
    "Completed": "cadredev.events",
    "Enrolled": "cadredev.events",
    "Exempted": "cadredev.events",
    "Feedback": "cadredev.events",
    "Goal": "cadredev.events",
    "GoalReached": "cadredev.events",
    "GradeOverride": "cadredev.events",
    "Left": "cadredev.events",
    "Meeting": "cadredev.events",
    "MentorshipEnded": "cadredev.events",
    "MentorshipStarted": "cadredev.events",
    "PlacementEnded": "cadredev.events",
    "Placed": "cadredev.events",
    "PostClosed": "cadredev.events",
    "Promoted": "cadredev.events",
    "Retracted": "cadredev.events",
    "Withdrawn": "cadredev.events",
    "Demoted": "cadredev.events",
    "SchemeAdopted": "cadredev.ledger",
    "Assignment": "cadredev.rotation",
    "Bound": "cadredev.rotation",
    "Conflict": "cadredev.rotation",
    "Objective": "cadredev.rotation",
    "PlanDiff": "cadredev.rotation",
    "Program": "cadredev.rotation",
    "RotationPlan": "cadredev.rotation",
    "RotationProblem": "cadredev.rotation",
    "Understaffed": "cadredev.rotation",
    "Unplaced": "cadredev.rotation",
    "Violation": "cadredev.rotation",
    "EnterpriseSplit": "cadredev.teams",
    "Teams": "cadredev.teams",
    "TeamsReport": "cadredev.teams",
    "AppliedExemption": "cadredev.scoring",
    "AppliedOverride": "cadredev.scoring",
    "AuditEntry": "cadredev.scoring",
    "Contribution": "cadredev.scoring",
    "Exemption": "cadredev.scoring",
    "Explanation": "cadredev.scoring",
    "ExposureWarning": "cadredev.scoring",
    "FitRow": "cadredev.scoring",
    "Grade": "cadredev.scoring",
    "Grading": "cadredev.scoring",
    "Indicator": "cadredev.scoring",
    "Leaderboard": "cadredev.scoring",
    "LeaderboardRow": "cadredev.scoring",
    "PayAllocation": "cadredev.scoring",
    "Penalty": "cadredev.scoring",
    "PoolEntry": "cadredev.scoring",
    "PostFit": "cadredev.scoring",
    "Records": "cadredev.scoring",
    "ReservePool": "cadredev.scoring",
    "Scheme": "cadredev.scoring",
    "ScoreTable": "cadredev.scoring",
    "ScoredCadres": "cadredev.scoring",
    "Veto": "cadredev.scoring",
    "Counterexample": "cadredev.testing",
    "PropertyReport": "cadredev.testing",
    "PropertyResult": "cadredev.testing",
    "Zone": "cadredev.datasets",
    "EnterpriseVisited": "cadredev.events",
    "CaseOpened": "cadredev.events",
    "CaseStepped": "cadredev.events",
    "Case": "cadredev.service",
    "Step": "cadredev.service",
    "ServicePolicy": "cadredev.service",
    "MetricRow": "cadredev.service",
    "ServiceMetrics": "cadredev.service",
    "Escalation": "cadredev.service",
    "Sweep": "cadredev.service",
    "ServiceYear": "cadredev.datasets",
    "Attendance": "cadredev.training",
    "Booking": "cadredev.training",
    "Course": "cadredev.training",
    "Enrolment": "cadredev.training",
    "LearningPlan": "cadredev.training",
    "Lecturer": "cadredev.training",
    "LecturerRota": "cadredev.training",
    "QuizResult": "cadredev.training",
    "Route": "cadredev.training",
    "RoutePlan": "cadredev.training",
    "Seat": "cadredev.training",
    "Session": "cadredev.training",
    "Shortfall": "cadredev.training",
    "Site": "cadredev.training",
    "SiteLoad": "cadredev.training",
    "Theme": "cadredev.training",
    "Turn": "cadredev.training",
    "Unfilled": "cadredev.training",
    "Unrouted": "cadredev.training",
    "Roster": "cadredev.roster",
    "Results": "cadredev.scenarios",
    "Scenario": "cadredev.scenarios",
}
_KINDS: dict[str, type[Any]] = {}
_HOOKS: list[tuple[type[Any], Any, Any]] = []


def kind(name: str) -> type[Any]:
    """Return the class for a document ``kind``: a cadredev type or one registered.

    Raises
    ------
    InvalidInputError
        If no class of that name is known.

    Examples
    --------
    >>> kind("Cadre").__name__
    'Cadre'
    >>> from cadredev.datasets import Zone
    >>> kind("Zone") is Zone
    True

    .. versionadded:: 0.1
    """
    if isinstance(name, str) and name in _KINDS:
        return _KINDS[name]
    module = _BUILTIN_KINDS.get(name) if isinstance(name, str) else None
    if module is None:
        known = sorted({*_BUILTIN_KINDS, *_KINDS})
        raise InvalidInputError(f"unknown document kind {name!r}; expected one of {known}")
    cls: type[Any] = getattr(importlib.import_module(module), name)
    return cls


def kinds() -> tuple[str, ...]:
    """Return the name of every document kind known, sorted.

    Examples
    --------
    >>> {"Cadre", "Records", "Zone"} <= set(kinds())
    True

    .. versionadded:: 0.2
    """
    return tuple(sorted({*_BUILTIN_KINDS, *_KINDS}))
