"""Candidates that respect capacity: each mentee's best and each mentor's best per slot."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadredev.errors import InvalidInputError
from cadredev.io import dump, load
from cadredev.matching import (
    Criteria,
    _bounds,
    _candidates,
    _score,
    compatibility_graph,
    match,
)
from cadredev.model import Cadre, Mentor

SKILLS = ("communication", "judgment", "coordination")


def roster(
    rng: np.random.Generator, n: int, m: int, *, popular: int = 0, cap: int = 3
) -> tuple[list[Cadre], list[Mentor]]:
    """Random cadres and mentors; the first ``popular`` mentors are everyone's favourites."""
    cadres = [
        Cadre(
            id=f"c{i:05d}",
            name="x",
            birth_year=int(rng.integers(1975, 2000)),
            rank="section",
            unit=f"u{int(rng.integers(0, 5))}",
            competencies={k: round(float(rng.random()) * 0.5, 2) for k in SKILLS},
        )
        for i in range(n)
    ]
    mentors = [
        Mentor(
            id=f"m{j:04d}",
            unit=f"u{int(rng.integers(0, 5))}",
            capacity=int(rng.integers(1, cap + 1)),
            competencies={
                k: 1.0 if j < popular else round(0.3 + float(rng.random()) * 0.5, 2) for k in SKILLS
            },
        )
        for j in range(m)
    ]
    return cadres, mentors


def expected_edges(
    cadres: list[Cadre], mentors: list[Mentor], criteria: Criteria
) -> set[tuple[str, str]]:
    """Each mentee's top_k union the greedy matching with capacities times top_per_slot."""
    full = compatibility_graph(cadres, mentors, criteria=Criteria(cross_unit=criteria.cross_unit))
    assert criteria.top_k is not None
    keep: set[tuple[str, str]] = set()
    for c in cadres:
        ranked = sorted(full[c.id], key=lambda v: (-full.edges[c.id, v]["weight"], v))
        keep |= {(c.id, v) for v in ranked[: criteria.top_k]}
    if criteria.top_per_slot is not None:  # the greedy b-matching, pair by pair
        room = {x.id: x.capacity * criteria.top_per_slot for x in mentors}
        room.update({c.id: criteria.top_per_slot for c in cadres})
        pairs = sorted(
            ((a, b) if full.nodes[a]["bipartite"] == 0 else (b, a) for a, b in full.edges),
            key=lambda p: (-full.edges[p]["weight"], p[0], p[1]),
        )
        for a, b in pairs:
            if room[a] > 0 and room[b] > 0:
                keep.add((a, b))
                room[a] -= 1
                room[b] -= 1
    return keep


def edges_of(g: Any) -> set[tuple[str, str]]:
    return {(a, b) if g.nodes[a]["bipartite"] == 0 else (b, a) for a, b in g.edges}


@settings(max_examples=40, deadline=None)
@given(
    st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 25), st.integers(0, 8)),
    st.integers(1, 3),
    st.one_of(st.none(), st.integers(1, 3)),
    st.booleans(),
    st.booleans(),
)
def test_candidates_are_each_sides_best(
    size: tuple[int, int, int],
    top_k: int,
    per_slot: int | None,
    small_blocks: bool,
    by_groups: bool,
) -> None:
    seed, n, m = size
    rng = np.random.default_rng(seed)
    cadres, mentors = roster(rng, n, m, popular=int(rng.integers(0, 3)))
    criteria = Criteria(top_k=top_k, top_per_slot=per_slot)
    old, old_cache = _score._BLOCK_CELLS, _candidates.CACHE
    old_groups = _bounds.PRUNE_FROM, _bounds.GROUP, _bounds.BLOCK_ROWS
    try:
        if small_blocks:  # several blocks, and short kept lists that run out
            _score._BLOCK_CELLS = 7
            _candidates.CACHE = 1
        if by_groups:  # each side's best by small groups of mentors, small blocks of mentees
            _bounds.PRUNE_FROM, _bounds.GROUP, _bounds.BLOCK_ROWS = 0, 1 + seed % 4, 1 + seed % 5
        g = compatibility_graph(cadres, mentors, criteria=criteria)
    finally:
        _score._BLOCK_CELLS, _candidates.CACHE = old, old_cache
        _bounds.PRUNE_FROM, _bounds.GROUP, _bounds.BLOCK_ROWS = old_groups
    assert edges_of(g) == expected_edges(cadres, mentors, criteria)
    assert g.graph["without_candidates"] == tuple(c.id for c in cadres if not g.degree(c.id))
    # a mentor's extra candidates never replace a mentee's own best
    for c in cadres:
        assert g.degree(c.id) >= min(top_k, len(mentors))


def test_popular_mentors_no_longer_leave_mentees_without_a_free_candidate() -> None:
    rng = np.random.default_rng(7)
    cadres, mentors = roster(rng, 900, 220, popular=4, cap=9)
    everyone = match(compatibility_graph(cadres, mentors))
    assert not everyone.unmatched  # the full graph matches everyone
    narrow = match(compatibility_graph(cadres, mentors, criteria=Criteria(top_k=3)))
    wide_graph = compatibility_graph(cadres, mentors, criteria=Criteria(top_k=3, top_per_slot=2))
    wide = match(wide_graph)
    assert len(narrow.unmatched) > 0.5 * len(cadres)  # the popular mentors fill up
    assert len(wide.unmatched) <= 0.02 * len(cadres)
    assert wide_graph.graph["without_candidates"] == ()
    assert wide_graph.number_of_edges() < 0.1 * len(cadres) * len(mentors)


def test_without_candidates_names_the_mentees_cut_off() -> None:
    rng = np.random.default_rng(1)
    cadres, mentors = roster(rng, 5, 2)
    g = compatibility_graph(cadres, mentors, forbid=[(cadres[0].id, x.id) for x in mentors])
    assert g.graph["without_candidates"] == (cadres[0].id,)
    g = compatibility_graph(cadres, mentors, criteria=Criteria(min_weight=1e9))
    assert g.graph["without_candidates"] == tuple(c.id for c in cadres)


@pytest.mark.parametrize("value", [0, -1, 1.5, True])
def test_top_per_slot_must_be_a_positive_integer(value: Any) -> None:
    with pytest.raises(InvalidInputError, match="top_per_slot must be an integer >= 1 or None"):
        Criteria(top_per_slot=value)


def test_criteria_with_top_per_slot_round_trips() -> None:
    crit = Criteria(top_k=5, top_per_slot=2)
    assert repr(crit) == "Criteria(top_k=5, top_per_slot=2)"
    assert load(Criteria, dump(crit)) == crit


def test_top_per_slot_without_top_k_keeps_every_pair() -> None:
    rng = np.random.default_rng(2)
    cadres, mentors = roster(rng, 12, 4)
    assert edges_of(
        compatibility_graph(cadres, mentors, criteria=Criteria(top_per_slot=1))
    ) == edges_of(compatibility_graph(cadres, mentors))
