"""Automatic escalation: every case whose deadline passed moves one level up."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from typing import Any

from attrs import field, frozen

from cadredev._display import html_table, need_pandas
from cadredev._validate import (
    FieldError,
    check_items,
    field_ids,
    field_records,
    id_field,
    is_int,
    named_errors,
)
from cadredev.errors import InvalidInputError

from ._case import Case, check_date, escalate_until
from ._policy import LEVELS, CaseState, ServicePolicy

__all__ = ["Escalation", "Sweep", "escalate_overdue"]


def _check_level(_: object, attribute: Any, value: Any) -> None:
    if not is_int(value) or value not in LEVELS:
        raise FieldError(f"{attribute.name} must be 1, 2 or 3, got {value!r}")


def _check_state(_: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, str) or value not in {s.value for s in CaseState}:
        raise FieldError(
            f"{attribute.name} must be one of {[s.value for s in CaseState]}, got {value!r}"
        )


@named_errors
@frozen(kw_only=True)
class Escalation:
    """One automatic escalation: a case moved up a level the day after a deadline.

    .. versionadded:: 0.3
    """

    case_id: str = field(validator=id_field)
    at: dt.date = field(validator=check_date)
    state: str = field(validator=_check_state)
    from_level: int = field(validator=_check_level)
    to_level: int = field(validator=_check_level)
    owner: str = field(validator=id_field)


def _cases(value: Any) -> tuple[Case, ...]:
    return field_records(value, Case, name="cases")


def _escalations(value: Any) -> tuple[Escalation, ...]:
    return field_records(value, Escalation, name="escalations")


def _overdue(value: Any) -> tuple[str, ...]:
    return field_ids(value, name="overdue")


@named_errors
@frozen(kw_only=True)
class Sweep:
    """The cases after :func:`escalate_overdue`, and what it escalated.

    Parameters
    ----------
    as_of
        The day the deadlines were checked on.
    cases
        Every case, escalated where due, sorted by id.
    escalations
        The escalations made, by case id then date.
    overdue
        Ids of cases past their deadline at the top level (3, 分管领导), which
        cannot go higher: the leader must act.

    .. versionadded:: 0.3
    """

    as_of: dt.date = field(validator=check_date)
    cases: tuple[Case, ...] = field(converter=_cases)
    escalations: tuple[Escalation, ...] = field(converter=_escalations)
    overdue: tuple[str, ...] = field(converter=_overdue)

    def explain(self) -> str:
        """Return one line per escalation and the overdue cases at the top level."""
        head = (
            f"As of {self.as_of}: {len(self.escalations)} escalation(s) over "
            f"{len({e.case_id for e in self.escalations})} of {len(self.cases)} cases; "
            f"{len(self.overdue)} overdue at level 3 ({LEVELS[3]})"
        )
        lines = [head]
        lines += [
            f"  {e.case_id}: {e.at} level {e.from_level} -> {e.to_level} "
            f"({LEVELS[e.to_level]}, {e.owner}) in state {e.state}"
            for e in self.escalations
        ]
        if self.overdue:
            lines.append(f"  overdue at level 3: {', '.join(self.overdue)}")
        return "\n".join(lines)

    def _rows(self) -> list[tuple[Any, ...]]:
        return [
            (e.case_id, e.at.isoformat(), e.state, e.from_level, e.to_level, e.owner)
            for e in self.escalations
        ]

    def _repr_html_(self) -> str:
        header = ("case", "at", "state", "from", "to", "owner")
        title = self.explain().splitlines()[0]
        return html_table(title, header, self._rows())

    def to_pandas(self) -> Any:
        """Return the escalations as a DataFrame, one row each."""
        pd = need_pandas()
        columns = ["case_id", "at", "state", "from_level", "to_level", "owner"]
        return pd.DataFrame(self._rows(), columns=columns)


def escalate_overdue(cases: Iterable[Case], policy: ServicePolicy, *, as_of: dt.date) -> Sweep:
    """Escalate every open case whose deadline passed before ``as_of``.

    Each passed deadline moves a case one level up (grid -> unit -> leader,
    诉求闭环三级机制) on the day after the deadline, to the owner the policy
    names, and restarts the state's clock; a case already at level 3 stays
    there and is listed as overdue. Only ``as_of`` decides, never the wall
    clock, so equal input gives an equal result whatever the case order.

    Raises
    ------
    InvalidInputError
        If ``as_of`` is not a date, a case is not a :class:`Case`, or two
        cases share an id.

    Examples
    --------
    >>> import datetime as dt
    >>> from cadredev.service import ServicePolicy, escalate_overdue, open_case
    >>> policy = ServicePolicy(sla={"visited": 2})
    >>> case = open_case(
    ...     "k1",
    ...     enterprise_id="e1",
    ...     grid="grid-1",
    ...     cadre_id="c1",
    ...     at=dt.date(2025, 3, 3),
    ...     policy=policy,
    ... )
    >>> sweep = escalate_overdue([case], policy, as_of=dt.date(2025, 3, 10))
    >>> [(e.at.day, e.to_level, e.owner) for e in sweep.escalations], sweep.overdue
    ([(6, 2, '企业服务局'), (9, 3, '分管领导')], ())

    .. versionadded:: 0.3
    """
    if isinstance(as_of, dt.datetime) or not isinstance(as_of, dt.date):
        raise InvalidInputError(f"escalate_overdue: as_of must be a datetime.date, got {as_of!r}")
    if not isinstance(policy, ServicePolicy):
        raise InvalidInputError(f"escalate_overdue: policy must be a ServicePolicy, got {policy!r}")
    out: list[Case] = []
    escalations: list[Escalation] = []
    overdue: list[str] = []
    for case in sorted(_checked(cases), key=lambda c: c.id):
        done = escalate_until(case, policy, as_of)
        for prev, step in itertools.pairwise(done.steps[len(case.steps) - 1 :]):
            escalations.append(
                Escalation(
                    case_id=case.id,
                    at=step.at,
                    state=step.state.value,
                    from_level=prev.level,
                    to_level=step.level,
                    owner=step.owner,
                )
            )
        if not done.closed and done.due is not None and done.due < as_of:
            overdue.append(done.id)
        out.append(done)
    return Sweep(
        as_of=as_of, cases=tuple(out), escalations=tuple(escalations), overdue=tuple(overdue)
    )


def _checked(cases: Iterable[Case]) -> list[Case]:
    out = list(check_items(cases, where="escalate_overdue", name="cases"))
    seen: set[str] = set()
    for n, case in enumerate(out):
        if not isinstance(case, Case):
            raise InvalidInputError(f"escalate_overdue: cases[{n}] must be a Case, got {case!r}")
        if case.id in seen:
            raise InvalidInputError(f"escalate_overdue: cases repeat the id {case.id!r}")
        seen.add(case.id)
    return out
