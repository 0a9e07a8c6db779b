"""Property checkers for scoring schemes: ``check_scheme`` and ``assert_*`` helpers.

Each property is a hypothesis test run inside :func:`check_scheme` with its
own settings (no example database, a fixed seed by default). A failing
property is shrunk by hypothesis; the smallest failing input is kept as the
counterexample. ``hypothesis.target`` steers the search towards the worst
case of each property's measure (the largest rank jump, score cliff or
score drop), which is reported too.

.. versionadded:: 0.1
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, cast

import attrs
import numpy as np
from attrs import frozen
from hypothesis import HealthCheck, Verbosity, given, settings, target
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from cadredev._validate import is_int
from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, Line
from cadredev.scoring import (
    Exemption,
    ExposureWarning,
    Indicator,
    Records,
    Scheme,
    ScoreTable,
    quota_seats,
    rollup,
    score,
)

from ._report import Counterexample, PropertyReport, PropertyResult
from ._scoring import (
    exemptions,
    record_ids,
    record_rows,
    reference_span,
    scored_lines,
    scored_roster,
)

__all__ = [
    "ALL",
    "assert_exemption_safe",
    "assert_independent",
    "assert_quota_respected",
    "assert_scheme",
    "assert_scheme_property",
    "check_scheme",
]

Row = tuple[str, str, str, float]


class Scorer(Protocol):
    """The scoring function under test: :func:`~cadredev.scoring.score` or a wrapper."""

    def __call__(
        self,
        scheme: Scheme,
        cadres: list[Cadre],
        records: Records,
        /,
        *,
        exemptions: tuple[Exemption, ...],
    ) -> ScoreTable: ...


DEFAULT_EXAMPLES = 100
"""Examples per property when ``max_examples`` is not given."""

_MONTHS = tuple(f"2025-{m:02d}" for m in range(1, 13))
_TOL = 1e-9


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= _TOL * max(1.0, abs(a), abs(b))


class _PropertyFailedError(AssertionError):
    """Raised inside a property test to make hypothesis shrink the case."""


@frozen(kw_only=True, eq=False)
class _Case:
    cadres: tuple[Cadre, ...]
    rows: tuple[Row, ...]
    extra: dict[str, Any] = attrs.field(factory=dict)

    def example(self, description: str) -> Counterexample:
        return Counterexample.of(
            description,
            self.cadres,
            self.rows,
            {k: v for k, v in self.extra.items() if not k.startswith("_")},
        )


@frozen(kw_only=True)
class _Verdict:
    ok: bool
    detail: str = ""
    measure: float | None = None
    measure_case: str = ""


@frozen(kw_only=True)
class _Context:
    scheme: Scheme
    scorer: Scorer
    max_cadres: int
    units: tuple[str, ...]

    def score(
        self, cadres: Sequence[Cadre], rows: Iterable[Row], ex: Sequence[Exemption] = ()
    ) -> ScoreTable:
        return self.scorer(
            self.scheme, list(cadres), Records.from_rows(list(rows)), exemptions=tuple(ex)
        )

    def roster(
        self, *, min_size: int = 1, max_size: int | None = None
    ) -> st.SearchStrategy[tuple[Cadre, ...]]:
        top = self.max_cadres if max_size is None else max_size
        return scored_roster(
            self.scheme, min_size=min_size, max_size=max(top, min_size), units=self.units
        )


def _table_rows(table: ScoreTable) -> dict[tuple[str, str], int]:
    return {
        (str(c), str(p)): r
        for r, (c, p) in enumerate(zip(table.cadre_ids, table.periods, strict=True))
    }


def _caps(scheme: Scheme, rows: Iterable[Row]) -> dict[tuple[str, str], int]:
    """Return the veto cap (best grade index allowed) of each (cadre, period)."""
    last = len(scheme.grades) - 1
    out: dict[tuple[str, str], int] = {}
    for cid, period, key, value in rows:
        for v in scheme.vetoes:
            if key == v.id and value >= v.threshold:
                cap = last if v.cap is None else scheme.grade_index(v.cap)
                out[(cid, period)] = max(out.get((cid, period), 0), cap)
    return out


# ------------------------------------------------------------------ case strategies


_PERIODS = st.sampled_from((("2025-01",), ("2025-01", "2025-02")))


@st.composite
def _plain_case(draw: st.DrawFn, ctx: _Context, *, min_size: int = 1, periods: Any = None) -> _Case:
    roster = draw(ctx.roster(min_size=min_size))
    labels = draw(_PERIODS) if periods is None else periods
    rows = draw(record_rows(ctx.scheme, roster, labels))
    return _Case(cadres=roster, rows=tuple(rows), extra={"periods": ", ".join(labels)})


# --------------------------------------------------------------------- properties


def _boundedness(ctx: _Context) -> tuple[Any, Callable[[_Case], _Verdict]]:
    uppers = [i.normalise.upper for i in ctx.scheme.all_indicators]
    # an unclipped scale has no upper bound: hold it to the attainment of a target (1)
    top = 100.0 * max([u for u in uppers if math.isfinite(u)] or [1.0])
    caps = [p.cap for p in ctx.scheme.penalties]
    most_pen = (
        sum(c for c in caps if c is not None) if all(c is not None for c in caps) else math.inf
    )

    def check(case: _Case) -> _Verdict:
        table = ctx.score(case.cadres, case.rows)
        worst = 0.0
        for (cid, period), r in _table_rows(table).items():
            total, pen = float(table.total[r]), float(table.penalties[r])
            base = total + pen
            worst = max(worst, base)
            if not -1e-9 <= base <= top + 1e-9:
                return _Verdict(
                    ok=False,
                    detail=f"{cid} in {period}: score before penalties {base:.6g} is outside "
                    f"[0, {top:.6g}]",
                )
            if not -1e-9 <= pen <= most_pen + 1e-9:
                return _Verdict(
                    ok=False,
                    detail=f"{cid} in {period}: penalty {pen:.6g} is outside [0, {most_pen:.6g}]",
                )
        return _Verdict(ok=True, measure=worst)

    return _plain_case(ctx), check


@st.composite
def _degenerate_case(draw: st.DrawFn, ctx: _Context) -> _Case:
    roster = draw(ctx.roster(max_size=3))
    labels = draw(st.sampled_from((("2025-01",), ("2025Q1",), ("2025",), ("2025-01", "2025-02"))))
    rows = draw(record_rows(ctx.scheme, roster, labels, degenerate=True))
    unscored = [ln for ln in (*Line, None) if ln not in scored_lines(ctx.scheme)]
    outside: bool = draw(st.booleans())
    if unscored and outside:
        outsider = Cadre(
            id="x00",
            name="x00",
            birth_year=1990,
            rank="section",
            unit=ctx.units[0],
            line=unscored[0],
        )
        roster = (*roster, outsider)
    return _Case(cadres=roster, rows=tuple(rows), extra={"periods": ", ".join(labels)})


def _totality(ctx: _Context) -> tuple[Any, Callable[[_Case], _Verdict]]:
    n_grades = len(ctx.scheme.grades)

    def check(case: _Case) -> _Verdict:
        table = ctx.score(case.cadres, case.rows)
        scored = [c for c in case.cadres if ctx.scheme.for_line(c.line)]
        periods = {p for _, p, _, _ in case.rows}
        if len(table) != len(scored) * len(periods):
            return _Verdict(
                ok=False,
                detail=f"{len(table)} rows scored, expected {len(scored)} cadres x "
                f"{len(periods)} periods",
            )
        excluded = {cid for cid, _ in table.excluded}
        for c in case.cadres:
            if c not in scored and c.id not in excluded:
                return _Verdict(
                    ok=False, detail=f"{c.id} was neither scored nor excluded with a reason"
                )
        if not np.isfinite(np.asarray(table.total, dtype=float)).all():
            r = int(np.nonzero(~np.isfinite(np.asarray(table.total, dtype=float)))[0][0])
            return _Verdict(ok=False, detail=f"{table.cadre_ids[r]} scored {table.total[r]}")
        codes = np.asarray(table.grade_code)
        if codes.size and (codes.min() < 0 or codes.max() >= n_grades):
            return _Verdict(ok=False, detail=f"grade codes {codes.tolist()} out of range")
        return _Verdict(ok=True)

    return _degenerate_case(ctx), check


def _improvable(scheme: Scheme, line: Line | None) -> list[str]:
    out = [i.id for i in scheme.for_line(line)]
    out += [p.id for p in scheme.penalties if p.lines is None or line in p.lines]
    return out


@st.composite
def _monotone_case(draw: st.DrawFn, ctx: _Context) -> _Case:
    case = draw(_plain_case(ctx, periods=("2025-01",)))
    i = draw(st.integers(0, len(case.cadres) - 1))
    who = case.cadres[i]
    key = draw(st.sampled_from(_improvable(ctx.scheme, who.line)))
    frac = draw(st.sampled_from((0.01, 0.001, 0.05, 0.25, 1.0)))
    return attrs.evolve(case, extra={**case.extra, "cadre": who.id, "improved": key, "step": frac})


def _own_monotonicity(ctx: _Context) -> tuple[Any, Callable[[_Case], _Verdict]]:
    scheme = ctx.scheme
    inds = {i.id: i for i in scheme.all_indicators}
    pens = {p.id for p in scheme.penalties}

    def improve(case: _Case) -> tuple[list[Row], str, bool]:
        cid, key, frac = case.extra["cadre"], case.extra["improved"], case.extra["step"]
        period = "2025-01"
        cells = {(c, p, k): v for c, p, k, v in case.rows}
        small = False
        if key in pens:
            old = cells.get((cid, period, key), 0.0)
            cells[(cid, period, key)] = max(old - 1.0, 0.0)
            what = f"{key} events {old:g} -> {cells[(cid, period, key)]:g}"
        else:
            ind: Indicator = inds[key]
            up = ind.direction == "max"
            if ind.kind == "rate":
                k = key + ".num"
                old = cells.get((cid, period, k), 0.0)
                cells[(cid, period, k)] = old + 1.0 if up else max(old - 1.0, 0.0)
                if (cid, period, key + ".den") not in cells:
                    cells[(cid, period, key + ".den")] = 0.0
                what = f"{k} {old:g} -> {cells[(cid, period, k)]:g}"
            else:
                old = cells.get((cid, period, key), 0.0)
                step = frac * reference_span(ind) * (1.0 if ind.per is None else _per_scale(ind))
                cells[(cid, period, key)] = old + step if up else old - step
                what = f"{key} {old:.6g} -> {cells[(cid, period, key)]:.6g}"
                small = frac <= 0.01
        return [(c, p, k, v) for (c, p, k), v in cells.items()], what, small

    def check(case: _Case) -> _Verdict:
        cid = case.extra["cadre"]
        before = ctx.score(case.cadres, case.rows)
        rows, what, small = improve(case)
        after = ctx.score(case.cadres, rows)
        r = _table_rows(before)[(cid, "2025-01")]
        a, b = float(before.total[r]), float(after.total[_table_rows(after)[(cid, "2025-01")]])
        cliff = b - a if small else None
        target(a - b, label="score drop")
        if b < a and not _same(a, b):
            return _Verdict(
                ok=False, detail=f"improving {cid}'s {what} lowered its total {a:.6g} -> {b:.6g}"
            )
        return _Verdict(
            ok=True, measure=cliff, measure_case=f"{cid}: {what} moved the total {a:.6g} -> {b:.6g}"
        )

    return _monotone_case(ctx), check


def _per_scale(ind: Indicator) -> float:
    return {"month": 1.0, "quarter": 1 / 3, "year": 1 / 12}[ind.per or "month"]


@st.composite
def _independence_case(draw: st.DrawFn, ctx: _Context) -> _Case:
    case = draw(_plain_case(ctx))
    labels = tuple(dict.fromkeys(p for _, p, _, _ in case.rows))
    n = len(case.cadres)
    mode = draw(st.sampled_from(("add", "change"))) if n > 1 else "add"
    if mode == "add":
        new = draw(scored_roster(ctx.scheme, min_size=1, max_size=1, units=ctx.units, start=n))[0]
        extra_rows = draw(record_rows(ctx.scheme, (new,), labels, ties=False, missing=False))
        return attrs.evolve(
            case,
            extra={
                **case.extra,
                "added cadre": f"{new.id} ({new.unit}, {new.line})",
                "added rows": _rows_text(extra_rows),
                "_added_rows": extra_rows,
                "_new": new,
            },
        )
    j = draw(st.integers(1, n - 1))
    who = case.cadres[j]
    extra_rows = draw(record_rows(ctx.scheme, (who,), labels, ties=False, missing=False))
    return attrs.evolve(
        case,
        extra={
            **case.extra,
            "changed cadre": who.id,
            "new rows": _rows_text(extra_rows),
            "_new_rows": extra_rows,
            "_changed": who.id,
        },
    )


def _rows_text(rows: Iterable[Row]) -> str:
    return "; ".join(f"{c} {p} {k} = {v:.6g}" for c, p, k, v in rows)


def _independence(ctx: _Context) -> tuple[Any, Callable[[_Case], _Verdict]]:
    def check(case: _Case) -> _Verdict:
        before = ctx.score(case.cadres, case.rows)
        if "_new" in case.extra:
            moved = case.extra["_new"].id
            roster = (*case.cadres, case.extra["_new"])
            rows = [*case.rows, *case.extra["_added_rows"]]
            how = f"adding {moved}"
        else:
            moved = case.extra["_changed"]
            roster = case.cadres
            rows = [r for r in case.rows if r[0] != moved] + list(case.extra["_new_rows"])
            how = f"changing {moved}'s records"
        after = ctx.score(roster, rows)
        rows_after = _table_rows(after)
        jump = 0
        for key, r in _table_rows(before).items():
            if key[0] == moved:
                continue
            s = rows_after[key]
            if before.groups[r] == after.groups[s]:
                jump = max(jump, abs(int(after.rank[s]) - int(before.rank[r])))
        target(float(jump), label="rank jump")
        for key, r in _table_rows(before).items():
            if key[0] == moved:
                continue
            a, b = float(before.total[r]), float(after.total[rows_after[key]])
            if not _same(a, b):
                return _Verdict(
                    ok=False,
                    detail=f"{how} moved {key[0]}'s total in {key[1]} from {a:.6g} to {b:.6g}",
                    measure=float(jump),
                )
        return _Verdict(ok=True, measure=float(jump), measure_case=f"{how} moved ranks by {jump}")

    return _independence_case(ctx), check


@st.composite
def _permuted_case(draw: st.DrawFn, ctx: _Context) -> _Case:
    case = draw(_plain_case(ctx))
    order = draw(st.permutations(range(len(case.cadres))))
    row_order = draw(st.permutations(range(len(case.rows))))
    return attrs.evolve(
        case,
        extra={
            **case.extra,
            "cadre order": [case.cadres[i].id for i in order],
            "_rows": list(row_order),
        },
    )


def _permutation_invariance(ctx: _Context) -> tuple[Any, Callable[[_Case], _Verdict]]:
    def check(case: _Case) -> _Verdict:
        a = ctx.score(case.cadres, case.rows)
        order = {c.id: c for c in case.cadres}
        roster = [order[i] for i in case.extra["cadre order"]]
        b = ctx.score(roster, [case.rows[k] for k in case.extra["_rows"]])
        ra, rb = _table_rows(a), _table_rows(b)
        if set(ra) != set(rb):
            return _Verdict(ok=False, detail="reordering the input changed which rows are scored")
        for key, r in ra.items():
            s = rb[key]
            if (
                not _same(float(a.total[r]), float(b.total[s]))
                or a.grade_code[r] != b.grade_code[s]
            ):
                return _Verdict(
                    ok=False,
                    detail=f"reordering the input changed {key[0]}'s result in {key[1]}: "
                    f"{a.total[r]:.6g} ({a.grade[r]}) -> {b.total[s]:.6g} ({b.grade[s]})",
                )
            if a.rank[r] != b.rank[s]:
                return _Verdict(
                    ok=False,
                    detail=f"reordering the input changed {key[0]}'s rank in {key[1]}: "
                    f"{a.rank[r]} -> {b.rank[s]}",
                )
        return _Verdict(ok=True)

    return _permuted_case(ctx), check


def _scaled(scheme: Scheme, factor: float) -> Scheme:
    new = {i.id: attrs.evolve(i, weight=i.weight * factor) for i in scheme.all_indicators}
    inds: Any
    if isinstance(scheme.indicators, dict) or hasattr(scheme.indicators, "items"):
        inds = {line: [new[i.id] for i in items] for line, items in scheme.indicators.items()}
    else:
        inds = [new[i.id] for i in scheme.indicators]
    return attrs.evolve(scheme, indicators=inds)


def _weight_homogeneity(ctx: _Context) -> tuple[Any, Callable[[_Case], _Verdict]]:
    factors = st.sampled_from((2.0, 0.5, 10.0, 3.0, 0.1)) | st.floats(0.01, 100.0)

    @st.composite
    def case(draw: st.DrawFn) -> _Case:
        c = draw(_plain_case(ctx))
        return attrs.evolve(c, extra={**c.extra, "weights times": draw(factors)})

    def check(c: _Case) -> _Verdict:
        factor = c.extra["weights times"]
        a = ctx.score(c.cadres, c.rows)
        scaled = attrs.evolve(ctx, scheme=_scaled(ctx.scheme, factor))
        b = scaled.score(c.cadres, c.rows)
        rb = _table_rows(b)
        for key, r in _table_rows(a).items():
            x, y = float(a.total[r]), float(b.total[rb[key]])
            if abs(x - y) > 1e-7 * max(1.0, abs(x)):
                return _Verdict(
                    ok=False,
                    detail=f"multiplying every weight by {factor:g} moved {key[0]}'s total "
                    f"in {key[1]} from {x:.9g} to {y:.9g}",
                )
        return _Verdict(ok=True)

    return case(), check


@st.composite
def _exemption_case(draw: st.DrawFn, ctx: _Context, *, one_cadre: bool = False) -> _Case:
    c = draw(_plain_case(ctx))
    labels = tuple(dict.fromkeys(p for _, p, _, _ in c.rows))
    pool = c.cadres
    if one_cadre:
        pool = (draw(st.sampled_from(c.cadres)),)
    ex = draw(st.lists(exemptions(ctx.scheme, pool, periods=labels), min_size=1, max_size=3))
    return attrs.evolve(c, extra={**c.extra, "exemptions": _ex_text(ex), "_ex": tuple(ex)})


def _ex_text(ex: Sequence[Exemption]) -> str:
    parts = []
    for e in ex:
        how = "waive" if e.policy == "waive" else f"mitigate x{e.factor:g}"
        parts.append(f"{e.cadre_id} {e.period} {how} {e.target}")
    return "; ".join(parts)


def _exemption_safety(ctx: _Context) -> tuple[Any, Callable[[_Case], _Verdict]]:
    def check(c: _Case) -> _Verdict:
        ex: tuple[Exemption, ...] = c.extra["_ex"]
        plain = ctx.score(c.cadres, c.rows)
        with_ex = ctx.score(c.cadres, c.rows, ex)
        rp, rw = _table_rows(plain), _table_rows(with_ex)
        single = len({e.cadre_id for e in ex}) == 1
        drop = 0.0
        failure = ""
        for e in ex:
            key = (e.cadre_id, e.period)
            if key not in rp:
                continue
            a, b = float(plain.total[rp[key]]), float(with_ex.total[rw[key]])
            if b < a and not _same(a, b):
                drop = max(drop, a - b)
                failure = failure or (
                    f"the exemption lowered {e.cadre_id}'s total in {e.period} "
                    f"from {a:.6g} to {b:.6g}"
                )
            ga, gb = int(plain.grade_code[rp[key]]), int(with_ex.grade_code[rw[key]])
            if single and gb > ga:
                failure = failure or (
                    f"the exemption lowered {e.cadre_id}'s grade in {e.period} from "
                    f"{plain.grade[rp[key]]} to {with_ex.grade[rw[key]]}"
                )
        target(drop, label="score drop")
        if failure:
            return _Verdict(ok=False, detail=failure, measure=drop)
        return _Verdict(ok=True, measure=drop)

    return _exemption_case(ctx), check


def _tables_equal(a: ScoreTable, b: ScoreTable) -> str:
    ra, rb = _table_rows(a), _table_rows(b)
    for key, r in ra.items():
        s = rb.get(key)
        if s is None:
            return f"{key[0]} in {key[1]} is missing"
        if not _same(float(a.total[r]), float(b.total[s])) or a.grade_code[r] != b.grade_code[s]:
            return (
                f"{key[0]} in {key[1]}: {a.total[r]:.6g} ({a.grade[r]}) vs "
                f"{b.total[s]:.6g} ({b.grade[s]})"
            )
    return ""


def _exemption_idempotence(ctx: _Context) -> tuple[Any, Callable[[_Case], _Verdict]]:
    def check(c: _Case) -> _Verdict:
        ex: tuple[Exemption, ...] = c.extra["_ex"]
        again = tuple(attrs.evolve(e, reason=e.reason + " (filed again)") for e in ex)
        once = ctx.score(c.cadres, c.rows, ex)
        twice = ctx.score(c.cadres, c.rows, ex + ex + again)
        diff = _tables_equal(once, twice)
        if diff:
            return _Verdict(ok=False, detail=f"applying the exemptions twice changed {diff}")
        return _Verdict(ok=True)

    return _exemption_case(ctx), check


def _exemption_locality(ctx: _Context) -> tuple[Any, Callable[[_Case], _Verdict]]:
    def check(c: _Case) -> _Verdict:
        ex: tuple[Exemption, ...] = c.extra["_ex"]
        exempt = {e.cadre_id for e in ex}
        plain = ctx.score(c.cadres, c.rows)
        with_ex = ctx.score(c.cadres, c.rows, ex)
        rw = _table_rows(with_ex)
        for key, r in _table_rows(plain).items():
            if key[0] in exempt:
                continue
            a, b = float(plain.total[r]), float(with_ex.total[rw[key]])
            if not _same(a, b):
                return _Verdict(
                    ok=False,
                    detail=f"exempting {', '.join(sorted(exempt))} moved {key[0]}'s total in "
                    f"{key[1]} from {a:.6g} to {b:.6g}",
                )
        return _Verdict(ok=True)

    return _exemption_case(ctx, one_cadre=True), check


def _groups(table: ScoreTable) -> dict[tuple[str, str], list[int]]:
    out: dict[tuple[str, str], list[int]] = {}
    for r in range(len(table)):
        out.setdefault((str(table.periods[r]), str(table.groups[r])), []).append(r)
    return out


def _naive_seats(n: int, quota: float, rounding: str) -> int:
    x = quota * n
    if rounding == "floor":
        return max(math.floor(x + 1e-9), 0)
    if rounding == "half_up":
        return max(math.floor(x + 0.5 + 1e-9), 0)
    return max(math.ceil(x - 1e-9), 0)


def _quota(ctx: _Context) -> tuple[Any, Callable[[_Case], _Verdict]]:
    scheme = ctx.scheme
    quotas = [(k, g) for k, g in enumerate(scheme.grades) if g.quota is not None]

    def seats_of(groups: dict[tuple[str, str], list[int]], q: float) -> dict[tuple[str, str], int]:
        if scheme.apportionment == "per_group":
            return {k: _naive_seats(len(v), q, scheme.quota_rounding) for k, v in groups.items()}
        out: dict[tuple[str, str], int] = {}
        for period in sorted({p for p, _ in groups}):
            keys = sorted(k for k in groups if k[0] == period)
            s = quota_seats(
                [len(groups[k]) for k in keys],
                q,
                rounding=scheme.quota_rounding,
                apportionment="largest_remainder",
            )
            out.update(zip(keys, (int(x) for x in s), strict=True))
        return out

    def check(c: _Case) -> _Verdict:
        table = ctx.score(c.cadres, c.rows)
        groups = _groups(table)
        worst = 0.0
        for k, g in quotas:
            seats = seats_of(groups, float(g.quota or 0.0))
            for key, members in groups.items():
                holders = sum(1 for r in members if int(table.grade_code[r]) == k)
                worst = max(worst, holders - seats[key])
                if holders > seats[key]:
                    return _Verdict(
                        ok=False,
                        detail=f"{holders} cadres hold {g.id!r} in group {key[1]} ({key[0]}) "
                        f"of {len(members)}, but the quota {g.quota:g} gives {seats[key]} seat(s)",
                        measure=worst,
                    )
        return _Verdict(ok=True, measure=worst)

    return _plain_case(ctx, min_size=2), check


def _same_cap_pairs(ctx: _Context, c: _Case, table: ScoreTable) -> Iterable[tuple[int, int]]:
    caps = _caps(ctx.scheme, c.rows)
    cap_of = [
        caps.get((str(table.cadre_ids[r]), str(table.periods[r])), 0) for r in range(len(table))
    ]
    for members in _groups(table).values():
        for i in members:
            for j in members:
                if i != j and cap_of[i] <= cap_of[j]:
                    yield i, j


def _equal_treatment(ctx: _Context) -> tuple[Any, Callable[[_Case], _Verdict]]:
    def check(c: _Case) -> _Verdict:
        table = ctx.score(c.cadres, c.rows)
        caps = _caps(ctx.scheme, c.rows)
        for i, j in _same_cap_pairs(ctx, c, table):
            ci = caps.get((str(table.cadre_ids[i]), str(table.periods[i])), 0)
            cj = caps.get((str(table.cadre_ids[j]), str(table.periods[j])), 0)
            if ci != cj:
                continue
            if round(float(table.total[i]), 9) == round(float(table.total[j]), 9) and (
                table.grade_code[i] != table.grade_code[j]
            ):
                return _Verdict(
                    ok=False,
                    detail=f"{table.cadre_ids[i]} and {table.cadre_ids[j]} both scored "
                    f"{table.total[i]:.6g} in {table.periods[i]} but got {table.grade[i]} "
                    f"and {table.grade[j]}",
                )
        return _Verdict(ok=True)

    return _plain_case(ctx, min_size=2), check


def _grade_monotonicity(ctx: _Context) -> tuple[Any, Callable[[_Case], _Verdict]]:
    def check(c: _Case) -> _Verdict:
        table = ctx.score(c.cadres, c.rows)
        for i, j in _same_cap_pairs(ctx, c, table):
            if round(float(table.total[i]), 9) > round(float(table.total[j]), 9) and (
                table.grade_code[i] > table.grade_code[j]
            ):
                return _Verdict(
                    ok=False,
                    detail=f"{table.cadre_ids[i]} scored {table.total[i]:.6g} > "
                    f"{table.cadre_ids[j]}'s {table.total[j]:.6g} in {table.periods[i]} but got "
                    f"the worse grade {table.grade[i]} (vs {table.grade[j]})",
                )
        return _Verdict(ok=True)

    return _plain_case(ctx, min_size=2), check


def _veto_caps(ctx: _Context) -> tuple[Any, Callable[[_Case], _Verdict]]:
    def check(c: _Case) -> _Verdict:
        table = ctx.score(c.cadres, c.rows)
        caps = _caps(ctx.scheme, c.rows)
        rows = _table_rows(table)
        for key, cap in caps.items():
            r = rows.get(key)
            if r is not None and int(table.grade_code[r]) < cap:
                return _Verdict(
                    ok=False,
                    detail=f"{key[0]} was vetoed in {key[1]} (best allowed "
                    f"{ctx.scheme.grades[cap].id}) but got {table.grade[r]}",
                )
        return _Verdict(ok=True)

    return _plain_case(ctx), check


def _rollup_consistency(ctx: _Context) -> tuple[Any, Callable[[_Case], _Verdict]]:
    @st.composite
    def case(draw: st.DrawFn) -> _Case:
        roster = draw(ctx.roster(max_size=3))
        rows = draw(record_rows(ctx.scheme, roster, _MONTHS, ties=False))
        return _Case(cadres=roster, rows=tuple(rows), extra={"periods": "2025-01 .. 2025-12"})

    def check(c: _Case) -> _Verdict:
        rec = Records.from_rows(list(c.rows))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExposureWarning)
            direct = rollup(rec, ctx.scheme, to="year")
            stepped = rollup(rollup(rec, ctx.scheme, to="quarter"), ctx.scheme, to="year")
        a = {(x[0], x[1], x[2]): x[3] for x in direct.to_rows()}
        b = {(x[0], x[1], x[2]): x[3] for x in stepped.to_rows()}
        if set(a) != set(b):
            diff = min(set(a) ^ set(b))
            return _Verdict(
                ok=False, detail=f"month -> year and month -> quarter -> year differ at {diff}"
            )
        for key, v in a.items():
            if not math.isclose(v, b[key], rel_tol=1e-9, abs_tol=1e-9):
                return _Verdict(
                    ok=False,
                    detail=f"{key[0]} {key[2]} for {key[1]}: month -> year gives {v:.9g}, "
                    f"month -> quarter -> year gives {b[key]:.9g}",
                )
        ta = ctx.scorer(ctx.scheme, list(c.cadres), direct, exemptions=())
        tb = ctx.scorer(ctx.scheme, list(c.cadres), stepped, exemptions=())
        rb = _table_rows(tb)
        for row_key, r in _table_rows(ta).items():
            x, y = float(ta.total[r]), float(tb.total[rb[row_key]])
            if not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-7):
                return _Verdict(
                    ok=False,
                    detail=f"{row_key[0]}'s year total is {x:.9g} from months "
                    f"but {y:.9g} via quarters",
                )
        return _Verdict(ok=True)

    return case(), check


@frozen
class _Property:
    summary: str
    build: Callable[[_Context], tuple[Any, Callable[[_Case], _Verdict]]]
    measure: str = ""


PROPERTIES: dict[str, _Property] = {
    "boundedness": _Property(
        "every score before penalties lies in [0, 100 x the highest attainment] and penalties "
        "in [0, the sum of their caps]",
        _boundedness,
        "highest score before penalties",
    ),
    "totality": _Property(
        "degenerate input (one cadre, zero periods, missing rows, zero denominators, quarters, "
        "years, an unscored line) gives finite scores and valid grades, never an error",
        _totality,
    ),
    "own_monotonicity": _Property(
        "improving one of a cadre's own values never lowers its total",
        _own_monotonicity,
        "score cliff (points from a step of 1 % of the reference span)",
    ),
    "independence": _Property(
        "adding a cadre or changing one cadre's records changes no other cadre's total",
        _independence,
        "rank jump of another cadre",
    ),
    "permutation_invariance": _Property(
        "the order of cadres and record rows does not change any result",
        _permutation_invariance,
    ),
    "weight_homogeneity": _Property(
        "multiplying every weight by the same positive number changes no total",
        _weight_homogeneity,
    ),
    "exemption_safety": _Property(
        "an exemption never lowers the exempted cadre's total (nor, alone, its grade)",
        _exemption_safety,
        "score drop from an exemption",
    ),
    "exemption_idempotence": _Property(
        "applying the same exemptions twice is the same as once",
        _exemption_idempotence,
    ),
    "exemption_locality": _Property(
        "an exemption changes no other cadre's total",
        _exemption_locality,
    ),
    "quota": _Property(
        "no group holds more cadres in a quota grade than the quota's seats",
        _quota,
        "cadres over the quota",
    ),
    "equal_treatment": _Property(
        "cadres with equal totals and equal veto caps in one group get equal grades",
        _equal_treatment,
    ),
    "grade_monotonicity": _Property(
        "a higher total (with no stricter veto cap) never gets a worse grade in its group",
        _grade_monotonicity,
    ),
    "veto_caps": _Property(
        "a vetoed cadre never gets a grade better than the veto's cap",
        _veto_caps,
    ),
    "rollup_consistency": _Property(
        "month -> year equals month -> quarter -> year, in records and in scores",
        _rollup_consistency,
    ),
}

ALL: tuple[str, ...] = tuple(PROPERTIES)
"""The names of every property :func:`check_scheme` knows, in the order it checks them."""


def _vacuous(name: str, scheme: Scheme) -> str:
    if name == "veto_caps" and not scheme.vetoes:
        return "vacuous: the scheme has no vetoes"
    if name == "quota" and all(g.quota is None for g in scheme.grades):
        return "vacuous: no grade has a quota"
    return ""


# check_scheme may run inside a user's own hypothesis test, hence nested_given
_SUPPRESSED = [
    getattr(HealthCheck, name)
    for name in (
        "too_slow",
        "filter_too_much",
        "data_too_large",
        "large_base_example",
        "nested_given",
    )
    if hasattr(HealthCheck, name)
]


def _run_property(
    name: str, ctx: _Context, *, max_examples: int, seed: int | None
) -> PropertyResult:
    prop = PROPERTIES[name]
    strategy, check = prop.build(ctx)
    state: dict[str, Any] = {"runs": 0, "failure": None, "worst": None}

    def test(case: _Case) -> None:
        state["runs"] += 1
        try:
            verdict = check(case)
        except Exception as exc:  # noqa: BLE001 - any crash is a counterexample
            verdict = _Verdict(ok=False, detail=f"raised {type(exc).__name__}: {exc}")
        if verdict.measure is not None:
            if prop.measure and name not in ("independence", "exemption_safety"):
                target(verdict.measure, label=name)
            worst = state["worst"]
            if worst is None or verdict.measure > worst[0]:
                state["worst"] = (verdict.measure, case, verdict.measure_case or verdict.detail)
        if not verdict.ok:
            state["failure"] = (case, verdict.detail)
            raise _PropertyFailedError(verdict.detail)

    config = settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=False,
        report_multiple_bugs=False,
        verbosity=Verbosity.quiet,
        print_blob=False,
        suppress_health_check=_SUPPRESSED,
    )
    run = cast("Callable[[], None]", config(given(strategy)(test)))  # type: ignore[no-untyped-call]
    if seed is not None:
        run = hypothesis_seed(seed)(run)
    with contextlib.suppress(Exception):  # the recorded failure says what went wrong
        run()
    counterexample = None
    if state["failure"] is not None:
        case, detail = state["failure"]
        counterexample = case.example(detail)
    worst_value: float | None = None
    worst_case = None
    if state["worst"] is not None and prop.measure:
        worst_value, case, text = state["worst"]
        worst_case = case.example(text)
    return PropertyResult(
        name=name,
        holds=state["failure"] is None,
        summary=prop.summary,
        counterexample=counterexample,
        examples=state["runs"],
        worst=worst_value,
        worst_label=prop.measure,
        worst_case=worst_case,
        note=_vacuous(name, ctx.scheme),
    )


def _check_names(owner: str, properties: Iterable[str] | str) -> tuple[str, ...]:
    names = (properties,) if isinstance(properties, str) else tuple(properties)
    if not names:
        raise InvalidInputError(f"{owner}: properties must not be empty")
    for n in names:
        if n not in PROPERTIES:
            raise InvalidInputError(
                f"{owner}: unknown property {n!r}; expected some of {list(ALL)}"
            )
    return tuple(dict.fromkeys(names))


def check_scheme(
    scheme: Scheme,
    *,
    properties: Iterable[str] | str = ALL,
    max_examples: int = DEFAULT_EXAMPLES,
    max_cadres: int = 8,
    units: Sequence[str] = ("u1", "u2"),
    scorer: Scorer = score,
    seed: int | None = 0,
) -> PropertyReport:
    """Check which fairness properties a scoring scheme has.

    Every property is a hypothesis test over small cases drawn for the
    scheme: cadres of the lines it scores, in a few units, with records that
    favour boundary values (exactly at a target or threshold), ties (cadres
    copying each other's rows), all-zero periods, missing rows and zero rate
    denominators. A failing property is shrunk to a small counterexample.
    Hypothesis stores no example database.

    The properties (their names are in ``ALL``): ``boundedness``, ``totality``,
    ``own_monotonicity``, ``independence`` (of other cadres),
    ``permutation_invariance``, ``weight_homogeneity``, ``exemption_safety``
    (an exemption never penalises), ``exemption_idempotence``,
    ``exemption_locality``, ``quota``, ``equal_treatment``,
    ``grade_monotonicity``, ``veto_caps`` and ``rollup_consistency``.

    Parameters
    ----------
    scheme
        The scheme to check.
    properties
        Property names to check (default: all).
    max_examples
        Examples per property (at least 1).
    max_cadres
        Most cadres in one case (at least 2).
    units
        Units the cadres are drawn from (grading groups when grouping by unit).
    scorer
        The scoring function under test, called as
        ``scorer(scheme, cadres, records, exemptions=...)`` and returning a
        :class:`~cadredev.scoring.ScoreTable` (default
        :func:`~cadredev.scoring.score`); pass your own wrapper to check a
        policy built on top of it.
    seed
        Seed of the search, so a report is reproducible; ``None`` for a fresh one.

    Returns
    -------
    PropertyReport

    Raises
    ------
    InvalidInputError
        For an unknown property name, ``max_examples < 1``, ``max_cadres < 2``,
        no units, or a scheme that is not a :class:`~cadredev.scoring.Scheme`.

    Notes
    -----
    Called inside your own ``@given`` test, the outer test needs
    ``@settings(suppress_health_check=[HealthCheck.nested_given])``: every
    property is a hypothesis test of its own.

    Examples
    --------
    >>> from cadredev.scoring import Indicator, MinMax, Scheme, Target
    >>> fixed = Scheme(name="fixed", indicators=[Indicator(id="visits", normalise=Target(0, 20))])
    >>> check_scheme(fixed, properties=["independence"], max_examples=20).ok
    True
    >>> relative = Scheme(name="relative", indicators=[Indicator(id="visits", normalise=MinMax())])
    >>> report = check_scheme(relative, properties=["independence"], max_examples=50)
    >>> report.results["independence"].holds
    False
    >>> print(report.results["independence"].counterexample)  # doctest: +ELLIPSIS
    adding c01 moved c00's total in 2025-01 from 50 to ...

    .. versionadded:: 0.1
    """
    if not isinstance(scheme, Scheme):
        raise InvalidInputError(f"check_scheme: scheme must be a Scheme, got {scheme!r}")
    names = _check_names("check_scheme", properties)
    if not is_int(max_examples) or max_examples < 1:
        raise InvalidInputError(
            f"check_scheme: max_examples must be an integer >= 1, got {max_examples!r}"
        )
    if not is_int(max_cadres) or max_cadres < 2:
        raise InvalidInputError(
            f"check_scheme: max_cadres must be >= 2 (an integer), got {max_cadres!r}"
        )
    unit_set = tuple(units)
    if not unit_set or not all(isinstance(u, str) and u for u in unit_set):
        raise InvalidInputError(f"check_scheme: units must be non-empty strings, got {units!r}")
    if not callable(scorer):
        raise InvalidInputError(f"check_scheme: scorer must be callable, got {scorer!r}")
    if not any(record_ids(scheme, line) for line in scored_lines(scheme)):
        raise InvalidInputError(f"check_scheme: scheme {scheme.name!r} scores no line")
    ctx = _Context(scheme=scheme, scorer=scorer, max_cadres=max_cadres, units=unit_set)
    results = {n: _run_property(n, ctx, max_examples=max_examples, seed=seed) for n in names}
    return PropertyReport(subject=f"scheme {scheme.name!r}", results=results)


def assert_scheme(
    scheme: Scheme,
    *,
    properties: Iterable[str] | str = ALL,
    max_examples: int = DEFAULT_EXAMPLES,
    **options: Any,
) -> PropertyReport:
    """Assert that a scheme has the properties (for pytest); return the report.

    Raises
    ------
    AssertionError
        With the report (and each counterexample) when a property fails.

    Examples
    --------
    >>> from cadredev.scoring import Indicator, Scheme, Target
    >>> fixed = Scheme(name="fixed", indicators=[Indicator(id="visits", normalise=Target(0, 20))])
    >>> assert_scheme(fixed, properties=["boundedness", "quota"], max_examples=10).ok
    True

    .. versionadded:: 0.1
    """
    report = check_scheme(scheme, properties=properties, max_examples=max_examples, **options)
    if not report.ok:
        raise AssertionError(str(report))
    return report


def assert_scheme_property(
    scheme: Scheme, name: str, *, max_examples: int = DEFAULT_EXAMPLES, **options: Any
) -> PropertyResult:
    """Assert that a scheme has one named property; return its result.

    Examples
    --------
    >>> from cadredev.scoring import Indicator, Scheme, Target
    >>> fixed = Scheme(name="fixed", indicators=[Indicator(id="visits", normalise=Target(0, 20))])
    >>> assert_scheme_property(fixed, "veto_caps", max_examples=5).note
    'vacuous: the scheme has no vetoes'

    .. versionadded:: 0.1
    """
    if not isinstance(name, str):
        raise InvalidInputError(f"assert_scheme_property: name must be a string, got {name!r}")
    return assert_scheme(scheme, properties=[name], max_examples=max_examples, **options)[name]


def assert_independent(scheme: Scheme, **options: Any) -> PropertyResult:
    """Assert that no cadre's total depends on another cadre's data.

    Examples
    --------
    >>> from cadredev.scoring import Indicator, Scheme, Target
    >>> fixed = Scheme(name="fixed", indicators=[Indicator(id="visits", normalise=Target(0, 20))])
    >>> assert_independent(fixed, max_examples=10).holds
    True

    .. versionadded:: 0.1
    """
    return assert_scheme_property(scheme, "independence", **options)


def assert_exemption_safe(scheme: Scheme, **options: Any) -> PropertyReport:
    """Assert that exemptions never penalise, are idempotent and local.

    Examples
    --------
    >>> from cadredev.scoring import Indicator, Scheme, Target
    >>> fixed = Scheme(name="fixed", indicators=[Indicator(id="visits", normalise=Target(0, 20))])
    >>> assert_exemption_safe(fixed, max_examples=10).ok
    True

    .. versionadded:: 0.1
    """
    return assert_scheme(
        scheme,
        properties=("exemption_safety", "exemption_idempotence", "exemption_locality"),
        **options,
    )


def assert_quota_respected(scheme: Scheme, **options: Any) -> PropertyResult:
    """Assert that no group ever holds more cadres in a grade than its quota allows.

    Examples
    --------
    >>> from cadredev.scoring import Indicator, Scheme, Target
    >>> fixed = Scheme(name="fixed", indicators=[Indicator(id="visits", normalise=Target(0, 20))])
    >>> assert_quota_respected(fixed, max_examples=10).holds
    True

    .. versionadded:: 0.1
    """
    return assert_scheme_property(scheme, "quota", **options)
