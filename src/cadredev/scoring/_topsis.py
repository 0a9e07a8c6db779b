"""Opt-in TOPSIS aggregation (cohort-relative).

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from cadredev._arrays import real_array
from cadredev._validate import check_items
from cadredev.errors import InvalidInputError

__all__ = ["topsis"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

_LARGEST = 1e100
"""The largest magnitude of a value: squares and sums of squares stay finite."""


def _directions(directions: Any, k: int) -> list[str]:
    if directions is None:
        return ["max"] * k
    dirs = list(check_items(directions, where="topsis", name="directions"))
    if len(dirs) != k or any(not isinstance(d, str) or d not in ("max", "min") for d in dirs):
        raise InvalidInputError(
            f"topsis: directions must give 'max' or 'min' per criterion, got {dirs}"
        )
    return dirs


def topsis(
    values: Any,
    weights: Any,
    *,
    directions: Sequence[Literal["max", "min"]] | None = None,
    normalisation: Literal["minmax", "vector", "none"] = "minmax",
) -> FloatArray:
    """Return TOPSIS closeness to the ideal for each row of a decision matrix.

    **Opt-in and cohort-relative**: the ideal and anti-ideal points are taken
    from the rows given, so adding, removing or changing one cadre moves every
    other cadre's closeness, and can reorder them. Prefer :func:`score` with
    fixed references for assessments; use this for comparison with studies
    that use TOPSIS. Matches pymcdm's ``TOPSIS`` (weights are rescaled to sum
    to 1; a constant column normalises to 1 under ``"minmax"``). When every
    row is identical the closeness is 0.5 for all.

    Parameters
    ----------
    values
        ``(rows x criteria)`` finite values.
    weights
        Non-negative criterion weights, not all zero.
    directions
        ``"max"`` (benefit) or ``"min"`` (cost) per criterion; default all ``"max"``.
    normalisation
        ``"minmax"`` (pymcdm's default), ``"vector"``, or ``"none"``: the
        values are weighted as they are (already on one scale, such as
        attainments from :func:`score`); the ideal point then takes the
        smallest value of a ``"min"`` criterion and the largest of a
        ``"max"`` one.

    Returns
    -------
    numpy.ndarray
        Closeness in ``[0, 1]`` per row, higher is better.

    Raises
    ------
    InvalidInputError
        For values or weights that are not finite real numbers (or beyond
        ``±1e100``), negative or all-zero weights, or mismatched shapes.

    Examples
    --------
    >>> topsis([[1.0, 5.0], [3.0, 1.0], [2.0, 3.0]], [0.5, 0.5], directions=["max", "min"])
    array([0. , 1. , 0.5])
    >>> topsis([[1.0, 1.0], [3.0, 3.0]], [1, 1]).tolist()
    [0.0, 1.0]
    >>> topsis([[0.2, 0.9], [0.6, 0.3]], [1, 1], normalisation="none").round(3).tolist()
    [0.6, 0.4]

    .. versionadded:: 0.1
    .. versionchanged:: 0.3
       ``normalisation="none"``.
    """
    x = real_array(values, where="topsis", name="values", shape=(None, None))
    w = real_array(weights, where="topsis", name="weights", shape=(x.shape[1],), maximum=_LARGEST)
    if (w < 0).any() or not w.sum() > 0:
        raise InvalidInputError(f"topsis: weights must be >= 0 and not all zero, got {w.tolist()}")
    # the sums of squares and distances below must stay finite
    if x.size and float(np.abs(x).max()) > _LARGEST:
        raise InvalidInputError(
            f"topsis: values must lie within ±{_LARGEST:g}, got {float(np.abs(x).max()):g}"
        )
    w = w / w.sum()
    dirs = _directions(directions, x.shape[1])
    if normalisation not in ("minmax", "vector", "none"):
        raise InvalidInputError(
            f"topsis: normalisation must be 'minmax', 'vector' or 'none', got {normalisation!r}"
        )
    if x.shape[0] == 0:
        return np.zeros(0)
    cost = np.array([d == "min" for d in dirs])
    if normalisation == "minmax":
        lo, hi = x.min(axis=0), x.max(axis=0)
        span = np.where(hi > lo, hi - lo, 1.0)
        n = np.where(cost, hi - x, x - lo) / span
        n[:, hi == lo] = 1.0
    elif normalisation == "vector":
        norm = np.sqrt((x**2).sum(axis=0))
        norm = np.where(norm > 0, norm, 1.0)
        n = np.where(cost, 1.0 - x / norm, x / norm)
    else:
        n = x
    v = n * w
    best, worst = v.max(axis=0), v.min(axis=0)
    if normalisation == "none":  # a cost criterion's ideal is its smallest value
        best, worst = np.where(cost, worst, best), np.where(cost, best, worst)
    d_plus = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - worst) ** 2).sum(axis=1))
    both = d_plus + d_minus
    return np.where(both > 0, d_minus / np.where(both > 0, both, 1.0), 0.5)
