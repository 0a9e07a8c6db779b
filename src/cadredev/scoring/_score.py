"""Aliases for the sample builders in ``_samples``, which still import from here.

:func:`score` lives in ``_evaluate`` and :class:`ScoreTable` in ``_table``;
delete this module once ``_samples`` imports them from there (or from
:mod:`cadredev.scoring`).
"""

from __future__ import annotations

from ._evaluate import score
from ._table import ScoreTable

__all__ = ["ScoreTable", "score"]
