"""Choosing a squad: maximum total fit under composition quotas, an exact MIP (HiGHS).

.. versionadded:: 0.3
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from attrs import field, frozen

from cadredev._display import html_table, need_pandas
from cadredev._frozendict import FrozenDict, id_key
from cadredev._validate import (
    FieldError,
    as_float,
    bool_field,
    field_id_map,
    field_ids,
    field_items,
    field_records,
    int_field,
    is_int,
    is_real,
    named_errors,
    optional_field,
    real_field,
    text_field,
    text_problem,
)
from cadredev.errors import InfeasibleError, InvalidInputError
from cadredev.events import Enrolled
from cadredev.model import Cadre

from ._quota import Diversity, Quota, Row, compile_rows

__all__ = ["QuotaConflict", "RuleCount", "Squad", "select_squad"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
MAX_CONFLICTS = 5
"""At most this many separate conflicts are reported."""


def _rules(value: object) -> tuple[str, ...]:
    items = field_items(value, name="rules")
    for item in items:
        if text_problem(item) is not None:
            raise FieldError(f"rules must hold rules in words (strings), got {item!r}")
    return items


@named_errors
@frozen(kw_only=True)
class QuotaConflict:
    """Composition rules that cannot all hold together, and by how many people at least.

    ``short_by`` is the least total number of people by which the rules must
    be missed (the sum of the shortfalls and excesses over the rules, at best).

    Examples
    --------
    >>> conflict = QuotaConflict(rules=("line=service: at least 3",), short_by=1, size=3, pool=5)
    >>> print(conflict)  # doctest: +NORMALIZE_WHITESPACE
    these rules cannot all hold in a squad of 3 from 5 candidates:
    line=service: at least 3 (missed by 1 person at the least)

    .. versionadded:: 0.3
    """

    rules: tuple[str, ...] = field(converter=_rules)
    short_by: int = field(validator=int_field())
    size: int = field(validator=int_field())
    pool: int = field(validator=int_field())

    def __str__(self) -> str:
        return (
            f"these rules cannot all hold in a squad of {self.size} from {self.pool} "
            f"candidates: {'; '.join(self.rules)} (missed by {self.short_by} "
            f"{'person' if self.short_by == 1 else 'people'} at the least)"
        )


@named_errors
@frozen(kw_only=True)
class RuleCount:
    """How the squad meets one rule: the count of members (or distinct values) and the bounds.

    Examples
    --------
    >>> RuleCount(rule="each unit: at most 2", count=3, at_least=0, at_most=2).met
    False

    .. versionadded:: 0.3
    """

    rule: str = field(validator=text_field)
    count: int = field(validator=int_field())
    at_least: int = field(validator=int_field())
    at_most: int | None = field(validator=optional_field(int_field()))

    @property
    def met(self) -> bool:
        """Whether the count is within the bounds."""
        return self.count >= self.at_least and (self.at_most is None or self.count <= self.at_most)


@frozen(eq=False)
class _Problem:
    ids: tuple[str, ...]
    fit: FloatArray
    size: int
    rows: tuple[Row, ...]


def _members(value: object) -> tuple[str, ...]:
    return field_ids(value, name="members")


def _conflict_records(value: object) -> tuple[QuotaConflict, ...]:
    return field_records(value, QuotaConflict, name="conflicts")


def _rule_counts(value: object) -> tuple[RuleCount, ...]:
    return field_records(value, RuleCount, name="counts")


def _fit(value: object) -> FrozenDict[str, float]:
    out: FrozenDict[str, float] = field_id_map(value, name="fit", real=True)
    return out


def _check_problem(_: object, __: Any, value: Any) -> None:
    if not isinstance(value, _Problem):
        raise FieldError(f"problem must be the problem select_squad solved, got {value!r}")


@named_errors
@frozen(kw_only=True, eq=False)
class Squad:
    """The result of :func:`select_squad`.

    Attributes
    ----------
    members
        The chosen candidates' ids, sorted; empty when the rules conflict.
    total_fit
        The sum of the members' fit (the maximum under the rules).
    feasible
        Whether some squad meets every rule.
    conflicts
        When not feasible: the conflicting rules and by how many people.
    counts
        Per rule: the members counted and the bounds.
    fit
        Candidate id -> fit.

    Examples
    --------
    >>> from cadredev import Cadre
    >>> people = [
    ...     Cadre(id=f"c{k}", name="", birth_year=1990, rank="section", unit="u") for k in range(3)
    ... ]
    >>> squad = select_squad(people, 2, fit={"c0": 1.0, "c1": 3.0, "c2": 2.0})
    >>> squad
    Squad(2 members, total fit 5)
    >>> squad.members, squad.feasible
    (('c1', 'c2'), True)

    .. versionadded:: 0.3
    """

    size: int = field(validator=int_field())
    members: tuple[str, ...] = field(converter=_members)
    total_fit: float = field(converter=as_float, validator=real_field)
    feasible: bool = field(validator=bool_field)
    conflicts: tuple[QuotaConflict, ...] = field(converter=_conflict_records)
    counts: tuple[RuleCount, ...] = field(converter=_rule_counts)
    fit: FrozenDict[str, float] = field(repr=False, converter=_fit)
    _problem: _Problem = field(repr=False, alias="problem", validator=_check_problem)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Squad):
            return NotImplemented
        keys = ("size", "members", "total_fit", "feasible", "conflicts", "counts", "fit")
        return all(getattr(self, k) == getattr(other, k) for k in keys)

    __hash__ = None  # type: ignore[assignment]

    def explain(self, cadre_id: str) -> str:
        """Say why a candidate is in the squad or not, with the exact cost in fit.

        For a member: their fit and the best total without them. For anyone
        else: their fit and the best total of a squad that includes them (or
        that none meets the rules).

        Examples
        --------
        >>> from cadredev import Cadre
        >>> people = [
        ...     Cadre(id=f"c{k}", name="", birth_year=1990, rank="section", unit="u")
        ...     for k in range(3)
        ... ]
        >>> squad = select_squad(people, 2, fit={"c0": 3.0, "c1": 2.0, "c2": 1.0})
        >>> squad.explain("c2")
        'c2 is not in the squad: fit 1; the best squad with c2 has total fit 4, 1 less than 5'

        .. versionadded:: 0.3
        """
        p = self._problem
        if cadre_id not in p.ids:
            raise InvalidInputError(f"explain: {cadre_id!r} is not a candidate")
        if not self.feasible:
            return f"{cadre_id}: no squad meets the rules; see conflicts"
        i = p.ids.index(cadre_id)
        member = cadre_id in self.members
        other = _optimum(p, fixed={i: 0 if member else 1})
        f = float(p.fit[i])
        if member:
            if other is None:
                return (
                    f"{cadre_id} is in the squad: fit {f:g}; no squad without them meets the rules"
                )
            return (
                f"{cadre_id} is in the squad: fit {f:g}; the best squad without them has total "
                f"fit {other[1]:g}, {self.total_fit - other[1]:g} less than {self.total_fit:g}"
            )
        if other is None:
            return f"{cadre_id} is not in the squad: fit {f:g}; no squad with them meets the rules"
        return (
            f"{cadre_id} is not in the squad: fit {f:g}; the best squad with {cadre_id} has total "
            f"fit {other[1]:g}, {self.total_fit - other[1]:g} less than {self.total_fit:g}"
        )

    def events(self, *, at: dt.date, recorded_by: str, programme: str) -> tuple[Enrolled, ...]:
        """Return one :class:`~cadredev.events.Enrolled` event per member, for a ledger.

        .. versionadded:: 0.3
        """
        return tuple(
            Enrolled(at=at, recorded_by=recorded_by, cadre_id=m, programme=programme)
            for m in self.members
        )

    def _rows(self) -> list[tuple[Any, ...]]:
        return [
            (c.rule, c.count, c.at_least, "" if c.at_most is None else c.at_most, c.met)
            for c in self.counts
        ]

    def to_pandas(self) -> Any:
        """Return the rule counts as a DataFrame.

        .. versionadded:: 0.3
        """
        pd = need_pandas()
        return pd.DataFrame(self._rows(), columns=["rule", "count", "at_least", "at_most", "met"])

    def _repr_html_(self) -> str:
        if not self.feasible:
            title = f"No squad of {self.size}: " + " | ".join(str(c) for c in self.conflicts)
        else:
            title = f"Squad of {self.size}, total fit {self.total_fit:.3f}"
        return html_table(title, ("rule", "count", "at least", "at most", "met"), self._rows())

    def __repr__(self) -> str:
        if not self.feasible:
            return f"Squad(infeasible, {len(self.conflicts)} conflict(s))"
        return f"Squad({self.size} members, total fit {self.total_fit:g})"


# ------------------------------------------------------------------- model


def _model(
    p: _Problem,
    active: Sequence[int],
    *,
    elastic: bool,
    fixed: Mapping[int, int] | None = None,
) -> tuple[Any, ...]:
    """Return (cost, A, lo, hi, integrality, upper bounds) of the MIP over the active rows."""
    n = len(p.ids)
    rows = [p.rows[r] for r in active]
    n_y = sum(len(r.groups) for r in rows)
    n_s = 2 * len(rows) if elastic else 0
    width = n + n_y + n_s
    a: list[np.ndarray[Any, Any]] = []
    lo: list[float] = []
    hi: list[float] = []

    def add(coef: np.ndarray[Any, Any], low: float, high: float) -> None:
        a.append(coef)
        lo.append(low)
        hi.append(high)

    size_row = np.zeros(width)
    size_row[:n] = 1.0
    add(size_row, p.size, p.size)
    y = n
    for k, row in enumerate(rows):
        s_lo, s_hi = n + n_y + 2 * k, n + n_y + 2 * k + 1
        coef = np.zeros(width)
        if row.groups:
            for g in row.groups:  # y_g <= sum of its holders
                link = np.zeros(width)
                link[y] = 1.0
                link[list(g)] -= 1.0
                add(link, -np.inf, 0.0)
                coef[y] = 1.0
                y += 1
        else:
            coef[list(row.members)] = 1.0
        low = coef.copy()
        if elastic:
            low[s_lo] = 1.0
        add(low, row.lo, np.inf)
        if row.hi is not None:
            high = coef.copy()
            if elastic:
                high[s_hi] = -1.0
            add(high, -np.inf, row.hi)
    cost = np.zeros(width)
    if elastic:
        cost[n + n_y :] = 1.0
    else:
        cost[:n] = -p.fit
    upper = np.ones(width)
    upper[n + n_y :] = np.inf
    lower = np.zeros(width)
    for i, v in (fixed or {}).items():
        lower[i] = upper[i] = v
    return cost, np.array(a), np.array(lo), np.array(hi), np.ones(width), (lower, upper)


def _milp(
    p: _Problem,
    active: Sequence[int],
    *,
    elastic: bool,
    fixed: Mapping[int, int] | None = None,
    cost: FloatArray | None = None,
    cut: tuple[FloatArray, float] | None = None,
) -> Any:
    """Solve the model; ``cost`` replaces the objective, ``cut`` adds ``coef @ x >= low``."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # noqa: PLC0415

    own, a, lo, hi, integrality, (lower, upper) = _model(p, active, elastic=elastic, fixed=fixed)
    if cut is not None:
        a = np.vstack([a, cut[0]])
        lo = np.append(lo, cut[1])
        hi = np.append(hi, np.inf)
    return milp(
        own if cost is None else cost,
        constraints=LinearConstraint(a, lo, hi),
        integrality=integrality,
        bounds=Bounds(lower, upper),
        options={"mip_rel_gap": 0.0},  # proven optimal, not within HiGHS' default 0.01 %
    )


def _shortfall(p: _Problem, active: Sequence[int]) -> int:
    res = _milp(p, active, elastic=True)
    return int(np.rint(res.fun))


def _optimum(
    p: _Problem, *, fixed: Mapping[int, int] | None = None, two_pass: bool = False
) -> tuple[FloatArray, float] | None:
    """Return the chosen vector and total fit of the best squad, ties to the earliest ids.

    Integer fits take one solve of a lexicographic objective (fit scaled past
    any sum of positions, less the positions); other fits, or ``two_pass``,
    take two: the best total, then the least sum of positions within a
    rounding tolerance of it.
    """
    n = len(p.ids)
    scale = float(n * p.size + 1)
    top = float(np.abs(p.fit).max()) if n else 0.0
    if not two_pass and np.all(p.fit == np.round(p.fit)) and top * scale * max(n, 1) < 2.0**50:
        return _one_pass(p, fixed, scale)
    active = range(len(p.rows))
    res = _milp(p, active, elastic=False, fixed=fixed)
    if res.status != 0:
        return None
    best = -float(res.fun)
    width = len(res.x)
    order = np.zeros(width)
    order[:n] = np.arange(n, dtype=np.float64)
    keep = np.zeros(width)
    keep[:n] = p.fit
    tol = 1e-9 * max(1.0, abs(best))
    res2 = _milp(p, active, elastic=False, fixed=fixed, cost=order, cut=(keep, best - tol))
    x = res2.x if res2.status == 0 else res.x
    chosen = np.round(x[:n])
    return chosen, math.fsum(float(v) for v in p.fit[chosen > 0.5])


def _one_pass(
    p: _Problem, fixed: Mapping[int, int] | None, scale: float
) -> tuple[FloatArray, float] | None:
    n = len(p.ids)
    cost, *_ = _model(p, range(len(p.rows)), elastic=False)
    cost[:n] = -p.fit * scale + np.arange(n, dtype=np.float64)
    res = _milp(p, range(len(p.rows)), elastic=False, fixed=fixed, cost=cost)
    if res.status != 0:
        return None
    chosen = np.round(res.x[:n])
    return chosen, math.fsum(float(v) for v in p.fit[chosen > 0.5])


def _conflicts(p: _Problem) -> tuple[QuotaConflict, ...]:
    """Find irreducible sets of conflicting rules by a deletion filter, with their shortfall."""
    remaining = list(range(len(p.rows)))
    found: list[QuotaConflict] = []
    while remaining and len(found) < MAX_CONFLICTS and _shortfall(p, remaining) > 0:
        core = list(remaining)
        for r in list(core):
            trial = [k for k in core if k != r]
            if _shortfall(p, trial) > 0:
                core = trial
        found.append(
            QuotaConflict(
                rules=tuple(p.rows[r].text for r in core),
                short_by=_shortfall(p, core),
                size=p.size,
                pool=len(p.ids),
            )
        )
        remaining = [r for r in remaining if r not in core]
    return tuple(found)


def _counts(p: _Problem, chosen: FloatArray) -> tuple[RuleCount, ...]:
    picked = {i for i in range(len(p.ids)) if chosen[i] > 0.5}
    out = []
    for row in p.rows:
        if row.groups:
            count = sum(1 for g in row.groups if picked.intersection(g))
        else:
            count = len(picked.intersection(row.members))
        out.append(RuleCount(rule=row.text, count=count, at_least=row.lo, at_most=row.hi))
    return tuple(out)


def _check_inputs(
    candidates: Iterable[Cadre], size: object, fit: Mapping[str, Any] | None
) -> tuple[list[Cadre], FloatArray]:
    cadres = sorted(candidates, key=lambda c: id_key(getattr(c, "id", "")))
    seen: set[str] = set()
    for c in cadres:
        if not isinstance(c, Cadre):
            raise InvalidInputError(f"select_squad: candidates must be Cadre records, got {c!r}")
        if c.id in seen:
            raise InvalidInputError(f"select_squad: candidate {c.id!r} is listed twice")
        seen.add(c.id)
    if not is_int(size) or size < 0:  # type: ignore[operator]
        raise InvalidInputError(f"select_squad: size must be an integer >= 0, got {size!r}")
    if size > len(cadres):  # type: ignore[operator]
        raise InvalidInputError(
            f"select_squad: size {size} is larger than the candidate pool "
            f"({len(cadres)} candidates)"
        )
    values = np.ones(len(cadres))
    if fit is not None:
        for k, c in enumerate(cadres):
            if c.id not in fit:
                raise InvalidInputError(f"select_squad: fit has no value for candidate {c.id!r}")
            v = fit[c.id]
            if not is_real(v):
                raise InvalidInputError(
                    f"select_squad: fit of {c.id!r} must be a finite number, got {v!r}"
                )
            values[k] = float(v)
    return cadres, values


def select_squad(
    candidates: Iterable[Cadre],
    size: int,
    *,
    composition: Sequence[Quota | Diversity] = (),
    fit: Mapping[str, float] | None = None,
    labels: Mapping[str, Mapping[str, Any]] | None = None,
    as_of: int | None = None,
    strict: bool = False,
) -> Squad:
    """Choose a squad of ``size`` maximising total fit under composition rules (选派).

    An exact mixed-integer program solved by HiGHS (``scipy.optimize.milp``):
    one binary choice per candidate, the squad size as an equality, each
    :class:`Quota` as bounds on a count of members, each :class:`Diversity`
    as linked indicators of the values covered, solved to a zero optimality
    gap. Among squads of the same total fit, the one whose members come
    earliest in id order (least sum of positions) is returned, so equal
    input in any order gives an equal squad: whole-number fits take one
    solve of a lexicographic objective, other fits two solves (the best
    total, then the least sum of positions within a relative 1e-9 of it).

    When no squad meets the rules, the result has ``feasible=False`` and
    ``conflicts``: irreducible sets of rules that cannot hold together
    (found by dropping rules one at a time and re-solving), each with the
    least number of people by which they must be missed.

    Parameters
    ----------
    candidates
        The pool (:class:`~cadredev.Cadre` records).
    size
        The squad size.
    composition
        :class:`Quota` and :class:`Diversity` rules.
    fit
        Candidate id -> fit (person-post fit, scores, contest results); each
        candidate needs one (extra ids are ignored). ``None``: all 1.
    labels
        Extra attributes for the rules: name -> candidate id -> value (or
        values), say ``{"title": {"c1": "副局长"}}``.
    as_of
        The reference year, needed by ``cohort`` rules.
    strict
        Raise :class:`~cadredev.InfeasibleError` (with the conflicts) instead
        of returning an infeasible result.

    Raises
    ------
    InvalidInputError
        For a size that is negative or larger than the pool, a duplicate
        candidate, a missing or non-finite fit, an unknown attribute, or a
        cohort rule without ``as_of``.

    Examples
    --------
    >>> from cadredev import Cadre
    >>> from cadredev.selection import Quota, select_squad
    >>> people = [
    ...     Cadre(id="a", name="", birth_year=1985, rank="division", unit="u1", line="investment"),
    ...     Cadre(id="b", name="", birth_year=1990, rank="section", unit="u1", line="investment"),
    ...     Cadre(id="c", name="", birth_year=1995, rank="section", unit="u2", line="service"),
    ... ]
    >>> squad = select_squad(
    ...     people,
    ...     2,
    ...     fit={"a": 0.9, "b": 0.8, "c": 0.5},
    ...     composition=[Quota(by="line", value="service", at_least=1)],
    ... )
    >>> squad.members, squad.total_fit
    (('a', 'c'), 1.4)
    >>> select_squad(
    ...     people, 2, composition=[Quota(by="rank", value="division", at_least=2)]
    ... ).conflicts[0].short_by
    1

    .. versionadded:: 0.3
    """
    cadres, values = _check_inputs(candidates, size, fit)
    rows = compile_rows(cadres, tuple(composition), labels=dict(labels or {}), as_of=as_of)
    ids = tuple(c.id for c in cadres)
    problem = _Problem(ids, values, int(size), tuple(rows))
    best = _optimum(problem) if ids else (np.zeros(0), 0.0)
    if best is not None and not ids:
        best = None if any(r.lo > 0 for r in rows) else best
    if best is None:
        conflicts = (
            _conflicts(problem)
            if ids
            else tuple(
                QuotaConflict(rules=(r.text,), short_by=r.lo, size=0, pool=0)
                for r in rows
                if r.lo > 0
            )
        )
        if strict:
            raise InfeasibleError(
                f"select_squad: no squad of {size} meets the rules; "
                + " | ".join(str(c) for c in conflicts),
                conflicts=conflicts,
            )
        return Squad(
            size=int(size),
            members=(),
            total_fit=0.0,
            feasible=False,
            conflicts=conflicts,
            counts=_counts(problem, np.zeros(len(ids))),
            fit=FrozenDict(dict(zip(ids, values.tolist(), strict=True))),
            problem=problem,
        )
    chosen, total = best
    return Squad(
        size=int(size),
        members=tuple(i for i, v in zip(ids, chosen, strict=True) if v > 0.5),
        total_fit=total,
        feasible=True,
        conflicts=(),
        counts=_counts(problem, chosen),
        fit=FrozenDict(dict(zip(ids, values.tolist(), strict=True))),
        problem=problem,
    )
