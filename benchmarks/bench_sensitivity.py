"""Benchmark: sensitivity() on 100,000 cadres x 20 weights; acceptability() draws; compare().

The target (the *Scoring for real schemes* issue) is sensitivity intervals
for 100k cadres x 20 weights in at most 1 s. There is no peer library for
per-cadre weight intervals; the naive way is re-scoring: one score() call
per probe, and a bisection needs about 40 probes per weight (to ~1e-12 of
the weight), so the naive cost is estimated as 20 x 40 score() calls, with
score() timed in the same run. Peak memory is the tracemalloc peak of the
call, relative to the score table's matrix of values.

Run: ``PYTHONPATH=src python benchmarks/bench_sensitivity.py [--quick]``
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from cadredev import Cadre
from cadredev.scoring import (
    Grade,
    Indicator,
    Records,
    Scheme,
    Target,
    acceptability,
    compare,
    score,
    sensitivity,
)

GRADES = (
    Grade("excellent", "优秀", quota=0.2, min_score=85),
    Grade("competent", "称职", min_score=60),
    Grade("basic", "基本称职", min_score=40),
    Grade("incompetent", "不称职"),
)


def build(n: int, k: int, units: int, seed: int = 0) -> tuple[Scheme, list[Cadre], Records]:
    rng = np.random.default_rng(seed)
    ids = [f"c{i:07d}" for i in range(n)]
    cadres = [
        Cadre(
            id=c,
            name=c,
            birth_year=1990,
            rank="section",
            unit=f"u{i % units:04d}",
            line="investment",
        )
        for i, c in enumerate(ids)
    ]
    inds = [
        Indicator(id=f"x{j:02d}", normalise=Target(0, 40), weight=float(1 + j % 5))
        for j in range(k)
    ]
    scheme = Scheme(name="bench", indicators={"investment": inds}, grades=GRADES)
    values = rng.gamma(2.0, 10.0, size=(n, k))
    rec = Records.from_matrix(ids, [i.id for i in inds], values, period="2025-01")
    return scheme, cadres, rec


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def peak(fn: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    fn()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="10k cadres instead of 100k")
    args = parser.parse_args()
    n = 10_000 if args.quick else 100_000
    k, units = 20, 1_000
    scheme, cadres, rec = build(n, k, units)
    t_score, table = best_of(lambda: score(scheme, cadres, rec), 3)
    t_sens, sens = best_of(lambda: sensitivity(table), 3)
    mem = peak(lambda: sensitivity(table))
    input_bytes = n * k * 8
    finite = int(np.isfinite(sens.high).sum() + (sens.low > 0).sum())
    naive = 20 * 40 * t_score
    print(f"sensitivity: {n:,} cadres x {k} weights, {units:,} units, quota grading")
    print(
        f"  cadredev sensitivity   {t_sens:8.3f} s   (target <= 1 s: "
        f"{'met' if t_sens <= 1 else 'MISSED'})"
    )
    print(f"  score() once           {t_score:8.3f} s")
    print(
        f"  naive re-scoring est.  {naive:8.1f} s   (20 weights x 40 probes x score(); "
        f"ratio {naive / t_sens:,.0f}x)"
    )
    print(
        f"  peak memory            {mem / 2**20:8.1f} MiB = {mem / input_bytes:.1f}x the "
        f"{input_bytes / 2**20:.1f} MiB value matrix"
    )
    print(f"  finite interval ends   {finite:,} of {2 * n * k:,}")

    samples = 20
    t_acc, _ = best_of(lambda: acceptability(table, bounds=0.2, samples=samples, seed=0), 1)
    print(
        f"acceptability: {samples} weight draws over {n:,} cadres: {t_acc:.3f} s "
        f"({t_acc / samples * 1000:.1f} ms per draw)"
    )

    other = Scheme(
        name="other",
        indicators={
            "investment": [
                Indicator(id=i.id, normalise=i.normalise, weight=1.0) for i in scheme.all_indicators
            ]
        },
        grades=GRADES,
    )
    table_b = score(other, cadres, rec)
    t_cmp, c = best_of(lambda: compare(table, table_b), 1)
    print(
        f"compare: {n:,} rows, {len(c.flips):,} grade flips, tau {c.kendall_tau:.4f}: {t_cmp:.3f} s"
    )


if __name__ == "__main__":
    main()
