"""Run the scheme properties: ``check_scheme`` and the pytest ``assert_*`` helpers.

Each property is a hypothesis test run inside :func:`check_scheme` with its
own settings (no example database, a fixed seed by default). A failing
property is shrunk by hypothesis; the smallest failing input is kept as the
counterexample. ``hypothesis.target`` steers the search towards the worst
case of each property's measure (the largest rank jump, score cliff or
score drop), which is reported too.

.. versionadded:: 0.1
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from hypothesis import HealthCheck, Verbosity, given, settings, target
from hypothesis import seed as hypothesis_seed

from cadredev._validate import Seed, check_seed, is_int
from cadredev.errors import InvalidInputError
from cadredev.scoring import Scheme, score

from ._cases import Case, CheckContext, Scorer, ScorerError, Verdict
from ._properties import ALL, PROPERTIES, vacuous
from ._records import record_ids, scored_lines
from ._report import PropertyReport, PropertyResult

__all__ = [
    "ALL",
    "DEFAULT_EXAMPLES",
    "assert_exemption_safe",
    "assert_independent",
    "assert_quota_respected",
    "assert_scheme",
    "assert_scheme_property",
    "check_scheme",
]

DEFAULT_EXAMPLES = 100
"""Examples per property when ``max_examples`` is not given."""


class _PropertyFailedError(AssertionError):
    """Raised inside a property test to make hypothesis shrink the case."""


# check_scheme may run inside a user's own hypothesis test, hence nested_given
_SUPPRESSED = [
    getattr(HealthCheck, name)
    for name in (
        "too_slow",
        "filter_too_much",
        "data_too_large",
        "large_base_example",
        "nested_given",
    )
    if hasattr(HealthCheck, name)
]


def _run_property(
    name: str, ctx: CheckContext, *, max_examples: int, seed: int | None
) -> PropertyResult:
    prop = PROPERTIES[name]
    strategy, check = prop.build(ctx)
    state: dict[str, Any] = {"runs": 0, "failure": None, "worst": None, "scorer": ""}

    def test(case: Case) -> None:
        state["runs"] += 1
        try:
            verdict = check(case)
        except ScorerError as exc:  # the scorer's own failure, not the property's
            state["failure"] = (case, f"{exc} on this input")
            state["scorer"] = str(exc)
            raise _PropertyFailedError(str(exc)) from None
        except Exception as exc:  # noqa: BLE001 - any crash is a counterexample
            verdict = Verdict(ok=False, detail=f"raised {type(exc).__name__}: {exc}")
        if verdict.measure is not None:
            if prop.measure and name not in ("independence", "exemption_safety"):
                target(verdict.measure, label=name)
            worst = state["worst"]
            if worst is None or verdict.measure > worst[0]:
                state["worst"] = (verdict.measure, case, verdict.measure_case or verdict.detail)
        if not verdict.ok:
            state["failure"] = (case, verdict.detail)
            state["scorer"] = ""
            raise _PropertyFailedError(verdict.detail)

    config = settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=False,
        report_multiple_bugs=False,
        verbosity=Verbosity.quiet,
        print_blob=False,
        suppress_health_check=_SUPPRESSED,
    )
    run = cast("Callable[[], None]", config(given(strategy)(test)))  # type: ignore[no-untyped-call]
    if seed is not None:
        run = hypothesis_seed(seed)(run)
    with contextlib.suppress(Exception):  # the recorded failure says what went wrong
        run()
    counterexample = None
    if state["failure"] is not None:
        case, detail = state["failure"]
        counterexample = case.example(detail)
    worst_value: float | None = None
    worst_case = None
    if state["worst"] is not None and prop.measure:
        worst_value, case, text = state["worst"]
        worst_case = case.example(text)
    return PropertyResult(
        name=name,
        holds=state["failure"] is None,
        summary=prop.summary,
        counterexample=counterexample,
        examples=state["runs"],
        worst=worst_value,
        worst_label=prop.measure,
        worst_case=worst_case,
        note=vacuous(name, ctx.scheme),
        scorer_error=state["scorer"] if state["failure"] is not None else "",
    )


def _check_names(owner: str, properties: Iterable[str] | str) -> tuple[str, ...]:
    names = (properties,) if isinstance(properties, str) else tuple(properties)
    if not names:
        raise InvalidInputError(f"{owner}: properties must not be empty")
    for n in names:
        if n not in PROPERTIES:
            raise InvalidInputError(
                f"{owner}: unknown property {n!r}; expected some of {list(ALL)}"
            )
    return tuple(dict.fromkeys(names))


def check_scheme(
    scheme: Scheme,
    *,
    properties: Iterable[str] | str = ALL,
    max_examples: int = DEFAULT_EXAMPLES,
    max_cadres: int = 8,
    units: Sequence[str] = ("u1", "u2"),
    scorer: Scorer = score,
    seed: Seed = 0,
) -> PropertyReport:
    """Check which fairness properties a scoring scheme has.

    Every property is a hypothesis test over small cases drawn for the
    scheme: cadres of the lines it scores, in a few units, with records that
    favour boundary values (exactly at a target or threshold), ties (cadres
    copying each other's rows), all-zero periods, missing rows and zero rate
    denominators. A failing property is shrunk to a small counterexample.
    Hypothesis stores no example database.

    The properties (their names are in ``ALL``): ``boundedness``, ``totality``,
    ``own_monotonicity``, ``independence`` (of other cadres),
    ``permutation_invariance``, ``weight_homogeneity``, ``exemption_safety``
    (an exemption never penalises), ``exemption_idempotence``,
    ``exemption_locality``, ``quota``, ``equal_treatment``,
    ``grade_monotonicity``, ``equal_records`` (two cadres of one line and
    unit with the same records get the same total and grade),
    ``grades_follow_totals`` (within a group, vetoed and overridden rows
    aside, a higher total never gets a worse grade), ``veto_caps`` and
    ``rollup_consistency``.

    A scorer that raises or returns something other than a score table is
    not a property violation: the property's result says so in
    ``scorer_error`` (``"the scorer raised ZeroDivisionError: ..."``), with
    the shrunk input as its counterexample, and the report lists it in
    ``PropertyReport.scorer_failures`` rather than ``failed``.

    Parameters
    ----------
    scheme
        The scheme to check.
    properties
        Property names to check (default: all).
    max_examples
        Examples per property (at least 1).
    max_cadres
        Most cadres in one case (at least 2).
    units
        Units the cadres are drawn from (grading groups when grouping by unit).
    scorer
        The scoring function under test, called as
        ``scorer(scheme, cadres, records, exemptions=...)`` and returning a
        :class:`~cadredev.scoring.ScoreTable` (default
        :func:`~cadredev.scoring.score`); pass your own wrapper to check a
        policy built on top of it.
    seed
        Seed of the search, so a report is reproducible: an integer >= 0, a
        :class:`numpy.random.Generator` (one number is drawn from it and seeds
        every property) or ``None`` for a fresh search.

    Returns
    -------
    PropertyReport

    Raises
    ------
    InvalidInputError
        For an unknown property name, ``max_examples < 1``, ``max_cadres < 2``,
        no units, a bad ``seed``, or a scheme that is not a
        :class:`~cadredev.scoring.Scheme`.

    Notes
    -----
    Called inside your own ``@given`` test, the outer test needs
    ``@settings(suppress_health_check=[HealthCheck.nested_given])``: every
    property is a hypothesis test of its own.

    Examples
    --------
    >>> from cadredev.scoring import Indicator, MinMax, Scheme, Target
    >>> fixed = Scheme(name="fixed", indicators=[Indicator(id="visits", normalise=Target(0, 20))])
    >>> check_scheme(fixed, properties=["independence"], max_examples=20).ok
    True
    >>> relative = Scheme(name="relative", indicators=[Indicator(id="visits", normalise=MinMax())])
    >>> report = check_scheme(relative, properties=["independence"], max_examples=50)
    >>> report.results["independence"].holds
    False
    >>> print(report.results["independence"].counterexample)  # doctest: +ELLIPSIS
    adding c01 moved c00's total in 2025-01 from 50 to ...

    .. versionadded:: 0.1
    """
    if not isinstance(scheme, Scheme):
        raise InvalidInputError(f"check_scheme: scheme must be a Scheme, got {scheme!r}")
    names = _check_names("check_scheme", properties)
    if not is_int(max_examples) or max_examples < 1:
        raise InvalidInputError(
            f"check_scheme: max_examples must be an integer >= 1, got {max_examples!r}"
        )
    if not is_int(max_cadres) or max_cadres < 2:
        raise InvalidInputError(
            f"check_scheme: max_cadres must be >= 2 (an integer), got {max_cadres!r}"
        )
    unit_set = tuple(units)
    if not unit_set or not all(isinstance(u, str) and u for u in unit_set):
        raise InvalidInputError(f"check_scheme: units must be non-empty strings, got {units!r}")
    if not callable(scorer):
        raise InvalidInputError(f"check_scheme: scorer must be callable, got {scorer!r}")
    checked = check_seed(seed, where="check_scheme")
    if not any(record_ids(scheme, line) for line in scored_lines(scheme)):
        raise InvalidInputError(f"check_scheme: scheme {scheme.name!r} scores no line")
    # a generator gives one number, which seeds the search of every property
    search = (
        checked if checked is None or isinstance(checked, int) else int(checked.integers(2**63))
    )
    ctx = CheckContext(scheme=scheme, scorer=scorer, max_cadres=int(max_cadres), units=unit_set)
    results = {n: _run_property(n, ctx, max_examples=max_examples, seed=search) for n in names}
    return PropertyReport(subject=f"scheme {scheme.name!r}", results=results)


def assert_scheme(
    scheme: Scheme,
    *,
    properties: Iterable[str] | str = ALL,
    max_examples: int = DEFAULT_EXAMPLES,
    **options: Any,
) -> PropertyReport:
    """Assert that a scheme has the properties (for pytest); return the report.

    Raises
    ------
    AssertionError
        With the report (and each counterexample) when a property fails.

    Examples
    --------
    >>> from cadredev.scoring import Indicator, Scheme, Target
    >>> fixed = Scheme(name="fixed", indicators=[Indicator(id="visits", normalise=Target(0, 20))])
    >>> assert_scheme(fixed, properties=["boundedness", "quota"], max_examples=10).ok
    True

    .. versionadded:: 0.1
    """
    report = check_scheme(scheme, properties=properties, max_examples=max_examples, **options)
    if not report.ok:
        raise AssertionError(str(report))
    return report


def assert_scheme_property(
    scheme: Scheme, name: str, *, max_examples: int = DEFAULT_EXAMPLES, **options: Any
) -> PropertyResult:
    """Assert that a scheme has one named property; return its result.

    Examples
    --------
    >>> from cadredev.scoring import Indicator, Scheme, Target
    >>> fixed = Scheme(name="fixed", indicators=[Indicator(id="visits", normalise=Target(0, 20))])
    >>> assert_scheme_property(fixed, "veto_caps", max_examples=5).note
    'vacuous: the scheme has no vetoes'

    .. versionadded:: 0.1
    """
    if not isinstance(name, str):
        raise InvalidInputError(f"assert_scheme_property: name must be a string, got {name!r}")
    return assert_scheme(scheme, properties=[name], max_examples=max_examples, **options)[name]


def assert_independent(scheme: Scheme, **options: Any) -> PropertyResult:
    """Assert that no cadre's total depends on another cadre's data.

    Examples
    --------
    >>> from cadredev.scoring import Indicator, Scheme, Target
    >>> fixed = Scheme(name="fixed", indicators=[Indicator(id="visits", normalise=Target(0, 20))])
    >>> assert_independent(fixed, max_examples=10).holds
    True

    .. versionadded:: 0.1
    """
    return assert_scheme_property(scheme, "independence", **options)


def assert_exemption_safe(scheme: Scheme, **options: Any) -> PropertyReport:
    """Assert that exemptions never penalise, are idempotent and local.

    Examples
    --------
    >>> from cadredev.scoring import Indicator, Scheme, Target
    >>> fixed = Scheme(name="fixed", indicators=[Indicator(id="visits", normalise=Target(0, 20))])
    >>> assert_exemption_safe(fixed, max_examples=10).ok
    True

    .. versionadded:: 0.1
    """
    return assert_scheme(
        scheme,
        properties=("exemption_safety", "exemption_idempotence", "exemption_locality"),
        **options,
    )


def assert_quota_respected(scheme: Scheme, **options: Any) -> PropertyResult:
    """Assert that no group ever holds more cadres in a grade than its quota allows.

    Examples
    --------
    >>> from cadredev.scoring import Indicator, Scheme, Target
    >>> fixed = Scheme(name="fixed", indicators=[Indicator(id="visits", normalise=Target(0, 20))])
    >>> assert_quota_respected(fixed, max_examples=10).holds
    True

    .. versionadded:: 0.1
    """
    return assert_scheme_property(scheme, "quota", **options)
