"""The integer program over placement options, solved with scipy's HiGHS.

Used three ways: on the whole problem when it is small (exact), on small
neighbourhoods during improvement (exact sub-solves), and relaxed (LP) for a
bound. Variables are one binary per option plus, per (cadre, program) still
short of its minimum, a counter ``z`` of placements toward that minimum, and
per (post, period) short of its staffing minimum a counter ``w`` of the
cadres placed there toward it, and continuous variables for the sequence
terms (``_sequence.sequence_block``) when the problem weighs them. The
objective is lexicographic through a weight ``M`` larger than any change in
total value, so the first level (placements toward minimums) always wins.
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple

import numpy as np

from ._compile import Compiled
from ._construct import State
from ._sequence import SequenceBlock, Terms, has_sequence_terms

__all__ = [
    "Model",
    "Solution",
    "aggregate_bound",
    "build_model",
    "run_milp",
    "solve_model",
    "staffing_supply",
]


class Model:
    """Sparse constraint data of an option model (internal).

    The rows given (the rules and the counters) are kept in ``first``; with
    ``terms`` the sequence terms' rows and continuous variables follow them,
    built when first used (``rhs``, ``lhs`` and the bounds cover both).
    """

    def __init__(  # noqa: PLR0917
        self,
        cand: np.ndarray,
        rows: np.ndarray,
        cols: np.ndarray,
        rhs: np.ndarray,
        data: np.ndarray,
        zkeys: list[tuple[int, int]],
        zub: np.ndarray,
        values: np.ndarray,
        weight: float,
        wub: np.ndarray | None = None,
        terms: Terms | None = None,
    ) -> None:
        self.cand = cand
        self.first = (rows, cols, data, rhs)
        self.zkeys = zkeys
        self.zub = zub
        self.values = values
        self.weight = weight
        self.wub = np.zeros(0) if wub is None else wub
        self.terms = terms
        self.first_rows = len(rhs)
        """Rows before the sequence terms' (which come last)."""

    def _block(self) -> SequenceBlock | None:
        return None if self.terms is None else self.terms.block

    @property
    def seq_cost(self) -> np.ndarray:
        block = self._block()
        return np.zeros(0) if block is None else block.cost

    @property
    def rhs(self) -> np.ndarray:
        block = self._block()
        return self.first[3] if block is None else np.concatenate([self.first[3], block.rhs])

    @property
    def lhs(self) -> np.ndarray:
        """Row lower bounds: ``-inf`` but for the sequence terms' equalities."""
        block = self._block()
        lhs = np.full(self.first_rows, -np.inf)
        return lhs if block is None else np.concatenate([lhs, block.lhs])

    @property
    def n_counters(self) -> int:
        """Counters of the first level: ``z`` then ``w``."""
        return len(self.zkeys) + len(self.wub)

    @property
    def n_vars(self) -> int:
        """Options, then counters, then the sequence terms' continuous variables."""
        return len(self.cand) + self.n_counters + len(self.seq_cost)

    def costs(self, *, first: bool = True) -> np.ndarray:
        """Return the costs to minimise for one level of the objective.

        ``first``: the counters, weighted above any change in value, then
        the value of the options (the sequence terms do not count: they are
        a second solve's, with the first level fixed). Otherwise the value
        less the sequence terms.
        """
        n_seq = len(self.seq_cost)
        if first:
            return np.concatenate(
                [-self.values, np.full(self.n_counters, -self.weight), np.zeros(n_seq)]
            )
        return np.concatenate([-self.values, np.zeros(self.n_counters), self.seq_cost])

    def lower(self) -> np.ndarray:
        """Return every variable's lower bound."""
        block = self._block()
        first = np.zeros(len(self.cand) + self.n_counters)
        return first if block is None else np.concatenate([first, block.lower])

    def upper(self) -> np.ndarray:
        """Return every variable's upper bound."""
        block = self._block()
        first = np.concatenate([np.ones(len(self.cand)), self.zub, self.wub])
        return first if block is None else np.concatenate([first, block.upper])

    def integrality(self) -> np.ndarray:
        """Return 1 for the integer variables (options, counters), 0 for the others."""
        n_int = len(self.cand) + self.n_counters
        return np.concatenate([np.ones(n_int, np.int64), np.zeros(len(self.seq_cost), np.int64)])


def _family(
    keys: np.ndarray, cols: np.ndarray, rhs_of: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group (key, column) incidences into rows; drop rows that cannot bind."""
    if len(keys) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    uniq, inv = np.unique(keys, return_inverse=True)
    rhs = np.asarray(rhs_of(uniq), dtype=float)
    counts = np.bincount(inv, minlength=len(uniq))
    binding = counts > rhs
    if not binding.any():
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    new_id = np.cumsum(binding) - 1
    keep = binding[inv]
    return new_id[inv[keep]], cols[keep], rhs[binding]


def build_model(comp: Compiled, state: State, cand: np.ndarray, cadres: np.ndarray) -> Model:
    """Build the model over candidate options ``cand`` given the rest of ``state``.

    ``cand`` must hold options that are individually feasible against ``state``;
    ``cadres`` are the cadres whose (cadre, program) minimum counters are free.
    """
    horizon = comp.horizon
    nk = max(1, len(comp.prog_names))
    n_p = len(comp.post_ids)
    n_cat = max(1, len(comp.categories))
    c = comp.oc[cand]
    p = comp.op[cand]
    k = comp.ok[cand]
    s = comp.os[cand]
    length = comp.ol[cand]
    j = np.arange(len(cand))
    # period incidences
    rep = np.repeat(j, length)
    offs = np.arange(len(rep)) - np.repeat(np.cumsum(length) - length, length)
    t = s[rep] + offs
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    rhs: list[np.ndarray] = []
    data: list[np.ndarray] = []
    base = 0

    def push(fam: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        nonlocal base
        r, cc, b = fam
        rows.append(r + base)
        cols.append(cc)
        data.append(np.ones(len(cc)))
        rhs.append(b)
        base += len(b)

    # one post per cadre per period
    push(_family(c[rep] * horizon + t, rep, lambda u: np.ones(len(u))))
    # post capacity
    pres = comp.pcap_t - state.pload
    push(_family(p[rep] * horizon + t, rep, lambda u: pres[u // horizon, u % horizon]))
    # home staffing
    ures = comp.away_limit[:, None] - state.uaway
    cu = comp.cunit[c]
    push(_family(cu[rep] * horizon + t, rep, lambda u: ures[u // horizon, u % horizon]))
    # maximum placements per (cadre, program)
    ck = c * nk + k
    pmax = comp.pmax

    def count_rhs(u: np.ndarray) -> np.ndarray:
        return np.array(
            [pmax[x % nk] - state.count[int(x // nk), int(x % nk)] for x in u.tolist()],
            dtype=float,
        )

    push(_family(ck, j, count_rhs))
    # no repeated post
    rep_mask = comp.prepeat[k]
    if rep_mask.any():
        push(_family((ck * n_p + p)[rep_mask], j[rep_mask], lambda u: np.ones(len(u))))
    # one per category
    cat_mask = comp.ponecat[k]
    if cat_mask.any():
        key = ck * n_cat + comp.pcat[p]
        push(_family(key[cat_mask], j[cat_mask], lambda u: np.ones(len(u))))
    # most placements per unit for one cadre
    unit_lim = comp.punitmax[k]
    if (unit_lim >= 0).any():
        sel = np.flatnonzero(unit_lim >= 0)
        n_pu = int(comp.pu.max()) + 1
        ukey = ck[sel] * n_pu + comp.pu[p[sel]]

        def unit_rhs(u: np.ndarray) -> np.ndarray:
            ci, ki, gi = u // (nk * n_pu), (u // n_pu) % nk, u % n_pu
            used = [
                state.used_unit[int(a), int(b), int(g)] for a, b, g in zip(ci, ki, gi, strict=True)
            ]
            left: np.ndarray = comp.punitmax[ki] - np.array(used, dtype=np.int64)
            return left

        push(_family(ukey, sel, unit_rhs))
    # gap between placements (extended windows may not overlap)
    gap = comp.pgap[k]
    if (gap > 0).any():
        sel = np.flatnonzero(gap > 0)
        ext_end = np.minimum(s[sel] + length[sel] - 1 + gap[sel], horizon - 1)
        ext_len = ext_end - s[sel] + 1
        erep = np.repeat(sel, ext_len)
        eoff = np.arange(len(erep)) - np.repeat(np.cumsum(ext_len) - ext_len, ext_len)
        et = s[erep] + eoff
        push(_family(ck[erep] * horizon + et, erep, lambda u: np.ones(len(u))))
    cat = comp.pcat[p]
    # career limits: this program's placements in a category, after past postings
    limit = comp.pcareer[k, cat]
    lim_mask = limit >= 0
    if lim_mask.any():
        ckg = ck * n_cat + cat

        def career_rhs(u: np.ndarray) -> np.ndarray:
            ci, ki, gi = u // (nk * n_cat), (u // n_cat) % nk, u % n_cat
            used = [
                state.used_cat[int(a), int(b), int(g)] for a, b, g in zip(ci, ki, gi, strict=True)
            ]
            left: np.ndarray = comp.pcareer[ki, gi] - comp.hist_count[ci, gi] - np.array(used)
            return left

        push(_family(ckg[lim_mask], j[lim_mask], career_rhs))
    # cooldowns: extended windows of one (cadre, program, category) may not overlap
    idle = comp.pcool[k, cat]
    if (idle > 0).any():
        sel = np.flatnonzero(idle > 0)
        ext_end = np.minimum(s[sel] + length[sel] - 1 + idle[sel], horizon - 1)
        ext_len = ext_end - s[sel] + 1
        erep = np.repeat(sel, ext_len)
        eoff = np.arange(len(erep)) - np.repeat(np.cumsum(ext_len) - ext_len, ext_len)
        et = s[erep] + eoff
        ekey = ((ck[erep] * n_cat + cat[erep]) * horizon) + et
        push(_family(ekey, erep, lambda u: np.ones(len(u))))
    # precedence: a placement in the first program keeps out the second's earlier starts
    if comp.prec:
        base += _precedence_rows(comp, cand, base, rows, cols, data, rhs)
    # counters toward minimums
    cadre_set = set(cadres.tolist())
    zkeys: list[tuple[int, int]] = []
    zub: list[float] = []
    for key in np.unique(ck).tolist():
        ci, ki = divmod(int(key), nk)
        if ci not in cadre_set or not comp.prog_elig[ki, ci]:
            continue
        short = int(comp.pmin[ki]) - state.count[ci, ki]
        if short > 0:
            zkeys.append((ci, ki))
            zub.append(float(short))
    n_x = len(cand)
    if zkeys:
        zcol = {key: n_x + i for i, key in enumerate(zkeys)}
        zk = np.array(
            [zcol.get((int(a), int(b)), -1) for a, b in zip(c.tolist(), k.tolist(), strict=True)],
            dtype=np.int64,
        )
        has = zk >= 0
        # each counter is at most the placements it counts
        rows.append(base + zk[has] - n_x)
        cols.append(j[has])
        data.append(-np.ones(int(has.sum())))
        rows.append(base + np.arange(len(zkeys), dtype=np.int64))
        cols.append(n_x + np.arange(len(zkeys), dtype=np.int64))
        data.append(np.ones(len(zkeys)))
        rhs.append(np.zeros(len(zkeys)))
        base += len(zkeys)
    wub, base = _staffing_rows(
        comp, state, (rep, p[rep] * horizon + t), n_x + len(zkeys), base, (rows, cols, data, rhs)
    )
    values = comp.ov[cand]
    weight = 1.0
    if len(values):
        uniq_ck, inv = np.unique(ck, return_inverse=True)
        top = np.zeros(len(uniq_ck))
        np.maximum.at(top, inv, np.abs(values))
        weight = 1.0 + float(np.sum(top * comp.pmax[uniq_ck % nk]))
    terms = None
    if has_sequence_terms(comp) and n_x:
        terms = Terms(comp, state, cand, n_x + len(zkeys) + len(wub), base)
    return Model(
        cand=cand,
        rows=np.concatenate(rows) if rows else np.zeros(0, np.int64),
        cols=np.concatenate(cols) if cols else np.zeros(0, np.int64),
        rhs=np.concatenate(rhs) if rhs else np.zeros(0),
        data=np.concatenate(data) if data else np.zeros(0),
        zkeys=zkeys,
        zub=np.array(zub),
        values=values,
        weight=weight,
        wub=wub,
        terms=terms,
    )


def _staffing_rows(  # noqa: PLR0917
    comp: Compiled,
    state: State,
    incidence: tuple[np.ndarray, np.ndarray],
    first_col: int,
    base: int,
    out: tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray], list[np.ndarray]],
) -> tuple[np.ndarray, int]:
    """Append ``w - sum(x covering the post-period) <= 0`` per post-period short of staff.

    ``incidence`` holds (column, post * horizon + period) of every period an
    option occupies. Returns the counters' upper bounds (what each minimum
    still lacks after ``state``'s placements) and the next row.
    """
    rows, cols, data, rhs = out
    short = (comp.need - state.pload).clip(min=0).ravel()
    col, key = incidence
    if not short.any() or len(key) == 0:
        return np.zeros(0), base
    hit = short[key] > 0
    uniq, inv = np.unique(key[hit], return_inverse=True)
    n_w = len(uniq)
    rows.append(base + inv)
    cols.append(col[hit])
    data.append(-np.ones(len(inv)))
    rows.append(base + np.arange(n_w, dtype=np.int64))
    cols.append(first_col + np.arange(n_w, dtype=np.int64))
    data.append(np.ones(n_w))
    rhs.append(np.zeros(n_w))
    return short[uniq].astype(float), base + n_w


def _precedence_rows(  # noqa: PLR0917
    comp: Compiled,
    cand: np.ndarray,
    base: int,
    rows: list[np.ndarray],
    cols: list[np.ndarray],
    data: list[np.ndarray],
    rhs: list[np.ndarray],
) -> int:
    """Append ``M x_o + sum(x_b) <= M`` per option ``o`` of a first program; return rows.

    The sum runs over the same cadre's options in the second program starting
    no later than ``o`` ends; ``M`` bounds that sum (the second program's
    maximum or the number of such options).
    """
    c, k, s = comp.oc[cand], comp.ok[cand], comp.os[cand]
    end = s + comp.ol[cand] - 1
    n = 0
    for first, then in comp.prec:
        by_cadre: dict[int, np.ndarray] = {}
        seconds = np.flatnonzero(k == then)
        for ci in np.unique(c[seconds]).tolist():
            by_cadre[ci] = seconds[c[seconds] == ci]
        for j in np.flatnonzero(k == first).tolist():
            others = by_cadre.get(int(c[j]))
            if others is None:
                continue
            clash = others[s[others] <= end[j]]
            if len(clash) == 0:
                continue
            big = float(min(int(comp.pmax[then]), len(clash)))
            rows.append(np.full(len(clash) + 1, base + n, dtype=np.int64))
            cols.append(np.concatenate([[j], clash]).astype(np.int64))
            data.append(np.concatenate([[big], np.ones(len(clash))]))
            rhs.append(np.array([big]))
            n += 1
    return n


def _matrix(model: Model, *, first: bool = False) -> Any:
    """Return the model's rows as a sparse matrix (``first``: the first level's alone)."""
    from scipy.sparse import coo_matrix  # noqa: PLC0415

    rows, cols, data, _ = model.first
    n_int = len(model.cand) + model.n_counters
    if first or model.terms is None:
        shape = (model.first_rows, n_int)
        return coo_matrix((data, (rows, cols)), shape=shape).tocsr()
    block = model.terms.block
    return coo_matrix(
        (
            np.concatenate([data, block.data]),
            (np.concatenate([rows, block.rows]), np.concatenate([cols, block.cols])),
        ),
        shape=(model.first_rows + len(block.rhs), model.n_vars),
    ).tocsr()


class Solution(NamedTuple):
    """A solved model (internal)."""

    chosen: np.ndarray
    """Positions in ``cand`` of the options taken."""
    objective: float
    optimal: bool
    timed_out: bool
    """True when the time limit stopped the solver (the result depends on speed)."""


def solve_model(
    model: Model,
    *,
    time_limit: float | None = None,
    node_limit: int | None = None,
    relax: bool = False,
    incumbent: np.ndarray | None = None,
) -> Solution | None:
    """Solve; return the solution or None when no solution was found.

    ``node_limit`` bounds the branch-and-bound work, so a solve that stops
    there gives the same answer on any machine; ``time_limit`` is a safety cap.
    ``incumbent`` (positions in ``cand`` of a feasible plan, such as the
    placements a neighbourhood freed) is returned, without branching, when
    the linear relaxation proves nothing is better by more than a relative
    ``1e-9``.
    A model with sequence terms is solved lexicographically. First without
    them: the first level, then the options' value. That plan is priced with
    the terms, and a second solve maximises the value less the terms with
    the first level kept and the value at least the first plan's. Each solve
    has the node budget; the time cap is shared.
    """
    from scipy.sparse import coo_matrix, vstack  # noqa: PLC0415

    n_x = len(model.cand)
    n_int = n_x + model.n_counters
    if n_int == 0:
        return Solution(np.zeros(0, dtype=np.int64), 0.0, optimal=True, timed_out=False)
    started = time.perf_counter()

    def run(cost: Any, a: Any, sides: Any, box: tuple[Any, Any, Any], known: Any = None) -> Any:
        """Solve over the bounds and integrality in ``box``, in the time left."""
        left = None if time_limit is None else time_limit - (time.perf_counter() - started)
        return run_milp(
            cost, a, sides, *box, time_limit=left, node_limit=node_limit, incumbent=known
        )

    # the first level and the options' value, without the sequence terms' rows and columns
    first_rhs = model.first[3]
    ints = np.zeros(n_int, np.int64) if relax else np.ones(n_int, np.int64)
    res = run(
        model.costs()[:n_int],
        _matrix(model, first=True),
        (np.full(len(first_rhs), -np.inf), first_rhs),
        (np.zeros(n_int), model.upper()[:n_int], ints),
        None if incumbent is None else np.isin(np.arange(n_x), incumbent).astype(float),
    )
    if res.x is None:
        return None
    x = np.asarray(res.x)
    optimal = bool(res.status == 0)
    timed_out = _timed_out(res)
    chosen = np.flatnonzero(x[:n_x] > 0.5)
    terms = 0.0 if model.terms is None or relax else model.terms.price(chosen)
    if terms > 0:
        # the terms take value from the first plan: look for a better one on both levels
        priced = -float(model.values[chosen].sum()) + terms
        value_cost = model.costs(first=False)
        keep = np.zeros(model.n_vars)
        keep[n_x:n_int] = -1.0
        second = run(
            value_cost,
            vstack([_matrix(model), coo_matrix(keep), coo_matrix(value_cost)]).tocsr(),
            (
                np.concatenate([model.lhs, [-np.inf, -np.inf]]),
                np.concatenate(
                    [model.rhs, [0.5 - np.round(x[n_x:n_int].sum()), priced + PRICE_TOL]]
                ),
            ),
            (model.lower(), model.upper(), model.integrality()),
        )
        timed_out = timed_out or _timed_out(second)
        if second.x is not None and second.fun < priced - PRICE_TOL:
            chosen = np.flatnonzero(np.asarray(second.x)[:n_x] > 0.5)
        optimal = optimal and bool(second.status == 0)
    return Solution(chosen, float(-res.fun), optimal=optimal, timed_out=timed_out)


PRICE_TOL = 1e-9
"""A second solve's plan replaces the first only when worth more by this."""


def run_milp(  # noqa: PLR0917
    cost: np.ndarray,
    a: Any,
    sides: tuple[np.ndarray, np.ndarray],
    lower: np.ndarray,
    upper: np.ndarray,
    integrality: np.ndarray,
    *,
    time_limit: float | None,
    node_limit: int | None,
    incumbent: np.ndarray | None = None,
) -> Any:
    """Run scipy's HiGHS on ``sides[0] <= a @ x <= sides[1]``; return its result.

    The linear relaxation goes first: when its optimum is integral it is the
    integer optimum, found without branching, cuts or heuristics. With
    ``incumbent`` (values of the first variables, integral), that plan is
    priced by a second relaxation with those variables fixed, and returned
    when the first relaxation's bound is no better by a relative
    :data:`INTEGRAL_TOL`: nothing is better. Otherwise the MIP runs in the
    time left.
    """
    started = time.perf_counter()
    ints = integrality.astype(bool)
    if ints.any():
        relax = np.zeros_like(integrality)
        relaxed = _highs(cost, a, sides, (lower, upper, relax), time_limit, None)
        if relaxed.status == 0 and relaxed.x is not None:
            x = np.asarray(relaxed.x)
            if np.all(np.abs(x[ints] - np.round(x[ints])) <= INTEGRAL_TOL):
                return relaxed
            if incumbent is not None:
                lo, hi = lower.copy(), upper.copy()
                lo[: len(incumbent)] = hi[: len(incumbent)] = incumbent
                known = _highs(cost, a, sides, (lo, hi, relax), time_limit, None)
                tol = INTEGRAL_TOL * max(1.0, abs(relaxed.fun))
                if known.status == 0 and relaxed.fun >= known.fun - tol:
                    return known
        if time_limit is not None:
            time_limit -= time.perf_counter() - started
    return _highs(cost, a, sides, (lower, upper, integrality), time_limit, node_limit)


INTEGRAL_TOL = 1e-9
"""A relaxation's integer variables within this of integers make its optimum an integer one."""


def _highs(  # noqa: PLR0917
    cost: np.ndarray,
    a: Any,
    sides: tuple[np.ndarray, np.ndarray],
    box: tuple[np.ndarray, np.ndarray, np.ndarray],
    time_limit: float | None,
    node_limit: int | None,
) -> Any:
    from scipy.optimize import Bounds, LinearConstraint, milp  # noqa: PLC0415

    lower, upper, integrality = box
    options: dict[str, Any] = {"mip_rel_gap": 1e-9, "presolve": True}
    if time_limit is not None:
        options["time_limit"] = max(0.05, float(time_limit))
    if node_limit is not None:
        options["node_limit"] = int(node_limit)
    solver: Any = milp
    return solver(
        cost,
        integrality=integrality,
        bounds=Bounds(lower, upper),
        constraints=[LinearConstraint(a, *sides)] if a.shape[0] else [],
        options=options,
    )


def _timed_out(res: Any) -> bool:
    return "time limit" in str(res.message).lower()


def aggregate_bound(
    comp: Compiled, state: State, *, reached: int | None = None
) -> tuple[float, float] | None:
    """Bounds from a relaxation that forgets when placements happen.

    One variable per (cadre, program, post) pair with options: how many
    placements the cadre makes there. Kept rules: maximum placements, no
    repeat, one per category, the cadre's free periods, each post's
    post-periods over the horizon and each unit's away-periods over the
    horizon. Every plan maps to a feasible point, so the LP optimum bounds it.
    When a plan already ``reached`` the first level's bound, every optimal plan
    places exactly that many, so the value bound may assume it.
    """
    from scipy.optimize import linprog  # noqa: PLC0415
    from scipy.sparse import coo_matrix  # noqa: PLC0415

    if len(comp.pair_c) == 0:
        return 0.0, 0.0
    nk = max(1, len(comp.prog_names))
    n_p = len(comp.post_ids)
    key = (comp.pair_c * nk + comp.pair_k) * n_p + comp.pair_p
    uniq, inv = np.unique(key, return_inverse=True)
    best = np.full(len(uniq), -np.inf)
    np.maximum.at(best, inv, comp.pair_v)
    c = uniq // (nk * n_p)
    k = (uniq // n_p) % nk
    p = uniq % n_p
    n_y = len(uniq)
    length = comp.plen[k]
    ub_y = np.where(comp.prepeat[k], 1.0, comp.pmax[k].astype(float))
    ck = c * nk + k
    ck_u, ck_inv = np.unique(ck, return_inverse=True)
    zc, zk = ck_u // nk, ck_u % nk
    zub = np.maximum(
        0,
        comp.pmin[zk]
        - np.array(
            [state.count[int(a), int(b)] for a, b in zip(zc.tolist(), zk.tolist(), strict=True)]
        ),
    ).astype(float)
    zub = np.where(comp.prog_elig[zk, zc], zub, 0.0)
    n_z = len(ck_u)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    rhs: list[np.ndarray] = []
    base = 0
    cols_y = np.arange(n_y)

    def add(row_of: np.ndarray, coef: np.ndarray, b: np.ndarray) -> None:
        nonlocal base
        rows.append(base + row_of)
        cols.append(cols_y)
        vals.append(coef)
        rhs.append(b)
        base += len(b)

    used = np.array(
        [state.count[int(a), int(b)] for a, b in zip(zc.tolist(), zk.tolist(), strict=True)]
    )
    add(ck_inv, np.ones(n_y), (comp.pmax[zk] - used).astype(float))
    cat = comp.pcat[p]
    n_cat = max(1, len(comp.categories))
    one = comp.ponecat[k]
    if one.any():
        ckc = ck * n_cat + cat
        u2, i2 = np.unique(ckc, return_inverse=True)
        add(i2, one.astype(float), np.ones(len(u2)))
    limited = comp.pcareer[k, cat] >= 0
    if limited.any():
        ckc = ck * n_cat + cat
        u6, i6 = np.unique(ckc, return_inverse=True)
        c6, k6, g6 = u6 // (nk * n_cat), (u6 // n_cat) % nk, u6 % n_cat
        used6 = [state.used_cat[int(a), int(b), int(g)] for a, b, g in zip(c6, k6, g6, strict=True)]
        left = comp.pcareer[k6, g6] - comp.hist_count[c6, g6] - np.array(used6)
        # unlimited groups get a row that cannot bind
        left = np.where(comp.pcareer[k6, g6] >= 0, left, n_y).astype(float)
        add(i6, limited.astype(float), np.maximum(left, 0.0))
    free = (~comp.unavail).sum(axis=1) - np.array(
        [int(state.cmask[i]).bit_count() for i in range(len(comp.cadre_ids))]
    )
    u3, i3 = np.unique(c, return_inverse=True)
    add(i3, length.astype(float), free[u3].astype(float))
    u4, i4 = np.unique(p, return_inverse=True)
    pres = (comp.pcap_t - state.pload).clip(min=0).sum(axis=1)
    add(i4, length.astype(float), pres[u4].astype(float))
    unit = comp.cunit[c]
    u5, i5 = np.unique(unit, return_inverse=True)
    ures = (comp.away_limit[:, None] - state.uaway).clip(min=0).sum(axis=1)
    add(i5, length.astype(float), ures[u5].astype(float))
    # each counter is at most the placements it counts
    rows.append(base + ck_inv)
    cols.append(cols_y)
    vals.append(-np.ones(n_y))
    rows.append(base + np.arange(n_z))
    cols.append(n_y + np.arange(n_z))
    vals.append(np.ones(n_z))
    rhs.append(np.zeros(n_z))
    base += n_z
    # staffing: per post, at most the post-periods its placements fill
    w_posts, w_ub = _staffing_supply(comp, state)
    n_w = len(w_posts)
    if n_w:
        wrow = np.full(len(comp.post_ids), -1, dtype=np.int64)
        wrow[w_posts] = np.arange(n_w)
        on = wrow[p] >= 0
        rows.append(base + wrow[p[on]])
        cols.append(cols_y[on])
        vals.append(-length[on].astype(float))
        rows.append(base + np.arange(n_w))
        cols.append(n_y + n_z + np.arange(n_w))
        vals.append(np.ones(n_w))
        rhs.append(np.zeros(n_w))
        base += n_w
    n_c = n_z + n_w
    a_ub: Any = coo_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(base, n_y + n_c),
    ).tocsr()
    b_ub = np.concatenate(rhs)
    bounds = np.stack([np.zeros(n_y + n_c), np.concatenate([ub_y, zub, w_ub])], 1)
    out: list[float] = []
    for level in (0, 1):
        if level == 0:
            cost = -np.concatenate([np.zeros(n_y), np.ones(n_c)])
        else:
            cost = -np.concatenate([best, np.zeros(n_c)])
            top = float(np.floor(out[0] + 1e-6))
            if reached is not None and reached >= top:
                from scipy.sparse import vstack  # noqa: PLC0415

                extra = coo_matrix(np.concatenate([np.zeros(n_y), -np.ones(n_c)])[None, :])
                a_ub = vstack([a_ub, extra]).tocsr()
                b_ub = np.concatenate([b_ub, [-(top - 1e-7)]])
            else:
                cost = -np.concatenate([np.maximum(best, 0.0), np.zeros(n_c)])
        res = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")  # type: ignore[call-overload]
        if res.status != 0:
            return None
        out.append(float(-res.fun))
    return out[0], out[1]


def staffing_supply(comp: Compiled, busy: np.ndarray | None = None) -> np.ndarray:
    """Cadres who could hold each post in each period (posts x periods).

    A cadre counts for a post-period when some (cadre, program, post) pair
    with a free window exists and the cadre is free in that period (not
    unavailable, nor ``busy``). Each cadre holds one post per period, so a
    post-period's staffing never exceeds this count.
    """
    n_p, horizon = len(comp.post_ids), comp.horizon
    out = np.zeros((n_p, horizon), dtype=np.int64)
    if len(comp.pair_c) == 0 or horizon == 0:
        return out
    pairs = np.unique(comp.pair_p * max(1, len(comp.cadre_ids)) + comp.pair_c)
    pp, cc = pairs // max(1, len(comp.cadre_ids)), pairs % max(1, len(comp.cadre_ids))
    free = ~comp.unavail
    if busy is not None:
        free = free & ~busy
    np.add.at(out, pp, free[cc].astype(np.int64))
    return out


def _staffing_supply(comp: Compiled, state: State) -> tuple[np.ndarray, np.ndarray]:
    """Return the posts still short of staff and the most staffing placements can add."""
    short = (comp.need - state.pload).clip(min=0)
    if not short.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    horizon = comp.horizon
    busy = np.array(
        [[(int(m) >> t) & 1 for t in range(horizon)] for m in state.cmask], dtype=bool
    ).reshape(len(state.cmask), horizon)
    room = np.minimum(short, staffing_supply(comp, busy)).sum(axis=1)
    posts = np.flatnonzero(room > 0)
    return posts.astype(np.int64), room[posts].astype(float)
