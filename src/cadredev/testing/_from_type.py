"""The strategies ``st.from_type`` uses for cadredev's types (see the hypothesis plugin).

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from cadredev.model import Cadre, Eligibility, Enterprise, Mentor, Post, Posting
from cadredev.rotation import RotationProblem
from cadredev.scoring import Exemption, Indicator, Linear, LookupTable, Records, Scheme, Target

from ._models import cadres, eligibilities, enterprises, mentors, postings, posts
from ._records import any_exemptions, any_records
from ._rotation import rotation_problems
from ._scoring import any_normaliser, indicators, schemes

__all__ = ["strategy_for"]

_STRATEGIES: dict[type, Callable[[], st.SearchStrategy[Any]]] = {
    Cadre: cadres,
    Mentor: mentors,
    Post: posts,
    Posting: postings,
    Eligibility: eligibilities,
    Enterprise: enterprises,
    RotationProblem: rotation_problems,
    Indicator: indicators,
    Scheme: schemes,
    Records: any_records,
    Exemption: any_exemptions,
}


def strategy_for(cls: type) -> st.SearchStrategy[Any]:
    """Return the strategy that draws valid instances of ``cls``."""
    if cls in (Target, Linear, LookupTable):
        return any_normaliser(cls)
    return _STRATEGIES[cls]()
