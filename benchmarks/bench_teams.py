"""Benchmark team formation at scale.

Workloads (issue targets on a 2-core machine):

1. 20,000 cadres into 200 balanced teams (<= 5 s), balancing cohort alone,
   cohort + line + gender, and cohort + unit (40 units). Compared in the
   same run with a random shuffle and with the stratified deal before the
   local search.
2. 2,000 cadres into teams of 2-3 by shared industry (<= 5 s): 800 teams
   (400 pairs, 400 triples), and 1,000 pairs compared with networkx
   ``max_weight_matching`` (same optimum, time ratio) and a random shuffle.

Run: ``PYTHONPATH=src python benchmarks/bench_teams.py``
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Callable, Sequence
from typing import Any

import networkx as nx
import numpy as np

from cadredev import Cadre, Teams, form_teams
from cadredev.teams._form import build_teams

AS_OF = 2025
N_INDUSTRIES = 40


def roster(n: int, seed: int, n_industries: int = N_INDUSTRIES) -> list[Cadre]:
    rng = np.random.default_rng(seed)
    industries = [f"ind{j:03d}" for j in range(n_industries)]
    weights = rng.dirichlet(np.full(n_industries, 0.7))
    lines = ("investment", "project", "service")
    out = []
    for i in range(n):
        k = int(rng.choice((1, 2), p=(0.6, 0.4)))
        out.append(
            Cadre(
                id=f"c{i:05d}",
                name="",
                birth_year=int(rng.integers(1966, 2002)),
                rank="section",
                unit=f"unit{int(rng.integers(40)):02d}",
                line=lines[int(rng.choice(3, p=(0.3, 0.3, 0.4)))],
                industries=frozenset(
                    rng.choice(industries, size=k, replace=False, p=weights).tolist()
                ),
                gender="F" if rng.random() < 0.4 else "M",
            )
        )
    return out


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[Any, float]:
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return out, best


def random_worst(people: Sequence[Cadre], k: int, balance: Sequence[str], seed: int) -> float:
    """Worst deviation (points) of a plain random shuffle cut into k even teams."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(people))
    team = np.empty(len(people), dtype=np.int64)
    team[order] = np.arange(len(people)) % k
    sizes = np.bincount(team, minlength=k)
    worst = 0.0
    for attr in balance:
        values = [
            str(c.cohort(as_of=AS_OF)) if attr == "cohort" else str(getattr(c, attr))
            for c in people
        ]
        cats, codes = np.unique(values, return_inverse=True)
        counts = np.zeros((k, len(cats)))
        np.add.at(counts, (team, codes), 1)
        overall = np.bincount(codes, minlength=len(cats)) / len(people)
        worst = max(worst, 100 * float(np.abs(counts / sizes[:, None] - overall).max()))
    return worst


def random_cohesion(people: Sequence[Cadre], sizes: Sequence[int], seed: int) -> float:
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(people))
    at = 0
    cohesive = 0
    for s in sizes:
        members = [people[i] for i in order[at : at + s]]
        at += s
        cohesive += bool(frozenset.intersection(*(c.industries for c in members)))
    return cohesive / len(sizes)


def networkx_pairs(people: Sequence[Cadre]) -> int:
    graph: nx.Graph[int] = nx.Graph()
    graph.add_nodes_from(range(len(people)))
    holders: dict[str, list[int]] = {}
    for i, c in enumerate(people):
        for key in c.industries:
            holders.setdefault(key, []).append(i)
    for ids in holders.values():
        graph.add_edges_from(itertools.combinations(ids, 2))
    return len(nx.max_weight_matching(graph, maxcardinality=True))


def balance_rows(people: list[Cadre]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for balance in (("cohort",), ("cohort", "line", "gender"), ("cohort", "unit")):
        kwargs: dict[str, Any] = {
            "n_teams": 200,
            "size": None,
            "balance": balance,
            "cohesion": (),
            "leaders": None,
            "seed": 0,
            "as_of": AS_OF,
        }
        ours, t_ours = timed(functools.partial(form_teams, people, **kwargs))
        deal, _ = timed(functools.partial(build_teams, people, improve=False, **kwargs))
        shuffle_worst, _ = timed(functools.partial(random_worst, people, 200, balance, 0))
        assert isinstance(ours, Teams)
        assert isinstance(deal, Teams)
        rows.append(
            (
                "+".join(balance),
                f"{t_ours:.2f}",
                f"{ours.report().worst_deviation:.2f}",
                f"{deal.report().worst_deviation:.2f}",
                f"{shuffle_worst:.2f}",
                f"{shuffle_worst / max(ours.report().worst_deviation, 1e-9):.1f}x",
                "yes" if t_ours <= 5 else "NO",
            )
        )
    return rows


def main() -> None:
    print("building rosters ...")
    big = roster(20_000, seed=1)
    dense = roster(2_000, seed=2)
    # many industries, so that a fully cohesive split is impossible
    sparse = roster(2_000, seed=2, n_industries=1_500)

    print("\n20,000 cadres into 200 balanced teams (worst deviation in points)")
    head = ("balance", "time s", "ours", "deal only", "random", "random/ours", "<= 5 s")
    table = [head, *balance_rows(big)]
    for row in table:
        print("  " + " | ".join(f"{x:>14}" for x in row))

    head2 = ("workload", "time s", "cohesive", "random", "peer", "peer s", "<= 5 s")
    print("\n2,000 cadres into teams of 2-3 by shared industry")
    print("  " + " | ".join(f"{x:>14}" for x in head2))
    for label, small in (("40 ind.", dense), ("1500 ind.", sparse)):
        for row in cohesion_rows(label, small):
            print("  " + " | ".join(f"{x:>14}" for x in row))


def cohesion_rows(label: str, small: list[Cadre]) -> list[tuple[str, ...]]:
    mixed, t_mixed = timed(
        lambda: form_teams(
            small, n_teams=800, size=(2, 3), cohesion=("industries",), balance=(), seed=0
        )
    )
    mixed_bal, t_mixed_bal = timed(
        lambda: form_teams(
            small, n_teams=800, size=(2, 3), cohesion=("industries",), seed=0, as_of=AS_OF
        )
    )
    pairs, t_pairs = timed(
        lambda: form_teams(small, size=2, cohesion=("industries",), balance=(), seed=0)
    )
    nx_count, t_nx = timed(lambda: networkx_pairs(small))
    assert isinstance(mixed, Teams)
    assert isinstance(mixed_bal, Teams)
    assert isinstance(pairs, Teams)
    assert pairs.report().cohesive_teams == nx_count, "pairs must match networkx's optimum"
    rand_mixed = random_cohesion(small, mixed.sizes, 0)
    rand_pairs = random_cohesion(small, pairs.sizes, 0)
    return [
        (
            f"{label} 800x2-3",
            f"{t_mixed:.2f}",
            f"{mixed.report().cohesion_share:.3f}",
            f"{rand_mixed:.3f}",
            "-",
            "-",
            "yes" if t_mixed <= 5 else "NO",
        ),
        (
            "  + cohort",
            f"{t_mixed_bal:.2f}",
            f"{mixed_bal.report().cohesion_share:.3f}",
            f"{rand_mixed:.3f}",
            (
                f"dev {mixed_bal.report().initial_worst_deviation:.0f}"
                f"->{mixed_bal.report().worst_deviation:.0f}"
            ),
            "-",
            "yes" if t_mixed_bal <= 5 else "NO",
        ),
        (
            f"{label} pairs",
            f"{t_pairs:.2f}",
            f"{pairs.report().cohesion_share:.3f}",
            f"{rand_pairs:.3f}",
            f"nx {nx_count / len(pairs):.3f}",
            f"{t_nx:.2f} ({t_nx / t_pairs:.1f}x)",
            "yes" if t_pairs <= 5 else "NO",
        ),
    ]


if __name__ == "__main__":
    main()
