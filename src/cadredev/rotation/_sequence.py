"""Soft sequence terms: unit changes and waiting periods between a cadre's placements.

The terms depend on the order of one cadre's placements, so they are counted
per cadre: :func:`sequence_counts` from plain (start, length, unit) triples
(the problem's own count, used to evaluate plans), :func:`cadre_cost` and
:func:`score` on the solver's compiled keys. The MIP's linear form of the
same terms is :func:`sequence_block`, built by :class:`Terms` when a
solve needs it.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from ._compile import Compiled
    from ._construct import Key, State

__all__ = [
    "SequenceBlock",
    "Terms",
    "cadre_cost",
    "has_sequence_terms",
    "score",
    "sequence_block",
    "sequence_counts",
]


def sequence_counts(placements: Iterable[tuple[int, int, Hashable]]) -> tuple[int, int]:
    """Return (unit changes, waiting periods) of one cadre's ``(start, length, unit)`` placements.

    Examples
    --------
    >>> sequence_counts([(4, 2, "u2"), (0, 2, "u1"), (2, 1, "u1")])
    (1, 1)
    >>> sequence_counts([])
    (0, 0)
    """
    ordered = sorted(placements, key=lambda item: (item[0], item[1]))
    if not ordered:
        return 0, 0
    changes = sum(1 for a, b in itertools.pairwise(ordered) if a[2] != b[2])
    covered: set[int] = set()
    for start, length, _unit in ordered:
        covered.update(range(start, start + length))
    span = max(start + length for start, length, _unit in ordered) - ordered[0][0]
    return changes, span - len(covered)


def has_sequence_terms(comp: Compiled) -> bool:
    """Tell whether the problem gives either sequence term a weight."""
    problem = comp.problem
    return bool(problem.unit_change_cost or problem.waiting_cost)


def cadre_cost(comp: Compiled, keys: Iterable[Key]) -> float:
    """Return the value the sequence terms take from one cadre's placements ``keys``."""
    problem = comp.problem
    changes, waiting = sequence_counts(
        (s, length, int(comp.pu[p])) for _c, p, _k, s, length in keys
    )
    return problem.unit_change_cost * changes + problem.waiting_cost * waiting


def score(comp: Compiled, state: State) -> tuple[int, float]:
    """Return the whole plan's first level (placements toward minimums, staffing) and value.

    The value is every placement's value less the sequence terms.
    """
    value = sum(comp.value(c, p, s, length) for c, p, _k, s, length in state.chosen)
    if has_sequence_terms(comp):
        value -= sum(cadre_cost(comp, keys) for keys in state.by_cadre.values())
    return state.placed(), value


class SequenceBlock(NamedTuple):
    """The sequence terms' variables and rows in an option model (internal)."""

    rows: np.ndarray
    cols: np.ndarray
    data: np.ndarray
    rhs: np.ndarray
    lhs: np.ndarray
    """Row lower bounds (``-inf`` but for equalities)."""
    cost: np.ndarray
    """Per variable, the value it takes from the plan (minimised)."""
    lower: np.ndarray
    upper: np.ndarray


Fixed = list[tuple[int, int, int]]  # a cadre's placements held constant: start, length, unit


class _Rows:
    """Sparse rows and continuous variables, numbered from given offsets."""

    def __init__(self, first_col: int, first_row: int) -> None:
        self.first_col, self.first_row = first_col, first_row
        self.r: list[int] = []
        self.c: list[int] = []
        self.d: list[float] = []
        self.rhs: list[float] = []
        self.lhs: list[float] = []
        self.cost: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []

    def var(self, cost: float, lower: float, upper: float) -> int:
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        return self.first_col + len(self.cost) - 1

    def row(self, terms: Iterable[tuple[int, float]], bound: float, *, equal: bool = False) -> None:
        """Add ``terms <= bound`` (``== bound`` with ``equal``)."""
        n = self.first_row + len(self.rhs)
        for col, coef in terms:
            self.r.append(n)
            self.c.append(col)
            self.d.append(coef)
        self.rhs.append(bound)
        self.lhs.append(bound if equal else -np.inf)

    def block(self) -> SequenceBlock:
        return SequenceBlock(
            rows=np.array(self.r, dtype=np.int64),
            cols=np.array(self.c, dtype=np.int64),
            data=np.array(self.d, dtype=float),
            rhs=np.array(self.rhs, dtype=float),
            lhs=np.array(self.lhs, dtype=float),
            cost=np.array(self.cost, dtype=float),
            lower=np.array(self.lower, dtype=float),
            upper=np.array(self.upper, dtype=float),
        )


class Terms:
    """The sequence terms of one option model, built when first needed (internal).

    The placements ``state`` holds for the cadres with options in ``cand``
    are kept as constants when the model is made, so the state may change
    afterwards. :meth:`price` counts the terms of a choice of options
    directly, without the linear form.
    """

    def __init__(
        self, comp: Compiled, state: State, cand: np.ndarray, first_col: int, first_row: int
    ) -> None:
        self.comp, self.cand = comp, cand
        self.first_col, self.first_row = first_col, first_row
        cadres = np.unique(comp.oc[cand]).tolist()
        self.held = {c: tuple(state.by_cadre.get(c, ())) for c in cadres}
        self.count = {(c, k): n for (c, k), n in state.count.items() if c in self.held}
        self._block: SequenceBlock | None = None

    @property
    def block(self) -> SequenceBlock:
        """The linear form (:func:`sequence_block`)."""
        if self._block is None:
            self._block = sequence_block(self)
        return self._block

    def price(self, chosen: np.ndarray) -> float:
        """Return the terms of the model's cadres with options ``cand[chosen]`` taken."""
        keys = {c: list(held) for c, held in self.held.items()}
        for o in self.cand[chosen].tolist():
            key = self.comp.key(o)
            keys[key[0]].append(key)
        return sum(cadre_cost(self.comp, mine) for mine in keys.values())


def sequence_block(terms: Terms) -> SequenceBlock:
    """Return the linear form of the sequence terms over options ``terms.cand``.

    The placements held are constants. Each cadre with options who may hold
    two placements or more gets the path of :func:`_path`. Every variable is
    continuous; with binary options each settles on an integer. Variables
    are numbered from ``first_col``, rows from ``first_row``.
    """
    comp, cand = terms.comp, terms.cand
    out = _Rows(terms.first_col, terms.first_row)
    oc = comp.oc[cand]
    order = np.argsort(oc, kind="stable")
    bounds = [*np.searchsorted(oc[order], np.unique(oc)).tolist(), len(order)]
    for lo, hi in itertools.pairwise(bounds):
        js = order[lo:hi].tolist()
        c = int(oc[js[0]])
        fixed = sorted((s, length, int(comp.pu[p])) for _c, p, _k, s, length in terms.held[c])
        if len(fixed) + _most_new(comp, terms.count, c, cand[js]) >= 2:
            _path(comp, cand, js, fixed, out)
    return out.block()


def _most_new(comp: Compiled, count: dict[tuple[int, int], int], c: int, opts: np.ndarray) -> int:
    """Return the most placements cadre ``c`` may add among options ``opts``."""
    room = sum(int(comp.pmax[k]) - count.get((c, k), 0) for k in np.unique(comp.ok[opts]).tolist())
    return min(room, len(np.unique(comp.os[opts])))


def _path(comp: Compiled, cand: np.ndarray, js: list[int], fixed: Fixed, out: _Rows) -> None:
    """Add one cadre's timeline as a unit of flow through time.

    Nodes: ``ns[t]`` (no placement started before ``t``) and ``fr[t, u]``
    (free at ``t``, the last placement in unit ``u``; one unit for all when
    changes cost nothing). Arcs: ``ns[t] -> ns[t+1]``; ``fr[t, u] ->
    fr[t+1, u]``, a waiting period; per placement from ``s`` to ``e`` in unit
    ``v``, ``ns[s] -> fr[e, v]`` and ``fr[s, u] -> fr[e, v]``, a unit change
    when ``u != v``. One unit enters ``ns`` at the first start; no node sends
    out more than it receives (flow may stop anywhere: the plan has ended);
    an option's arcs carry exactly its ``x`` (a constant placement's, 1).
    With binary options the flow is the cadre's one path through their
    placements, so the arcs' costs are the terms exactly; the relaxation is
    a network's, tighter than linking each pair of placements.
    """
    problem = comp.problem
    change, wait = float(problem.unit_change_cost), float(problem.waiting_cost)
    start, length, unit = comp.os[cand], comp.ol[cand], comp.pu[comp.op[cand]]
    # (start, end, unit, column or -1 for a constant placement)
    items = [(int(start[j]), int(start[j] + length[j]), int(unit[j]), j) for j in js]
    items += [(s, s + n, u, -1) for s, n, u in fixed]
    if not change:
        items = [(s, e, 0, j) for s, e, _u, j in items]
    t0, last = min(s for s, *_ in items), max(s for s, *_ in items)
    # free nodes: from a unit's first end to the last start
    first_end: dict[int, int] = {}
    for _s, e, u, _j in items:
        first_end[u] = min(first_end.get(u, e), e)
    nodes: dict[tuple[int, int], int] = {}  # (t, u) -> row; u == -1 for ns
    balance: dict[int, list[tuple[int, float]]] = {}

    def node(t: int, u: int) -> int | None:
        if u >= 0 and not first_end[u] <= t <= last:
            return None
        if u < 0 and not t0 <= t <= last:
            return None
        if (t, u) not in nodes:
            nodes[t, u] = len(nodes)
            balance[nodes[t, u]] = []
        return nodes[t, u]

    def arc(tail: int | None, head: int | None, cost: float) -> int | None:
        if tail is None:
            return None
        col = out.var(cost, 0.0, 1.0)
        balance[tail].append((col, 1.0))
        if head is not None:
            balance[head].append((col, -1.0))
        return col

    for t in range(t0, last):
        arc(node(t, -1), node(t + 1, -1), 0.0)
        for u in first_end:
            arc(node(t, u), node(t + 1, u), wait)
    for s, e, v, j in items:
        cols = [arc(node(s, -1), node(e, v), 0.0)]
        cols += [arc(node(s, u), node(e, v), change * (u != v)) for u in first_end]
        _carry(out, [c for c in cols if c is not None], j)
    source = nodes.get((t0, -1))
    for row in nodes.values():
        if balance[row]:
            out.row(balance[row], 1.0 if row == source else 0.0)


def _carry(out: _Rows, arcs: list[int], j: int) -> None:
    """Make ``arcs`` carry exactly option ``j``'s ``x`` (``j < 0``: a constant 1)."""
    if j >= 0:
        out.row([*((c, 1.0) for c in arcs), (j, -1.0)], 0.0, equal=True)
    else:
        out.row([(c, 1.0) for c in arcs], 1.0, equal=True)
