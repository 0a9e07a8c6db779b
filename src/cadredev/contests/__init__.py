"""Contests and arenas with a judge panel (大比武, 擂台赛).

A :class:`Panel` of judges scores contestants on weighted criteria;
:func:`judge` aggregates the marks by mean, trimmed mean, median, per-judge
standardisation (z-scores) or a two-way additive model fitted by least
squares (contestant + judge severity), excludes judges from the
contestant's own unit when asked (回避), breaks ties by documented rules and
explains each judge's part. :func:`exam` grades exam-based contests against
a pass mark, and :func:`arena` puts a panel's scores beside measured results
from scoring. Every result turns into scoring ``Records`` with
``to_records``.

.. versionadded:: 0.3
"""

from __future__ import annotations

from ._arena import ArenaResult, ArenaRow, arena
from ._exam import ExamResult, ExamRow, exam
from ._judge import ContestResult, JudgePart, Standing, judge
from ._records import Contestant, Criterion, Judge, Mark, Panel, as_contestants

__all__ = [
    "ArenaResult",
    "ArenaRow",
    "ContestResult",
    "Contestant",
    "Criterion",
    "ExamResult",
    "ExamRow",
    "Judge",
    "JudgePart",
    "Mark",
    "Panel",
    "Standing",
    "arena",
    "as_contestants",
    "exam",
    "judge",
]
