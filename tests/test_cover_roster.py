"""Columnar rosters: malformed columns named, lookups of unknown columns, equality."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from cadredev import Cadre, InvalidInputError, Roster

BASE: dict[str, Any] = {
    "id": ["a", "b"],
    "birth_year": [1990, 1991],
    "rank": ["section"] * 2,
    "unit": ["u", "v"],
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"unit": "uv"}, "Roster: column 'unit' must be a sequence or array, got 'uv'"),
        (
            {"unit": np.array([["u", "v"]])},
            "Roster: column 'unit' must be one-dimensional, got (1, 2)",
        ),
        ({"unit": ["u"]}, "Roster: column 'unit' must have one entry per cadre (2), got 1"),
        (
            {"birth_year": [1990.5, 1991]},
            "Roster row 0 (cadre 'a'): birth_year must be a year from 1930 to 2100, got 1990.5",
        ),
    ],
)
def test_malformed_columns_are_named(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        Roster.from_arrays(**{**BASE, **changes})
    assert str(info.value) == message


def test_years_are_integers_but_optional_ones_may_be_whole_floats() -> None:
    # A required year is an integer (as on Cadre): a float column is refused at its first row.
    with pytest.raises(InvalidInputError, match=r"^Roster row 0 \(cadre 'a'\): birth_year must be"):
        Roster.from_arrays(**{**BASE, "birth_year": np.array([1990.0, 1991.0])})
    # An optional year may come as floats with NaN for unknown (as pandas gives it).
    joined = Roster.from_arrays(**{**BASE, "joined_year": np.array([np.nan, 2010.0])})
    assert joined.column("joined_year").tolist() == [None, 2010]
    with pytest.raises(
        InvalidInputError, match=r"^Roster row 1 \(cadre 'b'\): joined_year must be"
    ):
        Roster.from_arrays(**{**BASE, "joined_year": np.array([np.nan, 2010.5])})


def test_lookups_and_equality() -> None:
    roster = Roster.from_arrays(**BASE)
    with pytest.raises(InvalidInputError, match=r"^Roster.codes: 'id' is not a categorical column"):
        roster.codes("id")
    with pytest.raises(InvalidInputError, match=r"^Roster.column: unknown column 'salary'"):
        roster.column("salary")
    with pytest.raises(InvalidInputError, match=r"^Roster row 0: expected a Cadre, got 'a'$"):
        Roster.from_cadres(["a"])  # type: ignore[list-item]
    assert roster != "a roster"
    assert roster == Roster.from_cadres(roster.to_cadres())
    assert "Roster(2 cadres in 2 units)" in roster._repr_html_()
    people = [Cadre(id="a", name="", birth_year=1990, rank="section", unit="u", joined_year=2010)]
    assert Roster.from_cadres(people).column("joined_year").tolist() == [2010]
