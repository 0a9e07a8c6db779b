"""The rotation problem: cadres, posts, programmes and policy limits over a horizon."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, TypeVar, cast

from attrs import field, frozen

from cadredev._frozendict import FrozenDict
from cadredev._validate import as_float
from cadredev._validate import is_int as _is_int
from cadredev.calendar import Calendar
from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, Post, Posting

from ._records import Assignment, Program, _to_int
from ._sequence import sequence_counts
from ._validate_problem import expand_staffing, validate

__all__ = ["RotationProblem"]

T = TypeVar("T")


def _sorted_by(value: Any, key: str) -> Any:
    """Sort a collection of records by ``key``; leave anything else for validation."""
    if isinstance(value, Iterable) and not isinstance(value, str | Mapping):
        items = tuple(value)
        try:
            return tuple(sorted(items, key=operator.attrgetter(key)))
        except AttributeError:
            return items
    return value


def _sorted_records(value: Any) -> Any:
    return _sorted_by(value, "id")


def _sorted_programs(value: Any) -> Any:
    return _sorted_by((value,) if isinstance(value, Program) else value, "name")


def _frozen_map(value: Any) -> Any:
    if value is None:
        return FrozenDict()
    if isinstance(value, Mapping):
        return FrozenDict({k: _to_int(v) for k, v in value.items()})
    return value


def _frozen_unavailable(value: Any) -> Any:
    if value is None:
        return FrozenDict()
    if isinstance(value, Mapping):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            if isinstance(v, Iterable) and not isinstance(v, str):
                out[k] = frozenset(_to_int(t) for t in v)
            else:
                out[k] = v
        return FrozenDict(out)
    return value


def _optional_map(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return FrozenDict(dict(value))
    return value


def _frozen_allowed(value: Any) -> Any:
    if value is None:
        return FrozenDict()
    if isinstance(value, Mapping):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            if isinstance(v, str):
                out[k] = frozenset((v,))
            elif isinstance(v, Iterable):
                out[k] = frozenset(v)
            else:
                out[k] = v
        return FrozenDict(out)
    return value


def _frozen_by_post_period(value: Any) -> Any:
    """Freeze a mapping keyed by post or (post, period) into integer values; empty is ``None``."""
    if isinstance(value, Mapping):
        if not value:
            return None
        out: dict[Any, Any] = {}
        for k, v in value.items():
            key = tuple(_to_int(x) for x in k) if isinstance(k, tuple | list) else k
            out[key] = _to_int(v)
        return FrozenDict(out)
    return value


def _sorted_pairs(value: Any) -> Any:
    if value is None:
        return ()
    if isinstance(value, Iterable) and not isinstance(value, str | Mapping):
        items = [tuple(v) if isinstance(v, list | tuple) else v for v in value]
        try:
            return tuple(sorted(set(items)))
        except TypeError:
            return tuple(items)
    return value


def _sorted_pinned(value: Any) -> Any:
    if isinstance(value, Iterable) and not isinstance(value, str | Mapping):
        items = tuple(value)
        if all(isinstance(a, Assignment) for a in items):
            return tuple(sorted(items))
        return items
    return value


class PastPostings(NamedTuple):
    """What one cadre's posting history means for the rules (internal)."""

    posts: frozenset[str]
    """Every post the cadre held, whenever."""
    counts: Mapping[str, int]
    """Category -> past postings of it."""
    last_end: Mapping[str, int | None]
    """Cooldown category -> last period held (``None``: still ongoing)."""


def _is_when(value: object) -> bool:
    return isinstance(value, str) or (
        isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    )


@frozen(kw_only=True)
class RotationProblem:
    """A rotation scheduling problem: who may go where, when, and what for.

    Records are stored sorted by id (programs by name), so problems built from
    the same records in any order are equal and schedule identically.

    Parameters
    ----------
    cadres, posts
        The people and the posts (post capacity is per period).
    horizon
        Number of periods; periods are ``0 .. horizon - 1``. With a
        ``calendar``, the last period of the plan may be given instead, as a
        date or a period label: the plan then runs through the period that
        holds it (``horizon`` is stored as the number of periods).
    programs
        The programs to plan.
    min_home_staffing
        Unit -> cadres that must stay home (on no placement) each period.
        Only placements count as away: the rule limits how many cadres the
        programs take from a unit, and a placement in a post of the cadre's
        own unit counts too.
    max_away
        Unit -> most cadres away on placements in any period (another way to
        say the same thing; both may be given, the tighter one holds).
    unavailable
        Cadre id -> periods the cadre cannot be placed.
    pinned
        Assignments every plan keeps as they are.
    benefit
        ``(cadre id, post id) -> value`` of one placement; pairs missing from
        the mapping are worth 0. ``None`` derives it from competencies: the sum
        over the post's requirements of how far the cadre is below the level.
    period_bonus
        ``(post id, period) -> value`` added for every period a placement
        occupies (a season when a post matters more).
    as_of
        Reference year for cohort-based eligibility.
    allowed
        Cadre id -> the only post ids the cadre may hold (in any program).
        Cadres not listed may hold any post the other rules allow; a cadre
        listed with no posts gets no placement.
    capacity
        ``(post id, period) -> capacity`` in that period, overriding
        ``Post.capacity`` there (a holiday, a post
        opening mid-year); other periods keep the post's capacity. An empty
        mapping is stored as ``None``.
    precedence
        Pairs ``(first, then)`` of program names: a cadre's placements in
        ``first`` all end before any of the cadre's placements in ``then``
        starts (a frontline posting before a stationed one). Each pair binds
        on its own: with ``(a, b)`` and ``(b, c)``, a cadre with no placement
        in ``b`` may take ``a`` and ``c`` in any order.
    unit_change_cost
        Soft sequence term: value lost for every placement of a cadre in
        another unit than the cadre's previous placement in the plan (the
        first placement never counts). Default 0.
    waiting_cost
        Soft sequence term: value lost for every period a cadre waits
        between two placements, that is every period between the start of
        their first placement and the end of their last on which they hold
        none (periods they are unavailable count too). Default 0.
    calendar
        A :class:`~cadredev.calendar.Calendar` whose period 0 is the plan's
        first period, or ``None``. It dates the plan's periods
        (:meth:`RotationPlan.dates`), reads a horizon, a re-plan's ``now`` and
        events given as dates, and places dated past postings on the
        problem's periods (negative ones lie before the plan).

    Notes
    -----
    Past postings (``Cadre.history``) given with integer ``start`` and
    ``end`` are read as the problem's own period numbers; dated ones go
    through the ``calendar``. Only rules that need a posting's timing need
    the calendar: a program's ``cooldown`` does, while ``no_repeat`` and
    ``career_max`` count every past posting, whenever it was.

    Raises
    ------
    InvalidInputError
        On duplicate ids, horizon 0, a program longer than the horizon, a
        category no post has, an unknown cadre, post, unit or program, staffing
        above a unit's size, a staffing minimum above a post's capacity in a
        period, pinned assignments that break a hard rule, or a date where
        there is no calendar to place it.

    Examples
    --------
    >>> from cadredev import Cadre, Post
    >>> from cadredev.rotation import Program, RotationProblem
    >>> cadres = [Cadre(id="a", name="甲", birth_year=1994, rank="section", unit="u1")]
    >>> posts = [Post(id="p", unit="u2", category="host")]
    >>> prob = RotationProblem(
    ...     cadres=cadres,
    ...     posts=posts,
    ...     horizon=4,
    ...     programs=[Program(name="s", length=2, placements=1, categories="host")],
    ... )
    >>> prob.horizon, [c.id for c in prob.cadres]
    (4, ['a'])

    With a calendar, periods are dates and the horizon may be its last period:

    >>> from cadredev.calendar import Calendar
    >>> dated = RotationProblem(
    ...     cadres=cadres,
    ...     posts=posts,
    ...     horizon="2027Q4",
    ...     programs=[Program(name="s", length=2, placements=1, categories="host")],
    ...     calendar=Calendar("2025Q1"),
    ... )
    >>> dated.horizon, dated.period("2026Q1")
    (12, 4)

    A cadre may be limited to some posts, and a post's capacity may change
    over the horizon:

    >>> limited = RotationProblem(
    ...     cadres=cadres,
    ...     posts=[
    ...         Post(id="p", unit="u2", category="host"),
    ...         Post(id="q", unit="u2", category="host"),
    ...     ],
    ...     horizon=4,
    ...     programs=[Program(name="s", length=2, placements=1, categories="host")],
    ...     allowed={"a": ["q"]},
    ...     capacity={("q", 0): 0},
    ... )
    >>> sorted(limited.allowed["a"]), limited.capacity_of("q", 0), limited.capacity_of("q", 1)
    (['q'], 0, 1)

    Programmes may have to follow one another for each cadre:

    >>> ordered = RotationProblem(
    ...     cadres=cadres,
    ...     posts=posts,
    ...     horizon=4,
    ...     programs=[
    ...         Program(name="train", length=1, placements=1, categories="host"),
    ...         Program(name="serve", length=2, placements=1, categories="host"),
    ...     ],
    ...     precedence=[("train", "serve")],
    ... )
    >>> ordered.precedence
    (('train', 'serve'),)

    A post may need a minimum of cadres in every period, or in one period
    (a soft rule, stored per post and period):

    >>> staffed = RotationProblem(
    ...     cadres=cadres,
    ...     posts=posts,
    ...     horizon=3,
    ...     programs=[Program(name="s", length=1, placements=(0, 3), categories="host")],
    ...     min_staffing={"p": 1, ("p", 2): 0},
    ... )
    >>> dict(staffed.min_staffing)
    {('p', 0): 1, ('p', 1): 1, ('p', 2): 0}

    Soft sequence terms take value from plans that move a cadre between
    units or leave them waiting between placements
    (see :meth:`sequence_terms`):

    >>> from cadredev.rotation import Assignment
    >>> steady = RotationProblem(
    ...     cadres=cadres,
    ...     posts=[
    ...         Post(id="p", unit="u2", category="host"),
    ...         Post(id="q", unit="u3", category="host"),
    ...     ],
    ...     horizon=4,
    ...     programs=[Program(name="s", length=1, placements=2, categories="host")],
    ...     unit_change_cost=2.0,
    ...     waiting_cost=0.5,
    ... )
    >>> plan = [
    ...     Assignment(cadre_id="a", post_id="p", program="s", start=0, length=1),
    ...     Assignment(cadre_id="a", post_id="q", program="s", start=2, length=1),
    ... ]
    >>> steady.sequence_terms(plan), steady.sequence_cost(plan)
    ({'a': (1, 1)}, 2.5)

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``calendar``; a horizon given by its last period; posting history in the rules.
    .. versionchanged:: 0.3
       ``allowed`` posts per cadre; ``capacity`` per post and period;
       ``precedence`` between programmes; ``min_staffing`` per post and period;
       soft sequence terms ``unit_change_cost`` and ``waiting_cost``.
    """

    cadres: tuple[Cadre, ...] = field(converter=_sorted_records)
    posts: tuple[Post, ...] = field(converter=_sorted_records)
    horizon: int = field(converter=_to_int)
    programs: tuple[Program, ...] = field(converter=_sorted_programs)
    min_home_staffing: FrozenDict[str, int] = field(factory=FrozenDict, converter=_frozen_map)
    max_away: FrozenDict[str, int] = field(factory=FrozenDict, converter=_frozen_map)
    unavailable: FrozenDict[str, frozenset[int]] = field(
        factory=FrozenDict, converter=_frozen_unavailable
    )
    pinned: tuple[Assignment, ...] = field(default=(), converter=_sorted_pinned)
    benefit: FrozenDict[tuple[str, str], float] | None = field(
        default=None, converter=_optional_map
    )
    period_bonus: FrozenDict[tuple[str, int], float] | None = field(
        default=None, converter=_optional_map
    )
    as_of: int | None = field(default=None, converter=_to_int)
    calendar: Calendar | None = None
    allowed: FrozenDict[str, frozenset[str]] = field(factory=FrozenDict, converter=_frozen_allowed)
    capacity: FrozenDict[tuple[str, int], int] | None = field(
        default=None, converter=_frozen_by_post_period
    )

    precedence: tuple[tuple[str, str], ...] = field(default=(), converter=_sorted_pairs)

    min_staffing: FrozenDict[tuple[str, int], int] | None = field(
        default=None, converter=_frozen_by_post_period
    )
    unit_change_cost: float = field(default=0.0, converter=as_float)
    waiting_cost: float = field(default=0.0, converter=as_float)

    def __attrs_post_init__(self) -> None:
        if _is_when(self.horizon):
            # the documented way to set a field of a frozen attrs instance
            object.__setattr__(self, "horizon", _horizon_from_end(self))
        validate(self)
        # the documented way to set a field of a frozen attrs instance
        object.__setattr__(self, "min_staffing", expand_staffing(self))

    def period(self, when: int | dt.date | str) -> int:
        """Return the problem's period number of a period, a date or a period label.

        Integers are period numbers already; dates and labels are placed
        through :attr:`calendar` (negative numbers lie before the plan).

        Raises
        ------
        InvalidInputError
            If ``when`` is a date or a label and the problem has no calendar,
            or if it is none of the three.

        Examples
        --------
        >>> import datetime as dt
        >>> from cadredev.calendar import Calendar
        >>> from cadredev.datasets import tiny_rotation_problem
        >>> import attrs
        >>> prob = attrs.evolve(tiny_rotation_problem(), calendar=Calendar("2025-01"))
        >>> prob.period(dt.date(2025, 3, 15)), prob.period("2024-12"), prob.period(2)
        (2, -1, 2)

        .. versionadded:: 0.2
        """
        if _is_int(when):
            return int(cast("int", when))
        if not _is_when(when):
            raise InvalidInputError(
                f"RotationProblem: expected a period number, a date or a period label, got {when!r}"
            )
        when = cast("dt.date | str", when)
        if self.calendar is None:
            raise InvalidInputError(
                f"RotationProblem: {when!r} is a date or a period label; placing it on the "
                "problem's periods needs RotationProblem(calendar=...)"
            )
        return self.calendar.index(when)

    @functools.cached_property
    def _past(self) -> Mapping[str, PastPostings]:
        """Cadre id -> what their history means for the rules (only cadres with one)."""
        cooling = {cat for prog in self.programs for cat in prog.cooldown}
        out: dict[str, PastPostings] = {}
        for cadre in self.cadres:
            if not cadre.history:
                continue
            count: Counter[str] = Counter()
            last_end: dict[str, int | None] = {}
            for posting in cadre.history:
                cat = self._category_of(posting)
                if not cat:
                    continue
                count[cat] += 1
                if cat in cooling:
                    end = None if posting.end is None else self.period(posting.end)
                    if cat not in last_end:
                        last_end[cat] = end
                    elif end is None or last_end[cat] is None:
                        last_end[cat] = None
                    else:
                        last_end[cat] = max(end, last_end[cat])  # type: ignore[type-var]
            out[cadre.id] = PastPostings(
                posts=frozenset(p.post_id for p in cadre.history),
                counts=dict(count),
                last_end=last_end,
            )
        return FrozenDict(out)

    def _category_of(self, posting: Posting) -> str:
        if posting.category:
            return posting.category
        post = self.posts_by_id.get(posting.post_id)
        return "" if post is None else post.category

    # lookups -------------------------------------------------------------
    @functools.cached_property
    def cadres_by_id(self) -> Mapping[str, Cadre]:
        """The cadres by id (built once per problem and kept with it).

        .. versionadded:: 0.2
        """
        return FrozenDict({c.id: c for c in self.cadres})

    @functools.cached_property
    def posts_by_id(self) -> Mapping[str, Post]:
        """The posts by id (built once per problem and kept with it).

        .. versionadded:: 0.2
        """
        return FrozenDict({p.id: p for p in self.posts})

    @functools.cached_property
    def programs_by_name(self) -> Mapping[str, Program]:
        """The programmes by name (built once per problem and kept with it).

        .. versionadded:: 0.2
        """
        return FrozenDict({p.name: p for p in self.programs})

    def cadre(self, cadre_id: str) -> Cadre:
        """Return the cadre with this id.

        Raises
        ------
        InvalidInputError
            If the problem has no cadre with this id.
        """
        return _find(self.cadres_by_id, cadre_id, "cadre")

    def post(self, post_id: str) -> Post:
        """Return the post with this id (``InvalidInputError`` if unknown)."""
        return _find(self.posts_by_id, post_id, "post")

    def program(self, name: str) -> Program:
        """Return the programme with this name (``InvalidInputError`` if unknown)."""
        return _find(self.programs_by_name, name, "program")

    def unit_sizes(self) -> dict[str, int]:
        """Return the number of cadres per home unit, sorted by unit."""
        counts = Counter(c.unit for c in self.cadres)
        return {u: counts[u] for u in sorted(counts)}

    def capacity_of(self, post_id: str, period: int) -> int:
        """Return the capacity of a post in one period (``capacity``, else the post's).

        Examples
        --------
        >>> import attrs
        >>> from cadredev.datasets import tiny_rotation_problem
        >>> prob = tiny_rotation_problem()
        >>> post = prob.posts[0]
        >>> holiday = attrs.evolve(prob, capacity={(post.id, 1): 0})
        >>> holiday.capacity_of(post.id, 1), holiday.capacity_of(post.id, 0) == post.capacity
        (0, True)

        .. versionadded:: 0.3
        """
        key = (post_id, period)
        if self.capacity is not None and key in self.capacity:
            return int(self.capacity[key])
        return int(self.post(post_id).capacity)

    def away_limit(self, unit: str) -> int:
        """Return the most cadres of ``unit`` that may be away in one period."""
        size = sum(c.unit == unit for c in self.cadres)
        limit = size - self.min_home_staffing.get(unit, 0)
        if unit in self.max_away:
            limit = min(limit, self.max_away[unit])
        return max(limit, 0)

    def is_eligible(self, cadre: Cadre, program: Program) -> tuple[str, ...]:
        """Return why ``cadre`` may not take part in ``program`` (empty if it may)."""
        out: list[str] = []
        if program.cadres is not None and cadre.id not in program.cadres:
            out.append("not listed in the program")
        out.extend(program.eligibility.reasons(cadre, as_of=self.as_of))
        return tuple(out)

    def post_reasons(self, cadre: Cadre, program: Program, post: Post) -> tuple[str, ...]:
        """Return why ``cadre`` may not hold ``post`` in ``program`` (empty if it may)."""
        out: list[str] = []
        if post.category not in program.categories:
            out.append(f"category {post.category!r} not in the program")
        if program.other_unit and post.unit == cadre.unit:
            out.append(f"post is in the cadre's own unit {cadre.unit}")
        if cadre.id in self.allowed and post.id not in self.allowed[cadre.id]:
            out.append("post is not among the cadre's allowed posts")
        out.extend(post.eligibility.reasons(cadre, as_of=self.as_of))
        return tuple(out)

    def benefit_of(self, cadre: Cadre, post: Post) -> float:
        """Return the benefit of one placement of ``cadre`` in ``post``."""
        if self.benefit is not None:
            return float(self.benefit.get((cadre.id, post.id), 0.0))
        return sum(
            max(0.0, level - cadre.competencies.get(name, 0.0))
            for name, level in post.requirements.items()
        )

    def sequence_terms(self, assignments: Iterable[Assignment]) -> dict[str, tuple[int, int]]:
        """Return cadre id -> (unit changes, waiting periods) of their placements.

        A unit change is a placement in another unit than the cadre's
        previous placement; waiting periods lie between the start of the
        cadre's first placement and the end of their last, on no placement.
        The plan's value loses ``unit_change_cost`` per change and
        ``waiting_cost`` per waiting period. Cadres without placements are
        left out.

        Raises
        ------
        InvalidInputError
            If an assignment names an unknown post.

        Examples
        --------
        >>> from cadredev.rotation import Assignment
        >>> from cadredev.datasets import tiny_rotation_problem
        >>> problem = tiny_rotation_problem()
        >>> problem.sequence_terms(
        ...     [Assignment(cadre_id="a", post_id="p1", program="s", start=2, length=2)]
        ... )
        {'a': (0, 0)}

        .. versionadded:: 0.3
        """
        by_cadre: dict[str, list[tuple[int, int, str]]] = {}
        for a in assignments:
            unit = self.post(a.post_id).unit
            by_cadre.setdefault(a.cadre_id, []).append((a.start, a.length, unit))
        return {cid: sequence_counts(items) for cid, items in sorted(by_cadre.items())}

    def sequence_cost(self, assignments: Iterable[Assignment]) -> float:
        """Return the value the soft sequence terms take from ``assignments``.

        Examples
        --------
        >>> import attrs
        >>> from cadredev.rotation import Assignment
        >>> from cadredev.datasets import tiny_rotation_problem
        >>> problem = attrs.evolve(tiny_rotation_problem(), waiting_cost=0.5)
        >>> problem.sequence_cost(
        ...     [
        ...         Assignment(cadre_id="a", post_id="p1", program="s", start=0, length=1),
        ...         Assignment(cadre_id="a", post_id="p2", program="s", start=3, length=1),
        ...     ]
        ... )
        1.0

        .. versionadded:: 0.3
        """
        if not (self.unit_change_cost or self.waiting_cost):
            return 0.0
        terms = self.sequence_terms(assignments).values()
        return float(sum(self.unit_change_cost * ch + self.waiting_cost * w for ch, w in terms))

    def value_of(self, assignment: Assignment) -> float:
        """Return the value of an assignment: benefit plus period bonuses."""
        value = self.benefit_of(self.cadre(assignment.cadre_id), self.post(assignment.post_id))
        if self.period_bonus is not None:
            value += sum(
                float(self.period_bonus.get((assignment.post_id, t), 0.0))
                for t in assignment.periods
            )
        return value


def _horizon_from_end(problem: RotationProblem) -> int:
    end = problem.horizon
    if problem.calendar is None:
        raise InvalidInputError(
            f"RotationProblem: horizon {end!r} is a date or a period label; "
            "it needs RotationProblem(calendar=...), or give the number of periods"
        )
    if not isinstance(problem.calendar, Calendar):
        raise InvalidInputError(
            f"RotationProblem: calendar must be a Calendar or None, got {problem.calendar!r}"
        )
    last = problem.calendar.index(cast("dt.date | str", end))
    if last < 0:
        raise InvalidInputError(
            f"RotationProblem: horizon {end!r} ends before the calendar's first period "
            f"{problem.calendar.start!r}"
        )
    return last + 1


def _find(table: Mapping[str, T], key: str, what: str) -> T:
    try:
        return table[key]
    except (KeyError, TypeError):
        raise InvalidInputError(f"RotationProblem: unknown {what} {key!r}") from None
