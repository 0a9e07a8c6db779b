"""Strategies for a scheme's data: records, exemptions and the rosters it scores.

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from cadredev._validate import is_int
from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, Line, Rank
from cadredev.scoring import (
    Exemption,
    Indicator,
    Linear,
    LookupTable,
    Reciprocal,
    Records,
    Scheme,
    Step,
    Target,
)
from cadredev.scoring._periods import check_period, period_months

from ._scoring import checked_choices, schemes

__all__ = [
    "any_exemptions",
    "any_records",
    "exemptions",
    "record_ids",
    "record_rows",
    "records",
    "reference_span",
    "scored_lines",
    "scored_roster",
    "value_strategy",
]

_PER_MONTHS = {"month": 1, "quarter": 3, "year": 12}
_RARE = st.integers(1, 5)
"""A rare event is a draw of 5 (one in five); it shrinks away (towards 1)."""


@functools.lru_cache(maxsize=1024)
def _ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(min_value=lo, max_value=hi)


@functools.lru_cache(maxsize=4096)
def _sampled(options: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    return st.sampled_from(options)


@functools.lru_cache(maxsize=4096)
def _optional(options: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    return st.none() | st.sampled_from(options)


def _periods(owner: str, periods: Iterable[str]) -> tuple[str, ...]:
    if isinstance(periods, str):
        periods = (periods,)
    out = tuple(periods)
    if not out:
        raise InvalidArgument(f"{owner}: periods must not be empty")
    for p in out:
        try:
            check_period(p, where=owner)
        except InvalidInputError as exc:
            raise InvalidArgument(str(exc)) from None
    if len(set(out)) != len(out):
        raise InvalidArgument(f"{owner}: periods must be distinct, got {list(out)}")
    return out


# ---------------------------------------------------------------------- records


def _months(label: str) -> int:
    a, b = period_months(label)
    return b - a + 1


def reference_span(ind: Indicator) -> float:
    """Return the span of an indicator's references in its own unit (1 if relative)."""
    norm = ind.normalise
    if isinstance(norm, Target):
        return abs(norm.target - norm.floor)
    if isinstance(norm, Linear):
        return abs(norm.hi - norm.lo)
    if isinstance(norm, LookupTable):
        ts = [t for t, _ in norm.steps]
        return max(ts[-1] - ts[0], 1.0)
    if isinstance(norm, Step | Reciprocal):
        refs = _references(ind)
        return max(max(refs) - min(refs), 1.0)
    return 1.0


def _references(ind: Indicator) -> list[float]:
    norm = ind.normalise
    if isinstance(norm, Target):
        refs = [norm.floor, norm.target]
        if norm.stretch is not None:
            refs.append(norm.stretch)
        return refs
    if isinstance(norm, Linear):
        return [norm.lo, norm.hi]
    if isinstance(norm, LookupTable):
        return [t for t, _ in norm.steps]
    if isinstance(norm, Step):
        return list(norm.thresholds)
    if isinstance(norm, Reciprocal):
        return [norm.target / norm.cap, norm.target, 4 * norm.target]
    return [0.0, 1.0, 5.0, 10.0]


@functools.lru_cache(maxsize=1024)
def value_strategy(ind: Indicator, period: str) -> st.SearchStrategy[float]:
    """Return a strategy for raw values of ``ind`` in ``period``, boundary values first."""
    scale = 1.0
    if ind.per is not None:
        scale = _months(period) / _PER_MONTHS[ind.per]
    refs = tuple(sorted({round(r * scale, 6) for r in _references(ind)} | {0.0}))
    span = max(reference_span(ind) * scale, 1e-3)
    lo = min(refs) - span / 2
    hi = max(refs) + span / 2
    if min(_references(ind)) >= 0:
        lo = max(lo, 0.0)
    ints = st.integers(min_value=int(lo), max_value=max(int(hi), int(lo))).map(float)
    return st.sampled_from(refs) | _near(refs, span, lo) | ints | st.floats(lo, hi, allow_nan=False)


@st.composite
def _near(draw: st.DrawFn, refs: tuple[float, ...], span: float, lo: float) -> float:
    r: float = draw(_sampled(refs))
    out: float = draw(_sampled((r, r + span / 100, max(lo, r - span / 100))))
    return out


def record_ids(scheme: Scheme, line: Line | None) -> list[str]:
    """Return every record id a cadre of ``line`` may carry, in scheme order."""
    out: list[str] = []
    for ind in scheme.for_line(line):
        if ind.kind == "rate":
            out += [ind.id + ".num", ind.id + ".den"]
        else:
            out.append(ind.id)
    out += [p.id for p in scheme.penalties if p.lines is None or line in p.lines]
    out += [v.id for v in scheme.vetoes]
    return out


@st.composite
def _row_values(
    draw: st.DrawFn, scheme: Scheme, line: Line | None, period: str, max_events: int
) -> dict[str, float]:
    values: dict[str, float] = {}
    for ind in scheme.for_line(line):
        if ind.kind == "rate":
            den = draw(_ints(0, 4))
            num = draw(_ints(0, den))
            values[ind.id + ".num"] = float(num)
            values[ind.id + ".den"] = float(den)
        else:
            values[ind.id] = draw(value_strategy(ind, period))
    for p in scheme.penalties:
        if p.lines is None or line in p.lines:
            values[p.id] = float(draw(_ints(0, max_events)))
    for v in scheme.vetoes:
        values[v.id] = float(draw(_ints(0, v.threshold)))
    return values


def _check_roster(owner: str, cadres: Iterable[Cadre]) -> tuple[Cadre, ...]:
    roster = tuple(cadres)
    if not roster:
        raise InvalidArgument(f"{owner}: cadres must not be empty")
    seen: set[str] = set()
    for c in roster:
        if not isinstance(c, Cadre):
            raise InvalidArgument(f"{owner}: cadres must be Cadre records, got {c!r}")
        if c.id in seen:
            raise InvalidArgument(f"{owner}: duplicate cadre id {c.id!r}")
        seen.add(c.id)
    return roster


@st.composite
def record_rows(
    draw: st.DrawFn,
    scheme: Scheme,
    roster: Sequence[Cadre],
    periods: Sequence[str],
    *,
    ties: bool = True,
    degenerate: bool = True,
    missing: bool = True,
    max_events: int = 2,
) -> list[tuple[str, str, str, float]]:
    """Draw long record rows (see :func:`records`); at least one row per period."""
    rows: list[tuple[str, str, str, float]] = []
    for period in periods:
        zero = degenerate and draw(_RARE) == 5
        drawn: list[dict[str, float]] = []
        present = 0
        for i, c in enumerate(roster):
            if missing and i > 0 and draw(_RARE) == 5:
                drawn.append({})
                continue
            present += 1
            same = [j for j in range(i) if roster[j].line == c.line and drawn[j]]
            copy = draw(_optional(tuple(same))) if ties and same else None
            if copy is not None:
                values = dict(drawn[copy])
            else:
                values = draw(_row_values(scheme, c.line, period, max_events))
                if zero:
                    values = dict.fromkeys(values, 0.0)
            drawn.append(values)
            rows += [(c.id, period, k, v) for k, v in values.items()]
        if not any(r[1] == period for r in rows):
            # a period with no measured value at all still needs a row
            first = record_ids(scheme, roster[0].line)
            if first:
                rows.append((roster[0].id, period, first[0], 0.0))
    return rows


def records(
    scheme: Scheme,
    cadres: Iterable[Cadre],
    *,
    periods: Iterable[str] = ("2025-01",),
    ties: bool = True,
    degenerate: bool = True,
    missing: bool = True,
    max_events: int = 2,
) -> st.SearchStrategy[Records]:
    """Draw :class:`~cadredev.scoring.Records` for a scheme and some cadres.

    Each cadre gets the record ids that apply to its line (indicator values,
    rate numerators and denominators, penalty and veto event counts). Values
    favour the indicator's references (exactly at a floor, target, stretch or
    threshold, and just either side), then integers, then any float in range.

    Parameters
    ----------
    scheme
        The scheme whose record ids to draw.
    cadres
        The cadres (unique ids).
    periods
        Period labels to draw rows for.
    ties
        Adversarial ties: a cadre may copy an earlier cadre's row of the same line.
    degenerate
        Degenerate periods: every value of a period may be zero (and rates
        have zero denominators whenever drawn so).
    missing
        A cadre (other than the first) may have no row in a period.
    max_events
        Largest penalty event count.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        For no cadres, duplicate ids, bad periods or ``max_events < 0``.

    Examples
    --------
    >>> from hypothesis import given
    >>> from cadredev.datasets import sample_scheme
    >>> from cadredev import Cadre
    >>> people = [
    ...     Cadre(id="a", name="a", birth_year=1990, rank="section", unit="u", line="service")
    ... ]
    >>> @given(records(sample_scheme(), people, periods=["2025-01", "2025-02"]))
    ... def test(rec):
    ...     assert rec.periods == ("2025-01", "2025-02")
    >>> test()

    .. versionadded:: 0.1
    """
    if not isinstance(scheme, Scheme):
        raise InvalidArgument(f"records: scheme must be a Scheme, got {scheme!r}")
    roster = _check_roster("records", cadres)
    labels = _periods("records", periods)
    if not is_int(max_events) or max_events < 0:
        raise InvalidArgument(f"records: max_events must be >= 0 (an integer), got {max_events!r}")
    if not any(record_ids(scheme, c.line) for c in roster[:1]):
        raise InvalidArgument(
            f"records: the first cadre {roster[0].id!r} has no record id under scheme "
            f"{scheme.name!r} (line {roster[0].line})"
        )
    return record_rows(
        scheme,
        roster,
        labels,
        ties=ties,
        degenerate=degenerate,
        missing=missing,
        max_events=max_events,
    ).map(Records.from_rows)


def exemptions(
    scheme: Scheme,
    cadres: Iterable[Cadre],
    *,
    periods: Iterable[str] = ("2025-01",),
    policies: Iterable[str] = ("waive", "mitigate"),
    targets: Iterable[str] | None = None,
) -> st.SearchStrategy[Exemption]:
    """Draw a valid :class:`~cadredev.scoring.Exemption` for a scheme and cadres.

    The target is an indicator, penalty or veto that applies to the cadre's
    line (vetoes are only waived); a mitigation factor is drawn from ``[0, 1]``
    with 0, 0.5 and 1 first.

    Parameters
    ----------
    scheme
        The scheme (targets are drawn from its ids).
    cadres
        The cadres one of which is exempted.
    periods
        Period labels to draw from.
    policies
        Some of ``"waive"``, ``"mitigate"``.
    targets
        Restrict targets to these ids.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        For no cadres, bad periods, an unknown policy or target.

    Examples
    --------
    >>> from hypothesis import given
    >>> from cadredev.datasets import sample_scheme
    >>> from cadredev import Cadre
    >>> people = [
    ...     Cadre(id="a", name="a", birth_year=1990, rank="section", unit="u", line="project")
    ... ]
    >>> @given(exemptions(sample_scheme(), people, policies=["waive"]))
    ... def test(e):
    ...     assert e.cadre_id == "a" and e.policy == "waive"
    >>> test()

    .. versionadded:: 0.1
    """
    if not isinstance(scheme, Scheme):
        raise InvalidArgument(f"exemptions: scheme must be a Scheme, got {scheme!r}")
    roster = _check_roster("exemptions", cadres)
    labels = _periods("exemptions", periods)
    pols = checked_choices("exemptions", "policies", policies, ("waive", "mitigate"))
    known = {i.id for i in scheme.all_indicators} | {p.id for p in scheme.penalties}
    known |= {v.id for v in scheme.vetoes}
    allowed: set[str] | None = None
    if targets is not None:
        allowed = set(targets if not isinstance(targets, str) else (targets,))
        unknown = sorted(allowed - known)
        if unknown:
            raise InvalidArgument(
                f"exemptions: targets {unknown} are unknown to scheme {scheme.name!r}"
            )
    veto_ids = {v.id for v in scheme.vetoes}

    def options(c: Cadre) -> list[str]:
        ids = [i.id for i in scheme.for_line(c.line)]
        ids += [p.id for p in scheme.penalties if p.lines is None or c.line in p.lines]
        ids += sorted(veto_ids)
        return [t for t in ids if allowed is None or t in allowed]

    candidates = [c for c in roster if options(c)]
    if not candidates:
        raise InvalidArgument("exemptions: no cadre has a target to exempt")

    return _exemption(
        tuple((c, tuple(options(c))) for c in candidates), labels, pols, frozenset(veto_ids)
    )


@st.composite
def _exemption(
    draw: st.DrawFn,
    candidates: tuple[tuple[Cadre, tuple[str, ...]], ...],
    labels: tuple[str, ...],
    pols: tuple[str, ...],
    veto_ids: frozenset[str],
) -> Exemption:
    c, options = draw(st.sampled_from(candidates))
    target = draw(st.sampled_from(options))
    policy = "waive" if target in veto_ids else draw(st.sampled_from(pols))
    factor = 0.0
    if policy == "mitigate":
        factor = draw(st.sampled_from((0.0, 0.5, 1.0)) | st.floats(0.0, 1.0))
    return Exemption(
        cadre_id=c.id,
        period=draw(st.sampled_from(labels)),
        target=target,
        policy=policy,  # type: ignore[arg-type]
        factor=factor,
        reason="approved deviation",
        approved_by="纪工委",
    )


# ----------------------------------------------------------- rosters for a scheme


def scored_lines(scheme: Scheme) -> tuple[Line | None, ...]:
    """Return the lines (and ``None``) that have at least one indicator."""
    return tuple(line for line in (*Line, None) if scheme.for_line(line))


@st.composite
def scored_roster(
    draw: st.DrawFn,
    scheme: Scheme,
    *,
    min_size: int = 1,
    max_size: int = 8,
    units: Sequence[str] = ("u1", "u2"),
    start: int = 0,
) -> tuple[Cadre, ...]:
    """Draw cadres ``c00``, ``c01``... of lines the scheme scores."""
    lines = scored_lines(scheme)
    n = draw(_ints(min_size, max_size))
    return tuple(
        Cadre(
            id=f"c{start + i:02d}",
            name=f"c{start + i:02d}",
            birth_year=1990,
            rank=Rank.SECTION,
            unit=draw(_sampled(tuple(units))),
            line=draw(_sampled(lines)),
        )
        for i in range(n)
    )


@st.composite
def any_records(draw: st.DrawFn) -> Records:
    """Draw records of a drawn scheme and roster (for ``st.from_type(Records)``)."""
    scheme = draw(schemes(max_indicators=3))
    roster = draw(scored_roster(scheme, max_size=4))
    return draw(records(scheme, roster))


@st.composite
def any_exemptions(draw: st.DrawFn) -> Exemption:
    """Draw an exemption of a drawn scheme and roster (for ``st.from_type(Exemption)``)."""
    scheme = draw(schemes(max_indicators=3))
    roster = draw(scored_roster(scheme, max_size=4))
    return draw(exemptions(scheme, roster))
