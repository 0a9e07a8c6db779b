"""What the scheme properties run on: the scorer under test, drawn cases and verdicts.

A property draws a :class:`Case` (cadres and record rows, with what was
changed in ``extra``) and returns a :class:`Verdict`; :class:`CheckContext`
scores cases with the scorer under test.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import attrs
from attrs import frozen
from hypothesis import strategies as st

from cadredev.model import Cadre
from cadredev.scoring import Exemption, Records, Scheme, ScoreTable

from ._records import record_rows, scored_roster
from ._report import Counterexample

__all__ = [
    "MONTHS",
    "Case",
    "CheckContext",
    "Row",
    "Scorer",
    "ScorerError",
    "Verdict",
    "plain_case",
    "same",
    "table_rows",
    "veto_caps_of",
]

Row = tuple[str, str, str, float]


class Scorer(Protocol):
    """The scoring function under test: :func:`~cadredev.scoring.score` or a wrapper."""

    def __call__(
        self,
        scheme: Scheme,
        cadres: list[Cadre],
        records: Records,
        /,
        *,
        exemptions: tuple[Exemption, ...],
    ) -> ScoreTable: ...


MONTHS = tuple(f"2025-{m:02d}" for m in range(1, 13))


class ScorerError(Exception):
    """The scorer under test raised or returned something other than a score table.

    Not a property violation: the runner reports it as a failure of its own.
    """


TOL = 1e-9


def same(a: float, b: float) -> bool:
    """Return whether two totals are equal up to rounding."""
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))


@frozen(kw_only=True, eq=False)
class Case:
    """Cadres and record rows drawn for one property; ``extra`` says what was changed."""

    cadres: tuple[Cadre, ...]
    rows: tuple[Row, ...]
    extra: dict[str, Any] = attrs.field(factory=dict)

    def example(self, description: str) -> Counterexample:
        return Counterexample.of(
            description,
            self.cadres,
            self.rows,
            {k: v for k, v in self.extra.items() if not k.startswith("_")},
        )


@frozen(kw_only=True)
class Verdict:
    """Whether a case passed, why not, and the value of the property's measure."""

    ok: bool
    detail: str = ""
    measure: float | None = None
    measure_case: str = ""


@frozen(kw_only=True)
class CheckContext:
    """The scheme and scorer under test, and how large a case may be."""

    scheme: Scheme
    scorer: Scorer
    max_cadres: int
    units: tuple[str, ...]

    def score(
        self, cadres: Sequence[Cadre], rows: Iterable[Row], ex: Sequence[Exemption] = ()
    ) -> ScoreTable:
        return self.call(
            self.scheme, list(cadres), Records.from_rows(list(rows)), exemptions=tuple(ex)
        )

    def call(
        self,
        scheme: Scheme,
        cadres: list[Cadre],
        records: Records,
        *,
        exemptions: tuple[Exemption, ...] = (),
    ) -> ScoreTable:
        """Call the scorer; raise :class:`ScorerError` if it raises or returns a wrong type."""
        try:
            table = self.scorer(scheme, cadres, records, exemptions=exemptions)
        except Exception as exc:
            raise ScorerError(f"the scorer raised {type(exc).__name__}: {exc}") from exc
        if not isinstance(table, ScoreTable):
            raise ScorerError(f"the scorer returned {type(table).__name__}, not a ScoreTable")
        return table

    def roster(
        self, *, min_size: int = 1, max_size: int | None = None
    ) -> st.SearchStrategy[tuple[Cadre, ...]]:
        top = self.max_cadres if max_size is None else max_size
        return scored_roster(
            self.scheme, min_size=min_size, max_size=max(top, min_size), units=self.units
        )


def table_rows(table: ScoreTable) -> dict[tuple[str, str], int]:
    """Return the row number of each (cadre id, period) in a score table."""
    return {
        (str(c), str(p)): r
        for r, (c, p) in enumerate(zip(table.cadre_ids, table.periods, strict=True))
    }


def veto_caps_of(scheme: Scheme, rows: Iterable[Row]) -> dict[tuple[str, str], int]:
    """Return the veto cap (best grade index allowed) of each (cadre, period)."""
    last = len(scheme.grades) - 1
    out: dict[tuple[str, str], int] = {}
    for cid, period, key, value in rows:
        for v in scheme.vetoes:
            if key == v.id and value >= v.threshold:
                cap = last if v.cap is None else scheme.grade_index(v.cap)
                out[(cid, period)] = max(out.get((cid, period), 0), cap)
    return out


# ------------------------------------------------------------------ case strategies


PERIODS = st.sampled_from((("2025-01",), ("2025-01", "2025-02")))


@st.composite
def plain_case(
    draw: st.DrawFn, ctx: CheckContext, *, min_size: int = 1, periods: Any = None
) -> Case:
    """Draw a roster and its records over one or two months (or ``periods``)."""
    roster = draw(ctx.roster(min_size=min_size))
    labels = draw(PERIODS) if periods is None else periods
    rows = draw(record_rows(ctx.scheme, roster, labels))
    return Case(cadres=roster, rows=tuple(rows), extra={"periods": ", ".join(labels)})
