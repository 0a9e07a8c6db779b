"""The results of a sweep: one outcome or failure per scenario, compared in one table."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from attrs import field, frozen

from cadredev._display import html_table, need_pandas
from cadredev._frozendict import FrozenDict
from cadredev._version import __version__
from cadredev.errors import InvalidInputError
from cadredev.scoring import Comparison, compare

from ._scenario import Scenario, _freeze

__all__ = ["Failure", "Outcome", "Results"]

# Figures where a smaller value is better; every other figure is better larger.
_SMALLER_IS_BETTER = frozenset(
    {"gap", "unplaced", "violations", "runtime", "unmatched", "worst_deviation", "flips"}
)

# Column order of the figures in a table; other figures follow by name.
_ORDER = (
    "objective",
    "placed",
    "bound",
    "bound_placed",
    "gap",
    "placements",
    "unplaced",
    "violations",
    "total_weight",
    "matched",
    "unmatched",
    "teams",
    "worst_deviation",
    "value",
)


@frozen(kw_only=True)
class Outcome:
    """What one scenario gave: the task's result and its figures.

    Parameters
    ----------
    scenario
        The scenario's name.
    value
        The task's result (a :class:`~cadredev.rotation.RotationPlan`, a
        :class:`~cadredev.matching.Matching`, a
        :class:`~cadredev.scoring.ScoreTable`, :class:`~cadredev.teams.Teams`
        or what a user task returned).
    metrics
        The figures :meth:`Results.table` shows, by column name.
    seed
        The seed the task was given (derived from the run's seed and the name).
    runtime
        Seconds the task took where it ran (not compared by ``==``).

    Examples
    --------
    >>> from cadredev.scenarios import Outcome
    >>> Outcome(scenario="a", value=1, metrics={"value": 1}, seed=7).metrics["value"]
    1

    .. versionadded:: 0.3
    """

    scenario: str
    value: Any
    metrics: FrozenDict[str, Any] = field(factory=FrozenDict, converter=_freeze)
    seed: int = 0
    runtime: float = field(default=0.0, eq=False)


@frozen(kw_only=True)
class Failure:
    """A scenario that raised: the exception's type and message, and the traceback text.

    Parameters
    ----------
    scenario
        The scenario's name.
    error
        The exception's type name (``"ValueError"``, ``"KilledWorker"``...).
    message
        The exception's message.
    traceback
        The formatted traceback where it was raised (not compared by ``==``).

    Examples
    --------
    >>> from cadredev.scenarios import Failure
    >>> Failure(scenario="a", error="ValueError", message="bad").explain()
    "scenario 'a' failed: ValueError: bad"

    .. versionadded:: 0.3
    """

    scenario: str
    error: str
    message: str
    traceback: str = field(default="", eq=False)

    def explain(self) -> str:
        """Return the failure in one line."""
        return f"scenario {self.scenario!r} failed: {self.error}: {self.message}"


def _scenario_tuple(value: Iterable[Scenario]) -> tuple[Scenario, ...]:
    return tuple(value)


def _name_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _by_name(value: Mapping[str, Any]) -> FrozenDict[str, Any]:
    return FrozenDict(value)


def _check_version(results: Results, attribute: Any, value: str) -> None:
    del results, attribute
    if value != __version__:
        raise InvalidInputError(
            f"Results: made by cadredev {value}, but this is cadredev {__version__}; "
            "results of another version are not compared: run the scenarios again"
        )


@frozen(kw_only=True)
class Results:
    """The outcome or failure of every scenario of one run, in scenario order.

    Parameters
    ----------
    task
        The task's name (``"schedule"``...) or a user callable's qualified name.
    scenarios
        The scenarios, in the order given to :func:`~cadredev.scenarios.run`.
    outcomes
        Scenario name -> :class:`Outcome`, for those that finished (by name;
        :meth:`table` keeps the scenario order).
    failures
        Scenario name -> :class:`Failure`, for those that raised or were lost.
    cancelled
        Names of scenarios not run because the run was interrupted.
    seed
        The run's seed; each scenario's seed derives from it and the name.
    version
        The cadredev version that made the results; another version's
        results are refused when loaded.
    executor
        Where the run happened (not compared by ``==``).
    wall_time
        Seconds the whole run took (not compared by ``==``).

    Examples
    --------
    >>> from cadredev.datasets import tiny_rotation_problem
    >>> from cadredev.scenarios import grid, run
    >>> results = run(
    ...     grid(tiny_rotation_problem(), length=[1, 2]),
    ...     "schedule",
    ...     executor="serial",
    ...     progress=False,
    ... )
    >>> results.table()[["scenario", "placements", "unplaced", "violations"]]
       scenario  placements  unplaced  violations
    0  length=1           3         0           0
    1  length=2           3         0           0
    >>> results.best(by="objective").scenario  # equal objectives: ties go by name
    'length=1'

    .. versionadded:: 0.3
    """

    task: str
    scenarios: tuple[Scenario, ...] = field(converter=_scenario_tuple)
    outcomes: FrozenDict[str, Outcome] = field(factory=FrozenDict, converter=_by_name)
    failures: FrozenDict[str, Failure] = field(factory=FrozenDict, converter=_by_name)
    cancelled: tuple[str, ...] = field(default=(), converter=_name_tuple)
    seed: int = 0
    version: str = field(default=__version__, validator=_check_version)
    executor: str = field(default="", eq=False)
    wall_time: float = field(default=0.0, eq=False)

    @property
    def ok(self) -> bool:
        """Whether every scenario finished."""
        return not self.failures and not self.cancelled

    def __getitem__(self, name: str) -> Any:
        """Return the task's result for scenario ``name``; a failure raises with its message."""
        if name in self.outcomes:
            return self.outcomes[name].value
        if name in self.failures:
            raise InvalidInputError(f"Results: {self.failures[name].explain()}")
        raise InvalidInputError(f"Results: no finished scenario named {name!r}")

    def reference(self) -> str | None:
        """Return the scenario score tables are compared against.

        The first finished scenario without changes, else the first finished.
        """
        plain = [s.name for s in self.scenarios if not s.changes and s.name in self.outcomes]
        done = [s.name for s in self.scenarios if s.name in self.outcomes]
        chosen = plain or done
        return chosen[0] if chosen else None

    def _rows(self) -> tuple[list[str], list[list[Any]]]:
        tags: list[str] = []
        metrics: list[str] = []
        for s in self.scenarios:
            tags += [t for t in s.tags if t not in tags]
            if s.name in self.outcomes:
                metrics += [m for m in self.outcomes[s.name].metrics if m not in metrics]
        metrics.sort(key=lambda m: (_ORDER.index(m) if m in _ORDER else len(_ORDER), m))
        shifts = self._shifts()
        extra = ["flips", "tau"] if shifts else []
        header = ["scenario", *tags, "status", *metrics, *extra, "runtime", "error"]
        rows = []
        for s in self.scenarios:
            out = self.outcomes.get(s.name)
            fail = self.failures.get(s.name)
            status = "ok" if out else ("failed" if fail else "cancelled")
            figures = [out.metrics.get(m) if out else None for m in metrics]
            shift = shifts.get(s.name)
            more = [len(shift.flips), shift.kendall_tau] if shift else [None, None]
            rows.append(
                [
                    s.name,
                    *(s.tags.get(t) for t in tags),
                    status,
                    *figures,
                    *(more if extra else []),
                    out.runtime if out else None,
                    fail.explain().partition(": ")[2] if fail else "",
                ]
            )
        return header, rows

    def _shifts(self) -> dict[str, Comparison]:
        ref = self.reference()
        if ref is None or type(self.outcomes[ref].value).__name__ != "ScoreTable":
            return {}
        base = self.outcomes[ref].value
        return {
            name: compare(base, o.value)
            for name, o in self.outcomes.items()
            if type(o.value).__name__ == "ScoreTable"
        }

    def table(self) -> Any:
        """Return one row per scenario as a pandas DataFrame.

        Columns: ``scenario``, the scenarios' tags (the grid's axes, the
        province's ``zone``), ``status`` (``ok``, ``failed``, ``cancelled``),
        the result's figures (for rotation: ``objective``, ``placed``,
        ``bound`` (on the value), ``bound_placed`` (on placements), ``gap``,
        ``placements``, ``unplaced``, ``violations``; for scoring: a
        ``grade:<id>`` count per grade, then ``flips`` and ``tau`` against
        :meth:`reference`), ``runtime`` in seconds and ``error``.
        """
        pd = need_pandas("Results.table()")
        header, rows = self._rows()
        return pd.DataFrame(rows, columns=header)

    to_pandas = table

    def to_records(self) -> list[dict[str, Any]]:
        """Return the table as a list of plain dicts (no pandas needed)."""
        header, rows = self._rows()
        return [dict(zip(header, row, strict=True)) for row in rows]

    def diff(self, a: str, b: str) -> Any:
        """Return how scenario ``b``'s result differs from ``a``'s.

        A :class:`~cadredev.rotation.PlanDiff` for rotation plans, a
        :class:`~cadredev.matching.MatchDiff` for matchings, a
        :class:`~cadredev.scoring.Comparison` (from
        :func:`~cadredev.scoring.compare`) for score tables.
        """
        first, second = self[a], self[b]
        if type(first).__name__ == "ScoreTable":
            return compare(first, second)
        if not hasattr(first, "diff"):
            raise InvalidInputError(
                f"Results.diff: results of type {type(first).__name__} have no diff"
            )
        return first.diff(second)

    def best(self, by: str | Callable[[Outcome], Any], *, largest: bool | None = None) -> Outcome:
        """Return the finished scenario best on a figure, ties broken by name.

        Parameters
        ----------
        by
            A column of :meth:`table` or a function of an :class:`Outcome`.
        largest
            Whether larger is better; by default larger except for ``gap``,
            ``unplaced``, ``violations``, ``runtime``, ``unmatched``,
            ``worst_deviation`` and ``flips`` (required for a function).
        """
        if not self.outcomes:
            raise InvalidInputError("Results.best: no scenario finished")
        if callable(by):
            if largest is None:
                raise InvalidInputError("Results.best: say largest=True or False for a function")
            key: Callable[[Outcome], Any] = by
        else:
            records = {r["scenario"]: r for r in self.to_records()}
            columns = list(next(iter(records.values())))
            if by not in columns:
                raise InvalidInputError(
                    f"Results.best: no column {by!r}; expected one of {columns}"
                )
            largest = by not in _SMALLER_IS_BETTER if largest is None else largest

            def key(o: Outcome) -> Any:
                return records[o.scenario][by]

        def rank(o: Outcome) -> tuple[int, float, str]:
            value = key(o)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                return (1, 0.0, o.scenario)
            return (0, -float(value) if largest else float(value), o.scenario)

        return min(self.outcomes.values(), key=rank)

    def explain(self) -> str:
        """Return a summary in words: counts, then each failure."""
        head = (
            f"{len(self.scenarios)} scenario(s) of task {self.task!r}: "
            f"{len(self.outcomes)} finished, {len(self.failures)} failed, "
            f"{len(self.cancelled)} cancelled"
        )
        return "\n".join([head, *(f.explain() for f in self.failures.values())])

    def __repr__(self) -> str:
        return (
            f"Results({self.task!r}: {len(self.outcomes)} ok, {len(self.failures)} failed, "
            f"{len(self.cancelled)} cancelled of {len(self.scenarios)})"
        )

    def _repr_html_(self) -> str:
        header, rows = self._rows()
        return html_table(self.explain().splitlines()[0], header, rows)


def outcomes_by_order(scenarios: tuple[Scenario, ...], found: Mapping[str, Any]) -> dict[str, Any]:
    """Return *found* re-keyed in scenario order (completion order never shows)."""
    return {s.name: found[s.name] for s in scenarios if s.name in found}
