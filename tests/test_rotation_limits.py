"""Rotation under limits: ``memory_limit`` and ``time_limit`` in every stage."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadredev import Cadre, InfeasibleError, InvalidInputError, Post
from cadredev.datasets import sample_zone, tiny_rotation_problem
from cadredev.rotation import (
    Eligibility,
    Program,
    RotationProblem,
    diagnose,
    replan,
    schedule,
)
from cadredev.rotation import _compile as compile_module
from cadredev.rotation import _diagnose as diagnose_module
from cadredev.rotation import _limits as limits_module
from cadredev.rotation._compile import compile_problem
from cadredev.rotation._diagnose import NOTE_KINDS
from cadredev.rotation._limits import (
    FALLBACK_MEMORY,
    Limits,
    default_memory_limit,
    format_bytes,
    parse_bytes,
    physical_memory,
)

ROOT = Path(__file__).resolve().parent.parent


def _wide(n: int = 60, m: int = 8, horizon: int = 12, seed: int = 3) -> RotationProblem:
    """``n`` cadres, ``m`` posts in two categories, two programs, some unavailability."""
    rng = np.random.default_rng(seed)
    cadres = [
        Cadre(
            id=f"c{i:04d}",
            name="x",
            birth_year=int(rng.choice([1975, 1988, 1996])),
            rank=str(rng.choice(["section", "division"])),
            unit=f"u{i % 5}",
            competencies={"s": float(rng.uniform(0, 1))},
        )
        for i in range(n)
    ]
    posts = [
        Post(
            id=f"p{j:03d}",
            unit=f"u{j % 5}",
            category=("a", "b")[j % 2],
            capacity=int(rng.integers(1, 3)),
            requirements={"s": float(rng.uniform(0.3, 1))},
            eligibility=Eligibility() if j % 3 else Eligibility(born_after=1980),
        )
        for j in range(m)
    ]
    programs = [
        Program(name="long", length=min(3, horizon), placements=(1, 2), categories={"a"}, gap=1),
        Program(
            name="short", length=1, placements=(0, 2), categories={"a", "b"} if m > 1 else {"a"}
        ),
    ]
    unavailable = {
        c.id: {int(t) for t in rng.integers(0, horizon, 2)} for c in cadres[::4] if horizon
    }
    return RotationProblem(
        cadres=cadres,
        posts=posts,
        horizon=horizon,
        programs=programs,
        unavailable=unavailable,
        period_bonus={(posts[0].id, horizon - 1): 0.5},
    )


def _long_horizon(horizon: int = 100_000) -> RotationProblem:
    """The sample zone's first program over a very long horizon (the CLI case)."""
    zone = sample_zone()
    program = zone.programs[0]
    posts = [p for p in zone.posts if p.category in program.categories]
    return RotationProblem(
        cadres=zone.cadres, posts=posts, horizon=horizon, programs=[program], as_of=zone.as_of
    )


def _options(comp: compile_module.Compiled) -> list[tuple[int, ...]]:
    return list(
        zip(*(x.tolist() for x in (comp.oc, comp.op, comp.ok, comp.os, comp.ol)), strict=True)
    )


# ------------------------------------------------------------------ bad input

BAD_MEMORY: list[Any] = [True, False, 0, -1, 1.5, 2.0**31, math.nan, math.inf, "2G", [1]]


@pytest.mark.parametrize("value", BAD_MEMORY, ids=repr)
def test_bad_memory_limit_is_named(value: Any) -> None:
    prob = tiny_rotation_problem()
    plan = schedule(prob)
    with pytest.raises(InvalidInputError, match=r"schedule: memory_limit must be a positive"):
        schedule(prob, memory_limit=value)
    with pytest.raises(InvalidInputError, match=r"replan: memory_limit must be a positive"):
        replan(prob, plan, memory_limit=value)
    with pytest.raises(InvalidInputError, match=r"diagnose: memory_limit must be a positive"):
        diagnose(prob, memory_limit=value)


@pytest.mark.parametrize("value", [True, 0, -2.5, math.nan, "1", None], ids=repr)
def test_bad_diagnose_time_limit_is_named(value: Any) -> None:
    if value is None:
        assert diagnose(tiny_rotation_problem(), time_limit=value) == ()
        return
    with pytest.raises(InvalidInputError, match=r"diagnose: time_limit must be a positive"):
        diagnose(tiny_rotation_problem(), time_limit=value)


def test_numpy_integers_are_a_memory_limit() -> None:
    prob = tiny_rotation_problem()
    limit: Any = np.int64(2**30)
    assert schedule(prob, memory_limit=limit) == schedule(prob)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2G", 2 * 2**30),
        ("512M", 512 * 2**20),
        ("1.5GiB", 3 * 2**29),
        ("64k", 2**16),
        ("1000", 1000),
    ],
)
def test_sizes_parse(text: str, expected: int) -> None:
    assert parse_bytes(text) == expected


@pytest.mark.parametrize("text", ["", "0", "-1", "2X", "G", "1e9", "nan", "0.5"])
def test_bad_sizes_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="expected a size"):
        parse_bytes(text)


@given(st.integers(1, 10**6), st.sampled_from(["", "K", "M", "G", "T"]), st.booleans())
def test_sizes_are_binary_multiples(n: int, unit: str, suffix: bool) -> None:
    factor = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}[unit]
    text = f"{n}{unit.lower() if n % 2 else unit}{'iB' if suffix and unit else ''}"
    assert parse_bytes(text) == n * factor


def test_format_bytes() -> None:
    assert format_bytes(512) == "512 bytes"
    assert format_bytes(3 * 2**20) == "3.0 MiB"
    assert format_bytes(5 * 2**30) == "5.0 GiB"


def test_default_memory_limit_reads_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    total = physical_memory()
    assert total is None or total > 0
    assert default_memory_limit() > 0

    def no_file(*_: Any, **__: Any) -> Any:
        raise OSError

    monkeypatch.setattr(Path, "open", no_file)
    monkeypatch.setattr(os, "sysconf", no_file)
    assert physical_memory() is None
    assert default_memory_limit() == FALLBACK_MEMORY


# ----------------------------------------------------------- memory: refusal


def _peak(run: Any) -> int:
    tracemalloc.start()
    try:
        run()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return int(peak)


@pytest.mark.parametrize("where", ["schedule", "diagnose"])
def test_too_small_a_memory_limit_is_refused_before_allocating(where: str) -> None:
    prob = _long_horizon()  # about 5 GiB of options, 0.8 GiB of per-period tables
    limit = 16 * 2**20
    call = schedule if where == "schedule" else diagnose

    def run() -> None:
        with pytest.raises(InvalidInputError) as info:
            call(prob, memory_limit=limit)
        text = str(info.value)
        assert text.startswith(f"{where}: 246 cadres, 12 posts")
        assert "would need about" in text
        assert "more than the memory_limit of 16.0 MiB" in text
        assert "give a larger memory_limit" in text

    assert _peak(run) < limit


def test_options_too_many_for_the_limit_are_refused_before_enumeration() -> None:
    # the tables fit, the options (even a few posts per cadre) do not
    prob = _long_horizon(10_000)
    limit = 96 * 2**20
    assert compile_module._fixed(prob) < limit
    assert compile_module.memory_estimate(prob) > 4 * limit

    def run() -> None:
        with pytest.raises(InvalidInputError, match="even keeping only a few posts per cadre"):
            schedule(prob, memory_limit=limit)

    assert _peak(run) < limit


def test_memory_refusal_through_replan_names_replan() -> None:
    prob = _long_horizon(3_000)
    with pytest.raises(InvalidInputError, match=r"^replan: .* more than the memory_limit"):
        replan(prob, schedule(tiny_rotation_problem()), memory_limit=2**20)


# ------------------------------------------------------- memory: smaller path


def test_a_tight_limit_takes_the_smaller_path_and_says_so() -> None:
    prob = tiny_rotation_problem()
    full = schedule(prob, seed=1)
    assert full.method == "exact"
    small = schedule(prob, seed=1, memory_limit=10_000)
    assert small.violations(prob) == ()
    assert small.method == "heuristic"
    assert "memory limit: no whole-problem MIP" in small.stopped_because
    assert "memory limit: no LP bound" in small.stopped_because
    assert small.bound is not None
    assert small.bound.method == "counting"
    assert small == schedule(prob, seed=1, memory_limit=10_000)


def test_a_limit_that_is_not_reached_changes_nothing() -> None:
    prob = _wide()
    plan = schedule(prob, seed=2)
    assert "memory limit" not in plan.stopped_because
    assert schedule(prob, seed=2, memory_limit=2**40) == plan
    assert diagnose(prob, memory_limit=2**40, time_limit=600) == diagnose(prob)


def test_options_that_do_not_fit_are_pruned_to_fit() -> None:
    prob = _wide(n=120, m=30, horizon=24)
    comp = compile_problem(prob)
    limit = compile_module._fixed(prob) + 2 * 120 * 30 * 80 + comp.n_options * 176 // 2
    plan = schedule(prob, seed=0, memory_limit=limit)
    assert plan.violations(prob) == ()
    assert "memory limit: each cadre keeps fewer posts" in plan.stopped_because
    assert plan == schedule(prob, seed=0, memory_limit=limit)
    small = compile_problem(prob, limits=Limits(memory=limit), fit=True)
    assert small.pruned
    assert set(_options(small)) < set(_options(comp))
    with pytest.raises(InvalidInputError, match="more than the memory_limit"):
        compile_problem(prob, limits=Limits(memory=limit))


def test_replan_under_a_tight_limit_is_valid() -> None:
    prob = _wide()
    plan = schedule(prob, seed=0)
    again = replan(prob, plan, released=["c0001"], memory_limit=20_000_000)
    assert again.violations(prob) == ()


def test_diagnose_under_a_tight_limit_reports_real_conflicts_and_a_note() -> None:
    prob = attrs.evolve(_wide(n=120, m=30, horizon=24), min_home_staffing={"u0": 24})
    full = diagnose(prob)
    comp = compile_problem(prob)
    limit = compile_module._fixed(prob) + 2 * 120 * 30 * 80 + comp.n_options * 176 // 2
    found = diagnose(prob, memory_limit=limit)
    assert found[-1].kind == "memory_limit"
    assert "precedence and min_staffing checks were not run" in found[-1].message
    assert found[-1].message_zh
    assert set(found[:-1]) <= set(full)
    assert [c.kind for c in found[:-1]] == [c.kind for c in full if c.kind != "min_staffing"]


# ------------------------------------------------------------ compiling: same


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(1, 12),
    st.integers(1, 10),
    st.integers(0, 3),
    st.integers(0, 10**6),
)
def test_compiling_in_chunks_and_counting_first_change_nothing(
    n: int, m: int, horizon: int, min_start: int, seed: int
) -> None:
    prob = _wide(n=n, m=m, horizon=horizon, seed=seed)
    whole = compile_problem(prob, min_start=min_start)
    try:
        compile_module._CHUNK = 1
        chunked = compile_problem(prob, min_start=min_start)
    finally:
        compile_module._CHUNK = 1_000_000
    assert _options(chunked) == _options(whole)
    assert chunked.ov.tolist() == whole.ov.tolist()
    # the exact count decides pruning as compiling everything first did
    same = compile_problem(prob, min_start=min_start, prune_above=whole.n_options)
    assert not same.pruned
    assert _options(same) == _options(whole)
    if whole.n_options:
        cut = whole.n_options - 1
        pruned = compile_problem(prob, min_start=min_start, prune_above=cut)
        reference = compile_problem(prob, min_start=min_start, max_options=cut)
        assert pruned.pruned
        assert _options(pruned) == _options(reference)
    # closing posts keeps exactly the options that start before the closing
    close = {prob.posts[0].id: min_start + 1}
    closed = compile_problem(prob, min_start=min_start, closed=close)
    post0 = whole.post_ids.index(prob.posts[0].id)
    expected = [o for o in _options(whole) if o[1] != post0 or o[3] < min_start + 1]
    assert _options(closed) == expected


# ------------------------------------------------------------------- the clock


def test_diagnose_cut_short_returns_what_it_found(monkeypatch: pytest.MonkeyPatch) -> None:
    prob = tiny_rotation_problem(capacity=0)
    assert [c.kind for c in diagnose(prob)] == ["supply"]
    late = {"now": False}
    first_stage = diagnose_module._program_conflicts

    def then_the_clock_runs_out(*args: Any) -> Any:
        found = first_stage(*args)
        late["now"] = True
        return found

    monkeypatch.setattr(diagnose_module, "_program_conflicts", then_the_clock_runs_out)
    monkeypatch.setattr(Limits, "out_of_time", lambda _: late["now"])
    found = diagnose(prob, time_limit=5)
    assert [c.kind for c in found] == ["supply", "time_limit"]
    note = found[-1]
    assert "time_limit of 5 s" in note.message
    assert "not checked: cadre_time" in note.message
    assert "home_staffing" in note.message
    assert note.message_zh
    assert note.kind in NOTE_KINDS


def test_diagnose_out_of_time_while_compiling() -> None:
    found = diagnose(_long_horizon(20_000), time_limit=1e-6)
    assert [c.kind for c in found] == ["time_limit"]
    assert "compiling the problem" in found[0].message


def test_diagnose_within_its_time_limit_is_unchanged() -> None:
    prob = attrs.evolve(_wide(), min_home_staffing={"u0": 12})
    assert diagnose(prob, time_limit=600) == diagnose(prob)
    assert all(c.kind not in NOTE_KINDS for c in diagnose(prob))


def test_compiling_past_the_time_limit_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits_module, "COMPILE_GRACE", 0.0)
    prob = _long_horizon(20_000)
    with pytest.raises(
        InvalidInputError, match=r"^schedule: the time_limit of 1e-06 s ran out while"
    ):
        schedule(prob, time_limit=1e-6)


def test_a_small_time_limit_still_gives_a_plan_on_small_problems() -> None:
    # compiling may use a short grace, so a tiny cap still yields a valid plan
    prob = _wide()
    plan = schedule(prob, time_limit=1e-3)
    assert plan.violations(prob) == ()


def test_strict_ignores_the_notes() -> None:
    prob = tiny_rotation_problem(capacity=0)
    with pytest.raises(InfeasibleError) as info:
        schedule(prob, strict=True)
    assert all(c.kind not in NOTE_KINDS for c in info.value.conflicts)


# ------------------------------------------------------------- command line


@pytest.mark.slow
def test_cli_long_horizon_ends_promptly_under_a_time_limit(tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-m", "cadredev"]
    subprocess.run(  # noqa: S603
        [*run, "sample", "--out", str(tmp_path)], check=True, env=env, capture_output=True
    )
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603
        [*run, "schedule", str(tmp_path / "zone.json"), "--horizon", "100000", "--time-limit", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    took = time.perf_counter() - started
    # either compiling runs out (a named error) or a plan cut short by the clock
    if done.returncode == 2:
        assert "time_limit" in done.stderr
        assert "ran out while" in done.stderr
    else:
        assert done.returncode == 0, done.stderr
        assert "time limit" in done.stdout
    assert took < 30


def test_cli_memory_limit_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cadredev.cli import main  # noqa: PLC0415

    assert main(["sample", "--out", str(tmp_path)]) == 0
    zone = str(tmp_path / "zone.json")
    capsys.readouterr()
    assert main(["schedule", zone, "--memory-limit", "1G", "--top", "1"]) == 0
    assert "placements" in capsys.readouterr().out
    assert main(["schedule", zone, "--horizon", "100000", "--memory-limit", "512M"]) == 2
    assert "more than the memory_limit of 512.0 MiB" in capsys.readouterr().err
    for bad in ("0", "2X", "-1G"):
        with pytest.raises(SystemExit):
            main(["schedule", zone, "--memory-limit", bad])
        assert "--memory-limit" in capsys.readouterr().err


def test_windows_shrink_under_a_tight_limit() -> None:
    # "thorough" frees windows of 150 placements, about 36 MB of sub-MIP
    prob = _wide()
    plan = schedule(prob, seed=0, effort="thorough", memory_limit=20 * 2**20)
    assert "memory limit: windows of 87 placement(s)" in plan.stopped_because
    assert plan.violations(prob) == ()
    roomy = schedule(prob, seed=0, effort="thorough", memory_limit=2**40)
    assert "windows of" not in roomy.stopped_because
