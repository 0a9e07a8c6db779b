"""Mentor matching over a bipartite networkx graph.

Build a compatibility graph from cadres and mentors with explicit, weighted
criteria (:class:`Criteria`, :func:`compatibility_graph`), then match mentees
to mentors with capacities (:func:`match`): an exact maximum-weight matching,
the mentee-optimal stable matching, or a greedy baseline. The result
(:class:`Matching`) explains itself: why a mentee got a mentor, why not
another one, why someone stayed unmatched.

**Graph contract.** :func:`match` accepts any undirected, simple ``networkx.Graph`` in which

* every mentee node has ``bipartite=0`` and may have ``capacity`` (most
  mentors it takes, default 1);
* every mentor node has ``bipartite=1`` and ``capacity`` (default 1), and in a
  role-typed graph (``graph.graph["roles"]``) a ``role``;
* every edge joins a mentee and a mentor and carries ``weight`` (higher is
  better, default 1); optional ``mentee_score`` / ``mentor_score`` rank the
  pair for one side in the stable method.

Optional graph attributes written by :func:`compatibility_graph` and read by
:func:`match`: ``forbidden`` (pairs that must not be matched, for
explanations), ``required`` (pairs that are always kept) and ``roles``.
Nodes are ordered by ``str(id)`` wherever an order is needed.

.. versionadded:: 0.1
"""

from __future__ import annotations

import contextlib
import functools
import gc
import html
import math
import numbers
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from itertools import chain, compress
from typing import TYPE_CHECKING, Any, Literal, cast

import networkx as nx
import numpy as np
from attrs import field, frozen

from ._frozendict import FrozenDict
from .errors import InvalidInputError, MissingDependencyError
from .io import register
from .model import Cadre, Cohort, Mentor, MentorRole, cohort_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Criteria",
    "MatchDiff",
    "MatchExplanation",
    "MatchSummary",
    "Matching",
    "compatibility_graph",
    "match",
]

Method = Literal["optimal", "stable", "greedy"]
Pair = tuple[Hashable, Hashable]

METHODS: tuple[str, ...] = ("optimal", "stable", "greedy")

# reasons given for unmatched mentees
NO_COMPATIBLE = "no compatible mentor"
ALL_FULL = "all compatible mentors full"
FORBIDDEN = "forbidden: every candidate mentor is excluded (回避)"
NOT_WORTH = "not matched: every remaining pair has negative weight"
NO_CAPACITY = "mentee capacity is 0"

_COHORT_ORDER = {Cohort.YOUNG: 0, Cohort.MIDDLE: 1, Cohort.OLD: 2}
_ROUND = 6


def _key(node: Hashable) -> tuple[str, str]:
    """Sort key for node ids: by ``str``, then ``repr`` to separate ``1`` and ``'1'``."""
    return (str(node), repr(node))


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


# --------------------------------------------------------------------------
# criteria and the compatibility graph


def _weight_field(name: str) -> Any:
    def check(_: object, _attribute: Any, value: Any) -> None:
        if not _is_real(value) or not math.isfinite(float(value)):
            raise InvalidInputError(f"Criteria: {name} must be a finite number, got {value!r}")

    return field(default=1.0, validator=check, converter=_float_or_keep)


def _float_or_keep(value: Any) -> Any:
    return float(value) if _is_real(value) else value


def _check_top_k(_: object, _attribute: Any, value: Any) -> None:
    if value is not None and (not _is_int(value) or value < 1):
        raise InvalidInputError(f"Criteria: top_k must be an integer >= 1 or None, got {value!r}")


def _check_optional_finite(_: object, attribute: Any, value: Any) -> None:
    if value is not None and (not _is_real(value) or not math.isfinite(float(value))):
        raise InvalidInputError(
            f"Criteria: {attribute.name} must be a finite number or None, got {value!r}"
        )


def _check_as_of(_: object, _attribute: Any, value: Any) -> None:
    if value is not None and not _is_int(value):
        raise InvalidInputError(f"Criteria: as_of must be an integer year or None, got {value!r}")


def _check_bool(_: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, bool):
        raise InvalidInputError(f"Criteria: {attribute.name} must be True or False, got {value!r}")


@frozen(kw_only=True)
class Criteria:
    """Explicit, weighted criteria that score a mentee-mentor pair.

    Each criterion gives a contribution in ``[0, 1]`` times its weight; the
    edge ``weight`` is the sum of the contributions (each rounded to six
    decimals). A weight of 0 switches a criterion off.

    Parameters
    ----------
    industries
        Shared industries: the share of the mentee's industries the mentor
        also knows.
    gap_cover
        Competency-gap cover: the mean, over the mentee's competencies, of
        how far the mentor's level exceeds the mentee's (0 where it does not).
    weakest
        The same gap on the mentee's weakest competency only (lowest level,
        ties by name).
    cross_unit
        1 when mentee and mentor are in different units (breaking departmental
        silos).
    cohort_gap
        Mentor older by generation: (mentor cohort - mentee cohort) / 2 with
        young=0, middle=1, old=2, 0 if the mentor is not older. Needs
        ``as_of`` and the mentor's ``birth_year``; otherwise it contributes 0.
    same_grid
        1 when mentee and mentor belong to the same grid.
    as_of
        Reference year for cohorts.
    top_k
        Keep only the ``top_k`` best mentors per mentee (per role with roles),
        ties by mentor id; ``None`` keeps all.
    min_weight
        Drop pairs whose weight is below this; ``None`` keeps all.
    same_grid_only
        Hard filter: pair only mentees and mentors of the same grid.
    same_unit_only
        Hard filter: pair only mentees and mentors of the same unit.
    cover_weakest
        Hard filter: the mentor's level on the mentee's weakest competency
        must be at least the mentee's level plus this margin (mentees without
        competencies pass); ``None`` switches the filter off.

    Examples
    --------
    >>> Criteria(cross_unit=2.0, top_k=5).cross_unit
    2.0
    >>> Criteria(top_k=0)
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: Criteria: top_k must be an integer >= 1 or None, got 0

    .. versionadded:: 0.1
    """

    industries: float = _weight_field("industries")
    gap_cover: float = _weight_field("gap_cover")
    weakest: float = field(default=0.0, validator=_check_optional_finite, converter=_float_or_keep)
    cross_unit: float = _weight_field("cross_unit")
    cohort_gap: float = field(
        default=0.5, validator=_check_optional_finite, converter=_float_or_keep
    )
    same_grid: float = _weight_field("same_grid")
    as_of: int | None = field(default=None, validator=_check_as_of)
    top_k: int | None = field(default=None, validator=_check_top_k)
    min_weight: float | None = field(default=None, validator=_check_optional_finite)
    same_grid_only: bool = field(default=False, validator=_check_bool)
    same_unit_only: bool = field(default=False, validator=_check_bool)
    cover_weakest: float | None = field(default=None, validator=_check_optional_finite)

    def weights(self) -> dict[str, float]:
        """Return the non-zero criterion weights, in a fixed order.

        Examples
        --------
        >>> Criteria(gap_cover=0.0, cohort_gap=0.0).weights()
        {'industries': 1.0, 'cross_unit': 1.0, 'same_grid': 1.0}
        """
        out = {
            "industries": self.industries,
            "gap_cover": self.gap_cover,
            "weakest": self.weakest,
            "cross_unit": self.cross_unit,
            "cohort_gap": self.cohort_gap,
            "same_grid": self.same_grid,
        }
        return {k: v for k, v in out.items() if v != 0.0}


register(Criteria)


def _check_records(items: Iterable[Any], cls: type[Any], label: str) -> list[Any]:
    if isinstance(items, str | bytes) or not isinstance(items, Iterable):
        raise InvalidInputError(
            f"compatibility_graph: {label} must be an iterable of {cls.__name__}"
        )
    out: list[Any] = list(items)
    seen: set[str] = set()
    item: Any
    for item in out:
        if not isinstance(item, cls):
            raise InvalidInputError(
                f"compatibility_graph: {label} must hold {cls.__name__} records, got {item!r}"
            )
        if item.id in seen:
            raise InvalidInputError(f"compatibility_graph: {label} has duplicate id {item.id!r}")
        seen.add(item.id)
    return sorted(out, key=lambda r: r.id)


def _check_pairs(
    pairs: Any, label: str, mentees: set[str], mentors: set[str], where: str
) -> set[tuple[str, str]]:
    if isinstance(pairs, Mapping):
        pairs = list(pairs.items())
    if isinstance(pairs, str | bytes) or not isinstance(pairs, Iterable):
        raise InvalidInputError(f"{where}: {label} must be an iterable of (mentee, mentor) pairs")
    out: set[tuple[str, str]] = set()
    for pair in pairs:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise InvalidInputError(f"{where}: {label} pair must be (mentee, mentor), got {pair!r}")
        a, b = pair
        if a not in mentees:
            raise InvalidInputError(f"{where}: {label} pair {pair!r}: {a!r} is not a mentee")
        if b not in mentors:
            raise InvalidInputError(f"{where}: {label} pair {pair!r}: {b!r} is not a mentor")
        out.add((a, b))
    return out


def _score_block(
    criteria: Criteria,
    mentees: Sequence[Cadre],
    mentors: Sequence[Mentor],
    comp_names: Sequence[str],
    ind_names: Sequence[str],
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Return the per-criterion contribution matrices and the hard-filter mask."""
    n, m = len(mentees), len(mentors)
    cidx = {c: k for k, c in enumerate(comp_names)}
    iidx = {c: k for k, c in enumerate(ind_names)}
    kc, ki = len(comp_names), len(ind_names)
    weights = criteria.weights()
    comps: dict[str, np.ndarray] = {}
    mask = np.ones((n, m), dtype=bool)

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
    same_grid = ga[:, None] == gb[None, :]

    if criteria.same_unit_only:
        mask &= same_unit
    if criteria.same_grid_only:
        mask &= same_grid

    levels_a = np.zeros((n, kc))
    present = np.zeros((n, kc), dtype=bool)
    for i, c in enumerate(mentees):
        for name, level in c.competencies.items():
            levels_a[i, cidx[name]] = level
            present[i, cidx[name]] = True
    levels_b = np.zeros((m, kc))
    for j, mentor in enumerate(mentors):
        for name, level in mentor.competencies.items():
            if name in cidx:
                levels_b[j, cidx[name]] = level

    weakest_gap = np.zeros((n, m))
    has_weak = np.asarray(present.any(axis=1), dtype=bool)
    if kc:
        masked = np.where(present, levels_a, np.inf)
        weak = np.argmin(masked, axis=1)  # columns are in name order: ties by name
        rows = np.arange(n)
        weakest_gap = levels_b[:, weak].T - levels_a[rows, weak][:, None]
        weakest_gap[~has_weak] = 0.0
    if criteria.cover_weakest is not None:
        ok = weakest_gap >= criteria.cover_weakest - 1e-12
        mask &= ok | ~has_weak[:, None]

    if "industries" in weights:
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
        shared = ia @ ib.T
        comps["industries"] = np.divide(
            shared, count[:, None], out=np.zeros((n, m)), where=count[:, None] > 0
        )
    if "gap_cover" in weights:
        total = np.zeros((n, m))
        for k in range(kc):
            gap = levels_b[None, :, k] - levels_a[:, k, None]
            total += np.where(present[:, k, None], np.maximum(gap, 0.0), 0.0)
        count = present.sum(axis=1)
        comps["gap_cover"] = np.divide(
            total, count[:, None], out=np.zeros((n, m)), where=count[:, None] > 0
        )
    if "weakest" in weights:
        comps["weakest"] = np.maximum(weakest_gap, 0.0)
    if "cross_unit" in weights:
        comps["cross_unit"] = (~same_unit).astype(float)
    if "cohort_gap" in weights:
        gap = np.zeros((n, m))
        if criteria.as_of is not None:
            as_of = criteria.as_of
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
            gap = np.maximum(cb[None, :] - ca[:, None], 0.0) / 2.0
        comps["cohort_gap"] = gap
    if "same_grid" in weights:
        comps["same_grid"] = same_grid.astype(float)
    for name, weight in weights.items():
        comps[name] = np.round(comps[name] * weight, _ROUND)
    return comps, mask


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic objects."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
        reporting line, kinship). Recorded in ``graph.graph["forbidden"]``.
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
        summing to the weight).

    Raises
    ------
    InvalidInputError
        On records of the wrong type, duplicate ids, an id on both sides,
        unknown ids in ``forbid``/``require``, a pair both forbidden and
        required, or a mentor whose role is not in ``roles``.

    Examples
    --------
    >>> from cadredev.model import Cadre, Mentor
    >>> ana = Cadre(id="ana", name="安", birth_year=1995, rank="section", unit="招商局")
    >>> wang = Mentor(id="wang", unit="经发局", capacity=2)
    >>> g = compatibility_graph([ana], [wang], criteria=Criteria(cohort_gap=0.0))
    >>> g.edges["ana", "wang"]["components"]
    {'industries': 0.0, 'gap_cover': 0.0, 'cross_unit': 1.0, 'same_grid': 0.0}
    >>> g.edges["ana", "wang"]["weight"]
    1.0

    .. versionadded:: 0.1
    """
    where = "compatibility_graph"
    if criteria is None:
        criteria = Criteria()
    if not isinstance(criteria, Criteria):
        raise InvalidInputError(f"{where}: criteria must be a Criteria, got {criteria!r}")
    cadres = _check_records(mentees, Cadre, "mentees")
    advisors = _check_records(mentors, Mentor, "mentors")
    mentee_ids = {c.id for c in cadres}
    mentor_ids = {m.id for m in advisors}
    both = sorted(mentee_ids & mentor_ids)
    if both:
        raise InvalidInputError(
            f"{where}: id {both[0]!r} is both a mentee and a mentor; "
            "a bipartite graph needs distinct ids (leave mentors out of the mentees)"
        )
    forbidden = _check_pairs(forbid, "forbid", mentee_ids, mentor_ids, where)
    required = _check_pairs(require, "require", mentee_ids, mentor_ids, where)
    clash = sorted(forbidden & required)
    if clash:
        raise InvalidInputError(f"{where}: pair {clash[0]!r} is both forbidden and required")
    role_list: tuple[str, ...] | None = None
    if roles is not None:
        if isinstance(roles, str):
            roles = (roles,)
        role_list = tuple(sorted({MentorRole.parse(r).value for r in roles}))
        for mentor in advisors:
            if mentor.role.value not in role_list:
                raise InvalidInputError(
                    f"{where}: Mentor {mentor.id!r}: role {mentor.role.value!r} is not one of "
                    f"the roles {list(role_list)}"
                )

    capacity = {a.id: a.capacity for a in advisors}
    role_by_id = {a.id: a.role.value for a in advisors}
    for mentor_id, count in sorted(Counter(b for _, b in required).items()):
        if count > capacity[mentor_id]:
            raise InvalidInputError(
                f"{where}: require gives mentor {mentor_id!r} {count} mentees, "
                f"over its capacity {capacity[mentor_id]}"
            )
    slots = Counter((a, role_by_id[b] if role_list else None) for a, b in required)
    for (mentee_id, role), count in sorted(slots.items(), key=lambda kv: str(kv[0])):
        if count > 1:
            what = f"for role {role!r}" if role else "(a mentee takes one mentor)"
            raise InvalidInputError(
                f"{where}: require gives mentee {mentee_id!r} {count} mentors {what}"
            )
    graph: nx.Graph[Any] = nx.Graph()
    graph.graph["forbidden"] = frozenset(forbidden)
    graph.graph["required"] = tuple(sorted(required, key=lambda p: (p[0], p[1])))
    graph.graph["criteria"] = criteria
    if role_list is not None:
        graph.graph["roles"] = role_list
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
        graph.add_node(c.id, **attrs)
    for mentor in advisors:
        graph.add_node(
            mentor.id,
            bipartite=1,
            capacity=mentor.capacity,
            role=mentor.role.value,
            unit=mentor.unit,
            grid=mentor.grid,
            name=mentor.name,
        )
    if not cadres or not advisors:
        return graph

    comp_names = sorted({k for r in (*cadres, *advisors) for k in r.competencies})
    ind_names = sorted({k for c in cadres for k in c.industries})
    names = list(criteria.weights())
    m = len(advisors)
    role_of = np.array(
        [role_list.index(a.role.value) if role_list else 0 for a in advisors], dtype=np.int64
    )
    mentor_pos = {a.id: j for j, a in enumerate(advisors)}
    forbid_by: dict[str, list[int]] = defaultdict(list)
    for a, b in forbidden:
        forbid_by[a].append(mentor_pos[b])
    require_by: dict[str, list[int]] = defaultdict(list)
    for a, b in required:
        require_by[a].append(mentor_pos[b])
    chunk = max(1, 2_000_000 // max(1, m * max(1, len(comp_names))))
    mentor_id_list = [a.id for a in advisors]
    adj = graph._adj  # type: ignore[attr-defined]  # noqa: SLF001
    for start in range(0, len(cadres), chunk):
        block = cadres[start : start + chunk]
        comps, mask = _score_block(criteria, block, advisors, comp_names, ind_names)
        total = np.zeros((len(block), m))
        for name in names:
            total += comps[name]
        keep = mask.copy()
        if criteria.min_weight is not None:
            keep &= total >= criteria.min_weight
        for i, c in enumerate(block):
            if c.id in forbid_by:
                keep[i, forbid_by[c.id]] = False
        if criteria.top_k is not None:
            top = np.zeros_like(keep)
            for r in range(len(role_list) if role_list else 1):
                cols_r = np.nonzero(role_of == r)[0] if role_list else np.arange(m)
                top[:, cols_r] = _top_k(
                    np.where(keep[:, cols_r], total[:, cols_r], -np.inf), criteria.top_k
                )
            keep &= top
        for i, c in enumerate(block):
            if c.id in require_by:
                keep[i, require_by[c.id]] = True
        rows, cols = np.nonzero(keep)
        columns = [comps[name][rows, cols].tolist() for name in names]
        ids_a = [block[i].id for i in rows.tolist()]
        ids_b = [mentor_id_list[j] for j in cols.tolist()]
        parts = zip(*columns, strict=True) if columns else [()] * len(ids_a)
        with _gc_paused():
            # Write the fresh graph's adjacency directly: one attribute dict
            # per edge, shared by both directions, exactly as add_edges_from
            # stores it, without copying each dict.
            # total is summed in criterion order, so it equals sum(components)
            for x, y, weight, vals in zip(
                ids_a, ids_b, total[rows, cols].tolist(), parts, strict=True
            ):
                data = {"weight": weight, "components": dict(zip(names, vals))}  # noqa: B905
                adj[x][y] = data
                adj[y][x] = data
    return graph


# --------------------------------------------------------------------------
# parsing the graph contract


@frozen(kw_only=True)
class _Problem:
    """The graph as canonical arrays (mentees and mentors sorted by id)."""

    mentees: tuple[Hashable, ...]
    mentors: tuple[Hashable, ...]
    mentee_cap: np.ndarray
    mentor_cap: np.ndarray
    eu: np.ndarray
    ev: np.ndarray
    w: np.ndarray
    s_mentee: np.ndarray
    s_mentor: np.ndarray
    mentor_role: tuple[str | None, ...]
    roles: tuple[str, ...] | None
    forbidden: frozenset[Pair]
    required: tuple[Pair, ...]
    mentee_attrs: tuple[Mapping[str, Any], ...]
    mentor_attrs: tuple[Mapping[str, Any], ...]
    edge_data: Sequence[Mapping[str, Any]] = field(eq=False, repr=False)
    edge_order: np.ndarray = field(eq=False, repr=False)


_FAST_NUMBERS = {float, int, np.float64, np.float32, np.int64, np.int32}


def _bad(msg: str) -> InvalidInputError:
    return InvalidInputError(f"match: {msg}")


def _check_capacity(node: Hashable, value: Any) -> int:
    if not _is_int(value) or value < 0:
        raise _bad(f"node {node!r}: capacity must be an integer >= 0, got {value!r}")
    return int(value)


_INT_TYPES = {int, np.int64, np.int32}


def _capacities(ids: Sequence[Hashable], nodes: Mapping[Hashable, Mapping[str, Any]]) -> np.ndarray:
    """Return the nodes' ``capacity`` (default 1) as a validated array."""
    raw = [nodes[x].get("capacity", 1) for x in ids]
    if set(map(type, raw)) <= _INT_TYPES:
        caps = np.array(raw, dtype=np.int64)
        if not len(caps) or int(caps.min()) >= 0:
            return caps
    return np.array([_check_capacity(x, c) for x, c in zip(ids, raw, strict=True)], dtype=np.int64)


def _as_scores(values: list[Any], edges: list[Pair], name: str, default: np.ndarray) -> np.ndarray:
    if all(v is None for v in values):
        return default
    out = default.copy()
    for e, v in enumerate(values):
        if v is None:
            continue
        if not _is_real(v) or not math.isfinite(float(v)):
            raise _bad(f"edge {edges[e]!r}: {name} must be a finite number, got {v!r}")
        out[e] = float(v)
    return out


def _parse(graph: Any) -> _Problem:
    if not isinstance(graph, nx.Graph):
        raise _bad(f"graph must be a networkx.Graph, got {type(graph).__name__}")
    if graph.is_directed():
        raise _bad("graph must be undirected, got a directed graph")
    if graph.is_multigraph():
        raise _bad("graph must be a simple Graph, got a multigraph")
    with _gc_paused():
        return _parse_arrays(graph)


def _sort_ids(ids: list[Hashable]) -> None:
    """Sort node ids in place by :func:`_key` (plain order when all are ``str``)."""
    if all(type(x) is str for x in ids):
        cast("list[str]", ids).sort()  # for str ids the same order as _key
    else:
        ids.sort(key=_key)


def _parse_arrays(graph: nx.Graph[Any]) -> _Problem:
    nodes = graph._node  # type: ignore[attr-defined]  # noqa: SLF001
    sides = [data.get("bipartite") for data in nodes.values()]
    mentees: list[Hashable]
    mentors: list[Hashable]
    if set(map(type, sides)) <= {int} and set(sides) <= {0, 1}:
        mentors = list(compress(nodes, sides))
        mentees = list(compress(nodes, [side == 0 for side in sides]))
    else:
        mentees, mentors = [], []
        for node, side in zip(nodes, sides, strict=True):
            if side is None:
                raise _bad(
                    f"node {node!r}: missing 'bipartite' (expected 0 for mentee, 1 for mentor)"
                )
            if isinstance(side, bool) or side not in (0, 1):
                raise _bad(
                    f"node {node!r}: bipartite must be 0 (mentee) or 1 (mentor), got {side!r}"
                )
            (mentees if side == 0 else mentors).append(node)
    _sort_ids(mentees)
    _sort_ids(mentors)
    mentee_cap = _capacities(mentees, nodes)
    mentor_cap = _capacities(mentors, nodes)
    roles_attr = graph.graph.get("roles")
    roles: tuple[str, ...] | None = None
    if roles_attr:
        roles = tuple(str(r) for r in roles_attr)
        mentor_role: tuple[str | None, ...] = tuple(
            str(nodes[v].get("role")) if nodes[v].get("role") is not None else None for v in mentors
        )
        for v, r in zip(mentors, mentor_role, strict=True):
            if r not in roles:
                raise _bad(f"node {v!r}: role must be one of {list(roles)}, got {r!r}")
    else:
        mentor_role = (None,) * len(mentors)

    midx = {v: j for j, v in enumerate(mentors)}
    # the plain adjacency dicts: far faster than the views on large graphs
    adj = graph._adj  # type: ignore[attr-defined]  # noqa: SLF001
    neighbours = list(map(adj.__getitem__, mentees))
    counts = np.fromiter(map(len, neighbours), dtype=np.int64, count=len(neighbours))
    try:
        ev = np.fromiter(
            map(midx.__getitem__, chain.from_iterable(neighbours)),
            dtype=np.int64,
            count=int(counts.sum()),
        )
    except KeyError:
        for u in mentees:
            for x in adj[u]:
                if x == u:
                    raise _bad(f"edge ({u!r}, {u!r}): self loop") from None
                if x not in midx:
                    raise _bad(
                        f"edge ({u!r}, {x!r}) joins two mentees; edges must join a mentee "
                        "and a mentor"
                    ) from None
    datas: list[Mapping[str, Any]] = list(chain.from_iterable(nbrs.values() for nbrs in neighbours))
    if 2 * len(datas) != sum(map(len, adj.values())):
        for v in mentors:
            for x in adj[v]:
                if x == v:
                    raise _bad(f"edge ({v!r}, {v!r}): self loop")
                if x in midx:
                    raise _bad(
                        f"edge ({v!r}, {x!r}) joins two mentors; edges must join a mentee "
                        "and a mentor"
                    )
    eu = np.repeat(np.arange(len(mentees), dtype=np.int64), counts)
    try:
        raw = [d["weight"] for d in datas]
        weight_only = sum(map(len, datas)) == len(datas)
    except KeyError:
        raw = [d.get("weight", 1.0) for d in datas]
        weight_only = False
    kinds = set(map(type, raw))
    w = np.array(raw, dtype=np.float64) if kinds <= _FAST_NUMBERS else np.zeros(len(raw))
    if not kinds <= _FAST_NUMBERS or not bool(np.isfinite(w).all()):
        for e, x in enumerate(raw):
            if not _is_real(x) or not math.isfinite(float(x)):
                pair = (mentees[int(eu[e])], mentors[int(ev[e])])
                raise _bad(f"edge {pair!r}: weight must be a finite number, got {x!r}")
        w = np.array([float(x) for x in raw], dtype=np.float64)
    # canonical edge order: by mentee, then mentor
    key = eu * max(1, len(mentors)) + ev
    if len(key) and not bool(np.all(key[1:] > key[:-1])):
        order = np.argsort(key)
        eu, ev, w = eu[order], ev[order], w[order]
    else:
        order = np.arange(len(key))
    s_mentee, s_mentor = w, w
    datas_raw = datas
    keys: set[str] = set() if weight_only or not datas else set().union(*datas)
    if "mentee_score" in keys or "mentor_score" in keys:
        datas = [datas[k] for k in order.tolist()]
        pairs = [(mentees[a], mentors[b]) for a, b in zip(eu.tolist(), ev.tolist(), strict=True)]
        s_mentee = _as_scores([d.get("mentee_score") for d in datas], pairs, "mentee_score", w)
        s_mentor = _as_scores([d.get("mentor_score") for d in datas], pairs, "mentor_score", w)
    forbidden = frozenset(graph.graph.get("forbidden", ()))
    required = tuple(graph.graph.get("required", ()))
    return _Problem(
        mentees=tuple(mentees),
        mentors=tuple(mentors),
        mentee_cap=mentee_cap,
        mentor_cap=mentor_cap,
        eu=eu,
        ev=ev,
        w=w,
        s_mentee=s_mentee,
        s_mentor=s_mentor,
        mentor_role=mentor_role,
        roles=roles,
        forbidden=forbidden,
        required=required,
        mentee_attrs=tuple(map(nodes.__getitem__, mentees)),
        mentor_attrs=tuple(map(nodes.__getitem__, mentors)),
        edge_data=datas_raw,
        edge_order=order,
    )


# --------------------------------------------------------------------------
# solvers on arrays: return a boolean mask over the edges


def _solve_greedy(
    eu: np.ndarray, ev: np.ndarray, w: np.ndarray, cap_a: np.ndarray, cap_b: np.ndarray
) -> np.ndarray:
    """Greedy by weight (ties by mentee id, then mentor id) while both have room.

    When both sides rank by the same strict order of the edges, the greedy
    matching is the unique stable matching, so deferred acceptance with the
    weight as both sides' score computes it without a Python loop over edges.
    """
    return _solve_stable(eu, ev, w, w, cap_a, cap_b)


def _score_order(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges by score, best first (ties by position), and a score code.

    ``code`` is a non-negative integer, 0 for the best score, that orders
    the edges opposite to their scores (equal scores share a code). Integer
    scores within a 16-bit range take a linear-time radix sort.
    """
    if len(s) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    top = float(s.max())
    if top - float(s.min()) < 65536 and bool(np.all(s == np.round(s))):
        small = (top - s).astype(np.uint16)  # exact: integral values in range
        return np.argsort(small, kind="stable"), small.astype(np.int64)
    order = np.argsort(-s, kind="stable")
    ranked = s[order]
    code = np.empty(len(s), dtype=np.int64)
    code[order] = np.concatenate(([0], np.cumsum(ranked[1:] != ranked[:-1])))
    return order, code


def _solve_stable(  # noqa: PLR0917  (private: the arrays of one problem)
    eu: np.ndarray,
    ev: np.ndarray,
    s_a: np.ndarray,
    s_b: np.ndarray,
    cap_a: np.ndarray,
    cap_b: np.ndarray,
) -> np.ndarray:
    """Mentee-proposing deferred acceptance with capacities on both sides.

    Proposals are made in rounds (every mentee with a free slot proposes to
    its next choices at once; each mentor keeps its best proposals up to
    capacity). The order of proposals does not change the outcome of
    deferred acceptance, so this is the mentee-optimal stable matching.
    """
    n, ne = len(cap_a), len(eu)
    chosen = np.zeros(ne, dtype=bool)
    if ne == 0:
        return chosen
    # Edges come sorted by (mentee, mentor); a stable sort by score keeps that
    # order among equal scores, so score ranks break ties by id.
    order_a, code_a = _score_order(s_a)
    order_b = order_a if s_b is s_a else _score_order(s_b)[0]
    rank = np.empty(ne, dtype=np.int64)
    rank[order_b] = np.arange(ne)
    # mentee lists: by mentee, score desc, mentor id
    by_a = np.argsort(eu.astype(np.int64) * (int(code_a.max()) + 1) + code_a, kind="stable")
    owner = eu[by_a]
    starts = np.searchsorted(owner, np.arange(n + 1))
    target = ev[by_a].astype(np.int64)
    rank_p = rank[by_a]
    ptr = starts[:-1].copy()
    ends = starts[1:]
    held_a = np.zeros(n, dtype=np.int64)
    caps_b = cap_b.astype(np.int64)
    touched = np.zeros(len(caps_b), dtype=bool)
    hold = np.zeros(0, dtype=np.int64)  # positions currently held
    active = np.flatnonzero((cap_a > 0) & (ptr < ends))
    while len(active):
        want = np.minimum(cap_a[active] - held_a[active], ends[active] - ptr[active])
        if bool(np.all(want == 1)):
            props = ptr[active]
        else:
            reps = np.repeat(ptr[active] - np.cumsum(want) + want, want)
            props = reps + np.arange(int(want.sum()))
        ptr[active] += want
        if len(props) == 0:
            break
        # each touched mentor keeps its best holds and proposals up to capacity
        touched[target[props]] = True
        mine = touched[target[hold]]
        touched[target[props]] = False
        old = hold[mine]
        cand = np.concatenate((old, props))
        cb = target[cand]
        order = np.argsort(cb * ne + rank_p[cand])
        cand, cb = cand[order], cb[order]
        first = np.searchsorted(cb, cb)
        keep = (np.arange(len(cand)) - first) < caps_b[cb]
        was_held = order < len(old)
        gained = cand[keep & ~was_held]
        lost = cand[~keep & was_held]
        np.add.at(held_a, owner[gained], 1)
        np.add.at(held_a, owner[lost], -1)
        hold = np.concatenate((hold[~mine], cand[keep]))
        again = np.unique(np.concatenate((owner[cand[~keep]], active)))
        active = again[(held_a[again] < cap_a[again]) & (ptr[again] < ends[again])]
    chosen[by_a[hold]] = True
    return chosen


def _integer_weights(w: np.ndarray, n_rows: int) -> np.ndarray:
    """Map weights to integers on which double arithmetic is exact."""
    if len(w) == 0:
        return np.zeros(0, dtype=np.int64)
    top = float(np.max(np.abs(w)))
    budget = 2.0**51 / ((n_rows + 2) * (n_rows + 2))
    if np.all(w == np.round(w)) and top <= budget:
        return w.astype(np.int64)
    scale = 2.0 ** math.floor(math.log2(budget / max(top, 1e-300)))
    return np.round(w * min(scale, 2.0**40)).astype(np.int64)


def _solve_optimal(
    eu: np.ndarray, ev: np.ndarray, w: np.ndarray, cap_a: np.ndarray, cap_b: np.ndarray
) -> np.ndarray:
    chosen = np.zeros(len(w), dtype=bool)
    n = len(cap_a)
    use = (w >= 0) & (cap_a[eu] > 0) & (cap_b[ev] > 0)
    if not use.any():
        return chosen
    idx = np.nonzero(use)[0]
    a, b = eu[idx], ev[idx]
    q = _integer_weights(w[idx], n)
    if np.all(cap_a <= 1):
        chosen[idx[_certified_assignment(a, b, q, n, cap_b)]] = True
    else:
        chosen[idx[_flow_lp(a, b, q, cap_a, cap_b)]] = True
    return chosen


# Assignments with at least this many slot entries (edges times usable slots
# of their mentor) are first solved on candidate edges, then certified.
_PRUNE_MIN_SLOT_EDGES = 300_000
_PRUNE_PER_MENTEE = 6  # candidate edges: each mentee's best few ...
_PRUNE_PER_SLOT = 2  # ... and each mentor's best few per usable slot
_PRUNE_ROUNDS = 3
_PRICE_ROUNDS = 5000  # most rounds of relaxation spent on the mentor prices


def _best_per_group(group: np.ndarray, q: np.ndarray, k: np.ndarray, tag: np.ndarray) -> np.ndarray:
    """Mask of the ``k[group]`` highest-``q`` edges of each group.

    Ties go by ``tag`` (small non-negative integers), then by position.
    """
    order = np.argsort(tag.astype(np.uint16), kind="stable")
    top = int(q.max())
    span = top - int(q.min()) + 1
    groups = int(group.max()) + 1
    if groups <= 65536 and span <= 65536:  # linear-time radix sorts
        order = order[np.argsort((top - q[order]).astype(np.uint16), kind="stable")]
        order = order[np.argsort(group[order].astype(np.uint16), kind="stable")]
    elif groups * span < 2**62:
        key = group.astype(np.int64) * span + (top - q)
        order = order[np.argsort(key[order], kind="stable")]
    else:  # the combined key would overflow
        order = order[np.lexsort(((top - q)[order], group[order]))]
    in_order = group[order]
    first = np.searchsorted(in_order, in_order)
    keep = np.zeros(len(q), dtype=bool)
    keep[order[(np.arange(len(order)) - first) < k[in_order]]] = True
    return keep


def _group_max(group: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """``max(0, values)`` per group (0 for empty groups)."""
    out = np.zeros(size, dtype=np.int64)
    if len(group) == 0:
        return out
    if bool(np.all(group[1:] >= group[:-1])):
        starts = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
        out[group[starts]] = np.maximum(np.maximum.reduceat(values, starts), 0)
    else:
        np.maximum.at(out, group, values)
    return out


def _certified_assignment(
    a: np.ndarray, b: np.ndarray, q: np.ndarray, n: int, cap_b: np.ndarray
) -> np.ndarray:
    """Exact b-matching: solve on candidate edges, prove optimality on all edges.

    The assignment (:func:`_assignment`) is solved on candidate edges (each
    mentee's best ones and each mentor's best ones per slot). Mentor prices
    ``v`` are read off the residual graph of that solution by shortest
    paths (:func:`_mentor_prices`); with ``u_a = max(0, max_b gain(a, b) -
    v_b)`` over *all* edges, ``(u, v)`` is feasible for the dual of the
    b-matching linear program, and when its objective equals the solution's
    gain the solution is optimal for the whole problem (weak duality,
    checked in exact integer arithmetic). Otherwise the edges that break the
    bound join the candidates with every edge of their mentees (in later
    rounds also more of each mentee's and mentor's best edges) and the solve
    is repeated; after a few rounds the whole problem is solved directly.
    When there are enough slots, the candidates are first solved without the
    "unmatched" option (a smaller assignment); if that has no solution or
    is not optimal on the candidates, the option comes back.
    """
    m = len(cap_b)
    cap = np.minimum(cap_b, np.bincount(b, minlength=m))
    if int(cap[b].sum()) < _PRUNE_MIN_SLOT_EDGES:
        return _assignment(a, b, q, n, cap_b)
    gain = q.astype(np.int64) * (n + 1) + 1  # as in _assignment
    keep = np.zeros(len(a), dtype=bool)
    # equal weights: candidates by a scrambled order of the pair, not by id,
    # so that the candidates of one mentor are not all the first mentees
    mix = a.astype(np.uint64) * np.uint64(0x9E3779B1) + b.astype(np.uint64) * np.uint64(0x85EBCA77)
    tag = (mix >> np.uint64(16)) & np.uint64(0xFFFF)
    # first try to match every mentee (no "unmatched" option: a smaller
    # assignment); when that is impossible or not optimal, allow it again
    everyone = int(cap.sum()) >= n
    grow = 0
    while grow < _PRUNE_ROUNDS:
        widen = max(grow - 1, 0)
        keep |= _best_per_group(a, q, np.full(n, _PRUNE_PER_MENTEE << widen), tag)
        keep |= _best_per_group(b, q, (_PRUNE_PER_SLOT << widen) * cap, tag)
        sub = np.flatnonzero(keep)
        if everyone and not bool(np.bincount(a[sub], minlength=n).all()):
            everyone = False
        try:
            local = _assignment(a[sub], b[sub], q[sub], n, cap_b, everyone=everyone)
        except ValueError:  # no candidate matching covers every mentee
            everyone = False
            continue
        x = np.zeros(len(sub), dtype=bool)
        x[local] = True
        prices = _mentor_prices(a[sub], b[sub], gain[sub], x, n, cap)
        if prices is None:
            if everyone:  # not optimal once some mentee may stay unmatched
                everyone = False
                continue
            break  # paths too long: solve the whole problem
        slack = gain - prices[b]
        bound = _group_max(a[sub], slack[sub], n)  # the dual on the candidates
        on_all = _group_max(a, slack, n)  # and on all edges
        primal = sum(gain[sub[local]].tolist())
        rent = sum((cap * prices).tolist())
        if sum(on_all.tolist()) + rent == primal:
            return np.asarray(sub[local], dtype=np.int64)
        if sum(bound.tolist()) + rent != primal:  # not optimal on the candidates
            if everyone:  # ... because every mentee was matched
                everyone = False
                continue
            break  # pragma: no cover - the prices of an optimal solve certify it
        broken = slack > bound[a]  # the edges the candidates' prices undervalue
        # add them with every edge of their mentees; grow the candidates
        # further only when that did not do
        keep |= broken | np.isin(a, a[broken])
        grow += 1
    return _assignment(a, b, q, n, cap_b)


def _mentor_prices(  # noqa: PLR0917  (private: the arrays of one problem)
    a: np.ndarray, b: np.ndarray, gain: np.ndarray, x: np.ndarray, n: int, cap: np.ndarray
) -> np.ndarray | None:
    """Optimal dual prices of the mentors for the matching ``x`` (a mask over the edges).

    Shortest distances ``d`` from the source in the residual graph of the
    flow source -> mentee -> mentor -> source (unit arcs, edge cost
    ``-gain``, mentor arcs of capacity ``cap``) give ``v_b = -d(b)``;
    mentors unreachable or with a negative value get 0. Arcs back into the
    source are left out: they never shorten a path from it, and without
    them a matching that is optimal among those covering a fixed set of
    mentees has no negative cycle either. Distances are found by rounds of
    vectorised Bellman-Ford relaxation over the nodes that changed. Returns
    ``None`` if a negative cycle shows (``x`` is not optimal even with the
    matched mentees fixed) or the distances take more than
    ``_PRICE_ROUNDS`` rounds to settle (very long shortest paths: the caller
    then solves the whole problem instead).
    """
    m = len(cap)
    src = n + m
    size = n + m + 1
    matched = np.zeros(n, dtype=bool)
    matched[a[x]] = True
    load = np.bincount(b[x], minlength=m)
    free_a = np.flatnonzero(~matched)
    used_b = np.flatnonzero(load > 0)
    tails = np.concatenate((a[~x], n + b[x], np.full(len(free_a), src), np.full(len(used_b), src)))
    heads = np.concatenate((n + b[~x], a[x], free_a, n + used_b))
    costs = np.concatenate((-gain[~x], gain[x], np.zeros(len(tails) - len(a), dtype=np.int64)))
    order = np.argsort(tails, kind="stable")
    heads, costs = heads[order], costs[order]
    indptr = np.searchsorted(tails[order], np.arange(size + 1))
    far = np.iinfo(np.int64).max // 4
    dist = np.full(size, far, dtype=np.int64)
    dist[src] = 0
    front = np.array([src], dtype=np.int64)
    for _ in range(min(size + 1, _PRICE_ROUNDS)):
        if not len(front):
            break
        lo = indptr[front]
        count = indptr[front + 1] - lo
        arcs = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
        reach = np.repeat(dist[front], count) + costs[arcs]
        head = heads[arcs]
        better = reach < dist[head]
        head = head[better]
        np.minimum.at(dist, head, reach[better])
        front = np.unique(head)
    else:  # a negative cycle, or paths too long to be worth following
        return None
    mentor = dist[n : n + m]
    return np.where(mentor < far, np.maximum(-mentor, 0), 0)


def _assignment(
    a: np.ndarray,
    b: np.ndarray,
    q: np.ndarray,
    n: int,
    cap_b: np.ndarray,
    *,
    everyone: bool = False,
) -> np.ndarray:
    """Exact b-matching by a sparse rectangular assignment on mentor slots.

    Each mentor becomes ``min(capacity, degree)`` slots and each mentee also
    gets a private "unmatched" column, so a full matching of the mentee rows
    always exists. The cost ``big - (q * (n + 1) + 1)`` of a pair makes the
    total cost ``n * big - (n + 1) * weight - matched``: minimising it gives
    maximum weight first, then most matched mentees.

    With ``everyone`` there are no private columns: the best matching that
    matches every mentee, or ``ValueError`` when there is none.
    """
    from scipy.sparse import csr_array  # noqa: PLC0415
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching  # noqa: PLC0415

    m = len(cap_b)
    deg = np.bincount(b, minlength=m)
    slots = np.minimum(cap_b, deg)
    offset = np.concatenate(([0], np.cumsum(slots)))
    n_slots = int(offset[-1])
    rep = slots[b]
    edge_of = np.repeat(np.arange(len(a)), rep)
    within = np.arange(int(rep.sum())) - np.repeat(np.cumsum(rep) - rep, rep)
    cols = offset[b][edge_of] + within
    gain = q.astype(np.float64) * (n + 1) + 1.0
    big = float(gain.max()) + 1.0
    private = 0 if everyone else n
    data = np.concatenate((big - gain[edge_of] + 1.0, np.full(private, big + 1.0)))
    rows = np.concatenate((a[edge_of], np.arange(private)))
    cols = np.concatenate((cols, n_slots + np.arange(private)))
    matrix = csr_array((data, (rows, cols)), shape=(n, n_slots + private))
    row_ind, col_ind = min_weight_full_bipartite_matching(matrix)
    real = col_ind < n_slots
    r, c = row_ind[real], col_ind[real]
    mentor = np.searchsorted(offset, c, side="right") - 1
    # map (mentee, mentor) back to edge positions (edges are unique pairs)
    key = a.astype(np.int64) * m + b
    order = np.argsort(key, kind="stable")
    found = order[np.searchsorted(key[order], r.astype(np.int64) * m + mentor)]
    return np.asarray(found, dtype=np.int64)


def _flow_lp(
    a: np.ndarray, b: np.ndarray, q: np.ndarray, cap_a: np.ndarray, cap_b: np.ndarray
) -> np.ndarray:
    """Exact b-matching with capacities on both sides through HiGHS.

    The constraint matrix of a bipartite b-matching is totally unimodular, so
    the simplex method's vertex solution is integral.
    """
    from scipy.optimize import linprog  # noqa: PLC0415
    from scipy.sparse import coo_array, vstack  # noqa: PLC0415

    ne = len(a)
    n, m = len(cap_a), len(cap_b)
    cols = np.arange(ne)
    ones = np.ones(ne)
    a_ub = vstack(
        (coo_array((ones, (a, cols)), shape=(n, ne)), coo_array((ones, (b, cols)), shape=(m, ne)))
    ).tocsr()
    rhs = np.concatenate((cap_a, cap_b)).astype(np.float64)
    gain = q.astype(np.float64) * (ne + 1) + 1.0
    res = linprog(  # type: ignore[call-overload]
        -gain, A_ub=a_ub, b_ub=rhs, bounds=(0.0, 1.0), method="highs-ds"
    )
    if res.x is None:  # pragma: no cover - the problem is always feasible (x = 0)
        return np.zeros(0, dtype=np.int64)
    return np.nonzero(res.x > 0.5)[0]


# --------------------------------------------------------------------------
# results


@frozen(kw_only=True)
class MatchExplanation:
    """Why a mentee got its mentor(s), or none.

    Parameters
    ----------
    mentee
        The mentee id.
    mentors
        The chosen mentor ids (empty when unmatched).
    weight
        Total weight of the chosen pairs.
    components
        Criterion -> contribution for each chosen mentor (when the edges
        carry ``components``).
    alternatives
        The best other candidates, as ``(mentor, weight, why not)``.
    forbidden
        Mentors excluded for this mentee (回避).
    reason
        For an unmatched mentee, why; empty otherwise.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([("ana", "wang", {"weight": 2.0}), ("ana", "li", {"weight": 1.0})])
    >>> nx.set_node_attributes(g, {"ana": 0, "wang": 1, "li": 1}, "bipartite")
    >>> ex = match(g).explain("ana")
    >>> ex.mentors, ex.alternatives
    (('wang',), (('li', 1.0, 'lower weight (1 < 2)'),))

    .. versionadded:: 0.1
    """

    mentee: Hashable
    mentors: tuple[Hashable, ...]
    weight: float
    components: FrozenDict[Hashable, FrozenDict[str, float]]
    alternatives: tuple[tuple[Hashable, float, str], ...]
    forbidden: tuple[Hashable, ...]
    reason: str

    def __str__(self) -> str:
        if self.mentors:
            head = f"{self.mentee} -> {', '.join(map(str, self.mentors))} (weight {self.weight:g})"
        else:
            head = f"{self.mentee}: unmatched ({self.reason})"
        lines = [head]
        for mentor, parts in self.components.items():
            text = ", ".join(f"{k} {v:g}" for k, v in parts.items())
            lines.append(f"  {mentor}: {text}")
        lines.extend(f"  not {v} ({w:g}): {why}" for v, w, why in self.alternatives)
        if self.forbidden:
            lines.append(f"  forbidden: {', '.join(map(str, self.forbidden))}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return _html_lines(f"Explanation for {self.mentee}", str(self))


def _html_lines(title: str, text: str) -> str:
    return f"<p>{html.escape(title)}</p><pre>{html.escape(text)}</pre>"


@frozen(kw_only=True)
class MatchSummary:
    """Figures that describe a matching.

    Parameters
    ----------
    n_mentees, n_matched, n_pairs
        Mentees in the graph, mentees with at least one mentor, pairs.
    total_weight
        Sum of the chosen pairs' weights.
    cross_unit_share
        Share of pairs whose mentee and mentor units differ (pairs with both
        units known); ``None`` when no pair has unit information.
    loads
        Mentor id -> (mentees, capacity).
    units, cohorts
        Mentor id -> unit (or cohort) of its mentees -> count.
    rank_profile
        Position of the chosen mentor in the mentee's own list by weight
        (1 = best) -> number of pairs.
    worst_off
        The matched mentee with the lowest pair weight (ties by id), or ``None``.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([("ana", "wang")])
    >>> nx.set_node_attributes(g, {"ana": 0, "wang": 1}, "bipartite")
    >>> match(g).summary().n_matched
    1

    .. versionadded:: 0.1
    """

    n_mentees: int
    n_matched: int
    n_pairs: int
    total_weight: float
    cross_unit_share: float | None
    loads: FrozenDict[Hashable, tuple[int, int]]
    units: FrozenDict[Hashable, FrozenDict[str, int]]
    cohorts: FrozenDict[Hashable, FrozenDict[str, int]]
    rank_profile: FrozenDict[int, int]
    worst_off: Hashable | None

    def __str__(self) -> str:
        share = "n/a" if self.cross_unit_share is None else f"{100 * self.cross_unit_share:.0f}%"
        lines = [
            (
                f"{self.n_matched}/{self.n_mentees} mentees matched, {self.n_pairs} pairs, "
                f"total weight {self.total_weight:g}, cross-unit {share}, "
                f"worst off {self.worst_off}"
            ),
            "rank profile: " + ", ".join(f"#{r}: {k}" for r, k in self.rank_profile.items()),
        ]
        for mentor, (load, cap) in self.loads.items():
            mix = ", ".join(f"{u} {k}" for u, k in self.units.get(mentor, FrozenDict()).items())
            lines.append(f"  {mentor}: {load}/{cap}  {mix}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return _html_lines("Matching summary", str(self))


@frozen(kw_only=True)
class MatchDiff:
    """What changed between two matchings.

    Parameters
    ----------
    added
        Pairs in the new matching only.
    removed
        Pairs in the old matching only.
    moved
        Mentees whose mentors changed.
    kept
        Number of pairs in both.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([("ana", "wang"), ("ana", "li")])
    >>> nx.set_node_attributes(g, {"ana": 0, "wang": 1, "li": 1}, "bipartite")
    >>> a = match(g)
    >>> b = match(g, pinned={"ana": "wang"})
    >>> a.diff(b).moved
    ('ana',)

    .. versionadded:: 0.1
    """

    added: tuple[Pair, ...]
    removed: tuple[Pair, ...]
    moved: tuple[Hashable, ...]
    kept: int

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


@frozen(kw_only=True)
class _Context:
    """What a matching needs to explain itself (not part of equality)."""

    problem: _Problem
    chosen: np.ndarray


@frozen(kw_only=True)
class Matching:
    """A many-to-one (or many-to-many) matching of mentees to mentors.

    Parameters
    ----------
    method
        ``"optimal"``, ``"stable"`` or ``"greedy"``.
    assignments
        All chosen ``(mentee, mentor)`` pairs, sorted by id.
    unmatched
        Mentee id -> reason, for mentees without any mentor.
    total_weight
        Sum of the chosen pairs' weights.
    role
        The role this matching covers in a role-typed graph, else ``None``.
    by_role
        Role -> :class:`Matching` of that role (empty without roles).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([("ana", "wang", {"weight": 2.0}), ("bo", "wang", {"weight": 1.0})])
    >>> nx.set_node_attributes(g, {"ana": 0, "bo": 0, "wang": 1}, "bipartite")
    >>> result = match(g)
    >>> result.pairs
    FrozenDict({'ana': 'wang'})
    >>> dict(result.unmatched)
    {'bo': 'all compatible mentors full'}
    >>> result.mentees_of("wang")
    ('ana',)

    .. versionadded:: 0.1
    """

    method: str
    assignments: tuple[Pair, ...]
    unmatched: FrozenDict[Hashable, str]
    total_weight: float
    role: str | None = None
    by_role: FrozenDict[str, Matching] = field(factory=FrozenDict)
    _context: _Context | None = field(default=None, eq=False, repr=False, alias="context")

    @functools.cached_property
    def pairs(self) -> FrozenDict[Hashable, Any]:
        """Mentee id -> mentor id, sorted by mentee.

        A mentee with several mentors (role-typed slots, mentee capacity > 1)
        maps to the sorted tuple of their ids.
        """
        grouped: dict[Hashable, list[Hashable]] = defaultdict(list)
        for a, b in self.assignments:
            grouped[a].append(b)
        return FrozenDict(
            {a: (bs[0] if len(bs) == 1 else tuple(bs)) for a, bs in _sorted_items(grouped)}
        )

    def mentees_of(self, mentor: Hashable) -> tuple[Hashable, ...]:
        """Return the mentees matched to ``mentor``, sorted by id."""
        return tuple(a for a, b in self.assignments if b == mentor)

    def mentors_of(self, mentee: Hashable) -> tuple[Hashable, ...]:
        """Return the mentors matched to ``mentee``, sorted by id."""
        return tuple(b for a, b in self.assignments if a == mentee)

    def _problem(self) -> _Problem:
        if self._context is None:  # pragma: no cover - match always sets it
            raise InvalidInputError("Matching: built without a graph; use match()")
        return self._context.problem

    def explain(self, mentee: Hashable, *, alternatives: int = 3) -> MatchExplanation:
        """Explain the mentee's pair(s): contributions, best alternatives and why not.

        Raises
        ------
        InvalidInputError
            If ``mentee`` is not a mentee of the graph.
        """
        if self._context is None:  # pragma: no cover
            raise InvalidInputError("Matching: built without a graph; use match()")
        prob, chosen = self._context.problem, self._context.chosen
        try:
            i = prob.mentees.index(mentee)
        except ValueError:
            raise InvalidInputError(f"Matching.explain: {mentee!r} is not a mentee") from None
        lo, hi = np.searchsorted(prob.eu, [i, i + 1])
        edges = [
            e
            for e in range(int(lo), int(hi))
            if self.role is None or prob.mentor_role[int(prob.ev[e])] == self.role
        ]
        own = [e for e in edges if chosen[e]]
        mine = [prob.mentors[int(prob.ev[e])] for e in own]
        weight = float(sum(float(prob.w[e]) for e in own))
        comps: dict[Hashable, FrozenDict[str, float]] = {}
        for e in own:
            v = prob.mentors[int(prob.ev[e])]
            parts = _edge_components(prob, e)
            comps[v] = FrozenDict(parts if parts is not None else {"weight": float(prob.w[e])})
        load = np.bincount(prob.ev[chosen], minlength=len(prob.mentors))
        worst = min((float(prob.w[e]) for e in own), default=None)
        others = sorted(
            (e for e in edges if not chosen[e]),
            key=lambda e: (-float(prob.w[e]), _key(prob.mentors[int(prob.ev[e])])),
        )[:alternatives]
        alts: list[tuple[Hashable, float, str]] = []
        for e in others:
            j = int(prob.ev[e])
            we = float(prob.w[e])
            full = load[j] >= prob.mentor_cap[j]
            if worst is not None and we < worst:
                why = f"lower weight ({we:g} < {worst:g})"
            elif full:
                why = f"full (capacity {int(prob.mentor_cap[j])})"
            elif worst is not None and we == worst:
                why = "equal weight; tie broken by id"
            elif self.method == "stable":
                why = "ranked lower by the mentee's own scores"
            elif we < 0:
                why = f"negative weight ({we:g})"
            else:
                why = "not chosen by the method"
            alts.append((prob.mentors[j], we, why))
        banned = tuple(
            sorted(
                (
                    b
                    for a, b in prob.forbidden
                    if a == mentee and (self.role is None or _role_of(prob, b) == self.role)
                ),
                key=_key,
            )
        )
        return MatchExplanation(
            mentee=mentee,
            mentors=tuple(mine),
            weight=weight,
            components=FrozenDict(comps),
            alternatives=tuple(alts),
            forbidden=banned,
            reason=self.unmatched.get(mentee, ""),
        )

    def blocking_pairs(self, graph: nx.Graph[Any]) -> tuple[Pair, ...]:
        """Return the pairs of ``graph`` that would both rather be together.

        A pair ``(a, b)`` not in the matching blocks it when ``a`` has a free
        slot or strictly prefers ``b`` to one of its mentors (of ``b``'s role
        in a role-typed graph), and ``b`` has a free slot or strictly prefers
        ``a`` to one of its mentees. Preferences follow ``mentee_score`` /
        ``mentor_score`` where present, else ``weight``. Empty for a stable
        matching.
        """
        prob = _parse(graph)
        held = set(self.assignments)
        ne = len(prob.eu)
        mentees, mentors = prob.mentees, prob.mentors
        in_m = (
            np.array(
                [
                    (mentees[int(a)], mentors[int(b)]) in held
                    for a, b in zip(prob.eu, prob.ev, strict=True)
                ],
                dtype=bool,
            )
            if ne
            else np.zeros(0, dtype=bool)
        )
        roles = prob.mentor_role
        # worst current score and load per mentee (per role) and per mentor
        a_worst: dict[tuple[int, str | None], float] = {}
        a_load: Counter[tuple[int, str | None]] = Counter()
        b_worst: dict[int, float] = {}
        b_load: Counter[int] = Counter()
        for e in np.nonzero(in_m)[0].tolist():
            a, b = int(prob.eu[e]), int(prob.ev[e])
            key = (a, roles[b])
            a_load[key] += 1
            a_worst[key] = min(a_worst.get(key, math.inf), float(prob.s_mentee[e]))
            b_load[b] += 1
            b_worst[b] = min(b_worst.get(b, math.inf), float(prob.s_mentor[e]))
        out: list[Pair] = []
        for e in np.nonzero(~in_m)[0].tolist():
            a, b = int(prob.eu[e]), int(prob.ev[e])
            key = (a, roles[b])
            cap_a = 1 if roles[b] is not None else int(prob.mentee_cap[a])
            a_wants = a_load[key] < cap_a or float(prob.s_mentee[e]) > a_worst.get(key, math.inf)
            b_wants = b_load[b] < prob.mentor_cap[b] or float(prob.s_mentor[e]) > b_worst.get(
                b, math.inf
            )
            if cap_a > 0 and prob.mentor_cap[b] > 0 and a_wants and b_wants:
                out.append((mentees[a], mentors[b]))
        return tuple(sorted(out, key=lambda p: (_key(p[0]), _key(p[1]))))

    def summary(self) -> MatchSummary:
        """Return loads, unit and cohort mix per mentor, cross-unit share, rank profile."""
        prob = self._problem()
        chosen = self._context.chosen if self._context is not None else np.zeros(0, dtype=bool)
        loads: dict[Hashable, tuple[int, int]] = {}
        load = np.bincount(prob.ev[chosen], minlength=len(prob.mentors))
        for j, v in enumerate(prob.mentors):
            loads[v] = (int(load[j]), int(prob.mentor_cap[j]))
        units: dict[Hashable, Counter[str]] = defaultdict(Counter)
        cohorts: dict[Hashable, Counter[str]] = defaultdict(Counter)
        cross = known = 0
        # rank of each edge in its mentee's list by weight (1 = best), ties share the rank
        ranks = np.zeros(len(prob.eu), dtype=np.int64)
        if len(prob.eu):
            order = np.lexsort((-prob.w, prob.eu))
            first = np.searchsorted(prob.eu[order], prob.eu[order])
            sw = prob.w[order]
            pos = np.arange(len(order))
            new = np.ones(len(order), dtype=bool)
            new[1:] = (sw[1:] != sw[:-1]) | (prob.eu[order][1:] != prob.eu[order][:-1])
            start = np.maximum.accumulate(np.where(new, pos, 0))
            ranks[order] = start - first + 1
        profile: Counter[int] = Counter()
        worst: tuple[float, tuple[str, str], Hashable] | None = None
        for e in np.nonzero(chosen)[0].tolist():
            a, b = int(prob.eu[e]), int(prob.ev[e])
            ua = prob.mentee_attrs[a].get("unit")
            ub = prob.mentor_attrs[b].get("unit")
            v = prob.mentors[b]
            units[v][str(ua) if ua is not None else "?"] += 1
            ca = prob.mentee_attrs[a].get("cohort")
            cohorts[v][str(ca) if ca is not None else "?"] += 1
            if ua is not None and ub is not None:
                known += 1
                cross += ua != ub
            profile[int(ranks[e])] += 1
            cand = (float(prob.w[e]), _key(prob.mentees[a]), prob.mentees[a])
            if worst is None or cand[:2] < worst[:2]:
                worst = cand
        matched = {a for a, _ in self.assignments}
        return MatchSummary(
            n_mentees=len(prob.mentees),
            n_matched=len(matched),
            n_pairs=len(self.assignments),
            total_weight=self.total_weight,
            cross_unit_share=(cross / known) if known else None,
            loads=FrozenDict(loads),
            units=FrozenDict({k: FrozenDict(dict(c)) for k, c in units.items()}),
            cohorts=FrozenDict({k: FrozenDict(dict(c)) for k, c in cohorts.items()}),
            rank_profile=FrozenDict(dict(profile)),
            worst_off=worst[2] if worst is not None else None,
        )

    def diff(self, other: Matching) -> MatchDiff:
        """Return what moved from this matching to ``other``.

        Raises
        ------
        InvalidInputError
            If ``other`` is not a :class:`Matching`.
        """
        if not isinstance(other, Matching):
            raise InvalidInputError(f"Matching.diff: other must be a Matching, got {other!r}")
        old, new = set(self.assignments), set(other.assignments)

        def order(pairs: set[Pair]) -> tuple[Pair, ...]:
            return tuple(sorted(pairs, key=lambda p: (_key(p[0]), _key(p[1]))))

        moved = {a for a, _ in old ^ new}
        return MatchDiff(
            added=order(new - old),
            removed=order(old - new),
            moved=tuple(sorted(moved, key=_key)),
            kept=len(old & new),
        )

    def to_pandas(self) -> pd.DataFrame:
        """Return one row per pair and per unmatched mentee.

        Columns: ``mentee``, ``mentor`` (``None`` when unmatched), ``weight``,
        ``reason``.

        Raises
        ------
        MissingDependencyError
            If pandas is not installed.
        """
        try:
            import pandas as pd  # noqa: PLC0415
        except ImportError as exc:
            raise MissingDependencyError(
                "Matching.to_pandas needs pandas: pip install 'cadredev[pandas]'"
            ) from exc
        weights = self._pair_weights()
        rows: list[dict[str, Any]] = [
            {"mentee": a, "mentor": b, "weight": weights.get((a, b), 0.0), "reason": ""}
            for a, b in self.assignments
        ]
        rows += [
            {"mentee": a, "mentor": None, "weight": 0.0, "reason": why}
            for a, why in self.unmatched.items()
        ]
        return pd.DataFrame(rows, columns=["mentee", "mentor", "weight", "reason"])

    def _pair_weights(self) -> dict[Pair, float]:
        if self._context is None:  # pragma: no cover
            return {}
        prob, chosen = self._context.problem, self._context.chosen
        return {
            (prob.mentees[int(prob.eu[e])], prob.mentors[int(prob.ev[e])]): float(prob.w[e])
            for e in np.nonzero(chosen)[0].tolist()
        }

    def __len__(self) -> int:
        return len(self.assignments)

    def _repr_html_(self) -> str:
        weights = self._pair_weights()
        esc = html.escape
        head = (
            f"<p>Matching ({esc(self.method)}{', role ' + esc(self.role) if self.role else ''}): "
            f"{len(self.assignments)} pairs, {len(self.unmatched)} unmatched, "
            f"total weight {self.total_weight:g}</p>"
        )
        rows = [
            f"<tr><td>{esc(str(a))}</td><td>{esc(str(b))}</td>"
            f"<td>{weights.get((a, b), 0.0):g}</td><td></td></tr>"
            for a, b in self.assignments[:200]
        ]
        rows += [
            f"<tr><td>{esc(str(a))}</td><td></td><td></td><td>{esc(why)}</td></tr>"
            for a, why in list(self.unmatched.items())[:200]
        ]
        return (
            head
            + "<table><thead><tr><th>mentee</th><th>mentor</th><th>weight</th><th>reason</th>"
            + "</tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )


def _sorted_items(d: Mapping[Hashable, Any]) -> list[tuple[Hashable, Any]]:
    return sorted(d.items(), key=lambda kv: _key(kv[0]))


def _edge_components(prob: _Problem, e: int) -> dict[str, float] | None:
    parts = prob.edge_data[int(prob.edge_order[e])].get("components")
    if not isinstance(parts, Mapping):
        return None
    return {str(k): float(v) for k, v in parts.items()}


# --------------------------------------------------------------------------
# the match function


def _check_pinned(pinned: Any, prob: _Problem) -> list[int]:
    """Return the edge positions of the pinned pairs (validated)."""
    if pinned is None:
        items: list[Any] = []
    elif isinstance(pinned, Matching):
        items = list(pinned.assignments)
    elif isinstance(pinned, Mapping):
        items = list(pinned.items())
    elif isinstance(pinned, str | bytes) or not isinstance(pinned, Iterable):
        raise _bad(f"pinned must be a mapping or pairs (mentee, mentor), got {pinned!r}")
    else:
        items = list(pinned)
    items += list(prob.required)
    a_pos = {u: i for i, u in enumerate(prob.mentees)}
    b_pos = {v: j for j, v in enumerate(prob.mentors)}
    m = len(prob.mentors)
    keys = prob.eu * m + prob.ev
    out: set[int] = set()
    for pair in items:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise _bad(f"pinned pair must be (mentee, mentor), got {pair!r}")
        a, b = pair
        if a not in a_pos or b not in b_pos:
            raise _bad(f"pinned pair ({a!r}, {b!r}): no such edge (need a mentee and a mentor)")
        k = a_pos[a] * m + b_pos[b]
        e = int(np.searchsorted(keys, k))
        if e >= len(keys) or keys[e] != k:
            raise _bad(f"pinned pair ({a!r}, {b!r}): no such edge in the graph")
        out.add(e)
    edges = sorted(out)
    if edges:
        per_b = Counter(int(prob.ev[e]) for e in edges)
        for j, count in per_b.items():
            if count > prob.mentor_cap[j]:
                raise _bad(
                    f"pinned pairs exceed mentor {prob.mentors[j]!r} capacity "
                    f"{int(prob.mentor_cap[j])} ({count} pinned)"
                )
        per_a = Counter((int(prob.eu[e]), prob.mentor_role[int(prob.ev[e])]) for e in edges)
        for (i, role), count in per_a.items():
            cap = 1 if role is not None else int(prob.mentee_cap[i])
            if count > cap:
                what = f"role {role!r} slot" if role is not None else "capacity"
                raise _bad(
                    f"pinned pairs exceed mentee {prob.mentees[i]!r} {what} {cap} ({count} pinned)"
                )
    return edges


def _solve(method: str, prob: _Problem, sub: np.ndarray, pinned: list[int]) -> np.ndarray:
    """Solve on the edges in ``sub`` with mentee capacity from ``cap_a``; keep pins."""
    cap_a = prob.mentee_cap.copy()
    if prob.roles is not None:
        cap_a = np.minimum(cap_a, 1)
    cap_b = prob.mentor_cap.copy()
    chosen = np.zeros(len(prob.eu), dtype=bool)
    for e in pinned:
        if sub[e]:
            chosen[e] = True
            cap_a[prob.eu[e]] -= 1
            cap_b[prob.ev[e]] -= 1
    rest = sub & ~chosen
    if bool(rest.all()):  # nothing pinned, every edge in play: no copies
        eu, ev, w, s_a, s_b = prob.eu, prob.ev, prob.w, prob.s_mentee, prob.s_mentor
        free = None
    else:
        free = np.nonzero(rest)[0]
        eu, ev, w = prob.eu[free], prob.ev[free], prob.w[free]
        s_a = prob.s_mentee[free]
        s_b = s_a if prob.s_mentor is prob.s_mentee else prob.s_mentor[free]
    if method == "optimal":
        got = _solve_optimal(eu, ev, w, cap_a, cap_b)
    elif method == "stable":
        got = _solve_stable(eu, ev, s_a, s_b, cap_a, cap_b)
    else:
        got = _solve_greedy(eu, ev, w, cap_a, cap_b)
    if free is None:
        chosen |= got
    else:
        chosen[free[got]] = True
    return chosen


def _result(
    method: str, prob: _Problem, chosen: np.ndarray, sub: np.ndarray, role: str | None
) -> Matching:
    mentees, mentors = prob.mentees, prob.mentors
    idx = np.nonzero(chosen & sub)[0]
    with _gc_paused():
        pairs = list(
            zip(
                map(mentees.__getitem__, prob.eu[idx].tolist()),
                map(mentors.__getitem__, prob.ev[idx].tolist()),
                strict=True,
            )
        )
    total = float(math.fsum(prob.w[idx].tolist()))
    matched = np.zeros(len(mentees), dtype=bool)
    matched[prob.eu[idx]] = True
    load = np.bincount(prob.ev[idx], minlength=len(mentors))
    has_edge = np.zeros(len(mentees), dtype=bool)
    has_edge[prob.eu[sub]] = True
    forbidden_of = {a for a, b in prob.forbidden if role is None or _role_of(prob, b) == role}
    unmatched: dict[Hashable, str] = {}
    sub_idx = np.nonzero(sub)[0]
    sub_eu = prob.eu[sub_idx]
    for i in np.nonzero(~matched)[0].tolist():
        u = mentees[i]
        if prob.mentee_cap[i] == 0:
            unmatched[u] = NO_CAPACITY
        elif not has_edge[i]:
            unmatched[u] = FORBIDDEN if u in forbidden_of else NO_COMPATIBLE
        else:
            lo, hi = np.searchsorted(sub_eu, [i, i + 1])
            mine = sub_idx[lo:hi]
            room = load[prob.ev[mine]] < prob.mentor_cap[prob.ev[mine]]
            if not room.any():
                unmatched[u] = ALL_FULL
            elif method == "optimal" and bool(np.all(prob.w[mine][room] < 0)):
                unmatched[u] = NOT_WORTH
            else:
                unmatched[u] = f"not matched by the {method} method"
    return Matching(
        method=method,
        assignments=tuple(pairs),  # edges are in (mentee, mentor) id order already
        unmatched=FrozenDict(dict(_sorted_items(unmatched))),
        total_weight=total,
        role=role,
        context=_Context(problem=prob, chosen=chosen & sub),
    )


def _role_of(prob: _Problem, mentor: Hashable) -> str | None:
    try:
        return prob.mentor_role[prob.mentors.index(mentor)]
    except ValueError:
        return None


def match(
    graph: nx.Graph[Any],
    *,
    method: Method = "optimal",
    pinned: Mapping[Any, Any] | Iterable[tuple[Any, Any]] | Matching | None = None,
    seed: int | np.random.Generator | None = None,
) -> Matching:
    """Match mentees to mentors with capacities.

    Parameters
    ----------
    graph
        A bipartite graph following the contract in the module docstring.
    method
        ``"optimal"``: maximum total weight (pairs of negative weight are
        never used); among maximum-weight solutions the one with the most
        pairs; remaining ties are resolved deterministically by solving over
        nodes and edges in id order, so the result depends only on the graph,
        not on insertion order. Float weights are compared on an integer grid
        fine enough for exact double arithmetic (integer weights exactly).
        ``"stable"``: mentee-proposing deferred acceptance (hospital /
        residents) with capacities on both sides; each side ranks by
        ``weight`` unless the edge carries ``mentee_score`` /
        ``mentor_score``; ties by id. The result is the mentee-optimal stable
        matching. ``"greedy"``: pairs by weight, highest first (ties by
        mentee id, then mentor id), while both have room.
    pinned
        Pairs kept as they are (a mapping mentee -> mentor, pairs, or a
        previous :class:`Matching`); the rest is optimised around them.
        ``graph.graph["required"]`` pairs are always pinned.
    seed
        Accepted for a uniform signature; no method draws random numbers.

    Returns
    -------
    Matching
        With ``by_role`` filled (one matching per role) for a role-typed graph.

    Raises
    ------
    InvalidInputError
        For a graph that breaks the contract (directed, multigraph, self loop,
        missing or invalid ``bipartite``, bad capacity, non-finite weight, an
        edge inside one side), a pinned pair that is not an edge or exceeds a
        capacity, or an unknown method.

    Notes
    -----
    ``"optimal"`` with mentee capacity 1 expands each mentor into
    ``min(capacity, degree)`` slots, gives each mentee a private "unmatched"
    column and solves the rectangular assignment with scipy's sparse
    ``min_weight_full_bipartite_matching`` (LAPJVsp) on integer costs. A
    large assignment is first solved on candidate edges (each mentee's and
    each mentor's best ones) and accepted only with a proof of optimality
    for all edges: mentor prices read off the solution by shortest paths
    give a dual solution of equal value (otherwise the missing edges are
    added and it is solved again). With
    larger mentee capacities it solves the b-matching linear program with
    HiGHS (the constraint matrix is totally unimodular, so the vertex
    solution is integral). ``"stable"`` and ``"greedy"`` run deferred
    acceptance in vectorised rounds; greedy is the stable matching of the
    common edge order (weight, then ids), which it equals.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_nodes_from(["ana", "bo", "cai"], bipartite=0)
    >>> g.add_nodes_from([("wang", {"capacity": 2}), ("li", {"capacity": 1})], bipartite=1)
    >>> g.add_weighted_edges_from(
    ...     [("ana", "wang", 3), ("ana", "li", 2), ("bo", "wang", 3), ("cai", "wang", 1)]
    ... )
    >>> match(g).pairs
    FrozenDict({'ana': 'li', 'bo': 'wang', 'cai': 'wang'})
    >>> match(g, method="greedy").total_weight
    6.0

    .. versionadded:: 0.1
    """
    if method not in METHODS:
        raise _bad(f"method must be one of {list(METHODS)}, got {method!r}")
    if (
        seed is not None
        and not isinstance(seed, np.random.Generator)
        and (not _is_int(seed) or seed < 0)
    ):
        raise _bad(f"seed must be None, an integer >= 0 or a Generator, got {seed!r}")
    prob = _parse(graph)
    pins = _check_pinned(pinned, prob)
    everything = np.ones(len(prob.eu), dtype=bool)
    if prob.roles is None:
        chosen = _solve(method, prob, everything, pins)
        return _result(method, prob, chosen, everything, None)
    edge_role = np.array([prob.mentor_role[j] for j in prob.ev.tolist()], dtype=object)
    parts_by_role: dict[str, Matching] = {}
    chosen = np.zeros(len(prob.eu), dtype=bool)
    for role in prob.roles:
        sub = edge_role == role if len(edge_role) else np.zeros(0, dtype=bool)
        got = _solve(method, prob, sub, pins)
        chosen |= got & sub
        parts_by_role[role] = _result(method, prob, got, sub, role)
    whole = _result(method, prob, chosen, everything, None)
    return Matching(
        method=method,
        assignments=whole.assignments,
        unmatched=whole.unmatched,
        total_weight=whole.total_weight,
        role=None,
        by_role=FrozenDict(parts_by_role),
        context=_Context(problem=prob, chosen=chosen),
    )
