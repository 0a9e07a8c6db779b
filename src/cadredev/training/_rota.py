"""The lecturer rota: qualified lecturers to sessions, exact through HiGHS."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from attrs import field, frozen
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from cadredev._display import html_table, need_pandas
from cadredev._frozendict import FrozenDict
from cadredev._validate import (
    bool_field,
    check_records,
    choice_field,
    field_id_map,
    field_records,
    id_field,
    id_key,
    int_field,
    is_real,
    named_errors,
    text_field,
)
from cadredev.errors import InvalidInputError

from ._check import rota_violations
from ._records import LECTURER_KINDS, LearningPlan, Lecturer, Session

if TYPE_CHECKING:
    import pandas as pd

    from cadredev.calendar import Calendar
    from cadredev.rotation import RotationPlan

__all__ = ["LecturerRota", "Turn", "Unfilled", "lecturer_rota"]

_WHERE = "lecturer_rota"


@named_errors
@frozen(kw_only=True)
class Turn:
    """One lecturer turn: a lecturer giving a session.

    Examples
    --------
    >>> from cadredev.training import Course, Lecturer, Session, lecturer_rota
    >>> s = Session(id="s1", course=Course(id="k", topic="ai"), period="2025-01")
    >>> lecturer_rota([s], [Lecturer(id="a", industries={"ai"})]).turns[0].lecturer_id
    'a'

    .. versionadded:: 0.3
    """

    session_id: str = field(validator=id_field)
    lecturer_id: str = field(validator=id_field)
    period: str = field(validator=id_field)
    topic: str = field(validator=id_field)
    kind: str = field(validator=choice_field(LECTURER_KINDS))
    pinned: bool = field(default=False, validator=bool_field)


@named_errors
@frozen(kw_only=True)
class Unfilled:
    """Lecturer turns a session still lacks, and why.

    Examples
    --------
    >>> from cadredev.training import Course, Session, lecturer_rota
    >>> s = Session(id="s1", course=Course(id="k", topic="ai"), period="2025-01", slots=2)
    >>> lecturer_rota([s], []).unfilled[0].missing
    2

    .. versionadded:: 0.3
    """

    session_id: str = field(validator=id_field)
    missing: int = field(validator=int_field(1))
    reason: str = field(validator=text_field)


def _turns(value: object) -> tuple[Turn, ...]:
    return field_records(value, Turn, name="turns")


def _unfilled(value: object) -> tuple[Unfilled, ...]:
    return field_records(value, Unfilled, name="unfilled")


def _load(value: object) -> FrozenDict[str, int]:
    out: FrozenDict[str, int] = field_id_map(value, name="load")
    return out


@named_errors
@frozen(kw_only=True)
class LecturerRota:
    """The result of :func:`lecturer_rota`.

    Attributes
    ----------
    turns
        Every turn given, sorted by session then lecturer id.
    unfilled
        Sessions short of lecturers, each with the number missing and why.
    load
        Turns per lecturer (every lecturer, 0 included).
    slots
        Lecturer turns the sessions asked for.
    max_turns
        The most turns any lecturer gives (minimised once the most slots
        are filled).
    preferred_cadre_turns
        Turns given by cadres in sessions whose plan asks for cadre
        lecturers (maximised third).
    optimal
        Whether HiGHS proved each stage optimal.

    Examples
    --------
    >>> from cadredev.training import Course, Lecturer, Session, lecturer_rota
    >>> k = Course(id="k1", topic="ai")
    >>> s = [Session(id=f"s{i}", course=k, period=f"2025-0{i}") for i in (1, 2)]
    >>> rota = lecturer_rota(
    ...     s, [Lecturer(id="a", industries={"ai"}), Lecturer(id="b", industries={"ai"})]
    ... )
    >>> rota.max_turns, dict(rota.load)
    (1, {'a': 1, 'b': 1})

    .. versionadded:: 0.3
    """

    turns: tuple[Turn, ...] = field(converter=_turns)
    unfilled: tuple[Unfilled, ...] = field(converter=_unfilled)
    load: FrozenDict[str, int] = field(converter=_load)
    slots: int = field(validator=int_field())
    max_turns: int = field(validator=int_field())
    preferred_cadre_turns: int = field(validator=int_field())
    optimal: bool = field(validator=bool_field)

    @property
    def filled(self) -> int:
        """Lecturer turns given."""
        return len(self.turns)

    @property
    def lecturers_used(self) -> int:
        """How many different lecturers give a turn (maximised last)."""
        return sum(1 for n in self.load.values() if n > 0)

    def violations(
        self,
        sessions: Iterable[Session],
        lecturers: Iterable[Lecturer],
        *,
        busy: RotationPlan | Mapping[str, Iterable[str]] | None = None,
        calendar: Calendar | None = None,
        min_level: float = 0.6,
    ) -> tuple[str, ...]:
        """Return the hard rules this rota breaks for the given input, in words.

        An independent check (it shares no code with the solver) of
        qualification, absence on rotation, slots, budgets and clashes;
        empty for every rota :func:`lecturer_rota` returns for that input.

        Examples
        --------
        >>> from cadredev.training import Course, Lecturer, Session, lecturer_rota
        >>> s = [Session(id="s1", course=Course(id="k", topic="ai"), period="2025-01")]
        >>> lec = [Lecturer(id="a", industries={"ai"})]
        >>> lecturer_rota(s, lec).violations(s, lec)
        ()
        >>> lecturer_rota(s, lec).violations(s, lec, busy={"a": ["2025-01"]})
        ('a gives s1 while away in 2025-01',)
        """
        return rota_violations(
            self, sessions, lecturers, busy=busy, calendar=calendar, min_level=min_level
        )

    def lecturers_of(self, session_id: str) -> tuple[str, ...]:
        """Return the lecturers of a session, by id."""
        return tuple(t.lecturer_id for t in self.turns if t.session_id == session_id)

    def sessions_of(self, lecturer_id: str) -> tuple[str, ...]:
        """Return the sessions a lecturer gives, by id."""
        return tuple(t.session_id for t in self.turns if t.lecturer_id == lecturer_id)

    def turns_by_kind(self) -> FrozenDict[str, int]:
        """Return the turns given by cadres and by experts."""
        return FrozenDict(dict(sorted(Counter(t.kind for t in self.turns).items())))

    def explain(self, session_id: str) -> str:
        """Say who gives a session and, if it is short, why.

        Examples
        --------
        >>> from cadredev.training import Course, Lecturer, Session, lecturer_rota
        >>> s = Session(id="s1", course=Course(id="k", topic="law"), period="2025-01")
        >>> print(lecturer_rota([s], [Lecturer(id="a", industries={"ai"})]).explain("s1"))
        s1: no lecturer; 1 turn(s) missing: no lecturer is qualified for topic 'law'
        """
        who = self.lecturers_of(session_id)
        gaps = [u for u in self.unfilled if u.session_id == session_id]
        if not who and not gaps:
            raise InvalidInputError(f"LecturerRota.explain: unknown session {session_id!r}")
        head = f"{session_id}: " + (", ".join(who) if who else "no lecturer")
        pins = [t.lecturer_id for t in self.turns if t.session_id == session_id and t.pinned]
        if pins:
            head += f" (pinned: {', '.join(pins)})"
        for gap in gaps:
            head += f"; {gap.missing} turn(s) missing: {gap.reason}"
        return head

    def _headline(self) -> str:
        opt = "optimal" if self.optimal else "not proved optimal"
        kinds = ", ".join(f"{k} {n}" for k, n in self.turns_by_kind().items())
        return (
            f"Lecturer rota: {self.filled} of {self.slots} turns filled ({kinds}) "
            f"by {self.lecturers_used} lecturers, at most {self.max_turns} each, "
            f"{len(self.unfilled)} session(s) short, {opt}"
        )

    def __str__(self) -> str:
        return self._headline()

    def _rows(self) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = [
            (t.session_id, t.period, t.topic, t.lecturer_id, t.kind, "pinned" if t.pinned else "")
            for t in self.turns
        ]
        rows += [
            (u.session_id, "", "", None, "", f"{u.missing} missing: {u.reason}")
            for u in self.unfilled
        ]
        return rows

    def _repr_html_(self) -> str:
        header = ("session", "period", "topic", "lecturer", "kind", "note")
        return html_table(self._headline(), header, self._rows())

    def to_pandas(self) -> pd.DataFrame:
        """Return one row per turn and per short session.

        Columns: ``session``, ``period``, ``topic``, ``lecturer`` (``None``
        where short), ``kind``, ``note``.
        """
        pandas = need_pandas()
        header = ["session", "period", "topic", "lecturer", "kind", "note"]
        frame: pd.DataFrame = pandas.DataFrame(self._rows(), columns=header)
        return frame


def _by_id(record: Any) -> tuple[str, str]:
    return id_key(record.id)


def _busy_periods(
    busy: RotationPlan | Mapping[str, Iterable[str]] | None, calendar: Calendar | None
) -> dict[str, frozenset[str]]:
    if busy is None:
        return {}
    if isinstance(busy, Mapping):
        out: dict[str, frozenset[str]] = {}
        for who, periods in busy.items():
            if isinstance(periods, str) or not isinstance(periods, Iterable):
                raise InvalidInputError(
                    f"{_WHERE}: busy[{who!r}] must be a collection of month labels, got {periods!r}"
                )
            out[str(who)] = frozenset(periods)
        return out
    if not hasattr(busy, "assignments"):
        raise InvalidInputError(
            f"{_WHERE}: busy must be a RotationPlan or a mapping lecturer -> months, got {busy!r}"
        )
    if calendar is None:
        raise InvalidInputError(
            f"{_WHERE}: calendar is required to read a RotationPlan's periods as months "
            "(pass calendar=Calendar('2025-01'))"
        )
    found: defaultdict[str, set[str]] = defaultdict(set)
    for a in busy.assignments:
        found[str(a.cadre_id)].update(calendar.label(p) for p in range(a.start, a.start + a.length))
    return {k: frozenset(v) for k, v in found.items()}


def _clash_groups(sessions: Sequence[Session]) -> list[list[int]]:
    """Return groups of session indices of which a lecturer gives at most one."""
    by_period: defaultdict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sessions):
        by_period[s.period].append(i)
    groups: list[list[int]] = []
    for members in by_period.values():
        undated = [i for i in members if sessions[i].date is None]
        days = sorted({d for i in members if (d := sessions[i].date) is not None})
        groups.extend(undated + [i for i in members if sessions[i].date == d] for d in days)
        if not days:
            groups.append(undated)
    return [g for g in groups if len(g) > 1]


def clash(a: Session, b: Session) -> bool:
    """Whether one lecturer cannot give both sessions."""
    return a.period == b.period and (a.date is None or b.date is None or a.date == b.date)


def _pins(
    sessions: Sequence[Session],
    lecturers: Sequence[Lecturer],
    pinned: Iterable[tuple[str, str]] | Mapping[str, str],
) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = {(s.id, lid) for s in sessions for lid in s.lecturers}
    items = pinned.items() if isinstance(pinned, Mapping) else pinned
    for pair in items:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise InvalidInputError(
                f"{_WHERE}: pinned must hold (session id, lecturer id) pairs, got {pair!r}"
            )
        pairs.add((str(pair[0]), str(pair[1])))
    known_s = {s.id for s in sessions}
    known_l = {x.id for x in lecturers}
    for sid, lid in sorted(pairs):
        if sid not in known_s:
            raise InvalidInputError(f"{_WHERE}: pinned session {sid!r} is not among the sessions")
        if lid not in known_l:
            raise InvalidInputError(
                f"{_WHERE}: pinned lecturer {lid!r} (session {sid!r}) is not among the lecturers"
            )
    return pairs


def _preferred(sessions: Sequence[Session], plans: Iterable[LearningPlan]) -> set[str]:
    out: set[str] = set()
    for plan in plans:
        if not isinstance(plan, LearningPlan):
            raise InvalidInputError(f"{_WHERE}: plans must hold LearningPlan records, got {plan!r}")
        if plan.cadre_lecturers:
            out |= {
                s.id for s in sessions if s.period == plan.period and s.course.id in plan.courses
            }
    return out


class _Model:
    """The candidate pairs and the constraint rows shared by every stage."""

    def __init__(
        self,
        sessions: list[Session],
        lecturers: list[Lecturer],
        busy: dict[str, frozenset[str]],
        pins: set[tuple[str, str]],
        min_level: float,
    ) -> None:
        self.sessions, self.lecturers = sessions, lecturers
        self.qualified = [
            [
                j
                for j, lec in enumerate(lecturers)
                if lec.covers(s.course.topic, min_level=min_level)
            ]
            for s in sessions
        ]
        self.busy = busy
        self.pairs: list[tuple[int, int]] = [
            (i, j)
            for i, s in enumerate(sessions)
            for j in self.qualified[i]
            if s.period not in busy.get(lecturers[j].id, frozenset())
        ]
        index = {(sessions[i].id, lecturers[j].id): e for e, (i, j) in enumerate(self.pairs)}
        # variables: one per candidate pair, one per lecturer (gives a turn), the most turns T
        self.n_pairs = len(self.pairs)
        self.n = self.n_pairs + len(lecturers) + 1
        self.pinned = np.zeros(self.n, dtype=bool)
        for sid, lid in sorted(pins):
            self._check_pin(sid, lid, index)
            self.pinned[index[sid, lid]] = True
        self._rows: list[LinearConstraint] | None = None

    def _check_pin(self, sid: str, lid: str, index: Mapping[tuple[str, str], int]) -> None:
        if (sid, lid) in index:
            return
        i = next(k for k, s in enumerate(self.sessions) if s.id == sid)
        j = next(k for k, x in enumerate(self.lecturers) if x.id == lid)
        s = self.sessions[i]
        if j not in self.qualified[i]:
            raise InvalidInputError(
                f"{_WHERE}: lecturer {lid!r} is pinned to session {sid!r} but is not qualified "
                f"for its topic {s.course.topic!r} (no such industry, competency below min_level)"
            )
        raise InvalidInputError(
            f"{_WHERE}: lecturer {lid!r} is pinned to session {sid!r} "
            f"but is away on rotation in {s.period}"
        )

    def constraints(self) -> list[LinearConstraint]:
        if self._rows is None:
            self._rows = self._constraints()
        return self._rows

    def _constraints(self) -> list[LinearConstraint]:
        rows: list[tuple[list[int], list[float], float, float]] = []
        by_s: defaultdict[int, list[int]] = defaultdict(list)
        by_l: defaultdict[int, list[int]] = defaultdict(list)
        for e, (i, j) in enumerate(self.pairs):
            by_s[i].append(e)
            by_l[j].append(e)
        t = self.n - 1
        for i, es in by_s.items():
            rows.append((es, [1.0] * len(es), 0.0, float(self.sessions[i].slots)))
        for j, es in by_l.items():
            rows.append((es, [1.0] * len(es), 0.0, float(self.lecturers[j].max_turns)))
            rows.append(([*es, t], [1.0] * len(es) + [-1.0], -np.inf, 0.0))
        for j in range(len(self.lecturers)):
            es = by_l.get(j, [])
            rows.append(([self.n_pairs + j, *es], [1.0] + [-1.0] * len(es), -np.inf, 0.0))
        pos = {pair: e for e, pair in enumerate(self.pairs)}
        for group in _clash_groups(self.sessions):
            for j in range(len(self.lecturers)):
                es = [pos[i, j] for i in group if (i, j) in pos]
                if len(es) > 1:
                    rows.append((es, [1.0] * len(es), -np.inf, 1.0))
        return [self._matrix(rows)] if rows else []

    def _matrix(self, rows: list[tuple[list[int], list[float], float, float]]) -> LinearConstraint:
        r = [k for k, (cols, _, _, _) in enumerate(rows) for _ in cols]
        c = [col for cols, _, _, _ in rows for col in cols]
        v = [val for _, vals, _, _ in rows for val in vals]
        a = coo_array((v, (r, c)), shape=(len(rows), self.n)).tocsr()
        return LinearConstraint(a, [lo for *_, lo, _ in rows], [hi for *_, hi in rows])


def _solve(
    model: _Model, objective: np.ndarray, extra: list[LinearConstraint]
) -> tuple[np.ndarray, bool]:
    lower = model.pinned.astype(float)
    upper = np.ones(model.n)
    upper[-1] = np.inf
    lower[-1] = 0.0
    integrality = np.ones(model.n, np.int64)
    res = milp(
        objective,
        constraints=[*model.constraints(), *extra],
        bounds=Bounds(lower, upper),
        integrality=integrality,
    )
    if res.x is None:  # pragma: no cover - the pins are checked feasible first
        raise InvalidInputError(f"{_WHERE}: the pinned turns cannot all be kept ({res.message})")
    return np.round(res.x).astype(np.int64), bool(res.status == 0)


def _stages(model: _Model, preferred: np.ndarray) -> tuple[np.ndarray, bool]:
    """Most turns filled; the least max turns; the most preferred cadre turns; most lecturers."""
    n = model.n
    fill = np.zeros(n)
    fill[: model.n_pairs] = 1.0
    x, ok1 = _solve(model, -fill, [])
    filled = float(fill @ x)
    keep_fill = LinearConstraint(fill.reshape(1, -1), filled, filled)
    top = np.zeros(n)
    top[-1] = 1.0
    x, ok2 = _solve(model, top, [keep_fill])
    keep = [keep_fill, LinearConstraint(top.reshape(1, -1), -np.inf, float(x[-1]))]
    ok3 = True
    if preferred.any():
        x, ok3 = _solve(model, -preferred, keep)
        best = float(preferred @ x)
        keep.append(LinearConstraint(preferred.reshape(1, -1), best, np.inf))
    spread = np.zeros(n)
    spread[model.n_pairs : n - 1] = 1.0
    x, ok4 = _solve(model, -spread, keep)
    return x, ok1 and ok2 and ok3 and ok4


def _reason(model: _Model, i: int, load: Mapping[str, int], given: Mapping[int, set[int]]) -> str:
    s = model.sessions[i]
    quals = model.qualified[i]
    if not quals:
        return f"no lecturer is qualified for topic {s.course.topic!r}"
    free = [j for j in quals if s.period not in model.busy.get(model.lecturers[j].id, frozenset())]
    if not free:
        names = ", ".join(model.lecturers[j].id for j in quals)
        return f"every qualified lecturer ({names}) is away on rotation in {s.period}"
    parts = []
    for j in free:
        lec = model.lecturers[j]
        if i in given[j]:
            parts.append(f"{lec.id} already gives it")
            continue
        if load[lec.id] >= lec.max_turns:
            parts.append(f"{lec.id} has used its budget of {lec.max_turns} turn(s)")
            continue
        other = sorted(model.sessions[k].id for k in given[j] if clash(model.sessions[k], s))
        parts.append(
            f"{lec.id} gives {', '.join(other)} at the same time"
            if other
            else f"{lec.id} not chosen"
        )
    return "the free qualified lecturers are taken: " + "; ".join(parts)


def lecturer_rota(
    sessions: Iterable[Session],
    lecturers: Iterable[Lecturer],
    *,
    busy: RotationPlan | Mapping[str, Iterable[str]] | None = None,
    calendar: Calendar | None = None,
    pinned: Iterable[tuple[str, str]] | Mapping[str, str] = (),
    plans: Iterable[LearningPlan] = (),
    min_level: float = 0.6,
) -> LecturerRota:
    """Assign qualified lecturers to sessions, exactly (干部上讲台, 专家讲师团).

    A lecturer is qualified for a session when the course's topic is one of
    the lecturer's industries or a competency at ``min_level`` or above.
    Each lecturer stays within their turn budget (``max_turns``), gives at
    most one of any sessions that clash (same day, or same month when one
    has no day) and none in a month they are away on rotation. The objective
    is lexicographic, each stage solved exactly by HiGHS (``scipy.optimize.milp``):

    1. fill as many lecturer turns (session slots) as possible;
    2. then make the most turns any one lecturer gives as small as possible
       (turns spread fairly);
    3. then give as many turns as possible to cadre lecturers in sessions
       whose learning plan asks for them (``LearningPlan.cadre_lecturers``);
    4. then let as many different lecturers as possible give a turn.

    Remaining ties are resolved by the solver over sessions and lecturers in
    id order, so the result does not depend on input order.

    Parameters
    ----------
    sessions
        The sessions; each asks for ``slots`` lecturer turns.
    lecturers
        The lecturers (cadres through :meth:`Lecturer.from_cadre`, experts).
    busy
        Months each lecturer is away: a mapping lecturer id -> month labels,
        or a :class:`cadredev.rotation.RotationPlan` (its placements, read
        through ``calendar``). Entries for people who are not among the
        lecturers do not matter.
    calendar
        Reads a rotation plan's period indices as months.
    pinned
        ``(session id, lecturer id)`` pairs kept (with each session's own
        ``lecturers``); the rest is optimised around them.
    plans
        Learning plans; sessions of a plan with ``cadre_lecturers=True``
        (same month, a course on the plan) prefer cadre lecturers.
    min_level
        The competency level that qualifies, in [0, 1].

    Returns
    -------
    LecturerRota
        The turns, the sessions left short with reasons, the load per lecturer.

    Raises
    ------
    InvalidInputError
        For malformed input; for a pin to an unknown session or lecturer, to
        a lecturer not qualified for the topic or away that month; for pins
        that break a budget or a clash.

    Examples
    --------
    >>> from cadredev.training import Course, Lecturer, Session, lecturer_rota
    >>> law = Course(id="k1", topic="law")
    >>> s = Session(id="s1", course=law, period="2025-01", slots=2)
    >>> rota = lecturer_rota([s], [Lecturer(id="a", industries={"law"})])
    >>> rota.filled, rota.unfilled[0].reason
    (1, 'the free qualified lecturers are taken: a already gives it')

    .. versionadded:: 0.3
    """
    ss = sorted(check_records(sessions, Session, where=_WHERE, name="sessions"), key=_by_id)
    ls = sorted(check_records(lecturers, Lecturer, where=_WHERE, name="lecturers"), key=_by_id)
    if not is_real(min_level) or not 0 <= min_level <= 1:
        raise InvalidInputError(
            f"{_WHERE}: min_level must be a number in [0, 1], got {min_level!r}"
        )
    busy_map = _busy_periods(busy, calendar)
    pins = _pins(ss, ls, pinned)
    model = _Model(ss, ls, busy_map, pins, float(min_level))
    _check_pins_fit(model)
    wanted = _preferred(ss, plans)
    preferred = np.zeros(model.n)
    for e, (i, j) in enumerate(model.pairs):
        if ss[i].id in wanted and ls[j].kind == "cadre":
            preferred[e] = 1.0
    x, optimal = _stages(model, preferred) if model.pairs else (np.zeros(1, dtype=np.int64), True)
    return _result(model, x, preferred, optimal)


def _check_pins_fit(model: _Model) -> None:
    per_l: defaultdict[int, list[int]] = defaultdict(list)
    for e in np.flatnonzero(model.pinned[: model.n_pairs]):
        i, j = model.pairs[e]
        per_l[j].append(i)
    for j, items in sorted(per_l.items()):
        lec = model.lecturers[j]
        if len(items) > lec.max_turns:
            raise InvalidInputError(
                f"{_WHERE}: lecturer {lec.id!r} is pinned to {len(items)} sessions, "
                f"more than its budget of {lec.max_turns} turn(s)"
            )
        for a in items:
            for b in items:
                if a < b and clash(model.sessions[a], model.sessions[b]):
                    raise InvalidInputError(
                        f"{_WHERE}: lecturer {lec.id!r} is pinned to sessions "
                        f"{model.sessions[a].id!r} and {model.sessions[b].id!r}, which clash"
                    )


def _result(model: _Model, x: np.ndarray, preferred: np.ndarray, optimal: bool) -> LecturerRota:
    ss, ls = model.sessions, model.lecturers
    chosen = [e for e in range(model.n_pairs) if x[e] > 0]
    turns = tuple(
        Turn(
            session_id=ss[i].id,
            lecturer_id=ls[j].id,
            period=ss[i].period,
            topic=ss[i].course.topic,
            kind=ls[j].kind,
            pinned=bool(model.pinned[e]),
        )
        for e in chosen
        for i, j in [model.pairs[e]]
    )
    load = Counter({lec.id: 0 for lec in ls})
    given: defaultdict[int, set[int]] = defaultdict(set)
    count: Counter[int] = Counter()
    for e in chosen:
        i, j = model.pairs[e]
        load[ls[j].id] += 1
        given[j].add(i)
        count[i] += 1
    unfilled = tuple(
        Unfilled(session_id=s.id, missing=s.slots - count[i], reason=_reason(model, i, load, given))
        for i, s in enumerate(ss)
        if count[i] < s.slots
    )
    ordered = tuple(sorted(turns, key=lambda t: (id_key(t.session_id), id_key(t.lecturer_id))))
    return LecturerRota(
        turns=ordered,
        unfilled=unfilled,
        load=FrozenDict({lec.id: load[lec.id] for lec in ls}),
        slots=sum(s.slots for s in ss),
        max_turns=max(load.values(), default=0),
        preferred_cadre_turns=int(sum(preferred[e] for e in chosen)),
        optimal=optimal,
    )
