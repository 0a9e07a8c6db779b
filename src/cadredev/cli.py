"""The ``cadredev`` command line.

``cadredev demo`` runs the whole pipeline on the embedded sample zone;
``cadredev sample --out DIR`` writes that zone as files to start from;
``cadredev report ZONE.json --out report.html`` writes the zone report page; the
step commands (``teams``, ``match``, ``schedule``, ``score``) run one step on
a zone JSON file (``teams`` also reads a roster CSV); ``cadredev sweep`` runs
one over a grid of variants. Every command prints a
readable table or ``--format json``. Bad input prints one line to stderr and
exits with status 2, never a traceback; an internal error prints one line
naming it and exits with status 70 (``--debug`` adds the traceback and shows
warnings). Inputs are regular files, or ``-`` for a zone on standard input.

.. versionadded:: 0.1
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
import time
import traceback
import unicodedata
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from ._version import __version__
from .errors import CadreError, InvalidInputError

if TYPE_CHECKING:
    from collections.abc import Callable

    from matplotlib.axes import Axes

    from .datasets import Zone

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 70  # EX_SOFTWARE
SLOW_STEP_S = 1.0
STDIN = "-"

# Everything a user's input or environment can cause: one line, exit 2.
_INPUT_ERRORS = (CadreError, OSError, UnicodeError, RecursionError, MemoryError, ValueError)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Return a plain-text table aligned for mixed Chinese and Latin text."""
    cells = [[str(h) for h in headers], *[[str(v) for v in row] for row in rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(row, widths, strict=True))

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]).rstrip(), rule, *(line(r).rstrip() for r in cells[1:])])


def _progress(name: str, seconds: float) -> None:
    if seconds >= SLOW_STEP_S:
        print(f"  {name}: {seconds:.1f} s", file=sys.stderr)


def _count(text: str) -> int:
    """Return *text* as an integer >= 0 (an argparse type)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


def _finite(text: str) -> float:
    """Return *text* as a finite number (an argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _size(text: str) -> int:
    """Return *text* (``2G``, ``512M``, a number of bytes) as bytes (an argparse type)."""
    from .rotation._limits import parse_bytes  # noqa: PLC0415

    try:
        return parse_bytes(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _read_stdin_zone() -> Zone:
    from .datasets import Zone  # noqa: PLC0415
    from .io import load  # noqa: PLC0415
    from .io._json import parse_json_text  # noqa: PLC0415
    from .io._read import MAX_FILE_BYTES  # noqa: PLC0415

    raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidInputError(f"<stdin>: more than {MAX_FILE_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInputError("<stdin>: not UTF-8; send the zone as UTF-8 JSON") from None
    return load(Zone, parse_json_text(text, where="<stdin>"), source="<stdin>")


def _read_zone(path: str) -> Zone:
    from .datasets import Zone  # noqa: PLC0415
    from .io import load_json  # noqa: PLC0415

    zone = _read_stdin_zone() if path == STDIN else load_json(Zone, path)
    if not isinstance(zone, Zone):
        raise InvalidInputError(f"{path}: expected one Zone document, got a list")
    return zone


# ------------------------------------------------------------------ commands


def _demo(args: argparse.Namespace) -> dict[str, Any]:
    from ._pipeline import run_demo  # noqa: PLC0415
    from .datasets import sample_zone  # noqa: PLC0415

    demo = run_demo(sample_zone(seed=args.seed), seed=args.seed, progress=_progress)
    headline = demo.headline()
    if args.out is not None:
        headline["written"] = _write_demo(demo, Path(args.out))
    if args.format == "text":
        print(demo.report())
        for path in headline.get("written", []):
            print(f"wrote {path}")
    return headline


def _write_demo(demo: Any, out: Path) -> list[str]:
    from .io import save_json  # noqa: PLC0415
    from .io._atomic import write_bytes, write_text  # noqa: PLC0415

    out.mkdir(parents=True, exist_ok=True)
    written = []
    summary = out / "summary.json"
    write_text(summary, json.dumps(demo.headline(), ensure_ascii=False, indent=2) + "\n")
    written.append(summary)
    save_json(demo.grids, out / "grids.json")
    for name, plan in (("shadowing", demo.shadowing), ("frontline", demo.frontline)):
        save_json(list(plan.assignments), out / f"{name}.json")
        written.append(out / f"{name}.json")
    save_json(demo.mentoring, out / "mentoring.json")
    written += [out / "grids.json", out / "mentoring.json"]
    try:
        import sqlalchemy  # noqa: F401, PLC0415
    except ImportError:
        print("  ledger skipped: pip install 'cadredev[sql]'", file=sys.stderr)
    else:
        from ._pipeline import write_ledger  # noqa: PLC0415

        write_ledger(demo, out / "zone.db")
        written.append(out / "zone.db")
    try:
        import jinja2  # noqa: F401, PLC0415
    except ImportError:
        print("  report skipped: pip install 'cadredev[report]'", file=sys.stderr)
    else:
        from .report import write  # noqa: PLC0415

        write(demo, out / "report.html")
        written.append(out / "report.html")
    try:
        import matplotlib as mpl  # noqa: PLC0415
    except ImportError:
        print("  plots skipped: pip install 'cadredev[plot]'", file=sys.stderr)
        return [str(p) for p in written]
    mpl.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    from . import plot  # noqa: PLC0415

    drawings: list[tuple[str, Callable[[], Axes]]] = [
        ("grids.png", lambda: plot.team_balance(demo.grids)),
        ("mentors.png", lambda: plot.mentor_graph(demo.mentoring, demo.mentor_graph)),
        ("scores.png", lambda: plot.score_distribution(demo.year)),
        ("shadowing.png", lambda: plot.rotation_gantt(demo.shadowing)),
        ("frontline.png", lambda: plot.rotation_gantt(demo.frontline, by="post")),
    ]
    for name, draw in drawings:
        figure = draw().get_figure(root=True)
        assert figure is not None  # noqa: S101  (every Axes drawn here has a figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        plt.close(figure)
        write_bytes(out / name, buffer.getvalue())
        written.append(out / name)
    return [str(p) for p in written]


def _report(args: argparse.Namespace) -> dict[str, Any]:
    from ._pipeline import run_demo  # noqa: PLC0415
    from .report import write  # noqa: PLC0415

    zone = _read_zone(args.file)
    demo = run_demo(zone, seed=args.seed, progress=_progress)
    write(demo, args.out, lang=args.lang)
    if args.format == "text":
        print(f"wrote {args.out}")
    return {"report": str(args.out), "lang": args.lang}


def _sample(args: argparse.Namespace) -> dict[str, Any]:
    from .datasets import sample_zone  # noqa: PLC0415
    from .io import save_json, write_records_csv, write_roster_csv  # noqa: PLC0415

    zone = sample_zone(seed=args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = {"zone": out / "zone.json", "roster": out / "cadres.csv"}
    save_json(zone, written["zone"])
    write_roster_csv(zone.cadres, written["roster"])
    if zone.records is not None:
        written["records"] = out / "records.csv"
        write_records_csv(zone.records, written["records"])
    if args.format == "text":
        for what, path in written.items():
            print(f"wrote {what:<8} {path}")
    return {what: str(path) for what, path in written.items()}


def _teams(args: argparse.Namespace) -> dict[str, Any]:
    from .io import read_roster_csv  # noqa: PLC0415
    from .teams import form_teams  # noqa: PLC0415

    if args.file.lower().endswith(".csv"):
        cadres, as_of = read_roster_csv(args.file), args.as_of
    else:
        zone = _read_zone(args.file)
        cadres, as_of = zone.cadres, args.as_of or zone.as_of
    size: tuple[int, int] | None = None
    if args.size is not None:
        low, _, high = args.size.partition(",")
        try:
            size = (int(low), int(high or low))
        except ValueError:
            raise InvalidInputError(f"--size: expected MIN or MIN,MAX, got {args.size!r}") from None
    balance = tuple(a for a in args.balance.split(",") if a)
    cohesion = tuple(a for a in args.cohesion.split(",") if a)
    if as_of is None and "cohort" in (*balance, *cohesion):
        raise InvalidInputError("--as-of: a CSV roster has no reference year; cohorts need one")
    teams = form_teams(
        cadres,
        n_teams=args.n_teams,
        size=size,
        balance=balance,
        cohesion=cohesion,
        seed=args.seed,
        as_of=as_of,
    )
    report = teams.report()
    rows = [
        [t + 1, len(team), teams.leader_of(t) or "", " ".join(sorted(report.shared[t])) or "-"]
        for t, team in enumerate(teams.teams)
    ]
    if args.format == "text":
        print(_table(["team", "size", "leader", "shared keys"], rows))
        for name, worst in report.worst_by_attribute.items():
            print(f"worst {name} deviation: {worst:.1f} points")
        if report.cohesion_share is not None:
            print(f"cohesive teams: {report.cohesive_teams} of {len(teams.teams)}")
    return {
        "teams": [list(t) for t in teams.teams],
        "leaders": list(teams.leaders),
        "worst_deviation": dict(report.worst_by_attribute),
        "cohesion_share": report.cohesion_share,
    }


def _match(args: argparse.Namespace) -> dict[str, Any]:
    from .io import dump  # noqa: PLC0415
    from .matching import Criteria, compatibility_graph, match  # noqa: PLC0415
    from .model import MentorRole  # noqa: PLC0415

    zone = _read_zone(args.file)
    role = MentorRole.parse(args.role)
    mentors = [m for m in zone.mentors if m.role is role]
    if not mentors:
        raise InvalidInputError(f"{args.file}: the zone has no mentors with role {role.value!r}")
    mentor_ids = {m.id for m in zone.mentors}
    mentees = [c for c in zone.cadres if c.id not in mentor_ids]
    criteria = Criteria(as_of=zone.as_of, cross_unit=args.cross_unit)
    graph = compatibility_graph(mentees, mentors, criteria=criteria)
    result = match(graph, method=args.method)
    summary = result.summary()
    if args.format == "text":
        rows = [
            [mentor, f"{load}/{cap}"]
            for mentor, (load, cap) in sorted(summary.loads.items(), key=lambda kv: str(kv[0]))
        ]
        print(_table(["mentor", "mentees/capacity"], rows))
        share = summary.cross_unit_share
        print(
            f"{summary.n_matched} of {summary.n_mentees} mentees matched ({args.method}), "
            f"total weight {result.total_weight:.2f}"
            + ("" if share is None else f", {share:.0%} cross-unit")
        )
        for mentee, reason in sorted(result.unmatched.items(), key=lambda kv: str(kv[0]))[:10]:
            print(f"  unmatched {mentee}: {reason}")
    return dump(result)


def _schedule(args: argparse.Namespace) -> dict[str, Any]:
    from .io import dump  # noqa: PLC0415
    from .rotation import RotationProblem, diagnose, schedule  # noqa: PLC0415

    zone = _read_zone(args.file)
    programs = {p.name: p for p in zone.programs}
    if not programs:
        raise InvalidInputError(f"{args.file}: the zone has no rotation programs")
    names = args.program or [next(iter(programs))]
    unknown = [n for n in names if n not in programs]
    if unknown:
        raise InvalidInputError(
            f"--program: unknown program(s) {unknown}; the zone has {sorted(programs)}"
        )
    chosen = [programs[n] for n in names]
    categories = set().union(*(p.categories for p in chosen))
    sizes: dict[str, int] = {}
    for c in zone.cadres:
        sizes[c.unit] = sizes.get(c.unit, 0) + 1
    if not 0 <= args.home_share <= 1:
        raise InvalidInputError(f"--home-share: expected a share in [0, 1], got {args.home_share}")
    problem = RotationProblem(
        cadres=zone.cadres,
        posts=[p for p in zone.posts if p.category in categories],
        horizon=args.horizon,
        programs=chosen,
        min_home_staffing={u: int(args.home_share * n) for u, n in sorted(sizes.items())},
        as_of=zone.as_of,
    )
    # one time budget for both steps: diagnose first, the plan in what is left
    budget = 60.0 if args.time_limit is None else args.time_limit
    started = time.perf_counter()
    conflicts = diagnose(problem, time_limit=budget, memory_limit=args.memory_limit)
    left = max(budget - (time.perf_counter() - started), 0.1 * budget)
    plan = schedule(
        problem,
        seed=args.seed,
        time_limit=left,
        objective=args.objective,
        memory_limit=args.memory_limit,
    )
    if args.format == "text":
        for conflict in conflicts:
            print(f"conflict: {conflict}")
        rows = [
            [a.cadre_id, a.post_id, a.program, a.start, a.start + a.length - 1]
            for a in plan.assignments[: args.top]
        ]
        print(_table(["cadre", "post", "program", "from", "to"], rows))
        if len(plan.assignments) > args.top:
            print(f"... {len(plan.assignments) - args.top} more")
        print(
            f"{len(plan.assignments)} placements, {len(plan.unplaced)} unmet minimums, "
            f"{len(plan.violations(problem))} violations; objective "
            f"{plan.objective.placed} placed, {plan.objective.value:.2f} benefit "
            + (
                "(no bound"
                if plan.bound is None
                else f"(bound {plan.bound.placed}, {plan.bound.value:.2f}"
            )
            + f"; {plan.method})"
            + ("" if plan.min_share is None else f"; smallest benefit share {plan.min_share:.3f}")
        )
        for u in plan.unplaced[:10]:
            print(f"  unplaced {u.cadre_id} in {u.program}: {u.reason}")
    return {
        "assignments": dump(list(plan.assignments))["items"] if plan.assignments else [],
        "unplaced": [
            {"cadre_id": u.cadre_id, "program": u.program, "reason": u.reason}
            for u in plan.unplaced
        ],
        "objective": {"placed": plan.objective.placed, "value": plan.objective.value},
        "bound": None
        if plan.bound is None
        else {"placed": plan.bound.placed, "value": plan.bound.value},
        "min_share": plan.min_share,
        "conflicts": [str(c) for c in conflicts],
    }


def _score(args: argparse.Namespace) -> dict[str, Any]:
    from .scoring import rollup, score  # noqa: PLC0415

    zone = _read_zone(args.file)
    if zone.scheme is None or zone.records is None:
        raise InvalidInputError(f"{args.file}: the zone has no scoring scheme or records")
    records = zone.records if args.to == "month" else rollup(zone.records, zone.scheme, to=args.to)
    period = args.period or records.periods[-1]
    table = score(zone.scheme, zone.cadres, records, period=period)
    board = table.leaderboard()
    if args.format == "text":
        rows = [
            [row.position, row.cadre_id, row.name, row.group, f"{row.total:.1f}", row.grade]
            for row in board.rows[: args.top]
        ]
        print(f"{zone.scheme.name}, period {period}")
        print(_table(["#", "cadre", "name", "group", "score", "grade"], rows))
    return {
        "period": period,
        "scores": {
            str(c): {"total": float(t), "grade": str(g)}
            for c, t, g in zip(table.cadre_ids, table.total, table.grade, strict=True)
        },
    }


def _schema(args: argparse.Namespace) -> dict[str, Any]:
    from .io import kinds, schema  # noqa: PLC0415

    if args.kind is None:
        if args.format == "text":
            print("\n".join(kinds()))
        return {"kinds": list(kinds())}
    document = schema(args.kind)
    if args.format == "text":
        print(json.dumps(document, ensure_ascii=False, indent=2))
    return document


# ------------------------------------------------------------------ sweep


def _axis_value(text: str) -> Any:
    for parse in (int, float):
        try:
            return parse(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


def _sweep(args: argparse.Namespace) -> dict[str, Any]:
    from .io._atomic import write_text  # noqa: PLC0415
    from .scenarios import connect, grid, run  # noqa: PLC0415
    from .scenarios._tasks import zone_problem  # noqa: PLC0415

    zone = _read_zone(args.file)
    axes: dict[str, list[Any]] = {}
    for given in args.axis or ():
        name, sep, values = given.partition("=")
        if not sep or not name:
            raise InvalidInputError(f"--axis: expected NAME=V1,V2,..., got {given!r}")
        axes[name] = [_axis_value(v) for v in values.split(",") if v]
    base = zone_problem(zone) if args.task == "schedule" else zone
    scenarios = grid(base, **axes)
    client = connect(args.scheduler, timeout=args.timeout) if args.scheduler else None
    try:
        executor = client if client is not None else ("serial" if args.workers == 1 else None)
        results = run(scenarios, args.task, executor=executor, progress=False, seed=args.seed)
    finally:
        if client is not None:
            client.close()
    records = results.to_records()
    if args.out is not None:
        out = Path(args.out)
        if out.suffix.lower() == ".json":
            write_text(out, json.dumps(records, ensure_ascii=False, indent=2, default=str) + "\n")
        else:
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=list(records[0]) if records else [])
            writer.writeheader()
            writer.writerows(records)
            write_text(out, text.getvalue())
    if args.format == "text":
        headers = [h for h in records[0] if h not in ("error", "runtime")] if records else []
        print(_table(headers, [[_cell(r[h]) for h in headers] for r in records]))
        print(results.explain())
        if args.out is not None:
            print(f"wrote {args.out}")
    return {"rows": records, "failed": len(results.failures)}


def _cell(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else ("" if value is None else str(value))


def _add_sweep(command: Any) -> None:
    sweep = command("sweep", _sweep, "run a task over a grid of policy variants", needs_file=True)
    sweep.add_argument(
        "--task", choices=("schedule", "match", "score", "form_teams"), default="schedule"
    )
    sweep.add_argument(
        "--axis", action="append", help="NAME=V1,V2,... (repeatable), e.g. length=2,3"
    )
    sweep.add_argument("--scheduler", help="a dask scheduler address, e.g. tcp://host:8786")
    sweep.add_argument("--timeout", type=_finite, default=10.0, help="seconds to reach it")
    sweep.add_argument("--workers", type=_count, default=0, help="1 runs here; default a pool")
    sweep.add_argument("--out", help="write the table to a .csv or .json file")
    sweep.add_argument("--seed", type=int, default=0)


_DEBUG = "show tracebacks of internal errors and warnings"


def _build_parser() -> _Parser:
    parser = _Parser(
        prog="cadredev",
        description="Mentor matching, rotation scheduling and incentive scoring for cadres.",
    )
    parser.add_argument("--version", action="version", version=f"cadredev {__version__}")
    parser.add_argument("--debug", action="store_true", help=_DEBUG)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def command(name: str, run: Any, help_text: str, *, needs_file: bool = False) -> Any:
        p = sub.add_parser(name, help=help_text)
        if needs_file:
            p.add_argument("file", help="a zone JSON file (see `cadredev sample`), or - for stdin")
        p.add_argument("--format", choices=("text", "json"), default="text")
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG)
        p.set_defaults(run=run)
        return p

    demo = command("demo", _demo, "run the whole pipeline on the sample zone")
    demo.add_argument("--seed", type=int, default=0, help="seed of the sample zone (default 0)")
    demo.add_argument(
        "--out", help="directory to write JSON results, PNG plots and report.html into"
    )

    report = command(
        "report", _report, "write the zone report page (one HTML file)", needs_file=True
    )
    report.add_argument("--out", required=True, help="the HTML file to write")
    report.add_argument("--lang", choices=("zh", "en"), default="zh", help="page language")
    report.add_argument("--seed", type=int, default=0)

    sample = command("sample", _sample, "write the sample zone as JSON and CSV files")
    sample.add_argument("--out", required=True, help="directory to write into")
    sample.add_argument("--seed", type=int, default=0)

    teams = command("teams", _teams, "form balanced or cohesive teams", needs_file=True)
    teams.add_argument("--n-teams", type=int, default=None)
    teams.add_argument("--size", help="team size MIN or MIN,MAX")
    teams.add_argument("--balance", default="cohort", help="comma-separated attributes")
    teams.add_argument("--cohesion", default="", help="comma-separated attributes")
    teams.add_argument("--seed", type=int, default=0)
    teams.add_argument(
        "--as-of",
        type=int,
        default=None,
        help="reference year for cohorts (default: the zone's; required for a CSV roster)",
    )

    match = command("match", _match, "match cadres to mentors", needs_file=True)
    match.add_argument("--method", choices=("optimal", "stable", "greedy"), default="optimal")
    match.add_argument("--role", default="grid", help="mentor role to match (default grid)")
    match.add_argument("--cross-unit", type=_finite, default=1.0, help="weight of cross-unit pairs")

    plan = command("schedule", _schedule, "plan rotation programs", needs_file=True)
    plan.add_argument(
        "--program", action="append", help="program name, repeatable (default: the first)"
    )
    plan.add_argument("--horizon", type=int, default=12, help="periods to plan (default 12)")
    plan.add_argument(
        "--home-share", type=_finite, default=0.8, help="share of each unit kept home (default 0.8)"
    )
    plan.add_argument(
        "--time-limit", type=_finite, default=None, help="safety cap in seconds (default 60)"
    )
    plan.add_argument(
        "--memory-limit",
        type=_size,
        default=None,
        help="memory the solver may use, e.g. 2G or 512M (default: a quarter of physical memory)",
    )
    plan.add_argument("--seed", type=int, default=0)
    plan.add_argument(
        "--objective",
        choices=("total", "fair"),
        default="total",
        help="after placements: total value, or fair (max-min benefit share, then total)",
    )
    plan.add_argument("--top", type=_count, default=20, help="rows to print (default 20)")

    schema = command("schema", _schema, "print the JSON Schema of a document kind")
    schema.add_argument("kind", nargs="?", help="a document kind; without one, list the kinds")

    score = command("score", _score, "score and grade one period", needs_file=True)
    score.add_argument("--to", choices=("month", "quarter", "year"), default="year")
    score.add_argument("--period", help="period label (default: the last one)")
    score.add_argument("--top", type=_count, default=20, help="rows to print (default 20)")
    _add_sweep(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status.

    Parameters
    ----------
    argv
        Arguments without the program name; ``None`` reads ``sys.argv``.

    Returns
    -------
    int
        0 on success, 2 on bad input (after one line on stderr), 70 on an
        internal error (one line naming it; ``--debug`` adds the traceback).

    Examples
    --------
    >>> import tempfile
    >>> main(["--version"])
    Traceback (most recent call last):
    ...
    SystemExit: 0
    >>> main(["sample", "--out", tempfile.mkdtemp()])  # doctest: +ELLIPSIS
    wrote zone     .../zone.json
    wrote roster   .../cadres.csv
    wrote records  .../records.csv
    0

    .. versionadded:: 0.1
    """
    _tolerant_output()
    parser = _build_parser()
    args = parser.parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    with warnings.catch_warnings():
        warnings.simplefilter("default" if debug else "ignore")
        try:
            _preflight(args)
            result = args.run(args)
            if args.format == "json":
                print(json.dumps(result, ensure_ascii=False))
        except _INPUT_ERRORS as exc:
            if debug:
                traceback.print_exc()
            print(f"cadredev {args.command}: error: {_one_line(exc)}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except Exception as exc:  # noqa: BLE001  (the promise: one line, never a traceback)
            if debug:
                traceback.print_exc()
            print(
                f"cadredev {args.command}: internal error: {type(exc).__name__}: "
                f"{_one_line(exc)} (please report this with the command that caused it; "
                "--debug shows the traceback)",
                file=sys.stderr,
            )
            return EXIT_INTERNAL
    return EXIT_OK


def _one_line(exc: BaseException) -> str:
    """Return the first line of an error's message, or a plain description."""
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply"
    if isinstance(exc, MemoryError):
        return "not enough memory for this input"
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _tolerant_output() -> None:
    """Write characters the console cannot show as backslash escapes, never fail on them."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            reconfigure(errors="backslashreplace")


def _preflight(args: argparse.Namespace) -> None:
    """Check inputs and outputs before any work: a bad ``--out`` is refused first."""
    from .io._read import check_regular_file  # noqa: PLC0415

    path = getattr(args, "file", None)
    if path is not None and path != STDIN:
        check_regular_file(path, where=path)
    out = getattr(args, "out", None)
    if out is None:
        return
    target = Path(out)
    if args.command in ("demo", "sample"):
        if target.exists() and not target.is_dir():
            raise InvalidInputError(f"--out: {out} exists and is not a directory")
    else:
        if target.is_dir():
            raise InvalidInputError(f"--out: {out} is a directory; expected a file name")
        if not target.absolute().parent.is_dir():
            raise InvalidInputError(f"--out: the directory of {out} does not exist")
