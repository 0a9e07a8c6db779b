"""Calendar time: period labels and the dates they cover, both ways.

Assessment periods keep their labels (months ``"2025-01"``, quarters
``"2025Q1"``, years ``"2025"``); a :class:`Calendar` numbers the periods of a
programme horizon ``0, 1, 2, ...`` from a first period, so a plan made in
period indices can be read as dates and a past posting given by dates can be
placed before the horizon (at a negative index).

Examples
--------
>>> import datetime as dt
>>> from cadredev.calendar import Calendar, period_of, period_span
>>> period_span("2025Q2")
(datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
>>> period_of(dt.date(2025, 5, 17), "quarter")
'2025Q2'
>>> months = Calendar("2025-01")
>>> months.label(14), months.index(dt.date(2024, 11, 3))
('2026-03', -2)

.. versionadded:: 0.2
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from attrs import field, frozen

from .errors import InvalidInputError

__all__ = ["Calendar", "PeriodLevel", "period_of", "period_span"]

PeriodLevel = Literal["month", "quarter", "year"]
"""The three levels of assessment periods."""

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])\Z", re.ASCII)
_QUARTER = re.compile(r"(\d{4})Q([1-4])\Z", re.ASCII)
_YEAR = re.compile(r"(\d{4})\Z", re.ASCII)
_MONTHS_PER = {"month": 1, "quarter": 3, "year": 12}


def _parse(label: object) -> tuple[PeriodLevel, int]:
    """Return the level and the first month index (``year * 12 + month - 1``)."""
    if isinstance(label, str):
        if m := _MONTH.match(label):
            return "month", int(m.group(1)) * 12 + int(m.group(2)) - 1
        if m := _QUARTER.match(label):
            return "quarter", int(m.group(1)) * 12 + 3 * (int(m.group(2)) - 1)
        if m := _YEAR.match(label):
            return "year", int(m.group(1)) * 12
    raise InvalidInputError(
        f"unknown period label {label!r}; expected a month '2025-01', "
        "a quarter '2025Q1' or a year '2025'"
    )


def _label(level: PeriodLevel, month: int) -> str:
    year, m = divmod(month, 12)
    if level == "month":
        return f"{year:04d}-{m + 1:02d}"
    if level == "quarter":
        return f"{year:04d}Q{m // 3 + 1}"
    return f"{year:04d}"


def _first_day(month: int) -> dt.date:
    year, m = divmod(month, 12)
    return dt.date(year, m + 1, 1)


def _check_level(level: object, where: str) -> PeriodLevel:
    if level not in _MONTHS_PER:
        raise InvalidInputError(
            f"{where}: level must be 'month', 'quarter' or 'year', got {level!r}"
        )
    return level  # type: ignore[return-value]


def _check_date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidInputError(f"{where}: expected a datetime.date, got {value!r}")
    return value


def period_span(label: str) -> tuple[dt.date, dt.date]:
    """Return the first and the last day of a period.

    Examples
    --------
    >>> period_span("2024-02")
    (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))

    .. versionadded:: 0.2
    """
    level, month = _parse(label)
    start = _first_day(month)
    end = _first_day(month + _MONTHS_PER[level]) - dt.timedelta(days=1)
    return start, end


def period_of(day: dt.date, level: PeriodLevel) -> str:
    """Return the label of the period at ``level`` that contains ``day``.

    Examples
    --------
    >>> import datetime as dt
    >>> period_of(dt.date(2025, 12, 31), "month"), period_of(dt.date(2025, 12, 31), "year")
    ('2025-12', '2025')

    .. versionadded:: 0.2
    """
    day = _check_date(day, "period_of")
    level = _check_level(level, "period_of")
    month = day.year * 12 + day.month - 1
    return _label(level, month - month % _MONTHS_PER[level])


def _to_label(value: object) -> object:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return period_of(value, "month")
    return value


@frozen(kw_only=False)
class Calendar:
    """Periods of one length numbered from a first period: ``0`` is ``start``.

    Parameters
    ----------
    start
        The first period's label (its level sets the period length), or a
        date, which starts a monthly calendar at the month holding it.

    Examples
    --------
    >>> import datetime as dt
    >>> quarters = Calendar("2025Q1")
    >>> quarters.level, quarters.label(5), quarters.span(0)
    ('quarter', '2026Q2', (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)))
    >>> quarters.index("2024Q4"), quarters.index(dt.date(2025, 8, 1))
    (-1, 2)

    .. versionadded:: 0.2
    """

    start: str = field(converter=_to_label)

    @start.validator
    def _check_start(self, _attribute: object, value: object) -> None:
        try:
            _parse(value)
        except InvalidInputError as exc:
            raise InvalidInputError(f"Calendar: start: {exc}") from None

    @property
    def level(self) -> PeriodLevel:
        """``"month"``, ``"quarter"`` or ``"year"``: the length of each period."""
        return _parse(self.start)[0]

    def label(self, index: int) -> str:
        """Return the label of period ``index`` (negative indices lie before the start)."""
        level, first = _parse(self.start)
        return _label(level, first + index * _MONTHS_PER[level])

    def span(self, index: int) -> tuple[dt.date, dt.date]:
        """Return the first and the last day of period ``index``."""
        return period_span(self.label(index))

    def index(self, when: dt.date | str) -> int:
        """Return the index of the period holding a date, or of a period label.

        A label must be of the calendar's level or finer (a month in a
        quarterly calendar is the quarter that holds it).
        """
        level, first = _parse(self.start)
        if isinstance(when, str):
            other, month = _parse(when)
            if _MONTHS_PER[other] > _MONTHS_PER[level]:
                raise InvalidInputError(
                    f"Calendar: {when!r} is a {other}, longer than the calendar's {level}s"
                )
        else:
            day = _check_date(when, "Calendar.index")
            month = day.year * 12 + day.month - 1
        return (month - first) // _MONTHS_PER[level]
