"""Counting placements per cadre and program: the counting bound and its parts.

Every (cadre, program, post) pair with a free window counts, before any
pruning of options, so what is counted here holds for the whole problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from ._compile import Compiled
from ._mip import staffing_supply
from ._problem import RotationProblem

__all__ = ["Counted", "counting_bound", "pair_chunks", "pair_most"]


class Counted(NamedTuple):
    """The counting bound: most placements toward minimums, most total value."""

    placed: int
    value: float


def pair_most(problem: RotationProblem, comp: Compiled, c: int, k: int, chunk: np.ndarray) -> int:
    """Most placements of cadre ``c`` in program ``k`` given its pairs ``chunk``.

    ``chunk`` indexes the (cadre, program, post) pairs of ``comp`` for that
    cadre and program.
    """
    prog = problem.programs[k]
    gap, length = int(comp.pgap[k]), int(comp.plen[k])
    free = int((~comp.unavail[c]).sum())
    # gap periods may fall on unavailable ones, placements may not
    most = min(int(comp.pmax[k]), (comp.horizon + gap) // (length + gap), free // length)
    if prog.no_repeat:
        most = min(most, len(chunk))
    if prog.one_per_category:
        most = min(most, len(np.unique(comp.pcat[comp.pair_p[chunk]])))
    if prog.career_max:
        # per category: at most what the career limit leaves, or the maximum
        cats = np.unique(comp.pcat[comp.pair_p[chunk]]).tolist()
        limits = comp.pcareer[k, cats]
        left = np.where(limits >= 0, limits - comp.hist_count[c, cats], comp.pmax[k])
        most = min(most, int(left.clip(min=0).sum()))
    return max(0, most)


def pair_chunks(comp: Compiled) -> Iterable[tuple[int, int, np.ndarray]]:
    """Yield (cadre, program, pairs best value first) for every pair group."""
    if len(comp.pair_c) == 0:
        return
    nk = max(1, len(comp.prog_names))
    key = comp.pair_c * nk + comp.pair_k
    order = np.lexsort((-comp.pair_v, key))
    cuts = np.flatnonzero(np.diff(key[order])) + 1
    for chunk in np.split(order, cuts):
        c, k = divmod(int(key[chunk[0]]), nk)
        yield c, k, chunk


def counting_bound(problem: RotationProblem, comp: Compiled) -> Counted:
    """Per cadre and program: at most ``min`` placements, each at most its best value.

    Staffing minimums add, per post-period, at most the minimum and at most
    the cadres who could be placed there in that period.

    Counts use every (cadre, program, post) pair with a free window, before any
    pruning of options, so the bound holds for the whole problem.
    """
    placed = 0
    value = 0.0
    for c, k, chunk in pair_chunks(comp):
        most = pair_most(problem, comp, c, k, chunk)
        placed += min(most, int(comp.pmin[k]))
        if problem.programs[k].no_repeat:
            tops = comp.pair_v[chunk[:most]]
        else:
            tops = np.full(most, comp.pair_v[chunk[0]])
        value += float(tops.clip(min=0).sum())
    # every placement takes at least the shortest length of post-periods and
    # of its unit's away-periods
    horizon = comp.horizon
    shortest = int(comp.plen.min()) if len(comp.plen) else 1
    post_supply = 0
    for j, post in enumerate(problem.posts):
        lengths = [p.length for p in problem.programs if post.category in p.categories]
        if lengths:
            post_supply += int(comp.pcap[j]) * horizon // min(lengths)
    unit_supply = int(sum(int(lim) * horizon // shortest for lim in comp.away_limit))
    placed = min(placed, post_supply, unit_supply)
    # staffing: each post-period at most its minimum and the cadres who could be there
    if comp.need.any():
        placed += int(np.minimum(comp.need, staffing_supply(comp)).sum())
    return Counted(placed=placed, value=round(value, 9))
