"""The fairness level: each cadre's benefit share and the max-min solve.

A cadre's *ideal value* is what the per-cadre counting bound allows them
alone: for each program they may join, the sum of the best values of as many
placements as the program's rules let them make in the horizon (its
maximum, the periods they are free, distinct posts under ``no_repeat``, one
per category, career limits), each placement valued at the post's best
window in the horizon, negative values left out. Other cadres, capacities
and staffing are ignored, so a plan's shares are at most 1. A cadre's
*benefit share* is the value of their placements in a plan divided by their
ideal value; cadres whose ideal value is zero (nothing possible, or nothing
of positive value) have no share. The fair objective maximises the smallest
share (after the first level, before total value).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ._compile import Compiled, compile_problem
from ._counting import pair_chunks, pair_most
from ._mip import Model, Solution, _matrix, run_milp
from ._problem import RotationProblem
from ._records import Assignment

__all__ = [
    "OBJECTIVES",
    "SHARE_TOL",
    "at_least",
    "benefit_shares",
    "cadre_values",
    "check_objective",
    "ideal_values",
    "min_share",
    "solve_fair",
    "state_share",
]

OBJECTIVES = ("total", "fair")
"""Objective levels a user may choose."""
SHARE_NODES = 50
"""The share solve gets this fraction of the node budget: max-min programs
have weak relaxations, and a solve that stops early still gives a bound."""
SHARE_TOL = 1e-6
"""The fair solve keeps the smallest share within this of its optimum when it
maximises total value (it absorbs the solver's feasibility tolerance)."""


def check_objective(objective: object, where: str) -> bool:
    """Return True for ``"fair"``; raise on anything but the known objectives."""
    from cadredev.errors import InvalidInputError  # noqa: PLC0415

    if not isinstance(objective, str) or objective not in OBJECTIVES:
        raise InvalidInputError(
            f"{where}: objective must be one of {', '.join(map(repr, OBJECTIVES))}, "
            f"got {objective!r}"
        )
    return objective == "fair"


def ideal_values(problem: RotationProblem, comp: Compiled | None = None) -> np.ndarray:
    """Each cadre's ideal value, in compiled (id) order (see the module text).

    ``comp`` must be compiled from period 0 with no cadre excluded; by
    default the problem is compiled without options.
    """
    if comp is None:
        comp = compile_problem(problem, max_options=0)
    out = np.zeros(len(comp.cadre_ids))
    for c, k, chunk in pair_chunks(comp):
        most = pair_most(problem, comp, c, k, chunk)
        if problem.programs[k].no_repeat:
            tops = comp.pair_v[chunk[:most]]
        else:
            tops = np.full(most, comp.pair_v[chunk[0]])
        out[c] += float(tops.clip(min=0).sum())
    return np.round(out, 9)


def benefit_shares(
    problem: RotationProblem,
    assignments: Iterable[Assignment],
    *,
    exclude: Iterable[str] = (),
) -> dict[str, float]:
    """Return cadre id -> benefit share of ``assignments``, for cadres with an ideal value.

    Recomputed from the problem and the assignments alone; cadres in
    ``exclude`` (for instance cadres who left) are left out.
    """
    comp = compile_problem(problem, max_options=0)
    ideal = ideal_values(problem, comp)
    got: dict[str, float] = {}
    for a in sorted(assignments):
        got[a.cadre_id] = got.get(a.cadre_id, 0.0) + problem.value_of(a)
    gone = set(exclude)
    return {
        cid: round(got.get(cid, 0.0), 9) / float(ideal[i])
        for i, cid in enumerate(comp.cadre_ids)
        if ideal[i] > 0 and cid not in gone
    }


def min_share(shares: dict[str, float]) -> float:
    """Return the smallest share, or 1.0 when no cadre has an ideal value."""
    return min(shares.values(), default=1.0)


def cadre_values(comp: Compiled, keys: Iterable[tuple[int, int, int, int, int]]) -> np.ndarray:
    """Value of the placements ``keys`` per cadre (compiled order)."""
    out = np.zeros(len(comp.cadre_ids))
    for c, p, _k, s, length in sorted(keys):
        out[c] += comp.value(c, p, s, length)
    return out


def state_share(values: np.ndarray, ideal: np.ndarray) -> float:
    """Smallest share given per-cadre values (1.0 when no cadre has an ideal value)."""
    on = ideal > 0
    if not on.any():
        return 1.0
    return float((np.round(values[on], 9) / ideal[on]).min())


def at_least(a: tuple[int, float, float], b: tuple[int, float, float]) -> bool:
    """Tell whether ``a`` is at least as good as ``b`` on (first level, share, value).

    Shares within twice :data:`SHARE_TOL` count as equal.
    """
    tol = 2 * SHARE_TOL
    if a[0] != b[0]:
        return a[0] > b[0]
    if abs(a[1] - b[1]) > tol:
        return a[1] > b[1]
    return a[2] >= b[2] - 1e-9


def solve_fair(
    model: Model,
    comp: Compiled,
    ideal: np.ndarray,
    held: np.ndarray,
    *,
    time_limit: float | None,
    node_limit: int | None,
) -> tuple[Solution | None, float | None, float | None]:
    """Solve ``model`` lexicographically: first level, smallest share, total value.

    Cadres with ``ideal > 0`` and options in the model get a row
    ``ideal_c * t - value_c(x) <= held_c`` (``held``: per cadre, the value of
    their placements outside the model); ``t`` is capped at the smallest
    share ``held_c / ideal_c`` of the other cadres with an ideal value, whose
    shares the model cannot change. Three solves: the model as is (first level), then ``t`` with the
    first level fixed (on a fiftieth of the node budget), then value with
    ``t >= t* - SHARE_TOL``. Returns the last solution found, ``t*`` (None
    when the share solve failed) and an upper bound on ``t`` over plans
    reaching the first solve's first level (None when unknown).
    """
    from scipy.sparse import coo_matrix, hstack, vstack  # noqa: PLC0415

    n_x, n_v = len(model.cand), model.n_vars

    def run(cost: np.ndarray, a: Any, rhs: np.ndarray, nodes: int | None = node_limit) -> Any:
        lhs = np.full(a.shape[0], -np.inf)
        lhs[: len(model.lhs)] = model.lhs
        return run_milp(
            cost,
            a,
            (lhs, rhs),
            np.concatenate([model.lower(), [-np.inf]]),
            np.concatenate([model.upper(), [cap]]),
            np.concatenate([model.integrality(), [0]]),
            time_limit=time_limit,
            node_limit=nodes,
        )

    base = _matrix(model) if len(model.rhs) else coo_matrix((0, n_v))
    a0: Any = hstack([base, coo_matrix((base.shape[0], 1))]).tocsr()
    oc = comp.oc[model.cand]
    mine = np.unique(oc)
    mine = mine[ideal[mine] > 0]
    pos = np.full(len(ideal), -1, dtype=np.int64)
    pos[mine] = np.arange(len(mine))
    rows = pos[oc]
    on = rows >= 0
    others = ideal > 0
    others[mine] = False
    cap = float((held[others] / ideal[others]).min()) if others.any() else np.inf
    share_rows = coo_matrix(
        (
            np.concatenate([-model.values[on], ideal[mine]]),
            (
                np.concatenate([rows[on], np.arange(len(mine))]),
                np.concatenate([np.flatnonzero(on), np.full(len(mine), n_v)]),
            ),
        ),
        shape=(len(mine), n_v + 1),
    )
    a1: Any = vstack([a0, share_rows]).tocsr()
    rhs1 = np.concatenate([model.rhs, held[mine]])
    # level 1: the model's own objective (counters weigh more than any value)
    first = np.concatenate([model.costs(), [0.0]])
    res = run(first, a1, rhs1)
    if res.x is None:
        return None, None, None
    x = np.asarray(res.x)
    reached = float(np.round(x[n_x : n_x + model.n_counters].sum()))
    best = _solution(res, n_x)
    if len(mine) == 0:
        return best, None, None
    got = held[mine].copy()
    np.add.at(got, rows[on], model.values[on] * np.round(x[:n_x][on]))
    kept = np.isfinite(cap) and float((np.round(got, 9) / ideal[mine]).min()) >= cap
    if kept and model.terms is None:
        # the cadres outside the model hold the smallest share and this
        # solution keeps everyone in it at least there: t* = cap, and no plan
        # of the first level has more value, so it is optimal on every level
        # (with sequence terms the value level is still to solve)
        return best, cap, cap
    # level 2: the smallest share, the first level kept
    keep_first = coo_matrix(
        np.concatenate(
            [np.zeros(n_x), -np.ones(model.n_counters), np.zeros(n_v - n_x - model.n_counters + 1)]
        )
    )
    a2: Any = vstack([a1, keep_first]).tocsr()
    rhs2 = np.concatenate([rhs1, [-(reached - 0.5)]])
    t_cost = np.zeros(n_v + 1)
    t_cost[-1] = -1.0
    res2 = run(t_cost, a2, rhs2, None if node_limit is None else max(50, node_limit // SHARE_NODES))
    t_bound = _share_bound(res2)
    if res2.x is None:
        return best, None, t_bound
    t_star = float(np.asarray(res2.x)[-1])
    # level 3: total value, the smallest share kept
    keep_t = coo_matrix(np.concatenate([np.zeros(n_v), [-1.0]])[None, :])
    a3: Any = vstack([a2, keep_t]).tocsr()
    rhs3 = np.concatenate([rhs2, [-(t_star - SHARE_TOL)]])
    value_cost = np.concatenate([model.costs(first=False), [0.0]])
    res3 = run(value_cost, a3, rhs3)
    if res3.x is None:
        return _solution(res2, n_x), t_star, t_bound
    out = _solution(res3, n_x)
    optimal = out.optimal and bool(res.status == 0) and bool(res2.status == 0)
    timed_out = any("time limit" in str(r.message).lower() for r in (res, res2, res3))
    return out._replace(optimal=optimal, timed_out=timed_out), t_star, t_bound


def _share_bound(res: Any) -> float | None:
    """Upper bound on ``t`` from a share solve: its optimum, or the MIP's dual bound."""
    if res.status == 0 and res.x is not None:
        return float(np.asarray(res.x)[-1])
    dual = getattr(res, "mip_dual_bound", None)
    if dual is None or not np.isfinite(dual):
        return None
    return float(-dual)


def _solution(res: Any, n_x: int) -> Solution:
    x = np.asarray(res.x)
    return Solution(
        np.flatnonzero(x[:n_x] > 0.5),
        float(-res.fun),
        optimal=bool(res.status == 0),
        timed_out="time limit" in str(res.message).lower(),
    )
