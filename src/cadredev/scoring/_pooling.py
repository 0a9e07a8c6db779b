"""Pooling small grading groups: units too small for a quota are graded together.

.. versionadded:: 0.3
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._scheme import Scheme

__all__ = ["pool_codes", "pool_units"]

IntArray = np.ndarray[Any, np.dtype[np.int64]]


def pool_codes(
    codes: IntArray, labels: tuple[Any, ...], sizes: IntArray, below: int, by: Any = None
) -> tuple[IntArray, tuple[Any, ...]]:
    """Merge the groups smaller than ``below`` into pools; return new codes and labels.

    ``codes`` are per row (or per cadre), ``sizes`` per group. ``by`` gives
    each row the label of its pool (``None``: one pool, ``"pooled"``); a
    pooled group is labelled ``"pooled <by>"``. Labels come back sorted, so
    codes stay in label order.
    """
    small = sizes < below
    if not small.any():
        return codes, labels
    names = np.asarray([str(x) for x in labels], dtype=object)[codes]
    row_small = small[codes]
    if by is None:
        names[row_small] = "pooled"
    else:
        pool = np.asarray(by, dtype=object)
        names[row_small] = np.asarray(["pooled " + str(x) for x in pool[row_small]], dtype=object)
    uniq, inv = np.unique(names.astype(str), return_inverse=True)
    return inv.astype(np.int64), tuple(str(u) for u in uniq)


def pool_units(
    scheme: Scheme,
    codes: IntArray,
    labels: tuple[str, ...],
    line_c: IntArray,
    lines: Sequence[Any],
) -> tuple[IntArray, tuple[str, ...]]:
    """Return each cadre's grading group with the scheme's small units pooled.

    ``codes`` and ``labels`` are the unit groups of the cadres, ``line_c``
    each cadre's line code into ``lines``. Units with fewer cadres than
    ``scheme.pool_below`` join one pool (``"pooled"``) or their line's pool
    (``"pooled <line>"``), as ``scheme.pool_by`` says.
    """
    if not scheme.pool_below or scheme.group_by != "unit" or not codes.size:
        return codes, labels
    names = np.array(["none" if ln is None else ln.value for ln in lines], dtype=object)
    by = None if scheme.pool_by == "zone" else names[line_c]
    sizes = np.bincount(codes, minlength=len(labels))
    return pool_codes(codes, labels, sizes, scheme.pool_below, by)
