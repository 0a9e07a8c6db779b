from __future__ import annotations

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


def test_demo_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    assert "246 cadres" in capsys.readouterr().out


def test_demo_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--format", "json", "--seed", "3"]) == 0
    assert json.loads(capsys.readouterr().out)["cadres"] == 246


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
        [sys.executable, "-m", "cadredev", "demo", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["posts"] > 0


def test_sample_writes_loadable_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sample", "--out", str(tmp_path), "--format", "json"]) == 0
    written = json.loads(capsys.readouterr().out)
    zone = load_json(Zone, written["zone"])
    assert zone == sample_zone()
    assert read_roster_csv(written["roster"])[0].id == "c001"
