"""Cohesion: the exact integer program over (key set, key) and the cohesive build."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from attrs import frozen

from ._balance import deal

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["cohesive_build"]

_NODE_LIMIT = 200

TeamClass = tuple[list[int], int, frozenset[str] | None]
"""Teams filled alike: their indices, their open places, the keys they may take (a leader's)."""


def cohesive_build(
    team: NDArray[np.int64],
    *,
    movable: NDArray[np.bool_],
    ctype: NDArray[np.int64],
    type_sets: list[frozenset[str]],
    profile: NDArray[np.int64],
    pos_rank: NDArray[np.int64],
    sizes: NDArray[np.int64],
    leader_ids: tuple[str, ...],
    index: Mapping[str, int],
) -> None:
    """Fill ``team`` (in place) with the most cohesive teams possible."""
    k = len(sizes)
    n_lead = len(leader_ids)
    # team classes: each leader team alone, the other teams grouped by size
    classes: list[TeamClass] = []
    for t, lid in enumerate(leader_ids):
        classes.append(([t], int(sizes[t]) - 1, type_sets[int(ctype[index[lid]])]))
    for s in sorted({int(v) for v in sizes[n_lead:]}, reverse=True):
        members = [t for t in range(n_lead, k) if sizes[t] == s]
        classes.append((members, s, None))
    mov_types = Counter(int(v) for v in ctype[movable])
    plan_x, plan_z = _cohesion_program(mov_types, type_sets, classes)

    # which cadres go to which key pool
    idx = np.flatnonzero(movable)
    by_type: dict[int, list[int]] = {}
    for i in idx[np.lexsort((pos_rank[idx], ctype[idx]))]:
        by_type.setdefault(int(ctype[i]), []).append(int(i))
    pools: dict[str, list[int]] = {}
    used: set[int] = set()
    for (tp, key), count in sorted(plan_x.items()):
        take = [i for i in by_type[tp] if i not in used][:count]
        used.update(take)
        pools.setdefault(key, []).extend(take)
    labelled, free = _label_teams(classes, plan_z)
    open_slots = sizes.copy()
    open_slots[:n_lead] -= 1
    for key, teams_k in sorted(labelled.items()):
        pool = np.array(pools.get(key, []), dtype=np.int64)
        pool = pool[np.lexsort((pos_rank[pool], profile[pool]))]
        tk = np.array(teams_k, dtype=np.int64)
        team[pool] = tk[deal(len(pool), open_slots[tk])]
    rest = np.array([i for i in idx if int(i) not in used], dtype=np.int64)
    if rest.size:
        rest = rest[np.lexsort((pos_rank[rest], profile[rest]))]
        fr = np.array(sorted(free), dtype=np.int64)
        team[rest] = fr[deal(len(rest), open_slots[fr])]


def _label_teams(
    classes: list[TeamClass], plan_z: Mapping[tuple[int, str], int]
) -> tuple[dict[str, list[int]], list[int]]:
    """Return key -> the teams labelled with it, and the unlabelled teams."""
    labelled: dict[str, list[int]] = {}
    free: list[int] = []
    for c, (members, _, _) in enumerate(classes):
        at = 0
        for key in sorted({kk for (cc, kk) in plan_z if cc == c}):
            for _ in range(plan_z[c, key]):
                labelled.setdefault(key, []).append(members[at])
                at += 1
        free.extend(members[at:])
    return labelled, free


@frozen(kw_only=True, eq=False)
class _Program:
    """The constraint rows of the cohesion program, shared by both solves."""

    x_vars: list[tuple[int, str]]
    z_vars: list[tuple[int, str]]
    n_keys: int
    matrix: Any
    lb: NDArray[np.float64]
    ub: NDArray[np.float64]
    upper: NDArray[np.float64]


def _build_program(
    type_counts: Mapping[int, int],
    type_sets: list[frozenset[str]],
    classes: list[TeamClass],
) -> _Program | None:
    """Return the program's variables and rows, or ``None`` when no team can be labelled."""
    from scipy.sparse import coo_array  # noqa: PLC0415

    all_keys = sorted(
        {key for tp in type_counts for key in type_sets[tp]}
        | {key for _, _, allowed in classes if allowed is not None for key in allowed}
    )
    key_pos = {key: i for i, key in enumerate(all_keys)}
    x_vars = [(tp, key) for tp in sorted(type_counts) for key in sorted(type_sets[tp])]
    z_vars = [
        (c, key)
        for c, (members, open_, allowed) in enumerate(classes)
        for key in (all_keys if allowed is None else sorted(allowed & set(key_pos)))
        if members and (open_ > 0 or allowed is not None)
    ]
    if not z_vars:
        return None
    n_x, n_z, n_k = len(x_vars), len(z_vars), len(all_keys)
    n_types, n_classes = len(type_counts), len(classes)
    type_row = {tp: r for r, tp in enumerate(sorted(type_counts))}
    key_row = n_types + n_classes  # first pool-balance row; then one "key used" row per key
    used_row = key_row + n_k
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for j, (tp, key) in enumerate(x_vars):
        rows += [type_row[tp], key_row + key_pos[key]]
        cols += [j, j]
        vals += [1.0, 1.0]
    for j, (c, key) in enumerate(z_vars):
        rows += [n_types + c, key_row + key_pos[key], used_row + key_pos[key]]
        cols += [n_x + j] * 3
        vals += [1.0, -float(classes[c][1]), -1.0]
    for r in range(n_k):
        rows.append(used_row + r)
        cols.append(n_x + n_z + r)
        vals.append(1.0)
    lb = np.concatenate([np.zeros(n_types + n_classes + n_k), np.full(n_k, -np.inf)])
    ub = np.concatenate(
        [
            [float(type_counts[tp]) for tp in sorted(type_counts)],
            [float(len(members)) for members, _, _ in classes],
            np.zeros(n_k),
            np.zeros(n_k),
        ]
    )
    upper = np.array(
        [float(type_counts[tp]) for tp, _ in x_vars]
        + [float(len(classes[c][0])) for c, _ in z_vars]
        + [1.0] * n_k
    )
    matrix = coo_array((vals, (rows, cols)), shape=(len(lb), len(upper))).tocsr()
    return _Program(
        x_vars=x_vars, z_vars=z_vars, n_keys=n_k, matrix=matrix, lb=lb, ub=ub, upper=upper
    )


def _cohesion_program(
    type_counts: Mapping[int, int],
    type_sets: list[frozenset[str]],
    classes: list[TeamClass],
) -> tuple[dict[tuple[int, str], int], dict[tuple[int, str], int]]:
    """Solve the cohesion integer program.

    Variables ``x[type, key]``: cadres of a type sent to a key's pool;
    ``z[class, key]``: teams of a class labelled with a key. Maximise the
    labelled teams subject to every pool exactly filling its teams' open
    places, every type sending at most its cadres and every class labelling
    at most its teams (exact). A second solve keeps that many labelled teams
    and maximises the distinct keys used (binary ``w[key] <= sum of
    z[., key]``) within a fixed node limit; if it finds nothing as good, the
    first solution stands.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp  # noqa: PLC0415
    from scipy.sparse import coo_array  # noqa: PLC0415

    program = _build_program(type_counts, type_sets, classes)
    if program is None:
        return {}, {}
    n_x, n_z, n_k = len(program.x_vars), len(program.z_vars), program.n_keys
    n_vars = n_x + n_z + n_k
    rows = LinearConstraint(program.matrix, program.lb, program.ub)
    integrality = np.ones(n_vars, dtype=np.int64)
    bounds = Bounds(np.zeros(n_vars), program.upper)
    # stage 1, exact: the most cohesive teams
    cost = np.concatenate([np.zeros(n_x), -np.ones(n_z), np.zeros(n_k)])
    res = milp(cost, constraints=rows, integrality=integrality, bounds=bounds)
    if res.x is None:  # pragma: no cover - the zero solution is always feasible
        return {}, {}
    best = round(-float(res.fun))
    # stage 2, bounded search: keep that many, use as many distinct keys as found
    keep = coo_array(
        (np.ones(n_z), (np.zeros(n_z, dtype=np.int64), n_x + np.arange(n_z))),
        shape=(1, n_vars),
    ).tocsr()
    second = milp(
        np.concatenate([np.zeros(n_x + n_z), -np.ones(n_k)]),
        constraints=[rows, LinearConstraint(keep, best, np.inf)],
        integrality=integrality,
        bounds=bounds,
        options={"node_limit": _NODE_LIMIT},
    )
    if second.x is not None and round(float(np.rint(second.x[n_x : n_x + n_z]).sum())) == best:
        res = second
    sol = np.rint(res.x).astype(np.int64)
    plan_x = {v: int(sol[j]) for j, v in enumerate(program.x_vars) if sol[j] > 0}
    plan_z = {v: int(sol[n_x + j]) for j, v in enumerate(program.z_vars) if sol[n_x + j] > 0}
    return plan_x, plan_z
