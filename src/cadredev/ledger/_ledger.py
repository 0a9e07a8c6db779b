"""The ledger: an append-only record of a programme, in memory or in a database."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Self

from cadredev import events as ev
from cadredev.calendar import period_span
from cadredev.errors import InvalidInputError

from ._codec import Row, auto_id, decode, encode, seq_of_auto_id
from ._memory import MemoryStore, Query, Stored
from ._scheme import SchemeAdopted
from ._sql import SqlStore
from ._state import STATEFUL, Roster, State

__all__ = ["Ledger"]


def _day(value: object, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidInputError(f"Ledger.events: {name} must be a datetime.date, got {value!r}")
    return value.isoformat()


def _replay(state: State, rows: list[Stored], superseded: dict[str, int]) -> None:
    """Apply stored events to a state, leniently: they are facts already.

    A stored event that the state would refuse (another writer with another
    roster, or a correction that left later events out of order) still
    counts for what it opens or closes as far as the state can follow it.
    """
    for seq, row in rows:
        event_id = row.id or auto_id(seq)
        if event_id in superseded:
            continue
        with contextlib.suppress(InvalidInputError):
            state.apply(decode(row.kind, row.data, event_id), stored=True)
    state.forget()


class Ledger:
    """An append-only record of what happened in a programme and who decided it.

    Events are appended, never changed: a correction is a new event whose
    ``supersedes`` names the one it replaces. Every event gets an id
    (``"ev-000000042"`` unless it brings its own) and a sequence number, and
    reading returns events in that order, so two ledgers fed the same events
    read back equal.

    ``Ledger()`` keeps the events in memory; :meth:`connect` keeps them in a
    database through SQLAlchemy (``sqlite:///zone.db``, or any SQLAlchemy URL
    such as ``postgresql+psycopg://...``).

    Parameters
    ----------
    zone
        Optional: a zone whose cadres, mentors, programmes and posts are the
        only ids events may name. Without one, any id is accepted.

    Examples
    --------
    import datetime as dt
    >>> from cadredev.events import MentorshipStarted, Meeting
    >>> ledger = Ledger()
    >>> ledger.extend(
    ...     [
    ...         MentorshipStarted(
    ...             at=dt.date(2025, 3, 1), recorded_by="组织部", mentee_id="c101", mentor_id="c007"
    ...         ),
    ...         Meeting(
    ...             at=dt.date(2025, 3, 8),
    ...             recorded_by="c007",
    ...             mentee_id="c101",
    ...             mentor_id="c007",
    ...             minutes=40,
    ...         ),
    ...     ]
    ... )
    ('ev-000000001', 'ev-000000002')
    >>> [e.kind for e in ledger.history("c007")]
    ['MentorshipStarted', 'Meeting']
    >>> ledger.append(
    ...     MentorshipStarted(
    ...         at=dt.date(2025, 4, 1), recorded_by="组织部", mentee_id="c101", mentor_id="c007"
    ...     )
    ... )
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: MentorshipStarted (new event, 2025-04-01): ... already ...

    .. versionadded:: 0.2
    """

    def __init__(self, *, zone: Any = None) -> None:
        self._store: MemoryStore | SqlStore = MemoryStore()
        self._roster = None if zone is None else Roster.of_zone(zone)
        self._state = State(self._roster)
        self._state_seq = 0  # the state reflects every stored event up to here

    @classmethod
    def connect(cls, url: str, *, zone: Any = None) -> Self:
        """Open (or create) a ledger in a database.

        Parameters
        ----------
        url
            A SQLAlchemy URL: ``"sqlite:///zone.db"`` (a file, created if
            missing), ``"sqlite://"`` (memory) or a server such as
            ``"postgresql+psycopg://user@host/db"``.
        zone
            As for :class:`Ledger`.

        Raises
        ------
        InvalidInputError
            If the database is not a cadredev ledger, or was written by a
            newer cadredev (an older one is upgraded in place).
        MissingDependencyError
            If SQLAlchemy (extra ``sql``) or the database driver is missing.

        Examples
        --------
        >>> import datetime as dt, tempfile, pathlib
        >>> from cadredev.events import Left
        >>> url = f"sqlite:///{pathlib.Path(tempfile.mkdtemp()) / 'zone.db'}"
        >>> with Ledger.connect(url) as ledger:
        ...     ledger.append(Left(at=dt.date(2025, 6, 30), recorded_by="hr", cadre_id="c9"))
        'ev-000000001'
        >>> with Ledger.connect(url) as again:
        ...     [e.cadre_id for e in again.events(kind="Left")]
        ['c9']
        """
        ledger = cls(zone=zone)
        ledger._store = SqlStore(url)
        return ledger

    def close(self) -> None:
        """Release the database connections (nothing for a ledger in memory)."""
        self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self._store.last_seq()

    def __repr__(self) -> str:
        where = getattr(self._store, "url", "memory")
        return f"Ledger({where}, {len(self)} events)"

    # -------------------------------------------------------------- write
    def append(self, event: ev.Event) -> str:
        """Append one event and return its id.

        Raises
        ------
        InvalidInputError
            If the event contradicts what is in force (see :meth:`extend`).
        """
        return self.extend([event])[0]

    def extend(self, events: Iterable[ev.Event]) -> tuple[str, ...]:
        """Append events in order, all or none, and return their ids.

        Each event is checked against what is in force after the events
        before it: ids must be known (when the ledger has a zone), a
        relationship must be open to be continued or closed and cannot be
        opened twice, nothing may be dated before the relationship it belongs
        to began or after the person left, a correction must supersede a
        known event of its own kind (or be a :class:`~cadredev.events.Retracted`),
        and an override must name grades of the scheme in force. Events of one
        relationship are appended in date order.

        Raises
        ------
        InvalidInputError
            Naming the event and the rule; nothing of the batch is stored.
        """
        batch = list(events)
        for item in batch:
            if not isinstance(item, ev.Event):
                raise InvalidInputError(f"Ledger.extend: expected events, got {item!r}")
        if not batch:
            return ()
        with self._store.writing() as writer:
            self._catch_up(writer)
            mark = self._state.mark()
            try:
                rows = self._check(writer, batch)
                seqs = writer.insert(rows)
            except BaseException:
                self._state.undo(mark)
                raise
        self._state.forget()
        self._state_seq = seqs[-1]
        return tuple(r.id or auto_id(s) for r, s in zip(rows, seqs, strict=True))

    def _catch_up(self, writer: Any) -> None:
        """Bring the state up to date with events other writers stored since."""
        if self._state_seq == 0 and writer.last_seq() == 0:
            return
        superseded = writer.superseded()
        if any(seq > self._state_seq for seq in superseded.values()):
            self._rebuild(writer, superseded)
            return
        fresh = writer.read(Query(kinds=STATEFUL, after_seq=self._state_seq))
        _replay(self._state, fresh, superseded)
        self._state_seq = writer.last_seq()

    def _rebuild(self, writer: Any, superseded: dict[str, int]) -> None:
        """Rebuild the state from the stateful events in force (after a correction)."""
        state = State(self._roster)
        _replay(state, writer.read(Query(kinds=STATEFUL)), superseded)
        self._state = state
        self._state_seq = writer.last_seq()

    def _check(self, writer: Any, batch: Sequence[ev.Event]) -> list[Row]:
        rows = [encode(event) for event in batch]
        corrected = self._corrections(writer, batch)
        if corrected:
            superseded = writer.superseded()
            superseded.update(dict.fromkeys(corrected, 0))
            self._rebuild(writer, superseded)
        seen: set[str] = set()
        for event in batch:
            if event.id is not None:
                if event.id.startswith("ev-"):
                    raise InvalidInputError(
                        f"{event.kind}: id {event.id!r} starts with 'ev-', which the ledger "
                        "keeps for the ids it gives"
                    )
                if event.id in seen or writer.seq_of_id(event.id) is not None:
                    raise InvalidInputError(f"{event.kind}: id {event.id!r} is taken already")
                seen.add(event.id)
            self._state.apply(event)
        return rows

    def _corrections(self, writer: Any, batch: Sequence[ev.Event]) -> list[str]:
        """Check every ``supersedes`` and return the ids of stateful events corrected."""
        if all(event.supersedes is None for event in batch):
            return []  # the common case: no correction, nothing to look up
        superseded = writer.superseded()
        last = writer.last_seq()
        out: list[str] = []
        for event in batch:
            target = event.supersedes
            if target is None:
                continue
            seq = seq_of_auto_id(target)
            seq = writer.seq_of_id(target) if seq is None else seq
            row = writer.row(seq) if seq is not None and 0 < seq <= last else None
            if row is None:
                raise InvalidInputError(
                    f"{event.kind}: supersedes {target!r}, which is not in the ledger"
                )
            if target in superseded or target in out:
                raise InvalidInputError(
                    f"{event.kind}: {target!r} is superseded already; correct the newer event"
                )
            if not isinstance(event, ev.Retracted) and row.kind != event.kind:
                raise InvalidInputError(
                    f"{event.kind}: supersedes {target!r}, a {row.kind}; a correction is an "
                    "event of the same kind (or a Retracted)"
                )
            if row.kind in STATEFUL:
                out.append(target)
        return out

    # --------------------------------------------------------------- read
    def events(
        self,
        *,
        cadre_id: str | None = None,
        kind: str | type[ev.Event] | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        in_force: bool = False,
    ) -> tuple[ev.Event, ...]:
        """Return the stored events that match, in the order they were appended.

        Parameters
        ----------
        cadre_id
            Only events about this person (as mentee, mentor or cadre).
        kind
            Only events of this type (a class or its name).
        since, until
            Only events dated within these days (inclusive).
        in_force
            Leave out events superseded by a correction, and retractions.
        """
        kinds = None
        if kind is not None:
            kinds = [kind.__name__ if isinstance(kind, type) else str(kind)]
        query = Query(
            person=cadre_id,
            kinds=kinds,
            since=_day(since, "since"),
            until=_day(until, "until"),
        )
        return self._decode(self._store.read(query), in_force=in_force)

    def _decode(self, rows: list[Stored], *, in_force: bool) -> tuple[ev.Event, ...]:
        superseded = self._store.superseded() if in_force else {}
        out = []
        for seq, row in rows:
            event_id = row.id or auto_id(seq)
            if in_force and (event_id in superseded or row.kind == "Retracted"):
                continue
            out.append(decode(row.kind, row.data, event_id))
        return tuple(out)

    def history(self, cadre_id: str, *, in_force: bool = True) -> tuple[ev.Event, ...]:
        """Return every event about one person, in order (corrections applied by default)."""
        return self.events(cadre_id=cadre_id, in_force=in_force)

    def scheme_for(self, when: dt.date | str) -> Any:
        """Return the scheme in force on a day, or on a period's first day; ``None`` if none.

        Examples
        --------
            import datetime as dt
        >>> from cadredev.datasets import sample_scheme
        >>> from cadredev.ledger import Ledger, SchemeAdopted
        >>> ledger = Ledger()
        >>> _ = ledger.append(
        ...     SchemeAdopted(
        ...         at=dt.date(2024, 12, 1),
        ...         recorded_by="hr",
        ...         scheme=sample_scheme(),
        ...         effective=dt.date(2025, 1, 1),
        ...     )
        ... )
        >>> ledger.scheme_for("2024-12") is None, ledger.scheme_for("2025Q2").name
        (True, 'sample zone 2025')
        """
        day = period_span(when)[0] if isinstance(when, str) else when
        found = None
        for event in self.events(kind=SchemeAdopted, in_force=True):
            assert isinstance(event, SchemeAdopted)  # noqa: S101  (selected by kind)
            if event.effective <= day and (found is None or event.effective >= found.effective):
                found = event
        return None if found is None else found.scheme

    # ----------------------------------------------------- zone and results
    def snapshot(self, zone: Any, *, as_of: dt.date) -> Any:
        """Return the zone as it stood on ``as_of``, by the events in force then.

        Cadres who left are gone; each remaining cadre's ``history`` gains
        the placements recorded (a :class:`~cadredev.Posting` per placement,
        open ones without an end) and ``mentorships`` the mentoring
        relationships; promotions set ranks (and ``rank_since``); a programme with recorded
        enrolments holds exactly the cadres enrolled and not finished; the
        scheme is the one in force; ``as_of`` becomes the day's year.

        Examples
        --------
        >>> import datetime as dt
        >>> from cadredev.datasets import sample_zone
        >>> from cadredev.events import Left, Placed
        >>> zone = sample_zone()
        >>> ledger = Ledger(zone=zone)
        >>> _ = ledger.extend(
        ...     [
        ...         Placed(
        ...             at=dt.date(2025, 1, 1),
        ...             recorded_by="组织部",
        ...             cadre_id="c010",
        ...             post_id="station-1",
        ...             category="stationed",
        ...         ),
        ...         Left(at=dt.date(2025, 2, 1), recorded_by="组织部", cadre_id="c011"),
        ...     ]
        ... )
        >>> later = ledger.snapshot(zone, as_of=dt.date(2025, 3, 1))
        >>> len(zone.cadres) - len(later.cadres), later.cadre("c010").history[-1].post_id
        (1, 'station-1')
        """
        from ._snapshot import SNAPSHOT_KINDS, apply_snapshot  # noqa: PLC0415

        day = _day(as_of, "as_of")
        rows = self._store.read(Query(kinds=SNAPSHOT_KINDS, until=day))
        found = list(self._decode(rows, in_force=True))
        return apply_snapshot(zone, found, as_of)

    def record(
        self,
        result: Any,
        *,
        at: dt.date,
        recorded_by: str,
        reason: str = "",
        calendar: Any = None,
    ) -> tuple[str, ...]:
        """Append the events a decision makes, and return their ids.

        A :class:`~cadredev.Matching` starts one mentorship per pair (in the
        matching's role, or ``"growth"``); a :class:`~cadredev.RotationPlan`
        places each assignment on the first day of its start period, until
        the last day of its end period (``calendar`` maps periods to days);
        a :class:`~cadredev.ScoreTable` records one assessment per cadre and
        period.

        Raises
        ------
        InvalidInputError
            For another kind of result, a plan without a calendar, or an
            event the ledger refuses (nothing is stored then).
        """
        from ._record import events_of  # noqa: PLC0415

        made = events_of(result, at=at, recorded_by=recorded_by, reason=reason, calendar=calendar)
        return self.extend(made)
