from __future__ import annotations

import math
import pickle
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadredev import (
    Cadre,
    Cohort,
    Eligibility,
    FrozenDict,
    InvalidInputError,
    Line,
    Mentor,
    MentorRole,
    Post,
    Posting,
    Rank,
    cohort_of,
)
from cadredev._hypothesis_plugin import _hypothesis_setup_hook
from cadredev.testing import cadres, mentors, posts


def cadre(**changes: object) -> Cadre:
    fields: dict[str, object] = {
        "id": "c1",
        "name": "张伟",
        "birth_year": 1990,
        "rank": "section",
        "unit": "招商局",
    }
    fields.update(changes)
    return Cadre(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("enum_cls", [Line, Rank, Cohort, MentorRole])
def test_enums_parse_from_value_name_and_label(enum_cls: type[Line]) -> None:
    for member in enum_cls:
        assert enum_cls.parse(member.value) is member
        assert enum_cls.parse(member.name.lower()) is member
        assert enum_cls.parse(member.label) is member
        assert enum_cls(member.label) is member
        assert member.label
        assert str(member) == member.value


def test_line_labels_match_the_domain() -> None:
    assert Line.INVESTMENT.label == "招商引资"
    assert Line.PROJECT.label == "项目建设"
    assert Line.SERVICE.label == "园区服务"
    assert Rank.LEADERSHIP.label == "班子成员"
    assert Cohort.OLD.label == "老"
    assert MentorRole.GROWTH.label == "成长导师"


def test_rank_order() -> None:
    assert sorted([Rank.LEADERSHIP, Rank.SECTION, Rank.DIVISION, Rank.RESEARCHER]) == [
        Rank.SECTION,
        Rank.RESEARCHER,
        Rank.DIVISION,
        Rank.LEADERSHIP,
    ]


@pytest.mark.parametrize(
    ("birth", "expected"),
    [(1991, Cohort.YOUNG), (1990, Cohort.MIDDLE), (1976, Cohort.MIDDLE), (1975, Cohort.OLD)],
)
def test_cohort_bounds(birth: int, expected: Cohort) -> None:
    assert cohort_of(birth, as_of=2025) is expected


@given(st.integers(1930, 2025), st.integers(1, 60), st.integers(1, 40))
def test_cohort_is_monotone_in_age(birth: int, young: int, span: int) -> None:
    order = [Cohort.YOUNG, Cohort.MIDDLE, Cohort.OLD]
    bounds = (young, young + span)
    older = cohort_of(max(1930, birth - 10), as_of=2025, bounds=bounds)
    assert order.index(older) >= order.index(cohort_of(birth, as_of=2025, bounds=bounds))


# ---------------------------------------------------------------- bad input

_NOT_ELIGIBILITY: Any = {}

BAD_RECORDS = [
    (lambda: cadre(id=""), "Cadre '': id must be a non-empty string"),
    (lambda: cadre(id="   "), "id must be a non-empty string"),
    (lambda: cadre(birth_year=2999), "birth_year must be a year from 1930"),
    (lambda: cadre(birth_year=1900), "birth_year must be a year from 1930"),
    (lambda: cadre(birth_year="1990"), "birth_year must be a year"),
    (lambda: cadre(birth_year=1990.0), "birth_year must be a year"),
    (lambda: cadre(rank="general"), "rank must be one of"),
    (lambda: cadre(rank="将军"), "rank must be one of"),
    (lambda: cadre(line="marketing"), "line must be one of"),
    (lambda: cadre(competencies={"ai": 1.5}), "competencies['ai'] must be in [0, 1]"),
    (lambda: cadre(competencies={"ai": -0.1}), "must be in [0, 1]"),
    (lambda: cadre(competencies={"ai": math.nan}), "must be in [0, 1]"),
    (lambda: cadre(competencies={"ai": "high"}), "must be a number"),
    (lambda: cadre(competencies={"ai": True}), "must be a number"),
    (lambda: cadre(competencies=[0.5]), "must be a mapping"),
    (lambda: cadre(industries="ai"), "industries must be a collection of strings"),
    (lambda: cadre(industries={""}), "industries must hold non-empty strings"),
    (lambda: cadre(unit=""), "unit must be a non-empty string"),
    (lambda: cadre(name=3), "name must be a string"),
    (lambda: cadre(history=["p1"]), "history must hold Posting records"),
    (lambda: cadre(joined_year=1800), "joined_year must be a year"),
    (lambda: Mentor(id="m07", unit="u", capacity=-1), "Mentor 'm07': capacity must be"),
    (lambda: Mentor(id="m07", unit="u", capacity=1.5), "capacity must be an integer"),
    (lambda: Mentor(id="m07", unit="u", capacity=True), "capacity must be an integer"),
    (lambda: Mentor(id="m07", unit="u", role="coach"), "role must be one of"),
    (lambda: Post(id="p1", unit="u", category=""), "Post 'p1': category must be"),
    (lambda: Post(id="p1", unit="u", category="x", capacity=-2), "capacity must be"),
    (lambda: Post(id="p1", unit="u", category="x", requirements={"a": 2}), "must be in [0, 1]"),
    (
        lambda: Post(id="p1", unit="u", category="x", eligibility=_NOT_ELIGIBILITY),
        "eligibility must be",
    ),
    (lambda: Posting(post_id="p1", start=5, end=3), "Posting 'p1': end must not be before start"),
    (lambda: Posting(post_id="p1", start="2024"), "start must be an integer period or a date"),
    (lambda: Eligibility(cohorts=["teen"]), "cohorts must be one of"),
    (lambda: Eligibility(min_rank="boss"), "min_rank must be one of"),
    (lambda: cohort_of(1990, as_of=2025, bounds=(50, 35)), "bounds must be increasing"),
    (lambda: cohort_of(2030, as_of=2025), "is after as_of"),
]


@pytest.mark.parametrize(("build", "fragment"), BAD_RECORDS)
def test_bad_records_raise_invalid_input(build: object, fragment: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        build()  # type: ignore[operator]
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_enum_error_lists_choices() -> None:
    with pytest.raises(InvalidInputError, match="unknown value 'x'"):
        Line.parse("x")


def test_eligibility_needs_as_of_for_cohorts() -> None:
    with pytest.raises(InvalidInputError, match="as_of"):
        Eligibility(cohorts={"young"}).admits(cadre())


def test_eligibility_reasons() -> None:
    rule = Eligibility(
        cohorts={Cohort.YOUNG},
        born_after=1992,
        min_rank=Rank.DIVISION,
        lines={"investment"},
        units={"建设局"},
        ranks={"处级"},
    )
    reasons = rule.reasons(cadre(), as_of=2025)
    assert len(reasons) == 6
    ok = cadre(birth_year=1995, rank="division", line="investment", unit="建设局")
    assert rule.admits(ok, as_of=2025)


# ---------------------------------------------------------------- laws


@given(cadres())
def test_records_are_hashable_and_picklable(c: Cadre) -> None:
    assert hash(c) == hash(attrs.evolve(c))
    assert pickle.loads(pickle.dumps(c)) == c  # noqa: S301


@given(st.dictionaries(st.sampled_from("abcdef"), st.floats(0, 1)), st.randoms())
def test_frozen_dict_is_order_insensitive(levels: dict[str, float], rnd: object) -> None:
    items = list(levels.items())
    rnd.shuffle(items)  # type: ignore[attr-defined]
    assert FrozenDict(dict(items)) == FrozenDict(levels)
    assert list(FrozenDict(dict(items))) == sorted(levels)


def test_numpy_integers_are_normalised() -> None:
    m = Mentor(id="m", unit="u", capacity=np.int64(3))
    assert type(m.capacity) is int
    c = cadre(birth_year=np.int32(1990))
    assert type(c.birth_year) is int


@given(mentors(), posts())
def test_generated_records_validate(m: Mentor, p: Post) -> None:
    assert attrs.evolve(m) == m
    assert attrs.evolve(p) == p


def test_from_type_draws_valid_records() -> None:
    _hypothesis_setup_hook()  # what the entry point runs when cadredev is installed

    @given(st.from_type(Cadre), st.from_type(Post))
    def check(c: Cadre, p: Post) -> None:
        assert isinstance(c, Cadre)
        assert isinstance(p, Post)

    check()


def test_tenure_eligibility() -> None:
    base = Cadre(id="c1", name="王", birth_year=1988, rank="section", unit="u")
    in_zone = Eligibility(min_years_in_zone=3)
    in_rank = Eligibility(min_years_in_rank=2)
    assert in_zone.reasons(base, as_of=2025) == ("years in the zone unknown, 3 needed",)
    assert in_zone.admits(attrs.evolve(base, joined_year=2022), as_of=2025)
    assert not in_zone.admits(attrs.evolve(base, joined_year=2023), as_of=2025)
    assert in_rank.admits(attrs.evolve(base, rank_since=2023), as_of=2025)
    assert in_rank.reasons(attrs.evolve(base, rank_since=2024), as_of=2025) == (
        "1 years in rank, 2 needed",
    )
    with pytest.raises(InvalidInputError, match="years in rank need as_of"):
        in_rank.admits(base)
    with pytest.raises(InvalidInputError, match="min_years_in_zone must be an integer >= 0"):
        Eligibility(min_years_in_zone=-1)
