"""Benchmark: reading tables and JSON at scale, beside pandas on the same files.

Workload: a roster of 200,000 cadres (CSV and xlsx, Chinese names, every
column filled in varied ways) and 1,000,000 long assessment records (CSV).
Times cadredev's readers against the targets (roster CSV <= 2 s, roster xlsx
<= 15 s, JSON ``io.dump`` + ``io.load_many`` <= 3 s, records CSV <= 3 s) and
pandas ``read_csv`` / ``read_excel`` of the same files in the same run, and
reports the peak memory each reader allocates (tracemalloc, measured in a
separate run so it does not slow the timings). A last table shows where the
roster time goes: the validated ``Cadre`` constructor alone, on ready values.

Run: ``PYTHONPATH=src python benchmarks/bench_io.py [--quick]``
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cadredev import Cadre
from cadredev.io import dump, load_many, read_table, write_table
from cadredev.scoring import Records

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
INDUSTRIES = ("ai", "biomedicine", "green_energy", "logistics", "stone", "digital_economy")
COMPETENCIES = ("communication", "judgment", "coordination", "problem_discovery")


def build_roster(n: int, seed: int = 0) -> list[Cadre]:
    rng = np.random.default_rng(seed)
    units = [f"单位{k:02d}" for k in range(60)]
    ranks = ("section", "researcher", "division", "leadership")
    lines = (None, "investment", "project", "service", "urban")
    out = []
    for i in range(n):
        r = rng.integers(0, 1_000_000, size=8)
        name = SURNAMES[r[0] % 20] + GIVEN[r[1] % 24] + ("" if r[2] % 3 else GIVEN[r[3] % 24])
        k = int(r[4] % 3)
        out.append(
            Cadre(
                id=f"c{i:07d}",
                name=name,
                birth_year=1960 + int(r[5] % 42),
                rank=ranks[r[6] % 4],
                unit=units[r[7] % 60],
                line=lines[r[0] % 5],
                industries=frozenset(INDUSTRIES[(r[1] + j) % 6] for j in range(k)),
                competencies={
                    COMPETENCIES[(r[2] + j) % 4]: round(float(r[3] % 100) / 100, 2)
                    for j in range(k)
                },
                grid=None if r[4] % 4 == 0 else f"g{r[4] % 6}",
                gender="FM"[int(r[5] % 2)],
                joined_year=None if r[6] % 5 == 0 else 1985 + int(r[7] % 38),
            )
        )
    return out


def build_records(n_cadres: int, n_periods: int, n_indicators: int, seed: int = 0) -> Records:
    rng = np.random.default_rng(seed)
    cadre_ids = [f"c{i:07d}" for i in range(n_cadres)]
    periods = [f"2025-{m:02d}" for m in range(1, n_periods + 1)]
    rows = n_cadres * n_periods
    values = np.round(rng.gamma(2.0, 10.0, size=(rows, n_indicators)), 3)
    return Records.from_matrix(
        cadre_ids * n_periods,
        [f"x{j:02d}" for j in range(n_indicators)],
        values,
        period=[p for p in periods for _ in range(n_cadres)],
    )


CPU = {"last": 0.0}  # process CPU seconds of the best run of the last timed() call


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Return the best wall time of *repeat* runs and the last result."""
    best = float("inf")
    out = None
    for _ in range(repeat):
        out = None
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        if wall < best:
            best, CPU["last"] = wall, cpu
    return best, out


def peak_mib(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def constructor_floor(roster: list[Cadre], repeat: int) -> float:
    """Time the validated constructor alone on ready values: what no reader can beat."""
    kwargs = [
        {
            "id": c.id,
            "name": c.name,
            "birth_year": c.birth_year,
            "rank": c.rank,
            "unit": c.unit,
            "line": c.line,
            "industries": c.industries,
            "competencies": dict(c.competencies),
            "grid": c.grid,
            "gender": c.gender,
            "joined_year": c.joined_year,
        }
        for c in roster
    ]
    seconds, _ = timed(lambda: [Cadre(**kw) for kw in kwargs], repeat)
    return seconds


def parse_stage(path: Path, repeat: int) -> float:
    """Time a roster CSV up to parsed cells, without building records (internal helpers)."""
    from cadredev.io._columns import map_header, spec  # noqa: PLC0415
    from cadredev.io._delimited import decode, read_delimited  # noqa: PLC0415
    from cadredev.io._tables import _parse_block  # noqa: PLC0415

    def run() -> list[Any]:
        text = decode(path.read_bytes(), encoding="utf-8", where=path.name)
        table = read_delimited(text, delimiter=",", where=path.name)
        s = spec("Cadre")
        keys = map_header(s, table.header, table.refs, where="", columns=None, extra="error")
        used = [(j, s.by_key[k]) for j, k in enumerate(keys) if k is not None]
        return [_parse_block(table, block, used) for block in table.blocks]

    return timed(run, repeat)[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    args = parser.parse_args()
    if args.quick:
        n_cadres, rec_shape, repeat = 2_000, (1_000, 2, 5), 1
    else:
        n_cadres, rec_shape, repeat = 200_000, (10_000, 10, 10), 2
    scale = 1.0 if not args.quick else None

    t0 = time.perf_counter()
    roster = build_roster(n_cadres)
    records = build_records(*rec_shape)
    n_records = len(records)
    built = time.perf_counter() - t0
    print(f"workload: {n_cadres:,} cadres; {n_records:,} records; built in {built:.1f} s")

    tmp = Path(tempfile.mkdtemp(prefix="bench_io_"))
    roster_csv, roster_xlsx, records_csv = (
        tmp / "roster.csv",
        tmp / "roster.xlsx",
        tmp / "records.csv",
    )
    writes = [
        ("write roster CSV", timed(lambda: write_table("Cadre", roster, roster_csv), 1)[0]),
        ("write records CSV", timed(lambda: write_table("Records", records, records_csv), 1)[0]),
        (
            "write roster xlsx (openpyxl)",
            timed(lambda: write_table("Cadre", roster, roster_xlsx), 1)[0],
        ),
    ]

    # Reads, each checked against what was written.
    t_csv, got = timed(lambda: read_table("Cadre", roster_csv), repeat)
    c_csv = CPU["last"]
    assert got == tuple(roster)
    t_pd_csv, _ = timed(lambda: pd.read_csv(roster_csv), repeat)
    t_xlsx, got = timed(lambda: read_table("Cadre", roster_xlsx), 1)
    c_xlsx = CPU["last"]
    assert got == tuple(roster)
    t_pd_xlsx, _ = timed(lambda: pd.read_excel(roster_xlsx), 1)
    t_rec, got = timed(lambda: read_table("Records", records_csv), repeat)
    c_rec = CPU["last"]
    assert got == records
    t_pd_rec, _ = timed(lambda: pd.read_csv(records_csv), repeat)
    del got

    t_dump, doc = timed(lambda: dump(roster), repeat)
    c_json = CPU["last"]
    t_load, loaded = timed(lambda: load_many(Cadre, doc), repeat)
    c_json += CPU["last"]
    assert loaded == tuple(roster)
    del loaded
    text_len = len(json.dumps(doc, ensure_ascii=False))
    t_json_text, _ = timed(lambda: json.loads(json.dumps(doc, ensure_ascii=False)), 1)

    memory = {
        "csv": peak_mib(lambda: read_table("Cadre", roster_csv)),
        "pd_csv": peak_mib(lambda: pd.read_csv(roster_csv)),
        "rec": peak_mib(lambda: read_table("Records", records_csv)),
        "pd_rec": peak_mib(lambda: pd.read_csv(records_csv)),
        "json": peak_mib(lambda: load_many(Cadre, doc)),
    }
    if args.quick:  # tracemalloc slows a 200k-row xlsx read several times over
        memory["xlsx"] = peak_mib(lambda: read_table("Cadre", roster_xlsx))

    t_floor = constructor_floor(roster, repeat)
    t_parse = parse_stage(roster_csv, repeat)

    def target(seconds: float, limit: float) -> str:
        if scale is None:
            return f"<= {limit:g} s (full size only)"
        return f"<= {limit:g} s " + ("met" if seconds <= limit else "MISSED")

    rows = [
        (
            f"roster CSV, {n_cadres:,} cadres",
            t_csv,
            c_csv,
            "pandas read_csv",
            t_pd_csv,
            memory["csv"],
            memory["pd_csv"],
            target(t_csv, 2),
        ),
        (
            f"roster xlsx, {n_cadres:,} cadres",
            t_xlsx,
            c_xlsx,
            "pandas read_excel",
            t_pd_xlsx,
            memory.get("xlsx", float("nan")),
            float("nan"),
            target(t_xlsx, 15),
        ),
        (
            f"records CSV, {n_records:,} rows",
            t_rec,
            c_rec,
            "pandas read_csv",
            t_pd_rec,
            memory["rec"],
            memory["pd_rec"],
            target(t_rec, 3),
        ),
        (
            f"JSON dump + load_many, {n_cadres:,}",
            t_dump + t_load,
            c_json,
            "-",
            float("nan"),
            memory["json"],
            float("nan"),
            target(t_dump + t_load, 3),
        ),
    ]
    print()
    print(
        f"{'read':34s} {'ours s':>7s} {'cpu s':>6s} {'peer':>18s} {'peer s':>7s} {'ratio':>6s} "
        f"{'ours MiB':>9s} {'peer MiB':>9s}  target"
    )
    for name, ours, cpu, peer, theirs, mem, peer_mem, verdict in rows:
        ratio = f"{ours / theirs:5.1f}x" if theirs == theirs else "     -"  # noqa: PLR0124
        peer_s = f"{theirs:7.2f}" if theirs == theirs else "      -"  # noqa: PLR0124
        mem_s = f"{mem:9.0f}" if mem == mem else "        -"  # noqa: PLR0124
        peer_mem_s = f"{peer_mem:9.0f}" if peer_mem == peer_mem else "        -"  # noqa: PLR0124
        print(
            f"{name:34s} {ours:7.2f} {cpu:6.2f} {peer:>18s} {peer_s} {ratio} {mem_s} {peer_mem_s}"
            f"  {verdict}"
        )

    missed = [
        f"{name} ({ours:.2f} s; {verdict})"
        for name, ours, *_, verdict in rows
        if "MISSED" in verdict
    ]
    if scale is not None:
        print("targets: all met" if not missed else "targets MISSED: " + "; ".join(missed))
    print(
        "(ours s: best wall time; cpu s: this process's CPU time in that run. On a shared "
        "machine the difference is time spent waiting for a core.)"
    )
    print()
    print("where the roster time goes:")
    print(
        f"  Cadre(**values) alone, {n_cadres:,} times: {t_floor:.2f} s "
        f"({t_floor / n_cadres * 1e6:.1f} us each: the model's converters and validators)"
    )
    build = max(t_csv - t_parse, 0)
    print(
        f"  CSV: decode, split and parse the cells {t_parse:.2f} s; build the validated "
        f"cadres (constructor, garbage collector) {build:.2f} s"
    )
    print(
        f"  xlsx: unzip and parse the sheet and its cells about {max(t_xlsx - build, 0):.2f} s; "
        "build the cadres as for CSV"
    )
    print(
        f"  JSON: dump {t_dump:.2f} s, load_many {t_load:.2f} s; json text round trip "
        f"({text_len / 2**20:.0f} MiB) {t_json_text:.2f} s, not counted"
    )
    print()
    for name, seconds in writes:
        print(f"{name:34s} {seconds:7.2f} s (not a target)")
    for path in (roster_csv, roster_xlsx, records_csv):
        print(f"  {path.name}: {path.stat().st_size / 2**20:.1f} MiB")
        path.unlink()
    tmp.rmdir()


if __name__ == "__main__":
    main()
