"""The checks of a rotation problem: records, scalars, rules and their references."""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from cadredev._frozendict import FrozenDict
from cadredev._validate import is_int as _is_int
from cadredev._validate import is_real
from cadredev.calendar import Calendar
from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, Post

from ._check import check_assignments
from ._records import Assignment, Program

if TYPE_CHECKING:
    from ._problem import RotationProblem

__all__ = ["expand_staffing", "validate"]


def _dupes(ids: Iterable[str]) -> list[str]:
    counts = Counter(ids)
    return sorted(i for i, k in counts.items() if k > 1)


_WHERE = "RotationProblem"


def validate(problem: RotationProblem) -> None:
    """Check a whole problem, one concern at a time, naming what is wrong."""
    _validate_records(problem)
    _validate_scalars(problem)
    _validate_programs(problem)
    _validate_history(problem)
    _validate_staffing(problem)
    _validate_unavailable(problem)
    _validate_values(problem)
    _validate_allowed(problem)
    _validate_capacity(problem)
    _validate_precedence(problem)
    _validate_min_staffing(problem)
    _validate_pinned(problem)


def _validate_records(problem: RotationProblem) -> None:
    """Check that cadres, posts and programmes are records of their types, ids unique."""
    for name, records, cls in (("cadres", problem.cadres, Cadre), ("posts", problem.posts, Post)):
        if not isinstance(records, tuple):
            raise InvalidInputError(f"{_WHERE}: {name} must be a sequence, got {records!r}")
        for r in records:
            if not isinstance(r, cls):
                raise InvalidInputError(
                    f"{_WHERE}: {name} must hold {cls.__name__} records, got {r!r}"
                )
    if not isinstance(problem.programs, tuple) or not all(
        isinstance(p, Program) for p in problem.programs
    ):
        raise InvalidInputError(
            f"{_WHERE}: programs must be a sequence of Program, got {problem.programs!r}"
        )
    for name, ids in (
        ("cadres", [c.id for c in problem.cadres]),
        ("posts", [p.id for p in problem.posts]),
        ("programs", [p.name for p in problem.programs]),
    ):
        dupes = _dupes(ids)
        if dupes:
            raise InvalidInputError(f"{_WHERE}: {name} has duplicate id(s) {dupes}")


def _validate_scalars(problem: RotationProblem) -> None:
    """Check the horizon, the reference year, the calendar and the sequence weights."""
    horizon = problem.horizon
    if not _is_int(horizon) or horizon < 1:
        raise InvalidInputError(f"{_WHERE}: horizon must be an integer >= 1, got {horizon!r}")
    if problem.as_of is not None and not _is_int(problem.as_of):
        raise InvalidInputError(f"{_WHERE}: as_of must be a year or None, got {problem.as_of!r}")
    if problem.calendar is not None and not isinstance(problem.calendar, Calendar):
        raise InvalidInputError(
            f"{_WHERE}: calendar must be a Calendar or None, got {problem.calendar!r}"
        )
    for name in ("unit_change_cost", "waiting_cost"):
        weight = getattr(problem, name)
        if not is_real(weight) or weight < 0:
            raise InvalidInputError(
                f"{_WHERE}: {name} must be a finite number >= 0, got {weight!r}"
            )


def _validate_programs(problem: RotationProblem) -> None:
    """Check that programmes fit the horizon and name known categories and cadres."""
    horizon = problem.horizon
    categories = {p.category for p in problem.posts}
    cadre_ids = {c.id for c in problem.cadres}
    for prog in problem.programs:
        if prog.length > horizon:
            raise InvalidInputError(
                f"Program {prog.name!r}: length {prog.length} is longer than the horizon {horizon}"
            )
        unknown = sorted(prog.categories - categories)
        if unknown:
            raise InvalidInputError(
                f"Program {prog.name!r}: unknown post category {unknown[0]!r}; "
                f"posts have {sorted(categories)}"
            )
        if prog.cadres is not None:
            missing = sorted(prog.cadres - cadre_ids)
            if missing:
                raise InvalidInputError(
                    f"Program {prog.name!r}: cadres lists unknown cadre id {missing[0]!r}"
                )
        if prog.eligibility.cohorts is not None and problem.as_of is None:
            raise InvalidInputError(
                f"Program {prog.name!r}: eligibility by cohort needs RotationProblem.as_of"
            )
    for post in problem.posts:
        if post.eligibility.cohorts is not None and problem.as_of is None:
            raise InvalidInputError(
                f"Post {post.id!r}: eligibility by cohort needs RotationProblem.as_of"
            )


def _validate_staffing(problem: RotationProblem) -> None:
    """Check that home staffing and away limits name known units with sensible counts."""
    sizes = Counter(c.unit for c in problem.cadres)
    for field_name, mapping in (
        ("min_home_staffing", problem.min_home_staffing),
        ("max_away", problem.max_away),
    ):
        if not isinstance(mapping, Mapping):
            raise InvalidInputError(f"{_WHERE}: {field_name} must be a mapping, got {mapping!r}")
        for unit, value in mapping.items():
            if unit not in sizes:
                raise InvalidInputError(
                    f"{_WHERE}: {field_name} names unknown unit {unit!r} (no cadre has it)"
                )
            if not _is_int(value) or value < 0:
                raise InvalidInputError(
                    f"{_WHERE}: {field_name}[{unit!r}] must be an integer >= 0, got {value!r}"
                )
            if field_name == "min_home_staffing" and value > sizes[unit]:
                raise InvalidInputError(
                    f"{_WHERE}: min_home_staffing[{unit!r}] = {value} is above the unit's "
                    f"size {sizes[unit]}"
                )


def _validate_unavailable(problem: RotationProblem) -> None:
    """Check that unavailability names known cadres and periods of the horizon."""
    horizon = problem.horizon
    cadre_ids = {c.id for c in problem.cadres}
    if not isinstance(problem.unavailable, Mapping):
        raise InvalidInputError(
            f"{_WHERE}: unavailable must map cadre id to periods, got {problem.unavailable!r}"
        )
    for cid, periods in problem.unavailable.items():
        if cid not in cadre_ids:
            raise InvalidInputError(f"{_WHERE}: unavailable names unknown cadre id {cid!r}")
        if not isinstance(periods, frozenset):
            raise InvalidInputError(
                f"{_WHERE}: unavailable[{cid!r}] must be a collection of periods, got {periods!r}"
            )
        for t in periods:
            if not _is_int(t) or not 0 <= t < horizon:
                raise InvalidInputError(
                    f"{_WHERE}: unavailable[{cid!r}] has period {t!r}, expected 0..{horizon - 1}"
                )


def _validate_values(problem: RotationProblem) -> None:
    """Check that benefits and bonuses name known cadres and posts, with finite values."""
    cadre_ids = {c.id for c in problem.cadres}
    post_ids = {p.id for p in problem.posts}
    pairs: tuple[tuple[str, Any], ...] = (
        ("benefit", problem.benefit),
        ("period_bonus", problem.period_bonus),
    )
    for label, mapping in pairs:
        if mapping is None:
            continue
        if not isinstance(mapping, Mapping):
            raise InvalidInputError(f"{_WHERE}: {label} must be a mapping or None, got {mapping!r}")
        raw: dict[Any, Any] = dict(mapping)
        for key, value in raw.items():
            if not (isinstance(key, tuple) and len(key) == 2):
                raise InvalidInputError(f"{_WHERE}: {label} keys must be pairs, got {key!r}")
            if label == "benefit":
                if key[0] not in cadre_ids:
                    raise InvalidInputError(f"{_WHERE}: benefit names unknown cadre id {key[0]!r}")
                if key[1] not in post_ids:
                    raise InvalidInputError(f"{_WHERE}: benefit names unknown post id {key[1]!r}")
            else:
                if key[0] not in post_ids:
                    raise InvalidInputError(
                        f"{_WHERE}: period_bonus names unknown post id {key[0]!r}"
                    )
                if not (_is_int(key[1]) and 0 <= key[1] < problem.horizon):
                    raise InvalidInputError(
                        f"{_WHERE}: period_bonus[{key!r}] names period {key[1]!r}, "
                        f"expected 0..{problem.horizon - 1}"
                    )
            if (
                isinstance(value, bool)
                or not isinstance(value, numbers.Real)
                or not math.isfinite(float(value))
            ):
                raise InvalidInputError(
                    f"{_WHERE}: {label}[{key!r}] must be a finite number, got {value!r}"
                )


def _validate_allowed(problem: RotationProblem) -> None:
    """Check that allowed posts map known cadres to collections of known posts."""
    if not isinstance(problem.allowed, Mapping):
        raise InvalidInputError(
            f"{_WHERE}: allowed must map cadre id to post ids, got {problem.allowed!r}"
        )
    cadre_ids = problem.cadres_by_id
    post_ids = problem.posts_by_id
    for cid, pids in problem.allowed.items():
        if not isinstance(cid, str) or cid not in cadre_ids:
            raise InvalidInputError(f"{_WHERE}: allowed names unknown cadre id {cid!r}")
        if not isinstance(pids, frozenset):
            raise InvalidInputError(
                f"{_WHERE}: allowed[{cid!r}] must be a collection of post ids, got {pids!r}"
            )
        unknown = sorted(repr(p) for p in pids if not isinstance(p, str) or p not in post_ids)
        if unknown:
            raise InvalidInputError(
                f"{_WHERE}: allowed[{cid!r}] names unknown post id {unknown[0]}"
            )


def _validate_capacity(problem: RotationProblem) -> None:
    """Check that capacities per period name known posts, periods of the horizon, counts."""
    if problem.capacity is None:
        return
    if not isinstance(problem.capacity, Mapping):
        raise InvalidInputError(
            f"{_WHERE}: capacity must map (post id, period) to an integer, got {problem.capacity!r}"
        )
    post_ids = problem.posts_by_id
    for key, value in problem.capacity.items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise InvalidInputError(
                f"{_WHERE}: capacity keys must be (post id, period) pairs, got {key!r}"
            )
        pid, t = key
        if not isinstance(pid, str) or pid not in post_ids:
            raise InvalidInputError(f"{_WHERE}: capacity names unknown post id {pid!r}")
        if not (_is_int(t) and 0 <= t < problem.horizon):
            raise InvalidInputError(
                f"{_WHERE}: capacity[{key!r}] names period {t!r}, expected 0..{problem.horizon - 1}"
            )
        if not _is_int(value) or value < 0:
            raise InvalidInputError(
                f"{_WHERE}: capacity[{key!r}] must be an integer >= 0, got {value!r}"
            )


def _validate_precedence(problem: RotationProblem) -> None:
    """Check that precedence pairs name known programmes and form no cycle."""
    pairs = problem.precedence
    if not isinstance(pairs, tuple):
        raise InvalidInputError(
            f"{_WHERE}: precedence must be a sequence of (first, then) program names, got {pairs!r}"
        )
    after: dict[str, set[str]] = {}
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise InvalidInputError(
                f"{_WHERE}: precedence must hold (first, then) pairs of program names, got {pair!r}"
            )
        for name in pair:
            if not isinstance(name, str) or name not in problem.programs_by_name:
                raise InvalidInputError(f"{_WHERE}: precedence names unknown program {name!r}")
        after.setdefault(pair[0], set()).add(pair[1])
    cycle = _find_cycle(after)
    if cycle:
        raise InvalidInputError(
            f"{_WHERE}: precedence has a cycle {' -> '.join(cycle)}; no cadre could take "
            "part in all of these programs"
        )


def _staffing_periods(problem: RotationProblem, key: object) -> tuple[str, list[int]]:
    """Return the post and the periods a ``min_staffing`` key covers (raise if unknown)."""
    if isinstance(key, tuple):
        if len(key) != 2:
            raise InvalidInputError(
                f"{_WHERE}: min_staffing keys must be post ids or (post id, period) pairs, "
                f"got {key!r}"
            )
        pid, t = key
        if not (_is_int(t) and 0 <= t < problem.horizon):
            raise InvalidInputError(
                f"{_WHERE}: min_staffing[{key!r}] names period {t!r}, "
                f"expected 0..{problem.horizon - 1}"
            )
        periods = [int(t)]
    else:
        pid, periods = key, list(range(problem.horizon))
    if not isinstance(pid, str) or pid not in problem.posts_by_id:
        raise InvalidInputError(f"{_WHERE}: min_staffing names unknown post id {pid!r}")
    return pid, periods


def _validate_min_staffing(problem: RotationProblem) -> None:
    """Check that staffing minimums name known posts and periods, within capacity."""
    if problem.min_staffing is None:
        return
    if not isinstance(problem.min_staffing, Mapping):
        raise InvalidInputError(
            f"{_WHERE}: min_staffing must map post ids or (post id, period) pairs to "
            f"integers, got {problem.min_staffing!r}"
        )
    given: Mapping[Any, Any] = problem.min_staffing  # keys as given: ids or pairs
    for key, value in given.items():
        pid, periods = _staffing_periods(problem, key)
        if not _is_int(value) or value < 0:
            raise InvalidInputError(
                f"{_WHERE}: min_staffing[{key!r}] must be an integer >= 0, got {value!r}"
            )
        for t in periods:
            if isinstance(key, str) and (pid, t) in given:
                continue  # the period's own entry overrides the post's
            cap = problem.capacity_of(pid, t)
            if value > cap:
                raise InvalidInputError(
                    f"{_WHERE}: min_staffing[{key!r}] = {value} is above the capacity "
                    f"{cap} of post {pid!r} in period {t}"
                )


def expand_staffing(problem: RotationProblem) -> FrozenDict[tuple[str, int], int] | None:
    """Return the minimums as ``(post id, period) -> n``, per-period entries first."""
    if problem.min_staffing is None:
        return None
    given: Mapping[Any, Any] = problem.min_staffing  # keys as given: ids or pairs
    out: dict[tuple[str, int], int] = {}
    for key, value in given.items():
        if isinstance(key, str):
            for t in range(problem.horizon):
                out.setdefault((key, t), int(value))
    for key, value in given.items():
        if isinstance(key, tuple):
            out[(str(key[0]), int(key[1]))] = int(value)
    return FrozenDict({k: out[k] for k in sorted(out)})


def _find_cycle(after: Mapping[str, set[str]]) -> list[str]:
    """Return one cycle of the graph (first node repeated at the end), or ``[]``."""
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(after.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = 2
        path.pop()
        return []

    for start in sorted(after):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return []


def _validate_pinned(problem: RotationProblem) -> None:
    """Check that pinned assignments are assignments and break no rule."""
    if not isinstance(problem.pinned, tuple) or not all(
        isinstance(a, Assignment) for a in problem.pinned
    ):
        raise InvalidInputError(
            f"{_WHERE}: pinned must be a sequence of Assignment, got {problem.pinned!r}"
        )
    if problem.pinned:
        found = check_assignments(problem, problem.pinned, pinned_check=False)
        if found:
            v = found[0]
            raise InvalidInputError(f"{_WHERE}: pinned assignments break a rule: {v.message}")


def _validate_history(problem: RotationProblem) -> None:
    """Dated past postings need the calendar where a rule reads their timing."""
    cooling = {cat: prog.name for prog in problem.programs for cat in sorted(prog.cooldown)}
    if not cooling or problem.calendar is not None:
        return
    for cadre in problem.cadres:
        for posting in cadre.history:
            cat = problem._category_of(posting)  # noqa: SLF001
            if cat in cooling and isinstance(posting.end, dt.date):
                raise InvalidInputError(
                    f"Cadre {cadre.id!r}: the posting in {posting.post_id!r} ends on "
                    f"{posting.end}, a date; the cooldown of program {cooling[cat]!r} "
                    "needs RotationProblem(calendar=...) to place it on the problem's periods"
                )
