"""Training indicators for scoring: hours, attendance rate, quiz pass rate, lecturer turns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from cadredev._validate import check_instances, check_items, check_records, id_key
from cadredev.errors import InvalidInputError
from cadredev.events import Attended
from cadredev.scoring import Records

from ._records import Attendance, QuizResult, Session
from ._rota import LecturerRota

__all__ = ["TRAINING_INDICATORS", "training_records"]

TRAINING_INDICATORS: tuple[str, ...] = (
    "training_hours",
    "attendance_rate",
    "quiz_pass_rate",
    "lecturer_turns",
)
"""The indicator ids :func:`training_records` writes (rates as ``.num`` / ``.den`` parts)."""

_WHERE = "training_records"


def _session_table(sessions: Iterable[Session]) -> dict[str, Session]:
    return {s.id: s for s in check_records(sessions, Session, where=_WHERE, name="sessions")}


def _attendance(item: object) -> Attendance:
    if isinstance(item, Attendance):
        return item
    if isinstance(item, Attended):
        return Attendance(
            cadre_id=item.cadre_id,
            session_id=item.session_id,
            attended=item.attended,
            hours=item.hours,
        )
    msg = f"{_WHERE}: attendance must hold Attendance records or Attended events, got {item!r}"
    raise InvalidInputError(msg)


def training_records(
    sessions: Iterable[Session],
    attendance: Iterable[Attendance | Attended],
    *,
    quizzes: Iterable[QuizResult] = (),
    rota: LecturerRota | None = None,
) -> Records:
    """Derive each cadre's monthly training indicators as scoring records.

    The result is a :class:`cadredev.scoring.Records`, ready for
    :func:`cadredev.scoring.score` and :func:`cadredev.scoring.rollup`.

    Per cadre and month (the session's or quiz's month):

    Attendance is given as :class:`Attendance` records or as
    :class:`cadredev.events.Attended` events read from a ledger.

    * ``training_hours`` (a flow): hours attended (the attendance's
      ``hours``, else the course's);
    * ``attendance_rate`` (a rate, written as ``attendance_rate.num`` and
      ``.den``): sessions attended over sessions recorded;
    * ``quiz_pass_rate`` (a rate, ``.num`` / ``.den``): quizzes passed
      over quizzes taken (以考促学);
    * ``lecturer_turns`` (a flow): turns given in the ``rota`` (干部上讲台).

    A cadre-month row exists for every cadre with an attendance, quiz or
    turn that month; ``training_hours`` and ``lecturer_turns`` are then 0
    where nothing was given, and a rate with nothing recorded is left out
    (not recorded, never a division by zero). Rates written as parts roll
    up as a ratio of sums (:func:`cadredev.scoring.rollup`).

    Raises
    ------
    InvalidInputError
        For an attendance of an unknown session, a repeated attendance or
        quiz result, or a non-record.

    Examples
    --------
    >>> from cadredev.training import Attendance, Course, Session, training_records
    >>> s = Session(id="s1", course=Course(id="k", topic="ai", hours=3), period="2025-03")
    >>> r = training_records([s], [Attendance(cadre_id="c1", session_id="s1")])
    >>> r.value("c1", "2025-03", "training_hours"), r.value("c1", "2025-03", "attendance_rate.num")
    (3.0, 1.0)

    .. versionadded:: 0.3
    """
    table = _session_table(sessions)
    cells: defaultdict[tuple[str, str], defaultdict[str, float]] = defaultdict(
        lambda: defaultdict(float)
    )
    seen: set[tuple[str, str]] = set()
    for item in check_items(attendance, where=_WHERE, name="attendance"):
        a = _attendance(item)
        if a.session_id not in table:
            raise InvalidInputError(
                f"{_WHERE}: attendance of {a.cadre_id!r} names unknown session {a.session_id!r}"
            )
        if (a.cadre_id, a.session_id) in seen:
            raise InvalidInputError(
                f"{_WHERE}: attendance of {a.cadre_id!r} at {a.session_id!r} is recorded twice"
            )
        seen.add((a.cadre_id, a.session_id))
        s = table[a.session_id]
        cell = cells[a.cadre_id, s.period]
        cell["attendance_rate.den"] += 1
        if a.attended:
            cell["attendance_rate.num"] += 1
            cell["training_hours"] += s.course.hours if a.hours is None else a.hours
    taken: set[tuple[str, str]] = set()
    for q in check_instances(quizzes, QuizResult, where=_WHERE, name="quizzes"):
        if (q.cadre_id, q.quiz) in taken:
            raise InvalidInputError(
                f"{_WHERE}: quiz {q.quiz!r} of {q.cadre_id!r} is recorded twice"
            )
        taken.add((q.cadre_id, q.quiz))
        cell = cells[q.cadre_id, q.period]
        cell["quiz_pass_rate.den"] += 1
        cell["quiz_pass_rate.num"] += 1.0 if q.passed else 0.0
    if rota is not None:
        if not isinstance(rota, LecturerRota):
            raise InvalidInputError(f"{_WHERE}: rota must be a LecturerRota, got {rota!r}")
        for t in rota.turns:
            cells[t.lecturer_id, t.period]["lecturer_turns"] += 1
    rows = []
    for (cadre, period), cell in sorted(cells.items(), key=lambda kv: (id_key(kv[0][0]), kv[0][1])):
        rows += [(cadre, period, f, cell.get(f, 0.0)) for f in ("training_hours", "lecturer_turns")]
        for rate in ("attendance_rate", "quiz_pass_rate"):
            if cell.get(rate + ".den", 0.0) > 0:
                rows.append((cadre, period, rate + ".num", cell.get(rate + ".num", 0.0)))
                rows.append((cadre, period, rate + ".den", cell[rate + ".den"]))
    return Records.from_rows(rows)
