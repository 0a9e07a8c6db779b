"""How results show grades and lines: ids for machines, Chinese labels for people.

.. versionadded:: 0.2
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from cadredev._validate import id_problem, text_problem
from cadredev.errors import InvalidInputError
from cadredev.model import FrozenDict, Line

from ._scheme import Grade

__all__ = [
    "Labels",
    "as_labels",
    "both",
    "check_grade_labels",
    "check_labels",
    "grade_labels",
    "grade_text",
    "line_text",
]

Labels = Literal["en", "zh"]
"""``"en"``: grade ids and line values; ``"zh"``: their Chinese labels where there are some."""


def check_labels(labels: object, *, where: str) -> Labels:
    """Return ``labels`` if it is ``"en"`` or ``"zh"``, else raise naming ``where``."""
    if labels not in ("en", "zh"):
        raise InvalidInputError(f"{where}: labels must be 'en' or 'zh', got {labels!r}")
    return labels


def as_labels(value: Mapping[str, str]) -> FrozenDict[str, str]:
    """Return grade id -> label as a :class:`FrozenDict` (a converter for result fields)."""
    return value if isinstance(value, FrozenDict) else FrozenDict(value)


def check_grade_labels(value: object, *, where: str) -> FrozenDict[str, str]:
    """Return grade id -> label checked (ids and valid text), else raise naming ``where``."""
    if not isinstance(value, Mapping) or any(
        id_problem(k) is not None or text_problem(v) is not None for k, v in value.items()
    ):
        raise InvalidInputError(
            f"{where}: grade_labels must map grade ids to labels (text), got {value!r}"
        )
    return as_labels(value)


def grade_labels(grades: Iterable[Grade]) -> FrozenDict[str, str]:
    """Return grade id -> label, for the grades that have a label."""
    return FrozenDict({g.id: g.label for g in grades if g.label})


def grade_text(grade_id: str, names: Mapping[str, str], labels: Labels) -> str:
    """Return a grade as ``labels`` asks: its id, or its label (the id when it has none)."""
    return names.get(grade_id, grade_id) if labels == "zh" else grade_id


def both(grade_id: str, names: Mapping[str, str]) -> str:
    """Return ``"优秀/excellent"`` for a grade with a label, else its id."""
    label = names.get(grade_id)
    return f"{label}/{grade_id}" if label else grade_id


def line_text(value: str, labels: Labels) -> str:
    """Return a line value (``"investment"``) or, for ``"zh"``, its label (``"招商引资"``)."""
    if labels == "zh":
        try:
            return Line.parse(value).label
        except InvalidInputError:
            return value
    return value
