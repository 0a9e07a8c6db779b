"""An independent check of a lecturer rota's hard rules; shares no code with the solver."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from cadredev.errors import InvalidInputError

if TYPE_CHECKING:
    from ._records import Lecturer, Session
    from ._rota import LecturerRota

__all__ = ["rota_violations"]


def _months_away(busy: Any, calendar: Any) -> dict[str, set[str]]:
    if busy is None:
        return {}
    if isinstance(busy, Mapping):
        return {str(k): set(v) for k, v in busy.items()}
    if calendar is None:
        raise InvalidInputError("LecturerRota.violations: calendar is required with a RotationPlan")
    away: dict[str, set[str]] = {}
    for a in busy.assignments:
        months = {calendar.label(a.start + k) for k in range(a.length)}
        away.setdefault(str(a.cadre_id), set()).update(months)
    return away


def _at_once(a: Session, b: Session) -> bool:
    if a.period != b.period:
        return False
    return a.date is None or b.date is None or a.date == b.date


def rota_violations(
    rota: LecturerRota,
    sessions: Iterable[Session],
    lecturers: Iterable[Lecturer],
    *,
    busy: Any = None,
    calendar: Any = None,
    min_level: float = 0.6,
) -> tuple[str, ...]:
    """Return every broken hard rule of *rota*, in words (empty when it is valid)."""
    by_s = {s.id: s for s in sessions}
    by_l = {x.id: x for x in lecturers}
    away = _months_away(busy, calendar)
    found: list[str] = []
    for t in rota.turns:
        s, lec = by_s.get(t.session_id), by_l.get(t.lecturer_id)
        if s is None or lec is None:
            found.append(f"turn {t.session_id}/{t.lecturer_id}: unknown session or lecturer")
            continue
        topic = s.course.topic
        if topic not in lec.industries and lec.competencies.get(topic, 0.0) < min_level:
            found.append(f"{lec.id} gives {s.id} but is not qualified for {topic!r}")
        if s.period in away.get(lec.id, set()):
            found.append(f"{lec.id} gives {s.id} while away in {s.period}")
    per_s = Counter(t.session_id for t in rota.turns)
    per_l = Counter(t.lecturer_id for t in rota.turns)
    found += [
        f"{sid} has {n} lecturers for {by_s[sid].slots} slot(s)"
        for sid, n in sorted(per_s.items())
        if sid in by_s and n > by_s[sid].slots
    ]
    found += [
        f"{lid} gives {n} turns, over the budget of {by_l[lid].max_turns}"
        for lid, n in sorted(per_l.items())
        if lid in by_l and n > by_l[lid].max_turns
    ]
    if len(set(rota.turns)) != len(rota.turns):
        found.append("a turn is listed twice")
    mine: dict[str, list[Session]] = {}
    for t in rota.turns:
        if t.session_id in by_s:
            mine.setdefault(t.lecturer_id, []).append(by_s[t.session_id])
    for lid, items in sorted(mine.items()):
        for i, a in enumerate(items):
            found += [
                f"{lid} gives {a.id} and {b.id} at the same time"
                for b in items[i + 1 :]
                if a.id != b.id and _at_once(a, b)
            ]
    return tuple(found)
