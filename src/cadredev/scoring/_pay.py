"""Performance-linked pay (绩岗薪联动): share a pool by grade and score.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
from attrs import field, frozen

from cadredev._arrays import int_array, real_array
from cadredev._display import HTML_ROWS, html_table, need_pandas
from cadredev._validate import check_ids, is_int, is_real
from cadredev.errors import InvalidInputError
from cadredev.model import FrozenDict

from ._compare import same_fields
from ._labels import Labels, both, check_grade_labels, check_labels, grade_labels, grade_text
from ._periods import check_period
from ._scheme import Grade
from ._table import ScoreTable

__all__ = ["PayAllocation", "allocate_pay"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def _cents_column(value: Any) -> IntArray:
    top = int(MAX_POOL) * 100
    return int_array(value, where="PayAllocation", name="cents", minimum=0, maximum=top)  # type: ignore[no-any-return]


def _points(value: Any) -> FloatArray:
    return real_array(value, where="PayAllocation", name="points", minimum=0.0)  # type: ignore[no-any-return]


def _ids(value: Any) -> tuple[str, ...]:
    return check_ids(value, where="PayAllocation", name="cadre_ids")


def _labels_of(value: Any) -> FrozenDict[str, str]:
    return check_grade_labels(value, where="PayAllocation")


def _grades(value: Any) -> tuple[str, ...]:
    return check_ids(value, where="PayAllocation", name="grades")


@frozen(kw_only=True, eq=False)
class PayAllocation:
    """Pay per cadre from :func:`allocate_pay`; the cents sum exactly to the pool.

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> pay = allocate_pay(
    ...     demo_score_table(), pool=100.01, coefficients={"excellent": 1, "competent": 1}
    ... )
    >>> pay.cents.tolist(), pay.amount("b")
    ([5000, 5001], 50.01)
    >>> pay
    PayAllocation(2025-01: pool 100.01 to 2 cadres, 50.00 to 50.01;
                  优秀/excellent 1, 称职/competent 1)

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``grade_labels``; ``to_pandas(labels=...)``.
    """

    period: str
    pool: float
    cadre_ids: tuple[str, ...] = field(converter=_ids)
    grades: tuple[str, ...] = field(converter=_grades)
    cents: IntArray = field(repr=False, converter=_cents_column)
    points: FloatArray = field(repr=False, converter=_points)
    grade_labels: FrozenDict[str, str] = field(factory=FrozenDict, converter=_labels_of)
    """Grade id -> Chinese label, from the scheme."""

    def __attrs_post_init__(self) -> None:
        check_period(self.period, where="PayAllocation: period")
        pool: Any = self.pool
        if not is_real(pool) or not 0 <= pool <= MAX_POOL:
            raise InvalidInputError(
                f"PayAllocation: pool must be a real number in [0, {MAX_POOL:.0e}], got {pool!r}"
            )
        object.__setattr__(self, "pool", float(pool))
        n = len(self.cadre_ids)
        if len(set(self.cadre_ids)) != n:
            raise InvalidInputError("PayAllocation: cadre_ids must not repeat")
        for name in ("grades", "cents", "points"):
            if len(getattr(self, name)) != n:
                raise InvalidInputError(
                    f"PayAllocation: {name} must have one entry per cadre ({n}), "
                    f"got {len(getattr(self, name))}"
                )
        paid = float(self.cents.sum(dtype=np.float64)) / 100.0
        if not math.isclose(paid, self.pool, rel_tol=1e-12, abs_tol=0.005):
            raise InvalidInputError(
                f"PayAllocation: cents must sum to the pool {self.pool:,.2f}, got {paid:,.2f}"
            )

    @property
    def amounts(self) -> FloatArray:
        """Pay per cadre, rounded to 0.01."""
        return self.cents / 100.0

    def amount(self, cadre_id: str) -> float:
        """Return one cadre's pay."""
        try:
            return float(self.cents[self.cadre_ids.index(cadre_id)]) / 100.0
        except ValueError:
            raise InvalidInputError(f"PayAllocation: no pay for cadre {cadre_id!r}") from None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PayAllocation):
            return NotImplemented
        return same_fields(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        n = len(self.cadre_ids)
        spread = (
            f", {int(self.cents.min()) / 100:,.2f} to {int(self.cents.max()) / 100:,.2f}"
            if n
            else ""
        )
        per_grade = Counter(self.grades)
        order = sorted(per_grade, key=lambda g: (-self._best_of(g), g))
        grades = ", ".join(f"{both(g, self.grade_labels)} {per_grade[g]}" for g in order)
        return (
            f"PayAllocation({self.period}: pool {self.pool:,.2f} to {n:,} "
            f"cadre{'' if n == 1 else 's'}{spread}{'; ' + grades if grades else ''})"
        )

    def _best_of(self, grade: str) -> float:
        """Return the largest pay of a grade (grades are listed best paid first)."""
        return max(int(c) for c, g in zip(self.cents, self.grades, strict=True) if g == grade)

    def _repr_html_(self) -> str:
        shown = slice(HTML_ROWS)
        rows = [
            (c, grade_text(g, self.grade_labels, "zh"), float(a))
            for c, g, a in zip(
                self.cadre_ids[shown], self.grades[shown], self.amounts[shown], strict=True
            )
        ]
        return html_table(repr(self), ("cadre", "grade", "pay"), rows)

    def to_pandas(self, *, labels: Labels = "en") -> Any:
        """Return the allocation as a :class:`pandas.DataFrame`.

        ``labels="zh"`` shows grades by their Chinese labels.

        Examples
        --------
        >>> from cadredev.datasets import demo_score_table
        >>> pay = allocate_pay(
        ...     demo_score_table(), pool=100, coefficients={"excellent": 2, "competent": 1}
        ... )
        >>> pay.to_pandas(labels="zh")["grade"].tolist()
        ['称职', '优秀']

        .. versionadded:: 0.1
        .. versionchanged:: 0.2
           ``labels``.
        """
        labels = check_labels(labels, where="PayAllocation.to_pandas")
        return need_pandas().DataFrame(
            {
                "cadre_id": self.cadre_ids,
                "grade": [grade_text(g, self.grade_labels, labels) for g in self.grades],
                "pay": self.amounts,
            }
        )


def allocate_pay(
    table: ScoreTable,
    *,
    pool: float,
    coefficients: Mapping[str, float],
    period: str | None = None,
    score_share: float = 0.5,
) -> PayAllocation:
    """Share a pay pool by grade and score, summing exactly to the pool.

    Each cadre earns points: the grade's coefficient, plus up to
    ``score_share`` of the gap to the next better grade's coefficient by the
    cadre's position between the lowest and highest total in its grade. So
    pay never falls with a better grade or a higher score within a grade
    (coefficients must not rise as grades fall). The pool is shared in
    proportion to points, in cents, the leftover cents going to the largest
    remainders (ties: more points, better grade, higher total, then cadre id).

    Parameters
    ----------
    table
        A :class:`ScoreTable`.
    pool
        The amount to share, a whole number of cents, at most 1e15: an int,
        a ``decimal.Decimal``, or a float read as the decimal it prints
        as. The shares are computed exactly in integers.
    coefficients
        Grade id -> non-negative coefficient, for every grade.
    period
        The period to pay (needed when several were scored).
    score_share
        In ``[0, 1]``; 0 pays by grade only.

    Returns
    -------
    PayAllocation

    Raises
    ------
    InvalidInputError
        For a missing or negative coefficient, coefficients that rise as
        grades fall, a pool that is not whole cents or above 1e15, a
        ``score_share`` that is not a real number in ``[0, 1]``, or no cadre
        in a paid grade.

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> pay = allocate_pay(
    ...     demo_score_table(), pool=1000, coefficients={"excellent": 1.5, "competent": 1}
    ... )
    >>> pay.amounts.tolist(), int(pay.cents.sum())
    ([400.0, 600.0], 100000)

    A large pool is shared to the cent:

    >>> from decimal import Decimal
    >>> big = allocate_pay(
    ...     demo_score_table(),
    ...     pool=Decimal("999999999999999.99"),
    ...     coefficients={"excellent": 1.5, "competent": 1},
    ... )
    >>> sum(int(c) for c in big.cents) == 99999999999999999
    True

    .. versionadded:: 0.1
    .. versionchanged:: 0.3
       Exact integer shares for any pool up to 1e15; ``Decimal`` pools.
    """
    if not isinstance(table, ScoreTable):
        raise InvalidInputError(f"allocate_pay: table must be a ScoreTable, got {table!r}")
    grades = table.scheme.grades
    coef = _coefficients(grades, coefficients)
    if not is_real(score_share) or not 0.0 <= score_share <= 1.0:
        raise InvalidInputError(
            f"allocate_pay: score_share must be a real number in [0, 1], got {score_share!r}"
        )
    pool_cents = _cents(pool)
    label = table._period(period)  # noqa: SLF001
    rows = np.nonzero(table.periods == label)[0]
    codes = table.grade_code[rows]
    total = table.total[rows]
    c = np.array(coef, dtype=np.float64)
    gaps = np.zeros(len(coef))
    if len(coef) > 1:
        gaps[1:] = c[:-1] - c[1:]
        gaps[0] = c[0] - c[1]
    points = c[codes].astype(np.float64)
    for g in range(len(coef)):
        members = codes == g
        if not members.any():
            continue
        lo, hi = float(total[members].min()), float(total[members].max())
        if hi > lo:
            points[members] += score_share * gaps[g] * (total[members] - lo) / (hi - lo)
    weight = float(points.sum())
    if weight <= 0:
        raise InvalidInputError(
            f"allocate_pay: no cadre in period {label!r} holds a grade with a positive coefficient"
        )
    cents = _share(pool_cents, points, codes=codes, total=total)
    return PayAllocation(
        period=label,
        pool=float(pool),
        cadre_ids=tuple(str(x) for x in table.cadre_ids[rows]),
        grades=tuple(grades[int(k)].id for k in codes),
        cents=cents,
        points=points,
        grade_labels=grade_labels(grades),
    )


def _coefficients(grades: Sequence[Grade], coefficients: Mapping[str, float]) -> list[float]:
    """Return each grade's pay coefficient, checked: one per grade, >= 0, not rising."""
    coef: list[float] = []
    for grade in grades:
        if grade.id not in coefficients:
            raise InvalidInputError(f"allocate_pay: coefficients lack grade {grade.id!r}")
        value: Any = coefficients[grade.id]
        if not is_real(value) or value < 0:
            raise InvalidInputError(
                f"allocate_pay: coefficient of grade {grade.id!r} must be a number >= 0, "
                f"got {value!r}"
            )
        coef.append(float(value))
    unknown = sorted(set(coefficients) - {g.id for g in grades})
    if unknown:
        raise InvalidInputError(f"allocate_pay: coefficients name unknown grade(s) {unknown}")
    for a, b, ga, gb in zip(coef, coef[1:], grades, grades[1:], strict=False):
        if b > a:
            raise InvalidInputError(
                f"allocate_pay: coefficient of {gb.id!r} ({b:g}) exceeds that of the better "
                f"grade {ga.id!r} ({a:g})"
            )
    return coef


MAX_POOL = 10**15
"""The largest pool :func:`allocate_pay` shares (yuan): 1e17 cents fit any int64 sum."""


def _cents(pool: Any) -> int:
    """Return the pool in whole cents, exactly (ints, decimals and floats by their repr)."""
    if isinstance(pool, Decimal):
        amount = pool if pool.is_finite() else None
    elif is_real(pool):
        # a float is read as the decimal it prints as (100.01 is 10001 cents)
        amount = Decimal(int(pool)) if is_int(pool) else Decimal(repr(float(pool)))
    else:
        amount = None
    if amount is None:
        raise InvalidInputError(f"allocate_pay: pool must be a finite number, got {pool!r}")
    scaled = amount * 100
    if amount < 0 or scaled != scaled.to_integral_value():
        raise InvalidInputError(
            f"allocate_pay: pool must be a non-negative whole number of cents, got {pool!r}"
        )
    if amount > MAX_POOL:
        raise InvalidInputError(f"allocate_pay: pool must be at most {MAX_POOL:.0e}, got {pool!r}")
    return int(scaled)


def _share(pool_cents: int, points: FloatArray, *, codes: IntArray, total: FloatArray) -> IntArray:
    """Share ``pool_cents`` in proportion to ``points`` exactly, in Python integers.

    Every float is a dyadic rational, so the points are scaled to integers
    with one common power of two; each cadre gets the whole part of its exact
    share and the leftover cents go to the largest remainders (ties: more
    points, better grade, higher total, then row order).
    """
    n = points.size
    ratios = [float(p).as_integer_ratio() for p in points.tolist()]
    common = max((d for _, d in ratios), default=1)
    nums = [a * (common // d) for a, d in ratios]
    weight = sum(nums)
    parts = [divmod(pool_cents * a, weight) for a in nums]
    cents = np.array([q for q, _ in parts], dtype=np.int64)
    left = pool_cents - sum(q for q, _ in parts)
    if left:
        neg_points, code, neg_total = (-points).tolist(), codes.tolist(), (-total).tolist()
        order = sorted(
            range(n), key=lambda i: (-parts[i][1], neg_points[i], code[i], neg_total[i], i)
        )
        cents[order[:left]] += 1
    return cents
