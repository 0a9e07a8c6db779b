"""An independent checker of every hard rule, written plainly on purpose.

It shares no code with the solvers: it walks the assignments one rule at a
time, so it can be trusted to judge them (and any hand-made plan).
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ._records import Assignment, Violation

if TYPE_CHECKING:
    from cadredev.model import Posting

    from ._problem import RotationProblem

__all__ = ["check_assignments"]


def check_assignments(
    problem: RotationProblem,
    assignments: Iterable[Assignment],
    *,
    pinned_check: bool = True,
) -> tuple[Violation, ...]:
    """Return every hard-rule breach of ``assignments`` in ``problem``, sorted."""
    cadres, posts, programs = problem.cadres_by_id, problem.posts_by_id, problem.programs_by_name
    items = sorted(assignments)
    out: list[Violation] = []
    known: list[Assignment] = []
    for a in items:
        if a.cadre_id not in cadres:
            out.append(_v("unknown", f"unknown cadre id {a.cadre_id!r}", a))
        elif a.post_id not in posts:
            out.append(_v("unknown", f"unknown post id {a.post_id!r}", a))
        elif a.program not in programs:
            out.append(_v("unknown", f"unknown program {a.program!r}", a))
        else:
            known.append(a)
    horizon = problem.horizon
    for a in known:
        prog = programs[a.program]
        cadre = cadres[a.cadre_id]
        post = posts[a.post_id]
        if a.start < 0 or a.start + a.length > horizon:
            out.append(
                _v(
                    "horizon",
                    f"{_who(a)} runs periods {a.start}..{a.end}, outside 0..{horizon - 1}",
                    a,
                )
            )
        if a.ended_early and a.length >= prog.length:
            out.append(
                _v(
                    "length",
                    f"{_who(a)} ended early but lasts {a.length} periods; program "
                    f"{prog.name!r} places for {prog.length}",
                    a,
                )
            )
        elif not a.ended_early and a.length != prog.length:
            out.append(
                _v(
                    "length",
                    f"{_who(a)} lasts {a.length} periods; program {prog.name!r} "
                    f"needs {prog.length}",
                    a,
                )
            )
        if prog.no_repeat:
            before = [h for h in cadre.history if h.post_id == a.post_id]
            if before:
                out.append(
                    _v(
                        "repeat",
                        f"{_who(a)}: the cadre held post {a.post_id!r} before "
                        f"(from {before[0].start}); program {prog.name!r} repeats no post",
                        a,
                    )
                )
        if post.category not in prog.categories:
            out.append(
                _v(
                    "category",
                    f"{_who(a)}: post category {post.category!r} is not one of program "
                    f"{prog.name!r}'s {sorted(prog.categories)}",
                    a,
                )
            )
        why = problem.is_eligible(cadre, prog)
        if why:
            out.append(
                _v(
                    "eligibility",
                    f"{_who(a)}: cadre not eligible for program {prog.name!r} ({'; '.join(why)})",
                    a,
                )
            )
        why = post.eligibility.reasons(cadre, as_of=problem.as_of)
        if why:
            out.append(
                _v(
                    "post_eligibility",
                    f"{_who(a)}: cadre not eligible for post {post.id!r} ({'; '.join(why)})",
                    a,
                )
            )
        if prog.other_unit and post.unit == cadre.unit:
            out.append(
                _v(
                    "other_unit",
                    f"{_who(a)}: program {prog.name!r} needs a post outside the cadre's "
                    f"unit {cadre.unit}",
                    a,
                )
            )
        if a.cadre_id in problem.allowed and a.post_id not in problem.allowed[a.cadre_id]:
            out.append(
                _v(
                    "allowed",
                    f"{_who(a)}: post {a.post_id!r} is not among the cadre's allowed posts "
                    f"{sorted(problem.allowed[a.cadre_id])}",
                    a,
                )
            )
        blocked = sorted(set(a.periods) & set(problem.unavailable.get(a.cadre_id, ())))
        if blocked:
            out.append(
                _v(
                    "unavailable",
                    f"{_who(a)}: cadre is unavailable in period(s) {blocked}",
                    a,
                    period=blocked[0],
                )
            )

    # one post per cadre per period
    busy: dict[tuple[str, int], list[Assignment]] = defaultdict(list)
    for a in known:
        for t in a.periods:
            busy[a.cadre_id, t].append(a)
    for (cid, t), held in sorted(busy.items()):
        if len(held) > 1:
            out.append(
                Violation(
                    kind="overlap",
                    message=f"cadre {cid!r} holds {len(held)} placements in period {t}",
                    cadre_id=cid,
                    period=t,
                )
            )
    # capacity
    load: Counter[tuple[str, int]] = Counter()
    for a in known:
        for t in a.periods:
            load[a.post_id, t] += 1
    for (pid, t), n in sorted(load.items()):
        # a capacity given for the period overrides the post's own
        cap = posts[pid].capacity
        if problem.capacity is not None and (pid, t) in problem.capacity:
            cap = problem.capacity[pid, t]
        if n > cap:
            out.append(
                Violation(
                    kind="capacity",
                    message=f"post {pid!r} holds {n} cadres in period {t}, capacity {cap}",
                    post_id=pid,
                    period=t,
                )
            )
    # per cadre and program: max placements, repeats, categories, gap
    groups: dict[tuple[str, str], list[Assignment]] = defaultdict(list)
    for a in known:
        groups[a.cadre_id, a.program].append(a)
    for (cid, pname), group in sorted(groups.items()):
        prog = programs[pname]
        if len(group) > prog.placements[1]:
            out.append(
                Violation(
                    kind="max_placements",
                    message=f"cadre {cid!r} has {len(group)} placements in program "
                    f"{pname!r}, at most {prog.placements[1]} allowed",
                    cadre_id=cid,
                    program=pname,
                )
            )
        if prog.no_repeat:
            for pid, n in sorted(Counter(a.post_id for a in group).items()):
                if n > 1:
                    out.append(
                        Violation(
                            kind="repeat",
                            message=f"cadre {cid!r} holds post {pid!r} {n} times in "
                            f"program {pname!r}",
                            cadre_id=cid,
                            post_id=pid,
                            program=pname,
                        )
                    )
        if prog.one_per_category:
            cats = Counter(posts[a.post_id].category for a in group)
            for cat, n in sorted(cats.items()):
                if n > 1:
                    out.append(
                        Violation(
                            kind="one_per_category",
                            message=f"cadre {cid!r} has {n} placements in category {cat!r} "
                            f"in program {pname!r}, at most one allowed",
                            cadre_id=cid,
                            program=pname,
                        )
                    )
        ordered = sorted(group, key=lambda a: (a.start, a.post_id))
        for first, second in itertools.pairwise(ordered):
            idle = second.start - (first.start + first.length)
            if 0 <= idle < prog.gap or (idle < 0 and prog.gap > 0):
                out.append(
                    Violation(
                        kind="gap",
                        message=f"cadre {cid!r} has {max(idle, 0)} idle period(s) between "
                        f"placements at {first.start} and {second.start} in program "
                        f"{pname!r}, needs {prog.gap}",
                        cadre_id=cid,
                        program=pname,
                        period=second.start,
                    )
                )
    out.extend(_career_and_cooldown(problem, groups))
    out.extend(_per_unit(problem, groups))
    out.extend(_precedence(problem, known))
    # home staffing: a cadre on any placement is away from home
    away: dict[tuple[str, int], set[str]] = defaultdict(set)
    for a in known:
        for t in a.periods:
            away[cadres[a.cadre_id].unit, t].add(a.cadre_id)
    limits: dict[str, int] = {}
    for (unit, t), who in sorted(away.items()):
        if unit not in limits:
            limits[unit] = problem.away_limit(unit)
        if len(who) > limits[unit]:
            out.append(
                Violation(
                    kind="home_staffing",
                    message=f"unit {unit} has {len(who)} cadres away in period {t}; at most "
                    f"{limits[unit]} may be away",
                    unit=unit,
                    period=t,
                )
            )
    if pinned_check:
        present = set(items)
        out.extend(
            _v("pinned", f"pinned {_who(a)} at {a.start} is missing from the plan", a)
            for a in problem.pinned
            if a not in present
        )
    return tuple(sorted(out))


def _past_category(problem: RotationProblem, posting: Posting) -> str:
    """Return a past posting's category: its own, else that of the problem's post."""
    if posting.category:
        return posting.category
    for post in problem.posts:
        if post.id == posting.post_id:
            return post.category
    return ""


def _career_and_cooldown(
    problem: RotationProblem, groups: dict[tuple[str, str], list[Assignment]]
) -> list[Violation]:
    """Career limits and cooldowns: past postings plus the program's placements."""
    out: list[Violation] = []
    posts = problem.posts_by_id
    for (cid, pname), group in sorted(groups.items()):
        prog = problem.programs_by_name[pname]
        if not prog.career_max and not prog.cooldown:
            continue
        cadre = problem.cadres_by_id[cid]
        for cat, limit in sorted(prog.career_max.items()):
            past = [h for h in cadre.history if _past_category(problem, h) == cat]
            planned = [a for a in group if posts[a.post_id].category == cat]
            if planned and len(past) + len(planned) > limit:
                out.append(
                    Violation(
                        kind="career_max",
                        message=f"cadre {cid!r} would have {len(past)} past and "
                        f"{len(planned)} planned postings in category {cat!r}; program "
                        f"{pname!r} allows {limit} in a career",
                        cadre_id=cid,
                        program=pname,
                    )
                )
        for cat, idle in sorted(prog.cooldown.items()):
            planned = sorted(
                (a for a in group if posts[a.post_id].category == cat),
                key=lambda a: (a.start, a.post_id),
            )
            if not planned:
                continue
            for h in cadre.history:
                if _past_category(problem, h) != cat:
                    continue
                end = None if h.end is None else problem.period(h.end)
                for a in planned:
                    if end is None:
                        why = f"past posting {h.post_id!r} in it is still ongoing"
                    elif a.start - end - 1 < idle:
                        why = (
                            f"{a.start - end - 1} idle period(s) after past posting "
                            f"{h.post_id!r} ended at {end}, needs {idle}"
                        )
                    else:
                        continue
                    out.append(
                        Violation(
                            kind="cooldown",
                            message=f"cadre {cid!r} starts in category {cat!r} at {a.start} "
                            f"in program {pname!r}: {why}",
                            cadre_id=cid,
                            post_id=a.post_id,
                            program=pname,
                            period=a.start,
                        )
                    )
            for one, two in itertools.pairwise(planned):
                between = two.start - (one.start + one.length)
                if idle > 0 and between < idle:
                    out.append(
                        Violation(
                            kind="cooldown",
                            message=f"cadre {cid!r} has {max(between, 0)} idle period(s) "
                            f"between placements in category {cat!r} at {one.start} and "
                            f"{two.start} in program {pname!r}, needs {idle}",
                            cadre_id=cid,
                            post_id=two.post_id,
                            program=pname,
                            period=two.start,
                        )
                    )
    return out


def _per_unit(
    problem: RotationProblem, groups: dict[tuple[str, str], list[Assignment]]
) -> list[Violation]:
    """Most placements of one cadre in one unit, per program."""
    out: list[Violation] = []
    for (cid, pname), group in sorted(groups.items()):
        most = problem.programs_by_name[pname].max_per_unit
        if most is None:
            continue
        units = Counter(problem.posts_by_id[a.post_id].unit for a in group)
        for unit, n in sorted(units.items()):
            if n > most:
                out.append(
                    Violation(
                        kind="max_per_unit",
                        message=f"cadre {cid!r} has {n} placements in unit {unit} in "
                        f"program {pname!r}, at most {most} allowed",
                        cadre_id=cid,
                        program=pname,
                        unit=unit,
                    )
                )
    return out


def _precedence(problem: RotationProblem, known: list[Assignment]) -> list[Violation]:
    """Find placements of a second program that start before the first program's end."""
    if not problem.precedence:
        return []
    mine: dict[str, list[Assignment]] = defaultdict(list)
    for a in known:
        mine[a.cadre_id].append(a)
    out: list[Violation] = []
    for first, then in problem.precedence:
        for cid, held in sorted(mine.items()):
            firsts = [a for a in held if a.program == first]
            seconds = [b for b in held if b.program == then]
            out.extend(
                Violation(
                    kind="precedence",
                    message=f"cadre {cid!r} starts {then!r} in post {b.post_id!r} at "
                    f"{b.start}, before the {first!r} placement in {a.post_id!r} ends at "
                    f"{a.end}; {first!r} must come first",
                    cadre_id=cid,
                    post_id=b.post_id,
                    program=then,
                    period=b.start,
                )
                for a in firsts
                for b in seconds
                if b.start <= a.end
            )
    return out


def _who(a: Assignment) -> str:
    return f"cadre {a.cadre_id!r} in post {a.post_id!r} ({a.program})"


def _v(kind: str, message: str, a: Assignment, *, period: int | None = None) -> Violation:
    return Violation(
        kind=kind,
        message=message,
        cadre_id=a.cadre_id,
        post_id=a.post_id,
        program=a.program,
        period=a.start if period is None else period,
    )
