"""Tests for what-if tools: compare, compare_schemes, sensitivity and acceptability.

Rank correlations are checked against scipy.stats; weight intervals against
brute-force re-scoring at their ends.
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from cadredev import Cadre, InvalidInputError, Roster
from cadredev.datasets import demo_score_table, sample_zone
from cadredev.scoring import (
    Grade,
    Indicator,
    Records,
    Scheme,
    ScoreTable,
    Target,
    acceptability,
    compare,
    compare_schemes,
    score,
    sensitivity,
)
from cadredev.scoring._comparison import _inversions, kendall_tau_b, spearman_rho

# ------------------------------------------------------------------ rank correlation

values = st.lists(st.sampled_from((0.0, 1.0, 2.5, 3.0, 7.0, 50.0, 99.5)), min_size=2, max_size=40)


@given(st.data())
def test_kendall_and_spearman_agree_with_scipy(data: st.DataObject) -> None:
    x = np.array(data.draw(values))
    y = np.array(
        data.draw(
            st.lists(st.sampled_from([*x.tolist(), 4.0, 8.0]), min_size=x.size, max_size=x.size)
        )
    )
    tau = kendall_tau_b(x, y)
    rho = spearman_rho(x, y)
    ref_tau = scipy.stats.kendalltau(x, y).statistic if np.ptp(x) and np.ptp(y) else math.nan
    ref_rho = scipy.stats.spearmanr(x, y).statistic if np.ptp(x) and np.ptp(y) else math.nan
    if math.isnan(ref_tau):
        assert tau is None
    else:
        assert tau == pytest.approx(ref_tau, abs=1e-12)
    if math.isnan(ref_rho):
        assert rho is None
    else:
        assert rho == pytest.approx(ref_rho, abs=1e-12)


@given(st.lists(st.integers(0, 9), max_size=60))
def test_inversions_match_the_quadratic_count(seq: list[int]) -> None:
    naive = sum(1 for i in range(len(seq)) for j in range(i + 1, len(seq)) if seq[i] > seq[j])
    assert _inversions(np.array(seq, dtype=np.int64)) == naive


def test_kendall_on_a_large_input_agrees_with_scipy() -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(0, 500, 20_000).astype(float)
    y = x + rng.normal(0, 80, x.size).round()
    assert kendall_tau_b(x, y) == pytest.approx(scipy.stats.kendalltau(x, y).statistic, abs=1e-12)


# ------------------------------------------------------------------ compare

VISITS = Indicator(id="visits", normalise=Target(0, 20))
SIGNED = Indicator(id="signed", normalise=Target(0, 2))
GRADES = (Grade("excellent", quota=0.25), Grade("good", min_score=50), Grade("weak"))


def _scheme(w_visits: float, w_signed: float = 1.0, grades: Any = GRADES, name: str = "") -> Scheme:
    inds = [attrs.evolve(VISITS, weight=w_visits), attrs.evolve(SIGNED, weight=w_signed)]
    return Scheme(
        name=name or f"w{w_visits:g}/{w_signed:g}",
        indicators={"investment": inds},
        grades=grades,
    )


def _people(n: int, units: int = 2) -> list[Cadre]:
    return [
        Cadre(
            id=f"c{k:02d}",
            name=f"c{k:02d}",
            birth_year=1990,
            rank="section",
            unit=f"u{k % units}",
            line="investment",
        )
        for k in range(n)
    ]


cases = st.integers(2, 12).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(st.integers(0, 25), min_size=n, max_size=n),
        st.lists(st.integers(0, 3), min_size=n, max_size=n),
    )
)


def _records(n: int, visits: list[int], signed: list[int]) -> Records:
    return Records.from_rows(
        [(f"c{k:02d}", "2025-01", "visits", visits[k]) for k in range(n)]
        + [(f"c{k:02d}", "2025-01", "signed", signed[k]) for k in range(n)]
    )


@given(cases, st.sampled_from((0.5, 1.0, 3.0)), st.randoms(use_true_random=False))
def test_compare_finds_every_flip_and_is_order_free(
    case: tuple[int, list[int], list[int]], w: float, rnd: Any
) -> None:
    n, visits, signed = case
    people = _people(n)
    rec = _records(n, visits, signed)
    a, b = score(_scheme(1.0), people, rec), score(_scheme(w), people, rec)
    c = compare(a, b)
    naive = {
        str(cid) for cid, ga, gb in zip(a.cadre_ids, a.grade, b.grade, strict=True) if ga != gb
    }
    assert {f.cadre_id for f in c.flips} == naive
    assert all(f.better is not None for f in c.flips)
    for f in c.flips:
        order = [g.id for g in GRADES]
        assert f.better == (order.index(f.grade_b) < order.index(f.grade_a))
    assert sum(u.rows for u in c.unit_changes) == n
    shuffled = people.copy()
    rnd.shuffle(shuffled)
    assert compare_schemes(_scheme(1.0), _scheme(w), shuffled, rec) == c
    if w == 1.0:
        assert not c.flips
        assert c.kendall_tau in (None, 1.0)


def test_compare_says_why() -> None:
    people = _people(4, units=1)
    rec = _records(4, [20, 10, 12, 0], [0, 2, 1, 3])
    c = compare(score(_scheme(1.0), people, rec), score(_scheme(3.0), people, rec))
    text = c.explain()
    assert "grade flips" in text
    for f in c.flips:
        assert f.reason.startswith(("total", "same total", "vetoed", "veto lifted", "override"))
    assert "<table" in c._repr_html_()
    assert repr(c).startswith("Comparison(")
    pytest.importorskip("pandas")
    frame = c.to_pandas()
    assert int(frame["flipped"].sum()) == len(c.flips)


def test_compare_lists_rows_in_one_table_only() -> None:
    people = _people(3)
    rec = _records(3, [20, 10, 12], [0, 2, 1])
    a = score(_scheme(1.0), people, rec)
    b = score(_scheme(1.0), people[:2], rec.select(cadres=["c00", "c01"]))
    c = compare(a, b)
    assert c.only_a == (("c02", "2025-01"),)
    assert c.only_b == ()
    with pytest.raises(InvalidInputError, match="ScoreTable"):
        compare(a, "b")  # type: ignore[arg-type]


def test_compare_schemes_on_the_sample_zone() -> None:
    zone = sample_zone()
    assert zone.scheme is not None
    assert zone.records is not None
    other = attrs.evolve(zone.scheme, name="ceil", quota_rounding="ceil")
    c = compare_schemes(zone.scheme, other, zone.cadres, zone.records, period="2025-01")
    assert c.kendall_tau == 1.0  # the totals are the same; only seats moved
    assert all(f.better for f in c.flips)
    assert all(f.reason.startswith("same total") for f in c.flips)


# ------------------------------------------------------------------ sensitivity

THRESHOLDS = (Grade("top", min_score=80), Grade("mid", min_score=50), Grade("low"))


def _reweighted(table: ScoreTable, rec: Records, indicator: str, weight: float) -> ScoreTable:
    scheme = table.scheme
    inds = [
        attrs.evolve(i, weight=weight) if i.id == indicator else i for i in scheme.all_indicators
    ]
    new = attrs.evolve(scheme, indicators={"investment": inds})
    people = [
        Cadre(id=str(c), name=str(c), birth_year=1990, rank="section", unit="u0", line="investment")
        for c in table.cadre_ids
    ]
    return score(new, people, rec)


@settings(max_examples=40)
@given(cases, st.sampled_from((0.5, 1.0, 2.0)), st.sampled_from((0.5, 1.0, 4.0)))
def test_sensitivity_intervals_are_exact_for_threshold_grades(
    case: tuple[int, list[int], list[int]], wv: float, ws: float
) -> None:
    n, visits, signed = case
    people = _people(n, units=1)
    rec = _records(n, visits, signed)
    table = score(_scheme(wv, ws, grades=THRESHOLDS), people, rec)
    sens = sensitivity(table)
    eps = 1e-6
    for r in range(len(table)):
        for j, ind in enumerate(sens.indicator_ids):
            lo, hi = float(sens.low[r, j]), float(sens.high[r, j])
            w = float(sens.weights[j])
            assert lo <= w + 1e-9
            assert w <= hi + 1e-9
            here = table.grade[r]
            for end, outside in ((lo, lo * (1 - eps)), (hi, hi * (1 + eps))):
                if not math.isfinite(end) or end <= 0:
                    continue
                inside = end * (1 + eps) if end == lo else end * (1 - eps)
                if inside > 0:
                    assert _reweighted(table, rec, ind, inside).grade[r] == here
                if abs(outside - w) > 1e-9:
                    assert _reweighted(table, rec, ind, outside).grade[r] != here


def test_sensitivity_renders_and_checks() -> None:
    s = sensitivity(demo_score_table())
    assert s == sensitivity(demo_score_table())
    assert "weight" in s.explain("a")
    assert "<table" in s._repr_html_()
    with pytest.raises(InvalidInputError, match="unknown indicator"):
        s.interval("a", "nope")
    with pytest.raises(InvalidInputError, match="ScoreTable"):
        sensitivity("t")  # type: ignore[arg-type]
    pytest.importorskip("pandas")
    assert len(s.to_pandas()) == len(s.cadre_ids) * len(s.indicator_ids)


# ------------------------------------------------------------------ acceptability


def test_acceptability_is_seeded_and_sums_to_one() -> None:
    zone = sample_zone()
    assert zone.scheme is not None
    assert zone.records is not None
    table = score(zone.scheme, zone.cadres, zone.records, period="2025-01")
    a = acceptability(table, bounds=0.3, samples=50, seed=4)
    assert a == acceptability(table, bounds=0.3, samples=50, seed=4)
    assert np.allclose(a.probability.sum(axis=1), 1.0)
    fixed = acceptability(table, bounds=0.0, samples=3, seed=0)
    # weights that do not move give the table's own grades (no overrides here)
    best = np.asarray(fixed.grade_ids, dtype=object)[fixed.probability.argmax(axis=1)]
    assert (best == np.asarray(table.grade, dtype=object)).all()
    assert "weight draws" in a.explain(str(table.cadre_ids[0]))
    assert "<table" in a._repr_html_()


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"samples": 0}, "samples"),
        ({"bounds": 1.5}, "relative bound"),
        ({"bounds": {"nope": (0, 1)}}, "unknown indicator"),
        ({"bounds": {"visits": (2, 1)}}, "low <= high"),
        ({"bounds": "x"}, "bounds"),
        ({"seed": -1}, "seed"),
    ],
)
def test_acceptability_checks_arguments(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidInputError, match=fragment):
        acceptability(demo_score_table(), **kwargs)


@pytest.mark.parametrize("cadres", [None, 5, "c1", {"c1": 1}])
def test_compare_schemes_refuses_cadres_that_are_not_a_collection(cadres: object) -> None:
    zone = sample_zone()
    assert zone.scheme is not None
    with pytest.raises(InvalidInputError, match=r"^compare_schemes: cadres must be a collection"):
        compare_schemes(zone.scheme, zone.scheme, cadres, zone.records)  # type: ignore[arg-type]


def test_compare_schemes_takes_a_columnar_roster() -> None:
    zone = sample_zone()
    assert zone.scheme is not None
    assert zone.records is not None
    roster = Roster.from_cadres(zone.cadres, drop_nested=True)
    by_roster = compare_schemes(zone.scheme, zone.scheme, roster, zone.records, period="2025-01")
    by_records = compare_schemes(
        zone.scheme, zone.scheme, zone.cadres, zone.records, period="2025-01"
    )
    assert by_roster == by_records
