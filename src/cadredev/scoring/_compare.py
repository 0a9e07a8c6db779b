"""Field-by-field equality for result records that hold numpy arrays."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np

__all__ = ["same_fields"]


def same_fields(a: Any, b: Any) -> bool:
    """Return whether two attrs records of one class hold equal fields.

    Arrays (also as the values of a mapping) are equal when they have the
    same shape and values (``NaN`` equals ``NaN``); fields declared
    ``eq=False`` (caches) are skipped.
    """
    for f in attrs.fields(type(a)):
        if not f.eq:
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            if not _same(x, y):
                return False
        elif isinstance(x, Mapping) and isinstance(y, Mapping):
            if x.keys() != y.keys() or not all(_same(x[k], y[k]) for k in x):
                return False
        elif x != y:
            return False
    return True


def _same(x: Any, y: Any) -> bool:
    if isinstance(x, np.ndarray) and isinstance(y, np.ndarray):
        nan = x.dtype.kind == "f" and y.dtype.kind == "f"
        return x.shape == y.shape and bool(np.array_equal(x, y, equal_nan=nan))
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
        return False
    return bool(x == y)
