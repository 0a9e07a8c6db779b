"""Grade overrides (calibration), the audit trail and tenure from the cadre's record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cadredev import Cadre, InvalidInputError, Line, Posting, io
from cadredev.events import GradeOverride
from cadredev.scoring import (
    AppliedOverride,
    AuditEntry,
    Exemption,
    Indicator,
    Penalty,
    Records,
    Scheme,
    ScoreTable,
    Target,
    Veto,
    grade,
    score,
)
from cadredev.testing import records, schemes
from test_scoring_interchange import every_result, through_text

SCHEME = Scheme(
    name="calibration",
    indicators={"investment": [Indicator(id="visits", normalise=Target(0, 100))]},
    penalties=(Penalty(id="incidents", points=10),),
    vetoes=(Veto(id="discipline", label="违纪"),),
)
# ten cadres in one unit scoring 95, 90, ..., 50: two seats for 优秀 (20 %)
PEOPLE = [
    Cadre(
        id=f"c{i}",
        name=f"c{i}",
        birth_year=1990,
        rank="section",
        unit="u",
        line="investment",
        joined_year=2015 + i,
    )
    for i in range(10)
]
ROWS = [(f"c{i}", "2025", "visits", 95.0 - 5 * i) for i in range(10)]


def override(cadre: str, from_grade: str, to_grade: str, **kw: Any) -> GradeOverride:
    fields: dict[str, Any] = {
        "at": dt.date(2026, 1, 15),
        "recorded_by": "组织部",
        "cadre_id": cadre,
        "period": "2025",
        "from_grade": from_grade,
        "to_grade": to_grade,
        "approved_by": "考核委员会",
        "reason": "calibration meeting",
    }
    fields.update(kw)
    return GradeOverride(**fields)


def run(*overrides: GradeOverride, rows: Any = ROWS, **kw: Any) -> ScoreTable:
    return score(SCHEME, PEOPLE, Records.from_rows(rows), overrides=overrides, **kw)


def test_the_computed_grades() -> None:
    assert run().grade.tolist() == ["excellent"] * 2 + ["competent"] * 6 + ["basic"] * 2


def test_an_override_changes_the_grade_and_is_listed() -> None:
    base = run()
    o = override("c8", "basic", "competent", reason="long sick leave")
    table = run(o)
    assert table.grade.tolist()[8] == "competent"
    np.testing.assert_array_equal(table.total, base.total)
    np.testing.assert_array_equal(table.rank, base.rank)
    (applied,) = table.overrides
    assert applied == AppliedOverride(override=o, group="u")
    assert applied.override.approved_by == "考核委员会"
    assert applied.override.reason == "long sick leave"
    ex = table.explain("c8")
    assert ex.grade == "competent"
    assert ex.override == applied
    assert "override basic -> competent, approved by 考核委员会: long sick leave" in str(ex)
    assert "overridden from basic" in repr(ex)
    assert table.explain("c7").override is None
    assert "1 override" in repr(table)


def test_a_swap_within_the_quota_needs_no_flag() -> None:
    table = run(override("c1", "excellent", "competent"), override("c2", "competent", "excellent"))
    assert table.grade.tolist()[:3] == ["excellent", "competent", "excellent"]
    assert not any(o.over_quota for o in table.overrides)
    assert [o.holders for o in table.overrides] == [None, 2]
    assert [o.seats for o in table.overrides] == [None, 2]


def test_over_quota_needs_the_flag_and_is_then_flagged() -> None:
    raise_one = override("c2", "competent", "excellent")
    with pytest.raises(InvalidInputError, match=r"break a quota .*3 holders for 2 seats"):
        run(raise_one)
    with pytest.raises(InvalidInputError, match="allow_over_quota=True"):
        run(raise_one)
    table = run(raise_one, allow_over_quota=True)
    (applied,) = table.overrides
    assert applied.over_quota
    assert (applied.seats, applied.holders) == (2, 3)
    assert "over quota (3 for 2 seats)" in repr(applied)
    assert "1 over quota" in repr(table)
    (entry,) = table.audit()
    assert entry.flagged
    assert "over quota: 3 优秀 for 2 seats in u" in entry.effect
    assert str(entry).endswith("[flagged]")
    assert "[over quota]" in str(table.explain("c2"))


def test_an_already_exceeded_quota_is_not_blamed_on_a_lowering() -> None:
    tied = [*ROWS[:1], ("c1", "2025", "visits", 90.0), ("c2", "2025", "visits", 90.0), *ROWS[3:]]
    include = attrs.evolve(SCHEME, ties="include_all")
    base = score(include, PEOPLE, Records.from_rows(tied))
    assert base.grade.tolist()[:4] == ["excellent"] * 3 + ["competent"]
    table = score(
        include,
        PEOPLE,
        Records.from_rows(tied),
        overrides=[override("c0", "excellent", "competent")],
    )
    assert table.grade.tolist()[:3] == ["competent", "excellent", "excellent"]


# ------------------------------------------------------------ bad overrides


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (override("c8", "basic", "outstanding"), "to_grade 'outstanding' is not a grade of scheme"),
        (override("c8", "good", "competent"), "from_grade 'good' is not a grade of scheme"),
        (override("c8", "competent", "excellent"), "does not match the grade computed .* 'basic'"),
        (override("c99", "basic", "competent"), "cadre 'c99' was not scored"),
        (override("c8", "basic", "competent", period="2024"), "period '2024' was not scored"),
        (
            override("c8", "basic", "competent", period="2025-03"),
            "period '2025-03' was not scored",
        ),
    ],
)
def test_a_bad_override_is_an_error(bad: GradeOverride, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        run(bad)


def test_an_override_of_an_excluded_cadre_says_why() -> None:
    outsider = attrs.evolve(PEOPLE[0], id="x", line="service")
    with pytest.raises(InvalidInputError, match=r"cadre 'x' was not scored \(scheme"):
        score(
            SCHEME,
            [*PEOPLE, outsider],
            Records.from_rows(ROWS),
            overrides=[override("x", "basic", "competent")],
        )


def test_overrides_must_be_events_and_one_per_row() -> None:
    with pytest.raises(InvalidInputError, match="overrides must be GradeOverride events"):
        score(SCHEME, PEOPLE, Records.from_rows(ROWS), overrides=["c8"])  # type: ignore[list-item]
    with pytest.raises(InvalidInputError, match="a second override for the same cadre"):
        run(override("c8", "basic", "competent"), override("c8", "basic", "incompetent"))
    same = override("c8", "basic", "competent")
    assert len(run(same, same).overrides) == 1


def test_an_override_cannot_lift_a_veto() -> None:
    rows = [*ROWS, ("c2", "2025", "discipline", 1.0)]
    assert run(rows=rows).grade.tolist()[2] == "incompetent"
    with pytest.raises(InvalidInputError, match="vetoed and capped at 'incompetent'"):
        run(override("c2", "incompetent", "competent"), rows=rows)
    waived = Exemption(
        cadre_id="c2", period="2025", target="discipline", approved_by="纪工委", reason="cleared"
    )
    table = score(
        SCHEME,
        PEOPLE,
        Records.from_rows(rows),
        exemptions=[waived],
        overrides=[override("c2", "competent", "excellent")],
        allow_over_quota=True,
    )
    assert table.grade.tolist()[2] == "excellent"
    assert [e.kind for e in table.audit()] == ["exemption", "override"]


# ------------------------------------------------------------------- audit


def test_the_audit_lists_exemptions_vetoes_and_overrides_in_order() -> None:
    rows = [*ROWS, ("c3", "2025", "incidents", 1.0), ("c9", "2025", "discipline", 1.0)]
    excused = Exemption(
        cadre_id="c3",
        period="2025",
        target="incidents",
        approved_by="纪工委",
        reason="shelter finished on time",
    )
    table = score(
        SCHEME,
        PEOPLE,
        Records.from_rows(rows),
        exemptions=[excused],
        overrides=[override("c4", "competent", "basic", reason="complaint upheld")],
    )
    entries = table.audit()
    assert [(e.kind, e.cadre_id) for e in entries] == [
        ("exemption", "c3"),
        ("override", "c4"),
        ("veto", "c9"),
    ]
    exemption, change, veto = entries
    assert exemption == AuditEntry(
        kind="exemption",
        cadre_id="c3",
        period="2025",
        target="incidents",
        effect="waive incidents: +10.00 points",
        approved_by="纪工委",
        reason="shelter finished on time",
        points=10.0,
    )
    assert (change.from_grade, change.to_grade, change.approved_by) == (
        "competent",
        "basic",
        "考核委员会",
    )
    assert str(change) == (
        "2025 c4 override: competent -> basic (approved by 考核委员会: complaint upheld)"
    )
    assert (veto.target, veto.to_grade, veto.reason) == ("discipline", "incompetent", "违纪")
    assert table.audit("c4") == (change,)
    assert table.audit("c5") == ()
    with pytest.raises(InvalidInputError, match="cadre 'nobody' was not scored"):
        table.audit("nobody")
    back = io.load(ScoreTable, io.dump(table))
    assert back.audit() == entries
    assert io.load_many(AuditEntry, io.dump(list(entries))) == entries


def test_the_audit_lists_an_exemption_that_changed_nothing() -> None:
    rows = [*ROWS, ("c5", "2025", "discipline", 1.0)]
    veto_waiver = Exemption(cadre_id="c5", period="2025", target="discipline", approved_by="纪工委")
    useless = Exemption(cadre_id="c6", period="2025", target="incidents", approved_by="纪工委")
    table = score(SCHEME, PEOPLE, Records.from_rows(rows), exemptions=[veto_waiver, useless])
    assert [e.effect for e in table.audit()] == [
        "waive veto discipline",
        "waive incidents: no change (it would not raise the score)",
    ]
    assert not table.vetoed.any()


# ---------------------------------------------------------------- property


@st.composite
def calibrations(draw: st.DrawFn) -> tuple[Scheme, list[Cadre], Records, dict[int, str]]:
    """Draw a scored case and some rows to override, each to another grade it may take."""
    scheme = draw(schemes(max_indicators=3))
    lines = [line for line in Line if scheme.for_line(line)]
    people = [
        Cadre(
            id=f"c{i:02d}",
            name=f"c{i:02d}",
            birth_year=1990,
            rank="section",
            unit=draw(st.sampled_from(("u1", "u2"))),
            line=draw(st.sampled_from(lines)),
        )
        for i in range(draw(st.integers(1, 8)))
    ]
    rec = draw(records(scheme, people, periods=("2025-01", "2025-02")))
    table = score(scheme, people, rec)
    assume(len(table) > 0)  # every cadre may be excluded (rates with no denominator)
    rows = draw(st.sets(st.integers(0, len(table) - 1), min_size=1, max_size=4))
    ids = [g.id for g in scheme.grades]
    caps = _caps(table)
    targets: dict[int, str] = {}
    for r in sorted(rows):
        choices = [g for k, g in enumerate(ids) if k >= caps[r] and k != table.grade_code[r]]
        if choices:
            targets[r] = draw(st.sampled_from(choices))
    return scheme, people, rec, targets


def _caps(table: ScoreTable) -> list[int]:
    ctx = table._ctx()
    caps, _ = ctx.vetoes(ctx.block(np.arange(len(table))))
    return [int(c) for c in caps]


@settings(max_examples=60, deadline=None)
@given(calibrations())
def test_overrides_change_only_the_overridden_rows_grades(case: Any) -> None:
    scheme, people, rec, targets = case
    base = score(scheme, people, rec)
    events = [
        override(
            str(base.cadre_ids[r]),
            str(base.grade[r]),
            to,
            period=str(base.periods[r]),
        )
        for r, to in targets.items()
    ]
    table = score(scheme, people, rec, overrides=events, allow_over_quota=True)
    np.testing.assert_array_equal(table.total, base.total)
    np.testing.assert_array_equal(table.rank, base.rank)
    np.testing.assert_array_equal(table.vetoed, base.vetoed)
    want = base.grade.copy()
    for r, to in targets.items():
        want[r] = to
    assert table.grade.tolist() == want.tolist()
    assert len(table.overrides) == len(targets)
    assert [(e.kind, e.to_grade) for e in table.audit() if e.kind == "override"] == [
        ("override", targets[r]) for r in sorted(targets)
    ]
    assert io.load(ScoreTable, io.dump(table)) == table
    if not any(o.over_quota for o in table.overrides):
        assert score(scheme, people, rec, overrides=events) == table
    else:
        with pytest.raises(InvalidInputError, match="break a quota"):
            score(scheme, people, rec, overrides=events)


# ------------------------------------------------------------------ tenure


def _tenure_table(history: tuple[Posting, ...], joined_year: int | None, rows: Any) -> ScoreTable:
    c = Cadre(
        id="a",
        name="a",
        birth_year=1990,
        rank="section",
        unit="u",
        line="investment",
        joined_year=joined_year,
        history=history,
    )
    return score(SCHEME, [c], Records.from_rows(rows))


@pytest.mark.parametrize(
    ("history", "joined_year", "period", "tenure"),
    [
        ((), 2022, "2025", 3),  # 2022-01-01 to 2025-12-31
        ((), 2022, "2025-03", 3),
        ((Posting(post_id="p", start=dt.date(2022, 6, 1)),), None, "2025-03", 2),
        ((Posting(post_id="p", start=dt.date(2022, 6, 1)),), None, "2025-06", 3),
        ((Posting(post_id="p", start=dt.date(2022, 6, 1)),), None, "2025Q2", 3),
        (
            (
                Posting(post_id="p2", start=dt.date(2023, 2, 1)),
                Posting(post_id="p1", start=2020, end=2022),
            ),
            None,
            "2025",
            5,
        ),
        ((Posting(post_id="p", start=dt.date(2024, 9, 1)),), 2018, "2025", 7),  # joined_year wins
    ],
)
def test_tenure_runs_from_the_record_to_the_end_of_the_period(
    history: tuple[Posting, ...], joined_year: int | None, period: str, tenure: int
) -> None:
    table = _tenure_table(history, joined_year, [("a", period, "visits", 90.0)])
    (entry,) = table.reserve_pool(per_line=1, grades=["incompetent", "basic", "competent"]).entries
    assert entry.tenure == tenure
    assert entry.joined == table.cadres.joined[0]


def test_tenure_with_an_unknown_or_future_start_keeps_a_cadre_out() -> None:
    rows = [("a", "2025", "visits", 90.0)]
    admitted = ["incompetent", "basic", "competent", "excellent"]
    plan_periods = (Posting(post_id="p", start=-3, end=2),)  # a plan's period numbers: no date
    pool = _tenure_table(plan_periods, None, rows).reserve_pool(per_line=1, grades=admitted)
    assert pool.excluded == (("a", "start in the zone unknown (no joined_year, no dated posting)"),)
    later = (Posting(post_id="p", start=dt.date(2026, 3, 1)),)
    pool = _tenure_table(later, None, rows).reserve_pool(per_line=1, grades=admitted)
    assert pool.excluded == (("a", "joined 2026-03-01, after 2025-12-31"),)


def test_as_of_moves_the_day_tenure_is_counted_to() -> None:
    history = (Posting(post_id="p", start=dt.date(2022, 6, 1)),)
    table = _tenure_table(history, None, [("a", "2025-03", "visits", 90.0)])
    admitted = ["basic", "competent", "excellent", "incompetent"]
    for as_of, tenure in (
        (None, 2),
        (2025, 3),
        (dt.date(2025, 6, 1), 3),
        (dt.date(2025, 5, 31), 2),
    ):
        pool = table.reserve_pool(per_line=1, as_of=as_of, grades=admitted)
        assert pool.entries[0].tenure == tenure, as_of
    with pytest.raises(InvalidInputError, match="as_of must be a date or a year"):
        table.reserve_pool(per_line=1, as_of=dt.datetime(2025, 1, 1))  # noqa: DTZ001
    with pytest.raises(InvalidInputError, match="as_of must be an integer year"):
        table.reserve_pool(per_line=1, as_of="2025")  # type: ignore[arg-type]


def test_loaded_tables_keep_the_tenure_start() -> None:
    history = (Posting(post_id="p", start=dt.date(2022, 6, 1)),)
    table = _tenure_table(history, None, [("a", "2025-06", "visits", 90.0)])
    back = io.load(ScoreTable, io.dump(table))
    assert back.cadres.joined == (dt.date(2022, 6, 1),)
    assert back.reserve_pool(per_line=1, grades=["basic"]) == table.reserve_pool(
        per_line=1, grades=["basic"]
    )


# ---------------------------------------------------------- gap to a grade


def test_with_a_free_seat_the_gap_is_the_minimum_score() -> None:
    rows = [("c0", "2025", "visits", 95.0), ("c1", "2025", "visits", 84.0), *ROWS[2:]]
    table = run(rows=rows)
    assert table.grade.tolist()[:2] == ["excellent", "competent"]
    ex = table.explain("c1")  # two seats, one holder: 85 points are enough
    assert ex.gap == pytest.approx(1.0)
    assert ex.contributions[0].to_next == pytest.approx(1.0)
    assert run().explain("c2").gap == pytest.approx(5.0)  # both seats taken: outscore 90


@settings(max_examples=60, deadline=None)
@given(calibrations())
def test_the_gap_to_the_next_grade_is_enough(case: Any) -> None:
    scheme, people, rec, _ = case
    table = score(scheme, people, rec)
    ctx = table._ctx()
    secondary = None
    if scheme.ties == "secondary_keys" and scheme.secondary_keys:
        cols = [scheme.indicator_ids.index(k) for k in scheme.secondary_keys]
        secondary = table.attainment[:, cols]
    for r in range(len(table)):
        ex = table.explain(str(table.cadre_ids[r]), period=str(table.periods[r]))
        if ex.gap is None:
            continue
        raised = table.total.copy()
        raised[r] += ex.gap + 1e-6
        again = grade(
            raised,
            ctx.group_rows,
            grades=scheme.grades,
            quota_rounding=scheme.quota_rounding,
            ties=scheme.ties,
            secondary=secondary,
            caps=_caps(table),
            domains=np.repeat(np.arange(ctx.n_p), ctx.n_c),
            apportionment=scheme.apportionment,
        )
        assert again.codes[r] < table.grade_code[r], (r, ex)


def test_results_of_a_calibrated_table_round_trip_and_validate() -> None:
    rows = [*ROWS, ("c9", "2025", "discipline", 1.0), ("c3", "2025", "incidents", 1.0)]
    excused = Exemption(cadre_id="c3", period="2025", target="incidents", approved_by="纪工委")
    table = score(
        SCHEME,
        PEOPLE,
        Records.from_rows(rows),
        exemptions=[excused],
        overrides=[override("c2", "competent", "excellent")],
        allow_over_quota=True,
    )
    ex = table.explain("c2")
    assert ex.override is not None
    assert through_text(ex) == ex
    assert through_text(table) == table
    for obj in [*every_result(table), *table.audit()]:
        assert through_text(obj) == obj, type(obj).__name__
