"""The result of matching: a matching that explains itself, in this process or read back."""

from __future__ import annotations

import contextlib
import functools
import math
from collections import Counter
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import networkx as nx
import numpy as np
from attrs import field, frozen

from cadredev._display import html_table, need_pandas
from cadredev._frozendict import FrozenDict
from cadredev._validate import (
    FieldError,
    field_items,
    id_key,
    int_field,
    named_errors,
)
from cadredev.errors import InvalidInputError

from ._contract import Pair, Problem, pair_key, parse
from ._explain import MatchExplanation, explain
from ._summary import MatchSummary, summarise
from ._table import (
    Candidates,
    TableContext,
    build_candidates,
    check_weight,
    each_id,
    each_pair,
    pairs_field,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["METHODS", "MatchDiff", "Matching", "Method", "Source", "derived_matching"]

Method: TypeAlias = Literal["optimal", "stable", "greedy"]

METHODS: tuple[str, ...] = ("optimal", "stable", "greedy")


def _figure(value: float) -> str:
    """Format a weight for a one-line summary: thousands separated, at most two decimals."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _added(value: Any) -> tuple[Pair, ...]:
    return pairs_field(value, name="added")


def _removed(value: Any) -> tuple[Pair, ...]:
    return pairs_field(value, name="removed")


def _assignments(value: Any) -> tuple[Pair, ...]:
    return pairs_field(value, name="assignments")


def _moved(value: Any) -> tuple[Hashable, ...]:
    return field_items(value, name="moved")


def _roles(value: Any) -> FrozenDict[str, Matching]:
    if not isinstance(value, Mapping):
        raise FieldError(f"by_role must map roles to matchings, got {value!r}")
    for role, sub in value.items():
        if not isinstance(role, str) or not isinstance(sub, Matching):
            raise FieldError(
                f"by_role must map roles (text) to Matching results, got {role!r}: {sub!r}"
            )
    return FrozenDict(value)


def _check_role(_: object, attribute: Any, value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise FieldError(f"{attribute.name} must be None or text, got {value!r}")


@named_errors
@frozen(kw_only=True)
class MatchDiff:
    """What changed between two matchings.

    Parameters
    ----------
    added
        Pairs in the new matching only.
    removed
        Pairs in the old matching only.
    moved
        Mentees whose mentors changed.
    kept
        Number of pairs in both.

    Examples
    --------
    >>> import networkx as nx
    >>> from cadredev import match
    >>> g = nx.Graph([("ana", "wang"), ("ana", "li")])
    >>> nx.set_node_attributes(g, {"ana": 0, "wang": 1, "li": 1}, "bipartite")
    >>> a = match(g)
    >>> b = match(g, pinned={"ana": "wang"})
    >>> a.diff(b)
    MatchDiff(1 added, 1 removed, 1 mentees moved, 0 kept)
    >>> a.diff(b).moved
    ('ana',)

    .. versionadded:: 0.1
    """

    added: tuple[Pair, ...] = field(converter=_added, validator=each_pair)
    removed: tuple[Pair, ...] = field(converter=_removed, validator=each_pair)
    moved: tuple[Hashable, ...] = field(converter=_moved, validator=each_id)
    kept: int = field(validator=int_field())

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)

    def __repr__(self) -> str:
        return (
            f"MatchDiff({len(self.added)} added, {len(self.removed)} removed, "
            f"{len(self.moved)} mentees moved, {self.kept} kept)"
        )


@frozen(kw_only=True, eq=False)
class Source:
    """The graph a matching was made from, as its canonical arrays: kept in this process only.

    ``chosen`` masks the chosen edges and ``sub`` the edges of the
    matching's role (all edges without roles); ``unmatched`` maps each
    unmatched mentee to why; ``context`` says how ``match`` was called.
    """

    problem: Problem
    chosen: np.ndarray
    sub: np.ndarray
    unmatched: Mapping[Hashable, str]
    context: TableContext = field(factory=TableContext)


@named_errors
@frozen(kw_only=True, eq=False)
class Matching:
    """A many-to-one (or many-to-many) matching of mentees to mentors.

    Parameters
    ----------
    method
        ``"optimal"``, ``"stable"`` or ``"greedy"``.
    assignments
        All chosen ``(mentee, mentor)`` pairs, sorted by id.
    total_weight
        Sum of the chosen pairs' weights.
    role
        The role this matching covers in a role-typed graph, else ``None``.
    by_role
        Role -> :class:`Matching` of that role (empty without roles).
    candidates
        The ``Candidates`` table: every mentee's candidate mentors
        with weights, the criterion contributions of the chosen pairs, the
        mentors' capacities and why each unmatched mentee is unmatched. A
        matching made by :func:`match` derives it from its graph on first
        use; a matching read from a document has it from the document, so
        :meth:`explain`, :meth:`summary` and :meth:`to_pandas` work the
        same either way.

    Raises
    ------
    InvalidInputError
        If ``assignments`` or ``total_weight`` disagree with ``candidates``,
        or ``method`` is unknown (for example in a hand-edited document), or
        a field has the wrong type or shape; the message names the field.

    Notes
    -----
    Two matchings are equal when their fields are: the same pairs with the
    same weights, reasons and candidates, whichever graph object they were
    made from. Writing a matching to a document needs ids that JSON holds as
    they are (text or integers); :func:`cadredev.io.dump` raises
    :class:`~cadredev.InvalidInputError` for any other id.

    Examples
    --------
    >>> import networkx as nx
    >>> from cadredev import match
    >>> g = nx.Graph([("ana", "wang", {"weight": 2.0}), ("bo", "wang", {"weight": 1.0})])
    >>> nx.set_node_attributes(g, {"ana": 0, "bo": 0, "wang": 1}, "bipartite")
    >>> result = match(g)
    >>> result
    Matching(optimal: 1 of 2 mentees matched, total weight 2, 1 mentors)
    >>> result.pairs
    FrozenDict({'ana': 'wang'})
    >>> dict(result.unmatched)
    {'bo': 'all compatible mentors full'}
    >>> result.mentees_of("wang")
    ('ana',)

    A matching leaves the process as a document and comes back equal,
    still able to explain itself:

    >>> from cadredev import io
    >>> back = io.load(Matching, io.dump(result))
    >>> back == result, back.explain("bo").reason
    (True, 'all compatible mentors full')

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``candidates`` makes a matching self-contained; ``unmatched`` is
       read from it.
    """

    method: str
    assignments: tuple[Pair, ...] = field(converter=_assignments, validator=each_pair)
    total_weight: float = field(validator=check_weight)
    role: str | None = field(default=None, validator=_check_role)
    by_role: FrozenDict[str, Matching] = field(factory=FrozenDict, converter=_roles)
    candidates: Candidates = field(repr=False)
    _source: Source | None = field(init=False, default=None, repr=False)

    def __attrs_post_init__(self) -> None:
        # only a matching built from its fields (such as a document) gets here
        where = "Matching"
        if not isinstance(self.method, str) or self.method not in METHODS:
            raise InvalidInputError(
                f"{where}: method must be one of {list(METHODS)}, got {self.method!r}"
            )
        table = self.candidates
        if not isinstance(table, Candidates):
            raise InvalidInputError(
                f"{where}: candidates must be a Candidates table, got {table!r}"
            )
        a_of = table.pair_mentees[table.chosen].tolist()
        b_of = table.pair_mentors[table.chosen].tolist()
        mentees, mentors = table.mentees.tolist(), table.mentors.tolist()
        expected = tuple((mentees[a], mentors[b]) for a, b in zip(a_of, b_of, strict=True))
        if expected != self.assignments:
            raise InvalidInputError(
                f"{where}: assignments must be the chosen candidate pairs {list(expected)[:3]}..., "
                f"got {list(self.assignments)[:3]}..."
            )
        total = math.fsum(table.pair_weights[table.chosen].tolist())
        if not math.isclose(total, self.total_weight, rel_tol=1e-9, abs_tol=1e-9):
            raise InvalidInputError(
                f"{where}: total_weight must be the sum of the chosen pairs' weights ({total!r}), "
                f"got {self.total_weight!r}"
            )

    # ------------------------------------------------------------ the table

    if not TYPE_CHECKING:  # hidden from type checkers: a misspelt attribute stays an error

        def __getattr__(self, name: str) -> Any:
            # A matching made by match() leaves ``candidates`` unset until it
            # is read: it is derived from the graph then. Writing a document
            # reads it, so ids JSON cannot hold are refused here.
            if name != "candidates":
                raise AttributeError(f"'Matching' object has no attribute {name!r}")
            table = self._table()
            table.check_writable("Matching")
            object.__setattr__(self, "candidates", table)
            return table

    def _table(self) -> Candidates:
        """Return the candidates table, without the check for ids a document can hold."""
        try:
            table: Candidates = object.__getattribute__(self, "candidates")
        except AttributeError:
            return self._derived
        return table

    @functools.cached_property
    def _derived(self) -> Candidates:
        source = self._source
        if source is None:  # pragma: no cover - a matching has one or the other
            raise InvalidInputError("Matching: no candidates table and no graph")
        return build_candidates(
            source.problem, source.chosen, source.sub, self.role, source.unmatched, source.context
        )

    # ----------------------------------------------------------- equality

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Matching):
            return NotImplemented
        return (
            self.method == other.method
            and self.assignments == other.assignments
            and self.total_weight == other.total_weight
            and self.role == other.role
            and self.by_role == other.by_role
            and self._table() == other._table()
        )

    def __hash__(self) -> int:
        return hash((self.method, self.assignments, self.total_weight, self.role))

    def __getstate__(self) -> dict[str, Any]:
        state = {
            "method": self.method,
            "assignments": self.assignments,
            "total_weight": self.total_weight,
            "role": self.role,
            "by_role": self.by_role,
            "_source": self._source,
        }
        with contextlib.suppress(AttributeError):
            state["candidates"] = object.__getattribute__(self, "candidates")
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)

    # ---------------------------------------------------------- the pairs

    @functools.cached_property
    def pairs(self) -> FrozenDict[Hashable, Any]:
        """Mentee id -> mentor id, sorted by mentee.

        A mentee with several mentors (role-typed slots, mentee capacity > 1)
        maps to the sorted tuple of their ids.
        """
        grouped: dict[Hashable, list[Hashable]] = {}
        for a, b in self.assignments:
            grouped.setdefault(a, []).append(b)
        return FrozenDict({a: (bs[0] if len(bs) == 1 else tuple(bs)) for a, bs in grouped.items()})

    @functools.cached_property
    def unmatched(self) -> FrozenDict[Hashable, str]:
        """Mentee id -> why, for each mentee without any mentor, sorted by id."""
        if self._source is not None:
            return FrozenDict(self._source.unmatched)
        table = self._table()
        return FrozenDict(
            {u: why for u, why in zip(table.mentees.tolist(), table.reasons, strict=True) if why}
        )

    def mentees_of(self, mentor: Hashable) -> tuple[Hashable, ...]:
        """Return the mentees matched to ``mentor``, sorted by id."""
        return tuple(a for a, b in self.assignments if b == mentor)

    def mentors_of(self, mentee: Hashable) -> tuple[Hashable, ...]:
        """Return the mentors matched to ``mentee``, sorted by id."""
        return tuple(b for a, b in self.assignments if a == mentee)

    # ---------------------------------------------------------- explaining

    def explain(self, mentee: Hashable, *, alternatives: int = 3) -> MatchExplanation:
        """Explain the mentee's pair(s): contributions, best alternatives and why not.

        Each alternative's reason gives every fact of the result that
        applies: the mentee's slots are all taken by better pairs (lower
        weight, or higher cost with ``objective="min_cost"``), the mentor is
        full, the mentor's group is full; else the one other cause (a tie,
        a negative weight, the mentee's own ranking). ``rule`` says how the
        method chose (the objective, the weight attribute, balance, groups).

        Parameters
        ----------
        mentee
            A mentee id of the graph.
        alternatives
            How many of the best other candidates to list.

        Raises
        ------
        InvalidInputError
            If ``mentee`` is not a mentee of the graph.
        """
        return explain(self._table(), mentee, method=self.method, alternatives=alternatives)

    def blocking_pairs(self, graph: nx.Graph[Any]) -> tuple[Pair, ...]:
        """Return the pairs of ``graph`` that would both rather be together.

        A pair ``(a, b)`` not in the matching blocks it when ``a`` has a free
        slot or strictly prefers ``b`` to one of its mentors (of ``b``'s role
        in a role-typed graph), and ``b`` has a free slot or strictly prefers
        ``a`` to one of its mentees. Preferences follow ``mentee_score`` /
        ``mentor_score`` where present, else ``weight``. Empty for a stable
        matching. A pair of negative weight is unacceptable and never blocks
        (as :func:`match` never matches one), nor does a forbidden pair.
        """
        prob = parse(graph)
        held = set(self.assignments)
        mentees, mentors, roles = prob.mentees, prob.mentors, prob.mentor_role
        in_m = np.array(
            [
                (mentees[a], mentors[b]) in held
                for a, b in zip(prob.eu.tolist(), prob.ev.tolist(), strict=True)
            ],
            dtype=bool,
        )
        # worst current score and load per mentee (per role) and per mentor
        a_worst: dict[tuple[int, str | None], float] = {}
        a_load: Counter[tuple[int, str | None]] = Counter()
        b_worst: dict[int, float] = {}
        b_load: Counter[int] = Counter()
        for e in np.nonzero(in_m)[0].tolist():
            a, b = int(prob.eu[e]), int(prob.ev[e])
            key = (a, roles[b])
            a_load[key] += 1
            a_worst[key] = min(a_worst.get(key, math.inf), float(prob.s_mentee[e]))
            b_load[b] += 1
            b_worst[b] = min(b_worst.get(b, math.inf), float(prob.s_mentor[e]))
        out: list[Pair] = []
        for e in np.nonzero(~in_m & (prob.w >= 0))[0].tolist():
            a, b = int(prob.eu[e]), int(prob.ev[e])
            key = (a, roles[b])
            cap_a = 1 if roles[b] is not None else int(prob.mentee_cap[a])
            a_wants = a_load[key] < cap_a or float(prob.s_mentee[e]) > a_worst.get(key, math.inf)
            b_wants = b_load[b] < prob.mentor_cap[b] or float(prob.s_mentor[e]) > b_worst.get(
                b, math.inf
            )
            if cap_a > 0 and prob.mentor_cap[b] > 0 and a_wants and b_wants:
                out.append((mentees[a], mentors[b]))
        return tuple(sorted(out, key=pair_key))

    def summary(self) -> MatchSummary:
        """Return loads, unit and cohort mix per mentor, cross-unit share, rank profile."""
        return summarise(self._table(), total_weight=self.total_weight)

    def diff(self, other: Matching) -> MatchDiff:
        """Return what moved from this matching to ``other``.

        Raises
        ------
        InvalidInputError
            If ``other`` is not a :class:`Matching`.
        """
        if not isinstance(other, Matching):
            raise InvalidInputError(f"Matching.diff: other must be a Matching, got {other!r}")
        old, new = set(self.assignments), set(other.assignments)
        return MatchDiff(
            added=tuple(sorted(new - old, key=pair_key)),
            removed=tuple(sorted(old - new, key=pair_key)),
            moved=tuple(sorted({a for a, _ in old ^ new}, key=id_key)),
            kept=len(old & new),
        )

    # ------------------------------------------------------------- display

    def to_pandas(self) -> pd.DataFrame:
        """Return one row per pair and per unmatched mentee.

        Columns: ``mentee``, ``mentor`` (``None`` when unmatched), ``weight``,
        ``reason``.

        Raises
        ------
        MissingDependencyError
            If pandas is not installed.
        """
        frame: pd.DataFrame = need_pandas("Matching.to_pandas()").DataFrame(
            self._rows(), columns=["mentee", "mentor", "weight", "reason"]
        )
        return frame

    def _rows(self) -> list[tuple[Hashable, Hashable | None, float, str]]:
        """One row per pair (by id) and per unmatched mentee (by id)."""
        weights = self._table().pair_weights[self._table().chosen].tolist()
        rows: list[tuple[Hashable, Hashable | None, float, str]] = [
            (a, b, w, "") for (a, b), w in zip(self.assignments, weights, strict=True)
        ]
        rows += [(a, None, 0.0, why) for a, why in self.unmatched.items()]
        return rows

    def __len__(self) -> int:
        return len(self.assignments)

    def _counts(self) -> tuple[int, int]:
        """Return the numbers of mentees and of mentors (of this role), building no table."""
        source = self._source
        if source is None:
            table = self._table()
            return len(table.mentees), len(table.mentors)
        prob = source.problem
        if self.role is None:
            return len(prob.mentees), len(prob.mentors)
        return len(prob.mentees), sum(r == self.role for r in prob.mentor_role)

    def _headline(self) -> str:
        n_mentees, n_mentors = self._counts()
        matched = len({a for a, _ in self.assignments})
        pairs = f", {len(self.assignments)} pairs" if len(self.assignments) != matched else ""
        return (
            f"{matched} of {n_mentees} mentees matched{pairs}, "
            f"total weight {_figure(self.total_weight)}, {n_mentors} mentors"
        )

    def __repr__(self) -> str:
        how = self.method
        if self.role is not None:
            how += f", role {self.role}"
        if self.by_role:
            how += f", roles {'/'.join(self.by_role)}"
        return f"Matching({how}: {self._headline()})"

    def _repr_html_(self) -> str:
        role = f", role {self.role}" if self.role else ""
        title = f"Matching ({self.method}{role}): {self._headline()}"
        rows = [
            (a, b, w, why) if b is not None else (a, "", "", why) for a, b, w, why in self._rows()
        ]
        return html_table(title, ("mentee", "mentor", "weight", "reason"), rows)


def derived_matching(
    source: Source,
    *,
    method: str,
    assignments: tuple[Pair, ...],
    total_weight: float,
    role: str | None,
    by_role: FrozenDict[str, Matching],
) -> Matching:
    """Return a :class:`Matching` whose candidates table is derived from ``source`` when read.

    The fields are set as they are (``match`` has checked them), leaving
    ``candidates`` for :meth:`Matching.__getattr__` to fill.
    """
    result = object.__new__(Matching)
    for name, value in (
        ("method", method),
        ("assignments", assignments),
        ("total_weight", total_weight),
        ("role", role),
        ("by_role", by_role),
        ("_source", source),
    ):
        object.__setattr__(result, name, value)
    return result
