"""Open references: the Normaliser protocol, Reciprocal, Step, users' own normalisers, TOPSIS."""

from __future__ import annotations

import math
import warnings
from typing import Any, ClassVar

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pymcdm import methods as pm

from cadredev import Cadre, InvalidInputError, io
from cadredev.scoring import (
    Indicator,
    Normaliser,
    Reciprocal,
    Records,
    Scheme,
    ScoreTable,
    Step,
    Target,
    score,
    topsis,
)
from cadredev.testing import check_scheme

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

values = arrays(np.float64, st.integers(0, 20), elements=st.floats(-50, 500, allow_subnormal=False))


@attrs.frozen
class Sqrt:
    """A user's normaliser: the square root of the share of a target, at most 1."""

    target: float = 25.0
    increasing: ClassVar[bool] = True

    def __call__(self, x: FloatArray) -> FloatArray:
        return np.sqrt(np.clip(np.asarray(x, dtype=float) / self.target, 0.0, 1.0))

    def describe(self) -> str:
        return f"square root of the share of {self.target:g}"

    def inverse(self, s: float) -> float | None:
        return None if s > 1 else max(s, 0.0) ** 2 * self.target


@attrs.frozen
class Rank01:
    """A user's cohort-relative normaliser: the rank of each value in the cohort."""

    relative: ClassVar[bool] = True
    increasing: ClassVar[bool] = True

    def __call__(self, x: FloatArray) -> FloatArray:
        x = np.asarray(x, dtype=float)
        if x.size <= 1:
            return np.full(x.shape, 0.5)
        return np.argsort(np.argsort(x, kind="stable"), kind="stable") / (x.size - 1)

    def describe(self) -> str:
        return "rank in the cohort"


@attrs.frozen
class Broken:
    """A normaliser that breaks its promise (NaN for negative values)."""

    def __call__(self, x: FloatArray) -> FloatArray:
        x = np.asarray(x, dtype=float)
        return np.where(x < 0, np.nan, 0.5)

    def describe(self) -> str:
        return "broken"


io.register(Sqrt)
io.register(Rank01)


# ------------------------------------------------------------- built-in ones


@given(values, st.floats(0.1, 100), st.floats(1, 3))
def test_reciprocal_matches_the_formula(x: FloatArray, target: float, cap: float) -> None:
    norm = Reciprocal(target, cap=cap)
    want = [cap if v <= target / cap else min(cap, target / v) for v in x.tolist()]
    np.testing.assert_allclose(norm(x), want, rtol=1e-12)
    assert isinstance(norm, Normaliser)
    for s in (0.1, 0.5, 1.0, cap):
        v = norm.inverse(s)
        assert v is not None
        assert norm(np.array([v]))[0] >= s - 1e-12


@st.composite
def steps(draw: st.DrawFn) -> Step:
    t = sorted(draw(st.sets(st.integers(-10, 50), min_size=1, max_size=4)))
    sc = sorted(draw(st.lists(st.floats(0, 2), min_size=len(t) + 1, max_size=len(t) + 1)))
    if draw(st.booleans()):
        sc = sc[::-1]
    return Step(t, sc, closed=draw(st.sampled_from(["left", "right"])))


@given(steps(), values)
def test_step_matches_the_bands(norm: Step, x: FloatArray) -> None:
    def naive(v: float) -> float:
        band = 0
        for t in norm.thresholds:
            if v > t or (v == t and norm.closed == "left"):
                band += 1
        return norm.scores[band]

    assert norm(x).tolist() == [naive(v) for v in x.tolist()]
    assert norm.describe().startswith("bands: ")
    for s in set(norm.scores):
        v = norm.inverse(s)
        assert v is not None
        if norm.increasing is not None:  # the edge: just beyond it the band is reached
            assert naive(v + 1e-6 if norm.increasing else v - 1e-6) >= s


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Reciprocal(0), "target must be > 0"),
        (lambda: Reciprocal(5, cap=0.5), "cap must be >= 1"),
        (lambda: Reciprocal(math.inf), "target must be a finite number"),
        (lambda: Step([2, 1], [0, 1, 2]), "strictly increasing"),
        (lambda: Step([1], [0, 1, 0.5]), "one more score than thresholds"),
        (lambda: Step([1, 2], [0, 1, 0.5]), "rise or fall monotonically"),
        (lambda: Step([1], [-1, 0]), "scores must be >= 0"),
        (lambda: Step([1], [0, 1], closed="both"), "closed must be 'left' or 'right'"),
        (lambda: Step("12", [0, 1]), "expected a sequence of numbers"),
    ],
)
def test_bad_references_are_refused(make: Any, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        make()


def test_indicator_checks_a_normaliser() -> None:
    with pytest.raises(InvalidInputError, match="normalise must be a Normaliser"):
        Indicator(id="x", normalise=42)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="normalise must be a Normaliser"):
        Indicator(id="x", normalise=Target)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="direction 'max' disagrees"):
        Indicator(id="x", normalise=Reciprocal(5))
    with pytest.raises(InvalidInputError, match="direction 'min' disagrees"):
        Indicator(id="x", normalise=Sqrt(), direction="min")
    Indicator(id="x", normalise=Reciprocal(5), direction="min")
    Indicator(id="x", normalise=Broken(), direction="min")  # monotonicity not declared


# ------------------------------------------------------------ users' own ones


def _people(n: int) -> list[Cadre]:
    return [
        Cadre(id=f"c{i}", name=f"c{i}", birth_year=1990, rank="section", unit="u") for i in range(n)
    ]


def _scheme(norm: Any, direction: str = "max") -> Scheme:
    return Scheme(
        name="own",
        indicators=[
            Indicator(id="x", normalise=norm, direction=direction, weight=2),  # type: ignore[arg-type]
            Indicator(id="days", normalise=Reciprocal(10), direction="min"),
            Indicator(
                id="complaints",
                normalise=Step([0, 2], [1, 0.5, 0], closed="right"),
                direction="min",
            ),
        ],
    )


def test_a_users_normaliser_is_scored_explained_and_serialised() -> None:
    scheme = _scheme(Sqrt())
    rec = Records.from_rows(
        [
            ("c0", "2025-01", "x", 25.0),
            ("c0", "2025-01", "days", 20.0),
            ("c0", "2025-01", "complaints", 0.0),
            ("c1", "2025-01", "x", 4.0),
            ("c1", "2025-01", "days", 5.0),
            ("c1", "2025-01", "complaints", 3.0),
        ]
    )
    table = score(scheme, _people(2), rec)
    # c0: 2*1 + 0.5 + 1 over 4; c1: 2*0.4 + 1 + 0 over 4
    np.testing.assert_allclose(table.total, [87.5, 45.0])
    ex = table.explain("c1")
    assert [round(c.attainment, 6) for c in ex.contributions] == [0.4, 1.0, 0.0]
    assert ex.contributions[0].to_next is not None  # through the normaliser's inverse
    doc = io.dump(scheme)
    assert doc["data"]["indicators"][0]["normalise"] == {"type": "Sqrt", "target": 25.0}
    assert io.load(Scheme, doc) == scheme
    assert io.load(ScoreTable, io.dump(table)) == table
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(doc, io.schema("Scheme"))


def test_an_unregistered_normaliser_cannot_be_read_back() -> None:
    doc = io.dump(_scheme(Broken(), direction="min"))
    with pytest.raises(InvalidInputError, match="register your own class"):
        io.load(Scheme, doc)


def test_a_broken_normaliser_is_named() -> None:
    scheme = _scheme(Broken(), direction="min")
    rec = Records.from_rows([("c0", "2025-01", "x", -1.0)])
    with pytest.raises(InvalidInputError, match=r"indicator 'x': normaliser Broken\(\) gave nan"):
        score(scheme, _people(1), rec)


def test_check_scheme_takes_users_normalisers() -> None:
    fixed = check_scheme(
        _scheme(Sqrt()),
        properties=["boundedness", "independence", "own_monotonicity", "permutation_invariance"],
        max_examples=25,
    )
    assert fixed.ok, fixed
    relative = check_scheme(_scheme(Rank01()), properties=["independence"], max_examples=60)
    assert not relative.results["independence"].holds


# ---------------------------------------------------------------- topsis none


@st.composite
def matrices(draw: st.DrawFn) -> tuple[FloatArray, FloatArray, list[str]]:
    n = draw(st.integers(2, 10))
    k = draw(st.integers(1, 4))
    x = draw(arrays(np.float64, (n, k), elements=st.floats(0, 1, allow_subnormal=False)))
    w = draw(arrays(np.float64, (k,), elements=st.floats(0.05, 5)))
    dirs = draw(st.lists(st.sampled_from(["max", "min"]), min_size=k, max_size=k))
    return x, w, dirs


@given(matrices())
def test_topsis_without_normalisation_matches_scikit_criteria(
    case: tuple[FloatArray, FloatArray, list[str]],
) -> None:
    x, w, dirs = case
    ours = topsis(x, w, directions=dirs, normalisation="none")  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        skc = pytest.importorskip("skcriteria")
        from skcriteria.agg.topsis import TOPSIS  # noqa: PLC0415

        dm = skc.mkdm(x, [max if d == "max" else min for d in dirs], weights=w)
        try:
            with np.errstate(invalid="ignore", divide="ignore"):
                ref = np.asarray(TOPSIS().evaluate(dm).e_.similarity, dtype=float)
        except ValueError:  # it gives up when every row is the same
            ref = np.full(x.shape[0], np.nan)
    ok = np.isfinite(ref)
    np.testing.assert_allclose(ours[ok], ref[ok], rtol=1e-9, atol=1e-12)
    assert np.all(ours[~ok] == 0.5)
    if all(d == "max" for d in dirs):  # pymcdm's TOPSIS with the identity normalisation
        with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
            warnings.simplefilter("ignore")
            same = pm.TOPSIS(normalization_function=lambda m, cost: m)(
                x, w / w.sum(), np.ones(x.shape[1]), validation=False
            )
        ok = np.isfinite(same)
        np.testing.assert_allclose(ours[ok], same[ok], rtol=1e-9, atol=1e-12)


def test_topsis_rejects_an_unknown_normalisation() -> None:
    with pytest.raises(InvalidInputError, match="'minmax', 'vector' or 'none'"):
        topsis([[1.0]], [1], normalisation="sum")  # type: ignore[arg-type]
