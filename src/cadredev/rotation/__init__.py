"""Rotation scheduling: place cadres in posts over periods under policy rules.

A :class:`RotationProblem` holds cadres, posts with a capacity per period,
programs (length, placements per cadre, categories, eligibility, rules) and
unit staffing limits. :func:`schedule` returns a :class:`RotationPlan` that
breaks no hard rule, :func:`replan` adapts a plan after a change and
:func:`diagnose` explains, before solving, why some minimums cannot be met.

.. versionadded:: 0.1
"""

from __future__ import annotations

from cadredev import _strategy_hook
from cadredev.model import Eligibility

from ._diagnose import diagnose
from ._plan import Bound, Objective, PlanDiff, RotationPlan
from ._problem import RotationProblem
from ._records import Assignment, Conflict, Program, Understaffed, Unplaced, Violation
from ._solve import replan, schedule

__all__ = [
    "Assignment",
    "Bound",
    "Conflict",
    "Eligibility",
    "Objective",
    "PlanDiff",
    "Program",
    "RotationPlan",
    "RotationProblem",
    "Understaffed",
    "Unplaced",
    "Violation",
    "diagnose",
    "replan",
    "schedule",
]

_strategy_hook.imported()  # lets the hypothesis plugin register the types above
