"""Why a mentee got its mentor(s), or none: the explanation and how it is read off the table."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
from attrs import field, frozen

from cadredev._display import html_table
from cadredev._frozendict import FrozenDict
from cadredev._validate import FieldError, field_items, id_key, is_int, is_real, named_errors
from cadredev.errors import InvalidInputError

from ._table import Candidates, check_id, each_first, each_id, to_rows

__all__ = ["MatchExplanation", "explain"]


def _mentors(value: Any) -> tuple[Hashable, ...]:
    return field_items(value, name="mentors")


def _parts(value: Any) -> tuple[FrozenDict[str, float], ...]:
    items = field_items(value, name="contributions")
    for parts in items:
        if not isinstance(parts, FrozenDict | dict | Mapping) or not all(
            isinstance(k, str) and is_real(v) for k, v in parts.items()
        ):
            raise FieldError(
                "contributions must hold mappings of criterion (text) to a finite number, "
                f"got {parts!r}"
            )
    return tuple(FrozenDict(parts) for parts in items)


def _alternatives(value: Any) -> tuple[tuple[Hashable, float, str], ...]:
    rows = to_rows(value, name="alternatives", size=3, what="(mentor, weight, why not) rows")
    for _, weight, why in rows:
        if not is_real(weight) or not isinstance(why, str):
            raise FieldError(
                "alternatives must hold (mentor, weight, why not) rows with a finite weight "
                f"and text, got {(_, weight, why)!r}"
            )
    return rows


def _forbidden(value: Any) -> tuple[tuple[Hashable, str], ...]:
    rows = to_rows(value, name="forbidden", size=2, what="(mentor, why) rows")
    for row in rows:
        if not isinstance(row[1], str):
            raise FieldError(f"forbidden must hold (mentor, why) rows with text, got {row!r}")
    return rows


def _check_text(_: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, str):
        raise FieldError(f"{attribute.name} must be text, got {value!r}")


def _check_weight(_: object, attribute: Any, value: Any) -> None:
    if not is_real(value):
        raise FieldError(f"{attribute.name} must be a finite number, got {value!r}")


@named_errors
@frozen(kw_only=True)
class MatchExplanation:
    """Why a mentee got its mentor(s), or none.

    Parameters
    ----------
    mentee
        The mentee id.
    mentors
        The chosen mentor ids (empty when unmatched).
    weight
        Total weight of the chosen pairs.
    contributions
        For each chosen mentor, in the order of ``mentors``: criterion ->
        contribution (the edge's ``components``; ``{"weight": w}`` for an
        edge without them). :attr:`components` has them by mentor id.
    alternatives
        The best other candidates, as ``(mentor, weight, why not)``.
    forbidden
        ``(mentor, why)`` for each mentor kept out of this mentee's candidates
        (回避, a previous mentor).
    reason
        For an unmatched mentee, why; empty otherwise.

    Examples
    --------
    >>> import networkx as nx
    >>> from cadredev import match
    >>> g = nx.Graph([("ana", "wang", {"weight": 2.0}), ("ana", "li", {"weight": 1.0})])
    >>> nx.set_node_attributes(g, {"ana": 0, "wang": 1, "li": 1}, "bipartite")
    >>> ex = match(g).explain("ana")
    >>> ex
    MatchExplanation(ana -> wang (weight 2); 1 alternative)
    >>> ex.mentors, ex.alternatives
    (('wang',), (('li', 1.0, 'lower weight (1 < 2)'),))
    >>> print(ex)
    ana -> wang (weight 2)
      wang: weight 2
      not li (1): lower weight (1 < 2)

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``contributions`` (in the order of ``mentors``) is stored and
       ``components`` derived from it; ``forbidden`` gives each mentor's reason.
    """

    mentee: Hashable = field(validator=check_id)
    mentors: tuple[Hashable, ...] = field(converter=_mentors, validator=each_id)
    weight: float = field(validator=_check_weight)
    contributions: tuple[FrozenDict[str, float], ...] = field(converter=_parts)
    alternatives: tuple[tuple[Hashable, float, str], ...] = field(
        converter=_alternatives, validator=each_first
    )
    forbidden: tuple[tuple[Hashable, str], ...] = field(
        default=(), converter=_forbidden, validator=each_first
    )
    reason: str = field(default="", validator=_check_text)

    def __attrs_post_init__(self) -> None:
        if len(self.contributions) != len(self.mentors):
            raise InvalidInputError(
                f"MatchExplanation {self.mentee!r}: contributions must have one entry per mentor "
                f"({len(self.mentors)}), got {len(self.contributions)}"
            )

    @property
    def components(self) -> FrozenDict[Hashable, FrozenDict[str, float]]:
        """Chosen mentor id -> criterion -> contribution."""
        return FrozenDict(dict(zip(self.mentors, self.contributions, strict=True)))

    def _headline(self) -> str:
        if self.mentors:
            mentors = ", ".join(map(str, self.mentors))
            return f"{self.mentee} -> {mentors} (weight {self.weight:g})"
        return f"{self.mentee}: unmatched ({self.reason})"

    def __repr__(self) -> str:
        k = len(self.alternatives)
        more = f"; {k} alternative{'s' if k != 1 else ''}"
        if self.forbidden:
            more += f", {len(self.forbidden)} forbidden"
        return f"MatchExplanation({self._headline()}{more})"

    def __str__(self) -> str:
        lines = [self._headline()]
        for mentor, parts in zip(self.mentors, self.contributions, strict=True):
            text = ", ".join(f"{k} {v:g}" for k, v in parts.items())
            lines.append(f"  {mentor}: {text}")
        lines.extend(f"  not {v} ({w:g}): {why}" for v, w, why in self.alternatives)
        lines.extend(f"  not {v}: forbidden: {why}" for v, why in self.forbidden)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows: list[tuple[Any, ...]] = [
            (mentor, math.fsum(parts.values()), ", ".join(f"{k} {v:g}" for k, v in parts.items()))
            for mentor, parts in zip(self.mentors, self.contributions, strict=True)
        ]
        rows += [(v, w, f"not chosen: {why}") for v, w, why in self.alternatives]
        rows += [(v, "", f"forbidden: {why}") for v, why in self.forbidden]
        return html_table(self._headline(), ("mentor", "weight", "why"), rows)


def explain(
    table: Candidates, mentee: Hashable, *, method: str, alternatives: int
) -> MatchExplanation:
    """Return the explanation of ``mentee``'s pairs, read off the candidates table.

    Raises
    ------
    InvalidInputError
        If ``mentee`` is not a mentee or ``alternatives`` is not an integer >= 0.
    """
    if not is_int(alternatives) or alternatives < 0:
        raise InvalidInputError(
            f"Matching.explain: alternatives must be an integer >= 0, got {alternatives!r}"
        )
    i = table.position(mentee, where="Matching.explain")
    lo, hi = int(table.offsets[i]), int(table.offsets[i + 1])
    first, last = np.searchsorted(table.chosen, [lo, hi]).tolist()
    own = table.chosen[first:last].tolist()
    mentors, weights = table.mentors, table.pair_weights
    worst = min((float(weights[e]) for e in own), default=None)
    others = sorted(
        (e for e in range(lo, hi) if e not in own),
        key=lambda e: (-float(weights[e]), id_key(mentors[int(table.pair_mentors[e])])),
    )[:alternatives]
    return MatchExplanation(
        mentee=mentee,
        mentors=tuple(mentors[int(table.pair_mentors[e])] for e in own),
        weight=float(sum(float(weights[e]) for e in own)),
        contributions=tuple(table.contributions(k) for k in range(first, last)),
        alternatives=tuple(
            (
                mentors[int(table.pair_mentors[e])],
                float(weights[e]),
                _why_not(table, e, worst, method),
            )
            for e in others
        ),
        forbidden=table.forbidden_of(mentee),
        reason=table.reasons[i],
    )


def _why_not(table: Candidates, e: int, worst: float | None, method: str) -> str:
    """Why candidate pair ``e`` (of the mentee being explained) was not chosen."""
    j = int(table.pair_mentors[e])
    we = float(table.pair_weights[e])
    if worst is not None and we < worst:
        return f"lower weight ({we:g} < {worst:g})"
    if table.loads[j] >= table.capacities[j]:
        return f"full (capacity {int(table.capacities[j])})"
    if worst is not None and we == worst:
        return "equal weight; tie broken by id"
    if we < 0:
        return f"negative weight ({we:g})"
    if method == "stable":
        return "ranked lower by the mentee's own scores"
    return "not chosen by the method"
