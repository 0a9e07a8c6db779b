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

from ._table import OBJECTIVES, Candidates, check_id, check_weight, each_first, each_id, to_rows

__all__ = ["MatchExplanation", "explain", "rule"]


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


def _check_objective(_: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, str) or value not in OBJECTIVES:
        raise FieldError(f"{attribute.name} must be one of {list(OBJECTIVES)}, got {value!r}")


def _check_name(_: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, str) or not value:
        raise FieldError(f"{attribute.name} must be the name of an edge attribute, got {value!r}")


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
    objective
        What the weights mean (see :func:`~cadredev.matching.match`): with
        ``"min_cost"`` every weight here is a negated cost, and the text
        shows costs (``-weight``).
    weight_name
        The edge attribute the weights (or costs) come from.
    rule
        How the method chose the pairs: its objective or ranking, and the
        limits it kept (empty when not recorded).

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
      optimal: the highest total weight, then the most pairs; no pair of negative weight
      wang: weight 2
      not li (1): lower weight (1 < 2)

    A candidate is explained by every fact of the result that applies: a
    mentor or a group of mentors at capacity, a pair worse than the
    mentee's own when its slots are all taken, a cost rather than a weight:

    >>> g = nx.Graph(
    ...     [
    ...         ("ana", "wang", {"cost": 1.0}),
    ...         ("ana", "li", {"cost": 3.0}),
    ...         ("bo", "wang", {"cost": 2.0}),
    ...         ("bo", "zhao", {"cost": 5.0}),
    ...     ]
    ... )
    >>> nx.set_node_attributes(g, {"ana": 0, "bo": 0, "wang": 1, "li": 1, "zhao": 1}, "bipartite")
    >>> teams = {"east": (1, ["li", "wang"])}
    >>> m = match(g, weight="cost", objective="min_cost", groups=teams)
    >>> m.pairs
    FrozenDict({'ana': 'wang', 'bo': 'zhao'})
    >>> print(m.explain("bo"))
    bo -> zhao (cost 5)
      optimal: the most pairs first, then the least total cost; within the groups' capacities
      zhao: cost 5
      not wang (2): full (capacity 1); group east full (capacity 1)
    >>> m.explain("ana").alternatives
    (('li', -3.0, 'higher cost (3 > 1); group east full (capacity 1)'),)

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``contributions`` (in the order of ``mentors``) is stored and
       ``components`` derived from it; ``forbidden`` gives each mentor's reason.
    .. versionchanged:: 0.3
       ``objective``, ``weight_name`` and ``rule``; every fact that applies
       to an alternative is given (its group full, too), costs as costs.
    """

    mentee: Hashable = field(validator=check_id)
    mentors: tuple[Hashable, ...] = field(converter=_mentors, validator=each_id)
    weight: float = field(validator=check_weight)
    contributions: tuple[FrozenDict[str, float], ...] = field(converter=_parts)
    alternatives: tuple[tuple[Hashable, float, str], ...] = field(
        converter=_alternatives, validator=each_first
    )
    forbidden: tuple[tuple[Hashable, str], ...] = field(
        default=(), converter=_forbidden, validator=each_first
    )
    reason: str = field(default="", validator=_check_text)
    objective: str = field(default="max_weight", validator=_check_objective)
    weight_name: str = field(default="weight", validator=_check_name)
    rule: str = field(default="", validator=_check_text)

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

    @property
    def _cost(self) -> bool:
        return self.objective == "min_cost"

    def _value(self, weight: float) -> float:
        """Return a weight as shown: the cost for ``"min_cost"``."""
        return (-weight if self._cost else weight) + 0.0

    def _shown(self, weight: float) -> str:
        return _number(self._value(weight))

    def _parts(self, parts: Mapping[str, float]) -> str:
        """Criterion contributions as text; a negated cost (``-name``) shown as the cost."""
        shown = (
            (k[1:], -v) if self._cost and k == f"-{self.weight_name}" else (k, v)
            for k, v in parts.items()
        )
        return ", ".join(f"{k} {_number(v)}" for k, v in shown)

    def _headline(self) -> str:
        if self.mentors:
            mentors = ", ".join(map(str, self.mentors))
            noun = "cost" if self._cost else self.weight_name
            return f"{self.mentee} -> {mentors} ({noun} {self._shown(self.weight)})"
        return f"{self.mentee}: unmatched ({self.reason})"

    def __repr__(self) -> str:
        k = len(self.alternatives)
        more = f"; {k} alternative{'s' if k != 1 else ''}"
        if self.forbidden:
            more += f", {len(self.forbidden)} forbidden"
        return f"MatchExplanation({self._headline()}{more})"

    def __str__(self) -> str:
        lines = [self._headline()]
        if self.rule:
            lines.append(f"  {self.rule}")
        for mentor, parts in zip(self.mentors, self.contributions, strict=True):
            lines.append(f"  {mentor}: {self._parts(parts)}")
        lines.extend(f"  not {v} ({self._shown(w)}): {why}" for v, w, why in self.alternatives)
        lines.extend(f"  not {v}: forbidden: {why}" for v, why in self.forbidden)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows: list[tuple[Any, ...]] = [
            (mentor, self._value(math.fsum(parts.values())), self._parts(parts))
            for mentor, parts in zip(self.mentors, self.contributions, strict=True)
        ]
        rows += [(v, self._value(w), f"not chosen: {why}") for v, w, why in self.alternatives]
        rows += [(v, "", f"forbidden: {why}") for v, why in self.forbidden]
        title = f"{self._headline()}; {self.rule}" if self.rule else self._headline()
        noun = "cost" if self._cost else self.weight_name
        return html_table(title, ("mentor", noun, "why"), rows)


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
    others = sorted(
        (e for e in range(lo, hi) if e not in own),
        key=lambda e: (-float(weights[e]), id_key(mentors[int(table.pair_mentors[e])])),
    )[:alternatives]
    why = _WhyNot(table, i, own, method)
    return MatchExplanation(
        mentee=mentee,
        mentors=tuple(mentors[int(table.pair_mentors[e])] for e in own),
        weight=float(sum(float(weights[e]) for e in own)),
        contributions=tuple(table.contributions(k) for k in range(first, last)),
        alternatives=tuple(
            (mentors[int(table.pair_mentors[e])], float(weights[e]), why(e)) for e in others
        ),
        forbidden=table.forbidden_of(mentee),
        reason=table.reasons[i],
        objective=table.objective,
        weight_name=table.weight_name,
        rule=rule(table, method),
    )


def _number(value: float) -> str:
    return f"{value + 0.0:g}"  # no -0


class _WhyNot:
    """Why a candidate pair of one mentee was not chosen: every fact of the result that applies.

    The facts, in this order and joined by ``"; "``: the mentee's slots are
    all taken (those of the mentor's role, in a role-typed table) and the
    pair is worse than its worst chosen one; the mentor is full; the
    mentor's group is full. Without any of them, the one other cause that
    applies: an equal pair won the tie, the pair is unacceptable, the
    mentee ranked it lower (stable) or its slots are taken.
    """

    def __init__(self, table: Candidates, i: int, own: list[int], method: str) -> None:
        self.table, self.method, self.own = table, method, own
        caps = table.mentee_capacities
        self.capacity = None if caps is None else int(caps[i])
        self.cost = table.objective == "min_cost"
        self.noun = "cost" if self.cost else table.weight_name

    def _slots(self, j: int) -> tuple[bool, float | None]:
        """Return whether the mentee's slots for mentor ``j`` are all taken, and its worst pair."""
        table, own = self.table, self.own
        roles = table.mentor_roles
        if roles is not None:
            own = [e for e in own if roles[int(table.pair_mentors[e])] == roles[j]]
        worst = min((float(table.pair_weights[e]) for e in own), default=None)
        return (bool(own) if self.capacity is None else len(own) >= self.capacity), worst

    def __call__(self, e: int) -> str:
        table = self.table
        j = int(table.pair_mentors[e])
        we = float(table.pair_weights[e])
        full, worst = self._slots(j)
        facts: list[str] = []
        if full and worst is not None and we < worst:
            facts.append(self._worse(we, worst))
        if table.loads[j] >= table.capacities[j]:
            facts.append(f"full (capacity {int(table.capacities[j])})")
        group = self._full_group(j)
        if group:
            facts.append(group)
        return "; ".join(facts) if facts else self._otherwise(we, full=full, worst=worst)

    def _worse(self, we: float, worst: float) -> str:
        if self.cost:
            return f"higher cost ({_number(-we)} > {_number(-worst)})"
        return f"lower {self.noun} ({_number(we)} < {_number(worst)})"

    def _full_group(self, j: int) -> str:
        table = self.table
        if table.groups is None or table.mentor_groups is None or table.group_capacities is None:
            return ""
        g = int(table.mentor_groups[j])
        if g < 0 or table.group_loads[g] < table.group_capacities[g]:
            return ""
        return f"group {table.groups[g]} full (capacity {int(table.group_capacities[g])})"

    def _otherwise(self, we: float, *, full: bool, worst: float | None) -> str:
        """Return the cause when neither the mentor nor its group is full nor the pair worse."""
        table = self.table
        if full and worst is None:
            return "the mentee takes no mentor (capacity 0)"
        if full and we == worst:
            if self.method == "stable" and table.mentee_scores:
                return f"equal {self.noun}; ranked lower by the mentee's own scores or by id"
            how = "balancing the mentors' loads, then by id" if table.balance else "id"
            return f"equal {self.noun}; tie broken by {how}"
        if we < 0 and table.objective == "max_weight":
            return f"negative {self.noun} ({_number(we)})"
        if full and self.method == "stable":
            return "ranked lower by the mentee's own scores"
        if full:
            return f"the mentee's slots are taken (capacity {self.capacity})"
        return "not chosen by the method"


def rule(table: Candidates, method: str) -> str:
    """Return how ``method`` chose the pairs of ``table``: its objective, ranking and limits."""
    name, cost = table.weight_name, table.objective == "min_cost"
    noun = name if not cost else "cost" if name == "cost" else f"cost ({name!r})"
    if method == "optimal":
        text = {
            "max_weight": f"optimal: the highest total {name}, then the most pairs",
            "min_cost": f"optimal: the most pairs first, then the least total {noun}",
            "max_cardinality_then_weight": (
                f"optimal: the most pairs first, then the highest total {name}"
            ),
        }[table.objective]
        if table.balance:
            text += ", then the most even mentor loads"
    elif method == "greedy":
        first = "lowest" if cost else "highest"
        text = f"greedy: pairs by {noun}, {first} first, while both have room"
    else:
        text = (
            "stable: no mentee and mentor would both rather be together "
            f"(ranked by {noun} where an edge has no scores of its own)"
        )
    if table.objective == "max_weight":
        text += f"; no pair of negative {name}"
    if table.groups is not None:
        text += "; within the groups' capacities"
    return text
