"""Large-neighbourhood search: free a few cadres, re-solve them exactly with HiGHS."""

from __future__ import annotations

import time

import attrs
import numpy as np

from ._compile import Compiled
from ._construct import Key, State, fitting
from ._fair import cadre_values, solve_fair, state_share
from ._mip import build_model, solve_model
from ._sequence import cadre_cost, has_sequence_terms
from ._window import Windows

__all__ = ["REL_TOL", "SUB_NODE_LIMIT", "Search", "improve"]

SUB_NODE_LIMIT = 200
"""Branch-and-bound nodes per neighbourhood sub-solve."""
REL_TOL = 1e-4
"""Value gains below this share of the total value do not count as progress."""


def _part(state: State, comp: Compiled, cadres: list[int]) -> tuple[int, float]:
    """First level and value (less sequence terms) of ``cadres``' placements, plus staffing.

    Only ``cadres`` change between two calls compared, so the staffing of the
    whole plan changes exactly as much as theirs does.
    """
    placed = state.staffed()
    value = 0.0
    elig = comp.prog_elig
    sequence = has_sequence_terms(comp)
    for c in cadres:
        per: dict[int, int] = {}
        keys = state.by_cadre.get(c, ())
        for _, p, k, s, length in keys:
            per[k] = per.get(k, 0) + 1
            value += comp.value(c, p, s, length)
        if sequence:
            value -= cadre_cost(comp, keys)
        for k, n in per.items():
            if elig[k, c]:
                placed += min(n, int(comp.pmin[k]))
    return placed, value


@attrs.frozen
class Search:
    """What the neighbourhood search did (internal)."""

    iterations: int = 0
    accepted: int = 0
    capped: bool = False
    """True when the time cap, not the work budget, ended the search or a sub-solve."""
    stopped: str = ""
    """Why the search ended: ``"no progress"``, ``"work budget"``, ``"time limit"``
    or ``"nothing to improve"``."""


def improve(
    comp: Compiled,
    state: State,
    fixed: set[Key],
    *,
    rng: np.random.Generator,
    max_iters: int,
    patience: int,
    deadline: float | None = None,
    node_limit: int = SUB_NODE_LIMIT,
    rel_tol: float = REL_TOL,
    size: int = 64,
    per_cadre: int | None = 50,
    ideal: np.ndarray | None = None,
    window: int = 0,
) -> Search:
    """Improve ``state`` in place within a work budget.

    The search makes at most ``max_iters`` neighbourhood moves and stops
    earlier after ``patience`` moves in a row without a significant gain: more
    placements, or a value gain above ``rel_tol`` times the current total
    value. Smaller gains are kept but do not reset the count. Each sub-solve
    is limited to ``node_limit`` branch-and-bound nodes, so the result does
    not depend on machine speed. ``deadline`` (a ``time.perf_counter``
    instant) is only a safety cap; hitting it is reported in ``capped``.
    ``per_cadre`` options per freed cadre, best first, enter a sub-solve
    (``None``: all of them).

    With ``ideal`` (ideal values per cadre, the fair objective) plans compare
    on (first level, smallest benefit share, value) and each sub-solve is
    the three-level fair solve.
    """
    n = len(comp.cadre_ids)
    if n == 0 or comp.n_options == 0:
        return Search(stopped="nothing to improve")
    first = np.searchsorted(comp.oc, np.arange(n + 1))
    has_opts = np.flatnonzero(np.diff(first) > 0)
    if len(has_opts) == 0:
        return Search(stopped="nothing to improve")
    # cadres with options on each post, for neighbourhoods around contested posts
    order = np.lexsort((comp.oc, comp.op))
    pc = np.stack([comp.op[order], comp.oc[order]], axis=1)
    pc = np.unique(pc, axis=0)
    post_first = np.searchsorted(pc[:, 0], np.arange(len(comp.post_ids) + 1))
    unit_members: dict[int, np.ndarray] = {}
    for u in range(len(comp.units)):
        unit_members[u] = np.flatnonzero(comp.cunit == u)
    nk = len(comp.prog_names)
    accepted = 0
    stale = 0
    iterations = 0
    capped = False
    total_value = _part(state, comp, list(range(n)))[1]
    values = cadre_values(comp, state.chosen) if ideal is not None else None
    staffing = bool(comp.need.any())
    stopped = "work budget"
    windows = (
        Windows(comp, state, fixed, target=window, node_limit=node_limit, rel_tol=rel_tol)
        if window > 0 and ideal is None
        else None
    )
    for _ in range(max_iters):
        if stale >= patience:
            stopped = "no progress"
            break
        if deadline is not None and time.perf_counter() > deadline:
            capped = True
            stopped = "time limit"
            break
        iterations += 1
        # cadres short of a program minimum, in index order
        count = np.zeros((nk, n), dtype=np.int64)
        for (c, k), m in state.count.items():
            count[k, c] = m
        lacking: np.ndarray = np.any(comp.prog_elig & (count < comp.pmin[:, None]), axis=0)
        short = has_opts[lacking[has_opts]]
        if windows is not None and iterations % 2 == 1:
            move = windows.move(state, short, rng, total_value=total_value, deadline=deadline)
            capped = capped or move.capped
            accepted += move.accepted
            total_value += move.gain
            stale = 0 if move.significant else stale + 1
            continue
        wanting = _wanting_understaffed(state, comp, pc, post_first) if staffing else None
        lowest = _lowest(values, ideal, has_opts)
        if wanting is not None and rng.random() < 0.5:
            seed = int(wanting[int(rng.integers(len(wanting)))])
        elif len(short) and rng.random() < 0.6:
            seed = int(short[int(rng.integers(len(short)))])
        elif lowest is not None and rng.random() < 0.5:
            # the fair level: free a cadre among those with the smallest shares
            seed = int(lowest[int(rng.integers(len(lowest)))])
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
        share_before = _smallest(values, ideal)
        removed = [
            key for c in cadres for key in sorted(state.by_cadre.get(c, ())) if key not in fixed
        ]
        for key in removed:
            state.remove(*key)
        cand_list: list[int] = []
        lacking_staff: np.ndarray = np.zeros(len(comp.post_ids), dtype=bool)
        if staffing:
            lacking_staff = np.asarray((state.pload < comp.need).any(axis=1))
        for c in cadres:
            lo, hi = int(first[c]), int(first[c + 1])
            if hi == lo:
                continue
            idx = np.arange(lo, hi)
            if per_cadre is not None and len(idx) > per_cadre:
                best = idx[np.argsort(-comp.ov[idx], kind="stable")[:per_cadre]]
                if staffing:
                    # options on posts still short of staff enter whatever their value
                    best = np.union1d(best, idx[lacking_staff[comp.op[idx]]])
                idx = best
            cand_list.extend(fitting(comp, state, np.sort(idx)))
        # the removed assignments must stay available so the sub-solve cannot lose
        old_opts = _find_options(comp, removed, first)
        cand = np.unique(np.array(cand_list + old_opts, dtype=np.int64))
        result = None
        if len(cand):
            model = build_model(comp, state, cand, np.array(cadres, dtype=np.int64))
            remaining = None if deadline is None else deadline - time.perf_counter()
            if ideal is None or values is None:
                result = solve_model(
                    model,
                    time_limit=remaining,
                    node_limit=node_limit,
                    incumbent=np.searchsorted(cand, old_opts),
                )
            else:
                held = values.copy()
                held[cadres] = cadre_values(comp, removed_kept(state, cadres))[cadres]
                result, _, _ = solve_fair(
                    model, comp, ideal, held, time_limit=remaining, node_limit=node_limit
                )
            if result is not None and result.timed_out:
                capped = True
        new_keys: list[Key] = []
        if result is not None:
            new_keys = [comp.key(o) for o in cand[result.chosen].tolist()]
            ok = True
            for key in new_keys:
                if not state.feasible(*key):
                    ok = False
                    break
                state.add(*key)
            after = _part(state, comp, cadres) if ok else before
            if values is None:
                better = ok and (
                    after[0] > before[0] or (after[0] == before[0] and after[1] > before[1] + 1e-9)
                )
                trial_values = None
            else:
                trial_values = values.copy()
                trial_values[cadres] = cadre_values(comp, removed_kept(state, cadres))[cadres]
                better = ok and _fair_better(
                    (after[0], _smallest(trial_values, ideal), after[1]),
                    (before[0], share_before, before[1]),
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
                if trial_values is not None:
                    values = trial_values
                gain = after[1] - before[1]
                significant = (
                    after[0] > before[0]
                    or gain > rel_tol * max(1.0, abs(total_value))
                    or _smallest(values, ideal) > share_before + rel_tol
                )
                total_value += gain
                stale = 0 if significant else stale + 1
        else:
            for key in removed:
                state.add(*key)
            stale += 1
    if capped:
        stopped = "time limit"
    elif stopped == "work budget" and stale >= patience:
        stopped = "no progress"
    return Search(iterations=iterations, accepted=accepted, capped=capped, stopped=stopped)


def removed_kept(state: State, cadres: list[int]) -> list[Key]:
    """Return the placements ``state`` holds for ``cadres``."""
    return [key for c in cadres for key in state.by_cadre.get(c, ())]


def _smallest(values: np.ndarray | None, ideal: np.ndarray | None) -> float:
    if values is None or ideal is None:
        return 0.0
    return state_share(values, ideal)


LOWEST = 8
"""The fair search seeds neighbourhoods among this many cadres with the smallest shares."""


def _lowest(
    values: np.ndarray | None, ideal: np.ndarray | None, has_opts: np.ndarray
) -> np.ndarray | None:
    """Cadres with options and an ideal value, smallest share first (ties by index).

    None when more than :data:`LOWEST` cadres hold the smallest share.
    """
    if values is None or ideal is None:
        return None
    cand = has_opts[ideal[has_opts] > 0]
    if len(cand) == 0:
        return None
    share = np.round(values[cand], 9) / ideal[cand]
    if int((share <= share.min() + 1e-9).sum()) > LOWEST:
        # more cadres share the minimum than a few moves could lift together
        return None
    out: np.ndarray = cand[np.argsort(share, kind="stable")[:LOWEST]]
    return out


def _fair_better(a: tuple[int, float, float], b: tuple[int, float, float]) -> bool:
    """Tell whether ``a`` beats ``b`` on (first level, smallest share, value).

    Shares closer than 1e-9 count as equal.
    """
    if a[0] != b[0]:
        return a[0] > b[0]
    if abs(a[1] - b[1]) > 1e-9:
        return a[1] > b[1]
    return a[2] > b[2] + 1e-9


def _wanting_understaffed(
    state: State, comp: Compiled, pc: np.ndarray, post_first: np.ndarray
) -> np.ndarray | None:
    """Cadres with options on the first post still short of its staffing minimum."""
    short = np.flatnonzero((state.pload < comp.need).any(axis=1))
    for p in short.tolist():
        wants = pc[post_first[p] : post_first[p + 1], 1]
        if len(wants):
            return wants
    return None


def _find_options(comp: Compiled, keys: list[Key], first: np.ndarray) -> list[int]:
    out: list[int] = []
    for c, p, k, s, _length in keys:
        lo, hi = int(first[c]), int(first[c + 1])
        hit = np.flatnonzero((comp.op[lo:hi] == p) & (comp.ok[lo:hi] == k) & (comp.os[lo:hi] == s))
        if len(hit):
            out.append(lo + int(hit[0]))
    return out
