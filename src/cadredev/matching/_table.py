"""The candidates table: what a matching keeps to explain itself, in a document too.

:func:`build_candidates` reads it off the canonical arrays of a graph
(:class:`~cadredev.matching._contract.Problem`); a matching read back from a
document gets it from the document. Either way :meth:`Matching.explain`,
:meth:`Matching.summary` and :meth:`Matching.to_pandas` read nothing else.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from attrs import frozen

from cadredev._frozendict import FrozenDict
from cadredev._validate import FieldError, field_items, id_key, is_real
from cadredev.errors import InvalidInputError

from ._contract import Problem, pair_key

__all__ = [
    "OBJECTIVES",
    "Candidates",
    "TableContext",
    "build_candidates",
    "check_id",
    "check_weight",
    "each_first",
    "each_id",
    "each_pair",
    "pairs_field",
    "to_rows",
]

IdArray = npt.NDArray[np.object_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def _ids(values: Iterable[Hashable], count: int) -> IdArray:
    """Return ids as a one-dimensional object array (tuple ids stay single elements)."""
    return np.fromiter(values, dtype=object, count=count)


_ID = "ids (text or integers)"


def _unhashable(values: Iterable[Any]) -> Any:
    """Return the first of *values* that cannot be hashed (``None`` when all can)."""
    for value in values:
        try:
            hash(value)
        except TypeError:
            return value
    return None  # pragma: no cover - only called once hashing failed


def check_id(_: object, attribute: Any, value: Any) -> None:
    """Validate an id: any hashable value (documents hold text or integers, never lists)."""
    try:
        hash(value)
    except TypeError:
        raise FieldError(f"{attribute.name} must hold {_ID}, got {value!r}") from None


def check_weight(_: object, attribute: Any, value: Any) -> None:
    """Validate a weight: a finite number."""
    if not is_real(value):
        raise FieldError(f"{attribute.name} must be a finite number, got {value!r}")


def each_id(_: object, attribute: Any, value: tuple[Any, ...]) -> None:
    """Validate a tuple of ids: hashed at once, so a long tuple costs one pass in C."""
    try:
        hash(value)
    except TypeError:
        bad = _unhashable(value)
        raise FieldError(f"{attribute.name} must hold {_ID}, got {bad!r}") from None


def each_pair(_: object, attribute: Any, value: tuple[tuple[Any, Any], ...]) -> None:
    """Validate a tuple of (mentee, mentor) pairs of ids."""
    try:
        hash(value)
    except TypeError:
        bad = _unhashable(value)
        raise FieldError(
            f"{attribute.name} must hold {_ID} in (mentee, mentor) pairs, got {bad!r}"
        ) from None


def each_first(_: object, attribute: Any, value: tuple[tuple[Any, ...], ...]) -> None:
    """Validate a tuple of tuples that start with an id."""
    for item in value:
        check_id(_, attribute, item[0])


def to_rows(value: Any, *, name: str, size: int, what: str) -> tuple[tuple[Any, ...], ...]:
    """Return *value*, a collection of *size*-item rows, as a tuple of tuples.

    Raises :class:`FieldError` (which :func:`~cadredev._validate.named_errors`
    names with the record) for anything else, naming the field *name* and
    what each row should be (*what*); a string is never a row.
    """
    items = field_items(value, name=name)
    for row in items:
        if not isinstance(row, tuple | list) or len(row) != size:
            raise FieldError(f"{name} must hold {what}, got {row!r}")
    return tuple(tuple(row) for row in items)


def pairs_field(value: Any, *, name: str) -> tuple[tuple[Any, Any], ...]:
    """Convert the field *name* of ``(mentee, mentor)`` pairs (a document's lists become tuples)."""
    return to_rows(value, name=name, size=2, what="(mentee, mentor) pairs")


def _text(value: Any) -> str | None:
    """Return a node attribute as text (``None`` stays ``None``)."""
    return None if value is None else str(value)


def _writable(value: object) -> bool:
    """Return whether a JSON document holds *value* as it is: text or an integer."""
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


_ARRAYS: tuple[tuple[str, type[Any]], ...] = (
    ("mentees", object),
    ("mentors", object),
    ("capacities", np.int64),
    ("offsets", np.int64),
    ("pair_mentors", np.int64),
    ("pair_weights", np.float64),
    ("chosen", np.int64),
    ("components", np.float64),
)
_TEXT: frozenset[type[Any]] = frozenset({str})
_TEXT_OR_NONE: frozenset[type[Any]] = frozenset({str, type(None)})
_KIND_NAMES = {_TEXT: "strings", _TEXT_OR_NONE: "strings or None"}
# column, its length (n mentees, m mentors), what it has one entry per, the types of its items
_COLUMNS: tuple[tuple[str, str, str, frozenset[type[Any]]], ...] = (
    ("mentee_units", "n", "mentee", _TEXT_OR_NONE),
    ("mentee_cohorts", "n", "mentee", _TEXT_OR_NONE),
    ("reasons", "n", "mentee", _TEXT),
    ("mentor_units", "m", "mentor", _TEXT_OR_NONE),
    ("criteria", "", "", _TEXT),
)


OBJECTIVES: tuple[str, ...] = ("max_weight", "min_cost", "max_cardinality_then_weight")
"""What :func:`~cadredev.matching.match` may optimise (its ``objective``)."""


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise InvalidInputError(f"Candidates: {what}")


def _is_array(value: Any, dtype: type[Any]) -> bool:
    return isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype == dtype


def _same(a: npt.NDArray[Any] | None, b: npt.NDArray[Any] | None) -> bool:
    """Return whether two optional columns are equal (``None`` only equals ``None``)."""
    if a is None or b is None:
        return a is None and b is None
    return bool(a.tolist() == b.tolist())


@frozen(kw_only=True, eq=False)
class TableContext:
    """How :func:`~cadredev.matching.match` was called, as the candidates table records it.

    ``grouping`` is each mentor's group position (-1 for none) and each
    group's capacity, ``group_names`` the group ids in that order.
    """

    objective: str = "max_weight"
    weight_name: str = "weight"
    balance: str | None = None
    group_names: tuple[Hashable, ...] = ()
    grouping: tuple[np.ndarray, np.ndarray] | None = None


@frozen(kw_only=True, eq=False)
class Candidates:
    """Every mentee's candidate mentors, as columns: what a matching explains itself from.

    A :class:`Matching` keeps this table, so a matching read back from a
    document explains and summarises itself without its graph. The table
    holds every candidate pair (mentor and weight), but criterion
    contributions only for the chosen pairs, which is all that
    :meth:`Matching.explain` shows.

    Parameters
    ----------
    mentees
        Every mentee of the graph, ordered by id.
    mentee_units, mentee_cohorts
        Each mentee's ``unit`` and ``cohort`` node attribute as text, or
        ``None`` when the node has none.
    reasons
        Why each mentee is unmatched; ``""`` for a matched mentee.
    mentors
        Every mentor (of the matching's role in a role-typed graph), ordered
        by id.
    mentor_units
        Each mentor's ``unit`` as text, or ``None``.
    capacities
        Each mentor's capacity.
    offsets
        ``len(mentees) + 1`` positions: mentee ``i``'s candidate pairs are
        ``offsets[i]`` to ``offsets[i + 1] - 1``.
    pair_mentors
        The mentor (a position in ``mentors``) of each candidate pair; each
        mentee's pairs in mentor order.
    pair_weights
        The weight of each candidate pair.
    chosen
        The positions of the chosen pairs, ascending: the matching's
        ``assignments``, in order.
    criteria
        The names of the components, sorted.
    components
        The contribution of each criterion to each chosen pair, row by row
        (``len(chosen) * len(criteria)`` numbers; ``NaN``, ``null`` in JSON,
        where the pair has no such component). A pair whose edge carries no
        ``components`` shows its weight as ``"weight"``.
    forbidden
        ``(mentee, mentor, why)`` for each pair kept out of the graph.
    mentee_capacities
        How many mentors each mentee may have (at most one, per role, in a
        role-typed graph); ``None`` where not recorded, and a mentee then
        counts as full once it has a mentor.
    mentor_roles
        Each mentor's role, in the table of a role-typed matching that
        holds every role (a mentee's capacity then counts per role);
        ``None`` otherwise.
    groups, group_capacities, mentor_groups
        The groups of mentors with a capacity of their own (``match(...,
        groups=...)``): the group ids, each group's capacity, and each
        mentor's group as a position in ``groups`` (``-1`` for none). All
        three ``None`` for a matching without groups.
    objective
        What the weights mean: ``"max_weight"`` (higher is better),
        ``"min_cost"`` (each weight is a negated cost, so the cost is
        ``-weight``) or ``"max_cardinality_then_weight"`` (the most pairs
        first).
    weight_name
        The edge attribute the weights (or costs) were read from.
    balance
        ``"load"`` when the mentors' loads were balanced among the optimal
        solutions, else ``None``.
    mentee_scores
        Whether the edges carry ``mentee_score``, by which the stable
        method ranks each mentee's candidates instead of by weight.

    Raises
    ------
    InvalidInputError
        If the columns do not fit together (lengths, positions, order), or
        one of the optional ones has the wrong type or value.

    Examples
    --------
    >>> import networkx as nx
    >>> from cadredev import match
    >>> g = nx.Graph([("ana", "wang", {"weight": 2.0}), ("ana", "li", {"weight": 1.0})])
    >>> nx.set_node_attributes(g, {"ana": 0, "wang": 1, "li": 1}, "bipartite")
    >>> table = match(g).candidates
    >>> table
    Candidates(1 mentees, 2 mentors, 2 candidate pairs, 1 chosen)
    >>> table.mentors.tolist(), table.pair_weights.tolist(), table.chosen.tolist()
    (['li', 'wang'], [1.0, 2.0], [1])

    Groups of mentors and what the weights mean are recorded too:

    >>> g.add_edge("bo", "li", cost=4.0)
    >>> g.nodes["bo"]["bipartite"] = 0
    >>> g.edges["ana", "wang"]["cost"], g.edges["ana", "li"]["cost"] = 1.0, 3.0
    >>> table = match(g, weight="cost", objective="min_cost", groups={"u1": (1, ["li"])}).candidates
    >>> table.groups.tolist(), table.group_capacities.tolist(), table.mentor_groups.tolist()
    (['u1'], [1], [0, -1])
    >>> table.objective, table.weight_name, table.group_loads.tolist()
    ('min_cost', 'cost', [1])

    .. versionadded:: 0.2
    .. versionchanged:: 0.3
       The optional ``mentee_capacities``, ``mentor_roles``, ``groups``, ``group_capacities``,
       ``mentor_groups``, ``objective``, ``weight_name``, ``balance`` and
       ``mentee_scores``; a table without them (an older document) reads as
       before.
    """

    mentees: IdArray
    mentee_units: tuple[str | None, ...]
    mentee_cohorts: tuple[str | None, ...]
    reasons: tuple[str, ...]
    mentors: IdArray
    mentor_units: tuple[str | None, ...]
    capacities: IntArray
    offsets: IntArray
    pair_mentors: IntArray
    pair_weights: FloatArray
    chosen: IntArray
    criteria: tuple[str, ...]
    components: FloatArray
    forbidden: tuple[tuple[Hashable, Hashable, str], ...] = ()
    mentee_capacities: IntArray | None = None
    mentor_roles: tuple[str, ...] | None = None
    groups: IdArray | None = None
    group_capacities: IntArray | None = None
    mentor_groups: IntArray | None = None
    objective: str = "max_weight"
    weight_name: str = "weight"
    balance: str | None = None
    mentee_scores: bool = False

    def __attrs_post_init__(self) -> None:
        for name, dtype in _ARRAYS:
            value = getattr(self, name)
            _need(
                isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype == dtype,
                f"{name} must be a one-dimensional {np.dtype(dtype)} array, got {value!r}",
            )
        n, m, e = len(self.mentees), len(self.mentors), len(self.pair_mentors)
        for name, size, what, kinds in _COLUMNS:
            value = getattr(self, name)
            _need(
                type(value) is tuple and set(map(type, value)) <= kinds,
                f"{name} must be a tuple of {_KIND_NAMES[kinds]}, got {value!r}",
            )
            if size:
                want = n if size == "n" else m
                _need(len(value) == want, f"{name} must have one entry per {what}")
        _need(
            len(self.capacities) == m and len(self.pair_weights) == e,
            "capacities and pair_weights must have one entry per mentor and per candidate pair",
        )
        for side in ("mentees", "mentors"):
            ids = getattr(self, side).tolist()
            try:
                unique = len(set(ids)) == len(ids)
            except TypeError:
                bad = _unhashable(ids)
                raise InvalidInputError(f"Candidates: {side} must be {_ID}, got {bad!r}") from None
            _need(unique, f"{side} must be unique")
        self._check_positions(n, m, e)
        _need(
            type(self.forbidden) is tuple
            and all(
                type(t) is tuple and len(t) == 3 and isinstance(t[2], str) for t in self.forbidden
            ),
            f"forbidden must be a tuple of (mentee, mentor, why) triples, got {self.forbidden!r}",
        )
        try:
            hash(self.forbidden)
        except TypeError:
            bad = _unhashable(self.forbidden)
            raise InvalidInputError(f"Candidates: forbidden must hold {_ID}, got {bad!r}") from None
        self._check_meaning()
        self._check_mentee_capacities(n)
        roles = self.mentor_roles
        _need(
            roles is None or (type(roles) is tuple and set(map(type, roles)) <= _TEXT),
            f"mentor_roles must be None or a tuple of strings, got {roles!r}",
        )
        _need(
            roles is None or len(roles) == m,
            f"mentor_roles must have one entry per mentor ({m}), got {len(roles or ())}",
        )
        self._check_groups(m)

    def _check_meaning(self) -> None:
        _need(
            isinstance(self.objective, str) and self.objective in OBJECTIVES,
            f"objective must be one of {list(OBJECTIVES)}, got {self.objective!r}",
        )
        _need(
            isinstance(self.weight_name, str) and bool(self.weight_name),
            f"weight_name must be the name of an edge attribute (text), got {self.weight_name!r}",
        )
        _need(
            self.balance is None or self.balance == "load",
            f"balance must be None or 'load', got {self.balance!r}",
        )
        _need(
            isinstance(self.mentee_scores, bool),
            f"mentee_scores must be True or False, got {self.mentee_scores!r}",
        )

    def _check_mentee_capacities(self, n: int) -> None:
        caps = self.mentee_capacities
        if caps is None:
            return
        _need(
            _is_array(caps, np.int64),
            f"mentee_capacities must be None or a one-dimensional int64 array, got {caps!r}",
        )
        _need(
            len(caps) == n,
            f"mentee_capacities must have one entry per mentee ({n}), got {len(caps)}",
        )
        _need(not n or int(caps.min()) >= 0, f"mentee_capacities must be >= 0, got {caps!r}")

    def _check_groups(self, m: int) -> None:
        groups, caps, of = self.groups, self.group_capacities, self.mentor_groups
        given = [x is not None for x in (groups, caps, of)]
        _need(
            all(given) or not any(given),
            "groups, group_capacities and mentor_groups must be given together or not at all, "
            f"got {groups!r}, {caps!r}, {of!r}",
        )
        if groups is None or caps is None or of is None:
            return
        for name, value, dtype in (
            ("groups", groups, object),
            ("group_capacities", caps, np.int64),
            ("mentor_groups", of, np.int64),
        ):
            _need(
                _is_array(value, dtype),
                f"{name} must be None or a one-dimensional {np.dtype(dtype)} array, got {value!r}",
            )
        k = len(groups)
        ids = groups.tolist()
        try:
            unique = len(set(ids)) == k
        except TypeError:
            bad = _unhashable(ids)
            raise InvalidInputError(f"Candidates: groups must be {_ID}, got {bad!r}") from None
        _need(unique, f"groups must be unique, got {ids!r}")
        _need(
            len(caps) == k,
            f"group_capacities must have one entry per group ({k}), got {len(caps)}",
        )
        _need(not k or int(caps.min()) >= 0, f"group_capacities must be >= 0, got {caps!r}")
        _need(len(of) == m, f"mentor_groups must have one entry per mentor ({m}), got {len(of)}")
        _need(
            not m or -1 <= int(of.min()) <= int(of.max()) < k,
            f"mentor_groups must be positions in groups (-1 for none), got {of!r}",
        )

    def _check_positions(self, n: int, m: int, e: int) -> None:
        offsets, chosen = self.offsets, self.chosen
        _need(
            len(offsets) == n + 1
            and (not n or int(offsets[0]) == 0)
            and int(offsets[-1]) == e
            and bool(np.all(offsets[1:] >= offsets[:-1])),
            f"offsets must rise from 0 to {e} in {n + 1} steps",
        )
        _need(not e or 0 <= int(self.pair_mentors.min()) <= int(self.pair_mentors.max()) < m,
              "pair_mentors must be positions in mentors")  # fmt: skip
        _need(not m or int(self.capacities.min()) >= 0, "capacities must be >= 0")
        _need(bool(np.isfinite(self.pair_weights).all()), "pair_weights must be finite")
        _need(
            not len(chosen)
            or (int(chosen[0]) >= 0 and int(chosen[-1]) < e and bool(np.all(np.diff(chosen) > 0))),
            "chosen must be ascending positions of candidate pairs",
        )
        _need(list(self.criteria) == sorted(set(self.criteria)), "criteria must be sorted, unique")
        _need(
            len(self.components) == len(chosen) * len(self.criteria),
            "components must hold one value per chosen pair and criterion",
        )

    # ------------------------------------------------------------------ views

    @functools.cached_property
    def pair_mentees(self) -> IntArray:
        """The mentee (a position in ``mentees``) of each candidate pair."""
        counts = np.diff(self.offsets)
        return np.repeat(np.arange(len(self.mentees), dtype=np.int64), counts)

    @functools.cached_property
    def loads(self) -> IntArray:
        """How many chosen pairs each mentor holds."""
        chosen_mentors = self.pair_mentors[self.chosen]
        return np.bincount(chosen_mentors, minlength=len(self.mentors)).astype(np.int64)

    @functools.cached_property
    def mentee_loads(self) -> IntArray:
        """How many chosen pairs each mentee holds."""
        chosen_mentees = self.pair_mentees[self.chosen]
        return np.bincount(chosen_mentees, minlength=len(self.mentees)).astype(np.int64)

    @functools.cached_property
    def group_loads(self) -> IntArray:
        """How many chosen pairs each group's mentors hold together (empty without groups)."""
        if self.groups is None or self.mentor_groups is None:
            return np.zeros(0, dtype=np.int64)
        of = self.mentor_groups[self.pair_mentors[self.chosen]]
        return np.bincount(of[of >= 0], minlength=len(self.groups)).astype(np.int64)

    @functools.cached_property
    def _mentee_position(self) -> dict[Hashable, int]:
        return {u: i for i, u in enumerate(self.mentees.tolist())}

    @functools.cached_property
    def _forbidden_by_mentee(self) -> dict[Hashable, list[tuple[Hashable, str]]]:
        out: dict[Hashable, list[tuple[Hashable, str]]] = {}
        for a, b, why in self.forbidden:
            out.setdefault(a, []).append((b, why))
        return out

    def position(self, mentee: Hashable, *, where: str) -> int:
        """Return the position of ``mentee``.

        Raises
        ------
        InvalidInputError
            Naming *where*, if ``mentee`` is not a mentee.
        """
        try:
            return self._mentee_position[mentee]
        except (KeyError, TypeError):
            raise InvalidInputError(f"{where}: {mentee!r} is not a mentee") from None

    def forbidden_of(self, mentee: Hashable) -> tuple[tuple[Hashable, str], ...]:
        """Return ``(mentor, why)`` for the mentors kept from ``mentee``, by mentor id."""
        pairs = self._forbidden_by_mentee.get(mentee, [])
        return tuple(sorted(pairs, key=lambda p: id_key(p[0])))

    def contributions(self, k: int) -> FrozenDict[str, float]:
        """Return criterion -> contribution of the ``k``-th chosen pair."""
        width = len(self.criteria)
        row = self.components[k * width : (k + 1) * width].tolist()
        return FrozenDict(
            {name: v for name, v in zip(self.criteria, row, strict=True) if not math.isnan(v)}
        )

    def check_writable(self, where: str) -> None:
        """Raise unless every id is text or an integer, which JSON holds as it is.

        Raises
        ------
        InvalidInputError
            Naming *where*, the first other id and its type.
        """
        ids = (
            *(("mentee", u) for u in self.mentees.tolist()),
            *(("mentor", v) for v in self.mentors.tolist()),
            *(("mentee", a) for a, _, _ in self.forbidden),
            *(("mentor", b) for _, b, _ in self.forbidden),
            *(("group", g) for g in (() if self.groups is None else self.groups.tolist())),
        )
        for side, value in ids:
            if not _writable(value):
                raise InvalidInputError(
                    f"{where}: {side} id {value!r} ({type(value).__name__}) cannot be written "
                    "to a document; ids in documents must be text or integers"
                )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Candidates):
            return NotImplemented
        return (
            self.mentees.tolist() == other.mentees.tolist()
            and self.mentors.tolist() == other.mentors.tolist()
            and self.mentee_units == other.mentee_units
            and self.mentee_cohorts == other.mentee_cohorts
            and self.reasons == other.reasons
            and self.mentor_units == other.mentor_units
            and self.criteria == other.criteria
            and self.forbidden == other.forbidden
            and self.mentor_roles == other.mentor_roles
            and (self.objective, self.weight_name, self.balance, self.mentee_scores)
            == (other.objective, other.weight_name, other.balance, other.mentee_scores)
            and all(
                _same(getattr(self, name), getattr(other, name))
                for name in ("mentee_capacities", "groups", "group_capacities", "mentor_groups")
            )
            and all(
                np.array_equal(getattr(self, name), getattr(other, name), equal_nan=True)
                for name in (
                    "capacities",
                    "offsets",
                    "pair_mentors",
                    "pair_weights",
                    "chosen",
                    "components",
                )
            )
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Candidates({len(self.mentees)} mentees, {len(self.mentors)} mentors, "
            f"{len(self.pair_mentors)} candidate pairs, {len(self.chosen)} chosen)"
        )


def build_candidates(  # noqa: PLR0917  (private: one matching's parts)
    prob: Problem,
    chosen: np.ndarray,
    sub: np.ndarray,
    role: str | None,
    reasons: Mapping[Hashable, str],
    context: TableContext | None = None,
) -> Candidates:
    """Return the table of the edges in the mask ``sub`` (one role's, or all).

    ``chosen`` masks the chosen edges (of all edges); ``reasons`` maps each
    unmatched mentee to why; ``context`` says how ``match`` was called.
    """
    context = TableContext() if context is None else context
    n = len(prob.mentees)
    if role is None:
        keep = np.arange(len(prob.mentors), dtype=np.int64)
    else:
        keep = np.array([j for j, r in enumerate(prob.mentor_role) if r == role], dtype=np.int64)
    position = np.full(len(prob.mentors), -1, dtype=np.int64)
    position[keep] = np.arange(len(keep), dtype=np.int64)
    edges = np.nonzero(sub)[0]
    pair_mentees = prob.eu[edges]
    picked = np.nonzero(chosen[edges])[0].astype(np.int64)
    criteria, components = _components(prob, edges[picked])
    mentee_attrs, mentor_attrs = prob.mentee_attrs, prob.mentor_attrs
    forbidden = (
        (a, b, why)
        for (a, b), why in prob.forbidden.items()
        if role is None or prob.role_of(b) == role
    )
    return Candidates(
        mentees=_ids(prob.mentees, n),
        mentee_units=tuple(_text(d.get("unit")) for d in mentee_attrs),
        mentee_cohorts=tuple(_text(d.get("cohort")) for d in mentee_attrs),
        reasons=tuple(reasons.get(u, "") for u in prob.mentees),
        mentors=_ids((prob.mentors[j] for j in keep.tolist()), len(keep)),
        mentor_units=tuple(_text(mentor_attrs[j].get("unit")) for j in keep.tolist()),
        capacities=prob.mentor_cap[keep].astype(np.int64),
        offsets=np.searchsorted(pair_mentees, np.arange(n + 1)).astype(np.int64),
        pair_mentors=position[prob.ev[edges]],
        pair_weights=prob.w[edges].astype(np.float64),
        chosen=picked,
        criteria=criteria,
        components=components,
        forbidden=tuple(sorted(forbidden, key=lambda t: pair_key((t[0], t[1])))),
        mentee_capacities=_mentee_capacities(prob),
        mentor_roles=(
            tuple(str(prob.mentor_role[j]) for j in keep.tolist())
            if prob.roles is not None and role is None
            else None
        ),
        **_group_columns(context, keep),
        objective=context.objective,
        weight_name=context.weight_name,
        balance=context.balance,
        mentee_scores=prob.s_mentee is not prob.w,
    )


def _mentee_capacities(prob: Problem) -> IntArray:
    """Return each mentee's capacity (at most one per role in a role-typed graph)."""
    caps = prob.mentee_cap.astype(np.int64)
    return caps if prob.roles is None else np.minimum(caps, 1)


def _group_columns(context: TableContext, keep: IntArray) -> dict[str, Any]:
    """Return the columns ``groups``, ``group_capacities`` and ``mentor_groups`` (if any)."""
    if context.grouping is None:
        return {}
    group_of, group_cap = context.grouping
    return {
        "groups": _ids(context.group_names, len(context.group_names)),
        "group_capacities": group_cap.astype(np.int64),
        "mentor_groups": group_of[keep].astype(np.int64),
    }


def _components(prob: Problem, edges: np.ndarray) -> tuple[tuple[str, ...], FloatArray]:
    """Return the criteria and the chosen edges' contributions, row by row."""
    rows: list[dict[str, float]] = []
    for e in edges.tolist():
        parts = prob.components(e)
        rows.append({prob.weight_name: float(prob.w[e])} if parts is None else parts)
    criteria = tuple(sorted({name for parts in rows for name in parts}))
    values = np.full((len(rows), len(criteria)), np.nan)
    column = {name: c for c, name in enumerate(criteria)}
    for r, parts in enumerate(rows):
        for name, value in parts.items():
            values[r, column[name]] = value
    return criteria, values.ravel()
