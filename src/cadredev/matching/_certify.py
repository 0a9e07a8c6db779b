"""The optimality certificate of the exact method: mentor prices and LP duality.

A matching found on candidate edges is optimal for *all* edges when mentor
prices ``v >= 0`` and mentee utilities ``u_a = max(0, max_b gain(a, b) -
v_b)`` (over every edge) form a feasible dual of the b-matching linear
program whose objective ``sum(u) + sum(cap * v)`` equals the matching's
gain (weak duality). Everything is checked in exact integer arithmetic; the
certificate never relies on how the prices were found.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["PRICE_ROUNDS", "Certificate", "certify", "group_max", "mentor_prices"]

PRICE_ROUNDS = 5000
"""Most rounds of relaxation spent on the mentor prices."""


class Certificate(NamedTuple):
    """What the prices of a candidate solution prove."""

    optimal: bool
    """The solution is optimal for all edges."""
    on_candidates: bool
    """The solution is optimal for the candidate edges."""
    undervalued: np.ndarray
    """Mask of the edges whose gain beats the candidates' dual bound."""


def certify(  # noqa: PLR0917  (private: the arrays of one problem)
    a: np.ndarray,
    b: np.ndarray,
    gain: np.ndarray,
    sub: np.ndarray,
    chosen: np.ndarray,
    n: int,
    cap: np.ndarray,
) -> Certificate | None:
    """Check the solution ``sub[chosen]`` on the candidate edges ``sub`` against all edges.

    ``a``, ``b`` and ``gain`` describe all edges, ``sub`` holds the positions
    of the candidates and ``chosen`` positions within ``sub``; ``cap`` is
    each mentor's usable capacity. Returns ``None`` when no prices were found
    (see :func:`mentor_prices`).
    """
    x = np.zeros(len(sub), dtype=bool)
    x[chosen] = True
    prices = mentor_prices(a[sub], b[sub], gain[sub], x, n, cap)
    if prices is None:
        return None
    slack = gain - prices[b]
    bound = group_max(a[sub], slack[sub], n)  # the dual on the candidates
    on_all = group_max(a, slack, n)  # and on all edges
    primal = sum(gain[sub[chosen]].tolist())
    rent = sum((cap * prices).tolist())
    return Certificate(
        optimal=sum(on_all.tolist()) + rent == primal,
        on_candidates=sum(bound.tolist()) + rent == primal,
        undervalued=slack > bound[a],
    )


def group_max(group: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """``max(0, values)`` per group (0 for empty groups)."""
    out = np.zeros(size, dtype=np.int64)
    if len(group) == 0:
        return out
    if bool(np.all(group[1:] >= group[:-1])):
        starts = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
        out[group[starts]] = np.maximum(np.maximum.reduceat(values, starts), 0)
    else:
        np.maximum.at(out, group, values)
    return out


def mentor_prices(  # noqa: PLR0917  (private: the arrays of one problem)
    a: np.ndarray, b: np.ndarray, gain: np.ndarray, x: np.ndarray, n: int, cap: np.ndarray
) -> np.ndarray | None:
    """Optimal dual prices of the mentors for the matching ``x`` (a mask over the edges).

    Shortest distances ``d`` from the source in the residual graph of the
    flow source -> mentee -> mentor -> source (unit arcs, edge cost
    ``-gain``, mentor arcs of capacity ``cap``) give ``v_b = -d(b)``;
    mentors unreachable or with a negative value get 0. Arcs back into the
    source are left out: they never shorten a path from it, and without
    them a matching that is optimal among those covering a fixed set of
    mentees has no negative cycle either. Returns ``None`` if a negative
    cycle shows (``x`` is not optimal even with the matched mentees fixed)
    or the distances take more than ``PRICE_ROUNDS`` rounds to settle (very
    long shortest paths: the caller then solves the whole problem instead).
    """
    m = len(cap)
    src = n + m
    heads, costs, indptr = _residual(a, b, gain, x, n, m)
    dist = _relax(heads, costs, indptr, src)
    if dist is None:
        return None
    mentor = dist[n : n + m]
    return np.where(mentor < _FAR, np.maximum(-mentor, 0), 0)


_FAR = np.iinfo(np.int64).max // 4


def _residual(  # noqa: PLR0917  (private: the arrays of one problem)
    a: np.ndarray, b: np.ndarray, gain: np.ndarray, x: np.ndarray, n: int, m: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the residual graph of ``x`` as CSR arrays: heads, costs and row pointers.

    Nodes are the mentees ``0 .. n-1``, the mentors ``n .. n+m-1`` and the
    source ``n + m``.
    """
    size = n + m + 1
    src = n + m
    matched = np.zeros(n, dtype=bool)
    matched[a[x]] = True
    load = np.bincount(b[x], minlength=m)
    free_a = np.flatnonzero(~matched)
    used_b = np.flatnonzero(load > 0)
    tails = np.concatenate((a[~x], n + b[x], np.full(len(free_a), src), np.full(len(used_b), src)))
    heads = np.concatenate((n + b[~x], a[x], free_a, n + used_b))
    costs = np.concatenate((-gain[~x], gain[x], np.zeros(len(tails) - len(a), dtype=np.int64)))
    order = np.argsort(tails, kind="stable")
    indptr = np.searchsorted(tails[order], np.arange(size + 1))
    return heads[order], costs[order], indptr


def _relax(heads: np.ndarray, costs: np.ndarray, indptr: np.ndarray, src: int) -> np.ndarray | None:
    """Shortest distances from ``src`` by Bellman-Ford rounds over the nodes that changed.

    Returns ``None`` on a negative cycle or after ``PRICE_ROUNDS`` rounds.
    """
    size = len(indptr) - 1
    dist = np.full(size, _FAR, dtype=np.int64)
    dist[src] = 0
    front = np.array([src], dtype=np.int64)
    for _ in range(min(size + 1, PRICE_ROUNDS)):
        if not len(front):
            return dist
        lo = indptr[front]
        count = indptr[front + 1] - lo
        arcs = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
        reach = np.repeat(dist[front], count) + costs[arcs]
        head = heads[arcs]
        better = reach < dist[head]
        head = head[better]
        np.minimum.at(dist, head, reach[better])
        front = _distinct(head, size)
    return None  # a negative cycle, or paths too long to be worth following


def _distinct(nodes: np.ndarray, size: int) -> np.ndarray:
    """Return the distinct ``nodes`` (all below ``size``), sorted."""
    if len(nodes) < size // 64:  # few: sorting them is cheaper than a pass over every node
        return np.unique(nodes)
    seen = np.zeros(size, dtype=bool)
    seen[nodes] = True
    return np.flatnonzero(seen)
