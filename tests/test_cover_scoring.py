"""Normalisers and Records on the paths the scoring tests leave: constructor
errors, the callable form, descriptions, inverses (checked by applying them)
and the checks on a user's own normaliser; Records built from matrices."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from cadredev._validate import ID_RULE
from cadredev.errors import InvalidInputError
from cadredev.scoring import Linear, LookupTable, MinMax, Percentile, Records, Step, Target
from cadredev.scoring._normalise import attain


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Target(0, 10, cap=0.5), "Target: cap must be >= 1, got 0.5"),
        (lambda: Linear(3, 3), "Linear: lo must differ from hi, got lo=hi=3.0"),
        (
            lambda: LookupTable([]),
            "LookupTable: steps must be a non-empty sequence of (threshold, score), got []",
        ),
        (
            lambda: LookupTable("1,2"),
            "LookupTable: steps must be a non-empty sequence of (threshold, score), got '1,2'",
        ),
        (
            lambda: LookupTable([(1, 0.5, 2)]),
            "LookupTable: each step must be a (threshold, score) pair, got (1, 0.5, 2)",
        ),
        (lambda: LookupTable([(1, -0.5)]), "LookupTable: score must be >= 0, got -0.5"),
        (
            lambda: LookupTable([(3, 0.5), (1, 1.0)]),
            "LookupTable: thresholds must be strictly increasing, got [3.0, 1.0]",
        ),
        (lambda: LookupTable([(1, 0.5)], below=-1), "LookupTable: below must be >= 0, got -1.0"),
    ],
)
def test_normaliser_arguments_are_checked(build: Any, message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        build()
    assert str(info.value) == message


VALUES = np.array([-5.0, 0.0, 3.0, 10.0, 14.0, 25.0, 40.0])


@pytest.mark.parametrize(
    "norm",
    [
        Target(0, 10, stretch=20, cap=1.5),
        Target(0, 10, cap=1.2),
        Target(10, 0),
        Linear(0, 20),
        Linear(0, 20, clip=False),
        LookupTable([(1, 0.5), (10, 1.0)]),
        Step([0, 10], [0.0, 0.5, 1.0]),
    ],
)
def test_calling_equals_apply(norm: Any) -> None:
    assert np.array_equal(norm(VALUES.tolist()), norm.apply(VALUES))


@pytest.mark.parametrize("norm", [MinMax(), Percentile()])
def test_relative_scales_called_are_increasing(norm: Any) -> None:
    assert np.array_equal(norm(VALUES), norm.apply_relative(VALUES, increasing=True))
    assert norm.inverse(0.5) is None
    assert "cohort-relative" in norm.describe()


def test_descriptions() -> None:
    assert Target(0, 10, stretch=20, cap=1.5).describe() == "0 at 0, 1 at 10, 1.5 at 20"
    assert Target(0, 10).describe() == "0 at 0, 1 at 10"
    assert MinMax().describe() == "min-max over the cadres scored in the period (cohort-relative)"
    assert Percentile().describe() == (
        "share of the cadres scored in the period beaten (cohort-relative)"
    )


@pytest.mark.parametrize(
    "norm",
    [Target(0, 10, stretch=20, cap=1.5), Target(0, 10, cap=1.2), Target(10, 0), Linear(5, 25)],
)
@pytest.mark.parametrize("s", [0.0, 0.25, 1.0, 1.1, 1.2])
def test_inverse_reaches_the_attainment(norm: Any, s: float) -> None:
    x = norm.inverse(s)
    top = float(norm.apply(np.array([1e9, -1e9])).max())
    if s > top + 1e-12:
        assert x is None
        return
    assert x is not None
    assert math.isclose(float(norm.apply(np.array([x]))[0]), s, abs_tol=1e-9)


def test_inverse_below_zero_is_the_floor() -> None:
    assert Target(2, 10).inverse(-1.0) == 2.0
    assert Target(2, 10, cap=1.5).inverse(2.0) is None


class _Doubling:
    def __call__(self, values: Any) -> Any:
        return np.asarray(values) * 2

    def describe(self) -> str:
        return "twice"


class _Raising(_Doubling):
    def __call__(self, values: Any) -> Any:
        raise ZeroDivisionError("nothing")


class _Short(_Doubling):
    def __call__(self, values: Any) -> Any:
        return np.asarray(values)[:1]


class _Negative(_Doubling):
    def __call__(self, values: Any) -> Any:
        return -np.asarray(values)


def test_a_users_normaliser_is_checked() -> None:
    values = np.array([1.0, 2.0])
    assert np.array_equal(attain(_Doubling(), values, where="w"), [2.0, 4.0])
    with pytest.raises(
        InvalidInputError, match=r"^w: normaliser .* raised ZeroDivisionError: nothing$"
    ):
        attain(_Raising(), values, where="w")
    with pytest.raises(
        InvalidInputError, match=r"^w: normaliser .* returned shape \(1,\) for \(2,\) values$"
    ):
        attain(_Short(), values, where="w")
    with pytest.raises(InvalidInputError, match=r"^w: normaliser .*-1"):
        attain(_Negative(), values, where="w")


# ------------------------------------------------------------------ Records


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((["a"], ["x"], [1.0]), "Records.from_matrix: values must be 2-D, got (1,)"),
        ((["a"], ["x", "y"], [[1.0]]), "Records.from_matrix: 1 columns but 2 indicator ids"),
        (
            (["a"], ["x", "x"], [[1.0, 2.0]]),
            "Records.from_matrix: duplicate indicator id(s) ['x']",
        ),
        ((["a", "b"], ["x"], [[1.0]]), "Records.from_matrix: 1 rows but 2 cadre ids"),
        (
            (["a", " "], ["x"], [[1.0], [2.0]]),
            "Records: cadre ids must be non-empty strings, got ' '",
        ),
    ],
)
def test_from_matrix_refuses(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        Records.from_matrix(*args, period="2025-01")
    assert str(info.value) == message


def test_from_matrix_with_a_period_per_row_equals_from_rows() -> None:
    cadres = ["b", "a", "b", "a"]
    periods = ["2025-02", "2025-02", "2025-01", "2025-01"]
    values = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    got = Records.from_matrix(cadres, ["x", "y"], values, period=periods)
    rows = [
        (c, p, ind, float(values[r, j]))
        for r, (c, p) in enumerate(zip(cadres, periods, strict=True))
        for j, ind in enumerate(["x", "y"])
    ]
    assert got == Records.from_rows(rows)
    assert got.periods == ("2025-01", "2025-02")
    with pytest.raises(
        InvalidInputError, match=r"^Records.from_matrix: 4 rows but 1 period labels$"
    ):
        Records.from_matrix(cadres, ["x", "y"], values, period=["2025-01"])


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"cadre_id": "a", "period": "2025"}, "Records row 0: missing key 'indicator'"),
        (
            ("a", "2025"),
            "Records row 0: expected (cadre_id, period, indicator, value), got ('a', '2025')",
        ),
        (5, "Records row 0: expected (cadre_id, period, indicator, value), got 5"),
        (
            ("a", "2025", "", 1.0),
            "Records row 0 ('a', '2025', ''): indicator must be " + ID_RULE + ", got ''",
        ),
        (
            (3, "2025", "x", 1.0),
            "Records row 0 (3, '2025', 'x'): cadre_id must be " + ID_RULE + ", got 3",
        ),
    ],
)
def test_from_rows_refuses(row: Any, message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        Records.from_rows([row])
    assert str(info.value) == message


def test_records_compare_only_with_records() -> None:
    r = Records.from_rows([("a", "2025", "x", 1.0)])
    assert r != "records"
    assert r != Records.from_rows([("a", "2025", "y", 1.0)])
    assert r == Records.from_rows(
        [{"cadre_id": "a", "period": "2025", "indicator": "x", "value": 1}]
    )
    assert r.value("a", "2025", "x") == 1.0
    assert r.value("a", "2025", "y") is None
    assert r.value("b", "2025", "x") is None


def test_direction_of_tables_and_bands() -> None:
    assert LookupTable([(1, 0.5), (3, 1.0)]).increasing is True
    assert LookupTable([(1, 0.5), (3, 0.2)], below=1.0).increasing is False
    assert LookupTable([(1, 1.0), (2, 0.5), (3, 0.8)]).increasing is None
    rising = Step([0, 10], [0.0, 0.5, 1.0])
    falling = Step([0, 10], [1.0, 0.5, 0.0], closed="right")
    assert rising.inverse(2.0) is None
    for norm in (rising, falling):
        for s in (0.0, 0.5, 1.0):
            x = norm.inverse(s)
            assert x is not None
            assert float(norm.apply(np.array([x]))[0]) >= s


def test_select_of_periods_not_recorded() -> None:
    r = Records.from_rows([("a", "2025-01", "x", 1.0), ("b", "2025-02", "x", 2.0)])
    assert r.select(periods=["2025-02", "2025-03"]) == Records.from_rows(
        [("b", "2025-02", "x", 2.0)]
    )
    assert r.select(cadres=["a", "zz"]) == Records.from_rows([("a", "2025-01", "x", 1.0)])
