"""What every plot shares: the ``labels`` option, words in two languages, axes, colours."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from cadredev.errors import InvalidInputError, MissingDependencyError

from ._fonts import cjk_font, pyplot, set_fonts

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from cadredev.calendar import Calendar

__all__ = [
    "Labels",
    "axes",
    "category_label",
    "finish",
    "grid_name",
    "legend_outside",
    "palette",
    "period_labels",
    "say",
    "use_chinese",
]

Labels = Literal["auto", "zh", "en"]

_DIGITS = "零一二三四五六七八九"
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def use_chinese(labels: object) -> bool:
    """Return whether a plot's own words are Chinese, checking the ``labels`` option.

    ``"auto"`` and ``"zh"`` draw Chinese when a CJK font is available;
    ``"zh"`` raises when none is; ``"en"`` draws English words (names
    stay as they are in the data).
    """
    if labels not in ("auto", "zh", "en"):
        raise InvalidInputError(f"labels must be 'auto', 'zh' or 'en', got {labels!r}")
    if labels == "en":
        return False
    font = cjk_font()
    if font is None and labels == "zh":
        raise MissingDependencyError(
            "Chinese labels need a CJK font: pip install 'cadredev[plot]' installs one; "
            "or use labels='en'"
        )
    return font is not None


def say(chinese: bool, en: str, zh: str) -> str:
    """Return the Chinese or the English wording."""
    return zh if chinese else en


def chinese_number(n: int) -> str:
    """Return ``n`` (0 to 99) in Chinese numerals: 1 -> 一, 10 -> 十, 21 -> 二十一."""
    if not 0 <= n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + ("" if ones == 0 else _DIGITS[ones])


def grid_name(index: int, chinese: bool) -> str:
    """Return the name of grid ``index`` (0-based): ``网格一`` or ``Grid 1``."""
    return f"网格{chinese_number(index + 1)}" if chinese else f"Grid {index + 1}"


_ATTRIBUTES = {
    "cohort": "年龄段",
    "line": "条线",
    "rank": "职级",
    "unit": "单位",
    "gender": "性别",
    "grid": "网格",
    "industries": "产业",
}


def attribute_label(name: str, chinese: bool) -> str:
    """Return a cadre attribute's display name."""
    return _ATTRIBUTES.get(name, name) if chinese else name


def category_label(attribute: str, value: Any, chinese: bool) -> str:
    """Return a category's display text: an enum's Chinese label where there is one."""
    label = getattr(value, "label", None)
    if chinese and isinstance(label, str) and label:
        return label
    plain = str(getattr(value, "value", value))
    if chinese:
        from cadredev.model import Cohort, Line, Rank  # noqa: PLC0415

        enum = {"cohort": Cohort, "line": Line, "rank": Rank}.get(attribute)
        if enum is not None:
            try:
                return enum(plain).label or plain
            except ValueError:
                return plain
        if attribute == "gender":
            return {"F": "女", "M": "男"}.get(plain, plain)
    return plain


def period_labels(
    periods: Sequence[int], calendar: Calendar | None, chinese: bool
) -> tuple[list[str], str]:
    """Return tick labels for ``periods`` and the axis label.

    With a monthly calendar inside one year, months are ``1月`` or ``Jan``
    and the year goes in the axis label; otherwise each period shows its
    calendar label (``2025-01``, ``2025Q1``); without a calendar, periods are
    numbered from 1.
    """
    if calendar is None:
        return [str(p + 1) for p in periods], say(chinese, "period", "时段")
    labels = [calendar.label(p) for p in periods]
    years = {label[:4] for label in labels}
    if calendar.level == "month" and len(years) == 1:
        year = next(iter(years))
        months = [int(label[5:7]) for label in labels]
        if chinese:
            return [f"{m}月" for m in months], f"{year}年"
        return [_MONTHS_EN[m - 1] for m in months], year
    return labels, say(
        chinese, calendar.level, {"month": "月", "quarter": "季度"}.get(calendar.level, "年")
    )


def axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """Return ``ax``, or the Axes of a new figure of ``size`` inches with a layout engine."""
    plt = pyplot()
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=size, layout="constrained")
    return new  # type: ignore[no-any-return]


def palette(keys: Sequence[Hashable]) -> dict[Hashable, Any]:
    """Return a colour per key, in order, from ``tab10`` (``tab20`` past ten keys)."""
    plt = pyplot()
    cmap = plt.get_cmap("tab10" if len(keys) <= 10 else "tab20")
    return {k: cmap(i % cmap.N) for i, k in enumerate(keys)}


def legend_outside(ax: Axes, handles: Sequence[Any], *, title: str | None = None) -> None:
    """Put a legend to the right of the Axes, where it cannot cover data."""
    if not handles:
        return
    ax.legend(
        handles=list(handles),
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        fontsize="small",
        title=title,
        title_fontsize="small",
        frameon=False,
    )


def names_of(items: Any) -> dict[str, str]:
    """Return id -> name for records with ``id`` and a non-empty ``name``."""
    out: dict[str, str] = {}
    for item in items or ():
        name = getattr(item, "name", "")
        if name:
            out[str(item.id)] = str(name)
    return out


def display(key: Any, names: Mapping[str, str]) -> str:
    """Return the name for an id when known, else the id."""
    return names.get(str(key), str(key))


def finish(ax: Axes) -> Axes:
    """Pass every text of the plot through the font rule and return ``ax``."""
    set_fonts(ax)
    return ax
