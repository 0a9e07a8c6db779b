"""The records of a judged contest: criteria, judges, contestants, marks and the panel.

.. versionadded:: 0.3
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from attrs import field, frozen

from cadredev._validate import FieldError, check_items, id_key, is_real, named_errors
from cadredev._validate import id_field as check_id
from cadredev._validate import text_field as check_text
from cadredev.errors import InvalidInputError

__all__ = ["Contestant", "Criterion", "Judge", "Mark", "Method", "Panel", "as_contestants"]

Method = Literal["mean", "trimmed", "median", "zscore", "additive"]
METHODS: tuple[str, ...] = ("mean", "trimmed", "median", "zscore", "additive")


def _to_float(value: Any) -> Any:
    return float(value) if is_real(value) else value


@named_errors
@frozen(kw_only=True)
class Criterion:
    """One thing judges score, on a closed scale ``[low, high]``, with a weight.

    Examples
    --------
    >>> Criterion(id="results", label="亮成绩", weight=0.5)
    Criterion(id='results', label='亮成绩', weight=0.5, low=0.0, high=100.0)

    .. versionadded:: 0.3
    """

    id: str = field(validator=check_id)
    label: str = field(default="", validator=check_text)
    weight: float = field(default=1.0, converter=_to_float)
    low: float = field(default=0.0, converter=_to_float)
    high: float = field(default=100.0, converter=_to_float)

    def __attrs_post_init__(self) -> None:
        for name in ("weight", "low", "high"):
            if not is_real(getattr(self, name)):
                raise FieldError(f"{name} must be a finite number, got {getattr(self, name)!r}")
        if self.weight <= 0:
            raise FieldError(f"weight must be > 0, got {self.weight!r}")
        if self.low >= self.high:
            raise FieldError(f"high must be above low ({self.low:g}), got {self.high!r}")


@named_errors
@frozen(kw_only=True)
class Judge:
    """A member of a judging panel; ``unit`` is used for recusal (回避).

    Examples
    --------
    >>> Judge(id="j1", name="评委一", unit="招商局").unit
    '招商局'

    .. versionadded:: 0.3
    """

    id: str = field(validator=check_id)
    name: str = field(default="", validator=check_text)
    unit: str = field(default="", validator=check_text)


@named_errors
@frozen(kw_only=True)
class Contestant:
    """Someone judged in a contest; cadres convert with :func:`as_contestants`.

    Examples
    --------
    >>> Contestant(id="c1", name="张三", unit="招商局")
    Contestant(id='c1', name='张三', unit='招商局')

    .. versionadded:: 0.3
    """

    id: str = field(validator=check_id)
    name: str = field(default="", validator=check_text)
    unit: str = field(default="", validator=check_text)


@named_errors
@frozen(kw_only=True)
class Mark:
    """One judge's mark for one contestant on one criterion.

    Examples
    --------
    >>> Mark(judge_id="j1", contestant_id="c1", criterion="results", value=88)
    Mark(judge_id='j1', contestant_id='c1', criterion='results', value=88.0)

    .. versionadded:: 0.3
    """

    judge_id: str = field(validator=check_id)
    contestant_id: str = field(validator=check_id)
    criterion: str = field(validator=check_id)
    value: float = field(converter=_to_float)

    @value.validator
    def _check_value(self, _attribute: object, value: object) -> None:
        if not is_real(value):
            raise FieldError(f"value must be a finite number, got {value!r}")


def _judges(value: Any) -> tuple[Judge, ...]:
    items = check_items(value, where="Panel", name="judges")
    for j in items:
        if not isinstance(j, Judge):
            raise FieldError(f"judges must be Judge records, got {j!r}")
    return tuple(sorted(items, key=lambda j: id_key(j.id)))


def _criteria(value: Any) -> tuple[Criterion, ...]:
    items = check_items(value, where="Panel", name="criteria")
    for c in items:
        if not isinstance(c, Criterion):
            raise FieldError(f"criteria must be Criterion records, got {c!r}")
    return items


@named_errors
@frozen(kw_only=True)
class Panel:
    """A judging panel: its judges, the criteria they score, and how marks are aggregated.

    Parameters
    ----------
    judges
        The judges (kept sorted by id); ids must be distinct.
    criteria
        The criteria in their tie-break order; ids must be distinct.
    method
        How judges' totals become one score: ``"mean"``; ``"trimmed"`` (drop
        the highest and the lowest mark, needs at least 3 judges); ``"median"``;
        ``"zscore"`` (each judge's totals standardised over the contestants
        they scored, then put back on the panel's mean and spread; a judge
        whose totals do not vary counts as 0 standard deviations);
        ``"additive"`` (least-squares fit of mark = contestant + judge
        severity, severities summing to 0; the score is the contestant term).
    recuse
        Exclude a judge's marks for a contestant of the judge's own unit (回避).
    name
        A label for results.

    Raises
    ------
    InvalidInputError
        For no judges, duplicate ids, an unknown method, or ``"trimmed"`` with
        fewer than 3 judges.

    Examples
    --------
    >>> panel = Panel(judges=[Judge(id="j1"), Judge(id="j2")], criteria=[Criterion(id="x")])
    >>> panel.method, [j.id for j in panel.judges]
    ('mean', ['j1', 'j2'])

    .. versionadded:: 0.3
    """

    judges: tuple[Judge, ...] = field(converter=_judges)
    criteria: tuple[Criterion, ...] = field(converter=_criteria)
    method: Method = field(default="mean")
    recuse: bool = field(default=False)
    name: str = field(default="", validator=check_text)

    def __attrs_post_init__(self) -> None:
        if not self.judges:
            raise FieldError("judges must not be empty")
        if not self.criteria:
            raise FieldError("criteria must not be empty")
        for what, ids in (
            ("judges", [j.id for j in self.judges]),
            ("criteria", [c.id for c in self.criteria]),
        ):
            seen: set[str] = set()
            for i in ids:
                if i in seen:
                    raise FieldError(f"{what} must have distinct ids, got {i!r} twice")
                seen.add(i)
        if self.method not in METHODS:
            raise FieldError(f"method must be one of {', '.join(METHODS)}, got {self.method!r}")
        if not isinstance(self.recuse, bool):
            raise FieldError(f"recuse must be a bool, got {self.recuse!r}")
        if self.method == "trimmed" and len(self.judges) < 3:
            raise FieldError(
                f"method 'trimmed' drops the highest and the lowest mark and needs at least "
                f"3 judges, got {len(self.judges)}"
            )

    @property
    def weights(self) -> dict[str, float]:
        """Criterion id -> weight share (the weights normalised to sum to 1)."""
        total = sum(c.weight for c in self.criteria)
        return {c.id: c.weight / total for c in self.criteria}


def as_contestants(people: Iterable[Any]) -> tuple[Contestant, ...]:
    """Return contestants from records with ``id``, ``unit`` and ``name`` (cadres, say).

    Raises
    ------
    InvalidInputError
        If an item has no ``id``.

    Examples
    --------
    >>> from cadredev import Cadre
    >>> as_contestants([Cadre(id="c1", name="张三", birth_year=1990, rank="section", unit="u1")])
    (Contestant(id='c1', name='张三', unit='u1'),)

    .. versionadded:: 0.3
    """
    out: list[Contestant] = []
    for p in check_items(people, where="as_contestants", name="people"):
        if isinstance(p, Contestant):
            out.append(p)
            continue
        if isinstance(p, Mapping):
            ident, name, unit = p.get("id"), p.get("name", ""), p.get("unit", "")
        else:
            ident = getattr(p, "id", None)
            name, unit = getattr(p, "name", ""), getattr(p, "unit", "")
        if ident is None:
            raise InvalidInputError(f"as_contestants: each item needs an id, got {p!r}")
        out.append(Contestant(id=ident, name=name or "", unit=unit or ""))
    return tuple(out)
