"""The compatibility graph: mentees and mentors scored on explicit criteria.

Pairs are scored in blocks of mentees with numpy (one matrix per
criterion), cut by the hard filters, ``min_weight`` and ``top_k``, and the
kept pairs are added to a fresh ``networkx.Graph`` through its public API.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import networkx as nx
import numpy as np

from cadredev._validate import id_key
from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, Cohort, Mentor, MentorRole, cohort_of

from ._candidates import spread_candidates
from ._contract import EXCLUDED, pair_key
from ._criteria import Criteria

__all__ = ["compatibility_graph"]

_WHERE = "compatibility_graph"
_COHORT_ORDER = {Cohort.YOUNG: 0, Cohort.MIDDLE: 1, Cohort.OLD: 2}
_ROUND = 6
_BLOCK_CELLS = 2_000_000  # mentee-mentor-competency cells scored at once
PREVIOUS_MENTOR = "previous mentor"
"""Why a pair is forbidden under ``Criteria(previous_mentor="forbid")``."""


def compatibility_graph(
    mentees: Iterable[Cadre],
    mentors: Iterable[Mentor],
    *,
    criteria: Criteria | None = None,
    forbid: Iterable[tuple[str, str]] | Mapping[str, str] = (),
    require: Iterable[tuple[str, str]] | Mapping[str, str] = (),
    roles: Iterable[MentorRole | str] | None = None,
) -> nx.Graph[Any]:
    """Build the bipartite compatibility graph of mentees and mentors.

    Parameters
    ----------
    mentees
        The cadres to be mentored (ids must not also be mentor ids).
    mentors
        The mentors.
    criteria
        How pairs are scored and cut; ``Criteria()`` when omitted.
    forbid
        ``(mentee id, mentor id)`` pairs that never get an edge (回避:
        reporting line, kinship). Recorded, with why, in
        ``graph.graph["forbidden"]`` (a mapping pair -> reason), together with
        the previous mentors that ``criteria.previous_mentor="forbid"`` keeps out.
    require
        Pairs that always get an edge (whatever the cut) and that
        :func:`match` keeps pinned. Recorded in ``graph.graph["required"]``.
    roles
        Role-typed slots (三级导师): each mentee gets at most one mentor per
        role. Every mentor's role must be one of them; ``top_k`` then applies
        per role.

    Returns
    -------
    networkx.Graph
        Mentee nodes with ``bipartite=0``, ``capacity=1``, ``unit``, ``grid``,
        ``name`` and (with ``criteria.as_of``) ``cohort``; mentor nodes with
        ``bipartite=1``, ``capacity``, ``role``, ``unit``, ``grid``, ``name``;
        edges with ``weight`` and ``components`` (criterion -> contribution,
        summing to the weight); ``graph.graph["previous"]``, the pairs whose
        mentor is a previous mentor of the mentee; ``graph.graph["without_candidates"]``,
        the mentees left without any candidate mentor (by the filters,
        ``min_weight``, ``forbid`` or the ``top_k`` cut), in id order.

    Raises
    ------
    InvalidInputError
        On records of the wrong type, duplicate ids, an id on both sides,
        unknown ids in ``forbid``/``require``, a pair both forbidden and
        required, or a mentor whose role is not in ``roles``.

    Examples
    --------
    >>> from cadredev import Cadre, Criteria, Mentor, compatibility_graph
    >>> ana = Cadre(id="ana", name="安", birth_year=1995, rank="section", unit="招商局")
    >>> wang = Mentor(id="wang", unit="经发局", capacity=2)
    >>> g = compatibility_graph([ana], [wang], criteria=Criteria(cohort_gap=0.0))
    >>> g.edges["ana", "wang"]["components"]
    {'industries': 0.0, 'gap_cover': 0.0, 'cross_unit': 1.0, 'same_grid': 0.0}
    >>> g.edges["ana", "wang"]["weight"]
    1.0

    .. versionadded:: 0.1
    """
    if criteria is None:
        criteria = Criteria()
    if not isinstance(criteria, Criteria):
        raise InvalidInputError(f"{_WHERE}: criteria must be a Criteria, got {criteria!r}")
    cadres = _check_records(mentees, Cadre, "mentees")
    advisors = _check_records(mentors, Mentor, "mentors")
    mentee_ids = {c.id for c in cadres}
    mentor_ids = {m.id for m in advisors}
    both = sorted(mentee_ids & mentor_ids, key=id_key)
    if both:
        raise InvalidInputError(
            f"{_WHERE}: id {both[0]!r} is both a mentee and a mentor; "
            "a bipartite graph needs distinct ids (leave mentors out of the mentees)"
        )
    forbidden = _check_pairs(forbid, "forbid", mentee_ids, mentor_ids)
    required = _check_pairs(require, "require", mentee_ids, mentor_ids)
    clash = sorted(forbidden & required, key=pair_key)
    if clash:
        raise InvalidInputError(f"{_WHERE}: pair {clash[0]!r} is both forbidden and required")
    role_list = _check_roles(roles, advisors)
    _check_required_load(required, advisors, role_list)

    previous = _previous_pairs(cadres, mentor_ids)
    reasons = dict.fromkeys(sorted(forbidden, key=pair_key), EXCLUDED)
    if criteria.previous_mentor == "forbid":
        # an explicit requirement outranks the rule; 回避 keeps its own reason
        for pair in sorted(previous - required - forbidden, key=pair_key):
            reasons[pair] = PREVIOUS_MENTOR
    graph: nx.Graph[Any] = nx.Graph()
    graph.graph["forbidden"] = reasons
    graph.graph["previous"] = frozenset(previous)
    graph.graph["required"] = tuple(sorted(required, key=pair_key))
    graph.graph["criteria"] = criteria
    if role_list is not None:
        graph.graph["roles"] = role_list
    graph.add_nodes_from(_mentee_nodes(cadres, criteria))
    graph.add_nodes_from(_mentor_nodes(advisors))
    if cadres and advisors:
        graph.add_edges_from(
            _edges(cadres, advisors, criteria, set(reasons), required, role_list, previous)
        )
    graph.graph["without_candidates"] = tuple(c.id for c in cadres if not graph.degree(c.id))
    return graph


# --------------------------------------------------------------------------
# checking the arguments


def _check_records(items: Iterable[Any], cls: type[Any], label: str) -> list[Any]:
    """Return the records sorted by id, after checking their type and that ids are unique."""
    if isinstance(items, str | bytes) or not isinstance(items, Iterable):
        raise InvalidInputError(f"{_WHERE}: {label} must be an iterable of {cls.__name__}")
    out: list[Any] = list(items)
    seen: set[str] = set()
    item: Any
    for item in out:
        if not isinstance(item, cls):
            raise InvalidInputError(
                f"{_WHERE}: {label} must hold {cls.__name__} records, got {item!r}"
            )
        if item.id in seen:
            raise InvalidInputError(f"{_WHERE}: {label} has duplicate id {item.id!r}")
        seen.add(item.id)
    return sorted(out, key=lambda r: id_key(r.id))


def _check_pairs(
    pairs: Any, label: str, mentees: set[str], mentors: set[str]
) -> set[tuple[str, str]]:
    """Return ``pairs`` (a mapping or pairs) as a set of (mentee id, mentor id)."""
    if isinstance(pairs, Mapping):
        pairs = list(pairs.items())
    if isinstance(pairs, str | bytes) or not isinstance(pairs, Iterable):
        raise InvalidInputError(f"{_WHERE}: {label} must be an iterable of (mentee, mentor) pairs")
    out: set[tuple[str, str]] = set()
    for pair in pairs:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise InvalidInputError(
                f"{_WHERE}: {label} pair must be (mentee, mentor), got {pair!r}"
            )
        a, b = pair
        if a not in mentees:
            raise InvalidInputError(f"{_WHERE}: {label} pair {pair!r}: {a!r} is not a mentee")
        if b not in mentors:
            raise InvalidInputError(f"{_WHERE}: {label} pair {pair!r}: {b!r} is not a mentor")
        out.add((a, b))
    return out


def _previous_pairs(cadres: Sequence[Cadre], mentor_ids: set[str]) -> set[tuple[str, str]]:
    """Return the (mentee, mentor) pairs named in the mentees' mentoring histories."""
    return {
        (c.id, ship.mentor_id)
        for c in cadres
        for ship in c.mentorships
        if ship.mentor_id in mentor_ids
    }


def _check_roles(
    roles: Iterable[MentorRole | str] | None, advisors: Sequence[Mentor]
) -> tuple[str, ...] | None:
    """Return the sorted role values, after checking every mentor has one of them."""
    if roles is None:
        return None
    if isinstance(roles, str):
        roles = (roles,)
    role_list = tuple(sorted({MentorRole.parse(r).value for r in roles}))
    for mentor in advisors:
        if mentor.role.value not in role_list:
            raise InvalidInputError(
                f"{_WHERE}: Mentor {mentor.id!r}: role {mentor.role.value!r} is not one of "
                f"the roles {list(role_list)}"
            )
    return role_list


def _check_required_load(
    required: set[tuple[str, str]], advisors: Sequence[Mentor], role_list: tuple[str, ...] | None
) -> None:
    """Check the required pairs fit the mentors' capacities and the mentees' slots."""
    capacity = {a.id: a.capacity for a in advisors}
    role_by_id = {a.id: a.role.value for a in advisors}
    for mentor_id, count in sorted(Counter(b for _, b in required).items()):
        if count > capacity[mentor_id]:
            raise InvalidInputError(
                f"{_WHERE}: require gives mentor {mentor_id!r} {count} mentees, "
                f"over its capacity {capacity[mentor_id]}"
            )
    slots = Counter((a, role_by_id[b] if role_list else None) for a, b in required)
    for (mentee_id, role), count in sorted(slots.items(), key=lambda kv: str(kv[0])):
        if count > 1:
            what = f"for role {role!r}" if role else "(a mentee takes one mentor)"
            raise InvalidInputError(
                f"{_WHERE}: require gives mentee {mentee_id!r} {count} mentors {what}"
            )


# --------------------------------------------------------------------------
# nodes and edges


def _mentee_nodes(
    cadres: Sequence[Cadre], criteria: Criteria
) -> Iterator[tuple[str, dict[str, Any]]]:
    for c in cadres:
        attrs: dict[str, Any] = {
            "bipartite": 0,
            "capacity": 1,
            "unit": c.unit,
            "grid": c.grid,
            "name": c.name,
        }
        if criteria.as_of is not None:
            attrs["cohort"] = c.cohort(as_of=criteria.as_of).value
        yield c.id, attrs


def _mentor_nodes(advisors: Sequence[Mentor]) -> Iterator[tuple[str, dict[str, Any]]]:
    for mentor in advisors:
        yield (
            mentor.id,
            {
                "bipartite": 1,
                "capacity": mentor.capacity,
                "role": mentor.role.value,
                "unit": mentor.unit,
                "grid": mentor.grid,
                "name": mentor.name,
            },
        )


@dataclass(frozen=True)
class Blocks:
    """The mentees scored against every mentor, block by block."""

    cadres: Sequence[Cadre]
    advisors: Sequence[Mentor]
    criteria: Criteria
    forbid_by: Mapping[str, list[int]]
    previous_by: Mapping[str, list[int]]

    @functools.cached_property
    def _names(self) -> tuple[list[str], list[str], int]:
        comp_names = sorted(
            {k for c in self.cadres for k in c.competencies}
            | {k for x in self.advisors for k in x.competencies}
        )
        ind_names = sorted({k for c in self.cadres for k in c.industries})
        m = len(self.advisors)
        chunk = max(1, _BLOCK_CELLS // max(1, m * max(1, len(comp_names))))
        return comp_names, ind_names, chunk

    @property
    def chunk(self) -> int:
        """Mentees scored at once."""
        return self._names[2]

    def score(self, block: Sequence[Cadre]) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
        """Return the contributions, totals and the pairs not cut of ``block`` (mentees)."""
        comp_names, ind_names, _ = self._names
        criteria, m = self.criteria, len(self.advisors)
        was = np.zeros((len(block), m))
        for i, c in enumerate(block):
            was[i, self.previous_by.get(c.id, [])] = 1.0
        comps, mask = _score_block(
            criteria, block, self.advisors, comp_names, ind_names, previous=was
        )
        total = np.zeros((len(block), m))
        for name in criteria.weights():
            total += comps[name]
        if criteria.min_weight is not None:
            mask &= total >= criteria.min_weight
        for i, c in enumerate(block):
            if c.id in self.forbid_by:
                mask[i, self.forbid_by[c.id]] = False
        return comps, total, mask

    def __iter__(
        self,
    ) -> Iterator[tuple[int, Sequence[Cadre], dict[str, np.ndarray], np.ndarray, np.ndarray]]:
        """Yield each block: first row, mentees, contributions, totals and the pairs not cut."""
        for start in range(0, len(self.cadres), self.chunk):
            block = self.cadres[start : start + self.chunk]
            yield (start, block, *self.score(block))


def _by_mentee(
    pairs: Iterable[tuple[str, str]], mentor_pos: Mapping[str, int]
) -> dict[str, list[int]]:
    """Mentee id -> positions of its mentors among the pairs."""
    out: dict[str, list[int]] = defaultdict(list)
    for a, b in pairs:
        out[a].append(mentor_pos[b])
    return out


def _edges(  # noqa: PLR0917  (private: the checked arguments of compatibility_graph)
    cadres: Sequence[Cadre],
    advisors: Sequence[Mentor],
    criteria: Criteria,
    forbidden: set[tuple[str, str]],
    required: set[tuple[str, str]],
    role_list: tuple[str, ...] | None,
    previous: set[tuple[str, str]],
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield the kept pairs as ``(mentee, mentor, {"weight", "components"})``.

    Mentees are scored in blocks; the weight is the sum of the components
    in criterion order, so it equals ``sum(components.values())``. With
    ``top_per_slot`` the blocks are scored twice: once for each mentor's
    best mentees, once for the edges.
    """
    names = list(criteria.weights())
    role_of = np.array(
        [role_list.index(a.role.value) if role_list else 0 for a in advisors], dtype=np.int64
    )
    n_roles = len(role_list) if role_list else 1
    mentor_pos = {a.id: j for j, a in enumerate(advisors)}
    require_by = _by_mentee(required, mentor_pos)
    blocks = Blocks(
        cadres=cadres,
        advisors=advisors,
        criteria=criteria,
        forbid_by=_by_mentee(forbidden, mentor_pos),
        previous_by=_by_mentee(previous, mentor_pos),
    )
    mentor_ids = [a.id for a in advisors]
    best_rows = best_cols = np.zeros(0, dtype=np.int64)
    if criteria.top_k is not None and criteria.top_per_slot is not None:
        slots = [min(a.capacity * criteria.top_per_slot, len(cadres)) for a in advisors]
        best_rows, best_cols = spread_candidates(
            blocks, criteria.top_per_slot * n_roles, np.array(slots, dtype=np.int64)
        )
    for start, block, comps, total, allowed in blocks:
        mask = allowed
        if criteria.top_k is not None:
            mask = allowed & _top_k_per_role(total, allowed, criteria.top_k, role_of, n_roles)
            lo, hi = np.searchsorted(best_rows, [start, start + len(block)])
            mask[best_rows[lo:hi] - start, best_cols[lo:hi]] = True  # cut pairs never get here
        for i, c in enumerate(block):
            if c.id in require_by:
                mask[i, require_by[c.id]] = True
        rows, cols = np.nonzero(mask)
        mentee_ids = [c.id for c in block]
        yield from zip(
            map(mentee_ids.__getitem__, rows.tolist()),
            map(mentor_ids.__getitem__, cols.tolist()),
            _edge_attrs(names, comps, total, rows, cols),
            strict=True,
        )


def _edge_attrs(
    names: list[str],
    comps: Mapping[str, np.ndarray],
    total: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
) -> Iterator[dict[str, Any]]:
    """Return ``{"weight": w, "components": {name: value}}`` for each kept cell.

    The dicts are built by ``map`` over the value columns, without a Python
    loop per edge.
    """
    if names:
        columns = [comps[name][rows, cols].tolist() for name in names]
        parts: Iterator[dict[str, float]] = map(
            dict, map(zip, repeat(names), zip(*columns, strict=True))
        )
    else:
        parts = map(dict, repeat((), len(rows)))
    weights = zip(repeat("weight"), total[rows, cols].tolist())
    return map(dict, zip(weights, zip(repeat("components"), parts), strict=True))


def _top_k_per_role(
    total: np.ndarray, keep: np.ndarray, k: int, role_of: np.ndarray, n_roles: int
) -> np.ndarray:
    """Mask of each row's ``k`` best kept columns within each role."""
    top = np.zeros_like(keep)
    for r in range(n_roles):
        cols = np.nonzero(role_of == r)[0]
        top[:, cols] = _top_k(np.where(keep[:, cols], total[:, cols], -np.inf), k)
    return top


def _top_k(score: np.ndarray, k: int) -> np.ndarray:
    """Mask of the ``k`` best columns per row: score desc, then column (id) order.

    Entries at ``-inf`` are never selected.
    """
    if score.shape[1] <= k:
        return np.asarray(np.isfinite(score), dtype=bool)
    kth = -np.partition(-score, k - 1, axis=1)[:, k - 1 : k]  # the k-th best score per row
    better = score > kth
    ties = score == kth
    need = k - better.sum(axis=1, keepdims=True)
    chosen = better | (ties & (np.cumsum(ties, axis=1) <= need))
    return np.asarray(chosen & np.isfinite(score), dtype=bool)


# --------------------------------------------------------------------------
# scoring a block of mentees against every mentor


def _score_block(
    criteria: Criteria,
    mentees: Sequence[Cadre],
    mentors: Sequence[Mentor],
    comp_names: Sequence[str],
    ind_names: Sequence[str],
    *,
    previous: np.ndarray,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Return the per-criterion contribution matrices (weighted) and the hard-filter mask.

    ``previous`` is 1 where the mentor is a previous mentor of the mentee.
    """
    n, m = len(mentees), len(mentors)
    weights = criteria.weights()
    same_unit, same_grid = _same_unit_and_grid(mentees, mentors)
    mask = np.ones((n, m), dtype=bool)
    if criteria.same_unit_only:
        mask &= same_unit
    if criteria.same_grid_only:
        mask &= same_grid
    levels_a, present, levels_b = _levels(mentees, mentors, comp_names)
    weakest_gap, has_weak = _weakest_gap(levels_a, present, levels_b)
    if criteria.cover_weakest is not None:
        ok = weakest_gap >= criteria.cover_weakest - 1e-12
        mask &= ok | ~has_weak[:, None]

    comps: dict[str, np.ndarray] = {}
    if "industries" in weights:
        comps["industries"] = _industry_share(mentees, mentors, ind_names)
    if "gap_cover" in weights:
        comps["gap_cover"] = _gap_cover(levels_a, present, levels_b)
    if "weakest" in weights:
        comps["weakest"] = np.maximum(weakest_gap, 0.0)
    if "cross_unit" in weights:
        comps["cross_unit"] = (~same_unit).astype(float)
    if "cohort_gap" in weights:
        comps["cohort_gap"] = _cohort_gap(mentees, mentors, criteria.as_of)
    if "same_grid" in weights:
        comps["same_grid"] = same_grid.astype(float)
    if "previous_mentor" in weights:
        comps["previous_mentor"] = previous
    for name, weight in weights.items():
        comps[name] = np.round(comps[name] * weight, _ROUND) + 0.0  # no -0.0
    return comps, mask


def _same_unit_and_grid(
    mentees: Sequence[Cadre], mentors: Sequence[Mentor]
) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the pairs in the same unit and in the same (known) grid."""
    all_units = {c.unit for c in mentees} | {x.unit for x in mentors}
    unit_code = {u: k for k, u in enumerate(sorted(all_units))}
    mentee_units = np.array([unit_code[c.unit] for c in mentees], dtype=np.int64)
    mentor_units = np.array([unit_code[c.unit] for c in mentors], dtype=np.int64)
    same_unit = mentee_units[:, None] == mentor_units[None, :]
    mentee_grid = [c.grid for c in mentees]
    mentor_grid = [c.grid for c in mentors]
    grids = {g: k + 1 for k, g in enumerate(sorted({g for g in mentee_grid + mentor_grid if g}))}
    ga = np.array([grids.get(g, 0) if g else 0 for g in mentee_grid], dtype=np.int64)
    gb = np.array([grids.get(g, -1) if g else -1 for g in mentor_grid], dtype=np.int64)
    return same_unit, ga[:, None] == gb[None, :]


def _levels(
    mentees: Sequence[Cadre], mentors: Sequence[Mentor], comp_names: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Competency levels of the mentees (and which they have) and of the mentors."""
    cidx = {c: k for k, c in enumerate(comp_names)}
    kc = len(comp_names)
    levels_a = np.zeros((len(mentees), kc))
    present = np.zeros((len(mentees), kc), dtype=bool)
    for i, c in enumerate(mentees):
        for name, level in c.competencies.items():
            levels_a[i, cidx[name]] = level
            present[i, cidx[name]] = True
    levels_b = np.zeros((len(mentors), kc))
    for j, mentor in enumerate(mentors):
        for name, level in mentor.competencies.items():
            if name in cidx:
                levels_b[j, cidx[name]] = level
    return levels_a, present, levels_b


def _weakest_gap(
    levels_a: np.ndarray, present: np.ndarray, levels_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mentor level minus mentee level on the mentee's weakest competency (ties by name).

    Also returns which mentees have any competency (0 gap for the others).
    """
    n, kc = present.shape
    has_weak = np.asarray(present.any(axis=1), dtype=bool)
    if not kc:
        return np.zeros((n, len(levels_b))), has_weak
    masked = np.where(present, levels_a, np.inf)
    weak = np.argmin(masked, axis=1)  # columns are in name order: ties by name
    gap = levels_b[:, weak].T - levels_a[np.arange(n), weak][:, None]
    gap[~has_weak] = 0.0
    return gap, has_weak


def _industry_share(
    mentees: Sequence[Cadre], mentors: Sequence[Mentor], ind_names: Sequence[str]
) -> np.ndarray:
    """Share of each mentee's industries that each mentor also knows."""
    iidx = {c: k for k, c in enumerate(ind_names)}
    n, m, ki = len(mentees), len(mentors), len(ind_names)
    ia = np.zeros((n, ki))
    for i, c in enumerate(mentees):
        for name in c.industries:
            ia[i, iidx[name]] = 1.0
    ib = np.zeros((m, ki))
    for j, mentor in enumerate(mentors):
        for name in mentor.industries:
            if name in iidx:
                ib[j, iidx[name]] = 1.0
    count = ia.sum(axis=1)
    share = np.zeros((n, m))
    np.divide(ia @ ib.T, count[:, None], out=share, where=count[:, None] > 0)
    return share


def _gap_cover(levels_a: np.ndarray, present: np.ndarray, levels_b: np.ndarray) -> np.ndarray:
    """Return the mean over each mentee's competencies of how far the mentor's level exceeds it."""
    n, kc = present.shape
    m = len(levels_b)
    # a competency the mentee lacks is left out: at level +inf it adds max(-inf, 0) = 0
    own = np.where(present, levels_a, np.inf).T.copy()
    theirs = levels_b.T.copy()
    total = np.zeros((n, m))
    gap = np.empty((n, m))
    for k in range(kc):
        np.subtract(theirs[k][None, :], own[k][:, None], out=gap)
        total += np.maximum(gap, 0.0, out=gap)
    count = present.sum(axis=1)
    mean = np.zeros((n, m))
    np.divide(total, count[:, None], out=mean, where=count[:, None] > 0)
    return mean


def _cohort_gap(
    mentees: Sequence[Cadre], mentors: Sequence[Mentor], as_of: int | None
) -> np.ndarray:
    """Return how many generations older each mentor is, halved (0 without ``as_of``)."""
    if as_of is None:
        return np.zeros((len(mentees), len(mentors)))
    ca = np.array([_COHORT_ORDER[c.cohort(as_of=as_of)] for c in mentees], dtype=np.float64)
    cb = np.array(
        [
            _COHORT_ORDER[cohort_of(mentor.birth_year, as_of=as_of)]
            if mentor.birth_year is not None and mentor.birth_year <= as_of
            else -9
            for mentor in mentors
        ],
        dtype=np.float64,
    )
    return np.maximum(cb[None, :] - ca[:, None], 0.0) / 2.0
