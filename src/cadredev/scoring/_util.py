"""Small shared helpers for the scoring package."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from cadredev.errors import MissingDependencyError

__all__ = ["html_table", "need_pandas"]


def need_pandas() -> Any:
    """Import pandas or raise :class:`MissingDependencyError` saying how to get it."""
    try:
        import pandas as pd  # noqa: PLC0415
    except ImportError as exc:
        raise MissingDependencyError(
            "to_pandas() needs pandas: pip install 'cadredev[pandas]'"
        ) from exc
    return pd


def html_table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Return a small escaped HTML table."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<p>{html.escape(title)}</p><table><tr>{head}</tr>{body}</table>"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
