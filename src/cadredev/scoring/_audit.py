"""The audit trail of a score table: every exemption, veto and override that touched a row.

.. versionadded:: 0.2
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from attrs import frozen

from ._exempt import AppliedExemption
from ._labels import grade_labels
from ._override import AppliedOverride

if TYPE_CHECKING:
    from ._context import ScoreContext

__all__ = ["AuditEntry", "AuditKind", "audit_entries"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]

AuditKind = Literal["exemption", "veto", "override"]
"""What touched a row: an exemption while scoring, a veto while grading, an override after."""


@frozen(kw_only=True)
class AuditEntry:
    """One exemption, veto or grade override that touched a cadre's score or grade.

    See :meth:`ScoreTable.audit`. Entries
    come in table order (period, then cadre id) and, for one row, in the
    order they act: exemptions while scoring, vetoes while grading,
    overrides after grading.

    Attributes
    ----------
    kind
        ``"exemption"``, ``"veto"`` or ``"override"``.
    cadre_id, period
        The row touched.
    target
        The exempted indicator, penalty or veto id; the veto id; or
        ``"grade"`` for an override.
    effect
        What it did, in words.
    approved_by, reason
        Who approved it and why (a veto gives its label as the reason).
    points
        Points an exemption added to the total (``0`` for the others).
    from_grade, to_grade
        For an override: the computed grade and the new one; for a veto, the
        grade the veto capped the row at is ``to_grade``.
    flagged
        Whether the entry needs attention: an override applied over a quota.

    Examples
    --------
    >>> e = AuditEntry(
    ...     kind="override",
    ...     cadre_id="c042",
    ...     period="2025",
    ...     target="grade",
    ...     effect="competent -> excellent",
    ...     approved_by="考核委员会",
    ...     reason="led the shelter project",
    ...     from_grade="competent",
    ...     to_grade="excellent",
    ... )
    >>> print(e)
    2025 c042 override: competent -> excellent (approved by 考核委员会: led the shelter project)

    .. versionadded:: 0.2
    """

    kind: AuditKind
    cadre_id: str
    period: str
    target: str
    effect: str
    approved_by: str = ""
    reason: str = ""
    points: float = 0.0
    from_grade: str | None = None
    to_grade: str | None = None
    flagged: bool = False

    def __str__(self) -> str:
        who = f"approved by {self.approved_by}" if self.approved_by else ""
        why = f"{who}: {self.reason}" if who and self.reason else who or self.reason
        text = f"{self.period} {self.cadre_id} {self.kind}: {self.effect}"
        if why:
            text += f" ({why})"
        if self.flagged:
            text += " [flagged]"
        return text

    def __repr__(self) -> str:
        return f"AuditEntry({self})"


def audit_entries(
    ctx: ScoreContext,
    *,
    exemptions: Sequence[AppliedExemption],
    vetoed: IntArray,
    hit: BoolArray,
    overrides: Sequence[AppliedOverride],
    cadre: int | None,
) -> tuple[AuditEntry, ...]:
    """Return the audit entries of a table, of one cadre (position) or all, in table order.

    ``vetoed`` are the vetoed rows to list and ``hit`` which vetoes each hit.
    """
    scheme = ctx.scheme
    by_row: dict[int, list[AuditEntry]] = {}

    def add(r: int, entry: AuditEntry) -> None:
        if cadre is None or r % ctx.n_c == cadre:
            by_row.setdefault(r, []).append(entry)

    veto_ids = {v.id for v in scheme.vetoes}
    for a in exemptions:
        r = ctx.row(ctx.cadre_of[a.exemption.cadre_id], ctx.periods.index(a.period))
        add(r, _exemption_entry(a, vetoes=veto_ids))
    last = len(scheme.grades) - 1
    for k, r in enumerate(vetoed.tolist()):
        for q, v in enumerate(scheme.vetoes):
            if hit[k, q]:
                cap = scheme.grades[last if v.cap is None else scheme.grade_index(v.cap)]
                add(
                    r,
                    AuditEntry(
                        kind="veto",
                        cadre_id=ctx.cadres.ids[r % ctx.n_c],
                        period=ctx.periods[r // ctx.n_c],
                        target=v.id,
                        effect=f"grade capped at {cap.id}",
                        reason=v.label,
                        to_grade=cap.id,
                    ),
                )
    names = grade_labels(scheme.grades)
    for o in overrides:
        r = ctx.row(ctx.cadre_of[o.cadre_id], ctx.periods.index(o.period))
        add(r, _override_entry(o, names))
    return tuple(entry for r in sorted(by_row) for entry in by_row[r])


def _exemption_entry(a: AppliedExemption, *, vetoes: set[str]) -> AuditEntry:
    e = a.exemption
    what = e.policy if e.policy == "waive" else f"mitigate (factor {e.factor:g})"
    if e.target in vetoes:
        effect = f"waive veto {e.target}"
    elif a.gain > 0:
        effect = f"{what} {e.target}: +{a.gain:.2f} points"
    else:
        effect = f"{what} {e.target}: no change (it would not raise the score)"
    return AuditEntry(
        kind="exemption",
        cadre_id=e.cadre_id,
        period=a.period,
        target=e.target,
        effect=effect,
        approved_by=e.approved_by,
        reason=e.reason,
        points=a.gain,
    )


def _override_entry(o: AppliedOverride, names: Mapping[str, str]) -> AuditEntry:
    ov = o.override
    effect = f"{ov.from_grade} -> {ov.to_grade}"
    if o.over_quota:
        label = names.get(ov.to_grade, ov.to_grade)
        effect += f", over quota: {o.holders} {label} for {o.seats} seats in {o.group}"
    return AuditEntry(
        kind="override",
        cadre_id=ov.cadre_id,
        period=ov.period,
        target="grade",
        effect=effect,
        approved_by=ov.approved_by,
        reason=ov.reason,
        from_grade=ov.from_grade,
        to_grade=ov.to_grade,
        flagged=o.over_quota,
    )
