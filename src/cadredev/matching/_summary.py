"""Figures that describe a matching: loads and mix per mentor, cross-unit share, ranks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
from attrs import field, frozen

from cadredev._display import html_table
from cadredev._frozendict import FrozenDict
from cadredev._validate import (
    FieldError,
    field_items,
    field_records,
    id_key,
    int_field,
    is_int,
    is_real,
    named_errors,
)

from ._table import Candidates, check_id, check_weight, each_id

__all__ = ["GroupLoad", "MatchSummary", "MentorLoad", "summarise"]


def _counts(value: Any, *, name: str) -> FrozenDict[str, int]:
    if not isinstance(value, dict | FrozenDict | Mapping) or not all(
        isinstance(k, str) and is_int(v) and v >= 0 for k, v in value.items()
    ):
        raise FieldError(f"{name} must map text to integers >= 0, got {value!r}")
    return FrozenDict({k: int(v) for k, v in value.items()})


def _profile(value: Any) -> FrozenDict[int, int]:
    if not isinstance(value, Mapping) or not all(
        is_int(k) and k >= 1 and is_int(v) and v >= 0 for k, v in value.items()
    ):
        raise FieldError(
            f"rank_profile must map ranks (integers >= 1) to counts (integers >= 0), got {value!r}"
        )
    return FrozenDict({int(k): int(v) for k, v in value.items()})


def _loads(value: Any) -> tuple[MentorLoad, ...]:
    return field_records(value, MentorLoad, name="mentor_loads")


def _group_loads(value: Any) -> tuple[GroupLoad, ...]:
    return field_records(value, GroupLoad, name="group_loads")


def _members(value: Any) -> tuple[Hashable, ...]:
    return field_items(value, name="mentors")


def _check_share(_: object, attribute: Any, value: Any) -> None:
    if value is not None and not (is_real(value) and 0 <= value <= 1):
        raise FieldError(f"{attribute.name} must be None or a number in [0, 1], got {value!r}")


def _units(value: Any) -> FrozenDict[str, int]:
    return _counts(value, name="units")


def _cohorts(value: Any) -> FrozenDict[str, int]:
    return _counts(value, name="cohorts")


@named_errors
@frozen(kw_only=True)
class MentorLoad:
    """One mentor's load and the mix of its mentees.

    Parameters
    ----------
    mentor
        The mentor id.
    mentees
        How many mentees it has.
    capacity
        How many it may have.
    units, cohorts
        Unit (or cohort) of its mentees -> count; ``"?"`` where unknown.

    Examples
    --------
    >>> import networkx as nx
    >>> from cadredev import match
    >>> g = nx.Graph([("ana", "wang")])
    >>> nx.set_node_attributes(g, {"ana": 0, "wang": 1}, "bipartite")
    >>> match(g).summary().mentor_loads[0]
    MentorLoad(wang: 1/1 mentees)

    .. versionadded:: 0.2
    """

    mentor: Hashable = field(validator=check_id)
    mentees: int = field(validator=int_field())
    capacity: int = field(validator=int_field())
    units: FrozenDict[str, int] = field(factory=FrozenDict, converter=_units)
    cohorts: FrozenDict[str, int] = field(factory=FrozenDict, converter=_cohorts)

    def __repr__(self) -> str:
        return f"MentorLoad({self.mentor}: {self.mentees}/{self.capacity} mentees)"


@named_errors
@frozen(kw_only=True)
class GroupLoad:
    """One group of mentors (a team, a unit) and its load against its own capacity.

    Parameters
    ----------
    group
        The group id.
    mentees
        How many mentees its mentors have together.
    capacity
        How many they may have together (``match(..., groups=...)``).
    mentors
        Its mentors' ids, by id.

    Examples
    --------
    >>> import networkx as nx
    >>> from cadredev import match
    >>> g = nx.Graph([("ana", "wang"), ("bo", "li")])
    >>> nx.set_node_attributes(g, {"ana": 0, "bo": 0, "wang": 1, "li": 1}, "bipartite")
    >>> match(g, groups={"east": (1, ["wang", "li"])}).summary().group_loads
    (GroupLoad(east: 1/1 mentees, 2 mentors),)

    .. versionadded:: 0.3
    """

    group: Hashable = field(validator=check_id)
    mentees: int = field(validator=int_field())
    capacity: int = field(validator=int_field())
    mentors: tuple[Hashable, ...] = field(default=(), converter=_members, validator=each_id)

    def __repr__(self) -> str:
        return (
            f"GroupLoad({self.group}: {self.mentees}/{self.capacity} mentees, "
            f"{len(self.mentors)} mentors)"
        )


@named_errors
@frozen(kw_only=True)
class MatchSummary:
    """Figures that describe a matching.

    Parameters
    ----------
    n_mentees, n_matched, n_pairs
        Mentees in the graph, mentees with at least one mentor, pairs.
    total_weight
        Sum of the chosen pairs' weights.
    cross_unit_share
        Share of pairs whose mentee and mentor units differ (pairs with both
        units known); ``None`` when no pair has unit information.
    mentor_loads
        One ``MentorLoad`` per mentor, by mentor id; :attr:`loads`,
        :attr:`units` and :attr:`cohorts` show them by mentor id.
    rank_profile
        Position of the chosen mentor in the mentee's own list by weight
        (1 = best) -> number of pairs.
    worst_off
        The matched mentee with the lowest pair weight (ties by id), or ``None``.
    group_loads
        One ``GroupLoad`` per group of mentors with a capacity of its own,
        by group id (empty without groups).

    Examples
    --------
    >>> import networkx as nx
    >>> from cadredev import match
    >>> g = nx.Graph([("ana", "wang")])
    >>> nx.set_node_attributes(g, {"ana": 0, "wang": 1}, "bipartite")
    >>> summary = match(g).summary()
    >>> summary
    MatchSummary(1/1 mentees matched, 1 pairs, total weight 1, cross-unit n/a, worst off ana)
    >>> summary.n_matched, dict(summary.loads)
    (1, {'wang': (1, 1)})

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       Per-mentor figures are stored as ``mentor_loads``; ``loads``,
       ``units`` and ``cohorts`` are derived from them.
    .. versionchanged:: 0.3
       ``group_loads``.
    """

    n_mentees: int = field(validator=int_field())
    n_matched: int = field(validator=int_field())
    n_pairs: int = field(validator=int_field())
    total_weight: float = field(validator=check_weight)
    cross_unit_share: float | None = field(validator=_check_share)
    mentor_loads: tuple[MentorLoad, ...] = field(converter=_loads)
    rank_profile: FrozenDict[int, int] = field(converter=_profile)
    worst_off: Hashable = field(default=None, validator=check_id)
    group_loads: tuple[GroupLoad, ...] = field(default=(), converter=_group_loads)

    @property
    def loads(self) -> FrozenDict[Hashable, tuple[int, int]]:
        """Mentor id -> (mentees, capacity)."""
        return FrozenDict({x.mentor: (x.mentees, x.capacity) for x in self.mentor_loads})

    @property
    def units(self) -> FrozenDict[Hashable, FrozenDict[str, int]]:
        """Mentor id -> unit of its mentees -> count (mentors with mentees only)."""
        return FrozenDict({x.mentor: x.units for x in self.mentor_loads if x.mentees})

    @property
    def cohorts(self) -> FrozenDict[Hashable, FrozenDict[str, int]]:
        """Mentor id -> cohort of its mentees -> count (mentors with mentees only)."""
        return FrozenDict({x.mentor: x.cohorts for x in self.mentor_loads if x.mentees})

    def _headline(self) -> str:
        share = "n/a" if self.cross_unit_share is None else f"{100 * self.cross_unit_share:.0f}%"
        return (
            f"{self.n_matched}/{self.n_mentees} mentees matched, {self.n_pairs} pairs, "
            f"total weight {self.total_weight:g}, cross-unit {share}, "
            f"worst off {self.worst_off}"
        )

    def __repr__(self) -> str:
        return f"MatchSummary({self._headline()})"

    def _profile(self) -> str:
        return "rank profile: " + ", ".join(f"#{r}: {k}" for r, k in self.rank_profile.items())

    @staticmethod
    def _mix(counts: Mapping[str, int]) -> str:
        return ", ".join(f"{u} {k}" for u, k in counts.items())

    def __str__(self) -> str:
        lines = [self._headline(), self._profile()]
        lines += [
            f"  {x.mentor}: {x.mentees}/{x.capacity}  {self._mix(x.units)}"
            for x in self.mentor_loads
        ]
        lines += [
            f"  group {x.group}: {x.mentees}/{x.capacity}  {', '.join(map(str, x.mentors))}"
            for x in self.group_loads
        ]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [
            (x.mentor, x.mentees, x.capacity, self._mix(x.units), self._mix(x.cohorts))
            for x in self.mentor_loads
        ]
        return html_table(
            f"{self._headline()}; {self._profile()}",
            ("mentor", "mentees", "capacity", "units", "cohorts"),
            rows,
        )


def summarise(table: Candidates, *, total_weight: float) -> MatchSummary:
    """Return the summary of the matching whose chosen pairs are ``table.chosen``."""
    chosen = table.chosen
    a_of = table.pair_mentees[chosen].tolist()
    b_of = table.pair_mentors[chosen].tolist()
    units: list[Counter[str]] = [Counter() for _ in range(len(table.mentors))]
    cohorts: list[Counter[str]] = [Counter() for _ in range(len(table.mentors))]
    cross = known = 0
    for a, b in zip(a_of, b_of, strict=True):
        ua, ub = table.mentee_units[a], table.mentor_units[b]
        units[b][ua if ua is not None else "?"] += 1
        cohort = table.mentee_cohorts[a]
        cohorts[b][cohort if cohort is not None else "?"] += 1
        if ua is not None and ub is not None:
            known += 1
            cross += ua != ub
    ranks = _mentee_ranks(table.pair_mentees, table.pair_weights)[chosen].tolist()
    mentees = table.mentees.tolist()
    worst = min(
        zip(
            table.pair_weights[chosen].tolist(),
            (id_key(mentees[a]) for a in a_of),
            a_of,
            strict=True,
        ),
        default=None,
    )
    loads = table.loads.tolist()
    return MatchSummary(
        n_mentees=len(mentees),
        n_matched=len(set(a_of)),
        n_pairs=len(a_of),
        total_weight=total_weight,
        cross_unit_share=(cross / known) if known else None,
        mentor_loads=tuple(
            MentorLoad(
                mentor=v,
                mentees=loads[j],
                capacity=int(table.capacities[j]),
                units=dict(units[j]),
                cohorts=dict(cohorts[j]),
            )
            for j, v in enumerate(table.mentors.tolist())
        ),
        rank_profile=dict(Counter(ranks)),
        worst_off=mentees[worst[2]] if worst is not None else None,
        group_loads=_groups(table),
    )


def _groups(table: Candidates) -> tuple[GroupLoad, ...]:
    """Return each group's load, capacity and mentors (none without groups)."""
    if table.groups is None or table.group_capacities is None or table.mentor_groups is None:
        return ()
    mentors, of = table.mentors.tolist(), table.mentor_groups.tolist()
    loads = table.group_loads.tolist()
    return tuple(
        GroupLoad(
            group=group,
            mentees=loads[k],
            capacity=int(table.group_capacities[k]),
            mentors=tuple(v for v, g in zip(mentors, of, strict=True) if g == k),
        )
        for k, group in enumerate(table.groups.tolist())
    )


def _mentee_ranks(eu: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Rank of each edge in its mentee's list by weight (1 = best); ties share a rank."""
    ranks = np.zeros(len(eu), dtype=np.int64)
    if not len(eu):
        return ranks
    order = np.lexsort((-w, eu))
    owner = eu[order]
    first = np.searchsorted(owner, owner)
    sw = w[order]
    pos = np.arange(len(order))
    new = np.ones(len(order), dtype=bool)
    new[1:] = (sw[1:] != sw[:-1]) | (owner[1:] != owner[:-1])
    start = np.maximum.accumulate(np.where(new, pos, 0))
    ranks[order] = start - first + 1
    return ranks
