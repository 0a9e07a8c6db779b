"""cadredev: mentor matching, rotation scheduling and incentive scoring for cadres.

The public names live here; the modules behind them are imported on first
use, so ``import cadredev`` stays fast and the heavier dependencies (scipy,
networkx, cattrs) load only when a capability needs them.

.. versionadded:: 0.1
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import CadreError, InfeasibleError, InvalidInputError, MissingDependencyError
from .model import (
    Cadre,
    Cohort,
    Eligibility,
    Enterprise,
    FrozenDict,
    Line,
    Mentor,
    MentorRole,
    Mentorship,
    Post,
    Posting,
    Rank,
    cohort_of,
)

if TYPE_CHECKING:
    from .datasets import Zone, sample_zone
    from .matching import (
        Criteria,
        MatchDiff,
        MatchExplanation,
        Matching,
        MatchSummary,
        compatibility_graph,
        match,
    )
    from .roster import Roster
    from .rotation import (
        Assignment,
        Program,
        RotationPlan,
        RotationProblem,
        Unplaced,
        Violation,
        diagnose,
        replan,
        schedule,
    )
    from .scoring import (
        DEFAULT_GRADES,
        AppliedExemption,
        AppliedOverride,
        AuditEntry,
        Contribution,
        Exemption,
        Explanation,
        ExposureWarning,
        FitRow,
        Grade,
        Grading,
        Indicator,
        Leaderboard,
        LeaderboardRow,
        Linear,
        LookupTable,
        MinMax,
        Normaliser,
        PayAllocation,
        Penalty,
        Percentile,
        PoolEntry,
        PostFit,
        Reciprocal,
        Records,
        ReservePool,
        Scheme,
        ScoredCadres,
        ScoreTable,
        Step,
        Target,
        Veto,
        allocate_pay,
        grade,
        post_fit,
        quota_seats,
        rollup,
        score,
        topsis,
    )
    from .teams import EnterpriseSplit, Teams, TeamsReport, assign_enterprises, form_teams

__all__ = [
    "DEFAULT_GRADES",
    "AppliedExemption",
    "AppliedOverride",
    "Assignment",
    "AuditEntry",
    "Cadre",
    "CadreError",
    "Cohort",
    "Contribution",
    "Criteria",
    "Eligibility",
    "Enterprise",
    "EnterpriseSplit",
    "Exemption",
    "Explanation",
    "ExposureWarning",
    "FitRow",
    "FrozenDict",
    "Grade",
    "Grading",
    "Indicator",
    "InfeasibleError",
    "InvalidInputError",
    "Leaderboard",
    "LeaderboardRow",
    "Line",
    "Linear",
    "LookupTable",
    "MatchDiff",
    "MatchExplanation",
    "MatchSummary",
    "Matching",
    "Mentor",
    "MentorRole",
    "Mentorship",
    "MinMax",
    "MissingDependencyError",
    "Normaliser",
    "PayAllocation",
    "Penalty",
    "Percentile",
    "PoolEntry",
    "Post",
    "PostFit",
    "Posting",
    "Program",
    "Rank",
    "Reciprocal",
    "Records",
    "ReservePool",
    "Roster",
    "RotationPlan",
    "RotationProblem",
    "Scheme",
    "ScoreTable",
    "ScoredCadres",
    "Step",
    "Target",
    "Teams",
    "TeamsReport",
    "Unplaced",
    "Veto",
    "Violation",
    "Zone",
    "__version__",
    "allocate_pay",
    "assign_enterprises",
    "cohort_of",
    "compatibility_graph",
    "diagnose",
    "form_teams",
    "grade",
    "match",
    "post_fit",
    "quota_seats",
    "replan",
    "rollup",
    "sample_zone",
    "schedule",
    "score",
    "topsis",
]

# public name -> the module that defines it, imported on first access
_LAZY: dict[str, str] = {
    "Zone": "datasets",
    "sample_zone": "datasets",
    **dict.fromkeys(
        (
            "Criteria",
            "MatchDiff",
            "MatchExplanation",
            "MatchSummary",
            "Matching",
            "compatibility_graph",
            "match",
        ),
        "matching",
    ),
    **dict.fromkeys(
        (
            "EnterpriseSplit",
            "Teams",
            "TeamsReport",
            "assign_enterprises",
            "form_teams",
        ),
        "teams",
    ),
    **dict.fromkeys(
        (
            "Target",
            "Linear",
            "LookupTable",
            "MinMax",
            "Percentile",
            "Reciprocal",
            "Step",
            "Normaliser",
            "Indicator",
            "Penalty",
            "Veto",
            "Grade",
            "DEFAULT_GRADES",
            "Scheme",
            "Records",
            "Exemption",
            "AppliedExemption",
            "AppliedOverride",
            "AuditEntry",
            "ScoredCadres",
            "score",
            "ScoreTable",
            "Explanation",
            "Contribution",
            "Leaderboard",
            "LeaderboardRow",
            "ReservePool",
            "PoolEntry",
            "grade",
            "Grading",
            "quota_seats",
            "rollup",
            "ExposureWarning",
            "allocate_pay",
            "PayAllocation",
            "topsis",
            "post_fit",
            "PostFit",
            "FitRow",
        ),
        "scoring",
    ),
    **dict.fromkeys(
        (
            "Assignment",
            "Program",
            "RotationPlan",
            "RotationProblem",
            "Unplaced",
            "Violation",
            "diagnose",
            "replan",
            "schedule",
        ),
        "rotation",
    ),
    "Roster": "roster",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cadredev' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
