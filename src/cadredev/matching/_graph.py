"""The compatibility graph: mentees and mentors scored on explicit criteria.

Pairs are scored in blocks of mentees with numpy (one matrix per
criterion), cut by the hard filters, ``min_weight`` and ``top_k``, and the
kept pairs are added to a fresh ``networkx.Graph`` through its public API.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from typing import Any

import networkx as nx
import numpy as np

from cadredev._validate import id_key
from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, Mentor, MentorRole, cohort_of

from . import _bounds
from ._candidates import spread_candidates
from ._contract import EXCLUDED, pair_key
from ._criteria import Criteria
from ._score import Scorer, top_k_mask

__all__ = ["compatibility_graph"]

_WHERE = "compatibility_graph"
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
    components: bool = True,
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
    components
        Whether each edge carries its ``components``. ``False`` gives edges
        with ``weight`` alone: the same edges and weights, built faster and
        in less memory (a mapping per edge costs about as much as the rest of
        the edge), for graphs of millions of pairs; :func:`match` finds the
        same matching, and explanations show each pair's weight without its
        breakdown.

    Returns
    -------
    networkx.Graph
        Mentee nodes with ``bipartite=0``, ``capacity=1``, ``unit``, ``grid``,
        ``name`` and (with ``criteria.as_of``) ``cohort``; mentor nodes with
        ``bipartite=1``, ``capacity``, ``role``, ``unit``, ``grid``, ``name``;
        edges with ``weight`` and (unless ``components=False``) ``components``
        (criterion -> contribution, summing to the weight);
        ``graph.graph["previous"]``, the pairs whose mentor is a previous
        mentor of the mentee; ``graph.graph["without_candidates"]``,
        the mentees left without any candidate mentor (by the filters,
        ``min_weight``, ``forbid`` or the ``top_k`` cut), in id order.

    Raises
    ------
    InvalidInputError
        On records of the wrong type, duplicate ids, an id on both sides,
        unknown ids in ``forbid``/``require``, a pair both forbidden and
        required, a mentor whose role is not in ``roles``, or ``components``
        not a bool.

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
    >>> lean = compatibility_graph(
    ...     [ana], [wang], criteria=Criteria(cohort_gap=0.0), components=False
    ... )
    >>> lean.edges["ana", "wang"]
    {'weight': 1.0}

    .. versionadded:: 0.1
    .. versionchanged:: 0.3
       ``components``; scoring reads each record once and sorts only each
       mentee's best candidates.
    """
    if criteria is None:
        criteria = Criteria()
    if not isinstance(criteria, Criteria):
        raise InvalidInputError(f"{_WHERE}: criteria must be a Criteria, got {criteria!r}")
    if not isinstance(components, bool):
        raise InvalidInputError(f"{_WHERE}: components must be True or False, got {components!r}")
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
            _edges(
                cadres,
                advisors,
                criteria,
                set(reasons),
                required,
                role_list,
                previous,
                components=components,
            )
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
    as_of = criteria.as_of if criteria.as_of is not None else 0

    @functools.cache  # a roster has few distinct birth years
    def cohort(year: int) -> str:
        return str(cohort_of(year, as_of=as_of).value)

    for c in cadres:
        attrs: dict[str, Any] = {
            "bipartite": 0,
            "capacity": 1,
            "unit": c.unit,
            "grid": c.grid,
            "name": c.name,
        }
        if criteria.as_of is not None:
            attrs["cohort"] = cohort(c.birth_year)
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


def _by_mentee(
    pairs: Iterable[tuple[str, str]], mentee_pos: Mapping[str, int], mentor_pos: Mapping[str, int]
) -> dict[int, list[int]]:
    """Mentee position -> positions of its mentors among the pairs (in mentor order)."""
    out: dict[int, list[int]] = defaultdict(list)
    for a, b in pairs:
        out[mentee_pos[a]].append(mentor_pos[b])
    return {i: sorted(js) for i, js in out.items()}


def _edges(  # noqa: PLR0917  (private: the checked arguments of compatibility_graph)
    cadres: Sequence[Cadre],
    advisors: Sequence[Mentor],
    criteria: Criteria,
    forbidden: set[tuple[str, str]],
    required: set[tuple[str, str]],
    role_list: tuple[str, ...] | None,
    previous: set[tuple[str, str]],
    *,
    components: bool,
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield the kept pairs as ``(mentee, mentor, {"weight", "components"})``.

    Mentees are scored in blocks; the weight is the sum of the components
    in criterion order, so it equals ``sum(components.values())``. With
    ``top_per_slot`` every mentee is scored once for the candidates, some
    again when their kept lists run out, and the kept pairs once more on
    their own for their data.
    """
    role_of = np.array(
        [role_list.index(a.role.value) if role_list else 0 for a in advisors], dtype=np.int64
    )
    n_roles = len(role_list) if role_list else 1
    mentee_pos = {c.id: i for i, c in enumerate(cadres)}
    mentor_pos = {a.id: j for j, a in enumerate(advisors)}
    require_by = _by_mentee(required, mentee_pos, mentor_pos)
    scorer = Scorer(
        cadres=cadres,
        advisors=advisors,
        criteria=criteria,
        forbid=_by_mentee(forbidden, mentee_pos, mentor_pos),
        previous=_by_mentee(previous, mentee_pos, mentor_pos),
    )
    mentee_ids = [c.id for c in cadres]
    mentor_ids = [a.id for a in advisors]
    rows = cols = None
    if criteria.top_k is not None and criteria.top_per_slot is not None:
        rows, cols = _spread_edges(
            scorer, (criteria.top_k, criteria.top_per_slot), role_of, n_roles, require_by
        )
    elif criteria.top_k is not None and n_roles == 1 and _prunable(scorer):
        rows, cols = _pruned_edges(scorer, criteria.top_k, require_by)
    if rows is not None and cols is not None:
        step = scorer.pair_chunk
        for lo in range(0, len(rows), step):
            r, c = rows[lo : lo + step], cols[lo : lo + step]
            comps, total = scorer.score_pairs(r, c)
            yield from _edge_list(mentee_ids, mentor_ids, r, c, comps, total, components=components)
        return
    for start in range(0, len(cadres), scorer.chunk):
        block = np.arange(start, min(start + scorer.chunk, len(cadres)))
        comps, total, mask = scorer.score(block)
        if criteria.top_k is not None:
            mask &= top_k_mask(total, mask, criteria.top_k, role_of, n_roles)
        for i in range(start, start + len(block)):
            if i in require_by:
                mask[i - start, require_by[i]] = True
        r, c = np.nonzero(mask)
        comps = {name: part[r, c] for name, part in comps.items()} if components else {}
        yield from _edge_list(
            mentee_ids, mentor_ids, r + start, c, comps, total[r, c], components=components
        )


def _spread_edges(
    scorer: Scorer,
    cut: tuple[int, int],
    role_of: np.ndarray,
    n_roles: int,
    require_by: Mapping[int, list[int]],
) -> tuple[np.ndarray, np.ndarray]:
    """Return the kept pairs with ``(top_k, top_per_slot)`` as sorted positions.

    They are each mentee's ``top_k`` best, the pairs of the greedy
    b-matching and the required pairs; every mentee is scored once by the
    b-matching's first round, which also finds each one's best.
    """
    k, per_slot = cut
    found: list[tuple[np.ndarray, np.ndarray]] = []

    def visit(part: np.ndarray, total: np.ndarray, mask: np.ndarray) -> None:
        r, c = np.nonzero(top_k_mask(total, mask, k, role_of, n_roles))
        found.append((part[r], c))

    slots = np.array([min(a.capacity * per_slot, scorer.n) for a in scorer.advisors])
    if n_roles == 1 and _prunable(scorer):  # each side's best by groups of mentors
        groups = _bounds.MentorGroups(scorer)
        top = _pruned_edges(scorer, k, {}, groups=groups)
        best = spread_candidates(scorer, per_slot, slots, groups=groups)
        return _union([top, best], require_by, len(scorer.advisors))
    best = spread_candidates(scorer, per_slot * n_roles, slots, visit=visit)
    found.append(best)
    return _union(found, require_by, len(scorer.advisors))


def _prunable(scorer: Scorer) -> bool:
    """Whether to find each mentee's best by groups of mentors rather than every pair."""
    return len(scorer.advisors) >= _bounds.PRUNE_FROM and scorer.industry_bits is not None


def _pruned_edges(
    scorer: Scorer,
    k: int,
    require_by: Mapping[int, list[int]],
    *,
    groups: _bounds.MentorGroups | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return each mentee's ``k`` best pairs and the required pairs as sorted positions.

    Mentees go by blocks of like mentees (grid, industries, unit), whose
    best mentors lie in the same few groups.
    """
    if groups is None:
        groups = _bounds.MentorGroups(scorer)
    found = []
    for part in groups.blocks(np.arange(scorer.n)):
        r, c, _ = _bounds.best_pruned(groups, part, k)
        found.append((part[r], c))
    return _union(found, require_by, len(scorer.advisors))


def _union(
    found: list[tuple[np.ndarray, np.ndarray]], require_by: Mapping[int, list[int]], m: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return the pairs found and the required pairs, once each, sorted (mentee, mentor)."""
    need = [(np.full(len(js), i), np.array(js)) for i, js in require_by.items()]
    rows = np.concatenate([r for r, _ in found + need] or [np.zeros(0)]).astype(np.int64)
    cols = np.concatenate([c for _, c in found + need] or [np.zeros(0)]).astype(np.int64)
    key = np.sort(rows * m + cols)
    key = key[np.concatenate(([True], key[1:] != key[:-1]))] if len(key) else key
    got: tuple[np.ndarray, np.ndarray] = np.divmod(key, m)
    return got


def _edge_list(  # noqa: PLR0917  (private: the columns of the kept pairs)
    mentee_ids: list[str],
    mentor_ids: list[str],
    rows: np.ndarray,
    cols: np.ndarray,
    comps: Mapping[str, np.ndarray],
    total: np.ndarray,
    *,
    components: bool,
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Return the edges of the pairs ``(rows[e], cols[e])`` with their data."""
    return zip(
        map(mentee_ids.__getitem__, rows.tolist()),
        map(mentor_ids.__getitem__, cols.tolist()),
        _edge_attrs(list(comps), comps, total)
        if components
        else ({"weight": w} for w in total.tolist()),
        strict=True,
    )


def _edge_attrs(
    names: list[str], comps: Mapping[str, np.ndarray], total: np.ndarray
) -> Iterator[dict[str, Any]]:
    """Return ``{"weight": w, "components": {name: value}}`` for each kept pair.

    The dicts are built by ``map`` over the value columns, without a Python
    loop per edge.
    """
    if names:
        columns = [comps[name].tolist() for name in names]
        parts: Iterator[dict[str, float]] = map(
            dict, map(zip, repeat(names), zip(*columns, strict=True))
        )
    else:
        parts = map(dict, repeat((), len(total)))
    weights = zip(repeat("weight"), total.tolist())
    return map(dict, zip(weights, zip(repeat("components"), parts), strict=True))
