"""What happens in a programme, as typed, frozen events.

Every event says when it happened (``at``, a :class:`datetime.date`), who
recorded it (``recorded_by``) and, optionally, why (``reason``). Events are
facts: they are never edited. A correction is a new event whose
``supersedes`` names the id of the one it replaces; :class:`Retracted`
withdraws one without a replacement.

The events live below the capabilities, so rotation's ``replan`` and
scoring's ``score(overrides=...)`` take them as input; :mod:`cadredev.ledger`
keeps them in memory or in a database. Define your own event types by
subclassing :class:`Event` (a frozen, keyword-only attrs class) and
registering them with :func:`cadredev.ledger.register_event`.

Examples
--------
>>> import datetime as dt
>>> from cadredev.events import MentorshipStarted, Meeting
>>> start = MentorshipStarted(
...     at=dt.date(2025, 3, 1), recorded_by="组织部", mentee_id="c101", mentor_id="c007"
... )
>>> start.subjects
('c101', 'c007')
>>> Meeting(
...     at=dt.date(2025, 3, 8), recorded_by="c007", mentee_id="c101", mentor_id="c007", minutes=45
... ).kind
'Meeting'

.. versionadded:: 0.2
"""

from __future__ import annotations

import datetime as dt
import operator
from typing import Any, ClassVar, Literal

from attrs import field, frozen

from ._validate import FieldError, is_int, is_real, named_errors
from ._validate import id_field as _check_id
from ._validate import text_field as _check_text

__all__ = [
    "Assessed",
    "Attended",
    "CaseOpened",
    "CaseStepped",
    "Completed",
    "Demoted",
    "Enrolled",
    "EnterpriseVisited",
    "Event",
    "Exempted",
    "Feedback",
    "Goal",
    "GoalReached",
    "GradeOverride",
    "Lectured",
    "Left",
    "Meeting",
    "MentorshipEnded",
    "MentorshipStarted",
    "Placed",
    "PlacementEnded",
    "PostClosed",
    "Promoted",
    "Retracted",
    "Withdrawn",
]


def _check_date(_: object, attribute: Any, value: Any) -> None:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise FieldError(f"{attribute.name} must be a datetime.date, got {value!r}")


def _check_optional_date(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _check_date(instance, attribute, value)


def _check_optional_id(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _check_id(instance, attribute, value)


_GETTERS: dict[tuple[str, ...], Any] = {}


@named_errors
@frozen(kw_only=True)
class Event:
    """The base of every programme event.

    Parameters
    ----------
    at
        The day it happened.
    recorded_by
        Who recorded or decided it (a person's id or an office).
    reason
        Why, in words; required by some events (overrides, withdrawals).
    id
        A stable id. Leave it ``None`` and the ledger assigns one
        (``"ev-000000001"``...); give your own to refer to an event from
        another system (it must not start with ``"ev-"``).
    supersedes
        The id of an earlier event this one corrects; the earlier one is then
        no longer in force.

    .. versionadded:: 0.2
    """

    at: dt.date = field(validator=_check_date)
    recorded_by: str = field(validator=_check_id)
    reason: str = field(default="", validator=_check_text)
    id: str | None = field(default=None, validator=_check_optional_id)
    supersedes: str | None = field(default=None, validator=_check_optional_id)

    subject_fields: ClassVar[tuple[str, ...]] = ()
    """The fields naming the people an event is about, first the main one."""

    @property
    def kind(self) -> str:
        """The event's type name, as stored."""
        return type(self).__name__

    @property
    def subjects(self) -> tuple[str, ...]:
        """The ids of the people this event is about (cadres, mentors)."""
        fields = self.subject_fields
        if not fields:
            return ()
        getter = _GETTERS.get(fields)
        if getter is None:
            getter = _GETTERS[fields] = operator.attrgetter(*fields)
        found = getter(self)
        return (found,) if len(fields) == 1 else found


# ----------------------------------------------------------------- people


@named_errors
@frozen(kw_only=True)
class Left(Event):
    """A cadre left the zone (transfer, retirement); later plans leave them out."""

    cadre_id: str = field(validator=_check_id)
    subject_fields: ClassVar[tuple[str, ...]] = ("cadre_id",)


@named_errors
@frozen(kw_only=True)
class Promoted(Event):
    """A cadre was promoted to a rank (and possibly a post)."""

    cadre_id: str = field(validator=_check_id)
    rank: str = field(validator=_check_id)
    post_id: str | None = field(default=None, validator=_check_optional_id)
    subject_fields: ClassVar[tuple[str, ...]] = ("cadre_id",)


# -------------------------------------------------------------- enrolment


@named_errors
@frozen(kw_only=True)
class Enrolled(Event):
    """A cadre was enrolled in a programme (shadowing, training, contest ...)."""

    cadre_id: str = field(validator=_check_id)
    programme: str = field(validator=_check_id)
    subject_fields: ClassVar[tuple[str, ...]] = ("cadre_id",)


@named_errors
@frozen(kw_only=True)
class Completed(Event):
    """A cadre completed a programme they were enrolled in."""

    cadre_id: str = field(validator=_check_id)
    programme: str = field(validator=_check_id)
    subject_fields: ClassVar[tuple[str, ...]] = ("cadre_id",)


@named_errors
@frozen(kw_only=True)
class Withdrawn(Event):
    """A cadre withdrew, or was withdrawn, from a programme before completing it."""

    cadre_id: str = field(validator=_check_id)
    programme: str = field(validator=_check_id)
    subject_fields: ClassVar[tuple[str, ...]] = ("cadre_id",)


# -------------------------------------------------------------- placement


@named_errors
@frozen(kw_only=True)
class Placed(Event):
    """A cadre took up a post (a rotation, a secondment, a frontline posting).

    ``until`` is the planned last day, if known; :class:`PlacementEnded`
    records the actual end.
    """

    cadre_id: str = field(validator=_check_id)
    post_id: str = field(validator=_check_id)
    programme: str = field(default="", validator=_check_text)
    unit: str = field(default="", validator=_check_text)
    category: str = field(default="", validator=_check_text)
    until: dt.date | None = field(default=None, validator=_check_optional_date)
    subject_fields: ClassVar[tuple[str, ...]] = ("cadre_id",)

    @until.validator
    def _check_until(self, _attribute: object, value: dt.date | None) -> None:
        if value is not None and value < self.at:
            raise FieldError(f"until must not be before at ({self.at}), got {value}")


@named_errors
@frozen(kw_only=True)
class PlacementEnded(Event):
    """A placement ended (as planned or early); ``at`` is its last day."""

    cadre_id: str = field(validator=_check_id)
    post_id: str = field(validator=_check_id)
    subject_fields: ClassVar[tuple[str, ...]] = ("cadre_id",)


@named_errors
@frozen(kw_only=True)
class PostClosed(Event):
    """A post closed: no placement may start in it from ``at`` on."""

    post_id: str = field(validator=_check_id)


# -------------------------------------------------------------- mentoring


@named_errors
@frozen(kw_only=True)
class MentorshipStarted(Event):
    """A mentoring relationship began (导师帮带)."""

    mentee_id: str = field(validator=_check_id)
    mentor_id: str = field(validator=_check_id)
    role: str = field(default="growth", validator=_check_id)
    subject_fields: ClassVar[tuple[str, ...]] = ("mentee_id", "mentor_id")


@named_errors
@frozen(kw_only=True)
class MentorshipEnded(Event):
    """A mentoring relationship ended."""

    mentee_id: str = field(validator=_check_id)
    mentor_id: str = field(validator=_check_id)
    subject_fields: ClassVar[tuple[str, ...]] = ("mentee_id", "mentor_id")


@named_errors
@frozen(kw_only=True)
class Meeting(Event):
    """A mentor and mentee met."""

    mentee_id: str = field(validator=_check_id)
    mentor_id: str = field(validator=_check_id)
    minutes: int = field(default=0)
    notes: str = field(default="", validator=_check_text)
    subject_fields: ClassVar[tuple[str, ...]] = ("mentee_id", "mentor_id")

    @minutes.validator
    def _check_minutes(self, _attribute: object, value: object) -> None:
        if not is_int(value) or value < 0:  # type: ignore[operator]
            raise FieldError(f"minutes must be an integer >= 0, got {value!r}")


@named_errors
@frozen(kw_only=True)
class Goal(Event):
    """A development goal agreed between mentor and mentee."""

    mentee_id: str = field(validator=_check_id)
    mentor_id: str = field(validator=_check_id)
    goal_id: str = field(validator=_check_id)
    text: str = field(default="", validator=_check_text)
    subject_fields: ClassVar[tuple[str, ...]] = ("mentee_id", "mentor_id")


@named_errors
@frozen(kw_only=True)
class GoalReached(Event):
    """A goal set in a :class:`Goal` event was reached."""

    mentee_id: str = field(validator=_check_id)
    mentor_id: str = field(validator=_check_id)
    goal_id: str = field(validator=_check_id)
    subject_fields: ClassVar[tuple[str, ...]] = ("mentee_id", "mentor_id")


@named_errors
@frozen(kw_only=True)
class Feedback(Event):
    """Mid- or end-of-programme feedback from one side of a mentorship, rated 1 to 5."""

    mentee_id: str = field(validator=_check_id)
    mentor_id: str = field(validator=_check_id)
    by: Literal["mentee", "mentor"] = field()
    rating: int = field()
    text: str = field(default="", validator=_check_text)
    stage: Literal["mid", "end", "other"] = field(default="other")
    subject_fields: ClassVar[tuple[str, ...]] = ("mentee_id", "mentor_id")

    @by.validator
    def _check_by(self, _attribute: object, value: object) -> None:
        if value not in ("mentee", "mentor"):
            raise FieldError(f"by must be 'mentee' or 'mentor', got {value!r}")

    @rating.validator
    def _check_rating(self, _attribute: object, value: object) -> None:
        if not is_int(value) or not 1 <= value <= 5:  # type: ignore[operator]
            raise FieldError(f"rating must be an integer from 1 to 5, got {value!r}")

    @stage.validator
    def _check_stage(self, _attribute: object, value: object) -> None:
        if value not in ("mid", "end", "other"):
            raise FieldError(f"stage must be 'mid', 'end' or 'other', got {value!r}")


# ------------------------------------------------------------- assessment


@named_errors
@frozen(kw_only=True)
class Assessed(Event):
    """A period's assessment of one cadre: total score and grade."""

    cadre_id: str = field(validator=_check_id)
    period: str = field(validator=_check_id)
    total: float = field()
    grade: str = field(validator=_check_id)
    scheme: str = field(default="", validator=_check_text)
    subject_fields: ClassVar[tuple[str, ...]] = ("cadre_id",)

    @total.validator
    def _check_total(self, _attribute: object, value: object) -> None:
        if not is_real(value):
            raise FieldError(f"total must be a finite number, got {value!r}")


@named_errors
@frozen(kw_only=True)
class Exempted(Event):
    """An approved fault-tolerance exemption (容错免责) for one period's indicator or penalty."""

    cadre_id: str = field(validator=_check_id)
    period: str = field(validator=_check_id)
    target: str = field(validator=_check_id)
    approved_by: str = field(validator=_check_id)
    policy: Literal["waive", "mitigate"] = field(default="waive")
    factor: float = field(default=0.0)
    subject_fields: ClassVar[tuple[str, ...]] = ("cadre_id",)

    @policy.validator
    def _check_policy(self, _attribute: object, value: object) -> None:
        if value not in ("waive", "mitigate"):
            raise FieldError(f"policy must be 'waive' or 'mitigate', got {value!r}")

    @factor.validator
    def _check_factor(self, _attribute: object, value: object) -> None:
        if not is_real(value) or not 0.0 <= float(value) <= 1.0:  # type: ignore[arg-type]
            raise FieldError(f"factor must be a number in [0, 1], got {value!r}")


@named_errors
@frozen(kw_only=True)
class GradeOverride(Event):
    """A calibrated grade: one cadre's grade for a period changed by a named approver.

    Scoring applies overrides after grading, as an audited overlay; the
    reason is required.
    """

    cadre_id: str = field(validator=_check_id)
    period: str = field(validator=_check_id)
    from_grade: str = field(validator=_check_id)
    to_grade: str = field(validator=_check_id)
    approved_by: str = field(validator=_check_id)
    subject_fields: ClassVar[tuple[str, ...]] = ("cadre_id",)

    def __attrs_post_init__(self) -> None:
        if not self.reason.strip():
            raise FieldError("reason must say why the grade was changed")
        if self.from_grade == self.to_grade:
            raise FieldError(f"to_grade must differ from from_grade ({self.from_grade!r})")


@named_errors
@frozen(kw_only=True)
class Retracted(Event):
    """Withdraws the event named by ``supersedes`` without a replacement."""

    def __attrs_post_init__(self) -> None:
        if self.supersedes is None:
            raise FieldError("supersedes must name the event to retract")


# ------------------------------------------------------- enterprise service


@named_errors
@frozen(kw_only=True)
class EnterpriseVisited(Event):
    """A grid cadre visited an enterprise (走访); :mod:`cadredev.service` counts them."""

    cadre_id: str = field(validator=_check_id)
    enterprise_id: str = field(validator=_check_id)
    grid: str = field(validator=_check_id)
    subject_fields: ClassVar[tuple[str, ...]] = ("cadre_id",)


@named_errors
@frozen(kw_only=True)
class CaseOpened(Event):
    """A service case was opened for an enterprise's demand (a visit or a whistle-blower).

    ``cadre_id`` is the grid cadre answerable for the case (包联干部);
    ``source`` is ``"visit"`` (走访) or ``"whistle"`` (吹哨人 risk warning).
    """

    case_id: str = field(validator=_check_id)
    cadre_id: str = field(validator=_check_id)
    enterprise_id: str = field(validator=_check_id)
    grid: str = field(validator=_check_id)
    source: str = field(default="visit", validator=_check_id)
    category: str = field(default="", validator=_check_text)
    due: dt.date | None = field(default=None, validator=_check_optional_date)
    subject_fields: ClassVar[tuple[str, ...]] = ("cadre_id",)


@named_errors
@frozen(kw_only=True)
class CaseStepped(Event):
    """A service case took one step of the loop (collect, register, escalate, close ...).

    ``step`` is the event's name in :mod:`cadredev.service`; ``owner`` and
    ``level`` say who holds the case afterwards (level 1 a grid, 2 a unit, 3 a
    leader); empty and 0 keep the current owner. ``due`` is the deadline of
    the state the case is in afterwards, if any.
    """

    case_id: str = field(validator=_check_id)
    step: str = field(validator=_check_id)
    owner: str = field(default="", validator=_check_text)
    level: int = field(default=0)
    due: dt.date | None = field(default=None, validator=_check_optional_date)

    @level.validator
    def _check_level(self, _attribute: object, value: object) -> None:
        if not is_int(value) or not 0 <= value <= 3:  # type: ignore[operator]
            raise FieldError(f"level must be an integer from 0 to 3, got {value!r}")


# -------------------------------------------------------------- selection


@named_errors
@frozen(kw_only=True)
class Demoted(Event):
    """A cadre stepped down (庸者下): to a lower rank, or from a post when ``rank`` is None.

    .. versionadded:: 0.3
    """

    cadre_id: str = field(validator=_check_id)
    rank: str | None = field(default=None, validator=_check_optional_id)
    post_id: str | None = field(default=None, validator=_check_optional_id)
    subject_fields: ClassVar[tuple[str, ...]] = ("cadre_id",)


# --------------------------------------------------------------- training


def _check_flag(_: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, bool):
        raise FieldError(f"{attribute.name} must be a bool, got {value!r}")


def _check_hours(_: object, attribute: Any, value: Any) -> None:
    if value is not None and (not is_real(value) or value < 0):
        raise FieldError(f"{attribute.name} must be None or a finite number >= 0, got {value!r}")


@named_errors
@frozen(kw_only=True)
class Attended(Event):
    """A cadre attended a training session, or was recorded absent (``attended=False``).

    ``hours`` are the hours attended when not the course's.
    :func:`cadredev.training.training_records` reads these events as it
    reads :class:`cadredev.training.Attendance` records.

    .. versionadded:: 0.3
    """

    cadre_id: str = field(validator=_check_id)
    session_id: str = field(validator=_check_id)
    attended: bool = field(default=True, validator=_check_flag)
    hours: float | None = field(default=None, validator=_check_hours)
    subject_fields: ClassVar[tuple[str, ...]] = ("cadre_id",)


@named_errors
@frozen(kw_only=True)
class Lectured(Event):
    """A lecturer gave a turn in a training session (干部上讲台).

    .. versionadded:: 0.3
    """

    lecturer_id: str = field(validator=_check_id)
    session_id: str = field(validator=_check_id)
    subject_fields: ClassVar[tuple[str, ...]] = ("lecturer_id",)
