"""Scenarios and results as JSON documents, through :mod:`cadredev.io`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs

from cadredev import io
from cadredev._frozendict import FrozenDict
from cadredev.errors import InvalidInputError

from ._results import Failure, Outcome, Results
from ._scenario import Change, Scenario

__all__ = ["register"]


def encode(value: Any, *, where: str) -> Any:
    """Return *value* as JSON: scalars as they are, records as documents, containers tagged."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    if attrs.has(type(value)):
        return {"document": io.dump(value)}
    if isinstance(value, Mapping):
        return {"map": [[encode(k, where=where), encode(v, where=where)] for k, v in value.items()]}
    if isinstance(value, frozenset | set):
        return {"set": [encode(v, where=where) for v in sorted(value, key=repr)]}
    if isinstance(value, tuple | list):
        return [encode(v, where=where) for v in value]
    raise InvalidInputError(f"{where}: cannot save a value of type {type(value).__name__}")


def decode(value: Any) -> Any:
    """Return the value :func:`encode` wrote."""
    if isinstance(value, list):
        return tuple(decode(v) for v in value)
    if not isinstance(value, dict):
        return value
    if "document" in value:
        doc = value["document"]
        return io.load(io.kind(doc.get("kind")), doc)
    if "map" in value:
        return FrozenDict({decode(k): decode(v) for k, v in value["map"]})
    if "set" in value:
        return frozenset(decode(v) for v in value["set"])
    if "float" in value:
        return float(value["float"])
    raise InvalidInputError(f"expected a tagged value (document, map, set, float), got {value!r}")


def _scenario_out(s: Scenario) -> dict[str, Any]:
    where = f"Scenario {s.name!r}"
    return {
        "name": s.name,
        "base": encode(s.base, where=where),
        "changes": [
            {"path": c.path, "op": c.op, "value": encode(c.value, where=where)} for c in s.changes
        ],
        "tags": encode(s.tags, where=where),
    }


_MALFORMED = (KeyError, TypeError, ValueError, AttributeError)
"""What a document missing a key or holding a wrong shape raises while it is read."""


def _malformed(what: str, keys: str, exc: Exception) -> InvalidInputError:
    return InvalidInputError(
        f"{what}: malformed document ({type(exc).__name__}: {exc}); expected an object with {keys}"
    )


def _scenario_in(data: Any) -> Scenario:
    try:
        return _scenario_from(data)
    except InvalidInputError:
        raise
    except _MALFORMED as exc:
        raise _malformed("Scenario", "name, base, changes and tags", exc) from None


def _scenario_from(data: Any) -> Scenario:
    return Scenario(
        name=data["name"],
        base=decode(data["base"]),
        changes=[
            Change(path=c["path"], op=c["op"], value=decode(c["value"])) for c in data["changes"]
        ],
        tags=decode(data["tags"]),
    )


def _results_out(r: Results) -> dict[str, Any]:
    return {
        "version": r.version,
        "task": r.task,
        "seed": r.seed,
        "executor": r.executor,
        "wall_time": r.wall_time,
        "scenarios": [_scenario_out(s) for s in r.scenarios],
        "outcomes": [
            {
                "scenario": o.scenario,
                "value": encode(o.value, where=f"Results: scenario {o.scenario!r}"),
                "metrics": encode(o.metrics, where="Results"),
                "seed": o.seed,
                "runtime": o.runtime,
            }
            for o in r.outcomes.values()
        ],
        "failures": [attrs.asdict(f) for f in r.failures.values()],
        "cancelled": list(r.cancelled),
    }


def _results_in(data: Any) -> Results:
    version = data.get("version") if isinstance(data, dict) else None
    from cadredev._version import __version__  # noqa: PLC0415

    if version != __version__:
        raise InvalidInputError(
            f"Results: made by cadredev {version}, but this is cadredev {__version__}; "
            "results of another version are not compared: run the scenarios again"
        )
    try:
        return _results_from(data, version)
    except InvalidInputError:
        raise
    except _MALFORMED as exc:
        keys = "task, scenarios, outcomes, failures, cancelled, seed, executor and wall_time"
        raise _malformed("Results", keys, exc) from None


def _results_from(data: Any, version: str) -> Results:
    outcomes = [
        Outcome(
            scenario=o["scenario"],
            value=decode(o["value"]),
            metrics=decode(o["metrics"]),
            seed=o["seed"],
            runtime=o["runtime"],
        )
        for o in data["outcomes"]
    ]
    failures = [Failure(**f) for f in data["failures"]]
    return Results(
        task=data["task"],
        scenarios=[_scenario_in(s) for s in data["scenarios"]],
        outcomes={o.scenario: o for o in outcomes},
        failures={f.scenario: f for f in failures},
        cancelled=data["cancelled"],
        seed=data["seed"],
        version=version,
        executor=data["executor"],
        wall_time=data["wall_time"],
    )


def register() -> None:
    """Make :class:`Scenario` and :class:`Results` documents loadable by kind."""
    io.register(Scenario, structure=_scenario_in, unstructure=_scenario_out)
    io.register(Results, structure=_results_in, unstructure=_results_out)
