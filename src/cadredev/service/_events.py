"""Cases to ledger events and back: the loop recorded as facts."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from cadredev._validate import check_id, check_items
from cadredev.errors import InvalidInputError
from cadredev.events import CaseOpened, CaseStepped, Event

from ._case import Case, Step
from ._policy import EVENTS

__all__ = ["case_events", "cases_from_events"]


def case_events(cases: Iterable[Case], *, recorded_by: str = "网格") -> tuple[Event, ...]:
    """Return the events that record ``cases``: one ``CaseOpened``, then one ``CaseStepped`` a step.

    Events come case by case (cases in id order), each case's in step order;
    a step's ``by`` becomes ``recorded_by`` (``recorded_by`` when empty).
    Append them to a :class:`~cadredev.ledger.Ledger`; :func:`cases_from_events`
    reads them back.

    Examples
    --------
    >>> import datetime as dt
    >>> from cadredev.service import advance, case_events, cases_from_events, open_case
    >>> case = open_case(
    ...     "k1", enterprise_id="e1", grid="grid-1", cadre_id="c1", at=dt.date(2025, 3, 3)
    ... )
    >>> case = advance(case, "collect", at=dt.date(2025, 3, 4), note="用工需求")
    >>> [e.kind for e in case_events([case])]
    ['CaseOpened', 'CaseStepped']
    >>> cases_from_events(case_events([case])) == (case,)
    True

    .. versionadded:: 0.3
    """
    items = check_items(cases, where="case_events", name="cases")
    for case in items:
        if not isinstance(case, Case):
            raise InvalidInputError(f"case_events: cases must hold Case records, got {case!r}")
    check_id(recorded_by, where="case_events", name="recorded_by")
    out: list[Event] = []
    for case in sorted(items, key=lambda c: c.id):
        first = case.steps[0]
        out.append(
            CaseOpened(
                at=first.at,
                recorded_by=first.by or recorded_by,
                reason=first.note,
                case_id=case.id,
                cadre_id=case.cadre_id,
                enterprise_id=case.enterprise_id,
                grid=case.grid,
                source=case.source,
                category=case.category,
                due=first.due,
            )
        )
        out += [
            CaseStepped(
                at=step.at,
                recorded_by=step.by or recorded_by,
                reason=step.note,
                case_id=case.id,
                step=step.event,
                owner=step.owner,
                level=step.level,
                due=step.due,
            )
            for step in case.steps[1:]
        ]
    return tuple(out)


def cases_from_events(events: Iterable[Event], *, recorded_by: str = "网格") -> tuple[Case, ...]:
    """Rebuild cases from their events (as stored in a ledger), sorted by id.

    Events of other kinds (visits included) are skipped; a ``CaseStepped``
    without its ``CaseOpened`` before it, or a step the loop does not allow,
    is an error naming the case. ``recorded_by`` is the default given to
    :func:`case_events`: a step recorded by it gets an empty ``by`` back.

    Raises
    ------
    InvalidInputError
        For an orphan step, a case opened twice or an invalid path.

    Examples
    --------
    >>> import datetime as dt
    >>> from cadredev.events import CaseOpened
    >>> from cadredev.service import cases_from_events
    >>> opened = CaseOpened(
    ...     at=dt.date(2025, 5, 6),
    ...     recorded_by="网格",
    ...     case_id="k9",
    ...     cadre_id="c2",
    ...     enterprise_id="e7",
    ...     grid="grid-2",
    ...     source="whistle",
    ... )
    >>> cases_from_events([opened])[0].state.label
    '收集'

    .. versionadded:: 0.3
    """
    items = check_items(events, where="cases_from_events", name="events")
    check_id(recorded_by, where="cases_from_events", name="recorded_by")
    steps: dict[str, list[Step]] = {}
    heads: dict[str, CaseOpened] = {}
    for event in items:
        if isinstance(event, CaseOpened):
            if event.case_id in heads:
                raise InvalidInputError(f"Case {event.case_id!r}: opened twice")
            heads[event.case_id] = event
            steps[event.case_id] = [
                Step(
                    event="open",
                    at=event.at,
                    state="collected" if event.source == "whistle" else "visited",
                    level=1,
                    owner=event.grid,
                    due=event.due,
                    by=_by(event.recorded_by, recorded_by),
                    note=event.reason,
                )
            ]
        elif isinstance(event, CaseStepped):
            if event.case_id not in steps:
                raise InvalidInputError(
                    f"Case {event.case_id!r}: step {event.step!r} on {event.at} before the case "
                    "was opened"
                )
            steps[event.case_id].append(_step(event, steps[event.case_id][-1], recorded_by))
        elif not isinstance(event, Event):
            raise InvalidInputError(f"cases_from_events: expected events, got {event!r}")
    return tuple(
        Case(
            id=cid,
            enterprise_id=head.enterprise_id,
            grid=head.grid,
            cadre_id=head.cadre_id,
            source=head.source,  # type: ignore[arg-type]
            category=head.category,
            steps=steps[cid],
        )
        for cid, head in sorted(heads.items())
    )


def _by(value: str, default: str) -> str:
    return "" if value == default else value


def _step(event: CaseStepped, prev: Step, recorded_by: str) -> Step:
    rule = EVENTS.get(event.step)
    if rule is None:
        raise InvalidInputError(f"Case {event.case_id!r}: unknown step {event.step!r}")
    if prev.state not in rule[0]:
        raise InvalidInputError(
            f"Case {event.case_id!r}: cannot {event.step!r} from state {prev.state.value!r} "
            f"({prev.state.label})"
        )
    return attrs.evolve(
        prev,
        event=event.step,
        at=event.at,
        state=rule[1] or prev.state,
        level=event.level or prev.level,
        owner=event.owner or prev.owner,
        due=event.due,
        by=_by(event.recorded_by, recorded_by),
        note=event.reason,
    )
