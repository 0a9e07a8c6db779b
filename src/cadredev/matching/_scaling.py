"""Exact b-matching for weights on a fine integer grid: shortest paths with cost scaling.

The phases of :mod:`._phases` take one phase per distinct length of a
cheapest augmenting path, which is few for weights on a small scale (points
0 to 100) but thousands for weights that come from floating-point scores.
Cost scaling keeps the number of phases small for any weights: the weights
are revealed one bit at a time, from the highest, and the optimal flow and
node potentials of one scale start the next.

The matching is a circulation: source -> mentee -> mentor (-> group) ->
sink, and a return arc from the sink to the source, every arc of cost 0
but the edges (cost ``-weight``). The method keeps a *pseudoflow* (a flow
that may break conservation at some nodes) and potentials under which
every residual arc has a non-negative reduced cost. Going from one scale to
the next doubles the costs and the potentials and adds each edge's next
bit; only unmatched edges whose bit is 1 can then have a reduced cost of
-1, and they are matched outright, which leaves excess at their mentors
and deficits at their mentees. Phases then send the excesses to the
deficits along shortest paths: Dijkstra from every node with excess at
once (scipy), a move of the potentials by the distances, and a maximum flow
(scipy's Dinic) over the arcs of reduced cost 0. When no imbalance is left
the flow is optimal for the scale's costs. After the last scale a maximum
flow from source to sink over the arcs of reduced cost 0 makes the optimal
matching also a largest one.

On 20,000 mentees with weights on a grid of 23 bits this takes 153 phases
(about 8 a scale); revealing two, three or four bits a scale took 154,
175 and 230. Each phase is linear work in compiled code, so the method
pays on large problems, where the slot assignment grows much faster than
the problem (see ``SCALING_MIN_MENTEES``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["scaled_phases"]

_PHASES_PER_SCALE = 10_000
"""A safeguard: a scale that needs more phases than this gives up (the
caller then solves another way)."""


def scaled_phases(  # noqa: PLR0917  (private: the arrays of one problem)
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

    The arguments are those of :func:`~._phases.shortest_path_phases`, but
    ``q`` may be any non-negative integers below ``2**52``. Returns
    ``None`` if a safeguard trips (the caller then solves another way).
    """
    if len(a) == 0:
        return np.zeros(0, dtype=np.int64)
    q = q.astype(np.int64)
    flow = _Circulation(a, b, n, cap, group_of, group_cap, mentee_cap)
    for shift in range(int(q.max()).bit_length() - 1, -1, -1):
        flow.refine(q >> shift)
        if not flow.settle():
            return None
    flow.enlarge()
    return np.flatnonzero(flow.x[: len(a)] > 0)


class _Circulation:
    """A pseudoflow on the matching's circulation, with node potentials.

    Nodes: mentees ``0 .. n-1``, mentors ``n .. n+m-1``, groups after them,
    then the sink and the source. Original arcs, in this order: the edges,
    source -> mentee, mentor -> group or sink, group -> sink, and the
    return arc sink -> source. ``x`` is the flow on each, ``pi`` the
    potentials.
    """

    def __init__(  # noqa: PLR0917  (private: the arrays of one problem)
        self,
        a: np.ndarray,
        b: np.ndarray,
        n: int,
        cap: np.ndarray,
        group_of: np.ndarray | None,
        group_cap: np.ndarray | None,
        mentee_cap: np.ndarray | None,
    ) -> None:
        m = len(cap)
        ne = len(a)
        g_cap = np.zeros(0, dtype=np.int64) if group_cap is None else group_cap.astype(np.int64)
        groups = len(g_cap)
        g_of = np.full(m, -1, dtype=np.int64) if group_of is None else group_of.astype(np.int64)
        self.sink = n + m + groups
        self.source = self.sink + 1
        self.size = self.source + 1
        self.ne = ne
        mentors = n + np.arange(m, dtype=np.int64)
        onward = np.where(g_of >= 0, n + m + g_of, self.sink)
        caps_a = np.ones(n, dtype=np.int64) if mentee_cap is None else mentee_cap.astype(np.int64)
        # no arc ever carries more than the number of edges
        most = max(ne, 1)
        self.tail = np.concatenate((
            a.astype(np.int64),
            np.full(n, self.source),
            mentors,
            n + m + np.arange(groups, dtype=np.int64),
            [self.sink],
        ))  # fmt: skip
        self.head = np.concatenate((
            n + b.astype(np.int64),
            np.arange(n, dtype=np.int64),
            onward,
            np.full(groups, self.sink),
            [self.source],
        ))  # fmt: skip
        self.cap = np.minimum(
            np.concatenate(
                (np.ones(ne, dtype=np.int64), caps_a, cap.astype(np.int64), g_cap, [most])
            ),
            most,
        )
        self.cost = np.zeros(len(self.tail), dtype=np.int64)
        self.x = np.zeros(len(self.tail), dtype=np.int64)
        self.pi = np.zeros(self.size, dtype=np.int64)
        key = self.tail * self.size + self.head
        self.order = np.argsort(key)
        self.keys = key[self.order]
        self.phases = 0

    def refine(self, q: np.ndarray) -> None:
        """Move to edge weights ``q``: twice the last ones plus the next bit.

        Doubles the potentials; the unmatched edges whose reduced cost is
        then negative are matched outright, leaving imbalances to settle.
        """
        self.pi *= 2
        self.cost[: self.ne] = -q
        edges = slice(0, self.ne)
        reduced = self.cost[edges] + self.pi[self.tail[edges]] - self.pi[self.head[edges]]
        self.x[: self.ne][(reduced < 0) & (self.x[: self.ne] == 0)] = 1

    def residual(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Return the residual arcs: tails, heads, reduced costs and capacities.

        An edge has one residual arc (forward if unmatched, backward if
        matched); the other arcs forward while below capacity and backward
        while carrying flow.
        """
        ne = self.ne
        matched = self.x[:ne] > 0
        t_e, h_e = self.tail[:ne], self.head[:ne]
        rest = slice(ne, None)
        fwd = ne + np.flatnonzero(self.x[rest] < self.cap[rest])
        bwd = ne + np.flatnonzero(self.x[rest] > 0)
        tail = np.concatenate((np.where(matched, h_e, t_e), self.tail[fwd], self.head[bwd]))
        head = np.concatenate((np.where(matched, t_e, h_e), self.head[fwd], self.tail[bwd]))
        cost = np.concatenate((
            np.where(matched, -self.cost[:ne], self.cost[:ne]),
            self.cost[fwd],
            -self.cost[bwd],
        ))  # fmt: skip
        room = np.concatenate((
            np.ones(ne, dtype=np.int64),
            self.cap[fwd] - self.x[fwd],
            self.x[bwd],
        ))  # fmt: skip
        return tail, head, cost + self.pi[tail] - self.pi[head], room

    def imbalance(self) -> np.ndarray:
        """Inflow minus outflow at each node (zero everywhere for a flow)."""
        into = np.bincount(self.head, weights=self.x, minlength=self.size)
        out = np.bincount(self.tail, weights=self.x, minlength=self.size)
        return (into - out).astype(np.int64)

    def settle(self) -> bool:
        """Send every excess to the deficits along shortest paths; False if a safeguard trips."""
        from scipy.sparse import csr_array  # noqa: PLC0415
        from scipy.sparse.csgraph import dijkstra  # noqa: PLC0415

        for _ in range(_PHASES_PER_SCALE):
            excess = self.imbalance()
            sources = np.flatnonzero(excess > 0)
            if not len(sources):
                return True
            tail, head, reduced, room = self.residual()
            if bool((reduced < 0).any()):  # pragma: no cover - the potentials keep these >= 0
                return False
            graph = csr_array(
                (reduced.astype(np.float64), (tail, head)), shape=(self.size, self.size)
            )
            dist = dijkstra(graph, indices=sources, min_only=True)
            sinks = np.flatnonzero(excess < 0)
            far = float(dist[sinks].min())
            if not np.isfinite(far):  # pragma: no cover - undoing the refinement is a path
                return False
            step = np.minimum(np.where(np.isfinite(dist), dist, far), far).astype(np.int64)
            self.pi += step
            tight = reduced + step[tail] == step[head]
            self.push(
                tail[tight],
                head[tight],
                room[tight],
                supply=(sources, excess[sources]),
                demand=(sinks, -excess[sinks]),
            )
            self.phases += 1
        return False  # pragma: no cover - see _PHASES_PER_SCALE

    def enlarge(self) -> None:
        """Among the optimal flows, take one of largest value (the most pairs)."""
        tail, head, reduced, room = self.residual()
        ends = {self.sink, self.source}
        returning = np.isin(tail, list(ends)) & np.isin(head, list(ends))
        tight = (reduced == 0) & ~returning
        self.push(
            tail[tight],
            head[tight],
            room[tight],
            supply=(np.array([self.source]), np.array([max(self.ne, 1)])),
            demand=(np.array([self.sink]), np.array([max(self.ne, 1)])),
        )

    def push(
        self,
        tail: np.ndarray,
        head: np.ndarray,
        room: np.ndarray,
        *,
        supply: tuple[np.ndarray, np.ndarray],
        demand: tuple[np.ndarray, np.ndarray],
    ) -> None:
        """Augment a maximum flow from the ``supply`` nodes to the ``demand`` nodes.

        Only the given residual arcs take part; ``supply`` and ``demand``
        are nodes with how much each may send or take. The flow found is
        added to ``x``.
        """
        from scipy.sparse import csr_array  # noqa: PLC0415
        from scipy.sparse.csgraph import maximum_flow  # noqa: PLC0415

        start, end = self.size, self.size + 1  # a super source and a super sink
        (s_nodes, s_amount), (d_nodes, d_amount) = supply, demand
        t_all = np.concatenate((tail, np.full(len(s_nodes), start), d_nodes))
        h_all = np.concatenate((head, s_nodes, np.full(len(d_nodes), end)))
        c_all = np.concatenate((room, s_amount, d_amount))
        taking = np.zeros(self.size + 2, dtype=bool)
        taking[t_all] = taking[h_all] = True
        nodes = np.flatnonzero(taking)
        number = np.cumsum(taking) - 1
        limit = np.minimum(c_all, 2**31 - 1).astype(np.int32)
        local = csr_array((limit, (number[t_all], number[h_all])), shape=(len(nodes), len(nodes)))
        result = maximum_flow(local, int(number[start]), int(number[end]), method="dinic")
        used = result.flow.tocoo()
        pos = used.data > 0
        u, v, f = nodes[used.row[pos]], nodes[used.col[pos]], used.data[pos].astype(np.int64)
        inner = (u < self.size) & (v < self.size)
        u, v, f = u[inner], v[inner], f[inner]
        # a push u -> v raises the flow of arc (u, v) or lowers that of arc (v, u)
        self._add(u * self.size + v, v * self.size + u, f)

    def _add(self, forward: np.ndarray, backward: np.ndarray, f: np.ndarray) -> None:
        at = np.searchsorted(self.keys, forward).clip(max=len(self.keys) - 1)
        is_fwd = self.keys[at] == forward
        np.add.at(self.x, self.order[at[is_fwd]], f[is_fwd])
        back = ~is_fwd
        at_b = np.searchsorted(self.keys, backward[back])
        np.subtract.at(self.x, self.order[at_b], f[back])
