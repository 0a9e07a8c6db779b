"""What-if views: grade flows between two scorings, and how far each weight may move."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from cadredev.errors import InvalidInputError

from ._common import Labels, axes, finish, palette, say, use_chinese
from ._scoring import grade_colours

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["grade_flows", "sensitivity_bars"]


def _grade_order(comparison: Any, scheme: Any) -> list[str]:
    seen = {str(g) for g in (*comparison.grade_a.tolist(), *comparison.grade_b.tolist())}
    if scheme is not None:
        order = [g.id for g in scheme.grades]
        return [g for g in order if g in seen] + sorted(seen - set(order))
    return sorted(seen)


def _band(x0: float, x1: float, top0: float, top1: float, height: float) -> tuple[Any, ...]:
    """Return the x, lower and upper curves of a smooth band from one column to the next."""
    x = np.linspace(x0, x1, 40)
    s = (x - x0) / (x1 - x0)
    ease = s * s * (3 - 2 * s)
    upper = top0 + (top1 - top0) * ease
    return x, upper - height, upper


def grade_flows(
    comparison: Any,
    *,
    scheme: Any = None,
    ax: Axes | None = None,
    labels: Labels = "auto",
) -> Axes:
    """Draw how cadres move between grades from one scoring to another (an alluvial plot).

    The left column stacks the cadres by their grade under the first scoring,
    the right column by their grade under the second; a band joins each pair
    of grades with as many cadres as moved between them, coloured by the
    first grade. Bands between different grades are the flips.

    Parameters
    ----------
    comparison
        A :class:`~cadredev.scoring.Comparison` (from
        :func:`~cadredev.scoring.compare` or
        :func:`~cadredev.scoring.compare_schemes`).
    scheme
        The first scoring's :class:`~cadredev.scoring.Scheme`, for the
        order, colours and Chinese labels of the grades; without it grades
        are sorted by id.
    ax
        Axes to draw on; a new figure when ``None``.
    labels
        ``"auto"``, ``"zh"`` or ``"en"``.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    InvalidInputError
        If the comparison matched no row.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cadredev.datasets import demo_score_table
    >>> from cadredev.scoring import compare
    >>> table = demo_score_table()
    >>> ax = grade_flows(compare(table, table), scheme=table.scheme, labels="en")
    >>> ax.get_title()
    'grade flows: demo -> demo (0 of 2 cadres change grade)'

    .. versionadded:: 0.3
    """
    n = len(comparison.cadre_ids)
    if n == 0:
        raise InvalidInputError("grade_flows: the comparison matched no row")
    chinese = use_chinese(labels)
    order = _grade_order(comparison, scheme)
    names = {g: g for g in order}
    known: dict[str, Any] = {}
    if scheme is not None:
        names.update({g.id: (g.label if chinese and g.label else g.id) for g in scheme.grades})
        known = grade_colours(scheme)
    spare = palette(order)
    colours = {g: known.get(g, spare[g]) for g in order}
    index = {g: i for i, g in enumerate(order)}
    a = np.array([index[str(g)] for g in comparison.grade_a.tolist()], dtype=np.int64)
    b = np.array([index[str(g)] for g in comparison.grade_b.tolist()], dtype=np.int64)
    k = len(order)
    flows = np.bincount(a * k + b, minlength=k * k).reshape(k, k)
    gap = max(1.0, 0.03 * n)
    # column stacks from the top: grade i starts below grades 0..i-1 and their gaps
    left_top = [n + gap * k - (flows[:i].sum() + gap * i) for i in range(k)]
    right_top = [n + gap * k - (flows[:, :i].sum() + gap * i) for i in range(k)]
    ax = axes(ax, (8, 5))
    width = 0.08
    out_used = [0.0] * k
    in_used = [0.0] * k
    for i in range(k):
        for j in range(k):
            m = float(flows[i, j])
            if m == 0:
                continue
            x, lower, upper = _band(
                width, 1 - width, left_top[i] - out_used[i], right_top[j] - in_used[j], m
            )
            ax.fill_between(
                x, lower, upper, color=colours[order[i]], alpha=0.75 if i != j else 0.35
            )
            out_used[i] += m
            in_used[j] += m
    for side, tops, totals in (
        (0.0, left_top, flows.sum(axis=1)),
        (1 - width, right_top, flows.sum(axis=0)),
    ):
        for i, g in enumerate(order):
            if totals[i] == 0:
                continue
            ax.bar(side, -totals[i], bottom=tops[i], width=width, align="edge", color=colours[g])
            where = side - 0.01 if side == 0 else side + width + 0.01
            ax.text(
                where,
                tops[i] - totals[i] / 2,
                f"{names[g]} {int(totals[i])}",
                ha="right" if side == 0 else "left",
                va="center",
                fontsize=8,
            )
    flipped = int((a != b).sum())
    name_a, name_b = comparison.name_a, comparison.name_b
    ax.set_xlim(-0.25, 1.25)
    ax.set_ylim(0, n + gap * k + gap)
    ax.set_xticks([width / 2, 1 - width / 2], [name_a, name_b])
    ax.set_yticks([])
    for spine in ("left", "right", "top"):
        ax.spines[spine].set_visible(False)
    ax.set_title(
        say(
            chinese,
            f"grade flows: {name_a} -> {name_b} ({flipped} of {n} cadres change grade)",
            f"等次流向：{name_a} → {name_b}（{n} 人中 {flipped} 人等次变化）",
        )
    )
    return finish(ax)


def sensitivity_bars(
    sensitivity: Any,
    cadre_id: str,
    *,
    period: str | None = None,
    scheme: Any = None,
    ax: Axes | None = None,
    labels: Labels = "auto",
) -> Axes:
    """Draw, per indicator, the range of its weight over which a cadre keeps its grade.

    Each bar runs from the lowest to the highest weight that keeps the grade
    (every other weight unchanged); a dot marks the scheme's weight. A bar
    with no upper end is drawn to the plot's edge with an arrow. Short bars
    around the dot are the weights the cadre's grade is most sensitive to.

    Parameters
    ----------
    sensitivity
        A :class:`~cadredev.scoring.Sensitivity` (from
        :func:`~cadredev.scoring.sensitivity`).
    cadre_id, period
        The cadre, and the period when the table holds several.
    scheme
        The :class:`~cadredev.scoring.Scheme`, for the indicators' labels.
    ax
        Axes to draw on; a new figure when ``None``.
    labels
        ``"auto"``, ``"zh"`` or ``"en"``.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    InvalidInputError
        If the cadre (and period) is not one row of the sensitivity.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cadredev.datasets import demo_score_table
    >>> from cadredev.scoring import sensitivity
    >>> ax = sensitivity_bars(sensitivity(demo_score_table()), "a", labels="en")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['visits']

    .. versionadded:: 0.3
    """
    chinese = use_chinese(labels)
    rows = [
        r
        for r, (c, p) in enumerate(zip(sensitivity.cadre_ids, sensitivity.periods, strict=True))
        if c == cadre_id and (period is None or p == period)
    ]
    if len(rows) != 1:
        raise InvalidInputError(
            f"sensitivity_bars: {len(rows)} rows for cadre {cadre_id!r}"
            f"{'' if period is None else f' in {period}'}; give one scored cadre and period"
        )
    r = rows[0]
    ids = list(sensitivity.indicator_ids)
    weights = np.asarray(sensitivity.weights, dtype=float)
    low = np.asarray(sensitivity.low[r], dtype=float)
    high = np.asarray(sensitivity.high[r], dtype=float)
    finite = [v for v in (*weights.tolist(), *high[np.isfinite(high)].tolist()) if v > 0]
    edge = 1.25 * max(finite, default=1.0)
    label_of: dict[str, str] = {}
    if scheme is not None and chinese:
        label_of = {i.id: i.label for lst in scheme.indicators.values() for i in lst if i.label}
    ax = axes(ax, (8, max(2.0, 0.4 * len(ids) + 1.2)))
    for y, _ in enumerate(ids):
        top = high[y] if math.isfinite(high[y]) else edge
        ax.barh(y, top - low[y], left=low[y], height=0.5, color="#9cc3e4")
        if not math.isfinite(high[y]):
            ax.annotate(
                "",
                xy=(edge, y),
                xytext=(edge * 0.92, y),
                arrowprops={"arrowstyle": "->", "color": "#3c78b4"},
            )
        ax.plot([weights[y]], [y], "o", color="black", markersize=5)
    ax.set_yticks(list(range(len(ids))), [label_of.get(i, i) for i in ids])
    ax.set_ylim(len(ids) - 0.5, -0.5)
    ax.set_xlim(0, edge * 1.02)
    ax.set_xlabel(
        say(
            chinese,
            "weight (bar: keeps the grade; dot: the scheme's weight)",
            "权重（条：等次不变的范围；圆点：现行权重）",
        )
    )
    who = f"{cadre_id} {sensitivity.periods[r]}"
    ax.set_title(say(chinese, f"weights that keep {who}'s grade", f"{who} 等次不变的权重范围"))
    return finish(ax)
