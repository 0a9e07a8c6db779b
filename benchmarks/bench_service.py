"""The service loop at a province's scale: 40 sample years of visits and cases.

Generates the sample zone's service year once, repeats its visits 40 times
(about 200,000 visits) and its cases 50 times (about 10,000 cases, 60,000
steps), then times :func:`cadredev.service.service_metrics` per cadre and
month against the same counts made by pandas ``groupby`` on flat rows (the
peer: no checks, no records), and :func:`cadredev.service.escalate_overdue`
on every case. The two tables are checked to agree.

Target: metrics for 200,000 visits and 10,000 cases <= 1 s.

    python benchmarks/bench_service.py [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time

import attrs
import pandas as pd

from cadredev.datasets import sample_service_year, sample_zone
from cadredev.events import EnterpriseVisited
from cadredev.service import Case, escalate_overdue, service_metrics


def _peer(visits: list[EnterpriseVisited], cases: list[Case]) -> dict[tuple[str, str, str], int]:
    """Count visits, registrations, resolutions and revisits with pandas."""
    v = pd.DataFrame({"key": [x.cadre_id for x in visits], "at": [x.at for x in visits]})
    v["period"] = pd.to_datetime(v["at"]).dt.strftime("%Y-%m")
    out = {(k, p, "visits"): int(n) for (k, p), n in v.groupby(["key", "period"]).size().items()}
    steps = pd.DataFrame(
        [(c.cadre_id, s.at, s.event) for c in cases for s in c.steps],
        columns=["key", "at", "event"],
    )
    steps["period"] = pd.to_datetime(steps["at"]).dt.strftime("%Y-%m")
    steps["event"] = steps["event"].replace({"reopen": "revisit"})
    for event, name in (("register", "cases_registered"), ("revisit", "revisits")):
        chosen = steps[steps["event"] == event]
        counts = chosen.groupby(["key", "period"]).size()
        out |= {(k, p, name): int(n) for (k, p), n in counts.items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    args = parser.parse_args()
    year = sample_service_year(sample_zone(), seed=0)
    repeat_visits, repeat_cases = (4, 5) if args.quick else (40, 50)
    visits = list(year.visits) * repeat_visits
    cases = [attrs.evolve(c, id=f"{c.id}-{k}") for k in range(repeat_cases) for c in year.cases]
    steps = sum(len(c.steps) for c in cases)
    print(f"{len(visits):,} visits, {len(cases):,} cases, {steps:,} steps")

    start = time.perf_counter()
    metrics = service_metrics(cases, visits=visits, period="month")
    ours = time.perf_counter() - start
    start = time.perf_counter()
    records = metrics.records()
    to_records = time.perf_counter() - start
    start = time.perf_counter()
    peer = _peer(visits, cases)
    theirs = time.perf_counter() - start
    mine = {
        (r.key, r.period, name): r[name]
        for r in metrics.rows
        for name in ("visits", "cases_registered", "revisits")
        if r[name]
    }
    assert mine == peer, "the two counts differ"
    start = time.perf_counter()
    sweep = escalate_overdue(cases, year.policy, as_of=dt.date(year.year + 1, 3, 1))
    swept = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    print(f"{'what':<46} {'seconds':>8}")
    print(f"{'service_metrics (all indicators)':<46} {ours:8.3f}")
    print(f"{'  .records()':<46} {to_records:8.3f}")
    print(f"{'pandas groupby (visits, registered, revisits)':<46} {theirs:8.3f}")
    print(f"{'escalate_overdue, every case':<46} {swept:8.3f}")
    print(f"ratio ours / pandas: {ours / theirs:.2f}; target 1 s: {ours:.2f} s")
    print(f"{len(records.cadres)} cadres in records, {len(sweep.escalations)} escalations")
    print(f"{'  peak resident memory of the process':<46} {peak / 2**20:8.1f}M")


if __name__ == "__main__":
    main()
