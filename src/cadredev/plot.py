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

__all__ = ["cjk_font", "mentor_graph", "rotation_gantt"]

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
    for mentor, mentees in by_mentor.items():
        base = angle[mentor]
        for k, mentee in enumerate(mentees):
            spread = (k - (len(mentees) - 1) / 2) * 0.12
            x, y = 1.35 * math.cos(base + spread), 1.35 * math.sin(base + spread)
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
        ax.annotate(
            _text(mentor, chinese), pos[mentor], fontsize="small", ha="center", va="bottom", **font
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
