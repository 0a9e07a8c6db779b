"""Register cadredev's strategies with hypothesis (run through its entry point).

Hypothesis calls the hook while it is itself being imported, so the hook must
not import :mod:`cadredev.testing` (which imports hypothesis) right away: each
registration is a function that hypothesis calls when the type is first drawn.
"""

from __future__ import annotations

from typing import Any


def _from_testing(name: str) -> Any:
    def resolve(_: type) -> Any:
        from . import testing  # noqa: PLC0415

        return getattr(testing, name)()

    return resolve


def _from_scoring_strategies(name: str) -> Any:
    def resolve(cls: type) -> Any:
        from .testing import _scoring  # noqa: PLC0415

        if name == "any_normaliser":
            return _scoring.any_normaliser(cls)
        return getattr(_scoring, name)()

    return resolve


def _hypothesis_setup_hook() -> None:
    """Make ``st.from_type`` draw valid cadredev records and scoring objects."""
    from hypothesis import strategies as st  # noqa: PLC0415

    from .model import Cadre, Eligibility, Enterprise, Mentor, Post, Posting  # noqa: PLC0415
    from .rotation import RotationProblem  # noqa: PLC0415
    from .scoring import (  # noqa: PLC0415
        Exemption,
        Indicator,
        Linear,
        LookupTable,
        Records,
        Scheme,
        Target,
    )

    records: tuple[tuple[type, str], ...] = (
        (Cadre, "cadres"),
        (Mentor, "mentors"),
        (Post, "posts"),
        (Posting, "postings"),
        (Eligibility, "eligibilities"),
        (Enterprise, "enterprises"),
        (Indicator, "indicators"),
        (Scheme, "schemes"),
        (RotationProblem, "rotation_problems"),
    )
    for cls, name in records:
        st.register_type_strategy(cls, _from_testing(name))
    scoring: tuple[tuple[type, str], ...] = (
        (Records, "any_records"),
        (Exemption, "any_exemptions"),
        (Target, "any_normaliser"),
        (Linear, "any_normaliser"),
        (LookupTable, "any_normaliser"),
    )
    for cls, name in scoring:
        st.register_type_strategy(cls, _from_scoring_strategies(name))
