"""Fault-tolerance exemptions (容错纠错): an overlay on the records, never an edit.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import Any, Literal

from attrs import field, frozen

from cadredev._validate import is_real
from cadredev.errors import InvalidInputError

from ._periods import check_period

__all__ = ["AppliedExemption", "Exemption"]

Policy = Literal["waive", "mitigate"]


@frozen(kw_only=True)
class Exemption:
    """An approved exemption for one cadre, period and indicator, penalty or veto.

    It is an overlay applied while scoring; the records are not changed.
    ``"waive"`` removes a penalty or a veto, or sets an indicator aside as not
    applicable; ``"mitigate"`` keeps only ``factor`` of a penalty, or of an
    indicator's shortfall from its target. An exemption **never lowers** the
    exempted cadre's score (if setting an indicator aside would, it has no
    effect), applying it twice is the same as once, and it changes no other
    cadre's score. An exemption for a month also applies when the quarter or
    year containing it is scored.

    Parameters
    ----------
    cadre_id
        The exempted cadre.
    period
        The period label of the deviation.
    target
        An indicator, penalty or veto id of the scheme.
    policy
        ``"waive"`` or ``"mitigate"``.
    factor
        For ``"mitigate"``: the share still counted, in ``[0, 1]``.
    reason
        Why (the approved deviation).
    approved_by
        Who approved it.

    Examples
    --------
    >>> e = Exemption(
    ...     cadre_id="c010",
    ...     period="2025-06",
    ...     target="incidents",
    ...     reason="skipped a procedure to finish a shelter on time",
    ...     approved_by="纪工委",
    ... )
    >>> e.policy
    'waive'

    .. versionadded:: 0.1
    """

    cadre_id: str = field()
    period: str = field()
    target: str = field()
    policy: Policy = "waive"
    factor: float = 0.0
    reason: str = ""
    approved_by: str = ""

    def __attrs_post_init__(self) -> None:
        owner = f"Exemption for {self.cadre_id!r}"
        for name in ("cadre_id", "target"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise InvalidInputError(
                    f"{owner}: {name} must be a non-empty string, got {value!r}"
                )
        check_period(self.period, where=owner)
        if self.policy not in ("waive", "mitigate"):
            raise InvalidInputError(
                f"{owner}: policy must be 'waive' or 'mitigate', got {self.policy!r}"
            )
        f: Any = self.factor
        if not is_real(f) or not 0.0 <= float(f) <= 1.0:
            raise InvalidInputError(f"{owner}: factor must be in [0, 1], got {f!r}")
        object.__setattr__(self, "factor", float(f))

    @property
    def strength(self) -> float:
        """Return the share of the target that still counts (0 for a waiver, else ``factor``)."""
        return 0.0 if self.policy == "waive" else self.factor


@frozen(kw_only=True)
class AppliedExemption:
    """An exemption as applied to one scored row.

    Attributes
    ----------
    exemption
        The exemption.
    period
        The scored period it applied to.
    gain
        Points it added to the total (``0`` when it would have lowered it,
        in which case it was not used).

    Examples
    --------
    >>> e = Exemption(cadre_id="c1", period="2025-06", target="incidents")
    >>> applied = AppliedExemption(exemption=e, period="2025", gain=10.0)
    >>> applied.gain
    10.0
    >>> applied
    AppliedExemption(c1 2025: waive incidents, +10.00 points)

    .. versionadded:: 0.1
    """

    exemption: Exemption
    period: str
    gain: float

    def __repr__(self) -> str:
        e = self.exemption
        what = "waive" if e.policy == "waive" else f"mitigate to {e.factor:g}"
        return (
            f"AppliedExemption({e.cadre_id} {self.period}: {what} {e.target}, "
            f"+{self.gain:.2f} points)"
        )
