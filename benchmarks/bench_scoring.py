"""Benchmark: score() on 1,000,000 cadre-periods x 20 indicators, 1,000 units.

Times cadredev's absolute score with per-unit quota grading against pymcdm and
scikit-criteria TOPSIS and weighted-sum on the same matrix, in the same run
(scikit-criteria is skipped, and said so, when it is not installed), and
reports the extra memory score() allocates (tracemalloc peak) relative to the
input matrix. Then the interchange figures of the sample zone's year table:
its JSON size and the time to write it, read it back and explain a cadre of
the table read back.

Run: ``PYTHONPATH=src python benchmarks/bench_scoring.py [--quick]``
"""

from __future__ import annotations

import argparse
import gc
import json
import time
import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pymcdm.methods as pm

from cadredev import Cadre, io
from cadredev.datasets import sample_zone
from cadredev.scoring import Grade, Indicator, Records, Scheme, ScoreTable, Target, rollup, score

with warnings.catch_warnings():  # scikit-criteria warns about its own deprecations on import
    warnings.simplefilter("ignore")
    try:
        import skcriteria as skc
        from skcriteria.agg.simple import WeightedSumModel
        from skcriteria.agg.topsis import TOPSIS
    except ImportError:
        skc = None


def build(n_cadres: int, n_periods: int, n_units: int, k: int, seed: int = 0) -> Any:
    rng = np.random.default_rng(seed)
    cadre_ids = [f"c{i:07d}" for i in range(n_cadres)]
    cadres = [
        Cadre(
            id=cid,
            name=cid,
            birth_year=1990,
            rank="section",
            unit=f"u{i % n_units:04d}",
            line="investment",
        )
        for i, cid in enumerate(cadre_ids)
    ]
    months = [f"2025-{m:02d}" for m in range(1, n_periods + 1)]
    row_ids = cadre_ids * n_periods
    row_periods = [p for p in months for _ in range(n_cadres)]
    values = rng.gamma(2.0, 10.0, size=(n_cadres * n_periods, k))
    inds = [f"x{j:02d}" for j in range(k)]
    scheme = Scheme(
        name="bench",
        indicators=[
            Indicator(
                id=inds[j],
                normalise=Target(0, 20 + j, stretch=40 + 2 * j, cap=1.2)
                if j % 2 == 0
                else Target(5, 30 + j),
                weight=1 + j % 3,
            )
            for j in range(k)
        ],
        grades=(
            Grade("excellent", "优秀", quota=0.2),
            Grade("competent", "称职", min_score=50.0),
            Grade("basic", "基本称职"),
        ),
        group_by="unit",
        ties="exclude_block",
    )
    records = Records.from_matrix(row_ids, inds, values, period=row_periods)
    weights = np.array([ind.weight for ind in scheme.all_indicators])
    return scheme, cadres, records, values, weights


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best = float("inf")
    out = None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    args = parser.parse_args()
    if args.quick:
        n_cadres, n_periods, n_units, k, repeat = 2_000, 3, 20, 20, 1
    else:
        n_cadres, n_periods, n_units, k, repeat = 83_334, 12, 1_000, 20, 3
    t0 = time.perf_counter()
    scheme, cadres, records, values, weights = build(n_cadres, n_periods, n_units, k)
    t_build = time.perf_counter() - t0
    row_ids = list(records.cadres) * n_periods
    row_periods = [p for p in records.periods for _ in range(n_cadres)]
    t_records, _ = timed(
        lambda: Records.from_matrix(row_ids, records.indicators, values, period=row_periods), 1
    )
    n = values.shape[0]
    print(f"workload: {n:,} cadre-periods x {k} indicators, {n_units:,} units, {n_periods} periods")

    t_ours, table = timed(lambda: score(scheme, cadres, records), repeat)
    gc.collect()
    tracemalloc.start()
    score(scheme, cadres, records)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ratio_mem = peak / values.nbytes

    results = [("cadredev score() + per-unit grading", t_ours)]
    types = np.ones(k)
    w = weights / weights.sum()
    results.append(("pymcdm TOPSIS", timed(lambda: pm.TOPSIS()(values, w, types), repeat)[0]))
    results.append(("pymcdm WSM", timed(lambda: pm.WSM()(values, w, types), repeat)[0]))
    if skc is None:
        print("scikit-criteria is not installed: its TOPSIS and weighted sum are not timed")
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")

            dm = skc.mkdm(values, [max] * k, weights=w)  # built once, outside the timings
            results.append(
                ("scikit-criteria TOPSIS", timed(lambda: TOPSIS().evaluate(dm), repeat)[0])
            )
            results.append(
                (
                    "scikit-criteria WeightedSum",
                    timed(lambda: WeightedSumModel().evaluate(dm), repeat)[0],
                )
            )
    print(f"{'method':40s} {'seconds':>9s} {'ratio':>8s}")
    for name, t in results:
        print(f"{name:40s} {t:9.3f} {t / t_ours:8.1f}x")
    fastest_peer = min(t for name, t in results[1:])
    print(f"speed-up over the fastest peer: {fastest_peer / t_ours:.1f}x (target >= 10x)")
    print(f"score() time: {t_ours:.3f} s (target <= 0.5 s at full size)")
    print(
        f"one-off set-up, not timed above: Records.from_matrix {t_records:.3f} s "
        f"(encodes {n:,} string ids), whole workload build {t_build:.1f} s"
    )
    print(f"score() extra memory: {peak / 2**20:.0f} MiB = {ratio_mem:.2f}x input (target <= 2x)")
    labels, counts = np.unique(table.grade.astype(str), return_counts=True)
    print("grades:", ", ".join(f"{a} {int(b):,}" for a, b in zip(labels, counts, strict=True)))
    t_explain, _ = timed(lambda: table.explain(table.cadres.ids[-1], period=records.periods[-1]), 1)
    print(f"explain one cadre of the large table: {t_explain * 1000:.1f} ms")
    interchange()


def interchange() -> None:
    """Print the JSON size of the sample zone's year table and its round-trip times."""
    zone = sample_zone()
    assert zone.scheme is not None
    assert zone.records is not None
    year = score(zone.scheme, zone.cadres, rollup(zone.records, zone.scheme, to="year"))
    t_dump, text = timed(
        lambda: json.dumps(io.dump(year), ensure_ascii=False, separators=(",", ":")), 5
    )
    t_load, back = timed(lambda: io.load(ScoreTable, json.loads(text)), 5)
    assert back == year
    t_explain, _ = timed(lambda: io.load(ScoreTable, json.loads(text)).explain("c001"), 5)
    print(
        f"sample zone year table ({len(year)} rows): {len(text.encode()):,} bytes of compact "
        f"JSON; dump {t_dump * 1000:.1f} ms, load {t_load * 1000:.1f} ms, "
        f"load and explain a cadre {t_explain * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
