"""Strategies for scoring: indicators, schemes, records and exemptions.

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from cadredev._validate import is_int, is_real
from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, Line, Rank
from cadredev.scoring import (
    Exemption,
    Grade,
    Indicator,
    Linear,
    LookupTable,
    MinMax,
    Normaliser,
    Penalty,
    Percentile,
    Records,
    Scheme,
    Target,
    Veto,
)
from cadredev.scoring._periods import check_period, period_months

__all__ = ["exemptions", "indicators", "records", "schemes"]

NORMALISERS = ("target", "linear", "lookup", "minmax", "percentile")
"""Normaliser names accepted by :func:`indicators` and :func:`schemes`."""
ABSOLUTE = ("target", "linear", "lookup")
KINDS = ("flow", "stock", "rate", "event")
TIES = ("exclude_block", "include_all", "secondary_keys")
ROUNDINGS = ("floor", "half_up", "ceil")
GROUP_BY = ("unit", "line", None)
SCORED_LINES = (Line.INVESTMENT, Line.PROJECT, Line.SERVICE)

_RATE_REFS = (0.0, 0.25, 0.5, 0.75, 0.9, 1.0)
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


_RATE_PAIR = st.lists(st.sampled_from(_RATE_REFS), min_size=2, max_size=2, unique=True)
_LEVELS = st.sampled_from((0.0, 0.3, 0.5, 0.7, 0.8, 1.0, 1.2))


def _choices(
    owner: str, name: str, value: Iterable[Any], allowed: Sequence[Any]
) -> tuple[Any, ...]:
    if isinstance(value, str):
        value = (value,)
    chosen = tuple(value)
    if not chosen:
        raise InvalidArgument(f"{owner}: {name} must not be empty")
    for v in chosen:
        if v not in allowed:
            raise InvalidArgument(f"{owner}: {name} holds {v!r}; expected some of {list(allowed)}")
    return chosen


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


# ------------------------------------------------------------------ normalisers


@st.composite
def _target(draw: st.DrawFn, *, increasing: bool, rate: bool) -> Target:
    if rate:
        a, b = sorted(draw(_RATE_PAIR))
    else:
        a = draw(st.integers(min_value=0, max_value=50))
        b = a + draw(st.integers(min_value=1, max_value=50))
    floor, target = (a, b) if increasing else (b, a)
    cap = draw(st.sampled_from((1.0, 1.1, 1.2, 1.5)))
    stretch = None
    if cap > 1 and draw(st.booleans()):
        span = target - floor
        stretch = target + span * draw(st.sampled_from((0.5, 1.0, 2.0)))
    return Target(floor, target, stretch=stretch, cap=cap)


@st.composite
def _linear(draw: st.DrawFn, *, increasing: bool, rate: bool, unbounded: bool) -> Linear:
    if rate:
        a, b = sorted(draw(_RATE_PAIR))
    else:
        a = draw(st.integers(min_value=-10, max_value=50))
        b = a + draw(st.integers(min_value=1, max_value=60))
    lo, hi = (a, b) if increasing else (b, a)
    clip = not (unbounded and draw(st.booleans()))
    return Linear(lo, hi, clip=clip)


@st.composite
def _lookup(draw: st.DrawFn, *, increasing: bool, rate: bool) -> LookupTable:
    n = draw(st.integers(min_value=1, max_value=4))
    pool = _RATE_REFS if rate else tuple(range(0, 60, 5))
    thresholds = sorted(draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n, unique=True)))
    levels = draw(st.lists(_LEVELS, min_size=n + 1, max_size=n + 1))
    levels.sort(reverse=not increasing)
    return LookupTable(list(zip(thresholds, levels[1:], strict=True)), below=levels[0])


def _normaliser(
    name: str, *, increasing: bool, rate: bool, unbounded: bool = False
) -> st.SearchStrategy[Normaliser]:
    if name == "target":
        return _target(increasing=increasing, rate=rate)
    if name == "linear":
        return _linear(increasing=increasing, rate=rate, unbounded=unbounded)
    if name == "lookup":
        return _lookup(increasing=increasing, rate=rate)
    if name == "minmax":
        return st.just(MinMax())
    return st.just(Percentile())


def indicators(
    *,
    ids: st.SearchStrategy[str] | None = None,
    normalisers: Iterable[str] = ABSOLUTE,
    kinds: Iterable[str] = KINDS,
    directions: Iterable[str] = ("max", "min"),
    weights: tuple[float, float] = (0.5, 5.0),
    per: bool = True,
    unbounded: bool = False,
) -> st.SearchStrategy[Indicator]:
    """Draw a valid :class:`~cadredev.scoring.Indicator`.

    The normaliser's references agree with the direction; small integer
    references make ties and boundary values (a value exactly at a target or
    a threshold) common.

    Parameters
    ----------
    ids
        Strategy for the id (default ``i0000`` to ``i9999``).
    normalisers
        Some of ``"target"``, ``"linear"``, ``"lookup"`` (fixed references,
        the default) and the cohort-relative ``"minmax"``, ``"percentile"``.
    kinds
        Some of ``"flow"``, ``"stock"``, ``"rate"``, ``"event"``.
    directions
        Some of ``"max"``, ``"min"``.
    weights
        Inclusive range of weights, ``0 <= low <= high``.
    per
        Also draw ``per`` (``"month"``, ``"quarter"``, ``"year"``) on flows and events.
    unbounded
        Also draw unclipped :class:`~cadredev.scoring.Linear` scales.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        For an unknown normaliser, kind or direction, or a bad weight range.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(indicators(normalisers=["target"], directions=["max"]))
    ... def test(ind):
    ...     assert ind.normalise.floor < ind.normalise.target
    >>> test()

    .. versionadded:: 0.1
    """
    norms = _choices("indicators", "normalisers", normalisers, NORMALISERS)
    kind_set = _choices("indicators", "kinds", kinds, KINDS)
    dirs = _choices("indicators", "directions", directions, ("max", "min"))
    if (
        not isinstance(weights, tuple | list)
        or len(weights) != 2
        or not all(is_real(w) for w in weights)
        or not 0 <= weights[0] <= weights[1]
    ):
        raise InvalidArgument(
            f"indicators: weights must satisfy 0 <= low <= high (two numbers), got {weights!r}"
        )
    low, high = float(weights[0]), float(weights[1])
    if ids is not None and not isinstance(ids, st.SearchStrategy):
        raise InvalidArgument(f"indicators: ids must be a strategy of strings or None, got {ids!r}")
    id_strategy = ids if ids is not None else st.integers(0, 9999).map(lambda k: f"i{k:04d}")

    return _indicator(
        id_strategy, norms, kind_set, dirs, weights=(low, high), per=per, unbounded=unbounded
    )


@st.composite
def _indicator(
    draw: st.DrawFn,
    id_strategy: st.SearchStrategy[str],
    norms: tuple[str, ...],
    kind_set: tuple[str, ...],
    dirs: tuple[str, ...],
    *,
    weights: tuple[float, float],
    per: bool,
    unbounded: bool,
) -> Indicator:
    low, high = weights
    kind = draw(st.sampled_from(kind_set))
    direction = draw(st.sampled_from(dirs))
    name = draw(st.sampled_from(norms))
    norm = draw(
        _normaliser(name, increasing=direction == "max", rate=kind == "rate", unbounded=unbounded)
    )
    period = None
    if per and kind in ("flow", "event"):
        period = draw(st.sampled_from((None, "month", "quarter", "year")))
    weight = draw(st.sampled_from(sorted({low, high, (low + high) / 2})) | st.floats(low, high))
    return Indicator(
        id=draw(id_strategy),
        normalise=norm,
        direction=direction,  # type: ignore[arg-type]
        kind=kind,  # type: ignore[arg-type]
        weight=weight,
        per=period,  # type: ignore[arg-type]
    )


def schemes(
    *,
    min_indicators: int = 1,
    max_indicators: int = 4,
    normalisers: Iterable[str] = ABSOLUTE,
    kinds: Iterable[str] = KINDS,
    lines: Iterable[Line | str] = SCORED_LINES,
    penalties: bool = True,
    vetoes: bool = True,
    ties: Iterable[str] = TIES,
    quota_rounding: Iterable[str] = ROUNDINGS,
    group_by: Iterable[str | None] = GROUP_BY,
    apportionment: Iterable[str] = ("per_group", "largest_remainder"),
) -> st.SearchStrategy[Scheme]:
    """Draw a valid :class:`~cadredev.scoring.Scheme`.

    Indicators get ids ``k0``, ``k1``, ...; each line draws a non-empty subset
    of them. Grades are 优秀 (with a quota and maybe a minimum), 称职, maybe
    基本称职, and 不称职; penalties are ``pen0``...; vetoes are ``veto0``....

    Parameters
    ----------
    min_indicators, max_indicators
        Bounds on the number of distinct indicators (``>= 1``).
    normalisers, kinds
        As in :func:`indicators`.
    lines
        The work lines that get indicators (others are not scored).
    penalties, vetoes
        Whether to draw penalties and vetoes.
    ties, quota_rounding, group_by, apportionment
        The scheme settings to draw from.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        For bad bounds or an unknown option value.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(schemes(max_indicators=2, ties=["exclude_block"]))
    ... def test(scheme):
    ...     assert 1 <= len(scheme.all_indicators) <= 2
    ...     assert scheme.ties == "exclude_block"
    >>> test()

    .. versionadded:: 0.1
    """
    if not (is_int(min_indicators) and is_int(max_indicators)) or not (
        1 <= min_indicators <= max_indicators
    ):
        raise InvalidArgument(
            "schemes: need 1 <= min_indicators <= max_indicators, got "
            f"min_indicators={min_indicators}, max_indicators={max_indicators}"
        )
    norms = _choices("schemes", "normalisers", normalisers, NORMALISERS)
    kind_set = _choices("schemes", "kinds", kinds, KINDS)
    if isinstance(lines, str | Line):
        lines = (lines,)
    try:
        line_set = tuple(dict.fromkeys(Line.parse(v) for v in lines))
    except InvalidInputError as exc:
        raise InvalidArgument(f"schemes: lines: {exc}") from None
    if not line_set:
        raise InvalidArgument("schemes: lines must not be empty")
    tie_set = _choices("schemes", "ties", ties, TIES)
    rounding_set = _choices("schemes", "quota_rounding", quota_rounding, ROUNDINGS)
    group_set = _choices("schemes", "group_by", group_by, GROUP_BY)
    appo_set = _choices(
        "schemes", "apportionment", apportionment, ("per_group", "largest_remainder")
    )

    @st.composite
    def build(draw: st.DrawFn) -> Scheme:
        k = draw(st.integers(min_value=min_indicators, max_value=max_indicators))
        inds = [
            draw(
                _indicator(
                    st.just(f"k{j}"),
                    norms,
                    kind_set,
                    ("max", "min"),
                    weights=(0.5, 5.0),
                    per=True,
                    unbounded=False,
                )
            )
            for j in range(k)
        ]
        mapping = _draw_lines(draw, inds, line_set)
        used = sorted({i.id for items in mapping.values() for i in items})
        grades = _draw_grades(draw)
        pens = _draw_penalties(draw, line_set) if penalties else []
        vets = _draw_vetoes(draw, [g.id for g in grades]) if vetoes else []
        tie = draw(st.sampled_from(tie_set))
        secondary: tuple[str, ...] = ()
        if tie == "secondary_keys":
            secondary = tuple(draw(st.lists(st.sampled_from(used), unique=True, max_size=2)))
        return Scheme(
            name="drawn",
            indicators=mapping,
            penalties=tuple(pens),
            vetoes=tuple(vets),
            grades=tuple(grades),
            quota_rounding=draw(st.sampled_from(rounding_set)),
            ties=tie,
            group_by=draw(st.sampled_from(group_set)),
            apportionment=draw(st.sampled_from(appo_set)),
            secondary_keys=secondary,
        )

    return build()


def _draw_lines(
    draw: st.DrawFn, inds: list[Indicator], line_set: tuple[Line, ...]
) -> dict[Line, list[Indicator]]:
    """Draw a non-empty subset of the indicators for each line."""
    k = len(inds)
    mapping: dict[Line, list[Indicator]] = {}
    for line in line_set:
        chosen = sorted(draw(st.lists(st.integers(0, k - 1), min_size=1, max_size=k, unique=True)))
        mapping[line] = [inds[j] for j in chosen]
    return mapping


def _draw_grades(draw: st.DrawFn) -> list[Grade]:
    """Draw 优秀 (with a quota, maybe a minimum), 称职, maybe 基本称职, and 不称职."""
    quota = draw(st.sampled_from((0.2, 0.1, 0.25, 0.5, 0.0, 1.0)))
    top_min = draw(st.sampled_from((None, 85.0, 60.0)))
    grades = [Grade("excellent", "优秀", quota=quota, min_score=top_min)]
    grades.append(Grade("competent", "称职", min_score=draw(st.sampled_from((60.0, None)))))
    if draw(st.booleans()):
        grades.append(Grade("basic", "基本称职", min_score=40.0))
    grades.append(Grade("incompetent", "不称职"))
    return grades


def _draw_penalties(draw: st.DrawFn, line_set: tuple[Line, ...]) -> list[Penalty]:
    """Draw up to two penalties, each for every line or for one."""
    return [
        Penalty(
            id=f"pen{q}",
            points=draw(st.sampled_from((5.0, 10.0, 2.5))),
            cap=draw(st.sampled_from((None, 20.0, 30.0))),
            lines=draw(st.sampled_from((None, *((x,) for x in line_set)))),
        )
        for q in range(draw(st.integers(0, 2)))
    ]


def _draw_vetoes(draw: st.DrawFn, grade_ids: list[str]) -> list[Veto]:
    """Draw up to two vetoes, each capping at a grade below the best (or the worst)."""
    return [
        Veto(
            id=f"veto{q}",
            cap=draw(st.sampled_from((None, *grade_ids[1:]))),
            threshold=draw(st.integers(1, 2)),
        )
        for q in range(draw(st.integers(0, 2)))
    ]


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
    >>> from cadredev.scoring._samples import sample_scheme
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
    >>> from cadredev.scoring._samples import sample_scheme
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
    pols = _choices("exemptions", "policies", policies, ("waive", "mitigate"))
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


def any_normaliser(cls: type) -> st.SearchStrategy[Any]:
    """Return a strategy for one normaliser class (for ``st.from_type``)."""
    name = {Target: "target", Linear: "linear", LookupTable: "lookup"}[cls]
    return st.booleans().flatmap(lambda inc: _normaliser(name, increasing=inc, rate=False))
