"""The scenario comparison chart: one bar per scenario, failures shown, not hidden."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from cadredev.errors import InvalidInputError

from ._common import Labels, axes, finish, legend_outside, palette, say, use_chinese

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["scenario_chart"]

# What a bar shows by default: the first of these columns the results have.
_DEFAULT_BY = ("placed", "total_weight", "matched", "value", "worst_deviation")
_WORDS = {
    "placed": "安排人次",
    "bound": "上界",
    "objective": "目标值",
    "total_weight": "总权重",
    "matched": "已匹配",
    "unmatched": "未匹配",
    "gap": "差距",
    "flips": "等次变化人数",
    "tau": "肯德尔相关系数",
    "runtime": "用时（秒）",
    "worst_deviation": "最大偏差",
    "value": "取值",
}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def scenario_chart(
    results: Any,
    *,
    by: str | None = None,
    ax: Axes | None = None,
    labels: Labels = "auto",
) -> Axes:
    """Draw one horizontal bar per scenario of a sweep, in the sweep's order.

    Parameters
    ----------
    results
        The :class:`~cadredev.scenarios.Results` of :func:`cadredev.scenarios.run`.
    by
        The column of :meth:`Results.table <cadredev.scenarios.Results.table>`
        to draw, or ``"grades"`` for the grade counts of score tables stacked
        in one bar per scenario. By default the first of ``placed``,
        ``total_weight``, ``matched``, ``value`` and ``worst_deviation`` the
        results have, else ``"grades"`` for score tables. With ``placed``, a
        tick marks each plan's bound on placements where the solver has one.
        Failed and cancelled scenarios get an empty row that says so.
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
        If ``by`` names no numeric column of the results, or the results have
        no scenario.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cadredev.datasets import tiny_rotation_problem
    >>> from cadredev.scenarios import grid, run
    >>> sweep = grid(tiny_rotation_problem(), horizon=[4, 6])
    >>> results = run(sweep, "schedule", executor="serial", progress=False)
    >>> ax = scenario_chart(results, labels="en")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['horizon=4', 'horizon=6']
    >>> [round(p.get_width()) for p in ax.patches]
    [3, 3]

    .. versionadded:: 0.3
    """
    rows = results.to_records()
    if not rows:
        raise InvalidInputError("scenario_chart: the results hold no scenario")
    chinese = use_chinese(labels)
    columns = list(rows[0])
    grades = [c for c in columns if c.startswith("grade:")]
    if by is None:
        by = next((c for c in _DEFAULT_BY if c in columns), "grades" if grades else None)
        if by is None:
            raise InvalidInputError(
                f"scenario_chart: give by=, one of the numeric columns {columns}"
            )
    if by == "grades" and not grades:
        raise InvalidInputError("scenario_chart: by='grades' needs results of score tables")
    if by != "grades" and (by not in columns or not any(_number(r[by]) is not None for r in rows)):
        raise InvalidInputError(
            f"scenario_chart: by must name a numeric column of the results or 'grades', "
            f"got {by!r}; columns are {columns}"
        )
    ax = axes(ax, (8, max(2.0, 0.35 * len(rows) + 1.2)))
    names = [str(r["scenario"]) for r in rows]
    ys = list(range(len(rows)))
    if by == "grades":
        _stacked_grades(ax, rows, grades, chinese)
        title = say(chinese, "grade counts by scenario", "各方案等次人数")
    else:
        values = [_number(r[by]) if r["status"] == "ok" else None for r in rows]
        ax.barh(
            [y for y, v in zip(ys, values, strict=True) if v is not None],
            [v for v in values if v is not None],
            height=0.6,
            color=palette(["bar"])["bar"],
        )
        if by == "placed" and "bound_placed" in columns:
            _bound_ticks(ax, rows, chinese)
        for y, v in zip(ys, values, strict=True):
            if v is not None:
                ax.text(v, y, f" {v:g}", va="center", fontsize=7)
        word = _WORDS.get(by, by) if chinese else by
        ax.set_xlabel(word)
        title = say(chinese, f"{by} by scenario", f"各方案{word}")
    for y, r in zip(ys, rows, strict=True):
        if r["status"] != "ok":
            note = {"failed": ("failed", "失败"), "cancelled": ("cancelled", "已取消")}
            en, zh = note.get(r["status"], (r["status"], r["status"]))
            ax.text(0, y, f" {say(chinese, en, zh)}", va="center", fontsize=8, color="firebrick")
    ax.set_yticks(ys, names)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_title(title)
    return finish(ax)


def _bound_ticks(ax: Axes, rows: list[dict[str, Any]], chinese: bool) -> None:
    """Mark each plan's bound on placements, where the solver has one."""
    from matplotlib.lines import Line2D  # noqa: PLC0415

    marked = False
    for y, r in enumerate(rows):
        bound = _number(r.get("bound_placed"))
        if r["status"] != "ok" or bound is None:
            continue
        ax.plot([bound, bound], [y - 0.4, y + 0.4], color="black", linewidth=1.5)
        marked = True
    if marked:
        handle = Line2D([], [], color="black", linewidth=1.5)
        handle.set_label(say(chinese, "bound", "上界"))
        legend_outside(ax, [handle])


def _stacked_grades(ax: Axes, rows: list[dict[str, Any]], grades: list[str], chinese: bool) -> None:
    from matplotlib.patches import Patch  # noqa: PLC0415

    colours = palette(grades)
    for y, r in enumerate(rows):
        if r["status"] != "ok":
            continue
        left = 0.0
        for g in grades:
            count = _number(r.get(g)) or 0.0
            if count > 0:
                ax.barh(y, count, left=left, height=0.6, color=colours[g], edgecolor="white")
                left += count
    ax.set_xlabel(say(chinese, "cadres", "人数"))
    legend_outside(
        ax,
        [Patch(color=colours[g], label=g.removeprefix("grade:")) for g in grades],
        title=say(chinese, "grade", "等次"),
    )
