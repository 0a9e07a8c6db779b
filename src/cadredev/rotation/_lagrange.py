"""A Lagrangian bound on total value over post capacities and unit away limits.

The counting bound lets every cadre take its best placements as if no other
cadre wanted them, so on a large problem its value says little. This bound
keeps each (cadre, program)'s own limit (at most ``most`` placements, on
distinct posts under ``no_repeat``, each worth at most the pair's best
value: :mod:`._counting`) and prices two shared limits instead of dropping
them:

* a post can hold at most ``floor(sum of its capacity over the periods /
  the shortest placement length)`` placements over the horizon;
* a unit can send at most ``floor(away limit * horizon / the shortest
  length)`` placements.

For prices ``z`` (posts) and ``w`` (units), both non-negative, every plan's
value is at most ``sum over (cadre, program) of its best placements valued
at v - z[post] - w[unit], counting only positive ones, plus sum z * post
supply plus sum w * unit supply``: each priced term added is non-negative
for a plan that keeps the limits. Any prices give a valid bound; a
subgradient descent (a fixed number of steps, so the bound does not depend
on the machine) looks for small ones. Periods are relaxed (a placement's
value is the pair's best window), so this is weaker than the linear
program over options, but it needs only the (cadre, program, post) pairs,
and holds before any pruning of options.
"""

from __future__ import annotations

import numpy as np

from ._compile import Compiled
from ._counting import pair_chunks, pair_most
from ._problem import RotationProblem

__all__ = ["LAGRANGE_STEPS", "lagrange_seconds", "lagrangian_bound"]

LAGRANGE_STEPS = 40
"""Subgradient steps of :func:`lagrangian_bound`."""


def lagrange_seconds(n_pairs: int) -> float:
    """Return the seconds to set aside for :func:`lagrangian_bound` on ``n_pairs`` pairs.

    Measured: about 30 ns per pair and step, and 0.2 microseconds per pair to
    gather them (12.8 million pairs: about 16 s).
    """
    return n_pairs * (LAGRANGE_STEPS * 3e-8 + 2e-7)


def lagrangian_bound(
    problem: RotationProblem, comp: Compiled, *, reached: float, steps: int = LAGRANGE_STEPS
) -> float:
    """Return an upper bound on any plan's total value (see the module text).

    ``reached`` is the value of a known plan: the descent aims its steps at
    it. The bound returned is the smallest found, rounded up at the ninth
    decimal.
    """
    pairs = _Pairs(problem, comp)
    if pairs.empty:
        return 0.0
    z = np.zeros(len(comp.post_ids))
    w = np.zeros(len(comp.units))
    best = np.inf
    theta = 1.0
    stale = 0
    for _ in range(steps):
        value, used_post, used_unit = pairs.evaluate(z, w)
        if not np.isfinite(best) or value < best - 1e-9 * max(1.0, abs(best)):
            best, stale = value, 0
        else:
            stale += 1
            if stale >= 3:
                theta, stale = theta / 2, 0
        g_post = pairs.post_supply - used_post
        g_unit = pairs.unit_supply - used_unit
        # only prices that may move count: a zero price cannot go below zero
        g_post = np.where((z <= 0) & (g_post > 0), 0.0, g_post)
        g_unit = np.where((w <= 0) & (g_unit > 0), 0.0, g_unit)
        norm = float(g_post @ g_post + g_unit @ g_unit)
        if norm == 0:
            break  # the relaxed choice keeps every limit: its value is optimal for it
        step = theta * max(value - reached, 1e-9 * max(1.0, abs(value))) / norm
        z = np.maximum(0.0, z - step * g_post)
        w = np.maximum(0.0, w - step * g_unit)
    return float(np.ceil(best * 1e9) / 1e9)


class _Pairs:
    """The (cadre, program, post) pairs of positive value, grouped by (cadre, program)."""

    def __init__(self, problem: RotationProblem, comp: Compiled) -> None:
        groups: list[np.ndarray] = []
        most: list[int] = []
        distinct: list[bool] = []
        for c, k, chunk in pair_chunks(comp):
            positive = chunk[comp.pair_v[chunk] > 0]
            r = pair_most(problem, comp, c, k, chunk)
            if r > 0 and len(positive):
                groups.append(positive)
                most.append(r)
                distinct.append(bool(problem.programs[k].no_repeat))
        self.empty = not groups
        if self.empty:
            return
        sizes = np.array([len(g) for g in groups], dtype=np.int64)
        at = np.concatenate(groups)
        self.gid = np.repeat(np.arange(len(groups)), sizes)
        self.starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        self.post = comp.pair_p[at]
        self.unit = comp.cunit[comp.pair_c[at]]
        self.v = comp.pair_v[at]
        self.most = np.array(most, dtype=np.int64)
        self.distinct = np.array(distinct, dtype=bool)
        self.post_supply, self.unit_supply = _supplies(problem, comp)

    def evaluate(self, z: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """Return the bound at prices ``z``, ``w`` and how often the relaxation uses each."""
        surplus = np.maximum(self.v - z[self.post] - w[self.unit], 0.0)
        total = float(z @ self.post_supply + w @ self.unit_supply)
        used = np.zeros(len(surplus))  # times each pair is taken in the relaxed choice
        left = np.where(self.distinct, self.most, 1)  # repeatable: the best pair, most times
        rest = surplus.copy()
        for _ in range(int(left.max())):
            top = np.maximum.reduceat(rest, self.starts)
            live = (left > 0) & (top > 0)
            if not live.any():
                break
            at_top = (rest == top[self.gid]) & live[self.gid]
            ties = np.bincount(self.gid[at_top], minlength=len(top))
            take = np.minimum(ties, left)  # equal values: several at once
            gain = np.where(live, top * take, 0.0)
            times = np.where(self.distinct, 1, self.most)
            total += float((gain * times).sum())
            # share the taken count over the tied pairs, for the subgradient
            used[at_top] += (take * times / np.maximum(ties, 1))[self.gid[at_top]]
            left = left - take
            rest = np.where(at_top, -1.0, rest)
        used_post = np.bincount(self.post, weights=used, minlength=len(z))
        used_unit = np.bincount(self.unit, weights=used, minlength=len(w))
        return total, used_post, used_unit


def _supplies(problem: RotationProblem, comp: Compiled) -> tuple[np.ndarray, np.ndarray]:
    """Most placements each post can hold and each unit can send over the horizon."""
    lengths = {
        g: min((p.length for p in problem.programs if cat in p.categories), default=0)
        for g, cat in enumerate(comp.categories)
    }
    post_len = np.array([lengths[int(g)] for g in comp.pcat], dtype=np.int64)
    cap = comp.pcap_t.clip(min=0).sum(axis=1) if comp.horizon else np.zeros(len(post_len))
    post_supply = np.where(post_len > 0, cap // np.maximum(post_len, 1), 0).astype(np.float64)
    shortest = int(comp.plen.min()) if len(comp.plen) else 1
    unit_supply = (comp.away_limit * comp.horizon // max(1, shortest)).astype(np.float64)
    return post_supply, unit_supply
