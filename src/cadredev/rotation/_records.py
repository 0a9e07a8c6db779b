"""Records of the rotation model: programs, assignments and findings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from attrs import field, frozen

from cadredev._frozendict import FrozenDict
from cadredev._validate import ID_RULE, id_problem
from cadredev._validate import is_int as _is_int
from cadredev.errors import InvalidInputError
from cadredev.model import Eligibility

__all__ = ["Assignment", "Conflict", "Program", "Understaffed", "Unplaced", "Violation"]


def _nonempty_str(where: str, name: str, value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{where}: {name} must be a non-empty string, got {value!r}")


def _int_ge(where: str, name: str, value: Any, minimum: int) -> int:
    if not _is_int(value) or value < minimum:
        raise InvalidInputError(f"{where}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _to_int(value: Any) -> Any:
    return int(value) if _is_int(value) else value


def _to_pair(value: Any) -> Any:
    if _is_int(value):
        return (int(value), int(value))
    if isinstance(value, Iterable) and not isinstance(value, str):
        items = tuple(value)
        if len(items) == 2 and all(_is_int(v) for v in items):
            return (int(items[0]), int(items[1]))
    return value


def _to_strset(value: Any) -> Any:
    """Return a string or a collection as a frozenset; anything else is left for the check."""
    if isinstance(value, str):
        return frozenset((value,))
    if isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
        items = tuple(value)
        try:
            return frozenset(items)
        except TypeError:  # an unhashable item: the check names it
            return items
    return value


def _check_ids(where: str, name: str, value: Any, what: str) -> None:
    """Raise unless *value* is a set of valid ids (``cadredev._validate.id_problem``)."""
    if not isinstance(value, frozenset | tuple):
        raise InvalidInputError(f"{where}: {name} must be a collection of {what}, got {value!r}")
    for item in sorted(value, key=repr):
        if id_problem(item) is not None:
            raise InvalidInputError(f"{where}: {name} must hold ids ({ID_RULE}), got {item!r}")


def _to_tuple(value: Any) -> Any:
    """Return a collection (not text or a mapping) as a tuple; anything else for the check."""
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping):
        return tuple(_to_int(v) for v in value)
    return value


def _to_optional_strset(value: Any) -> Any:
    return None if value is None else _to_strset(value)


def _to_limits(value: Any) -> Any:
    if value is None:
        return FrozenDict()
    if isinstance(value, Mapping):
        return FrozenDict({k: _to_int(v) for k, v in value.items()})
    return value


def _check_limits(where: str, name: str, value: Any, categories: frozenset[str]) -> None:
    if not isinstance(value, Mapping):
        raise InvalidInputError(
            f"{where}: {name} must map post categories to integers, got {value!r}"
        )
    for cat, limit in value.items():
        if cat not in categories:
            raise InvalidInputError(
                f"{where}: {name} names category {cat!r}, which is not one of the "
                f"program's categories {sorted(categories)}"
            )
        if not _is_int(limit) or limit < 0:
            raise InvalidInputError(
                f"{where}: {name}[{cat!r}] must be an integer >= 0, got {limit!r}"
            )


@frozen(kw_only=True)
class Program:
    """A development program that places cadres in posts for whole periods.

    Parameters
    ----------
    name
        Unique name, used in assignments.
    length
        Periods per placement (contiguous), ``>= 1``.
    placements
        ``(min, max)`` placements per eligible cadre, or one integer for both.
        The minimum is a target: a plan that cannot reach it lists the cadre in
        ``unplaced``. The maximum is a hard limit.
    categories
        Post categories the program may use (at least one).
    eligibility
        Who takes part (see :class:`~cadredev.Eligibility`).
    cadres
        Explicit cadre ids taking part (intersected with ``eligibility``), or
        ``None`` for every eligible cadre.
    other_unit
        The post's unit must differ from the cadre's home unit.
    no_repeat
        A cadre holds each post at most once in this program. With a posting
        history (:attr:`cadredev.Cadre.history`), a cadre is also never
        placed in a post they held before, in any program and whenever it was.
    one_per_category
        A cadre has at most one placement per post category in this program.
    gap
        Idle periods required between two placements of a cadre in this program.
    career_max
        Post category -> most postings of that category a cadre may have in
        a career: the cadre's past postings of the category (in
        ``Cadre.history``) plus this program's placements in it. A cadre
        who already reached the limit gets no placement of the category.
    cooldown
        Post category -> idle periods required between the end of a posting
        of that category and the start of this program's next placement in
        it (like ``gap``, but per category and reaching into the past). Past
        postings count, placed on the problem's periods (see
        :class:`RotationProblem`; one still ongoing blocks the category for
        the whole horizon), and so do this program's own placements.
    max_per_unit
        Most placements of one cadre in posts of one unit in this program
        (``None``: no limit), so a cadre sees several units.

    Notes
    -----
    A past posting's category is its ``category``, or, when that is empty,
    the category of the problem's post with the same id; a posting with
    neither counts in no category.

    Examples
    --------
    >>> from cadredev.rotation import Program
    >>> p = Program(name="shadowing", length=3, placements=1, categories="host")
    >>> p.placements, sorted(p.categories)
    ((1, 1), ['host'])
    >>> stationed = Program(
    ...     name="stationed",
    ...     length=4,
    ...     placements=(1, 2),
    ...     categories={"stationed", "frontline"},
    ...     career_max={"stationed": 2},
    ...     cooldown={"frontline": 6},
    ... )
    >>> dict(stationed.career_max), dict(stationed.cooldown)
    ({'stationed': 2}, {'frontline': 6})

    At most one placement per unit, so three placements visit three units:

    >>> Program(name="tour", length=2, placements=3, categories="host", max_per_unit=1).max_per_unit
    1

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``career_max`` and ``cooldown``; ``no_repeat`` reads the posting history.
    .. versionchanged:: 0.3
       ``max_per_unit``.
    """

    name: str
    length: int = field(converter=_to_int)
    placements: tuple[int, int] = field(default=(0, 1), converter=_to_pair)
    categories: frozenset[str] = field(factory=frozenset, converter=_to_strset)
    eligibility: Eligibility = field(factory=Eligibility)
    cadres: frozenset[str] | None = field(default=None, converter=_to_optional_strset)
    other_unit: bool = False
    no_repeat: bool = True
    one_per_category: bool = False
    gap: int = field(default=0, converter=_to_int)
    career_max: FrozenDict[str, int] = field(factory=FrozenDict, converter=_to_limits)
    cooldown: FrozenDict[str, int] = field(factory=FrozenDict, converter=_to_limits)
    max_per_unit: int | None = field(default=None, converter=_to_int)

    def __attrs_post_init__(self) -> None:
        _nonempty_str("Program", "name", self.name)
        where = f"Program {self.name!r}"
        _int_ge(where, "length", self.length, 1)
        _int_ge(where, "gap", self.gap, 0)
        if self.max_per_unit is not None:
            _int_ge(where, "max_per_unit", self.max_per_unit, 1)
        pair = self.placements
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(_is_int(v) for v in pair)):
            raise InvalidInputError(
                f"{where}: placements must be (min, max) integers, got {pair!r}"
            )
        lo, hi = pair
        if lo < 0 or hi < 0:
            raise InvalidInputError(f"{where}: placements must be >= 0, got {pair!r}")
        if lo > hi:
            raise InvalidInputError(
                f"{where}: placements min {lo} is greater than max {hi}; expected min <= max"
            )
        _check_ids(where, "categories", self.categories, "post categories")
        if not self.categories:
            raise InvalidInputError(
                f"{where}: categories must name at least one post category, got {self.categories!r}"
            )
        if not isinstance(self.eligibility, Eligibility):
            raise InvalidInputError(
                f"{where}: eligibility must be an Eligibility, got {self.eligibility!r}"
            )
        if self.cadres is not None:
            _check_ids(where, "cadres", self.cadres, "cadre ids")
        _check_limits(where, "career_max", self.career_max, self.categories)
        _check_limits(where, "cooldown", self.cooldown, self.categories)
        for name in ("other_unit", "no_repeat", "one_per_category"):
            value = getattr(self, name)
            if not isinstance(value, bool):
                raise InvalidInputError(f"{where}: {name} must be True or False, got {value!r}")


@frozen(kw_only=True, order=True)
class Assignment:
    """One placement: a cadre holds a post for ``length`` periods from ``start``.

    Parameters
    ----------
    cadre_id, post_id, program
        Who, where and in which program.
    start, length
        The first period and the number of periods held.
    ended_early
        The placement was cut short (the cadre left, or it ended early, see
        :func:`replan`): ``length`` is then shorter than the program's
        length, and the periods held still count for every rule.

    Examples
    --------
    >>> from cadredev.rotation import Assignment
    >>> a = Assignment(cadre_id="c001", post_id="host-02", program="shadowing", start=3, length=3)
    >>> a.periods
    range(3, 6)

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``ended_early``.
    """

    cadre_id: str
    post_id: str
    program: str
    start: int = field(converter=_to_int)
    length: int = field(converter=_to_int)
    ended_early: bool = False

    def __attrs_post_init__(self) -> None:
        where = f"Assignment ({self.cadre_id!r}, {self.post_id!r})"
        _nonempty_str(where, "cadre_id", self.cadre_id)
        _nonempty_str(where, "post_id", self.post_id)
        _nonempty_str(where, "program", self.program)
        _int_ge(where, "start", self.start, 0)
        _int_ge(where, "length", self.length, 1)
        if not isinstance(self.ended_early, bool):
            raise InvalidInputError(
                f"{where}: ended_early must be True or False, got {self.ended_early!r}"
            )

    @property
    def periods(self) -> range:
        """The periods the placement occupies, ``start .. start + length - 1``."""
        return range(self.start, self.start + self.length)

    @property
    def end(self) -> int:
        """The last period occupied."""
        return self.start + self.length - 1


@frozen(kw_only=True, order=True)
class Unplaced:
    """A placement a program asked for that the plan could not make.

    Parameters
    ----------
    cadre_id, program
        Who and which program.
    reason
        Why, in policy terms.
    missing
        How many placements short of the program's minimum.

    Examples
    --------
    >>> from cadredev.rotation import Unplaced
    >>> Unplaced(cadre_id="c1", program="shadowing", reason="no eligible post").missing
    1

    .. versionadded:: 0.1
    """

    cadre_id: str
    program: str
    reason: str
    missing: int = field(default=1, converter=_to_int)

    def __attrs_post_init__(self) -> None:
        where = f"Unplaced ({self.cadre_id!r}, {self.program!r})"
        _nonempty_str(where, "cadre_id", self.cadre_id)
        _nonempty_str(where, "program", self.program)
        if not isinstance(self.reason, str):
            raise InvalidInputError(f"{where}: reason must be text, got {self.reason!r}")
        _int_ge(where, "missing", self.missing, 1)


@frozen(kw_only=True, order=True)
class Understaffed:
    """A post-period that a plan leaves below its staffing minimum.

    Parameters
    ----------
    post_id, period
        Which post, in which period.
    missing
        How many cadres short of ``RotationProblem.min_staffing`` (>= 1).

    Examples
    --------
    >>> from cadredev.rotation import Understaffed
    >>> Understaffed(post_id="p1", period=2, missing=1).missing
    1

    .. versionadded:: 0.3
    """

    post_id: str
    period: int = field(converter=_to_int)
    missing: int = field(default=1, converter=_to_int)

    def __attrs_post_init__(self) -> None:
        _nonempty_str("Understaffed", "post_id", self.post_id)
        _int_ge("Understaffed", "period", self.period, 0)
        _int_ge("Understaffed", "missing", self.missing, 1)


@frozen(kw_only=True, order=True)
class Violation:
    """A hard-constraint breach found by :meth:`RotationPlan.violations`.

    Parameters
    ----------
    kind
        One of ``unknown``, ``horizon``, ``length``, ``overlap``, ``capacity``,
        ``category``, ``eligibility``, ``post_eligibility``, ``other_unit``,
        ``max_placements``, ``repeat`` (also a post held before, in the
        cadre's history), ``one_per_category``, ``gap``, ``career_max``,
        ``cooldown``, ``home_staffing``, ``unavailable``, ``pinned``,
        ``allowed`` (a post outside the cadre's allowed posts), ``max_per_unit``,
        ``precedence``.
    message
        A readable sentence naming the records involved.
    cadre_id, post_id, program, unit, period
        The records involved, where they apply.

    Examples
    --------
    >>> from cadredev.rotation import Violation
    >>> Violation(kind="capacity", message="post 'p' over capacity", post_id="p").kind
    'capacity'

    .. versionadded:: 0.1
    """

    kind: str
    message: str
    cadre_id: str | None = None
    post_id: str | None = None
    program: str | None = None
    unit: str | None = None
    period: int | None = field(default=None, converter=_to_int)

    def __attrs_post_init__(self) -> None:
        _nonempty_str("Violation", "kind", self.kind)
        where = f"Violation {self.kind!r}"
        if not isinstance(self.message, str):
            raise InvalidInputError(f"{where}: message must be text, got {self.message!r}")
        for name in ("cadre_id", "post_id", "program", "unit"):
            value = getattr(self, name)
            if value is not None:
                _nonempty_str(where, name, value)
        if self.period is not None and not _is_int(self.period):
            raise InvalidInputError(
                f"{where}: period must be None or an integer, got {self.period!r}"
            )


@frozen(kw_only=True)
class Conflict:
    """A reason, in policy terms, why a problem cannot meet every minimum.

    Parameters
    ----------
    kind
        ``no_eligible_post``, ``history``, ``supply``, ``home_staffing``,
        ``cadre_time``, ``max_per_unit``, ``precedence``, ``flow`` or
        ``min_staffing``; or a note that a diagnosis is incomplete,
        ``time_limit`` or ``memory_limit`` (see
        :func:`~cadredev.rotation.diagnose`).
    message, message_zh
        English and Chinese text.
    program
        The program concerned, if one.
    posts
        Post ids involved.
    unit
        The unit concerned, if one.
    periods
        Periods involved.
    cadres
        Cadre ids involved.
    needed, available
        The counted demand and supply behind the conflict.

    Examples
    --------
    >>> from cadredev.rotation import Conflict
    >>> c = Conflict(kind="supply", message="too few", message_zh="岗位不足", needed=3, available=2)
    >>> c.needed - c.available
    1

    .. versionadded:: 0.1
    """

    kind: str
    message: str
    message_zh: str
    program: str | None = None
    posts: tuple[str, ...] = field(default=(), converter=_to_tuple)
    unit: str | None = None
    periods: tuple[int, ...] = field(default=(), converter=_to_tuple)
    cadres: tuple[str, ...] = field(default=(), converter=_to_tuple)
    needed: int = field(default=0, converter=_to_int)
    available: int = field(default=0, converter=_to_int)

    def __attrs_post_init__(self) -> None:
        _nonempty_str("Conflict", "kind", self.kind)
        where = f"Conflict {self.kind!r}"
        for name in ("message", "message_zh"):
            if not isinstance(getattr(self, name), str):
                raise InvalidInputError(
                    f"{where}: {name} must be text, got {getattr(self, name)!r}"
                )
        for name in ("program", "unit"):
            if getattr(self, name) is not None:
                _nonempty_str(where, name, getattr(self, name))
        for name in ("posts", "cadres"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                raise InvalidInputError(
                    f"{where}: {name} must be a collection of ids, got {value!r}"
                )
            for item in value:
                _nonempty_str(where, name, item)
        if not isinstance(self.periods, tuple) or not all(_is_int(t) for t in self.periods):
            raise InvalidInputError(
                f"{where}: periods must be a collection of integers, got {self.periods!r}"
            )
        for name in ("needed", "available"):
            if not _is_int(getattr(self, name)):
                raise InvalidInputError(
                    f"{where}: {name} must be an integer, got {getattr(self, name)!r}"
                )

    def __str__(self) -> str:
        return f"{self.message} / {self.message_zh}"
