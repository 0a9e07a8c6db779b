"""The built-in tasks a scenario runs, and the figures each result gives a table."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from cadredev.errors import InvalidInputError

if TYPE_CHECKING:
    from cadredev.datasets import Zone
    from cadredev.rotation import RotationProblem

__all__ = ["TASKS", "metrics_of", "resolve_task"]

HOME_SHARE = 0.8
"""Share of each unit kept home when a zone is scheduled (as ``cadredev schedule``)."""
HORIZON = 12
"""Periods planned when a zone is scheduled (as ``cadredev schedule``)."""

Task = Callable[..., Any]


def _is_zone(value: Any) -> bool:
    return type(value).__name__ == "Zone" and hasattr(value, "programs")


def zone_problem(zone: Zone) -> RotationProblem:
    """Return the problem ``cadredev schedule zone.json`` plans by default.

    The zone's first program, the posts of its categories, 12 periods, each
    unit keeping 80 % of its cadres home.
    """
    from cadredev.rotation import RotationProblem  # noqa: PLC0415

    if not zone.programs:
        raise InvalidInputError(f"schedule: zone {zone.name!r} has no rotation programs")
    program = zone.programs[0]
    sizes: dict[str, int] = {}
    for c in zone.cadres:
        sizes[c.unit] = sizes.get(c.unit, 0) + 1
    return RotationProblem(
        cadres=zone.cadres,
        posts=[p for p in zone.posts if p.category in program.categories],
        horizon=HORIZON,
        programs=[program],
        min_home_staffing={u: int(HOME_SHARE * n) for u, n in sorted(sizes.items())},
        as_of=zone.as_of,
    )


def _schedule(value: Any, *, seed: int) -> tuple[Any, dict[str, Any]]:
    from cadredev.rotation import RotationProblem, schedule  # noqa: PLC0415

    problem = zone_problem(value) if _is_zone(value) else value
    if not isinstance(problem, RotationProblem):
        raise InvalidInputError(
            f"schedule: expected a RotationProblem or a Zone, got {type(value).__name__}"
        )
    plan = schedule(problem, seed=seed)
    return plan, {"violations": len(plan.violations(problem))}


def _match(value: Any, *, seed: int) -> tuple[Any, dict[str, Any]]:
    del seed  # the optimal matching draws nothing at random
    import networkx as nx  # noqa: PLC0415

    from cadredev.matching import Criteria, compatibility_graph, match  # noqa: PLC0415

    if _is_zone(value):
        mentors = value.grid_mentors()
        taken = {m.id for m in value.mentors}
        mentees = [c for c in value.cadres if c.id not in taken]
        value = compatibility_graph(mentees, mentors, criteria=Criteria(as_of=value.as_of))
    if not isinstance(value, nx.Graph):
        raise InvalidInputError(
            f"match: expected a bipartite networkx.Graph or a Zone, got {type(value).__name__}"
        )
    return match(value), {}


def _score(value: Any, *, seed: int) -> tuple[Any, dict[str, Any]]:
    del seed  # scoring draws nothing at random
    from cadredev.scoring import rollup, score  # noqa: PLC0415

    if not _is_zone(value) or value.scheme is None or value.records is None:
        raise InvalidInputError(
            f"score: expected a Zone with a scheme and records, got {type(value).__name__}"
        )
    year = rollup(value.records, value.scheme, to="year")
    return score(value.scheme, value.cadres, year, period=year.periods[-1]), {}


def _form_teams(value: Any, *, seed: int) -> tuple[Any, dict[str, Any]]:
    from cadredev.teams import form_teams  # noqa: PLC0415

    if not _is_zone(value):
        raise InvalidInputError(f"form_teams: expected a Zone, got {type(value).__name__}")
    n_teams = len(value.grid_mentors()) // 2 or 1
    return form_teams(value.cadres, n_teams=n_teams, seed=seed, as_of=value.as_of), {}


TASKS: dict[str, Callable[..., tuple[Any, dict[str, Any]]]] = {
    "schedule": _schedule,
    "match": _match,
    "score": _score,
    "form_teams": _form_teams,
}


def resolve_task(task: Any) -> tuple[str, Any]:
    """Return ``(label, task)``: a built-in task's name, or a user callable as given."""
    if isinstance(task, str):
        if task not in TASKS:
            raise InvalidInputError(
                f"run: unknown task {task!r}; expected one of {sorted(TASKS)} or a callable"
            )
        return task, task
    if not callable(task):
        raise InvalidInputError(
            f"run: task must be one of {sorted(TASKS)} or a callable, got {task!r}"
        )
    name = getattr(task, "__qualname__", None) or type(task).__name__
    return str(name), task


def call_task(task: Any, value: Any, seed: int) -> tuple[Any, dict[str, Any]]:
    """Run a built-in task (by name) or a user callable ``task(value, seed=...)``."""
    if isinstance(task, str):
        return TASKS[task](value, seed=seed)
    return task(value, seed=seed), {}


def _number(value: Any) -> Any:
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return value if math.isfinite(value) else None
    return value


def metrics_of(result: Any) -> dict[str, Any]:
    """Return the table figures of a task's result, by its type."""
    kind = type(result).__name__
    if kind == "RotationPlan":
        bound = result.bound
        return {
            "objective": float(result.objective.value),
            "placed": int(result.objective.placed),
            "bound": None if bound is None else float(bound.value),
            "bound_placed": None if bound is None else int(bound.placed),
            "gap": _number(result.gap),
            "placements": len(result.assignments),
            "unplaced": len(result.unplaced),
        }
    if kind == "Matching":
        return {
            "total_weight": float(result.total_weight),
            "matched": len({m for m, _ in _pairs(result)}),
            "unmatched": len(result.unmatched),
        }
    if kind == "ScoreTable":
        counts = np.bincount(result.grade_code, minlength=len(result.scheme.grades))
        return {f"grade:{g.id}": int(c) for g, c in zip(result.scheme.grades, counts, strict=True)}
    if kind == "Teams":
        worst = result.report().worst_by_attribute
        return {
            "teams": len(result.teams),
            "worst_deviation": max((float(v) for v in worst.values()), default=0.0),
        }
    if result is None or isinstance(result, bool | str | numbers.Real):
        return {"value": _number(result)}
    return {}


def _pairs(matching: Any) -> list[tuple[Any, Any]]:
    pairs = matching.pairs
    return list(pairs.items()) if hasattr(pairs, "items") else list(pairs)
