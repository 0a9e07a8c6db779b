"""Tests for the scoring strategies of cadredev.testing: validity, options, shrinking."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from cadredev import Cadre, Line
from cadredev._hypothesis_plugin import _hypothesis_setup_hook
from cadredev.datasets import sample_scheme
from cadredev.scoring import (
    Exemption,
    Indicator,
    Linear,
    LookupTable,
    MinMax,
    Percentile,
    Records,
    Scheme,
    Target,
    score,
)
from cadredev.testing import (
    bipartite_graphs,
    cadres,
    exemptions,
    indicators,
    mentors,
    posts,
    records,
    rosters,
    schemes,
)
from cadredev.testing._records import scored_roster

FIND = settings(database=None, max_examples=500)

PEOPLE = [
    Cadre(id="a", name="a", birth_year=1990, rank="section", unit="u1", line="investment"),
    Cadre(id="b", name="b", birth_year=1991, rank="section", unit="u1", line="investment"),
    Cadre(id="c", name="c", birth_year=1985, rank="section", unit="u2", line="project"),
    Cadre(id="d", name="d", birth_year=1980, rank="section", unit="u2", line="service"),
]


# ------------------------------------------------------------------ indicators


@given(indicators())
def test_indicators_are_valid_and_direction_agrees(ind: Indicator) -> None:
    assert isinstance(ind, Indicator)
    assert ind.weight >= 0
    inc = getattr(ind.normalise, "increasing", None)
    if inc is not None and not (isinstance(ind.normalise, LookupTable) and ind.normalise.constant):
        assert inc == (ind.direction == "max")
    assert ind.per is None or ind.kind in ("flow", "event")


@given(
    indicators(
        normalisers=["lookup"], kinds=["stock"], directions=["min"], weights=(2.0, 3.0), per=False
    )
)
def test_indicators_respect_options(ind: Indicator) -> None:
    assert isinstance(ind.normalise, LookupTable)
    assert ind.kind == "stock"
    assert ind.direction == "min"
    assert 2.0 <= ind.weight <= 3.0
    assert ind.per is None


@given(indicators(normalisers=["minmax", "percentile"]))
def test_indicators_can_draw_relative_normalisers(ind: Indicator) -> None:
    assert isinstance(ind.normalise, MinMax | Percentile)


@given(indicators(normalisers=["linear"], unbounded=True))
def test_indicators_unbounded_option(ind: Indicator) -> None:
    assert isinstance(ind.normalise, Linear)


def test_unclipped_linear_is_drawn_when_asked() -> None:
    found = find(
        indicators(normalisers=["linear"], unbounded=True),
        lambda i: isinstance(i.normalise, Linear) and not i.normalise.clip,
        settings=FIND,
    )
    assert isinstance(found.normalise, Linear)
    assert not found.normalise.clip


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"normalisers": ["zscore"]}, "normalisers holds 'zscore'"),
        ({"normalisers": []}, "normalisers must not be empty"),
        ({"kinds": ["ratio"]}, "kinds holds 'ratio'"),
        ({"directions": ["up"]}, "directions holds 'up'"),
        ({"weights": (3.0, 1.0)}, "weights must satisfy"),
        ({"weights": (-1.0, 1.0)}, "weights must satisfy"),
    ],
)
def test_indicators_check_options_eagerly(options: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidArgument, match=fragment):
        indicators(**options)


# --------------------------------------------------------------------- schemes


@given(schemes())
def test_schemes_are_valid(scheme: Scheme) -> None:
    assert isinstance(scheme, Scheme)
    assert 1 <= len(scheme.all_indicators) <= 4
    for line in (Line.INVESTMENT, Line.PROJECT, Line.SERVICE):
        assert scheme.for_line(line)
    assert scheme.grades[-1].quota is None


@given(
    schemes(
        max_indicators=2,
        lines=["service"],
        ties=["include_all"],
        group_by=[None],
        quota_rounding="ceil",
        penalties=False,
        vetoes=False,
        normalisers=["target"],
    )
)
def test_schemes_respect_options(scheme: Scheme) -> None:
    assert len(scheme.all_indicators) <= 2
    assert scheme.for_line(Line.SERVICE)
    assert not scheme.for_line(Line.PROJECT)
    assert scheme.ties == "include_all"
    assert scheme.group_by is None
    assert scheme.quota_rounding == "ceil"
    assert not scheme.penalties
    assert not scheme.vetoes
    assert all(isinstance(i.normalise, Target) for i in scheme.all_indicators)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"min_indicators": 0}, "min_indicators"),
        ({"min_indicators": 3, "max_indicators": 2}, "min_indicators"),
        ({"lines": []}, "lines must not be empty"),
        ({"lines": ["marketing"]}, "lines"),
        ({"ties": ["coin_flip"]}, "ties holds 'coin_flip'"),
        ({"group_by": ["grid"]}, "group_by holds 'grid'"),
        ({"quota_rounding": ["nearest"]}, "quota_rounding holds 'nearest'"),
        ({"apportionment": ["dhondt"]}, "apportionment holds 'dhondt'"),
    ],
)
def test_schemes_check_options_eagerly(options: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidArgument, match=fragment):
        schemes(**options)


def test_schemes_shrink_to_the_smallest_scheme() -> None:
    found = find(schemes(), lambda s: len(s.all_indicators) >= 2, settings=FIND)
    assert len(found.all_indicators) == 2
    assert not found.penalties
    assert not found.vetoes


# --------------------------------------------------------------------- records


@given(st.data())
def test_records_are_scorable_and_hold_only_known_ids(data: st.DataObject) -> None:
    scheme = data.draw(schemes(max_indicators=3))
    roster = data.draw(scored_roster(scheme, max_size=5))
    rec = data.draw(records(scheme, roster, periods=["2025-01", "2025Q2"]))
    assert set(rec.indicators) <= scheme.known_ids()
    assert rec.periods == ("2025-01", "2025Q2")
    assert set(rec.cadres) <= {c.id for c in roster}
    table = score(scheme, roster, rec)
    assert np.isfinite(table.total).all()


@given(records(sample_scheme(), PEOPLE, missing=False, max_events=0, degenerate=False))
def test_records_respect_options(rec: Records) -> None:
    assert rec.cadres == ("a", "b", "c", "d")
    col = rec.column("safety_incidents")
    assert col is None or np.nan_to_num(col).max() == 0


def test_records_draw_adversarial_ties() -> None:
    found = find(
        records(sample_scheme(), PEOPLE, missing=False, degenerate=False),
        lambda r: (
            r.value("a", "2025-01", "visits") == r.value("b", "2025-01", "visits")
            and r.value("a", "2025-01", "contracted") == r.value("b", "2025-01", "contracted")
            and (r.value("a", "2025-01", "visits") or 0) > 0
        ),
        settings=FIND,
    )
    assert found.value("a", "2025-01", "visits") == found.value("b", "2025-01", "visits")


def test_records_draw_degenerate_zero_periods() -> None:
    def all_zero_but_many(r: Records) -> bool:
        values = r.matrix[~np.isnan(r.matrix)]
        return r.n_rows == 4 and bool((values == 0).all())

    found = find(records(sample_scheme(), PEOPLE, ties=False), all_zero_but_many, settings=FIND)
    assert found.n_rows == 4


def test_records_draw_reference_values() -> None:
    # exactly at the target of 20 visits a month
    found = find(
        records(sample_scheme(), PEOPLE[:1]),
        lambda r: r.value("a", "2025-01", "visits") == 20.0,
        settings=FIND,
    )
    assert found.value("a", "2025-01", "visits") == 20.0


def test_records_shrink_to_small_values() -> None:
    found = find(
        records(sample_scheme(), PEOPLE),
        lambda r: (r.value("a", "2025-01", "visits") or 0) >= 21,
        settings=FIND,
    )
    # a boundary value (the stretch, 35) or the smallest integer above the condition
    assert found.value("a", "2025-01", "visits") in (21.0, 35.0)
    # everything else shrinks to zero
    assert found.value("b", "2025-01", "visits") in (
        None,
        0.0,
        found.value("a", "2025-01", "visits"),
    )
    assert found.value("a", "2025-01", "contracted") == 0.0


@pytest.mark.parametrize(
    ("args", "options", "fragment"),
    [
        ((sample_scheme(), []), {}, "cadres must not be empty"),
        ((sample_scheme(), [PEOPLE[0], PEOPLE[0]]), {}, "duplicate cadre id 'a'"),
        ((sample_scheme(), PEOPLE), {"periods": ["2025-13"]}, "unknown period label"),
        ((sample_scheme(), PEOPLE), {"periods": []}, "periods must not be empty"),
        ((sample_scheme(), PEOPLE), {"periods": ["2025-01", "2025-01"]}, "distinct"),
        ((sample_scheme(), PEOPLE), {"max_events": -1}, "max_events must be >= 0"),
        (("scheme", PEOPLE), {}, "scheme must be a Scheme"),
        ((sample_scheme(), ["a"]), {}, "cadres must be Cadre records"),
    ],
)
def test_records_check_arguments_eagerly(
    args: tuple[Any, Any], options: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(InvalidArgument, match=fragment):
        records(*args, **options)


def test_records_reject_a_first_cadre_with_nothing_to_record() -> None:
    outsider = Cadre(id="z", name="z", birth_year=1990, rank="section", unit="u", line="safety")
    scheme = Scheme(
        name="investment only",
        indicators={"investment": [Indicator(id="visits", normalise=Target(0, 20))]},
    )
    with pytest.raises(InvalidArgument, match="has no record id"):
        records(scheme, [outsider])


# ------------------------------------------------------------------ exemptions


@given(st.data())
def test_exemptions_are_accepted_by_score(data: st.DataObject) -> None:
    scheme = data.draw(schemes(max_indicators=3))
    roster = data.draw(scored_roster(scheme, max_size=4))
    rec = data.draw(records(scheme, roster))
    ex = data.draw(st.lists(exemptions(scheme, roster), max_size=3))
    table = score(scheme, roster, rec, exemptions=ex)
    assert len(table) + len(table.excluded) == len(roster)  # no applicable indicator: excluded


@given(exemptions(sample_scheme(), PEOPLE, periods=["2025-03"], policies=["mitigate"]))
def test_exemptions_respect_options(e: Exemption) -> None:
    assert e.period == "2025-03"
    vetoes = {"discipline", "safety_violation"}
    assert e.policy == "mitigate" or e.target in vetoes
    assert e.policy == "waive" or 0.0 <= e.factor <= 1.0
    cadre = next(c for c in PEOPLE if c.id == e.cadre_id)
    allowed = {i.id for i in sample_scheme().for_line(cadre.line)} | vetoes | {"safety_incidents"}
    assert e.target in allowed


@given(exemptions(sample_scheme(), PEOPLE, targets=["safety_incidents"]))
def test_exemptions_targets_option(e: Exemption) -> None:
    assert e.target == "safety_incidents"
    assert e.cadre_id == "c"  # the only project cadre


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"policies": ["forgive"]}, "policies holds 'forgive'"),
        ({"targets": ["nope"]}, "targets \\['nope'\\] are unknown"),
        ({"periods": ["Q1"]}, "unknown period label"),
    ],
)
def test_exemptions_check_arguments_eagerly(options: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidArgument, match=fragment):
        exemptions(sample_scheme(), PEOPLE, **options)


def test_exemptions_need_a_cadre_with_a_target() -> None:
    with pytest.raises(InvalidArgument, match="no cadre has a target"):
        exemptions(sample_scheme(), PEOPLE[:1], targets=["on_time"])
    with pytest.raises(InvalidArgument, match="scheme must be a Scheme"):
        exemptions("scheme", PEOPLE)  # type: ignore[arg-type]


# ------------------------------------------------------------ record strategies


@pytest.mark.parametrize(
    ("strategy", "options", "fragment"),
    [
        (cadres, {"birth_years": (2000, 1990)}, "birth_years must be an increasing range"),
        (cadres, {"birth_years": (1990,)}, "birth_years"),
        (cadres, {"units": []}, "cadres: units must be non-empty strings"),
        (cadres, {"ids": "c1"}, "ids must be a strategy"),
        (rosters, {"min_size": 3, "max_size": 2}, "rosters: need integers 0 <= min_size"),
        (rosters, {"min_size": 1.5}, "rosters: need integers"),
        (rosters, {"units": [""]}, "rosters: units"),
        (mentors, {"max_capacity": -1}, "max_capacity must be an integer >= 0"),
        (posts, {"categories": []}, "posts: categories"),
        (bipartite_graphs, {"max_mentors": -1}, "max_mentors must be an integer >= 0"),
        (bipartite_graphs, {"max_weight": 0}, "max_weight must be an integer >= 1"),
        (indicators, {"weights": (1.0, float("nan"))}, "weights must satisfy"),
        (schemes, {"max_indicators": 2.5}, "min_indicators <= max_indicators"),
    ],
)
def test_strategies_raise_invalid_argument_eagerly(
    strategy: Any, options: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(InvalidArgument, match=fragment):
        strategy(**options)


# ------------------------------------------------------------ from_type registration

# An installed cadredev registers these through the ``hypothesis`` entry point;
# from a source tree the hook is called by hand (it is idempotent).
_hypothesis_setup_hook()


@given(
    st.tuples(
        st.from_type(Indicator),
        st.from_type(Scheme),
        st.from_type(Records),
        st.from_type(Exemption),
        st.from_type(Target),
        st.from_type(Linear),
        st.from_type(LookupTable),
    )
)
def test_from_type_draws_valid_scoring_objects(
    drawn: tuple[Indicator, Scheme, Records, Exemption, Target, Linear, LookupTable],
) -> None:
    ind, scheme, rec, e, t, lin, table = drawn
    assert isinstance(ind, Indicator)
    assert isinstance(scheme, Scheme)
    assert isinstance(rec, Records)
    assert rec.n_rows >= 1
    assert isinstance(e, Exemption)
    assert t.floor != t.target
    assert lin.lo != lin.hi
    assert table.increasing is not None


@given(
    st.builds(
        Indicator,
        id=st.just("visits"),
        normalise=st.from_type(Target).filter(lambda t: t.increasing),
    )
)
def test_builds_on_scoring_types(ind: Indicator) -> None:
    assert isinstance(ind.normalise, Target)
