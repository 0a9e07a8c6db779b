"""Cadres none of whose indicators applies: they are excluded, never graded on a zero.

.. versionadded:: 0.3
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._context import ScoreContext

__all__ = ["inapplicable_cadres"]

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
