"""The result of scheduling: a rotation plan that explains itself."""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from attrs import field, frozen

from cadredev._frozendict import FrozenDict
from cadredev._validate import (
    MAX_COUNT,
    FieldError,
    field_ids,
    field_records,
    is_int,
    is_real,
    named_errors,
    text_problem,
)
from cadredev.calendar import Calendar
from cadredev.errors import InvalidInputError, MissingDependencyError

from ._check import check_assignments
from ._records import Assignment, Understaffed, Unplaced, Violation, _int_ge, _nonempty_str, _to_int
from ._sequence import sequence_counts

if TYPE_CHECKING:
    from ._problem import RotationProblem

__all__ = ["Bound", "Objective", "PlanDiff", "RotationPlan", "evaluate", "understaffed"]


def _check_levels(where: str, placed: object, value: object) -> None:
    """Check the first two objective levels: placements (an integer >= 0) and a finite value."""
    _int_ge(where, "placed", placed, 0)
    if not is_real(value):
        raise InvalidInputError(f"{where}: value must be a finite number, got {value!r}")


@frozen(kw_only=True, order=True)
class Objective:
    """The lexicographic objective of a plan; compare with ``<``.

    Parameters
    ----------
    placed
        Placements counted toward each cadre's program minimums, each
        (cadre, program) capped at its minimum, plus cadres placed toward
        ``RotationProblem.min_staffing``, each post-period capped at its
        minimum (first level).
    value
        Total benefit plus period bonuses of all placements, less the soft
        sequence terms (``RotationProblem.unit_change_cost`` and
        ``waiting_cost``) (second level).
    fairness
        Cadre-program pairs with at least one placement (third level: more
        cadres get a turn).

    Examples
    --------
    >>> from cadredev.rotation import Objective
    >>> Objective(placed=3, value=1.0, fairness=2) > Objective(placed=2, value=9.0, fairness=5)
    True

    .. versionadded:: 0.1
    """

    placed: int = field(default=0, converter=_to_int)
    value: float = 0.0
    fairness: int = field(default=0, converter=_to_int)

    def __attrs_post_init__(self) -> None:
        _check_levels("Objective", self.placed, self.value)
        _int_ge("Objective", "fairness", self.fairness, 0)


@frozen(kw_only=True)
class Bound:
    """Upper bounds on the objective levels.

    Parameters
    ----------
    placed
        No plan places more toward minimums.
    value
        No plan has a larger total value (among plans reaching ``placed``;
        with ``schedule(objective="fair")`` and ``method="optimal"``, among
        plans that also reach ``share``).
    method
        ``"optimal"`` (proved by the exact solver), ``"lp"`` (LP relaxation),
        ``"counting"`` (per-cadre counting) or ``"lagrangian"`` (placements
        by counting, value by prices on post capacities and unit away limits,
        where that is below the counted value).
    share
        With ``schedule(objective="fair")``: no plan reaching ``placed`` has a
        larger smallest benefit share (see :attr:`RotationPlan.min_share`).
        ``None`` when the solver has no such bound.

    Examples
    --------
    >>> from cadredev.rotation import Bound
    >>> Bound(placed=4, value=2.5, method="lp").method
    'lp'

    .. versionadded:: 0.1
    """

    placed: int = field(converter=_to_int)
    value: float
    method: str
    share: float | None = None

    def __attrs_post_init__(self) -> None:
        _check_levels("Bound", self.placed, self.value)
        _nonempty_str("Bound", "method", self.method)
        if self.share is not None and not is_real(self.share):
            raise InvalidInputError(
                f"Bound: share must be a finite number or None, got {self.share!r}"
            )


def _added(value: Any) -> tuple[Assignment, ...]:
    return field_records(value, Assignment, name="added")


def _removed(value: Any) -> tuple[Assignment, ...]:
    return field_records(value, Assignment, name="removed")


def _kept(value: Any) -> tuple[Assignment, ...]:
    return field_records(value, Assignment, name="kept")


@named_errors
@frozen(kw_only=True)
class PlanDiff:
    """What changed between two plans.

    Examples
    --------
    >>> from cadredev.rotation import PlanDiff
    >>> PlanDiff(added=(), removed=(), kept=()).moved
    0

    .. versionadded:: 0.1
    """

    added: tuple[Assignment, ...] = field(converter=_added)
    removed: tuple[Assignment, ...] = field(converter=_removed)
    kept: tuple[Assignment, ...] = field(converter=_kept)

    @property
    def moved(self) -> int:
        """Cadres whose placements differ between the plans."""
        return len({a.cadre_id for a in self.added} | {a.cadre_id for a in self.removed})


def _assignments(value: Any) -> tuple[Assignment, ...]:
    return tuple(sorted(field_records(value, Assignment, name="assignments")))


def _unplaced(value: Any) -> tuple[Unplaced, ...]:
    return tuple(sorted(field_records(value, Unplaced, name="unplaced")))


def _understaffed(value: Any) -> tuple[Understaffed, ...]:
    return tuple(sorted(field_records(value, Understaffed, name="understaffed")))


def _post_ids(value: Any) -> tuple[str, ...]:
    return field_ids(value, name="post_ids")


def _labels(value: Any) -> FrozenDict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise FieldError(f"labels must map ids to tuples of text, got {value!r}")
    out: dict[str, tuple[str, ...]] = {}
    for key, label in value.items():
        if (
            not isinstance(key, str)
            or not isinstance(label, tuple | list)
            or not all(isinstance(x, str) for x in label)
        ):
            raise FieldError(f"labels must map ids to tuples of text, got {key!r}: {label!r}")
        out[key] = tuple(label)
    return FrozenDict(out)


def _check_share(_: object, attribute: Any, value: Any) -> None:
    if value is not None and not is_real(value):
        raise FieldError(f"{attribute.name} must be a finite number or None, got {value!r}")


def _check_count(_: object, attribute: Any, value: Any) -> None:
    if not is_int(value) or not 0 <= value <= MAX_COUNT:
        raise FieldError(
            f"{attribute.name} must be an integer from 0 to {MAX_COUNT:,}, got {value!r}"
        )


def _check_str(_: object, attribute: Any, value: Any) -> None:
    if text_problem(value) is not None:
        raise FieldError(f"{attribute.name} must be {text_problem(value)}, got {value!r}")


def _check_type(kind: type[Any], *, optional: bool = False) -> Any:
    def check(_: object, attribute: Any, value: Any) -> None:
        if not isinstance(value, kind) and not (optional and value is None):
            what = f"a {kind.__name__}" + (" or None" if optional else "")
            raise FieldError(f"{attribute.name} must be {what}, got {value!r}")

    return check


@named_errors
@frozen(kw_only=True)
class RotationPlan:
    """A rotation plan: who holds which post when, and what could not be placed.

    Parameters
    ----------
    assignments
        The placements, sorted.
    unplaced
        Program minimums the plan does not reach, each with a reason.
    objective
        The plan's :class:`Objective`.
    bound
        A :class:`Bound` on the objective, or ``None``.
    method
        How the plan was made (``"exact"``, ``"heuristic"``, ``"replan"``...).
    horizon
        Number of periods.
    post_ids
        The posts, in the row order of :meth:`occupancy`.
    labels
        Cadre id -> ``(unit, cohort)`` and ``"post:" + post id`` ->
        ``(category, unit)``, for :meth:`breakdown` and :meth:`explain`.
    moved
        For re-plans: how many earlier assignments were dropped or changed.
    calendar
        The problem's :class:`~cadredev.calendar.Calendar`, if it has one:
        it dates the periods (see :meth:`dates`).
    work
        Neighbourhood moves the search made (0 when one exact MIP decided).
    stopped_because
        Why the solver stopped: ``"proved optimal"``, ``"nothing to place"``,
        ``"no progress"`` (its patience ran out), ``"work budget"`` (the
        moves its effort allows were spent) or ``"time limit"``; empty for
        plans not made by :func:`schedule` or :func:`replan`.
    understaffed
        Post-periods the plan leaves below ``RotationProblem.min_staffing``,
        sorted by post and period (empty when every minimum is met).
    min_share
        With ``schedule(objective="fair")``: the smallest benefit share over
        cadres (see :meth:`benefit_shares`); ``None`` for plans made for
        total value.

    Raises
    ------
    InvalidInputError
        If a field has the wrong type (``assignments`` not
        :class:`Assignment` records, a negative count, ...); the message
        names the field and the value.

    Examples
    --------
    >>> from cadredev.rotation import schedule
    >>> from cadredev.datasets import tiny_rotation_problem
    >>> plan = schedule(tiny_rotation_problem(), seed=0)
    >>> len(plan.assignments), plan.violations(tiny_rotation_problem())
    (3, ())
    >>> plan.objective.placed
    3

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``calendar`` and :meth:`dates`; ``work`` and ``stopped_because``.
    .. versionchanged:: 0.3
       ``understaffed``; ``min_share``.
    """

    assignments: tuple[Assignment, ...] = field(converter=_assignments)
    unplaced: tuple[Unplaced, ...] = field(default=(), converter=_unplaced)
    objective: Objective = field(factory=Objective, validator=_check_type(Objective))
    bound: Bound | None = field(default=None, validator=_check_type(Bound, optional=True))
    method: str = field(default="heuristic", validator=_check_str)
    horizon: int = field(default=0, validator=_check_count)
    post_ids: tuple[str, ...] = field(default=(), converter=_post_ids)
    labels: FrozenDict[str, tuple[str, ...]] = field(factory=FrozenDict, converter=_labels)
    moved: int = field(default=0, validator=_check_count)
    calendar: Calendar | None = field(default=None, validator=_check_type(Calendar, optional=True))
    work: int = field(default=0, validator=_check_count)
    stopped_because: str = field(default="", validator=_check_str)
    understaffed: tuple[Understaffed, ...] = field(default=(), converter=_understaffed)
    min_share: float | None = field(default=None, validator=_check_share)

    def dates(self, assignment: Assignment) -> tuple[dt.date, dt.date]:
        """Return the first and the last day of an assignment, through :attr:`calendar`.

        Raises
        ------
        InvalidInputError
            If the plan has no calendar.

        Examples
        --------
        >>> from cadredev.calendar import Calendar
        >>> from cadredev.rotation import Assignment, RotationPlan
        >>> a = Assignment(cadre_id="a", post_id="p1", program="s", start=2, length=2)
        >>> RotationPlan(assignments=[a], calendar=Calendar("2025Q1")).dates(a)
        (datetime.date(2025, 7, 1), datetime.date(2025, 12, 31))

        :func:`schedule` and :func:`replan` copy the problem's calendar onto the plan.

        .. versionadded:: 0.2
        """
        if self.calendar is None:
            raise InvalidInputError(
                "RotationPlan.dates: the plan has no calendar; give RotationProblem(calendar=...)"
            )
        return self.calendar.span(assignment.start)[0], self.calendar.span(assignment.end)[1]

    @property
    def gap(self) -> float:
        """Relative gap to :attr:`bound`: on placements if short of the bound, else on value.

        ``0.0`` when the plan is proved optimal, ``inf`` when there is no bound.
        A fair plan (:attr:`min_share` set) reaching the bound's placements
        is measured on its smallest share, and has ``inf`` when the bound
        does not bound that share: a value gap would say nothing of it.
        """
        if self.bound is None:
            return float("inf")
        if self.bound.placed > self.objective.placed:
            return (self.bound.placed - self.objective.placed) / self.bound.placed
        if self.min_share is not None:
            if self.bound.share is None:
                return float("inf")
            if self.bound.share > self.min_share + 1e-9:
                return (self.bound.share - self.min_share) / max(abs(self.bound.share), 1e-12)
        top = abs(self.bound.value)
        if top <= 1e-12:
            return 0.0
        return max(0.0, (self.bound.value - self.objective.value) / top)

    def violations(self, problem: RotationProblem) -> tuple[Violation, ...]:
        """Return every hard-rule breach of this plan in ``problem`` (empty if none).

        An independent checker: it does not trust how the plan was made and
        works on hand-made plans too. Unmet minimums are not violations (they
        are :attr:`unplaced`).

        Examples
        --------
        >>> from cadredev.rotation import Assignment, RotationPlan
        >>> from cadredev.datasets import tiny_rotation_problem
        >>> bad = RotationPlan(
        ...     assignments=[Assignment(cadre_id="a", post_id="p1", program="s", start=0, length=1)]
        ... )
        >>> [v.kind for v in bad.violations(tiny_rotation_problem())]
        ['length']
        """
        return check_assignments(problem, self.assignments)

    def benefit_shares(self, problem: RotationProblem) -> dict[str, float]:
        """Return each cadre's benefit share in this plan, recomputed from ``problem``.

        A cadre's share is the value of their placements divided by their
        *ideal value*: for each program they may join, the sum of the best
        values of as many placements as its rules let them make in the
        horizon (maximum placements, free periods, distinct posts under
        ``no_repeat``, one per category, career limits), each valued at the
        post's best window in the horizon, negative values left out; other cadres, capacities and
        staffing are ignored. Cadres whose ideal value is zero (nothing
        possible, or nothing of positive value) have no share and are left
        out. ``schedule(objective="fair")`` maximises the smallest share.

        Examples
        --------
        >>> from cadredev.rotation import schedule
        >>> from cadredev.datasets import tiny_rotation_problem
        >>> prob = tiny_rotation_problem()
        >>> plan = schedule(prob, objective="fair")
        >>> shares = plan.benefit_shares(prob)
        >>> min(shares.values()) == plan.min_share
        True

        .. versionadded:: 0.3
        """
        from ._fair import benefit_shares  # noqa: PLC0415

        return benefit_shares(problem, self.assignments)

    def breakdown(self) -> dict[str, dict[str, int]]:
        """Count assignments per program, home unit, cohort and post category.

        Examples
        --------
        >>> from cadredev.rotation import schedule
        >>> from cadredev.datasets import tiny_rotation_problem
        >>> schedule(tiny_rotation_problem()).breakdown()["program"]
        {'s': 3}
        """
        out: dict[str, Counter[str]] = {
            "program": Counter(),
            "unit": Counter(),
            "cohort": Counter(),
            "category": Counter(),
        }
        for a in self.assignments:
            out["program"][a.program] += 1
            info = self.labels.get(a.cadre_id, ("", ""))
            out["unit"][info[0]] += 1
            out["cohort"][info[1]] += 1
            out["category"][self.labels.get("post:" + a.post_id, ("",))[0]] += 1
        return {k: {key: v[key] for key in sorted(v)} for k, v in out.items()}

    def occupancy(self) -> np.ndarray:
        """Return cadres per post (rows, in :attr:`post_ids` order) and period.

        Examples
        --------
        >>> from cadredev.rotation import schedule
        >>> from cadredev.datasets import tiny_rotation_problem
        >>> schedule(tiny_rotation_problem()).occupancy().sum()
        np.int64(6)
        """
        index = {p: i for i, p in enumerate(self.post_ids)}
        occ = np.zeros((len(self.post_ids), self.horizon), dtype=np.int64)
        for a in self.assignments:
            if a.post_id in index:
                occ[index[a.post_id], a.start : a.start + a.length] += 1
        return occ

    def diff(self, other: RotationPlan) -> PlanDiff:
        """Compare with ``other``: assignments added, removed and kept.

        Examples
        --------
        >>> from cadredev.rotation import schedule
        >>> from cadredev.datasets import tiny_rotation_problem
        >>> plan = schedule(tiny_rotation_problem())
        >>> plan.diff(plan).moved
        0
        """
        mine, theirs = set(self.assignments), set(other.assignments)
        return PlanDiff(
            added=tuple(sorted(theirs - mine)),
            removed=tuple(sorted(mine - theirs)),
            kept=tuple(sorted(mine & theirs)),
        )

    def explain(self, cadre_id: str) -> str:
        """Return a readable account of one cadre's placements and shortfalls.

        Examples
        --------
        >>> from cadredev.rotation import schedule
        >>> from cadredev.datasets import tiny_rotation_problem
        >>> print(schedule(tiny_rotation_problem()).explain("a"))
        cadre a:
          s: post p1, periods 2..3
        """
        lines = [f"cadre {cadre_id}:"]
        for a in self.assignments:
            if a.cadre_id != cadre_id:
                continue
            line = f"  {a.program}: post {a.post_id}, periods {a.start}..{a.end}"
            if self.calendar is not None:
                line += f" ({self.calendar.label(a.start)}..{self.calendar.label(a.end)})"
            if a.ended_early:
                line += ", ended early"
            lines.append(line)
        lines += self._sequence_line(cadre_id)
        lines += [
            f"  {u.program}: {u.missing} placement(s) short: {u.reason}"
            for u in self.unplaced
            if u.cadre_id == cadre_id
        ]
        if len(lines) == 1:
            lines.append("  no placements")
        if self.min_share is not None:
            bounded = self.bound is not None and self.bound.share is not None
            lines.append(
                f"  plan's smallest benefit share: {self.min_share:.3f}"
                + ("" if bounded else " (the solver has no bound on it)")
            )
        return "\n".join(lines)

    def _sequence_line(self, cadre_id: str) -> list[str]:
        """Return the cadre's unit changes and waiting periods, if any, as a line."""
        mine = [
            (a.start, a.length, self.labels.get("post:" + a.post_id, ())[1:])
            for a in self.assignments
            if a.cadre_id == cadre_id
        ]
        if not all(unit for _s, _n, unit in mine):  # a plan stored without post units
            return []
        changes, waiting = sequence_counts(mine)
        if not (changes or waiting):
            return []
        return [f"  sequence: {changes} change(s) of unit, {waiting} waiting period(s)"]

    def to_records(self) -> list[dict[str, Any]]:
        """Return one plain dict per assignment (for JSON or a data frame).

        Examples
        --------
        >>> from cadredev.rotation import schedule
        >>> from cadredev.datasets import tiny_rotation_problem
        >>> sorted(schedule(tiny_rotation_problem()).to_records()[0])
        ['cadre_id', 'category', 'end', 'length', 'post_id', 'program', 'start', 'unit']
        """
        return [
            {
                "cadre_id": a.cadre_id,
                "post_id": a.post_id,
                "program": a.program,
                "start": a.start,
                "end": a.end,
                "length": a.length,
                "unit": self.labels.get(a.cadre_id, ("",))[0],
                "category": self.labels.get("post:" + a.post_id, ("",))[0],
            }
            for a in self.assignments
        ]

    def to_pandas(self) -> Any:
        """Return :meth:`to_records` as a pandas DataFrame.

        Raises
        ------
        MissingDependencyError
            If pandas is not installed.

        Examples
        --------
        >>> from cadredev.rotation import schedule
        >>> from cadredev.datasets import tiny_rotation_problem
        >>> schedule(tiny_rotation_problem()).to_pandas().shape
        (3, 8)
        """
        try:
            import pandas as pd  # noqa: PLC0415
        except ImportError as exc:  # pragma: no cover - pandas is a test dependency
            raise MissingDependencyError(
                "RotationPlan.to_pandas needs pandas: pip install 'cadredev[pandas]'"
            ) from exc
        columns = ["cadre_id", "post_id", "program", "start", "end", "length", "unit", "category"]
        return pd.DataFrame(self.to_records(), columns=columns)

    def _repr_html_(self) -> str:
        head = (
            f"<p>RotationPlan ({html.escape(self.method)}): {len(self.assignments)} "
            f"assignments, {len(self.unplaced)} unplaced; placed {self.objective.placed}, "
            f"value {self.objective.value:.3f}"
            + (
                f"; {len(self.understaffed)} post-period(s) understaffed"
                if self.understaffed
                else ""
            )
            + ("" if self.min_share is None else f"; smallest benefit share {self.min_share:.3f}")
            + (
                "; no bound on the smallest share"
                if self.min_share is not None and (self.bound is None or self.bound.share is None)
                else ""
            )
            + "</p>"
        )
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(v))}</td>"
                for v in (a.cadre_id, a.post_id, a.program, a.start, a.end)
            )
            + "</tr>"
            for a in self.assignments[:200]
        )
        more = (
            f"<p>... {len(self.assignments) - 200} more</p>" if len(self.assignments) > 200 else ""
        )
        return (
            head + "<table><tr><th>cadre</th><th>post</th><th>program</th><th>start</th>"
            "<th>end</th></tr>" + rows + "</table>" + more
        )


def evaluate(problem: RotationProblem, assignments: tuple[Assignment, ...]) -> Objective:
    """Return the objective of ``assignments`` in ``problem``."""
    counts: Counter[tuple[str, str]] = Counter((a.cadre_id, a.program) for a in assignments)
    placed = 0
    for (cid, pname), n in counts.items():
        prog = problem.program(pname)
        if not problem.is_eligible(problem.cadre(cid), prog):
            placed += min(n, prog.placements[0])
    if problem.min_staffing:
        load = _load(assignments)
        placed += sum(min(load[key], n) for key, n in problem.min_staffing.items())
    value = sum(problem.value_of(a) for a in assignments) - problem.sequence_cost(assignments)
    return Objective(placed=placed, value=round(value, 9), fairness=len(counts))


def _load(assignments: tuple[Assignment, ...]) -> Counter[tuple[str, int]]:
    load: Counter[tuple[str, int]] = Counter()
    for a in assignments:
        for t in a.periods:
            load[a.post_id, t] += 1
    return load


def understaffed(
    problem: RotationProblem, assignments: tuple[Assignment, ...]
) -> tuple[Understaffed, ...]:
    """Return the post-periods ``assignments`` leave below their staffing minimum."""
    if not problem.min_staffing:
        return ()
    load = _load(assignments)
    return tuple(
        Understaffed(post_id=pid, period=t, missing=n - load[pid, t])
        for (pid, t), n in sorted(problem.min_staffing.items())
        if load[pid, t] < n
    )


def plan_labels(problem: RotationProblem) -> FrozenDict[str, tuple[str, ...]]:
    """Cadre and post labels stored on a plan for breakdowns."""
    labels: dict[str, tuple[str, ...]] = {}
    for c in problem.cadres:
        cohort = c.cohort(as_of=problem.as_of).value if problem.as_of is not None else ""
        labels[c.id] = (c.unit, cohort)
    for p in problem.posts:
        labels["post:" + p.id] = (p.category, p.unit)
    return FrozenDict(labels)
