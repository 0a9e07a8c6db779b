"""Fonts: one CJK font registered on first use and one rule for which text needs it.

The ``plot`` extra installs Noto Sans SC (SIL Open Font License 1.1) from the
``pylopdf-fonts-zh-cn`` wheel. It is added to matplotlib's font list the
first time a plot asks for it; the user's ``rcParams`` are never changed.
Every text element of a plot passes through :func:`font_for`, which returns
font properties naming the CJK font when the text holds a CJK character,
and leaves Latin text in the user's font.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cadredev.errors import MissingDependencyError

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.font_manager import FontProperties

__all__ = ["bundled_font", "cjk_font", "font_for", "needs_cjk", "pyplot", "set_fonts"]

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
"""The import name of the wheel the ``plot`` extra installs the font from."""
FONT_FILE = "NotoSansSC-Regular.otf"

# Fonts a machine may already have, tried when the wheel is absent.
_SYSTEM_FAMILIES = (
    "Noto Sans SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Noto Sans CJK JP",
)

# From CJK Radicals Supplement (U+2E80) up: CJK punctuation, kana, ideographs,
# Hangul and the full-width forms all lie at or above it.
_CJK_FROM = 0x2E80
_FALLBACK = "DejaVu Sans"  # ships with matplotlib


def pyplot() -> Any:
    """Import ``matplotlib.pyplot`` or raise :class:`MissingDependencyError`."""
    try:
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError as exc:
        raise MissingDependencyError("plotting needs: pip install 'cadredev[plot]'") from exc
    return plt


def bundled_font() -> Path | None:
    """Return the path of the font file the ``plot`` extra installs, if it is installed."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / FONT_FILE
        if path.is_file():
            return path
    return None


@cache
def cjk_font() -> str | None:
    """Return the family name of the font used for Chinese text, or ``None``.

    The font the ``plot`` extra installs (Noto Sans SC) is registered with
    matplotlib on the first call; without it, an installed system font
    (Noto Sans CJK, Source Han Sans, WenQuanYi, ...) is used if there is one.
    Matplotlib's ``rcParams`` are left as they are.

    Returns
    -------
    str or None
        A family name matplotlib knows, or ``None`` when no font can draw
        Chinese.

    Raises
    ------
    MissingDependencyError
        If matplotlib is not installed.

    Examples
    --------
    >>> cjk_font()
    'Noto Sans SC'

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       The font comes with the ``plot`` extra.
    """
    pyplot()
    from matplotlib import font_manager  # noqa: PLC0415

    bundled = bundled_font()
    if bundled is not None:
        font_manager.fontManager.addfont(str(bundled))
        return str(font_manager.FontProperties(fname=str(bundled)).get_name())
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in _SYSTEM_FAMILIES if family in installed), None)


def needs_cjk(text: str) -> bool:
    """Return whether ``text`` holds a character the default Latin fonts lack.

    Examples
    --------
    >>> needs_cjk("grid 1"), needs_cjk("网格一"), needs_cjk("（1）")
    (False, True, True)
    """
    return any(ord(ch) >= _CJK_FROM for ch in text)


def font_for(text: str, like: FontProperties | None = None) -> FontProperties | None:
    """Return font properties that draw ``text``, or ``None`` when ``like`` already does.

    Text with a CJK character gets a copy of ``like`` (size, weight and style
    kept) whose family is the CJK font followed by a fallback, so
    a glyph the CJK font lacks still falls back to matplotlib's own DejaVu
    Sans; other text keeps ``like``.

    Raises
    ------
    MissingDependencyError
        If the text needs a CJK font and none is installed.
    """
    if not needs_cjk(text):
        return None
    family = cjk_font()
    if family is None:
        raise MissingDependencyError(
            "Chinese text needs a CJK font: pip install 'cadredev[plot]' installs one"
        )
    from matplotlib.font_manager import FontProperties  # noqa: PLC0415

    props = like.copy() if like is not None else FontProperties()
    props.set_family([family, _FALLBACK])
    if _as_number(props.get_weight()) > _heaviest(family) + 100:
        props.set_weight("normal")  # the font has one weight: ask for no bold it lacks
    return props


def _as_number(weight: object) -> int:
    from matplotlib.font_manager import weight_dict  # noqa: PLC0415

    if isinstance(weight, int | float):
        return int(weight)
    return int(weight_dict.get(str(weight), 400))


@cache
def _heaviest(family: str) -> int:
    from matplotlib import font_manager  # noqa: PLC0415

    weights = [_as_number(f.weight) for f in font_manager.fontManager.ttflist if f.name == family]
    return max(weights, default=400)


def set_fonts(artist: Artist) -> None:
    """Give every text element under ``artist`` the font its text needs (see :func:`font_for`).

    Called once at the end of each plot, so titles, axis and tick labels,
    legends and annotations all go through :func:`font_for`.
    """
    from matplotlib.text import Text  # noqa: PLC0415

    for text in artist.findobj(Text):
        props = font_for(text.get_text(), text.get_fontproperties())
        if props is not None:
            text.set_fontproperties(props)
