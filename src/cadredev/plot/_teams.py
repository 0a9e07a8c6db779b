"""Teams and grids: category shares per team, and the enterprises each grid serves."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from cadredev.errors import InvalidInputError

from ._common import (
    Labels,
    attribute_label,
    axes,
    category_label,
    finish,
    grid_name,
    legend_outside,
    palette,
    say,
    use_chinese,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["enterprise_split_map", "team_balance"]


def _team_names(n: int, names: Sequence[str] | None, chinese: bool, where: str) -> list[str]:
    if names is None:
        return [grid_name(i, chinese) for i in range(n)]
    names = [str(x) for x in names]
    if len(names) != n:
        raise InvalidInputError(f"{where}: names must name each of the {n} teams, got {len(names)}")
    return names


def team_balance(
    teams: Any,
    *,
    attribute: str | None = None,
    ax: Axes | None = None,
    labels: Labels = "auto",
    names: Sequence[str] | None = None,
) -> Axes:
    """Draw each team's category shares of one balanced attribute as stacked bars.

    Dashed lines mark the overall shares (cumulated), so a balanced team's
    bar boundaries sit on the lines.

    Parameters
    ----------
    teams
        A :class:`~cadredev.teams.Teams` result.
    attribute
        Which balanced attribute to draw; the first one when ``None``.
    ax
        Axes to draw on; a new figure when ``None``.
    labels
        ``"auto"``, ``"zh"`` or ``"en"``.
    names
        One name per team; grids are named ``网格一, 网格二, ...`` (``Grid 1, ...``
        in English) when ``None``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cadredev import form_teams, sample_zone
    >>> zone = sample_zone()
    >>> grids = form_teams(zone.cadres, n_teams=6, seed=0, as_of=zone.as_of)
    >>> ax = team_balance(grids)
    >>> ax.get_title(), ax.get_xticklabels()[0].get_text()
    ('各网格年龄段构成（最大偏差 2.0 个百分点）', '网格一')

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       Grid names, Chinese category labels, the legend beside the chart.
    """
    chinese = use_chinese(labels)
    report = teams.report()
    if not report.attributes:
        raise InvalidInputError("team_balance: the teams balance no attribute")
    name = report.attributes[0] if attribute is None else attribute
    if name not in report.attributes:
        raise InvalidInputError(
            f"team_balance: attribute {name!r} is not balanced; expected one of "
            f"{list(report.attributes)}"
        )
    team_names = _team_names(len(report.shares), names, chinese, "team_balance")
    categories = list(report.categories[name])
    colours = palette(categories)
    ax = axes(ax, (max(6.0, 0.7 * len(report.shares) + 3), 4))
    positions = range(len(report.shares))
    bottom = [0.0] * len(report.shares)
    cumulated = 0.0
    from matplotlib.patches import Patch  # noqa: PLC0415

    handles: list[Any] = []
    for category in categories:
        heights = [team[name].get(category, 0.0) for team in report.shares]
        ax.bar(positions, heights, bottom=bottom, color=colours[category], width=0.7)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        cumulated += report.overall[name].get(category, 0.0)
        ax.axhline(cumulated, color="black", linestyle="--", linewidth=0.7)
        handles.append(
            Patch(color=colours[category], label=category_label(name, category, chinese))
        )
    from matplotlib.lines import Line2D  # noqa: PLC0415

    handles.append(
        Line2D(
            [],
            [],
            color="black",
            linestyle="--",
            linewidth=0.7,
            label=say(chinese, "zone share", "全区占比"),
        )
    )
    ax.set_xticks(list(positions), team_names)
    ax.set_ylabel(say(chinese, "share", "占比"))
    ax.set_ylim(0, 1)
    legend_outside(ax, handles, title=attribute_label(name, chinese))
    worst = report.worst_by_attribute[name]
    ax.set_title(
        say(
            chinese,
            f"{name} shares per team (worst deviation {worst:.1f} points)",
            f"各网格{attribute_label(name, chinese)}构成（最大偏差 {worst:.1f} 个百分点）",
        )
    )
    return finish(ax)


def enterprise_split_map(
    split: Any,
    enterprises: Iterable[Any] | None = None,
    *,
    by: str | None = None,
    ax: Axes | None = None,
    labels: Labels = "auto",
    names: Sequence[str] | None = None,
) -> Axes:
    """Draw which enterprises each grid serves: a tile map of groups by grid.

    Each row is a group of enterprises (an area, an industry), each column a
    grid; a tile holds the number of that group's enterprises the grid
    serves, and the bottom row the grid's total. Groups the split had to
    spread over several grids are marked with ``*``. Without
    ``enterprises`` only the totals are drawn.

    Parameters
    ----------
    split
        An :class:`~cadredev.teams.EnterpriseSplit`.
    enterprises
        The :class:`~cadredev.Enterprise` records that were split.
    by
        The enterprise field that groups rows; the split's own ``by`` when
        ``None`` (``"area"`` if the split had none).
    ax
        Axes to draw on; a new figure when ``None``.
    labels
        ``"auto"``, ``"zh"`` or ``"en"``.
    names
        One name per grid; ``网格一, ...`` when ``None``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cadredev import assign_enterprises, sample_zone
    >>> zone = sample_zone()
    >>> split = assign_enterprises(6, zone.enterprises, by="area")
    >>> ax = enterprise_split_map(split, zone.enterprises, labels="en")
    >>> ax.get_title()
    '1600 enterprises over 6 grids by area (3 areas split)'

    .. versionadded:: 0.2
    """
    import numpy as np  # noqa: PLC0415

    chinese = use_chinese(labels)
    teams = sorted(split.assignment)
    team_names = _team_names(len(teams), names, chinese, "enterprise_split_map")
    key = by or split.by or "area"
    group_of: dict[str, str] = {}
    for e in enterprises or ():
        value = getattr(e, key, None)
        if value is None:
            raise InvalidInputError(f"enterprise_split_map: enterprises have no field {key!r}")
        group_of[str(e.id)] = str(value) or say(chinese, "(none)", "（无）")
    groups = sorted(set(group_of.values()))
    counts = np.zeros((len(groups) + 1, len(teams)), dtype=np.int64)
    row = {g: i for i, g in enumerate(groups)}
    for j, t in enumerate(teams):
        ids = split.assignment[t]
        counts[-1, j] = len(ids)
        for g, n in Counter(group_of[i] for i in ids if i in group_of).items():
            counts[row[g], j] = n
    split_groups = {str(g) for g in split.split_groups} if key == split.by else set()
    ax = axes(ax, (max(6.0, 1.0 * len(teams) + 3), 0.45 * (len(groups) + 1) + 1.8))
    shown = counts[:-1].astype(float)
    peak = float(shown.max()) if shown.size else 1.0
    ax.imshow(
        np.vstack([shown / max(peak, 1.0), np.zeros((1, len(teams)))]),
        aspect="auto",
        cmap="Greens",
        vmin=0.0,
        vmax=1.25,
        interpolation="nearest",
        extent=(0, len(teams), len(groups) + 1, 0),
    )
    for (i, j), count in np.ndenumerate(counts):
        total = i == len(groups)
        if count or total:
            ax.text(
                j + 0.5,
                i + 0.5,
                str(count),
                ha="center",
                va="center",
                fontsize=8,
                fontweight="bold" if total else "normal",
                color="white" if not total and count / max(peak, 1.0) > 0.5 else "black",
            )
    ax.axhline(len(groups), color="black", linewidth=0.8)
    rows = [f"{g} *" if g in split_groups else g for g in groups]
    rows.append(say(chinese, "total", "合计"))
    ax.set_yticks([i + 0.5 for i in range(len(rows))], rows)
    ax.set_xticks([j + 0.5 for j in range(len(teams))], team_names)
    ax.xaxis.tick_top()
    ax.tick_params(which="both", length=0)
    ax.set_xticks(range(len(teams) + 1), minor=True)
    ax.set_yticks(range(len(rows) + 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    field = {"area": ("area", "片区"), "industry": ("industry", "产业")}.get(key, (key, key))
    n_total = int(counts[-1].sum())
    title = say(
        chinese,
        f"{n_total} enterprises over {len(teams)} grids by {field[0]}",
        f"{n_total} 家企业分到 {len(teams)} 个网格（按{field[1]}）",
    )
    if split_groups:
        title += say(
            chinese,
            f" ({len(split_groups)} {field[0]}s split)",
            f"，{len(split_groups)} 个{field[1]}跨网格（*）",
        )
    ax.set_title(title, pad=24)
    return finish(ax)
