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


def rebuilt_with_hostile_field(
    record: Any, data: st.DataObject, values: st.SearchStrategy[Any]
) -> tuple[type[Any], str, Any]:
    """Build ``record`` again with one field (drawn) set to a value drawn from ``values``.

    Return the class, the field's name, and the new record or the
    InvalidInputError its constructor raised.
    """
    fields = init_fields(record)
    name = data.draw(st.sampled_from(sorted(fields)))
    fields[name] = data.draw(values)
    cls = type(record)
    return cls, name, outcome(lambda: cls(**fields))


def named_or_round_trips(cls: type[Any], name: str, built: Any) -> bool:
    """Check that a refusal names the record, then the field; else the record round-trips.

    Return whether the record was built (and round-tripped).
    """
    from cadredev import io  # noqa: PLC0415

    if isinstance(built, InvalidInputError):  # the record first, then the field
        assert str(built).startswith(cls.__name__)
        assert name in str(built)
        return False
    assert io.load(cls, io.dump(built)) == built
    return True
