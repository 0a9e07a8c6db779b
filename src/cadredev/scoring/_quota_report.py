"""What a quota gives each group under each method, and which paradoxes lurk: :func:`quota_report`.

.. versionadded:: 0.3
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
from attrs import field, frozen

from cadredev._arrays import int_array
from cadredev._display import HTML_ROWS, html_table, need_pandas
from cadredev._frozendict import id_key
from cadredev._validate import MAX_COUNT, check_ids, check_items, is_int
from cadredev.errors import InvalidInputError
from cadredev.model import FrozenDict

from ._compare import same_fields
from ._grade import ROUNDINGS, _round, _seats, check_choice, check_min_seats, check_quota, hamilton
from ._scheme import Rounding
from ._table import ScoreTable

__all__ = ["Paradox", "QuotaReport", "quota_report"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]

METHODS = ("floor", "half_up", "ceil", "largest_remainder")
"""The columns of :attr:`QuotaReport.seats`: per-group rounding three ways, then Hamilton."""


_WHERE = "QuotaReport"


def _seat_table(value: Any) -> FrozenDict[str, IntArray]:
    if not isinstance(value, Mapping) or sorted(value, key=str) != sorted(METHODS):
        raise InvalidInputError(
            f"{_WHERE}: seats must map each method {METHODS} to seats per group, got {value!r}"
        )
    return FrozenDict(
        {m: int_array(value[m], where=_WHERE, name=f"seats[{m!r}]", minimum=0) for m in METHODS}
    )


def _sizes(value: Any) -> IntArray:
    return int_array(value, where=_WHERE, name="sizes", minimum=0, maximum=MAX_COUNT)  # type: ignore[no-any-return]


def _groups(value: Any) -> tuple[str, ...]:
    return check_ids(value, where=_WHERE, name="groups", ids=False)


def _paradoxes(value: Any) -> tuple[Paradox, ...]:
    items = check_items(value, where=_WHERE, name="paradoxes")
    for item in items:
        if not isinstance(item, Paradox):
            raise InvalidInputError(f"{_WHERE}: paradoxes must hold Paradox records, got {item!r}")
    return items


@frozen(kw_only=True)
class Paradox:
    """One apportionment paradox that a change by one would show.

    Attributes
    ----------
    kind
        ``"alabama"`` (the house grows by one seat and a group loses one) or
        ``"population"`` (a group grows by one cadre and loses a seat, or
        shrinks by one and gains a seat).
    group
        The group whose seats move against the change.
    change
        What changed, e.g. ``"house 299 -> 300"`` or ``"size of 'u3' 7 -> 8"``.
    seats_before, seats_after
        The group's seats before and after the change.

    Examples
    --------
    >>> p = Paradox(
    ...     kind="alabama", group="AL", change="house 299 -> 300", seats_before=8, seats_after=7
    ... )
    >>> print(p)
    alabama paradox: house 299 -> 300 takes AL from 8 to 7 seats

    .. versionadded:: 0.3
    """

    kind: Literal["alabama", "population"]
    group: str
    change: str
    seats_before: int
    seats_after: int

    def __str__(self) -> str:
        return (
            f"{self.kind} paradox: {self.change} takes {self.group} from "
            f"{self.seats_before} to {self.seats_after} seats"
        )


@frozen(kw_only=True, eq=False)
class QuotaReport:
    """Seats per group under each quota method, and the paradoxes of largest remainder.

    Attributes
    ----------
    groups
        The group labels, sorted (largest remainder breaks exact ties
        in favour of the earlier label).
    sizes
        Each group's size.
    quota
        The quota (a share in ``[0, 1]``).
    house
        The zone-wide seats largest remainder shares (the quota of the
        whole zone, rounded by ``rounding``).
    rounding
        How the zone-wide seats were rounded.
    min_seats
        The floor every group of at least that size gets.
    seats
        Method -> seats per group: ``"floor"``, ``"half_up"`` and ``"ceil"``
        round each group's quota separately; ``"largest_remainder"`` shares
        ``house`` (Hamilton). All with the ``min_seats`` floor.
    paradoxes
        The paradoxes largest remainder shows when the house or one group's
        size changes by one (per-group rounding shows none: each group's
        seats depend on its own size only, never falling as it grows).

    Examples
    --------
    >>> r = quota_report({"u1": 12, "u2": 4, "u3": 3}, 0.2, min_seats=1)
    >>> r.seats["floor"].tolist(), r.seats["largest_remainder"].tolist()
    ([2, 1, 1], [1, 1, 1])
    >>> r  # doctest: +NORMALIZE_WHITESPACE
    QuotaReport(3 groups, 19 cadres, quota 0.2: floor 4, half_up 4, ceil 5,
                largest_remainder 3 seats; no paradox)

    .. versionadded:: 0.3
    """

    groups: tuple[str, ...] = field(converter=_groups)
    sizes: IntArray = field(converter=_sizes, repr=False)
    quota: float
    house: int
    rounding: str
    min_seats: int
    seats: FrozenDict[str, IntArray] = field(converter=_seat_table, repr=False)
    paradoxes: tuple[Paradox, ...] = field(default=(), converter=_paradoxes)

    def __attrs_post_init__(self) -> None:
        k = len(self.groups)
        if len(set(self.groups)) != k:
            raise InvalidInputError(f"{_WHERE}: groups must not repeat, got {list(self.groups)}")
        for name, column in (
            ("sizes", self.sizes),
            *((f"seats[{m!r}]", self.seats[m]) for m in METHODS),
        ):
            if column.shape != (k,):
                raise InvalidInputError(
                    f"{_WHERE}: {name} must have one entry per group ({k}), "
                    f"got shape {column.shape}"
                )
        object.__setattr__(self, "quota", check_quota(_WHERE, self.quota))
        total = int(self.sizes.sum())
        house: Any = self.house
        if not is_int(house) or not 0 <= house <= total:
            raise InvalidInputError(
                f"{_WHERE}: house must be an integer in [0, {total}], got {house!r}"
            )
        object.__setattr__(self, "house", int(house))
        check_choice(_WHERE, "rounding", self.rounding, ROUNDINGS)
        object.__setattr__(self, "min_seats", check_min_seats(_WHERE, self.min_seats))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, QuotaReport):
            return NotImplemented
        return same_fields(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        totals = ", ".join(f"{m} {int(self.seats[m].sum()):,}" for m in METHODS)
        n_par = len(self.paradoxes)
        par = "no paradox" if not n_par else f"{n_par} paradox{'es' if n_par > 1 else ''}"
        return (
            f"QuotaReport({len(self.groups):,} groups, {int(self.sizes.sum()):,} cadres, "
            f"quota {self.quota:g}: {totals} seats; {par})"
        )

    def seats_of(self, group: str, method: str = "largest_remainder") -> int:
        """Return one group's seats under one method.

        Examples
        --------
        >>> quota_report({"a": 7, "b": 3}, 0.2).seats_of("a", "ceil")
        2

        .. versionadded:: 0.3
        """
        if method not in self.seats:
            raise InvalidInputError(
                f"QuotaReport.seats_of: method must be one of {METHODS}, got {method!r}"
            )
        if group not in self.groups:
            raise InvalidInputError(f"QuotaReport.seats_of: unknown group {group!r}")
        return int(self.seats[method][self.groups.index(group)])

    def explain(self) -> str:
        """Return the report as text: one line per group, then the paradoxes.

        Examples
        --------
        >>> print(quota_report({"a": 7, "b": 3}, 0.2).explain())
        quota 0.2 over 2 groups (10 cadres), largest remainder shares 2 seats (floor)
        group  size  floor  half_up  ceil  largest_remainder
        a         7      1        1     2                  1
        b         3      0        1     1                  1
        no paradox when the house or a group's size changes by one

        .. versionadded:: 0.3
        """
        head = (
            f"quota {self.quota:g} over {len(self.groups):,} groups "
            f"({int(self.sizes.sum()):,} cadres), largest remainder shares {self.house:,} "
            f"seats ({self.rounding})"
        )
        if self.min_seats:
            head += f", at least {self.min_seats} per group"
        cols = ("group", "size", *METHODS)
        rows = [
            (g, str(int(self.sizes[i])), *(str(int(self.seats[m][i])) for m in METHODS))
            for i, g in enumerate(self.groups)
        ]
        width = [
            max(len(c), *(len(r[k]) for r in rows)) if rows else len(c) for k, c in enumerate(cols)
        ]
        lines = [
            head,
            "  ".join(
                c.ljust(width[0]) if k == 0 else c.rjust(width[k]) for k, c in enumerate(cols)
            ),
        ]
        lines += [
            "  ".join(v.ljust(width[0]) if k == 0 else v.rjust(width[k]) for k, v in enumerate(r))
            for r in rows
        ]
        if self.paradoxes:
            lines += [str(p) for p in self.paradoxes]
        else:
            lines.append("no paradox when the house or a group's size changes by one")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [
            (g, int(self.sizes[i]), *(int(self.seats[m][i]) for m in METHODS))
            for i, g in enumerate(self.groups[:HTML_ROWS])
        ]
        return html_table(repr(self), ("group", "size", *METHODS), rows)

    def to_pandas(self) -> Any:
        """Return one row per group: its size and its seats under each method.

        Examples
        --------
        >>> quota_report({"a": 7, "b": 3}, 0.2).to_pandas()["ceil"].tolist()
        [2, 1]

        .. versionadded:: 0.3
        """
        pd = need_pandas()
        data: dict[str, Any] = {"group": list(self.groups), "size": self.sizes}
        data.update({m: self.seats[m] for m in METHODS})
        return pd.DataFrame(data)


def _house(n_total: int, quota: float, rounding: str) -> int:
    return min(int(_round(np.array([quota * n_total]), rounding)[0]), n_total)


def _alabama(sizes: IntArray, labels: tuple[str, ...], house: int, floor: int) -> list[Paradox]:
    out: list[Paradox] = []
    total = int(sizes.sum())
    for h in (house - 1, house):
        if h < 0 or h + 1 > total:
            continue
        before = hamilton(sizes, h, min_seats=floor)
        after = hamilton(sizes, h + 1, min_seats=floor)
        out.extend(
            Paradox(
                kind="alabama",
                group=labels[i],
                change=f"house {h} -> {h + 1}",
                seats_before=int(before[i]),
                seats_after=int(after[i]),
            )
            for i in np.nonzero(after < before)[0]
        )
    return out


def _population(
    sizes: IntArray,
    labels: tuple[str, ...],
    *,
    quota: float | None,
    house: int,
    rounding: str,
    floor: int,
) -> list[Paradox]:
    """Return the groups that lose a seat by growing by one (or gain one by shrinking)."""
    out: list[Paradox] = []
    total = int(sizes.sum())
    base = hamilton(sizes, house, min_seats=floor)
    for i in range(sizes.size):
        for step in (1, -1):
            if sizes[i] + step < 0:
                continue
            changed = sizes.copy()
            changed[i] += step
            h = house if quota is None else _house(total + step, quota, rounding)
            seats = int(hamilton(changed, h, min_seats=floor)[i])
            if (step > 0 and seats < base[i]) or (step < 0 and seats > base[i]):
                out.append(
                    Paradox(
                        kind="population",
                        group=labels[i],
                        change=f"size of {labels[i]!r} {int(sizes[i])} -> {int(changed[i])}",
                        seats_before=int(base[i]),
                        seats_after=seats,
                    )
                )
    return out


def _from_table(
    table: ScoreTable, period: str | None, grade_id: str | None
) -> tuple[dict[str, int], float, str, int]:
    label = table._period(period)  # noqa: SLF001
    rows = table.periods == label
    groups, counts = np.unique(np.asarray(table.groups[rows], dtype=str), return_counts=True)
    quota_grades = [g for g in table.scheme.grades if g.quota is not None]
    if grade_id is not None:
        quota_grades = [g for g in quota_grades if g.id == grade_id]
    if not quota_grades:
        raise InvalidInputError(
            f"quota_report: scheme {table.scheme.name!r} has no quota grade "
            f"{'' if grade_id is None else repr(grade_id)}".rstrip()
        )
    sizes = {str(g): int(c) for g, c in zip(groups, counts, strict=True)}
    scheme = table.scheme
    return sizes, float(quota_grades[0].quota or 0.0), scheme.quota_rounding, scheme.min_seats


def quota_report(
    sizes: Mapping[str, int] | ScoreTable,
    quota: float | None = None,
    *,
    house: int | None = None,
    rounding: Rounding = "floor",
    min_seats: int = 0,
    period: str | None = None,
    grade: str | None = None,
) -> QuotaReport:
    """Show the seats a quota gives each group under each method, and the paradoxes.

    Per-group rounding (floor, half_up, ceil) treats each group alone: a
    small group may get no seat (floor) or many groups an extra one (ceil),
    so the zone total drifts from the zone's quota. Largest remainder
    (Hamilton) keeps the zone total but a seat can move against the change:
    the **Alabama paradox** (one more seat in the house, one fewer for a
    group) and the **population paradox** (a group grows by one and loses a
    seat). The report lists each paradox that a change by one would show.

    Parameters
    ----------
    sizes
        Group label -> size, or a :class:`ScoreTable` (the group sizes of one
        ``period``; quota, rounding and ``min_seats`` from its scheme and
        its first quota grade, or ``grade``).
    quota
        A share in ``[0, 1]``; or give ``house``.
    house
        The zone-wide seats to share (instead of ``quota``); the per-group
        methods then use ``house / total size`` as the quota.
    rounding
        How ``quota * total size`` is rounded to the house.
    min_seats
        The floor of seats per group (see :func:`quota_seats`).
    period, grade
        For a score table: the period and the quota grade.

    Returns
    -------
    QuotaReport

    Raises
    ------
    InvalidInputError
        For negative or non-integer sizes, both or neither of ``quota`` and
        ``house``, a quota outside ``[0, 1]``, a house outside
        ``[0, total size]``, an unknown rounding or a negative ``min_seats``.

    Examples
    --------
    The 1880 census's Alabama paradox, on three made-up units:

    >>> r = quota_report({"a": 6, "b": 6, "c": 2}, house=10)
    >>> r.seats["largest_remainder"].tolist()
    [4, 4, 2]
    >>> print(r.paradoxes[0])
    alabama paradox: house 10 -> 11 takes c from 2 to 1 seats

    .. versionadded:: 0.3
    """
    if isinstance(sizes, ScoreTable):
        if quota is not None or house is not None:
            raise InvalidInputError("quota_report: a score table brings its own quota")
        given, quota, rounding, min_seats = _from_table(sizes, period, grade)  # type: ignore[assignment]
    elif isinstance(sizes, Mapping):
        # groups in id order, so equal reports come from any input order (ties: earlier id)
        given = {k: sizes[k] for k in sorted(sizes, key=id_key)}
    else:
        raise InvalidInputError(
            f"quota_report: sizes must be a mapping of group -> size or a ScoreTable, "
            f"got {type(sizes).__name__}"
        )
    labels = tuple(str(k) for k in given)
    for k, v in given.items():
        if not is_int(v) or not 0 <= v <= MAX_COUNT:
            raise InvalidInputError(
                f"quota_report: size of group {k!r} must be an integer in [0, {MAX_COUNT:,}], "
                f"got {v!r}"
            )
    n = np.array([int(v) for v in given.values()], dtype=np.int64)
    total = int(n.sum())
    check_choice("quota_report", "rounding", rounding, ROUNDINGS)
    floor = check_min_seats("quota_report", min_seats)
    if (quota is None) == (house is None):
        raise InvalidInputError("quota_report: give exactly one of quota and house")
    if house is not None:
        if not is_int(house) or not 0 <= house <= total:
            raise InvalidInputError(
                f"quota_report: house must be an integer in [0, {total}], got {house!r}"
            )
        q, h = (house / total if total else 0.0), int(house)
    else:
        q = check_quota("quota_report", quota)
        h = _house(total, q, rounding)
    floor = floor if q > 0 else 0
    seats = {m: _seats(n, q, m, "per_group", floor) for m in ROUNDINGS}
    seats["largest_remainder"] = hamilton(n, h, min_seats=floor)
    paradoxes = _alabama(n, labels, h, floor) + _population(
        n, labels, quota=None if house is not None else q, house=h, rounding=rounding, floor=floor
    )
    return QuotaReport(
        groups=labels,
        sizes=n,
        quota=q,
        house=h,
        rounding=rounding,
        min_seats=floor,
        seats=seats,
        paradoxes=tuple(paradoxes),
    )
