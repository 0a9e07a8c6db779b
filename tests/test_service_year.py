"""The sample service year (S19's data) and writing teams onto grids."""

from __future__ import annotations

from collections import Counter

import pytest

from cadredev import InvalidInputError
from cadredev.datasets import ServiceYear, sample_service_year, sample_zone
from cadredev.service import CaseState, service_metrics
from cadredev.teams import form_teams, grid_names, with_grids


@pytest.fixture(scope="module")
def year() -> ServiceYear:
    return sample_service_year(sample_zone(), seed=0)


def test_the_year_reaches_the_seed_figures(year: ServiceYear) -> None:
    assert len(year.visits) >= 5000  # 走访服务企业5000余家次
    assert len(year.resolved) >= 180  # 解决问题180余个
    enterprises = {v.enterprise_id for v in year.visits}
    assert len(enterprises) == 1600
    assert len(year.grids) == 6
    grid_counts = Counter(year.grid_of[e] for e in enterprises)
    assert max(grid_counts.values()) - min(grid_counts.values()) <= 1
    # every visit is made by a cadre of the enterprise's grid
    assert all(
        year.grid_of[v.cadre_id] == v.grid == year.grid_of[v.enterprise_id] for v in year.visits
    )
    assert any(c.source == "whistle" for c in year.cases)
    assert all(
        c.state is CaseState.CLOSED or c.opened.month >= 11 or c.level == 3 for c in year.cases
    )


def test_the_year_is_deterministic_and_feeds_metrics(year: ServiceYear) -> None:
    assert sample_service_year(sample_zone(), seed=0) == year
    assert sample_service_year(sample_zone(), seed=1) != year
    metrics = service_metrics(year.cases, visits=year.visits, period="year", by="grid")
    assert metrics.totals["visits"] == len(year.visits)
    assert metrics.totals["issues_resolved"] == len(year.resolved)
    assert [r.key for r in metrics.rows] == list(grid_names(year.grids))


def test_bad_arguments_to_the_service_year() -> None:
    with pytest.raises(InvalidInputError, match="seed"):
        sample_service_year(sample_zone(), seed=-1)
    with pytest.raises(InvalidInputError, match="year must be"):
        sample_service_year(sample_zone(), year=1.5)  # type: ignore[arg-type]


def test_with_grids_writes_teams_onto_cadres_and_mentors() -> None:
    zone = sample_zone()
    teams = form_teams(zone.cadres, n_teams=6, seed=0, as_of=zone.as_of)
    cadres = with_grids(zone.cadres, teams)
    assert [c.id for c in cadres] == [c.id for c in zone.cadres]
    for c in cadres:
        assert c.grid == f"grid-{teams.team_of(c.id) + 1}"
    mentors = with_grids(zone.grid_mentors(), teams)
    assert all(m.grid == f"grid-{teams.team_of(m.id) + 1}" for m in mentors)
    assert zone.cadres[0].grid is None  # the input is not changed


def test_with_grids_rejects_what_it_cannot_place() -> None:
    zone = sample_zone()
    teams = form_teams(zone.cadres[:10], n_teams=2, seed=0, as_of=zone.as_of)
    with pytest.raises(InvalidInputError, match="is in no team"):
        with_grids(zone.cadres[:11], teams)
    kept = with_grids(zone.cadres[:11], teams, strict=False)
    assert kept[10] == zone.cadres[10]
    with pytest.raises(InvalidInputError, match="2 distinct names"):
        with_grids(zone.cadres[:10], teams, names=["a"])
    with pytest.raises(InvalidInputError, match="2 distinct names"):
        with_grids(zone.cadres[:10], teams, names=["a", "a"])
    with pytest.raises(InvalidInputError, match="records with id and grid"):
        with_grids(["c001"], teams)
    with pytest.raises(InvalidInputError, match="Teams result"):
        with_grids(zone.cadres, "teams")  # type: ignore[arg-type]


def test_a_larger_generated_zone_keeps_the_sample_mix() -> None:
    zone = sample_zone(n_cadres=400)
    assert len(zone.cadres) == 400
    assert zone == sample_zone(n_cadres=400)
    sizes = Counter(c.unit for c in zone.cadres)
    base = Counter(c.unit for c in sample_zone().cadres)
    assert all(abs(sizes[u] - base[u] * 400 / 246) < 1 for u in base)
    assert len(zone.posts) == len(sample_zone().posts)
    assert len(zone.grid_mentors()) == 16
    with pytest.raises(InvalidInputError, match="n_cadres must be an integer >= 24"):
        sample_zone(n_cadres=10)
