"""Strategies for scoring rules: normalisers, indicators and schemes.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from cadredev._validate import is_int, is_real
from cadredev.errors import InvalidInputError
from cadredev.model import Line
from cadredev.scoring import (
    Grade,
    Indicator,
    Linear,
    LookupTable,
    MinMax,
    Normaliser,
    Penalty,
    Percentile,
    Scheme,
    Target,
    Veto,
)

__all__ = ["checked_choices", "indicators", "schemes"]

NORMALISERS = ("target", "linear", "lookup", "minmax", "percentile")
"""Normaliser names accepted by :func:`indicators` and :func:`schemes`."""
ABSOLUTE = ("target", "linear", "lookup")
KINDS = ("flow", "stock", "rate", "event")
TIES = ("exclude_block", "include_all", "secondary_keys")
ROUNDINGS = ("floor", "half_up", "ceil")
GROUP_BY = ("unit", "line", None)
SCORED_LINES = (Line.INVESTMENT, Line.PROJECT, Line.SERVICE)

_RATE_REFS = (0.0, 0.25, 0.5, 0.75, 0.9, 1.0)

_RATE_PAIR = st.lists(st.sampled_from(_RATE_REFS), min_size=2, max_size=2, unique=True)
_LEVELS = st.sampled_from((0.0, 0.3, 0.5, 0.7, 0.8, 1.0, 1.2))


def checked_choices(
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
    norms = checked_choices("indicators", "normalisers", normalisers, NORMALISERS)
    kind_set = checked_choices("indicators", "kinds", kinds, KINDS)
    dirs = checked_choices("indicators", "directions", directions, ("max", "min"))
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
    min_seats: Iterable[int] = (0,),
    pool_below: Iterable[int] = (0,),
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
    min_seats, pool_below
        Integers >= 0 to draw the scheme's seat floor and pooling threshold
        from (pooling only when the drawn ``group_by`` is ``"unit"``).

        .. versionadded:: 0.3

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
    norms = checked_choices("schemes", "normalisers", normalisers, NORMALISERS)
    kind_set = checked_choices("schemes", "kinds", kinds, KINDS)
    if isinstance(lines, str | Line):
        lines = (lines,)
    try:
        line_set = tuple(dict.fromkeys(Line.parse(v) for v in lines))
    except InvalidInputError as exc:
        raise InvalidArgument(f"schemes: lines: {exc}") from None
    if not line_set:
        raise InvalidArgument("schemes: lines must not be empty")
    tie_set = checked_choices("schemes", "ties", ties, TIES)
    rounding_set = checked_choices("schemes", "quota_rounding", quota_rounding, ROUNDINGS)
    group_set = checked_choices("schemes", "group_by", group_by, GROUP_BY)
    appo_set = checked_choices(
        "schemes", "apportionment", apportionment, ("per_group", "largest_remainder")
    )
    floors = _counts("min_seats", min_seats)
    pools = _counts("pool_below", pool_below)

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
        grouping = draw(st.sampled_from(group_set))
        return Scheme(
            name="drawn",
            min_seats=draw(st.sampled_from(floors)),
            pool_below=draw(st.sampled_from(pools)) if grouping == "unit" else 0,
            indicators=mapping,
            penalties=tuple(pens),
            vetoes=tuple(vets),
            grades=tuple(grades),
            quota_rounding=draw(st.sampled_from(rounding_set)),
            ties=tie,
            group_by=grouping,
            apportionment=draw(st.sampled_from(appo_set)),
            secondary_keys=secondary,
        )

    return build()


def _counts(name: str, values: Iterable[int]) -> tuple[int, ...]:
    chosen = tuple(values)
    if not chosen or not all(is_int(v) and v >= 0 for v in chosen):
        raise InvalidArgument(f"schemes: {name} must be integers >= 0, got {chosen!r}")
    return chosen


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


def any_normaliser(cls: type) -> st.SearchStrategy[Any]:
    """Return a strategy for one normaliser class (for ``st.from_type``)."""
    name = {Target: "target", Linear: "linear", LookupTable: "lookup"}[cls]
    return st.booleans().flatmap(lambda inc: _normaliser(name, increasing=inc, rate=False))
