"""Contests: the panel's aggregation methods against independent numpy computations."""

from __future__ import annotations

import importlib
import inspect
import itertools
import json
import math
import random
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadredev import Cadre, io
from cadredev.contests import (
    ArenaResult,
    ArenaRow,
    Contestant,
    ContestResult,
    Criterion,
    ExamResult,
    ExamRow,
    Judge,
    JudgePart,
    Mark,
    Panel,
    Standing,
    arena,
    exam,
    judge,
)
from cadredev.datasets import demo_score_table
from cadredev.errors import InvalidInputError
from cadredev.scoring import Indicator, Scheme, Target, score

CRITERIA = (
    Criterion(id="results", label="亮成绩", weight=0.5),
    Criterion(id="gaps", label="找不足", weight=0.2),
    Criterion(id="ideas", label="谈思路", weight=0.3),
)


def _panel(n_judges: int, method: Any = "mean", *, recuse: bool = False) -> Panel:
    return Panel(
        judges=[Judge(id=f"j{k}", unit=f"u{k % 3}") for k in range(n_judges)],
        criteria=CRITERIA,
        method=method,
        recuse=recuse,
    )


def _full(matrix: np.ndarray[Any, Any]) -> list[Mark]:
    """Marks where judge j gives contestant c the value matrix[j, c] on every criterion."""
    return [
        Mark(judge_id=f"j{j}", contestant_id=f"c{c}", criterion=k.id, value=float(matrix[j, c]))
        for j in range(matrix.shape[0])
        for c in range(matrix.shape[1])
        for k in CRITERIA
    ]


def _people(n: int) -> list[Contestant]:
    return [Contestant(id=f"c{c}", unit=f"u{c % 3}") for c in range(n)]


matrices = st.tuples(st.integers(3, 6), st.integers(2, 6)).flatmap(
    lambda shape: st.lists(
        st.lists(st.integers(0, 100), min_size=shape[1], max_size=shape[1]),
        min_size=shape[0],
        max_size=shape[0],
    ).map(lambda rows: np.array(rows, dtype=np.float64))
)


def _trimmed(values: np.ndarray[Any, Any]) -> float:
    ordered = np.sort(values)
    return float(ordered[1:-1].mean())


@pytest.mark.parametrize(
    ("method", "reference"),
    [("mean", np.mean), ("median", np.median), ("trimmed", _trimmed)],
)
@given(matrix=matrices)
def test_plain_methods_match_numpy(method: str, reference: Any, matrix: Any) -> None:
    result = judge(_panel(matrix.shape[0], method), _people(matrix.shape[1]), _full(matrix))
    for c in range(matrix.shape[1]):
        assert result.scores[f"c{c}"] == pytest.approx(reference(matrix[:, c]), abs=1e-9)


@given(matrix=matrices, method=st.sampled_from(["mean", "trimmed", "median", "zscore", "additive"]))
def test_contributions_add_up_to_the_score(matrix: Any, method: str) -> None:
    result = judge(_panel(matrix.shape[0], method), _people(matrix.shape[1]), _full(matrix))
    for s in result.standings:
        assert math.fsum(p.contribution for p in s.parts) == pytest.approx(s.score, abs=1e-9)
        assert sum(p.weight for p in s.parts) == pytest.approx(1.0)


@given(matrix=matrices)
def test_zscore_matches_an_independent_computation(matrix: Any) -> None:
    result = judge(_panel(matrix.shape[0], "zscore"), _people(matrix.shape[1]), _full(matrix))
    mean = matrix.mean(axis=1, keepdims=True)
    sd = matrix.std(axis=1, keepdims=True)
    z = np.divide(matrix - mean, sd, out=np.zeros_like(matrix), where=sd > 0)
    expected = matrix.mean() + matrix.std() * z.mean(axis=0)
    got = np.array([result.scores[f"c{c}"] for c in range(matrix.shape[1])])
    np.testing.assert_allclose(got, expected, atol=1e-9)


def _additive_reference(
    cells: dict[tuple[int, int], float],
) -> tuple[dict[int, float], dict[int, float]]:
    """Reference coding (first judge's term 0) with pinv, then centred: alpha, b."""
    cs = sorted({c for _, c in cells})
    js = sorted({j for j, _ in cells})
    x = np.zeros((len(cells), len(cs) + len(js) - 1))
    y = np.zeros(len(cells))
    for r, ((j, c), v) in enumerate(sorted(cells.items())):
        x[r, cs.index(c)] = 1.0
        if js.index(j) > 0:
            x[r, len(cs) + js.index(j) - 1] = 1.0
        y[r] = v
    coef = np.linalg.pinv(x) @ y
    b = np.concatenate([[0.0], coef[len(cs) :]])
    shift = b.mean()
    alpha = {c: float(coef[k] + shift) for k, c in enumerate(cs)}
    return alpha, {j: float(b[k] - shift) for k, j in enumerate(js)}


@given(matrix=matrices, data=st.data())
def test_additive_model_matches_least_squares_with_another_coding(matrix: Any, data: Any) -> None:
    n_j, n_c = matrix.shape
    # leave some cells out (unbalanced), keeping every contestant linked through judge 0
    keep = {(0, c) for c in range(n_c)}
    keep |= {
        (j, c)
        for j in range(1, n_j)
        for c in range(n_c)
        if data.draw(st.booleans(), label=f"keep {j},{c}")
    }
    marks = [m for m in _full(matrix) if (int(m.judge_id[1:]), int(m.contestant_id[1:])) in keep]
    result = judge(_panel(n_j, "additive"), _people(n_c), marks)
    alpha, b = _additive_reference({(j, c): float(matrix[j, c]) for j, c in keep})
    for c in range(n_c):
        assert result.scores[f"c{c}"] == pytest.approx(alpha[c], abs=1e-7)
    for j, effect in b.items():
        assert result.severity[f"j{j}"] == pytest.approx(-effect, abs=1e-7)


def test_additive_recovers_judge_severity_exactly_on_noise_free_marks() -> None:
    talent = np.array([60.0, 70.0, 80.0, 90.0])
    leniency = np.array([-6.0, 0.0, 2.0, 4.0])  # sums to 0
    matrix = leniency[:, None] + talent[None, :]
    marks = [m for m in _full(matrix) if not (m.judge_id == "j0" and m.contestant_id == "c3")]
    result = judge(_panel(4, "additive"), _people(4), marks)
    np.testing.assert_allclose([result.scores[f"c{c}"] for c in range(4)], talent, atol=1e-9)
    np.testing.assert_allclose([result.severity[f"j{j}"] for j in range(4)], -leniency, atol=1e-9)
    # the plain mean is pulled by the harsh judge's missing mark; the model is not
    assert judge(_panel(4), _people(4), marks).scores["c3"] != pytest.approx(90.0)


def test_balanced_additive_is_the_contestant_mean() -> None:
    rng = np.random.default_rng(3)
    matrix = rng.integers(40, 100, size=(5, 6)).astype(float)
    result = judge(_panel(5, "additive"), _people(6), _full(matrix))
    np.testing.assert_allclose(
        [result.scores[f"c{c}"] for c in range(6)], matrix.mean(axis=0), atol=1e-9
    )
    np.testing.assert_allclose(
        [result.severity[f"j{j}"] for j in range(5)], matrix.mean() - matrix.mean(axis=1), atol=1e-9
    )


def test_additive_refuses_unlinked_groups() -> None:
    marks = [
        Mark(judge_id=j, contestant_id=c, criterion=k.id, value=50)
        for j, c in (("j0", "c0"), ("j1", "c1"))
        for k in CRITERIA
    ]
    with pytest.raises(InvalidInputError, match="2 separate groups"):
        judge(_panel(3, "additive"), _people(2), marks)


@given(matrix=matrices, seed=st.integers(0, 1000))
def test_input_order_does_not_matter(matrix: Any, seed: int) -> None:
    marks, people = _full(matrix), _people(matrix.shape[1])
    shuffled_marks, shuffled_people = list(marks), list(people)
    random.Random(seed).shuffle(shuffled_marks)  # noqa: S311 (test data)
    random.Random(seed + 1).shuffle(shuffled_people)  # noqa: S311 (test data)
    for method in ("mean", "additive"):
        panel = _panel(matrix.shape[0], method)
        assert judge(panel, people, marks) == judge(panel, shuffled_people, shuffled_marks)


def test_recusal_excludes_own_unit_judges_and_says_so() -> None:
    matrix = np.array([[90.0, 50.0], [60.0, 70.0], [70.0, 80.0]])
    people = [Contestant(id="c0", unit="u0"), Contestant(id="c1", unit="u9")]
    result = judge(_panel(3, recuse=True), people, _full(matrix))
    assert result.recusals == (("j0", "c0"),)  # j0 is of unit u0
    assert result.scores["c0"] == pytest.approx(65.0)
    parts = {p.judge_id: p for p in result.explain("c0").parts}
    assert parts["j0"].weight == 0.0
    assert "回避" in parts["j0"].status
    assert judge(_panel(3), people, _full(matrix)).scores["c0"] == pytest.approx(220 / 3)


def test_a_contestant_left_without_judges_is_unscored_with_the_reason() -> None:
    panel = Panel(judges=[Judge(id="j0", unit="u0")], criteria=CRITERIA, recuse=True)
    matrix = np.array([[90.0, 50.0]])
    people = [Contestant(id="c0", unit="u0"), Contestant(id="c1", unit="u1")]
    result = judge(panel, people, _full(matrix))
    assert [c for c, _ in result.unscored] == ["c0"]
    assert "recusal" in result.unscored[0][1]
    with pytest.raises(InvalidInputError, match="recusal"):
        result.explain("c0")


def test_ties_by_criteria_then_id_or_shared() -> None:
    panel = Panel(judges=[Judge(id="j")], criteria=[Criterion(id="a"), Criterion(id="b")])
    # equal totals (70): y has the higher first criterion, x and z are identical
    marks = [
        ("j", "x", "a", 60), ("j", "x", "b", 80),
        ("j", "y", "a", 80), ("j", "y", "b", 60),
        ("j", "z", "a", 60), ("j", "z", "b", 80),
    ]  # fmt: skip
    people = [{"id": i} for i in "zyx"]
    result = judge(panel, people, marks)
    assert result.ranking == ("y", "x", "z")
    assert [s.position for s in result.standings] == [1, 2, 3]
    shared = judge(panel, people, marks, ties="share")
    assert shared.ranking == ("x", "y", "z")
    assert [s.position for s in shared.standings] == [1, 1, 1]


@pytest.mark.parametrize(
    ("marks", "message"),
    [
        ([("j0", "c0", "results", 5), ("j0", "c0", "results", 6)], "twice"),
        ([("jx", "c0", "results", 5)], "not on the panel"),
        ([("j0", "cx", "results", 5)], "not listed"),
        ([("j0", "c0", "other", 5)], "not the panel's"),
        ([("j0", "c0", "results", 101)], "within"),
        ([("j0", "c0", "results", 50)], "missing gaps, ideas"),
        ([("j0", "c0", "results")], "Mark or"),
    ],
)
def test_bad_marks_are_named_errors(marks: list[Any], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        judge(_panel(3), _people(1), marks)


def test_bad_panels_are_named_errors() -> None:
    with pytest.raises(
        InvalidInputError, match=r"Panel: method 'trimmed'.*at least 3 judges, got 1"
    ):
        Panel(judges=[Judge(id="j")], criteria=CRITERIA, method="trimmed")
    with pytest.raises(InvalidInputError, match="distinct"):
        Panel(judges=[Judge(id="j"), Judge(id="j")], criteria=CRITERIA)
    with pytest.raises(InvalidInputError, match="method"):
        Panel(judges=[Judge(id="j")], criteria=CRITERIA, method="best")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="Criterion 'x': weight"):
        Criterion(id="x", weight=0)
    with pytest.raises(InvalidInputError, match="listed twice"):
        judge(_panel(1), [{"id": "c"}, {"id": "c"}], [])


def test_results_feed_scoring_records_and_display() -> None:
    matrix = np.array([[80.0, 60.0], [90.0, 70.0], [70.0, 80.0]])
    result = judge(_panel(3), _people(2), _full(matrix))
    records = result.to_records(period="2025")
    assert records.value("c0", "2025", "contest") == pytest.approx(80.0)
    assert "亮成绩" in result._repr_html_()
    assert "ContestResult(2 scored" in repr(result)
    text = str(result.explain("c1"))
    assert text.startswith("2. c1")
    assert text.count("JudgePart") == 3


def test_exam_pass_rate_and_absentees() -> None:
    result = exam({"a": 60, "b": 59.5, "c": 60}, pass_mark=60, enrolled=["a", "b", "c", "d"])
    assert result.passed == ("a", "c")
    assert [r.position for r in result.rows] == [1, 1, 3]
    assert result.pass_rate == 0.5
    assert result.explain("d") == "d: absent, counted as not passed"
    assert result.to_records(period="2025").value("d", "2025", "exam") == 0.0
    with pytest.raises(InvalidInputError, match="pass_mark"):
        exam({"a": 1}, pass_mark=101)
    with pytest.raises(InvalidInputError, match="not enrolled"):
        exam({"a": 1}, pass_mark=1, enrolled=["b"])


@given(
    scores=st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 100), max_size=8),
    mark=st.integers(0, 100),
)
def test_exam_laws(scores: dict[str, int], mark: int) -> None:
    result = exam(scores, pass_mark=mark)
    assert set(result.passed) == {k for k, v in scores.items() if v >= mark}
    values = [r.score for r in result.rows]
    assert values == sorted(values, reverse=True)
    assert exam(dict(reversed(list(scores.items()))), pass_mark=mark) == result


@given(w=st.floats(0, 1), a=st.integers(0, 100), b=st.integers(0, 100))
def test_arena_is_the_documented_weighted_mean(w: float, a: int, b: int) -> None:
    panel = Panel(judges=[Judge(id="j")], criteria=[Criterion(id="ideas")])
    heard = judge(
        panel,
        [{"id": "a"}, {"id": "b"}, {"id": "x"}],
        [("j", "a", "ideas", a), ("j", "b", "ideas", b)],
    )
    board = arena(heard, demo_score_table(), judged_weight=w)
    measured = {"a": 90.0, "b": 95.0}
    for row in board.rows:
        judged = a if row.cadre_id == "a" else b
        expected = w * judged + (1 - w) * measured[row.cadre_id]
        assert row.combined == pytest.approx(expected, abs=1e-9)
    assert board.unscored == (
        ("x", "not scored: has 0 counted judge(s); method 'mean' needs at least 1 (panel)"),
    )
    combined = [r.combined for r in board.rows]
    assert combined == sorted(combined, reverse=True)


def test_arena_bad_weight() -> None:
    panel = Panel(judges=[Judge(id="j")], criteria=[Criterion(id="ideas")])
    heard = judge(panel, [{"id": "a"}], [("j", "a", "ideas", 50)])
    with pytest.raises(InvalidInputError, match="judged_weight"):
        arena(heard, demo_score_table(), judged_weight=1.5)


@pytest.mark.parametrize("module", ["cadredev.contests", "cadredev.selection"])
def test_every_public_name_is_documented_with_an_example(module: str) -> None:
    mod = importlib.import_module(module)
    missing = []
    for name in mod.__all__:
        obj = getattr(mod, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            doc = inspect.getdoc(obj) or ""
            if "Examples" not in doc or "versionadded" not in doc:
                missing.append(name)
    assert missing == []


@given(
    matrix=matrices,
    method=st.sampled_from(["mean", "trimmed", "median", "zscore"]),
    units=st.lists(st.sampled_from(["u0", "u1", "u2", "u9"]), min_size=6, max_size=6),
    ties=st.sampled_from(["criteria", "share"]),
)
def test_every_contestant_is_scored_or_says_why(
    matrix: Any, method: str, units: list[str], ties: Any
) -> None:
    people = [Contestant(id=f"c{c}", unit=units[c]) for c in range(matrix.shape[1])]
    result = judge(_panel(matrix.shape[0], method, recuse=True), people, _full(matrix), ties=ties)
    scored = [s.contestant_id for s in result.standings]
    assert sorted(scored + [c for c, _ in result.unscored]) == sorted(p.id for p in people)
    for j, c in result.recusals:
        assert next(p.unit for p in people if p.id == c) == f"u{int(j[1:]) % 3}"
    positions = [s.position for s in result.standings]
    assert positions == sorted(positions)
    for a, b in itertools.pairwise(result.standings):
        assert round(a.score, 9) >= round(b.score, 9)
        if ties == "share":
            assert (a.position == b.position) == (round(a.score, 9) == round(b.score, 9))
        else:
            assert b.position == a.position + 1


def test_contest_records_are_scored_by_a_scheme() -> None:
    matrix = np.array([[80.0, 60.0], [90.0, 70.0], [70.0, 80.0]])
    result = judge(_panel(3), _people(2), _full(matrix))
    scheme = Scheme(
        name="contest",
        indicators={"investment": [Indicator(id="contest", normalise=Target(60, 100))]},
    )
    people = [
        Cadre(id=f"c{k}", name="", birth_year=1990, rank="section", unit="u", line="investment")
        for k in range(2)
    ]
    table = score(scheme, people, result.to_records(period="2025"))
    assert table.total.tolist() == pytest.approx([50.0, 25.0])


def test_contest_results_as_data_frames() -> None:
    pytest.importorskip("pandas")
    matrix = np.array([[80.0, 60.0], [90.0, 70.0], [70.0, 80.0]])
    result = judge(_panel(3), _people(2), _full(matrix))
    frame = result.to_pandas()
    assert list(frame.columns[-3:]) == ["亮成绩", "找不足", "谈思路"]
    assert exam({"a": 1}, pass_mark=1).to_pandas().iloc[0]["passed"]
    panel = Panel(judges=[Judge(id="j")], criteria=[Criterion(id="ideas")])
    heard = judge(panel, [{"id": "a"}], [("j", "a", "ideas", 50)])
    assert len(arena(heard, demo_score_table()).to_pandas()) == 1


def test_contest_results_refuse_hostile_fields_by_name() -> None:
    part = JudgePart(judge_id="j0", raw=80, adjusted=80, weight=1, status="counted")
    standing = Standing(
        position=1, contestant_id="c0", name="", unit="u0", score=80, judges=1,
        criteria={"results": 80}, parts=[part],
    )  # fmt: skip
    result = ContestResult(
        panel=_panel(1), standings=[standing], unscored=[("c1", "absent")], recusals=(),
        severity={"j0": 0},
    )  # fmt: skip
    row = ArenaRow(
        position=1, cadre_id="c0", name="", judged=80, measured=90, judged_weight=0.5,
        combined=85,
    )  # fmt: skip
    board = ArenaResult(period="2025", judged_weight=0.5, rows=[row], unscored=[["c1", "x"]])
    sat = ExamRow(position=1, cadre_id="a", score=72, passed=True)
    graded = ExamResult(name="", pass_mark=60, full_marks=100, rows=[sat], absent=["b"])
    assert type(part.raw) is float
    assert result.unscored == (("c1", "absent"),)
    assert board.unscored == (("c1", "x"),)
    for obj in (part, standing, result, row, board, sat, graded):
        assert io.load(type(obj), json.loads(json.dumps(io.dump(obj)))) == obj
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (part, {"judge_id": ""}, "JudgePart: judge_id must be a non-empty string"),
        (part, {"weight": math.inf}, "JudgePart: weight must be a finite real number, got inf"),
        (part, {"status": None}, "JudgePart: status must be a string, got None"),
        (standing, {"position": 0}, "Standing: position must be an integer >= 1, got 0"),
        (standing, {"unit": 3}, "Standing: unit must be a string, got 3"),
        (standing, {"criteria": {"x": "80"}}, r"Standing: criteria\['x'\] must be a finite number"),
        (standing, {"parts": [standing]}, "Standing: parts must hold JudgePart records"),
        (result, {"panel": None}, "ContestResult: panel must be a Panel, got None"),
        (result, {"standings": None}, "ContestResult: standings must be a collection"),
        (result, {"unscored": ["c1"]}, r"ContestResult: unscored must hold \(id, text\) pairs"),
        (result, {"recusals": [("j0",)]}, r"ContestResult: recusals must hold \(id, text\)"),
        (result, {"severity": {None: 1}}, "ContestResult: severity must have ids"),
        (result, {"ties": "coin"}, "ContestResult: ties must be one of criteria, share"),
        (row, {"cadre_id": " c0"}, "ArenaRow: cadre_id must be a non-empty string"),
        (row, {"combined": math.nan}, "ArenaRow: combined must be a finite real number"),
        (board, {"rows": [sat]}, "ArenaResult: rows must hold ArenaRow records"),
        (board, {"period": b"2025"}, "ArenaResult: period must be a string"),
        (sat, {"passed": "yes"}, "ExamRow: passed must be True or False, got 'yes'"),
        (sat, {"score": True}, "ExamRow: score must be a finite real number, got True"),
        (graded, {"absent": "b"}, "ExamResult: absent must be a collection, got 'b'"),
        (graded, {"rows": [row]}, "ExamResult: rows must hold ExamRow records"),
        (graded, {"pass_mark": "60"}, "ExamResult: pass_mark must be a finite real number"),
    ]
    for record, change, message in cases:
        with pytest.raises(InvalidInputError, match=message):
            attrs.evolve(record, **change)


@pytest.mark.parametrize(
    ("scores", "enrolled", "fragment"),
    [
        (None, None, "scores must be a mapping of id -> score, got None"),
        (["a"], None, "scores must be a mapping"),
        ({" a": 70}, None, "participant ids must be a non-empty string without surrounding"),
        ({1: 70}, None, "participant ids must be a non-empty string .*, got 1"),
        ({"a": 70}, 5, "enrolled must be a collection, got 5"),
        ({"a": 70}, ["a", " b"], r"enrolled\[1\] must be a non-empty string"),
    ],
)
def test_exam_refuses_what_is_not_scores_by_id(scores: Any, enrolled: Any, fragment: str) -> None:
    with pytest.raises(InvalidInputError, match=f"^exam: {fragment}"):
        exam(scores, pass_mark=60, enrolled=enrolled)
