"""The scoring scheme: indicators per work line, penalties, vetoes and grades.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from attrs import field, frozen

from cadredev._validate import (
    MAX_COUNT,
    check_id,
    check_instances,
    check_items,
    check_text,
    is_int,
    is_real,
)
from cadredev.errors import InvalidInputError
from cadredev.model import FrozenDict, Line

from ._normalise import LookupTable, Normaliser, Target

__all__ = ["DEFAULT_GRADES", "Grade", "Indicator", "Penalty", "Scheme", "Veto"]

Direction = Literal["max", "min"]
Kind = Literal["flow", "stock", "rate", "event"]
Rounding = Literal["floor", "half_up", "ceil"]
Ties = Literal["exclude_block", "include_all", "secondary_keys"]
GroupBy = Literal["unit", "line"] | None
Apportionment = Literal["per_group", "largest_remainder"]

RATE_PARTS = (".num", ".den")


def _any(value: Any) -> Any:
    """Pass a value through (typed ``Any`` so records accept any iterable)."""
    return value


def _check_ident(owner: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{owner}: id must be a non-empty string, got {value!r}")
    return value


def _number(owner: str, name: str, value: Any, *, minimum: float | None = None) -> float:
    if not is_real(value):
        raise InvalidInputError(f"{owner}: {name} must be a finite number, got {value!r}")
    number = float(value)
    if minimum is not None and number < minimum:
        raise InvalidInputError(f"{owner}: {name} must be >= {minimum:g}, got {value!r}")
    return number


def _lines(owner: str, value: Any) -> frozenset[Line] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        value = (value,)
    try:
        return frozenset(Line.parse(v) for v in value)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{owner}: lines: {exc}") from None


@frozen(kw_only=True)
class Indicator:
    """One measured indicator and how it is scored.

    Parameters
    ----------
    id
        Unique id; record rows name it. A ``rate`` may instead be recorded as
        two rows ``"<id>.num"`` and ``"<id>.den"`` (numerator, denominator).
    label
        Display name.
    direction
        ``"max"`` (more is better) or ``"min"`` (less is better); it must
        agree with the normaliser's references.
    kind
        ``"flow"`` (sums over time), ``"stock"`` (a level), ``"rate"`` (a
        ratio of sums) or ``"event"`` (a count); used by
        :func:`~cadredev.scoring.rollup`.
    unit
        The unit of the raw value (``"家"``, ``"万元"``, ``"天"``).
    normalise
        A :class:`Target`, :class:`Linear`, :class:`LookupTable`,
        :class:`Reciprocal` or :class:`Step` (fixed references), the opt-in
        cohort-relative :class:`MinMax` / :class:`Percentile`, or your own
        :class:`Normaliser`.
    weight
        Non-negative weight.
    lines
        The work lines the indicator applies to, or ``None`` (all). When the
        scheme maps lines to indicators the mapping decides.
    per
        For flows and events: the period length the references are set for
        (``"month"``, ``"quarter"``, ``"year"``); a quarter's value is then
        compared with three months' references. ``None``: references apply to
        whatever period is scored.

    Examples
    --------
    >>> visits = Indicator(
    ...     id="visits", label="走访企业", unit="家", normalise=Target(0, 20), weight=2
    ... )
    >>> visits.weight, visits.direction
    (2.0, 'max')

    .. versionadded:: 0.1
    """

    id: str = field()
    normalise: Normaliser = field()
    label: str = ""
    direction: Direction = "max"
    kind: Kind = "flow"
    unit: str = ""
    weight: float = field(default=1.0)
    lines: frozenset[Line] | None = field(default=None, converter=_any)
    per: Literal["month", "quarter", "year"] | None = None

    def __attrs_post_init__(self) -> None:
        owner = f"Indicator {self.id!r}"
        if self.per not in (None, "month", "quarter", "year"):
            raise InvalidInputError(
                f"{owner}: per must be 'month', 'quarter', 'year' or None, got {self.per!r}"
            )
        if self.per is not None and self.kind not in ("flow", "event"):
            raise InvalidInputError(
                f"{owner}: per applies to flows and events only, not to kind {self.kind!r}"
            )
        _check_ident("Indicator", self.id)
        if self.id.endswith(RATE_PARTS):
            raise InvalidInputError(
                f"{owner}: id must not end with '.num' or '.den' (reserved for rate parts)"
            )
        if self.direction not in ("max", "min"):
            raise InvalidInputError(
                f"{owner}: direction must be 'max' or 'min', got {self.direction!r}"
            )
        if self.kind not in ("flow", "stock", "rate", "event"):
            raise InvalidInputError(
                f"{owner}: kind must be 'flow', 'stock', 'rate' or 'event', got {self.kind!r}"
            )
        if isinstance(self.normalise, type) or not isinstance(self.normalise, Normaliser):
            raise InvalidInputError(
                f"{owner}: normalise must be a Normaliser (Target, Linear, LookupTable, "
                "Reciprocal, Step, MinMax, Percentile, or an object with __call__(values) "
                f"and describe()), got {self.normalise!r}"
            )
        object.__setattr__(self, "weight", _number(owner, "weight", self.weight, minimum=0))
        object.__setattr__(self, "lines", _lines(owner, self.lines))
        rising = getattr(self.normalise, "increasing", None)
        if isinstance(self.normalise, LookupTable) and self.normalise.constant:
            rising = None
        elif rising is None and isinstance(self.normalise, LookupTable):
            raise InvalidInputError(f"{owner}: LookupTable scores must be monotone")
        if rising is not None and rising != (self.direction == "max"):
            detail = ""
            if isinstance(self.normalise, Target):
                need = "<" if self.direction == "max" else ">"
                detail = (
                    f"; expected floor {need} target, got floor={self.normalise.floor:g}, "
                    f"target={self.normalise.target:g}"
                )
            raise InvalidInputError(
                f"{owner}: direction {self.direction!r} disagrees with normalise "
                f"{self.normalise!r}{detail}"
            )


@frozen(kw_only=True)
class Penalty:
    """A deduction per event (a safety incident, a complaint upheld).

    Record rows with the penalty's id carry event counts. Each event deducts
    ``points`` from the total, at most ``cap`` in a period.

    Examples
    --------
    >>> Penalty(id="incidents", label="安全事故", points=10, cap=30).points
    10.0

    .. versionadded:: 0.1
    """

    id: str = field()
    points: float = field()
    label: str = ""
    cap: float | None = None
    lines: frozenset[Line] | None = field(default=None, converter=_any)

    def __attrs_post_init__(self) -> None:
        owner = f"Penalty {self.id!r}"
        _check_ident("Penalty", self.id)
        object.__setattr__(self, "points", _number(owner, "points", self.points, minimum=0))
        if self.cap is not None:
            object.__setattr__(self, "cap", _number(owner, "cap", self.cap, minimum=0))
        object.__setattr__(self, "lines", _lines(owner, self.lines))


@frozen(kw_only=True)
class Veto:
    """A one-vote veto (一票否决): events that cap the grade whatever the score.

    Parameters
    ----------
    id
        Record rows with this id carry event counts.
    label
        Display name.
    cap
        The best grade id a vetoed cadre may get; ``None`` for the lowest grade.
    threshold
        Events needed to trigger the veto (default 1).

    Examples
    --------
    >>> Veto(id="discipline", label="违纪", cap="basic").threshold
    1

    .. versionadded:: 0.1
    """

    id: str = field()
    label: str = ""
    cap: str | None = None
    threshold: int = 1

    def __attrs_post_init__(self) -> None:
        _check_ident("Veto", self.id)
        t: Any = self.threshold
        if not is_int(t) or t < 1:
            raise InvalidInputError(
                f"Veto {self.id!r}: threshold must be an integer >= 1, got {t!r}"
            )


@frozen(kw_only=False)
class Grade:
    """A grade, optionally with a quota and a minimum score.

    Parameters
    ----------
    id
        Grade id, e.g. ``"excellent"``.
    label
        Display name, e.g. ``"优秀"``.
    quota
        Most cadres per group holding this grade, as a share in ``[0, 1]``
        (seats rounded by the scheme's ``quota_rounding``), or ``None``.
    min_score
        Lowest total that may hold this grade, or ``None``.

    Examples
    --------
    >>> Grade("excellent", "优秀", quota=0.2).quota
    0.2

    .. versionadded:: 0.1
    """

    id: str = field()
    label: str = ""
    quota: float | None = field(default=None, kw_only=True)
    min_score: float | None = field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        owner = f"Grade {self.id!r}"
        _check_ident("Grade", self.id)
        if self.quota is not None:
            q = _number(owner, "quota", self.quota)
            if not 0.0 <= q <= 1.0:
                raise InvalidInputError(f"{owner}: quota must be in [0, 1], got {self.quota!r}")
            object.__setattr__(self, "quota", q)
        if self.min_score is not None:
            object.__setattr__(self, "min_score", _number(owner, "min_score", self.min_score))


DEFAULT_GRADES = (
    Grade("excellent", "优秀", quota=0.2, min_score=85.0),
    Grade("competent", "称职", min_score=60.0),
    Grade("basic", "基本称职", min_score=40.0),
    Grade("incompetent", "不称职"),
)
"""优秀 (at most 20 % per group, at least 85), 称职 (60+), 基本称职 (40+), 不称职."""


def _items_of(value: Any, name: str, kind: type[Any]) -> tuple[Any, ...]:
    """Return *value* as a tuple of *kind* items (a single item is a tuple of one)."""
    if isinstance(value, kind):
        return (value,)
    return check_instances(value, kind, where="Scheme", name=name)


def _penalties(value: Any) -> tuple[Penalty, ...]:
    return _items_of(value, "penalties", Penalty)


def _vetoes(value: Any) -> tuple[Veto, ...]:
    return _items_of(value, "vetoes", Veto)


def _grades(value: Any) -> tuple[Grade, ...]:
    return _items_of(value, "grades", Grade)


def _name(value: Any) -> str:
    return check_text(value, where="Scheme", name="name")


def _keys(value: Any) -> tuple[str, ...]:
    items = check_items(value, where="Scheme", name="secondary_keys")
    for item in items:
        check_id(item, where="Scheme", name="secondary_keys item")
    return items


def _indicator_list(line: Any, items: Any) -> tuple[Indicator, ...]:
    if isinstance(items, Indicator):
        return (items,)
    where = "indicators" if line is None else f"indicators[{line!r}]"
    return check_instances(items, Indicator, where="Scheme", name=where)


def _as_indicators(value: Any) -> Any:
    if isinstance(value, Mapping):
        out: dict[Line, tuple[Indicator, ...]] = {}
        for key, items in value.items():
            if not isinstance(key, str | Line):
                raise InvalidInputError(
                    f"Scheme: indicators must map work lines to indicators, got key {key!r}"
                )
            line = Line.parse(key)
            out[line] = _indicator_list(key, items)
        return FrozenDict(out)
    return _indicator_list(None, value)


@frozen(kw_only=True)
class Scheme:
    """A scoring scheme: what is measured per line and how grades are given.

    Scoring is absolute: each indicator's attainment (against its own fixed
    references) is weighted and averaged **over the indicators that apply to
    the cadre's line** (not-applicable is not zero: the weights are
    renormalised), scaled to 100, less penalty points. Grading is a separate
    step (see :func:`~cadredev.scoring.grade`).

    Parameters
    ----------
    name
        Display name.
    indicators
        Line -> indicators, or a flat sequence of indicators carrying ``lines``.
    penalties, vetoes
        :class:`Penalty` and :class:`Veto` items.
    grades
        Best first; the last grade takes everyone left and has no quota or
        minimum.
    quota_rounding
        Seats for a quota ``q`` in a group of ``n``: ``"floor"`` (default),
        ``"half_up"`` or ``"ceil"`` of ``q * n``.
    ties
        ``"exclude_block"`` (a block of equal scores that would cross the
        quota is left out entirely), ``"include_all"`` (let in entirely: the
        quota may be exceeded) or ``"secondary_keys"`` (broken by the
        attainment of ``secondary_keys`` in order, then by cadre id).
    group_by
        Quotas apply per ``"unit"`` (default), per ``"line"``, or zone-wide
        (``None``), and always per period.
    apportionment
        ``"per_group"`` rounds each group's seats separately;
        ``"largest_remainder"`` rounds the zone-wide seats once and shares them
        by largest remainder (Hamilton), which keeps the zone total but can
        show the Alabama paradox: a larger total can give a group fewer seats.
    secondary_keys
        Indicator ids used by ``ties="secondary_keys"``.
    min_seats
        The fewest seats (integer >= 0) each grading group gets in every grade
        with a positive quota, if it has that many cadres. With
        ``"per_group"`` apportionment a group gets the larger of its rounded
        quota (floor, half_up or ceil) and this floor, so the zone may hold
        more seats than its quota; with ``"largest_remainder"`` the floor is
        granted first and the rest of the zone's rounded seats go by largest
        remainder (the total is kept unless the floors alone exceed it).
        See :func:`~cadredev.scoring.quota_seats`.
    pool_below
        Grading groups with fewer cadres than this (integer >= 0; ``0``: none)
        are graded together in one pooled group per period, labelled
        ``"pooled"`` (``pool_by="zone"``) or ``"pooled <line>"`` per work line
        (``pool_by="line"``). Only with ``group_by="unit"``.
    pool_by
        ``"zone"`` or ``"line"``: how small units are pooled.

    Examples
    --------
    >>> scheme = Scheme(
    ...     name="demo",
    ...     indicators={"investment": [Indicator(id="visits", normalise=Target(0, 20))]},
    ... )
    >>> [g.label for g in scheme.grades]
    ['优秀', '称职', '基本称职', '不称职']
    >>> scheme.indicator_ids
    ('visits',)

    .. versionadded:: 0.1
    """

    name: str = field(converter=_name)
    indicators: Mapping[Line, Sequence[Indicator]] | Sequence[Indicator] = field(
        converter=_as_indicators
    )
    penalties: tuple[Penalty, ...] = field(default=(), converter=_penalties)
    vetoes: tuple[Veto, ...] = field(default=(), converter=_vetoes)
    grades: tuple[Grade, ...] = field(default=DEFAULT_GRADES, converter=_grades)
    quota_rounding: Rounding = "floor"
    ties: Ties = "exclude_block"
    group_by: GroupBy = "unit"
    apportionment: Apportionment = "per_group"
    secondary_keys: tuple[str, ...] = field(default=(), converter=_keys)
    min_seats: int = 0
    pool_below: int = 0
    pool_by: Literal["zone", "line"] = "zone"
    _unique: tuple[Indicator, ...] = field(init=False, repr=False, eq=False, hash=False)
    _applies: dict[str, frozenset[Line] | None] = field(
        init=False, repr=False, eq=False, hash=False
    )

    def _indicators_by_id(
        self, owner: str
    ) -> tuple[dict[str, Indicator], dict[str, frozenset[Line] | None]]:
        """Return each indicator once by id, and the lines each applies to."""
        unique: dict[str, Indicator] = {}
        applies: dict[str, frozenset[Line] | None] = {}
        if not isinstance(self.indicators, Mapping):
            for ind in self.indicators:
                self._add(owner, unique, ind)
                applies[ind.id] = ind.lines
            return unique, applies
        lines: dict[str, set[Line]] = {}
        for line, items in self.indicators.items():
            for ind in items:
                self._add(owner, unique, ind)
                if ind.lines is not None and line not in ind.lines:
                    raise InvalidInputError(
                        f"{owner}: indicator {ind.id!r} is listed under line "
                        f"{line.value!r} but its lines are {sorted(ind.lines)}"
                    )
                lines.setdefault(ind.id, set()).add(line)
        return unique, {k: frozenset(v) for k, v in lines.items()}

    def __attrs_post_init__(self) -> None:
        owner = f"Scheme {self.name!r}"
        unique, applies = self._indicators_by_id(owner)
        if not unique:
            raise InvalidInputError(f"{owner}: indicators must not be empty")
        object.__setattr__(self, "_unique", tuple(unique.values()))
        object.__setattr__(self, "_applies", applies)
        ids: set[str] = set(unique)
        for item in (*self.penalties, *self.vetoes):
            if not isinstance(item, Penalty | Veto):
                raise InvalidInputError(f"{owner}: expected Penalty or Veto, got {item!r}")
            if item.id in ids:
                raise InvalidInputError(f"{owner}: id {item.id!r} is used twice")
            ids.add(item.id)
        for line in (*Line, None):
            active = [i for i in self._unique if self.applies_to(i.id, line)]
            if active and sum(i.weight for i in active) <= 0:
                where = "no line" if line is None else f"line {line.value!r}"
                raise InvalidInputError(
                    f"{owner}: the weights of {where} are all zero; at least one must be > 0"
                )
        self._check_grades(owner)
        for name, value, choices in (
            ("quota_rounding", self.quota_rounding, ("floor", "half_up", "ceil")),
            ("ties", self.ties, ("exclude_block", "include_all", "secondary_keys")),
            ("group_by", self.group_by, ("unit", "line", None)),
            ("apportionment", self.apportionment, ("per_group", "largest_remainder")),
        ):
            if not (value is None or isinstance(value, str)) or value not in choices:
                raise InvalidInputError(f"{owner}: {name} must be one of {choices}, got {value!r}")
        self._check_seats(owner)
        for key in self.secondary_keys:
            if key not in unique:
                raise InvalidInputError(f"{owner}: secondary_keys names unknown indicator {key!r}")

    def _check_seats(self, owner: str) -> None:
        for name in ("min_seats", "pool_below"):
            value: Any = getattr(self, name)
            if not is_int(value) or not 0 <= value <= MAX_COUNT:
                raise InvalidInputError(
                    f"{owner}: {name} must be an integer in [0, {MAX_COUNT:,}], got {value!r}"
                )
            object.__setattr__(self, name, int(value))
        if not isinstance(self.pool_by, str) or self.pool_by not in ("zone", "line"):
            raise InvalidInputError(
                f"{owner}: pool_by must be one of ('zone', 'line'), got {self.pool_by!r}"
            )
        if self.pool_below and self.group_by != "unit":
            raise InvalidInputError(
                f"{owner}: pool_below pools small units; it needs group_by='unit', "
                f"got {self.group_by!r}"
            )

    @staticmethod
    def _add(owner: str, unique: dict[str, Indicator], ind: Any) -> None:
        if not isinstance(ind, Indicator):
            raise InvalidInputError(f"{owner}: expected an Indicator, got {ind!r}")
        seen = unique.get(ind.id)
        if seen is not None and seen != ind:
            raise InvalidInputError(f"{owner}: two different indicators share the id {ind.id!r}")
        unique[ind.id] = ind

    def _check_grades(self, owner: str) -> None:
        if not self.grades:
            raise InvalidInputError(f"{owner}: grades must not be empty")
        ids = [g.id for g in self.grades]
        if len(set(ids)) != len(ids):
            raise InvalidInputError(f"{owner}: grade ids must be unique, got {ids}")
        last = self.grades[-1]
        if last.quota is not None or last.min_score is not None:
            raise InvalidInputError(
                f"{owner}: the last grade {last.id!r} takes everyone left; "
                "it must have no quota and no min_score"
            )
        for veto in self.vetoes:
            if veto.cap is not None and veto.cap not in ids:
                raise InvalidInputError(
                    f"{owner}: veto {veto.id!r} caps at unknown grade {veto.cap!r}; "
                    f"expected one of {ids}"
                )

    def applies_to(self, indicator_id: str, line: Line | None) -> bool:
        """Return whether an indicator applies to cadres of ``line``."""
        lines = self._applies[indicator_id]
        return lines is None or line in lines

    @property
    def all_indicators(self) -> tuple[Indicator, ...]:
        """Every distinct indicator, in declaration order."""
        return self._unique

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        """The ids of :attr:`all_indicators`."""
        return tuple(i.id for i in self.all_indicators)

    def indicator(self, indicator_id: str) -> Indicator:
        """Return the indicator with this id.

        Raises
        ------
        InvalidInputError
            If the scheme has none.
        """
        for ind in self.all_indicators:
            if ind.id == indicator_id:
                return ind
        raise InvalidInputError(
            f"Scheme {self.name!r}: unknown indicator {indicator_id!r}; "
            f"expected one of {list(self.indicator_ids)}"
        )

    def for_line(self, line: Line | None) -> tuple[Indicator, ...]:
        """Return the indicators that apply to ``line``."""
        return tuple(i for i in self.all_indicators if self.applies_to(i.id, line))

    def grade_index(self, grade_id: str) -> int:
        """Return the position of a grade (0 is the best)."""
        for k, g in enumerate(self.grades):
            if g.id == grade_id:
                return k
        raise InvalidInputError(f"Scheme {self.name!r}: unknown grade {grade_id!r}")

    def known_ids(self) -> frozenset[str]:
        """Every id a record row may carry (indicators, rate parts, penalties, vetoes)."""
        out = set(self.indicator_ids)
        for ind in self.all_indicators:
            if ind.kind == "rate":
                out.update(ind.id + part for part in RATE_PARTS)
        out.update(p.id for p in self.penalties)
        out.update(v.id for v in self.vetoes)
        return frozenset(out)
