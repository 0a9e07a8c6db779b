"""Scenarios: variants as data, runs on any executor, results compared in one table."""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import signal
from typing import Any

import attrs
import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from cadredev import io
from cadredev.datasets import (
    cross_shadowing_problem,
    sample_province,
    sample_scheme,
    sample_zone,
    tiny_rotation_problem,
)
from cadredev.errors import InvalidInputError
from cadredev.rotation import PlanDiff, schedule
from cadredev.scenarios import (
    Change,
    Failure,
    Results,
    Scenario,
    grid,
    knobs,
    province,
    run,
    scenario_seed,
)
from cadredev.scenarios._tasks import zone_problem
from cadredev.scoring import Comparison

TINY = tiny_rotation_problem()


def _flaky(value: Any, *, seed: int) -> int:
    if value.horizon % 2:
        msg = f"odd horizon {value.horizon}"
        raise ValueError(msg)
    return int(value.horizon) + seed % 7


def _interrupt(value: Any, *, seed: int) -> int:
    del seed
    if value.horizon == 5:
        raise KeyboardInterrupt
    return int(value.horizon)


# ------------------------------------------------------------------ variants as data


def test_grid_order_names_and_tags() -> None:
    scenarios = grid(TINY, length=[1, 2], home_share=[0.5, 1.0])
    assert [s.name for s in scenarios] == [
        "length=1,home_share=0.5",
        "length=1,home_share=1.0",
        "length=2,home_share=0.5",
        "length=2,home_share=1.0",
    ]
    assert scenarios[1].tags == {"length": 1, "home_share": 1.0}
    assert scenarios[1].changes == (
        Change(path="programs.length", value=1),
        Change(path="home_share", value=1.0),
    )
    problem = scenarios[3].apply()
    assert problem.programs[0].length == 2
    assert dict(problem.min_home_staffing) == {"u1": 2, "u2": 1}
    assert grid(TINY) == (Scenario(name="base", base=TINY),)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4, unique=True))
def test_grid_is_the_cartesian_product(lengths: list[int]) -> None:
    scenarios = grid(TINY, length=lengths, horizon=[4, 6])
    assert len(scenarios) == 2 * len(lengths)
    assert [s.apply().horizon for s in scenarios] == [4, 6] * len(lengths)
    assert grid(TINY, length=lengths, horizon=[4, 6]) == scenarios


def test_changes_add_remove_and_select_by_name() -> None:
    cadre = TINY.cadres[0]
    s = Scenario(
        name="s",
        base=TINY,
        changes=[
            Change(path="cadres", value=["a"], op="remove"),
            Change(path="cadres", value=[attrs.evolve(cadre, id="z")], op="add"),
            Change(path="programs[s].placements", value=(0, 1)),
            Change(path="min_home_staffing[u1]", value=0),
        ],
    )
    problem = s.apply()
    assert [c.id for c in problem.cadres] == ["b", "c", "z"]
    assert problem.programs[0].placements == (0, 1)
    assert problem.min_home_staffing["u1"] == 0
    assert s.diff(Scenario(name="t", base=TINY))["add"][0][0].path == "cadres"
    assert "remove cadres" in s.explain()


def test_scenario_round_trips_through_io() -> None:
    for s in (
        *grid(TINY, length=[1, 2]),
        Scenario(name="x", base=sample_zone(), changes={"scheme": sample_scheme()}),
    ):
        assert io.load(Scenario, io.dump(s)) == s
    assert io.kind("Scenario") is Scenario


def test_knobs_are_listed() -> None:
    assert "home_share" in knobs(TINY)
    assert knobs(sample_zone()) == {}


# ------------------------------------------------------------------ bad input


def test_duplicate_names_are_refused() -> None:
    s = Scenario(name="same", base=TINY)
    with pytest.raises(InvalidInputError, match=r"unique; repeated: \['same'\]"):
        run(
            [s, Scenario(name="same", base=TINY, changes={"horizon": 5})],
            "schedule",
            executor="serial",
        )
    with pytest.raises(InvalidInputError, match="repeated"):
        grid(TINY, horizon=[4, 4])


def test_axis_naming_a_missing_field() -> None:
    with pytest.raises(InvalidInputError, match=r"RotationProblem has no field or knob 'lenght'"):
        grid(TINY, lenght=[1, 2])
    with pytest.raises(InvalidInputError, match="no field or knob 'colour'"):
        Scenario(name="x", base=TINY, changes={"programs.colour": 1})


def test_axis_without_values() -> None:
    with pytest.raises(InvalidInputError, match="axis 'length' has no values"):
        grid(TINY, length=[])
    with pytest.raises(InvalidInputError, match="must be a list of values"):
        grid(TINY, length="23")


def test_unknown_task() -> None:
    with pytest.raises(InvalidInputError, match="unknown task 'solve'"):
        run(grid(TINY), "solve", executor="serial")
    with pytest.raises(InvalidInputError, match="or a callable"):
        run(grid(TINY), 3, executor="serial")


@pytest.mark.parametrize("executor", ["serial", "threads"])
def test_a_user_task_failing_in_some_scenarios_keeps_the_others(executor: str) -> None:
    scenarios = grid(TINY, horizon=[4, 5, 6, 7])
    if executor == "threads":
        with cf.ThreadPoolExecutor(2) as pool:
            results = run(scenarios, _flaky, executor=pool, progress=False)
    else:
        results = run(scenarios, _flaky, executor=executor, progress=False)
    assert sorted(results.outcomes) == ["horizon=4", "horizon=6"]
    assert results.failures["horizon=5"] == Failure(
        scenario="horizon=5", error="ValueError", message="odd horizon 5"
    )
    assert "_flaky" in results.failures["horizon=7"].traceback
    assert not results.ok
    table = results.table()
    assert table["status"].tolist() == ["ok", "failed", "ok", "failed"]
    assert results.outcomes["horizon=4"].value == 4 + scenario_seed(0, "horizon=4") % 7
    with pytest.raises(InvalidInputError, match="odd horizon 5"):
        results["horizon=5"]


def test_an_executor_that_is_not_an_executor() -> None:
    with pytest.raises(InvalidInputError, match="executor must be"):
        run(grid(TINY), "schedule", executor=object())
    with pytest.raises(InvalidInputError, match="executor must be"):
        run(grid(TINY), "schedule", executor="threads")


def test_results_of_another_version_are_refused() -> None:
    results = run(grid(TINY, length=[1, 2]), "schedule", executor="serial", progress=False)
    document = io.dump(results)
    assert io.load(Results, document) == results
    document["data"]["version"] = "0.0.1"
    with pytest.raises(InvalidInputError, match=r"cadredev 0\.0\.1, but this is cadredev "):
        io.load(Results, document)


# ------------------------------------------------------------------ running


def test_keyboard_interrupt_returns_what_finished() -> None:
    scenarios = grid(TINY, horizon=[4, 5, 6])
    results = run(scenarios, _interrupt, executor="serial", progress=False)
    assert list(results.outcomes) == ["horizon=4"]
    assert results.cancelled == ("horizon=5", "horizon=6")
    with cf.ThreadPoolExecutor(1) as pool:
        threaded = run(scenarios, _interrupt, executor=pool, progress=False)
    assert "horizon=5" in threaded.cancelled
    assert "horizon=4" in threaded.outcomes


def test_serial_equals_process_pool_and_schedule() -> None:
    scenarios = grid(TINY, length=[1, 2], home_share=[0.5, 1.0])
    serial = run(scenarios, "schedule", executor="serial", progress=False, seed=3)
    pooled = run(scenarios, "schedule", progress=False, seed=3)
    unshared = run(scenarios, "schedule", progress=False, seed=3, broadcast=False)
    assert serial == pooled == unshared
    name = scenarios[0].name
    assert serial[name] == schedule(scenarios[0].apply(), seed=scenario_seed(3, name))
    assert isinstance(serial.diff(scenarios[0].name, scenarios[2].name), PlanDiff)
    assert serial.best(by="unplaced").scenario == "length=1,home_share=0.5"


def test_no_scenarios_give_empty_results() -> None:
    results = run([], "schedule", progress=False)
    assert results.ok
    assert results.table().empty
    with pytest.raises(InvalidInputError, match="no scenario finished"):
        results.best(by="objective")


def test_seeds_do_not_depend_on_order() -> None:
    scenarios = grid(TINY, horizon=[4, 6, 8])
    a = run(scenarios, _flaky, executor="serial", progress=False, seed=5)
    b = run(tuple(reversed(scenarios)), _flaky, executor="serial", progress=False, seed=5)
    assert a.outcomes["horizon=6"] == b.outcomes["horizon=6"]


def test_progress_bar_runs(capsys: pytest.CaptureFixture[str]) -> None:
    run(grid(TINY, horizon=[4, 6]), _flaky, executor="serial", progress=True)
    assert "2/2" in capsys.readouterr().err


def test_best_ties_by_name() -> None:
    results = run(grid(TINY, horizon=[8, 4, 6]), "schedule", executor="serial", progress=False)
    assert results.best(by="violations").scenario == "horizon=4"
    assert results.best(by=lambda o: 0, largest=True).scenario == "horizon=4"
    with pytest.raises(InvalidInputError, match="no column 'speed'"):
        results.best(by="speed")


def test_score_table_compares_against_the_base() -> None:
    zone = sample_zone()
    assert zone.scheme is not None
    stricter = attrs.evolve(zone.scheme, name="stricter", quota_rounding="floor")
    scenarios = [
        Scenario(name="base", base=zone),
        Scenario(name="stricter", base=zone, changes={"scheme": stricter}),
    ]
    results = run(scenarios, "score", executor="serial", progress=False)
    table = results.table()
    assert table.loc[0, "flips"] == 0
    assert table.loc[0, "tau"] == pytest.approx(1.0)
    assert {c for c in table.columns if c.startswith("grade:")}
    assert isinstance(results.diff("base", "stricter"), Comparison)


def test_province_has_a_zone_column() -> None:
    zones = sample_province(n_zones=2, cadres=(200, 240))
    bases = {z.name: cross_shadowing_problem(z) for z in zones}
    results = province(
        bases, "schedule", axes={"length": [2, 3]}, executor="serial", progress=False
    )
    table = results.table()
    assert table["zone"].tolist() == ["示范区01", "示范区01", "示范区02", "示范区02"]
    assert table["scenario"].tolist()[:2] == ["示范区01/length=2", "示范区01/length=3"]
    assert (table["violations"] == 0).all()


def test_sample_province_is_deterministic_and_sized() -> None:
    zones = sample_province(n_zones=3, seed=1, cadres=(100, 300))
    assert zones == sample_province(n_zones=3, seed=1, cadres=(100, 300))
    assert min(len(z.cadres) for z in zones) >= 90
    with pytest.raises(InvalidInputError, match="n_zones"):
        sample_province(n_zones=0)
    with pytest.raises(InvalidInputError, match="cadres"):
        sample_province(cadres=(500, 100))


def test_sample_zone_is_unchanged_by_the_province_builder() -> None:
    zone = sample_zone()
    assert len(zone.cadres) == 246
    assert zone.name == "Sample development zone"
    assert len(zone.enterprises) == 1600


# ------------------------------------------------------------------ the command line


@pytest.fixture(scope="module")
def zone_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("sweep") / "zone.json"
    io.save_json(sample_zone(), path)
    return str(path)


def test_cli_sweep_writes_the_table(
    zone_file: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from cadredev.cli import main  # noqa: PLC0415

    out = tmp_path / "table.csv"
    args = ["sweep", zone_file, "--task", "schedule", "--axis", "length=2,3", "--workers", "1"]
    assert main([*args, "--axis", "home_share=0.7,0.8", "--out", str(out)]) == 0
    lines = out.read_text("utf-8").splitlines()
    assert lines[0].startswith("scenario,home_share,length,status,objective")
    assert len(lines) == 5
    assert "4 finished, 0 failed" in capsys.readouterr().out
    as_json = tmp_path / "table.json"
    assert main([*args, "--out", str(as_json), "--format", "json"]) == 0
    rows = json.loads(as_json.read_text("utf-8"))
    assert [r["scenario"] for r in rows] == ["length=2", "length=3"]
    expected = run(
        grid(zone_problem(sample_zone()), length=[2, 3]),
        "schedule",
        executor="serial",
        progress=False,
    )
    assert [r["objective"] for r in rows] == expected.table()["objective"].tolist()


def test_cli_sweep_bad_input_is_one_line(
    zone_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from cadredev.cli import main  # noqa: PLC0415

    assert main(["sweep", zone_file, "--axis", "lenght=2", "--workers", "1"]) == 2
    assert "no field or knob 'lenght'" in capsys.readouterr().err
    assert main(["sweep", zone_file, "--axis", "length", "--workers", "1"]) == 2
    assert "NAME=V1,V2" in capsys.readouterr().err
    code = main(
        [
            "sweep",
            zone_file,
            "--axis",
            "length=2",
            "--scheduler",
            "tcp://127.0.0.1:1",
            "--timeout",
            "1",
        ]
    )
    assert code == 2
    assert "no dask scheduler answered at 'tcp://127.0.0.1:1' within 1 s" in capsys.readouterr().err


def _kill_child(value: Any, *, seed: int) -> int:
    """Kill the worker process on horizon 7 (never the test process itself)."""
    if value.horizon == 7 and os.getpid() != int(os.environ["CADREDEV_TEST_PARENT"]):
        os.kill(os.getpid(), signal.SIGKILL)
    return int(value.horizon) + seed % 7


def test_a_killed_pool_worker_keeps_finished_results_and_reports_the_lost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CADREDEV_TEST_PARENT", str(os.getpid()))
    scenarios = grid(TINY, horizon=[4, 5, 6, 7, 8])
    with cf.ProcessPoolExecutor(max_workers=1) as pool:
        results = run(scenarios, _kill_child, executor=pool, progress=False)
    serial = run(scenarios[:3], _kill_child, executor="serial", progress=False)
    assert {n: results.outcomes[n] for n in serial.outcomes} == dict(serial.outcomes)
    lost = {n: f.error for n, f in results.failures.items()}
    assert lost.get("horizon=7") == "BrokenProcessPool"
    assert set(results.outcomes) | set(results.failures) == {s.name for s in scenarios}


@settings(max_examples=15, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 4), min_size=1, max_size=3, unique=True),
    shares=st.lists(st.sampled_from([0.0, 0.5, 0.75, 1.0]), min_size=1, max_size=2, unique=True),
    seed=st.integers(0, 2**32),
)
def test_results_round_trip_and_do_not_depend_on_order(
    lengths: list[int], shares: list[float], seed: int
) -> None:
    scenarios = grid(TINY, length=lengths, home_share=shares)
    results = run(scenarios, "schedule", executor="serial", progress=False, seed=seed)
    assert io.load(Results, io.dump(results)) == results
    for s in scenarios:
        assert io.load(Scenario, io.dump(s)) == s
    backwards = run(scenarios[::-1], "schedule", executor="serial", progress=False, seed=seed)
    assert dict(backwards.outcomes) == dict(results.outcomes)
    for s in scenarios:
        assert results[s.name].violations(s.apply()) == ()
