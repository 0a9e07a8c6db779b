"""The field converters of :class:`~cadredev.scoring.ScoreTable`: each column checked on its own.

The checks across fields (lengths, grades, periods) are the table's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from cadredev._arrays import bool_array, int_array, real_array
from cadredev._validate import check_id, check_instances, check_items
from cadredev.errors import InvalidInputError
from cadredev.model import FrozenDict

from ._exempt import AppliedExemption, Exemption
from ._override import AppliedOverride
from ._periods import check_periods

__all__ = [
    "applied",
    "bools",
    "columns",
    "excluded",
    "grade_code",
    "overrides",
    "penalties",
    "periods",
    "rank",
    "total",
    "unused",
]

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]

_WHERE = "ScoreTable"


def total(value: Any) -> FloatArray:
    return real_array(value, where=_WHERE, name="total")  # type: ignore[no-any-return]


def penalties(value: Any) -> FloatArray:
    return real_array(value, where=_WHERE, name="penalties")  # type: ignore[no-any-return]


def columns(value: Any) -> FrozenDict[str, FloatArray]:
    if not isinstance(value, Mapping):
        raise InvalidInputError(
            f"ScoreTable: values must map each record id to a column, got {type(value).__name__}"
        )
    out: dict[str, FloatArray] = {}
    for key, column in value.items():
        check_id(key, where=_WHERE, name="values key")
        out[key] = real_array(
            column, where=_WHERE, name=f"values[{key!r}]", allow_nan=True, allow_inf=True
        )
    _no_infinity(out)
    return FrozenDict(out)


def _no_infinity(columns: Mapping[str, FloatArray]) -> None:
    """Raise unless every column is finite or NaN (NaN: nothing was recorded).

    Columns cut from one matrix (as :func:`score` makes them) are checked
    through that matrix at once, contiguously; any other column, or any
    column of a matrix holding an infinity somewhere, on its own.
    """
    clean: set[int] = set()
    for base in {id(c.base): c.base for c in columns.values() if c.base is not None}.values():
        if isinstance(base, np.ndarray) and base.dtype == np.float64 and not np.isinf(base).any():
            clean.add(id(base))
    for key, column in columns.items():
        if id(column.base) not in clean and column.size and np.isinf(column).any():
            at = int(np.argmax(np.isinf(column)))
            raise InvalidInputError(
                f"ScoreTable: values[{key!r}][{at}] must be finite or NaN, got {column[at]}"
            )


def grade_code(value: Any) -> IntArray:
    return int_array(value, where=_WHERE, name="grade_code", minimum=0)  # type: ignore[no-any-return]


def rank(value: Any) -> IntArray:
    return int_array(value, where=_WHERE, name="rank", minimum=1)  # type: ignore[no-any-return]


def bools(value: Any) -> BoolArray:
    return bool_array(value, where=_WHERE, name="vetoed")  # type: ignore[no-any-return]


def periods(value: Any) -> tuple[str, ...]:
    return check_periods(value, where=_WHERE, name="scored_periods")


def _pairs(value: Any, name: str, first: type[Any]) -> tuple[tuple[Any, str], ...]:
    """Return *value* as a tuple of ``(first, text)`` pairs, else raise naming the field."""
    items = check_items(value, where=_WHERE, name=name)
    for item in items:
        if not (
            isinstance(item, tuple)
            and len(item) == 2
            and isinstance(item[0], first)
            and isinstance(item[1], str)
        ):
            raise InvalidInputError(
                f"ScoreTable: {name} must hold ({first.__name__}, reason) pairs, got {item!r}"
            )
    return items


def excluded(value: Any) -> tuple[tuple[str, str], ...]:
    return _pairs(value, "excluded", str)


def unused(value: Any) -> tuple[tuple[Exemption, str], ...]:
    return _pairs(value, "exemptions_unused", Exemption)


def applied(value: Any) -> tuple[AppliedExemption, ...]:
    return check_instances(value, AppliedExemption, where=_WHERE, name="exemptions_applied")


def overrides(value: Any) -> tuple[AppliedOverride, ...]:
    return check_instances(value, AppliedOverride, where=_WHERE, name="overrides")
