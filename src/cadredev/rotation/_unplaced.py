"""Why a cadre stays short of a program's minimum: the reasons a plan gives."""

from __future__ import annotations

from collections import Counter

import numpy as np

from cadredev.model import Cadre

from ._compile import Compiled
from ._construct import State
from ._diagnose import history_notes
from ._problem import RotationProblem
from ._records import Program, Unplaced

__all__ = ["unplaced_reasons"]


def unplaced_reasons(
    problem: RotationProblem, comp: Compiled, state: State
) -> tuple[Unplaced, ...]:
    """Return, sorted, each (cadre, program) short of its minimum in ``state``, with why."""
    out: list[Unplaced] = []
    first = np.searchsorted(comp.oc, np.arange(len(comp.cadre_ids) + 1))
    for k, prog in enumerate(problem.programs):
        if prog.placements[0] == 0:
            continue
        for c, cadre in enumerate(problem.cadres):
            if not comp.prog_elig[k, c]:
                continue
            missing = prog.placements[0] - state.count[c, k]
            if missing <= 0:
                continue
            lo, hi = int(first[c]), int(first[c + 1])
            opts = [o for o in range(lo, hi) if int(comp.ok[o]) == k]
            notes = history_notes(problem, cadre, prog)
            if not opts:
                reason = _static_reason(problem, cadre, prog, notes)
            else:
                blockers: Counter[str] = Counter(
                    state.blocker(c, int(comp.op[o]), k, int(comp.os[o]), int(comp.ol[o]))
                    for o in opts
                )
                parts = ", ".join(f"{why} ({n})" for why, n in blockers.most_common() if why)
                reason = (
                    f"all {len(opts)} eligible post-start options are taken or blocked: {parts}"
                )
                if notes:
                    reason += f"; posting history: {'; '.join(notes)}"
            out.append(
                Unplaced(cadre_id=cadre.id, program=prog.name, reason=reason, missing=missing)
            )
    return tuple(sorted(out))


def _static_reason(problem: RotationProblem, cadre: Cadre, prog: Program, notes: list[str]) -> str:
    posts = [p for p in problem.posts if p.category in prog.categories]
    usable = [p for p in posts if not problem.post_reasons(cadre, prog, p)]
    if not usable:
        why = problem.post_reasons(cadre, prog, posts[0]) if posts else ("no post",)
        return (
            f"no eligible post in categories {sorted(prog.categories)} "
            f"(e.g. {posts[0].id if posts else '-'}: {'; '.join(why)})"
        )
    past = problem._past.get(cadre.id)  # noqa: SLF001
    if past is not None or prog.career_max:
        count = {} if past is None else past.counts
        held = past.posts if past is not None and prog.no_repeat else frozenset()

        def within_career(cat: str) -> bool:
            return cat not in prog.career_max or count.get(cat, 0) < prog.career_max[cat]

        if not [p for p in usable if p.id not in held and within_career(p.category)]:
            return f"the posting history leaves no post: {'; '.join(notes)}"
    history = f"; posting history: {'; '.join(notes)}" if notes else ""
    if problem.unavailable.get(cadre.id):
        return f"unavailable in every {prog.length}-period window of the horizon{history}"
    return f"no {prog.length}-period window left in the horizon{history}"
