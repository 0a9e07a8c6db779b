"""Ranked preference lists as a matching graph."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import networkx as nx

from cadredev._validate import id_key, is_int
from cadredev.errors import InvalidInputError

__all__ = ["preferences_graph"]

_WHERE = "preferences_graph"
_INT64_MAX = 2**63 - 1


def _error(msg: str) -> InvalidInputError:
    return InvalidInputError(f"{_WHERE}: {msg}")


def preferences_graph(
    mentee_prefs: Mapping[Any, Iterable[Any]],
    mentor_prefs: Mapping[Any, Iterable[Any]],
    capacities: Mapping[Any, int],
    *,
    mentee_capacities: Mapping[Any, int] | None = None,
) -> nx.Graph[Any]:
    """Build a matching graph from ranked preference lists (hospital / residents).

    Parameters
    ----------
    mentee_prefs
        Mentee id -> its acceptable mentors, best first. An entry that is a
        ``list``, ``set`` or ``frozenset`` is a tie: its mentors share one
        rank. Every mentee of the graph has a list (it may be empty).
    mentor_prefs
        Mentor id -> its acceptable mentees, best first, ties as above.
        Every mentor of ``capacities`` has a list, and no other mentor.
    capacities
        Mentor id -> capacity (an integer ``>= 0``).
    mentee_capacities
        Mentee id -> capacity (default 1 each).

    Returns
    -------
    networkx.Graph
        Mentee nodes ``bipartite=0`` and mentor nodes ``bipartite=1`` with
        ``capacity``. A pair is an edge when each lists the other (both
        find it acceptable); the edge carries ``mentee_rank`` and
        ``mentor_rank`` (1 for a first choice; tied entries share a rank),
        ``mentee_score = -mentee_rank`` and ``mentor_score = -mentor_rank``
        (what ``match(method="stable")`` ranks by), ``rank_sum`` (the two
        ranks added, a cost for ``objective="min_cost"``) and ``weight`` 1.
        Ties left in a list are broken by id in :func:`~cadredev.match`, as any tie
        between equal scores.

    Raises
    ------
    InvalidInputError
        For an id listed twice in one list, a list naming an unknown id (a
        mentor without a capacity, a mentee without a list), an id on both
        sides, a mentor of ``capacities`` without a list or the other way
        round, or a capacity that is not an integer in ``[0, 2**63 - 1]``.

    Examples
    --------
    >>> from cadredev.matching import match, preferences_graph
    >>> g = preferences_graph(
    ...     {"ana": ["wang", "li"], "bo": ["wang"], "cai": [{"li", "wang"}]},
    ...     {"wang": ["cai", "ana", "bo"], "li": ["ana", "cai"]},
    ...     {"wang": 1, "li": 1},
    ... )
    >>> g.edges["cai", "li"]["mentee_rank"], g.edges["cai", "wang"]["mentor_rank"]
    (1, 1)
    >>> match(g, method="stable").pairs  # cai's tie goes to li by id
    FrozenDict({'ana': 'wang', 'cai': 'li'})
    >>> match(g, method="stable", proposing="mentor").pairs
    FrozenDict({'ana': 'li', 'cai': 'wang'})
    >>> preferences_graph({"ana": ["wang", "wang"]}, {"wang": ["ana"]}, {"wang": 1})
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: preferences_graph: mentee 'ana' lists 'wang' twice

    .. versionadded:: 0.2
    """
    for label, value in (
        ("mentee_prefs", mentee_prefs),
        ("mentor_prefs", mentor_prefs),
        ("capacities", capacities),
    ):
        if not isinstance(value, Mapping):
            raise _error(f"{label} must be a mapping, got {type(value).__name__}")
    mentees = sorted(mentee_prefs, key=id_key)
    mentors = sorted(capacities, key=id_key)
    extra = sorted(set(mentor_prefs) ^ set(capacities), key=id_key)
    if extra:
        where = "mentor_prefs" if extra[0] in mentor_prefs else "capacities"
        raise _error(f"mentor {extra[0]!r} is in {where} only (both need every mentor)")
    both = sorted(set(mentees) & set(mentors), key=id_key)
    if both:
        raise _error(f"id {both[0]!r} is both a mentee and a mentor")
    caps = _capacities(capacities, "mentor")
    mentee_caps = _capacities(mentee_capacities or {}, "mentee")
    unknown = sorted(set(mentee_caps) - set(mentees), key=id_key)
    if unknown:
        raise _error(f"mentee_capacities names {unknown[0]!r}, which has no list")
    a_rank = {u: _ranks(mentee_prefs[u], "mentee", u, set(mentors), "mentor") for u in mentees}
    b_rank = {v: _ranks(mentor_prefs[v], "mentor", v, set(mentees), "mentee") for v in mentors}
    graph: nx.Graph[Any] = nx.Graph()
    graph.add_nodes_from((u, {"bipartite": 0, "capacity": mentee_caps.get(u, 1)}) for u in mentees)
    graph.add_nodes_from((v, {"bipartite": 1, "capacity": caps[v]}) for v in mentors)
    for u in mentees:
        for v, ra in a_rank[u].items():
            rb = b_rank[v].get(u)
            if rb is not None:
                graph.add_edge(
                    u,
                    v,
                    weight=1.0,
                    mentee_rank=ra,
                    mentor_rank=rb,
                    mentee_score=float(-ra),
                    mentor_score=float(-rb),
                    rank_sum=float(ra + rb),
                )
    return graph


def _capacities(value: Any, side: str) -> dict[Hashable, int]:
    """Return the capacities, checked: integers in ``[0, 2**63 - 1]``."""
    if not isinstance(value, Mapping):
        raise _error(f"{side} capacities must be a mapping, got {type(value).__name__}")
    out: dict[Hashable, int] = {}
    for key, cap in value.items():
        if not is_int(cap) or not 0 <= cap <= _INT64_MAX:
            raise _error(
                f"{side} {key!r}: capacity must be an integer in [0, 2**63 - 1], got {cap!r}"
            )
        out[key] = int(cap)
    return out


def _ranks(
    prefs: Any, side: str, owner: Hashable, known: set[Hashable], other: str
) -> dict[Hashable, int]:
    """Return id -> rank (1 = first) of one ranked list, after checking it."""
    if isinstance(prefs, str | bytes | Mapping) or not isinstance(prefs, Iterable):
        raise _error(f"{side} {owner!r}: preferences must be a list of ids, got {prefs!r}")
    out: dict[Hashable, int] = {}
    for rank, entry in enumerate(prefs, start=1):
        group = sorted(entry, key=id_key) if isinstance(entry, list | set | frozenset) else [entry]
        for x in group:
            try:
                listed = x in known
            except TypeError:
                listed = False
            if not listed:
                raise _error(f"{side} {owner!r} lists {x!r}, which is not a {other}")
            if x in out:
                raise _error(f"{side} {owner!r} lists {x!r} twice")
            out[x] = rank
    return out
