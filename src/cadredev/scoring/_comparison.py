"""What changes between two scorings: :func:`compare` and :func:`compare_schemes`.

Rows are matched by (cadre id, period). Rank agreement is measured on the
totals of the matched rows by Kendall's tau-b and Spearman's rho, computed
here in numpy (average ranks for ties; tau-b counts discordant pairs by a
vectorised merge sort).

.. versionadded:: 0.3
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from attrs import field, frozen

from cadredev._arrays import real_array
from cadredev._display import HTML_ROWS, html_table, need_pandas
from cadredev._validate import check_ids, check_instances, check_items, check_text, is_real
from cadredev.errors import InvalidInputError
from cadredev.roster import Roster

from ._compare import same_fields
from ._periods import check_periods
from ._records import Records
from ._scheme import Scheme
from ._table import ScoreTable

__all__ = ["Comparison", "GradeFlip", "UnitChange", "compare", "compare_schemes"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]
ObjArray = np.ndarray[Any, np.dtype[np.object_]]

_TOL = 1e-9


@frozen(kw_only=True)
class GradeFlip:
    """One row whose grade differs between the two scorings, and why.

    Attributes
    ----------
    cadre_id, period, unit
        The row.
    grade_a, grade_b
        Its grade in the first and the second scoring.
    total_a, total_b
        Its total in each.
    better
        Whether ``grade_b`` is better than ``grade_a`` (by the first
        scheme's order of grades), or ``None`` when the schemes grade
        differently.
    reason
        Why: the total's change and the indicators that moved it most, a
        veto or override that differs, or, for an unchanged total, that the
        rivals or the seats moved.

    Examples
    --------
    >>> f = GradeFlip(
    ...     cadre_id="a",
    ...     period="2025-01",
    ...     unit="u",
    ...     grade_a="competent",
    ...     grade_b="excellent",
    ...     total_a=84.0,
    ...     total_b=88.0,
    ...     better=True,
    ...     reason="total 84.00 -> 88.00 (visits +4.00)",
    ... )
    >>> print(f)
    a 2025-01 (u): competent -> excellent, total 84.00 -> 88.00 (visits +4.00)

    .. versionadded:: 0.3
    """

    cadre_id: str
    period: str
    unit: str
    grade_a: str
    grade_b: str
    total_a: float
    total_b: float
    better: bool | None
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.cadre_id} {self.period} ({self.unit}): {self.grade_a} -> {self.grade_b}, "
            f"{self.reason}"
        )


@frozen(kw_only=True)
class UnitChange:
    """How one unit fared between the two scorings (all periods compared).

    Attributes
    ----------
    unit
        The unit.
    rows
        Its matched rows.
    mean_change
        The mean change of its totals (second less first).
    up, down
        Rows whose grade got better or worse (by the first scheme's order).
    flips
        Rows whose grade changed.

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> compare(demo_score_table(), demo_score_table()).unit_changes
    (UnitChange(unit='u', rows=2, mean_change=0.0, up=0, down=0, flips=0),)

    .. versionadded:: 0.3
    """

    unit: str
    rows: int
    mean_change: float
    up: int
    down: int
    flips: int


_WHERE = "Comparison"


def _grade_ids(value: Any, name: str) -> ObjArray:
    items = check_ids(value, where=_WHERE, name=name)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _row_keys(value: Any, name: str) -> tuple[tuple[str, str], ...]:
    items = check_items(value, where=_WHERE, name=name)
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2 and all(type(x) is str for x in item)):
            raise InvalidInputError(
                f"{_WHERE}: {name} must hold (cadre id, period) pairs, got {item!r}"
            )
    return items


def _correlation(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if not is_real(value) or not -1.0 - _TOL <= value <= 1.0 + _TOL:  # rounding
        raise InvalidInputError(
            f"{_WHERE}: {name} must be None or a real number in [-1, 1], got {value!r}"
        )
    return float(value)


@frozen(kw_only=True, eq=False)
class Comparison:
    """Two scorings side by side: grade flips, rank agreement and unit changes.

    Attributes
    ----------
    name_a, name_b
        The two schemes' names.
    cadre_ids, periods, units
        The matched rows (in the first table's order).
    total_a, total_b, grade_a, grade_b
        Per matched row, the total and grade in each scoring.
    flips
        The rows whose grade changed, with why.
    kendall_tau
        Kendall's tau-b of the matched totals, or ``None`` when it is
        undefined (fewer than two rows, or all totals equal in one scoring).
    spearman
        Spearman's rho (Pearson's correlation of average ranks), or ``None``
        when undefined.
    unit_changes
        Per unit: rows, mean change of the total, grades up and down.
    only_a, only_b
        (cadre id, period) rows found in one scoring only.

    Examples
    --------
    >>> from cadredev.datasets import demo_score_table
    >>> t = demo_score_table()
    >>> c = compare(t, t)
    >>> c.flips, c.kendall_tau, c.spearman
    ((), 1.0, 1.0)

    .. versionadded:: 0.3
    """

    name_a: str
    name_b: str
    cadre_ids: tuple[str, ...]
    periods: tuple[str, ...]
    units: tuple[str, ...]
    total_a: FloatArray = field(repr=False)
    total_b: FloatArray = field(repr=False)
    grade_a: ObjArray = field(repr=False)
    grade_b: ObjArray = field(repr=False)
    flips: tuple[GradeFlip, ...] = ()
    kendall_tau: float | None = None
    spearman: float | None = None
    unit_changes: tuple[UnitChange, ...] = ()
    only_a: tuple[tuple[str, str], ...] = ()
    only_b: tuple[tuple[str, str], ...] = ()

    def __attrs_post_init__(self) -> None:
        """Check every field (a comparison read back from a file is checked like one made here)."""
        put = object.__setattr__
        for name in ("name_a", "name_b"):
            put(self, name, check_text(getattr(self, name), where=_WHERE, name=name))
        put(self, "cadre_ids", check_ids(self.cadre_ids, where=_WHERE, name="cadre_ids"))
        put(self, "periods", check_periods(self.periods, where=_WHERE, name="periods"))
        put(self, "units", check_ids(self.units, where=_WHERE, name="units", ids=False))
        n = len(self.cadre_ids)
        for name in ("total_a", "total_b"):
            put(self, name, real_array(getattr(self, name), where=_WHERE, name=name, shape=(n,)))
        for name in ("grade_a", "grade_b"):
            put(self, name, _grade_ids(getattr(self, name), name))
        for name, kind in (("flips", GradeFlip), ("unit_changes", UnitChange)):
            put(self, name, check_instances(getattr(self, name), kind, where=_WHERE, name=name))
        for name in ("kendall_tau", "spearman"):
            put(self, name, _correlation(getattr(self, name), name))
        for name in ("only_a", "only_b"):
            put(self, name, _row_keys(getattr(self, name), name))
        for name in ("periods", "units", "grade_a", "grade_b"):
            got = len(getattr(self, name))
            if got != n:
                raise InvalidInputError(
                    f"{_WHERE}: {name} must have one entry per matched row ({n}), got {got}"
                )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Comparison):
            return NotImplemented
        return same_fields(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        up = sum(1 for f in self.flips if f.better is True)
        down = sum(1 for f in self.flips if f.better is False)
        return (
            f"Comparison({self.name_a!r} vs {self.name_b!r}: {len(self.cadre_ids):,} rows, "
            f"{len(self.flips):,} grade flips ({up} up, {down} down), "
            f"tau {_fmt(self.kendall_tau)}, rho {_fmt(self.spearman)})"
        )

    def explain(self, *, limit: int = 20) -> str:
        """Return the comparison as text: the summary, the flips and the units.

        Examples
        --------
        >>> from cadredev.datasets import demo_score_table
        >>> print(compare(demo_score_table(), demo_score_table()).explain())
        'demo' vs 'demo': 2 rows, 0 grade flips, Kendall tau 1, Spearman rho 1
        u: 2 rows, mean change +0.00, 0 up, 0 down

        .. versionadded:: 0.3
        """
        head = (
            f"{self.name_a!r} vs {self.name_b!r}: {len(self.cadre_ids):,} rows, "
            f"{len(self.flips):,} grade flips, Kendall tau {_fmt(self.kendall_tau)}, "
            f"Spearman rho {_fmt(self.spearman)}"
        )
        lines = [head]
        lines += [f"  {f}" for f in self.flips[:limit]]
        if len(self.flips) > limit:
            lines.append(f"  ... and {len(self.flips) - limit:,} more flips")
        lines += [
            f"{u.unit}: {u.rows:,} rows, mean change {u.mean_change:+.2f}, {u.up} up, {u.down} down"
            for u in self.unit_changes
        ]
        if self.only_a or self.only_b:
            lines.append(
                f"{len(self.only_a):,} rows only in {self.name_a!r}, "
                f"{len(self.only_b):,} only in {self.name_b!r}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [
            (f.cadre_id, f.period, f.unit, f.grade_a, f.grade_b, f.total_a, f.total_b, f.reason)
            for f in self.flips[:HTML_ROWS]
        ]
        header = ("cadre", "period", "unit", "grade a", "grade b", "total a", "total b", "why")
        return html_table(repr(self), header, rows)

    def to_pandas(self) -> Any:
        """Return one row per matched (cadre, period): totals, grades and whether it flipped.

        Examples
        --------
        >>> from cadredev.datasets import demo_score_table
        >>> compare(demo_score_table(), demo_score_table()).to_pandas()["flipped"].tolist()
        [False, False]

        .. versionadded:: 0.3
        """
        pd = need_pandas()
        return pd.DataFrame(
            {
                "cadre_id": list(self.cadre_ids),
                "period": list(self.periods),
                "unit": list(self.units),
                "total_a": self.total_a,
                "total_b": self.total_b,
                "grade_a": list(self.grade_a),
                "grade_b": list(self.grade_b),
                "flipped": self.grade_a != self.grade_b,
            }
        )


def _fmt(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.4g}"


# ------------------------------------------------------------------ rank correlation


def average_ranks(x: FloatArray) -> FloatArray:
    """Return 1-based ranks, tied values sharing their average rank."""
    order = np.argsort(x, kind="stable")
    xs = x[order]
    starts = np.concatenate(([True], xs[1:] != xs[:-1]))
    block = np.cumsum(starts) - 1
    first = np.nonzero(starts)[0]
    last = np.concatenate((first[1:], [xs.size])) - 1
    ranks = np.empty(x.size)
    ranks[order] = (first[block] + last[block]) / 2.0 + 1.0
    return ranks


def spearman_rho(x: FloatArray, y: FloatArray) -> float | None:
    """Return Spearman's rho, or ``None`` if fewer than two rows or a constant column."""
    if x.size < 2:
        return None
    rx, ry = average_ranks(x), average_ranks(y)
    rx -= rx.mean()
    ry -= ry.mean()
    den = math.sqrt(float(rx @ rx) * float(ry @ ry))
    return None if den == 0 else float(np.clip(float(rx @ ry) / den, -1.0, 1.0))


def _inversions(seq: IntArray) -> int:
    """Count pairs ``i < j`` with ``seq[i] > seq[j]`` by a bottom-up merge, level by level."""
    n = seq.size
    values = seq.astype(np.int64)
    count = 0
    width = 1
    idx = np.arange(n)
    span = int(values.max()) + 2 if n else 1
    while width < n:
        block = idx // (2 * width)
        right = (idx // width) % 2 == 1
        # blocks of `width` are sorted; count, for each right element, the left ones above it
        key = block * span + values
        left_keys = key[~right]
        pos = np.searchsorted(left_keys, key[right], side="right")
        left_start = np.searchsorted(left_keys, block[right] * span, side="left")
        left_end = np.searchsorted(left_keys, (block[right] + 1) * span, side="left")
        count += int((left_end - np.maximum(pos, left_start)).sum())
        values = values[np.argsort(key, kind="stable")]
        width *= 2
    return count


def _tied_pairs(*columns: FloatArray) -> int:
    _, counts = np.unique(np.stack(columns, axis=1), axis=0, return_counts=True)
    return int((counts * (counts - 1) // 2).sum())


def kendall_tau_b(x: FloatArray, y: FloatArray) -> float | None:
    """Return Kendall's tau-b, or ``None`` if fewer than two rows or a constant column."""
    n = x.size
    if n < 2:
        return None
    order = np.lexsort((y, x))
    ys = y[order]
    # dense ranks of y, so discordant pairs are the strict inversions after sorting by x
    _, yrank = np.unique(ys, return_inverse=True)
    discordant = _inversions(yrank.astype(np.int64))
    n0 = n * (n - 1) // 2
    n1, n2, n3 = _tied_pairs(x), _tied_pairs(y), _tied_pairs(x, y)
    concordant = n0 - n1 - n2 + n3 - discordant
    den = math.sqrt(float(n0 - n1) * float(n0 - n2))
    return None if den == 0 else float(np.clip((concordant - discordant) / den, -1.0, 1.0))


# ------------------------------------------------------------------ compare


def _row_units(table: ScoreTable) -> ObjArray:
    units = np.asarray(table.cadres.units, dtype=object)
    return np.tile(units, len(table.scored_periods)) if units.size else units


def _grade_order(scheme: Scheme) -> dict[str, int]:
    return {g.id: k for k, g in enumerate(scheme.grades)}


def _overridden(table: ScoreTable) -> set[tuple[str, str]]:
    return {(o.override.cadre_id, o.override.period) for o in table.overrides}


def _reason(
    a: ScoreTable,
    b: ScoreTable,
    ra: int,
    rb: int,
    *,
    key: tuple[str, str],
    overridden: tuple[set[tuple[str, str]], set[tuple[str, str]]],
    moves: list[tuple[float, str]],
) -> str:
    ta, tb = float(a.total[ra]), float(b.total[rb])
    parts: list[str] = []
    if bool(a.vetoed[ra]) != bool(b.vetoed[rb]):
        parts.append("vetoed" if bool(b.vetoed[rb]) else "veto lifted")
    in_a, in_b = key in overridden[0], key in overridden[1]
    if in_a != in_b:
        parts.append("override in " + ("second" if in_b else "first"))
    if abs(tb - ta) > _TOL * max(1.0, abs(ta)):
        text = f"total {ta:.2f} -> {tb:.2f}"
        ranked = sorted(moves, key=lambda m: (-abs(m[0]), m[1]))
        shown = [f"{name} {d:+.2f}" for d, name in ranked[:2] if abs(d) > _TOL]
        if shown:
            text += " (" + ", ".join(shown) + ")"
        parts.append(text)
    else:
        parts.append(
            f"same total {ta:.2f}; rank in group {int(a.rank[ra])} -> {int(b.rank[rb])} "
            "(rivals or seats changed)"
        )
    return "; ".join(parts)


def _flips(
    a: ScoreTable, b: ScoreTable, ra: IntArray, rb: IntArray, units: ObjArray
) -> list[GradeFlip]:
    """Return the matched rows whose grade differs, with why (vectorised per table)."""
    grade_a = np.asarray(a.grade, dtype=object)[ra]
    grade_b = np.asarray(b.grade, dtype=object)[rb]
    hit = np.nonzero(grade_a != grade_b)[0]
    if not hit.size:
        return []
    shared = [
        (ja, b.indicator_ids.index(name), name)
        for ja, name in enumerate(a.indicator_ids)
        if name in b.indicator_ids
    ]
    ca, cb = a.components_of(ra[hit]), b.components_of(rb[hit])
    order = _grade_order(a.scheme)
    overridden = (_overridden(a), _overridden(b))
    ids, periods = a.cadre_ids, a.periods
    out: list[GradeFlip] = []
    for m, k in enumerate(hit.tolist()):
        ga, gb = str(grade_a[k]), str(grade_b[k])
        key = (str(ids[ra[k]]), str(periods[ra[k]]))
        moves = [(float(cb[m, jb] - ca[m, ja]), name) for ja, jb, name in shared]
        out.append(
            GradeFlip(
                cadre_id=key[0],
                period=key[1],
                unit=str(units[k]),
                grade_a=ga,
                grade_b=gb,
                total_a=float(a.total[ra[k]]),
                total_b=float(b.total[rb[k]]),
                better=order[gb] < order[ga] if ga in order and gb in order else None,
                reason=_reason(
                    a, b, int(ra[k]), int(rb[k]), key=key, overridden=overridden, moves=moves
                ),
            )
        )
    return out


def compare(a: ScoreTable, b: ScoreTable) -> Comparison:
    """Compare two score tables of the same cadres: grade flips, rank agreement, units.

    Rows are matched by (cadre id, period); rows in one table only are
    listed, not compared. The tables may come from different schemes (a
    what-if) or different records.

    Parameters
    ----------
    a, b
        The first (reference) and second :class:`ScoreTable`.

    Returns
    -------
    Comparison

    Raises
    ------
    InvalidInputError
        If either argument is not a :class:`ScoreTable`.

    Examples
    --------
    >>> from cadredev import Cadre
    >>> from cadredev.scoring import Grade, Indicator, Records, Scheme, Target, score
    >>> people = [
    ...     Cadre(id=i, name=i, birth_year=1990, rank="section", unit="u", line="investment")
    ...     for i in ("a", "b", "c")
    ... ]
    >>> rec = Records.from_rows(
    ...     [
    ...         (c, "2025-01", k, v)
    ...         for c, k, v in [
    ...             ("a", "visits", 20),
    ...             ("a", "signed", 0),
    ...             ("b", "visits", 10),
    ...             ("b", "signed", 2),
    ...             ("c", "visits", 12),
    ...             ("c", "signed", 1),
    ...         ]
    ...     ]
    ... )
    >>> grades = (Grade("excellent", quota=0.34), Grade("competent"))
    >>> def scheme(w):
    ...     inds = [
    ...         Indicator(id="visits", normalise=Target(0, 20), weight=w),
    ...         Indicator(id="signed", normalise=Target(0, 2)),
    ...     ]
    ...     return Scheme(name=f"visits x{w}", indicators={"investment": inds}, grades=grades)
    >>> c = compare(score(scheme(1), people, rec), score(scheme(3), people, rec))
    >>> for flip in c.flips:
    ...     print(flip)
    a 2025-01 (u): competent -> excellent, total 50.00 -> 75.00 (visits +25.00)
    b 2025-01 (u): excellent -> competent, total 75.00 -> 62.50 (signed -25.00, visits +12.50)
    >>> c.kendall_tau
    -0.3333333333333333

    .. versionadded:: 0.3
    """
    for name, t in (("a", a), ("b", b)):
        if not isinstance(t, ScoreTable):
            raise InvalidInputError(f"compare: {name} must be a ScoreTable, got {type(t).__name__}")
    ids_a = [(str(c), str(p)) for c, p in zip(a.cadre_ids, a.periods, strict=True)]
    ids_b = [(str(c), str(p)) for c, p in zip(b.cadre_ids, b.periods, strict=True)]
    where_b = {k: r for r, k in enumerate(ids_b)}
    ra = np.array([r for r, k in enumerate(ids_a) if k in where_b], dtype=np.int64)
    rb = np.array([where_b[ids_a[r]] for r in ra], dtype=np.int64)
    in_a = set(ids_a)
    only_a = tuple(sorted(k for k in ids_a if k not in where_b))
    only_b = tuple(sorted(k for k in ids_b if k not in in_a))
    total_a, total_b = a.total[ra], b.total[rb]
    grade_a = np.asarray(a.grade, dtype=object)[ra]
    grade_b = np.asarray(b.grade, dtype=object)[rb]
    units = _row_units(a)[ra] if ra.size else np.zeros(0, dtype=object)
    flips = _flips(a, b, ra, rb, units)
    return Comparison(
        name_a=a.scheme.name,
        name_b=b.scheme.name,
        cadre_ids=tuple(ids_a[int(r)][0] for r in ra),
        periods=tuple(ids_a[int(r)][1] for r in ra),
        units=tuple(str(u) for u in units),
        total_a=total_a,
        total_b=total_b,
        grade_a=grade_a,
        grade_b=grade_b,
        flips=tuple(flips),
        kendall_tau=kendall_tau_b(total_a, total_b),
        spearman=spearman_rho(total_a, total_b),
        unit_changes=_unit_changes(units, total_b - total_a, flips),
        only_a=only_a,
        only_b=only_b,
    )


def _unit_changes(
    units: ObjArray, delta: FloatArray, flips: list[GradeFlip]
) -> tuple[UnitChange, ...]:
    out: list[UnitChange] = []
    names = np.asarray(units, dtype=str)
    for u in sorted(set(names.tolist())):
        members = names == u
        mine = [f for f in flips if f.unit == u]
        out.append(
            UnitChange(
                unit=u,
                rows=int(members.sum()),
                mean_change=float(delta[members].mean()),
                up=sum(1 for f in mine if f.better is True),
                down=sum(1 for f in mine if f.better is False),
                flips=len(mine),
            )
        )
    return tuple(out)


def compare_schemes(
    scheme_a: Scheme,
    scheme_b: Scheme,
    cadres: Iterable[Any] | Roster,
    records: Records,
    **options: Any,
) -> Comparison:
    """Score the same cadres and records under two schemes and compare the tables.

    ``options`` (``period``, ``exemptions``, ``overrides``...) go to both
    :func:`~cadredev.scoring.score` calls.

    Examples
    --------
    >>> from cadredev.datasets import sample_zone
    >>> import attrs
    >>> zone = sample_zone()
    >>> strict = attrs.evolve(zone.scheme, name="strict", quota_rounding="floor")
    >>> c = compare_schemes(zone.scheme, strict, zone.cadres, zone.records, period="2025-01")
    >>> len(c.cadre_ids) > 0
    True

    .. versionadded:: 0.3
    """
    from ._evaluate import score  # noqa: PLC0415 - the evaluator sits above this module

    people: Any = (
        cadres
        if isinstance(cadres, Roster)
        else check_items(cadres, where="compare_schemes", name="cadres")
    )
    return compare(
        score(scheme_a, people, records, **options), score(scheme_b, people, records, **options)
    )
