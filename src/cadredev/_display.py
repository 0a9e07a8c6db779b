"""One way to show results: pandas on demand and one HTML table renderer.

Every result's ``to_pandas`` goes through :func:`need_pandas` and every
``_repr_html_`` through :func:`html_table`, so notebooks show all results
alike and a missing extra is reported in the same words.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from .errors import MissingDependencyError

__all__ = ["HTML_ROWS", "html_table", "need_pandas"]

HTML_ROWS = 50
"""Rows a notebook table shows before it says how many more there are."""


def need_pandas(what: str = "to_pandas()") -> Any:
    """Import pandas or raise :class:`MissingDependencyError` saying how to get it."""
    try:
        import pandas as pd  # noqa: PLC0415
    except ImportError as exc:
        msg = f"{what} needs pandas: pip install 'cadredev[pandas]'"
        raise MissingDependencyError(msg) from exc
    return pd


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value == value else "nan"  # noqa: PLR0124
    return str(value)


def html_table(
    title: str,
    header: Sequence[str] = (),
    rows: Sequence[Sequence[Any]] = (),
    *,
    limit: int = HTML_ROWS,
) -> str:
    """Return an escaped HTML block: a title line and, if there are rows, a table.

    At most *limit* rows are shown; a last line says how many were left out.

    Examples
    --------
    >>> html_table("Pay", ("cadre", "pay"), [("c1", 1.5)])
    '<p>Pay</p><table><tr><th>cadre</th><th>pay</th></tr><tr><td>c1</td><td>1.5</td></tr></table>'
    """
    out = [f"<p>{html.escape(title)}</p>"]
    if header or rows:
        head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>"
            for row in rows[:limit]
        )
        out.append(f"<table><tr>{head}</tr>{body}</table>")
    if len(rows) > limit:
        out.append(f"<p>… {len(rows) - limit} more rows</p>")
    return "".join(out)
