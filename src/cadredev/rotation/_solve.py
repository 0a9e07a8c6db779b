"""``schedule`` and ``replan``: the tiered solver behind one function each."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable

import attrs
import numpy as np

from cadredev._validate import Seed, check_seed
from cadredev.errors import InfeasibleError, InvalidInputError
from cadredev.events import Event, Left, PlacementEnded, PostClosed

from ._compile import Compiled, compile_problem
from ._construct import Key, State, fitting, greedy
from ._counting import counting_bound
from ._effort import Effort, effort_of
from ._fair import (
    at_least,
    cadre_values,
    check_objective,
    ideal_values,
    solve_fair,
    state_share,
)
from ._improve import Search, improve
from ._lagrange import lagrange_seconds, lagrangian_bound
from ._limits import Limits, fit_effort, solver_limits
from ._mip import aggregate_bound, build_model, solve_model
from ._plan import Bound, RotationPlan, evaluate, plan_labels, understaffed
from ._problem import RotationProblem
from ._records import Assignment
from ._sequence import score
from ._unplaced import unplaced_reasons

__all__ = ["replan", "schedule"]

MAX_OPTIONS = 2_500_000
"""Beyond this many options they are pruned: some posts per cadre, some cadres per post."""
AGGREGATE_PAIRS = 250_000
"""Problems with at most this many (cadre, program, post) pairs get an LP bound."""
DEFAULT_TIME_LIMIT = 60.0
"""Safety cap in seconds when ``time_limit`` is not given."""
CAPPED = ", time limit"
"""Appended to ``RotationPlan.method`` when the time cap cut the search short."""


MAX_MOVES = 2_000
"""Neighbourhood moves at most, whatever the size."""
PATIENCE = 30
"""Moves in a row without a significant gain that end the search (more for
large problems, where each move touches a smaller share of the plan)."""


def search_budget(n_cadres: int, effort: Effort | None = None) -> tuple[int, int]:
    """Neighbourhood moves at most, and moves without progress before stopping.

    The budget grows with the number of cadres, so the work, not the clock,
    decides when the search ends; ``effort`` scales both figures.
    """
    max_iters = max(20, min(MAX_MOVES, 4 * n_cadres))
    patience = max(PATIENCE, n_cadres // 40)
    if effort is None:
        return max_iters, patience
    return max(1, round(max_iters * effort.moves)), max(1, round(patience * effort.patience))


def _check_options(
    seed: object, time_limit: object, effort: object, where: str
) -> tuple[Seed, Effort]:
    checked = check_seed(seed, where=where)
    if time_limit is not None and (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, int | float)
        or not time_limit > 0
    ):
        raise InvalidInputError(
            f"{where}: time_limit must be a positive number of seconds or None, got {time_limit!r}"
        )
    return checked, effort_of(effort, where)


def _key(comp: Compiled, a: Assignment) -> Key:
    c, p, k = comp.index_assignment(a)
    return (c, p, k, a.start, a.length)


def _solve(
    problem: RotationProblem,
    fixed: tuple[Assignment, ...],
    *,
    seed: Seed,
    effort: Effort,
    min_start: int = 0,
    exclude: Iterable[str] = (),
    closed: dict[str, int] | None = None,
    fair: bool = False,
    limits: Limits,
) -> tuple[tuple[Assignment, ...], Bound | None, str, Compiled, State, Search, float | None]:
    # leave room for the bound and the plan record after the search
    deadline = limits.started + 0.85 * (limits.time_limit or DEFAULT_TIME_LIMIT)
    exclude = tuple(exclude)
    comp = compile_problem(
        problem,
        min_start=min_start,
        exclude_cadres=exclude,
        closed=closed,
        prune_above=MAX_OPTIONS,
        limits=limits,
        fit=True,
    )
    want_lp = len(comp.pair_c) <= AGGREGATE_PAIRS and not exclude
    effort, lp_fits = fit_effort(effort, comp, limits.memory, lp=want_lp)
    if not lp_fits and not exclude:
        deadline -= lagrange_seconds(len(comp.pair_c))  # leave the bound its time
    state = State(comp)
    cidx, pidx, kidx = comp._cidx, comp._pidx, comp._kidx  # noqa: SLF001
    ideal = _ideal(problem, comp, exclude, plain=min_start == 0 and not closed) if fair else None
    fixed_keys: set[Key] = set()
    for a in fixed:
        key = (cidx[a.cadre_id], pidx[a.post_id], kidx[a.program], a.start, a.length)
        if key not in state.chosen:
            state.add(*key)
        fixed_keys.add(key)
    built = greedy(comp, state, deadline=deadline)
    method = "heuristic"
    bound: Bound | None = None
    base = State(comp)
    for key in fixed_keys:
        base.add(*key)
    small = comp.n_options <= effort.exact_options
    feasible_opts = np.array(
        fitting(comp, base, np.arange(comp.n_options if small else 0)), dtype=np.int64
    )
    search = Search() if built else Search(capped=True, stopped="time limit")
    share_bound: float | None = None  # from the whole-problem fair solve
    exact_tried = built and 0 < comp.n_options <= effort.exact_options and not comp.pruned
    if exact_tried:
        model = build_model(comp, base, feasible_opts, np.arange(len(comp.cadre_ids)))
        # with a search to follow, leave it time should the MIP not finish
        share = 0.6 if effort.polish else 1.0
        mip_time = max(0.1, share * (deadline - time.perf_counter()))
        if ideal is None:
            result = solve_model(model, time_limit=mip_time, node_limit=effort.exact_nodes)
        else:
            result, _, share_bound = solve_fair(
                model,
                comp,
                ideal,
                cadre_values(comp, fixed_keys),
                time_limit=mip_time,
                node_limit=effort.exact_nodes,
            )
        if result is not None and result.timed_out:
            search = Search(capped=True, stopped="time limit")
        elif result is None or not result.optimal:
            search = Search(stopped="work budget")  # the MIP's node budget
        if result is not None:
            keys = [comp.key(int(feasible_opts[pos])) for pos in result.chosen.tolist()]
            trial = State(comp)
            for key in fixed_keys:
                trial.add(*key)
            ok = True
            for key in keys:
                if not trial.feasible(*key):
                    ok = False
                    break
                trial.add(*key)
            if ok and _at_least(comp, trial, state, ideal):
                state = trial
                if result.optimal:
                    method = "exact"
    # search unless the construction ran out of time or the exact solve settled it
    searching = built and (
        not exact_tried or (effort.polish and method != "exact" and not search.capped)
    )
    if comp.n_options == 0:
        method = "exact"
    elif searching and time.perf_counter() > deadline:
        search = Search(capped=True, stopped="time limit")
    elif searching:
        rng = np.random.default_rng(seed)
        max_iters, patience = search_budget(len(comp.cadre_ids), effort)
        search = improve(
            comp,
            state,
            fixed_keys,
            rng=rng,
            deadline=deadline,
            max_iters=max_iters,
            patience=patience,
            node_limit=effort.node_limit,
            size=effort.size,
            per_cadre=effort.per_cadre,
            ideal=ideal,
            window=effort.window,
        )
    if search.capped:
        method += CAPPED
    assignments = tuple(sorted(_to_assignment(comp, key) for key in state.chosen))
    objective = evaluate(problem, assignments)
    achieved = None if ideal is None else state_share(cadre_values(comp, state.chosen), ideal)
    if method == "exact":
        bound = Bound(
            placed=objective.placed, value=objective.value, method="optimal", share=achieved
        )
    elif lp_fits:
        lp = aggregate_bound(comp, base, reached=objective.placed - base.placed())
        if lp is not None:
            bound = Bound(
                placed=int(np.floor(lp[0] + 1e-6)) + base.placed(),
                value=round(lp[1] + _fixed_value(problem, fixed), 9),
                method="lp",
            )
    if bound is None and not exclude:
        counted = counting_bound(problem, comp)
        bound = Bound(placed=counted.placed, value=counted.value, method="counting")
        priced = lagrangian_bound(problem, comp, reached=objective.value)
        if priced < counted.value:
            bound = attrs.evolve(bound, value=priced, method="lagrangian")
    if bound is not None and share_bound is not None and method != "exact":
        # the share solve's dual bound, for plans reaching its first level
        bound = attrs.evolve(bound, share=max(share_bound, achieved or 0.0))
    return assignments, bound, method, comp, state, search, achieved


def _ideal(
    problem: RotationProblem, comp: Compiled, exclude: tuple[str, ...], *, plain: bool
) -> np.ndarray:
    """Ideal values per cadre (see ``_fair``); cadres in ``exclude`` get none."""
    ideal = ideal_values(problem, comp if plain and not exclude else None)
    index = comp._cidx  # noqa: SLF001
    for cid in exclude:
        if cid in index:
            ideal[index[cid]] = 0.0
    return ideal


def _at_least(comp: Compiled, a: State, b: State, ideal: np.ndarray | None) -> bool:
    """Tell whether ``a`` is at least as good as ``b`` on the chosen objective."""
    if ideal is None:
        return _score(comp, a) >= _score(comp, b)
    return at_least(_fair_score(comp, a, ideal), _fair_score(comp, b, ideal))


def _fair_score(comp: Compiled, state: State, ideal: np.ndarray) -> tuple[int, float, float]:
    placed, value = _score(comp, state)
    return placed, state_share(cadre_values(comp, state.chosen), ideal), value


def _stopped(method: str, comp: Compiled, search: Search) -> str:
    if method.startswith("exact"):
        why = "nothing to place" if comp.n_options == 0 else "proved optimal"
    else:
        why = search.stopped or "no progress"
    return "; ".join([why, *comp.notes])


def _to_assignment(comp: Compiled, key: Key) -> Assignment:
    c, p, k, s, length = key
    return Assignment(
        cadre_id=comp.cadre_ids[c],
        post_id=comp.post_ids[p],
        program=comp.prog_names[k],
        start=s,
        length=length,
        # only kept placements that events cut short are shorter than the program's
        ended_early=length < int(comp.plen[k]),
    )


def _score(comp: Compiled, state: State) -> tuple[int, float]:
    placed, value = score(comp, state)
    return placed, round(value, 9)


def _fixed_value(problem: RotationProblem, fixed: tuple[Assignment, ...]) -> float:
    return sum(problem.value_of(a) for a in fixed)


def schedule(
    problem: RotationProblem,
    *,
    seed: Seed = None,
    time_limit: float | None = None,
    effort: str | int = "default",
    strict: bool = False,
    objective: str = "total",
    memory_limit: int | None = None,
) -> RotationPlan:
    """Make a rotation plan that breaks no hard rule.

    Small problems (a few thousand placement options) are solved exactly with
    scipy's HiGHS MIP. Larger ones are built greedily (program minimums first,
    scarcest cadres first, then by value) and improved by large-neighbourhood
    search: a few cadres at a time are freed and re-placed optimally by the MIP.

    The search runs on a work budget, not on the clock: at most a number of
    neighbourhood moves that grows with the number of cadres, ending earlier
    after 30 moves (one per 40 cadres on large problems) in a row without a
    significant gain (a placement more, or a value gain above 0.01 % of the
    plan's value), and every MIP solve is limited by a number of
    branch-and-bound nodes. The plan therefore depends only on the problem
    and the seed, not on the machine's speed.

    Staffing minimums (``RotationProblem.min_staffing``) are soft: each
    cadre placed toward a post-period's minimum counts in the first level of
    the objective like a placement toward a programme minimum, so the solver
    weighs one against the other, never against benefit. What stays short is
    in ``plan.understaffed``; ``strict`` does not look at it.

    Sequence terms (``RotationProblem.unit_change_cost`` and
    ``waiting_cost``) lower the value only: each exact solve first finds the
    best first level and benefit, then the best value less the terms with
    that first level kept. Bounds ignore them, so they stay valid.

    Parameters
    ----------
    problem
        The problem.
    seed
        ``None``, an integer >= 0 or a :class:`numpy.random.Generator` for the
        neighbourhood choice; equal seeds give equal plans whatever the input
        order, unless ``time_limit`` cuts the work short.
    time_limit
        A safety cap in seconds (default 60): the search stops there even if
        its work budget is not spent. When the cap is hit, the plan may depend
        on machine speed, and ``plan.method`` ends with ``", time limit"``.
    effort
        How much work the search may do: ``"fast"``, ``"default"`` or
        ``"thorough"``, or an integer ``n`` (``n`` times the default's moves
        and patience). Higher levels search longer and send larger problems
        (up to 12,000 placement options) to one exact MIP. ``"thorough"``
        (with ``objective="total"``) also alternates its neighbourhoods of a
        few cadres with windows: every placement touching a run of periods
        (on all posts, or on some categories of posts) is freed and the
        window re-solved exactly, which tight problems (each cadre's periods
        nearly full) need.
        Every level is a count of work, so the plan stays deterministic.
        ``plan.work`` and ``plan.stopped_because`` say what was done.
    strict
        Raise :class:`~cadredev.InfeasibleError` instead of returning a plan
        with unmet minimums.
    objective
        ``"total"`` (the default): after the first level, maximise total
        value. ``"fair"``: after the first level (unchanged), maximise the
        smallest benefit share over cadres (each cadre's value divided by
        their ideal value, see :meth:`RotationPlan.benefit_shares`), then
        total value. Exact on the MIP path: the share level is a continuous
        ``t <= share`` per cadre maximised with the first level fixed, then
        value is maximised with ``t`` kept within ``1e-6`` of its optimum
        (the solver's tolerances); the share solve has a fiftieth of the
        MIP's node budget and, when it stops there, its dual bound becomes
        ``plan.bound.share``. The search compares plans by (first level,
        smallest share, value) and has no bound of its own on the share:
        without the MIP's, ``plan.bound.share`` is ``None`` and ``plan.gap``
        is ``inf`` once the bound's placements are reached.
        ``plan.min_share`` reports the smallest share.
    memory_limit
        Bytes the solver may use (default: a quarter of the machine's
        physical memory, 4 GiB where it cannot be read). Placement options are
        counted and checked against it before any is made; beyond it each
        cadre keeps fewer posts, and the whole-problem MIP, the LP
        bound and large neighbourhoods are skipped or made smaller where
        their estimates exceed it. ``plan.stopped_because`` says so. Give
        it explicitly for plans that do not depend on the machine.

    Returns
    -------
    RotationPlan
        Always valid; unmet minimums are in ``unplaced`` with a reason, unmet
        staffing minimums in ``understaffed``.
        ``method`` is ``"exact"`` (proved optimal), ``"heuristic"``, or
        ``"heuristic, time limit"`` when the time cap ended the work early.

    Raises
    ------
    InvalidInputError
        When even a few posts per cadre need more than ``memory_limit``,
        or compiling outlasts ``time_limit`` (compiling may use 1 s
        whatever the limit): the message gives the figures and what to do.
    InfeasibleError
        With ``strict=True`` when some minimum is not met; ``conflicts`` holds
        the :func:`diagnose` findings (or the unplaced records).

    Examples
    --------
    >>> from cadredev.rotation import schedule
    >>> from cadredev.datasets import tiny_rotation_problem
    >>> plan = schedule(tiny_rotation_problem(), seed=1)
    >>> [(a.cadre_id, a.post_id, a.start) for a in plan.assignments]
    [('a', 'p1', 2), ('b', 'p2', 0), ('c', 'p1', 0)]
    >>> plan.method, plan.gap
    ('exact', 0.0)
    >>> plan.stopped_because
    'proved optimal'

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``effort``; the plan reports ``work`` and ``stopped_because``.
    .. versionchanged:: 0.3
       ``objective``; ``memory_limit``; ``time_limit`` bounds compiling too.
    """
    if not isinstance(problem, RotationProblem):
        raise InvalidInputError(f"schedule: problem must be a RotationProblem, got {problem!r}")
    checked, level = _check_options(seed, time_limit, effort, "schedule")
    fair = check_objective(objective, "schedule")
    limits = solver_limits("schedule", memory_limit, time_limit or DEFAULT_TIME_LIMIT)
    assignments, bound, method, comp, state, search, achieved = _solve(
        problem, problem.pinned, seed=checked, effort=level, fair=fair, limits=limits
    )
    unplaced = unplaced_reasons(problem, comp, state)
    if strict and unplaced:
        from ._diagnose import NOTE_KINDS, diagnose  # noqa: PLC0415

        # staffing minimums are soft: their conflicts do not explain unmet placements
        found = diagnose(problem, time_limit=limits.time_limit, memory_limit=limits.memory)
        found = tuple(c for c in found if c.kind not in {*NOTE_KINDS, "min_staffing"})
        conflicts = found or unplaced
        raise InfeasibleError(
            f"schedule: {sum(u.missing for u in unplaced)} required placement(s) cannot be "
            f"made; first: {unplaced[0].cadre_id} in {unplaced[0].program}: {unplaced[0].reason}",
            conflicts=conflicts,
        )
    return RotationPlan(
        assignments=assignments,
        unplaced=unplaced,
        objective=evaluate(problem, assignments),
        bound=bound,
        method=method,
        horizon=problem.horizon,
        post_ids=tuple(p.id for p in problem.posts),
        labels=plan_labels(problem),
        calendar=problem.calendar,
        work=search.iterations,
        stopped_because=_stopped(method, comp, search),
        understaffed=understaffed(problem, assignments),
        min_share=achieved,
    )


def replan(
    problem: RotationProblem,
    plan: RotationPlan,
    events: Iterable[Event] = (),
    *,
    released: Iterable[Assignment | str] = (),
    now: int | dt.date | str = 0,
    seed: Seed = None,
    time_limit: float | None = None,
    effort: str | int = "default",
    objective: str = "total",
    memory_limit: int | None = None,
) -> RotationPlan:
    """Re-plan after a change, keeping every still-valid assignment not released.

    The earlier plan's assignments are kept when they still fit ``problem``
    (its cadres, posts, capacities and rules may have changed) and are not
    released; assignments that started before ``now`` are kept even when
    released. Kept assignments are added one by one in sorted order and an
    assignment that would break a rule with those kept before it is dropped.
    The rest is planned again from period ``now`` on.

    ``events`` say what happened, each from the period that holds its date
    (through ``problem.calendar``):

    - :class:`~cadredev.events.Left`: the cadre is gone from that period on.
      Their assignments starting then or later are dropped, one in progress
      is cut short (it ends in the period before, ``ended_early=True``) and
      they get no new placement. They are not listed in ``unplaced``.
    - :class:`~cadredev.events.PostClosed`: no placement starts in the post
      from that period on; assignments starting then or later are dropped,
      one already under way runs to its end.
    - :class:`~cadredev.events.PlacementEnded`: the cadre's placement in
      that post that runs through the event's period ends there: it is
      kept, shortened to end in that period (``ended_early=True``), unless
      it ended by then anyway. Only an assignment that has started is cut;
      one starting later is left alone, and an event that matches no
      assignment (a placement already cut or dropped, or one from before the
      plan) changes nothing, so the same events may be given again to a later
      re-plan.

    A placement that is cut short stays in the plan as what happened: its
    periods count for capacity, home staffing and the rules (no repeated
    post, career limits, cooldowns), and it still counts as one of the
    cadre's placements in its program.

    Parameters
    ----------
    problem
        The problem (changed or not).
    plan
        The earlier plan.
    events
        :class:`~cadredev.events.Left`, :class:`~cadredev.events.PostClosed`
        and :class:`~cadredev.events.PlacementEnded` records in force. Their
        dates need ``problem.calendar``.
    released
        Assignments of the plan, cadre ids or post ids that may be changed.
    now
        The first period that may still change: a period number, or with a
        calendar a date or a period label (the period holding it).
    seed, time_limit, effort, objective, memory_limit
        As for :func:`schedule`. With ``objective="fair"`` cadres who left
        (a :class:`~cadredev.events.Left` event) have no share.

    Returns
    -------
    RotationPlan
        ``moved`` counts earlier assignments that are not in the new plan
        (an assignment cut short counts as moved); ``method`` is
        ``"replan"``, or ``"replan, time limit"`` when the time cap ended the
        work early.

    Raises
    ------
    InvalidInputError
        On an id in ``events`` or ``released`` that names no cadre or post of
        the problem or of the plan's problem, a released assignment that is
        not in the plan, an event of another type, dated events or a dated
        ``now`` without a calendar, or an event that would cut a pinned
        assignment.

    Examples
    --------
    >>> from cadredev.rotation import replan, schedule
    >>> from cadredev.datasets import tiny_rotation_problem
    >>> prob = tiny_rotation_problem()
    >>> plan = schedule(prob)
    >>> smaller = tiny_rotation_problem(without="c")
    >>> again = replan(smaller, plan)
    >>> again.moved, again.violations(smaller)
    (1, ())

    With a calendar, events drive the re-plan: cadre ``a`` leaves in the
    third month, so their placement in months 3 and 4 goes.

    >>> import datetime as dt
    >>> import attrs
    >>> from cadredev.calendar import Calendar
    >>> from cadredev.events import Left
    >>> dated = attrs.evolve(prob, calendar=Calendar("2025-01"))
    >>> plan = schedule(dated)
    >>> [(a.cadre_id, a.start) for a in plan.assignments]
    [('a', 2), ('b', 0), ('c', 0)]
    >>> gone = Left(at=dt.date(2025, 3, 10), recorded_by="hr", cadre_id="a")
    >>> again = replan(dated, plan, [gone], now="2025-03")
    >>> [(a.cadre_id, a.start) for a in again.assignments], again.unplaced, again.moved
    ([('b', 0), ('c', 0)], (), 1)

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``events``; ``now`` as a date or label; unknown ids in ``released`` raise;
       ``effort``.
    .. versionchanged:: 0.3
       ``objective``; ``memory_limit``.
    """
    if not isinstance(problem, RotationProblem):
        raise InvalidInputError(f"replan: problem must be a RotationProblem, got {problem!r}")
    if not isinstance(plan, RotationPlan):
        raise InvalidInputError(f"replan: plan must be a RotationPlan, got {plan!r}")
    start = _now(problem, now)
    checked, level = _check_options(seed, time_limit, effort, "replan")
    fair = check_objective(objective, "replan")
    limits = solver_limits("replan", memory_limit, time_limit or DEFAULT_TIME_LIMIT)
    # ids known to the problem, or to the problem the plan was made for
    cadre_ids = set(problem.cadres_by_id) | {a.cadre_id for a in plan.assignments}
    post_ids = set(problem.posts_by_id) | {a.post_id for a in plan.assignments}
    for label in plan.labels:
        if label.startswith("post:"):
            post_ids.add(label.removeprefix("post:"))
        else:
            cadre_ids.add(label)
    change = _read_events(problem, events, cadre_ids, post_ids)
    rel_assign: set[Assignment] = set()
    rel_ids: set[str] = set()
    planned = set(plan.assignments)
    for item in released:
        if isinstance(item, Assignment):
            if item not in planned:
                raise InvalidInputError(f"replan: released assignment {item!r} is not in the plan")
            rel_assign.add(item)
        elif isinstance(item, str):
            if item not in cadre_ids and item not in post_ids:
                raise InvalidInputError(
                    f"replan: released names unknown id {item!r}: no cadre or post of the "
                    "problem or the plan has it"
                )
            rel_ids.add(item)
        else:
            raise InvalidInputError(
                f"replan: released must hold Assignment records or ids, got {item!r}"
            )
    for a in problem.pinned:
        if change.apply(a) != a:
            raise InvalidInputError(
                f"replan: the events cut pinned assignment {a!r}; unpin it "
                "(RotationProblem.pinned) to re-plan it"
            )
    from ._check import check_assignments  # noqa: PLC0415

    kept: list[Assignment] = list(problem.pinned)
    comp = compile_problem(problem, max_options=0, limits=limits, fit=True)
    state = State(comp)
    for a in problem.pinned:
        state.add(*_key(comp, a))
    for original in plan.assignments:
        if original in problem.pinned:
            continue
        now_held = change.apply(original)
        if now_held is None:
            continue
        is_released = (
            original in rel_assign or original.cadre_id in rel_ids or original.post_id in rel_ids
        )
        if is_released and original.start >= start:
            continue
        if check_assignments(problem, [now_held], pinned_check=False):
            continue
        key = _key(comp, now_held)
        if state.feasible(*key):
            state.add(*key)
            kept.append(now_held)
    fixed = tuple(sorted(kept))
    # new placements may only start from `now`
    assignments, _, method, comp, state, search, achieved = _solve(
        problem,
        fixed,
        seed=checked,
        effort=level,
        min_start=start,
        exclude=sorted(c for c in change.left if c in problem.cadres_by_id),
        closed={p: t for p, t in change.closed.items() if p in problem.posts_by_id},
        fair=fair,
        limits=limits,
    )
    new = set(assignments)
    moved = sum(1 for a in plan.assignments if a not in new)
    return RotationPlan(
        assignments=assignments,
        unplaced=unplaced_reasons(problem, comp, state),
        objective=evaluate(problem, assignments),
        bound=None,
        method="replan" + (CAPPED if method.endswith(CAPPED) else ""),
        horizon=problem.horizon,
        post_ids=tuple(p.id for p in problem.posts),
        labels=plan_labels(problem),
        moved=moved,
        calendar=problem.calendar,
        work=search.iterations,
        stopped_because=_stopped(method, comp, search),
        understaffed=understaffed(problem, assignments),
        min_share=achieved,
    )


def _now(problem: RotationProblem, now: object) -> int:
    if isinstance(now, bool):
        raise InvalidInputError(f"replan: now must be a period, a date or a label, got {now!r}")
    try:
        start = problem.period(now)  # type: ignore[arg-type]
    except InvalidInputError as exc:
        raise InvalidInputError(f"replan: now: {exc}") from None
    if not 0 <= start <= problem.horizon:
        raise InvalidInputError(
            f"replan: now must be a period in 0..{problem.horizon}, got {now!r}"
            + ("" if start == now else f" (period {start})")
        )
    return start


@attrs.frozen
class _Change:
    """What the events do to a plan: who left, which posts closed, which placements ended."""

    left: dict[str, int]
    closed: dict[str, int]
    ended: dict[tuple[str, str], list[int]]

    def apply(self, a: Assignment) -> Assignment | None:
        """Return ``a`` as the events leave it: unchanged, cut short, or ``None`` (dropped)."""
        length = a.length
        gone = self.left.get(a.cadre_id)
        if gone is not None:
            if a.start >= gone:
                return None
            length = min(length, gone - a.start)
        shut = self.closed.get(a.post_id)
        if shut is not None and a.start >= shut:
            return None
        for last in self.ended.get((a.cadre_id, a.post_id), ()):
            if a.start <= last < a.end:
                length = min(length, last - a.start + 1)
        if length == a.length:
            return a
        return attrs.evolve(a, length=length, ended_early=True)


def _read_events(
    problem: RotationProblem,
    events: Iterable[Event],
    cadre_ids: set[str],
    post_ids: set[str],
) -> _Change:
    left: dict[str, int] = {}
    closed: dict[str, int] = {}
    ended: dict[tuple[str, str], list[int]] = {}
    if isinstance(events, Event):
        raise InvalidInputError(f"replan: events must be a sequence of events, got {events!r}")
    for event in events:
        if not isinstance(event, Left | PostClosed | PlacementEnded):
            raise InvalidInputError(
                "replan: events may hold Left, PostClosed and PlacementEnded records, "
                f"got {event!r}"
            )
        if problem.calendar is None:
            raise InvalidInputError(
                f"replan: events are dated ({event.kind} on {event.at}); placing them on the "
                "plan's periods needs RotationProblem(calendar=...)"
            )
        t = problem.period(event.at)
        if isinstance(event, Left | PlacementEnded) and event.cadre_id not in cadre_ids:
            raise InvalidInputError(
                f"replan: {event.kind} names unknown cadre id {event.cadre_id!r}"
            )
        if isinstance(event, PostClosed | PlacementEnded) and event.post_id not in post_ids:
            raise InvalidInputError(f"replan: {event.kind} names unknown post id {event.post_id!r}")
        if isinstance(event, Left):
            left[event.cadre_id] = min(t, left.get(event.cadre_id, t))
        elif isinstance(event, PostClosed):
            closed[event.post_id] = min(t, closed.get(event.post_id, t))
        else:
            ended.setdefault((event.cadre_id, event.post_id), []).append(t)
    return _Change(left=left, closed=closed, ended=ended)
