"""Judges' totals to one score per contestant, with each judge's contribution.

Every method returns, per contestant, the judges whose marks count, each
judge's *adjusted* total (the mark after the method's correction: equal to
the raw total for ``mean``, ``trimmed`` and ``median``) and its *weight*, so
that the score is exactly ``sum(weight * adjusted)``.

.. versionadded:: 0.3
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from cadredev._frozendict import id_key
from cadredev.errors import InvalidInputError

__all__ = ["Part", "aggregate"]

Part = tuple[str, float, float, str]
"""One judge's part: (judge id, adjusted total, weight, status)."""

Pairs = Mapping[str, Mapping[str, float]]
"""contestant id -> judge id -> the judge's weighted total for that contestant."""


def _plain(marks: Mapping[str, float], kind: str) -> list[Part]:
    items = sorted(marks.items(), key=lambda kv: (kv[1], id_key(kv[0])))
    n = len(items)
    if kind == "mean":
        return [(j, v, 1.0 / n, "counted") for j, v in items]
    if kind == "trimmed":
        parts = [(j, v, 1.0 / (n - 2), "counted") for j, v in items[1:-1]]
        lo, hi = items[0], items[-1]
        return [
            (lo[0], lo[1], 0.0, "dropped lowest"),
            *parts,
            (hi[0], hi[1], 0.0, "dropped highest"),
        ]
    # median: the middle judge, or the two middle judges half each
    mid = n // 2
    chosen = {mid: 1.0} if n % 2 else {mid - 1: 0.5, mid: 0.5}
    return [
        (j, v, chosen.get(k, 0.0), "counted" if k in chosen else "not the median")
        for k, (j, v) in enumerate(items)
    ]


def _zscore(pairs: Pairs) -> tuple[dict[str, list[Part]], dict[str, float]]:
    by_judge: dict[str, list[float]] = {}
    for marks in pairs.values():
        for j, v in marks.items():
            by_judge.setdefault(j, []).append(v)
    every = np.array([v for vs in by_judge.values() for v in vs], dtype=np.float64)
    grand, spread = float(every.mean()), float(every.std())
    stats = {j: (float(np.mean(vs)), float(np.std(vs))) for j, vs in by_judge.items()}
    out: dict[str, list[Part]] = {}
    for c, marks in pairs.items():
        n = len(marks)
        parts: list[Part] = []
        for j, v in sorted(marks.items(), key=lambda kv: id_key(kv[0])):
            mean_j, sd_j = stats[j]
            z = (v - mean_j) / sd_j if sd_j > 0 else 0.0
            parts.append((j, grand + spread * z, 1.0 / n, "counted"))
        out[c] = parts
    severity = {j: grand - m for j, (m, _) in stats.items()}
    return out, severity


def _components(pairs: Pairs) -> list[list[str]]:
    """Return the groups of contestants linked through shared judges."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for c, marks in pairs.items():
        for j in marks:
            parent[find("c:" + c)] = find("j:" + j)
    groups: dict[str, list[str]] = {}
    for c in pairs:
        groups.setdefault(find("c:" + c), []).append(c)
    return sorted((sorted(g, key=id_key) for g in groups.values()), key=lambda g: id_key(g[0]))


def _additive(pairs: Pairs) -> tuple[dict[str, list[Part]], dict[str, float]]:
    groups = _components(pairs)
    if len(groups) > 1:
        shown = "; ".join(", ".join(g) for g in groups)
        raise InvalidInputError(
            f"judge: method 'additive' needs every contestant linked to every other through "
            f"shared judges, got {len(groups)} separate groups ({shown}); use 'zscore' or "
            "have some judges score across groups"
        )
    contestants = sorted(pairs, key=id_key)
    judges = sorted({j for m in pairs.values() for j in m}, key=id_key)
    ci = {c: k for k, c in enumerate(contestants)}
    ji = {j: k for k, j in enumerate(judges)}
    n_c, n_j = len(contestants), len(judges)
    # mark = alpha_c + b_j, least squares with sum(b) = 0. The normal equations
    # give alpha_c = mean over c's judges of (mark - b_j); eliminating alpha
    # leaves (M - N' D^-1 N) b = s - N' D^-1 r for the judges alone (N the
    # contestant x judge incidence, D and M its row and column counts, r and
    # s the row and column sums of marks), bordered by the constraint.
    incidence = np.zeros((n_c, n_j))
    values = np.zeros((n_c, n_j))
    for c, row in pairs.items():
        for j, v in row.items():
            incidence[ci[c], ji[j]] = 1.0
            values[ci[c], ji[j]] = v
    per_c = incidence.sum(axis=1)
    scaled = incidence / per_c[:, None]
    system = np.zeros((n_j + 1, n_j + 1))
    system[:n_j, :n_j] = np.diag(incidence.sum(axis=0)) - incidence.T @ scaled
    system[n_j, :n_j] = system[:n_j, n_j] = 1.0
    rhs = np.zeros(n_j + 1)
    rhs[:n_j] = values.sum(axis=0) - scaled.T @ values.sum(axis=1)
    b = np.linalg.solve(system, rhs)[:n_j]
    severity = {j: float(b[ji[j]]) for j in judges}
    out: dict[str, list[Part]] = {}
    for c in contestants:
        marks = pairs[c]
        n = len(marks)
        out[c] = [
            (j, v - severity[j], 1.0 / n, "counted")
            for j, v in sorted(marks.items(), key=lambda kv: id_key(kv[0]))
        ]
    return out, severity


def aggregate(pairs: Pairs, method: str) -> tuple[dict[str, list[Part]], dict[str, float]]:
    """Return each contestant's judge parts and each judge's severity under *method*.

    Severity is how many points a judge gives below the panel (positive:
    harsher): for ``additive`` the fitted judge term with the sign turned, for
    ``zscore`` the panel mean less the judge's mean, and the same descriptive
    figure for the other methods.
    """
    if method == "zscore":
        return _zscore(pairs)
    if method == "additive":
        parts, effect = _additive(pairs)
        return parts, {j: -b for j, b in effect.items()}
    out = {c: _plain(m, method) for c, m in pairs.items()}
    _, severity = _zscore(pairs) if pairs else ({}, {})
    return out, severity


def score_of(parts: Sequence[Part]) -> float:
    """Return ``sum(weight * adjusted)`` with a compensated sum."""
    return math.fsum(w * v for _, v, w, _ in parts)
