"""Hostile and careless input at the public boundaries: named errors, never crashes.

Each test here pins one class of input that once crashed, hung, passed
silently or cost unbounded memory (see docs/security.md for the rules).
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from cadredev import (
    Cadre,
    Eligibility,
    Enterprise,
    InvalidInputError,
    Mentor,
    Post,
    Posting,
    cohort_of,
    form_teams,
    post_fit,
    sample_zone,
)
from cadredev._validate import (
    MAX_COUNT,
    check_hashable,
    check_id,
    check_text,
    check_year,
    id_problem,
    text_problem,
)
from cadredev.cli import main
from cadredev.datasets import Zone
from cadredev.io import dump, load, load_json, read_records_csv, read_roster_csv, read_table
from cadredev.rotation import Program, RotationProblem, schedule
from cadredev.rotation._compile import memory_estimate


def cadre(cid: str = "c1", **changes: Any) -> Cadre:
    fields: dict[str, Any] = {
        "id": cid,
        "name": "李娜",
        "birth_year": 1990,
        "rank": "section",
        "unit": "招商局",
    }
    fields.update(changes)
    return Cadre(**fields)


# ------------------------------------------------------------ strings and ids

HOSTILE_IDS = [" c1", "c1 ", "\tc1", "c1\n", "c\x00", "c\x1b1", "c\ud800", "\ufffe", "", "  "]


@pytest.mark.parametrize("bad", HOSTILE_IDS)
def test_ids_follow_one_rule_in_every_record(bad: str) -> None:
    builders: list[Callable[[], object]] = [
        lambda: cadre(bad),
        lambda: cadre(unit=bad),
        lambda: cadre(grid=bad),
        lambda: cadre(industries={bad}),
        lambda: cadre(competencies={bad: 0.5}),
        lambda: Mentor(id=bad, unit="u"),
        lambda: Post(id=bad, unit="u", category="host"),
        lambda: Post(id="p", unit="u", category=bad),
        lambda: Enterprise(id=bad),
        lambda: Posting(post_id=bad, start=1),
        lambda: Eligibility(units={bad}),
    ]
    for build in builders:
        with pytest.raises(InvalidInputError, match="without surrounding whitespace"):
            build()
    assert id_problem(bad) is not None
    with pytest.raises(InvalidInputError, match="where: id must be"):
        check_id(bad, where="where")


@pytest.mark.parametrize("bad", ["a\ud800", "\udfffb", "a\x00b", "a\x1bb", "a\x7f", "a\x85"])
def test_text_rejects_surrogates_and_controls(bad: str) -> None:
    with pytest.raises(InvalidInputError, match="Cadre 'c1': name must be a string without"):
        cadre(name=bad)
    with pytest.raises(InvalidInputError, match="Enterprise 'e': area must be"):
        Enterprise(id="e", area=bad)
    assert text_problem(bad) is not None
    with pytest.raises(InvalidInputError, match="Thing: label must be a string without"):
        check_text(bad, where="Thing", name="label")


def test_text_keeps_what_names_need() -> None:
    assert cadre(name="王\n伟").name == "王\n伟"  # multi-line names and notes are text
    assert cadre(name="䶮").name == "䶮"  # outside GBK, inside Unicode
    assert text_problem("a\tb", multiline=True) is None
    assert text_problem("a\tb") is not None
    assert text_problem(3) == "a string"
    assert check_text("ok", where="w", name="n") == "ok"
    assert check_id("c1", where="w") == "c1"


# ------------------------------------------------------------------ types


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: cohort_of("1990", as_of=2025), "cohort_of: birth_year must be an integer year"),  # type: ignore[arg-type]
        (lambda: cohort_of(1990, as_of="2025"), "cohort_of: as_of must be an integer year"),  # type: ignore[arg-type]
        (lambda: cohort_of(1990, as_of=2025.0), "as_of must be an integer year"),  # type: ignore[arg-type]
        (lambda: cohort_of(1990, as_of=True), "as_of must be an integer year"),
        (lambda: cohort_of(1990, as_of=2025, bounds=(35.5, 50)), "bounds must be a"),  # type: ignore[arg-type]
        (lambda: cohort_of(1990, as_of=2025, bounds="ab"), "bounds must be a"),  # type: ignore[arg-type]
        (lambda: cadre().cohort(as_of=2025.5), "as_of must be an integer year, got 2025.5"),  # type: ignore[arg-type]
        (
            lambda: Eligibility(born_after=1990).admits(cadre(), as_of="2025"),  # type: ignore[arg-type]
            "Eligibility: as_of must be an integer year",
        ),
        (lambda: Eligibility().admits("c1", as_of=2025), "Eligibility: expected a Cadre"),  # type: ignore[arg-type]
        (
            lambda: post_fit(
                Post(id="p", unit="u", category="host", eligibility=Eligibility(cohorts={"青"})),
                [cadre()],
                as_of="2025",  # type: ignore[arg-type]
            ),
            "as_of must be an integer year",
        ),
        (lambda: cadre(joined_year=1985), "joined_year must not be before birth_year (1990)"),
        (lambda: cadre(rank_since=1989), "rank_since must not be before birth_year"),
        (lambda: Mentor(id="m", unit="u", capacity=2**70), "capacity must be an integer from 0"),
        (lambda: Post(id="p", unit="u", category="h", capacity=MAX_COUNT + 1), "capacity must"),
        (lambda: check_year("2025", where="w", name="as_of"), "w: as_of must be an integer"),
        (lambda: check_hashable([1], where="w", what="a key"), "w: a key must be hashable"),
    ],
)
def test_types_are_named_errors(call: Any, fragment: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        call()
    assert fragment in str(info.value)


def test_zone_checks_its_fields() -> None:
    zone = sample_zone()
    with pytest.raises(InvalidInputError, match="Zone: as_of must be an integer year"):
        attrs.evolve(zone, as_of="2025")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"Zone: cadres\[0\] must be a Cadre, got 1"):
        attrs.evolve(zone, cadres=[1, 2])
    with pytest.raises(InvalidInputError, match="Zone: expected a collection of records"):
        attrs.evolve(zone, posts=3)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"Zone: units\[0\] must be"):
        attrs.evolve(zone, units=[" 招商局"])
    with pytest.raises(InvalidInputError, match="Zone: name must be a string"):
        attrs.evolve(zone, name="z\x00")
    with pytest.raises(InvalidInputError, match="Zone: scheme must be a Scheme"):
        attrs.evolve(zone, scheme="s")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="Zone: records must be Records"):
        attrs.evolve(zone, records=[])  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"Zone: programs\[0\] must be a Program"):
        attrs.evolve(zone, programs=["p"])
    assert attrs.evolve(zone, as_of=2024).as_of == 2024


# -------------------------------------------------------- degenerate answers


def test_empty_roster_gives_no_teams_however_asked() -> None:
    by_count = form_teams([], n_teams=1, as_of=2025)
    by_size = form_teams([], size=2, as_of=2025)
    by_both = form_teams([], n_teams=3, size=(2, 4), as_of=2025)
    assert by_count.teams == by_size.teams == by_both.teams == ()
    with pytest.raises(InvalidInputError, match="n_teams must be an integer >= 1"):
        form_teams([], n_teams=0, as_of=2025)


def test_balance_function_must_return_a_category() -> None:
    roster = [cadre(f"c{i}") for i in range(4)]
    with pytest.raises(InvalidInputError, match="balance function returned \\['x'\\]"):
        form_teams(roster, n_teams=2, balance=[lambda c: ["x"]])  # type: ignore[list-item, return-value]
    teams = form_teams(roster, n_teams=2, balance=[lambda c: ("t", c.unit)])
    assert sorted(x for t in teams.teams for x in t) == [c.id for c in roster]


# --------------------------------------------------------------------- io


def test_records_csv_refuses_python_number_syntax(tmp_path: Path) -> None:
    for text in ("1_000", "1_0.5"):
        path = tmp_path / "r.csv"
        path.write_text(f"cadre_id,period,indicator,value\nc1,2025-01,visits,{text}\n", "utf-8")
        with pytest.raises(InvalidInputError, match=f"expected a number, got '{text}'"):
            read_records_csv(path)
    path.write_text(
        "cadre_id,period,indicator,value\nc1,2025-01,visits,1000\nc1,2025-02,visits,\n", "utf-8"
    )
    with pytest.raises(InvalidInputError):
        read_records_csv(path)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,birth_year,rank,unit,competencies\nc1,王,1990,section,u,judgment=0_5\n", "utf-8"
    )
    with pytest.raises(InvalidInputError, match="0_5"):
        read_roster_csv(roster)


def test_json_depth_and_size_limits(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    with pytest.raises(InvalidInputError, match="nested more than 64 levels"):
        load_json(Zone, deep)
    shallow = tmp_path / "shallow.json"
    shallow.write_text('{"a": ' * 20 + "1" + "}" * 20, "utf-8")
    with pytest.raises(InvalidInputError, match="nested more than 10 levels"):
        load_json(Zone, shallow, max_depth=10)
    with pytest.raises(InvalidInputError, match="schema_version"):
        load_json(Zone, shallow)  # within the default depth: read, then refused as a document
    with pytest.raises(InvalidInputError, match="more than the limit of 100 bytes"):
        load_json(Zone, shallow, max_bytes=100)
    for bad in (0, -1, 1.5, "64", True):
        with pytest.raises(InvalidInputError, match="load_json: max_"):
            load_json(Zone, shallow, max_depth=bad)  # type: ignore[arg-type]
        with pytest.raises(InvalidInputError, match="load_json: max_bytes"):
            load_json(Zone, shallow, max_bytes=bad)  # type: ignore[arg-type]


def test_json_huge_integer_is_a_named_error(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text("1" * 5000, "utf-8")
    with pytest.raises(InvalidInputError, match="a number in the JSON cannot be read"):
        load_json(Zone, path)
    doc = dump(Mentor(id="m", unit="u"))
    doc["data"]["capacity"] = 10**30
    with pytest.raises(InvalidInputError, match="capacity must be an integer from 0"):
        load(Mentor, doc)


def test_json_deep_data_is_a_named_error() -> None:
    nested: Any = "x"
    for _ in range(sys.getrecursionlimit() * 2):
        nested = [nested]
    doc = dump(Mentor(id="m", unit="u"))
    doc["data"]["industries"] = nested
    with pytest.raises(InvalidInputError, match=r"\$\.data"):
        load(Mentor, doc)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs need a POSIX system")
def test_readers_refuse_what_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for reader in (
        lambda p: load_json(Zone, p),
        read_roster_csv,
        read_records_csv,
        lambda p: read_table("Cadre", p, format="xlsx"),
    ):
        with pytest.raises(InvalidInputError, match="not a regular file"):
            reader(fifo)
        with pytest.raises(InvalidInputError, match="is a directory"):
            reader(tmp_path)
        with pytest.raises(InvalidInputError, match="cannot read file"):
            reader(tmp_path / "missing")
    with pytest.raises(InvalidInputError, match="not a usable file name"):
        read_roster_csv("a\x00b")


def test_csv_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cadredev.io import _read  # noqa: PLC0415

    path = tmp_path / "r.csv"
    path.write_text("id,name,birth_year,rank,unit\nc1,王,1990,section,u\n", "utf-8")
    assert len(read_roster_csv(path)) == 1
    monkeypatch.setattr(_read, "MAX_FILE_BYTES", 10)
    with pytest.raises(InvalidInputError, match="more than the limit of 10 bytes"):
        _read.read_input(path, where=str(path), max_bytes=10)


# --------------------------------------------------------------- rotation


def test_rotation_memory_is_checked_before_allocation() -> None:
    zone = sample_zone()
    program = zone.programs[0]
    posts = [p for p in zone.posts if p.category in program.categories]
    problem = RotationProblem(
        cadres=zone.cadres, posts=posts, horizon=100_000, programs=[program], as_of=zone.as_of
    )
    need = memory_estimate(problem)
    assert need > 2**30
    with pytest.raises(InvalidInputError, match=r"would need about [\d.,]+ GiB of memory"):
        schedule(problem, seed=0, memory_limit=2**30)
    small = attrs.evolve(problem, horizon=12)
    assert memory_estimate(small) < 64 * 2**20
    assert memory_estimate(attrs.evolve(small, programs=[])) < memory_estimate(small)


def test_rotation_program_longer_than_horizon_needs_no_memory() -> None:
    c = cadre()
    post = Post(id="p", unit="u", category="host")
    program = Program(name="x", length=2, placements=(0, 1), categories={"host"})
    problem = RotationProblem(cadres=[c], posts=[post], horizon=2, programs=[program])
    # the per-period tables and the (cadre, post) tables only
    assert memory_estimate(problem, min_start=5) == 2 * 3 * 25 + 40 + (5 + 8) * 3


# ------------------------------------------------------------ command line


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def zone_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("zone")
    assert main(["sample", "--out", str(out), "--format", "json"]) == 0
    return out


def test_cli_internal_error_is_one_line_and_exit_70(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cadredev import cli  # noqa: PLC0415

    def broken(_args: Any) -> dict[str, Any]:
        raise KeyError("oops")

    monkeypatch.setattr(cli, "_schema", broken)
    code, out, err = _run(["schema"], capsys)
    assert code == cli.EXIT_INTERNAL == 70
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "internal error: KeyError" in err
    assert "please report this" in err
    assert "Traceback" not in err
    code, _, err = _run(["schema", "--debug"], capsys)
    assert code == 70
    assert "Traceback" in err
    assert err.strip().splitlines()[-1].startswith("cadredev schema: internal error")


@pytest.mark.parametrize(
    ("error", "fragment"),
    [
        (RecursionError("maximum recursion depth exceeded"), "nested too deeply"),
        (MemoryError(), "not enough memory"),
        (UnicodeEncodeError("ascii", "䶮", 0, 1, "no"), "codec can't encode"),
        (ValueError(""), "ValueError"),
        (OSError(28, "No space left on device"), "No space left"),
    ],
)
def test_cli_input_errors_are_one_line_and_exit_2(
    error: BaseException,
    fragment: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from cadredev import cli  # noqa: PLC0415

    def failing(_args: Any) -> dict[str, Any]:
        raise error

    monkeypatch.setattr(cli, "_schema", failing)
    code, _, err = _run(["schema"], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert fragment in err
    code, _, err = _run(["--debug", "schema"], capsys)
    assert code == 2
    assert "Traceback" in err


def test_cli_warnings_stay_quiet(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cadredev import cli  # noqa: PLC0415

    def noisy(_args: Any) -> dict[str, Any]:
        warnings.warn("invalid value encountered in divide", RuntimeWarning, stacklevel=1)
        return {"ok": True}

    monkeypatch.setattr(cli, "_schema", noisy)
    code, out, err = _run(["schema", "--format", "json"], capsys)
    assert (code, json.loads(out), err) == (0, {"ok": True}, "")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["schedule", "{zone}", "--top", "-1"], "argument --top: expected an integer >= 0"),
        (["score", "{zone}", "--top", "x"], "argument --top: expected an integer >= 0"),
        (["schedule", "{zone}", "--time-limit", "nan"], "expected a finite number"),
        (["schedule", "{zone}", "--home-share", "inf"], "expected a finite number"),
        (["match", "{zone}", "--cross-unit", "y"], "expected a number"),
        (["schedule", "{zone}", "--horizon", "100000", "--memory-limit", "1G"], "GiB of memory"),
        (["demo", "--out", "{zone}"], "exists and is not a directory"),
        (["sample", "--out", "{zone}"], "exists and is not a directory"),
        (["report", "{zone}", "--out", "{dir}"], "is a directory; expected a file name"),
        (["report", "{zone}", "--out", "{dir}/no/such/r.html"], "does not exist"),
        (["score", "{dir}"], "is a directory"),
        (["teams", "{dir}/missing.csv", "--n-teams", "2"], "cannot read file"),
    ],
)
def test_cli_refuses_before_working(
    argv: list[str], fragment: str, zone_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zone = str(zone_dir / "zone.json")
    argv = [a.format(zone=zone, dir=zone_dir) for a in argv]
    code, out, err = _run(argv, capsys)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert fragment in err


def test_cli_reads_a_zone_from_stdin(
    zone_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io  # noqa: PLC0415

    data = (zone_dir / "zone.json").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, out, _ = _run(["score", "-", "--format", "json"], capsys)
    assert code == 0
    assert json.loads(out)["period"] == "2025"
    for bad, fragment in ((b"\xff\xfe", "not UTF-8"), (b"[" * 1000, "nested more than")):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(bad), encoding="utf-8"))
        code, _, err = _run(["score", "-"], capsys)
        assert code == 2
        assert fragment in err


# ------------------------------------------- found by fuzzing, in these areas


def _any(value: object) -> Any:
    """Return *value* typed as anything: the wrong types these tests pass on purpose."""
    return value


def test_fuzz_findings_are_named_errors(tmp_path: Path) -> None:
    from cadredev import FrozenDict, datasets  # noqa: PLC0415
    from cadredev.io import kind, schema  # noqa: PLC0415

    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: FrozenDict(_any([1, 2])), "FrozenDict: expected a mapping"),
        (lambda: FrozenDict(_any(3)), "FrozenDict: expected a mapping"),
        (lambda: kind(_any(["Cadre"])), "unknown document kind"),
        (lambda: schema(_any({})), "unknown document kind"),
        (lambda: load_json(Zone, _any({"a": 1})), "expected a file path, got dict"),
        (lambda: read_roster_csv(_any(None)), "expected a file path, got NoneType"),
        (lambda: read_records_csv(_any(["r.csv"])), "expected a file path, got list"),
        (lambda: datasets.sample_programs(_any(None)), "sample_programs: expected a Zone"),
        (lambda: datasets.frontline_problem(_any(())), "frontline_problem: expected a Zone"),
        (lambda: datasets.cross_shadowing_problem(_any(1)), "cross_shadowing_problem: expected"),
        (lambda: datasets.stationed_rotation_problem(_any("z")), "stationed_rotation_problem"),
        (lambda: datasets.sample_records(_any({})), "sample_records: expected a Zone"),
        (lambda: datasets.tiny_rotation_problem(without=_any(["a"])), "without must be a cadre id"),
    ]
    for call, fragment in cases:
        with pytest.raises(InvalidInputError) as info:
            call()
        assert fragment in str(info.value)
    assert datasets.tiny_rotation_problem(without="a").cadres[0].id == "b"


def test_table_of_blank_cells_has_no_header() -> None:
    import io  # noqa: PLC0415

    for raw in (b",", b",,\n,\n", b"\t\n"):
        with pytest.raises(InvalidInputError, match="header row"):
            read_table("Cadre", io.BytesIO(raw), format="tsv" if b"\t" in raw else "csv")


def test_a_set_of_mixed_kinds_dumps_in_a_fixed_order() -> None:
    # a hashable id may be a frozenset of mixed kinds: its dump does not compare 0 with ''
    from cadredev.io._convert import _jsonable  # noqa: PLC0415

    assert _jsonable(frozenset([0, "", 2.5])) == _jsonable(frozenset([2.5, "", 0]))
    assert sorted(map(str, _jsonable(frozenset([0, ""])))) == ["", "0"]
    assert _jsonable(frozenset([3, 1, 2])) == [1, 2, 3]  # one kind: the natural order
