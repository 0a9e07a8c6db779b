"""Benchmark: cadredev.training.lecturer_rota against OR-Tools CP-SAT, and plan_routes.

Run:  PYTHONPATH=src python benchmarks/bench_training.py [--quick]

The rota problems are drawn from the sample zone's 246 cadres (lecturers by
their competencies at 0.7 or above, 2 to 4 turns each, a few months away)
and a year of sessions on the zone's topics. CP-SAT solves the same four
lexicographic stages (most turns filled, least maximum turns, most cadre
turns where asked, most lecturers used) one after another, on 2 workers;
the objective tuples must agree. Peak memory is traced for cadredev only,
in a second run (tracing slows Python code, so it is not timed).
Teaching routes are timed on growing site counts with cohort bookings
(candidate routes enumerated, then one HiGHS program).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import time
import tracemalloc

import numpy as np

from cadredev.datasets import sample_zone
from cadredev.training import (
    Booking,
    Course,
    LearningPlan,
    Lecturer,
    Session,
    Site,
    Theme,
    lecturer_rota,
    plan_routes,
)

TOPICS = ("investment", "construction", "service", "digital_economy", "biomedicine", "ai")
LEVEL = 0.7


def rota_problem(n_sessions: int, seed: int) -> tuple[list[Session], list[Lecturer], dict, list]:
    rng = np.random.default_rng(seed)
    zone = sample_zone()
    lecturers = [Lecturer.from_cadre(c, max_turns=int(rng.integers(2, 5))) for c in zone.cadres]
    courses = [Course(id=f"k-{t}", topic=t) for t in TOPICS]
    sessions = []
    for i in range(n_sessions):
        month = int(rng.integers(1, 13))
        day = int(rng.integers(1, 29))
        sessions.append(
            Session(
                id=f"s{i:04d}",
                course=courses[int(rng.integers(len(courses)))],
                period=f"2025-{month:02d}",
                date=dt.date(2025, month, day),
                slots=int(rng.integers(1, 4)),
            )
        )
    busy = {
        lec.id: [f"2025-{m:02d}" for m in rng.choice(12, size=3, replace=False) + 1]
        for lec in lecturers
        if rng.random() < 0.2
    }
    plans = [
        LearningPlan(
            id=f"p{m:02d}",
            period=f"2025-{m:02d}",
            required={k.id for k in courses},
            cadre_lecturers=m % 2 == 0,
        )
        for m in range(1, 13)
    ]
    return sessions, lecturers, busy, plans


def clashes(a: Session, b: Session) -> bool:
    return a.period == b.period and (a.date is None or b.date is None or a.date == b.date)


def cpsat(
    sessions, lecturers, busy, plans, *, workers: int = 2, seconds: float = 10.0
) -> tuple[tuple[int, ...], bool]:
    """Return CP-SAT's objective tuple and whether every stage was proved optimal."""
    from ortools.sat.python import cp_model  # noqa: PLC0415

    asked = {s.id for s in sessions for p in plans if p.cadre_lecturers and p.period == s.period}
    model = cp_model.CpModel()
    x = {
        (s.id, lec.id): model.new_bool_var(f"{s.id}-{lec.id}")
        for s in sessions
        for lec in lecturers
        if lec.covers(s.course.topic, min_level=LEVEL) and s.period not in busy.get(lec.id, ())
    }
    by_s: dict = {}
    by_l: dict = {}
    for (sid, lid), v in x.items():
        by_s.setdefault(sid, []).append(v)
        by_l.setdefault(lid, []).append(v)
    for s in sessions:
        model.add(sum(by_s.get(s.id, [])) <= s.slots)
    top = model.new_int_var(0, len(sessions), "top")
    used = []
    for lec in lecturers:
        mine = by_l.get(lec.id, [])
        model.add(sum(mine) <= lec.max_turns)
        model.add(sum(mine) <= top)
        u = model.new_bool_var(f"u-{lec.id}")
        model.add(u <= sum(mine))
        used.append(u)
    for a, b in itertools.combinations(sessions, 2):
        if clashes(a, b):
            for lec in lecturers:
                if (a.id, lec.id) in x and (b.id, lec.id) in x:
                    model.add_bool_or([x[a.id, lec.id].negated(), x[b.id, lec.id].negated()])
    kind = {lec.id: lec.kind for lec in lecturers}
    stages = [
        (sum(x.values()), True),
        (top, False),
        (sum(v for (sid, lid), v in x.items() if sid in asked and kind[lid] == "cadre"), True),
        (sum(used), True),
    ]
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = seconds
    values = []
    proved = True
    for expr, maximise in stages:
        (model.maximize if maximise else model.minimize)(expr)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return (*values, -1), False
        proved = proved and status == cp_model.OPTIMAL
        best = round(solver.objective_value)
        values.append(best)
        model.add(expr == best)
    return (values[0], -values[1], values[2], values[3]), proved


def bench_rota(sizes: list[int]) -> None:
    print("lecturer_rota (246 lecturers), seconds; objective (filled, -max, cadre turns, used)")
    head = f"{'sessions':>8} {'slots':>6} {'cadredev':>9} {'peak MB':>8}"
    print(f"{head} {'CP-SAT':>8} {'ratio':>6}  agree")
    for n in sizes:
        sessions, lecturers, busy, plans = rota_problem(n, seed=n)
        t0 = time.perf_counter()
        rota = lecturer_rota(sessions, lecturers, busy=busy, plans=plans, min_level=LEVEL)
        ours = time.perf_counter() - t0
        tracemalloc.start()  # a second run, traced: tracing slows Python code down
        lecturer_rota(sessions, lecturers, busy=busy, plans=plans, min_level=LEVEL)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        t0 = time.perf_counter()
        theirs, proved = cpsat(sessions, lecturers, busy, plans)
        peer = time.perf_counter() - t0
        mine = (rota.filled, -rota.max_turns, rota.preferred_cadre_turns, rota.lecturers_used)
        print(
            f"{n:>8} {rota.slots:>6} {ours:>9.2f} {peak:>8.1f} {peer:>8.2f} "
            f"{peer / ours:>6.2f}  {mine == theirs} {mine}"
            + ("" if proved else f"  (CP-SAT not proved within 10 s per stage: {theirs})")
        )


def bench_routes(sizes: list[int]) -> None:
    print("plan_routes (6 themes, 3 sites per route, 12 bookings), seconds")
    print(f"{'sites':>6} {'no bookings':>12} {'bookings':>9} {'peak MB':>8}")
    topics = [f"t{i}" for i in range(12)]
    for n in sizes:
        rng = np.random.default_rng(n)
        sites = [
            Site(
                id=f"site{i:02d}",
                topics=set(rng.choice(topics, size=2, replace=False)),
                capacity=int(rng.integers(40, 90)),
            )
            for i in range(n)
        ]
        themes = [Theme(id=f"th{j}", topics=set(topics[2 * j : 2 * j + 2])) for j in range(6)]
        where = rng.uniform(0, 30, size=(n, 2))
        d = np.hypot(*(where[:, None, :] - where[None, :, :]).transpose(2, 0, 1))
        bookings = [
            Booking(
                id=f"b{k}",
                theme=f"th{k % 6}",
                size=int(rng.integers(20, 50)),
                day=dt.date(2025, 10, 6 + k % 3),
            )
            for k in range(12)
        ]
        t0 = time.perf_counter()
        plan_routes(sites, themes, distance=d)
        free = time.perf_counter() - t0
        t0 = time.perf_counter()
        plan_routes(sites, themes, distance=d, bookings=bookings)
        booked = time.perf_counter() - t0
        tracemalloc.start()
        plan_routes(sites, themes, distance=d, bookings=bookings)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"{n:>6} {free:>12.3f} {booked:>9.3f} {peak:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    bench_rota([12, 60] if args.quick else [12, 60, 150, 300])
    bench_routes([8, 16] if args.quick else [8, 16, 30, 50])


if __name__ == "__main__":
    main()
