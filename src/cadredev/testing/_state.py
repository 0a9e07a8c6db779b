"""A stateful test of an assessment year: months, exemptions, closings, pay.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from cadredev._validate import is_int, is_real
from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, Rank
from cadredev.scoring import (
    Exemption,
    ExposureWarning,
    PayAllocation,
    Records,
    Scheme,
    ScoreTable,
    allocate_pay,
    rollup,
    score,
)

from ._records import exemptions, record_rows, scored_lines

__all__ = ["AssessmentYear", "assessment_year"]


def _default_scheme() -> Scheme:
    from cadredev.datasets import sample_scheme  # noqa: PLC0415

    return sample_scheme()


class AssessmentYear(RuleBasedStateMachine):
    """A hypothesis state machine that runs an assessment year on a scheme.

    Rules: record a month for the current cadres, approve an exemption,
    close a quarter (roll the months up and grade them), close the year, add
    or remove a cadre, and pay out a pool on the last closed period. After
    every step it checks the invariants: **no quota is exceeded**, **pay sums
    to the pool** (to the cent) and **exemptions never lower scores** (each
    closed period is also scored without exemptions, and no exempted cadre
    scores less with them).

    Subclass it and set the class attributes ``scheme`` (default ``None``:
    the sample zone's scheme), ``pool`` (the amount shared at each pay-out),
    ``coefficients`` (grade id -> pay coefficient; default 1 for the lowest
    grade and 0.25 more per grade up), ``units`` (the units new cadres join),
    ``max_cadres`` (most cadres at once) or ``year``; or build a subclass
    with :func:`assessment_year`. Run it as a pytest test with
    ``TestYear = MyYear.TestCase``, or with
    ``hypothesis.stateful.run_state_machine_as_test(MyYear)``.

    Examples
    --------
    >>> from hypothesis import settings
    >>> from hypothesis.stateful import run_state_machine_as_test
    >>> run_state_machine_as_test(
    ...     AssessmentYear, settings=settings(max_examples=3, stateful_step_count=10)
    ... )

    .. versionadded:: 0.1
    """

    #: :meta private:
    scheme: ClassVar[Scheme | None] = None
    #: :meta private:
    pool: ClassVar[float] = 100000.0
    #: :meta private:
    coefficients: ClassVar[Mapping[str, float] | None] = None
    #: :meta private:
    units: ClassVar[tuple[str, ...]] = ("u1", "u2")
    #: :meta private:
    max_cadres: ClassVar[int] = 8
    #: :meta private:
    year: ClassVar[int] = 2025

    def __init__(self) -> None:
        super().__init__()
        self.the_scheme = self.scheme if self.scheme is not None else _default_scheme()
        grades = self.the_scheme.grades
        self.coef = (
            dict(self.coefficients)
            if self.coefficients is not None
            else {g.id: 1.0 + 0.25 * (len(grades) - 1 - k) for k, g in enumerate(grades)}
        )
        self.roster: dict[str, Cadre] = {}
        self.rows: list[tuple[str, str, str, float]] = []
        self.approved: list[Exemption] = []
        self.months = 0
        self.next_id = 0
        self.closed: dict[str, tuple[ScoreTable, ScoreTable]] = {}
        self.last: str | None = None
        self.payouts: list[PayAllocation] = []

    # ----------------------------------------------------------------- helpers

    def _month(self, k: int) -> str:
        return f"{self.year}-{k:02d}"

    def _new_cadre(self, data: st.DataObject) -> None:
        lines = scored_lines(self.the_scheme)
        cid = f"c{self.next_id:02d}"
        self.next_id += 1
        self.roster[cid] = Cadre(
            id=cid,
            name=cid,
            birth_year=1990,
            rank=Rank.SECTION,
            unit=data.draw(st.sampled_from(self.units), label="unit"),
            line=data.draw(st.sampled_from(lines), label="line"),
        )

    def _close(self, label: str, months: list[str], to: str) -> None:
        current = sorted(self.roster)
        rec = Records.from_rows(self.rows).select(cadres=current, periods=months)
        if rec.n_rows == 0:
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExposureWarning)
            rolled = rollup(rec, self.the_scheme, to=to)  # type: ignore[arg-type]
        cadres = [self.roster[c] for c in current]
        ex = [e for e in self.approved if e.cadre_id in self.roster and e.period in months]
        plain = score(self.the_scheme, cadres, rolled, period=label)
        graded = score(self.the_scheme, cadres, rolled, period=label, exemptions=ex)
        self.closed[label] = (plain, graded)
        self.last = label

    # ------------------------------------------------------------------- rules

    @initialize(data=st.data())
    def start(self, data: st.DataObject) -> None:
        """Begin the year with one to three cadres."""
        for _ in range(data.draw(st.integers(1, 3), label="first cadres")):
            self._new_cadre(data)

    @precondition(lambda self: len(self.roster) < self.max_cadres)
    @rule(data=st.data())
    def add_cadre(self, data: st.DataObject) -> None:
        """Add a cadre."""
        self._new_cadre(data)

    @precondition(lambda self: len(self.roster) > 1)
    @rule(data=st.data())
    def remove_cadre(self, data: st.DataObject) -> None:
        """Remove a cadre (its records stay; it is no longer scored)."""
        del self.roster[data.draw(st.sampled_from(sorted(self.roster)), label="leaves")]

    @precondition(lambda self: self.months < 12)
    @rule(data=st.data())
    def record_month(self, data: st.DataObject) -> None:
        """Record the next month's values for the current cadres."""
        self.months += 1
        roster = [self.roster[c] for c in sorted(self.roster)]
        label = self._month(self.months)
        self.rows += data.draw(record_rows(self.the_scheme, roster, (label,)), label=label)

    @precondition(lambda self: self.months > 0)
    @rule(data=st.data())
    def approve_exemption(self, data: st.DataObject) -> None:
        """Approve an exemption for a current cadre in a recorded month."""
        roster = [self.roster[c] for c in sorted(self.roster)]
        labels = [self._month(k) for k in range(1, self.months + 1)]
        self.approved.append(
            data.draw(exemptions(self.the_scheme, roster, periods=labels), label="exemption")
        )

    @precondition(lambda self: self.months > 0 and self.months % 3 == 0)
    @rule()
    def close_quarter(self) -> None:
        """Roll the last three months up to their quarter and grade it."""
        q = self.months // 3
        months = [self._month(k) for k in range(3 * q - 2, 3 * q + 1)]
        self._close(f"{self.year}Q{q}", months, "quarter")

    @precondition(lambda self: self.months == 12)
    @rule()
    def close_year(self) -> None:
        """Roll the twelve months up to the year and grade it."""
        self._close(str(self.year), [self._month(k) for k in range(1, 13)], "year")

    @precondition(lambda self: self.last is not None)
    @rule()
    def pay_out(self) -> None:
        """Share the pool on the last closed period."""
        if self.last is None:  # pragma: no cover - guarded by the precondition
            return
        self.payouts.append(
            allocate_pay(self.closed[self.last][1], pool=self.pool, coefficients=self.coef)
        )

    # -------------------------------------------------------------- invariants

    @invariant()
    def quota_never_exceeded(self) -> None:
        """No group holds more cadres in a quota grade than its seats."""
        if self.the_scheme.apportionment != "per_group":
            return
        for label, (_, table) in self.closed.items():
            for k, g in enumerate(self.the_scheme.grades):
                if g.quota is None:
                    continue
                for group in set(table.groups.tolist()):
                    members = table.groups == group
                    n = int(members.sum())
                    seats = _seats(n, g.quota, self.the_scheme.quota_rounding)
                    holders = int(((table.grade_code == k) & members).sum())
                    _expect(
                        holders <= seats,
                        f"{label}: {holders} of {n} cadres in group {group} hold {g.id!r}, "
                        f"the quota gives {seats}",
                    )

    @invariant()
    def pay_sums_to_pool(self) -> None:
        """Every pay-out sums exactly to the pool, in cents."""
        for pay in self.payouts:
            _expect(
                int(pay.cents.sum()) == round(self.pool * 100),
                f"pay for {pay.period} sums to {pay.cents.sum() / 100:.2f}, pool {self.pool:.2f}",
            )
            _expect(bool((pay.cents >= 0).all()), f"negative pay in {pay.period}")

    @invariant()
    def exemptions_never_lower_scores(self) -> None:
        """No exempted cadre scores less with its exemptions than without."""
        for label, (plain, graded) in self.closed.items():
            for applied in graded.exemptions_applied:
                cid = applied.exemption.cadre_id
                rows = plain.cadre_ids == cid
                if rows.any():
                    before = float(plain.total[rows][0])
                    after = float(graded.total[graded.cadre_ids == cid][0])
                    _expect(
                        after >= before - 1e-9 * max(1.0, abs(before)),
                        f"{label}: exempting {cid} ({applied.exemption.target}) lowered its "
                        f"total {before:.6g} -> {after:.6g}",
                    )


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def _seats(n: int, quota: float, rounding: str) -> int:
    x = quota * n
    if rounding == "floor":
        return max(math.floor(x + 1e-9), 0)
    if rounding == "half_up":
        return max(math.floor(x + 0.5 + 1e-9), 0)
    return max(math.ceil(x - 1e-9), 0)


def assessment_year(
    scheme: Scheme,
    *,
    pool: float = 100000.0,
    coefficients: Mapping[str, float] | None = None,
    units: tuple[str, ...] = ("u1", "u2"),
    max_cadres: int = 8,
) -> type[AssessmentYear]:
    """Return an :class:`AssessmentYear` subclass for a scheme.

    Use its ``TestCase`` attribute as a pytest test class.

    Raises
    ------
    InvalidInputError
        For a non-scheme, a negative pool, no units or ``max_cadres < 1``.

    Examples
    --------
    >>> from hypothesis import settings
    >>> from hypothesis.stateful import run_state_machine_as_test
    >>> from cadredev.scoring import Indicator, Scheme, Target
    >>> fixed = Scheme(name="fixed", indicators=[Indicator(id="visits", normalise=Target(0, 20))])
    >>> Year = assessment_year(fixed, pool=5000)
    >>> run_state_machine_as_test(Year, settings=settings(max_examples=3, stateful_step_count=8))

    .. versionadded:: 0.1
    """
    if not isinstance(scheme, Scheme):
        raise InvalidInputError(f"assessment_year: scheme must be a Scheme, got {scheme!r}")
    if not is_real(pool) or pool < 0:
        raise InvalidInputError(f"assessment_year: pool must be a finite number >= 0, got {pool!r}")
    if not units:
        raise InvalidInputError("assessment_year: units must not be empty")
    if not is_int(max_cadres) or max_cadres < 1:
        raise InvalidInputError(
            f"assessment_year: max_cadres must be >= 1 (an integer), got {max_cadres!r}"
        )
    attrs_: dict[str, Any] = {
        "scheme": scheme,
        "pool": float(pool),
        "coefficients": coefficients,
        "units": tuple(units),
        "max_cadres": max_cadres,
    }
    return type(f"AssessmentYear_{scheme.name}".replace(" ", "_"), (AssessmentYear,), attrs_)
