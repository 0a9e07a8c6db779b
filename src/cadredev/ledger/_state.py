"""What is in force after the events so far, and the checks a new event must pass.

The state follows the relationships the events open and close (enrolments,
placements, mentorships, goals, departures) so that a new event can be checked
against them: a mentorship cannot start twice, a placement cannot end before
it began, nothing happens to a cadre after they left. Each change is logged so
that a batch that fails half way is undone whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from cadredev import events as ev
from cadredev.errors import InvalidInputError

from ._scheme import SchemeAdopted

__all__ = ["STATEFUL", "Roster", "State"]

STATEFUL: frozenset[str] = frozenset(
    {
        "Enrolled",
        "Completed",
        "Withdrawn",
        "Placed",
        "PlacementEnded",
        "PostClosed",
        "MentorshipStarted",
        "MentorshipEnded",
        "Goal",
        "Left",
        "SchemeAdopted",
    }
)
"""Event kinds that open or close something later events are checked against."""


class Roster:
    """The ids a ledger accepts: the people, programmes and posts of a zone."""

    def __init__(
        self,
        people: Iterable[str] = (),
        programmes: Iterable[str] = (),
        posts: Iterable[str] = (),
    ) -> None:
        self.people = frozenset(people)
        self.programmes = frozenset(programmes)
        self.posts = frozenset(posts)

    @classmethod
    def of_zone(cls, zone: Any) -> Roster:
        """Return the roster of a :class:`~cadredev.datasets.Zone`."""
        return cls(
            people=[c.id for c in zone.cadres] + [m.id for m in zone.mentors],
            programmes=[p.name for p in zone.programs],
            posts=[p.id for p in zone.posts],
        )


def _where(event: ev.Event) -> str:
    name = event.id or "new event"
    return f"{event.kind} ({name}, {event.at.isoformat()})"


class State:
    """The open relationships after the events applied so far."""

    def __init__(self, roster: Roster | None = None) -> None:
        self.roster = roster
        self.enrolled: dict[tuple[str, str], dt.date] = {}
        self.placed: dict[str, tuple[str, dt.date]] = {}
        self.closed: dict[str, dt.date] = {}
        self.mentoring: dict[tuple[str, str], dt.date] = {}
        self.ever_mentored: dict[tuple[str, str], dt.date] = {}
        self.goals: set[tuple[str, str, str]] = set()
        self.left: dict[str, dt.date] = {}
        self.schemes: list[tuple[dt.date, SchemeAdopted]] = []
        self._undo: list[Callable[[], None]] = []

    # ----------------------------------------------------------- journal
    def mark(self) -> int:
        """Return a point to :meth:`undo` back to."""
        return len(self._undo)

    def undo(self, mark: int) -> None:
        """Undo every change made since ``mark``."""
        while len(self._undo) > mark:
            self._undo.pop()()

    def forget(self) -> None:
        """Drop the journal: the changes so far are final."""
        self._undo.clear()

    def _set(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        had = key in table
        old = table.get(key)
        table[key] = value
        if had:
            self._undo.append(lambda: table.__setitem__(key, old))
        else:
            self._undo.append(lambda: table.pop(key, None))

    def _pop(self, table: dict[Any, Any], key: Any) -> None:
        old = table.pop(key)
        self._undo.append(lambda: table.__setitem__(key, old))

    # ------------------------------------------------------------ checks
    def apply(self, event: ev.Event, *, stored: bool = False) -> None:
        """Check ``event`` against what is in force, then record its effect.

        ``stored=True`` replays an event that is in the ledger already: the
        roster and departure checks are skipped (it is a fact), the others
        still decide whether the state can follow it.

        Raises
        ------
        InvalidInputError
            Naming the event and what it contradicts.
        """
        if not stored:
            self._check_ids(event)
            self._check_not_left(event)
        handler = _HANDLERS.get(event.kind)
        if handler is not None:
            handler(self, event)

    def _check_ids(self, event: ev.Event) -> None:
        roster = self.roster
        if roster is None:
            return
        for person in event.subjects:
            if person not in roster.people:
                raise InvalidInputError(f"{_where(event)}: unknown cadre or mentor {person!r}")
        programme = getattr(event, "programme", "")
        if (
            isinstance(event, ev.Enrolled | ev.Completed | ev.Withdrawn)
            and programme not in roster.programmes
        ):
            raise InvalidInputError(f"{_where(event)}: unknown programme {programme!r}")
        post = getattr(event, "post_id", None)
        if post is not None and roster.posts and post not in roster.posts:
            raise InvalidInputError(f"{_where(event)}: unknown post {post!r}")

    def _check_not_left(self, event: ev.Event) -> None:
        for person in event.subjects:
            gone = self.left.get(person)
            if gone is not None and event.at > gone:
                raise InvalidInputError(f"{_where(event)}: {person!r} left on {gone.isoformat()}")

    def _enrolled(self, event: Any) -> None:
        key = (event.cadre_id, event.programme)
        if key in self.enrolled:
            raise InvalidInputError(
                f"{_where(event)}: {event.cadre_id!r} is enrolled in {event.programme!r} "
                f"already (since {self.enrolled[key].isoformat()})"
            )
        self._set(self.enrolled, key, event.at)

    def _finished(self, event: Any) -> None:
        key = (event.cadre_id, event.programme)
        since = self.enrolled.get(key)
        if since is None:
            raise InvalidInputError(
                f"{_where(event)}: {event.cadre_id!r} is not enrolled in {event.programme!r}"
            )
        _ordered(event, since, "the enrolment")
        self._pop(self.enrolled, key)

    def _placed(self, event: Any) -> None:
        closed = self.closed.get(event.post_id)
        if closed is not None and event.at >= closed:
            raise InvalidInputError(
                f"{_where(event)}: post {event.post_id!r} closed on {closed.isoformat()}"
            )
        current = self.placed.get(event.cadre_id)
        if current is not None:
            raise InvalidInputError(
                f"{_where(event)}: {event.cadre_id!r} holds post {current[0]!r} "
                f"since {current[1].isoformat()}; end that placement first"
            )
        self._set(self.placed, event.cadre_id, (event.post_id, event.at))

    def _placement_ended(self, event: Any) -> None:
        current = self.placed.get(event.cadre_id)
        if current is None or current[0] != event.post_id:
            raise InvalidInputError(
                f"{_where(event)}: {event.cadre_id!r} holds no placement in {event.post_id!r}"
            )
        _ordered(event, current[1], "the placement")
        self._pop(self.placed, event.cadre_id)

    def _post_closed(self, event: Any) -> None:
        if event.post_id in self.closed:
            raise InvalidInputError(f"{_where(event)}: post {event.post_id!r} is closed already")
        self._set(self.closed, event.post_id, event.at)

    def _pair(self, event: Any) -> tuple[str, str]:
        return (event.mentee_id, event.mentor_id)

    def _mentorship_started(self, event: Any) -> None:
        pair = self._pair(event)
        if event.mentee_id == event.mentor_id:
            raise InvalidInputError(f"{_where(event)}: a cadre cannot mentor themselves")
        if pair in self.mentoring:
            raise InvalidInputError(
                f"{_where(event)}: {pair[1]!r} mentors {pair[0]!r} already "
                f"(since {self.mentoring[pair].isoformat()})"
            )
        self._set(self.mentoring, pair, event.at)
        if pair not in self.ever_mentored:
            self._set(self.ever_mentored, pair, event.at)

    def _active_pair(self, event: Any) -> dt.date:
        pair = self._pair(event)
        since = self.mentoring.get(pair)
        if since is None:
            raise InvalidInputError(
                f"{_where(event)}: {pair[1]!r} does not mentor {pair[0]!r} at this time"
            )
        _ordered(event, since, "the mentorship")
        return since

    def _meeting(self, event: Any) -> None:
        self._active_pair(event)

    def _mentorship_ended(self, event: Any) -> None:
        self._active_pair(event)
        self._pop(self.mentoring, self._pair(event))

    def _goal(self, event: Any) -> None:
        self._active_pair(event)
        key = (*self._pair(event), event.goal_id)
        if key in self.goals:
            raise InvalidInputError(f"{_where(event)}: goal {event.goal_id!r} is set already")
        self.goals.add(key)
        self._undo.append(lambda: self.goals.discard(key))

    def _goal_reached(self, event: Any) -> None:
        self._active_pair(event)
        if (*self._pair(event), event.goal_id) not in self.goals:
            raise InvalidInputError(f"{_where(event)}: no goal {event.goal_id!r} was set")

    def _feedback(self, event: Any) -> None:
        since = self.ever_mentored.get(self._pair(event))
        if since is None:
            raise InvalidInputError(
                f"{_where(event)}: {event.mentor_id!r} never mentored {event.mentee_id!r}"
            )
        _ordered(event, since, "the mentorship")

    def _left(self, event: Any) -> None:
        if event.cadre_id in self.left:
            raise InvalidInputError(f"{_where(event)}: {event.cadre_id!r} left already")
        self._set(self.left, event.cadre_id, event.at)

    def _scheme_adopted(self, event: Any) -> None:
        self.schemes.append((event.effective, event))
        self.schemes.sort(key=lambda item: item[0])
        self._undo.append(lambda: self.schemes.remove((event.effective, event)))

    def _override(self, event: Any) -> None:
        scheme = self.scheme_on(event.at)
        if scheme is None:
            return
        grades = [g.id for g in scheme.scheme.grades]
        for name in (event.from_grade, event.to_grade):
            if name not in grades:
                raise InvalidInputError(
                    f"{_where(event)}: grade {name!r} is not in scheme "
                    f"{scheme.scheme.name!r} (grades {grades})"
                )

    def scheme_on(self, day: dt.date) -> SchemeAdopted | None:
        """Return the scheme adoption in force on ``day`` (the latest effective by then)."""
        found = None
        for effective, adopted in self.schemes:
            if effective <= day:
                found = adopted
        return found


def _ordered(event: ev.Event, since: dt.date, what: str) -> None:
    if event.at < since:
        raise InvalidInputError(f"{_where(event)}: dated before {what} began ({since.isoformat()})")


_HANDLERS: dict[str, Callable[[State, Any], None]] = {
    "Enrolled": State._enrolled,  # noqa: SLF001
    "Completed": State._finished,  # noqa: SLF001
    "Withdrawn": State._finished,  # noqa: SLF001
    "Placed": State._placed,  # noqa: SLF001
    "PlacementEnded": State._placement_ended,  # noqa: SLF001
    "PostClosed": State._post_closed,  # noqa: SLF001
    "MentorshipStarted": State._mentorship_started,  # noqa: SLF001
    "MentorshipEnded": State._mentorship_ended,  # noqa: SLF001
    "Meeting": State._meeting,  # noqa: SLF001
    "Goal": State._goal,  # noqa: SLF001
    "GoalReached": State._goal_reached,  # noqa: SLF001
    "Feedback": State._feedback,  # noqa: SLF001
    "Left": State._left,  # noqa: SLF001
    "SchemeAdopted": State._scheme_adopted,  # noqa: SLF001
    "GradeOverride": State._override,  # noqa: SLF001
}
