"""Exact b-matching for small integer weights: shortest paths in phases (primal-dual).

The matching is a flow source -> mentee -> mentor -> sink (mentee and
mentor arcs of their capacities, edge arcs of cost ``-weight``; a mentor in
a group reaches the sink through its group's node, of the group's
capacity). Each phase computes shortest distances from the source in
the residual graph under reduced costs (non-negative thanks to node
potentials), moves the potentials by them, and then augments a maximum flow
at once along every shortest augmenting path (the arcs of reduced cost 0).
Both steps run in scipy's compiled graph routines. The cost of the cheapest
augmenting path only grows from phase to phase, by at least 1 with integer
weights, and augmenting stops once it would lose weight, so there are at
most ``max(weight) + 1`` phases, whatever the size of the problem.

That bound is what makes the method worth it: for weights on a small integer
scale (points 0 to 100, say) a large problem takes a few dozen phases of
linear work, where an assignment on mentor slots grows much faster.
"""

from __future__ import annotations

import numpy as np

__all__ = ["PHASE_WEIGHT_MAX", "shortest_path_phases"]

PHASE_WEIGHT_MAX = 255
"""Largest integer weight for which the phases are used (they are at most one more)."""


def shortest_path_phases(  # noqa: PLR0917  (private: the arrays of one problem)
    a: np.ndarray,
    b: np.ndarray,
    q: np.ndarray,
    n: int,
    cap: np.ndarray,
    group_of: np.ndarray | None = None,
    group_cap: np.ndarray | None = None,
    mentee_cap: np.ndarray | None = None,
) -> np.ndarray | None:
    """Return the positions of a maximum-weight, then largest, b-matching.

    ``a`` and ``b`` give each edge's mentee (capacity ``mentee_cap``, else
    1) and mentor (capacity ``cap``); ``q`` are integer weights in ``0 ..
    PHASE_WEIGHT_MAX``. ``group_of`` gives each mentor's group (-1 for none)
    and ``group_cap`` each group's capacity: the flow then passes from a
    grouped mentor through its group to the sink. Returns ``None`` if a
    phase finds the potentials inconsistent (a safeguard: the caller then
    solves another way).
    """
    from scipy.sparse import csr_array  # noqa: PLC0415
    from scipy.sparse.csgraph import dijkstra  # noqa: PLC0415

    ne = len(a)
    if ne == 0:
        return np.zeros(0, dtype=np.int64)
    net = _Network(a, b, q, n, cap, group_of, group_cap, mentee_cap)
    matched = np.zeros(ne, dtype=bool)
    pi = np.zeros(net.size, dtype=np.int64)
    best = np.zeros(n, dtype=np.int64)
    np.maximum.at(best, net.mentee, net.q)
    pi[:n] = best  # every reduced cost starts non-negative
    pi[net.source] = int(best.max()) if n else 0
    edge_key = net.mentee * net.m + b
    by_key = None if bool(np.all(edge_key[1:] > edge_key[:-1])) else np.argsort(edge_key)
    for _ in range(int(net.q.max(initial=0)) + 2):
        tail, head, cost, capacity = net.residual(matched)
        reduced = cost + pi[tail] - pi[head]
        if bool((reduced < 0).any()):  # pragma: no cover - potentials keep these >= 0
            return None
        graph = csr_array((reduced.astype(np.float64), (tail, head)), shape=(net.size, net.size))
        dist = dijkstra(graph, indices=[net.source], return_predecessors=False)[0]
        if not np.isfinite(dist[net.sink]):
            break
        far = int(dist[net.sink])
        if far + int(pi[net.sink]) - int(pi[net.source]) > 0:  # the next pairs would lose weight
            break
        step = np.minimum(np.where(np.isfinite(dist), dist, far), far).astype(np.int64)
        pi += step
        tight = reduced + step[tail] == step[head]
        used_tail, used_head = _max_flow(tail[tight], head[tight], capacity[tight], net)
        # the edges the flow used, either way: a pair made or a pair undone
        pair = (used_tail < n + net.m) & (used_head < n + net.m)
        u, v = used_tail[pair], used_head[pair]
        back = u >= n
        key = np.where(back, v * net.m + u - n, u * net.m + v - n)
        at = np.searchsorted(edge_key, key, sorter=by_key)
        matched[at if by_key is None else by_key[at]] ^= True
    else:  # pragma: no cover - the phases are bounded by the weights (see the module)
        return None
    return np.flatnonzero(matched)


class _Network:
    """The flow network of a b-matching: node numbers and the residual arcs of a matching.

    Nodes: mentees ``0 .. n-1``, mentors ``n .. n+m-1``, groups after them,
    then the sink and the source.
    """

    def __init__(  # noqa: PLR0917  (private: the arrays of one problem)
        self,
        a: np.ndarray,
        b: np.ndarray,
        q: np.ndarray,
        n: int,
        cap: np.ndarray,
        group_of: np.ndarray | None,
        group_cap: np.ndarray | None,
        mentee_cap: np.ndarray | None,
    ) -> None:
        self.n, self.m = n, len(cap)
        self.b = b.astype(np.int64)
        self.mentee = a.astype(np.int64)
        self.mentor = n + self.b
        self.q = q.astype(np.int64)
        self.cap = cap.astype(np.int64)
        self.mentee_cap = np.ones(n, dtype=np.int64) if mentee_cap is None else mentee_cap
        groups = 0 if group_cap is None else len(group_cap)
        self.group_of = np.full(self.m, -1, dtype=np.int64) if group_of is None else group_of
        self.group_cap = np.zeros(0, dtype=np.int64) if group_cap is None else group_cap
        self.sink = n + self.m + groups
        self.source = self.sink + 1
        self.size = self.source + 1
        grouped = self.group_of >= 0
        # where each mentor's flow goes on: its group, else the sink
        self.onward = np.where(grouped, n + self.m + self.group_of, self.sink)
        self.grouped = grouped

    def residual(
        self, matched: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Return the residual arcs of ``matched``: tails, heads, costs and capacities.

        The edge arcs come first, in edge order; arcs out of the sink are
        left out (no shortest path from the source needs them).
        """
        n, m = self.n, self.m
        load = np.bincount(self.b[matched], minlength=m)
        room = self.cap - load
        mentee_room = self.mentee_cap - np.bincount(self.mentee[matched], minlength=n)
        mentors = n + np.arange(m)
        group_load = np.bincount(
            self.group_of[self.grouped], weights=load[self.grouped], minlength=len(self.group_cap)
        ).astype(np.int64)
        group_room = self.group_cap - group_load
        back = self.grouped & (load > 0)  # a grouped mentor's place can go back to its group
        groups = n + m + np.arange(len(self.group_cap))
        frees = np.flatnonzero(mentee_room > 0)
        ahead = np.flatnonzero(room > 0)
        tail = np.concatenate((
            np.where(matched, self.mentor, self.mentee),
            np.full(len(frees), self.source),
            mentors[ahead],
            self.onward[back],
            groups[group_room > 0],
        ))  # fmt: skip
        head = np.concatenate((
            np.where(matched, self.mentee, self.mentor),
            frees,
            self.onward[ahead],
            mentors[back],
            np.full(int((group_room > 0).sum()), self.sink),
        ))  # fmt: skip
        cost = np.zeros(len(tail), dtype=np.int64)
        cost[: len(matched)] = np.where(matched, self.q, -self.q)
        capacity = np.concatenate((
            np.ones(len(matched), dtype=np.int64),
            mentee_room[frees],
            room[ahead],
            load[back],
            group_room[group_room > 0],
        ))  # fmt: skip
        return tail, head, cost, capacity


def _max_flow(
    tail: np.ndarray, head: np.ndarray, capacity: np.ndarray, net: _Network
) -> tuple[np.ndarray, np.ndarray]:
    """Augment a maximum flow on the tight arcs; return the arcs it uses (tails, heads)."""
    from scipy.sparse import csr_array  # noqa: PLC0415
    from scipy.sparse.csgraph import maximum_flow  # noqa: PLC0415

    # no arc carries more than one unit per edge, so capacities fit in int32
    limit = np.minimum(capacity, min(max(len(net.q), 1), 2**31 - 1)).astype(np.int32)
    # only the nodes on tight arcs take part: number them compactly
    taking = np.zeros(net.size, dtype=bool)
    taking[tail] = taking[head] = taking[net.source] = taking[net.sink] = True
    nodes = np.flatnonzero(taking)
    number = np.cumsum(taking) - 1
    local = csr_array((limit, (number[tail], number[head])), shape=(len(nodes), len(nodes)))
    result = maximum_flow(local, int(number[net.source]), int(number[net.sink]), method="dinic")
    used = result.flow.tocoo()
    pos = used.data > 0
    return nodes[used.row[pos]], nodes[used.col[pos]]
