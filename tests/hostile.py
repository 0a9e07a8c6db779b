"""Hostile values and helpers shared by the tests that feed records bad fields."""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import strategies as st

from cadredev.errors import InvalidInputError


def hostile_values(*extra: object) -> st.SearchStrategy[Any]:
    """Arbitrary values, nested a little, with some known troublemakers and ``extra``."""
    return st.recursive(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(),
            st.text(max_size=4),
            st.binary(max_size=3),
            st.sampled_from(["\ud800", 10**400, float("nan"), *extra]),
        ),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.tuples(inner, inner),
            st.frozensets(st.one_of(st.integers(), st.text(max_size=3)), max_size=3),
            st.dictionaries(st.text(max_size=3), inner, max_size=2),
        ),
        max_leaves=5,
    )


def init_fields(record: Any) -> dict[str, Any]:
    """Return the keyword arguments that build ``record`` again."""
    return {a.alias: getattr(record, a.name) for a in attrs.fields(type(record)) if a.init}


def outcome(make: Any) -> Any:
    """Return what ``make()`` returns, or the InvalidInputError it raises."""
    try:
        return make()
    except InvalidInputError as exc:
        return exc
