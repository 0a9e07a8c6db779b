"""Grading: the relative step, kept apart from the absolute score.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from attrs import field, frozen

from cadredev.errors import InvalidInputError
from cadredev.model import FrozenDict

from ._compare import same_fields
from ._labels import both, grade_labels
from ._scheme import DEFAULT_GRADES, Apportionment, Grade, Rounding, Ties

__all__ = ["Grading", "grade", "quota_seats"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]

_EPS = 1e-9


def _round(x: FloatArray, rounding: str) -> IntArray:
    if rounding == "floor":
        out = np.floor(x + _EPS)
    elif rounding == "half_up":
        out = np.floor(x + 0.5 + _EPS)
    else:
        out = np.ceil(x - _EPS)
    return np.maximum(out, 0).astype(np.int64)


def quota_seats(
    sizes: Sequence[int] | IntArray,
    quota: float,
    *,
    rounding: Rounding = "floor",
    apportionment: Apportionment = "per_group",
) -> IntArray:
    """Return the seats a quota gives each group.

    ``"per_group"`` rounds ``quota * size`` in each group. ``"largest_remainder"``
    rounds ``quota * sum(sizes)`` once and shares the seats in proportion to
    the sizes (Hamilton's method: whole parts first, the rest to the largest
    remainders, ties to the earlier group). It keeps the total but can show
    the Alabama paradox: raising the total can take a seat from a group.

    Examples
    --------
    >>> quota_seats([7, 7, 6], 0.2).tolist()
    [1, 1, 1]
    >>> quota_seats([7, 7, 6], 0.2, rounding="half_up").tolist()
    [1, 1, 1]
    >>> quota_seats([7, 7, 6], 0.2, apportionment="largest_remainder").tolist()
    [2, 1, 1]

    .. versionadded:: 0.1
    """
    n = np.asarray(sizes, dtype=np.int64)
    if apportionment == "per_group":
        return _round(quota * n.astype(np.float64), rounding)
    total_size = int(n.sum())
    if total_size == 0:
        return np.zeros(n.size, dtype=np.int64)
    total = int(_round(np.array([quota * total_size]), rounding)[0])
    exact = total * n / total_size
    base = np.floor(exact + _EPS).astype(np.int64)
    left = total - int(base.sum())
    if left > 0:
        frac = exact - base
        order = np.lexsort((np.arange(n.size), -frac))
        base[order[:left]] += 1
    return base


def _seat_columns(value: Any) -> FrozenDict[str, IntArray]:
    return FrozenDict({k: np.asarray(v, dtype=np.int64) for k, v in dict(value).items()})


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

    grades: tuple[Grade, ...]
    codes: IntArray = field(repr=False)
    rank: IntArray = field(repr=False)
    groups: tuple[Any, ...] = field(repr=False)
    seats_by_grade: FrozenDict[str, IntArray] = field(repr=False, converter=_seat_columns)

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
        Scores are compared after rounding to this many decimals.

    Returns
    -------
    Grading

    Raises
    ------
    InvalidInputError
        For NaN or infinite scores, mismatched lengths, a quota outside
        ``[0, 1]`` or an unknown option.

    Examples
    --------
    >>> g = grade([90, 80, 80, 70, 60], ["u"] * 5, quota_rounding="half_up")
    >>> g.grade.tolist()  # one seat; 80-80 are not split
    ['excellent', 'competent', 'competent', 'competent', 'competent']
    >>> grade([90, 90, 70, 60, 50], ties="include_all").grade.tolist()[:2]
    ['excellent', 'excellent']

    .. versionadded:: 0.1
    """
    score = _check_scores(scores)
    n = score.size
    grades = _check_options(
        grades, quota_rounding=quota_rounding, ties=ties, apportionment=apportionment
    )
    gcode, glabels = _codes(groups, n, "groups")
    n_groups = len(glabels)
    if caps is None:
        cap = np.zeros(n, dtype=np.int64)
    else:
        cap = np.asarray(caps, dtype=np.int64)
        if cap.shape != (n,):
            raise InvalidInputError(f"grade: caps must have one entry per score, got {cap.shape}")
    scale = 10.0**decimals
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
        s = _grade_seats(g, sizes, dom_of_group, quota_rounding, apportionment)
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
    score = np.asarray(scores, dtype=np.float64)
    if score.ndim != 1:
        raise InvalidInputError(f"grade: scores must be 1-D, got shape {score.shape}")
    if not np.isfinite(score).all():
        bad = int(np.nonzero(~np.isfinite(score))[0][0])
        raise InvalidInputError(f"grade: scores[{bad}] must be finite, got {score[bad]}")
    return score


def _check_options(
    grades: Sequence[Grade], *, quota_rounding: str, ties: str, apportionment: str
) -> tuple[Grade, ...]:
    checked = tuple(grades)
    if not checked or not all(isinstance(g, Grade) for g in checked):
        raise InvalidInputError(
            f"grade: grades must be a non-empty sequence of Grade, got {checked!r}"
        )
    if checked[-1].quota is not None or checked[-1].min_score is not None:
        raise InvalidInputError(
            f"grade: the last grade {checked[-1].id!r} must have no quota and no min_score"
        )
    for name, value, choices in (
        ("quota_rounding", quota_rounding, ("floor", "half_up", "ceil")),
        ("ties", ties, ("exclude_block", "include_all", "secondary_keys")),
        ("apportionment", apportionment, ("per_group", "largest_remainder")),
    ):
        if value not in choices:
            raise InvalidInputError(f"grade: {name} must be one of {choices}, got {value!r}")
    for g in checked:
        if g.quota is not None and not 0.0 <= g.quota <= 1.0:
            raise InvalidInputError(f"grade: grade {g.id!r} quota must be in [0, 1], got {g.quota}")
    return checked


def _positions(ids: Sequence[str] | None, n: int) -> IntArray:
    """Return each row's place in the final tie break: by id if given, else by row."""
    if ids is None:
        return np.arange(n, dtype=np.int64)
    if len(ids) != n:
        raise InvalidInputError(f"grade: ids must have one entry per score, got {len(ids)}")
    tiebreak = np.argsort(np.asarray(ids, dtype=object), kind="stable")
    position = np.empty(n, dtype=np.int64)
    position[tiebreak] = np.arange(n)
    return position


def _order(
    key: FloatArray, gcode: IntArray, n_groups: int, position: IntArray, secondary: Any
) -> IntArray:
    """Return the rows by group, then score (best first), secondary keys and position."""
    sort_keys: list[Any] = [position]
    if secondary is not None:
        sec = np.asarray(secondary, dtype=np.float64)
        if sec.ndim == 1:
            sec = sec[:, None]
        if sec.shape[0] != key.size:
            raise InvalidInputError(
                f"grade: secondary must have one row per score, got {sec.shape}"
            )
        sort_keys += [-sec[:, j] for j in range(sec.shape[1] - 1, -1, -1)]
    order = _fast_order(key, gcode, n_groups, position) if len(sort_keys) == 1 else None
    if order is None:
        order = np.lexsort((*sort_keys, -key, gcode))
    return order


def _grade_seats(
    g: Grade, sizes: IntArray, dom_of_group: IntArray, rounding: Rounding, apportionment: str
) -> IntArray:
    """Return the seats grade ``g``'s quota gives each group."""
    quota = float(g.quota or 0.0)
    if apportionment == "per_group":
        return quota_seats(sizes, quota, rounding=rounding)
    s = np.zeros(sizes.size, dtype=np.int64)
    for d in np.unique(dom_of_group):
        members = np.nonzero(dom_of_group == d)[0]
        s[members] = quota_seats(
            sizes[members], quota, rounding=rounding, apportionment="largest_remainder"
        )
    return s


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


def _codes(labels: Any, n: int, what: str) -> tuple[IntArray, tuple[Any, ...]]:
    if labels is None:
        return np.zeros(n, dtype=np.int64), (None,) if n else ()
    arr = np.asarray(labels)
    if arr.shape != (n,):
        raise InvalidInputError(f"grade: {what} must have one entry per score, got {arr.shape}")
    if arr.dtype.kind in "iu" and n and int(arr.min()) >= 0 and int(arr.max()) <= 4 * n + 1024:
        present = np.bincount(arr, minlength=1) > 0
        remap = np.cumsum(present) - 1
        return remap[arr].astype(np.int64), tuple(int(u) for u in np.nonzero(present)[0])
    if arr.dtype.kind in "iu":
        uniq, inv = np.unique(arr, return_inverse=True)
        return inv.astype(np.int64), tuple(int(u) for u in uniq)
    uniq, inv = np.unique(arr.astype(str), return_inverse=True)
    return inv.astype(np.int64), tuple(str(u) for u in uniq)
