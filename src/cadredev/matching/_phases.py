"""Exact b-matching for small integer weights: shortest paths in phases (primal-dual).

The matching is a flow source -> mentee -> mentor -> sink (mentee arcs of
capacity 1, mentor arcs of the mentor's capacity, edge arcs of cost
``-weight``). Each phase computes shortest distances from the source in
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


def shortest_path_phases(
    a: np.ndarray, b: np.ndarray, q: np.ndarray, n: int, cap: np.ndarray
) -> np.ndarray | None:
    """Return the positions of a maximum-weight, then largest, b-matching.

    ``a`` and ``b`` give each edge's mentee (capacity 1) and mentor
    (capacity ``cap``); ``q`` are integer weights in ``0 ..
    PHASE_WEIGHT_MAX``. Returns ``None`` if a phase finds the potentials
    inconsistent (a safeguard: the caller then solves another way).
    """
    from scipy.sparse import csr_array  # noqa: PLC0415
    from scipy.sparse.csgraph import dijkstra  # noqa: PLC0415

    m = len(cap)
    ne = len(a)
    if ne == 0:
        return np.zeros(0, dtype=np.int64)
    sink, source = n + m, n + m + 1
    size = n + m + 2
    q = q.astype(np.int64)
    mentor = n + b.astype(np.int64)
    mentee = a.astype(np.int64)
    matched = np.zeros(ne, dtype=bool)
    free = np.ones(n, dtype=bool)
    room = cap.astype(np.int64).copy()
    pi = np.zeros(size, dtype=np.int64)
    best = np.zeros(n, dtype=np.int64)
    np.maximum.at(best, mentee, q)
    pi[:n] = best  # every reduced cost starts non-negative
    pi[source] = int(best.max()) if n else 0
    everyone = np.arange(n)
    edge_key = mentee * m + b
    by_key = None if bool(np.all(edge_key[1:] > edge_key[:-1])) else np.argsort(edge_key)
    mentors = np.arange(m)
    for _ in range(int(q.max(initial=0)) + 2):
        tail = np.concatenate((np.where(matched, mentor, mentee), np.full(n, source), n + mentors))
        head = np.concatenate((np.where(matched, mentee, mentor), everyone, np.full(m, sink)))
        cost = np.concatenate((np.where(matched, q, -q), np.zeros(n + m, dtype=np.int64)))
        alive = np.concatenate((np.ones(ne, dtype=bool), free, room > 0))
        tail, head = tail[alive], head[alive]
        reduced = cost[alive] + pi[tail] - pi[head]
        if bool((reduced < 0).any()):  # pragma: no cover - potentials keep these >= 0
            return None
        graph = csr_array((reduced.astype(np.float64), (tail, head)), shape=(size, size))
        dist = dijkstra(graph, indices=[source], return_predecessors=False)[0]
        if not np.isfinite(dist[sink]):
            break
        far = int(dist[sink])
        if far + int(pi[sink]) - int(pi[source]) > 0:  # the next pairs would lose weight
            break
        step = np.minimum(np.where(np.isfinite(dist), dist, far), far).astype(np.int64)
        pi += step
        tight = reduced + step[tail] == step[head]
        used_tail, used_head = _max_flow(tail[tight], head[tight], room, n, (size, source, sink))
        # the edges the flow used, either way: a pair made or a pair undone
        pair = (used_tail < sink) & (used_head < sink)
        u, v = used_tail[pair], used_head[pair]
        back = u >= n
        key = np.where(back, v * m + u - n, u * m + v - n)
        at = np.searchsorted(edge_key, key, sorter=by_key)
        matched[at if by_key is None else by_key[at]] ^= True
        room = cap - np.bincount(b[matched], minlength=m)
        free[:] = True
        free[a[matched]] = False
    else:  # pragma: no cover - the phases are bounded by the weights (see the module)
        return None
    return np.flatnonzero(matched)


def _max_flow(
    tail: np.ndarray, head: np.ndarray, room: np.ndarray, n: int, graph: tuple[int, int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Augment a maximum flow on the tight arcs; return the arcs it uses (tails, heads).

    ``graph`` gives the number of nodes, the source and the sink.
    """
    from scipy.sparse import csr_array  # noqa: PLC0415
    from scipy.sparse.csgraph import maximum_flow  # noqa: PLC0415

    size, source, sink = graph
    capacity = np.ones(len(tail), dtype=np.int32)
    into_sink = head == sink
    # a mentor never takes more than every mentee, so its room fits in int32
    capacity[into_sink] = np.minimum(room[tail[into_sink] - n], min(max(n, 1), 2**31 - 1))
    # only the nodes on tight arcs take part: number them compactly
    taking = np.zeros(size, dtype=bool)
    taking[tail] = taking[head] = taking[source] = taking[sink] = True
    nodes = np.flatnonzero(taking)
    number = np.cumsum(taking) - 1
    local = csr_array((capacity, (number[tail], number[head])), shape=(len(nodes), len(nodes)))
    result = maximum_flow(local, int(number[source]), int(number[sink]), method="dinic")
    used = result.flow.tocoo()
    pos = used.data > 0
    return nodes[used.row[pos]], nodes[used.col[pos]]
