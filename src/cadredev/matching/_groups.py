"""Group capacities: a second capacity level over groups of mentors (a team, a unit)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numpy as np

from cadredev._validate import id_key, is_int

from ._contract import Problem, bad

__all__ = ["Groups", "check_groups", "solve_grouped_greedy", "solve_grouped_stable"]

_INT64_MAX = 2**63 - 1

Groups = Mapping[Hashable, tuple[int, Iterable[Hashable]]]
"""Group id -> (capacity, its mentor ids)."""


def check_groups(groups: Any, prob: Problem) -> tuple[np.ndarray, np.ndarray] | None:
    """Return each mentor's group position (-1 for none) and each group's capacity.

    Groups come sorted by id. ``None`` for no groups.

    Raises
    ------
    InvalidInputError
        For groups that are not a mapping ``group -> (capacity, mentors)``, a
        capacity that is not an integer in ``[0, 2**63 - 1]``, an id that is
        not a mentor of the graph, or a mentor in two groups.
    """
    if groups is None:
        return None
    if not isinstance(groups, Mapping):
        raise bad(f"groups must be a mapping group -> (capacity, mentors), got {groups!r}")
    b_pos = {v: j for j, v in enumerate(prob.mentors)}
    group_of = np.full(len(prob.mentors), -1, dtype=np.int64)
    names = sorted(groups, key=id_key)
    caps = np.zeros(len(names), dtype=np.int64)
    for k, name in enumerate(names):
        entry = groups[name]
        if not isinstance(entry, tuple | list) or len(entry) != 2:
            raise bad(f"group {name!r} must be (capacity, mentors), got {entry!r}")
        cap, members = entry
        if not is_int(cap) or not 0 <= cap <= _INT64_MAX:
            raise bad(f"group {name!r}: capacity must be an integer in [0, 2**63 - 1], got {cap!r}")
        caps[k] = int(cap)
        if isinstance(members, str | bytes) or not isinstance(members, Iterable):
            raise bad(f"group {name!r}: mentors must be a collection of ids, got {members!r}")
        for v in members:
            j = b_pos.get(v) if isinstance(v, Hashable) else None
            if j is None:
                raise bad(f"group {name!r}: {v!r} is not a mentor of the graph")
            if group_of[j] >= 0 and group_of[j] != k:
                other = names[int(group_of[j])]
                raise bad(f"mentor {v!r} is in two groups: {other!r} and {name!r}")
            group_of[j] = k
    return group_of, caps


def solve_grouped_stable(  # noqa: PLR0917  (private: the arrays of one problem)
    eu: np.ndarray,
    ev: np.ndarray,
    s_a: np.ndarray,
    s_b: np.ndarray,
    cap_a: np.ndarray,
    cap_b: np.ndarray,
    group_of: np.ndarray,
    group_cap: np.ndarray,
) -> np.ndarray:
    """Mentee-proposing deferred acceptance with mentor and group capacities.

    A group (a mentor without one is a group of its own, with its capacity)
    holds the proposals to its mentors it likes best: it goes through them
    by the mentors' scores (``s_b``), ties by mentee then mentor position,
    and keeps each while the mentor and the group have room. That choice is
    substitutable, so the proposals rejected once stay rejected and the
    result is the mentee-optimal stable matching for these choices.
    Returns a mask over the edges (sorted by mentee, then mentor).
    """
    n, m, ne = len(cap_a), len(cap_b), len(eu)
    chosen = np.zeros(ne, dtype=bool)
    own = np.where(group_of >= 0, group_of, len(group_cap) + np.arange(m))
    gcap = np.concatenate((group_cap, cap_b)).tolist()
    # each mentee's list: score desc, then mentor position (a stable sort of (mentee, mentor))
    order = np.lexsort((-s_a, eu))
    lists: list[list[int]] = [[] for _ in range(n)]
    for e in order.tolist():
        lists[int(eu[e])].append(e)
    rank_b = np.empty(ne, dtype=np.int64)
    rank_b[np.lexsort((ev, eu, -s_b))] = np.arange(ne)
    caps_a, caps_b = cap_a.tolist(), cap_b.tolist()
    group_of_mentor = own.tolist()
    held: dict[int, list[int]] = {}
    nxt = [0] * n
    count = [0] * n
    free = [i for i in range(n) if caps_a[i] > 0]
    ev_l, eu_l, rank_l = ev.tolist(), eu.tolist(), rank_b.tolist()
    while free:
        i = free.pop()
        while count[i] < caps_a[i] and nxt[i] < len(lists[i]):
            e = lists[i][nxt[i]]
            nxt[i] += 1
            g = group_of_mentor[ev_l[e]]
            pool = sorted([*held.get(g, []), e], key=rank_l.__getitem__)
            keep: list[int] = []
            load: dict[int, int] = {}
            for x in pool:
                j = ev_l[x]
                if len(keep) < gcap[g] and load.get(j, 0) < caps_b[j]:
                    keep.append(x)
                    load[j] = load.get(j, 0) + 1
            held[g] = keep
            kept = set(keep)
            count[i] += e in kept
            for x in pool:
                if x not in kept and x != e:
                    count[eu_l[x]] -= 1
                    if eu_l[x] != i:
                        free.append(eu_l[x])
    for keep in held.values():
        chosen[keep] = True
    return chosen


def solve_grouped_greedy(  # noqa: PLR0917  (private: the arrays of one problem)
    eu: np.ndarray,
    ev: np.ndarray,
    w: np.ndarray,
    cap_a: np.ndarray,
    cap_b: np.ndarray,
    group_of: np.ndarray,
    group_cap: np.ndarray,
) -> np.ndarray:
    """Pairs by weight, highest first (ties by mentee, then mentor), while all have room."""
    chosen = np.zeros(len(eu), dtype=bool)
    room_a, room_b = cap_a.tolist(), cap_b.tolist()
    room_g = group_cap.tolist()
    group = group_of.tolist()
    for e in np.lexsort((ev, eu, -w)).tolist():
        i, j = int(eu[e]), int(ev[e])
        g = group[j]
        if room_a[i] > 0 and room_b[j] > 0 and (g < 0 or room_g[g] > 0):
            chosen[e] = True
            room_a[i] -= 1
            room_b[j] -= 1
            if g >= 0:
                room_g[g] -= 1
    return chosen
