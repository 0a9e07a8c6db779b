"""Rotation plans: a Gantt chart with lanes, and post occupancy per period."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from cadredev.errors import InvalidInputError

from ._common import (
    Labels,
    axes,
    display,
    finish,
    legend_outside,
    names_of,
    palette,
    period_labels,
    say,
    use_chinese,
)
from ._fonts import needs_cjk

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from cadredev.calendar import Calendar

__all__ = ["lanes", "occupancy", "rotation_gantt"]

_BAR_FONT_PT = 7.0


def lanes(spans: Sequence[tuple[int, int]]) -> list[int]:
    """Return a lane per ``(start, length)`` span so spans in one lane never overlap.

    First fit in order of start (then length, then position): the number of
    lanes used is the largest number of spans that overlap at one period.

    Examples
    --------
    >>> lanes([(0, 3), (1, 3), (3, 2), (4, 1)])
    [0, 1, 0, 1]
    """
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], spans[i][1], i))
    ends: list[int] = []  # first free period of each lane
    out = [0] * len(spans)
    for i in order:
        start, length = spans[i]
        lane = next((k for k, end in enumerate(ends) if end <= start), len(ends))
        if lane == len(ends):
            ends.append(0)
        ends[lane] = start + length
        out[i] = lane
    return out


def _unique_labels(keys: Sequence[str], names: Mapping[str, str]) -> list[str]:
    shown = [display(k, names) for k in keys]
    repeated = {s for s, n in Counter(shown).items() if n > 1}
    return [f"{s} ({k})" if s in repeated else s for s, k in zip(shown, keys, strict=True)]


def _text_width_pt(text: str, size: float) -> float:
    return sum(size if needs_cjk(ch) else 0.6 * size for ch in text)


def rotation_gantt(
    plan: Any,
    problem: Any = None,
    *,
    by: Literal["cadre", "post"] = "cadre",
    ax: Axes | None = None,
    labels: Labels = "auto",
    max_rows: int = 60,
    calendar: Calendar | None = None,
) -> Axes:
    """Draw a rotation plan as a Gantt chart, coloured by program.

    Each row is a cadre or a post; placements that overlap in one row (two
    cadres sharing a post of capacity 2) are drawn in separate lanes of that
    row, so every assignment is one visible bar. Bars carry the other side's
    name (the post's on a cadre row, the cadre's on a post row) where it fits.

    Parameters
    ----------
    plan
        A :class:`~cadredev.rotation.RotationPlan` (anything with
        ``assignments`` of ``cadre_id, post_id, program, start, length``).
    problem
        The :class:`~cadredev.rotation.RotationProblem` it solves, for the
        names of cadres and posts; ids are shown without it.
    by
        One row per cadre or per post.
    ax
        Axes to draw on; a new figure when ``None``.
    labels
        ``"auto"`` or ``"zh"`` for Chinese words, ``"en"`` for English.
    max_rows
        Draw at most this many rows (the first by id); the title says so
        when rows are left out.
    calendar
        Dates the periods (month labels); the plan's own ``calendar`` when
        ``None``. Without one, periods are numbered from 1.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cadredev.calendar import Calendar
    >>> from cadredev.rotation import Assignment, RotationPlan
    >>> plan = RotationPlan(
    ...     assignments=[
    ...         Assignment(cadre_id="c1", post_id="p1", program="shadow", start=0, length=3),
    ...         Assignment(cadre_id="c2", post_id="p1", program="shadow", start=1, length=3),
    ...     ]
    ... )
    >>> ax = rotation_gantt(plan, by="post", labels="en", calendar=Calendar("2025-01"))
    >>> len(ax.patches), ax.get_xlabel(), ax.get_xticklabels()[0].get_text()
    (2, '2025', 'Jan')

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       Lanes for overlapping placements, names from ``problem``, month labels
       from ``calendar``; the legend sits beside the chart.
    """
    if by not in ("cadre", "post"):
        raise InvalidInputError(f"rotation_gantt: by must be 'cadre' or 'post', got {by!r}")
    if max_rows < 1:
        raise InvalidInputError(f"rotation_gantt: max_rows must be >= 1, got {max_rows}")
    chinese = use_chinese(labels)
    calendar = calendar if calendar is not None else getattr(plan, "calendar", None)
    assignments = list(plan.assignments)
    cadre_names = names_of(getattr(problem, "cadres", ()))
    post_names = names_of(getattr(problem, "posts", ()))
    row_of, bar_of = ("cadre_id", "post_id") if by == "cadre" else ("post_id", "cadre_id")
    row_names, bar_names = (cadre_names, post_names) if by == "cadre" else (post_names, cadre_names)
    rows_all = sorted({str(getattr(a, row_of)) for a in assignments})
    rows = rows_all[:max_rows]
    shown = [a for a in assignments if str(getattr(a, row_of)) in set(rows)]
    by_row: dict[str, list[Any]] = {r: [] for r in rows}
    for a in shown:
        by_row[str(getattr(a, row_of))].append(a)
    lane_of: dict[int, int] = {}
    top: dict[str, float] = {}
    height: dict[str, int] = {}
    offset = 0
    for r in rows:
        row_lanes = lanes([(a.start, a.length) for a in by_row[r]])
        for a, lane in zip(by_row[r], row_lanes, strict=True):
            lane_of[id(a)] = lane
        top[r] = offset
        height[r] = max(row_lanes, default=0) + 1
        offset += height[r]
    horizon = max(
        int(getattr(plan, "horizon", 0) or 0), max((a.start + a.length for a in shown), default=1)
    )
    programs = sorted({str(a.program) for a in assignments})
    colours = palette(programs)
    ax = axes(ax, (10, max(2.5, 0.3 * offset + 1.6)))
    figure = ax.get_figure(root=True)
    width_in = ax.get_position().width * (figure.get_figwidth() if figure is not None else 10)
    period_pt = 72 * width_in / horizon
    for a in shown:
        y = top[str(getattr(a, row_of))] + lane_of[id(a)]
        ax.barh(
            y + 0.5,
            a.length,
            left=a.start,
            height=0.8,
            color=colours[str(a.program)],
            edgecolor="white",
            linewidth=0.6,
        )
        text = display(getattr(a, bar_of), bar_names)
        if _text_width_pt(text, _BAR_FONT_PT) + 2 <= a.length * period_pt:
            ax.text(
                a.start + a.length / 2,
                y + 0.5,
                text,
                ha="center",
                va="center",
                fontsize=_BAR_FONT_PT,
                color="white",
                clip_on=True,
            )
    for r in rows[1:]:
        ax.axhline(top[r], color="0.8", linewidth=0.6)
    ax.set_ylim(max(offset, 1), 0)
    ax.set_yticks([top[r] + height[r] / 2 for r in rows], _unique_labels(rows, row_names))
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, horizon)
    ticks, xlabel = period_labels(range(horizon), calendar, chinese)
    ax.set_xticks([p + 0.5 for p in range(horizon)], ticks)
    ax.set_xticks(range(horizon + 1), minor=True)
    ax.tick_params(axis="x", which="major", length=0)
    ax.grid(axis="x", which="minor", alpha=0.3)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(say(chinese, by, "干部" if by == "cadre" else "岗位"))
    hidden = len(rows_all) - len(rows)
    title = say(
        chinese,
        f"rotation plan: {len(assignments)} assignments",
        f"轮岗计划：{len(assignments)} 人次",
    )
    if hidden:
        title += say(chinese, f" ({hidden} {by}s not shown)", f"（另有 {hidden} 行未画出）")
    ax.set_title(title)
    from matplotlib.patches import Patch  # noqa: PLC0415

    legend_outside(
        ax,
        [Patch(color=colours[p], label=p) for p in programs],
        title=say(chinese, "program", "项目"),
    )
    return finish(ax)


def occupancy(
    plan: Any,
    problem: Any,
    *,
    ax: Axes | None = None,
    labels: Labels = "auto",
    calendar: Calendar | None = None,
) -> Axes:
    """Draw how full each post is in each period, as a heat map.

    Each cell is ``cadres / capacity`` for one post and period; the count is
    written in the cell. Posts of the problem that the plan leaves empty are
    shown too (as blank rows), so idle posts stand out; a cell over capacity
    is outlined in red.

    Parameters
    ----------
    plan
        A :class:`~cadredev.rotation.RotationPlan`.
    problem
        Its :class:`~cadredev.rotation.RotationProblem` (posts, capacities, names).
    ax
        Axes to draw on; a new figure when ``None``.
    labels
        ``"auto"``, ``"zh"`` or ``"en"``.
    calendar
        Dates the periods; the plan's own ``calendar`` when ``None``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cadredev.datasets import tiny_rotation_problem
    >>> from cadredev.rotation import schedule
    >>> problem = tiny_rotation_problem()
    >>> ax = occupancy(schedule(problem, seed=0), problem, labels="en")
    >>> ax.get_title()
    'post occupancy: 6 of 8 post-periods filled'

    .. versionadded:: 0.2
    """
    import numpy as np  # noqa: PLC0415

    chinese = use_chinese(labels)
    calendar = calendar if calendar is not None else getattr(plan, "calendar", None)
    posts = sorted(problem.posts, key=lambda p: str(p.id))
    horizon = int(getattr(problem, "horizon", 0) or getattr(plan, "horizon", 0) or 1)
    index = {str(p.id): i for i, p in enumerate(posts)}
    counts = np.zeros((len(posts), horizon), dtype=np.int64)
    for a in plan.assignments:
        i = index.get(str(a.post_id))
        if i is None:
            raise InvalidInputError(
                f"occupancy: assignment of {a.cadre_id!r} names post {a.post_id!r}, "
                "which the problem does not have"
            )
        counts[i, max(0, a.start) : min(horizon, a.start + a.length)] += 1
    capacity = np.array([max(1, int(p.capacity)) for p in posts], dtype=float)[:, None]
    share = counts / capacity if posts else np.zeros((0, horizon))
    ax = axes(ax, (10, max(2.5, 0.3 * len(posts) + 1.6)))
    image = ax.imshow(
        share,
        aspect="auto",
        cmap="Blues",
        vmin=0.0,
        vmax=1.0,
        interpolation="nearest",
        extent=(0, horizon, len(posts), 0),
    )
    if counts.size <= 600:
        for (i, t), n in np.ndenumerate(counts):
            if n:
                ax.text(
                    t + 0.5,
                    i + 0.5,
                    str(n),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if share[i, t] > 0.6 else "black",
                )
    over = np.argwhere(counts > capacity)
    from matplotlib.patches import Rectangle  # noqa: PLC0415

    for i, t in over:
        ax.add_patch(Rectangle((t, i), 1, 1, fill=False, edgecolor="red", linewidth=1.5))
    names = names_of(posts)
    ax.set_yticks(
        [i + 0.5 for i in range(len(posts))],
        [f"{display(p.id, names)} ({p.capacity})" for p in posts],
    )
    ticks, xlabel = period_labels(range(horizon), calendar, chinese)
    ax.set_xticks([t + 0.5 for t in range(horizon)], ticks)
    ax.set_xticks(range(horizon + 1), minor=True)
    ax.set_yticks(range(len(posts) + 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.0)
    ax.tick_params(which="both", length=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(say(chinese, "post (capacity)", "岗位（容量）"))
    filled = int(np.count_nonzero(counts))
    title = say(
        chinese,
        f"post occupancy: {filled} of {counts.size} post-periods filled",
        f"岗位占用：{counts.size} 个岗位时段中 {filled} 个有人",
    )
    if len(over):
        title += say(chinese, f", {len(over)} over capacity", f"，{len(over)} 个超员")
    ax.set_title(title)
    figure = ax.get_figure(root=True)
    if figure is not None:
        bar = figure.colorbar(image, ax=ax, fraction=0.03, pad=0.01)
        bar.set_label(say(chinese, "share of capacity", "占容量比例"))
        finish(bar.ax)
    return finish(ax)
