"""The rotation problem: cadres, posts, programmes and policy limits over a horizon."""

from __future__ import annotations

import functools
import math
import numbers
import operator
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from attrs import field, frozen

from cadredev._frozendict import FrozenDict
from cadredev._validate import is_int as _is_int
from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, Post

from ._check import check_assignments
from ._records import Assignment, Program, _to_int

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


def _sorted_pinned(value: Any) -> Any:
    if isinstance(value, Iterable) and not isinstance(value, str | Mapping):
        items = tuple(value)
        if all(isinstance(a, Assignment) for a in items):
            return tuple(sorted(items))
        return items
    return value


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
        Number of periods; periods are ``0 .. horizon - 1``.
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

    Raises
    ------
    InvalidInputError
        On duplicate ids, horizon 0, a program longer than the horizon, a
        category no post has, an unknown cadre, post, unit or program, staffing
        above a unit's size, or pinned assignments that break a hard rule.

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

    .. versionadded:: 0.1
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

    def __attrs_post_init__(self) -> None:
        _validate(self)

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

    def value_of(self, assignment: Assignment) -> float:
        """Return the value of an assignment: benefit plus period bonuses."""
        value = self.benefit_of(self.cadre(assignment.cadre_id), self.post(assignment.post_id))
        if self.period_bonus is not None:
            value += sum(
                float(self.period_bonus.get((assignment.post_id, t), 0.0))
                for t in assignment.periods
            )
        return value


def _find(table: Mapping[str, T], key: str, what: str) -> T:
    try:
        return table[key]
    except (KeyError, TypeError):
        raise InvalidInputError(f"RotationProblem: unknown {what} {key!r}") from None


def _dupes(ids: Iterable[str]) -> list[str]:
    counts = Counter(ids)
    return sorted(i for i, k in counts.items() if k > 1)


def _validate(problem: RotationProblem) -> None:
    where = "RotationProblem"
    for name, records, cls in (("cadres", problem.cadres, Cadre), ("posts", problem.posts, Post)):
        if not isinstance(records, tuple):
            raise InvalidInputError(f"{where}: {name} must be a sequence, got {records!r}")
        for r in records:
            if not isinstance(r, cls):
                raise InvalidInputError(
                    f"{where}: {name} must hold {cls.__name__} records, got {r!r}"
                )
    if not isinstance(problem.programs, tuple) or not all(
        isinstance(p, Program) for p in problem.programs
    ):
        raise InvalidInputError(
            f"{where}: programs must be a sequence of Program, got {problem.programs!r}"
        )
    for name, ids in (
        ("cadres", [c.id for c in problem.cadres]),
        ("posts", [p.id for p in problem.posts]),
        ("programs", [p.name for p in problem.programs]),
    ):
        dupes = _dupes(ids)
        if dupes:
            raise InvalidInputError(f"{where}: {name} has duplicate id(s) {dupes}")
    horizon = problem.horizon
    if not _is_int(horizon) or horizon < 1:
        raise InvalidInputError(f"{where}: horizon must be an integer >= 1, got {horizon!r}")
    if problem.as_of is not None and not _is_int(problem.as_of):
        raise InvalidInputError(f"{where}: as_of must be a year or None, got {problem.as_of!r}")
    categories = {p.category for p in problem.posts}
    cadre_ids = {c.id for c in problem.cadres}
    post_ids = {p.id for p in problem.posts}
    for prog in problem.programs:
        if prog.length > horizon:
            raise InvalidInputError(
                f"Program {prog.name!r}: length {prog.length} is longer than the horizon {horizon}"
            )
        unknown = sorted(prog.categories - categories)
        if unknown:
            raise InvalidInputError(
                f"Program {prog.name!r}: unknown post category {unknown[0]!r}; "
                f"posts have {sorted(categories)}"
            )
        if prog.cadres is not None:
            missing = sorted(prog.cadres - cadre_ids)
            if missing:
                raise InvalidInputError(
                    f"Program {prog.name!r}: cadres lists unknown cadre id {missing[0]!r}"
                )
        if prog.eligibility.cohorts is not None and problem.as_of is None:
            raise InvalidInputError(
                f"Program {prog.name!r}: eligibility by cohort needs RotationProblem.as_of"
            )
    for post in problem.posts:
        if post.eligibility.cohorts is not None and problem.as_of is None:
            raise InvalidInputError(
                f"Post {post.id!r}: eligibility by cohort needs RotationProblem.as_of"
            )
    sizes = Counter(c.unit for c in problem.cadres)
    for field_name, mapping in (
        ("min_home_staffing", problem.min_home_staffing),
        ("max_away", problem.max_away),
    ):
        if not isinstance(mapping, Mapping):
            raise InvalidInputError(f"{where}: {field_name} must be a mapping, got {mapping!r}")
        for unit, value in mapping.items():
            if unit not in sizes:
                raise InvalidInputError(
                    f"{where}: {field_name} names unknown unit {unit!r} (no cadre has it)"
                )
            if not _is_int(value) or value < 0:
                raise InvalidInputError(
                    f"{where}: {field_name}[{unit!r}] must be an integer >= 0, got {value!r}"
                )
            if field_name == "min_home_staffing" and value > sizes[unit]:
                raise InvalidInputError(
                    f"{where}: min_home_staffing[{unit!r}] = {value} is above the unit's "
                    f"size {sizes[unit]}"
                )
    if not isinstance(problem.unavailable, Mapping):
        raise InvalidInputError(
            f"{where}: unavailable must map cadre id to periods, got {problem.unavailable!r}"
        )
    for cid, periods in problem.unavailable.items():
        if cid not in cadre_ids:
            raise InvalidInputError(f"{where}: unavailable names unknown cadre id {cid!r}")
        if not isinstance(periods, frozenset):
            raise InvalidInputError(
                f"{where}: unavailable[{cid!r}] must be a collection of periods, got {periods!r}"
            )
        for t in periods:
            if not _is_int(t) or not 0 <= t < horizon:
                raise InvalidInputError(
                    f"{where}: unavailable[{cid!r}] has period {t!r}, expected 0..{horizon - 1}"
                )
    pairs: tuple[tuple[str, Any], ...] = (
        ("benefit", problem.benefit),
        ("period_bonus", problem.period_bonus),
    )
    for label, mapping in pairs:
        if mapping is None:
            continue
        if not isinstance(mapping, Mapping):
            raise InvalidInputError(f"{where}: {label} must be a mapping or None, got {mapping!r}")
        raw: dict[Any, Any] = dict(mapping)
        for key, value in raw.items():
            if not (isinstance(key, tuple) and len(key) == 2):
                raise InvalidInputError(f"{where}: {label} keys must be pairs, got {key!r}")
            if label == "benefit":
                if key[0] not in cadre_ids:
                    raise InvalidInputError(f"{where}: benefit names unknown cadre id {key[0]!r}")
                if key[1] not in post_ids:
                    raise InvalidInputError(f"{where}: benefit names unknown post id {key[1]!r}")
            elif key[0] not in post_ids:
                raise InvalidInputError(f"{where}: period_bonus names unknown post id {key[0]!r}")
            if (
                isinstance(value, bool)
                or not isinstance(value, numbers.Real)
                or not math.isfinite(float(value))
            ):
                raise InvalidInputError(
                    f"{where}: {label}[{key!r}] must be a finite number, got {value!r}"
                )
    if not isinstance(problem.pinned, tuple) or not all(
        isinstance(a, Assignment) for a in problem.pinned
    ):
        raise InvalidInputError(
            f"{where}: pinned must be a sequence of Assignment, got {problem.pinned!r}"
        )
    if problem.pinned:
        found = check_assignments(problem, problem.pinned, pinned_check=False)
        if found:
            v = found[0]
            raise InvalidInputError(f"{where}: pinned assignments break a rule: {v.message}")
