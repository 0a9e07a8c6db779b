"""The stable method: mentee-proposing deferred acceptance with capacities."""

from __future__ import annotations

import numpy as np

__all__ = ["score_order", "solve_stable"]


def score_order(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges by score, best first (ties by position), and a score code.

    ``code`` is a non-negative integer, 0 for the best score, that orders
    the edges opposite to their scores (equal scores share a code). Integer
    scores within a 16-bit range take a linear-time radix sort.
    """
    if len(s) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    top = float(s.max())
    if top - float(s.min()) < 65536 and bool(np.all(s == np.round(s))):
        small = (top - s).astype(np.uint16)  # exact: integral values in range
        return np.argsort(small, kind="stable"), small.astype(np.int64)
    order = np.argsort(-s, kind="stable")
    ranked = s[order]
    code = np.empty(len(s), dtype=np.int64)
    code[order] = np.concatenate(([0], np.cumsum(ranked[1:] != ranked[:-1])))
    return order, code


def solve_stable(  # noqa: PLR0917  (private: the arrays of one problem)
    eu: np.ndarray,
    ev: np.ndarray,
    s_a: np.ndarray,
    s_b: np.ndarray,
    cap_a: np.ndarray,
    cap_b: np.ndarray,
) -> np.ndarray:
    """Mentee-proposing deferred acceptance with capacities on both sides.

    Edges must come sorted by (mentee, mentor). Returns a mask over the
    edges. Proposals are made in rounds (every mentee with a free slot
    proposes to its next choices at once; each mentor keeps its best
    proposals up to capacity). The order of proposals does not change the
    outcome of deferred acceptance, so this is the mentee-optimal stable
    matching.
    """
    n, ne = len(cap_a), len(eu)
    chosen = np.zeros(ne, dtype=bool)
    if ne == 0:
        return chosen
    # A stable sort by score keeps the (mentee, mentor) order among equal
    # scores, so score ranks break ties by id.
    order_a, code_a = score_order(s_a)
    order_b = order_a if s_b is s_a else score_order(s_b)[0]
    rank = np.empty(ne, dtype=np.int64)
    rank[order_b] = np.arange(ne)
    # mentee lists: by mentee, score desc, mentor id
    by_a = np.argsort(eu.astype(np.int64) * (int(code_a.max()) + 1) + code_a, kind="stable")
    owner = eu[by_a]
    starts = np.searchsorted(owner, np.arange(n + 1))
    target = ev[by_a].astype(np.int64)
    rank_p = rank[by_a]
    ptr = starts[:-1].copy()
    ends = starts[1:]
    held_a = np.zeros(n, dtype=np.int64)
    caps_b = cap_b.astype(np.int64)
    touched = np.zeros(len(caps_b), dtype=bool)
    hold = np.zeros(0, dtype=np.int64)  # positions currently held
    active = np.flatnonzero((cap_a > 0) & (ptr < ends))
    while len(active):
        want = np.minimum(cap_a[active] - held_a[active], ends[active] - ptr[active])
        if bool(np.all(want == 1)):
            props = ptr[active]
        else:
            reps = np.repeat(ptr[active] - np.cumsum(want) + want, want)
            props = reps + np.arange(int(want.sum()))
        ptr[active] += want
        if len(props) == 0:
            break
        # each touched mentor keeps its best holds and proposals up to capacity
        touched[target[props]] = True
        mine = touched[target[hold]]
        touched[target[props]] = False
        old = hold[mine]
        cand = np.concatenate((old, props))
        cb = target[cand]
        order = np.argsort(cb * ne + rank_p[cand])
        cand, cb = cand[order], cb[order]
        first = np.searchsorted(cb, cb)
        keep = (np.arange(len(cand)) - first) < caps_b[cb]
        was_held = order < len(old)
        gained = cand[keep & ~was_held]
        lost = cand[~keep & was_held]
        np.add.at(held_a, owner[gained], 1)
        np.add.at(held_a, owner[lost], -1)
        hold = np.concatenate((hold[~mine], cand[keep]))
        # the mentees that lost a place or still have room propose again
        again = np.zeros(n, dtype=bool)
        again[owner[cand[~keep]]] = True
        again[active] = True
        active = np.flatnonzero(again & (held_a < cap_a) & (ptr < ends))
    chosen[by_a[hold]] = True
    return chosen
