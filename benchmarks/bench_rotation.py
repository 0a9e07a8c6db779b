"""Benchmark: cadredev.rotation.schedule against OR-Tools CP-SAT, a HiGHS MIP and a
period-by-period min-cost-flow greedy on synthetic problems (see rotation_problems.py).

Run:  PYTHONPATH=src python benchmarks/bench_rotation.py [--quick] [--cpsat-seconds S]
      [--sizes C ...] [--repeat] [--frontline] [--history] [--tight [--limit S]]
      [--fair] [--limits] [--scale] [--sequence]

``--repeat`` solves each problem twice and says whether the plans are equal
(the search ends on a work budget, so they should be unless the time cap hit);
``--frontline`` adds the sample zone's frontline problem with default options;
``--tight`` runs the tight family instead (students x wards x periods, every
student filling at least 95 % of the periods; rotation_problems.generate_tight)
with each search effort, against CP-SAT; ``--history`` also solves each
problem with a posting history (two past postings per cadre, before the plan)
and career and cooldown rules, with cadredev only (the peers do not model
those rules). ``--fair`` compares ``objective="total"`` with ``"fair"``
(smallest benefit share, then total) on each size: total value and the
smallest share of both plans, cadredev only. ``--limits`` compiles each size
(default 1k, 5k, 10k, 20k) as ``schedule`` does, each in a fresh process,
without a memory limit and with each ``--memory-limit`` (bytes; default
256 MiB and 1 GiB): time, peak resident
memory (``resource.getrusage``), options kept; a limit too small for the
tables alone shows how fast the refusal comes. ``--scale`` solves each size
(default 1k, 5k, 10k, 20k) with ``time_limit=120`` in a fresh process:
time, objective against the bound, violations and peak resident memory; the
min-cost-flow greedy runs in its own process where the whole problem's
options fit in memory (up to 10k). ``--sequence`` weighs unit changes (the
median benefit each) and waiting periods (half that) on each size (default
100 and 1k) and on a tight 40 x 12 instance: plans made without and with the
terms, both priced with them, and CP-SAT with them (up to 100 cadres).

CP-SAT and the greedy solve the same placement options cadredev enumerates
(every (cadre, program, post, start) that passes the rules on its own), with the
same hard rules, so objectives are comparable. The objective is lexicographic:
placements toward minimums, then total benefit. OR-Tools is imported here only.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import attrs
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rotation_problems import generate, generate_tight

from cadredev.rotation import (
    Assignment,
    RotationPlan,
    RotationProblem,
    schedule,
)
from cadredev.rotation._compile import compile_problem
from cadredev.rotation._effort import EFFORTS
from cadredev.rotation._plan import evaluate

SCALE = 1000  # CP-SAT needs integer values: benefit in thousandths


def _assignments(comp, chosen):
    return tuple(sorted(comp.assignment(int(o)) for o in chosen))


def cpsat(problem: RotationProblem, seconds: float, workers: int = 2):
    from ortools.sat.python import cp_model  # noqa: PLC0415

    comp = compile_problem(problem)
    n_o = comp.n_options
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{o}") for o in range(n_o)]
    oc, op, ok, os_, ol = (a.tolist() for a in (comp.oc, comp.op, comp.ok, comp.os, comp.ol))
    horizon = comp.horizon
    by_cadre_t: dict = {}
    by_post_t: dict = {}
    by_unit_t: dict = {}
    by_ck: dict = {}
    by_ckp: dict = {}
    by_ckcat: dict = {}
    by_ck_ext: dict = {}
    for o in range(n_o):
        c, p, k, s, ln = oc[o], op[o], ok[o], os_[o], ol[o]
        for t in range(s, s + ln):
            by_cadre_t.setdefault((c, t), []).append(x[o])
            by_post_t.setdefault((p, t), []).append(x[o])
            by_unit_t.setdefault((int(comp.cunit[c]), t), []).append(x[o])
        by_ck.setdefault((c, k), []).append(x[o])
        if comp.prepeat[k]:
            by_ckp.setdefault((c, k, p), []).append(x[o])
        if comp.ponecat[k]:
            by_ckcat.setdefault((c, k, int(comp.pcat[p])), []).append(x[o])
        gap = int(comp.pgap[k])
        if gap:
            for t in range(s, min(s + ln - 1 + gap, horizon - 1) + 1):
                by_ck_ext.setdefault((c, k, t), []).append(x[o])
    for group in (by_cadre_t, by_ckp, by_ckcat, by_ck_ext):
        for vs in group.values():
            if len(vs) > 1:
                model.add_at_most_one(vs)
    for (p, _t), vs in by_post_t.items():
        if len(vs) > comp.pcap[p]:
            model.add(sum(vs) <= int(comp.pcap[p]))
    for (u, _t), vs in by_unit_t.items():
        if len(vs) > comp.away_limit[u]:
            model.add(sum(vs) <= int(comp.away_limit[u]))
    zs = []
    for (c, k), vs in by_ck.items():
        model.add(sum(vs) <= int(comp.pmax[k]))
        lo = int(comp.pmin[k])
        if lo and comp.prog_elig[k, c]:
            z = model.new_int_var(0, lo, f"z{c}_{k}")
            model.add(z <= sum(vs))
            zs.append(z)
    values = np.round(comp.ov * SCALE).astype(int).tolist()
    weight = int(sum(abs(v) for v in values) // max(1, len(values)) * 4 * len(comp.cadre_ids)) + 1
    weight = max(weight, int(np.abs(values).sum()) + 1) if n_o < 50_000 else weight
    terms = (
        _cpsat_sequence(model, comp, x) if problem.unit_change_cost or problem.waiting_cost else 0
    )
    if not isinstance(terms, int):
        weight += SCALE * int(
            (problem.unit_change_cost + problem.waiting_cost) * horizon * len(comp.cadre_ids)
        )
    model.maximize(weight * sum(zs) + sum(v * xv for v, xv in zip(values, x, strict=True)) - terms)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    t0 = time.perf_counter()
    status = solver.solve(model)
    dt = time.perf_counter() - t0
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return (), dt, "none"
    chosen = [o for o in range(n_o) if solver.value(x[o])]
    return _assignments(comp, chosen), dt, solver.status_name(status)


def flow_greedy(problem: RotationProblem):
    """Period by period: assign free cadres to free post slots starting now by an
    optimal assignment (min-cost flow on a bipartite graph), then trim to the
    home-staffing limits and the rules that span periods."""
    from scipy.optimize import linear_sum_assignment  # noqa: PLC0415

    from cadredev.rotation._construct import State  # noqa: PLC0415
    from cadredev.rotation._limits import Limits  # noqa: PLC0415

    t0 = time.perf_counter()
    comp = compile_problem(problem, limits=Limits(memory=2**40))  # every option, no pruning
    state = State(comp)
    horizon = comp.horizon
    big = 1000.0
    for t in range(horizon):
        sel = np.flatnonzero(comp.os == t)
        feas = [
            o
            for o in sel.tolist()
            if state.feasible(int(comp.oc[o]), int(comp.op[o]), int(comp.ok[o]), t, int(comp.ol[o]))
        ]
        if not feas:
            continue
        feas = np.array(feas)
        cadres, ci = np.unique(comp.oc[feas], return_inverse=True)
        posts, pi = np.unique(comp.op[feas], return_inverse=True)
        slots = [int(comp.pcap[p] - state.pload[p, t : t + 3].max()) for p in posts]
        slot_post = np.repeat(np.arange(len(posts)), np.maximum(slots, 0))
        if len(slot_post) == 0:
            continue
        weight = np.full((len(cadres), len(posts)), -np.inf)
        need = np.array(
            [state.count[int(comp.oc[o]), int(comp.ok[o])] < comp.pmin[comp.ok[o]] for o in feas]
        )
        np.maximum.at(weight, (ci, pi), comp.ov[feas] + big * need)
        w = weight[:, slot_post]
        cost = np.where(np.isfinite(w), -w, 1e9)
        rows, cols = linear_sum_assignment(cost)
        picks = [(r, slot_post[c_]) for r, c_ in zip(rows, cols, strict=True) if cost[r, c_] < 1e8]
        picks.sort(key=lambda rc: -weight[rc[0], rc[1]])
        for r, pp in picks:
            c, p = int(cadres[r]), int(posts[pp])
            for o in feas[(ci == r) & (pi == pp)].tolist():
                key = (c, p, int(comp.ok[o]), t, int(comp.ol[o]))
                if state.feasible(*key):
                    state.add(*key)
                    break
    chosen = sorted(state.chosen)
    out = tuple(
        sorted(
            Assignment(
                cadre_id=comp.cadre_ids[c],
                post_id=comp.post_ids[p],
                program=comp.prog_names[k],
                start=s,
                length=ln,
            )
            for c, p, k, s, ln in chosen
        )
    )
    return out, time.perf_counter() - t0


def highs_mip(problem: RotationProblem, seconds: float):
    default = EFFORTS["default"]
    EFFORTS["default"] = attrs.evolve(default, exact_options=10**9, exact_nodes=10**9)
    try:
        t0 = time.perf_counter()
        plan = schedule(problem, time_limit=seconds)
        return plan, time.perf_counter() - t0
    finally:
        EFFORTS["default"] = default


def fmt(obj) -> str:
    return f"({obj.placed}, {obj.value:.2f})"


def ratio(a, b) -> str:
    """Level-1 ratio, then level-2 ratio, a over b."""
    r1 = a.placed / b.placed if b.placed else (1.0 if a.placed == 0 else float("inf"))
    r2 = a.value / b.value if b.value else (1.0 if a.value == 0 else float("inf"))
    return f"{r1:.3f}/{r2:.3f}"


def frontline(*, repeat: bool) -> None:
    """The sample zone's frontline postings, default options (work budget only)."""
    from cadredev import sample_zone  # noqa: PLC0415
    from cadredev.datasets import frontline_problem  # noqa: PLC0415

    problem = frontline_problem(sample_zone())
    plans = []
    for _ in range(2 if repeat else 1):
        t0 = time.perf_counter()
        plan = schedule(problem, seed=0)
        elapsed = time.perf_counter() - t0
        bound = plan.bound
        print(
            f"frontline (sample zone): {elapsed:.2f} s, {fmt(plan.objective)}, "
            f"bound {fmt(bound) if bound else '-'}, gap {plan.gap:.4f}, {plan.method}"
        )
        plans.append(plan)
    if repeat:
        print(f"frontline same plan: {plans[0] == plans[1]}")
    sys.stdout.flush()


def with_history(problem: RotationProblem, *, seed: int = 0) -> RotationProblem:
    """The same problem where every cadre held two posts before the plan, with
    at most two postings per category in a career and two idle periods after a
    frontline posting."""
    import attrs  # noqa: PLC0415

    from cadredev import Posting  # noqa: PLC0415

    rng = np.random.default_rng(seed)
    posts = problem.posts
    cadres = []
    for c in problem.cadres:
        picks = rng.choice(len(posts), size=2, replace=False)
        past = tuple(
            Posting(post_id=posts[int(j)].id, start=-12 + 5 * i, end=-9 + 5 * i + int(j) % 2)
            for i, j in enumerate(picks)
        )
        cadres.append(attrs.evolve(c, history=past))
    program = attrs.evolve(
        problem.programs[0], career_max={"stationed": 2, "host": 2}, cooldown={"frontline": 2}
    )
    return attrs.evolve(problem, cadres=cadres, programs=[program])


TIGHT = ((40, 12, 0), (60, 18, 1), (80, 24, 2))


def _cpsat_sequence(model, comp, x):
    """The sequence terms in CP-SAT, per cadre (values in thousandths).

    Waiting: the last end less the first start less the periods placed.
    Changes: ``unit[t]``, the unit of the latest placement started by ``t``
    (an element of the cadre's units), and a change where a placement starts
    in another unit than ``unit[t - 1]``.
    """
    problem = comp.problem
    horizon = comp.horizon
    change = round(problem.unit_change_cost * SCALE)
    wait = round(problem.waiting_cost * SCALE)
    cost = 0
    for c in range(len(comp.cadre_ids)):
        opts = np.flatnonzero(comp.oc == c).tolist()
        if len(opts) < 2:
            continue
        start = {o: int(comp.os[o]) for o in opts}
        end = {o: int(comp.os[o] + comp.ol[o]) for o in opts}
        if wait:
            last = model.new_int_var(0, horizon, f"e{c}")
            first = model.new_int_var(0, horizon, f"s{c}")
            for o in opts:
                model.add(last >= end[o]).only_enforce_if(x[o])
                model.add(first <= start[o]).only_enforce_if(x[o])
            g = model.new_int_var(0, horizon, f"g{c}")
            model.add(g >= last - first - sum(int(comp.ol[o]) * x[o] for o in opts))
            cost += wait * g
        units = sorted({int(comp.pu[comp.op[o]]) for o in opts})
        if change and len(units) > 1:
            at = {u: i + 1 for i, u in enumerate(units)}  # 0: nothing started yet
            unit = [model.new_int_var(0, len(units), f"u{c}_{t}") for t in range(horizon)]
            for t in range(horizon):
                here = [o for o in opts if start[o] == t]
                began = model.new_bool_var(f"b{c}_{t}")
                model.add(sum(x[o] for o in here) == began)
                prev = unit[t - 1] if t else 0
                model.add(unit[t] == prev).only_enforce_if(began.Not())
                for o in here:
                    model.add(unit[t] == at[int(comp.pu[comp.op[o]])]).only_enforce_if(x[o])
                    if t:
                        moved = model.new_bool_var(f"m{o}")
                        same = model.new_bool_var(f"same{o}")
                        model.add(prev == at[int(comp.pu[comp.op[o]])]).only_enforce_if(same)
                        model.add(prev != at[int(comp.pu[comp.op[o]])]).only_enforce_if(same.Not())
                        fresh = model.new_bool_var(f"f{o}")
                        model.add(prev == 0).only_enforce_if(fresh)
                        model.add(prev != 0).only_enforce_if(fresh.Not())
                        model.add_bool_or([x[o].Not(), same, fresh, moved])
                        cost += change * moved
    return cost


def sequence(cp_seconds: float, sizes: list[int]) -> None:
    """The soft sequence terms: plans with and without them, and CP-SAT with them."""
    print(
        f"{'problem':>9} {'solver':<24} {'time s':>8} {'objective':>18} {'changes':>8} "
        f"{'waiting':>8} note"
    )
    cases = [(f"C={n}", generate(n, seed=0)) for n in sizes]
    cases.append(("tight 40", generate_tight(40, 12, seed=0)))
    for name, problem in cases:
        values = [v for v in (problem.benefit or {}).values() if v > 0]
        unit = float(np.median(values)) if values else 1.0
        weighted = attrs.evolve(problem, unit_change_cost=unit, waiting_cost=unit / 2)
        limit = 60.0
        for label, prob in (("cadredev, no terms", problem), ("cadredev", weighted)):
            t0 = time.perf_counter()
            plan = schedule(prob, seed=0, time_limit=limit)
            took = time.perf_counter() - t0
            _sequence_line(name, label, took, weighted, plan.assignments, plan.method)
        if len(problem.cadres) <= 100:
            cp, cp_t, status = cpsat(weighted, cp_seconds)
            _sequence_line(name, f"CP-SAT {int(cp_seconds)}s", cp_t, weighted, cp, status)
        sys.stdout.flush()


def _sequence_line(name, label, took, problem, assignments, note) -> None:  # noqa: PLR0917
    terms = problem.sequence_terms(assignments).values()
    obj = evaluate(problem, tuple(assignments))
    broken = len(RotationPlan(assignments=assignments).violations(problem))
    print(
        f"{name:>9} {label:<24} {took:>8.2f} {fmt(obj):>18} "
        f"{sum(ch for ch, _w in terms):>8} {sum(w for _ch, w in terms):>8} {note}, "
        f"{broken} violations"
    )


def tight(cp_seconds: float, limit: float) -> None:
    """The tight family: each effort level against CP-SAT on the same options."""
    print(f"{'C x T':>7} {'solver':<22} {'time s':>8} {'objective':>18} {'viol':>5} note")
    for n, horizon, seed in TIGHT:
        problem = generate_tight(n, horizon, seed=seed)
        size = f"{n}x{horizon}"
        cp, cp_t, status = cpsat(problem, cp_seconds)
        cp_obj = evaluate(problem, cp)
        print(f"{size:>7} {'CP-SAT':<22} {cp_t:>8.2f} {fmt(cp_obj):>18} {'':>5} {status}")
        for effort in ("default", "thorough"):
            t0 = time.perf_counter()
            plan = schedule(problem, seed=0, time_limit=limit, effort=effort)
            took = time.perf_counter() - t0
            short = 1 - plan.objective.placed / max(1, cp_obj.placed)
            print(
                f"{size:>7} {'cadredev ' + effort:<22} {took:>8.2f} {fmt(plan.objective):>18} "
                f"{len(plan.violations(problem)):>5} placements {short:+.2%} below CP-SAT, "
                f"bound {fmt(plan.bound) if plan.bound else '-'}, {plan.method}, "
                f"{plan.work} moves, stopped: {plan.stopped_because}"
            )
        sys.stdout.flush()


def roomy(problem: RotationProblem) -> RotationProblem:
    """The same problem with room for every cadre: triple capacity, half the units at home.

    In ``generate``'s problems places are fewer than cadres, so some cadre gets
    nothing in every plan and the smallest share is 0 whatever the objective.
    """
    posts = [attrs.evolve(p, capacity=3 * p.capacity) for p in problem.posts]
    sizes: dict[str, int] = {}
    for c in problem.cadres:
        sizes[c.unit] = sizes.get(c.unit, 0) + 1
    home = {u: n // 2 for u, n in sorted(sizes.items())}
    return attrs.evolve(problem, posts=posts, min_home_staffing=home)


def fairness(sizes: list[int]) -> None:
    """``objective="total"`` against ``"fair"``: total value and the smallest share."""
    print(f"{'C':>5} {'objective':<16} {'time s':>8} {'objective':>18} {'min share':>10} note")
    for n, kind in [(n, kind) for n in sizes for kind in ("", " roomy")]:
        problem = generate(n, seed=0)
        if kind:
            problem = roomy(problem)
        limit = 1.0 if n <= 100 else (30.0 if n <= 1000 else 60.0)
        for objective in ("total", "fair"):
            t0 = time.perf_counter()
            plan = schedule(problem, seed=0, time_limit=limit, objective=objective)
            took = time.perf_counter() - t0
            shares = plan.benefit_shares(problem)
            low = min(shares.values(), default=1.0)
            bound = plan.bound
            share_bound = "-" if bound is None or bound.share is None else f"{bound.share:.4f}"
            print(
                f"{n:>5} {objective + kind:<16} {took:>8.2f} {fmt(plan.objective):>18} "
                f"{low:>10.4f} "
                f"{len(plan.violations(problem))} violations, cadres with a share "
                f"{len(shares)}, below 0.5 {sum(v < 0.5 for v in shares.values())}, "
                f"share bound {share_bound}, {plan.method}, stopped: {plan.stopped_because}"
            )
        sys.stdout.flush()


def _compile_once(n: int, memory: int) -> None:
    """Child process: compile ``generate(n)`` as ``schedule`` does; print one line."""
    import json  # noqa: PLC0415
    import resource  # noqa: PLC0415

    from cadredev import InvalidInputError  # noqa: PLC0415
    from cadredev.rotation._limits import Limits  # noqa: PLC0415
    from cadredev.rotation._solve import MAX_OPTIONS  # noqa: PLC0415

    problem = generate(n, seed=0)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t0 = time.perf_counter()
    try:
        comp = compile_problem(
            problem, prune_above=MAX_OPTIONS, limits=Limits(memory=memory), fit=True
        )
        out = {"options": comp.n_options, "pruned": comp.pruned, "notes": comp.notes}
    except InvalidInputError as exc:
        out = {"refused": str(exc)}
    out["seconds"] = time.perf_counter() - t0
    out["before"] = before
    out["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(out))


def limits_figure(sizes: list[int], memory: list[int]) -> None:
    """Compile time and peak memory per size, without and with a memory limit."""
    import json  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    mib = 2**20
    print(f"{'C':>6} {'memory_limit':>13} {'compile s':>10} {'peak MiB':>9} {'(before)':>9} result")
    for n in sizes:
        for limit in (2**40, *memory, 64 * mib):
            if limit == 64 * mib and n < max(sizes):
                continue  # the refusal: shown on the largest size only
            child = [sys.executable, __file__, "--compile-once", str(n), str(limit)]
            done = subprocess.run(child, capture_output=True, text=True, check=True)
            got = json.loads(done.stdout.strip().splitlines()[-1])
            shown = "none" if limit == 2**40 else f"{limit // mib} MiB"
            if "refused" in got:
                result = "refused: " + got["refused"].split(" would need ")[1].split(";")[0]
            else:
                result = f"{got['options']:,} options" + (", pruned" if got["pruned"] else "")
                result += "".join(f"; {note}" for note in got["notes"])
            print(
                f"{n:>6} {shown:>13} {got['seconds']:>10.3f} {got['peak'] / mib:>9.0f} "
                f"{got['before'] / mib:>9.0f} {result}"
            )
            sys.stdout.flush()


def _schedule_once(n: int, peer: str) -> None:
    """Child process: solve ``generate(n)`` (or the flow greedy); print one JSON line."""
    import json  # noqa: PLC0415
    import resource  # noqa: PLC0415

    problem = generate(n, seed=0)
    t0 = time.perf_counter()
    if peer == "greedy":
        chosen, _ = flow_greedy(problem)
        plan = RotationPlan(assignments=chosen)
        objective, bound, method, stopped = evaluate(problem, chosen), None, "flow greedy", ""
    else:
        plan = schedule(problem, seed=0, time_limit=120.0)
        objective, bound, method, stopped = (
            plan.objective,
            plan.bound,
            plan.method,
            plan.stopped_because,
        )
    seconds = time.perf_counter() - t0
    out = {
        "seconds": seconds,
        "placed": objective.placed,
        "value": objective.value,
        "bound": None if bound is None else [bound.placed, bound.value, bound.method],
        "method": method,
        "stopped": stopped,
        "violations": len(plan.violations(problem)),
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    print(json.dumps(out))


def scale_figure(sizes: list[int]) -> None:
    """Solve each size in a fresh process: time, objective, bound, peak memory."""
    import json  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    gib = 2**30
    print(
        f"{'C':>6} {'solver':<12} {'time s':>8} {'objective':>20} {'bound':>30} {'placed %':>9} "
        f"{'viol':>5} {'peak GiB':>9}"
    )
    for n in sizes:
        peers = ("ours", "greedy") if n <= 10_000 else ("ours",)
        for peer in peers:
            child = [sys.executable, __file__, "--schedule-once", str(n), peer]
            done = subprocess.run(child, capture_output=True, text=True, check=True)
            got = json.loads(done.stdout.strip().splitlines()[-1])
            objective = f"({got['placed']}, {got['value']:.2f})"
            bound, share = "", ""
            if got["bound"]:
                bp, bv, bm = got["bound"]
                bound = f"({bp}, {bv:.2f}) {bm}"
                share = f"{100 * got['placed'] / max(bp, 1):.2f}"
            name = "cadredev" if peer == "ours" else "flow greedy"
            print(
                f"{n:>6} {name:<12} {got['seconds']:>8.1f} {objective:>20} {bound:>30} {share:>9} "
                f"{got['violations']:>5} {got['peak'] / gib:>9.2f}  "
                f"{got['method']}; {got['stopped']}"
            )
            sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--cpsat-seconds", type=float, default=60.0)
    parser.add_argument("--sizes", type=int, nargs="*")
    parser.add_argument("--repeat", action="store_true", help="solve twice, compare plans")
    parser.add_argument("--frontline", action="store_true", help="add the sample frontline")
    parser.add_argument("--history", action="store_true", help="add a posting-history variant")
    parser.add_argument("--tight", action="store_true", help="the tight family only")
    parser.add_argument("--limit", type=float, default=120.0, help="our time cap, --tight")
    parser.add_argument("--fair", action="store_true", help="total against fair objective only")
    parser.add_argument("--limits", action="store_true", help="compile time and memory only")
    parser.add_argument(
        "--memory-limit", type=int, nargs="*", default=[2**28, 2**30], help="bytes, --limits"
    )
    parser.add_argument("--scale", action="store_true", help="1k to 20k, fresh processes")
    parser.add_argument("--sequence", action="store_true", help="soft sequence terms only")
    parser.add_argument("--compile-once", type=int, nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--schedule-once", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compile_once:
        _compile_once(*args.compile_once)
        return
    if args.schedule_once:
        _schedule_once(int(args.schedule_once[0]), args.schedule_once[1])
        return
    if args.scale:
        scale_figure(args.sizes or [1000, 5000, 10000, 20000])
        return
    if args.limits:
        limits_figure(args.sizes or [1000, 5000, 10000, 20000], args.memory_limit)
        return
    if args.fair:
        fairness(args.sizes or [1000])
        return
    if args.tight:
        tight(args.cpsat_seconds, args.limit)
        return
    if args.sequence:
        sequence(args.cpsat_seconds, args.sizes or [100, 1000])
        return
    if args.frontline:
        frontline(repeat=args.repeat)
    sizes = args.sizes or ([100, 300] if args.quick else [100, 1000, 5000])
    cp_seconds = min(args.cpsat_seconds, 5.0) if args.quick else args.cpsat_seconds
    print(f"{'C':>5} {'solver':<22} {'time s':>8} {'objective':>18} {'viol':>5} ratio(vs ours)")
    for n in sizes:
        problem = generate(n, seed=0)
        limit = 1.0 if n <= 100 else (30.0 if n <= 1000 else 60.0)
        if args.quick:
            limit = min(limit, 5.0)
        t0 = time.perf_counter()
        plan = schedule(problem, seed=0, time_limit=limit)
        ours_t = time.perf_counter() - t0
        ours = plan.objective
        bound = plan.bound
        print(
            f"{n:>5} {'cadredev':<22} {ours_t:>8.2f} {fmt(ours):>18} "
            f"{len(plan.violations(problem)):>5} bound {fmt(bound) if bound else '-'} "
            f"({bound.method if bound else ''}), gap {plan.gap:.4f}, {plan.method}"
        )
        if args.repeat:
            t0 = time.perf_counter()
            again = schedule(problem, seed=0, time_limit=limit)
            print(
                f"{n:>5} {'cadredev again':<22} {time.perf_counter() - t0:>8.2f} "
                f"{fmt(again.objective):>18} same plan: {again == plan}"
            )
        if args.history:
            past = with_history(problem)
            t0 = time.perf_counter()
            hplan = schedule(past, seed=0, time_limit=limit)
            hbound = hplan.bound
            print(
                f"{n:>5} {'cadredev + history':<22} {time.perf_counter() - t0:>8.2f} "
                f"{fmt(hplan.objective):>18} {len(hplan.violations(past)):>5} "
                f"bound {fmt(hbound) if hbound else '-'} ({hbound.method if hbound else ''}), "
                f"gap {hplan.gap:.4f}, {hplan.method}"
            )
        greedy, g_t = flow_greedy(problem)
        g_obj = evaluate(problem, greedy)
        g_viol = len(RotationPlan(assignments=greedy).violations(problem))
        print(
            f"{n:>5} {'flow greedy':<22} {g_t:>8.2f} {fmt(g_obj):>18} {g_viol:>5} "
            f"ours/greedy {ratio(ours, g_obj)}"
        )
        if n <= 100:
            mip, m_t = highs_mip(problem, 120.0)
            print(
                f"{n:>5} {'HiGHS MIP':<22} {m_t:>8.2f} {fmt(mip.objective):>18} "
                f"{len(mip.violations(problem)):>5} ours/optimum {ratio(ours, mip.objective)} "
                f"({mip.method})"
            )
        if n <= 1000 or args.quick:
            cp, cp_t, status = cpsat(problem, cp_seconds)
            cp_obj = evaluate(problem, cp)
            cp_viol = len(RotationPlan(assignments=cp).violations(problem))
            print(
                f"{n:>5} {'CP-SAT ' + str(int(cp_seconds)) + 's':<22} {cp_t:>8.2f} "
                f"{fmt(cp_obj):>18} {cp_viol:>5} ours/cpsat {ratio(ours, cp_obj)} ({status})"
            )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
