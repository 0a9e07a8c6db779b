"""Calibrated grades: grade override events applied after grading, as an audited overlay.

.. versionadded:: 0.2
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from attrs import frozen

from cadredev.errors import InvalidInputError
from cadredev.events import GradeOverride

from ._context import ScoreContext

__all__ = ["AppliedOverride", "apply_overrides"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]


@frozen(kw_only=True)
class AppliedOverride:
    """A grade override as applied to one scored row (see ``score(overrides=...)``).

    Attributes
    ----------
    override
        The ``cadredev.events.GradeOverride``: cadre, period, the
        computed grade it replaces (``from_grade``), the new grade
        (``to_grade``), who approved it and why.
    group
        The grading group of the row (quotas apply per group and period).
    over_quota
        Whether the override takes the group past the new grade's quota
        (only allowed with ``allow_over_quota=True``).
    seats, holders
        For a new grade with a quota: the group's seats, and how many hold
        the grade in the group once every override is applied.

    Examples
    --------
    >>> import datetime as dt
    >>> from cadredev.events import GradeOverride
    >>> o = GradeOverride(
    ...     at=dt.date(2026, 1, 10),
    ...     recorded_by="组织部",
    ...     cadre_id="c042",
    ...     period="2025",
    ...     from_grade="competent",
    ...     to_grade="excellent",
    ...     approved_by="考核委员会",
    ...     reason="led the shelter project",
    ... )
    >>> AppliedOverride(override=o, group="招商一局", seats=2, holders=2)
    AppliedOverride(c042 2025: competent -> excellent, approved by 考核委员会)

    .. versionadded:: 0.2
    """

    override: GradeOverride
    group: str
    over_quota: bool = False
    seats: int | None = None
    holders: int | None = None

    @property
    def cadre_id(self) -> str:
        """The cadre whose grade was changed."""
        return self.override.cadre_id

    @property
    def period(self) -> str:
        """The scored period."""
        return self.override.period

    def __repr__(self) -> str:
        o = self.override
        flag = f", over quota ({self.holders} for {self.seats} seats)" if self.over_quota else ""
        return (
            f"AppliedOverride({o.cadre_id} {o.period}: {o.from_grade} -> {o.to_grade}, "
            f"approved by {o.approved_by}{flag})"
        )


def _where(o: GradeOverride) -> str:
    return f"score: override of cadre {o.cadre_id!r} for {o.period} (approved by {o.approved_by})"


def _check(
    ctx: ScoreContext, overrides: Iterable[Any], excluded: Mapping[str, str]
) -> list[tuple[int, GradeOverride]]:
    """Return each override with its table row, checked; sorted by row."""
    items = tuple(overrides)
    for o in items:
        if not isinstance(o, GradeOverride):
            raise InvalidInputError(f"score: overrides must be GradeOverride events, got {o!r}")
    ids = [g.id for g in ctx.scheme.grades]
    out: dict[int, GradeOverride] = {}
    for o in sorted(set(items), key=lambda o: (o.period, o.cadre_id, o.to_grade, o.at)):
        for name in ("from_grade", "to_grade"):
            value = getattr(o, name)
            if value not in ids:
                raise InvalidInputError(
                    f"{_where(o)}: {name} {value!r} is not a grade of scheme "
                    f"{ctx.scheme.name!r}; expected one of {ids}"
                )
        c = ctx.cadre_of.get(o.cadre_id)
        if c is None:
            why = f" ({excluded[o.cadre_id]})" if o.cadre_id in excluded else ""
            raise InvalidInputError(f"{_where(o)}: cadre {o.cadre_id!r} was not scored{why}")
        if o.period not in ctx.periods:
            raise InvalidInputError(
                f"{_where(o)}: period {o.period!r} was not scored; "
                f"expected one of {list(ctx.periods)}"
            )
        r = ctx.row(c, ctx.periods.index(o.period))
        if r in out:
            raise InvalidInputError(
                f"{_where(o)}: a second override for the same cadre and period "
                f"(the other approved by {out[r].approved_by}); pass only the one in force"
            )
        out[r] = o
    return sorted(out.items())


def apply_overrides(
    ctx: ScoreContext,
    overrides: Iterable[Any],
    *,
    codes: IntArray,
    caps: IntArray,
    excluded: Mapping[str, str],
    allow_over_quota: bool,
) -> tuple[IntArray, tuple[AppliedOverride, ...]]:
    """Return the grade codes with the overrides applied, and each override as applied.

    Each override must name a scored cadre and period, grades of the scheme,
    and the grade computed for the row as ``from_grade``; it may not lift a
    vetoed row above the veto's cap (waive the veto with an exemption
    instead). An override that takes a group past a grade's quota (more
    holders than seats, and more than the computed grading had) is refused
    unless ``allow_over_quota``, and then flagged.

    Raises
    ------
    InvalidInputError
        For any of the above, naming the override.
    """
    checked = _check(ctx, overrides, excluded)
    if not checked:
        return codes, ()
    grades = ctx.scheme.grades
    new = codes.copy()
    for r, o in checked:
        computed = grades[int(codes[r])].id
        if computed != o.from_grade:
            raise InvalidInputError(
                f"{_where(o)}: from_grade {o.from_grade!r} does not match the grade computed "
                f"for the row, {computed!r}"
            )
        to = ctx.scheme.grade_index(o.to_grade)
        if int(caps[r]) > to:
            raise InvalidInputError(
                f"{_where(o)}: the row is vetoed and capped at {grades[int(caps[r])].id!r}; "
                f"an override cannot lift it to {o.to_grade!r} (waive the veto with an "
                "Exemption instead)"
            )
        new[r] = to
    groups, seats = ctx.seats()
    applied: list[AppliedOverride] = []
    breaches: list[str] = []
    for r, o in checked:
        to = int(new[r])
        g = int(ctx.group_rows[r])
        label = ctx.group_labels[g % len(ctx.group_labels)]
        if grades[to].quota is None:
            applied.append(AppliedOverride(override=o, group=label))
            continue
        members = ctx.group_rows == g
        have = int(np.count_nonzero(new[members] == to))
        had = int(np.count_nonzero(codes[members] == to))
        limit = int(seats[int(np.searchsorted(groups, g)), to])
        over = have > max(limit, had)
        if over:
            breaches.append(
                f"{o.cadre_id} to {o.to_grade!r} in {label} {o.period}: "
                f"{have} holders for {limit} seats"
            )
        applied.append(
            AppliedOverride(override=o, group=label, over_quota=over, seats=limit, holders=have)
        )
    if breaches and not allow_over_quota:
        raise InvalidInputError(
            "score: override(s) break a quota ("
            + "; ".join(breaches)
            + "); pass allow_over_quota=True to apply them anyway, flagged"
        )
    return new, tuple(applied)
