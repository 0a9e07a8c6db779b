"""Every scoring result leaves the process and comes back equal, valid and explaining alike."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import warnings
from typing import Any

import jsonschema
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cadredev import Cadre, InvalidInputError, Line, Posting, io
from cadredev.datasets import demo_score_table, sample_zone
from cadredev.scoring import (
    AppliedExemption,
    AuditEntry,
    Contribution,
    Explanation,
    ExposureWarning,
    FitRow,
    Grade,
    Grading,
    Leaderboard,
    LeaderboardRow,
    PayAllocation,
    PoolEntry,
    PostFit,
    Records,
    ReservePool,
    Scheme,
    ScoredCadres,
    ScoreTable,
    allocate_pay,
    grade,
    post_fit,
    rollup,
    score,
)
from cadredev.testing import PropertyReport, check_scheme, exemptions, records, schemes

PERIODS = ("2025-01", "2025-02")


def through_text(obj: Any) -> Any:
    """Return ``obj`` after dump, JSON text, schema validation and load."""
    doc = json.loads(json.dumps(io.dump(obj), ensure_ascii=False, allow_nan=False))
    jsonschema.validate(doc, io.schema(doc["kind"]))
    back = io.load(type(obj), doc)
    assert io.load(type(obj), io.dump(obj)) == obj
    return back


@pytest.fixture(scope="module")
def year() -> ScoreTable:
    zone = sample_zone()
    assert zone.scheme is not None
    assert zone.records is not None
    return score(zone.scheme, zone.cadres, rollup(zone.records, zone.scheme, to="year"))


def every_result(table: ScoreTable) -> list[Any]:
    """Return one of each result a table gives (and the table)."""
    period = table.scored_periods[0]
    cadre = table.cadres.ids[0]
    explanation = table.explain(cadre, period=period)
    board = table.leaderboard(period=period)
    pool = table.reserve_pool(per_line=2, period=period)
    out: list[Any] = [table, table.cadres, explanation, board, pool, *table.audit()]
    out += list(explanation.contributions[:1]) + list(board.rows[:1]) + list(pool.entries[:1])
    out += list(table.exemptions_applied) + list(table.overrides)
    coefficients = dict.fromkeys((g.id for g in table.scheme.grades), 1.0)
    out.append(allocate_pay(table, pool=1000, coefficients=coefficients, period=period))
    return out


# ----------------------------------------------------------- the sample year


def test_every_scoring_kind_is_known_and_has_a_valid_schema() -> None:
    for cls in (
        AppliedExemption,
        AuditEntry,
        Contribution,
        Explanation,
        ExposureWarning,
        FitRow,
        Grading,
        Leaderboard,
        LeaderboardRow,
        PayAllocation,
        PoolEntry,
        PostFit,
        ReservePool,
        ScoredCadres,
        ScoreTable,
        PropertyReport,
    ):
        assert io.kind(cls.__name__) is cls
        jsonschema.Draft202012Validator.check_schema(io.schema(cls))


def test_the_sample_year_round_trips_and_explains_alike(year: ScoreTable) -> None:
    back: ScoreTable = through_text(year)
    assert back == year
    assert back._cache == {}  # nothing derived travelled with it
    for cid in year.cadres.ids:
        assert back.explain(cid) == year.explain(cid)
    assert back.audit() == year.audit()
    assert back.leaderboard(group="line") == year.leaderboard(group="line")
    assert back.reserve_pool(per_line=5, min_tenure=3) == year.reserve_pool(
        per_line=5, min_tenure=3
    )
    assert back.to_records() == year.to_records()
    np.testing.assert_array_equal(back.components, year.components)
    coefficients = {"excellent": 1.5, "competent": 1.0, "basic": 0.6, "incompetent": 0.0}
    assert allocate_pay(back, pool=1_000_000, coefficients=coefficients) == allocate_pay(
        year, pool=1_000_000, coefficients=coefficients
    )
    for obj in every_result(year):
        assert through_text(obj) == obj, type(obj).__name__


def test_the_document_holds_data_not_internals(year: ScoreTable) -> None:
    doc = io.dump(year)
    text = json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    assert len(text.encode()) < 60_000  # the sample year: 246 cadres, about 45 kB
    data = doc["data"]
    assert set(data) == {
        "scheme",
        "cadres",
        "scored_periods",
        "values",
        "total",
        "penalties",
        "grade_code",
        "rank",
        "vetoed",
        "excluded",
        "exemptions_applied",
        "exemptions_unused",
        "overrides",
    }
    assert data["cadres"]["ids"][:2] == ["c001", "c002"]
    assert data["cadres"]["lines"][0] == "investment"
    assert data["cadres"]["joined"][0] == "2023-01-01"
    assert data["values"]["visits"][0] == year.values["visits"][0]
    assert None in data["values"]["visits"]  # NaN (not recorded) is null


def test_save_json_writes_a_table(tmp_path: Any, year: ScoreTable) -> None:
    path = tmp_path / "year.json"
    io.save_json(year, path)
    assert io.load_json(ScoreTable, path) == year


def test_a_malformed_table_document_is_an_error(year: ScoreTable) -> None:
    doc = io.dump(year)
    doc["data"]["values"]["visits"] = doc["data"]["values"]["visits"][:-1]
    with pytest.raises(InvalidInputError, match=r"values\['visits'\] must have one entry per row"):
        io.load(ScoreTable, doc)
    doc = io.dump(year)
    doc["data"]["grade_code"][0] = 7
    with pytest.raises(InvalidInputError, match="grade_code must index"):
        io.load(ScoreTable, doc)
    doc = io.dump(year)
    doc["data"]["cadres"]["lines"][0] = "nowhere"
    with pytest.raises(InvalidInputError, match="lines"):
        io.load(ScoreTable, doc)


def test_fit_grading_warning_and_reports_round_trip() -> None:
    zone = sample_zone()
    fit = post_fit(zone.posts[0], zone.cadres[:30], as_of=zone.as_of)
    assert through_text(fit) == fit
    assert through_text(fit.ranking[0]) == fit.ranking[0]
    g = grade([70.0, 90.0, 80.0, 85.0], ["u", "u", "v", "v"])
    assert through_text(g) == g
    assert through_text(grade([1.0, 2.0])) == grade([1.0, 2.0])
    w = ExposureWarning(to="quarter", partial=3, rows=12, rates=1)
    assert through_text(w) == w
    assert pickle.loads(pickle.dumps(w)) == w  # noqa: S301
    assert zone.scheme is not None
    report = check_scheme(zone.scheme, properties=("boundedness", "quota"), max_examples=5)
    assert through_text(report) == report
    assert report.results["quota"] == through_text(report).results["quota"]


def test_the_exposure_warning_carries_its_figures() -> None:
    rows = [("a", "2025-01", "visits", 10.0), ("b", "2025-01", "visits", 4.0)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rollup(Records.from_rows(rows), {"visits": "flow"}, to="quarter")
    message = caught[0].message
    assert isinstance(message, ExposureWarning)
    assert (message.to, message.partial, message.rows, message.rates) == ("quarter", 2, 2, 0)
    assert "2 of 2 (cadre, quarter) rows are only partly recorded" in str(message)


# ------------------------------------------------------------------ reprs


def test_reprs_are_short_and_give_the_key_figures(year: ScoreTable) -> None:
    assert repr(year) == (
        "ScoreTable(246 cadres × 1 period 2025, scheme 'sample zone 2025': "
        "34 优秀/excellent, 88 称职/competent, 86 基本称职/basic, 38 不称职/incompetent; "
        "1 vetoed)"
    )
    coefficients = {"excellent": 1.5, "competent": 1.0, "basic": 0.6, "incompetent": 0.0}
    zone = sample_zone()
    everything: list[Any] = [
        *every_result(year),
        year.leaderboard(group="unit"),
        allocate_pay(year, pool=1_000_000, coefficients=coefficients),
        post_fit(zone.posts[0], zone.cadres, as_of=zone.as_of),
        grade(year.total, year.groups),
    ]
    for obj in everything:
        text = repr(obj)
        assert text.startswith(type(obj).__name__ + "("), text
        assert text.count("\n") <= 1, text
        assert len(text) <= 240, (type(obj).__name__, len(text))
    assert repr(year.reserve_pool(per_line=5, min_tenure=3)) == (
        "ReservePool(2025: 15 cadres (investment 5, project 5, service 5), 3 passed over)"
    )
    assert "c225" in repr(year.audit("c225")[0])


def test_a_table_of_several_periods_prints_its_span() -> None:
    zone = sample_zone()
    assert zone.scheme is not None
    assert zone.records is not None
    quarters = score(zone.scheme, zone.cadres, rollup(zone.records, zone.scheme, to="quarter"))
    assert "246 cadres × 4 periods 2025Q1..2025Q4" in repr(quarters)


# ----------------------------------------------------------------- labels


def test_chinese_labels_in_tables_and_html(year: ScoreTable) -> None:
    en = year.to_pandas()
    zh = year.to_pandas(labels="zh")
    assert list(en.columns) == list(zh.columns)
    assert set(en["grade"]) == {"excellent", "competent", "basic", "incompetent"}
    assert set(zh["grade"]) == {"优秀", "称职", "基本称职", "不称职"}
    assert set(zh["line"]) == {"招商引资", "项目建设", "园区服务"}
    assert "优秀" in year._repr_html_() or "称职" in year._repr_html_()
    board = year.leaderboard(group="line")
    assert set(board.to_pandas(labels="zh")["group"]) == {"招商引资", "项目建设", "园区服务"}
    assert "招商引资" in board._repr_html_()
    pool = year.reserve_pool(per_line=5, min_tenure=3)
    assert set(pool.to_pandas(labels="zh")["grade"]) <= {"优秀", "称职"}
    assert "招商引资" in pool._repr_html_()
    pay = allocate_pay(
        year, pool=100, coefficients={"excellent": 2, "competent": 1, "basic": 1, "incompetent": 0}
    )
    assert "优秀" in pay._repr_html_()
    assert set(pay.to_pandas(labels="zh")["grade"]) == {"优秀", "称职", "基本称职", "不称职"}
    assert "称职" in year.explain("c001")._repr_html_()
    with pytest.raises(InvalidInputError, match="labels must be 'en' or 'zh'"):
        year.to_pandas(labels="fr")  # type: ignore[arg-type]


def test_grades_without_labels_show_their_ids() -> None:
    table = demo_score_table()
    plain = Scheme(
        name="plain",
        indicators=table.scheme.indicators,
        grades=(Grade("top", quota=0.5), Grade("rest")),
    )
    people = [
        Cadre(id=i, name=i, birth_year=1990, rank="section", unit="u", line="investment")
        for i in ("a", "b")
    ]
    rows = [("a", "2025-01", "visits", 18.0), ("b", "2025-01", "visits", 19.0)]
    t = score(plain, people, Records.from_rows(rows))
    assert t.to_pandas(labels="zh")["grade"].tolist() == ["rest", "top"]
    assert "1 top, 1 rest" in repr(t)


# ------------------------------------------------------------ properties


@st.composite
def scored(draw: st.DrawFn, *, relative: bool = False) -> ScoreTable:
    """Draw a scheme, cadres (with tenure data), records and exemptions, and score them."""
    kinds = ("target", "linear", "lookup") + (("minmax", "percentile") if relative else ())
    scheme = draw(schemes(max_indicators=3, normalisers=kinds))
    n = draw(st.integers(1, 6))
    lines = [line for line in (*Line, None) if scheme.for_line(line)]
    people = []
    for i in range(n):
        start = draw(st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2026, 12, 31)))
        people.append(
            Cadre(
                id=f"c{i:02d}",
                name=draw(st.sampled_from(("王", "李", "张三"))),
                birth_year=1990,
                rank="section",
                unit=draw(st.sampled_from(("u1", "u2"))),
                line=draw(st.sampled_from(lines)) if i == 0 else draw(st.sampled_from(list(Line))),
                joined_year=draw(st.none() | st.integers(2000, 2025)),
                history=() if start is None else (Posting(post_id="p", start=start),),
            )
        )
    rec = draw(records(scheme, people, periods=PERIODS))
    ex = draw(st.lists(exemptions(scheme, people, periods=PERIODS), max_size=3))
    table = score(scheme, people, rec, exemptions=ex)
    assume(len(table.cadres) > 0)  # every cadre may be excluded (rates with no denominator)
    return table


@settings(max_examples=40, deadline=None)
@given(scored())
def test_random_tables_round_trip_and_explain_alike(table: ScoreTable) -> None:
    back: ScoreTable = through_text(table)
    assert back == table
    for period in table.scored_periods:
        for cid in table.cadres.ids:
            assert back.explain(cid, period=period) == table.explain(cid, period=period)
        assert back.leaderboard(period=period) == table.leaderboard(period=period)
        assert back.reserve_pool(per_line=2, period=period) == table.reserve_pool(
            per_line=2, period=period
        )
    assert back.audit() == table.audit()
    assert back.to_records() == table.to_records()
    for obj in every_result(table):
        assert through_text(obj) == obj, type(obj).__name__


@settings(max_examples=20, deadline=None)
@given(scored(relative=True))
def test_cohort_relative_tables_explain_alike_after_a_round_trip(table: ScoreTable) -> None:
    back: ScoreTable = through_text(table)
    np.testing.assert_array_equal(back.attainment, table.attainment)
    for cid in table.cadres.ids:
        assert back.explain(cid, period=PERIODS[0]) == table.explain(cid, period=PERIODS[0])


@settings(max_examples=40, deadline=None)
@given(scored())
def test_derived_seats_equal_those_grading_gave(table: ScoreTable) -> None:
    ctx = table._ctx()
    graded = grade(
        table.total,
        ctx.group_rows,
        grades=table.scheme.grades,
        quota_rounding=table.scheme.quota_rounding,
        ties="include_all",
        domains=np.repeat(np.arange(ctx.n_p), ctx.n_c),
        apportionment=table.scheme.apportionment,
    )
    groups, seats = ctx.seats()
    assert list(groups) == list(graded.groups)
    np.testing.assert_array_equal(seats, graded.seats)
    fresh = io.load(ScoreTable, io.dump(table))._ctx().seats()
    np.testing.assert_array_equal(fresh[1], seats)
