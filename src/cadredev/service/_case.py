"""Service cases: the record, its steps, and the transitions of the loop."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Literal

import attrs
from attrs import field, frozen

from cadredev._validate import FieldError, field_records, is_int, named_errors
from cadredev._validate import id_field as _check_id
from cadredev._validate import text_field as _check_text
from cadredev.errors import InvalidInputError

from ._policy import EVENTS, LEVELS, CaseState, ServicePolicy, check_level, check_policy

__all__ = ["Case", "Step", "advance", "check_date", "open_case"]

_Source = Literal["visit", "whistle"]
_ONE_DAY = dt.timedelta(days=1)


def check_date(_: object, attribute: Any, value: Any) -> None:
    """Check, as an attrs validator, that a field holds a day (a date, not a datetime)."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise FieldError(f"{attribute.name} must be a datetime.date, got {value!r}")


def _check_optional_date(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        check_date(instance, attribute, value)


def _state(value: Any) -> CaseState:
    try:
        return CaseState.parse(value)
    except (InvalidInputError, TypeError):
        raise FieldError(f"state: unknown state {value!r}") from None


@named_errors
@frozen(kw_only=True)
class Step:
    """One step of a case: what happened, when, and who holds the case afterwards.

    Parameters
    ----------
    event
        ``"open"`` or one of :data:`EVENTS`.
    at
        The day it happened.
    state
        The state the case is in afterwards.
    level
        The escalation level afterwards (1 grid, 2 unit, 3 leader).
    owner
        Who holds the case afterwards: a grid, a unit or a leader.
    due
        The last day allowed in ``state`` (from the policy's SLA), or ``None``.
    by
        Who recorded the step.
    note
        Free text.

    Examples
    --------
    >>> import datetime as dt
    >>> step = Step(event="open", at=dt.date(2025, 3, 1), state="走访", level=1, owner="grid-1")
    >>> step.state, step.due
    (<CaseState.VISITED: 'visited'>, None)

    .. versionadded:: 0.3
    """

    event: str = field(validator=_check_id)
    at: dt.date = field(validator=check_date)
    state: CaseState = field(converter=_state)
    level: int = field()
    owner: str = field(validator=_check_id)
    due: dt.date | None = field(default=None, validator=_check_optional_date)
    by: str = field(default="", validator=_check_text)
    note: str = field(default="", validator=_check_text)

    @level.validator
    def _check_level(self, _attribute: object, value: object) -> None:
        if not is_int(value) or value not in LEVELS:
            raise FieldError(f"level must be 1, 2 or 3, got {value!r}")

    @due.validator
    def _check_due(self, _attribute: object, value: dt.date | None) -> None:
        if value is not None and value < self.at:
            raise FieldError(f"due must not be before at ({self.at}), got {value}")


def _steps(value: Any) -> tuple[Step, ...]:
    return field_records(value, Step, name="steps")


def _first_state(source: str) -> CaseState:
    return CaseState.COLLECTED if source == "whistle" else CaseState.VISITED


def _why_not(state: CaseState) -> str:
    allowed = sorted(name for name, (sources, _) in EVENTS.items() if state in sources)
    if not allowed:
        return "the case is closed"
    return f"allowed: {', '.join(allowed)}"


@named_errors
@frozen(kw_only=True)
class Case:
    """One enterprise demand and its way through the service loop.

    Build cases with :func:`open_case` and move them with :func:`advance`;
    the record checks that its steps are a valid path of the loop.

    Parameters
    ----------
    id
        The case id.
    enterprise_id
        The enterprise whose demand it is.
    grid
        The grid serving the enterprise (the level-1 owner).
    cadre_id
        The grid cadre answerable for the case (包联干部).
    source
        ``"visit"`` (a demand found on a visit, 走访) or ``"whistle"`` (a risk
        warning from a grid whistle-blower, 吹哨人, which starts as collected).
    category
        The kind of demand (用地, 审批, 用工 ...); decides the level-2 unit.
    steps
        Every step so far, the first being ``open``.

    Examples
    --------
    >>> import datetime as dt
    >>> case = open_case(
    ...     "k1", enterprise_id="e0001", grid="grid-1", cadre_id="c101", at=dt.date(2025, 3, 1)
    ... )
    >>> case = advance(case, "collect", at=dt.date(2025, 3, 1))
    >>> case.state.label, case.level, case.owner
    ('收集', 1, 'grid-1')

    .. versionadded:: 0.3
    """

    id: str = field(validator=_check_id)
    enterprise_id: str = field(validator=_check_id)
    grid: str = field(validator=_check_id)
    cadre_id: str = field(validator=_check_id)
    source: _Source = field(default="visit")
    category: str = field(default="", validator=_check_text)
    steps: tuple[Step, ...] = field(converter=_steps)

    @source.validator
    def _check_source(self, _attribute: object, value: object) -> None:
        if value not in ("visit", "whistle"):
            raise FieldError(f"source must be 'visit' or 'whistle', got {value!r}")

    @steps.validator
    def _check_steps(self, _attribute: object, steps: tuple[Step, ...]) -> None:
        if not steps or steps[0].event != "open":
            raise FieldError("steps must start with an 'open' step")
        first = steps[0]
        if first.state is not _first_state(self.source) or first.level != 1:
            raise FieldError(
                f"step 0 must open at level 1 in state {_first_state(self.source).value!r}"
            )
        for n, (prev, step) in enumerate(itertools.pairwise(steps), start=1):
            _check_step(n, prev, step)

    # ------------------------------------------------------------ the state
    @property
    def state(self) -> CaseState:
        """The current state."""
        return self.steps[-1].state

    @property
    def level(self) -> int:
        """The current escalation level (1 grid, 2 unit, 3 leader)."""
        return self.steps[-1].level

    @property
    def owner(self) -> str:
        """Who holds the case now."""
        return self.steps[-1].owner

    @property
    def due(self) -> dt.date | None:
        """The last day allowed in the current state, if it has a deadline."""
        return self.steps[-1].due

    @property
    def opened(self) -> dt.date:
        """The day the case was opened."""
        return self.steps[0].at

    @property
    def closed(self) -> bool:
        """Whether the case is closed (revisited or withdrawn)."""
        return self.state is CaseState.CLOSED

    def first(self, event: str) -> Step | None:
        """Return the first step of ``event``, or ``None``."""
        return next((s for s in self.steps if s.event == event), None)

    def count(self, event: str) -> int:
        """Return how many steps of ``event`` the case has taken."""
        return sum(s.event == event for s in self.steps)

    @property
    def resolved_at(self) -> dt.date | None:
        """The day of the last ``handle`` not undone by a ``reopen``, or ``None``."""
        for step in reversed(self.steps):
            if step.event == "reopen":
                return None
            if step.event == "handle":
                return step.at
        return None

    @property
    def days_to_resolve(self) -> int | None:
        """Days from registration (立件) to resolution, or ``None`` if unresolved."""
        done = self.resolved_at
        registered = self.first("register")
        if done is None or registered is None:
            return None
        return (done - registered.at).days

    @property
    def on_time(self) -> bool:
        """Whether the case was resolved with every step up to it within its deadline."""
        if self.resolved_at is None:
            return False
        last_handle = max(n for n, s in enumerate(self.steps) if s.event == "handle")
        return all(
            prev.due is None or step.at <= prev.due
            for prev, step in zip(self.steps, self.steps[1 : last_handle + 1], strict=False)
        )

    def explain(self) -> str:
        """Return the case's path through the loop, one line per step.

        Examples
        --------
        >>> import datetime as dt
        >>> case = open_case(
        ...     "k1", enterprise_id="e1", grid="grid-1", cadre_id="c1", at=dt.date(2025, 3, 1)
        ... )
        >>> print(case.explain())
        Case 'k1' (e1, grid grid-1, cadre c1, from a visit): 走访 at level 1 (网格), owner grid-1
          2025-03-01 open -> 走访, level 1 grid-1
        """
        source = "a visit" if self.source == "visit" else "a whistle-blower's warning"
        head = (
            f"Case {self.id!r} ({self.enterprise_id}, grid {self.grid}, cadre {self.cadre_id}, "
            f"from {source}): {self.state.label} at level {self.level} ({LEVELS[self.level]}), "
            f"owner {self.owner}"
        )
        lines = [head]
        for step in self.steps:
            due = f", due {step.due}" if step.due is not None else ""
            note = f" ({step.note})" if step.note else ""
            lines.append(
                f"  {step.at} {step.event} -> {step.state.label}, level {step.level} "
                f"{step.owner}{due}{note}"
            )
        return "\n".join(lines)


def _check_step(n: int, prev: Step, step: Step) -> None:
    rule = EVENTS.get(step.event)
    if rule is None:
        raise FieldError(f"step {n}: unknown event {step.event!r}; expected one of {list(EVENTS)}")
    sources, target = rule
    if prev.state not in sources:
        raise FieldError(
            f"step {n}: cannot {step.event!r} from state {prev.state.value!r} "
            f"({prev.state.label}); {_why_not(prev.state)}"
        )
    if step.state is not (target or prev.state):
        raise FieldError(
            f"step {n}: {step.event!r} leads to {(target or prev.state).value!r}, "
            f"got {step.state.value!r}"
        )
    if step.at < prev.at:
        raise FieldError(f"step {n}: at {step.at} is before the previous step ({prev.at})")
    want = prev.level + 1 if step.event == "escalate" else prev.level
    if step.level != want:
        raise FieldError(f"step {n}: {step.event!r} must leave the case at level {want}")


def _due(policy: ServicePolicy | None, state: CaseState, at: dt.date) -> dt.date | None:
    if policy is None or state not in policy.sla:
        return None
    return at + dt.timedelta(days=policy.sla[state])


def open_case(
    case_id: str,
    *,
    enterprise_id: str,
    grid: str,
    cadre_id: str,
    at: dt.date,
    source: _Source = "visit",
    category: str = "",
    policy: ServicePolicy | None = None,
    by: str = "",
    note: str = "",
) -> Case:
    """Open a case at level 1, owned by its grid.

    A visit opens a case in state ``visited`` (走访); a whistle-blower's risk
    warning (吹哨) opens it in ``collected``. With a ``policy`` the state's
    deadline is set and the grid must be one the policy knows.

    Raises
    ------
    InvalidInputError
        For a malformed field or a grid the policy does not know.

    Examples
    --------
    >>> import datetime as dt
    >>> case = open_case(
    ...     "k2",
    ...     enterprise_id="e0002",
    ...     grid="grid-3",
    ...     cadre_id="c044",
    ...     at=dt.date(2025, 6, 2),
    ...     source="whistle",
    ...     policy=ServicePolicy(),
    ... )
    >>> case.state.label, case.due
    ('收集', datetime.date(2025, 6, 5))

    .. versionadded:: 0.3
    """
    check_policy(policy, where=f"open_case {case_id!r}")
    if policy is not None and not policy.knows(1, grid):
        raise InvalidInputError(f"Case {case_id!r}: unknown owner {grid!r} at level 1 (网格)")
    state = _first_state(source) if source in ("visit", "whistle") else CaseState.VISITED
    try:
        first = Step(
            event="open",
            at=at,
            state=state,
            level=1,
            owner=grid,
            due=_due(policy, state, at) if isinstance(at, dt.date) else None,
            by=by,
            note=note,
        )
    except FieldError as exc:
        raise InvalidInputError(f"Case {case_id!r}: {exc}") from None
    return Case(
        id=case_id,
        enterprise_id=enterprise_id,
        grid=grid,
        cadre_id=cadre_id,
        source=source,
        category=category,
        steps=(first,),
    )


def _escalated(case: Case, at: dt.date, owner: str, policy: ServicePolicy | None) -> Step:
    return Step(
        event="escalate",
        at=at,
        state=case.state,
        level=case.level + 1,
        owner=owner,
        due=_due(policy, case.state, at),
        by="",
        note="deadline passed" if case.due is not None and at > case.due else "",
    )


def escalate_until(case: Case, policy: ServicePolicy, day: dt.date) -> Case:
    """Escalate ``case`` at each deadline that passed before ``day`` (up to level 3)."""
    while not case.closed and case.due is not None and case.due < day and case.level < 3:
        at = case.due + _ONE_DAY
        owner = policy.owner_for(case.level + 1, grid=case.grid, category=case.category)
        case = attrs.evolve(case, steps=(*case.steps, _escalated(case, at, owner, policy)))
    return case


def advance(
    case: Case,
    event: str,
    *,
    at: dt.date,
    policy: ServicePolicy | None = None,
    by: str = "",
    owner: str | None = None,
    note: str = "",
) -> Case:
    """Return ``case`` after ``event`` on day ``at``; the case itself is not changed.

    With a ``policy``, deadlines that passed before ``at`` first escalate the
    case, one level per deadline (up to level 3, 分管领导), each escalation
    dated the day after the deadline; the new state then gets its deadline.
    An ``escalate`` event moves the case one level up to ``owner`` (or, with
    a policy, to the policy's owner for that level).

    Raises
    ------
    InvalidInputError
        Naming the case, its state and the event, for an event not allowed
        in the state (e.g. any event on a closed case), an escalation past
        level 3, a date before the last step, or an owner unknown to the
        policy.

    Examples
    --------
    >>> import datetime as dt
    >>> policy = ServicePolicy(leaders={"grid-1": "c001"})
    >>> case = open_case(
    ...     "k3",
    ...     enterprise_id="e3",
    ...     grid="grid-1",
    ...     cadre_id="c9",
    ...     at=dt.date(2025, 1, 6),
    ...     policy=policy,
    ... )
    >>> for event, day in [("collect", 6), ("register", 7), ("analyse", 8)]:
    ...     case = advance(case, event, at=dt.date(2025, 1, day), policy=policy)
    >>> case = advance(case, "handle", at=dt.date(2025, 2, 28), policy=policy)
    >>> case.level, case.owner, case.count("escalate"), case.on_time
    (3, 'c001', 2, False)
    >>> case = advance(case, "revisit", at=dt.date(2025, 3, 3), policy=policy)
    >>> advance(case, "handle", at=dt.date(2025, 3, 4))
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: Case 'k3': cannot 'handle' from state 'closed' ...

    .. versionadded:: 0.3
    """
    if not isinstance(case, Case):
        raise InvalidInputError(f"advance: case must be a Case, got {case!r}")
    check_policy(policy, where=f"Case {case.id!r}")
    rule = EVENTS.get(event) if isinstance(event, str) else None
    if rule is None:
        raise InvalidInputError(
            f"Case {case.id!r}: unknown event {event!r} in state {case.state.value!r}; "
            f"expected one of {list(EVENTS)}"
        )
    if isinstance(at, dt.datetime) or not isinstance(at, dt.date):
        raise InvalidInputError(f"Case {case.id!r}: at must be a datetime.date, got {at!r}")
    if policy is not None:
        case = escalate_until(case, policy, at)
    sources, target = rule
    if case.state not in sources:
        raise InvalidInputError(
            f"Case {case.id!r}: cannot {event!r} from state {case.state.value!r} "
            f"({case.state.label}): {_why_not(case.state)}"
        )
    if at < case.steps[-1].at:
        raise InvalidInputError(
            f"Case {case.id!r}: {event!r} at {at} is before the last step ({case.steps[-1].at})"
        )
    if event == "escalate":
        step = _escalation(case, at=at, policy=policy, owner=owner, note=note, by=by)
    else:
        state = target or case.state
        if owner is not None:
            raise InvalidInputError(
                f"Case {case.id!r}: only 'escalate' changes the owner, not {event!r}"
            )
        step = Step(
            event=event,
            at=at,
            state=state,
            level=case.level,
            owner=case.owner,
            due=None if state is CaseState.CLOSED else _due(policy, state, at),
            by=by,
            note=note,
        )
    return attrs.evolve(case, steps=(*case.steps, step))


def _escalation(
    case: Case,
    *,
    at: dt.date,
    policy: ServicePolicy | None,
    owner: str | None,
    note: str,
    by: str,
) -> Step:
    level = case.level + 1
    if level > max(LEVELS):
        raise InvalidInputError(
            f"Case {case.id!r}: cannot 'escalate' from state {case.state.value!r} "
            f"({case.state.label}) at level 3 ({LEVELS[3]}): it is the top level"
        )
    check_level(level, where=f"Case {case.id!r}")
    if owner is None:
        if policy is None:
            raise InvalidInputError(
                f"Case {case.id!r}: 'escalate' needs an owner for level {level} "
                f"({LEVELS[level]}) or a policy that names one"
            )
        owner = policy.owner_for(level, grid=case.grid, category=case.category)
    elif policy is not None and not policy.knows(level, owner):
        raise InvalidInputError(
            f"Case {case.id!r}: unknown owner {owner!r} at level {level} ({LEVELS[level]})"
        )
    return Step(
        event="escalate",
        at=at,
        state=case.state,
        level=level,
        owner=owner,
        due=_due(policy, case.state, at),
        by=by,
        note=note,
    )
