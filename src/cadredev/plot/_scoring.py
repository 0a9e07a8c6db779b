"""Scores: their distribution, one cadre's explanation, leaderboards and person-post fit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cadredev.errors import InvalidInputError

from ._common import (
    Labels,
    axes,
    category_label,
    display,
    finish,
    legend_outside,
    palette,
    say,
    use_chinese,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "explanation_waterfall",
    "grade_colours",
    "leaderboard_chart",
    "post_fit_chart",
    "score_distribution",
]

_GRADE_COLOURS = ("#2a9d5c", "#3c78b4", "#e8a33d", "#c8453b", "#7d5ba6", "#888888")
_COMPETENCIES = {
    "communication": "沟通表达",
    "judgment": "研判决策",
    "coordination": "统筹协调",
    "problem_discovery": "发现问题",
    "deep_thinking": "深度思考",
}


def grade_colours(scheme: Any) -> dict[str, Any]:
    """Return a colour per grade id, best grade green through worst red."""
    ids = [g.id for g in scheme.grades]
    if len(ids) > len(_GRADE_COLOURS):
        return dict(palette(ids))  # type: ignore[arg-type]
    return {g: _GRADE_COLOURS[i] for i, g in enumerate(ids)}


def _grade_names(scheme: Any, chinese: bool) -> dict[str, str]:
    return {g.id: (g.label if chinese and g.label else g.id) for g in scheme.grades}


def score_distribution(
    table: Any,
    *,
    bins: int = 30,
    ax: Axes | None = None,
    labels: Labels = "auto",
) -> Axes:
    """Draw the distribution of total scores, stacked by grade.

    Solid vertical lines mark each grade's cut-off (the lowest total that
    holds it); dotted lines mark where a grade's quota would fall zone-wide
    (the ``1 - cumulative quota`` quantile of the totals), so a gap between
    the two shows the effect of per-group quotas, ties and vetoes. Both kinds
    of line are in the legend.

    Parameters
    ----------
    table
        A :class:`~cadredev.scoring.ScoreTable`.
    bins
        Histogram bins.
    ax
        Axes to draw on; a new figure when ``None``.
    labels
        ``"auto"``, ``"zh"`` or ``"en"``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cadredev import rollup, sample_zone, score
    >>> zone = sample_zone()
    >>> year = score(zone.scheme, zone.cadres, rollup(zone.records, zone.scheme, to="year"))
    >>> score_distribution(year).get_xlabel()
    '总分'

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       Cut-off and quota lines in the legend, which sits beside the chart.
    """
    import numpy as np  # noqa: PLC0415

    if bins < 1:
        raise InvalidInputError(f"score_distribution: bins must be >= 1, got {bins}")
    chinese = use_chinese(labels)
    ax = axes(ax, (9, 4))
    totals = np.asarray(table.total, dtype=float)
    grades = np.asarray(table.grade, dtype=object)
    scheme = table.scheme
    order = [g.id for g in scheme.grades]
    names = _grade_names(scheme, chinese)
    colours = grade_colours(scheme)
    edges = np.histogram_bin_edges(totals, bins=bins) if totals.size else np.linspace(0, 1, 2)
    stacks = [totals[grades == g] for g in order]
    from matplotlib.lines import Line2D  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    ax.hist(stacks, bins=edges.tolist(), stacked=True, color=[colours[g] for g in order])
    handles: list[Any] = [
        Patch(color=colours[g], label=f"{names[g]} ({len(x)})")
        for g, x in zip(order, stacks, strict=True)
    ]
    cumulated = 0.0
    cut, quota = False, False
    for g, values in zip(scheme.grades, stacks, strict=True):
        if values.size and g is not scheme.grades[-1]:
            ax.axvline(float(values.min()), color=colours[g.id], linewidth=1.4)
            cut = True
        if g.quota is not None and totals.size:
            cumulated = min(1.0, cumulated + g.quota)
            ax.axvline(
                float(np.quantile(totals, 1 - cumulated)),
                color=colours[g.id],
                linestyle=":",
                linewidth=1.4,
            )
            quota = True
    if cut:
        handles.append(
            Line2D(
                [], [], color="black", linewidth=1.4, label=say(chinese, "cut-off", "等次分数线")
            )
        )
    if quota:
        handles.append(
            Line2D(
                [],
                [],
                color="black",
                linestyle=":",
                linewidth=1.4,
                label=say(chinese, "zone-wide quota", "全区比例线"),
            )
        )
    ax.set_xlabel(say(chinese, "total score", "总分"))
    ax.set_ylabel(say(chinese, "cadres", "人数"))
    ax.set_title(
        say(chinese, f"{len(totals)} scores by grade", f"{len(totals)} 人得分分布（按等次）")
    )
    legend_outside(ax, handles, title=say(chinese, "grade", "等次"))
    return finish(ax)


def explanation_waterfall(
    table: Any,
    cadre_id: str,
    *,
    period: str | None = None,
    ax: Axes | None = None,
    labels: Labels = "auto",
    name: str | None = None,
) -> Axes:
    """Draw how one cadre's total is built: a waterfall of contributions.

    One step per applicable indicator (its points), per exemption (the
    points it restored, hatched), per penalty (points deducted); the last
    bar is the total, coloured by grade. Vetoes are written over the total,
    the distance to the next grade is a dashed line, and indicators that did
    not apply are listed under the chart.

    Parameters
    ----------
    table
        A :class:`~cadredev.scoring.ScoreTable`.
    cadre_id
        The cadre to explain.
    period
        The period, when the table holds several.
    ax
        Axes to draw on; a new figure when ``None``.
    labels
        ``"auto"``, ``"zh"`` or ``"en"``.
    name
        The cadre's name for the title.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cadredev.datasets import demo_score_table
    >>> ax = explanation_waterfall(demo_score_table(), "a", labels="en")
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['visits', 'total']

    .. versionadded:: 0.2
    """
    chinese = use_chinese(labels)
    ex = table.explain(cadre_id, period=period)
    scheme = table.scheme
    gains: dict[str, float] = {}
    for applied in ex.exemptions:
        target = applied.exemption.target
        gains[target] = gains.get(target, 0.0) + applied.gain
    penalty_labels = {p.id: p.label or p.id for p in scheme.penalties}
    veto_labels = {v.id: v.label or v.id for v in scheme.vetoes}
    steps: list[tuple[str, float, str]] = []  # (label, change, kind)
    for c in ex.contributions:
        if c.applicable:
            label = (c.label or c.indicator) if chinese else c.indicator
            steps.append((label, c.points - gains.get(c.indicator, 0.0), "indicator"))
    for applied in ex.exemptions:
        target = applied.exemption.target
        steps.append(
            (say(chinese, f"exemption: {target}", f"豁免：{target}"), applied.gain, "exemption")
        )
    for pid, _events, points in ex.penalties:
        label = penalty_labels.get(pid, pid) if chinese else pid
        steps.append((label, -(points + gains.get(pid, 0.0)), "penalty"))
    running = sum(change for _, change, _ in steps)
    if abs(ex.total - running) > 5e-3:
        steps.append((say(chinese, "cap and rounding", "封顶与取整"), ex.total - running, "other"))
    colours = {"indicator": "#3c78b4", "exemption": "#7fb8e6", "penalty": "#c8453b", "other": "0.6"}
    ax = axes(ax, (max(6.0, 0.8 * len(steps) + 3), 4.5))
    level = 0.0
    for x, (_label, change, kind) in enumerate(steps):
        ax.bar(
            x,
            change,
            bottom=level,
            color=colours[kind],
            hatch="//" if kind == "exemption" else None,
            edgecolor="white",
            width=0.7,
        )
        ax.text(
            x,
            level + change + (1.0 if change >= 0 else -1.0),
            f"{change:+.1f}",
            ha="center",
            va="bottom" if change >= 0 else "top",
            fontsize=7,
        )
        ax.plot([x + 0.35, x + 0.65], [level + change] * 2, color="0.5", linewidth=0.6)
        level += change
    grade_colour = grade_colours(scheme).get(ex.grade, "0.3")
    grade_names = _grade_names(scheme, chinese)
    last = len(steps)
    ax.bar(last, ex.total, color=grade_colour, width=0.7)
    ax.text(
        last,
        ex.total + 1.0,
        f"{ex.total:.1f}\n{grade_names.get(ex.grade, ex.grade)}",
        ha="center",
        va="bottom",
        fontsize=8,
        fontweight="bold",
    )
    if ex.vetoes:
        vetoes = (
            "、".join(veto_labels.get(v, v) for v in ex.vetoes) if chinese else ", ".join(ex.vetoes)
        )
        ax.annotate(
            say(chinese, f"veto: {vetoes}", f"否决：{vetoes}"),
            (last, ex.total),
            xytext=(0, 28),
            textcoords="offset points",
            ha="center",
            color="#c8453b",
            fontsize=8,
        )
    top = max(ex.total, 0.0, *_levels(steps))
    if ex.next_grade is not None and ex.gap is not None:
        target = ex.total + ex.gap
        ax.axhline(
            target,
            color=grade_colours(scheme).get(ex.next_grade, "0.3"),
            linestyle="--",
            linewidth=1,
        )
        ax.text(
            -0.4,
            target,
            say(
                chinese,
                f"{grade_names[ex.next_grade]}: {ex.gap:.1f} points to go",
                f"距{grade_names[ex.next_grade]}还差 {ex.gap:.1f} 分",
            ),
            va="bottom",
            fontsize=8,
        )
        top = max(top, target)
    ax.set_ylim(min(0.0, *_levels(steps)) - 2, top * 1.18 + 2)
    ticks = [label for label, _, _ in steps] + [say(chinese, "total", "总分")]
    ax.set_xticks(
        range(len(ticks)),
        ticks,
        rotation=30 if len(ticks) > 4 else 0,
        ha="right" if len(ticks) > 4 else "center",
    )
    ax.set_ylabel(say(chinese, "points", "分"))
    ax.axhline(0, color="black", linewidth=0.6)
    who = f"{name} ({cadre_id})" if name else cadre_id
    ax.set_title(
        say(
            chinese,
            f"{who} {ex.period}: {ex.total:.1f}, {ex.grade}, rank {ex.rank} in {ex.group}",
            f"{who} {ex.period}：{ex.total:.1f} 分，{grade_names.get(ex.grade, ex.grade)}，"
            f"{ex.group}第 {ex.rank} 名",
        )
    )
    missing = [
        (c.label or c.indicator) if chinese else c.indicator
        for c in ex.contributions
        if not c.applicable
    ]
    if missing:
        ax.set_xlabel(
            say(chinese, "not applicable: ", "不适用：")
            + ("、" if chinese else ", ").join(missing),
            fontsize=8,
            color="0.35",
        )
    return finish(ax)


def _levels(steps: list[tuple[str, float, str]]) -> list[float]:
    out, level = [], 0.0
    for _, change, _ in steps:
        level += change
        out.append(level)
    return out


def leaderboard_chart(
    board: Any,
    *,
    scheme: Any = None,
    top: int = 10,
    ax: Axes | None = None,
    labels: Labels = "auto",
) -> Axes:
    """Draw a leaderboard: the top cadres of each group, their points stacked by indicator.

    Parameters
    ----------
    board
        A :class:`~cadredev.scoring.Leaderboard` (from
        :meth:`ScoreTable.leaderboard <cadredev.scoring.ScoreTable.leaderboard>`).
    scheme
        The :class:`~cadredev.scoring.Scheme`, for indicator and grade labels.
    top
        Cadres shown per group.
    ax
        Axes to draw on; a new figure when ``None``.
    labels
        ``"auto"``, ``"zh"`` or ``"en"``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cadredev.datasets import demo_score_table
    >>> table = demo_score_table()
    >>> ax = leaderboard_chart(table.leaderboard(), scheme=table.scheme, labels="en")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['1 b', '2 a']

    .. versionadded:: 0.2
    """
    if top < 1:
        raise InvalidInputError(f"leaderboard_chart: top must be >= 1, got {top}")
    chinese = use_chinese(labels)
    rows = [r for r in board.rows if r.position <= top]
    groups: list[str] = []
    for r in rows:
        if r.group not in groups:
            groups.append(r.group)
    indicators: list[str] = []
    for r in rows:
        indicators += [k for k in r.breakdown if k not in indicators]
    ind_labels: dict[str, str] = {}
    grade_names: dict[str, str] = {}
    if scheme is not None:
        ind_labels = {i.id: i.label for lst in scheme.indicators.values() for i in lst if i.label}
        grade_names = _grade_names(scheme, chinese)
    colours = palette(indicators)
    multi = len(groups) > 1
    y = 0.0
    ticks: list[tuple[float, str]] = []
    headers: list[tuple[float, str]] = []
    placed: list[tuple[float, Any]] = []
    for g in groups:
        if multi:
            headers.append((y, g))
            y += 1
        for r in (r for r in rows if r.group == g):
            placed.append((y, r))
            ticks.append((y, f"{r.position} {r.name or r.cadre_id}"))
            y += 1
    ax = axes(ax, (9, max(2.5, 0.32 * y + 1.5)))
    peak = 0.0
    for yy, r in placed:
        left = 0.0
        for k in indicators:
            value = float(r.breakdown.get(k, 0.0))
            if value > 0:
                ax.barh(
                    yy,
                    value,
                    left=left,
                    color=colours[k],
                    height=0.7,
                    edgecolor="white",
                    linewidth=0.4,
                )
                left += value
        ax.plot([r.total, r.total], [yy - 0.4, yy + 0.4], color="black", linewidth=1.5)
        ax.text(
            max(left, r.total) + 1,
            yy,
            f"{r.total:.1f} {grade_names.get(r.grade, r.grade)}",
            va="center",
            fontsize=7,
        )
        peak = max(peak, left, r.total)
    for yy, g in headers:
        label = "全区" if chinese and g == "zone" else category_label("line", g, chinese)
        ax.text(0, yy, label, va="center", fontsize=9, fontweight="bold")
    ax.set_yticks([t for t, _ in ticks], [s for _, s in ticks])
    ax.set_ylim(y - 0.5, -0.7)
    ax.set_xlim(0, peak * 1.18 + 1)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(
        say(chinese, "points (bar: indicators; tick: total)", "得分（条：各指标；竖线：总分）")
    )
    ax.set_title(
        say(
            chinese, f"leaderboard {board.period}: top {top}", f"{board.period} 排行榜：前 {top} 名"
        )
    )
    from matplotlib.patches import Patch  # noqa: PLC0415

    legend_outside(
        ax,
        [Patch(color=colours[k], label=ind_labels.get(k, k) if chinese else k) for k in indicators],
        title=say(chinese, "indicator", "指标"),
    )
    return finish(ax)


def post_fit_chart(
    fit: Any,
    *,
    top: int = 15,
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
    labels: Labels = "auto",
) -> Axes:
    """Draw a post's best-fitting candidates: fit bars and what each one lacks.

    Parameters
    ----------
    fit
        A :class:`~cadredev.scoring.PostFit` (from :func:`~cadredev.scoring.post_fit`).
    top
        Candidates shown.
    names
        Cadre id -> name, for the row labels.
    ax
        Axes to draw on; a new figure when ``None``.
    labels
        ``"auto"``, ``"zh"`` or ``"en"``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cadredev import Cadre, Post
    >>> from cadredev.scoring import post_fit
    >>> post = Post(id="p", unit="u", category="host", requirements={"judgment": 0.8})
    >>> people = [
    ...     Cadre(
    ...         id=i,
    ...         name=i,
    ...         birth_year=1990,
    ...         rank="section",
    ...         unit="u",
    ...         competencies={"judgment": level},
    ...     )
    ...     for i, level in (("a", 0.6), ("b", 0.9))
    ... ]
    >>> ax = post_fit_chart(post_fit(post, people), labels="en")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['1 b', '2 a']

    .. versionadded:: 0.2
    """
    if top < 1:
        raise InvalidInputError(f"post_fit_chart: top must be >= 1, got {top}")
    chinese = use_chinese(labels)
    names = dict(names or {})
    rows = list(fit.ranking[:top])
    any_gaps = any(r.gaps for r in rows)
    ax = axes(ax, (9, max(2.5, 0.32 * len(rows) + 1.6)))
    meets, short = "#2a9d5c", "#e8a33d"
    for y, r in enumerate(rows):
        ax.barh(y, r.fit, color=meets if r.meets_all else short, height=0.7)
        gaps = sorted(r.gaps.items(), key=lambda kv: (-kv[1], kv[0]))
        text = f"{r.fit:.2f}"
        if gaps:
            parts = [f"{_COMPETENCIES.get(k, k) if chinese else k} -{v:.2f}" for k, v in gaps[:3]]
            text += say(chinese, "  short: ", "  欠缺：") + ("、" if chinese else ", ").join(parts)
        ax.text(r.fit + 0.01, y, text, va="center", fontsize=7)
    ax.set_yticks(range(len(rows)), [f"{r.position} {display(r.cadre_id, names)}" for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, 1.6 if any_gaps else 1.12)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.axvline(1.0, color="0.5", linewidth=0.6, linestyle="--")
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(say(chinese, "fit (1 = meets every requirement)", "匹配度（1 = 全部达标）"))
    total, excluded = len(fit.ranking), len(fit.excluded)
    ax.set_title(
        say(
            chinese,
            f"fit for post {fit.post_id}: top {len(rows)} of {total} ({excluded} not eligible)",
            f"岗位 {fit.post_id} 人岗匹配：{total} 人中前 {len(rows)} 名"
            f"（{excluded} 人不符合资格）",
        )
    )
    from matplotlib.patches import Patch  # noqa: PLC0415

    legend_outside(
        ax,
        [
            Patch(color=meets, label=say(chinese, "meets all", "全部达标")),
            Patch(color=short, label=say(chinese, "falls short", "有欠缺")),
        ],
    )
    return finish(ax)
