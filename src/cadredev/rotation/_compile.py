"""Compile a problem into numpy arrays: indices and placement options.

An *option* is one possible assignment ``(cadre, post, program, start)`` that
passes every rule that depends on it alone (eligibility, category, other unit,
unavailability, horizon). Options are enumerated vectorised, sorted by
``(cadre id, program name, post id, start)`` so that everything downstream is
independent of input order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn

import numpy as np
from attrs import Factory, define

from cadredev.errors import InvalidInputError
from cadredev.model import Eligibility

from ._limits import Limits, format_bytes
from ._problem import RotationProblem
from ._records import Assignment

__all__ = ["Compiled", "compile_problem", "memory_estimate"]

_BYTES_PER_OPTION = 176  # the option arrays and their intermediates (measured: about 165)
_BYTES_PER_CELL = 25  # per (cadre or post) x period: unavailability, bonuses, their sums
_BYTES_PER_CADRE_POST = 40  # benefit, eligibility and the pairs' masks
_BYTES_PER_CADRE_WINDOW = 5  # per program, cadre and start: free windows, their counts
_BYTES_PER_PAIR = 80  # each allowed (cadre, post) pair of a program: indices, counts, values
_CHUNK = 1_000_000  # (pair, start) cells enumerated at once, between two looks at the clock


def _cells(problem: RotationProblem) -> int:
    return (len(problem.cadres) + len(problem.posts)) * (int(problem.horizon) + 1)


def _fixed(problem: RotationProblem) -> int:
    """Bytes of the tables that do not grow with the options."""
    n, m = len(problem.cadres), len(problem.posts)
    per_program = (n * _BYTES_PER_CADRE_WINDOW + m * 8) * (int(problem.horizon) + 1)
    return (
        _cells(problem) * _BYTES_PER_CELL
        + n * m * _BYTES_PER_CADRE_POST
        + len(problem.programs) * per_program
    )


def _starts(problem: RotationProblem, length: int, min_start: int) -> int:
    return max(0, int(problem.horizon) - length + 1 - min_start)


def memory_estimate(problem: RotationProblem, *, min_start: int = 0) -> int:
    """Return an upper estimate of the bytes compiling ``problem`` allocates.

    It is computed from the dimensions alone, before any array exists:
    the program's cadres x posts of its categories x start periods, plus the
    per-period tables. Eligibility is not evaluated, so this is an upper
    bound; compiling counts the options exactly (eligible pairs, free
    windows) and checks that figure before it enumerates them.
    """
    n = len(problem.cadres)
    options = 0
    for prog in problem.programs:
        posts = sum(p.category in prog.categories for p in problem.posts)
        who = n if prog.cadres is None else min(n, len(prog.cadres))
        options += who * posts * _starts(problem, prog.length, min_start)
    return options * _BYTES_PER_OPTION + _fixed(problem)


def _refuse(problem: RotationProblem, limits: Limits, need: int, how: str = "") -> NoReturn:
    raise InvalidInputError(
        f"{limits.where}: {len(problem.cadres)} cadres, {len(problem.posts)} posts and "
        f"{len(problem.programs)} program(s) over a horizon of {problem.horizon} periods "
        f"would need about {format_bytes(need)} of memory{how}, more than the memory_limit of "
        f"{format_bytes(limits.memory)}; give a larger "
        "memory_limit, or plan a shorter horizon or fewer posts or cadres"
    )


@define
class Compiled:
    """Array view of a :class:`RotationProblem` (internal)."""

    problem: RotationProblem
    cadre_ids: list[str]
    post_ids: list[str]
    prog_names: list[str]
    units: list[str]
    categories: list[str]
    cunit: np.ndarray  # cadre -> unit index
    away_limit: np.ndarray  # unit -> most away per period
    pcap: np.ndarray  # post -> largest capacity in any period
    pcap_t: np.ndarray  # posts x periods: capacity in each period
    pcat: np.ndarray  # post -> category index
    punit: np.ndarray  # post -> unit index (-1 if no cadre has that unit)
    pu: np.ndarray  # post -> index of its unit among every post's unit
    plen: np.ndarray  # program -> length
    punitmax: np.ndarray  # program -> most placements of a cadre per unit (-1: none)
    prec: list[tuple[int, int]]  # (first, then) program indices
    pmin: np.ndarray
    pmax: np.ndarray
    pgap: np.ndarray
    prepeat: np.ndarray  # bool: no_repeat
    ponecat: np.ndarray  # bool: one_per_category
    pcareer: np.ndarray  # programs x categories: career limit (-1: none)
    pcool: np.ndarray  # programs x categories: cooldown idle periods (0: none)
    hist_count: np.ndarray  # cadres x categories: past postings
    prog_elig: np.ndarray  # programs x cadres bool
    unavail: np.ndarray  # cadres x periods bool
    benefit: np.ndarray  # cadres x posts float
    bonus: np.ndarray  # posts x periods float
    # options
    oc: np.ndarray
    op: np.ndarray
    ok: np.ndarray
    os: np.ndarray
    ol: np.ndarray
    ov: np.ndarray
    pruned: bool
    horizon: int
    # every (cadre, program, post) with a free window and its best value,
    # before any pruning (for bounds)
    pair_c: np.ndarray
    pair_k: np.ndarray
    pair_p: np.ndarray
    pair_v: np.ndarray
    need: np.ndarray  # posts x periods: minimum staffing (0: none)
    notes: list[str] = Factory(list)  # what the memory limit changed

    @property
    def n_options(self) -> int:
        """Number of options."""
        return len(self.oc)

    def index_assignment(self, a: Assignment) -> tuple[int, int, int]:
        """Return (cadre, post, program) indices of an assignment."""
        return (
            self._cidx[a.cadre_id],
            self._pidx[a.post_id],
            self._kidx[a.program],
        )

    @property
    def _cidx(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.cadre_ids)}

    @property
    def _pidx(self) -> dict[str, int]:
        return {p: i for i, p in enumerate(self.post_ids)}

    @property
    def _kidx(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.prog_names)}

    def key(self, o: int) -> tuple[int, int, int, int, int]:
        """Return option ``o`` as (cadre, post, program, start, length) indices."""
        return (int(self.oc[o]), int(self.op[o]), int(self.ok[o]), int(self.os[o]), int(self.ol[o]))

    def assignment(self, o: int) -> Assignment:
        """Return option ``o`` as an :class:`Assignment`."""
        return Assignment(
            cadre_id=self.cadre_ids[int(self.oc[o])],
            post_id=self.post_ids[int(self.op[o])],
            program=self.prog_names[int(self.ok[o])],
            start=int(self.os[o]),
            length=int(self.ol[o]),
        )

    def value(self, c: int, p: int, s: int, length: int) -> float:
        """Return the value of placing cadre ``c`` in post ``p`` from ``s``."""
        return float(self.benefit[c, p] + self.bonus[p, s : s + length].sum())


def _benefit_matrix(problem: RotationProblem) -> np.ndarray:
    cadres, posts = problem.cadres, problem.posts
    n, m = len(cadres), len(posts)
    if problem.benefit is not None:
        out = np.zeros((n, m))
        cidx = {c.id: i for i, c in enumerate(cadres)}
        pidx = {p.id: j for j, p in enumerate(posts)}
        for (cid, pid), v in problem.benefit.items():
            out[cidx[cid], pidx[pid]] = float(v)
        return out
    names = sorted({r for p in posts for r in p.requirements})
    if not names or n == 0:
        return np.zeros((n, m))
    col = {r: i for i, r in enumerate(names)}
    comp = np.zeros((n, len(names)))
    for i, c in enumerate(cadres):
        for r, level in c.competencies.items():
            if r in col:
                comp[i, col[r]] = level
    req = np.zeros((m, len(names)))
    has = np.zeros((m, len(names)), dtype=bool)
    for j, p in enumerate(posts):
        for r, level in p.requirements.items():
            req[j, col[r]] = level
            has[j, col[r]] = True
    out = np.zeros((n, m))
    for i in range(len(names)):
        short = np.maximum(0.0, req[None, :, i] - comp[:, i, None])
        out += np.where(has[None, :, i], short, 0.0)
    return np.round(out, 9)


def _capacity_matrix(problem: RotationProblem) -> np.ndarray:
    """Return each post's capacity per period (posts x periods), with the overrides."""
    cap = np.repeat(
        np.array([p.capacity for p in problem.posts], dtype=np.int64)[:, None],
        problem.horizon,
        axis=1,
    )
    if problem.capacity is not None:
        pidx = {p.id: j for j, p in enumerate(problem.posts)}
        for (pid, t), n in problem.capacity.items():
            cap[pidx[pid], t] = n
    return cap


def _staffing_matrix(problem: RotationProblem) -> np.ndarray:
    """Return each post's minimum staffing per period (posts x periods)."""
    need = np.zeros((len(problem.posts), problem.horizon), dtype=np.int64)
    if problem.min_staffing:
        pidx = {p.id: j for j, p in enumerate(problem.posts)}
        for (pid, t), n in problem.min_staffing.items():
            need[pidx[pid], t] = n
    return need


def _history_rules(
    problem: RotationProblem, categories: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Career limits and cooldowns per program and category; past postings per cadre."""
    catidx = {c: i for i, c in enumerate(categories)}
    nk, n_cat = len(problem.programs), max(1, len(categories))
    pcareer = np.full((nk, n_cat), -1, dtype=np.int64)
    pcool = np.zeros((nk, n_cat), dtype=np.int64)
    for k, prog in enumerate(problem.programs):
        for cat, limit in prog.career_max.items():
            pcareer[k, catidx[cat]] = limit
        for cat, idle in prog.cooldown.items():
            pcool[k, catidx[cat]] = idle
    hist_count = np.zeros((len(problem.cadres), n_cat), dtype=np.int64)
    past = problem._past  # noqa: SLF001
    if past:
        for i, c in enumerate(problem.cadres):
            if c.id in past:
                for cat, n in past[c.id].counts.items():
                    if cat in catidx:
                        hist_count[i, catidx[cat]] = n
    return pcareer, pcool, hist_count


def _history_filter(  # noqa: PLR0917
    problem: RotationProblem,
    k: int,
    allowed: np.ndarray,
    pcat: np.ndarray,
    pcareer: np.ndarray,
    pcool: np.ndarray,
    hist_count: np.ndarray,
) -> np.ndarray | None:
    """Apply the history rules that depend on one option alone.

    Clears ``allowed`` (cadres x posts) where the cadre held the post before
    (``no_repeat``) or reached the category's career limit, and returns the
    earliest start per (cadre, post category) that the category's cooldown
    leaves after past postings (``None`` when no cooldown applies).
    """
    prog = problem.programs[k]
    past = problem._past  # noqa: SLF001
    cidx = {c.id: i for i, c in enumerate(problem.cadres)} if past else {}
    if prog.no_repeat and past:
        pidx = {p.id: j for j, p in enumerate(problem.posts)}
        for cid, info in past.items():
            cols = [pidx[q] for q in info.posts if q in pidx]
            allowed[cidx[cid], cols] = False
    limits = pcareer[k]  # per category
    if (limits >= 0).any():
        reached = (limits[None, :] >= 0) & (hist_count >= limits[None, :])  # cadres x categories
        if reached.any():
            allowed &= ~reached[:, pcat]
    if not prog.cooldown or not past:
        return None
    ready = np.zeros((len(problem.cadres), pcool.shape[1]), dtype=np.int64)
    catidx = {p.category: int(g) for p, g in zip(problem.posts, pcat.tolist(), strict=True)}
    for cid, info in past.items():
        for cat, end in info.last_end.items():
            if cat in prog.cooldown:
                g = catidx[cat]
                first = problem.horizon if end is None else end + 1 + prog.cooldown[cat]
                ready[cidx[cid], g] = max(int(ready[cidx[cid], g]), first)
    return ready


def _allowed(
    prog: Any,
    k: int,
    posts: Any,
    *,
    prog_elig: np.ndarray,
    post_ok: np.ndarray,
    cunit: np.ndarray,
    punit: np.ndarray,
) -> np.ndarray:
    """Return the (cadre, post) pairs program ``k`` allows: eligibility, category, unit."""
    cat_ok = np.array([p.category in prog.categories for p in posts], dtype=bool)
    allowed: np.ndarray = prog_elig[k][:, None] & cat_ok[None, :] & post_ok
    if prog.other_unit:
        allowed &= cunit[:, None] != punit[None, :]
    return allowed


@define
class _Stage:
    """One program's allowed pairs, before the options are enumerated."""

    k: int
    length: int
    starts: np.ndarray
    ci: np.ndarray
    pj: np.ndarray
    free: np.ndarray  # cadres x starts: no unavailable period in the window
    cum_free: np.ndarray  # cadres x (starts + 1): free windows so far
    win_bonus: np.ndarray  # posts x starts
    ready: np.ndarray | None  # cadres x categories: earliest start after cooldowns
    score: np.ndarray  # per pair: benefit plus the best window bonus
    placements: int  # the program's most placements per cadre
    places: np.ndarray  # per post: the placements it can hold over the horizon

    def counts(
        self, ci: np.ndarray, pj: np.ndarray, *, pcat: np.ndarray, close: np.ndarray | None
    ) -> np.ndarray:
        """Return, per pair, its options: free starts after the cooldown, before closing."""
        n_s = len(self.starts)
        lo = (
            np.zeros(len(ci), dtype=np.int64)
            if self.ready is None
            else np.clip(self.ready[ci, pcat[pj]] - int(self.starts[0]), 0, n_s)
        )
        hi = (
            np.full(len(ci), n_s, dtype=np.int64)
            if close is None
            else np.clip(close[pj] - int(self.starts[0]), 0, n_s)
        )
        got = self.cum_free[ci, hi] - self.cum_free[ci, lo]
        return np.where(hi > lo, got, 0)


def compile_problem(
    problem: RotationProblem,
    *,
    min_start: int = 0,
    max_options: int | None = None,
    exclude_cadres: Iterable[str] = (),
    closed: dict[str, int] | None = None,
    prune_above: int | None = None,
    limits: Limits | None = None,
    fit: bool = False,
) -> Compiled:
    """Compile ``problem``; optionally prune its options (see :func:`_prune`).

    ``closed`` maps post ids to the first period from which no placement may
    start in them. The options are counted exactly before any is made: with
    more than ``prune_above`` of them, they are pruned (as with
    ``max_options=prune_above``): some posts per cadre, some cadres per
    post. When they would need more than ``limits.memory`` bytes,
    ``fit=True`` keeps fewer posts per cadre until they fit
    (``Compiled.notes`` says so); without ``fit``, or when even the fewest
    do not fit, an :class:`InvalidInputError` names the estimate and the
    limit. ``limits.time_limit`` is checked between chunks of the work
    (:class:`OutOfTimeError`).
    """
    limits = Limits() if limits is None else limits
    if _fixed(problem) > limits.memory:
        _refuse(problem, limits, _fixed(problem), " for its tables alone")
    cadres, posts, progs = problem.cadres, problem.posts, problem.programs
    horizon = problem.horizon
    n, m = len(cadres), len(posts)
    units = sorted({c.unit for c in cadres})
    uidx = {u: i for i, u in enumerate(units)}
    categories = sorted({p.category for p in posts})
    catidx = {c: i for i, c in enumerate(categories)}
    cunit = np.array([uidx[c.unit] for c in cadres], dtype=np.int64)
    away_limit = np.array([problem.away_limit(u) for u in units], dtype=np.int64)
    pcap_t = _capacity_matrix(problem)
    pcap = pcap_t.max(axis=1) if horizon else np.zeros(m, dtype=np.int64)
    pcat = np.array([catidx[p.category] for p in posts], dtype=np.int64)
    punit = np.array([uidx.get(p.unit, -1) for p in posts], dtype=np.int64)
    post_units = {u: i for i, u in enumerate(sorted({p.unit for p in posts}))}
    pu = np.array([post_units[p.unit] for p in posts], dtype=np.int64)
    plen = np.array([k.length for k in progs], dtype=np.int64)
    punitmax = np.array(
        [-1 if k.max_per_unit is None else k.max_per_unit for k in progs], dtype=np.int64
    )
    pmin = np.array([k.placements[0] for k in progs], dtype=np.int64)
    pmax = np.array([k.placements[1] for k in progs], dtype=np.int64)
    pgap = np.array([k.gap for k in progs], dtype=np.int64)
    prepeat = np.array([k.no_repeat for k in progs], dtype=bool)
    ponecat = np.array([k.one_per_category for k in progs], dtype=bool)
    pcareer, pcool, hist_count = _history_rules(problem, categories)
    prog_elig, post_ok = _eligibility(problem, set(exclude_cadres), limits)
    unavail = np.zeros((n, horizon), dtype=bool)
    for i, c in enumerate(cadres):
        for t in problem.unavailable.get(c.id, ()):
            unavail[i, t] = True
    benefit = _benefit_matrix(problem)
    bonus = np.zeros((m, horizon))
    if problem.period_bonus is not None:
        pidx = {p.id: j for j, p in enumerate(posts)}
        for (pid, t), v in problem.period_bonus.items():
            if isinstance(t, int) and 0 <= t < horizon:
                bonus[pidx[pid], t] += float(v)
    cum_bonus = np.concatenate([np.zeros((m, 1)), np.cumsum(bonus, axis=1)], axis=1)
    cum_un = np.zeros((n, horizon + 1), dtype=np.int32)
    np.cumsum(unavail, axis=1, out=cum_un[:, 1:])
    close: np.ndarray | None = None
    if closed:
        pidx = {p.id: j for j, p in enumerate(posts)}
        close = np.full(m, horizon, dtype=np.int64)
        for pid, t in closed.items():
            close[pidx[pid]] = min(close[pidx[pid]], t)

    stages: list[_Stage] = []
    pair_parts: list[tuple[np.ndarray, ...]] = []
    for k, prog in enumerate(progs):
        limits.tick(f"compiling program {prog.name!r}")
        length = prog.length
        starts = np.arange(min_start, horizon - length + 1)
        if len(starts) == 0:
            continue
        allowed = _allowed(
            prog, k, posts, prog_elig=prog_elig, post_ok=post_ok, cunit=cunit, punit=punit
        )
        ready = _history_filter(problem, k, allowed, pcat, pcareer, pcool, hist_count)
        free = (cum_un[:, starts + length] - cum_un[:, starts]) == 0  # cadres x starts
        win_bonus = cum_bonus[:, starts + length] - cum_bonus[:, starts]  # posts x starts
        ci, pj = np.nonzero(allowed)
        del allowed
        if ready is None:
            keep_pair = free.any(axis=1)[ci]
        else:
            # some free start at or after the earliest start the cooldown leaves
            later = np.flip(np.logical_or.accumulate(np.flip(free, axis=1), axis=1), axis=1)
            first = np.clip(ready[ci, pcat[pj]] - min_start, 0, len(starts))
            later = np.concatenate([later, np.zeros((len(free), 1), dtype=bool)], axis=1)
            keep_pair = later[ci, first]
        best_bonus = win_bonus.max(axis=1)
        pair_parts.append(
            (
                ci[keep_pair],
                np.full(int(keep_pair.sum()), k, dtype=np.int64),
                pj[keep_pair],
                benefit[ci[keep_pair], pj[keep_pair]] + best_bonus[pj[keep_pair]],
            )
        )
        ci, pj = ci[keep_pair], pj[keep_pair]
        if len(ci) == 0:
            continue
        cum_free = np.zeros((n, len(starts) + 1), dtype=np.int32)
        np.cumsum(free, axis=1, out=cum_free[:, 1:])
        stages.append(
            _Stage(
                k=k,
                length=length,
                starts=starts,
                ci=ci,
                pj=pj,
                free=free,
                cum_free=cum_free,
                win_bonus=win_bonus,
                ready=ready,
                score=benefit[ci, pj] + best_bonus[pj],
                placements=int(prog.placements[1]),
                places=pcap * ((horizon - min_start) // length),
            )
        )
    kept, notes, pruned = _choose(
        problem, stages, n, pcat, close, max_options, prune_above, limits, fit=fit
    )
    oc, op, ok, os_, ol, ov = _enumerate(stages, kept, benefit, pcat, close, limits)
    del stages, kept
    limits.tick("sorting placement options")
    if pair_parts:
        pair_c, pair_k, pair_p, pair_v = (np.concatenate(x) for x in zip(*pair_parts, strict=True))
    else:
        pair_c = pair_k = pair_p = np.zeros(0, dtype=np.int64)
        pair_v = np.zeros(0)
    kidx_ = {k.name: i for i, k in enumerate(progs)}
    # ids are sorted, so index order is id order: cadre, program, post, start
    order = np.lexsort((os_, op, ok, oc))
    return Compiled(
        problem=problem,
        cadre_ids=[c.id for c in cadres],
        post_ids=[p.id for p in posts],
        prog_names=[k.name for k in progs],
        units=units,
        categories=categories,
        cunit=cunit,
        away_limit=away_limit,
        pcap=pcap,
        pcap_t=pcap_t,
        pcat=pcat,
        punit=punit,
        pu=pu,
        plen=plen,
        punitmax=punitmax,
        prec=[(kidx_[a], kidx_[b]) for a, b in problem.precedence],
        pmin=pmin,
        pmax=pmax,
        pgap=pgap,
        prepeat=prepeat,
        ponecat=ponecat,
        pcareer=pcareer,
        pcool=pcool,
        hist_count=hist_count,
        prog_elig=prog_elig,
        unavail=unavail,
        benefit=benefit,
        bonus=bonus,
        oc=oc[order].astype(np.int64),
        op=op[order].astype(np.int64),
        ok=ok[order].astype(np.int64),
        os=os_[order].astype(np.int64),
        ol=ol[order].astype(np.int64),
        ov=np.round(ov[order].astype(float), 9),
        pruned=pruned,
        horizon=horizon,
        pair_c=pair_c.astype(np.int64),
        pair_k=pair_k.astype(np.int64),
        pair_p=pair_p.astype(np.int64),
        pair_v=np.round(pair_v.astype(float), 9),
        need=_staffing_matrix(problem),
        notes=notes,
    )


def _eligibility(
    problem: RotationProblem, excluded: set[str], limits: Limits
) -> tuple[np.ndarray, np.ndarray]:
    """Return programs x cadres eligibility and cadres x posts eligibility."""
    cadres, posts, progs = problem.cadres, problem.posts, problem.programs
    n, m = len(cadres), len(posts)
    prog_elig = np.zeros((len(progs), n), dtype=bool)
    for k, prog in enumerate(progs):
        for i, c in enumerate(cadres):
            if i % 1024 == 0:
                limits.tick("checking eligibility")
            prog_elig[k, i] = c.id not in excluded and not problem.is_eligible(c, prog)
    # post eligibility, evaluated once per distinct Eligibility
    post_ok = np.ones((n, m), dtype=bool)
    by_rule: dict[Eligibility, list[int]] = {}
    for j, p in enumerate(posts):
        by_rule.setdefault(p.eligibility, []).append(j)
    for rule, cols in by_rule.items():
        limits.tick("checking eligibility")
        admits = np.array([rule.admits(c, as_of=problem.as_of) for c in cadres], dtype=np.bool_)
        post_ok[:, cols] = admits[:, None]
    if problem.allowed:
        pidx_ = {p.id: j for j, p in enumerate(posts)}
        for i, c in enumerate(cadres):
            if c.id in problem.allowed:
                only = np.zeros(m, dtype=bool)
                only[[pidx_[q] for q in problem.allowed[c.id]]] = True
                post_ok[i] &= only
    return prog_elig, post_ok


def _choose(  # noqa: PLR0917
    problem: RotationProblem,
    stages: list[_Stage],
    n: int,
    pcat: np.ndarray,
    close: np.ndarray | None,
    max_options: int | None,
    prune_above: int | None,
    limits: Limits,
    *,
    fit: bool,
) -> tuple[list[tuple[np.ndarray, np.ndarray, np.ndarray]], list[str], bool]:
    """Pick the pairs to enumerate: all, each cadre's best, or fewer to fit the memory.

    Return per stage the kept pairs and their option counts, the notes on
    what the memory limit changed, and whether pairs were pruned.
    """

    def keep(limit: int | None) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        out = []
        for st in stages:
            ci, pj = st.ci, st.pj
            if limit is not None:
                ci, pj = _prune(
                    ci, pj, st.score, n, limit, len(st.starts), st.placements, st.places
                )
            out.append((ci, pj, st.counts(ci, pj, pcat=pcat, close=close)))
        return out

    def need(kept: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[int, int]:
        options = sum(int(x[2].sum()) for x in kept)
        pairs = sum(len(st.ci) for st in stages)
        return options, options * _BYTES_PER_OPTION + pairs * _BYTES_PER_PAIR + _fixed(problem)

    kept = keep(max_options)
    options, bytes_ = need(kept)
    if max_options is None and prune_above is not None and options > prune_above:
        max_options = prune_above
        kept = keep(max_options)
        options, bytes_ = need(kept)
    if bytes_ <= limits.memory:
        return kept, [], max_options is not None
    if not fit:
        _refuse(problem, limits, bytes_)
    room = max(0, (limits.memory - (bytes_ - options * _BYTES_PER_OPTION)) // _BYTES_PER_OPTION)
    # each program prunes to the target on its own: halve it until the sum fits
    target = min(room, options)
    while True:
        fewer = keep(target)
        fewer_options, fewer_bytes = need(fewer)
        if fewer_bytes <= limits.memory or target == 0:
            break
        target //= 2
    if fewer_bytes > limits.memory:
        _refuse(problem, limits, fewer_bytes, " even keeping only a few posts per cadre")
    note = (
        f"memory limit: each cadre keeps fewer posts ({fewer_options:,} of "
        f"{options:,} placement options, about {format_bytes(fewer_bytes)} of the "
        f"{format_bytes(limits.memory)} memory_limit)"
    )
    return fewer, [note], True


def _enumerate(  # noqa: PLR0917
    stages: list[_Stage],
    kept: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    benefit: np.ndarray,
    pcat: np.ndarray,
    close: np.ndarray | None,
    limits: Limits,
) -> tuple[np.ndarray, ...]:
    """Make the options of the kept pairs, a chunk of pairs at a time."""
    parts: list[tuple[np.ndarray, ...]] = []
    for st, (ci_all, pj_all, _) in zip(stages, kept, strict=True):
        starts, length = st.starts, st.length
        n_s = len(starts)
        step = max(1, _CHUNK // n_s)
        for lo in range(0, len(ci_all), step):
            limits.tick("enumerating placement options")
            ci, pj = ci_all[lo : lo + step], pj_all[lo : lo + step]
            rep_s = np.tile(starts, len(ci))
            rep_c = np.repeat(ci, n_s)
            rep_p = np.repeat(pj, n_s)
            keep = st.free[rep_c, rep_s - starts[0]]
            if st.ready is not None:
                keep &= rep_s >= st.ready[rep_c, pcat[rep_p]]
            if close is not None:
                keep &= rep_s < close[rep_p]
            rep_c, rep_p, rep_s = rep_c[keep], rep_p[keep], rep_s[keep]
            val = benefit[rep_c, rep_p] + st.win_bonus[rep_p, rep_s - starts[0]]
            parts.append(
                (
                    rep_c,
                    rep_p,
                    np.full(len(rep_c), st.k, dtype=np.int64),
                    rep_s,
                    np.full(len(rep_c), length, dtype=np.int64),
                    val,
                )
            )
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty, empty, np.zeros(0)
    return tuple(np.concatenate(x) for x in zip(*parts, strict=True))


def _prune(  # noqa: PLR0917
    ci: np.ndarray,
    pj: np.ndarray,
    score: np.ndarray,
    n: int,
    max_options: int,
    n_starts: int,
    max_placements: int,
    post_places: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Keep some posts per cadre and some cadres per post, near ``max_options``.

    ``score`` holds each pair's score, in the order of ``ci`` and ``pj``.
    The budget is shared in thirds: each cadre's best posts (at least three
    per placement it may make, and six); each post's best cadres, in
    proportion to the placements the post can hold over the horizon
    (``post_places``), so that a post everybody ranks low keeps
    candidates; and posts spread evenly over each cadre's eligible ones (a
    fixed scrambled order of the pairs). Without the spread every cadre
    keeps the same favourites, those fill, and the first level
    (placements toward minimums) is lost although other posts have room.
    """
    pairs = max_options // max(1, n_starts)
    third = max(1, pairs // 3)
    best = max(third // max(1, n), 3 * max(1, max_placements), 6)
    spread = max(1, third // max(1, n))
    places = post_places.astype(np.float64)
    per_post = np.maximum(1, (third * places / max(1.0, float(places.sum()))).astype(np.int64))
    keep = _best_of(ci, score, pj, np.full(len(ci), best))
    keep |= _best_of(pj, score, ci, per_post[pj])
    mix = ci.astype(np.uint64) * np.uint64(0x9E3779B1) + pj.astype(np.uint64) * np.uint64(
        0x85EBCA77
    )
    tag = ((mix >> np.uint64(7)) & np.uint64(0xFFFFFF)).astype(np.float64)
    keep |= _best_of(ci, tag, pj, np.full(len(ci), spread))
    ci, pj = ci[keep], pj[keep]
    order = np.lexsort((pj, ci))
    return ci[order], pj[order]


def _best_of(group: np.ndarray, s: np.ndarray, other: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Mask of the best pairs of each group: highest ``s``, then lowest ``other``.

    ``k`` gives, per pair, how many its group keeps.
    """
    order = np.lexsort((other, -s, group))
    in_order = group[order]
    rank = np.arange(len(order)) - np.searchsorted(in_order, in_order, side="left")
    keep = np.zeros(len(group), dtype=bool)
    keep[order[rank < k[order]]] = True
    return keep
