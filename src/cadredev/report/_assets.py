"""What the page carries inside itself: figures as SVG data and a subset of the CJK font."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["can_draw", "font_face", "svg_data"]

FONT_FAMILY = "cadredev-cjk"


def can_draw() -> bool:
    """Return whether matplotlib is installed (figures are left out without it)."""
    try:
        import matplotlib as mpl  # noqa: PLC0415
    except ImportError:
        return False
    del mpl
    return True


def svg_data(draw: Callable[[Any], Axes], size: tuple[float, float]) -> str:
    """Draw on a new figure of ``size`` inches and return it as an SVG ``data:`` URI.

    Text is drawn as paths, so the figure shows the same on any device;
    ids are salted with a fixed string and no date is written, so equal
    results give equal files.
    """
    import matplotlib as mpl  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    with mpl.rc_context({"svg.fonttype": "path", "svg.hashsalt": "cadredev"}):
        figure = Figure(figsize=size, layout="constrained")
        draw(figure.add_subplot())
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def font_face(text: str) -> str:
    """Return a CSS ``@font-face`` with the CJK font cut down to the characters of ``text``.

    The page then shows its Chinese on a machine without a CJK font. Empty
    when the ``plot`` extra's font (or fontTools, which comes with
    matplotlib) is not installed, or ``text`` has no CJK character: the page
    then falls back to the reader's own fonts.
    """
    try:
        from fontTools import subset  # type: ignore[import-untyped]  # noqa: PLC0415
    except ImportError:
        return ""
    from cadredev.plot._fonts import bundled_font, needs_cjk  # noqa: PLC0415

    path = bundled_font()
    chars = {ch for ch in text if needs_cjk(ch)}
    if path is None or not chars:
        return ""
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.layout_features = ["*"]
    font = subset.load_font(io.BytesIO(path.read_bytes()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars | set(" 0123456789"))))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f"@font-face{{font-family:'{FONT_FAMILY}';"
        f"src:url(data:font/otf;base64,{data}) format('opentype');"
        "unicode-range:U+2E80-FFFF;}"
    )
