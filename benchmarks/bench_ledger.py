"""Ledger at a province's scale: a year of 20,000 cadres, 50 events each.

Appends one million events to a SQLite ledger in batches, reads one cadre's
history from it, and takes a snapshot of a 20,000-cadre zone; beside it, the
same rows written with the standard library's sqlite3 ``executemany`` (the
floor: no checks, no encoding of records) and the same events kept in memory.

Targets: append 1M events <= 30 s; ``history`` <= 5 ms; ``snapshot`` <= 5 s.

    python benchmarks/bench_ledger.py [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from cadredev import Cadre
from cadredev.datasets import Zone
from cadredev.events import (
    Enrolled,
    Event,
    Feedback,
    Goal,
    GoalReached,
    Meeting,
    MentorshipEnded,
    MentorshipStarted,
    Placed,
    PlacementEnded,
)
from cadredev.ledger import Ledger
from cadredev.rotation import Program

BY = "组织部"
START = dt.date(2025, 1, 1)


def _year_of(index: int, n_mentors: int) -> list[Event]:
    """The 50 events of one cadre's year."""
    me = f"c{index:06d}"
    mentor = f"m{index % n_mentors:05d}"
    day = START + dt.timedelta(days=index % 7)
    pair = {"mentee_id": me, "mentor_id": mentor}
    post = f"p{index % 500:03d}"
    out: list[Event] = [
        Enrolled(at=day, recorded_by=BY, cadre_id=me, programme="grid"),
        MentorshipStarted(at=day, recorded_by=BY, **pair),
        Goal(at=day, recorded_by=mentor, goal_id="g1", text="走访 40 家企业", **pair),
        Placed(at=day, recorded_by=BY, cadre_id=me, post_id=post),
    ]
    out += [
        Meeting(at=day + dt.timedelta(days=7 * k + 1), recorded_by=mentor, minutes=30, **pair)
        for k in range(40)
    ]
    out += [
        Feedback(at=day + dt.timedelta(days=180), recorded_by=me, by="mentee", rating=4, **pair),
        Feedback(
            at=day + dt.timedelta(days=180), recorded_by=mentor, by="mentor", rating=5, **pair
        ),
        GoalReached(at=day + dt.timedelta(days=200), recorded_by=mentor, goal_id="g1", **pair),
        PlacementEnded(
            at=day + dt.timedelta(days=270),
            recorded_by=BY,
            cadre_id=me,
            post_id=f"p{index % 500:03d}",
        ),
        Feedback(at=day + dt.timedelta(days=350), recorded_by=me, by="mentee", rating=5, **pair),
        MentorshipEnded(at=day + dt.timedelta(days=355), recorded_by=BY, **pair),
    ]
    return out


def _zone(n_cadres: int) -> Zone:
    cadres = [
        Cadre(
            id=f"c{i:06d}",
            name=f"干部{i}",
            birth_year=1970 + i % 30,
            rank="section",
            unit=f"u{i % 40:02d}",
        )
        for i in range(n_cadres)
    ]
    return Zone(
        name="province",
        as_of=2025,
        cadres=cadres,
        mentors=[],
        posts=[],
        enterprises=[],
        units=sorted({c.unit for c in cadres}),
        programs=[Program(name="grid", length=1, categories="grid")],
    )


def _sqlite_floor(path: Path, batches: list[list[Event]]) -> float:
    rows = [
        (e.kind, e.at.isoformat(), e.subjects[0], e.recorded_by, json.dumps({"x": e.kind}))
        for batch in batches
        for e in batch
    ]
    t0 = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE e (seq INTEGER PRIMARY KEY, kind TEXT, at TEXT, subject TEXT, "
        "recorded_by TEXT, data TEXT)"
    )
    conn.execute("CREATE INDEX ix ON e (subject)")
    for k in range(0, len(rows), 10_000):
        with conn:
            conn.executemany(
                "INSERT INTO e (kind, at, subject, recorded_by, data) VALUES (?, ?, ?, ?, ?)",
                rows[k : k + 10_000],
            )
    conn.close()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2,000 cadres instead of 20,000")
    args = parser.parse_args()
    n_cadres = 2_000 if args.quick else 20_000
    per_batch = 200  # cadres per extend: 10,000 events
    batches = [
        [e for i in range(b, min(b + per_batch, n_cadres)) for e in _year_of(i, n_cadres // 10)]
        for b in range(0, n_cadres, per_batch)
    ]
    n_events = sum(len(b) for b in batches)
    print(f"{n_cadres:,} cadres, {n_events:,} events in batches of {len(batches[0]):,}")
    with tempfile.TemporaryDirectory() as tmp:
        floor = _sqlite_floor(Path(tmp) / "floor.db", batches)
        url = f"sqlite:///{Path(tmp) / 'zone.db'}"
        t0 = time.perf_counter()
        with Ledger.connect(url) as ledger:
            for batch in batches:
                ledger.extend(batch)
        append = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

        memory = Ledger()
        t0 = time.perf_counter()
        for batch in batches:
            memory.extend(batch)
        in_memory = time.perf_counter() - t0

        with Ledger.connect(url) as ledger:
            ids = [f"c{i:06d}" for i in range(0, n_cadres, max(1, n_cadres // 200))]
            times = []
            for cadre in ids:
                t0 = time.perf_counter()
                found = ledger.history(cadre)
                times.append(time.perf_counter() - t0)
                assert len(found) == 50, len(found)
            history = statistics.median(times)
            zone = _zone(n_cadres)
            t0 = time.perf_counter()
            later = ledger.snapshot(zone, as_of=dt.date(2025, 6, 30))
            snapshot = time.perf_counter() - t0
            assert sum(len(c.mentorships) for c in later.cadres) == n_cadres

    print(f"{'what':<46} {'seconds':>9}  target")
    print(f"{'append to SQLite (Ledger.extend)':<46} {append:9.2f}  <= 30 s ({n_events:,} events)")
    print(
        f"{'  sqlite3 executemany of the same rows':<46} {floor:9.2f}  ratio {append / floor:.1f}x"
    )
    print(f"{'append in memory (Ledger())':<46} {in_memory:9.2f}")
    print(f"{'  peak resident memory of the process so far':<46} {peak / 2**20:8.1f}M")
    print(f"{'history(cadre), median of 200':<46} {history * 1000:8.2f}ms <= 5 ms")
    label = f"snapshot(zone, as_of), {n_cadres:,} cadres"
    print(f"{label:<46} {snapshot:9.2f}  <= 5 s")


if __name__ == "__main__":
    main()
