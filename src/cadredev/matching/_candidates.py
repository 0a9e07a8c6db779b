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

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ._graph import Blocks

__all__ = ["spread_candidates"]


def spread_candidates(blocks: Blocks, k: int, quota: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the pairs of the greedy b-matching as mentee and mentor positions, sorted by mentee.

    ``quota`` is each mentor's most candidates; a mentee has at most ``k``.
    Only pairs not cut (hard filters, ``min_weight``, ``forbid``) take part.
    """
    n = len(blocks.cadres)
    held_i = np.zeros(0, dtype=np.int64)  # held pairs, sorted by (mentor, -weight, mentee)
    held_j = np.zeros(0, dtype=np.int64)
    held_w = np.zeros(0)
    count = np.zeros(n, dtype=np.int64)
    # the worst held pair of a full mentor: a proposal must beat it
    bar_w, bar_i = _bars(held_i, held_j, held_w, quota)
    exhausted = np.zeros(n, dtype=bool)  # no mentor left that would take it: for good,
    active = np.arange(n)  # as the bars only rise
    while len(active):
        props_i, props_j, props_w, done = _propose(
            blocks, active, k - count[active], (bar_w, bar_i), (held_i, held_j)
        )
        exhausted[active[done]] = True
        held_i, held_j, held_w = _merge(held_i, held_j, held_w, props_i, props_j, props_w, quota)
        count = np.bincount(held_i, minlength=n)
        bar_w, bar_i = _bars(held_i, held_j, held_w, quota)
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


def _propose(
    blocks: Blocks,
    active: np.ndarray,
    want: np.ndarray,
    bars: tuple[np.ndarray, np.ndarray],
    held: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each active mentee's best ``want`` mentors among those that would take it.

    ``bars`` are what a proposal must beat per mentor; ``held`` the pairs held
    (not proposed again).
    Returns the proposals (mentee, mentor, weight) and, per active mentee,
    whether it has no such mentor left beyond those proposed to.
    """
    out_i, out_j, out_w = [], [], []
    done = np.zeros(len(active), dtype=bool)
    bar_w, bar_i = bars
    row_of = np.full(len(blocks.cadres), -1, dtype=np.int64)
    chunk = blocks.chunk
    for lo in range(0, len(active), chunk):
        rows = active[lo : lo + chunk]
        _, total, mask = blocks.score([blocks.cadres[i] for i in rows.tolist()])
        beats = (total > bar_w[None, :]) | (
            (total == bar_w[None, :]) & (rows[:, None] < bar_i[None, :])
        )
        row_of[rows] = np.arange(len(rows))
        mine = row_of[held[0]] >= 0
        beats[row_of[held[0][mine]], held[1][mine]] = False
        row_of[rows] = -1
        score = np.where(mask & beats, total, -np.inf)
        # best first, ties by mentor position: a stable sort of the negated scores
        order = np.argsort(-score, axis=1, kind="stable")
        top = min(int(want[lo : lo + chunk].max()), score.shape[1])
        pick = order[:, :top]
        got = np.take_along_axis(score, pick, axis=1)
        ok = np.isfinite(got) & (np.arange(top)[None, :] < want[lo : lo + chunk, None])
        r, c = np.nonzero(ok)
        out_i.append(rows[r])
        out_j.append(pick[r, c])
        out_w.append(got[r, c])
        available = np.isfinite(score).sum(axis=1)
        done[lo : lo + chunk] = available <= want[lo : lo + chunk]
    if not out_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0), done
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_w), done


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
