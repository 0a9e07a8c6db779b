"""Run scenarios on any executor: serially, on a process pool, or on a dask cluster."""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import os
import time
import traceback
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from cadredev._validate import check_seed
from cadredev.errors import InvalidInputError, MissingDependencyError

from ._results import Failure, Outcome, Results, outcomes_by_order
from ._scenario import Change, Scenario, _apply, check_unique, grid
from ._tasks import call_task, metrics_of, resolve_task

__all__ = ["connect", "province", "run", "scenario_seed"]

_SHARED: dict[str, Any] = {}
"""Bases installed in a worker process of the default pool by its initializer.

This table lives only in the pool's own worker processes (the pool is made
and shut down by :func:`run`); the calling process never fills it.
"""


def scenario_seed(seed: int, name: str) -> int:
    """Return the seed of scenario ``name`` in a run seeded with ``seed``.

    A :class:`numpy.random.SeedSequence` over the run's seed and the name's
    SHA-256 digest, so a scenario's seed depends on nothing else (not on the
    executor, the worker count or the order scenarios finish in).

    Examples
    --------
    >>> from cadredev.scenarios import scenario_seed
    >>> scenario_seed(0, "length=2") == scenario_seed(0, "length=2")
    True
    >>> scenario_seed(0, "length=2") == scenario_seed(1, "length=2")
    False

    .. versionadded:: 0.3
    """
    words = np.frombuffer(hashlib.sha256(name.encode("utf-8")).digest(), dtype="<u4")
    state = np.random.SeedSequence([int(seed), *(int(w) for w in words)]).generate_state(2)
    return (int(state[0]) << 32 | int(state[1])) >> 1


def _install(shared: dict[str, Any]) -> None:
    _SHARED.update(shared)


def _work(
    name: str, changes: tuple[Change, ...], base: Any, task: Any, seed: int
) -> Outcome | Failure:
    """Apply the changes, run the task and return its outcome or failure (in a worker)."""
    start = time.perf_counter()
    try:
        if isinstance(base, _Ref):
            base = _SHARED[base.token]
        value = base
        for change in changes:
            value = _apply(value, change, change.path, where=f"Scenario {name!r}")
        result, extra = call_task(task, value, seed)
        metrics = {**metrics_of(result), **extra}
    except Exception as exc:  # noqa: BLE001  (every failure is reported, per scenario)
        return Failure(
            scenario=name,
            error=type(exc).__name__,
            message=str(exc),
            traceback=traceback.format_exc(),
        )
    return Outcome(
        scenario=name,
        value=result,
        metrics=metrics,
        seed=seed,
        runtime=time.perf_counter() - start,
    )


class _Ref:
    """A reference to a base installed in every worker of the default pool."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (_Ref, (self.token,))


def _is_dask_client(value: Any) -> bool:
    return type(value).__name__ == "Client" and type(value).__module__.startswith("distributed")


def _dask_client_of(executor: Any) -> Any:
    if _is_dask_client(executor):
        return executor
    if type(executor).__name__ == "ClientExecutor" and type(executor).__module__.startswith(
        "distributed"
    ):
        # ``client.get_executor()`` runs on its client: use the client itself,
        # so a shared base can be scattered once instead of sent per task.
        return getattr(executor, "_client", None)
    return None


class _Bar:
    """A tqdm bar (its notebook widget in notebooks), or nothing when off or not installed."""

    def __init__(self, total: int, *, enabled: bool, label: str) -> None:
        self._bar: Any = None
        if enabled:
            try:
                from tqdm.auto import tqdm  # type: ignore[import-untyped,unused-ignore]  # noqa: PLC0415
            except ImportError:
                return
            self._bar = tqdm(total=total, desc=label, unit="scenario")

    def update(self, *, ok: int, failed: int, running: int) -> None:
        if self._bar is not None:
            self._bar.set_postfix(ok=ok, failed=failed, running=running, refresh=False)
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


class _Collector:
    def __init__(self, total: int, *, progress: bool, label: str, slots: int) -> None:
        self.found: dict[str, Outcome | Failure] = {}
        self.bar = _Bar(total, enabled=progress, label=label)
        self.total = total
        self.slots = max(1, slots)

    def add(self, name: str, item: Outcome | Failure) -> None:
        self.found[name] = item
        failed = sum(isinstance(v, Failure) for v in self.found.values())
        running = min(self.slots, self.total - len(self.found))
        self.bar.update(ok=len(self.found) - failed, failed=failed, running=running)

    def lost(self, name: str, exc: BaseException) -> None:
        text = "".join(traceback.format_exception(exc))
        self.add(
            name, Failure(scenario=name, error=type(exc).__name__, message=str(exc), traceback=text)
        )


def _jobs(scenarios: tuple[Scenario, ...]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Return the distinct bases by token and ``(scenario, token)`` per scenario."""
    bases: dict[int, tuple[str, Any]] = {}
    jobs = []
    for s in scenarios:
        if id(s.base) not in bases:
            bases[id(s.base)] = (f"base-{len(bases)}", s.base)
        jobs.append((s.name, bases[id(s.base)][0]))
    return dict(bases.values()), jobs


def _run_serial(
    scenarios: tuple[Scenario, ...], task: Any, seeds: dict[str, int], out: _Collector
) -> None:
    for s in scenarios:
        out.add(s.name, _work(s.name, s.changes, s.base, task, seeds[s.name]))


def _drain(futures: dict[Any, str], out: _Collector, wait: Any) -> None:
    pending = set(futures)
    while pending:
        done, pending = wait(pending)
        for f in sorted(done, key=lambda f: futures[f]):
            try:
                out.add(futures[f], f.result())
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001  (a lost task is reported, not raised)
                out.lost(futures[f], exc)


def _cf_wait(pending: set[Any]) -> tuple[set[Any], set[Any]]:
    done, rest = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
    return set(done), set(rest)


def _run_pool(
    scenarios: tuple[Scenario, ...],
    task: Any,
    seeds: dict[str, int],
    out: _Collector,
    *,
    executor: cf.Executor | None,
    broadcast: bool,
) -> None:
    shared, jobs = _jobs(scenarios)
    by_name = {s.name: s for s in scenarios}
    own = executor is None
    if own:
        workers = min(os.cpu_count() or 1, len(scenarios))
        setup: Any = {"initializer": _install, "initargs": (shared,)} if broadcast else {}
        pool: cf.Executor = cf.ProcessPoolExecutor(max_workers=workers, **setup)
        out.slots = workers
    else:
        assert executor is not None  # noqa: S101
        pool = executor
    futures: dict[Any, str] = {}
    try:
        for name, token in jobs:
            s = by_name[name]
            base = _Ref(token) if own and broadcast else s.base
            futures[pool.submit(_work, name, s.changes, base, task, seeds[name])] = name
        _drain(futures, out, _cf_wait)
    except KeyboardInterrupt:
        for f in futures:
            f.cancel()
        if own:
            pool.shutdown(wait=False, cancel_futures=True)
            own = False
        raise
    finally:
        if own:
            pool.shutdown(wait=True)


def _scatter(client: Any, shared: dict[str, Any], jobs: list[tuple[str, str]]) -> dict[str, Any]:
    """Scatter every base in two calls: to every worker if several scenarios use it, else to one.

    A base used by one scenario only is placed on one worker and its task is
    scheduled there, rather than copied to workers that never need it.
    """
    uses: dict[str, int] = {}
    for _, token in jobs:
        uses[token] = uses.get(token, 0) + 1
    refs: dict[str, Any] = {}
    for everywhere in (True, False):
        tokens = [t for t in shared if (uses[t] > 1) == everywhere]
        if tokens:
            placed = client.scatter([shared[t] for t in tokens], broadcast=everywhere, hash=False)
            refs.update(zip(tokens, placed, strict=True))
    return refs


def _run_dask(
    scenarios: tuple[Scenario, ...],
    task: Any,
    seeds: dict[str, int],
    out: _Collector,
    *,
    client: Any,
    broadcast: bool,
) -> None:
    import distributed  # noqa: PLC0415

    as_completed: Any = distributed.as_completed

    shared, jobs = _jobs(scenarios)
    by_name = {s.name: s for s in scenarios}
    out.slots = sum(client.nthreads().values())
    refs = _scatter(client, shared, jobs) if broadcast else {}
    futures: dict[Any, str] = {}
    try:
        for name, token in jobs:
            s = by_name[name]
            base = refs[token] if broadcast else s.base
            future = client.submit(
                _work,
                name,
                s.changes,
                base,
                task,
                seeds[name],
                pure=False,
                key=f"scenario-{name}-{uuid.uuid4().hex}",
            )
            futures[future] = name
        # Results come back as they finish (one message each, no extra round
        # trip), so a worker lost later cannot take them with it.
        done = as_completed(list(futures), loop=client.loop, with_results=True, raise_errors=False)
        for future, result in done:
            name = futures.pop(future)
            if future.status == "finished":
                out.add(name, result)
            else:  # "error": (type, exception, traceback)
                out.lost(name, result[1] if isinstance(result, tuple) else RuntimeError(result))
            future.release()
    except KeyboardInterrupt:
        client.cancel(list(futures))
        raise
    finally:
        if refs:
            client.cancel(list(refs.values()))


def _checked_executor(executor: Any) -> tuple[str, Any]:
    if executor is None:
        return "process pool", None
    if isinstance(executor, str) and executor == "serial":
        return "serial", "serial"
    client = _dask_client_of(executor)
    if client is not None:
        return f"dask {client.scheduler.address if client.scheduler else ''}".strip(), client
    if isinstance(executor, cf.Executor):
        return type(executor).__name__, executor
    raise InvalidInputError(
        "run: executor must be None (a process pool), 'serial', a concurrent.futures.Executor "
        f"or a dask.distributed Client, got {executor!r}"
    )


def _checked_scenarios(scenarios: Iterable[Scenario]) -> tuple[Scenario, ...]:
    if isinstance(scenarios, Scenario):
        scenarios = (scenarios,)
    out = tuple(scenarios)
    for s in out:
        if not isinstance(s, Scenario):
            raise InvalidInputError(f"run: expected Scenario records, got {type(s).__name__}")
    check_unique(out, where="run")
    return out


def _run_seed(seed: Any) -> int:
    checked = check_seed(seed, where="run")
    if checked is None:
        return int(np.random.SeedSequence().generate_state(1)[0])
    if isinstance(checked, np.random.Generator):
        return int(checked.integers(2**63))
    return checked


def run(
    scenarios: Iterable[Scenario],
    task: Any,
    *,
    executor: Any = None,
    progress: bool = True,
    seed: int | np.random.Generator | None = 0,
    broadcast: bool = True,
) -> Results:
    """Run a task on every scenario, anywhere, and collect the results.

    Parameters
    ----------
    scenarios
        Scenarios with unique names (for example from :func:`grid`).
    task
        ``"schedule"`` (a :class:`~cadredev.rotation.RotationProblem`, or a
        zone's first program as ``cadredev schedule`` plans it), ``"match"``
        (a bipartite graph, or a zone's grid mentors), ``"score"`` (a zone's
        year, rolled up from its records), ``"form_teams"`` (a zone's cadres,
        one team per two grid mentors), or a picklable callable
        ``task(value, *, seed)``.
    executor
        ``None`` for a process pool sized to the machine, ``"serial"`` to run
        here in order, any ``concurrent.futures.Executor``, or a
        ``dask.distributed`` ``Client`` (``client.get_executor()`` too).
    progress
        Show a tqdm bar (its widget in notebooks) with finished, failed and
        running counts; nothing is shown when tqdm is not installed.
    seed
        The run's seed. Each scenario's task gets :func:`scenario_seed` of it
        and its name, so equal seeds give ``==`` results on every executor.
    broadcast
        Send each distinct base once rather than with every task: scattered
        to every dask worker (to one worker when a single scenario uses it),
        installed in the default pool's workers by its initializer.

    Returns
    -------
    Results
        An outcome or a failure for every scenario. A scenario that raises
        (or whose worker is lost for good) becomes a :class:`Failure`; the
        others are kept. On ``KeyboardInterrupt`` outstanding work is
        cancelled and the scenarios not finished are listed as cancelled.

    Examples
    --------
    >>> from cadredev.datasets import tiny_rotation_problem
    >>> from cadredev.scenarios import grid, run
    >>> results = run(
    ...     grid(tiny_rotation_problem(), home_share=[0.5, 1.0]),
    ...     "schedule",
    ...     executor="serial",
    ...     progress=False,
    ... )
    >>> results.table()[["scenario", "placements", "unplaced"]]
             scenario  placements  unplaced
    0  home_share=0.5           3         0
    1  home_share=1.0           0         3

    .. versionadded:: 0.3
    """
    chosen = _checked_scenarios(scenarios)
    label, fn = resolve_task(task)
    where, backend = _checked_executor(executor)
    if not isinstance(progress, bool) or not isinstance(broadcast, bool):
        raise InvalidInputError(
            f"run: progress and broadcast must be True or False, got {progress!r}, {broadcast!r}"
        )
    run_seed = _run_seed(seed)
    seeds = {s.name: scenario_seed(run_seed, s.name) for s in chosen}
    out = _Collector(len(chosen), progress=progress, label=label, slots=1)
    start = time.perf_counter()
    try:
        if backend == "serial" or not chosen:
            _run_serial(chosen, fn, seeds, out)
        elif _dask_client_of(backend) is not None:
            _run_dask(chosen, fn, seeds, out, client=backend, broadcast=broadcast)
        else:
            _run_pool(chosen, fn, seeds, out, executor=backend, broadcast=broadcast)
    except KeyboardInterrupt:
        pass
    finally:
        out.bar.close()
    found = outcomes_by_order(chosen, out.found)
    return Results(
        task=label,
        scenarios=chosen,
        outcomes={n: v for n, v in found.items() if isinstance(v, Outcome)},
        failures={n: v for n, v in found.items() if isinstance(v, Failure)},
        cancelled=[s.name for s in chosen if s.name not in found],
        seed=run_seed,
        executor=where,
        wall_time=time.perf_counter() - start,
    )


def province(
    zones: Mapping[str, Any] | Iterable[Any],
    task: Any,
    *,
    axes: Mapping[str, Iterable[Any]] | None = None,
    executor: Any = None,
    progress: bool = True,
    seed: int | np.random.Generator | None = 0,
    broadcast: bool = True,
) -> Results:
    """Run a task on every zone of a province (and every variant of each), in one sweep.

    Parameters
    ----------
    zones
        Zones (named by their ``name``), or a mapping ``zone name -> base``
        (for example each zone's :func:`~cadredev.datasets.cross_shadowing_problem`).
    task, executor, progress, seed, broadcast
        As for :func:`run`.
    axes
        Variants applied to every zone, as for :func:`grid`.

    Returns
    -------
    Results
        Scenarios named ``zone`` (no axes) or ``zone/variant``, each tagged
        with its ``zone``, so :meth:`Results.table` has a ``zone`` column.

    Examples
    --------
    >>> from cadredev.datasets import sample_province
    >>> from cadredev.scenarios import province
    >>> zones = sample_province(n_zones=2, cadres=(200, 240))
    >>> results = province(zones, "form_teams", executor="serial", progress=False)
    >>> results.table()[["zone", "status", "teams"]]
         zone status  teams
    0  示范区01     ok      8
    1  示范区02     ok      8

    .. versionadded:: 0.3
    """
    if isinstance(zones, Mapping):
        bases = dict(zones)
    else:
        bases = {}
        for zone in zones:
            name = getattr(zone, "name", None)
            if not isinstance(name, str):
                raise InvalidInputError(f"province: expected zones with a name, got {zone!r}")
            if name in bases:
                raise InvalidInputError(f"province: two zones are named {name!r}")
            bases[name] = zone
    scenarios = [
        Scenario(
            name=f"{zone}/{s.name}" if axes else str(zone),
            base=base,
            changes=s.changes,
            tags={"zone": zone, **s.tags},
        )
        for zone, base in bases.items()
        for s in grid(base, **dict(axes or {}))
    ]
    return run(
        scenarios, task, executor=executor, progress=progress, seed=seed, broadcast=broadcast
    )


def connect(address: str, *, timeout: float = 10.0) -> Any:
    """Return a ``dask.distributed`` client of the scheduler at ``address``.

    Parameters
    ----------
    address
        The scheduler, such as ``"tcp://10.0.0.5:8786"``.
    timeout
        Seconds to wait for the scheduler before giving up.

    Raises
    ------
    MissingDependencyError
        If dask.distributed is not installed (``pip install 'cadredev[distributed]'``).
    InvalidInputError
        If no scheduler answers at ``address`` within ``timeout``.

    Examples
    --------
    >>> from cadredev.scenarios import connect
    >>> connect("tcp://127.0.0.1:1", timeout=1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cadredev.errors.InvalidInputError: connect: no dask scheduler answered at ... within 1 s...

    .. versionadded:: 0.3
    """
    try:
        from distributed import Client as _Client  # noqa: PLC0415
    except ImportError as exc:
        msg = "connect needs dask.distributed: pip install 'cadredev[distributed]'"
        raise MissingDependencyError(msg) from exc
    if not isinstance(address, str) or not address.strip():
        raise InvalidInputError(f"connect: expected a scheduler address, got {address!r}")
    try:
        client: Any = _Client
        return client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise InvalidInputError(
            f"connect: no dask scheduler answered at {address!r} within {timeout:g} s ({exc})"
        ) from None
