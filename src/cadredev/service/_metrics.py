"""The service line's indicators, derived from cases and visits."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
from attrs import field, frozen

from cadredev._display import html_table, need_pandas
from cadredev._frozendict import FrozenDict
from cadredev._validate import (
    FieldError,
    check_items,
    field_items,
    field_records,
    id_field,
    is_int,
    named_errors,
)
from cadredev.calendar import PeriodLevel, period_of
from cadredev.errors import InvalidInputError
from cadredev.events import EnterpriseVisited
from cadredev.scoring import Records

from ._case import Case

__all__ = ["INDICATORS", "MetricRow", "ServiceMetrics", "service_metrics"]

INDICATORS: tuple[str, ...] = (
    "visits",
    "cases_registered",
    "issues_resolved",
    "resolved_on_time",
    "revisits",
    "escalations",
    "days_to_resolve.num",
    "days_to_resolve.den",
)
"""The indicator ids :func:`service_metrics` writes, in column order.

``days_to_resolve.num`` / ``.den`` are a rate's numerator and denominator
(days from 立件 to resolution summed over resolved cases, and their count), so
the mean days to resolve rolls up correctly from months to a year.
"""

_LABELS = ("走访", "立件", "解决", "按期解决", "回访", "升级", "办理天数", "解决件数")

_By = Literal["cadre", "grid"]


def _values(value: Any) -> tuple[int, ...]:
    items = field_items(value, name="values")
    if len(items) != len(INDICATORS) or not all(is_int(v) and v >= 0 for v in items):
        raise FieldError(
            f"values must be {len(INDICATORS)} integers >= 0, one per indicator "
            f"{list(INDICATORS)}, got {value!r}"
        )
    return tuple(int(v) for v in items)


def _rows(value: Any) -> tuple[MetricRow, ...]:
    return field_records(value, MetricRow, name="rows")


def _check_choice(choices: tuple[str, ...]) -> Any:
    def check(_: object, attribute: Any, value: Any) -> None:
        if not isinstance(value, str) or value not in choices:
            raise FieldError(f"{attribute.name} must be one of {list(choices)}, got {value!r}")

    return check


@named_errors
@frozen(kw_only=True)
class MetricRow:
    """One key's (a cadre's or a grid's) counts in one period.

    .. versionadded:: 0.3
    """

    key: str = field(validator=id_field)
    period: str = field(validator=id_field)
    values: tuple[int, ...] = field(converter=_values)

    def __getitem__(self, indicator: str) -> int:
        """Return the value of one indicator (an id from :data:`INDICATORS`)."""
        return self.values[INDICATORS.index(indicator)]


@named_errors
@frozen(kw_only=True)
class ServiceMetrics:
    """The service line's indicators per cadre (or grid) and period.

    Parameters
    ----------
    by
        ``"cadre"`` (each case counts for its answerable cadre, each visit
        for its visitor) or ``"grid"``.
    level
        The period level: ``"month"``, ``"quarter"`` or ``"year"``.
    rows
        One :class:`MetricRow` per key and period with any activity, sorted by
        period then key.

    .. versionadded:: 0.3
    """

    by: _By = field(validator=_check_choice(("cadre", "grid")))
    level: PeriodLevel = field(validator=_check_choice(("month", "quarter", "year")))
    rows: tuple[MetricRow, ...] = field(converter=_rows)

    @property
    def totals(self) -> FrozenDict[str, int]:
        """Each indicator summed over every row."""
        sums = [sum(r.values[k] for r in self.rows) for k in range(len(INDICATORS))]
        return FrozenDict(dict(zip(INDICATORS, sums, strict=True)))

    @property
    def mean_days_to_resolve(self) -> float | None:
        """Mean days from registration to resolution over all resolved cases."""
        totals = self.totals
        den = totals["days_to_resolve.den"]
        return totals["days_to_resolve.num"] / den if den else None

    def records(self) -> Records:
        """Return the rows as scoring :class:`~cadredev.scoring.Records`.

        The key (a cadre id, or a grid) is the records' cadre id; the
        indicator ids are :data:`INDICATORS`.
        """
        values = np.array([r.values for r in self.rows], dtype=float).reshape(
            len(self.rows), len(INDICATORS)
        )
        return Records.from_matrix(
            [r.key for r in self.rows],
            list(INDICATORS),
            values,
            period=[r.period for r in self.rows],
        )

    def explain(self, key: str | None = None) -> str:
        """Return the totals in words, for everyone or for one key.

        Raises
        ------
        InvalidInputError
            If ``key`` has no row.
        """
        rows = self.rows if key is None else tuple(r for r in self.rows if r.key == key)
        if key is not None and not rows:
            raise InvalidInputError(f"ServiceMetrics: no row for {self.by} {key!r}")
        sums = dict.fromkeys(INDICATORS, 0)
        for r in rows:
            for name, v in zip(INDICATORS, r.values, strict=True):
                sums[name] += v
        den = sums["days_to_resolve.den"]
        mean = f"{sums['days_to_resolve.num'] / den:.1f} days" if den else "n/a"
        who = "all" if key is None else f"{self.by} {key}"
        return (
            f"{who}: {sums['visits']} visits (走访), {sums['cases_registered']} cases "
            f"registered (立件), {sums['issues_resolved']} resolved ({sums['resolved_on_time']} "
            f"on time), {sums['revisits']} revisits (回访), {sums['escalations']} escalations; "
            f"mean {mean} from registration to resolution"
        )

    def _repr_html_(self) -> str:
        header = (
            self.by,
            "period",
            *(f"{i} {lab}" for i, lab in zip(INDICATORS, _LABELS, strict=True)),
        )
        rows = [(r.key, r.period, *r.values) for r in self.rows]
        return html_table(f"Service metrics by {self.by} and {self.level}", header, rows)

    def to_pandas(self) -> Any:
        """Return a DataFrame with one row per key and period."""
        pd = need_pandas()
        return pd.DataFrame(
            [(r.key, r.period, *r.values) for r in self.rows],
            columns=[self.by, "period", *INDICATORS],
        )


def _check(
    cases: Iterable[Case], visits: Iterable[EnterpriseVisited]
) -> tuple[list[Case], list[EnterpriseVisited]]:
    case_list = list(check_items(cases, where="service_metrics", name="cases"))
    seen: set[str] = set()
    for n, case in enumerate(case_list):
        if not isinstance(case, Case):
            raise InvalidInputError(f"service_metrics: cases[{n}] is not a Case: {case!r}")
        if case.id in seen:
            raise InvalidInputError(f"service_metrics: duplicate case id {case.id!r}")
        seen.add(case.id)
    visit_list = list(check_items(visits, where="service_metrics", name="visits"))
    for n, visit in enumerate(visit_list):
        if not isinstance(visit, EnterpriseVisited):
            raise InvalidInputError(
                f"service_metrics: visits[{n}] is not an EnterpriseVisited: {visit!r}"
            )
    return case_list, visit_list


def service_metrics(
    cases: Iterable[Case],
    *,
    visits: Iterable[EnterpriseVisited] = (),
    period: PeriodLevel = "month",
    by: _By = "cadre",
) -> ServiceMetrics:
    """Count the service loop's indicators per cadre (or grid) and period.

    Each count falls in the period of the day it happened: a visit on its
    day, a case's registration (立件) on that step's day, a resolution on the
    day of the last ``handle`` not undone by a ``reopen`` (with its days since
    registration, and whether every step up to it met its deadline), each
    revisit (回访: ``revisit`` or ``reopen``) and each escalation on its day.

    Parameters
    ----------
    cases
        The cases, in any order.
    visits
        The visits (走访), as :class:`~cadredev.events.EnterpriseVisited`.
    period
        ``"month"``, ``"quarter"`` or ``"year"``.
    by
        ``"cadre"`` or ``"grid"``.

    Raises
    ------
    InvalidInputError
        For an unknown period level or ``by``, a case or visit of the wrong
        type, or two cases with one id.

    Examples
    --------
    >>> import datetime as dt
    >>> from cadredev.service import advance, open_case, service_metrics
    >>> case = open_case(
    ...     "k1", enterprise_id="e1", grid="grid-1", cadre_id="c1", at=dt.date(2025, 3, 3)
    ... )
    >>> for event, day in [("collect", 3), ("register", 4), ("analyse", 5), ("handle", 12)]:
    ...     case = advance(case, event, at=dt.date(2025, 3, day))
    >>> metrics = service_metrics([case], period="quarter")
    >>> metrics.rows[0]["issues_resolved"], metrics.mean_days_to_resolve
    (1, 8.0)
    >>> metrics.records().value("c1", "2025Q1", "issues_resolved")
    1.0

    .. versionadded:: 0.3
    """
    if period not in ("month", "quarter", "year"):
        raise InvalidInputError(
            f"service_metrics: period must be 'month', 'quarter' or 'year', got {period!r}"
        )
    if by not in ("cadre", "grid"):
        raise InvalidInputError(f"service_metrics: by must be 'cadre' or 'grid', got {by!r}")
    case_list, visit_list = _check(cases, visits)
    counts: defaultdict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(INDICATORS))

    labels: dict[Any, str] = {}  # a day's period label, computed once per day

    def label(day: Any) -> str:
        found = labels.get(day)
        if found is None:
            found = labels[day] = period_of(day, period)
        return found

    def add(key: str, day: Any, column: int, amount: int = 1) -> None:
        counts[(label(day), key)][column] += amount

    field = "cadre_id" if by == "cadre" else "grid"
    for (day, key), n in Counter((v.at, getattr(v, field)) for v in visit_list).items():
        add(key, day, 0, n)
    for case in case_list:
        key = case.cadre_id if by == "cadre" else case.grid
        _count_case(case, key, add)
    rows = tuple(
        MetricRow(key=key, period=label, values=tuple(values))
        for (label, key), values in sorted(counts.items())
    )
    return ServiceMetrics(by=by, level=period, rows=rows)


def _count_case(case: Case, key: str, add: Any) -> None:
    registered = case.first("register")
    if registered is not None:
        add(key, registered.at, 1)
    for step in case.steps:
        if step.event in ("revisit", "reopen"):
            add(key, step.at, 4)
        elif step.event == "escalate":
            add(key, step.at, 5)
    resolved = case.resolved_at
    days = case.days_to_resolve
    if resolved is not None and days is not None:
        add(key, resolved, 2)
        if case.on_time:
            add(key, resolved, 3)
        add(key, resolved, 6, days)
        add(key, resolved, 7)
