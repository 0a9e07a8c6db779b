"""Mentor matchings: mentors on a circle with their mentees, coloured by unit."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from cadredev.errors import InvalidInputError

from ._common import Labels, attribute_label, axes, finish, legend_outside, palette, say
from ._common import use_chinese as _use_chinese

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["mentor_graph"]


def _attr(graph: Any, node: Any, key: str) -> Any:
    return graph.nodes[node].get(key) if node in graph else None


def mentor_graph(
    matching: Any,
    graph: Any,
    *,
    ax: Axes | None = None,
    labels: Labels = "auto",
    color_by: str = "unit",
    mentee_labels: bool = False,
) -> Axes:
    """Draw mentors with their mentees, coloured by unit (or another node attribute).

    Mentors sit on a circle, labelled with their name and load
    (``mentees/capacity``); each mentee is a dot next to its mentor.
    Cross-unit pairs are drawn solid, same-unit pairs dotted. A mentor with
    no mentee is drawn hollow so it is easy to see; unmatched mentees are
    grey dots at the centre.

    Parameters
    ----------
    matching
        A :class:`~cadredev.matching.Matching` (anything with ``pairs`` and
        ``unmatched``).
    graph
        The graph it was computed on (node attributes ``bipartite``,
        ``capacity``, ``name`` and the ``color_by`` attribute).
    ax
        Axes to draw on; a new figure when ``None``.
    labels
        ``"auto"``, ``"zh"`` or ``"en"``.
    color_by
        The node attribute that colours nodes (``"unit"``, ``"grid"``, ...).
    mentee_labels
        Write each mentee's name next to its dot.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import networkx as nx
    >>> from cadredev.matching import match
    >>> g = nx.Graph()
    >>> g.add_node("e1", bipartite=0, unit="a", name="王伟")
    >>> g.add_node("m1", bipartite=1, capacity=2, unit="b", name="李明")
    >>> g.add_node("m2", bipartite=1, capacity=1, unit="a", name="张三")
    >>> g.add_edge("e1", "m1", weight=1.0)
    >>> mentor_graph(match(g), g, labels="en").get_title()
    '2 mentors, 1 pairs (1 cross-unit), 0 unmatched, 1 mentor without mentees'

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       Names, loads, colours by ``color_by`` with a legend, hollow unused
       mentors, ``mentee_labels``.
    """
    if not isinstance(color_by, str) or not color_by:
        raise InvalidInputError(
            f"mentor_graph: color_by must be an attribute name, got {color_by!r}"
        )
    chinese = _use_chinese(labels)
    pairs: dict[Any, Any] = dict(matching.pairs)
    mentors = sorted(
        {n for n, d in graph.nodes(data=True) if d.get("bipartite") == 1} | set(pairs.values()),
        key=str,
    )
    unmatched = sorted(matching.unmatched, key=str)
    groups = sorted(
        {
            str(v)
            for n in [*mentors, *pairs, *unmatched]
            if (v := _attr(graph, n, color_by)) is not None
        }
    )
    colours = palette(groups)

    def colour(node: Any) -> Any:
        value = _attr(graph, node, color_by)
        return "0.6" if value is None else colours[str(value)]

    def name(node: Any) -> str:
        return str(_attr(graph, node, "name") or node)

    ax = axes(ax, (9, 8))
    angle = {m: math.pi / 2 - 2 * math.pi * i / max(1, len(mentors)) for i, m in enumerate(mentors)}
    pos = {m: (math.cos(a), math.sin(a)) for m, a in angle.items()}
    by_mentor: dict[Any, list[Any]] = {m: [] for m in mentors}
    for mentee, mentor in sorted(pairs.items(), key=lambda kv: str(kv[0])):
        by_mentor[mentor].append(mentee)
    cross = 0
    sector = 2 * math.pi / max(1, len(mentors))
    for mentor, mentees in by_mentor.items():
        base = angle[mentor]
        for k, mentee in enumerate(mentees):
            # mentees fan out inside the mentor's own sector, in two rings
            spread = (k - (len(mentees) - 1) / 2) * 0.85 * sector / max(1, len(mentees))
            radius = 1.35 if k % 2 == 0 else 1.55
            x, y = radius * math.cos(base + spread), radius * math.sin(base + spread)
            unit_a, unit_b = _attr(graph, mentee, "unit"), _attr(graph, mentor, "unit")
            is_cross = unit_a is not None and unit_b is not None and unit_a != unit_b
            cross += is_cross
            ax.plot(
                [pos[mentor][0], x],
                [pos[mentor][1], y],
                color="0.55",
                linestyle="-" if is_cross else ":",
                linewidth=0.6,
                zorder=1,
            )
            ax.scatter(
                [x], [y], s=16, color=colour(mentee), edgecolor="white", linewidth=0.3, zorder=3
            )
            if mentee_labels:
                ax.annotate(
                    name(mentee),
                    (x, y),
                    xytext=(1.07 * x, 1.07 * y),
                    fontsize=5,
                    ha="left" if x >= 0 else "right",
                    va="center",
                )
    idle = 0
    for mentor in mentors:
        x, y = pos[mentor]
        load = len(by_mentor[mentor])
        capacity = _attr(graph, mentor, "capacity")
        used = load > 0
        idle += not used
        ax.scatter(
            [x],
            [y],
            s=150,
            color=colour(mentor) if used else "white",
            edgecolor=colour(mentor) if not used else "black",
            linewidth=1.8 if not used else 0.6,
            zorder=4,
        )
        text = f"{name(mentor)}\n{load}/{capacity}" if capacity is not None else name(mentor)
        if not used:
            text += say(chinese, "\nno mentees", "\n未带徒")
        ax.annotate(text, (0.78 * x, 0.78 * y), fontsize=7, ha="center", va="center", zorder=5)
    for k in range(len(unmatched)):
        ax.scatter([0.06 * (k % 10) - 0.27], [0.06 * (k // 10) - 0.1], s=12, color="0.6")
    if unmatched:
        ax.annotate(
            say(chinese, f"{len(unmatched)} unmatched", f"未匹配 {len(unmatched)} 人"),
            (0, -0.2),
            ha="center",
            fontsize=8,
        )
    title = say(
        chinese,
        f"{len(mentors)} mentors, {len(pairs)} pairs ({cross} cross-unit), "
        f"{len(unmatched)} unmatched",
        f"导师 {len(mentors)} 人，结对 {len(pairs)} 对（跨单位 {cross} 对），"
        f"未匹配 {len(unmatched)} 人",
    )
    if idle:
        title += say(
            chinese,
            f", {idle} mentor{'s' if idle > 1 else ''} without mentees",
            f"，{idle} 位导师未带徒",
        )
    ax.set_title(title)
    ax.set_aspect("equal")
    ax.set_xlim(-1.8, 1.8)
    ax.set_ylim(-1.8, 1.8)
    ax.axis("off")
    from matplotlib.lines import Line2D  # noqa: PLC0415

    handles = [
        Line2D([], [], marker="o", linestyle="", color=colours[g], label=g, markersize=6)
        for g in groups
    ]
    handles += [
        Line2D(
            [], [], color="0.55", linestyle="-", label=say(chinese, "cross-unit pair", "跨单位结对")
        ),
        Line2D(
            [], [], color="0.55", linestyle=":", label=say(chinese, "same-unit pair", "同单位结对")
        ),
    ]
    legend_outside(ax, handles, title=attribute_label(color_by, chinese))
    return finish(ax)
