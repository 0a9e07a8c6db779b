"""Benchmark: score() at national scale from a columnar roster, against pymcdm and scikit-criteria.

Three workloads, each timed with its peers in the same run:

1. building a 1,000,000-cadre ``Roster`` from numpy arrays and from a pandas
   DataFrame (every column validated);
2. 1,000,000 distinct cadres x 20 indicators in one period, graded with
   per-unit quotas over 1,000 units, against pymcdm's and scikit-criteria's
   weighted sum and TOPSIS on the same matrix;
3. 1,000,008 cadre-periods (83,334 cadres x 12 months), from the roster and
   from ``Cadre`` records.

Each score() also reports the extra memory it allocates (tracemalloc peak)
relative to the input matrix. Then the interchange figures of the sample
zone's year table: its JSON size and the time to write it, read it back and
explain a cadre of the table read back. scikit-criteria is skipped, and
said so, when it is not installed.

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
import pandas as pd
import pymcdm.methods as pm

from cadredev import Roster, io
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

N_UNITS = 1_000
K = 20


def scheme_of(k: int) -> Scheme:
    return Scheme(
        name="bench",
        indicators=[
            Indicator(
                id=f"x{j:02d}",
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


def columns(n: int) -> dict[str, Any]:
    """Return the roster columns of ``n`` cadres in ``N_UNITS`` units, as a personnel export."""
    ids = np.array([f"c{i:07d}" for i in range(n)], dtype=object)
    units = np.array([f"u{i % N_UNITS:04d}" for i in range(n)], dtype=object)
    return {
        "id": ids,
        "name": ids,
        "birth_year": 1960 + np.arange(n) % 40,
        "rank": np.array(["section", "division", "researcher"], dtype=object)[np.arange(n) % 3],
        "unit": units,
        "line": np.full(n, "investment", dtype=object),
        "joined_year": 2000 + np.arange(n) % 25,
    }


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best = float("inf")
    out = None
    for _ in range(repeat):
        out = None
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def peak_memory(fn: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def peers(values: np.ndarray, weights: np.ndarray, repeat: int) -> list[tuple[str, float]]:
    k = values.shape[1]
    types = np.ones(k)
    w = weights / weights.sum()
    out = [
        ("pymcdm WSM (weighted sum)", timed(lambda: pm.WSM()(values, w, types), repeat)[0]),
        ("pymcdm TOPSIS", timed(lambda: pm.TOPSIS()(values, w, types), repeat)[0]),
    ]
    if skc is None:
        print("scikit-criteria is not installed: its TOPSIS and weighted sum are not timed")
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dm = skc.mkdm(values, [max] * k, weights=w)  # built once, outside the timings
        out.append(
            (
                "scikit-criteria WeightedSum",
                timed(lambda: WeightedSumModel().evaluate(dm), repeat)[0],
            )
        )
        out.append(("scikit-criteria TOPSIS", timed(lambda: TOPSIS().evaluate(dm), repeat)[0]))
    return out


def report(rows: list[tuple[str, float]], ours: float) -> None:
    print(f"  {'method':44s} {'seconds':>9s} {'ratio':>8s}")
    for name, t in rows:
        print(f"  {name:44s} {t:9.3f} {t / ours:8.1f}x")


def build_rosters(n: int, repeat: int) -> Roster:
    cols = columns(n)
    t_arrays, roster = timed(lambda: Roster.from_arrays(**cols), repeat)
    assert isinstance(roster, Roster)
    frame = pd.DataFrame(cols)
    t_frame, again = timed(lambda: Roster.from_pandas(frame), repeat)
    assert again == roster
    cat = frame.astype({"rank": "category", "unit": "category", "line": "category"})
    t_cat, _ = timed(lambda: Roster.from_pandas(cat), repeat)
    size = sum(np.asarray(v).nbytes for v in cols.values())
    print(f"1. Roster of {n:,} cadres ({N_UNITS:,} units), every column validated:")
    print(f"  from numpy arrays            {t_arrays:7.3f} s (target <= 0.3 s)")
    print(f"  from a DataFrame             {t_frame:7.3f} s (target <= 1 s)")
    print(f"  from a DataFrame, categories {t_cat:7.3f} s")
    print(f"  (array buffers {size / 2**20:.0f} MiB, strings not counted)")
    return roster


def distinct(roster: Roster, repeat: int) -> None:
    n = len(roster)
    rng = np.random.default_rng(0)
    values = rng.gamma(2.0, 10.0, size=(n, K))
    scheme = scheme_of(K)
    ids = roster.ids
    t_rec, records = timed(
        lambda: Records.from_matrix(ids, scheme.indicator_ids, values, period="2025-01"), 1
    )
    t_ours, table = timed(lambda: score(scheme, roster, records), repeat)
    peak = peak_memory(lambda: score(scheme, roster, records))
    weights = np.array([i.weight for i in scheme.all_indicators])
    print(
        f"2. {n:,} distinct cadres x {K} indicators, one period, graded per unit "
        f"({N_UNITS:,} units), from the roster:"
    )
    rows = [("cadredev score() from a Roster", t_ours), *peers(values, weights, 1)]
    report(rows, t_ours)
    wsm = rows[1][1]
    fastest = min(t for _, t in rows[1:])
    print(f"  score(): {t_ours:.3f} s (target <= 0.5 s); pymcdm WSM / ours {wsm / t_ours:.1f}x")
    print(f"  (target >= 10x); fastest peer / ours {fastest / t_ours:.1f}x")
    print(
        f"  extra memory {peak / 2**20:.0f} MiB = {peak / values.nbytes:.2f}x the input "
        f"matrix (target <= 2x); Records.from_matrix once {t_rec:.3f} s"
    )
    grades, counts = np.unique(table.grade.astype(str), return_counts=True)
    print("  grades:", ", ".join(f"{a} {int(b):,}" for a, b in zip(grades, counts, strict=True)))
    t_explain, _ = timed(lambda: table.explain(table.cadres.ids[-1]), 1)
    print(f"  explain one cadre of the large table: {t_explain * 1000:.1f} ms")


def periods(n_cadres: int, n_periods: int, repeat: int) -> None:
    cols = columns(n_cadres)
    roster = Roster.from_arrays(**cols)
    t0 = time.perf_counter()
    people = roster.to_cadres()
    t_people = time.perf_counter() - t0
    rng = np.random.default_rng(1)
    months = [f"2025-{m:02d}" for m in range(1, n_periods + 1)]
    values = rng.gamma(2.0, 10.0, size=(n_cadres * n_periods, K))
    scheme = scheme_of(K)
    row_ids = np.tile(roster.ids, n_periods)
    row_periods = np.repeat(np.array(months, dtype=object), n_cadres)
    t_rec, records = timed(
        lambda: Records.from_matrix(row_ids, scheme.indicator_ids, values, period=row_periods), 1
    )
    t_ours, table = timed(lambda: score(scheme, roster, records), repeat)
    t_objects, again = timed(lambda: score(scheme, people, records), repeat)
    assert again == table
    peak = peak_memory(lambda: score(scheme, roster, records))
    weights = np.array([i.weight for i in scheme.all_indicators])
    n = values.shape[0]
    print(f"3. {n:,} cadre-periods ({n_cadres:,} cadres x {n_periods} months) x {K} indicators:")
    rows = [
        ("cadredev score() from a Roster", t_ours),
        ("cadredev score() from Cadre records", t_objects),
        *peers(values, weights, 1),
    ]
    report(rows, t_ours)
    print(f"  score() from the roster: {t_ours:.3f} s (target <= 0.1 s)")
    print(
        f"  extra memory {peak / 2**20:.0f} MiB = {peak / values.nbytes:.2f}x the input; "
        f"Records.from_matrix once {t_rec:.3f} s; {n_cadres:,} Cadre records {t_people:.1f} s"
    )


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
        f"4. sample zone year table ({len(year)} rows): {len(text.encode()):,} bytes of compact "
        f"JSON; dump {t_dump * 1000:.1f} ms, load {t_load * 1000:.1f} ms, "
        f"load and explain a cadre {t_explain * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    args = parser.parse_args()
    n, n_cadres, n_periods, repeat = 1_000_000, 83_334, 12, 3
    if args.quick:
        n, n_cadres, n_periods, repeat = 20_000, 2_000, 3, 1
    roster = build_rosters(n, repeat)
    distinct(roster, repeat)
    del roster
    periods(n_cadres, n_periods, repeat)
    interchange()


if __name__ == "__main__":
    main()
