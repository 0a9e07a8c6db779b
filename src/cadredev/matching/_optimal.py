"""The optimal method: an exact maximum-weight b-matching.

With mentee capacity 1 the problem is a sparse rectangular assignment on
mentor slots (scipy's LAPJVsp); a large one is first solved on candidate
edges and accepted only with the certificate of :mod:`._certify`; with
weights on a small integer scale that large assignment is replaced by the
shortest-path phases of :mod:`._phases`, and on very large problems with
any weights by the cost-scaling phases of :mod:`._scaling`. With larger
mentee capacities or group capacities the phases solve it for such
weights, HiGHS the b-matching linear program otherwise. Weights are compared on an integer
grid on which double arithmetic is exact.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from fractions import Fraction

import numpy as np

from ._certify import certify
from ._phases import PHASE_WEIGHT_MAX, shortest_path_phases
from ._scaling import scaled_phases

__all__ = [
    "PHASE_MIN_MENTEES",
    "PRUNE_MAX_SHARE",
    "PRUNE_MIN_SLOT_EDGES",
    "PRUNE_PER_MENTEE",
    "PRUNE_PER_SLOT",
    "PRUNE_ROUNDS",
    "SCALING_MIN_MENTEES",
    "assignment",
    "balanced",
    "best_per_group",
    "solve_optimal",
]

PHASE_MIN_MENTEES = 10_000
"""Fewer mentees than this are solved by the slot assignment even with small
weights: below it the assignment is as fast or faster (measured: 3,000
mentees 0.08 s against 0.13 s; equal at 10,000; at 20,000 1.5 s against 0.9 s)."""
SCALING_MIN_MENTEES = 50_000
"""From this many mentees, weights that are not on a small integer scale
(floats) are solved by cost scaling instead of the slot assignment.
Measured on one core: a compatibility graph of 50,000 mentees (545,000
edges, capacity 10) 7.6 s against 33 s; random floats, 50,000 mentees, 5.2 s
against 5.0 s, 200,000 mentees 50 to 74 s against 96 s (loaded); below it
the assignment is faster on some graphs (20,000 random: 1.8 s against 3.6 s)."""
PRUNE_MIN_SLOT_EDGES = 300_000
"""Assignments with at least this many slot entries (edges times usable slots
of their mentor) are first solved on candidate edges, then certified."""
PRUNE_PER_MENTEE = 6
"""Candidate edges: each mentee's best few ..."""
PRUNE_PER_SLOT = 2
"""... and each mentor's best few per usable slot."""
PRUNE_ROUNDS = 3
"""Rounds of growing the candidates before solving the whole problem."""
PRUNE_MAX_SHARE = 0.5
"""Candidates holding more than this share of the edges are not worth a
separate solve (a graph already cut to a few mentors per mentee): the whole
problem is solved at once."""


def solve_optimal(
    eu: np.ndarray,
    ev: np.ndarray,
    w: np.ndarray,
    cap_a: np.ndarray,
    cap_b: np.ndarray,
    *,
    cardinality: bool = False,
    group_of: np.ndarray | None = None,
    group_cap: np.ndarray | None = None,
    balance: bool = False,
) -> np.ndarray:
    """Maximum total weight, then most pairs; a mask over the edges.

    Edges of negative weight and nodes of capacity 0 never take part. With
    ``cardinality``: most pairs, then maximum total weight (negative weights
    take part), by adding to every weight a constant larger than what any
    matching's weights can differ by. ``group_of`` gives each mentor's group
    (-1 for none) and ``group_cap`` each group's capacity: the flow then
    passes through a group layer. With ``balance``, among the optimal
    solutions one whose largest mentor load share (load / capacity) is
    smallest (see :func:`balanced`).
    """
    chosen = np.zeros(len(w), dtype=bool)
    n = len(cap_a)
    use = (cap_a[eu] > 0) & (cap_b[ev] > 0)
    if not cardinality:
        use &= w >= 0
    if not use.any():
        return chosen
    idx = np.nonzero(use)[0]
    a, b = eu[idx], ev[idx]
    if cardinality:
        q = _cardinality_first(w[idx], a, b, cap_a, cap_b)
    else:
        q = _integer_weights(w[idx], n)

    def solve(caps: np.ndarray) -> np.ndarray:
        if group_of is None and bool(np.all(cap_a <= 1)):
            return _certified_assignment(a, b, q, n, caps)
        # groups or mentee capacities: the flow of the phases where they pay
        got = _phased(a, b, q, n, caps, group_of, group_cap, cap_a, any_size=True)
        if got is not None:
            return got
        return _flow_lp(a, b, q, cap_a, caps, group_of=group_of, group_cap=group_cap)

    got = solve(cap_b)
    if balance and len(got):
        got = balanced(solve, b, q, got, cap_b)
    chosen[idx[got]] = True
    return chosen


def _shares(cap_b: np.ndarray, deg: np.ndarray) -> list[Fraction]:
    """Every load share ``k / capacity`` a mentor with edges can reach, sorted."""
    most: dict[int, int] = {}
    for c, d in zip(cap_b.tolist(), deg.tolist(), strict=True):
        if c > 0 and d > 0:
            most[c] = max(most.get(c, 0), min(c, d))
    return sorted({Fraction(k, c) for c, top in most.items() for k in range(top + 1)})


def balanced(
    solve: Callable[[np.ndarray], np.ndarray],
    b: np.ndarray,
    q: np.ndarray,
    best: np.ndarray,
    cap_b: np.ndarray,
) -> np.ndarray:
    """Return an optimal solution whose largest mentor load share is smallest.

    ``solve(caps)`` returns an optimal solution (edge positions) for mentor
    capacities ``caps``; ``best`` is one for ``cap_b``. A solution with
    every share at most ``t`` is one with capacities ``floor(t * cap)``, and
    it is optimal for ``cap_b`` exactly when its value (the sum of ``q``,
    then the number of pairs) equals that of ``best``: a binary search over
    the shares a mentor can reach (exact fractions) finds the smallest such
    ``t``.
    """
    m = len(cap_b)
    target = (int(q[best].sum()), len(best))
    shares = _shares(cap_b, np.bincount(b, minlength=m))
    load = np.bincount(b[best], minlength=m).tolist()
    caps = cap_b.tolist()
    now = max(Fraction(k, c) for k, c in zip(load, caps, strict=True) if c > 0)
    lo, hi = 0, bisect_left(shares, now)
    found = best
    while lo < hi:
        mid = (lo + hi) // 2
        t = shares[mid]
        limit = np.array([(t.numerator * c) // t.denominator for c in caps], dtype=np.int64)
        got = solve(limit)
        if (int(q[got].sum()), len(got)) == target:
            hi, found = mid, got
        else:
            lo = mid + 1
    return found


def _cardinality_first(
    w: np.ndarray, a: np.ndarray, b: np.ndarray, cap_a: np.ndarray, cap_b: np.ndarray
) -> np.ndarray:
    """Integer weights, all positive, whose maximum-weight matchings are the largest ones.

    With at most ``k`` pairs in any matching and weights spanning ``span``,
    adding ``k * span + 1`` to each makes one more pair worth more than any
    difference in weight, while matchings of equal size keep their order.
    """
    n = len(cap_a)
    deg_a = np.bincount(a, minlength=n)
    deg_b = np.bincount(b, minlength=len(cap_b))
    k = min(int(np.minimum(cap_a, deg_a).sum()), int(np.minimum(cap_b, deg_b).sum()))
    q = _integer_weights(w, n, headroom=k + 2)
    low = int(q.min())
    span = int(q.max()) - low
    return q - low + (k * span + 1)


def _integer_weights(w: np.ndarray, n_rows: int, *, headroom: int = 1) -> np.ndarray:
    """Map weights to integers on which double arithmetic is exact.

    ``headroom`` leaves room for weights that many times larger.
    """
    if len(w) == 0:
        return np.zeros(0, dtype=np.int64)
    top = float(np.max(np.abs(w)))
    budget = 2.0**51 / ((n_rows + 2) * (n_rows + 2) * headroom)
    if np.all(w == np.round(w)) and top <= budget:
        return w.astype(np.int64)
    scale = 2.0 ** math.floor(math.log2(budget / max(top, 1e-300)))
    return np.round(w * min(scale, 2.0**40)).astype(np.int64)


def best_per_group(group: np.ndarray, q: np.ndarray, k: np.ndarray, tag: np.ndarray) -> np.ndarray:
    """Mask of the ``k[group]`` highest-``q`` edges of each group.

    Ties go by ``tag`` (small non-negative integers), then by position.
    """
    order = _group_order(group, q, tag)
    in_order = group[order]
    first = np.searchsorted(in_order, in_order)
    keep = np.zeros(len(q), dtype=bool)
    keep[order[(np.arange(len(order)) - first) < k[in_order]]] = True
    return keep


def _group_order(group: np.ndarray, q: np.ndarray, tag: np.ndarray) -> np.ndarray:
    """Order the edges by group, highest ``q`` first, then by ``tag``, then by position."""
    top = int(q.max())
    span = top - int(q.min()) + 1
    groups = int(group.max()) + 1
    if groups * span < 2**46 and bool(np.all(group[1:] >= group[:-1])):
        # grouped already (edges by mentee): one key, sorted in nearly sorted runs
        key = (group.astype(np.int64) * span + (top - q)) * 65536 + tag.astype(np.int64)
        return np.argsort(key, kind="stable")
    order = np.argsort(tag.astype(np.uint16), kind="stable")
    if groups <= 65536 and span <= 65536:  # linear-time radix sorts
        order = order[np.argsort((top - q[order]).astype(np.uint16), kind="stable")]
        return order[np.argsort(group[order].astype(np.uint16), kind="stable")]
    if groups * span < 2**62:
        key = group.astype(np.int64) * span + (top - q)
        return order[np.argsort(key[order], kind="stable")]
    return order[np.lexsort(((top - q)[order], group[order]))]  # a combined key would overflow


def _scrambled_tags(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return a fixed pseudo-random 16-bit tag per pair, to break equal weights.

    Candidates chosen by a scrambled order of the pair rather than by id,
    so that the candidates of one mentor are not all the first mentees.
    """
    mix = a.astype(np.uint64) * np.uint64(0x9E3779B1) + b.astype(np.uint64) * np.uint64(0x85EBCA77)
    return np.asarray((mix >> np.uint64(16)) & np.uint64(0xFFFF))


def _certified_assignment(
    a: np.ndarray, b: np.ndarray, q: np.ndarray, n: int, cap_b: np.ndarray
) -> np.ndarray:
    """Exact b-matching: solve on candidate edges, prove optimality on all edges.

    The assignment (:func:`assignment`) is solved on candidate edges (each
    mentee's best ones and each mentor's best ones per slot) and checked by
    :func:`~._certify.certify`. When the certificate fails, the edges that
    break the bound join the candidates with every edge of their mentees (in
    later rounds also more of each mentee's and mentor's best edges) and the
    solve is repeated; after ``PRUNE_ROUNDS`` rounds the whole problem is
    solved directly. When there are enough slots, the candidates are first
    solved without the "unmatched" option (a smaller assignment); if that
    has no solution or is not optimal on the candidates, the option comes
    back. Returns the positions of the chosen edges.
    """
    m = len(cap_b)
    cap = np.minimum(cap_b, np.bincount(b, minlength=m))
    if int(cap[b].sum()) < PRUNE_MIN_SLOT_EDGES:
        return assignment(a, b, q, n, cap_b)
    gain = q.astype(np.int64) * (n + 1) + 1  # as in assignment
    keep = np.zeros(len(a), dtype=bool)
    tag = _scrambled_tags(a, b)
    everyone = int(cap.sum()) >= n  # first try to match every mentee
    grow = 0
    while grow < PRUNE_ROUNDS:
        widen = max(grow - 1, 0)
        keep |= best_per_group(a, q, np.full(n, PRUNE_PER_MENTEE << widen), tag)
        keep |= best_per_group(b, q, (PRUNE_PER_SLOT << widen) * cap, tag)
        sub = np.flatnonzero(keep)
        if grow == 0 and len(sub) > PRUNE_MAX_SHARE * len(a):
            break  # hardly smaller than the whole problem
        if everyone and not bool(np.bincount(a[sub], minlength=n).all()):
            everyone = False
        try:
            local = _large(a[sub], b[sub], q[sub], n, cap_b, everyone=everyone)
        except ValueError:  # no candidate matching covers every mentee
            everyone = False
            continue
        proof = certify(a, b, gain, sub, local, n, cap)
        if proof is not None and proof.optimal:
            return np.asarray(sub[local], dtype=np.int64)
        if everyone and (proof is None or not proof.on_candidates):
            everyone = False  # not optimal once some mentee may stay unmatched
            continue
        if proof is None or not proof.on_candidates:
            break  # paths too long: solve the whole problem
        # add the edges the candidates' prices undervalue, with every edge
        # of their mentees; grow the candidates further only when that did not do
        broken = proof.undervalued
        keep |= broken | np.isin(a, a[broken])
        grow += 1
    got = _phased(a, b, q, n, cap_b)
    if got is not None:
        proof = certify(a, b, gain, np.arange(len(a)), got, n, cap)
        if proof is not None and proof.optimal:
            return got
    return assignment(a, b, q, n, cap_b)


def _small_weights(q: np.ndarray) -> bool:
    """Whether the weights suit :func:`~._phases.shortest_path_phases` (a few phases)."""
    return len(q) > 0 and int(q.min()) >= 0 and int(q.max()) <= PHASE_WEIGHT_MAX


def _large(
    a: np.ndarray,
    b: np.ndarray,
    q: np.ndarray,
    n: int,
    cap_b: np.ndarray,
    *,
    everyone: bool,
) -> np.ndarray:
    """Exact b-matching of a large problem (positions of the chosen edges).

    Shortest-path phases where they pay (see :func:`_phased`), else the
    assignment on mentor slots (``everyone`` as there).
    """
    got = _phased(a, b, q, n, cap_b)
    if got is not None:
        return got
    return assignment(a, b, q, n, cap_b, everyone=everyone)


def _phased(  # noqa: PLR0917  (private: the arrays of one problem)
    a: np.ndarray,
    b: np.ndarray,
    q: np.ndarray,
    n: int,
    cap_b: np.ndarray,
    group_of: np.ndarray | None = None,
    group_cap: np.ndarray | None = None,
    cap_a: np.ndarray | None = None,
    *,
    any_size: bool = False,
) -> np.ndarray | None:
    """Solve by shortest-path phases where they are faster, else return ``None``.

    Small integer weights from ``PHASE_MIN_MENTEES`` mentees (from any
    number with ``any_size``, where the alternative is HiGHS), any other
    weights by cost scaling from ``SCALING_MIN_MENTEES``. ``None`` also when
    a phase's safeguard trips.
    """
    if _small_weights(q) and (any_size or n >= PHASE_MIN_MENTEES):
        return shortest_path_phases(a, b, q, n, cap_b, group_of, group_cap, cap_a)
    if n >= SCALING_MIN_MENTEES and len(q) and int(q.min()) >= 0:
        return scaled_phases(a, b, q, n, cap_b, group_of, group_cap, cap_a)
    return None


def assignment(
    a: np.ndarray,
    b: np.ndarray,
    q: np.ndarray,
    n: int,
    cap_b: np.ndarray,
    *,
    everyone: bool = False,
) -> np.ndarray:
    """Exact b-matching by a sparse rectangular assignment on mentor slots.

    Each mentor becomes ``min(capacity, degree)`` slots and each mentee also
    gets a private "unmatched" column, so a full matching of the mentee rows
    always exists. The cost ``big - (q * (n + 1) + 1)`` of a pair makes the
    total cost ``n * big - (n + 1) * weight - matched``: minimising it gives
    maximum weight first, then most matched mentees.

    With ``everyone`` there are no private columns: the best matching that
    matches every mentee, or ``ValueError`` when there is none. Returns the
    positions of the chosen edges.
    """
    from scipy.sparse import csr_array  # noqa: PLC0415
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching  # noqa: PLC0415

    m = len(cap_b)
    deg = np.bincount(b, minlength=m)
    slots = np.minimum(cap_b, deg)
    offset = np.concatenate(([0], np.cumsum(slots)))
    n_slots = int(offset[-1])
    rep = slots[b]
    edge_of = np.repeat(np.arange(len(a)), rep)
    within = np.arange(int(rep.sum())) - np.repeat(np.cumsum(rep) - rep, rep)
    cols = offset[b][edge_of] + within
    gain = q.astype(np.float64) * (n + 1) + 1.0
    big = float(gain.max()) + 1.0
    private = 0 if everyone else n
    data = np.concatenate((big - gain[edge_of] + 1.0, np.full(private, big + 1.0)))
    rows = np.concatenate((a[edge_of], np.arange(private)))
    cols = np.concatenate((cols, n_slots + np.arange(private)))
    matrix = csr_array((data, (rows, cols)), shape=(n, n_slots + private))
    row_ind, col_ind = min_weight_full_bipartite_matching(matrix)
    real = col_ind < n_slots
    r, c = row_ind[real], col_ind[real]
    mentor = np.searchsorted(offset, c, side="right") - 1
    # map (mentee, mentor) back to edge positions (edges are unique pairs)
    key = a.astype(np.int64) * m + b
    order = np.argsort(key, kind="stable")
    found = order[np.searchsorted(key[order], r.astype(np.int64) * m + mentor)]
    return np.asarray(found, dtype=np.int64)


def _flow_lp(
    a: np.ndarray,
    b: np.ndarray,
    q: np.ndarray,
    cap_a: np.ndarray,
    cap_b: np.ndarray,
    *,
    group_of: np.ndarray | None = None,
    group_cap: np.ndarray | None = None,
) -> np.ndarray:
    """Exact b-matching with capacities on both sides (and groups) through HiGHS.

    The constraint matrix of a bipartite b-matching is totally unimodular,
    and stays so with a row per group of mentors (the mentor and group rows
    form a laminar family, the mentee rows a partition: a network matrix),
    so the simplex method's vertex solution is integral. Returns the
    positions of the chosen edges.
    """
    from scipy.optimize import linprog  # noqa: PLC0415
    from scipy.sparse import coo_array, vstack  # noqa: PLC0415

    ne = len(a)
    n, m = len(cap_a), len(cap_b)
    cols = np.arange(ne)
    ones = np.ones(ne)
    blocks = [
        coo_array((ones, (a, cols)), shape=(n, ne)),
        coo_array((ones, (b, cols)), shape=(m, ne)),
    ]
    rhs = np.concatenate((cap_a, cap_b)).astype(np.float64)
    if group_of is not None and group_cap is not None:
        g = group_of[b]
        inside = g >= 0
        blocks.append(
            coo_array((ones[inside], (g[inside], cols[inside])), shape=(len(group_cap), ne))
        )
        rhs = np.concatenate((rhs, group_cap.astype(np.float64)))
    a_ub = vstack(blocks).tocsr()
    gain = q.astype(np.float64) * (ne + 1) + 1.0
    res = linprog(  # type: ignore[call-overload]
        -gain, A_ub=a_ub, b_ub=rhs, bounds=(0.0, 1.0), method="highs-ds"
    )
    if res.x is None:  # pragma: no cover - the problem is always feasible (x = 0)
        return np.zeros(0, dtype=np.int64)
    return np.nonzero(res.x > 0.5)[0]
