"""compatibility_graph scoring against a per-pair reference; edges without components."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cadredev.errors import InvalidInputError
from cadredev.io import dump, load
from cadredev.matching import (
    Criteria,
    Matching,
    _bounds,
    _candidates,
    _score,
    compatibility_graph,
    match,
)
from cadredev.model import Cadre, Cohort, Mentor, Mentorship, cohort_of

SKILLS = ("communication", "judgment", "coordination", "problem_discovery")
TRADES = ("ai", "logistics", "stone", "tea")
ORDER = {Cohort.YOUNG: 0, Cohort.MIDDLE: 1, Cohort.OLD: 2}


@contextmanager
def small_blocks(cells: int, cache: int) -> Iterator[None]:
    """Score a few pairs at a time and keep short candidate lists (several blocks and rounds)."""
    old = _score._BLOCK_CELLS, _candidates.CACHE
    _score._BLOCK_CELLS, _candidates.CACHE = cells, cache
    try:
        yield
    finally:
        _score._BLOCK_CELLS, _candidates.CACHE = old


@st.composite
def rosters(draw: st.DrawFn) -> tuple[list[Cadre], list[Mentor]]:
    level = st.integers(0, 10).map(lambda x: x / 10)
    n = draw(st.integers(0, 9))
    m = draw(st.integers(0, 7))
    mentors = [
        Mentor(
            id=f"m{j}",
            unit=draw(st.sampled_from(["u0", "u1", "u2"])),
            capacity=draw(st.integers(0, 3)),
            industries=draw(st.frozensets(st.sampled_from(TRADES))),
            competencies=draw(st.dictionaries(st.sampled_from(SKILLS), level)),
            birth_year=draw(st.one_of(st.none(), st.integers(1955, 2030))),
            grid=draw(st.sampled_from([None, "g0", "g1"])),
        )
        for j in range(m)
    ]
    cadres = [
        Cadre(
            id=f"c{i}",
            name="x",
            birth_year=draw(st.integers(1965, 2000)),
            rank="section",
            unit=draw(st.sampled_from(["u0", "u1", "u2"])),
            industries=draw(st.frozensets(st.sampled_from(TRADES))),
            competencies=draw(st.dictionaries(st.sampled_from(SKILLS), level)),
            grid=draw(st.sampled_from([None, "g0", "g1"])),
            mentorships=[
                Mentorship(mentor_id=x.id, start=2020)
                for x in mentors
                if draw(st.integers(0, 4)) == 0
            ],
        )
        for i in range(n)
    ]
    return cadres, mentors


weights = st.sampled_from([0.0, 1.0, 0.5, -1.25, 3.0])
criterias = st.builds(
    Criteria,
    industries=weights,
    gap_cover=weights,
    weakest=weights,
    cross_unit=weights,
    cohort_gap=weights,
    same_grid=weights,
    as_of=st.one_of(st.none(), st.just(2025)),
    previous_mentor=st.sampled_from(["ignore", "avoid", "prefer"]),
    previous_weight=st.sampled_from([0.0, 0.75, 2.0]),
)


def rounded(value: float, weight: float) -> float:
    """The documented rounding of one weighted contribution (six decimals, no -0.0)."""
    return float(np.round(np.float64(value) * weight, 6)) + 0.0


def reference(cadre: Cadre, mentor: Mentor, criteria: Criteria) -> dict[str, float]:
    """Each criterion's contribution for one pair, from the records alone, one at a time."""
    raw: dict[str, float] = {}
    own = cadre.competencies
    shared = [k for k in cadre.industries if k in mentor.industries]
    raw["industries"] = len(shared) / len(cadre.industries) if cadre.industries else 0.0
    gaps = 0.0
    for k in sorted(own):
        gaps += max(mentor.competencies.get(k, 0.0) - own[k], 0.0)
    raw["gap_cover"] = gaps / len(own) if own else 0.0
    weakest = min(sorted(own), key=lambda k: own[k]) if own else None
    gap = mentor.competencies.get(weakest, 0.0) - own[weakest] if weakest else 0.0
    raw["weakest"] = max(gap, 0.0)
    raw["cross_unit"] = float(cadre.unit != mentor.unit)
    older = 0.0
    as_of = criteria.as_of
    if as_of is not None and mentor.birth_year is not None and mentor.birth_year <= as_of:
        theirs = ORDER[cohort_of(mentor.birth_year, as_of=as_of)]
        older = max(theirs - ORDER[cadre.cohort(as_of=as_of)], 0) / 2
    raw["cohort_gap"] = older
    raw["same_grid"] = float(cadre.grid is not None and cadre.grid == mentor.grid)
    raw["previous_mentor"] = float(any(s.mentor_id == mentor.id for s in cadre.mentorships))
    return {k: rounded(raw[k], w) for k, w in criteria.weights().items()}


@settings(max_examples=60, deadline=None)
@given(rosters(), criterias, st.booleans())
def test_weights_and_components_equal_the_per_pair_reference(
    roster: tuple[list[Cadre], list[Mentor]], criteria: Criteria, blocks: bool
) -> None:
    cadres, mentors = roster
    with small_blocks(5 if blocks else _score._BLOCK_CELLS, _candidates.CACHE):
        g = compatibility_graph(cadres, mentors, criteria=criteria)
    assert g.number_of_edges() == len(cadres) * len(mentors)
    for c in cadres:
        for x in mentors:
            want = reference(c, x, criteria)
            data = g.edges[c.id, x.id]
            assert data["components"] == want
            assert data["weight"] == sum(want.values())


def naive_best(score: np.ndarray, k: int) -> list[tuple[int, int, int]]:
    """Each row's k best finite cells by (score desc, column), with their rank."""
    out = []
    for i, row in enumerate(score.tolist()):
        cells = sorted((-v, j) for j, v in enumerate(row) if v > -np.inf)[:k]
        out += [(i, j, rank) for rank, (_, j) in enumerate(cells)]
    return out


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda n: st.integers(1, 900).flatmap(
            lambda m: arrays(
                np.float64, (n, m), elements=st.sampled_from([0.0, 0.5, 1.0, 2.5, -np.inf])
            )
        )
    ),
    st.integers(1, 12),
)
def test_best_cells_equal_a_full_sort(score: np.ndarray, k: int) -> None:
    # few distinct values: ties everywhere, long rows take the chunk bound and its tie pass
    r, c, rank = _score.best_cells(score, k)
    assert list(zip(r.tolist(), c.tolist(), rank.tolist(), strict=True)) == naive_best(score, k)


def test_best_cells_on_distinct_scores_of_long_rows() -> None:
    score = np.random.default_rng(3).random((40, 5000))
    score[::7, ::3] = -np.inf
    r, c, rank = _score.best_cells(score, 10)
    assert list(zip(r.tolist(), c.tolist(), rank.tolist(), strict=True)) == naive_best(score, 10)


def roster(seed: int, n: int, m: int) -> tuple[list[Cadre], list[Mentor]]:
    rng = np.random.default_rng(seed)
    cadres = [
        Cadre(
            id=f"c{i:03d}",
            name="x",
            birth_year=int(rng.integers(1970, 2000)),
            rank="section",
            unit=f"u{int(rng.integers(0, 4))}",
            industries={TRADES[int(t)] for t in rng.choice(4, 2, replace=False)},
            competencies={k: round(float(rng.random()), 2) for k in SKILLS},
        )
        for i in range(n)
    ]
    mentors = [
        Mentor(
            id=f"m{j:03d}",
            unit=f"u{int(rng.integers(0, 4))}",
            capacity=int(rng.integers(1, 4)),
            industries={TRADES[int(t)] for t in rng.choice(4, 2, replace=False)},
            competencies={k: round(float(rng.random()), 2) for k in SKILLS},
            birth_year=int(rng.integers(1960, 1985)),
        )
        for j in range(m)
    ]
    return cadres, mentors


@pytest.mark.parametrize(
    "criteria",
    [
        Criteria(as_of=2025),
        Criteria(as_of=2025, top_k=3),
        Criteria(top_k=2, top_per_slot=2, cover_weakest=0.0),
    ],
)
def test_without_components_the_same_edges_weights_and_matching(criteria: Criteria) -> None:
    cadres, mentors = roster(5, 40, 12)
    forbid = [(cadres[0].id, mentors[0].id)]
    full = compatibility_graph(cadres, mentors, criteria=criteria, forbid=forbid)
    lean = compatibility_graph(cadres, mentors, criteria=criteria, forbid=forbid, components=False)
    assert sorted(lean.edges(data=True)) == sorted(
        (a, b, {"weight": d["weight"]}) for a, b, d in full.edges(data=True)
    )
    assert dict(lean.nodes(data=True)) == dict(full.nodes(data=True))
    assert lean.graph == full.graph
    for method in ("optimal", "stable", "greedy"):
        a, b = match(full, method=method), match(lean, method=method)
        assert a.assignments == b.assignments
        assert a.total_weight == b.total_weight
        assert a.unmatched == b.unmatched
    mentee = match(lean).assignments[0][0]
    ex = match(lean).explain(mentee)
    assert all(set(parts) == {"weight"} for parts in ex.components.values())
    back = load(Matching, json.loads(json.dumps(dump(match(lean)))))
    assert back == match(lean)


@settings(max_examples=25, deadline=None)
@given(st.permutations(range(12)), st.permutations(range(6)), st.booleans())
def test_without_components_order_invariant(p: list[int], q: list[int], spread: bool) -> None:
    cadres, mentors = roster(8, 12, 6)
    crit = Criteria(as_of=2025, top_k=2, top_per_slot=1 if spread else None)
    g1 = compatibility_graph(cadres, mentors, criteria=crit, components=False)
    g2 = compatibility_graph(
        [cadres[i] for i in p], [mentors[j] for j in q], criteria=crit, components=False
    )
    assert sorted(g1.edges(data="weight")) == sorted(g2.edges(data="weight"))
    assert match(g1) == match(g2)


@pytest.mark.parametrize("value", [None, 1, "lazy"])
def test_components_must_be_a_bool(value: Any) -> None:
    cadres, mentors = roster(1, 2, 2)
    with pytest.raises(InvalidInputError, match="components must be True or False"):
        compatibility_graph(cadres, mentors, components=value)


@settings(max_examples=40, deadline=None)
@given(rosters(), criterias, st.data())
def test_pairs_scored_alone_equal_their_cells_in_a_block(
    roster: tuple[list[Cadre], list[Mentor]], criteria: Criteria, data: st.DataObject
) -> None:
    cadres, mentors = roster
    if not cadres or not mentors:
        return
    previous = {
        i: sorted(
            {j for j, x in enumerate(mentors) if x.id in {s.mentor_id for s in c.mentorships}}
        )
        for i, c in enumerate(cadres)
    }
    scorer = _score.Scorer(
        cadres=cadres,
        advisors=mentors,
        criteria=criteria,
        forbid={},
        previous={i: js for i, js in previous.items() if js},
    )
    comps, total, _ = scorer.score(np.arange(len(cadres)))
    cells = st.tuples(st.integers(0, len(cadres) - 1), st.integers(0, len(mentors) - 1))
    pairs = data.draw(st.lists(cells, min_size=1, max_size=20))
    rows = np.array([i for i, _ in pairs], dtype=np.int64)
    cols = np.array([j for _, j in pairs], dtype=np.int64)
    alone, weights = scorer.score_pairs(rows, cols)
    assert weights.tolist() == total[rows, cols].tolist()
    assert {k: v.tolist() for k, v in alone.items()} == {
        k: v[rows, cols].tolist() for k, v in comps.items()
    }


@contextmanager
def pruning(on: bool, group: int = 32, rows: int = 256) -> Iterator[None]:
    """Find the best mentors by groups (``on``, whatever the zone's size) or by every pair."""
    old = _bounds.PRUNE_FROM, _bounds.GROUP, _bounds.BLOCK_ROWS
    _bounds.PRUNE_FROM = 0 if on else 10**9
    _bounds.GROUP, _bounds.BLOCK_ROWS = group, rows
    try:
        yield
    finally:
        _bounds.PRUNE_FROM, _bounds.GROUP, _bounds.BLOCK_ROWS = old


def edge_data(g: Any) -> list[tuple[str, str, float, tuple[tuple[str, float], ...]]]:
    return sorted(
        (min(a, b), max(a, b), d["weight"], tuple(d["components"].items()))
        for a, b, d in g.edges(data=True)
    )


@settings(max_examples=80, deadline=None)
@given(
    rosters(),
    criterias,
    st.tuples(st.integers(1, 4), st.integers(1, 5), st.integers(1, 4)),
    st.sampled_from(["", "unit", "grid", "weakest", "min"]),
    st.data(),
)
def test_best_by_groups_of_mentors_equal_every_pair_scored(
    roster: tuple[list[Cadre], list[Mentor]],
    criteria: Criteria,
    sizes: tuple[int, int, int],
    cut: str,
    data: st.DataObject,
) -> None:
    cadres, mentors = roster
    top_k, group, rows = sizes
    cuts: dict[str, dict[str, Any]] = {
        "unit": {"same_unit_only": True},
        "grid": {"same_grid_only": True},
        "weakest": {"cover_weakest": 0.1},
        "min": {"min_weight": 1.0},
    }
    criteria = attrs.evolve(criteria, top_k=top_k, **cuts.get(cut, {}))
    pairs = [(c.id, x.id) for c in cadres for x in mentors]
    forbid = data.draw(st.lists(st.sampled_from(pairs), unique=True, max_size=4)) if pairs else []
    with pruning(on=False):
        want = compatibility_graph(cadres, mentors, criteria=criteria, forbid=forbid)
    with pruning(on=True, group=group, rows=rows), small_blocks(7, _candidates.CACHE):
        got = compatibility_graph(cadres, mentors, criteria=criteria, forbid=forbid)
    assert edge_data(got) == edge_data(want)
    assert got.graph == want.graph


def test_best_by_groups_on_a_larger_zone() -> None:
    cadres, mentors = roster(11, 300, 150)
    forbid = [(c.id, mentors[i % 150].id) for i, c in enumerate(cadres[:40])]
    require = [(cadres[-1].id, mentors[3].id)]
    for criteria in (
        Criteria(as_of=2025, top_k=5),
        Criteria(top_k=3, cross_unit=-1.0, weakest=2.0, min_weight=0.5),
    ):
        with pruning(on=False):
            want = compatibility_graph(
                cadres, mentors, criteria=criteria, forbid=forbid, require=require
            )
        with pruning(on=True, group=8, rows=32):
            got = compatibility_graph(
                cadres, mentors, criteria=criteria, forbid=forbid, require=require
            )
        assert edge_data(got) == edge_data(want)
