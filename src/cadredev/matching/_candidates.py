"""Candidates that respect capacity: a greedy b-matching over every pair, found by proposals.

Each mentee takes up to ``k`` candidate mentors (``top_per_slot`` per role)
and each mentor up to its quota (``capacity * top_per_slot``) candidate
mentees: the greedy matching with every capacity multiplied by
``top_per_slot``, pairs taken by
weight, highest first (ties by mentee, then mentor position). Under one
common order of the pairs this greedy b-matching is the unique stable one,
so mentee-proposing deferred acceptance finds it; it runs in rounds in which
only the mentees still short of candidates are scored again, against the
mentors that would still take them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from ._bounds import best_pruned
from ._score import best_cells

if TYPE_CHECKING:
    from ._bounds import MentorGroups
    from ._score import Scorer

__all__ = ["CACHE", "spread_candidates"]


Visit: TypeAlias = Callable[[np.ndarray, np.ndarray, np.ndarray], None]
"""Called with a block's mentee positions, totals and pairs not cut."""

CACHE = 32
"""How many of its best mentors a mentee keeps between rounds of proposals."""


@dataclass
class _Ranked:
    """Each mentee's best mentors that would take it when last scored, best first.

    The set of mentors that would take a mentee only shrinks (the bars only
    rise, held pairs are not proposed again), so while at least ``want`` of
    the kept ones still would, they are its best ``want``; and a list that
    held every such mentor (``complete``) stays complete.
    """

    mentor: np.ndarray
    weight: np.ndarray
    known: np.ndarray
    complete: np.ndarray


def spread_candidates(
    scorer: Scorer,
    k: int,
    quota: np.ndarray,
    *,
    visit: Visit | None = None,
    groups: MentorGroups | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the pairs of the greedy b-matching as mentee and mentor positions, sorted by mentee.

    ``quota`` is each mentor's most candidates; a mentee has at most ``k``.
    Only pairs not cut (hard filters, ``min_weight``, ``forbid``) take part.
    The first round scores every mentee: ``visit`` is then called with each
    block's mentee positions, totals and pairs not cut. With ``groups``, a
    mentee's best mentors are found by groups of mentors (and ``visit`` is
    not called).
    """
    n, m = scorer.n, len(quota)
    width = max(CACHE, 2 * k)
    ranked = _Ranked(
        mentor=np.full((n, width), -1, dtype=np.int64),
        weight=np.full((n, width), -np.inf),
        known=np.zeros(n, dtype=bool),
        complete=np.zeros(n, dtype=bool),
    )
    held_i = np.zeros(0, dtype=np.int64)  # held pairs, sorted by (mentor, -weight, mentee)
    held_j = np.zeros(0, dtype=np.int64)
    held_w = np.zeros(0)
    count = np.zeros(n, dtype=np.int64)
    # the worst held pair of a full mentor: a proposal must beat it
    bars = _bars(held_i, held_j, held_w, quota)
    exhausted = np.zeros(n, dtype=bool)  # no mentor left that would take it: for good,
    active = np.arange(n)  # as the bars only rise
    while len(active):
        want = k - count[active]
        taken = np.sort(held_i.astype(np.int64) * m + held_j)
        fresh = _from_cache(ranked, active, want, bars, taken, m)
        if groups is not None:
            _rescore_by_groups(groups, ranked, active[~fresh], bars, taken)
        else:
            _rescore(scorer, ranked, active[~fresh], bars, taken, visit=visit)
        visit = None
        props_i, props_j, props_w, done = _pick(ranked, active, want, bars, taken, m)
        exhausted[active[done]] = True
        held_i, held_j, held_w = _merge(held_i, held_j, held_w, props_i, props_j, props_w, quota)
        count = np.bincount(held_i, minlength=n)
        bars = _bars(held_i, held_j, held_w, quota)
        active = np.flatnonzero((count < k) & ~exhausted)
    order = np.lexsort((held_j, held_i))
    return held_i[order], held_j[order]


def _bars(
    held_i: np.ndarray, held_j: np.ndarray, held_w: np.ndarray, quota: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the weight and mentee a proposal must beat, per mentor (its worst pair when full)."""
    m = len(quota)
    bar_w = np.where(quota > 0, -np.inf, np.inf)
    bar_i = np.full(m, -1, dtype=np.int64)
    full = (np.bincount(held_j, minlength=m) >= quota) & (quota > 0)
    last = np.searchsorted(held_j, np.arange(m), side="right") - 1
    bar_w[full] = held_w[last[full]]
    bar_i[full] = held_i[last[full]]
    return bar_w, bar_i


def _eligible(  # noqa: PLR0917  (private: the arrays of one round)
    rows: np.ndarray,
    mentor: np.ndarray,
    weight: np.ndarray,
    bars: tuple[np.ndarray, np.ndarray],
    taken: np.ndarray,
    m: int,
) -> np.ndarray:
    """Mask of the (mentee ``rows``, ``mentor``) entries whose mentor would take the mentee."""
    bar_w, bar_i = bars
    j = np.maximum(mentor, 0)
    beats = (weight > bar_w[j]) | ((weight == bar_w[j]) & (rows[:, None] < bar_i[j]))
    key = rows[:, None] * m + j
    pos = np.minimum(np.searchsorted(taken, key), max(len(taken) - 1, 0))
    held = taken[pos] == key if len(taken) else np.zeros(key.shape, dtype=bool)
    return np.asarray((mentor >= 0) & np.isfinite(weight) & beats & ~held, dtype=bool)


def _from_cache(  # noqa: PLR0917  (private: the arrays of one round)
    ranked: _Ranked,
    active: np.ndarray,
    want: np.ndarray,
    bars: tuple[np.ndarray, np.ndarray],
    taken: np.ndarray,
    m: int,
) -> np.ndarray:
    """Mask of the active mentees whose kept list still answers this round."""
    ok = _eligible(active, ranked.mentor[active], ranked.weight[active], bars, taken, m)
    enough = ok.sum(axis=1) >= want
    return np.asarray(ranked.known[active] & (enough | ranked.complete[active]), dtype=bool)


def _rescore(
    scorer: Scorer,
    ranked: _Ranked,
    rows: np.ndarray,
    bars: tuple[np.ndarray, np.ndarray],
    taken: np.ndarray,
    *,
    visit: Visit | None,
) -> None:
    """Score the mentees ``rows`` again and keep each one's best mentors that would take it."""
    width = ranked.mentor.shape[1]
    m = len(bars[0])
    bar_w, bar_i = bars
    held_i, held_j = np.divmod(taken, m)
    for lo in range(0, len(rows), scorer.chunk):
        part = rows[lo : lo + scorer.chunk]
        _, total, ok = scorer.score(part)
        if visit is not None:
            visit(part, total, ok)
        # the mentors that would take it: beat the bar (weight, then mentee position) ...
        ok &= (total > bar_w) | ((total == bar_w) & (part[:, None] < bar_i))
        # ... and do not hold it already
        at = np.searchsorted(part, held_i)
        mine = part[np.minimum(at, len(part) - 1)] == held_i
        ok[at[mine], held_j[mine]] = False
        score = np.where(ok, total, -np.inf)
        r, c, rank = best_cells(score, width)
        mentors = np.full((len(part), width), -1, dtype=np.int64)
        weight = np.full((len(part), width), -np.inf)
        mentors[r, rank] = c
        weight[r, rank] = score[r, c]
        ranked.mentor[part] = mentors
        ranked.weight[part] = weight
        ranked.known[part] = True
        ranked.complete[part] = ok.sum(axis=1) <= width


def _rescore_by_groups(
    groups: MentorGroups,
    ranked: _Ranked,
    rows: np.ndarray,
    bars: tuple[np.ndarray, np.ndarray],
    taken: np.ndarray,
) -> None:
    """As :func:`_rescore`, scoring only the groups of mentors that may hold a mentee's best."""
    width = ranked.mentor.shape[1]
    m = len(bars[0])
    bar_w, bar_i = bars

    def eligible(part: np.ndarray, cols: np.ndarray, total: np.ndarray) -> np.ndarray:
        beats = (total > bar_w[cols]) | ((total == bar_w[cols]) & (part[:, None] < bar_i[cols]))
        key = part[:, None] * m + cols[None, :]
        pos = np.minimum(np.searchsorted(taken, key), max(len(taken) - 1, 0))
        held = taken[pos] == key if len(taken) else np.zeros(key.shape, dtype=bool)
        return np.asarray(beats & ~held, dtype=bool)

    for part in groups.blocks(rows):
        r, c, s = best_pruned(groups, part, width, eligible=eligible)
        rank = np.arange(len(r)) - np.searchsorted(r, r)
        mentors = np.full((len(part), width), -1, dtype=np.int64)
        weight = np.full((len(part), width), -np.inf)
        mentors[r, rank] = c
        weight[r, rank] = s
        ranked.mentor[part] = mentors
        ranked.weight[part] = weight
        ranked.known[part] = True
        # fewer than asked: the search went through every mentor that would take it
        ranked.complete[part] = np.bincount(r, minlength=len(part)) < width


def _pick(  # noqa: PLR0917  (private: the arrays of one round)
    ranked: _Ranked,
    active: np.ndarray,
    want: np.ndarray,
    bars: tuple[np.ndarray, np.ndarray],
    taken: np.ndarray,
    m: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each active mentee's best ``want`` mentors that would take it, from its kept list.

    Returns the proposals (mentee, mentor, weight) and, per active mentee,
    whether no mentor beyond those proposed to would take it.
    """
    mentor, weight = ranked.mentor[active], ranked.weight[active]
    ok = _eligible(active, mentor, weight, bars, taken, m)
    rank = np.cumsum(ok, axis=1)
    chosen = ok & (rank <= want[:, None])
    r, c = np.nonzero(chosen)
    done = ranked.complete[active] & (ok.sum(axis=1) <= want)
    return active[r], mentor[r, c], weight[r, c], done


def _merge(  # noqa: PLR0917  (private: the arrays of one round)
    held_i: np.ndarray,
    held_j: np.ndarray,
    held_w: np.ndarray,
    new_i: np.ndarray,
    new_j: np.ndarray,
    new_w: np.ndarray,
    quota: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each mentor keeps its best pairs up to its quota (weight desc, then mentee position)."""
    i = np.concatenate((held_i, new_i))
    j = np.concatenate((held_j, new_j))
    w = np.concatenate((held_w, new_w))
    order = np.lexsort((i, -w, j))
    i, j, w = i[order], j[order], w[order]
    first = np.searchsorted(j, j)
    keep = (np.arange(len(j)) - first) < quota[j]
    return i[keep], j[keep], w[keep]
