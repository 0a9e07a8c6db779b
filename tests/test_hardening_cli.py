"""The command line's promise, kept in a real process: one line on stderr, exit 2, at once.

Each case runs ``python -m cadredev`` as a user would, with hostile files,
consoles that cannot show Chinese, FIFOs and directories.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cadredev.cli import main

# Well within a second each on a quiet machine; the bound leaves room for a busy one.
PROMPT_S = 10.0


def cadredev(*argv: str, encoding: str | None = None) -> tuple[int, str, str, float]:
    env = dict(os.environ)
    if encoding is not None:
        env["PYTHONIOENCODING"] = encoding
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603  (our own interpreter and package)
        [sys.executable, "-m", "cadredev", *argv],
        capture_output=True,
        env=env,
        timeout=PROMPT_S * 3,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - start
    return (
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
        elapsed,
    )


def assert_one_line_exit_2(result: tuple[int, str, str, float], fragment: str) -> None:
    code, _out, err, elapsed = result
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    assert fragment in err
    assert elapsed < PROMPT_S


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("zone")
    assert main(["sample", "--out", str(out), "--format", "json"]) == 0
    return out / "zone.json"


def test_deep_json(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    assert_one_line_exit_2(cadredev("score", str(path)), "nested more than 64 levels")


def test_huge_integer(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text('{"schema_version": ' + "7" * 5000 + "}", "utf-8")
    assert_one_line_exit_2(cadredev("schedule", str(path)), "cannot be read")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs need a POSIX system")
def test_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "zone.json"
    os.mkfifo(fifo)
    assert_one_line_exit_2(cadredev("match", str(fifo)), "not a regular file")
    assert_one_line_exit_2(cadredev("teams", str(tmp_path / "r.csv")), "cannot read file")


def test_directory_and_missing_file(tmp_path: Path) -> None:
    assert_one_line_exit_2(cadredev("score", str(tmp_path)), "is a directory")
    assert_one_line_exit_2(cadredev("score", str(tmp_path / "no.json")), "cannot read file")


def test_lone_surrogate_under_an_ascii_console(zone: Path, tmp_path: Path) -> None:
    doc = json.loads(zone.read_text("utf-8"))
    doc["data"]["cadres"][0]["name"] = "\ud800王"
    path = tmp_path / "zone.json"
    path.write_text(json.dumps(doc, ensure_ascii=True), "utf-8")
    result = cadredev("score", str(path), encoding="ascii")
    assert_one_line_exit_2(result, "lone surrogates")
    assert "\\ud800" in result[2]


@pytest.mark.parametrize("encoding", ["ascii", "gbk"])
def test_unencodable_names_are_escaped(zone: Path, tmp_path: Path, encoding: str) -> None:
    doc = json.loads(zone.read_text("utf-8"))
    doc["data"]["cadres"][0]["name"] = "王䶮"  # outside GBK
    doc["data"]["name"] = "示范区"
    path = tmp_path / "zone.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    code, out, err, _ = cadredev("score", str(path), "--top", "400", encoding=encoding)
    assert (code, err) == (0, "")
    assert "\\u4dae" in out
    code, out, err, _ = cadredev("score", str(path), "--format", "json", encoding=encoding)
    assert (code, err) == (0, "")
    assert json.loads(out)["scores"]["c001"]["grade"]


def test_existing_file_as_demo_out_is_refused_first(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("keep", "utf-8")
    assert_one_line_exit_2(cadredev("demo", "--out", str(target)), "not a directory")
    assert target.read_text("utf-8") == "keep"


def test_negative_top_and_huge_horizon(zone: Path) -> None:
    assert_one_line_exit_2(cadredev("schedule", str(zone), "--top", "-1"), "--top")
    huge = cadredev("schedule", str(zone), "--horizon", "10000000")
    assert_one_line_exit_2(huge, "GiB of memory")
