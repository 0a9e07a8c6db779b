"""Sweep scenarios serially, on a process pool and on a local dask cluster.

Run: ``python benchmarks/bench_scenarios.py [--zones N]`` (needs
``cadredev[distributed,pandas]``). Three parts, each timed on the three
executors in one run:

1. 48 rotation scenarios of the sample zone's S4 problem (length x home
   share x horizon): wall time, speed-up over serial, and whether the results
   are ``==``.
2. The overhead per task: 48 scenarios whose task does nothing, so the wall
   time is all overhead (workers x wall / tasks); the target is 50 ms. The
   same with a large base (the S4 problem of a 5,000-cadre zone) sent once
   (``broadcast=True``: scattered to every dask worker, installed by the pool's
   initializer) and sent with every task (``broadcast=False``).
3. A sample-province sweep (30 zones of 200-5,000 cadres, the S4 problem of
   each): results identical on the three executors, per-task times for the
   on-paper estimate of larger sweeps.

Peak memory is the largest resident set of this process and of its children.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import statistics
import time
from typing import Any

from cadredev.datasets import cross_shadowing_problem, sample_province, sample_zone
from cadredev.scenarios import Results, grid, province, run

TARGET_OVERHEAD_S = 0.050


def nothing(value: Any, *, seed: int) -> int:
    """Do no work: what is left of the wall time is overhead."""
    del seed
    return len(getattr(value, "cadres", ()))


def _cluster() -> Any:
    import distributed as dist  # noqa: PLC0415

    distributed: Any = dist
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",
        scheduler_kwargs={"dashboard": False},
    )
    return cluster, distributed.Client(cluster, set_as_default=False)


def _timed(label: str, fn: Any) -> tuple[Results, float]:
    start = time.perf_counter()
    results = fn()
    wall = time.perf_counter() - start
    print(f"  {label:<34}{wall:>9.2f} s   {results!r}")
    return results, wall


def _three(scenarios: Any, task: Any, client: Any, **options: Any) -> dict[str, Any]:
    out = {}
    for name, executor in (
        ("serial", "serial"),
        ("process pool (2)", None),
        ("dask 2 workers", client),
    ):
        out[name] = _timed(
            name, lambda e=executor: run(scenarios, task, executor=e, progress=False, **options)
        )
    return out


def _part_rotation(client: Any) -> None:
    problem = cross_shadowing_problem(sample_zone())
    scenarios = grid(
        problem, length=[2, 3, 4, 6], home_share=[0.7, 0.8, 0.9, 0.95], horizon=[12, 9, 6]
    )
    print(f"1. {len(scenarios)} S4 rotation scenarios (sample zone, {len(problem.cadres)} cadres)")
    timed = _three(scenarios, "schedule", client)
    serial, base = timed["serial"]
    runtimes = [o.runtime for o in serial.outcomes.values()]
    print(
        f"  per task (serial): median {statistics.median(runtimes):.3f} s, "
        f"max {max(runtimes):.3f} s"
    )
    for name, (results, wall) in timed.items():
        print(f"  {name:<34}speed-up {base / wall:5.2f}x   equal to serial: {results == serial}")


def _part_overhead(client: Any) -> None:
    small = grid(sample_zone().cadres[0], unit=[f"u{k}" for k in range(48)])
    print("2. overhead per task (48 tasks that do nothing; 2 workers)")
    for name, (_, wall) in _three(small, nothing, client).items():
        workers = 1 if name == "serial" else 2
        per = workers * wall / len(small)
        verdict = "ok" if per <= TARGET_OVERHEAD_S else "MISSED"
        print(f"  {name:<34}{1000 * per:>7.1f} ms per task (target 50 ms: {verdict})")
    big_zone = sample_province(n_zones=1, cadres=(5000, 5000))[0]
    big = cross_shadowing_problem(big_zone)
    size = len(pickle.dumps(big))
    scenarios = grid(big, horizon=list(range(12, 28)))
    print(
        f"   16 tasks on a large base: the S4 problem of a {len(big.cadres)}-cadre zone, "
        f"{size / 1e6:.2f} MB pickled"
    )
    for broadcast in (True, False):
        for name, executor in (("process pool", None), ("dask", client)):
            label = f"{name}, {'sent once' if broadcast else 'sent per task'}"
            _, wall = _timed(
                label,
                lambda e=executor, b=broadcast: run(
                    scenarios, nothing, executor=e, progress=False, broadcast=b
                ),
            )
            print(f"  {'':<34}{1000 * 2 * wall / len(scenarios):>7.1f} ms per task")


def _part_province(client: Any, n_zones: int) -> None:
    start = time.perf_counter()
    zones = sample_province(n_zones=n_zones)
    bases = {z.name: cross_shadowing_problem(z) for z in zones}
    sizes = sorted(len(z.cadres) for z in zones)
    print(
        f"3. province sweep: {n_zones} zones of {sizes[0]}-{sizes[-1]} cadres "
        f"({sum(sizes)} in all), built in {time.perf_counter() - start:.1f} s"
    )
    timed = {}
    for name, executor in (
        ("serial", "serial"),
        ("process pool (2)", None),
        ("dask 2 workers", client),
    ):
        timed[name] = _timed(
            name, lambda e=executor: province(bases, "schedule", executor=e, progress=False)
        )
    serial, base = timed["serial"]
    for name, (results, wall) in timed.items():
        print(
            f"  {name:<34}speed-up {base / wall:5.2f}x   identical to serial: {results == serial}"
        )
    runtimes = [o.runtime for o in serial.outcomes.values()]
    mean = statistics.mean(runtimes)
    print(
        f"  per zone (serial): mean {mean:.3f} s, median {statistics.median(runtimes):.3f} s, "
        f"max {max(runtimes):.3f} s"
    )
    tasks = 200 * 20
    print(
        f"  on paper, 200 zones x 20 variants = {tasks} tasks on 16 workers: "
        f"{tasks * mean / 16:.0f} s of solving + overhead"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--zones", type=int, default=30)
    parser.add_argument("--skip", default="", help="comma-separated parts to skip (1,2,3)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    cluster, client = _cluster()
    try:
        skip = set(args.skip.split(","))
        if "1" not in skip:
            _part_rotation(client)
        if "2" not in skip:
            _part_overhead(client)
        if "3" not in skip:
            _part_province(client, args.zones)
    finally:
        client.close()
        cluster.close()
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: this process {me:.0f} MB, largest child {kids:.0f} MB")


if __name__ == "__main__":
    main()
