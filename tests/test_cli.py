from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cadredev import __version__, sample_zone
from cadredev.cli import main
from cadredev.datasets import Zone
from cadredev.io import load_json, read_roster_csv


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_demo_json_is_deterministic(
    demo_run: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--format", "json"]) == 0
    first = json.loads(capsys.readouterr().out)
    summary = json.loads((demo_run[0] / "summary.json").read_text(encoding="utf-8"))
    assert first["zone"]["cadres"] == 246
    first.pop("timings_s")
    summary.pop("timings_s")
    assert first == summary


@pytest.mark.parametrize(
    "argv",
    [["bogus"], [], ["demo", "--seed", "x"], ["demo", "--format", "xml"], ["demo", "--seed", "-1"]],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    assert code == 2
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err


def test_module_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "cadredev", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == f"cadredev {__version__}"


def test_sample_writes_loadable_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sample", "--out", str(tmp_path), "--format", "json"]) == 0
    written = json.loads(capsys.readouterr().out)
    zone = load_json(Zone, written["zone"])
    assert zone == sample_zone()
    assert read_roster_csv(written["roster"])[0].id == "c001"


@pytest.fixture(scope="module")
def zone_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("zone")
    assert main(["sample", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Run ``cadredev demo --out DIR`` once for the module: (DIR, what it printed)."""
    out = tmp_path_factory.mktemp("demo")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["demo", "--out", str(out)]) == 0
    return out, buffer.getvalue()


def test_demo_writes_results_and_plots(demo_run: tuple[Path, str]) -> None:
    tmp_path, out = demo_run
    assert "246 cadres" in out
    assert "Grids (S1)" in out
    assert "Grid mentoring (S2)" in out
    for name in (
        "summary.json",
        "grids.json",
        "mentoring.json",
        "shadowing.json",
        "grids.png",
        "scores.png",
        "frontline.png",
    ):
        assert (tmp_path / name).stat().st_size > 0
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["mentoring"]["unmatched"] == 0
    assert summary["rotation"]["cross_shadowing"]["assignments"] == 27
    assert summary["rotation"]["frontline"]["violations"] == 0


def test_teams_command(zone_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["teams", str(zone_file / "zone.json"), "--n-teams", "6", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["teams"]) == 6
    assert result["worst_deviation"]["cohort"] < 3
    assert main(["teams", str(zone_file / "cadres.csv"), "--n-teams", "4", "--as-of", "2025"]) == 0
    assert "worst cohort deviation" in capsys.readouterr().out


def test_match_command(zone_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["match", str(zone_file / "zone.json"), "--method", "stable"]) == 0
    assert "mentees matched (stable)" in capsys.readouterr().out
    assert main(["match", str(zone_file / "zone.json"), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["kind"] == "Matching"
    assert result["data"]["method"] == "optimal"
    assert len(result["data"]["candidates"]["mentees"]) == 246 - 52


def test_schedule_command(zone_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["schedule", str(zone_file / "zone.json"), "--program", "cross-shadowing"]
    assert main([*argv, "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["assignments"]) == 27
    assert result["unplaced"] == []
    assert result["objective"]["placed"] == result["bound"]["placed"] == 27
    assert main([*argv, "--top", "2"]) == 0
    assert "0 violations" in capsys.readouterr().out


def test_score_command(zone_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(zone_file / "zone.json"), "--top", "5"]) == 0
    out = capsys.readouterr().out
    assert "period 2025" in out
    assert main(["score", str(zone_file / "zone.json"), "--to", "quarter", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["period"] == "2025Q4"


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["teams", "missing.json"], "cannot read file"),
        (["match", "{bad}"], "malformed JSON"),
        (["score", "{newer}"], "newer than this cadredev reads"),
        (["score", "{kind}"], "$.kind: expected 'Zone'"),
        (["match", "{zone}", "--role", "boss"], "unknown value 'boss'"),
        (["teams", "{zone}", "--size", "x"], "--size: expected MIN or MIN,MAX"),
        (["teams", "{zone}", "--n-teams", "500"], "n_teams"),
        (["teams", "{csv}", "--n-teams", "4"], "--as-of: a CSV roster has no reference year"),
        (["schedule", "{zone}", "--program", "nope"], "unknown program(s) ['nope']"),
        (["schedule", "{zone}", "--home-share", "2"], "--home-share"),
        (["schedule", "{zone}", "--horizon", "0"], "horizon"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_step_commands_bad_input(
    argv: list[str],
    fragment: str,
    zone_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "kind": ', encoding="utf-8")
    newer = tmp_path / "newer.json"
    newer.write_text('{"schema_version": 99, "kind": "Zone", "data": {}}', encoding="utf-8")
    kind = tmp_path / "kind.json"
    kind.write_text('{"schema_version": 1, "kind": "Cadre", "data": {}}', encoding="utf-8")
    paths = {
        "{bad}": bad,
        "{newer}": newer,
        "{kind}": kind,
        "{zone}": zone_file / "zone.json",
        "{csv}": zone_file / "cadres.csv",
    }
    argv = [str(paths.get(a, a)) for a in argv]
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert fragment in err
