"""Neighbourhoods shaped by periods and posts: free a window of the plan, re-solve it exactly.

A cadre-shaped neighbourhood frees a few cadres; on tight problems (every
cadre's periods nearly full) a freed cadre can only go back where it was,
since the other cadres hold every other place. A window frees every
placement that touches a run of periods (on every post, or on some posts
when that is too many), so the cadres in it can trade places and periods
with each other, and the sub-MIP re-packs the window exactly.
"""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

from ._compile import Compiled
from ._construct import Key, State, fitting
from ._effort import OPTIONS_PER_PLACEMENT
from ._mip import build_model, solve_model
from ._sequence import score

__all__ = ["Move", "Windows"]

MIN_TARGET = 16
"""A window frees at least this many placements when the plan holds four times as many."""


class Move(NamedTuple):
    """The outcome of one window move (internal)."""

    accepted: bool
    significant: bool
    """More placements, or a value gain above the search's relative tolerance."""
    gain: float
    """Change in total value (0 unless accepted)."""
    capped: bool
    """The time cap stopped the sub-solve."""


class Windows:
    """Window moves over one compiled problem (internal).

    ``target`` is the number of placements a window frees (at most a quarter
    of the plan's placements, at least :data:`MIN_TARGET`); it shrinks by a
    fifth when a sub-solve ends on its node budget without proving its
    optimum and grows back by a tenth (up to ``target``) when it proves it, so
    the sub-MIPs stay within the budget. Both depend only on the solver's
    work, never on the clock.
    """

    def __init__(
        self,
        comp: Compiled,
        state: State,
        fixed: set[Key],
        *,
        target: int,
        node_limit: int,
        rel_tol: float,
    ) -> None:
        self.comp = comp
        self.fixed = fixed
        # at most a quarter of the plan, so a window stays a neighbourhood
        placed = len(state.chosen) - len(fixed)
        self.target = max(1, min(target, max(MIN_TARGET, placed // 4)))
        self.most = self.target
        self.node_limit = node_limit
        self.rel_tol = rel_tol
        self.oend = comp.os + comp.ol
        self.first = np.searchsorted(comp.oc, np.arange(len(comp.cadre_ids) + 1))

    def _by_period(self, state: State) -> list[list[Key]]:
        """Return the plan's free (not fixed) placements touching each period."""
        out: list[list[Key]] = [[] for _ in range(self.comp.horizon)]
        for key in sorted(state.chosen):
            if key in self.fixed:
                continue
            for t in range(key[3], key[3] + key[4]):
                out[t].append(key)
        return out

    def _centre(self, state: State, short: np.ndarray, rng: np.random.Generator) -> int:
        """Return a period where a cadre short of a minimum is free, or any period."""
        horizon = self.comp.horizon
        if len(short) and rng.random() < 0.5:
            c = int(short[int(rng.integers(len(short)))])
            busy = state.cmask[c]
            free = [
                t for t in range(horizon) if not (busy >> t) & 1 and not self.comp.unavail[c, t]
            ]
            if free:
                return free[int(rng.integers(len(free)))]
        return int(rng.integers(horizon))

    def choose(
        self, state: State, short: np.ndarray, rng: np.random.Generator
    ) -> tuple[list[Key], int, int, np.ndarray | None]:
        """Return the placements to free, the window's periods and its posts (None: all).

        The window grows from a centre period, a period at a time on a random
        side, until it frees ``target`` placements or spans the horizon; half
        of the windows grow to twice as many and keep only some categories of
        posts (in a random order, up to ``target`` placements). A window that
        frees more than half as many again as ``target`` is cut down the same
        way.
        """
        horizon = self.comp.horizon
        per = self._by_period(state)
        centre = self._centre(state, short, rng)
        wide = rng.random() < 0.5
        reach = 2 * self.target if wide else self.target
        lo, hi = centre, centre + 1
        keys = set(per[centre])
        while len(keys) < reach and hi - lo < horizon:
            if lo > 0 and (hi >= horizon or rng.random() < 0.5):
                lo -= 1
                keys.update(per[lo])
            else:
                keys.update(per[hi])
                hi += 1
        removed = sorted(keys)
        if not wide and len(removed) <= self.target * 3 // 2:
            return removed, lo, hi, None
        mask = self._posts(removed, rng)
        return [key for key in removed if mask[key[1]]], lo, hi, mask

    def _posts(self, removed: list[Key], rng: np.random.Generator) -> np.ndarray:
        """Return the posts to free: whole categories in a random order, up to ``target``."""
        comp = self.comp
        on_post: dict[int, int] = {}
        for key in removed:
            on_post[key[1]] = on_post.get(key[1], 0) + 1
        posts = np.array(sorted(on_post), dtype=np.int64)
        cat_rank = rng.permutation(max(1, len(comp.categories)))
        post_rank = rng.permutation(len(posts))
        posts = posts[np.lexsort((post_rank, cat_rank[comp.pcat[posts]]))]
        mask = np.zeros(len(comp.post_ids), dtype=bool)
        total = 0
        for p in posts.tolist():
            if total and total + on_post[p] > self.target:
                break
            mask[p] = True
            total += on_post[p]
        return mask

    def _candidates(
        self, state: State, removed: list[Key], lo: int, hi: int, posts: np.ndarray | None
    ) -> np.ndarray:
        """Options touching the freed periods (on the window's posts) that fit ``state``."""
        comp = self.comp
        a = min([lo] + [key[3] for key in removed])
        b = max([hi] + [key[3] + key[4] for key in removed])
        near = (comp.os < b) & (self.oend > a)
        if posts is not None:
            near &= posts[comp.op]
        out = fitting(comp, state, np.flatnonzero(near))
        # the freed placements themselves, so the sub-solve cannot lose
        for c, p, k, s, _length in removed:
            lo_c, hi_c = int(self.first[c]), int(self.first[c + 1])
            hit = np.flatnonzero(
                (comp.op[lo_c:hi_c] == p) & (comp.ok[lo_c:hi_c] == k) & (comp.os[lo_c:hi_c] == s)
            )
            if len(hit):
                out.append(lo_c + int(hit[0]))
        return np.unique(np.array(out, dtype=np.int64))

    def _cap(self, cand: np.ndarray, removed: list[Key], rng: np.random.Generator) -> np.ndarray:
        """Keep at most :data:`OPTIONS_PER_PLACEMENT` options per freed placement.

        On large problems many cadres with free periods could enter a window.
        The freed cadres keep all their options; the others come in whole, in
        a random order, while they fit.
        """
        cap = OPTIONS_PER_PLACEMENT * max(len(removed), self.target)
        if len(cand) <= cap:
            return cand
        owner = self.comp.oc[cand]
        freed = np.isin(owner, [key[0] for key in removed])
        keep = [cand[freed]]
        room = cap - int(freed.sum())
        others = np.unique(owner[~freed])
        for c in rng.permutation(others).tolist():
            if room <= 0:
                break
            mine = cand[owner == c]
            if len(mine) <= room:
                keep.append(mine)
                room -= len(mine)
        return np.unique(np.concatenate(keep))

    def move(
        self,
        state: State,
        short: np.ndarray,
        rng: np.random.Generator,
        *,
        total_value: float,
        deadline: float | None,
    ) -> Move:
        """Free a window, re-solve it, keep the result if the plan gets better."""
        comp = self.comp
        removed, lo, hi, posts = self.choose(state, short, rng)
        if not removed and not len(short):
            return Move(accepted=False, significant=False, gain=0.0, capped=False)
        before = score(comp, state)
        for key in removed:
            state.remove(*key)
        cand = self._candidates(state, removed, lo, hi, posts)
        cand = self._cap(cand, removed, rng)
        result = None
        if len(cand):
            cadres = np.unique(np.concatenate([comp.oc[cand], [key[0] for key in removed]]))
            model = build_model(comp, state, cand, cadres.astype(np.int64))
            remaining = None if deadline is None else deadline - time.perf_counter()
            freed = set(removed)
            held = [i for i, o in enumerate(cand.tolist()) if comp.key(o) in freed]
            result = solve_model(
                model,
                time_limit=remaining,
                node_limit=self.node_limit,
                incumbent=np.array(held, dtype=np.int64),
            )
        capped = result is not None and result.timed_out
        if result is not None and not capped:
            # adapt the window to the node budget (a count of work, not of time)
            if result.optimal:
                self.target = min(self.most, self.target + max(1, self.target // 10))
            else:
                self.target = max(1, self.target * 4 // 5)
        added: list[Key] = []
        if result is not None:
            for o in cand[result.chosen].tolist():
                key = comp.key(o)
                if not state.feasible(*key):
                    break
                state.add(*key)
                added.append(key)
        after = score(comp, state)
        complete = result is not None and len(added) == len(result.chosen)
        better = complete and (
            after[0] > before[0] or (after[0] == before[0] and after[1] > before[1] + 1e-9)
        )
        if not better:
            for key in added:
                state.remove(*key)
            for key in removed:
                state.add(*key)
            return Move(accepted=False, significant=False, gain=0.0, capped=capped)
        gain = after[1] - before[1]
        significant = after[0] > before[0] or gain > self.rel_tol * max(1.0, abs(total_value))
        return Move(accepted=True, significant=significant, gain=gain, capped=capped)
