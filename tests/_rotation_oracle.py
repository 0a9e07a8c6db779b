"""The brute-force oracle of the rotation tests: the best plan by exhaustive search.

Shared by the rotation test modules; each decides which placements to offer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from unittest import mock

import attrs

from cadredev.rotation import Assignment, RotationProblem
from cadredev.rotation._check import check_assignments
from cadredev.rotation._effort import EFFORTS
from cadredev.rotation._plan import evaluate


@contextmanager
def heuristic_only() -> Iterator[None]:
    """Force the construction + neighbourhood search path on small problems."""
    levels = {name: attrs.evolve(level, exact_options=-1) for name, level in EFFORTS.items()}
    with mock.patch.dict(EFFORTS, levels):
        yield


def accepted_sets(
    problem: RotationProblem, options: Sequence[Assignment]
) -> Iterator[tuple[Assignment, ...]]:
    """Yield every set of ``options`` the independent checker accepts.

    A depth-first search that adds an option only while the checker finds
    no breach, so it shares nothing with the solvers.
    """
    chosen: list[Assignment] = []

    def walk(i: int) -> Iterator[tuple[Assignment, ...]]:
        if i == len(options):
            yield tuple(chosen)
            return
        yield from walk(i + 1)
        chosen.append(options[i])
        if not check_assignments(problem, chosen, pinned_check=False):
            yield from walk(i + 1)
        chosen.pop()

    yield from walk(0)


def best_over(problem: RotationProblem, options: Sequence[Assignment]) -> tuple[int, float]:
    """Return the best (placed, value) over every set of ``options`` the checker accepts."""
    best = (0, 0.0)
    for plan in accepted_sets(problem, options):
        obj = evaluate(problem, plan)
        best = max(best, (obj.placed, round(obj.value, 6)))
    return best
