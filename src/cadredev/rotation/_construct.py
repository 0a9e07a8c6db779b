"""The search state (bit masks per cadre, post and unit) and the greedy construction."""

from __future__ import annotations

import time
from collections import Counter

import numpy as np

from ._compile import Compiled

__all__ = ["State", "fitting", "greedy"]

Key = tuple[int, int, int, int, int]  # cadre, post, program, start, length


class State:
    """Incremental feasibility of a partial plan, cheap to test and update.

    Periods are bits of Python integers: a cadre's busy periods, a post's full
    periods, a unit's periods at its away limit, per (cadre, program) the
    periods blocked by the program's gap rule and per (cadre, program,
    category) those blocked by the category's cooldown.
    """

    def __init__(self, comp: Compiled) -> None:
        self.comp = comp
        n, m = len(comp.cadre_ids), len(comp.post_ids)
        horizon = comp.horizon
        self.horizon = horizon
        self.cmask = [0] * n
        self.pload = np.zeros((m, horizon), dtype=np.int64)
        self.pfull = [0] * m
        self.uaway = np.zeros((len(comp.units), horizon), dtype=np.int64)
        self.ufull = [0] * len(comp.units)
        self.cap: list[list[int]] = comp.pcap_t.tolist()
        self.lim = comp.away_limit.tolist()
        self.cunit = comp.cunit.tolist()
        self.pcat = comp.pcat.tolist()
        self.plen = comp.plen.tolist()
        self.pgap = comp.pgap.tolist()
        self.pmax = comp.pmax.tolist()
        self.pmin = comp.pmin.tolist()
        self.repeat = comp.prepeat.tolist()
        self.onecat = comp.ponecat.tolist()
        self.pu: list[int] = comp.pu.tolist()
        self.unitmax: list[int] = comp.punitmax.tolist()
        self.used_unit: Counter[tuple[int, int, int]] = Counter()
        # precedence: programs whose placements must start after / end before
        self.later: list[set[int]] = [set() for _ in comp.prog_names]
        self.earlier: list[set[int]] = [set() for _ in comp.prog_names]
        for a, b in comp.prec:
            self.later[a].add(b)
            self.earlier[b].add(a)
        # career limits and cooldowns, per program and category
        self.climit: list[list[int]] = comp.pcareer.tolist()
        self.career = [any(x >= 0 for x in row) for row in self.climit]
        self.cool: list[list[int]] = comp.pcool.tolist()
        self.cooling = [any(row) for row in self.cool]
        self.hcount: dict[tuple[int, int], int] = {
            (int(c), int(g)): int(comp.hist_count[c, g])
            for c, g in zip(*comp.hist_count.nonzero(), strict=True)
        }
        self.cdmask: Counter[tuple[int, int, int]] = Counter()
        self.count: Counter[tuple[int, int]] = Counter()
        self.used_post: set[tuple[int, int, int]] = set()
        self.used_cat: Counter[tuple[int, int, int]] = Counter()
        self.gmask: Counter[tuple[int, int]] = Counter()
        self.chosen: set[Key] = set()
        self.by_cadre: dict[int, set[Key]] = {}
        for p in np.flatnonzero((comp.pcap_t <= 0).any(axis=1)).tolist():
            for t in range(horizon):
                if self.cap[p][t] <= 0:
                    self.pfull[p] |= 1 << t
        for u in range(len(comp.units)):
            if self.lim[u] <= 0:
                self.ufull[u] = (1 << horizon) - 1

    def ext(self, k: int, s: int, length: int) -> int:
        """Bits blocked for the gap rule by a placement of program ``k``."""
        end = min(s + length - 1 + int(self.pgap[k]), self.horizon - 1)
        return int(((1 << (end - s + 1)) - 1) << s)

    def window(self, s: int, length: int, idle: int) -> int:
        """Bits of a placement and the ``idle`` periods after it, within the horizon."""
        end = min(s + length - 1 + idle, self.horizon - 1)
        return int(((1 << (end - s + 1)) - 1) << s)

    def at_career_limit(self, c: int, p: int, k: int) -> bool:
        """Whether one more placement in post ``p``'s category passes the career limit."""
        g: int = self.pcat[p]
        limit = self.climit[k][g]
        return limit >= 0 and self.used_cat[c, k, g] + self.hcount.get((c, g), 0) >= limit

    def cooling_down(self, c: int, p: int, k: int, s: int, length: int) -> bool:
        """Whether the placement falls within a cooldown of the program's placements."""
        g: int = self.pcat[p]
        idle = self.cool[k][g]
        return bool(idle and self.cdmask[c, k, g] & self.window(s, length, idle))

    def out_of_order(self, c: int, k: int, s: int, length: int) -> bool:
        """Whether the placement breaks a precedence with the cadre's other placements."""
        later, earlier = self.later[k], self.earlier[k]
        end = s + length - 1
        for _, _, kk, ss, ll in self.by_cadre.get(c, ()):
            if kk in later and ss <= end:
                return True
            if kk in earlier and ss + ll - 1 >= s:
                return True
        return False

    def feasible(self, c: int, p: int, k: int, s: int, length: int) -> bool:
        """Return whether the placement can be added."""
        win = ((1 << length) - 1) << s
        if self.cmask[c] & win or self.pfull[p] & win:
            return False
        if self.ufull[self.cunit[c]] & win:
            return False
        if self.count[c, k] >= self.pmax[k]:
            return False
        if self.repeat[k] and (c, k, p) in self.used_post:
            return False
        if self.onecat[k] and self.used_cat[c, k, self.pcat[p]]:
            return False
        if self.unitmax[k] >= 0 and self.used_unit[c, k, self.pu[p]] >= self.unitmax[k]:
            return False
        if self.pgap[k] and self.gmask[c, k] & self.ext(k, s, length):
            return False
        if self.career[k] and self.at_career_limit(c, p, k):
            return False
        if (self.later[k] or self.earlier[k]) and self.out_of_order(c, k, s, length):
            return False
        return not (self.cooling[k] and self.cooling_down(c, p, k, s, length))

    def blocker(self, c: int, p: int, k: int, s: int, length: int) -> str:
        """Name the first rule that blocks a placement (``""`` if none)."""
        win = ((1 << length) - 1) << s
        if self.cmask[c] & win:
            return "own schedule"
        if self.pfull[p] & win:
            return "post capacity"
        if self.ufull[self.cunit[c]] & win:
            return "home-unit staffing"
        if self.count[c, k] >= self.pmax[k]:
            return "maximum placements"
        if self.repeat[k] and (c, k, p) in self.used_post:
            return "no repeated post"
        if self.onecat[k] and self.used_cat[c, k, self.pcat[p]]:
            return "one per category"
        if self.unitmax[k] >= 0 and self.used_unit[c, k, self.pu[p]] >= self.unitmax[k]:
            return "placements per unit"
        if self.pgap[k] and self.gmask[c, k] & self.ext(k, s, length):
            return "gap between placements"
        if self.career[k] and self.at_career_limit(c, p, k):
            return "career limit"
        if self.cooling[k] and self.cooling_down(c, p, k, s, length):
            return "cooldown"
        if (self.later[k] or self.earlier[k]) and self.out_of_order(c, k, s, length):
            return "precedence between programs"
        return ""

    def add(self, c: int, p: int, k: int, s: int, length: int) -> None:
        """Add a placement (no checks)."""
        win = ((1 << length) - 1) << s
        self.cmask[c] |= win
        u = self.cunit[c]
        for t in range(s, s + length):
            self.pload[p, t] += 1
            if self.pload[p, t] >= self.cap[p][t]:
                self.pfull[p] |= 1 << t
            self.uaway[u, t] += 1
            if self.uaway[u, t] >= self.lim[u]:
                self.ufull[u] |= 1 << t
        self.count[c, k] += 1
        self.used_post.add((c, k, p))
        self.used_cat[c, k, self.pcat[p]] += 1
        self.used_unit[c, k, self.pu[p]] += 1
        if self.pgap[k]:
            self.gmask[c, k] |= self.ext(k, s, length)
        if self.cooling[k] and self.cool[k][self.pcat[p]]:
            g = self.pcat[p]
            self.cdmask[c, k, g] |= self.window(s, length, self.cool[k][g])
        self.chosen.add((c, p, k, s, length))
        self.by_cadre.setdefault(c, set()).add((c, p, k, s, length))

    def remove(self, c: int, p: int, k: int, s: int, length: int) -> None:
        """Remove a placement added before."""
        win = ((1 << length) - 1) << s
        self.cmask[c] &= ~win
        u = self.cunit[c]
        for t in range(s, s + length):
            self.pload[p, t] -= 1
            if self.pload[p, t] < self.cap[p][t]:
                self.pfull[p] &= ~(1 << t)
            self.uaway[u, t] -= 1
            if self.uaway[u, t] < self.lim[u]:
                self.ufull[u] &= ~(1 << t)
        self.count[c, k] -= 1
        self.chosen.discard((c, p, k, s, length))
        self.by_cadre[c].discard((c, p, k, s, length))
        if not any(kk == k and pp == p for _, pp, kk, _, _ in self.by_cadre[c]):
            self.used_post.discard((c, k, p))
        self.used_cat[c, k, self.pcat[p]] -= 1
        self.used_unit[c, k, self.pu[p]] -= 1
        if self.pgap[k]:
            mask = 0
            for _, _, kk, ss, ll in self.by_cadre[c]:
                if kk == k:
                    mask |= self.ext(k, ss, ll)
            self.gmask[c, k] = mask
        g = self.pcat[p]
        if self.cooling[k] and self.cool[k][g]:
            mask = 0
            for _, pp, kk, ss, ll in self.by_cadre[c]:
                if kk == k and self.pcat[pp] == g:
                    mask |= self.window(ss, ll, self.cool[k][g])
            self.cdmask[c, k, g] = mask

    def placed(self) -> int:
        """Placements counted toward programme minimums, plus staffed post-periods."""
        elig = self.comp.prog_elig
        placed: int = sum(
            min(n, self.pmin[k]) for (c, k), n in self.count.items() if n > 0 and elig[k, c]
        )
        return placed + self.staffed()

    def staffed(self) -> int:
        """Post-periods staffed toward the staffing minimums (each capped at its minimum)."""
        need = self.comp.need
        if not need.any():
            return 0
        return int(np.minimum(self.pload, need).sum())


def fitting(comp: Compiled, state: State, opts: np.ndarray) -> list[int]:
    """Return the options among ``opts`` that fit ``state``, in their order."""
    keys = zip(
        comp.oc[opts].tolist(),
        comp.op[opts].tolist(),
        comp.ok[opts].tolist(),
        comp.os[opts].tolist(),
        comp.ol[opts].tolist(),
        strict=True,
    )
    feasible = state.feasible
    return [o for o, key in zip(opts.tolist(), keys, strict=True) if feasible(*key)]


def option_groups(comp: Compiled) -> dict[tuple[int, int], np.ndarray]:
    """Option indices per (cadre, program), best value first, ties by index."""
    if comp.n_options == 0:
        return {}
    key = comp.oc * max(1, len(comp.prog_names)) + comp.ok
    order = np.lexsort((np.arange(comp.n_options), -comp.ov, key))
    skey = key[order]
    cuts = np.flatnonzero(np.diff(skey)) + 1
    out: dict[tuple[int, int], np.ndarray] = {}
    nk = max(1, len(comp.prog_names))
    for chunk in np.split(order, cuts):
        k0 = int(key[chunk[0]])
        out[k0 // nk, k0 % nk] = chunk
    return out


def greedy(comp: Compiled, state: State, *, deadline: float | None = None) -> bool:
    """Fill ``state`` greedily: minimums first (scarcest first), then value.

    Returns False when ``deadline`` (a :func:`time.perf_counter` instant)
    passed first: ``state`` then holds what was placed by then.
    """

    def late(i: int) -> bool:
        return deadline is not None and i % 64 == 0 and time.perf_counter() > deadline

    groups = option_groups(comp)
    oc, op, ok, os_, ol = (a.tolist() for a in (comp.oc, comp.op, comp.ok, comp.os, comp.ol))
    ov = comp.ov.tolist()
    # phase 1: minimums, in rounds, cadre-programs with fewest options first
    need = {
        ck: state.pmin[ck[1]] - state.count[ck]
        for ck in groups
        if state.pmin[ck[1]] - state.count[ck] > 0
    }
    rounds = max(need.values(), default=0)
    order = sorted(need, key=lambda ck: (len(groups[ck]), ck))
    horizon = state.horizon
    for r in range(rounds):
        for i, ck in enumerate(order):
            if late(i):
                return False
            if need[ck] <= r:
                continue
            # pack tightly: prefer starts whose neighbouring periods are already
            # full (or the horizon's edge), then higher value
            best, best_fit = -1, -1
            for o in groups[ck].tolist():
                c, p, k, s, ln = oc[o], op[o], ok[o], os_[o], ol[o]
                if not state.feasible(c, p, k, s, ln):
                    continue
                full = state.pfull[p]
                fit = (s == 0 or (full >> (s - 1)) & 1) + (
                    s + ln == horizon or (full >> (s + ln)) & 1
                )
                if fit > best_fit:
                    best, best_fit = o, fit
                    if fit == 2:
                        break
            if best >= 0:
                state.add(oc[best], op[best], ok[best], os_[best], ol[best])
    if comp.need.any():
        _staff(comp, state)
    # phase 2: every option with positive value, best first
    pos = np.flatnonzero(comp.ov > 0)
    by_value = pos[np.lexsort((pos, -comp.ov[pos]))].tolist()
    for i, o in enumerate(by_value):
        if late(i):
            return False
        c, k = oc[o], ok[o]
        if state.count[c, k] >= state.pmax[k]:
            continue
        if state.feasible(c, op[o], k, os_[o], ol[o]):
            state.add(c, op[o], k, os_[o], ol[o])
    # phase 3: a first turn for cadres still without any (fairness)
    for i, ck in enumerate(sorted(groups)):
        if late(i):
            return False
        if state.count[ck] > 0:
            continue
        for o in groups[ck].tolist():
            if ov[o] < 0:
                break
            if state.feasible(oc[o], op[o], ok[o], os_[o], ol[o]):
                state.add(oc[o], op[o], ok[o], os_[o], ol[o])
                break
    return True


def _staff(comp: Compiled, state: State) -> None:
    """Place cadres in post-periods short of their staffing minimum, best value first."""
    if comp.n_options == 0:
        return
    oc, ok, os_, ol = (a.tolist() for a in (comp.oc, comp.ok, comp.os, comp.ol))
    order = np.lexsort((np.arange(comp.n_options), -comp.ov, comp.op))
    cuts = np.flatnonzero(np.diff(comp.op[order])) + 1
    by_post = {int(comp.op[chunk[0]]): chunk.tolist() for chunk in np.split(order, cuts)}
    for p, t in np.argwhere(comp.need > 0).tolist():
        for o in by_post.get(p, ()):
            if state.pload[p, t] >= comp.need[p, t]:
                break
            c, k, s, ln = oc[o], ok[o], os_[o], ol[o]
            if s <= t < s + ln and state.feasible(c, p, k, s, ln):
                state.add(c, p, k, s, ln)
