"""The match function: pins, dispatch to a method, and the result with reasons."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Literal, TypeAlias

import attrs
import networkx as nx
import numpy as np

from cadredev._frozendict import FrozenDict
from cadredev._validate import id_key

from ._contract import EXCLUDED, Problem, bad, parse
from ._greedy import solve_greedy
from ._groups import check_groups, solve_grouped_greedy, solve_grouped_stable
from ._optimal import solve_optimal
from ._result import METHODS, Matching, Method, Source, derived_matching
from ._stable import solve_stable
from ._table import OBJECTIVES, TableContext

__all__ = [
    "ALL_FULL",
    "FORBIDDEN",
    "GROUP_FULL",
    "METHODS",
    "NOT_WORTH",
    "NO_CAPACITY",
    "NO_COMPATIBLE",
    "OBJECTIVES",
    "Balance",
    "Method",
    "Objective",
    "Proposing",
    "match",
]

Objective: TypeAlias = Literal["max_weight", "min_cost", "max_cardinality_then_weight"]
"""What ``match`` optimises (see :func:`match`)."""
Proposing: TypeAlias = Literal["mentee", "mentor"]
"""Which side proposes in the stable method."""
PROPOSING: tuple[str, ...] = ("mentee", "mentor")
Balance: TypeAlias = Literal["load"]
"""How ``match`` balances the mentors' loads among optimal solutions."""

# reasons given for unmatched mentees
NO_COMPATIBLE = "no compatible mentor"
ALL_FULL = "all compatible mentors full"
GROUP_FULL = "every compatible mentor with room is in a full group"
FORBIDDEN = "forbidden: every candidate mentor is excluded (回避)"
NOT_WORTH = "not matched: every remaining pair has negative weight"

NO_CAPACITY = "mentee capacity is 0"


def match(
    graph: nx.Graph[Any],
    *,
    method: Method = "optimal",
    pinned: Mapping[Any, Any] | Iterable[tuple[Any, Any]] | Matching | None = None,
    weight: str = "weight",
    objective: Literal["max_weight", "min_cost", "max_cardinality_then_weight"] = "max_weight",
    proposing: Literal["mentee", "mentor"] = "mentee",
    groups: Mapping[Any, tuple[int, Iterable[Any]]] | None = None,
    balance: Literal["load"] | None = None,
) -> Matching:
    """Match mentees to mentors with capacities.

    Every method is deterministic: the result depends only on the graph
    (not on insertion order), so there is no ``seed``.

    Parameters
    ----------
    graph
        A bipartite graph following the contract in :mod:`cadredev.matching`.
    method
        ``"optimal"``: the best matching for ``objective`` (by default
        maximum total weight, then the most pairs); remaining ties are
        resolved deterministically by solving over nodes and edges in id
        order, so the result depends only on the graph,
        not on insertion order. Float weights are compared on an integer grid
        fine enough for exact double arithmetic (integer weights exactly).
        ``"stable"``: mentee-proposing deferred acceptance (hospital /
        residents) with capacities on both sides; each side ranks by
        ``weight`` unless the edge carries ``mentee_score`` /
        ``mentor_score``; ties by id. The result is the mentee-optimal stable
        matching (the mentor-optimal one with ``proposing="mentor"``).
        ``"greedy"``: pairs by weight, highest first (ties by mentee id,
        then mentor id), while both have room.
    pinned
        Pairs kept as they are (a mapping mentee -> mentor, pairs, or a
        previous :class:`Matching`); the rest is optimised around them.
        ``graph.graph["required"]`` pairs are always pinned.
    weight
        The edge attribute read as the weight (any attribute: it must then
        be on every edge; ``"weight"`` defaults to 1 where missing).
    objective
        ``"max_weight"`` (default): maximum total weight, then most pairs;
        a pair of negative weight is never matched, by any method.
        ``"min_cost"``: the ``weight`` attribute is a cost: the most pairs,
        then the least total cost; every pair is acceptable, the stable and
        greedy methods rank cheaper pairs first, and the matching's weights
        are the negated costs (``total_weight`` is minus the total cost).
        ``"max_cardinality_then_weight"``: the most pairs, then the
        maximum total weight; every pair is acceptable, negative ones too.
        The stable and greedy methods follow their own rule; the objective
        only sets their ranking and which pairs are acceptable.
    proposing
        For the stable method: ``"mentee"`` (the mentee-optimal stable
        matching) or ``"mentor"`` (the mentor-optimal one). Ignored by the
        other methods.

    Returns
    -------
    Matching
        With ``by_role`` filled (one matching per role) for a role-typed graph.
        Its ``Candidates`` table is derived from the graph when first
        read (by ``explain``, ``summary``, ``==`` or writing a document), so
        matching itself does not pay for it.

    Raises
    ------
    InvalidInputError
        For a graph that breaks the contract (directed, multigraph, self loop,
        missing or invalid ``bipartite``, bad capacity, non-finite weight, an
        edge inside one side, a forbidden pair naming an unknown node or
        also required), a ``weight`` attribute missing on an edge, a pinned
        pair that is not an edge, is forbidden or exceeds a capacity, or an
        unknown method, objective or ``proposing``.

    Notes
    -----
    Ids are ordered by ``(str(id), repr(id))`` wherever an order is needed,
    so ids of mixed types (``1`` and ``"1"``) are fine.
    Pairs in ``graph.graph["forbidden"]`` are never matched, by any method,
    even when the graph has their edge: they are left out of the candidates
    and explained as forbidden.
    ``"optimal"`` with mentee capacity 1 expands each mentor into
    ``min(capacity, degree)`` slots, gives each mentee a private "unmatched"
    column and solves the rectangular assignment with scipy's sparse
    ``min_weight_full_bipartite_matching`` (LAPJVsp) on integer costs. A
    large assignment is first solved on candidate edges (each mentee's and
    each mentor's best ones) and accepted only with a proof of optimality
    for all edges: mentor prices read off the solution by shortest paths
    give a dual solution of equal value (otherwise the missing edges are
    added and it is solved again). When the weights are integers from 0 to
    255 (points, say), a problem of 10,000 mentees or more is solved in
    phases of shortest paths and maximum flows instead (a primal-dual
    method with at most ``max(weight) + 1`` phases of linear work), then
    certified the same way. With larger mentee capacities or ``groups``
    it takes the same phases (with a group layer) for such weights, and
    otherwise solves the b-matching linear program with HiGHS (the
    constraint matrix is totally unimodular, so the vertex solution is
    integral). ``"stable"`` and ``"greedy"`` run deferred
    acceptance in vectorised rounds; greedy is the stable matching of the
    common edge order (weight, then ids), which it equals.

    Examples
    --------
    >>> import networkx as nx
    >>> from cadredev import match
    >>> g = nx.Graph()
    >>> g.add_nodes_from(["ana", "bo", "cai"], bipartite=0)
    >>> g.add_nodes_from([("wang", {"capacity": 2}), ("li", {"capacity": 1})], bipartite=1)
    >>> g.add_weighted_edges_from(
    ...     [("ana", "wang", 3), ("ana", "li", 2), ("bo", "wang", 3), ("cai", "wang", 1)]
    ... )
    >>> match(g).pairs
    FrozenDict({'ana': 'li', 'bo': 'wang', 'cai': 'wang'})
    >>> match(g, method="greedy").total_weight
    6.0
    >>> g.graph["forbidden"] = {("bo", "wang"): "same office"}
    >>> match(g).pairs
    FrozenDict({'ana': 'wang', 'cai': 'wang'})
    >>> match(g, method="stable", proposing="mentor").pairs
    FrozenDict({'ana': 'wang', 'cai': 'wang'})
    >>> match(g, groups={"office": (1, ["wang", "li"])}).pairs
    FrozenDict({'ana': 'wang'})

    .. versionadded:: 0.1
    """
    _check_options(method, objective, proposing, weight)
    _check_levels(method, proposing, groups, balance)
    prob = _oriented(parse(graph, weight=weight), objective)
    grouping = check_groups(groups, prob)
    if grouping is not None and prob.roles is not None:
        raise bad("groups cannot be combined with a role-typed graph")
    context = TableContext(
        objective=objective,
        weight_name=weight,
        balance=balance,
        group_names=() if groups is None else tuple(sorted(groups, key=id_key)),
        grouping=grouping,
    )
    pins = _check_pinned(pinned, prob)
    everything = np.ones(len(prob.eu), dtype=bool)
    how = _How(
        method=method,
        usable=prob.w >= 0 if objective == "max_weight" else everything,
        cardinality=objective != "max_weight",
        proposing=proposing,
        grouping=grouping,
        balance=balance == "load",
    )
    if prob.roles is None:
        chosen = _solve(how, prob, everything, pins)
        return _matching(method, prob, chosen, everything, None, context)
    edge_role = np.array([prob.mentor_role[j] for j in prob.ev.tolist()], dtype=object)
    parts_by_role: dict[str, Matching] = {}
    chosen = np.zeros(len(prob.eu), dtype=bool)
    for role in prob.roles:
        sub = edge_role == role if len(edge_role) else np.zeros(0, dtype=bool)
        got = _solve(how, prob, sub, pins)
        chosen |= got & sub
        parts_by_role[role] = _matching(method, prob, got, sub, role, context)
    whole = _matching(method, prob, chosen, everything, None, context)
    return derived_matching(
        Source(
            problem=prob,
            chosen=chosen,
            sub=everything,
            unmatched=whole.unmatched,
            context=context,
        ),
        method=method,
        assignments=whole.assignments,
        total_weight=whole.total_weight,
        role=None,
        by_role=FrozenDict(parts_by_role),
    )


@attrs.frozen(kw_only=True)
class _How:
    """The options of one call of :func:`match`, as its solvers need them."""

    method: str
    usable: np.ndarray = attrs.field(eq=False)
    cardinality: bool
    proposing: str
    grouping: tuple[np.ndarray, np.ndarray] | None = attrs.field(eq=False)
    balance: bool


def _check_levels(method: str, proposing: str, groups: Any, balance: Any) -> None:
    """Check the ``groups`` and ``balance`` options against the method."""
    if balance is not None and balance != "load":
        raise bad(f"balance must be None or 'load', got {balance!r}")
    if balance is not None and method != "optimal":
        raise bad(f"balance='load' needs method='optimal', got {method!r}")
    if groups is not None and method == "stable" and proposing != "mentee":
        raise bad("groups with method='stable' need proposing='mentee'")


def _check_options(method: Any, objective: Any, proposing: Any, weight: Any) -> None:
    """Check the options of :func:`match`."""
    if method not in METHODS:
        raise bad(f"method must be one of {list(METHODS)}, got {method!r}")
    if objective not in OBJECTIVES:
        raise bad(f"objective must be one of {list(OBJECTIVES)}, got {objective!r}")
    if proposing not in PROPOSING:
        raise bad(f"proposing must be one of {list(PROPOSING)}, got {proposing!r}")
    if not isinstance(weight, str) or not weight:
        raise bad(f"weight must be the name of an edge attribute, got {weight!r}")


def _oriented(prob: Problem, objective: str) -> Problem:
    """Return the problem with its weights to maximise: costs negated for ``"min_cost"``."""
    if objective != "min_cost":
        return prob
    w = -prob.w + 0.0  # no -0.0
    return attrs.evolve(
        prob,
        w=w,
        s_mentee=w if prob.s_mentee is prob.w else prob.s_mentee,
        s_mentor=w if prob.s_mentor is prob.w else prob.s_mentor,
        weight_name=f"-{prob.weight_name}",
    )


def _pinned_items(pinned: Any) -> list[Any]:
    """Return ``pinned`` (a mapping, pairs or a :class:`Matching`) as a list of pairs."""
    if pinned is None:
        return []
    if isinstance(pinned, Matching):
        return list(pinned.assignments)
    if isinstance(pinned, Mapping):
        return list(pinned.items())
    if isinstance(pinned, str | bytes) or not isinstance(pinned, Iterable):
        raise bad(f"pinned must be a mapping or pairs (mentee, mentor), got {pinned!r}")
    return list(pinned)


def _check_pinned(pinned: Any, prob: Problem) -> list[int]:
    """Return the edge positions of the pinned and required pairs (validated)."""
    items = _pinned_items(pinned) + list(prob.required)
    a_pos = {u: i for i, u in enumerate(prob.mentees)}
    b_pos = {v: j for j, v in enumerate(prob.mentors)}
    m = len(prob.mentors)
    keys = prob.eu * m + prob.ev
    out: set[int] = set()
    for pair in items:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise bad(f"pinned pair must be (mentee, mentor), got {pair!r}")
        a, b = pair
        if a not in a_pos or b not in b_pos:
            raise bad(f"pinned pair ({a!r}, {b!r}): no such edge (need a mentee and a mentor)")
        if (a, b) in prob.forbidden:
            raise bad(f"pinned pair ({a!r}, {b!r}) is forbidden: {prob.forbidden[a, b]}")
        k = a_pos[a] * m + b_pos[b]
        e = int(np.searchsorted(keys, k))
        if e >= len(keys) or keys[e] != k:
            raise bad(f"pinned pair ({a!r}, {b!r}): no such edge in the graph")
        out.add(e)
    edges = sorted(out)
    _check_pinned_load(edges, prob)
    return edges


def _check_pinned_load(edges: list[int], prob: Problem) -> None:
    """Check the pinned edges fit the mentors' capacities and the mentees' slots."""
    per_b = Counter(int(prob.ev[e]) for e in edges)
    for j, count in per_b.items():
        if count > prob.mentor_cap[j]:
            raise bad(
                f"pinned pairs exceed mentor {prob.mentors[j]!r} capacity "
                f"{int(prob.mentor_cap[j])} ({count} pinned)"
            )
    per_a = Counter((int(prob.eu[e]), prob.mentor_role[int(prob.ev[e])]) for e in edges)
    for (i, role), count in per_a.items():
        cap = 1 if role is not None else int(prob.mentee_cap[i])
        if count > cap:
            what = f"role {role!r} slot" if role is not None else "capacity"
            raise bad(
                f"pinned pairs exceed mentee {prob.mentees[i]!r} {what} {cap} ({count} pinned)"
            )


def _solve(how: _How, prob: Problem, sub: np.ndarray, pinned: list[int]) -> np.ndarray:
    """Solve on the edges in the mask ``sub``, keeping the pinned ones; a mask over all edges."""
    cap_a = prob.mentee_cap.copy()
    if prob.roles is not None:
        cap_a = np.minimum(cap_a, 1)
    cap_b = prob.mentor_cap.copy()
    group_of, group_cap = how.grouping if how.grouping is not None else (None, None)
    if group_cap is not None:
        group_cap = group_cap.copy()
    chosen = np.zeros(len(prob.eu), dtype=bool)
    for e in pinned:
        if sub[e]:
            chosen[e] = True
            cap_a[prob.eu[e]] -= 1
            cap_b[prob.ev[e]] -= 1
            if group_of is not None and group_cap is not None and group_of[prob.ev[e]] >= 0:
                group_cap[group_of[prob.ev[e]]] -= 1
    if group_cap is not None and bool((group_cap < 0).any()):
        raise bad("pinned pairs exceed a group's capacity")
    rest = sub & ~chosen & how.usable
    if bool(rest.all()):  # nothing pinned, every edge in play: no copies
        eu, ev, w, s_a, s_b = prob.eu, prob.ev, prob.w, prob.s_mentee, prob.s_mentor
        free = None
    else:
        free = np.nonzero(rest)[0]
        eu, ev, w = prob.eu[free], prob.ev[free], prob.w[free]
        s_a = prob.s_mentee[free]
        s_b = s_a if prob.s_mentor is prob.s_mentee else prob.s_mentor[free]
    if how.method == "optimal":
        got = solve_optimal(
            eu,
            ev,
            w,
            cap_a,
            cap_b,
            cardinality=how.cardinality,
            group_of=group_of,
            group_cap=group_cap,
            balance=how.balance,
        )
    elif group_of is not None and group_cap is not None:
        if how.method == "greedy":
            got = solve_grouped_greedy(eu, ev, w, cap_a, cap_b, group_of, group_cap)
        else:
            got = solve_grouped_stable(eu, ev, s_a, s_b, cap_a, cap_b, group_of, group_cap)
    elif how.method == "greedy":
        got = solve_greedy(eu, ev, w, cap_a, cap_b)
    elif how.proposing == "mentee":
        got = solve_stable(eu, ev, s_a, s_b, cap_a, cap_b)
    else:  # the same deferred acceptance with the sides swapped
        got = solve_stable(ev, eu, s_b, s_a, cap_b, cap_a)
    if free is None:
        chosen |= got
    else:
        chosen[free[got]] = True
    return chosen


def _matching(  # noqa: PLR0917  (private: one matching's parts)
    method: str,
    prob: Problem,
    chosen: np.ndarray,
    sub: np.ndarray,
    role: str | None,
    context: TableContext,
) -> Matching:
    """Return the :class:`Matching` of the chosen edges among ``sub``, with reasons."""
    grouping = context.grouping
    mentees, mentors = prob.mentees, prob.mentors
    idx = np.nonzero(chosen & sub)[0]
    pairs = tuple(
        zip(
            map(mentees.__getitem__, prob.eu[idx].tolist()),
            map(mentors.__getitem__, prob.ev[idx].tolist()),
            strict=True,
        )
    )  # edges are in (mentee, mentor) id order already
    group_room = None
    if grouping is not None:
        group_of, group_cap = grouping
        mine = group_of[prob.ev[idx]]
        load = np.bincount(mine[mine >= 0], minlength=len(group_cap))
        slot = np.where(group_of >= 0, group_of, len(group_cap))  # no group: a roomy one
        group_room = np.append(load, 0)[slot] < np.append(group_cap, 1)[slot]
    unmatched = _unmatched(method, prob, idx, sub, role, group_room)
    return derived_matching(
        Source(
            problem=prob,
            chosen=chosen & sub,
            sub=sub,
            unmatched=FrozenDict(dict(sorted(unmatched.items(), key=lambda kv: id_key(kv[0])))),
            context=context,
        ),
        method=method,
        assignments=pairs,
        total_weight=float(math.fsum(prob.w[idx].tolist())),
        role=role,
        by_role=FrozenDict(),
    )


def _unmatched(  # noqa: PLR0917  (private: one matching's parts)
    method: str,
    prob: Problem,
    idx: np.ndarray,
    sub: np.ndarray,
    role: str | None,
    group_room: np.ndarray | None = None,
) -> dict[Hashable, str]:
    """Mentee id -> why, for the mentees without a chosen edge (``idx``) among ``sub``.

    ``group_room`` tells, per mentor, whether its group (if any) has room.
    """
    matched = np.zeros(len(prob.mentees), dtype=bool)
    matched[prob.eu[idx]] = True
    load = np.bincount(prob.ev[idx], minlength=len(prob.mentors))
    has_edge = np.zeros(len(prob.mentees), dtype=bool)
    has_edge[prob.eu[sub]] = True
    forbidden_of: dict[Hashable, set[str]] = {}
    for (a, b), why in prob.forbidden.items():
        if role is None or prob.role_of(b) == role:
            forbidden_of.setdefault(a, set()).add(why)
    sub_idx = np.nonzero(sub)[0]
    sub_eu = prob.eu[sub_idx]
    out: dict[Hashable, str] = {}
    for i in np.nonzero(~matched)[0].tolist():
        u = prob.mentees[i]
        if prob.mentee_cap[i] == 0:
            out[u] = NO_CAPACITY
        elif not has_edge[i]:
            out[u] = _forbidden_reason(forbidden_of[u]) if u in forbidden_of else NO_COMPATIBLE
        else:
            lo, hi = np.searchsorted(sub_eu, [i, i + 1])
            mine = sub_idx[lo:hi]
            room = load[prob.ev[mine]] < prob.mentor_cap[prob.ev[mine]]
            if not room.any():
                out[u] = ALL_FULL
            elif group_room is not None and not (room & group_room[prob.ev[mine]]).any():
                out[u] = GROUP_FULL
            elif bool(np.all(prob.w[mine][_open(room, group_room, prob.ev[mine])] < 0)):
                out[u] = NOT_WORTH
            else:
                out[u] = f"not matched by the {method} method"
    return out


def _open(room: np.ndarray, group_room: np.ndarray | None, mentors: np.ndarray) -> np.ndarray:
    """Mask the candidates whose mentor has room, and whose group (if any) too."""
    return room if group_room is None else room & group_room[mentors]


def _forbidden_reason(whys: set[str]) -> str:
    """Why a mentee whose every candidate is forbidden is unmatched."""
    if whys == {EXCLUDED}:
        return FORBIDDEN
    return f"forbidden: every candidate mentor is kept out ({'; '.join(sorted(whys))})"
