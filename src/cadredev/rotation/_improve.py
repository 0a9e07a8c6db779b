"""Large-neighbourhood search: free a few cadres, re-solve them exactly with HiGHS."""

from __future__ import annotations

import time

import numpy as np

from ._compile import Compiled
from ._construct import Key, State
from ._mip import build_model, solve_model

__all__ = ["improve"]


def _part(state: State, comp: Compiled, cadres: list[int]) -> tuple[int, float]:
    placed = 0
    value = 0.0
    elig = comp.prog_elig
    for c in cadres:
        per: dict[int, int] = {}
        for _, p, k, s, length in state.by_cadre.get(c, ()):
            per[k] = per.get(k, 0) + 1
            value += comp.value(c, p, s, length)
        for k, n in per.items():
            if elig[k, c]:
                placed += min(n, int(comp.pmin[k]))
    return placed, value


def improve(
    comp: Compiled,
    state: State,
    fixed: set[Key],
    *,
    rng: np.random.Generator,
    deadline: float,
    max_iters: int,
    size: int = 64,
    per_cadre: int = 50,
    patience: int = 60,
) -> int:
    """Improve ``state`` in place; return the number of accepted moves."""
    n = len(comp.cadre_ids)
    if n == 0 or comp.n_options == 0:
        return 0
    first = np.searchsorted(comp.oc, np.arange(n + 1))
    has_opts = np.flatnonzero(np.diff(first) > 0)
    if len(has_opts) == 0:
        return 0
    # cadres with options on each post, for neighbourhoods around contested posts
    order = np.lexsort((comp.oc, comp.op))
    pc = np.stack([comp.op[order], comp.oc[order]], axis=1)
    pc = np.unique(pc, axis=0)
    post_first = np.searchsorted(pc[:, 0], np.arange(len(comp.post_ids) + 1))
    unit_members: dict[int, np.ndarray] = {}
    for u in range(len(comp.units)):
        unit_members[u] = np.flatnonzero(comp.cunit == u)
    accepted = 0
    stale = 0
    for _ in range(max_iters):
        if time.perf_counter() > deadline or stale >= patience:
            break
        short = [
            c
            for c in has_opts.tolist()
            if any(
                comp.prog_elig[k, c] and state.count[c, k] < comp.pmin[k]
                for k in range(len(comp.prog_names))
            )
        ]
        if short and rng.random() < 0.6:
            seed = short[int(rng.integers(len(short)))]
        else:
            seed = int(has_opts[int(rng.integers(len(has_opts)))])
        chosen_set: list[int] = [seed]
        seen = {seed}
        # posts the seed could use, best first, and who holds or wants them
        lo, hi = first[seed], first[seed + 1]
        seed_posts = np.unique(comp.op[lo:hi][np.argsort(-comp.ov[lo:hi], kind="stable")][:40])
        rng.shuffle(seed_posts)
        holders: dict[int, set[int]] = {}
        for c2, p2, _k2, _s2, _l2 in state.chosen:
            holders.setdefault(p2, set()).add(c2)
        pool: list[int] = []
        for p in seed_posts[:6].tolist():
            pool.extend(sorted(holders.get(p, ())))
            wants = pc[post_first[p] : post_first[p + 1], 1]
            if len(wants):
                pool.extend(rng.choice(wants, size=min(4, len(wants)), replace=False).tolist())
        mates = unit_members[int(comp.cunit[seed])]
        pool.extend(rng.choice(mates, size=min(4, len(mates)), replace=False).tolist())
        for c in pool:
            if len(chosen_set) >= size:
                break
            if c not in seen:
                seen.add(c)
                chosen_set.append(int(c))
        cadres = sorted(chosen_set)
        before = _part(state, comp, cadres)
        removed = [
            key for c in cadres for key in sorted(state.by_cadre.get(c, ())) if key not in fixed
        ]
        for key in removed:
            state.remove(*key)
        cand_list: list[int] = []
        for c in cadres:
            lo, hi = int(first[c]), int(first[c + 1])
            if hi == lo:
                continue
            idx = np.arange(lo, hi)
            if len(idx) > per_cadre:
                idx = idx[np.argsort(-comp.ov[idx], kind="stable")[:per_cadre]]
            cand_list.extend(
                o
                for o in sorted(idx.tolist())
                if state.feasible(
                    int(comp.oc[o]),
                    int(comp.op[o]),
                    int(comp.ok[o]),
                    int(comp.os[o]),
                    int(comp.ol[o]),
                )
            )
        # the removed assignments must stay available so the sub-solve cannot lose
        old_opts = _find_options(comp, removed, first)
        cand = np.unique(np.array(cand_list + old_opts, dtype=np.int64))
        result = None
        if len(cand):
            model = build_model(comp, state, cand, np.array(cadres, dtype=np.int64))
            remaining = max(0.05, min(5.0, deadline - time.perf_counter()))
            result = solve_model(model, time_limit=remaining)
        new_keys: list[Key] = []
        if result is not None:
            for pos in result[0].tolist():
                o = int(cand[pos])
                new_keys.append(
                    (
                        int(comp.oc[o]),
                        int(comp.op[o]),
                        int(comp.ok[o]),
                        int(comp.os[o]),
                        int(comp.ol[o]),
                    )
                )
            ok = True
            for key in new_keys:
                if not state.feasible(*key):
                    ok = False
                    break
                state.add(*key)
            after = _part(state, comp, cadres) if ok else before
            better = ok and (
                after[0] > before[0] or (after[0] == before[0] and after[1] > before[1] + 1e-9)
            )
            if not better:
                for key in new_keys:
                    if key in state.chosen:
                        state.remove(*key)
                for key in removed:
                    state.add(*key)
                stale += 1
            else:
                accepted += 1
                stale = 0
        else:
            for key in removed:
                state.add(*key)
            stale += 1
    return accepted


def _find_options(comp: Compiled, keys: list[Key], first: np.ndarray) -> list[int]:
    out: list[int] = []
    for c, p, k, s, _length in keys:
        lo, hi = int(first[c]), int(first[c + 1])
        hit = np.flatnonzero((comp.op[lo:hi] == p) & (comp.ok[lo:hi] == k) & (comp.os[lo:hi] == s))
        if len(hit):
            out.append(lo + int(hit[0]))
    return out
