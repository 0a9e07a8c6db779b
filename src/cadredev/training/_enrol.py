"""Enrolment: menu choices (菜单式点选) to seats, through matching's engine."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

import networkx as nx
from attrs import field, frozen

from cadredev._display import html_table, need_pandas
from cadredev._frozendict import FrozenDict
from cadredev._validate import (
    choice_field,
    field_ids,
    field_records,
    id_field,
    id_key,
    int_field,
    is_real,
    named_errors,
    optional_field,
    text_field,
)
from cadredev.errors import InvalidInputError
from cadredev.matching import match
from cadredev.model import Cadre

from ._records import LearningPlan, Session

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Enrolment", "Seat", "Shortfall", "enrol"]

_WHERE = "enrol"
_CADRE, _COURSE = "cadre", "course"


@named_errors
@frozen(kw_only=True)
class Seat:
    """A seat given: a cadre in a session of a course.

    ``choice`` is the rank of the course on the cadre's menu (1 = first
    choice), ``None`` for a required course.

    Examples
    --------
    >>> from cadredev.training import Course, LearningPlan, Session, enrol
    >>> plan = LearningPlan(id="p", period="2025-03", electives={"k1"})
    >>> s = Session(id="s1", course=Course(id="k1", topic="t"), period="2025-03")
    >>> enrol(plan, ["a"], {"a": ["k1"]}, sessions=[s]).seats[0].choice
    1

    .. versionadded:: 0.3
    """

    cadre_id: str = field(validator=id_field)
    course_id: str = field(validator=id_field)
    session_id: str = field(validator=id_field)
    choice: int | None = field(validator=optional_field(int_field(1)))


@named_errors
@frozen(kw_only=True)
class Shortfall:
    """A seat a cadre should have and did not get, and why.

    ``course_id`` is the required course without a seat, or ``None`` for an
    elective pick not filled.

    Examples
    --------
    >>> from cadredev.training import LearningPlan, enrol
    >>> plan = LearningPlan(id="p", period="2025-03", electives={"k1"})
    >>> enrol(plan, ["a"], {}, sessions=[]).shortfalls[0].reason
    'made no choice from the menu (菜单式点选)'

    .. versionadded:: 0.3
    """

    cadre_id: str = field(validator=id_field)
    course_id: str | None = field(validator=optional_field(id_field))
    reason: str = field(validator=text_field)


def _seats(value: object) -> tuple[Seat, ...]:
    return field_records(value, Seat, name="seats")


def _shortfalls(value: object) -> tuple[Shortfall, ...]:
    return field_records(value, Shortfall, name="shortfalls")


def _cadres(value: object) -> tuple[str, ...]:
    return field_ids(value, name="cadres")


@named_errors
@frozen(kw_only=True)
class Enrolment:
    """The result of :func:`enrol`: the seats given and every seat missing, with reasons.

    Examples
    --------
    >>> from cadredev.training import Course, LearningPlan, Session, enrol
    >>> plan = LearningPlan(id="p", period="2025-03", electives={"k1", "k2"})
    >>> ss = [
    ...     Session(id=f"s{i}", course=Course(id=f"k{i}", topic="t"), period="2025-03", capacity=1)
    ...     for i in (1, 2)
    ... ]
    >>> e = enrol(plan, ["a", "b"], {"a": ["k1", "k2"], "b": ["k1"]}, sessions=ss)
    >>> [(s.cadre_id, s.course_id, s.choice) for s in e.seats]
    [('a', 'k1', 1)]
    >>> print(e.explain("b"))
    b: no seat; elective pick 1 not filled: every chosen course is full: k1 (1 seat(s))

    .. versionadded:: 0.3
    """

    plan_id: str = field(validator=id_field)
    period: str = field(validator=id_field)
    method: str = field(validator=choice_field(("stable", "optimal")))
    seats: tuple[Seat, ...] = field(converter=_seats)
    shortfalls: tuple[Shortfall, ...] = field(converter=_shortfalls)
    cadres: tuple[str, ...] = field(converter=_cadres)

    def seats_of(self, cadre_id: str) -> tuple[Seat, ...]:
        """Return a cadre's seats."""
        return tuple(s for s in self.seats if s.cadre_id == cadre_id)

    def choice_counts(self) -> FrozenDict[int, int]:
        """Return how many elective seats went to first, second, ... choices."""
        counts = Counter(s.choice for s in self.seats if s.choice is not None)
        return FrozenDict(dict(sorted(counts.items())))

    def explain(self, cadre_id: str) -> str:
        """Say which seats a cadre got and which are missing, and why."""
        if cadre_id not in self.cadres:
            raise InvalidInputError(f"Enrolment.explain: {cadre_id!r} is not a cadre of the plan")
        seats = self.seats_of(cadre_id)
        parts = [
            f"{s.course_id} in {s.session_id}"
            + (f" (choice {s.choice})" if s.choice else " (required)")
            for s in seats
        ]
        text = f"{cadre_id}: " + (", ".join(parts) if parts else "no seat")
        pick = len([s for s in seats if s.choice is not None])
        for gap in (x for x in self.shortfalls if x.cadre_id == cadre_id):
            if gap.course_id:
                what = f"required {gap.course_id}"
            else:
                pick += 1
                what = f"elective pick {pick}"
            text += f"; {what} not filled: {gap.reason}"
        return text

    def _headline(self) -> str:
        counts = ", ".join(f"choice {k}: {n}" for k, n in self.choice_counts().items())
        return (
            f"Enrolment {self.plan_id} ({self.period}, {self.method}): {len(self.seats)} seats "
            f"for {len(self.cadres)} cadres ({counts or 'no electives'}), "
            f"{len(self.shortfalls)} seat(s) missing"
        )

    def __str__(self) -> str:
        return self._headline()

    def _rows(self) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = [
            (
                s.cadre_id,
                s.course_id,
                s.session_id,
                "required" if s.choice is None else s.choice,
                "",
            )
            for s in self.seats
        ]
        rows += [(g.cadre_id, g.course_id, None, "", g.reason) for g in self.shortfalls]
        return rows

    def _repr_html_(self) -> str:
        return html_table(
            self._headline(), ("cadre", "course", "session", "choice", "note"), self._rows()
        )

    def to_pandas(self) -> pd.DataFrame:
        """Return one row per seat and per missing seat.

        Columns: ``cadre``, ``course``, ``session`` (``None`` when missing),
        ``choice`` (rank, or ``"required"``), ``note``.
        """
        pandas = need_pandas()
        frame: pd.DataFrame = pandas.DataFrame(
            self._rows(), columns=["cadre", "course", "session", "choice", "note"]
        )
        return frame


def _cadre_ids(cadres: Iterable[Cadre | str]) -> list[str]:
    if isinstance(cadres, str) or not isinstance(cadres, Iterable):
        raise InvalidInputError(
            f"{_WHERE}: cadres must be a collection of Cadre records or ids, got {cadres!r}"
        )
    ids = [c.id if isinstance(c, Cadre) else c for c in cadres]
    for c in ids:
        if not isinstance(c, str) or not c.strip():
            raise InvalidInputError(f"{_WHERE}: cadre ids must be non-empty strings, got {c!r}")
    dup = sorted(k for k, n in Counter(ids).items() if n > 1)
    if dup:
        raise InvalidInputError(f"{_WHERE}: cadres repeat the ids {dup}")
    return sorted(ids, key=id_key)


def _sessions(plan: LearningPlan, sessions: Iterable[Session]) -> dict[str, list[Session]]:
    by_course: dict[str, list[Session]] = {k: [] for k in sorted(plan.courses)}
    seen: set[str] = set()
    for s in sessions:
        if not isinstance(s, Session):
            raise InvalidInputError(f"{_WHERE}: sessions must hold Session records, got {s!r}")
        if s.id in seen:
            raise InvalidInputError(f"{_WHERE}: sessions repeat the id {s.id!r}")
        seen.add(s.id)
        if s.course.id not in plan.courses or s.period != plan.period:
            raise InvalidInputError(
                f"{_WHERE}: session {s.id!r} ({s.course.id}, {s.period}) is not on plan "
                f"{plan.id!r} ({plan.period}): pass only the plan's sessions"
            )
        by_course[s.course.id].append(s)
    for items in by_course.values():
        items.sort(key=lambda s: (s.date is None, s.date, id_key(s.id)))
    return by_course


def _choices(
    plan: LearningPlan, cadres: Sequence[str], choices: Mapping[str, Sequence[str]]
) -> dict[str, tuple[str, ...]]:
    if not isinstance(choices, Mapping):
        raise InvalidInputError(
            f"{_WHERE}: choices must map cadre id -> ranked course ids, got {choices!r}"
        )
    known = set(cadres)
    out: dict[str, tuple[str, ...]] = {}
    for cid, ranked in choices.items():
        if cid not in known:
            raise InvalidInputError(f"{_WHERE}: choices name {cid!r}, who is not among the cadres")
        if isinstance(ranked, str) or not isinstance(ranked, Iterable):
            raise InvalidInputError(
                f"{_WHERE}: choices[{cid!r}] must be a sequence of course ids, got {ranked!r}"
            )
        items = tuple(ranked)
        off = [k for k in items if k not in plan.electives]
        if off:
            raise InvalidInputError(
                f"{_WHERE}: choices[{cid!r}] names {off}, not on plan {plan.id!r}'s elective menu"
            )
        if len(set(items)) != len(items):
            raise InvalidInputError(f"{_WHERE}: choices[{cid!r}] repeats a course: {list(items)}")
        out[cid] = items
    return out


def _graph(
    cadres: Sequence[str],
    seats: Mapping[str, int],
    edges: Iterable[tuple[str, str, int]],
    picks: int,
    priority: Mapping[str, float],
) -> nx.Graph[Any]:
    g: nx.Graph[Any] = nx.Graph()
    for c in cadres:
        g.add_node((_CADRE, c), bipartite=0, capacity=picks)
    for k, n in seats.items():
        g.add_node((_COURSE, k), bipartite=1, capacity=n)
    for c, k, rank in edges:
        g.add_edge(
            (_CADRE, c),
            (_COURSE, k),
            weight=1000 - rank,
            mentee_score=-rank,
            mentor_score=priority.get(c, 0.0),
        )
    return g


def _tail(node: Hashable) -> str:
    """Return the id of a ``(side, id)`` graph node."""
    return str(cast("tuple[str, str]", node)[1])


def _seat(
    by_course: Mapping[str, list[Session]], given: Mapping[str, list[str]]
) -> dict[tuple[str, str], str]:
    """Fill each course's sessions in date then id order with its cadres in id order."""
    out: dict[tuple[str, str], str] = {}
    for k, people in given.items():
        slots = [s.id for s in by_course[k] for _ in range(s.capacity)]
        for c, sid in zip(sorted(people, key=id_key), slots, strict=False):
            out[c, k] = sid
    return out


def enrol(
    plan: LearningPlan,
    cadres: Iterable[Cadre | str],
    choices: Mapping[str, Sequence[str]],
    *,
    sessions: Iterable[Session],
    method: Literal["stable", "optimal"] = "stable",
    priority: Mapping[str, float] | None = None,
) -> Enrolment:
    """Seat a month's cadres: required courses for all, electives by ranked menu choice.

    Each cadre ranks courses from the plan's elective menu (菜单式点选) and
    takes ``plan.picks`` of them; a course's seats are the capacities of its
    sessions. The electives are a capacitated assignment solved by
    :func:`cadredev.match` on a bipartite graph (cadres, courses): ``"stable"``
    gives the cadre-optimal stable assignment (no cadre and over-subscribed
    course would both rather swap; courses rank cadres by ``priority``, then
    id), ``"optimal"`` the most first choices by total rank weight. Every
    cadre then gets a seat in each required course while seats last (by
    ``priority``, then id). A course's seats are filled session by session
    (date, then id) in cadre id order.

    Parameters
    ----------
    plan
        The month's :class:`LearningPlan`.
    cadres
        The cadres on the plan (records or ids).
    choices
        Cadre id -> course ids from the menu, best first.
    sessions
        The plan's sessions (its courses, its month).
    method
        ``"stable"`` or ``"optimal"``.
    priority
        Cadre id -> priority for over-subscribed courses (higher first).

    Returns
    -------
    Enrolment
        The seats and every seat missing, with reasons.

    Raises
    ------
    InvalidInputError
        For a choice off the menu or by an unknown cadre, a repeated choice,
        a session not on the plan, an unknown method.

    Examples
    --------
    >>> from cadredev.training import Course, LearningPlan, Session, enrol
    >>> plan = LearningPlan(id="p", period="2025-03", required={"k0"}, electives={"k1"})
    >>> ss = [
    ...     Session(id=f"s{i}", course=Course(id=f"k{i}", topic="t"), period="2025-03", capacity=2)
    ...     for i in (0, 1)
    ... ]
    >>> e = enrol(plan, ["a", "b", "c"], {"a": ["k1"], "b": ["k1"], "c": ["k1"]}, sessions=ss)
    >>> len(e.seats), [g.cadre_id for g in e.shortfalls]
    (4, ['c', 'c'])

    .. versionadded:: 0.3
    """
    if not isinstance(plan, LearningPlan):
        raise InvalidInputError(f"{_WHERE}: plan must be a LearningPlan, got {plan!r}")
    if method not in ("stable", "optimal"):
        raise InvalidInputError(f"{_WHERE}: method must be 'stable' or 'optimal', got {method!r}")
    prio = dict(priority or {})
    for c, p in prio.items():
        if not is_real(p):
            raise InvalidInputError(f"{_WHERE}: priority[{c!r}] must be a finite number, got {p!r}")
    ids = _cadre_ids(cadres)
    by_course = _sessions(plan, sessions)
    picked = _choices(plan, ids, choices)
    seats_of = {k: sum(s.capacity for s in v) for k, v in by_course.items()}
    seats: list[Seat] = []
    short: list[Shortfall] = []
    for k in sorted(plan.required, key=id_key):
        got = match(
            _graph(ids, {k: seats_of[k]}, [(c, k, 1) for c in ids], 1, prio), method="stable"
        )
        given = [_tail(c) for c, _ in got.assignments]
        placed = _seat(by_course, {k: given})
        seats += [
            Seat(cadre_id=c, course_id=k, session_id=placed[c, k], choice=None) for c in given
        ]
        why = (
            f"required course {k} has no session"
            if not by_course[k]
            else f"required course {k}'s {seats_of[k]} seats are taken"
        )
        short += [
            Shortfall(cadre_id=c, course_id=k, reason=why) for c in ids if c not in set(given)
        ]
    electives = {k: seats_of[k] for k in sorted(plan.electives, key=id_key)}
    edges = [(c, k, r + 1) for c, ranked in picked.items() for r, k in enumerate(ranked)]
    got = match(_graph(ids, electives, edges, plan.picks, prio), method=method)
    given_e: defaultdict[str, list[str]] = defaultdict(list)
    for mentee, mentor in got.assignments:
        given_e[_tail(mentor)].append(_tail(mentee))
    placed = _seat(by_course, given_e)
    rank = {(c, k): r for c, k, r in edges}
    seats += [
        Seat(cadre_id=c, course_id=k, session_id=placed[c, k], choice=rank[c, k])
        for k, people in given_e.items()
        for c in people
    ]
    short += _elective_gaps(ids, picked, given_e, by_course, plan.picks)
    return Enrolment(
        plan_id=plan.id,
        period=plan.period,
        method=method,
        seats=tuple(
            sorted(seats, key=lambda s: (id_key(s.cadre_id), s.choice or 0, id_key(s.course_id)))
        ),
        shortfalls=tuple(
            sorted(
                short, key=lambda g: (id_key(g.cadre_id), g.course_id is None, g.course_id or "")
            )
        ),
        cadres=tuple(ids),
    )


def _elective_gaps(
    ids: Sequence[str],
    picked: Mapping[str, tuple[str, ...]],
    given: Mapping[str, list[str]],
    by_course: Mapping[str, list[Session]],
    picks: int,
) -> list[Shortfall]:
    got = Counter(c for people in given.values() for c in people)
    seats = {k: sum(s.capacity for s in v) for k, v in by_course.items()}
    out: list[Shortfall] = []
    for c in ids:
        missing = picks - got[c]
        if missing <= 0:
            continue
        ranked = picked.get(c, ())
        if not ranked:
            why = "made no choice from the menu (菜单式点选)"
        elif len(ranked) < picks and got[c] == len(ranked):
            why = f"chose only {len(ranked)} course(s) for {picks} pick(s)"
        else:
            lost = [k for k in ranked if c not in given.get(k, [])]
            parts = [
                f"{k} (no session)" if not by_course[k] else f"{k} ({seats[k]} seat(s))"
                for k in lost
            ]
            why = "every chosen course is full: " + ", ".join(parts)
        out += [Shortfall(cadre_id=c, course_id=None, reason=why)] * missing
    return out
