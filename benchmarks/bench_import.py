"""Measure how long ``import cadredev`` takes in a fresh interpreter.

Run: ``python benchmarks/bench_import.py [--repeat N]``. Prints the median of
N fresh-process imports, next to a bare interpreter start for reference, and
the ratio to the 0.3 s budget.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def _time(code: str, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    bare = _time("pass", args.repeat)
    ours = _time("import cadredev", args.repeat)
    heavy = _time("import numpy, scipy.optimize, networkx", args.repeat)
    print(f"{'what':<40}{'median s':>10}")
    print(f"{'python -c pass':<40}{bare:>10.3f}")
    print(f"{'python -c import cadredev':<40}{ours:>10.3f}")
    print(f"{'python -c import numpy, scipy, networkx':<40}{heavy:>10.3f}")
    print(f"import cadredev beyond interpreter start: {ours - bare:.3f} s (budget 0.300 s)")
    print(f"ratio to budget (total): {ours / 0.3:.2f}")


if __name__ == "__main__":
    main()
