"""Period labels: months ``"2025-01"``, quarters ``"2025Q1"`` and years ``"2025"``."""

from __future__ import annotations

from functools import lru_cache

from cadredev._validate import check_items
from cadredev.calendar import PeriodLevel
from cadredev.calendar import _parse as parse_label
from cadredev.errors import InvalidInputError

__all__ = [
    "PeriodLevel",
    "check_period",
    "check_periods",
    "parent_period",
    "period_level",
    "period_months",
]


LEVELS: tuple[PeriodLevel, ...] = ("month", "quarter", "year")
LENGTH = {"month": 1, "quarter": 3, "year": 12}


@lru_cache(maxsize=4096)
def _parse(label: str) -> tuple[PeriodLevel, int, int]:
    """Return the level, the year and the month or quarter number (1 for a year)."""
    level, month = parse_label(label)  # the one parser of period labels
    year, within = divmod(month, 12)
    if level == "month":
        return level, year, within + 1
    if level == "quarter":
        return level, year, within // 3 + 1
    return level, year, 1


def check_period(label: object, *, where: str = "period") -> str:
    """Return ``label`` if it is a valid period label, else raise naming ``where``."""
    if not isinstance(label, str):
        raise InvalidInputError(f"{where}: period must be a string label, got {label!r}")
    try:
        _parse(label)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{where}: {exc}") from None
    return label


def period_level(label: str) -> PeriodLevel:
    """Return ``"month"``, ``"quarter"`` or ``"year"`` for a valid label."""
    return _parse(label)[0]


def period_months(label: str) -> tuple[int, int]:
    """Return the first and last month index (``year * 12 + month - 1``) the label covers."""
    level, year, index = _parse(label)
    if level == "month":
        start = year * 12 + index - 1
        return start, start
    if level == "quarter":
        start = year * 12 + 3 * (index - 1)
        return start, start + 2
    return year * 12, year * 12 + 11


def parent_period(label: str, to: PeriodLevel) -> str:
    """Return the period at level ``to`` containing ``label``.

    Raises
    ------
    InvalidInputError
        If ``to`` is finer than the label's own level.
    """
    level, year, index = _parse(label)
    if LEVELS.index(to) < LEVELS.index(level):
        raise InvalidInputError(f"period {label!r} is a {level}; it cannot be split into {to}s")
    if to == level:
        return label
    if to == "year":
        return f"{year}"
    return f"{year}Q{(index - 1) // 3 + 1}"


def contains(outer: str, inner: str) -> bool:
    """Return whether period ``outer`` covers every month of ``inner``."""
    a, b = period_months(outer)
    c, d = period_months(inner)
    return a <= c and d <= b


def check_periods(values: object, *, where: str, name: str) -> tuple[str, ...]:
    """Return *values* as a tuple of period labels (each distinct label checked once)."""
    items = check_items(values, where=where, name=name)
    if not set(map(type, items)) <= {str}:
        bad = next(v for v in items if type(v) is not str)
        raise InvalidInputError(f"{where}: {name} must hold period labels, got {bad!r}")
    for label in dict.fromkeys(items):
        check_period(label, where=f"{where}: {name}")
    return items
