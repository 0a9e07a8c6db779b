"""Scenarios on a real dask cluster: equal results, lost workers, unreachable schedulers."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cadredev.datasets import cross_shadowing_problem, sample_province, tiny_rotation_problem
from cadredev.errors import InvalidInputError
from cadredev.scenarios import connect, grid, province, run

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

TINY = tiny_rotation_problem()


def _cluster(**config: Any) -> Any:
    with dask.config.set(config):
        return distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",  # any free port: never clash with another cluster
            scheduler_kwargs={"dashboard": False},
        )


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = _cluster()
    with distributed.Client(cluster, set_as_default=False) as c:
        yield c
    cluster.close()


def _in_worker() -> bool:
    try:
        distributed.get_worker()
    except ValueError:
        return False
    return True


def _set_marker(path: str) -> None:
    os.environ["CADREDEV_TEST_MARKER"] = path


def _kill_once(value: Any, *, seed: int) -> int:
    """Kill the worker running the first scenario once, then behave."""
    marker = Path(os.environ["CADREDEV_TEST_MARKER"])
    if value.horizon == 6 and _in_worker() and not marker.exists():
        marker.write_text("killed")
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.2)
    return int(value.horizon) * 1000 + seed % 997


def _kill_always(value: Any, *, seed: int) -> int:
    if value.horizon == 6 and _in_worker():
        os.kill(os.getpid(), signal.SIGKILL)
    return int(value.horizon) * 1000 + seed % 997


def test_serial_process_pool_and_dask_are_equal(client: Any) -> None:
    scenarios = grid(TINY, length=[1, 2], home_share=[0.5, 1.0])
    serial = run(scenarios, "schedule", executor="serial", progress=False, seed=11)
    pooled = run(scenarios, "schedule", progress=False, seed=11)
    on_dask = run(scenarios, "schedule", executor=client, progress=False, seed=11)
    via_executor = run(
        scenarios, "schedule", executor=client.get_executor(), progress=False, seed=11
    )
    unshared = run(scenarios, "schedule", executor=client, progress=False, seed=11, broadcast=False)
    assert serial == pooled == on_dask == via_executor == unshared
    assert on_dask.executor.startswith("dask tcp://127.0.0.1")


def test_province_sweep_is_equal_on_every_executor(client: Any) -> None:
    zones = sample_province(n_zones=3, cadres=(200, 300))
    bases = {z.name: cross_shadowing_problem(z) for z in zones}
    serial = province(bases, "schedule", axes={"length": [2, 3]}, executor="serial", progress=False)
    pooled = province(bases, "schedule", axes={"length": [2, 3]}, progress=False)
    on_dask = province(bases, "schedule", axes={"length": [2, 3]}, executor=client, progress=False)
    assert serial == pooled == on_dask
    assert serial.ok
    assert len(serial.table()) == 6


def test_a_killed_worker_loses_no_finished_result(
    client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CADREDEV_TEST_MARKER", str(tmp_path / "killed"))
    # the workers were started before the variable was set: give it to them
    client.run(_set_marker, str(tmp_path / "killed"))
    scenarios = grid(TINY, horizon=[4, 5, 6, 7, 8, 9])
    serial = run(scenarios, _kill_once, executor="serial", progress=False)
    on_dask = run(scenarios, _kill_once, executor=client, progress=False)
    assert (tmp_path / "killed").exists()  # a worker really died mid-sweep
    assert on_dask == serial  # the lost task ran again elsewhere; nothing finished was lost
    client.wait_for_workers(2, timeout=60)


def test_a_task_that_always_kills_its_worker_is_reported() -> None:
    cluster = _cluster(**{"distributed.scheduler.allowed-failures": 0})
    with cluster, distributed.Client(cluster, set_as_default=False) as c:
        results = run(grid(TINY, horizon=[4, 6, 8]), _kill_always, executor=c, progress=False)
    assert sorted(results.outcomes) == ["horizon=4", "horizon=8"]
    assert results.failures["horizon=6"].error == "KilledWorker"


def test_a_scheduler_refusing_connection_fails_within_the_timeout() -> None:
    start = time.perf_counter()
    with pytest.raises(
        InvalidInputError, match=r"no dask scheduler answered at 'tcp://127.0.0.1:1' within 2 s"
    ):
        connect("tcp://127.0.0.1:1", timeout=2)
    assert time.perf_counter() - start < 15
