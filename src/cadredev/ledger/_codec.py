"""Event types by name, and events to stored rows and back."""

from __future__ import annotations

import json
import typing
from typing import Any

import attrs

from cadredev import events as ev
from cadredev._validate import named_errors
from cadredev.errors import InvalidInputError
from cadredev.io import register
from cadredev.io._convert import to_json_text
from cadredev.io._json import _structure

from ._scheme import SchemeAdopted

__all__ = ["Row", "decode", "encode", "event_type", "register_event"]

_BUILTIN: tuple[type[ev.Event], ...] = (
    ev.Assessed,
    ev.Attended,
    ev.Completed,
    ev.Enrolled,
    ev.Exempted,
    ev.Feedback,
    ev.Goal,
    ev.GoalReached,
    ev.GradeOverride,
    ev.Lectured,
    ev.Left,
    ev.Meeting,
    ev.MentorshipEnded,
    ev.MentorshipStarted,
    ev.PlacementEnded,
    ev.Placed,
    ev.PostClosed,
    ev.Promoted,
    ev.Retracted,
    ev.Withdrawn,
    SchemeAdopted,
    ev.EnterpriseVisited,
    ev.CaseOpened,
    ev.CaseStepped,
    ev.Demoted,
)
_TYPES: dict[str, type[ev.Event]] = {cls.__name__: cls for cls in _BUILTIN}

AUTO_PREFIX = "ev-"


def register_event(cls: type[ev.Event]) -> type[ev.Event]:
    """Make an event type of your own storable in a ledger (usable as a class decorator).

    The class must subclass :class:`~cadredev.events.Event` and be an attrs
    class whose fields cadredev's JSON converter can write (text, numbers,
    dates, records). Its ``subject_fields`` class attribute names the fields
    holding the ids of the people it is about, so :meth:`Ledger.history`
    finds it. A bad value in the fields every event has (``at``,
    ``recorded_by`` ...) is then an :class:`~cadredev.InvalidInputError`
    naming the class.

    Raises
    ------
    InvalidInputError
        If ``cls`` is not an attrs subclass of ``Event``, or its name is taken
        by another class.

    Examples
    --------
    >>> import attrs, datetime as dt
    >>> from cadredev.events import Event
    >>> from cadredev.ledger import Ledger, register_event
    >>> @register_event
    ... @attrs.frozen(kw_only=True)
    ... class SiteVisit(Event):
    ...     cadre_id: str
    ...     site: str
    ...     subject_fields = ("cadre_id",)  # a class attribute, not a field
    >>> ledger = Ledger()
    >>> ledger.append(
    ...     SiteVisit(at=dt.date(2025, 4, 2), recorded_by="hr", cadre_id="c1", site="某企业")
    ... )
    'ev-000000001'
    >>> ledger.history("c1")[0].site
    '某企业'

    .. versionadded:: 0.2
    """
    if not (isinstance(cls, type) and issubclass(cls, ev.Event) and attrs.has(cls)):
        raise InvalidInputError(f"register_event: expected an attrs subclass of Event, got {cls!r}")
    known = _TYPES.get(cls.__name__)
    if known is not None and known is not cls:
        raise InvalidInputError(
            f"register_event: an event type named {cls.__name__!r} is registered already"
        )
    event_cls = typing.cast("type[ev.Event]", cls)
    if not hasattr(event_cls.__init__, "__wrapped__"):  # the base's checks then name the class
        named_errors(event_cls)
    _TYPES[event_cls.__name__] = event_cls
    register(event_cls)
    return event_cls


def event_type(kind: str) -> type[ev.Event]:
    """Return the event class stored under ``kind``."""
    try:
        return _TYPES[kind]
    except KeyError:
        raise InvalidInputError(
            f"the ledger holds events of kind {kind!r}, which this process does not know; "
            "register the class with cadredev.ledger.register_event"
        ) from None


@attrs.frozen
class Row:
    """One event as stored: its columns and its JSON body."""

    id: str | None
    kind: str
    at: str
    subject: str | None
    other: str | None
    recorded_by: str
    supersedes: str | None
    data: str


def encode(event: ev.Event) -> Row:
    """Return the stored form of ``event`` (checked to be a registered type)."""
    kind = type(event).__name__
    if _TYPES.get(kind) is not type(event):
        raise InvalidInputError(
            f"{kind}: not a registered event type; subclass Event and use register_event"
        )
    subjects = event.subjects
    return Row(
        id=event.id,
        kind=kind,
        at=event.at.isoformat(),
        subject=subjects[0] if subjects else None,
        other=subjects[1] if len(subjects) > 1 else None,
        recorded_by=event.recorded_by,
        supersedes=event.supersedes,
        data=to_json_text(event),
    )


def decode(kind: str, data: str, event_id: str) -> ev.Event:
    """Rebuild an event from its stored form, with its id."""
    cls = event_type(kind)
    body: dict[str, Any] = json.loads(data)
    body["id"] = event_id  # stored in its own column (and null in the body until then)
    event: ev.Event = _structure(cls, body, f"ledger event {event_id}")
    return event


def auto_id(seq: int) -> str:
    """Return the id the ledger gives the event stored at ``seq``."""
    return f"{AUTO_PREFIX}{seq:09d}"


def seq_of_auto_id(event_id: str) -> int | None:
    """Return the sequence number an automatic id names, or None for another id."""
    digits = event_id[len(AUTO_PREFIX) :]
    if event_id.startswith(AUTO_PREFIX) and digits.isdigit():
        return int(digits)
    return None
