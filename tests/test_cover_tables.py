"""Table reading and writing arguments on the paths the table tests leave."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import attrs
import pandas as pd
import pytest

from cadredev import Cadre, InvalidInputError
from cadredev.io import from_pandas, read_table, write_table

CSV = "id,name,birth_year,rank,unit\nc1,王,1980,division,u\n"
CADRE = Cadre(id="c1", name="王", birth_year=1980, rank="division", unit="u")


@attrs.frozen
class _Impostor:
    id: str


_Impostor.__name__ = "Cadre"


def _message(call: Any) -> str:
    with pytest.raises(InvalidInputError) as info:
        call()
    return str(info.value)


def test_reading_arguments_are_named() -> None:
    assert _message(lambda: read_table(_Impostor, io.StringIO(CSV), format="csv")) == (
        f"read_table: {_Impostor!r} is not cadredev's Cadre"
    )
    assert _message(lambda: read_table("Cadre", io.StringIO(CSV), format="csv", sheet="x")) == (
        "read_table: sheet='x' applies to .xlsx workbooks, not csv"
    )
    text = "id,,name,birth_year,rank,unit\nc1,x,王,1980,division,u\n"
    assert _message(lambda: read_table("Cadre", io.StringIO(text), format="csv")) == (
        "<StringIO>, row 2: column 2 has no header but holds 'x'"
    )
    # A headerless column that is empty is no problem.
    blank = "id,,name,birth_year,rank,unit\nc1,,王,1980,division,u\n"
    assert read_table("Cadre", io.StringIO(blank), format="csv") == (CADRE,)


def test_dataframes_with_several_header_levels_or_unhashable_cells() -> None:
    levels = pd.MultiIndex.from_tuples([("a", "b"), ("a", "c")])
    assert _message(lambda: from_pandas("Cadre", pd.DataFrame([[1, 2]], columns=levels))) == (
        "DataFrame: the columns have several header levels; flatten them to one"
    )
    frame = pd.DataFrame(
        {"id": ["c1"], "name": ["王"], "birth_year": [[1980]], "rank": ["division"], "unit": ["u"]}
    )
    assert _message(lambda: from_pandas("Cadre", frame)).startswith(
        "DataFrame, index 0, column 'birth_year': expected an integer year"
    )
    frame["birth_year"] = [1980]
    frame["industries"] = [["招商", "ai"]]
    (cadre,) = from_pandas("Cadre", frame)
    assert cadre.industries == frozenset({"招商", "ai"})


def test_writing_arguments_and_targets(tmp_path: Path) -> None:
    assert _message(lambda: write_table("Cadre", "abc", io.StringIO(), format="csv")) == (
        "<StringIO>: expected a collection of Cadre records, got str"
    )
    target = tmp_path / "a.csv"
    assert _message(lambda: write_table("Cadre", [CADRE], target, encoding="no-such")) == (
        f"{target} (CSV): unknown encoding 'no-such'"
    )
    assert _message(lambda: write_table("Cadre", [CADRE], target, encoding="ascii")) == (
        f"{target}: Cadre 'c1': name '王': '王' cannot be written as ascii "
        "(ordinal not in range(128)); nothing was written"
    )
    assert not target.exists()
    with (tmp_path / "b.xlsx").open("w") as text_file:
        assert _message(lambda: write_table("Cadre", [CADRE], text_file, format="xlsx")) == (
            f"{tmp_path / 'b.xlsx'}: a workbook must be written to a binary file ('wb')"
        )
    with (tmp_path / "b.csv").open("w", encoding="utf-8") as text_file:
        write_table("Cadre", [CADRE], text_file, format="csv")
    with (tmp_path / "c.csv").open("wb") as binary_file:
        write_table("Cadre", [CADRE], binary_file, format="csv")
    assert read_table("Cadre", tmp_path / "b.csv") == (CADRE,)
    assert read_table("Cadre", tmp_path / "c.csv") == (CADRE,)
