"""Time squad selection (HiGHS through scipy) against OR-Tools CP-SAT, and judging.

Run: ``python benchmarks/bench_selection.py [--candidates N] [--size K]``.
Prints, for one random pool, our ``select_squad`` time and the time of an
independent CP-SAT model of the same rules (1 worker), the ratio, both
optimal totals (they must agree) and our peak memory; then the time to
judge contestants by a panel with the additive model.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from typing import Any

import numpy as np

from cadredev import Cadre
from cadredev.contests import Criterion, Judge, Panel, judge
from cadredev.selection import Diversity, Quota, select_squad

LINES = ("investment", "project", "service")
INDUSTRIES = ("stone", "logistics", "furniture", "plating", "ai", "biomedicine")


def _pool(n: int, rng: np.random.Generator) -> tuple[list[Cadre], dict[str, int]]:
    cadres = [
        Cadre(
            id=f"c{k:05d}",
            name="",
            birth_year=int(rng.integers(1970, 2000)),
            rank=str(rng.choice(["section", "division"])),
            unit=f"u{int(rng.integers(0, 12))}",
            line=str(rng.choice(LINES)),
            industries=frozenset(
                str(x) for x in rng.choice(INDUSTRIES, size=int(rng.integers(0, 3)), replace=False)
            ),
        )
        for k in range(n)
    ]
    return cadres, {c.id: int(rng.integers(0, 1000)) for c in cadres}


def _rules(size: int) -> list[Any]:
    return [
        Quota(by="line", value="investment", at_least=int(size * 0.79)),
        Quota(by="rank", value="division", at_least=size // 4, at_most=size // 3),
        Quota(by="unit", at_most=max(2, size // 5)),
        Quota(by="industry", value="stone", at_least=2),
        Diversity(by="industry", at_least=5),
    ]


def _values(c: Cadre, by: str) -> set[str]:
    if by == "industry":
        return set(c.industries)
    if by == "line":
        return {c.line.value} if c.line else set()
    if by == "rank":
        return {c.rank.value}
    return {c.unit}


def _cp_sat(cadres: list[Cadre], size: int, rules: list[Any], fit: dict[str, int]) -> float:
    from ortools.sat.python import cp_model  # noqa: PLC0415

    model = cp_model.CpModel()
    x = {c.id: model.NewBoolVar(c.id) for c in cadres}
    model.Add(sum(x.values()) == size)
    for rule in rules:
        values = sorted(set().union(*(_values(c, rule.by) for c in cadres)))
        if isinstance(rule, Diversity):
            covered = []
            for v in values:
                y = model.NewBoolVar(v)
                holders = [x[c.id] for c in cadres if v in _values(c, rule.by)]
                model.AddBoolOr(holders).OnlyEnforceIf(y)
                covered.append(y)
            model.Add(sum(covered) >= rule.at_least)
            continue
        for v in [rule.value] if rule.value is not None else values:
            count = sum(x[c.id] for c in cadres if v in _values(c, rule.by))
            model.Add(count >= rule.at_least)
            if rule.at_most is not None:
                model.Add(count <= rule.at_most)
    model.Maximize(sum(fit[c.id] * x[c.id] for c in cadres))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.Solve(model)
    return float(solver.ObjectiveValue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--size", type=int, default=48)
    parser.add_argument("--contestants", type=int, default=500)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    cadres, fit = _pool(args.candidates, rng)
    rules = _rules(args.size)
    # warm up: imports and first calls are not what is measured
    small, small_fit = _pool(30, rng)
    select_squad(small, 5, composition=_rules(5)[:1], fit=small_fit)
    _cp_sat(small, 5, _rules(5)[:1], small_fit)

    tracemalloc.start()
    start = time.perf_counter()
    squad = select_squad(cadres, args.size, composition=rules, fit=fit)
    ours = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    start = time.perf_counter()
    peer = _cp_sat(cadres, args.size, rules, fit)
    theirs = time.perf_counter() - start
    print(f"select_squad: {args.candidates} candidates, squad of {args.size}, {len(rules)} rules")
    print(
        f"  ours (HiGHS)   {ours:8.3f} s  total fit {squad.total_fit:.0f}  "
        f"peak {peak / 2**20:.1f} MiB"
    )
    print(f"  CP-SAT (1 cpu) {theirs:8.3f} s  total fit {peer:.0f}")
    print(f"  ratio ours/CP-SAT {ours / theirs:.2f}; totals agree: {squad.total_fit == peer}")

    judges = [Judge(id=f"j{k}") for k in range(9)]
    panel = Panel(judges=judges, criteria=[Criterion(id="x")], method="additive")
    people = [{"id": f"c{k:04d}"} for k in range(args.contestants)]
    marks = [
        (j.id, p["id"], "x", float(rng.integers(50, 100)))
        for j in judges
        for p in people
        if rng.random() < 0.8
    ]
    start = time.perf_counter()
    judge(panel, people, marks)
    print(
        f"judge (additive): {args.contestants} contestants x 9 judges, {len(marks)} marks: "
        f"{time.perf_counter() - start:.3f} s"
    )


if __name__ == "__main__":
    main()
