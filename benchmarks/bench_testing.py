"""Time the whole property battery of ``check_scheme`` on one scheme.

Run: ``python benchmarks/bench_testing.py [--examples N]``. Checks every
property on the sample zone's scheme (which passes them all) and on a
min-max variant (which fails independence, so the time includes shrinking),
prints the time per property and in total, the ratio to the one-minute
budget, and for reference the cost of the scoring calls alone: the same
number of small ``score`` calls without hypothesis (no scoring or MCDA
library offers property checks to compare with).
"""

from __future__ import annotations

import argparse
import time

import attrs
import numpy as np

from cadredev import Cadre
from cadredev.datasets import sample_scheme
from cadredev.scoring import MinMax, Records, Scheme, score
from cadredev.testing import ALL, check_scheme
from cadredev.testing._runner import DEFAULT_EXAMPLES

BUDGET = 60.0


def min_max(scheme: Scheme) -> Scheme:
    inds = {
        line: [attrs.evolve(i, normalise=MinMax()) if i.id == "visits" else i for i in items]
        for line, items in scheme.indicators.items()  # type: ignore[union-attr]
    }
    return attrs.evolve(scheme, name="sample, visits min-max", indicators=inds)


def battery(scheme: Scheme, examples: int) -> tuple[dict[str, float], float, str]:
    per: dict[str, float] = {}
    start = time.perf_counter()
    failed = []
    for name in ALL:
        t = time.perf_counter()
        report = check_scheme(scheme, properties=[name], max_examples=examples)
        per[name] = time.perf_counter() - t
        failed += list(report.failed)
    return per, time.perf_counter() - start, ", ".join(failed) or "none"


def scoring_only(calls: int) -> float:
    scheme = sample_scheme()
    rng = np.random.default_rng(0)
    people = [
        Cadre(
            id=f"c{i:02d}",
            name="x",
            birth_year=1990,
            rank="section",
            unit="u1",
            line=("investment", "project", "service")[i % 3],
        )
        for i in range(5)
    ]
    rows = [
        (c.id, "2025-01", key, float(rng.integers(0, 20)))
        for c in people
        for key in ("visits", "issues_resolved", "on_time.num", "on_time.den")
    ]
    rec = Records.from_rows(
        [r for r in rows if r[2] in {i.id for i in scheme.all_indicators} or "." in r[2]]
    )
    start = time.perf_counter()
    for _ in range(calls):
        score(scheme, people, rec)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=DEFAULT_EXAMPLES)
    args = parser.parse_args()
    base = sample_scheme()
    runs = [("sample scheme", base), ("min-max variant", min_max(base))]
    results = [(label, *battery(s, args.examples)) for label, s in runs]
    print(f"check_scheme, {args.examples} examples per property, {len(ALL)} properties")
    print(f"{'property':<26}" + "".join(f"{label:>18}" for label, *_ in results))
    for name in ALL:
        print(f"{name:<26}" + "".join(f"{per[name]:>17.2f}s" for _, per, _, _ in results))
    print(f"{'total':<26}" + "".join(f"{total:>17.2f}s" for _, _, total, _ in results))
    for label, _, total, failed in results:
        print(
            f"{label}: failing properties: {failed}; ratio to {BUDGET:.0f} s budget: "
            f"{total / BUDGET:.2f}"
        )
    calls = 2 * args.examples * len(ALL)
    plain = scoring_only(calls)
    print(
        f"scoring alone, {calls} small score() calls: {plain:.2f}s; "
        f"battery / scoring alone: {results[0][2] / plain:.1f}x"
    )


if __name__ == "__main__":
    main()
