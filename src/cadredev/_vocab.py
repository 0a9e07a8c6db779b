"""The model's vocabularies: labelled enumerations (English value, Chinese label) and cohorts.

Re-exported by :mod:`cadredev.model`; import them from there or from
:mod:`cadredev`.
"""

from __future__ import annotations

import enum
from typing import Self

from ._validate import check_year, is_int
from .errors import InvalidInputError

__all__ = ["Cohort", "LabelledEnum", "Line", "MentorRole", "Rank", "cohort_of"]


_PARSED: dict[tuple[type, str], LabelledEnum] = {}
"""Text already parsed to a member, per enumeration: values, names and labels repeat."""
_PARSED_MAX = 4096


class LabelledEnum(str, enum.Enum):  # noqa: UP042  (members carry a label too)
    """An enumeration whose members have an English value and a Chinese label.

    Members compare equal to their English value and parse from the value,
    the member name (any case) or the Chinese label.

    Examples
    --------
    >>> Line("招商引资") is Line.INVESTMENT
    True
    >>> Line.parse("Investment").label
    '招商引资'

    .. versionadded:: 0.1
    """

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def _missing_(cls, value: object) -> Self:
        if isinstance(value, str):
            key = value.strip()
            for member in cls:
                if key in (member.label, member.name) or key.lower() in (
                    member.value,
                    member.name.lower(),
                ):
                    return member
        choices = ", ".join(f"{m.value!r} ({m.label})" for m in cls)
        raise InvalidInputError(
            f"{cls.__name__}: unknown value {value!r}; expected one of {choices}"
        )

    @classmethod
    def parse(cls, value: str | Self) -> Self:
        """Return the member named by an English value, a name or a Chinese label.

        Raises
        ------
        InvalidInputError
            If nothing matches; the message lists the valid values.

        Examples
        --------
        >>> Cohort.parse("青")
        <Cohort.YOUNG: 'young'>
        """
        if isinstance(value, cls):
            return value
        key = (cls, value)
        found = _PARSED.get(key) if type(value) is str else None
        if found is None:
            found = cls(value)
            if type(value) is str and len(_PARSED) < _PARSED_MAX:
                _PARSED[key] = found
        return found  # type: ignore[return-value]


class Line(LabelledEnum):
    """A work line (the "three teams", 三支队伍, plus lines some zones add).

    Examples
    --------
    >>> [line.label for line in Line][:3]
    ['招商引资', '项目建设', '园区服务']

    .. versionadded:: 0.1
    """

    INVESTMENT = "investment", "招商引资"
    PROJECT = "project", "项目建设"
    SERVICE = "service", "园区服务"
    URBAN = "urban", "城市建设"
    SAFETY = "safety", "安全生产"
    FACTOR = "factor", "要素保障"


class Rank(LabelledEnum):
    """A rank tier. Members are ordered from the lowest tier to the highest.

    Examples
    --------
    >>> Rank.DIVISION > Rank.SECTION
    True
    >>> Rank("处级").level
    2

    .. versionadded:: 0.1
    """

    SECTION = "section", "科级及以下"
    RESEARCHER = "researcher", "调研员"
    DIVISION = "division", "处级"
    LEADERSHIP = "leadership", "班子成员"

    @property
    def level(self) -> int:
        """The tier's position, 0 for section level up to 3 for the leadership team."""
        return list(Rank).index(self)

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Rank):
            return self.level < other.level
        return NotImplemented

    def __le__(self, other: object) -> bool:
        if isinstance(other, Rank):
            return self.level <= other.level
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        if isinstance(other, Rank):
            return self.level > other.level
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        if isinstance(other, Rank):
            return self.level >= other.level
        return NotImplemented

    __hash__ = LabelledEnum.__hash__


class Cohort(LabelledEnum):
    """A generation cohort (老中青), derived from a birth year by :func:`cohort_of`.

    Examples
    --------
    >>> Cohort.MIDDLE.label
    '中'

    .. versionadded:: 0.1
    """

    OLD = "old", "老"
    MIDDLE = "middle", "中"
    YOUNG = "young", "青"


class MentorRole(LabelledEnum):
    """The role a mentor plays.

    ``GRID`` mentors lead grids (导师帮带团); ``GROWTH`` mentors lead a shadowing
    trainee hands-on; ``TUTOR`` and ``LECTURER`` teach; ``POLITICAL`` and
    ``PRACTICE`` complete three-tier mentoring (三级导师) with ``GROWTH``.

    Examples
    --------
    >>> MentorRole("成长导师")
    <MentorRole.GROWTH: 'growth'>

    .. versionadded:: 0.1
    """

    GRID = "grid", "网格导师"
    GROWTH = "growth", "成长导师"
    TUTOR = "tutor", "业务帮学"
    LECTURER = "lecturer", "专家讲师"
    POLITICAL = "political", "政治导师"
    PRACTICE = "practice", "实践导师"


def cohort_of(birth_year: int, *, as_of: int, bounds: tuple[int, int] = (35, 50)) -> Cohort:
    """Return the generation cohort of someone born in ``birth_year``.

    Parameters
    ----------
    birth_year
        The year of birth.
    as_of
        The reference year (ages are ``as_of - birth_year``).
    bounds
        ``(young_below, old_from)``: younger than the first bound is young,
        the second bound and older is old, the rest is middle-aged.

    Returns
    -------
    Cohort

    Raises
    ------
    InvalidInputError
        If a year is not an integer (``"2025"`` and ``2025.5`` are refused),
        the bounds are not increasing positive ages or the person is not yet
        born in ``as_of``.

    Examples
    --------
    >>> cohort_of(1995, as_of=2025)
    <Cohort.YOUNG: 'young'>
    >>> cohort_of(1975, as_of=2025)
    <Cohort.OLD: 'old'>
    >>> cohort_of(1985, as_of=2025, bounds=(45, 55)).label
    '青'

    .. versionadded:: 0.1
    """
    birth_year = check_year(birth_year, where="cohort_of", name="birth_year")
    as_of = check_year(as_of, where="cohort_of", name="as_of")
    if (
        not isinstance(bounds, tuple | list)
        or len(bounds) != 2
        or not all(is_int(b) for b in bounds)
    ):
        raise InvalidInputError(
            f"cohort_of: bounds must be a (young_below, old_from) pair of integers, got {bounds!r}"
        )
    young_below, old_from = bounds
    if not 0 < young_below < old_from:
        raise InvalidInputError(
            f"cohort_of: bounds must be increasing positive ages, got {bounds!r}"
        )
    age = as_of - birth_year
    if age < 0:
        raise InvalidInputError(f"cohort_of: birth_year {birth_year} is after as_of {as_of}")
    if age < young_below:
        return Cohort.YOUNG
    if age < old_from:
        return Cohort.MIDDLE
    return Cohort.OLD
