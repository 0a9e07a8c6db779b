"""The graph contract: a bipartite networkx graph read into canonical arrays.

:func:`parse` checks a graph against the contract described in
:mod:`cadredev.matching` and returns a :class:`Problem`: mentees and mentors
sorted by :func:`~cadredev._validate.id_key`, edges sorted by (mentee,
mentor), and the capacities, weights and scores as numpy arrays. The graph
is read through networkx's public API only.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from itertools import chain, compress
from typing import Any, NoReturn, TypeAlias, cast

import networkx as nx
import numpy as np
from attrs import field, frozen

from cadredev._validate import id_key, is_int, is_real
from cadredev.errors import InvalidInputError

__all__ = ["EXCLUDED", "Pair", "Problem", "bad", "pair_key", "parse"]

Pair: TypeAlias = tuple[Hashable, Hashable]

EXCLUDED = "excluded (回避)"
"""Why a pair in ``graph.graph["forbidden"]`` is forbidden, when the graph does not say."""

_FAST_NUMBERS = {float, int, np.float64, np.float32, np.int64, np.int32}
_INT_TYPES = {int, np.int64, np.int32}


@frozen(kw_only=True)
class Problem:
    """The graph as canonical arrays (mentees and mentors sorted by id).

    Edge ``e`` joins mentee ``mentees[eu[e]]`` and mentor ``mentors[ev[e]]``
    with weight ``w[e]``; edges are sorted by ``(eu, ev)``. ``adjacency``
    maps each node to its neighbours' edge attribute dicts (the graph's
    own), for what explanations read from the edges.
    """

    mentees: tuple[Hashable, ...]
    mentors: tuple[Hashable, ...]
    mentee_cap: np.ndarray
    mentor_cap: np.ndarray
    eu: np.ndarray
    ev: np.ndarray
    w: np.ndarray
    s_mentee: np.ndarray
    s_mentor: np.ndarray
    mentor_role: tuple[str | None, ...]
    roles: tuple[str, ...] | None
    forbidden: Mapping[Pair, str]
    required: tuple[Pair, ...]
    mentee_attrs: tuple[Mapping[str, Any], ...]
    mentor_attrs: tuple[Mapping[str, Any], ...]
    adjacency: Mapping[Hashable, Mapping[Hashable, Mapping[str, Any]]] = field(eq=False, repr=False)
    weight_name: str = "weight"
    """What ``w`` holds: ``"weight"``, another edge attribute, or ``"-cost"`` (negated)."""

    def role_of(self, mentor: Hashable) -> str | None:
        """Return the role of ``mentor`` (``None`` without roles or for an unknown id)."""
        try:
            return self.mentor_role[self.mentors.index(mentor)]
        except ValueError:
            return None

    def components(self, e: int) -> dict[str, float] | None:
        """Return the ``components`` of edge ``e``, or ``None`` if it has none.

        Components break down ``weight`` only: with another weight attribute
        there are none.
        """
        if self.weight_name != "weight":
            return None
        mentee, mentor = self.mentees[int(self.eu[e])], self.mentors[int(self.ev[e])]
        parts = self.adjacency.get(mentee, {}).get(mentor, {}).get("components")
        if not isinstance(parts, Mapping):
            return None
        for k, v in parts.items():
            if not is_real(v):
                pair = (mentee, mentor)
                raise bad(f"edge {pair!r}: component {k!r} must be a finite number, got {v!r}")
        return {str(k): float(v) for k, v in parts.items()}


def bad(msg: str) -> InvalidInputError:
    """Return the error :func:`~cadredev.matching.match` raises for bad input."""
    return InvalidInputError(f"match: {msg}")


def pair_key(pair: Pair) -> tuple[tuple[str, str], tuple[str, str]]:
    """Sort key for (mentee, mentor) pairs: both ids by :func:`~cadredev._validate.id_key`."""
    return (id_key(pair[0]), id_key(pair[1]))


def _sort_ids(ids: list[Hashable]) -> None:
    """Sort node ids in place by :func:`~cadredev._validate.id_key`."""
    if all(type(x) is str for x in ids):
        cast("list[str]", ids).sort()  # for str ids the same order as id_key, faster
    else:
        ids.sort(key=id_key)


def parse(graph: Any, *, weight: str = "weight") -> Problem:
    """Check ``graph`` against the contract and return it as a :class:`Problem`.

    ``weight`` names the edge attribute read as the weight: ``"weight"``
    defaults to 1 on an edge without it, any other attribute must be on
    every edge. Forbidden pairs (``graph.graph["forbidden"]``) must name a
    mentee and a mentor and are left out of the edges; a pair both
    forbidden and required is an error.

    Raises
    ------
    InvalidInputError
        Naming the node or edge and the value, for a graph that breaks the
        contract.
    """
    if not isinstance(graph, nx.Graph):
        raise bad(f"graph must be a networkx.Graph, got {type(graph).__name__}")
    if graph.is_directed():
        raise bad("graph must be undirected, got a directed graph")
    if graph.is_multigraph():
        raise bad("graph must be a simple Graph, got a multigraph")
    # the graph's own attribute dicts through the public views; only the
    # outer node -> dict mappings are copied
    nodes: dict[Hashable, Mapping[str, Any]] = dict(graph.nodes(data=True))
    adj: dict[Hashable, Mapping[Hashable, Mapping[str, Any]]] = dict(graph.adjacency())
    mentees, mentors = _sides(nodes)
    roles, mentor_role = _roles(graph, nodes, mentors)
    eu, ev, datas = _edges(adj, mentees, mentors)
    forbidden = _forbidden(graph.graph.get("forbidden", ()), nodes)
    required = tuple(graph.graph.get("required", ()))
    clash = sorted((p for p in map(tuple, required) if p in forbidden), key=pair_key)
    if clash:
        raise bad(f"pair {clash[0]!r} is both forbidden and required")
    if forbidden:
        eu, ev, datas = _drop_forbidden(eu, ev, datas, forbidden, mentees, mentors)
    w, weight_only = _weights(datas, eu, ev, mentees, mentors, weight)
    # canonical edge order: by mentee, then mentor
    key = eu * max(1, len(mentors)) + ev
    order = None
    if len(key) and not bool(np.all(key[1:] > key[:-1])):
        order = np.argsort(key)
        eu, ev, w = eu[order], ev[order], w[order]
    s_mentee, s_mentor = w, w
    keys: set[str] = set() if weight_only or not datas else set().union(*datas)
    if "mentee_score" in keys or "mentor_score" in keys:
        ordered = datas if order is None else [datas[k] for k in order.tolist()]
        pairs = [(mentees[a], mentors[b]) for a, b in zip(eu.tolist(), ev.tolist(), strict=True)]
        s_mentee = _scores(ordered, pairs, "mentee_score", w)
        s_mentor = _scores(ordered, pairs, "mentor_score", w)
    return Problem(
        mentees=tuple(mentees),
        mentors=tuple(mentors),
        mentee_cap=_capacities(mentees, nodes),
        mentor_cap=_capacities(mentors, nodes),
        eu=eu,
        ev=ev,
        w=w,
        s_mentee=s_mentee,
        s_mentor=s_mentor,
        mentor_role=mentor_role,
        roles=roles,
        forbidden=forbidden,
        required=required,
        mentee_attrs=tuple(map(nodes.__getitem__, mentees)),
        mentor_attrs=tuple(map(nodes.__getitem__, mentors)),
        adjacency=adj,
        weight_name=weight,
    )


def _forbidden(value: Any, nodes: Mapping[Hashable, Mapping[str, Any]]) -> dict[Pair, str]:
    """Return the forbidden pairs with why: a mapping pair -> reason, or pairs (回避).

    Each pair must name a mentee, then a mentor, of the graph.
    """
    items = value.items() if isinstance(value, Mapping) else ((pair, EXCLUDED) for pair in value)
    out: dict[Pair, str] = {}
    for pair, why in items:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise bad(f"graph.graph['forbidden']: expected (mentee, mentor) pairs, got {pair!r}")
        a, b = pair
        for node, side, label in ((a, 0, "mentee"), (b, 1, "mentor")):
            try:
                known = nodes[node].get("bipartite") == side
            except (KeyError, TypeError):
                known = False
            if not known:
                raise bad(
                    f"graph.graph['forbidden'] pair {(a, b)!r}: {node!r} is not a {label} "
                    "of the graph"
                )
        out[a, b] = str(why)
    return out


def _drop_forbidden(  # noqa: PLR0917  (private: the arrays of one problem)
    eu: np.ndarray,
    ev: np.ndarray,
    datas: list[Mapping[str, Any]],
    forbidden: Mapping[Pair, str],
    mentees: list[Hashable],
    mentors: list[Hashable],
) -> tuple[np.ndarray, np.ndarray, list[Mapping[str, Any]]]:
    """Leave the forbidden pairs out of the edges: a forbidden pair is never matched."""
    a_pos = {u: i for i, u in enumerate(mentees)}
    b_pos = {v: j for j, v in enumerate(mentors)}
    m = max(1, len(mentors))
    banned = np.array([a_pos[a] * m + b_pos[b] for a, b in forbidden], dtype=np.int64)
    keep = ~np.isin(eu * m + ev, banned)
    if bool(keep.all()):
        return eu, ev, datas
    return eu[keep], ev[keep], list(compress(datas, keep.tolist()))


def _sides(nodes: Mapping[Hashable, Mapping[str, Any]]) -> tuple[list[Hashable], list[Hashable]]:
    """Split the nodes by ``bipartite`` into mentees and mentors, each sorted by id."""
    sides = [data.get("bipartite") for data in nodes.values()]
    mentees: list[Hashable]
    mentors: list[Hashable]
    if set(map(type, sides)) <= {int} and set(sides) <= {0, 1}:
        mentors = list(compress(nodes, sides))
        mentees = list(compress(nodes, [side == 0 for side in sides]))
    else:
        mentees, mentors = [], []
        for node, side in zip(nodes, sides, strict=True):
            if side is None:
                raise bad(
                    f"node {node!r}: missing 'bipartite' (expected 0 for mentee, 1 for mentor)"
                )
            if not is_int(side) or side not in (0, 1):  # 0.0 and True are not sides
                raise bad(
                    f"node {node!r}: bipartite must be 0 (mentee) or 1 (mentor), got {side!r}"
                )
            (mentees if side == 0 else mentors).append(node)
    _sort_ids(mentees)
    _sort_ids(mentors)
    return mentees, mentors


_INT64_MAX = int(np.iinfo(np.int64).max)


def _check_capacity(node: Hashable, value: Any) -> int:
    if not is_int(value) or value < 0:
        raise bad(f"node {node!r}: capacity must be an integer >= 0, got {value!r}")
    if value > _INT64_MAX:
        raise bad(f"node {node!r}: capacity must be at most 2**63 - 1, got {value!r}")
    return int(value)


def _capacities(ids: Sequence[Hashable], nodes: Mapping[Hashable, Mapping[str, Any]]) -> np.ndarray:
    """Return the nodes' ``capacity`` (default 1) as a validated array."""
    raw = [nodes[x].get("capacity", 1) for x in ids]
    if set(map(type, raw)) <= _INT_TYPES:
        try:
            caps = np.array(raw, dtype=np.int64)
        except OverflowError:  # a Python int beyond int64: named below
            caps = np.full(1, -1)
        if not len(caps) or int(caps.min()) >= 0:
            return caps
    return np.array([_check_capacity(x, c) for x, c in zip(ids, raw, strict=True)], dtype=np.int64)


def _roles(
    graph: nx.Graph[Any], nodes: Mapping[Hashable, Mapping[str, Any]], mentors: list[Hashable]
) -> tuple[tuple[str, ...] | None, tuple[str | None, ...]]:
    """Return the graph's roles (``None`` without) and each mentor's role."""
    roles_attr = graph.graph.get("roles")
    if not roles_attr:
        return None, (None,) * len(mentors)
    roles = tuple(str(r) for r in roles_attr)
    raw = [nodes[v].get("role") for v in mentors]
    mentor_role = tuple(str(r) if r is not None else None for r in raw)
    for v, r in zip(mentors, mentor_role, strict=True):
        if r not in roles:
            raise bad(f"node {v!r}: role must be one of {list(roles)}, got {r!r}")
    return roles, mentor_role


def _edges(
    adj: Mapping[Hashable, Mapping[Hashable, Mapping[str, Any]]],
    mentees: list[Hashable],
    mentors: list[Hashable],
) -> tuple[np.ndarray, np.ndarray, list[Mapping[str, Any]]]:
    """Return the edges as mentee and mentor positions and their attribute dicts.

    The edges come grouped by mentee (in id order), each mentee's in the
    graph's order; an edge inside one side is an error.
    """
    midx = {v: j for j, v in enumerate(mentors)}
    neighbours = list(map(adj.__getitem__, mentees))
    counts = np.fromiter(map(len, neighbours), dtype=np.int64, count=len(neighbours))
    try:
        ev = np.fromiter(
            map(midx.__getitem__, chain.from_iterable(neighbours)),
            dtype=np.int64,
            count=int(counts.sum()),
        )
    except KeyError:
        _raise_inside(adj, mentees, midx, "mentees")
    datas: list[Mapping[str, Any]] = list(chain.from_iterable(nbrs.values() for nbrs in neighbours))
    if 2 * len(datas) != sum(map(len, adj.values())):
        _raise_inside(adj, mentors, midx, "mentors")
    eu = np.repeat(np.arange(len(mentees), dtype=np.int64), counts)
    return eu, ev, datas


def _raise_inside(
    adj: Mapping[Hashable, Mapping[Hashable, Any]],
    side: list[Hashable],
    mentor_pos: Mapping[Hashable, int],
    label: str,
) -> NoReturn:
    """Raise for the first self loop or edge inside ``side`` (mentees or mentors)."""
    for u in side:
        for x in adj[u]:
            if x == u:
                raise bad(f"edge ({u!r}, {u!r}): self loop") from None
            if (x in mentor_pos) == (label == "mentors"):
                raise bad(
                    f"edge ({u!r}, {x!r}) joins two {label}; edges must join a mentee and a mentor"
                ) from None
    raise AssertionError(label)  # pragma: no cover - called only when such an edge exists


def _weights(  # noqa: PLR0917  (private: the arrays of one problem)
    datas: list[Mapping[str, Any]],
    eu: np.ndarray,
    ev: np.ndarray,
    mentees: list[Hashable],
    mentors: list[Hashable],
    name: str = "weight",
) -> tuple[np.ndarray, bool]:
    """Return the edge weights and whether ``name`` is every edge's only key.

    ``weight`` defaults to 1; any other attribute must be on every edge.
    """
    try:
        raw = [d[name] for d in datas]
        weight_only = name == "weight" and sum(map(len, datas)) == len(datas)
    except KeyError:
        if name != "weight":
            e = next(k for k, d in enumerate(datas) if name not in d)
            pair = (mentees[int(eu[e])], mentors[int(ev[e])])
            raise bad(f"edge {pair!r}: missing weight attribute {name!r}") from None
        raw = [d.get("weight", 1.0) for d in datas]
        weight_only = False
    kinds = set(map(type, raw))
    if kinds <= _FAST_NUMBERS:
        w = np.array(raw, dtype=np.float64)
        if bool(np.isfinite(w).all()):
            return w, weight_only
    for e, x in enumerate(raw):
        if not is_real(x):
            pair = (mentees[int(eu[e])], mentors[int(ev[e])])
            raise bad(f"edge {pair!r}: {name} must be a finite number, got {x!r}")
    return np.array([float(x) for x in raw], dtype=np.float64), weight_only


def _scores(
    datas: list[Mapping[str, Any]], edges: list[Pair], name: str, default: np.ndarray
) -> np.ndarray:
    """Return the edges' ``name`` scores, ``default`` where an edge has none."""
    values = [d.get(name) for d in datas]
    if all(v is None for v in values):
        return default
    out = default.copy()
    for e, v in enumerate(values):
        if v is None:
            continue
        if not is_real(v):
            raise bad(f"edge {edges[e]!r}: {name} must be a finite number, got {v!r}")
        out[e] = float(v)
    return out
