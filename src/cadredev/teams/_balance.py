"""Balance: the stratified deal and the swap-based local search on profile counts."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["deal", "deal_strata", "local_search", "worst"]

_TOL = 1e-12
_MAX_PASSES = 200
_CHECKED_CANDIDATES = 64
_CHUNK = 2_000_000


def deal(count: int, open_slots: NDArray[np.int64]) -> NDArray[np.int64]:
    """Deal ``count`` items round-robin into teams with ``open_slots`` places each."""
    out = np.empty(count, dtype=np.int64)
    remaining = open_slots.copy()
    k = len(remaining)
    t = 0
    for i in range(count):
        while remaining[t] == 0:
            t = (t + 1) % k
        out[i] = t
        remaining[t] -= 1
        t = (t + 1) % k
    return out


def deal_strata(
    strata: NDArray[np.int64],
    *,
    xp: NDArray[np.float64],
    open_slots: NDArray[np.int64],
    sizes: NDArray[np.int64],
    overall: NDArray[np.float64],
    counts: NDArray[np.float64],
) -> NDArray[np.int64]:
    """Deal cadres, sorted by stratum, stratum by stratum.

    Each stratum is dealt round-robin, one cadre per team and round, to the
    teams holding the least of its categories so far relative to their
    expected share (``counts / (size * overall share)``, summed over the
    balanced attributes); ties follow the round-robin order, which carries
    on from one stratum to the next. With one balanced attribute this is the
    plain round-robin deal.
    """
    k = len(open_slots)
    out = np.empty(len(strata), dtype=np.int64)
    remaining = open_slots.copy()
    counts = counts.copy()
    expected = np.maximum(sizes[:, None] * overall[None, :], 1e-12)
    pointer = 0
    starts = np.flatnonzero(np.r_[True, strata[1:] != strata[:-1]]) if len(strata) else ()
    bounds = [*(int(x) for x in starts), len(strata)]
    for lo, hi in itertools.pairwise(bounds):
        p = int(strata[lo])
        cols = np.flatnonzero(xp[p])
        at = lo
        while at < hi:
            avail = np.flatnonzero(remaining > 0)
            score = (counts[np.ix_(avail, cols)] / expected[np.ix_(avail, cols)]).sum(axis=1)
            rot = (avail - pointer) % k
            chosen = avail[np.lexsort((rot, score))][: hi - at]
            chosen = chosen[np.argsort((chosen - pointer) % k, kind="stable")]
            out[at : at + len(chosen)] = chosen
            counts[chosen] += xp[p]
            remaining[chosen] -= 1
            pointer = (int(chosen[-1]) + 1) % k
            at += len(chosen)
    return out


def _deviation(
    team: NDArray[np.int64], x_cadre: NDArray[np.float64], sizes: NDArray[np.int64], overall: Any
) -> NDArray[np.float64]:
    k = len(sizes)
    counts = np.zeros((k, x_cadre.shape[1]))
    np.add.at(counts, team, x_cadre)
    return counts / np.maximum(sizes, 1)[:, None] - overall[None, :]  # type: ignore[no-any-return]


def worst(
    team: NDArray[np.int64], x_cadre: NDArray[np.float64], sizes: NDArray[np.int64], overall: Any
) -> float:
    """Return the worst absolute deviation of any team share from the overall share, in points."""
    if x_cadre.shape[1] == 0 or len(sizes) == 0:
        return 0.0
    return 100.0 * float(np.abs(_deviation(team, x_cadre, sizes, overall)).max())


def _swap_geometry(
    xp: NDArray[np.float64], allowed: NDArray[np.bool_] | None
) -> tuple[NDArray[np.float64], list[NDArray[np.int64]], float]:
    """Return ``||x_p - x_q||^2`` for all profile pairs, each profile's swap partners, and the gap.

    The gap, the smallest ``||x_p - x_q||^2`` over allowed pairs, bounds the
    cost term of every swap from below.
    """
    n_prof = xp.shape[0]
    gram = xp @ xp.T
    sq = np.diag(gram)
    dist = sq[:, None] + sq[None, :] - 2.0 * gram
    same = np.eye(n_prof, dtype=bool)
    ok_pair = ~same if allowed is None else allowed & ~same
    partners = [np.flatnonzero(ok_pair[p]) for p in range(n_prof)]
    gap = float(dist[ok_pair].min()) if ok_pair.any() else 0.0
    return dist, partners, gap


def local_search(
    team: NDArray[np.int64],
    *,
    movable: NDArray[np.bool_],
    profile: NDArray[np.int64],
    pos_rank: NDArray[np.int64],
    xp: NDArray[np.float64],
    sizes: NDArray[np.int64],
    overall: NDArray[np.float64],
    allowed: NDArray[np.bool_] | None,
) -> NDArray[np.int64]:
    """Swap-based local search on the teams x profiles count matrix.

    ``allowed[p, q]`` says whether profiles ``p`` and ``q`` may be swapped
    (``None``: any two different profiles).
    """
    k, n_prof = len(sizes), xp.shape[0]
    if k < 2 or xp.shape[1] == 0 or n_prof == 0:
        return team
    mov = np.zeros((k, n_prof), dtype=np.int64)
    np.add.at(mov, (team[movable], profile[movable]), 1)
    start = mov.copy()
    inv = 1.0 / sizes.astype(np.float64)
    counts = np.zeros((k, n_prof), dtype=np.int64)
    np.add.at(counts, (team, profile), 1)
    dev = (counts @ xp) * inv[:, None] - overall[None, :]
    rowmax = np.abs(dev).max(axis=1)
    proj = dev @ xp.T  # dev_t . x_p
    dist, partners, gap = _swap_geometry(xp, allowed)

    # "don't look" stamps: a team found without an acceptable swap at clock
    # c only needs to look again at partner teams whose rows changed since
    # (a rejected swap stays rejected while both rows stay the same, because
    # the worst deviation never rises).
    clock = 0
    changed = np.zeros(k, dtype=np.int64)
    checked = np.full(k, -1, dtype=np.int64)
    for _ in range(_MAX_PASSES):
        moved = False
        for t in np.argsort(-rowmax, kind="stable"):
            if checked[t] >= changed[t]:
                partners_mask = changed > checked[t]
                if not partners_mask.any():
                    continue
            else:
                partners_mask = np.ones(k, dtype=bool)
            ps, qs = _candidate_pairs(np.flatnonzero(mov[t] > 0), partners)
            best = (
                _best_swap(
                    int(t),
                    partners_mask=partners_mask,
                    ps=ps,
                    qs=qs,
                    dist=dist,
                    gap=gap,
                    proj=proj,
                    inv=inv,
                    mov=mov,
                    dev=dev,
                    rowmax=rowmax,
                    xp=xp,
                )
                if qs.size
                else None
            )
            if best is None:
                checked[t] = clock
                continue
            u, p, q = best
            clock += 1
            changed[t] = changed[u] = clock
            _apply_swap(int(t), u, p, q, xp=xp, inv=inv, dev=dev, rowmax=rowmax, proj=proj, mov=mov)
            moved = True
        if not moved:
            break
    return _realise(
        team, movable=movable, profile=profile, pos_rank=pos_rank, start=start, final=mov
    )


def _candidate_pairs(
    present: NDArray[np.int64], partners: list[NDArray[np.int64]]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return every (profile out, profile in) pair for a team holding the profiles ``present``."""
    if present.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    ps = np.concatenate([np.full(len(partners[p]), p, dtype=np.int64) for p in present])
    qs = np.concatenate([partners[p] for p in present])
    return ps, qs


def _apply_swap(
    t: int,
    u: int,
    p: int,
    q: int,
    *,
    xp: NDArray[np.float64],
    inv: NDArray[np.float64],
    dev: NDArray[np.float64],
    rowmax: NDArray[np.float64],
    proj: NDArray[np.float64],
    mov: NDArray[np.int64],
) -> None:
    """Swap a profile-``p`` cadre of team ``t`` with a profile-``q`` cadre of ``u``, in place."""
    delta = xp[q] - xp[p]
    dev[t] += delta * inv[t]
    dev[u] -= delta * inv[u]
    for r in (t, u):
        rowmax[r] = np.abs(dev[r]).max()
        proj[r] = dev[r] @ xp.T
    mov[t, p] -= 1
    mov[u, p] += 1
    mov[u, q] -= 1
    mov[t, q] += 1


def _partner_teams(
    t: int,
    *,
    a: NDArray[np.float64],
    a_p: NDArray[np.float64],
    avail: NDArray[np.bool_],
    gap: float,
    inv: NDArray[np.float64],
    partners_mask: NDArray[np.bool_],
) -> NDArray[np.int64]:
    """Return the partner teams whose lower bound allows an improving swap, most promising first.

    The bound pairs the best profile into ``t`` with the best profile out of
    it and the smallest cost term.
    """
    inv2 = inv * inv
    low_q = np.where(avail, a, np.inf).min(axis=1)
    high_p = a_p.max(axis=1)
    bound = low_q - high_p + gap * (inv2[t] + inv2)
    bound[t] = np.inf
    bound[~partners_mask] = np.inf
    teams_u = np.flatnonzero(bound < -_TOL)
    return teams_u[np.argsort(bound[teams_u], kind="stable")]


def _blocks(teams_u: NDArray[np.int64], n_pairs: int) -> Iterator[NDArray[np.int64]]:
    """Yield the partner teams in growing blocks, each within the work chunk."""
    limit = max(1, _CHUNK // max(n_pairs, 1))
    lo, step = 0, min(8, limit)
    while lo < len(teams_u):
        yield teams_u[lo : lo + step]
        lo += step
        step = min(step * 4, limit)


def _best_swap(
    t: int,
    *,
    partners_mask: NDArray[np.bool_],
    ps: NDArray[np.int64],
    qs: NDArray[np.int64],
    dist: NDArray[np.float64],
    gap: float,
    proj: NDArray[np.float64],
    inv: NDArray[np.float64],
    mov: NDArray[np.int64],
    dev: NDArray[np.float64],
    rowmax: NDArray[np.float64],
    xp: NDArray[np.float64],
) -> tuple[int, int, int] | None:
    """Return the best swap (partner team, profile out of t, profile into t) or None.

    Swapping a profile-``p`` cadre of team ``t`` with a profile-``q`` cadre of
    team ``u`` changes the sum of squared deviations by
    ``a[u, q] - a[u, p] + ||x_p - x_q||^2 (1/s_t^2 + 1/s_u^2)`` with
    ``a[u, x] = 2 dev_t.x / s_t - 2 dev_u.x / s_u``. Pairs that would push
    team ``t`` itself past the worst deviation are dropped first. Partner teams whose
    lower bound (best ``q`` against best ``p``, smallest cost term) cannot
    improve are skipped; the rest are scanned most promising first, in
    growing blocks, and the first block holding an acceptable swap decides:
    its largest drop among swaps that do not raise the worst deviation, ties
    to the lowest partner team and pair index. ``None`` means no swap of
    team ``t`` with any other team is acceptable.
    """
    # swaps that would push team t itself past the worst deviation are out
    current = float(rowmax.max())
    delta = xp[qs] - xp[ps]
    new_t = np.abs(dev[t][None, :] + delta * inv[t]).max(axis=1)
    keep = new_t <= current + _TOL
    if not keep.any():
        return None
    ps, qs, delta, new_t = ps[keep], qs[keep], delta[keep], new_t[keep]
    # work on the profiles involved only: those of team t and their partners
    present = np.unique(ps)
    wanted = np.unique(qs)
    pj = np.searchsorted(present, ps)
    qi = np.searchsorted(wanted, qs)
    avail = mov[:, wanted] > 0
    a = 2.0 * inv[t] * proj[t, wanted][None, :] - 2.0 * inv[:, None] * proj[:, wanted]
    a_p = 2.0 * inv[t] * proj[t, present][None, :] - 2.0 * inv[:, None] * proj[:, present]
    teams_u = _partner_teams(
        t, a=a, a_p=a_p, avail=avail, gap=gap, inv=inv, partners_mask=partners_mask
    )
    if teams_u.size == 0:
        return None
    g = dist[ps, qs]
    inv2 = inv * inv
    tops = [int(r) for r in np.argsort(-rowmax, kind="stable")[:3] if r != t][:2]
    first = float(rowmax[tops[0]]) if tops else 0.0
    second = float(rowmax[tops[1]]) if len(tops) > 1 else 0.0
    for block in _blocks(teams_u, len(ps)):
        total = a[block][:, qi] - a_p[block][:, pj]
        total += g[None, :] * (inv2[t] + inv2[block])[:, None]
        total = np.where(avail[block][:, qi], total, np.inf)
        rows, js = np.nonzero(total < -_TOL)
        if rows.size == 0:
            continue
        us, vs = block[rows], total[rows, js]
        order = np.lexsort((js, us, vs))
        us, js = us[order], js[order]
        # the worst deviation after a swap: team t's, team u's, or the
        # largest of the other teams' (unchanged)
        others = np.where(us == (tops[0] if tops else -1), second, first)
        at, width = 0, _CHECKED_CANDIDATES
        while at < len(us):
            cu, cj = us[at : at + width], js[at : at + width]
            new_u = np.abs(dev[cu] - delta[cj] * inv[cu][:, None]).max(axis=1)
            after = np.maximum(np.maximum(others[at : at + width], new_t[cj]), new_u)
            ok = np.flatnonzero(after <= current + _TOL)
            if ok.size:
                c = int(ok[0])
                return int(cu[c]), int(ps[cj[c]]), int(qs[cj[c]])
            at += width
            width *= 8
    return None


def _realise(
    team: NDArray[np.int64],
    *,
    movable: NDArray[np.bool_],
    profile: NDArray[np.int64],
    pos_rank: NDArray[np.int64],
    start: NDArray[np.int64],
    final: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Turn the final count matrix into a concrete assignment, moving few cadres.

    Inside a (team, profile) cell cadres leave last-in-seeded-order first;
    they join teams in team order, earliest in seeded order first.
    """
    diff = final - start
    if not diff.any():
        return team
    out = team.copy()
    n_prof = start.shape[1]
    idx = np.flatnonzero(movable)
    cell = team[idx] * n_prof + profile[idx]
    order = idx[np.lexsort((pos_rank[idx], cell))]
    cells_sorted = team[order] * n_prof + profile[order]
    released: dict[int, list[int]] = {}
    for t, p in zip(*np.nonzero(diff < 0), strict=True):
        c = int(t) * n_prof + int(p)
        hi = int(np.searchsorted(cells_sorted, c, side="right"))
        take = int(-diff[t, p])
        released.setdefault(int(p), []).extend(int(i) for i in order[hi - take : hi])
    for p, pool in released.items():
        pool.sort(key=lambda i: int(pos_rank[i]))
        receivers = np.flatnonzero(diff[:, p] > 0)
        at = 0
        for t in receivers:
            for _ in range(int(diff[t, p])):
                out[pool[at]] = t
                at += 1
    return out
