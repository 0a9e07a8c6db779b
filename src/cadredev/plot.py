"""Plots for notebooks and reports (extra ``plot``: matplotlib).

Each function takes ``ax=None`` (a new figure is made when none is given)
and returns the :class:`matplotlib.axes.Axes` it drew on, so plots compose
into a user's own figures.

Chinese labels are drawn when a CJK-capable font is installed (Noto Sans
CJK, Source Han Sans, WenQuanYi, SimHei, Microsoft YaHei, PingFang, ...);
otherwise labels fall back to their English values, so no glyph is ever
drawn as an empty box. ``labels="zh"`` insists on Chinese and raises
:class:`~cadredev.MissingDependencyError` when no such font exists.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from .errors import InvalidInputError, MissingDependencyError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["cjk_font", "mentor_graph", "rotation_gantt", "score_distribution", "team_balance"]

Labels = Literal["auto", "zh", "en"]

_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)


def _pyplot() -> Any:
    try:
        import matplotlib as mpl  # noqa: PLC0415
    except ImportError as exc:
        raise MissingDependencyError("plotting needs: pip install 'cadredev[plot]'") from exc
    del mpl
    import matplotlib.pyplot as plt  # noqa: PLC0415

    return plt


@cache
def cjk_font() -> str | None:
    """Return the name of an installed font that renders Chinese, or ``None``.

    Examples
    --------
    >>> name = cjk_font()
    >>> name is None or isinstance(name, str)
    True

    .. versionadded:: 0.1
    """
    _pyplot()
    from matplotlib import font_manager  # noqa: PLC0415

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in installed:
            return family
    return None


def _use_chinese(labels: Labels) -> bool:
    if labels not in ("auto", "zh", "en"):
        raise InvalidInputError(f"labels must be 'auto', 'zh' or 'en', got {labels!r}")
    if labels == "en":
        return False
    font = cjk_font()
    if font is None and labels == "zh":
        raise MissingDependencyError(
            "Chinese labels need a CJK font (for example: apt-get install fonts-noto-cjk); "
            "use labels='en' or 'auto' to fall back to English"
        )
    return font is not None


def _text(value: Any, chinese: bool) -> str:
    """Return display text: an enum's Chinese label when allowed, else its value."""
    label = getattr(value, "label", None)
    if chinese and isinstance(label, str):
        return label
    plain = getattr(value, "value", value)
    return str(plain) if (chinese or str(plain).isascii()) else _ascii(str(plain))


def _ascii(text: str) -> str:
    """Keep text drawable without a CJK font: non-ASCII runs become code points."""
    return "".join(ch if ch.isascii() else f"U+{ord(ch):04X}" for ch in text) if text else text


def _axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Axes, dict[str, Any]]:
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    font = cjk_font()
    return ax, ({"fontfamily": font} if font else {})


def _palette(keys: Sequence[Hashable]) -> dict[Hashable, Any]:
    plt = _pyplot()
    cmap = plt.get_cmap("tab10" if len(keys) <= 10 else "tab20")
    return {k: cmap(i % cmap.N) for i, k in enumerate(keys)}


def rotation_gantt(
    plan: Any,
    *,
    by: Literal["cadre", "post"] = "cadre",
    ax: Axes | None = None,
    labels: Labels = "auto",
    max_rows: int = 60,
) -> Axes:
    """Draw a rotation plan as a Gantt chart, coloured by program.

    Parameters
    ----------
    plan
        A :class:`~cadredev.rotation.RotationPlan` (anything with
        ``assignments`` of ``cadre_id, post_id, program, start, length``).
    by
        One row per cadre or per post.
    ax
        Axes to draw on; a new figure when ``None``.
    labels
        ``"auto"``, ``"zh"`` or ``"en"`` (see the module notes on fonts).
    max_rows
        Draw at most this many rows (the first by id); the title says so
        when rows are left out.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from types import SimpleNamespace as NS
    >>> plan = NS(
    ...     assignments=[NS(cadre_id="c1", post_id="p1", program="rotation", start=0, length=3)]
    ... )
    >>> rotation_gantt(plan).get_xlabel()
    'period'

    .. versionadded:: 0.1
    """
    if by not in ("cadre", "post"):
        raise InvalidInputError(f"rotation_gantt: by must be 'cadre' or 'post', got {by!r}")
    if max_rows < 1:
        raise InvalidInputError(f"rotation_gantt: max_rows must be >= 1, got {max_rows}")
    chinese = _use_chinese(labels)
    assignments = list(plan.assignments)
    key = "cadre_id" if by == "cadre" else "post_id"
    rows_all = sorted({getattr(a, key) for a in assignments})
    rows = rows_all[:max_rows]
    index = {r: i for i, r in enumerate(rows)}
    programs = sorted({a.program for a in assignments})
    colours = _palette(programs)
    ax, font = _axes(ax, (10, max(2.5, 0.28 * len(rows) + 1.5)))
    for a in assignments:
        row = index.get(getattr(a, key))
        if row is None:
            continue
        ax.broken_barh(
            [(a.start, a.length)],
            (row - 0.4, 0.8),
            facecolors=colours[a.program],
            edgecolor="white",
        )
    ax.set_yticks(range(len(rows)), [_text(r, chinese) for r in rows], **font)
    ax.invert_yaxis()
    ax.set_xlabel("period")
    ax.set_ylabel(by)
    hidden = len(rows_all) - len(rows)
    title = f"rotation plan: {len(assignments)} assignments"
    if hidden:
        title += f" ({hidden} {by}s not shown)"
    ax.set_title(title)
    if programs:
        from matplotlib.patches import Patch  # noqa: PLC0415

        ax.legend(
            handles=[Patch(color=colours[p], label=_text(p, chinese)) for p in programs],
            loc="upper right",
            fontsize="small",
            prop={"family": font["fontfamily"]} if font else None,
        )
    ax.grid(axis="x", alpha=0.3)
    return ax


def mentor_graph(
    matching: Any,
    graph: Any,
    *,
    ax: Axes | None = None,
    labels: Labels = "auto",
) -> Axes:
    """Draw mentors with their mentees; cross-unit pairs are drawn solid.

    Mentors sit on a circle, each mentee next to its mentor; unmatched
    mentees are drawn grey at the centre. A pair counts as cross-unit when
    both nodes carry a ``unit`` attribute and the units differ.

    Parameters
    ----------
    matching
        A :class:`~cadredev.matching.Matching` (anything with ``pairs`` and
        ``unmatched``).
    graph
        The graph it was computed on (for node attributes).
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
    >>> import networkx as nx
    >>> from types import SimpleNamespace as NS
    >>> g = nx.Graph()
    >>> g.add_node("e1", bipartite=0, unit="a")
    >>> g.add_node("m1", bipartite=1, capacity=1, unit="b")
    >>> g.add_edge("e1", "m1", weight=1.0)
    >>> mentor_graph(NS(pairs={"e1": "m1"}, unmatched=()), g).get_title()
    '1 mentors, 1 pairs (1 cross-unit), 0 unmatched'

    .. versionadded:: 0.1
    """
    import math  # noqa: PLC0415

    chinese = _use_chinese(labels)
    pairs: dict[str, str] = dict(matching.pairs)
    mentors = sorted(
        {n for n, d in graph.nodes(data=True) if d.get("bipartite") == 1} | set(pairs.values())
    )
    unmatched = list(matching.unmatched)
    ax, font = _axes(ax, (8, 8))
    angle = {m: 2 * math.pi * i / max(1, len(mentors)) for i, m in enumerate(mentors)}
    pos = {m: (math.cos(a), math.sin(a)) for m, a in angle.items()}
    by_mentor: dict[str, list[str]] = {}
    for mentee, mentor in sorted(pairs.items()):
        by_mentor.setdefault(mentor, []).append(mentee)
    cross = 0
    sector = 2 * math.pi / max(1, len(mentors))
    for mentor, mentees in by_mentor.items():
        base = angle[mentor]
        for k, mentee in enumerate(mentees):
            # mentees fan out inside the mentor's own sector, in two rings
            spread = (k - (len(mentees) - 1) / 2) * 0.8 * sector / max(1, len(mentees))
            radius = 1.3 if k % 2 == 0 else 1.45
            x, y = radius * math.cos(base + spread), radius * math.sin(base + spread)
            unit_a = graph.nodes[mentee].get("unit") if mentee in graph else None
            unit_b = graph.nodes[mentor].get("unit") if mentor in graph else None
            is_cross = unit_a is not None and unit_b is not None and unit_a != unit_b
            cross += is_cross
            ax.plot(
                [pos[mentor][0], x],
                [pos[mentor][1], y],
                color="tab:blue" if is_cross else "tab:orange",
                linestyle="-" if is_cross else ":",
                linewidth=0.8,
            )
            ax.scatter([x], [y], s=12, color="tab:green", zorder=3)
    for mentor in mentors:
        ax.scatter(*pos[mentor], s=120, color="tab:red", zorder=4)
        x, y = pos[mentor]
        ax.annotate(
            _text(mentor, chinese),
            (0.82 * x, 0.82 * y),
            fontsize="small",
            ha="center",
            va="center",
            **font,
        )
    for k in range(len(unmatched)):
        ax.scatter([0.05 * (k % 10) - 0.25], [0.05 * (k // 10)], s=10, color="grey")
    ax.set_title(
        f"{len(mentors)} mentors, {len(pairs)} pairs ({cross} cross-unit), "
        f"{len(unmatched)} unmatched"
    )
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def team_balance(
    teams: Any,
    *,
    attribute: str | None = None,
    ax: Axes | None = None,
    labels: Labels = "auto",
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
    >>> team_balance(grids).get_title()
    'cohort shares per team (worst deviation 2.0 points)'

    .. versionadded:: 0.1
    """
    _use_chinese(labels)
    report = teams.report()
    if not report.attributes:
        raise InvalidInputError("team_balance: the teams balance no attribute")
    name = report.attributes[0] if attribute is None else attribute
    if name not in report.attributes:
        raise InvalidInputError(
            f"team_balance: attribute {name!r} is not balanced; expected one of "
            f"{list(report.attributes)}"
        )
    categories = list(report.categories[name])
    colours = _palette(categories)
    ax, _ = _axes(ax, (max(5.0, 0.5 * len(report.shares) + 2), 4))
    positions = range(len(report.shares))
    bottom = [0.0] * len(report.shares)
    cumulated = 0.0
    for category in categories:
        heights = [team[name].get(category, 0.0) for team in report.shares]
        ax.bar(positions, heights, bottom=bottom, color=colours[category], label=str(category))
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        cumulated += report.overall[name].get(category, 0.0)
        ax.axhline(cumulated, color="black", linestyle="--", linewidth=0.7)
    ax.set_xticks(list(positions), [str(i + 1) for i in positions])
    ax.set_xlabel("team")
    ax.set_ylabel("share")
    ax.set_ylim(0, 1)
    ax.legend(loc="upper right", fontsize="small")
    worst = report.worst_by_attribute[name]
    ax.set_title(f"{name} shares per team (worst deviation {worst:.1f} points)")
    return ax


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
    the two shows the effect of per-group quotas, ties and vetoes.

    Parameters
    ----------
    table
        A :class:`~cadredev.scoring.ScoreTable`.
    bins
        Histogram bins.
    ax
        Axes to draw on; a new figure when ``None``.
    labels
        ``"auto"``, ``"zh"`` or ``"en"`` (grade labels are Chinese).

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
    'total score'

    .. versionadded:: 0.1
    """
    import numpy as np  # noqa: PLC0415

    if bins < 1:
        raise InvalidInputError(f"score_distribution: bins must be >= 1, got {bins}")
    chinese = _use_chinese(labels)
    ax, font = _axes(ax, (8, 4))
    totals = np.asarray(table.total, dtype=float)
    grades = np.asarray(table.grade, dtype=object)
    order = [g.id for g in table.scheme.grades]
    names = {g.id: (g.label if chinese and g.label else g.id) for g in table.scheme.grades}
    colours = _palette(order)
    edges = np.histogram_bin_edges(totals, bins=bins) if totals.size else np.linspace(0, 1, 2)
    stacks = [totals[grades == g] for g in order]
    ax.hist(
        stacks,
        bins=edges.tolist(),
        stacked=True,
        color=[colours[g] for g in order],
        label=[f"{names[g]} ({len(x)})" for g, x in zip(order, stacks, strict=True)],
    )
    cumulated = 0.0
    for g, values in zip(table.scheme.grades, stacks, strict=True):
        if values.size and g is not table.scheme.grades[-1]:
            ax.axvline(float(values.min()), color=colours[g.id], linewidth=1.2)
        if g.quota is not None and totals.size:
            cumulated = min(1.0, cumulated + g.quota)
            ax.axvline(
                float(np.quantile(totals, 1 - cumulated)),
                color=colours[g.id],
                linestyle=":",
                linewidth=1.2,
            )
    ax.set_xlabel("total score")
    ax.set_ylabel("cadres")
    ax.set_title(f"{len(totals)} scores, cut-offs (solid) and zone-wide quotas (dotted)")
    ax.legend(fontsize="small", prop={"family": font["fontfamily"]} if font else None)
    return ax
