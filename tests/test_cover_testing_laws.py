"""Each law of :func:`cadredev.testing.check_scheme` catches a scorer broken
against it, and says how, while the real scorer passes the same law."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import pytest

from cadredev.scoring import Grade, Indicator, Records, Scheme, ScoreTable, Target, score
from cadredev.testing import check_scheme

VISITS = Indicator(id="visits", normalise=Target(0, 20, stretch=30, cap=1.2), weight=2)
SIGNED = Indicator(id="signed", normalise=Target(0, 2), weight=3)
SCHEME = Scheme(name="fixed", indicators={"investment": [VISITS, SIGNED]})

Scorer = Callable[..., ScoreTable]


def _broken(change: Callable[[ScoreTable, Scheme, tuple[Any, ...]], dict[str, Any]]) -> Scorer:
    def scorer(scheme: Scheme, cadres: Any, records: Records, **kw: Any) -> ScoreTable:
        table = score(scheme, cadres, records, **kw)
        return attrs.evolve(table, **change(table, scheme, tuple(kw.get("exemptions", ()))))

    return scorer


def _dropping_last(scheme: Scheme, cadres: Any, records: Records, **kw: Any) -> ScoreTable:
    """Score every cadre but the last, silently dropped with its records."""
    kept = list(cadres)[:-1]
    return score(scheme, kept, records.select(cadres=[c.id for c in kept]), **kw)


def _weights(scheme: Scheme) -> float:
    return float(sum(i.weight for i in scheme.all_indicators))


CASES = [
    (
        "boundedness",
        _broken(lambda t, s, e: {"total": np.asarray(t.total) + 1000.0}),
        "score before penalties",
    ),
    (
        "boundedness",
        _broken(
            lambda t, s, e: {
                "total": np.asarray(t.total) + 5.0,
                "penalties": np.asarray(t.penalties) - 5.0,
            }
        ),
        "penalty -5 is outside [0, ",
    ),
    # (a table cannot hold a NaN total any more: a scorer that tries fails on its own)
    ("totality", _dropping_last, "rows scored, expected"),
    (
        "own_monotonicity",
        _broken(lambda t, s, e: {"total": -np.asarray(t.total)}),
        "lowered its total",
    ),
    (
        "weight_homogeneity",
        _broken(lambda t, s, e: {"total": np.asarray(t.total) + _weights(s)}),
        "multiplying every weight by",
    ),
    (
        "exemption_idempotence",
        _broken(lambda t, s, e: {"total": np.asarray(t.total) - len(e)}),
        "applying the exemptions twice changed",
    ),
    (
        "exemption_locality",
        _broken(lambda t, s, e: {"total": np.asarray(t.total) - len(e)}),
        "moved",
    ),
    (
        "grade_monotonicity",
        _broken(lambda t, s, e: {"grade_code": len(s.grades) - 1 - np.asarray(t.grade_code)}),
        "but got the worse grade",
    ),
]


@pytest.mark.parametrize(("law", "scorer", "phrase"), CASES)
def test_a_broken_scorer_fails_the_law(law: str, scorer: Scorer, phrase: str) -> None:
    report = check_scheme(SCHEME, properties=[law], scorer=scorer, max_examples=60)
    assert report.failed == (law,)
    example = report.results[law].counterexample
    assert example is not None
    assert phrase in example.description


@pytest.mark.parametrize("law", sorted({case[0] for case in CASES}))
def test_the_real_scorer_passes(law: str) -> None:
    report = check_scheme(SCHEME, properties=[law], max_examples=30)
    assert report.ok, str(report)


def test_a_law_with_nothing_to_check_says_so() -> None:
    no_quota = attrs.evolve(SCHEME, grades=[Grade("pass", min_score=60.0), Grade("fail")])
    report = check_scheme(no_quota, properties=["quota", "veto_caps"], max_examples=5)
    assert report.ok
    assert report.results["quota"].note == "vacuous: no grade has a quota"
    assert report.results["veto_caps"].note == "vacuous: the scheme has no vetoes"
    assert check_scheme(SCHEME, properties=["quota"], max_examples=5).results["quota"].note == ""
