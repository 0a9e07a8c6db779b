from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadredev import Cohort, InvalidInputError, Line, MentorRole, Rank, sample_zone
from cadredev.datasets import Zone


@settings(max_examples=5)
@given(st.integers(min_value=0, max_value=2**32))
def test_sample_zone_is_deterministic(seed: int) -> None:
    assert sample_zone(seed) == sample_zone(seed)


def test_sample_zone_figures() -> None:
    zone = sample_zone()
    assert len(zone.cadres) == 246
    assert len(zone.units) == 12
    assert {c.unit for c in zone.cadres} == set(zone.units)
    assert len(zone.grid_mentors()) == 16
    assert all(m.capacity * 16 >= 230 for m in zone.grid_mentors())
    assert Counter(m.role for m in zone.mentors)[MentorRole.GROWTH] == 36
    cadre_ids = {c.id for c in zone.cadres}
    assert all(m.id in cadre_ids for m in zone.mentors)
    assert len(zone.enterprises) == 1600
    categories = Counter(p.category for p in zone.posts)
    assert categories["stationed"] == 9
    assert {"frontline", "host", "secondment"} <= set(categories)
    lines = Counter(c.line for c in zone.cadres)
    assert all(lines[line] > 50 for line in (Line.INVESTMENT, Line.PROJECT, Line.SERVICE))
    cohorts = Counter(zone.cohorts().values())
    assert all(cohorts[c] > 40 for c in Cohort)
    assert sum(c.birth_year >= 1990 for c in zone.cadres) >= 27
    assert Counter(c.rank for c in zone.cadres)[Rank.LEADERSHIP] == 8


def test_different_seeds_differ() -> None:
    assert sample_zone(0) != sample_zone(1)


def test_describe_mentions_the_headline_figures() -> None:
    text = sample_zone().describe()
    assert "246 cadres" in text
    assert "招商引资" in text
    assert "1600" in text


def test_zone_rejects_duplicate_ids() -> None:
    zone = sample_zone()
    with pytest.raises(InvalidInputError, match="duplicate id"):
        Zone(
            name="z",
            as_of=2025,
            cadres=zone.cadres + zone.cadres[:1],
            mentors=(),
            posts=(),
            enterprises=(),
            units=zone.units,
        )


def test_zone_lookup() -> None:
    zone = sample_zone()
    assert zone.cadre("c001").id == "c001"
    with pytest.raises(InvalidInputError, match="no cadre"):
        zone.cadre("nobody")


@pytest.mark.parametrize("seed", [-1, 1.5, "0"])
def test_bad_seed(seed: object) -> None:
    with pytest.raises(InvalidInputError, match="seed"):
        sample_zone(seed)  # type: ignore[arg-type]
