"""The audit trail of a score table: every exemption, veto and override that touched a row.

.. versionadded:: 0.2
"""

from __future__ import annotations

from typing import Literal

from attrs import frozen

__all__ = ["AuditEntry", "AuditKind"]

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
