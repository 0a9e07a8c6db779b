"""Composition rules for a squad: quotas on an attribute and diversity of values.

.. versionadded:: 0.3
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from attrs import field, frozen

from cadredev._frozendict import id_key
from cadredev._validate import (
    FieldError,
    int_field,
    is_int,
    named_errors,
    require_as_of,
    text_field,
)
from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, cohort_of

__all__ = ["BUILTIN", "Diversity", "Quota", "Row", "attribute_values", "compile_rows"]

BUILTIN = ("line", "rank", "cohort", "unit", "industry", "grid", "gender")
"""Attributes read from the cadres themselves; others come from ``labels``."""


def _check_by(_: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise FieldError(f"{attribute.name} must be an attribute name, got {value!r}")


def _check_count(_: object, attribute: Any, value: Any) -> None:
    if value is not None and (not is_int(value) or value < 0):
        raise FieldError(f"{attribute.name} must be an integer >= 0, got {value!r}")


@named_errors
@frozen(kw_only=True)
class Quota:
    """At least / at most so many squad members with an attribute value.

    ``by`` is one of ``line``, ``rank``, ``cohort``, ``unit``, ``industry``
    (a member counts for every industry they know), ``grid``, ``gender``, or
    a name given in ``select_squad(labels=...)``. ``value`` is the value
    counted (an enum's value such as ``"investment"``, or a label); ``None``
    applies the bounds to each value separately (say, at most 3 per unit).

    Examples
    --------
    >>> Quota(by="line", value="investment", at_least=19).describe()
    'line=investment: at least 19'
    >>> Quota(by="unit", at_most=3).describe()
    'each unit: at most 3'
    >>> Quota(by="unit", at_most=3, name="per unit").describe("招商局")
    'per unit (招商局): at most 3'

    .. versionadded:: 0.3
    """

    by: str = field(validator=_check_by)
    value: str | None = None
    at_least: int = field(default=0, validator=int_field())
    at_most: int | None = field(default=None, validator=_check_count)
    name: str = field(default="", validator=text_field)

    def __attrs_post_init__(self) -> None:
        if self.at_most is not None and self.at_most < self.at_least:
            raise FieldError(f"at_most must be >= at_least ({self.at_least}), got {self.at_most}")
        if self.value is not None and (not isinstance(self.value, str) or not self.value):
            raise FieldError(f"value must be a non-empty string or None, got {self.value!r}")

    def describe(self, value: str | None = None) -> str:
        """Say the rule in words (for one value when ``value`` is None)."""
        shown = self.value if self.value is not None else value
        head = self.name or (f"{self.by}={shown}" if shown is not None else f"each {self.by}")
        if self.value is None and value is not None and self.name:
            head = f"{self.name} ({value})"
        parts = []
        if self.at_least:
            parts.append(f"at least {self.at_least}")
        if self.at_most is not None:
            parts.append(f"at most {self.at_most}")
        return f"{head}: {' and '.join(parts) or 'no bound'}"


@named_errors
@frozen(kw_only=True)
class Diversity:
    """At least ``at_least`` distinct values of an attribute among the members.

    Examples
    --------
    >>> Diversity(by="industry", at_least=5).describe()
    'industry diversity: at least 5 distinct values'

    .. versionadded:: 0.3
    """

    by: str = field(validator=_check_by)
    at_least: int = field(validator=int_field())
    name: str = field(default="", validator=text_field)

    def describe(self) -> str:
        """Say the rule in words."""
        return f"{self.name or self.by + ' diversity'}: at least {self.at_least} distinct values"


@frozen(kw_only=True)
class Row:
    """One linear rule over the squad: ``lo <= sum(x[members]) <= hi``, or a diversity rule."""

    text: str
    members: tuple[int, ...]
    lo: int
    hi: int | None
    groups: tuple[tuple[int, ...], ...] = ()
    """For a diversity rule: the member sets of each value (``members`` is empty)."""


def attribute_values(
    cadre: Cadre,
    by: str,
    *,
    labels: Mapping[str, Mapping[str, Any]],
    as_of: int | None,
) -> frozenset[str]:
    """Return the values a cadre has for an attribute (several for industries)."""
    if by in labels:
        raw = labels[by].get(cadre.id)
        if raw is None:
            return frozenset()
        return frozenset([raw]) if isinstance(raw, str) else frozenset(str(v) for v in raw)
    if by == "industry":
        return frozenset(cadre.industries)
    if by == "cohort":
        year = require_as_of(as_of, where="select_squad", why="cohort quotas")
        return frozenset([cohort_of(cadre.birth_year, as_of=year).value])
    if by in ("line", "rank"):
        value = getattr(cadre, by)
        return frozenset() if value is None else frozenset([value.value])
    value = getattr(cadre, by)
    return frozenset() if value is None else frozenset([str(value)])


def compile_rows(
    cadres: Sequence[Cadre],
    composition: Sequence[Quota | Diversity],
    *,
    labels: Mapping[str, Mapping[str, Any]],
    as_of: int | None,
) -> list[Row]:
    """Turn the composition rules into rows over the candidates' positions."""
    rows: list[Row] = []
    for rule in composition:
        if not isinstance(rule, (Quota, Diversity)):
            raise InvalidInputError(
                f"select_squad: composition holds Quota and Diversity rules, got {rule!r}"
            )
        if rule.by not in BUILTIN and rule.by not in labels:
            raise InvalidInputError(
                f"select_squad: unknown attribute {rule.by!r} in {rule!r}; use one of "
                f"{', '.join(BUILTIN)} or give it in labels"
            )
        values = [attribute_values(c, rule.by, labels=labels, as_of=as_of) for c in cadres]
        holders: dict[str, list[int]] = {}
        for i, vs in enumerate(values):
            for v in vs:
                holders.setdefault(v, []).append(i)
        if isinstance(rule, Diversity):
            groups = tuple(tuple(holders[v]) for v in sorted(holders, key=id_key))
            rows.append(
                Row(text=rule.describe(), members=(), lo=rule.at_least, hi=None, groups=groups)
            )
            continue
        wanted = [rule.value] if rule.value is not None else sorted(holders, key=id_key)
        rows.extend(
            Row(
                text=rule.describe(v),
                members=tuple(holders.get(v, ())),
                lo=rule.at_least,
                hi=rule.at_most,
            )
            for v in wanted
        )
    return rows
