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


def _hypothesis_setup_hook() -> None:
    """Make ``st.from_type`` draw valid cadredev records."""
    from hypothesis import strategies as st  # noqa: PLC0415

    from .model import Cadre, Eligibility, Enterprise, Mentor, Post, Posting  # noqa: PLC0415

    for cls, name in (
        (Cadre, "cadres"),
        (Mentor, "mentors"),
        (Post, "posts"),
        (Posting, "postings"),
        (Eligibility, "eligibilities"),
        (Enterprise, "enterprises"),
    ):
        st.register_type_strategy(cls, _from_testing(name))
