"""Tests for quotas that fit real zones: option checks, min_seats, pooling, quota_report, pay.

The apportionment oracle here is written from the textbook definition of
Hamilton's method in exact rationals and shares no code with the library.
"""

from __future__ import annotations

import math
import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadredev import Cadre, InvalidInputError
from cadredev.datasets import demo_score_table
from cadredev.scoring import (
    Grade,
    Indicator,
    Records,
    Scheme,
    Target,
    allocate_pay,
    grade,
    quota_report,
    quota_seats,
    score,
)
from cadredev.testing import check_scheme

# The 1880 US census, apportionment population of the 38 states (total 49,371,340).
CENSUS_1880 = {
    "Alabama": 1262505,
    "Arkansas": 802525,
    "California": 864694,
    "Colorado": 194327,
    "Connecticut": 622700,
    "Delaware": 146608,
    "Florida": 269493,
    "Georgia": 1542180,
    "Illinois": 3077871,
    "Indiana": 1978301,
    "Iowa": 1624615,
    "Kansas": 996096,
    "Kentucky": 1648690,
    "Louisiana": 939946,
    "Maine": 648936,
    "Maryland": 934943,
    "Massachusetts": 1783085,
    "Michigan": 1636937,
    "Minnesota": 780773,
    "Mississippi": 1131597,
    "Missouri": 2168380,
    "Nebraska": 452402,
    "Nevada": 62266,
    "New Hampshire": 346991,
    "New Jersey": 1131116,
    "New York": 5082871,
    "North Carolina": 1399750,
    "Ohio": 3198062,
    "Oregon": 174768,
    "Pennsylvania": 4282891,
    "Rhode Island": 276531,
    "South Carolina": 995577,
    "Tennessee": 1542359,
    "Texas": 1591749,
    "Vermont": 332286,
    "Virginia": 1512565,
    "West Virginia": 618457,
    "Wisconsin": 1315497,
}


def hamilton_oracle(pops: list[int], house: int, floor: int = 0) -> list[int]:
    """Hamilton's method in exact rationals, with an optional floor of seats per state.

    Each state's quota is ``house * pop / total``; it gets the whole part,
    raised to the floor (at most its population); the seats left go to the
    largest fractional remainders over the seats held (ties: earlier state).
    """
    total = sum(pops)
    if total == 0:
        return [0] * len(pops)
    quotas = [Fraction(house * p, total) for p in pops]
    seats = [max(math.floor(q), min(floor, p)) for q, p in zip(quotas, pops, strict=True)]
    left = house - sum(seats)
    ranked = sorted(range(len(pops)), key=lambda i: (-(quotas[i] - seats[i]), i))
    for i in ranked[: max(left, 0)]:
        seats[i] += 1
    return seats


# ------------------------------------------------------------------ the 1880 census


def test_the_census_fixture_is_the_1880_total() -> None:
    assert len(CENSUS_1880) == 38
    assert sum(CENSUS_1880.values()) == 49_371_340


@pytest.mark.parametrize("floor", [0, 1])
@pytest.mark.parametrize("house", [299, 300])
def test_1880_seats_match_an_independent_hamilton(house: int, floor: int) -> None:
    pops = list(CENSUS_1880.values())
    expected = hamilton_oracle(pops, house, floor)
    total = sum(pops)
    # the house is the quota's seats: half_up rounding of quota * total gives exactly `house`
    got = quota_seats(
        pops,
        house / total,
        rounding="half_up",
        apportionment="largest_remainder",
        min_seats=floor,
    )
    assert got.tolist() == expected
    report = quota_report(CENSUS_1880, house=house, min_seats=floor)
    assert report.seats["largest_remainder"].tolist() == expected


def test_1880_shows_the_alabama_paradox_with_the_one_seat_floor() -> None:
    pops = list(CENSUS_1880.values())
    alabama = list(CENSUS_1880).index("Alabama")
    with_floor = [hamilton_oracle(pops, h, 1)[alabama] for h in (299, 300)]
    assert with_floor == [8, 7]  # the historical paradox
    without = [hamilton_oracle(pops, h, 0)[alabama] for h in (299, 300)]
    assert without == [8, 8]  # Nevada's seat is what tips it
    report = quota_report(CENSUS_1880, house=299, min_seats=1)
    assert report.seats_of("Alabama") == 8
    assert report.seats_of("Nevada") == 1
    alabama_299 = [
        p for p in report.paradoxes if p.kind == "alabama" and p.change == "house 299 -> 300"
    ]
    assert [(p.group, p.seats_before, p.seats_after) for p in alabama_299] == [("Alabama", 8, 7)]
    assert "Alabama from 8 to 7" in report.explain()
    plain = quota_report(CENSUS_1880, house=299)
    assert not any(p.group == "Alabama" and p.kind == "alabama" for p in plain.paradoxes)


@given(
    st.lists(st.integers(0, 60), min_size=1, max_size=12),
    st.integers(0, 3),
    st.data(),
)
def test_largest_remainder_agrees_with_the_oracle(
    sizes: list[int], floor: int, data: st.DataObject
) -> None:
    total = sum(sizes)
    quota = data.draw(st.sampled_from((0.0, 0.1, 0.2, 0.25, 1 / 3, 0.5, 1.0)))
    rounding: Any = data.draw(st.sampled_from(("floor", "half_up", "ceil")))
    got = quota_seats(
        sizes, quota, rounding=rounding, apportionment="largest_remainder", min_seats=floor
    )
    x = quota * total
    house = {
        "floor": math.floor(x + 1e-9),
        "half_up": math.floor(x + 0.5 + 1e-9),
        "ceil": math.ceil(x - 1e-9),
    }[rounding]
    assert got.tolist() == hamilton_oracle(sizes, min(house, total), floor if quota > 0 else 0)
    assert all(0 <= s <= n for s, n in zip(got.tolist(), sizes, strict=True))


@given(st.lists(st.integers(0, 40), min_size=1, max_size=10), st.integers(0, 3), st.data())
def test_per_group_seats_with_a_floor(sizes: list[int], floor: int, data: st.DataObject) -> None:
    quota = data.draw(st.sampled_from((0.0, 0.1, 0.2, 0.5)))
    got = quota_seats(sizes, quota, min_seats=floor).tolist()
    for s, n in zip(got, sizes, strict=True):
        base = math.floor(quota * n + 1e-9)
        assert s == (max(base, min(floor, n)) if quota > 0 else base)


def _population_oracle(sizes: dict[str, int], quota: float) -> set[tuple[str, str]]:
    pops = list(sizes.values())
    base = hamilton_oracle(pops, math.floor(quota * sum(pops) + 1e-9))
    seen = set()
    for i, name in enumerate(sizes):
        for step in (1, -1):
            changed = pops.copy()
            changed[i] += step
            if changed[i] < 0:
                continue
            seats = hamilton_oracle(changed, math.floor(quota * sum(changed) + 1e-9))[i]
            if (step > 0 and seats < base[i]) or (step < 0 and seats > base[i]):
                seen.add((name, f"size of {name!r} {pops[i]} -> {changed[i]}"))
    return seen


def test_quota_report_finds_the_population_paradoxes_the_oracle_finds() -> None:
    rng = random.Random(7)  # noqa: S311 - reproducible test cases
    for _ in range(300):
        sizes = {f"u{i}": rng.randint(1, 40) for i in range(rng.randint(2, 6))}
        report = quota_report(sizes, 0.2)
        got = {(p.group, p.change) for p in report.paradoxes if p.kind == "population"}
        assert got == _population_oracle(sizes, 0.2)


def test_a_unit_that_grows_can_lose_its_seat() -> None:
    sizes = {"u0": 18, "u1": 34, "u2": 2}
    report = quota_report(sizes, 0.2)
    assert _population_oracle(sizes, 0.2) == {("u2", "size of 'u2' 2 -> 3")}
    (p,) = [p for p in report.paradoxes if p.kind == "population"]
    assert str(p) == "population paradox: size of 'u2' 2 -> 3 takes u2 from 1 to 0 seats"


def test_quota_report_shows_and_renders() -> None:
    r = quota_report({"a": 7, "b": 3}, 0.2, min_seats=1)
    assert r.seats["floor"].tolist() == [1, 1]
    assert r == quota_report({"a": 7, "b": 3}, 0.2, min_seats=1)
    assert "<table" in r._repr_html_()
    pytest.importorskip("pandas")
    assert list(r.to_pandas().columns) == [
        "group",
        "size",
        "floor",
        "half_up",
        "ceil",
        "largest_remainder",
    ]


def test_quota_report_from_a_score_table() -> None:
    t = demo_score_table()
    r = quota_report(t)
    assert r.quota == t.scheme.grades[0].quota
    assert int(r.sizes.sum()) == len(t)


@pytest.mark.parametrize(
    ("args", "kwargs", "fragment"),
    [
        (({"a": -1}, 0.2), {}, "size of group"),
        (({"a": 1}, 0.2), {"house": 1}, "exactly one"),
        (({"a": 1},), {}, "exactly one"),
        (({"a": 1},), {"house": 2}, "house must be"),
        (({"a": 1}, 1.5), {}, "quota"),
        (({"a": 1}, 0.2), {"rounding": "banker"}, "rounding"),
        ((["a"], 0.2), {}, "mapping"),
    ],
)
def test_quota_report_checks_arguments(
    args: tuple[Any, ...], kwargs: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(InvalidInputError, match=fragment):
        quota_report(*args, **kwargs)


# ------------------------------------------------------------------ option checks


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"quota": 1.5}, "quota must be a real number in"),
        ({"quota": -0.1}, "quota"),
        ({"quota": float("nan")}, "quota"),
        ({"quota": True}, "quota"),
        ({"quota": 0.2, "rounding": "banker"}, "rounding must be one of"),
        ({"quota": 0.2, "apportionment": "nope"}, "apportionment must be one of"),
        ({"quota": 0.2, "min_seats": -1}, "min_seats"),
        ({"quota": 0.2, "min_seats": 1.5}, "min_seats"),
    ],
)
def test_quota_seats_rejects_bad_options(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidInputError, match=fragment):
        quota_seats([10, 5], **kwargs)


@pytest.mark.parametrize("sizes", [[1.5, 2], [-1, 3], [[1, 2]]])
def test_quota_seats_rejects_bad_sizes(sizes: Any) -> None:
    with pytest.raises(InvalidInputError, match="sizes"):
        quota_seats(sizes, 0.2)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"decimals": 400}, "decimals"),
        ({"decimals": -3}, "decimals"),
        ({"decimals": 13}, "decimals"),
        ({"decimals": 2.0}, "decimals"),
        ({"decimals": True}, "decimals"),
        ({"caps": [7, 0]}, r"caps\[0\]"),
        ({"caps": [0, -1]}, r"caps\[1\]"),
        ({"caps": [0.5, 0]}, "caps"),
        ({"quota_rounding": "banker"}, "quota_rounding"),
        ({"apportionment": "nope"}, "apportionment"),
        ({"min_seats": -1}, "min_seats"),
        ({"pool_below": -2}, "pool_below"),
    ],
)
def test_grade_rejects_bad_options(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidInputError, match=fragment):
        grade([10.0, 99.0], **kwargs)


def test_grade_accepts_the_decimal_range() -> None:
    assert grade([10.0, 99.0], decimals=0).grade.tolist() == ["incompetent", "competent"]
    assert grade([10.0, 99.0], decimals=12).grade.tolist() == ["incompetent", "competent"]


VISITS = Indicator(id="visits", normalise=Target(0, 20))


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"min_seats": -1}, "min_seats"),
        ({"min_seats": 1.5}, "min_seats"),
        ({"pool_below": True}, "pool_below"),
        ({"pool_below": 3, "group_by": "line"}, "group_by='unit'"),
        ({"pool_by": "county"}, "pool_by"),
        ({"quota_rounding": "banker"}, "quota_rounding"),
        ({"apportionment": "nope"}, "apportionment"),
    ],
)
def test_scheme_rejects_bad_quota_options(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidInputError, match=fragment):
        Scheme(name="s", indicators={"investment": [VISITS]}, **kwargs)


# ------------------------------------------------------------------ small units


def _people(units: dict[str, int], line: str = "investment") -> list[Cadre]:
    return [
        Cadre(id=f"{u}-{k}", name=f"{u}-{k}", birth_year=1990, rank="section", unit=u, line=line)
        for u, n in units.items()
        for k in range(n)
    ]


def _records(people: list[Cadre]) -> Records:
    return Records.from_rows(
        [(c.id, "2025-01", "visits", 20 - 2 * (k % 5)) for k, c in enumerate(people)]
    )


GRADES = (Grade("excellent", "优秀", quota=0.2), Grade("competent", "称职"))


def test_a_small_unit_gets_no_seat_unless_given_a_floor() -> None:
    people = _people({"big": 10, "small": 4})
    rec = _records(people)
    plain = Scheme(name="plain", indicators={"investment": [VISITS]}, grades=GRADES)
    t = score(plain, people, rec)
    small = np.asarray(t.groups) == "small"
    assert "excellent" not in set(t.grade[small].tolist())
    floored = Scheme(name="f", indicators={"investment": [VISITS]}, grades=GRADES, min_seats=1)
    t = score(floored, people, rec)
    assert t.grade[np.asarray(t.groups) == "small"].tolist().count("excellent") == 1
    assert t.grade[np.asarray(t.groups) == "big"].tolist().count("excellent") == 2


@pytest.mark.parametrize("pool_by", ["zone", "line"])
def test_small_units_are_pooled(pool_by: str) -> None:
    people = _people({"big": 10, "s1": 3, "s2": 2}) + _people({"s3": 2}, line="project")
    rec = _records(people)
    scheme = Scheme(
        name="pooled",
        indicators={"investment": [VISITS], "project": [VISITS]},
        grades=GRADES,
        pool_below=5,
        pool_by=pool_by,  # type: ignore[arg-type]
    )
    t = score(scheme, people, rec)
    groups = dict(zip(t.cadre_ids.tolist(), t.groups.tolist(), strict=True))
    assert groups["big-0"] == "big"
    if pool_by == "zone":
        assert {groups["s1-0"], groups["s2-0"], groups["s3-0"]} == {"pooled"}
    else:
        assert groups["s1-0"] == groups["s2-0"] == "pooled investment"
        assert groups["s3-0"] == "pooled project"
    # the pooled group's quota is honoured, and the whole battery still holds the quota law
    for g in set(groups.values()):
        members = np.asarray(t.groups) == g
        seats = quota_seats([int(members.sum())], 0.2)[0]
        assert int((t.grade[members] == "excellent").sum()) <= seats


@pytest.mark.parametrize(
    "options",
    [
        {"min_seats": 1},
        {"min_seats": 2, "apportionment": "largest_remainder"},
        {"pool_below": 3},
        {"pool_below": 3, "pool_by": "line", "min_seats": 1, "quota_rounding": "ceil"},
    ],
)
def test_the_quota_law_holds_with_floors_and_pools(options: dict[str, Any]) -> None:
    scheme = Scheme(
        name="s",
        indicators={"investment": [VISITS], "project": [VISITS]},
        grades=GRADES,
        **options,
    )
    report = check_scheme(
        scheme,
        properties=["quota", "equal_treatment", "grade_monotonicity", "grades_follow_totals"],
        max_examples=25,
        units=("u1", "u2", "u3"),
    )
    assert report.ok, str(report)


# ------------------------------------------------------------------ exact pay


def _pay_oracle(pool_cents: int, points: list[float]) -> list[int]:
    weights = [Fraction(p) for p in points]
    total = sum(weights)
    exact = [pool_cents * w / total for w in weights]
    return [math.floor(e) for e in exact]


@pytest.mark.parametrize(
    "pool",
    [10**15, Decimal("999999999999999.99"), Decimal("0.01"), 1e15, 123456789012.34, 0],
)
def test_pay_sums_to_the_pool_exactly_up_to_1e15(pool: Any) -> None:
    t = demo_score_table()
    pay = allocate_pay(t, pool=pool, coefficients={"excellent": 1.7, "competent": 1})
    cents = int(Decimal(str(pool)) * 100)
    assert sum(int(c) for c in pay.cents) == cents
    floors = _pay_oracle(cents, pay.points.tolist())
    for c, f in zip(pay.cents.tolist(), floors, strict=True):
        assert c in (f, f + 1)


@given(
    st.integers(0, 10**17),
    st.lists(st.floats(0.01, 1e6, allow_nan=False), min_size=1, max_size=30),
)
def test_the_exact_share_agrees_with_rationals(pool_cents: int, points: list[float]) -> None:
    from cadredev.scoring._pay import _share  # noqa: PLC0415

    pts = np.array(points)
    n = pts.size
    cents = _share(pool_cents, pts, codes=np.zeros(n, dtype=np.int64), total=np.zeros(n))
    assert int(sum(int(c) for c in cents)) == pool_cents
    floors = _pay_oracle(pool_cents, points)
    assert all(c - f in (0, 1) for c, f in zip(cents.tolist(), floors, strict=True))


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"pool": 1e17}, "at most"),
        ({"pool": 10**15 + 1}, "at most"),
        ({"pool": Decimal("1.001")}, "whole number of cents"),
        ({"pool": Decimal("NaN")}, "finite"),
        ({"pool": -1}, "non-negative"),
        ({"pool": True}, "finite"),
        ({"pool": 100, "score_share": True}, "score_share"),
        ({"pool": 100, "score_share": 1.5}, "score_share"),
        ({"pool": 100, "score_share": float("nan")}, "score_share"),
    ],
)
def test_allocate_pay_rejects_bad_pools(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidInputError, match=fragment):
        allocate_pay(demo_score_table(), coefficients={"excellent": 2, "competent": 1}, **kwargs)


# ------------------------------------------------------------------ period labels


@pytest.mark.parametrize("label", ["2025-01\n", "２０２５-01", "2025Q1\n", "2025\n", "٢٠٢٥"])
def test_period_labels_take_ascii_digits_only(label: str) -> None:
    with pytest.raises(InvalidInputError, match="period label"):
        Records.from_rows([("a", label, "visits", 1.0)])


@given(st.permutations(["2025", "2025Q1", "2025-01", "2024-12", "2025-02", "2025Q2", "2024"]))
def test_periods_are_ordered_by_date_whatever_the_input_order(labels: list[str]) -> None:
    rec = Records.from_rows([("a", p, "visits", 1.0) for p in labels])
    assert rec.periods == ("2024", "2024-12", "2025-01", "2025Q1", "2025", "2025-02", "2025Q2")


def test_schemes_with_floors_and_pools_round_trip() -> None:
    from cadredev import io  # noqa: PLC0415

    scheme = Scheme(
        name="s", indicators={"investment": [VISITS]}, min_seats=1, pool_below=4, pool_by="line"
    )
    assert io.load(Scheme, io.dump(scheme)) == scheme


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 30), min_size=1), st.randoms())
def test_quota_report_is_the_same_whatever_the_input_order(sizes: dict[str, int], rnd: Any) -> None:
    items = list(sizes.items())
    rnd.shuffle(items)
    assert quota_report(dict(items), 0.2, min_seats=1) == quota_report(sizes, 0.2, min_seats=1)
    assert quota_report(sizes, 0.2).groups == tuple(sorted(sizes))


# ------------------------------------------------- hostile values at grade() and quota_seats()

BAD_SCORES = [
    (None, "scores must be an array"),
    ("90", "scores must be an array"),
    ({90.0, 80.0}, "scores must be an array"),
    ([[90.0], [80.0, 70.0]], "scores must be an array"),
    ([90.0, float("nan")], r"scores\[1\] must be finite"),
    ([90.0, float("inf")], r"scores\[1\] must be finite"),
    ([90.0, 10**400], r"scores\[1\] must be a finite real number"),
    ([90.0, "80"], "scores must be an array of real numbers"),
    ([90.0, None], r"scores\[1\] must be a finite real number"),
    ([True, False], "scores must be an array of real numbers, got dtype bool"),
    (np.array([1 + 1j]), "scores must be an array of real numbers, got dtype complex"),
    (np.zeros((2, 2)), "scores must have shape"),
]


@pytest.mark.parametrize(("scores", "message"), BAD_SCORES)
def test_grade_refuses_scores_that_are_not_finite_reals(scores: object, message: str) -> None:
    with pytest.raises(InvalidInputError, match=f"^grade: {message}"):
        grade(scores)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"groups": [[1], [2]]}, "groups must hold labels"),
        ({"groups": [None, None]}, "groups must hold labels"),
        ({"groups": 5}, "groups must be a collection"),
        ({"groups": ["u"]}, "groups must have one entry per score"),
        ({"caps": [0, 10**30]}, r"caps\[1\] must be an integer within int64"),
        ({"caps": [0.0, 1.0]}, "caps must be an array of integers"),
        ({"caps": [0, 9]}, r"caps\[1\] must be a grade index"),
        ({"ids": ["a", 1]}, r"ids\[1\] must be a non-empty string"),
        ({"ids": None, "grades": None}, "grades must be a collection"),
        ({"grades": [None]}, "grades must be a non-empty sequence of Grade"),
        ({"ties": "secondary_keys", "secondary": [[1.0], [float("nan")]]}, "secondary"),
        ({"ties": "secondary_keys", "secondary": ["a", "b"]}, "secondary"),
        ({"ties": "secondary_keys", "secondary": [[1.0, 2.0]]}, "secondary must have shape"),
        ({"min_seats": 10**30}, "min_seats must be an integer in"),
        ({"pool_below": 0.0}, "pool_below must be an integer"),
        ({"pool_below": 10**30}, "pool_below must be an integer"),
        ({"pool_below": 5, "pools": [[1], [2]]}, "pools must hold labels"),
        ({"apportionment": "largest_remainder", "domains": [{}, {}]}, "domains must hold labels"),
        ({"decimals": 10**30}, "decimals must be an integer"),
    ],
)
def test_grade_refuses_wrong_options_by_name(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError, match=f"^grade: {message}"):
        grade([90.0, 80.0], **options)


def test_grade_takes_labels_of_any_one_kind_as_before() -> None:
    by_text = grade([90.0, 80.0, 70.0], ["u", "v", "u"])
    by_int = grade([90.0, 80.0, 70.0], [3, 10**30, 3])
    assert by_text.codes.tolist() == by_int.codes.tolist()
    assert by_int.groups == ("1000000000000000000000000000000", "3")
    assert grade(np.array([90.0, 80.0]), np.array([7, 7])).groups == (7,)


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ([7, 10**18], r"sizes\[1\] must be <= 1000000000"),  # once a MemoryError
        ([7, 10**400], r"sizes\[1\] must be an integer within int64"),
        ([7, -1], r"sizes\[1\] must be >= 0"),
        ([7.0, 3.0], "sizes must be an array of integers"),
        ([7, "3"], "sizes must be an array of integers"),
        ([[7], [3, 1]], "sizes must be an array of integers"),
        ([True], "sizes must be an array of integers"),
        (None, "sizes must be an array of integers"),
        (np.array([2**63], dtype=np.uint64), "sizes holds integers beyond the int64 range"),
    ],
)
def test_quota_seats_refuses_counts_that_are_not_small_integers(
    sizes: object, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=f"^quota_seats: {message}"):
        quota_seats(sizes, 0.2)  # type: ignore[arg-type]


@pytest.mark.parametrize("min_seats", [10**30, -1, 1.0, True, "1"])
def test_quota_seats_refuses_a_floor_that_is_not_a_count(min_seats: object) -> None:
    with pytest.raises(InvalidInputError, match=r"^quota_seats: min_seats must be an integer in"):
        quota_seats([7, 3], 0.2, min_seats=min_seats)  # type: ignore[arg-type]


def test_quota_report_refuses_sizes_beyond_a_count() -> None:
    with pytest.raises(InvalidInputError, match=r"^quota_report: size of group 'b'"):
        quota_report({"a": 7, "b": 10**30}, 0.2)
    with pytest.raises(InvalidInputError, match=r"^QuotaReport: groups must not repeat"):
        quota_report({1: 7, "1": 3}, 0.2)  # type: ignore[dict-item]


@given(st.lists(st.integers(0, 10**9), max_size=6), st.floats(0, 1), st.integers(0, 10**9))
def test_quota_seats_at_the_largest_counts_stay_exact(
    sizes: list[int], quota: float, min_seats: int
) -> None:
    per_group = quota_seats(sizes, quota, min_seats=min_seats)
    shared = quota_seats(sizes, quota, apportionment="largest_remainder", min_seats=min_seats)
    assert per_group.dtype == shared.dtype == np.int64
    assert ((per_group >= 0) & (per_group <= np.array(sizes, dtype=np.int64))).all()
    assert ((shared >= 0) & (shared <= np.array(sizes, dtype=np.int64))).all()
