"""Tests for cadredev.scoring: reference agreement, laws, totality, bad input."""

from __future__ import annotations

import itertools
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cadredev.scoring as scoring_module
from cadredev import InvalidInputError, Line
from cadredev.datasets import demo_score_table
from cadredev.io import read_records_csv
from cadredev.scoring import (
    Exemption,
    Grade,
    Indicator,
    Linear,
    LookupTable,
    MinMax,
    Penalty,
    Percentile,
    Records,
    Scheme,
    ScoreTable,
    Target,
    Veto,
    grade,
    quota_seats,
    score,
)
from test_scoring_helpers import (
    LINES,
    close,
    dense,
    make_cadres,
    naive_scores,
    problems,
)

# ----------------------------------------------------------------- reference


@given(problems())
def test_fast_path_equals_naive_reference(problem: Any) -> None:
    scheme, cadres, rows = problem
    table = score(scheme, cadres, Records.from_rows(rows))
    ref = naive_scores(scheme, cadres, rows)
    # a cadre none of whose indicators applies in any period is excluded, not scored 0
    # (a rate given as a plain value, without numerator and denominator, applies)
    dens = {(c, p, k[: -len(".den")]): v for c, p, k, v in rows if k.endswith(".den")}
    plain = {(c, p, k) for c, p, k, _ in rows if not k.endswith((".num", ".den"))}
    periods = {p for _, p, _, _ in rows}
    void = {
        c.id
        for c in cadres
        if scheme.for_line(c.line)
        and all(
            i.kind == "rate" and not dens.get((c.id, p, i.id)) and (c.id, p, i.id) not in plain
            for i in scheme.for_line(c.line)
            for p in periods
        )
    }
    assert {cid for cid, why in table.excluded if "no indicator applies" in why} == void
    ref = {k: v for k, v in ref.items() if k[0] not in void}
    assert len(table) == len(ref)
    for r in range(len(table)):
        key = (str(table.cadre_ids[r]), str(table.periods[r]))
        total, pen, cap = ref[key]
        assert close(float(table.total[r]), total), (key, table.total[r], total)
        assert close(float(table.penalties[r]), pen)
        assert bool(table.vetoed[r]) == (cap > 0)
        assert table.grade_code[r] >= cap


def test_dense_matrix_equals_reference_on_random_inputs() -> None:
    for seed in range(5):
        ids, inds, values = dense(300, 6, seed)
        norms: list[Any] = [
            Target(0, 80, stretch=110, cap=1.2),
            Linear(-5, 60),
            Target(100, 20),
            LookupTable([(0, 0.3), (40, 0.7), (90, 1.0)]),
            Target(10, 50),
            Linear(0, 100, clip=False),
        ]
        scheme = Scheme(
            name="dense",
            indicators=[
                Indicator(id=i, normalise=n, weight=w, direction="min" if i == "x02" else "max")
                for i, n, w in zip(inds, norms, [1, 2, 3, 1, 0.5, 2], strict=True)
            ],
            group_by=None,
        )
        cadres = make_cadres([Line.INVESTMENT] * 300, ["u"] * 300)
        cadres = [attrs.evolve(c, id=i) for c, i in zip(cadres, ids, strict=True)]
        table = score(scheme, cadres, Records.from_matrix(ids, inds, values, period="2025"))
        rows = [
            (ids[r], "2025", inds[j], float(values[r, j])) for r in range(300) for j in range(6)
        ]
        ref = naive_scores(scheme, cadres, rows)
        got = table.total
        want = np.array([ref[i, "2025"][0] for i in ids])
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
        assert table == score(scheme, cadres, Records.from_rows(rows))


# ----------------------------------------------------------------- laws


@given(problems(), st.data())
def test_boundedness(problem: Any, data: st.DataObject) -> None:
    scheme, cadres, rows = problem
    table = score(scheme, cadres, Records.from_rows(rows))
    upper = max(i.normalise.upper for i in scheme.all_indicators)
    base = table.total + table.penalties
    assert np.all(base >= -1e-9)
    if np.isfinite(upper):
        assert np.all(base <= 100 * upper + 1e-9)
    assert np.all(np.isfinite(table.total))


@given(problems(min_cadres=2), st.data())
def test_own_monotonicity_and_independence(problem: Any, data: st.DataObject) -> None:
    scheme, cadres, rows = problem
    rows = [r for r in rows if "." not in r[2]]
    if not rows:
        return
    k = data.draw(st.integers(0, len(rows) - 1))
    cid, period, ind, value = rows[k]
    if ind in ("pen", "veto"):
        return
    indicator = scheme.indicator(ind)
    bump = data.draw(st.floats(0.0, 50.0))
    better = value + bump if indicator.direction == "max" else value - bump
    changed = [*rows[:k], (cid, period, ind, better), *rows[k + 1 :]]
    before = score(scheme, cadres, Records.from_rows(rows))
    after = score(scheme, cadres, Records.from_rows(changed))
    mine = (before.cadre_ids == cid) & (before.periods == period)
    assert np.all(after.total[mine] >= before.total[mine] - 1e-9)
    # independence: nobody else's score moves
    np.testing.assert_array_equal(after.total[~mine], before.total[~mine])


@given(problems(), st.randoms(use_true_random=False))
def test_permutation_invariance(problem: Any, rnd: Any) -> None:
    scheme, cadres, rows = problem
    a = score(scheme, cadres, Records.from_rows(rows))
    rows2 = list(rows)
    cadres2 = list(cadres)
    rnd.shuffle(rows2)
    rnd.shuffle(cadres2)
    b = score(scheme, cadres2, Records.from_rows(rows2))
    assert a == b


@given(problems(), st.sampled_from([0.1, 3.0, 7.5]))
def test_weight_homogeneity(problem: Any, factor: float) -> None:
    scheme, cadres, rows = problem
    scaled = Scheme(
        name=scheme.name,
        indicators={
            line: [attrs.evolve(i, weight=i.weight * factor) for i in items]
            for line, items in scheme.indicators.items()
        },
        penalties=scheme.penalties,
        vetoes=scheme.vetoes,
        grades=scheme.grades,
        group_by=scheme.group_by,
    )
    a = score(scheme, cadres, Records.from_rows(rows))
    b = score(scaled, cadres, Records.from_rows(rows))
    np.testing.assert_allclose(a.total, b.total, rtol=1e-12, atol=1e-9)


@given(problems(), st.data())
def test_exemption_safety(problem: Any, data: st.DataObject) -> None:
    scheme, cadres, rows = problem
    records = Records.from_rows(rows)
    base = score(scheme, cadres, records)
    c = data.draw(st.sampled_from(cadres))
    targets = [*scheme.indicator_ids, "pen", "veto"]
    target = data.draw(st.sampled_from(targets))
    policy = "waive" if target == "veto" else data.draw(st.sampled_from(["waive", "mitigate"]))
    e = Exemption(
        cadre_id=c.id,
        period=records.periods[0],
        target=target,
        policy=policy,  # type: ignore[arg-type]
        factor=data.draw(st.floats(0, 1)),
        reason="approved deviation",
        approved_by="committee",
    )
    once = score(scheme, cadres, records, exemptions=[e])
    twice = score(scheme, cadres, records, exemptions=[e, e])
    assert once == twice  # idempotent
    mine = (base.cadre_ids == c.id) & (base.periods == records.periods[0])
    if mine.any():
        assert np.all(once.total[mine] >= base.total[mine])  # never lowers
        assert np.all(once.grade_code[mine] <= np.maximum(base.grade_code[mine], 0) + 2)
    np.testing.assert_array_equal(once.total[~mine], base.total[~mine])  # local
    # the records are untouched
    assert Records.from_rows(rows) == records


def test_exemption_waives_a_penalty_and_shows_in_explain() -> None:
    scheme = Scheme(
        name="p",
        indicators={"project": [Indicator(id="x", normalise=Target(0, 10))]},
        penalties=[Penalty(id="inc", points=10)],
        group_by=None,
    )
    cadres = make_cadres([Line.PROJECT, Line.PROJECT], ["u", "u"])
    rec = Records.from_rows(
        [("c000", "2025-06", "x", 9), ("c000", "2025-06", "inc", 1), ("c001", "2025-06", "x", 8)]
    )
    e = Exemption(
        cadre_id="c000", period="2025-06", target="inc", reason="shelter", approved_by="x"
    )
    before = score(scheme, cadres, rec)
    after = score(scheme, cadres, rec, exemptions=[e])
    assert before.total.tolist() == [80.0, 80.0]
    assert after.total.tolist() == [90.0, 80.0]
    ex = after.explain("c000")
    assert ex.exemptions[0].exemption == e
    assert ex.exemptions[0].gain == 10.0
    assert ex.penalties == (("inc", 1.0, 0.0),)
    # the month's exemption also applies to the year that contains it
    year = Records.from_rows(
        [("c000", "2025", "x", 9), ("c000", "2025", "inc", 1), ("c001", "2025", "x", 8)]
    )
    assert score(scheme, cadres, year, exemptions=[e]).total.tolist() == [90.0, 80.0]
    other = Exemption(cadre_id="c001", period="2024-01", target="inc")
    assert score(scheme, cadres, rec, exemptions=[other]).exemptions_unused[0][0] == other


# ----------------------------------------------------------------- grading


def naive_grade(  # noqa: PLR0917
    scores: list[float],
    groups: list[str],
    grades: tuple[Grade, ...],
    rounding: str,
    ties: str,
    caps: list[int],
) -> list[int]:
    out = [len(grades) - 1] * len(scores)
    for g in sorted(set(groups)):
        members = sorted(
            (i for i in range(len(scores)) if groups[i] == g),
            key=lambda i: (-round(scores[i], 9), i),
        )
        left = list(members)
        for gi, gr in enumerate(grades[:-1]):
            elig = [
                i
                for i in left
                if caps[i] <= gi and (gr.min_score is None or round(scores[i], 9) >= gr.min_score)
            ]
            if gr.quota is None:
                take = elig
            else:
                seats = int(quota_seats([len(members)], gr.quota, rounding=rounding)[0])  # type: ignore[arg-type]
                if ties == "secondary_keys" or len(elig) <= seats:
                    take = elig[:seats]
                elif ties == "exclude_block":
                    edge = round(scores[elig[seats]], 9)
                    take = [i for i in elig if round(scores[i], 9) > edge]
                else:
                    take = (
                        [
                            i
                            for i in elig
                            if round(scores[i], 9) >= round(scores[elig[seats - 1]], 9)
                        ]
                        if seats
                        else []
                    )
            for i in take:
                out[i] = gi
            left = [i for i in left if i not in take]
    return out


grades3 = st.tuples(
    st.sampled_from([0.0, 0.1, 0.2, 0.25, 0.5, 1.0]),
    st.sampled_from([None, 0.3, 0.6]),
    st.sampled_from([None, 20.0, 50.0]),
).map(
    lambda t: (
        Grade("a", quota=t[0]),
        Grade("b", quota=t[1], min_score=t[2]),
        Grade("c"),
    )
)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 6).map(lambda v: v * 15.0), st.sampled_from("xyz"), st.integers(0, 2)
        ),
        min_size=1,
        max_size=30,
    ),
    grades3,
    st.sampled_from(["floor", "half_up", "ceil"]),
    st.sampled_from(["exclude_block", "include_all", "secondary_keys"]),
)
def test_grade_matches_naive_and_keeps_quota(
    rows: list[tuple[float, str, int]], grades: tuple[Grade, ...], rounding: str, ties: str
) -> None:
    scores = [r[0] for r in rows]
    groups = [r[1] for r in rows]
    caps = [r[2] for r in rows]
    g = grade(scores, groups, grades=grades, quota_rounding=rounding, ties=ties, caps=caps)  # type: ignore[arg-type]
    assert g.codes.tolist() == naive_grade(scores, groups, grades, rounding, ties, caps)
    arr = np.array(scores)
    for gi, gr in enumerate(grades[:-1]):
        if gr.quota is None:
            continue
        for label in set(groups):
            members = np.array(groups) == label
            seats = int(quota_seats([int(members.sum())], gr.quota, rounding=rounding)[0])  # type: ignore[arg-type]
            held = int(np.sum(members & (g.codes == gi)))
            if ties != "include_all":
                assert held <= seats
    # vetoes cap
    assert np.all(g.codes >= np.array(caps))
    # equal scores, equal grades; grade monotone in score (no caps)
    free = grade(scores, groups, grades=grades, quota_rounding=rounding, ties=ties)  # type: ignore[arg-type]
    for i, j in itertools.combinations(range(len(rows)), 2):
        if groups[i] != groups[j]:
            continue
        if arr[i] == arr[j] and ties != "secondary_keys":
            assert free.codes[i] == free.codes[j]
        if arr[i] > arr[j]:
            assert free.codes[i] <= free.codes[j]


def test_quota_rounding_and_ties_examples() -> None:
    grades = (Grade("excellent", quota=0.2), Grade("competent"))
    scores = [90, 85, 85, 80, 70, 60, 50]  # 7 cadres: floor 1, half_up 1, ceil 2
    assert grade(scores, grades=grades).codes.tolist() == [0, 1, 1, 1, 1, 1, 1]
    assert grade(scores, grades=grades, quota_rounding="ceil").codes.tolist() == [
        0,
        1,
        1,
        1,
        1,
        1,
        1,
    ]
    inc = grade(scores, grades=grades, quota_rounding="ceil", ties="include_all")
    assert inc.codes.tolist() == [0, 0, 0, 1, 1, 1, 1]  # quota 2 exceeded by the block
    sec = grade(
        scores,
        grades=grades,
        quota_rounding="ceil",
        ties="secondary_keys",
        secondary=[0, 1, 2, 0, 0, 0, 0],
    )
    assert sec.codes.tolist() == [0, 1, 0, 1, 1, 1, 1]
    ids = ["g", "f", "e", "d", "c", "b", "a"]
    by_id = grade(scores, grades=grades, quota_rounding="ceil", ties="secondary_keys", ids=ids)
    assert by_id.codes.tolist() == [0, 1, 0, 1, 1, 1, 1]  # 'e' before 'f'


def test_largest_remainder_and_alabama_paradox() -> None:
    assert quota_seats([6, 6, 2], 10 / 14, apportionment="largest_remainder").tolist() == [4, 4, 2]
    # Alabama paradox with Hamilton's method: sizes 6, 6, 2 and house 10 -> 11
    a = quota_seats([6, 6, 2], 10 / 14, apportionment="largest_remainder", rounding="half_up")
    b = quota_seats([6, 6, 2], 11 / 14, apportionment="largest_remainder", rounding="half_up")
    assert a.tolist() == [4, 4, 2]
    assert b.tolist() == [5, 5, 1]
    assert b[2] < a[2]


def test_scheme_vetoes_cap_grade_whatever_the_score() -> None:
    scheme = Scheme(
        name="v",
        indicators={"service": [Indicator(id="x", normalise=Target(0, 10))]},
        vetoes=[Veto(id="discipline", cap="basic")],
        grades=(
            Grade("excellent", quota=1.0),
            Grade("competent"),
            Grade("basic"),
            Grade("incompetent"),
        ),
        group_by=None,
    )
    cadres = make_cadres([Line.SERVICE] * 2, ["u", "u"])
    rec = Records.from_rows(
        [("c000", "2025", "x", 10), ("c000", "2025", "discipline", 1), ("c001", "2025", "x", 5)]
    )
    t = score(scheme, cadres, rec)
    assert t.grade.tolist() == ["basic", "excellent"]
    assert t.explain("c000").vetoes == ("discipline",)
    assert t.explain("c000").gap is None


# ----------------------------------------------------------------- totality


def simple_scheme(**kw: Any) -> Scheme:
    return Scheme(
        name="s",
        indicators={
            line: [Indicator(id=f"x{k}", normalise=Target(0, 10)) for k in range(2)]
            for line in LINES
        },
        **kw,
    )


@pytest.mark.parametrize("values", [np.zeros((5, 2)), np.full((5, 2), 7.0)])
def test_totality_constant_and_zero(values: np.ndarray[Any, Any]) -> None:
    cadres = make_cadres([Line.INVESTMENT] * 5, ["u"] * 5)
    rec = Records.from_matrix([c.id for c in cadres], ["x0", "x1"], values, period="2025-01")
    for norm in (MinMax(), Percentile()):
        rel = Scheme(
            name="r",
            indicators=[
                Indicator(id="x0", normalise=norm),
                Indicator(id="x1", normalise=Target(0, 1)),
            ],
        )
        t = score(rel, cadres, rec)
        assert np.all(np.isfinite(t.total))
    t = score(simple_scheme(), cadres, rec)
    assert np.all(np.isfinite(t.total))
    assert len(set(t.grade.tolist())) == 1  # identical cadres, identical grades


def test_totality_one_cadre_and_small_groups() -> None:
    cadres = make_cadres([Line.SERVICE], ["u"])
    rec = Records.from_rows([("c000", "2025", "x0", 10), ("c000", "2025", "x1", 10)])
    t = score(simple_scheme(), cadres, rec)
    assert t.grade.tolist() == ["competent"]  # floor(0.2 * 1) = 0 seats for excellent
    assert t.explain("c000").note == "no seats for this grade in the group"
    t = score(simple_scheme(quota_rounding="ceil"), cadres, rec)
    assert t.grade.tolist() == ["excellent"]
    empty = score(simple_scheme(), [], Records.from_rows([]))
    assert len(empty) == 0


def test_not_applicable_is_not_zero() -> None:
    scheme = Scheme(
        name="na",
        indicators={
            "investment": [
                Indicator(id="a", normalise=Target(0, 10)),
                Indicator(id="b", normalise=Target(0, 10)),
            ],
            "service": [Indicator(id="a", normalise=Target(0, 10))],
        },
    )
    cadres = make_cadres([Line.INVESTMENT, Line.SERVICE], ["u", "u"])
    rec = Records.from_rows(
        [("c000", "2025", "a", 10), ("c001", "2025", "a", 10), ("c001", "2025", "b", 0)]
    )
    assert score(scheme, cadres, rec).total.tolist() == [50.0, 100.0]


def test_table_outputs() -> None:
    t = demo_score_table()
    assert isinstance(t, ScoreTable)
    assert "<table>" in t._repr_html_()
    assert "&lt;" not in t.scheme.name
    assert t.to_pandas().shape[0] == 2
    assert t.components.shape == (2, 1)
    np.testing.assert_allclose(t.components.sum(axis=1), t.total + t.penalties)
    assert t.to_records().value("a", "2025-01", "visits") == 90.0
    assert "visits" in str(t.explain("a"))
    assert "<table>" in t.explain("a")._repr_html_()
    assert t.leaderboard(top=1).rows[0].cadre_id == "b"
    assert "<table>" in t.leaderboard()._repr_html_()
    pool = t.reserve_pool(per_line=2, min_tenure=20)
    assert pool.cadre_ids == ()
    assert len(pool.excluded) == 2
    assert "<table>" in pool._repr_html_()


# ----------------------------------------------------------------- bad input


def test_bad_values() -> None:
    with pytest.raises(InvalidInputError, match="must be finite"):
        Records.from_rows([("a", "2025", "x", float("nan"))])
    with pytest.raises(InvalidInputError, match="must be finite"):
        Records.from_rows([("a", "2025", "x", float("inf"))])
    with pytest.raises(InvalidInputError, match=r"cadre 'b', indicator 'y'.*finite"):
        Records.from_matrix(["a", "b"], ["x", "y"], [[1, 2], [3, np.nan]], period="2025")
    with pytest.raises(InvalidInputError, match="duplicate row"):
        Records.from_rows([("a", "2025", "x", 1), ("a", "2025", "x", 2)])
    with pytest.raises(InvalidInputError, match=r"duplicate rows for \(cadre 'a', period '2025'\)"):
        Records.from_matrix(["a", "a"], ["x"], [[1], [2]], period="2025")
    with pytest.raises(InvalidInputError, match=r"unknown period label '2025-13'"):
        Records.from_rows([("a", "2025-13", "x", 1)])
    with pytest.raises(InvalidInputError, match="unknown period label 'Q1'"):
        Records.from_matrix(["a"], ["x"], [[1]], period="Q1")


def test_bad_scheme() -> None:
    with pytest.raises(InvalidInputError, match="weight must be >= 0"):
        Indicator(id="x", normalise=Target(0, 1), weight=-1)
    with pytest.raises(InvalidInputError, match="weights of line 'investment' are all zero"):
        Scheme(
            name="z",
            indicators={"investment": [Indicator(id="x", normalise=Target(0, 1), weight=0)]},
        )
    with pytest.raises(InvalidInputError, match=r"quota must be in \[0, 1\]"):
        Grade("excellent", quota=1.5)
    with pytest.raises(InvalidInputError, match=r"quota must be in \[0, 1\]"):
        Grade("excellent", quota=-0.1)
    with pytest.raises(InvalidInputError, match="floor must differ from target"):
        Target(5, 5)
    with pytest.raises(InvalidInputError, match="expected floor < target, got floor=10, target=5"):
        Indicator(id="x", normalise=Target(10, 5))
    with pytest.raises(InvalidInputError, match="stretch must lie beyond target"):
        Target(0, 10, stretch=5)
    with pytest.raises(InvalidInputError, match="unknown grade 'best'"):
        Scheme(
            name="v",
            indicators=[Indicator(id="x", normalise=Target(0, 1))],
            vetoes=[Veto(id="v", cap="best")],
        )
    with pytest.raises(InvalidInputError, match="ties must be one of"):
        Scheme(name="v", indicators=[Indicator(id="x", normalise=Target(0, 1))], ties="random")  # type: ignore[arg-type]


def test_bad_score_inputs() -> None:
    scheme = simple_scheme()
    cadres = make_cadres([Line.SERVICE], ["u"])
    with pytest.raises(InvalidInputError, match="records hold cadre 'zz'"):
        score(scheme, cadres, Records.from_rows([("zz", "2025", "x0", 1)]))
    with pytest.raises(InvalidInputError, match="records hold indicator 'nope'"):
        score(scheme, cadres, Records.from_rows([("c000", "2025", "nope", 1)]))
    rec = Records.from_rows([("c000", "2025", "x0", 1)])
    with pytest.raises(InvalidInputError, match="exemption for unknown cadre 'zz'"):
        score(
            scheme, cadres, rec, exemptions=[Exemption(cadre_id="zz", period="2025", target="x0")]
        )
    with pytest.raises(InvalidInputError, match="unknown indicator, penalty or veto 'q'"):
        score(
            scheme, cadres, rec, exemptions=[Exemption(cadre_id="c000", period="2025", target="q")]
        )
    with pytest.raises(InvalidInputError, match="exemptions must be Exemption records"):
        score(scheme, cadres, rec, exemptions=["c000"])  # type: ignore[list-item]
    with pytest.raises(InvalidInputError, match="unknown period label"):
        score(scheme, cadres, rec, period="2025-1")
    with pytest.raises(InvalidInputError, match="no records for period '2024'"):
        score(scheme, cadres, rec, period="2024")
    with pytest.raises(InvalidInputError, match="unknown period label"):
        Exemption(cadre_id="c000", period="June", target="x0")
    with pytest.raises(InvalidInputError, match=r"factor must be in \[0, 1\]"):
        Exemption(cadre_id="c000", period="2025", target="x0", policy="mitigate", factor=2)
    with pytest.raises(InvalidInputError, match=r"scores\[2\] must be finite"):
        grade([1.0, 2.0, float("nan")])


def test_records_csv_and_accessors(tmp_path: Any) -> None:
    path = tmp_path / "r.csv"
    path.write_text("cadre_id,period,indicator,value\na,2025-01,x,1\nb,2025-01,x,oops\n", "utf-8")
    with pytest.raises(InvalidInputError, match="row 3, column 'value': expected a number"):
        read_records_csv(path)
    path.write_text("cadre_id,period,indicator,value\na,2025-01,x,1\na,2025-01,x,2\n", "utf-8")
    with pytest.raises(InvalidInputError, match="duplicate row"):
        read_records_csv(path)
    path.write_text("cadre_id,period,indicator,value\na,2025-01,x,1\nb,2025-02,y,2\n", "utf-8")
    rec = read_records_csv(path)
    assert rec.to_rows() == [("a", "2025-01", "x", 1.0), ("b", "2025-02", "y", 2.0)]
    assert len(rec) == 2
    assert rec.n_rows == 2
    assert rec.select(periods=["2025-02"]).cadres == ("b",)
    assert "<table>" in rec._repr_html_()
    assert rec.to_pandas().shape == (2, 4)


@settings(max_examples=20)
@given(st.permutations(list(range(6))))
def test_from_matrix_order_does_not_matter(perm: list[int]) -> None:
    ids, inds, values = dense(6, 3, 1)
    a = Records.from_matrix(ids, inds, values, period="2025Q2")
    b = Records.from_matrix([ids[i] for i in perm], inds, values[perm], period="2025Q2")
    assert a == b


@settings(max_examples=25)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["target", "stretch", "capped", "linear", "affine", "min"]),
            st.integers(0, 30),
            st.integers(1, 50),
            st.sampled_from([0.0, 0.5, 1.0, 2.5]),
        ),
        min_size=1,
        max_size=6,
    ),
    st.integers(0, 2**16),
)
def test_folded_dense_path_equals_reference(
    spec: list[tuple[str, int, int, float]], seed: int
) -> None:
    indicators = []
    for j, (kind, lo, width, weight) in enumerate(spec):
        hi = lo + width
        norm: Any = {
            "target": Target(lo, hi),
            "stretch": Target(lo, hi, stretch=hi + 10, cap=1.3),
            "capped": Target(lo, hi, cap=1.5),
            "linear": Linear(lo, hi),
            "affine": Linear(lo, hi, clip=False),
            "min": Target(hi, lo, cap=1.2),
        }[kind]
        indicators.append(
            Indicator(
                id=f"x{j:02d}",
                normalise=norm,
                weight=weight,
                direction="min" if kind == "min" else "max",
            )
        )
    if sum(i.weight for i in indicators) == 0:
        return
    scheme = Scheme(name="fold", indicators=indicators, group_by=None)
    ids, inds, values = dense(40, len(spec), seed)
    cadres = [
        attrs.evolve(c, id=i)
        for c, i in zip(make_cadres([Line.SERVICE] * 40, ["u"] * 40), ids, strict=True)
    ]
    records = Records.from_matrix(ids, inds, values, period="2025-05")
    table = score(scheme, cadres, records)
    assert table._ctx().folded is not None
    rows = [
        (ids[r], "2025-05", inds[j], float(values[r, j]))
        for r in range(40)
        for j in range(len(spec))
    ]
    ref = naive_scores(scheme, cadres, rows)
    want = np.array([ref[i, "2025-05"][0] for i in ids])
    np.testing.assert_allclose(table.total, want, rtol=1e-12, atol=1e-10)


@given(
    st.dictionaries(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(["2025-01", "2025Q2", "2025", "2024-12"]),
            st.sampled_from(["x", "y", "z.num"]),
        ),
        st.floats(-1e6, 1e6, allow_nan=False),
        max_size=20,
    )
)
def test_records_round_trip(cells: dict[tuple[str, str, str], float]) -> None:
    rows = [(c, p, i, v) for (c, p, i), v in cells.items()]
    rec = Records.from_rows(rows)
    assert sorted(rec.to_rows()) == sorted(rows)
    assert Records.from_rows(rec.to_rows()) == rec
    assert len(rec) == len(rows)


def test_star_import_exposes_all() -> None:
    namespace: dict[str, Any] = {}
    exec("from cadredev.scoring import *", namespace)  # noqa: S102
    assert sorted(k for k in namespace if not k.startswith("__")) == sorted(scoring_module.__all__)


# ------------------------------------------- the array checks the scoring results share


def test_array_checks_keep_arrays_of_the_right_dtype_and_name_the_first_bad_entry() -> None:
    from cadredev._arrays import bool_array, int_array, real_array  # noqa: PLC0415
    from cadredev._validate import check_ids  # noqa: PLC0415

    x = np.arange(6.0).reshape(3, 2)
    assert real_array(x, where="f", name="x", shape=(None, 2)) is x
    codes = np.arange(3)
    assert int_array(codes, where="f", name="c", minimum=0) is codes
    assert real_array([], where="f", name="x").dtype == np.float64
    assert int_array([], where="f", name="c").dtype == np.int64
    assert bool_array([], where="f", name="b").dtype == np.bool_
    assert real_array([1, 2**70], where="f", name="x").tolist() == [1.0, 2.0**70]
    with pytest.raises(InvalidInputError, match=r"^f: x\[1, 0\] must be finite, got nan"):
        real_array([[1.0, 2.0], [np.nan, 3.0]], where="f", name="x", shape=(None, 2))
    with pytest.raises(InvalidInputError, match=r"^f: x\[1\] must be a number \(not NaN\)"):
        real_array([np.inf, np.nan], where="f", name="x", allow_inf=True)
    with pytest.raises(InvalidInputError, match=r"^f: x\[0\] must be finite, got -inf"):
        real_array([-np.inf, np.nan], where="f", name="x", allow_nan=True)
    with pytest.raises(InvalidInputError, match=r"^f: c\[0, 1\] must be an integer within int64"):
        int_array([[1, 2**64]], where="f", name="c", shape=(1, 2))
    with pytest.raises(InvalidInputError, match=r"^f: c must have shape \(2,\), got shape \(3,\)"):
        int_array([1, 2, 3], where="f", name="c", shape=(2,))
    with pytest.raises(InvalidInputError, match=r"^f: b must be an array of booleans"):
        bool_array([0, 1], where="f", name="b")
    with pytest.raises(InvalidInputError, match=r"^f: x must be an array of real numbers"):
        real_array((v for v in [1.0]), where="f", name="x")
    with pytest.raises(InvalidInputError, match=r"^f: ids\[2\] must be a non-empty string"):
        check_ids(["a", "b", ""], where="f", name="ids")
    with pytest.raises(InvalidInputError, match=r"^f: names\[1\] must be a string without"):
        check_ids(["王", "a\x00b"], where="f", name="names", ids=False)
    assert check_ids(["王\n李"], where="f", name="names", ids=False) == ("王\n李",)


def test_is_real_refuses_integers_beyond_the_float_range() -> None:
    from cadredev._validate import is_real  # noqa: PLC0415

    assert is_real(10**308)
    assert not is_real(10**400)
    assert not is_real(-(10**400))
    assert not is_real(np.float64("inf"))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"indicators": None}, "indicators must be a collection"),
        ({"indicators": 3}, "indicators must be a collection"),
        ({"indicators": [None]}, "indicators must hold Indicator items"),
        ({"indicators": {"investment": None}}, "indicators.*must be a collection"),
        ({"indicators": {("investment",): []}}, "must map work lines to indicators"),
        ({"penalties": "p"}, "penalties must be a collection"),
        ({"vetoes": [1]}, "vetoes must hold Veto items"),
        ({"grades": [None]}, "grades must hold Grade items"),
        ({"grades": None}, "grades must be a collection"),
        ({"name": None}, "name must be a string"),
        ({"name": "a\ud800"}, "name must be a string without"),
        ({"secondary_keys": [1]}, "secondary_keys item must be"),
        ({"min_seats": 10**30}, "min_seats must be an integer in"),
        ({"pool_below": 2.0}, "pool_below must be an integer in"),
        ({"quota_rounding": ["floor"]}, "quota_rounding must be one of"),
        ({"group_by": {"unit": 1}}, "group_by must be one of"),
        ({"pool_by": ["zone"]}, "pool_by must be one of"),
    ],
)
def test_scheme_refuses_wrong_items_and_options_by_name(
    options: dict[str, Any], message: str
) -> None:
    base: dict[str, Any] = {
        "name": "s",
        "indicators": [Indicator(id="visits", normalise=Target(0, 20))],
    }
    with pytest.raises(InvalidInputError, match=f"^Scheme.*{message}"):
        Scheme(**{**base, **options})


def test_scheme_still_takes_single_items_and_mappings() -> None:
    visits = Indicator(id="visits", normalise=Target(0, 20))
    one = Scheme(name="s", indicators=visits, vetoes=Veto(id="v"), penalties=())
    assert one.indicator_ids == ("visits",)
    assert one.vetoes == (Veto(id="v"),)
    by_line = Scheme(name="s", indicators={"investment": visits, Line.SERVICE: [visits]})
    assert by_line.for_line(Line.SERVICE) == (visits,)


def test_low_level_records_constructor_checks_its_arrays() -> None:
    good = Records(("c1", "c2"), ("2025-01",), ("x",), np.array([0, 1]), np.array([0, 0]),
                   np.array([[1.0], [np.nan]]), np.array([1.0, 0.5]))  # fmt: skip
    assert good.value("c1", "2025-01", "x") == 1.0
    cases: dict[str, dict[str, Any]] = {
        "cadre_code\\[1\\] must be <= 1, got 2": {"cadre_code": np.array([0, 2])},
        "period_code\\[0\\] must be >= 0, got -1": {"period_code": np.array([-1, 0])},
        "period_code must have one code per row \\(2\\), got 1": {"period_code": np.array([0])},
        "matrix\\[1, 0\\] must be finite, got inf": {"matrix": np.array([[1.0], [np.inf]])},
        "matrix must have shape \\(2, 1\\), got shape \\(2, 2\\)": {"matrix": np.ones((2, 2))},
        "exposure must be at most 1": {"exposure": np.array([1.0, 1.5])},
        "cadres\\[0\\] must be a non-empty string": {"cadres": (" c1", "c2")},
        "periods must hold period labels, got 3": {"periods": (3,)},
        "dense must be True or False": {"dense": 1},
    }
    for message, change in cases.items():
        fields: dict[str, Any] = {
            "cadres": good.cadres,
            "periods": good.periods,
            "indicators": good.indicators,
            "cadre_code": good.cadre_code,
            "period_code": good.period_code,
            "matrix": good.matrix,
            "exposure": good.exposure,
        }
        dense = change.pop("dense", False)
        fields.update(change)
        with pytest.raises(InvalidInputError, match=f"Records: {message}"):
            Records(*fields.values(), dense=dense)


def test_records_rows_follow_the_id_rule() -> None:
    with pytest.raises(InvalidInputError, match="cadre_id must be a non-empty string"):
        Records.from_rows([(" c1", "2025-01", "x", 1.0)])
    with pytest.raises(InvalidInputError, match="indicator must be a non-empty string"):
        Records.from_rows([("c1", "2025-01", "x\x1f", 1.0)])
