"""The laws a scoring scheme should obey, one function per property.

Each law takes a :class:`~cadredev.testing._cases.CheckContext` and returns
the strategy of the cases it needs and the check of one case. ``PROPERTIES``
names them, in the order :func:`~cadredev.testing.check_scheme` runs them.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
import numpy as np
from attrs import frozen
from hypothesis import strategies as st
from hypothesis import target

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
)

from ._cases import (
    MONTHS,
    Case,
    CheckContext,
    Row,
    Verdict,
    plain_case,
    same,
    table_rows,
    veto_caps_of,
)
from ._records import exemptions, record_rows, reference_span, scored_lines, scored_roster

__all__ = ["ALL", "PROPERTIES", "Property", "vacuous"]


def _boundedness(ctx: CheckContext) -> tuple[Any, Callable[[Case], Verdict]]:
    uppers = [getattr(i.normalise, "upper", 1.0) for i in ctx.scheme.all_indicators]
    # an unclipped scale has no upper bound: hold it to the attainment of a target (1)
    top = 100.0 * max([u for u in uppers if math.isfinite(u)] or [1.0])
    caps = [p.cap for p in ctx.scheme.penalties]
    most_pen = (
        sum(c for c in caps if c is not None) if all(c is not None for c in caps) else math.inf
    )

    def check(case: Case) -> Verdict:
        table = ctx.score(case.cadres, case.rows)
        worst = 0.0
        for (cid, period), r in table_rows(table).items():
            total, pen = float(table.total[r]), float(table.penalties[r])
            base = total + pen
            worst = max(worst, base)
            if not -1e-9 <= base <= top + 1e-9:
                return Verdict(
                    ok=False,
                    detail=f"{cid} in {period}: score before penalties {base:.6g} is outside "
                    f"[0, {top:.6g}]",
                )
            if not -1e-9 <= pen <= most_pen + 1e-9:
                return Verdict(
                    ok=False,
                    detail=f"{cid} in {period}: penalty {pen:.6g} is outside [0, {most_pen:.6g}]",
                )
        return Verdict(ok=True, measure=worst)

    return plain_case(ctx), check


@st.composite
def _degenerate_case(draw: st.DrawFn, ctx: CheckContext) -> Case:
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
    return Case(cadres=roster, rows=tuple(rows), extra={"periods": ", ".join(labels)})


def _totality(ctx: CheckContext) -> tuple[Any, Callable[[Case], Verdict]]:
    n_grades = len(ctx.scheme.grades)

    def check(case: Case) -> Verdict:
        table = ctx.score(case.cadres, case.rows)
        excluded = {cid for cid, _ in table.excluded}
        # a cadre none of whose indicators applies is excluded (with why), never graded on zero
        scored = [c for c in case.cadres if ctx.scheme.for_line(c.line) and c.id not in excluded]
        periods = {p for _, p, _, _ in case.rows}
        if len(table) != len(scored) * len(periods):
            return Verdict(
                ok=False,
                detail=f"{len(table)} rows scored, expected {len(scored)} cadres x "
                f"{len(periods)} periods",
            )
        for c in case.cadres:
            if c not in scored and c.id not in excluded:
                return Verdict(
                    ok=False, detail=f"{c.id} was neither scored nor excluded with a reason"
                )
        if not np.isfinite(np.asarray(table.total, dtype=float)).all():
            r = int(np.nonzero(~np.isfinite(np.asarray(table.total, dtype=float)))[0][0])
            return Verdict(ok=False, detail=f"{table.cadre_ids[r]} scored {table.total[r]}")
        codes = np.asarray(table.grade_code)
        if codes.size and (codes.min() < 0 or codes.max() >= n_grades):
            return Verdict(ok=False, detail=f"grade codes {codes.tolist()} out of range")
        return Verdict(ok=True)

    return _degenerate_case(ctx), check


def _improvable(scheme: Scheme, line: Line | None) -> list[str]:
    out = [i.id for i in scheme.for_line(line)]
    out += [p.id for p in scheme.penalties if p.lines is None or line in p.lines]
    return out


@st.composite
def _monotone_case(draw: st.DrawFn, ctx: CheckContext) -> Case:
    case = draw(plain_case(ctx, periods=("2025-01",)))
    i = draw(st.integers(0, len(case.cadres) - 1))
    who = case.cadres[i]
    key = draw(st.sampled_from(_improvable(ctx.scheme, who.line)))
    frac = draw(st.sampled_from((0.01, 0.001, 0.05, 0.25, 1.0)))
    return attrs.evolve(case, extra={**case.extra, "cadre": who.id, "improved": key, "step": frac})


def _own_monotonicity(ctx: CheckContext) -> tuple[Any, Callable[[Case], Verdict]]:
    scheme = ctx.scheme
    inds = {i.id: i for i in scheme.all_indicators}
    pens = {p.id for p in scheme.penalties}

    def improve(case: Case) -> tuple[list[Row], str, bool]:
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

    def check(case: Case) -> Verdict:
        cid = case.extra["cadre"]
        before = ctx.score(case.cadres, case.rows)
        rows, what, small = improve(case)
        after = ctx.score(case.cadres, rows)
        r = table_rows(before).get((cid, "2025-01"))
        if r is None:  # excluded: no indicator applies, there is no total to lower
            return Verdict(ok=True)
        r_after = table_rows(after).get((cid, "2025-01"))
        if r_after is None:
            return Verdict(ok=False, detail=f"improving {cid}'s {what} excluded it from scoring")
        a, b = float(before.total[r]), float(after.total[r_after])
        cliff = b - a if small else None
        target(a - b, label="score drop")
        if b < a and not same(a, b):
            return Verdict(
                ok=False, detail=f"improving {cid}'s {what} lowered its total {a:.6g} -> {b:.6g}"
            )
        return Verdict(
            ok=True, measure=cliff, measure_case=f"{cid}: {what} moved the total {a:.6g} -> {b:.6g}"
        )

    return _monotone_case(ctx), check


def _per_scale(ind: Indicator) -> float:
    return {"month": 1.0, "quarter": 1 / 3, "year": 1 / 12}[ind.per or "month"]


@st.composite
def _independence_case(draw: st.DrawFn, ctx: CheckContext) -> Case:
    case = draw(plain_case(ctx))
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


def _independence(ctx: CheckContext) -> tuple[Any, Callable[[Case], Verdict]]:
    def check(case: Case) -> Verdict:
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
        rows_after = table_rows(after)
        jump = 0
        for key, r in table_rows(before).items():
            if key[0] == moved:
                continue
            s = rows_after[key]
            if before.groups[r] == after.groups[s]:
                jump = max(jump, abs(int(after.rank[s]) - int(before.rank[r])))
        target(float(jump), label="rank jump")
        for key, r in table_rows(before).items():
            if key[0] == moved:
                continue
            a, b = float(before.total[r]), float(after.total[rows_after[key]])
            if not same(a, b):
                return Verdict(
                    ok=False,
                    detail=f"{how} moved {key[0]}'s total in {key[1]} from {a:.6g} to {b:.6g}",
                    measure=float(jump),
                )
        return Verdict(ok=True, measure=float(jump), measure_case=f"{how} moved ranks by {jump}")

    return _independence_case(ctx), check


@st.composite
def _permuted_case(draw: st.DrawFn, ctx: CheckContext) -> Case:
    case = draw(plain_case(ctx))
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


def _permutation_invariance(ctx: CheckContext) -> tuple[Any, Callable[[Case], Verdict]]:
    def check(case: Case) -> Verdict:
        a = ctx.score(case.cadres, case.rows)
        order = {c.id: c for c in case.cadres}
        roster = [order[i] for i in case.extra["cadre order"]]
        b = ctx.score(roster, [case.rows[k] for k in case.extra["_rows"]])
        ra, rb = table_rows(a), table_rows(b)
        if set(ra) != set(rb):
            return Verdict(ok=False, detail="reordering the input changed which rows are scored")
        for key, r in ra.items():
            s = rb[key]
            if not same(float(a.total[r]), float(b.total[s])) or a.grade_code[r] != b.grade_code[s]:
                return Verdict(
                    ok=False,
                    detail=f"reordering the input changed {key[0]}'s result in {key[1]}: "
                    f"{a.total[r]:.6g} ({a.grade[r]}) -> {b.total[s]:.6g} ({b.grade[s]})",
                )
            if a.rank[r] != b.rank[s]:
                return Verdict(
                    ok=False,
                    detail=f"reordering the input changed {key[0]}'s rank in {key[1]}: "
                    f"{a.rank[r]} -> {b.rank[s]}",
                )
        return Verdict(ok=True)

    return _permuted_case(ctx), check


def _scaled(scheme: Scheme, factor: float) -> Scheme:
    new = {i.id: attrs.evolve(i, weight=i.weight * factor) for i in scheme.all_indicators}
    inds: Any
    if isinstance(scheme.indicators, dict) or hasattr(scheme.indicators, "items"):
        inds = {line: [new[i.id] for i in items] for line, items in scheme.indicators.items()}
    else:
        inds = [new[i.id] for i in scheme.indicators]
    return attrs.evolve(scheme, indicators=inds)


def _weight_homogeneity(ctx: CheckContext) -> tuple[Any, Callable[[Case], Verdict]]:
    factors = st.sampled_from((2.0, 0.5, 10.0, 3.0, 0.1)) | st.floats(0.01, 100.0)

    @st.composite
    def case(draw: st.DrawFn) -> Case:
        c = draw(plain_case(ctx))
        return attrs.evolve(c, extra={**c.extra, "weights times": draw(factors)})

    def check(c: Case) -> Verdict:
        factor = c.extra["weights times"]
        a = ctx.score(c.cadres, c.rows)
        scaled = attrs.evolve(ctx, scheme=_scaled(ctx.scheme, factor))
        b = scaled.score(c.cadres, c.rows)
        rb = table_rows(b)
        for key, r in table_rows(a).items():
            x, y = float(a.total[r]), float(b.total[rb[key]])
            if abs(x - y) > 1e-7 * max(1.0, abs(x)):
                return Verdict(
                    ok=False,
                    detail=f"multiplying every weight by {factor:g} moved {key[0]}'s total "
                    f"in {key[1]} from {x:.9g} to {y:.9g}",
                )
        return Verdict(ok=True)

    return case(), check


@st.composite
def _exemption_case(draw: st.DrawFn, ctx: CheckContext, *, one_cadre: bool = False) -> Case:
    c = draw(plain_case(ctx))
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


def _exemption_safety(ctx: CheckContext) -> tuple[Any, Callable[[Case], Verdict]]:
    def check(c: Case) -> Verdict:
        ex: tuple[Exemption, ...] = c.extra["_ex"]
        plain = ctx.score(c.cadres, c.rows)
        with_ex = ctx.score(c.cadres, c.rows, ex)
        rp, rw = table_rows(plain), table_rows(with_ex)
        single = len({e.cadre_id for e in ex}) == 1
        drop = 0.0
        failure = ""
        for e in ex:
            key = (e.cadre_id, e.period)
            if key not in rp:
                continue
            a, b = float(plain.total[rp[key]]), float(with_ex.total[rw[key]])
            if b < a and not same(a, b):
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
            return Verdict(ok=False, detail=failure, measure=drop)
        return Verdict(ok=True, measure=drop)

    return _exemption_case(ctx), check


def _tables_equal(a: ScoreTable, b: ScoreTable) -> str:
    ra, rb = table_rows(a), table_rows(b)
    for key, r in ra.items():
        s = rb.get(key)
        if s is None:
            return f"{key[0]} in {key[1]} is missing"
        if not same(float(a.total[r]), float(b.total[s])) or a.grade_code[r] != b.grade_code[s]:
            return (
                f"{key[0]} in {key[1]}: {a.total[r]:.6g} ({a.grade[r]}) vs "
                f"{b.total[s]:.6g} ({b.grade[s]})"
            )
    return ""


def _exemption_idempotence(ctx: CheckContext) -> tuple[Any, Callable[[Case], Verdict]]:
    def check(c: Case) -> Verdict:
        ex: tuple[Exemption, ...] = c.extra["_ex"]
        again = tuple(attrs.evolve(e, reason=e.reason + " (filed again)") for e in ex)
        once = ctx.score(c.cadres, c.rows, ex)
        twice = ctx.score(c.cadres, c.rows, ex + ex + again)
        diff = _tables_equal(once, twice)
        if diff:
            return Verdict(ok=False, detail=f"applying the exemptions twice changed {diff}")
        return Verdict(ok=True)

    return _exemption_case(ctx), check


def _exemption_locality(ctx: CheckContext) -> tuple[Any, Callable[[Case], Verdict]]:
    def check(c: Case) -> Verdict:
        ex: tuple[Exemption, ...] = c.extra["_ex"]
        exempt = {e.cadre_id for e in ex}
        plain = ctx.score(c.cadres, c.rows)
        with_ex = ctx.score(c.cadres, c.rows, ex)
        rw = table_rows(with_ex)
        for key, r in table_rows(plain).items():
            if key[0] in exempt:
                continue
            a, b = float(plain.total[r]), float(with_ex.total[rw[key]])
            if not same(a, b):
                return Verdict(
                    ok=False,
                    detail=f"exempting {', '.join(sorted(exempt))} moved {key[0]}'s total in "
                    f"{key[1]} from {a:.6g} to {b:.6g}",
                )
        return Verdict(ok=True)

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


def _quota(ctx: CheckContext) -> tuple[Any, Callable[[Case], Verdict]]:
    scheme = ctx.scheme
    quotas = [(k, g) for k, g in enumerate(scheme.grades) if g.quota is not None]

    def seats_of(groups: dict[tuple[str, str], list[int]], q: float) -> dict[tuple[str, str], int]:
        floor = scheme.min_seats if q > 0 else 0
        if scheme.apportionment == "per_group":
            return {
                k: max(_naive_seats(len(v), q, scheme.quota_rounding), min(floor, len(v)))
                for k, v in groups.items()
            }
        out: dict[tuple[str, str], int] = {}
        for period in sorted({p for p, _ in groups}):
            keys = sorted(k for k in groups if k[0] == period)
            s = quota_seats(
                [len(groups[k]) for k in keys],
                q,
                rounding=scheme.quota_rounding,
                apportionment="largest_remainder",
                min_seats=scheme.min_seats,
            )
            out.update(zip(keys, (int(x) for x in s), strict=True))
        return out

    def check(c: Case) -> Verdict:
        table = ctx.score(c.cadres, c.rows)
        groups = _groups(table)
        worst = 0.0
        for k, g in quotas:
            seats = seats_of(groups, float(g.quota or 0.0))
            for key, members in groups.items():
                holders = sum(1 for r in members if int(table.grade_code[r]) == k)
                worst = max(worst, holders - seats[key])
                if holders > seats[key]:
                    return Verdict(
                        ok=False,
                        detail=f"{holders} cadres hold {g.id!r} in group {key[1]} ({key[0]}) "
                        f"of {len(members)}, but the quota {g.quota:g} gives {seats[key]} seat(s)",
                        measure=worst,
                    )
        return Verdict(ok=True, measure=worst)

    return plain_case(ctx, min_size=2), check


def _same_cap_pairs(ctx: CheckContext, c: Case, table: ScoreTable) -> Iterable[tuple[int, int]]:
    caps = veto_caps_of(ctx.scheme, c.rows)
    cap_of = [
        caps.get((str(table.cadre_ids[r]), str(table.periods[r])), 0) for r in range(len(table))
    ]
    for members in _groups(table).values():
        for i in members:
            for j in members:
                if i != j and cap_of[i] <= cap_of[j]:
                    yield i, j


def _equal_treatment(ctx: CheckContext) -> tuple[Any, Callable[[Case], Verdict]]:
    def check(c: Case) -> Verdict:
        table = ctx.score(c.cadres, c.rows)
        caps = veto_caps_of(ctx.scheme, c.rows)
        for i, j in _same_cap_pairs(ctx, c, table):
            ci = caps.get((str(table.cadre_ids[i]), str(table.periods[i])), 0)
            cj = caps.get((str(table.cadre_ids[j]), str(table.periods[j])), 0)
            if ci != cj:
                continue
            if round(float(table.total[i]), 9) == round(float(table.total[j]), 9) and (
                table.grade_code[i] != table.grade_code[j]
            ):
                return Verdict(
                    ok=False,
                    detail=f"{table.cadre_ids[i]} and {table.cadre_ids[j]} both scored "
                    f"{table.total[i]:.6g} in {table.periods[i]} but got {table.grade[i]} "
                    f"and {table.grade[j]}",
                )
        return Verdict(ok=True)

    return plain_case(ctx, min_size=2), check


def _grade_monotonicity(ctx: CheckContext) -> tuple[Any, Callable[[Case], Verdict]]:
    def check(c: Case) -> Verdict:
        table = ctx.score(c.cadres, c.rows)
        for i, j in _same_cap_pairs(ctx, c, table):
            if round(float(table.total[i]), 9) > round(float(table.total[j]), 9) and (
                table.grade_code[i] > table.grade_code[j]
            ):
                return Verdict(
                    ok=False,
                    detail=f"{table.cadre_ids[i]} scored {table.total[i]:.6g} > "
                    f"{table.cadre_ids[j]}'s {table.total[j]:.6g} in {table.periods[i]} but got "
                    f"the worse grade {table.grade[i]} (vs {table.grade[j]})",
                )
        return Verdict(ok=True)

    return plain_case(ctx, min_size=2), check


def _veto_caps(ctx: CheckContext) -> tuple[Any, Callable[[Case], Verdict]]:
    def check(c: Case) -> Verdict:
        table = ctx.score(c.cadres, c.rows)
        caps = veto_caps_of(ctx.scheme, c.rows)
        rows = table_rows(table)
        for key, cap in caps.items():
            r = rows.get(key)
            if r is not None and int(table.grade_code[r]) < cap:
                return Verdict(
                    ok=False,
                    detail=f"{key[0]} was vetoed in {key[1]} (best allowed "
                    f"{ctx.scheme.grades[cap].id}) but got {table.grade[r]}",
                )
        return Verdict(ok=True)

    return plain_case(ctx), check


def _rollup_consistency(ctx: CheckContext) -> tuple[Any, Callable[[Case], Verdict]]:
    @st.composite
    def case(draw: st.DrawFn) -> Case:
        roster = draw(ctx.roster(max_size=3))
        rows = draw(record_rows(ctx.scheme, roster, MONTHS, ties=False))
        return Case(cadres=roster, rows=tuple(rows), extra={"periods": "2025-01 .. 2025-12"})

    def check(c: Case) -> Verdict:
        rec = Records.from_rows(list(c.rows))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExposureWarning)
            direct = rollup(rec, ctx.scheme, to="year")
            stepped = rollup(rollup(rec, ctx.scheme, to="quarter"), ctx.scheme, to="year")
        a = {(x[0], x[1], x[2]): x[3] for x in direct.to_rows()}
        b = {(x[0], x[1], x[2]): x[3] for x in stepped.to_rows()}
        if set(a) != set(b):
            diff = min(set(a) ^ set(b))
            return Verdict(
                ok=False, detail=f"month -> year and month -> quarter -> year differ at {diff}"
            )
        for key, v in a.items():
            if not math.isclose(v, b[key], rel_tol=1e-9, abs_tol=1e-9):
                return Verdict(
                    ok=False,
                    detail=f"{key[0]} {key[2]} for {key[1]}: month -> year gives {v:.9g}, "
                    f"month -> quarter -> year gives {b[key]:.9g}",
                )
        ta = ctx.call(ctx.scheme, list(c.cadres), direct)
        tb = ctx.call(ctx.scheme, list(c.cadres), stepped)
        rb = table_rows(tb)
        for row_key, r in table_rows(ta).items():
            x, y = float(ta.total[r]), float(tb.total[rb[row_key]])
            if not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-7):
                return Verdict(
                    ok=False,
                    detail=f"{row_key[0]}'s year total is {x:.9g} from months "
                    f"but {y:.9g} via quarters",
                )
        return Verdict(ok=True)

    return case(), check


@st.composite
def _twin_case(draw: st.DrawFn, ctx: CheckContext) -> Case:
    """Draw a case, then add a twin of one cadre: same line, unit and record rows."""
    base = draw(plain_case(ctx, min_size=1))
    model = draw(st.sampled_from(base.cadres))
    twin = attrs.evolve(model, id="t" + model.id, name="t" + model.id)
    rows = base.rows + tuple((twin.id, p, k, v) for cid, p, k, v in base.rows if cid == model.id)
    cadres = list(base.cadres)
    cadres.insert(draw(st.integers(0, len(cadres))), twin)
    return Case(
        cadres=tuple(cadres),
        rows=rows,
        extra={**base.extra, "twins": f"{model.id} and {twin.id}"},
    )


def _equal_records(ctx: CheckContext) -> tuple[Any, Callable[[Case], Verdict]]:
    def check(c: Case) -> Verdict:
        table = ctx.score(c.cadres, c.rows)
        rows = table_rows(table)
        a_id, b_id = str(c.extra["twins"]).split(" and ")
        for (cid, period), r in rows.items():
            if cid != a_id:
                continue
            t = rows[(b_id, period)]
            ta, tb = float(table.total[r]), float(table.total[t])
            if not same(ta, tb) or table.grade_code[r] != table.grade_code[t]:
                return Verdict(
                    ok=False,
                    detail=f"{a_id} and {b_id} have the same line, unit and records in {period} "
                    f"but got {ta:.6g} ({table.grade[r]}) and {tb:.6g} ({table.grade[t]})",
                )
        return Verdict(ok=True)

    return _twin_case(ctx), check


def _grades_follow_totals(ctx: CheckContext) -> tuple[Any, Callable[[Case], Verdict]]:
    def check(c: Case) -> Verdict:
        table = ctx.score(c.cadres, c.rows)
        free = ~np.asarray(table.vetoed, dtype=bool)
        for o in table.overrides:
            r = table_rows(table).get((o.override.cadre_id, o.override.period))
            if r is not None:
                free[r] = False
        for members in _groups(table).values():
            kept = [r for r in members if free[r]]
            for hi, lo in ((i, j) for i in kept for j in kept):
                higher = float(table.total[hi]) > float(table.total[lo]) + 1e-9
                if higher and table.grade_code[hi] > table.grade_code[lo]:
                    return Verdict(
                        ok=False,
                        detail=f"{table.cadre_ids[hi]} scored {table.total[hi]:.6g} > "
                        f"{table.cadre_ids[lo]}'s {table.total[lo]:.6g} in "
                        f"{table.periods[hi]} ({table.groups[hi]}) but got the worse grade "
                        f"{table.grade[hi]} (vs {table.grade[lo]})",
                    )
        return Verdict(ok=True)

    return plain_case(ctx, min_size=2), check


@frozen
class Property:
    summary: str
    build: Callable[[CheckContext], tuple[Any, Callable[[Case], Verdict]]]
    measure: str = ""


PROPERTIES: dict[str, Property] = {
    "boundedness": Property(
        "every score before penalties lies in [0, 100 x the highest attainment] and penalties "
        "in [0, the sum of their caps]",
        _boundedness,
        "highest score before penalties",
    ),
    "totality": Property(
        "degenerate input (one cadre, zero periods, missing rows, zero denominators, quarters, "
        "years, an unscored line) gives finite scores and valid grades, never an error",
        _totality,
    ),
    "own_monotonicity": Property(
        "improving one of a cadre's own values never lowers its total",
        _own_monotonicity,
        "score cliff (points from a step of 1 % of the reference span)",
    ),
    "independence": Property(
        "adding a cadre or changing one cadre's records changes no other cadre's total",
        _independence,
        "rank jump of another cadre",
    ),
    "permutation_invariance": Property(
        "the order of cadres and record rows does not change any result",
        _permutation_invariance,
    ),
    "weight_homogeneity": Property(
        "multiplying every weight by the same positive number changes no total",
        _weight_homogeneity,
    ),
    "exemption_safety": Property(
        "an exemption never lowers the exempted cadre's total (nor, alone, its grade)",
        _exemption_safety,
        "score drop from an exemption",
    ),
    "exemption_idempotence": Property(
        "applying the same exemptions twice is the same as once",
        _exemption_idempotence,
    ),
    "exemption_locality": Property(
        "an exemption changes no other cadre's total",
        _exemption_locality,
    ),
    "quota": Property(
        "no group holds more cadres in a quota grade than the quota's seats",
        _quota,
        "cadres over the quota",
    ),
    "equal_treatment": Property(
        "cadres with equal totals and equal veto caps in one group get equal grades",
        _equal_treatment,
    ),
    "grade_monotonicity": Property(
        "a higher total (with no stricter veto cap) never gets a worse grade in its group",
        _grade_monotonicity,
    ),
    "equal_records": Property(
        "two cadres of the same line and unit with the same records get the same total and grade",
        _equal_records,
    ),
    "grades_follow_totals": Property(
        "within a group, ignoring vetoed and overridden rows, a higher total never gets a "
        "worse grade",
        _grades_follow_totals,
    ),
    "veto_caps": Property(
        "a vetoed cadre never gets a grade better than the veto's cap",
        _veto_caps,
    ),
    "rollup_consistency": Property(
        "month -> year equals month -> quarter -> year, in records and in scores",
        _rollup_consistency,
    ),
}

ALL: tuple[str, ...] = tuple(PROPERTIES)
"""Every property :func:`~cadredev.testing.check_scheme` knows, in the order it checks them."""


def vacuous(name: str, scheme: Scheme) -> str:
    if name == "veto_caps" and not scheme.vetoes:
        return "vacuous: the scheme has no vetoes"
    if name == "quota" and all(g.quota is None for g in scheme.grades):
        return "vacuous: no grade has a quota"
    return ""
