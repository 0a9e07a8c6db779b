"""Incentive scoring: absolute scores against fixed references, then grading.

Two stages, kept apart on purpose:

1. :func:`score` computes an **absolute** score per (cadre, period) from each
   indicator's attainment against references declared in advance
   (:class:`Target`, :class:`Linear`, :class:`LookupTable`), so one cadre's
   data never changes another's score. :class:`MinMax`, :class:`Percentile`
   and :func:`topsis` are opt-in and cohort-relative: they do depend on the
   other cadres.
2. :func:`grade` turns scores into grades per group: quotas, rounding, ties,
   vetoes as caps and apportionment across units. ``score`` calls it with the
   scheme's settings; it is also usable on its own. Approved grade
   overrides (calibration) are applied last, as an audited overlay.

.. versionadded:: 0.1
"""

from __future__ import annotations

from cadredev import _strategy_hook

from ._audit import AuditEntry
from ._cadres import ScoredCadres
from ._comparison import Comparison, GradeFlip, UnitChange, compare, compare_schemes
from ._evaluate import score
from ._exempt import AppliedExemption, Exemption
from ._fit import FitRow, PostFit, post_fit
from ._grade import Grading, grade, quota_seats
from ._normalise import (
    Linear,
    LookupTable,
    MinMax,
    Normaliser,
    Percentile,
    Reciprocal,
    Step,
    Target,
)
from ._override import AppliedOverride
from ._pay import PayAllocation, allocate_pay
from ._quota_report import Paradox, QuotaReport, quota_report
from ._records import Records
from ._results import (
    Contribution,
    Explanation,
    Leaderboard,
    LeaderboardRow,
    PoolEntry,
    ReservePool,
)
from ._rollup import ExposureWarning, rollup
from ._scheme import DEFAULT_GRADES, Grade, Indicator, Penalty, Scheme, Veto
from ._sensitivity import Acceptability, Sensitivity, acceptability, sensitivity
from ._table import ScoreTable
from ._topsis import topsis

__all__ = [
    "DEFAULT_GRADES",
    "Acceptability",
    "AppliedExemption",
    "AppliedOverride",
    "AuditEntry",
    "Comparison",
    "Contribution",
    "Exemption",
    "Explanation",
    "ExposureWarning",
    "FitRow",
    "Grade",
    "GradeFlip",
    "Grading",
    "Indicator",
    "Leaderboard",
    "LeaderboardRow",
    "Linear",
    "LookupTable",
    "MinMax",
    "Normaliser",
    "Paradox",
    "PayAllocation",
    "Penalty",
    "Percentile",
    "PoolEntry",
    "PostFit",
    "QuotaReport",
    "Reciprocal",
    "Records",
    "ReservePool",
    "Scheme",
    "ScoreTable",
    "ScoredCadres",
    "Sensitivity",
    "Step",
    "Target",
    "UnitChange",
    "Veto",
    "acceptability",
    "allocate_pay",
    "compare",
    "compare_schemes",
    "grade",
    "post_fit",
    "quota_report",
    "quota_seats",
    "rollup",
    "score",
    "sensitivity",
    "topsis",
]

_strategy_hook.imported()  # lets the hypothesis plugin register the types above
