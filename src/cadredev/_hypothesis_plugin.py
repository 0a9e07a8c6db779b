"""Register cadredev's strategies with hypothesis (run through its entry point)."""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    """Make ``st.from_type`` draw valid cadredev records."""
    from hypothesis import strategies as st  # noqa: PLC0415

    from . import testing  # noqa: PLC0415
    from .model import Cadre, Eligibility, Enterprise, Mentor, Post, Posting  # noqa: PLC0415

    st.register_type_strategy(Cadre, testing.cadres())
    st.register_type_strategy(Mentor, testing.mentors())
    st.register_type_strategy(Post, testing.posts())
    st.register_type_strategy(Posting, testing.postings())
    st.register_type_strategy(Eligibility, testing.eligibilities())
    st.register_type_strategy(Enterprise, testing.enterprises())
