"""Grade flips and rank agreement between two score tables.

PROVISIONAL: this is the one place the scenarios compare score tables. When
``cadredev.scoring.compare(a, b)`` is available, :func:`grade_shift` becomes a
thin wrapper around it and nothing else in this package changes.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from attrs import frozen
from scipy import stats

__all__ = ["GradeShift", "grade_shift"]


@frozen(kw_only=True)
class GradeShift:
    """How a second score table differs from a first, cadre by cadre.

    Parameters
    ----------
    flips
        Cadres (present in both) whose grade differs.
    tau
        Kendall's tau between the two tables' totals over the shared cadres
        (``1.0`` when they rank alike; ``nan`` when it is undefined, such as
        for constant totals).
    changed
        ``(cadre id, grade in the first, grade in the second)`` for each flip,
        sorted by cadre id.

    Examples
    --------
    >>> from cadredev.scenarios import GradeShift
    >>> GradeShift(flips=0, tau=1.0, changed=()).flips
    0

    .. versionadded:: 0.3
    """

    flips: int
    tau: float
    changed: tuple[tuple[str, str, str], ...] = ()

    def explain(self) -> str:
        """Return the shift in words."""
        head = f"{self.flips} grade flip(s), Kendall's tau {self.tau:.3f}"
        return "\n".join([head, *(f"  {c}: {a} -> {b}" for c, a, b in self.changed)])


def _last_period(table: Any) -> dict[str, tuple[float, str]]:
    periods = table.periods
    last = periods[-1] if len(periods) else None
    grades = table.grade
    return {
        str(c): (float(t), str(g))
        for c, p, t, g in zip(table.cadre_ids, periods, table.total, grades, strict=True)
        if p == last
    }


def grade_shift(a: Any, b: Any) -> GradeShift:
    """Return the grade flips and Kendall's tau from score table ``a`` to ``b`` (last periods)."""
    first, second = _last_period(a), _last_period(b)
    shared = sorted(set(first) & set(second))
    changed = tuple((c, first[c][1], second[c][1]) for c in shared if first[c][1] != second[c][1])
    if len(shared) < 2:
        tau = float("nan")
    else:
        x = np.array([first[c][0] for c in shared])
        y = np.array([second[c][0] for c in shared])
        if np.ptp(x) == 0 or np.ptp(y) == 0:
            tau = float("nan")
        else:
            tau = float(stats.kendalltau(x, y).statistic)
    return GradeShift(
        flips=len(changed), tau=tau if math.isfinite(tau) else float("nan"), changed=changed
    )
