"""What a score table answers: explanations, leaderboards and the reserve pool.

.. versionadded:: 0.1
"""

from __future__ import annotations

from attrs import frozen

from cadredev._display import html_table
from cadredev.model import FrozenDict

from ._exempt import AppliedExemption

__all__ = [
    "Contribution",
    "Explanation",
    "Leaderboard",
    "LeaderboardRow",
    "PoolEntry",
    "ReservePool",
]


@frozen(kw_only=True)
class Contribution:
    """One indicator's part in a cadre's total.

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> c = demo_score_table().explain("a").contributions[0]
    >>> c.indicator, c.raw, c.attainment, c.points
    ('visits', 18.0, 0.9, 90.0)

    .. versionadded:: 0.1
    """

    indicator: str
    label: str
    unit: str
    raw: float | None
    attainment: float
    weight: float
    points: float
    applicable: bool
    to_next: float | None = None
    """Raw change (in ``unit``) that alone would reach the next grade, if any."""


@frozen(kw_only=True)
class Explanation:
    """Why a cadre got its score and grade (see :meth:`ScoreTable.explain`).

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> print(demo_score_table().explain("a"))
    a 2025-01: total 90.00, grade competent, rank 2 in u
      visits: raw 18.0 -> 0.900 x w1 = 90.00
      to excellent: 5.00 points

    .. versionadded:: 0.1
    """

    cadre_id: str
    period: str
    total: float
    grade: str
    rank: int
    group: str
    contributions: tuple[Contribution, ...]
    penalties: tuple[tuple[str, float, float], ...]
    """``(penalty id, events, points deducted)``."""
    vetoes: tuple[str, ...]
    exemptions: tuple[AppliedExemption, ...]
    next_grade: str | None
    gap: float | None
    """Points missing to reach :attr:`next_grade`; ``None`` if it cannot be reached."""
    note: str = ""

    def __str__(self) -> str:
        head = (
            f"{self.cadre_id} {self.period}: total {self.total:.2f}, grade {self.grade}, "
            f"rank {self.rank} in {self.group}"
        )
        out = [head]
        for c in self.contributions:
            if c.applicable:
                out.append(
                    f"  {c.indicator}: raw {c.raw} -> {c.attainment:.3f} x w{c.weight:g} = "
                    f"{c.points:.2f}"
                )
            else:
                out.append(f"  {c.indicator}: not applicable")
        out.extend(f"  penalty {pid}: {n:g} events, -{pts:.2f}" for pid, n, pts in self.penalties)
        out.extend(f"  veto {v}" for v in self.vetoes)
        out.extend(
            f"  exemption {a.exemption.target} ({a.exemption.policy}): +{a.gain:.2f}"
            for a in self.exemptions
        )
        if self.next_grade is not None:
            gap = "unreachable" if self.gap is None else f"{self.gap:.2f} points"
            out.append(
                f"  to {self.next_grade}: {gap}{' (' + self.note + ')' if self.note else ''}"
            )
        return "\n".join(out)

    def _repr_html_(self) -> str:
        rows = [
            (c.indicator, c.label, c.raw, c.attainment, c.weight, c.points, c.to_next)
            for c in self.contributions
        ]
        return html_table(
            f"{self.cadre_id} {self.period}: {self.total:.2f} ({self.grade})",
            ("indicator", "label", "raw", "attainment", "weight", "points", "to next grade"),
            rows,
        )


@frozen(kw_only=True)
class LeaderboardRow:
    """One row of a :class:`Leaderboard`.

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> row = demo_score_table().leaderboard().rows[0]
    >>> row.position, row.cadre_id, dict(row.breakdown)
    (1, 'b', {'visits': 95.0})

    .. versionadded:: 0.1
    """

    position: int
    cadre_id: str
    name: str
    group: str
    total: float
    grade: str
    breakdown: FrozenDict[str, float]


@frozen(kw_only=True)
class Leaderboard:
    """Cadres ranked by total within groups (see :meth:`ScoreTable.leaderboard`).

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> demo_score_table().leaderboard(top=1).period
    '2025-01'

    .. versionadded:: 0.1
    """

    period: str
    rows: tuple[LeaderboardRow, ...]

    def _repr_html_(self) -> str:
        return html_table(
            f"Leaderboard {self.period}",
            ("#", "cadre", "name", "group", "total", "grade"),
            [(r.position, r.cadre_id, r.name, r.group, r.total, r.grade) for r in self.rows],
        )


@frozen(kw_only=True)
class PoolEntry:
    """A cadre in the promotion reserve pool.

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> demo_score_table().reserve_pool(per_line=1).entries[0].tenure
    10

    .. versionadded:: 0.1
    """

    cadre_id: str
    line: str
    total: float
    grade: str
    tenure: int


@frozen(kw_only=True)
class ReservePool:
    """The promotion reserve pool (后备库), see :meth:`ScoreTable.reserve_pool`.

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> demo_score_table().reserve_pool(per_line=1, min_tenure=20).excluded
    (('b', 'tenure 10 < 20 years'), ('a', 'grade competent not admitted'))

    .. versionadded:: 0.1
    """

    period: str
    entries: tuple[PoolEntry, ...]
    excluded: tuple[tuple[str, str], ...]
    """``(cadre id, reason)`` for top scorers kept out (tenure, veto, grade)."""

    @property
    def cadre_ids(self) -> tuple[str, ...]:
        """The ids of the cadres in the pool."""
        return tuple(e.cadre_id for e in self.entries)

    def _repr_html_(self) -> str:
        return html_table(
            f"Reserve pool {self.period}",
            ("cadre", "line", "total", "grade", "tenure"),
            [(e.cadre_id, e.line, e.total, e.grade, e.tenure) for e in self.entries],
        )
