"""Command-line paths the workflow tests leave: the schema command, zones that
lack what a command needs, printed details (unmatched mentees, unplaced cadres,
truncated tables), sweeps printed without a file and stdin past its limit."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

from cadredev import io as cio
from cadredev.cli import main
from cadredev.datasets import sample_zone
from cadredev.io import _read
from cadredev.matching import Criteria, compatibility_graph, match
from cadredev.model import MentorRole


@pytest.fixture(scope="module")
def zone() -> Any:
    return sample_zone(0, n_cadres=24)


def _save(zone: Any, path: Path) -> str:
    cio.save_json(zone, path)
    return str(path)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_schema_lists_kinds_and_prints_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["schema"], capsys)
    assert (code, err) == (0, "")
    assert out.splitlines() == list(cio.kinds())
    code, out, _ = _run(["schema", "--format", "json"], capsys)
    assert json.loads(out) == {"kinds": list(cio.kinds())}
    code, out, _ = _run(["schema", "Mentor"], capsys)
    assert json.loads(out) == cio.schema("Mentor")
    code, out, _ = _run(["schema", "Mentor", "--format", "json"], capsys)
    assert json.loads(out) == cio.schema("Mentor")
    code, out, err = _run(["schema", "Nothing"], capsys)
    assert code == 2
    assert err.startswith("cadredev schema: error: ")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "case",
    [
        (["match", "{f}", "--role", "tutor"], {}, "the zone has no mentors with role 'tutor'"),
        (["schedule", "{f}"], {"programs": ()}, "the zone has no rotation programs"),
        (["score", "{f}"], {"scheme": None}, "the zone has no scoring scheme or records"),
        (["score", "{f}"], {"records": None}, "the zone has no scoring scheme or records"),
    ],
)
def test_a_zone_without_what_the_command_needs(
    zone: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: tuple[list[str], dict[str, Any], str],
) -> None:
    argv, change, message = case
    f = _save(attrs.evolve(zone, **change), tmp_path / "z.json")
    code, out, err = _run([a.format(f=f) for a in argv], capsys)
    assert (code, out) == (2, "")
    assert err == f"cadredev {argv[0]}: error: {f}: {message}\n"


def test_a_list_document_is_not_a_zone(
    zone: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "zones.json"
    cio.save_json([zone, zone], path)
    code, _, err = _run(["teams", str(path)], capsys)
    assert code == 2
    assert err == f"cadredev teams: error: {path}: expected one Zone document, got a list\n"


def test_unmatched_mentees_are_listed_with_their_reason(
    zone: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grid = [m for m in zone.mentors if m.role is MentorRole.GRID][:2]
    small = attrs.evolve(zone, mentors=[attrs.evolve(m, capacity=1) for m in grid])
    code, out, _ = _run(["match", _save(small, tmp_path / "z.json")], capsys)
    assert code == 0
    taken = {m.id for m in small.mentors}
    mentees = [c for c in small.cadres if c.id not in taken]
    graph = compatibility_graph(mentees, list(small.mentors), criteria=Criteria(as_of=small.as_of))
    expected = match(graph)
    assert expected.unmatched
    listed = [line.strip() for line in out.splitlines() if line.startswith("  unmatched ")]
    want = sorted(expected.unmatched.items(), key=lambda kv: str(kv[0]))[:10]
    assert listed == [f"unmatched {m}: {why}" for m, why in want]
    assert f"{len(expected.pairs)} of {len(mentees)} mentees matched (optimal)" in out


def test_schedule_prints_unplaced_cadres_and_a_short_table(
    zone: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _save(zone, tmp_path / "z.json")
    argv = ["schedule", f, "--program", "stationed-rotation", "--horizon", "4", "--home-share", "1"]
    code, out, _ = _run(argv, capsys)
    assert code == 0
    code, doc, _ = _run([*argv, "--format", "json"], capsys)
    unplaced = json.loads(doc.splitlines()[-1])["unplaced"]
    assert unplaced
    listed = [line for line in out.splitlines() if line.startswith("  unplaced ")]
    assert listed == [
        f"  unplaced {u['cadre_id']} in {u['program']}: {u['reason']}" for u in unplaced[:10]
    ]
    assert "... " not in out  # nothing placed, nothing cut
    code, out, _ = _run(
        ["schedule", f, "--program", "frontline", "--horizon", "2", "--top", "1"], capsys
    )
    code, doc, _ = _run(
        ["schedule", f, "--program", "frontline", "--horizon", "2", "--format", "json"], capsys
    )
    placed = len(json.loads(doc)["assignments"])
    assert placed > 1
    assert f"... {placed - 1} more" in out.splitlines()


def test_sweep_printed_only(zone: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _save(zone, tmp_path / "z.json")
    argv = ["sweep", f, "--workers", "1", "--axis", "home_share=0.5,true"]
    code, out, err = _run(argv, capsys)
    assert (code, err) == (0, "")
    assert "wrote" not in out
    # 'true' is read as the boolean True, which is no share: that scenario fails.
    assert (
        "scenario 'home_share=True' failed: InvalidInputError: home_share: expected a share" in out
    )
    assert "1 finished, 1 failed" in out
    code, out, _ = _run([*argv, "--format", "json"], capsys)
    rows = json.loads(out)["rows"]
    assert [r["home_share"] for r in rows] == [0.5, True]


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_stdin_past_its_limit(
    zone: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = json.dumps(cio.dump(zone)).encode()
    monkeypatch.setattr(sys, "stdin", _Stdin(text))
    code, out, _ = _run(["score", "-", "--format", "json"], capsys)
    assert code == 0
    assert json.loads(out)["period"]
    monkeypatch.setattr(_read, "MAX_FILE_BYTES", len(text) - 1)
    monkeypatch.setattr(sys, "stdin", _Stdin(text))
    code, _, err = _run(["score", "-"], capsys)
    assert code == 2
    assert err == f"cadredev score: error: <stdin>: more than {len(text) - 1:,} bytes\n"
