"""Tests for the fairness laws equal_records and grades_follow_totals, and scorer failures."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from cadredev import io
from cadredev.datasets import sample_scheme
from cadredev.scoring import Indicator, Records, Scheme, ScoreTable, Target, score
from cadredev.testing import ALL, PropertyReport, check_scheme

VISITS = Indicator(id="visits", normalise=Target(0, 20, stretch=30, cap=1.2), weight=2)
SIGNED = Indicator(id="signed", normalise=Target(0, 2), weight=3)


def fixed_scheme(**options: Any) -> Scheme:
    return Scheme(name="fixed", indicators={"investment": [VISITS, SIGNED]}, **options)


def test_the_new_laws_are_in_the_battery() -> None:
    assert "equal_records" in ALL
    assert "grades_follow_totals" in ALL
    report = check_scheme(
        sample_scheme(), properties=["equal_records", "grades_follow_totals"], max_examples=30
    )
    assert report.ok, str(report)


def test_equal_records_catch_a_rule_that_favours_one_id() -> None:
    def favourite(scheme: Scheme, cadres: Any, records: Records, **kw: Any) -> ScoreTable:
        table = score(scheme, cadres, records, **kw)
        # identical records, different treatment: the lexically first id of a unit gets 100
        first: dict[str, str] = {}
        for c in sorted(cadres, key=lambda c: c.id):
            first.setdefault(c.unit, c.id)
        units = {c.id: c.unit for c in cadres}
        lucky = np.array([first[units[str(i)]] == str(i) for i in table.cadre_ids])
        return attrs.evolve(table, total=np.where(lucky, 100.0, 0.0))

    report = check_scheme(
        fixed_scheme(),
        properties=["equal_records", "independence"],
        scorer=favourite,
        max_examples=40,
    )
    assert "equal_records" in report.failed
    example = report.results["equal_records"].counterexample
    assert example is not None
    assert "same line, unit and records" in example.description
    assert "100" in example.description
    # the real scorer passes where the unfair one fails
    assert check_scheme(fixed_scheme(), properties=["equal_records"], max_examples=40).ok


def test_an_exact_quota_splits_twins_and_the_law_says_so() -> None:
    report = check_scheme(
        fixed_scheme(ties="secondary_keys", group_by=None),
        properties=["equal_records"],
        max_examples=60,
    )
    assert report.failed == ("equal_records",)


def test_grades_follow_totals_catch_reversed_grades() -> None:
    def reversed_grades(scheme: Scheme, cadres: Any, records: Records, **kw: Any) -> ScoreTable:
        table = score(scheme, cadres, records, **kw)
        worst = len(scheme.grades) - 1
        return attrs.evolve(table, grade_code=worst - table.grade_code)

    report = check_scheme(
        fixed_scheme(),
        properties=["grades_follow_totals"],
        scorer=reversed_grades,
        max_examples=60,
    )
    assert report.failed == ("grades_follow_totals",)
    example = report.results["grades_follow_totals"].counterexample
    assert example is not None
    assert "worse grade" in example.description


def test_a_crashing_scorer_is_its_own_failure() -> None:
    def fragile(scheme: Scheme, cadres: Any, records: Records, **kw: Any) -> ScoreTable:
        if len(list(cadres)) > 1:
            raise ZeroDivisionError("two cadres")
        return score(scheme, cadres, records, **kw)

    report = check_scheme(
        fixed_scheme(), properties=["independence", "quota"], scorer=fragile, max_examples=30
    )
    assert not report.ok
    assert report.failed == ()
    assert report.scorer_failures == ("independence", "quota")
    result = report.results["quota"]
    assert result.scorer_error.startswith("the scorer raised ZeroDivisionError")
    assert result.counterexample is not None
    assert result.counterexample.description.startswith(
        "the scorer raised ZeroDivisionError: two cadres on this input"
    )
    assert len(result.counterexample.cadres) == 2  # shrunk to the smallest input that fails
    assert "SCORER FAILED" in str(report)
    assert "the scorer failed on" in repr(report)
    assert io.load(PropertyReport, io.dump(report)) == report


def test_a_scorer_returning_the_wrong_type_is_its_own_failure() -> None:
    def wrong(scheme: Scheme, cadres: Any, records: Records, **kw: Any) -> Any:
        return score(scheme, cadres, records, **kw).total

    report = check_scheme(fixed_scheme(), properties=["boundedness"], scorer=wrong, max_examples=5)
    assert report.scorer_failures == ("boundedness",)
    assert "returned ndarray, not a ScoreTable" in report.results["boundedness"].scorer_error


def test_schemes_draw_floors_and_pools() -> None:
    from hypothesis import given, settings  # noqa: PLC0415

    from cadredev.testing import schemes  # noqa: PLC0415

    @settings(max_examples=20)
    @given(schemes(min_seats=[0, 1, 2], pool_below=[0, 4], group_by=["unit"]))
    def check(scheme: Scheme) -> None:
        assert scheme.min_seats in (0, 1, 2)
        assert scheme.pool_below in (0, 4)

    check()
