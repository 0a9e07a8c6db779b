"""Grading: the relative step, kept apart from the absolute score.

.. versionadded:: 0.1
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from attrs import field, frozen

from cadredev._arrays import int_array, real_array
from cadredev._validate import MAX_COUNT, check_ids, check_items, is_int, is_real
from cadredev.errors import InvalidInputError
from cadredev.model import FrozenDict

from ._compare import same_fields
from ._labels import both, grade_labels
from ._pooling import pool_codes
from ._scheme import DEFAULT_GRADES, Apportionment, Grade, Rounding, Ties

__all__ = ["Grading", "grade", "hamilton", "quota_seats"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]

_EPS = 1e-9


ROUNDINGS = ("floor", "half_up", "ceil")
APPORTIONMENTS = ("per_group", "largest_remainder")
MAX_DECIMALS = 12


def _round(x: FloatArray, rounding: str) -> IntArray:
    if rounding == "floor":
        out = np.floor(x + _EPS)
    elif rounding == "half_up":
        out = np.floor(x + 0.5 + _EPS)
    else:
        out = np.ceil(x - _EPS)
    return np.maximum(out, 0).astype(np.int64)


def check_choice(where: str, name: str, value: object, choices: tuple[object, ...]) -> None:
    """Raise unless ``value`` is one of ``choices`` (an option of ``where``)."""
    if not any(isinstance(value, type(c)) and value == c for c in choices):
        raise InvalidInputError(f"{where}: {name} must be one of {choices}, got {value!r}")


def check_quota(where: str, quota: object) -> float:
    """Return ``quota`` as a float if it is a real number in ``[0, 1]`` (not NaN, not a bool)."""
    if not is_real(quota) or not 0.0 <= float(quota) <= 1.0:  # type: ignore[arg-type]
        raise InvalidInputError(f"{where}: quota must be a real number in [0, 1], got {quota!r}")
    return float(quota)  # type: ignore[arg-type]


def check_min_seats(where: str, min_seats: object) -> int:
    """Return ``min_seats`` if it is an integer >= 0."""
    value = operator.index(min_seats) if is_int(min_seats) else -1  # type: ignore[arg-type]
    if not 0 <= value <= MAX_COUNT:
        raise InvalidInputError(
            f"{where}: min_seats must be an integer in [0, {MAX_COUNT:,}], got {min_seats!r}"
        )
    return value


def _check_sizes(sizes: Sequence[int] | IntArray) -> IntArray:
    return int_array(  # type: ignore[no-any-return]
        sizes, where="quota_seats", name="sizes", minimum=0, maximum=MAX_COUNT
    )


def hamilton(sizes: IntArray, house: int, *, min_seats: int = 0) -> IntArray:
    """Share ``house`` seats in proportion to ``sizes`` by largest remainder, exactly.

    Each group first gets the whole part of its share ``house * n / N``, raised
    to ``min(min_seats, n)``; the seats left go one each to the largest
    remainders (share less seats), ties to the earlier group. When the floors
    alone exceed the house, each group keeps its floor (the total grows).
    Integer arithmetic throughout: no rounding error at any size.
    """
    n = sizes.astype(np.int64)
    total = int(n.sum())
    if total == 0:
        return np.zeros(n.size, dtype=np.int64)
    floor = np.minimum(n, min_seats)
    if house * total < 2**62:
        scaled = house * n
        base = scaled // total
        rem = scaled - base * total
        lifted = np.maximum(base, floor)
        # a group lifted to its floor holds more than its share: no remainder left
        rem = np.where(lifted > base, -1, rem)
        order = np.lexsort((np.arange(n.size), -rem))
    else:  # Python integers: exact for any house and sizes
        parts = [divmod(house * int(x), total) for x in n.tolist()]
        lifted = np.maximum(np.array([p[0] for p in parts], dtype=np.int64), floor)
        keys = [-1 if lifted[i] > p[0] else p[1] for i, p in enumerate(parts)]
        order = np.array(sorted(range(n.size), key=lambda i: (-keys[i], i)), dtype=np.int64)
    left = house - int(lifted.sum())
    if left > 0:
        lifted[order[:left]] += 1
    return np.asarray(lifted, dtype=np.int64)


def quota_seats(
    sizes: Sequence[int] | IntArray,
    quota: float,
    *,
    rounding: Rounding = "floor",
    apportionment: Apportionment = "per_group",
    min_seats: int = 0,
) -> IntArray:
    """Return the seats a quota gives each group.

    ``"per_group"`` rounds ``quota * size`` in each group. ``"largest_remainder"``
    rounds ``quota * sum(sizes)`` once and shares the seats in proportion to
    the sizes (Hamilton's method: whole parts first, the rest to the largest
    remainders, ties to the earlier group). It keeps the total but can show
    the Alabama paradox: raising the total can take a seat from a group.

    ``min_seats`` gives every group at least ``min(min_seats, size)`` seats
    when ``quota > 0``. Per group, a group's seats are the larger of its
    rounded quota and that floor (so the total may exceed the rounded
    zone-wide quota). By largest remainder, the floor is granted first and
    the remaining seats of the rounded total go to the largest remainders
    among the groups above their floor (the total is kept unless the floors
    alone exceed it). The floor is what US apportionment calls the one-seat
    minimum; with it, the 1880 census shows the Alabama paradox (see
    :func:`quota_report`).

    Parameters
    ----------
    sizes
        Group sizes, integers from 0 to 1,000,000,000.
    quota
        A real number in ``[0, 1]``.
    rounding
        ``"floor"``, ``"half_up"`` or ``"ceil"`` (of each group's, or the
        zone's, ``quota * size``).
    apportionment
        ``"per_group"`` or ``"largest_remainder"``.
    min_seats
        Integer >= 0: the fewest seats a group of at least that size gets.

    Raises
    ------
    InvalidInputError
        For sizes that are not integers in ``[0, 1e9]`` (text, floats,
        booleans, ragged lists), a quota outside ``[0, 1]`` (NaN included),
        an unknown rounding or apportionment, or a ``min_seats`` that is
        not an integer in ``[0, 1e9]``.

    Examples
    --------
    >>> quota_seats([7, 7, 6], 0.2).tolist()
    [1, 1, 1]
    >>> quota_seats([7, 7, 6], 0.2, rounding="half_up").tolist()
    [1, 1, 1]
    >>> quota_seats([7, 7, 6], 0.2, apportionment="largest_remainder").tolist()
    [2, 1, 1]
    >>> quota_seats([12, 4, 3], 0.2).tolist()  # small units get no seat
    [2, 0, 0]
    >>> quota_seats([12, 4, 3], 0.2, min_seats=1).tolist()
    [2, 1, 1]
    >>> quota_seats([12, 4, 3], 0.2, apportionment="largest_remainder", min_seats=1).tolist()
    [1, 1, 1]

    .. versionadded:: 0.1
    .. versionchanged:: 0.3
       ``min_seats``; every option is checked.
    """
    n = _check_sizes(sizes)
    q = check_quota("quota_seats", quota)
    check_choice("quota_seats", "rounding", rounding, ROUNDINGS)
    check_choice("quota_seats", "apportionment", apportionment, APPORTIONMENTS)
    floor = check_min_seats("quota_seats", min_seats) if q > 0 else 0
    return _seats(n, q, rounding, apportionment, floor)


def _seats(n: IntArray, quota: float, rounding: str, apportionment: str, floor: int) -> IntArray:
    """Return the seats of checked arguments (see :func:`quota_seats`)."""
    if apportionment == "per_group":
        out = _round(quota * n.astype(np.float64), rounding)
        return np.maximum(out, np.minimum(n, floor)) if floor else out
    total_size = int(n.sum())
    if total_size == 0:
        return np.zeros(n.size, dtype=np.int64)
    house = int(_round(np.array([quota * total_size]), rounding)[0])
    return hamilton(n, min(house, total_size), min_seats=floor)


def _seat_columns(value: Any) -> FrozenDict[str, IntArray]:
    if not isinstance(value, Mapping):
        raise InvalidInputError(
            f"Grading: seats_by_grade must map grade ids to seats per group, got {value!r}"
        )
    return FrozenDict(
        {
            k: int_array(v, where="Grading", name=f"seats_by_grade[{k!r}]", minimum=0)
            for k, v in value.items()
        }
    )


def _grades(value: Any) -> tuple[Grade, ...]:
    items = check_items(value, where="Grading", name="grades")
    if not items or not all(isinstance(g, Grade) for g in items):
        raise InvalidInputError(
            f"Grading: grades must be a non-empty sequence of Grade, got {items!r}"
        )
    return items


def _group_labels(value: Any) -> tuple[Any, ...]:
    items = check_items(value, where="Grading", name="groups")
    for label in items:
        if label is not None and type(label) is not str and not is_int(label):
            raise InvalidInputError(
                f"Grading: groups must hold labels (text, integers or None), got {label!r}"
            )
    return items


def _codes_column(value: Any) -> IntArray:
    return int_array(value, where="Grading", name="codes", minimum=0)  # type: ignore[no-any-return]


def _rank_column(value: Any) -> IntArray:
    return int_array(value, where="Grading", name="rank", minimum=1)  # type: ignore[no-any-return]


@frozen(eq=False)
class Grading:
    """The result of :func:`grade`.

    Attributes
    ----------
    grades
        The grades, best first.
    codes
        Each row's grade index (0 is the best).
    rank
        Each row's 1-based position in its group (score, then the tie rule,
        then position or id).
    groups
        The distinct group labels, in the order :attr:`seats` uses.
    seats_by_grade
        Grade id -> the seats its quota gave each group, for the grades with
        a quota.

    Examples
    --------
    >>> g = grade(
    ...     [70.0, 90.0, 80.0], ["u", "u", "v"], grades=(Grade("top", quota=0.5), Grade("rest"))
    ... )
    >>> g.grade.tolist(), g.rank.tolist(), g.seats.tolist()
    (['rest', 'top', 'rest'], [2, 1, 1], [[1, -1], [0, -1]])
    >>> dict(g.seats_by_grade)
    {'top': array([1, 0])}
    >>> g
    Grading(3 rows in 2 groups: 1 top, 2 rest)

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       Seats are stored per grade (``seats_by_grade``); :attr:`seats` is
       derived from them.
    """

    grades: tuple[Grade, ...] = field(converter=_grades)
    codes: IntArray = field(repr=False, converter=_codes_column)
    rank: IntArray = field(repr=False, converter=_rank_column)
    groups: tuple[Any, ...] = field(repr=False, converter=_group_labels)
    seats_by_grade: FrozenDict[str, IntArray] = field(repr=False, converter=_seat_columns)

    def __attrs_post_init__(self) -> None:
        n, k = self.codes.size, len(self.grades)
        if self.rank.shape != (n,):
            raise InvalidInputError(
                f"Grading: rank must have one entry per row ({n}), got shape {self.rank.shape}"
            )
        if n and int(self.codes.max()) >= k:
            raise InvalidInputError(
                f"Grading: codes must index the {k} grades, got {int(self.codes.max())}"
            )
        ids = {g.id for g in self.grades}
        for gid, seats in self.seats_by_grade.items():
            if gid not in ids:
                raise InvalidInputError(f"Grading: seats_by_grade names unknown grade {gid!r}")
            if seats.shape != (len(self.groups),):
                raise InvalidInputError(
                    f"Grading: seats_by_grade[{gid!r}] must have one entry per group "
                    f"({len(self.groups)}), got shape {seats.shape}"
                )

    @property
    def grade(self) -> np.ndarray[Any, Any]:
        """Each row's grade id."""
        ids = np.asarray([g.id for g in self.grades], dtype=object)
        return ids[self.codes]

    @property
    def seats(self) -> IntArray:
        """``(groups x grades)`` seats each quota gave, ``-1`` where a grade has no quota."""
        out = np.full((len(self.groups), len(self.grades)), -1, dtype=np.int64)
        for k, g in enumerate(self.grades):
            if g.id in self.seats_by_grade:
                out[:, k] = self.seats_by_grade[g.id]
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Grading):
            return NotImplemented
        return same_fields(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        names = grade_labels(self.grades)
        counts = np.bincount(self.codes, minlength=len(self.grades))
        shown = ", ".join(
            f"{int(c):,} {both(g.id, names)}" for g, c in zip(self.grades, counts, strict=True) if c
        )
        n, k = int(self.codes.size), len(self.groups)
        return (
            f"Grading({n:,} row{'' if n == 1 else 's'} in {k} group{'' if k == 1 else 's'}"
            f"{': ' + shown if shown else ''})"
        )


def grade(
    scores: Any,
    groups: Any = None,
    *,
    grades: Sequence[Grade] = DEFAULT_GRADES,
    quota_rounding: Rounding = "floor",
    ties: Ties = "exclude_block",
    secondary: Any = None,
    caps: Any = None,
    ids: Sequence[str] | None = None,
    domains: Any = None,
    apportionment: Apportionment = "per_group",
    decimals: int = 9,
    min_seats: int = 0,
    pool_below: int = 0,
    pools: Any = None,
) -> Grading:
    """Give grades from scores: quotas per group, rounding, ties and caps.

    A pure function of its arguments. Grades are filled best first; a grade
    with a ``quota`` takes at most its seats in each group among the cadres
    still ungraded, allowed by their cap and reaching its ``min_score``; the
    last grade takes everyone left. Scores equal to ``decimals`` places are
    tied. Ties at the quota boundary follow ``ties``: ``"exclude_block"``
    leaves the whole tied block out (the quota is never exceeded),
    ``"include_all"`` lets it in (the quota may be exceeded, by the block's
    size at most), ``"secondary_keys"`` orders it by the ``secondary`` columns
    (higher first, column by column) and then by id, taking exactly the seats.

    Parameters
    ----------
    scores
        One score per row.
    groups
        One group label per row (quotas apply per group), or ``None`` (one group).
    grades
        Best first; the last has no quota and no minimum.
    quota_rounding
        ``"floor"``, ``"half_up"`` or ``"ceil"``.
    ties
        ``"exclude_block"``, ``"include_all"`` or ``"secondary_keys"``.
    secondary
        ``(rows x m)`` secondary keys for ``ties="secondary_keys"``.
    caps
        Per row, the index of the best grade allowed (vetoes), ``0`` for none.
    ids
        Per row ids breaking the last ties; ``None`` breaks them by position.
    domains
        Per row, the label of the set of groups that share one rounded total
        under ``apportionment="largest_remainder"`` (a period); ``None``: one.
    apportionment
        ``"per_group"`` or ``"largest_remainder"`` (see :func:`quota_seats`).
    decimals
        Scores are compared after rounding to this many decimals, an
        integer in ``[0, 12]``.
    min_seats
        Every group of at least this size gets at least this many seats of
        each grade with a positive quota (see :func:`quota_seats`).
    pool_below
        Groups with fewer rows than this are graded together as one pooled
        group (``0``: no pooling). Pooled groups are labelled ``"pooled"``,
        or ``"pooled <label>"`` by ``pools``.
    pools
        Per row, the label of the pool its group joins when it is small (a
        work line), or ``None``: one pool.

    Returns
    -------
    Grading

    Raises
    ------
    InvalidInputError
        For scores that are not finite real numbers (NaN, infinities,
        text, booleans, ragged lists), labels that are not text or
        integers, mismatched lengths, a quota outside ``[0, 1]``, an
        unknown option, ``decimals`` outside ``[0, 12]``, counts
        (``min_seats``, ``pool_below``) outside ``[0, 1e9]`` or caps
        outside the grades.

    Examples
    --------
    >>> g = grade([90, 80, 80, 70, 60], ["u"] * 5, quota_rounding="half_up")
    >>> g.grade.tolist()  # one seat; 80-80 are not split
    ['excellent', 'competent', 'competent', 'competent', 'competent']
    >>> grade([90, 90, 70, 60, 50], ties="include_all").grade.tolist()[:2]
    ['excellent', 'excellent']

    A unit of four gets no 20 % seat under floor rounding, unless it is
    given a floor of one seat or pooled with the other small units:

    >>> g = grade([95, 70, 70, 70], ["u"] * 4, min_seats=1)
    >>> g.grade.tolist()
    ['excellent', 'competent', 'competent', 'competent']
    >>> g = grade([95, 70, 70, 70, 90], ["u", "u", "u", "u", "v"], pool_below=5)
    >>> g.grade.tolist(), g.groups
    (['excellent', 'competent', 'competent', 'competent', 'competent'], ('pooled',))

    .. versionadded:: 0.1
    .. versionchanged:: 0.3
       ``min_seats``, ``pool_below`` and ``pools``; ``decimals`` and
       ``caps`` are checked.
    """
    score = _check_scores(scores)
    n = score.size
    grades = _check_options(
        grades, quota_rounding=quota_rounding, ties=ties, apportionment=apportionment
    )
    floor = check_min_seats("grade", min_seats)
    gcode, glabels = _codes(groups, n, "groups")
    if not is_int(pool_below) or not 0 <= int(pool_below) <= MAX_COUNT:
        raise InvalidInputError(
            f"grade: pool_below must be an integer in [0, {MAX_COUNT:,}], got {pool_below!r}"
        )
    if pool_below:
        gcode, glabels = _pooled(gcode, glabels, int(pool_below), pools, n)
    n_groups = len(glabels)
    cap = _check_caps(caps, n, len(grades))
    if not is_int(decimals) or not 0 <= int(decimals) <= MAX_DECIMALS:
        raise InvalidInputError(
            f"grade: decimals must be an integer in [0, {MAX_DECIMALS}], got {decimals!r}"
        )
    scale = 10.0 ** int(decimals)
    key = np.rint(score * scale)  # equal keys = scores equal to `decimals` places
    position = _positions(ids, n)
    order = _order(key, gcode, n_groups, position, secondary if ties == "secondary_keys" else None)
    g_s = gcode[order]
    k_s = key[order]
    capped = bool(cap.any())
    cap_s = cap[order] if capped else cap
    sizes = np.bincount(gcode, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])) if n_groups else np.zeros(0, np.int64)
    pos_in_group = np.arange(n) - starts[g_s] if n else np.zeros(0, np.int64)

    seats: dict[str, IntArray] = {}
    dom_of_group = np.zeros(n_groups, dtype=np.int64)
    if apportionment == "largest_remainder" and n_groups:
        dcode_rows, _ = _codes(domains, n, "domains")
        dom_of_group[gcode] = dcode_rows
    assigned = np.full(n, -1, dtype=np.int64)
    for gi, g in enumerate(grades[:-1]):
        elig = assigned < 0
        if capped:
            elig &= cap_s <= gi
        if g.min_score is not None:
            elig &= k_s >= np.rint(g.min_score * scale)
        if g.quota is None:
            assigned[elig] = gi
            continue
        s = _grade_seats(g, sizes, dom_of_group, quota_rounding, apportionment, min_seats=floor)
        seats[g.id] = s
        csum = np.cumsum(elig)
        before = np.where(starts > 0, csum[np.maximum(starts - 1, 0)], 0)
        # each row's position among the eligible rows of its group
        epos = np.asarray(csum - before[g_s] - 1, dtype=np.int64)
        assigned[_within_quota(ties, elig=elig, epos=epos, seats=s, g_s=g_s, k_s=k_s)] = gi
    assigned[assigned < 0] = len(grades) - 1
    codes = np.empty(n, dtype=np.int64)
    codes[order] = assigned
    rank = np.empty(n, dtype=np.int64)
    rank[order] = pos_in_group + 1
    return Grading(grades, codes, rank, glabels, seats)


def _check_scores(scores: Any) -> FloatArray:
    return real_array(scores, where="grade", name="scores")  # type: ignore[no-any-return]


def _check_options(
    grades: Sequence[Grade], *, quota_rounding: str, ties: str, apportionment: str
) -> tuple[Grade, ...]:
    checked = check_items(grades, where="grade", name="grades")
    if not checked or not all(isinstance(g, Grade) for g in checked):
        raise InvalidInputError(
            f"grade: grades must be a non-empty sequence of Grade, got {checked!r}"
        )
    if checked[-1].quota is not None or checked[-1].min_score is not None:
        raise InvalidInputError(
            f"grade: the last grade {checked[-1].id!r} must have no quota and no min_score"
        )
    for name, value, choices in (
        ("quota_rounding", quota_rounding, ROUNDINGS),
        ("ties", ties, ("exclude_block", "include_all", "secondary_keys")),
        ("apportionment", apportionment, APPORTIONMENTS),
    ):
        check_choice("grade", name, value, choices)
    for g in checked:
        if g.quota is not None and not 0.0 <= g.quota <= 1.0:
            raise InvalidInputError(f"grade: grade {g.id!r} quota must be in [0, 1], got {g.quota}")
    return checked


def _positions(ids: Sequence[str] | None, n: int) -> IntArray:
    """Return each row's place in the final tie break: by id if given, else by row."""
    if ids is None:
        return np.arange(n, dtype=np.int64)
    checked = check_ids(ids, where="grade", name="ids")
    if len(checked) != n:
        raise InvalidInputError(f"grade: ids must have one entry per score, got {len(checked)}")
    column = np.empty(n, dtype=object)
    column[:] = checked
    tiebreak = np.argsort(column, kind="stable")
    position = np.empty(n, dtype=np.int64)
    position[tiebreak] = np.arange(n)
    return position


def _order(
    key: FloatArray, gcode: IntArray, n_groups: int, position: IntArray, secondary: Any
) -> IntArray:
    """Return the rows by group, then score (best first), secondary keys and position."""
    sort_keys: list[Any] = [position]
    if secondary is not None:
        sec = _secondary(secondary, key.size)
        sort_keys += [-sec[:, j] for j in range(sec.shape[1] - 1, -1, -1)]
    order = _fast_order(key, gcode, n_groups, position) if len(sort_keys) == 1 else None
    if order is None:
        order = np.lexsort((*sort_keys, -key, gcode))
    return order


def _secondary(secondary: Any, n: int) -> FloatArray:
    """Return the secondary keys as a ``(rows x m)`` array of finite reals."""
    flat = isinstance(secondary, np.ndarray) and secondary.ndim == 1
    if not isinstance(secondary, np.ndarray) and not isinstance(secondary, str | bytes):
        items = check_items(secondary, where="grade", name="secondary")
        flat = bool(items) and is_real(items[0])
    if flat:
        return real_array(secondary, where="grade", name="secondary", shape=(n,))[:, None]  # type: ignore[no-any-return]
    return real_array(secondary, where="grade", name="secondary", shape=(n, None))  # type: ignore[no-any-return]


def _grade_seats(
    g: Grade,
    sizes: IntArray,
    dom_of_group: IntArray,
    rounding: Rounding,
    apportionment: str,
    *,
    min_seats: int = 0,
) -> IntArray:
    """Return the seats grade ``g``'s quota gives each group."""
    quota = float(g.quota or 0.0)
    floor = min_seats if quota > 0 else 0
    if apportionment == "per_group":
        return _seats(sizes, quota, rounding, "per_group", floor)
    s = np.zeros(sizes.size, dtype=np.int64)
    for d in np.unique(dom_of_group):
        members = np.nonzero(dom_of_group == d)[0]
        s[members] = _seats(sizes[members], quota, rounding, "largest_remainder", floor)
    return s


def _check_caps(caps: Any, n: int, n_grades: int) -> IntArray:
    """Return the caps as integers, each a grade index (``0`` for none)."""
    if caps is None:
        return np.zeros(n, dtype=np.int64)
    cap: IntArray = int_array(caps, where="grade", name="caps", shape=(n,))
    bad = np.nonzero((cap < 0) | (cap >= n_grades))[0]
    if bad.size:
        k = int(bad[0])
        raise InvalidInputError(
            f"grade: caps[{k}] must be a grade index in [0, {n_grades - 1}], got {int(cap[k])}"
        )
    return cap


def _pooled(
    gcode: IntArray, glabels: tuple[Any, ...], pool_below: Any, pools: Any, n: int
) -> tuple[IntArray, tuple[Any, ...]]:
    if pools is not None:
        pools = _label_column(pools, n, "pools")
    sizes = np.bincount(gcode, minlength=len(glabels))
    return pool_codes(gcode, glabels, sizes, int(pool_below), pools)


def _within_quota(
    ties: str, *, elig: BoolArray, epos: IntArray, seats: IntArray, g_s: IntArray, k_s: FloatArray
) -> BoolArray:
    """Return the eligible sorted rows a grade takes, with the tie rule at the last seat."""
    row_seats = seats[g_s]
    if ties == "secondary_keys":
        return elig & (epos < row_seats)
    boundary = np.full(seats.size, -np.inf)
    if ties == "exclude_block":
        at = elig & (epos == row_seats)
        boundary[g_s[at]] = k_s[at]
        return elig & (k_s > boundary[g_s])
    boundary[seats == 0] = np.inf
    at = elig & (epos == row_seats - 1)
    boundary[g_s[at]] = k_s[at]
    return elig & (k_s >= boundary[g_s])


def _fast_order(
    key: FloatArray, gcode: IntArray, n_groups: int, position: IntArray
) -> IntArray | None:
    """Order rows by group, score (descending) and position, without an argsort.

    A stable radix sort on the (small) group codes first puts every group's
    rows in position order. The keys are scores already rounded to integers;
    (group, descending score, place within the group) are packed into one
    distinct integer per row; sorting those integers (a plain sort, much
    cheaper than an argsort) and unpacking them gives the order. Returns
    ``None`` when the key would not fit in 63 bits or the groups are too many.
    """
    n = key.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n_groups > 1 << 16:
        return None
    q = key
    hi = float(q.max())
    span = hi - float(q.min())
    if not np.isfinite(span) or span >= 2.0**52:
        return None
    if position is not None and not np.array_equal(position, np.arange(n)):
        by_position = np.argsort(position)
    else:
        by_position = None
    g16 = gcode.astype(np.uint16)
    if by_position is not None:
        first = by_position[np.argsort(g16[by_position], kind="stable")]
    else:
        first = np.argsort(g16, kind="stable")
    sizes = np.bincount(gcode, minlength=n_groups)
    starts = np.zeros(n_groups, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    g_sorted = gcode[first]
    place = np.arange(n, dtype=np.int64) - starts[g_sorted]
    p_bits = max(int(sizes.max()) - 1, 1).bit_length()
    s_bits = max(int(span), 1).bit_length()
    g_bits = max(n_groups - 1, 1).bit_length()
    if p_bits + s_bits + g_bits > 63:
        return None
    packed = g_sorted << (s_bits + p_bits)
    packed |= (hi - q[first]).astype(np.int64) << p_bits
    packed |= place
    packed.sort()
    group = packed >> (s_bits + p_bits)
    packed &= (1 << p_bits) - 1
    packed += starts[group]
    return np.asarray(first[packed], dtype=np.int64)


def _label_column(labels: Any, n: int, what: str) -> Any:
    """Return one label per row (text or integers) as an array, or raise naming ``grade``."""
    if isinstance(labels, np.ndarray) and labels.dtype.kind in "iuU":
        arr = labels
    else:
        items = check_items(labels, where="grade", name=what)
        if not set(map(type, items)) <= {str, int}:
            for x in items:
                if type(x) is not str and not is_int(x):
                    raise InvalidInputError(
                        f"grade: {what} must hold labels (text or integers), got {x!r}"
                    )
        arr = np.empty(len(items), dtype=object)
        arr[:] = items
        if items and not any(type(x) is str for x in items):
            small = all(-(2**63) <= x < 2**63 for x in items)
            arr = arr.astype(np.int64) if small else arr.astype(str)
        else:
            arr = arr.astype(str)
    if arr.shape != (n,):
        raise InvalidInputError(f"grade: {what} must have one entry per score, got {arr.shape}")
    return arr


def _codes(labels: Any, n: int, what: str) -> tuple[IntArray, tuple[Any, ...]]:
    if labels is None:
        return np.zeros(n, dtype=np.int64), (None,) if n else ()
    arr = _label_column(labels, n, what)
    if arr.dtype.kind in "iu" and n and int(arr.min()) >= 0 and int(arr.max()) <= 4 * n + 1024:
        present = np.bincount(arr, minlength=1) > 0
        remap = np.cumsum(present) - 1
        return remap[arr].astype(np.int64), tuple(int(u) for u in np.nonzero(present)[0])
    if arr.dtype.kind in "iu":
        uniq, inv = np.unique(arr, return_inverse=True)
        return inv.astype(np.int64), tuple(int(u) for u in uniq)
    uniq, inv = np.unique(arr.astype(str), return_inverse=True)
    return inv.astype(np.int64), tuple(str(u) for u in uniq)
