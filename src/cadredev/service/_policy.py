"""The loop's states and events, the three escalation levels, and the service policy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import field, frozen

from cadredev._frozendict import FrozenDict
from cadredev._validate import FieldError, field_items, is_int, named_errors
from cadredev._vocab import LabelledEnum
from cadredev.errors import InvalidInputError

__all__ = ["EVENTS", "LEVELS", "CaseState", "ServicePolicy", "check_level", "check_policy"]


class CaseState(LabelledEnum):
    """A state of the service loop (走访-收集-立件-研判-办理-回访).

    Examples
    --------
    >>> CaseState("立件") is CaseState.REGISTERED
    True
    >>> [s.label for s in CaseState]
    ['走访', '收集', '立件', '研判', '办理', '回访办结']

    .. versionadded:: 0.3
    """

    VISITED = "visited", "走访"
    COLLECTED = "collected", "收集"
    REGISTERED = "registered", "立件"
    ANALYSED = "analysed", "研判"
    HANDLED = "handled", "办理"
    CLOSED = "closed", "回访办结"


_OPEN = frozenset(s for s in CaseState if s is not CaseState.CLOSED)

EVENTS: Mapping[str, tuple[frozenset[CaseState], CaseState | None]] = FrozenDict(
    {
        "collect": (frozenset({CaseState.VISITED}), CaseState.COLLECTED),
        "register": (frozenset({CaseState.COLLECTED}), CaseState.REGISTERED),
        "analyse": (frozenset({CaseState.REGISTERED}), CaseState.ANALYSED),
        "handle": (frozenset({CaseState.ANALYSED}), CaseState.HANDLED),
        "revisit": (frozenset({CaseState.HANDLED}), CaseState.CLOSED),
        "reopen": (frozenset({CaseState.HANDLED}), CaseState.ANALYSED),
        "withdraw": (_OPEN - {CaseState.HANDLED}, CaseState.CLOSED),
        "escalate": (_OPEN, None),
    }
)
"""Every event of the loop: the states it may leave and the state it enters.

``revisit`` closes a handled case (the enterprise is satisfied, 回访);
``reopen`` is a revisit that finds the demand unsolved and sends the case back
to analysis; ``withdraw`` closes a case before it is handled (the demand was
withdrawn or is no case); ``escalate`` keeps the state (``None``) and moves the
case one level up. A case is opened by ``open`` only, never by an event here.
"""

LEVELS: Mapping[int, str] = FrozenDict({1: "网格", 2: "职能部门", 3: "分管领导"})
"""The three levels of the demand-closing mechanism (诉求闭环三级机制): grid, unit, leader."""

_DEFAULT_SLA = {
    CaseState.VISITED: 3,
    CaseState.COLLECTED: 3,
    CaseState.REGISTERED: 5,
    CaseState.ANALYSED: 20,
    CaseState.HANDLED: 20,
}


def _sla(value: Any) -> FrozenDict[CaseState, int]:
    if not isinstance(value, Mapping):
        raise FieldError(f"sla must map states to days, got {value!r}")
    out: dict[CaseState, int] = {}
    for key, days in value.items():
        try:
            state = CaseState.parse(key)
        except (InvalidInputError, TypeError):
            raise FieldError(f"sla: unknown state {key!r}") from None
        if state is CaseState.CLOSED:
            raise FieldError("sla: a closed case has no deadline; remove 'closed'")
        if not is_int(days):
            raise FieldError(f"sla[{state.value!r}] must be a whole number of days, got {days!r}")
        if days < 1:
            raise FieldError(
                f"sla[{state.value!r}] must be at least 1 day, got {days!r} "
                "(an SLA of zero days makes every case overdue the day it arrives)"
            )
        out[state] = int(days)
    return FrozenDict(out)


def _names(value: Any) -> frozenset[str]:
    items = field_items(value, name="grids")
    for grid in sorted(items, key=repr):
        if not isinstance(grid, str) or not grid.strip():
            raise FieldError(f"grids must be non-empty text, got {grid!r}")
    return frozenset(items)


def _text_map(value: Any, *, name: str) -> FrozenDict[str, str]:
    if not isinstance(value, Mapping):
        raise FieldError(f"{name} must map text to text, got {value!r}")
    return FrozenDict(dict(value))


def _units(value: Any) -> FrozenDict[str, str]:
    return _text_map(value, name="units")


def _leaders(value: Any) -> FrozenDict[str, str]:
    return _text_map(value, name="leaders")


def _check_text_map(_: object, attribute: Any, value: Mapping[str, str]) -> None:
    for k, v in value.items():
        if not (isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip()):
            raise FieldError(f"{attribute.name} must map non-empty text to text, got {k!r}: {v!r}")


def _check_name(_: object, attribute: Any, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise FieldError(f"{attribute.name} must be non-empty text, got {value!r}")


@named_errors
@frozen(kw_only=True)
class ServicePolicy:
    """Deadlines per state and the owners of the three escalation levels.

    Parameters
    ----------
    sla
        Days allowed in each open state (a service-level agreement); a state
        without an entry has no deadline. Zero days is an error.
    grids
        The grids (level-1 owners); empty accepts any grid.
    units
        Demand category to the unit that owns it at level 2 (职能部门).
    default_unit
        The level-2 owner for a category not in ``units``.
    leaders
        Grid to the leader who owns its cases at level 3 (分管领导, the grid's
        leader from the leadership team).
    default_leader
        The level-3 owner for a grid not in ``leaders``.

    Examples
    --------
    >>> policy = ServicePolicy(units={"用地": "建设管理局"}, leaders={"grid-1": "c001"})
    >>> policy.sla[CaseState.ANALYSED], policy.owner_for(2, grid="grid-1", category="用地")
    (20, '建设管理局')
    >>> ServicePolicy(sla={"registered": 0})
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: ServicePolicy: sla['registered'] must be at least 1 day, ...

    .. versionadded:: 0.3
    """

    sla: FrozenDict[CaseState, int] = field(
        factory=lambda: FrozenDict(_DEFAULT_SLA), converter=_sla
    )
    grids: frozenset[str] = field(factory=frozenset, converter=_names)

    units: FrozenDict[str, str] = field(
        factory=FrozenDict, converter=_units, validator=_check_text_map
    )
    default_unit: str = field(default="企业服务局", validator=_check_name)
    leaders: FrozenDict[str, str] = field(
        factory=FrozenDict, converter=_leaders, validator=_check_text_map
    )
    default_leader: str = field(default="分管领导", validator=_check_name)

    def owner_for(self, level: int, *, grid: str, category: str = "") -> str:
        """Return who owns a case of ``grid`` and ``category`` at ``level`` (1, 2 or 3).

        Raises
        ------
        InvalidInputError
            For a level other than 1, 2 or 3.
        """
        check_level(level, where="ServicePolicy.owner_for")
        if level == 1:
            return grid
        if level == 2:
            return self.units.get(category, self.default_unit)
        return self.leaders.get(grid, self.default_leader)

    def knows(self, level: int, owner: str) -> bool:
        """Return whether ``owner`` may hold a case at ``level``."""
        if level == 1:
            return not self.grids or owner in self.grids
        if level == 2:
            return owner == self.default_unit or owner in set(self.units.values())
        return owner == self.default_leader or owner in set(self.leaders.values())


def check_level(level: object, *, where: str) -> int:
    """Return ``level`` checked to be 1, 2 or 3."""
    if not is_int(level) or level not in LEVELS:
        known = ", ".join(f"{k} ({v})" for k, v in LEVELS.items())
        raise InvalidInputError(f"{where}: unknown level {level!r}; expected one of {known}")
    return int(level)  # type: ignore[call-overload, no-any-return]


def check_policy(policy: object, *, where: str) -> ServicePolicy | None:
    """Return ``policy`` checked to be ``None`` or a :class:`ServicePolicy`."""
    if policy is not None and not isinstance(policy, ServicePolicy):
        raise InvalidInputError(f"{where}: policy must be a ServicePolicy or None, got {policy!r}")
    return policy
