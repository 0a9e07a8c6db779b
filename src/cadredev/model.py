"""The typed domain model: cadres, mentors, posts and their vocabularies.

Every record is a frozen, keyword-only attrs class. Records validate their
fields when they are built and raise :class:`~cadredev.InvalidInputError`
naming the record, the field, the value and what was expected. Enumerations
carry an English value and a Chinese ``label`` and parse from either.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from attrs import field, frozen

from ._frozendict import FrozenDict
from ._validate import MAX_COUNT as _MAX_COUNT
from ._validate import FieldError as _FieldError
from ._validate import check_year as _check_year_arg
from ._validate import id_field as _check_id
from ._validate import id_problem as _id_problem
from ._validate import is_int as _is_int
from ._validate import named_errors as _named_errors
from ._validate import text_field as _check_str
from ._vocab import Cohort, LabelledEnum, Line, MentorRole, Rank, cohort_of
from .errors import InvalidInputError

__all__ = [
    "Cadre",
    "Cohort",
    "Eligibility",
    "Enterprise",
    "FrozenDict",
    "Line",
    "Mentor",
    "MentorRole",
    "Mentorship",
    "Post",
    "Posting",
    "Rank",
    "When",
    "cohort_of",
]

MIN_BIRTH_YEAR = 1930
"""The earliest birth year a record accepts."""
MAX_BIRTH_YEAR = 2100
"""The latest birth year a record accepts: a fixed bound, never today's date.

Whether a cadre is old enough for something is decided against an explicit
``as_of`` year by the functions that need it."""

T = TypeVar("T")
E = TypeVar("E", bound="LabelledEnum")


# --------------------------------------------------------------------------
# field validators and converters


def _check_optional_str(_: object, attribute: Any, value: Any) -> None:
    if value is not None and _id_problem(value) is not None:
        raise _FieldError(f"{attribute.name} must be None or {_id_problem(value)}, got {value!r}")


def _optional_int_at_least(minimum: int) -> Callable[[object, Any, Any], None]:
    check = _int_at_least(minimum)

    def optional(instance: object, attribute: Any, value: Any) -> None:
        if value is not None:
            check(instance, attribute, value)

    return optional


def _int_at_least(minimum: int) -> Callable[[object, Any, Any], None]:
    def check(_: object, attribute: Any, value: Any) -> None:
        if not _is_int(value) or value < minimum:
            raise _FieldError(f"{attribute.name} must be an integer >= {minimum}, got {value!r}")
        if value > _MAX_COUNT:
            raise _FieldError(
                f"{attribute.name} must be an integer from {minimum} to {_MAX_COUNT:_}, "
                f"got {value!r}"
            )

    return check


def _check_optional_year(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _check_year(instance, attribute, value)


def _check_year(_: object, attribute: Any, value: Any) -> None:
    latest = MAX_BIRTH_YEAR
    if not _is_int(value) or not MIN_BIRTH_YEAR <= value <= latest:
        raise _FieldError(
            f"{attribute.name} must be a year from {MIN_BIRTH_YEAR} to {latest}, got {value!r}"
        )


def _to_int(value: Any) -> Any:
    """Normalise numpy integers to ``int`` and leave anything else for the validator."""
    if _is_int(value):
        return int(value)
    return value


def _enum_converter(
    enum_cls: type[E], name: str, *, optional: bool = False
) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if value is None and optional:
            return None
        try:
            return enum_cls.parse(value)
        except InvalidInputError:
            choices = ", ".join(f"{m.value!r}/{m.label!r}" for m in enum_cls)
            raise _FieldError(f"{name} must be one of {choices}, got {value!r}") from None

    return convert


def _str_set(name: str, *, optional: bool = False) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if value is None and optional:
            return None
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise _FieldError(f"{name} must be a collection of strings, got {value!r}")
        items = tuple(value)
        for item in items:
            problem = _id_problem(item)
            if problem is not None:
                raise _FieldError(
                    f"{name} must hold {problem.replace('a non-empty string', 'non-empty strings')}"
                    f", got {item!r}"
                )
        return frozenset(items)

    return convert


def _enum_set(enum_cls: type[E], name: str) -> Callable[[Any], Any]:
    one = _enum_converter(enum_cls, name)

    def convert(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str) or not isinstance(value, Iterable):
            value = (value,)
        return frozenset(one(v) for v in value)

    return convert


def _levels(name: str) -> Callable[[Any], FrozenDict[str, float]]:
    def convert(value: Any) -> FrozenDict[str, float]:
        if not isinstance(value, Mapping):
            raise _FieldError(f"{name} must be a mapping of name to level, got {value!r}")
        out: dict[str, float] = {}
        for key, level in value.items():
            problem = _id_problem(key)
            if problem is not None:
                raise _FieldError(f"{name} keys must be {problem}, got {key!r}")
            if type(level) is not float and (
                isinstance(level, bool) or not isinstance(level, numbers.Real)
            ):
                raise _FieldError(f"{name}[{key!r}] must be a number in [0, 1], got {level!r}")
            number = float(level)
            if math.isnan(number) or not 0.0 <= number <= 1.0:
                raise _FieldError(f"{name}[{key!r}] must be in [0, 1], got {level!r}")
            out[key] = number
        return FrozenDict(out)

    return convert


_C_TO_RANK = _enum_converter(Rank, "rank")
_C_TO_MIN_RANK = _enum_converter(Rank, "min_rank", optional=True)
_C_TO_LINE = _enum_converter(Line, "line", optional=True)
_C_TO_ROLE = _enum_converter(MentorRole, "role")
_C_TO_COHORTS = _enum_set(Cohort, "cohorts")
_C_TO_RANKS = _enum_set(Rank, "ranks")
_C_TO_LINES = _enum_set(Line, "lines")
_C_TO_INDUSTRIES = _str_set("industries")
_C_TO_UNITS = _str_set("units", optional=True)
_C_TO_COMPETENCIES = _levels("competencies")
_C_TO_REQUIREMENTS = _levels("requirements")


# Converters are built once; attrs needs named functions, which call them.
def _to_rank(value: Any) -> Rank:
    return _C_TO_RANK(value)  # type: ignore[no-any-return]


def _to_min_rank(value: Any) -> Rank | None:
    return _C_TO_MIN_RANK(value)  # type: ignore[no-any-return]


def _to_line(value: Any) -> Line | None:
    return _C_TO_LINE(value)  # type: ignore[no-any-return]


def _to_role(value: Any) -> MentorRole:
    return _C_TO_ROLE(value)  # type: ignore[no-any-return]


def _to_cohorts(value: Any) -> frozenset[Cohort] | None:
    return _C_TO_COHORTS(value)  # type: ignore[no-any-return]


def _to_ranks(value: Any) -> frozenset[Rank] | None:
    return _C_TO_RANKS(value)  # type: ignore[no-any-return]


def _to_lines(value: Any) -> frozenset[Line] | None:
    return _C_TO_LINES(value)  # type: ignore[no-any-return]


def _to_industries(value: Any) -> frozenset[str]:
    return _C_TO_INDUSTRIES(value)  # type: ignore[no-any-return]


def _to_units(value: Any) -> frozenset[str] | None:
    return _C_TO_UNITS(value)  # type: ignore[no-any-return]


def _to_competencies(value: Any) -> FrozenDict[str, float]:
    return _C_TO_COMPETENCIES(value)


def _to_requirements(value: Any) -> FrozenDict[str, float]:
    return _C_TO_REQUIREMENTS(value)


# --------------------------------------------------------------------------
# records


When = int | dt.date
"""A point in a history: a period index or year (an integer), or a date."""


def _check_when(_: object, attribute: Any, value: Any) -> None:
    if isinstance(value, dt.datetime) or not (_is_int(value) or isinstance(value, dt.date)):
        raise _FieldError(f"{attribute.name} must be an integer period or a date, got {value!r}")


def _check_end_after(instance: Any, _attribute: Any, value: Any) -> None:
    if value is None:
        return
    _check_when(instance, _attribute, value)
    start = instance.start
    if isinstance(value, dt.date) != isinstance(start, dt.date):
        raise _FieldError(f"end must be of the same kind as start ({start!r}), got {value!r}")
    if value < start:
        raise _FieldError(f"end must not be before start ({start!r}), got {value!r}")


@_named_errors
@frozen(kw_only=True)
class Posting:
    """One entry of a cadre's posting history.

    Parameters
    ----------
    post_id
        The post held.
    start, end
        First and last period held (integers) or first and last day (dates);
        ``end=None`` means ongoing. Rotation rules place integer periods on
        the problem's own period numbers (negative ones lie before the plan)
        and dates through the problem's calendar.
    unit
        The unit the post belongs to.
    program
        The program the posting was part of (rotation, secondment, ...).
    category
        The post's category (``"stationed"``, ``"frontline"``...), for rules
        that count placements of a category over a career.

    Examples
    --------
    >>> Posting(post_id="sz-office", start=2023, end=2024, program="rotation")
    Posting(post_id='sz-office', start=2023, end=2024, unit='', program='rotation', category='')
    >>> import datetime as dt
    >>> Posting(post_id="sz", start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)).end.year
    2024

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``category``, and dates for ``start`` and ``end``.
    """

    post_id: str = field(validator=_check_id)
    start: When = field(converter=_to_int, validator=_check_when)
    end: When | None = field(default=None, converter=_to_int, validator=_check_end_after)
    unit: str = field(default="", validator=_check_str)
    program: str = field(default="", validator=_check_str)
    category: str = field(default="", validator=_check_str)


@_named_errors
@frozen(kw_only=True)
class Mentorship:
    """One entry of a cadre's mentoring history: who mentored them, in what role, when.

    Examples
    --------
    >>> import datetime as dt
    >>> Mentorship(mentor_id="c007", role="growth", start=dt.date(2024, 3, 1)).end is None
    True

    .. versionadded:: 0.2
    """

    mentor_id: str = field(validator=_check_id)
    start: When = field(converter=_to_int, validator=_check_when)
    end: When | None = field(default=None, converter=_to_int, validator=_check_end_after)
    role: str = field(default="growth", validator=_check_id)


def _records_of(kind: type[T], name: str) -> Callable[[Any], tuple[T, ...]]:
    def convert(value: Any) -> tuple[T, ...]:
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise _FieldError(f"{name} must be a sequence of {kind.__name__}, got {value!r}")
        items = tuple(value)
        for item in items:
            if not isinstance(item, kind):
                raise _FieldError(f"{name} must hold {kind.__name__} records, got {item!r}")
        return items

    return convert


def _history(value: Any) -> tuple[Posting, ...]:
    return _records_of(Posting, "history")(value)


def _mentorships(value: Any) -> tuple[Mentorship, ...]:
    return _records_of(Mentorship, "mentorships")(value)


@_named_errors
@frozen(kw_only=True)
class Cadre:
    """A staff member (干部).

    Parameters
    ----------
    id
        Unique identifier.
    name
        Display name (Chinese names welcome).
    birth_year
        Year of birth, from 1930 to the current year.
    rank
        Rank tier; a :class:`Rank`, its English value or its Chinese label.
    unit
        Home unit (局办, 街道, 平台公司).
    line
        Work line, or ``None`` when the cadre is on none of them.
    industries
        Industry tracks the cadre knows.
    competencies
        Competency name to level in ``[0, 1]``.
    history
        Past postings (:class:`Posting`).
    mentorships
        Past and current mentors (:class:`Mentorship`).
    grid
        The grid the cadre belongs to, if any.
    gender
        Optional, used only when a team balance asks for it.
    joined_year
        The year the cadre joined the zone (for tenure rules), if known.
    rank_since
        The year the cadre reached the current rank, if known.

    Examples
    --------
    >>> c = Cadre(
    ...     id="c001",
    ...     name="李娜",
    ...     birth_year=1994,
    ...     rank="科级及以下",
    ...     unit="招商局",
    ...     line="investment",
    ...     industries={"ai"},
    ...     competencies={"communication": 0.7},
    ... )
    >>> c.rank, c.line.label
    (<Rank.SECTION: 'section'>, '招商引资')
    >>> c.cohort(as_of=2025)
    <Cohort.YOUNG: 'young'>

    .. versionadded:: 0.1
    """

    id: str = field(validator=_check_id)
    name: str = field(validator=_check_str)
    birth_year: int = field(converter=_to_int, validator=_check_year)
    rank: Rank = field(converter=_to_rank)
    unit: str = field(validator=_check_id)
    line: Line | None = field(default=None, converter=_to_line)
    industries: frozenset[str] = field(factory=frozenset, converter=_to_industries)
    competencies: FrozenDict[str, float] = field(factory=FrozenDict, converter=_to_competencies)
    history: tuple[Posting, ...] = field(default=(), converter=_history)
    mentorships: tuple[Mentorship, ...] = field(default=(), converter=_mentorships)
    grid: str | None = field(default=None, validator=_check_optional_str)
    gender: str | None = field(default=None, validator=_check_optional_str)
    joined_year: int | None = field(default=None, converter=_to_int, validator=_check_optional_year)
    rank_since: int | None = field(default=None, converter=_to_int, validator=_check_optional_year)

    def __attrs_post_init__(self) -> None:
        for name in ("joined_year", "rank_since"):
            year = getattr(self, name)
            if year is not None and year < self.birth_year:
                raise _FieldError(
                    f"{name} must not be before birth_year ({self.birth_year}), got {year!r}"
                )

    def cohort(self, *, as_of: int, bounds: tuple[int, int] = (35, 50)) -> Cohort:
        """Return the cadre's cohort in year ``as_of`` (see :func:`cohort_of`)."""
        return cohort_of(self.birth_year, as_of=as_of, bounds=bounds)


@_named_errors
@frozen(kw_only=True)
class Mentor:
    """A mentor (导师) who takes a bounded number of mentees.

    A mentor may also be a cadre; use the same ``id``.

    Parameters
    ----------
    id
        Unique identifier.
    unit
        The mentor's unit (cross-unit pairs break departmental silos).
    capacity
        Most mentees at once, ``>= 0``.
    role
        A :class:`MentorRole`.
    name
        Display name.
    industries, competencies
        As for :class:`Cadre`.
    birth_year
        Optional, for cohort-gap criteria.
    grid
        The grid the mentor leads or belongs to, if any.

    Examples
    --------
    >>> m = Mentor(id="m01", unit="经发局", capacity=16, role="网格导师")
    >>> m.role.label, m.capacity
    ('网格导师', 16)

    .. versionadded:: 0.1
    """

    id: str = field(validator=_check_id)
    unit: str = field(validator=_check_id)
    capacity: int = field(default=1, converter=_to_int, validator=_int_at_least(0))
    role: MentorRole = field(default=MentorRole.GRID, converter=_to_role)
    name: str = field(default="", validator=_check_str)
    industries: frozenset[str] = field(factory=frozenset, converter=_to_industries)
    competencies: FrozenDict[str, float] = field(factory=FrozenDict, converter=_to_competencies)
    birth_year: int | None = field(default=None, converter=_to_int, validator=_check_optional_year)
    grid: str | None = field(default=None, validator=_check_optional_str)


@_named_errors
@frozen(kw_only=True)
class Eligibility:
    """Who may take part in a program or hold a post.

    Every criterion left as ``None`` admits everyone; the criteria given must
    all hold.

    Parameters
    ----------
    cohorts
        Admitted cohorts (needs ``as_of`` when checking).
    born_after
        Earliest admitted birth year, inclusive: post-90s (90后) is ``1990``.
    min_rank
        Lowest admitted :class:`Rank`.
    ranks
        Admitted ranks.
    lines
        Admitted work lines.
    units
        Admitted home units.
    min_years_in_zone
        Whole years since the cadre joined the zone (``Cadre.joined_year``),
        at least; needs ``as_of``.
    min_years_in_rank
        Whole years at the current rank (``Cadre.rank_since``), at least;
        needs ``as_of``.

    Examples
    --------
    >>> post90s = Eligibility(born_after=1990)
    >>> c = Cadre(id="c1", name="王", birth_year=1988, rank="section", unit="u")
    >>> post90s.admits(c, as_of=2025)
    False
    >>> post90s.reasons(c, as_of=2025)
    ('born 1988, before 1990',)
    >>> import attrs
    >>> seasoned = Eligibility(min_years_in_zone=3)
    >>> seasoned.reasons(attrs.evolve(c, joined_year=2023), as_of=2025)
    ('2 years in the zone, 3 needed',)

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``min_years_in_zone`` and ``min_years_in_rank``.
    """

    cohorts: frozenset[Cohort] | None = field(default=None, converter=_to_cohorts)
    born_after: int | None = field(default=None, converter=_to_int, validator=_check_optional_year)
    min_rank: Rank | None = field(default=None, converter=_to_min_rank)
    ranks: frozenset[Rank] | None = field(default=None, converter=_to_ranks)
    lines: frozenset[Line] | None = field(default=None, converter=_to_lines)
    units: frozenset[str] | None = field(default=None, converter=_to_units)
    min_years_in_zone: int | None = field(
        default=None, converter=_to_int, validator=_optional_int_at_least(0)
    )
    min_years_in_rank: int | None = field(
        default=None, converter=_to_int, validator=_optional_int_at_least(0)
    )

    def reasons(
        self, cadre: Cadre, *, as_of: int | None = None, bounds: tuple[int, int] = (35, 50)
    ) -> tuple[str, ...]:
        """Return why ``cadre`` is not eligible; empty when eligible.

        Raises
        ------
        InvalidInputError
            If ``cohorts`` is set and ``as_of`` is not given.
        """
        if not isinstance(cadre, Cadre):
            raise InvalidInputError(f"Eligibility: expected a Cadre, got {cadre!r}")
        if as_of is not None:
            as_of = _check_year_arg(as_of, where="Eligibility", name="as_of")
        out: list[str] = []
        if self.cohorts is not None:
            if as_of is None:
                raise InvalidInputError("Eligibility: cohorts need as_of to be checked")
            cohort = cadre.cohort(as_of=as_of, bounds=bounds)
            if cohort not in self.cohorts:
                out.append(f"cohort {cohort.value} not admitted")
        if self.born_after is not None and cadre.birth_year < self.born_after:
            out.append(f"born {cadre.birth_year}, before {self.born_after}")
        if self.min_rank is not None and cadre.rank < self.min_rank:
            out.append(f"rank {cadre.rank.value} below {self.min_rank.value}")
        if self.ranks is not None and cadre.rank not in self.ranks:
            out.append(f"rank {cadre.rank.value} not admitted")
        if self.lines is not None and cadre.line not in self.lines:
            line = cadre.line.value if cadre.line is not None else "none"
            out.append(f"line {line} not admitted")
        if self.units is not None and cadre.unit not in self.units:
            out.append(f"unit {cadre.unit} not admitted")
        out.extend(self._tenure_reasons(cadre, as_of))
        return tuple(out)

    def _tenure_reasons(self, cadre: Cadre, as_of: int | None) -> list[str]:
        out: list[str] = []
        for need, since, what in (
            (self.min_years_in_zone, cadre.joined_year, "in the zone"),
            (self.min_years_in_rank, cadre.rank_since, "in rank"),
        ):
            if need is None:
                continue
            if as_of is None:
                raise InvalidInputError(f"Eligibility: years {what} need as_of to be checked")
            if since is None:
                out.append(f"years {what} unknown, {need} needed")
            elif as_of - since < need:
                out.append(f"{as_of - since} years {what}, {need} needed")
        return out

    def admits(
        self, cadre: Cadre, *, as_of: int | None = None, bounds: tuple[int, int] = (35, 50)
    ) -> bool:
        """Return whether ``cadre`` meets every criterion."""
        return not self.reasons(cadre, as_of=as_of, bounds=bounds)


@_named_errors
@frozen(kw_only=True)
class Post:
    """A post cadres can be placed in for some periods.

    Parameters
    ----------
    id
        Unique identifier.
    unit
        The unit (or partner region) the post belongs to.
    category
        A program-facing category such as ``"frontline"``, ``"host"``,
        ``"secondment"`` or ``"stationed"``.
    capacity
        Cadres the post takes per period, ``>= 0``.
    requirements
        Competency name to the minimum level the post expects.
    eligibility
        Who may hold the post.
    name
        Display name.
    location
        Where the post is (a city for stationed and secondment posts).

    Examples
    --------
    >>> p = Post(
    ...     id="sz",
    ...     unit="深圳驻点",
    ...     category="stationed",
    ...     capacity=2,
    ...     requirements={"communication": 0.6},
    ...     location="深圳",
    ... )
    >>> p.capacity, dict(p.requirements)
    (2, {'communication': 0.6})

    .. versionadded:: 0.1
    """

    id: str = field(validator=_check_id)
    unit: str = field(validator=_check_id)
    category: str = field(validator=_check_id)
    capacity: int = field(default=1, converter=_to_int, validator=_int_at_least(0))
    requirements: FrozenDict[str, float] = field(factory=FrozenDict, converter=_to_requirements)
    eligibility: Eligibility = field(factory=Eligibility)
    name: str = field(default="", validator=_check_str)
    location: str = field(default="", validator=_check_str)

    @eligibility.validator
    def _check_eligibility(self, _attribute: Any, value: Any) -> None:
        if not isinstance(value, Eligibility):
            raise _FieldError(f"eligibility must be an Eligibility, got {value!r}")


@_named_errors
@frozen(kw_only=True)
class Enterprise:
    """An enterprise a grid or team looks after.

    Parameters
    ----------
    id
        Unique identifier.
    name
        Display name.
    industry
        Industry track, used to split enterprises by industry.
    area
        Location key (a street, a park), used to split enterprises by area.

    Examples
    --------
    >>> Enterprise(id="e0001", name="甲公司", industry="ai", area="东区").area
    '东区'

    .. versionadded:: 0.1
    """

    id: str = field(validator=_check_id)
    name: str = field(default="", validator=_check_str)
    industry: str = field(default="", validator=_check_str)
    area: str = field(default="", validator=_check_str)
