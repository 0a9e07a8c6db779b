"""Atomic writes: every failure is named and leaves neither a changed target
nor a stray temporary file; ranks compare only with ranks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from cadredev import InvalidInputError, Rank
from cadredev.io import _atomic


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_a_file_is_replaced_with_its_mode_kept(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    target.chmod(0o640)
    _atomic.write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert _leftovers(tmp_path) == []


def test_a_path_under_a_file_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "plain"
    blocker.write_text("x")
    with pytest.raises(InvalidInputError) as info:
        _atomic.write_bytes(blocker / "out.txt", b"data")
    assert str(info.value) == f"{blocker / 'out.txt'}: cannot write file (Not a directory)"


def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "out.txt"
    with pytest.raises(InvalidInputError) as info:
        _atomic.write_bytes(target, b"data")
    assert str(info.value) == f"{target}: cannot write file (No such file or directory)"


def test_a_directory_in_the_way_is_named_and_nothing_is_left(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    with pytest.raises(InvalidInputError) as info:
        _atomic.write_bytes(target, b"data")
    assert str(info.value) == f"{target}: cannot write file (Is a directory)"
    assert target.is_dir()
    assert _leftovers(tmp_path) == []


def test_an_interrupted_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _atomic.write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_encoding_errors_are_named() -> None:
    with pytest.raises(InvalidInputError) as info:
        _atomic.encode("a\n王", encoding="ascii", where="f.csv")
    assert str(info.value) == (
        "f.csv, line 2: '王' cannot be written as ascii (ordinal not in range(128)); "
        "nothing was written"
    )
    with pytest.raises(InvalidInputError) as info:
        _atomic.encode("a", encoding="no-such-codec", where="f.csv")
    assert str(info.value) == "f.csv: unknown encoding 'no-such-codec'"
    assert _atomic.encode("王", encoding="gbk", where="f.csv") == "王".encode("gbk")


def test_ranks_compare_only_with_ranks() -> None:
    ranks = list(Rank)
    for a in ranks:
        for b in ranks:
            assert (a < b) == (a.level < b.level)
            assert (a <= b) == (a.level <= b.level)
            assert (a > b) == (a.level > b.level)
            assert (a >= b) == (a.level >= b.level)
    other: Any = 1
    for name in ("__lt__", "__le__", "__gt__", "__ge__"):
        assert getattr(Rank.SECTION, name)(other) is NotImplemented
    with pytest.raises(TypeError):
        assert other > Rank.SECTION
