"""Selection of people and squads (选人用人).

A nomination :func:`funnel` passes nominees (个人自荐, 部门举荐, 组织考察)
through stages with pass rules and records every rejection with its stage
and reason. :func:`select_squad` chooses a squad maximising total fit under
composition quotas (:class:`Quota`, :class:`Diversity`) by an exact
mixed-integer program, and explains conflicting quotas. :func:`decide`
turns a period's grades and the reserve pool into promotions, demotions and
exits (能者上、庸者下、劣者汰), as ledger events.

.. versionadded:: 0.3
"""

from __future__ import annotations

from ._decide import Action, Decision, Decisions, decide
from ._funnel import Funnel, Nominee, Rejection, Route, Stage, StageOutcome, funnel
from ._quota import Diversity, Quota
from ._squad import QuotaConflict, RuleCount, Squad, select_squad

__all__ = [
    "Action",
    "Decision",
    "Decisions",
    "Diversity",
    "Funnel",
    "Nominee",
    "Quota",
    "QuotaConflict",
    "Rejection",
    "Route",
    "RuleCount",
    "Squad",
    "Stage",
    "StageOutcome",
    "decide",
    "funnel",
    "select_squad",
]
