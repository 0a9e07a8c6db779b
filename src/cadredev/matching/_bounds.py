"""Each mentee's best mentors without scoring every pair: groups of mentors and upper bounds.

Mentors are sorted by grid, industries, unit and cohort and cut into small
groups; for a block of mentees, an upper bound of every pair's weight is
computed per group from the group's extremes (highest and lowest level of
each competency, union and intersection of industries, range of units,
grids and cohorts). A few groups with the highest bounds are scored first,
giving each mentee a ``k``-th best weight; only the groups whose bound
reaches it are then scored. A pair of a group left out weighs less than
``k`` pairs already scored, so the result is the same as scoring every pair.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np

from ._score import ROUND, Scorer, best_cells

__all__ = ["BLOCK_ROWS", "GROUP", "PRUNE_FROM", "Eligible", "MentorGroups", "best_pruned"]

GROUP = 32
"""Mentors per group."""
PRUNE_FROM = 4096
"""The fewest mentors for which groups are used (below, every pair is scored)."""
BLOCK_ROWS = 256
"""The fewest mentees in a block (like mentees share their best groups)."""
_SLACK = 10.0**-ROUND  # each rounded contribution exceeds its exact value by at most half this


def _floats(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _bit_count(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = np.bitwise_count(x)
    return out


@dataclass(frozen=True)
class MentorGroups:
    """Mentors in small groups of like mentors, with each group's extremes."""

    scorer: Scorer

    @functools.cached_property
    def order(self) -> np.ndarray:
        """Mentor positions, group after group."""
        s = self.scorer
        units, grids = s.units[1], s.grids[1]
        bits = s.industry_bits
        inds = bits[1] if bits is not None else np.zeros(len(units), dtype=np.uint64)
        level = s.theirs.sum(axis=0) if len(s.theirs) else np.zeros(len(units))
        return np.lexsort((-level, s.cohorts[1], units, inds, grids))

    @functools.cached_property
    def mentee_rank(self) -> np.ndarray:
        """Each mentee's place when like mentees (grid, industries, unit) go together."""
        s = self.scorer
        bits = s.industry_bits
        inds = bits[0] if bits is not None else np.zeros(s.n, dtype=np.uint64)
        order = np.lexsort((s.units[0], inds, s.grids[0]))
        rank = np.empty(s.n, dtype=np.int64)
        rank[order] = np.arange(s.n)
        return rank

    def blocks(self, rows: np.ndarray) -> list[np.ndarray]:
        """Return the mentees ``rows`` in blocks of like mentees, each in increasing position."""
        ordered = rows[np.argsort(self.mentee_rank[rows], kind="stable")]
        size = max(self.scorer.chunk, BLOCK_ROWS)
        return [np.sort(ordered[lo : lo + size]) for lo in range(0, len(ordered), size)]

    @functools.cached_property
    def members(self) -> np.ndarray:
        """Group x member: mentor positions, -1 past the end of the last group."""
        m = len(self.order)
        g = -(-m // GROUP)
        out = np.full(g * GROUP, -1, dtype=np.int64)
        out[:m] = self.order
        return out.reshape(g, GROUP)

    def _extremes(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Highest and lowest of ``values`` (by mentor) in each group."""
        v = values[self.members]
        real = self.members >= 0
        hi = np.where(real, v, v[:, :1]).max(axis=1)
        lo = np.where(real, v, v[:, :1]).min(axis=1)
        return hi, lo

    @functools.cached_property
    def levels(self) -> tuple[np.ndarray, np.ndarray]:
        """Competency x group: highest and lowest mentor level."""
        theirs = self.scorer.theirs
        if not len(theirs):
            g = len(self.members)
            return np.zeros((0, g)), np.zeros((0, g))
        pairs = [self._extremes(row) for row in theirs]
        return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])

    @functools.cached_property
    def industries(self) -> tuple[np.ndarray, np.ndarray]:
        """Union and intersection of each group's industry bits."""
        bits = self.scorer.industry_bits
        if bits is None:  # pragma: no cover - groups are only used with bit masks
            msg = "industry bit masks are needed"
            raise RuntimeError(msg)
        v = bits[1][self.members]
        real = self.members >= 0
        union = np.bitwise_or.reduce(np.where(real, v, 0), axis=1)
        inter = np.bitwise_and.reduce(np.where(real, v, v[:, :1]), axis=1)
        return union, inter

    @functools.cached_property
    def codes(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Highest and lowest unit code, grid code and cohort order of each group."""
        s = self.scorer
        return {
            "unit": self._extremes(s.units[1]),
            "grid": self._extremes(s.grids[1]),
            "cohort": self._extremes(s.cohorts[1]),
        }

    def upper(self, rows: np.ndarray) -> np.ndarray:
        """Mentees ``rows`` x groups: at least the weight of any pair of the group."""
        s = self.scorer
        bound = np.zeros((len(rows), len(self.members)))
        for name, weight in s.weights.items():
            # a positive weight takes the criterion's highest value in the group, else its lowest
            part = getattr(self, f"_raw_{name}")(rows, high=weight > 0)
            bound += weight * part
        bound += _SLACK * len(s.weights) + 1e-9 * np.abs(bound)
        return bound

    # Each returns the highest (``high``) or lowest unweighted value of a
    # criterion over each group, for mentees ``rows`` (rows x groups).

    def _raw_industries(self, rows: np.ndarray, *, high: bool) -> np.ndarray:
        bits = self.scorer.industry_bits
        count = self.scorer.industries[1][rows][:, None]
        union, inter = self.industries
        mine = bits[0][rows][:, None] if bits is not None else np.zeros((len(rows), 1), np.uint64)
        out: np.ndarray = _bit_count(mine & (union if high else inter)[None, :]) / np.maximum(
            count, 1
        )
        return out

    def _raw_gap_cover(self, rows: np.ndarray, *, high: bool) -> np.ndarray:
        own, count = self.scorer.own
        levels = self.levels[0 if high else 1]
        out = np.zeros((len(rows), len(self.members)))
        gap = np.empty_like(out)
        for k in range(len(levels)):
            np.subtract(levels[k][None, :], own[k][rows][:, None], out=gap)
            out += np.maximum(gap, 0.0, out=gap)
        out /= np.maximum(count[rows], 1)[:, None]
        return out

    def _raw_weakest(self, rows: np.ndarray, *, high: bool) -> np.ndarray:
        weak, level, has = self.scorer.weakest
        levels = self.levels[0 if high else 1]
        if not len(levels):
            return np.zeros((len(rows), len(self.members)))
        gap = np.maximum(levels[weak[rows]] - level[rows][:, None], 0.0)
        return np.where(has[rows][:, None], gap, 0.0)

    def _raw_cross_unit(self, rows: np.ndarray, *, high: bool) -> np.ndarray:
        mine = self.scorer.units[0][rows][:, None]
        top, bottom = self.codes["unit"]
        if high:  # 0 only when the whole group is in the mentee's unit
            return _floats(~((top[None, :] == mine) & (bottom[None, :] == mine)))
        return _floats((mine < bottom[None, :]) | (mine > top[None, :]))

    def _raw_same_grid(self, rows: np.ndarray, *, high: bool) -> np.ndarray:
        mine = self.scorer.grids[0][rows][:, None]
        top, bottom = self.codes["grid"]
        if high:
            return _floats((mine >= bottom[None, :]) & (mine <= top[None, :]))
        return _floats((top[None, :] == mine) & (bottom[None, :] == mine))

    def _raw_cohort_gap(self, rows: np.ndarray, *, high: bool) -> np.ndarray:
        mine = self.scorer.cohorts[0][rows][:, None]
        top, bottom = self.codes["cohort"]
        out: np.ndarray = np.maximum((top if high else bottom)[None, :] - mine, 0.0) / 2.0
        return out

    def _raw_previous_mentor(self, rows: np.ndarray, *, high: bool) -> np.ndarray:
        shape = (len(rows), len(self.members))
        if not high:
            return np.zeros(shape)
        had = np.array([r in self.scorer.previous for r in rows.tolist()], dtype=float)
        return np.broadcast_to(had[:, None], shape)


Eligible: TypeAlias = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
"""Mask of the pairs (mentees, mentor positions, their weights) that may be chosen."""


def best_pruned(
    groups: MentorGroups, rows: np.ndarray, k: int, *, eligible: Eligible | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return each of the mentees ``rows``'s ``k`` best mentors not cut (ties by position).

    Returns (index into ``rows``, mentor position, weight), sorted as
    :func:`~cadredev.matching._score.best_cells` over every mentor would
    (also leaving out the pairs ``eligible`` rejects, if given).
    Groups are scored in rounds, those of highest bound first, each round
    twice the size of the last, until no group left may hold a pair as
    heavy as some mentee's ``k``-th best so far.
    """
    scorer = groups.scorer
    bound = groups.upper(rows)
    kth = np.full(len(rows), -np.inf)
    top_r = top_c = np.zeros(0, dtype=np.int64)
    top_s = np.zeros(0)
    left = np.ones(len(groups.members), dtype=bool)
    batch = max(1, -(-2 * k // GROUP))
    while True:
        # the groups that may still hold a pair at least as heavy as a mentee's k-th best
        may = left & (bound >= kth[:, None]).any(axis=0)
        if not may.any():
            return top_r, top_c, top_s
        which = np.flatnonzero(may)
        if len(which) > batch:
            reach = (bound[:, which] - kth[:, None]).max(axis=0)
            which = which[np.argpartition(-reach, batch - 1)[:batch]]
        left[which] = False
        cols = _columns(groups, which)
        _, total, mask = scorer.score(rows, cols)
        if eligible is not None:
            mask &= eligible(rows, cols, total)
        score = np.where(mask, total, -np.inf)
        r, c, _ = best_cells(score, k)
        # merge with the best so far: weight desc, then mentor position
        r = np.concatenate((top_r, r))
        s = np.concatenate((top_s, score[r[len(top_r) :], c]))
        c = np.concatenate((top_c, cols[c]))
        order = np.lexsort((c, -s, r))
        r, c, s = r[order], c[order], s[order]
        rank = np.arange(len(r)) - np.searchsorted(r, r)
        keep = rank < k
        top_r, top_c, top_s = r[keep], c[keep], s[keep]
        last = rank[keep] == k - 1
        kth[top_r[last]] = top_s[last]
        batch *= 2


def _columns(groups: MentorGroups, which: np.ndarray) -> np.ndarray:
    """Return the mentor positions of the groups ``which``, in increasing order."""
    got = groups.members[which].ravel()
    return np.sort(got[got >= 0])
