"""The result of matching: a matching that explains itself, its summary and diff."""

from __future__ import annotations

import functools
import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
from attrs import field, frozen

from cadredev._display import html_table, need_pandas
from cadredev._frozendict import FrozenDict
from cadredev._validate import id_key
from cadredev.errors import InvalidInputError

from ._contract import Pair, Problem, pair_key, parse

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Context", "MatchDiff", "MatchExplanation", "MatchSummary", "Matching"]


@frozen(kw_only=True)
class MatchExplanation:
    """Why a mentee got its mentor(s), or none.

    Parameters
    ----------
    mentee
        The mentee id.
    mentors
        The chosen mentor ids (empty when unmatched).
    weight
        Total weight of the chosen pairs.
    components
        Criterion -> contribution for each chosen mentor (when the edges
        carry ``components``).
    alternatives
        The best other candidates, as ``(mentor, weight, why not)``.
    forbidden
        Mentors excluded for this mentee (回避).
    reason
        For an unmatched mentee, why; empty otherwise.

    Examples
    --------
    >>> import networkx as nx
    >>> from cadredev import match
    >>> g = nx.Graph([("ana", "wang", {"weight": 2.0}), ("ana", "li", {"weight": 1.0})])
    >>> nx.set_node_attributes(g, {"ana": 0, "wang": 1, "li": 1}, "bipartite")
    >>> ex = match(g).explain("ana")
    >>> ex.mentors, ex.alternatives
    (('wang',), (('li', 1.0, 'lower weight (1 < 2)'),))

    .. versionadded:: 0.1
    """

    mentee: Hashable
    mentors: tuple[Hashable, ...]
    weight: float
    components: FrozenDict[Hashable, FrozenDict[str, float]]
    alternatives: tuple[tuple[Hashable, float, str], ...]
    forbidden: tuple[Hashable, ...]
    reason: str

    def _headline(self) -> str:
        if self.mentors:
            mentors = ", ".join(map(str, self.mentors))
            return f"{self.mentee} -> {mentors} (weight {self.weight:g})"
        return f"{self.mentee}: unmatched ({self.reason})"

    def __str__(self) -> str:
        lines = [self._headline()]
        for mentor, parts in self.components.items():
            text = ", ".join(f"{k} {v:g}" for k, v in parts.items())
            lines.append(f"  {mentor}: {text}")
        lines.extend(f"  not {v} ({w:g}): {why}" for v, w, why in self.alternatives)
        if self.forbidden:
            lines.append(f"  forbidden: {', '.join(map(str, self.forbidden))}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows: list[tuple[Any, ...]] = [
            (mentor, math.fsum(parts.values()), ", ".join(f"{k} {v:g}" for k, v in parts.items()))
            for mentor, parts in self.components.items()
        ]
        rows += [(v, w, f"not chosen: {why}") for v, w, why in self.alternatives]
        rows += [(v, "", "forbidden") for v in self.forbidden]
        return html_table(self._headline(), ("mentor", "weight", "why"), rows)


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
    loads
        Mentor id -> (mentees, capacity).
    units, cohorts
        Mentor id -> unit (or cohort) of its mentees -> count.
    rank_profile
        Position of the chosen mentor in the mentee's own list by weight
        (1 = best) -> number of pairs.
    worst_off
        The matched mentee with the lowest pair weight (ties by id), or ``None``.

    Examples
    --------
    >>> import networkx as nx
    >>> from cadredev import match
    >>> g = nx.Graph([("ana", "wang")])
    >>> nx.set_node_attributes(g, {"ana": 0, "wang": 1}, "bipartite")
    >>> match(g).summary().n_matched
    1

    .. versionadded:: 0.1
    """

    n_mentees: int
    n_matched: int
    n_pairs: int
    total_weight: float
    cross_unit_share: float | None
    loads: FrozenDict[Hashable, tuple[int, int]]
    units: FrozenDict[Hashable, FrozenDict[str, int]]
    cohorts: FrozenDict[Hashable, FrozenDict[str, int]]
    rank_profile: FrozenDict[int, int]
    worst_off: Hashable | None

    def _headline(self) -> str:
        share = "n/a" if self.cross_unit_share is None else f"{100 * self.cross_unit_share:.0f}%"
        return (
            f"{self.n_matched}/{self.n_mentees} mentees matched, {self.n_pairs} pairs, "
            f"total weight {self.total_weight:g}, cross-unit {share}, "
            f"worst off {self.worst_off}"
        )

    def _profile(self) -> str:
        return "rank profile: " + ", ".join(f"#{r}: {k}" for r, k in self.rank_profile.items())

    @staticmethod
    def _mix(counts: Mapping[str, int]) -> str:
        return ", ".join(f"{u} {k}" for u, k in counts.items())

    def __str__(self) -> str:
        lines = [self._headline(), self._profile()]
        for mentor, (load, cap) in self.loads.items():
            lines.append(f"  {mentor}: {load}/{cap}  {self._mix(self.units.get(mentor, {}))}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [
            (
                mentor,
                load,
                cap,
                self._mix(self.units.get(mentor, {})),
                self._mix(self.cohorts.get(mentor, {})),
            )
            for mentor, (load, cap) in self.loads.items()
        ]
        return html_table(
            f"{self._headline()}; {self._profile()}",
            ("mentor", "mentees", "capacity", "units", "cohorts"),
            rows,
        )


@frozen(kw_only=True)
class MatchDiff:
    """What changed between two matchings.

    Parameters
    ----------
    added
        Pairs in the new matching only.
    removed
        Pairs in the old matching only.
    moved
        Mentees whose mentors changed.
    kept
        Number of pairs in both.

    Examples
    --------
    >>> import networkx as nx
    >>> from cadredev import match
    >>> g = nx.Graph([("ana", "wang"), ("ana", "li")])
    >>> nx.set_node_attributes(g, {"ana": 0, "wang": 1, "li": 1}, "bipartite")
    >>> a = match(g)
    >>> b = match(g, pinned={"ana": "wang"})
    >>> a.diff(b).moved
    ('ana',)

    .. versionadded:: 0.1
    """

    added: tuple[Pair, ...]
    removed: tuple[Pair, ...]
    moved: tuple[Hashable, ...]
    kept: int

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


@frozen(kw_only=True)
class Context:
    """What a matching needs to explain itself (not part of equality)."""

    problem: Problem
    chosen: np.ndarray


@frozen(kw_only=True)
class Matching:
    """A many-to-one (or many-to-many) matching of mentees to mentors.

    Parameters
    ----------
    method
        ``"optimal"``, ``"stable"`` or ``"greedy"``.
    assignments
        All chosen ``(mentee, mentor)`` pairs, sorted by id.
    unmatched
        Mentee id -> reason, for mentees without any mentor.
    total_weight
        Sum of the chosen pairs' weights.
    role
        The role this matching covers in a role-typed graph, else ``None``.
    by_role
        Role -> :class:`Matching` of that role (empty without roles).

    Examples
    --------
    >>> import networkx as nx
    >>> from cadredev import match
    >>> g = nx.Graph([("ana", "wang", {"weight": 2.0}), ("bo", "wang", {"weight": 1.0})])
    >>> nx.set_node_attributes(g, {"ana": 0, "bo": 0, "wang": 1}, "bipartite")
    >>> result = match(g)
    >>> result.pairs
    FrozenDict({'ana': 'wang'})
    >>> dict(result.unmatched)
    {'bo': 'all compatible mentors full'}
    >>> result.mentees_of("wang")
    ('ana',)

    .. versionadded:: 0.1
    """

    method: str
    assignments: tuple[Pair, ...]
    unmatched: FrozenDict[Hashable, str]
    total_weight: float
    role: str | None = None
    by_role: FrozenDict[str, Matching] = field(factory=FrozenDict)
    _context: Context | None = field(default=None, eq=False, repr=False, alias="context")

    @functools.cached_property
    def pairs(self) -> FrozenDict[Hashable, Any]:
        """Mentee id -> mentor id, sorted by mentee.

        A mentee with several mentors (role-typed slots, mentee capacity > 1)
        maps to the sorted tuple of their ids.
        """
        grouped: dict[Hashable, list[Hashable]] = defaultdict(list)
        for a, b in self.assignments:
            grouped[a].append(b)
        return FrozenDict({a: (bs[0] if len(bs) == 1 else tuple(bs)) for a, bs in grouped.items()})

    def mentees_of(self, mentor: Hashable) -> tuple[Hashable, ...]:
        """Return the mentees matched to ``mentor``, sorted by id."""
        return tuple(a for a, b in self.assignments if b == mentor)

    def mentors_of(self, mentee: Hashable) -> tuple[Hashable, ...]:
        """Return the mentors matched to ``mentee``, sorted by id."""
        return tuple(b for a, b in self.assignments if a == mentee)

    def _ctx(self) -> Context:
        if self._context is None:  # pragma: no cover - match always sets it
            raise InvalidInputError("Matching: built without a graph; use match()")
        return self._context

    def explain(self, mentee: Hashable, *, alternatives: int = 3) -> MatchExplanation:
        """Explain the mentee's pair(s): contributions, best alternatives and why not.

        Raises
        ------
        InvalidInputError
            If ``mentee`` is not a mentee of the graph.
        """
        prob, chosen = self._ctx().problem, self._ctx().chosen
        try:
            i = prob.mentees.index(mentee)
        except ValueError:
            raise InvalidInputError(f"Matching.explain: {mentee!r} is not a mentee") from None
        lo, hi = np.searchsorted(prob.eu, [i, i + 1])
        edges = [
            e
            for e in range(int(lo), int(hi))
            if self.role is None or prob.mentor_role[int(prob.ev[e])] == self.role
        ]
        own = [e for e in edges if chosen[e]]
        comps: dict[Hashable, FrozenDict[str, float]] = {}
        for e in own:
            parts = prob.components(e)
            comps[prob.mentors[int(prob.ev[e])]] = FrozenDict(
                parts if parts is not None else {"weight": float(prob.w[e])}
            )
        load = np.bincount(prob.ev[chosen], minlength=len(prob.mentors))
        worst = min((float(prob.w[e]) for e in own), default=None)
        others = sorted(
            (e for e in edges if not chosen[e]),
            key=lambda e: (-float(prob.w[e]), id_key(prob.mentors[int(prob.ev[e])])),
        )[:alternatives]
        banned = (
            b
            for a, b in prob.forbidden
            if a == mentee and (self.role is None or prob.role_of(b) == self.role)
        )
        return MatchExplanation(
            mentee=mentee,
            mentors=tuple(prob.mentors[int(prob.ev[e])] for e in own),
            weight=float(sum(float(prob.w[e]) for e in own)),
            components=FrozenDict(comps),
            alternatives=tuple(
                (prob.mentors[int(prob.ev[e])], float(prob.w[e]), self._why_not(e, load, worst))
                for e in others
            ),
            forbidden=tuple(sorted(banned, key=id_key)),
            reason=self.unmatched.get(mentee, ""),
        )

    def _why_not(self, e: int, load: np.ndarray, worst: float | None) -> str:
        """Why edge ``e`` (of the mentee being explained) was not chosen."""
        prob = self._ctx().problem
        j = int(prob.ev[e])
        we = float(prob.w[e])
        if worst is not None and we < worst:
            return f"lower weight ({we:g} < {worst:g})"
        if load[j] >= prob.mentor_cap[j]:
            return f"full (capacity {int(prob.mentor_cap[j])})"
        if worst is not None and we == worst:
            return "equal weight; tie broken by id"
        if self.method == "stable":
            return "ranked lower by the mentee's own scores"
        if we < 0:
            return f"negative weight ({we:g})"
        return "not chosen by the method"

    def blocking_pairs(self, graph: nx.Graph[Any]) -> tuple[Pair, ...]:
        """Return the pairs of ``graph`` that would both rather be together.

        A pair ``(a, b)`` not in the matching blocks it when ``a`` has a free
        slot or strictly prefers ``b`` to one of its mentors (of ``b``'s role
        in a role-typed graph), and ``b`` has a free slot or strictly prefers
        ``a`` to one of its mentees. Preferences follow ``mentee_score`` /
        ``mentor_score`` where present, else ``weight``. Empty for a stable
        matching.
        """
        prob = parse(graph)
        held = set(self.assignments)
        mentees, mentors, roles = prob.mentees, prob.mentors, prob.mentor_role
        in_m = np.array(
            [
                (mentees[a], mentors[b]) in held
                for a, b in zip(prob.eu.tolist(), prob.ev.tolist(), strict=True)
            ],
            dtype=bool,
        )
        # worst current score and load per mentee (per role) and per mentor
        a_worst: dict[tuple[int, str | None], float] = {}
        a_load: Counter[tuple[int, str | None]] = Counter()
        b_worst: dict[int, float] = {}
        b_load: Counter[int] = Counter()
        for e in np.nonzero(in_m)[0].tolist():
            a, b = int(prob.eu[e]), int(prob.ev[e])
            key = (a, roles[b])
            a_load[key] += 1
            a_worst[key] = min(a_worst.get(key, math.inf), float(prob.s_mentee[e]))
            b_load[b] += 1
            b_worst[b] = min(b_worst.get(b, math.inf), float(prob.s_mentor[e]))
        out: list[Pair] = []
        for e in np.nonzero(~in_m)[0].tolist():
            a, b = int(prob.eu[e]), int(prob.ev[e])
            key = (a, roles[b])
            cap_a = 1 if roles[b] is not None else int(prob.mentee_cap[a])
            a_wants = a_load[key] < cap_a or float(prob.s_mentee[e]) > a_worst.get(key, math.inf)
            b_wants = b_load[b] < prob.mentor_cap[b] or float(prob.s_mentor[e]) > b_worst.get(
                b, math.inf
            )
            if cap_a > 0 and prob.mentor_cap[b] > 0 and a_wants and b_wants:
                out.append((mentees[a], mentors[b]))
        return tuple(sorted(out, key=pair_key))

    def summary(self) -> MatchSummary:
        """Return loads, unit and cohort mix per mentor, cross-unit share, rank profile."""
        prob, chosen = self._ctx().problem, self._ctx().chosen
        load = np.bincount(prob.ev[chosen], minlength=len(prob.mentors))
        loads = {v: (int(load[j]), int(prob.mentor_cap[j])) for j, v in enumerate(prob.mentors)}
        units: dict[Hashable, Counter[str]] = defaultdict(Counter)
        cohorts: dict[Hashable, Counter[str]] = defaultdict(Counter)
        cross = known = 0
        ranks = _mentee_ranks(prob)
        profile: Counter[int] = Counter()
        worst: tuple[float, tuple[str, str], Hashable] | None = None
        for e in np.nonzero(chosen)[0].tolist():
            a, b = int(prob.eu[e]), int(prob.ev[e])
            ua = prob.mentee_attrs[a].get("unit")
            ub = prob.mentor_attrs[b].get("unit")
            v = prob.mentors[b]
            units[v][str(ua) if ua is not None else "?"] += 1
            ca = prob.mentee_attrs[a].get("cohort")
            cohorts[v][str(ca) if ca is not None else "?"] += 1
            if ua is not None and ub is not None:
                known += 1
                cross += ua != ub
            profile[int(ranks[e])] += 1
            cand = (float(prob.w[e]), id_key(prob.mentees[a]), prob.mentees[a])
            if worst is None or cand[:2] < worst[:2]:
                worst = cand
        return MatchSummary(
            n_mentees=len(prob.mentees),
            n_matched=len({a for a, _ in self.assignments}),
            n_pairs=len(self.assignments),
            total_weight=self.total_weight,
            cross_unit_share=(cross / known) if known else None,
            loads=FrozenDict(loads),
            units=FrozenDict({k: FrozenDict(dict(c)) for k, c in units.items()}),
            cohorts=FrozenDict({k: FrozenDict(dict(c)) for k, c in cohorts.items()}),
            rank_profile=FrozenDict(dict(profile)),
            worst_off=worst[2] if worst is not None else None,
        )

    def diff(self, other: Matching) -> MatchDiff:
        """Return what moved from this matching to ``other``.

        Raises
        ------
        InvalidInputError
            If ``other`` is not a :class:`Matching`.
        """
        if not isinstance(other, Matching):
            raise InvalidInputError(f"Matching.diff: other must be a Matching, got {other!r}")
        old, new = set(self.assignments), set(other.assignments)
        return MatchDiff(
            added=tuple(sorted(new - old, key=pair_key)),
            removed=tuple(sorted(old - new, key=pair_key)),
            moved=tuple(sorted({a for a, _ in old ^ new}, key=id_key)),
            kept=len(old & new),
        )

    def to_pandas(self) -> pd.DataFrame:
        """Return one row per pair and per unmatched mentee.

        Columns: ``mentee``, ``mentor`` (``None`` when unmatched), ``weight``,
        ``reason``.

        Raises
        ------
        MissingDependencyError
            If pandas is not installed.
        """
        frame: pd.DataFrame = need_pandas("Matching.to_pandas()").DataFrame(
            self._rows(), columns=["mentee", "mentor", "weight", "reason"]
        )
        return frame

    def _rows(self) -> list[tuple[Hashable, Hashable | None, float, str]]:
        """One row per pair (by id) and per unmatched mentee (by id)."""
        weights = self._pair_weights()
        rows: list[tuple[Hashable, Hashable | None, float, str]] = [
            (a, b, weights.get((a, b), 0.0), "") for a, b in self.assignments
        ]
        rows += [(a, None, 0.0, why) for a, why in self.unmatched.items()]
        return rows

    def _pair_weights(self) -> dict[Pair, float]:
        if self._context is None:  # pragma: no cover
            return {}
        prob, chosen = self._context.problem, self._context.chosen
        return {
            (prob.mentees[int(prob.eu[e])], prob.mentors[int(prob.ev[e])]): float(prob.w[e])
            for e in np.nonzero(chosen)[0].tolist()
        }

    def __len__(self) -> int:
        return len(self.assignments)

    def _repr_html_(self) -> str:
        role = f", role {self.role}" if self.role else ""
        title = (
            f"Matching ({self.method}{role}): {len(self.assignments)} pairs, "
            f"{len(self.unmatched)} unmatched, total weight {self.total_weight:g}"
        )
        rows = [
            (a, b, w, why) if b is not None else (a, "", "", why) for a, b, w, why in self._rows()
        ]
        return html_table(title, ("mentee", "mentor", "weight", "reason"), rows)


def _mentee_ranks(prob: Problem) -> np.ndarray:
    """Rank of each edge in its mentee's list by weight (1 = best); ties share a rank."""
    ranks = np.zeros(len(prob.eu), dtype=np.int64)
    if not len(prob.eu):
        return ranks
    order = np.lexsort((-prob.w, prob.eu))
    owner = prob.eu[order]
    first = np.searchsorted(owner, owner)
    sw = prob.w[order]
    pos = np.arange(len(order))
    new = np.ones(len(order), dtype=bool)
    new[1:] = (sw[1:] != sw[:-1]) | (owner[1:] != owner[:-1])
    start = np.maximum.accumulate(np.where(new, pos, 0))
    ranks[order] = start - first + 1
    return ranks
