"""Find conflicts before solving, by counting and by a maximum flow."""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from cadredev.errors import InvalidInputError
from cadredev.model import Cadre

from ._compile import Compiled, compile_problem
from ._limits import (
    Limits,
    OutOfTimeError,
    check_time_limit,
    format_bytes,
    make_limits,
)
from ._problem import PastPostings, RotationProblem
from ._records import Conflict, Program

__all__ = ["NOTE_KINDS", "diagnose"]

NOTE_KINDS = frozenset({"time_limit", "memory_limit"})
"""Kinds of the notes that say a diagnosis is incomplete (not conflicts of the problem)."""


def diagnose(
    problem: RotationProblem,
    *,
    time_limit: float | None = None,
    memory_limit: int | None = None,
) -> tuple[Conflict, ...]:
    """Return conflicts that keep some program minimums from being met.

    Each finding is a necessary condition that fails, so every conflict is
    real (an empty result does not prove that all minimums can be met):

    - ``history``: cadres whose posting history (posts held before under
      ``no_repeat``, a career limit reached, a cooldown still running) leaves
      fewer placements than a program's minimum;
    - ``no_eligible_post``: cadres a program needs but no post can take;
    - ``cadre_time``: a cadre's minimums across programs need more periods
      than the cadre has free;
    - ``supply``: a program's minimums need more post-periods in its
      categories than the posts offer over the horizon;
    - ``home_staffing``: a unit's cadres must be away more cadre-periods than
      the unit's staffing rule allows;
    - ``max_per_unit``: cadres whose posts in a program lie in too few units
      for its minimum, at ``max_per_unit`` placements per unit;
    - ``precedence``: cadres whose minimums in two programs, one after the
      other, do not fit between the first program's earliest start and the
      second's latest end;
    - ``flow``: a maximum flow from cadres' minimums to the post-periods they
      may use falls short, even though each count above holds;
    - ``min_staffing``: a post whose staffing minimum
      (``RotationProblem.min_staffing``) in some periods exceeds the cadres
      who could ever hold it there (those with a placement option covering
      the period); the conflict lists those periods, and ``needed`` and
      ``available`` add up the minimums and those cadres over them. The
      minimum is soft: the plan reports the shortfall in
      ``RotationPlan.understaffed``.

    Two more kinds are notes, not conflicts of the problem (``NOTE_KINDS``);
    each comes last and says the diagnosis is incomplete:

    - ``time_limit``: ``time_limit`` ran out; the conflicts before the note
      were found, the checks it names were not run. Without it the result
      does not depend on the machine's speed.
    - ``memory_limit``: the placement options do not fit ``memory_limit``,
      so only some posts per cadre were compiled and the checks that need
      every option (``precedence``, ``min_staffing``) were not run.

    Parameters
    ----------
    problem
        The problem.
    time_limit
        Seconds, or ``None`` (the default) for no limit. The clock is read
        between programs, between blocks of cadres and between the checks.
    memory_limit
        Bytes the compiled problem may take, as for
        :func:`~cadredev.rotation.schedule`.

    Returns
    -------
    tuple of Conflict
        The conflicts found, then at most one note.

    Raises
    ------
    InvalidInputError
        When ``time_limit`` or ``memory_limit`` is not a positive number (a
        bool, NaN, zero, or not an integer number of bytes), or when even
        even a few posts per cadre would need more than ``memory_limit``.

    Examples
    --------
    >>> from cadredev.rotation import diagnose
    >>> from cadredev.datasets import tiny_rotation_problem
    >>> diagnose(tiny_rotation_problem())
    ()
    >>> [c.kind for c in diagnose(tiny_rotation_problem(capacity=0))]
    ['supply']

    .. versionadded:: 0.1
    .. versionchanged:: 0.3
       ``time_limit`` and ``memory_limit``.
    """
    if not isinstance(problem, RotationProblem):
        raise InvalidInputError(f"diagnose: problem must be a RotationProblem, got {problem!r}")
    limits = make_limits("diagnose", memory_limit, check_time_limit(time_limit, "diagnose"))
    try:
        comp = compile_problem(problem, limits=limits, fit=True)
    except OutOfTimeError:
        return (_cut_short(limits, ["compiling the problem", *_CHECKS]),)
    stages: list[tuple[str, Callable[[], list[Conflict]]]] = [
        (f"program {prog.name}", functools.partial(_program_conflicts, problem, comp, k))
        for k, prog in enumerate(problem.programs)
    ]
    stages.append(("cadre_time", functools.partial(_time_conflicts, problem, comp, limits)))
    if not comp.pruned:
        stages.append(("precedence", functools.partial(_precedence_conflicts, problem, comp)))
    stages.append(("home_staffing", functools.partial(_home_conflicts, problem, comp)))
    out: list[Conflict] = []
    for i, (_, stage) in enumerate(stages):
        if limits.out_of_time():
            return (*out, _cut_short(limits, [name for name, _ in stages[i:]] + _LAST))
        try:
            out.extend(stage())
        except OutOfTimeError:
            return (*out, _cut_short(limits, [name for name, _ in stages[i:]] + _LAST))
    if not out:
        if limits.out_of_time():
            return (_cut_short(limits, _LAST),)
        out.extend(_flow_conflict(problem, comp))
    if comp.pruned:
        out.append(_pruned_note(limits))
    elif limits.out_of_time():
        out.append(_cut_short(limits, _LAST[1:]))
    else:
        out.extend(_staffing_conflicts(problem, comp))
    return tuple(out)


_LAST = ["flow", "min_staffing"]
_CHECKS = ["history", "no_eligible_post", "max_per_unit", "supply", "cadre_time", "precedence"]
_CHECKS += ["home_staffing", *_LAST]


def _cut_short(limits: Limits, skipped: list[str]) -> Conflict:
    """Return the note that ends a diagnosis the time limit cut short."""
    names = ", ".join(skipped)
    return Conflict(
        kind="time_limit",
        message=f"diagnose stopped at its time_limit of {limits.time_limit:g} s; not checked: "
        f"{names}. The conflicts before this note are real; more may exist",
        message_zh=f"诊断在时限 {limits.time_limit:g} 秒内未完成，未检查：{names}；"
        "以上冲突均成立，可能还有其他冲突",
    )


def _pruned_note(limits: Limits) -> Conflict:
    """Return the note that ends a diagnosis made on pruned options."""
    return Conflict(
        kind="memory_limit",
        message=f"the memory_limit of {format_bytes(limits.memory)} holds only some posts "
        "per cadre, so the precedence and min_staffing checks were not run; give a larger "
        "memory_limit for them",
        message_zh=f"内存上限 {format_bytes(limits.memory)} 只能容纳每名干部的部分岗位，"
        "未检查先后顺序与最低在岗人数",
    )


def _program_conflicts(problem: RotationProblem, comp: Compiled, k: int) -> list[Conflict]:
    """History, eligible posts, units and supply of program ``k``."""
    prog = problem.programs[k]
    lo = prog.placements[0]
    if lo == 0:
        return []
    out: list[Conflict] = []
    need = np.flatnonzero(comp.prog_elig[k])
    found = _history_conflicts(problem, comp, k, need)
    out.extend(found)
    explained = {cid for conflict in found for cid in conflict.cadres}
    has_opt = np.zeros(len(problem.cadres), dtype=bool)
    has_opt[comp.pair_c[comp.pair_k == k]] = True
    stuck = [
        problem.cadres[i].id
        for i in need
        if not has_opt[i] and problem.cadres[i].id not in explained
    ]
    if stuck:
        out.append(
            Conflict(
                kind="no_eligible_post",
                message=f"program {prog.name} has {len(stuck)} eligible cadre(s) with no "
                f"post they may hold in {_cats(prog.categories)} in any free window: "
                f"{', '.join(stuck[:5])}{' ...' if len(stuck) > 5 else ''}",
                message_zh=f"项目“{prog.name}”有 {len(stuck)} 名符合条件的干部在"
                f"{_cats_zh(prog.categories)}类岗位中没有可安排的岗位或时段",
                program=prog.name,
                cadres=tuple(stuck),
                needed=len(stuck) * lo,
                available=0,
            )
        )
    out.extend(_unit_conflicts(problem, comp, k))
    demand = int(len(need) * lo * prog.length)
    posts = [j for j, p in enumerate(problem.posts) if p.category in prog.categories]
    supply = int(comp.pcap_t[posts].sum())
    if demand > supply:
        out.append(
            Conflict(
                kind="supply",
                message=f"program {prog.name} needs at least {demand} post-periods in "
                f"{_cats(prog.categories)} for eligible cadres, only {supply} exist",
                message_zh=f"项目“{prog.name}”需要{_cats_zh(prog.categories)}类岗位至少 "
                f"{demand} 个岗位·期，实际只有 {supply} 个",
                program=prog.name,
                posts=tuple(problem.posts[j].id for j in posts),
                periods=tuple(range(problem.horizon)),
                needed=demand,
                available=supply,
            )
        )
    return out


def _time_conflicts(problem: RotationProblem, comp: Compiled, limits: Limits) -> list[Conflict]:
    """Cadres whose minimums across programs need more periods than they have free."""
    horizon = problem.horizon
    out: list[Conflict] = []
    for c, cadre in enumerate(problem.cadres):
        if c % 1024 == 0:
            limits.tick("checking each cadre's time")
        need_t = 0
        widest = 0  # gaps only separate placements of one program
        names = []
        for k, prog in enumerate(problem.programs):
            lo = prog.placements[0]
            if lo and comp.prog_elig[k, c]:
                need_t += lo * prog.length
                widest = max(widest, lo * prog.length + (lo - 1) * prog.gap)
                names.append(prog.name)
        free = int((~comp.unavail[c]).sum())
        # placements need free periods; gaps only need the horizon to be long enough
        if widest > horizon:
            need_t, free = widest, horizon
        if need_t > free:
            out.append(
                Conflict(
                    kind="cadre_time",
                    message=f"cadre {cadre.id} needs {need_t} periods for programs "
                    f"{', '.join(names)}, only {free} are free",
                    message_zh=f"干部 {cadre.id} 参加{'、'.join(names)}需要 {need_t} 期，"
                    f"只有 {free} 期可用",
                    program=names[0] if len(names) == 1 else None,
                    cadres=(cadre.id,),
                    needed=need_t,
                    available=free,
                )
            )
    return out


def _home_conflicts(problem: RotationProblem, comp: Compiled) -> list[Conflict]:
    """Units whose cadres must be away more than the home-staffing rule allows."""
    horizon = problem.horizon
    out: list[Conflict] = []
    sizes = problem.unit_sizes()
    for u, unit in enumerate(comp.units):
        limit = int(comp.away_limit[u])
        members = np.flatnonzero(comp.cunit == u)
        need_u = 0
        progs = set()
        for k, prog in enumerate(problem.programs):
            lo = prog.placements[0]
            if lo:
                count = int(comp.prog_elig[k, members].sum())
                if count:
                    need_u += count * lo * prog.length
                    progs.add(prog.name)
        if need_u > limit * horizon:
            keep = sizes[unit] - limit
            out.append(
                Conflict(
                    kind="home_staffing",
                    message=f"unit {unit} keeps {keep} of {sizes[unit]} at home, so at most "
                    f"{limit} can be away in any period; programs {', '.join(sorted(progs))} "
                    f"need {need_u} cadre-periods away, only {limit * horizon} possible over "
                    f"{horizon} periods",
                    message_zh=f"单位“{unit}”须留守 {keep}/{sizes[unit]} 人，每期最多外派 "
                    f"{limit} 人；项目需外派 {need_u} 人·期，{horizon} 期内最多 "
                    f"{limit * horizon} 人·期",
                    program=next(iter(progs)) if len(progs) == 1 else None,
                    unit=unit,
                    periods=tuple(range(horizon)),
                    needed=need_u,
                    available=limit * horizon,
                )
            )
    return out


def _staffing_conflicts(problem: RotationProblem, comp: Compiled) -> list[Conflict]:
    """Find posts whose staffing minimum exceeds, in some periods, who could ever be there."""
    if not comp.need.any():
        return []
    horizon = problem.horizon
    n = max(1, len(problem.cadres))
    # distinct (post, period, cadre) that some option covers
    length = comp.ol
    rep = np.repeat(np.arange(comp.n_options), length)
    offs = np.arange(len(rep)) - np.repeat(np.cumsum(length) - length, length)
    t = comp.os[rep] + offs
    cover = np.unique((comp.op[rep] * horizon + t) * n + comp.oc[rep])
    can = np.bincount(cover // n, minlength=len(problem.posts) * horizon).reshape(
        len(problem.posts), horizon
    )
    out: list[Conflict] = []
    for j, post in enumerate(problem.posts):
        short = np.flatnonzero(comp.need[j] > can[j]).tolist()
        if not short:
            continue
        needed = int(comp.need[j, short].sum())
        available = int(can[j, short].sum())
        periods = ", ".join(str(x) for x in short[:6]) + (" ..." if len(short) > 6 else "")
        worst = max(short, key=lambda x: (int(comp.need[j, x] - can[j, x]), -x))
        out.append(
            Conflict(
                kind="min_staffing",
                message=f"post {post.id} needs at least {int(comp.need[j, worst])} cadre(s) in "
                f"period {worst} (min_staffing) but only {int(can[j, worst])} could ever hold "
                f"it then; {len(short)} period(s) fall short: {periods}",
                message_zh=f"岗位“{post.id}”第 {worst} 期至少需 {int(comp.need[j, worst])} "
                f"人在岗，但当期最多只有 {int(can[j, worst])} 人可以安排；共 {len(short)} "
                f"期人手不足：{periods}",
                posts=(post.id,),
                periods=tuple(short),
                needed=needed,
                available=available,
            )
        )
    return out


def history_notes(problem: RotationProblem, cadre: Cadre, prog: Program) -> list[str]:
    """Say what the cadre's posting history rules out in ``prog``."""
    past = problem._past.get(cadre.id)  # noqa: SLF001
    notes: list[str] = []
    if prog.no_repeat and past is not None:
        held = [p.id for p in problem.posts if p.category in prog.categories and p.id in past.posts]
        if held:
            notes.append(f"held before, so not again: {', '.join(held)}")
    for cat, limit in prog.career_max.items():
        n = 0 if past is None else past.counts.get(cat, 0)
        if n >= limit:
            notes.append(f"career limit of {limit} {cat!r} posting(s) reached ({n} past)")
    for cat, idle in prog.cooldown.items():
        if past is None or cat not in past.last_end:
            continue
        end = past.last_end[cat]
        if end is None:
            notes.append(f"a {cat!r} posting is still ongoing (cooldown {idle})")
        elif end + 1 + idle > 0:
            notes.append(
                f"cooldown: no {cat!r} start before period {end + 1 + idle} (last one ended "
                f"in period {end}, {idle} idle period(s) needed)"
            )
    return notes


def _usable_posts(
    problem: RotationProblem, cadre: Cadre, prog: Program, held: frozenset[str]
) -> dict[str, int]:
    """Count, per category, the posts ``cadre`` may hold in ``prog`` and did not hold."""
    posts: dict[str, int] = {}
    for post in problem.posts:
        usable = post.category in prog.categories and post.id not in held
        if usable and not problem.post_reasons(cadre, prog, post):
            posts[post.category] = posts.get(post.category, 0) + 1
    return posts


def _most(
    problem: RotationProblem, prog: Program, posts: dict[str, int], past: PastPostings | None
) -> int:
    """Bound the placements a cadre can have in ``prog``, category by category.

    Per category: no more than the usable ``posts`` (under ``no_repeat``),
    than the career limit leaves after ``past`` postings, and than the
    windows that fit after the cooldown, with the program's gap or the
    category's cooldown between them. ``past=None`` ignores the history.
    """
    horizon, length = problem.horizon, prog.length
    total = 0
    for cat, n_posts in posts.items():
        most = n_posts if prog.no_repeat else prog.placements[1]
        if prog.one_per_category:
            most = min(most, 1)
        if cat in prog.career_max:
            done = 0 if past is None else past.counts.get(cat, 0)
            most = min(most, prog.career_max[cat] - done)
        ready = 0
        if past is not None and cat in prog.cooldown and cat in past.last_end:
            end = past.last_end[cat]
            ready = horizon if end is None else max(0, end + 1 + prog.cooldown[cat])
        sep = max(prog.gap, prog.cooldown.get(cat, 0))
        fits = horizon - ready >= length
        windows = 1 + (horizon - ready - length) // (length + sep) if fits else 0
        total += max(0, min(most, windows))
    return min(total, prog.placements[1])


def _history_conflicts(
    problem: RotationProblem, comp: Compiled, k: int, need: np.ndarray
) -> list[Conflict]:
    """Cadres whose posting history leaves fewer placements than the program's minimum.

    The compiled (cadre, post) pairs, which already leave out what the
    history forbids, pick the candidates cheaply; for those, the count is
    made again from the posts with and without the history, and a cadre is
    reported only when the history alone takes the count below the minimum.
    """
    prog = problem.programs[k]
    lo = prog.placements[0]
    past = problem._past  # noqa: SLF001
    if not past:
        return []
    n_cat = max(1, len(comp.categories))
    sel = comp.pair_k == k
    key = comp.pair_c[sel] * n_cat + comp.pcat[comp.pair_p[sel]]
    per_cat = np.bincount(key, minlength=len(comp.cadre_ids) * n_cat).reshape(-1, n_cat)
    short: list[tuple[str, int, list[str]]] = []
    for i in need.tolist():
        cadre = problem.cadres[i]
        mine = past.get(cadre.id)
        if mine is None:
            continue
        found = {comp.categories[g]: int(v) for g, v in enumerate(per_cat[i]) if v}
        if _most(problem, prog, found, mine) >= lo:
            continue
        held = mine.posts if prog.no_repeat else frozenset()
        most = _most(problem, prog, _usable_posts(problem, cadre, prog, held), mine)
        if (
            most
            < lo
            <= _most(problem, prog, _usable_posts(problem, cadre, prog, frozenset()), None)
        ):
            short.append((cadre.id, most, history_notes(problem, cadre, prog)))
    if not short:
        return []
    shown = "; ".join(
        f"{cid} (at most {most}: {', '.join(notes)})" for cid, most, notes in short[:5]
    )
    return [
        Conflict(
            kind="history",
            message=f"program {prog.name} needs {lo} placement(s) per cadre, but the posting "
            f"history of {len(short)} cadre(s) leaves fewer: {shown}"
            f"{' ...' if len(short) > 5 else ''}",
            message_zh=f"项目“{prog.name}”每人至少安排 {lo} 次，但有 {len(short)} 名干部因任职经历"
            f"（不重复任职、任职次数上限、间隔期）无法达到：{'、'.join(c for c, _, _ in short[:5])}"
            f"{' 等' if len(short) > 5 else ''}",
            program=prog.name,
            cadres=tuple(c for c, _, _ in short),
            needed=lo * len(short),
            available=sum(m for _, m, _ in short),
        )
    ]


def _precedence_conflicts(problem: RotationProblem, comp: Compiled) -> list[Conflict]:
    """Cadres whose ordered minimums need more periods than the window they have."""
    out: list[Conflict] = []
    for first, then in comp.prec:
        a, b = problem.programs[first], problem.programs[then]
        lo_a, lo_b = a.placements[0], b.placements[0]
        if not (lo_a and lo_b):
            continue
        short: list[str] = []
        need = lo_a * a.length + lo_b * b.length
        room = 0
        for c in np.flatnonzero(comp.prog_elig[first] & comp.prog_elig[then]).tolist():
            sa = comp.os[(comp.oc == c) & (comp.ok == first)]
            sb = comp.os[(comp.oc == c) & (comp.ok == then)]
            if len(sa) == 0 or len(sb) == 0:
                continue  # reported as having no eligible post
            # the first program's block starts no earlier than its earliest
            # option, the second's ends no later than its latest
            window = int(sb.max()) + b.length - int(sa.min())
            if need > window:
                short.append(comp.cadre_ids[c])
                room = max(room, window)
        if short:
            out.append(
                Conflict(
                    kind="precedence",
                    message=f"program {a.name} must come before {b.name}: their minimums "
                    f"need {need} periods one after the other, but {len(short)} cadre(s) "
                    f"have at most {room} between the first's earliest start and the "
                    f"second's latest end: {', '.join(short[:5])}"
                    f"{' ...' if len(short) > 5 else ''}",
                    message_zh=f"项目“{a.name}”须在“{b.name}”之前完成：两者最低安排共需 "
                    f"{need} 期，但有 {len(short)} 名干部可用时段最多 {room} 期",
                    program=a.name,
                    cadres=tuple(short),
                    needed=need,
                    available=room,
                )
            )
    return out


def _unit_conflicts(problem: RotationProblem, comp: Compiled, k: int) -> list[Conflict]:
    """Cadres who need more placements than ``max_per_unit`` times their units allows."""
    prog = problem.programs[k]
    lo, most = prog.placements[0], prog.max_per_unit
    if most is None or lo <= most:
        return []
    mine = comp.pair_k == k
    short: list[str] = []
    reach = 0
    for c in np.flatnonzero(comp.prog_elig[k]).tolist():
        units = len(np.unique(comp.pu[comp.pair_p[mine & (comp.pair_c == c)]]))
        # cadres without any option are reported as having no eligible post
        if units and lo > most * units:
            short.append(comp.cadre_ids[c])
            reach += most * units
    if not short:
        return []
    return [
        Conflict(
            kind="max_per_unit",
            message=f"program {prog.name} needs {lo} placements per cadre, at most {most} "
            f"per unit, but {len(short)} cadre(s) may only hold posts in too few units: "
            f"{', '.join(short[:5])}{' ...' if len(short) > 5 else ''}",
            message_zh=f"项目“{prog.name}”每人须安排 {lo} 次、同一单位至多 {most} 次，"
            f"但有 {len(short)} 名干部可去的单位不足",
            program=prog.name,
            cadres=tuple(short),
            needed=lo * len(short),
            available=reach,
        )
    ]


def _cats_zh(categories: frozenset[str]) -> str:
    return "、".join(f"“{n}”" for n in sorted(categories))


def _cats(categories: frozenset[str]) -> str:
    names = sorted(categories)
    if len(names) == 1:
        return f"category '{names[0]}'"
    return "categories " + ", ".join(f"'{n}'" for n in names)


def _flow_conflict(problem: RotationProblem, comp: Compiled) -> list[Conflict]:
    """Max flow: (cadre, program) minimums -> posts -> post-periods over the horizon."""
    from scipy.sparse import csr_matrix  # noqa: PLC0415
    from scipy.sparse.csgraph import maximum_flow  # noqa: PLC0415

    if len(comp.pair_c) == 0:
        return []
    nk = max(1, len(comp.prog_names))
    horizon = problem.horizon
    ck = comp.pair_c * nk + comp.pair_k
    pairs = np.unique(np.stack([ck, comp.pair_p], axis=1), axis=0)
    nodes_ck, inv = np.unique(pairs[:, 0], return_inverse=True)
    n_ck, n_p = len(nodes_ck), len(comp.post_ids)
    source, sink = 0, 1 + n_ck + n_p
    demand_ck = np.array(
        [int(comp.pmin[x % nk] * comp.plen[x % nk]) for x in nodes_ck.tolist()], dtype=np.int64
    )
    total = int(demand_ck.sum())
    if total == 0:
        return []
    rows = [np.zeros(n_ck, np.int64), 1 + inv, 1 + n_ck + np.arange(n_p)]
    cols = [1 + np.arange(n_ck), 1 + n_ck + pairs[:, 1], np.full(n_p, sink)]
    per_edge = np.where(comp.prepeat[pairs[:, 0] % nk], comp.plen[pairs[:, 0] % nk], demand_ck[inv])
    caps = [demand_ck, per_edge.astype(np.int64), comp.pcap_t.sum(axis=1).astype(np.int64)]
    graph = csr_matrix(
        (np.concatenate(caps).astype(np.int32), (np.concatenate(rows), np.concatenate(cols))),
        shape=(sink + 1, sink + 1),
    )
    flow = maximum_flow(graph, source, sink).flow_value  # type: ignore[arg-type]
    if flow >= total:
        return []
    full = [comp.post_ids[j] for j in range(n_p) if comp.pcap_t[j].any()]
    return [
        Conflict(
            kind="flow",
            message=f"the programs need {total} post-periods for their minimums, but the "
            f"posts eligible cadres may hold can give at most {int(flow)} over "
            f"{horizon} periods",
            message_zh=f"各项目最低安排需要 {total} 个岗位·期，符合条件的岗位在 {horizon} "
            f"期内最多提供 {int(flow)} 个",
            posts=tuple(full),
            periods=tuple(range(horizon)),
            needed=total,
            available=int(flow),
        )
    ]
