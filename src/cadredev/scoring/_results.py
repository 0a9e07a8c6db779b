"""What a score table answers: explanations, leaderboards and the reserve pool.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from attrs import field, frozen

from cadredev._display import html_table, need_pandas
from cadredev.model import FrozenDict

from ._exempt import AppliedExemption
from ._labels import Labels, as_labels, both, check_labels, grade_text, line_text
from ._override import AppliedOverride

__all__ = [
    "Contribution",
    "Explanation",
    "Leaderboard",
    "LeaderboardRow",
    "PoolEntry",
    "ReservePool",
]


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:g}"


@frozen(kw_only=True)
class Contribution:
    """One indicator's part in a cadre's total.

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> c = demo_score_table().explain("a").contributions[0]
    >>> c.indicator, c.raw, c.attainment, c.points
    ('visits', 18.0, 0.9, 90.0)
    >>> c
    Contribution(visits: raw 18 -> 0.900 x w1 = 90.00 points)

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

    def __repr__(self) -> str:
        name = f"{self.indicator} {self.label}" if self.label else self.indicator
        if not self.applicable:
            return f"Contribution({name}: not applicable)"
        unit = f" {self.unit}" if self.unit else ""
        return (
            f"Contribution({name}: raw {_num(self.raw)}{unit} -> {self.attainment:.3f} "
            f"x w{self.weight:g} = {self.points:.2f} points)"
        )


@frozen(kw_only=True)
class Explanation:
    """Why a cadre got its score and grade (see :meth:`ScoreTable.explain`).

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> ex = demo_score_table().explain("a")
    >>> ex
    Explanation(a 2025-01: 90.00, 称职/competent, rank 2 in u; 5.00 points to excellent)
    >>> print(ex)
    a 2025-01: total 90.00, grade competent, rank 2 in u
      visits: raw 18.0 -> 0.900 x w1 = 90.00
      to excellent: 5.00 points

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``override`` and ``grade_labels``.
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
    override: AppliedOverride | None = None
    """The grade override applied after grading (``grade`` is then its ``to_grade``)."""
    grade_labels: FrozenDict[str, str] = field(factory=FrozenDict, converter=as_labels)
    """Grade id -> Chinese label, from the scheme."""

    def __repr__(self) -> str:
        head = (
            f"{self.cadre_id} {self.period}: {self.total:.2f}, "
            f"{both(self.grade, self.grade_labels)}, rank {self.rank} in {self.group}"
        )
        parts = []
        if self.override is not None:
            parts.append(f"overridden from {self.override.override.from_grade}")
        if self.vetoes:
            parts.append("vetoed by " + ", ".join(self.vetoes))
        if self.exemptions:
            parts.append(f"{len(self.exemptions)} exemption(s)")
        if self.next_grade is not None:
            gap = "unreachable" if self.gap is None else f"{self.gap:.2f} points"
            parts.append(f"{gap} to {self.next_grade}")
        return f"Explanation({head}{'; ' if parts else ''}{', '.join(parts)})"

    def __str__(self) -> str:
        head = (
            f"{self.cadre_id} {self.period}: total {self.total:.2f}, grade {self.grade}, "
            f"rank {self.rank} in {self.group}"
        )
        out = [head]
        for c in self.contributions:
            if c.applicable:
                raw = None if c.raw is None else round(c.raw, 9)
                out.append(
                    f"  {c.indicator}: raw {raw} -> {c.attainment:.3f} x w{c.weight:g} = "
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
        if self.override is not None:
            o = self.override.override
            flag = " [over quota]" if self.override.over_quota else ""
            out.append(
                f"  override {o.from_grade} -> {o.to_grade}, approved by {o.approved_by}: "
                f"{o.reason}{flag}"
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
        grade = grade_text(self.grade, self.grade_labels, "zh")
        return html_table(
            f"{self.cadre_id} {self.period}: {self.total:.2f} ({grade})",
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
    >>> row
    LeaderboardRow(#1 b (b) in zone: 95.00, excellent)

    .. versionadded:: 0.1
    """

    position: int
    cadre_id: str
    name: str
    group: str
    total: float
    grade: str
    breakdown: FrozenDict[str, float]

    def __repr__(self) -> str:
        return (
            f"LeaderboardRow(#{self.position} {self.cadre_id} ({self.name}) in {self.group}: "
            f"{self.total:.2f}, {self.grade})"
        )


@frozen(kw_only=True)
class Leaderboard:
    """Cadres ranked by total within groups (see :meth:`ScoreTable.leaderboard`).

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> board = demo_score_table().leaderboard(top=1)
    >>> board.period
    '2025-01'
    >>> board
    Leaderboard(2025-01: 1 row in 1 group; top b 95.00, 优秀/excellent)

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``grade_labels``; :meth:`to_pandas`.
    """

    period: str
    rows: tuple[LeaderboardRow, ...]
    grade_labels: FrozenDict[str, str] = field(factory=FrozenDict, converter=as_labels)
    """Grade id -> Chinese label, from the scheme."""

    def __repr__(self) -> str:
        n = len(self.rows)
        groups = len({r.group for r in self.rows})
        head = (
            f"{self.period}: {n:,} row{'' if n == 1 else 's'} in {groups} "
            f"group{'' if groups == 1 else 's'}"
        )
        if self.rows:
            best = min(self.rows, key=lambda r: (-r.total, r.cadre_id))
            head += f"; top {best.cadre_id} {best.total:.2f}, {both(best.grade, self.grade_labels)}"
        return f"Leaderboard({head})"

    def to_pandas(self, *, labels: Labels = "en") -> Any:
        """Return one row per cadre as a :class:`pandas.DataFrame` (``labels`` as in ScoreTable).

        Examples
        --------
        >>> from cadredev.datasets import demo_score_table
        >>> demo_score_table().leaderboard().to_pandas(labels="zh")["grade"].tolist()
        ['优秀', '称职']

        .. versionadded:: 0.2
        """
        labels = check_labels(labels, where="Leaderboard.to_pandas")
        return need_pandas().DataFrame(
            {
                "position": [r.position for r in self.rows],
                "cadre_id": [r.cadre_id for r in self.rows],
                "name": [r.name for r in self.rows],
                "group": [line_text(r.group, labels) for r in self.rows],
                "total": [r.total for r in self.rows],
                "grade": [grade_text(r.grade, self.grade_labels, labels) for r in self.rows],
            }
        )

    def _repr_html_(self) -> str:
        return html_table(
            repr(self),
            ("#", "cadre", "name", "group", "total", "grade"),
            [
                (
                    r.position,
                    r.cadre_id,
                    r.name,
                    line_text(r.group, "zh"),
                    r.total,
                    grade_text(r.grade, self.grade_labels, "zh"),
                )
                for r in self.rows
            ],
        )


@frozen(kw_only=True)
class PoolEntry:
    """A cadre in the promotion reserve pool.

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> entry = demo_score_table().reserve_pool(per_line=1).entries[0]
    >>> entry.tenure
    10
    >>> entry
    PoolEntry(b investment: 95.00, excellent, tenure 10 since 2015-01-01)

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``joined``: the start of the tenure.
    """

    cadre_id: str
    line: str
    total: float
    grade: str
    tenure: int
    """Whole years in the zone at the end of the period (see :meth:`ScoreTable.reserve_pool`)."""
    joined: dt.date | None = None
    """The day the tenure starts."""

    def __repr__(self) -> str:
        since = "" if self.joined is None else f" since {self.joined.isoformat()}"
        return (
            f"PoolEntry({self.cadre_id} {self.line}: {self.total:.2f}, {self.grade}, "
            f"tenure {self.tenure}{since})"
        )


@frozen(kw_only=True)
class ReservePool:
    """The promotion reserve pool (后备库), see :meth:`ScoreTable.reserve_pool`.

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> pool = demo_score_table().reserve_pool(per_line=1, min_tenure=20)
    >>> pool.excluded
    (('b', 'tenure 10 < 20 years'), ('a', 'grade competent not admitted'))
    >>> pool
    ReservePool(2025-01: 0 cadres, 2 passed over)

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``grade_labels``; :meth:`to_pandas`.
    """

    period: str
    entries: tuple[PoolEntry, ...]
    excluded: tuple[tuple[str, str], ...]
    """``(cadre id, reason)`` for top scorers kept out (tenure, veto, grade)."""
    grade_labels: FrozenDict[str, str] = field(factory=FrozenDict, converter=as_labels)
    """Grade id -> Chinese label, from the scheme."""

    @property
    def cadre_ids(self) -> tuple[str, ...]:
        """The ids of the cadres in the pool."""
        return tuple(e.cadre_id for e in self.entries)

    def __repr__(self) -> str:
        n = len(self.entries)
        lines = Counter(e.line for e in self.entries)
        per = f" ({', '.join(f'{k} {v}' for k, v in sorted(lines.items()))})" if lines else ""
        return (
            f"ReservePool({self.period}: {n} cadre{'' if n == 1 else 's'}{per}, "
            f"{len(self.excluded)} passed over)"
        )

    def to_pandas(self, *, labels: Labels = "en") -> Any:
        """Return one row per pool entry as a :class:`pandas.DataFrame`.

        ``labels="zh"`` shows lines and grades by their Chinese labels.

        Examples
        --------
        >>> from cadredev.datasets import demo_score_table
        >>> demo_score_table().reserve_pool(per_line=1).to_pandas(labels="zh")["line"].tolist()
        ['招商引资']

        .. versionadded:: 0.2
        """
        labels = check_labels(labels, where="ReservePool.to_pandas")
        return need_pandas().DataFrame(
            {
                "cadre_id": [e.cadre_id for e in self.entries],
                "line": [line_text(e.line, labels) for e in self.entries],
                "total": [e.total for e in self.entries],
                "grade": [grade_text(e.grade, self.grade_labels, labels) for e in self.entries],
                "tenure": [e.tenure for e in self.entries],
                "joined": [e.joined for e in self.entries],
            }
        )

    def _repr_html_(self) -> str:
        return html_table(
            repr(self),
            ("cadre", "line", "total", "grade", "tenure"),
            [
                (
                    e.cadre_id,
                    line_text(e.line, "zh"),
                    e.total,
                    grade_text(e.grade, self.grade_labels, "zh"),
                    e.tenure,
                )
                for e in self.entries
            ],
        )
