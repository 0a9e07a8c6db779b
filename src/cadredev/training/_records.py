"""The training records: courses, sessions, plans, lecturers, attendance, quizzes, sites."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from attrs import field, frozen

from cadredev._frozendict import FrozenDict
from cadredev._validate import FieldError, id_problem, is_int, is_real, named_errors, text_problem
from cadredev._validate import id_field as _check_id
from cadredev._validate import text_field as _check_text
from cadredev.model import Cadre, Line

__all__ = [
    "FORMATS",
    "FORMAT_LABELS",
    "LECTURER_KINDS",
    "Attendance",
    "Booking",
    "Course",
    "CourseFormat",
    "LearningPlan",
    "Lecturer",
    "LecturerKind",
    "QuizResult",
    "Session",
    "Site",
    "Theme",
]

CourseFormat = Literal["lecture", "seminar", "site visit", "online"]
"""How a course is taught."""
FORMATS: tuple[CourseFormat, ...] = ("lecture", "seminar", "site visit", "online")
"""The course formats, in this order."""
FORMAT_LABELS: Mapping[str, str] = FrozenDict(
    {"lecture": "讲授式", "seminar": "研讨式", "site visit": "现场教学", "online": "线上课程"}
)
"""The Chinese label of each course format."""
LecturerKind = Literal["cadre", "expert"]
"""A lecturer is one of the zone's cadres (干部上讲台) or an outside expert (专家讲师团)."""
LECTURER_KINDS: tuple[LecturerKind, ...] = ("cadre", "expert")
"""The lecturer kinds."""

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _text(value: object, name: str, *, empty: bool = False) -> None:
    problem = text_problem(value, multiline=True) if empty else id_problem(value)
    if problem is not None:
        raise FieldError(f"{name} must be {problem}, got {value!r}")


def _check_month(_: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, str) or not _MONTH.match(value):
        raise FieldError(f"{attribute.name} must be a month label such as '2025-03', got {value!r}")


def _int_at_least(minimum: int, why: str = "") -> Callable[[object, Any, Any], None]:
    def check(_: object, attribute: Any, value: Any) -> None:
        if not is_int(value) or value < minimum:
            raise FieldError(
                f"{attribute.name} must be an integer >= {minimum}{why}, got {value!r}"
            )

    return check


def _positive(_: object, attribute: Any, value: Any) -> None:
    if not is_real(value) or value <= 0:
        raise FieldError(f"{attribute.name} must be a finite number > 0, got {value!r}")


def _to_float(value: Any) -> Any:
    return float(value) if is_real(value) else value


def _ids(name: str) -> Callable[[Any], frozenset[str]]:
    def convert(value: Any) -> frozenset[str]:
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise FieldError(f"{name} must be a collection of ids, got {value!r}")
        listed = tuple(value)
        for item in listed:
            _text(item, f"{name} item")
        return frozenset(listed)

    return convert


def _required_ids(value: Any) -> frozenset[str]:
    return _ids("required")(value)


def _electives_ids(value: Any) -> frozenset[str]:
    return _ids("electives")(value)


def _industries_ids(value: Any) -> frozenset[str]:
    return _ids("industries")(value)


def _topics_ids(value: Any) -> frozenset[str]:
    return _ids("topics")(value)


def _line(value: Any) -> Line | None:
    if value is None or isinstance(value, Line):
        return value
    try:
        return Line(value)
    except ValueError:
        known = ", ".join(line.value for line in Line)
        raise FieldError(f"line must be one of {known} (or its label), got {value!r}") from None


def _levels(value: Any) -> FrozenDict[str, float]:
    if not isinstance(value, Mapping):
        raise FieldError(f"competencies must be a mapping name -> level, got {value!r}")
    out: dict[str, float] = {}
    for key, level in value.items():
        _text(key, "competencies key")
        if not is_real(level) or not 0 <= level <= 1:
            raise FieldError(f"competencies[{key!r}] must be a number in [0, 1], got {level!r}")
        out[key] = float(level)
    return FrozenDict(out)


@named_errors
@frozen(kw_only=True)
class Course:
    """A course on a learning plan's menu.

    Parameters
    ----------
    id
        The course id.
    topic
        What it teaches: an industry (``"biomedicine"``) or a competency
        (``"investment"``); lecturers are qualified by it.
    title
        A readable title.
    line
        The work line it serves, if one (:class:`cadredev.Line`).
    format
        ``"lecture"`` (讲授式), ``"seminar"`` (研讨式), ``"site visit"``
        (现场教学) or ``"online"`` (线上课程).
    hours
        Teaching hours, > 0 (counted as training hours for attendees).

    Examples
    --------
    >>> from cadredev.training import Course
    >>> Course(id="k1", topic="biomedicine", format="seminar").hours
    2.0

    .. versionadded:: 0.3
    """

    id: str = field(validator=_check_id)
    topic: str = field(validator=_check_id)
    title: str = field(default="", validator=_check_text)
    line: Line | None = field(default=None, converter=_line)
    format: CourseFormat = field(default="lecture")
    hours: float = field(default=2.0, converter=_to_float, validator=_positive)

    @format.validator  # noqa: A003 - the issue's field name
    def _check_format(self, _attribute: Any, value: Any) -> None:
        if value not in FORMATS:
            raise FieldError(f"format must be one of {FORMATS}, got {value!r}")


def _check_date(instance: Any, _attribute: Any, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise FieldError(f"date must be a datetime.date or None, got {value!r}")
    if isinstance(instance.period, str) and value.strftime("%Y-%m") != instance.period:
        raise FieldError(f"date {value.isoformat()} is not in period {instance.period!r}")


def _lecturer_ids(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise FieldError(f"lecturers must be a collection of lecturer ids, got {value!r}")
    items = tuple(value)
    for item in items:
        _text(item, "lecturers item")
    if len(set(items)) != len(items):
        raise FieldError(f"lecturers must not repeat an id, got {items!r}")
    return tuple(sorted(items))


@named_errors
@frozen(kw_only=True)
class Session:
    """One session of a course: when, how many seats, how many lecturer turns.

    Parameters
    ----------
    id
        The session id.
    course
        The :class:`Course` taught.
    period
        The month, ``"2025-03"``.
    date
        The day, if fixed (within ``period``). Two sessions clash for a
        lecturer when they share a day, or share a month and one has no day.
    capacity
        Seats, >= 1: a session with no seats teaches no one and is rejected.
    slots
        Lecturer turns the session needs (a sharing session has several
        speakers), >= 1.
    lecturers
        Lecturers fixed in advance (at most ``slots``), kept by
        :func:`lecturer_rota` like pins.

    Examples
    --------
    >>> from cadredev.training import Course, Session
    >>> Session(id="s1", course=Course(id="k1", topic="ai"), period="2025-03", capacity=40).slots
    1
    >>> Session(id="s2", course=Course(id="k1", topic="ai"), period="2025-03", capacity=0)
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: Session 's2': capacity must be an integer >= 1 (a ...), got 0

    .. versionadded:: 0.3
    """

    id: str = field(validator=_check_id)
    course: Course = field()
    period: str = field(validator=_check_month)
    date: dt.date | None = field(default=None, validator=_check_date)
    capacity: int = field(default=30, validator=_int_at_least(1, " (a session without seats)"))
    slots: int = field(default=1, validator=_int_at_least(1))
    lecturers: tuple[str, ...] = field(default=(), converter=_lecturer_ids)

    @course.validator
    def _check_course(self, _attribute: Any, value: Any) -> None:
        if not isinstance(value, Course):
            raise FieldError(f"course must be a Course, got {value!r}")

    def __attrs_post_init__(self) -> None:
        if len(self.lecturers) > self.slots:
            msg = f"lecturers {list(self.lecturers)} are more than its {self.slots} slot(s)"
            raise FieldError(msg)


@named_errors
@frozen(kw_only=True)
class LearningPlan:
    """One month's learning plan (月学习计划): required courses and an elective menu.

    Parameters
    ----------
    id
        The plan id.
    period
        The month, ``"2025-03"``.
    required
        Course ids every cadre on the plan attends.
    electives
        Course ids on the menu (菜单式点选).
    picks
        Electives each cadre takes from the menu, >= 0.
    cadre_lecturers
        Whether the plan asks for cadres as lecturers (干部上讲台): the rota
        then prefers cadre lecturers for the plan's sessions.

    Examples
    --------
    >>> from cadredev.training import LearningPlan
    >>> LearningPlan(id="p03", period="2025-03", required={"k1"}, electives={"k2", "k3"}).picks
    1

    .. versionadded:: 0.3
    """

    id: str = field(validator=_check_id)
    period: str = field(validator=_check_month)
    required: frozenset[str] = field(factory=frozenset, converter=_required_ids)
    electives: frozenset[str] = field(factory=frozenset, converter=_electives_ids)
    picks: int = field(default=1, validator=_int_at_least(0))
    cadre_lecturers: bool = field(default=False)

    @electives.validator
    def _check_disjoint(self, _attribute: Any, value: frozenset[str]) -> None:
        both = sorted(value & self.required)
        if both:
            raise FieldError(f"courses {both} are both required and elective")

    @cadre_lecturers.validator
    def _check_flag(self, _attribute: Any, value: Any) -> None:
        if not isinstance(value, bool):
            raise FieldError(f"cadre_lecturers must be a bool, got {value!r}")

    @property
    def courses(self) -> frozenset[str]:
        """Every course on the plan, required or elective."""
        return self.required | self.electives


@named_errors
@frozen(kw_only=True)
class Lecturer:
    """A lecturer: one of the zone's cadres or an outside expert.

    Parameters
    ----------
    id
        The lecturer id (a cadre's id for a cadre lecturer).
    kind
        ``"cadre"`` (干部上讲台) or ``"expert"`` (专家讲师团).
    name
        A readable name.
    industries
        Industries the lecturer knows; a course whose topic is one of them is
        covered.
    competencies
        Competency levels in [0, 1]; a course whose topic is a competency at
        or above the rota's ``min_level`` is covered.
    max_turns
        The turn budget: the most sessions the lecturer gives, >= 0.

    Examples
    --------
    >>> from cadredev.training import Lecturer
    >>> Lecturer(id="e1", kind="expert", industries={"ai"}, max_turns=2).industries
    frozenset({'ai'})

    .. versionadded:: 0.3
    """

    id: str = field(validator=_check_id)
    kind: LecturerKind = field(default="cadre")
    name: str = field(default="", validator=_check_text)
    industries: frozenset[str] = field(factory=frozenset, converter=_industries_ids)
    competencies: FrozenDict[str, float] = field(factory=FrozenDict, converter=_levels)
    max_turns: int = field(default=3, validator=_int_at_least(0))

    @kind.validator
    def _check_kind(self, _attribute: Any, value: Any) -> None:
        if value not in LECTURER_KINDS:
            raise FieldError(f"kind must be one of {LECTURER_KINDS}, got {value!r}")

    def covers(self, topic: str, *, min_level: float = 0.6) -> bool:
        """Return whether the lecturer is qualified for *topic*.

        Examples
        --------
        >>> from cadredev.training import Lecturer
        >>> Lecturer(id="c1", competencies={"investment": 0.8}).covers("investment")
        True
        """
        return topic in self.industries or self.competencies.get(topic, 0.0) >= min_level

    @classmethod
    def from_cadre(cls, cadre: Cadre, *, max_turns: int = 3) -> Lecturer:
        """Return a cadre lecturer with the cadre's id, name, industries and competencies.

        Examples
        --------
        >>> from cadredev import Cadre
        >>> from cadredev.training import Lecturer
        >>> c = Cadre(
        ...     id="c1", name="王", birth_year=1990, rank="section", unit="u", industries={"ai"}
        ... )
        >>> lec = Lecturer.from_cadre(c, max_turns=2)
        >>> lec.kind, lec.name, lec.industries, lec.max_turns
        ('cadre', '王', frozenset({'ai'}), 2)
        """
        return cls(
            id=cadre.id,
            kind="cadre",
            name=cadre.name,
            industries=cadre.industries,
            competencies=cadre.competencies,
            max_turns=max_turns,
        )


def _check_flag(_: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, bool):
        raise FieldError(f"{attribute.name} must be a bool, got {value!r}")


def _optional_positive(_: object, attribute: Any, value: Any) -> None:
    if value is not None and (not is_real(value) or value < 0):
        raise FieldError(f"{attribute.name} must be None or a finite number >= 0, got {value!r}")


@named_errors
@frozen(kw_only=True)
class Attendance:
    """Whether a cadre enrolled on a session attended it.

    Parameters
    ----------
    cadre_id, session_id
        Who and which session.
    attended
        ``False`` records an absence (it counts against the attendance rate).
    hours
        Hours attended, if not the course's hours.

    Examples
    --------
    >>> from cadredev.training import Attendance
    >>> Attendance(cadre_id="c1", session_id="s1").attended
    True

    .. versionadded:: 0.3
    """

    cadre_id: str = field(validator=_check_id)
    session_id: str = field(validator=_check_id)
    attended: bool = field(default=True, validator=_check_flag)
    hours: float | None = field(default=None, converter=_to_float, validator=_optional_positive)


def _score(_: object, attribute: Any, value: Any) -> None:
    if not is_real(value) or not 0 <= value <= 100:
        raise FieldError(f"{attribute.name} must be a number in [0, 100], got {value!r}")


@named_errors
@frozen(kw_only=True)
class QuizResult:
    """A cadre's result in a quiz or exam (以考促学).

    Parameters
    ----------
    cadre_id
        Who took it.
    quiz
        The quiz id.
    period
        The month it was taken, ``"2025-03"``.
    score, pass_mark
        Points in [0, 100]; the quiz is passed at ``score >= pass_mark``.

    Examples
    --------
    >>> from cadredev.training import QuizResult
    >>> QuizResult(cadre_id="c1", quiz="q1", period="2025-03", score=72).passed
    True

    .. versionadded:: 0.3
    """

    cadre_id: str = field(validator=_check_id)
    quiz: str = field(validator=_check_id)
    period: str = field(validator=_check_month)
    score: float = field(converter=_to_float, validator=_score)
    pass_mark: float = field(default=60.0, converter=_to_float, validator=_score)

    @property
    def passed(self) -> bool:
        """Whether the score reaches the pass mark."""
        return bool(self.score >= self.pass_mark)


@named_errors
@frozen(kw_only=True)
class Site:
    """A teaching site (教学点) and the topics a visit there teaches.

    Parameters
    ----------
    id
        The site id.
    topics
        Topics the site teaches.
    name
        A readable name.
    capacity
        Visitors the site takes per day, >= 1.

    Examples
    --------
    >>> from cadredev.training import Site
    >>> Site(id="port", topics={"open cooperation"}, capacity=60).capacity
    60

    .. versionadded:: 0.3
    """

    id: str = field(validator=_check_id)
    topics: frozenset[str] = field(converter=_topics_ids)
    name: str = field(default="", validator=_check_text)
    capacity: int = field(default=50, validator=_int_at_least(1))


@named_errors
@frozen(kw_only=True)
class Theme:
    """A teaching theme (教学主题): the topics its route must cover.

    Examples
    --------
    >>> from cadredev.training import Theme
    >>> sorted(Theme(id="ecology", topics={"protected areas", "bays"}).topics)
    ['bays', 'protected areas']

    .. versionadded:: 0.3
    """

    id: str = field(validator=_check_id)
    topics: frozenset[str] = field(converter=_topics_ids)
    name: str = field(default="", validator=_check_text)

    @topics.validator
    def _check_topics(self, _attribute: Any, value: frozenset[str]) -> None:
        if not value:
            raise FieldError("topics must name at least one topic, got an empty set")


def _check_day(_: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise FieldError(f"{attribute.name} must be a datetime.date, got {value!r}")


@named_errors
@frozen(kw_only=True)
class Booking:
    """A cohort of trainees that follows a theme's route on one day.

    Examples
    --------
    >>> import datetime as dt
    >>> from cadredev.training import Booking
    >>> Booking(id="v1", theme="ecology", size=40, day=dt.date(2025, 5, 8)).size
    40

    .. versionadded:: 0.3
    """

    id: str = field(validator=_check_id)
    theme: str = field(validator=_check_id)
    size: int = field(validator=_int_at_least(1))
    day: dt.date = field(validator=_check_day)
