"""Tests for the opt-in TOPSIS aggregation and person-post fit."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pymcdm.methods import TOPSIS

from cadredev import Cadre, Eligibility, InvalidInputError, Post
from cadredev.scoring import post_fit, topsis


@st.composite
def matrices(draw: st.DrawFn, /) -> tuple[np.ndarray, np.ndarray, list[str]]:
    n = draw(st.integers(2, 12))
    k = draw(st.integers(1, 5))
    x = draw(arrays(np.float64, (n, k), elements=st.floats(0, 100, allow_subnormal=False)))
    w = draw(arrays(np.float64, (k,), elements=st.floats(0.05, 5)))
    dirs = draw(st.lists(st.sampled_from(["max", "min"]), min_size=k, max_size=k))
    return x, w, dirs


@given(matrices())
def test_topsis_equals_pymcdm(case: tuple[np.ndarray, np.ndarray, list[str]]) -> None:
    x, w, dirs = case
    ours = topsis(x, w, directions=dirs)  # type: ignore[arg-type]
    types = np.array([1 if d == "max" else -1 for d in dirs])
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore")
        ref = TOPSIS()(x, w / w.sum(), types, validation=False)
    ok = np.isfinite(ref)
    np.testing.assert_allclose(ours[ok], ref[ok], rtol=1e-12, atol=1e-12)
    assert np.all(ours[~ok] == 0.5)
    assert np.all((ours >= 0) & (ours <= 1))


def test_topsis_vector_and_bad_input() -> None:
    x = np.array([[1.0, 2.0], [2.0, 1.0], [4.0, 4.0]])
    assert topsis(x, [1, 1], normalisation="vector")[2] == pytest.approx(1.0)
    with pytest.raises(InvalidInputError, match="must be finite"):
        topsis([[np.nan]], [1])
    with pytest.raises(InvalidInputError, match="not all zero"):
        topsis(x, [0, 0])
    with pytest.raises(InvalidInputError, match="not all zero"):
        topsis(x, [-1, 2])
    # cohort-relative: adding a cadre changes another's closeness
    assert topsis(x[:2], [1, 1])[0] != topsis(x, [1, 1])[0]


def _cadre(cid: str, levels: dict[str, float], born: int = 1990) -> Cadre:
    return Cadre(id=cid, name=cid, birth_year=born, rank="section", unit="u", competencies=levels)


@given(
    st.lists(
        st.dictionaries(st.sampled_from(["a", "b", "c"]), st.floats(0, 1), max_size=3),
        min_size=1,
        max_size=8,
    ),
    st.randoms(use_true_random=False),
)
def test_post_fit_is_bounded_and_order_free(levels: list[dict[str, float]], rnd: object) -> None:
    post = Post(id="p", unit="u", category="host", requirements={"a": 0.5, "b": 0.8})
    cadres = [_cadre(f"c{k}", lv) for k, lv in enumerate(levels)]
    result = post_fit(post, cadres)
    shuffled = list(cadres)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert post_fit(post, shuffled) == result
    fits = [r.fit for r in result.ranking]
    assert fits == sorted(fits, reverse=True)
    assert all(0 <= f <= 1 for f in fits)
    for r in result.ranking:
        assert r.meets_all == (r.fit == 1.0)


def test_post_fit_eligibility_and_bad_input() -> None:
    post = Post(
        id="p",
        unit="u",
        category="host",
        requirements={"a": 0.5},
        eligibility=Eligibility(born_after=1990),
    )
    old = _cadre("old", {"a": 1.0}, born=1980)
    young = _cadre("young", {"a": 0.25})
    result = post_fit(post, [old, young])
    assert result.cadre_ids == ("young",)
    assert result.excluded == (("old", "born 1980, before 1990"),)
    assert result.ranking[0].gaps == {"a": 0.25}
    assert "<table>" in result._repr_html_()
    with pytest.raises(InvalidInputError, match="duplicate candidate id 'young'"):
        post_fit(post, [young, young])


@pytest.mark.parametrize(
    ("values", "weights", "message"),
    [
        (None, [1], "values must be an array of real numbers"),
        ("12", [1], "values must be an array of real numbers"),
        ([[1.0, 2.0], [3.0]], [1, 1], "values must be an array of real numbers"),
        ([[1.0, "2"]], [1, 1], "values must be an array of real numbers"),
        ([[1.0, None]], [1, 1], r"values\[0, 1\] must be a finite real number"),
        ([[1.0, 10**400]], [1, 1], r"values\[0, 1\] must be a finite real number"),
        ([[1.0, float("inf")]], [1, 1], r"values\[0, 1\] must be finite"),
        ([[True, False]], [1, 1], "values must be an array of real numbers, got dtype bool"),
        ([1.0, 2.0], [1, 1], r"values must have shape \(n, k\)"),
        ([[1.0, 1e200]], [1, 1], "values must lie within"),
        ([[1.0, 2.0]], [1, "1"], "weights must be an array of real numbers"),
        ([[1.0, 2.0]], [1, 10**400], r"weights\[1\] must be a finite real number"),
        ([[1.0, 2.0]], [1, 1e300], r"weights\[1\] must be <= 1e\+100"),
        ([[1.0, 2.0]], [1], r"weights must have shape \(2,\)"),
        ([[1.0, 2.0]], {1, 2}, "weights must be an array of real numbers"),
    ],
)
def test_topsis_refuses_matrices_that_are_not_finite_reals(
    values: object, weights: object, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=f"^topsis: {message}"):
        topsis(values, weights)


@pytest.mark.parametrize("directions", [5, "max", [None, "max"], [["max"], "min"], ["max"]])
def test_topsis_refuses_directions_that_are_not_one_per_criterion(directions: object) -> None:
    with pytest.raises(InvalidInputError, match=r"^topsis: directions must"):
        topsis([[1.0, 2.0], [2.0, 1.0]], [1, 1], directions=directions)  # type: ignore[arg-type]


@given(
    arrays(np.float64, (4, 3), elements=st.floats(-1e100, 1e100)),
    arrays(np.float64, 3, elements=st.floats(0, 1e100)),
    st.sampled_from(["minmax", "vector", "none"]),
)
def test_topsis_at_the_largest_accepted_values_stays_finite(
    x: np.ndarray, w: np.ndarray, normalisation: str
) -> None:
    if not w.sum() > 0:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow anywhere
        out = topsis(x, w, normalisation=normalisation)  # type: ignore[arg-type]
    assert np.isfinite(out).all()
    assert ((out >= 0) & (out <= 1 + 1e-12)).all()
