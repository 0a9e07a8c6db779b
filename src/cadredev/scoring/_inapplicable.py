"""Cadres none of whose indicators applies: they are excluded, never graded on a zero.

:func:`~cadredev.scoring.score` lists a cadre whose indicators are all not
applicable in every scored period (every rate with a zero or missing
denominator) in :attr:`~cadredev.scoring.ScoreTable.excluded`, with the
reason, and gives it no row and no grade.

.. versionadded:: 0.3
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._cadres import ScoredCadres
from ._context import ScoreContext

__all__ = ["drop_cadres", "inapplicable_cadres"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]


def inapplicable_cadres(ctx: ScoreContext) -> list[tuple[int, str]]:
    """Return the cadres (positions) with no applicable indicator in any scored period, with why.

    Only a rate can stop applying (a zero or missing denominator), so a
    scheme without rates costs nothing here.
    """
    if ctx.n == 0 or not any(ind.kind == "rate" for ind in ctx.inds):
        return []
    count = np.zeros(ctx.n_c, dtype=np.int64)
    for sl in ctx.chunks():
        _, app, _ = ctx.attain(sl)
        rows = np.arange(sl.start, sl.stop)[~app.any(axis=1)]
        np.add.at(count, rows % ctx.n_c, 1)
    void = np.nonzero(count == ctx.n_p)[0]
    why = "no indicator applies in any scored period (every rate has a zero or missing denominator)"
    return [(int(c), why) for c in void]


def drop_cadres(
    roster: ScoredCadres, void: list[tuple[int, str]], excluded: tuple[tuple[str, str], ...]
) -> tuple[ScoredCadres, tuple[tuple[str, str], ...]]:
    """Return the roster without the ``void`` cadres, and ``excluded`` with them and why."""
    gone = {k for k, _ in void}
    keep = [k for k in range(len(roster)) if k not in gone]
    kept = ScoredCadres(
        ids=tuple(roster.ids[k] for k in keep),
        names=tuple(roster.names[k] for k in keep),
        units=tuple(roster.units[k] for k in keep),
        lines=tuple(roster.lines[k] for k in keep),
        joined=tuple(roster.joined[k] for k in keep),
    )
    more = ((roster.ids[k], why) for k, why in void)
    return kept, tuple(sorted((*excluded, *more)))
