"""Records of the rotation model: programs, assignments and findings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from attrs import field, frozen

from cadredev._validate import is_int as _is_int
from cadredev.errors import InvalidInputError
from cadredev.model import Eligibility

__all__ = ["Assignment", "Conflict", "Program", "Unplaced", "Violation"]


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
    if isinstance(value, str):
        return frozenset((value,))
    if isinstance(value, Iterable):
        return frozenset(value)
    return value


def _to_optional_strset(value: Any) -> Any:
    return None if value is None else _to_strset(value)


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
        A cadre holds each post at most once in this program.
    one_per_category
        A cadre has at most one placement per post category in this program.
    gap
        Idle periods required between two placements of a cadre in this program.

    Examples
    --------
    >>> from cadredev.rotation import Program
    >>> p = Program(name="shadowing", length=3, placements=1, categories="host")
    >>> p.placements, sorted(p.categories)
    ((1, 1), ['host'])

    .. versionadded:: 0.1
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

    def __attrs_post_init__(self) -> None:
        _nonempty_str("Program", "name", self.name)
        where = f"Program {self.name!r}"
        _int_ge(where, "length", self.length, 1)
        _int_ge(where, "gap", self.gap, 0)
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
        if not isinstance(self.categories, frozenset) or not self.categories:
            raise InvalidInputError(
                f"{where}: categories must name at least one post category, got {self.categories!r}"
            )
        for cat in self.categories:
            _nonempty_str(where, "categories", cat)
        if not isinstance(self.eligibility, Eligibility):
            raise InvalidInputError(
                f"{where}: eligibility must be an Eligibility, got {self.eligibility!r}"
            )
        if self.cadres is not None:
            if not isinstance(self.cadres, frozenset):
                raise InvalidInputError(
                    f"{where}: cadres must be a collection of ids, got {self.cadres!r}"
                )
            for cid in self.cadres:
                _nonempty_str(where, "cadres", cid)


@frozen(kw_only=True, order=True)
class Assignment:
    """One placement: a cadre holds a post for ``length`` periods from ``start``.

    Examples
    --------
    >>> from cadredev.rotation import Assignment
    >>> a = Assignment(cadre_id="c001", post_id="host-02", program="shadowing", start=3, length=3)
    >>> a.periods
    range(3, 6)

    .. versionadded:: 0.1
    """

    cadre_id: str
    post_id: str
    program: str
    start: int = field(converter=_to_int)
    length: int = field(converter=_to_int)

    def __attrs_post_init__(self) -> None:
        where = f"Assignment ({self.cadre_id!r}, {self.post_id!r})"
        _nonempty_str(where, "cadre_id", self.cadre_id)
        _nonempty_str(where, "post_id", self.post_id)
        _nonempty_str(where, "program", self.program)
        _int_ge(where, "start", self.start, 0)
        _int_ge(where, "length", self.length, 1)

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
    missing: int = 1


@frozen(kw_only=True, order=True)
class Violation:
    """A hard-constraint breach found by :meth:`RotationPlan.violations`.

    Parameters
    ----------
    kind
        One of ``unknown``, ``horizon``, ``length``, ``overlap``, ``capacity``,
        ``category``, ``eligibility``, ``post_eligibility``, ``other_unit``,
        ``max_placements``, ``repeat``, ``one_per_category``, ``gap``,
        ``home_staffing``, ``unavailable``, ``pinned``.
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
    period: int | None = None


@frozen(kw_only=True)
class Conflict:
    """A reason, in policy terms, why a problem cannot meet every minimum.

    Parameters
    ----------
    kind
        ``no_eligible_post``, ``supply``, ``home_staffing``, ``cadre_time`` or
        ``flow``.
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
    posts: tuple[str, ...] = ()
    unit: str | None = None
    periods: tuple[int, ...] = ()
    cadres: tuple[str, ...] = ()
    needed: int = 0
    available: int = 0

    def __str__(self) -> str:
        return f"{self.message} / {self.message_zh}"
