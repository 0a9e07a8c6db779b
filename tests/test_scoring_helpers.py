"""Shared strategies and a naive reference scorer for the scoring tests."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st

from cadredev import Cadre, Line
from cadredev.scoring import (
    Grade,
    Indicator,
    Linear,
    LookupTable,
    Penalty,
    Scheme,
    Target,
    Veto,
)
from cadredev.scoring._periods import period_months

LINES = (Line.INVESTMENT, Line.PROJECT, Line.SERVICE)
PERIODS = ("2025-01", "2025-02", "2025-03")

Row = tuple[str, str, str, float]


def naive_attainment(norm: Any, x: float) -> float:
    """Plain scalar attainment, written independently of the vectorised code."""
    if isinstance(norm, Target):
        progress = (x - norm.floor) / (norm.target - norm.floor)
        if progress <= 0:
            return 0.0
        if progress <= 1:
            return progress
        if norm.cap == 1:
            return 1.0
        if norm.stretch is None:
            return min(progress, norm.cap)
        extra = (x - norm.target) / (norm.stretch - norm.target)
        return 1.0 + min(extra, 1.0) * (norm.cap - 1.0)
    if isinstance(norm, Linear):
        s = (x - norm.lo) / (norm.hi - norm.lo)
        return min(max(s, 0.0), 1.0) if norm.clip else s
    if isinstance(norm, LookupTable):
        out = norm.below
        for threshold, value in norm.steps:
            if x >= threshold:
                out = value
        return out
    raise AssertionError(norm)


def naive_scores(
    scheme: Scheme, cadres: Sequence[Cadre], rows: Sequence[Row]
) -> dict[tuple[str, str], tuple[float, float, int]]:
    """Score every (cadre, period) one at a time: (total, penalty, grade cap)."""
    values: dict[tuple[str, str], dict[str, float]] = {}
    for cid, period, name, value in rows:
        values.setdefault((cid, period), {})[name] = value
    periods = sorted({p for _, p, _, _ in rows}, key=period_months)
    out: dict[tuple[str, str], tuple[float, float, int]] = {}
    last = len(scheme.grades) - 1
    for c in cadres:
        applicable = [i for i in scheme.all_indicators if scheme.applies_to(i.id, c.line)]
        if not applicable:
            continue
        for p in periods:
            vals = values.get((c.id, p), {})
            num = den = 0.0
            for ind in applicable:
                v: float | None
                if ind.kind == "rate":
                    v = vals.get(ind.id)
                    if v is None:
                        n, d = vals.get(ind.id + ".num"), vals.get(ind.id + ".den")
                        if n is not None and d is not None and d > 0:
                            v = n / d
                    if v is None:
                        continue
                else:
                    v = vals.get(ind.id, 0.0)
                if ind.per is not None:
                    a, b = period_months(p)
                    v *= {"month": 1, "quarter": 3, "year": 12}[ind.per] / (b - a + 1)
                num += ind.weight * naive_attainment(ind.normalise, v)
                den += ind.weight
            base = 100.0 * num / den if den > 0 else 0.0
            pen = 0.0
            for q in scheme.penalties:
                if q.lines is not None and c.line not in q.lines:
                    continue
                pts = vals.get(q.id, 0.0) * q.points
                pen += pts if q.cap is None else min(pts, q.cap)
            cap = 0
            for veto in scheme.vetoes:
                if vals.get(veto.id, 0.0) >= veto.threshold:
                    k = last if veto.cap is None else scheme.grade_index(veto.cap)
                    cap = max(cap, k)
            out[c.id, p] = (base - pen, pen, cap)
    return out


finite = st.floats(-50, 150, allow_nan=False, allow_infinity=False)


@st.composite
def normalisers(draw: st.DrawFn, /, direction: str = "max") -> Any:
    kind = draw(st.sampled_from(["target", "target_stretch", "linear", "lookup"]))
    a = draw(st.integers(0, 40))
    b = a + draw(st.integers(1, 60))
    if kind == "target":
        cap = draw(st.sampled_from([1.0, 1.2, 1.5]))
        return Target(a, b, cap=cap) if direction == "max" else Target(b, a, cap=cap)
    if kind == "target_stretch":
        c = b + draw(st.integers(1, 30))
        return (
            Target(a, b, stretch=c, cap=1.3)
            if direction == "max"
            else Target(c, b, stretch=a, cap=1.3)
        )
    if kind == "linear":
        return Linear(a, b) if direction == "max" else Linear(b, a)
    scores = sorted(draw(st.lists(st.sampled_from([0.2, 0.5, 0.8, 1.0]), min_size=1, max_size=3)))
    steps = [(a + 10 * k, s) for k, s in enumerate(scores)]
    if direction == "min":
        steps = [(a + 10 * k, s) for k, s in enumerate(reversed(scores))]
        return LookupTable(steps, below=1.0)
    return LookupTable(steps)


@st.composite
def schemes(
    draw: st.DrawFn,
    /,
    *,
    ties: str | None = None,
    rounding: str | None = None,
    with_extras: bool = True,
) -> Scheme:
    per_line: dict[Line, list[Indicator]] = {}
    shared = None
    if draw(st.booleans()):
        shared = Indicator(
            id="shared", normalise=draw(normalisers()), weight=draw(st.integers(1, 4))
        )
    for li, line in enumerate(LINES):
        items = []
        for k in range(draw(st.integers(1, 3))):
            direction = draw(st.sampled_from(["max", "max", "min"]))
            kind = draw(st.sampled_from(["flow", "flow", "stock", "rate"]))
            items.append(
                Indicator(
                    id=f"i{li}{k}",
                    direction=direction,  # type: ignore[arg-type]
                    kind=kind,  # type: ignore[arg-type]
                    normalise=draw(normalisers(direction)),
                    weight=draw(st.sampled_from([0.5, 1.0, 2.0, 3.0])),
                )
            )
        if shared is not None:
            items.append(shared)
        per_line[line] = items
    penalties: tuple[Penalty, ...] = ()
    vetoes: tuple[Veto, ...] = ()
    if with_extras:
        penalties = (Penalty(id="pen", points=draw(st.sampled_from([5, 10])), cap=25),)
        vetoes = (Veto(id="veto", cap="basic"),)
    return Scheme(
        name="t",
        indicators=per_line,
        penalties=penalties,
        vetoes=vetoes,
        grades=(
            Grade("excellent", "优秀", quota=draw(st.sampled_from([0.2, 0.25, 0.5]))),
            Grade("competent", "称职", min_score=draw(st.sampled_from([None, 30.0]))),
            Grade("basic", "基本称职"),
        ),
        quota_rounding=rounding or draw(st.sampled_from(["floor", "half_up", "ceil"])),  # type: ignore[arg-type]
        ties=ties or draw(st.sampled_from(["exclude_block", "include_all", "secondary_keys"])),  # type: ignore[arg-type]
        group_by=draw(st.sampled_from(["unit", "line", None])),
    )


def make_cadres(lines: Sequence[Line], units: Sequence[str]) -> list[Cadre]:
    return [
        Cadre(
            id=f"c{k:03d}",
            name=f"n{k}",
            birth_year=1990,
            rank="section",
            unit=units[k],
            line=line,
            joined_year=2010 + k % 12,
        )
        for k, line in enumerate(lines)
    ]


@st.composite
def problems(
    draw: st.DrawFn, /, *, min_cadres: int = 1, max_cadres: int = 8, **scheme_kw: Any
) -> tuple[Scheme, list[Cadre], list[Row]]:
    scheme = draw(schemes(**scheme_kw))
    ids = [i.id for i in scheme.all_indicators]
    n = draw(st.integers(min_cadres, max_cadres))
    lines = draw(st.lists(st.sampled_from(LINES), min_size=n, max_size=n))
    units = draw(st.lists(st.sampled_from(["u1", "u2"]), min_size=n, max_size=n))
    cadres = make_cadres(lines, units)
    periods = PERIODS[: draw(st.integers(1, 2))]
    rows: list[Row] = []
    for c in cadres:
        for p in periods:
            for ind in ids:
                kind = scheme.indicator(ind).kind
                if not draw(st.integers(0, 5)):
                    continue  # missing value
                if kind == "rate" and draw(st.booleans()):
                    den = float(draw(st.integers(0, 5)))
                    rows.append((c.id, p, ind + ".den", den))
                    rows.append((c.id, p, ind + ".num", float(draw(st.integers(0, 5)))))
                else:
                    rows.append((c.id, p, ind, draw(finite)))
            if scheme.penalties and not draw(st.integers(0, 3)):
                rows.append((c.id, p, "pen", float(draw(st.integers(0, 4)))))
            if scheme.vetoes and not draw(st.integers(0, 6)):
                rows.append((c.id, p, "veto", 1.0))
    if not rows:
        rows.append((cadres[0].id, periods[0], ids[0], 1.0))
    return scheme, cadres, rows


def dense(n: int, k: int, seed: int) -> tuple[list[str], list[str], np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    return (
        [f"c{i:05d}" for i in range(n)],
        [f"x{j:02d}" for j in range(k)],
        rng.uniform(-10, 120, size=(n, k)),
    )


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
