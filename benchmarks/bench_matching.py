"""Benchmark mentor matching against OR-Tools, networkx and the `matching` package.

Workload: 20,000 mentees, 2,000 mentors of capacity 10, 30 random candidate
mentors per mentee, integer weights 1..100 (600k edges). Times, in one run:

* ``match(method="optimal")`` vs OR-Tools ``SimpleMinCostFlow`` given arrays
  directly (same total weight required), also with capacity 5 (fewer slots
  than mentees) and with weights 1..3 (many ties);
* ``match`` vs networkx ``network_simplex`` at 5,000 mentees;
* ``match(method="stable")`` vs the ``matching`` package's hospital/resident
  solver at 1,000 mentees (same pairs required);
* ``match(method="stable")`` at 20,000 and 200,000 mentees;
* ``compatibility_graph`` vs a bare networkx build of the same edges;
* a matching as a document at 20,000 mentees: deriving its candidates table,
  ``io.dump`` + JSON text (size), reading it back, and ``explain`` on the
  loaded matching vs the one made from the graph;
* candidates that respect capacity: ``compatibility_graph`` with ``top_k``
  alone and with ``top_per_slot`` on a zone where a few mentors are
  everybody's favourites (capacity for all, every pair compatible, so the
  full graph matches everyone), and the mentees each leaves unmatched;
* the new options at 20,000 mentees: ``balance="load"``, ``groups`` (vs
  OR-Tools min-cost flow with a group layer, same total weight required),
  ``objective="max_cardinality_then_weight"`` (vs networkx
  ``hopcroft_karp_matching`` on the slots, same size required) and
  mentor-proposing ``stable``.

Run ``python benchmarks/bench_matching.py`` (``--quick`` for a small smoke run,
``--only new`` to run only the last two sections, ``--only compat`` for
``compatibility_graph`` alone: the 5k x 500 comparison with a bare networkx
build, with and without ``components``, and province-scale graphs with 20,000
mentors, each built in a fresh process that reports its peak memory;
``--mentees N`` sets their number of mentees, 20,000 by default;
``--only scale`` for ``match(method="optimal")`` at 200,000 mentees with
integer weights against OR-Tools, and at 50,000 with float weights, each in
a fresh process that reports its peak memory).
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from typing import Any

import attrs
import networkx as nx
import numpy as np

from cadredev import io
from cadredev.datasets import ABILITIES, INDUSTRIES
from cadredev.matching import Criteria, Matching, compatibility_graph, match
from cadredev.matching._contract import parse
from cadredev.model import Cadre, Mentor


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    best = float("inf")
    out = None
    for _ in range(repeat):
        out = None
        gc.collect()
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def workload(n: int, m: int, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    u = np.repeat(np.arange(n), k)
    # k distinct random mentors per mentee: argsort of random keys, vectorised
    if k >= m:
        v = np.tile(np.arange(m), n)
    elif m <= 4000:
        v = np.argpartition(rng.random((n, m)), k, axis=1)[:, :k].ravel()
    else:
        v = np.concatenate([rng.choice(m, k, replace=False) for _ in range(n)])
    w = rng.integers(1, 101, size=n * k)
    return u, v, w


def to_graph(  # noqa: PLR0917
    n: int, m: int, cap: int, u: np.ndarray, v: np.ndarray, w: np.ndarray
) -> nx.Graph[Any]:
    a = [f"a{i:06d}" for i in range(n)]
    b = [f"b{j:05d}" for j in range(m)]
    g: nx.Graph[Any] = nx.Graph()
    g.add_nodes_from(a, bipartite=0)
    g.add_nodes_from(b, bipartite=1, capacity=cap)
    g.add_weighted_edges_from(
        zip([a[i] for i in u.tolist()], [b[j] for j in v.tolist()], w.tolist(), strict=True)
    )
    return g


def ortools_flow(  # noqa: PLR0917
    n: int, m: int, cap: int, u: np.ndarray, v: np.ndarray, w: np.ndarray
) -> int:
    from ortools.graph.python import min_cost_flow  # noqa: PLC0415

    flow = min_cost_flow.SimpleMinCostFlow()
    src, snk = n + m, n + m + 1
    tails = np.concatenate((np.full(n, src), u, n + np.arange(m), [src]))
    heads = np.concatenate((np.arange(n), n + v, np.full(m, snk), [snk]))
    caps = np.concatenate((np.ones(n), np.ones(len(u)), np.full(m, cap), [n])).astype(np.int64)
    costs = np.concatenate((np.zeros(n), -w, np.zeros(m), [0])).astype(np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supply = np.zeros(n + m + 2, dtype=np.int64)
    supply[src], supply[snk] = n, -n
    flow.set_nodes_supplies(np.arange(n + m + 2), supply)
    assert flow.solve() == flow.OPTIMAL
    return int(-flow.optimal_cost())


def nx_simplex(g: nx.Graph[Any], n: int, cap: int) -> int:
    d: nx.DiGraph[Any] = nx.DiGraph()
    for node, data in g.nodes(data=True):
        if data["bipartite"] == 0:
            d.add_edge("s", node, capacity=1, weight=0)
        else:
            d.add_edge(node, "t", capacity=cap, weight=0)
    for a, b, data in g.edges(data=True):
        x, y = (a, b) if g.nodes[a]["bipartite"] == 0 else (b, a)
        d.add_edge(x, y, capacity=1, weight=-int(data["weight"]))
    d.add_edge("s", "t", capacity=n, weight=0)
    d.nodes["s"]["demand"] = -n
    d.nodes["t"]["demand"] = n
    cost, _ = nx.network_simplex(d)
    return int(-cost)


def hr_solve(g: nx.Graph[Any]) -> set[tuple[str, str]]:
    from matching.games import HospitalResident  # noqa: PLC0415

    mentees = sorted(x for x, d in g.nodes(data=True) if d["bipartite"] == 0)
    mentors = sorted(x for x, d in g.nodes(data=True) if d["bipartite"] == 1)
    rp = {a: sorted(g[a], key=lambda b: (-g.edges[a, b]["weight"], b)) for a in mentees}
    hp = {b: sorted(g[b], key=lambda a: (-g.edges[a, b]["weight"], a)) for b in mentors}
    caps = {b: g.nodes[b]["capacity"] for b in mentors}
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            game = HospitalResident.create_from_dictionaries(rp, hp, caps)
            solved = game.solve(optimal="resident")
    finally:
        sys.setrecursionlimit(old)
    return {(r.name, h.name) for h, rs in solved.items() for r in rs}


def people(n: int, m: int, seed: int = 1) -> tuple[list[Cadre], list[Mentor]]:
    rng = np.random.default_rng(seed)
    units = [f"unit{k:02d}" for k in range(12)]
    names = list(ABILITIES)
    cadres = [
        Cadre(
            id=f"c{i:06d}",
            name=f"c{i}",
            birth_year=int(rng.integers(1966, 2001)),
            rank="section",
            unit=units[int(rng.integers(12))],
            industries={INDUSTRIES[int(x)] for x in rng.choice(len(INDUSTRIES), 2, replace=False)},
            competencies={k: round(float(rng.random()), 2) for k in names},
            grid=f"g{int(rng.integers(6))}",
        )
        for i in range(n)
    ]
    mentors = [
        Mentor(
            id=f"m{j:05d}",
            unit=units[int(rng.integers(12))],
            capacity=10,
            industries={INDUSTRIES[int(x)] for x in rng.choice(len(INDUSTRIES), 3, replace=False)},
            competencies={k: round(float(rng.random()), 2) for k in names},
            birth_year=int(rng.integers(1962, 1985)),
            grid=f"g{int(rng.integers(6))}",
        )
        for j in range(m)
    ]
    return cadres, mentors


def popular_people(n: int, m: int, popular: int, seed: int = 2) -> tuple[list[Cadre], list[Mentor]]:
    """Cadres and mentors of capacity 10 where the first ``popular`` mentors top every list."""
    cadres, mentors = people(n, m, seed)
    best = dict.fromkeys(ABILITIES, 1.0)
    mentors = [
        attrs.evolve(x, competencies=best, industries=set(INDUSTRIES)) if j < popular else x
        for j, x in enumerate(mentors)
    ]
    return cadres, mentors


def candidates(row: Callable[..., None], scale: int) -> list[str]:
    """Time top_k alone and with top_per_slot on a popular-mentor zone; return summary lines."""
    n, m = 10_000 // scale, 1_000 // scale  # capacity 10 each: room for everyone
    cadres, mentors = popular_people(n, m, popular=10 // scale)
    out = []
    for label, crit in (
        ("top_k=10", Criteria(as_of=2025, top_k=10)),
        ("top_k=10, top_per_slot=2", Criteria(as_of=2025, top_k=10, top_per_slot=2)),
    ):
        t_g, g = timed(lambda: compatibility_graph(cadres, mentors, criteria=crit))  # noqa: B023
        t_m, res = timed(lambda: match(g))  # noqa: B023
        lost = len(res.unmatched)
        row(f"compatibility_graph, {label}", n, t_g, f"{g.number_of_edges():,} edges")
        row(f"match optimal, {label}", n, t_m, f"{lost:,} unmatched ({lost / n:.1%})")
        out.append(f"  unmatched, {label:<26} {lost / n:6.1%}  [<= 2% with top_per_slot]")
        g.clear()
    return out


def ortools_groups(  # noqa: PLR0917
    n: int,
    m: int,
    cap: int,
    u: np.ndarray,
    v: np.ndarray,
    w: np.ndarray,
    group: np.ndarray,
    gcap: int,
) -> int:
    """Maximum weight through a group layer: mentee -> mentor -> group -> sink."""
    from ortools.graph.python import min_cost_flow  # noqa: PLC0415

    k = int(group.max()) + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    src, snk = n + m + k, n + m + k + 1
    tails = np.concatenate((np.full(n, src), u, n + np.arange(m), n + m + np.arange(k), [src]))
    heads = np.concatenate((np.arange(n), n + v, n + m + group, np.full(k, snk), [snk]))
    caps = np.concatenate((np.ones(n), np.ones(len(u)), np.full(m, cap), np.full(k, gcap), [n]))
    costs = np.concatenate((np.zeros(n), -w, np.zeros(m + k), [0]))
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int64),
        heads.astype(np.int64),
        caps.astype(np.int64),
        costs.astype(np.int64),
    )
    supply = np.zeros(n + m + k + 2, dtype=np.int64)
    supply[src], supply[snk] = n, -n
    flow.set_nodes_supplies(np.arange(n + m + k + 2), supply)
    assert flow.solve() == flow.OPTIMAL
    return int(-flow.optimal_cost())


def new_options(row: Callable[..., None], scale: int) -> list[str]:
    """Time balance, groups, max-cardinality and mentor-proposing stable; return summary lines."""
    n, m, k, cap = 20_000 // scale, 2_000 // scale, 30, 10
    u, v, w = workload(n, m, k)
    g = to_graph(n, m, cap, u, v, w)
    t_plain, plain = timed(lambda: match(g))
    t_bal, bal = timed(lambda: match(g, balance="load"))
    assert bal.total_weight == plain.total_weight

    def share(res: Matching) -> float:
        return max(Counter(res.pairs.values()).values()) / cap

    row("match optimal", n, t_plain, f"busiest mentor {share(plain):.0%} full")
    row('match optimal, balance="load"', n, t_bal, f"busiest mentor {share(bal):.0%} full")
    # groups of 10 mentors, each group taking at most 60 of their 100 places
    mentors = sorted(x for x, d in g.nodes(data=True) if d["bipartite"] == 1)
    group = np.arange(m) // 10
    groups = {f"g{t:04d}": (60, mentors[t * 10 : t * 10 + 10]) for t in range(int(group.max()) + 1)}
    t_grp, grp = timed(lambda: match(g, groups=groups))
    t_ort, total = timed(lambda: ortools_groups(n, m, cap, u, v, w, group, 60))
    assert grp.total_weight == total, (grp.total_weight, total)
    row("match optimal, groups", n, t_grp, f"total {total}")
    row("OR-Tools min-cost flow with a group layer", n, t_ort)
    # max cardinality vs Hopcroft-Karp on the mentor slots, on a tenth of the mentees
    nh = n // 10
    uh, vh, wh = workload(nh, m // 10, min(k, m // 10), seed=11)
    gh = to_graph(nh, m // 10, cap, uh, vh, wh - 50)  # weights -49..50
    t_card, card = timed(lambda: match(gh, objective="max_cardinality_then_weight"))
    slots: nx.Graph[Any] = nx.Graph()
    left = [("L", i) for i in range(nh)]
    slots.add_nodes_from(left)
    slots.add_edges_from(
        (("L", a), ("R", b, t))
        for a, b in zip(uh.tolist(), vh.tolist(), strict=True)
        for t in range(cap)
    )
    t_hk, hk = timed(lambda: nx.bipartite.hopcroft_karp_matching(slots, top_nodes=left))
    assert len(card.assignments) == len(hk) // 2
    row("match, max_cardinality_then_weight", nh, t_card, f"{len(card.assignments):,} pairs")
    row("networkx hopcroft_karp_matching (slots)", nh, t_hk, "same size")
    t_ms, _ = timed(lambda: match(g, method="stable", proposing="mentor"))
    row('match stable, proposing="mentor"', n, t_ms)
    g.clear()
    return [
        f"  balance / plain optimal        {t_bal / t_plain:6.2f}x  (no target)",
        f"  groups / OR-Tools groups       {t_grp / t_ort:6.2f}x  (no target)",
        f"  max cardinality / hopcroft_karp {t_card / t_hk:5.2f}x  (no target)",
    ]


def documents(g: nx.Graph[Any], n: int, row: Callable[..., None]) -> float:
    """Time a matching's way out as a document and back; return dump + text seconds."""
    fresh = match(g, method="stable")
    t_table, table = timed(lambda: fresh.candidates)
    row("candidates table, derived on first use", n, t_table, f"{len(table.pair_mentors):,} pairs")
    t_dump, text = timed(lambda: json.dumps(io.dump(fresh), separators=(",", ":")), repeat=2)
    row("io.dump + JSON text", n, t_dump, f"{len(text.encode()) / 1e6:.1f} MB")
    t_load, back = timed(lambda: io.load(Matching, json.loads(text)), repeat=2)
    assert back == fresh
    row("JSON text + io.load", n, t_load)
    mentees = back.candidates.mentees[:: max(1, n // 1000)].tolist()
    t_ex_back, got = timed(lambda: [back.explain(u) for u in mentees], repeat=2)
    t_ex_fresh, want = timed(lambda: [fresh.explain(u) for u in mentees], repeat=2)
    assert got == want
    row(f"explain x{len(mentees)}, loaded matching", n, t_ex_back)
    row(f"explain x{len(mentees)}, matching from the graph", n, t_ex_fresh)
    return t_dump


def compat_vs_bare(row: Callable[..., None], scale: int) -> list[str]:
    """Time compatibility_graph at 5k x 500 (top_k=30) against a bare build of the same edges."""
    nc, mc = 5_000 // scale, 500 // scale
    cadres, mentors = people(nc, mc)
    crit = Criteria(as_of=2025, top_k=30)
    t_cg, cg = timed(lambda: compatibility_graph(cadres, mentors, criteria=crit), repeat=3)
    edges = [(a, b, d["weight"]) for a, b, d in cg.edges(data=True)]
    n_edges = cg.number_of_edges()
    del cg
    t_lean, lean = timed(
        lambda: compatibility_graph(cadres, mentors, criteria=crit, components=False), repeat=3
    )
    weights = {frozenset((a, b)): w for a, b, w in edges}
    assert {frozenset((a, b)): w for a, b, w in lean.edges(data="weight")} == weights
    del lean

    def bare() -> nx.Graph[Any]:
        h: nx.Graph[Any] = nx.Graph()
        h.add_nodes_from((c.id for c in cadres), bipartite=0)
        h.add_nodes_from(((x.id, {"capacity": x.capacity}) for x in mentors), bipartite=1)
        h.add_weighted_edges_from(edges)
        return h

    t_bare, _ = timed(bare, repeat=3)
    row("compatibility_graph (top_k=30)", nc, t_cg, f"{n_edges:,} edges, {mc} mentors")
    row("... components=False", nc, t_lean)
    row("bare networkx build of the same edges", nc, t_bare)
    return [
        f"  compatibility_graph / bare     {t_cg / t_bare:6.2f}x  [<= 2x]",
        f"  components=False / bare        {t_lean / t_bare:6.2f}x  [<= 2x]",
    ]


def compat_child(n: int, m: int, mode: str) -> None:
    """Build one large graph in this process and print its figures as JSON (run by compat_scale)."""
    if mode == "popular":  # capacity for all, ten mentors everybody's favourites
        cadres, mentors = popular_people(n, m, popular=10)
    else:
        cadres, mentors = people(n, m)
    top_per_slot = 2 if mode in {"slots", "popular"} else None
    crit = Criteria(as_of=2025, top_k=10, top_per_slot=top_per_slot)
    start, cpu = time.perf_counter(), time.process_time()
    g = compatibility_graph(cadres, mentors, criteria=crit, components=mode != "slots")
    seconds = time.perf_counter() - start
    out: dict[str, Any] = {"graph": seconds, "cpu": time.process_time() - cpu}
    out["edges"] = g.number_of_edges()
    out["graph_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # GiB
    if mode == "popular":
        start = time.perf_counter()
        res = match(g)
        out["match"] = time.perf_counter() - start
        out["unmatched"] = len(res.unmatched)
    out["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(json.dumps(out))


def compat_scale(
    row: Callable[..., None], mentees: int, mentors: int, modes: list[str]
) -> list[str]:
    """Large graphs, each built in a fresh process; return summary lines.

    With 20,000 mentors and ``top_k`` (with and without ``top_per_slot``),
    then mentors of capacity 10 for exactly all the mentees, ten of them
    everybody's favourites, matched by ``optimal``.
    """
    lines = []
    for mode, n, m, label in (
        ("top_k", mentees, mentors, "top_k=10"),
        ("slots", mentees, mentors, "... top_per_slot=2, components=False"),
        ("popular", mentees, mentees // 10, "... top_per_slot=2, popular mentors"),
    ):
        if mode not in modes:
            continue
        cmd = [sys.executable, __file__, "--compat-child", f"{n},{m},{mode}"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        got = json.loads(done.stdout.strip().splitlines()[-1])
        note = (
            f"{got['edges']:,} edges, {m:,} mentors, {got['cpu']:.1f} s CPU, "
            f"peak {got['graph_rss']:.2f} GiB"
        )
        row(f"graph, {label}", n, got["graph"], note)
        per = got["cpu"] / (n * m) * 1e9
        if "match" in got:
            lost = got["unmatched"]
            row("match optimal on it", n, got["match"], f"{lost:,} unmatched ({lost / n:.2%})")
            lines.append(f"  unmatched, popular mentors, {n:,} x {m:,}: {lost / n:6.2%}  [<= 2%]")
        else:
            lines.append(
                f"  graph, {label:<37} {per:5.2f} ns CPU per pair of {n:,} x {m:,}"
                "  [200k x 20k <= 10 s]"
            )
    return lines


def optimal_child(n: int, m: int, weights: str) -> None:
    """Match one large graph optimally in this process; print its figures as JSON.

    Mentors of capacity 10 for exactly all the mentees, 30 random candidate
    mentors each; ``weights`` is ``"integer"`` (1..100) or ``"float"``
    (uniform in [0, 1)). OR-Tools solves the same arrays in the same process.
    """
    u, v, w = workload(n, m, 30, seed=9)
    if weights == "float":
        w = np.random.default_rng(10).random(len(u))
    g = to_graph(n, m, 10, u, v, w)
    gc.collect()
    out: dict[str, Any] = {"graph_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20}
    start, cpu = time.perf_counter(), time.process_time()
    res = match(g)
    out["match"], out["cpu"] = time.perf_counter() - start, time.process_time() - cpu
    out["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    out["pairs"], out["total"] = len(res), res.total_weight
    if weights == "integer":
        g.clear()
        del res
        start = time.perf_counter()
        out["ortools_total"] = ortools_flow(n, m, 10, u, v, w)
        out["ortools"] = time.perf_counter() - start
    print(json.dumps(out))


def optimal_scale(row: Callable[..., None], scale: int) -> list[str]:
    """``match(method="optimal")`` on large graphs, each in a fresh process; summary lines."""
    lines = []
    for n, weights in ((200_000 // scale, "integer"), (50_000 // scale, "float")):
        m = n // 10
        cmd = [sys.executable, __file__, "--optimal-child", f"{n},{m},{weights}"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        got = json.loads(done.stdout.strip().splitlines()[-1])
        extra = got["rss"] - got["graph_rss"]
        note = (
            f"{weights} weights, total {got['total']:.6g}, {got['cpu']:.1f} s CPU, peak "
            f"{got['rss']:.2f} GiB ({got['graph_rss']:.2f} GiB the graph alone)"
        )
        row(f"match optimal, {weights} weights (graph in)", n, got["match"], note)
        if "ortools" in got:
            assert got["total"] == got["ortools_total"], (got["total"], got["ortools_total"])
            row("OR-Tools SimpleMinCostFlow (arrays in)", n, got["ortools"])
            lines.append(
                f"  optimal @ {n:<8,} {weights:<8}   {got['match']:6.2f} s, "
                f"{got['match'] / got['ortools']:5.2f}x OR-Tools, peak +{max(extra, 0):.2f} GiB "
                "over the graph  [<= 15 s, <= 3 GiB]"
            )
        else:
            lines.append(f"  optimal @ {n:<8,} {weights:<8}   {got['match']:6.2f} s  (no target)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument(
        "--only", choices=["all", "new", "compat", "scale"], default="all", help="sections to run"
    )
    parser.add_argument("--mentees", type=int, default=20_000, help="mentees of --only compat")
    parser.add_argument(
        "--modes", default="top_k,slots,popular", help="large graphs of --only compat"
    )
    parser.add_argument("--compat-child", help=argparse.SUPPRESS)
    parser.add_argument("--optimal-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compat_child:
        n, m, mode = args.compat_child.split(",")
        compat_child(int(n), int(m), mode)
        return
    if args.optimal_child:
        n, m, weights = args.optimal_child.split(",")
        optimal_child(int(n), int(m), weights)
        return
    scale = 10 if args.quick else 1
    k, cap = 30, 10

    def row(what: str, size: int, seconds: float, note: str = "") -> None:
        print(f"{what:<42} {size:>10,} {seconds:9.3f} s  {note}", flush=True)

    if args.only in {"new", "compat", "scale"}:
        if args.only == "new":
            lines = candidates(row, scale) + new_options(row, scale)
        elif args.only == "scale":
            lines = optimal_scale(row, scale)
        else:
            lines = compat_vs_bare(row, scale)
            modes = args.modes.split(",")
            lines += compat_scale(row, args.mentees // scale, 20_000 // scale, modes)
        print()
        print("ratios and targets (in brackets)")
        print("\n".join(lines))
        return

    # compatibility_graph vs a bare networkx build of the same edges
    compat_lines = compat_vs_bare(row, scale)

    # optimal vs OR-Tools at 20k; stable and greedy on the same graph
    n, m = 20_000 // scale, 2_000 // scale
    u, v, w = workload(n, m, k)
    g = to_graph(n, m, cap, u, v, w)
    t_parse, _ = timed(lambda: parse(g), repeat=2)
    t_ours, res = timed(lambda: match(g), repeat=3)
    t_ort, ort_total = timed(lambda: ortools_flow(n, m, cap, u, v, w), repeat=3)
    assert res.total_weight == ort_total, (res.total_weight, ort_total)
    row("reading the graph (part of every match)", n, t_parse, f"{len(u):,} edges")
    row("match optimal (graph in)", n, t_ours, f"total {res.total_weight:.0f}")
    row("OR-Tools SimpleMinCostFlow (arrays in)", n, t_ort, f"total {ort_total}")
    t_stable20, res_s = timed(lambda: match(g, method="stable"), repeat=3)
    row("match stable (graph in)", n, t_stable20, f"{len(res_s)} pairs")
    t_greedy, _ = timed(lambda: match(g, method="greedy"), repeat=3)
    row("match greedy (graph in)", n, t_greedy)
    t_doc = documents(g, n, row)
    g.clear()  # free the memory before the next section
    del res, res_s

    # the same size, off the main workload: fewer slots than mentees, many ties
    variants: list[tuple[str, float]] = []
    for label, cap_v, top in (("capacity 5", 5, 100), ("weights 1..3", cap, 3)):
        wv = np.random.default_rng(3).integers(1, top + 1, size=len(u))
        gv = to_graph(n, m, cap_v, u, v, wv)
        t_v, res_v = timed(lambda: match(gv), repeat=2)  # noqa: B023
        t_vo, total_v = timed(lambda: ortools_flow(n, m, cap_v, u, v, wv), repeat=2)  # noqa: B023
        assert res_v.total_weight == total_v
        row(f"match optimal, {label}", n, t_v, f"total {total_v}")
        row(f"OR-Tools, {label}", n, t_vo)
        variants.append((label, t_v / t_vo))
    gv.clear()
    del res_v

    # networkx network_simplex at 5k
    n5, m5 = 5_000 // scale, 500 // scale
    u5, v5, w5 = workload(n5, m5, k, seed=5)
    g5 = to_graph(n5, m5, cap, u5, v5, w5)
    t_ours5, res5 = timed(lambda: match(g5))
    t_nx5, nx_total = timed(lambda: nx_simplex(g5, n5, cap))
    assert res5.total_weight == nx_total
    row("match optimal", n5, t_ours5)
    row("networkx network_simplex", n5, t_nx5, f"total {nx_total}")
    g5.clear()
    del res5

    # matching package HR at 1k
    n1, m1 = 1_000 // scale, 100 // scale
    u1, v1, w1 = workload(n1, m1, min(k, m1), seed=7)
    g1 = to_graph(n1, m1, cap, u1, v1, w1)
    t_ours1, res1 = timed(lambda: match(g1, method="stable"))
    t_hr, hr_pairs = timed(lambda: hr_solve(g1))
    assert set(res1.assignments) == hr_pairs
    row("match stable", n1, t_ours1)
    row("matching HospitalResident", n1, t_hr, "same pairs")
    g1.clear()
    del res1

    # stable at 200k
    n2, m2 = 200_000 // scale, 20_000 // scale
    u2, v2, w2 = workload(n2, m2, k, seed=9)
    g2 = to_graph(n2, m2, cap, u2, v2, w2)
    t_parse2, _ = timed(lambda: parse(g2))
    t_stable200, res2 = timed(lambda: match(g2, method="stable"), repeat=3)
    row("reading the graph (part of every match)", n2, t_parse2, f"{len(u2):,} edges")
    row("match stable (graph in)", n2, t_stable200, f"{len(res2)} pairs")

    print()
    print("ratios and targets (in brackets)")
    print(f"  optimal / OR-Tools             {t_ours / t_ort:6.2f}x  [<= 1.3x]")
    for label, ratio in variants:
        print(f"    {label + ' (not a target)':<28} {ratio:6.2f}x")
    print(f"  optimal / network_simplex      {t_ours5 / t_nx5:6.3f}x")
    print(f"  stable / matching HR           {t_ours1 / t_hr:6.3f}x")
    print(f"  stable @ {n:<8,}              {t_stable20:6.3f} s  [<= 0.2 s]")
    print(f"  stable @ {n2:<8,}              {t_stable200:6.3f} s  [<= 1 s]")
    print("\n".join(compat_lines))
    print(f"  matching document @ {n:<8,}  {t_doc:6.3f} s  (no target)")
    print()
    lines = candidates(row, scale) + new_options(row, scale)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
