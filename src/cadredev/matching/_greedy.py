"""The greedy method: pairs by weight, highest first, while both sides have room."""

from __future__ import annotations

import numpy as np

from ._stable import solve_stable

__all__ = ["solve_greedy"]


def solve_greedy(
    eu: np.ndarray, ev: np.ndarray, w: np.ndarray, cap_a: np.ndarray, cap_b: np.ndarray
) -> np.ndarray:
    """Greedy by weight (ties by mentee id, then mentor id) while both have room.

    Edges must come sorted by (mentee, mentor). Returns a mask over the
    edges. When both sides rank by the same strict order of the edges, the
    greedy matching is the unique stable matching, so deferred acceptance
    with the weight as both sides' score computes it without a Python loop
    over edges.
    """
    return solve_stable(eu, ev, w, w, cap_a, cap_b)
