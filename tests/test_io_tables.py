"""Tables in and out: round trips in every format, Chinese headers, and every kind of bad input.

What a table cannot hold is excluded from the round-trip properties
explicitly: a cadre's posting ``history`` (not part of a roster, see
``without_history``), strings with leading or trailing whitespace (cells are
stripped; the writer refuses them, see ``test_writer_refuses_edge_whitespace``)
and set items containing a separator (refused, see the same test).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.worksheet.worksheet import Worksheet

from cadredev import (
    Cadre,
    Eligibility,
    InvalidInputError,
    Mentor,
    MissingDependencyError,
    Post,
    Posting,
)
from cadredev._validate import id_problem
from cadredev.io import _delimited as delimited
from cadredev.io import (
    from_pandas,
    read_records_csv,
    read_roster_csv,
    read_table,
    to_pandas,
    write_records_csv,
    write_roster_csv,
    write_table,
)
from cadredev.io._columns import TABLE_KINDS, normalise, spec
from cadredev.io._xlsx import read_xlsx
from cadredev.rotation import Program
from cadredev.scoring import Exemption, Records
from cadredev.testing import cadres, eligibilities, mentors, posts

FORMATS = ("csv", "tsv", "xlsx")
# Excel dates carry no time zone.
MAY_1990 = dt.datetime(1990, 5, 1)  # noqa: DTZ001
MARCH_2025 = dt.datetime(2025, 3, 1)  # noqa: DTZ001
PERIODS = ("2025-01", "2025-02", "2025-12", "2025Q1", "2025Q4", "2024", "2025")

# ---------------------------------------------------------------- strategies

# Text a table keeps: any character but lone surrogates (quotes, commas, tabs,
# CR, LF, NUL, control characters, ``_x0041_``, ``=1+1`` included), no edge whitespace.
_CHARS = st.characters(codec="utf-8")
texts = st.one_of(
    st.text(_CHARS, min_size=1, max_size=8),
    st.sampled_from(["a,b", 'say "hi"', "a\rb", "a\r\nb", "x\ny", "_x0041_", "=1+1", "张 伟"]),
).filter(lambda s: s == s.strip() and s != "")
# Ids follow the one id rule: no control characters, no surrounding whitespace.
record_ids = texts.filter(lambda s: id_problem(s) is None)
# A program's categories and cadres are ids too, in one cell split at the separators.
items = record_ids.filter(lambda s: not any(sep in s for sep in ";；、"))


def _unchecked(record: Any, **changes: Any) -> Any:
    """Return *record* with fields set past its validators (what a writer must still refuse)."""
    for name, value in changes.items():
        object.__setattr__(record, name, value)
    return record


def table_safe(record: Any) -> Any:
    """Drop what a table cannot hold (posting history) from a record."""
    if isinstance(record, Cadre):
        return attrs.evolve(record, history=(), name=record.name.strip())
    return attrs.evolve(record, name=record.name.strip())


programs = st.builds(
    Program,
    name=texts,
    length=st.integers(1, 12),
    placements=st.tuples(st.integers(0, 3), st.integers(0, 3)).map(lambda p: tuple(sorted(p))),
    categories=st.frozensets(items, min_size=1, max_size=3),
    eligibility=eligibilities(),
    cadres=st.none() | st.frozensets(items, min_size=1, max_size=3),
    other_unit=st.booleans(),
    no_repeat=st.booleans(),
    one_per_category=st.booleans(),
    gap=st.integers(0, 3),
)
exemptions = st.builds(
    Exemption,
    cadre_id=texts,
    period=st.sampled_from(PERIODS),
    target=texts,
    policy=st.sampled_from(("waive", "mitigate")),
    factor=st.floats(0.0, 1.0),
    reason=st.just("") | texts,
    approved_by=st.just("") | texts,
)
finite = st.floats(allow_nan=False, allow_infinity=False)
record_rows = st.lists(
    st.tuples(record_ids, st.sampled_from(PERIODS), record_ids, finite),
    max_size=12,
    unique_by=lambda r: r[:3],
)


def roundtrip(kind: str, values: Any, fmt: Any, labels: Any = "en") -> Any:
    buffer = io.BytesIO()
    write_table(kind, values, buffer, format=fmt, labels=labels)
    buffer.seek(0)
    return read_table(kind, buffer, format=fmt)


def unique_by(key: Callable[[Any], Any]) -> Callable[[list[Any]], list[Any]]:
    def keep(values: list[Any]) -> list[Any]:
        seen: set[Any] = set()
        return [v for v in values if not (key(v) in seen or seen.add(key(v)))]  # type: ignore[func-returns-value]

    return keep


STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "Cadre": st.lists(cadres(ids=record_ids).map(table_safe), max_size=5),
    "Mentor": st.lists(mentors().map(table_safe), max_size=5),
    "Post": st.lists(posts(units=["街道", "a,b"]).map(table_safe), max_size=5),
    "Program": st.lists(programs, max_size=4),
    "Exemption": st.lists(exemptions, max_size=5),
}
KEYS: dict[str, Callable[[Any], Any]] = {
    "Cadre": lambda r: r.id,
    "Mentor": lambda r: r.id,
    "Post": lambda r: r.id,
    "Program": lambda r: r.name,
    "Exemption": id,
}

# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", sorted(STRATEGIES))
def test_round_trip(kind: str, fmt: str) -> None:
    @settings(max_examples=15 if fmt == "xlsx" else 40)
    @given(STRATEGIES[kind].map(unique_by(KEYS[kind])), st.sampled_from(("en", "zh")))
    def check(values: list[Any], labels: str) -> None:
        assert roundtrip(kind, values, fmt, labels) == tuple(values)

    check()


@pytest.mark.parametrize("fmt", FORMATS)
def test_records_round_trip(fmt: str) -> None:
    @settings(max_examples=15 if fmt == "xlsx" else 40)
    @given(record_rows)
    def check(rows: list[tuple[str, str, str, float]]) -> None:
        records = Records.from_rows(rows)
        assert roundtrip("Records", records, fmt) == records

    check()


def test_kind_may_be_the_class() -> None:
    m = Mentor(id="m1", unit="u")
    buffer = io.StringIO()
    write_table(Mentor, [m], buffer, format="csv")
    assert read_table(Mentor, io.StringIO(buffer.getvalue()), format="csv") == (m,)


def test_history_is_not_written() -> None:
    c = Cadre(
        id="c1",
        name="a",
        birth_year=1990,
        rank="section",
        unit="u",
        history=(Posting(post_id="p", start=1),),
    )
    assert roundtrip("Cadre", [c], "csv") == (attrs.evolve(c, history=()),)


# ---------------------------------------------------------------- Chinese headers and Excel

ENGLISH_CSV = (
    "id,name,birth_year,rank,unit,line,industries,competencies,grid,gender,joined_year\n"
    "c1,张伟,1990,section,招商局,investment,ai;logistics,judgment=0.5,g1,M,2015\n"
    "c2,李 娜,1988,division,经发局,,biomedicine,,,,\n"
    "c3,王芳,1995,researcher,新城街道,project,,communication=0.75;judgment=0.25,g2,F,\n"
)


def chinese_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "花名册"
    header = ["工号", "姓 名", "出生年月", "职级", "所在单位", "条线", "专业方向", "能力"]
    sheet.append([*header, "网格", "性别", "参加工作年份"])
    first = [" c1 ", "张伟", MAY_1990, "科级及以下", "招商局", "招商引资", "ai、logistics"]
    sheet.append([*first, "judgment=0.5", "g1", "M", 2015.0])
    sheet.append(
        ["c2", "李 娜", "1988年3月", "处级", "经发局", None, "biomedicine", None, None, None, None]
    )
    third = ["c3", "王芳", 1995, "调研员", "新城街道", "项目建设", ""]
    sheet.append([*third, "communication=0.75；judgment=0.25", "g2", "F", None])
    sheet["C2"].number_format = 'yyyy"年"m"月"'
    book.save(path)


def test_chinese_excel_roster_reads_like_the_english_csv(tmp_path: Path) -> None:
    xlsx = tmp_path / "花名册.xlsx"
    chinese_workbook(xlsx)
    english = read_table("Cadre", io.StringIO(ENGLISH_CSV), format="csv")
    assert read_table("Cadre", xlsx) == english
    assert [c.birth_year for c in english] == [1990, 1988, 1995]


def test_excel_with_a_chinese_date_format_and_1904_dates(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["工号", "姓名", "出生日期", "职级", "单位"])
    sheet.append(["c1", "a", MAY_1990, "处级", "u"])
    sheet["C2"].number_format = "yyyy/m/d"
    path = tmp_path / "r.xlsx"
    book.save(path)
    (c,) = read_table("Cadre", path)
    assert c.birth_year == 1990


@pytest.mark.parametrize(
    "cell",
    [
        *("1990", " 1990 ", "1990.0", "1990-05", "1990.05", "1990/5", "1990年", "1990年5月"),
        *("1990年05月", "1990/5/1", "1990-05-01", "1990年5月1日", "199005", "19900501"),
        "1990-05-01 00:00:00",
    ],
)
def test_birth_year_cells(cell: str) -> None:
    text = f"id,name,出生年月,rank,unit\nc1,a,{cell},section,u\n"
    (c,) = read_table("Cadre", io.StringIO(text), format="csv")
    assert c.birth_year == 1990


@pytest.mark.parametrize("cell", ["1990-13", "1990.5.40", "nineteen", "90", "1990.5x"])
def test_bad_birth_year_cells(cell: str) -> None:
    text = f"id,name,出生年月,rank,unit\nc1,a,{cell},section,u\n"
    with pytest.raises(
        InvalidInputError, match=r"row 2, column '出生年月': expected an integer year"
    ):
        read_table("Cadre", io.StringIO(text), format="csv")


def test_periods_in_chinese_and_as_excel_dates(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["工号", "月份", "指标", "数值"])
    sheet.append(["c1", MARCH_2025, "visits", 3])
    sheet.append(["c1", "2025年4月", "visits", 4.5])
    sheet.append(["c1", "2025年第2季度", "visits", 1])
    sheet.append(["c1", 2025, "visits", 2])
    path = tmp_path / "r.xlsx"
    book.save(path)
    rows = read_table("Records", path).to_rows()
    assert sorted(rows) == [
        ("c1", "2025", "visits", 2.0),
        ("c1", "2025-03", "visits", 3.0),
        ("c1", "2025-04", "visits", 4.5),
        ("c1", "2025Q2", "visits", 1.0),
    ]


def test_zh_labels_write_chinese_headers_and_values(tmp_path: Path) -> None:
    c = Cadre(id="c1", name="a", birth_year=1990, rank="division", unit="u", line="service")
    path = tmp_path / "r.csv"
    write_table("Cadre", [c], path, labels="zh")
    header, row = path.read_text("utf-8").splitlines()
    assert header.startswith("工号,姓名,出生年份,职级,单位,条线")
    assert "处级" in row
    assert "园区服务" in row
    p = Program(name="shadowing", length=3, categories="host", other_unit=True)
    write_table("Program", [p], path, labels="zh")
    assert "是" in path.read_text("utf-8")
    assert read_table("Program", path) == (p,)


def test_user_column_map(tmp_path: Path) -> None:
    text = "人员代码X,名,出生年份,职级,单位,备注\nc1,a,1990,处级,u,随便\n"
    (c,) = read_table(
        "Cadre",
        io.StringIO(text),
        format="csv",
        columns={"人员代码X": "id", "名": "name", "备注": None},
    )
    assert (c.id, c.name) == ("c1", "a")
    with pytest.raises(InvalidInputError, match="expected a header mapped to one of"):
        read_table("Cadre", io.StringIO(text), format="csv", columns={"名": "nickname"})


def test_header_spelling_is_forgiving() -> None:
    text = "ID, Name ,Birth Year,RANK,unit,Joined-Year\nc1,a,1990,section,u,2010\n"
    (c,) = read_table("Cadre", io.StringIO(text), format="csv")
    assert c.joined_year == 2010


def test_ids_meet_after_the_one_whitespace_rule() -> None:
    roster = read_table(
        "Cadre",
        io.StringIO("id,name,birth_year,rank,unit\nc1 ,a b ,1990,section,u\n"),
        format="csv",
    )
    records = read_table(
        "Records", io.StringIO("工号,期间,指标,数值\n c1 ,2025-01, x ,1\n"), format="csv"
    )
    assert roster[0].id == "c1"
    assert roster[0].name == "a b"
    assert records.cadres == ("c1",)
    assert records.indicators == ("x",)


def test_writer_refuses_edge_whitespace_and_separators(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("old", "utf-8")
    bad = [
        (Cadre(id="c1", name=" 王", birth_year=1990, rank="section", unit="u"), "name ' 王'"),
        (
            _unchecked(
                Cadre(id="c1", name="王", birth_year=1990, rank="section", unit="u"), id="c1 "
            ),
            "id 'c1 '",
        ),
        (
            Cadre(
                id="c1", name="a", birth_year=1990, rank="section", unit="u", industries={"a、b"}
            ),
            "item 'a、b' contains '、'",
        ),
        (
            _unchecked(
                Cadre(id="c1", name="a", birth_year=1990, rank="section", unit="u"), grid="g1\n"
            ),
            "grid 'g1\\n'",
        ),
    ]
    for cadre, fragment in bad:
        with pytest.raises(InvalidInputError, match=r"r\.csv: Cadre 'c1 ?'") as info:
            write_table("Cadre", [cadre], path)
        assert fragment in str(info.value)
        assert "nothing was written" in str(info.value)
    post = Post(id="p", unit="u", category="host", eligibility=Eligibility(units=frozenset()))
    with pytest.raises(InvalidInputError, match="empty set"):
        write_table("Post", [post], path)
    assert path.read_text("utf-8") == "old"


def test_rolled_up_records_are_refused() -> None:
    r = Records.from_rows([("c1", "2025-01", "x", 1.0)])
    rolled = attrs.evolve(r, exposure=np.array([0.5]))
    with pytest.raises(InvalidInputError, match="exposure"):
        write_table("Records", rolled, io.BytesIO(), format="csv")


# ---------------------------------------------------------------- CSV details


def test_bare_cr_is_quoted_on_writing_and_named_on_reading(tmp_path: Path) -> None:
    c = Cadre(id="c1", name="a\rb", birth_year=1990, rank="section", unit="u")
    path = tmp_path / "r.csv"
    write_table("Cadre", [c], path)
    assert b'"a\rb"' in path.read_bytes()
    assert read_table("Cadre", path) == (c,)
    path.write_bytes(b"id,name,birth_year,rank,unit\nc1,a\rb,1990,section,u\nc2,x,1990,section,u\n")
    with pytest.raises(InvalidInputError) as info:
        read_table("Cadre", path)
    assert "r.csv, row 2: expected 5 cells, got 2" in str(info.value)
    assert "bare carriage return" in str(info.value)


def test_huge_field_round_trips_and_the_limit_is_restored(tmp_path: Path) -> None:
    before = csv.field_size_limit()
    name = "长" * 200_000
    c = Cadre(id="c1", name=name, birth_year=1990, rank="section", unit="u")
    for fmt in ("csv", "tsv"):
        path = tmp_path / f"r.{fmt}"
        write_table("Cadre", [c], path)
        assert read_table("Cadre", path) == (c,)
    assert csv.field_size_limit() == before
    with pytest.raises(InvalidInputError, match="at most 32,767"):
        write_table("Cadre", [c], tmp_path / "r.xlsx")


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("\ufeff工号,姓名,出生年份,职级,单位\nc1,a,1990,处级,u\n".encode())
    assert read_table("Cadre", path)[0].id == "c1"
    c = Cadre(id="c1", name="a", birth_year=1990, rank="section", unit="u")
    write_table("Cadre", [c], path, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_table("Cadre", path) == (c,)
    assert read_table("Cadre", io.StringIO("\ufeff" + ENGLISH_CSV), format="csv")[0].id == "c1"


def test_gbk_needs_its_encoding(tmp_path: Path) -> None:
    path = tmp_path / "花名册.csv"
    path.write_bytes("工号,姓名,出生年份,职级,单位\nc1,张伟,1990,处级,招商局\n".encode("gbk"))
    with pytest.raises(InvalidInputError) as info:
        read_table("Cadre", path)
    message = str(info.value)
    assert "花名册.csv, line 1: not UTF-8" in message
    assert "encoding='gb18030'" in message
    for encoding in ("gb18030", "gbk"):
        (c,) = read_table("Cadre", path, encoding=encoding)
        assert (c.name, c.unit) == ("张伟", "招商局")
    path.write_bytes(
        b"id,name,birth_year,rank,unit\nc1,a,1990,section,u\nc2,\xd5\xc5,1990,section,u\n"
    )
    with pytest.raises(InvalidInputError, match=r"line 3: not UTF-8"):
        read_table("Cadre", path)
    c = Cadre(id="c1", name="张伟", birth_year=1990, rank="section", unit="u")
    write_table("Cadre", [c], path, encoding="gb18030")
    assert read_table("Cadre", path, encoding="gb18030") == (c,)


def test_errors_cite_physical_lines_and_the_header_as_written() -> None:
    text = (
        "工号,姓名,出生年份,职级,单位\n"
        'c1,"two\nlines",1990,处级,u\n'
        "\n"
        'c2,"three\r\nline\rname",1991,处级,u\n'
        "c3,a,19x0,处级,u\n"
    )
    with pytest.raises(InvalidInputError, match=r"row 8, column '出生年份': expected an integer"):
        read_table("Cadre", io.StringIO(text), format="csv")


def test_line_numbers_across_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delimited, "CHUNK", 2)
    rows = "".join(f"c{i},a,1990,section,u\n" for i in range(5))
    text = (
        "id,name,birth_year,rank,unit\n"
        + rows
        + 'c9,"x\ny",1990,section,u\n\nc2,a,1990,section,u\n'
    )
    with pytest.raises(
        InvalidInputError, match=r"row 10, column 'id': duplicate id 'c2' \(first on row 4\)"
    ):
        read_table("Cadre", io.StringIO(text), format="csv")
    records = "cadre_id,period,indicator,value\n" + "".join(
        f"c{i % 3},2025-0{1 + i // 3},x,{i}\n" for i in range(7)
    )
    got = read_table("Records", io.StringIO(records), format="csv")
    assert got == Records.from_rows(
        [(f"c{i % 3}", f"2025-0{1 + i // 3}", "x", i) for i in range(7)]
    )
    dup = records + "c1,2025-01,x,9\n"
    with pytest.raises(InvalidInputError, match=r"row 9: duplicate row .* \(first on row 3\)"):
        read_table("Records", io.StringIO(dup), format="csv")


def test_quote_free_text_takes_the_fast_path_with_the_same_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(delimited, "CHUNK", 1)  # blocks of 32 characters
    text = "id,name,birth_year,rank,unit\r\n" + "".join(
        f"c{i},a,1990,section,u\r\n" for i in range(6)
    )
    assert [c.id for c in read_table("Cadre", io.StringIO(text), format="csv")] == [
        f"c{i}" for i in range(6)
    ]
    assert read_table("Cadre", io.StringIO("id,name,birth_year,rank,unit"), format="csv") == ()
    one = "id,name,birth_year,rank,unit\nc1,a,1990,section,u"
    assert read_table("Cadre", io.StringIO(one), format="csv")[0].unit == "u"
    bad = "id,name,birth_year,rank,unit\n\nc1,a,1990,section,u\n\n\nc2,a,x,section,u\n"
    with pytest.raises(InvalidInputError, match=r"row 6, column 'birth_year'"):
        read_table("Cadre", io.StringIO(bad), format="csv")
    mac = "id,name,birth_year,rank,unit\rc1,a,1990,section,u\rc2,a,x,section,u\r"
    with pytest.raises(InvalidInputError, match=r"row 3, column 'birth_year'"):
        read_table("Cadre", io.StringIO(mac), format="csv")
    tsv = "id\tname\tbirth_year\trank\tunit\nc1\ta, b\t1990\tsection\tu\n"
    assert read_table("Cadre", io.StringIO(tsv), format="tsv")[0].name == "a, b"


# ---------------------------------------------------------------- bad headers and cells


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("id,name,birth_year,rank,unit,salary\n", "unknown column(s) ['salary']; known columns"),
        ("工号,编号,姓名,出生年份,职级,单位\n", "columns '工号' (column 1) and '编号' (column 2)"),
        (
            "id,name,name,birth_year,rank,unit\n",
            "duplicate column(s) ['name'] (column 2 and column 3)",
        ),
        (
            "工号,姓名,职级,单位\n",
            "missing required column(s) ['birth_year'] (in Chinese: ['出生年份'])",
        ),
        ("id,name,birth_year,rank,unit,\nc1,a,1990,section,u,x\n", "column 6 has no header"),
        ('id,name,birth_year,rank,unit\nc1,"a,1990,section,u\n', "malformed CSV"),
        ("id,name,birth_year,rank,unit\n,,,,\nc1,,1990,,u\n", "column 'rank': rank must be one of"),
        ("id,name,birth_year,rank,unit\nc1,a,1990,boss,u\n", "row 2: Cadre 'c1': rank must be"),
        (
            "id,name,birth_year,rank,unit,能力\nc1,a,1990,section,u,x:1\n",
            "column '能力': expected name=",
        ),
        ("id,name,birth_year,rank,unit,条线\nc1,a,1990,section,u,x\n", "(column '条线')"),
    ],
)
def test_bad_roster_tables(content: str, fragment: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        read_table("Cadre", io.StringIO(content), format="csv")
    assert fragment in str(info.value)


def test_unknown_columns_may_be_ignored() -> None:
    text = "id,name,birth_year,rank,unit,salary\nc1,a,1990,section,u,9\n"
    assert read_table("Cadre", io.StringIO(text), format="csv", extra="ignore")[0].id == "c1"


def test_blank_rows_are_skipped() -> None:
    text = "id,name,birth_year,rank,unit\n\n,,,,\nc1,a,1990,section,u\n  \n"
    assert [c.id for c in read_table("Cadre", io.StringIO(text), format="csv")] == ["c1"]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (
            "cadre_id,period,indicator,value\na,2025-01,x,1\nb,2025-01,x,oops\n",
            "row 3, column 'value': expected a number, got 'oops'",
        ),
        (
            "cadre_id,period,indicator,value\na,2025-01,x,1\na,2025-01,x,2\n",
            (
                "row 3: duplicate row for (cadre 'a', period '2025-01', indicator 'x') "
                "(first on row 2)"
            ),
        ),
        (
            "cadre_id,period,indicator,value\na,2025-1,x,1\n",
            "row 2, column 'period': expected a period label",
        ),
        (
            "cadre_id,period,indicator,value\na,2025-01,x,\n",
            "row 2, column 'value': value must be a number, got an empty cell",
        ),
        (
            "cadre_id,period,indicator,value\n,2025-01,x,1\n",
            "row 2, column 'cadre_id': cadre_id must be a non-empty string",
        ),
        (
            "cadre_id,period,indicator,value\na,2025-01,x,nan\n",
            "row 2, column 'value': value must be finite",
        ),
        ("cadre_id,period,indicator\n", "missing required column(s) ['value']"),
    ],
)
def test_bad_records_tables(content: str, fragment: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        read_table("Records", io.StringIO(content), format="csv")
    assert fragment in str(info.value)


def test_records_csv_wrappers(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("cadre_id,period,indicator,value\na,2025-01,x,1\nb,2025-02,y,2\n", "utf-8")
    rec = read_records_csv(path)
    assert rec.to_rows() == [("a", "2025-01", "x", 1.0), ("b", "2025-02", "y", 2.0)]
    write_records_csv(rec, path)
    assert read_records_csv(path) == rec
    assert read_table(
        "Records", io.StringIO("cadre_id,period,indicator,value\n"), format="csv"
    ) == (Records.from_rows([]))


def test_empty_and_unreadable_sources(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="empty file"):
        read_table("Cadre", io.StringIO(" \n"), format="csv")
    with pytest.raises(InvalidInputError, match="cannot read file"):
        read_table("Cadre", tmp_path / "missing.csv")
    with pytest.raises(InvalidInputError, match="format='csv', 'tsv' or 'xlsx'"):
        read_table("Cadre", tmp_path / "r.txt")
    with pytest.raises(InvalidInputError, match=r"old binary \.xls"):
        read_table("Cadre", tmp_path / "r.xls")
    with pytest.raises(InvalidInputError, match="tables hold the kinds"):
        read_table("Zone", io.StringIO(""), format="csv")
    with pytest.raises(InvalidInputError, match="extra must be one of"):
        read_table("Cadre", io.StringIO(""), format="csv", extra="warn")  # type: ignore[call-overload]
    with pytest.raises(InvalidInputError, match="unknown encoding"):
        read_table("Cadre", io.BytesIO(b"id\n"), format="csv", encoding="klingon")
    book = tmp_path / "book.xlsx"
    write_table("Cadre", [], book)
    with pytest.raises(InvalidInputError, match="this is an Excel workbook"):
        read_table("Cadre", book, format="csv")
    with pytest.raises(InvalidInputError, match=r"not an \.xlsx workbook"):
        read_table("Cadre", io.BytesIO(ENGLISH_CSV.encode()), format="xlsx")


# ---------------------------------------------------------------- Excel problems


def workbook(path: Path, *sheets: str) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    first = book.active
    assert isinstance(first, Worksheet)
    first.title = sheets[0] if sheets else "Sheet"
    for name in sheets[1:]:
        book.create_sheet(name)
    del path
    return book


def test_excel_merged_header_cells(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    book = workbook(path, "花名册")
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["XX开发区干部花名册"])
    sheet.merge_cells("A1:E1")
    sheet.append(["工号", "姓名", "出生年份", "职级", "单位"])
    book.save(path)
    with pytest.raises(InvalidInputError, match=r"merged header cells \['A1:E1'\] \(row 1\)"):
        read_table("Cadre", path)


def test_excel_title_row_above_the_header(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    book = workbook(path)
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["XX开发区干部花名册"])
    sheet.append(["工号", "姓名", "出生年份", "职级", "单位"])
    book.save(path)
    with pytest.raises(InvalidInputError, match="a title above the header"):
        read_table("Cadre", path)


def test_excel_merged_data_cells(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    book = workbook(path)
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["工号", "姓名", "出生年份", "职级", "单位"])
    sheet.append(["c1", "a", 1990, "处级", "招商局"])
    sheet.append(["c2", "b", 1990, "处级", None])
    sheet.merge_cells("E2:E3")
    book.save(path)
    with pytest.raises(InvalidInputError, match=r"merged cells \['E2:E3'\]; a merged cell keeps"):
        read_table("Cadre", path)


def test_excel_several_sheets(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    book = workbook(path, "说明", "花名册")
    sheet = book["花名册"]
    sheet.append(["工号", "姓名", "出生年份", "职级", "单位"])
    sheet.append(["c1", "a", 1990.0, "处级", "招商局"])
    book.save(path)
    with pytest.raises(
        InvalidInputError, match=r"2 sheets \['说明', '花名册'\]; choose one with sheet="
    ):
        read_table("Cadre", path)
    assert read_table("Cadre", path, sheet="花名册")[0].birth_year == 1990
    assert read_table("Cadre", path, sheet=1)[0].id == "c1"
    with pytest.raises(InvalidInputError, match="no sheet 'x'; the sheets are"):
        read_table("Cadre", path, sheet="x")
    with pytest.raises(InvalidInputError, match=r"r\.xlsx, sheet '说明': the sheet is empty"):
        read_table("Cadre", path, sheet="说明")


def test_excel_cells_of_every_type(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    book = workbook(path)
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append([None])
    sheet.append(["name", "length", "categories", "other_unit", "gap", "min_placements", "ranks"])
    sheet.append(["p1", 3.0, "host、frontline", True, None, 1, "处级;section"])
    sheet.append([None, None, None, None, None, None, None])
    sheet.append([1001, "2", "host", "否", 0, None, None])
    book.save(path)
    one, two = read_table("Program", path)
    assert (one.length, one.categories, one.other_unit, one.placements) == (
        3,
        frozenset({"host", "frontline"}),
        True,
        (1, 1),
    )
    assert {r.value for r in one.eligibility.ranks or ()} == {"division", "section"}
    assert (two.name, two.length, two.other_unit) == ("1001", 2, False)
    sheet.append(["p3", 2.5, "host"])
    book.save(path)
    with pytest.raises(
        InvalidInputError, match=r"row 6, column 'length': expected an integer, got 2\.5"
    ):
        read_table("Program", path)


def test_excel_error_cells_and_formulas(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    book = workbook(path)
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["工号", "姓名", "出生年份", "职级", "单位"])
    sheet.append(["c1", "a", "=1980+10", "处级", "u"])
    book.save(path)
    with pytest.raises(
        InvalidInputError, match=r"row 2, column '出生年份'.*formula with no saved value"
    ):
        read_table("Cadre", path)


def test_xlsx_written_by_pandas(tmp_path: Path) -> None:
    roster = read_table("Cadre", io.StringIO(ENGLISH_CSV), format="csv")
    path = tmp_path / "pandas.xlsx"
    to_pandas("Cadre", roster, labels="zh").to_excel(path, index=False, sheet_name="花名册")
    assert read_table("Cadre", path) == roster


excel_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53) + 1, 2**53 - 1),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: f"{x:.16g}" == repr(x)),
    st.datetimes(dt.datetime(1901, 1, 1), dt.datetime(2100, 1, 1)).map(  # noqa: DTZ001
        lambda d: d.replace(microsecond=0)
    ),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=6).filter(
        lambda s: s.strip() == s and not s.startswith("=")
    ),
)


@settings(max_examples=25)
@given(st.lists(st.lists(excel_values, min_size=1, max_size=5), min_size=1, max_size=6))
def test_xlsx_reader_agrees_with_openpyxl(rows: list[list[Any]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    width = max(len(r) for r in rows)
    sheet.append([f"h{j}" for j in range(width)])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    theirs = openpyxl.load_workbook(buffer, read_only=True)
    expected = [
        [*r, *[None] * (width - len(r))]
        for r in list(theirs.worksheets[0].iter_rows(values_only=True))[1:]
        if any(v is not None and v != "" for v in r)
    ]
    theirs.close()
    buffer.seek(0)
    table = read_xlsx(buffer, sheet=None, where="book")
    got = [list(row) for block in table.blocks for row in zip(*block.columns, strict=True)]
    assert got == expected


def test_xlsx_from_a_file_object(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    chinese_workbook(path)
    with path.open("rb") as handle:
        assert len(read_table("Cadre", handle)) == 3
    with (
        path.open("r", encoding="latin-1") as text,
        pytest.raises(InvalidInputError, match="binary"),
    ):
        read_table("Cadre", text, format="xlsx")


# ---------------------------------------------------------------- DataFrames


def test_dataframe_nan_required_and_optional() -> None:
    frame = pd.DataFrame(
        {
            "工号": ["c1", "c2"],
            "姓名": ["a", "b"],
            "出生年份": [1990.0, 1991.0],
            "职级": ["处级", "处级"],
            "单位": ["u", "u"],
            "参加工作年份": [2010.0, math.nan],
        },
        index=["x", "y"],
    )
    got = from_pandas("Cadre", frame)
    assert [c.joined_year for c in got] == [2010, None]
    frame.loc["y", "单位"] = math.nan
    with pytest.raises(
        InvalidInputError, match=r"DataFrame, index 'y', column '单位': unit must be"
    ):
        from_pandas("Cadre", frame)


def test_dataframe_with_dates_collections_and_blank_rows() -> None:
    frame = pd.DataFrame(
        {
            "id": ["c1", None],
            "name": ["a", None],
            "birth_year": [pd.Timestamp("1990-05-01"), pd.NaT],
            "rank": ["section", None],
            "unit": ["u", None],
            "industries": [["ai", "logistics"], None],
            "competencies": [{"judgment": 0.5}, None],
        }
    )
    (c,) = from_pandas("Cadre", frame)
    assert (c.birth_year, c.industries, dict(c.competencies)) == (
        1990,
        frozenset({"ai", "logistics"}),
        {"judgment": 0.5},
    )
    with pytest.raises(InvalidInputError, match=r"expected a pandas\.DataFrame"):
        from_pandas("Cadre", {"id": []})  # type: ignore[arg-type]


@given(record_rows)
def test_pandas_round_trip_of_records(rows: list[tuple[str, str, str, float]]) -> None:
    records = Records.from_rows(rows)
    frame = to_pandas("Records", records, labels="zh")
    assert list(frame.columns) == ["工号", "期间", "指标", "数值"]
    assert from_pandas("Records", frame) == records


@given(STRATEGIES["Cadre"].map(unique_by(KEYS["Cadre"])), st.sampled_from(("en", "zh")))
def test_pandas_round_trip_of_rosters(roster: list[Cadre], labels: str) -> None:
    frame = to_pandas("Cadre", roster, labels=labels)  # type: ignore[arg-type]
    assert str(frame.iloc[:, 2].dtype) == "Int64"
    assert from_pandas("Cadre", frame) == tuple(roster)


# ---------------------------------------------------------------- failed writes


@pytest.mark.parametrize("fmt", FORMATS)
def test_failed_write_keeps_the_old_file(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"roster.{fmt}"
    good = Cadre(id="c1", name="张伟", birth_year=1990, rank="section", unit="u")
    write_table("Cadre", [good], path)
    before = path.read_bytes()
    bad = _unchecked(attrs.evolve(good, id="c2"), name="a\ud800")
    with pytest.raises(InvalidInputError) as info:
        write_table("Cadre", [good, bad], path)
    assert "Cadre 'c2': name 'a\\ud800'" in str(info.value)
    assert "nothing was written" in str(info.value)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_gbk_write_names_the_character() -> None:
    c = Cadre(id="c1", name="😀", birth_year=1990, rank="section", unit="u")
    with pytest.raises(InvalidInputError, match=r"Cadre 'c1': name '😀'.*cannot be written as gbk"):
        write_table("Cadre", [c], io.BytesIO(), format="csv", encoding="gbk")


def test_writer_argument_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="item 0 is a Mentor, expected Cadre"):
        write_table("Cadre", [Mentor(id="m", unit="u")], tmp_path / "r.csv")
    with pytest.raises(InvalidInputError, match="labels must be one of"):
        write_table("Cadre", [], tmp_path / "r.csv", labels="fr")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"from a cadredev\.scoring\.Records"):
        write_table("Records", [], tmp_path / "r.csv")
    with pytest.raises(InvalidInputError, match="binary file"):
        write_table("Cadre", [], io.StringIO(), format="xlsx")


def test_missing_openpyxl_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'cadredev\[excel\]'"):
        write_table("Cadre", [], tmp_path / "r.xlsx")


def test_reading_a_workbook_needs_no_openpyxl(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "r.xlsx"
    chinese_workbook(path)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    assert len(read_table("Cadre", path)) == 3


def test_roster_csv_wrappers_keep_working(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(ENGLISH_CSV, "utf-8")
    roster = read_roster_csv(path)
    write_roster_csv(roster, path)
    assert read_roster_csv(path) == roster


# ---------------------------------------------------------------- the naive reference reader


def naive_records(text: str) -> Records:
    """Read a records CSV row by row: the obviously correct reference."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [h.strip() for h in rows[0]]
    out = []
    for row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, (cell.strip() for cell in row), strict=True))
        value = float(cells["value"])
        out.append((cells["cadre_id"], cells["period"], cells["indicator"], value))
    return Records.from_rows(out)


padding = st.sampled_from(("", " ", "\t", "  "))


@st.composite
def records_csv(draw: st.DrawFn) -> str:
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(("c1", "c2", "c10", "张", "a b")),
                st.sampled_from(PERIODS),
                st.sampled_from(("x", "y", "visits")),
                finite,
            ),
            max_size=30,
            unique_by=lambda r: r[:3],
        )
    )
    lines = []
    for row in rows:
        cells = [
            draw(padding) + str(v if not isinstance(v, float) else repr(v)) + draw(padding)
            for v in row
        ]
        lines.append(",".join(cells))
        if draw(st.booleans()) and draw(st.booleans()):
            lines.append(draw(st.sampled_from(("", ",,,", " , , , "))))
    return "cadre_id , period,indicator,value\n" + "\n".join(lines) + "\n"


@settings(max_examples=100)
@given(records_csv(), st.sampled_from((2, 5, 65_536)))
def test_vectorised_records_reader_equals_the_naive_one(text: str, chunk: int) -> None:
    old = delimited.CHUNK
    delimited.CHUNK = chunk
    try:
        got = read_table("Records", io.StringIO(text), format="csv")
    finally:
        delimited.CHUNK = old
    expected = naive_records(text)
    assert got == expected
    assert got.to_rows() == expected.to_rows()
    assert np.array_equal(got.cadre_code, expected.cadre_code)
    assert np.array_equal(got.period_code, expected.period_code)


def test_the_docs_list_every_header() -> None:
    page = (Path(__file__).parent.parent / "docs" / "integrating.md").read_text("utf-8")
    for kind in TABLE_KINDS:
        for c in spec(kind).columns:
            aliases = "、".join(c.aliases)
            row = f"| `{c.key}` | {c.zh} | {aliases} | {'yes' if c.required else ''} |"
            assert row.replace("|  |", "| |") in page.replace("|  |", "| |"), row


@pytest.mark.parametrize("kind", TABLE_KINDS)
def test_headers_are_unambiguous(kind: str) -> None:
    names = [normalise(n) for c in spec(kind).columns for n in (c.key, c.zh, *c.aliases)]
    assert len(names) == len(set(names))
